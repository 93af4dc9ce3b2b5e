/* gpuplan plan: the training job priced on every offer, under a deadline
 * and a budget; the ranked plans, the cost-time frontier, the breakdown of
 * the best plan and every assumption. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "avail.h"
#include "cmd.h"
#include "gpuplan/plan.h"
#include "gpuplan/refresh.h"
#include "gpuplan/units.h"
#include "job_args.h"
#include "load.h"
#include "out.h"
#include "plan_launch.h"
#include "spot_feed_load.h"
#include "svg.h"

static const gp_opt OPTS[] = {
    {"budget", 0, OPT_USD, 0, "USD", NULL,
     "the most the run may cost, e.g. 250k (a dollar sign needs quotes: '$250k')"},
    {"burst-share", 0, OPT_FRACTION, 0, "X", NULL,
     "share of spot interruptions that are bursts (the zone's capacity lost at once) and "
     "wait --replace-wait for new capacity (default 92%: Spot-and-Scoot, co-interruptions "
     "within 3 minutes)"},
    {"capacity", 0, OPT_CHOICE, 0, "WHICH", "ok|known|any",
     "rank plans whose capacity is ok; known (default): ok or risk; any: unknown too "
     "(exceeds is never ranked)"},
    {"assume-term", 0, OPT_HOURS, 0, "TIME", NULL,
     "price committed contracts that publish no minimum length (CoreWeave) for this "
     "term, e.g. 12mo or 90d, labelled an assumption (default: left out)"},
    {"ckpt-gbps", 0, OPT_NUMBER, 0, "GBPS", NULL,
     "checkpoint write/read bandwidth per node, Gb/s (default 8: about 1 GB/s, as "
     "Llama 3's storage per node)"},
    {"dataset-gb", 0, OPT_GB, 0, "GB", NULL,
     "training data kept in the provider's storage for the run"},
    {"deadline", 'd', OPT_HOURS, 0, "TIME", NULL,
     "finish within this wall-clock time, e.g. 30d or 72h (default 30d)"},
    {"discount", 0, OPT_STRING, OPT_REPEAT, "PROVIDER=PCT", NULL,
     "a negotiated discount off on-demand prices, e.g. aws=20% (repeatable)"},
    {"download-weights", 0, OPT_FLAG, 0, NULL, NULL,
     "the final weights leave the provider: count their egress"},
    {"export", 0, OPT_CHOICE, OPT_TWO, "FORMAT FILE", "skypilot|dstack",
     "write the best plan's launch file: a SkyPilot or a dstack task YAML (written "
     "whole or not at all)"},
    {"exclude", 0, OPT_STRING, OPT_REPEAT, "LIST", NULL,
     "leave out these providers (comma-separated, repeatable)"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|json|md",
     "output format: table (default), json or md"},
    {"gcp-provisioning", 0, OPT_CHOICE, 0, "MODEL", "spot|preemptible",
     "GCP spot plans as Spot VMs (default, no runtime limit) or preemptible VMs (stopped "
     "after 24 h: at least one interruption per host a day)"},
    {"gpu", 'g', OPT_STRING, 0, "NAME", NULL,
     "only this accelerator, any spelling or a pattern ('H100*')"},
    {"kind", 'k', OPT_CHOICE, 0, "KIND", "hyperscaler|neocloud|marketplace",
     "only providers of this kind"},
    {"max-gpus", 0, OPT_NUMBER, 0, "N", NULL, "at most this many accelerators"},
    {"objective", 0, OPT_CHOICE, 0, "OBJ", "cost|time",
     "cost (default): cheapest that meets the deadline; time: fastest within the budget"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "LIST", NULL,
     "only these providers (comma-separated, repeatable)"},
    {"region", 'r', OPT_STRING, 0, "GLOB", NULL, "only regions matching this pattern"},
    {"replace-wait", 0, OPT_HOURS, 0, "TIME", NULL,
     "a burst's wait for new spot capacity, after --restart (default 1h: an assumption)"},
    {"reserved", 0, OPT_CHOICE, 0, "WHEN", "never|allow",
     "price reserved/committed terms too (default allow)"},
    {"restart", 0, OPT_HOURS, 0, "TIME", NULL,
     "time to replace capacity after a spot interruption, before reloading (default 15min)"},
    {"reuse", 0, OPT_FRACTION, 0, "X", NULL,
     "share of a reservation's unused remainder you will use elsewhere (default 0)"},
    {"seed", 0, OPT_NUMBER, 0, "N", NULL, "Monte-Carlo seed (default 1)"},
    {"serve-input-tokens", 0, OPT_COUNT, 0, "N", NULL,
     "with --serve-rps: prompt tokens per request"},
    {"serve-months", 0, OPT_NUMBER, 0, "N", NULL, "months of serving (with --serve-on)"},
    {"serve-on", 0, OPT_STRING, 0, "PROVIDER[:GPU]", NULL,
     "serve the trained model there: its cheapest instance that holds the weights"},
    {"serve-output-tokens", 0, OPT_COUNT, 0, "N", NULL,
     "with --serve-rps: generated tokens per request"},
    {"serve-percentile", 0, OPT_STRING, 0, "P", NULL,
     "with --serve-rps: the latency targets hold at this percentile (default p90)"},
    {"serve-precision", 0, OPT_CHOICE, 0, "P", "bf16|fp8|int8|int4",
     "with --serve-rps: weight precision for serving (default bf16)"},
    {"serve-replicas", 0, OPT_NUMBER, 0, "N", NULL,
     "without --serve-rps: serving replicas, each the cheapest instance that holds the "
     "weights x 1.2 (default 1)"},
    {"serve-rps", 0, OPT_NUMBER, 0, "N", NULL,
     "size serving with the inference model (see `gpuplan inference`) for this many "
     "requests/s"},
    {"serve-tpot", 0, OPT_STRING, 0, "TIME", NULL,
     "with --serve-rps: time per output token target, e.g. 50ms"},
    {"serve-ttft", 0, OPT_STRING, 0, "TIME", NULL,
     "with --serve-rps: time to first token target, e.g. 2s"},
    {"spot", 0, OPT_CHOICE, 0, "WHEN", "never|allow|only",
     "spot capacity: never, allow (default) or only"},
    {"spot-rate", 0, OPT_NUMBER, 0, "RATE", NULL,
     "spot interruptions per node-hour, replacing AWS's Spot Advisor bands and the "
     "per-kind assumptions (e.g. 0.0002)"},
    {"storage-gbps", 0, OPT_NUMBER, 0, "GBPS", NULL,
     "aggregate checkpoint bandwidth of the shared storage, Gb/s (default: the provider's "
     "Lustre service sized to what the run stores, data/ckpt-storage.csv)"},
    {"svg", 0, OPT_STRING, 0, "FILE", NULL,
     "also write a cost-vs-time chart of every candidate, with the frontier"},
    {"top", 'n', OPT_NUMBER, 0, "N", NULL, "show the N best plans (default 10; 0: all)"},
    {"trials", 0, OPT_NUMBER, 0, "N", NULL,
     "Monte-Carlo runs per spot candidate (default 10,000)"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL,
     "do not shorten or drop columns to fit the terminal"},
    GP_JOB_MODEL_OPTIONS,
    GP_JOB_TRAIN_OPTIONS,
    GP_JOB_FINETUNE_OPTIONS,
    GP_CATALOG_OPTIONS,
};

typedef struct plan_cli {
    gp_cli_job cj;
    gp_catalog *cat;
    gp_terms *terms;
    gp_plan_request req;
    gp_plan_result res;
    gp_gpu_match gpu, serve_gpu;
    gp_discount discounts[32];
    char discount_names[32][64];
    char serve_provider[64];
    gp_cli_providers prov;
    int top;
    int deadline_default;
    gp_launch_names *names;     /* provider and accelerator names per tool */
    const char *export_format;  /* --export FORMAT, or NULL */
    const char *export_file;    /* --export ... FILE */
    gp_cli_spot_feed spot;      /* the refreshed Spot Advisor feed, if used */
    int spot_aws;               /* an AWS spot plan without --spot-rate can be made */
} plan_cli;

/* ---- rendering ------------------------------------------------------------- */

static const char *term_text(char *buf, size_t cap, const gp_plan *p)
{
    if (p->term == GP_TERM_RESERVED && p->term_kind == GP_TERM_KIND_CAPACITY_BLOCK)
        snprintf(buf, cap, "block-%dd", p->term_days);
    else if (p->term == GP_TERM_RESERVED && p->term_kind == GP_TERM_KIND_COMMITTED)
        snprintf(buf, cap, "committed-%.0fmo%s", p->term_months, p->term_assumed ? "?" : "");
    else if (p->term == GP_TERM_RESERVED)
        snprintf(buf, cap, "reserved-%.0fmo", p->term_months);
    else
        snprintf(buf, cap, "%s", gp_term_name(p->term));
    return buf;
}

/* Availability signals from the price history (cli/avail.h): a plan on an
 * instance type whose latest signal within a day says no capacity gets a
 * note; ranking is unchanged (docs/plan.md). */
static gp_cli_avail plan_avail;

static int capacity_note(const gp_plan *p, char *buf, size_t cap)
{
    if (!plan_avail.h)
        return 0;
    gp_history_latest l;
    gp_cli_avail_get(&plan_avail, p->offer->provider, p->offer->instance_type, 24.0, &l);
    if (l.status != GP_AVAIL_NO)
        return 0;
    char t[21];
    gp_history_format_time(l.observed_unix_s, t);
    snprintf(buf, cap, "no capacity seen at %s on %.10s (%s, %s%s%s)", p->offer->provider, t,
             l.kind, l.source, l.region[0] ? ", region " : "", l.region);
    return 1;
}

static json_t *plan_json(const gp_plan *p)
{
    char term[32];
    json_t *j = json_object();
    json_object_set_new(j, "rank", json_integer(p->rank));
    json_object_set_new(j, "provider", json_string(p->offer->provider));
    json_object_set_new(j, "kind", json_string(gp_kind_name(p->offer->kind)));
    json_object_set_new(j, "instance_type", gp_json_str(p->offer->instance_type));
    json_object_set_new(j, "region",
                        gp_json_str(p->term_region ? p->term_region : p->offer->region));
    json_object_set_new(j, "zone", p->offer->zone[0] ? json_string(p->offer->zone) : json_null());
    json_object_set_new(j, "gpu", json_string(p->offer->gpu));
    json_object_set_new(j, "instances", json_integer(p->instances));
    json_object_set_new(j, "gpus", json_integer(p->gpus));
    json_object_set_new(j, "term", json_string(term_text(term, sizeof(term), p)));
    json_object_set_new(j, "pricing_kind", json_string(gp_pricing_kind_name(p->pricing_kind)));
    json_object_set_new(j, "catalog_finding", p->finding ? gp_json_str(p->finding) : json_null());
    json_t *cap = json_object();
    json_object_set_new(cap, "status", json_string(gp_capacity_name(p->capacity.status)));
    json_object_set_new(cap, "max_gpus",
                        p->capacity.max_gpus > 0 ? json_integer(p->capacity.max_gpus)
                                                 : json_null());
    json_object_set_new(cap, "source", gp_json_str(p->capacity.source ? p->capacity.source : ""));
    json_object_set_new(j, "capacity", cap);
    json_t *net = json_object();
    json_object_set_new(net, "gbps", gp_json_num(p->network.gbps_per_node));
    json_object_set_new(net, "gbps_per_gpu", gp_json_num(p->network.gbps_per_gpu));
    json_object_set_new(net, "multi_node", json_boolean(p->network.multi_node));
    json_object_set_new(net, "known", json_boolean(p->network.known));
    json_object_set_new(net, "source", gp_json_str(p->network.source ? p->network.source : ""));
    json_object_set_new(j, "network", net);
    json_object_set_new(j, "hours", gp_json_num(p->hours));
    json_object_set_new(j, "hours_p50", gp_json_num(p->hours_p50));
    json_object_set_new(j, "hours_p90", gp_json_num(p->hours_p90));
    json_object_set_new(j, "cost_usd", gp_json_num(p->cost_usd));
    json_object_set_new(j, "cost_p50_usd", gp_json_num(p->cost_p50_usd));
    json_object_set_new(j, "cost_p90_usd", gp_json_num(p->cost_p90_usd));
    json_object_set_new(j, "usd_per_gpu_hour", gp_json_num(p->usd_per_gpu_hour));
    json_object_set_new(j, "gpu_hours", gp_json_num(p->gpu_hours));
    json_object_set_new(j, "mfu", gp_json_num(p->mfu));
    json_t *l = json_object();
    json_object_set_new(l, "tp", json_integer(p->layout.tp));
    json_object_set_new(l, "pp", json_integer(p->layout.pp));
    json_object_set_new(l, "dp", json_integer(p->layout.dp));
    json_object_set_new(l, "zero", json_integer(p->layout.zero));
    json_object_set_new(l, "recompute", json_string(gp_recompute_name(p->layout.recompute)));
    json_object_set_new(j, "layout", l);
    json_t *b = json_object();
    json_object_set_new(b, "compute_usd", json_real(p->breakdown.compute_usd));
    json_object_set_new(b, "spot_overhead_usd", json_real(p->breakdown.spot_overhead_usd));
    json_object_set_new(b, "storage_usd", json_real(p->breakdown.storage_usd));
    json_object_set_new(b, "egress_usd", json_real(p->breakdown.egress_usd));
    json_object_set_new(b, "serving_usd", json_real(p->breakdown.serving_usd));
    json_object_set_new(j, "breakdown", b);
    if (p->term == GP_TERM_SPOT) {
        json_object_set_new(j, "spot_interruptions_per_node_hour",
                            json_real(p->spot_rate_per_node_hour));
        json_object_set_new(j, "checkpoint_interval_hours",
                            gp_json_num(p->checkpoint_interval_hours));
        json_object_set_new(j, "checkpoint_hours", gp_json_num(p->checkpoint_hours));
        json_object_set_new(j, "interruptions_expected", gp_json_num(p->interruptions));
        json_object_set_new(j, "hosts", json_integer(p->hosts));
        const gp_spot_risk *k = &p->spot_risk;
        static const char *const BASIS[] = {"aws-spot-advisor", "assumption", "given"};
        json_t *sr = json_object();
        json_object_set_new(sr, "basis", json_string(BASIS[k->basis]));
        json_object_set_new(sr, "band", k->band >= 0 ? json_string(k->band_label) : json_null());
        json_object_set_new(sr, "monthly_pct", gp_json_num(100 * k->monthly));
        json_object_set_new(sr, "monthly_p90_pct", gp_json_num(100 * k->monthly_p90));
        json_object_set_new(sr, "p90_rate_per_node_hour",
                            gp_json_num(k->p90_rate_per_node_hour));
        json_object_set_new(sr, "lower_bound", json_boolean(k->lower_bound));
        json_object_set_new(sr, "source", json_string(k->source ? k->source : ""));
        json_object_set_new(sr, "feed", k->feed && k->feed[0] ? json_string(k->feed)
                                                              : json_null());
        json_object_set_new(sr, "feed_as_of", k->feed_as_of && k->feed_as_of[0]
                                                  ? json_string(k->feed_as_of)
                                                  : json_null());
        json_object_set_new(j, "spot_risk", sr);
        json_object_set_new(j, "zone_quotes", json_integer(p->zone_quotes));
        json_object_set_new(j, "checkpoint_gbps", gp_json_num(p->ckpt_gbps));
        json_t *sb = json_object();
        json_object_set_new(sb, "aggregate_gbps",
                            p->storage.gbps > 0 ? json_real(p->storage.gbps) : json_null());
        json_object_set_new(sb, "service", p->storage.service ? json_string(p->storage.service)
                                                              : json_null());
        json_object_set_new(sb, "tib", p->storage.tib > 0 ? json_real(p->storage.tib)
                                                          : json_null());
        json_object_set_new(sb, "source", p->storage.source ? json_string(p->storage.source)
                                                            : json_null());
        json_object_set_new(j, "storage", sb);
        json_object_set_new(j, "max_runtime_hours", isfinite(p->max_runtime_hours)
                                                        ? json_real(p->max_runtime_hours)
                                                        : json_null());
    }
    if (p->term == GP_TERM_RESERVED) {
        json_object_set_new(j, "term_kind", json_string(gp_term_kind_name(p->term_kind)));
        json_object_set_new(j, "term_name", gp_json_str(p->term_name ? p->term_name : ""));
        json_object_set_new(j, "term_months", json_real(p->term_months));
        json_object_set_new(j, "term_hours", json_real(p->term_hours));
        json_object_set_new(j, "term_days", p->term_days > 0 ? json_integer(p->term_days)
                                                             : json_null());
        json_object_set_new(j, "term_assumed", json_boolean(p->term_assumed));
        json_object_set_new(j, "term_source", gp_json_str(p->term_source ? p->term_source : ""));
        json_object_set_new(j, "discount", json_real(p->discount));
        json_object_set_new(j, "break_even_utilisation", json_real(p->break_even));
    }
    if (p->billing) {
        json_t *bl = json_object();
        json_object_set_new(bl, "granularity_seconds", json_real(p->billing->granularity_seconds));
        json_object_set_new(bl, "minimum_seconds", json_real(p->billing->minimum_seconds));
        json_object_set_new(bl, "basis", json_string(p->billing->basis));
        json_object_set_new(bl, "source", json_string(p->billing->source));
        json_object_set_new(j, "billed_hours", json_real(p->billed_hours));
        json_object_set_new(j, "billing", bl);
    }
    json_object_set_new(j, "meets_deadline", json_boolean(p->meets_deadline));
    json_object_set_new(j, "meets_budget", json_boolean(p->meets_budget));
    json_object_set_new(j, "pareto", json_boolean(p->pareto));
    json_object_set_new(j, "source", gp_json_str(p->offer->source));
    json_object_set_new(j, "as_of", gp_json_str(p->offer->as_of));
    json_t *notes = json_array();
    for (size_t i = 0; i < p->nnotes; i++)
        json_array_append_new(notes, gp_json_str(p->notes[i]));
    char cn[900];
    if (capacity_note(p, cn, sizeof(cn)))
        json_array_append_new(notes, json_string(cn));
    json_object_set_new(j, "notes", notes);
    return j;
}

static size_t shown(const plan_cli *pc)
{
    size_t n = pc->res.nplans;
    return pc->top > 0 && (size_t)pc->top < n ? (size_t)pc->top : n;
}


/* The spot-band assumption line, naming `feed` (text starting "; "); what
 * snprintf returns, so a caller sees a cut line. */
static int spot_band_line(char out[GP_ASSUMPTION_LEN], const char *feed)
{
    return snprintf(out, GP_ASSUMPTION_LEN,
                    "spot: interruptions per node-hour from AWS's Spot Advisor band of the "
                    "type and region (midpoint; P90 at the band's upper edge%s), else a stated "
                    "per-kind assumption (data/spot-assumptions.csv), times the hosts (a TPU "
                    "slice is several)",
                    feed);
}

static void plan_assumptions(const plan_cli *pc, const char **out, size_t *n,
                             char buf[][GP_ASSUMPTION_LEN])
{
    const gp_plan_request *r = &pc->req;
    size_t k = 0;
    snprintf(buf[k], GP_ASSUMPTION_LEN,
             "deadline %.0f hours%s; plans are ranked by %s; spot plans must meet it at "
             "their P90",
             r->deadline_hours, pc->deadline_default ? " (default 30 days)" : "",
             r->objective == GP_OBJECTIVE_COST ? "cost" : "time");
    out[k] = buf[k];
    k++;
    snprintf(buf[k], GP_ASSUMPTION_LEN,
             "each instance type at its cheapest region (spot: the zone quote with the lowest "
             "expected cost with interruptions, every instance there); instance counts 1, 2, "
             "3, 4, 6, 8, 12, 16 ...; the fewest that meet the deadline (cost) or the fastest "
             "within the budget (time)");
    out[k] = buf[k];
    k++;
    /* The feed is named only where an AWS spot plan could take a band from
     * it (pc->spot_aws): otherwise no plan's rate comes from any feed, and
     * the stored one was not read (so its date is not known). */
    const gp_spot_advisor_table *sa = gp_cli_spot_feed_table(&pc->spot);
    char feed[GP_ASSUMPTION_LEN / 2] = "";
    if (pc->spot_aws)
        snprintf(feed, sizeof(feed), "; the %s feed of %s, %s", sa->feed, sa->as_of,
                 sa->source);
    if (!isnan(r->spot_rate_per_node_hour))
        snprintf(buf[k], GP_ASSUMPTION_LEN,
                 "spot: %g interruptions per node-hour (--spot-rate), times the hosts (a TPU "
                 "slice is several)",
                 r->spot_rate_per_node_hour);
    else
        /* A long feed URL (an --endpoint) would cut the line: then the URL
         * is left out, the feed and its date kept. */
        for (int pass = 0; pass < 2; pass++) {
            if (spot_band_line(buf[k], feed) < GP_ASSUMPTION_LEN || !pc->spot_aws)
                break;
            snprintf(feed, sizeof(feed), "; the %.16s feed of %.24s", sa->feed, sa->as_of);
        }
    out[k] = buf[k];
    k++;
    snprintf(buf[k], GP_ASSUMPTION_LEN,
             "spot: checkpoints of %.0f GB written at %.0f Gb/s per node every sqrt(2C/rate) "
             "(Young); %.2f h to replace capacity plus a reload; up to %d Monte-Carlo runs "
             "(at least %d for candidates with many interruptions), seed %llu",
             pc->res.checkpoint_gb, r->ckpt_gbps, r->restart_hours, r->trials,
             r->trials / 20 > 0 ? r->trials / 20 : 1,
             (unsigned long long)r->seed);
    out[k] = buf[k];
    k++;
    char storage[64];
    if (isnan(r->storage_gbps))
        snprintf(storage, sizeof(storage), "the provider's Lustre service sized to what the "
                                           "run stores");
    else
        snprintf(storage, sizeof(storage), "%.4g Gb/s (--storage-gbps)", r->storage_gbps);
    snprintf(buf[k], GP_ASSUMPTION_LEN,
             "spot: checkpoints no faster than the shared storage (%s; no bound where no "
             "source gives one); %.0f%% of interruptions are bursts waiting %.2g h for new "
             "capacity (--burst-share, from Spot-and-Scoot; --replace-wait, assumed); GCP "
             "as %s VMs",
             storage, 100 * r->burst_share, r->replace_wait_hours,
             r->gcp_provisioning == GP_GCP_PREEMPTIBLE ? "preemptible" : "Spot");
    out[k] = buf[k];
    k++;
    snprintf(buf[k], GP_ASSUMPTION_LEN,
             "terms: savings plans only at a published family rate, AWS Capacity Blocks "
             "(1-182 days, up to 64 instances) at their published price, contracts at their "
             "published minimum%s; charged in full (%.0f%% of the unused rest credited, "
             "--reuse)",
             r->assume_term_hours > 0 ? " or the assumed term (--assume-term)" : "",
             100 * r->reuse);
    out[k] = buf[k];
    k++;
    snprintf(buf[k], GP_ASSUMPTION_LEN,
             "storage: the dataset (%.0f GB) and two checkpoints for the run, at the provider's "
             "block-storage price; moving data in is not priced (the data has egress prices "
             "only)",
             r->dataset_gb);
    out[k] = buf[k];
    k++;
    *n = k;
}

static json_t *result_json(const plan_cli *pc)
{
    json_t *root = json_object();
    const gp_estimate *e = &pc->res.best_estimate;
    json_t *job = json_object();
    json_object_set_new(job, "model", json_string(pc->cj.job.model->name));
    json_object_set_new(job, "params_total", json_real(pc->cj.job.model->params_total));
    json_object_set_new(job, "params_active", json_real(pc->cj.job.model->params_active));
    json_object_set_new(job, "tokens", json_real(pc->cj.job.tokens));
    json_object_set_new(job, "tokens_basis", json_string(pc->cj.tokens_basis));
    json_object_set_new(job, "model_flops", json_real(pc->cj.job.tokens *
                                                     (e->accel ? e->model_flops_per_token
                                                               : NAN)));
    json_object_set_new(job, "checkpoint_gb", json_real(pc->res.checkpoint_gb));
    json_object_set_new(job, "weights_gb", json_real(pc->res.weights_gb));
    if (e->accel) {
        json_object_set_new(job, "best_plan_gpu", json_string(e->accel->name));
        json_object_set_new(job, "best_plan_mfu", gp_json_num(e->mfu));
        json_object_set_new(job, "memory_per_gpu_gb", gp_cli_memory_json(&e->memory));
        json_t *as = json_array();
        for (size_t i = 0; i < e->nassumptions; i++)
            json_array_append_new(as, gp_json_str(e->assumptions[i]));
        json_object_set_new(job, "assumptions", as);
    }
    json_object_set_new(root, "job", job);
    json_t *c = json_object();
    json_object_set_new(c, "deadline_hours", gp_json_num(pc->req.deadline_hours));
    json_object_set_new(c, "budget_usd", gp_json_num(pc->req.budget_usd));
    json_object_set_new(c, "objective",
                        json_string(pc->req.objective == GP_OBJECTIVE_COST ? "cost" : "time"));
    json_object_set_new(root, "constraints", c);
    json_t *plans = json_array();
    for (size_t i = 0; i < shown(pc); i++)
        json_array_append_new(plans, plan_json(&pc->res.plans[i]));
    json_object_set_new(root, "plans", plans);
    json_t *frontier = json_array();
    for (size_t i = 0; i < pc->res.nplans; i++) {
        const gp_plan *p = &pc->res.plans[i];
        if (!p->pareto)
            continue;
        char term[32];
        json_t *f = json_object();
        json_object_set_new(f, "rank", json_integer(p->rank));
        json_object_set_new(f, "provider", json_string(p->offer->provider));
        json_object_set_new(f, "gpu", json_string(p->offer->gpu));
        json_object_set_new(f, "gpus", json_integer(p->gpus));
        json_object_set_new(f, "term", json_string(term_text(term, sizeof(term), p)));
        json_object_set_new(f, "hours", json_real(p->hours));
        json_object_set_new(f, "cost_usd", json_real(p->cost_usd));
        json_array_append_new(frontier, f);
    }
    json_object_set_new(root, "frontier", frontier);
    if (pc->res.nplans > 0) {
        gp_launch w;
        gp_launch_where(pc->names, &pc->res.plans[0], &w);
        json_object_set_new(root, "launch",
                            gp_cli_launch_json(&w, pc->export_format, pc->export_file));
    } else {
        json_object_set_new(root, "launch", json_null());
    }
    json_object_set_new(root, "candidates", json_integer((json_int_t)pc->res.nplans));
    json_object_set_new(root, "capacity_left_out",
                        json_integer((json_int_t)pc->res.capacity_left_out));
    json_object_set_new(root, "feasible", json_integer((json_int_t)pc->res.nfeasible));
    json_object_set_new(root, "binding", json_string(pc->res.binding));
    if (pc->req.serve_provider) {
        json_t *s = json_object();
        json_object_set_new(s, "provider", json_string(pc->req.serve_provider));
        json_object_set_new(s, "instance_type", gp_json_str(pc->res.serve_offer->instance_type));
        json_object_set_new(s, "usd", json_real(pc->res.serve_usd));
        json_object_set_new(s, "modelled", json_boolean(pc->res.serve_modelled));
        if (pc->res.serve_modelled) {
            const gp_serve_offer *so = &pc->res.serve;
            json_object_set_new(s, "gpu", json_string(so->offer->gpu));
            json_object_set_new(s, "instances", json_integer(so->pt.instances));
            json_object_set_new(s, "gpus", json_integer(so->pt.gpus));
            json_object_set_new(s, "gpus_per_replica", json_integer(so->pt.tp));
            json_object_set_new(s, "replicas", json_integer(so->pt.replicas));
            json_object_set_new(s, "usd_per_month", json_real(so->usd_per_month));
            json_object_set_new(s, "months", json_real(pc->req.serve_months));
            json_object_set_new(s, "rps", json_real(pc->req.serve_rps));
            json_object_set_new(s, "ttft_s", gp_json_num(so->pt.ttft_s));
            json_object_set_new(s, "tpot_s", gp_json_num(so->pt.tpot_s));
            json_object_set_new(s, "percentile", json_real(pc->req.serve_percentile));
            json_object_set_new(s, "usd_per_m_output_tokens", gp_json_num(so->usd_per_m_output));
            json_object_set_new(s, "usd_per_m_input_tokens", gp_json_num(so->usd_per_m_input));
            json_object_set_new(s, "binding", json_string(gp_serve_binding_name(so->pt.binding)));
        }
        json_object_set_new(s, "compare", json_string(pc->res.serve_compare));
        json_object_set_new(root, "serving", s);
    }
    json_t *as = json_array();
    const char *lines[10];
    char buf[10][GP_ASSUMPTION_LEN];
    size_t n;
    plan_assumptions(pc, lines, &n, buf);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(as, json_string(lines[i]));
    json_object_set_new(root, "assumptions", as);
    return root;
}

static const char *days_text(char *buf, size_t cap, double hours)
{
    if (!isfinite(hours))
        snprintf(buf, cap, "-");
    else if (hours < 1)
        snprintf(buf, cap, "%.0fmin", ceil(hours * 60));
    else if (hours < 48)
        snprintf(buf, cap, "%.1fh", hours);
    else
        snprintf(buf, cap, "%.1fd", hours / 24);
    return buf;
}

static int table_out(const plan_cli *pc, gp_format fmt, int wide)
{
    const gp_col cols[] = {
        {"#", 1, 0, 0, 0},          {"PROVIDER", 0, 12, 8, 0}, {"INSTANCE", 0, 18, 10, 0},
        {"GPUS", 1, 0, 0, 0},       {"TERM", 0, 0, 0, 0},     {"DAYS", 1, 0, 0, 2},
        {"P90", 1, 0, 0, -1},       {"COST", 1, 0, 0, 0},     {"$/GPU-H", 1, 0, 0, -4},
        {"MFU", 1, 0, 0, -5},        {"OK", 0, 0, 0, 1},       {"CAP", 0, 0, 0, -2},
        {"WHERE", 0, 14, 8, 3},
    };
    gp_table *t = gp_table_new(cols, sizeof(cols) / sizeof(cols[0]));
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < shown(pc); i++) {
        const gp_plan *p = &pc->res.plans[i];
        char rank[16], gpus[48], term[32], days[16], p90[16], cost[32], price[32], mfu[16],
            ok[32];
        snprintf(rank, sizeof(rank), "%d", p->rank);
        snprintf(gpus, sizeof(gpus), "%d %s", p->gpus, p->offer->gpu);
        days_text(days, sizeof(days), p->hours);
        days_text(p90, sizeof(p90), p->hours_p90);
        gp_fmt_usd(cost, sizeof(cost), p->cost_usd);
        gp_fmt_usd(price, sizeof(price), p->usd_per_gpu_hour);
        gp_fmt_pct(mfu, sizeof(mfu), p->mfu);
        snprintf(ok, sizeof(ok), "%s%s%s", p->meets_deadline ? "" : "late",
                 !p->meets_deadline && !p->meets_budget ? "," : "",
                 p->meets_budget ? (p->meets_deadline ? "yes" : "") : "over");
        if (p->pareto) {
            size_t len = strlen(ok);
            snprintf(ok + len, sizeof(ok) - len, " *");
        }
        if (p->finding) {
            size_t len = strlen(ok);
            snprintf(ok + len, sizeof(ok) - len, " !");
        }
        /* Where it launches: a spot plan's zone (its price is that zone's
         * quote), else the region. */
        const char *where = p->term == GP_TERM_SPOT && p->offer->zone[0] ? p->offer->zone
                                                                          : p->offer->region;
        if (!p->network.known) {
            size_t len = strlen(ok);
            snprintf(ok + len, sizeof(ok) - len, " ?");
        }
        const char *cells[] = {rank, p->offer->provider, p->offer->instance_type, gpus,
                               term_text(term, sizeof(term), p), days, p90, cost, price, mfu,
                               ok, gp_capacity_name(p->capacity.status), where[0] ? where : "-"};
        if (gp_table_add(t, cells) != 0) {
            gp_table_free(t);
            return GP_EXIT_FAIL;
        }
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    return GP_EXIT_OK;
}

static void print_breakdown(const plan_cli *pc, gp_format fmt)
{
    const gp_plan *b = &pc->res.plans[0];
    const char *bullet = fmt == FMT_MD ? "- " : "  ";
    char a[32], term[32];
    char loc[160] = "";
    if (b->offer->region[0] && b->offer->zone[0] && b->term == GP_TERM_SPOT)
        snprintf(loc, sizeof(loc), " in %s (zone %s)", b->offer->region, b->offer->zone);
    else if (b->offer->region[0])
        snprintf(loc, sizeof(loc), " in %s", b->offer->region);
    printf("\n%s: %s %s%s, %d x %s (%d GPUs), %s, layout TP %d x PP %d x DP %d, MFU %.0f%%\n",
           b->meets_deadline && b->meets_budget && b->term != GP_TERM_FLOOR ? "Best plan"
                                                                            : "Nearest plan",
           b->offer->provider, b->offer->instance_type, loc, b->instances, b->offer->gpu,
           b->gpus,
           term_text(term, sizeof(term), b), b->layout.tp, b->layout.pp, b->layout.dp,
           100 * b->mfu);
    gp_launch w;
    gp_launch_where(pc->names, b, &w);
    char where[600];
    gp_cli_launch_text(where, sizeof(where), &w, b);
    printf("%slaunch        %s\n", bullet, where);
    /* How sure the plan is (issue 9): can it be rented at this size, what
     * the price is, where the interruption rate and the network come from. */
    char capmax[48] = "";
    if (b->capacity.max_gpus > 0)
        snprintf(capmax, sizeof(capmax), " (up to %d GPUs sold as one cluster)",
                 b->capacity.max_gpus);
    printf("%scapacity      %s%s; %s\n", bullet, gp_capacity_name(b->capacity.status), capmax,
           b->capacity.source && b->capacity.source[0] ? b->capacity.source : "no source");
    printf("%sprice kind    %s%s\n", bullet, gp_pricing_kind_name(b->pricing_kind),
           b->finding ? " (the catalog check flags this price: see the notes)" : "");
    if (b->term == GP_TERM_SPOT) {
        const gp_spot_risk *k = &b->spot_risk;
        if (k->basis == GP_SPOT_RISK_ADVISOR)
            printf("%sinterruptions %.3g per node-hour: AWS Spot Instance Advisor band %s for "
                   "%s in %s (%s feed of %s)\n",
                   bullet, b->spot_rate_per_node_hour, k->band_label,
                   b->offer->instance_type, b->offer->region, k->feed, k->feed_as_of);
        else
            printf("%sinterruptions %.3g per node-hour: %s\n", bullet,
                   b->spot_rate_per_node_hour, k->source ? k->source : "assumed");
    }
    if (b->network.multi_node) {
        char gbps[48] = "";
        if (isfinite(b->network.gbps_per_node))
            snprintf(gbps, sizeof(gbps), "%.0f Gb/s per node, ", b->network.gbps_per_node);
        printf("%snetwork       %s%s%s\n", bullet, gbps,
               b->network.known ? "" : "unknown: ",
               b->network.source ? b->network.source : "");
    }
    if (pc->export_file)
        printf("%slaunch file   %s (%s task YAML)\n", bullet, pc->export_file,
               strcmp(pc->export_format, "dstack") == 0 ? "dstack" : "SkyPilot");
    else if (w.skypilot_cloud[0] && w.dstack_backend[0])
        printf("%slaunch file   --export skypilot|dstack FILE (SkyPilot cloud %s, dstack "
               "backend %s)\n",
               bullet, w.skypilot_cloud, w.dstack_backend);
    else if (w.skypilot_cloud[0] || w.dstack_backend[0])
        printf("%slaunch file   --export %s FILE (%s %s %s; %s has no %s)\n", bullet,
               w.skypilot_cloud[0] ? "skypilot" : "dstack",
               w.skypilot_cloud[0] ? "SkyPilot" : "dstack",
               w.skypilot_cloud[0] ? "cloud" : "backend",
               w.skypilot_cloud[0] ? w.skypilot_cloud : w.dstack_backend,
               w.skypilot_cloud[0] ? "dstack" : "SkyPilot",
               w.skypilot_cloud[0] ? "backend for it" : "cloud for it");
    else
        printf("%slaunch file   none: neither SkyPilot nor dstack supports %s "
               "(data/launch-names.csv)\n",
               bullet, w.provider);
    if (b->term == GP_TERM_RESERVED)
        printf("%snote: launch files describe on-demand or spot launches only: the %s term is "
               "bought from the provider first, then the file launches on-demand instances\n",
               bullet, term_text(term, sizeof(term), b));
    if (b->term == GP_TERM_RESERVED)
        printf("%scompute       %12s  (%s GPU-hours x $%.4g; %s, data/reserved-terms.csv)\n",
               bullet, gp_fmt_usd(a, sizeof(a), b->breakdown.compute_usd),
               gp_fmt_int(term, sizeof(term), b->breakdown.compute_usd / b->usd_per_gpu_hour),
               b->usd_per_gpu_hour, b->term_name ? b->term_name : "term");
    else
        printf("%scompute       %12s  (%s %sGPU-hours x $%.4g; price from %s, %s)\n", bullet,
               gp_fmt_usd(a, sizeof(a), b->breakdown.compute_usd),
               gp_fmt_int(term, sizeof(term), b->breakdown.compute_usd / b->usd_per_gpu_hour),
               b->billing ? "billed " : "", b->usd_per_gpu_hour, b->offer->source,
               b->offer->as_of[0] ? b->offer->as_of : "undated");
    if (b->term == GP_TERM_SPOT)
        printf("%sspot overhead %12s  (P50 %.1f d, P90 %.1f d)\n", bullet,
               gp_fmt_usd(a, sizeof(a), b->breakdown.spot_overhead_usd), b->hours_p50 / 24,
               b->hours_p90 / 24);
    printf("%sstorage       %12s\n", bullet, gp_fmt_usd(a, sizeof(a), b->breakdown.storage_usd));
    printf("%segress        %12s\n", bullet, gp_fmt_usd(a, sizeof(a), b->breakdown.egress_usd));
    if (pc->req.serve_provider && pc->res.serve_modelled) {
        const gp_serve_offer *so = &pc->res.serve;
        char m[32], ttft[32], tpot[32];
        printf("%sserving       %12s  (%d x %s on %s, %d replicas of %d GPUs, for %.0f months "
               "at %s a month)\n",
               bullet, gp_fmt_usd(a, sizeof(a), b->breakdown.serving_usd), so->pt.instances,
               so->offer->instance_type, pc->req.serve_provider, so->pt.replicas, so->pt.tp,
               pc->req.serve_months, gp_fmt_usd(m, sizeof(m), so->usd_per_month));
        snprintf(ttft, sizeof(ttft), "%.0f ms", 1000 * so->pt.ttft_s);
        snprintf(tpot, sizeof(tpot), "%.0f ms", 1000 * so->pt.tpot_s);
        printf("%s              %12s  %.4g requests/s: TTFT %s, TPOT %s at P%.4g; $%.3g per "
               "million output tokens, $%.3g per million input (binding: %s)\n",
               bullet, "", pc->req.serve_rps, ttft, tpot, 100 * pc->req.serve_percentile,
               so->usd_per_m_output, so->usd_per_m_input,
               gp_serve_binding_name(so->pt.binding));
    } else if (pc->req.serve_provider)
        printf("%sserving       %12s  (%d x %s on %s for %.0f months)\n", bullet,
               gp_fmt_usd(a, sizeof(a), b->breakdown.serving_usd), pc->req.serve_replicas,
               pc->res.serve_offer->instance_type, pc->req.serve_provider,
               pc->req.serve_months);
    if (b->hours < 48)
        printf("%stotal         %12s  over %s\n", bullet, gp_fmt_usd(a, sizeof(a), b->cost_usd),
               days_text(term, sizeof(term), b->hours));
    else
        printf("%stotal         %12s  over %.1f days\n", bullet,
               gp_fmt_usd(a, sizeof(a), b->cost_usd), b->hours / 24);
    if (pc->req.serve_provider) {
        int moves = strcasecmp(b->offer->provider, pc->req.serve_provider) != 0;
        printf("%swhere: train on %s (%s); %s; serve on %s (%s)\n", bullet, b->offer->provider,
               b->offer->instance_type,
               moves ? "move the weights out over the internet (egress above)"
                     : "the weights stay (same provider, no egress)",
               pc->req.serve_provider, pc->res.serve_offer->instance_type);
    }
    for (size_t i = 0; i < b->nnotes; i++)
        printf("%snote: %s\n", bullet, b->notes[i]);
    char cn[900];
    if (capacity_note(b, cn, sizeof(cn)))
        printf("%snote: %s\n", bullet, cn);
}

static int text_out(const plan_cli *pc, gp_format fmt, int wide)
{
    const gp_plan_result *r = &pc->res;
    gp_style st = gp_style_for(stdout);
    if (fmt == FMT_TABLE)
        st = gp_style_for(stdout);
    else
        st = (gp_style){"", "", "", "", "", ""};
    char tok[32], budget[32], dl[32], left[96] = "";
    const gp_model *m = pc->cj.job.model;
    if (r->capacity_left_out > 0)
        snprintf(left, sizeof(left), "; %zu left out for capacity (--capacity %s)",
                 r->capacity_left_out,
                 pc->req.capacity == GP_CAPACITY_RANK_OK    ? "ok"
                 : pc->req.capacity == GP_CAPACITY_RANK_ANY ? "any"
                                                            : "known");
    gp_fmt_usd(budget, sizeof(budget), pc->req.budget_usd);
    printf("%s%s, %s tokens%s; deadline %s, budget %s; %zu candidates from %zu instance "
           "types, %zu meet the constraints%s\n",
           st.bold, m->name, gp_fmt_si(tok, sizeof(tok), pc->cj.job.tokens), st.reset,
           days_text(dl, sizeof(dl), pc->req.deadline_hours),
           isnan(pc->req.budget_usd) ? "none" : budget, r->nplans, r->offers_considered,
           r->nfeasible, left);
    if (r->nplans == 0 && r->capacity_left_out > 0) {
        printf("No plan: every candidate was left out for capacity (%s; exceeds is never "
               "ranked, --capacity any ranks unknown ones).\n",
               pc->req.capacity == GP_CAPACITY_RANK_ANY ? "exceeds" : "see --capacity");
        return GP_EXIT_OK;
    }
    if (r->nplans == 0) {
        printf("No plan: no offer matching the filters can hold %s (%zu instance types too "
               "small, %zu without specs).\n",
               m->name, r->offers_too_small, r->offers_without_specs);
        return GP_EXIT_OK;
    }
    int rc = table_out(pc, fmt, wide);
    if (rc)
        return rc;
    int any_floor = 0, any_finding = 0, any_net = 0;
    for (size_t i = 0; i < shown(pc); i++) {
        any_floor |= r->plans[i].term == GP_TERM_FLOOR;
        any_finding |= r->plans[i].finding != NULL;
        any_net |= !r->plans[i].network.known;
    }
    gp_note("DAYS: expected wall clock; P90: 90th percentile (spot: simulated). COST: "
            "whole run with storage, egress and serving. OK: meets deadline and budget "
            "(late, over); * on the cost-time frontier. CAP: capacity ok, risk (more than "
            "is sold as one cluster) or unknown (no source; --capacity any).%s%s%s",
            any_floor ? " floor: an auction floor, not a price to count on (ranked last)." : "",
            any_finding ? " !: the catalog check flags this offer's price or count (see "
                          "its notes)."
                        : "",
            any_net ? " ?: network unknown (no documented speed between its nodes; an "
                      "assumed figure, see its notes)."
                    : "");
    if (r->binding[0])
        printf("\n%sNo plan meets the constraints: %s.%s\n", st.yellow, r->binding, st.reset);
    print_breakdown(pc, fmt);
    if (r->serve_compare[0])
        printf("\nServing: %s.\n", r->serve_compare);
    size_t frontier = 0;
    for (size_t i = 0; i < r->nplans; i++)
        frontier += (size_t)r->plans[i].pareto;
    printf("\nCost-time frontier (%zu plans):", frontier);
    for (size_t i = 0, k = 0; i < r->nplans && k < 8; i++) {
        const gp_plan *p = &r->plans[i];
        if (!p->pareto)
            continue;
        char c[32], d[16];
        printf("%s #%d %s %s %s", k ? "," : "", p->rank, p->offer->provider,
               days_text(d, sizeof(d), p->hours), gp_fmt_usd(c, sizeof(c), p->cost_usd));
        k++;
    }
    printf("%s\n", frontier > 8 ? ", ..." : "");
    const char *lines[10];
    char buf[10][GP_ASSUMPTION_LEN];
    size_t n;
    plan_assumptions(pc, lines, &n, buf);
    printf("\n%sAssumptions%s\n", st.bold, st.reset);
    const char *bullet = fmt == FMT_MD ? "- " : "  - ";
    for (size_t i = 0; i < n; i++)
        gp_note_item(bullet, "%s", lines[i]);
    const gp_estimate *e = &r->best_estimate;
    for (size_t i = 0; i < e->nassumptions; i++)
        gp_note_item(bullet, "%s", e->assumptions[i]);
    if (r->offers_too_small || r->offers_without_specs)
        gp_note_item(bullet, "%zu instance types cannot hold the job at any size; %zu have "
                     "no specs.", r->offers_too_small, r->offers_without_specs);
    return GP_EXIT_OK;
}

/* ---- options --------------------------------------------------------------- */

static int parse_discounts(plan_cli *pc, const gp_args *args)
{
    const gp_opt_value *v = gp_arg(args, "discount");
    for (size_t i = 0; v->set && i < v->nlist; i++) {
        if (i >= sizeof(pc->discounts) / sizeof(pc->discounts[0]))
            return gp_usage_error("plan", "at most 32 --discount options");
        const char *text = v->list[i];
        const char *eq = strchr(text, '=');
        if (!eq || eq == text)
            return gp_usage_error("plan", "--discount %s: expected PROVIDER=PCT, e.g. aws=20%%",
                                  text);
        char *name = pc->discount_names[i];
        snprintf(name, sizeof(pc->discount_names[i]), "%.*s", (int)(eq - text), text);
        double frac;
        gp_error err;
        if (gp_parse_fraction(eq + 1, 0, &frac, &err) != GP_OK || !(frac < 1))
            return gp_usage_error("plan", "--discount %s: %s", text,
                                  err.message[0] ? err.message
                                                 : "a discount must be below 100%");
        pc->discounts[i] = (gp_discount){name, frac};
        const char *one[1] = {name};
        int rc = gp_cli_check_providers("plan", pc->cat, one, 1, "discount");
        if (rc)
            return rc;
        pc->req.ndiscounts = i + 1;
    }
    pc->req.discounts = pc->discounts;
    return 0;
}

/* --serve-rps and the request shape and targets that go with it. */
static int parse_serving(gp_plan_request *r, const gp_args *args)
{
    static const char *const WITH[] = {"serve-input-tokens", "serve-output-tokens",
                                       "serve-ttft", "serve-tpot", "serve-percentile",
                                       "serve-precision"};
    if (!gp_arg_set(args, "serve-rps")) {
        for (size_t i = 0; i < sizeof(WITH) / sizeof(WITH[0]); i++)
            if (gp_arg_set(args, WITH[i]))
                return gp_usage_error("plan", "--%s needs --serve-rps", WITH[i]);
        return 0;
    }
    if (gp_arg_set(args, "serve-replicas"))
        return gp_usage_error("plan", "--serve-replicas is for capacity-only serving; with "
                                      "--serve-rps the inference model sets the replicas");
    r->serve_rps = gp_arg(args, "serve-rps")->number;
    if (!(r->serve_rps > 0) || r->serve_rps > 1e7)
        return gp_usage_error("plan", "--serve-rps must lie above 0 and at most 10M");
    if (!gp_arg_set(args, "serve-input-tokens") || !gp_arg_set(args, "serve-output-tokens"))
        return gp_usage_error("plan", "--serve-rps needs --serve-input-tokens N and "
                                      "--serve-output-tokens N");
    r->serve_input_tokens = gp_arg(args, "serve-input-tokens")->number;
    r->serve_output_tokens = gp_arg(args, "serve-output-tokens")->number;
    if (!(r->serve_input_tokens >= 1) || r->serve_input_tokens > 1e7 ||
        !(r->serve_output_tokens >= 1) || r->serve_output_tokens > 1e7)
        return gp_usage_error("plan", "--serve-input-tokens and --serve-output-tokens must lie "
                                      "between 1 and 10M");
    gp_error err;
    gp_error_clear(&err);
    if (gp_arg_set(args, "serve-ttft") &&
        gp_serve_parse_latency(gp_arg_text(args, "serve-ttft", ""), &r->serve_ttft_s, &err))
        return gp_usage_error("plan", "--serve-ttft %s", err.message);
    if (gp_arg_set(args, "serve-tpot") &&
        gp_serve_parse_latency(gp_arg_text(args, "serve-tpot", ""), &r->serve_tpot_s, &err))
        return gp_usage_error("plan", "--serve-tpot %s", err.message);
    if (gp_arg_set(args, "serve-percentile") &&
        gp_serve_parse_percentile(gp_arg_text(args, "serve-percentile", ""),
                                  &r->serve_percentile, &err))
        return gp_usage_error("plan", "--serve-percentile %s", err.message);
    if (gp_arg_set(args, "serve-precision"))
        r->serve_precision = (gp_wprec)gp_wprec_parse(gp_arg_text(args, "serve-precision", ""));
    return 0;
}

static int parse(plan_cli *pc, gp_args *args)
{
    int rc = gp_cli_job_parse(args, NULL, 0, &pc->cj);
    if (rc)
        return rc;
    if ((rc = gp_cli_load_catalog(args, &pc->cat)))
        return rc;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_terms_load_default(&pc->terms, &err);
    if (st != GP_OK)
        return gp_report("plan", st, &err);
    /* The catalog check's findings (price outliers, counts the name
     * contradicts) reach the plans made on those offers. */
    if ((st = gp_catalog_check(pc->cat, &err)) != GP_OK)
        return gp_report("plan", st, &err);
    gp_plan_request *r = &pc->req;
    gp_plan_request_init(r);
    r->job = pc->cj.job;
    gp_offer_filter *f = &r->filter;
    const char *gpu = gp_arg_text(args, "gpu", NULL);
    if (gpu) {
        st = gp_gpu_match_resolve(pc->cat, gpu, &pc->gpu, &err);
        if (st != GP_OK)
            return gp_report("plan", st, &err);
        f->gpu = &pc->gpu;
    }
    if ((rc = gp_cli_provider_filter("plan", args, pc->cat, f, &pc->prov)))
        return rc;
    if (gp_arg_set(args, "kind"))
        f->kind = gp_kind_parse(gp_arg_text(args, "kind", ""));
    f->region_glob = gp_arg_text(args, "region", NULL);

    if (gp_arg_set(args, "deadline")) {
        r->deadline_hours = gp_arg(args, "deadline")->number;
        if (!(r->deadline_hours > 0))
            return gp_usage_error("plan", "--deadline must be in the future, not '%s'",
                                  gp_arg_text(args, "deadline", ""));
    } else {
        r->deadline_hours = 30 * 24;
        pc->deadline_default = 1;
    }
    if (gp_arg_set(args, "budget")) {
        r->budget_usd = gp_arg(args, "budget")->number;
        if (!(r->budget_usd > 0))
            return gp_usage_error("plan", "--budget must be above $0, not '%s'",
                                  gp_arg_text(args, "budget", ""));
    }
    if (gp_arg_set(args, "objective"))
        r->objective = strcmp(gp_arg_text(args, "objective", ""), "time") == 0
                           ? GP_OBJECTIVE_TIME
                           : GP_OBJECTIVE_COST;
    const char *spot = gp_arg_text(args, "spot", "allow");
    r->spot = !strcmp(spot, "never") ? GP_ALLOW_NEVER
              : !strcmp(spot, "only") ? GP_ALLOW_ONLY
                                      : GP_ALLOW_YES;
    r->reserved = strcmp(gp_arg_text(args, "reserved", "allow"), "never") ? GP_ALLOW_YES
                                                                           : GP_ALLOW_NEVER;
    if ((rc = gp_arg_int(args, "max-gpus", 1, 10000000, &r->max_gpus)))
        return rc;
    const char *capacity = gp_arg_text(args, "capacity", "known");
    r->capacity = !strcmp(capacity, "ok")    ? GP_CAPACITY_RANK_OK
                  : !strcmp(capacity, "any") ? GP_CAPACITY_RANK_ANY
                                             : GP_CAPACITY_RANK_KNOWN;
    if (gp_arg_set(args, "spot-rate")) {
        r->spot_rate_per_node_hour = gp_arg(args, "spot-rate")->number;
        if (!(r->spot_rate_per_node_hour < 1))
            return gp_usage_error("plan", "--spot-rate is interruptions per node-hour and "
                                          "must be below 1 (e.g. 0.0002), not '%s'",
                                  gp_arg_text(args, "spot-rate", ""));
    }
    if (gp_arg_set(args, "ckpt-gbps")) {
        r->ckpt_gbps = gp_arg(args, "ckpt-gbps")->number;
        if (!(r->ckpt_gbps > 0))
            return gp_usage_error("plan", "--ckpt-gbps must be above 0");
    }
    if (gp_arg_set(args, "restart"))
        r->restart_hours = gp_arg(args, "restart")->number;
    if (gp_arg_set(args, "storage-gbps")) {
        r->storage_gbps = gp_arg(args, "storage-gbps")->number;
        if (!(r->storage_gbps > 0) || !isfinite(r->storage_gbps))
            return gp_usage_error("plan", "--storage-gbps must be above 0");
    }
    if (gp_arg_set(args, "burst-share")) {
        r->burst_share = gp_arg(args, "burst-share")->number;
        if (!(r->burst_share >= 0 && r->burst_share <= 1))
            return gp_usage_error("plan", "--burst-share must lie between 0 and 100%%, not '%s'",
                                  gp_arg_text(args, "burst-share", ""));
    }
    if (gp_arg_set(args, "replace-wait"))
        r->replace_wait_hours = gp_arg(args, "replace-wait")->number;
    r->gcp_provisioning = strcmp(gp_arg_text(args, "gcp-provisioning", "spot"), "preemptible") == 0
                              ? GP_GCP_PREEMPTIBLE
                              : GP_GCP_SPOT;
    if (gp_arg_set(args, "reuse"))
        r->reuse = gp_arg(args, "reuse")->number;
    if (gp_arg_set(args, "assume-term")) {
        r->assume_term_hours = gp_arg(args, "assume-term")->number;
        if (!(r->assume_term_hours >= 24 && r->assume_term_hours <= 120 * 730.0))
            return gp_usage_error("plan", "--assume-term must be from 1 day to 120 months "
                                          "(e.g. 12mo or 90d), not '%s'",
                                  gp_arg_text(args, "assume-term", ""));
    }
    if ((rc = gp_arg_int(args, "trials", 1, 10000000, &r->trials)))
        return rc;
    int seed = 1;
    if ((rc = gp_arg_int(args, "seed", 0, 2147483647, &seed)))
        return rc;
    r->seed = (uint64_t)seed;
    if (gp_arg_set(args, "dataset-gb"))
        r->dataset_gb = gp_arg(args, "dataset-gb")->number;
    r->download_weights = gp_arg_set(args, "download-weights");
    const char *serve = gp_arg_text(args, "serve-on", NULL);
    if (serve) {
        snprintf(pc->serve_provider, sizeof(pc->serve_provider), "%s", serve);
        char *colon = strchr(pc->serve_provider, ':');
        if (colon) {
            *colon = '\0';
            st = gp_gpu_match_resolve(pc->cat, colon + 1, &pc->serve_gpu, &err);
            if (st != GP_OK)
                return gp_report("plan", st, &err);
            r->serve_gpu = &pc->serve_gpu;
        }
        const char *one[1] = {pc->serve_provider};
        if ((rc = gp_cli_check_providers("plan", pc->cat, one, 1, "serve-on")))
            return rc;
        r->serve_provider = pc->serve_provider;
        if (!gp_arg_set(args, "serve-months"))
            return gp_usage_error("plan", "--serve-on needs --serve-months N");
        r->serve_months = gp_arg(args, "serve-months")->number;
        if (!(r->serve_months > 0) || r->serve_months > 600)
            return gp_usage_error("plan", "--serve-months must lie between 0 and 600");
        if ((rc = gp_arg_int(args, "serve-replicas", 1, 100000, &r->serve_replicas)))
            return rc;
        if ((rc = parse_serving(r, args)))
            return rc;
    } else {
        static const char *const NEED[] = {"serve-months", "serve-replicas", "serve-rps",
                                           "serve-input-tokens", "serve-output-tokens",
                                           "serve-ttft", "serve-tpot", "serve-percentile",
                                           "serve-precision"};
        for (size_t i = 0; i < sizeof(NEED) / sizeof(NEED[0]); i++)
            if (gp_arg_set(args, NEED[i]))
                return gp_usage_error("plan", "--%s needs --serve-on", NEED[i]);
    }
    if ((rc = parse_discounts(pc, args)))
        return rc;
    pc->top = 10;
    if ((rc = gp_arg_int(args, "top", 0, 1000000, &pc->top)))
        return rc;
    if (gp_arg_set(args, "export")) {
        pc->export_format = gp_arg_text(args, "export", "skypilot");
        pc->export_file = gp_arg(args, "export")->text2;
    }
    /* The refreshed bands matter only to AWS spot plans without a given
     * rate: when none can be made, the stored feed is not read. */
    pc->spot_aws = r->spot != GP_ALLOW_NEVER && isnan(r->spot_rate_per_node_hour) &&
                   gp_cli_spot_feed_wanted(f);
    if (pc->spot_aws && (rc = gp_cli_spot_feed_use("plan", args, pc->terms, &pc->spot)))
        return rc;
    return 0;
}

/* --export FORMAT FILE: the best plan's launch file, written whole or not
 * at all. Only a plan that meets the constraints is exported. */
static int export_launch(const plan_cli *pc)
{
    const gp_plan_result *r = &pc->res;
    const gp_plan *b = r->nplans > 0 ? &r->plans[0] : NULL;
    if (!b || !b->meets_deadline || !b->meets_budget || b->term == GP_TERM_FLOOR) {
        fprintf(stderr, "gpuplan plan: --export %s %s: no plan meets the constraints%s; nothing "
                        "written\n",
                pc->export_format, pc->export_file,
                r->binding[0] ? " (see the plan's output without --export)" : "");
        return GP_EXIT_FAIL;
    }
    char summary[256], tok[32];
    snprintf(summary, sizeof(summary), "%s, %s tokens, deadline %.0f h",
             pc->cj.job.model->name, gp_fmt_si(tok, sizeof(tok), pc->cj.job.tokens),
             pc->req.deadline_hours);
    char *text = NULL;
    gp_error err;
    gp_error_clear(&err);
    int fmt = gp_launch_format_parse(pc->export_format);
    gp_status st = gp_launch_render(pc->names, pc->cat, b, (gp_launch_format)fmt,
                                    pc->cj.job.model->name, summary, &text, &err);
    if (st != GP_OK) {
        fprintf(stderr, "gpuplan plan: --export %s %s: %s\n", pc->export_format,
                pc->export_file, err.message[0] ? err.message : gp_strerror(st));
        return GP_EXIT_FAIL;
    }
    int rc = gp_cli_write_atomic("plan", "export", pc->export_file, text, strlen(text));
    free(text);
    return rc ? GP_EXIT_FAIL : GP_EXIT_OK;
}

static int run(const gp_cmd *cmd, gp_args *args)
{
    (void)cmd;
    plan_cli *pc = calloc(1, sizeof(*pc));
    if (!pc)
        return GP_EXIT_FAIL;
    int rc = parse(pc, args);
    if (rc)
        goto out;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_plan_run(pc->cat, pc->terms, &pc->req, &pc->res, &err);
    if (st != GP_OK) {
        rc = gp_report("plan", st, &err);
        /* Modelled serving no offer meets is an impossible request, not a
         * bad command line (docs/inference.md). */
        if (st == GP_ENOTFOUND && pc->req.serve_rps > 0)
            rc = GP_EXIT_FAIL;
        goto out;
    }
    if (pc->res.nplans == 0 && pc->res.nearest_offer) {
        /* Offers exist but none can hold the job: the binding constraint
         * (memory) and the offer that came closest. Nothing on stdout. */
        const gp_offer *o = pc->res.nearest_offer;
        const gp_job *j = &pc->req.job;
        fprintf(stderr,
                "gpuplan plan: no offer can hold %s%s%s: memory binds; the nearest is %s %s "
                "as %d %s (the most allowed), needing %.1f GB per GPU of %.1f GB usable. "
                "Try %s--max-gpus, a shorter --seq-len or another --gpu.\n",
                j->model->name, j->finetune ? " for a " : "",
                j->finetune == GP_FINETUNE_FULL    ? "full fine-tune"
                : j->finetune == GP_FINETUNE_LORA  ? "LoRA fine-tune"
                : j->finetune == GP_FINETUNE_QLORA ? "QLoRA fine-tune"
                                                   : "",
                o->provider, o->instance_type, pc->res.nearest_gpus, o->gpu,
                pc->res.nearest_need_gb, pc->res.nearest_have_gb,
                j->finetune == GP_FINETUNE_FULL || j->finetune == GP_FINETUNE_LORA
                    ? "--finetune qlora, "
                    : "");
        rc = GP_EXIT_FAIL;
        goto out;
    }
    if ((st = gp_launch_names_load_default(&pc->names, &err)) != GP_OK) {
        rc = gp_report("plan", st, &err);
        goto out;
    }
    /* The launch file is rendered and written before anything is printed,
     * so a failure leaves no file and nothing on stdout. */
    if (pc->export_file && (rc = export_launch(pc)))
        goto out;
    const char *svg = gp_arg_text(args, "svg", NULL);
    if (svg && (rc = gp_svg_plans(svg, &pc->res, &pc->req)))
        goto out;
    gp_format fmt = (gp_format)gp_format_parse(gp_arg_text(args, "format", "table"));
    gp_cli_avail_open(&plan_avail);
    if (fmt == FMT_JSON)
        rc = gp_json_print(result_json(pc)) ? GP_EXIT_FAIL : GP_EXIT_OK;
    else
        rc = text_out(pc, fmt, gp_arg_set(args, "wide"));
out:
    gp_cli_avail_close(&plan_avail);
    gp_plan_result_free(&pc->res);
    gp_launch_names_free(pc->names);
    gp_terms_free(pc->terms);
    gp_cli_spot_feed_free(&pc->spot);
    gp_catalog_free(pc->cat);
    gp_cli_job_free(&pc->cj);
    gp_cli_providers_free(&pc->prov);
    free(pc);
    return rc;
}

const gp_cmd gp_cmd_plan = {
    "plan",
    "Price a training job on every offer, under a deadline and a budget.",
    "plan (--model NAME | --params N) [--tokens N] [OPTIONS]",
    "Runs the job model (see `gpuplan estimate`) on every instance type of the "
    "catalog that can hold the job, picks for each the fewest instances that "
    "meet --deadline (or, with --objective time, the fastest within --budget), "
    "and prices it on-demand, on spot (interruptions, checkpoints and restarts "
    "simulated) and on reserved terms, with storage, egress and serving. Prints "
    "the ranked plans, the cost-time frontier, every dollar of the best plan and "
    "the assumptions; says which constraint binds when nothing meets them.",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan plan --model llama-3-70b --tokens 1.4T --deadline 30d\n"
    "gpuplan plan --model llama-2-7b --budget 100k --objective time --spot never\n"
    "gpuplan plan --params 13B --chinchilla --gpu H100 --provider aws,lambda --svg plans.svg\n"
    "gpuplan plan --model llama-3-8b --serve-on aws --serve-months 6 --format json\n"
    "gpuplan plan --model llama-3-70b --tokens 1.4T --export skypilot train.yaml",
    run,
};
