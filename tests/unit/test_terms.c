/* Provider terms: egress tiers by hand, storage, reserved, spot rates. */
#include "test_util.h"

#include "gpuplan/terms.h"

static gp_terms *load(void)
{
    gp_terms *t = NULL;
    gp_error err;
    assert_int_equal(gp_terms_load_default(&t, &err), GP_OK);
    return t;
}

/* AWS (SkyPilot's model): first 1 GB free, 0.09 to 10 TB, 0.085 for the
 * next 40 TB, 0.07 for the next 100 TB, 0.05 above. */
static void aws_egress_tiers(void **state)
{
    (void)state;
    gp_terms *t = load();
    int known;
    assert_close(gp_terms_egress_usd(t, "aws", 0.5, &known), 0.0, 1e-12);
    assert_true(known);
    assert_close(gp_terms_egress_usd(t, "aws", 141, &known), 140 * 0.09, 1e-12);
    /* 20 TB: 9,999 GB at 0.09 + 10,000 GB at 0.085. */
    assert_close(gp_terms_egress_usd(t, "aws", 20000, &known), 9999 * 0.09 + 10000 * 0.085,
                 1e-12);
    /* 200 TB crosses every tier. */
    double want = 9999 * 0.09 + 40000 * 0.085 + 100000 * 0.07 + 50000 * 0.05;
    assert_close(gp_terms_egress_usd(t, "aws", 200000, &known), want, 1e-12);
    gp_terms_free(t);
}

static void other_egress(void **state)
{
    (void)state;
    gp_terms *t = load();
    int known;
    /* GCP: 0.12 up to 1 TB, 0.11 to 10 TB. */
    assert_close(gp_terms_egress_usd(t, "gcp", 2000, &known), 1000 * 0.12 + 1000 * 0.11, 1e-12);
    /* Azure: 100 GB free, then 0.087. */
    assert_close(gp_terms_egress_usd(t, "azure", 1100, &known), 1000 * 0.087, 1e-12);
    /* Free egress. */
    assert_close(gp_terms_egress_usd(t, "lambda", 1e6, &known), 0.0, 1e-12);
    assert_true(known);
    assert_close(gp_terms_egress_usd(t, "coreweave", 5000, &known), 0.0, 1e-12);
    /* OCI: the first 10 TB are free; beyond that the data has no price. */
    assert_close(gp_terms_egress_usd(t, "oci", 5000, &known), 0.0, 1e-12);
    assert_true(known);
    assert_true(isnan(gp_terms_egress_usd(t, "oci", 20000, &known)));
    assert_false(known);
    /* No data at all. */
    assert_true(isnan(gp_terms_egress_usd(t, "vast", 10, &known)));
    assert_false(known);
    gp_terms_free(t);
}

static void storage_and_reserved(void **state)
{
    (void)state;
    gp_terms *t = load();
    assert_close(gp_terms_storage_usd_per_gb_month(t, "aws"), 0.08, 1e-12);
    assert_close(gp_terms_storage_usd_per_gb_month(t, "coreweave"), 0.07, 1e-12);
    assert_true(isnan(gp_terms_storage_usd_per_gb_month(t, "azure")));
    gp_reserved_term r;
    assert_true(gp_terms_reserved(t, "aws", &r));
    assert_close(r.discount, 0.72, 1e-12);
    assert_close(r.term_months, 36, 1e-12);
    assert_true(gp_terms_reserved(t, "coreweave", &r));
    assert_true(r.term_months == 0);
    assert_false(gp_terms_reserved(t, "lambda", &r));
    gp_terms_free(t);
}

/* 15% a month -> -ln(0.85) / 730 per hour; fallbacks are labelled. */
static void spot_rates(void **state)
{
    (void)state;
    gp_terms *t = load();
    gp_spot_basis basis;
    const char *src = NULL;
    double r = gp_terms_spot_rate_per_node_hour(t, "aws", "H100", &basis, &src);
    assert_close(r, -log(0.85) / 730, 1e-12);
    assert_int_equal(basis, GP_SPOT_EXACT);
    assert_non_null(strstr(src, "p5"));
    r = gp_terms_spot_rate_per_node_hour(t, "aws", "H200", &basis, NULL);
    assert_close(r, -log(0.975) / 730, 1e-12);
    assert_int_equal(basis, GP_SPOT_PROVIDER_ANY);
    r = gp_terms_spot_rate_per_node_hour(t, "gcp", "A100", &basis, NULL);
    assert_close(r, -log(0.925) / 730, 1e-12);
    assert_int_equal(basis, GP_SPOT_PROXY);
    r = gp_terms_spot_rate_per_node_hour(t, "gcp", "TPU-v5e", &basis, NULL);
    assert_int_equal(basis, GP_SPOT_PROXY_ANY);
    assert_true(gp_terms_max_gpus(t, "voltage-park", "anything", NULL) == 1016);
    assert_true(gp_terms_max_gpus(t, "aws", "p5.48xlarge", NULL) == 0);
    gp_terms_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aws_egress_tiers),
        cmocka_unit_test(other_egress),
        cmocka_unit_test(storage_and_reserved),
        cmocka_unit_test(spot_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
