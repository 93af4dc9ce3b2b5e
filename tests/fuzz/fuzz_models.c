/* Fuzz the models CSV loader, the parameter counter and one estimate per
 * model: nothing may crash, and a model that fits must give finite,
 * sensible figures. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gpuplan/job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gp_accel_table *accels;
    gp_error err;
    if (!accels && gp_accel_table_load_default(&accels, &err) != GP_OK)
        __builtin_trap();
    gp_model_table *t = NULL;
    gp_status st = gp_model_table_load_buffer("fuzz.csv", (const char *)data, size, &t, &err);
    if (st != GP_OK) {
        if (st != GP_EDATA && st != GP_ENOMEM)
            __builtin_trap();
        if (t)
            __builtin_trap();
        return 0;
    }
    for (size_t i = 0; i < gp_model_table_count(t) && i < 4; i++) {
        const gp_model *m = gp_model_table_at(t, i);
        double active;
        double total = gp_model_count_params(m, &active);
        if (!(active <= total) && !isnan(total))
            __builtin_trap();
        if (m->layers > 4096 || m->hidden > 1 << 20)
            continue; /* absurd but legal shapes: counting is enough */
        gp_job job;
        gp_job_init(&job);
        job.model = m;
        job.accel = gp_accel_find(accels, "H100");
        job.tokens = 1e12;
        job.gpus = 8;
        gp_estimate e;
        st = gp_job_estimate(&job, &e, &err);
        if (st != GP_OK && st != GP_ERANGE)
            __builtin_trap();
        if (st == GP_OK && e.fits &&
            (!isfinite(e.wall_hours) || !(e.mfu > 0) || !(e.mfu < 1) ||
             !isfinite(e.memory.total_gb)))
            __builtin_trap();
    }
    gp_model_table_free(t);
    return 0;
}
