/* Fuzz the GCP Cloud Billing Catalog page parser (src/fetch/fetch_gcp.c):
 * the input is one page, read twice (two pages), then the CSV it yields is
 * loaded by the catalog. Never a crash; never a $0 offer; never a SKU of
 * one machine family in another's price (the notes name the parts). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    gp_gcp *g = NULL;
    if (gp_gcp_new(&g, specs, &err) != GP_OK)
        __builtin_trap();
    char token[256];
    gp_status st = GP_OK;
    for (int page = 0; page < 2 && st == GP_OK; page++)
        st = gp_gcp_page(g, "fuzz", (const char *)data, size, token, sizeof(token), &err);
    if (st != GP_OK && st != GP_EDATA)
        __builtin_trap();
    char *csv = NULL;
    size_t len = 0;
    char eff[32];
    if (st == GP_OK) {
        st = gp_gcp_csv(g, "fuzz", &csv, &len, eff, sizeof(eff), &err);
        if (st != GP_OK && st != GP_EDATA)
            __builtin_trap();
        for (size_t i = 0; st == GP_OK && i < gp_gcp_unpriced_count(g); i++)
            if (strncmp(gp_gcp_unpriced(g, i), "gcp ", 4) != 0)
                __builtin_trap();
    }
    if (st == GP_OK) {
        gp_catalog *cat = NULL;
        gp_load_opts lo = {1, NULL};
        if (gp_catalog_new(&cat, &err) != GP_OK)
            __builtin_trap();
        if (gp_catalog_add_gpuplan_buffer(cat, "fuzz.csv", csv, len, &lo, &err) == GP_OK) {
            const gp_offer *o = gp_catalog_offers(cat);
            for (size_t i = 0; i < gp_catalog_offer_count(cat); i++) {
                const char *t = o[i].instance_type, *n = o[i].notes ? o[i].notes : "";
                if (o[i].usd_per_hour <= 0)
                    __builtin_trap();
                /* A3 High/Edge: A3 core/RAM and the plain H100 only */
                if ((strncmp(t, "a3-highgpu-", 11) == 0 || strncmp(t, "a3-edgegpu-", 11) == 0) &&
                    (strstr(n, "H100-MEGA") || strstr(n, "A3Plus") || !strstr(n, "x H100 $")))
                    __builtin_trap();
                /* A3 Mega: A3Plus core/RAM and the Mega GPU only */
                if (strncmp(t, "a3-megagpu-", 11) == 0 &&
                    (!strstr(n, "A3Plus Instance") || !strstr(n, "x H100-MEGA $")))
                    __builtin_trap();
                /* A4: the per-GPU slice, no core or RAM rate */
                if (strncmp(t, "a4-", 3) == 0 && (strstr(n, "vCPU x") || !strstr(n, "gpu slice")))
                    __builtin_trap();
            }
        }
        gp_catalog_free(cat);
    }
    free(csv);
    gp_gcp_free(g);
    return 0;
}
