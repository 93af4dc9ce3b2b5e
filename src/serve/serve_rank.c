/* Serving over the catalog: every priced instance type modelled, priced
 * on-demand for a month, ranked. docs/inference.md, "Ranking". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/fail.h"
#include "serve/serve_internal.h"

enum { HOURS_PER_MONTH = 730 };

typedef struct perf_entry {
    const gp_accel *accel;
    gp_accel_perf perf;
} perf_entry;

static int cmp_offers(const void *pa, const void *pb)
{
    const gp_serve_offer *a = pa, *b = pb;
    if (a->pt.ok != b->pt.ok)
        return a->pt.ok ? -1 : 1;
    if (a->pt.ok) {
        if (a->usd_per_month != b->usd_per_month)
            return a->usd_per_month < b->usd_per_month ? -1 : 1;
    } else {
        /* Nearest first: layouts that fit before those that do not, then
         * the fastest tokens. */
        int fa = a->pt.binding == GP_SERVE_BIND_FIT, fb = b->pt.binding == GP_SERVE_BIND_FIT;
        if (fa != fb)
            return fa ? 1 : -1;
        if (a->pt.tpot_s != b->pt.tpot_s)
            return a->pt.tpot_s < b->pt.tpot_s ? -1 : 1;
    }
    int c = strcmp(a->offer->provider, b->offer->provider);
    return c ? c : strcmp(a->offer->instance_type, b->offer->instance_type);
}

static int same_shape(const gp_serve_offer *a, const gp_serve_offer *b)
{
    return strcmp(a->offer->provider, b->offer->provider) == 0 &&
           strcmp(a->offer->gpu, b->offer->gpu) == 0 && a->pt.gpus == b->pt.gpus &&
           a->pt.tp == b->pt.tp && a->pt.replicas == b->pt.replicas;
}

/* Instance types that are other shapes of the same offer (more CPUs or
 * RAM around the same GPUs) serve the same way: keep the cheapest, which
 * sorts first, and count the others on it. Sorted input; ok offers only. */
static void drop_same_shapes(gp_serve_result *r)
{
    size_t w = 0, nok = 0;
    for (size_t i = 0; i < r->n; i++) {
        gp_serve_offer *so = &r->offers[i];
        gp_serve_offer *kept = NULL;
        for (size_t j = 0; so->pt.ok && j < w && !kept; j++)
            if (r->offers[j].pt.ok && same_shape(&r->offers[j], so))
                kept = &r->offers[j];
        if (kept) {
            kept->same_shapes++;
            continue;
        }
        nok += (size_t)so->pt.ok;
        r->offers[w++] = *so;
    }
    r->n = w;
    r->nok = nok;
}

gp_status gp_serve_rank(const gp_catalog *cat, const gp_offer_filter *f,
                        const gp_serve_params *p, gp_serve_result *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    gp_status st = gp_serve_check(p, err);
    if (st != GP_OK)
        return st;
    gp_offer_filter filter = *f;
    filter.priced_only = 1;
    gp_offer_row *rows = NULL;
    size_t nrows = 0;
    if ((st = gp_offer_select(cat, &filter, GP_SORT_PRICE, GP_GROUP_INSTANCE, &rows, &nrows, err)) !=
        GP_OK)
        return st;
    perf_entry *perfs = NULL;
    size_t nperfs = 0, capperfs = 0, cap = 0;
    for (size_t i = 0; i < nrows; i++) {
        const gp_offer *o = rows[i].offer;
        if (!gp_offer_has_on_demand(o) || !(o->gpu_count >= 1))
            continue;
        out->considered++;
        if (!o->accel) {
            out->without_specs++;
            continue;
        }
        const gp_accel_perf *perf = NULL;
        for (size_t k = 0; k < nperfs && !perf; k++)
            if (perfs[k].accel == o->accel)
                perf = &perfs[k].perf;
        if (!perf) {
            if (gp_grow((void **)&perfs, &capperfs, nperfs, sizeof(*perfs)) != 0) {
                st = gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
                goto fail;
            }
            perfs[nperfs].accel = o->accel;
            if ((st = gp_accel_perf_lookup(o->accel->name, &perfs[nperfs].perf, err)) != GP_OK)
                goto fail;
            perf = &perfs[nperfs++].perf;
        }
        if (gp_grow((void **)&out->offers, &cap, out->n, sizeof(*out->offers)) != 0) {
            st = gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
            goto fail;
        }
        gp_serve_offer *so = &out->offers[out->n];
        memset(so, 0, sizeof(*so));
        so->offer = o;
        so->regions = rows[i].rows;
        int gpus = o->gpu_count > 4096 ? 4096 : (int)o->gpu_count;
        gp_serve_model_perf(p, o->accel, perf, gpus, o->gpu_mem_gb, &so->pt);
        if (so->pt.binding == GP_SERVE_BIND_FIT && !so->pt.ok)
            out->too_small++;
        if (so->pt.ok) {
            so->usd_per_month = so->pt.instances * o->usd_per_hour * HOURS_PER_MONTH;
            double seconds = HOURS_PER_MONTH * 3600.0;
            double share = so->pt.prefill_share;
            so->usd_per_m_output =
                so->usd_per_month * (1 - share) / (p->rps * p->output_tokens * seconds) * 1e6;
            so->usd_per_m_input =
                so->usd_per_month * share / (p->rps * p->input_tokens * seconds) * 1e6;
            out->nok++;
        } else {
            so->usd_per_month = NAN;
            so->usd_per_m_output = so->usd_per_m_input = NAN;
        }
        out->n++;
    }
    free(rows);
    free(perfs);
    if (out->n > 1)
        qsort(out->offers, out->n, sizeof(*out->offers), cmp_offers);
    drop_same_shapes(out);
    for (size_t i = 0; i < out->n; i++)
        out->offers[i].rank = out->offers[i].pt.ok ? (int)i + 1 : 0;
    return GP_OK;
fail:
    free(rows);
    free(perfs);
    gp_serve_result_free(out);
    return st;
}

void gp_serve_result_free(gp_serve_result *r)
{
    if (!r)
        return;
    free(r->offers);
    r->offers = NULL;
    r->n = r->nok = 0;
}
