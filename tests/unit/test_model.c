/* Model presets, parameter counting and shape derivation. */
#include "test_util.h"

#include "gpuplan/model.h"

static gp_model_table *presets(void)
{
    gp_model_table *t = NULL;
    gp_error err;
    assert_int_equal(gp_model_table_load_default(&t, &err), GP_OK);
    return t;
}

static void required_presets(void **state)
{
    (void)state;
    gp_model_table *t = presets();
    static const char *const NAMES[] = {
        "llama-7b", "llama-13b", "llama-33b", "llama-65b", "llama-2-7b",
        "llama-2-13b", "llama-2-70b", "llama-3-8b", "llama-3-70b", "llama-3.1-8b",
        "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b",
        "mistral-7b", "mixtral-8x7b", "mixtral-8x22b", "qwen2.5-7b", "qwen2.5-72b",
        "gemma-2-9b", "gemma-2-27b", "deepseek-v3", "gpt-3-175b", "falcon-7b",
        "falcon-40b", "falcon-180b", "pythia-70m", "pythia-160m", "pythia-410m",
        "pythia-1b", "pythia-1.4b", "pythia-2.8b", "pythia-6.9b", "pythia-12b",
        "olmo-2-7b", "olmo-2-13b"};
    for (size_t i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++) {
        const gp_model *m = gp_model_find(t, NAMES[i]);
        if (!m)
            fail_msg("preset %s missing", NAMES[i]);
        assert_true(strlen(m->source) > 20);
        assert_true(m->params_active <= m->params_total);
    }
    gp_model_table_free(t);
}

/* The shapes must reproduce the published parameter counts: a mistyped
 * layer count or width shows up here. Multi-head latent attention
 * (DeepSeek-V3) is not modelled by the counter, so it is skipped. */
static void shapes_match_published_counts(void **state)
{
    (void)state;
    gp_model_table *t = presets();
    size_t checked = 0;
    for (size_t i = 0; i < gp_model_table_count(t); i++) {
        const gp_model *m = gp_model_table_at(t, i);
        if ((m->derived & GP_DERIVED_PARAMS) || m->v_head_dim != m->head_dim)
            continue;
        double active;
        double counted = gp_model_count_params(m, &active);
        if (fabs(counted / m->params_total - 1) > 0.02)
            fail_msg("%s: shape gives %.6g parameters, published %.6g", m->name, counted,
                     m->params_total);
        checked++;
    }
    assert_true(checked >= 25);
    gp_model_table_free(t);
}

static void counts_by_hand(void **state)
{
    (void)state;
    gp_model_table *t = presets();
    /* Llama 2 7B: 2 x 32000 x 4096 embeddings + 32 x (4 x 4096^2 attention
     * + 3 x 4096 x 11008 MLP + 2 x 4096 norms) + 4096 = 6,738,415,616. */
    double active;
    assert_true(gp_model_count_params(gp_model_find(t, "llama-2-7b"), &active) ==
                6738415616.0);
    assert_true(active == 6738415616.0);
    /* Mixtral 8x7B: 32 layers of attention 4096 x (4096 + 2 x 1024 + 4096)
     * = 41,943,040, 8 experts of 3 x 4096 x 14336 = 176,160,768 each, a
     * 4096 x 8 router and 2 x 4096 norms, plus 2 x 32000 x 4096 + 4096. */
    const gp_model *mx = gp_model_find(t, "mixtral-8x7b");
    double layer_all = 41943040.0 + 8 * 176160768.0 + 32768 + 8192;
    double layer_used = 41943040.0 + 2 * 176160768.0 + 32768 + 8192;
    double emb = 2.0 * 32000 * 4096 + 4096;
    assert_true(gp_model_count_params(mx, &active) == emb + 32 * layer_all);
    assert_true(active == emb + 32 * layer_used);
    assert_true(mx->params_total == emb + 32 * layer_all); /* computed preset */
    assert_true(gp_model_is_moe(mx) && !gp_model_is_moe(gp_model_find(t, "llama-2-7b")));
    gp_model_table_free(t);
}

static void find_ignores_spelling(void **state)
{
    (void)state;
    gp_model_table *t = presets();
    const gp_model *m = gp_model_find(t, "llama-2-7b");
    assert_ptr_equal(gp_model_find(t, "Llama 2 7B"), m);
    assert_ptr_equal(gp_model_find(t, "LLAMA2-7B"), m);
    assert_ptr_equal(gp_model_find(t, "llama_2_7b"), m);
    assert_ptr_not_equal(gp_model_find(t, "llama-3.1-8b"), gp_model_find(t, "llama-3-8b"));
    assert_ptr_equal(gp_model_find(t, "Llama 3.1 8B"), gp_model_find(t, "llama-3.1-8b"));
    assert_null(gp_model_find(t, "llama-2-7"));
    assert_null(gp_model_find(t, ""));
    assert_null(gp_model_find(t, "---"));
    gp_model_table_free(t);
}

static void derive_dense(void **state)
{
    (void)state;
    gp_model m;
    gp_error err;
    gp_model_spec spec = {.params = 7e9};
    assert_int_equal(gp_model_derive(&spec, &m, &err), GP_OK);
    /* data/model-shapes.csv: 7e9 lies between Llama 3.2 3B (3,072) and
     * Llama 3 8B (4,096); log-log interpolation gives ~3,900, which rounds
     * to 4,096 (multiples of 1,024 from 2,048 up); heads of 128: 32, with
     * 8 KV heads; the median SwiGLU ffn/hidden of the table is 3.5 (Llama 3
     * 8B and 70B), so ffn 14,336; layers = (7e9 - 2 x 32000 x 4096 - 4096)
     * / 218.1M per layer = 30.9 -> 31. */
    assert_int_equal(m.hidden, 4096);
    assert_int_equal(m.layers, 31);
    assert_int_equal(m.heads, 32);
    assert_int_equal(m.kv_heads, 8);
    assert_int_equal(m.ffn, 14336);
    assert_true(m.params_total == 7e9 && m.params_active == 7e9);
    assert_true(m.derived & GP_DERIVED_HIDDEN);
    assert_true(m.derived & GP_DERIVED_VOCAB);
    double counted = gp_model_count_params(&m, NULL);
    assert_close(counted, 7e9, 0.05);

    gp_model_spec given = {.params = 7e9, .layers = 40, .seq_len = 2048, .vocab = 50000};
    assert_int_equal(gp_model_derive(&given, &m, &err), GP_OK);
    assert_int_equal(m.layers, 40);
    assert_int_equal(m.seq_len, 2048);
    assert_false(m.derived & GP_DERIVED_LAYERS);
    assert_close(gp_model_count_params(&m, NULL), 7e9, 0.05);
}

/* Issue 10, fix 1: --params 405B once gave 127 heads (prime), so no
 * tensor parallelism was possible. Llama 3.1 405B (huggingface.co/
 * meta-llama/Llama-3.1-405B config.json; arXiv:2407.21783 Table 3) is
 * 126 layers x 16,384 with 128 heads and 8 KV heads: the derived shape
 * must have its width, heads and KV heads, and a depth within 10%. */
static void derive_published_widths(void **state)
{
    (void)state;
    gp_model m;
    gp_error err;
    gp_model_spec l405 = {.params = 405e9};
    assert_int_equal(gp_model_derive(&l405, &m, &err), GP_OK);
    assert_int_equal(m.hidden, 16384);
    assert_int_equal(m.heads, 128);
    assert_int_equal(m.kv_heads, 8);
    assert_int_equal(m.head_dim, 128);
    assert_true(m.layers >= 113 && m.layers <= 139);
    /* Every derived size from 1B up has heads that TP 8 divides. */
    for (double n = 2e9; n < 2e12; n *= 1.37) {
        gp_model_spec s = {.params = n};
        assert_int_equal(gp_model_derive(&s, &m, &err), GP_OK);
        assert_int_equal(m.hidden % 1024, 0);
        assert_int_equal(m.heads % 8, 0);
        assert_close(gp_model_count_params(&m, NULL), n, 0.15);
    }
}

static void derive_moe(void **state)
{
    (void)state;
    gp_model m;
    gp_error err;
    gp_model_spec spec = {.params = 47e9, .active_params = 13e9};
    assert_int_equal(gp_model_derive(&spec, &m, &err), GP_OK);
    assert_true(gp_model_is_moe(&m));
    assert_true(m.experts_active < m.experts);
    double active;
    double total = gp_model_count_params(&m, &active);
    assert_close(total, 47e9, 0.08);
    assert_close(active, 13e9, 0.08);
    /* Derived MoE shapes follow the published ones: Qwen3-30B-A3B and
     * Qwen3-235B-A22B (config.json: hidden 2,048 and 4,096, 128 experts)
     * from their counts alone get their hidden sizes, power-of-two expert
     * counts and experts narrower than the hidden size (0.69 of it). */
    static const struct { double n, act; int hidden; } Q[] = {
        {30.5e9, 3.3e9, 2048}, {235e9, 22e9, 4096}};
    for (size_t i = 0; i < 2; i++) {
        gp_model_spec q = {.params = Q[i].n, .active_params = Q[i].act};
        assert_int_equal(gp_model_derive(&q, &m, &err), GP_OK);
        assert_int_equal(m.hidden, Q[i].hidden);
        assert_int_equal(m.experts & (m.experts - 1), 0);
        assert_true(m.experts >= 32 && m.moe_ffn < m.hidden);
        total = gp_model_count_params(&m, &active);
        assert_close(total, Q[i].n, 0.08);
        assert_close(active, Q[i].act, 0.08);
    }
}

/* MoE presets with their real expert counts and widths (issue 10, fix 4):
 * the counts computed from each shape reproduce the published totals and
 * active counts within 2%: Qwen1.5-MoE-A2.7B 14.3B / 2.7B (model card),
 * Qwen2-57B-A14B 57B / 14B (model card), Qwen3-30B-A3B 30.5B / 3.3B and
 * Qwen3-235B-A22B 235B / 22B (Qwen3 report arXiv:2505.09388 Table 2),
 * Llama 4 Scout 109B / 17B and Maverick 400B / 17B (Llama 4 model card),
 * Mixtral 8x7B 46.7B / 12.9B (arXiv:2401.04088). */
static void moe_presets_match_published(void **state)
{
    (void)state;
    gp_model_table *t = presets();
    static const struct {
        const char *name;
        double total, active;
        int experts, active_experts;
    } W[] = {
        {"qwen1.5-moe-a2.7b", 14.3e9, 2.7e9, 60, 4},
        {"qwen2-57b-a14b", 57.0e9, 14.2e9, 64, 8},
        {"qwen3-30b-a3b", 30.5e9, 3.3e9, 128, 8},
        {"qwen3-235b-a22b", 235e9, 22e9, 128, 8},
        {"llama-4-scout", 109e9, 17e9, 16, 1},
        {"llama-4-maverick", 400e9, 17e9, 128, 1},
        {"mixtral-8x7b", 46.7e9, 12.9e9, 8, 2},
        {"deepseek-v3", 671e9, 37e9, 256, 8},
    };
    for (size_t i = 0; i < sizeof(W) / sizeof(W[0]); i++) {
        const gp_model *m = gp_model_find(t, W[i].name);
        if (!m)
            fail_msg("preset %s missing", W[i].name);
        if (fabs(m->params_total / W[i].total - 1) > 0.02 ||
            fabs(m->params_active / W[i].active - 1) > 0.02)
            fail_msg("%s: %.4g total, %.4g active", W[i].name, m->params_total,
                     m->params_active);
        assert_int_equal(m->experts, W[i].experts);
        assert_int_equal(m->experts_active, W[i].active_experts);
    }
    /* DeepSeek-V3 (config.json; report section 2.1): 1 shared expert,
     * experts 2,048 wide, the first 3 of 61 layers dense, hidden 7,168. */
    const gp_model *d = gp_model_find(t, "deepseek-v3");
    assert_int_equal(d->shared_experts, 1);
    assert_int_equal(d->moe_ffn, 2048);
    assert_int_equal(d->dense_layers, 3);
    assert_int_equal(d->layers, 61);
    assert_int_equal(d->hidden, 7168);
    gp_model_table_free(t);
}

static void derive_errors(void **state)
{
    (void)state;
    gp_model m;
    gp_error err;
    gp_model_spec zero = {.params = 0};
    assert_int_equal(gp_model_derive(&zero, &m, &err), GP_ERANGE);
    gp_model_spec nan_params = {.params = NAN};
    assert_int_equal(gp_model_derive(&nan_params, &m, &err), GP_ERANGE);
    gp_model_spec inverted = {.params = 7e9, .active_params = 8e9};
    assert_int_equal(gp_model_derive(&inverted, &m, &err), GP_ERANGE);
    gp_model_spec embeddings = {.params = 2e6, .hidden = 4096};
    assert_int_equal(gp_model_derive(&embeddings, &m, &err), GP_ERANGE);
    assert_non_null(strstr(err.message, "embeddings"));
    gp_model_spec heads = {.params = 7e9, .hidden = 4096, .heads = 3};
    assert_int_equal(gp_model_derive(&heads, &m, &err), GP_ERANGE);
}

static gp_status load(const char *text, gp_error *err)
{
    gp_model_table *t = NULL;
    gp_status st = gp_model_table_load_buffer("m.csv", text, strlen(text), &t, err);
    gp_model_table_free(t);
    return st;
}

static void malformed_files(void **state)
{
    (void)state;
    gp_error err;
    const char *header = "name,layers,hidden,heads,vocab,seq_len,mlp,ffn,source\n";
    char buf[512];
    assert_int_equal(load("name,layers\nx,1\n", &err), GP_EDATA);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "missing column"));
    snprintf(buf, sizeof(buf), "%sa,2,64,4,100,16,swiglu,128,src\nb,two,64,4,100,16,gelu,128,src\n",
             header);
    assert_int_equal(load(buf, &err), GP_EDATA);
    assert_int_equal(err.line, 3);
    snprintf(buf, sizeof(buf), "%sa,2,64,4,100,16,relu,128,src\n", header);
    assert_int_equal(load(buf, &err), GP_EDATA);
    snprintf(buf, sizeof(buf), "%sa,2,64,4,100,16,gelu,128,src\na,2,64,4,100,16,gelu,128,src\n",
             header);
    assert_int_equal(load(buf, &err), GP_EDATA);
    assert_non_null(strstr(err.message, "twice"));
    snprintf(buf, sizeof(buf), "%sa,2,64,0,100,16,gelu,128,src\n", header);
    assert_int_equal(load(buf, &err), GP_EDATA);
    assert_int_equal(load("", &err), GP_EDATA);
    snprintf(buf, sizeof(buf), "%sa,2,64,4,100,16,gelu,128,src\n", header);
    assert_int_equal(load(buf, &err), GP_OK);
}

/* Found by fuzz_models: a row whose active count was smaller than its own
 * embedding table gave negative FLOPs. Such a row is now refused. */
static void counts_far_from_shape_refused(void **state)
{
    (void)state;
    gp_error err;
    const char *text =
        "name,params_total,params_active,layers,hidden,heads,vocab,seq_len,mlp,ffn,source\n"
        "p,70426,246,6,512,8,50304,2048,gelu,2048,src\n";
    assert_int_equal(load(text, &err), GP_EDATA);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "disagree"));
    const char *fine =
        "name,params_total,layers,hidden,heads,vocab,seq_len,mlp,ffn,source\n"
        "p,70426624,6,512,8,50304,2048,gelu,2048,src\n";
    assert_int_equal(load(fine, &err), GP_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(required_presets),
        cmocka_unit_test(shapes_match_published_counts),
        cmocka_unit_test(counts_by_hand),
        cmocka_unit_test(find_ignores_spelling),
        cmocka_unit_test(derive_dense),
        cmocka_unit_test(derive_published_widths),
        cmocka_unit_test(derive_moe),
        cmocka_unit_test(moe_presets_match_published),
        cmocka_unit_test(derive_errors),
        cmocka_unit_test(malformed_files),
        cmocka_unit_test(counts_far_from_shape_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
