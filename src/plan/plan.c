/* The planner: every instance type of the catalog priced for one training
 * job, under a deadline and a budget. docs/plan.md documents each rule. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>
#include <unistd.h>

#include "core/fail.h"
#include "plan/count.h"
#include "plan/plan_internal.h"

enum {
    HOURS_PER_MONTH = 730,
    ASSUMED_GPUS_PER_NODE = 8, /* per-GPU listings: node size not published */
    /* The most GPUs a plan may use (the --max-gpus ceiling): products of an
     * instance count and GPUs per instance stay far inside an int. */
    PLAN_MAX_GPUS = 10000000
};

/* Plain Ethernet between nodes when no source documents the offer's
 * network: a labelled assumption (docs/plan.md "Network") of 12.5 Gb/s per
 * GPU, what AWS documents for its GPU instances without a training fabric
 * (8 GPUs: g4dn.metal, g5.48xlarge, g6.48xlarge at 100 Gigabit; 4 GPUs:
 * g5.24xlarge, g6.24xlarge at 50; docs.aws.amazon.com/ec2/latest/
 * instancetypes/ac.html). It is no floor: the Ethernet path of Azure's
 * ND96isr_H100_v5 measured ~40-50 Gb/s per 8-GPU VM over TCP
 * (jingchaozhang.github.io, "InfiniBand vs Ethernet for Multi-Node LLM
 * Fine-Tuning"). Plans on it are marked network unknown. */
static const double ETHERNET_GBPS_PER_GPU = 12.5;
/* Serving needs the weights plus room for the KV cache and activations. */
static const double SERVE_MEMORY_FACTOR = 1.2;

const char *gp_term_name(gp_term t)
{
    switch (t) {
    case GP_TERM_ON_DEMAND: return "on-demand";
    case GP_TERM_SPOT: return "spot";
    case GP_TERM_RESERVED: return "reserved";
    case GP_TERM_FLOOR: return "floor";
    }
    return "?";
}

void gp_plan_request_init(gp_plan_request *req)
{
    memset(req, 0, sizeof(*req));
    gp_job_init(&req->job);
    gp_offer_filter_init(&req->filter);
    req->deadline_hours = NAN;
    req->budget_usd = NAN;
    req->objective = GP_OBJECTIVE_COST;
    req->spot = GP_ALLOW_YES;
    req->reserved = GP_ALLOW_YES;
    req->spot_rate_per_node_hour = NAN;
    req->ckpt_gbps = GP_CKPT_GBPS_PER_NODE;
    req->storage_gbps = NAN;
    req->restart_hours = 0.25;
    req->burst_share = GP_BURST_SHARE_DEFAULT;
    req->replace_wait_hours = GP_REPLACE_WAIT_HOURS_DEFAULT;
    req->gcp_provisioning = GP_GCP_SPOT;
    req->trials = 10000;
    req->seed = 1;
    req->serve_replicas = 1;
    req->serve_ttft_s = NAN;
    req->serve_tpot_s = NAN;
    req->serve_percentile = 0.9;
    req->serve_precision = GP_WPREC_BF16;
}

void gp_plan_result_free(gp_plan_result *r)
{
    if (!r)
        return;
    free(r->plans);
    r->plans = NULL;
    r->nplans = 0;
    gp_billing_free(r->billing);
    r->billing = NULL;
}

static void note(gp_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(gp_plan *p, const char *fmt, ...)
{
    if (p->nnotes >= GP_PLAN_NOTES_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->notes[p->nnotes++], GP_PLAN_NOTE_LEN, fmt, ap);
    va_end(ap);
}

/* ---- the job model, cached ---------------------------------------------- */

typedef struct est_key {
    const gp_accel *accel;
    int gpus, per_node, fit_only;
    double net_gbps;
} est_key;

typedef struct est_val {
    est_key key;
    int ok, fits;
    double hours, mfu, gpu_hours;
    gp_layout layout;
    double need_gb, have_gb;     /* per GPU, of the layout estimated */
} est_val;

typedef struct perf_entry {
    const gp_accel *accel;
    gp_accel_perf perf;
} perf_entry;

typedef struct ctx {
    const gp_catalog *cat;
    perf_entry *perfs;
    size_t nperfs, capperfs;
    const gp_terms *terms;
    const gp_plan_request *req;
    est_val *cache;
    size_t ncache, capcache;
    size_t *slots;               /* open-addressing index into cache */
    size_t nslots;               /* a power of two, or 0 */
    gp_plan *plans;
    size_t nplans, capplans;
    double deadline;             /* hours; INFINITY when none */
    double ckpt_bytes;           /* weights + optimizer state */
    double weights_bytes;        /* final weights */
    const gp_billing *billing;   /* fine-tuning: how providers bill time */
    const gp_offer *nearest;     /* too small everywhere: the closest */
    int nearest_gpus;
    double nearest_need_gb, nearest_have_gb;
} ctx;

/* The accelerator's measured facts, looked up once per accelerator. */
static const gp_accel_perf *perf_for(ctx *x, const gp_accel *a)
{
    for (size_t i = 0; i < x->nperfs; i++)
        if (x->perfs[i].accel == a)
            return &x->perfs[i].perf;
    if (x->nperfs == x->capperfs) {
        size_t cap = x->capperfs ? x->capperfs * 2 : 32;
        perf_entry *p = realloc(x->perfs, cap * sizeof(*p));
        if (!p)
            return NULL;
        x->perfs = p;
        x->capperfs = cap;
    }
    perf_entry *e = &x->perfs[x->nperfs];
    gp_error err;
    if (gp_accel_perf_lookup(a->name, &e->perf, &err) != GP_OK)
        return NULL;
    e->accel = a;
    return &x->perfs[x->nperfs++].perf;
}

static size_t key_hash(const est_key *k)
{
    uint64_t h = (uint64_t)(uintptr_t)k->accel * 0x9e3779b97f4a7c15ull;
    h ^= (uint64_t)(uint32_t)k->gpus * 0xbf58476d1ce4e5b9ull;
    h ^= (uint64_t)(uint32_t)k->per_node * 0x94d049bb133111ebull;
    h ^= (uint64_t)(uint32_t)(k->fit_only + 1) * 0x2545f4914f6cdd1dull;
    uint64_t bits = 0;
    double net = isnan(k->net_gbps) ? -1.0 : k->net_gbps;
    memcpy(&bits, &net, sizeof(bits));
    h ^= bits * 0xff51afd7ed558ccdull;
    return (size_t)(h ^ (h >> 29));
}

static int key_equal(const est_key *a, const est_key *b)
{
    return a->accel == b->accel && a->gpus == b->gpus && a->per_node == b->per_node &&
           a->fit_only == b->fit_only &&
           (a->net_gbps == b->net_gbps || (isnan(a->net_gbps) && isnan(b->net_gbps)));
}

/* Rebuilds the index at twice the size (slot value 0 = empty, else index+1). */
static int rehash(ctx *x)
{
    size_t n = x->nslots ? x->nslots * 2 : 1024;
    size_t *slots = calloc(n, sizeof(*slots));
    if (!slots)
        return -1;
    for (size_t i = 0; i < x->ncache; i++) {
        size_t h = key_hash(&x->cache[i].key) & (n - 1);
        while (slots[h])
            h = (h + 1) & (n - 1);
        slots[h] = i + 1;
    }
    free(x->slots);
    x->slots = slots;
    x->nslots = n;
    return 0;
}

/* The job model on one cluster, cached: offers of the same accelerator,
 * node size and network share it. With fit_only, only whether it fits. */
static const est_val *estimate_as(ctx *x, const gp_accel *a, int gpus, int per_node,
                                  double net_gbps, int fit_only)
{
    est_key key = {a, gpus, per_node, fit_only, net_gbps};
    if (x->ncache * 2 >= x->nslots && rehash(x) != 0)
        return NULL;
    size_t h = key_hash(&key) & (x->nslots - 1);
    while (x->slots[h]) {
        if (key_equal(&x->cache[x->slots[h] - 1].key, &key))
            return &x->cache[x->slots[h] - 1];
        h = (h + 1) & (x->nslots - 1);
    }
    if (x->ncache == x->capcache) {
        size_t cap = x->capcache ? x->capcache * 2 : 256;
        est_val *p = realloc(x->cache, cap * sizeof(*p));
        if (!p)
            return NULL;
        x->cache = p;
        x->capcache = cap;
    }
    x->slots[h] = x->ncache + 1;
    est_val *v = &x->cache[x->ncache++];
    memset(v, 0, sizeof(*v));
    v->key = (est_key){a, gpus, per_node, fit_only, net_gbps};
    gp_job job = x->req->job;
    job.accel = a;
    job.gpus = gpus;
    job.gpus_per_node = per_node;
    job.internode_gbps = net_gbps;
    job.skip_count_search = 1;
    job.fit_only = fit_only;
    job.no_assumptions = 1;
    job.perf = perf_for(x, a);
    gp_estimate e;
    gp_error err;
    if (gp_job_estimate(&job, &e, &err) != GP_OK)
        return v; /* ok = 0: more GPUs than the job can use, precision ... */
    v->ok = 1;
    v->fits = e.fits;
    v->need_gb = e.memory.total_gb;
    v->have_gb = e.memory.capacity_gb;
    if (fit_only)
        return v;
    /* The whole job: fine-tuning adds start-up, download, saves (0 for
     * pretraining). */
    v->hours = e.fits ? e.wall_hours + e.overhead_hours : INFINITY;
    v->mfu = e.mfu;
    v->gpu_hours = e.gpu_hours;
    v->layout = e.layout;
    return v;
}

static const est_val *estimate(ctx *x, const gp_accel *a, int gpus, int per_node,
                               double net_gbps)
{
    return estimate_as(x, a, gpus, per_node, net_gbps, 0);
}

/* ---- the offer's cluster -------------------------------------------------- */

typedef struct cluster {
    int per_instance;            /* GPUs an instance has */
    int per_node;                /* NVLink domain for the job model */
    double net_gbps;             /* per GPU between instances */
    int max_instances;
    int capacity_max_gpus;       /* the capacity limit that sets
                                    max_instances (data/capacity.csv), or 0
                                    when another limit (or none) does */
    const char *net_basis;       /* how net_gbps was chosen */
    int assumed_net;             /* no fabric data: Ethernet assumed */
    int net_known;               /* the speed is documented for this offer */
    double node_gbps;            /* between nodes, per node (NAN: the
                                    accelerator's reference cluster) */
    int hosts_per_instance;      /* machines interrupted one by one (a TPU
                                    slice is several hosts) */
    double storage_gbps;         /* spot: the shared storage's aggregate
                                    bound on checkpoints; 0 none */
} cluster;

static int cluster_for(ctx *x, const gp_offer *o, int spot, cluster *c)
{
    memset(c, 0, sizeof(*c));
    if (!(o->gpu_count >= 1) || o->gpu_count != floor(o->gpu_count))
        return 0; /* fractional GPUs cannot train */
    /* The loaders refuse counts above GP_OFFER_MAX_GPUS, but a catalog can
     * be built by hand: converting a larger count to int would overflow
     * (undefined; it once gave $0.00 per GPU-hour and ranked first). An
     * instance larger than the planner's GPU ceiling cannot be rented in
     * any whole number anyway. */
    if (o->gpu_count > PLAN_MAX_GPUS)
        return 0;
    c->per_instance = (int)o->gpu_count;
    c->hosts_per_instance = gp_terms_hosts_per_listing(x->terms, o->gpu, c->per_instance);
    int per_gpu_listing = (o->flags & GP_OFFER_PER_GPU_LISTING) != 0;
    c->per_node = per_gpu_listing ? ASSUMED_GPUS_PER_NODE : c->per_instance;
    /* A tray of a rack-scale NVLink system shares the rack's NVLink domain
     * (GB200 NVL72: 72 GPUs, the accelerator's node in
     * data/cluster-network.csv), so tensor parallelism and pipeline stages
     * may span trays; counts short of whole racks are then optimistic. */
    if (!per_gpu_listing && strstr(o->instance_type, "NVL72")) {
        const gp_accel_perf *perf = perf_for(x, o->accel);
        if (perf && perf->gpus_per_node > c->per_node)
            c->per_node = perf->gpus_per_node;
    }
    /* The fabric figure is per instance, or per node of
     * ASSUMED_GPUS_PER_NODE for listings priced per GPU
     * (data/fabric.csv). */
    double node_gbps = o->fabric_gbps;
    int node_gpus = per_gpu_listing ? ASSUMED_GPUS_PER_NODE : c->per_instance;
    if (node_gbps > 0) {
        c->net_gbps = node_gbps / node_gpus;
        c->node_gbps = node_gbps;
        c->net_basis = "the provider's documented network (data/fabric.csv)";
        c->net_known = 1;
    } else if (gp_fabric_is_fast(o->fabric)) {
        c->net_gbps = NAN; /* the accelerator's reference cluster */
        c->node_gbps = NAN;
        c->net_basis = "fabric documented, speed not: the accelerator's reference "
                       "cluster (data/cluster-network.csv)";
    } else {
        c->net_gbps = ETHERNET_GBPS_PER_GPU;
        c->node_gbps = ETHERNET_GBPS_PER_GPU * node_gpus;
        c->net_basis = "no documented network: Ethernet at 12.5 Gb/s per GPU assumed "
                       "(AWS's GPU instances without a fabric; docs/plan.md Network)";
        c->assumed_net = 1;
    }
    int max_gpus = x->req->max_gpus > 0 && x->req->max_gpus < PLAN_MAX_GPUS
                       ? x->req->max_gpus
                       : PLAN_MAX_GPUS;
    int limit = gp_terms_max_gpus(x->terms, o->provider, o->instance_type, NULL);
    if (limit > 0 && limit < max_gpus)
        max_gpus = limit;
    /* The capacity data's numbers bound the search too (docs/plan.md,
     * "Capacity"): never above a fabric's published maximum (exceeds),
     * and with --capacity ok never above the cluster size sold (risk).
     * A plan the deadline needs more for is made at the cap, late. */
    int cap = gp_terms_capacity_max_gpus(x->terms, o->provider, o->instance_type, spot,
                                         x->req->capacity == GP_CAPACITY_RANK_OK);
    if (cap >= c->per_instance && cap < max_gpus) {
        max_gpus = cap;
        c->capacity_max_gpus = cap;
    }
    c->max_instances = max_gpus / c->per_instance;
    return c->max_instances >= 1;
}

/* Instance counts people rent: 1, 2, 3, 4, 6, 8, 12, 16, ... */
static int count_at(int i)
{
    if (i < 4)
        return i + 1;
    long v = 4;
    for (int k = 3; k < i; k++)
        v = (v & (v - 1)) == 0 ? v * 3 / 2 : v * 4 / 3;
    return v > PLAN_MAX_GPUS ? PLAN_MAX_GPUS : (int)v;
}

int gp_plan_count_below(int instances)
{
    int below = 0;
    for (int i = 0; count_at(i) < instances && count_at(i) < PLAN_MAX_GPUS; i++)
        below = count_at(i);
    return below;
}

typedef struct choice {
    int instances;
    const est_val *est;
    double hours;                /* for the term (spot: expected) */
    int capacity_binds;          /* no count within the capacity limit meets
                                    the deadline: the fastest within it */
} choice;

/* The bandwidth checkpoints are written and read at: every node at
 * --ckpt-gbps, but no faster than the shared storage's aggregate
 * (docs/plan.md, "Checkpoint storage"). */
static double ckpt_bandwidth_gbps(const gp_plan_request *req, int nodes, double storage_gbps)
{
    double bw = nodes * req->ckpt_gbps;
    if (storage_gbps > 0 && storage_gbps < bw)
        bw = storage_gbps;
    return bw;
}

/* Spot wall time for a base (on-demand) run, in closed form. */
static double spot_hours(const ctx *x, const gp_plan_request *req, double base_hours,
                         int nodes, double node_rate, double storage_gbps, gp_spot_params *out)
{
    double rate = node_rate * nodes;
    double c_hours =
        x->ckpt_bytes / (ckpt_bandwidth_gbps(req, nodes, storage_gbps) / 8.0 * 1e9) / 3600.0;
    gp_spot_params p = {base_hours, rate, c_hours, req->restart_hours + c_hours, 0,
                        req->burst_share, req->replace_wait_hours};
    if (out)
        *out = p;
    double h;
    gp_error err;
    if (!isfinite(base_hours) || gp_spot_expected_hours(&p, &h, &err) != GP_OK)
        return INFINITY;
    return h;
}

/* Picks the instance count for one offer and term: with the cost
 * objective, the fewest instances that meet the deadline (the cheapest,
 * since GPU-hours only grow with scale), else the fastest; with the time
 * objective, the fastest within the budget (hours fall and cost rises
 * with the count until the batch runs out: a bisection). */
static int choose(ctx *x, const gp_offer *o, const cluster *c, double usd_per_hour,
                  double spot_node_rate, choice *out)
{
    const gp_plan_request *req = x->req;
    memset(out, 0, sizeof(*out));
    int last = 0;
    while (count_at(last + 1) <= c->max_instances && count_at(last + 1) < PLAN_MAX_GPUS)
        last++;
    /* The fewest instances that fit. */
    int lo = 0, hi = last, first = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const est_val *v = estimate_as(x, o->accel, count_at(mid) * c->per_instance,
                                       c->per_node, c->net_gbps, 1);
        if (!v)
            return -1;
        if (v->ok && v->fits) {
            first = mid;
            hi = mid - 1;
        } else if (!v->ok) {
            hi = mid - 1; /* too many GPUs for the job */
        } else {
            lo = mid + 1;
        }
    }
    if (first < 0) {
        /* Remember how close the most instances came (fit_only values are
         * cached, so this costs one look-up). */
        const est_val *v = estimate_as(x, o->accel, count_at(last) * c->per_instance,
                                       c->per_node, c->net_gbps, 1);
        if (v && v->ok && v->have_gb > 0 &&
            (!x->nearest ||
             v->need_gb / v->have_gb < x->nearest_need_gb / x->nearest_have_gb)) {
            x->nearest = o;
            x->nearest_gpus = count_at(last) * c->per_instance;
            x->nearest_need_gb = v->need_gb;
            x->nearest_have_gb = v->have_gb;
        }
        return 0;
    }
#define HOURS_AT(i, vp)                                                              \
    (*(vp) = estimate(x, o->accel, count_at(i) * c->per_instance, c->per_node,         \
                      c->net_gbps),                                                    \
     (*(vp) && (*(vp))->ok && (*(vp))->fits)                                           \
         ? (isnan(spot_node_rate) ? (*(vp))->hours                                     \
                                  : spot_hours(x, req, (*(vp))->hours,                 \
                                               count_at(i) * c->hosts_per_instance,    \
                                               spot_node_rate, c->storage_gbps, NULL)) \
         : INFINITY)
    int best = -1, fastest = -1;
    double best_hours = INFINITY;
    const est_val *v = NULL;
    if (req->objective == GP_OBJECTIVE_COST) {
        /* The fewest instances that meet the deadline: walk the grid up
         * from the fewest that fit, one step at a time. Hours are not
         * monotone in the count (over slow networks they bottom out and
         * rise again, with bumps where the layout changes), so neither a
         * bisection nor a guess from 1/n scaling can tell that a smaller
         * count misses without trying it; both once took 8x too many
         * (lambda 8 x A100-80GB: 24,576 GPUs where 3,072 meet the
         * deadline, issue 9). The grid grows about 1.4x a step and the job
         * model is cached per accelerator, node and network, so the walk
         * costs a few dozen model runs per cluster shape at most. When no
         * count meets the deadline, the fastest one walked. */
        for (int i = first; i <= last; i++) {
            double h = HOURS_AT(i, &v);
            if (!v)
                return -1;
            if (h <= x->deadline) {
                best = i;
                break;
            }
            if (h < best_hours) {
                best_hours = h;
                fastest = i;
            }
            if (!v->ok)
                break; /* more GPUs than the job can use, and above */
        }
        if (best < 0) {
            /* The walk reached the cap and the job could use more. */
            out->capacity_binds = c->capacity_max_gpus > 0 && v && v->ok;
            best = fastest >= 0 ? fastest : first;
        }
    } else {
        /* Fastest within budget: hours fall and cost rises with the count;
         * bisect for the most instances the budget allows. */
        lo = first;
        hi = last;
        while (lo <= hi) {
            int mid = (lo + hi) / 2;
            double h = HOURS_AT(mid, &v);
            double cost = count_at(mid) * usd_per_hour * h;
            if (isfinite(h) && (isnan(req->budget_usd) || cost <= req->budget_usd)) {
                if (h < best_hours) {
                    best_hours = h;
                    best = mid;
                }
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best < 0)
            best = first;
    }
#undef HOURS_AT
    out->instances = count_at(best);
    out->est = estimate(x, o->accel, out->instances * c->per_instance, c->per_node,
                        c->net_gbps);
    if (!out->est || !out->est->ok || !out->est->fits)
        return 0;
    out->hours = out->est->hours;
    return 1;
}

/* ---- costs -------------------------------------------------------------- */

static double discount_for(const gp_plan_request *req, const char *provider)
{
    for (size_t i = 0; i < req->ndiscounts; i++)
        if (strcasecmp(req->discounts[i].provider, provider) == 0)
            return req->discounts[i].fraction;
    return 0;
}

static gp_plan *new_plan(ctx *x)
{
    if (x->nplans == x->capplans) {
        size_t cap = x->capplans ? x->capplans * 2 : 256;
        gp_plan *p = realloc(x->plans, cap * sizeof(*p));
        if (!p)
            return NULL;
        x->plans = p;
        x->capplans = cap;
    }
    gp_plan *p = &x->plans[x->nplans++];
    memset(p, 0, sizeof(*p));
    return p;
}

/* Storage for the run and egress of the weights; the same lines for every
 * term of one offer. */
static void side_costs(const ctx *x, gp_plan *p, double serve_usd)
{
    const gp_plan_request *req = x->req;
    const char *prov = p->offer->provider;
    double gb = req->dataset_gb + 2.0 * x->ckpt_bytes / 1e9; /* two checkpoints kept */
    double price = gp_terms_storage_usd_per_gb_month(x->terms, prov);
    if (isnan(price)) {
        note(p, "no storage price for %s in the data: storage not counted", prov);
    } else {
        p->breakdown.storage_usd = gb * price * p->hours / HOURS_PER_MONTH;
    }
    int leaves = req->download_weights ||
                 (req->serve_provider && strcasecmp(req->serve_provider, prov) != 0);
    if (leaves) {
        int known;
        double usd = gp_terms_egress_usd(x->terms, prov, x->weights_bytes / 1e9, &known);
        if (known)
            p->breakdown.egress_usd = usd;
        else
            note(p, "no egress price for %s in the data: moving the weights out not counted",
                 prov);
    }
    p->breakdown.serving_usd = serve_usd;
}

/* The catalog check's finding on the offer, when it concerns this plan's
 * price: a price outlier is about the on-demand price (and the commitments
 * priced from it), a count the name contradicts about every term. */
static void attach_finding(const ctx *x, gp_plan *p)
{
    const gp_offer *o = p->offer;
    if (o->finding == 0 || o->finding > gp_catalog_diag_count(x->cat))
        return;
    const gp_diag *d = gp_catalog_diag(x->cat, o->finding - 1);
    if (d->kind == GP_DIAG_PRICE_OUTLIER && p->term == GP_TERM_SPOT)
        return;
    p->finding = d->message;
    note(p, "catalog check (%s): %s", gp_diag_kind_name(d->kind), d->message);
}

static void total(gp_plan *p)
{
    const gp_plan_breakdown *b = &p->breakdown;
    double side = b->storage_usd + b->egress_usd + b->serving_usd;
    p->cost_usd = b->compute_usd + b->spot_overhead_usd + side;
    double rate = p->usd_per_gpu_hour * p->gpus;
    if (p->term == GP_TERM_SPOT) {
        p->cost_p50_usd = rate * p->hours_p50 + side;
        p->cost_p90_usd = rate * p->hours_p90 + side;
    } else {
        p->cost_p50_usd = p->cost_p90_usd = p->cost_usd;
    }
    p->gpu_hours = p->hours * p->gpus;
}

static void fill_common(ctx *x, gp_plan *p, const gp_offer *o, size_t regions,
                        const choice *ch, const cluster *c)
{
    p->offer = o;
    p->regions = regions;
    p->instances = ch->instances;
    p->gpus = ch->instances * c->per_instance;
    p->hosts = ch->instances * c->hosts_per_instance;
    p->mfu = ch->est->mfu;
    p->layout = ch->est->layout;
    p->hours = p->hours_p50 = p->hours_p90 = ch->hours;
    if (o->flags & GP_OFFER_PER_GPU_LISTING)
        note(p, "priced per GPU; node size not published: %d GPUs per node assumed",
             ASSUMED_GPUS_PER_NODE);
    /* The network between nodes (docs/plan.md "Network"). One node, or a
     * TPU slice on its ICI, moves nothing over it. */
    int per_gpu_listing = (o->flags & GP_OFFER_PER_GPU_LISTING) != 0;
    int multi = per_gpu_listing ? p->gpus > ASSUMED_GPUS_PER_NODE : p->instances > 1;
    gp_plan_network *nw = &p->network;
    nw->multi_node = multi;
    nw->gbps_per_gpu = c->net_gbps;
    nw->gbps_per_node = c->node_gbps;
    if (isnan(c->net_gbps)) {
        const gp_accel_perf *perf = perf_for(x, o->accel);
        if (perf && perf->internode_gbps_per_gpu > 0) {
            nw->gbps_per_gpu = perf->internode_gbps_per_gpu;
            nw->gbps_per_node = perf->internode_gbps_per_gpu *
                                (per_gpu_listing ? ASSUMED_GPUS_PER_NODE : c->per_instance);
        }
    }
    nw->known = c->net_known || !multi;
    nw->source = multi ? c->net_basis : "one node: nothing crosses the network";
    if (multi && !c->net_known) {
        char speed[48];
        if (isnan(nw->gbps_per_node))
            speed[0] = '\0';
        else
            snprintf(speed, sizeof(speed), " at %.0f Gb/s per node", nw->gbps_per_node);
        note(p, "network unknown: %d nodes%s; %s: MFU %.0f%%",
             per_gpu_listing ? (p->gpus + ASSUMED_GPUS_PER_NODE - 1) / ASSUMED_GPUS_PER_NODE
                             : p->instances,
             speed, c->net_basis, 100 * p->mfu);
    }
    if (ch->capacity_binds)
        note(p, "capacity binds: no count within %s's limit of %d GPUs (data/capacity.csv"
                "%s) meets the deadline; planned at the fastest within it, %d instances",
             o->provider, c->capacity_max_gpus,
             x->req->capacity == GP_CAPACITY_RANK_OK ? ", --capacity ok" : "", p->instances);
}

/* Fine-tuning: the hours the provider bills for a run of `hours`, and a
 * note saying how (data/billing.csv). Pretraining runs are priced by the
 * hour as run. */
static double billed(const ctx *x, gp_plan *p, double hours)
{
    if (!x->billing || x->req->job.finetune == GP_FINETUNE_NONE)
        return hours;
    const gp_billing_row *row = gp_billing_for(x->billing, p->offer->provider);
    if (!row)
        return hours;
    double b = gp_billing_hours(row, hours);
    p->billing = row;
    p->billed_hours = b;
    if (strcmp(row->basis, "assumption") == 0)
        note(p, "billing: no published granularity for %s: per hour with a 1-hour minimum "
                "assumed; %.0f min billed as %.0f min",
             p->offer->provider, hours * 60, b * 60);
    else
        note(p, "billing: %s per %.0f s with a %.0f s minimum (%s, data/billing.csv): %.0f "
                "min billed as %.0f min",
             p->offer->provider, row->granularity_seconds, row->minimum_seconds, row->basis,
             hours * 60, b * 60);
    return b;
}

/* ---- the passes ------------------------------------------------------------ */

/* The family a term is sold for, as the notes name it: an AWS type up to
 * its ".", a GCP machine type up to its last "-" ("a3-highgpu"), else the
 * whole name. */
static void family_of(const char *type, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", type ? type : "");
    char *dot = strchr(buf, '.');
    char *dash = strrchr(buf, '-');
    if (dot)
        *dot = 0;
    else if (dash && dash != buf)
        *dash = 0;
}

/* Notes a term that is not priced on the offer's on-demand plan (index
 * `od`, or none when the on-demand plan was not made). */
static void term_left_out(ctx *x, size_t od, const gp_offer *o, const gp_term_offer *t,
                          const char *why, const char *months)
{
    if (od >= x->nplans || x->plans[od].offer != o || x->plans[od].term == GP_TERM_RESERVED)
        return;
    gp_plan *p = &x->plans[od];
    char fam[64];
    family_of(o->instance_type, fam, sizeof(fam));
    if (t->kind == GP_TERM_KIND_SAVINGS_PLAN)
        note(p, "no published %s rate for %s (%s): no reserved term priced", months, fam,
             t->name);
    else if (t->kind == GP_TERM_KIND_CAPACITY_BLOCK)
        note(p, "%s: %s for %s, not planned", t->name, why, o->instance_type);
    else if (strcmp(why, "no published minimum term") == 0)
        note(p, "%s %s: no published minimum term, not applied to a %.0f-day job "
                "(--assume-term prices it)",
             o->provider, t->name, p->hours / 24);
    else
        note(p, "%s %s: %s, not planned", o->provider, t->name, why);
}

/* The terms people buy for one offer (docs/plan.md, "Terms"): each priced
 * term is a plan; a term without a published rate or length is left out
 * and the on-demand plan (index `od`) says so. -1 when out of memory. */
static int reserved_terms(ctx *x, const gp_offer *o, const cluster *c, const choice *ch,
                          size_t regions, size_t od, double serve_usd)
{
    const gp_plan_request *req = x->req;
    const gp_term_offer *terms[16];
    size_t n = gp_terms_reserved(x->terms, o->provider, o->instance_type, o->region, terms, 16);
    const gp_term_offer *block = NULL;
    for (size_t k = 0; k < n; k++) {
        const gp_term_offer *t = terms[k];
        if (t->kind != GP_TERM_KIND_CAPACITY_BLOCK)
            continue;
        /* The cheapest region with a price; without one, the first row. */
        if (!block || (!(block->usd_per_instance_hour > 0) && t->usd_per_instance_hour > 0) ||
            (t->usd_per_instance_hour > 0 && t->usd_per_instance_hour < block->usd_per_instance_hour))
            block = t;
    }
    int sp_unpriced = 0;
    char sp_months[32] = "";
    const gp_term_offer *sp_first = NULL;
    for (size_t k = 0; k < n; k++) {
        const gp_term_offer *t = terms[k];
        if (t->kind == GP_TERM_KIND_CAPACITY_BLOCK && t != block)
            continue;
        choice use = *ch;
        if (t->kind == GP_TERM_KIND_CAPACITY_BLOCK && t->max_instances > 0 &&
            ch->instances > t->max_instances && t->usd_per_instance_hour > 0) {
            /* A block holds at most max_instances: the fewest up to that
             * which meet the deadline, else the fastest (it may be late). */
            cluster small = *c;
            if (small.max_instances > t->max_instances)
                small.max_instances = t->max_instances;
            int got = choose(x, o, &small, t->usd_per_instance_hour, NAN, &use);
            if (got < 0)
                return -1;
            if (!got)
                continue;
        }
        gp_term_charge q;
        const char *why;
        double od_rate = o->usd_per_hour;
        if (!gp_term_price(t, od_rate, use.instances, use.hours, req->reuse,
                           req->assume_term_hours, &q, &why)) {
            if (t->kind == GP_TERM_KIND_SAVINGS_PLAN && strcmp(why, "no published rate") == 0) {
                sp_unpriced = 1;
                sp_first = sp_first ? sp_first : t;
                size_t len = strlen(sp_months);
                snprintf(sp_months + len, sizeof(sp_months) - len, "%s%.0fy", len ? "/" : "",
                         t->term_months / 12);
            } else {
                term_left_out(x, od, o, t, why, "");
            }
            continue;
        }
        gp_plan *p = new_plan(x);
        if (!p)
            return -1;
        fill_common(x, p, o, regions, &use, c);
        p->term = GP_TERM_RESERVED;
        p->term_kind = t->kind;
        p->pricing_kind = t->kind == GP_TERM_KIND_CAPACITY_BLOCK ? GP_PRICING_RESERVED
                                                                 : GP_PRICING_COMMITTED;
        p->term_hours = q.term_hours;
        p->term_months = q.term_hours / HOURS_PER_MONTH;
        p->term_days = q.days;
        p->term_assumed = q.assumed;
        p->term_name = t->name;
        p->term_source = t->source;
        if (t->kind == GP_TERM_KIND_CAPACITY_BLOCK && strcmp(t->region, "*") != 0)
            p->term_region = t->region;
        p->discount = od_rate > 0 ? 1.0 - q.usd_per_instance_hour / od_rate : NAN;
        p->break_even = od_rate > 0 ? q.usd_per_instance_hour / od_rate : NAN;
        p->breakdown.compute_usd = q.committed_usd - q.credit_usd;
        p->usd_per_gpu_hour = p->breakdown.compute_usd / (p->gpus * p->hours);
        if (t->kind == GP_TERM_KIND_CAPACITY_BLOCK)
            note(p, "%s: %d days x %d instances in %s at $%.2f/instance-h (%s), paid up front: "
                    "$%.0f for %.0f h, the job needs %.0f h",
                 t->name, q.days, p->instances, t->region, q.usd_per_instance_hour, t->as_of,
                 q.committed_usd, q.term_hours, p->hours);
        else if (q.assumed)
            note(p, "%s %s: %.0f%% off for an ASSUMED %.0f-month term (--assume-term; none "
                    "published; the discount is the provider's 'up to'): $%.0f charged",
                 o->provider, t->name, 100 * p->discount, req->assume_term_hours / 730,
                 q.committed_usd);
        else
            note(p, "%s %.0f months at $%.2f/instance-h (%s): $%.0f charged", t->name,
                 p->term_months, q.usd_per_instance_hour, t->as_of, q.committed_usd);
        if (q.unused_hours > 0)
            note(p, "the term is %.0f h longer than the job: charged in full, %.0f%% of the "
                    "unused rest credited (--reuse); it pays off above %.0f%% use of the term",
                 q.unused_hours, 100 * req->reuse, 100 * p->break_even);
        if (p->break_even >= 1)
            note(p, "the term's rate is at or above on-demand's $%.2f/instance-h (%s %s): it buys "
                    "capacity, not a discount",
                 od_rate, o->instance_type, o->region);
        attach_finding(x, p);
        side_costs(x, p, serve_usd);
        total(p);
    }
    if (sp_unpriced)
        term_left_out(x, od, o, sp_first, "no published rate", sp_months);
    return 0;
}

static gp_status on_demand_and_reserved(ctx *x, double serve_usd, gp_error *err,
                                        size_t *considered, size_t *small, size_t *nospecs)
{
    const gp_plan_request *req = x->req;
    gp_offer_filter f = req->filter;
    f.priced_only = 1;
    f.spot_only = 0;
    gp_offer_row *rows = NULL;
    size_t n = 0;
    gp_status st = gp_offer_select(x->cat, &f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows,
                                   &n, err);
    if (st != GP_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        const gp_offer *o = rows[i].offer;
        if (!o->accel) {
            (*nospecs)++;
            continue;
        }
        cluster c;
        if (!cluster_for(x, o, 0, &c))
            continue;
        (*considered)++;
        double d = discount_for(req, o->provider);
        double price = o->usd_per_hour * (1 - d);
        choice ch;
        int got = choose(x, o, &c, price, NAN, &ch);
        if (got < 0) {
            free(rows);
            return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
        }
        if (!got) {
            (*small)++;
            continue;
        }
        int floor = (o->flags & GP_OFFER_PRICE_FLOOR) != 0;
        if (req->spot != GP_ALLOW_ONLY) {
            gp_plan *p = new_plan(x);
            if (!p)
                goto oom;
            fill_common(x, p, o, rows[i].rows, &ch, &c);
            p->term = floor ? GP_TERM_FLOOR : GP_TERM_ON_DEMAND;
            p->pricing_kind = floor ? GP_PRICING_AUCTION_FLOOR : GP_PRICING_ON_DEMAND;
            p->discount = d;
            p->usd_per_gpu_hour = price / c.per_instance;
            p->breakdown.compute_usd = p->usd_per_gpu_hour * p->gpus * billed(x, p, p->hours);
            if (d > 0)
                note(p, "negotiated discount %.0f%% off on-demand", 100 * d);
            if (floor)
                note(p, "priced at %s's auction floor, the lowest bid it takes, not an on-demand "
                        "price: ranked after every plan on a real price (data/pricing-kinds.csv)",
                     o->provider);
            attach_finding(x, p);
            side_costs(x, p, serve_usd);
            total(p);
        }
        /* A commitment is priced from on-demand; a floor has none. */
        if (!floor && req->reserved != GP_ALLOW_NEVER && req->spot != GP_ALLOW_ONLY &&
            reserved_terms(x, o, &c, &ch, rows[i].rows, x->nplans - 1, serve_usd) != 0)
            goto oom;
    }
    free(rows);
    return GP_OK;
oom:
    free(rows);
    return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
}

static const gp_plan *on_demand_of(const ctx *x, const gp_offer *o)
{
    for (size_t i = 0; i < x->nplans; i++) {
        const gp_plan *p = &x->plans[i];
        if (p->term == GP_TERM_ON_DEMAND &&
            strcmp(p->offer->provider, o->provider) == 0 &&
            strcmp(p->offer->instance_type, o->instance_type) == 0)
            return p;
    }
    return NULL;
}

/* One spot candidate waiting for its simulation. */
typedef struct spot_job {
    size_t plan;                 /* index into ctx.plans */
    gp_spot_params params;
    double p90_rate;             /* the job's rate for the P90 (the band's
                                    upper edge times the hosts) */
    int trials;                  /* runs for this candidate (spot_trials) */
    uint64_t seed;
    double base;                 /* on-demand-equivalent hours */
    int simulate;
    gp_spot_sim sim;
    gp_status status;
} spot_job;

typedef struct spot_pool {
    spot_job *jobs;
    size_t n;
    int trials;
    atomic_size_t next;
} spot_pool;


static void *spot_worker(void *arg)
{
    spot_pool *pool = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&pool->next, 1);
        if (i >= pool->n)
            return NULL;
        spot_job *j = &pool->jobs[i];
        gp_error err;
        j->status = j->simulate ? gp_spot_simulate(&j->params, j->trials, j->seed, &j->sim, &err)
                                : GP_OK;
    }
}

/* Starts the simulations on all but one core; the caller joins in with
 * spot_join(). Each is independent and seeded, so the answer does not
 * depend on the number of threads. */
typedef struct spot_threads {
    spot_pool pool;
    pthread_t threads[8];
    int started;
} spot_threads;

static void spot_start(spot_threads *st, spot_job *jobs, size_t n, int trials)
{
    st->pool.jobs = jobs;
    st->pool.n = n;
    st->pool.trials = trials;
    atomic_init(&st->pool.next, 0);
    st->started = 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = cores > 1 ? (cores > 8 ? 8 : (int)cores) : 1;
    if ((size_t)nthreads > n)
        nthreads = (int)n;
    for (int t = 1; t < nthreads; t++)
        if (pthread_create(&st->threads[st->started], NULL, spot_worker, &st->pool) == 0)
            st->started++;
}

static void spot_join(spot_threads *st)
{
    spot_worker(&st->pool);
    for (int t = 0; t < st->started; t++)
        pthread_join(st->threads[t], NULL);
}

/* Runs for one candidate: the requested number while it expects up to 9
 * interruptions, then fewer, so that no candidate simulates more than
 * about 10 x trials uninterrupted stretches (each run costs one stretch per
 * interruption), but never fewer than trials / 20. With many interruptions
 * the run time is close to normal (a sum of many losses), and 500 runs
 * still put the P90 within about 0.08 standard deviations
 * (sqrt(0.9 x 0.1 / n) / phi(1.28)); the time it saves is most of the
 * planner's (docs/plan.md, "Speed"). Deterministic: same inputs, same
 * count. */
static int spot_trials(int trials, double interruptions)
{
    double fit = 10.0 * trials / (interruptions + 1);
    int least = trials / 20 > 0 ? trials / 20 : 1;
    if (!(fit < trials))
        return trials;
    return fit < least ? least : (int)fit;
}

/* The P90 without a second simulation (docs/plan.md, "Spot risk"): the
 * closed-form expectation at the P90 rate (the band's upper edge), plus the
 * simulated spread above the mean at the expected rate, scaled by
 * sqrt(p90 rate / rate): time lost is a compound Poisson sum, whose
 * variance grows linearly with the rate. The checkpoint interval stays the
 * plan's (tuned to the expected rate). */
static double p90_hours(const spot_job *j)
{
    double p90 = j->sim.p90_hours;
    double rate = j->params.rate_per_hour;
    if (j->p90_rate > rate && rate > 0) {
        gp_spot_params hi = j->params;
        hi.rate_per_hour = j->p90_rate;
        hi.interval_hours = j->sim.interval_hours;
        double mean_hi;
        gp_error err;
        if (gp_spot_expected_hours(&hi, &mean_hi, &err) == GP_OK && isfinite(mean_hi)) {
            double spread = j->sim.p90_hours - j->sim.mean_hours;
            p90 = mean_hi + (spread > 0 ? spread : 0) * sqrt(j->p90_rate / rate);
        } else {
            p90 = INFINITY;
        }
    }
    return p90 < j->sim.p50_hours ? j->sim.p50_hours : p90;
}

static void finish_spot(ctx *x, const spot_job *j, double serve_usd)
{
    gp_plan *p = &x->plans[j->plan];
    const gp_offer *o = p->offer;
    double expected = p->hours;
    if (!j->simulate) {
        p->hours_p50 = p->hours_p90 = expected;
        p->checkpoint_interval_hours =
            gp_spot_young_interval(j->params.checkpoint_hours, j->params.rate_per_hour);
        if (p->checkpoint_interval_hours > j->base)
            p->checkpoint_interval_hours = j->base;
        p->interruptions = j->params.rate_per_hour * expected;
        note(p, "not simulated: misses the deadline on average; P50 and P90 shown as the "
                "expectation");
    } else if (j->status == GP_OK) {
        p->hours_p50 = j->sim.p50_hours;
        p->hours_p90 = p90_hours(j);
        p->checkpoint_interval_hours = j->sim.interval_hours;
        p->interruptions = j->sim.interruptions_mean;
    } else {
        p->hours_p50 = p->hours_p90 = expected;
    }
    p->breakdown.compute_usd = p->usd_per_gpu_hour * p->gpus * j->base;
    p->breakdown.spot_overhead_usd =
        p->usd_per_gpu_hour * p->gpus * (billed(x, p, expected) - j->base);
    const gp_spot_risk *k = &p->spot_risk;
    if (k->basis == GP_SPOT_RISK_ADVISOR)
        note(p, "AWS Spot Advisor: %s in %s is band %s a month: %.2g per node-hour expected "
                "(%.1f%%), %.2g for the P90 (%.0f%%)%s",
             o->instance_type, o->region, k->band_label, k->rate_per_node_hour,
             100 * k->monthly, k->p90_rate_per_node_hour, 100 * k->monthly_p90,
             k->lower_bound ? "; the band has no upper edge: both are lower bounds" : "");
    else if (k->basis == GP_SPOT_RISK_ASSUMED)
        note(p, "no published interruption data for %s %s: assumed %.0f%% a month for a %s "
                "(%.0f%% for the P90; an assumption, --spot-rate replaces it)",
             o->provider, o->instance_type, 100 * k->monthly, gp_kind_name(o->kind),
             100 * k->monthly_p90);
    if (p->hosts > p->instances)
        note(p, "interruptions counted per host: %d hosts (%d per %s of %d chips)", p->hosts,
             p->hosts / p->instances, o->instance_type, (int)o->gpu_count);
    const gp_plan_request *req = x->req;
    if (isfinite(p->max_runtime_hours))
        note(p, "GCP preemptible VMs stop after %.0f h: at least one interruption per host "
                "every %.0f h (data/gcp-spot-rules.csv)",
             p->max_runtime_hours, p->max_runtime_hours);
    if (p->storage.gbps > 0 && p->ckpt_gbps < p->hosts * req->ckpt_gbps)
        note(p, "checkpoints at %.3g Gb/s, the shared storage's aggregate (%s%s), not %d hosts "
                "x %.3g Gb/s",
             p->ckpt_gbps, p->storage.service,
             p->storage.tib > 0 ? ", sized to what the run stores" : "", p->hosts,
             req->ckpt_gbps);
    else if (!(p->storage.gbps > 0) && p->hosts > 1)
        note(p, "no published shared-storage throughput for %s: checkpoints at %d hosts x %.3g "
                "Gb/s (--storage-gbps bounds it)",
             o->provider, p->hosts, req->ckpt_gbps);
    if (req->burst_share > 0 && req->replace_wait_hours > 0)
        note(p, "%.1f expected interruptions, %.0f%% of them bursts that wait %.2g h for new "
                "capacity; checkpoint %.2g h every %.2g h (Young); +%.1f%% time",
             p->interruptions, 100 * req->burst_share, req->replace_wait_hours,
             p->checkpoint_hours, p->checkpoint_interval_hours, 100 * (expected / j->base - 1));
    else
        note(p, "%.1f expected interruptions; checkpoint %.2g h every %.2g h (Young); +%.1f%% "
                "time",
             p->interruptions, p->checkpoint_hours, p->checkpoint_interval_hours,
             100 * (expected / j->base - 1));
    side_costs(x, p, serve_usd);
    total(p);
    const gp_plan *od = on_demand_of(x, o);
    if (od && p->cost_usd > od->cost_usd)
        note(p, "dearer than on-demand on the same instance ($%.0f vs $%.0f): interruptions "
                "cost more than the spot discount saves",
             p->cost_usd, od->cost_usd);
}

/* Whether --capacity ranks a status (exceeds: never). */
static int capacity_ranked(gp_capacity_status s, gp_capacity_rank want)
{
    return s == GP_CAPACITY_OK || (s == GP_CAPACITY_RISK && want != GP_CAPACITY_RANK_OK) ||
           (s == GP_CAPACITY_UNKNOWN && want == GP_CAPACITY_RANK_ANY);
}

/* Rows of one instance type together, its cheapest spot quote first. */
static int cmp_spot_rows(const void *a, const void *b)
{
    const gp_offer *x = ((const gp_offer_row *)a)->offer, *y = ((const gp_offer_row *)b)->offer;
    int c = strcmp(x->provider, y->provider);
    if (c)
        return c;
    c = strcmp(x->instance_type, y->instance_type);
    if (c)
        return c;
    if (x->spot_usd_per_hour != y->spot_usd_per_hour)
        return x->spot_usd_per_hour < y->spot_usd_per_hour ? -1 : 1;
    c = strcmp(x->region, y->region);
    return c ? c : strcmp(x->zone, y->zone);
}

/* One zone quote weighed as the place a spot plan launches in: all its
 * instances in that zone, at that zone's price. */
typedef struct placement {
    const gp_offer *o;
    gp_spot_risk risk;
    double node_rate, p90_rate;  /* per host-hour */
    double max_runtime;          /* the provisioning model's limit, or NAN */
    choice ch;
    gp_spot_params params;
    double expected;             /* closed form at the expected rate */
    double cost;                 /* expected, compute only */
    int feasible;                /* meets the deadline on average */
} placement;

/* The interruption rate of a host of offer `o` (docs/plan.md, "Spot
 * risk"), with GCP's provisioning rule applied. 0 when no spot plan can be
 * made on it (no rate; a TPU product not sold that way). */
static int spot_rate_for(const ctx *x, const gp_offer *o, placement *pl)
{
    const gp_plan_request *req = x->req;
    memset(pl, 0, sizeof(*pl));
    pl->o = o;
    pl->max_runtime = NAN;
    gp_spot_risk *risk = &pl->risk;
    double node_rate = req->spot_rate_per_node_hour, p90_rate = node_rate;
    if (isnan(node_rate)) {
        if (!gp_terms_spot_risk(x->terms, o->provider, gp_kind_name(o->kind), o->instance_type,
                                o->region, risk))
            return 0;
        node_rate = risk->rate_per_node_hour;
        p90_rate = risk->p90_rate_per_node_hour;
    } else {
        risk->basis = GP_SPOT_RISK_GIVEN;
        risk->band = -1;
        risk->band_label = "";
        risk->rate_per_node_hour = risk->p90_rate_per_node_hour = node_rate;
        risk->source = "--spot-rate";
    }
    gp_gcp_rule rule;
    if (gp_terms_gcp_rule(x->terms, o->provider, o->instance_type, req->gcp_provisioning,
                          &rule)) {
        if (!rule.supported)
            return 0;
        /* A VM stopped after its maximum runtime is interrupted at least
         * once per that time, per host (GCP preemptible: 24 h). */
        if (isfinite(rule.max_runtime_hours)) {
            pl->max_runtime = rule.max_runtime_hours;
            double floor_rate = 1.0 / rule.max_runtime_hours;
            node_rate = fmax(node_rate, floor_rate);
            p90_rate = fmax(p90_rate, floor_rate);
        }
    }
    pl->node_rate = node_rate;
    pl->p90_rate = p90_rate;
    return 1;
}

/* Sizes and times a plan at one placement: 1 priced, 0 no plan, -1 out
 * of memory. */
static int weigh(ctx *x, cluster *c, placement *pl)
{
    const gp_plan_request *req = x->req;
    int got = choose(x, pl->o, c, pl->o->spot_usd_per_hour, pl->node_rate, &pl->ch);
    if (got <= 0)
        return got;
    int hosts = pl->ch.instances * c->hosts_per_instance;
    pl->expected =
        spot_hours(x, req, pl->ch.hours, hosts, pl->node_rate, c->storage_gbps, &pl->params);
    /* Interruptions so frequent that restarts and lost work triple the
     * run: not a plan anyone would take. */
    if (!(pl->expected <= 3 * pl->ch.hours))
        return 0;
    pl->cost = pl->o->spot_usd_per_hour * pl->ch.instances * pl->expected;
    pl->feasible = pl->expected <= x->deadline;
    return 1;
}

/* Whether placement a is better than b: meets the deadline on average
 * first, then the lower expected cost with interruptions; ties keep the
 * cheaper quote (b came first). */
static int better_placement(const placement *a, const placement *b)
{
    if (a->feasible != b->feasible)
        return a->feasible;
    return a->cost < b->cost * (1 - 1e-12);
}

/* Builds the spot candidates and their simulation jobs (*jobs, *njobs;
 * free *jobs). The simulations run later, next to the on-demand pass.
 * Each instance type is placed in one zone (docs/plan.md, "Spot
 * placement"): every zone quote is weighed (one per distinct interruption
 * rate: a dearer quote with the same rate cannot win) and the one with the
 * lowest expected cost with interruptions is kept; all instances are
 * priced at that zone's quote. */
static gp_status spot_collect(ctx *x, gp_error *err, size_t *considered, spot_job **out_jobs,
                              size_t *out_njobs)
{
    const gp_plan_request *req = x->req;
    gp_offer_filter f = req->filter;
    f.spot_only = 1;
    f.priced_only = 0;
    gp_offer_row *rows = NULL;
    size_t n = 0;
    gp_status st =
        gp_offer_select(x->cat, &f, GP_SORT_SPOT_PRICE, GP_GROUP_NONE, &rows, &n, err);
    if (st != GP_OK)
        return st;
    if (n > 1)
        qsort(rows, n, sizeof(*rows), cmp_spot_rows);
    spot_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
    placement *seen = calloc(n ? n : 1, sizeof(*seen));
    size_t njobs = 0, group = 0;
    if (!jobs || !seen) {
        free(jobs);
        free(seen);
        free(rows);
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    }
    double stored_gb = req->dataset_gb + 2.0 * x->ckpt_bytes / 1e9; /* as side_costs */
    for (size_t i = 0; i < n; group++) {
        size_t end = i + 1;
        while (end < n && strcmp(rows[end].offer->provider, rows[i].offer->provider) == 0 &&
               strcmp(rows[end].offer->instance_type, rows[i].offer->instance_type) == 0)
            end++;
        size_t first = i, quotes = end - i;
        i = end;
        const gp_offer *o0 = rows[first].offer;
        if (!o0->accel)
            continue;
        cluster c;
        if (!cluster_for(x, o0, 1, &c))
            continue;
        gp_storage_bound storage;
        if (!isnan(req->storage_gbps)) {
            memset(&storage, 0, sizeof(storage));
            storage.gbps = req->storage_gbps;
            storage.service = "--storage-gbps";
            storage.source = "--storage-gbps";
        } else {
            gp_terms_storage_gbps(x->terms, o0->provider, stored_gb, &storage);
        }
        c.storage_gbps = isfinite(storage.gbps) ? storage.gbps : 0;
        /* The distinct rates met so far, and the best placement. */
        size_t nseen = 0;
        int best = -1, cheapest = -1, any_rate = 0;
        for (size_t r = first; r < end; r++) {
            const gp_offer *o = rows[r].offer;
            if (!gp_offer_has_spot(o))
                continue;
            placement pl;
            if (!spot_rate_for(x, o, &pl))
                continue;
            any_rate = 1;
            int dup = 0;
            for (size_t k = 0; k < nseen && !dup; k++)
                dup = seen[k].node_rate == pl.node_rate && seen[k].p90_rate == pl.p90_rate;
            if (dup)
                continue; /* same risk, dearer quote (rows are cheapest first) */
            int got = weigh(x, &c, &pl);
            if (got < 0)
                goto oom;
            seen[nseen] = pl;
            seen[nseen].feasible = got ? pl.feasible : -1; /* -1: no plan here */
            if (got) {
                if (cheapest < 0)
                    cheapest = (int)nseen;
                if (best < 0 || better_placement(&pl, &seen[best]))
                    best = (int)nseen;
            }
            nseen++;
        }
        if (any_rate && req->spot == GP_ALLOW_ONLY)
            (*considered)++;
        if (best < 0)
            continue;
        const placement *pl = &seen[best];
        const gp_offer *o = pl->o;
        int hosts = pl->ch.instances * c.hosts_per_instance;
        spot_job *j = &jobs[njobs];
        j->base = pl->ch.hours;
        j->params = pl->params;
        double expected = pl->expected;
        j->p90_rate = pl->p90_rate * hosts;
        j->trials = spot_trials(req->trials, j->params.rate_per_hour * expected);
        gp_plan *p = new_plan(x);
        if (!p)
            goto oom;
        fill_common(x, p, o, quotes, &pl->ch, &c);
        p->term = GP_TERM_SPOT;
        p->pricing_kind = GP_PRICING_SPOT;
        attach_finding(x, p);
        p->usd_per_gpu_hour = o->spot_usd_per_hour / c.per_instance;
        p->spot_rate_per_node_hour = pl->node_rate;
        p->spot_risk = pl->risk;
        p->storage = storage;
        p->ckpt_gbps = ckpt_bandwidth_gbps(req, hosts, c.storage_gbps);
        p->max_runtime_hours = pl->max_runtime;
        p->zone_quotes = (int)quotes;
        p->checkpoint_hours = j->params.checkpoint_hours;
        p->hours = expected;
        const placement *cp = cheapest >= 0 ? &seen[cheapest] : pl;
        const char *where = o->zone[0] ? o->zone : o->region;
        if (!where[0])
            ; /* the source gives no region: nothing to say where */
        else if (cp != pl)
            note(p, "placed in %s (%s, $%.2f/h): the lowest expected cost with interruptions "
                    "of %zu zone quotes; the cheapest, %s ($%.2f/h, %s), expects $%.0f vs $%.0f",
                 where, o->region, o->spot_usd_per_hour, quotes,
                 cp->o->zone[0] ? cp->o->zone : cp->o->region, cp->o->spot_usd_per_hour,
                 cp->risk.band >= 0 ? cp->risk.band_label : "assumed", cp->cost, pl->cost);
        else
            note(p, "placed in %s (%s): every instance at that zone's $%.2f/h, the lowest "
                    "expected cost with interruptions of %zu zone quotes",
                 where, o->region, o->spot_usd_per_hour, quotes);
        j->plan = (size_t)(p - x->plans);
        j->seed = req->seed + group;
        /* A plan that misses the deadline on average is not simulated: it
         * misses it at P90 too, its spread changes no ranking, and the
         * thousands of interruptions of its run would make the simulation
         * the slowest part of planning. */
        j->simulate = isfinite(expected) && expected <= x->deadline;
        /* A candidate --capacity will not rank is not simulated either (it
         * still goes through the shape merge and rank_by_capacity, which
         * drops and counts it): under the default every multi-node spot
         * job is 'unknown', and simulating them was most of the time. */
        gp_capacity cap;
        gp_terms_capacity(x->terms, o->provider, o->instance_type, 1, (int)o->gpu_count,
                          (o->flags & GP_OFFER_PER_GPU_LISTING) != 0, pl->ch.instances, hosts,
                          &cap);
        if (!capacity_ranked(cap.status, req->capacity))
            j->simulate = 0;
        njobs++;
    }
    free(seen);
    free(rows);
    *out_jobs = jobs;
    *out_njobs = njobs;
    return GP_OK;
oom:
    free(seen);
    free(jobs);
    free(rows);
    return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
}

/* ---- ranking -------------------------------------------------------------- */

size_t gp_plan_mark_pareto(gp_plan *plans, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        int dominated = 0;
        for (size_t j = 0; j < n && !dominated; j++) {
            if (i == j || plans[j].term == GP_TERM_FLOOR)
                continue;
            const gp_plan *a = &plans[j], *b = &plans[i];
            if (a->cost_usd <= b->cost_usd && a->hours <= b->hours &&
                (a->cost_usd < b->cost_usd || a->hours < b->hours))
                dominated = 1;
        }
        plans[i].pareto =
            !dominated && isfinite(plans[i].hours) && plans[i].term != GP_TERM_FLOOR;
        count += (size_t)plans[i].pareto;
    }
    return count;
}

/* Feasible plans first, then by the objective, the other measure, and
 * names (so the order is stable). */
static int cmp_plans(const gp_plan *a, const gp_plan *b, int by_cost)
{
    int la = a->term == GP_TERM_FLOOR, lb = b->term == GP_TERM_FLOOR;
    if (la != lb)
        return la - lb; /* floors after every plan on a real price */
    int fa = a->meets_deadline && a->meets_budget, fb = b->meets_deadline && b->meets_budget;
    if (fa != fb)
        return fb - fa;
    double ka = by_cost ? a->cost_usd : a->hours, kb = by_cost ? b->cost_usd : b->hours;
    if (ka != kb)
        return ka < kb ? -1 : 1;
    double ta = by_cost ? a->hours : a->cost_usd, tb = by_cost ? b->hours : b->cost_usd;
    if (ta != tb)
        return ta < tb ? -1 : 1;
    int c = strcmp(a->offer->provider, b->offer->provider);
    if (c)
        return c;
    c = strcmp(a->offer->instance_type, b->offer->instance_type);
    if (c)
        return c;
    return (int)a->term - (int)b->term;
}

static int cmp_by_cost(const void *a, const void *b)
{
    return cmp_plans(a, b, 1);
}

static int cmp_by_time(const void *a, const void *b)
{
    return cmp_plans(a, b, 0);
}

/* "$1,234,567" for the messages the planner writes. */
static const char *usd(char *buf, size_t cap, double v)
{
    char digits[64];
    snprintf(digits, sizeof(digits), "%.0f", fabs(v));
    size_t n = strlen(digits), o = 0;
    buf[o++] = '$';
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static void describe(char *buf, size_t cap, const gp_plan *p)
{
    snprintf(buf, cap, "%d x %s %s %s", p->gpus, p->offer->gpu, p->offer->provider,
             gp_term_name(p->term));
}

static void binding(ctx *x, gp_plan_result *r)
{
    const gp_plan_request *req = x->req;
    if (r->nfeasible > 0 || x->nplans == 0)
        return;
    const gp_plan *cheapest_on_time = NULL, *fastest_in_budget = NULL, *fastest = NULL;
    for (size_t i = 0; i < x->nplans; i++) {
        const gp_plan *p = &x->plans[i];
        if (p->term == GP_TERM_FLOOR)
            continue;
        if (p->meets_deadline && (!cheapest_on_time || p->cost_usd < cheapest_on_time->cost_usd))
            cheapest_on_time = p;
        if (p->meets_budget && (!fastest_in_budget || p->hours < fastest_in_budget->hours))
            fastest_in_budget = p;
        if (!fastest || p->hours < fastest->hours)
            fastest = p;
    }
    char what[160], a[32], b[32];
    if (cheapest_on_time) {
        describe(what, sizeof(what), cheapest_on_time);
        snprintf(r->binding, sizeof(r->binding),
                 "the budget binds: the cheapest plan that meets the deadline (%s) costs %s; "
                 "the budget is %s",
                 what, usd(a, sizeof(a), cheapest_on_time->cost_usd),
                 usd(b, sizeof(b), req->budget_usd));
    } else if (fastest_in_budget) {
        describe(what, sizeof(what), fastest_in_budget);
        snprintf(r->binding, sizeof(r->binding),
                 "the deadline binds: the fastest plan%s (%s) takes %.1f days; the deadline "
                 "is %.1f days",
                 isnan(req->budget_usd) ? "" : " within the budget", what,
                 fastest_in_budget->hours / 24, x->deadline / 24);
    } else if (fastest) {
        describe(what, sizeof(what), fastest);
        if (isnan(req->budget_usd))
            snprintf(r->binding, sizeof(r->binding),
                     "the deadline binds: the fastest plan (%s) takes %.1f days; the deadline "
                     "is %.1f days",
                     what, fastest->hours / 24, x->deadline / 24);
        else
            snprintf(r->binding, sizeof(r->binding),
                     "both bind: the fastest plan (%s) takes %.1f days (deadline %.1f) and "
                     "costs %s (budget %s)",
                     what, fastest->hours / 24, x->deadline / 24,
                     usd(a, sizeof(a), fastest->cost_usd), usd(b, sizeof(b), req->budget_usd));
    }
}

/* ---- serving ------------------------------------------------------------- */

/* Serving sized by the inference model for a traffic (docs/inference.md):
 * the serving provider's cheapest offer that carries it within the
 * latency targets, for the months asked. */
static gp_status serving_modelled(ctx *x, gp_plan_result *r, gp_error *err)
{
    const gp_plan_request *req = x->req;
    gp_serve_params sp;
    gp_serve_params_init(&sp);
    sp.model = req->job.model;
    sp.precision = req->serve_precision;
    sp.rps = req->serve_rps;
    sp.input_tokens = req->serve_input_tokens;
    sp.output_tokens = req->serve_output_tokens;
    sp.ttft_s = req->serve_ttft_s;
    sp.tpot_s = req->serve_tpot_s;
    sp.percentile = req->serve_percentile;
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    const char *prov[1] = {req->serve_provider};
    f.providers = prov;
    f.nproviders = 1;
    f.gpu = req->serve_gpu;
    gp_serve_result sr;
    gp_status st = gp_serve_rank(x->cat, &f, &sp, &sr, err);
    if (st != GP_OK)
        return st;
    if (sr.nok == 0) {
        char near[200] = "no offer of it holds the model";
        if (sr.n > 0 && sr.offers[0].pt.binding != GP_SERVE_BIND_FIT)
            snprintf(near, sizeof(near), "%s binds; nearest %s (TPOT %.2g ms, TTFT %.3g ms with no load)",
                     gp_serve_binding_name(sr.offers[0].pt.binding),
                     sr.offers[0].offer->instance_type, 1000 * sr.offers[0].pt.tpot_floor_s,
                     1000 * sr.offers[0].pt.ttft_floor_s);
        gp_serve_result_free(&sr);
        return gp_fail(err, GP_ENOTFOUND, "", 0, "%s has no offer%s that serves %s at the "
                       "traffic and targets: %s", req->serve_provider,
                       req->serve_gpu ? " of that accelerator" : "", req->job.model->name, near);
    }
    r->serve = sr.offers[0];
    r->serve_offer = r->serve.offer;
    r->serve_modelled = 1;
    r->serve_usd = r->serve.usd_per_month * req->serve_months;
    gp_serve_result_free(&sr);
    return GP_OK;
}

static gp_status serving(ctx *x, gp_plan_result *r, gp_error *err)
{
    const gp_plan_request *req = x->req;
    if (!req->serve_provider)
        return GP_OK;
    if (req->serve_rps > 0)
        return serving_modelled(x, r, err);
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    const char *prov[1] = {req->serve_provider};
    f.providers = prov;
    f.nproviders = 1;
    f.priced_only = 1;
    f.gpu = req->serve_gpu;
    gp_offer_row *rows = NULL;
    size_t n = 0;
    gp_status st = gp_offer_select(x->cat, &f, GP_SORT_PRICE, GP_GROUP_INSTANCE, &rows, &n, err);
    if (st != GP_OK)
        return st;
    double need_gb = x->weights_bytes / 1e9 * SERVE_MEMORY_FACTOR;
    for (size_t i = 0; i < n; i++) {
        const gp_offer *o = rows[i].offer;
        if (o->gpu_count * o->gpu_mem_gb >= need_gb) {
            r->serve_offer = o;
            break; /* sorted by instance price: the first that holds it */
        }
    }
    free(rows);
    if (!r->serve_offer)
        return gp_fail(err, GP_ENOTFOUND, "", 0,
                       "%s has no offer%s with %.0f GB of accelerator memory to serve the "
                       "model (weights x %.1f)",
                       req->serve_provider, req->serve_gpu ? " of that accelerator" : "",
                       need_gb, SERVE_MEMORY_FACTOR);
    r->serve_usd = r->serve_offer->usd_per_hour * HOURS_PER_MONTH * req->serve_months *
                   (req->serve_replicas > 0 ? req->serve_replicas : 1);
    return GP_OK;
}

static void serve_compare(const ctx *x, gp_plan_result *r)
{
    const gp_plan_request *req = x->req;
    if (!req->serve_provider || r->nplans == 0)
        return;
    const gp_plan *best = &r->plans[0], *local = NULL;
    for (size_t i = 0; i < r->nplans; i++) {
        const gp_plan *p = &r->plans[i];
        if (strcasecmp(p->offer->provider, req->serve_provider) == 0 &&
            p->meets_deadline && p->meets_budget && p->term != GP_TERM_FLOOR) {
            local = p;
            break; /* plans are ranked: the first is the best there */
        }
    }
    char a[32], b[32], c[32];
    if (strcasecmp(best->offer->provider, req->serve_provider) == 0)
        snprintf(r->serve_compare, sizeof(r->serve_compare),
                 "training and serving on %s is the best plan: %s in all", req->serve_provider,
                 usd(a, sizeof(a), best->cost_usd));
    else if (local)
        snprintf(r->serve_compare, sizeof(r->serve_compare),
                 "train on %s and serve on %s: %s (egress %s); train and serve on %s: %s",
                 best->offer->provider, req->serve_provider, usd(a, sizeof(a), best->cost_usd),
                 usd(b, sizeof(b), best->breakdown.egress_usd), req->serve_provider,
                 usd(c, sizeof(c), local->cost_usd));
    else
        snprintf(r->serve_compare, sizeof(r->serve_compare),
                 "train on %s and serve on %s: %s (egress %s); no plan on %s alone meets the "
                 "constraints",
                 best->offer->provider, req->serve_provider, usd(a, sizeof(a), best->cost_usd),
                 usd(b, sizeof(b), best->breakdown.egress_usd), req->serve_provider);
}

/* Capacity of every candidate (docs/plan.md, "Capacity"). */
static void assess_capacity(ctx *x)
{
    for (size_t i = 0; i < x->nplans; i++) {
        gp_plan *p = &x->plans[i];
        const gp_offer *o = p->offer;
        gp_terms_capacity(x->terms, o->provider, o->instance_type, p->term == GP_TERM_SPOT,
                          (int)o->gpu_count, (o->flags & GP_OFFER_PER_GPU_LISTING) != 0,
                          p->instances, p->hosts, &p->capacity);
    }
}

/* Candidates whose status --capacity does not rank, and every `exceeds`,
 * leave the list. Returns how many left. */
static size_t rank_by_capacity(ctx *x)
{
    size_t kept = 0;
    gp_capacity_rank want = x->req->capacity;
    for (size_t i = 0; i < x->nplans; i++) {
        gp_plan *p = &x->plans[i];
        const gp_offer *o = p->offer;
        gp_capacity_status s = p->capacity.status;
        if (!capacity_ranked(s, want))
            continue;
        if (s == GP_CAPACITY_RISK)
            note(p, "capacity risk: %d GPUs is more than %s sells as one cluster (%d GPUs)",
                 p->gpus, o->provider, p->capacity.max_gpus);
        else if (s == GP_CAPACITY_UNKNOWN)
            note(p, "capacity unknown: %s", p->capacity.source);
        x->plans[kept++] = *p;
    }
    size_t gone = x->nplans - kept;
    x->nplans = kept;
    return gone;
}

/* Instance types that are other shapes of the same offer (TPU slices of
 * one chip, the same 8-GPU node with more CPUs) give the same plan at the
 * same size: keep the cheapest of each provider, accelerator, term and GPU
 * count, and name the others on it. */
/* TPU slices of one generation are one offering in several sizes
 * (tpu-v5p-2944, -3072, ...): among those that meet the deadline and the
 * budget the cheapest stands for them all, so ten sizes of one slice do
 * not fill the list (docs/plan.md, "How it decides"). A size that is
 * late or over budget stays a plan of its own. */
static int feasible(const ctx *x, const gp_plan *p)
{
    return p->hours <= x->deadline && p->hours_p90 <= x->deadline &&
           (isnan(x->req->budget_usd) || p->cost_usd <= x->req->budget_usd);
}

static int slice_sizes(const ctx *x, const gp_plan *p, const gp_plan *q)
{
    return strncmp(p->offer->gpu, "TPU", 3) == 0 && feasible(x, p) && feasible(x, q);
}

/* q can stand for p: the same provider, accelerator, term and capacity
 * status, at the same size (or another size of one TPU slice). */
static int same_offering(const ctx *x, const gp_plan *p, const gp_plan *q)
{
    /* Only shapes of the same capacity status are the same plan:
     * lambda's 4x H100 (no published cluster size: unknown) once took
     * the place of its 8x H100 (a 1-Click Cluster: ok) and then left the
     * list, taking lambda's only ranked plan. The cheap tests first: this
     * runs for every pair of plans (717,678 times for Llama 3 70B). */
    if (q->term != p->term || q->capacity.status != p->capacity.status)
        return 0;
    if (q->gpus != p->gpus && !slice_sizes(x, p, q))
        return 0;
    return strcmp(q->offer->provider, p->offer->provider) == 0 &&
           strcmp(q->offer->gpu, p->offer->gpu) == 0;
}

static void drop_alternative_shapes(ctx *x)
{
    size_t kept = 0;
    for (size_t i = 0; i < x->nplans; i++) {
        gp_plan *p = &x->plans[i];
        gp_plan *better = NULL;
        for (size_t j = 0; j < x->nplans && !better; j++) {
            gp_plan *q = &x->plans[j];
            if (j == i || !same_offering(x, p, q))
                continue;
            if (q->cost_usd < p->cost_usd || (q->cost_usd == p->cost_usd && j < i))
                better = q;
        }
        if (better) {
            p->rank = -1; /* dropped */
            continue;
        }
        kept++;
    }
    /* Name the dropped shapes on the plan that stays, then compact. */
    for (size_t i = 0; i < x->nplans; i++) {
        gp_plan *p = &x->plans[i];
        if (p->rank != -1)
            continue;
        for (size_t j = 0; j < x->nplans; j++) {
            gp_plan *q = &x->plans[j];
            if (q->rank == -1 || !same_offering(x, p, q))
                continue;
            char a[32];
            if (q->gpus == p->gpus)
                note(q, "same plan on %s: %s", p->offer->instance_type,
                     usd(a, sizeof(a), p->cost_usd));
            else
                note(q, "also as %s: %d chips, %.1f d, %s", p->offer->instance_type, p->gpus,
                     p->hours / 24, usd(a, sizeof(a), p->cost_usd));
            break;
        }
    }
    size_t w = 0;
    for (size_t i = 0; i < x->nplans; i++)
        if (x->plans[i].rank != -1)
            x->plans[w++] = x->plans[i];
    x->nplans = w;
    (void)kept;
}

/* ---- the entry point ---------------------------------------------------- */

static double bytes_per_param(const gp_job *job, double *weights)
{
    int fp32 = job->precision == GP_PREC_FP32 || job->precision == GP_PREC_TF32;
    double w = fp32 ? 4 : 2, master = fp32 ? 0 : 4;
    double o = job->optimizer == GP_OPT_ADAMW       ? master + 8
               : job->optimizer == GP_OPT_ADAMW_8BIT ? master + 2
                                                     : master + 4;
    *weights = w;
    return w + o; /* a checkpoint: weights and optimizer state */
}

static void ctx_init(ctx *x, const gp_catalog *cat, const gp_terms *terms,
                     const gp_plan_request *req)
{
    memset(x, 0, sizeof(*x));
    x->cat = cat;
    x->terms = terms;
    x->req = req;
    x->deadline = isnan(req->deadline_hours) ? INFINITY : req->deadline_hours;
    double wb;
    x->ckpt_bytes = req->job.model->params_total * bytes_per_param(&req->job, &wb);
    if (req->job.finetune == GP_FINETUNE_LORA || req->job.finetune == GP_FINETUNE_QLORA)
        /* A LoRA checkpoint is the adapters and their optimizer state:
         * 2 + 12 bytes each (the defaults are finetune.c's). */
        x->ckpt_bytes = 14.0 * gp_lora_params(req->job.model,
                                              req->job.lora_rank ? req->job.lora_rank : 64,
                                              req->job.lora_targets ? req->job.lora_targets
                                                                    : GP_LORA_ALL);
    x->weights_bytes = req->job.model->params_total * wb;
}

gp_status gp_plan_hours_at(const gp_catalog *cat, const gp_terms *terms,
                           const gp_plan_request *req, const gp_plan *plan, int instances,
                           double *hours, int *max_instances, gp_error *err)
{
    *hours = INFINITY;
    if (max_instances)
        *max_instances = 0;
    if (!req->job.model || !plan || !plan->offer || !plan->offer->accel || instances < 1)
        return GP_OK;
    ctx x;
    ctx_init(&x, cat, terms, req);
    cluster c;
    int spot = plan->term == GP_TERM_SPOT;
    gp_status st = GP_OK;
    if (cluster_for(&x, plan->offer, spot, &c) &&
        (long long)instances * c.per_instance <= PLAN_MAX_GPUS) {
        if (max_instances)
            *max_instances = c.max_instances;
        const est_val *v = estimate(&x, plan->offer->accel, instances * c.per_instance,
                                    c.per_node, c.net_gbps);
        if (!v)
            st = gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
        else if (v->ok && v->fits)
            *hours = spot ? spot_hours(&x, req, v->hours, instances * c.hosts_per_instance,
                                       plan->spot_rate_per_node_hour,
                                       isfinite(plan->storage.gbps) ? plan->storage.gbps : 0,
                                       NULL)
                          : v->hours;
    }
    free(x.cache);
    free(x.slots);
    free(x.perfs);
    return st;
}

gp_status gp_plan_run(const gp_catalog *cat, const gp_terms *terms,
                      const gp_plan_request *req, gp_plan_result *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!req->job.model || !(req->job.tokens >= 1) || req->job.tokens > 1e16)
        return gp_fail(err, GP_ERANGE, "", 0, "a plan needs a model and 1 to 1e16 tokens");
    if (!isnan(req->deadline_hours) && !(req->deadline_hours > 0))
        return gp_fail(err, GP_ERANGE, "", 0, "the deadline must be in the future");
    if (!isnan(req->budget_usd) && !(req->budget_usd > 0))
        return gp_fail(err, GP_ERANGE, "", 0, "the budget must be above $0");
    if (!isnan(req->spot_rate_per_node_hour) &&
        !(req->spot_rate_per_node_hour >= 0 && req->spot_rate_per_node_hour < 1))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "the spot interruption rate must lie in [0, 1) per node-hour");
    if (!(req->reuse >= 0 && req->reuse <= 1))
        return gp_fail(err, GP_ERANGE, "", 0, "reuse must lie between 0 and 1");
    if (!(req->burst_share >= 0 && req->burst_share <= 1) ||
        !(req->replace_wait_hours >= 0 && isfinite(req->replace_wait_hours)) ||
        !(isnan(req->storage_gbps) || (req->storage_gbps > 0 && isfinite(req->storage_gbps))))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "the burst share must lie in [0, 1], the replacement wait must not be "
                       "negative and the storage bandwidth must be positive");
    if (!(req->ckpt_gbps > 0) || !(req->restart_hours >= 0) || req->trials < 1 ||
        req->trials > 10000000)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "checkpoint bandwidth must be positive, restart time not negative, "
                       "trials between 1 and 10,000,000");
    if (req->serve_provider && !(req->serve_months > 0))
        return gp_fail(err, GP_ERANGE, "", 0, "serving needs a positive number of months");
    if (!(req->dataset_gb >= 0))
        return gp_fail(err, GP_ERANGE, "", 0, "the dataset size must not be negative");

    ctx x;
    ctx_init(&x, cat, terms, req);
    if (req->job.finetune != GP_FINETUNE_NONE) {
        gp_status bs = gp_billing_load_default(&out->billing, err);
        if (bs != GP_OK)
            return bs;
        x.billing = out->billing;
    }
    out->checkpoint_gb = x.ckpt_bytes / 1e9;
    out->weights_gb = x.weights_bytes / 1e9;

    /* Spot candidates first, so their simulations run on the other cores
     * while this one plans on-demand and reserved terms. */
    spot_job *jobs = NULL;
    size_t njobs = 0;
    spot_threads threads;
    gp_status st = serving(&x, out, err);
    if (st == GP_OK && req->spot != GP_ALLOW_NEVER)
        st = spot_collect(&x, err, &out->offers_considered, &jobs, &njobs);
    if (st == GP_OK)
        spot_start(&threads, jobs, njobs, req->trials);
    if (st == GP_OK && req->spot != GP_ALLOW_ONLY) {
        gp_status od = on_demand_and_reserved(&x, out->serve_usd, err, &out->offers_considered,
                                              &out->offers_too_small,
                                              &out->offers_without_specs);
        spot_join(&threads);
        st = od;
    } else if (st == GP_OK) {
        spot_join(&threads);
    }
    for (size_t k = 0; st == GP_OK && k < njobs; k++)
        finish_spot(&x, &jobs[k], out->serve_usd);
    free(jobs);
    if (st != GP_OK) {
        free(x.cache);
        free(x.slots);
        free(x.perfs);
        free(x.plans);
        gp_billing_free(out->billing);
        out->billing = NULL;
        return st;
    }

    assess_capacity(&x);
    drop_alternative_shapes(&x);
    out->capacity_left_out = rank_by_capacity(&x);
    for (size_t i = 0; i < x.nplans; i++) {
        gp_plan *p = &x.plans[i];
        /* Spot plans must meet the deadline on average and at their P90. */
        p->meets_deadline = p->hours <= x.deadline && p->hours_p90 <= x.deadline;
        p->meets_budget = isnan(req->budget_usd) || p->cost_usd <= req->budget_usd;
        out->nfeasible +=
            (size_t)(p->meets_deadline && p->meets_budget && p->term != GP_TERM_FLOOR);
    }
    gp_plan_mark_pareto(x.plans, x.nplans);
    /* No candidates leaves x.plans NULL: qsort(NULL, 0, ...) is undefined
     * behaviour (C17 7.22.5), so sort only when there is something to sort. */
    if (x.nplans > 1)
        qsort(x.plans, x.nplans, sizeof(*x.plans),
              req->objective == GP_OBJECTIVE_COST ? cmp_by_cost : cmp_by_time);
    for (size_t i = 0; i < x.nplans; i++)
        x.plans[i].rank = (int)i + 1;
    out->plans = x.plans;
    out->nplans = x.nplans;
    out->nearest_offer = x.nearest;
    out->nearest_gpus = x.nearest_gpus;
    out->nearest_need_gb = x.nearest_need_gb;
    out->nearest_have_gb = x.nearest_have_gb;
    binding(&x, out);
    serve_compare(&x, out);
    if (x.nplans > 0) {
        const gp_plan *b = &x.plans[0];
        gp_job job = req->job;
        cluster c;
        cluster_for(&x, b->offer, b->term == GP_TERM_SPOT, &c);
        job.accel = b->offer->accel;
        job.gpus = b->gpus;
        job.gpus_per_node = c.per_node;
        job.internode_gbps = c.net_gbps;
        if (!isnan(c.net_gbps)) {
            job.network_source = c.net_basis;
            job.network_assumed = !c.net_known;
        }
        gp_error e2;
        if (gp_job_estimate(&job, &out->best_estimate, &e2) != GP_OK)
            memset(&out->best_estimate, 0, sizeof(out->best_estimate));
        else if (!b->network.known)
            out->best_estimate.network_known = 0;
    }
    free(x.cache);
    free(x.slots);
    free(x.perfs);
    return GP_OK;
}
