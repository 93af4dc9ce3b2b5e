/* A URL query as a command's options: the one parser between the web and
 * the CLI's option tables (web/web.h). Pure: no I/O, fuzzed by
 * tests/fuzz/fuzz_web_query.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "web.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long gp_web_decode(const char *s, size_t n, char *out, size_t cap)
{
    if (cap == 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c < 0x20 || c == 0x7f)
            return -1; /* NUL, newline, escape: never an option value */
        if (o + 1 >= cap)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return (long)o;
}

static const gp_opt *find_opt(const gp_opt *opts, size_t nopts, const char *name)
{
    for (size_t i = 0; i < nopts; i++)
        if (strcmp(opts[i].name, name) == 0)
            return &opts[i];
    return NULL;
}

/* Options the web may not pass: they read or write files on the server, or
 * are the server's own (help). */
static int refused(const gp_opt *o)
{
    static const char *const NAMES[] = {"catalog", "no-embedded", "skip-bad-rows", "help"};
    for (size_t i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++)
        if (strcmp(o->name, NAMES[i]) == 0)
            return 1;
    if (o->flags & OPT_TWO)
        return 1;
    const char *m = o->metavar ? o->metavar : "";
    return strstr(m, "FILE") || strstr(m, "PATH") || strstr(m, "DIR");
}

static int name_ok(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z') || strlen(s) > 40)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

static int fail(gp_web_query *q, int status, const char *param, const char *msg)
{
    q->status = status;
    q->param = param;
    snprintf(q->message, sizeof(q->message), "%s", msg);
    return -1;
}

int gp_web_query_parse(const gp_opt *opts, size_t nopts, int csv_ok, const char *query,
                       gp_web_query *q)
{
    memset(q, 0, sizeof(*q));
    q->format = "json";
    q->status = 200;
    char msg[256];
    const char *p = query ? query : "";
    while (*p) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        size_t nlen = eq ? (size_t)(eq - p) : len;
        char key[48], val[GP_WEB_MAX_VALUE];
        if (len == 0)
            goto next;
        if (q->nnames == GP_WEB_MAX_PARAMS)
            return fail(q, 400, NULL, "too many parameters (at most 64)");
        if (gp_web_decode(p, nlen, key, sizeof(key)) < 0 || !name_ok(key))
            return fail(q, 400, NULL,
                        "bad parameter name: names are option names such as gpu or "
                        "max-price");
        char *name = q->names[q->nnames];
        snprintf(name, sizeof(q->names[0]), "%s", key);
        q->nnames++;
        long vlen = eq ? gp_web_decode(eq + 1, len - nlen - 1, val, sizeof(val)) : 0;
        if (!eq)
            val[0] = '\0';
        if (vlen < 0) {
            snprintf(msg, sizeof(msg), "bad value for %s: too long, a bad %%XX escape or "
                     "a control character", key);
            return fail(q, 400, name, msg);
        }
        if (strcmp(key, "format") == 0) {
            if (strcmp(val, "json") == 0 || (csv_ok && strcmp(val, "csv") == 0)) {
                q->format = strcmp(val, "csv") == 0 ? "csv" : "json";
                goto next;
            }
            snprintf(msg, sizeof(msg), "format must be json%s, not '%.40s'",
                     csv_ok ? " or csv" : "", val);
            return fail(q, 400, name, msg);
        }
        const gp_opt *o = find_opt(opts, nopts, key);
        /* --help is the parser's own, in no option table. */
        if ((o && refused(o)) || strcmp(key, "help") == 0) {
            snprintf(msg, sizeof(msg), "parameter '%s' is not available over the web (it "
                     "names files on the server or is the server's own)", key);
            return fail(q, 400, name, msg);
        }
        char *arg;
        if (o && o->kind == OPT_FLAG) {
            if (strcmp(val, "0") == 0 || strcmp(val, "false") == 0)
                goto next;
            if (val[0] && strcmp(val, "1") != 0 && strcmp(val, "true") != 0) {
                snprintf(msg, sizeof(msg), "%s is a flag: 1 (or true, or no value) sets "
                         "it, 0 leaves it out; not '%.40s'", key, val);
                return fail(q, 400, name, msg);
            }
            arg = malloc(strlen(key) + 3);
            if (arg)
                sprintf(arg, "--%s", key);
        } else {
            /* "--NAME=VALUE": a value starting with '-' stays a value. An
             * unknown NAME reaches the CLI, which names it and suggests. */
            arg = malloc(strlen(key) + strlen(val) + 4);
            if (arg)
                sprintf(arg, eq ? "--%s=%s" : "--%s", key, val);
        }
        if (!arg)
            return fail(q, 500, NULL, "out of memory");
        q->argv[q->argc++] = arg;
        q->values[q->nnames - 1] = arg;
    next:
        p += len;
        if (*p == '&')
            p++;
    }
    return 0;
}

void gp_web_query_free(gp_web_query *q)
{
    for (size_t i = 0; i < q->argc; i++)
        free(q->argv[i]);
    q->argc = 0;
}

const char *gp_web_param_of(const gp_web_query *q, const char *msg)
{
    const char *best = NULL, *at = NULL;
    for (size_t i = 0; i < q->nnames; i++) {
        char flag[56];
        snprintf(flag, sizeof(flag), "--%.47s", q->names[i]);
        for (const char *p = strstr(msg, flag); p; p = strstr(p + 1, flag)) {
            char next = p[strlen(flag)];
            if ((next >= 'a' && next <= 'z') || (next >= '0' && next <= '9') || next == '-')
                continue; /* --gpu inside --gpus */
            if (!at || p < at) {
                at = p;
                best = q->names[i];
            }
            break;
        }
    }
    for (size_t i = 0; !best && i < q->nnames; i++) {
        const char *v = q->values[i] ? strchr(q->values[i], '=') : NULL;
        char quoted[GP_WEB_MAX_VALUE + 2];
        if (v && v[1]) {
            snprintf(quoted, sizeof(quoted), "'%.1023s'", v + 1);
            if (strstr(msg, quoted))
                best = q->names[i];
        }
    }
    return best;
}

int gp_web_take_param(const char *query, const char *name, char *rest, size_t cap, char *value,
                      size_t vcap, int *found)
{
    size_t o = 0, nl = strlen(name);
    *found = 0;
    if (cap == 0 || vcap == 0)
        return -1;
    rest[0] = '\0';
    value[0] = '\0';
    for (const char *p = query ? query : ""; *p;) {
        size_t len = strcspn(p, "&");
        if (len >= nl && strncmp(p, name, nl) == 0 && (len == nl || p[nl] == '=')) {
            size_t vl = len > nl ? len - nl - 1 : 0;
            if (vl + 1 > vcap)
                return -1;
            memcpy(value, p + nl + 1, vl);
            value[vl] = '\0';
            *found = 1;
        } else if (len) {
            if (o + len + 2 > cap)
                return -1;
            if (o)
                rest[o++] = '&';
            memcpy(rest + o, p, len);
            o += len;
            rest[o] = '\0';
        }
        p += len;
        if (*p == '&')
            p++;
    }
    return 0;
}
