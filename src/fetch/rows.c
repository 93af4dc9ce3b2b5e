/* What the fetchers share: a number read from a JSON object, the cells of
 * the gpuplan catalog CSV they write (docs/catalog-format.md), a GPU name
 * as one catalog word, adding that CSV to the catalog, and the header
 * that carries a key. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"

#include "fetch/fetcher.h"

double gp_fetch_json_number(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

void gp_fetch_csv_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc((*s == '\n' || *s == '\r') ? ' ' : *s, f);
    }
    fputc('"', f);
}

void gp_fetch_csv_number(FILE *f, double v)
{
    if (isnan(v))
        fputc(',', f);
    else
        fprintf(f, ",%.10g", v);
}

void gp_fetch_gpu_word(const char *text, size_t len, int drop_brands, char *out, size_t cap)
{
    static const char *const BRANDS[] = {"NVIDIA", "Tesla", "Quadro", NULL};
    size_t n = 0;
    int after_rtx = 0;
    for (size_t i = 0; i < len && cap > 0;) {
        while (i < len && (text[i] == ' ' || text[i] == '\t'))
            i++;
        size_t w = i;
        while (i < len && text[i] != ' ' && text[i] != '\t')
            i++;
        size_t wlen = i - w;
        if (wlen == 0)
            break;
        int brand = 0;
        for (size_t b = 0; drop_brands && BRANDS[b]; b++)
            brand |= strlen(BRANDS[b]) == wlen && !strncasecmp(text + w, BRANDS[b], wlen);
        if (brand)
            continue;
        if (n > 0 && !after_rtx && n + 1 < cap)
            out[n++] = '-';
        for (size_t k = 0; k < wlen && n + 1 < cap; k++)
            out[n++] = (text[w + k] == '"' || text[w + k] == ',') ? '-' : text[w + k];
        after_rtx = wlen == 3 && !strncmp(text + w, "RTX", 3);
    }
    if (cap > 0)
        out[n] = '\0';
}

gp_status gp_fetch_add_rows(gp_fetch_ctx *ctx, const char *csv, size_t len, gp_error *err)
{
    gp_load_opts lo = {1, NULL};
    return gp_catalog_add_gpuplan_buffer(ctx->cat, ctx->first_url, csv, len, &lo, err);
}

gp_status gp_fetch_key_header(const gp_fetch_ctx *ctx, const char *prefix, const char *key_env,
                              char *out, size_t cap, gp_error *err)
{
    int n = snprintf(out, cap, "%s%s", prefix, ctx->key);
    if (n < 0 || (size_t)n >= cap || strpbrk(ctx->key, "\r\n"))
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "%s is not a usable key (too long or several lines)", key_env);
    return GP_OK;
}
