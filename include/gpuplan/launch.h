/* gpuplan — where a plan launches, and the launch file for SkyPilot or
 * dstack (docs/plan.md, "Where to launch" and "Launch files").
 *
 * The library builds the file's text; it never writes files or prints.
 * Provider and accelerator names map to each tool's through
 * data/launch-names.csv and data/launch-accelerators.csv (sourced rows).
 *
 * Ownership: a gp_launch borrows from the plan's offer and from the
 * gp_launch_names it was made with; text from gp_launch_render is the
 * caller's to free(). */
#ifndef GPUPLAN_LAUNCH_H
#define GPUPLAN_LAUNCH_H

#include "gpuplan/catalog.h"
#include "gpuplan/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_launch_format { GP_LAUNCH_SKYPILOT = 0, GP_LAUNCH_DSTACK } gp_launch_format;

/* "skypilot", "dstack". */
const char *gp_launch_format_name(gp_launch_format f);
/* Parses "skypilot" or "dstack"; -1 otherwise. */
int gp_launch_format_parse(const char *name);

typedef struct gp_launch_names gp_launch_names;

/* Loads the embedded name tables; GP_EDATA names the file and line of a
 * bad row. */
gp_status gp_launch_names_load_default(gp_launch_names **out, gp_error *err);
void gp_launch_names_free(gp_launch_names *n);

/* How a catalog zone can be written in a launch file. */
typedef enum gp_zone_kind {
    GP_ZONE_NAME = 0,   /* a zone name (us-central1-a): written */
    GP_ZONE_ID,         /* an AWS zone ID (use1-az1): each account maps it
                           to its own zone name, so it is shown, not written */
    GP_ZONE_NONE        /* the tool takes no zone for this cloud (Azure) */
} gp_zone_kind;

/* Where a plan launches. Strings are never NULL ("" when unknown). */
typedef struct gp_launch {
    const char *provider, *region, *zone, *instance_type, *gpu;
    gp_zone_kind zone_kind;
    int instances;             /* nodes to launch */
    int gpus_per_instance;
    int spot;                  /* launch spot instances */
    gp_term term;              /* the plan's term (reserved and floor plans
                                  launch as on-demand instances) */
    double usd_per_instance_hour; /* the listed price the launch pays: spot,
                                     or on-demand (before any negotiated
                                     discount) */
    const char *skypilot_cloud; /* "" when SkyPilot has no such cloud */
    const char *dstack_backend; /* "" when dstack has no such backend */
} gp_launch;

/* Fills `out` for a plan (names may be NULL: no tool names). */
void gp_launch_where(const gp_launch_names *names, const gp_plan *plan, gp_launch *out);

/* The launch file for `plan` in `fmt`, as YAML text (*text, malloc'd;
 * the caller frees it). `job` names the task (a model name; it is made
 * into a name both tools accept) and `summary` (may be NULL) goes into the
 * header comment. `cat` is the catalog the plan was made from (an offer's
 * source tells whether its names are SkyPilot's). Fails, writing nothing
 * to *text, with GP_ENOTFOUND when the tool cannot launch the plan (a
 * provider it does not support, an accelerator it has no name for, a
 * listing priced per GPU with no node size, a multi-host TPU on dstack, a
 * region SkyPilot's infra cannot hold) and GP_ENOMEM. */
gp_status gp_launch_render(const gp_launch_names *names, const gp_catalog *cat,
                           const gp_plan *plan, gp_launch_format fmt, const char *job,
                           const char *summary, char **text, gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
