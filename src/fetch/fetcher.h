/* Internal: the one small interface every source implements.
 *
 * A fetcher knows one source: its default base URL, the providers it
 * gives, the environment variable holding its key (NULL for a public
 * source), and how to turn that source's responses into offers. It adds
 * the offers of one provider to `ctx->cat` (an empty catalog, no embedded
 * data) through the catalog's public loaders, and never writes a file:
 * checking, storing and replacing are refresh.c's. */
#ifndef GP_FETCH_FETCHER_H
#define GP_FETCH_FETCHER_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "fetch/http.h"
#include "gpuplan/catalog.h"
#include "gpuplan/refresh.h"

typedef struct gp_fetch_ctx {
    gp_http *http;
    const char *base;        /* the endpoint: configured or default */
    const char *provider;    /* the provider to fetch */
    const char *key;         /* the key from the environment, or NULL */
    gp_catalog *cat;         /* add the provider's offers here */
    const gp_catalog *specs; /* the embedded catalog (instance-type specs) */
    char first_url[1024];    /* set by the fetcher: its first request */
    char effective[32];      /* set by the fetcher: the source's own date */
    gp_refresh_signal *signals; /* added by gp_fetch_signal() */
    size_t nsignals, signals_cap;
    const char *dir;         /* <home>/refresh, where stored data is (read
                                only: refresh.c writes) */
    const char *observed_utc; /* the fetch time, "YYYY-MM-DDTHH:MM:SSZ" */
    /* A feed, not offers (aws-spot-advisor): the fetcher sets `feed`
     * (malloc'd, the whole checked document to store as
     * dir/<provider>.json), the figures in it and in the stored one (the
     * count guard), and adds nothing to `cat`. */
    char *feed;
    size_t feed_len, feed_items, feed_previous;
} gp_fetch_ctx;

/* Adds an availability signal (gpuplan/refresh.h) to ctx; GP_ENOMEM. */
gp_status gp_fetch_signal(gp_fetch_ctx *ctx, const char *instance_type,
                          const char *region, const char *kind, gp_error *err);

typedef struct gp_fetcher {
    const char *name;                /* "skypilot", "azure" */
    const char *default_base;
    const char *key_env;             /* NULL: public */
    const char *const *providers;    /* NULL-terminated */
    const char *licence;             /* what docs/refresh.md says, short */
    int needs_specs;                 /* reads instance specs from ctx->specs */
    int opt_in;                      /* runs only when named in --source
                                        (AWS: gigabytes of region files) */
    gp_status (*fetch)(gp_fetch_ctx *ctx, gp_error *err);
} gp_fetcher;

extern const gp_fetcher gp_fetcher_skypilot;
extern const gp_fetcher gp_fetcher_azure;
extern const gp_fetcher gp_fetcher_lambda;
extern const gp_fetcher gp_fetcher_aws;
extern const gp_fetcher gp_fetcher_runpod;
extern const gp_fetcher gp_fetcher_gcp;
extern const gp_fetcher gp_fetcher_spot_advisor;

/* "YYYY-MM-DD" from an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT") or an
 * ISO time ("2024-01-01T00:00:00Z"); "" when unreadable. */
void gp_fetch_date(const char *text, char *out, size_t cap);

/* Shared by the fetchers (rows.c): a JSON object's number member (NAN
 * when absent, null or not a number); a double-quoted CSV cell (quotes
 * doubled, line breaks as spaces); a ",NUMBER" cell, or "," for NAN. */
double gp_fetch_json_number(json_t *o, const char *key);
void gp_fetch_csv_quoted(FILE *f, const char *s);
void gp_fetch_csv_number(FILE *f, double v);

/* A GPU's name in a provider's words ("H100 SXM", "RTX A6000") as one
 * catalog word: the first len bytes of text, words (split on blanks)
 * joined by '-', "RTX" joined to the word after it ("H100-SXM",
 * "RTXA6000"), '"' and ',' as '-'; with drop_brands, the words NVIDIA,
 * Tesla and Quadro left out ("Quadro RTX 6000" -> "RTX6000"). The
 * catalog's accelerator names then resolve the word (with the memory). */
void gp_fetch_gpu_word(const char *text, size_t len, int drop_brands, char *out, size_t cap);

/* Adds the catalog CSV a fetcher wrote (csv, len bytes) to ctx->cat under
 * ctx->first_url, bad rows skipped and listed (refresh.c's invariants
 * check what is left). */
gp_status gp_fetch_add_rows(gp_fetch_ctx *ctx, const char *csv, size_t len, gp_error *err);

/* The request header that carries ctx->key: "<prefix>KEY" into out.
 * GP_EINVAL naming key_env when the key does not fit or holds a line
 * break (it would split the header). */
gp_status gp_fetch_key_header(const gp_fetch_ctx *ctx, const char *prefix, const char *key_env,
                              char *out, size_t cap, gp_error *err);

#endif
