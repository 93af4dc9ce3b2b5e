/* gpuplan web: a local web server beside the CLI.
 *
 * web/ is a front end like cli/: it links civetweb (MIT), serves pages
 * compiled into the binary (web/assets/, embedded by web/embed_assets.cmake)
 * and answers /api/v1/ by running the CLI's own commands (web/api.c), so the
 * API prints exactly what `gpuplan CMD --format json` prints. The library
 * knows nothing of it. */
#ifndef GP_WEB_H
#define GP_WEB_H

#include <stddef.h>
#include <stdint.h>

typedef struct gp_web_config {
    const char *bind;      /* "127.0.0.1" (default), "::1", "0.0.0.0" ... */
    int port;              /* 0: an ephemeral port, printed on start */
    int open_browser;      /* --open: xdg-open the URL */
    const char **extra;    /* catalog options handed to every API command */
    size_t nextra;
} gp_web_config;

/* Serves until SIGINT or SIGTERM. Prints the URL on stdout once listening.
 * Returns an exit code: 0 after a clean stop, 1 when it cannot listen
 * (port in use: said on stderr), 2 for an IPv6 address when civetweb was
 * built without IPv6. */
int gp_web_serve(const gp_web_config *cfg);

/* --- the API (web/api.c) ------------------------------------------------ */

typedef struct gp_web_reply {
    int status;           /* HTTP status */
    const char *type;     /* Content-Type */
    char *body;           /* malloc'd */
    size_t len;
    const char *filename; /* set: a download (Content-Disposition) */
    const char *cache;    /* X-Gpuplan-Cache: "hit", "miss", "shared" (waited
                             for the same request running), "off" (not
                             kept), or NULL (no header) */
    void *hold;           /* set: body belongs to this cache entry */
    struct gp_web_cache *hold_cache;
} gp_web_reply;

/* Frees the body, or lets go of the cache entry it belongs to. */
void gp_web_reply_free(gp_web_reply *r);

/* --- answers kept, and children bounded (web/cache.c) ------------------- */

typedef struct gp_web_cache gp_web_cache;

/* Reads GPUPLAN_WEB_CACHE_KIB (byte budget, default 65536; 0: nothing
 * kept), GPUPLAN_WEB_CACHE_TTL_S (default 60) and GPUPLAN_WEB_CHILDREN
 * (commands run at once, default the online cores). NULL: out of memory.
 * Free with gp_web_cache_free once no request runs. */
gp_web_cache *gp_web_cache_new(void);
void gp_web_cache_free(gp_web_cache *c);

/* Runs the command into *out (body malloc'd); returns 1 when the answer
 * is deterministic for its key and data generation (may be kept), 0 not. */
typedef int (*gp_web_run_fn)(void *ctx, gp_web_reply *out);

/* The answer for key (the command line; any bytes) computed from data of
 * generation gen: a kept one (a hit), the one an identical running request
 * is computing (shared), or run's (a miss, run when a child slot frees).
 * c NULL: just run. Returns 0 with *reply set (free with
 * gp_web_reply_free), or -1 when no answer came within the time limits
 * (the queue's 10 s, the child's own) or memory ran out. */
int gp_web_cache_answer(gp_web_cache *c, const char *key, size_t keylen, uint64_t gen,
                        gp_web_run_fn run, void *ctx, gp_web_reply *reply);

/* A hash of the data a command reads besides its options (web/cache.c
 * names them): equal before and after means the answer still holds. */
uint64_t gp_web_data_generation(const gp_web_config *cfg);

/* Answers /api/v1/<endpoint>?<query> (query raw, URL-encoded, may be NULL)
 * through cache (NULL: none). Returns 0 with *reply filled (free with
 * gp_web_reply_free), or -1 when the endpoint is unknown. */
int gp_web_api(const char *endpoint, const char *query, const gp_web_config *cfg,
               gp_web_cache *cache, gp_web_reply *reply);

/* --- a query as a command's options (web/query.c) ----------------------- */

enum {
    GP_WEB_MAX_PARAMS = 64, /* query parameters per request */
    GP_WEB_MAX_VALUE = 1024 /* bytes of one decoded value */
};

/* `gpu=H100&spot=1&format=csv` for a command whose option table is opts:
 * argv {"--gpu=H100", "--spot"} and format "csv". Names the CLI does not
 * know pass through (the CLI names them and suggests); options that name
 * files on the server, --help, and bad values of flags and format are
 * refused here. */
typedef struct gp_web_query {
    char *argv[GP_WEB_MAX_PARAMS];          /* malloc'd, argc of them */
    size_t argc;
    char names[GP_WEB_MAX_PARAMS][48];      /* every parameter's name */
    const char *values[GP_WEB_MAX_PARAMS];  /* its argv word, or NULL */
    size_t nnames;
    const char *format;                     /* "json" (default) or "csv" */
    /* On error: the HTTP status, the parameter (NULL: none) and why. */
    int status;
    const char *param;
    char message[256];
} gp_web_query;

struct gp_opt;
/* Returns 0, or -1 with status, param and message set. Free with
 * gp_web_query_free either way. */
int gp_web_query_parse(const struct gp_opt *opts, size_t nopts, int csv_ok,
                       const char *query, gp_web_query *q);
void gp_web_query_free(gp_web_query *q);

/* Splits the parameters named `name` (raw, not decoded: the server's own
 * words such as export=skypilot) out of query: rest gets the others in
 * their order (cap bytes), value the last one's raw value (vcap bytes),
 * *found whether there was one. Returns 0, or -1 when rest or value does
 * not fit (then *found, rest and value are not to be used). */
int gp_web_take_param(const char *query, const char *name, char *rest, size_t cap, char *value,
                      size_t vcap, int *found);

/* Decodes one URL-encoded query component ('+' is a space) into out (cap
 * bytes). Returns its length, or -1 when it does not fit, is malformed
 * (a bad %XX) or decodes to a NUL byte or another control character. */
long gp_web_decode(const char *s, size_t n, char *out, size_t cap);

/* The parameter a CLI message is about: the first "--NAME" in it that the
 * query passed, else the one whose value it quotes; NULL when none. */
const char *gp_web_param_of(const gp_web_query *q, const char *msg);

/* --- the embedded assets (generated from web/assets/) ------------------ */

typedef struct gp_web_asset {
    const char *name;          /* "offers.html" */
    const unsigned char *data;
    size_t len;
} gp_web_asset;

extern const gp_web_asset gp_web_assets[];
extern const size_t gp_web_asset_count;

#endif
