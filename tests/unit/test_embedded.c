/* The catalog compiled into the binary is exactly what the loaders make of
 * data/ at run time: same offers, sources and diagnostics, field by field. */
#include "test_util.h"

#include "gpuplan/catalog.h"

static int same_num(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void compiled_equals_loaded(void **state)
{
    (void)state;
    gp_catalog *emb = NULL, *run = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&emb, &err), GP_OK);
    assert_int_equal(gp_catalog_new(&run, &err), GP_OK);
    assert_int_equal(gp_catalog_add_embedded(emb, &err), GP_OK);
    gp_status st = gp_catalog_add_data_dir(run, src_path("data"), &err);
    if (st != GP_OK)
        fail_msg("%s:%ld: %s", err.file, err.line, err.message);
    assert_int_equal(gp_catalog_offer_count(emb), gp_catalog_offer_count(run));
    assert_true(gp_catalog_offer_count(emb) > 5000);
    const gp_offer *a = gp_catalog_offers(emb), *b = gp_catalog_offers(run);
    for (size_t i = 0; i < gp_catalog_offer_count(emb); i++) {
        assert_string_equal(a[i].provider, b[i].provider);
        assert_string_equal(a[i].instance_type, b[i].instance_type);
        assert_string_equal(a[i].region, b[i].region);
        assert_string_equal(a[i].zone, b[i].zone);
        assert_string_equal(a[i].gpu, b[i].gpu);
        assert_string_equal(a[i].gpu_raw, b[i].gpu_raw);
        assert_ptr_equal(a[i].accel ? a[i].accel->name : NULL,
                         b[i].accel ? a[i].accel->name : NULL);
        assert_true(same_num(a[i].gpu_count, b[i].gpu_count));
        assert_true(same_num(a[i].gpu_mem_gb, b[i].gpu_mem_gb));
        assert_true(same_num(a[i].vcpus, b[i].vcpus));
        assert_true(same_num(a[i].ram_gb, b[i].ram_gb));
        assert_true(same_num(a[i].usd_per_hour, b[i].usd_per_hour));
        assert_true(same_num(a[i].spot_usd_per_hour, b[i].spot_usd_per_hour));
        assert_true(same_num(a[i].fabric_gbps, b[i].fabric_gbps));
        assert_int_equal(a[i].kind, b[i].kind);
        assert_int_equal(a[i].fabric, b[i].fabric);
        assert_int_equal(a[i].flags, b[i].flags);
        assert_int_equal(a[i].line, b[i].line);
        assert_int_equal(a[i].source_index, b[i].source_index);
        assert_string_equal(a[i].source, b[i].source);
        assert_string_equal(a[i].as_of, b[i].as_of);
        /* notes may name a source file: the same file, by another name */
        char prefix[4200], want[1024];
        snprintf(prefix, sizeof(prefix), "%s/", src_path("data"));
        const char *at = strstr(b[i].notes, prefix);
        if (at)
            snprintf(want, sizeof(want), "%.*sembedded:%s", (int)(at - b[i].notes),
                     b[i].notes, at + strlen(prefix));
        else
            snprintf(want, sizeof(want), "%s", b[i].notes);
        assert_string_equal(a[i].notes, want);
    }
    assert_int_equal(gp_catalog_source_count(emb), gp_catalog_source_count(run));
    for (size_t i = 0; i < gp_catalog_source_count(emb); i++) {
        const gp_source *x = gp_catalog_source(emb, i), *y = gp_catalog_source(run, i);
        assert_non_null(strstr(x->name, "embedded:catalog/"));
        assert_non_null(strstr(y->name, strchr(x->name, ':') + 1));
        assert_int_equal(x->rows, y->rows);
        assert_int_equal(x->offers, y->offers);
        assert_int_equal(x->replaced, y->replaced);
        assert_int_equal(x->no_price, y->no_price);
        assert_true(x->embedded && y->embedded);
    }
    assert_int_equal(gp_catalog_diag_count(emb), gp_catalog_diag_count(run));
    for (size_t i = 0; i < gp_catalog_diag_count(emb); i++)
        assert_string_equal(gp_catalog_diag(emb, i)->message,
                            gp_catalog_diag(run, i)->message);
    gp_catalog_free(emb);
    gp_catalog_free(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(compiled_equals_loaded)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
