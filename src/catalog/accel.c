/* The accelerator table: data/accelerators.csv, and name resolution. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/accel_name.h"
#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "gpuplan/accel.h"
#include "core/numparse.h"

typedef struct entry {
    gp_accel accel;
    gp_accel_name name;    /* the canonical name, parsed */
    gp_form_factor form;   /* stated in the name, or read from interconnect */
    int plain;             /* the name states neither form nor memory */
} entry;

struct gp_accel_table {
    gp_arena arena;
    entry *entries;
    size_t count, cap;
};

static const char *const PRECISION_NAMES[GP_PREC_COUNT] = {
    "fp32", "tf32", "bf16", "fp16", "fp8"};

const char *gp_precision_name(gp_precision p)
{
    return (unsigned)p < GP_PREC_COUNT ? PRECISION_NAMES[p] : "?";
}

int gp_precision_parse(const char *name)
{
    for (int i = 0; i < GP_PREC_COUNT; i++)
        if (name && strcasecmp(name, PRECISION_NAMES[i]) == 0)
            return i;
    return -1;
}

enum col {
    C_NAME, C_VENDOR, C_MEMORY, C_BW, C_FP32, C_TF32, C_BF16, C_FP16, C_FP8,
    C_INTERCONNECT, C_INTRA, C_INTRA_UNIDIR, C_TDP, C_YEAR, C_SOURCE, C_NOTES,
    C_COUNT
};

static const char *const COLUMNS[C_COUNT] = {
    "name", "vendor", "memory_gb", "mem_bw_gbps", "fp32_tflops",
    "tf32_tflops", "bf16_tflops", "fp16_tflops", "fp8_tflops",
    "interconnect", "intra_node_bw_gbps", "intra_node_bw_unidir_gbps",
    "tdp_w", "launch_year", "source", "notes"};

typedef struct loader {
    gp_accel_table *t;
    const char *file;
    int col[C_COUNT];
    int have_header;
} loader;

static const char *field(const gp_csv_row *row, const loader *ld, enum col c)
{
    int i = ld->col[c];
    return (i >= 0 && (size_t)i < row->nfields) ? row->fields[i] : "";
}

static gp_status number(const gp_csv_row *row, const loader *ld, enum col c,
                        double *out, gp_error *err)
{
    const char *text = field(row, ld, c);
    if (gp_parse_plain_number(text, out) != 0)
        return gp_fail(err, GP_EDATA, ld->file, row->line,
                       "%s is not a number: '%s'", COLUMNS[c], text);
    return GP_OK;
}

/* Entries whose name states no form factor take it from the interconnect
 * column ("PCIe 4.0 x16" -> PCIe, "NVLink 4" -> SXM), so "V100 PCIe" does
 * not silently take the SXM2 card's specs. */
static gp_form_factor form_from_interconnect(const char *text)
{
    if (strstr(text, "PCIe") || strstr(text, "PCIE"))
        return GP_FORM_PCIE;
    if (strstr(text, "NVLink") || strstr(text, "SXM"))
        return GP_FORM_SXM;
    return GP_FORM_UNSTATED;
}

static gp_status on_row(const gp_csv_row *row, void *ctx, gp_error *err)
{
    loader *ld = ctx;
    if (!ld->have_header) {
        for (int c = 0; c < C_COUNT; c++)
            ld->col[c] = gp_csv_column(row, COLUMNS[c]);
        if (ld->col[C_NAME] < 0)
            return gp_fail(err, GP_EDATA, ld->file, row->line,
                           "no 'name' column in the header");
        ld->have_header = 1;
        return GP_OK;
    }
    gp_accel_table *t = ld->t;
    const char *name = field(row, ld, C_NAME);
    if (!*name)
        return gp_fail(err, GP_EDATA, ld->file, row->line, "empty name");
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        entry *e = realloc(t->entries, cap * sizeof(*e));
        if (!e)
            return gp_fail(err, GP_ENOMEM, ld->file, row->line, "out of memory");
        t->entries = e;
        t->cap = cap;
    }
    entry *e = &t->entries[t->count];
    memset(e, 0, sizeof(*e));
    gp_accel *a = &e->accel;
    gp_arena *ar = &t->arena;
    a->name = gp_arena_strdup(ar, name);
    a->vendor = gp_arena_strdup(ar, field(row, ld, C_VENDOR));
    a->interconnect = gp_arena_strdup(ar, field(row, ld, C_INTERCONNECT));
    a->source = gp_arena_strdup(ar, field(row, ld, C_SOURCE));
    a->notes = gp_arena_strdup(ar, field(row, ld, C_NOTES));
    if (!a->name || !a->vendor || !a->interconnect || !a->source || !a->notes)
        return gp_fail(err, GP_ENOMEM, ld->file, row->line, "out of memory");
    static const enum col FLOPS[GP_PREC_COUNT] = {C_FP32, C_TF32, C_BF16,
                                                  C_FP16, C_FP8};
    gp_status st = number(row, ld, C_MEMORY, &a->memory_gb, err);
    if (st == GP_OK)
        st = number(row, ld, C_BW, &a->mem_bw_gbps, err);
    for (int p = 0; st == GP_OK && p < GP_PREC_COUNT; p++)
        st = number(row, ld, FLOPS[p], &a->tflops[p], err);
    if (st == GP_OK)
        st = number(row, ld, C_INTRA, &a->intra_node_bw_gbps, err);
    if (st == GP_OK)
        st = number(row, ld, C_INTRA_UNIDIR, &a->intra_node_bw_unidir_gbps, err);
    if (st == GP_OK)
        st = number(row, ld, C_TDP, &a->tdp_w, err);
    double year = NAN;
    if (st == GP_OK)
        st = number(row, ld, C_YEAR, &year, err);
    if (st != GP_OK)
        return st;
    a->launch_year = isnan(year) ? 0 : (int)year;
    gp_accel_name_parse(a->name, &e->name);
    e->form = e->name.form;
    e->plain = e->name.form == GP_FORM_UNSTATED && isnan(e->name.memory_gb);
    if (e->form == GP_FORM_UNSTATED)
        e->form = form_from_interconnect(a->interconnect);
    t->count++;
    return GP_OK;
}

/* Loads from memory (data != NULL) or from the file at `name`. */
static gp_status load(const char *name, const char *data, size_t len,
                      gp_accel_table **out, gp_error *err)
{
    *out = NULL;
    gp_accel_table *t = calloc(1, sizeof(*t));
    if (!t)
        return gp_fail(err, GP_ENOMEM, name, 0, "out of memory");
    gp_arena_init(&t->arena);
    loader ld = {.t = t, .file = name};
    gp_status st = data ? gp_csv_parse(name, data, len, on_row, &ld, err)
                        : gp_csv_parse_file(name, on_row, &ld, err);
    if (st == GP_OK && !ld.have_header)
        st = gp_fail(err, GP_EDATA, name, 1, "empty file: no header");
    if (st != GP_OK) {
        gp_accel_table_free(t);
        return st;
    }
    *out = t;
    return GP_OK;
}

gp_status gp_accel_table_load_buffer(const char *name, const char *data,
                                     size_t len, gp_accel_table **out,
                                     gp_error *err)
{
    return load(name, data ? data : "", len, out, err);
}

gp_status gp_accel_table_load_file(const char *path, gp_accel_table **out,
                                   gp_error *err)
{
    return load(path, NULL, 0, out, err);
}

gp_status gp_accel_table_load_default(gp_accel_table **out, gp_error *err)
{
    const gp_embedded_file *f = gp_embedded_find("accelerators.csv");
    if (!f)
        return gp_fail(err, GP_EIO, "accelerators.csv", 0,
                       "not compiled into this build");
    return gp_accel_table_load_buffer("embedded:accelerators.csv", f->data,
                                      f->len, out, err);
}

void gp_accel_table_free(gp_accel_table *t)
{
    if (!t)
        return;
    gp_arena_free(&t->arena);
    free(t->entries);
    free(t);
}

size_t gp_accel_table_count(const gp_accel_table *t)
{
    return t ? t->count : 0;
}

const gp_accel *gp_accel_table_at(const gp_accel_table *t, size_t i)
{
    return (t && i < t->count) ? &t->entries[i].accel : NULL;
}

const gp_accel *gp_accel_find(const gp_accel_table *t, const char *name)
{
    for (size_t i = 0; t && name && i < t->count; i++)
        if (strcasecmp(t->entries[i].accel.name, name) == 0)
            return &t->entries[i].accel;
    return NULL;
}

/* Memory sizes match within 12%: catalogs report 22888 MiB for a 24 GB
 * A10G and 81559 MiB for an 80 GB H100. */
static int memory_matches(double a_gb, double b_gb)
{
    return fabs(a_gb - b_gb) <= 0.12 * b_gb;
}

static const entry *pick(const gp_accel_table *t, const gp_accel_name *q,
                         gp_form_factor form, double name_mem,
                         double soft_mem)
{
    const entry *best = NULL;
    int best_score = -1;
    for (size_t i = 0; i < t->count; i++) {
        const entry *e = &t->entries[i];
        if (strcmp(e->name.model, q->model) != 0)
            continue;
        double e_mem = e->accel.memory_gb;
        if (!isnan(name_mem) && !isnan(e_mem) && !memory_matches(name_mem, e_mem))
            continue;
        if (!isnan(soft_mem) && !isnan(e_mem) && !memory_matches(soft_mem, e_mem))
            continue;
        if (form != GP_FORM_UNSTATED && e->form != GP_FORM_UNSTATED &&
            e->form != form)
            continue;
        int score = e->plain ? 2 : 0;
        if (form != GP_FORM_UNSTATED && e->form == form)
            score += 1;
        if (score > best_score) {
            best = e;
            best_score = score;
        }
    }
    return best;
}

const gp_accel *gp_accel_resolve(const gp_accel_table *t, const char *raw,
                                 const char *hint, double reported_memory_gb,
                                 int *memory_ignored)
{
    if (memory_ignored)
        *memory_ignored = 0;
    if (!t || !raw)
        return NULL;
    gp_accel_name q;
    gp_accel_name_parse(raw, &q);
    if (!q.model[0])
        return NULL;
    gp_form_factor hint_form = gp_accel_name_parse_hint(hint);
    gp_form_factor form = q.form;
    if (form == GP_FORM_UNSTATED)
        form = hint_form;
    else if (hint_form == GP_FORM_NVL)
        form = GP_FORM_NVL;
    if (form == GP_FORM_AMBIGUOUS)
        return NULL;
    const entry *e = pick(t, &q, form, q.memory_gb, reported_memory_gb);
    if (!e && !isnan(reported_memory_gb)) {
        e = pick(t, &q, form, q.memory_gb, NAN);
        if (e && memory_ignored)
            *memory_ignored = 1;
    }
    return e ? &e->accel : NULL;
}
