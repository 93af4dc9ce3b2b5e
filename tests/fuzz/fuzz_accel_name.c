/* Fuzz the accelerator-name normaliser and resolver. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuplan/accel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gp_accel_table *table;
    gp_error err;
    if (!table && gp_accel_table_load_default(&table, &err) != GP_OK)
        __builtin_trap();
    char text[200];
    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t split = strcspn(text, "|");
    const char *hint = NULL;
    if (text[split]) {
        text[split] = '\0';
        hint = text + split + 1;
    }
    gp_accel_name n;
    gp_accel_name_parse(text, &n);
    if (strlen(n.model) >= sizeof(n.model))
        __builtin_trap();
    int ignored;
    (void)gp_accel_resolve(table, text, hint, size & 1 ? 80.0 : NAN, &ignored);
    char name[32];
    double chips;
    if (gp_accel_tpu_slice(text, name, sizeof(name), &chips) && !(chips > 0))
        __builtin_trap();
    return 0;
}
