/* Accelerator specs and the name normaliser. */
#include "test_util.h"

#include "gpuplan/accel.h"

static gp_accel_table *table;

static int setup(void **state)
{
    (void)state;
    gp_error err;
    return gp_accel_table_load_default(&table, &err) == GP_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gp_accel_table_free(table);
    return 0;
}

static const char *resolve(const char *raw, const char *hint, double mem)
{
    const gp_accel *a = gp_accel_resolve(table, raw, hint, mem, NULL);
    return a ? a->name : "(none)";
}

static void table_from_data(void **state)
{
    (void)state;
    /* 30 rows in data/accelerators.csv (H800 added for issue 10);
     * spot-check numbers from it. */
    assert_int_equal(gp_accel_table_count(table), 30);
    const gp_accel *h100 = gp_accel_find(table, "h100");
    assert_non_null(h100);
    assert_true(h100->tflops[GP_PREC_BF16] == 989);
    assert_true(h100->memory_gb == 80);
    assert_true(h100->mem_bw_gbps == 3350);
    assert_true(h100->intra_node_bw_unidir_gbps == 450);
    assert_non_null(strstr(h100->source, "stas00/ml-engineering"));
    const gp_accel *v100 = gp_accel_find(table, "V100");
    assert_true(isnan(v100->tflops[GP_PREC_BF16])); /* Volta has no bf16 */
    assert_true(v100->tflops[GP_PREC_FP16] == 125);
}

static void spellings(void **state)
{
    (void)state;
    struct {
        const char *raw, *hint;
        double mem;
        const char *want;
    } cases[] = {
        {"H100", NULL, NAN, "H100"},
        {"h100", NULL, NAN, "H100"},
        {"H100-SXM", NULL, NAN, "H100"},
        {"H100-80GB", NULL, NAN, "H100"},
        {"H100-MEGA", NULL, NAN, "H100"},
        {"NVIDIA-H100-80GB-HBM3", NULL, NAN, "H100"},
        {"NVIDIA H100 80GB HBM3", NULL, NAN, "H100"},
        {"H100_PCIE_80GB", NULL, NAN, "H100-PCIe"},
        {"NVIDIA H100 PCIe", NULL, NAN, "H100-PCIe"},
        {"h100 nvl", NULL, NAN, "H100-NVL"},
        {"H100", "gpu_1x_h100_pcie", NAN, "H100-PCIe"},
        {"H100", "epyc-genoa-h100-nvl-pcie_1x2v4gb", 94.0, "H100-NVL"},
        {"H100", NULL, 94.0, "H100-NVL"},
        {"A100", NULL, NAN, "A100"},
        {"A100-40GB", NULL, NAN, "A100"},
        {"A100", NULL, 80.0, "A100-80GB"},
        {"A100-80G", NULL, NAN, "A100-80GB"},
        {"NVIDIA A100-SXM4-80GB", NULL, NAN, "A100-80GB"},
        {"NVIDIA A100 80GB PCIe", NULL, NAN, "A100-80GB-PCIe"},
        {"A100-80GB-SXM", NULL, NAN, "A100-80GB"},
        {"RTXA6000", NULL, NAN, "A6000"},
        {"NVIDIA RTX A6000", NULL, NAN, "A6000"},
        {"nvidia geforce rtx 4090", NULL, NAN, "RTX4090"},
        {"Tesla V100-SXM2-16GB", NULL, NAN, "V100"},
        {"L40S", "gpu-l40s-a_1gpu-8vcpu-32gb", NAN, "L40S"},
        {"AMD MI300X", NULL, NAN, "MI300X"},
        {"Trainium", NULL, NAN, "Trainium1"},
        {"H200-SXM", NULL, NAN, "H200"},
        {"B200", NULL, 180.0, "B200"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = resolve(cases[i].raw, cases[i].hint, cases[i].mem);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("'%s' (hint %s, mem %g) -> %s, expected %s", cases[i].raw,
                     cases[i].hint ? cases[i].hint : "-", cases[i].mem, got,
                     cases[i].want);
    }
}

static void never_a_guess(void **state)
{
    (void)state;
    /* Variants without specs, ambiguous forms, unknown names: NULL. */
    const char *none[] = {"V100-32GB", "V100-PCIe", "H100-NVLink", "A100 PCIe 40GB",
                          "L40", "A40", "Gaudi HL-205", "", "GPU", "NVIDIA"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        if (gp_accel_resolve(table, none[i], NULL, NAN, NULL))
            fail_msg("'%s' resolved to %s", none[i],
                     gp_accel_resolve(table, none[i], NULL, NAN, NULL)->name);
}

static void wrong_reported_memory_is_ignored(void **state)
{
    (void)state;
    /* nebius reports host RAM (200 GB) as GPU memory: the name still
     * resolves, and the caller learns the figure was ignored. */
    int ignored = 0;
    const gp_accel *a = gp_accel_resolve(table, "H100", NULL, 200.0, &ignored);
    assert_non_null(a);
    assert_string_equal(a->name, "H100");
    assert_int_equal(ignored, 1);
    /* Memory stated in the name is not ignored: it names a variant. */
    assert_null(gp_accel_resolve(table, "H100-200GB", NULL, NAN, NULL));
}

static void tpu_slices(void **state)
{
    (void)state;
    char name[32];
    double chips = 0;
    /* v5p names count TensorCores, two per chip (GCP: v5p-32 = 16 chips) */
    assert_int_equal(gp_accel_tpu_slice("tpu-v5p-32", name, sizeof(name), &chips), 1);
    assert_string_equal(name, "TPU-v5p");
    assert_true(chips == 16);
    assert_int_equal(gp_accel_tpu_slice("tpu-v4-8", name, sizeof(name), &chips), 1);
    assert_true(chips == 4);
    /* v5e ("v5litepod") and v6e count chips */
    assert_int_equal(gp_accel_tpu_slice("tpu-v5litepod-16", name, sizeof(name), &chips), 1);
    assert_string_equal(name, "TPU-v5e");
    assert_true(chips == 16);
    assert_int_equal(gp_accel_tpu_slice("tpu-v6e-8", name, sizeof(name), &chips), 1);
    assert_true(chips == 8);
    assert_int_equal(gp_accel_tpu_slice("H100", name, sizeof(name), &chips), 0);
    assert_int_equal(gp_accel_tpu_slice("TPU-v5p", name, sizeof(name), &chips), 0);
}

/* Bug: the slice size was read with atoi, undefined past INT_MAX (a
 * crafted "tpu-v5p-99999999999" gave garbage, even a negative count). Sizes
 * above 1,000,000 are not a TPU slice. */
static void tpu_slice_count_overflow(void **state)
{
    (void)state;
    char name[32];
    double chips = -1;
    assert_int_equal(gp_accel_tpu_slice("tpu-v5p-99999999999", name, sizeof(name), &chips), 0);
    assert_int_equal(gp_accel_tpu_slice("tpu-v5p-4294967328", name, sizeof(name), &chips), 0);
    assert_int_equal(gp_accel_tpu_slice("tpu-v5p-1000001", name, sizeof(name), &chips), 0);
    assert_true(chips == -1); /* untouched when not a slice */
    assert_int_equal(gp_accel_tpu_slice("tpu-v5p-1000000", name, sizeof(name), &chips), 1);
    assert_true(chips == 500000);
    /* large slices read as before: TensorCores / 2 for v5p */
    assert_int_equal(gp_accel_tpu_slice("tpu-v5p-12288", name, sizeof(name), &chips), 1);
    assert_true(chips == 6144);
    gp_accel_name n;
    gp_accel_name_parse("tpu-v4-99999999999999999999", &n);
    assert_int_equal(n.tpu_cores, 0);
    gp_accel_name_parse("tpu-v4-8x", &n); /* not a count: not a slice */
    assert_int_equal(n.tpu_cores, 0);
}

static void name_parts(void **state)
{
    (void)state;
    gp_accel_name n;
    gp_accel_name_parse("NVIDIA-H100-80GB-HBM3", &n);
    assert_string_equal(n.model, "h100");
    assert_true(n.memory_gb == 80);
    assert_int_equal(n.form, GP_FORM_UNSTATED);
    gp_accel_name_parse("H100 NVL PCIe", &n);
    assert_int_equal(n.form, GP_FORM_NVL); /* the NVL is a PCIe card */
    gp_accel_name_parse("H100 SXM PCIe", &n);
    assert_int_equal(n.form, GP_FORM_AMBIGUOUS);
    char key[48];
    gp_accel_model_key("RTX 4090", key, sizeof(key));
    assert_string_equal(key, "rtx4090");
    gp_accel_model_key("RTX4000-Ada", key, sizeof(key));
    assert_string_equal(key, "rtx4000ada");
}

static void precision_names(void **state)
{
    (void)state;
    assert_int_equal(gp_precision_parse("BF16"), GP_PREC_BF16);
    assert_int_equal(gp_precision_parse("fp8"), GP_PREC_FP8);
    assert_int_equal(gp_precision_parse("int4"), -1);
    assert_string_equal(gp_precision_name(GP_PREC_TF32), "tf32");
}

static void bad_table(void **state)
{
    (void)state;
    gp_accel_table *t = NULL;
    gp_error err;
    const char *text = "name,memory_gb\nX,lots\n";
    assert_int_equal(gp_accel_table_load_buffer("t.csv", text, strlen(text), &t, &err),
                     GP_EDATA);
    assert_null(t);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.file, "t.csv");
    text = "vendor\nNVIDIA\n";
    assert_int_equal(gp_accel_table_load_buffer("t.csv", text, strlen(text), &t, &err),
                     GP_EDATA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_from_data),
        cmocka_unit_test(spellings),
        cmocka_unit_test(never_a_guess),
        cmocka_unit_test(wrong_reported_memory_is_ignored),
        cmocka_unit_test(tpu_slices),
        cmocka_unit_test(tpu_slice_count_overflow),
        cmocka_unit_test(name_parts),
        cmocka_unit_test(precision_names),
        cmocka_unit_test(bad_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
