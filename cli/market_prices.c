/* gpuplan market prices|claims|providers: the market as the catalog shows
 * it: $/GPU-hour distributions, the common claims checked, and each
 * provider's choice factors (data/providers.csv beside the catalog). */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gpuplan/prices.h"
#include "gpuplan/terms.h"
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

/* Groups for every --gpu (or all accelerators), concatenated. */
static gp_status price_groups(price_ctx *c, int by_provider, gp_price_group **out, size_t *n,
                              gp_error *err)
{
    *out = NULL;
    *n = 0;
    if (c->nmatches == 0)
        return gp_price_groups(c->cat, &c->f, by_provider, out, n, err);
    for (size_t i = 0; i < c->nmatches; i++) {
        gp_offer_filter f = c->f;
        f.gpu = &c->matches[i];
        gp_price_group *g = NULL;
        size_t ng = 0;
        gp_status st = gp_price_groups(c->cat, &f, by_provider, &g, &ng, err);
        if (st != GP_OK) {
            free(*out);
            return st;
        }
        gp_price_group *grown = realloc(*out, (*n + ng + 1) * sizeof(*grown));
        if (!grown) {
            free(g);
            free(*out);
            *out = NULL;
            snprintf(err->message, sizeof(err->message), "out of memory");
            return GP_ENOMEM;
        }
        *out = grown;
        /* Two --gpu names may match one accelerator ("H100", "H100*"):
         * each group once. */
        for (size_t k = 0; k < ng; k++) {
            size_t j = 0;
            while (j < *n && !(strcmp(grown[j].gpu, g[k].gpu) == 0 && grown[j].kind == g[k].kind &&
                               strcmp(grown[j].provider ? grown[j].provider : "",
                                      g[k].provider ? g[k].provider : "") == 0))
                j++;
            if (j == *n)
                grown[(*n)++] = g[k];
        }
        free(g);
    }
    return GP_OK;
}

static const char *group_name(const gp_price_group *g)
{
    return g->provider ? g->provider : gp_kind_name((gp_kind)g->kind);
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

/* Accelerators in group order, each once. */
static size_t gpus_of(const gp_price_group *g, size_t n, const char **out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(out[k - 1], g[i].gpu))
            if (k < cap)
                out[k++] = g[i].gpu;
    return k;
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
        size_t k = 0;
        for (size_t j = 0; j < np && k < g[i].on_demand.n; j++)
            if (!strcmp(p[j].gpu, g[i].gpu) &&
                (g[i].provider ? !strcmp(p[j].provider, g[i].provider) : p[j].kind == g[i].kind))
                v[k++] = p[j].usd;
        used += k;
        snprintf(labels[nr], sizeof(labels[nr]), "%s %s", g[i].gpu, group_name(&g[i]));
        rows[nr] = (gp_svg_dots){labels[nr], group_name(&g[i]), v, k, g[i].on_demand.median};
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
                               group_name(&g[i]),
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
    size_t ngpus = gpus_of(kinds, nk, gpus, 512);
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
        double hyper = NAN, neo = NAN;
        for (size_t k = 0; k < nk; k++) {
            if (strcmp(kinds[k].gpu, gpus[i]))
                continue;
            if (kinds[k].kind == GP_KIND_HYPERSCALER)
                hyper = kinds[k].on_demand.median;
            if (kinds[k].kind == GP_KIND_NEOCLOUD)
                neo = kinds[k].on_demand.median;
        }
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
                                json_string(group_name(&g[i])));
            json_object_set_new(j, "on_demand_usd_per_gpu_hour", stats_json(&g[i].on_demand));
            json_object_set_new(j, "spot_usd_per_gpu_hour", stats_json(&g[i].spot));
            json_array_append_new(arr, j);
        }
        const char *gpus[512];
        size_t ngpus = gpus_of(kinds, nk, gpus, 512);
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
            gp_csv_cell(stdout, group_name(&g[i]), 0);
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

/* ---- claims ----------------------------------------------------------------- */

int gp_market_claims(const gp_market_view *v)
{
    gp_catalog *cat = NULL;
    int rc = gp_cli_load_catalog(v->args, &cat);
    if (rc)
        return rc;
    gp_claim c[GP_CLAIMS];
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_price_claims(cat, c, &err);
    if (st != GP_OK) {
        gp_catalog_free(cat);
        return gp_report("market", st, &err);
    }
    if (v->fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (int i = 0; i < GP_CLAIMS; i++) {
            json_t *j = json_object();
            json_object_set_new(j, "id", json_string(c[i].id));
            json_object_set_new(j, "claim", json_string(c[i].text));
            json_object_set_new(j, "verdict", json_string(gp_verdict_name(c[i].verdict)));
            json_object_set_new(j, "evidence", json_string(c[i].evidence));
            json_object_set_new(j, "rule", json_string(c[i].rule));
            json_object_set_new(j, "claim_source", json_string(c[i].basis));
            json_array_append_new(arr, j);
        }
        rc = gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (v->fmt == FMT_CSV) {
        fputs("id,claim,verdict,evidence,rule,claim_source\n", stdout);
        for (int i = 0; i < GP_CLAIMS; i++) {
            gp_csv_cell(stdout, c[i].id, 1);
            gp_csv_cell(stdout, c[i].text, 0);
            gp_csv_cell(stdout, gp_verdict_name(c[i].verdict), 0);
            gp_csv_cell(stdout, c[i].evidence, 0);
            gp_csv_cell(stdout, c[i].rule, 0);
            gp_csv_cell(stdout, c[i].basis, 0);
            gp_csv_end(stdout);
        }
    } else if (v->fmt == FMT_MD) {
        const gp_col cols[] = {{"Claim", 0, 0, 0, 0}, {"Verdict", 0, 0, 0, 0},
                               {"Evidence", 0, 0, 0, 0}, {"Rule", 0, 0, 0, 0}};
        gp_table *t = gp_table_new(cols, 4);
        for (int i = 0; t && i < GP_CLAIMS; i++) {
            const char *cells[] = {c[i].text, gp_verdict_name(c[i].verdict), c[i].evidence,
                                   c[i].rule};
            gp_table_add(t, cells);
        }
        if (t)
            gp_table_show(t, FMT_MD, 1);
        gp_table_free(t);
    } else {
        gp_style s = gp_style_for(stdout);
        for (int i = 0; i < GP_CLAIMS; i++) {
            const char *colour = c[i].verdict == GP_VERDICT_HOLDS          ? s.green
                                 : c[i].verdict == GP_VERDICT_PARTLY        ? s.yellow
                                 : c[i].verdict == GP_VERDICT_DOES_NOT_HOLD ? s.red
                                                                            : s.dim;
            printf("%s%d. \"%s\"%s  %s%s%s\n", s.bold, i + 1, c[i].text, s.reset, colour,
                   gp_verdict_name(c[i].verdict), s.reset);
            char line[GP_EVIDENCE_LEN + 32];
            size_t width = gp_terminal_width();
            snprintf(line, sizeof(line), "evidence: %s", c[i].evidence);
            fputs("   ", stdout);
            gp_wrap(line, 3, 13, width);
            snprintf(line, sizeof(line), "rule: %s", c[i].rule);
            printf("   %s", s.dim);
            gp_wrap(line, 3, 9, width);
            fputs(s.reset, stdout);
        }
        gp_note("Claims: the 2025 market picture of the market note (--format json gives each "
                "claim's source). Evidence: the offers loaded, each instance type once at its "
                "cheapest region; 'gpuplan catalog info' says which and how dated.");
    }
    gp_catalog_free(cat);
    return rc;
}

/* ---- providers -------------------------------------------------------------- */

typedef struct provider_row {
    const char *name;
    gp_kind kind;
    size_t offers, instance_types, regions, accels;
    char accel_list[256];
    const gp_offer *h100, *a100; /* cheapest on-demand per GPU-hour */
    double spot_max_seen;        /* deepest spot discount in the catalog */
    size_t spot_offers;
    const gp_provider_facts *facts;
} provider_row;

/* Whether a space-separated list holds `word` as a whole word ("H100" is
 * not in "H100-PCIe"). */
static int has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p++)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

static int cmp_by_instance(const void *a, const void *b)
{
    const gp_offer *x = *(const gp_offer *const *)a, *y = *(const gp_offer *const *)b;
    int c = strcmp(x->provider, y->provider);
    return c ? c : strcmp(x->instance_type, y->instance_type);
}

static int cmp_by_region(const void *a, const void *b)
{
    const gp_offer *x = *(const gp_offer *const *)a, *y = *(const gp_offer *const *)b;
    int c = strcmp(x->provider, y->provider);
    return c ? c : strcmp(x->region, y->region);
}

static provider_row *row_of(provider_row *rows, size_t n, const char *provider)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(rows[k].name, provider))
            return &rows[k];
    return NULL;
}

/* Distinct instance types and named regions per provider: sort once by
 * each key and count the changes. */
static void count_distinct(const gp_offer *o, size_t n, provider_row *rows, size_t nr)
{
    const gp_offer **p = malloc((n ? n : 1) * sizeof(*p));
    if (!p)
        return;
    for (size_t i = 0; i < n; i++)
        p[i] = &o[i];
    qsort(p, n, sizeof(*p), cmp_by_instance);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || cmp_by_instance(&p[i - 1], &p[i]) != 0) {
            provider_row *r = row_of(rows, nr, p[i]->provider);
            if (r)
                r->instance_types++;
        }
    qsort(p, n, sizeof(*p), cmp_by_region);
    for (size_t i = 0; i < n; i++)
        if (p[i]->region[0] && (i == 0 || cmp_by_region(&p[i - 1], &p[i]) != 0)) {
            provider_row *r = row_of(rows, nr, p[i]->provider);
            if (r)
                r->regions++;
        }
    free(p);
}

static int family(const gp_offer *o, const char *prefix)
{
    return o->accel && strncmp(o->accel->name, prefix, strlen(prefix)) == 0;
}

static void cheaper(const gp_offer **best, const gp_offer *o)
{
    double usd = gp_offer_usd_per_gpu_hour(o);
    if (usd > 0 && (!*best || usd < gp_offer_usd_per_gpu_hour(*best)))
        *best = o;
}

static size_t provider_rows(const gp_catalog *cat, const gp_terms *terms, provider_row *rows,
                            size_t cap)
{
    const gp_offer *o = gp_catalog_offers(cat);
    size_t n = gp_catalog_offer_count(cat), nr = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nr && strcmp(rows[k].name, o[i].provider))
            k++;
        if (k == nr) {
            if (nr == cap)
                continue;
            memset(&rows[nr], 0, sizeof(rows[nr]));
            rows[nr].name = o[i].provider;
            rows[nr].kind = o[i].kind;
            rows[nr].spot_max_seen = NAN;
            rows[nr].facts = gp_terms_provider(terms, o[i].provider);
            nr++;
        }
        provider_row *r = &rows[k];
        r->offers++;
        const char *gpu = o[i].accel ? o[i].accel->name : o[i].gpu;
        if (gpu[0] && !has_word(r->accel_list, gpu)) {
            size_t used = strlen(r->accel_list);
            r->accels++;
            snprintf(r->accel_list + used, sizeof(r->accel_list) - used, "%s%s",
                     used ? " " : "", gpu);
        }
        if (family(&o[i], "H100"))
            cheaper(&r->h100, &o[i]);
        if (family(&o[i], "A100"))
            cheaper(&r->a100, &o[i]);
        double d = gp_offer_spot_discount(&o[i]);
        if (!isnan(o[i].spot_usd_per_hour))
            r->spot_offers++;
        if (!isnan(d) && (isnan(r->spot_max_seen) || d > r->spot_max_seen))
            r->spot_max_seen = d;
    }
    count_distinct(o, n, rows, nr);
    return nr;
}

static int cmp_provider_rows(const void *a, const void *b)
{
    const provider_row *x = a, *y = b;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return strcmp(x->name, y->name);
}

/* A providers.csv cell, or "?" when the source said nothing. */
static const char *fact(const provider_row *r, size_t offset)
{
    if (!r->facts)
        return "?";
    const char *s = *(const char *const *)((const char *)r->facts + offset);
    return s && s[0] ? s : "?";
}
#define FACT(r, field) fact((r), offsetof(gp_provider_facts, field))

static const char *offer_price(char *buf, size_t cap, const gp_offer *o)
{
    if (!o)
        return strcpy(buf, "-");
    return gp_fmt_usd(buf, cap, gp_offer_usd_per_gpu_hour(o));
}

static json_t *offer_ref(const gp_offer *o)
{
    if (!o)
        return json_null();
    json_t *j = json_object();
    json_object_set_new(j, "usd_per_gpu_hour", json_real(gp_offer_usd_per_gpu_hour(o)));
    json_object_set_new(j, "gpu", json_string(o->accel->name));
    json_object_set_new(j, "instance_type", json_string(o->instance_type));
    json_object_set_new(j, "region", gp_json_str(o->region));
    json_object_set_new(j, "source", json_string(o->source));
    json_object_set_new(j, "line", json_integer(o->line));
    json_object_set_new(j, "as_of", gp_json_str(o->as_of));
    return j;
}

static json_t *fact_json(const provider_row *r, size_t offset)
{
    const char *s = fact(r, offset);
    return strcmp(s, "?") ? json_string(s) : json_null();
}
#define FACT_JSON(r, field) fact_json((r), offsetof(gp_provider_facts, field))

static json_t *provider_json(const provider_row *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "provider", json_string(r->name));
    json_object_set_new(j, "kind", json_string(gp_kind_name(r->kind)));
    json_object_set_new(j, "offers", json_integer((json_int_t)r->offers));
    json_object_set_new(j, "instance_types", json_integer((json_int_t)r->instance_types));
    json_object_set_new(j, "regions", json_integer((json_int_t)r->regions));
    json_object_set_new(j, "accelerators", json_string(r->accel_list));
    json_object_set_new(j, "cheapest_h100", offer_ref(r->h100));
    json_object_set_new(j, "cheapest_a100", offer_ref(r->a100));
    json_object_set_new(j, "spot_offers", json_integer((json_int_t)r->spot_offers));
    json_object_set_new(j, "spot_max_discount_in_catalog", gp_json_num(r->spot_max_seen));
    json_object_set_new(j, "spot_available", FACT_JSON(r, spot_available));
    json_object_set_new(j, "spot_max_discount_pct", FACT_JSON(r, spot_max_discount_pct));
    json_object_set_new(j, "spot_notice", FACT_JSON(r, spot_notice));
    json_object_set_new(j, "reserved", FACT_JSON(r, reserved));
    json_object_set_new(j, "reserved_max_discount_pct", FACT_JSON(r, reserved_max_discount_pct));
    json_object_set_new(j, "sustained_use_discount", FACT_JSON(r, sustained_use_discount));
    json_object_set_new(j, "egress_usd_per_gb", FACT_JSON(r, egress_usd_per_gb));
    json_object_set_new(j, "egress_notes", FACT_JSON(r, egress_notes));
    json_object_set_new(j, "managed_ml", FACT_JSON(r, managed_ml));
    json_object_set_new(j, "tpus", FACT_JSON(r, tpus));
    json_object_set_new(j, "free_tier_credits", FACT_JSON(r, free_tier));
    json_object_set_new(j, "multinode_fabric", FACT_JSON(r, fabric));
    json_object_set_new(j, "sources", FACT_JSON(r, sources));
    return j;
}

/* "no", "No (none listed)": the source says there is none. */
static int says_no(const char *text)
{
    return strncasecmp(text, "no", 2) == 0 && !isalpha((unsigned char)text[2]);
}

/* "/GPU-h (H100 p5.48xlarge us-east-1, FILE:LINE)" after a price. */
static void offer_where(const gp_offer *o)
{
    if (!o)
        return;
    printf("/GPU-h (%s %s%s%s, %s:%u)", o->accel->name, o->instance_type, o->region[0] ? " " : "",
           o->region, o->source, o->line);
}

static void provider_card(const provider_row *r, gp_style st)
{
    char h[16], a[16];
    printf("%s%s%s (%s)\n", st.bold, r->name, st.reset, gp_kind_name(r->kind));
    printf("  catalog:         offers %zu, instance types %zu, ", r->offers, r->instance_types);
    if (r->regions)
        printf("regions %zu\n", r->regions);
    else
        printf("regions not given\n");
    printf("  accelerators:    %s\n", r->accel_list[0] ? r->accel_list : "-");
    printf("  cheapest H100:   %s", offer_price(h, sizeof(h), r->h100));
    offer_where(r->h100);
    printf("\n  cheapest A100:   %s", offer_price(a, sizeof(a), r->a100));
    offer_where(r->a100);
    printf("\n  spot:            %s", FACT(r, spot_available));
    if (!says_no(FACT(r, spot_available)))
        printf("; up to %s%% off stated; notice: %s", FACT(r, spot_max_discount_pct),
               FACT(r, spot_notice));
    putchar('\n');
    if (r->spot_offers)
        printf("                   catalog: %zu offers with a spot price, deepest %.0f%% off\n",
               r->spot_offers, 100 * r->spot_max_seen);
    printf("  reservations:    %s", FACT(r, reserved));
    if (strcmp(FACT(r, reserved_max_discount_pct), "?"))
        printf(" (up to %s%% off)", FACT(r, reserved_max_discount_pct));
    putchar('\n');
    if (strcmp(FACT(r, sustained_use_discount), "?"))
        printf("  sustained use:   %s\n", FACT(r, sustained_use_discount));
    printf("  egress:          $%s/GB first tier; %s\n", FACT(r, egress_usd_per_gb),
           FACT(r, egress_notes));
    printf("  managed ML:      %s\n", FACT(r, managed_ml));
    printf("  TPUs:            %s\n", FACT(r, tpus));
    printf("  free tier:       %s\n", FACT(r, free_tier));
    printf("  fabric:          %s\n", FACT(r, fabric));
    printf("  %ssources: %s%s\n\n", st.dim, FACT(r, sources), st.reset);
}

static const char *pct_cell(char *buf, size_t cap, const char *text, const char *available)
{
    if (available && says_no(available))
        return strcpy(buf, "no");
    if (!strcmp(text, "?"))
        return "?";
    snprintf(buf, cap, "%s%%", text);
    return buf;
}

int gp_market_providers(const gp_market_view *v)
{
    gp_catalog *cat = NULL;
    gp_terms *terms = NULL;
    int rc = gp_cli_load_catalog(v->args, &cat);
    if (rc)
        return rc;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_terms_load_default(&terms, &err);
    size_t np = 0;
    char *pbuf = NULL;
    const char **want = NULL;
    provider_row *rows = NULL;
    if (st != GP_OK) {
        rc = gp_report("market", st, &err);
        goto out;
    }
    want = gp_cli_split_lists(gp_arg(v->args, "provider"), &np, &pbuf);
    if ((rc = gp_cli_check_providers("market", cat, want, np, "provider")))
        goto out;
    rows = calloc(256, sizeof(*rows));
    if (!rows) {
        rc = GP_EXIT_FAIL;
        goto out;
    }
    size_t nr = provider_rows(cat, terms, rows, 256);
    qsort(rows, nr, sizeof(*rows), cmp_provider_rows);
    int kind = gp_arg_set(v->args, "kind") ? gp_kind_parse(gp_arg_text(v->args, "kind", ""))
                                           : -1;
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        int keep = kind < 0 || (int)rows[i].kind == kind;
        if (want) {
            int named = 0;
            for (size_t j = 0; j < np; j++)
                named |= strcasecmp(want[j], rows[i].name) == 0;
            keep &= named;
        }
        if (keep)
            rows[k++] = rows[i];
    }
    nr = k;
    gp_style sty = gp_style_for(stdout);
    if (v->fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < nr; i++)
            json_array_append_new(arr, provider_json(&rows[i]));
        rc = gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (v->fmt == FMT_CSV) {
        fputs("provider,kind,offers,instance_types,regions,accelerators,h100_usd_per_gpu_hour,"
              "h100_instance,a100_usd_per_gpu_hour,a100_instance,spot_offers,"
              "spot_max_discount_in_catalog,spot_available,spot_max_discount_pct,spot_notice,"
              "reserved,reserved_max_discount_pct,egress_usd_per_gb,managed_ml,tpus,"
              "free_tier_credits,multinode_fabric,sources\n",
              stdout);
        for (size_t i = 0; i < nr; i++) {
            const provider_row *r = &rows[i];
            gp_csv_cell(stdout, r->name, 1);
            gp_csv_cell(stdout, gp_kind_name(r->kind), 0);
            gp_csv_num(stdout, (double)r->offers, 0);
            gp_csv_num(stdout, (double)r->instance_types, 0);
            gp_csv_num(stdout, (double)r->regions, 0);
            gp_csv_cell(stdout, r->accel_list, 0);
            gp_csv_num(stdout, r->h100 ? gp_offer_usd_per_gpu_hour(r->h100) : NAN, 0);
            gp_csv_cell(stdout, r->h100 ? r->h100->instance_type : "", 0);
            gp_csv_num(stdout, r->a100 ? gp_offer_usd_per_gpu_hour(r->a100) : NAN, 0);
            gp_csv_cell(stdout, r->a100 ? r->a100->instance_type : "", 0);
            gp_csv_num(stdout, (double)r->spot_offers, 0);
            gp_csv_num(stdout, r->spot_max_seen, 0);
            const size_t fields[] = {
                offsetof(gp_provider_facts, spot_available),
                offsetof(gp_provider_facts, spot_max_discount_pct),
                offsetof(gp_provider_facts, spot_notice),
                offsetof(gp_provider_facts, reserved),
                offsetof(gp_provider_facts, reserved_max_discount_pct),
                offsetof(gp_provider_facts, egress_usd_per_gb),
                offsetof(gp_provider_facts, managed_ml),
                offsetof(gp_provider_facts, tpus),
                offsetof(gp_provider_facts, free_tier),
                offsetof(gp_provider_facts, fabric),
                offsetof(gp_provider_facts, sources)};
            for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
                const char *s = fact(r, fields[f]);
                gp_csv_cell(stdout, strcmp(s, "?") ? s : "", 0);
            }
            gp_csv_end(stdout);
        }
    } else if (want && v->fmt == FMT_TABLE) {
        for (size_t i = 0; i < nr; i++)
            provider_card(&rows[i], sty);
    } else {
        const gp_col cols[] = {
            {"PROVIDER", 0, 0, 0, 0},  {"KIND", 0, 0, 0, 3},      {"GPUS", 1, 0, 0, 4},
            {"TYPES", 1, 0, 0, 5},     {"REGIONS", 1, 0, 0, 4},   {"H100", 1, 0, 0, 0},
            {"A100", 1, 0, 0, 0},      {"SPOT OFF", 1, 0, 0, 1},  {"RESERVED", 1, 0, 0, 1},
            {"EGRESS/GB", 1, 0, 0, 2}, {"TPUS", 0, 12, 3, 6},     {"MANAGED ML", 0, 28, 8, 7},
        };
        gp_table *t = gp_table_new(cols, sizeof(cols) / sizeof(cols[0]));
        for (size_t i = 0; t && i < nr; i++) {
            const provider_row *r = &rows[i];
            char gpus[24], types[24], regions[24], h[16], a[16], spot[32], res[32], eg[32];
            snprintf(gpus, sizeof(gpus), "%zu", r->accels);
            snprintf(types, sizeof(types), "%zu", r->instance_types);
            if (r->regions)
                snprintf(regions, sizeof(regions), "%zu", r->regions);
            else /* the source names no region */
                strcpy(regions, "?");
            const char *egress = FACT(r, egress_usd_per_gb);
            if (strcmp(egress, "?"))
                snprintf(eg, sizeof(eg), "$%s", egress);
            const char *cells[] = {
                r->name,
                gp_kind_name(r->kind),
                gpus,
                types,
                regions,
                offer_price(h, sizeof(h), r->h100),
                offer_price(a, sizeof(a), r->a100),
                pct_cell(spot, sizeof(spot), FACT(r, spot_max_discount_pct),
                         FACT(r, spot_available)),
                pct_cell(res, sizeof(res), FACT(r, reserved_max_discount_pct), NULL),
                strcmp(egress, "?") ? eg : "?",
                FACT(r, tpus),
                FACT(r, managed_ml)};
            gp_table_add(t, cells);
        }
        if (t)
            gp_table_show(t, v->fmt, v->wide);
        gp_table_free(t);
        if (v->fmt != FMT_MD)
            gp_note("GPUS/TYPES/REGIONS, H100/A100 (cheapest on-demand $/GPU-hour, any "
                   "variant): the catalog. SPOT OFF, RESERVED (stated maximum discounts), "
                   "EGRESS/GB (first tier), TPUS, MANAGED ML: data/providers.csv; ? = no "
                   "source found. --provider NAME shows every field with its sources.");
    }
out:
    free(rows);
    free(want);
    free(pbuf);
    gp_terms_free(terms);
    gp_catalog_free(cat);
    return rc;
}
