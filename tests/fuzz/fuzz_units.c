/* Fuzz the human-number parser (7B, 1.4T, 30d, $500k, 12%). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gpuplan/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[256];
    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    gp_error err;
    double v;
    gp_status (*parsers[])(const char *, double *, gp_error *) = {
        gp_parse_count, gp_parse_hours, gp_parse_usd, gp_parse_gb};
    for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
        v = -1;
        gp_status st = parsers[i](text, &v, &err);
        /* success always means a finite, non-negative number */
        if (st == GP_OK && (!isfinite(v) || v < 0))
            __builtin_trap();
        if (st != GP_OK && st != GP_EINVAL)
            __builtin_trap();
    }
    if (gp_parse_fraction(text, 0, &v, &err) == GP_OK && !(v >= 0 && v <= 1))
        __builtin_trap();
    return 0;
}
