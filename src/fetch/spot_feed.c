/* The one reader of AWS's Spot Instance Advisor feed: JSON -> a band
 * matrix (fetch/spot_feed.h), and the stored form of a fetched feed. */
#include "fetch/spot_feed.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
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
    if (n == 0 || n > GP_SPOT_FEED_MAX_NAME)
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

static int read_ranges(json_t *root, gp_spot_feed *f, char *msg, size_t msglen)
{
    json_t *ranges = json_object_get(root, "ranges");
    if (!json_is_array(ranges) || json_array_size(ranges) == 0)
        return fail(msg, msglen, "no 'ranges' array");
    size_t n = json_array_size(ranges);
    if (n > GP_SPOT_FEED_MAX_LABELS)
        return fail(msg, msglen, "%zu ranges, more than %d", n, GP_SPOT_FEED_MAX_LABELS);
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

/* The member a stored copy carries (gp_spot_feed_store()); absent in
 * AWS's own feed. */
static int read_stored(json_t *root, gp_spot_feed *f, char *msg, size_t msglen)
{
    json_t *m = json_object_get(root, "gpuplan_refresh");
    if (!m)
        return 0;
    static const char *const KEYS[] = {"observed_utc", "effective", "endpoint"};
    char *const dst[] = {f->observed_utc, f->effective, f->endpoint};
    const size_t cap[] = {sizeof(f->observed_utc), sizeof(f->effective), sizeof(f->endpoint)};
    if (!json_is_object(m))
        return fail(msg, msglen, "'gpuplan_refresh' is not an object");
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(m, KEYS[i]);
        if (!json_is_string(v) || json_string_length(v) >= cap[i])
            return fail(msg, msglen, "gpuplan_refresh.%s is not a string shorter than %zu",
                        KEYS[i], cap[i]);
        snprintf(dst[i], cap[i], "%s", json_string_value(v));
    }
    f->stored = 1;
    return 0;
}

int gp_spot_feed_store(const gp_spot_feed *f, const char *observed_utc, const char *effective,
                       const char *endpoint, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    json_t *m = json_pack("{s:s, s:s, s:s}", "observed_utc", observed_utc, "effective",
                          effective, "endpoint", endpoint);
    char *head = m ? json_dumps(m, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER)
                   : NULL;
    json_decref(m);
    if (!head)
        return -1;
    char *buf = NULL;
    size_t len = 0;
    FILE *w = open_memstream(&buf, &len);
    if (!w) {
        free(head);
        return -1;
    }
    /* Names and labels are plain (the reader allows nothing to escape):
     * written as they are. One region a line. */
    fprintf(w, "{\"gpuplan_refresh\":%s,\n\"ranges\":[", head);
    free(head);
    for (size_t i = 0; i < f->nlabels; i++)
        fprintf(w, "%s{\"index\":%zu,\"label\":\"%s\"}", i ? "," : "", i, f->labels[i]);
    fputs("],\n\"spot_advisor\":{", w);
    for (size_t ri = 0; ri < f->nregions; ri++) {
        fprintf(w, "%s\n\"%s\":{\"Linux\":{", ri ? "," : "", f->regions[ri]);
        int first = 1;
        for (size_t ti = 0; ti < f->ntypes; ti++) {
            unsigned char b = f->bands[ti * f->nregions + ri];
            if (b == GP_SPOT_FEED_NONE)
                continue;
            fprintf(w, "%s\"%s\":{\"r\":%u}", first ? "" : ",", f->types[ti], (unsigned)b);
            first = 0;
        }
        fputs("}}", w);
    }
    fputs("}}\n", w);
    int bad = ferror(w);
    if (fclose(w) != 0 || bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = len;
    return 0;
}

int gp_spot_feed_parse(const char *data, size_t len, gp_spot_feed *out, char *msg, size_t msglen)
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
    if (json_object_size(sa) > GP_SPOT_FEED_MAX_REGIONS) {
        fail(msg, msglen, "more than %d regions", GP_SPOT_FEED_MAX_REGIONS);
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
            fail(msg, msglen, "region name '%.*s' is not plain", GP_SPOT_FEED_MAX_NAME, region);
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
                fail(msg, msglen, "%s: type name '%.*s' is not plain", region, GP_SPOT_FEED_MAX_NAME,
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
            out->ntypes = ntypes_raw; /* so gp_spot_feed_clear frees them on failure */
        }
    }
    /* JSON_REJECT_DUPLICATES: region names are unique. */
    qsort(out->regions, out->nregions, sizeof(char *), cmp_str);
    out->ntypes = sort_unique(out->types, ntypes_raw);
    if (out->ntypes > GP_SPOT_FEED_MAX_TYPES) {
        fail(msg, msglen, "more than %d instance types", GP_SPOT_FEED_MAX_TYPES);
        goto out;
    }
    /* Pass 2: the matrix. */
    size_t cells = out->ntypes * out->nregions;
    out->bands = malloc(cells ? cells : 1);
    if (!out->bands) {
        fail(msg, msglen, "out of memory");
        goto out;
    }
    memset(out->bands, GP_SPOT_FEED_NONE, cells ? cells : 1);
    json_object_foreach(sa, region, per_os) {
        long ri = index_of(out->regions, out->nregions, region);
        json_t *linux_types = json_object_get(per_os, "Linux");
        const char *type;
        json_t *fig;
        json_object_foreach(linux_types, type, fig) {
            long ti = index_of(out->types, out->ntypes, type);
            out->bands[(size_t)ti * out->nregions + (size_t)ri] =
                (unsigned char)json_integer_value(json_object_get(fig, "r"));
            out->figures++;
        }
    }
    if (out->figures == 0) {
        fail(msg, msglen, "no instance type has a Linux band");
        goto out;
    }
    if (read_stored(root, out, msg, msglen) != 0)
        goto out;
    rc = 0;
out:
    json_decref(root);
    if (rc != 0)
        gp_spot_feed_clear(out);
    return rc;
}

void gp_spot_feed_clear(gp_spot_feed *f)
{
    if (!f)
        return;
    for (size_t i = 0; f->regions && i < f->nregions; i++)
        free(f->regions[i]);
    for (size_t i = 0; f->types && i < f->ntypes; i++)
        free(f->types[i]);
    for (size_t i = 0; i < GP_SPOT_FEED_MAX_LABELS; i++)
        free(f->labels[i]);
    free(f->regions);
    free(f->types);
    free(f->bands);
    memset(f, 0, sizeof(*f));
}
