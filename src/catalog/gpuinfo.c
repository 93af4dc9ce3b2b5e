/* A small reader for Python/JSON literals, just enough for GpuInfo. */
#include "gpuplan/gpuinfo.h"

#include <ctype.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"
#include "core/numparse.h"

enum { MAX_DEPTH = 24 };

/* Where in the GpuInfo structure the value being read sits. */
typedef enum path {
    P_OTHER = 0,
    P_TOP,        /* the top-level dict */
    P_GPUS,       /* the 'Gpus' list */
    P_GPU0,       /* its first element */
    P_MEMINFO,    /* Gpus[0].MemoryInfo */
} path;

/* Which field a scalar fills. */
typedef enum slot {
    S_NONE = 0,
    S_NAME,
    S_MANUFACTURER,
    S_COUNT,
    S_MEMORY,
    S_TOTAL,
} slot;

typedef struct parser {
    const char *p, *end;
    gp_gpuinfo *out;
    gp_error *err;
    int depth;
} parser;

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && isspace((unsigned char)*ps->p))
        ps->p++;
}

static gp_status bad(parser *ps, const char *what)
{
    return gp_fail(ps->err, GP_EDATA, NULL, 0, "GpuInfo: %s", what);
}

/* A quoted string; copies into dst (truncating) when dst is not NULL. */
static gp_status read_string(parser *ps, char *dst, size_t cap)
{
    char quote = *ps->p++;
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != quote) {
        char c = *ps->p++;
        if (c == '\\') {
            if (ps->p >= ps->end)
                return bad(ps, "unterminated string");
            c = *ps->p++;
        }
        if (dst && n + 1 < cap)
            dst[n++] = c;
    }
    if (ps->p >= ps->end)
        return bad(ps, "unterminated string");
    ps->p++;
    if (dst && cap)
        dst[n] = '\0';
    return GP_OK;
}

/* A bare token: number, True/False/None/null, or an unquoted word. */
static void read_token(parser *ps, char *dst, size_t cap)
{
    size_t n = 0;
    while (ps->p < ps->end && !strchr(",:]}) \t\r\n", *ps->p)) {
        if (n + 1 < cap)
            dst[n++] = *ps->p;
        ps->p++;
    }
    dst[n] = '\0';
}

static double token_number(const char *s)
{
    if (!*s)
        return NAN;
    char *endp = NULL;
    double v = gp_strtod_c(s, &endp); /* '.' whatever the locale */
    if (endp == s || *endp || !isfinite(v))
        return NAN;
    return v;
}

static void store_scalar(parser *ps, slot s, const char *text)
{
    gp_gpuinfo *o = ps->out;
    switch (s) {
    case S_NAME:
        snprintf(o->name, sizeof(o->name), "%s", text);
        break;
    case S_MANUFACTURER:
        snprintf(o->manufacturer, sizeof(o->manufacturer), "%s", text);
        break;
    case S_COUNT: o->count = token_number(text); break;
    case S_MEMORY: o->memory_mib = token_number(text); break;
    case S_TOTAL: o->total_memory_mib = token_number(text); break;
    case S_NONE: break;
    }
}

static slot key_slot(path where, const char *key, path *child)
{
    *child = P_OTHER;
    if (where == P_TOP) {
        if (strcasecmp(key, "Gpus") == 0)
            *child = P_GPUS;
        else if (strcasecmp(key, "TotalGpuMemoryInMiB") == 0 ||
                 strcasecmp(key, "TotalNeuronDeviceMemoryInMiB") == 0)
            return S_TOTAL;
    } else if (where == P_GPU0) {
        if (strcasecmp(key, "Name") == 0)
            return S_NAME;
        if (strcasecmp(key, "Manufacturer") == 0)
            return S_MANUFACTURER;
        if (strcasecmp(key, "Count") == 0)
            return S_COUNT;
        if (strcasecmp(key, "MemoryInfo") == 0)
            *child = P_MEMINFO;
    } else if (where == P_MEMINFO) {
        if (strcasecmp(key, "SizeInMiB") == 0)
            return S_MEMORY;
    }
    return S_NONE;
}

static gp_status read_value(parser *ps, path where, slot s);

static gp_status read_dict(parser *ps, path where)
{
    ps->p++; /* '{' */
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end)
            return bad(ps, "unterminated dict");
        if (*ps->p == '}') {
            ps->p++;
            return GP_OK;
        }
        char key[64] = "";
        if (*ps->p == '\'' || *ps->p == '"') {
            gp_status st = read_string(ps, key, sizeof(key));
            if (st != GP_OK)
                return st;
        } else {
            read_token(ps, key, sizeof(key));
            if (!key[0])
                return bad(ps, "expected a key");
        }
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':')
            return bad(ps, "expected ':' after a key");
        ps->p++;
        path child;
        slot s = key_slot(where, key, &child);
        gp_status st = read_value(ps, child, s);
        if (st != GP_OK)
            return st;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',')
            ps->p++;
        else if (ps->p < ps->end && *ps->p != '}')
            return bad(ps, "expected ',' or '}' in a dict");
    }
}

static gp_status read_list(parser *ps, path where)
{
    char close = *ps->p == '[' ? ']' : ')';
    ps->p++;
    for (int index = 0;; index++) {
        skip_ws(ps);
        if (ps->p >= ps->end)
            return bad(ps, "unterminated list");
        if (*ps->p == close) {
            ps->p++;
            return GP_OK;
        }
        path child = (where == P_GPUS && index == 0) ? P_GPU0 : P_OTHER;
        gp_status st = read_value(ps, child, S_NONE);
        if (st != GP_OK)
            return st;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',')
            ps->p++;
        else if (ps->p < ps->end && *ps->p != close)
            return bad(ps, "expected ',' or the end of a list");
    }
}

static gp_status read_value(parser *ps, path where, slot s)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return bad(ps, "missing value");
    if (++ps->depth > MAX_DEPTH)
        return bad(ps, "nested too deeply");
    gp_status st = GP_OK;
    char c = *ps->p;
    if (c == '{') {
        st = read_dict(ps, where);
    } else if (c == '[' || c == '(') {
        st = read_list(ps, where);
    } else if (c == '\'' || c == '"') {
        char text[GP_GPUINFO_NAME_MAX];
        st = read_string(ps, text, sizeof(text));
        if (st == GP_OK)
            store_scalar(ps, s, text);
    } else {
        char text[GP_GPUINFO_NAME_MAX];
        read_token(ps, text, sizeof(text));
        if (!text[0])
            st = bad(ps, "unexpected character");
        else if (strcasecmp(text, "None") != 0 &&
                 strcasecmp(text, "null") != 0)
            store_scalar(ps, s, text);
    }
    ps->depth--;
    return st;
}

gp_status gp_gpuinfo_parse(const char *text, size_t len, gp_gpuinfo *out,
                           gp_error *err)
{
    memset(out, 0, sizeof(*out));
    out->count = NAN;
    out->memory_mib = NAN;
    out->total_memory_mib = NAN;
    parser ps = {text, text + len, out, err, 0};
    skip_ws(&ps);
    const char *end = ps.end;
    while (end > ps.p && isspace((unsigned char)end[-1]))
        end--;
    size_t n = (size_t)(end - ps.p);
    if (n == 0 || (n == 4 && strncasecmp(ps.p, "None", 4) == 0) ||
        (n == 4 && strncasecmp(ps.p, "null", 4) == 0) ||
        (n == 3 && strncasecmp(ps.p, "nan", 3) == 0))
        return GP_OK;
    if (*ps.p != '{') {
        /* A bare accelerator name, as runpod, azure and paperspace write. */
        if (memchr(ps.p, '{', n) || memchr(ps.p, '[', n))
            return bad(&ps, "a name mixed with a dict or list");
        size_t copy = n < sizeof(out->name) - 1 ? n : sizeof(out->name) - 1;
        memcpy(out->name, ps.p, copy);
        out->name[copy] = '\0';
        out->is_bare = 1;
        return GP_OK;
    }
    gp_status st = read_value(&ps, P_TOP, S_NONE);
    if (st != GP_OK)
        return st;
    skip_ws(&ps);
    if (ps.p != ps.end)
        return bad(&ps, "text after the closing '}'");
    return GP_OK;
}
