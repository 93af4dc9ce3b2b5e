/* The plan layer (src/plan/): provider pricing terms (terms.c: storage,
 * egress, reserved commitments, spot rates, cluster limits), the spot model
 * (spot.c: checkpoint interval, expected time, Monte Carlo) and the planner
 * (plan.c: a job priced on every offer, ranked, with its Pareto frontier).
 * It may include core/, catalog/ and job/; never market/ (a sibling that
 * also builds on the catalog) and nothing of the CLI.
 *
 * This header gathers the layer's public headers for its own files. */
#ifndef GP_PLAN_INTERNAL_H
#define GP_PLAN_INTERNAL_H

#include "gpuplan/plan.h"
#include "gpuplan/spot.h"
#include "gpuplan/terms.h"

#include "core/arena.h"

/* One figure of AWS's Spot Instance Advisor feed: the interruption band of
 * an instance type in a region (Linux). Strings live in the arena. */
typedef struct gp_spot_advisor_entry {
    const char *region, *type;
    int band;
} gp_spot_advisor_entry;

/* Reads the feed (spot-advisor-data.json: spot_advisor[region][os][type] =
 * {"s": saving, "r": band}), keeping the Linux figures, sorted by region
 * and type (*out malloc'd). GP_EDATA naming `name` for text that is not
 * JSON, has no spot_advisor object, or a band that is not 0-9; GP_ENOMEM.
 * terms.c reads the embedded copy; tests/fuzz/fuzz_spot_advisor.c fuzzes
 * it. */
gp_status gp_spot_advisor_parse(const char *name, const char *data, size_t len,
                                gp_arena *arena, gp_spot_advisor_entry **out, size_t *nout,
                                gp_error *err);

#endif
