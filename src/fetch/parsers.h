/* Internal: the response parsers of the JSON sources, apart from HTTP so
 * that tests and the fuzzers drive them with recorded responses
 * (fetch_azure.c, fetch_lambda.c). */
#ifndef GP_FETCH_PARSERS_H
#define GP_FETCH_PARSERS_H

#include <stddef.h>

#include "gpuplan/catalog.h"
#include "gpuplan/refresh.h"

typedef struct gp_azure gp_azure;

/* Instance-type specs (GPU model, count, memory) come from `specs`'s
 * Azure offers; SKUs it does not know are left out. */
gp_status gp_azure_new(gp_azure **out, const gp_catalog *specs, gp_error *err);
void gp_azure_free(gp_azure *a);

/* Reads one page (JSON text); *next gets its NextPageLink rebased onto
 * `base`, or "" on the last page. GP_EDATA for a page that is not whole
 * JSON with an Items array, or an item with a negative price. */
gp_status gp_azure_page(gp_azure *a, const char *url, const char *body,
                        size_t len, const char *base, char *next, size_t cap,
                        gp_error *err);

/* The pages read so far as gpuplan catalog CSV (malloc'd *out), one row
 * per SKU and region: on-demand, spot (the low-priority meter when there
 * is no spot meter), and in notes the reserved and savings-plan rates per
 * hour. *effective gets the latest effectiveStartDate. */
gp_status gp_azure_csv(gp_azure *a, const char *source, char **out,
                       size_t *len, char *effective, size_t ecap,
                       gp_error *err);

/* Lambda's GET /api/v1/instance-types answer (JSON text) as gpuplan
 * catalog CSV (malloc'd *out): one row per instance type and region with
 * capacity (one row without a region when none has). GPU model and memory
 * come from `specs`'s Lambda offers of the same instance type, else from
 * gpu_description. GP_EDATA when the text is not whole JSON with a data
 * object, or a price is negative or missing. */
gp_status gp_lambda_csv(const char *url, const char *body, size_t len,
                        const gp_catalog *specs, char **out, size_t *outlen,
                        gp_error *err);

/* The availability signals of the same answer (*out malloc'd, *n of
 * them; NULL/0 when none). Lambda lists, per instance type, the regions
 * with capacity when asked: each is "capacity-available" there. Every
 * other Lambda region known for that type (named anywhere in the answer,
 * or an embedded Lambda offer of the type in `specs`) gets
 * "capacity-unavailable"; a GPU type with no capacity anywhere and no
 * known region gets one "capacity-unavailable" without a region.
 * CPU-only types are left out. GP_EDATA as gp_lambda_csv(). */
gp_status gp_lambda_signals(const char *url, const char *body, size_t len,
                            const gp_catalog *specs, gp_refresh_signal **out,
                            size_t *n, gp_error *err);

/* RunPod's GraphQL answer to the gpuTypes query (fetch_runpod.c) as
 * gpuplan catalog CSV (malloc'd *csv): per GPU type one 1-GPU row for the
 * secure cloud (securePrice, secureSpotPrice as spot) and one for the
 * community cloud (communityPrice, communitySpotPrice), no region
 * (RunPod prices are global); the 1/3/6-month committed prices, where
 * given, in notes. *sig gets one "stock:<level>" signal per row from
 * lowestPrice.stockStatus ("High", "Medium", "Low"; null: "stock:none").
 * GP_EDATA: not whole JSON, a GraphQL "errors" answer, no data.gpuTypes
 * array, or a negative price. */
gp_status gp_runpod_csv(const char *url, const char *body, size_t len,
                        char **csv, size_t *csvlen, gp_refresh_signal **sig,
                        size_t *nsig, gp_error *err);

/* AWS Price List region files, CSV form, streamed: gp_aws_begin() for
 * each file (its region code names rows without a "Region Code"), then
 * its bytes in any chunks, then gp_aws_end(). Memory is bounded by one
 * record (at most 1 MiB) and one aggregate per instance type and region.
 * Instance specs come from `specs`'s AWS offers; others are left out. */
typedef struct gp_aws gp_aws;
gp_status gp_aws_new(gp_aws **out, const gp_catalog *specs, gp_error *err);
void gp_aws_free(gp_aws *a);
gp_status gp_aws_begin(gp_aws *a, const char *region);
gp_status gp_aws_feed(gp_aws *a, const char *name, const char *data,
                      size_t len, gp_error *err);
gp_status gp_aws_end(gp_aws *a, const char *name, gp_error *err);
/* The files read so far as gpuplan catalog CSV: on-demand per instance
 * type and region, the standard no-upfront reserved rates in notes;
 * *effective gets the latest "Publication Date". */
gp_status gp_aws_csv(gp_aws *a, const char *source, char **out, size_t *len,
                     char *effective, size_t ecap, gp_error *err);

/* GCP Cloud Billing Catalog, Compute Engine SKUs (fetch_gcp.c): pages in
 * order through gp_gcp_page() (*token gets nextPageToken, "" on the last
 * page), then gp_gcp_csv(): one row per machine type (the catalog's own
 * GCP A2, A3 High/Edge/Mega/Ultra, A4 and G2 machine types in `specs`) and
 * region where its GPU is priced: on-demand, preemptible as spot,
 * Commit1Yr/Commit3Yr in notes; none where a part is missing
 * (gp_gcp_unpriced() says so). GP_EDATA for a page that is not whole JSON, an unreadable or
 * negative unitPrice, and from gp_gcp_csv() when no page listed any SKU. */
typedef struct gp_gcp gp_gcp;
gp_status gp_gcp_new(gp_gcp **out, const gp_catalog *specs, gp_error *err);
void gp_gcp_free(gp_gcp *g);
gp_status gp_gcp_page(gp_gcp *g, const char *url, const char *body, size_t len,
                      char *token, size_t cap, gp_error *err);
gp_status gp_gcp_csv(gp_gcp *g, const char *source, char **out, size_t *len,
                     char *effective, size_t ecap, gp_error *err);
/* After gp_gcp_csv(): what it could not price and why, one message each
 * ("gcp a3-megagpu-8g us-east5: not priced: no ... SKU ..."). */
size_t gp_gcp_unpriced_count(const gp_gcp *g);
const char *gp_gcp_unpriced(const gp_gcp *g, size_t i);

#endif
