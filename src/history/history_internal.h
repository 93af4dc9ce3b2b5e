/* The history layer (src/history/): price history and availability
 * signals in one SQLite file (include/gpuplan/history.h,
 * docs/history.md). It owns the schema and its migrations
 * (history.c), appending observations and signals (append.c) and the
 * queries (query.c).
 *
 * It may include core and catalog (and SQLite); nothing of job, plan,
 * market or fetch. */
#ifndef GP_HISTORY_INTERNAL_H
#define GP_HISTORY_INTERNAL_H

#include <sqlite3.h>

#include "gpuplan/history.h"

struct gp_history {
    sqlite3 *db;
    char *path;
    gp_history_mode mode;
    int version;       /* schema version after opening */
    int busy_ms;       /* busy timeout */
    int busy_calls;    /* busy-handler calls since the last reset */
    double waited_s;   /* time slept in the busy handler */
    int open_waited;   /* opening waited for another writer (a migration) */
    double open_waited_s;
};

/* A failed SQLite call as GP_EDATA (corrupt, not a database) or GP_EIO
 * (busy, read-only, disk full), naming the file. */
gp_status gp_history_sql_fail(gp_history *h, gp_error *err, const char *what);

/* BEGIN IMMEDIATE (the write lock), recording whether we waited. */
gp_status gp_history_begin(gp_history *h, gp_history_stats *stats, gp_error *err);
/* COMMIT, or ROLLBACK when st is not GP_OK; returns the final status. */
gp_status gp_history_end(gp_history *h, gp_status st, gp_error *err);

/* 86,400 times the days since 1970-01-01 of "YYYY-MM-DD"; GP_EINVAL
 * (through core's date parser) otherwise. */
gp_status gp_history_parse_day(const char *text, int64_t *unix_s, gp_error *err);

#endif
