/* The web API's answer cache (web/cache.c) without a server: what is kept,
 * for which data generation, under which budget; an answer held while the
 * cache drops it; identical requests sharing one run; the cap on runs at
 * once. The run functions here stand in for the child process. */
#define _GNU_SOURCE
#include "test_util.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "web.h"

typedef struct fake {
    atomic_int runs;      /* times run was called */
    atomic_int running;   /* runs in progress */
    atomic_int most;      /* most runs in progress at once */
    size_t len;           /* bytes of each answer */
    int keep;             /* what run returns */
    int sleep_ms;
} fake;

static int fake_run(void *ctx, gp_web_reply *out)
{
    fake *f = ctx;
    int n = atomic_fetch_add(&f->runs, 1) + 1;
    int now = atomic_fetch_add(&f->running, 1) + 1;
    int most = atomic_load(&f->most);
    while (now > most && !atomic_compare_exchange_weak(&f->most, &most, now))
        ;
    if (f->sleep_ms) {
        struct timespec ts = {0, (long)f->sleep_ms * 1000000L};
        nanosleep(&ts, NULL);
    }
    out->status = 200;
    out->type = "application/json";
    out->body = malloc(f->len + 1);
    if (out->body) {
        memset(out->body, 'a' + n % 26, f->len);
        out->body[f->len] = '\0';
        out->len = f->len;
    }
    atomic_fetch_sub(&f->running, 1);
    return f->keep;
}

static gp_web_cache *cache_with(const char *kib, const char *ttl_s, const char *children)
{
    setenv("GPUPLAN_WEB_CACHE_KIB", kib, 1);
    setenv("GPUPLAN_WEB_CACHE_TTL_S", ttl_s, 1);
    setenv("GPUPLAN_WEB_CHILDREN", children, 1);
    gp_web_cache *c = gp_web_cache_new();
    assert_non_null(c);
    return c;
}

/* Asks key; returns the X-Gpuplan-Cache word and the body's first byte. */
static const char *ask(gp_web_cache *c, const char *key, uint64_t gen, fake *f, char *first)
{
    gp_web_reply r;
    assert_int_equal(gp_web_cache_answer(c, key, strlen(key), gen, fake_run, f, &r), 0);
    assert_non_null(r.body);
    assert_int_equal(r.len, f->len);
    *first = r.body[0];
    const char *how = r.cache;
    gp_web_reply_free(&r);
    return how;
}

static void kept_for_one_generation(void **state)
{
    (void)state;
    gp_web_cache *c = cache_with("64", "60", "2");
    fake f = {.len = 100, .keep = 1};
    char a, b;
    assert_string_equal(ask(c, "offers\n--gpu=H100", 1, &f, &a), "miss");
    assert_string_equal(ask(c, "offers\n--gpu=H100", 1, &f, &b), "hit");
    assert_int_equal(a, b); /* the same bytes */
    assert_int_equal(atomic_load(&f.runs), 1);
    /* another key, and the same key of other data, run again */
    assert_string_equal(ask(c, "offers\n--gpu=H200", 1, &f, &a), "miss");
    assert_string_equal(ask(c, "offers\n--gpu=H100", 2, &f, &a), "miss");
    assert_int_equal(atomic_load(&f.runs), 3);
    assert_string_equal(ask(c, "offers\n--gpu=H100", 2, &f, &a), "hit");
    /* an answer its run calls not deterministic is not kept */
    fake g = {.len = 10, .keep = 0};
    assert_string_equal(ask(c, "plan", 1, &g, &a), "off");
    assert_string_equal(ask(c, "plan", 1, &g, &a), "off");
    assert_int_equal(atomic_load(&g.runs), 2);
    gp_web_cache_free(c);
}

static void budget_evicts_least_recently_used(void **state)
{
    (void)state;
    /* 1 KiB: two answers of 300 bytes (and their keys and bookkeeping) fit,
     * three do not. */
    gp_web_cache *c = cache_with("1", "60", "2");
    fake f = {.len = 300, .keep = 1};
    char x;
    assert_string_equal(ask(c, "A", 1, &f, &x), "miss");
    assert_string_equal(ask(c, "B", 1, &f, &x), "miss");
    assert_string_equal(ask(c, "A", 1, &f, &x), "hit"); /* A now the most recent */
    assert_string_equal(ask(c, "C", 1, &f, &x), "miss"); /* drops B */
    assert_string_equal(ask(c, "A", 1, &f, &x), "hit");
    assert_string_equal(ask(c, "C", 1, &f, &x), "hit");
    assert_string_equal(ask(c, "B", 1, &f, &x), "miss");
    /* larger than the whole budget: answered, never kept */
    fake big = {.len = 2000, .keep = 1};
    assert_string_equal(ask(c, "D", 1, &big, &x), "miss");
    assert_string_equal(ask(c, "D", 1, &big, &x), "miss");
    assert_int_equal(atomic_load(&big.runs), 2);
    gp_web_cache_free(c);
}

static void held_answer_outlives_eviction(void **state)
{
    (void)state;
    gp_web_cache *c = cache_with("1", "60", "2");
    fake f = {.len = 300, .keep = 1};
    gp_web_reply held;
    assert_int_equal(gp_web_cache_answer(c, "A", 1, 1, fake_run, &f, &held), 0);
    char want = held.body[0];
    char x;
    ask(c, "B", 1, &f, &x);
    ask(c, "C", 1, &f, &x); /* drops A while it is held */
    ask(c, "A", 2, &f, &x); /* and a new generation of A */
    for (size_t i = 0; i < held.len; i++) /* still readable (ASan: no use after free) */
        assert_int_equal(held.body[i], want);
    gp_web_reply_free(&held);
    gp_web_cache_free(c);
}

static void nothing_kept_without_budget_or_ttl(void **state)
{
    (void)state;
    fake f = {.len = 10, .keep = 1};
    char x;
    gp_web_cache *c = cache_with("0", "60", "2");
    assert_string_equal(ask(c, "A", 1, &f, &x), "off");
    assert_string_equal(ask(c, "A", 1, &f, &x), "off");
    gp_web_cache_free(c);
    c = cache_with("64", "0", "2");
    assert_string_equal(ask(c, "A", 1, &f, &x), "off");
    assert_string_equal(ask(c, "A", 1, &f, &x), "off");
    gp_web_cache_free(c);
    assert_int_equal(atomic_load(&f.runs), 4);
}

typedef struct asker {
    gp_web_cache *c;
    fake *f;
    char key[16];
    const char *how;
    int rc;
} asker;

static void *ask_thread(void *p)
{
    asker *a = p;
    gp_web_reply r;
    a->rc = gp_web_cache_answer(a->c, a->key, strlen(a->key), 1, fake_run, a->f, &r);
    a->how = r.cache;
    if (a->rc == 0)
        gp_web_reply_free(&r);
    return NULL;
}

static void identical_requests_share_one_run(void **state)
{
    (void)state;
    gp_web_cache *c = cache_with("64", "60", "2");
    fake f = {.len = 50, .keep = 1, .sleep_ms = 200};
    asker a[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (asker){c, &f, "plan", NULL, -1};
        assert_int_equal(pthread_create(&th[i], NULL, ask_thread, &a[i]), 0);
    }
    int misses = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(a[i].rc, 0);
        misses += strcmp(a[i].how, "miss") == 0;
    }
    assert_int_equal(atomic_load(&f.runs), 1);
    assert_int_equal(misses, 1);
    gp_web_cache_free(c);
}

static void runs_at_once_capped(void **state)
{
    (void)state;
    gp_web_cache *c = cache_with("64", "60", "1");
    fake f = {.len = 10, .keep = 1, .sleep_ms = 50};
    asker a[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (asker){c, &f, "", NULL, -1};
        snprintf(a[i].key, sizeof(a[i].key), "k%d", i);
        assert_int_equal(pthread_create(&th[i], NULL, ask_thread, &a[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(a[i].rc, 0);
    }
    assert_int_equal(atomic_load(&f.runs), 4);
    assert_int_equal(atomic_load(&f.most), 1);
    gp_web_cache_free(c);
}

static void generation_follows_the_data_home(void **state)
{
    (void)state;
    char home[] = "/tmp/gp-test-web-cache-XXXXXX";
    assert_non_null(mkdtemp(home));
    setenv("GPUPLAN_HOME", home, 1);
    unsetenv("GPUPLAN_CATALOG");
    gp_web_config cfg = {0};
    uint64_t g0 = gp_web_data_generation(&cfg);
    assert_true(g0 == gp_web_data_generation(&cfg)); /* nothing changed */
    char dir[128], csv[160], hist[160];
    snprintf(dir, sizeof(dir), "%s/refresh", home);
    assert_int_equal(mkdir(dir, 0700), 0);
    uint64_t g1 = gp_web_data_generation(&cfg);
    assert_true(g1 != g0);
    snprintf(csv, sizeof(csv), "%s/lambda.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("provider\n", f);
    fclose(f);
    uint64_t g2 = gp_web_data_generation(&cfg);
    assert_true(g2 != g1);
    /* the same size, another mtime */
    struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
    assert_int_equal(utimensat(AT_FDCWD, csv, times, 0), 0);
    uint64_t g3 = gp_web_data_generation(&cfg);
    assert_true(g3 != g2);
    assert_true(g3 == gp_web_data_generation(&cfg));
    snprintf(hist, sizeof(hist), "%s/history.sqlite", home);
    f = fopen(hist, "w");
    assert_non_null(f);
    fclose(f);
    assert_true(gp_web_data_generation(&cfg) != g3);
    /* another data home is other data */
    setenv("GPUPLAN_HOME", "/nonexistent-gp-home", 1);
    assert_true(gp_web_data_generation(&cfg) != g0);
    unlink(hist);
    unlink(csv);
    rmdir(dir);
    rmdir(home);
    unsetenv("GPUPLAN_HOME");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kept_for_one_generation),
        cmocka_unit_test(budget_evicts_least_recently_used),
        cmocka_unit_test(held_answer_outlives_eviction),
        cmocka_unit_test(nothing_kept_without_budget_or_ttl),
        cmocka_unit_test(identical_requests_share_one_run),
        cmocka_unit_test(runs_at_once_capped),
        cmocka_unit_test(generation_follows_the_data_home),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
