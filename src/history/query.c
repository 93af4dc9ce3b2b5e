/* Reading the history: $/GPU-hour per group and day, and the latest
 * availability signal of an instance type. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/fail.h"
#include "gpuplan/stats.h"
#include "history/history_internal.h"

/* The signals that say something about capacity or stock (every kind
 * gp_history_signal_polarity() gives 0 or 1; the neutral spot bands are
 * left out), as an SQL condition on `kind`. */
#define STOCK_KINDS                                                                        \
    "(kind IN ('capacity-available', 'capacity-unavailable') OR kind LIKE 'stock:%')"


struct gp_history_result {
    gp_history_point *points;
    size_t n, cap;
    gp_arena arena;
};

const char *gp_history_by_name(gp_history_by by)
{
    return by == GP_HISTORY_BY_KIND ? "kind" : "provider";
}

int gp_history_by_parse(const char *name)
{
    if (!name)
        return -1;
    if (!strcasecmp(name, "provider"))
        return GP_HISTORY_BY_PROVIDER;
    if (!strcasecmp(name, "kind"))
        return GP_HISTORY_BY_KIND;
    return -1;
}

size_t gp_history_result_count(const gp_history_result *r) { return r ? r->n : 0; }

const gp_history_point *gp_history_result_point(const gp_history_result *r, size_t i)
{
    return r && i < r->n ? &r->points[i] : NULL;
}

void gp_history_result_free(gp_history_result *r)
{
    if (!r)
        return;
    free(r->points);
    gp_arena_free(&r->arena);
    free(r);
}

/* Appends " AND col IN (?,?,...)" for n values. */
static int add_in(char *sql, size_t cap, const char *col, size_t n)
{
    if (!n)
        return 0;
    size_t len = strlen(sql);
    int w = snprintf(sql + len, cap - len, " AND %s IN (", col);
    if (w < 0 || (size_t)w >= cap - len)
        return -1;
    len += (size_t)w;
    for (size_t i = 0; i < n; i++) {
        if (len + 3 >= cap)
            return -1;
        sql[len++] = '?';
        sql[len++] = i + 1 < n ? ',' : ')';
    }
    sql[len] = '\0';
    return 0;
}

/* One group's prices on one day (sorted) become a point. */
static int flush_point(gp_history_result *r, const char *group, int64_t day, double *prices,
                       size_t n, const char *inst, const char *region, const char *source)
{
    if (!n)
        return 0;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        gp_history_point *p = realloc(r->points, cap * sizeof(*p));
        if (!p)
            return -1;
        r->points = p;
        r->cap = cap;
    }
    gp_history_point *pt = &r->points[r->n];
    memset(pt, 0, sizeof(*pt));
    char t[21];
    gp_history_format_time(day, t);
    memcpy(pt->day, t, 10);
    pt->day[10] = '\0';
    pt->group = gp_arena_strdup(&r->arena, group);
    pt->cheapest_instance = gp_arena_strdup(&r->arena, inst);
    pt->cheapest_region = gp_arena_strdup(&r->arena, region);
    pt->cheapest_source = gp_arena_strdup(&r->arena, source);
    if (!pt->group || !pt->cheapest_instance || !pt->cheapest_region || !pt->cheapest_source)
        return -1;
    pt->min_usd_per_gpu_hour = prices[0];
    pt->median_usd_per_gpu_hour = gp_median_sorted(prices, n);
    pt->prices = n;
    r->n++;
    return 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

gp_status gp_history_query_prices(gp_history *h, const gp_history_query *q,
                                  gp_history_result **out, gp_error *err)
{
    *out = NULL;
    if (!q->ngpus || !q->gpus)
        return gp_fail(err, GP_EINVAL, NULL, 0, "no accelerator to show the history of");
    gp_history_result *r = calloc(1, sizeof(*r));
    if (!r)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    gp_arena_init(&r->arena);
    if (h->version == 0) { /* an empty file: no tables yet */
        *out = r;
        return GP_OK;
    }
    size_t cap = 1024 + 4 * (q->ngpus + q->nproviders + q->nkinds);
    char *sql = malloc(cap);
    if (!sql) {
        gp_history_result_free(r);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    /* The days: every UTC day on which something was appended. A run
     * covers the days from its first to its last observation. */
    snprintf(sql, cap,
             "WITH days(d) AS (SELECT DISTINCT (observed / 86400) * 86400 FROM appends"
             " WHERE observed >= ?1)"
             " SELECT days.d, %s, r.usd_per_hour / s.gpu_count AS p, s.instance_type,"
             " s.region, r.source"
             " FROM runs r JOIN series s ON s.id = r.series"
             " JOIN days ON days.d >= (r.first_seen / 86400) * 86400"
             " AND days.d <= (r.last_seen / 86400) * 86400"
             " WHERE (?2 IS NULL OR s.instance_type = ?2)",
             q->by == GP_HISTORY_BY_KIND ? "s.kind" : "s.provider");
    int bad = add_in(sql, cap, "s.gpu", q->ngpus) ||
              add_in(sql, cap, "s.provider COLLATE NOCASE", q->nproviders) ||
              add_in(sql, cap, "s.kind", q->nkinds);
    if (!bad) {
        size_t len = strlen(sql);
        bad = snprintf(sql + len, cap - len, " ORDER BY 2, 1, 3") >= (int)(cap - len);
    }
    sqlite3_stmt *s = NULL;
    if (bad || sqlite3_prepare_v2(h->db, sql, -1, &s, NULL) != SQLITE_OK) {
        free(sql);
        gp_history_result_free(r);
        return bad ? gp_fail(err, GP_ENOMEM, NULL, 0, "query too long")
                   : gp_history_sql_fail(h, err, "cannot read the history");
    }
    free(sql);
    int k = 1;
    sqlite3_bind_int64(s, k++, q->since_unix_s);
    if (q->instance_type)
        sqlite3_bind_text(s, k, q->instance_type, -1, SQLITE_STATIC);
    k++;
    for (size_t i = 0; i < q->ngpus; i++)
        sqlite3_bind_text(s, k++, q->gpus[i], -1, SQLITE_STATIC);
    for (size_t i = 0; i < q->nproviders; i++)
        sqlite3_bind_text(s, k++, q->providers[i], -1, SQLITE_STATIC);
    for (size_t i = 0; i < q->nkinds; i++)
        sqlite3_bind_text(s, k++, gp_pricing_kind_name(q->kinds[i]), -1, SQLITE_STATIC);

    double *prices = NULL;
    size_t np = 0, pcap = 0;
    char group[128] = "", inst[256] = "", region[128] = "", source[512] = "";
    int64_t day = 0;
    int rc, fail = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && !fail) {
        int64_t d = sqlite3_column_int64(s, 0);
        const char *g = col_text(s, 1);
        if (np && (d != day || strcmp(g, group) != 0)) {
            fail = flush_point(r, group, day, prices, np, inst, region, source) < 0;
            np = 0;
        }
        if (np == pcap && gp_grow((void **)&prices, &pcap, np, sizeof(*prices)) != 0) {
            fail = 1;
            break;
        }
        if (!np) { /* rows come cheapest first within a group and day */
            day = d;
            snprintf(group, sizeof(group), "%s", g);
            snprintf(inst, sizeof(inst), "%s", col_text(s, 3));
            snprintf(region, sizeof(region), "%s", col_text(s, 4));
            snprintf(source, sizeof(source), "%s", col_text(s, 5));
        }
        prices[np++] = sqlite3_column_double(s, 2);
    }
    if (!fail && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        gp_status st = gp_history_sql_fail(h, err, "cannot read the history");
        free(prices);
        sqlite3_finalize(s);
        gp_history_result_free(r);
        return st;
    }
    if (!fail && np)
        fail = flush_point(r, group, day, prices, np, inst, region, source) < 0;
    free(prices);
    sqlite3_finalize(s);
    if (fail) {
        gp_history_result_free(r);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    *out = r;
    return GP_OK;
}

/* The decision over one pair's signals, rows fed ordered by region, then
 * time, latest first: per region its latest time decides (a positive
 * signal at that time wins a tie); the pair is available when any region
 * is. */
typedef struct avail_fold {
    char region[128];
    int have, any, yes;
    int64_t region_t, best_yes, best_any;
} avail_fold;

static void fold_row(avail_fold *f, const char *region, int polarity, int64_t t)
{
    if (!f->have || strcmp(region, f->region) != 0) {
        snprintf(f->region, sizeof(f->region), "%s", region);
        f->have = 1;
        f->region_t = t;
    }
    if (t != f->region_t)
        return; /* older than the region's latest signal */
    if (!f->any || t > f->best_any)
        f->best_any = t;
    f->any = 1;
    if (polarity == 1 && (!f->yes || t > f->best_yes)) {
        f->yes = 1;
        f->best_yes = t;
    }
}

gp_status gp_history_availability(gp_history *h, const char *provider,
                                  const char *instance_type, const char *region,
                                  int64_t now_unix_s, double max_age_hours,
                                  gp_availability *out, int64_t *observed, gp_error *err)
{
    *out = GP_AVAIL_UNKNOWN;
    if (observed)
        *observed = 0;
    if (!provider || !instance_type || !isfinite(max_age_hours) || max_age_hours < 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "availability: bad provider, type or age");
    if (h->version < 2)
        return GP_OK;
    sqlite3_stmt *s = NULL;
    const char *sql =
        "SELECT region, kind, observed FROM signals WHERE provider = ?1"
        " AND instance_type = ?2 AND (?3 IS NULL OR region = ?3)"
        " AND observed >= ?4 AND observed <= ?5"
        " AND " STOCK_KINDS " ORDER BY region, observed DESC";
    if (sqlite3_prepare_v2(h->db, sql, -1, &s, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot read the history");
    sqlite3_bind_text(s, 1, provider, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, instance_type, -1, SQLITE_STATIC);
    if (region)
        sqlite3_bind_text(s, 3, region, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now_unix_s - (int64_t)(max_age_hours * 3600.0));
    sqlite3_bind_int64(s, 5, now_unix_s);
    avail_fold f = {0};
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        fold_row(&f, col_text(s, 0), gp_history_signal_polarity(col_text(s, 1)),
                 sqlite3_column_int64(s, 2));
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return gp_history_sql_fail(h, err, "cannot read the history");
    if (f.any) {
        *out = f.yes ? GP_AVAIL_YES : GP_AVAIL_NO;
        if (observed)
            *observed = f.yes ? f.best_yes : f.best_any;
    }
    return GP_OK;
}

gp_status gp_history_latest_signal(gp_history *h, const char *provider,
                                   const char *instance_type, const char *region,
                                   int64_t now_unix_s, double max_age_hours,
                                   gp_history_latest *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    int64_t t = 0;
    gp_status st = gp_history_availability(h, provider, instance_type, region, now_unix_s,
                                           max_age_hours, &out->status, &t, err);
    if (st != GP_OK || out->status == GP_AVAIL_UNKNOWN)
        return st;
    out->observed_unix_s = t;
    sqlite3_stmt *s = NULL;
    const char *sql = "SELECT kind, region, source FROM signals WHERE provider = ?1"
                      " AND instance_type = ?2 AND (?3 IS NULL OR region = ?3)"
                      " AND observed = ?4 ORDER BY id";
    if (sqlite3_prepare_v2(h->db, sql, -1, &s, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot read the history");
    sqlite3_bind_text(s, 1, provider, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, instance_type, -1, SQLITE_STATIC);
    if (region)
        sqlite3_bind_text(s, 3, region, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, t);
    int want = out->status == GP_AVAIL_YES ? 1 : 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *kind = col_text(s, 0);
        if (gp_history_signal_polarity(kind) != want)
            continue;
        snprintf(out->kind, sizeof(out->kind), "%s", kind);
        snprintf(out->region, sizeof(out->region), "%s", col_text(s, 1));
        snprintf(out->source, sizeof(out->source), "%s", col_text(s, 2));
        break;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gp_history_sql_fail(h, err, "cannot read the history");
    return GP_OK;
}

gp_status gp_history_signal_keys(gp_history *h, int64_t since_unix_s, char ***out, size_t *n,
                                 gp_error *err)
{
    *out = NULL;
    *n = 0;
    if (h->version < 2)
        return GP_OK;
    sqlite3_stmt *s = NULL;
    const char *sql = "SELECT DISTINCT provider || char(31) || instance_type AS k FROM signals"
                      " WHERE observed >= ?1 AND " STOCK_KINDS " ORDER BY k";
    if (sqlite3_prepare_v2(h->db, sql, -1, &s, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot read the history");
    sqlite3_bind_int64(s, 1, since_unix_s);
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    int rc, oom = 0;
    while (!oom && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (cnt == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nv = realloc(v, nc * sizeof(*nv));
            if (!nv) {
                oom = 1;
                break;
            }
            v = nv;
            cap = nc;
        }
        if (!(v[cnt] = strdup(col_text(s, 0))))
            oom = 1;
        else
            cnt++;
    }
    sqlite3_finalize(s);
    if (oom) {
        gp_history_keys_free(v, cnt);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    if (rc != SQLITE_DONE) {
        gp_history_keys_free(v, cnt);
        return gp_history_sql_fail(h, err, "cannot read the history");
    }
    *out = v;
    *n = cnt;
    return GP_OK;
}

void gp_history_keys_free(char **keys, size_t n)
{
    for (size_t i = 0; keys && i < n; i++)
        free(keys[i]);
    free(keys);
}

gp_status gp_history_providers(gp_history *h, char ***out, size_t *n, gp_error *err)
{
    *out = NULL;
    *n = 0;
    if (h->version == 0)
        return GP_OK;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(h->db, "SELECT DISTINCT provider FROM series ORDER BY provider", -1,
                           &s, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot read the history");
    /* Two passes: the size, then one block of pointers and text. */
    size_t count = 0, bytes = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        count++;
        bytes += strlen(col_text(s, 0)) + 1;
    }
    if (rc != SQLITE_DONE) {
        sqlite3_finalize(s);
        return gp_history_sql_fail(h, err, "cannot read the history");
    }
    char **v = malloc((count + 1) * sizeof(*v) + bytes + 1);
    if (!v) {
        sqlite3_finalize(s);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    char *w = (char *)(v + count + 1);
    sqlite3_reset(s);
    size_t i = 0;
    while (i < count && sqlite3_step(s) == SQLITE_ROW) {
        const char *t = col_text(s, 0);
        size_t len = strlen(t) + 1;
        memcpy(w, t, len);
        v[i++] = w;
        w += len;
    }
    v[i] = NULL;
    sqlite3_finalize(s);
    *out = v;
    *n = i;
    return GP_OK;
}

gp_status gp_history_has_signals(gp_history *h, int *out, gp_error *err)
{
    *out = 0;
    if (h->version < 2)
        return GP_OK;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(h->db, "SELECT EXISTS (SELECT 1 FROM signals WHERE " STOCK_KINDS ")",
                           -1, &s, NULL) !=
            SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return gp_history_sql_fail(h, err, "cannot read the history");
    }
    *out = sqlite3_column_int(s, 0) != 0;
    sqlite3_finalize(s);
    return GP_OK;
}

/* One row of the window, its text as offsets into one growing block. */
typedef struct sig_row {
    size_t provider, instance, region, kind, source;
    int64_t observed, id;
} sig_row;

static int text_add(char **buf, size_t *len, size_t *cap, const char *t, size_t *at)
{
    size_t n = strlen(t) + 1;
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n)
            c *= 2;
        char *b = realloc(*buf, c);
        if (!b)
            return -1;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, t, n);
    *at = *len;
    *len += n;
    return 0;
}

/* gp_history_availability() then gp_history_latest_signal() (region NULL)
 * over the rows of one pair, ordered by region, then time, latest first:
 * the same decisions, made on rows already read. */
static void decide_pair(const char *text, const sig_row *r, size_t n, gp_history_latest *out)
{
    memset(out, 0, sizeof(*out));
    avail_fold f = {0};
    for (size_t i = 0; i < n; i++)
        fold_row(&f, text + r[i].region, gp_history_signal_polarity(text + r[i].kind),
                 r[i].observed);
    if (!f.any)
        return;
    out->status = f.yes ? GP_AVAIL_YES : GP_AVAIL_NO;
    out->observed_unix_s = f.yes ? f.best_yes : f.best_any;
    /* The deciding row: of those at that time, the first recorded with
     * the status's polarity (every such kind is in the window's rows). */
    int want = f.yes ? 1 : 0;
    const sig_row *pick = NULL;
    for (size_t i = 0; i < n; i++)
        if (r[i].observed == out->observed_unix_s && (!pick || r[i].id < pick->id) &&
            gp_history_signal_polarity(text + r[i].kind) == want)
            pick = &r[i];
    if (pick) {
        snprintf(out->kind, sizeof(out->kind), "%s", text + pick->kind);
        snprintf(out->region, sizeof(out->region), "%s", text + pick->region);
        snprintf(out->source, sizeof(out->source), "%s", text + pick->source);
    }
}

gp_status gp_history_latest_signals(gp_history *h, int64_t now_unix_s, double max_age_hours,
                                    gp_history_latest_set *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!isfinite(max_age_hours) || max_age_hours < 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "availability: bad provider, type or age");
    if (h->version < 2)
        return GP_OK;
    /* The window and kinds of gp_history_availability(), for every pair. */
    const char *sql =
        "SELECT provider, instance_type, region, kind, source, observed, id FROM signals"
        " WHERE observed >= ?1 AND observed <= ?2"
        " AND " STOCK_KINDS " ORDER BY provider, instance_type, region, observed DESC";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(h->db, sql, -1, &s, NULL) != SQLITE_OK)
        return gp_history_sql_fail(h, err, "cannot read the history");
    sqlite3_bind_int64(s, 1, now_unix_s - (int64_t)(max_age_hours * 3600.0));
    sqlite3_bind_int64(s, 2, now_unix_s);
    sig_row *rows = NULL;
    size_t nrows = 0, cap = 0, len = 0, tcap = 0;
    char *text = NULL;
    int rc, oom = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (nrows == cap && gp_grow((void **)&rows, &cap, nrows, sizeof(*rows)) != 0) {
            oom = 1;
            break;
        }
        sig_row *r = &rows[nrows];
        if (text_add(&text, &len, &tcap, col_text(s, 0), &r->provider) ||
            text_add(&text, &len, &tcap, col_text(s, 1), &r->instance) ||
            text_add(&text, &len, &tcap, col_text(s, 2), &r->region) ||
            text_add(&text, &len, &tcap, col_text(s, 3), &r->kind) ||
            text_add(&text, &len, &tcap, col_text(s, 4), &r->source)) {
            oom = 1;
            break;
        }
        r->observed = sqlite3_column_int64(s, 5);
        r->id = sqlite3_column_int64(s, 6);
        nrows++;
    }
    sqlite3_finalize(s);
    gp_history_latest_entry *e = NULL;
    size_t ne = 0;
    if (!oom && rc == SQLITE_DONE && nrows && !(e = malloc(nrows * sizeof(*e))))
        oom = 1;
    if (oom || rc != SQLITE_DONE) {
        free(rows);
        free(text);
        free(e);
        return oom ? gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory")
                   : gp_history_sql_fail(h, err, "cannot read the history");
    }
    for (size_t a = 0; a < nrows;) {
        size_t b = a + 1;
        while (b < nrows && !strcmp(text + rows[b].provider, text + rows[a].provider) &&
               !strcmp(text + rows[b].instance, text + rows[a].instance))
            b++;
        gp_history_latest l;
        decide_pair(text, &rows[a], b - a, &l);
        if (l.status != GP_AVAIL_UNKNOWN) {
            e[ne].provider = text + rows[a].provider;
            e[ne].instance_type = text + rows[a].instance;
            e[ne].latest = l;
            ne++;
        }
        a = b;
    }
    free(rows);
    out->entries = e;
    out->n = ne;
    out->text = text;
    return GP_OK;
}

void gp_history_latest_set_free(gp_history_latest_set *set)
{
    if (!set)
        return;
    free(set->entries);
    free(set->text);
    memset(set, 0, sizeof(*set));
}

const gp_history_latest *gp_history_latest_find(const gp_history_latest_set *set,
                                                const char *provider,
                                                const char *instance_type)
{
    size_t lo = 0, hi = set ? set->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const gp_history_latest_entry *e = &set->entries[mid];
        int c = strcmp(provider, e->provider);
        if (!c)
            c = strcmp(instance_type, e->instance_type);
        if (!c)
            return &e->latest;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
