/* Fuzz the JSON form of the AWS Price List region files
 * (src/fetch/aws_json.c): the input (after a first byte that picks the
 * chunk size) goes to the region reader whole and in chunks: the status
 * and the rows must not depend on the chunking, and the rows load with no
 * offer at $0 or less. The scanner is checked against jansson: a document
 * jansson reads whole, the scanner never calls malformed (but for its own
 * limits: nesting past GP_JSCAN_MAX_DEPTH, a literal past 64 bytes). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/aws_json.h"
#include "fetch/parsers.h"
#include "gpuplan/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gp_status run(const gp_catalog *specs, const char *text, size_t len, size_t chunk,
                     char **csv, size_t *n, gp_error *err)
{
    gp_aws *a = NULL;
    gp_aws_json *j = NULL;
    char eff[32];
    *csv = NULL;
    *n = 0;
    if (gp_aws_new(&a, specs, err) != GP_OK || gp_aws_json_new(&j, a, "us-east-1", err) != GP_OK)
        __builtin_trap();
    gp_status st = GP_OK;
    for (size_t off = 0; off < len && st == GP_OK; off += chunk)
        st = gp_aws_json_feed(j, "fuzz", text + off, len - off < chunk ? len - off : chunk, err);
    if (st == GP_OK)
        st = gp_aws_json_end(j, "fuzz", err);
    if (st == GP_OK)
        st = gp_aws_csv(a, "fuzz", csv, n, eff, sizeof(eff), err);
    gp_aws_json_free(j);
    gp_aws_free(a);
    return st;
}

static int want_none(void *ctx, int depth, const char *const *keys)
{
    (void)ctx;
    (void)depth;
    (void)keys;
    return 0;
}

static gp_status no_value(void *ctx, int depth, const char *const *keys, const char *text,
                          size_t len, unsigned long long at, long line, gp_error *err)
{
    (void)ctx, (void)depth, (void)keys, (void)text, (void)len, (void)at, (void)line, (void)err;
    return GP_OK;
}

static void against_jansson(const char *text, size_t len)
{
    gp_jscan *s = NULL;
    gp_error err;
    if (gp_jscan_new(&s, want_none, no_value, NULL, &err) != GP_OK)
        __builtin_trap();
    gp_status st = gp_jscan_feed(s, "fuzz", text, len, &err);
    if (st == GP_OK)
        st = gp_jscan_end(s, "fuzz", &err);
    gp_jscan_free(s);
    if (st == GP_OK)
        return;
    if (strstr(err.message, "nested deeper") || strstr(err.message, "too long"))
        return;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (v)
        __builtin_trap(); /* jansson reads what the scanner refused */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gp_catalog *specs;
    gp_error err;
    if (!specs && (gp_catalog_new(&specs, &err) != GP_OK ||
                   gp_catalog_add_embedded(specs, &err) != GP_OK))
        __builtin_trap();
    if (size < 1)
        return 0;
    size_t chunk = (size_t)(data[0] % 23) + 1;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    gp_error ea, eb;
    gp_status sa = run(specs, text, len, len ? len : 1, &a, &na, &ea);
    gp_status sb = run(specs, text, len, chunk, &b, &nb, &eb);
    if (sa != sb && !(sa == GP_ENOMEM || sb == GP_ENOMEM))
        __builtin_trap();
    if (sa == GP_OK && (na != nb || memcmp(a, b, na) != 0))
        __builtin_trap();
    if (sa == GP_EDATA && strcmp(ea.message, eb.message) != 0)
        __builtin_trap(); /* the same error, at the same byte */
    if (sa == GP_OK) {
        gp_catalog *cat = NULL;
        gp_load_opts lo = {1, NULL};
        if (gp_catalog_new(&cat, &err) != GP_OK)
            __builtin_trap();
        if (gp_catalog_add_gpuplan_buffer(cat, "fuzz.csv", a, na, &lo, &err) == GP_OK) {
            const gp_offer *o = gp_catalog_offers(cat);
            for (size_t i = 0; i < gp_catalog_offer_count(cat); i++)
                if (o[i].usd_per_hour <= 0)
                    __builtin_trap();
        }
        gp_catalog_free(cat);
    }
    free(a);
    free(b);
    against_jansson(text, len);
    return 0;
}
