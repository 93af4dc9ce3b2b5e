/* Option parsing and help text, driven by each command's option table. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "out.h"
#include "gpuplan/accel.h"
#include "gpuplan/model.h"
#include "gpuplan/query.h"
#include "gpuplan/units.h"

int gp_usage_error(const char *cmd_name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cmd_name)
        fprintf(stderr, "gpuplan %s: ", cmd_name);
    else
        fputs("gpuplan: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return GP_EXIT_USAGE;
}

int gp_report(const char *cmd_name, gp_status status, const gp_error *err)
{
    if (err && err->file[0]) {
        if (err->line > 0)
            fprintf(stderr, "gpuplan: %s:%ld: %s\n", err->file, err->line,
                    err->message);
        else
            fprintf(stderr, "gpuplan: %s: %s\n", err->file, err->message);
    } else if (cmd_name) {
        fprintf(stderr, "gpuplan %s: %s\n", cmd_name,
                err && err->message[0] ? err->message : gp_strerror(status));
    } else {
        fprintf(stderr, "gpuplan: %s\n",
                err && err->message[0] ? err->message : gp_strerror(status));
    }
    switch (status) {
    case GP_OK: return GP_EXIT_OK;
    case GP_EIO:
    case GP_EDATA: return GP_EXIT_DATA;
    case GP_EINVAL:
    case GP_ENOTFOUND:
    case GP_ERANGE: return GP_EXIT_USAGE;
    case GP_ENOMEM:
    case GP_ESTOPPED: return GP_EXIT_FAIL;
    }
    return GP_EXIT_FAIL;
}

void gp_suggest(const char *word, const char *const *names, size_t n,
                char *out, size_t cap)
{
    out[0] = '\0';
    size_t best[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    const char *pick[3] = {NULL, NULL, NULL};
    size_t wl = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = gp_edit_distance(word, names[i]);
        /* A prefix of a name is a strong hint ("--all" -> "--all-regions"). */
        if (wl >= 3 && strncmp(names[i], word, wl) == 0)
            d = 1;
        for (int k = 0; k < 3; k++) {
            if (d < best[k]) {
                for (int m = 2; m > k; m--) {
                    best[m] = best[m - 1];
                    pick[m] = pick[m - 1];
                }
                best[k] = d;
                pick[k] = names[i];
                break;
            }
        }
    }
    size_t limit = wl / 3 + 1;
    if (limit < 2)
        limit = 2;
    for (int k = 0; k < 3; k++) {
        if (!pick[k] || best[k] > limit)
            continue;
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s", used ? ", " : "", pick[k]);
    }
}

static int find_long(const gp_cmd *cmd, const char *name, size_t len)
{
    for (size_t i = 0; i < cmd->nopts; i++)
        if (strlen(cmd->opts[i].name) == len &&
            strncmp(cmd->opts[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static int find_short(const gp_cmd *cmd, char c)
{
    for (size_t i = 0; i < cmd->nopts; i++)
        if (cmd->opts[i].short_name == c)
            return (int)i;
    return -1;
}

static int unknown_option(const gp_cmd *cmd, const char *arg)
{
    const char *names[256]; /* gen_man refuses a command with more options */
    size_t n = 0;
    for (size_t i = 0; i < cmd->nopts && n < 256; i++)
        names[n++] = cmd->opts[i].name;
    char word[64];
    const char *p = arg;
    while (*p == '-')
        p++;
    snprintf(word, sizeof(word), "%.*s", (int)strcspn(p, "="), p);
    char hint[200];
    gp_suggest(word, names, n, hint, sizeof(hint));
    if (hint[0]) {
        char dashed[240] = "";
        /* prefix each suggestion with "--" */
        char *save = NULL;
        for (char *t = strtok_r(hint, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            size_t used = strlen(dashed);
            snprintf(dashed + used, sizeof(dashed) - used, "%s--%s",
                     used ? ", " : "", t);
        }
        return gp_usage_error(cmd->name, "unknown option '%s'; did you mean %s?",
                              arg, dashed);
    }
    return gp_usage_error(cmd->name, "unknown option '%s' (see 'gpuplan %s --help')",
                          arg, cmd->name);
}

static int choice_ok(const char *choices, const char *value)
{
    size_t vl = strlen(value);
    const char *p = choices;
    while (*p) {
        size_t l = strcspn(p, "|");
        if (l == vl && strncmp(p, value, l) == 0)
            return 1;
        p += l;
        if (*p == '|')
            p++;
    }
    return 0;
}

static int set_value(const gp_cmd *cmd, const gp_opt *opt, gp_opt_value *v,
                     const char *text)
{
    gp_error err;
    gp_error_clear(&err);
    gp_status st = GP_OK;
    double num = NAN;
    switch (opt->kind) {
    case OPT_FLAG:
    case OPT_STRING: break;
    case OPT_CHOICE:
        if (!choice_ok(opt->choices, text))
            return gp_usage_error(cmd->name, "--%s: '%s' is not one of %s",
                                  opt->name, text, opt->choices);
        break;
    case OPT_COUNT: st = gp_parse_count(text, &num, &err); break;
    case OPT_HOURS: st = gp_parse_hours(text, &num, &err); break;
    case OPT_USD: st = gp_parse_usd(text, &num, &err); break;
    case OPT_FRACTION: st = gp_parse_fraction(text, 0, &num, &err); break;
    case OPT_GB: st = gp_parse_gb(text, &num, &err); break;
    case OPT_NUMBER: st = gp_parse_count(text, &num, &err); break;
    }
    if (st != GP_OK)
        return gp_usage_error(cmd->name, "--%s: %s", opt->name, err.message);
    if (opt->kind == OPT_STRING && !*text)
        return gp_usage_error(cmd->name, "--%s: empty value", opt->name);
    if (v->set && !(opt->flags & OPT_REPEAT) && opt->kind != OPT_FLAG)
        return gp_usage_error(cmd->name, "--%s given twice", opt->name);
    v->set = 1;
    v->text = text;
    v->number = num;
    if (opt->flags & OPT_REPEAT) {
        const char **list = realloc(v->list, (v->nlist + 1) * sizeof(*list));
        if (!list) {
            fputs("gpuplan: out of memory\n", stderr);
            return GP_EXIT_FAIL;
        }
        list[v->nlist++] = text;
        v->list = list;
    }
    return 0;
}

/* Whether a command reads words that are not options: its usage says so
 * right after the name ("catalog info|check|export", "help [COMMAND]");
 * "[OPTIONS]", "--gpu NAME" or "(--model NAME | ...)" there means none. */
static int takes_positional(const gp_cmd *cmd)
{
    const char *p = cmd->usage + strcspn(cmd->usage, " ");
    while (*p == ' ')
        p++;
    if (!*p || *p == '-' || *p == '(')
        return 0;
    return !(strncmp(p, "[OPTIONS]", 9) == 0 || strncmp(p, "[-", 2) == 0);
}

/* The options a stray word most plausibly belongs to (a forgotten --gpu
 * before "H100"): a choice it is one of, else a model preset or an
 * accelerator the embedded tables know, else the typed options whose parser
 * accepts it ("30d" for the durations). Fills up to `cap` indexes; returns
 * how many. Plain counts and text are left out: nearly anything is one. */
static size_t owners_of(const gp_cmd *cmd, const char *word, int *found, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < cmd->nopts; i++)
        if (cmd->opts[i].kind == OPT_CHOICE && choice_ok(cmd->opts[i].choices, word)) {
            found[0] = (int)i;
            return 1;
        }
    int model = find_long(cmd, "model", 5), gpu = find_long(cmd, "gpu", 3);
    gp_error err;
    if (model >= 0) {
        gp_model_table *mt = NULL;
        int known = gp_model_table_load_default(&mt, &err) == GP_OK &&
                    gp_model_find(mt, word) != NULL;
        gp_model_table_free(mt);
        if (known) {
            found[0] = model;
            return 1;
        }
    }
    if (gpu >= 0) {
        char name[128];
        snprintf(name, sizeof(name), "%s", word);
        name[strcspn(name, ":")] = '\0'; /* H100:8 */
        gp_accel_table *at = NULL;
        int known = gp_accel_table_load_default(&at, &err) == GP_OK &&
                    gp_accel_resolve(at, name, NULL, NAN, NULL) != NULL;
        gp_accel_table_free(at);
        if (known) {
            found[0] = gpu;
            return 1;
        }
    }
    for (size_t i = 0; i < cmd->nopts && n < cap; i++) {
        double v;
        gp_status st = GP_EINVAL;
        switch (cmd->opts[i].kind) {
        case OPT_HOURS: st = gp_parse_hours(word, &v, &err); break;
        case OPT_USD: st = gp_parse_usd(word, &v, &err); break;
        case OPT_FRACTION: st = gp_parse_fraction(word, 0, &v, &err); break;
        case OPT_GB: st = gp_parse_gb(word, &v, &err); break;
        default: break;
        }
        if (st == GP_OK)
            found[n++] = (int)i;
    }
    return n;
}

/* "gpuplan offers: unexpected argument 'H100'; did you mean --gpu H100?" */
static int unexpected_argument(const gp_cmd *cmd, const char *word)
{
    int found[8];
    size_t n = owners_of(cmd, word, found, 8);
    if (n == 1)
        return gp_usage_error(cmd->name, "unexpected argument '%s'; did you mean --%s %s?",
                              word, cmd->opts[found[0]].name, word);
    char names[512] = "";
    if (n > 1) {
        for (size_t k = 0; k < n; k++) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof(names) - used, "%s--%s %s",
                     k == 0 ? "" : k + 1 == n ? " or " : ", ", cmd->opts[found[k]].name,
                     word);
        }
        return gp_usage_error(cmd->name, "unexpected argument '%s'; did you mean %s?", word,
                              names);
    }
    /* No clue from the word: name the options that take a value, when they
     * are few enough to read in one line. */
    size_t nvalue = 0;
    for (size_t k = 0; k < cmd->nopts; k++)
        if (cmd->opts[k].kind != OPT_FLAG) {
            if (nvalue < 8)
                found[nvalue] = (int)k;
            nvalue++;
        }
    if (nvalue > 0 && nvalue <= 6) {
        for (size_t k = 0; k < nvalue; k++) {
            const gp_opt *o = &cmd->opts[found[k]];
            size_t used = strlen(names);
            snprintf(names + used, sizeof(names) - used, "%s--%s %s", k ? ", " : "",
                     o->name, o->metavar ? o->metavar : "VALUE");
        }
        return gp_usage_error(cmd->name, "unexpected argument '%s'; %s takes only options, "
                              "each value after its option: %s", word, cmd->name, names);
    }
    return gp_usage_error(cmd->name, "unexpected argument '%s'; %s takes only options, "
                          "each value after its option (see 'gpuplan %s --help')", word,
                          cmd->name, cmd->name);
}

void gp_args_free(gp_args *args)
{
    if (!args->values)
        return;
    for (size_t i = 0; i < args->nopts; i++)
        free(args->values[i].list);
    free(args->values);
    free(args->positional);
    args->values = NULL;
    args->positional = NULL;
}

int gp_args_parse(const gp_cmd *cmd, int argc, char **argv, gp_args *out)
{
    memset(out, 0, sizeof(*out));
    out->opts = cmd->opts;
    out->nopts = cmd->nopts;
    out->cmd_name = cmd->name;
    out->values = calloc(cmd->nopts ? cmd->nopts : 1, sizeof(*out->values));
    out->positional = calloc((size_t)argc + 1, sizeof(*out->positional));
    if (!out->values || !out->positional) {
        gp_args_free(out);
        fputs("gpuplan: out of memory\n", stderr);
        return GP_EXIT_FAIL;
    }
    int only_positional = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            out->positional[out->npositional++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            gp_cmd_help(cmd);
            gp_args_free(out);
            return -1;
        }
        int idx;
        const char *value = NULL;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            idx = find_long(cmd, name, len);
            if (idx < 0) {
                int rc = unknown_option(cmd, a);
                gp_args_free(out);
                return rc;
            }
            if (eq)
                value = eq + 1;
        } else {
            idx = find_short(cmd, a[1]);
            if (idx < 0) {
                int rc = unknown_option(cmd, a);
                gp_args_free(out);
                return rc;
            }
            if (a[2])
                value = a + 2;
        }
        const gp_opt *opt = &cmd->opts[idx];
        if (opt->kind == OPT_FLAG) {
            if (value) {
                gp_args_free(out);
                return gp_usage_error(cmd->name, "--%s takes no value", opt->name);
            }
            value = "";
        } else if (!value) {
            if (i + 1 >= argc) {
                gp_args_free(out);
                return gp_usage_error(cmd->name, "--%s needs a value (%s)",
                                      opt->name, opt->metavar ? opt->metavar : "VALUE");
            }
            value = argv[++i];
        }
        int rc = set_value(cmd, opt, &out->values[idx], value);
        if (rc) {
            gp_args_free(out);
            return rc;
        }
        if (opt->flags & OPT_TWO) {
            if (i + 1 >= argc || argv[i + 1][0] == '-' || !argv[i + 1][0]) {
                gp_args_free(out);
                return gp_usage_error(cmd->name, "--%s needs two values, %s%s%s%s",
                                      opt->name, opt->metavar ? opt->metavar : "VALUE VALUE",
                                      opt->choices ? " (the first one of " : "",
                                      opt->choices ? opt->choices : "",
                                      opt->choices ? ")" : "");
            }
            out->values[idx].text2 = argv[++i];
        }
    }
    /* Checked after every option, so a --help anywhere still shows help. */
    if (out->npositional && !takes_positional(cmd)) {
        int rc = unexpected_argument(cmd, out->positional[0]);
        gp_args_free(out);
        return rc;
    }
    return 0;
}

const gp_opt_value *gp_arg(const gp_args *args, const char *name)
{
    for (size_t i = 0; i < args->nopts; i++)
        if (strcmp(args->opts[i].name, name) == 0)
            return &args->values[i];
    fprintf(stderr, "gpuplan: internal error: no option --%s\n", name);
    abort();
}

int gp_arg_set(const gp_args *args, const char *name)
{
    return gp_arg(args, name)->set;
}

int gp_arg_int(const gp_args *args, const char *name, long lo, long hi,
               int *out)
{
    const gp_opt_value *v = gp_arg(args, name);
    if (!v->set)
        return 0;
    double x = v->number;
    if (!(x >= (double)lo && x <= (double)hi) || x != floor(x))
        return gp_usage_error(args->cmd_name,
                              "--%s must be a whole number from %ld to %ld, not '%s'",
                              name, lo, hi, v->text);
    *out = (int)x;
    return 0;
}

const char *gp_arg_text(const gp_args *args, const char *name,
                        const char *fallback)
{
    const gp_opt_value *v = gp_arg(args, name);
    return v->set ? v->text : fallback;
}

static int cmp_opt(const void *a, const void *b)
{
    return strcmp((*(const gp_opt *const *)a)->name, (*(const gp_opt *const *)b)->name);
}

void gp_cmd_help(const gp_cmd *cmd)
{
    printf("Usage: gpuplan %s\n\n", cmd->usage);
    gp_wrap(cmd->summary, 0, 0, 80);
    if (cmd->description && *cmd->description) {
        putchar('\n');
        gp_wrap(cmd->description, 0, 0, 80);
    }
    if (cmd->nopts) {
        const gp_opt *sorted[64];
        size_t n = cmd->nopts < 64 ? cmd->nopts : 64;
        for (size_t i = 0; i < n; i++)
            sorted[i] = &cmd->opts[i];
        qsort(sorted, n, sizeof(*sorted), cmp_opt);
        printf("\nOptions:\n");
        for (size_t i = 0; i < n; i++) {
            const gp_opt *o = sorted[i];
            char head[96];
            if (o->short_name)
                snprintf(head, sizeof(head), "  -%c, --%s%s%s", o->short_name,
                         o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
            else
                snprintf(head, sizeof(head), "      --%s%s%s", o->name,
                         o->metavar ? " " : "", o->metavar ? o->metavar : "");
            size_t hl = strlen(head);
            if (hl >= 28) {
                printf("%s\n%*s", head, 28, "");
                hl = 28;
            } else {
                printf("%s%*s", head, (int)(28 - hl), "");
                hl = 28;
            }
            gp_wrap(o->help, hl, 28, 80);
        }
        printf("  -h, --help                show this help\n");
    }
    if (cmd->examples && *cmd->examples) {
        printf("\nExamples:\n");
        const char *p = cmd->examples;
        while (*p) {
            size_t l = strcspn(p, "\n");
            printf("  %.*s\n", (int)l, p);
            p += l;
            if (*p)
                p++;
        }
    }
}
