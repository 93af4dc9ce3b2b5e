/* AWS's Spot Instance Advisor feed as a refresh source (`aws-spot-advisor`,
 * docs/refresh.md): GET <base>/spot-advisor-data.json, public, no key.
 * The URL is the one the Spot Instance Advisor page
 * (aws.amazon.com/ec2/spot/instance-advisor/) loads, as public fetchers
 * use it (alexei-led/spotinfo, internal/spot/data.go: spotAdvisorJSONURL
 * = https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json).
 *
 * It gives no offers: the feed itself is checked by the one feed reader
 * (fetch/spot_feed.h: ranges present, every band `r` inside them, names
 * plain, at least one Linux band), reduced to its Linux bands in a small
 * text table (gp_spot_feed_store(), fetch/spot_feed.h) and handed to
 * refresh.c to store as <home>/refresh/aws-spot-advisor.txt, where the
 * planner reads it (gp_spot_feed_read_stored(), no JSON parsed) over the
 * copy compiled in at build time. The bands of the catalog's AWS
 * instance types also become availability signals "spot-band:<label>"
 * (provider aws, per region): a band is the share of that type's spot
 * capacity AWS reclaimed in the trailing month, so it says the spot pool
 * was sold and how often it was taken back, not whether capacity is there
 * now; the history keeps them neutral (gp_history_signal_polarity() -1),
 * never as stock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fail.h"
#include "fetch/fetcher.h"
#include "fetch/spot_feed.h"

#define FEED_PATH "/spot-advisor-data.json"

/* Reads a whole file into a malloc'd buffer; -1 when it cannot. */
static int read_file(const char *path, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    char chunk[65536];
    int bad = 0;
    while (!bad && (got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (n + got + 1 > cap) {
            size_t c = cap ? cap * 2 : 1 << 20;
            while (c < n + got + 1)
                c *= 2;
            char *p = realloc(buf, c);
            if (!p)
                bad = 1;
            else {
                buf = p;
                cap = c;
            }
        }
        if (!bad) {
            memcpy(buf + n, chunk, got);
            n += got;
        }
    }
    bad |= ferror(f);
    fclose(f);
    if (bad || !buf) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

gp_status gp_refresh_spot_feed_load(const char *home, gp_spot_feed *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    char path[4300];
    snprintf(path, sizeof(path), "%s/refresh/%s.txt", home, GP_SPOT_FEED_SOURCE);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return gp_fail(err, GP_ENOTFOUND, path, 0, "no refreshed Spot Advisor feed");
    char *data = NULL;
    size_t len = 0;
    if (read_file(path, &data, &len) != 0)
        return gp_fail(err, GP_EIO, path, 0, "cannot read the stored feed");
    char msg[512];
    size_t line = 0;
    int rc = gp_spot_feed_read_stored(data, len, out, &line, msg, sizeof(msg));
    free(data);
    if (rc != 0)
        return gp_fail(err, GP_EDATA, path, (long)line,
                       "%s (remove it, or run `gpuplan catalog refresh --source %s`)", msg,
                       GP_SPOT_FEED_SOURCE);
    return GP_OK;
}

/* The figures of the feed stored before, for the count guard (0 when
 * none, or when it does not read: then any checked feed replaces it). */
static size_t previous_figures(const char *dir)
{
    if (!dir)
        return 0;
    char path[4300];
    snprintf(path, sizeof(path), "%s/%s.txt", dir, GP_SPOT_FEED_SOURCE);
    char *data = NULL;
    size_t len = 0;
    if (read_file(path, &data, &len) != 0)
        return 0;
    gp_spot_feed f;
    char msg[256];
    size_t line;
    size_t n = gp_spot_feed_read_stored(data, len, &f, &line, msg, sizeof(msg)) == 0
                   ? f.figures
                   : 0;
    gp_spot_feed_clear(&f);
    free(data);
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One "spot-band:<label>" signal per region with a band, for each AWS
 * instance type of the catalog (its accelerator instances: 52 types,
 * about 540 signals from the 2025-06-28 feed, not the feed's 15,000 Linux
 * figures of every EC2 type). */
static gp_status band_signals(gp_fetch_ctx *ctx, const gp_spot_feed *f, gp_error *err)
{
    const gp_catalog *specs = ctx->specs;
    if (!specs)
        return GP_OK;
    const gp_offer *o = gp_catalog_offers(specs);
    size_t n = gp_catalog_offer_count(specs);
    const char **seen = calloc(n ? n : 1, sizeof(*seen));
    if (!seen)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    size_t nseen = 0;
    gp_status st = GP_OK;
    for (size_t i = 0; st == GP_OK && i < n; i++) {
        if (strcmp(o[i].provider, "aws") != 0 || !o[i].instance_type[0])
            continue;
        const char *key = o[i].instance_type;
        size_t k = 0;
        while (k < nseen && strcmp(seen[k], key) != 0)
            k++;
        if (k < nseen)
            continue;
        seen[nseen++] = key;
        char **hit = bsearch(&key, f->types, f->ntypes, sizeof(*f->types), cmp_str);
        if (!hit)
            continue;
        size_t ti = (size_t)(hit - f->types);
        for (size_t ri = 0; st == GP_OK && ri < f->nregions; ri++) {
            unsigned char b = f->bands[ti * f->nregions + ri];
            if (b == GP_SPOT_FEED_NONE)
                continue;
            char kind[32];
            snprintf(kind, sizeof(kind), "spot-band:%s", f->labels[b]);
            st = gp_fetch_signal(ctx, key, f->regions[ri], kind, err);
            if (st == GP_OK)
                snprintf(ctx->signals[ctx->nsignals - 1].provider,
                         sizeof(ctx->signals[0].provider), "aws");
        }
    }
    free(seen);
    return st;
}

static gp_status fetch(gp_fetch_ctx *ctx, gp_error *err)
{
    if (gp_url_rebase(ctx->base, "", FEED_PATH, ctx->first_url, sizeof(ctx->first_url)) != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "endpoint too long: %s", ctx->base);
    ctx->feed_previous = previous_figures(ctx->dir);
    const char *headers[] = {"Accept: application/json", NULL};
    gp_http_response r;
    gp_status st = gp_http_get(ctx->http, ctx->first_url, headers, &r, err);
    if (st != GP_OK)
        return st;
    gp_spot_feed f;
    char msg[512];
    if (gp_spot_feed_parse(r.body, r.len, &f, msg, sizeof(msg)) != 0) {
        gp_http_response_free(&r);
        return gp_fail(err, GP_EDATA, ctx->first_url, 0,
                       "not AWS's Spot Instance Advisor feed: %s; kept the previous feed",
                       msg);
    }
    if (f.stored) {
        gp_spot_feed_clear(&f);
        gp_http_response_free(&r);
        return gp_fail(err, GP_EDATA, ctx->first_url, 0,
                       "the feed already has a gpuplan_refresh member (a stored copy, not "
                       "AWS's feed); kept the previous feed");
    }
    /* S3 stamps the object's Last-Modified: the source's own date. */
    gp_fetch_date(r.last_modified, ctx->effective, sizeof(ctx->effective));
    int sr = gp_spot_feed_store(&f, ctx->observed_utc ? ctx->observed_utc : "", ctx->effective,
                                ctx->first_url, &ctx->feed, &ctx->feed_len);
    if (sr == -2)
        st = gp_fail(err, GP_EINVAL, ctx->first_url, 0,
                     "the URL or the Last-Modified date is not printable ASCII (or too long "
                     "to store); kept the previous feed");
    else if (sr != 0)
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    gp_http_response_free(&r);
    if (st == GP_OK) {
        ctx->feed_items = f.figures;
        st = band_signals(ctx, &f, err);
    }
    gp_spot_feed_clear(&f);
    return st;
}

static const char *const PROVIDERS[] = {GP_SPOT_FEED_SOURCE, NULL};

const gp_fetcher gp_fetcher_spot_advisor = {
    GP_SPOT_FEED_SOURCE,
    "https://spot-bid-advisor.s3.amazonaws.com",
    NULL,
    PROVIDERS,
    "AWS's public Spot Instance Advisor data (AWS Site Terms)",
    1,
    0,
    fetch,
};
