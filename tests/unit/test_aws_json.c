/* The JSON form of AWS's Price List region files (src/fetch/aws_json.c):
 * the streaming scanner gives the same values whatever the chunks (whole,
 * byte by byte, random sizes), the region reader the same rows as the
 * CSV form of the same fixture, in either order of products and terms;
 * truncated and malformed documents fail with the byte named. */
#include "test_util.h"

#include <jansson.h>

#include "fetch/aws_json.h"
#include "fetch/parsers.h"
#include "gpuplan/catalog.h"

static gp_catalog *embedded(void)
{
    gp_catalog *c = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&c, &err), GP_OK);
    assert_int_equal(gp_catalog_add_embedded(c, &err), GP_OK);
    return c;
}

/* A fixture's body (after the status line and headers); malloc'd. */
static char *fixture_body(const char *rel, size_t *len)
{
    FILE *f = fopen(src_path(rel), "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *body = strstr(buf, "\n\n");
    assert_non_null(body);
    body += 2;
    *len = n - (size_t)(body - buf);
    char *out = malloc(*len + 1);
    assert_non_null(out);
    memcpy(out, body, *len + 1);
    return out;
}

/* Chunk sizes: 0 = whole, 1 = byte by byte, else random sizes in
 * [1, chunk] from a fixed seed. */
static size_t next_chunk(size_t chunk, size_t left, unsigned *seed)
{
    size_t c = chunk == 0 ? left : chunk == 1 ? 1 : (size_t)rand_r(seed) % chunk + 1;
    return c < left ? c : left;
}

/* ---- the scanner ------------------------------------------------------ */

typedef struct scan_log {
    char *text;
    size_t len;
    FILE *f;
    int products, offers, meta, closes;
} scan_log;

static int want_all(void *ctx, int depth, const char *const *keys)
{
    (void)ctx;
    if (!keys[0])
        return 0;
    if (depth == 1)
        return strcmp(keys[0], "publicationDate") == 0;
    if (depth == 2)
        return strcmp(keys[0], "products") == 0;
    return depth == 3 && strcmp(keys[0], "terms") == 0;
}

static gp_status log_value(void *ctx, int depth, const char *const *keys, const char *text,
                           size_t len, unsigned long long at, long line, gp_error *err)
{
    (void)err;
    scan_log *l = ctx;
    fprintf(l->f, "%d", depth);
    for (int i = 0; i < depth; i++)
        fprintf(l->f, "/%s", keys[i] ? keys[i] : "[]");
    fprintf(l->f, " @%llu:%ld %zu\n", at, line, len);
    fwrite(text, 1, len, l->f);
    fputc('\n', l->f);
    assert_int_equal(strlen(text), len);
    if (depth == 2) {
        /* the value is whole JSON, and its key is the SKU it names */
        json_t *v = json_loadb(text, len, 0, NULL);
        assert_non_null(v);
        assert_string_equal(json_string_value(json_object_get(v, "sku")), keys[1]);
        json_decref(v);
        l->products++;
    } else if (depth == 3) {
        l->offers++;
    } else {
        l->meta++;
    }
    return GP_OK;
}

static gp_status log_close(void *ctx, int depth, const char *const *keys, gp_error *err)
{
    (void)err;
    scan_log *l = ctx;
    fprintf(l->f, "close %d", depth);
    for (int i = 0; i < depth; i++)
        fprintf(l->f, "/%s", keys[i] ? keys[i] : "[]");
    fputc('\n', l->f);
    l->closes++;
    return GP_OK;
}

static char *scan(const char *doc, size_t len, size_t chunk, unsigned seed, scan_log *l)
{
    memset(l, 0, sizeof(*l));
    l->f = open_memstream(&l->text, &l->len);
    assert_non_null(l->f);
    gp_jscan *s = NULL;
    gp_error err;
    assert_int_equal(gp_jscan_new(&s, want_all, log_value, l, &err), GP_OK);
    gp_jscan_on_close(s, log_close);
    for (size_t off = 0; off < len;) {
        size_t c = next_chunk(chunk, len - off, &seed);
        assert_int_equal(gp_jscan_feed(s, "f", doc + off, c, &err), GP_OK);
        off += c;
    }
    assert_int_equal(gp_jscan_end(s, "f", &err), GP_OK);
    gp_jscan_free(s);
    fclose(l->f);
    return l->text;
}

static void test_scan_chunks(void **state)
{
    (void)state;
    const char *files[] = {"tests/fixtures/http/aws-json/us-east-1.http",
                           "tests/fixtures/http/aws-json/us-east-1-terms-first.http"};
    for (size_t fi = 0; fi < 2; fi++) {
        size_t len;
        char *doc = fixture_body(files[fi], &len);
        scan_log whole_log, l;
        char *whole = scan(doc, len, 0, 0, &whole_log);
        /* 6 products, 6 SKUs' OnDemand offers + 1 SKU's Reserved */
        assert_int_equal(whole_log.products, 6);
        assert_int_equal(whole_log.offers, 7);
        assert_int_equal(whole_log.meta, 1);
        /* closes outside handed-on values: products, terms, OnDemand,
         * Reserved (each product and SKU's offers was handed on whole) */
        assert_int_equal(whole_log.closes, 4);
        assert_non_null(strstr(whole, "close 2/terms/Reserved\n"));
        assert_non_null(strstr(whole, "1/publicationDate @"));
        assert_non_null(strstr(whole, "3/terms/Reserved/SKUG5XL0001 @"));
        char *bytes = scan(doc, len, 1, 0, &l);
        assert_string_equal(whole, bytes);
        free(bytes);
        for (unsigned seed = 1; seed <= 20; seed++) {
            char *r = scan(doc, len, 1 + seed * 37, seed, &l);
            assert_string_equal(whole, r);
            free(r);
        }
        free(whole);
        free(doc);
    }
}

static gp_status scan_text(const char *doc, size_t len, gp_error *err)
{
    scan_log l;
    memset(&l, 0, sizeof(l));
    l.f = open_memstream(&l.text, &l.len);
    gp_jscan *s = NULL;
    assert_int_equal(gp_jscan_new(&s, want_all, log_value, &l, err), GP_OK);
    gp_status st = gp_jscan_feed(s, "f", doc, len, err);
    if (st == GP_OK)
        st = gp_jscan_end(s, "f", err);
    gp_jscan_free(s);
    fclose(l.f);
    free(l.text);
    return st;
}

static void test_scan_errors(void **state)
{
    (void)state;
    gp_error err;
    /* every proper prefix of a document is truncated; the whole is not */
    const char *doc = "{\"products\": {\"S1\": {\"sku\": \"S1\", \"n\": [1, -2.5e3, true, "
                      "null, \"a\\\"b\\u00e9\"]}}, \"x\": false}";
    size_t n = strlen(doc);
    assert_int_equal(scan_text(doc, n, &err), GP_OK);
    for (size_t cut = 0; cut < n; cut++) {
        assert_int_equal(scan_text(doc, cut, &err), GP_EDATA);
        if (cut > 0)
            assert_non_null(strstr(err.message, "truncated"));
    }
    /* where the document stops is named */
    assert_int_equal(scan_text(doc, 20, &err), GP_EDATA);
    assert_string_equal(err.file, "f");
    assert_non_null(strstr(err.message, "ends at byte 20 inside \"products\".\"S1\""));

    struct {
        const char *text;
        const char *says;
    } bad[] = {
        {"{\"a\" 1}", "byte 5: ':' was expected"},
        {"{\"a\": tru}", "'tru' is no number"},
        {"{\"a\": 01}", "'01' is no number"},
        {"{\"a\": \"x\ty\"}", "a control character in a string"},
        {"{\"a\": \"\\q\"}", "a bad escape"},
        {"{\"a\": \"\\u12g4\"}", "a bad \\u escape"},
        {"{\"a\": [}", "a value was expected"},
        {"{\"a\": [1,]}", "a value was expected"},
        {"{\"a\": 1,}", "a key was expected"},
        {"{\"a\": 1]", "the wrong kind"},
        {"{} x", "byte 3: more after the document's end"},
        {"{\"a\": 1 2}", "',' or a closing bracket was expected"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(scan_text(bad[i].text, strlen(bad[i].text), &err), GP_EDATA);
        if (!strstr(err.message, bad[i].says))
            fail_msg("%s: got '%s', want '%s'", bad[i].text, err.message, bad[i].says);
    }
    /* nesting past the limit */
    char deep[2 * GP_JSCAN_MAX_DEPTH + 8];
    size_t k = 0;
    for (int i = 0; i <= GP_JSCAN_MAX_DEPTH; i++)
        deep[k++] = '[';
    deep[k] = '\0';
    assert_int_equal(scan_text(deep, k, &err), GP_EDATA);
    assert_non_null(strstr(err.message, "nested deeper than"));
    /* the first error sticks: more bytes do not clear it */
    gp_jscan *s = NULL;
    scan_log l;
    memset(&l, 0, sizeof(l));
    assert_int_equal(gp_jscan_new(&s, want_all, log_value, &l, &err), GP_OK);
    assert_int_equal(gp_jscan_feed(s, "f", "{]", 2, &err), GP_EDATA);
    assert_int_equal(gp_jscan_feed(s, "f", "}", 1, &err), GP_EDATA);
    assert_int_equal(gp_jscan_end(s, "f", &err), GP_EDATA);
    assert_non_null(strstr(err.message, "byte 1"));
    gp_jscan_free(s);
}

/* A wanted value past GP_JSCAN_MAX_VALUE_BYTES is refused; an unwanted
 * one of any size is skipped. */
static void test_scan_big_value(void **state)
{
    (void)state;
    size_t big = GP_JSCAN_MAX_VALUE_BYTES + 100;
    char *doc = malloc(big + 64);
    assert_non_null(doc);
    for (int wanted = 0; wanted < 2; wanted++) {
        int n = sprintf(doc, "{\"%s\": {\"S\": \"", wanted ? "products" : "other");
        memset(doc + n, 'x', big);
        strcpy(doc + n + big, "\"}}");
        gp_error err;
        gp_status st = scan_text(doc, strlen(doc), &err);
        if (wanted) {
            assert_int_equal(st, GP_EDATA);
            assert_non_null(strstr(err.message, "a value longer than"));
        } else {
            assert_int_equal(st, GP_OK);
        }
    }
    free(doc);
}

/* Keys are compared decoded: "\u0070roducts" is "products". */
static void test_scan_escaped_key(void **state)
{
    (void)state;
    const char *doc = "{\"\\u0070roducts\": {\"S\\u0031\": {\"sku\": \"S1\"}}}";
    scan_log l;
    char *t = scan(doc, strlen(doc), 1, 0, &l);
    assert_int_equal(l.products, 1);
    assert_non_null(strstr(t, "2/products/S1 @"));
    free(t);
}

/* ---- the region reader ------------------------------------------------ */

static gp_status aws_json_rows(const gp_catalog *specs, const char *doc, size_t len, size_t chunk,
                               unsigned seed, char **csv, gp_error *err)
{
    gp_aws *a = NULL;
    gp_aws_json *j = NULL;
    char eff[32];
    size_t n = 0;
    *csv = NULL;
    assert_int_equal(gp_aws_new(&a, specs, err), GP_OK);
    assert_int_equal(gp_aws_json_new(&j, a, "us-east-1", err), GP_OK);
    gp_status st = GP_OK;
    for (size_t off = 0; off < len && st == GP_OK;) {
        size_t c = next_chunk(chunk, len - off, &seed);
        st = gp_aws_json_feed(j, "f", doc + off, c, err);
        off += c;
    }
    if (st == GP_OK)
        st = gp_aws_json_end(j, "f", err);
    if (st == GP_OK) {
        assert_int_equal(gp_aws_csv(a, "src", csv, &n, eff, sizeof(eff), err), GP_OK);
        /* the fixtures' publicationDate; the small documents have none */
        assert_string_equal(eff, len > 4096 ? "2024-12-01" : "");
    }
    gp_aws_json_free(j);
    gp_aws_free(a);
    return st;
}

static char *csv_rows(const gp_catalog *specs, const char *rel)
{
    size_t len;
    char *body = fixture_body(rel, &len);
    gp_aws *a = NULL;
    gp_error err;
    char *csv = NULL, eff[32];
    size_t n;
    assert_int_equal(gp_aws_new(&a, specs, &err), GP_OK);
    gp_aws_begin(a, "us-east-1");
    assert_int_equal(gp_aws_feed(a, "f", body, len, &err), GP_OK);
    assert_int_equal(gp_aws_end(a, "f", &err), GP_OK);
    assert_int_equal(gp_aws_csv(a, "src", &csv, &n, eff, sizeof(eff), &err), GP_OK);
    gp_aws_free(a);
    free(body);
    return csv;
}

static void test_region_rows(void **state)
{
    (void)state;
    gp_catalog *specs = embedded();
    char *from_csv = csv_rows(specs, "tests/fixtures/http/aws/us-east-1.http");
    assert_non_null(strstr(from_csv, ",1.006,"));
    const char *files[] = {"tests/fixtures/http/aws-json/us-east-1.http",
                           "tests/fixtures/http/aws-json/us-east-1-terms-first.http"};
    for (size_t fi = 0; fi < 2; fi++) {
        size_t len;
        char *doc = fixture_body(files[fi], &len);
        gp_error err;
        char *whole;
        assert_int_equal(aws_json_rows(specs, doc, len, 0, 0, &whole, &err), GP_OK);
        /* the same rows as the CSV form of the same products and prices */
        assert_string_equal(whole, from_csv);
        assert_non_null(strstr(whole, "aws,g5.xlarge,us-east-1,A10G,1,"));
        assert_non_null(strstr(whole, ",5.672,"));
        assert_non_null(strstr(whole, "reserved 1y no-upfront $0.1110/h"));
        assert_null(strstr(whole, "999"));
        for (unsigned seed = 0; seed <= 10; seed++) {
            char *r;
            size_t chunk = seed == 0 ? 1 : seed * 53;
            assert_int_equal(aws_json_rows(specs, doc, len, chunk, seed, &r, &err), GP_OK);
            assert_string_equal(whole, r);
            free(r);
        }
        /* cut anywhere inside: an error, never rows */
        for (size_t cut = 0; cut < len - 2; cut += 97) {
            char *r;
            assert_int_equal(aws_json_rows(specs, doc, cut, 0, 0, &r, &err), GP_EDATA);
            assert_null(r);
        }
        free(whole);
        free(doc);
    }
    free(from_csv);
    gp_catalog_free(specs);
}

static void test_region_errors(void **state)
{
    (void)state;
    gp_catalog *specs = embedded();
    gp_error err;
    char *r;
#define PRODUCT(sku, os)                                                                      \
    "\"" sku "\": {\"sku\": \"" sku "\", \"attributes\": {\"instanceType\": \"g5.xlarge\", "     \
    "\"tenancy\": \"Shared\", \"operatingSystem\": \"" os "\", \"preInstalledSw\": \"NA\", "     \
    "\"capacitystatus\": \"Used\", \"regionCode\": \"us-east-1\"}}"
#define OD(sku, price)                                                                        \
    "\"" sku "\": {\"" sku ".T\": {\"priceDimensions\": {\"" sku ".T.R\": {\"unit\": \"Hrs\", " \
    "\"pricePerUnit\": {\"USD\": \"" price "\"}}}, \"termAttributes\": {}}}"
    const char *cases[] = {
        /* a kept product's price that is not a number: products first, then terms first */
        "{\"products\": {" PRODUCT("S1", "Linux") "}, \"terms\": {\"OnDemand\": {" OD("S1", "abc") "}}}",
        "{\"terms\": {\"OnDemand\": {" OD("S1", "abc") "}}, \"products\": {" PRODUCT("S1", "Linux") "}}",
        "",
        "{}",
        "[1, 2]",
    };
    const char *says[] = {"pricePerUnit 'abc' of SKU S1", "a price of SKU S1", "empty",
                          "not an AWS Price List JSON file", "not an AWS Price List JSON file"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(aws_json_rows(specs, cases[i], strlen(cases[i]), 0, 0, &r, &err),
                         GP_EDATA);
        assert_string_equal(err.file, "f");
        if (!strstr(err.message, says[i]))
            fail_msg("case %zu: got '%s', want '%s'", i, err.message, says[i]);
    }
    /* a bad price of a product left out (Windows) is no error, in either
     * order, as in the CSV form; a product with no terms gives no row, nor
     * a product that is not an object (no attributes) */
    const char *ok[] = {
        "{\"products\": {" PRODUCT("S1", "Windows") "}, \"terms\": {\"OnDemand\": {" OD("S1", "abc") "}}}",
        "{\"terms\": {\"OnDemand\": {" OD("S1", "abc") "}}, \"products\": {" PRODUCT("S1", "Windows") "}}",
        "{\"products\": {" PRODUCT("S1", "Linux") "}}",
        "{\"products\": {\"S1\": 5, \"S2\": [1]}, \"terms\": {\"OnDemand\": {" OD("S1", "1") "}}}",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(aws_json_rows(specs, ok[i], strlen(ok[i]), 0, 0, &r, &err), GP_OK);
        assert_null(strstr(r, "g5.xlarge"));
        free(r);
    }
    /* the least on-demand price of a type and region stands, either order */
    const char *two[] = {
        "{\"products\": {" PRODUCT("S1", "Linux") ", " PRODUCT("S2", "Linux") "}, \"terms\": "
        "{\"OnDemand\": {" OD("S1", "2.5") ", " OD("S2", "1.25") "}}}",
        "{\"terms\": {\"OnDemand\": {" OD("S1", "2.5") ", " OD("S2", "1.25") "}}, \"products\": "
        "{" PRODUCT("S1", "Linux") ", " PRODUCT("S2", "Linux") "}}",
    };
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(aws_json_rows(specs, two[i], strlen(two[i]), 0, 0, &r, &err), GP_OK);
        assert_non_null(strstr(r, "aws,g5.xlarge,us-east-1,A10G,1,"));
        assert_non_null(strstr(r, ",1.25,"));
        assert_null(strstr(r, ",2.5,"));
        free(r);
    }
    gp_catalog_free(specs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_chunks),      cmocka_unit_test(test_scan_errors),
        cmocka_unit_test(test_scan_big_value),   cmocka_unit_test(test_scan_escaped_key),
        cmocka_unit_test(test_region_rows),      cmocka_unit_test(test_region_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
