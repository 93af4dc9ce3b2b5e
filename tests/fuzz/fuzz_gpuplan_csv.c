/* Fuzz the gpuplan catalog CSV loader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gpuplan/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    gp_catalog *cat = NULL;
    gp_error err;
    if (gp_catalog_new(&cat, &err) != GP_OK)
        __builtin_trap();
    gp_load_opts opts = {data[0] & 1, NULL};
    gp_status st = gp_catalog_add_gpuplan_buffer(cat, "fuzz.csv", (const char *)data + 1,
                                                 size - 1, &opts, &err);
    if (st != GP_OK && st != GP_EDATA)
        __builtin_trap();
    if (st == GP_OK) {
        const gp_offer *o = gp_catalog_offers(cat);
        for (size_t i = 0; i < gp_catalog_offer_count(cat); i++) {
            if (o[i].usd_per_hour <= 0 || o[i].gpu_count <= 0)
                __builtin_trap();
            (void)gp_offer_usd_per_pflop_hour(&o[i]);
        }
        gp_catalog_check(cat, &err);
    }
    gp_catalog_free(cat);
    return 0;
}
