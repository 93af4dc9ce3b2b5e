/* Internal: the JSON form of AWS's Price List region files, streamed
 * (aws_json.c), and the one row builder that both forms feed
 * (fetch_aws.c).
 *
 * A region file's JSON form (AWS Billing docs, "Reading the service price
 * list file for an AWS service") is one object: metadata members
 * ("publicationDate"), "products" (SKU -> {sku, productFamily,
 * attributes}) and "terms" ("OnDemand" | "Reserved" -> SKU ->
 * "SKU.offerTermCode" -> {termAttributes, priceDimensions -> rateCode ->
 * {unit, pricePerUnit -> {currency: price}}}). The file is hundreds of
 * megabytes: gp_jscan walks it byte by byte, whatever the chunks, and
 * hands on only the small values asked for (a product's few attributes,
 * one SKU's offers), the offers then read whole with jansson. */
#ifndef GP_FETCH_AWS_JSON_H
#define GP_FETCH_AWS_JSON_H

#include <stddef.h>

#include "fetch/parsers.h"

/* ---- the streaming scanner ------------------------------------------- */

/* Keys kept for the first levels of nesting (the path handed to the
 * callbacks), and the most levels a document may nest. */
#define GP_JSCAN_KEYS 4
#define GP_JSCAN_MAX_DEPTH 64
/* The largest value handed on whole. */
#define GP_JSCAN_MAX_VALUE_BYTES ((size_t)1 << 20)

typedef struct gp_jscan gp_jscan;

/* Called as a value starts at depth 1..GP_JSCAN_KEYS (a member of the
 * top-level object is depth 1): keys[0..depth-1] is its path, keys[i]
 * NULL for an array element or a key longer than 64 bytes. Nonzero:
 * hand this value on whole. */
typedef int (*gp_jscan_want_fn)(void *ctx, int depth, const char *const *keys);
/* Called with each wanted value's text (len bytes, NUL-terminated,
 * borrowed until it returns) and where it started (byte offset from 0,
 * line from 1). A status other than GP_OK stops the scan. */
typedef gp_status (*gp_jscan_value_fn)(void *ctx, int depth, const char *const *keys,
                                       const char *text, size_t len,
                                       unsigned long long at_byte, long at_line,
                                       gp_error *err);

/* Called (when set) as an object or array at depth 1..GP_JSCAN_KEYS
 * closes, outside any value being handed on; keys as for want. */
typedef gp_status (*gp_jscan_close_fn)(void *ctx, int depth, const char *const *keys,
                                       gp_error *err);

gp_status gp_jscan_new(gp_jscan **out, gp_jscan_want_fn want, gp_jscan_value_fn value,
                       void *ctx, gp_error *err);
void gp_jscan_on_close(gp_jscan *s, gp_jscan_close_fn fn);
void gp_jscan_free(gp_jscan *s);
/* Feeds the next bytes. GP_EDATA naming `name`, the line and the byte
 * offset for what is not JSON (a misplaced character, a bad escape or
 * literal, a control character in a string, nesting past
 * GP_JSCAN_MAX_DEPTH, a wanted value past GP_JSCAN_MAX_VALUE_BYTES);
 * the first error sticks. */
gp_status gp_jscan_feed(gp_jscan *s, const char *name, const char *data, size_t len,
                        gp_error *err);
/* The end of the document: GP_EDATA "truncated" unless exactly one whole
 * value was read. */
gp_status gp_jscan_end(gp_jscan *s, const char *name, gp_error *err);

/* ---- one region file in the JSON form --------------------------------- */

/* Reads one region file into `a` (borrowed; it outlives the reader):
 * products and terms in either order. Memory: one value at a time
 * (at most GP_JSCAN_MAX_VALUE_BYTES), plus one small entry per kept
 * product (GPU instance types the catalog knows, Linux, Shared, ...)
 * when products come first as AWS writes them; when terms come first,
 * one entry per SKU priced (its least on-demand and reserved rates, at
 * most GP_AWS_JSON_MAX_PENDING of them). `region` names rows whose
 * product has no regionCode. */
#define GP_AWS_JSON_MAX_PENDING ((size_t)1 << 21)
typedef struct gp_aws_json gp_aws_json;
gp_status gp_aws_json_new(gp_aws_json **out, gp_aws *a, const char *region, gp_error *err);
void gp_aws_json_free(gp_aws_json *j);
gp_status gp_aws_json_feed(gp_aws_json *j, const char *name, const char *data, size_t len,
                           gp_error *err);
/* GP_EDATA when the document is not whole, or has neither "products"
 * nor "terms" (not a Price List file). */
gp_status gp_aws_json_end(gp_aws_json *j, const char *name, gp_error *err);

/* ---- the row builder both forms feed (fetch_aws.c) -------------------- */

/* A product's attributes as either form names them (CSV column /
 * JSON attribute): Instance Type / instanceType, Tenancy / tenancy,
 * Operating System / operatingSystem, CapacityStatus / capacitystatus,
 * Pre Installed S/W / preInstalledSw, MarketOption / marketoption,
 * Region Code / regionCode; "" when absent. */
typedef struct gp_aws_product {
    const char *instance_type, *tenancy, *os, *capacity, *sw, *market, *region;
} gp_aws_product;

/* The catalog spec of a product gpuplan keeps (a GPU instance type it
 * knows; Linux, Shared tenancy, no pre-installed software, capacity
 * Used, market OnDemand where given), its region in *region (the
 * product's, else file_region); NULL when the product is left out. */
const gp_offer *gp_aws_product_spec(const gp_aws *a, const gp_aws_product *p,
                                    const char *file_region, const char **region);

/* One price of a product: TermType (the JSON terms' member name), Unit,
 * Currency (the pricePerUnit member name), PricePerUnit,
 * LeaseContractLength, PurchaseOption, OfferingClass. */
typedef struct gp_aws_price {
    const char *term, *unit, *currency, *price, *lease, *purchase, *offering_class;
} gp_aws_price;

typedef enum gp_aws_slot {
    GP_AWS_NONE,
    GP_AWS_ON_DEMAND,
    GP_AWS_RESERVED_1Y,
    GP_AWS_RESERVED_3Y
} gp_aws_slot;

/* Which rate a price is (OnDemand; Reserved standard No Upfront 1yr or
 * 3yr; Unit Hrs and Currency USD only) and its USD per hour. Returns -1
 * when the price is one of those but its text is not a number >= 0. */
int gp_aws_price_slot(const gp_aws_price *p, gp_aws_slot *slot, double *usd_per_hour);

/* Keeps the least rate of each slot per instance type and region. */
gp_status gp_aws_keep(gp_aws *a, const gp_offer *spec, const char *region, gp_aws_slot slot,
                      double usd_per_hour, gp_error *err);

/* A file's publication date (any form gp_fetch_date reads): the latest
 * one read becomes the effective date. */
void gp_aws_publication(gp_aws *a, const char *text);

#endif
