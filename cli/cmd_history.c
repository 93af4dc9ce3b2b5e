/* gpuplan history [import]: $/GPU-hour over time from the price history
 * (src/history/), and loading the embedded snapshots into it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "gpuplan/history.h"
#include "gpuplan/query.h"
#include "gpuplan/units.h"
#include "load.h"
#include "out.h"
#include "svg.h"


/* Days since 1970-01-01 of an ISO date YYYY-MM-DD (the history's days,
 * already checked), by the civil-from-days inverse (H. Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms"); 0 when it does not read. */
static double day_number(const char *iso)
{
    int y, m, d;
    if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (double)era * 146097 + doe - 719468;
}

static const gp_opt OPTS[] = {
    {"gpu", 'g', OPT_STRING, OPT_REPEAT, "NAME", NULL,
     "the accelerator to show (H100, A100-80GB, 'H100*'); required unless import"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "LIST", NULL,
     "only these providers (comma list, repeatable)"},
    {"kind", 'k', OPT_STRING, OPT_REPEAT, "KIND", NULL,
     "only these pricing kinds: on-demand, spot, auction-floor, committed, reserved"},
    {"instance", 'i', OPT_STRING, 0, "TYPE", NULL, "only this instance type"},
    {"since", 's', OPT_STRING, 0, "DATE", NULL, "leave out days before DATE (YYYY-MM-DD, UTC)"},
    {"by", 0, OPT_CHOICE, 0, "GROUP", "provider|kind",
     "one series per provider (default) or per pricing kind"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md",
     "output format: table (default), csv, json or md"},
    {"svg", 0, OPT_STRING, 0, "FILE", NULL,
     "also write a line chart of the cheapest $/GPU-hour per day to FILE"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL, "do not shorten or drop columns to fit the terminal"},
};

static int history_path(char *buf, size_t cap)
{
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_history_default_path(buf, cap, &err);
    return st == GP_OK ? 0 : gp_report("history", st, &err);
}

static void say_waited(const gp_history_stats *s, const char *path)
{
    if (s->waited)
        fprintf(stderr, "gpuplan history: waited %.1f s for another gpuplan writing %s\n",
                s->waited_s, path);
}

static int run_import(void)
{
    char path[4200];
    int rc = history_path(path, sizeof(path));
    if (rc)
        return rc;
    gp_error err;
    gp_error_clear(&err);
    gp_catalog *cat = NULL;
    gp_history *h = NULL;
    gp_history_stats stats;
    memset(&stats, 0, sizeof(stats));
    gp_status st = gp_catalog_new(&cat, &err);
    if (st == GP_OK)
        st = gp_catalog_add_embedded(cat, &err);
    if (st == GP_OK)
        st = gp_history_open(path, GP_HISTORY_WRITE, &h, &err);
    if (st == GP_OK)
        st = gp_history_import_embedded(h, cat, &stats, &err);
    say_waited(&stats, path);
    gp_history_counts counts;
    if (st == GP_OK)
        st = gp_history_count(h, &counts, &err);
    if (st != GP_OK) {
        gp_history_close(h);
        gp_catalog_free(cat);
        return gp_report("history", st, &err);
    }
    char a[32], b[32], c[32], d[32];
    printf("Imported the embedded catalog into %s: %s observations, %s new runs, "
           "%s extended, %s already recorded.\n",
           path, gp_fmt_int(a, sizeof(a), (double)stats.observations),
           gp_fmt_int(b, sizeof(b), (double)stats.new_runs),
           gp_fmt_int(c, sizeof(c), (double)stats.extended_runs),
           gp_fmt_int(d, sizeof(d), (double)stats.unchanged));
    char first[21], last[21];
    gp_history_format_time(counts.first_unix_s, first);
    gp_history_format_time(counts.last_unix_s, last);
    printf("The history holds %s series, %s runs and %s appends from %.10s to %.10s.\n",
           gp_fmt_int(a, sizeof(a), (double)counts.series),
           gp_fmt_int(b, sizeof(b), (double)counts.runs),
           gp_fmt_int(c, sizeof(c), (double)counts.appends), first, last);
    gp_note("Dated offers count at their as_of date; undated SkyPilot snapshots at the "
            "date they were copied into gpuplan (data/snapshot-dates.csv): their prices "
            "are at least that old.");
    gp_history_close(h);
    gp_catalog_free(cat);
    return GP_EXIT_OK;
}

/* The canonical accelerator names a --gpu value means. */
static int gpu_names(const gp_catalog *cat, const char *name, const char ***out, size_t *n)
{
    gp_gpu_match m;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_gpu_match_resolve(cat, name, &m, &err);
    if (st != GP_OK)
        return gp_usage_error("history", "--gpu: %s", err.message);
    const gp_offer *o = gp_catalog_offers(cat);
    size_t no = gp_catalog_offer_count(cat);
    const gp_accel_table *t = gp_catalog_accels(cat);
    size_t cap = *n + no + gp_accel_table_count(t) + 1;
    const char **v = realloc((void *)*out, cap * sizeof(*v));
    if (!v)
        return GP_EXIT_FAIL;
    *out = v;
    if (m.accel) {
        v[(*n)++] = m.accel->name;
        return 0;
    }
    for (size_t i = 0; i < no; i++) {
        if (!gp_gpu_match_offer(&m, &o[i]))
            continue;
        size_t k = 0;
        while (k < *n && strcmp(v[k], o[i].gpu) != 0)
            k++;
        if (k == *n)
            v[(*n)++] = o[i].gpu;
    }
    return 0;
}

/* Every --provider name must have prices in the history. */
static int check_providers(gp_history *h, const char *const *names, size_t n)
{
    char **known = NULL;
    size_t nknown = 0;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_history_providers(h, &known, &nknown, &err);
    if (st != GP_OK)
        return gp_report("history", st, &err);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t k = 0;
        while (k < nknown && strcasecmp(known[k], names[i]) != 0)
            k++;
        if (k < nknown)
            continue;
        char hint[200];
        gp_suggest(names[i], (const char *const *)known, nknown, hint, sizeof(hint));
        rc = gp_usage_error("history", "--provider: no prices of '%s' in the history%s%s%s",
                            names[i], hint[0] ? "; did you mean " : "", hint,
                            hint[0] ? "?" : "");
    }
    free(known);
    return rc;
}

static int write_svg(const char *path, const gp_history_result *r, const char *title)
{
    size_t n = gp_history_result_count(r);
    const char **days = calloc(n + 1, sizeof(*days));
    const char **groups = calloc(n + 1, sizeof(*groups));
    size_t nd = 0, ng = 0;
    for (size_t i = 0; days && groups && i < n; i++) {
        const gp_history_point *p = gp_history_result_point(r, i);
        size_t k = 0;
        while (k < nd && strcmp(days[k], p->day) != 0)
            k++;
        if (k == nd)
            days[nd++] = p->day;
        if (!ng || strcmp(groups[ng - 1], p->group) != 0)
            groups[ng++] = p->group;
    }
    /* Days in order (ISO dates sort as text). */
    for (size_t i = 1; i < nd; i++)
        for (size_t k = i; k > 0 && strcmp(days[k - 1], days[k]) > 0; k--) {
            const char *t = days[k];
            days[k] = days[k - 1];
            days[k - 1] = t;
        }
    double *vals = malloc((ng * nd + 1) * sizeof(*vals));
    gp_svg_series *ser = calloc(ng + 1, sizeof(*ser));
    int rc = GP_EXIT_FAIL;
    if (days && groups && vals && ser) {
        for (size_t i = 0; i < ng * nd; i++)
            vals[i] = NAN;
        for (size_t i = 0; i < n; i++) {
            const gp_history_point *p = gp_history_result_point(r, i);
            size_t g = 0, d = 0;
            while (strcmp(groups[g], p->group) != 0)
                g++;
            while (strcmp(days[d], p->day) != 0)
                d++;
            vals[g * nd + d] = p->min_usd_per_gpu_hour;
        }
        for (size_t g = 0; g < ng; g++)
            ser[g] = (gp_svg_series){groups[g], NULL, vals + g * nd};
        /* The days to scale: a week between two points is seven times a
         * day's width, so a gap in the history shows as one. */
        double *at = malloc((nd + 1) * sizeof(*at));
        for (size_t d = 0; at && d < nd; d++)
            at[d] = day_number(days[d]);
        rc = at && gp_svg_lines_at(path, title, "cheapest $ per GPU-hour (log scale)", days, at,
                                   nd, ser, ng, 1) == 0
                 ? GP_EXIT_OK
                 : GP_EXIT_FAIL;
        free(at);
    }
    free(days);
    free(groups);
    free(vals);
    free(ser);
    return rc;
}

static int show(const gp_history_result *r, gp_format fmt, int wide, const char *group_col,
                int on_demand_only)
{
    size_t n = gp_history_result_count(r);
    char a[32], b[32], c[32];
    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++) {
            const gp_history_point *p = gp_history_result_point(r, i);
            json_t *j = json_object();
            json_object_set_new(j, "day", json_string(p->day));
            json_object_set_new(j, group_col, json_string(p->group));
            json_object_set_new(j, "min_usd_per_gpu_hour", gp_json_num(p->min_usd_per_gpu_hour));
            json_object_set_new(j, "median_usd_per_gpu_hour",
                                gp_json_num(p->median_usd_per_gpu_hour));
            json_object_set_new(j, "prices", json_integer((json_int_t)p->prices));
            json_object_set_new(j, "cheapest_instance_type", gp_json_str(p->cheapest_instance));
            json_object_set_new(j, "cheapest_region", gp_json_str(p->cheapest_region));
            json_object_set_new(j, "cheapest_source", gp_json_str(p->cheapest_source));
            json_array_append_new(arr, j);
        }
        return gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    }
    if (fmt == FMT_CSV) {
        const char *h[] = {"day", group_col, "min_usd_per_gpu_hour", "median_usd_per_gpu_hour",
                           "prices", "cheapest_instance_type", "cheapest_region",
                           "cheapest_source"};
        for (size_t i = 0; i < 8; i++)
            gp_csv_cell(stdout, h[i], i == 0);
        gp_csv_end(stdout);
        for (size_t i = 0; i < n; i++) {
            const gp_history_point *p = gp_history_result_point(r, i);
            gp_csv_cell(stdout, p->day, 1);
            gp_csv_cell(stdout, p->group, 0);
            gp_csv_num(stdout, p->min_usd_per_gpu_hour, 0);
            gp_csv_num(stdout, p->median_usd_per_gpu_hour, 0);
            gp_csv_num(stdout, (double)p->prices, 0);
            gp_csv_cell(stdout, p->cheapest_instance, 0);
            gp_csv_cell(stdout, p->cheapest_region, 0);
            gp_csv_cell(stdout, p->cheapest_source, 0);
            gp_csv_end(stdout);
        }
        return GP_EXIT_OK;
    }
    gp_col cols[] = {
        {"DAY", 0, 0, 0, 0},
        {strcmp(group_col, "kind") == 0 ? "KIND" : "PROVIDER", 0, 0, 0, 0},
        {"MIN $/GPU-H", 1, 0, 0, 0},
        {"MEDIAN $/GPU-H", 1, 0, 0, 0},
        {"PRICES", 1, 0, 0, 2},
        {"CHEAPEST", 0, 20, 12, 1},
        {"REGION", 0, 14, 8, 3},
    };
    gp_table *t = gp_table_new(cols, sizeof(cols) / sizeof(cols[0]));
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < n; i++) {
        const gp_history_point *p = gp_history_result_point(r, i);
        const char *cells[] = {p->day,
                               p->group,
                               gp_fmt_usd(a, sizeof(a), p->min_usd_per_gpu_hour),
                               gp_fmt_usd(b, sizeof(b), p->median_usd_per_gpu_hour),
                               gp_fmt_int(c, sizeof(c), (double)p->prices),
                               p->cheapest_instance,
                               p->cheapest_region[0] ? p->cheapest_region : NULL};
        if (gp_table_add(t, cells) < 0) {
            gp_table_free(t);
            return GP_EXIT_FAIL;
        }
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    if (fmt == FMT_TABLE)
        gp_note("Per %s and UTC day%s: the cheapest and the median $/GPU-hour over the prices "
                "recorded that day (PRICES); CHEAPEST is the instance type of the minimum. "
                "Days are the days something was recorded (gpuplan history import, "
                "gpuplan catalog refresh).",
                group_col, on_demand_only ? ", on-demand prices (--kind spot, --by kind: others)" : "");
    return GP_EXIT_OK;
}

static int run_query(gp_args *args)
{
    if (!gp_arg_set(args, "gpu"))
        return gp_usage_error("history", "--gpu is required (e.g. --gpu H100), or run "
                                         "`gpuplan history import`");
    gp_history_query q;
    memset(&q, 0, sizeof(q));
    q.since_unix_s = INT64_MIN;
    q.by = (gp_history_by)gp_history_by_parse(gp_arg_text(args, "by", "provider"));
    const gp_opt_value *since = gp_arg(args, "since");
    gp_error err;
    gp_error_clear(&err);
    if (since->set) {
        int y, m, d;
        if (gp_parse_iso_date(since->text, &y, &m, &d, &err) != GP_OK)
            return gp_usage_error("history", "--since: %s", err.message);
        q.since_unix_s = gp_history_unix_of_date(y, m, d);
    }
    /* Pricing kinds. */
    size_t nk = 0;
    char *kbuf = NULL;
    const char **knames = gp_cli_split_lists(gp_arg(args, "kind"), &nk, &kbuf);
    gp_pricing_kind kinds[GP_PRICING_COUNT * 4];
    size_t nkinds = 0;
    for (size_t i = 0; i < nk; i++) {
        int k = gp_pricing_kind_parse(knames[i]);
        if (k < 0) {
            int rc = gp_usage_error("history",
                                    "--kind: unknown pricing kind '%s' (on-demand, spot, "
                                    "auction-floor, committed, reserved)",
                                    knames[i]);
            free(knames);
            free(kbuf);
            return rc;
        }
        if (nkinds < sizeof(kinds) / sizeof(kinds[0]))
            kinds[nkinds++] = (gp_pricing_kind)k;
    }
    free(knames);
    free(kbuf);
    /* Per provider, spot and on-demand prices in one minimum would mislead:
     * on-demand unless --kind (or --by kind) says otherwise. */
    if (!nkinds && q.by == GP_HISTORY_BY_PROVIDER)
        kinds[nkinds++] = GP_PRICING_ON_DEMAND;
    q.kinds = kinds;
    q.nkinds = nkinds;
    /* Accelerators, resolved as every command resolves --gpu. */
    gp_catalog *cat = NULL;
    gp_status st = gp_catalog_new(&cat, &err);
    if (st == GP_OK)
        st = gp_catalog_add_embedded(cat, &err);
    if (st != GP_OK) {
        gp_catalog_free(cat);
        return gp_report("history", st, &err);
    }
    const char **gpus = NULL;
    size_t ngpus = 0;
    size_t ng = 0;
    char *gbuf = NULL;
    const char **gnames = gp_cli_split_lists(gp_arg(args, "gpu"), &ng, &gbuf);
    int rc = 0;
    for (size_t i = 0; i < ng && !rc; i++)
        rc = gpu_names(cat, gnames[i], &gpus, &ngpus);
    size_t np = 0;
    char *pbuf = NULL;
    const char **providers = gp_cli_split_lists(gp_arg(args, "provider"), &np, &pbuf);
    q.gpus = gpus;
    q.ngpus = ngpus;
    q.providers = providers;
    q.nproviders = np;
    q.instance_type = gp_arg_text(args, "instance", NULL);
    char path[4200];
    gp_history *h = NULL;
    gp_history_result *r = NULL;
    gp_history_counts counts;
    memset(&counts, 0, sizeof(counts));
    if (!rc)
        rc = history_path(path, sizeof(path));
    if (!rc && !ngpus)
        rc = gp_usage_error("history", "--gpu: no accelerator matches");
    if (!rc) {
        st = gp_history_open(path, GP_HISTORY_READ, &h, &err);
        if (st == GP_EIO && !strcmp(err.message, "no history yet")) {
            st = GP_OK; /* said below, as for an empty file */
        } else if (st == GP_OK) {
            st = gp_history_count(h, &counts, &err);
        }
        if (st != GP_OK)
            rc = gp_report("history", st, &err);
    }
    if (!rc && h && counts.runs && np)
        rc = check_providers(h, providers, np);
    if (!rc && h && counts.runs) {
        st = gp_history_query_prices(h, &q, &r, &err);
        if (st != GP_OK)
            rc = gp_report("history", st, &err);
    }
    if (!rc && counts.runs == 0) {
        fprintf(stderr,
                "gpuplan history: no price history yet in %s; `gpuplan history import` "
                "loads the embedded snapshots, `gpuplan catalog refresh` records fresh "
                "prices\n",
                path);
        rc = GP_EXIT_FAIL;
    } else if (!rc && gp_history_result_count(r) == 0) {
        fprintf(stderr,
                "gpuplan history: no recorded price matches (--gpu %s%s%s%s%s) in %s\n",
                gp_arg_text(args, "gpu", ""), np ? ", --provider" : "",
                gp_arg_set(args, "kind") ? ", --kind" : ", on-demand", q.instance_type ? ", --instance" : "",
                since->set ? ", --since" : "", path);
        rc = GP_EXIT_FAIL;
    }
    if (!rc) {
        gp_format fmt = (gp_format)gp_format_parse(gp_arg_text(args, "format", "table"));
        const char *svg = gp_arg_text(args, "svg", NULL);
        char title[160];
        snprintf(title, sizeof(title), "%s: cheapest $ per GPU-hour by day and %s",
                 gp_arg_text(args, "gpu", ""), gp_history_by_name(q.by));
        if (svg)
            rc = write_svg(svg, r, title);
        if (!rc)
            rc = show(r, fmt, gp_arg_set(args, "wide"), gp_history_by_name(q.by),
                      !gp_arg_set(args, "kind") && q.by == GP_HISTORY_BY_PROVIDER);
    }
    gp_history_result_free(r);
    gp_history_close(h);
    free(gpus);
    free(gnames);
    free(gbuf);
    free(providers);
    free(pbuf);
    gp_catalog_free(cat);
    return rc;
}

static int run(const gp_cmd *self, gp_args *args)
{
    (void)self;
    if (args->npositional > 1)
        return gp_usage_error("history", "one subcommand at most: import");
    if (args->npositional == 1) {
        if (strcmp(args->positional[0], "import") != 0)
            return gp_usage_error("history", "unknown subcommand '%s' (import, or none to "
                                             "query with --gpu)",
                                  args->positional[0]);
        if (gp_arg_set(args, "gpu") || gp_arg_set(args, "svg"))
            return gp_usage_error("history", "import takes no query options");
        return run_import();
    }
    return run_query(args);
}

const gp_cmd gp_cmd_history = {
    "history",
    "Price history: $/GPU-hour over time, per provider or pricing kind.",
    "history [import] [OPTIONS]",
    "history --gpu NAME: the cheapest and the median $/GPU-hour per provider (or, with "
    "--by kind, per pricing kind) and UTC day (on-demand prices unless --kind or --by kind), from the history file "
    "$GPUPLAN_HOME/history.sqlite (else $XDG_CACHE_HOME/gpuplan, else "
    "~/.cache/gpuplan). Each `gpuplan catalog refresh` appends what it saw; unchanged "
    "prices extend a run instead of repeating rows.\n"
    "history import: loads the embedded catalog with its dates, so a new history has "
    "points: dated offers at their as_of, undated SkyPilot snapshots at the date they "
    "were copied into gpuplan. Importing twice adds nothing.\n"
    "Exit codes: 1 when the history is empty or nothing matches, 3 when the file is not "
    "a gpuplan history (or of a newer schema).",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan history import\n"
    "gpuplan history --gpu H100\n"
    "gpuplan history --gpu H100 --by kind --provider aws,gcp\n"
    "gpuplan history --gpu H100 --since 2026-09-01 --format csv\n"
    "gpuplan history --gpu H100 --svg h100.svg",
    run,
};
