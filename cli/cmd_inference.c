/* gpuplan inference: a model served on every offer of the catalog for a
 * traffic and latency targets; GPUs per replica, replicas, latency at the
 * percentile, monthly cost on each term and $ per million tokens. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "gpuplan/inference.h"
#include "gpuplan/terms.h"
#include "load.h"
#include "out.h"
#include "svg.h"

static const gp_opt OPTS[] = {
    {"active-params", 0, OPT_COUNT, 0, "N", NULL,
     "with --params: parameters used per token (an MoE model), e.g. 13B"},
    {"exclude", 0, OPT_STRING, OPT_REPEAT, "LIST", NULL,
     "leave out these providers (comma-separated, repeatable)"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md",
     "output format: table (default), csv, json or md"},
    {"gpu", 'g', OPT_STRING, 0, "NAME", NULL,
     "only this accelerator, any spelling or a pattern ('H100*')"},
    {"heads", 0, OPT_NUMBER, 0, "N", NULL, "with --params: attention heads"},
    {"hidden", 0, OPT_NUMBER, 0, "N", NULL, "with --params: hidden size"},
    {"input-tokens", 0, OPT_COUNT, 0, "N", NULL, "prompt tokens per request (required)"},
    {"kind", 'k', OPT_CHOICE, 0, "KIND", "hyperscaler|neocloud|marketplace",
     "only providers of this kind"},
    {"kv-precision", 0, OPT_CHOICE, 0, "P", "bf16|fp8",
     "KV cache precision (default bf16, as vLLM's kv_cache_dtype auto)"},
    {"layers", 0, OPT_NUMBER, 0, "N", NULL, "with --params: layers"},
    {"max-tp", 0, OPT_NUMBER, 0, "N", NULL,
     "at most this many GPUs per replica (default: one instance)"},
    {"model", 'm', OPT_STRING, 0, "NAME", NULL,
     "a preset (see `gpuplan models`), e.g. llama-3-70b"},
    {"output-tokens", 0, OPT_COUNT, 0, "N", NULL, "generated tokens per request (required)"},
    {"params", 0, OPT_COUNT, 0, "N", NULL,
     "a model that is not a preset: its parameter count, e.g. 7B; the shape is derived"},
    {"peak-factor", 0, OPT_NUMBER, 0, "X", NULL,
     "size the replicas for --rps times this, e.g. 2 for a daily peak of twice the mean "
     "(default 1: Poisson bursts only)"},
    {"percentile", 0, OPT_STRING, 0, "P", NULL,
     "the latency targets hold at this percentile: p90 (default), p99, 95 ..."},
    {"precision", 0, OPT_CHOICE, 0, "P", "bf16|fp8|int8|int4",
     "weight precision (default bf16)"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "LIST", NULL,
     "only these providers (comma-separated, repeatable)"},
    {"region", 'r', OPT_STRING, 0, "GLOB", NULL, "only regions matching this pattern"},
    {"rps", 0, OPT_NUMBER, 0, "N", NULL, "mean requests per second"},
    {"svg", 0, OPT_STRING, 0, "FILE", NULL,
     "also write a chart of $ per million output tokens against TPOT of the top offers"},
    {"tokens-per-day", 0, OPT_COUNT, 0, "N", NULL,
     "traffic as tokens per day (input + output), instead of --rps, e.g. 2B"},
    {"top", 'n', OPT_NUMBER, 0, "N", NULL, "show the N best offers (default 10; 0: all)"},
    {"tpot", 0, OPT_STRING, 0, "TIME", NULL,
     "time per output token target, e.g. 50ms (default: none)"},
    {"ttft", 0, OPT_STRING, 0, "TIME", NULL,
     "time to first token target, e.g. 2s or 500ms (default: none)"},
    {"vocab", 0, OPT_NUMBER, 0, "N", NULL, "with --params: vocabulary size"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL, "do not shorten or drop columns to fit the terminal"},
    GP_CATALOG_OPTIONS,
};

typedef struct inf_cli {
    gp_model_table *models;
    gp_model model;
    gp_catalog *cat;
    gp_terms *terms;
    gp_serve_params sp;
    gp_serve_result res;
    gp_offer_filter filter;
    gp_gpu_match gpu;
    gp_cli_providers prov;
    int top;
    int zero_traffic;
    double tokens_per_day;
} inf_cli;

/* ---- terms ----------------------------------------------------------------- */

/* The monthly cost on the cheapest term with a published rate and length
 * (docs/plan.md, "Terms": a capacity block's price, a savings plan's
 * family rate, a contract's discount with its published minimum), as the
 * on-demand month scaled by the term's rate; NAN when the data has none.
 * *rt is that term (NULL with NAN). */
static double term_usd(const inf_cli *ic, const gp_serve_offer *so, const gp_term_offer **rt)
{
    const gp_offer *o = so->offer;
    const gp_term_offer *tt[16];
    double best = NAN;
    *rt = NULL;
    if (!(o->usd_per_hour > 0))
        return NAN;
    size_t nt = gp_terms_reserved(ic->terms, o->provider, o->instance_type, o->region, tt, 16);
    for (size_t k = 0; k < nt; k++) {
        const gp_term_offer *term = tt[k];
        double per_instance = gp_term_rate(term, o->usd_per_hour);
        if (!(per_instance > 0))
            continue;
        double usd = so->usd_per_month * per_instance / o->usd_per_hour;
        if (isnan(best) || usd < best) {
            best = usd;
            *rt = term;
        }
    }
    return best;
}

static size_t shown(const inf_cli *ic)
{
    size_t n = ic->res.nok;
    return ic->top > 0 && (size_t)ic->top < n ? (size_t)ic->top : n;
}

static const char *ms_text(char *buf, size_t cap, double s)
{
    if (!isfinite(s))
        snprintf(buf, cap, "-");
    else if (s < 0.01)
        snprintf(buf, cap, "%.2fms", s * 1000);
    else if (s < 10)
        snprintf(buf, cap, "%.0fms", s * 1000);
    else
        snprintf(buf, cap, "%.1fs", s);
    if (isfinite(s) && s >= 1 && s < 10)
        snprintf(buf, cap, "%.2fs", s);
    return buf;
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *offer_json(const inf_cli *ic, const gp_serve_offer *so)
{
    const gp_serve_point *pt = &so->pt;
    json_t *j = json_object();
    json_object_set_new(j, "rank", json_integer(so->rank));
    json_object_set_new(j, "provider", json_string(so->offer->provider));
    json_object_set_new(j, "kind", json_string(gp_kind_name(so->offer->kind)));
    json_object_set_new(j, "instance_type", gp_json_str(so->offer->instance_type));
    json_object_set_new(j, "region", gp_json_str(so->offer->region));
    json_object_set_new(j, "gpu", json_string(so->offer->gpu));
    json_object_set_new(j, "ok", json_boolean(pt->ok));
    json_object_set_new(j, "binding", json_string(gp_serve_binding_name(pt->binding)));
    json_object_set_new(j, "instances", json_integer(pt->instances));
    json_object_set_new(j, "gpus", json_integer(pt->gpus));
    json_object_set_new(j, "gpus_per_replica", json_integer(pt->tp));
    json_object_set_new(j, "replicas", json_integer(pt->replicas));
    json_object_set_new(j, "batch", gp_json_num(pt->batch));
    json_object_set_new(j, "max_batch", json_integer(pt->max_batch));
    json_object_set_new(j, "ttft_s", gp_json_num(pt->ttft_s));
    json_object_set_new(j, "tpot_s", gp_json_num(pt->tpot_s));
    json_object_set_new(j, "tpot_mean_s", gp_json_num(pt->tpot_mean_s));
    json_object_set_new(j, "ttft_floor_s", gp_json_num(pt->ttft_floor_s));
    json_object_set_new(j, "tpot_floor_s", gp_json_num(pt->tpot_floor_s));
    json_object_set_new(j, "prefill_s", gp_json_num(pt->prefill_s));
    json_object_set_new(j, "decode_step_s", gp_json_num(pt->step_s));
    json_object_set_new(j, "decode_step_bound",
                        json_string(pt->step_compute_bound ? "compute" : "memory-bandwidth"));
    json_object_set_new(j, "allreduce_s", gp_json_num(pt->allreduce_s));
    json_object_set_new(j, "weights_gb_per_gpu", gp_json_num(pt->weights_gb_per_gpu));
    json_object_set_new(j, "kv_cache_gb_per_gpu", gp_json_num(pt->kv_gb_per_gpu));
    json_object_set_new(j, "output_tokens_per_s_per_gpu",
                        gp_json_num(pt->output_tokens_per_s_per_gpu));
    json_object_set_new(j, "max_output_tokens_per_s_per_replica",
                        gp_json_num(pt->max_output_tokens_per_s));
    json_object_set_new(j, "prefill_share", gp_json_num(pt->prefill_share));
    json_object_set_new(j, "compute_tflops", gp_json_num(pt->compute_tflops));
    json_object_set_new(j, "usd_per_hour", gp_json_num(so->offer->usd_per_hour));
    json_t *m = json_object();
    json_object_set_new(m, "on_demand_usd", gp_json_num(so->usd_per_month));
    const gp_term_offer *rt = NULL;
    double r = pt->ok ? term_usd(ic, so, &rt) : NAN;
    json_object_set_new(m, "reserved_usd", gp_json_num(r));
    json_object_set_new(m, "reserved_term_months",
                        rt && rt->term_months > 0 ? json_real(rt->term_months) : json_null());
    json_object_set_new(m, "reserved_kind",
                        rt ? json_string(gp_term_kind_name(rt->kind)) : json_null());
    json_object_set_new(m, "reserved_term", rt ? gp_json_str(rt->name) : json_null());
    json_object_set_new(j, "monthly", m);
    json_object_set_new(j, "usd_per_m_output_tokens", gp_json_num(so->usd_per_m_output));
    json_object_set_new(j, "usd_per_m_input_tokens", gp_json_num(so->usd_per_m_input));
    json_object_set_new(j, "same_shapes", json_integer((json_int_t)so->same_shapes));
    json_object_set_new(j, "source", gp_json_str(so->offer->source));
    json_object_set_new(j, "as_of", gp_json_str(so->offer->as_of));
    return j;
}

static void assumptions(const inf_cli *ic, char buf[][GP_ASSUMPTION_LEN], size_t *n)
{
    const gp_serve_params *p = &ic->sp;
    size_t k = 0;
    snprintf(buf[k++], GP_ASSUMPTION_LEN,
             "memory: weights at %s (16-bit embeddings), KV cache at %s, %.0f%% of device "
             "memory usable (vLLM's gpu_memory_utilization default); mean context of a "
             "decoding request: input + half the output",
             gp_wprec_name(p->precision), p->kv_8bit ? "8 bits" : "16 bits",
             100 * p->k.mem_utilisation);
    snprintf(buf[k++], GP_ASSUMPTION_LEN,
             "decode step: the larger of weights + KV read at %.0f%% of peak bandwidth and "
             "2 x active parameters x batch FLOPs at %.0f%% of measured matmul TFLOPS (both "
             "fitted, docs/inference.md), plus 2 all-reduces a layer (vLLM's measured times "
             "on H100 up to 1 MiB, then a ring at the link rate)",
             100 * p->k.bw_efficiency, 100 * p->k.compute_efficiency);
    snprintf(buf[k++], GP_ASSUMPTION_LEN,
             "latency at P%.4g: Poisson arrivals; prompts queue as M/M/1 for TTFT, and "
             "stall the decode steps of running requests for TPOT; replicas sized for "
             "%.4g x the mean traffic",
             100 * p->percentile, p->peak_factor);
    snprintf(buf[k++], GP_ASSUMPTION_LEN,
             "not modelled: speculative decoding, prefix caching, disaggregated prefill, "
             "the scheduler's details (chunked prefill is taken as whole prompts); one "
             "replica stays inside one instance");
    snprintf(buf[k++], GP_ASSUMPTION_LEN,
             "$ per million tokens: the month's on-demand cost split by GPU time between "
             "prompts (input) and generation (output); reserved: the cheapest term with a "
             "published rate and length (data/reserved-terms.csv; none for most offers)");
    *n = k;
}

static json_t *result_json(const inf_cli *ic)
{
    const gp_serve_params *p = &ic->sp;
    json_t *root = json_object();
    json_t *m = json_object();
    json_object_set_new(m, "model", json_string(p->model->name));
    json_object_set_new(m, "params_total", json_real(p->model->params_total));
    json_object_set_new(m, "precision", json_string(gp_wprec_name(p->precision)));
    json_object_set_new(m, "weights_gb", json_real(gp_serve_weights_bytes(p->model, p->precision) / 1e9));
    json_object_set_new(m, "kv_bytes_per_token",
                        json_real(gp_serve_kv_bytes_per_token(p->model, p->kv_8bit ? 1 : 2)));
    json_object_set_new(root, "model", m);
    json_t *t = json_object();
    json_object_set_new(t, "rps", json_real(p->rps));
    json_object_set_new(t, "input_tokens", json_real(p->input_tokens));
    json_object_set_new(t, "output_tokens", json_real(p->output_tokens));
    json_object_set_new(t, "ttft_s", gp_json_num(p->ttft_s));
    json_object_set_new(t, "tpot_s", gp_json_num(p->tpot_s));
    json_object_set_new(t, "percentile", json_real(p->percentile));
    json_object_set_new(t, "peak_factor", json_real(p->peak_factor));
    json_object_set_new(root, "traffic", t);
    json_t *offers = json_array();
    for (size_t i = 0; i < shown(ic); i++)
        json_array_append_new(offers, offer_json(ic, &ic->res.offers[i]));
    json_object_set_new(root, "offers", offers);
    json_object_set_new(root, "considered", json_integer((json_int_t)ic->res.considered));
    size_t same = 0;
    for (size_t i = 0; i < ic->res.n; i++)
        same += ic->res.offers[i].same_shapes;
    json_object_set_new(root, "same_shapes_left_out", json_integer((json_int_t)same));
    json_object_set_new(root, "feasible", json_integer((json_int_t)ic->res.nok));
    json_object_set_new(root, "too_small", json_integer((json_int_t)ic->res.too_small));
    json_object_set_new(root, "without_specs", json_integer((json_int_t)ic->res.without_specs));
    json_t *as = json_array();
    char buf[8][GP_ASSUMPTION_LEN];
    size_t n;
    assumptions(ic, buf, &n);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(as, json_string(buf[i]));
    json_object_set_new(root, "assumptions", as);
    return root;
}

/* ---- table, csv, md -------------------------------------------------------- */

static int table_out(const inf_cli *ic, gp_format fmt, int wide)
{
    const gp_col cols[] = {
        {"#", 1, 0, 0, 0},        {"PROVIDER", 0, 11, 8, 0}, {"INSTANCE", 0, 14, 8, 0},
        {"GPUS", 1, 0, 0, 0},     {"TP", 1, 0, 0, 5},       {"REPL", 1, 0, 0, 0},
        {"BATCH", 1, 0, 0, 6},    {"TTFT", 1, 0, 0, 3},     {"TPOT", 1, 0, 0, 0},
        {"TOK/S/GPU", 1, 0, 0, 7}, {"$/MONTH", 1, 0, 0, 0}, {"RESERVED", 1, 0, 0, 8},
        {"$/M OUT", 1, 0, 0, -1}, {"$/M IN", 1, 0, 0, 9},  {"BIND", 0, 0, 0, 2},
    };
    gp_table *t = gp_table_new(cols, sizeof(cols) / sizeof(cols[0]));
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < shown(ic); i++) {
        const gp_serve_offer *so = &ic->res.offers[i];
        const gp_serve_point *pt = &so->pt;
        char rank[16], gpus[64], tp[16], repl[16], batch[32], ttft[32], tpot[32], tok[32],
            month[32], res[32], mout[32], min[32];
        snprintf(rank, sizeof(rank), "%d", so->rank);
        snprintf(gpus, sizeof(gpus), "%d %s", pt->gpus, so->offer->gpu);
        snprintf(tp, sizeof(tp), "%d", pt->tp);
        snprintf(repl, sizeof(repl), "%d", pt->replicas);
        snprintf(batch, sizeof(batch), "%.0f", ceil(pt->batch));
        ms_text(ttft, sizeof(ttft), pt->ttft_s);
        ms_text(tpot, sizeof(tpot), pt->tpot_s);
        gp_fmt_int(tok, sizeof(tok), pt->output_tokens_per_s_per_gpu);
        gp_fmt_usd(month, sizeof(month), so->usd_per_month);
        const gp_term_offer *rt;
        double r = term_usd(ic, so, &rt);
        if (isnan(r))
            snprintf(res, sizeof(res), "-");
        else
            gp_fmt_usd(res, sizeof(res), r);
        snprintf(mout, sizeof(mout), "$%.3g", so->usd_per_m_output);
        snprintf(min, sizeof(min), "$%.3g", so->usd_per_m_input);
        const char *cells[] = {rank, so->offer->provider, so->offer->instance_type, gpus, tp,
                               repl, batch, ttft, tpot, tok, month, res, mout, min,
                               gp_serve_binding_name(pt->binding)};
        if (gp_table_add(t, cells) != 0) {
            gp_table_free(t);
            return GP_EXIT_FAIL;
        }
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    return GP_EXIT_OK;
}

static void csv_out(const inf_cli *ic)
{
    static const char *const H[] = {
        "rank", "provider", "instance_type", "region", "gpu", "instances", "gpus",
        "gpus_per_replica", "replicas", "batch", "max_batch", "ttft_s", "tpot_s",
        "output_tokens_per_s_per_gpu", "usd_per_month", "reserved_usd_per_month",
        "usd_per_m_output_tokens", "usd_per_m_input_tokens", "binding", "source", "as_of"};
    for (size_t i = 0; i < sizeof(H) / sizeof(H[0]); i++)
        gp_csv_cell(stdout, H[i], i == 0);
    gp_csv_end(stdout);
    for (size_t i = 0; i < shown(ic); i++) {
        const gp_serve_offer *so = &ic->res.offers[i];
        const gp_serve_point *pt = &so->pt;
        const gp_term_offer *rt;
        gp_csv_num(stdout, so->rank, 1);
        gp_csv_cell(stdout, so->offer->provider, 0);
        gp_csv_cell(stdout, so->offer->instance_type, 0);
        gp_csv_cell(stdout, so->offer->region, 0);
        gp_csv_cell(stdout, so->offer->gpu, 0);
        gp_csv_num(stdout, pt->instances, 0);
        gp_csv_num(stdout, pt->gpus, 0);
        gp_csv_num(stdout, pt->tp, 0);
        gp_csv_num(stdout, pt->replicas, 0);
        gp_csv_num(stdout, pt->batch, 0);
        gp_csv_num(stdout, pt->max_batch, 0);
        gp_csv_num(stdout, pt->ttft_s, 0);
        gp_csv_num(stdout, pt->tpot_s, 0);
        gp_csv_num(stdout, pt->output_tokens_per_s_per_gpu, 0);
        gp_csv_num(stdout, so->usd_per_month, 0);
        gp_csv_num(stdout, term_usd(ic, so, &rt), 0);
        gp_csv_num(stdout, so->usd_per_m_output, 0);
        gp_csv_num(stdout, so->usd_per_m_input, 0);
        gp_csv_cell(stdout, gp_serve_binding_name(pt->binding), 0);
        gp_csv_cell(stdout, so->offer->source, 0);
        gp_csv_cell(stdout, so->offer->as_of, 0);
        gp_csv_end(stdout);
    }
}

static const char *bind_text(gp_serve_binding b)
{
    switch (b) {
    case GP_SERVE_BIND_NONE: return "one replica carries the traffic with room to spare";
    case GP_SERVE_BIND_MEMORY: return "memory: the KV cache holds no more sequences per replica";
    case GP_SERVE_BIND_TTFT: return "latency: the TTFT target sets the replica count";
    case GP_SERVE_BIND_TPOT: return "latency: the TPOT target sets the replica count";
    case GP_SERVE_BIND_THROUGHPUT: return "throughput: a replica cannot carry more requests";
    case GP_SERVE_BIND_FIT: return "fit: the weights do not fit";
    }
    return "";
}

static int text_out(const inf_cli *ic, gp_format fmt, int wide)
{
    const gp_serve_params *p = &ic->sp;
    gp_style st = fmt == FMT_TABLE ? gp_style_for(stdout) : (gp_style){"", "", "", "", "", ""};
    char a[32], b[32], c[32], d[32];
    printf("%s%s at %s, %.4g requests/s of %s in / %s out tokens%s; targets at P%.4g: TTFT "
           "%s, TPOT %s; %zu instance types, %zu distinct offers meet them\n",
           st.bold, p->model->name, gp_wprec_name(p->precision), p->rps,
           gp_fmt_int(a, sizeof(a), p->input_tokens), gp_fmt_int(b, sizeof(b), p->output_tokens),
           st.reset, 100 * p->percentile,
           isnan(p->ttft_s) ? "none" : ms_text(c, sizeof(c), p->ttft_s),
           isnan(p->tpot_s) ? "none" : ms_text(d, sizeof(d), p->tpot_s), ic->res.considered,
           ic->res.nok);
    int rc = table_out(ic, fmt, wide);
    if (rc)
        return rc;
    gp_note("GPUS: all GPUs rented; TP: GPUs per replica; REPL: replicas; BATCH: sequences "
            "decoding per replica; TTFT, TPOT at the percentile; TOK/S/GPU: output tokens at "
            "the traffic; $/MONTH on-demand, RESERVED the provider's reserved or committed "
            "term; $/M OUT, $/M IN: $ per million tokens; BIND: what sets the replica "
            "count. Instance types that serve the same way as a cheaper one of the same "
            "provider are left out.");
    const gp_serve_offer *best = &ic->res.offers[0];
    const gp_serve_point *pt = &best->pt;
    const char *bullet = fmt == FMT_MD ? "- " : "  ";
    printf("\nBest: %s %s, %d x %s GPUs (%d replicas of %d, %d instance%s), %s.\n",
           best->offer->provider, best->offer->instance_type, pt->gpus, best->offer->gpu,
           pt->replicas, pt->tp, pt->instances, pt->instances == 1 ? "" : "s",
           bind_text(pt->binding));
    printf("%sweights %.1f GB per GPU, KV cache room %.1f GB per GPU (%s bytes a token), "
           "%d sequences at most per replica\n",
           bullet, pt->weights_gb_per_gpu, pt->kv_gb_per_gpu,
           gp_fmt_int(a, sizeof(a), pt->kv_bytes_per_token), pt->max_batch);
    printf("%sprefill %s a prompt at %.0f TFLOPS a GPU; decode step %s at batch %.0f "
           "(%s-bound, all-reduce %s)\n",
           bullet, ms_text(a, sizeof(a), pt->prefill_s), pt->compute_tflops,
           ms_text(b, sizeof(b), pt->step_s), ceil(pt->batch),
           pt->step_compute_bound ? "compute" : "bandwidth",
           ms_text(c, sizeof(c), pt->allreduce_s));
    printf("%s%s a month on-demand ($%.4g an hour each, %s, %s)\n", bullet,
           gp_fmt_usd(a, sizeof(a), best->usd_per_month), best->offer->usd_per_hour,
           best->offer->source, best->offer->as_of[0] ? best->offer->as_of : "undated");
    if (best->same_shapes)
        printf("%s%zu other %s instance type%s serve%s the same way for more (left out)\n",
               bullet, best->same_shapes, best->offer->provider,
               best->same_shapes == 1 ? "" : "s", best->same_shapes == 1 ? "s" : "");
    char buf[8][GP_ASSUMPTION_LEN];
    size_t n;
    assumptions(ic, buf, &n);
    printf("\n%sAssumptions%s\n", st.bold, st.reset);
    const char *item = fmt == FMT_MD ? "- " : "  - ";
    for (size_t i = 0; i < n; i++)
        gp_note_item(item, "%s", buf[i]);
    gp_note_item(item, "compute: %s", pt->compute_basis);
    if (ic->res.too_small || ic->res.without_specs)
        gp_note_item(item, "%zu instance types cannot hold the model; %zu have no specs.",
                     ic->res.too_small, ic->res.without_specs);
    return GP_EXIT_OK;
}

/* No offer meets the request: what binds and the nearest offer, on
 * stderr; exit 1. */
static int report_none(const inf_cli *ic)
{
    const gp_serve_params *p = &ic->sp;
    if (ic->res.n == 0) {
        fprintf(stderr, "gpuplan inference: no priced offer with specs matches the filters\n");
        return GP_EXIT_FAIL;
    }
    const gp_serve_offer *near = &ic->res.offers[0];
    const gp_serve_point *pt = &near->pt;
    char a[32], b[32];
    if (pt->binding == GP_SERVE_BIND_FIT) {
        /* Nearest: the instance with the most accelerator memory. */
        const gp_serve_offer *big = near;
        for (size_t i = 0; i < ic->res.n; i++) {
            const gp_offer *o = ic->res.offers[i].offer, *top = big->offer;
            if (o->gpu_count * o->gpu_mem_gb > top->gpu_count * top->gpu_mem_gb)
                big = &ic->res.offers[i];
        }
        fprintf(stderr,
                "gpuplan inference: %s does not fit any offer at %s (binding: fit; %.0f GB of "
                "weights, and a replica stays inside one instance of at most 8 GPUs). Nearest: "
                "%s %s, %.0f x %.0f GB%s\n",
                p->model->name, gp_wprec_name(p->precision),
                gp_serve_weights_bytes(p->model, p->precision) / 1e9, big->offer->provider,
                big->offer->instance_type, big->offer->gpu_count, big->offer->gpu_mem_gb,
                p->precision == GP_WPREC_INT4 ? "" : "; try --precision int4");
        return GP_EXIT_FAIL;
    }
    const char *what = pt->binding == GP_SERVE_BIND_TTFT   ? "TTFT"
                       : pt->binding == GP_SERVE_BIND_TPOT ? "TPOT"
                                                           : gp_serve_binding_name(pt->binding);
    fprintf(stderr,
            "gpuplan inference: no offer meets the targets (%s binds). Nearest: %s %s, %d GPU%s "
            "per replica, TTFT %s and TPOT %s with no load\n",
            what, near->offer->provider, near->offer->instance_type, pt->tp,
            pt->tp == 1 ? "" : "s", ms_text(a, sizeof(a), pt->ttft_floor_s),
            ms_text(b, sizeof(b), pt->tpot_floor_s));
    return GP_EXIT_FAIL;
}

/* ---- options --------------------------------------------------------------- */

static int parse_model(inf_cli *ic, const gp_args *args)
{
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_model_table_load_default(&ic->models, &err);
    if (st != GP_OK)
        return gp_report("inference", st, &err);
    int have_model = gp_arg_set(args, "model"), have_params = gp_arg_set(args, "params");
    if (have_model == have_params)
        return gp_usage_error("inference", have_model ? "give --model or --params, not both"
                                                      : "which model? give --model NAME (see "
                                                        "'gpuplan models') or --params N");
    static const char *const SHAPE[] = {"active-params", "layers", "hidden", "heads", "vocab"};
    if (have_model) {
        for (size_t i = 0; i < sizeof(SHAPE) / sizeof(SHAPE[0]); i++)
            if (gp_arg_set(args, SHAPE[i]))
                return gp_usage_error("inference", "--%s describes a --params model; a preset "
                                                   "has its own shape",
                                      SHAPE[i]);
        const char *name = gp_arg_text(args, "model", "");
        const gp_model *m = gp_model_find(ic->models, name);
        if (!m) {
            size_t n = gp_model_table_count(ic->models);
            const char **names = calloc(n ? n : 1, sizeof(*names));
            if (!names)
                return GP_EXIT_FAIL;
            for (size_t i = 0; i < n; i++)
                names[i] = gp_model_table_at(ic->models, i)->name;
            char sugg[256];
            gp_suggest(name, names, n, sugg, sizeof(sugg));
            free(names);
            if (sugg[0])
                return gp_usage_error("inference", "unknown model '%s'; did you mean %s?", name,
                                      sugg);
            return gp_usage_error("inference", "unknown model '%s' (see 'gpuplan models', or "
                                               "describe it with --params)",
                                  name);
        }
        ic->model = *m;
    } else {
        gp_model_spec spec = {0};
        spec.params = gp_arg(args, "params")->number;
        if (!(spec.params >= 1e6) || spec.params > 1e14)
            return gp_usage_error("inference", "--params must lie between 1M and 100T, not '%s'",
                                  gp_arg_text(args, "params", ""));
        if (gp_arg_set(args, "active-params")) {
            spec.active_params = gp_arg(args, "active-params")->number;
            if (!(spec.active_params > 0) || spec.active_params > spec.params)
                return gp_usage_error("inference", "--active-params must be positive and at "
                                                   "most --params");
        }
        int rc;
        if ((rc = gp_arg_int(args, "layers", 1, 1000, &spec.layers)) ||
            (rc = gp_arg_int(args, "hidden", 64, 1000000, &spec.hidden)) ||
            (rc = gp_arg_int(args, "heads", 1, 10000, &spec.heads)) ||
            (rc = gp_arg_int(args, "vocab", 1, 100000000, &spec.vocab)))
            return rc;
        if ((st = gp_model_derive(&spec, &ic->model, &err)) != GP_OK)
            return gp_usage_error("inference", "%s", err.message);
    }
    ic->sp.model = &ic->model;
    return 0;
}

static int parse(inf_cli *ic, gp_args *args)
{
    gp_serve_params *p = &ic->sp;
    gp_serve_params_init(p);
    int rc = parse_model(ic, args);
    if (rc)
        return rc;
    gp_error err;
    gp_error_clear(&err);
    if (!gp_arg_set(args, "input-tokens") || !gp_arg_set(args, "output-tokens"))
        return gp_usage_error("inference", "how long are the requests? give --input-tokens N "
                                           "and --output-tokens N");
    p->input_tokens = gp_arg(args, "input-tokens")->number;
    p->output_tokens = gp_arg(args, "output-tokens")->number;
    if (!(p->input_tokens >= 1) || p->input_tokens > 1e7)
        return gp_usage_error("inference", "--input-tokens must lie between 1 and 10M");
    if (!(p->output_tokens >= 1) || p->output_tokens > 1e7)
        return gp_usage_error("inference", "--output-tokens must lie between 1 and 10M");
    int have_rps = gp_arg_set(args, "rps"), have_tpd = gp_arg_set(args, "tokens-per-day");
    if (have_rps == have_tpd)
        return gp_usage_error("inference", have_rps ? "give --rps or --tokens-per-day, not both"
                                                    : "how much traffic? give --rps N or "
                                                      "--tokens-per-day N");
    if (have_rps)
        p->rps = gp_arg(args, "rps")->number;
    else
        p->rps = gp_arg(args, "tokens-per-day")->number / (p->input_tokens + p->output_tokens) /
                 86400.0;
    if (p->rps > 1e7)
        return gp_usage_error("inference", "--rps must be at most 10M requests/s");
    if (!(p->rps > 0)) {
        ic->zero_traffic = 1;
        p->rps = 1e-6; /* to find the offers that hold the model at all */
    }
    if (gp_arg_set(args, "ttft") &&
        gp_serve_parse_latency(gp_arg_text(args, "ttft", ""), &p->ttft_s, &err) != GP_OK)
        return gp_usage_error("inference", "--ttft %s", err.message);
    if (gp_arg_set(args, "tpot") &&
        gp_serve_parse_latency(gp_arg_text(args, "tpot", ""), &p->tpot_s, &err) != GP_OK)
        return gp_usage_error("inference", "--tpot %s", err.message);
    if (gp_arg_set(args, "percentile") &&
        gp_serve_parse_percentile(gp_arg_text(args, "percentile", ""), &p->percentile, &err) !=
            GP_OK)
        return gp_usage_error("inference", "--percentile %s", err.message);
    if (gp_arg_set(args, "peak-factor")) {
        p->peak_factor = gp_arg(args, "peak-factor")->number;
        if (!(p->peak_factor >= 1) || p->peak_factor > 1000)
            return gp_usage_error("inference", "--peak-factor must lie between 1 and 1000");
    }
    if (gp_arg_set(args, "precision"))
        p->precision = (gp_wprec)gp_wprec_parse(gp_arg_text(args, "precision", "bf16"));
    p->kv_8bit = strcmp(gp_arg_text(args, "kv-precision", "bf16"), "fp8") == 0;
    if ((rc = gp_arg_int(args, "max-tp", 1, 4096, &p->max_tp)))
        return rc;
    ic->top = 10;
    if ((rc = gp_arg_int(args, "top", 0, 1000000, &ic->top)))
        return rc;

    if ((rc = gp_cli_load_catalog(args, &ic->cat)))
        return rc;
    gp_status st = gp_terms_load_default(&ic->terms, &err);
    if (st != GP_OK)
        return gp_report("inference", st, &err);
    gp_offer_filter_init(&ic->filter);
    const char *gpu = gp_arg_text(args, "gpu", NULL);
    if (gpu) {
        if ((st = gp_gpu_match_resolve(ic->cat, gpu, &ic->gpu, &err)) != GP_OK)
            return gp_report("inference", st, &err);
        ic->filter.gpu = &ic->gpu;
    }
    if ((rc = gp_cli_provider_filter("inference", args, ic->cat, &ic->filter, &ic->prov)))
        return rc;
    if (gp_arg_set(args, "kind"))
        ic->filter.kind = gp_kind_parse(gp_arg_text(args, "kind", ""));
    ic->filter.region_glob = gp_arg_text(args, "region", NULL);
    return 0;
}

static int run(const gp_cmd *cmd, gp_args *args)
{
    (void)cmd;
    inf_cli *ic = calloc(1, sizeof(*ic));
    if (!ic)
        return GP_EXIT_FAIL;
    int rc = parse(ic, args);
    if (rc)
        goto out;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_serve_rank(ic->cat, &ic->filter, &ic->sp, &ic->res, &err);
    if (st != GP_OK) {
        rc = gp_report("inference", st, &err);
        goto out;
    }
    if (ic->zero_traffic) {
        if (ic->res.nok > 0) {
            const gp_serve_offer *so = &ic->res.offers[0];
            char a[32];
            fprintf(stderr,
                    "gpuplan inference: zero traffic: nothing to size (binding: traffic). The "
                    "cheapest offer that holds %s at the targets: %s %s, %s a month\n",
                    ic->sp.model->name, so->offer->provider, so->offer->instance_type,
                    gp_fmt_usd(a, sizeof(a), so->usd_per_month));
            rc = GP_EXIT_FAIL;
        } else {
            rc = report_none(ic);
        }
        goto out;
    }
    if (ic->res.nok == 0) {
        rc = report_none(ic);
        goto out;
    }
    const char *svg = gp_arg_text(args, "svg", NULL);
    if (svg) {
        size_t n = shown(ic);
        gp_svg_point *pts = calloc(n ? n : 1, sizeof(*pts));
        char(*labels)[96] = calloc(n ? n : 1, sizeof(*labels));
        if (!pts || !labels) {
            free(pts);
            free(labels);
            rc = GP_EXIT_FAIL;
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            const gp_serve_offer *so = &ic->res.offers[i];
            snprintf(labels[i], sizeof(labels[i]), "#%d %s %d %s", so->rank, so->offer->provider,
                     so->pt.gpus, so->offer->gpu);
            pts[i] = (gp_svg_point){so->pt.tpot_s * 1000, so->usd_per_m_output, labels[i]};
        }
        char title[160];
        snprintf(title, sizeof(title), "%s at %.4g requests/s: $ per million output tokens vs TPOT",
                 ic->sp.model->name, ic->sp.rps);
        rc = gp_svg_scatter(svg, "inference", title, "TPOT at the percentile, ms (log scale)",
                            "$ per million output tokens (log scale)", pts, n);
        free(pts);
        free(labels);
        if (rc)
            goto out;
    }
    gp_format fmt = (gp_format)gp_format_parse(gp_arg_text(args, "format", "table"));
    if (fmt == FMT_JSON)
        rc = gp_json_print(result_json(ic)) ? GP_EXIT_FAIL : GP_EXIT_OK;
    else if (fmt == FMT_CSV) {
        csv_out(ic);
        rc = gp_output_check(GP_EXIT_OK);
    } else
        rc = text_out(ic, fmt, gp_arg_set(args, "wide"));
out:
    gp_serve_result_free(&ic->res);
    gp_terms_free(ic->terms);
    gp_catalog_free(ic->cat);
    gp_model_table_free(ic->models);
    gp_cli_providers_free(&ic->prov);
    free(ic);
    return rc;
}

const gp_cmd gp_cmd_inference = {
    "inference",
    "Serve a model: GPUs, replicas, latency, $ per million tokens.",
    "inference (--model NAME | --params N) (--rps N | --tokens-per-day N) --input-tokens N "
    "--output-tokens N [OPTIONS]",
    "Models serving the model on every priced instance type of the catalog: the weights "
    "and the KV cache in memory, prefill time from compute, each decode step from memory "
    "bandwidth or compute (whichever binds), tensor parallelism inside the instance with its "
    "all-reduces, and the latency a Poisson traffic sees at the percentile. For each offer "
    "it finds the fewest replicas that carry --rps within --ttft and --tpot, and prices them "
    "for a month on-demand and on the provider's reserved or committed term, with $ per "
    "million output and input tokens. When no offer meets the request it names what binds "
    "and the nearest offer, and exits 1.",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan inference --model llama-3-70b --rps 10 --input-tokens 1000 --output-tokens 200 "
    "--tpot 50ms\n"
    "gpuplan inference --model llama-3-8b --tokens-per-day 2B --input-tokens 500 "
    "--output-tokens 300 --gpu L4\n"
    "gpuplan inference --params 13B --rps 2 --input-tokens 2000 --output-tokens 500 "
    "--precision int4 --ttft 1s --format json",
    run,
};
