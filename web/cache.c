/* The API's answers, kept (web/web.h): a bounded cache keyed by the
 * command line a request runs, each answer stamped with the generation of
 * the data it was computed from; identical requests arriving while one
 * child runs wait for it (coalescing); at most one child per core runs at
 * a time, the others queue.
 *
 * Why each answer stays true:
 * - The key is the command line the child runs (the command, its view,
 *   every option word in the request's order, --format, the file kind
 *   asked for), so two requests with the same key run the same command.
 *   Options are not reordered: a scalar option given twice keeps its last
 *   value, and of two bad options the CLI names the first, so order can
 *   change the answer.
 * - The data generation (gp_web_data_generation) hashes what a command
 *   reads besides its options: the data home's path, the stored refresh
 *   files (name, inode, size, mtime, ctime of each, and of the folder),
 *   the history file and its -wal and -journal, the server's --catalog
 *   paths and GPUPLAN_CATALOG's. It is taken before the child starts, so a
 *   change while the child runs makes the next request miss.
 * - A time to live (60 s by default) bounds what depends on the clock: the
 *   availability windows end now, and refreshed prices age.
 * - Only deterministic answers are kept: 200s and the CLI's usage errors
 *   (400); runtime failures (500) and time-outs (503) are not.
 *
 * Memory: answers and keys count against a byte budget (64 MiB by
 * default); the least recently used answers are dropped first; an answer
 * larger than the budget is not kept. An answer being sent holds a
 * reference, so dropping it frees it when the last send ends.
 *
 * Knobs (environment, read once when the server starts):
 * GPUPLAN_WEB_CACHE_KIB (0 turns the cache off), GPUPLAN_WEB_CACHE_TTL_S,
 * GPUPLAN_WEB_CHILDREN (default: the online cores). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gpuplan/history.h"
#include "gpuplan/refresh.h"
#include "web.h"

enum {
    NBUCKETS = 1024,
    MAX_ENTRIES = 4096,         /* answers kept, whatever their size */
    DEFAULT_BUDGET_KIB = 65536, /* 64 MiB */
    DEFAULT_TTL_S = 60,
    QUEUE_WAIT_MS = 10000, /* longest wait for a child slot */
    WALK_MAX_ENTRIES = 10000,
    WALK_MAX_DEPTH = 4
};

enum { PENDING, READY };

typedef struct entry {
    struct entry *hnext;            /* hash chain (while in the table) */
    struct entry *lprev, *lnext;    /* LRU list (READY and in the table) */
    char *key;
    size_t keylen;
    uint64_t hash, gen;
    double expires_s;               /* CLOCK_MONOTONIC */
    int state, in_table, refs;
    gp_web_reply answer;            /* owns answer.body */
    size_t bytes;                   /* counted against the budget */
} entry;

/* A request waiting for a child slot. */
typedef struct waiter {
    struct waiter *next;
} waiter;

struct gp_web_cache {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* an answer is ready or a child slot freed */
    entry *buckets[NBUCKETS];
    entry *lru_head, *lru_tail; /* head: most recently used */
    size_t bytes, budget_bytes, entries;
    double ttl_s;
    int children, max_children;
    waiter *queue; /* first come, first run */
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long env_long(const char *name, long dflt, long lo, long hi)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < lo || n > hi) {
        fprintf(stderr, "gpuplan web: %s=%s is not a number from %ld to %ld; using %ld\n",
                name, v, lo, hi, dflt);
        return dflt;
    }
    return n;
}

gp_web_cache *gp_web_cache_new(void)
{
    gp_web_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    c->budget_bytes = (size_t)env_long("GPUPLAN_WEB_CACHE_KIB", DEFAULT_BUDGET_KIB, 0,
                                       16L << 20) << 10;
    c->ttl_s = (double)env_long("GPUPLAN_WEB_CACHE_TTL_S", DEFAULT_TTL_S, 0, 86400);
    c->max_children = (int)env_long("GPUPLAN_WEB_CHILDREN", cores > 0 ? cores : 1, 1, 256);
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->changed, &ca);
    pthread_condattr_destroy(&ca);
    return c;
}

static void entry_free(entry *e)
{
    free(e->answer.body);
    free(e->key);
    free(e);
}

static void lru_unlink(gp_web_cache *c, entry *e)
{
    if (e->lprev)
        e->lprev->lnext = e->lnext;
    else if (c->lru_head == e)
        c->lru_head = e->lnext;
    if (e->lnext)
        e->lnext->lprev = e->lprev;
    else if (c->lru_tail == e)
        c->lru_tail = e->lprev;
    e->lprev = e->lnext = NULL;
}

static void lru_push(gp_web_cache *c, entry *e)
{
    e->lprev = NULL;
    e->lnext = c->lru_head;
    if (c->lru_head)
        c->lru_head->lprev = e;
    c->lru_head = e;
    if (!c->lru_tail)
        c->lru_tail = e;
}

/* Takes e out of the table (and the LRU list, and the budget); frees it
 * unless a request still holds it. Called with the lock held. */
static void detach(gp_web_cache *c, entry *e)
{
    if (!e->in_table)
        return;
    entry **p = &c->buckets[e->hash % NBUCKETS];
    while (*p && *p != e)
        p = &(*p)->hnext;
    if (*p)
        *p = e->hnext;
    e->hnext = NULL;
    e->in_table = 0;
    if (e->state == READY) {
        lru_unlink(c, e);
        c->bytes -= e->bytes;
        c->entries--;
    }
    if (e->refs == 0)
        entry_free(e);
}

void gp_web_cache_free(gp_web_cache *c)
{
    if (!c)
        return;
    for (size_t b = 0; b < NBUCKETS; b++)
        while (c->buckets[b])
            detach(c, c->buckets[b]);
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* Called with the lock held. */
static void unref(entry *e)
{
    if (--e->refs == 0 && !e->in_table)
        entry_free(e);
}

void gp_web_reply_free(gp_web_reply *r)
{
    if (r->hold) {
        gp_web_cache *c = r->hold_cache;
        pthread_mutex_lock(&c->lock);
        unref(r->hold);
        pthread_mutex_unlock(&c->lock);
    } else {
        free(r->body);
    }
    memset(r, 0, sizeof(*r));
}

/* The reply shares the entry's body; the entry is held until
 * gp_web_reply_free. Called with the lock held. */
static void share(gp_web_cache *c, entry *e, gp_web_reply *r, const char *how)
{
    e->refs++;
    *r = e->answer;
    r->hold = e;
    r->hold_cache = c;
    r->cache = how;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

static const uint64_t BASIS = 14695981039346656037ULL;

static void deadline_of(struct timespec *ts, double at_s)
{
    ts->tv_sec = (time_t)at_s;
    ts->tv_nsec = (long)((at_s - (double)ts->tv_sec) * 1e9);
}

int gp_web_cache_answer(gp_web_cache *c, const char *key, size_t keylen, uint64_t gen,
                        gp_web_run_fn run, void *ctx, gp_web_reply *reply)
{
    memset(reply, 0, sizeof(*reply));
    if (!c) {
        run(ctx, reply);
        return reply->body ? 0 : -1;
    }
    uint64_t h = fnv(BASIS, key, keylen);
    double now = mono_s();
    pthread_mutex_lock(&c->lock);
    entry *e = c->buckets[h % NBUCKETS];
    while (e && !(e->hash == h && e->keylen == keylen && memcmp(e->key, key, keylen) == 0))
        e = e->hnext;
    if (e && (e->gen != gen || (e->state == READY && now >= e->expires_s))) {
        detach(c, e); /* computed from other data, or too old */
        e = NULL;
    }
    if (e && e->state == READY) {
        lru_unlink(c, e);
        lru_push(c, e);
        share(c, e, reply, "hit");
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    if (e) { /* the same request is running: wait for its answer */
        e->refs++;
        struct timespec until;
        deadline_of(&until, now + (QUEUE_WAIT_MS + 15000) / 1e3);
        int rc = 0;
        while (e->state == PENDING && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&c->changed, &c->lock, &until);
        if (e->state == READY)
            share(c, e, reply, "shared");
        unref(e);
        pthread_mutex_unlock(&c->lock);
        if (!reply->body)
            return -1; /* the caller answers 503 */
        return 0;
    }
    /* A miss: this request runs the command, as the table's pending entry
     * when the cache is on. */
    e = calloc(1, sizeof(*e));
    char *k = e ? malloc(keylen + 1) : NULL;
    if (!k) {
        free(e);
        pthread_mutex_unlock(&c->lock);
        return -1;
    }
    memcpy(k, key, keylen);
    k[keylen] = '\0';
    e->key = k;
    e->keylen = keylen;
    e->hash = h;
    e->gen = gen;
    e->state = PENDING;
    e->refs = 1;
    if (c->budget_bytes > 0) {
        e->in_table = 1;
        e->hnext = c->buckets[h % NBUCKETS];
        c->buckets[h % NBUCKETS] = e;
    }
    /* A child slot: at most max_children commands at once, given in the
     * order asked (a queue of the waiters, each on its own stack); one
     * that waited QUEUE_WAIT_MS leaves the queue without a slot. */
    waiter me = {NULL};
    waiter **tail = &c->queue;
    while (*tail)
        tail = &(*tail)->next;
    *tail = &me;
    struct timespec until;
    deadline_of(&until, now + QUEUE_WAIT_MS / 1e3);
    int rc = 0;
    while (!(c->queue == &me && c->children < c->max_children) && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&c->changed, &c->lock, &until);
    int slot = c->queue == &me && c->children < c->max_children;
    for (waiter **p = &c->queue; *p; p = &(*p)->next)
        if (*p == &me) {
            *p = me.next;
            break;
        }
    if (slot)
        c->children++;
    pthread_cond_broadcast(&c->changed); /* the next in the queue may go */
    pthread_mutex_unlock(&c->lock);

    gp_web_reply got = {0};
    int keep = 0;
    if (slot)
        keep = run(ctx, &got);

    pthread_mutex_lock(&c->lock);
    if (slot)
        c->children--;
    if (got.body) {
        e->answer = got;
        e->answer.hold = NULL;
        e->answer.cache = NULL;
        e->state = READY;
        e->expires_s = mono_s() + c->ttl_s;
        e->bytes = got.len + keylen + sizeof(*e);
    }
    if (e->in_table && (!got.body || !keep || e->bytes > c->budget_bytes || c->ttl_s <= 0)) {
        e->state = READY; /* published to waiters, then dropped */
        e->in_table = 0;
        entry **p = &c->buckets[h % NBUCKETS];
        while (*p && *p != e)
            p = &(*p)->hnext;
        if (*p)
            *p = e->hnext;
        e->hnext = NULL;
    } else if (e->in_table) {
        lru_push(c, e);
        c->bytes += e->bytes;
        c->entries++;
        while ((c->bytes > c->budget_bytes || c->entries > MAX_ENTRIES) && c->lru_tail &&
               c->lru_tail != e) {
            detach(c, c->lru_tail);
        }
    }
    if (!got.body)
        e->state = READY; /* waiters see no body: 503 */
    if (got.body)
        share(c, e, reply, keep && c->budget_bytes > 0 && c->ttl_s > 0 ? "miss" : "off");
    unref(e); /* this request's own reference; the reply holds another */
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->lock);
    return reply->body ? 0 : -1;
}

/* --- the data generation ---------------------------------------------------- */

/* A file's identity and contents' stamp. wal: SQLite's -wal file, which
 * readers create empty and whose ctime every reader's open moves
 * (measured: each `gpuplan offers` on a history moved it, so every answer
 * was a miss); for it only the size and mtime count, which writes move,
 * and an empty one is the same as none (it holds no data). Otherwise the
 * ctime counts too: a file rewritten and touched back to its old mtime
 * has still changed. */
static uint64_t mix_stat_as(uint64_t h, const char *path, int wal)
{
    struct stat sb;
    h = fnv(h, path, strlen(path) + 1);
    if (stat(path, &sb) != 0 || (wal && sb.st_size == 0)) {
        int missing = -1;
        return fnv(h, &missing, sizeof(missing));
    }
    int64_t f[] = {(int64_t)sb.st_dev, (int64_t)sb.st_ino, (int64_t)sb.st_size,
                   (int64_t)sb.st_mode, (int64_t)sb.st_mtim.tv_sec, (int64_t)sb.st_mtim.tv_nsec,
                   wal ? 0 : (int64_t)sb.st_ctim.tv_sec,
                   wal ? 0 : (int64_t)sb.st_ctim.tv_nsec};
    return fnv(h, f, sizeof(f));
}

static uint64_t mix_stat(uint64_t h, const char *path)
{
    return mix_stat_as(h, path, 0);
}

/* path and, when it is a folder, what is in it (a few levels, a bounded
 * number of entries); the entries' order does not matter (a sum). */
static uint64_t mix_tree(uint64_t h, const char *path, int depth, size_t *budget)
{
    h = mix_stat(h, path);
    struct stat sb;
    if (depth >= WALK_MAX_DEPTH || stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return h;
    DIR *d = opendir(path);
    if (!d)
        return h;
    uint64_t sum = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && *budget > 0) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        (*budget)--;
        char sub[4096];
        int n = snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
        if (n > 0 && (size_t)n < sizeof(sub))
            sum += mix_tree(BASIS, sub, depth + 1, budget);
    }
    closedir(d);
    return fnv(h, &sum, sizeof(sum));
}

/* A catalog argument: a path, or PROVIDER=PATH. */
static uint64_t mix_catalog_arg(uint64_t h, const char *arg, size_t *budget)
{
    struct stat sb;
    const char *eq = strchr(arg, '=');
    if (stat(arg, &sb) != 0 && eq)
        arg = eq + 1;
    return mix_tree(h, arg, 0, budget);
}

uint64_t gp_web_data_generation(const gp_web_config *cfg)
{
    uint64_t h = BASIS;
    size_t budget = WALK_MAX_ENTRIES;
    char home[4096], path[4200];
    if (gp_refresh_home(home, sizeof(home), NULL) == GP_OK) {
        h = fnv(h, home, strlen(home) + 1);
        snprintf(path, sizeof(path), "%s/refresh", home);
        h = mix_tree(h, path, WALK_MAX_DEPTH - 1, &budget);
    }
    if (gp_history_default_path(path, sizeof(path) - 16, NULL) == GP_OK) {
        size_t n = strlen(path);
        h = mix_stat(h, path);
        snprintf(path + n, sizeof(path) - n, "-wal");
        h = mix_stat_as(h, path, 1);
        snprintf(path + n, sizeof(path) - n, "-journal");
        h = mix_stat(h, path);
    }
    for (size_t i = 0; cfg && i < cfg->nextra; i++)
        if (strncmp(cfg->extra[i], "--", 2) != 0)
            h = mix_catalog_arg(h, cfg->extra[i], &budget);
    const char *env = getenv("GPUPLAN_CATALOG");
    if (env && *env) {
        char copy[8192];
        snprintf(copy, sizeof(copy), "%s", env);
        char *save = NULL;
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save))
            h = mix_catalog_arg(h, p, &budget);
    }
    return h;
}
