/* The spot model: Young's interval, the closed form, and the simulation
 * against it. */
#include "test_util.h"

#include "gpuplan/spot.h"

static void young_interval(void **state)
{
    (void)state;
    /* sqrt(2 x 0.1 h / 0.02 per h) = sqrt(10) h. */
    assert_close(gp_spot_young_interval(0.1, 0.02), sqrt(10.0), 1e-12);
    assert_true(isinf(gp_spot_young_interval(0.1, 0)));
}

/* Rate 0: the run takes its work plus one checkpoint per interval, except
 * after the last. 100 h of work every 10 h with 0.5 h checkpoints: 9
 * checkpoints, 104.5 h. */
static void rate_zero_is_plain(void **state)
{
    (void)state;
    gp_spot_params p = {100, 0, 0.5, 0.25, 10, 0, 0};
    double h;
    gp_error err;
    assert_int_equal(gp_spot_expected_hours(&p, &h, &err), GP_OK);
    assert_close(h, 104.5, 1e-12);
    gp_spot_sim sim;
    assert_int_equal(gp_spot_simulate(&p, 1000, 7, &sim, &err), GP_OK);
    assert_close(sim.mean_hours, 104.5, 1e-12);
    assert_close(sim.p50_hours, 104.5, 1e-12);
    assert_close(sim.p90_hours, 104.5, 1e-12);
    assert_true(sim.interruptions_mean == 0);
}

/* One stretch of length a with rate λ and restart R takes
 * (e^(λa) - 1)(1/λ + R) on average (renewal argument). With a = 2, λ =
 * 0.5, R = 0.1: (e - 1)(2.1). */
static void closed_form_one_stretch(void **state)
{
    (void)state;
    gp_spot_params p = {2, 0.5, 0, 0.1, 2, 0, 0};
    double h;
    gp_error err;
    assert_int_equal(gp_spot_expected_hours(&p, &h, &err), GP_OK);
    assert_close(h, (exp(1.0) - 1) * 2.1, 1e-12);
}

/* The simulation's mean must agree with the closed form; P90 >= P50; the
 * same seed gives the same answer and another seed a different one. */
static void simulation_matches_closed_form(void **state)
{
    (void)state;
    gp_spot_params cases[] = {
        {600, 0.02, 0.05, 0.3, 0, 0, 0},  /* Young's interval, a few interruptions */
        {200, 0.2, 0.02, 0.25, 0, 0, 0},  /* many interruptions */
        {50, 0.05, 0.1, 1.0, 3, 0, 0},    /* a fixed interval */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double h;
        gp_error err;
        assert_int_equal(gp_spot_expected_hours(&cases[i], &h, &err), GP_OK);
        gp_spot_sim a, b, c;
        assert_int_equal(gp_spot_simulate(&cases[i], 20000, 42, &a, &err), GP_OK);
        assert_close(a.mean_hours, h, 0.01);
        assert_true(a.p90_hours >= a.p50_hours);
        assert_true(a.p50_hours >= cases[i].work_hours);
        assert_true(a.interruptions_mean > 0);
        assert_int_equal(gp_spot_simulate(&cases[i], 20000, 42, &b, &err), GP_OK);
        assert_true(a.mean_hours == b.mean_hours && a.p90_hours == b.p90_hours);
        assert_int_equal(gp_spot_simulate(&cases[i], 20000, 43, &c, &err), GP_OK);
        assert_true(a.mean_hours != c.mean_hours);
    }
}

/* More interruptions cost more time; Young's interval beats a bad one. */
static void monotone(void **state)
{
    (void)state;
    double lo, hi, young, bad;
    gp_error err;
    gp_spot_params p = {500, 0.01, 0.1, 0.25, 0, 0, 0};
    assert_int_equal(gp_spot_expected_hours(&p, &lo, &err), GP_OK);
    p.rate_per_hour = 0.05;
    assert_int_equal(gp_spot_expected_hours(&p, &hi, &err), GP_OK);
    assert_true(hi > lo);
    young = hi;
    p.interval_hours = 20;
    assert_int_equal(gp_spot_expected_hours(&p, &bad, &err), GP_OK);
    assert_true(bad > young);
}

static void bad_inputs(void **state)
{
    (void)state;
    gp_error err;
    double h;
    gp_spot_sim sim;
    gp_spot_params bad[] = {
        {0, 0.1, 0.1, 0.1, 0, 0, 0}, {-5, 0.1, 0.1, 0.1, 0, 0, 0}, {NAN, 0.1, 0.1, 0.1, 0, 0, 0},
        {10, -1, 0.1, 0.1, 0, 0, 0}, {10, INFINITY, 0.1, 0.1, 0, 0, 0}, {10, 0.1, -0.1, 0.1, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(gp_spot_expected_hours(&bad[i], &h, &err), GP_ERANGE);
        assert_int_equal(gp_spot_simulate(&bad[i], 10, 1, &sim, &err), GP_ERANGE);
    }
    gp_spot_params ok = {10, 0.1, 0.1, 0.1, 0, 0, 0};
    assert_int_equal(gp_spot_simulate(&ok, 0, 1, &sim, &err), GP_ERANGE);
    /* Interruptions far faster than any progress: infinite, not a hang. */
    gp_spot_params hopeless = {100, 50, 0.5, 1, 0, 0, 0};
    assert_int_equal(gp_spot_simulate(&hopeless, 20, 1, &sim, &err), GP_OK);
    assert_true(isinf(sim.p90_hours));
}

/* Correlated loss (docs/plan.md, "Correlated loss"). Spot-and-Scoot
 * (Kim et al., arXiv:2604.16457, 2026; shared/data/spot-interruptions.csv)
 * found that co-interruptions of one instance type in one availability
 * zone come within three minutes in over 92% of 2,635 events: a share of
 * interruptions are bursts that take the zone's capacity and wait for new.
 * The closed form adds burst share x wait to the restart (the renewal
 * argument only needs the mean); the simulation agrees with it; and a
 * larger burst share raises the P90 hours (here 0, 50% and 92%). */
static void burst_raises_p90(void **state)
{
    (void)state;
    double shares[] = {0, 0.5, 0.92};
    double last_p90 = 0, last_mean = 0;
    for (size_t i = 0; i < 3; i++) {
        gp_spot_params p = {600, 0.03, 0.05, 0.3, 0, shares[i], 2.0};
        gp_spot_params same = {600, 0.03, 0.05, 0.3 + shares[i] * 2.0, 0, 0, 0};
        double h, h_same;
        gp_error err;
        assert_int_equal(gp_spot_expected_hours(&p, &h, &err), GP_OK);
        assert_int_equal(gp_spot_expected_hours(&same, &h_same, &err), GP_OK);
        assert_close(h, h_same, 1e-12);
        gp_spot_sim sim;
        assert_int_equal(gp_spot_simulate(&p, 20000, 11, &sim, &err), GP_OK);
        assert_close(sim.mean_hours - p.work_hours, h - p.work_hours, 0.02);
        assert_true(sim.p90_hours > last_p90);
        assert_true(sim.mean_hours > last_mean);
        last_p90 = sim.p90_hours;
        last_mean = sim.mean_hours;
    }
    /* A burst share outside [0, 1] is refused. */
    gp_spot_params bad = {600, 0.03, 0.05, 0.3, 0, 1.5, 2.0};
    double h;
    gp_error err;
    assert_int_equal(gp_spot_expected_hours(&bad, &h, &err), GP_ERANGE);
}

/* The long-run slowdown: 1 without interruptions, 1 + λR with free
 * checkpoints, and by hand for λ = 0.01/h, C = 0.5 h, R = 0: τ = sqrt(2 x
 * 0.5 / 0.01) = 10 h, so (e^(0.01 x 10.5) - 1)(100)/10. It is what a very
 * long run's expected hours per work hour tend to. */
static void slowdown(void **state)
{
    (void)state;
    assert_close(gp_spot_slowdown(0, 0.5, 0.25), 1.0, 1e-15);
    assert_close(gp_spot_slowdown(0.02, 0, 0.25), 1.005, 1e-12);
    assert_close(gp_spot_slowdown(0.01, 0.5, 0), expm1(0.105) * 100 / 10, 1e-12);
    double slow = gp_spot_slowdown(0.001, 0.1, 0.25);
    gp_spot_params p = {1e6, 0.001, 0.1, 0.25, 0, 0, 0};
    double h;
    gp_error err;
    assert_int_equal(gp_spot_expected_hours(&p, &h, &err), GP_OK);
    assert_close(slow, h / 1e6, 1e-4);
    assert_true(slow > 1.0);
    assert_true(isnan(gp_spot_slowdown(-1, 0.1, 0)));
    assert_true(isnan(gp_spot_slowdown(0.1, NAN, 0)));
}

/* The planner's P90 at a band's upper edge without a second simulation
 * (docs/plan.md, "Spot risk"): the closed-form mean at the higher rate plus
 * the spread simulated at the expected rate times sqrt(rate ratio). It must
 * agree with simulating at the higher rate, to 3% of the time lost. */
static void p90_at_the_upper_edge(void **state)
{
    (void)state;
    double cases[][5] = {
        /* work, rate, checkpoint, restart, upper/expected rate */
        {600, 0.0034, 0.003, 0.253, 2.03}, /* 96 hosts in the '<5%' band */
        {600, 0.0107, 0.0057, 0.26, 1.36}, /* '5-10%' */
        {200, 0.2, 0.02, 0.25, 1.4},     /* many interruptions */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gp_spot_params p = {cases[i][0], cases[i][1], cases[i][2], cases[i][3], 0, 0, 0};
        gp_error err;
        gp_spot_sim mid, hi;
        assert_int_equal(gp_spot_simulate(&p, 20000, 7, &mid, &err), GP_OK);
        gp_spot_params q = p;
        q.rate_per_hour *= cases[i][4];
        q.interval_hours = mid.interval_hours; /* the plan keeps its interval */
        double mean_hi;
        assert_int_equal(gp_spot_expected_hours(&q, &mean_hi, &err), GP_OK);
        assert_int_equal(gp_spot_simulate(&q, 20000, 7, &hi, &err), GP_OK);
        double approx = mean_hi + (mid.p90_hours - mid.mean_hours) * sqrt(cases[i][4]);
        assert_close(approx - p.work_hours, hi.p90_hours - p.work_hours, 0.03);
        assert_true(approx > mid.p90_hours); /* the upper edge is later */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(young_interval),
        cmocka_unit_test(rate_zero_is_plain),
        cmocka_unit_test(closed_form_one_stretch),
        cmocka_unit_test(simulation_matches_closed_form),
        cmocka_unit_test(monotone),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(slowdown),
        cmocka_unit_test(burst_raises_p90),
        cmocka_unit_test(p90_at_the_upper_edge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
