/* HTTP GET over libcurl: timeouts, retries with backoff, Retry-After,
 * TLS verification always on (see http.h). */
#include "fetch/http.h"

#include <ctype.h>
#define CURL_DISABLE_TYPECHECK /* its macros would shadow the dlsym pointers */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/fail.h"

struct gp_http {
    CURL *curl;
    gp_http_opts opts;
    gp_http_progress_fn progress;
    void *progress_ctx;
    size_t total_bytes;
    size_t requests;
};

/* libcurl is opened on the first request, not linked: linking it (and
 * the TLS, HTTP/2, SSH, LDAP and Kerberos libraries it pulls in) cost
 * every gpuplan process a few milliseconds of dynamic linking at start,
 * for a library only `catalog refresh` uses. */
static struct {
    int ready;
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} cu;

#define curl_easy_init cu.easy_init
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_setopt cu.easy_setopt
#define curl_easy_perform cu.easy_perform
#define curl_easy_getinfo cu.easy_getinfo
#define curl_easy_cleanup cu.easy_cleanup
#define curl_easy_reset cu.easy_reset
#define curl_easy_strerror cu.easy_strerror
#define curl_slist_append cu.slist_append
#define curl_slist_free_all cu.slist_free_all

static int sym(void *lib, const char *name, void *slot)
{
    void *p = dlsym(lib, name);
    if (!p)
        return -1;
    memcpy(slot, &p, sizeof(p)); /* object to function pointer, as POSIX allows */
    return 0;
}

static gp_status open_curl(gp_error *err)
{
    if (cu.ready)
        return GP_OK;
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return gp_fail(err, GP_EIO, NULL, 0,
                       "cannot load libcurl (libcurl.so.4; Debian package "
                       "libcurl4): %s",
                       dlerror());
    if (sym(lib, "curl_global_init", &cu.global_init) ||
        sym(lib, "curl_easy_init", &cu.easy_init) ||
        sym(lib, "curl_easy_setopt", &cu.easy_setopt) ||
        sym(lib, "curl_easy_perform", &cu.easy_perform) ||
        sym(lib, "curl_easy_getinfo", &cu.easy_getinfo) ||
        sym(lib, "curl_easy_cleanup", &cu.easy_cleanup) ||
        sym(lib, "curl_easy_reset", &cu.easy_reset) ||
        sym(lib, "curl_easy_strerror", &cu.easy_strerror) ||
        sym(lib, "curl_slist_append", &cu.slist_append) ||
        sym(lib, "curl_slist_free_all", &cu.slist_free_all))
        return gp_fail(err, GP_EIO, NULL, 0, "libcurl.so.4 lacks %s", dlerror());
    if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return gp_fail(err, GP_EIO, NULL, 0, "cannot start libcurl");
    cu.ready = 1;
    return GP_OK;
}

gp_status gp_http_new(gp_http **out, const gp_http_opts *opts, gp_error *err)
{
    *out = NULL;
    gp_status st = open_curl(err);
    if (st != GP_OK)
        return st;
    gp_http *h = calloc(1, sizeof(*h));
    if (!h)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    h->opts = *opts;
    if (h->opts.timeout_seconds <= 0)
        h->opts.timeout_seconds = 60;
    if (h->opts.retries < 0)
        h->opts.retries = 0;
    if (!(h->opts.backoff_seconds >= 0))
        h->opts.backoff_seconds = 1;
    if (!(h->opts.max_wait_seconds > 0))
        h->opts.max_wait_seconds = 60;
    if (!(h->curl = curl_easy_init())) {
        free(h);
        return gp_fail(err, GP_EIO, NULL, 0, "cannot start libcurl");
    }
    *out = h;
    return GP_OK;
}

void gp_http_free(gp_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}

void gp_http_set_progress(gp_http *h, gp_http_progress_fn fn, void *ctx)
{
    h->progress = fn;
    h->progress_ctx = ctx;
}

size_t gp_http_requests(const gp_http *h) { return h->requests; }
size_t gp_http_bytes(const gp_http *h) { return h->total_bytes; }

void gp_http_response_free(gp_http_response *resp)
{
    if (!resp)
        return;
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

/* ---- Retry-After ------------------------------------------------------- */

static int month_index(const char *m)
{
    static const char *const M[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(m, M[i], 3) == 0)
            return i;
    return -1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

double gp_http_retry_after(const char *value, long now)
{
    if (!value)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit((unsigned char)*value)) {
        char *end;
        errno = 0;
        double s = strtod(value, &end);
        while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
            end++;
        if (errno || *end || !(s >= 0) || s > 1e9)
            return -1;
        return floor(s);
    }
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
    char wd[8], mon[8], zone[8];
    int d, y, hh, mm, ss;
    if (sscanf(value, "%3s, %d %3s %d %d:%d:%d %3s", wd, &d, mon, &y, &hh, &mm,
               &ss, zone) != 8)
        return -1;
    int m = month_index(mon);
    if (m < 0 || d < 1 || d > 31 || y < 1970 || y > 9999 || hh > 23 || mm > 59 ||
        ss > 60 || hh < 0 || mm < 0 || ss < 0 || strcmp(zone, "GMT") != 0)
        return -1;
    double t = (double)days_from_civil(y, m + 1, d) * 86400.0 + hh * 3600.0 +
               mm * 60.0 + ss;
    double wait = t - (double)now;
    return wait > 0 ? wait : 0;
}

/* ---- URLs -------------------------------------------------------------- */

int gp_url_rebase(const char *base, const char *strip, const char *link,
                  char *out, size_t cap)
{
    if (!base || !link || !*link)
        return -1;
    while (*link == ' ')
        link++;
    const char *path = link;
    const char *scheme = strstr(link, "://");
    const char *q = strpbrk(link, "/?#");
    if (scheme && (!q || scheme < q)) {
        const char *p = strpbrk(scheme + 3, "/?#");
        path = p ? p : "";
    }
    if (strip && *strip) {
        size_t n = strlen(strip);
        if (strncmp(path, strip, n) == 0 &&
            (path[n] == '/' || path[n] == '?' || path[n] == '\0'))
            path += n;
    }
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    const char *sep = (path[0] == '/' || path[0] == '?' || path[0] == '\0') ? "" : "/";
    int w = snprintf(out, cap, "%.*s%s%s", (int)bl, base, sep, path);
    if (w < 0 || (size_t)w >= cap)
        return -1;
    /* No control characters or spaces reach libcurl: a space in a query
     * (OData filters have them) is sent as %20. */
    char tmp[4096];
    size_t o = 0;
    for (const char *c = out; *c; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch < 0x20 || ch == 0x7f)
            return -1;
        if (ch == ' ') {
            if (o + 3 >= sizeof(tmp))
                return -1;
            memcpy(tmp + o, "%20", 3);
            o += 3;
        } else {
            if (o + 1 >= sizeof(tmp))
                return -1;
            tmp[o++] = (char)ch;
        }
    }
    tmp[o] = '\0';
    if (o >= cap)
        return -1;
    memcpy(out, tmp, o + 1);
    return 0;
}

/* ---- one request ------------------------------------------------------- */

typedef struct xfer {
    gp_http *h;
    char *body;
    size_t len, cap;
    gp_http_chunk_fn fn;
    void *fn_ctx;
    int stopped, too_big;
    size_t handed;             /* bytes handed to fn */
    char retry_after[64];
    char last_modified[64];
} xfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    xfer *x = ctx;
    size_t n = size * nmemb;
    if (x->fn) {
        if (x->fn(x->fn_ctx, data, n) != 0) {
            x->stopped = 1;
            return 0;
        }
        x->handed += n;
    } else {
        if (x->len + n + 1 > GP_HTTP_MAX_BYTES) {
            x->too_big = 1;
            return 0;
        }
        if (x->len + n + 1 > x->cap) {
            size_t next = x->cap ? x->cap : 65536;
            while (next < x->len + n + 1)
                next *= 2;
            char *b = realloc(x->body, next);
            if (!b) {
                x->too_big = 1;
                return 0;
            }
            x->body = b;
            x->cap = next;
        }
        memcpy(x->body + x->len, data, n);
        x->len += n;
        x->body[x->len] = '\0';
    }
    x->h->total_bytes += n;
    if (x->h->progress)
        x->h->progress(x->h->progress_ctx, x->h->total_bytes);
    return n;
}

static void header_value(const char *line, size_t n, const char *name,
                         char *out, size_t cap)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t len = (size_t)(end - v);
    if (len >= cap)
        len = cap - 1;
    memcpy(out, v, len);
    out[len] = '\0';
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
    xfer *x = ctx;
    size_t n = size * nmemb;
    /* A new response (after a redirect) starts with its status line. */
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        x->retry_after[0] = '\0';
        x->last_modified[0] = '\0';
    }
    header_value(data, n, "Retry-After", x->retry_after, sizeof(x->retry_after));
    header_value(data, n, "Last-Modified", x->last_modified,
                 sizeof(x->last_modified));
    return n;
}

static void sleep_seconds(double s)
{
    if (!(s > 0))
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Failures worth another attempt after a pause. A name that does not
 * resolve is not one: on a machine without DNS or network every attempt
 * fails the same way at once, and retrying each of SkyPilot's ~20 files
 * with backoff made an offline `catalog refresh` take minutes to say so. */
static int transient(CURLcode c)
{
    return c == CURLE_OPERATION_TIMEDOUT || c == CURLE_COULDNT_CONNECT ||
           c == CURLE_RECV_ERROR || c == CURLE_SEND_ERROR ||
           c == CURLE_GOT_NOTHING || c == CURLE_PARTIAL_FILE;
}

static gp_status get(gp_http *h, const char *url, const char *const *headers,
                     const char *post, gp_http_chunk_fn fn, void *ctx,
                     gp_http_response *resp, gp_error *err)
{
    memset(resp, 0, sizeof(*resp));
    struct curl_slist *hl = NULL;
    for (size_t i = 0; headers && headers[i]; i++) {
        struct curl_slist *n = curl_slist_append(hl, headers[i]);
        if (!n) {
            curl_slist_free_all(hl);
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        }
        hl = n;
    }
    gp_status st = GP_OK;
    double wait = h->opts.backoff_seconds;
    for (int attempt = 0;; attempt++) {
        xfer x = {.h = h, .fn = fn, .fn_ctx = ctx};
        CURL *c = h->curl;
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, url);
        if (post)
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "gpuplan/" GP_VERSION);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, h->opts.timeout_seconds);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
        if (hl)
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
        h->requests++;
        CURLcode rc = curl_easy_perform(c);
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        int retry = 0;
        double pause = wait;
        if (rc == CURLE_OK && code >= 200 && code < 300) {
            resp->status = code;
            resp->body = x.body;
            resp->len = x.len;
            if (!resp->body && !fn) {
                resp->body = calloc(1, 1);
                if (!resp->body)
                    st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
            }
            snprintf(resp->last_modified, sizeof(resp->last_modified), "%s",
                     x.last_modified);
            break;
        }
        free(x.body);
        if (x.stopped) {
            st = err && err->status != GP_OK ? err->status : GP_ESTOPPED;
            if (err && err->status == GP_OK)
                gp_fail(err, GP_ESTOPPED, NULL, 0, "%s: stopped", url);
            break;
        }
        if (x.too_big) {
            st = gp_fail(err, GP_EDATA, NULL, 0,
                         "%s: response larger than %zu MiB", url,
                         GP_HTTP_MAX_BYTES >> 20);
            break;
        }
        if (rc == CURLE_OK) {
            resp->status = code;
            retry = code == 429 || (code >= 500 && code < 600);
            double ra = gp_http_retry_after(x.retry_after, (long)time(NULL));
            if (retry && ra >= 0)
                pause = ra;
            if (!retry || attempt >= h->opts.retries) {
                st = gp_fail(err, GP_EIO, NULL, 0, "%s: HTTP %ld%s", url, code,
                             attempt ? " (after retries)" : "");
                break;
            }
        } else {
            retry = transient(rc) && x.handed == 0;
            if (!retry || attempt >= h->opts.retries) {
                st = gp_fail(err, GP_EIO, NULL, 0, "%s: %s", url,
                             rc == CURLE_PARTIAL_FILE
                                 ? "truncated response (fewer bytes than "
                                   "Content-Length)"
                                 : curl_easy_strerror(rc));
                break;
            }
        }
        if (pause > h->opts.max_wait_seconds)
            pause = h->opts.max_wait_seconds;
        sleep_seconds(pause);
        wait *= 2;
    }
    curl_slist_free_all(hl);
    return st;
}

gp_status gp_http_get(gp_http *h, const char *url, const char *const *headers,
                      gp_http_response *resp, gp_error *err)
{
    return get(h, url, headers, NULL, NULL, NULL, resp, err);
}

gp_status gp_http_post(gp_http *h, const char *url, const char *const *headers,
                       const char *body, gp_http_response *resp, gp_error *err)
{
    return get(h, url, headers, body, NULL, NULL, resp, err);
}

gp_status gp_http_get_stream(gp_http *h, const char *url,
                             const char *const *headers, gp_http_chunk_fn fn,
                             void *ctx, gp_http_response *resp, gp_error *err)
{
    return get(h, url, headers, NULL, fn, ctx, resp, err);
}
