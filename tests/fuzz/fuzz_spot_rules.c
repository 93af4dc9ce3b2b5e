/* Fuzz the spot rules reader (src/plan/spot_rules.c): the input is the
 * two files, data/ckpt-storage.csv and data/gcp-spot-rules.csv, split at
 * the first form feed ('\f'; without one, both get the whole input). A
 * parse either fails with a message or gives rules whose lookups return
 * a positive finite bandwidth or NAN, and a runtime that is positive or
 * NAN. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/spot_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *ff = memchr(text, '\f', size);
    size_t a = ff ? (size_t)(ff - text) : size;
    const char *second = ff ? ff + 1 : text;
    size_t b = ff ? size - a - 1 : size;
    gp_spot_rules *r = NULL;
    gp_error err;
    gp_error_clear(&err);
    if (gp_spot_rules_parse("storage.csv", text, a, "gcp.csv", second, b, &r, &err) != GP_OK) {
        if (r || !err.message[0])
            abort(); /* a failure keeps nothing and says why */
        return 0;
    }
    static const char *const PROVIDERS[] = {"aws", "gcp", "azure", "lambda", ""};
    for (size_t i = 0; i < sizeof(PROVIDERS) / sizeof(PROVIDERS[0]); i++) {
        gp_storage_bound s;
        double g = gp_spot_rules_storage_gbps(r, PROVIDERS[i], 2000, &s);
        if (!isnan(g) && !(g > 0 && isfinite(g)))
            abort();
        gp_gcp_rule rule;
        for (int m = 0; m < 2; m++)
            if (gp_spot_rules_gcp(r, PROVIDERS[i], "tpu-v5p-128", (gp_gcp_provisioning)m, &rule) &&
                !isnan(rule.max_runtime_hours) && !(rule.max_runtime_hours > 0))
                abort();
    }
    gp_spot_rules_free(r);
    return 0;
}
