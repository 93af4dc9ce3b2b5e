/* Human numbers: one parser for every number a person types. */
#include "gpuplan/units.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"

typedef struct unit {
    const char *suffix; /* lower-case */
    double factor;
} unit;

static const unit COUNT_UNITS[] = {
    {"", 1.0}, {"k", 1e3}, {"m", 1e6}, {"b", 1e9}, {"g", 1e9},
    {"t", 1e12}, {"p", 1e15}, {NULL, 0}};

/* Hours. "m" is minutes (as in `sleep`/`timeout`); months are "mo". */
static const unit HOUR_UNITS[] = {
    {"", 1.0}, {"s", 1.0 / 3600}, {"sec", 1.0 / 3600}, {"m", 1.0 / 60},
    {"min", 1.0 / 60}, {"mins", 1.0 / 60}, {"h", 1.0}, {"hr", 1.0},
    {"hrs", 1.0}, {"hour", 1.0}, {"hours", 1.0}, {"d", 24.0},
    {"day", 24.0}, {"days", 24.0}, {"w", 168.0}, {"wk", 168.0},
    {"week", 168.0}, {"weeks", 168.0}, {"mo", 730.0}, {"month", 730.0},
    {"months", 730.0}, {"y", 8760.0}, {"yr", 8760.0}, {"year", 8760.0},
    {"years", 8760.0}, {NULL, 0}};

static const unit USD_UNITS[] = {
    {"", 1.0}, {"k", 1e3}, {"m", 1e6}, {"mm", 1e6}, {"b", 1e9},
    {"bn", 1e9}, {NULL, 0}};

static const unit GB_UNITS[] = {
    {"", 1.0}, {"mb", 1e-3}, {"m", 1e-3}, {"gb", 1.0}, {"g", 1.0},
    {"tb", 1e3}, {"t", 1e3}, {"pb", 1e6}, {"mib", 1048576.0 / 1e9},
    {"gib", 1073741824.0 / 1e9}, {"tib", 1099511627776.0 / 1e9},
    {NULL, 0}};

enum { NUM_MAX = 64 };

/* Splits text into a plain decimal number (separators removed) and a
 * suffix. Returns 0 on success. Accepts [$]digits[.digits][e[+-]digits]
 * with "," or "_" between digits; rejects signs, hex, nan and inf. */
static int split_number(const char *text, int allow_dollar, char *num,
                        const char **suffix)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (allow_dollar && *p == '$')
        p++;
    size_t n = 0;
    int digits = 0;
    int prev_digit = 0;
    /* integer part with separators */
    while (isdigit((unsigned char)*p) || ((*p == ',' || *p == '_') &&
                                          prev_digit &&
                                          isdigit((unsigned char)p[1]))) {
        if (*p != ',' && *p != '_') {
            if (n + 1 >= NUM_MAX)
                return -1;
            num[n++] = *p;
            digits++;
            prev_digit = 1;
        }
        p++;
    }
    if (*p == '.') {
        if (n + 1 >= NUM_MAX)
            return -1;
        num[n++] = *p++;
        while (isdigit((unsigned char)*p)) {
            if (n + 1 >= NUM_MAX)
                return -1;
            num[n++] = *p++;
            digits++;
        }
    }
    if (digits == 0)
        return -1;
    if ((*p == 'e' || *p == 'E') &&
        (isdigit((unsigned char)p[1]) ||
         ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
        if (n + 2 >= NUM_MAX)
            return -1;
        num[n++] = *p++;
        if (*p == '+' || *p == '-')
            num[n++] = *p++;
        while (isdigit((unsigned char)*p)) {
            if (n + 1 >= NUM_MAX)
                return -1;
            num[n++] = *p++;
        }
    }
    num[n] = '\0';
    while (isspace((unsigned char)*p))
        p++;
    *suffix = p;
    return 0;
}

/* Matches the suffix (trailing blanks allowed) case-insensitively. */
static const unit *find_unit(const unit *units, const char *suffix)
{
    size_t len = strlen(suffix);
    while (len > 0 && isspace((unsigned char)suffix[len - 1]))
        len--;
    for (const unit *u = units; u->suffix; u++) {
        if (strlen(u->suffix) == len && strncasecmp(u->suffix, suffix, len) == 0)
            return u;
    }
    return NULL;
}

static gp_status parse_with(const char *text, const unit *units,
                            int allow_dollar, const char *what, double *out,
                            gp_error *err)
{
    char num[NUM_MAX];
    const char *suffix = NULL;
    if (!text || !*text)
        return gp_fail(err, GP_EINVAL, NULL, 0, "empty value: expected %s",
                       what);
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '-')
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "'%s' is negative: expected %s", text, what);
    if (split_number(text, allow_dollar, num, &suffix) != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "'%s' is not a number: expected %s", text, what);
    const unit *u = find_unit(units, suffix);
    if (!u)
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "'%s' has an unknown unit '%s': expected %s", text,
                       suffix, what);
    double v = strtod(num, NULL) * u->factor;
    if (!isfinite(v))
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s' is too large", text);
    *out = v;
    return GP_OK;
}

gp_status gp_parse_count(const char *text, double *out, gp_error *err)
{
    return parse_with(text, COUNT_UNITS, 0,
                      "a count such as 7B, 1.4T, 300M or 2e12", out, err);
}

gp_status gp_parse_hours(const char *text, double *out_hours, gp_error *err)
{
    return parse_with(text, HOUR_UNITS, 0,
                      "a duration such as 30d, 72h, 2w or 90min", out_hours,
                      err);
}

gp_status gp_parse_usd(const char *text, double *out_usd, gp_error *err)
{
    return parse_with(text, USD_UNITS, 1,
                      "an amount of dollars such as $500k, 250000 or 1.2M",
                      out_usd, err);
}

gp_status gp_parse_gb(const char *text, double *out_gb, gp_error *err)
{
    return parse_with(text, GB_UNITS, 0,
                      "a size such as 500GB, 2TB or 800 (GB)", out_gb, err);
}

gp_status gp_parse_fraction(const char *text, int allow_above_one, double *out,
                            gp_error *err)
{
    static const unit PCT[] = {{"%", 0.01}, {"", 1.0}, {NULL, 0}};
    double v = 0;
    gp_status st = parse_with(text, PCT, 0,
                              "a fraction such as 12% or 0.12", &v, err);
    if (st != GP_OK)
        return st;
    const char *pct = strchr(text, '%');
    if (!allow_above_one && v > 1.0) {
        if (pct)
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "'%s' is above 100%%", text);
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "'%s' is not a fraction: write %s%% or %g", text, text,
                       v / 100.0);
    }
    *out = v;
    return GP_OK;
}
