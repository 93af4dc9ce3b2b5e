/* Fuzz the latency and percentile parsers of `inference` (50ms, p90). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gpuplan/inference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[256];
    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    gp_error err;
    double v = -1;
    gp_status st = gp_serve_parse_latency(text, &v, &err);
    if (st == GP_OK && !(v > 0 && v <= 3600))
        __builtin_trap();
    if (st != GP_OK && st != GP_EINVAL)
        __builtin_trap();
    v = -1;
    st = gp_serve_parse_percentile(text, &v, &err);
    if (st == GP_OK && !(v > 0 && v < 1))
        __builtin_trap();
    if (st != GP_OK && st != GP_EINVAL)
        __builtin_trap();
    return 0;
}
