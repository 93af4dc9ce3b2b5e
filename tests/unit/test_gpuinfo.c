/* The GpuInfo reader, on every shape the SkyPilot catalogs use. */
#include "test_util.h"

#include "gpuplan/gpuinfo.h"

static gp_gpuinfo parse_ok(const char *text)
{
    gp_gpuinfo g;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_gpuinfo_parse(text, strlen(text), &g, &err);
    if (st != GP_OK)
        fail_msg("'%s': %s", text, err.message);
    return g;
}

static void python_dict(void **state)
{
    (void)state;
    /* AWS g5.12xlarge, v7 */
    gp_gpuinfo g = parse_ok(
        "{'Gpus': [{'Name': 'A10G', 'Manufacturer': 'NVIDIA', 'Count': 4, "
        "'MemoryInfo': {'SizeInMiB': 22888}}], 'TotalGpuMemoryInMiB': 91552}");
    assert_string_equal(g.name, "A10G");
    assert_string_equal(g.manufacturer, "NVIDIA");
    assert_true(g.count == 4);
    assert_true(g.memory_mib == 22888);
    assert_true(g.total_memory_mib == 91552);
    assert_false(g.is_bare);
}

static void v8_lists_and_strings(void **state)
{
    (void)state;
    /* AWS v8: Workloads lists; cudo: Count as a string '1.0' */
    gp_gpuinfo g = parse_ok(
        "{'Gpus': [{'Name': 'A10G', 'Manufacturer': 'NVIDIA', 'Count': 4, "
        "'LogicalGpuCount': 4, 'GpuPartitionSize': 1.0, 'Workloads': "
        "['ml-ai', 'graphics'], 'MemoryInfo': {'SizeInMiB': 22888}}], "
        "'TotalGpuMemoryInMiB': 91552}");
    assert_true(g.count == 4);
    assert_true(g.memory_mib == 22888);
    g = parse_ok("{'Gpus': [{'Name': 'H100', 'Manufacturer': 'NVIDIA', "
                 "'Count': '1.0', 'MemoryInfo': {'SizeInMiB': 96256}}], "
                 "'TotalGpuMemoryInMiB': 96256}");
    assert_true(g.count == 1.0);
    assert_true(g.memory_mib == 96256);
}

static void lower_case_keys_and_json(void **state)
{
    (void)state;
    /* DigitalOcean writes lower-case keys */
    gp_gpuinfo g = parse_ok("{'gpus': [{'name': 'h100', 'manufacturer': "
                            "'nvidia', 'count': 8.0, 'memoryinfo': "
                            "{'sizeinmib': 81559}}], 'totalgpumemoryinmib': 81559}");
    assert_string_equal(g.name, "h100");
    assert_true(g.count == 8);
    assert_true(g.memory_mib == 81559);
    /* primeintellect: JSON (the CSV layer already undid the doubled quotes) */
    g = parse_ok("{\"Gpus\":[{\"Name\":\"A100\",\"Count\":1,\"MemoryInfo\":"
                 "{\"SizeInMiB\":81920}}],\"TotalGpuMemoryInMiB\":81920}");
    assert_string_equal(g.name, "A100");
    assert_true(g.memory_mib == 81920);
}

static void gcp_neuron_bare_and_empty(void **state)
{
    (void)state;
    /* GCP accelerator rows: no name, no commas */
    gp_gpuinfo g = parse_ok("{'Gpus': [{'MemoryInfo': {'SizeInMiB': 40960}}]}");
    assert_string_equal(g.name, "");
    assert_true(g.memory_mib == 40960);
    assert_true(isnan(g.count));
    /* AWS Trainium: Neuron total */
    g = parse_ok("{'TotalNeuronDeviceMemoryInMiB': 32768, 'Gpus': [{'Count': 1, "
                 "'Name': 'Trainium', 'CoreInfo': {'Count': 2, 'Version': 2}, "
                 "'MemoryInfo': {'SizeInMiB': 32768}}]}");
    assert_string_equal(g.name, "Trainium");
    assert_true(g.count == 1); /* CoreInfo's Count must not win */
    assert_true(g.total_memory_mib == 32768);
    /* runpod/azure/paperspace: a bare name; GCP TPUs: the slice */
    g = parse_ok("A100-80GB");
    assert_string_equal(g.name, "A100-80GB");
    assert_true(g.is_bare);
    g = parse_ok("tpu-v5p-8");
    assert_string_equal(g.name, "tpu-v5p-8");
    g = parse_ok("");
    assert_string_equal(g.name, "");
    g = parse_ok("None");
    assert_string_equal(g.name, "");
    /* null values inside */
    g = parse_ok("{'Gpus': [{'Name': None, 'Count': null}]}");
    assert_string_equal(g.name, "");
    assert_true(isnan(g.count));
}

static void only_the_first_gpu_counts(void **state)
{
    (void)state;
    gp_gpuinfo g = parse_ok("{'Gpus': [{'Name': 'A', 'Count': 1}, {'Name': 'B', "
                            "'Count': 2}]}");
    assert_string_equal(g.name, "A");
    assert_true(g.count == 1);
}

static void malformed(void **state)
{
    (void)state;
    const char *bad[] = {
        "{'Gpus': [{'Name': 'A10G'}",      /* unterminated */
        "{'Gpus' [1]}",                    /* no colon */
        "{'Gpus': ['abc}",                 /* unterminated string */
        "{'a': 1} trailing",               /* text after the dict */
        "{'a': 1 'b': 2}",                 /* missing comma */
        "A100 {'x': 1}",                   /* name mixed with a dict */
        "{:}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        gp_gpuinfo g;
        gp_error err;
        gp_error_clear(&err);
        assert_int_equal(gp_gpuinfo_parse(bad[i], strlen(bad[i]), &g, &err),
                         GP_EDATA);
        assert_true(err.message[0]);
    }
    /* Deep nesting is refused, not recursed into without bound. */
    char deep[400];
    memset(deep, '[', 200);
    memset(deep + 200, ']', 200);
    char wrapped[420];
    snprintf(wrapped, sizeof(wrapped), "{'a': %.*s}", 400, deep);
    gp_gpuinfo g;
    gp_error err;
    assert_int_equal(gp_gpuinfo_parse(wrapped, strlen(wrapped), &g, &err), GP_EDATA);
}

static void never_reads_past_len(void **state)
{
    (void)state;
    /* Only the first 13 bytes count: "{'Gpus': []}" plus a space. */
    const char text[] = "{'Gpus': []} {'Name'";
    gp_gpuinfo g;
    gp_error err;
    assert_int_equal(gp_gpuinfo_parse(text, 13, &g, &err), GP_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(python_dict),
        cmocka_unit_test(v8_lists_and_strings),
        cmocka_unit_test(lower_case_keys_and_json),
        cmocka_unit_test(gcp_neuron_bare_and_empty),
        cmocka_unit_test(only_the_first_gpu_counts),
        cmocka_unit_test(malformed),
        cmocka_unit_test(never_reads_past_len),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
