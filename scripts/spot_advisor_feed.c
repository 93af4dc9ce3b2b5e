/* Build helper: AWS's Spot Instance Advisor feed -> a band matrix -> C
 * (scripts/spot_advisor_feed.h). */
#include "spot_advisor_feed.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Names become C string literals and CSV-free lookups: keep them plain. */
static int plain_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SA_MAX_NAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A band label: printable ASCII without quotes or backslashes, short. */
static int plain_label(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 16)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 32 || s[i] > 126 || s[i] == '"' || s[i] == '\\' || s[i] == '?')
            return 0;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static long index_of(char **v, size_t n, const char *s)
{
    char **hit = bsearch(&s, v, n, sizeof(*v), cmp_str);
    return hit ? (long)(hit - v) : -1;
}

/* Sorts and removes duplicates (freeing them); returns the new count. */
static size_t sort_unique(char **v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), cmp_str);
    size_t k = 1;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i], v[k - 1]) == 0)
            free(v[i]);
        else
            v[k++] = v[i];
    }
    return k;
}

static int read_ranges(json_t *root, sa_feed *f, char *msg, size_t msglen)
{
    json_t *ranges = json_object_get(root, "ranges");
    if (!json_is_array(ranges) || json_array_size(ranges) == 0)
        return fail(msg, msglen, "no 'ranges' array");
    size_t n = json_array_size(ranges);
    if (n > SA_MAX_LABELS)
        return fail(msg, msglen, "%zu ranges, more than %d", n, SA_MAX_LABELS);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(ranges, i);
        json_t *idx = json_object_get(r, "index"), *label = json_object_get(r, "label");
        if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
            (size_t)json_integer_value(idx) >= n)
            return fail(msg, msglen, "ranges[%zu]: 'index' is not 0 to %zu", i, n - 1);
        size_t k = (size_t)json_integer_value(idx);
        if (!json_is_string(label) || !plain_label(json_string_value(label)))
            return fail(msg, msglen, "ranges[%zu]: 'label' is not a short plain string", i);
        if (f->labels[k])
            return fail(msg, msglen, "ranges[%zu]: index %zu given twice", i, k);
        f->labels[k] = strdup(json_string_value(label));
        if (!f->labels[k])
            return fail(msg, msglen, "out of memory");
    }
    f->nlabels = n;
    return 0;
}

int sa_feed_parse(const char *data, size_t len, sa_feed *out, char *msg, size_t msglen)
{
    memset(out, 0, sizeof(*out));
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return fail(msg, msglen, "line %d: not JSON: %s", jerr.line, jerr.text);
    int rc = -1;
    size_t ntypes_raw = 0, cap = 0;
    if (!json_is_object(root)) {
        fail(msg, msglen, "not a JSON object");
        goto out;
    }
    if (read_ranges(root, out, msg, msglen) != 0)
        goto out;
    json_t *sa = json_object_get(root, "spot_advisor");
    if (!json_is_object(sa)) {
        fail(msg, msglen, "no 'spot_advisor' object");
        goto out;
    }
    if (json_object_size(sa) > SA_MAX_REGIONS) {
        fail(msg, msglen, "more than %d regions", SA_MAX_REGIONS);
        goto out;
    }
    /* Pass 1: the regions and every type with a Linux figure. */
    out->regions = calloc(json_object_size(sa) + 1, sizeof(char *));
    if (!out->regions) {
        fail(msg, msglen, "out of memory");
        goto out;
    }
    const char *region;
    json_t *per_os;
    json_object_foreach(sa, region, per_os) {
        if (!plain_name(region)) {
            fail(msg, msglen, "region name '%.*s' is not plain", SA_MAX_NAME, region);
            goto out;
        }
        if (!json_is_object(per_os)) {
            fail(msg, msglen, "%s: not an object", region);
            goto out;
        }
        out->regions[out->nregions] = strdup(region);
        if (!out->regions[out->nregions]) {
            fail(msg, msglen, "out of memory");
            goto out;
        }
        out->nregions++;
        json_t *linux_types = json_object_get(per_os, "Linux");
        if (!linux_types)
            continue; /* a region without Linux figures says nothing */
        if (!json_is_object(linux_types)) {
            fail(msg, msglen, "%s: 'Linux' is not an object", region);
            goto out;
        }
        const char *type;
        json_t *fig;
        json_object_foreach(linux_types, type, fig) {
            if (!plain_name(type)) {
                fail(msg, msglen, "%s: type name '%.*s' is not plain", region, SA_MAX_NAME,
                     type);
                goto out;
            }
            json_t *band = json_is_object(fig) ? json_object_get(fig, "r") : NULL;
            if (!json_is_integer(band) || json_integer_value(band) < 0 ||
                (size_t)json_integer_value(band) >= out->nlabels) {
                fail(msg, msglen, "%s %s: 'r' is not a band index 0 to %zu", region, type,
                     out->nlabels - 1);
                goto out;
            }
            if (ntypes_raw == cap) {
                size_t c2 = cap ? cap * 2 : 1024;
                char **p = realloc(out->types, c2 * sizeof(*p));
                if (!p) {
                    fail(msg, msglen, "out of memory");
                    goto out;
                }
                out->types = p;
                cap = c2;
            }
            out->types[ntypes_raw] = strdup(type);
            if (!out->types[ntypes_raw]) {
                fail(msg, msglen, "out of memory");
                goto out;
            }
            ntypes_raw++;
            out->ntypes = ntypes_raw; /* so sa_feed_free frees them on failure */
        }
    }
    /* JSON_REJECT_DUPLICATES: region names are unique. */
    qsort(out->regions, out->nregions, sizeof(char *), cmp_str);
    out->ntypes = sort_unique(out->types, ntypes_raw);
    if (out->ntypes > SA_MAX_TYPES) {
        fail(msg, msglen, "more than %d instance types", SA_MAX_TYPES);
        goto out;
    }
    /* Pass 2: the matrix. */
    size_t cells = out->ntypes * out->nregions;
    out->bands = malloc(cells ? cells : 1);
    if (!out->bands) {
        fail(msg, msglen, "out of memory");
        goto out;
    }
    memset(out->bands, SA_NONE, cells ? cells : 1);
    json_object_foreach(sa, region, per_os) {
        long ri = index_of(out->regions, out->nregions, region);
        json_t *linux_types = json_object_get(per_os, "Linux");
        const char *type;
        json_t *fig;
        json_object_foreach(linux_types, type, fig) {
            long ti = index_of(out->types, out->ntypes, type);
            out->bands[(size_t)ti * out->nregions + (size_t)ri] =
                (unsigned char)json_integer_value(json_object_get(fig, "r"));
        }
    }
    rc = 0;
out:
    json_decref(root);
    if (rc != 0)
        sa_feed_free(out);
    return rc;
}

void sa_feed_free(sa_feed *f)
{
    if (!f)
        return;
    for (size_t i = 0; f->regions && i < f->nregions; i++)
        free(f->regions[i]);
    for (size_t i = 0; f->types && i < f->ntypes; i++)
        free(f->types[i]);
    for (size_t i = 0; i < SA_MAX_LABELS; i++)
        free(f->labels[i]);
    free(f->regions);
    free(f->types);
    free(f->bands);
    memset(f, 0, sizeof(*f));
}

static void strings(FILE *out, const char *name, char *const *v, size_t n)
{
    fprintf(out, "static const char *const %s[] = {\n", name);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "    \"%s\",\n", v[i]);
    if (n == 0)
        fputs("    \"\",\n", out);
    fputs("};\n\n", out);
}

int sa_feed_write_c(const sa_feed *f, FILE *out)
{
    fputs("/* Generated by scripts/compile_spot_advisor.c from data/spot-advisor-data.json.\n"
          " * Do not edit. */\n#include \"plan/spot_advisor.h\"\n\n",
          out);
    strings(out, "regions", f->regions, f->nregions);
    strings(out, "types", f->types, f->ntypes);
    strings(out, "labels", (char *const *)f->labels, f->nlabels);
    fputs("static const unsigned char bands[] = {\n", out);
    size_t cells = f->ntypes * f->nregions;
    for (size_t i = 0; i < cells; i++)
        fprintf(out, "%s%u,%s", i % f->nregions == 0 ? "    " : "", (unsigned)f->bands[i],
                (i + 1) % f->nregions == 0 ? "\n" : "");
    if (cells == 0)
        fputs("    255\n", out);
    fputs("};\n\n", out);
    fprintf(out,
            "const gp_spot_advisor_table gp_spot_advisor = {\n"
            "    regions, %zu, types, %zu, bands, labels, %zu\n};\n",
            f->nregions, f->ntypes, f->nlabels);
    return ferror(out) ? -1 : 0;
}
