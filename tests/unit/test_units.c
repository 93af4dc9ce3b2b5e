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
        {"13G", 1.3e10},   {"1P", 1e15},
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
                 {"6mo", 4380},    {"36", 36},    {"3600s", 1},
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts),    cmocka_unit_test(count_errors),
        cmocka_unit_test(hours),     cmocka_unit_test(dollars),
        cmocka_unit_test(fractions), cmocka_unit_test(sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
