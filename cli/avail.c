/* Availability signals read from the price history (cli/avail.h). */
#include "avail.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Sets a->h and a->signals when the history holds signals. */
static void open_history(gp_cli_avail *a)
{
    char path[4096];
    gp_history *h = NULL;
    int any = 0;
    /* No history file: a read-only open fails at its stat, nothing created.
     * Whether it holds a signal is one indexed read (not a count of every
     * table, which read the whole file). */
    if (gp_history_default_path(path, sizeof(path), NULL) != GP_OK ||
        gp_history_open(path, GP_HISTORY_READ, &h, NULL) != GP_OK)
        return;
    if (gp_history_has_signals(h, &any, NULL) != GP_OK || !any) {
        gp_history_close(h);
        return;
    }
    a->h = h;
    a->signals = 1;
}

void gp_cli_avail_open(gp_cli_avail *a)
{
    memset(a, 0, sizeof(*a));
    a->now_unix_s = (int64_t)time(NULL);
    open_history(a);
}

/* The window's answers, read now (gp_cli_avail_get reads them otherwise). */
static void read_set(gp_cli_avail *a, double max_age_hours)
{
    gp_history_latest_set_free(&a->set);
    a->set_state = gp_history_latest_signals(a->h, a->now_unix_s, max_age_hours, &a->set,
                                             NULL) == GP_OK
                       ? 1
                       : -1;
    a->set_age_hours = max_age_hours;
}

static void *reader(void *arg)
{
    gp_cli_avail *a = arg; /* only its history fields: `running` is the caller's */
    sched_yield();
    open_history(a);
    if (a->h)
        read_set(a, a->set_age_hours);
    return NULL;
}

void gp_cli_avail_start(gp_cli_avail *a, double max_age_hours)
{
    memset(a, 0, sizeof(*a));
    a->set_age_hours = max_age_hours;
    a->now_unix_s = (int64_t)time(NULL);
    if (pthread_create(&a->thread, NULL, reader, a) == 0) {
        a->running = 1;
        return;
    }
    reader(a);
}

void gp_cli_avail_wait(gp_cli_avail *a)
{
    if (!a->running)
        return;
    pthread_join(a->thread, NULL);
    a->running = 0;
}

void gp_cli_avail_close(gp_cli_avail *a)
{
    gp_cli_avail_wait(a);
    gp_history_close(a->h);
    gp_history_latest_set_free(&a->set);
    a->h = NULL;
    a->set_state = 0;
}

const gp_history_latest *gp_cli_avail_find(gp_cli_avail *a, const char *provider,
                                           const char *instance_type, double max_age_hours)
{
    if (!a->h)
        return NULL;
    if (a->set_state == 0 || (a->set_state == 1 && a->set_age_hours != max_age_hours))
        read_set(a, max_age_hours);
    if (a->set_state == 1)
        return gp_history_latest_find(&a->set, provider, instance_type);
    gp_history_latest *l = &a->scratch;
    if (gp_history_latest_signal(a->h, provider, instance_type, NULL, a->now_unix_s,
                                 max_age_hours, l, NULL) != GP_OK ||
        l->status == GP_AVAIL_UNKNOWN)
        return NULL;
    return l;
}

void gp_cli_avail_get(gp_cli_avail *a, const char *provider, const char *instance_type,
                      double max_age_hours, gp_history_latest *out)
{
    const gp_history_latest *l = gp_cli_avail_find(a, provider, instance_type, max_age_hours);
    if (l)
        *out = *l;
    else
        memset(out, 0, sizeof(*out));
}

const char *gp_cli_avail_word(const gp_history_latest *l)
{
    if (l->status == GP_AVAIL_UNKNOWN)
        return "-";
    if (!strncmp(l->kind, "stock:", 6))
        return l->kind + 6;
    return l->status == GP_AVAIL_YES ? "yes" : "no";
}

void gp_cli_avail_age(int64_t s, char *buf, size_t cap)
{
    if (s < 0)
        s = 0;
    if (s < 3600)
        snprintf(buf, cap, "%lldm", (long long)(s / 60));
    else if (s < 2 * 86400)
        snprintf(buf, cap, "%lldh", (long long)(s / 3600));
    else
        snprintf(buf, cap, "%lldd", (long long)(s / 86400));
}
