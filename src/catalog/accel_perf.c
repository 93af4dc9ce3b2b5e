/* Measured matmul throughput and reference cluster networks per
 * accelerator: data/matmul-efficiency.csv and data/cluster-network.csv. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "gpuplan/accel.h"
#include "core/numparse.h"

typedef struct lookup {
    const char *file;
    const char *want;
    gp_accel_perf *out;
    int col[4];
    int have_header;
} lookup;

static const char *cell(const gp_csv_row *row, int i)
{
    return (i >= 0 && (size_t)i < row->nfields) ? row->fields[i] : "";
}

static gp_status header(lookup *lk, const gp_csv_row *row,
                        const char *const names[4], gp_error *err)
{
    for (int i = 0; i < 4; i++)
        if ((lk->col[i] = gp_csv_column(row, names[i])) < 0)
            return gp_fail(err, GP_EDATA, lk->file, row->line,
                           "missing column %s", names[i]);
    lk->have_header = 1;
    return GP_OK;
}

static gp_status matmul_row(const gp_csv_row *row, void *ctx, gp_error *err)
{
    static const char *const names[4] = {"accelerator", "precision",
                                         "mamf_tflops", "source"};
    lookup *lk = ctx;
    if (!lk->have_header)
        return header(lk, row, names, err);
    int prec = gp_precision_parse(cell(row, lk->col[1]));
    double tflops;
    if (prec < 0)
        return gp_fail(err, GP_EDATA, lk->file, row->line,
                       "unknown precision '%s'", cell(row, lk->col[1]));
    if (gp_parse_plain_number(cell(row, lk->col[2]), &tflops) != 0 ||
        !(tflops > 0))
        return gp_fail(err, GP_EDATA, lk->file, row->line,
                       "mamf_tflops is not a positive number: '%s'",
                       cell(row, lk->col[2]));
    if (strcasecmp(cell(row, lk->col[0]), lk->want) != 0)
        return GP_OK;
    lk->out->matmul_tflops[prec] = tflops;
    snprintf(lk->out->matmul_source[prec], GP_ACCEL_SOURCE_MAX, "%s",
             cell(row, lk->col[3]));
    return GP_OK;
}

static gp_status network_row(const gp_csv_row *row, void *ctx, gp_error *err)
{
    static const char *const names[4] = {"accelerator", "gpus_per_node",
                                         "internode_gbps_per_gpu", "source"};
    lookup *lk = ctx;
    if (!lk->have_header)
        return header(lk, row, names, err);
    double per_node, gbps;
    /* A scale-up domain is a node of GPUs or a whole TPU pod (8,960 TPU
     * v5p chips on one ICI torus). */
    if (gp_parse_plain_number(cell(row, lk->col[1]), &per_node) != 0 ||
        !(per_node >= 1) || per_node != floor(per_node) || per_node > 65536)
        return gp_fail(err, GP_EDATA, lk->file, row->line,
                       "gpus_per_node is not a whole number: '%s'",
                       cell(row, lk->col[1]));
    /* An empty bandwidth: not published (the job model then says which
     * figure it assumes). */
    if (!cell(row, lk->col[2])[0])
        gbps = NAN;
    else if (gp_parse_plain_number(cell(row, lk->col[2]), &gbps) != 0 || !(gbps > 0))
        return gp_fail(err, GP_EDATA, lk->file, row->line,
                       "internode_gbps_per_gpu is not a positive number: '%s'",
                       cell(row, lk->col[2]));
    if (strcasecmp(cell(row, lk->col[0]), lk->want) != 0)
        return GP_OK;
    lk->out->gpus_per_node = (int)per_node;
    lk->out->internode_gbps_per_gpu = gbps;
    snprintf(lk->out->network_source, GP_ACCEL_SOURCE_MAX, "%s",
             cell(row, lk->col[3]));
    return GP_OK;
}

static gp_status scan(const char *file, gp_csv_row_fn fn, lookup *lk,
                      gp_error *err)
{
    const gp_embedded_file *f = gp_embedded_find(file);
    if (!f)
        return gp_fail(err, GP_EIO, file, 0, "not compiled into this build");
    char name[128];
    snprintf(name, sizeof(name), "embedded:%s", file);
    lk->file = name;
    lk->have_header = 0;
    gp_status st = gp_csv_parse(name, f->data, f->len, fn, lk, err);
    lk->file = NULL;
    return st;
}

gp_status gp_accel_perf_lookup(const char *name, gp_accel_perf *out,
                               gp_error *err)
{
    memset(out, 0, sizeof(*out));
    for (int p = 0; p < GP_PREC_COUNT; p++)
        out->matmul_tflops[p] = NAN;
    out->internode_gbps_per_gpu = NAN;
    lookup lk = {.want = name ? name : "", .out = out};
    gp_status st = scan("matmul-efficiency.csv", matmul_row, &lk, err);
    if (st == GP_OK)
        st = scan("cluster-network.csv", network_row, &lk, err);
    return st;
}
