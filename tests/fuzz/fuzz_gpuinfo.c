/* Fuzz the GpuInfo (Python/JSON literal) parser. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gpuplan/gpuinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gp_gpuinfo g;
    gp_error err;
    gp_status st = gp_gpuinfo_parse((const char *)data, size, &g, &err);
    if (st != GP_OK && st != GP_EDATA)
        __builtin_trap();
    if (st == GP_OK && strlen(g.name) >= sizeof(g.name))
        __builtin_trap();
    return 0;
}
