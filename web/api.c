/* The JSON API: /api/v1/<endpoint>?query runs the CLI command of the same
 * name with the query as its options, in a child process of this very
 * binary (/proc/self/exe), its stdout and stderr captured in memory files.
 *
 * One code path: `?gpu=H100&spot=1` becomes `gpuplan offers --gpu=H100
 * --spot --format=json`, parsed by the command's own option table and
 * printed by its own renderers, so the answer is byte for byte what the
 * CLI prints, and a bad parameter gets the CLI's own message. A child per
 * request also bounds each request in time (killed after GP_WEB_TIMEOUT_MS)
 * and keeps one request's state from reaching another. Answers go through
 * web/cache.c: keyed by this command line (without the temporary file's
 * path) and the data generation, a repeated request is answered from
 * memory with the same bytes, and at most one child per core runs. Options that name
 * a file on the server (--catalog, --svg, --export) are refused.
 *
 * Files the CLI writes are reached another way, never at a path the user
 * names: /api/v1/NAME.svg runs the command with --svg into a fresh private
 * folder (mkdtemp) and answers the chart; /api/v1/plan?export=skypilot (or
 * dstack) runs it with --export into that folder and answers the YAML. The
 * file and the folder are removed before the answer is sent. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "web.h"

extern char **environ;

enum {
    GP_WEB_TIMEOUT_MS = 10000,   /* a request's time limit */
    GP_WEB_MAX_OUTPUT = 64 << 20 /* bytes of one answer */
};

typedef struct endpoint {
    const char *name;    /* /api/v1/NAME */
    const char *command; /* the CLI command run */
    const char *view;    /* its first word (market VIEW), or NULL */
    int csv;             /* ?format=csv allowed */
} endpoint;

static const endpoint ENDPOINTS[] = {
    {"offers", "offers", NULL, 1},
    {"gpus", "gpus", NULL, 1},
    {"plan", "plan", NULL, 0},
    {"estimate", "estimate", NULL, 0},
    {"inference", "inference", NULL, 1},
    {"models", "models", NULL, 1},
    {"market/share", "market", "share", 1},
    {"market/forecast", "market", "forecast", 1},
    {"market/prices", "market", "prices", 1},
    {"market/claims", "market", "claims", 1},
    {"market/neoclouds", "market", "neoclouds", 1},
    {"market/providers", "market", "providers", 1},
    {"history", "history", NULL, 1},
};

/* What the child writes besides stdout. */
enum { OUT_STDOUT, OUT_SVG, OUT_EXPORT };

static void reply_json(gp_web_reply *r, int status, json_t *j)
{
    r->status = status;
    r->type = "application/json";
    r->filename = NULL;
    char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (!s) {
        r->status = 500;
        s = strdup("{\"error\": \"out of memory\"}");
    }
    size_t len = s ? strlen(s) : 0;
    r->body = malloc(len + 2);
    if (r->body) {
        memcpy(r->body, s, len);
        r->body[len] = '\n';
        r->body[len + 1] = '\0';
        r->len = len + 1;
    } else {
        r->len = 0;
    }
    free(s);
}

static void reply_error(gp_web_reply *r, int status, const char *param, const char *msg)
{
    json_t *j = json_object();
    json_object_set_new(j, "status", json_integer(status));
    json_object_set_new(j, "error", json_string(msg));
    json_object_set_new(j, "parameter", param ? json_string(param) : json_null());
    reply_json(r, status, j);
}

/* Reads a memory file whole into a NUL-terminated malloc'd buffer. */
static char *slurp(int fd, size_t *len)
{
    struct stat st;
    *len = 0;
    if (fstat(fd, &st) != 0 || st.st_size < 0 || st.st_size > GP_WEB_MAX_OUTPUT)
        return NULL;
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n + 1);
    if (!buf)
        return NULL;
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, buf + got, n - got, (off_t)got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* Waits for the child at most timeout_ms; kills it after. Returns its exit
 * code, or -1 when it timed out or died of a signal. */
static int wait_child(pid_t pid, int timeout_ms)
{
    int status = 0;
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd >= 0) {
        struct pollfd p = {pfd, POLLIN, 0};
        int k;
        do
            k = poll(&p, 1, timeout_ms);
        while (k < 0 && errno == EINTR);
        close(pfd);
        if (k == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
    } else {
        /* No pidfd: poll the child every millisecond, a bounded number of times. */
        for (int waited = 0; waited < timeout_ms; waited++) {
            if (waitpid(pid, &status, WNOHANG) == pid)
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            struct timespec ms = {0, 1000000};
            nanosleep(&ms, NULL);
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int has_opt(const gp_cmd *cmd, const char *name)
{
    for (size_t i = 0; i < cmd->nopts; i++)
        if (strcmp(cmd->opts[i].name, name) == 0)
            return 1;
    return 0;
}

/* Reads a file whole (at most GP_WEB_MAX_OUTPUT bytes). */
static char *read_whole(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return NULL;
    char *buf = slurp(fd, len);
    close(fd);
    return buf;
}

/* What one request runs (gp_web_cache_answer's ctx). */
typedef struct run_ctx {
    const gp_cmd *cmd;
    const endpoint *ep;
    const gp_web_query *q;
    int want;
    const char *exportv;
    const gp_web_config *cfg;
} run_ctx;

/* Runs the command in a child of this binary and makes its answer.
 * Returns 1 when the answer is deterministic for the command line and the
 * data (a 200, or the CLI's usage error), 0 otherwise. */
static int run_command(void *ctxp, gp_web_reply *reply)
{
    const run_ctx *ctx = ctxp;
    const gp_cmd *cmd = ctx->cmd;
    const endpoint *ep = ctx->ep;
    const gp_web_query *qp = ctx->q;
    const gp_web_config *cfg = ctx->cfg;
    const char *exportv = ctx->exportv;
    int want = ctx->want;
    int keep = 0;
    /* A private folder for the file the child writes. */
    char dir[4096] = "", file[4160] = "";
    if (want != OUT_STDOUT) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/gpuplan-web-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            reply_error(reply, 500, NULL, "cannot make a temporary folder");
            return 0;
        }
        snprintf(file, sizeof(file), "%s/%s", dir, want == OUT_SVG ? "chart.svg" : "launch.yaml");
    }
    /* argv: gpuplan CMD [VIEW], the query's options, --format, the file
     * option, the server's catalog options, NULL. */
    enum { MAXARGV = 3 + GP_WEB_MAX_PARAMS + 1 + 3 + 64 + 1 };
    char *argv[MAXARGV];
    size_t argc = 0;
    const char *format = qp->format;
    argv[argc++] = (char *)"gpuplan";
    argv[argc++] = (char *)cmd->name;
    if (ep->view)
        argv[argc++] = (char *)ep->view;
    for (size_t i = 0; i < qp->argc; i++)
        argv[argc++] = qp->argv[i];
    argv[argc++] = (char *)(strcmp(format, "csv") == 0 ? "--format=csv" : "--format=json");
    if (want == OUT_SVG) {
        argv[argc++] = (char *)"--svg";
        argv[argc++] = file;
    } else if (want == OUT_EXPORT) {
        argv[argc++] = (char *)"--export";
        argv[argc++] = (char *)exportv;
        argv[argc++] = file;
    }
    for (size_t i = 0; i < cfg->nextra && argc + 1 < MAXARGV; i++)
        argv[argc++] = (char *)cfg->extra[i];
    argv[argc] = NULL;

    int out_fd = memfd_create("gpuplan-out", MFD_CLOEXEC);
    int err_fd = memfd_create("gpuplan-err", MFD_CLOEXEC);
    pid_t pid = -1;
    int spawned = -1;
    if (out_fd >= 0 && err_fd >= 0) {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
        posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
        posix_spawnattr_t at;
        posix_spawnattr_init(&at);
        sigset_t none, dfl;
        sigemptyset(&none);
        sigemptyset(&dfl);
        sigaddset(&dfl, SIGINT);
        sigaddset(&dfl, SIGTERM);
        sigaddset(&dfl, SIGPIPE);
        posix_spawnattr_setsigmask(&at, &none);
        posix_spawnattr_setsigdefault(&at, &dfl);
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        spawned = posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, environ);
        posix_spawnattr_destroy(&at);
        posix_spawn_file_actions_destroy(&fa);
    }
    if (spawned != 0) {
        reply_error(reply, 500, NULL, "cannot run the command");
        if (out_fd >= 0)
            close(out_fd);
        if (err_fd >= 0)
            close(err_fd);
        goto out;
    }
    int code = wait_child(pid, GP_WEB_TIMEOUT_MS);
    size_t olen = 0, elen = 0;
    char *obuf = slurp(out_fd, &olen), *ebuf = slurp(err_fd, &elen);
    close(out_fd);
    close(err_fd);
    if (ebuf)
        while (elen > 0 && (ebuf[elen - 1] == '\n' || ebuf[elen - 1] == ' '))
            ebuf[--elen] = '\0';
    if (code == GP_EXIT_OK && obuf && want != OUT_STDOUT) {
        size_t flen = 0;
        char *fbuf = read_whole(file, &flen);
        if (fbuf) {
            reply->status = 200;
            reply->type = want == OUT_SVG ? "image/svg+xml" : "text/yaml; charset=utf-8";
            reply->filename = NULL;
            reply->body = fbuf;
            reply->len = flen;
            keep = 1;
        } else {
            reply_error(reply, 500, NULL,
                        want == OUT_SVG ? "the command drew no chart for this query"
                                        : "the command wrote no launch file");
        }
    } else if (code == GP_EXIT_OK && obuf) {
        reply->status = 200;
        reply->type = strcmp(format, "csv") == 0 ? "text/csv; charset=utf-8"
                                                 : "application/json";
        reply->filename = strcmp(format, "csv") == 0 ? "gpuplan.csv" : NULL;
        reply->body = obuf;
        reply->len = olen;
        obuf = NULL;
        keep = 1;
    } else if (code < 0) {
        reply_error(reply, 503, NULL, "the request took longer than its time limit (10 s)");
    } else {
        const char *msg = ebuf && ebuf[0] ? ebuf : "the command failed";
        /* The server's temporary file is not the user's business: its
         * path becomes FILE in the message. */
        char clean[4096];
        const char *at = file[0] ? strstr(msg, file) : NULL;
        if (at) {
            snprintf(clean, sizeof(clean), "%.*sFILE%s", (int)(at - msg), msg,
                     at + strlen(file));
            msg = clean;
        }
        reply_error(reply, code == GP_EXIT_USAGE ? 400 : 500,
                    code == GP_EXIT_USAGE ? gp_web_param_of(qp, msg) : NULL, msg);
        keep = code == GP_EXIT_USAGE; /* the same options and data: the same message */
    }
    free(obuf);
    free(ebuf);
out:
    if (dir[0]) {
        unlink(file);
        rmdir(dir);
    }
    return keep;
}

int gp_web_api(const char *name, const char *query, const gp_web_config *cfg,
               gp_web_cache *cache, gp_web_reply *reply)
{
    /* NAME.svg: the command's chart. */
    char base[64];
    int want = OUT_STDOUT;
    size_t nlen = strlen(name);
    if (nlen >= sizeof(base))
        return -1;
    memcpy(base, name, nlen + 1);
    if (nlen > 4 && strcmp(base + nlen - 4, ".svg") == 0) {
        base[nlen - 4] = '\0';
        want = OUT_SVG;
    }
    const endpoint *ep = NULL;
    for (size_t i = 0; i < sizeof(ENDPOINTS) / sizeof(ENDPOINTS[0]); i++)
        if (strcmp(ENDPOINTS[i].name, base) == 0)
            ep = &ENDPOINTS[i];
    if (!ep)
        return -1;
    const gp_cmd *cmd = gp_command_find(ep->command);
    if (!cmd)
        return -1;
    if (want == OUT_SVG && !has_opt(cmd, "svg"))
        return -1;

    /* plan?export=skypilot|dstack: the launch file instead of the JSON. */
    char rest[16384] = "", exportv[64] = "";
    int has_export = 0;
    if (strcmp(ep->name, "plan") == 0) {
        if (gp_web_take_param(query, "export", rest, sizeof(rest), exportv, sizeof(exportv),
                              &has_export) != 0) {
            reply_error(reply, 400, "export", "export must be skypilot or dstack");
            return 0;
        }
        if (has_export) {
            if (strcmp(exportv, "skypilot") != 0 && strcmp(exportv, "dstack") != 0) {
                reply_error(reply, 400, "export", "export must be skypilot or dstack");
                return 0;
            }
            if (want == OUT_SVG) {
                reply_error(reply, 400, "export", "export does not go with plan.svg");
                return 0;
            }
            want = OUT_EXPORT;
            query = rest;
        }
    }

    gp_web_query q;
    if (gp_web_query_parse(cmd->opts, cmd->nopts, ep->csv && want == OUT_STDOUT, query, &q) !=
        0) {
        reply_error(reply, q.status, q.param, q.message);
        gp_web_query_free(&q);
        return 0;
    }
    /* The key: what the child runs, in the request's order, but not the
     * temporary file's path (a fresh one per run). On the heap: civetweb's
     * threads have small stacks. */
    size_t cap = strlen(ep->name) + strlen(exportv) + 32;
    for (size_t i = 0; i < q.argc; i++)
        cap += strlen(q.argv[i]) + 1;
    char *key = malloc(cap);
    if (!key) {
        reply_error(reply, 500, NULL, "out of memory");
        gp_web_query_free(&q);
        return 0;
    }
    int kn = snprintf(key, cap, "%s\n%d\n%s\n%s", ep->name, want,
                      want == OUT_EXPORT ? exportv : "", q.format);
    size_t klen = kn > 0 ? (size_t)kn : 0;
    for (size_t i = 0; i < q.argc && klen < cap; i++) {
        kn = snprintf(key + klen, cap - klen, "\n%s", q.argv[i]);
        klen += kn > 0 ? (size_t)kn : 0;
    }
    run_ctx ctx = {cmd, ep, &q, want, exportv, cfg};
    if (gp_web_cache_answer(cache, key, klen, gp_web_data_generation(cfg), run_command, &ctx,
                            reply) != 0)
        reply_error(reply, 503, NULL,
                    "the server is busy: no answer within the time limit (10 s); try again");
    free(key);
    gp_web_query_free(&q);
    return 0;
}
