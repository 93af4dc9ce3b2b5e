/* A replay HTTP server for the refresh tests: binds 127.0.0.1 on an
 * ephemeral port, prints the port on stdout, and answers from recorded
 * responses. Nothing leaves
 * this machine. It runs until SIGTERM, and at most 300 seconds.
 *
 * Usage: replay_server FIXTURE_DIR
 *
 * FIXTURE_DIR/routes: one route a line, "PATH QUERY FILE [FILE...]":
 * a request whose path is PATH and whose query contains QUERY ("-": any
 * query) gets FILE; with several files the n-th matching request gets the
 * n-th file and later ones the last (429 then 200). The first matching
 * line wins; "#" starts a comment. No route: 404.
 *
 * A response file: a status line ("200" or "429 Too Many Requests"),
 * header lines, an empty line, then the body, sent as recorded. The
 * header "X-Replay-Truncate: N" sends the full Content-Length but only
 * the first N bytes of the body, then closes: a dropped connection.
 * Every request is appended to FIXTURE_DIR's log if REPLAY_LOG names a
 * file ("PATH?QUERY" a line). */
#include <civetweb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_ROUTES 64
#define MAX_FILES 8

typedef struct route {
    char path[512], query[256];
    char files[MAX_FILES][256];
    int nfiles, hits;
} route;

static route routes[MAX_ROUTES];
static int nroutes;
static char root[1024];
static const char *log_path;
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static int load_routes(void)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/routes", root);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "replay_server: cannot open %s\n", path);
        return -1;
    }
    char line[2048];
    while (fgets(line, sizeof(line), f) && nroutes < MAX_ROUTES) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        route *r = &routes[nroutes];
        memset(r, 0, sizeof(*r));
        char *save = NULL;
        char *tok = strtok_r(line, " \t\r\n", &save);
        if (!tok)
            continue;
        snprintf(r->path, sizeof(r->path), "%s", tok);
        tok = strtok_r(NULL, " \t\r\n", &save);
        if (!tok)
            continue;
        snprintf(r->query, sizeof(r->query), "%s", strcmp(tok, "-") ? tok : "");
        while ((tok = strtok_r(NULL, " \t\r\n", &save)) && r->nfiles < MAX_FILES)
            snprintf(r->files[r->nfiles++], sizeof(r->files[0]), "%s", tok);
        if (r->nfiles)
            nroutes++;
    }
    fclose(f);
    return 0;
}

static int handler(struct mg_connection *conn, void *data)
{
    (void)data;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *path = ri->local_uri_raw ? ri->local_uri_raw : ri->local_uri;
    const char *query = ri->query_string ? ri->query_string : "";
    if (log_path) {
        FILE *lf = fopen(log_path, "a");
        if (lf) {
            fprintf(lf, "%s%s%s\n", path, *query ? "?" : "", query);
            fclose(lf);
        }
    }
    route *r = NULL;
    for (int i = 0; i < nroutes && !r; i++)
        if (strcmp(routes[i].path, path) == 0 &&
            (!routes[i].query[0] || strstr(query, routes[i].query)))
            r = &routes[i];
    if (!r) {
        mg_printf(conn, "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n"
                        "Connection: close\r\n\r\nnot found\n");
        return 404;
    }
    int idx = r->hits < r->nfiles ? r->hits : r->nfiles - 1;
    r->hits++;
    char file[1400];
    snprintf(file, sizeof(file), "%s/%s", root, r->files[idx]);
    /* Status line and headers are read line by line; the body is streamed
     * (bench files are hundreds of megabytes). */
    FILE *f = fopen(file, "rb");
    if (!f) {
        mg_printf(conn, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0"
                        "\r\nConnection: close\r\n\r\n");
        return 500;
    }
    char line[4096];
    int code = 200;
    long truncate = -1;
    int first = 1;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            break;
        if (first) {
            code = atoi(line);
            const char *reason = strchr(line, ' ') ? strchr(line, ' ') + 1 : "OK";
            mg_printf(conn, "HTTP/1.1 %d %s\r\n", code, reason);
            first = 0;
        } else if (strncasecmp(line, "X-Replay-Truncate:", 18) == 0) {
            truncate = atol(line + 18);
        } else {
            mg_printf(conn, "%s\r\n", line);
        }
    }
    long body_at = ftell(f);
    fseek(f, 0, SEEK_END);
    long body_len = ftell(f) - body_at;
    fseek(f, body_at, SEEK_SET);
    mg_printf(conn, "Content-Length: %ld\r\nConnection: close\r\n\r\n", body_len);
    long left = truncate >= 0 && truncate < body_len ? truncate : body_len;
    static char buf[65536]; /* one worker thread; its stack is small */
    while (left > 0) {
        size_t want = left < (long)sizeof(buf) ? (size_t)left : sizeof(buf);
        size_t got = fread(buf, 1, want, f);
        if (got == 0 || mg_write(conn, buf, got) <= 0)
            break;
        left -= (long)got;
    }
    fclose(f);
    return code;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: replay_server FIXTURE_DIR\n");
        return 2;
    }
    snprintf(root, sizeof(root), "%s", argv[1]);
    log_path = getenv("REPLAY_LOG");
    if (load_routes() != 0)
        return 1;
    signal(SIGTERM, on_term);
    alarm(300); /* never outlives a test run on a shared machine */
    signal(SIGPIPE, SIG_IGN);
    mg_init_library(0);
    const char *options[] = {"listening_ports", "127.0.0.1:0", "num_threads", "1",
                             "enable_keep_alive", "no", NULL};
    struct mg_callbacks cb;
    memset(&cb, 0, sizeof(cb));
    struct mg_context *ctx = mg_start(&cb, NULL, options);
    if (!ctx) {
        fprintf(stderr, "replay_server: cannot listen on 127.0.0.1\n");
        return 1;
    }
    mg_set_request_handler(ctx, "/", handler, NULL);
    struct mg_server_port ports[4];
    int n = mg_get_server_ports(ctx, 4, ports);
    if (n < 1) {
        mg_stop(ctx);
        return 1;
    }
    printf("%d\n", ports[0].port);
    fflush(stdout);
    /* Serve until SIGTERM (or the alarm). */
    while (!stop)
        sleep(1);
    mg_stop(ctx);
    mg_exit_library();
    return 0;
}
