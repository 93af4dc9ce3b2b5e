/* gpuplan — one priced way to rent accelerators: an offer.
 *
 * Offers are owned by the gp_catalog they come from (see catalog.h); every
 * pointer in a gp_offer stays valid until that catalog is freed. Unknown
 * numbers are NAN, unknown strings are "" (never NULL). */
#ifndef GPUPLAN_OFFER_H
#define GPUPLAN_OFFER_H

#include "gpuplan/accel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_kind {
    GP_KIND_UNKNOWN = 0,
    GP_KIND_HYPERSCALER,
    GP_KIND_NEOCLOUD,
    GP_KIND_MARKETPLACE
} gp_kind;

/* "unknown", "hyperscaler", "neocloud", "marketplace". */
const char *gp_kind_name(gp_kind kind);
/* Parses a kind name (case-insensitive); -1 when unknown. */
int gp_kind_parse(const char *name);

/* The network between nodes, as far as the data says. */
typedef enum gp_fabric {
    GP_FABRIC_UNKNOWN = 0,
    GP_FABRIC_ETHERNET,   /* plain TCP/IP networking */
    GP_FABRIC_TCPX,       /* GCP GPUDirect-TCPX / TCPXO */
    GP_FABRIC_ROCE,       /* RDMA over Converged Ethernet */
    GP_FABRIC_EFA,        /* AWS Elastic Fabric Adapter */
    GP_FABRIC_INFINIBAND,
    GP_FABRIC_ICI,        /* TPU inter-chip interconnect */
    GP_FABRIC_COUNT
} gp_fabric;

/* "unknown", "ethernet", "tcpx", "roce", "efa", "infiniband", "ici". */
const char *gp_fabric_name(gp_fabric fabric);
/* Parses a fabric name (case-insensitive, "ib" accepted); -1 when unknown. */
int gp_fabric_parse(const char *name);
/* Whether a fabric is built for multi-node training (GPUDirect/RDMA class). */
int gp_fabric_is_fast(gp_fabric fabric);

enum gp_offer_flag {
    /* Priced per GPU; the source does not say how many GPUs a node has, so
     * gpu_count is 1 and multi-GPU nodes are not described. */
    GP_OFFER_PER_GPU_LISTING = 1u << 0,
    /* The source gives a spot price above the on-demand price. */
    GP_OFFER_SPOT_ABOVE_ON_DEMAND = 1u << 1,
    /* gpu_mem_gb comes from the accelerator's specs, because the catalog
     * gave none or gave one that contradicts the specs. */
    GP_OFFER_MEM_FROM_SPECS = 1u << 2,
    /* The price is the sum of a host-VM row and an accelerator row (GCP). */
    GP_OFFER_COMPOSED_PRICE = 1u << 3,
    /* usd_per_hour is an auction floor (the lowest bid the provider takes),
     * not an on-demand price (data/pricing-kinds.csv: Mithril). */
    GP_OFFER_PRICE_FLOOR = 1u << 4,
    /* spot_usd_per_hour is an auction floor or minimum bid, not a spot
     * price (data/pricing-kinds.csv: Mithril, Vast's min_bid). */
    GP_OFFER_SPOT_FLOOR = 1u << 5
};

/* What a price means. An offer's on-demand column is on-demand or an
 * auction floor; its spot column spot or an auction floor. Committed and
 * reserved are the planner's terms (data/reserved-terms.csv). */
typedef enum gp_pricing_kind {
    GP_PRICING_ON_DEMAND = 0,
    GP_PRICING_SPOT,
    GP_PRICING_AUCTION_FLOOR,
    GP_PRICING_COMMITTED,
    GP_PRICING_RESERVED,
    GP_PRICING_COUNT
} gp_pricing_kind;

/* "on-demand", "spot", "auction-floor", "committed", "reserved". */
const char *gp_pricing_kind_name(gp_pricing_kind kind);
/* The short form tables print: "on-demand", "spot", "floor", "committed",
 * "reserved". */
const char *gp_pricing_kind_label(gp_pricing_kind kind);
/* Parses a long name (case-insensitive); -1 when unknown. */
int gp_pricing_kind_parse(const char *name);

/* The most accelerators one listing (instance, node, TPU slice) may have.
 * The largest real listing in the catalogs gpuplan reads is a TPU v4 slice
 * of 6,144 chips (tpu-v4-6144 in SkyPilot's GCP catalog); the limit leaves
 * a wide margin above it while keeping every count exact in an int and
 * every per-GPU price meaningful. A loader refuses a row above it as bad
 * data (docs/catalog-format.md). */
#define GP_OFFER_MAX_GPUS 100000

typedef struct gp_offer {
    const char *provider;      /* lower-case, e.g. "aws", "lambda" */
    gp_kind kind;
    const char *instance_type; /* as the provider names it */
    const char *region;        /* "" when the source gives none */
    const char *zone;          /* "" when the source gives none */
    const char *gpu;           /* canonical accelerator name, or the name as
                                  given when the accelerator has no specs */
    const char *gpu_raw;       /* accelerator name as the source wrote it */
    const gp_accel *accel;     /* NULL when the accelerator has no specs */
    double gpu_count;          /* accelerators per instance */
    double gpu_mem_gb;         /* memory per accelerator */
    double vcpus;
    double ram_gb;
    double usd_per_hour;       /* on-demand, whole instance; NAN if none */
    double spot_usd_per_hour;  /* spot, whole instance; NAN if none */
    gp_fabric fabric;
    double fabric_gbps;        /* inter-node bandwidth per node, NAN unknown */
    const char *source;        /* the file the offer comes from */
    const char *as_of;         /* "YYYY-MM-DD", or "" when undated */
    const char *notes;
    unsigned source_index;     /* index into the catalog's sources */
    unsigned line;             /* line of the row in that source */
    unsigned flags;            /* enum gp_offer_flag */
    unsigned finding;          /* 1 + the index of the catalog diagnostic
                                  gp_catalog_check() raised on this
                                  instance type's price or count; 0 none */
} gp_offer;

/* What usd_per_hour means: on-demand or auction floor. */
gp_pricing_kind gp_offer_price_kind(const gp_offer *o);
/* What spot_usd_per_hour means: spot or auction floor. */
gp_pricing_kind gp_offer_spot_kind(const gp_offer *o);
/* Whether the offer has an on-demand price (a price, not a floor). */
int gp_offer_has_on_demand(const gp_offer *o);
/* Whether the offer is a spot offer: a spot price (not a floor) above 0
 * and below the on-demand price when there is one. A "spot" quote at or
 * above on-demand saves nothing and is not a spot offer. */
int gp_offer_has_spot(const gp_offer *o);

/* On-demand $ per accelerator-hour; NAN when the offer has no price. */
double gp_offer_usd_per_gpu_hour(const gp_offer *o);
/* Spot $ per accelerator-hour; NAN when the offer has no spot price. */
double gp_offer_spot_usd_per_gpu_hour(const gp_offer *o);

/* The peak dense TFLOPS gpuplan prices compute at: bf16, or fp16 for
 * accelerators without bf16 (V100, T4, A10G). NAN without specs. */
double gp_accel_training_tflops(const gp_accel *a);

/* $ per PFLOP-hour of peak training compute (see gp_accel_training_tflops),
 * on-demand. NAN when price or specs are missing. */
double gp_offer_usd_per_pflop_hour(const gp_offer *o);

/* Spot discount as a fraction of on-demand (0.7 = 70% off); negative when
 * spot costs more; NAN when either price is missing. */
double gp_offer_spot_discount(const gp_offer *o);

#ifdef __cplusplus
}
#endif
#endif
