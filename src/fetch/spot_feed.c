/* The one reader of AWS's Spot Instance Advisor feed: JSON -> a band
 * matrix (fetch/spot_feed.h); and the stored form of a fetched feed, a
 * small text table, with its one reader. */
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

/* ---- the stored form ---------------------------------------------------- */

static const char BAND_DIGITS[] = "0123456789abcdef"; /* GP_SPOT_FEED_MAX_LABELS */

/* A header value of the stored form: printable ASCII, no tab. */
static int plain_value(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 32 || s[i] > 126)
            return 0;
    return 1;
}

int gp_spot_feed_store(const gp_spot_feed *f, const char *observed_utc, const char *effective,
                       const char *endpoint, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    const char *head[] = {observed_utc, effective, endpoint};
    const size_t cap[] = {sizeof(f->observed_utc), sizeof(f->effective), sizeof(f->endpoint)};
    for (size_t i = 0; i < 3; i++)
        if (strlen(head[i]) >= cap[i] || !plain_value(head[i], strlen(head[i])))
            return -2;
    if (f->nlabels == 0 || f->nlabels > GP_SPOT_FEED_MAX_LABELS || f->nregions == 0 ||
        f->ntypes == 0)
        return -2;
    char *buf = NULL;
    size_t len = 0;
    FILE *w = open_memstream(&buf, &len);
    if (!w)
        return -1;
    /* Names and labels are plain (no tab, no newline): written as they
     * are. A type the feed gives no Linux band is not a row (the parser
     * keeps none). */
    fprintf(w, "%s\nobserved_utc\t%s\neffective\t%s\nendpoint\t%s\nlabels", GP_SPOT_FEED_MAGIC,
            observed_utc, effective, endpoint);
    for (size_t i = 0; i < f->nlabels; i++)
        fprintf(w, "\t%s", f->labels[i]);
    fputs("\nregions", w);
    for (size_t i = 0; i < f->nregions; i++)
        fprintf(w, "\t%s", f->regions[i]);
    fprintf(w, "\ntypes\t%zu\n", f->ntypes);
    for (size_t ti = 0; ti < f->ntypes; ti++) {
        fputs(f->types[ti], w);
        fputc('\t', w);
        const unsigned char *row = f->bands + ti * f->nregions;
        for (size_t ri = 0; ri < f->nregions; ri++)
            fputc(row[ri] == GP_SPOT_FEED_NONE ? '-' : BAND_DIGITS[row[ri] & 15], w);
        fputc('\n', w);
    }
    int bad = ferror(w);
    if (fclose(w) != 0 || bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = len;
    return 0;
}

/* The stored form's reader: a cursor over whole lines. */
typedef struct cursor {
    const char *p, *end;
    size_t line;      /* of the line last taken */
    const char *s;    /* that line, without its '\n' */
    size_t n;
} cursor;

/* Takes the next line (counting it); 0 at the end of the data, -1 when
 * the last line has no '\n' (a cut file). */
static int take_line(cursor *c)
{
    c->line++;
    if (c->p == c->end)
        return 0;
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (!nl)
        return -1;
    c->s = c->p;
    c->n = (size_t)(nl - c->p);
    c->p = nl + 1;
    return 1;
}

/* Splits c's line at its first tab: the key must be `key`; the rest in
 * *v, *vn. */
static int keyed(const cursor *c, const char *key, const char **v, size_t *vn)
{
    size_t k = strlen(key);
    if (c->n <= k || memcmp(c->s, key, k) != 0 || c->s[k] != '\t')
        return 0;
    *v = c->s + k + 1;
    *vn = c->n - k - 1;
    return 1;
}

/* The next tab-separated field of [*p, end) as a string in buf (cap
 * bytes); *p moves past it and its tab. 0 when it does not fit or holds
 * a NUL. */
static int field(const char **p, const char *end, char *buf, size_t cap, size_t *flen)
{
    const char *t = memchr(*p, '\t', (size_t)(end - *p));
    const char *e = t ? t : end;
    size_t n = (size_t)(e - *p);
    *flen = n;
    if (n >= cap || memchr(*p, '\0', n))
        return 0;
    memcpy(buf, *p, n);
    buf[n] = '\0';
    *p = t ? t + 1 : end;
    return 1;
}

#define BAD(...)                                                                              \
    do {                                                                                      \
        *line = c.line;                                                                       \
        fail(msg, msglen, __VA_ARGS__);                                                       \
        goto out;                                                                             \
    } while (0)

int gp_spot_feed_read_stored(const char *data, size_t len, gp_spot_feed *out, size_t *line,
                             char *msg, size_t msglen)
{
    memset(out, 0, sizeof(*out));
    *line = 0;
    msg[0] = '\0';
    cursor c = {data, data + len, 0, NULL, 0};
    int rc = -1, got;
    const char *v;
    size_t vn;
    char name[GP_SPOT_FEED_MAX_NAME + 2];
    if ((got = take_line(&c)) <= 0 || c.n != strlen(GP_SPOT_FEED_MAGIC) ||
        memcmp(c.s, GP_SPOT_FEED_MAGIC, c.n) != 0)
        BAD("not a Spot Advisor feed gpuplan stored (the first line is not '%s')",
            GP_SPOT_FEED_MAGIC);
    /* The fetch time, AWS's Last-Modified date, the URL. */
    static const char *const KEYS[] = {"observed_utc", "effective", "endpoint"};
    char *const dst[] = {out->observed_utc, out->effective, out->endpoint};
    const size_t cap[] = {sizeof(out->observed_utc), sizeof(out->effective),
                          sizeof(out->endpoint)};
    for (size_t i = 0; i < 3; i++) {
        if ((got = take_line(&c)) <= 0 || !keyed(&c, KEYS[i], &v, &vn))
            BAD("expected '%s<TAB>value'", KEYS[i]);
        if (vn >= cap[i] || !plain_value(v, vn))
            BAD("%s is not printable text shorter than %zu", KEYS[i], cap[i]);
        memcpy(dst[i], v, vn);
        dst[i][vn] = '\0';
    }
    /* The bands' labels, in index order. */
    if ((got = take_line(&c)) <= 0 || !keyed(&c, "labels", &v, &vn))
        BAD("expected 'labels<TAB>label...'");
    for (const char *p = v, *e = v + vn; p < e || out->nlabels == 0;) {
        char label[18];
        size_t fl;
        if (out->nlabels == GP_SPOT_FEED_MAX_LABELS)
            BAD("more than %d labels", GP_SPOT_FEED_MAX_LABELS);
        int ok = field(&p, e, label, sizeof(label), &fl);
        if (!ok || !plain_label(label))
            BAD("label %zu is not a short plain string", out->nlabels);
        if (!(out->labels[out->nlabels] = strdup(label)))
            BAD("out of memory");
        out->nlabels++;
        if (p == e && e > v && e[-1] == '\t')
            BAD("label %zu is not a short plain string", out->nlabels);
    }
    /* The regions, sorted. */
    if ((got = take_line(&c)) <= 0 || !keyed(&c, "regions", &v, &vn))
        BAD("expected 'regions<TAB>region...'");
    if (!(out->regions = calloc(GP_SPOT_FEED_MAX_REGIONS, sizeof(char *))))
        BAD("out of memory");
    for (const char *p = v, *e = v + vn; p < e || out->nregions == 0;) {
        size_t fl;
        if (out->nregions == GP_SPOT_FEED_MAX_REGIONS)
            BAD("more than %d regions", GP_SPOT_FEED_MAX_REGIONS);
        if (!field(&p, e, name, sizeof(name), &fl) || !plain_name(name))
            BAD("region %zu is not a plain name", out->nregions + 1);
        if (out->nregions && strcmp(out->regions[out->nregions - 1], name) >= 0)
            BAD("region '%s' is not after '%s' (regions are sorted, each once)", name,
                out->regions[out->nregions - 1]);
        if (!(out->regions[out->nregions] = strdup(name)))
            BAD("out of memory");
        out->nregions++;
        if (p == e && e > v && e[-1] == '\t')
            BAD("region %zu is not a plain name", out->nregions + 1);
    }
    /* The count of rows, then one row per type. */
    size_t ntypes = 0;
    if ((got = take_line(&c)) <= 0 || !keyed(&c, "types", &v, &vn) || vn == 0 || vn > 5 ||
        (v[0] == '0'))
        BAD("expected 'types<TAB>count' (1 to %d)", GP_SPOT_FEED_MAX_TYPES);
    for (size_t i = 0; i < vn; i++) {
        if (v[i] < '0' || v[i] > '9')
            BAD("expected 'types<TAB>count' (1 to %d)", GP_SPOT_FEED_MAX_TYPES);
        ntypes = ntypes * 10 + (size_t)(v[i] - '0');
    }
    if (ntypes > GP_SPOT_FEED_MAX_TYPES)
        BAD("%zu types, more than %d", ntypes, GP_SPOT_FEED_MAX_TYPES);
    if (!(out->types = calloc(ntypes, sizeof(char *))) ||
        !(out->bands = malloc(ntypes * out->nregions)))
        BAD("out of memory");
    for (size_t ti = 0; ti < ntypes; ti++) {
        got = take_line(&c);
        if (got == 0)
            BAD("%zu type rows of the %zu announced (a cut file)", ti, ntypes);
        if (got < 0)
            BAD("no newline at the end (a cut file)");
        const char *p = c.s, *e = c.s + c.n;
        size_t fl;
        if (!field(&p, e, name, sizeof(name), &fl) || !plain_name(name) || p == e ||
            p[-1] != '\t')
            BAD("expected 'type<TAB>bands' with a plain type name");
        if (ti && strcmp(out->types[ti - 1], name) >= 0)
            BAD("type '%s' is not after '%s' (types are sorted, each once)", name,
                out->types[ti - 1]);
        if ((size_t)(e - p) != out->nregions)
            BAD("%s: %zu band characters for %zu regions", name, (size_t)(e - p),
                out->nregions);
        unsigned char *row = out->bands + ti * out->nregions;
        size_t figures = 0;
        for (size_t ri = 0; ri < out->nregions; ri++) {
            const char *d = p[ri] ? strchr(BAND_DIGITS, p[ri]) : NULL;
            if (p[ri] == '-')
                row[ri] = GP_SPOT_FEED_NONE;
            else if (d && (size_t)(d - BAND_DIGITS) < out->nlabels)
                row[ri] = (unsigned char)(d - BAND_DIGITS), figures++;
            else
                BAD("%s %s: '%c' is not a band (0 to %c, or - for none)", out->regions[ri],
                    name, p[ri] >= 32 && p[ri] <= 126 ? p[ri] : '?',
                    BAND_DIGITS[out->nlabels - 1]);
        }
        if (figures == 0)
            BAD("%s: no band in any region", name);
        if (!(out->types[ti] = strdup(name)))
            BAD("out of memory");
        out->ntypes = ti + 1;
        out->figures += figures;
    }
    if (c.p != c.end) {
        c.line++;
        BAD("more than the %zu type rows announced", ntypes);
    }
    out->stored = 1;
    rc = 0;
out:
    if (rc != 0)
        gp_spot_feed_clear(out);
    return rc;
}

#undef BAD

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
