/* The catalog loaders on the real SkyPilot files, and their error paths. */
#include "test_util.h"

#include "gpuplan/catalog.h"

static gp_catalog *new_catalog(void)
{
    gp_catalog *cat = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&cat, &err), GP_OK);
    return cat;
}

static void add_ok(gp_catalog *cat, const char *rel)
{
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_catalog_add_path(cat, src_path(rel), NULL, &err);
    if (st != GP_OK)
        fail_msg("%s: %s:%ld: %s", rel, err.file, err.line, err.message);
}

static const gp_offer *find(const gp_catalog *cat, const char *provider,
                            const char *instance, const char *zone_or_region)
{
    const gp_offer *o = gp_catalog_offers(cat);
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++)
        if (strcmp(o[i].provider, provider) == 0 &&
            strcmp(o[i].instance_type, instance) == 0 &&
            (strcmp(o[i].zone, zone_or_region) == 0 ||
             strcmp(o[i].region, zone_or_region) == 0))
            return &o[i];
    return NULL;
}

static void aws_p5_is_8_h100(void **state)
{
    (void)state;
    gp_catalog *cat = new_catalog();
    add_ok(cat, "data/catalog/skypilot-v8/aws");
    const gp_offer *o = find(cat, "aws", "p5.48xlarge", "us-east-1");
    assert_non_null(o);
    assert_string_equal(o->gpu, "H100");
    assert_non_null(o->accel);
    assert_true(o->gpu_count == 8);
    assert_true(o->usd_per_hour == 55.04); /* the v8 file's us-east-1 price */
    assert_true(gp_offer_usd_per_gpu_hour(o) == 55.04 / 8);
    assert_true(o->gpu_mem_gb == 80);
    assert_int_equal(o->fabric, GP_FABRIC_EFA);
    assert_true(o->fabric_gbps == 3200);
    assert_int_equal(o->kind, GP_KIND_HYPERSCALER);
    /* $ per PFLOP-hour at bf16 peak: 6.88 / 0.989 */
    assert_close(gp_offer_usd_per_pflop_hour(o), 6.88 / 0.989, 1e-12);
    gp_catalog_free(cat);

    /* the v7 snapshot, before AWS's 2025 cut */
    cat = new_catalog();
    add_ok(cat, "data/catalog/skypilot/aws");
    o = find(cat, "aws", "p5.48xlarge", "us-east-1");
    assert_non_null(o);
    assert_true(o->usd_per_hour == 98.32);
    gp_catalog_free(cat);
}

static void gcp_price_is_host_plus_accelerators(void **state)
{
    (void)state;
    gp_catalog *cat = new_catalog();
    add_ok(cat, "data/catalog/skypilot-v8/gcp");
    /* PROVENANCE: a3-highgpu-8g host 9.46006 + H100 x8 33.60609 in
     * us-central1 = 43.06615 */
    const gp_offer *o = NULL;
    const gp_offer *all = gp_catalog_offers(cat);
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++)
        if (strcmp(all[i].instance_type, "a3-highgpu-8g") == 0 &&
            strcmp(all[i].region, "us-central1") == 0)
            o = &all[i];
    assert_non_null(o);
    assert_close(o->usd_per_hour, 9.46006 + 33.60609, 1e-12);
    assert_string_equal(o->gpu, "H100");
    assert_true(o->gpu_count == 8);
    assert_true(o->vcpus == 208); /* from the host row */
    assert_true(o->flags & GP_OFFER_COMPOSED_PRICE);
    assert_int_equal(o->fabric, GP_FABRIC_TCPX);
    /* A4: GCP bills it as a bundle, host 0.0 + B200 x8 90.216 */
    o = NULL;
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++)
        if (strcmp(all[i].instance_type, "a4-highgpu-8g") == 0 &&
            strcmp(all[i].region, "us-central1") == 0)
            o = &all[i];
    assert_non_null(o);
    assert_close(o->usd_per_hour, 90.216, 1e-12);
    assert_string_equal(o->gpu, "B200");
    /* H100-MEGA is the H100 SXM: same specs */
    o = NULL;
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++)
        if (strcmp(all[i].instance_type, "a3-megagpu-8g") == 0)
            o = &all[i];
    assert_non_null(o);
    assert_string_equal(o->gpu, "H100");
    assert_string_equal(o->gpu_raw, "H100-MEGA");
    gp_catalog_free(cat);
}

/* Data lines of a file: newlines, minus the header, plus an unterminated
 * last line. (No field in these files spans lines.) */
static size_t data_lines(const char *rel)
{
    FILE *f = fopen(src_path(rel), "rb");
    assert_non_null(f);
    size_t lines = 0;
    int c, last = '\n';
    while ((c = fgetc(f)) != EOF) {
        if (c == '\n')
            lines++;
        last = c;
    }
    fclose(f);
    if (last != '\n')
        lines++;
    return lines - 1;
}

static void every_folder_loads_with_its_true_row_count(void **state)
{
    (void)state;
    const char *files[] = {
        "data/catalog/skypilot/aws/vms.partial.csv",
        "data/catalog/skypilot/azure/vms.csv",
        "data/catalog/skypilot/cudo/vms.csv",
        "data/catalog/skypilot/do/vms.csv",
        "data/catalog/skypilot/fluidstack/vms.csv",
        "data/catalog/skypilot/gcp/vms.hostvms.partial.csv",
        "data/catalog/skypilot/gcp/vms.partial.csv",
        "data/catalog/skypilot/hyperbolic/vms.csv",
        "data/catalog/skypilot/lambda/vms.csv",
        "data/catalog/skypilot/mithril/vms.csv",
        "data/catalog/skypilot/nebius/vms.csv",
        "data/catalog/skypilot/oci/vms.csv",
        "data/catalog/skypilot/ovhcloud/vms.csv",
        "data/catalog/skypilot/paperspace/vms.csv",
        "data/catalog/skypilot/primeintellect/vms.csv",
        "data/catalog/skypilot/runpod/vms.csv",
        "data/catalog/skypilot/scaleway/vms.csv",
        "data/catalog/skypilot/seeweb/vms.csv",
        "data/catalog/skypilot/shadeform/vms.csv",
        "data/catalog/skypilot/simplepod/vms.csv",
    };
    gp_catalog *cat = new_catalog();
    add_ok(cat, "data/catalog/skypilot"); /* the whole folder: every cloud */
    size_t nfiles = sizeof(files) / sizeof(files[0]);
    assert_int_equal(gp_catalog_source_count(cat), nfiles);
    for (size_t i = 0; i < nfiles; i++) {
        const gp_source *s = NULL;
        for (size_t k = 0; k < gp_catalog_source_count(cat); k++)
            if (strstr(gp_catalog_source(cat, k)->name, files[i] + strlen("data/catalog/skypilot")))
                s = gp_catalog_source(cat, k);
        assert_non_null(s);
        size_t want = data_lines(files[i]);
        if (s->rows != want)
            fail_msg("%s: %zu rows read, file has %zu", files[i], s->rows, want);
        /* every row is accounted for (GCP accelerator rows become as many
         * offers as there are host VMs to pair them with) */
        if (!strstr(files[i], "gcp") &&
            s->offers + s->no_price + s->other_rows + s->bad_rows != s->rows)
            fail_msg("%s: %zu offers + %zu without price + %zu other != %zu rows",
                     files[i], s->offers, s->no_price, s->other_rows, s->rows);
        assert_int_equal(s->bad_rows, 0);
    }
    /* PROVENANCE: 1134 AWS rows, 2000 RunPod rows, 1544 GCP accelerator rows */
    assert_int_equal(data_lines("data/catalog/skypilot/aws/vms.partial.csv"), 1134);
    gp_catalog_free(cat);
}

static void placeholders_never_become_free_offers(void **state)
{
    (void)state;
    gp_catalog *cat = new_catalog();
    add_ok(cat, "data/catalog/skypilot");
    add_ok(cat, "data/catalog/skypilot-v8");
    const gp_offer *o = gp_catalog_offers(cat);
    size_t n = gp_catalog_offer_count(cat), spot_above = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(isnan(o[i].usd_per_hour) || o[i].usd_per_hour > 0);
        assert_true(isnan(o[i].spot_usd_per_hour) || o[i].spot_usd_per_hour > 0);
        assert_true(isnan(o[i].usd_per_hour) || o[i].usd_per_hour < 1e6);
        assert_true(isnan(o[i].spot_usd_per_hour) || o[i].spot_usd_per_hour < 1e6);
        assert_false(isnan(o[i].usd_per_hour) && isnan(o[i].spot_usd_per_hour));
        if (strcmp(o[i].provider, "gcp") == 0 && strncmp(o[i].gpu, "TPU", 3) == 0)
            assert_true(o[i].usd_per_hour != 700.0);
        if (strcmp(o[i].provider, "primeintellect") == 0)
            assert_true(isnan(o[i].spot_usd_per_hour)); /* 99999999 everywhere */
        if (o[i].flags & GP_OFFER_SPOT_ABOVE_ON_DEMAND) {
            assert_true(o[i].spot_usd_per_hour > o[i].usd_per_hour);
            spot_above++;
        }
    }
    assert_true(spot_above > 0); /* runpod L40S, GCP H100 asia-northeast1 ... */
    /* GCP v7: 39 TPU rows carry the 700.0 placeholder (PROVENANCE) */
    size_t placeholders = 0;
    for (size_t i = 0; i < gp_catalog_diag_count(cat); i++) {
        const gp_diag *d = gp_catalog_diag(cat, i);
        if (d->kind == GP_DIAG_NO_PRICE && strstr(d->message, "700.0"))
            placeholders++;
    }
    assert_int_equal(placeholders, 39);
    gp_catalog_free(cat);
}

static void user_source_replaces_its_provider_only(void **state)
{
    (void)state;
    gp_catalog *cat = new_catalog();
    gp_error err;
    assert_int_equal(gp_catalog_add_embedded(cat, &err), GP_OK);
    size_t lambda = 0, aws = 0;
    const gp_offer *o = gp_catalog_offers(cat);
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++) {
        lambda += strcmp(o[i].provider, "lambda") == 0;
        aws += strcmp(o[i].provider, "aws") == 0;
    }
    assert_true(lambda > 10);
    const char *mine = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,"
                       "MemoryGiB,Price,Region,GpuInfo,SpotPrice\n"
                       "gpu_8x_h100_sxm5,H100,8.0,208,1800,20.0,us-east-1,,\n";
    assert_int_equal(gp_catalog_add_skypilot_buffer(cat, "mine.csv", "lambda", mine,
                                                    strlen(mine), NULL, &err),
                     GP_OK);
    o = gp_catalog_offers(cat);
    size_t lambda_after = 0, aws_after = 0;
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++) {
        lambda_after += strcmp(o[i].provider, "lambda") == 0;
        aws_after += strcmp(o[i].provider, "aws") == 0;
        if (strcmp(o[i].provider, "lambda") == 0)
            assert_true(o[i].usd_per_hour == 20.0);
    }
    assert_int_equal(lambda_after, 1);
    assert_int_equal(aws_after, aws);
    gp_catalog_free(cat);
}

static void fresher_prices_replace_products(void **state)
{
    (void)state;
    gp_catalog *cat = new_catalog();
    gp_error err;
    assert_int_equal(gp_catalog_add_embedded(cat, &err), GP_OK);
    const gp_offer *o = gp_catalog_offers(cat);
    int list_8x = 0, snapshot_8x = 0, snapshot_1x_a100 = 0;
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++) {
        if (strcmp(o[i].provider, "lambda") != 0)
            continue;
        if (strcmp(o[i].gpu, "H100") == 0 && o[i].gpu_count == 8) {
            if (strcmp(o[i].as_of, "2026-09-20") == 0 && o[i].usd_per_hour == 31.92)
                list_8x++;
            else
                snapshot_8x++;
        }
        if (strcmp(o[i].instance_type, "gpu_1x_a100") == 0)
            snapshot_1x_a100++;
    }
    assert_int_equal(list_8x, 1);
    assert_int_equal(snapshot_8x, 0);      /* the 2026-09-20 list replaced it */
    assert_true(snapshot_1x_a100 > 0);     /* not on the list: kept */
    /* v8 replaced v7 for p5.48xlarge; v7-only g4dn stays */
    int p5_v7 = 0, g4dn = 0;
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++) {
        if (strcmp(o[i].instance_type, "p5.48xlarge") == 0 && o[i].usd_per_hour == 98.32)
            p5_v7++;
        if (strncmp(o[i].instance_type, "g4dn.", 5) == 0)
            g4dn++;
    }
    assert_int_equal(p5_v7, 0);
    assert_true(g4dn > 0);
    gp_catalog_free(cat);
}

static const char *HEADER = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,"
                            "MemoryGiB,Price,Region,GpuInfo,SpotPrice\n";

static gp_status load_text(const char *body, int skip, gp_error *err,
                           gp_catalog **out)
{
    char text[2048];
    snprintf(text, sizeof(text), "%s%s", HEADER, body);
    gp_catalog *cat = new_catalog();
    gp_load_opts opts = {skip, NULL};
    gp_error_clear(err);
    gp_status st = gp_catalog_add_skypilot_buffer(cat, "t/vms.csv", "lambda", text,
                                                  strlen(text), &opts, err);
    *out = cat;
    return st;
}

static void malformed_rows_name_file_and_line(void **state)
{
    (void)state;
    gp_error err;
    gp_catalog *cat;
    /* bad quoting on line 3 */
    assert_int_equal(load_text("a,H100,1,1,1,2.0,r,,\nb,H100,1,1,1,2\"0,r,,\n", 0,
                               &err, &cat),
                     GP_EDATA);
    assert_string_equal(err.file, "t/vms.csv");
    assert_int_equal(err.line, 3);
    assert_int_equal(gp_catalog_offer_count(cat), 0); /* nothing half-loaded */
    assert_int_equal(gp_catalog_source_count(cat), 0);
    gp_catalog_free(cat);
    /* wrong column count on line 2 */
    assert_int_equal(load_text("a,H100,1,1,1,2.0,r\n", 0, &err, &cat), GP_EDATA);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "7 fields"));
    gp_catalog_free(cat);
    /* non-numeric price */
    assert_int_equal(load_text("a,H100,1,1,1,cheap,r,,\n", 0, &err, &cat), GP_EDATA);
    assert_non_null(strstr(err.message, "Price 'cheap'"));
    gp_catalog_free(cat);
    /* unterminated quote at the end */
    assert_int_equal(load_text("a,H100,1,1,1,2.0,r,\"{'x',\n", 0, &err, &cat), GP_EDATA);
    gp_catalog_free(cat);
    /* zero or negative accelerator count */
    assert_int_equal(load_text("a,H100,0,1,1,2.0,r,,\n", 0, &err, &cat), GP_EDATA);
    gp_catalog_free(cat);
    /* --skip-bad-rows: warn, count, go on */
    assert_int_equal(load_text("a,H100,1,1,1,cheap,r,,\nb,H100,1,1,1,2.0,r,,\n", 1,
                               &err, &cat),
                     GP_OK);
    assert_int_equal(gp_catalog_offer_count(cat), 1);
    assert_int_equal(gp_catalog_source(cat, 0)->bad_rows, 1);
    assert_int_equal(gp_catalog_diag(cat, 0)->kind, GP_DIAG_BAD_ROW);
    assert_int_equal(gp_catalog_diag(cat, 0)->line, 2);
    gp_catalog_free(cat);
}

static void missing_and_unrecognised_files(void **state)
{
    (void)state;
    gp_catalog *cat = new_catalog();
    gp_error err;
    assert_int_equal(gp_catalog_add_path(cat, "/nonexistent/vms.csv", NULL, &err),
                     GP_EIO);
    assert_non_null(strstr(err.message, "no such file"));
    assert_int_equal(gp_catalog_add_path(cat, src_path("data/accelerators.csv"), NULL,
                                         &err),
                     GP_EDATA);
    assert_int_equal(err.line, 1);
    /* a folder with no vms.csv anywhere */
    assert_int_equal(gp_catalog_add_path(cat, src_path("include"), NULL, &err), GP_EIO);
    gp_catalog_free(cat);
}

static void gpuplan_format(void **state)
{
    (void)state;
    const char *text =
        "provider,instance_type,region,gpu,gpu_count,usd_per_hour,usd_per_gpu_hour,"
        "spot_usd_per_gpu_hour,as_of,source\n"
        "acme,node8,eu,H100,8,16.0,,,2026-01-02,acme price page\n"
        "acme,pergpu,eu,A100-80GB,,,1.5,0.9,2026-01-02,acme price page\n";
    gp_catalog *cat = new_catalog();
    gp_error err;
    assert_int_equal(gp_catalog_add_gpuplan_buffer(cat, "mine.csv", text, strlen(text),
                                                   NULL, &err),
                     GP_OK);
    assert_int_equal(gp_catalog_offer_count(cat), 2);
    const gp_offer *o = gp_catalog_offers(cat);
    assert_true(gp_offer_usd_per_gpu_hour(&o[0]) == 2.0);
    assert_string_equal(o[0].as_of, "2026-01-02");
    assert_string_equal(o[0].source, "acme price page");
    assert_true(o[1].flags & GP_OFFER_PER_GPU_LISTING);
    assert_true(o[1].gpu_count == 1);
    assert_true(o[1].usd_per_hour == 1.5);
    assert_true(o[1].spot_usd_per_hour == 0.9);
    gp_catalog_free(cat);

    const char *bad[] = {
        "provider,instance_type,gpu,kind,usd_per_hour\nacme,x,H100,megacorp,1\n",
        "provider,instance_type,gpu,gpu_count,usd_per_hour,usd_per_gpu_hour\n"
        "acme,x,H100,8,16,3\n", /* 16 != 3 x 8 */
        "provider,instance_type,gpu,usd_per_hour,as_of\nacme,x,H100,1,2026-13-01\n",
        "provider,instance_type,gpu,usd_per_hour\nacme,,H100,1\n",
        "provider,instance_type,gpu\nacme,x,H100\n", /* no price column */
        "provider,instance_type,gpu,usd_per_hour\nacme,x,H100,-1\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cat = new_catalog();
        gp_error_clear(&err);
        if (gp_catalog_add_gpuplan_buffer(cat, "bad.csv", bad[i], strlen(bad[i]), NULL,
                                          &err) != GP_EDATA)
            fail_msg("case %zu loaded", i);
        assert_string_equal(err.file, "bad.csv");
        assert_true(err.line >= 1);
        gp_catalog_free(cat);
    }
}

static void names_follow_their_catalog(void **state)
{
    (void)state;
    /* In SkyPilot's RunPod catalog "H100" is the PCIe card (gpu-names.csv);
     * in a price list, "H100" stays the SXM part. */
    gp_catalog *cat = new_catalog();
    gp_error err;
    const char *sky = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,"
                      "MemoryGiB,GpuInfo,Region,SpotPrice,Price\n"
                      "1x_H100_SECURE,H100,1.0,16,80,H100,CA,,2.39\n";
    assert_int_equal(gp_catalog_add_skypilot_buffer(cat, "runpod/vms.csv", "runpod",
                                                    sky, strlen(sky), NULL, &err),
                     GP_OK);
    const char *list = "provider,instance_type,gpu,usd_per_gpu_hour\n"
                       "runpod,H100 Secure Cloud,H100,3.49\n";
    assert_int_equal(gp_catalog_add_gpuplan_buffer(cat, "list.csv", list, strlen(list),
                                                   NULL, &err),
                     GP_OK);
    const gp_offer *o = gp_catalog_offers(cat);
    assert_int_equal(gp_catalog_offer_count(cat), 2); /* two different products */
    assert_string_equal(o[0].gpu, "H100-PCIe");
    assert_string_equal(o[1].gpu, "H100");
    gp_catalog_free(cat);
    cat = new_catalog();
    assert_int_equal(gp_catalog_add_skypilot_buffer(cat, "runpod/vms.csv", "runpod",
                                                    sky, strlen(sky), NULL, &err),
                     GP_OK);
    assert_string_equal(gp_catalog_offers(cat)[0].gpu, "H100-PCIe");
    gp_catalog_free(cat);
}

static void stated_counts(void **state)
{
    (void)state;
    assert_true(gp_instance_stated_gpus("gpu_8x_h100_sxm5") == 8);
    assert_true(gp_instance_stated_gpus("1x_H100_SECURE") == 1);
    assert_true(gp_instance_stated_gpus("H100x8") == 8);
    assert_true(gp_instance_stated_gpus("gpu-h100x8-640gb") == 8);
    assert_true(gp_instance_stated_gpus("a3-highgpu-4g") == 4);
    assert_true(gp_instance_stated_gpus("a3-ultragpu-8g-nolssd") == 8);
    assert_true(gp_instance_stated_gpus("gpu-h100-sxm_8gpu-128vcpu-1600gb") == 8);
    assert_true(gp_instance_stated_gpus("H100_PCIE_80GB::2") == 2);
    assert_true(gp_instance_stated_gpus("8x-H100-224-2165") == 8);
    assert_true(isnan(gp_instance_stated_gpus("p5.48xlarge")));
    assert_true(isnan(gp_instance_stated_gpus("g5.12xlarge")));
    assert_true(isnan(gp_instance_stated_gpus("excesssupply_RTX4090")));
    assert_true(isnan(gp_instance_stated_gpus("Standard_ND96isr_H100_v5")));
    assert_true(isnan(gp_instance_stated_gpus("epyc-genoa-h100-nvl-pcie_1x2v4gb")));
    assert_true(isnan(gp_instance_stated_gpus("gpu_2x_a100x4"))); /* ambiguous */
}

/* ---- catalog and planner defects (package B) -------------------------- */

/* A growable text buffer for generated catalogs. */
typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void text_add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(need >= 0);
    if (t->n + (size_t)need + 1 > t->cap) {
        t->cap = (t->n + (size_t)need + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)need;
}

static const char GCP_HEADER[] =
    "InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,"
    "Region,AvailabilityZone,Price,SpotPrice\n";

/* Regression (gcp_join_repeats_join_once): 300 host rows and 300
 * accelerator rows of one machine type in one zone joined each with each,
 * 90,000 offers (a 2.1 MB vms.csv made 50,000,000). Repeated rows are one
 * listing: one offer, priced from the first of each. */
static void gcp_join_repeats_join_once(void **state)
{
    (void)state;
    text t = {0};
    text_add(&t, "%s", GCP_HEADER);
    for (int i = 0; i < 300; i++)
        text_add(&t, "a3-highgpu-8g,208.0,1872.0,,,,us-central1,us-central1-a,"
                     "%d.5,1.0\n", 10 + (i > 0));
    for (int i = 0; i < 300; i++)
        text_add(&t, ",,,H100,8,,us-central1,us-central1-a,%d.0,2.0\n",
                 80 + (i > 0));
    gp_catalog *cat = new_catalog();
    gp_error err;
    assert_int_equal(gp_catalog_add_skypilot_buffer(cat, "gcp/vms.csv", "gcp",
                                                    t.p, t.n, NULL, &err),
                     GP_OK);
    assert_int_equal(gp_catalog_offer_count(cat), 1);
    const gp_offer *o = gp_catalog_offers(cat);
    assert_close(o->usd_per_hour, 10.5 + 80.0, 1e-12); /* first rows */
    assert_int_equal(o->line, 302); /* the first accelerator row */
    gp_catalog_free(cat);
    free(t.p);
}

/* Distinct host machine types still join, up to a limit per accelerator
 * row; beyond it the file is bad data at the accelerator row's line. */
static void gcp_join_is_bounded(void **state)
{
    (void)state;
    for (int hosts = 64; hosts <= 65; hosts++) {
        text t = {0};
        text_add(&t, "%s", GCP_HEADER);
        for (int i = 0; i < hosts; i++)
            text_add(&t, "a3-highgpu-8g-x%d,208.0,1872.0,,,,us-central1,"
                         "us-central1-a,10.0,1.0\n", i);
        text_add(&t, ",,,H100,8,,us-central1,us-central1-a,80.0,2.0\n");
        gp_catalog *cat = new_catalog();
        gp_error err;
        gp_status st = gp_catalog_add_skypilot_buffer(cat, "gcp/vms.csv", "gcp",
                                                      t.p, t.n, NULL, &err);
        if (hosts == 64) {
            assert_int_equal(st, GP_OK);
            assert_int_equal(gp_catalog_offer_count(cat), 64);
        } else {
            assert_int_equal(st, GP_EDATA);
            assert_string_equal(err.file, "gcp/vms.csv");
            assert_int_equal(err.line, hosts + 2);
            assert_non_null(strstr(err.message, "65 host machine types"));
            assert_int_equal(gp_catalog_offer_count(cat), 0);
        }
        gp_catalog_free(cat);
        free(t.p);
    }
}

static gp_status load_gpuplan_text(const char *csv, gp_error *err,
                                   size_t *offers)
{
    gp_catalog *cat = new_catalog();
    gp_error_clear(err);
    gp_status st = gp_catalog_add_gpuplan_buffer(cat, "mine.csv", csv,
                                                 strlen(csv), NULL, err);
    *offers = gp_catalog_offer_count(cat);
    gp_catalog_free(cat);
    return st;
}

static gp_status load_skypilot_text(const char *provider, const char *csv,
                                    gp_error *err, size_t *offers)
{
    gp_catalog *cat = new_catalog();
    gp_error_clear(err);
    gp_status st = gp_catalog_add_skypilot_buffer(cat, "vms.csv", provider, csv,
                                                  strlen(csv), NULL, err);
    *offers = gp_catalog_offer_count(cat);
    gp_catalog_free(cat);
    return st;
}

/* Regression (huge_gpu_count_is_bad_data): "1e20 x H100" overflowed the
 * planner's int and ranked first at $0.00 per GPU-hour. Both formats
 * refuse a count above GP_OFFER_MAX_GPUS with file and line, and keep one
 * at the limit. */
/* Replacements deferred to one pass (gp_catalog_defer_replacements, as
 * the CLI loads a refresh's stored providers) leave the catalog that
 * replacing at once per source leaves: the same offers in the same order,
 * the same replaced counts. Sources: two providers in one file, a
 * provider twice, and nine in one file (the hashed path, taken while
 * deferring). */
static void deferred_replacement_is_the_same(void **state)
{
    (void)state;
    const char *two = "provider,instance_type,gpu,gpu_count,usd_per_hour,region\n"
                      "lambda,gpu_8x_h100_sxm5,H100,8,20,us-east-1\n"
                      "aws,p5.48xlarge,H100,8,90,us-east-1\n"
                      "lambda,gpu_1x_a10,A10,1,0.75,us-west-1\n";
    const char *sky = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,"
                      "MemoryGiB,Price,Region,GpuInfo,SpotPrice\n"
                      "gpu-h100-sxm,H100,8.0,128,1600,25.0,eu-north1,,\n";
    const char *again = "provider,instance_type,gpu,gpu_count,usd_per_hour,region\n"
                        "lambda,gpu_2x_a100,A100-80GB,2,3,us-south-1\n";
    text many = {0};
    text_add(&many, "provider,instance_type,gpu,gpu_count,usd_per_hour,region\n");
    static const char *const nine[] = {"azure", "gcp", "oci", "runpod", "cudo",
                                       "paperspace", "fluidstack", "do", "seeweb"};
    for (int i = 0; i < 9; i++)
        text_add(&many, "%s,x%d,H100,8,%d,r\n", nine[i], i, 30 + i);
    gp_catalog *cat[2];
    gp_error err;
    for (int d = 0; d < 2; d++) {
        cat[d] = new_catalog();
        assert_int_equal(gp_catalog_add_embedded(cat[d], &err), GP_OK);
        if (d)
            gp_catalog_defer_replacements(cat[d], 1);
        assert_int_equal(gp_catalog_add_gpuplan_buffer(cat[d], "two.csv", two, strlen(two),
                                                       NULL, &err),
                         GP_OK);
        assert_int_equal(gp_catalog_add_skypilot_buffer(cat[d], "vms.csv", "nebius", sky,
                                                        strlen(sky), NULL, &err),
                         GP_OK);
        assert_int_equal(gp_catalog_add_gpuplan_buffer(cat[d], "again.csv", again,
                                                       strlen(again), NULL, &err),
                         GP_OK);
        assert_int_equal(gp_catalog_add_gpuplan_buffer(cat[d], "many.csv", many.p,
                                                       many.n, NULL, &err),
                         GP_OK);
        if (d)
            gp_catalog_defer_replacements(cat[d], 0);
    }
    free(many.p);
    assert_int_equal(gp_catalog_offer_count(cat[0]), gp_catalog_offer_count(cat[1]));
    const gp_offer *a = gp_catalog_offers(cat[0]), *b = gp_catalog_offers(cat[1]);
    for (size_t i = 0; i < gp_catalog_offer_count(cat[0]); i++) {
        assert_string_equal(a[i].provider, b[i].provider);
        assert_string_equal(a[i].instance_type, b[i].instance_type);
        assert_string_equal(a[i].region, b[i].region);
        assert_int_equal(a[i].source_index, b[i].source_index);
        assert_int_equal(a[i].line, b[i].line);
        assert_true(a[i].usd_per_hour == b[i].usd_per_hour ||
                    (isnan(a[i].usd_per_hour) && isnan(b[i].usd_per_hour)));
    }
    size_t replaced = 0;
    assert_int_equal(gp_catalog_source_count(cat[0]), gp_catalog_source_count(cat[1]));
    for (size_t i = 0; i < gp_catalog_source_count(cat[0]); i++) {
        assert_int_equal(gp_catalog_source(cat[0], i)->replaced,
                         gp_catalog_source(cat[1], i)->replaced);
        replaced += gp_catalog_source(cat[0], i)->replaced;
    }
    assert_true(replaced > 100); /* the embedded offers of 13 providers went */
    size_t lambda = 0; /* only the three user rows: the embedded ones went */
    for (size_t i = 0; i < gp_catalog_offer_count(cat[1]); i++)
        lambda += strcmp(b[i].provider, "lambda") == 0;
    assert_int_equal(lambda, 3);
    gp_catalog_free(cat[0]);
    gp_catalog_free(cat[1]);
}

static void huge_gpu_count_is_bad_data(void **state)
{
    (void)state;
    gp_error err;
    size_t n;
    assert_int_equal(load_gpuplan_text("provider,instance_type,gpu,gpu_count,usd_per_hour\n"
                                       "acme,big,H100,1e20,10\n",
                                       &err, &n),
                     GP_EDATA);
    assert_string_equal(err.file, "mine.csv");
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "100000"));
    assert_int_equal(load_gpuplan_text("provider,instance_type,gpu,gpu_count,usd_per_hour\n"
                                       "acme,big,H100,100001,10\n",
                                       &err, &n),
                     GP_EDATA);
    assert_int_equal(load_gpuplan_text("provider,instance_type,gpu,gpu_count,usd_per_hour\n"
                                       "acme,big,H100,100000,10\n",
                                       &err, &n),
                     GP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(load_skypilot_text("lambda",
                                        "InstanceType,AcceleratorName,AcceleratorCount,"
                                        "Price,Region\n"
                                        "gpu_1x_h100,H100,1,2.0,us-east-1\n"
                                        "gpu_big_h100,H100,2147483648,2.0,us-east-1\n",
                                        &err, &n),
                     GP_EDATA);
    assert_string_equal(err.file, "vms.csv");
    assert_int_equal(err.line, 3);
    /* GCP accelerator rows wait for the join: checked at their own line. */
    char gcp[512];
    snprintf(gcp, sizeof(gcp),
             "%sa3-highgpu-8g,208.0,1872.0,,,,us-central1,us-central1-a,10.0,1.0\n"
             ",,,H100,1e9,,us-central1,us-central1-a,80.0,2.0\n",
             GCP_HEADER);
    assert_int_equal(load_skypilot_text("gcp", gcp, &err, &n), GP_EDATA);
    assert_int_equal(err.line, 3);
}

/* Regression (negative_price_is_bad_data): a negative price was "no
 * price" in SkyPilot files and an error in gpuplan files. One rule: bad
 * data with file and line, in every price column of both formats. */
static void negative_price_is_bad_data(void **state)
{
    (void)state;
    static const char *const GPUPLAN[] = {
        "provider,instance_type,gpu,gpu_count,usd_per_hour\nacme,a,H100,8,-1\n",
        "provider,instance_type,gpu,gpu_count,usd_per_gpu_hour\nacme,a,H100,8,-0.5\n",
        "provider,instance_type,gpu,gpu_count,usd_per_hour,spot_usd_per_hour\n"
        "acme,a,H100,8,10,-2\n",
        "provider,instance_type,gpu,gpu_count,usd_per_hour,spot_usd_per_gpu_hour\n"
        "acme,a,H100,8,10,-0.25\n"};
    gp_error err;
    size_t n;
    for (size_t i = 0; i < sizeof(GPUPLAN) / sizeof(GPUPLAN[0]); i++) {
        assert_int_equal(load_gpuplan_text(GPUPLAN[i], &err, &n), GP_EDATA);
        assert_int_equal(err.line, 2);
        assert_non_null(strstr(err.message, "is negative"));
    }
    static const char SKY_HEAD[] =
        "InstanceType,AcceleratorName,AcceleratorCount,Price,SpotPrice,Region\n";
    char buf[256];
    snprintf(buf, sizeof(buf), "%sgpu_8x_h100,H100,8,-23.92,,us-east-1\n", SKY_HEAD);
    assert_int_equal(load_skypilot_text("lambda", buf, &err, &n), GP_EDATA);
    assert_string_equal(err.file, "vms.csv");
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "on-demand price per hour -23.92 is negative"));
    snprintf(buf, sizeof(buf), "%sgpu_8x_h100,H100,8,23.92,-1,us-east-1\n", SKY_HEAD);
    assert_int_equal(load_skypilot_text("lambda", buf, &err, &n), GP_EDATA);
    assert_non_null(strstr(err.message, "spot price per hour -1 is negative"));
    /* A GCP host row is never pushed on its own; it is checked as read. */
    char gcp[512];
    snprintf(gcp, sizeof(gcp),
             "%sa3-highgpu-8g,208.0,1872.0,,,,us-central1,us-central1-a,-10.0,1.0\n"
             ",,,H100,8,,us-central1,us-central1-a,80.0,2.0\n",
             GCP_HEADER);
    assert_int_equal(load_skypilot_text("gcp", gcp, &err, &n), GP_EDATA);
    assert_int_equal(err.line, 2);
    /* Zero is still "no price" (reported, not offered), not bad data. */
    snprintf(buf, sizeof(buf), "%sgpu_8x_h100,H100,8,0,,us-east-1\n", SKY_HEAD);
    assert_int_equal(load_skypilot_text("lambda", buf, &err, &n), GP_OK);
    assert_int_equal(n, 0);
}

/* Regression (repeated_column_is_bad_data): a header naming a column twice
 * was read by its first field only; now both loaders refuse it, naming the
 * column and the header line. */
static void repeated_column_is_bad_data(void **state)
{
    (void)state;
    gp_error err;
    size_t n;
    assert_int_equal(load_gpuplan_text("provider,instance_type,gpu,usd_per_hour,USD_per_hour\n"
                                       "acme,a,H100,10,1\n",
                                       &err, &n),
                     GP_EDATA);
    assert_string_equal(err.file, "mine.csv");
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "column usd_per_hour appears twice (fields 4 and 5)"));
    assert_int_equal(load_skypilot_text("lambda",
                                        "InstanceType,AcceleratorName,AcceleratorCount,"
                                        "Price,Region,Price\n"
                                        "gpu_1x_h100,H100,1,2.0,us-east-1,0.5\n",
                                        &err, &n),
                     GP_EDATA);
    assert_string_equal(err.file, "vms.csv");
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "column Price appears twice (fields 4 and 6)"));
    /* Repeated columns the loader does not read stay harmless. */
    assert_int_equal(load_gpuplan_text("provider,instance_type,gpu,usd_per_hour,extra,extra\n"
                                       "acme,a,H100,10,1,2\n",
                                       &err, &n),
                     GP_OK);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aws_p5_is_8_h100),
        cmocka_unit_test(gcp_price_is_host_plus_accelerators),
        cmocka_unit_test(every_folder_loads_with_its_true_row_count),
        cmocka_unit_test(placeholders_never_become_free_offers),
        cmocka_unit_test(user_source_replaces_its_provider_only),
        cmocka_unit_test(fresher_prices_replace_products),
        cmocka_unit_test(malformed_rows_name_file_and_line),
        cmocka_unit_test(missing_and_unrecognised_files),
        cmocka_unit_test(gpuplan_format),
        cmocka_unit_test(names_follow_their_catalog),
        cmocka_unit_test(stated_counts),
        cmocka_unit_test(gcp_join_repeats_join_once),
        cmocka_unit_test(gcp_join_is_bounded),
        cmocka_unit_test(huge_gpu_count_is_bad_data),
        cmocka_unit_test(negative_price_is_bad_data),
        cmocka_unit_test(repeated_column_is_bad_data),
        cmocka_unit_test(deferred_replacement_is_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
