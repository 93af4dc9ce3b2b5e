/* The accelerator-name normaliser.
 *
 * Catalogs and people spell one accelerator many ways: "H100",
 * "NVIDIA-H100-80GB-HBM3", "H100_PCIE_80GB", "h100-sxm", "A100-80G",
 * "RTXA6000", "Tesla V100-SXM2-16GB", "tpu-v5litepod-8". The rule here is
 * general: lower-case, split into words, drop vendor and brand words and
 * memory types, read form-factor words and "<n>GB" memory, and join what is
 * left into the model key ("h100", "a100", "rtx4090", "tpu-v5e"). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/accel_name.h"
#include "core/numparse.h"

enum { MAX_WORDS = 24, WORD_MAX = 32 };

/* Words that name a vendor, a brand, a memory type or packaging, and say
 * nothing about which accelerator it is. */
static const char *const NOISE[] = {
    "nvidia", "amd", "intel", "google", "aws", "tesla", "geforce", "quadro",
    "radeon", "instinct", "habana", "hgx", "dgx", "gpu", "gpus", "tensor",
    "core", "hbm", "hbm2", "hbm2e", "hbm3", "hbm3e", "gddr6", "gddr6x",
    "server", "edition", "accelerator", "card", "cloud", NULL};

static int is_noise(const char *w)
{
    for (const char *const *n = NOISE; *n; n++)
        if (strcmp(*n, w) == 0)
            return 1;
    return 0;
}

/* Form-factor words. "nvlink" alone is ambiguous: SXM boards use NVLink,
 * and so do PCIe cards with a bridge. */
static gp_form_factor form_of(const char *w)
{
    if (strncmp(w, "sxm", 3) == 0)
        return GP_FORM_SXM; /* sxm, sxm2, sxm4, sxm5, sxm5x8 ... */
    if (strcmp(w, "pcie") == 0 || strcmp(w, "fhhl") == 0)
        return GP_FORM_PCIE;
    if (strcmp(w, "nvl") == 0)
        return GP_FORM_NVL;
    if (strcmp(w, "mega") == 0)
        return GP_FORM_SXM; /* GCP A3 Mega: H100 SXM */
    if (strcmp(w, "nvlink") == 0)
        return GP_FORM_AMBIGUOUS;
    return GP_FORM_UNSTATED;
}

/* "80gb", "80g", "94gib" -> 80, 80, 94; NAN when w is not a memory size. */
static double memory_of(const char *w)
{
    char *end = NULL;
    if (!isdigit((unsigned char)w[0]))
        return NAN;
    double v = gp_strtod_c(w, &end); /* '.' whatever the locale */
    if (strcmp(end, "gb") == 0 || strcmp(end, "gib") == 0 ||
        strcmp(end, "g") == 0)
        return v > 0 ? v : NAN;
    return NAN;
}

static size_t split_words(const char *raw, char words[][WORD_MAX], size_t max)
{
    size_t n = 0, len = 0;
    for (const char *p = raw;; p++) {
        int c = (unsigned char)*p;
        if (c && isalnum(c)) {
            if (len + 1 < WORD_MAX)
                words[n][len++] = (char)tolower(c);
            continue;
        }
        if (len > 0 && n < max) {
            words[n][len] = '\0';
            n++;
        }
        len = 0;
        if (!c || n >= max)
            break;
    }
    return n;
}

static void set_form(gp_accel_name *out, gp_form_factor f)
{
    if (f == GP_FORM_UNSTATED)
        return;
    /* The H100 NVL is a PCIe card: "nvl" outranks "pcie". */
    if (out->form == GP_FORM_NVL || f == GP_FORM_NVL) {
        out->form = GP_FORM_NVL;
        return;
    }
    if (out->form == GP_FORM_UNSTATED || out->form == f)
        out->form = f;
    else
        out->form = GP_FORM_AMBIGUOUS;
}

void gp_accel_name_parse(const char *raw, gp_accel_name *out)
{
    memset(out, 0, sizeof(*out));
    out->memory_gb = NAN;
    if (!raw)
        return;
    char words[MAX_WORDS][WORD_MAX];
    size_t n = split_words(raw, words, MAX_WORDS);
    size_t key_len = 0;
    int tpu = n > 0 && strcmp(words[0], "tpu") == 0;
    for (size_t i = 0; i < n; i++) {
        const char *w = words[i];
        if (is_noise(w))
            continue;
        gp_form_factor f = form_of(w);
        if (f != GP_FORM_UNSTATED) {
            set_form(out, f);
            continue;
        }
        double mem = memory_of(w);
        if (!isnan(mem)) {
            out->memory_gb = mem;
            continue;
        }
        if (tpu && i == 2 && isdigit((unsigned char)w[0])) {
            out->tpu_cores = gp_parse_digits_max(w, 1000000, 0); /* slices stay far below 1M */
            continue;
        }
        const char *word = w;
        if (tpu && i == 1 && strcmp(w, "v5litepod") == 0)
            word = "v5e"; /* Cloud TPU v5e */
        if (tpu && i == 1 && key_len + 1 < sizeof(out->model))
            out->model[key_len++] = '-';
        size_t wl = strlen(word);
        if (key_len + wl >= sizeof(out->model))
            wl = sizeof(out->model) - 1 - key_len;
        memcpy(out->model + key_len, word, wl);
        key_len += wl;
        out->model[key_len] = '\0';
    }
    /* "rtxa6000" is the RTX A6000, sold and catalogued as "A6000". */
    if (strncmp(out->model, "rtxa", 4) == 0 && isdigit((unsigned char)out->model[4]))
        memmove(out->model, out->model + 3, strlen(out->model + 3) + 1);
    /* AWS's first Trainium chip is "Trainium"; the table says Trainium1. */
    if (strcmp(out->model, "trainium") == 0)
        snprintf(out->model, sizeof(out->model), "trainium1");
}

gp_form_factor gp_accel_name_parse_hint(const char *hint)
{
    gp_accel_name tmp;
    memset(&tmp, 0, sizeof(tmp));
    if (hint) {
        char words[MAX_WORDS][WORD_MAX];
        size_t n = split_words(hint, words, MAX_WORDS);
        for (size_t i = 0; i < n; i++) {
            gp_form_factor f = form_of(words[i]);
            if (f != GP_FORM_AMBIGUOUS) /* "...-NVLINK" boards are still SXM */
                set_form(&tmp, f);
        }
    }
    return tmp.form;
}

int gp_accel_tpu_slice(const char *raw, char *name_out, size_t cap,
                       double *chips_out)
{
    gp_accel_name n;
    gp_accel_name_parse(raw, &n);
    if (strncmp(n.model, "tpu-", 4) != 0 || n.tpu_cores <= 0)
        return 0;
    const char *gen = n.model + 4;
    /* Cloud TPU docs: "v5p-32 specifies a v5p slice with 32 TensorCores
     * (16 chips)"; v2, v3 and v4 likewise name TensorCores, two per chip;
     * v5e ("v5litepod") and v6e names count chips. */
    int per_chip = (strcmp(gen, "v5e") == 0 || strcmp(gen, "v6e") == 0) ? 1 : 2;
    if (chips_out)
        *chips_out = (double)n.tpu_cores / per_chip;
    if (name_out && cap)
        snprintf(name_out, cap, "TPU-%s", gen);
    return 1;
}

void gp_accel_model_key(const char *raw, char *out, size_t cap)
{
    gp_accel_name n;
    gp_accel_name_parse(raw, &n);
    snprintf(out, cap, "%s", n.model);
}
