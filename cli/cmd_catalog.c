/* gpuplan catalog info|check|export|refresh: what the catalog holds, what
 * is odd in it, all of it in a format other tools read, and fresh prices
 * (refresh: cmd_refresh.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "gpuplan/query.h"
#include "load.h"
#include "main.h"
#include "offer_out.h"
#include "out.h"
#include "refresh_cmd.h"

static const gp_opt OPTS[] = {
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md|gpuhunt",
     "info/check: table (default), csv, json or md; export: csv (default), "
     "json or gpuhunt"},
    {"kind", 'k', OPT_STRING, OPT_REPEAT, "KIND", NULL,
     "check: only these anomalies (no-price, spot-placeholder, "
     "spot-above-on-demand, spot-equals-on-demand, no-specs, memory-mismatch, "
     "no-host, bad-row, bad-gpuinfo, count-mismatch, price-outlier, "
     "refused)"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "NAME", NULL,
     "check/export/refresh: only this provider (repeatable, or a comma list)"},
    {"source", 0, OPT_STRING, OPT_REPEAT, "NAME", NULL,
     "refresh: only these sources (skypilot, azure, aws, lambda, runpod, gcp, "
     "aws-spot-advisor; default: skypilot,azure,aws-spot-advisor)"},
    {"endpoint", 0, OPT_STRING, OPT_REPEAT, "NAME=URL", NULL,
     "refresh: base URL of a source or provider (repeatable; default: "
     "$GPUPLAN_ENDPOINT_<NAME>, else the source's own)"},
    {"force", 0, OPT_FLAG, 0, NULL, NULL,
     "refresh: store a provider even when it has fewer than half the offers "
     "stored before"},
    {"retries", 0, OPT_NUMBER, 0, "N", NULL,
     "refresh: extra attempts on HTTP 429, 5xx and dropped connections "
     "(default 4)"},
    {"timeout", 0, OPT_NUMBER, 0, "SECONDS", NULL,
     "refresh: the most one request may take (default 60)"},
    {"quiet", 'q', OPT_FLAG, 0, NULL, NULL,
     "refresh: no progress on stderr (shown only on a terminal anyway)"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL,
     "do not shorten or drop columns to fit the terminal"},
    GP_CATALOG_OPTIONS,
};

static int provider_wanted(const gp_args *args, const char *provider)
{
    const gp_opt_value *v = gp_arg(args, "provider");
    if (!v->set)
        return 1;
    for (size_t i = 0; i < v->nlist; i++)
        if (strcasecmp(v->list[i], provider) == 0)
            return 1;
    return 0;
}

/* ---- info ------------------------------------------------------------- */

typedef struct provider_info {
    const char *name;
    gp_kind kind;
    size_t rows, instance_types, regions, gpus;
    char first_date[16], last_date[16];
    int undated;
} provider_info;

static int cmp_offer_provider(const void *a, const void *b)
{
    const gp_offer *x = *(const gp_offer *const *)a, *y = *(const gp_offer *const *)b;
    int c = strcmp(x->provider, y->provider);
    if (!c)
        c = strcmp(x->instance_type, y->instance_type);
    return c;
}

static size_t distinct(const char **v, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < i && v[k] != v[i])
            k++;
        if (k == i)
            d++;
    }
    return d;
}

/* Per-provider summary, providers in name order. */
static provider_info *provider_infos(const gp_catalog *cat, size_t *nout)
{
    size_t n = gp_catalog_offer_count(cat);
    const gp_offer *offers = gp_catalog_offers(cat);
    const gp_offer **sorted = malloc((n + 1) * sizeof(*sorted));
    const char **scratch = malloc((n + 1) * sizeof(*scratch));
    provider_info *out = calloc(n + 1, sizeof(*out));
    if (!sorted || !scratch || !out) {
        free(sorted);
        free(scratch);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = &offers[i];
    qsort(sorted, n, sizeof(*sorted), cmp_offer_provider);
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && sorted[j]->provider == sorted[i]->provider)
            j++;
        provider_info *p = &out[m++];
        p->name = sorted[i]->provider;
        p->kind = sorted[i]->kind;
        p->rows = j - i;
        for (size_t k = i; k < j; k++) {
            if (k == i || sorted[k]->instance_type != sorted[k - 1]->instance_type)
                p->instance_types++;
            const char *d = sorted[k]->as_of;
            if (!d[0]) {
                p->undated = 1;
                continue;
            }
            if (!p->first_date[0] || strcmp(d, p->first_date) < 0)
                snprintf(p->first_date, sizeof(p->first_date), "%s", d);
            if (!p->last_date[0] || strcmp(d, p->last_date) > 0)
                snprintf(p->last_date, sizeof(p->last_date), "%s", d);
        }
        for (size_t k = i; k < j; k++)
            scratch[k - i] = sorted[k]->region;
        p->regions = distinct(scratch, j - i);
        for (size_t k = i; k < j; k++)
            scratch[k - i] = sorted[k]->gpu;
        p->gpus = distinct(scratch, j - i);
        i = j;
    }
    free(sorted);
    free(scratch);
    *nout = m;
    return out;
}

static void dates_text(const provider_info *p, char *buf, size_t cap)
{
    if (!p->first_date[0])
        snprintf(buf, cap, "undated");
    else if (strcmp(p->first_date, p->last_date) == 0)
        snprintf(buf, cap, "%s%s", p->first_date, p->undated ? " +undated" : "");
    else
        snprintf(buf, cap, "%s..%s%s", p->first_date, p->last_date,
                 p->undated ? " +undated" : "");
}

static int info(const gp_catalog *cat, const gp_args *args, gp_format fmt)
{
    size_t np = 0;
    provider_info *pi = provider_infos(cat, &np);
    if (!pi)
        return GP_EXIT_FAIL;
    size_t counts[GP_DIAG_KIND_COUNT] = {0};
    for (size_t i = 0; i < gp_catalog_diag_count(cat); i++)
        counts[gp_catalog_diag(cat, i)->kind]++;
    size_t ns = gp_catalog_source_count(cat);
    if (fmt == FMT_JSON) {
        json_t *root = json_object(), *srcs = json_array(), *provs = json_array(),
               *diags = json_object();
        for (size_t i = 0; i < ns; i++) {
            const gp_source *s = gp_catalog_source(cat, i);
            json_t *j = json_object();
            json_object_set_new(j, "name", json_string(s->name));
            json_object_set_new(j, "provider", gp_json_str(s->provider));
            json_object_set_new(j, "format", json_string(s->format));
            json_object_set_new(j, "embedded", json_boolean(s->embedded));
            json_object_set_new(j, "as_of", gp_json_str(s->as_of));
            json_object_set_new(j, "snapshot", gp_json_str(s->snapshot));
            json_object_set_new(j, "licence", gp_json_str(s->licence));
            json_object_set_new(j, "rows", json_integer((json_int_t)s->rows));
            json_object_set_new(j, "offers", json_integer((json_int_t)s->offers));
            json_object_set_new(j, "replaced", json_integer((json_int_t)s->replaced));
            json_object_set_new(j, "no_price", json_integer((json_int_t)s->no_price));
            json_object_set_new(j, "bad_rows", json_integer((json_int_t)s->bad_rows));
            json_object_set_new(j, "other_rows", json_integer((json_int_t)s->other_rows));
            json_array_append_new(srcs, j);
        }
        for (size_t i = 0; i < np; i++) {
            json_t *j = json_object();
            json_object_set_new(j, "provider", json_string(pi[i].name));
            json_object_set_new(j, "kind", json_string(gp_kind_name(pi[i].kind)));
            json_object_set_new(j, "offers", json_integer((json_int_t)pi[i].rows));
            json_object_set_new(j, "instance_types",
                                json_integer((json_int_t)pi[i].instance_types));
            json_object_set_new(j, "regions", json_integer((json_int_t)pi[i].regions));
            json_object_set_new(j, "gpus", json_integer((json_int_t)pi[i].gpus));
            json_object_set_new(j, "first_as_of", gp_json_str(pi[i].first_date));
            json_object_set_new(j, "last_as_of", gp_json_str(pi[i].last_date));
            json_object_set_new(j, "has_undated", json_boolean(pi[i].undated));
            json_array_append_new(provs, j);
        }
        for (int k = 0; k < GP_DIAG_KIND_COUNT; k++)
            json_object_set_new(diags, gp_diag_kind_name((gp_diag_kind)k),
                                json_integer((json_int_t)counts[k]));
        json_object_set_new(root, "offers",
                            json_integer((json_int_t)gp_catalog_offer_count(cat)));
        json_object_set_new(root, "sources", srcs);
        json_object_set_new(root, "providers", provs);
        json_object_set_new(root, "diagnostics", diags);
        free(pi);
        return gp_json_print(root) ? GP_EXIT_FAIL : GP_EXIT_OK;
    }
    if (fmt == FMT_CSV) {
        fputs("provider,kind,offers,instance_types,regions,gpus,first_as_of,"
              "last_as_of,has_undated\n", stdout);
        for (size_t i = 0; i < np; i++) {
            gp_csv_cell(stdout, pi[i].name, 1);
            gp_csv_cell(stdout, gp_kind_name(pi[i].kind), 0);
            gp_csv_num(stdout, (double)pi[i].rows, 0);
            gp_csv_num(stdout, (double)pi[i].instance_types, 0);
            gp_csv_num(stdout, (double)pi[i].regions, 0);
            gp_csv_num(stdout, (double)pi[i].gpus, 0);
            gp_csv_cell(stdout, pi[i].first_date, 0);
            gp_csv_cell(stdout, pi[i].last_date, 0);
            gp_csv_cell(stdout, pi[i].undated ? "true" : "false", 0);
            gp_csv_end(stdout);
        }
        free(pi);
        return GP_EXIT_OK;
    }
    int wide = gp_arg_set(args, "wide");
    const gp_col scols[] = {
        {"SOURCE", 0, 40, 20, 0}, {"AS OF", 0, 0, 0, 0},    {"ROWS", 1, 0, 0, 0},
        {"OFFERS", 1, 0, 0, 0},   {"REPLACED", 1, 0, 0, 1}, {"NO PRICE", 1, 0, 0, 2},
        {"BAD", 1, 0, 0, 3},
    };
    gp_table *t = gp_table_new(scols, 7);
    for (size_t i = 0; i < ns; i++) {
        const gp_source *s = gp_catalog_source(cat, i);
        char rows[24], offers[24], repl[24], nop[24], bad[24];
        gp_fmt_int(rows, sizeof(rows), (double)s->rows);
        gp_fmt_int(offers, sizeof(offers), (double)s->offers);
        gp_fmt_int(repl, sizeof(repl), (double)s->replaced);
        gp_fmt_int(nop, sizeof(nop), (double)s->no_price);
        gp_fmt_int(bad, sizeof(bad), (double)s->bad_rows);
        const char *cells[] = {s->name, s->as_of[0] ? s->as_of : "undated", rows,
                               offers, repl, nop, bad};
        gp_table_add(t, cells);
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    putchar('\n');
    const gp_col pcols[] = {
        {"PROVIDER", 0, 14, 8, 0}, {"KIND", 0, 0, 0, 0},    {"OFFERS", 1, 0, 0, 0},
        {"TYPES", 1, 0, 0, 2},     {"REGIONS", 1, 0, 0, 1}, {"GPUS", 1, 0, 0, 0},
        {"AS OF", 0, 0, 0, 0},
    };
    t = gp_table_new(pcols, 7);
    for (size_t i = 0; i < np; i++) {
        char offers[24], types[24], regions[24], gpus[24], dates[48];
        gp_fmt_int(offers, sizeof(offers), (double)pi[i].rows);
        gp_fmt_int(types, sizeof(types), (double)pi[i].instance_types);
        gp_fmt_int(regions, sizeof(regions), (double)pi[i].regions);
        gp_fmt_int(gpus, sizeof(gpus), (double)pi[i].gpus);
        dates_text(&pi[i], dates, sizeof(dates));
        const char *cells[] = {pi[i].name, gp_kind_name(pi[i].kind), offers, types,
                               regions, gpus, dates};
        gp_table_add(t, cells);
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    char total[32];
    gp_fmt_int(total, sizeof(total), (double)gp_catalog_offer_count(cat));
    printf("\n%s offers from %zu providers and %zu sources. REPLACED: offers a "
           "fresher source superseded.\n", total, np, ns);
    printf("Warnings:");
    size_t any = 0;
    for (int k = 0; k < GP_DIAG_KIND_COUNT; k++)
        if (counts[k]) {
            printf("%s %s %zu", any ? "," : "", gp_diag_kind_name((gp_diag_kind)k),
                   counts[k]);
            any++;
        }
    printf("%s%s\n", any ? "" : " none", any ? "" : "");
    if (any)
        gp_note("Details, one line per row: gpuplan catalog check");
    free(pi);
    return GP_EXIT_OK;
}

/* ---- check ------------------------------------------------------------ */

static int kind_wanted(const gp_args *args, gp_diag_kind kind)
{
    const gp_opt_value *v = gp_arg(args, "kind");
    if (!v->set)
        return 1;
    for (size_t i = 0; i < v->nlist; i++)
        if (strcmp(v->list[i], gp_diag_kind_name(kind)) == 0)
            return 1;
    return 0;
}

static const char *diag_provider(const gp_catalog *cat, const gp_diag *d)
{
    const gp_source *s = gp_catalog_source(cat, d->source_index);
    if (s->provider[0])
        return s->provider;
    /* gpuplan-format sources: the message starts with the provider. */
    static char buf[64];
    snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(d->message, " "), d->message);
    return buf;
}

static int check(gp_catalog *cat, const gp_args *args, gp_format fmt)
{
    const gp_opt_value *kinds = gp_arg(args, "kind");
    for (size_t i = 0; kinds->set && i < kinds->nlist; i++) {
        int ok = 0;
        const char *names[GP_DIAG_KIND_COUNT];
        for (int k = 0; k < GP_DIAG_KIND_COUNT; k++) {
            names[k] = gp_diag_kind_name((gp_diag_kind)k);
            ok |= strcmp(names[k], kinds->list[i]) == 0;
        }
        if (!ok) {
            char hint[200];
            gp_suggest(kinds->list[i], names, GP_DIAG_KIND_COUNT, hint, sizeof(hint));
            return gp_usage_error("catalog check", "--kind: unknown anomaly '%s'%s%s%s",
                                  kinds->list[i], hint[0] ? "; did you mean " : "",
                                  hint, hint[0] ? "?" : "");
        }
    }
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_catalog_check(cat, &err);
    if (st != GP_OK)
        return gp_report("catalog check", st, &err);
    size_t n = gp_catalog_diag_count(cat), shown = 0;
    size_t counts[GP_DIAG_KIND_COUNT] = {0};
    json_t *arr = fmt == FMT_JSON ? json_array() : NULL;
    if (fmt == FMT_CSV)
        fputs("file,line,kind,provider,message\n", stdout);
    for (size_t i = 0; i < n; i++) {
        const gp_diag *d = gp_catalog_diag(cat, i);
        const gp_source *s = gp_catalog_source(cat, d->source_index);
        const char *provider = diag_provider(cat, d);
        if (!kind_wanted(args, d->kind) || !provider_wanted(args, provider))
            continue;
        shown++;
        counts[d->kind]++;
        if (arr) {
            json_t *j = json_object();
            json_object_set_new(j, "file", json_string(s->name));
            json_object_set_new(j, "line", json_integer((json_int_t)d->line));
            json_object_set_new(j, "kind", json_string(gp_diag_kind_name(d->kind)));
            json_object_set_new(j, "provider", gp_json_str(provider));
            json_object_set_new(j, "message", json_string(d->message));
            json_array_append_new(arr, j);
        } else if (fmt == FMT_CSV) {
            gp_csv_cell(stdout, s->name, 1);
            gp_csv_num(stdout, (double)d->line, 0);
            gp_csv_cell(stdout, gp_diag_kind_name(d->kind), 0);
            gp_csv_cell(stdout, provider, 0);
            gp_csv_cell(stdout, d->message, 0);
            gp_csv_end(stdout);
        } else if (fmt == FMT_MD) {
            printf("- `%s:%u` **%s** %s\n", s->name, d->line,
                   gp_diag_kind_name(d->kind), d->message);
        } else {
            printf("%s:%u: %s: %s\n", s->name, d->line, gp_diag_kind_name(d->kind),
                   d->message);
        }
    }
    if (arr)
        return gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    if (fmt == FMT_TABLE) {
        gp_style sty = gp_style_for(stdout);
        printf("%s%zu finding%s", sty.dim, shown, shown == 1 ? "" : "s");
        const char *sep = ": ";
        for (int k = 0; k < GP_DIAG_KIND_COUNT; k++)
            if (counts[k]) {
                printf("%s%s %zu", sep, gp_diag_kind_name((gp_diag_kind)k), counts[k]);
                sep = ", ";
            }
        printf(".%s\n", sty.reset);
    }
    return GP_EXIT_OK;
}

/* ---- export ----------------------------------------------------------- */

static const char *KNOWN_VENDORS[] = {"nvidia", "amd", "google", "intel"};

/* gpuhunt names GPUs without memory ("A100" + gpu_memory 80) and TPUs
 * without the "tpu-" prefix ("v5p"). */
static void gpuhunt_name(const gp_offer *o, char *buf, size_t cap)
{
    const char *name = o->gpu;
    if (strncasecmp(name, "TPU-", 4) == 0) {
        snprintf(buf, cap, "%s", name + 4);
        return;
    }
    snprintf(buf, cap, "%s", name);
    char *gb = strstr(buf, "GB");
    if (gb) {
        char *start = gb;
        while (start > buf && start[-1] >= '0' && start[-1] <= '9')
            start--;
        if (start > buf && start[-1] == '-' && start < gb) {
            memmove(start - 1, gb + 2, strlen(gb + 2) + 1);
        }
    }
}

static void gpuhunt_row(const gp_offer *o, int spot)
{
    char name[64], vendor[16] = "";
    gpuhunt_name(o, name, sizeof(name));
    if (o->accel) {
        for (size_t i = 0; i < sizeof(KNOWN_VENDORS) / sizeof(KNOWN_VENDORS[0]); i++)
            if (strcasecmp(o->accel->vendor, KNOWN_VENDORS[i]) == 0)
                snprintf(vendor, sizeof(vendor), "%s", KNOWN_VENDORS[i]);
    }
    gp_csv_cell(stdout, o->instance_type, 1);
    gp_csv_cell(stdout, o->zone[0] ? o->zone : o->region, 0);
    gp_csv_num(stdout, spot ? o->spot_usd_per_hour : o->usd_per_hour, 0);
    gp_csv_num(stdout, isnan(o->vcpus) ? NAN : floor(o->vcpus), 0);
    gp_csv_num(stdout, o->ram_gb, 0);
    gp_csv_num(stdout, o->gpu_count, 0);
    gp_csv_cell(stdout, name, 0);
    gp_csv_num(stdout, o->gpu_mem_gb, 0);
    gp_csv_cell(stdout, spot ? "True" : "False", 0);
    gp_csv_cell(stdout, "", 0);        /* disk_size: not in our sources */
    gp_csv_cell(stdout, vendor, 0);
    gp_csv_cell(stdout, "", 0);        /* flags */
    gp_csv_cell(stdout, "", 0);        /* cpu_arch: unknown, gpuhunt assumes x86 */
    gp_csv_cell(stdout, "{}", 0);      /* provider_data */
    gp_csv_cell(stdout, o->provider, 0);
    gp_csv_end(stdout);
}

static int export(const gp_catalog *cat, const gp_args *args)
{
    const char *f = gp_arg_text(args, "format", "csv");
    if (strcmp(f, "table") == 0 || strcmp(f, "md") == 0)
        return gp_usage_error("catalog export",
                              "--format: export writes csv, json or gpuhunt");
    const gp_offer *offers = gp_catalog_offers(cat);
    size_t n = gp_catalog_offer_count(cat);
    if (strcmp(f, "json") == 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            if (provider_wanted(args, offers[i].provider))
                json_array_append_new(arr, gp_offer_json(cat, &offers[i], 1));
        return gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    }
    if (strcmp(f, "gpuhunt") == 0) {
        fputs("instance_name,location,price,cpu,memory,gpu_count,gpu_name,"
              "gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data,"
              "provider\n", stdout);
        for (size_t i = 0; i < n; i++) {
            if (!provider_wanted(args, offers[i].provider))
                continue;
            if (!isnan(offers[i].usd_per_hour))
                gpuhunt_row(&offers[i], 0);
            if (!isnan(offers[i].spot_usd_per_hour))
                gpuhunt_row(&offers[i], 1);
        }
        return GP_EXIT_OK;
    }
    gp_offer_csv_header(stdout);
    for (size_t i = 0; i < n; i++)
        if (provider_wanted(args, offers[i].provider))
            gp_offer_csv_row(stdout, cat, &offers[i]);
    return GP_EXIT_OK;
}

static int run(const gp_cmd *cmd, gp_args *args)
{
    static const char *const ACTIONS[] = {"info", "check", "export", "refresh"};
    if (args->npositional != 1) {
        return gp_usage_error("catalog", "expected one action: info, check, "
                              "export or refresh (see 'gpuplan catalog --help')");
    }
    const char *action = args->positional[0];
    int which = -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(action, ACTIONS[i]) == 0)
            which = i;
    if (which < 0) {
        char hint[64];
        gp_suggest(action, ACTIONS, 4, hint, sizeof(hint));
        return gp_usage_error(cmd->name, "unknown action '%s'%s%s%s", action,
                              hint[0] ? "; did you mean " : "", hint,
                              hint[0] ? "?" : "");
    }
    if (which == 3)
        return gp_cli_catalog_refresh(args);
    const char *fmt_name = gp_arg_text(args, "format", which == 2 ? "csv" : "table");
    if (which != 2 && strcmp(fmt_name, "gpuhunt") == 0)
        return gp_usage_error("catalog", "--format gpuhunt is for export only");
    if (which != 0 && !gp_arg_set(args, "provider") && 0)
        return GP_EXIT_OK;
    gp_catalog *cat = NULL;
    int rc = gp_cli_load_catalog(args, &cat);
    if (rc)
        return rc;
    gp_format fmt = (gp_format)gp_format_parse(fmt_name);
    if (which == 0)
        rc = info(cat, args, fmt);
    else if (which == 1)
        rc = check(cat, args, fmt);
    else
        rc = export(cat, args);
    gp_catalog_free(cat);
    return rc;
}

void gp_print_data_version(void)
{
    gp_catalog *cat = NULL;
    gp_error err;
    gp_error_clear(&err);
    if (gp_catalog_new(&cat, &err) != GP_OK ||
        gp_catalog_add_embedded(cat, &err) != GP_OK) {
        printf("embedded catalog: unavailable (%s)\n", err.message);
        gp_catalog_free(cat);
        return;
    }
    char first[16] = "", last[16] = "";
    size_t undated = 0, n = gp_catalog_offer_count(cat);
    const gp_offer *o = gp_catalog_offers(cat);
    for (size_t i = 0; i < n; i++) {
        if (!o[i].as_of[0]) {
            undated++;
            continue;
        }
        if (!first[0] || strcmp(o[i].as_of, first) < 0)
            snprintf(first, sizeof(first), "%s", o[i].as_of);
        if (!last[0] || strcmp(o[i].as_of, last) > 0)
            snprintf(last, sizeof(last), "%s", o[i].as_of);
    }
    printf("embedded catalog: %zu offers from %zu sources; %zu dated %s..%s, %zu "
           "from undated SkyPilot catalog snapshots\n",
           n, gp_catalog_source_count(cat), n - undated, first, last, undated);
    printf("accelerators: %zu with specs (data/accelerators.csv)\n",
           gp_accel_table_count(gp_catalog_accels(cat)));
    gp_catalog_free(cat);
}

const gp_cmd gp_cmd_catalog = {
    "catalog",
    "Inspect the offer catalog: sources and dates, anomalies, export.",
    "catalog info|check|export|refresh [OPTIONS]",
    "info: every source (file, date, rows read, offers, offers replaced by "
    "fresher data, rows without a price) and every provider (kind, offers, "
    "regions, accelerators, dates).\n"
    "check: the anomalies users trip over, one line each with file and line: "
    "zero or placeholder prices, spot at or above on-demand, $/GPU-hour "
    "outliers within an accelerator, counts that contradict the instance "
    "name, accelerators without specs, GCP accelerators without a host VM.\n"
    "export: every offer, normalised, as gpuplan CSV (loads back with "
    "--catalog), JSON, or gpuhunt's catalog CSV.\n"
    "refresh: fetch current prices (SkyPilot's hosted catalog, the Azure "
    "Retail Prices API and AWS's Spot Instance Advisor feed; with --source, "
    "AWS's Price List bulk files (CSV form, or JSON with "
    "GPUPLAN_AWS_FORMAT=json) and, with their keys in LAMBDA_API_KEY, "
    "RUNPOD_API_KEY and GCP_API_KEY, Lambda's, RunPod's and GCP's APIs), "
    "check them and store each provider whole in "
    "$GPUPLAN_HOME (else $XDG_CACHE_HOME/gpuplan, else ~/.cache/gpuplan); "
    "every command then uses them over the embedded data. A provider that "
    "fails keeps its previous data; exit 1 when any failed.",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan catalog info\n"
    "gpuplan catalog check --kind spot-above-on-demand\n"
    "gpuplan catalog export --format gpuhunt > offers.csv\n"
    "gpuplan catalog info --catalog ~/.sky/catalogs/v8",
    run,
};
