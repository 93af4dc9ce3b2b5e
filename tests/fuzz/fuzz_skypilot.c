/* Fuzz the SkyPilot vms.csv loader (and the CSV reader under it). The first
 * byte picks the provider (GCP exercises host + accelerator composition)
 * and whether malformed rows are skipped. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuplan/catalog.h"
#include "gpuplan/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    gp_catalog *cat = NULL;
    gp_error err;
    if (gp_catalog_new(&cat, &err) != GP_OK)
        __builtin_trap();
    static const char *const PROVIDERS[] = {"lambda", "gcp", "runpod", "aws"};
    gp_load_opts opts = {data[0] & 4, NULL};
    gp_status st = gp_catalog_add_skypilot_buffer(cat, "fuzz.csv", PROVIDERS[data[0] & 3],
                                                  (const char *)data + 1, size - 1,
                                                  &opts, &err);
    if (st != GP_OK && st != GP_EDATA)
        __builtin_trap();
    if (st == GP_OK) {
        /* Everything the CLI does with offers must hold up. */
        gp_catalog_check(cat, &err);
        gp_offer_filter f;
        gp_offer_filter_init(&f);
        gp_offer_row *rows = NULL;
        size_t n = 0;
        if (gp_offer_select(cat, &f, GP_SORT_PFLOP_PRICE, GP_GROUP_INSTANCE, &rows, &n,
                            &err) == GP_OK) {
            for (size_t i = 0; i < n; i++) {
                const gp_offer *o = rows[i].offer;
                /* never a $0 or negative price */
                if (o->usd_per_hour <= 0 || o->spot_usd_per_hour <= 0)
                    __builtin_trap();
            }
        }
        free(rows);
    }
    gp_catalog_free(cat);
    return 0;
}
