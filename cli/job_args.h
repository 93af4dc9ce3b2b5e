/* The options that describe a training job (model, tokens, accelerator,
 * training setup), shared by `estimate` and the commands built on it. */
#ifndef GP_CLI_JOB_ARGS_H
#define GP_CLI_JOB_ARGS_H

#include "cmd.h"
#include "gpuplan/accel.h"
#include "gpuplan/job.h"
#include "gpuplan/model.h"

#include <jansson.h>

/* What the job is: the model and its training tokens. */
#define GP_JOB_MODEL_OPTIONS                                                  \
    {"active-params", 0, OPT_COUNT, 0, "N", NULL,                             \
     "with --params: parameters used per token (an MoE model), e.g. 13B"},    \
    {"chinchilla", 0, OPT_FLAG, 0, NULL, NULL,                                \
     "train on 20 tokens per parameter (Hoffmann et al. 2022)"},              \
    {"heads", 0, OPT_NUMBER, 0, "N", NULL, "with --params: attention heads"}, \
    {"hidden", 0, OPT_NUMBER, 0, "N", NULL, "with --params: hidden size"},    \
    {"layers", 0, OPT_NUMBER, 0, "N", NULL, "with --params: layers"},         \
    {"model", 'm', OPT_STRING, 0, "NAME", NULL,                               \
     "a preset (see `gpuplan models`), e.g. llama-3-8b"},                     \
    {"params", 0, OPT_COUNT, 0, "N", NULL,                                    \
     "a model that is not a preset: its parameter count, e.g. 7B; the shape " \
     "is derived and said so"},                                               \
    {"seq-len", 0, OPT_NUMBER, 0, "N", NULL,                                  \
     "training sequence length (default: the preset's, or 4096)"},            \
    {"tokens", 't', OPT_COUNT, 0, "N", NULL,                                  \
     "training tokens, e.g. 300B, 1.4T, 2e12 (default for a preset: its "     \
     "published count)"},                                                     \
    {"vocab", 0, OPT_NUMBER, 0, "N", NULL, "with --params: vocabulary size"}

/* Fine-tuning a pretrained model (docs/finetune.md). */
#define GP_JOB_FINETUNE_OPTIONS                                               \
    {"dataset-tokens", 0, OPT_COUNT, 0, "N", NULL,                            \
     "with --finetune: tokens in the dataset (times --epochs)"},              \
    {"download-gbps", 0, OPT_NUMBER, 0, "GBPS", NULL,                         \
     "with --finetune: GB/s the base weights download at (default 0.5)"},     \
    {"epochs", 0, OPT_NUMBER, 0, "N", NULL,                                   \
     "with --dataset-tokens: passes over the data (default 1)"},              \
    {"eval-tokens", 0, OPT_COUNT, 0, "N", NULL,                               \
     "with --finetune: held-out tokens evaluated each epoch (default none)"}, \
    {"finetune", 0, OPT_CHOICE, 0, "HOW", "full|lora|qlora",                  \
     "fine-tune the pretrained model: every weight (full), LoRA adapters on " \
     "a frozen 16-bit base, or QLoRA (4-bit NF4 base)"},                      \
    {"lora-alpha", 0, OPT_NUMBER, 0, "X", NULL,                               \
     "LoRA scaling alpha (default 16, the QLoRA paper's)"},                   \
    {"lora-rank", 0, OPT_NUMBER, 0, "R", NULL,                                \
     "LoRA rank (default 64, the QLoRA paper's)"},                            \
    {"lora-targets", 0, OPT_STRING, 0, "LIST", NULL,                          \
     "projections with adapters: q,k,v,o,gate,up,down (default all, as the "  \
     "QLoRA paper), or attention, mlp"},                                      \
    {"startup", 0, OPT_HOURS, 0, "TIME", NULL,                                \
     "with --finetune: instance start and image pull (default 10min, an "     \
     "assumption)"}

/* How it is trained. */
/* The cluster, for commands that do not take it from the offers. */
#define GP_JOB_CLUSTER_OPTIONS                                                \
    {"days", 0, OPT_NUMBER, 0, "D", NULL,                                     \
     "target wall-clock days for the recommended GPU count (default 30)"},    \
    {"gpus-per-node", 0, OPT_NUMBER, 0, "N", NULL,                            \
     "GPUs sharing one NVLink domain (default: the accelerator's, else 8)"},  \
    {"net-gbps", 0, OPT_NUMBER, 0, "GBPS", NULL,                              \
     "inter-node bandwidth per GPU in Gb/s (default: the accelerator's "      \
     "reference cluster)"}

#define GP_JOB_TRAIN_OPTIONS                                                  \
    {"cp", 0, OPT_NUMBER, 0, "N", NULL,                                       \
     "context-parallel size: the sequence split N ways (default: chosen "     \
     "for sequences of 32K tokens and more)"},                                \
    {"ep-overlap", 0, OPT_FRACTION, 0, "X", NULL,                             \
     "share of the MoE all-to-all hidden behind compute (default 0; 100% "    \
     "for DeepSeek's DualPipe)"},                                             \
    {"fsdp", 0, OPT_FLAG, 0, NULL, NULL, "fully sharded data parallel (= --zero 3)"}, \
    {"global-batch", 0, OPT_COUNT, 0, "TOKENS", NULL,                         \
     "tokens per optimizer step (default 4M, as Llama 1-3)"},                 \
    {"goodput", 0, OPT_FRACTION, 0, "X", NULL,                                \
     "share of wall time spent training, e.g. 90% (default: modelled)"},      \
    {"mfu", 0, OPT_FRACTION, 0, "X", NULL,                                    \
     "use this steady-state MFU instead of the utilisation model, e.g. 40%"}, \
    {"micro-batch", 0, OPT_NUMBER, 0, "N", NULL,                              \
     "sequences per micro-batch (default: chosen)"},                          \
    {"offload-optimizer", 0, OPT_FLAG, 0, NULL, NULL,                         \
     "optimizer state and step on the host CPU (ZeRO-Offload)"},              \
    {"optimizer", 0, OPT_CHOICE, 0, "OPT", "adamw|adamw-8bit|sgd",            \
     "optimizer: adamw (default; 16 bytes/parameter in mixed precision), "    \
     "adamw-8bit or sgd"},                                                    \
    {"pp", 0, OPT_NUMBER, 0, "N", NULL, "pipeline-parallel size (default: chosen)"}, \
    {"precision", 0, OPT_CHOICE, 0, "P", "bf16|fp8|fp16|fp32",                \
     "training precision (default bf16, else fp16)"},                         \
    {"recompute", 0, OPT_CHOICE, 0, "R", "auto|none|selective|full",          \
     "activation recomputation (default: chosen)"},                           \
    {"tp", 0, OPT_NUMBER, 0, "N", NULL, "tensor-parallel size (default: chosen)"}, \
    {"zero", 0, OPT_CHOICE, 0, "STAGE", "0|1|2|3",                            \
     "ZeRO stage (default: chosen from 1 and 3)"}

typedef struct gp_cli_job {
    gp_model_table *models;
    gp_accel_table *accels;
    gp_model custom;          /* the --params model */
    gp_job job;
    gp_model model_copy;      /* the preset, with --seq-len applied */
    char tokens_basis[160];   /* how the token count was chosen */
} gp_cli_job;

/* Reads the job options. `gpu_option` names the option holding the
 * accelerator (NULL: the caller sets job.accel itself); `cluster` says the
 * command has GP_JOB_CLUSTER_OPTIONS and --gpus. Prints the problem and
 * returns the exit code on failure; 0 on success. Free with
 * gp_cli_job_free even on failure. */
int gp_cli_job_parse(const gp_args *args, const char *gpu_option, int cluster,
                     gp_cli_job *out);
void gp_cli_job_free(gp_cli_job *cj);

/* Memory per GPU as JSON (GB): weights, gradients, optimizer, activations,
 * total, capacity; `estimate` and `plan` both print it. */
json_t *gp_cli_memory_json(const gp_memory *m);

#endif
