/* gpuplan — provider pricing terms beyond the hourly price: storage, egress
 * tiers, reserved commitments, spot interruption risk and cluster-size
 * limits, from data/providers.csv, data/egress.csv, data/reserved-terms.csv,
 * AWS's Spot Instance Advisor feed (compiled at build time, or the one
 * `catalog refresh` stored: gp_terms_use_spot_advisor()),
 * data/spot-bands.csv, data/spot-assumptions.csv, data/tpu-hosts.csv and
 * data/cluster-limits.csv (each row sourced).
 *
 * A gp_terms owns its strings; they stay valid until gp_terms_free(). */
#ifndef GPUPLAN_TERMS_H
#define GPUPLAN_TERMS_H

#include <stddef.h>

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gp_terms gp_terms;

/* Loads the compiled-in files. GP_EDATA (file and line) if one is malformed. */
gp_status gp_terms_load_default(gp_terms **out, gp_error *err);
void gp_terms_free(gp_terms *t);

/* Block/file storage $ per GB-month; NAN when the data has none. */
double gp_terms_storage_usd_per_gb_month(const gp_terms *t, const char *provider);

/* $ to move `gb` out of a provider to the internet, tier by tier. Sets
 * *known to 0 (and returns NAN) when the data has no egress price for the
 * provider or for part of the volume. */
double gp_terms_egress_usd(const gp_terms *t, const char *provider, double gb,
                           int *known);

/* Terms people buy (docs/plan.md, "Terms"; data/reserved-terms.csv, one
 * sourced row per provider, instance pattern and region):
 *  - savings plan: a 1- or 3-year savings plan, reservation or committed use
 *    discount, priced only at a published rate for the instance family
 *    (never the provider's all-instance "up to" figure);
 *  - capacity block: AWS EC2 Capacity Blocks for ML, 1-14 days in 1-day
 *    steps then 7-day steps to 182 days, at most 64 instances a block, at
 *    its published price per instance-hour in its region;
 *  - committed: a contract (CoreWeave, Lambda, Nebius ...) with its
 *    published minimum length, or none published. */
typedef enum gp_term_kind {
    GP_TERM_KIND_SAVINGS_PLAN = 0,
    GP_TERM_KIND_CAPACITY_BLOCK,
    GP_TERM_KIND_COMMITTED
} gp_term_kind;

/* "savings-plan", "capacity-block", "committed". */
const char *gp_term_kind_name(gp_term_kind k);

typedef struct gp_term_offer {
    gp_term_kind kind;
    const char *provider, *pattern; /* the row's instance pattern */
    const char *region;            /* "*": any region */
    double term_months;            /* savings plan: its length; committed:
                                      the published minimum, 0 none */
    int min_days, max_days;        /* capacity block durations */
    int max_instances;             /* capacity block: per block; 0 none */
    double usd_per_instance_hour;  /* the published price; NAN not in data */
    double discount;               /* published fraction off on-demand;
                                      NAN none */
    const char *name;              /* "EC2 Instance Savings Plans" ... */
    const char *as_of, *source;
} gp_term_offer;

/* The terms of data/reserved-terms.csv for a provider's instance type, in
 * file order (the first row of a kind and region that matches wins):
 * fills up to `max` and returns how many match. Region: a row for "*" or
 * for `region` matches; capacity-block rows match in every region (a
 * block is bought where AWS sells it, and the plan says where). */
size_t gp_terms_reserved(const gp_terms *t, const char *provider, const char *instance_type,
                         const char *region, const gp_term_offer **out, size_t max);

/* A term's published rate per instance-hour: its price, or its discount
 * off `od_usd_per_instance_hour` when it has a published length; NAN when
 * the data gives neither (no rate, or a contract with no minimum). */
double gp_term_rate(const gp_term_offer *o, double od_usd_per_instance_hour);

/* What one term charges for a job of `hours` on `instances` instances
 * whose on-demand price is `od_usd_per_instance_hour`. */
typedef struct gp_term_charge {
    double usd_per_instance_hour;  /* the term's rate */
    double term_hours;             /* the length bought, charged in full */
    int days;                      /* capacity block: its length in days */
    int assumed;                   /* the length is --assume-term's */
    double committed_usd;          /* rate x instances x term_hours */
    double unused_hours;           /* term_hours - hours */
    double credit_usd;             /* `reuse` of the unused rest */
} gp_term_charge;

/* Prices one term (docs/plan.md, "Terms"): the whole length is charged
 * (a term longer than the job is paid in full; `reuse` credits that share
 * of the unused rest). A capacity block is the shortest allowed length
 * that holds the job; a savings plan its length (several back to back if
 * the job is longer); a committed contract its published minimum, or
 * `assume_term_hours` (0: none) when none is published, and never less
 * than the job. Returns 0, and a reason in *why, when the term cannot be
 * priced: no published rate, no published minimum and no assumption, more
 * instances than a block holds, or a job longer than 182 days. */
int gp_term_price(const gp_term_offer *o, double od_usd_per_instance_hour, int instances,
                  double hours, double reuse, double assume_term_hours, gp_term_charge *out,
                  const char **why);

/* Spot risk of one node from the real per-region data (docs/plan.md, "Spot
 * risk"). AWS: the Spot Instance Advisor band of (instance type, region),
 * turned into a rate with data/spot-bands.csv (expected at the band's
 * midpoint, P90 at its upper edge; ">20%" has no upper edge, so both are
 * its lower edge and `lower_bound` is set). Anything else, and AWS types
 * the feed does not list in that region: no borrowed figure, but the
 * stated assumption for the provider's kind (data/spot-assumptions.csv). */
typedef enum gp_spot_risk_basis {
    GP_SPOT_RISK_ADVISOR = 0,  /* AWS's band for the type and region */
    GP_SPOT_RISK_ASSUMED,      /* no published figure: kind assumption */
    GP_SPOT_RISK_GIVEN         /* --spot-rate (set by the planner) */
} gp_spot_risk_basis;

typedef struct gp_spot_risk {
    gp_spot_risk_basis basis;
    double rate_per_node_hour;     /* expected */
    double p90_rate_per_node_hour; /* for the P90 */
    double monthly, monthly_p90;   /* the shares they come from */
    int band;                      /* advisor band 0-4, -1 otherwise */
    int lower_bound;               /* the band has no upper edge (">20%") */
    const char *band_label;        /* "<5%" ... ">20%", "" otherwise */
    const char *source;            /* the band's or the assumption's basis */
    const char *feed;              /* advisor: "refreshed" or "embedded",
                                      the feed the band came from; "" */
    const char *feed_as_of;        /* advisor: that feed's date, "" */
} gp_spot_risk;

/* AWS's Spot Instance Advisor bands as a matrix: one row per instance
 * type (sorted by strcmp), one column per region (sorted), each cell an
 * index into labels (the feed's ranges[i].label) or 255 where the feed has
 * no figure. The terms use the copy compiled in at build time
 * (data/spot-advisor-data.json) unless given another. */
typedef struct gp_spot_advisor_table {
    const char *const *regions;
    size_t nregions;
    const char *const *types;
    size_t ntypes;
    const unsigned char *bands;    /* ntypes x nregions, row-major */
    const char *const *labels;
    size_t nlabels;
    const char *feed;              /* "embedded" or "refreshed" */
    const char *as_of;             /* "YYYY-MM-DD": when the feed was
                                      copied (embedded) or fetched */
    const char *source;            /* where it came from: a file or URL */
} gp_spot_advisor_table;

/* The compiled-in table (static). */
const gp_spot_advisor_table *gp_terms_embedded_spot_advisor(void);

/* Uses `a` for AWS's bands from now on (NULL: the compiled-in table
 * again). `a` and its strings must outlive `t`. GP_EDATA, and `t`
 * unchanged, when a band of `a` has no row in data/spot-bands.csv under
 * the same label (the bands turn into rates by that file) or `a` is not
 * a sorted matrix. */
gp_status gp_terms_use_spot_advisor(gp_terms *t, const gp_spot_advisor_table *a,
                                    gp_error *err);

/* A share p of nodes interrupted in a month (730 hours) as a Poisson rate
 * per node-hour, -ln(1 - p) / 730. NAN unless 0 <= p < 1. */
double gp_spot_monthly_to_rate(double monthly);

/* Fills *out for one offer's provider, kind ("hyperscaler" ...), instance
 * type and region. Returns 0 only when not even an assumption applies. */
int gp_terms_spot_risk(const gp_terms *t, const char *provider, const char *kind,
                       const char *instance_type, const char *region, gp_spot_risk *out);

/* How many hosts (machines that are interrupted one by one) a listing of
 * `chips` accelerators of `gpu` is: a TPU slice of N chips is N / 4 hosts
 * (v4, v5p) or N / 8 (v5e, v6e) (data/tpu-hosts.csv), at least 1; any
 * other listing is one host. */
int gp_terms_hosts_per_listing(const gp_terms *t, const char *gpu, int chips);

/* The aggregate throughput of a provider's shared checkpoint storage
 * (data/ckpt-storage.csv, one sourced row per provider: FSx for Lustre,
 * GCP Managed Lustre, Azure Managed Lustre): the service's throughput per
 * TiB times a file system sized to `stored_gb` (at least the service's
 * smallest). Checkpoints are written at no more than this, whatever the
 * nodes' own bandwidth. NAN (and gbps NAN) when no source gives one. */
typedef struct gp_storage_bound {
    double gbps;              /* aggregate, Gb/s; NAN unknown */
    double tib, mb_per_s_per_tib;
    const char *service, *source;
} gp_storage_bound;
double gp_terms_storage_gbps(const gp_terms *t, const char *provider, double stored_gb,
                             gp_storage_bound *out);

/* GCP's provisioning rules (data/gcp-spot-rules.csv): whether an instance
 * type (a TPU product) is sold as Spot VMs or preemptible VMs, and the
 * longest a VM runs (preemptible: stopped after 24 h). Returns 0 when no
 * rule applies (other providers). */
typedef enum gp_gcp_provisioning { GP_GCP_SPOT = 0, GP_GCP_PREEMPTIBLE } gp_gcp_provisioning;
typedef struct gp_gcp_rule {
    int supported;
    double max_runtime_hours; /* NAN: none */
    const char *source;
} gp_gcp_rule;
int gp_terms_gcp_rule(const gp_terms *t, const char *provider, const char *instance_type,
                      gp_gcp_provisioning model, gp_gcp_rule *out);

/* Whether a team can rent a cluster of this size (docs/plan.md,
 * "Capacity"; data/capacity.csv, one sourced row per provider and instance
 * pattern):
 *  - ok: one instance, or no more GPUs than the provider sells as one
 *    cluster (AWS Capacity Block: 64 instances; Voltage Park 1,016 GPUs);
 *  - risk: more than that but within the fabric's published size (or no
 *    published maximum);
 *  - unknown: several instances and no source for the cluster size, and
 *    every multi-node spot job (no source gives a spot pool's size);
 *  - exceeds: above the published maximum, several instances of a provider
 *    that sells no clusters (marketplace hosts), or several single-GPU VMs. */
typedef enum gp_capacity_status {
    GP_CAPACITY_OK = 0,
    GP_CAPACITY_RISK,
    GP_CAPACITY_UNKNOWN,
    GP_CAPACITY_EXCEEDS
} gp_capacity_status;

/* "ok", "risk", "unknown", "exceeds". */
const char *gp_capacity_name(gp_capacity_status s);

typedef struct gp_capacity {
    gp_capacity_status status;
    int max_gpus;           /* the size sold as one cluster; 0 unknown */
    const char *source;     /* the row's source, or the rule applied */
} gp_capacity;

/* The capacity of `instances` x `gpus_per_instance` of one offer, `hosts`
 * machines in all (a TPU slice is several); `spot` for the spot term;
 * `per_gpu_listing` when the price is per GPU of an unpublished node
 * size. */
void gp_terms_capacity(const gp_terms *t, const char *provider, const char *instance_type,
                       int spot, int gpus_per_instance, int per_gpu_listing, int instances,
                       int hosts, gp_capacity *out);

/* The most GPUs a plan on this provider's instance type may use for the
 * capacity statuses ranked (the planner's count search stops there): the
 * fabric's published maximum (above it the status is exceeds), and with
 * `ok_only` (--capacity ok) the cluster size sold (above it: risk). 0 when
 * the capacity data gives no such number (no row, a provider that sells no
 * clusters, or no size). */
int gp_terms_capacity_max_gpus(const gp_terms *t, const char *provider,
                               const char *instance_type, int spot, int ok_only);

/* The most GPUs one cluster of this provider's instance type may have, or
 * 0 when the data gives no limit. */
int gp_terms_max_gpus(const gp_terms *t, const char *provider,
                      const char *instance_type, const char **source);

/* What data/providers.csv says about a provider, as written there (""
 * where the source said nothing). Borrowed from the gp_terms. */
typedef struct gp_provider_facts {
    const char *provider, *kind, *spot_available, *spot_max_discount_pct, *spot_notice;
    const char *reserved, *reserved_max_discount_pct, *sustained_use_discount;
    const char *egress_usd_per_gb, *egress_notes, *storage_usd_per_gb_month;
    const char *managed_ml, *tpus, *free_tier, *fabric, *sources;
} gp_provider_facts;

/* NULL when providers.csv has no row for the provider. */
const gp_provider_facts *gp_terms_provider(const gp_terms *t, const char *provider);

#ifdef __cplusplus
}
#endif
#endif
