/* The serve layer (src/serve/): the inference model (inference.c: memory,
 * KV cache, prefill and decode time, tensor parallelism, latency at a
 * percentile, replicas for a traffic) and its run over the catalog
 * (serve_rank.c). It may include core/, catalog/ and job/ (model shapes);
 * plan/ reads it; never plan/ or market/.
 *
 * This header gathers what the layer's files share. */
#ifndef GP_SERVE_INTERNAL_H
#define GP_SERVE_INTERNAL_H

#include "gpuplan/inference.h"

/* Checks the request (GP_EINVAL naming the field). */
gp_status gp_serve_check(const gp_serve_params *p, gp_error *err);

/* gp_serve_model with the accelerator's measured facts already looked
 * up (the ranking looks them up once per accelerator). */
void gp_serve_model_perf(const gp_serve_params *p, const gp_accel *a, const gp_accel_perf *perf,
                         int gpus, double mem_gb, gp_serve_point *out);

#endif
