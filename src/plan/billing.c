/* Billing granularity and minimums per provider (data/billing.csv). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "core/numparse.h"
#include "gpuplan/billing.h"

struct gp_billing {
    gp_arena arena;
    gp_billing_row *rows;
    size_t n;
};

typedef struct reader {
    gp_billing *b;
    const char *file;
} reader;

/* Seconds: a whole number from 1 s to one week. */
static gp_status seconds(const reader *r, long line, const char *col, const char *text,
                         double *out, gp_error *err)
{
    if (gp_parse_plain_number(text, out) != 0 || !(*out >= 1 && *out <= 604800) ||
        *out != floor(*out))
        return gp_fail(err, GP_EDATA, r->file, line,
                       "%s must be a whole number of seconds from 1 to 604800, not '%s'", col,
                       text);
    return GP_OK;
}

static gp_status row_fn(void *ctx, const char *const *v, long line, gp_error *err)
{
    reader *r = ctx;
    gp_billing *b = r->b;
    if (!v[0][0])
        return gp_fail(err, GP_EDATA, r->file, line, "empty provider");
    for (size_t i = 0; i < b->n; i++)
        if (strcasecmp(b->rows[i].provider, v[0]) == 0)
            return gp_fail(err, GP_EDATA, r->file, line, "provider '%s' listed twice", v[0]);
    double g, m;
    gp_status st = seconds(r, line, "granularity_seconds", v[1], &g, err);
    if (st == GP_OK)
        st = seconds(r, line, "minimum_seconds", v[2], &m, err);
    if (st != GP_OK)
        return st;
    if (strcmp(v[3], "published") && strcmp(v[3], "dated") && strcmp(v[3], "assumption"))
        return gp_fail(err, GP_EDATA, r->file, line,
                       "basis must be published, dated or assumption, not '%s'", v[3]);
    if (!v[4][0])
        return gp_fail(err, GP_EDATA, r->file, line, "every row needs a source");
    gp_billing_row *p = realloc(b->rows, (b->n + 1) * sizeof(*p));
    if (!p)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    b->rows = p;
    b->rows[b->n++] = (gp_billing_row){v[0], g, m, v[3], v[4]};
    return GP_OK;
}

gp_status gp_billing_load_buffer(const char *name, const char *data, size_t len,
                                 gp_billing **out, gp_error *err)
{
    static const char *const COLUMNS[] = {"provider", "granularity_seconds",
                                          "minimum_seconds", "basis", "source"};
    *out = NULL;
    gp_billing *b = calloc(1, sizeof(*b));
    if (!b)
        return gp_fail(err, GP_ENOMEM, name, 0, "out of memory");
    gp_arena_init(&b->arena);
    reader r = {b, name};
    gp_status st = gp_csv_parse_named(name, data, len, COLUMNS, 5, &b->arena, row_fn, &r, err);
    if (st != GP_OK) {
        gp_billing_free(b);
        return st;
    }
    *out = b;
    return GP_OK;
}

gp_status gp_billing_load_default(gp_billing **out, gp_error *err)
{
    const gp_embedded_file *f = gp_embedded_find("billing.csv");
    if (!f) {
        *out = NULL;
        return gp_fail(err, GP_EIO, "billing.csv", 0, "not compiled into this build");
    }
    return gp_billing_load_buffer("embedded:billing.csv", f->data, f->len, out, err);
}

void gp_billing_free(gp_billing *b)
{
    if (!b)
        return;
    free(b->rows);
    gp_arena_free(&b->arena);
    free(b);
}

const gp_billing_row *gp_billing_for(const gp_billing *b, const char *provider)
{
    if (!b)
        return NULL;
    const gp_billing_row *any = NULL;
    for (size_t i = 0; i < b->n; i++) {
        if (provider && strcasecmp(b->rows[i].provider, provider) == 0)
            return &b->rows[i];
        if (strcmp(b->rows[i].provider, "*") == 0)
            any = &b->rows[i];
    }
    return any;
}

double gp_billing_hours(const gp_billing_row *row, double hours)
{
    if (!row || !isfinite(hours) || !(hours >= 0))
        return hours;
    double s = hours * 3600.0;
    if (s < row->minimum_seconds)
        s = row->minimum_seconds;
    /* A tiny tolerance so 3600.0000001 s is not billed as two hours. */
    s = ceil(s / row->granularity_seconds - 1e-9) * row->granularity_seconds;
    return s / 3600.0;
}
