/* The price history (src/history/): runs extend instead of repeating,
 * queries give min and median $/GPU-hour per day, a version-1 file is
 * migrated, a newer one refused, two writers serialise (the second says
 * it waited), a writer killed at any moment leaves the file as before or
 * as after, availability signals answer "latest positive within N
 * hours", and importing the embedded catalog twice adds nothing. */
#define _GNU_SOURCE
#include "test_util.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gpuplan/history.h"

#define DAY 86400

static char dir_tmpl[] = "/tmp/gp-history-XXXXXX";
static char path_buf[256];

static const char *fresh_path(const char *name)
{
    snprintf(path_buf, sizeof(path_buf), "%s/%s", dir_tmpl, name);
    unlink(path_buf);
    return path_buf;
}

static gp_history *open_w(const char *path)
{
    gp_history *h = NULL;
    gp_error err;
    gp_status st = gp_history_open(path, GP_HISTORY_WRITE, &h, &err);
    if (st != GP_OK)
        fail_msg("%s: %s", err.file, err.message);
    return h;
}

static gp_history_obs ob(const char *inst, double price, int64_t t)
{
    gp_history_obs o = {"acme", inst, "eu-1", "", GP_PRICING_ON_DEMAND, "H100", 8, price, t,
                        "test"};
    return o;
}

static void runs_extend(void **state)
{
    (void)state;
    gp_history *h = open_w(fresh_path("runs.sqlite"));
    gp_error err;
    gp_history_stats s;
    int64_t t0 = gp_history_unix_of_date(2026, 11, 1);
    gp_history_obs o = ob("8x", 16.0, t0);
    assert_int_equal(gp_history_append(h, &o, 1, &s, &err), GP_OK);
    assert_int_equal(s.new_runs, 1);
    o.observed_unix_s = t0 + DAY; /* same price a day later: the run grows */
    assert_int_equal(gp_history_append(h, &o, 1, &s, &err), GP_OK);
    assert_int_equal(s.new_runs, 0);
    assert_int_equal(s.extended_runs, 1);
    assert_int_equal(gp_history_append(h, &o, 1, &s, &err), GP_OK); /* again */
    assert_int_equal(s.unchanged, 1);
    assert_int_equal(s.new_runs + s.extended_runs, 0);
    o.observed_unix_s = t0 + 2 * DAY;
    o.usd_per_hour = 12.0; /* a price cut: a new run */
    assert_int_equal(gp_history_append(h, &o, 1, &s, &err), GP_OK);
    assert_int_equal(s.new_runs, 1);
    o.observed_unix_s = t0 + 3 * DAY;
    o.usd_per_hour = 16.0; /* back to the old price: a new run, not the old one */
    assert_int_equal(gp_history_append(h, &o, 1, &s, &err), GP_OK);
    assert_int_equal(s.new_runs, 1);
    assert_int_equal(s.extended_runs, 0);
    gp_history_counts c;
    assert_int_equal(gp_history_count(h, &c, &err), GP_OK);
    assert_int_equal(c.series, 1);
    assert_int_equal(c.runs, 3);
    assert_int_equal(c.appends, 4);
    /* Bad observations write nothing. */
    gp_history_obs bad[2] = {ob("8x", 1.0, t0 + 9 * DAY), ob("8x", 0.0, t0 + 9 * DAY)};
    assert_int_equal(gp_history_append(h, bad, 2, &s, &err), GP_EINVAL);
    assert_int_equal(gp_history_count(h, &c, &err), GP_OK);
    assert_int_equal(c.runs, 3);
    gp_history_close(h);
}

static void query_min_median(void **state)
{
    (void)state;
    gp_history *h = open_w(fresh_path("query.sqlite"));
    gp_error err;
    int64_t t0 = gp_history_unix_of_date(2026, 10, 5) + 3600;
    gp_history_obs v[5] = {ob("a", 16.0, t0), ob("b", 24.0, t0), ob("c", 40.0, t0),
                           ob("a", 16.0, t0 + DAY), ob("b", 20.0, t0 + DAY)};
    v[2].kind = GP_PRICING_SPOT;
    assert_int_equal(gp_history_append(h, v, 5, NULL, &err), GP_OK);
    const char *gpus[] = {"H100"};
    gp_history_query q = {gpus, 1, NULL, 0, NULL, 0, NULL, INT64_MIN, GP_HISTORY_BY_PROVIDER};
    gp_history_result *r = NULL;
    assert_int_equal(gp_history_query_prices(h, &q, &r, &err), GP_OK);
    /* Day 1: 16/8, 24/8, 40/8 = 2, 3, 5 $/GPU-h: min 2, median 3. Day 2:
     * run a extended (2), b's new price (2.5) and b's old run, which
     * ended on day 1, no longer covers day 2. c (spot) ended on day 1. */
    assert_int_equal(gp_history_result_count(r), 2);
    const gp_history_point *p = gp_history_result_point(r, 0);
    assert_string_equal(p->day, "2026-10-05");
    assert_string_equal(p->group, "acme");
    assert_true(p->min_usd_per_gpu_hour == 2.0);
    assert_true(p->median_usd_per_gpu_hour == 3.0);
    assert_int_equal(p->prices, 3);
    assert_string_equal(p->cheapest_instance, "a");
    p = gp_history_result_point(r, 1);
    assert_string_equal(p->day, "2026-10-06");
    assert_int_equal(p->prices, 2);
    assert_true(p->median_usd_per_gpu_hour == 2.25);
    gp_history_result_free(r);
    /* By kind, since day 2, and one kind. */
    q.by = GP_HISTORY_BY_KIND;
    gp_pricing_kind spot = GP_PRICING_SPOT;
    q.kinds = &spot;
    q.nkinds = 1;
    assert_int_equal(gp_history_query_prices(h, &q, &r, &err), GP_OK);
    assert_int_equal(gp_history_result_count(r), 1);
    assert_string_equal(gp_history_result_point(r, 0)->group, "spot");
    assert_true(gp_history_result_point(r, 0)->min_usd_per_gpu_hour == 5.0);
    gp_history_result_free(r);
    q.nkinds = 0;
    q.since_unix_s = t0 + DAY - 3600;
    q.instance_type = "b";
    assert_int_equal(gp_history_query_prices(h, &q, &r, &err), GP_OK);
    assert_int_equal(gp_history_result_count(r), 1);
    assert_true(gp_history_result_point(r, 0)->min_usd_per_gpu_hour == 2.5);
    gp_history_result_free(r);
    gp_history_close(h);
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s", msg);
    sqlite3_close(db);
}

/* Version 1 as gpuplan first wrote it: no signals table. */
static const char V1[] =
    "PRAGMA application_id = 1196444750; PRAGMA user_version = 1;"
    "CREATE TABLE appends(id INTEGER PRIMARY KEY, observed INTEGER NOT NULL,"
    " recorded INTEGER NOT NULL, provider TEXT NOT NULL, source TEXT NOT NULL,"
    " observations INTEGER NOT NULL);"
    "CREATE TABLE series(id INTEGER PRIMARY KEY, provider TEXT NOT NULL,"
    " instance_type TEXT NOT NULL, region TEXT NOT NULL, zone TEXT NOT NULL,"
    " kind TEXT NOT NULL, gpu TEXT NOT NULL, gpu_count REAL NOT NULL,"
    " last_observed INTEGER, UNIQUE(provider, instance_type, region, zone, kind));"
    "CREATE INDEX series_gpu ON series(gpu);"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, series INTEGER NOT NULL REFERENCES series(id),"
    " usd_per_hour REAL NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    " source TEXT NOT NULL);"
    "CREATE INDEX runs_series ON runs(series, usd_per_hour, last_seen);"
    "INSERT INTO appends VALUES(1, 1790000000, 1790000000, 'acme', 'v1 test', 1);"
    "INSERT INTO series VALUES(1, 'acme', '8x', 'eu-1', '', 'on-demand', 'H100', 8, 1790000000);"
    "INSERT INTO runs VALUES(1, 1, 16.0, 1790000000, 1790000000, 'v1 test');";

static void migrate_v1(void **state)
{
    (void)state;
    const char *path = fresh_path("v1.sqlite");
    exec_sql(path, V1);
    gp_history *h = NULL;
    gp_error err;
    /* Read-only: read as version 1, not migrated; no signals yet. */
    assert_int_equal(gp_history_open(path, GP_HISTORY_READ, &h, &err), GP_OK);
    assert_int_equal(gp_history_schema_version(h), 1);
    gp_availability a;
    assert_int_equal(gp_history_availability(h, "acme", "8x", NULL, 1790000000, 24, &a, NULL,
                                             &err),
                     GP_OK);
    assert_int_equal(a, GP_AVAIL_UNKNOWN);
    gp_history_close(h);
    h = open_w(path);
    assert_int_equal(gp_history_schema_version(h), GP_HISTORY_SCHEMA_VERSION);
    gp_history_counts c;
    assert_int_equal(gp_history_count(h, &c, &err), GP_OK);
    assert_int_equal(c.runs, 1); /* the data is kept */
    assert_int_equal(c.appends, 1);
    gp_history_obs o = ob("8x", 16.0, 1790000000 + DAY);
    gp_history_stats s;
    assert_int_equal(gp_history_append(h, &o, 1, &s, &err), GP_OK);
    assert_int_equal(s.extended_runs, 1); /* the v1 run goes on */
    gp_history_signal sig = {"acme", "8x", "eu-1", "stock:high", 1790000000, "test"};
    assert_int_equal(gp_history_record_signals(h, &sig, 1, &s, &err), GP_OK);
    assert_int_equal(s.signals, 1);
    gp_history_close(h);
}

static void refuse_bad_files(void **state)
{
    (void)state;
    gp_history *h = NULL;
    gp_error err;
    const char *path = fresh_path("newer.sqlite");
    exec_sql(path, "PRAGMA application_id = 1196444750; PRAGMA user_version = 99;"
                   "CREATE TABLE future(x);");
    assert_int_equal(gp_history_open(path, GP_HISTORY_WRITE, &h, &err), GP_EDATA);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.message, "version 99 is newer"));
    assert_int_equal(gp_history_open(path, GP_HISTORY_READ, &h, &err), GP_EDATA);
    path = fresh_path("other.sqlite"); /* another program's database */
    exec_sql(path, "CREATE TABLE t(x);");
    assert_int_equal(gp_history_open(path, GP_HISTORY_WRITE, &h, &err), GP_EDATA);
    assert_non_null(strstr(err.message, "not a gpuplan history"));
    path = fresh_path("text.sqlite");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("provider,price\nacme,1.0\n this is not a database, and long enough to have a "
          "header of 100 bytes ...........................................\n",
          f);
    fclose(f);
    assert_int_equal(gp_history_open(path, GP_HISTORY_READ, &h, &err), GP_EDATA);
    assert_string_equal(err.file, path);
    assert_int_equal(gp_history_open(path, GP_HISTORY_WRITE, &h, &err), GP_EDATA);
    assert_null(h);
    assert_int_equal(gp_history_open(fresh_path("missing.sqlite"), GP_HISTORY_READ, &h, &err),
                     GP_EIO);
}

static void second_writer_waits(void **state)
{
    (void)state;
    const char *path = fresh_path("lock.sqlite");
    gp_history *h = open_w(path);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* another writer: holds the write lock for 300 ms */
        sqlite3 *db = NULL;
        if (sqlite3_open(path, &db) != SQLITE_OK ||
            sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        usleep(300000);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(db);
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    gp_history_obs o = ob("8x", 16.0, 1790000000);
    gp_history_stats s;
    gp_error err;
    assert_int_equal(gp_history_append(h, &o, 1, &s, &err), GP_OK);
    assert_true(s.waited);
    assert_true(s.waited_s > 0.1);
    assert_int_equal(s.new_runs, 1);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* Uncontended, nobody waits; with a timeout of 0 a held lock fails. */
    o.observed_unix_s += DAY;
    assert_int_equal(gp_history_append(h, &o, 1, &s, &err), GP_OK);
    assert_false(s.waited);
    close(ready[0]);
    close(ready[1]);
    gp_history_close(h);
}

enum { KILL_OBS = 40000, KILL_ROUNDS = 20 };

static gp_history_obs *kill_batch(int round)
{
    gp_history_obs *v = calloc(KILL_OBS, sizeof(*v));
    static char names[KILL_OBS][16];
    for (int i = 0; i < KILL_OBS; i++) {
        snprintf(names[i], sizeof(names[i]), "t%d", i);
        /* A new price every round: each complete append adds KILL_OBS runs. */
        v[i] = ob(names[i], 1.0 + i * 0.001 + round, 1790000000 + (int64_t)round * DAY);
    }
    return v;
}

static size_t run_count(const char *path, int *ok)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    size_t n = 0;
    *ok = 0;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(s, 0), "ok"))
        *ok = 1;
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM runs", -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void killed_writer(void **state)
{
    (void)state;
    const char *path = fresh_path("kill.sqlite");
    /* How long one append of the batch takes, open included. */
    gp_history *h = open_w(path);
    gp_history_obs *v = kill_batch(0);
    gp_error err;
    double t0 = mono();
    assert_int_equal(gp_history_append(h, v, KILL_OBS, NULL, &err), GP_OK);
    double took = mono() - t0;
    free(v);
    gp_history_close(h);
    srand(12345);
    int killed_before = 0, killed_after = 0;
    for (int round = 1; round <= KILL_ROUNDS; round++) {
        int ok;
        size_t before = run_count(path, &ok);
        assert_true(ok);
        gp_history_obs *batch = kill_batch(round);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            gp_history *ch = NULL;
            gp_error e;
            if (gp_history_open(path, GP_HISTORY_WRITE, &ch, &e) != GP_OK ||
                gp_history_append(ch, batch, KILL_OBS, NULL, &e) != GP_OK)
                _exit(1);
            gp_history_close(ch);
            _exit(0);
        }
        /* Anywhere from the start to a little after the usual end. */
        useconds_t at = (useconds_t)((double)rand() / RAND_MAX * took * 2.0e6);
        usleep(at);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        free(batch);
        size_t after = run_count(path, &ok);
        assert_true(ok);
        if (after == before)
            killed_before++;
        else if (after == before + KILL_OBS)
            killed_after++;
        else
            fail_msg("round %d: %zu runs, expected %zu or %zu", round, after, before,
                     before + KILL_OBS);
    }
    print_message("kill test: one append %.0f ms; %d rounds left the history as before, "
                  "%d as after\n",
                  took * 1e3, killed_before, killed_after);
    /* The history still takes appends after the kills. */
    h = open_w(path);
    gp_history_obs o = ob("after", 1.0, 1790000000);
    assert_int_equal(gp_history_append(h, &o, 1, NULL, &err), GP_OK);
    gp_history_close(h);
}

static void availability(void **state)
{
    (void)state;
    gp_history *h = open_w(fresh_path("signals.sqlite"));
    gp_error err;
    int64_t now = 1790000000;
    gp_history_signal sig[] = {
        {"lambda", "gpu_8x_h100_sxm5", "us-east-1", "capacity-available", now - 5 * 3600, "t"},
        {"lambda", "gpu_8x_h100_sxm5", "us-east-1", "capacity-unavailable", now - 3600, "t"},
        {"lambda", "gpu_8x_h100_sxm5", "us-west-1", "capacity-available", now - 2 * 3600, "t"},
        {"runpod", "H100 SXM", "", "stock:none", now - 600, "t"},
        {"runpod", "H100 SXM", "", "stock:low", now - 30 * 3600, "t"},
        {"aws", "p5.48xlarge", "us-east-1", "spot-band:<5%", now - 60, "t"},
    };
    gp_history_stats s;
    assert_int_equal(gp_history_record_signals(h, sig, 6, &s, &err), GP_OK);
    assert_int_equal(s.signals, 6);
    assert_int_equal(gp_history_record_signals(h, sig, 6, &s, &err), GP_OK);
    assert_int_equal(s.signals, 0); /* the same signals are kept once */
    gp_availability a;
    int64_t at;
    /* us-east-1's latest says no; us-west-1's says yes: available. */
    assert_int_equal(gp_history_availability(h, "lambda", "gpu_8x_h100_sxm5", NULL, now, 24, &a,
                                             &at, &err),
                     GP_OK);
    assert_int_equal(a, GP_AVAIL_YES);
    assert_true(at == now - 2 * 3600);
    assert_int_equal(gp_history_availability(h, "lambda", "gpu_8x_h100_sxm5", "us-east-1", now,
                                             24, &a, &at, &err),
                     GP_OK);
    assert_int_equal(a, GP_AVAIL_NO);
    /* Within 1.5 hours, us-west-1's signal is too old. */
    assert_int_equal(gp_history_availability(h, "lambda", "gpu_8x_h100_sxm5", "us-west-1", now,
                                             1.5, &a, &at, &err),
                     GP_OK);
    assert_int_equal(a, GP_AVAIL_UNKNOWN);
    assert_int_equal(gp_history_availability(h, "runpod", "H100 SXM", NULL, now, 48, &a, NULL,
                                             &err),
                     GP_OK);
    assert_int_equal(a, GP_AVAIL_NO);
    /* A spot band says nothing about capacity. */
    assert_int_equal(gp_history_availability(h, "aws", "p5.48xlarge", NULL, now, 24, &a, NULL,
                                             &err),
                     GP_OK);
    assert_int_equal(a, GP_AVAIL_UNKNOWN);
    /* The deciding signal's row: us-west-1's positive one; RunPod's
     * latest (stock:none), not the older stock:low. */
    gp_history_latest l;
    assert_int_equal(gp_history_latest_signal(h, "lambda", "gpu_8x_h100_sxm5", NULL, now, 24,
                                              &l, &err),
                     GP_OK);
    assert_int_equal(l.status, GP_AVAIL_YES);
    assert_string_equal(l.kind, "capacity-available");
    assert_string_equal(l.region, "us-west-1");
    assert_string_equal(l.source, "t");
    assert_true(l.observed_unix_s == now - 2 * 3600);
    assert_int_equal(gp_history_latest_signal(h, "runpod", "H100 SXM", NULL, now, 48, &l, &err),
                     GP_OK);
    assert_int_equal(l.status, GP_AVAIL_NO);
    assert_string_equal(l.kind, "stock:none");
    assert_int_equal(gp_history_latest_signal(h, "none", "x", NULL, now, 48, &l, &err), GP_OK);
    assert_int_equal(l.status, GP_AVAIL_UNKNOWN);
    assert_string_equal(l.kind, "");
    /* The pairs with availability signals (not the spot band), in byte
     * order; from a later time only the recent ones. */
    char **keys = NULL;
    size_t nk = 0;
    assert_int_equal(gp_history_signal_keys(h, 0, &keys, &nk, &err), GP_OK);
    assert_int_equal(nk, 2);
    assert_string_equal(keys[0], "lambda\x1fgpu_8x_h100_sxm5");
    assert_string_equal(keys[1], "runpod\x1fH100 SXM");
    gp_history_keys_free(keys, nk);
    assert_int_equal(gp_history_signal_keys(h, now - 1800, &keys, &nk, &err), GP_OK);
    assert_int_equal(nk, 1);
    assert_string_equal(keys[0], "runpod\x1fH100 SXM");
    gp_history_keys_free(keys, nk);
    gp_history_signal bad = {"x", "y", "", "stock:plenty", now, "t"};
    assert_int_equal(gp_history_record_signals(h, &bad, 1, &s, &err), GP_EINVAL);
    assert_int_equal(gp_history_signal_polarity("spot-band:>20%"), -1);
    assert_int_equal(gp_history_signal_polarity("nonsense"), -2);
    gp_history_close(h);
}

/* gp_history_latest_signals() (one query for every pair) answers what
 * gp_history_latest_signal() answers pair by pair, on signals drawn at
 * random: several regions, times that tie within and across regions,
 * both polarities at one time, spot bands, and windows from none to all. */
static void latest_signals_batch(void **state)
{
    (void)state;
    gp_history *h = open_w(fresh_path("batch.sqlite"));
    gp_error err;
    int any = -1;
    assert_int_equal(gp_history_has_signals(h, &any, &err), GP_OK);
    assert_int_equal(any, 0);
    static const char *const prov[] = {"lambda", "runpod", "aws", "Lambda"};
    static const char *const type[] = {"a", "b", "gpu_8x_h100", "H100 SXM"};
    static const char *const reg[] = {"", "us-east-1", "us-west-1", "eu"};
    static const char *const kind[] = {"capacity-available", "capacity-unavailable",
                                       "stock:high", "stock:low", "stock:none",
                                       "spot-band:<5%"};
    static const char *const src[] = {"s1", "s2", "s3"};
    int64_t now = 1790000000;
    uint32_t x = 12345;
    enum { N = 400 };
    gp_history_signal sig[N];
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        /* times on a coarse grid (ties) up to 3 days back, some in the future */
        int64_t t = now - (int64_t)((r % 40) * 7200) + ((r >> 20) % 7 == 0 ? 3600 : 0);
        sig[i] = (gp_history_signal){prov[(r >> 6) % 4], type[(r >> 9) % 4], reg[(r >> 12) % 4],
                                     kind[(r >> 15) % 6], t, src[(r >> 18) % 3]};
    }
    assert_int_equal(gp_history_record_signals(h, sig, N, NULL, &err), GP_OK);
    assert_int_equal(gp_history_has_signals(h, &any, &err), GP_OK);
    assert_int_equal(any, 1);
    const double ages[] = {0, 1, 2.5, 24, 48, 30 * 24, 1000 * 24};
    size_t seen_yes = 0, seen_no = 0;
    for (size_t a = 0; a < sizeof(ages) / sizeof(ages[0]); a++) {
        gp_history_latest_set set;
        assert_int_equal(gp_history_latest_signals(h, now, ages[a], &set, &err), GP_OK);
        for (size_t i = 1; i < set.n; i++) {
            int c = strcmp(set.entries[i - 1].provider, set.entries[i].provider);
            assert_true(c < 0 || (c == 0 && strcmp(set.entries[i - 1].instance_type,
                                                   set.entries[i].instance_type) < 0));
        }
        size_t found = 0;
        for (int p = 0; p < 4; p++)
            for (int t = 0; t < 4; t++) {
                gp_history_latest want;
                assert_int_equal(gp_history_latest_signal(h, prov[p], type[t], NULL, now,
                                                          ages[a], &want, &err),
                                 GP_OK);
                const gp_history_latest *got = gp_history_latest_find(&set, prov[p], type[t]);
                if (want.status == GP_AVAIL_UNKNOWN) {
                    assert_null(got);
                    continue;
                }
                assert_non_null(got);
                found++;
                seen_yes += want.status == GP_AVAIL_YES;
                seen_no += want.status == GP_AVAIL_NO;
                assert_int_equal(got->status, want.status);
                assert_true(got->observed_unix_s == want.observed_unix_s);
                assert_string_equal(got->kind, want.kind);
                assert_string_equal(got->region, want.region);
                assert_string_equal(got->source, want.source);
            }
        assert_int_equal(found, set.n); /* nothing the pair-by-pair answer lacks */
        gp_history_latest_set_free(&set);
    }
    assert_true(seen_yes > 0 && seen_no > 0); /* the draw exercised both */
    gp_history_latest_set bad;
    assert_int_equal(gp_history_latest_signals(h, now, -1, &bad, &err), GP_EINVAL);
    gp_history_close(h);
}

static void import_twice(void **state)
{
    (void)state;
    gp_catalog *cat = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&cat, &err), GP_OK);
    assert_int_equal(gp_catalog_add_embedded(cat, &err), GP_OK);
    gp_history *h = open_w(fresh_path("import.sqlite"));
    gp_history_stats s;
    assert_int_equal(gp_history_import_embedded(h, cat, &s, &err), GP_OK);
    assert_true(s.new_runs > 5000);
    size_t first = s.new_runs;
    assert_int_equal(gp_history_import_embedded(h, cat, &s, &err), GP_OK);
    assert_int_equal(s.new_runs + s.extended_runs, 0);
    assert_int_equal(s.unchanged, first);
    gp_history_counts c;
    assert_int_equal(gp_history_count(h, &c, &err), GP_OK);
    assert_int_equal(c.runs, first);
    /* Lambda's 8x H100 list price of 2026-09-20 (data/catalog/neocloud.csv,
     * $3.99 per GPU-hour) is a point on that day. */
    const char *gpus[] = {"H100"}, *prov[] = {"lambda"};
    gp_pricing_kind od = GP_PRICING_ON_DEMAND;
    gp_history_query q = {gpus, 1, prov, 1, &od, 1, NULL, INT64_MIN, GP_HISTORY_BY_PROVIDER};
    gp_history_result *r = NULL;
    assert_int_equal(gp_history_query_prices(h, &q, &r, &err), GP_OK);
    assert_true(gp_history_result_count(r) >= 1);
    assert_string_equal(gp_history_result_point(r, 0)->day, "2026-09-20");
    assert_true(gp_history_result_point(r, 0)->min_usd_per_gpu_hour == 3.99);
    gp_history_result_free(r);
    char **names = NULL;
    size_t nnames = 0;
    assert_int_equal(gp_history_providers(h, &names, &nnames, &err), GP_OK);
    assert_int_equal(nnames, 24); /* the 24 providers `gpuplan catalog info` lists */
    assert_string_equal(names[0], "aws");
    assert_string_equal(names[nnames - 1], "voltage-park");
    free(names);
    int64_t t;
    char basis[256];
    assert_int_equal(gp_history_snapshot_date("embedded:catalog/skypilot/aws/vms.partial.csv", &t,
                                              basis, sizeof(basis), &err),
                     GP_OK);
    assert_true(t == gp_history_unix_of_date(2026, 11, 27));
    assert_non_null(strstr(basis, "32cdbc9"));
    assert_int_equal(gp_history_snapshot_date("catalog/nothing.csv", &t, NULL, 0, &err),
                     GP_ENOTFOUND);
    gp_history_close(h);
    gp_catalog_free(cat);
}

static void home_and_dates(void **state)
{
    (void)state;
    char buf[512];
    gp_error err;
    setenv("GPUPLAN_HOME", "/x/home", 1);
    assert_int_equal(gp_history_default_path(buf, sizeof(buf), &err), GP_OK);
    assert_string_equal(buf, "/x/home/history.sqlite");
    setenv("GPUPLAN_HOME", "", 1);
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    assert_int_equal(gp_history_home(buf, sizeof(buf), &err), GP_OK);
    assert_string_equal(buf, "/x/cache/gpuplan");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/x/me", 1);
    assert_int_equal(gp_history_home(buf, sizeof(buf), &err), GP_OK);
    assert_string_equal(buf, "/x/me/.cache/gpuplan");
    char t[21];
    gp_history_format_time(gp_history_unix_of_date(2028, 2, 29) + 3661, t);
    assert_string_equal(t, "2028-02-29T01:01:01Z");
    assert_true(gp_history_unix_of_date(1970, 1, 1) == 0);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir_tmpl) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir_tmpl);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(runs_extend),      cmocka_unit_test(query_min_median),
        cmocka_unit_test(migrate_v1),       cmocka_unit_test(refuse_bad_files),
        cmocka_unit_test(second_writer_waits), cmocka_unit_test(killed_writer),
        cmocka_unit_test(availability),     cmocka_unit_test(import_twice),
        cmocka_unit_test(latest_signals_batch),
        cmocka_unit_test(home_and_dates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
