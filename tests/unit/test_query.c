/* Filtering, grouping and ordering offers; GPU name matching. */
#include "test_util.h"

#include "gpuplan/gpus.h"
#include "gpuplan/query.h"

static gp_catalog *cat;

/* A small catalog whose answers are known by hand. */
static const char *FIXTURE =
    "provider,kind,instance_type,region,zone,gpu,gpu_count,gpu_mem_gb,"
    "usd_per_hour,spot_usd_per_hour\n"
    "alpha,hyperscaler,big8,us-east-1,us-east-1a,H100,8,80,40.0,12.0\n"
    "alpha,hyperscaler,big8,us-east-1,us-east-1b,H100,8,80,40.0,10.0\n"
    "alpha,hyperscaler,big8,eu-west-1,,H100,8,80,44.0,\n"
    "alpha,hyperscaler,one,us-east-1,,H100,1,80,6.0,\n"
    "beta,neocloud,h8,us-tx,,H100,8,80,24.0,16.0\n"
    "beta,neocloud,a8,us-tx,,A100-80GB,8,80,12.0,\n"
    "beta,neocloud,l1,us-tx,,L40,1,48,0.9,\n"
    "gamma,marketplace,pcie,eu,,H100-PCIe,1,80,2.0,1.0\n"
    "gamma,marketplace,t4,eu,,T4,4,16,1.2,\n";

static int setup(void **state)
{
    (void)state;
    gp_error err;
    if (gp_catalog_new(&cat, &err) != GP_OK)
        return -1;
    return gp_catalog_add_gpuplan_buffer(cat, "fixture.csv", FIXTURE, strlen(FIXTURE),
                                         NULL, &err) == GP_OK
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    gp_catalog_free(cat);
    return 0;
}

static size_t select_rows(const gp_offer_filter *f, gp_offer_sort sort,
                          gp_offer_group group, gp_offer_row **rows)
{
    size_t n = 0;
    gp_error err;
    assert_int_equal(gp_offer_select(cat, f, sort, group, rows, &n, &err), GP_OK);
    return n;
}

static void cheapest_region_per_instance(void **state)
{
    (void)state;
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    gp_gpu_match m;
    gp_error err;
    assert_int_equal(gp_gpu_match_resolve(cat, "h100-sxm", &m, &err), GP_OK);
    f.gpu = &m;
    gp_offer_row *rows = NULL;
    size_t n = select_rows(&f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows);
    /* beta h8 $3/GPU-h, alpha big8 $5 (us-east-1 beats eu-west-1's $5.5),
     * alpha one $6; H100-PCIe is another accelerator */
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].offer->instance_type, "h8");
    assert_string_equal(rows[1].offer->instance_type, "big8");
    assert_string_equal(rows[1].offer->region, "us-east-1");
    assert_int_equal(rows[1].rows, 3);
    assert_string_equal(rows[2].offer->instance_type, "one");
    free(rows);
    n = select_rows(&f, GP_SORT_GPU_PRICE, GP_GROUP_NONE, &rows);
    assert_int_equal(n, 5);
    free(rows);
}

static void spot_sort_and_count(void **state)
{
    (void)state;
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    f.spot_only = 1;
    gp_offer_row *rows = NULL;
    size_t n = select_rows(&f, GP_SORT_SPOT_PRICE, GP_GROUP_INSTANCE, &rows);
    /* gamma pcie $1.00, alpha big8 $1.25 (zone b), beta h8 $2.00 */
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].offer->instance_type, "pcie");
    assert_string_equal(rows[1].offer->zone, "us-east-1b");
    assert_string_equal(rows[2].offer->provider, "beta");
    free(rows);
    gp_offer_filter_init(&f);
    f.min_gpus_per_instance = 8;
    n = select_rows(&f, GP_SORT_PRICE, GP_GROUP_INSTANCE, &rows);
    assert_int_equal(n, 3); /* a8 $12, h8 $24, big8 $40 */
    assert_true(rows[0].offer->usd_per_hour == 12.0);
    assert_true(rows[2].offer->usd_per_hour == 40.0);
    free(rows);
}

static void filters(void **state)
{
    (void)state;
    gp_offer_filter f;
    gp_offer_row *rows = NULL;
    gp_offer_filter_init(&f);
    const char *provs[] = {"GAMMA"};
    f.providers = provs;
    f.nproviders = 1;
    assert_int_equal(select_rows(&f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows), 2);
    free(rows);
    gp_offer_filter_init(&f);
    f.exclude = provs;
    f.nexclude = 1;
    f.kind = GP_KIND_NEOCLOUD;
    assert_int_equal(select_rows(&f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows), 3);
    free(rows);
    gp_offer_filter_init(&f);
    f.region_glob = "us-*";
    f.max_usd_per_gpu_hour = 3.0;
    /* us regions at <= $3/GPU-h: beta h8 3.0, a8 1.5, l1 0.9 */
    assert_int_equal(select_rows(&f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows), 3);
    free(rows);
    gp_offer_filter_init(&f);
    f.min_gpu_mem_gb = 48;
    assert_int_equal(select_rows(&f, GP_SORT_GPU_PRICE, GP_GROUP_PROVIDER, &rows), 3);
    assert_string_equal(rows[0].offer->instance_type, "l1"); /* beta's cheapest */
    free(rows);
}

static void pflop_sort_puts_unknowns_last(void **state)
{
    (void)state;
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    gp_offer_row *rows = NULL;
    size_t n = select_rows(&f, GP_SORT_PFLOP_PRICE, GP_GROUP_INSTANCE, &rows);
    assert_int_equal(n, 7);
    /* L40 has no specs: no $/PFLOP-h, so it sorts last */
    assert_string_equal(rows[n - 1].offer->gpu, "L40");
    for (size_t i = 1; i + 1 < n; i++)
        assert_true(gp_offer_sort_key(rows[i - 1].offer, GP_SORT_PFLOP_PRICE) <=
                    gp_offer_sort_key(rows[i].offer, GP_SORT_PFLOP_PRICE));
    /* A100-80GB at $1.5/GPU-h and 312 TFLOPS bf16 */
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].offer->gpu, "A100-80GB") == 0)
            assert_close(gp_offer_sort_key(rows[i].offer, GP_SORT_PFLOP_PRICE),
                         1.5 / 0.312, 1e-12);
    free(rows);
}

static void gpu_names(void **state)
{
    (void)state;
    gp_gpu_match m;
    gp_error err;
    assert_int_equal(gp_gpu_match_resolve(cat, "l40", &m, &err), GP_OK);
    assert_null(m.accel);
    assert_string_equal(m.model_key, "l40");
    assert_int_equal(gp_gpu_match_resolve(cat, "H100*", &m, &err), GP_OK);
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    f.gpu = &m;
    gp_offer_row *rows = NULL;
    assert_int_equal(select_rows(&f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows), 4);
    free(rows);
    gp_error_clear(&err);
    assert_int_equal(gp_gpu_match_resolve(cat, "H10", &m, &err), GP_ENOTFOUND);
    assert_non_null(strstr(err.message, "did you mean"));
    assert_non_null(strstr(err.message, "H100"));
    assert_int_equal(gp_gpu_match_resolve(cat, "zzzzzzzz", &m, &err), GP_ENOTFOUND);
    assert_null(strstr(err.message, "did you mean"));
}

static void summaries(void **state)
{
    (void)state;
    gp_gpu_summary *s = NULL;
    size_t n = 0;
    gp_error err;
    assert_int_equal(gp_gpu_summaries(cat, &s, &n, &err), GP_OK);
    const gp_gpu_summary *h100 = NULL, *l40 = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s[i].gpu, "H100") == 0)
            h100 = &s[i];
        if (strcmp(s[i].gpu, "L40") == 0)
            l40 = &s[i];
    }
    assert_non_null(h100);
    assert_int_equal(h100->providers, 2);
    assert_int_equal(h100->offers, 3);      /* big8 counted once */
    assert_true(h100->min_usd_per_gpu_hour == 3.0);
    assert_true(h100->median_usd_per_gpu_hour == 5.0); /* of 3, 5, 6 */
    assert_int_equal(h100->spot_offers, 2);
    assert_true(h100->min_spot_usd_per_gpu_hour == 1.25);
    assert_non_null(l40);
    assert_null(l40->accel);
    free(s);
}

/* What a price means (data/pricing-kinds.csv): Mithril's SkyPilot rows
 * carry its auction floor in both columns, Vast's SpotPrice is its minimum
 * bid. Floors sort after every real price, are never spot offers, and a
 * spot quote at or above on-demand is not a spot offer either. */
static void floors_and_false_spot(void **state)
{
    (void)state;
    static const char MITHRIL[] =
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,"
        "Region,GpuInfo\n"
        "h100.8x,H100,8,168,1814,8.0,8.0,us-central1-b,\n";
    static const char VAST[] =
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,"
        "Region,GpuInfo\n"
        "8x-H100,H100,8,128,1000,20.0,9.0,US,\n";
    static const char RUNPOD[] =
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,"
        "Region,GpuInfo\n"
        "8x_H100_SECURE,H100,8,128,1000,24.0,24.0,US,\n";
    gp_catalog *c = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&c, &err), GP_OK);
    assert_int_equal(gp_catalog_add_skypilot_buffer(c, "mithril/vms.csv", "mithril", MITHRIL,
                                                    strlen(MITHRIL), NULL, &err),
                     GP_OK);
    assert_int_equal(gp_catalog_add_skypilot_buffer(c, "vast/vms.csv", "vast", VAST,
                                                    strlen(VAST), NULL, &err),
                     GP_OK);
    assert_int_equal(gp_catalog_add_skypilot_buffer(c, "runpod/vms.csv", "runpod", RUNPOD,
                                                    strlen(RUNPOD), NULL, &err),
                     GP_OK);
    const gp_offer *m = NULL, *v = NULL, *r = NULL;
    for (size_t i = 0; i < gp_catalog_offer_count(c); i++) {
        const gp_offer *o = &gp_catalog_offers(c)[i];
        if (!strcmp(o->provider, "mithril")) m = o;
        if (!strcmp(o->provider, "vast")) v = o;
        if (!strcmp(o->provider, "runpod")) r = o;
    }
    assert_non_null(m);
    assert_non_null(v);
    assert_non_null(r);
    assert_int_equal(gp_offer_price_kind(m), GP_PRICING_AUCTION_FLOOR);
    assert_int_equal(gp_offer_spot_kind(m), GP_PRICING_AUCTION_FLOOR);
    assert_false(gp_offer_has_on_demand(m));
    assert_false(gp_offer_has_spot(m));
    assert_int_equal(gp_offer_price_kind(v), GP_PRICING_ON_DEMAND);
    assert_int_equal(gp_offer_spot_kind(v), GP_PRICING_AUCTION_FLOOR);
    assert_true(gp_offer_has_on_demand(v));
    assert_false(gp_offer_has_spot(v)); /* a minimum bid, not a spot price */
    assert_false(gp_offer_has_spot(r)); /* spot = on-demand saves nothing */
    assert_string_equal(gp_pricing_kind_name(GP_PRICING_AUCTION_FLOOR), "auction-floor");
    assert_string_equal(gp_pricing_kind_label(GP_PRICING_AUCTION_FLOOR), "floor");

    /* The floor ($1.00/GPU-h) is the lowest price, yet sorts after the two
     * real ones ($2.50 and $3.00). */
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    gp_offer_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(gp_offer_select(c, &f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows, &n,
                                     &err),
                     GP_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].offer->provider, "vast");
    assert_string_equal(rows[1].offer->provider, "runpod");
    assert_string_equal(rows[2].offer->provider, "mithril");
    free(rows);
    /* No spot offers among the three. */
    f.spot_only = 1;
    assert_int_equal(gp_offer_select(c, &f, GP_SORT_SPOT_PRICE, GP_GROUP_INSTANCE, &rows, &n,
                                     &err),
                     GP_OK);
    assert_int_equal(n, 0);
    gp_catalog_free(c);
}

static void edit_distance(void **state)
{
    (void)state;
    assert_int_equal(gp_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(gp_edit_distance("H100", "h100"), 0);
    assert_int_equal(gp_edit_distance("", "abc"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cheapest_region_per_instance),
        cmocka_unit_test(spot_sort_and_count),
        cmocka_unit_test(filters),
        cmocka_unit_test(pflop_sort_puts_unknowns_last),
        cmocka_unit_test(gpu_names),
        cmocka_unit_test(summaries),
        cmocka_unit_test(floors_and_false_spot),
        cmocka_unit_test(edit_distance),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
