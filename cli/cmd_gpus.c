/* gpuplan gpus: one row per accelerator, its specs and its market. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "gpuplan/gpus.h"
#include "gpuplan/query.h"
#include "load.h"
#include "out.h"

static const gp_opt OPTS[] = {
    {"all", 'a', OPT_FLAG, 0, NULL, NULL,
     "also list accelerator names the catalog uses but gpuplan has no specs "
     "for (RTX 3090, L40, A40 ...)"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md",
     "output format: table (default), csv, json or md"},
    {"gpu", 'g', OPT_STRING, 0, "NAME", NULL,
     "only this accelerator (any spelling, or a pattern such as 'H100*')"},
    {"offered", 0, OPT_FLAG, 0, NULL, NULL,
     "only accelerators with at least one offer"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL,
     "do not shorten or drop columns to fit the terminal"},
    GP_CATALOG_OPTIONS,
};

static json_t *summary_json(const gp_gpu_summary *s)
{
    const gp_accel *a = s->accel;
    json_t *j = json_object();
    json_object_set_new(j, "gpu", json_string(s->gpu));
    json_object_set_new(j, "has_specs", json_boolean(a != NULL));
    json_object_set_new(j, "vendor", a ? gp_json_str(a->vendor) : json_null());
    json_object_set_new(j, "memory_gb", gp_json_num(a ? a->memory_gb : NAN));
    json_object_set_new(j, "mem_bw_gbps", gp_json_num(a ? a->mem_bw_gbps : NAN));
    json_t *tf = json_object();
    for (int p = 0; p < GP_PREC_COUNT; p++)
        json_object_set_new(tf, gp_precision_name((gp_precision)p),
                            gp_json_num(a ? a->tflops[p] : NAN));
    json_object_set_new(j, "tflops", tf);
    json_object_set_new(j, "interconnect", a ? gp_json_str(a->interconnect) : json_null());
    json_object_set_new(j, "intra_node_bw_gbps",
                        gp_json_num(a ? a->intra_node_bw_gbps : NAN));
    json_object_set_new(j, "tdp_w", gp_json_num(a ? a->tdp_w : NAN));
    json_object_set_new(j, "launch_year",
                        a && a->launch_year ? json_integer(a->launch_year) : json_null());
    json_object_set_new(j, "specs_source", a ? gp_json_str(a->source) : json_null());
    json_object_set_new(j, "providers", json_integer((json_int_t)s->providers));
    json_object_set_new(j, "offers", json_integer((json_int_t)s->offers));
    json_object_set_new(j, "spot_offers", json_integer((json_int_t)s->spot_offers));
    json_object_set_new(j, "min_usd_per_gpu_hour", gp_json_num(s->min_usd_per_gpu_hour));
    json_object_set_new(j, "median_usd_per_gpu_hour",
                        gp_json_num(s->median_usd_per_gpu_hour));
    json_object_set_new(j, "min_spot_usd_per_gpu_hour",
                        gp_json_num(s->min_spot_usd_per_gpu_hour));
    json_object_set_new(j, "median_spot_usd_per_gpu_hour",
                        gp_json_num(s->median_spot_usd_per_gpu_hour));
    return j;
}

static void csv_out(const gp_gpu_summary *s, size_t n)
{
    fputs("gpu,has_specs,vendor,memory_gb,mem_bw_gbps,fp32_tflops,tf32_tflops,"
          "bf16_tflops,fp16_tflops,fp8_tflops,providers,offers,spot_offers,"
          "min_usd_per_gpu_hour,median_usd_per_gpu_hour,"
          "min_spot_usd_per_gpu_hour,median_spot_usd_per_gpu_hour\n",
          stdout);
    for (size_t i = 0; i < n; i++) {
        const gp_accel *a = s[i].accel;
        gp_csv_cell(stdout, s[i].gpu, 1);
        gp_csv_cell(stdout, a ? "true" : "false", 0);
        gp_csv_cell(stdout, a ? a->vendor : "", 0);
        gp_csv_num(stdout, a ? a->memory_gb : NAN, 0);
        gp_csv_num(stdout, a ? a->mem_bw_gbps : NAN, 0);
        for (int p = 0; p < GP_PREC_COUNT; p++)
            gp_csv_num(stdout, a ? a->tflops[p] : NAN, 0);
        gp_csv_num(stdout, (double)s[i].providers, 0);
        gp_csv_num(stdout, (double)s[i].offers, 0);
        gp_csv_num(stdout, (double)s[i].spot_offers, 0);
        gp_csv_num(stdout, s[i].min_usd_per_gpu_hour, 0);
        gp_csv_num(stdout, s[i].median_usd_per_gpu_hour, 0);
        gp_csv_num(stdout, s[i].min_spot_usd_per_gpu_hour, 0);
        gp_csv_num(stdout, s[i].median_spot_usd_per_gpu_hour, 0);
        gp_csv_end(stdout);
    }
}

static int table_out(const gp_gpu_summary *s, size_t n, gp_format fmt,
                     const gp_args *args, size_t hidden)
{
    const gp_col cols[] = {
        {"GPU", 0, 12, 8, 0},     {"VENDOR", 0, 0, 0, 3},   {"MEM GB", 1, 0, 0, 0},
        {"BF16 TF", 1, 0, 0, 0},  {"BW GB/S", 1, 0, 0, 2},  {"PROV", 1, 0, 0, 0},
        {"OFFERS", 1, 0, 0, 0},   {"MIN $/H", 1, 0, 0, 0},  {"MED $/H", 1, 0, 0, 0},
        {"SPOT MIN", 1, 0, 0, 1}, {"SPOT MED", 1, 0, 0, 1},
    };
    gp_table *t = gp_table_new(cols, sizeof(cols) / sizeof(cols[0]));
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < n; i++) {
        const gp_accel *a = s[i].accel;
        char mem[16], tf[16], bw[16], prov[16], offers[16], mn[16], md[16], smn[16],
            smd[16];
        double training = gp_accel_training_tflops(a);
        gp_fmt_num(mem, sizeof(mem), a ? a->memory_gb : NAN, 0);
        gp_fmt_num(tf, sizeof(tf), training, 0);
        if (a && isnan(a->tflops[GP_PREC_BF16]) && !isnan(training))
            strcat(tf, "*");
        gp_fmt_num(bw, sizeof(bw), a ? a->mem_bw_gbps : NAN, 0);
        snprintf(prov, sizeof(prov), "%zu", s[i].providers);
        snprintf(offers, sizeof(offers), "%zu", s[i].offers);
        gp_fmt_usd(mn, sizeof(mn), s[i].min_usd_per_gpu_hour);
        gp_fmt_usd(md, sizeof(md), s[i].median_usd_per_gpu_hour);
        gp_fmt_usd(smn, sizeof(smn), s[i].min_spot_usd_per_gpu_hour);
        gp_fmt_usd(smd, sizeof(smd), s[i].median_spot_usd_per_gpu_hour);
        const char *cells[] = {s[i].gpu, a ? a->vendor : "-", mem, tf, bw, prov,
                               offers, mn, md, smn, smd};
        if (gp_table_add(t, cells) != 0) {
            gp_table_free(t);
            return GP_EXIT_FAIL;
        }
    }
    gp_table_show(t, fmt, gp_arg_set(args, "wide"));
    if (fmt != FMT_MD) {
        gp_note("BF16 TF: peak dense TFLOPS (* fp16 where the chip has no bf16). "
                "$/H: per GPU-hour, on-demand, each (provider, instance type) "
                "counted once at its cheapest region.");
        if (hidden)
            gp_note("%zu accelerator names in the catalog have no specs; --all lists "
                    "them.", hidden);
    }
    gp_table_free(t);
    return GP_EXIT_OK;
}

static int run(const gp_cmd *cmd, gp_args *args)
{
    (void)cmd;
    gp_catalog *cat = NULL;
    int rc = gp_cli_load_catalog(args, &cat);
    if (rc)
        return rc;
    gp_gpu_summary *sums = NULL;
    size_t n = 0;
    gp_error err;
    gp_error_clear(&err);
    gp_gpu_match match;
    int have_match = 0;
    const char *gpu = gp_arg_text(args, "gpu", NULL);
    if (gpu) {
        gp_status st = gp_gpu_match_resolve(cat, gpu, &match, &err);
        if (st != GP_OK) {
            rc = gp_report("gpus", st, &err);
            goto out;
        }
        have_match = 1;
    }
    gp_status st = gp_gpu_summaries(cat, &sums, &n, &err);
    if (st != GP_OK) {
        rc = gp_report("gpus", st, &err);
        goto out;
    }
    size_t m = 0, hidden = 0;
    for (size_t i = 0; i < n; i++) {
        gp_gpu_summary *s = &sums[i];
        if (have_match) {
            gp_offer probe = {0};
            probe.gpu = s->gpu;
            probe.accel = s->accel;
            if (!gp_gpu_match_offer(&match, &probe))
                continue;
        }
        if (gp_arg_set(args, "offered") && s->offers == 0)
            continue;
        if (!s->accel && !gp_arg_set(args, "all") && !have_match) {
            hidden++;
            continue;
        }
        sums[m++] = *s;
    }
    gp_format fmt = (gp_format)gp_format_parse(gp_arg_text(args, "format", "table"));
    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < m; i++)
            json_array_append_new(arr, summary_json(&sums[i]));
        rc = gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (fmt == FMT_CSV) {
        csv_out(sums, m);
    } else {
        rc = table_out(sums, m, fmt, args, hidden);
    }
out:
    free(sums);
    gp_catalog_free(cat);
    return rc;
}

const gp_cmd gp_cmd_gpus = {
    "gpus",
    "List accelerators: specs, and who offers them at what price.",
    "gpus [OPTIONS]",
    "One row per accelerator of data/accelerators.csv (peak dense TFLOPS per "
    "precision, memory, bandwidth, interconnect, TDP, each with its source), "
    "with the number of providers and offers that have it in the catalog and "
    "the minimum and median $/GPU-hour, on-demand and spot.",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan gpus\n"
    "gpuplan gpus --offered --format json\n"
    "gpuplan gpus --all --gpu 'RTX*'",
    run,
};
