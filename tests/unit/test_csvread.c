/* Our CSV reader against libcsv (strict mode), the reference: on every data
 * file and on many random inputs, both accept the same text and give the
 * same rows, or both refuse it. Plus line numbers, which libcsv lacks. */
#include "test_util.h"

#include <csv.h>
#include <pthread.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/fail.h"
#include "core/numparse.h"

/* Rows serialised as fields joined by \x1f, rows ended by \x1e, hashed. */
typedef struct digest {
    uint64_t h;
    size_t nrows;
    long lines[64];
    char text[4096];
    size_t len;
} digest;

static void absorb(digest *d, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        d->h = (d->h ^ b[i]) * 1099511628211ull;
        if (d->len + 1 < sizeof(d->text))
            d->text[d->len++] = (char)b[i];
    }
}

static void digest_init(digest *d)
{
    memset(d, 0, sizeof(*d));
    d->h = 1469598103934665603ull;
}

/* libcsv side */
static int lc_first;
static void lc_field(void *s, size_t n, void *data)
{
    if (!lc_first)
        absorb(data, "\x1f", 1);
    lc_first = 0;
    absorb(data, s, n);
}
static void lc_row(int c, void *data)
{
    (void)c;
    digest *d = data;
    absorb(d, "\x1e", 1);
    d->nrows++;
    lc_first = 1;
}

static int libcsv_parse(const char *text, size_t len, digest *out)
{
    digest_init(out);
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    lc_first = 1;
    int ok = csv_parse(&p, text, len, lc_field, lc_row, out) == len &&
             csv_fini(&p, lc_field, lc_row, out) == 0;
    csv_free(&p);
    return ok;
}

/* our side */
static gp_status our_row(const gp_csv_row *row, void *ctx, gp_error *err)
{
    (void)err;
    digest *d = ctx;
    for (size_t i = 0; i < row->nfields; i++) {
        if (i)
            absorb(d, "\x1f", 1);
        absorb(d, row->fields[i], row->lens[i]);
    }
    absorb(d, "\x1e", 1);
    if (d->nrows < 64)
        d->lines[d->nrows] = row->line;
    d->nrows++;
    return GP_OK;
}

static int our_parse(const char *text, size_t len, digest *out, gp_error *err)
{
    digest_init(out);
    return gp_csv_parse("t", text, len, our_row, out, err) == GP_OK;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void same_as_libcsv_on_data_files(void **state)
{
    (void)state;
    const char *files[] = {
        "data/accelerators.csv", "data/providers.csv", "data/sources.csv",
        "data/catalog/neocloud.csv", "data/catalog/skypilot/aws/vms.partial.csv",
        "data/catalog/skypilot/azure/vms.csv", "data/catalog/skypilot/gcp/vms.partial.csv",
        "data/catalog/skypilot/lambda/vms.csv", "data/catalog/skypilot/primeintellect/vms.csv",
        "data/catalog/skypilot/runpod/vms.csv", "data/catalog/skypilot/oci/vms.csv",
        "data/catalog/skypilot/shadeform/vms.csv", "data/catalog/skypilot-v8/aws/vms.partial.csv",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        size_t len;
        char *text = slurp(src_path(files[i]), &len);
        digest a, b, c;
        gp_error err;
        assert_true(libcsv_parse(text, len, &a));
        assert_true(our_parse(text, len, &b, &err));
        if (a.nrows != b.nrows || a.h != b.h)
            fail_msg("%s: libcsv %zu rows, ours %zu; digests %s", files[i], a.nrows,
                     b.nrows, a.h == b.h ? "equal" : "differ");
        /* the same through the streaming file reader */
        digest_init(&c);
        assert_int_equal(gp_csv_parse_file(src_path(files[i]), our_row, &c, &err), GP_OK);
        assert_true(c.h == b.h && c.nrows == b.nrows);
        free(text);
    }
}

static void same_as_libcsv_on_random_text(void **state)
{
    (void)state;
    /* The bytes that matter to CSV, and some that do not. No NUL: we refuse
     * it on purpose, libcsv keeps it. */
    static const char ALPHABET[] = "ab,\"\n\r \t,\"x";
    unsigned long seed = 12345;
    size_t agree_ok = 0, agree_fail = 0;
    for (int t = 0; t < 50000; t++) {
        char text[48];
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        size_t len = (seed >> 33) % sizeof(text);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            text[i] = ALPHABET[(seed >> 33) % (sizeof(ALPHABET) - 1)];
        }
        digest a, b;
        gp_error err;
        int lok = libcsv_parse(text, len, &a);
        int ook = our_parse(text, len, &b, &err);
        if (lok != ook) {
            char shown[200];
            size_t k = 0;
            for (size_t i = 0; i < len && k + 4 < sizeof(shown); i++)
                k += (size_t)snprintf(shown + k, sizeof(shown) - k,
                                      text[i] == '\n'   ? "\\n"
                                      : text[i] == '\r' ? "\\r"
                                      : text[i] == '\t' ? "\\t"
                                                        : "%c",
                                      text[i]);
            fail_msg("case %d [%s]: libcsv %s, ours %s (%s)", t, shown,
                     lok ? "accepts" : "refuses", ook ? "accepts" : "refuses",
                     ook ? "" : err.message);
        }
        if (lok) {
            if (a.h != b.h || a.nrows != b.nrows) {
                char shown[200], la[200], lb[200];
                size_t k = 0;
                for (size_t i = 0; i < len && k + 4 < sizeof(shown); i++)
                    k += (size_t)snprintf(shown + k, sizeof(shown) - k, "%02x ",
                                          (unsigned char)text[i]);
                k = 0;
                for (size_t i = 0; i < a.len && k + 4 < sizeof(la); i++)
                    k += (size_t)snprintf(la + k, sizeof(la) - k, "%02x ",
                                          (unsigned char)a.text[i]);
                k = 0;
                for (size_t i = 0; i < b.len && k + 4 < sizeof(lb); i++)
                    k += (size_t)snprintf(lb + k, sizeof(lb) - k, "%02x ",
                                          (unsigned char)b.text[i]);
                fail_msg("case %d: rows differ\n in  %s\n lib %s\n our %s", t, shown, la, lb);
            }
            agree_ok++;
        } else {
            agree_fail++;
        }
    }
    assert_true(agree_ok > 1000 && agree_fail > 1000); /* both paths exercised */
}

static void line_numbers(void **state)
{
    (void)state;
    const char *text = "h1,h2\r\n\r\na,b\n\"multi\nline\",c\nx,\"y\"\"z\"\n";
    digest r;
    gp_error err;
    assert_true(our_parse(text, strlen(text), &r, &err));
    assert_int_equal(r.nrows, 4);
    assert_int_equal(r.lines[0], 1);
    assert_int_equal(r.lines[1], 3); /* after an empty line */
    assert_int_equal(r.lines[2], 4); /* a row spanning lines 4-5 starts at 4 */
    assert_int_equal(r.lines[3], 6);
    assert_non_null(strstr(r.text, "y\"z"));
    /* errors name the line */
    const char *bad = "a,b\nc,d\ne,f\"g\n";
    assert_false(our_parse(bad, strlen(bad), &r, &err));
    assert_int_equal(err.line, 3);
    const char *open = "a,b\n\"never\nclosed\n";
    assert_false(our_parse(open, strlen(open), &r, &err));
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "never closed"));
    const char nul[] = "a,b\nc\0d,e\n";
    assert_false(our_parse(nul, sizeof(nul) - 1, &r, &err));
    assert_non_null(strstr(err.message, "NUL"));
}

/* Files of 8 MB and more are read by a second thread (csvread.c); the rows
 * and errors must be exactly those of the one-thread reader. */
static char *big_text(size_t *len, long bad_line)
{
    size_t cap = 12u << 20, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    n += (size_t)snprintf(text, cap, "a,b,\"c\"\n");
    for (long line = 2; n + 200 < cap - (1u << 20); line++) {
        if (line == bad_line)
            n += (size_t)snprintf(text + n, cap - n, "x,y\"z,w\n");
        else
            n += (size_t)snprintf(text + n, cap - n,
                                  "row%ld, %ld ,\"q\"\"uote,\nnext\"\n", line,
                                  line * 7);
    }
    *len = n;
    return text;
}

static const char *write_temp(const char *text, size_t len)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/gpuplan-csv-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static long stop_after;
static gp_status stopping_row(const gp_csv_row *row, void *ctx, gp_error *err)
{
    digest *d = ctx;
    if ((long)d->nrows == stop_after)
        return gp_fail(err, GP_EDATA, "cb", row->line, "stopped at row %zu", d->nrows);
    return our_row(row, ctx, err);
}

static void large_files_read_in_two_threads(void **state)
{
    (void)state;
    size_t len;
    char *text = big_text(&len, -1);
    assert_true(len > (8u << 20));
    const char *path = write_temp(text, len);
    digest mem, file;
    gp_error err;
    assert_true(our_parse(text, len, &mem, &err));
    digest_init(&file);
    assert_int_equal(gp_csv_parse_file(path, our_row, &file, &err), GP_OK);
    assert_true(mem.nrows > 100000);
    assert_true(mem.nrows == file.nrows && mem.h == file.h);
    /* the callback stops the load: its error comes back, nothing after */
    digest_init(&file);
    stop_after = 50000;
    assert_int_equal(gp_csv_parse_file(path, stopping_row, &file, &err), GP_EDATA);
    assert_non_null(strstr(err.message, "stopped at row 50000"));
    assert_int_equal(file.nrows, 50000);
    unlink(path);
    free(text);
    /* a parse error deep in the file names its line, after every row
     * before it was delivered */
    text = big_text(&len, 150000);
    path = write_temp(text, len);
    digest_init(&file);
    assert_int_equal(gp_csv_parse_file(path, our_row, &file, &err), GP_EDATA);
    assert_true(err.line > 150000); /* rows hold two lines each */
    assert_int_equal(file.nrows, 149999); /* the header and rows 2..149999 */
    unlink(path);
    free(text);
}

/* Bug: inside a quoted field only "\n" counted as a line break, so in a
 * CR-only file every row after a multi-line field had too low a line. */
static void cr_only_line_numbers_after_multiline_field(void **state)
{
    (void)state;
    const char *text = "h1,h2\r\"multi\rline\",c\rx,y\r\"p\r\nq\",r\rlast,1\r";
    digest r;
    gp_error err;
    assert_true(our_parse(text, strlen(text), &r, &err));
    assert_int_equal(r.nrows, 5);
    assert_int_equal(r.lines[0], 1);
    assert_int_equal(r.lines[1], 2); /* spans lines 2-3 */
    assert_int_equal(r.lines[2], 4);
    assert_int_equal(r.lines[3], 5); /* "\r\n" inside: one break, lines 5-6 */
    assert_int_equal(r.lines[4], 7);
    /* an error after the multi-line field names the right line */
    const char *bad = "a,b\r\"two\rlines\",c\rd,e\"f\r";
    assert_false(our_parse(bad, strlen(bad), &r, &err));
    assert_int_equal(err.line, 4);
    /* the same through the file reader */
    const char *path = write_temp(text, strlen(text));
    digest file;
    digest_init(&file);
    assert_int_equal(gp_csv_parse_file(path, our_row, &file, &err), GP_OK);
    assert_int_equal(file.nrows, 5);
    assert_int_equal(file.lines[4], 7);
    unlink(path);
}

/* Bug: the byte-class table was filled lazily on first use, a data race
 * when two threads parsed at once. Both threads must get the rows a lone
 * parse gets (and, under ASan/TSan, no report). */
typedef struct parse_job {
    const char *text;
    size_t len;
    digest d;
    int ok;
    double number;
} parse_job;

static void *parse_in_thread(void *arg)
{
    parse_job *j = arg;
    gp_error err;
    for (int i = 0; i < 20 && (j->ok = our_parse(j->text, j->len, &j->d, &err)); i++)
        ;
    /* the "C" locale is made on first use too (pthread_once) */
    j->number = gp_strtod_c("0.123456789012345678", NULL);
    return NULL;
}

static void two_threads_parse_at_once(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = big_text(&len, -1);
    len = 1u << 20; /* cut at a row boundary below */
    while (len > 0 && text[len - 1] != '\n')
        len--;
    digest alone;
    gp_error err;
    assert_true(our_parse(text, len, &alone, &err));
    parse_job jobs[2] = {{text, len, {0}, 0, 0}, {text, len, {0}, 0, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, parse_in_thread, &jobs[i]), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_true(jobs[i].ok);
        assert_true(jobs[i].d.nrows == alone.nrows && jobs[i].d.h == alone.h);
        assert_true(jobs[i].number == 0.123456789012345678);
    }
    free(text);
}

static gp_status count_named(void *ctx, const char *const *values, long line, gp_error *err)
{
    (void)values;
    (void)line;
    (void)err;
    (*(int *)ctx)++;
    return GP_OK;
}

/* Bug: a header naming a column twice was accepted and the first one used. */
static void named_duplicate_column_is_refused(void **state)
{
    (void)state;
    static const char *const COLUMNS[] = {"name", "price"};
    gp_arena arena;
    gp_arena_init(&arena);
    gp_error err;
    int rows = 0;
    const char *dup = "\n\nname,price,note,Price\nx,1,,2\n";
    assert_int_equal(gp_csv_parse_named("t.csv", dup, strlen(dup), COLUMNS, 2, &arena,
                                        count_named, &rows, &err),
                     GP_EDATA);
    assert_string_equal(err.file, "t.csv");
    assert_int_equal(err.line, 3);
    assert_string_equal(err.message, "duplicate column 'Price' in the header");
    assert_int_equal(rows, 0);
    /* a duplicate of a column nobody asked for is still ambiguous data */
    const char *other = "name,price,note,note\nx,1,a,b\n";
    assert_int_equal(gp_csv_parse_named("t.csv", other, strlen(other), COLUMNS, 2, &arena,
                                        count_named, &rows, &err),
                     GP_EDATA);
    assert_non_null(strstr(err.message, "'note'"));
    /* empty header cells name nothing and may repeat */
    const char *blanks = "name,,price,\nx,,1,\n";
    assert_int_equal(gp_csv_parse_named("t.csv", blanks, strlen(blanks), COLUMNS, 2, &arena,
                                        count_named, &rows, &err),
                     GP_OK);
    assert_int_equal(rows, 1);
    gp_arena_free(&arena);
}

static void bom_is_skipped(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBFname,x\n1,2\n";
    digest r;
    gp_error err;
    assert_true(our_parse(text, strlen(text), &r, &err));
    assert_int_equal(memcmp(r.text, "name\x1fx", 6), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_libcsv_on_data_files),
        cmocka_unit_test(same_as_libcsv_on_random_text),
        cmocka_unit_test(line_numbers),
        cmocka_unit_test(bom_is_skipped),
        cmocka_unit_test(large_files_read_in_two_threads),
        cmocka_unit_test(cr_only_line_numbers_after_multiline_field),
        cmocka_unit_test(two_threads_parse_at_once),
        cmocka_unit_test(named_duplicate_column_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
