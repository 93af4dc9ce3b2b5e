/* gpuplan market prices: renders the $/GPU-hour distributions per
 * accelerator and the hyperscaler premium (computed by gpuplan/prices.h)
 * as tables, CSV, JSON and an SVG dot plot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpuplan/prices.h"
#include "load.h"
#include "market.h"
#include "svg.h"

/* ---- prices ----------------------------------------------------------------- */

typedef struct price_ctx {
    gp_catalog *cat;
    gp_offer_filter f;
    gp_gpu_match matches[16];
    size_t nmatches;
    const char **providers;
    char *pbuf;
} price_ctx;

static int price_setup(const gp_market_view *v, price_ctx *c)
{
    memset(c, 0, sizeof(*c));
    int rc = gp_cli_load_catalog(v->args, &c->cat);
    if (rc)
        return rc;
    gp_offer_filter_init(&c->f);
    const gp_opt_value *g = gp_arg(v->args, "gpu");
    if (g->set && g->nlist > 16)
        return gp_usage_error("market", "--gpu: at most 16 accelerators");
    for (size_t i = 0; g->set && i < g->nlist; i++) {
        gp_error err;
        gp_error_clear(&err);
        gp_status st = gp_gpu_match_resolve(c->cat, g->list[i], &c->matches[i], &err);
        if (st != GP_OK)
            return gp_report("market", st, &err);
        c->nmatches++;
    }
    c->providers = gp_cli_split_lists(gp_arg(v->args, "provider"), &c->f.nproviders, &c->pbuf);
    c->f.providers = c->providers;
    if ((rc = gp_cli_check_providers("market", c->cat, c->providers, c->f.nproviders,
                                     "provider")))
        return rc;
    if (gp_arg_set(v->args, "kind"))
        c->f.kind = gp_kind_parse(gp_arg_text(v->args, "kind", ""));
    return 0;
}

static void price_free(price_ctx *c)
{
    free(c->providers);
    free(c->pbuf);
    gp_catalog_free(c->cat);
}

/* Groups for every --gpu (or all accelerators). */
static gp_status price_groups(const price_ctx *c, int by_provider, gp_price_group **out,
                              size_t *n, gp_error *err)
{
    return gp_price_groups_for(c->cat, &c->f, c->matches, c->nmatches, by_provider, out, n,
                               err);
}

static json_t *stats_json(const gp_price_stats *s)
{
    json_t *j = json_object();
    json_object_set_new(j, "instance_types", json_integer((json_int_t)s->n));
    json_object_set_new(j, "min", gp_json_num(s->min));
    json_object_set_new(j, "median", gp_json_num(s->median));
    json_object_set_new(j, "p90", gp_json_num(s->p90));
    json_object_set_new(j, "max", gp_json_num(s->max));
    return j;
}

static void stats_csv(const gp_price_stats *s)
{
    gp_csv_num(stdout, (double)s->n, 0);
    gp_csv_num(stdout, s->min, 0);
    gp_csv_num(stdout, s->median, 0);
    gp_csv_num(stdout, s->p90, 0);
    gp_csv_num(stdout, s->max, 0);
}

static int prices_svg(price_ctx *c, const gp_price_group *g, size_t ng, const char *path)
{
    gp_price_point *p = NULL;
    size_t np = 0;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_price_points(c->cat, &c->f, 0, &p, &np, &err);
    if (st != GP_OK)
        return gp_report("market", st, &err);
    /* Each row holds at most its group's count of instance types. */
    size_t total = 0;
    for (size_t i = 0; i < ng; i++)
        total += g[i].on_demand.n;
    gp_svg_dots *rows = calloc(ng + 1, sizeof(*rows));
    double *vals = malloc((total + 1) * sizeof(double));
    char(*labels)[64] = calloc(ng + 1, sizeof(*labels));
    int rc = GP_EXIT_FAIL;
    if (!rows || !vals || !labels)
        goto out;
    size_t used = 0, nr = 0;
    for (size_t i = 0; i < ng; i++) {
        if (g[i].on_demand.n == 0)
            continue;
        double *v = vals + used;
        size_t k = gp_price_group_values(&g[i], p, np, v, g[i].on_demand.n);
        used += k;
        snprintf(labels[nr], sizeof(labels[nr]), "%s %s", g[i].gpu,
                 gp_price_group_name(&g[i]));
        rows[nr] =
            (gp_svg_dots){labels[nr], gp_price_group_name(&g[i]), v, k, g[i].on_demand.median};
        nr++;
    }
    rc = gp_svg_dotplot(path, "On-demand $/GPU-hour per instance type (tick: median)",
                        "$ per GPU-hour (log scale)", rows, nr, 1);
out:
    free(p);
    free(rows);
    free(vals);
    free(labels);
    return rc ? GP_EXIT_FAIL : GP_EXIT_OK;
}

static void prices_table(const gp_price_group *g, size_t ng, const gp_price_group *kinds,
                         size_t nk, const gp_market_view *v, int by_provider)
{
    gp_style st = gp_style_for(stdout);
    const gp_col cols[] = {
        {"GPU", 0, 0, 0, 0},       {by_provider ? "PROVIDER" : "KIND", 0, 0, 0, 0},
        {"N", 1, 0, 0, 0},         {"MIN", 1, 0, 0, 0},
        {"MEDIAN", 1, 0, 0, 0},    {"P90", 1, 0, 0, 2},
        {"MAX", 1, 0, 0, 4},       {"", 0, 0, 0, 3},
        {"SPOT N", 1, 0, 0, 1},    {"SPOT MIN", 1, 0, 0, 1},
        {"SPOT MED", 1, 0, 0, 1},
    };
    gp_table *t = gp_table_new(cols, sizeof(cols) / sizeof(cols[0]));
    if (!t)
        return;
    double top = 0;
    for (size_t i = 0; i < ng; i++)
        if (g[i].on_demand.p90 > top)
            top = g[i].on_demand.p90;
    double per_char = top > 0 ? top / 14 : 1;
    for (size_t i = 0; i < ng; i++) {
        char n[16], mn[16], med[16], p90[16], mx[16], bar[32], sn[16], smn[16], smed[16];
        const gp_price_stats *o = &g[i].on_demand, *s = &g[i].spot;
        snprintf(n, sizeof(n), "%zu", o->n);
        snprintf(sn, sizeof(sn), "%zu", s->n);
        gp_market_bar(bar, sizeof(bar), o->median, o->p90, per_char, 14);
        const char *cells[] = {g[i].gpu,
                               gp_price_group_name(&g[i]),
                               n,
                               gp_fmt_usd(mn, sizeof(mn), o->min),
                               gp_fmt_usd(med, sizeof(med), o->median),
                               gp_fmt_usd(p90, sizeof(p90), o->p90),
                               gp_fmt_usd(mx, sizeof(mx), o->max),
                               bar,
                               sn,
                               gp_fmt_usd(smn, sizeof(smn), s->min),
                               gp_fmt_usd(smed, sizeof(smed), s->median)};
        gp_table_add(t, cells);
    }
    gp_table_show(t, v->fmt, v->wide);
    gp_table_free(t);
    if (v->fmt != FMT_MD)
        gp_note("$ per GPU-hour, on-demand unless SPOT. N: instance types, each at its "
               "cheapest region. Bar: # to the median, - to P90 ($%.2f per character).", per_char);
    putchar('\n');

    const char *gpus[512];
    size_t ngpus = gp_price_group_gpus(kinds, nk, gpus, 512);
    const gp_col pcols[] = {{"GPU", 0, 0, 0, 0},
                            {"HYPERSCALER MEDIAN", 1, 0, 0, 0},
                            {"NEOCLOUD MEDIAN", 1, 0, 0, 0},
                            {"PREMIUM", 1, 0, 0, 0}};
    t = gp_table_new(pcols, 4);
    if (!t)
        return;
    for (size_t i = 0; i < ngpus; i++) {
        double prem = gp_price_premium(kinds, nk, gpus[i]);
        if (isnan(prem))
            continue;
        double hyper = gp_price_kind_median(kinds, nk, gpus[i], GP_KIND_HYPERSCALER);
        double neo = gp_price_kind_median(kinds, nk, gpus[i], GP_KIND_NEOCLOUD);
        char h[16], nb[16], pr[16];
        snprintf(pr, sizeof(pr), "%.2fx", prem);
        const char *cells[] = {gpus[i], gp_fmt_usd(h, sizeof(h), hyper),
                               gp_fmt_usd(nb, sizeof(nb), neo), pr};
        gp_table_add(t, cells);
    }
    if (gp_table_rows(t) > 0) {
        if (v->fmt != FMT_MD)
            printf("%sHyperscaler premium%s (median on-demand $/GPU-hour, hyperscaler over "
                   "neocloud):\n",
                   st.bold, st.reset);
        gp_table_show(t, v->fmt, v->wide);
    } else if (v->fmt != FMT_MD) {
        printf("No accelerator here is offered by both a hyperscaler and a neocloud, so "
               "no premium.\n");
    }
    gp_table_free(t);
}

int gp_market_prices(const gp_market_view *v)
{
    price_ctx c;
    int rc = price_setup(v, &c);
    gp_price_group *g = NULL, *kinds = NULL;
    size_t ng = 0, nk = 0;
    if (rc)
        goto out;
    int by_provider = strcmp(gp_arg_text(v->args, "by", "kind"), "provider") == 0;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = price_groups(&c, by_provider, &g, &ng, &err);
    /* The premium compares kinds over every provider: a --provider or
     * --kind filter would leave one side empty. */
    if (st == GP_OK) {
        price_ctx all = c;
        all.f.providers = NULL;
        all.f.nproviders = 0;
        all.f.kind = -1;
        st = price_groups(&all, 0, &kinds, &nk, &err);
    }
    if (st != GP_OK) {
        rc = gp_report("market", st, &err);
        goto out;
    }
    if (ng == 0) {
        fprintf(stderr, "gpuplan market: no priced offer matches\n");
        rc = GP_EXIT_OK;
        if (v->fmt == FMT_JSON)
            rc = gp_json_print(json_object()) ? GP_EXIT_FAIL : GP_EXIT_OK;
        goto out;
    }
    if (v->svg && (rc = prices_svg(&c, g, ng, v->svg)))
        goto out;
    if (v->fmt == FMT_JSON) {
        json_t *root = json_object(), *arr = json_array(), *prem = json_object();
        for (size_t i = 0; i < ng; i++) {
            json_t *j = json_object();
            json_object_set_new(j, "gpu", json_string(g[i].gpu));
            json_object_set_new(j, by_provider ? "provider" : "kind",
                                json_string(gp_price_group_name(&g[i])));
            json_object_set_new(j, "on_demand_usd_per_gpu_hour", stats_json(&g[i].on_demand));
            json_object_set_new(j, "spot_usd_per_gpu_hour", stats_json(&g[i].spot));
            json_array_append_new(arr, j);
        }
        const char *gpus[512];
        size_t ngpus = gp_price_group_gpus(kinds, nk, gpus, 512);
        for (size_t i = 0; i < ngpus; i++) {
            double p = gp_price_premium(kinds, nk, gpus[i]);
            if (!isnan(p))
                json_object_set_new(prem, gpus[i], json_real(p));
        }
        json_object_set_new(root, "groups", arr);
        json_object_set_new(root, "hyperscaler_premium", prem);
        json_object_set_new(root, "method",
                            json_string("each (provider, instance type) once, at its "
                                        "cheapest region; quantiles by linear interpolation"));
        rc = gp_json_print(root) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (v->fmt == FMT_CSV) {
        printf("gpu,%s,od_n,od_min,od_median,od_p90,od_max,spot_n,spot_min,spot_median,"
               "spot_p90,spot_max,hyperscaler_premium\n",
               by_provider ? "provider" : "kind");
        for (size_t i = 0; i < ng; i++) {
            gp_csv_cell(stdout, g[i].gpu, 1);
            gp_csv_cell(stdout, gp_price_group_name(&g[i]), 0);
            stats_csv(&g[i].on_demand);
            stats_csv(&g[i].spot);
            gp_csv_num(stdout, gp_price_premium(kinds, nk, g[i].gpu), 0);
            gp_csv_end(stdout);
        }
    } else {
        prices_table(g, ng, kinds, nk, v, by_provider);
    }
out:
    free(g);
    free(kinds);
    price_free(&c);
    return rc;
}
