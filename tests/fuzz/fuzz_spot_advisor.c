/* Fuzz the reader of AWS's Spot Instance Advisor feed (the build tool's
 * scripts/spot_advisor_feed.c) and the library's band lookup on what it
 * reads: nothing may crash; a feed that parses has sorted, unique regions
 * and types, bands inside its ranges, C output, and every cell found again
 * by gp_spot_advisor_band(). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/spot_advisor.h"
#include "spot_advisor_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sa_feed f;
    char msg[256];
    if (sa_feed_parse((const char *)data, size, &f, msg, sizeof(msg)) != 0) {
        if (msg[0] == '\0' || f.regions || f.types || f.bands)
            __builtin_trap(); /* a failure says why and keeps nothing */
        return 0;
    }
    if (f.nlabels == 0 || f.nlabels > SA_MAX_LABELS)
        __builtin_trap();
    for (size_t i = 0; i < f.nlabels; i++)
        if (!f.labels[i])
            __builtin_trap();
    for (size_t i = 1; i < f.nregions; i++)
        if (strcmp(f.regions[i - 1], f.regions[i]) >= 0)
            __builtin_trap();
    for (size_t i = 1; i < f.ntypes; i++)
        if (strcmp(f.types[i - 1], f.types[i]) >= 0)
            __builtin_trap();
    for (size_t i = 0; i < f.ntypes * f.nregions; i++)
        if (f.bands[i] != SA_NONE && f.bands[i] >= f.nlabels)
            __builtin_trap();
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out || sa_feed_write_c(&f, out) != 0)
        __builtin_trap();
    fclose(out);
    if (len == 0 || !strstr(text, "gp_spot_advisor"))
        __builtin_trap();
    free(text);
    gp_spot_advisor_table t = {(const char *const *)f.regions, f.nregions,
                               (const char *const *)f.types,   f.ntypes,
                               f.bands,                         (const char *const *)f.labels,
                               f.nlabels};
    for (size_t ti = 0; ti < f.ntypes && ti < 64; ti++)
        for (size_t ri = 0; ri < f.nregions; ri++) {
            unsigned char b = f.bands[ti * f.nregions + ri];
            int got = gp_spot_advisor_band(&t, f.types[ti], f.regions[ri]);
            if (got != (b == SA_NONE ? -1 : (int)b))
                __builtin_trap();
        }
    if (gp_spot_advisor_band(&t, "no-such-type!", "nowhere!") != -1)
        __builtin_trap();
    sa_feed_free(&f);
    return 0;
}
