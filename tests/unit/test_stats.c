/* Quantiles against hand-computed values. */
#include "test_util.h"

#include "gpuplan/stats.h"

static void quantiles(void **state)
{
    (void)state;
    double v[] = {7, 1, NAN, 3, 5};
    gp_sort_doubles(v, 5);
    assert_true(v[0] == 1 && v[1] == 3 && v[2] == 5 && v[3] == 7 && isnan(v[4]));
    /* of 1,3,5,7 (type 7): median 4, P90 = 5 + 0.7*2 = 6.4, P25 = 2.5 */
    assert_close(gp_median_sorted(v, 4), 4.0, 1e-12);
    assert_close(gp_quantile_sorted(v, 4, 0.9), 6.4, 1e-12);
    assert_close(gp_quantile_sorted(v, 4, 0.25), 2.5, 1e-12);
    assert_true(gp_quantile_sorted(v, 4, 0) == 1);
    assert_true(gp_quantile_sorted(v, 4, 1) == 7);
    assert_true(isnan(gp_median_sorted(v, 0)));
    double one = 42;
    assert_true(gp_quantile_sorted(&one, 1, 0.9) == 42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(quantiles)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
