/* SVG charts. Rendering only: the planner computes, this draws. */
#ifndef GP_CLI_SVG_H
#define GP_CLI_SVG_H

#include "gpuplan/plan.h"

/* Writes a cost (y) vs wall-clock time (x) scatter of every plan to `path`:
 * points coloured by provider kind and shaped by term, the cost-time
 * frontier drawn and labelled, the deadline and budget as dashed lines.
 * Both axes are logarithmic. Prints the problem and returns 1 when the
 * file cannot be written; 0 on success. */
int gp_svg_plans(const char *path, const gp_plan_result *r, const gp_plan_request *req);

#endif
