/* Model architectures: data/models.csv presets, parameter counting from a
 * shape, and Llama-style shapes derived from a parameter count. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "gpuplan/model.h"
#include "core/numparse.h"

struct gp_model_table {
    gp_arena arena;
    gp_model *models;
    size_t count, cap;
};

enum col {
    C_NAME, C_FAMILY, C_PARAMS, C_ACTIVE, C_LAYERS, C_HIDDEN, C_HEADS,
    C_KV_HEADS, C_HEAD_DIM, C_V_HEAD_DIM, C_FFN, C_VOCAB, C_SEQ, C_MLP, C_TIED,
    C_EXPERTS, C_EXPERTS_ACTIVE, C_SHARED, C_MOE_FFN, C_DENSE_LAYERS, C_TOKENS,
    C_SOURCE, C_COUNT
};

static const char *const COLUMNS[C_COUNT] = {
    "name", "family", "params_total", "params_active", "layers", "hidden",
    "heads", "kv_heads", "head_dim", "v_head_dim", "ffn", "vocab", "seq_len",
    "mlp", "tied_embeddings", "experts", "experts_active", "shared_experts",
    "moe_ffn", "dense_layers", "tokens", "source"};

/* Columns a row must fill. */
static const enum col REQUIRED[] = {C_NAME, C_LAYERS, C_HIDDEN, C_HEADS,
                                    C_VOCAB, C_SEQ, C_MLP, C_SOURCE};

typedef struct loader {
    gp_model_table *t;
    const char *file;
    int col[C_COUNT];
    int have_header;
} loader;

const char *gp_mlp_name(gp_mlp mlp)
{
    switch (mlp) {
    case GP_MLP_GELU: return "gelu";
    case GP_MLP_SWIGLU: return "swiglu";
    case GP_MLP_GEGLU: return "geglu";
    }
    return "?";
}

static int mlp_parse(const char *s, gp_mlp *out)
{
    static const gp_mlp all[] = {GP_MLP_GELU, GP_MLP_SWIGLU, GP_MLP_GEGLU};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (strcasecmp(s, gp_mlp_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}

static const char *field(const gp_csv_row *row, const loader *ld, enum col c)
{
    int i = ld->col[c];
    return (i >= 0 && (size_t)i < row->nfields) ? row->fields[i] : "";
}

/* A whole, non-negative number of at most 2^31; empty gives `dflt`. */
static gp_status integer(const gp_csv_row *row, const loader *ld, enum col c,
                         int dflt, int *out, gp_error *err)
{
    const char *text = field(row, ld, c);
    double v;
    if (gp_parse_plain_number(text, &v) != 0 || (!isnan(v) && (v < 0 || v > 2147483647.0 || v != floor(v))))
        return gp_fail(err, GP_EDATA, ld->file, row->line,
                       "%s is not a whole number: '%s'", COLUMNS[c], text);
    *out = isnan(v) ? dflt : (int)v;
    return GP_OK;
}

static gp_status count(const gp_csv_row *row, const loader *ld, enum col c,
                       double *out, gp_error *err)
{
    const char *text = field(row, ld, c);
    if (gp_parse_plain_number(text, out) != 0 || *out < 0)
        return gp_fail(err, GP_EDATA, ld->file, row->line,
                       "%s is not a count: '%s'", COLUMNS[c], text);
    return GP_OK;
}

/* Checks that a shape is usable: positive sizes, heads dividing evenly,
 * experts consistent. Returns a message or NULL. */
static const char *shape_problem(const gp_model *m)
{
    if (m->layers < 1 || m->hidden < 1 || m->heads < 1 || m->vocab < 1 ||
        m->seq_len < 1)
        return "layers, hidden, heads, vocab and seq_len must be positive";
    if (m->kv_heads < 1 || m->kv_heads > m->heads || m->heads % m->kv_heads)
        return "kv_heads must divide heads";
    if (m->head_dim < 1 || m->v_head_dim < 1)
        return "head_dim must be positive";
    if (m->experts > 0) {
        if (m->experts_active < 1 || m->experts_active > m->experts)
            return "experts_active must lie between 1 and experts";
        if (m->moe_ffn < 1)
            return "an MoE model needs moe_ffn";
        if (m->dense_layers >= m->layers)
            return "dense_layers must be fewer than layers";
        if (m->dense_layers > 0 && m->ffn < 1)
            return "dense layers need ffn";
    } else if (m->ffn < 1) {
        return "a dense model needs ffn";
    }
    return NULL;
}

static gp_status on_row(const gp_csv_row *row, void *ctx, gp_error *err)
{
    loader *ld = ctx;
    if (!ld->have_header) {
        for (int c = 0; c < C_COUNT; c++)
            ld->col[c] = gp_csv_column(row, COLUMNS[c]);
        for (size_t i = 0; i < sizeof(REQUIRED) / sizeof(REQUIRED[0]); i++)
            if (ld->col[REQUIRED[i]] < 0)
                return gp_fail(err, GP_EDATA, ld->file, row->line,
                               "missing column %s", COLUMNS[REQUIRED[i]]);
        ld->have_header = 1;
        return GP_OK;
    }
    for (size_t i = 0; i < sizeof(REQUIRED) / sizeof(REQUIRED[0]); i++)
        if (!*field(row, ld, REQUIRED[i]))
            return gp_fail(err, GP_EDATA, ld->file, row->line, "empty %s",
                           COLUMNS[REQUIRED[i]]);
    gp_model_table *t = ld->t;
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        gp_model *p = realloc(t->models, cap * sizeof(*p));
        if (!p)
            return gp_fail(err, GP_ENOMEM, ld->file, row->line, "out of memory");
        t->models = p;
        t->cap = cap;
    }
    gp_model m = {0};
    m.name = gp_arena_strdup(&t->arena, field(row, ld, C_NAME));
    m.family = gp_arena_strdup(&t->arena, field(row, ld, C_FAMILY));
    m.source = gp_arena_strdup(&t->arena, field(row, ld, C_SOURCE));
    if (!m.name || !m.family || !m.source)
        return gp_fail(err, GP_ENOMEM, ld->file, row->line, "out of memory");
    if (gp_model_find(t, m.name))
        return gp_fail(err, GP_EDATA, ld->file, row->line,
                       "model '%s' is listed twice", m.name);
    if (mlp_parse(field(row, ld, C_MLP), &m.mlp) != 0)
        return gp_fail(err, GP_EDATA, ld->file, row->line,
                       "mlp must be gelu, swiglu or geglu, not '%s'",
                       field(row, ld, C_MLP));
    gp_status st = count(row, ld, C_PARAMS, &m.params_total, err);
    if (st == GP_OK) st = count(row, ld, C_ACTIVE, &m.params_active, err);
    if (st == GP_OK) st = count(row, ld, C_TOKENS, &m.tokens, err);
    if (st == GP_OK) st = integer(row, ld, C_LAYERS, 0, &m.layers, err);
    if (st == GP_OK) st = integer(row, ld, C_HIDDEN, 0, &m.hidden, err);
    if (st == GP_OK) st = integer(row, ld, C_HEADS, 0, &m.heads, err);
    if (st == GP_OK) st = integer(row, ld, C_KV_HEADS, m.heads, &m.kv_heads, err);
    if (st == GP_OK)
        st = integer(row, ld, C_HEAD_DIM, m.heads ? m.hidden / m.heads : 0,
                     &m.head_dim, err);
    if (st == GP_OK) st = integer(row, ld, C_V_HEAD_DIM, m.head_dim, &m.v_head_dim, err);
    if (st == GP_OK) st = integer(row, ld, C_FFN, 0, &m.ffn, err);
    if (st == GP_OK) st = integer(row, ld, C_VOCAB, 0, &m.vocab, err);
    if (st == GP_OK) st = integer(row, ld, C_SEQ, 0, &m.seq_len, err);
    if (st == GP_OK) st = integer(row, ld, C_TIED, 0, &m.tied_embeddings, err);
    if (st == GP_OK) st = integer(row, ld, C_EXPERTS, 0, &m.experts, err);
    if (st == GP_OK) st = integer(row, ld, C_EXPERTS_ACTIVE, 0, &m.experts_active, err);
    if (st == GP_OK) st = integer(row, ld, C_SHARED, 0, &m.shared_experts, err);
    if (st == GP_OK) st = integer(row, ld, C_MOE_FFN, 0, &m.moe_ffn, err);
    if (st == GP_OK) st = integer(row, ld, C_DENSE_LAYERS, 0, &m.dense_layers, err);
    if (st != GP_OK)
        return st;
    const char *problem = shape_problem(&m);
    if (problem)
        return gp_fail(err, GP_EDATA, ld->file, row->line, "%s: %s", m.name,
                       problem);
    double active = NAN;
    double counted = gp_model_count_params(&m, &active);
    if (isnan(m.params_total) || m.params_total <= 0) {
        m.params_total = counted;
        m.params_active = active;
        m.derived |= GP_DERIVED_PARAMS;
    } else if (isnan(m.params_active) || m.params_active <= 0) {
        /* A dense preset, or an MoE preset giving only its total: scale the
         * counted active share to the published total. */
        m.params_active = m.params_total * (active / counted);
    }
    if (m.params_active > m.params_total)
        return gp_fail(err, GP_EDATA, ld->file, row->line,
                       "%s: params_active exceeds params_total", m.name);
    /* A published count may differ from the shape's by biases or an
     * attention variant the counter does not know, not by a factor of 2. */
    if (!(m.params_total >= 0.5 * counted && m.params_total <= 2 * counted) ||
        !(m.params_active >= 0.5 * active && m.params_active <= 2 * active))
        return gp_fail(err, GP_EDATA, ld->file, row->line,
                       "%s: params_total/params_active (%.4g/%.4g) disagree with the "
                       "shape (%.4g/%.4g)", m.name, m.params_total, m.params_active,
                       counted, active);
    t->models[t->count++] = m;
    return GP_OK;
}

gp_status gp_model_table_load_buffer(const char *name, const char *data,
                                     size_t len, gp_model_table **out,
                                     gp_error *err)
{
    *out = NULL;
    gp_model_table *t = calloc(1, sizeof(*t));
    if (!t)
        return gp_fail(err, GP_ENOMEM, name, 0, "out of memory");
    gp_arena_init(&t->arena);
    loader ld = {.t = t, .file = name};
    gp_status st = gp_csv_parse(name, data ? data : "", data ? len : 0, on_row,
                                &ld, err);
    if (st == GP_OK && !ld.have_header)
        st = gp_fail(err, GP_EDATA, name, 1, "empty file: no header");
    if (st != GP_OK) {
        gp_model_table_free(t);
        return st;
    }
    *out = t;
    return GP_OK;
}

gp_status gp_model_table_load_default(gp_model_table **out, gp_error *err)
{
    const gp_embedded_file *f = gp_embedded_find("models.csv");
    if (!f)
        return gp_fail(err, GP_EIO, "models.csv", 0,
                       "not compiled into this build");
    return gp_model_table_load_buffer("embedded:models.csv", f->data, f->len,
                                      out, err);
}

void gp_model_table_free(gp_model_table *t)
{
    if (!t)
        return;
    gp_arena_free(&t->arena);
    free(t->models);
    free(t);
}

size_t gp_model_table_count(const gp_model_table *t)
{
    return t ? t->count : 0;
}

const gp_model *gp_model_table_at(const gp_model_table *t, size_t i)
{
    return (t && i < t->count) ? &t->models[i] : NULL;
}

/* Lower-case letters and digits; '.' kept between digits ("3.1"). */
static void squash(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; s[i] && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c))
            out[n++] = (char)tolower(c);
        else if (c == '.' && i > 0 && isdigit((unsigned char)s[i - 1]) &&
                 isdigit((unsigned char)s[i + 1]))
            out[n++] = '.';
    }
    out[n] = '\0';
}

const gp_model *gp_model_find(const gp_model_table *t, const char *name)
{
    if (!t || !name)
        return NULL;
    char want[128], have[128];
    squash(name, want, sizeof(want));
    if (!want[0])
        return NULL;
    for (size_t i = 0; i < t->count; i++) {
        squash(t->models[i].name, have, sizeof(have));
        if (strcmp(want, have) == 0)
            return &t->models[i];
    }
    return NULL;
}

int gp_model_is_moe(const gp_model *m)
{
    return m && m->experts > 0;
}

double gp_model_count_params(const gp_model *m, double *active)
{
    double h = m->hidden, heads = m->heads, kv = m->kv_heads;
    double dqk = m->head_dim, dv = m->v_head_dim;
    double mats = m->mlp == GP_MLP_GELU ? 2.0 : 3.0;
    double attn = h * heads * dqk + h * kv * (dqk + dv) + heads * dv * h;
    double norms = 2.0 * h;
    double emb = (double)m->vocab * h * (m->tied_embeddings ? 1.0 : 2.0);
    double moe_layers = m->experts > 0 ? m->layers - m->dense_layers : 0;
    double dense_layers = m->layers - moe_layers;
    double dense_mlp = mats * h * m->ffn;
    double expert = mats * h * m->moe_ffn;
    double router = h * m->experts;
    double moe_all = (m->experts + m->shared_experts) * expert + router;
    double moe_used = (m->experts_active + m->shared_experts) * expert + router;
    double base = emb + h + dense_layers * (attn + dense_mlp + norms) +
                  moe_layers * (attn + norms);
    if (active)
        *active = base + moe_layers * moe_used;
    return base + moe_layers * moe_all;
}

/* ---- shapes from a parameter count ------------------------------------
 *
 * data/model-shapes.csv lists published dense configurations (Pythia,
 * Llama 2/3/3.1/3.2, Qwen2.5, GPT-3, PaLM, Megatron 1T), each with its
 * source. A count between two of them gets a hidden size interpolated in
 * log-log space (the families' depth/width aspect), rounded the way real
 * shapes are: a multiple of 128 below 1,024, of 256 below 2,048, of 1,024
 * above; head width 128 (64 below hidden 2,048, as Pythia and Llama 3.2
 * 1B); 8 KV heads (grouped-query attention, Llama 3) when the heads divide
 * by 8; a SwiGLU MLP whose width is the median ffn/hidden of the table's
 * SwiGLU rows; and as many layers as the count then holds. */

enum { SHAPES_MAX = 64 };

/* The median expert width over hidden size of the published MoE configs
 * in data/models.csv (listed where it is used). */
#define MOE_EXPERT_WIDTH_RATIO 0.69
/* The median MoE hidden size over the hidden size derived for a dense
 * model of the same active count, over the same presets. */
#define MOE_HIDDEN_RATIO 0.75

typedef struct shape_row {
    double params, hidden, ffn_ratio;
    int swiglu;
} shape_row;

typedef struct shape_table {
    shape_row r[SHAPES_MAX];
    int n, col[5], have_header;
} shape_table;

static gp_status shape_row_cb(const gp_csv_row *row, void *ctx, gp_error *err)
{
    static const char *const names[5] = {"params", "hidden", "ffn", "mlp", "source"};
    shape_table *t = ctx;
    if (!t->have_header) {
        for (int i = 0; i < 5; i++)
            if ((t->col[i] = gp_csv_column(row, names[i])) < 0)
                return gp_fail(err, GP_EDATA, "model-shapes.csv", row->line,
                               "missing column %s", names[i]);
        t->have_header = 1;
        return GP_OK;
    }
    if (t->n >= SHAPES_MAX)
        return GP_OK;
    double v[3];
    for (int i = 0; i < 3; i++) {
        int c = t->col[i];
        const char *text = (size_t)c < row->nfields ? row->fields[c] : "";
        if (gp_parse_plain_number(text, &v[i]) != 0 || !(v[i] > 0))
            return gp_fail(err, GP_EDATA, "model-shapes.csv", row->line,
                           "%s is not a positive number: '%s'", names[i], text);
    }
    int c = t->col[3];
    shape_row *r = &t->r[t->n++];
    r->params = v[0];
    r->hidden = v[1];
    r->ffn_ratio = v[2] / v[1];
    r->swiglu = (size_t)c < row->nfields && strcasecmp(row->fields[c], "gelu") != 0;
    if (t->n > 1 && !(r->params > t->r[t->n - 2].params))
        return gp_fail(err, GP_EDATA, "model-shapes.csv", row->line,
                       "rows must be sorted by params");
    return GP_OK;
}

static gp_status load_shapes(shape_table *t, gp_error *err)
{
    memset(t, 0, sizeof(*t));
    const gp_embedded_file *f = gp_embedded_find("model-shapes.csv");
    if (!f)
        return gp_fail(err, GP_EIO, "model-shapes.csv", 0, "not compiled into this build");
    gp_status st = gp_csv_parse("embedded:model-shapes.csv", f->data, f->len,
                                shape_row_cb, t, err);
    if (st == GP_OK && t->n < 2)
        st = gp_fail(err, GP_EDATA, "model-shapes.csv", 0, "needs two rows or more");
    return st;
}

/* Hidden size for n parameters: piecewise linear in log-log between the
 * table's rows, the end segments extended. */
static double table_hidden(const shape_table *t, double n)
{
    int i = 0;
    while (i < t->n - 2 && n > t->r[i + 1].params)
        i++;
    double x0 = log(t->r[i].params), x1 = log(t->r[i + 1].params);
    double y0 = log(t->r[i].hidden), y1 = log(t->r[i + 1].hidden);
    return exp(y0 + (y1 - y0) * (log(n) - x0) / (x1 - x0));
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double table_ffn_ratio(const shape_table *t)
{
    double v[SHAPES_MAX];
    int n = 0;
    for (int i = 0; i < t->n; i++)
        if (t->r[i].swiglu)
            v[n++] = t->r[i].ffn_ratio;
    if (n == 0)
        return 8.0 / 3.0;
    qsort(v, (size_t)n, sizeof(v[0]), cmp_dbl);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Real hidden sizes: multiples of 128, 256 or 1,024 by size. */
static int round_hidden(double h)
{
    int step = h < 1024 ? 128 : h < 2048 ? 256 : 1024;
    double r = floor(h / step + 0.5) * step;
    return r < 128 ? 128 : (int)r;
}

/* Parameters of one dense SwiGLU layer with these widths. */
static double layer_params(double h, int heads, int kv, int hd, int ffn)
{
    return 2.0 * h * heads * hd + 2.0 * h * kv * hd + 3.0 * h * ffn + 2.0 * h;
}

gp_status gp_model_derive(const gp_model_spec *spec, gp_model *out,
                          gp_error *err)
{
    memset(out, 0, sizeof(*out));
    double n = spec->params;
    double act = spec->active_params > 0 ? spec->active_params : n;
    if (!(n > 0) || !isfinite(n) || !isfinite(act))
        return gp_fail(err, GP_ERANGE, "", 0, "the parameter count must be positive");
    if (act > n)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "active parameters (%.4g) exceed the total (%.4g)", act, n);
    shape_table shapes;
    gp_status st = load_shapes(&shapes, err);
    if (st != GP_OK)
        return st;
    gp_model *m = out;
    m->name = "custom";
    m->family = "";
    m->source = "derived from the parameter count (data/model-shapes.csv)";
    m->params_total = n;
    m->params_active = act;
    m->tokens = NAN;
    m->mlp = GP_MLP_SWIGLU;
    m->vocab = spec->vocab > 0 ? spec->vocab : 32000;
    m->seq_len = spec->seq_len > 0 ? spec->seq_len : 4096;
    if (spec->vocab <= 0) m->derived |= GP_DERIVED_VOCAB;
    if (spec->seq_len <= 0) m->derived |= GP_DERIVED_SEQ_LEN;
    double v = m->vocab;
    double ratio = table_ffn_ratio(&shapes);
    /* The dense-equivalent size sets the shape: for an MoE model, the
     * parameters one token uses (Mixtral 8x7B has Mistral 7B's width). */
    double shape_n = act;
    if (spec->hidden > 0) {
        m->hidden = spec->hidden;
    } else if (spec->layers > 0) {
        /* The width whose L layers (queries and output h x h each, 8 KV
         * heads of 128, the SwiGLU MLP) and embeddings hold the count, by
         * bisection; then rounded to a multiple of 256 (the depth is the
         * user's, so the width is fitted finely). */
        double L = spec->layers, lo = 64, hi = 1e6;
        for (int i = 0; i < 100; i++) {
            double mid = 0.5 * (lo + hi);
            double f = L * (2.0 * mid * mid + 2.0 * mid * 1024.0 + 3.0 * ratio * mid * mid) +
                       2.0 * v * mid;
            if (f < shape_n)
                lo = mid;
            else
                hi = mid;
        }
        double step = lo < 1024 ? 128 : 256;
        double hr = floor(lo / step + 0.5) * step;
        m->hidden = hr < 128 ? 128 : (int)hr;
        m->derived |= GP_DERIVED_HIDDEN;
    } else {
        /* MoE models are narrower than a dense model of their active
         * count: the MoE presets in data/models.csv have 0.67-1.0 of that
         * width (Qwen1.5-MoE, Qwen3-30B-A3B and 235B-A22B 0.67, Qwen2-57B
         * 0.70, Mixtral 8x7B 0.80, 8x22B 0.86, DeepSeek-V3 and Llama 4
         * 1.0): the median, 0.75. */
        double dense_h = table_hidden(&shapes, shape_n);
        m->hidden = round_hidden(act < n ? MOE_HIDDEN_RATIO * dense_h : dense_h);
        m->derived |= GP_DERIVED_HIDDEN;
    }
    double h = m->hidden;
    if (spec->heads > 0) {
        if (m->hidden % spec->heads)
            return gp_fail(err, GP_ERANGE, "", 0,
                           "%d heads do not divide hidden size %d", spec->heads,
                           m->hidden);
        m->heads = spec->heads;
        m->kv_heads = m->heads;
    } else {
        int hd = m->hidden >= 2048 ? 128 : 64;
        m->heads = m->hidden % hd == 0 ? m->hidden / hd : 1;
        /* Grouped-query attention with 8 KV heads (Llama 3, Mistral,
         * Qwen2.5), or the largest divisor of the heads below 8; below
         * hidden 2,048 (Pythia-sized) one KV head per query head. */
        m->kv_heads = m->heads;
        if (m->hidden >= 2048) {
            m->kv_heads = 8;
            while (m->heads % m->kv_heads)
                m->kv_heads--;
        }
        m->derived |= GP_DERIVED_HEADS;
    }
    m->head_dim = m->v_head_dim = m->hidden / m->heads;
    m->ffn = (int)(ceil(ratio * h / 256.0) * 256.0);
    m->derived |= GP_DERIVED_FFN;
    double per_layer = layer_params(h, m->heads, m->kv_heads, m->head_dim, m->ffn);
    double body = shape_n - 2.0 * v * h - h;
    if (!(body > 0))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "%.4g parameters cannot hold the embeddings alone "
                       "(2 x vocab %d x hidden %d)", shape_n, m->vocab, m->hidden);
    if (spec->layers > 0) {
        m->layers = spec->layers;
    } else {
        double L = floor(body / per_layer + 0.5);
        m->layers = L < 1 ? 1 : (int)L;
        m->derived |= GP_DERIVED_LAYERS;
    }
    if (m->layers * per_layer > 1.5 * body + per_layer)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "%d layers of hidden size %d need about %.3g parameters, "
                       "far more than %.4g", m->layers, m->hidden,
                       m->layers * per_layer + 2.0 * v * h, shape_n);
    if (act < n) {
        /* Attention and embeddings are shared; the rest of the total is
         * experts, of which the active share runs per token. */
        double L = m->layers;
        double attn = per_layer - 3.0 * h * m->ffn;
        double shared = 2.0 * v * h + h + L * attn;
        double expert_all = (n - shared) / L;
        double expert_used = (act - shared) / L;
        if (!(expert_used > 0) || !(expert_all > expert_used))
            return gp_fail(err, GP_ERANGE, "", 0,
                           "cannot split %.4g active of %.4g parameters into "
                           "attention and experts", act, n);
        /* Experts as published MoE models cut them: each expert's width
         * is the median expert-width / hidden ratio of the MoE presets in
         * data/models.csv (DeepSeek-V3 0.29, Qwen3-30B-A3B and 235B-A22B
         * 0.375, Qwen1.5-MoE-A2.7B 0.69, Qwen2-57B-A14B 0.71, Llama 4 1.6,
         * Mixtral 3.5: 0.69), as many routed per token as the active share
         * then holds, and the experts in the total. */
        double f0 = floor(MOE_EXPERT_WIDTH_RATIO * h / 128.0 + 0.5) * 128.0;
        if (f0 < 128)
            f0 = 128;
        double k = floor(expert_used / (3.0 * h * f0) + 0.5);
        if (k < 1)
            k = 1;
        /* ... rounded to a power of two (8 to 256 in the presets; expert
         * parallelism splits them evenly), the routed count refitted. */
        double e_count = exp2(floor(log2(k * expert_all / expert_used) + 0.5));
        if (e_count < 2)
            e_count = 2;
        if (e_count > 1024)
            e_count = 1024;
        k = floor(e_count * expert_used / expert_all + 0.5);
        if (k < 1)
            k = 1;
        if (k >= e_count)
            k = e_count - 1;
        m->experts = (int)e_count;
        m->experts_active = (int)k;
        double f = expert_used / (3.0 * h * m->experts_active);
        m->moe_ffn = f < 1 ? 1 : (int)floor(f + 0.5);
        m->derived |= GP_DERIVED_EXPERTS;
    }
    const char *problem = shape_problem(m);
    if (problem)
        return gp_fail(err, GP_ERANGE, "", 0, "%s", problem);
    return GP_OK;
}
