/* One offer as JSON and as a CSV row: shared by `offers` and `catalog
 * export`, so both speak the same documented fields (docs/offers.md). */
#ifndef GP_CLI_OFFER_OUT_H
#define GP_CLI_OFFER_OUT_H

#include <jansson.h>
#include <stdio.h>

#include "gpuplan/catalog.h"

/* The JSON object for an offer; `rows` is how many catalog rows the
 * offer stands for (1 when listing every region). NULL out of memory. */
json_t *gp_offer_json(const gp_catalog *cat, const gp_offer *o, size_t rows);

/* gpuplan's catalog CSV (docs/catalog-format.md) plus derived columns;
 * a file written this way loads back with --catalog. */
void gp_offer_csv_header(FILE *out);
void gp_offer_csv_row(FILE *out, const gp_catalog *cat, const gp_offer *o);

/* Flags of an offer as short words: "per-gpu-listing", ... */
json_t *gp_offer_flags_json(unsigned flags);

#endif
