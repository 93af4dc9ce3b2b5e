/* Availability signals read from the price history (cli/avail.h). */
#include "avail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void gp_cli_avail_open(gp_cli_avail *a)
{
    memset(a, 0, sizeof(*a));
    a->now_unix_s = (int64_t)time(NULL);
    char path[4096];
    gp_history *h = NULL;
    gp_history_counts c;
    /* No history file: a read-only open fails at its stat, nothing created. */
    if (gp_history_default_path(path, sizeof(path), NULL) != GP_OK ||
        gp_history_open(path, GP_HISTORY_READ, &h, NULL) != GP_OK)
        return;
    if (gp_history_count(h, &c, NULL) != GP_OK || c.signals == 0) {
        gp_history_close(h);
        return;
    }
    a->h = h;
    a->signals = c.signals;
    /* One query for the pairs that have signals at all, so the lookups
     * per offer (a thousand rows) are only made for those. Windows up to
     * 30 days are served from this list; longer ones query every row. */
    if (gp_history_signal_keys(h, a->now_unix_s - 30 * 86400, &a->keys, &a->nkeys, NULL) !=
        GP_OK) {
        a->keys = NULL;
        a->nkeys = 0;
        return;
    }
    /* Signals that say nothing about availability (AWS's Spot Advisor
     * bands, kept neutral) are not "signals recorded": with no capacity
     * or stock signal ever, there is no STOCK field and --available says
     * none was recorded. */
    char **all = NULL;
    size_t nall = 0;
    if (a->nkeys == 0 && gp_history_signal_keys(h, 0, &all, &nall, NULL) == GP_OK) {
        gp_history_keys_free(all, nall);
        if (nall == 0) {
            gp_cli_avail_close(a);
            a->signals = 0;
        }
    }
}

static int cmp_key(const void *k, const void *e)
{
    return strcmp(k, *(char *const *)e);
}

void gp_cli_avail_close(gp_cli_avail *a)
{
    gp_history_close(a->h);
    gp_history_keys_free(a->keys, a->nkeys);
    a->h = NULL;
    a->keys = NULL;
    a->nkeys = 0;
}

void gp_cli_avail_get(const gp_cli_avail *a, const char *provider,
                      const char *instance_type, double max_age_hours,
                      gp_history_latest *out)
{
    memset(out, 0, sizeof(*out));
    if (a->h && max_age_hours <= 30 * 24) {
        char key[320];
        snprintf(key, sizeof(key), "%s\x1f%s", provider, instance_type);
        if (!a->keys || !bsearch(key, a->keys, a->nkeys, sizeof(*a->keys), cmp_key))
            return;
    }
    if (!a->h ||
        gp_history_latest_signal(a->h, provider, instance_type, NULL, a->now_unix_s,
                                 max_age_hours, out, NULL) != GP_OK)
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
