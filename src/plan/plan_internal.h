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

#endif
