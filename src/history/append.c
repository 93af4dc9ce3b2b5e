/* Appending to the history: observed prices become runs, availability
 * signals become rows, each call in one transaction. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "history/history_internal.h"

static int cmp_str(const char *a, const char *b) { return strcmp(a, b); }

/* Series key, then time, then price: the order runs are decided in. */
static int cmp_obs(const void *pa, const void *pb)
{
    const gp_history_obs *a = *(const gp_history_obs *const *)pa;
    const gp_history_obs *b = *(const gp_history_obs *const *)pb;
    int c;
    if ((c = cmp_str(a->provider, b->provider)) || (c = cmp_str(a->instance_type, b->instance_type)) ||
        (c = cmp_str(a->region, b->region)) || (c = cmp_str(a->zone, b->zone)))
        return c;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->observed_unix_s != b->observed_unix_s)
        return a->observed_unix_s < b->observed_unix_s ? -1 : 1;
    if (a->usd_per_hour != b->usd_per_hour)
        return a->usd_per_hour < b->usd_per_hour ? -1 : 1;
    return 0;
}

static int same_series(const gp_history_obs *a, const gp_history_obs *b)
{
    return a->kind == b->kind && !strcmp(a->provider, b->provider) &&
           !strcmp(a->instance_type, b->instance_type) && !strcmp(a->region, b->region) &&
           !strcmp(a->zone, b->zone);
}

static gp_status check_obs(const gp_history_obs *o, size_t i, gp_error *err)
{
    if (!o->provider || !o->instance_type || !o->region || !o->zone || !o->gpu || !o->source)
        return gp_fail(err, GP_EINVAL, NULL, 0, "observation %zu: a NULL string", i + 1);
    if (!*o->provider || !*o->instance_type)
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "observation %zu: no provider or instance type", i + 1);
    if ((int)o->kind < 0 || o->kind >= GP_PRICING_COUNT)
        return gp_fail(err, GP_EINVAL, NULL, 0, "observation %zu: unknown pricing kind",
                       i + 1);
    if (!isfinite(o->usd_per_hour) || o->usd_per_hour <= 0)
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "observation %zu (%s %s): the price must be above 0", i + 1,
                       o->provider, o->instance_type);
    if (!isfinite(o->gpu_count) || o->gpu_count <= 0)
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "observation %zu (%s %s): the accelerator count must be above 0",
                       i + 1, o->provider, o->instance_type);
    return GP_OK;
}

enum { S_SEL_SERIES, S_INS_SERIES, S_UPD_SERIES, S_RUN_AT, S_RUN_COVER, S_EXTEND,
       S_INS_RUN, S_INS_APPEND, S_COUNT };

static const char *const SQL[S_COUNT] = {
    "SELECT id, last_observed FROM series WHERE provider = ?1 AND instance_type = ?2"
    " AND region = ?3 AND zone = ?4 AND kind = ?5",
    "INSERT INTO series(provider, instance_type, region, zone, kind, gpu, gpu_count,"
    " last_observed) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)",
    "UPDATE series SET last_observed = ?2 WHERE id = ?1",
    "SELECT id FROM runs WHERE series = ?1 AND usd_per_hour = ?2 AND last_seen = ?3"
    " ORDER BY id DESC LIMIT 1",
    "SELECT id FROM runs WHERE series = ?1 AND usd_per_hour = ?2 AND first_seen <= ?3"
    " AND last_seen >= ?3 LIMIT 1",
    "UPDATE runs SET last_seen = ?2 WHERE id = ?1",
    "INSERT INTO runs(series, usd_per_hour, first_seen, last_seen, source)"
    " VALUES(?1, ?2, ?3, ?3, ?4)",
    "INSERT INTO appends(observed, recorded, provider, source, observations)"
    " VALUES(?1, ?2, ?3, ?4, ?5)",
};

typedef struct stmts {
    sqlite3_stmt *s[S_COUNT];
} stmts;

static void stmts_free(stmts *st)
{
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(st->s[i]);
}

static sqlite3_stmt *use(stmts *st, int which)
{
    sqlite3_reset(st->s[which]);
    sqlite3_clear_bindings(st->s[which]);
    return st->s[which];
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
    sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
}

/* Returns the run found (>0), 0 for none, -1 on error. */
static sqlite3_int64 find_run(stmts *st, int which, sqlite3_int64 series, double price,
                              int64_t t)
{
    sqlite3_stmt *s = use(st, which);
    sqlite3_bind_int64(s, 1, series);
    sqlite3_bind_double(s, 2, price);
    sqlite3_bind_int64(s, 3, t);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return sqlite3_column_int64(s, 0);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int step_done(sqlite3_stmt *s) { return sqlite3_step(s) == SQLITE_DONE; }

/* One observation against its series' state before this append
 * (`prev`, or has_prev 0). Returns 1 when it wrote something, 0 when it
 * was already recorded, -1 on error. */
static int apply(stmts *st, sqlite3_int64 series, int has_prev, int64_t prev,
                 const gp_history_obs *o, gp_history_stats *stats)
{
    int64_t t = o->observed_unix_s;
    double p = o->usd_per_hour;
    sqlite3_int64 run = 0;
    if (has_prev && t > prev) {
        if ((run = find_run(st, S_RUN_AT, series, p, prev)) < 0)
            return -1;
        if (run > 0) {
            sqlite3_stmt *s = use(st, S_EXTEND);
            sqlite3_bind_int64(s, 1, run);
            sqlite3_bind_int64(s, 2, t);
            if (!step_done(s))
                return -1;
            stats->extended_runs++;
            return 1;
        }
    } else if (has_prev) {
        /* The same time as the last observation, or older: recorded when a
         * run of this price covers it. */
        if ((run = find_run(st, S_RUN_COVER, series, p, t)) < 0)
            return -1;
        if (run > 0) {
            stats->unchanged++;
            return 0;
        }
    }
    sqlite3_stmt *s = use(st, S_INS_RUN);
    sqlite3_bind_int64(s, 1, series);
    sqlite3_bind_double(s, 2, p);
    sqlite3_bind_int64(s, 3, t);
    bind_text(s, 4, o->source);
    if (!step_done(s))
        return -1;
    stats->new_runs++;
    return 1;
}

/* The series' id and last observation, created when new. */
static int series_of(stmts *st, sqlite3_int64 *id, int *has_prev, int64_t *prev,
                     const gp_history_obs *o)
{
    const char *kind = gp_pricing_kind_name(o->kind);
    sqlite3_stmt *s = use(st, S_SEL_SERIES);
    bind_text(s, 1, o->provider);
    bind_text(s, 2, o->instance_type);
    bind_text(s, 3, o->region);
    bind_text(s, 4, o->zone);
    bind_text(s, 5, kind);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        *has_prev = sqlite3_column_type(s, 1) != SQLITE_NULL;
        *prev = sqlite3_column_int64(s, 1);
        return 0;
    }
    if (rc != SQLITE_DONE)
        return -1;
    s = use(st, S_INS_SERIES);
    bind_text(s, 1, o->provider);
    bind_text(s, 2, o->instance_type);
    bind_text(s, 3, o->region);
    bind_text(s, 4, o->zone);
    bind_text(s, 5, kind);
    bind_text(s, 6, o->gpu);
    sqlite3_bind_double(s, 7, o->gpu_count);
    if (!step_done(s))
        return -1;
    *id = sqlite3_last_insert_rowid(sqlite3_db_handle(s));
    *has_prev = 0;
    *prev = 0;
    return 0;
}

typedef struct time_slot {
    int64_t t;
    const char *provider, *source; /* common to every observation, or NULL */
    size_t n, written;
} time_slot;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The appends rows: one per distinct time at which something was written. */
static int record_appends(stmts *st, const gp_history_obs *const *v, size_t n,
                          const unsigned char *wrote)
{
    int64_t *times = malloc((n + 1) * sizeof(*times));
    if (!times)
        return -1;
    for (size_t i = 0; i < n; i++)
        times[i] = v[i]->observed_unix_s;
    qsort(times, n, sizeof(*times), cmp_i64);
    size_t nt = 0;
    for (size_t i = 0; i < n; i++)
        if (!nt || times[nt - 1] != times[i])
            times[nt++] = times[i];
    time_slot *slots = calloc(nt + 1, sizeof(*slots));
    if (!slots) {
        free(times);
        return -1;
    }
    for (size_t i = 0; i < nt; i++)
        slots[i].t = times[i];
    for (size_t i = 0; i < n; i++) {
        int64_t key = v[i]->observed_unix_s;
        int64_t *hit = bsearch(&key, times, nt, sizeof(*times), cmp_i64);
        time_slot *sl = &slots[hit - times];
        if (!sl->n) {
            sl->provider = v[i]->provider;
            sl->source = v[i]->source;
        } else {
            if (sl->provider && strcmp(sl->provider, v[i]->provider))
                sl->provider = NULL;
            if (sl->source && strcmp(sl->source, v[i]->source))
                sl->source = NULL;
        }
        sl->n++;
        sl->written += wrote[i];
    }
    int rc = 0;
    time_t now = time(NULL);
    for (size_t i = 0; i < nt && !rc; i++) {
        if (!slots[i].written)
            continue;
        sqlite3_stmt *s = use(st, S_INS_APPEND);
        sqlite3_bind_int64(s, 1, slots[i].t);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
        bind_text(s, 3, slots[i].provider ? slots[i].provider : "");
        bind_text(s, 4, slots[i].source ? slots[i].source : "(several sources)");
        sqlite3_bind_int64(s, 5, (sqlite3_int64)slots[i].n);
        if (!step_done(s))
            rc = -1;
    }
    free(slots);
    free(times);
    return rc;
}

static gp_status append_locked(gp_history *h, const gp_history_obs *const *v, size_t n,
                               gp_history_stats *stats, gp_error *err)
{
    stmts st;
    memset(&st, 0, sizeof(st));
    for (int i = 0; i < S_COUNT; i++)
        if (sqlite3_prepare_v2(h->db, SQL[i], -1, &st.s[i], NULL) != SQLITE_OK) {
            stmts_free(&st);
            return gp_history_sql_fail(h, err, "cannot append to the history");
        }
    unsigned char *wrote = calloc(n + 1, 1);
    if (!wrote) {
        stmts_free(&st);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    int bad = 0;
    for (size_t i = 0; i < n && !bad;) {
        /* One series: its state before this append decides every run. */
        size_t end = i + 1;
        while (end < n && same_series(v[i], v[end]))
            end++;
        sqlite3_int64 id;
        int has_prev;
        int64_t prev, last = 0;
        if (series_of(&st, &id, &has_prev, &prev, v[i]) < 0) {
            bad = 1;
            break;
        }
        int64_t group_prev = prev;
        int group_has = has_prev;
        for (size_t k = i; k < end && !bad; k++) {
            /* Later times in this append see the earlier ones as the
             * previous observation. */
            if (k > i && v[k]->observed_unix_s != v[k - 1]->observed_unix_s) {
                int64_t t_prev = v[k - 1]->observed_unix_s;
                if (!group_has || t_prev > group_prev) {
                    group_prev = t_prev;
                    group_has = 1;
                }
            }
            int r = apply(&st, id, group_has, group_prev, v[k], stats);
            if (r < 0)
                bad = 1;
            wrote[k] = r > 0;
            last = v[k]->observed_unix_s;
        }
        if (!bad && (!has_prev || last > prev)) {
            sqlite3_stmt *s = use(&st, S_UPD_SERIES);
            sqlite3_bind_int64(s, 1, id);
            sqlite3_bind_int64(s, 2, last);
            if (!step_done(s))
                bad = 1;
        }
        i = end;
    }
    if (!bad && record_appends(&st, v, n, wrote) < 0)
        bad = 1;
    gp_status rc = bad ? gp_history_sql_fail(h, err, "cannot append to the history") : GP_OK;
    free(wrote);
    stmts_free(&st);
    return rc;
}

gp_status gp_history_append(gp_history *h, const gp_history_obs *obs, size_t n,
                            gp_history_stats *out, gp_error *err)
{
    gp_history_stats local;
    gp_history_stats *stats = out ? out : &local;
    memset(stats, 0, sizeof(*stats));
    if (h->mode != GP_HISTORY_WRITE)
        return gp_fail(err, GP_EINVAL, h->path, 0, "the history was opened read-only");
    for (size_t i = 0; i < n; i++) {
        gp_status st = check_obs(&obs[i], i, err);
        if (st != GP_OK)
            return st;
    }
    const gp_history_obs **v = malloc((n + 1) * sizeof(*v));
    if (!v)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        v[i] = &obs[i];
    qsort(v, n, sizeof(*v), cmp_obs);
    size_t m = 0; /* the same observation twice counts once */
    for (size_t i = 0; i < n; i++)
        if (!m || cmp_obs(&v[m - 1], &v[i]) != 0)
            v[m++] = v[i];
    stats->observations = m;
    gp_status st = gp_history_begin(h, stats, err);
    if (st == GP_OK)
        st = gp_history_end(h, append_locked(h, v, m, stats, err), err);
    if (st != GP_OK) {
        stats->new_runs = stats->extended_runs = stats->unchanged = 0;
    }
    free(v);
    return st;
}

/* An offer's prices as observations: on-demand (or floor), spot (or
 * floor). Returns how many (0..2). */
static size_t offer_obs(const gp_offer *o, int64_t t, const char *source,
                        gp_history_obs out[2])
{
    size_t n = 0;
    if (!isfinite(o->gpu_count) || o->gpu_count <= 0 || !o->instance_type[0])
        return 0;
    gp_history_obs base = {o->provider, o->instance_type, o->region, o->zone,
                           GP_PRICING_ON_DEMAND, o->gpu, o->gpu_count, NAN, t,
                           source ? source : o->source};
    if (isfinite(o->usd_per_hour) && o->usd_per_hour > 0 &&
        (gp_offer_has_on_demand(o) || gp_offer_price_kind(o) == GP_PRICING_AUCTION_FLOOR)) {
        out[n] = base;
        out[n].kind = gp_offer_price_kind(o);
        out[n++].usd_per_hour = o->usd_per_hour;
    }
    if (isfinite(o->spot_usd_per_hour) && o->spot_usd_per_hour > 0 &&
        (gp_offer_has_spot(o) || gp_offer_spot_kind(o) == GP_PRICING_AUCTION_FLOOR)) {
        out[n] = base;
        out[n].kind = gp_offer_spot_kind(o);
        out[n++].usd_per_hour = o->spot_usd_per_hour;
    }
    return n;
}

gp_status gp_history_append_catalog(gp_history *h, const gp_catalog *cat,
                                    const char *provider, const char *source,
                                    int64_t observed_unix_s, gp_history_stats *out,
                                    gp_error *err)
{
    size_t n = gp_catalog_offer_count(cat);
    const gp_offer *offers = gp_catalog_offers(cat);
    gp_history_obs *obs = malloc((2 * n + 1) * sizeof(*obs));
    if (!obs)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!provider || strcmp(offers[i].provider, provider) == 0)
            m += offer_obs(&offers[i], observed_unix_s, source, obs + m);
    gp_status st = gp_history_append(h, obs, m, out, err);
    free(obs);
    return st;
}

/* ---- dates of the embedded snapshots ------------------------------------ */

typedef struct date_ctx {
    const char *file;
    int col_file, col_date, col_basis;
    int found;
    int64_t t;
    char *basis;
    size_t cap;
} date_ctx;

static gp_status date_row(const gp_csv_row *row, void *vctx, gp_error *err)
{
    date_ctx *c = vctx;
    if (c->col_file < 0) {
        c->col_file = gp_csv_column(row, "file");
        c->col_date = gp_csv_column(row, "retrieved");
        c->col_basis = gp_csv_column(row, "basis");
        if (c->col_file < 0 || c->col_date < 0 || c->col_basis < 0)
            return gp_fail(err, GP_EDATA, "snapshot-dates.csv", row->line,
                           "missing column file, retrieved or basis");
        return GP_OK;
    }
    if (c->found || (size_t)c->col_basis >= row->nfields ||
        (size_t)c->col_file >= row->nfields || (size_t)c->col_date >= row->nfields ||
        strcmp(row->fields[c->col_file], c->file) != 0)
        return GP_OK;
    gp_status st = gp_history_parse_day(row->fields[c->col_date], &c->t, err);
    if (st != GP_OK)
        return gp_fail(err, GP_EDATA, "snapshot-dates.csv", row->line, "%s", err->message);
    if (c->basis && c->cap)
        snprintf(c->basis, c->cap, "%s", row->fields[c->col_basis]);
    c->found = 1;
    return GP_OK;
}

gp_status gp_history_snapshot_date(const char *file, int64_t *unix_s, char *basis,
                                   size_t cap, gp_error *err)
{
    if (strncmp(file, "embedded:", 9) == 0)
        file += 9;
    const gp_embedded_file *f = gp_embedded_find("snapshot-dates.csv");
    if (!f)
        return gp_fail(err, GP_EDATA, "snapshot-dates.csv", 0, "not embedded");
    date_ctx c = {file, -1, -1, -1, 0, 0, basis, cap};
    gp_status st = gp_csv_parse("snapshot-dates.csv", f->data, f->len, date_row, &c, err);
    if (st != GP_OK)
        return st;
    if (!c.found)
        return gp_fail(err, GP_ENOTFOUND, NULL, 0, "no date for the embedded file %s", file);
    *unix_s = c.t;
    return GP_OK;
}

gp_status gp_history_import_embedded(gp_history *h, const gp_catalog *cat,
                                     gp_history_stats *out, gp_error *err)
{
    size_t n = gp_catalog_offer_count(cat), nsrc = gp_catalog_source_count(cat);
    const gp_offer *offers = gp_catalog_offers(cat);
    gp_history_obs *obs = malloc((2 * n + 1) * sizeof(*obs));
    int64_t *src_date = malloc((nsrc + 1) * sizeof(*src_date));
    unsigned char *src_done = calloc(nsrc + 1, 1);
    gp_status st = GP_OK;
    if (!obs || !src_date || !src_done) {
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    size_t m = 0;
    for (size_t i = 0; i < n && st == GP_OK; i++) {
        const gp_offer *o = &offers[i];
        const gp_source *s = gp_catalog_source(cat, o->source_index);
        if (!s || !s->embedded)
            continue;
        int64_t t;
        if (o->as_of[0]) {
            if ((st = gp_history_parse_day(o->as_of, &t, err)) != GP_OK)
                break;
        } else {
            if (!src_done[o->source_index]) {
                st = gp_history_snapshot_date(s->name, &src_date[o->source_index], NULL, 0,
                                              err);
                if (st != GP_OK)
                    break;
                src_done[o->source_index] = 1;
            }
            t = src_date[o->source_index];
        }
        m += offer_obs(o, t, NULL, obs + m);
    }
    if (st == GP_OK)
        st = gp_history_append(h, obs, m, out, err);
out:
    free(obs);
    free(src_date);
    free(src_done);
    return st;
}

/* ---- availability signals ----------------------------------------------- */

int gp_history_signal_polarity(const char *kind)
{
    if (!kind)
        return -2;
    if (!strcmp(kind, "capacity-available"))
        return 1;
    if (!strcmp(kind, "capacity-unavailable"))
        return 0;
    if (!strncmp(kind, "stock:", 6)) {
        const char *v = kind + 6;
        if (!strcmp(v, "high") || !strcmp(v, "medium") || !strcmp(v, "low"))
            return 1;
        if (!strcmp(v, "none"))
            return 0;
        return -2;
    }
    if (!strncmp(kind, "spot-band:", 10) && kind[10])
        return -1;
    return -2;
}

gp_status gp_history_record_signals(gp_history *h, const gp_history_signal *sig, size_t n,
                                    gp_history_stats *out, gp_error *err)
{
    gp_history_stats local;
    gp_history_stats *stats = out ? out : &local;
    memset(stats, 0, sizeof(*stats));
    if (h->mode != GP_HISTORY_WRITE)
        return gp_fail(err, GP_EINVAL, h->path, 0, "the history was opened read-only");
    for (size_t i = 0; i < n; i++) {
        const gp_history_signal *s = &sig[i];
        if (!s->provider || !s->instance_type || !s->region || !s->source || !*s->provider)
            return gp_fail(err, GP_EINVAL, NULL, 0, "signal %zu: a missing string", i + 1);
        if (gp_history_signal_polarity(s->kind) == -2)
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "signal %zu: unknown kind '%s' (capacity-available, "
                           "capacity-unavailable, stock:high|medium|low|none, "
                           "spot-band:BAND)",
                           i + 1, s->kind ? s->kind : "");
    }
    gp_status st = gp_history_begin(h, stats, err);
    if (st != GP_OK)
        return st;
    sqlite3_stmt *ins = NULL;
    int bad = sqlite3_prepare_v2(h->db,
                                 "INSERT OR IGNORE INTO signals(provider, instance_type, region,"
                                 " kind, observed, source) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                                 -1, &ins, NULL) != SQLITE_OK;
    for (size_t i = 0; i < n && !bad; i++) {
        sqlite3_reset(ins);
        bind_text(ins, 1, sig[i].provider);
        bind_text(ins, 2, sig[i].instance_type);
        bind_text(ins, 3, sig[i].region);
        bind_text(ins, 4, sig[i].kind);
        sqlite3_bind_int64(ins, 5, sig[i].observed_unix_s);
        bind_text(ins, 6, sig[i].source);
        if (!step_done(ins))
            bad = 1;
        else
            stats->signals += (size_t)sqlite3_changes(h->db);
    }
    st = bad ? gp_history_sql_fail(h, err, "cannot record signals") : GP_OK;
    sqlite3_finalize(ins);
    st = gp_history_end(h, st, err);
    if (st != GP_OK)
        stats->signals = 0;
    return st;
}
