/* The fetch layer's pure parts: URL rebasing, Retry-After, dates, the data
 * home, and the Azure and Lambda response parsers on small documents of
 * the documented shapes (the numbers here test arithmetic and selection,
 * they are not prices: the replayed fixtures carry the real ones). */
#include "test_util.h"

#include "fetch/fetcher.h"
#include "fetch/http.h"
#include "fetch/parsers.h"
#include "gpuplan/refresh.h"

static void test_rebase(void **state)
{
    (void)state;
    char out[512];
    /* An absolute paging link on the API's own host, port and all, lands on
     * the configured endpoint with its prefix. */
    assert_int_equal(gp_url_rebase("http://127.0.0.1:8080/azure", "",
                                   "https://prices.azure.com:443/api/retail/"
                                   "prices?$skip=1000",
                                   out, sizeof(out)),
                     0);
    assert_string_equal(out, "http://127.0.0.1:8080/azure/api/retail/prices?$skip=1000");
    /* Another host is never followed: only its path is kept. */
    assert_int_equal(gp_url_rebase("https://a.example", "", "http://evil.example/x?y",
                                   out, sizeof(out)), 0);
    assert_string_equal(out, "https://a.example/x?y");
    /* Host-relative (AWS's offer index) and relative links. */
    assert_int_equal(gp_url_rebase("https://h.example/", "", "/offers/v1.0/a.json", out,
                                   sizeof(out)), 0);
    assert_string_equal(out, "https://h.example/offers/v1.0/a.json");
    assert_int_equal(gp_url_rebase("https://h.example", "", "b.json", out, sizeof(out)), 0);
    assert_string_equal(out, "https://h.example/b.json");
    /* A prefix the default endpoint has is not repeated. */
    assert_int_equal(gp_url_rebase("http://l:1/mirror", "/catalogs", "/catalogs/v8/x",
                                   out, sizeof(out)), 0);
    assert_string_equal(out, "http://l:1/mirror/v8/x");
    /* Spaces (OData filters) are encoded; control characters refused. */
    assert_int_equal(gp_url_rebase("http://l", "", "/p?$filter=a eq 'b'", out, sizeof(out)), 0);
    assert_string_equal(out, "http://l/p?$filter=a%20eq%20'b'");
    assert_int_equal(gp_url_rebase("http://l", "", "/p\r\nX: y", out, sizeof(out)), -1);
    assert_int_equal(gp_url_rebase("http://l", "", "", out, sizeof(out)), -1);
    assert_int_equal(gp_url_rebase("http://l", "", "/abcdef", out, 8), -1);
}

static void test_retry_after(void **state)
{
    (void)state;
    assert_true(gp_http_retry_after("120", 0) == 120);
    assert_true(gp_http_retry_after(" 0 ", 0) == 0);
    /* RFC 9110's example date; 1445412480 is 2015-10-21T07:28:00Z. */
    assert_true(gp_http_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412450) == 30);
    assert_true(gp_http_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490) == 0);
    assert_true(gp_http_retry_after("soon", 0) < 0);
    assert_true(gp_http_retry_after("-5", 0) < 0);
    assert_true(gp_http_retry_after(NULL, 0) < 0);
    char d[16];
    gp_fetch_date("2024-09-01T00:00:00Z", d, sizeof(d));
    assert_string_equal(d, "2024-09-01");
    gp_fetch_date("Wed, 21 Oct 2015 07:28:00 GMT", d, sizeof(d));
    assert_string_equal(d, "2015-10-21");
    gp_fetch_date("yesterday", d, sizeof(d));
    assert_string_equal(d, "");
}

static void test_home(void **state)
{
    (void)state;
    char buf[512];
    setenv("GPUPLAN_HOME", "/x/home", 1);
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    assert_int_equal(gp_refresh_home(buf, sizeof(buf), NULL), GP_OK);
    assert_string_equal(buf, "/x/home");
    unsetenv("GPUPLAN_HOME");
    assert_int_equal(gp_refresh_home(buf, sizeof(buf), NULL), GP_OK);
    assert_string_equal(buf, "/x/cache/gpuplan");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/x/me", 1);
    assert_int_equal(gp_refresh_home(buf, sizeof(buf), NULL), GP_OK);
    assert_string_equal(buf, "/x/me/.cache/gpuplan");
}

static gp_catalog *embedded(void)
{
    gp_catalog *cat = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&cat, &err), GP_OK);
    assert_int_equal(gp_catalog_add_embedded(cat, &err), GP_OK);
    return cat;
}

/* One item of the Retail Prices shape. */
#define ITEM(type, product, meter, price, extra)                                    \
    "{\"currencyCode\":\"USD\",\"armSkuName\":\"Standard_NC24ads_A100_v4\","      \
    "\"armRegionName\":\"eastus\",\"type\":\"" type "\",\"productName\":\""      \
    product "\",\"meterName\":\"" meter "\",\"skuName\":\"" meter "\","           \
    "\"unitOfMeasure\":\"1 Hour\",\"retailPrice\":" price extra "}"

static void test_azure(void **state)
{
    (void)state;
    gp_catalog *specs = embedded();
    gp_azure *a = NULL;
    gp_error err;
    assert_int_equal(gp_azure_new(&a, specs, &err), GP_OK);
    const char *page =
        "{\"Items\":["
        ITEM("Consumption", "Virtual Machines NCads A100 v4 Series", "NC24ads A100 v4", "2.0",
             ",\"savingsPlan\":[{\"term\":\"1 Year\",\"retailPrice\":1.5},"
             "{\"term\":\"3 Years\",\"retailPrice\":1.0}]") ","
        ITEM("Consumption", "Virtual Machines NCads A100 v4 Series Windows", "NC24ads A100 v4", "9.0", "") ","
        ITEM("Consumption", "Virtual Machines NCads A100 v4 Series", "NC24ads A100 v4 Spot", "0.5", "") ","
        /* whole-term prices: 8760 h a year */
        ITEM("Reservation", "Virtual Machines NCads A100 v4 Series", "NC24ads A100 v4", "8760",
             ",\"reservationTerm\":\"1 Year\"") ","
        ITEM("Reservation", "Virtual Machines NCads A100 v4 Series", "NC24ads A100 v4", "13140",
             ",\"reservationTerm\":\"3 Years\"")
        "],\"NextPageLink\":\"https://prices.azure.com/api/retail/prices?$skip=1000\"}";
    char next[512];
    assert_int_equal(gp_azure_page(a, "p1", page, strlen(page), "http://l:1/az", next,
                                   sizeof(next), &err),
                     GP_OK);
    assert_string_equal(next, "http://l:1/az/api/retail/prices?$skip=1000");
    char *csv = NULL, eff[16];
    size_t len = 0;
    assert_int_equal(gp_azure_csv(a, "src", &csv, &len, eff, sizeof(eff), &err), GP_OK);
    /* Linux on-demand 2.0 (not Windows' 9.0), spot 0.5, reserved 1y
     * 8760/8760 = 1 $/h and 3y 13140/26280 = 0.5 $/h, savings plans. */
    assert_non_null(strstr(csv, ",2,0.5,"));
    assert_null(strstr(csv, ",9,"));
    assert_non_null(strstr(csv, "reserved 1y $1.0000/h"));
    assert_non_null(strstr(csv, "reserved 3y $0.5000/h"));
    assert_non_null(strstr(csv, "savings plan 1y $1.5000/h"));
    assert_non_null(strstr(csv, "savings plan 3y $1.0000/h"));
    /* GPU model and count from the catalog's own instance types. */
    assert_non_null(strstr(csv, "Standard_NC24ads_A100_v4,eastus,A100-80GB,1,"));
    free(csv);
    /* Truncated JSON and a negative price are bad data. */
    assert_int_equal(gp_azure_page(a, "p2", page, 40, "http://l", next, sizeof(next), &err),
                     GP_EDATA);
    const char *neg = "{\"Items\":[" ITEM("Consumption", "V", "M", "-1", "") "]}";
    assert_int_equal(gp_azure_page(a, "p3", neg, strlen(neg), "http://l", next,
                                   sizeof(next), &err),
                     GP_EDATA);
    gp_azure_free(a);
    gp_catalog_free(specs);
}

static void test_lambda(void **state)
{
    (void)state;
    gp_catalog *specs = embedded();
    const char *doc =
        "{\"data\":{\"gpu_8x_h100_sxm5\":{\"instance_type\":{\"name\":\"gpu_8x_h100_sxm5\","
        "\"gpu_description\":\"H100 (80 GB SXM5)\",\"price_cents_per_hour\":100,"
        "\"specs\":{\"vcpus\":2,\"memory_gib\":3,\"gpus\":8}},"
        "\"regions_with_capacity_available\":[{\"name\":\"r1\"},{\"name\":\"r2\"}]},"
        "\"cpu_4x_general\":{\"instance_type\":{\"name\":\"cpu_4x_general\","
        "\"price_cents_per_hour\":1,\"specs\":{\"gpus\":0}}}}}";
    char *csv = NULL;
    size_t len = 0;
    gp_error err;
    assert_int_equal(gp_lambda_csv("u", doc, strlen(doc), specs, &csv, &len, &err), GP_OK);
    /* cents to dollars, one row per region with capacity, CPU types out;
     * the memory read from the description's "(80 GB" when the catalog
     * gives none */
    if (!strstr(csv, "\"gpu_8x_h100_sxm5\",\"r1\",\"H100\",8,80,2,3,1,"))
        fail_msg("%s", csv);
    assert_non_null(strstr(csv, "\"r2\""));
    assert_null(strstr(csv, "cpu_4x"));
    free(csv);
    assert_int_equal(gp_lambda_csv("u", doc, 30, specs, &csv, &len, &err), GP_EDATA);
    assert_int_equal(gp_lambda_csv("u", "{}", 2, specs, &csv, &len, &err), GP_EDATA);
    gp_catalog_free(specs);
}

/* Lambda's capacity lists as signals: listed regions positive, the other
 * regions named in the answer negative, a type with none anywhere one
 * negative without a region (test inputs, not prices). */
static void test_lambda_signals(void **state)
{
    (void)state;
    const char *doc =
        "{\"data\":{\"a\":{\"instance_type\":{\"name\":\"a\",\"specs\":{\"gpus\":8}},"
        "\"regions_with_capacity_available\":[{\"name\":\"r1\"}]},"
        "\"b\":{\"instance_type\":{\"name\":\"b\",\"specs\":{\"gpus\":1}},"
        "\"regions_with_capacity_available\":[{\"name\":\"r2\"}]},"
        "\"c\":{\"instance_type\":{\"name\":\"c\",\"specs\":{\"gpus\":1}},"
        "\"regions_with_capacity_available\":[]},"
        "\"cpu\":{\"instance_type\":{\"name\":\"cpu\",\"specs\":{\"gpus\":0}}}}}";
    gp_refresh_signal *s = NULL;
    size_t n = 0;
    gp_error err;
    assert_int_equal(gp_lambda_signals("u", doc, strlen(doc), NULL, &s, &n, &err), GP_OK);
    /* a: r1 yes, r2 no; b: r2 yes, r1 no; c: r1 no, r2 no */
    assert_int_equal(n, 6);
    assert_string_equal(s[0].instance_type, "a");
    assert_string_equal(s[0].region, "r1");
    assert_string_equal(s[0].kind, "capacity-available");
    assert_string_equal(s[1].region, "r2");
    assert_string_equal(s[1].kind, "capacity-unavailable");
    assert_string_equal(s[4].instance_type, "c");
    assert_string_equal(s[4].kind, "capacity-unavailable");
    free(s);
    const char *none = "{\"data\":{\"c\":{\"instance_type\":{\"name\":\"c\","
                       "\"specs\":{\"gpus\":1}},\"regions_with_capacity_available\":[]}}}";
    assert_int_equal(gp_lambda_signals("u", none, strlen(none), NULL, &s, &n, &err), GP_OK);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].region, "");
    assert_string_equal(s[0].kind, "capacity-unavailable");
    free(s);
    assert_int_equal(gp_lambda_signals("u", doc, 20, NULL, &s, &n, &err), GP_EDATA);
}

/* RunPod's gpuTypes answer: secure and community rows, spot, committed
 * prices in notes, stock per cloud, zeros left out, errors refused (test
 * inputs, not prices). */
static void test_runpod(void **state)
{
    (void)state;
    const char *doc =
        "{\"data\":{\"gpuTypes\":[{\"id\":\"x\",\"displayName\":\"RTX A6000\","
        "\"memoryInGb\":48,\"securePrice\":1,\"communityPrice\":0.5,"
        "\"secureSpotPrice\":0.4,\"communitySpotPrice\":null,\"oneMonthPrice\":0.9,"
        "\"threeMonthPrice\":0.8,\"sixMonthPrice\":0.7,"
        "\"secureLowest\":{\"stockStatus\":\"Medium\"},"
        "\"communityLowest\":{\"stockStatus\":null}},"
        "{\"id\":\"z\",\"displayName\":\"H100 SXM\",\"securePrice\":0,"
        "\"communityPrice\":0}]}}";
    char *csv = NULL;
    size_t len = 0, n = 0;
    gp_refresh_signal *s = NULL;
    gp_error err;
    assert_int_equal(gp_runpod_csv("u", doc, strlen(doc), &csv, &len, &s, &n, &err), GP_OK);
    if (!strstr(csv, "runpod,\"1x_RTXA6000_SECURE\",\"\",\"RTXA6000\",1,48,1,0.4,\"u\","
                     "\"committed 1 month $0.9000/GPU-h; committed 3 months $0.8000/GPU-h; "
                     "committed 6 months $0.7000/GPU-h\""))
        fail_msg("%s", csv);
    assert_non_null(strstr(csv, "\"1x_RTXA6000_COMMUNITY\",\"\",\"RTXA6000\",1,48,0.5,,"));
    assert_null(strstr(csv, "H100"));
    assert_int_equal(n, 2);
    assert_string_equal(s[0].kind, "stock:medium");
    assert_string_equal(s[1].instance_type, "1x_RTXA6000_COMMUNITY");
    assert_string_equal(s[1].kind, "stock:none");
    free(csv);
    free(s);
    const char *e = "{\"errors\":[{\"message\":\"bad key\"}]}";
    assert_int_equal(gp_runpod_csv("u", e, strlen(e), &csv, &len, &s, &n, &err), GP_EDATA);
    assert_non_null(strstr(err.message, "bad key"));
    const char *neg = "{\"data\":{\"gpuTypes\":[{\"displayName\":\"A40\",\"securePrice\":-1}]}}";
    assert_int_equal(gp_runpod_csv("u", neg, strlen(neg), &csv, &len, &s, &n, &err), GP_EDATA);
    assert_int_equal(gp_runpod_csv("u", doc, 30, &csv, &len, &s, &n, &err), GP_EDATA);
    assert_null(csv);
}

/* The AWS region file of the replay fixture, fed whole and byte by byte:
 * the same offers (a record or a quoted field split anywhere). */
static char *aws_csv(const gp_catalog *specs, const char *text, size_t len, size_t chunk)
{
    gp_aws *a = NULL;
    gp_error err;
    char *csv = NULL, eff[32];
    size_t n = 0;
    assert_int_equal(gp_aws_new(&a, specs, &err), GP_OK);
    gp_aws_begin(a, "us-east-1");
    for (size_t off = 0; off < len; off += chunk)
        assert_int_equal(gp_aws_feed(a, "f", text + off, len - off < chunk ? len - off : chunk,
                                     &err),
                         GP_OK);
    assert_int_equal(gp_aws_end(a, "f", &err), GP_OK);
    assert_int_equal(gp_aws_csv(a, "src", &csv, &n, eff, sizeof(eff), &err), GP_OK);
    assert_string_equal(eff, "2024-12-01");
    gp_aws_free(a);
    return csv;
}

static void test_aws_stream(void **state)
{
    (void)state;
    gp_catalog *specs = embedded();
    FILE *f = fopen(src_path("tests/fixtures/http/aws/us-east-1.http"), "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t len = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[len] = '\0';
    char *body = strstr(buf, "\n\n") + 2;
    size_t blen = len - (size_t)(body - buf);
    char *whole = aws_csv(specs, body, blen, blen);
    char *bytes = aws_csv(specs, body, blen, 1);
    assert_string_equal(whole, bytes);
    /* Linux shared on-demand only; the no-upfront reserved rate in notes */
    assert_non_null(strstr(whole, "aws,g5.xlarge,us-east-1,A10G,1,"));
    assert_non_null(strstr(whole, ",1.006,"));
    assert_non_null(strstr(whole, ",5.672,"));
    assert_non_null(strstr(whole, "reserved 1y no-upfront $0.1110/h"));
    assert_null(strstr(whole, "999"));
    free(whole);
    free(bytes);
    /* A file cut inside a quoted field is truncated, never data. */
    gp_aws *a = NULL;
    gp_error err;
    assert_int_equal(gp_aws_new(&a, specs, &err), GP_OK);
    gp_aws_begin(a, "us-east-1");
    assert_int_equal(gp_aws_feed(a, "f", body, blen - 10, &err), GP_OK);
    assert_int_equal(gp_aws_end(a, "f", &err), GP_EDATA);
    gp_aws_free(a);
    gp_catalog_free(specs);
}

static void test_bad_options(void **state)
{
    (void)state;
    gp_refresh_opts o = {0};
    gp_refresh_result *r = NULL;
    size_t n = 0;
    gp_error err;
    const char *bad_src[] = {"nosuch"};
    o.sources = bad_src;
    o.nsources = 1;
    assert_int_equal(gp_refresh_run(&o, &r, &n, &err), GP_EINVAL);
    o.nsources = 0;
    const char *ep[] = {"skypilot=file:///etc/passwd"};
    o.endpoints = ep;
    o.nendpoints = 1;
    assert_int_equal(gp_refresh_run(&o, &r, &n, &err), GP_EINVAL);
    o.nendpoints = 0;
    const char *prov[] = {"nosuchcloud"};
    o.providers = prov;
    o.nproviders = 1;
    assert_int_equal(gp_refresh_run(&o, &r, &n, &err), GP_EINVAL);
    assert_non_null(strstr(err.message, "nosuchcloud"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rebase),      cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_home),        cmocka_unit_test(test_azure),
        cmocka_unit_test(test_lambda),      cmocka_unit_test(test_aws_stream),
        cmocka_unit_test(test_lambda_signals), cmocka_unit_test(test_runpod),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
