/* Fuzz the Azure Retail Prices page parser (src/fetch/fetch_azure.c): a
 * page of any text, then the CSV it yields loaded back by the catalog.
 * Never a crash; never an offer at $0 or below. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fetch/parsers.h"
#include "gpuplan/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gp_catalog *specs;
    gp_error err;
    if (!specs && (gp_catalog_new(&specs, &err) != GP_OK ||
                   gp_catalog_add_embedded(specs, &err) != GP_OK))
        __builtin_trap();
    gp_azure *a = NULL;
    if (gp_azure_new(&a, specs, &err) != GP_OK)
        __builtin_trap();
    char next[1024];
    gp_status st = gp_azure_page(a, "fuzz", (const char *)data, size, "http://127.0.0.1:1/x",
                                 next, sizeof(next), &err);
    if (st != GP_OK && st != GP_EDATA)
        __builtin_trap();
    char *csv = NULL, eff[32];
    size_t len = 0;
    if (st == GP_OK && gp_azure_csv(a, "fuzz", &csv, &len, eff, sizeof(eff), &err) == GP_OK) {
        gp_catalog *cat = NULL;
        gp_load_opts lo = {1, NULL};
        if (gp_catalog_new(&cat, &err) != GP_OK)
            __builtin_trap();
        if (gp_catalog_add_gpuplan_buffer(cat, "fuzz.csv", csv, len, &lo, &err) == GP_OK) {
            const gp_offer *o = gp_catalog_offers(cat);
            for (size_t i = 0; i < gp_catalog_offer_count(cat); i++)
                if (o[i].usd_per_hour <= 0 || o[i].spot_usd_per_hour <= 0)
                    __builtin_trap();
        }
        gp_catalog_free(cat);
    }
    free(csv);
    gp_azure_free(a);
    return 0;
}
