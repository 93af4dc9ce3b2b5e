/* AWS's Spot Instance Advisor feed (data/spot-advisor-data.json), compiled
 * at build time into static data by scripts/compile_spot_advisor.c, so the
 * library parses no embedded JSON and planning without a refreshed feed
 * reads none. Linux figures only. The table's form is public
 * (gpuplan/terms.h's gp_spot_advisor_table): a refreshed feed
 * (gp_refresh_spot_feed_load()) is handed to the terms in the same form. */
#ifndef GP_PLAN_SPOT_ADVISOR_H
#define GP_PLAN_SPOT_ADVISOR_H

#include <stddef.h>

#include "gpuplan/terms.h"

enum { GP_SPOT_ADVISOR_NONE = 255 };

/* Defined in the generated spot_advisor_data.c. */
extern const gp_spot_advisor_table gp_spot_advisor;

/* The band of `type` in `region`, or -1 when the table has none. */
int gp_spot_advisor_band(const gp_spot_advisor_table *t, const char *type, const char *region);

#endif
