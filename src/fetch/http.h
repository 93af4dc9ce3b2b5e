/* Internal: HTTP GET over libcurl, as every fetcher uses it.
 *
 * One gp_http per refresh. Every request: a user agent "gpuplan/VERSION",
 * TLS verification on (it cannot be turned off), http and https only,
 * a connect and a total timeout, and retries with exponential backoff on
 * 429 and 5xx answers and on transient transport errors, honouring a
 * Retry-After header (seconds or an HTTP date, capped). A body is held in
 * memory up to GP_HTTP_MAX_BYTES; a body shorter than its Content-Length
 * is an error ("truncated"), never data. */
#ifndef GP_FETCH_HTTP_H
#define GP_FETCH_HTTP_H

#include <stddef.h>

#include "gpuplan/error.h"

/* The most bytes one response may have (a SkyPilot vms.csv is a few MB,
 * an Azure page about 1 MB). */
#define GP_HTTP_MAX_BYTES ((size_t)512 << 20)

typedef struct gp_http gp_http;

typedef void (*gp_http_progress_fn)(void *ctx, size_t bytes);

typedef struct gp_http_opts {
    long timeout_seconds;      /* whole request */
    int retries;               /* extra attempts after the first */
    double backoff_seconds;    /* first wait; doubles each retry */
    double max_wait_seconds;   /* cap on any wait, Retry-After included */
} gp_http_opts;

typedef struct gp_http_response {
    long status;               /* the final HTTP status */
    char *body;                /* NUL-terminated, malloc'd; caller frees */
    size_t len;
    char last_modified[64];    /* the Last-Modified header, "" none */
} gp_http_response;

/* Streaming: called with each chunk of the body; return nonzero to stop
 * (the request then fails with GP_ESTOPPED and the callback's error). */
typedef int (*gp_http_chunk_fn)(void *ctx, const char *data, size_t len);

gp_status gp_http_new(gp_http **out, const gp_http_opts *opts, gp_error *err);
void gp_http_free(gp_http *h);

/* Progress of the body bytes, across requests. */
void gp_http_set_progress(gp_http *h, gp_http_progress_fn fn, void *ctx);

/* GETs url. A final status other than 2xx is an error (GP_EIO, naming the
 * status and URL); so is a transport error after the retries. Extra
 * header lines ("Name: value") may be given, NULL-terminated. */
gp_status gp_http_get(gp_http *h, const char *url, const char *const *headers,
                      gp_http_response *resp, gp_error *err);

/* POSTs `body` (NUL-terminated; the caller names its Content-Type in
 * `headers`) to url, with gp_http_get's retries and errors (a GraphQL
 * query is safe to repeat). */
gp_status gp_http_post(gp_http *h, const char *url, const char *const *headers,
                       const char *body, gp_http_response *resp, gp_error *err);

/* Like gp_http_get, but hands the body to `fn` chunk by chunk instead of
 * holding it (resp->body stays NULL). Retries only before the first byte
 * was handed on. */
gp_status gp_http_get_stream(gp_http *h, const char *url,
                             const char *const *headers, gp_http_chunk_fn fn,
                             void *ctx, gp_http_response *resp, gp_error *err);

void gp_http_response_free(gp_http_response *resp);

/* Requests made so far (each retry counts), and body bytes received. */
size_t gp_http_requests(const gp_http *h);
size_t gp_http_bytes(const gp_http *h);

/* Seconds to wait from a Retry-After value (delta-seconds or an HTTP
 * date, relative to `now`); -1 when unreadable. */
double gp_http_retry_after(const char *value, long now);

/* A link from a response (absolute, host-relative "/x" or relative "x")
 * rebased onto `base` ("scheme://host[:port][/prefix]"): the link's path
 * and query, whatever its host, are appended to base's origin and prefix,
 * so a paging link never leaves the configured endpoint. `strip` is the
 * path prefix the default endpoint has that the link repeats (may be ""):
 * it is removed from the link's path before appending. Returns 0, or -1
 * when the result does not fit or the link is empty. */
int gp_url_rebase(const char *base, const char *strip, const char *link,
                  char *out, size_t cap);

#endif
