/* Price distributions, the hyperscaler premium and the market claims, on
 * small hand-made catalogs where each answer is known. */
#include "test_util.h"

#include "gpuplan/prices.h"

/* $/GPU-hour, 8-GPU instances unless said:
 *   hyperscaler H100: aws 5.50 (spot 1.10, 80% off), gcp 6.00, azure 7.00
 *     -> all inside $4-10: "holds"
 *   neocloud H100: lambda 3.00 (cheaper than hyperscalers)
 *   hyperscaler A100-80GB: aws 3.50
 *   neocloud A100-80GB: crusoe 4.50, nebius 5.00 (1 GPU), lambda 3.75
 *     -> none inside $1-3: "does not hold"; dearer than the hyperscaler
 *   spot: deepest 80% off -> "partly"
 *   neoclouds cheaper for H100 only, of 2 accelerators -> 50%: "partly" */
static const char CATALOG[] =
    "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,spot_usd_per_hour,"
    "source,as_of\n"
    "aws,hyperscaler,p5.48xlarge,us-east-1,H100,8,44,8.8,t,2026-11-01\n"
    "aws,hyperscaler,p5.48xlarge,us-west-2,H100,8,48,,t,2026-11-01\n"
    "gcp,hyperscaler,a3-highgpu-8g,us-central1,H100,8,48,,t,2026-11-01\n"
    "azure,hyperscaler,ND96isr_H100_v5,eastus,H100,8,56,,t,2026-11-01\n"
    "lambda,neocloud,gpu_8x_h100,us-west-1,H100,8,24,,t,2026-11-01\n"
    "aws,hyperscaler,p4de.24xlarge,us-east-1,A100-80GB,8,28,,t,2026-11-01\n"
    "crusoe,neocloud,a100-80gb.8x,us-east1,A100-80GB,8,36,,t,2026-11-01\n"
    "nebius,neocloud,1gpu-a100,eu-north1,A100-80GB,1,5,,t,2026-11-01\n"
    "lambda,neocloud,gpu_8x_a100_80gb,us-west-1,A100-80GB,8,30,,t,2026-11-01\n";

static gp_catalog *catalog(const char *csv)
{
    gp_catalog *cat = NULL;
    gp_error err;
    if (gp_catalog_new(&cat, &err) != GP_OK ||
        gp_catalog_add_gpuplan_buffer(cat, "fixture.csv", csv, strlen(csv), NULL, &err) != GP_OK)
        fail_msg("fixture: %s", err.message);
    return cat;
}

/* Quantiles of type 7 (linear between order statistics). */
static void stats(void **state)
{
    (void)state;
    double v[] = {10, 3, 7, 1, 9, 2, 8, 4, 6, 5};
    gp_price_stats s;
    gp_price_stats_of(v, 10, &s);
    assert_int_equal(s.n, 10);
    assert_close(s.min, 1, 1e-12);
    assert_close(s.max, 10, 1e-12);
    assert_close(s.median, 5.5, 1e-12);
    assert_close(s.p90, 9.1, 1e-12); /* h = 9 x 0.9 = 8.1: 9 + 0.1 x (10 - 9) */
    double one[] = {4.2};
    gp_price_stats_of(one, 1, &s);
    assert_close(s.median, 4.2, 1e-12);
    assert_close(s.p90, 4.2, 1e-12);
    gp_price_stats_of(NULL, 0, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.median));
}

static const gp_price_group *group(const gp_price_group *g, size_t n, const char *gpu,
                                   int kind, const char *provider)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(g[i].gpu, gpu) &&
            (provider ? g[i].provider && !strcmp(g[i].provider, provider) : g[i].kind == kind))
            return &g[i];
    return NULL;
}

static void groups_and_premium(void **state)
{
    (void)state;
    gp_catalog *cat = catalog(CATALOG);
    gp_price_group *g = NULL;
    size_t n = 0;
    gp_error err;
    assert_int_equal(gp_price_groups(cat, NULL, 0, &g, &n, &err), GP_OK);
    /* H100 and A100-80GB, each hyperscaler and neocloud. */
    assert_int_equal(n, 4);
    const gp_price_group *h = group(g, n, "H100", GP_KIND_HYPERSCALER, NULL);
    assert_non_null(h);
    /* aws counts once, at its cheaper region: 5.50, 6.00, 7.00. */
    assert_int_equal(h->on_demand.n, 3);
    assert_close(h->on_demand.min, 5.5, 1e-12);
    assert_close(h->on_demand.median, 6.0, 1e-12);
    assert_close(h->on_demand.max, 7.0, 1e-12);
    assert_int_equal(h->spot.n, 1);
    assert_close(h->spot.median, 1.1, 1e-12);
    const gp_price_group *a = group(g, n, "A100-80GB", GP_KIND_NEOCLOUD, NULL);
    assert_int_equal(a->on_demand.n, 3);
    assert_close(a->on_demand.median, 4.5, 1e-12);
    /* Premium: median hyperscaler / median neocloud. */
    assert_close(gp_price_premium(g, n, "H100"), 6.0 / 3.0, 1e-12);
    assert_close(gp_price_premium(g, n, "A100-80GB"), 3.5 / 4.5, 1e-12);
    assert_true(isnan(gp_price_premium(g, n, "B200")));
    free(g);

    assert_int_equal(gp_price_groups(cat, NULL, 1, &g, &n, &err), GP_OK);
    const gp_price_group *lam = group(g, n, "H100", -1, "lambda");
    assert_non_null(lam);
    assert_int_equal(lam->kind, -1);
    assert_close(lam->on_demand.median, 3.0, 1e-12);
    free(g);

    gp_price_point *p = NULL;
    assert_int_equal(gp_price_points(cat, NULL, 1, &p, &n, &err), GP_OK);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].provider, "aws");
    assert_close(p[0].usd, 1.1, 1e-12);
    free(p);
    gp_catalog_free(cat);
}

static const gp_claim *claim(const gp_claim *c, const char *id)
{
    for (int i = 0; i < GP_CLAIMS; i++)
        if (!strcmp(c[i].id, id))
            return &c[i];
    fail_msg("no claim %s", id);
    return NULL;
}

static void claims_fixture(void **state)
{
    (void)state;
    gp_catalog *cat = catalog(CATALOG);
    gp_claim c[GP_CLAIMS];
    gp_error err;
    assert_int_equal(gp_price_claims(cat, c, &err), GP_OK);
    assert_int_equal(claim(c, "hyperscaler-h100")->verdict, GP_VERDICT_HOLDS);
    assert_non_null(strstr(claim(c, "hyperscaler-h100")->evidence, "3 of 3"));
    assert_int_equal(claim(c, "neocloud-a100")->verdict, GP_VERDICT_DOES_NOT_HOLD);
    assert_non_null(strstr(claim(c, "neocloud-a100")->evidence, "0 of 3"));
    assert_int_equal(claim(c, "spot-90")->verdict, GP_VERDICT_PARTLY);
    assert_non_null(strstr(claim(c, "spot-90")->evidence, "80%"));
    assert_int_equal(claim(c, "neocloud-cheaper")->verdict, GP_VERDICT_PARTLY);
    assert_non_null(strstr(claim(c, "neocloud-cheaper")->evidence, "1 of 2"));
    assert_int_equal(claim(c, "h100-stock")->verdict, GP_VERDICT_NO_DATA);
    gp_catalog_free(cat);
}

/* A catalog with nothing the claims need: every verdict is "no data". */
static void claims_without_data(void **state)
{
    (void)state;
    gp_catalog *cat =
        catalog("provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,source,as_of\n"
                "runpod,neocloud,l4,us,L4,1,0.5,t,2026-11-01\n");
    gp_claim c[GP_CLAIMS];
    gp_error err;
    assert_int_equal(gp_price_claims(cat, c, &err), GP_OK);
    for (int i = 0; i < GP_CLAIMS; i++) {
        if (c[i].verdict != GP_VERDICT_NO_DATA)
            fail_msg("%s: %s, expected no data", c[i].id, gp_verdict_name(c[i].verdict));
        assert_true(c[i].evidence[0] != '\0');
    }
    gp_catalog_free(cat);
}

/* Spot at 95% off in a band of its own: the verdict moves with the data. */
static void spot_verdicts(void **state)
{
    (void)state;
    gp_catalog *cat =
        catalog("provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,"
                "spot_usd_per_hour,source,as_of\n"
                "aws,hyperscaler,g5.xlarge,us-east-1,A10G,1,1.00,0.11,t,2026-11-01\n");
    gp_claim c[GP_CLAIMS];
    gp_error err;
    assert_int_equal(gp_price_claims(cat, c, &err), GP_OK);
    assert_int_equal(claim(c, "spot-90")->verdict, GP_VERDICT_HOLDS); /* 89% */
    gp_catalog_free(cat);
    cat = catalog("provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,"
                  "spot_usd_per_hour,source,as_of\n"
                  "aws,hyperscaler,g5.xlarge,us-east-1,A10G,1,1.00,0.60,t,2026-11-01\n");
    assert_int_equal(gp_price_claims(cat, c, &err), GP_OK);
    assert_int_equal(claim(c, "spot-90")->verdict, GP_VERDICT_DOES_NOT_HOLD); /* 40% */
    gp_catalog_free(cat);
}

/* What the prices view asks of the groups: several --gpu (each group
 * once), names, accelerators, kind medians and a group's values. */
static void group_helpers(void **state)
{
    (void)state;
    gp_catalog *cat = catalog(CATALOG);
    gp_error err;
    gp_gpu_match m[3];
    const char *const names[] = {"H100", "H100*", "h100"};
    for (int i = 0; i < 3; i++)
        if (gp_gpu_match_resolve(cat, names[i], &m[i], &err) != GP_OK)
            fail_msg("%s: %s", names[i], err.message);
    gp_price_group *g = NULL;
    size_t n = 0;
    /* Three names for one accelerator: its two kinds, once each. */
    assert_int_equal(gp_price_groups_for(cat, NULL, m, 3, 0, &g, &n, &err), GP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(g[0].gpu, "H100");
    assert_string_equal(g[1].gpu, "H100");
    assert_int_not_equal(g[0].kind, g[1].kind);
    free(g);
    /* In the order of the names, not the accelerators'. */
    gp_gpu_match two[2];
    assert_int_equal(gp_gpu_match_resolve(cat, "H100", &two[0], &err), GP_OK);
    assert_int_equal(gp_gpu_match_resolve(cat, "A100-80GB", &two[1], &err), GP_OK);
    assert_int_equal(gp_price_groups_for(cat, NULL, two, 2, 0, &g, &n, &err), GP_OK);
    assert_int_equal(n, 4);
    assert_string_equal(g[0].gpu, "H100");
    assert_string_equal(g[3].gpu, "A100-80GB");
    free(g);

    assert_int_equal(gp_price_groups_for(cat, NULL, NULL, 0, 0, &g, &n, &err), GP_OK);
    assert_int_equal(n, 4);
    const char *gpus[8];
    assert_int_equal(gp_price_group_gpus(g, n, gpus, 8), 2);
    assert_string_equal(gpus[0], "A100-80GB");
    assert_string_equal(gpus[1], "H100");
    assert_int_equal(gp_price_group_gpus(g, n, gpus, 1), 1);
    assert_close(gp_price_kind_median(g, n, "H100", GP_KIND_HYPERSCALER), 6.0, 1e-12);
    assert_close(gp_price_kind_median(g, n, "H100", GP_KIND_NEOCLOUD), 3.0, 1e-12);
    assert_true(isnan(gp_price_kind_median(g, n, "H100", GP_KIND_MARKETPLACE)));
    assert_true(isnan(gp_price_kind_median(g, n, "B200", GP_KIND_HYPERSCALER)));
    const gp_price_group *h = group(g, n, "H100", GP_KIND_HYPERSCALER, NULL);
    assert_string_equal(gp_price_group_name(h), "hyperscaler");

    /* Its values among all on-demand points: aws 5.50, gcp 6.00, azure
     * 7.00 (aws at its cheaper region only). */
    gp_price_point *p = NULL;
    size_t np = 0;
    assert_int_equal(gp_price_points(cat, NULL, 0, &p, &np, &err), GP_OK);
    double v[8];
    assert_int_equal(gp_price_group_values(h, p, np, v, 8), 3);
    assert_close(v[0], 5.5, 1e-12);
    assert_close(v[1], 6.0, 1e-12);
    assert_close(v[2], 7.0, 1e-12);
    assert_int_equal(gp_price_group_values(h, p, np, v, 2), 2);
    free(g);

    assert_int_equal(gp_price_groups(cat, NULL, 1, &g, &n, &err), GP_OK);
    const gp_price_group *lam = group(g, n, "A100-80GB", -1, "lambda");
    assert_string_equal(gp_price_group_name(lam), "lambda");
    assert_int_equal(gp_price_group_values(lam, p, np, v, 8), 1);
    assert_close(v[0], 3.75, 1e-12);
    free(g);
    free(p);
    gp_catalog_free(cat);
}

static void provider_summaries(void **state)
{
    (void)state;
    gp_catalog *cat = catalog(CATALOG);
    gp_provider_summary *s = NULL;
    size_t n = 0;
    gp_error err;
    assert_int_equal(gp_price_provider_summaries(cat, &s, &n, &err), GP_OK);
    /* By kind, then name. */
    assert_int_equal(n, 6);
    static const char *const ORDER[] = {"aws", "azure", "gcp", "crusoe", "lambda", "nebius"};
    for (size_t i = 0; i < n; i++)
        assert_string_equal(s[i].provider, ORDER[i]);
    const gp_provider_summary *aws = &s[0];
    assert_int_equal(aws->kind, GP_KIND_HYPERSCALER);
    assert_int_equal(aws->offers, 3);         /* p5 twice, p4de */
    assert_int_equal(aws->instance_types, 2); /* p5.48xlarge, p4de.24xlarge */
    assert_int_equal(aws->regions, 2);        /* us-east-1, us-west-2 */
    assert_int_equal(aws->accelerator_count, 2);
    assert_string_equal(aws->accelerators, "H100 A100-80GB");
    assert_non_null(aws->cheapest_h100);
    assert_string_equal(aws->cheapest_h100->region, "us-east-1"); /* $44/8 = $5.50 */
    assert_close(gp_offer_usd_per_gpu_hour(aws->cheapest_a100), 3.5, 1e-12);
    assert_int_equal(aws->spot_offers, 1);
    assert_close(aws->spot_max_discount, 0.8, 1e-12); /* 8.8 of 44 */
    const gp_provider_summary *nebius = &s[5];
    assert_null(nebius->cheapest_h100);
    assert_close(gp_offer_usd_per_gpu_hour(nebius->cheapest_a100), 5.0, 1e-12);
    assert_int_equal(nebius->spot_offers, 0);
    assert_true(isnan(nebius->spot_max_discount));
    free(s);
    gp_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats),
        cmocka_unit_test(groups_and_premium),
        cmocka_unit_test(claims_fixture),
        cmocka_unit_test(claims_without_data),
        cmocka_unit_test(spot_verdicts),
        cmocka_unit_test(group_helpers),
        cmocka_unit_test(provider_summaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
