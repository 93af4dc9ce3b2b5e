/* The JSON form of AWS's Price List region files, streamed (aws_json.h).
 *
 * Format: AWS Billing docs, "Reading the service price list file for an
 * AWS service" (docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/
 * reading-service-price-list-file-for-services.html). The file is one
 * object; "products" maps each SKU to its attributes and "terms" maps
 * OnDemand/Reserved -> SKU -> offers -> priceDimensions -> pricePerUnit
 * {"USD": "1.0060000000"} (a string). A product and its prices are in
 * different sections, joined by SKU: AWS writes products first, so only
 * the products gpuplan keeps are remembered and the terms of every other
 * SKU are skipped without being parsed; when terms come first, each
 * SKU's least rates wait for its product.
 *
 * gp_jscan is a small JSON state machine over the bytes (strings, escapes,
 * nesting, literals), chunk boundaries anywhere; the values it is asked
 * for are copied out: of a product, the seven attribute strings the row
 * builder reads (a product is not parsed whole: most are not GPU
 * instances); of a kept SKU, its offers, read whole with jansson. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "fetch/aws_json.h"

#define KEY_MAX 64
#define LIT_MAX 64

enum expect {
    E_VALUE,          /* a value (top level, after ':' or ',' in an array) */
    E_VALUE_OR_CLOSE, /* after '[' */
    E_KEY_OR_CLOSE,   /* after '{' */
    E_KEY,            /* after ',' in an object */
    E_COLON,
    E_COMMA_OR_CLOSE,
    E_DONE            /* the top-level value is whole */
};

enum lex { L_NONE, L_STRING, L_ESCAPE, L_HEX, L_LITERAL };

struct gp_jscan {
    gp_jscan_want_fn want;
    gp_jscan_value_fn value;
    gp_jscan_close_fn close;
    void *ctx;
    unsigned long long offset; /* of the byte being read */
    long line;
    int depth;
    char stack[GP_JSCAN_MAX_DEPTH];
    int expect;
    int lex;
    int hex_left;
    int string_is_key;
    /* the key being read (raw, escapes undecoded) */
    char key[KEY_MAX + 1];
    size_t keylen;
    int key_long, key_escaped;
    /* the path: keys of the first levels */
    char keys[GP_JSCAN_KEYS][KEY_MAX + 1];
    const char *path[GP_JSCAN_KEYS];
    char lit[LIT_MAX + 1];
    size_t litlen;
    /* the value being handed on */
    int capturing, cap_depth;
    char *buf;
    size_t len, cap;
    unsigned long long cap_at;
    long cap_line;
    gp_status failed;
    gp_error first_err;
};

gp_status gp_jscan_new(gp_jscan **out, gp_jscan_want_fn want, gp_jscan_value_fn value,
                       void *ctx, gp_error *err)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    (*out)->want = want;
    (*out)->value = value;
    (*out)->ctx = ctx;
    (*out)->line = 1;
    (*out)->expect = E_VALUE;
    return GP_OK;
}

void gp_jscan_on_close(gp_jscan *s, gp_jscan_close_fn fn)
{
    s->close = fn;
}

void gp_jscan_free(gp_jscan *s)
{
    if (!s)
        return;
    free(s->buf);
    free(s);
}

static gp_status bad(gp_jscan *s, const char *name, gp_error *err, const char *what, int c)
{
    if (c >= 0x21 && c < 0x7f)
        return gp_fail(err, GP_EDATA, name, s->line, "not JSON at byte %llu: %s ('%c')",
                       s->offset, what, c);
    return gp_fail(err, GP_EDATA, name, s->line, "not JSON at byte %llu: %s (byte 0x%02x)",
                   s->offset, what, (unsigned)(unsigned char)c);
}

/* Appends n bytes to the value being handed on (and room for a NUL). */
static gp_status append_span(gp_jscan *s, const char *name, const char *p, size_t n,
                             gp_error *err)
{
    while (s->len + n + 1 > s->cap) {
        if (s->cap >= GP_JSCAN_MAX_VALUE_BYTES)
            return gp_fail(err, GP_EDATA, name, s->cap_line,
                           "a value longer than %zu bytes at byte %llu", GP_JSCAN_MAX_VALUE_BYTES,
                           s->cap_at);
        size_t next = s->cap ? s->cap * 2 : 4096;
        char *b = realloc(s->buf, next);
        if (!b)
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        s->buf = b;
        s->cap = next;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return GP_OK;
}

static gp_status append(gp_jscan *s, const char *name, char c, gp_error *err)
{
    return append_span(s, name, &c, 1, err);
}

/* The key just read becomes the path at this depth: decoded by jansson
 * when it has escapes; NULL when it is too long or does not decode. */
static void set_key(gp_jscan *s)
{
    int d = s->depth;
    if (d < 1 || d > GP_JSCAN_KEYS)
        return;
    char *slot = s->keys[d - 1];
    s->path[d - 1] = NULL;
    if (s->key_long)
        return;
    if (!s->key_escaped) {
        memcpy(slot, s->key, s->keylen);
        slot[s->keylen] = '\0';
        s->path[d - 1] = slot;
        return;
    }
    char q[KEY_MAX + 3];
    q[0] = '"';
    memcpy(q + 1, s->key, s->keylen);
    q[s->keylen + 1] = '"';
    json_t *v = json_loadb(q, s->keylen + 2, JSON_DECODE_ANY, NULL);
    if (json_is_string(v) && json_string_length(v) <= KEY_MAX &&
        strlen(json_string_value(v)) == json_string_length(v)) {
        snprintf(slot, KEY_MAX + 1, "%s", json_string_value(v));
        s->path[d - 1] = slot;
    }
    json_decref(v);
}

/* A value (of any kind) has ended at the current depth. */
static gp_status value_end(gp_jscan *s, gp_error *err)
{
    s->expect = s->depth == 0 ? E_DONE : E_COMMA_OR_CLOSE;
    if (!s->capturing || s->depth != s->cap_depth)
        return GP_OK;
    s->capturing = 0;
    s->buf[s->len] = '\0';
    gp_status st = s->value(s->ctx, s->cap_depth, s->path, s->buf, s->len, s->cap_at,
                            s->cap_line, err);
    s->len = 0;
    return st;
}

static int literal_ok(const char *t, size_t n)
{
    if ((n == 4 && memcmp(t, "true", 4) == 0) || (n == 5 && memcmp(t, "false", 5) == 0) ||
        (n == 4 && memcmp(t, "null", 4) == 0))
        return 1;
    /* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? (RFC 8259 section 6) */
    size_t i = 0;
    if (i < n && t[i] == '-')
        i++;
    if (i < n && t[i] == '0')
        i++;
    else if (i < n && t[i] >= '1' && t[i] <= '9')
        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
    else
        return 0;
    if (i < n && t[i] == '.') {
        size_t d = ++i;
        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == n;
}

static int literal_char(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '+' || c == '-' || c == '.';
}

static int is_hex(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A value starts with byte c at the current depth. */
static gp_status value_start(gp_jscan *s, const char *name, int c, gp_error *err)
{
    if (!s->capturing && s->depth >= 1 && s->depth <= GP_JSCAN_KEYS &&
        s->want(s->ctx, s->depth, s->path)) {
        s->capturing = 1;
        s->cap_depth = s->depth;
        s->cap_at = s->offset;
        s->cap_line = s->line;
        s->len = 0;
    }
    if (c == '{' || c == '[') {
        if (s->depth >= GP_JSCAN_MAX_DEPTH)
            return gp_fail(err, GP_EDATA, name, s->line,
                           "not JSON at byte %llu: nested deeper than %d", s->offset,
                           GP_JSCAN_MAX_DEPTH);
        s->stack[s->depth++] = (char)c;
        if (s->depth <= GP_JSCAN_KEYS)
            s->path[s->depth - 1] = NULL;
        s->expect = c == '{' ? E_KEY_OR_CLOSE : E_VALUE_OR_CLOSE;
        return GP_OK;
    }
    if (c == '"') {
        s->lex = L_STRING;
        s->string_is_key = 0;
        return GP_OK;
    }
    if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
        s->lex = L_LITERAL;
        s->lit[0] = (char)c;
        s->litlen = 1;
        return GP_OK;
    }
    return bad(s, name, err, "a value was expected", c);
}

static gp_status step(gp_jscan *s, const char *name, int c, gp_error *err)
{
    gp_status st;
    if (s->lex == L_LITERAL) {
        if (literal_char(c)) {
            if (s->litlen >= LIT_MAX)
                return bad(s, name, err, "a literal too long", c);
            s->lit[s->litlen++] = (char)c;
            return s->capturing ? append(s, name, (char)c, err) : GP_OK;
        }
        if (!literal_ok(s->lit, s->litlen)) {
            s->lit[s->litlen] = '\0';
            return gp_fail(err, GP_EDATA, name, s->line,
                           "not JSON at byte %llu: '%s' is no number, true, false or null",
                           s->offset, s->lit);
        }
        s->lex = L_NONE;
        if ((st = value_end(s, err)) != GP_OK)
            return st;
        /* c is read below */
    }
    if (s->lex != L_NONE) {
        if (s->capturing && (st = append(s, name, (char)c, err)) != GP_OK)
            return st;
        int keep = s->string_is_key && s->depth <= GP_JSCAN_KEYS;
        switch (s->lex) {
        case L_STRING:
            if (c == '"') {
                s->lex = L_NONE;
                if (s->string_is_key) {
                    set_key(s);
                    s->expect = E_COLON;
                    return GP_OK;
                }
                return value_end(s, err);
            }
            if ((unsigned char)c < 0x20)
                return bad(s, name, err, "a control character in a string", c);
            if (c == '\\') {
                s->lex = L_ESCAPE;
                s->key_escaped |= keep;
            }
            break;
        case L_ESCAPE:
            if (c == 'u') {
                s->lex = L_HEX;
                s->hex_left = 4;
            } else if (strchr("\"\\/bfnrt", c) && c) {
                s->lex = L_STRING;
            } else {
                return bad(s, name, err, "a bad escape in a string", c);
            }
            break;
        default: /* L_HEX */
            if (!is_hex(c))
                return bad(s, name, err, "a bad \\u escape in a string", c);
            if (--s->hex_left == 0)
                s->lex = L_STRING;
            break;
        }
        if (keep) {
            if (s->keylen < KEY_MAX)
                s->key[s->keylen++] = (char)c;
            else
                s->key_long = 1;
        }
        return GP_OK;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return s->capturing ? append(s, name, (char)c, err) : GP_OK;
    switch (s->expect) {
    case E_DONE:
        return bad(s, name, err, "more after the document's end", c);
    case E_COLON:
        if (c != ':')
            return bad(s, name, err, "':' was expected", c);
        s->expect = E_VALUE;
        break;
    case E_KEY_OR_CLOSE:
    case E_KEY:
        if (c == '}' && s->expect == E_KEY_OR_CLOSE)
            goto close;
        if (c != '"')
            return bad(s, name, err, "a key was expected", c);
        s->lex = L_STRING;
        s->string_is_key = 1;
        s->keylen = 0;
        s->key_long = s->key_escaped = 0;
        break;
    case E_COMMA_OR_CLOSE:
        if (c == '}' || c == ']')
            goto close;
        if (c != ',')
            return bad(s, name, err, "',' or a closing bracket was expected", c);
        s->expect = s->stack[s->depth - 1] == '{' ? E_KEY : E_VALUE;
        break;
    case E_VALUE_OR_CLOSE:
        if (c == ']')
            goto close;
        /* fall through */
    default: /* E_VALUE */
        if ((st = value_start(s, name, c, err)) != GP_OK)
            return st;
        break;
    }
    return s->capturing ? append(s, name, (char)c, err) : GP_OK;
close:
    if (s->stack[s->depth - 1] != (c == '}' ? '{' : '['))
        return bad(s, name, err, "a closing bracket of the wrong kind", c);
    int inside = s->capturing;
    if (inside && (st = append(s, name, (char)c, err)) != GP_OK)
        return st;
    s->depth--;
    if ((st = value_end(s, err)) != GP_OK)
        return st;
    if (!inside && s->close && s->depth >= 1 && s->depth <= GP_JSCAN_KEYS)
        return s->close(s->ctx, s->depth, s->path, err);
    return GP_OK;
}

gp_status gp_jscan_feed(gp_jscan *s, const char *name, const char *data, size_t len,
                        gp_error *err)
{
    if (s->failed != GP_OK) {
        if (err)
            *err = s->first_err;
        return s->failed;
    }
    for (size_t i = 0; i < len; i++) {
        /* Most bytes are inside strings (values, not keys) or blanks
         * between tokens: those runs are taken whole, the same as byte by
         * byte (a run holds no quote, backslash, control character or
         * line break). */
        size_t run = 0;
        if (s->lex == L_STRING && !s->string_is_key) {
            while (i + run < len && (unsigned char)data[i + run] >= 0x20 && data[i + run] != '"' &&
                   data[i + run] != '\\')
                run++;
        } else if (s->lex == L_NONE) {
            while (i + run < len && (data[i + run] == ' ' || data[i + run] == '\t'))
                run++;
        }
        if (run) {
            gp_status st = s->capturing ? append_span(s, name, data + i, run, err) : GP_OK;
            if (st != GP_OK) {
                s->failed = st;
                if (err)
                    s->first_err = *err;
                return st;
            }
            s->offset += run;
            i += run - 1;
            continue;
        }
        gp_status st = step(s, name, (unsigned char)data[i], err);
        if (st != GP_OK) {
            s->failed = st;
            if (err)
                s->first_err = *err;
            return st;
        }
        if (data[i] == '\n')
            s->line++;
        s->offset++;
    }
    return GP_OK;
}

/* "products" / "terms"."OnDemand": where the document ended */
static void where(const gp_jscan *s, char *out, size_t cap)
{
    out[0] = '\0';
    size_t n = 0;
    for (int d = 0; d < s->depth && d < GP_JSCAN_KEYS - 1 && n + 1 < cap; d++) {
        const char *k = s->path[d];
        if (!k)
            break;
        int w = snprintf(out + n, cap - n, "%s\"%.40s\"", d ? "." : "", k);
        if (w < 0)
            break;
        n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
    }
}

gp_status gp_jscan_end(gp_jscan *s, const char *name, gp_error *err)
{
    if (s->failed != GP_OK) {
        if (err)
            *err = s->first_err;
        return s->failed;
    }
    gp_status st = GP_OK;
    if (s->lex == L_LITERAL && s->depth == 0) /* a document that is one number */
        st = step(s, name, ' ', err);
    if (st == GP_OK && s->expect != E_DONE) {
        if (s->offset == 0)
            return gp_fail(err, GP_EDATA, name, 0, "empty: no JSON document");
        char at[200];
        where(s, at, sizeof(at));
        st = gp_fail(err, GP_EDATA, name, s->line,
                     "the JSON document ends at byte %llu%s%s%s: truncated", s->offset,
                     s->lex != L_NONE ? " inside a string" : "",
                     *at ? " inside " : "", at);
    }
    if (st != GP_OK) {
        s->failed = st;
        if (err)
            s->first_err = *err;
    }
    return st;
}

/* ---- SKU maps --------------------------------------------------------- */

#define SKU_MAX 32 /* AWS SKUs have 16 characters */

typedef struct kept_entry {
    char sku[SKU_MAX];
    const gp_offer *spec;
    char region[32];
} kept_entry;

typedef struct pending_entry {
    char sku[SKU_MAX];
    double od, r1, r3;
    int bad; /* a relevant price was not a number */
} pending_entry;

/* Open addressing, linear probing; an entry whose sku[0] is 0 is free. */
typedef struct sku_map {
    char *slots;
    size_t esize, cap, n, max;
} sku_map;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void *map_find(const sku_map *m, const char *sku)
{
    if (!m->cap)
        return NULL;
    for (size_t i = hash(sku) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        char *e = m->slots + i * m->esize;
        if (!e[0])
            return NULL;
        if (strcmp(e, sku) == 0)
            return e;
    }
}

/* The entry for sku, new (zeroed but for the key) or existing; NULL when
 * out of memory or past m->max entries. */
static void *map_add(sku_map *m, const char *sku, int *is_new)
{
    void *e = map_find(m, sku);
    *is_new = 0;
    if (e)
        return e;
    if (m->n >= m->max)
        return NULL;
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        char *slots = calloc(cap, m->esize);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < m->cap; i++) {
            char *old = m->slots + i * m->esize;
            if (!old[0])
                continue;
            size_t j = hash(old) & (cap - 1);
            while (slots[j * m->esize])
                j = (j + 1) & (cap - 1);
            memcpy(slots + j * m->esize, old, m->esize);
        }
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
    }
    size_t i = hash(sku) & (m->cap - 1);
    while (m->slots[i * m->esize])
        i = (i + 1) & (m->cap - 1);
    char *slot = m->slots + i * m->esize;
    memset(slot, 0, m->esize);
    snprintf(slot, SKU_MAX, "%s", sku);
    m->n++;
    *is_new = 1;
    return slot;
}

/* ---- one region file -------------------------------------------------- */

/* The attributes of the product being read that the row builder asks
 * about, in gp_aws_product's order. */
static const char *const ATTRS[] = {"instanceType",   "tenancy",        "operatingSystem",
                                    "capacitystatus", "preInstalledSw", "marketoption",
                                    "regionCode"};
#define NATTRS (sizeof(ATTRS) / sizeof(ATTRS[0]))
#define ATTR_MAX 64

struct gp_aws_json {
    gp_aws *a;
    char region[32];
    char attr[NATTRS][ATTR_MAX]; /* of the product being read */
    gp_jscan *scan;
    sku_map kept, pending;
    int seen_products, seen_terms;
    const char *name; /* the file being read, during a call */
};

static int usable_sku(const char *k)
{
    return k && *k && strlen(k) < SKU_MAX;
}

static int is_term_type(const char *k)
{
    return k && (strcmp(k, "OnDemand") == 0 || strcmp(k, "Reserved") == 0);
}

static int want(void *ctx, int depth, const char *const *keys)
{
    gp_aws_json *j = ctx;
    if (depth == 1 && keys[0]) {
        if (strcmp(keys[0], "products") == 0)
            j->seen_products = 1;
        else if (strcmp(keys[0], "terms") == 0)
            j->seen_terms = 1;
        return strcmp(keys[0], "publicationDate") == 0;
    }
    if (!keys[0])
        return 0;
    /* a product: not parsed whole, only the few attributes asked about
     * (most products are not GPU instances), gathered until it closes */
    if (depth == 2 && strcmp(keys[0], "products") == 0) {
        memset(j->attr, 0, sizeof(j->attr));
        return 0;
    }
    if (depth == 4 && strcmp(keys[0], "products") == 0 && usable_sku(keys[1]) && keys[2] &&
        strcmp(keys[2], "attributes") == 0 && keys[3])
        for (size_t i = 0; i < NATTRS; i++)
            if (strcmp(keys[3], ATTRS[i]) == 0)
                return 1;
    /* a SKU's offers: parsed only when its product is kept, or may still
     * come (terms before products) */
    if (depth == 3 && strcmp(keys[0], "terms") == 0 && is_term_type(keys[1]) &&
        usable_sku(keys[2]))
        return !j->seen_products || map_find(&j->kept, keys[2]) != NULL;
    return 0;
}

static const char *attr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void pending_min(double *slot, double v)
{
    if (isnan(*slot) || v < *slot)
        *slot = v;
}

/* One attribute value (JSON text): kept when it is a string; its first
 * ATTR_MAX - 1 bytes are enough to match (no attribute compared is
 * longer). */
static void on_attr(gp_aws_json *j, const char *name, const char *text, size_t len)
{
    for (size_t i = 0; i < NATTRS; i++) {
        if (strcmp(name, ATTRS[i]) != 0)
            continue;
        j->attr[i][0] = '\0';
        if (len < 2 || text[0] != '"')
            return;
        if (!memchr(text, '\\', len)) {
            size_t n = len - 2 < ATTR_MAX - 1 ? len - 2 : ATTR_MAX - 1;
            memcpy(j->attr[i], text + 1, n);
            j->attr[i][n] = '\0';
            return;
        }
        json_t *v = json_loadb(text, len, JSON_DECODE_ANY, NULL);
        if (json_is_string(v))
            snprintf(j->attr[i], ATTR_MAX, "%s", json_string_value(v));
        json_decref(v);
        return;
    }
}

/* A product has closed: kept when the row builder wants it, and its
 * prices, if they came first, kept with it. */
static gp_status on_product(gp_aws_json *j, const char *name, const char *sku, gp_error *err)
{
    gp_aws_product p = {j->attr[0], j->attr[1], j->attr[2], j->attr[3],
                        j->attr[4], j->attr[5], j->attr[6]};
    const char *region;
    const gp_offer *spec = gp_aws_product_spec(j->a, &p, j->region, &region);
    if (!spec)
        return GP_OK;
    int is_new;
    kept_entry *k = map_add(&j->kept, sku, &is_new);
    if (!k)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    if (!is_new)
        return GP_OK; /* the first product of a SKU stands */
    k->spec = spec;
    snprintf(k->region, sizeof(k->region), "%s", region);
    pending_entry *pe = map_find(&j->pending, sku);
    if (!pe)
        return GP_OK;
    if (pe->bad)
        return gp_fail(err, GP_EDATA, name, 0,
                       "a price of SKU %s (terms before products) is not a price", sku);
    gp_status st = GP_OK;
    if (!isnan(pe->od))
        st = gp_aws_keep(j->a, spec, k->region, GP_AWS_ON_DEMAND, pe->od, err);
    if (st == GP_OK && !isnan(pe->r1))
        st = gp_aws_keep(j->a, spec, k->region, GP_AWS_RESERVED_1Y, pe->r1, err);
    if (st == GP_OK && !isnan(pe->r3))
        st = gp_aws_keep(j->a, spec, k->region, GP_AWS_RESERVED_3Y, pe->r3, err);
    return st;
}

/* One SKU's offers under terms.<term>: every price dimension and currency
 * through gp_aws_price_slot(); kept now when the product is known, else
 * remembered per SKU. */
static gp_status on_offers(gp_aws_json *j, const char *name, const char *term, const char *sku,
                           json_t *v, unsigned long long at, long line, gp_error *err)
{
    if (!json_is_object(v))
        return gp_fail(err, GP_EDATA, name, line,
                       "the %s terms of SKU %s at byte %llu are not an object", term, sku, at);
    kept_entry *k = map_find(&j->kept, sku);
    pending_entry *pe = NULL;
    if (!k) {
        int is_new;
        pe = map_add(&j->pending, sku, &is_new);
        if (!pe) {
            if (j->pending.n >= j->pending.max)
                return gp_fail(err, GP_EDATA, name, line,
                               "more than %zu SKUs priced before their products", j->pending.max);
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        }
        if (is_new)
            pe->od = pe->r1 = pe->r3 = NAN;
    }
    const char *code;
    json_t *offer;
    json_object_foreach(v, code, offer)
    {
        json_t *ta = json_object_get(offer, "termAttributes");
        json_t *dims = json_object_get(offer, "priceDimensions");
        const char *rate;
        json_t *dim;
        json_object_foreach(dims, rate, dim)
        {
            json_t *ppu = json_object_get(dim, "pricePerUnit");
            const char *currency;
            json_t *pv;
            json_object_foreach(ppu, currency, pv)
            {
                char num[40] = "";
                const char *text = num;
                if (json_is_string(pv))
                    text = json_string_value(pv);
                else if (json_is_number(pv))
                    snprintf(num, sizeof(num), "%.17g", json_number_value(pv));
                gp_aws_price p = {term,
                                  attr(dim, "unit"),
                                  currency,
                                  text,
                                  attr(ta, "LeaseContractLength"),
                                  attr(ta, "PurchaseOption"),
                                  attr(ta, "OfferingClass")};
                gp_aws_slot slot;
                double usd;
                if (gp_aws_price_slot(&p, &slot, &usd) != 0) {
                    if (pe) {
                        pe->bad = 1;
                        continue;
                    }
                    return gp_fail(err, GP_EDATA, name, line,
                                   "pricePerUnit '%.40s' of SKU %s (%s terms at byte %llu) is "
                                   "not a price",
                                   text, sku, term, at);
                }
                if (slot == GP_AWS_NONE)
                    continue;
                if (k) {
                    gp_status st = gp_aws_keep(j->a, k->spec, k->region, slot, usd, err);
                    if (st != GP_OK)
                        return st;
                } else {
                    pending_min(slot == GP_AWS_ON_DEMAND    ? &pe->od
                                : slot == GP_AWS_RESERVED_1Y ? &pe->r1
                                                             : &pe->r3,
                                usd);
                }
            }
        }
    }
    return GP_OK;
}

static gp_status on_value(void *ctx, int depth, const char *const *keys, const char *text,
                          size_t len, unsigned long long at, long line, gp_error *err)
{
    gp_aws_json *j = ctx;
    if (depth == 4) {
        on_attr(j, keys[3], text, len);
        return GP_OK;
    }
    json_error_t je;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &je);
    if (!v)
        return gp_fail(err, GP_EDATA, j->name, line + (je.line > 0 ? je.line - 1 : 0),
                       "not JSON at byte %llu: %s", at + (unsigned long long)je.position,
                       je.text);
    gp_status st = GP_OK;
    if (depth == 1) {
        if (json_is_string(v))
            gp_aws_publication(j->a, json_string_value(v));
    } else {
        st = on_offers(j, j->name, keys[1], keys[2], v, at, line, err);
    }
    json_decref(v);
    return st;
}

static gp_status on_close(void *ctx, int depth, const char *const *keys, gp_error *err)
{
    gp_aws_json *j = ctx;
    if (depth == 2 && keys[0] && strcmp(keys[0], "products") == 0 && usable_sku(keys[1]))
        return on_product(j, j->name, keys[1], err);
    return GP_OK;
}

gp_status gp_aws_json_new(gp_aws_json **out, gp_aws *a, const char *region, gp_error *err)
{
    *out = NULL;
    gp_aws_json *j = calloc(1, sizeof(*j));
    if (!j)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    j->a = a;
    snprintf(j->region, sizeof(j->region), "%s", region ? region : "");
    j->kept.esize = sizeof(kept_entry);
    j->kept.max = (size_t)-1;
    j->pending.esize = sizeof(pending_entry);
    j->pending.max = GP_AWS_JSON_MAX_PENDING;
    gp_status st = gp_jscan_new(&j->scan, want, on_value, j, err);
    if (st != GP_OK) {
        free(j);
        return st;
    }
    gp_jscan_on_close(j->scan, on_close);
    *out = j;
    return GP_OK;
}

void gp_aws_json_free(gp_aws_json *j)
{
    if (!j)
        return;
    gp_jscan_free(j->scan);
    free(j->kept.slots);
    free(j->pending.slots);
    free(j);
}

gp_status gp_aws_json_feed(gp_aws_json *j, const char *name, const char *data, size_t len,
                           gp_error *err)
{
    j->name = name;
    return gp_jscan_feed(j->scan, name, data, len, err);
}

gp_status gp_aws_json_end(gp_aws_json *j, const char *name, gp_error *err)
{
    j->name = name;
    gp_status st = gp_jscan_end(j->scan, name, err);
    if (st == GP_OK && !j->seen_products && !j->seen_terms)
        st = gp_fail(err, GP_EDATA, name, 0,
                     "no \"products\" or \"terms\": not an AWS Price List JSON file");
    return st;
}
