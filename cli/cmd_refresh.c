/* gpuplan catalog refresh: fetch fresh prices per provider, check them and
 * store them in the data home (docs/refresh.md; the library side is
 * gpuplan/refresh.h). A summary per provider on stdout; failures on
 * stderr, each naming the provider and why; progress on stderr only when
 * it is a terminal. Exit 0 when every provider was stored, 1 when any
 * failed (their previous data is kept), 2 for a bad option. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "gpuplan/history.h"
#include "gpuplan/refresh.h"
#include "load.h"
#include "out.h"
#include "refresh_cmd.h"

typedef struct progress {
    int on;
    char provider[64];
} progress;

static void on_progress(void *ctx, const char *provider, size_t bytes,
                        size_t offers)
{
    progress *p = ctx;
    if (!p->on)
        return;
    if (strcmp(p->provider, provider) != 0) {
        if (p->provider[0])
            fputc('\n', stderr);
        snprintf(p->provider, sizeof(p->provider), "%s", provider);
    }
    if (offers)
        fprintf(stderr, "\r  %-16s %8.1f kB  %zu offers", provider,
                (double)bytes / 1e3, offers);
    else
        fprintf(stderr, "\r  %-16s %8.1f kB", provider, (double)bytes / 1e3);
    fflush(stderr);
}

/* Appends the stored offers of every provider that refreshed to the
 * history, one transaction per provider, and prints one line: how many
 * prices, and (on stderr) whether it waited for another writer. Returns
 * 0, or -1 after a message. */
static int record_history(const char *cmd, const gp_refresh_result *res, size_t n)
{
    char path[4096];
    gp_error err;
    gp_error_clear(&err);
    gp_history *h = NULL;
    gp_history_stats all, one;
    memset(&all, 0, sizeof(all));
    size_t all_bands = 0;
    int priced = 0;
    gp_status st = gp_history_default_path(path, sizeof(path), &err);
    if (st == GP_OK)
        st = gp_history_open(path, GP_HISTORY_WRITE, &h, &err);
    for (size_t i = 0; st == GP_OK && i < n; i++) {
        const gp_refresh_result *r = &res[i];
        if (r->status != GP_OK || (!r->catalog && !r->nsignals))
            continue;
        memset(&one, 0, sizeof(one));
        /* A feed (aws-spot-advisor) has no prices, only its signals. */
        priced |= r->catalog != NULL;
        if (r->catalog)
            st = gp_history_append_catalog(h, r->catalog, r->provider, r->endpoint,
                                           r->observed_unix_s, &one, &err);
        /* The availability the source gave with these prices, at the
         * same time and from the same endpoint. */
        if (st == GP_OK && r->nsignals) {
            gp_history_signal *sig = calloc(r->nsignals, sizeof(*sig));
            if (!sig) {
                err.status = st = GP_ENOMEM;
                snprintf(err.message, sizeof(err.message), "out of memory");
                break;
            }
            for (size_t k = 0; k < r->nsignals; k++) {
                sig[k].provider =
                    r->signals[k].provider[0] ? r->signals[k].provider : r->provider;
                sig[k].instance_type = r->signals[k].instance_type;
                sig[k].region = r->signals[k].region;
                sig[k].kind = r->signals[k].kind;
                sig[k].observed_unix_s = r->observed_unix_s;
                sig[k].source = r->endpoint;
            }
            gp_history_stats ss;
            memset(&ss, 0, sizeof(ss));
            st = gp_history_record_signals(h, sig, r->nsignals, &ss, &err);
            free(sig);
            if (r->feed)
                all_bands += ss.signals;
            else
                all.signals += ss.signals;
        }
        all.observations += one.observations;
        all.new_runs += one.new_runs;
        all.extended_runs += one.extended_runs;
        if (one.waited) {
            all.waited = 1;
            all.waited_s += one.waited_s;
        }
    }
    gp_history_close(h);
    if (all.waited)
        fprintf(stderr, "gpuplan %s: waited %.1f s for another gpuplan writing %s\n", cmd,
                all.waited_s, path);
    if (st != GP_OK) {
        gp_report(cmd, st, &err);
        return -1;
    }
    if (priced)
        printf("history: %zu prices recorded in %s (%zu new runs, %zu extended)\n",
               all.observations, path, all.new_runs, all.extended_runs);
    if (all.signals)
        printf("availability: %zu signals recorded (gpuplan offers --available)\n",
               all.signals);
    if (all_bands)
        printf("availability: %zu Spot Advisor bands recorded as neutral signals (a "
               "monthly interruption share, not stock: no STOCK or --available effect) "
               "in %s\n",
               all_bands, path);
    return 0;
}

int gp_cli_catalog_refresh(const gp_args *args)
{
    const char *cmd = "catalog refresh";
    gp_refresh_opts o = {0};
    char *pbuf = NULL, *sbuf = NULL;
    const char **providers = gp_cli_split_lists(gp_arg(args, "provider"),
                                                &o.nproviders, &pbuf);
    const char **sources = gp_cli_split_lists(gp_arg(args, "source"),
                                              &o.nsources, &sbuf);
    o.providers = providers;
    o.sources = sources;
    const gp_opt_value *ev = gp_arg(args, "endpoint");
    o.endpoints = ev->set ? ev->list : NULL;
    o.nendpoints = ev->set ? ev->nlist : 0;
    o.force = gp_arg_set(args, "force");
    int retries = 4, timeout = 60;
    int rc = gp_arg_int(args, "retries", 0, 20, &retries);
    if (!rc)
        rc = gp_arg_int(args, "timeout", 1, 3600, &timeout);
    if (rc)
        goto out;
    o.retries = retries;
    o.timeout_seconds = timeout;
    progress prog = {0};
    prog.on = !gp_arg_set(args, "quiet") && isatty(STDERR_FILENO);
    o.progress = on_progress;
    o.progress_ctx = &prog;

    gp_refresh_result *res = NULL;
    size_t n = 0;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_refresh_run(&o, &res, &n, &err);
    if (prog.on && prog.provider[0])
        fputc('\n', stderr);
    if (st != GP_OK) {
        rc = st == GP_EINVAL ? gp_usage_error(cmd, "%s", err.message)
                             : gp_report(cmd, st, &err);
        goto out;
    }
    size_t failed = 0, stored = 0, offers = 0;
    /* PROVIDER and SOURCE as wide as their longest entry (at least 16 and
     * 9, the widths every provider's summary had before
     * `aws-spot-advisor`, whose source name is 16 characters). */
    int pw = 16, sw = 9;
    for (size_t i = 0; i < n; i++) {
        size_t lp = strlen(res[i].provider), ls = strlen(res[i].source);
        if (lp > (size_t)pw)
            pw = (int)lp;
        if (ls > (size_t)sw)
            sw = (int)ls;
    }
    printf("%-*s %-*s %7s %7s %7s  %s\n", pw, "PROVIDER", sw, "SOURCE", "OFFERS", "REFUSED",
           "BEFORE", "RESULT");
    for (size_t i = 0; i < n; i++) {
        const gp_refresh_result *r = &res[i];
        if (r->status == GP_OK && r->feed) {
            /* A feed: OFFERS and BEFORE count its band figures. */
            stored++;
            printf("%-*s %-*s %7zu %7s %7zu  stored: %zu Spot Advisor bands (not "
                   "offers), as of %s%s%s\n",
                   pw, r->provider, sw, r->source, r->offers, "-", r->previous, r->offers,
                   r->observed_utc, r->effective[0] ? ", AWS's Last-Modified " : "",
                   r->effective);
        } else if (r->status == GP_OK) {
            stored++;
            offers += r->offers;
            printf("%-*s %-*s %7zu %7zu %7zu  stored, as of %s\n", pw, r->provider, sw,
                   r->source, r->offers, r->refused, r->previous, r->observed_utc);
        } else {
            failed++;
            printf("%-*s %-*s %7s %7s %7zu  FAILED (%s)\n", pw, r->provider, sw, r->source,
                   "-", "-", r->previous,
                   r->previous ? "old data kept" : "embedded used");
            fprintf(stderr, "gpuplan %s: %s failed: %s%s%s\n", cmd, r->provider,
                    r->err.file[0] ? r->err.file : "", r->err.file[0] ? ": " : "",
                    r->err.message);
        }
    }
    char home[4096] = "";
    gp_refresh_home(home, sizeof(home), NULL);
    printf("%zu of %zu providers refreshed (%zu offers) into %s/refresh; "
           "refused rows: gpuplan catalog check --kind refused\n",
           stored, n, offers, home);
    /* What each refreshed provider showed goes into the price history
     * (docs/history.md). */
    int history_failed = stored > 0 && record_history(cmd, res, n) != 0;
    gp_refresh_results_free(res, n);
    rc = failed || history_failed ? GP_EXIT_FAIL : GP_EXIT_OK;
out:
    free(providers);
    free(sources);
    free(pbuf);
    free(sbuf);
    return rc;
}
