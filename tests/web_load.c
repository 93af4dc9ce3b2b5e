/* A bounded load on `gpuplan web` over 127.0.0.1: for SECONDS seconds,
 * CONNS threads each send GET requests (a new connection per request: the
 * server answers `Connection: close`), cycling through the PATHs; a PATH
 * written PATH@N is sent at most N times in all. Counts errors (no
 * connection, a status other than 200, a body shorter than its
 * Content-Length, a timeout), and reports per path the count, the
 * p50/p99/max latency and how many answers the server said it had kept
 * (X-Gpuplan-Cache: hit, web/cache.c); with --pid, the server's VmRSS
 * before (after a warm-up of CONNS concurrent requests per path) and after
 * the run. A PATH containing {n} is a distinct query per request: {n}
 * becomes 1, 2, 3 ... (one counter per path), so every request misses the
 * server's cache; a PATH without it repeats one query.
 *
 *   web_load [--seconds S] [--conns N] [--pid PID] [--max-rss-growth-kib K]
 *            [--check-cache 1] http://127.0.0.1:PORT PATH[@N]...
 *
 * Exit 0 when no request failed, the RSS grew by at most K KiB and, with
 * --check-cache, no {n} PATH had a hit and the repeated PATHs had at least
 * one between them (not one each: under a small budget the cache may drop
 * a rarely asked one, such as a slow plan, before it comes again); 1
 * otherwise; 2 on a bad command line. Only 127.0.0.1 is accepted; every
 * loop is bounded in time (S <= 600) and count (at most GP_MAX_SAMPLES
 * requests per path). Timings are reported, never asserted. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define GP_MAX_PATHS 8
#define GP_MAX_SAMPLES 200000
#define GP_MAX_THREADS 64

typedef struct endpoint {
    const char *path;
    long cap; /* at most this many requests (GP_MAX_SAMPLES if none given) */
    atomic_long taken;
    atomic_long errors;
    double *ms; /* latencies of the requests that succeeded */
    atomic_long done;
    atomic_long seq;  /* {n} */
    atomic_long hits; /* X-Gpuplan-Cache: hit */
    int distinct;     /* the path has {n} */
    char first_error[256];
    pthread_mutex_t lock;
} endpoint;

static endpoint eps[GP_MAX_PATHS];
static int n_eps;
static int port;
static double deadline;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One GET of e's path ({n} replaced); 0 on a complete 200 answer, else -1
 * with WHY set; *hit: the server answered from its cache. */
static int request(endpoint *e, char *why, size_t why_len, int *hit)
{
    char path[1100];
    const char *n_at = strstr(e->path, "{n}");
    if (n_at)
        snprintf(path, sizeof path, "%.*s%ld%s", (int)(n_at - e->path), e->path,
                 atomic_fetch_add(&e->seq, 1) + 1, n_at + 3);
    else
        snprintf(path, sizeof path, "%s", e->path);
    *hit = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(why, why_len, "socket: %s", strerror(errno));
        return -1;
    }
    struct timeval tv = {15, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        snprintf(why, why_len, "connect: %s", strerror(errno));
        close(fd);
        return -1;
    }
    char req[2048];
    int len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n",
                       path, port);
    if (len <= 0 || (size_t)len >= sizeof req || send(fd, req, (size_t)len, MSG_NOSIGNAL) != len) {
        snprintf(why, why_len, "send failed");
        close(fd);
        return -1;
    }
    char head[8192];
    size_t have = 0;
    long long total = 0;
    char buf[65536];
    for (;;) { /* bounded: the server closes, or the 15 s timeout fires */
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got < 0) {
            snprintf(why, why_len, "recv: %s", strerror(errno));
            close(fd);
            return -1;
        }
        if (got == 0)
            break;
        if (have < sizeof head - 1) {
            size_t take = (size_t)got < sizeof head - 1 - have ? (size_t)got : sizeof head - 1 - have;
            memcpy(head + have, buf, take);
            have += take;
        }
        total += got;
    }
    close(fd);
    head[have] = '\0';
    int status = 0;
    if (sscanf(head, "HTTP/1.%*d %d", &status) != 1 || status != 200) {
        snprintf(why, why_len, "status %d", status);
        return -1;
    }
    char *end = strstr(head, "\r\n\r\n");
    char *hc = strcasestr(head, "\r\nX-Gpuplan-Cache: hit\r\n");
    *hit = hc && end && hc < end;
    char *cl = strcasestr(head, "\r\nContent-Length:");
    if (!end || !cl || cl > end) {
        snprintf(why, why_len, "no Content-Length");
        return -1;
    }
    long long want = atoll(cl + 17);
    long long body = total - (long long)(end + 4 - head);
    if (body != want) {
        snprintf(why, why_len, "body %lld bytes, Content-Length %lld", body, want);
        return -1;
    }
    return 0;
}

static void *worker(void *arg)
{
    int next = (int)(long)arg % n_eps;
    for (;;) {
        if (now_s() >= deadline)
            return NULL;
        endpoint *e = NULL;
        for (int k = 0; k < n_eps && !e; k++) { /* the next path with requests left */
            endpoint *c = &eps[(next + k) % n_eps];
            if (atomic_fetch_add(&c->taken, 1) < c->cap) {
                e = c;
                next = (next + k + 1) % n_eps;
            }
        }
        if (!e)
            return NULL; /* every cap reached */
        char why[200];
        double t0 = now_s();
        int hit = 0;
        int rc = request(e, why, sizeof why, &hit);
        double ms = (now_s() - t0) * 1e3;
        if (hit)
            atomic_fetch_add(&e->hits, 1);
        if (rc != 0) {
            if (atomic_fetch_add(&e->errors, 1) == 0) {
                pthread_mutex_lock(&e->lock);
                snprintf(e->first_error, sizeof e->first_error, "%s", why);
                pthread_mutex_unlock(&e->lock);
            }
        } else {
            long i = atomic_fetch_add(&e->done, 1);
            if (i < GP_MAX_SAMPLES)
                e->ms[i] = ms;
        }
    }
}

static atomic_int warm_errors;
static char warm_error[512];

static void *warm(void *arg)
{
    (void)arg;
    for (int k = 0; k < n_eps; k++) {
        char why[200];
        int hit;
        if (request(&eps[k], why, sizeof why, &hit) != 0 && atomic_fetch_add(&warm_errors, 1) == 0)
            snprintf(warm_error, sizeof warm_error, "%s: %s", eps[k].path, why);
    }
    return NULL;
}

static long rss_kib(long pid, const char *field)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%ld/status", pid);
    FILE *f = fopen(p, "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            v = atol(line + n + 1);
    fclose(f);
    return v;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *v, long n, double q)
{
    long i = (long)(q * (double)(n - 1) + 0.5);
    return v[i];
}

static int usage(const char *msg)
{
    fprintf(stderr,
            "web_load: %s\nusage: web_load [--seconds S] [--conns N] [--pid PID] "
            "[--max-rss-growth-kib K] [--check-cache 1] http://127.0.0.1:PORT PATH[@N]...\n",
            msg);
    return 2;
}

int main(int argc, char **argv)
{
    double seconds = 10;
    int conns = 8;
    long pid = 0, max_growth = -1;
    int check_cache = 0;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc)
            return usage("an option needs a value");
        char *end;
        double v = strtod(argv[i + 1], &end);
        if (*end)
            return usage("an option's value is not a number");
        if (strcmp(argv[i], "--seconds") == 0 && v > 0 && v <= 600)
            seconds = v;
        else if (strcmp(argv[i], "--conns") == 0 && v >= 1 && v <= GP_MAX_THREADS)
            conns = (int)v;
        else if (strcmp(argv[i], "--pid") == 0 && v >= 1)
            pid = (long)v;
        else if (strcmp(argv[i], "--max-rss-growth-kib") == 0 && v >= 0)
            max_growth = (long)v;
        else if (strcmp(argv[i], "--check-cache") == 0 && (v == 0 || v == 1))
            check_cache = (int)v;
        else
            return usage("unknown option or value out of range (--seconds 0-600, --conns 1-64)");
    }
    if (argc - i < 2)
        return usage("a URL and at least one path are needed");
    if (sscanf(argv[i], "http://127.0.0.1:%d", &port) != 1 || port <= 0 || port > 65535)
        return usage("the URL must be http://127.0.0.1:PORT (loopback only)");
    for (i++; i < argc; i++) {
        if (n_eps == GP_MAX_PATHS)
            return usage("at most 8 paths");
        endpoint *e = &eps[n_eps++];
        char *at = strrchr(argv[i], '@');
        e->cap = GP_MAX_SAMPLES;
        if (at) {
            *at = '\0';
            e->cap = atol(at + 1);
            if (e->cap < 1 || e->cap > GP_MAX_SAMPLES)
                return usage("PATH@N: N must be 1-200000");
        }
        if (argv[i][0] != '/')
            return usage("a path starts with /");
        e->path = argv[i];
        e->distinct = strstr(e->path, "{n}") != NULL;
        if (strlen(e->path) > 1000)
            return usage("a path is at most 1000 bytes");
        e->ms = malloc(sizeof(double) * GP_MAX_SAMPLES);
        if (!e->ms)
            return 1;
        pthread_mutex_init(&e->lock, NULL);
    }
    /* warm-up: CONNS concurrent requests of each path, so that the RSS
     * before counts the first-use allocations of each server thread */
    pthread_t th[GP_MAX_THREADS];
    for (int k = 0; k < conns; k++)
        if (pthread_create(&th[k], NULL, warm, NULL) != 0) {
            fprintf(stderr, "web_load: cannot start thread %d\n", k);
            return 1;
        }
    for (int k = 0; k < conns; k++)
        pthread_join(th[k], NULL);
    if (atomic_load(&warm_errors)) {
        fprintf(stderr, "web_load: the warm-up requests failed: %s\n", warm_error);
        return 1;
    }
    long rss0 = pid ? rss_kib(pid, "VmRSS") : -1;
    double t0 = now_s();
    deadline = t0 + seconds;
    for (int k = 0; k < conns; k++)
        if (pthread_create(&th[k], NULL, worker, (void *)(long)k) != 0) {
            fprintf(stderr, "web_load: cannot start thread %d\n", k);
            return 1;
        }
    for (int k = 0; k < conns; k++)
        pthread_join(th[k], NULL);
    double wall = now_s() - t0;
    long rss1 = pid ? rss_kib(pid, "VmRSS") : -1;
    long hwm = pid ? rss_kib(pid, "VmHWM") : -1;
    int bad = 0;
    long repeated = 0, repeated_hits = 0;
    printf("web_load: %d connections, %.1f s\n", conns, wall);
    printf("%-56s %7s %6s %8s %8s %8s %6s %6s\n", "path", "ok", "errors", "p50_ms", "p99_ms",
           "max_ms", "req/s", "hits");
    for (int k = 0; k < n_eps; k++) {
        endpoint *e = &eps[k];
        long n = atomic_load(&e->done);
        if (n > GP_MAX_SAMPLES)
            n = GP_MAX_SAMPLES;
        long errs = atomic_load(&e->errors), hits = atomic_load(&e->hits);
        qsort(e->ms, (size_t)n, sizeof(double), cmp_d);
        if (n > 0)
            printf("%-56s %7ld %6ld %8.1f %8.1f %8.1f %6.1f %6ld\n", e->path, n, errs,
                   pct(e->ms, n, 0.50), pct(e->ms, n, 0.99), e->ms[n - 1], (double)n / wall, hits);
        else
            printf("%-56s %7ld %6ld %8s %8s %8s %6s %6s\n", e->path, n, errs, "-", "-", "-", "-",
                   "-");
        if (check_cache && n > 0 && e->distinct && hits > 0) {
            printf("  FAIL: %ld answers of distinct queries came from the cache\n", hits);
            bad = 1;
        }
        if (!e->distinct) {
            repeated++;
            repeated_hits += hits;
        }
        if (errs) {
            printf("  first error: %s\n", e->first_error);
            bad = 1;
        }
        if (n == 0)
            bad = 1;
        free(e->ms);
    }
    if (check_cache && repeated > 0 && repeated_hits == 0) {
        printf("FAIL: no answer of a repeated query came from the cache\n");
        bad = 1;
    }
    if (pid) {
        printf("server VmRSS before %ld KiB, after %ld KiB (growth %ld KiB), VmHWM %ld KiB\n", rss0, rss1,
               rss1 - rss0, hwm);
        if (rss0 < 0 || rss1 < 0) {
            printf("cannot read /proc/%ld/status\n", pid);
            bad = 1;
        } else if (max_growth >= 0 && rss1 - rss0 > max_growth) {
            printf("FAIL: RSS grew by %ld KiB, more than the bound of %ld KiB\n", rss1 - rss0, max_growth);
            bad = 1;
        }
    }
    return bad;
}
