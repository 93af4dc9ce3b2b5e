/* gpuplan estimate: compute, memory, layout, time and GPU-hours of one
 * training job on one accelerator. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "job_args.h"
#include "out.h"

static const gp_opt OPTS[] = {
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|json|md",
     "output format: table (default), json or md"},
    {"gpu", 'g', OPT_STRING, 0, "NAME", NULL,
     "accelerator, in any spelling (H100, a100-80gb, MI300X); default H100"},
    {"gpus", 'n', OPT_NUMBER, 0, "N", NULL,
     "number of accelerators (default: the recommended count)"},
    GP_JOB_MODEL_OPTIONS,
    GP_JOB_TRAIN_OPTIONS,
    GP_JOB_FINETUNE_OPTIONS,
    GP_JOB_CLUSTER_OPTIONS,
};

/* ---- JSON ---------------------------------------------------------------- */

static json_t *model_json(const gp_model *m)
{
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(m->name));
    json_object_set_new(j, "family", gp_json_str(m->family));
    json_object_set_new(j, "params_total", json_real(m->params_total));
    json_object_set_new(j, "params_active", json_real(m->params_active));
    json_object_set_new(j, "layers", json_integer(m->layers));
    json_object_set_new(j, "hidden", json_integer(m->hidden));
    json_object_set_new(j, "heads", json_integer(m->heads));
    json_object_set_new(j, "kv_heads", json_integer(m->kv_heads));
    json_object_set_new(j, "head_dim", json_integer(m->head_dim));
    json_object_set_new(j, "ffn", m->ffn ? json_integer(m->ffn) : json_null());
    json_object_set_new(j, "vocab", json_integer(m->vocab));
    json_object_set_new(j, "seq_len", json_integer(m->seq_len));
    json_object_set_new(j, "mlp", json_string(gp_mlp_name(m->mlp)));
    json_object_set_new(j, "experts", json_integer(m->experts));
    json_object_set_new(j, "experts_active", json_integer(m->experts_active));
    json_object_set_new(j, "moe_ffn", m->moe_ffn ? json_integer(m->moe_ffn) : json_null());
    json_object_set_new(j, "tokens_published", gp_json_num(m->tokens));
    json_object_set_new(j, "source", gp_json_str(m->source));
    json_t *derived = json_array();
    static const struct { unsigned flag; const char *name; } FLAGS[] = {
        {GP_DERIVED_LAYERS, "layers"}, {GP_DERIVED_HIDDEN, "hidden"},
        {GP_DERIVED_HEADS, "heads"},   {GP_DERIVED_FFN, "ffn"},
        {GP_DERIVED_VOCAB, "vocab"},   {GP_DERIVED_SEQ_LEN, "seq_len"},
        {GP_DERIVED_PARAMS, "params"}, {GP_DERIVED_EXPERTS, "experts"}};
    for (size_t i = 0; i < sizeof(FLAGS) / sizeof(FLAGS[0]); i++)
        if (m->derived & FLAGS[i].flag)
            json_array_append_new(derived, json_string(FLAGS[i].name));
    json_object_set_new(j, "derived", derived);
    return j;
}

static json_t *estimate_json(const gp_estimate *e, const gp_cli_job *cj)
{
    json_t *j = json_object();
    json_object_set_new(j, "model", model_json(&e->model));
    json_object_set_new(j, "gpu", json_string(e->accel->name));
    json_object_set_new(j, "precision", json_string(gp_precision_name((gp_precision)e->precision)));
    json_object_set_new(j, "peak_tflops", json_real(e->peak_tflops));
    json_object_set_new(j, "matmul_efficiency", json_real(e->matmul_efficiency));
    json_object_set_new(j, "matmul_efficiency_measured", json_boolean(e->matmul_measured));
    json_object_set_new(j, "tokens", json_real(e->tokens));
    json_object_set_new(j, "tokens_basis", json_string(cj->tokens_basis));
    json_object_set_new(j, "global_batch_tokens", json_real(e->global_batch_tokens));
    json_object_set_new(j, "flops", gp_json_num(e->hardware_flops));
    json_object_set_new(j, "model_flops", json_real(e->model_flops));
    json_object_set_new(j, "flops_per_token", gp_json_num(e->hardware_flops_per_token));
    json_object_set_new(j, "model_flops_per_token", json_real(e->model_flops_per_token));
    json_object_set_new(j, "mfu", gp_json_num(e->mfu));
    json_object_set_new(j, "hfu", gp_json_num(e->hfu));
    json_object_set_new(j, "gpus", json_integer(e->gpus));
    json_object_set_new(j, "gpus_basis", json_string(e->gpus_recommended ? "recommended" : "given"));
    json_object_set_new(j, "min_gpus", e->min_gpus ? json_integer(e->min_gpus) : json_null());
    json_object_set_new(j, "recommended_gpus",
                        e->recommended_gpus ? json_integer(e->recommended_gpus) : json_null());
    json_object_set_new(j, "max_gpus", json_integer(e->max_gpus));
    json_object_set_new(j, "gpus_per_node", json_integer(e->gpus_per_node));
    json_object_set_new(j, "internode_gbps_per_gpu", json_real(e->internode_gbps));
    json_t *net = json_object();
    json_object_set_new(net, "gbps", json_real(e->internode_gbps * e->gpus_per_node));
    json_object_set_new(net, "gbps_per_gpu", json_real(e->internode_gbps));
    json_object_set_new(net, "known", json_boolean(e->network_known));
    json_object_set_new(net, "source", json_string(e->network_source));
    json_object_set_new(j, "network", net);
    json_t *l = json_object();
    json_object_set_new(l, "tp", json_integer(e->layout.tp));
    json_object_set_new(l, "pp", json_integer(e->layout.pp));
    json_object_set_new(l, "dp", json_integer(e->layout.dp));
    json_object_set_new(l, "vp", json_integer(e->layout.vp));
    json_object_set_new(l, "ep", json_integer(e->layout.ep));
    json_object_set_new(l, "cp", json_integer(e->layout.cp > 0 ? e->layout.cp : 1));
    json_object_set_new(l, "zero", json_integer(e->layout.zero));
    json_object_set_new(l, "recompute", json_string(gp_recompute_name(e->layout.recompute)));
    json_object_set_new(l, "micro_batch", json_integer(e->layout.micro_batch));
    json_object_set_new(l, "micro_batches", json_integer(e->layout.micro_batches));
    json_object_set_new(j, "layout", l);
    json_object_set_new(j, "layout_reason", json_string(e->layout_reason));
    json_t *mem = gp_cli_memory_json(&e->memory);
    json_object_set_new(mem, "device", json_real(e->memory.device_gb));
    json_object_set_new(j, "memory_per_gpu_gb", mem);
    json_object_set_new(j, "fits", json_boolean(e->fits));
    json_object_set_new(j, "tokens_per_second", gp_json_num(e->tokens_per_second));
    json_object_set_new(j, "tokens_per_second_per_gpu", gp_json_num(e->tokens_per_second_per_gpu));
    json_t *st = json_object();
    json_object_set_new(st, "compute", gp_json_num(e->step.compute_s));
    json_object_set_new(st, "tp_comm", gp_json_num(e->step.tp_comm_s));
    json_object_set_new(st, "dp_comm", gp_json_num(e->step.dp_comm_s));
    json_object_set_new(st, "ep_comm", gp_json_num(e->step.ep_comm_s));
    json_object_set_new(st, "pp_comm", gp_json_num(e->step.pp_comm_s));
    json_object_set_new(st, "cp_comm", gp_json_num(e->step.cp_comm_s));
    json_object_set_new(st, "bubble_fraction", gp_json_num(e->step.bubble_fraction));
    json_object_set_new(st, "total", gp_json_num(e->step.step_s));
    json_object_set_new(j, "step_seconds", st);
    json_object_set_new(j, "goodput", gp_json_num(e->goodput));
    json_object_set_new(j, "wall_hours", gp_json_num(e->wall_hours));
    json_object_set_new(j, "wall_days", gp_json_num(e->wall_days));
    json_object_set_new(j, "gpu_hours", gp_json_num(e->gpu_hours));
    if (e->finetune != GP_FINETUNE_NONE) {
        json_t *ft = json_object();
        char t[64];
        json_object_set_new(ft, "method", json_string(gp_finetune_name(e->finetune)));
        json_object_set_new(ft, "trainable_params", json_real(e->trainable_params));
        if (e->finetune != GP_FINETUNE_FULL) {
            gp_lora_targets_text(e->lora_targets, t, sizeof(t));
            json_object_set_new(ft, "lora_rank", json_integer(e->lora_rank));
            json_object_set_new(ft, "lora_alpha", json_real(e->lora_alpha));
            json_object_set_new(ft, "lora_targets", json_string(t));
            json_object_set_new(ft, "adapter_params", json_real(e->adapter_params));
        }
        json_object_set_new(ft, "base_bytes_per_param", json_real(e->base_bytes_per_param));
        json_object_set_new(ft, "steps", json_real(e->steps));
        json_object_set_new(ft, "startup_hours", json_real(e->startup_hours));
        json_object_set_new(ft, "download_gb", json_real(e->download_gb));
        json_object_set_new(ft, "download_hours", json_real(e->download_hours));
        json_object_set_new(ft, "checkpoint_saves", json_real(e->saves));
        json_object_set_new(ft, "save_hours", json_real(e->save_hours));
        json_object_set_new(ft, "eval_hours", json_real(e->eval_hours));
        json_object_set_new(ft, "overhead_hours", json_real(e->overhead_hours));
        json_object_set_new(ft, "job_hours", gp_json_num(e->wall_hours + e->overhead_hours));
        json_object_set_new(j, "finetune", ft);
    }
    json_t *as = json_array();
    json_array_append_new(as, json_string(cj->tokens_basis[0] &&
                                                  strcmp(cj->tokens_basis, "given")
                                              ? cj->tokens_basis
                                              : "training tokens as given"));
    for (size_t i = 0; i < e->nassumptions; i++)
        json_array_append_new(as, gp_json_str(e->assumptions[i]));
    json_object_set_new(j, "assumptions", as);
    return j;
}

/* ---- text ---------------------------------------------------------------- */

typedef struct row {
    char key[16];
    char value[720];
} row;

typedef struct report {
    row rows[16];
    size_t n;
} report;

static void add(report *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(report *r, const char *key, const char *fmt, ...)
{
    if (r->n >= sizeof(r->rows) / sizeof(r->rows[0]))
        return;
    row *w = &r->rows[r->n++];
    snprintf(w->key, sizeof(w->key), "%s", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->value, sizeof(w->value), fmt, ap);
    va_end(ap);
}

/* Gigabytes with two decimals below 10 GB, one above. */
static const char *gb(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, v < 10 ? "%.2f" : "%.1f", v);
    return buf;
}

/* A short duration in the unit that reads: seconds, minutes or hours. */
static const char *duration(char *buf, size_t cap, double hours)
{
    if (!(hours > 0))
        snprintf(buf, cap, "0 min");
    else if (hours < 1.0 / 60)
        snprintf(buf, cap, "%.0f s", hours * 3600);
    else if (hours < 1)
        snprintf(buf, cap, "%.0f min", hours * 60);
    else
        snprintf(buf, cap, "%.1f h", hours);
    return buf;
}

static void build_report(const gp_estimate *e, const gp_cli_job *cj, report *r)
{
    char a[32], b[32], c[32], d[32];
    const gp_model *m = &e->model;
    const gp_layout *l = &e->layout;
    const char *gpu = e->accel->name;
    if (gp_model_is_moe(m))
        add(r, "Model", "%s%s%s%s: %s parameters, %s active; %d layers x %d, %d experts "
                        "(%d routed per token); sequence %d",
            m->name, m->family[0] ? " (" : "", m->family, m->family[0] ? ")" : "",
            gp_fmt_si(a, sizeof(a), m->params_total), gp_fmt_si(b, sizeof(b), m->params_active),
            m->layers, m->hidden, m->experts, m->experts_active, m->seq_len);
    else
        add(r, "Model", "%s%s%s%s: %s parameters; %d layers x %d, %d heads (%d KV); "
                        "sequence %d",
            m->name, m->family[0] ? " (" : "", m->family, m->family[0] ? ")" : "",
            gp_fmt_si(a, sizeof(a), m->params_total), m->layers, m->hidden, m->heads,
            m->kv_heads, m->seq_len);
    add(r, "Tokens", "%s (%s)", gp_fmt_si(a, sizeof(a), e->tokens), cj->tokens_basis);
    if (e->finetune == GP_FINETUNE_FULL) {
        add(r, "Fine-tune", "full: all %s parameters train; %.0f optimizer steps of %.0f "
                            "sequences",
            gp_fmt_si(b, sizeof(b), e->trainable_params), e->steps,
            e->global_batch_tokens / m->seq_len);
    } else if (e->finetune != GP_FINETUNE_NONE) {
        char t[64];
        gp_lora_targets_text(e->lora_targets, t, sizeof(t));
        add(r, "Fine-tune", "%s rank %d, alpha %.0f on %s: %s trainable (%.2f%%); base frozen "
                            "at %.3g bytes/parameter; %.0f optimizer steps of %.0f sequences",
            e->finetune == GP_FINETUNE_QLORA ? "QLoRA" : "LoRA", e->lora_rank, e->lora_alpha,
            t, gp_fmt_si(b, sizeof(b), e->adapter_params),
            100.0 * e->adapter_params / m->params_total, e->base_bytes_per_param, e->steps,
            e->global_batch_tokens / m->seq_len);
    }
    if (e->fits)
        add(r, "Compute", "%.3g model FLOPs; %.3g with recomputation",
            e->model_flops, e->hardware_flops);
    else
        add(r, "Compute", "%.3g model FLOPs", e->model_flops);
    char minbuf[64];
    if (e->min_gpus)
        snprintf(minbuf, sizeof(minbuf), "%s", gp_fmt_int(c, sizeof(c), e->min_gpus));
    else
        snprintf(minbuf, sizeof(minbuf), "none up to %s", gp_fmt_int(c, sizeof(c), e->max_gpus));
    if (e->gpus_recommended)
        add(r, "GPUs", "%s %s (%s), recommended to finish within %.0f days; fewest that "
                       "fit: %s; the job can use up to %s",
            gp_fmt_int(a, sizeof(a), e->gpus), gpu,
            gp_precision_name((gp_precision)e->precision),
            cj->job.target_days > 0 ? cj->job.target_days
                                    : gp_job_constants_default()->default_target_days,
            minbuf, gp_fmt_int(d, sizeof(d), e->max_gpus));
    else
        add(r, "GPUs", "%s %s (%s); fewest that fit: %s; the job can use up to %s",
            gp_fmt_int(a, sizeof(a), e->gpus), gpu,
            gp_precision_name((gp_precision)e->precision), minbuf,
            gp_fmt_int(b, sizeof(b), e->max_gpus));
    char vp[32] = "";
    if (l->vp > 1)
        snprintf(vp, sizeof(vp), " (%d chunks per stage)", l->vp);
    char ep[32] = "";
    if (l->ep > 1)
        snprintf(ep, sizeof(ep), ", EP %d", l->ep);
    char cp[32] = "";
    if (l->cp > 1)
        snprintf(cp, sizeof(cp), " x CP %d", l->cp);
    add(r, "Layout", "TP %d%s x PP %d%s x DP %d%s, ZeRO-%d, %s recomputation; %d micro-batch%s "
                     "of %d sequence%s per step",
        l->tp, cp, l->pp, vp, l->dp, ep, l->zero,
        l->recompute == GP_RECOMPUTE_NONE ? "no" : gp_recompute_name(l->recompute),
        l->micro_batches, l->micro_batches == 1 ? "" : "es", l->micro_batch,
        l->micro_batch == 1 ? "" : "s");
    add(r, "", "%s", e->layout_reason);
    const gp_memory *mm = &e->memory;
    char w[16], g[16], o[16], act[16], tot[16];
    add(r, "Memory/GPU", "%s GB weights + %s gradients + %s optimizer + %s "
                         "activations = %s of %.1f GB usable: %s",
        gb(w, sizeof(w), mm->weights_gb), gb(g, sizeof(g), mm->gradients_gb),
        gb(o, sizeof(o), mm->optimizer_gb), gb(act, sizeof(act), mm->activations_gb),
        gb(tot, sizeof(tot), mm->total_gb), mm->capacity_gb,
        e->fits ? "fits" : "DOES NOT FIT");
    if (!e->fits)
        return;
    if (!e->network_known && e->gpus > e->gpus_per_node)
        add(r, "Network", "unknown: %.0f Gb/s per GPU between nodes assumed (%.150s); "
                          "--net-gbps sets it",
            e->internode_gbps, e->network_source);
    add(r, "Throughput", "%s tokens/s per GPU, %s tokens/s in all; MFU %.1f%% "
                         "(hardware %.1f%%)",
        gp_fmt_int(a, sizeof(a), e->tokens_per_second_per_gpu),
        gp_fmt_si(b, sizeof(b), e->tokens_per_second), 100 * e->mfu, 100 * e->hfu);
    if (isnan(cj->job.mfu)) {
        char a2a[96] = "", p2p[48] = "";
        if (e->step.ep_comm_s > 0)
            snprintf(a2a, sizeof(a2a), ", all-to-all %.3g", e->step.ep_comm_s);
        if (e->step.cp_comm_s > 0)
            snprintf(a2a + strlen(a2a), sizeof(a2a) - strlen(a2a), ", context-parallel %.3g",
                     e->step.cp_comm_s);
        if (e->step.pp_comm_s > 0)
            snprintf(p2p, sizeof(p2p), ", pipeline p2p %.3g", e->step.pp_comm_s);
        add(r, "Step", "%.3g s: compute %.3g, tensor-parallel %.3g, data-parallel %.3g%s%s "
                       "(exposed communication); pipeline bubble %.0f%%",
            e->step.step_s, e->step.compute_s, e->step.tp_comm_s, e->step.dp_comm_s, a2a,
            p2p, 100 * e->step.bubble_fraction);
    }
    if (e->wall_hours < 48) {
        char t[32];
        add(r, "Time", "%s training wall clock, %.3g GPU-hours; goodput %.1f%%",
            duration(t, sizeof(t), e->wall_hours), e->gpu_hours, 100 * e->goodput);
    } else {
        add(r, "Time", "%.1f days (%s hours) wall clock, %s GPU-hours; goodput %.1f%%",
            e->wall_days, gp_fmt_int(a, sizeof(a), e->wall_hours),
            gp_fmt_int(b, sizeof(b), e->gpu_hours), 100 * e->goodput);
    }
    if (e->finetune != GP_FINETUNE_NONE) {
        char t1[32], t2[32], t3[32], t4[32], t5[32];
        add(r, "Whole job", "%s: start-up %s + weights download %s + training + checkpoint "
                            "saves %s + evaluation %s; %.3g GPU-hours",
            duration(t1, sizeof(t1), e->wall_hours + e->overhead_hours),
            duration(t2, sizeof(t2), e->startup_hours),
            duration(t3, sizeof(t3), e->download_hours),
            duration(t4, sizeof(t4), e->save_hours),
            e->eval_hours > 0 ? duration(t5, sizeof(t5), e->eval_hours) : "none",
            (e->wall_hours + e->overhead_hours) * e->gpus);
    }
}

static void print_table(const gp_estimate *e, const gp_cli_job *cj)
{
    report r = {0};
    build_report(e, cj, &r);
    gp_style st = gp_style_for(stdout);
    for (size_t i = 0; i < r.n; i++) {
        printf("%s%-11s%s %s\n", st.bold, r.rows[i].key, st.reset, r.rows[i].value);
    }
    printf("\n%sAssumptions%s\n", st.bold, st.reset);
    for (size_t i = 0; i < e->nassumptions; i++)
        gp_note_item("  - ", "%s", e->assumptions[i]);
}

static void md_escape(const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", stdout);
        else
            fputc(*s, stdout);
    }
}

static void print_md(const gp_estimate *e, const gp_cli_job *cj)
{
    report r = {0};
    build_report(e, cj, &r);
    printf("| | |\n|---|---|\n");
    for (size_t i = 0; i < r.n; i++) {
        printf("| %s | ", r.rows[i].key);
        md_escape(r.rows[i].value);
        printf(" |\n");
    }
    printf("\nAssumptions:\n\n");
    for (size_t i = 0; i < e->nassumptions; i++) {
        printf("- ");
        md_escape(e->assumptions[i]);
        printf("\n");
    }
}

static int run(const gp_cmd *cmd, gp_args *args)
{
    (void)cmd;
    gp_cli_job cj;
    int rc = gp_cli_job_parse(args, "gpu", 1, &cj);
    if (rc) {
        gp_cli_job_free(&cj);
        return rc;
    }
    gp_estimate e;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_job_estimate(&cj.job, &e, &err);
    if (st != GP_OK) {
        rc = gp_report("estimate", st, &err);
        gp_cli_job_free(&cj);
        return rc;
    }
    gp_format fmt = (gp_format)gp_format_parse(gp_arg_text(args, "format", "table"));
    if (fmt == FMT_JSON)
        rc = gp_json_print(estimate_json(&e, &cj)) ? GP_EXIT_FAIL : GP_EXIT_OK;
    else if (fmt == FMT_MD)
        print_md(&e, &cj);
    else
        print_table(&e, &cj);
    gp_cli_job_free(&cj);
    return rc;
}

const gp_cmd gp_cmd_estimate = {
    "estimate",
    "Estimate a training job: FLOPs, memory, layout, time, GPU-hours.",
    "estimate (--model NAME | --params N) [--tokens N | --chinchilla] [OPTIONS]",
    "From a model and a token budget to compute, memory per GPU, a parallel "
    "layout (tensor, pipeline, data parallelism, ZeRO stage, recomputation), "
    "steady-state throughput and MFU, wall-clock time and GPU-hours on one "
    "kind of accelerator. Without --gpus it recommends a count that finishes "
    "within --days (30) and reports the fewest that fit. Every assumption is "
    "printed; docs/estimate.md gives each formula and its source, and "
    "bench/accuracy compares the model with published training runs.",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan estimate --model llama-2-7b --gpu A100-80GB --gpus 256\n"
    "gpuplan estimate --model llama-3-70b --tokens 15T --gpu H100 --gpus 1024 --format json\n"
    "gpuplan estimate --params 13B --chinchilla --gpu H100\n"
    "gpuplan estimate --model mixtral-8x7b --tokens 1T --gpu H100 --precision fp8",
    run,
};
