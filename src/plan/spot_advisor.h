/* AWS's Spot Instance Advisor feed (data/spot-advisor-data.json), compiled
 * at build time into static data by scripts/compile_spot_advisor.c, so the
 * library neither parses JSON nor links a JSON library. Linux figures only.
 *
 * The table is a matrix: one row per instance type (sorted by strcmp), one
 * column per region (sorted), each cell the interruption band index
 * (0 "<5%" ... 4 ">20%", labels[] by index) or GP_SPOT_ADVISOR_NONE when
 * the feed lists no figure for that type in that region. All static; no
 * ownership. */
#ifndef GP_PLAN_SPOT_ADVISOR_H
#define GP_PLAN_SPOT_ADVISOR_H

#include <stddef.h>

enum { GP_SPOT_ADVISOR_NONE = 255 };

typedef struct gp_spot_advisor_table {
    const char *const *regions;
    size_t nregions;
    const char *const *types;
    size_t ntypes;
    const unsigned char *bands; /* ntypes x nregions, row-major */
    const char *const *labels;  /* the feed's `ranges[i].label` */
    size_t nlabels;
} gp_spot_advisor_table;

/* Defined in the generated spot_advisor_data.c. */
extern const gp_spot_advisor_table gp_spot_advisor;

/* The band of `type` in `region`, or -1 when the feed has none. */
int gp_spot_advisor_band(const gp_spot_advisor_table *t, const char *type, const char *region);

#endif
