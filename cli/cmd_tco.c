/* gpuplan tco: owning one accelerator server against renting the same
 * GPUs (the cheapest on-demand, spot and reserved offers of the catalog):
 * cost per used GPU-hour each way and the break-even utilisation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "gpuplan/query.h"
#include "gpuplan/spot.h"
#include "gpuplan/tco.h"
#include "gpuplan/terms.h"
#include "load.h"
#include "out.h"
#include "spot_feed_load.h"

static const gp_opt OPTS[] = {
    {"gpu", 'g', OPT_STRING, 0, "NAME", NULL, "the accelerator of the server (required)"},
    {"gpus-per-server", 'n', OPT_COUNT, 0, "N", NULL,
     "accelerators in the server (default: the node size in data/cluster-network.csv)"},
    {"capex", 0, OPT_USD, 0, "USD", NULL, "what the server costs to buy (required)"},
    {"years", 0, OPT_NUMBER, 0, "N", NULL, "its service life in years (required)"},
    {"power-kw", 0, OPT_NUMBER, 0, "KW", NULL,
     "the whole server's draw at load, kW (required)"},
    {"usd-per-kwh", 0, OPT_NUMBER, 0, "USD", NULL, "the electricity price (required)"},
    {"pue", 0, OPT_NUMBER, 0, "X", NULL,
     "facility power / IT power (default: data/tco-defaults.csv, 1.58 in 2023)"},
    {"opex-per-year", 0, OPT_USD, 0, "USD", NULL,
     "space, support, staff per year, energy excluded (required; 0 is allowed)"},
    {"utilization", 'u', OPT_FRACTION, 0, "PCT", NULL,
     "share of the hours the GPUs do paid work, e.g. 70% (required)"},
    {"checkpoint", 0, OPT_HOURS, 0, "TIME", NULL,
     "spot: time to write one checkpoint (default: the server's GPU memory at "
     "8 Gb/s, Llama 3's storage rate per node)"},
    {"restart", 0, OPT_HOURS, 0, "TIME", NULL,
     "spot: time to get capacity back after an interruption (default: not counted)"},
    {"any-size", 0, OPT_FLAG, 0, NULL, NULL,
     "compare with cloud instances of any GPU count (default: at least the server's)"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "NAME", NULL,
     "only these cloud providers (repeatable, comma lists)"},
    {"exclude", 'x', OPT_STRING, OPT_REPEAT, "NAME", NULL, "leave these providers out"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md",
     "output format: table (default), csv, json or md"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL,
     "do not shorten or drop columns to fit the terminal"},
    GP_CATALOG_OPTIONS,
};

typedef enum { OPT_ONPREM = 0, OPT_ON_DEMAND, OPT_SPOT, OPT_RESERVED, NOPTIONS } option_kind;
static const char *const OPTION_NAMES[] = {"on-premises", "cloud on-demand",
                                           "cloud spot (expected)", "cloud reserved"};

typedef struct option_row {
    const gp_offer *offer;
    double listed_usd_per_gpu_hour; /* as priced */
    double usd_per_used_gpu_hour;   /* what a used GPU-hour costs */
    double life_usd;                /* over the server's life at the utilisation */
    double break_even;              /* on-demand/spot: owning pays above; NAN none */
    double committed_break_even;    /* reserved: owning pays below */
    char basis[320];
} option_row;

typedef struct tco_run {
    gp_tco_inputs in;
    gp_tco_result own;
    char pue_source[400];
    int pue_default;
    const gp_accel *accel;
    double checkpoint_hours, restart_hours;
    int checkpoint_default, restart_given;
    option_row rows[NOPTIONS];
} tco_run;

/* Collects every missing required input into one message. */
static int require_inputs(const gp_args *args, const gp_accel *a, int gpus)
{
    static const struct {
        const char *flag, *why;
    } NEED[] = {
        {"capex", "what the server costs to buy"},
        {"years", "its service life"},
        {"power-kw", "its draw at load"},
        {"usd-per-kwh", "your electricity price"},
        {"opex-per-year", "space, support and staff per year (0 if none)"},
        {"utilization", "the share of hours the GPUs do paid work"},
    };
    int missing = 0;
    for (size_t i = 0; i < sizeof(NEED) / sizeof(NEED[0]); i++)
        missing += !gp_arg_set(args, NEED[i].flag);
    if (!missing)
        return 0;
    fprintf(stderr, "gpuplan tco: missing inputs with no sourced default, so you must give "
                    "them:\n");
    for (size_t i = 0; i < sizeof(NEED) / sizeof(NEED[0]); i++) {
        if (gp_arg_set(args, NEED[i].flag))
            continue;
        fprintf(stderr, "  --%-14s %s", NEED[i].flag, NEED[i].why);
        if (!strcmp(NEED[i].flag, "power-kw") && a && a->tdp_w > 0)
            fprintf(stderr, " (the %d %s alone draw %.1f kW at TDP, data/accelerators.csv; "
                            "the server draws more)",
                    gpus, a->name, gpus * a->tdp_w / 1000.0);
        fputc('\n', stderr);
    }
    return GP_EXIT_USAGE;
}

static int read_inputs(const gp_args *args, const gp_accel *a, tco_run *t)
{
    int gpus = 0;
    if (gp_arg_set(args, "gpus-per-server")) {
        double n = gp_arg(args, "gpus-per-server")->number;
        if (n < 1 || n > 1024 || n != floor(n))
            return gp_usage_error("tco", "--gpus-per-server must be a whole number 1-1024");
        gpus = (int)n;
    } else {
        gp_accel_perf perf;
        gp_error err;
        gp_error_clear(&err);
        gp_status st = gp_accel_perf_lookup(a->name, &perf, &err);
        if (st != GP_OK)
            return gp_report("tco", st, &err);
        if (perf.gpus_per_node <= 0)
            return gp_usage_error("tco", "--gpus-per-server is required: "
                                  "data/cluster-network.csv has no node size for %s",
                                  a->name);
        gpus = perf.gpus_per_node;
    }
    int rc = require_inputs(args, a, gpus);
    if (rc)
        return rc;
    t->in.gpus_per_server = gpus;
    t->in.capex_usd = gp_arg(args, "capex")->number;
    t->in.years = gp_arg(args, "years")->number;
    t->in.power_kw = gp_arg(args, "power-kw")->number;
    t->in.usd_per_kwh = gp_arg(args, "usd-per-kwh")->number;
    t->in.opex_usd_per_year = gp_arg(args, "opex-per-year")->number;
    t->in.utilization = gp_arg(args, "utilization")->number;
    gp_error err;
    gp_error_clear(&err);
    if (gp_arg_set(args, "pue")) {
        t->in.pue = gp_arg(args, "pue")->number;
        snprintf(t->pue_source, sizeof(t->pue_source), "--pue");
    } else {
        gp_status st = gp_tco_default("pue", &t->in.pue, t->pue_source, sizeof(t->pue_source),
                                      &err);
        if (st != GP_OK)
            return gp_report("tco", st, &err);
        t->pue_default = 1;
    }
    gp_status st = gp_tco_onprem(&t->in, &t->own, &err);
    if (st != GP_OK) {
        /* The message starts with the input's field; name its flag. */
        static const char *const FLAGS[][2] = {
            {"gpus_per_server", "gpus-per-server"}, {"capex_usd", "capex"},
            {"years", "years"},                     {"power_kw", "power-kw"},
            {"usd_per_kwh", "usd-per-kwh"},         {"pue", "pue"},
            {"opex_usd_per_year", "opex-per-year"}, {"utilization", "utilization"}};
        for (size_t i = 0; i < sizeof(FLAGS) / sizeof(FLAGS[0]); i++) {
            size_t n = strlen(FLAGS[i][0]);
            if (strncmp(err.message, FLAGS[i][0], n) == 0 && err.message[n] == ' ')
                return gp_usage_error("tco", "--%s%s", FLAGS[i][1], err.message + n);
        }
        return gp_usage_error("tco", "%s", err.message);
    }
    /* The spot model's checkpoint: the server's GPU memory written once. */
    if (gp_arg_set(args, "checkpoint")) {
        t->checkpoint_hours = gp_arg(args, "checkpoint")->number;
    } else if (a->memory_gb > 0) {
        t->checkpoint_hours = gpus * a->memory_gb * 8.0 / GP_CKPT_GBPS_PER_NODE / 3600.0;
        t->checkpoint_default = 1;
    } else {
        return gp_usage_error("tco", "--checkpoint is required: %s has no memory size in "
                              "data/accelerators.csv", a->name);
    }
    t->restart_given = gp_arg_set(args, "restart");
    t->restart_hours = t->restart_given ? gp_arg(args, "restart")->number : 0;
    return 0;
}

static void fill_row(tco_run *t, option_kind k, const gp_offer *o, double listed,
                     double per_used)
{
    option_row *r = &t->rows[k];
    r->offer = o;
    r->listed_usd_per_gpu_hour = listed;
    r->usd_per_used_gpu_hour = per_used;
    r->life_usd = per_used * t->own.used_gpu_hours;
    r->break_even = k == OPT_RESERVED ? NAN : gp_tco_break_even(&t->in, per_used);
    r->committed_break_even = k == OPT_RESERVED ? gp_tco_committed_break_even(&t->in, listed)
                                                : NAN;
}

/* The cheapest of each cloud option for the accelerator. */
static int cloud_options(const gp_catalog *cat, const gp_terms *terms,
                         const gp_offer_filter *f, tco_run *t)
{
    gp_offer_row *rows = NULL;
    size_t n = 0;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_offer_select(cat, f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows, &n, &err);
    if (st != GP_OK)
        return gp_report("tco", st, &err);
    for (int k = OPT_ON_DEMAND; k < NOPTIONS; k++)
        t->rows[k].usd_per_used_gpu_hour = NAN;
    double best_spot = INFINITY, best_res = INFINITY;
    for (size_t i = 0; i < n; i++) {
        const gp_offer *o = rows[i].offer;
        /* An auction floor (Mithril) is not an on-demand price: it neither
         * rents on demand nor takes a commitment discount. */
        double od = gp_offer_has_on_demand(o) ? gp_offer_usd_per_gpu_hour(o) : NAN;
        if (od > 0 && isnan(t->rows[OPT_ON_DEMAND].usd_per_used_gpu_hour)) {
            fill_row(t, OPT_ON_DEMAND, o, od, od);
            snprintf(t->rows[OPT_ON_DEMAND].basis, sizeof(t->rows[0].basis),
                     "%s %s%s%s at $%.2f/GPU-h (%s:%u%s%s)", o->provider, o->instance_type,
                     o->region[0] ? " " : "", o->region, od, o->source, o->line,
                     o->as_of[0] ? ", " : "", o->as_of);
        }
        /* Terms with a published rate and length only (docs/plan.md,
         * "Terms"): a capacity block's price, a savings plan's family
         * rate, a contract's discount with its published minimum. */
        const gp_term_offer *tt[16];
        size_t nt = od > 0 ? gp_terms_reserved(terms, o->provider, o->instance_type, o->region,
                                               tt, 16)
                           : 0;
        for (size_t k = 0; k < nt; k++) {
            const gp_term_offer *term = tt[k];
            double per_instance = gp_term_rate(term, o->usd_per_hour);
            if (!(per_instance > 0) || !(o->gpu_count >= 1))
                continue;
            double price = per_instance / o->gpu_count;
            /* Paid every hour, used or not. */
            double per_used = price / t->in.utilization;
            if (per_used < best_res) {
                best_res = per_used;
                fill_row(t, OPT_RESERVED, o, price, per_used);
                char len[48];
                if (term->kind == GP_TERM_KIND_CAPACITY_BLOCK)
                    snprintf(len, sizeof(len), "%d-%d days in %s", term->min_days,
                             term->max_days, term->region);
                else
                    snprintf(len, sizeof(len), "%.0f-month term", term->term_months);
                snprintf(t->rows[OPT_RESERVED].basis, sizeof(t->rows[0].basis),
                         "%s %s %s at $%.2f/GPU-h (%s, %s; data/reserved-terms.csv), paid used "
                         "or not, so $%.2f per used GPU-hour",
                         o->provider, o->instance_type, term->name, price, len,
                         term->as_of[0] ? term->as_of : "undated", per_used);
            }
        }
        /* Only spot offers: not a floor, and below on-demand. */
        double spot = gp_offer_has_spot(o) ? gp_offer_spot_usd_per_gpu_hour(o) : NAN;
        if (spot > 0) {
            gp_spot_risk risk;
            if (!gp_terms_spot_risk(terms, o->provider, gp_kind_name(o->kind), o->instance_type,
                                    o->region, &risk))
                continue;
            double rate = risk.rate_per_node_hour;
            double slow = gp_spot_slowdown(rate, t->checkpoint_hours, t->restart_hours);
            if (isnan(rate) || isnan(slow))
                continue;
            double expected = spot * slow;
            if (expected < best_spot) {
                best_spot = expected;
                fill_row(t, OPT_SPOT, o, spot, expected);
                char why[160];
                if (risk.basis == GP_SPOT_RISK_ADVISOR)
                    snprintf(why, sizeof(why), "AWS Spot Advisor band %s in %s, %s feed of %s%s",
                             risk.band_label, o->region, risk.feed, risk.feed_as_of,
                             risk.lower_bound ? ", a lower bound" : "");
                else
                    snprintf(why, sizeof(why),
                             "no published interruption data for %s %s: an assumption for a %s",
                             o->provider, o->instance_type, gp_kind_name(o->kind));
                snprintf(t->rows[OPT_SPOT].basis, sizeof(t->rows[0].basis),
                         "%s %s at $%.2f/GPU-h spot (%s:%u); %.2f interruptions/month "
                         "(%s) make a worked hour take %.4f h",
                         o->provider, o->instance_type, spot, o->source, o->line, rate * 730,
                         why, slow);
            }
        }
    }
    free(rows);
    return 0;
}

static const char *break_even_text(char *buf, size_t cap, const option_row *r, int reserved)
{
    if (isnan(r->usd_per_used_gpu_hour))
        return strcpy(buf, "-");
    if (reserved) {
        double u = r->committed_break_even;
        if (isnan(u))
            return strcpy(buf, "-");
        if (u <= 0)
            return strcpy(buf, "reserved cheaper at any utilisation");
        if (u >= 1)
            return strcpy(buf, "owning cheaper at any utilisation");
        snprintf(buf, cap, "owning cheaper below %.0f%%", 100 * u);
        return buf;
    }
    if (isnan(r->break_even))
        return strcpy(buf, "never (price below energy)");
    /* gp_fmt_pct: a huge capex needs a utilisation of 1e296%, which %.0f
     * would print as 297 digits cut off by the cell. */
    char pct[32];
    gp_fmt_pct(pct, sizeof(pct), r->break_even);
    if (r->break_even > 1)
        snprintf(buf, cap, "never (needs %s)", pct);
    else
        snprintf(buf, cap, "owning cheaper above %s", pct);
    return buf;
}

static json_t *tco_json(const tco_run *t)
{
    json_t *root = json_object(), *in = json_object(), *own = json_object(),
           *opts = json_array();
    json_object_set_new(in, "gpu", json_string(t->accel->name));
    json_object_set_new(in, "gpus_per_server", json_integer(t->in.gpus_per_server));
    json_object_set_new(in, "capex_usd", json_real(t->in.capex_usd));
    json_object_set_new(in, "years", json_real(t->in.years));
    json_object_set_new(in, "power_kw", json_real(t->in.power_kw));
    json_object_set_new(in, "usd_per_kwh", json_real(t->in.usd_per_kwh));
    json_object_set_new(in, "pue", json_real(t->in.pue));
    json_object_set_new(in, "pue_source", json_string(t->pue_source));
    json_object_set_new(in, "opex_usd_per_year", json_real(t->in.opex_usd_per_year));
    json_object_set_new(in, "utilization", json_real(t->in.utilization));
    json_object_set_new(in, "checkpoint_hours", json_real(t->checkpoint_hours));
    json_object_set_new(in, "checkpoint_default", json_boolean(t->checkpoint_default));
    json_object_set_new(in, "restart_hours", json_real(t->restart_hours));
    json_object_set_new(root, "inputs", in);
    json_object_set_new(own, "used_gpu_hours", json_real(t->own.used_gpu_hours));
    json_object_set_new(own, "energy_usd_per_year", json_real(t->own.energy_usd_per_year));
    json_object_set_new(own, "total_usd", json_real(t->own.total_usd));
    json_object_set_new(own, "usd_per_used_gpu_hour", json_real(t->own.usd_per_used_gpu_hour));
    json_object_set_new(own, "fixed_usd_per_gpu_hour_at_full",
                        json_real(t->own.fixed_usd_per_gpu_hour_at_full));
    json_object_set_new(own, "energy_usd_per_used_gpu_hour",
                        json_real(t->own.energy_usd_per_gpu_hour));
    json_object_set_new(root, "on_premises", own);
    static const char *const KEYS[] = {"", "on_demand", "spot", "reserved"};
    for (int k = OPT_ON_DEMAND; k < NOPTIONS; k++) {
        const option_row *r = &t->rows[k];
        json_t *j = json_object();
        json_object_set_new(j, "option", json_string(KEYS[k]));
        if (!r->offer) {
            json_object_set_new(j, "offer", json_null());
            json_array_append_new(opts, j);
            continue;
        }
        json_object_set_new(j, "provider", json_string(r->offer->provider));
        json_object_set_new(j, "instance_type", json_string(r->offer->instance_type));
        json_object_set_new(j, "region", gp_json_str(r->offer->region));
        json_object_set_new(j, "source", json_string(r->offer->source));
        json_object_set_new(j, "line", json_integer(r->offer->line));
        json_object_set_new(j, "listed_usd_per_gpu_hour", json_real(r->listed_usd_per_gpu_hour));
        json_object_set_new(j, "usd_per_used_gpu_hour", json_real(r->usd_per_used_gpu_hour));
        json_object_set_new(j, "life_usd", json_real(r->life_usd));
        if (k == OPT_RESERVED)
            json_object_set_new(j, "owning_cheaper_below_utilization",
                                gp_json_num(r->committed_break_even));
        else
            json_object_set_new(j, "owning_cheaper_above_utilization",
                                gp_json_num(r->break_even));
        json_object_set_new(j, "basis", json_string(r->basis));
        json_array_append_new(opts, j);
    }
    json_object_set_new(root, "cloud", opts);
    return root;
}

static void tco_csv(const tco_run *t)
{
    fputs("option,provider,instance_type,listed_usd_per_gpu_hour,usd_per_used_gpu_hour,"
          "life_usd,break_even_utilization,basis\n",
          stdout);
    gp_csv_cell(stdout, "on-premises", 1);
    gp_csv_cell(stdout, "", 0);
    gp_csv_cell(stdout, "", 0);
    gp_csv_num(stdout, NAN, 0);
    gp_csv_num(stdout, t->own.usd_per_used_gpu_hour, 0);
    gp_csv_num(stdout, t->own.total_usd, 0);
    gp_csv_num(stdout, NAN, 0);
    gp_csv_cell(stdout, "capex + life x (opex + energy at the utilisation)", 0);
    gp_csv_end(stdout);
    for (int k = OPT_ON_DEMAND; k < NOPTIONS; k++) {
        const option_row *r = &t->rows[k];
        gp_csv_cell(stdout, OPTION_NAMES[k], 1);
        gp_csv_cell(stdout, r->offer ? r->offer->provider : "", 0);
        gp_csv_cell(stdout, r->offer ? r->offer->instance_type : "", 0);
        gp_csv_num(stdout, r->offer ? r->listed_usd_per_gpu_hour : NAN, 0);
        gp_csv_num(stdout, r->offer ? r->usd_per_used_gpu_hour : NAN, 0);
        gp_csv_num(stdout, r->offer ? r->life_usd : NAN, 0);
        gp_csv_num(stdout, !r->offer ? NAN : k == OPT_RESERVED ? r->committed_break_even
                                                              : r->break_even, 0);
        gp_csv_cell(stdout, r->basis, 0);
        gp_csv_end(stdout);
    }
}

static void tco_table(const tco_run *t, gp_format fmt, int wide)
{
    gp_style st = gp_style_for(stdout);
    char capex[32], opex[32], used[32], energy[32], fixed[32];
    char line[512];
    size_t width = fmt == FMT_MD ? 0 : gp_prose_width();
    snprintf(line, sizeof(line),
             "Owning %d x %s for %g years at %.0f%% utilisation: %s up front, %s/year opex, "
             "%g kW x PUE %g at $%g/kWh.",
             t->in.gpus_per_server, t->accel->name, t->in.years, 100 * t->in.utilization,
             gp_fmt_usd(capex, sizeof(capex), t->in.capex_usd),
             gp_fmt_usd(opex, sizeof(opex), t->in.opex_usd_per_year), t->in.power_kw, t->in.pue,
             t->in.usd_per_kwh);
    fputs(st.bold, stdout);
    gp_wrap(line, 0, 0, width);
    fputs(st.reset, stdout);
    snprintf(line, sizeof(line),
             "Used GPU-hours over the life: %s. Energy: %s/year. Fixed cost per GPU-hour at "
             "full use: %s; energy per used GPU-hour: $%.3f.",
             gp_fmt_int(used, sizeof(used), t->own.used_gpu_hours),
             gp_fmt_usd(energy, sizeof(energy), t->own.energy_usd_per_year),
             gp_fmt_usd(fixed, sizeof(fixed), t->own.fixed_usd_per_gpu_hour_at_full),
             t->own.energy_usd_per_gpu_hour);
    gp_wrap(line, 0, 0, width);
    putchar('\n');
    const gp_col cols[] = {{"OPTION", 0, 0, 0, 0},         {"$/USED GPU-H", 1, 0, 0, 0},
                           {"OVER THE LIFE", 1, 0, 0, -1},  {"BREAK-EVEN", 0, 0, 0, 0},
                           {"OFFER", 0, 60, 20, 0}};
    gp_table *tab = gp_table_new(cols, 5);
    if (!tab)
        return;
    char a[32], b[32];
    const char *own[] = {"on-premises", gp_fmt_usd(a, sizeof(a), t->own.usd_per_used_gpu_hour),
                         gp_fmt_usd(b, sizeof(b), t->own.total_usd), "-", "your server"};
    gp_table_add(tab, own);
    for (int k = OPT_ON_DEMAND; k < NOPTIONS; k++) {
        const option_row *r = &t->rows[k];
        char p[32], life[32], be[64], offer[160] = "no offer in the catalog";
        if (r->offer)
            snprintf(offer, sizeof(offer), "%s %s", r->offer->provider, r->offer->instance_type);
        const char *cells[] = {OPTION_NAMES[k],
                               r->offer ? gp_fmt_usd(p, sizeof(p), r->usd_per_used_gpu_hour)
                                        : "-",
                               r->offer ? gp_fmt_usd(life, sizeof(life), r->life_usd) : "-",
                               r->offer ? break_even_text(be, sizeof(be), r, k == OPT_RESERVED)
                                        : "-",
                               offer};
        gp_table_add(tab, cells);
    }
    gp_table_show(tab, fmt, wide);
    gp_table_free(tab);
    /* Where each cloud figure comes from, in full. */
    putchar('\n');
    for (int k = OPT_ON_DEMAND; k < NOPTIONS; k++) {
        const option_row *r = &t->rows[k];
        if (!r->offer)
            continue;
        snprintf(line, sizeof(line), "%s: %s", OPTION_NAMES[k], r->basis);
        gp_wrap(line, 0, 2, width);
    }
    if (fmt == FMT_MD)
        return;
    gp_note("BREAK-EVEN: the utilisation at which owning costs what renting does. Cloud "
           "prices: per GPU of instances with at least %d GPUs, cheapest region; renting "
           "pays only used hours, except reserved (every hour of the term).", t->in.gpus_per_server);
    gp_note("PUE %g: %s. Spot: checkpoint %.3f h (%s), restart %s; spot capacity is not "
           "guaranteed.", t->in.pue, t->pue_source, t->checkpoint_hours,
           t->checkpoint_default ? "the server's GPU memory at 8 Gb/s, Llama 3's rate"
                                 : "--checkpoint",
           t->restart_given ? "--restart" : "not counted (--restart TIME)");
    gp_note("Not counted: financing, resale value, idle power, the staff to run the "
           "cluster unless in --opex-per-year; cloud storage and egress.");
}

static int run(const gp_cmd *cmd, gp_args *args)
{
    (void)cmd;
    if (!gp_arg_set(args, "gpu"))
        return gp_usage_error("tco", "--gpu is required: the accelerator of the server, "
                              "e.g. --gpu H100");
    gp_catalog *cat = NULL;
    gp_terms *terms = NULL;
    gp_cli_providers prov = {0};
    gp_cli_spot_feed spot = {0};
    int rc = gp_cli_load_catalog(args, &cat);
    if (rc)
        return rc;
    tco_run *t = calloc(1, sizeof(*t));
    gp_gpu_match match;
    gp_error err;
    gp_error_clear(&err);
    if (!t) {
        rc = GP_EXIT_FAIL;
        goto out;
    }
    gp_status st = gp_gpu_match_resolve(cat, gp_arg_text(args, "gpu", ""), &match, &err);
    if (st != GP_OK) {
        rc = gp_report("tco", st, &err);
        goto out;
    }
    if (!match.accel) {
        rc = gp_usage_error("tco", "--gpu %s: pick one accelerator with specs "
                            "(see 'gpuplan gpus')", gp_arg_text(args, "gpu", ""));
        goto out;
    }
    t->accel = match.accel;
    if ((rc = read_inputs(args, match.accel, t)))
        goto out;
    if ((st = gp_terms_load_default(&terms, &err)) != GP_OK) {
        rc = gp_report("tco", st, &err);
        goto out;
    }
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    f.gpu = &match;
    f.priced_only = 0;
    if (!gp_arg_set(args, "any-size"))
        f.min_gpus_per_instance = t->in.gpus_per_server;
    /* AWS's bands as plan takes them: the stored feed over the compiled-in
     * one, read only when an AWS spot offer can be priced. */
    if ((rc = gp_cli_provider_filter("tco", args, cat, &f, &prov)) ||
        (gp_cli_spot_feed_wanted(&f) && (rc = gp_cli_spot_feed_use("tco", args, terms, &spot))) ||
        (rc = cloud_options(cat, terms, &f, t)))
        goto out;
    gp_format fmt = (gp_format)gp_format_parse(gp_arg_text(args, "format", "table"));
    if (fmt == FMT_JSON)
        rc = gp_json_print(tco_json(t)) ? GP_EXIT_FAIL : GP_EXIT_OK;
    else if (fmt == FMT_CSV)
        tco_csv(t);
    else
        tco_table(t, fmt, gp_arg_set(args, "wide"));
out:
    free(t);
    gp_cli_providers_free(&prov);
    gp_terms_free(terms);
    gp_cli_spot_feed_free(&spot);
    gp_catalog_free(cat);
    return rc;
}

const gp_cmd gp_cmd_tco = {
    "tco",
    "Own or rent: one server against the cheapest cloud offers.",
    "tco --gpu NAME --capex USD --years N --power-kw KW --usd-per-kwh USD "
    "--opex-per-year USD --utilization PCT [OPTIONS]",
    "The cost per used GPU-hour of owning one server (capex, opex and energy "
    "over its life, at your utilisation) against the catalog's cheapest "
    "on-demand offer, the cheapest spot offer with the expected cost of its "
    "interruptions, and the cheapest reserved price, each with the break-even "
    "utilisation. Inputs without a sourced default are required; the PUE and "
    "the node size default to sourced figures (data/tco-defaults.csv, "
    "data/cluster-network.csv). docs/tco.md gives the formulas.",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan tco --gpu H100 --capex 250k --years 4 --power-kw 10.2 --usd-per-kwh 0.12 "
    "--opex-per-year 20k --utilization 70%\n"
    "gpuplan tco --gpu A100-80GB --capex 120k --years 5 --power-kw 6.5 --usd-per-kwh 0.08 "
    "--opex-per-year 0 --utilization 50% --format json",
    run,
};
