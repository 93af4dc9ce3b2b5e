/* libFuzzer target: RunPod's GraphQL gpuTypes answer (gp_runpod_csv in
 * src/fetch/fetch_runpod.c). Any bytes: an answer or GP_EDATA, never a
 * crash; on success the CSV loads back as a gpuplan catalog. */
#include <stdint.h>
#include <stdlib.h>

#include "fetch/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *csv = NULL;
    size_t len = 0, nsig = 0;
    gp_refresh_signal *sig = NULL;
    gp_error err;
    gp_status st = gp_runpod_csv("fuzz", (const char *)data, size, &csv, &len, &sig, &nsig,
                                 &err);
    if (st == GP_OK) {
        gp_catalog *cat = NULL;
        if (gp_catalog_new(&cat, &err) == GP_OK) {
            gp_load_opts lo = {1, NULL};
            (void)gp_catalog_add_gpuplan_buffer(cat, "fuzz", csv, len, &lo, &err);
            gp_catalog_free(cat);
        }
    }
    free(csv);
    free(sig);
    return 0;
}
