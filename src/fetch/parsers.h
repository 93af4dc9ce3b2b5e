/* Internal: the response parsers of the JSON sources, apart from HTTP so
 * that tests and the fuzzers drive them with recorded responses
 * (fetch_azure.c, fetch_lambda.c). */
#ifndef GP_FETCH_PARSERS_H
#define GP_FETCH_PARSERS_H

#include <stddef.h>

#include "gpuplan/catalog.h"

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

#endif
