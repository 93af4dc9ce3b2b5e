/* Provider facts compiled into the binary: provider kinds, inter-node
 * fabric by instance pattern, provider-specific accelerator names, and the
 * GCP machine families that carry a fixed accelerator. Each file lives in
 * data/ with a source for every row. */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "core/numparse.h"

typedef struct table_ctx {
    gp_catalog *cat;
    const char *file;
    const char *const *columns;
    int ncols;
    int col[8];
    int have_header;
    gp_status (*row)(struct table_ctx *t, const char *const *v, long line,
                     gp_error *err);
    void *arr;
    size_t n, cap, size;
} table_ctx;

static gp_status table_row(const gp_csv_row *row, void *vctx, gp_error *err)
{
    table_ctx *t = vctx;
    if (!t->have_header) {
        for (int i = 0; i < t->ncols; i++)
            if ((t->col[i] = gp_csv_column(row, t->columns[i])) < 0)
                return gp_fail(err, GP_EDATA, t->file, row->line,
                               "missing column %s", t->columns[i]);
        t->have_header = 1;
        return GP_OK;
    }
    const char *v[8];
    for (int i = 0; i < t->ncols; i++) {
        const char *f = (size_t)t->col[i] < row->nfields ? row->fields[t->col[i]]
                                                         : "";
        if (!(v[i] = gp_catalog_intern(t->cat, f)))
            return gp_fail(err, GP_ENOMEM, t->file, row->line, "out of memory");
    }
    if (gp_grow(&t->arr, &t->cap, t->n, t->size) != 0)
        return gp_fail(err, GP_ENOMEM, t->file, row->line, "out of memory");
    return t->row(t, v, row->line, err);
}

static gp_status kind_row(table_ctx *t, const char *const *v, long line,
                          gp_error *err)
{
    int kind = gp_kind_parse(v[1]);
    if (kind < 0)
        return gp_fail(err, GP_EDATA, t->file, line, "unknown kind '%s'", v[1]);
    ((gp_kind_fact *)t->arr)[t->n++] = (gp_kind_fact){v[0], (gp_kind)kind};
    return GP_OK;
}

static gp_status fabric_row(table_ctx *t, const char *const *v, long line,
                            gp_error *err)
{
    int fabric = gp_fabric_parse(v[2]);
    double gbps = 0;
    if (fabric < 0)
        return gp_fail(err, GP_EDATA, t->file, line, "unknown fabric '%s'",
                       v[2]);
    if (gp_parse_plain_number(v[3], &gbps) != 0)
        return gp_fail(err, GP_EDATA, t->file, line, "gbps '%s' is not a number",
                       v[3]);
    ((gp_fabric_rule *)t->arr)[t->n++] =
        (gp_fabric_rule){v[0], v[1], (gp_fabric)fabric, gbps};
    return GP_OK;
}

static gp_status name_row(table_ctx *t, const char *const *v, long line,
                          gp_error *err)
{
    (void)line;
    (void)err;
    ((gp_name_rule *)t->arr)[t->n++] = (gp_name_rule){v[0], v[1], v[2]};
    return GP_OK;
}

static gp_status family_row(table_ctx *t, const char *const *v, long line,
                            gp_error *err)
{
    (void)line;
    (void)err;
    ((gp_gcp_family *)t->arr)[t->n++] = (gp_gcp_family){v[0], v[1]};
    return GP_OK;
}

static gp_status correction_row(table_ctx *t, const char *const *v, long line,
                                gp_error *err)
{
    double value = 0;
    if (strcmp(v[2], "gpu_count") != 0)
        return gp_fail(err, GP_EDATA, t->file, line,
                       "only gpu_count can be corrected, not '%s'", v[2]);
    if (gp_parse_plain_number(v[3], &value) != 0 || !(value > 0))
        return gp_fail(err, GP_EDATA, t->file, line, "value '%s' is not a count",
                       v[3]);
    ((gp_correction *)t->arr)[t->n++] = (gp_correction){v[0], v[1], value, v[4]};
    return GP_OK;
}

static gp_status pricing_row(table_ctx *t, const char *const *v, long line,
                             gp_error *err)
{
    int column = strcmp(v[2], "price") == 0 ? 0 : strcmp(v[2], "spot") == 0 ? 1 : -1;
    int kind = gp_pricing_kind_parse(v[3]);
    if (column < 0)
        return gp_fail(err, GP_EDATA, t->file, line,
                       "column must be 'price' or 'spot', not '%s'", v[2]);
    if (kind != GP_PRICING_AUCTION_FLOOR && kind != (column ? GP_PRICING_SPOT : GP_PRICING_ON_DEMAND))
        return gp_fail(err, GP_EDATA, t->file, line,
                       "the %s column can be %s or auction-floor, not '%s'", v[2],
                       column ? "spot" : "on-demand", v[3]);
    ((gp_pricing_rule *)t->arr)[t->n++] =
        (gp_pricing_rule){v[0], v[1], column, (gp_pricing_kind)kind};
    return GP_OK;
}

static gp_status load_table(gp_catalog *cat, const char *file,
                            const char *const *columns, int ncols,
                            size_t elem_size,
                            gp_status (*row)(table_ctx *, const char *const *,
                                             long, gp_error *),
                            void **out, size_t *nout, gp_error *err)
{
    const gp_embedded_file *f = gp_embedded_find(file);
    if (!f)
        return gp_fail(err, GP_EIO, file, 0, "not compiled into this build");
    table_ctx t = {0};
    t.cat = cat;
    t.file = file;
    t.columns = columns;
    t.ncols = ncols;
    t.row = row;
    t.size = elem_size;
    gp_status st = gp_csv_parse(file, f->data, f->len, table_row, &t, err);
    if (st != GP_OK) {
        free(t.arr);
        return st;
    }
    *out = t.arr;
    *nout = t.n;
    return GP_OK;
}

gp_status gp_facts_load(gp_catalog *cat, gp_error *err)
{
    static const char *const KIND_COLS[] = {"provider", "kind"};
    static const char *const FABRIC_COLS[] = {"provider", "instance_pattern",
                                              "fabric", "gbps"};
    static const char *const NAME_COLS[] = {"provider", "name", "means"};
    static const char *const FAMILY_COLS[] = {"prefix", "accelerator"};
    static const char *const CORRECTION_COLS[] = {"provider", "instance_type",
                                                  "field", "value", "source"};
    void *p = NULL;
    gp_status st = load_table(cat, "provider-kinds.csv", KIND_COLS, 2,
                              sizeof(gp_kind_fact), kind_row, &p, &cat->nkinds,
                              err);
    if (st != GP_OK)
        return st;
    cat->kinds = p;
    st = load_table(cat, "fabric.csv", FABRIC_COLS, 4, sizeof(gp_fabric_rule),
                    fabric_row, &p, &cat->nfabric_rules, err);
    if (st != GP_OK)
        return st;
    cat->fabric_rules = p;
    st = load_table(cat, "gpu-names.csv", NAME_COLS, 3, sizeof(gp_name_rule),
                    name_row, &p, &cat->nname_rules, err);
    if (st != GP_OK)
        return st;
    cat->name_rules = p;
    st = load_table(cat, "gcp-machine-gpus.csv", FAMILY_COLS, 2,
                    sizeof(gp_gcp_family), family_row, &p,
                    &cat->ngcp_families, err);
    if (st != GP_OK)
        return st;
    cat->gcp_families = p;
    st = load_table(cat, "corrections.csv", CORRECTION_COLS, 5,
                    sizeof(gp_correction), correction_row, &p,
                    &cat->ncorrections, err);
    if (st != GP_OK)
        return st;
    cat->corrections = p;
    static const char *const PRICING_COLS[] = {"provider", "format", "column", "kind"};
    st = load_table(cat, "pricing-kinds.csv", PRICING_COLS, 4, sizeof(gp_pricing_rule),
                    pricing_row, &p, &cat->npricing_rules, err);
    if (st != GP_OK)
        return st;
    cat->pricing_rules = p;
    return GP_OK;
}
