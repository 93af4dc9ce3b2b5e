/* Fuzz the two readers of src/fetch/spot_feed.c on every input: the one
 * reader of AWS's Spot Instance Advisor feed (JSON: the build tool's and
 * the aws-spot-advisor source's) and the one reader of the stored form
 * (the text table the planner reads), with the library's band lookup on
 * what they read. Nothing may crash; a failure says why (the stored
 * form's with a line inside the input) and keeps nothing; a matrix read
 * has sorted, unique regions and types, bands inside its ranges and a
 * figure count that matches; a feed's stored form (gp_spot_feed_store)
 * reads back as the same matrix with the fetch time, date and URL; a
 * stored form that reads is stored again as the same bytes; every cell is
 * found again by gp_spot_advisor_band(). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/spot_feed.h"
#include "plan/spot_advisor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const gp_spot_feed *a, const gp_spot_feed *b)
{
    if (a->nregions != b->nregions || a->ntypes != b->ntypes || a->nlabels != b->nlabels ||
        a->figures != b->figures)
        return 0;
    for (size_t i = 0; i < a->nregions; i++)
        if (strcmp(a->regions[i], b->regions[i]) != 0)
            return 0;
    for (size_t i = 0; i < a->ntypes; i++)
        if (strcmp(a->types[i], b->types[i]) != 0)
            return 0;
    for (size_t i = 0; i < a->nlabels; i++)
        if (strcmp(a->labels[i], b->labels[i]) != 0)
            return 0;
    return memcmp(a->bands, b->bands, a->ntypes * a->nregions) == 0;
}

/* What every matrix read must satisfy; then its cells through the
 * library's lookup. */
static void check_matrix(const gp_spot_feed *f)
{
    if (f->nlabels == 0 || f->nlabels > GP_SPOT_FEED_MAX_LABELS || f->figures == 0)
        __builtin_trap();
    for (size_t i = 0; i < f->nlabels; i++)
        if (!f->labels[i])
            __builtin_trap();
    for (size_t i = 1; i < f->nregions; i++)
        if (strcmp(f->regions[i - 1], f->regions[i]) >= 0)
            __builtin_trap();
    for (size_t i = 1; i < f->ntypes; i++)
        if (strcmp(f->types[i - 1], f->types[i]) >= 0)
            __builtin_trap();
    size_t figures = 0;
    for (size_t i = 0; i < f->ntypes * f->nregions; i++) {
        if (f->bands[i] != GP_SPOT_FEED_NONE && f->bands[i] >= f->nlabels)
            __builtin_trap();
        figures += f->bands[i] != GP_SPOT_FEED_NONE;
    }
    if (figures != f->figures)
        __builtin_trap();
    gp_spot_advisor_table t = {(const char *const *)f->regions,
                               f->nregions,
                               (const char *const *)f->types,
                               f->ntypes,
                               f->bands,
                               (const char *const *)f->labels,
                               f->nlabels,
                               "refreshed",
                               "",
                               ""};
    for (size_t ti = 0; ti < f->ntypes && ti < 64; ti++)
        for (size_t ri = 0; ri < f->nregions; ri++) {
            unsigned char b = f->bands[ti * f->nregions + ri];
            int got = gp_spot_advisor_band(&t, f->types[ti], f->regions[ri]);
            if (got != (b == GP_SPOT_FEED_NONE ? -1 : (int)b))
                __builtin_trap();
        }
    if (gp_spot_advisor_band(&t, "no-such-type!", "nowhere!") != -1)
        __builtin_trap();
}

/* Count of lines in the input: a failure's line lies in 1 .. that + 1. */
static size_t lines_of(const uint8_t *data, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gp_spot_feed f;
    char msg[256];
    size_t line = 0;
    /* The stored form. */
    if (gp_spot_feed_read_stored((const char *)data, size, &f, &line, msg, sizeof(msg)) != 0) {
        if (msg[0] == '\0' || f.regions || f.types || f.bands || line == 0 ||
            line > lines_of(data, size) + 1)
            __builtin_trap();
    } else {
        if (!f.stored)
            __builtin_trap();
        check_matrix(&f);
        char *st = NULL;
        size_t sl = 0;
        if (gp_spot_feed_store(&f, f.observed_utc, f.effective, f.endpoint, &st, &sl) != 0 ||
            sl != size || memcmp(st, data, size) != 0)
            __builtin_trap();
        free(st);
        gp_spot_feed_clear(&f);
    }
    /* AWS's feed. */
    if (gp_spot_feed_parse((const char *)data, size, &f, msg, sizeof(msg)) != 0) {
        if (msg[0] == '\0' || f.regions || f.types || f.bands)
            __builtin_trap(); /* a failure says why and keeps nothing */
        return 0;
    }
    check_matrix(&f);
    char *st = NULL;
    size_t sl = 0;
    if (gp_spot_feed_store(&f, "2026-01-02T03:04:05Z", "2025-06-28",
                           "http://127.0.0.1:1/x \"q\"", &st, &sl) != 0)
        __builtin_trap();
    gp_spot_feed g;
    if (gp_spot_feed_read_stored(st, sl, &g, &line, msg, sizeof(msg)) != 0 || !g.stored ||
        strcmp(g.observed_utc, "2026-01-02T03:04:05Z") != 0 ||
        strcmp(g.effective, "2025-06-28") != 0 ||
        strcmp(g.endpoint, "http://127.0.0.1:1/x \"q\"") != 0 || !same(&f, &g))
        __builtin_trap();
    /* A value with a control character is refused, not stored. */
    free(st);
    if (gp_spot_feed_store(&f, "2026-01-02T03:04:05Z", "", "http://x/\ny", &st, &sl) != -2)
        __builtin_trap();
    gp_spot_feed_clear(&g);
    gp_spot_feed_clear(&f);
    return 0;
}
