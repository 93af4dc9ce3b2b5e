/* Reading a training job from the command line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job_args.h"

static int unknown_name(const char *cmd, const char *what, const char *name,
                        const char *const *names, size_t n, const char *hint)
{
    char sugg[256];
    gp_suggest(name, names, n, sugg, sizeof(sugg));
    if (sugg[0])
        return gp_usage_error(cmd, "unknown %s '%s'; did you mean %s?", what, name,
                              sugg);
    return gp_usage_error(cmd, "unknown %s '%s' (%s)", what, name, hint);
}

static int find_model(const gp_args *args, gp_cli_job *cj, const char *name)
{
    const gp_model *m = gp_model_find(cj->models, name);
    if (m) {
        cj->model_copy = *m;
        cj->job.model = &cj->model_copy;
        return 0;
    }
    size_t n = gp_model_table_count(cj->models);
    const char **names = calloc(n ? n : 1, sizeof(*names));
    if (!names)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < n; i++)
        names[i] = gp_model_table_at(cj->models, i)->name;
    int rc = unknown_name(args->cmd_name, "model", name, names, n,
                          "see 'gpuplan models', or describe it with --params");
    free(names);
    return rc;
}

static int find_gpu(const gp_args *args, gp_cli_job *cj, const char *name)
{
    const gp_accel *a = gp_accel_resolve(cj->accels, name, NULL, NAN, NULL);
    if (a) {
        cj->job.accel = a;
        return 0;
    }
    size_t n = gp_accel_table_count(cj->accels);
    const char **names = calloc(n ? n : 1, sizeof(*names));
    if (!names)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < n; i++)
        names[i] = gp_accel_table_at(cj->accels, i)->name;
    int rc = unknown_name(args->cmd_name, "accelerator", name, names, n,
                          "see 'gpuplan gpus'");
    free(names);
    return rc;
}

/* --finetune and the options that only make sense with it. */
static int finetune_options(const gp_args *args, gp_cli_job *cj)
{
    const char *cmd = args->cmd_name;
    gp_job *job = &cj->job;
    if (gp_arg_set(args, "finetune"))
        job->finetune = (gp_finetune)gp_finetune_parse(gp_arg_text(args, "finetune", ""));
    static const char *const NEED_FT[] = {"dataset-tokens", "eval-tokens", "startup",
                                          "download-gbps"};
    static const char *const NEED_LORA[] = {"lora-rank", "lora-alpha", "lora-targets"};
    for (size_t i = 0; i < sizeof(NEED_LORA) / sizeof(NEED_LORA[0]); i++)
        if (gp_arg_set(args, NEED_LORA[i]) && job->finetune != GP_FINETUNE_LORA &&
            job->finetune != GP_FINETUNE_QLORA)
            return gp_usage_error(cmd, "--%s needs --finetune lora or qlora", NEED_LORA[i]);
    for (size_t i = 0; i < sizeof(NEED_FT) / sizeof(NEED_FT[0]); i++)
        if (gp_arg_set(args, NEED_FT[i]) && job->finetune == GP_FINETUNE_NONE)
            return gp_usage_error(cmd, "--%s needs --finetune full, lora or qlora", NEED_FT[i]);
    if (gp_arg_set(args, "epochs")) {
        if (!gp_arg_set(args, "dataset-tokens"))
            return gp_usage_error(cmd, "--epochs multiplies --dataset-tokens; give both (or "
                                       "--tokens alone)");
        job->epochs = gp_arg(args, "epochs")->number;
        if (!(job->epochs > 0) || job->epochs > 1e4)
            return gp_usage_error(cmd, "--epochs must lie above 0 and at most 10,000, not '%s'",
                                  gp_arg_text(args, "epochs", ""));
    }
    if (job->finetune == GP_FINETUNE_LORA || job->finetune == GP_FINETUNE_QLORA) {
        const gp_model *m = job->model;
        int rank = 0, rc;
        if ((rc = gp_arg_int(args, "lora-rank", 1, 1000000, &rank)))
            return rc;
        if (rank > m->hidden) {
            /* A well-formed value the model cannot take: an impossible
             * request (exit 1, issue 11), with what binds and the nearest. */
            fprintf(stderr,
                    "gpuplan %s: --lora-rank %d is above %s's hidden size %d: a rank cannot "
                    "exceed the width it factors (the hidden size binds; the nearest possible "
                    "is --lora-rank %d)\n",
                    cmd, rank, m->name, m->hidden, m->hidden);
            return GP_EXIT_FAIL;
        }
        job->lora_rank = rank;
        if (gp_arg_set(args, "lora-alpha")) {
            job->lora_alpha = gp_arg(args, "lora-alpha")->number;
            if (!(job->lora_alpha > 0) || job->lora_alpha > 1e6)
                return gp_usage_error(cmd, "--lora-alpha must be above 0, not '%s'",
                                      gp_arg_text(args, "lora-alpha", ""));
        }
        if (gp_arg_set(args, "lora-targets") &&
            gp_lora_targets_parse(gp_arg_text(args, "lora-targets", ""), &job->lora_targets))
            return gp_usage_error(cmd, "--lora-targets '%s': expected a list of q, k, v, o, "
                                       "gate, up, down (or attention, mlp, all)",
                                  gp_arg_text(args, "lora-targets", ""));
    }
    if (gp_arg_set(args, "eval-tokens"))
        job->eval_tokens = gp_arg(args, "eval-tokens")->number;
    if (gp_arg_set(args, "startup"))
        job->startup_hours = gp_arg(args, "startup")->number;
    if (gp_arg_set(args, "download-gbps")) {
        job->download_gbps = gp_arg(args, "download-gbps")->number;
        if (!(job->download_gbps > 0) || job->download_gbps > 1e4)
            return gp_usage_error(cmd, "--download-gbps must lie above 0 and at most 10,000 "
                                       "GB/s, not '%s'",
                                  gp_arg_text(args, "download-gbps", ""));
    }
    return 0;
}

static int custom_model(const gp_args *args, gp_cli_job *cj)
{
    const char *cmd = args->cmd_name;
    gp_model_spec spec = {0};
    spec.params = gp_arg(args, "params")->number;
    if (!(spec.params >= 1e6) || spec.params > 1e14)
        return gp_usage_error(cmd, "--params must lie between 1M and 100T, not '%s'",
                              gp_arg_text(args, "params", ""));
    if (gp_arg_set(args, "active-params")) {
        spec.active_params = gp_arg(args, "active-params")->number;
        if (!(spec.active_params > 0) || spec.active_params > spec.params)
            return gp_usage_error(cmd, "--active-params must be positive and at most "
                                       "--params");
    }
    int rc = 0;
    if ((rc = gp_arg_int(args, "layers", 1, 1000, &spec.layers)) ||
        (rc = gp_arg_int(args, "hidden", 64, 1000000, &spec.hidden)) ||
        (rc = gp_arg_int(args, "heads", 1, 10000, &spec.heads)) ||
        (rc = gp_arg_int(args, "seq-len", 1, 100000000, &spec.seq_len)) ||
        (rc = gp_arg_int(args, "vocab", 1, 100000000, &spec.vocab)))
        return rc;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_model_derive(&spec, &cj->custom, &err);
    if (st != GP_OK)
        return gp_usage_error(cmd, "%s", err.message);
    cj->job.model = &cj->custom;
    return 0;
}

int gp_cli_job_parse(const gp_args *args, const char *gpu_option, int cluster,
                     gp_cli_job *cj)
{
    const char *cmd = args->cmd_name;
    memset(cj, 0, sizeof(*cj));
    gp_job_init(&cj->job);
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_model_table_load_default(&cj->models, &err);
    if (st == GP_OK)
        st = gp_accel_table_load_default(&cj->accels, &err);
    if (st != GP_OK)
        return gp_report(cmd, st, &err);

    /* The model. */
    int have_model = gp_arg_set(args, "model"), have_params = gp_arg_set(args, "params");
    if (have_model && have_params)
        return gp_usage_error(cmd, "give --model or --params, not both");
    if (!have_model && !have_params)
        return gp_usage_error(cmd, "which model? give --model NAME (see 'gpuplan "
                                   "models') or --params N");
    static const char *const SHAPE[] = {"active-params", "layers", "hidden", "heads",
                                        "vocab"};
    int rc;
    if (have_model) {
        for (size_t i = 0; i < sizeof(SHAPE) / sizeof(SHAPE[0]); i++)
            if (gp_arg_set(args, SHAPE[i]))
                return gp_usage_error(cmd, "--%s describes a --params model; a preset "
                                           "has its own shape", SHAPE[i]);
        if ((rc = find_model(args, cj, gp_arg_text(args, "model", ""))))
            return rc;
        int seq = 0;
        if ((rc = gp_arg_int(args, "seq-len", 1, 100000000, &seq)))
            return rc;
        if (seq)
            cj->model_copy.seq_len = seq;
    } else if ((rc = custom_model(args, cj))) {
        return rc;
    }
    const gp_model *m = cj->job.model;

    /* Fine-tuning. */
    if ((rc = finetune_options(args, cj)))
        return rc;

    /* Tokens. */
    int have_tokens = gp_arg_set(args, "tokens"), chinchilla = gp_arg_set(args, "chinchilla");
    if (have_tokens && chinchilla)
        return gp_usage_error(cmd, "give --tokens or --chinchilla, not both");
    int have_dataset = gp_arg_set(args, "dataset-tokens");
    if (cj->job.finetune != GP_FINETUNE_NONE && chinchilla)
        return gp_usage_error(cmd, "--chinchilla sizes pretraining; a fine-tune takes --tokens "
                                   "or --dataset-tokens");
    if (have_dataset && have_tokens)
        return gp_usage_error(cmd, "give --tokens or --dataset-tokens (x --epochs), not both");
    if (have_dataset) {
        double epochs = cj->job.epochs > 0 ? cj->job.epochs : 1;
        cj->job.tokens = gp_arg(args, "dataset-tokens")->number * epochs;
        if (!(cj->job.tokens >= 1))
            return gp_usage_error(cmd, "--dataset-tokens must be at least 1, not '%s'",
                                  gp_arg_text(args, "dataset-tokens", ""));
        snprintf(cj->tokens_basis, sizeof(cj->tokens_basis), "%s dataset tokens x %g epoch%s",
                 gp_arg_text(args, "dataset-tokens", ""), epochs, epochs == 1 ? "" : "s");
    } else if (cj->job.finetune != GP_FINETUNE_NONE && !have_tokens) {
        return gp_usage_error(cmd, "how many fine-tuning tokens? give --tokens N (e.g. 100M) "
                                   "or --dataset-tokens N [--epochs E]; a preset's published "
                                   "count is its pretraining");
    } else if (have_tokens) {
        cj->job.tokens = gp_arg(args, "tokens")->number;
        if (!(cj->job.tokens >= 1))
            return gp_usage_error(cmd, "--tokens must be at least 1, not '%s'",
                                  gp_arg_text(args, "tokens", ""));
        snprintf(cj->tokens_basis, sizeof(cj->tokens_basis), "given");
    } else if (chinchilla) {
        cj->job.tokens = 20.0 * m->params_total;
        snprintf(cj->tokens_basis, sizeof(cj->tokens_basis),
                 "20 tokens per parameter (Chinchilla, Hoffmann et al. 2022)");
    } else if (!isnan(m->tokens) && m->tokens > 0) {
        cj->job.tokens = m->tokens;
        snprintf(cj->tokens_basis, sizeof(cj->tokens_basis),
                 "as published for %s, data/models.csv", m->name);
    } else {
        return gp_usage_error(cmd, "how many training tokens? give --tokens N (e.g. "
                                   "2T) or --chinchilla");
    }

    /* The accelerator. */
    if (gpu_option && (rc = find_gpu(args, cj, gp_arg_text(args, gpu_option, "H100"))))
        return rc;

    /* Training setup. */
    gp_job *job = &cj->job;
    if ((cluster && (rc = gp_arg_int(args, "gpus", 1, 10000000, &job->gpus))) ||
        (rc = gp_arg_int(args, "tp", 1, 1024, &job->tp)) ||
        (rc = gp_arg_int(args, "pp", 1, 1024, &job->pp)) ||
        (rc = gp_arg_int(args, "micro-batch", 1, 1000000, &job->micro_batch)) ||
        (rc = gp_arg_int(args, "cp", 1, 1024, &job->cp)) ||
        (cluster && (rc = gp_arg_int(args, "gpus-per-node", 1, 4096, &job->gpus_per_node))))
        return rc;
    if (gp_arg_set(args, "precision"))
        job->precision = gp_precision_parse(gp_arg_text(args, "precision", ""));
    if (gp_arg_set(args, "optimizer"))
        job->optimizer = (gp_optimizer)gp_optimizer_parse(gp_arg_text(args, "optimizer", ""));
    if (gp_arg_set(args, "recompute"))
        job->recompute = (gp_recompute)gp_recompute_parse(gp_arg_text(args, "recompute", ""));
    if (gp_arg_set(args, "zero"))
        job->zero = atoi(gp_arg_text(args, "zero", "1"));
    if (gp_arg_set(args, "fsdp")) {
        if (job->zero >= 0 && job->zero != 3)
            return gp_usage_error(cmd, "--fsdp is ZeRO stage 3; it contradicts --zero %d",
                                  job->zero);
        job->zero = 3;
    }
    if (gp_arg_set(args, "global-batch")) {
        job->global_batch_tokens = gp_arg(args, "global-batch")->number;
        if (!(job->global_batch_tokens >= 1) || job->global_batch_tokens > 1e12)
            return gp_usage_error(cmd, "--global-batch must lie between 1 and 1e12 tokens");
    }
    if (gp_arg_set(args, "mfu")) {
        job->mfu = gp_arg(args, "mfu")->number;
        if (!(job->mfu > 0))
            return gp_usage_error(cmd, "--mfu must be above 0");
    }
    if (gp_arg_set(args, "ep-overlap")) {
        job->ep_overlap = gp_arg(args, "ep-overlap")->number;
        if (!(job->ep_overlap >= 0 && job->ep_overlap <= 1))
            return gp_usage_error(cmd, "--ep-overlap must lie between 0 and 100%%");
    }
    if (gp_arg_set(args, "offload-optimizer"))
        job->offload_optimizer = 1;
    if (gp_arg_set(args, "goodput")) {
        job->goodput = gp_arg(args, "goodput")->number;
        if (!(job->goodput > 0))
            return gp_usage_error(cmd, "--goodput must be above 0");
    }
    if (cluster && gp_arg_set(args, "net-gbps")) {
        job->internode_gbps = gp_arg(args, "net-gbps")->number;
        if (!(job->internode_gbps > 0) || job->internode_gbps > 1e6)
            return gp_usage_error(cmd, "--net-gbps must lie between 0 and 1e6 Gb/s");
    }
    if (cluster && gp_arg_set(args, "days")) {
        job->target_days = gp_arg(args, "days")->number;
        if (!(job->target_days > 0) || job->target_days > 3650)
            return gp_usage_error(cmd, "--days must lie between 0 and 3650");
    }
    return 0;
}

void gp_cli_job_free(gp_cli_job *cj)
{
    gp_model_table_free(cj->models);
    gp_accel_table_free(cj->accels);
    cj->models = NULL;
    cj->accels = NULL;
}

json_t *gp_cli_memory_json(const gp_memory *m)
{
    json_t *mem = json_object();
    json_object_set_new(mem, "weights", json_real(m->weights_gb));
    json_object_set_new(mem, "gradients", json_real(m->gradients_gb));
    json_object_set_new(mem, "optimizer", json_real(m->optimizer_gb));
    json_object_set_new(mem, "activations", json_real(m->activations_gb));
    json_object_set_new(mem, "total", json_real(m->total_gb));
    json_object_set_new(mem, "capacity", json_real(m->capacity_gb));
    return mem;
}
