/* gpuplan offers: the offers of the catalog, filtered and ranked. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "avail.h"
#include "cmd.h"
#include "gpuplan/query.h"
#include "gpuplan/units.h"
#include "load.h"
#include "offer_out.h"
#include "out.h"

static const gp_opt OPTS[] = {
    {"all-regions", 0, OPT_FLAG, 0, NULL, NULL,
     "list every region and zone (default: the cheapest region of each "
     "instance type, as `sky show-gpus` does)"},
    {"available", 0, OPT_FLAG, 0, NULL, NULL,
     "only offers whose instance type has a positive availability signal "
     "(capacity or stock, from `catalog refresh`) within --signal-age"},
    {"exclude", 0, OPT_STRING, OPT_REPEAT, "LIST", NULL,
     "leave out these providers (comma-separated, repeatable)"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md",
     "output format: table (default), csv, json or md"},
    {"gpu", 'g', OPT_STRING, 0, "NAME[:COUNT]", NULL,
     "only this accelerator, in any spelling (H100, h100-sxm, A100-80GB, "
     "'H100*'); COUNT is the least number of them per instance"},
    {"kind", 'k', OPT_CHOICE, 0, "KIND", "hyperscaler|neocloud|marketplace",
     "only providers of this kind"},
    {"limit", 'n', OPT_NUMBER, 0, "N", NULL, "show at most N rows"},
    {"max-price", 0, OPT_USD, 0, "USD", NULL,
     "at most this many dollars per GPU-hour (spot price with --spot)"},
    {"min-gpu-mem", 0, OPT_GB, 0, "GB", NULL,
     "at least this much memory per accelerator, e.g. 80 or 80GB"},
    {"min-gpus", 0, OPT_NUMBER, 0, "N", NULL,
     "at least N accelerators per instance, of any kind"},
    {"per-provider", 0, OPT_FLAG, 0, NULL, NULL,
     "only the cheapest offer of each provider"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "LIST", NULL,
     "only these providers (comma-separated, repeatable), e.g. aws,lambda"},
    {"region", 'r', OPT_STRING, 0, "GLOB", NULL,
     "only regions or zones matching this pattern, e.g. 'us-*'"},
    {"signal-age", 0, OPT_HOURS, 0, "AGE", NULL,
     "how old an availability signal may be for --available and STOCK "
     "(default 24h)"},
    {"sort", 's', OPT_CHOICE, 0, "KEY", "gpu-price|price|spot-price|pflop-price",
     "order by on-demand $/GPU-hour (default), $/instance-hour, spot "
     "$/GPU-hour, or $ per PFLOP-hour of peak bf16"},
    {"spot", 0, OPT_FLAG, 0, NULL, NULL,
     "only offers with a spot price, ordered by it"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL,
     "do not shorten or drop columns to fit the terminal"},
    GP_CATALOG_OPTIONS,
};

static void gpus_cell(char *buf, size_t cap, const gp_offer *o)
{
    char n[32];
    /* A whole count below a million prints as its digits under "%g"
     * (gp_fmt_count); written directly, without formatting a double. */
    double c = o->gpu_count;
    if (c >= 1 && c < 1e6 && c == (double)(long)c)
        snprintf(n, sizeof(n), "%ld", (long)c);
    else
        gp_fmt_count(n, sizeof(n), c);
    snprintf(buf, cap, "%sx %s%s", n, o->gpu,
             (o->flags & GP_OFFER_PER_GPU_LISTING) ? "*" : "");
}

/* Per-GPU listings cannot meet a per-instance count; say how many the
 * count filter hid, so nobody misses them. */
static size_t hidden_per_gpu(const gp_catalog *cat, const gp_offer_filter *f)
{
    if (isnan(f->min_gpus_per_instance) || f->min_gpus_per_instance <= 1)
        return 0;
    gp_offer_filter g = *f;
    g.min_gpus_per_instance = NAN;
    size_t n = 0;
    const gp_offer *offers = gp_catalog_offers(cat);
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++)
        if ((offers[i].flags & GP_OFFER_PER_GPU_LISTING) &&
            gp_offer_filter_pass(&g, &offers[i]))
            n++;
    return n;
}

/* The availability answer of each shown row: NULL (no signal) or a copy
 * of the answer. A row's answer is a 640-byte struct, mostly empty; a
 * pointer per row keeps 1,000 rows from touching 700 KB. */
typedef struct stock_list {
    const gp_history_latest **row; /* NULL when the history holds no signals */
    gp_history_latest *known;      /* the distinct answers, in order */
    size_t nknown, cap;
} stock_list;

static const gp_history_latest NO_SIGNAL; /* status GP_AVAIL_UNKNOWN */

static const gp_history_latest *stock_at(const stock_list *s, size_t i)
{
    return s->row && s->row[i] ? s->row[i] : &NO_SIGNAL;
}

static int render_table(const gp_catalog *cat, const gp_offer_row *rows, size_t n,
                        const gp_args *args, gp_format fmt, int spot_sort,
                        int pflop, size_t hidden, const stock_list *stock,
                        double signal_age_hours, int64_t now)
{
    (void)cat;
    int any_stock = 0;
    for (size_t i = 0; stock->row && i < n; i++)
        any_stock |= stock_at(stock, i)->status != GP_AVAIL_UNKNOWN;
    gp_col cols[] = {
        {"PROVIDER", 0, 12, 8, 0},  {"KIND", 0, 0, 0, 4},
        {"INSTANCE", 0, 24, 12, 0}, {"REGION", 0, 14, 8, 2},
        {"GPUS", 0, 16, 8, 0},      {"MEM/GPU", 1, 0, 0, 3},
        {"$/HOUR", 1, 0, 0, 0},     {"$/GPU-H", 1, 0, 0, 0},
        {"SPOT/GPU-H", 1, 0, 0, 0}, {"$/PFLOP-H", 1, 0, 0, 1},
        {"PRICING", 0, 0, 0, -1},       {"STOCK", 0, 0, 0, 0},
    };
    size_t ncols = pflop ? 10 : 9;
    /* The PRICING column appears when some row's price is not what its
     * column says (an auction floor: data/pricing-kinds.csv). */
    int any_floor = 0;
    for (size_t i = 0; i < n; i++)
        any_floor |= (rows[i].offer->flags & (GP_OFFER_PRICE_FLOOR | GP_OFFER_SPOT_FLOOR)) != 0;
    if (any_floor && !pflop)
        cols[9] = cols[10];
    if (any_floor)
        ncols++;
    if (any_stock)
        cols[ncols++] = cols[11];
    if (gp_arg_set(args, "all-regions")) {
        cols[3].comfort = 24; /* region and zone: the point of the listing */
        cols[3].drop = -1;
    }
    if (pflop)
        cols[9].drop = -1; /* the sort key stays */
    gp_table *t = gp_table_new(cols, ncols);
    if (!t)
        return GP_EXIT_FAIL;
    int any_per_gpu = 0, any_spot_above = 0;
    int all_regions = gp_arg_set(args, "all-regions");
    for (size_t i = 0; i < n; i++) {
        const gp_offer *o = rows[i].offer;
        char gpus[96], mem[24], hour[24], gpuh[24], spot[32], pf[24] = "";
        gpus_cell(gpus, sizeof(gpus), o);
        if (isnan(o->gpu_mem_gb))
            snprintf(mem, sizeof(mem), "-");
        else
            snprintf(mem, sizeof(mem), "%.0fGB", o->gpu_mem_gb);
        gp_fmt_usd(hour, sizeof(hour), o->usd_per_hour);
        gp_fmt_usd(gpuh, sizeof(gpuh), gp_offer_usd_per_gpu_hour(o));
        gp_fmt_usd(spot, sizeof(spot), gp_offer_spot_usd_per_gpu_hour(o));
        if (o->flags & GP_OFFER_SPOT_ABOVE_ON_DEMAND) {
            strcat(spot, "!");
            any_spot_above = 1;
        }
        if (pflop) /* the column is shown only then */
            gp_fmt_usd(pf, sizeof(pf), gp_offer_usd_per_pflop_hour(o));
        any_per_gpu |= (o->flags & GP_OFFER_PER_GPU_LISTING) != 0;
        const char *kind = o->kind == GP_KIND_HYPERSCALER   ? "hyper"
                           : o->kind == GP_KIND_NEOCLOUD    ? "neo"
                           : o->kind == GP_KIND_MARKETPLACE ? "market"
                                                            : "-";
        char regbuf[96];
        const char *region = regbuf;
        if (all_regions && o->zone[0] &&
            strncmp(o->zone, o->region, strlen(o->region)) != 0)
            snprintf(regbuf, sizeof(regbuf), "%s %s", o->region[0] ? o->region : "-",
                     o->zone);
        else if (all_regions && o->zone[0])
            snprintf(regbuf, sizeof(regbuf), "%s", o->zone);
        else if (strlen(o->region) < sizeof(regbuf)) /* what the copy would keep */
            region = o->region[0] ? o->region : "-";
        else { /* cut as the copy into 96 bytes always did */
            memcpy(regbuf, o->region, sizeof(regbuf) - 1);
            regbuf[sizeof(regbuf) - 1] = '\0';
        }
        const char *pricing = (o->flags & GP_OFFER_PRICE_FLOOR) ? "floor"
                              : (o->flags & GP_OFFER_SPOT_FLOOR) ? "spot: floor"
                              : isnan(o->usd_per_hour)             ? "spot"
                                                                   : "on-demand";
        const char *cells[] = {o->provider, kind, o->instance_type, region, gpus,
                               mem, hour, gpuh, spot, pflop ? pf : pricing, pricing, ""};
        char st[48] = "-";
        const gp_history_latest *sl = stock_at(stock, i);
        if (any_stock && sl->status != GP_AVAIL_UNKNOWN) {
            char age[16];
            gp_cli_avail_age(now - sl->observed_unix_s, age, sizeof(age));
            snprintf(st, sizeof(st), "%s %s", gp_cli_avail_word(sl), age);
        }
        if (any_stock)
            cells[ncols - 1] = st;
        if (gp_table_add(t, cells) != 0) {
            gp_table_free(t);
            return GP_EXIT_FAIL;
        }
    }
    if (fmt == FMT_MD) {
        gp_table_show(t, fmt, 1);
        gp_table_free(t);
        return GP_EXIT_OK;
    }
    if (n == 0)
        printf("No offers match.\n");
    else
        gp_table_show(t, fmt, gp_arg_set(args, "wide"));
    gp_note("%zu offer%s%s. Ordered by %s. On-demand USD unless marked.", n,
            n == 1 ? "" : "s",
            gp_arg_set(args, "per-provider")   ? ", the cheapest of each provider"
            : !gp_arg_set(args, "all-regions") ? ", cheapest region of each instance "
                                                 "type (--all-regions: all)"
                                               : "",
            spot_sort ? "spot $/GPU-h" : gp_arg_text(args, "sort", "gpu-price"));
    if (any_per_gpu)
        gp_note("* priced per GPU; the source does not say how many GPUs a node has.");
    if (hidden)
        gp_note("%zu per-GPU listing%s (node size not published) left out by the "
                "per-instance count; drop :COUNT to see %s.",
                hidden, hidden == 1 ? "" : "s", hidden == 1 ? "it" : "them");
    if (any_spot_above)
        gp_note("! the source lists a spot price above on-demand (not a spot offer).");
    if (any_floor)
        gp_note("floor: an auction floor (the lowest bid), not an on-demand or spot price; "
                "listed after every real price (docs/offers.md).");
    if (any_stock)
        gp_note("STOCK: the latest availability signal of the instance type (any region) "
                "within %g h, and its age; - none (docs/offers.md).",
                signal_age_hours);
    if (pflop)
        gp_note("$/PFLOP-H = $/GPU-h / peak dense bf16 PFLOPS (fp16 where there is "
                "no bf16).");
    gp_table_free(t);
    return GP_EXIT_OK;
}

static int run(const gp_cmd *cmd, gp_args *args)
{
    (void)cmd;
    /* Availability signals (docs/offers.md): the latest per instance
     * type within --signal-age, for --available and the STOCK column;
     * read from the history in a second thread while the catalog loads. */
    double signal_age = 24.0;
    if (gp_arg_set(args, "signal-age"))
        signal_age = gp_arg(args, "signal-age")->number;
    gp_cli_avail avail;
    gp_cli_avail_start(&avail, signal_age);
    gp_catalog *cat = NULL;
    int rc = gp_cli_load_catalog(args, &cat);
    if (rc) {
        gp_cli_avail_close(&avail);
        return rc;
    }
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    gp_gpu_match match;
    gp_cli_providers prov = {0};
    gp_offer_row *rows = NULL;
    size_t nrows = 0;
    stock_list stock = {0};
    gp_error err;
    gp_error_clear(&err);

    const char *gpu = gp_arg_text(args, "gpu", NULL);
    if (gpu) {
        char name[128];
        snprintf(name, sizeof(name), "%s", gpu);
        char *colon = strrchr(name, ':');
        if (colon) {
            *colon = '\0';
            double count = 0;
            if (gp_parse_count(colon + 1, &count, &err) != GP_OK || count <= 0) {
                rc = gp_usage_error("offers", "--gpu %s: COUNT must be a positive "
                                    "number of accelerators per instance", gpu);
                goto out;
            }
            f.min_gpus_per_instance = count;
        }
        gp_status st = gp_gpu_match_resolve(cat, name, &match, &err);
        if (st != GP_OK) {
            rc = gp_report("offers", st, &err);
            goto out;
        }
        f.gpu = &match;
    }
    if (gp_arg_set(args, "min-gpus")) {
        double n = gp_arg(args, "min-gpus")->number;
        if (n <= 0) {
            rc = gp_usage_error("offers", "--min-gpus must be at least 1");
            goto out;
        }
        if (isnan(f.min_gpus_per_instance) || n > f.min_gpus_per_instance)
            f.min_gpus_per_instance = n;
    }
    if ((rc = gp_cli_provider_filter("offers", args, cat, &f, &prov)))
        goto out;
    if (gp_arg_set(args, "kind"))
        f.kind = gp_kind_parse(gp_arg_text(args, "kind", ""));
    f.region_glob = gp_arg_text(args, "region", NULL);
    f.spot_only = gp_arg_set(args, "spot");
    if (gp_arg_set(args, "max-price"))
        f.max_usd_per_gpu_hour = gp_arg(args, "max-price")->number;
    if (gp_arg_set(args, "min-gpu-mem"))
        f.min_gpu_mem_gb = gp_arg(args, "min-gpu-mem")->number;

    gp_offer_sort sort = (gp_offer_sort)gp_offer_sort_parse(
        gp_arg_text(args, "sort", "gpu-price"));
    if (f.spot_only && !gp_arg_set(args, "sort"))
        sort = GP_SORT_SPOT_PRICE;
    gp_offer_group group = gp_arg_set(args, "per-provider") ? GP_GROUP_PROVIDER
                           : gp_arg_set(args, "all-regions") ? GP_GROUP_NONE
                                                             : GP_GROUP_INSTANCE;
    gp_status st = gp_offer_select(cat, &f, sort, group, &rows, &nrows, &err);
    if (st != GP_OK) {
        rc = gp_report("offers", st, &err);
        goto out;
    }
    gp_cli_avail_wait(&avail);
    if (gp_arg_set(args, "available") && !avail.h) {
        fprintf(stderr,
                "gpuplan offers: --available: no availability signals recorded yet; "
                "run `gpuplan catalog refresh --source lambda,runpod` (keyed sources "
                "that report capacity or stock) first\n");
        rc = GP_EXIT_FAIL;
        goto out;
    }
    if (avail.h && nrows) {
        stock.row = calloc(nrows, sizeof(*stock.row));
        if (!stock.row) {
            rc = GP_EXIT_FAIL;
            goto out;
        }
        int available_only = gp_arg_set(args, "available");
        size_t kept = 0, *known_of = NULL; /* index + 1 into stock.known, per kept row */
        if (!(known_of = calloc(nrows, sizeof(*known_of)))) {
            rc = GP_EXIT_FAIL;
            goto out;
        }
        for (size_t i = 0; i < nrows; i++) {
            const gp_history_latest *l = gp_cli_avail_find(
                &avail, rows[i].offer->provider, rows[i].offer->instance_type, signal_age);
            if (available_only && (!l || l->status != GP_AVAIL_YES))
                continue;
            if (l) {
                if (stock.nknown == stock.cap) {
                    size_t cap = stock.cap ? 2 * stock.cap : 16;
                    gp_history_latest *k = realloc(stock.known, cap * sizeof(*k));
                    if (!k) {
                        free(known_of);
                        rc = GP_EXIT_FAIL;
                        goto out;
                    }
                    stock.known = k;
                    stock.cap = cap;
                }
                stock.known[stock.nknown++] = *l;
                known_of[kept] = stock.nknown;
            }
            rows[kept++] = rows[i];
        }
        for (size_t i = 0; i < kept; i++) /* stock.known moved while it grew */
            stock.row[i] = known_of[i] ? &stock.known[known_of[i] - 1] : NULL;
        free(known_of);
        nrows = kept;
    }
    if (gp_arg_set(args, "limit")) {
        double lim = gp_arg(args, "limit")->number;
        if (lim < (double)nrows)
            nrows = (size_t)lim;
    }
    gp_format fmt = (gp_format)gp_format_parse(gp_arg_text(args, "format", "table"));
    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < nrows; i++) {
            json_t *j = gp_offer_json(cat, rows[i].offer, rows[i].rows);
            /* Only when the history holds signals: the field is then on
             * every offer, null where none is recent. */
            if (j && stock.row) {
                json_t *a = json_null();
                const gp_history_latest *sl = stock_at(&stock, i);
                if (sl->status != GP_AVAIL_UNKNOWN) {
                    char t[21];
                    gp_history_format_time(sl->observed_unix_s, t);
                    a = json_pack("{s:s, s:s, s:s, s:s, s:s}", "status",
                                  gp_cli_avail_word(sl), "kind", sl->kind, "region",
                                  sl->region, "observed", t, "source", sl->source);
                }
                json_object_set_new(j, "availability", a);
            }
            json_array_append_new(arr, j);
        }
        rc = gp_json_print(arr) == 0 ? GP_EXIT_OK : GP_EXIT_FAIL;
    } else if (fmt == FMT_CSV) {
        gp_offer_csv_header(stdout);
        for (size_t i = 0; i < nrows; i++)
            gp_offer_csv_row(stdout, cat, rows[i].offer);
        rc = GP_EXIT_OK;
    } else {
        rc = render_table(cat, rows, nrows, args, fmt, sort == GP_SORT_SPOT_PRICE,
                          sort == GP_SORT_PFLOP_PRICE, hidden_per_gpu(cat, &f), &stock,
                          signal_age, avail.now_unix_s);
    }
out:
    free(stock.row);
    free(stock.known);
    gp_cli_avail_close(&avail);
    free(rows);
    gp_cli_providers_free(&prov);
    gp_catalog_free(cat);
    return rc;
}

const gp_cmd gp_cmd_offers = {
    "offers",
    "List GPU offers from every provider, cheapest first.",
    "offers [OPTIONS]",
    "Every offer of the catalog: AWS, Azure, GCP, OCI, Lambda, CoreWeave, "
    "Voltage Park, RunPod, Nebius, Crusoe and the other GPU clouds, with "
    "on-demand and spot prices per instance and per GPU-hour. By default one "
    "row per (provider, instance type) at its cheapest region. Every price "
    "keeps its source and date: see the JSON fields source, source_file, "
    "source_line and as_of (docs/offers.md).",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan offers --gpu H100:8 --per-provider\n"
    "gpuplan offers --gpu A100-80GB --kind neocloud --max-price 2\n"
    "gpuplan offers --gpu H100 --spot --region 'us-*' --limit 10\n"
    "gpuplan offers --sort pflop-price --min-gpu-mem 80 --format json",
    run,
};
