/* The market data: HHI, CAGR, projections and periods against hand
 * values; share summaries (top-3, HHI bounds, disagreement) on a small
 * fixture; malformed rows; and the embedded files. */
#include "test_util.h"

#include "gpuplan/market.h"

static void hhi(void **state)
{
    (void)state;
    const double three[] = {30, 20, 10}; /* 900 + 400 + 100 */
    assert_close(gp_hhi(three, 3), 1400, 1e-12);
    const double duo[] = {50, 50};
    assert_close(gp_hhi(duo, 2), 5000, 1e-12);
    const double mono[] = {100};
    assert_close(gp_hhi(mono, 1), 10000, 1e-12);
    assert_close(gp_hhi(NULL, 0), 0, 1e-12);
    const double bad[] = {30, NAN};
    assert_true(isnan(gp_hhi(bad, 2)));
    const double neg[] = {30, -1};
    assert_true(isnan(gp_hhi(neg, 2)));
}

static void cagr_and_projection(void **state)
{
    (void)state;
    /* Doubling in 5 years: 2^(1/5) - 1. */
    assert_close(gp_cagr(10, 20, 5), pow(2.0, 0.2) - 1, 1e-12);
    /* Precedence Research: $4.03B (2024) to $31.89B (2034) is 22.98%/year: (31.89/4.03)^(1/10) - 1. */
    assert_close(gp_cagr(4.03, 31.89, 10), 0.229801, 1e-5);
    assert_true(isnan(gp_cagr(0, 20, 5)));
    assert_true(isnan(gp_cagr(10, 20, 0)));
    assert_true(isnan(gp_cagr(10, -1, 5)));
    assert_close(gp_project(100, 0.1, 2), 121, 1e-12);
    assert_close(gp_project(121, 0.1, -2), 100, 1e-12);
    /* Projection and CAGR invert each other. */
    double g = gp_cagr(8.21, 26.62, 5);
    assert_close(gp_project(8.21, g, 5), 26.62, 1e-12);
}

static void forecast_values(void **state)
{
    (void)state;
    /* Both figures and a stated rate that does not quite join them. */
    gp_forecast_row both = {.base_year = 2025, .base_usd_b = 8.21, .forecast_year = 2030,
                            .forecast_usd_b = 26.62, .cagr = 0.265};
    both.cagr_implied = gp_cagr(8.21, 26.62, 5);
    assert_close(gp_forecast_value(&both, 2025), 8.21, 1e-12);
    assert_close(gp_forecast_value(&both, 2030), 26.62, 1e-12);
    /* Between the figures: the geometric path through both. */
    assert_close(gp_forecast_value(&both, 2027), 8.21 * pow(26.62 / 8.21, 2.0 / 5), 1e-12);
    /* Beyond: the stated rate from the last figure. */
    assert_close(gp_forecast_value(&both, 2032), 26.62 * 1.265 * 1.265, 1e-12);
    assert_true(isnan(gp_forecast_value(&both, 2024)));

    gp_forecast_row base_only = {.base_year = 2025, .base_usd_b = 7.82, .cagr = 0.30,
                                 .forecast_usd_b = NAN, .cagr_implied = NAN};
    assert_close(gp_forecast_value(&base_only, 2027), 7.82 * 1.69, 1e-12);

    gp_forecast_row end_only = {.base_usd_b = NAN, .forecast_year = 2035,
                                .forecast_usd_b = 37.1, .cagr = NAN, .cagr_implied = NAN};
    assert_close(gp_forecast_value(&end_only, 2035), 37.1, 1e-12);
    assert_true(isnan(gp_forecast_value(&end_only, 2034)));
    assert_true(isnan(gp_forecast_value(&end_only, 2036)));

    gp_forecast_row rate_only = {.base_usd_b = NAN, .forecast_usd_b = NAN, .cagr = 0.82,
                                 .cagr_implied = NAN};
    assert_true(isnan(gp_forecast_value(&rate_only, 2026)));
}

static void periods(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int year, quarter;
    } OK[] = {{"2025Q1", 2025, 1},  {"Q1-2025", 2025, 1}, {"Q1 2025", 2025, 1},
              {"2025-Q1", 2025, 1}, {"q4-2023", 2023, 4}, {"FY2024", 2024, 0},
              {"FY-2024", 2024, 0}, {"2024", 2024, 0}};
    for (size_t i = 0; i < sizeof(OK) / sizeof(OK[0]); i++) {
        gp_period p;
        if (gp_period_parse(OK[i].text, &p) != 0)
            fail_msg("'%s' did not parse", OK[i].text);
        assert_int_equal(p.year, OK[i].year);
        assert_int_equal(p.quarter, OK[i].quarter);
    }
    static const char *const BAD[] = {"Q5-2025", "2025Q0", "abc", "", "Q1-", "2025Q1x", "FY"};
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        gp_period p;
        if (gp_period_parse(BAD[i], &p) == 0)
            fail_msg("'%s' parsed", BAD[i]);
    }
    char buf[16];
    gp_period_format((gp_period){2025, 1}, buf, sizeof(buf));
    assert_string_equal(buf, "Q1-2025");
    gp_period_format((gp_period){2024, 0}, buf, sizeof(buf));
    assert_string_equal(buf, "FY-2024");
    /* Q4-2024 < FY-2024 < Q1-2025. */
    assert_true(gp_period_cmp((gp_period){2024, 4}, (gp_period){2024, 0}) < 0);
    assert_true(gp_period_cmp((gp_period){2024, 0}, (gp_period){2025, 1}) < 0);
    assert_true(gp_period_cmp((gp_period){2025, 2}, (gp_period){2025, 2}) == 0);
}

/* Synergy names three providers in Q1 (Google as a range) and gives the
 * market size; Canalys names the same three with AWS at 35% and gives the
 * combined top-3. In Q2 two outlets quote Synergy's AWS differently and
 * Oracle is "under 3%". */
static const char SHARES[] =
    "period,provider,share_pct_low,share_pct_high,market_usd_b,source,quote\n"
    "Q1-2025,AWS,30,30,,Synergy x,q\n"
    "Q1-2025,Microsoft,20,20,,Synergy x,q\n"
    "Q1-2025,Google,10,12,,Synergy x,q\n"
    "Q1-2025,TOTAL market,,,100,Synergy x,q\n"
    "Q1-2025,AWS [Canalys],35,35,,Canalys y,q\n"
    "Q1-2025,Microsoft [Canalys],20,20,,Canalys y,q\n"
    "Q1-2025,Google [Canalys],10,10,,Canalys y,q\n"
    "Q1-2025,AWS+Microsoft+Google [Canalys],65,65,,Canalys y,q\n"
    "Q2-2025,AWS,29,29,,Synergy a,q\n"
    "Q2-2025,AWS,31,31,,Synergy b,q\n"
    "Q2-2025,Oracle,,3,,Synergy a,q\n"
    "Q2-2025,AWS+Microsoft+Google (public IaaS+PaaS only),70,70,,Synergy a,q\n";

static gp_market *load(const char *shares, const char *forecasts, const char *facts)
{
    gp_market *m = NULL;
    gp_error err;
    gp_status st = gp_market_load_buffers(shares, forecasts, facts, &m, &err);
    if (st != GP_OK)
        fail_msg("load failed: %s", err.message);
    return m;
}

static void share_summaries(void **state)
{
    (void)state;
    gp_market *m = load(SHARES, NULL, NULL);
    assert_int_equal(gp_market_share_count(m), 12);
    const gp_share_row *r = gp_market_share(m, 4);
    assert_string_equal(r->provider, "AWS");
    assert_string_equal(r->series, "canalys");
    assert_int_equal(r->kind, GP_SHARE_PROVIDER);
    assert_int_equal(gp_market_share(m, 3)->kind, GP_SHARE_TOTAL);
    assert_int_equal(gp_market_share(m, 7)->kind, GP_SHARE_COMBINED);
    assert_true(gp_market_share(m, 11)->public_only);
    assert_true(isnan(gp_market_share(m, 10)->low_pct));

    gp_share_summary s;
    assert_int_equal(gp_market_share_summary(m, (gp_period){2025, 1}, "synergy", &s), 1);
    assert_int_equal(s.providers, 3);
    assert_false(s.top3_given);
    assert_close(s.top3_low, 60, 1e-12);
    assert_close(s.top3_high, 62, 1e-12);
    /* Low: 30^2 + 20^2 + 10^2; high: 30^2 + 20^2 + 12^2 + (100 - 62)^2. */
    assert_close(s.hhi_low, 1400, 1e-12);
    assert_close(s.hhi_high, 2888, 1e-12);
    assert_close(s.market_usd_b, 100, 1e-12);
    assert_true(s.disagreement); /* Canalys has AWS at 35% */

    assert_int_equal(gp_market_share_summary(m, (gp_period){2025, 1}, "canalys", &s), 1);
    assert_true(s.top3_given);
    assert_close(s.top3_high, 65, 1e-12);
    /* 35^2 + 20^2 + 10^2 = 1725; plus (100 - 65)^2 at the high end. */
    assert_close(s.hhi_low, 1725, 1e-12);
    assert_close(s.hhi_high, 2950, 1e-12);
    assert_true(isnan(s.market_usd_b));

    /* Two quotes of one provider: counted once, as the range 29-31;
     * "under 3%" counts 0 at the low end. The public-only row is ignored. */
    assert_int_equal(gp_market_share_summary(m, (gp_period){2025, 2}, "synergy", &s), 1);
    assert_int_equal(s.providers, 2);
    assert_true(s.conflicting_quotes);
    assert_false(s.disagreement);
    assert_false(s.top3_given);
    assert_close(s.hhi_low, 29 * 29, 1e-12);
    assert_close(s.hhi_high, 31 * 31 + 3 * 3 + 66 * 66, 1e-12);
    assert_close(s.named_high, 34, 1e-12);

    /* A series with nothing in the period. */
    assert_int_equal(gp_market_share_summary(m, (gp_period){2025, 2}, "canalys", &s), 0);
    assert_int_equal(gp_market_share_summary(m, (gp_period){2019, 1}, "synergy", &s), 0);
    gp_market_free(m);
}

static const char FORECASTS[] =
    "source,publisher,base_year,base_value_usd_b,forecast_year,forecast_value_usd_b,"
    "cagr_pct,quote\n"
    "s,Given Rate,2025,8.21,2030,26.62,26.5,q\n"
    "s,Computed Rate,2024,4.03,2034,31.89,,q\n"
    "s,Neocloud Watch (neocloud market),2025,25,2031,400,,q\n"
    "s,Rate Only,,,,,82,q\n";

static void forecasts(void **state)
{
    (void)state;
    gp_market *m = load(NULL, FORECASTS, NULL);
    assert_int_equal(gp_market_forecast_count(m), 4);
    const gp_forecast_row *f = gp_market_forecast(m, 0);
    assert_close(f->cagr, 0.265, 1e-12);
    assert_false(f->cagr_computed);
    assert_close(f->cagr_implied, gp_cagr(8.21, 26.62, 5), 1e-12);
    assert_string_equal(f->scope, "gpuaas");
    f = gp_market_forecast(m, 1);
    assert_true(f->cagr_computed);
    assert_close(f->cagr, 0.229801, 1e-5);
    assert_int_equal(f->line, 3);
    assert_string_equal(gp_market_forecast(m, 2)->scope, "neocloud");
    f = gp_market_forecast(m, 3);
    assert_int_equal(f->base_year, 0);
    assert_true(isnan(f->base_usd_b));
    assert_close(f->cagr, 0.82, 1e-12);
    gp_market_free(m);
}

static void facts(void **state)
{
    (void)state;
    gp_market *m = load(NULL, NULL,
                        "provider,metric,value,unit,as_of,source,quote\n"
                        "CoreWeave,gpu_count,250000,GPUs,2024-12-31,S-1,q\n"
                        "Lambda,regions,,regions,,site,no number given\n");
    assert_int_equal(gp_market_fact_count(m), 2);
    assert_close(gp_market_fact(m, 0)->value, 250000, 1e-12);
    assert_string_equal(gp_market_fact(m, 0)->as_of, "2024-12-31");
    assert_true(isnan(gp_market_fact(m, 1)->value));
    assert_null(gp_market_fact(m, 2));
    gp_market_free(m);
}

/* Each malformed row is refused with its line. */
static void malformed(void **state)
{
    (void)state;
    static const struct {
        const char *shares, *forecasts;
        long line;
    } BAD[] = {
        {"period,provider,share_pct_low,share_pct_high,market_usd_b,source,quote\n"
         "Q1-2025,AWS,30,30,,s,q\nQ9-2025,AWS,30,30,,s,q\n", NULL, 3},
        {"period,provider,share_pct_low,share_pct_high,market_usd_b,source,quote\n"
         "Q1-2025,AWS,40,30,,s,q\n", NULL, 2},
        {"period,provider,share_pct_low,share_pct_high,market_usd_b,source,quote\n"
         "Q1-2025,AWS,thirty,30,,s,q\n", NULL, 2},
        {"period,provider,share_pct_low,share_pct_high,market_usd_b,source,quote\n"
         "Q1-2025,TOTAL market,,,,s,q\n", NULL, 2},
        {NULL, "source,publisher,base_year,base_value_usd_b,forecast_year,"
               "forecast_value_usd_b,cagr_pct,quote\ns,P,2030,5,2025,9,,q\n", 2},
        {NULL, "source,publisher,base_year,base_value_usd_b,forecast_year,"
               "forecast_value_usd_b,cagr_pct,quote\ns,P,2025,-5,2030,9,,q\n", 2},
        {NULL, "source,publisher,base_year,base_value_usd_b,forecast_year,"
               "forecast_value_usd_b,cagr_pct,quote\ns,P,20x5,5,2030,9,,q\n", 2},
    };
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        gp_market *m = NULL;
        gp_error err;
        gp_error_clear(&err);
        gp_status st = gp_market_load_buffers(BAD[i].shares, BAD[i].forecasts, NULL, &m, &err);
        if (st != GP_EDATA)
            fail_msg("case %zu: status %d, expected GP_EDATA", i, (int)st);
        assert_null(m);
        assert_int_equal(err.line, BAD[i].line);
    }
}

/* The embedded files load, and carry the figures they quote: Synergy's
 * Q3-2025 shares 29/20/13 with the combined 63%. */
static void embedded(void **state)
{
    (void)state;
    gp_market *m = NULL;
    gp_error err;
    assert_int_equal(gp_market_load_default(&m, &err), GP_OK);
    assert_true(gp_market_share_count(m) > 100);
    assert_true(gp_market_forecast_count(m) > 10);
    assert_true(gp_market_fact_count(m) > 50);
    gp_share_summary s;
    assert_int_equal(gp_market_share_summary(m, (gp_period){2025, 3}, "synergy", &s), 1);
    assert_true(s.top3_given);
    assert_close(s.top3_high, 63, 1e-12);
    assert_close(s.hhi_low, 29 * 29 + 20 * 20 + 13 * 13, 1e-12);
    assert_close(s.market_usd_b, 107, 1e-12);
    /* The market note's Q1-2025 rows form the series "note": AWS, Microsoft,
     * Google and Lambda named, and its own combined 63%. */
    assert_int_equal(gp_market_share_summary(m, (gp_period){2025, 1}, "note", &s), 1);
    assert_int_equal(s.providers, 4);
    assert_true(s.top3_given);
    assert_close(s.top3_high, 63, 1e-12);
    gp_market_free(m);
}

/* Series names and what --source NAME selects. */
static void series_expand(void **state)
{
    (void)state;
    size_t n = 0;
    const char *const *names = gp_share_series_names(&n);
    assert_int_equal(n, 5);
    assert_string_equal(names[0], "synergy");
    assert_string_equal(names[4], "note");
    const char *set[8];
    size_t k = 0;
    assert_int_equal(gp_share_series_expand("canalys", set, &k, 8), 0);
    assert_int_equal(k, 3);
    assert_string_equal(set[0], "canalys");
    assert_string_equal(set[1], "canalys-revised");
    assert_string_equal(set[2], "canalys-original");
    /* Already in the set: not added twice; case does not matter. */
    assert_int_equal(gp_share_series_expand("Canalys-Revised", set, &k, 8), 0);
    assert_int_equal(k, 3);
    assert_int_equal(gp_share_series_expand("NOTE", set, &k, 8), 0);
    assert_int_equal(k, 4);
    assert_string_equal(set[3], "note");
    /* The old name of the market note's series is no series. */
    assert_int_equal(gp_share_series_expand("seed", set, &k, 8), -1);
    assert_int_equal(k, 4);
}

static void data_periods(void **state)
{
    (void)state;
    gp_market *m = load(SHARES, NULL, NULL);
    gp_period p[8];
    assert_int_equal(gp_market_periods(m, p, 8), 2);
    assert_true(gp_period_cmp(p[0], (gp_period){2025, 1}) == 0);
    assert_true(gp_period_cmp(p[1], (gp_period){2025, 2}) == 0);
    gp_period latest;
    assert_int_equal(gp_market_latest_quarter(m, &latest), 1);
    assert_true(gp_period_cmp(latest, (gp_period){2025, 2}) == 0);
    /* A bare year as the start means its Q1 (else FY-2025 would sort
     * after Q4 and keep nothing). */
    gp_period fy = {2025, 0}, q1 = {2025, 1}, y2030 = {2030, 1};
    assert_int_equal(gp_market_period_range(m, &fy, NULL, p, 8), 2);
    assert_int_equal(gp_market_period_range(m, NULL, &q1, p, 8), 1);
    assert_true(gp_period_cmp(p[0], q1) == 0);
    assert_int_equal(gp_market_period_range(m, &y2030, NULL, p, 8), 0);
    /* As the end a bare year takes in all its quarters. */
    assert_int_equal(gp_market_period_range(m, &q1, &fy, p, 8), 2);
    gp_market_free(m);
}

static void share_selection(void **state)
{
    (void)state;
    gp_market *m = load(SHARES, NULL, NULL);
    const gp_period q1[] = {{2025, 1}};
    const char *const synergy[] = {"synergy"};
    gp_share_filter f = {q1, 1, synergy, 1, NULL, 0};
    const gp_share_row **rows = NULL;
    size_t n = 0;
    gp_error err;
    /* File order: AWS 30, Microsoft 20, Google 10-12, TOTAL. */
    assert_int_equal(gp_market_share_select(m, &f, 0, &rows, &n, &err), GP_OK);
    assert_int_equal(n, 4);
    assert_string_equal(rows[2]->provider, "Google");
    assert_int_equal(rows[3]->kind, GP_SHARE_TOTAL);
    free(rows);
    /* --provider aws keeps AWS (any case) and the market size. */
    const char *const aws[] = {"aws"};
    f.providers = aws;
    f.nproviders = 1;
    assert_int_equal(gp_market_share_select(m, &f, 0, &rows, &n, &err), GP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0]->provider, "AWS");
    assert_int_equal(rows[1]->kind, GP_SHARE_TOTAL);
    free(rows);
    /* Table order over both series: providers by share (Canalys AWS 35
     * first), then the combined row, then the total. */
    gp_share_filter all = {q1, 1, NULL, 0, NULL, 0};
    assert_int_equal(gp_market_share_select(m, &all, 1, &rows, &n, &err), GP_OK);
    assert_int_equal(n, 8);
    assert_string_equal(rows[0]->series, "canalys");
    assert_close(rows[0]->high_pct, 35, 1e-12);
    assert_string_equal(rows[1]->series, "synergy"); /* AWS 30 */
    /* Microsoft 20 in both: by provider, then series. */
    assert_string_equal(rows[2]->provider, "Microsoft");
    assert_string_equal(rows[2]->series, "canalys");
    assert_int_equal(rows[6]->kind, GP_SHARE_COMBINED);
    assert_int_equal(rows[7]->kind, GP_SHARE_TOTAL);
    free(rows);

    const char *names[16];
    /* AWS, Microsoft, Google, the combined name, Oracle. */
    assert_int_equal(gp_market_share_names(m, 0, names, 16), 5);
    assert_string_equal(names[4], "Oracle");
    assert_int_equal(gp_market_share_names(m, 1, names, 16), 4);
    assert_string_equal(names[3], "Oracle");
    gp_market_free(m);
}

static void share_texts(void **state)
{
    (void)state;
    gp_market *m = load(SHARES, NULL, NULL);
    char buf[64];
    assert_string_equal(gp_share_text(gp_market_share(m, 0), buf, sizeof(buf)), "30%");
    assert_string_equal(gp_share_text(gp_market_share(m, 2), buf, sizeof(buf)), "10-12%");
    assert_string_equal(gp_share_text(gp_market_share(m, 3), buf, sizeof(buf)), "$100B");
    assert_string_equal(gp_share_text(gp_market_share(m, 10), buf, sizeof(buf)), "<3%");

    /* Q1: Synergy's AWS 30% and Canalys's 35% do not overlap; Google's
     * 10-12% and 10% do. */
    const gp_period both[] = {{2025, 1}, {2025, 2}};
    gp_share_filter f = {both, 2, NULL, 0, NULL, 0};
    char dis[256];
    assert_int_equal(gp_market_share_disagreements(m, &f, both[0], dis, sizeof(dis)), 1);
    assert_string_equal(dis, "AWS: synergy 30%, canalys 35%");
    /* Two quotes within one series are not two sources disagreeing. */
    assert_int_equal(gp_market_share_disagreements(m, &f, both[1], dis, sizeof(dis)), 0);
    assert_string_equal(dis, "");
    /* Only Synergy selected: nothing to disagree with. */
    const char *const synergy[] = {"synergy"};
    gp_share_filter one = {both, 2, synergy, 1, NULL, 0};
    assert_int_equal(gp_market_share_disagreements(m, &one, both[0], dis, sizeof(dis)), 0);

    /* Q1 synergy, Q1 canalys, Q2 synergy (Q2 has no Canalys figure). */
    gp_share_summary s[8];
    assert_int_equal(gp_market_share_summaries(m, &f, s, 8), 3);
    assert_string_equal(s[1].series, "canalys");
    assert_true(gp_period_cmp(s[2].period, both[1]) == 0);
    assert_int_equal(gp_market_share_summaries(m, &one, s, 8), 2);
    assert_int_equal(gp_market_share_summaries(m, &f, s, 8), 3);
    char note[160];
    assert_string_equal(gp_share_summary_note(&s[0], note, sizeof(note)), "other series differ");
    assert_string_equal(gp_share_summary_note(&s[2], note, sizeof(note)),
                        "outlets quote it differently (range covers both); too few providers "
                        "named for an HHI");
    gp_share_summary quiet = {.providers = 3};
    assert_string_equal(gp_share_summary_note(&quiet, note, sizeof(note)), "");

    /* The chart's point: Synergy first; "under 3%" places nothing. */
    double lo, hi;
    assert_int_equal(gp_market_share_point(m, "AWS", both[0], &lo, &hi), 1);
    assert_close(lo, 30, 1e-12);
    assert_close(hi, 30, 1e-12);
    assert_int_equal(gp_market_share_point(m, "Oracle", both[1], &lo, &hi), 0);
    assert_true(isnan(lo) && isnan(hi));
    gp_market_free(m);
}

static void forecast_helpers(void **state)
{
    (void)state;
    int y = 0;
    assert_int_equal(gp_market_year_parse("2030", &y), 0);
    assert_int_equal(y, 2030);
    static const char *const BAD[] = {"1999", "2101", "20x4", "", "2030 "};
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++)
        if (gp_market_year_parse(BAD[i], &y) == 0)
            fail_msg("'%s' parsed as a year", BAD[i]);
    size_t n = 0;
    const char *const *scopes = gp_forecast_scope_names(&n);
    assert_int_equal(n, 4);
    assert_string_equal(scopes[3], "neocloud");

    gp_market *m = load(NULL, FORECASTS, NULL);
    const gp_forecast_row *given = gp_market_forecast(m, 0);
    /* 26.5% stated, (26.62/8.21)^(1/5) - 1 = 26.5% implied: they agree. */
    assert_false(gp_forecast_rate_differs(given));
    assert_false(gp_forecast_rate_differs(gp_market_forecast(m, 1))); /* computed */
    gp_forecast_row off = {.cagr = 0.30, .cagr_implied = 0.20};
    assert_true(gp_forecast_rate_differs(&off));
    const char *const gpuaas[] = {"GPUaaS"}, *const neo[] = {"neocloud"};
    assert_true(gp_forecast_in_scopes(given, NULL, 0));
    assert_true(gp_forecast_in_scopes(given, gpuaas, 1));
    assert_false(gp_forecast_in_scopes(given, neo, 1));

    /* 2025-2026: two gpuaas forecasts have values (Given Rate's 8.21 and
     * Computed Rate's 4.03 grown a year at its implied rate); the lone
     * neocloud forecast makes no spread, nor does Rate Only. */
    gp_forecast_spread sp[GP_FORECAST_SCOPES];
    assert_int_equal(gp_market_forecast_spreads(m, NULL, 0, 2025, 2, sp), 1);
    assert_string_equal(sp[0].scope, "gpuaas");
    assert_int_equal(sp[0].n[0], 2);
    double computed = 4.03 * pow(31.89 / 4.03, 0.1);
    assert_close(sp[0].low_usd_b[0], computed, 1e-9);
    assert_close(sp[0].high_usd_b[0], 8.21, 1e-12);
    assert_close(sp[0].median_usd_b[0], 0.5 * (computed + 8.21), 1e-9);
    assert_int_equal(gp_market_forecast_spreads(m, neo, 1, 2025, 2, sp), 0);
    /* Before either forecast's first figure: no values, no spread. */
    assert_int_equal(gp_market_forecast_spreads(m, NULL, 0, 2020, 2, sp), 0);
    gp_market_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hhi),
        cmocka_unit_test(cagr_and_projection),
        cmocka_unit_test(forecast_values),
        cmocka_unit_test(periods),
        cmocka_unit_test(share_summaries),
        cmocka_unit_test(forecasts),
        cmocka_unit_test(facts),
        cmocka_unit_test(malformed),
        cmocka_unit_test(embedded),
        cmocka_unit_test(series_expand),
        cmocka_unit_test(data_periods),
        cmocka_unit_test(share_selection),
        cmocka_unit_test(share_texts),
        cmocka_unit_test(forecast_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
