/* Availability signals for the CLI (docs/offers.md, docs/history.md): the
 * price history's signals, read when the history file exists. Shared by
 * `offers` (the STOCK column, --available) and `plan` (the no-capacity
 * note). */
#ifndef GP_CLI_AVAIL_H
#define GP_CLI_AVAIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "gpuplan/history.h"

typedef struct gp_cli_avail {
    gp_history *h;   /* NULL: no history file, or one without signals */
    size_t signals;  /* 1: the file holds signals (not a count) */
    int64_t now_unix_s;
    /* The answers for every pair within one window, read by the first
     * gp_cli_avail_get() of that window (one query, not two per offer). */
    gp_history_latest_set set;
    double set_age_hours;
    int set_state;   /* 0 not read, 1 read, -1 the read failed: per pair */
    gp_history_latest scratch; /* gp_cli_avail_find's answer read per pair */
    pthread_t thread; /* gp_cli_avail_start's reader */
    int running;      /* started and not joined yet */
} gp_cli_avail;

/* Opens the default history read-only when it exists. Never fails: an
 * unreadable history means no signals (a = {0}). */
void gp_cli_avail_open(gp_cli_avail *a);
void gp_cli_avail_close(gp_cli_avail *a);

/* gp_cli_avail_open() and the answers for one window, in a second thread
 * while the caller loads the catalog (the history is SQLite: opening it
 * and its first query take about a millisecond). Nothing else may touch
 * `a` until gp_cli_avail_wait() (gp_cli_avail_close() waits too). When no
 * thread can be started it runs here. */
void gp_cli_avail_start(gp_cli_avail *a, double max_age_hours);
void gp_cli_avail_wait(gp_cli_avail *a);

/* The latest signal for an instance type in any region within
 * max_age_hours; status GP_AVAIL_UNKNOWN when there is none. */
void gp_cli_avail_get(gp_cli_avail *a, const char *provider,
                      const char *instance_type, double max_age_hours,
                      gp_history_latest *out);

/* The same answer by reference: NULL when there is no signal (status
 * GP_AVAIL_UNKNOWN); valid until the next call or gp_cli_avail_close(). */
const gp_history_latest *gp_cli_avail_find(gp_cli_avail *a, const char *provider,
                                           const char *instance_type, double max_age_hours);

/* "yes", "no", "high", "medium", "low", "none" for a signal kind. */
const char *gp_cli_avail_word(const gp_history_latest *l);
/* How long ago, short: "40m", "5h", "3d". */
void gp_cli_avail_age(int64_t seconds, char *buf, size_t cap);

#endif
