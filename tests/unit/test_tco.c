/* Owning vs renting against hand-computed values. */
#include "test_util.h"

#include "gpuplan/tco.h"

/* 8 GPUs, $240,000, 3 years, 10 kW, $0.10/kWh, PUE 1.5, $12,000/year,
 * half the hours used. By hand:
 *   hours = 3 x 8,760 = 26,280; used GPU-hours = 8 x 26,280 x 0.5 = 105,120
 *   energy/year = 10 x 1.5 x 8,760 x 0.5 x 0.10 = $6,570
 *   total = 240,000 + 3 x (12,000 + 6,570) = $295,710
 *   fixed at full use = (240,000 + 36,000) / (8 x 26,280) = $1.312785/GPU-h
 *   energy per used GPU-hour = 10 x 1.5 x 0.10 / 8 = $0.1875 */
static gp_tco_inputs example(void)
{
    return (gp_tco_inputs){8, 240000, 3, 10, 0.10, 1.5, 12000, 0.5};
}

static void onprem(void **state)
{
    (void)state;
    gp_tco_inputs in = example();
    gp_tco_result r;
    gp_error err;
    assert_int_equal(gp_tco_onprem(&in, &r, &err), GP_OK);
    assert_close(r.used_gpu_hours, 105120, 1e-12);
    assert_close(r.energy_usd_per_year, 6570, 1e-12);
    assert_close(r.total_usd, 295710, 1e-12);
    assert_close(r.usd_per_used_gpu_hour, 295710.0 / 105120, 1e-12);
    assert_close(r.fixed_usd_per_gpu_hour_at_full, 276000.0 / 210240, 1e-12);
    assert_close(r.energy_usd_per_gpu_hour, 0.1875, 1e-12);
}

static void break_even(void **state)
{
    (void)state;
    gp_tco_inputs in = example();
    double fixed = 276000.0 / 210240;
    /* Against $2/GPU-h paid per used hour: u = fixed / (2 - 0.1875). */
    double u = gp_tco_break_even(&in, 2.0);
    assert_close(u, fixed / 1.8125, 1e-12);
    /* At that utilisation owning costs exactly $2 per used GPU-hour. */
    in.utilization = u;
    gp_tco_result r;
    gp_error err;
    assert_int_equal(gp_tco_onprem(&in, &r, &err), GP_OK);
    assert_close(r.usd_per_used_gpu_hour, 2.0, 1e-12);
    in = example();
    /* Below the energy price owning never pays; a cheap cloud needs > 100%. */
    assert_true(isnan(gp_tco_break_even(&in, 0.15)));
    assert_true(gp_tco_break_even(&in, 1.0) > 1);
    assert_true(isnan(gp_tco_break_even(&in, 0)));
}

static void committed(void **state)
{
    (void)state;
    gp_tco_inputs in = example();
    double fixed = 276000.0 / 210240;
    /* Reserved at $1.50 every hour: owning cheaper below (1.5 - fixed) / 0.1875. */
    double u = gp_tco_committed_break_even(&in, 1.5);
    assert_close(u, (1.5 - fixed) / 0.1875, 1e-12);
    assert_true(u > 0.99 && u < 1);
    /* Cheaper than owning's fixed cost: reserving wins at any use. */
    assert_true(gp_tco_committed_break_even(&in, 1.0) < 0);
    /* Dear: owning wins at any use. */
    assert_true(gp_tco_committed_break_even(&in, 3.0) >= 1);
    in.usd_per_kwh = 0;
    assert_true(isinf(gp_tco_committed_break_even(&in, 3.0)));
}

static void bad_inputs(void **state)
{
    (void)state;
    gp_tco_result r;
    gp_error err;
    gp_tco_inputs in = example();
    in.pue = 0.9;
    assert_int_equal(gp_tco_onprem(&in, &r, &err), GP_ERANGE);
    assert_non_null(strstr(err.message, "pue"));
    in = example();
    in.utilization = 0;
    assert_int_equal(gp_tco_onprem(&in, &r, &err), GP_ERANGE);
    in.utilization = 1.2;
    assert_int_equal(gp_tco_onprem(&in, &r, &err), GP_ERANGE);
    in = example();
    in.gpus_per_server = 0;
    assert_int_equal(gp_tco_onprem(&in, &r, &err), GP_ERANGE);
    in = example();
    in.years = NAN;
    assert_int_equal(gp_tco_onprem(&in, &r, &err), GP_ERANGE);
    in = example();
    in.capex_usd = -1;
    assert_int_equal(gp_tco_onprem(&in, &r, &err), GP_ERANGE);
}

/* The PUE has a sourced default; the capex has none. */
static void defaults(void **state)
{
    (void)state;
    double v = 0;
    char source[400];
    gp_error err;
    assert_int_equal(gp_tco_default("pue", &v, source, sizeof(source), &err), GP_OK);
    assert_close(v, 1.58, 1e-12);
    assert_non_null(strstr(source, "Uptime Institute"));
    assert_int_equal(gp_tco_default("capex", &v, source, sizeof(source), &err), GP_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(onprem),
        cmocka_unit_test(break_even),
        cmocka_unit_test(committed),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
