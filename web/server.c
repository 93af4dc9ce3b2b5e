/* The HTTP server of `gpuplan web`: civetweb (MIT, Debian libcivetweb-dev)
 * with one handler for every path. It serves only the assets compiled
 * into the binary and the API (web/api.c); there is no document root, so
 * no path can reach the disk. Loopback by default; GET and HEAD only;
 * request headers at most 16 KiB; every answer carries a
 * Content-Security-Policy of default-src 'self'. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <civetweb.h>

#include "web.h"

extern char **environ;

#define GP_WEB_HEADERS                                                        \
    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n" \
    "X-Content-Type-Options: nosniff\r\n"                                      \
    "Referrer-Policy: no-referrer\r\n"                                         \
    "Cache-Control: no-store\r\n"

typedef struct server {
    const gp_web_config *cfg;
    int loopback;
    gp_web_cache *cache;
} server;

static int is_loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strcmp(addr, "localhost") == 0;
}

static const gp_web_asset *asset(const char *name)
{
    for (size_t i = 0; i < gp_web_asset_count; i++)
        if (strcmp(gp_web_assets[i].name, name) == 0)
            return &gp_web_assets[i];
    return NULL;
}

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && strcmp(dot, ".html") == 0)
        return "text/html; charset=utf-8";
    if (dot && strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (dot && strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (dot && strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    return "application/octet-stream";
}

static void send_cached(struct mg_connection *c, int head, int status, const char *type,
                        const void *body, size_t len, const char *filename, const char *cache)
{
    const char *reason = mg_get_response_code_text(c, status);
    mg_printf(c,
              "HTTP/1.1 %d %s\r\n" GP_WEB_HEADERS
              "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n",
              status, reason ? reason : "", type, len);
    if (cache)
        mg_printf(c, "X-Gpuplan-Cache: %s\r\n", cache);
    if (filename)
        mg_printf(c, "Content-Disposition: attachment; filename=\"%s\"\r\n", filename);
    mg_printf(c, "\r\n");
    if (!head && len)
        mg_write(c, body, len);
}

static void send(struct mg_connection *c, int head, int status, const char *type,
                 const void *body, size_t len, const char *filename)
{
    send_cached(c, head, status, type, body, len, filename, NULL);
}

static void send_error(struct mg_connection *c, int head, int status, const char *msg)
{
    char body[256];
    int n = snprintf(body, sizeof(body), "{\n  \"error\": \"%s\",\n  \"status\": %d\n}\n",
                     msg, status);
    send(c, head, status, "application/json", body, (size_t)n, NULL);
}

/* A Host header naming this machine: a page of another site that a DNS
 * name points at 127.0.0.1 (DNS rebinding) sends its own name. */
static int host_ok(const char *host)
{
    if (!host)
        return 1; /* HTTP/1.0 */
    return strncmp(host, "127.", 4) == 0 || strncasecmp(host, "localhost", 9) == 0 ||
           strncmp(host, "[::1]", 5) == 0;
}

static int handle(struct mg_connection *c, void *data)
{
    const server *sv = data;
    const struct mg_request_info *ri = mg_get_request_info(c);
    int head = strcmp(ri->request_method, "HEAD") == 0;
    if (!head && strcmp(ri->request_method, "GET") != 0) {
        send_error(c, 0, 405, "only GET and HEAD");
        return 405;
    }
    /* decode_url is off: the path is as sent. The paths served are plain
     * words, so an escape, a dot-dot or a backslash is a bad request. */
    const char *path = ri->local_uri_raw ? ri->local_uri_raw : ri->local_uri;
    if (!path || path[0] != '/' || strchr(path, '%') || strstr(path, "..") ||
        strchr(path, '\\')) {
        send_error(c, head, 400, "bad path");
        return 400;
    }
    if (sv->loopback && !host_ok(mg_get_header(c, "Host"))) {
        send_error(c, head, 403, "this server answers only to localhost");
        return 403;
    }
    if (strncmp(path, "/api/v1/", 8) == 0) {
        gp_web_reply r = {0};
        if (gp_web_api(path + 8, ri->query_string, sv->cfg, sv->cache, &r) != 0) {
            send_error(c, head, 404, "no such API endpoint");
            return 404;
        }
        int status = r.status;
        if (!r.body)
            send_error(c, head, status = 500, "out of memory");
        else
            send_cached(c, head, r.status, r.type, r.body, r.len, r.filename, r.cache);
        gp_web_reply_free(&r);
        return status;
    }
    /* The pages at their own paths; everything else of web/assets/ (but
     * no page) under /assets/. */
    static const char *const PAGES[][2] = {
        {"/", "offers.html"},         {"/offers", "offers.html"},
        {"/plan", "plan.html"},       {"/inference", "inference.html"},
        {"/market", "market.html"},   {"/history", "history.html"},
    };
    const char *name = NULL;
    for (size_t i = 0; i < sizeof(PAGES) / sizeof(PAGES[0]); i++)
        if (strcmp(path, PAGES[i][0]) == 0)
            name = PAGES[i][1];
    if (!name && strncmp(path, "/assets/", 8) == 0 && !strchr(path + 8, '/')) {
        const char *dot = strrchr(path + 8, '.');
        if (!dot || strcmp(dot, ".html") != 0)
            name = path + 8;
    }
    const gp_web_asset *a = name ? asset(name) : NULL;
    if (!a) {
        send_error(c, head, 404, "not found");
        return 404;
    }
    send(c, head, 200, type_of(a->name), a->data, a->len, NULL);
    return 200;
}

static int log_message(const struct mg_connection *c, const char *msg)
{
    (void)c;
    fprintf(stderr, "gpuplan web: %s\n", msg);
    return 1;
}

static void open_browser(const char *url)
{
    char *argv[] = {(char *)"xdg-open", (char *)url, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ) != 0)
        fprintf(stderr, "gpuplan web: --open: cannot run xdg-open; open %s yourself\n",
                url);
    posix_spawn_file_actions_destroy(&fa);
}

int gp_web_serve(const gp_web_config *cfg)
{
    server sv = {cfg, is_loopback(cfg->bind), NULL};
    int v6 = strchr(cfg->bind, ':') != NULL;
    char ports[128];
    snprintf(ports, sizeof(ports), v6 ? "[%s]:%d" : "%s:%d", cfg->bind, cfg->port);
    const char *options[] = {
        "listening_ports", ports,
        /* Requests waiting for a child (web/cache.c queues them, one
         * child per core) hold a thread each; 16 leave threads for the
         * answers already kept. */
        "num_threads", "16",
        "request_timeout_ms", "10000",
        "max_request_size", "16384",
        "enable_directory_listing", "no",
        "enable_keep_alive", "no",
        "decode_url", "no",
        "additional_header", "Content-Security-Policy: default-src 'self'",
        NULL,
    };
    struct mg_callbacks cb;
    memset(&cb, 0, sizeof(cb));
    cb.log_message = log_message;

    /* SIGINT and SIGTERM are waited for below; every thread civetweb
     * starts inherits the mask, so none of them takes the signal. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Answers are up to a few MB, read by whichever of 16 threads ran the
     * request and freed by another when the cache drops them. A fixed mmap
     * threshold (glibc's default moves up to 32 MiB after the first large
     * free) gives each large answer its own mapping, returned to the
     * system when freed, instead of holes in 16 per-thread arenas that
     * the RSS keeps (mallopt(3)). */
    mallopt(M_MMAP_THRESHOLD, 256 << 10);

    mg_init_library(0);
    if (v6 && !mg_check_feature(8)) { /* 8: IPv6 */
        fprintf(stderr, "gpuplan web: --bind %s: this civetweb was built without IPv6; "
                "use an IPv4 address such as 127.0.0.1\n", cfg->bind);
        mg_exit_library();
        return 2;
    }
    char etext[256] = "";
    struct mg_error_data err = {NULL, etext, sizeof(etext)};
    struct mg_init_data init = {&cb, &sv, options};
    sv.cache = gp_web_cache_new(); /* NULL (no memory): every request runs its command */
    struct mg_context *ctx = mg_start2(&init, &err);
    if (!ctx) {
        gp_web_cache_free(sv.cache);
        fprintf(stderr, "gpuplan web: cannot listen on %s: %s\n", ports,
                etext[0] ? etext : "unknown error");
        mg_exit_library();
        return 1;
    }
    mg_set_request_handler(ctx, "/", handle, &sv);
    struct mg_server_port sp[4];
    memset(sp, 0, sizeof(sp));
    int port = cfg->port;
    if (mg_get_server_ports(ctx, 4, sp) > 0)
        port = sp[0].port;
    char url[160];
    snprintf(url, sizeof(url), v6 ? "http://[%s]:%d/" : "http://%s:%d/", cfg->bind, port);
    if (!sv.loopback)
        fprintf(stderr, "gpuplan web: warning: listening on %s, not loopback: anyone who "
                "can reach this address can use the server (no authentication, no TLS)\n",
                cfg->bind);
    printf("gpuplan web: serving %s on port %d (Ctrl-C stops)\n", url, port);
    fflush(stdout);
    if (cfg->open_browser)
        open_browser(url);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    mg_stop(ctx); /* every handler has returned */
    gp_web_cache_free(sv.cache);
    mg_exit_library();
    printf("gpuplan web: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    fflush(stdout);
    return 0;
}
