/* gpuplan — the planner: a training job priced on every offer of the
 * catalog, on-demand, spot and reserved, with storage, egress and serving,
 * under a deadline and a budget. docs/plan.md documents every rule.
 *
 * Ownership: a gp_plan_request borrows everything it points to for the
 * duration of gp_plan_run(). A gp_plan_result owns its plans (free it with
 * gp_plan_result_free); a plan points into the catalog it was made from
 * (its offer), so the catalog must outlive the result. */
#ifndef GPUPLAN_PLAN_H
#define GPUPLAN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "gpuplan/billing.h"
#include "gpuplan/catalog.h"
#include "gpuplan/inference.h"
#include "gpuplan/job.h"
#include "gpuplan/query.h"
#include "gpuplan/terms.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_term {
    GP_TERM_ON_DEMAND = 0,
    GP_TERM_SPOT,
    GP_TERM_RESERVED,
    GP_TERM_FLOOR               /* an auction floor (Mithril): the lowest bid,
                                   not a price to count on; ranked after
                                   every plan on a real price */
} gp_term;

/* "on-demand", "spot", "reserved-36mo" style names are built by the CLI;
 * this gives the bare kind: "on-demand", "spot", "reserved", "floor". */
const char *gp_term_name(gp_term t);

typedef enum gp_objective { GP_OBJECTIVE_COST = 0, GP_OBJECTIVE_TIME } gp_objective;
typedef enum gp_allow { GP_ALLOW_NEVER = 0, GP_ALLOW_YES, GP_ALLOW_ONLY } gp_allow;

/* Which capacity statuses are ranked (--capacity): `known` (default) ok and
 * risk, `ok` only ok, `any` also unknown. `exceeds` is never ranked. */
typedef enum gp_capacity_rank {
    GP_CAPACITY_RANK_KNOWN = 0,
    GP_CAPACITY_RANK_OK,
    GP_CAPACITY_RANK_ANY
} gp_capacity_rank;

typedef struct gp_discount {
    const char *provider;
    double fraction;            /* 0.2 = 20% off on-demand */
} gp_discount;

enum { GP_PLAN_NOTES_MAX = 14, GP_PLAN_NOTE_LEN = 200 };

typedef struct gp_plan_request {
    gp_job job;                 /* model, tokens, precision, ... ; accel,
                                   gpus, gpus_per_node and internode_gbps
                                   are set per offer */
    gp_offer_filter filter;     /* providers, kind, region, GPU */
    double deadline_hours;      /* NAN: none */
    double budget_usd;          /* NAN: none */
    gp_objective objective;
    gp_allow spot;              /* never, allow (default), only */
    gp_allow reserved;          /* never, allow (default) */
    int max_gpus;               /* 0: no limit */
    gp_capacity_rank capacity;  /* which capacity statuses are ranked */
    const gp_discount *discounts;
    size_t ndiscounts;
    double spot_rate_per_node_hour; /* NAN: per instance type and region
                                       (gp_terms_spot_risk) */
    double ckpt_gbps;           /* checkpoint write/read, Gb/s per node */
    double storage_gbps;        /* the shared storage's aggregate, Gb/s;
                                   NAN: the provider's sourced default
                                   (gp_terms_storage_gbps), else none */
    double restart_hours;       /* re-provisioning after an interruption */
    double burst_share;         /* share of interruptions that are bursts
                                   (the zone's capacity lost at once) */
    double replace_wait_hours;  /* a burst's wait for new capacity */
    gp_gcp_provisioning gcp_provisioning; /* GCP spot: Spot VMs (default)
                                   or preemptible (stopped after 24 h) */
    double reuse;               /* share of a commitment's unused rest used */
    double assume_term_hours;   /* --assume-term: the length of a committed
                                   contract with no published minimum; 0:
                                   such terms are left out */
    int trials;                 /* Monte-Carlo runs per spot candidate */
    uint64_t seed;
    double dataset_gb;          /* stored for the run, moved in */
    int download_weights;       /* the final weights leave the provider */
    const char *serve_provider; /* NULL: no serving */
    const gp_gpu_match *serve_gpu; /* NULL: any accelerator that holds it */
    double serve_months;
    int serve_replicas;         /* without serve_rps: capacity-only serving */
    double serve_rps;           /* > 0: the inference model (inference.h)
                                   sizes and prices serving */
    double serve_input_tokens, serve_output_tokens;
    double serve_ttft_s, serve_tpot_s; /* NAN: no target */
    double serve_percentile;    /* default 0.9 */
    gp_wprec serve_precision;   /* default bf16 */
} gp_plan_request;

/* Fills the defaults documented in docs/plan.md (spot allowed, reserved
 * allowed, 10,000 trials, seed 1, 8 Gb/s per node for checkpoints, the
 * provider's storage bound, 0.25 h restart, burst share 0.92 with a 1 h
 * wait, GCP Spot VMs, 1 serving replica). */
#define GP_BURST_SHARE_DEFAULT 0.92
#define GP_REPLACE_WAIT_HOURS_DEFAULT 1.0
void gp_plan_request_init(gp_plan_request *req);

typedef struct gp_plan_breakdown {
    double compute_usd;         /* GPU-hours at the term's price */
    double spot_overhead_usd;   /* extra compute lost to interruptions */
    double storage_usd;         /* dataset and checkpoints for the run */
    double egress_usd;          /* weights leaving the provider */
    double serving_usd;         /* serving the trained model */
} gp_plan_breakdown;

/* The network between the plan's nodes (docs/plan.md "Network"). */
typedef struct gp_plan_network {
    double gbps_per_node;       /* between nodes (NAN: no figure) */
    double gbps_per_gpu;        /* what the job model used */
    int multi_node;             /* 0: one node, nothing crosses it */
    int known;                  /* 0: no source documents it ("network
                                   unknown"); always 1 on one node */
    const char *source;         /* static text */
} gp_plan_network;

typedef struct gp_plan {
    const gp_offer *offer;      /* the cheapest region of the instance type */
    size_t regions;             /* regions/zones with that instance type */
    gp_term term;
    double term_months;         /* reserved: the length bought, in months
                                   (730 h) */
    gp_term_kind term_kind;     /* reserved: savings plan, capacity block or
                                   committed contract (terms.h) */
    double term_hours;          /* reserved: the length bought, charged in full */
    int term_days;              /* capacity block: its length in days */
    int term_assumed;           /* committed: the length is --assume-term's */
    const char *term_name;      /* reserved: "EC2 Capacity Blocks for ML" ... */
    const char *term_region;    /* reserved: the region the term is sold in
                                   when it is not the offer's (a capacity
                                   block), else NULL */
    const char *term_source;    /* reserved: the data row's source */
    double discount;            /* reserved or negotiated discount applied */
    double break_even;          /* reserved: utilisation of the term at which
                                   reserving costs what on-demand would */
    int instances, gpus;
    double hours;               /* expected wall clock */
    double hours_p50, hours_p90;/* spot: simulated; otherwise = hours */
    double cost_usd, cost_p50_usd, cost_p90_usd;
    double usd_per_gpu_hour;    /* the term's price per GPU-hour */
    gp_plan_breakdown breakdown;
    double mfu;
    double gpu_hours;
    gp_layout layout;
    double spot_rate_per_node_hour;
    gp_spot_risk spot_risk;     /* spot: where the rate comes from (AWS's
                                   band, a kind assumption, --spot-rate) */
    gp_storage_bound storage;   /* spot: the storage bound on checkpoints
                                   (gbps NAN: none known or given) */
    double ckpt_gbps;           /* spot: checkpoint bandwidth used, Gb/s:
                                   min(hosts x per node, storage) */
    double max_runtime_hours;   /* spot: the provisioning model's runtime
                                   limit (GCP preemptible 24 h), else NAN */
    int zone_quotes;            /* spot: zone quotes of the instance type
                                   weighed for its placement */
    int hosts;                  /* machines interrupted one by one: the
                                   instances, or a TPU slice's hosts */
    gp_capacity capacity;       /* can a team rent this many (terms.h) */
    gp_plan_network network;    /* between the nodes */
    double checkpoint_interval_hours, checkpoint_hours, interruptions;
    int meets_deadline, meets_budget, pareto, rank;
    gp_pricing_kind pricing_kind; /* what the price means: on-demand, spot,
                                     auction-floor, committed, reserved */
    const char *finding;        /* the catalog check's finding on the
                                   offer's price or count (borrowed from the
                                   catalog), or NULL */
    size_t nnotes;
    char notes[GP_PLAN_NOTES_MAX][GP_PLAN_NOTE_LEN];
    /* Fine-tuning jobs: the hours the provider bills (its granularity and
     * minimum, data/billing.csv) and the row that says so; 0 / NULL for
     * pretraining, whose compute is priced by the hour as run. */
    double billed_hours;
    const gp_billing_row *billing;
} gp_plan;

typedef struct gp_plan_result {
    gp_plan *plans;             /* every candidate, best first */
    size_t nplans;
    size_t nfeasible;           /* meeting deadline and budget */
    size_t offers_considered;   /* instance types tried */
    size_t capacity_left_out;   /* candidates not ranked for capacity
                                   (exceeds, or a status --capacity leaves
                                   out) */
    size_t offers_too_small;    /* accelerators that cannot hold the job */
    size_t offers_without_specs;
    double checkpoint_gb;       /* weights + optimizer state */
    double weights_gb;          /* final weights in the training precision */
    double serve_usd;           /* serving cost on the serving provider */
    const gp_offer *serve_offer;
    int serve_modelled;         /* serve_rps given: `serve` holds the model */
    gp_serve_offer serve;       /* the serving offer, replicas, latency */
    char binding[400];          /* which constraint binds, or "" */
    char serve_compare[400];    /* train here / serve there vs one provider */
    gp_estimate best_estimate;  /* the job model on the best plan */
    gp_billing *billing;        /* owned; the plans' billing rows point in */
    /* When nothing can hold the job: the offer that came closest (least
     * memory needed over capacity, on the most instances allowed). */
    const gp_offer *nearest_offer;
    int nearest_gpus;
    double nearest_need_gb, nearest_have_gb; /* per GPU */
} gp_plan_result;

/* Plans the job over the catalog. Fails with GP_ERANGE for impossible
 * inputs (no tokens, a budget or deadline of zero or less, a spot rate
 * outside [0, 1) per hour, reuse outside [0, 1]) and GP_ENOTFOUND when the
 * serving provider has no offer that can hold the model. Finding no plan
 * that meets the constraints is not an error: nfeasible is 0 and
 * `binding` says why and what the nearest plan needs. */
gp_status gp_plan_run(const gp_catalog *cat, const gp_terms *terms,
                      const gp_plan_request *req, gp_plan_result *out,
                      gp_error *err);

void gp_plan_result_free(gp_plan_result *r);

/* Marks the non-dominated plans (lower cost and lower hours) and returns
 * how many there are. Exposed for tests. */
size_t gp_plan_mark_pareto(gp_plan *plans, size_t n);

#ifdef __cplusplus
}
#endif
#endif
