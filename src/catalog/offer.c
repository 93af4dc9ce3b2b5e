/* Offer vocabulary (kinds, fabrics) and the values derived from an offer. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "gpuplan/offer.h"

static const char *const KIND_NAMES[] = {"unknown", "hyperscaler", "neocloud",
                                         "marketplace"};

const char *gp_kind_name(gp_kind kind)
{
    return (unsigned)kind < 4 ? KIND_NAMES[kind] : "unknown";
}

int gp_kind_parse(const char *name)
{
    for (int i = 1; name && i < 4; i++)
        if (strcasecmp(name, KIND_NAMES[i]) == 0)
            return i;
    return -1;
}

static const char *const FABRIC_NAMES[GP_FABRIC_COUNT] = {
    "unknown", "ethernet", "tcpx", "roce", "efa", "infiniband", "ici"};

const char *gp_fabric_name(gp_fabric fabric)
{
    return (unsigned)fabric < GP_FABRIC_COUNT ? FABRIC_NAMES[fabric]
                                              : "unknown";
}

int gp_fabric_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcasecmp(name, "ib") == 0)
        return GP_FABRIC_INFINIBAND;
    for (int i = 0; i < GP_FABRIC_COUNT; i++)
        if (strcasecmp(name, FABRIC_NAMES[i]) == 0)
            return i;
    return -1;
}

int gp_fabric_is_fast(gp_fabric fabric)
{
    return fabric == GP_FABRIC_TCPX || fabric == GP_FABRIC_ROCE ||
           fabric == GP_FABRIC_EFA || fabric == GP_FABRIC_INFINIBAND ||
           fabric == GP_FABRIC_ICI;
}

double gp_offer_usd_per_gpu_hour(const gp_offer *o)
{
    return o->gpu_count > 0 ? o->usd_per_hour / o->gpu_count : NAN;
}

double gp_offer_spot_usd_per_gpu_hour(const gp_offer *o)
{
    return o->gpu_count > 0 ? o->spot_usd_per_hour / o->gpu_count : NAN;
}

double gp_accel_training_tflops(const gp_accel *a)
{
    if (!a)
        return NAN;
    if (!isnan(a->tflops[GP_PREC_BF16]))
        return a->tflops[GP_PREC_BF16];
    return a->tflops[GP_PREC_FP16];
}

double gp_offer_usd_per_pflop_hour(const gp_offer *o)
{
    double tflops = gp_accel_training_tflops(o->accel);
    if (isnan(tflops) || tflops <= 0)
        return NAN;
    return gp_offer_usd_per_gpu_hour(o) / (tflops / 1000.0);
}

double gp_offer_spot_discount(const gp_offer *o)
{
    if (isnan(o->usd_per_hour) || isnan(o->spot_usd_per_hour) ||
        o->usd_per_hour <= 0)
        return NAN;
    return 1.0 - o->spot_usd_per_hour / o->usd_per_hour;
}

static const char *const PRICING_NAMES[GP_PRICING_COUNT] = {
    "on-demand", "spot", "auction-floor", "committed", "reserved"};
static const char *const PRICING_LABELS[GP_PRICING_COUNT] = {
    "on-demand", "spot", "floor", "committed", "reserved"};

const char *gp_pricing_kind_name(gp_pricing_kind kind)
{
    return (unsigned)kind < GP_PRICING_COUNT ? PRICING_NAMES[kind] : "?";
}

const char *gp_pricing_kind_label(gp_pricing_kind kind)
{
    return (unsigned)kind < GP_PRICING_COUNT ? PRICING_LABELS[kind] : "?";
}

int gp_pricing_kind_parse(const char *name)
{
    for (int i = 0; name && i < GP_PRICING_COUNT; i++)
        if (strcasecmp(name, PRICING_NAMES[i]) == 0)
            return i;
    return -1;
}

gp_pricing_kind gp_offer_price_kind(const gp_offer *o)
{
    return (o->flags & GP_OFFER_PRICE_FLOOR) ? GP_PRICING_AUCTION_FLOOR : GP_PRICING_ON_DEMAND;
}

gp_pricing_kind gp_offer_spot_kind(const gp_offer *o)
{
    return (o->flags & GP_OFFER_SPOT_FLOOR) ? GP_PRICING_AUCTION_FLOOR : GP_PRICING_SPOT;
}

int gp_offer_has_on_demand(const gp_offer *o)
{
    return !(o->flags & GP_OFFER_PRICE_FLOOR) && o->usd_per_hour > 0;
}

int gp_offer_has_spot(const gp_offer *o)
{
    if ((o->flags & GP_OFFER_SPOT_FLOOR) || !(o->spot_usd_per_hour > 0))
        return 0;
    /* Against a floor there is no on-demand price to compare with. */
    if (!(o->flags & GP_OFFER_PRICE_FLOOR) && o->usd_per_hour > 0 &&
        !(o->spot_usd_per_hour < o->usd_per_hour))
        return 0;
    return 1;
}
