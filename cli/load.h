/* Loading the catalog the way every command does: the embedded catalog
 * and the prices `catalog refresh` stored (unless --no-embedded; each
 * refreshed provider replaces its embedded offers), then each --catalog
 * PATH (or GPUPLAN_CATALOG). One line on stderr names refreshed providers
 * older than --max-age (default 7 days). */
#ifndef GP_CLI_LOAD_H
#define GP_CLI_LOAD_H

#include "cmd.h"
#include "gpuplan/catalog.h"
#include "gpuplan/query.h"

/* The options every catalog-reading command takes, for its option table. */
#define GP_CATALOG_OPTIONS                                                    \
    {"catalog", 'c', OPT_STRING, OPT_REPEAT, "PATH", NULL,                    \
     "also read a SkyPilot catalog folder (e.g. ~/.sky/catalogs/v8) or "      \
     "vms.csv, or a gpuplan CSV; its providers replace the embedded ones. "   \
     "Repeatable; PROVIDER=FILE names a lone vms.csv's provider. Default: "   \
     "$GPUPLAN_CATALOG (paths separated by ':')"},                            \
    {"no-embedded", 0, OPT_FLAG, 0, NULL, NULL,                               \
     "leave out the catalog compiled into gpuplan and the prices `catalog "   \
     "refresh` stored"},                                                      \
    {"max-age", 0, OPT_HOURS, 0, "AGE", NULL,                                 \
     "warn when refreshed prices in use are older than this (default 7d)"},   \
    {"skip-bad-rows", 0, OPT_FLAG, 0, NULL, NULL,                             \
     "warn about malformed catalog rows and go on (default: stop, exit 3)"}

/* --max-age as the staleness lines write it: "7 days", "1 day", or
 * "36 hours" when it is not whole days. */
void gp_cli_age_text(char *buf, size_t cap, double max_hours);

/* Builds the catalog from the parsed options. On failure prints why and
 * returns the exit code; on success returns 0 and sets *out. */
int gp_cli_load_catalog(const gp_args *args, gp_catalog **out);

/* Splits a repeatable option of comma lists ("aws,gcp" --x lambda) into
 * one array of names; *buf holds the text. Free both. NULL when unset. */
const char **gp_cli_split_lists(const gp_opt_value *v, size_t *n, char **buf);

/* Every provider name must exist in the catalog; else prints a usage error
 * with the closest names (for --FLAG of command CMD) and returns 2. */
int gp_cli_check_providers(const char *cmd, const gp_catalog *cat,
                           const char *const *names, size_t n, const char *flag);

/* --provider and --exclude of a command: split, checked against the
 * catalog (a usage error names the closest providers), and set on the
 * filter. Returns 0 or the exit code; free with gp_cli_providers_free
 * either way. */
typedef struct gp_cli_providers {
    const char **include, **exclude;
    char *include_buf, *exclude_buf;
} gp_cli_providers;
int gp_cli_provider_filter(const char *cmd, const gp_args *args, const gp_catalog *cat,
                           gp_offer_filter *f, gp_cli_providers *out);
void gp_cli_providers_free(gp_cli_providers *p);

#endif
