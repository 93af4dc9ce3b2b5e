/* Opening a history file: where it lives, the schema and its migrations,
 * the write lock and how long a writer waited for it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/fail.h"
#include "gpuplan/units.h"
#include "history/history_internal.h"

/* PRAGMA application_id of a gpuplan history: "GPLN" in ASCII. Another
 * program's SQLite file is refused instead of being written into. */
#define GP_HISTORY_APP_ID 0x47504C4E

/* Version 1: prices only. */
static const char SCHEMA_V1[] =
    "CREATE TABLE appends("
    " id INTEGER PRIMARY KEY,"
    " observed INTEGER NOT NULL," /* UTC seconds of the observation */
    " recorded INTEGER NOT NULL," /* UTC seconds of the write */
    " provider TEXT NOT NULL,"    /* '' when the append covers several */
    " source TEXT NOT NULL,"
    " observations INTEGER NOT NULL);"
    "CREATE TABLE series("
    " id INTEGER PRIMARY KEY,"
    " provider TEXT NOT NULL, instance_type TEXT NOT NULL,"
    " region TEXT NOT NULL, zone TEXT NOT NULL, kind TEXT NOT NULL,"
    " gpu TEXT NOT NULL, gpu_count REAL NOT NULL,"
    " last_observed INTEGER," /* NULL before the first observation */
    " UNIQUE(provider, instance_type, region, zone, kind));"
    "CREATE INDEX series_gpu ON series(gpu);"
    "CREATE TABLE runs("
    " id INTEGER PRIMARY KEY,"
    " series INTEGER NOT NULL REFERENCES series(id),"
    " usd_per_hour REAL NOT NULL,"
    " first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    " source TEXT NOT NULL);"
    "CREATE INDEX runs_series ON runs(series, usd_per_hour, last_seen);";

/* Version 2 adds availability signals. */
static const char MIGRATE_V1_V2[] =
    "CREATE TABLE signals("
    " id INTEGER PRIMARY KEY,"
    " provider TEXT NOT NULL, instance_type TEXT NOT NULL, region TEXT NOT NULL,"
    " kind TEXT NOT NULL, observed INTEGER NOT NULL, source TEXT NOT NULL,"
    " UNIQUE(provider, instance_type, region, kind, observed));"
    "CREATE INDEX signals_latest ON signals(provider, instance_type, observed);";

static gp_status home_from(const char *base, const char *suffix, char *buf, size_t cap,
                           gp_error *err)
{
    int n = snprintf(buf, cap, "%s%s", base, suffix);
    if (n < 0 || (size_t)n >= cap)
        return gp_fail(err, GP_EINVAL, NULL, 0, "the data home path is too long");
    return GP_OK;
}

gp_status gp_history_home(char *buf, size_t cap, gp_error *err)
{
    const char *v = getenv("GPUPLAN_HOME");
    if (v && *v)
        return home_from(v, "", buf, cap, err);
    v = getenv("XDG_CACHE_HOME");
    if (v && *v)
        return home_from(v, "/gpuplan", buf, cap, err);
    v = getenv("HOME");
    if (v && *v)
        return home_from(v, "/.cache/gpuplan", buf, cap, err);
    return gp_fail(err, GP_EINVAL, NULL, 0,
                   "no data home: set GPUPLAN_HOME (or XDG_CACHE_HOME or HOME)");
}

gp_status gp_history_default_path(char *buf, size_t cap, gp_error *err)
{
    char home[4096];
    gp_status st = gp_history_home(home, sizeof(home), err);
    if (st != GP_OK)
        return st;
    return home_from(home, "/" GP_HISTORY_FILE_NAME, buf, cap, err);
}

gp_status gp_history_sql_fail(gp_history *h, gp_error *err, const char *what)
{
    int code = sqlite3_extended_errcode(h->db) & 0xff;
    gp_status st = code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? GP_EDATA
                   : code == SQLITE_NOMEM                          ? GP_ENOMEM
                                                                   : GP_EIO;
    const char *why = sqlite3_errmsg(h->db);
    if (code == SQLITE_NOTADB)
        why = "not an SQLite file (a gpuplan history is one)";
    else if (code == SQLITE_BUSY)
        why = "another gpuplan is still writing the history (busy timeout passed)";
    return gp_fail(err, st, h->path, 0, "%s: %s", what, why);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SQLite calls this while another connection holds the lock: sleep a
 * little and try again until the timeout, counting the time. */
static int on_busy(void *ctx, int count)
{
    gp_history *h = ctx;
    (void)count;
    if (h->waited_s * 1000.0 >= h->busy_ms)
        return 0;
    double t0 = now_s();
    sqlite3_sleep(5);
    h->busy_calls++;
    h->waited_s += now_s() - t0;
    return 1;
}

gp_status gp_history_begin(gp_history *h, gp_history_stats *stats, gp_error *err)
{
    h->busy_calls = 0;
    h->waited_s = 0;
    int rc = sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (stats && h->busy_calls) {
        stats->waited = 1;
        stats->waited_s += h->waited_s;
    }
    if (stats && h->open_waited) { /* a wait while opening counts once, here */
        stats->waited = 1;
        stats->waited_s += h->open_waited_s;
        h->open_waited = 0;
    }
    if (rc != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot take the write lock");
    return GP_OK;
}

gp_status gp_history_end(gp_history *h, gp_status st, gp_error *err)
{
    if (st == GP_OK) {
        if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
            return GP_OK;
        st = gp_history_sql_fail(h, err, "cannot commit");
    }
    sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

static int pragma_int(gp_history *h, const char *sql, int *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(h->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

/* mkdir -p of the folder a file is in. */
static gp_status make_parent(const char *path, gp_error *err)
{
    char dir[4096];
    if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
        return gp_fail(err, GP_EINVAL, path, 0, "path too long");
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return GP_OK;
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                return gp_fail(err, GP_EIO, dir, 0, "cannot create the folder: %s",
                               strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    return GP_OK;
}

/* Reads the file's identity and version; creates or migrates the schema
 * in WRITE mode (inside the write lock, so two first writers agree). */
static gp_status check_schema(gp_history *h, gp_error *err)
{
    int app = 0, version = 0, tables = 0;
    if (pragma_int(h, "PRAGMA application_id", &app) != SQLITE_OK ||
        pragma_int(h, "PRAGMA user_version", &version) != SQLITE_OK ||
        pragma_int(h, "SELECT count(*) FROM sqlite_master", &tables) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot read the history");
    if (app != GP_HISTORY_APP_ID && (tables || version))
        return gp_fail(err, GP_EDATA, h->path, 0,
                       "an SQLite file, but not a gpuplan history (application_id "
                       "%d); move it away or set GPUPLAN_HOME",
                       app);
    if (version > GP_HISTORY_SCHEMA_VERSION)
        return gp_fail(err, GP_EDATA, h->path, 0,
                       "history schema version %d is newer than this gpuplan reads (%d); "
                       "use a newer gpuplan or another GPUPLAN_HOME",
                       version, GP_HISTORY_SCHEMA_VERSION);
    if (app == GP_HISTORY_APP_ID && version < 1)
        return gp_fail(err, GP_EDATA, h->path, 0, "history schema version %d is unknown",
                       version);
    h->version = version;
    if (h->mode == GP_HISTORY_READ || version == GP_HISTORY_SCHEMA_VERSION)
        return GP_OK;
    char sql[64];
    if (version == 0 && sqlite3_exec(h->db, SCHEMA_V1, NULL, NULL, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot create the history");
    if (sqlite3_exec(h->db, MIGRATE_V1_V2, NULL, NULL, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot migrate the history to version 2");
    snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", GP_HISTORY_APP_ID);
    if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot write the history");
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", GP_HISTORY_SCHEMA_VERSION);
    if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot write the history");
    h->version = GP_HISTORY_SCHEMA_VERSION;
    return GP_OK;
}

gp_status gp_history_open(const char *path, gp_history_mode mode, gp_history **out,
                          gp_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return gp_fail(err, GP_EINVAL, NULL, 0, "no history file named");
    struct stat sb;
    if (mode == GP_HISTORY_READ && stat(path, &sb) != 0)
        return gp_fail(err, GP_EIO, path, 0, "no history yet");
    if (mode == GP_HISTORY_WRITE) {
        gp_status st = make_parent(path, err);
        if (st != GP_OK)
            return st;
    }
    gp_history *h = calloc(1, sizeof(*h));
    if (!h || !(h->path = strdup(path))) {
        free(h);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    h->mode = mode;
    h->busy_ms = 60000;
    int flags = mode == GP_HISTORY_WRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                         : SQLITE_OPEN_READONLY;
    gp_status st = GP_OK;
    if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
        st = h->db ? gp_history_sql_fail(h, err, "cannot open the history")
                   : gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    sqlite3_busy_handler(h->db, on_busy, h);
    if (mode == GP_HISTORY_WRITE) {
        /* WAL: readers go on while a refresh writes, and a killed writer's
         * half transaction is never read. FULL: a commit survives power
         * loss as well as a kill. */
        sqlite3_stmt *s = NULL;
        int rc = sqlite3_prepare_v2(h->db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(s);
        int wal = rc == SQLITE_ROW &&
                  strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
        sqlite3_finalize(s);
        if (rc != SQLITE_ROW) {
            st = gp_history_sql_fail(h, err, "cannot open the history");
            goto out;
        }
        if (!wal) {
            st = gp_fail(err, GP_EIO, path, 0, "cannot switch the history to WAL mode");
            goto out;
        }
        if (sqlite3_exec(h->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK) {
            st = gp_history_sql_fail(h, err, "cannot open the history");
            goto out;
        }
        /* A current file needs no lock to open: the wait for another
         * writer then happens (and is reported) in the append. A new or
         * older file is created or migrated inside the write lock, and
         * checked again there (another writer may have done it). */
        h->mode = GP_HISTORY_READ;
        st = check_schema(h, err);
        h->mode = GP_HISTORY_WRITE;
        if (st != GP_OK || h->version == GP_HISTORY_SCHEMA_VERSION)
            goto out;
        gp_history_stats waited;
        memset(&waited, 0, sizeof(waited));
        if ((st = gp_history_begin(h, &waited, err)) != GP_OK)
            goto out;
        st = gp_history_end(h, check_schema(h, err), err);
        h->open_waited = waited.waited;
        h->open_waited_s = waited.waited_s;
    } else {
        st = check_schema(h, err);
    }
out:
    if (st != GP_OK) {
        gp_history_close(h);
        return st;
    }
    *out = h;
    return GP_OK;
}

void gp_history_close(gp_history *h)
{
    if (!h)
        return;
    sqlite3_close_v2(h->db);
    free(h->path);
    free(h);
}

void gp_history_set_busy_timeout(gp_history *h, int ms)
{
    h->busy_ms = ms < 0 ? 0 : ms;
}

int gp_history_schema_version(const gp_history *h) { return h->version; }

int64_t gp_history_unix_of_date(int year, int month, int day)
{
    /* Days from civil (Howard Hinnant's algorithm, public domain), exact
     * for the proleptic Gregorian calendar. */
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400;
}

gp_status gp_history_parse_day(const char *text, int64_t *unix_s, gp_error *err)
{
    int y, m, d;
    gp_status st = gp_parse_iso_date(text, &y, &m, &d, err);
    if (st == GP_OK)
        *unix_s = gp_history_unix_of_date(y, m, d);
    return st;
}

void gp_history_format_time(int64_t unix_s, char buf[21])
{
    time_t t = (time_t)unix_s;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
        snprintf(buf, 21, "%s", "(out of range)");
        return;
    }
    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

gp_status gp_history_count(gp_history *h, gp_history_counts *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    if (h->version == 0)
        return GP_OK;
    sqlite3_stmt *s = NULL;
    const char *sql =
        h->version >= 2
            ? "SELECT (SELECT count(*) FROM series), (SELECT count(*) FROM runs),"
              " (SELECT count(*) FROM appends), (SELECT count(*) FROM signals),"
              " (SELECT coalesce(min(observed), 0) FROM appends),"
              " (SELECT coalesce(max(observed), 0) FROM appends)"
            : "SELECT (SELECT count(*) FROM series), (SELECT count(*) FROM runs),"
              " (SELECT count(*) FROM appends), 0,"
              " (SELECT coalesce(min(observed), 0) FROM appends),"
              " (SELECT coalesce(max(observed), 0) FROM appends)";
    if (sqlite3_prepare_v2(h->db, sql, -1, &s, NULL) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return gp_history_sql_fail(h, err, "cannot read the history");
    }
    out->series = (size_t)sqlite3_column_int64(s, 0);
    out->runs = (size_t)sqlite3_column_int64(s, 1);
    out->appends = (size_t)sqlite3_column_int64(s, 2);
    out->signals = (size_t)sqlite3_column_int64(s, 3);
    out->first_unix_s = sqlite3_column_int64(s, 4);
    out->last_unix_s = sqlite3_column_int64(s, 5);
    sqlite3_finalize(s);
    return GP_OK;
}
