/* gpuplan models: the model presets and where their shapes come from. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "gpuplan/model.h"
#include "out.h"

static const gp_opt OPTS[] = {
    {"family", 0, OPT_STRING, 0, "NAME", NULL,
     "only this family, e.g. 'Llama 3' or pythia (case-insensitive)"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md",
     "output format: table (default), csv, json or md"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL,
     "do not shorten or drop columns to fit the terminal"},
};

static json_t *model_json(const gp_model *m)
{
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(m->name));
    json_object_set_new(j, "family", gp_json_str(m->family));
    json_object_set_new(j, "params_total", json_real(m->params_total));
    json_object_set_new(j, "params_active", json_real(m->params_active));
    json_object_set_new(j, "params_computed", json_boolean(m->derived & GP_DERIVED_PARAMS));
    json_object_set_new(j, "layers", json_integer(m->layers));
    json_object_set_new(j, "hidden", json_integer(m->hidden));
    json_object_set_new(j, "heads", json_integer(m->heads));
    json_object_set_new(j, "kv_heads", json_integer(m->kv_heads));
    json_object_set_new(j, "head_dim", json_integer(m->head_dim));
    json_object_set_new(j, "v_head_dim", json_integer(m->v_head_dim));
    json_object_set_new(j, "ffn", m->ffn ? json_integer(m->ffn) : json_null());
    json_object_set_new(j, "vocab", json_integer(m->vocab));
    json_object_set_new(j, "seq_len", json_integer(m->seq_len));
    json_object_set_new(j, "mlp", json_string(gp_mlp_name(m->mlp)));
    json_object_set_new(j, "tied_embeddings", json_boolean(m->tied_embeddings));
    json_object_set_new(j, "experts", json_integer(m->experts));
    json_object_set_new(j, "experts_active", json_integer(m->experts_active));
    json_object_set_new(j, "shared_experts", json_integer(m->shared_experts));
    json_object_set_new(j, "moe_ffn", m->moe_ffn ? json_integer(m->moe_ffn) : json_null());
    json_object_set_new(j, "dense_layers", json_integer(m->dense_layers));
    json_object_set_new(j, "tokens", gp_json_num(m->tokens));
    json_object_set_new(j, "source", gp_json_str(m->source));
    return j;
}

static void csv_out(const gp_model *const *ms, size_t n)
{
    fputs("name,family,params_total,params_active,layers,hidden,heads,kv_heads,"
          "ffn,vocab,seq_len,mlp,experts,experts_active,tokens,source\n",
          stdout);
    for (size_t i = 0; i < n; i++) {
        const gp_model *m = ms[i];
        gp_csv_cell(stdout, m->name, 1);
        gp_csv_cell(stdout, m->family, 0);
        gp_csv_num(stdout, m->params_total, 0);
        gp_csv_num(stdout, m->params_active, 0);
        gp_csv_num(stdout, m->layers, 0);
        gp_csv_num(stdout, m->hidden, 0);
        gp_csv_num(stdout, m->heads, 0);
        gp_csv_num(stdout, m->kv_heads, 0);
        gp_csv_num(stdout, m->ffn ? (double)m->ffn : NAN, 0);
        gp_csv_num(stdout, m->vocab, 0);
        gp_csv_num(stdout, m->seq_len, 0);
        gp_csv_cell(stdout, gp_mlp_name(m->mlp), 0);
        gp_csv_num(stdout, m->experts, 0);
        gp_csv_num(stdout, m->experts_active, 0);
        gp_csv_num(stdout, m->tokens, 0);
        gp_csv_cell(stdout, m->source, 0);
        gp_csv_end(stdout);
    }
}

static int table_out(const gp_model *const *ms, size_t n, gp_format fmt, int wide)
{
    const gp_col cols[] = {
        {"MODEL", 0, 0, 0, 0},     {"FAMILY", 0, 0, 0, 4},  {"PARAMS", 1, 0, 0, 0},
        {"ACTIVE", 1, 0, 0, 2},    {"LAYERS", 1, 0, 0, 0},  {"HIDDEN", 1, 0, 0, 0},
        {"HEADS", 1, 0, 0, 3},     {"FFN", 1, 0, 0, 3},     {"VOCAB", 1, 0, 0, 3},
        {"SEQ", 1, 0, 0, 1},       {"TOKENS", 1, 0, 0, 1},  {"SOURCE", 0, 40, 20, 5},
    };
    gp_table *t = gp_table_new(cols, sizeof(cols) / sizeof(cols[0]));
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < n; i++) {
        const gp_model *m = ms[i];
        char params[32], active[32], layers[16], hidden[16], heads[32], ffn[32],
            vocab[32], seq[16], tokens[32];
        gp_fmt_si(params, sizeof(params), m->params_total);
        if (m->derived & GP_DERIVED_PARAMS)
            strcat(params, "*");
        if (gp_model_is_moe(m))
            gp_fmt_si(active, sizeof(active), m->params_active);
        else
            snprintf(active, sizeof(active), "-");
        snprintf(layers, sizeof(layers), "%d", m->layers);
        snprintf(hidden, sizeof(hidden), "%d", m->hidden);
        if (m->kv_heads != m->heads)
            snprintf(heads, sizeof(heads), "%d/%d", m->heads, m->kv_heads);
        else
            snprintf(heads, sizeof(heads), "%d", m->heads);
        if (gp_model_is_moe(m))
            snprintf(ffn, sizeof(ffn), "%dx%d", m->experts, m->moe_ffn);
        else
            snprintf(ffn, sizeof(ffn), "%d", m->ffn);
        snprintf(vocab, sizeof(vocab), "%d", m->vocab);
        snprintf(seq, sizeof(seq), "%d", m->seq_len);
        gp_fmt_si(tokens, sizeof(tokens), m->tokens);
        const char *cells[] = {m->name, m->family, params, active, layers, hidden,
                               heads, ffn, vocab, seq, tokens, m->source};
        if (gp_table_add(t, cells) != 0) {
            gp_table_free(t);
            return GP_EXIT_FAIL;
        }
    }
    gp_table_show(t, fmt, wide);
    if (fmt != FMT_MD) {
        gp_note("HEADS: query/key-value heads where they differ. FFN: MLP width, or "
                "experts x expert width. TOKENS: published pretraining tokens. "
                "* parameter count computed from the shape.");
    }
    gp_table_free(t);
    return GP_EXIT_OK;
}

/* Family match ignoring case and spaces: "llama3" matches "Llama 3". */
static int family_matches(const char *family, const char *want)
{
    char a[64], b[64];
    size_t na = 0, nb = 0;
    for (const char *p = family; *p && na + 1 < sizeof(a); p++)
        if (*p != ' ' && *p != '-')
            a[na++] = *p;
    for (const char *p = want; *p && nb + 1 < sizeof(b); p++)
        if (*p != ' ' && *p != '-')
            b[nb++] = *p;
    a[na] = b[nb] = '\0';
    return strcasecmp(a, b) == 0;
}

static int run(const gp_cmd *cmd, gp_args *args)
{
    (void)cmd;
    gp_model_table *t = NULL;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_model_table_load_default(&t, &err);
    if (st != GP_OK)
        return gp_report("models", st, &err);
    size_t n = gp_model_table_count(t), m = 0;
    const gp_model *ms[256];
    const char *family = gp_arg_text(args, "family", NULL);
    for (size_t i = 0; i < n && m < 256; i++) {
        const gp_model *x = gp_model_table_at(t, i);
        if (family && !family_matches(x->family, family))
            continue;
        ms[m++] = x;
    }
    int rc = GP_EXIT_OK;
    if (family && m == 0) {
        rc = gp_usage_error("models", "no family '%s' (see 'gpuplan models')", family);
        gp_model_table_free(t);
        return rc;
    }
    gp_format fmt = (gp_format)gp_format_parse(gp_arg_text(args, "format", "table"));
    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < m; i++)
            json_array_append_new(arr, model_json(ms[i]));
        rc = gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (fmt == FMT_CSV) {
        csv_out(ms, m);
    } else {
        rc = table_out(ms, m, fmt, gp_arg_set(args, "wide"));
    }
    gp_model_table_free(t);
    return rc;
}

const gp_cmd gp_cmd_models = {
    "models",
    "List the model presets: published shapes and where they come from.",
    "models [OPTIONS]",
    "The architectures `gpuplan estimate --model` knows: parameters (total and "
    "active), layers, hidden size, heads, MLP width or experts, vocabulary, "
    "pretraining sequence length and published training tokens, each with the "
    "config or paper it comes from (data/models.csv).",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan models\n"
    "gpuplan models --family 'Llama 3.1'\n"
    "gpuplan models --format json",
    run,
};
