/* gpuplan — price history and availability signals, kept in one SQLite
 * file (docs/history.md).
 *
 * What is recorded: for every observed price, the series it belongs to
 * (provider, instance type, region, zone, pricing kind, with the
 * accelerator and its count for $/GPU-hour) and a run of that price: first
 * seen, last seen, source. An append whose price is the one the series had
 * at its previous observation extends that run (last seen moves) instead
 * of adding a row. Availability signals (capacity, stock, spot bands) are
 * kept one row each with their time.
 *
 * Every append runs in ONE transaction: a process killed at any moment
 * leaves the file as before the append or as after it. Two writers
 * serialise on SQLite's write lock; the second waits (up to the busy
 * timeout) and its stats say it waited.
 *
 * The library never prints; errors name the file. Ownership: open
 * allocates, gp_history_close() frees (NULL is a no-op); results are freed
 * with gp_history_result_free(). */
#ifndef GPUPLAN_HISTORY_H
#define GPUPLAN_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "gpuplan/catalog.h"
#include "gpuplan/error.h"
#include "gpuplan/offer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema this library writes (PRAGMA user_version). Version 1 had no
 * availability signals; opening a version-1 file for writing migrates it.
 * A file of a newer version is refused (GP_EDATA). */
enum { GP_HISTORY_SCHEMA_VERSION = 2 };

/* The file name inside the data home. */
#define GP_HISTORY_FILE_NAME "history.sqlite"

typedef struct gp_history gp_history;

/* The data home: $GPUPLAN_HOME, else $XDG_CACHE_HOME/gpuplan, else
 * $HOME/.cache/gpuplan (empty variables count as unset). GP_EINVAL when
 * none is set or the path does not fit `cap`. The same rule as the
 * refreshed catalog's folder (docs/history.md). */
gp_status gp_history_home(char *buf, size_t cap, gp_error *err);
/* <data home>/history.sqlite. */
gp_status gp_history_default_path(char *buf, size_t cap, gp_error *err);

typedef enum gp_history_mode {
    GP_HISTORY_READ = 0,  /* queries only; the file must exist (GP_EIO) */
    GP_HISTORY_WRITE = 1  /* creates the file and its folder, migrates */
} gp_history_mode;

/* Opens a history file. GP_EIO: missing (READ) or cannot be created;
 * GP_EDATA: not an SQLite file, not a gpuplan history, corrupt, or of a
 * newer schema than GP_HISTORY_SCHEMA_VERSION (the message names the
 * path). Opening for writing waits for another writer's migration. */
gp_status gp_history_open(const char *path, gp_history_mode mode, gp_history **out,
                          gp_error *err);
void gp_history_close(gp_history *h);

/* How long a writer waits for another writer's lock before GP_EIO
 * ("busy"); default 60,000 ms. */
void gp_history_set_busy_timeout(gp_history *h, int ms);

/* The file's schema version as opened (before any migration in READ
 * mode, after it in WRITE mode). */
int gp_history_schema_version(const gp_history *h);

/* One observed price. Strings must not be NULL ("" when unknown). */
typedef struct gp_history_obs {
    const char *provider;
    const char *instance_type;
    const char *region;
    const char *zone;
    gp_pricing_kind kind;
    const char *gpu;          /* canonical accelerator name */
    double gpu_count;         /* > 0: accelerators the price covers */
    double usd_per_hour;      /* > 0, whole instance */
    int64_t observed_unix_s;  /* UTC seconds */
    const char *source;
} gp_history_obs;

typedef struct gp_history_stats {
    size_t observations;  /* distinct observations given */
    size_t new_runs;      /* rows added to runs */
    size_t extended_runs; /* runs whose last seen moved */
    size_t unchanged;     /* already recorded: nothing written */
    size_t signals;       /* signals added */
    int waited;           /* another writer held the lock first */
    double waited_s;      /* how long we waited for it */
} gp_history_stats;

/* Appends observations in one transaction. Run rule per series: a price
 * equal to a run that ended at the series' previous observation extends
 * it; an observation already covered (same time, or inside a run of the
 * same price) changes nothing; anything else starts a run. GP_EINVAL for
 * a bad observation (nothing written). `out` may be NULL. */
gp_status gp_history_append(gp_history *h, const gp_history_obs *obs, size_t n,
                            gp_history_stats *out, gp_error *err);

/* Appends every priced offer of a catalog (of one provider when `provider`
 * is not NULL) observed at `observed_unix_s`: its on-demand price (or
 * auction floor) and its spot price (or spot floor), as gpuplan reads
 * them (gp_offer_has_on_demand, gp_offer_has_spot). `source` NULL: each
 * offer's own source. One transaction. */
gp_status gp_history_append_catalog(gp_history *h, const gp_catalog *cat,
                                    const char *provider, const char *source,
                                    int64_t observed_unix_s, gp_history_stats *out,
                                    gp_error *err);

/* The embedded catalog's offers with their dates: an offer's own as_of,
 * else the date its snapshot was copied into gpuplan
 * (data/snapshot-dates.csv; SkyPilot snapshots carry no date). `cat` must
 * hold the embedded catalog (gp_catalog_add_embedded); user sources in it
 * are skipped. Importing twice adds nothing. */
gp_status gp_history_import_embedded(gp_history *h, const gp_catalog *cat,
                                     gp_history_stats *out, gp_error *err);

/* The date gpuplan gives an undated embedded source file
 * ("catalog/skypilot/aws/vms.partial.csv", with or without "embedded:"),
 * and what it is based on (into basis, cap bytes; may be NULL);
 * GP_ENOTFOUND when the file has none. */
gp_status gp_history_snapshot_date(const char *file, int64_t *unix_s, char *basis,
                                   size_t cap, gp_error *err);

/* ---- availability ------------------------------------------------------ */

/* One availability signal. Kinds: "capacity-available",
 * "capacity-unavailable" (Lambda's regions with capacity), "stock:high",
 * "stock:medium", "stock:low", "stock:none" (RunPod's stockStatus,
 * Hyperstack's stocks), "spot-band:<band>" (AWS Spot Instance Advisor,
 * e.g. "spot-band:<5%"; kept, but says nothing about availability). */
typedef struct gp_history_signal {
    const char *provider;
    const char *instance_type;
    const char *region;       /* "" when the source gives none */
    const char *kind;
    int64_t observed_unix_s;
    const char *source;
} gp_history_signal;

/* 1: the kind says capacity is there; 0: it says it is not; -1: the kind
 * says nothing about availability (spot bands); -2: not a kind. */
int gp_history_signal_polarity(const char *kind);

/* Records signals in one transaction; the same signal (provider, type,
 * region, kind, time) twice is kept once. GP_EINVAL for an unknown kind. */
gp_status gp_history_record_signals(gp_history *h, const gp_history_signal *s, size_t n,
                                    gp_history_stats *out, gp_error *err);

typedef enum gp_availability {
    GP_AVAIL_UNKNOWN = 0, /* no availability signal within the window */
    GP_AVAIL_YES,         /* the latest one within the window is positive */
    GP_AVAIL_NO           /* the latest one within the window is negative */
} gp_availability;

/* The latest availability signal for an instance type (in `region`, or in
 * any region when NULL) observed in [now - max_age_hours, now]: whether
 * it is positive, and when it was observed (`observed` may be NULL).
 * A version-1 file has no signals: GP_AVAIL_UNKNOWN. */
gp_status gp_history_availability(gp_history *h, const char *provider,
                                  const char *instance_type, const char *region,
                                  int64_t now_unix_s, double max_age_hours,
                                  gp_availability *out, int64_t *observed,
                                  gp_error *err);

/* What gp_history_availability() decided, with the signal behind it:
 * its kind ("capacity-available", "stock:low", ...), time and source.
 * kind is "" and observed 0 when status is GP_AVAIL_UNKNOWN. */
typedef struct gp_history_latest {
    gp_availability status;
    char kind[32];
    char region[64];
    char source[512];
    int64_t observed_unix_s;
} gp_history_latest;

/* gp_history_availability() plus the deciding signal's row (for a positive
 * status the latest positive one; for a negative the latest one). */
gp_status gp_history_latest_signal(gp_history *h, const char *provider,
                                   const char *instance_type, const char *region,
                                   int64_t now_unix_s, double max_age_hours,
                                   gp_history_latest *out, gp_error *err);

/* The (provider, instance type) pairs with an availability signal
 * observed at or after since_unix_s, as "provider\x1finstance_type"
 * strings in byte order (one query, so a caller asks
 * gp_history_latest_signal() only for those). *out is malloc'd, each
 * string too: free them with gp_history_keys_free(). */
gp_status gp_history_signal_keys(gp_history *h, int64_t since_unix_s, char ***out, size_t *n,
                                 gp_error *err);
void gp_history_keys_free(char **keys, size_t n);

/* Whether the file holds any capacity or stock signal (of any age; the
 * neutral spot-band signals do not count); 0 for a version-1 file. One
 * read that stops at the first such row, not a count. */
gp_status gp_history_has_signals(gp_history *h, int *out, gp_error *err);

/* What gp_history_latest_signal() (any region) answers for every
 * (provider, instance type) with an availability signal observed in
 * [now - max_age_hours, now], from one query: entries sorted by provider,
 * then instance type, in byte order; pairs without one are left out (their
 * answer is GP_AVAIL_UNKNOWN). Free with gp_history_latest_set_free(). */
typedef struct gp_history_latest_entry {
    const char *provider;
    const char *instance_type;
    gp_history_latest latest;
} gp_history_latest_entry;
typedef struct gp_history_latest_set {
    gp_history_latest_entry *entries;
    size_t n;
    char *text; /* the names, one block */
} gp_history_latest_set;
gp_status gp_history_latest_signals(gp_history *h, int64_t now_unix_s, double max_age_hours,
                                    gp_history_latest_set *out, gp_error *err);
void gp_history_latest_set_free(gp_history_latest_set *set);
/* The entry of one pair in a set, NULL when the pair has none. */
const gp_history_latest *gp_history_latest_find(const gp_history_latest_set *set,
                                                const char *provider,
                                                const char *instance_type);

/* ---- queries ------------------------------------------------------------ */

typedef enum gp_history_by {
    GP_HISTORY_BY_PROVIDER = 0,
    GP_HISTORY_BY_KIND
} gp_history_by;

/* "provider", "kind"; parse returns -1 when unknown. */
const char *gp_history_by_name(gp_history_by by);
int gp_history_by_parse(const char *name);

typedef struct gp_history_query {
    const char *const *gpus;       /* canonical names; required (n >= 1) */
    size_t ngpus;
    const char *const *providers;  /* NULL/0: every provider */
    size_t nproviders;
    const gp_pricing_kind *kinds;  /* NULL/0: every kind */
    size_t nkinds;
    const char *instance_type;     /* NULL: every instance type */
    int64_t since_unix_s;          /* days before it are left out */
    gp_history_by by;
} gp_history_query;

/* $/GPU-hour on one day for one group (a provider or a pricing kind):
 * over the runs of the matching series that cover the day. Days are the
 * UTC days on which something was appended. */
typedef struct gp_history_point {
    const char *group;
    char day[11];                  /* "YYYY-MM-DD" */
    double min_usd_per_gpu_hour;
    double median_usd_per_gpu_hour;
    size_t prices;                 /* runs that cover the day */
    const char *cheapest_instance; /* the series of the minimum */
    const char *cheapest_region;
    const char *cheapest_source;
} gp_history_point;

typedef struct gp_history_result gp_history_result;

gp_status gp_history_query_prices(gp_history *h, const gp_history_query *q,
                                  gp_history_result **out, gp_error *err);
/* Points ordered by group, then day. */
size_t gp_history_result_count(const gp_history_result *r);
const gp_history_point *gp_history_result_point(const gp_history_result *r, size_t i);
void gp_history_result_free(gp_history_result *r);

/* What the file holds. */
typedef struct gp_history_counts {
    size_t series, runs, appends, signals;
    int64_t first_unix_s, last_unix_s; /* of the appends; 0 when none */
} gp_history_counts;
gp_status gp_history_count(gp_history *h, gp_history_counts *out, gp_error *err);

/* The providers the history has prices of, in name order: *n strings in
 * one allocation (free(*out) frees all). */
gp_status gp_history_providers(gp_history *h, char ***out, size_t *n, gp_error *err);

/* "YYYY-MM-DDTHH:MM:SSZ" of a UTC time. */
void gp_history_format_time(int64_t unix_s, char buf[21]);
/* Days since 1970-01-01 of a civil date, times 86,400. */
int64_t gp_history_unix_of_date(int year, int month, int day);

#ifdef __cplusplus
}
#endif
#endif
