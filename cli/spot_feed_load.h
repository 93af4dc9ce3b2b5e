/* The Spot Advisor feed `catalog refresh` stored (docs/refresh.md,
 * "aws-spot-advisor"), handed to the terms over the compiled-in one: the
 * one loader for every command that prices AWS spot (plan, tco). */
#ifndef GP_CLI_SPOT_FEED_LOAD_H
#define GP_CLI_SPOT_FEED_LOAD_H

#include "cmd.h"
#include "gpuplan/query.h"
#include "gpuplan/refresh.h"
#include "gpuplan/terms.h"

typedef struct gp_cli_spot_feed {
    gp_spot_feed feed;            /* the stored feed, when read */
    gp_spot_advisor_table table;  /* its view for the terms (nlabels 0: not in use) */
    char as_of[16];               /* its fetch date */
} gp_cli_spot_feed;

/* Whether the offers filter `f` lets AWS in (not --exclude'd, and named
 * when --provider lists some): only then can a spot price use AWS's bands
 * and the stored feed be worth reading. */
int gp_cli_spot_feed_wanted(const gp_offer_filter *f);

/* Reads the stored feed, when there is one, and makes `terms` use it. One
 * line on stderr (for command `cmd`) when it is older than --max-age
 * (default 7 days; `args` must have GP_CATALOG_OPTIONS), or when its bands
 * are not those data/spot-bands.csv turns into rates (the compiled-in
 * feed is used then). A stored feed that does not read is bad data: the
 * message names the file and line, and the exit code (3) is returned;
 * else 0. `s` must outlive `terms`' use of it; free with
 * gp_cli_spot_feed_free() either way. */
int gp_cli_spot_feed_use(const char *cmd, const gp_args *args, gp_terms *terms,
                         gp_cli_spot_feed *s);

/* The table the terms use: the stored feed's, or the compiled-in one. */
const gp_spot_advisor_table *gp_cli_spot_feed_table(const gp_cli_spot_feed *s);

void gp_cli_spot_feed_free(gp_cli_spot_feed *s);

#endif
