/* Fuzz the billing CSV loader (data/billing.csv's columns) and the
 * rounding: nothing may crash, a loaded row bills at least the run and at
 * least its minimum. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "gpuplan/billing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gp_billing *b = NULL;
    gp_error err;
    gp_status st = gp_billing_load_buffer("fuzz.csv", (const char *)data, size, &b, &err);
    if (st != GP_OK) {
        if ((st != GP_EDATA && st != GP_ENOMEM) || b)
            __builtin_trap();
        return 0;
    }
    const gp_billing_row *r = gp_billing_for(b, "aws");
    if (r) {
        double h = gp_billing_hours(r, 0.34);
        if (!(h >= 0.34 - 1e-9) || !(h * 3600 >= r->minimum_seconds - 1e-6) || !isfinite(h))
            __builtin_trap();
    }
    gp_billing_free(b);
    return 0;
}
