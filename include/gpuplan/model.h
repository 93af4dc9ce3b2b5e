/* gpuplan — model architectures: the presets of data/models.csv and models
 * described only by a parameter count.
 *
 * A gp_model_table owns every gp_model and string it hands out; they stay
 * valid until gp_model_table_free(). gp_model_derive() fills a caller-owned
 * gp_model whose strings are static. */
#ifndef GPUPLAN_MODEL_H
#define GPUPLAN_MODEL_H

#include <stddef.h>

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_mlp {
    GP_MLP_GELU = 0, /* two matrices, h -> ffn -> h (GPT, OPT, BLOOM, Pythia) */
    GP_MLP_SWIGLU,   /* three matrices: gate, up, down (Llama, Mistral, Qwen) */
    GP_MLP_GEGLU     /* three matrices with a GELU gate (Gemma) */
} gp_mlp;

/* Which shape values were derived by gpuplan rather than given. */
enum {
    GP_DERIVED_LAYERS = 1 << 0,
    GP_DERIVED_HIDDEN = 1 << 1,
    GP_DERIVED_HEADS = 1 << 2,
    GP_DERIVED_FFN = 1 << 3,
    GP_DERIVED_VOCAB = 1 << 4,
    GP_DERIVED_SEQ_LEN = 1 << 5,
    GP_DERIVED_PARAMS = 1 << 6,  /* parameter count computed from the shape */
    GP_DERIVED_EXPERTS = 1 << 7
};

typedef struct gp_model {
    const char *name;        /* "llama-2-7b"; "custom" for --params models */
    const char *family;      /* "Llama 2"; "" when unknown */
    double params_total;     /* every parameter, embeddings included */
    double params_active;    /* used per token (MoE); = params_total if dense */
    int layers;
    int hidden;
    int heads;
    int kv_heads;            /* = heads without grouped-query attention */
    int head_dim;            /* query/key width per head */
    int v_head_dim;          /* value width per head (= head_dim except MLA) */
    int ffn;                 /* dense MLP width */
    int vocab;
    int seq_len;             /* pretraining sequence length */
    gp_mlp mlp;
    int tied_embeddings;
    int experts;             /* 0 for dense models */
    int experts_active;      /* routed experts per token */
    int shared_experts;
    int moe_ffn;             /* width of one expert's MLP */
    int dense_layers;        /* leading layers with a dense MLP (MoE models) */
    double tokens;           /* published pretraining tokens; NAN unknown */
    const char *source;      /* where the shape comes from */
    unsigned derived;        /* GP_DERIVED_* flags */
} gp_model;

typedef struct gp_model_table gp_model_table;

/* Loads the compiled-in data/models.csv. */
gp_status gp_model_table_load_default(gp_model_table **out, gp_error *err);
/* Loads a models CSV (the columns of data/models.csv) from memory; `name`
 * is used in error messages ("file:line: ..."). */
gp_status gp_model_table_load_buffer(const char *name, const char *data,
                                     size_t len, gp_model_table **out,
                                     gp_error *err);
void gp_model_table_free(gp_model_table *table);
size_t gp_model_table_count(const gp_model_table *table);
const gp_model *gp_model_table_at(const gp_model_table *table, size_t i);

/* Finds a preset by name, ignoring case, spaces, '-', '_' and '.' placement
 * ("Llama 2 7B", "llama2-7b" and "LLAMA-2-7B" are the same). NULL when
 * unknown. */
const gp_model *gp_model_find(const gp_model_table *table, const char *name);

/* Counts parameters from the shape: embeddings (twice unless tied),
 * attention (q, k, v, o), MLP or experts with router, two norms per layer
 * and a final norm; biases are left out (under 0.1% for the presets).
 * Sets *active to the parameters one token uses. Multi-head latent
 * attention (DeepSeek-V3) is not modelled, so its presets carry the
 * published counts instead. */
double gp_model_count_params(const gp_model *m, double *active);

/* Whether the model routes tokens to experts. */
int gp_model_is_moe(const gp_model *m);

/* What a person knows about a model that is not a preset: a parameter count
 * and, optionally, some of the shape. Zero means "derive it". */
typedef struct gp_model_spec {
    double params;           /* required, > 0 */
    double active_params;    /* 0: dense (= params) */
    int layers, hidden, heads, seq_len, vocab;
} gp_model_spec;

/* Builds a Llama-style model (SwiGLU MLP of 8/3 x hidden rounded up to 256,
 * head width 128, no grouped-query attention) whose parameter count matches
 * spec->params: hidden = 128 x layers (the Llama 1-3 aspect ratio), vocab
 * 32000 and sequence length 4096 (Llama 2) unless given. An MoE spec
 * (active_params < params) gets 64 experts with as many active as the ratio
 * implies. `derived` says which values were derived. GP_ERANGE when the
 * numbers are impossible (e.g. layers x hidden alone exceed the count). */
gp_status gp_model_derive(const gp_model_spec *spec, gp_model *out,
                          gp_error *err);

/* "gelu", "swiglu", "geglu". */
const char *gp_mlp_name(gp_mlp mlp);

#ifdef __cplusplus
}
#endif
#endif
