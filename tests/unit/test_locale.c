/* The library reads numbers the C way whatever locale the program set.
 *
 * Bug: strtod in the parsers followed setlocale(), so a program that linked
 * the library and chose de_DE got 1.4T = 1e12, 0.5 = 0, NaN GPU memory and a
 * failing TCO default. These tests run in a comma-decimal locale: de_DE (or
 * fr_FR) when installed; otherwise one is built with localedef into a
 * temporary LOCPATH; the tests are skipped only when that is impossible. */
#include "test_util.h"

#include <locale.h>
#include <unistd.h>

#include "core/csvread.h"
#include "core/numparse.h"
#include "gpuplan/accel.h"
#include "gpuplan/catalog.h"
#include "gpuplan/gpuinfo.h"
#include "gpuplan/gpus.h"
#include "gpuplan/prices.h"
#include "gpuplan/offer.h"
#include "gpuplan/tco.h"
#include "gpuplan/units.h"

static char locale_dir[64];   /* our LOCPATH, "" when none was made */
static int have_comma_locale; /* a locale with ',' as decimal point is set */
static double *reference_mem; /* embedded offers' gpu_mem_gb in "C" */
static double *reference_usd; /* and their on-demand prices */
static size_t reference_count;

static int comma_locale_set(void)
{
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (setlocale(LC_ALL, names[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
            return 1;
    setlocale(LC_ALL, "C");
    return 0;
}

/* Builds de_DE.UTF-8 into a temporary directory and points LOCPATH at it
 * (setlocale reads LOCPATH on every call). */
static int build_comma_locale(void)
{
    snprintf(locale_dir, sizeof(locale_dir), "/tmp/gp-locale-XXXXXX");
    if (!mkdtemp(locale_dir)) {
        locale_dir[0] = '\0';
        return 0;
    }
    char cmd[256];
    snprintf(cmd, sizeof(cmd),
             "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", locale_dir);
    /* localedef may warn and exit non-zero yet write the locale: try it */
    (void)system(cmd);
    setenv("LOCPATH", locale_dir, 1);
    return comma_locale_set();
}

static int setup(void **state)
{
    (void)state;
    /* Reference values first, in the "C" locale the CLI runs in. */
    gp_catalog *cat = NULL;
    gp_error err;
    if (gp_catalog_new(&cat, &err) != GP_OK || gp_catalog_add_embedded(cat, &err) != GP_OK)
        return -1;
    reference_count = gp_catalog_offer_count(cat);
    reference_mem = calloc(reference_count, sizeof(double));
    reference_usd = calloc(reference_count, sizeof(double));
    if (!reference_mem || !reference_usd)
        return -1;
    for (size_t i = 0; i < reference_count; i++) {
        reference_mem[i] = gp_catalog_offers(cat)[i].gpu_mem_gb;
        reference_usd[i] = gp_catalog_offers(cat)[i].usd_per_hour;
    }
    gp_catalog_free(cat);
    have_comma_locale = comma_locale_set() || build_comma_locale();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C");
    if (locale_dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", locale_dir);
        (void)system(cmd);
    }
    free(reference_mem);
    free(reference_usd);
    return 0;
}

#define NEED_COMMA_LOCALE()                                                              \
    do {                                                                                 \
        if (!have_comma_locale) {                                                        \
            fprintf(stderr, "no comma-decimal locale and localedef could not build one " \
                            "(de_DE sources missing?): skipped\n");                      \
            skip();                                                                      \
        }                                                                                \
    } while (0)

/* The premise: in this locale the C library itself reads "0.5" as 0. */
static void locale_is_comma_decimal(void **state)
{
    (void)state;
    NEED_COMMA_LOCALE();
    assert_string_equal(localeconv()->decimal_point, ",");
    assert_true(strtod("0.5", NULL) == 0);
    char buf[16];
    snprintf(buf, sizeof(buf), "%.1f", 0.5);
    assert_string_equal(buf, "0,5");
}

static void human_numbers_in_comma_locale(void **state)
{
    (void)state;
    NEED_COMMA_LOCALE();
    double v = 0;
    gp_error err;
    assert_int_equal(gp_parse_count("1.4T", &v, &err), GP_OK);
    assert_true(v == 1.4e12);
    assert_int_equal(gp_parse_count("1,000", &v, &err), GP_OK);
    assert_true(v == 1000);
    assert_int_equal(gp_parse_count("2.5e3k", &v, &err), GP_OK);
    assert_true(v == 2.5e6);
    assert_int_equal(gp_parse_fraction("0.5", 0, &v, &err), GP_OK);
    assert_true(v == 0.5);
    assert_int_equal(gp_parse_fraction("12.5%", 0, &v, &err), GP_OK);
    assert_close(v, 0.125, 1e-15);
    assert_int_equal(gp_parse_usd("$1.5k", &v, &err), GP_OK);
    assert_true(v == 1500);
    assert_int_equal(gp_parse_hours("1.5d", &v, &err), GP_OK);
    assert_true(v == 36);
    assert_int_equal(gp_parse_gb("1.5TB", &v, &err), GP_OK);
    assert_true(v == 1500);
    /* still refused: the comma is not read as a decimal point either */
    assert_int_equal(gp_parse_count("1,5T", &v, &err), GP_EINVAL);
    /* messages quote numbers the way the parsers read them */
    assert_int_equal(gp_parse_fraction("12", 0, &v, &err), GP_EINVAL);
    assert_non_null(strstr(err.message, "or 0.12"));
}

static void data_numbers_in_comma_locale(void **state)
{
    (void)state;
    NEED_COMMA_LOCALE();
    double v = 0;
    /* more than 15 digits, and exponents, take the strtod path */
    assert_int_equal(gp_parse_plain_number("0.12345678901234567", &v), 0);
    assert_true(v == 0.12345678901234567);
    assert_int_equal(gp_parse_plain_number("2.5e3", &v), 0);
    assert_true(v == 2500);
    assert_int_equal(gp_parse_plain_number("0,5", &v), -1);
    assert_true(gp_strtod_c("98.5x", NULL) == 98.5);
    char buf[32];
    gp_snprintf_c(buf, sizeof(buf), "%g", 0.5);
    assert_string_equal(buf, "0.5");
    /* the C library's own snprintf is still the program's (comma) choice */
    snprintf(buf, sizeof(buf), "%g", 0.5);
    assert_string_equal(buf, "0,5");

    gp_gpuinfo g;
    gp_error err;
    const char *info = "{'Gpus': [{'Name': 'T4', 'Count': 0.5, "
                       "'MemoryInfo': {'SizeInMiB': 15360.5}}]}";
    assert_int_equal(gp_gpuinfo_parse(info, strlen(info), &g, &err), GP_OK);
    assert_true(g.count == 0.5);
    assert_true(g.memory_mib == 15360.5);
}

static void embedded_catalog_in_comma_locale(void **state)
{
    (void)state;
    NEED_COMMA_LOCALE();
    gp_catalog *cat = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&cat, &err), GP_OK);
    assert_int_equal(gp_catalog_add_embedded(cat, &err), GP_OK);
    assert_int_equal(gp_catalog_offer_count(cat), reference_count);
    assert_true(reference_count > 0);
    const gp_offer *offers = gp_catalog_offers(cat);
    size_t finite = 0, finite_in_c = 0;
    for (size_t i = 0; i < reference_count; i++) {
        finite_in_c += isfinite(reference_mem[i]) != 0;
        int same_mem = offers[i].gpu_mem_gb == reference_mem[i] ||
                       (isnan(offers[i].gpu_mem_gb) && isnan(reference_mem[i]));
        if (!same_mem)
            fail_msg("offer %zu: gpu_mem_gb %g, %g in the C locale", i, offers[i].gpu_mem_gb,
                     reference_mem[i]);
        finite += isfinite(offers[i].gpu_mem_gb) != 0;
        int same_usd = offers[i].usd_per_hour == reference_usd[i] ||
                       (isnan(offers[i].usd_per_hour) && isnan(reference_usd[i]));
        assert_true(same_usd);
    }
    assert_int_equal(finite, finite_in_c);
    assert_true(finite_in_c > reference_count / 2);
    /* the accelerator table is parsed at run time from embedded CSV */
    const gp_accel_table *t = gp_catalog_accels(cat);
    assert_non_null(t);
    for (size_t i = 0; i < gp_accel_table_count(t); i++)
        assert_true(isfinite(gp_accel_table_at(t, i)->memory_gb));
    const gp_accel *h100 = gp_accel_find(t, "H100");
    assert_non_null(h100);
    assert_true(h100->memory_gb == 80);
    gp_catalog_free(cat);
}

/* What the library writes is C-locale text too: per-accelerator groups
 * keyed by "model@memory" (a comma there split one accelerator in two)
 * and the claims' evidence ("$5.38", never "$5,38"). Both are computed in
 * the C locale first and must come out byte for byte the same. */
static void library_text_in_comma_locale(void **state)
{
    (void)state;
    NEED_COMMA_LOCALE();
    gp_catalog *cat = NULL;
    gp_error err;
    char *saved = strdup(setlocale(LC_ALL, NULL));
    assert_non_null(saved);
    setlocale(LC_ALL, "C");
    assert_int_equal(gp_catalog_new(&cat, &err), GP_OK);
    assert_int_equal(gp_catalog_add_embedded(cat, &err), GP_OK);
    gp_gpu_summary *sum_c = NULL;
    size_t n_c = 0;
    assert_int_equal(gp_gpu_summaries(cat, &sum_c, &n_c, &err), GP_OK);
    static gp_claim claims_c[GP_CLAIMS], claims_de[GP_CLAIMS];
    assert_int_equal(gp_price_claims(cat, claims_c, &err), GP_OK);
    setlocale(LC_ALL, saved);
    assert_string_equal(localeconv()->decimal_point, ",");
    gp_gpu_summary *sum_de = NULL;
    size_t n_de = 0;
    assert_int_equal(gp_gpu_summaries(cat, &sum_de, &n_de, &err), GP_OK);
    assert_int_equal(n_de, n_c);
    assert_int_equal(gp_price_claims(cat, claims_de, &err), GP_OK);
    int some_decimal = 0;
    for (int i = 0; i < GP_CLAIMS; i++) {
        assert_string_equal(claims_de[i].evidence, claims_c[i].evidence);
        some_decimal |= strchr(claims_c[i].evidence, '.') != NULL;
    }
    assert_true(some_decimal); /* the comparison covered decimals */
    free(sum_c);
    free(sum_de);
    free(saved);
    gp_catalog_free(cat);
}

static void tco_default_in_comma_locale(void **state)
{
    (void)state;
    NEED_COMMA_LOCALE();
    double v = 0;
    char source[400];
    gp_error err;
    assert_int_equal(gp_tco_default("pue", &v, source, sizeof(source), &err), GP_OK);
    assert_true(v == 1.58);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(locale_is_comma_decimal),
        cmocka_unit_test(human_numbers_in_comma_locale),
        cmocka_unit_test(data_numbers_in_comma_locale),
        cmocka_unit_test(embedded_catalog_in_comma_locale),
        cmocka_unit_test(library_text_in_comma_locale),
        cmocka_unit_test(tco_default_in_comma_locale),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
