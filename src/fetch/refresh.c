/* `gpuplan catalog refresh`: which source gives which provider, the
 * invariants a fetched provider must pass, and storing it whole and
 * atomically (gpuplan/refresh.h, docs/refresh.md). */
#include "gpuplan/refresh.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/push.h"
#include "core/arena.h"
#include "core/fail.h"
#include "fetch/fetcher.h"

/* Direct sources first: a provider comes from the first selected source
 * that gives it. */
static const gp_fetcher *const FETCHERS[] = {&gp_fetcher_azure,
                                             &gp_fetcher_aws,
                                             &gp_fetcher_lambda,
                                             &gp_fetcher_runpod,
                                             &gp_fetcher_gcp,
                                             &gp_fetcher_skypilot,
                                             &gp_fetcher_spot_advisor};
#define NFETCHERS (sizeof(FETCHERS) / sizeof(FETCHERS[0]))

size_t gp_refresh_source_count(void) { return NFETCHERS; }
const char *gp_refresh_source_name(size_t i)
{
    return i < NFETCHERS ? FETCHERS[i]->name : NULL;
}
int gp_refresh_source_public(size_t i)
{
    return i < NFETCHERS && !FETCHERS[i]->key_env;
}

/* ---- the data home ----------------------------------------------------- */

gp_status gp_refresh_home(char *buf, size_t cap, gp_error *err)
{
    const char *v = getenv("GPUPLAN_HOME");
    int w;
    if (v && *v)
        w = snprintf(buf, cap, "%s", v);
    else if ((v = getenv("XDG_CACHE_HOME")) && *v)
        w = snprintf(buf, cap, "%s/gpuplan", v);
    else if ((v = getenv("HOME")) && *v)
        w = snprintf(buf, cap, "%s/.cache/gpuplan", v);
    else
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "no data home: set GPUPLAN_HOME (or XDG_CACHE_HOME or "
                       "HOME)");
    if (w < 0 || (size_t)w >= cap)
        return gp_fail(err, GP_EINVAL, NULL, 0, "data home path too long");
    return GP_OK;
}

void gp_fetch_date(const char *text, char *out, size_t cap)
{
    out[0] = '\0';
    if (!text || !*text || cap < 11)
        return;
    int y, m, d;
    char tail;
    if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) >= 3 && y >= 1970 &&
        m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
        return;
    }
    double wait = gp_http_retry_after(text, 0);
    if (wait > 0 && strchr(text, ',')) {
        time_t t = (time_t)wait;
        struct tm tm;
        if (gmtime_r(&t, &tm))
            strftime(out, cap, "%Y-%m-%d", &tm);
    }
}

gp_status gp_fetch_signal(gp_fetch_ctx *ctx, const char *instance_type,
                          const char *region, const char *kind, gp_error *err)
{
    if (ctx->nsignals == ctx->signals_cap) {
        size_t cap = ctx->signals_cap ? ctx->signals_cap * 2 : 32;
        gp_refresh_signal *v = realloc(ctx->signals, cap * sizeof(*v));
        if (!v)
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        ctx->signals = v;
        ctx->signals_cap = cap;
    }
    gp_refresh_signal *g = &ctx->signals[ctx->nsignals++];
    snprintf(g->instance_type, sizeof(g->instance_type), "%s", instance_type);
    snprintf(g->region, sizeof(g->region), "%s", region ? region : "");
    snprintf(g->kind, sizeof(g->kind), "%s", kind);
    g->provider[0] = '\0';
    return GP_OK;
}

/* ---- endpoints --------------------------------------------------------- */

static int valid_base(const char *url)
{
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return 0;
    for (const char *c = url; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return 0;
    return strlen(url) < 900;
}

static const char *option_endpoint(const gp_refresh_opts *o, const char *name)
{
    const char *found = NULL;
    for (size_t i = 0; i < o->nendpoints; i++) {
        const char *eq = strchr(o->endpoints[i], '=');
        if (eq && (size_t)(eq - o->endpoints[i]) == strlen(name) &&
            strncasecmp(o->endpoints[i], name, strlen(name)) == 0)
            found = eq + 1;
    }
    return found;
}

/* GPUPLAN_ENDPOINT_<NAME>, NAME upper-case, other than letters and
 * digits as '_'. */
static void env_name(const char *name, char *var, size_t cap)
{
    snprintf(var, cap, "GPUPLAN_ENDPOINT_");
    size_t n = strlen(var);
    for (const char *c = name; *c && n + 1 < cap; c++)
        var[n++] = isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '_';
    var[n] = '\0';
}

static const char *env_endpoint(const char *name)
{
    char var[96];
    env_name(name, var, sizeof(var));
    const char *v = getenv(var);
    return v && *v ? v : NULL;
}

static const char *endpoint_for(const gp_refresh_opts *o, const gp_fetcher *f,
                                const char *provider)
{
    const char *e = option_endpoint(o, provider);
    if (!e)
        e = option_endpoint(o, f->name);
    if (!e)
        e = env_endpoint(provider);
    if (!e)
        e = env_endpoint(f->name);
    return e ? e : f->default_base;
}

/* ---- choosing sources and providers ----------------------------------- */

static int gives(const gp_fetcher *f, const char *provider)
{
    for (size_t i = 0; f->providers[i]; i++)
        if (strcasecmp(f->providers[i], provider) == 0)
            return 1;
    return 0;
}

static int selected(const gp_refresh_opts *o, const gp_fetcher *f)
{
    if (!o->nsources)
        return !f->key_env && !f->opt_in;
    for (size_t i = 0; i < o->nsources; i++)
        if (strcasecmp(o->sources[i], f->name) == 0)
            return 1;
    return 0;
}

static int wanted(const gp_refresh_opts *o, const char *provider)
{
    if (!o->nproviders)
        return 1;
    for (size_t i = 0; i < o->nproviders; i++)
        if (strcasecmp(o->providers[i], provider) == 0)
            return 1;
    return 0;
}

/* The source a provider comes from: the first selected one giving it. */
static const gp_fetcher *source_of(const gp_refresh_opts *o, const char *provider)
{
    for (size_t i = 0; i < NFETCHERS; i++)
        if (selected(o, FETCHERS[i]) && gives(FETCHERS[i], provider))
            return FETCHERS[i];
    return NULL;
}

/* ---- files ------------------------------------------------------------- */

static gp_status mkdirs(const char *path, gp_error *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return gp_fail(err, GP_EINVAL, path, 0, "path too long");
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return gp_fail(err, GP_EIO, buf, 0, "cannot create folder: %s",
                               strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    return GP_OK;
}

/* Writes `data` to path.tmp.PID, fsyncs it, renames it over path and
 * fsyncs the folder: readers see the old file or the new one, whole. */
static gp_status write_atomic(const char *dir, const char *path,
                              const char *data, size_t len, gp_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return gp_fail(err, GP_EIO, tmp, 0, "cannot write: %s", strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return gp_fail(err, GP_EIO, tmp, 0, "cannot write: %s", strerror(e));
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return gp_fail(err, GP_EIO, tmp, 0, "cannot write: %s", strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return gp_fail(err, GP_EIO, path, 0, "cannot replace: %s", strerror(e));
    }
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return GP_OK;
}

/* Data lines of a stored provider file (0 when there is none). */
static size_t stored_offers(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t lines = 0;
    int c, last = '\n';
    while ((c = getc(f)) != EOF) {
        if (c == '\n')
            lines++;
        last = c;
    }
    if (last != '\n')
        lines++;
    fclose(f);
    return lines ? lines - 1 : 0;
}

/* ---- a growing text buffer -------------------------------------------- */

typedef struct text {
    char *p;
    size_t len, cap;
    int oom;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t next = t->cap ? t->cap : 65536;
        while (next < t->len + n + 1)
            next *= 2;
        char *b = realloc(t->p, next);
        if (!b) {
            t->oom = 1;
            return;
        }
        t->p = b;
        t->cap = next;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

static void cell(text *t, const char *s, int first)
{
    if (!first)
        put(t, ",", 1);
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        puts_(t, s);
        return;
    }
    put(t, "\"", 1);
    for (const char *c = s; *c; c++) {
        if (*c == '"')
            put(t, "\"", 1);
        put(t, c, 1);
    }
    put(t, "\"", 1);
}

static void num(text *t, double v)
{
    put(t, ",", 1);
    if (isnan(v))
        return;
    char b[64];
    snprintf(b, sizeof(b), "%.10g", v);
    puts_(t, b);
}

static void tsv_field(text *t, const char *s)
{
    for (const char *c = s; *c; c++)
        put(t, (*c == '\t' || *c == '\n' || *c == '\r') ? " " : c, 1);
}

/* ---- checking one fetched provider ------------------------------------- */

static void refuse(text *t, size_t *count, const char *url, unsigned line,
                   const char *kind, const char *msg)
{
    tsv_field(t, url);
    put(t, "\t", 1);
    char b[16];
    snprintf(b, sizeof(b), "%u", line);
    puts_(t, b);
    put(t, "\t", 1);
    tsv_field(t, kind);
    put(t, "\t", 1);
    tsv_field(t, msg);
    put(t, "\n", 1);
    (*count)++;
}

static const char *HEADER =
    "provider,kind,instance_type,region,zone,gpu,gpu_count,gpu_mem_gb,vcpus,"
    "ram_gb,usd_per_hour,usd_per_gpu_hour,spot_usd_per_hour,"
    "spot_usd_per_gpu_hour,fabric,fabric_gbps,source,as_of,notes,"
    "observed_utc,effective\n";

/* The invariants: every stored price is > 0 (the loader has left out rows
 * without one: refused), spot < on-demand (else the spot price is
 * refused, the on-demand price kept), the GPU count agrees with the count
 * the instance name states, and malformed rows are refused. */
static void check_and_write(const gp_catalog *cat, const gp_refresh_result *r,
                            const char *date, text *csv, text *bad,
                            size_t *offers, size_t *refused)
{
    *offers = 0;
    *refused = 0;
    const char *url = r->endpoint;
    for (size_t i = 0; i < gp_catalog_diag_count(cat); i++) {
        const gp_diag *d = gp_catalog_diag(cat, i);
        if (d->kind == GP_DIAG_NO_PRICE || d->kind == GP_DIAG_BAD_ROW ||
            d->kind == GP_DIAG_SPOT_PLACEHOLDER)
            refuse(bad, refused, url, d->line, gp_diag_kind_name(d->kind),
                   d->message);
    }
    puts_(csv, HEADER);
    const gp_offer *o = gp_catalog_offers(cat);
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++) {
        const gp_offer *x = &o[i];
        double stated = gp_instance_stated_gpus(x->instance_type);
        int per_gpu = (x->flags & GP_OFFER_PER_GPU_LISTING) != 0;
        if (!per_gpu && !isnan(stated) && fabs(stated - x->gpu_count) > 1e-9) {
            char m[300];
            snprintf(m, sizeof(m),
                     "%s: the name states %g accelerators, the source %g; row "
                     "refused",
                     x->instance_type, stated, x->gpu_count);
            refuse(bad, refused, url, x->line, "count-mismatch", m);
            continue;
        }
        double od = x->usd_per_hour, spot = x->spot_usd_per_hour;
        if (!(od > 0))
            od = NAN;
        if (!(spot > 0))
            spot = NAN;
        if (isnan(od) && isnan(spot))
            continue;
        if (!isnan(od) && !isnan(spot) && !(spot < od)) {
            char m[300];
            snprintf(m, sizeof(m),
                     "%s %s: spot $%.4g/h is not below on-demand $%.4g/h; spot "
                     "price refused",
                     x->instance_type, x->zone[0] ? x->zone : x->region, spot, od);
            refuse(bad, refused, url, x->line, "spot-not-below-on-demand", m);
            spot = NAN;
        }
        /* The source's own notes (Azure's reserved and savings-plan rates)
         * stay; where it gave a date, the notes say so. */
        char notes[600];
        snprintf(notes, sizeof(notes), "%s%s%s%s", x->notes,
                 x->notes[0] && r->effective[0] ? "; " : "",
                 r->effective[0] ? "source effective " : "", r->effective);
        cell(csv, x->provider, 1);
        cell(csv, x->kind ? gp_kind_name(x->kind) : "", 0);
        cell(csv, x->instance_type, 0);
        cell(csv, x->region, 0);
        cell(csv, x->zone, 0);
        cell(csv, x->gpu, 0);
        num(csv, per_gpu ? NAN : x->gpu_count);
        num(csv, x->gpu_mem_gb);
        num(csv, x->vcpus);
        num(csv, x->ram_gb);
        num(csv, per_gpu ? NAN : od);
        num(csv, per_gpu ? od : NAN);
        num(csv, per_gpu ? NAN : spot);
        num(csv, per_gpu ? spot : NAN);
        cell(csv, x->fabric ? gp_fabric_name(x->fabric) : "", 0);
        num(csv, x->fabric_gbps);
        cell(csv, url, 0);
        cell(csv, date, 0);
        cell(csv, notes, 0);
        cell(csv, r->observed_utc, 0);
        cell(csv, r->effective, 0);
        put(csv, "\n", 1);
        (*offers)++;
    }
}

/* ---- one provider ------------------------------------------------------ */

/* A feed (not offers) a fetcher checked: the count guard on its figures,
 * then the document it made stored as dir/<provider>.txt, atomically; the signals it
 * gave go with it. Takes ctx->feed and ctx->signals. */
static gp_status store_feed(const gp_refresh_opts *o, const char *dir, gp_fetch_ctx *ctx,
                            gp_refresh_result *r)
{
    gp_error *err = &r->err;
    char path[4300];
    snprintf(path, sizeof(path), "%s/%s.txt", dir, r->provider);
    r->feed = 1;
    r->offers = ctx->feed_items;
    r->previous = ctx->feed_previous;
    gp_status st = GP_OK;
    if (!o->force && r->offers * 2 < r->previous)
        st = gp_fail(err, GP_EDATA, NULL, 0,
                     "%zu band figures where %zu were stored: fewer than half, so the "
                     "previous feed is kept (--force replaces it)",
                     r->offers, r->previous);
    if (o->progress)
        o->progress(o->progress_ctx, r->provider, 0, r->offers);
    if (st == GP_OK)
        st = mkdirs(dir, err);
    if (st == GP_OK)
        st = write_atomic(dir, path, ctx->feed, ctx->feed_len, err);
    free(ctx->feed);
    ctx->feed = NULL;
    if (st != GP_OK) {
        free(ctx->signals);
        return st;
    }
    r->signals = ctx->signals;
    r->nsignals = ctx->nsignals;
    return GP_OK;
}

typedef struct run_ctx {
    const gp_refresh_opts *opts;
    const char *provider;
    size_t base_bytes;
} run_ctx;

static void on_bytes(void *c, size_t bytes)
{
    run_ctx *rc = c;
    if (rc->opts->progress)
        rc->opts->progress(rc->opts->progress_ctx, rc->provider,
                           bytes - rc->base_bytes, 0);
}

static gp_status refresh_one(const gp_refresh_opts *o, const char *home,
                             const gp_fetcher *f, gp_http *http,
                             const gp_catalog **specs, gp_catalog **specs_own,
                             size_t *bytes_seen, gp_refresh_result *r)
{
    gp_error *err = &r->err;
    char dir[4200], path[4300], rpath[4300];
    snprintf(dir, sizeof(dir), "%s/refresh", home);
    snprintf(path, sizeof(path), "%s/%s.csv", dir, r->provider);
    snprintf(rpath, sizeof(rpath), "%s/%s.refused", dir, r->provider);
    r->previous = stored_offers(path);

    const char *key = NULL;
    if (f->key_env) {
        key = getenv(f->key_env);
        if (!key || !*key)
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "%s needs an API key: set %s in the environment "
                           "(gpuplan reads it from there only)",
                           f->name, f->key_env);
    }
    time_t now = time(NULL);
    struct tm tm;
    char date[16];
    gmtime_r(&now, &tm);
    r->observed_unix_s = (int64_t)now;
    strftime(r->observed_utc, sizeof(r->observed_utc), "%Y-%m-%dT%H:%M:%SZ", &tm);
    strftime(date, sizeof(date), "%Y-%m-%d", &tm);

    if (!*specs && f->needs_specs) {
        gp_status st = gp_catalog_new(specs_own, err);
        if (st == GP_OK)
            st = gp_catalog_add_embedded(*specs_own, err);
        if (st != GP_OK)
            return st;
        *specs = *specs_own;
    }
    gp_catalog *cat = NULL;
    gp_status st = gp_catalog_new(&cat, err);
    if (st != GP_OK)
        return st;
    gp_fetch_ctx ctx = {0};
    ctx.http = http;
    ctx.base = endpoint_for(o, f, r->provider);
    ctx.provider = r->provider;
    ctx.key = key;
    ctx.cat = cat;
    ctx.specs = *specs;
    ctx.dir = dir;
    ctx.observed_utc = r->observed_utc;
    *bytes_seen = gp_http_bytes(http);
    run_ctx pc = {o, r->provider, *bytes_seen};
    gp_http_set_progress(http, on_bytes, &pc);
    size_t req0 = gp_http_requests(http);
    st = f->fetch(&ctx, err);
    snprintf(r->endpoint, sizeof(r->endpoint), "%s", ctx.first_url);
    snprintf(r->effective, sizeof(r->effective), "%s", ctx.effective);
    r->requests = gp_http_requests(http) - req0;
    r->bytes = gp_http_bytes(http) - *bytes_seen;
    if (ctx.feed_previous)
        r->previous = ctx.feed_previous;
    if (st == GP_OK && ctx.feed) {
        gp_catalog_free(cat);
        return store_feed(o, dir, &ctx, r);
    }
    free(ctx.feed);
    text csv = {0}, bad = {0};
    if (st == GP_OK) {
        check_and_write(cat, r, date, &csv, &bad, &r->offers, &r->refused);
        if (csv.oom || bad.oom)
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        else if (r->offers == 0)
            st = gp_fail(err, GP_EDATA, NULL, 0,
                         "%s gave no offers that pass the checks (%zu refused); "
                         "kept the previous data",
                         r->endpoint, r->refused);
        else if (!o->force && r->offers * 2 < r->previous)
            st = gp_fail(err, GP_EDATA, NULL, 0,
                         "%zu offers where %zu were stored: fewer than half, so "
                         "the previous data is kept (--force replaces it)",
                         r->offers, r->previous);
    }
    if (o->progress)
        o->progress(o->progress_ctx, r->provider, 0, r->offers);
    gp_catalog_free(cat);
    if (st == GP_OK)
        st = mkdirs(dir, err);
    if (st == GP_OK)
        st = write_atomic(dir, rpath, bad.p ? bad.p : "", bad.len, err);
    if (st == GP_OK)
        st = write_atomic(dir, path, csv.p, csv.len, err);
    free(csv.p);
    free(bad.p);
    if (st != GP_OK) {
        free(ctx.signals);
        return st;
    }
    /* Signals are kept with the prices they came with. */
    r->signals = ctx.signals;
    r->nsignals = ctx.nsignals;
    /* What was stored, loaded back as every command will load it. */
    st = gp_catalog_new(&r->catalog, err);
    if (st == GP_OK)
        st = gp_catalog_add_path(r->catalog, path, NULL, err);
    return st;
}

gp_status gp_refresh_run(const gp_refresh_opts *o, gp_refresh_result **results,
                         size_t *nresults, gp_error *err)
{
    *results = NULL;
    *nresults = 0;
    for (size_t i = 0; i < o->nsources; i++) {
        size_t k = 0;
        while (k < NFETCHERS && strcasecmp(FETCHERS[k]->name, o->sources[i]) != 0)
            k++;
        if (k == NFETCHERS)
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "unknown source '%s' (skypilot, azure, aws, lambda, runpod, gcp, "
                           "aws-spot-advisor)",
                           o->sources[i]);
    }
    for (size_t i = 0; i < o->nproviders; i++)
        if (!source_of(o, o->providers[i]))
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "no selected source gives provider '%s' (docs/"
                           "refresh.md lists them)",
                           o->providers[i]);
    for (size_t i = 0; i < o->nendpoints; i++) {
        const char *eq = strchr(o->endpoints[i], '=');
        if (!eq || eq == o->endpoints[i] || !valid_base(eq + 1))
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "endpoint '%s' is not NAME=http(s)://HOST[/PATH]",
                           o->endpoints[i]);
    }
    /* The plan: each wanted provider once, from its source. */
    const char *names[256];
    const gp_fetcher *from[256];
    size_t n = 0;
    for (size_t i = 0; i < NFETCHERS; i++) {
        const gp_fetcher *f = FETCHERS[i];
        if (!selected(o, f))
            continue;
        for (size_t p = 0; f->providers[p] && n < 256; p++) {
            const char *prov = f->providers[p];
            if (!wanted(o, prov) || source_of(o, prov) != f)
                continue;
            names[n] = prov;
            from[n++] = f;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const char *e = env_endpoint(names[i]);
        const char *es = env_endpoint(from[i]->name);
        if ((e && !valid_base(e)) || (es && !valid_base(es))) {
            char var[96];
            env_name(e && !valid_base(e) ? names[i] : from[i]->name, var, sizeof(var));
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "%s must be an http(s)://HOST[/PATH] URL", var);
        }
    }
    char home[4096];
    const char *h = o->home;
    if (!h) {
        gp_status st = gp_refresh_home(home, sizeof(home), err);
        if (st != GP_OK)
            return st;
        h = home;
    }
    gp_refresh_result *res = calloc(n ? n : 1, sizeof(*res));
    if (!res)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    gp_http_opts ho = {o->timeout_seconds > 0 ? o->timeout_seconds : 60,
                       o->retries >= 0 ? o->retries : 4, 1.0, 60.0};
    gp_http *http = NULL;
    gp_status st = gp_http_new(&http, &ho, err);
    if (st != GP_OK) {
        free(res);
        return st;
    }
    const gp_catalog *specs = NULL;
    gp_catalog *specs_own = NULL;
    size_t bytes_seen = 0;
    for (size_t i = 0; i < n; i++) {
        gp_refresh_result *r = &res[i];
        snprintf(r->provider, sizeof(r->provider), "%s", names[i]);
        snprintf(r->source, sizeof(r->source), "%s", from[i]->name);
        gp_error_clear(&r->err);
        r->status = refresh_one(o, h, from[i], http, &specs, &specs_own,
                                &bytes_seen, r);
        if (r->status != GP_OK) {
            gp_catalog_free(r->catalog);
            r->catalog = NULL;
        }
    }
    gp_http_free(http);
    gp_catalog_free(specs_own);
    *results = res;
    *nresults = n;
    return GP_OK;
}

void gp_refresh_results_free(gp_refresh_result *results, size_t n)
{
    for (size_t i = 0; results && i < n; i++) {
        gp_catalog_free(results[i].catalog);
        free(results[i].signals);
    }
    free(results);
}

/* ---- reading what was stored ------------------------------------------ */

static int is_stored_csv(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && name[0] != '.' && strcmp(name + n - 4, ".csv") == 0 &&
           !strstr(name, ".tmp.");
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The refused rows of one provider, as "refused" diagnostics of a source
 * named by the URL they were fetched from. */
static gp_status add_refused(gp_catalog *cat, const char *path,
                             const char *provider, gp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return GP_OK;
    char line[2048];
    char last_url[2048] = "";
    unsigned si = 0;
    gp_status st = GP_OK;
    while (st == GP_OK && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *url = line, *ln = strchr(url, '\t');
        if (!ln)
            continue;
        *ln++ = '\0';
        char *kind = strchr(ln, '\t');
        if (!kind)
            continue;
        *kind++ = '\0';
        char *msg = strchr(kind, '\t');
        if (!msg)
            continue;
        *msg++ = '\0';
        if (strcmp(url, last_url) != 0 || !last_url[0]) {
            gp_source s = {0};
            s.name = url;
            s.provider = provider;
            s.format = "refused";
            s.as_of = "";
            s.snapshot = "";
            s.licence = "";
            st = gp_catalog_add_source(cat, &s, &si, err);
            snprintf(last_url, sizeof(last_url), "%s", url);
        }
        long l = strtol(ln, NULL, 10);
        if (st == GP_OK &&
            gp_catalog_diag_add(cat, GP_DIAG_REFUSED, si,
                                (unsigned)(l > 0 && l < 100000000 ? l : 0),
                                "%s: %s", kind, msg) != GP_OK)
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    fclose(f);
    return st;
}

gp_status gp_refresh_add_stored(gp_catalog *cat, const char *home,
                                gp_refresh_stored **stored, size_t *nstored,
                                gp_error *err)
{
    *stored = NULL;
    *nstored = 0;
    char dir[4200];
    snprintf(dir, sizeof(dir), "%s/refresh", home);
    DIR *d = opendir(dir);
    if (!d)
        return GP_OK;
    char *names[256];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < 256)
        if (is_stored_csv(de->d_name) && (names[n] = strdup(de->d_name)))
            n++;
    closedir(d);
    if (!n)
        return GP_OK;
    qsort(names, n, sizeof(*names), cmp_name);
    gp_refresh_stored *out = calloc(n, sizeof(*out));
    gp_status st = out ? GP_OK : gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    size_t m = 0;
    for (size_t i = 0; st == GP_OK && i < n; i++) {
        char path[4500];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        size_t before = gp_catalog_source_count(cat);
        st = gp_catalog_add_path(cat, path, NULL, err);
        if (st != GP_OK)
            break;
        gp_refresh_stored *s = &out[m++];
        snprintf(s->provider, sizeof(s->provider), "%.*s",
                 (int)(strlen(names[i]) - 4), names[i]);
        s->observed = sb.st_mtime;
        for (size_t k = before; k < gp_catalog_source_count(cat); k++)
            s->offers += gp_catalog_source(cat, k)->offers;
        char rpath[4600];
        snprintf(rpath, sizeof(rpath), "%s/%s.refused", dir, s->provider);
        st = add_refused(cat, rpath, s->provider, err);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    if (st != GP_OK) {
        free(out);
        return st;
    }
    *stored = out;
    *nstored = m;
    return GP_OK;
}
