/* The human-number parser: every form the README promises, and the errors. */
#include "test_util.h"

#include "gpuplan/units.h"

static void counts(void **state)
{
    (void)state;
    struct {
        const char *text;
        double want;
    } cases[] = {
        {"7B", 7e9},       {"7b", 7e9},          {"1.4T", 1.4e12},
        {"2e12", 2e12},    {"300M", 3e8},        {"70000000000", 7e10},
        {"1,000,000", 1e6}, {"1_000", 1000},     {" 8 ", 8},
        {"0.5K", 500},     {"15T", 1.5e13},      {"2.5e3k", 2.5e6},
        {"13G", 1.3e10},   {"1P", 1e15},         {"10,000", 1e4},
        {"999,999", 999999}, {"1,000.5", 1000.5}, {"12_345_678", 12345678},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = -1;
        gp_error err;
        assert_int_equal(gp_parse_count(cases[i].text, &v, &err), GP_OK);
        assert_close(v, cases[i].want, 1e-12);
    }
}

static void count_errors(void **state)
{
    (void)state;
    const char *bad[] = {"", "abc", "-7B", "7X", "7BB", "nan", "inf", "0x10",
                         "1e", "1,2,,3", ",5", "7 B extra", "1e400", "."};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double v = 42;
        gp_error err;
        gp_error_clear(&err);
        assert_int_equal(gp_parse_count(bad[i], &v, &err), GP_EINVAL);
        assert_true(err.message[0] != '\0');
        assert_true(v == 42); /* untouched on failure */
    }
    gp_error err;
    double v;
    gp_parse_count("-7B", &v, &err);
    assert_non_null(strstr(err.message, "negative"));
    gp_parse_count("7X", &v, &err);
    assert_non_null(strstr(err.message, "unknown unit 'X'"));
}

static void hours(void **state)
{
    (void)state;
    struct {
        const char *text;
        double want;
    } cases[] = {{"30d", 720},     {"72h", 72},   {"2w", 336},
                 {"90min", 1.5},   {"90m", 1.5},  {"1y", 8760},
                 {"6mo", 4380},    {"36h", 36},   {"3600s", 1},
                 {"0", 0},         {"0.0", 0},
                 {"1.5 days", 36}, {"2 weeks", 336}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = -1;
        gp_error err;
        assert_int_equal(gp_parse_hours(cases[i].text, &v, &err), GP_OK);
        assert_close(v, cases[i].want, 1e-12);
    }
    double v;
    gp_error err;
    assert_int_equal(gp_parse_hours("30 fortnights", &v, &err), GP_EINVAL);
    assert_int_equal(gp_parse_hours("-1d", &v, &err), GP_EINVAL);
}

static void dollars(void **state)
{
    (void)state;
    struct {
        const char *text;
        double want;
    } cases[] = {{"$500k", 5e5}, {"500K", 5e5}, {"250000", 2.5e5},
                 {"$1.2M", 1.2e6}, {"1.2m", 1.2e6}, {"$2bn", 2e9},
                 {"$1,250,000", 1.25e6}, {"$0.5", 0.5}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = -1;
        gp_error err;
        assert_int_equal(gp_parse_usd(cases[i].text, &v, &err), GP_OK);
        assert_close(v, cases[i].want, 1e-12);
    }
    double v;
    gp_error err;
    assert_int_equal(gp_parse_usd("$$5", &v, &err), GP_EINVAL);
    assert_int_equal(gp_parse_usd("5$", &v, &err), GP_EINVAL);
    assert_int_equal(gp_parse_usd("-$5", &v, &err), GP_EINVAL);
}

static void fractions(void **state)
{
    (void)state;
    double v = 0;
    gp_error err;
    assert_int_equal(gp_parse_fraction("12%", 0, &v, &err), GP_OK);
    assert_close(v, 0.12, 1e-12);
    assert_int_equal(gp_parse_fraction("0.12", 0, &v, &err), GP_OK);
    assert_close(v, 0.12, 1e-12);
    assert_int_equal(gp_parse_fraction("100%", 0, &v, &err), GP_OK);
    assert_close(v, 1.0, 1e-12);
    /* "12" is ambiguous: the error says how to write it. */
    assert_int_equal(gp_parse_fraction("12", 0, &v, &err), GP_EINVAL);
    assert_non_null(strstr(err.message, "12%"));
    assert_int_equal(gp_parse_fraction("150%", 0, &v, &err), GP_EINVAL);
    assert_int_equal(gp_parse_fraction("150%", 1, &v, &err), GP_OK);
    assert_close(v, 1.5, 1e-12);
}

static void sizes(void **state)
{
    (void)state;
    double v = 0;
    gp_error err;
    assert_int_equal(gp_parse_gb("500GB", &v, &err), GP_OK);
    assert_close(v, 500, 1e-12);
    assert_int_equal(gp_parse_gb("2TB", &v, &err), GP_OK);
    assert_close(v, 2000, 1e-12);
    assert_int_equal(gp_parse_gb("1GiB", &v, &err), GP_OK);
    assert_close(v, 1.073741824, 1e-12);
    assert_int_equal(gp_parse_gb("80", &v, &err), GP_OK);
    assert_close(v, 80, 1e-12);
    assert_int_equal(gp_parse_gb("80 parsecs", &v, &err), GP_EINVAL);
}

/* Bug: split_number took "," or "_" between any two digits, so the
 * decimal comma in "1,5T" read as 15T, "1,5k" dollars as $15,000. */
static void decimal_comma_is_refused(void **state)
{
    (void)state;
    struct {
        const char *text;
        const char *suggestion; /* in the message, or NULL */
    } bad[] = {{"1,5T", "write 1.5T"}, {"1,5", "write 1.5"}, {"10,2", "write 10.2"},
               {"1.000,5", "write 1000.5"}, {"1,00", "write 1.00"},
               {"1,0000", "write 1.0000"}, {"1000,000", "write 1000.000"},
               {"0,500", "write 0.500"}, {"1,00,000", NULL}, {"1,000_000", NULL},
               {"1_5", NULL}, {"1,000,5", NULL}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double v = 42;
        gp_error err;
        gp_error_clear(&err);
        assert_int_equal(gp_parse_count(bad[i].text, &v, &err), GP_EINVAL);
        assert_true(v == 42);
        if (bad[i].suggestion && !strstr(err.message, bad[i].suggestion))
            fail_msg("%s: message '%s' lacks '%s'", bad[i].text, err.message,
                     bad[i].suggestion);
        assert_non_null(strstr(err.message, "decimal point"));
    }
    double v = 0;
    gp_error err;
    assert_int_equal(gp_parse_usd("1,5k", &v, &err), GP_EINVAL);
    assert_non_null(strstr(err.message, "write 1.5k"));
    assert_int_equal(gp_parse_hours("1,5d", &v, &err), GP_EINVAL);
    assert_non_null(strstr(err.message, "write 1.5d"));
    assert_int_equal(gp_parse_gb("10,2", &v, &err), GP_EINVAL);
    assert_int_equal(gp_parse_fraction("0,5", 0, &v, &err), GP_EINVAL);
    /* proper groups still read as thousands */
    assert_int_equal(gp_parse_usd("$1,500", &v, &err), GP_OK);
    assert_close(v, 1500, 1e-12);
}

/* Bug: a bare number was hours, so `--deadline 3` (meant as days) planned
 * for 3 hours. */
static void bare_duration_is_refused(void **state)
{
    (void)state;
    const char *bad[] = {"3", "36", "1.5", "1e3", " 72 ", "0.001"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double v = 42;
        gp_error err;
        gp_error_clear(&err);
        assert_int_equal(gp_parse_hours(bad[i], &v, &err), GP_EINVAL);
        assert_true(v == 42);
        assert_non_null(strstr(err.message, "a duration needs a unit"));
    }
    gp_error err;
    double v;
    assert_int_equal(gp_parse_hours("3", &v, &err), GP_EINVAL);
    assert_string_equal(err.message,
                        "'3': a duration needs a unit: 3d, 3h or 3min (units: s, min, h, "
                        "d, w, mo, y)");
}

/* Bug: the help's `--budget $100k` loses "$1" to the shell ("00k" = $0);
 * 100k, 100kUSD and 100k USD are the forms that survive a shell. */
static void dollars_without_dollar_sign(void **state)
{
    (void)state;
    struct {
        const char *text;
        double want;
    } cases[] = {{"100k", 1e5},      {"100kUSD", 1e5},  {"100k USD", 1e5},
                 {"100K usd", 1e5},  {"$100k", 1e5},    {"250000 USD", 2.5e5},
                 {"1.2MUSD", 1.2e6}, {"0.5 USD", 0.5},  {"0", 0}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = -1;
        gp_error err;
        if (gp_parse_usd(cases[i].text, &v, &err) != GP_OK)
            fail_msg("%s: %s", cases[i].text, err.message);
        assert_close(v, cases[i].want, 1e-12);
    }
    /* what a shell leaves of $500k, $1.2M; and units in the wrong place */
    const char *bad[] = {"00k", ".2M", "$.5", "USD", "100 USD k", "100kUSDUSD", "USD100"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double v = 42;
        gp_error err;
        assert_int_equal(gp_parse_usd(bad[i], &v, &err), GP_EINVAL);
        assert_true(v == 42);
    }
    gp_error err;
    double v;
    gp_parse_usd("00k", &v, &err);
    assert_non_null(strstr(err.message, "shell"));
}

/* Bug: valid_date in the gpuplan loader took 2026-02-31. */
static void iso_dates(void **state)
{
    (void)state;
    int y = 0, m = 0, d = 0;
    gp_error err;
    assert_int_equal(gp_parse_iso_date("2026-02-28", &y, &m, &d, &err), GP_OK);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 2);
    assert_int_equal(d, 28);
    const char *good[] = {"2024-02-29", "2000-02-29", "2026-12-31", "2026-01-31",
                          "2026-04-30", "0001-01-01", "9999-12-31"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (gp_parse_iso_date(good[i], NULL, NULL, NULL, &err) != GP_OK)
            fail_msg("%s: %s", good[i], err.message);
    const char *bad[] = {"2026-02-31", "2026-02-29", "1900-02-29", "2100-02-29",
                         "2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31",
                         "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
                         "0000-01-01", "2026-1-01",  "2026/01/01", "2026-01-01 ",
                         " 2026-01-01", "2026-01-0a", "20260101",  "", "2026-01-01T00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        y = -1;
        if (gp_parse_iso_date(bad[i], &y, NULL, NULL, &err) != GP_EINVAL)
            fail_msg("%s accepted", bad[i]);
        assert_int_equal(y, -1); /* untouched on failure */
        assert_non_null(strstr(err.message, bad[i]));
    }
    assert_int_equal(gp_parse_iso_date("2026-02-31", NULL, NULL, NULL, &err), GP_EINVAL);
    assert_string_equal(err.message, "'2026-02-31': day 31 is not 01-28 in 2026-02");
    assert_int_equal(gp_parse_iso_date(NULL, NULL, NULL, NULL, NULL), GP_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts),    cmocka_unit_test(count_errors),
        cmocka_unit_test(hours),     cmocka_unit_test(dollars),
        cmocka_unit_test(fractions), cmocka_unit_test(sizes),
        cmocka_unit_test(decimal_comma_is_refused),
        cmocka_unit_test(bare_duration_is_refused),
        cmocka_unit_test(dollars_without_dollar_sign),
        cmocka_unit_test(iso_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
