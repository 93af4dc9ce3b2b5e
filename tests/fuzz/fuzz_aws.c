/* Fuzz the streaming AWS Price List CSV parser (src/fetch/fetch_aws.c):
 * the input is fed in chunks whose sizes the first byte picks, so records
 * and quoted fields break at every place; the result must not depend on
 * the chunking, and the CSV it yields loads with no offer at $0. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/parsers.h"
#include "gpuplan/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gp_status run(const gp_catalog *specs, const char *text, size_t len, size_t chunk,
                     char **csv, size_t *n)
{
    gp_aws *a = NULL;
    gp_error err;
    char eff[32];
    *csv = NULL;
    *n = 0;
    if (gp_aws_new(&a, specs, &err) != GP_OK)
        __builtin_trap();
    gp_aws_begin(a, "us-east-1");
    gp_status st = GP_OK;
    for (size_t off = 0; off < len && st == GP_OK; off += chunk)
        st = gp_aws_feed(a, "fuzz", text + off, len - off < chunk ? len - off : chunk, &err);
    if (st == GP_OK)
        st = gp_aws_end(a, "fuzz", &err);
    if (st == GP_OK)
        st = gp_aws_csv(a, "fuzz", csv, n, eff, sizeof(eff), &err);
    gp_aws_free(a);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gp_catalog *specs;
    gp_error err;
    if (!specs && (gp_catalog_new(&specs, &err) != GP_OK ||
                   gp_catalog_add_embedded(specs, &err) != GP_OK))
        __builtin_trap();
    if (size < 1)
        return 0;
    size_t chunk = (size_t)(data[0] % 17) + 1;
    const char *text = (const char *)data + 1;
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    gp_status sa = run(specs, text, size - 1, size, &a, &na);
    gp_status sb = run(specs, text, size - 1, chunk, &b, &nb);
    if (sa != sb && !(sa == GP_ENOMEM || sb == GP_ENOMEM))
        __builtin_trap();
    if (sa == GP_OK && (na != nb || memcmp(a, b, na) != 0))
        __builtin_trap();
    if (sa == GP_OK) {
        gp_catalog *cat = NULL;
        gp_load_opts lo = {1, NULL};
        if (gp_catalog_new(&cat, &err) != GP_OK)
            __builtin_trap();
        if (gp_catalog_add_gpuplan_buffer(cat, "fuzz.csv", a, na, &lo, &err) == GP_OK) {
            const gp_offer *o = gp_catalog_offers(cat);
            for (size_t i = 0; i < gp_catalog_offer_count(cat); i++)
                if (o[i].usd_per_hour <= 0)
                    __builtin_trap();
        }
        gp_catalog_free(cat);
    }
    free(a);
    free(b);
    return 0;
}
