/* Human numbers: one parser for every number a person types. */
#include "gpuplan/units.h"

#include <math.h>
#include <string.h>

#include "core/fail.h"
#include "core/numparse.h"

typedef struct unit {
    const char *suffix; /* lower-case */
    double factor;
} unit;

static const unit COUNT_UNITS[] = {
    {"", 1.0}, {"k", 1e3}, {"m", 1e6}, {"b", 1e9}, {"g", 1e9},
    {"t", 1e12}, {"p", 1e15}, {NULL, 0}};

/* Hours. "m" is minutes (as in `sleep`/`timeout`); months are "mo". */
static const unit HOUR_UNITS[] = {
    {"", 1.0} /* only for 0 */, {"s", 1.0 / 3600}, {"sec", 1.0 / 3600}, {"m", 1.0 / 60},
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

/* ASCII only: isspace() and strncasecmp() follow the locale (in a Latin-1
 * locale byte 0xA0 is a blank; in Turkish 'I' does not lower to 'i'), and
 * numbers must read the same in every program that links the library. */
static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int ascii_ncaseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return 0;
    return 1;
}

typedef enum split_result {
    SPLIT_OK = 0,
    SPLIT_NOT_A_NUMBER,
    SPLIT_BAD_GROUPS /* "1,5", "10,00", "1,000_000": not thousands groups */
} split_result;

/* Splits text into a plain decimal number (separators removed) and a
 * suffix. Accepts [$]digits[.digits][e[+-]digits]. A "," or "_" in the
 * integer part is a thousands separator and must be one throughout, in
 * proper groups: 1 to 3 digits (not starting with 0), then groups of
 * exactly 3 ("1,000,000", "1_000"). Anything else is SPLIT_BAD_GROUPS:
 * "1,5" is someone writing a decimal comma, and reading it as 15 (as this
 * parser once did) turns 1.5T tokens into 15T. Signs, hex, nan and inf are
 * not numbers. */
static split_result split_number(const char *text, int allow_dollar, char *num,
                                 const char **suffix)
{
    const char *p = text;
    while (is_blank(*p))
        p++;
    if (allow_dollar && *p == '$')
        p++;
    size_t n = 0;
    int digits = 0;
    int group_digits = 0; /* digits since the last separator */
    char sep = 0;
    int bad_groups = 0;
    const char *first_digit = p;
    for (;;) {
        if (is_digit(*p)) {
            if (n + 1 >= NUM_MAX)
                return SPLIT_NOT_A_NUMBER;
            num[n++] = *p++;
            digits++;
            group_digits++;
            continue;
        }
        if ((*p == ',' || *p == '_') && group_digits > 0 && is_digit(p[1])) {
            if (sep == 0 && (group_digits > 3 || *first_digit == '0'))
                bad_groups = 1; /* "1000,000", "0,500" */
            else if (sep != 0 && (group_digits != 3 || *p != sep))
                bad_groups = 1; /* "1,00,000", "1,000_000" */
            sep = *p++;
            group_digits = 0;
            continue;
        }
        break;
    }
    if (sep != 0 && group_digits != 3)
        bad_groups = 1; /* "1,5", "1,0000" */
    if (*p == '.') {
        if (n + 1 >= NUM_MAX)
            return SPLIT_NOT_A_NUMBER;
        num[n++] = *p++;
        while (is_digit(*p)) {
            if (n + 1 >= NUM_MAX)
                return SPLIT_NOT_A_NUMBER;
            num[n++] = *p++;
            digits++;
        }
        /* "1.000,5": a separator after the decimal point is a decimal
         * comma with '.' grouping (German style) */
        if ((*p == ',' || *p == '_') && is_digit(p[1]))
            bad_groups = 1;
    }
    if (digits == 0)
        return SPLIT_NOT_A_NUMBER;
    if (bad_groups)
        return SPLIT_BAD_GROUPS;
    if ((*p == 'e' || *p == 'E') &&
        (is_digit(p[1]) || ((p[1] == '+' || p[1] == '-') && is_digit(p[2])))) {
        if (n + 2 >= NUM_MAX)
            return SPLIT_NOT_A_NUMBER;
        num[n++] = *p++;
        if (*p == '+' || *p == '-')
            num[n++] = *p++;
        while (is_digit(*p)) {
            if (n + 1 >= NUM_MAX)
                return SPLIT_NOT_A_NUMBER;
            num[n++] = *p++;
        }
    }
    num[n] = '\0';
    while (is_blank(*p))
        p++;
    *suffix = p;
    return SPLIT_OK;
}

/* For "1,5T" or "1.000,5" (one comma, after any '.'): the same text read
 * with the comma as the decimal point, "1.5T" or "1000.5". Returns 0 and
 * leaves out empty when there is no such single reading. */
static int decimal_comma_reading(const char *text, char *out, size_t cap)
{
    const char *comma = strchr(text, ',');
    if (!comma || strchr(comma + 1, ',') || strchr(comma, '.') || strchr(text, '_'))
        return 0;
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < cap; p++) {
        if (*p == '.')
            continue;
        out[n++] = p == comma ? '.' : *p;
    }
    out[n] = '\0';
    return n > 0;
}

static gp_status bad_groups(const char *text, gp_error *err)
{
    char reading[NUM_MAX];
    if (decimal_comma_reading(text, reading, sizeof(reading)))
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "'%s': ',' is not a decimal point here: write %s (or group "
                       "thousands in threes: 1,000,000)",
                       text, reading);
    return gp_fail(err, GP_EINVAL, NULL, 0,
                   "'%s': digit separators ',' or '_' go between groups of three "
                   "(1,000,000 or 1_000); the decimal point is '.'",
                   text);
}

/* Matches the suffix (trailing blanks allowed) case-insensitively. */
static const unit *find_unit(const unit *units, const char *suffix, size_t len)
{
    while (len > 0 && is_blank(suffix[len - 1]))
        len--;
    for (const unit *u = units; u->suffix; u++) {
        if (strlen(u->suffix) == len && ascii_ncaseeq(u->suffix, suffix, len))
            return u;
    }
    return NULL;
}

/* How one kind of quantity is read. */
typedef struct quantity {
    const unit *units;
    const char *what;   /* "a count such as ..." for messages */
    int money;          /* "$" prefix, "USD" suffix, shell-expansion checks */
    int needs_unit;     /* a bare number other than 0 is refused (durations) */
} quantity;

static gp_status parse_with(const char *text, const quantity *q, double *out,
                            gp_error *err)
{
    char num[NUM_MAX];
    const char *suffix = NULL;
    if (!text || !*text)
        return gp_fail(err, GP_EINVAL, NULL, 0, "empty value: expected %s", q->what);
    const char *p = text;
    while (is_blank(*p))
        p++;
    if (*p == '-')
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s' is negative: expected %s", text,
                       q->what);
    split_result sr = split_number(text, q->money, num, &suffix);
    if (sr == SPLIT_BAD_GROUPS)
        return bad_groups(text, err);
    if (sr != SPLIT_OK)
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s' is not a number: expected %s", text,
                       q->what);
    if (q->money) {
        /* The shell expands "$5" in an unquoted or double-quoted $500k to
         * nothing, leaving "00k" (or ".2M" from $1.2M): money that starts
         * with "0" + digit or with "." is refused rather than read as a
         * tenth or nothing of what was meant. */
        const char *d = *p == '$' ? p + 1 : p;
        if (*d == '.' || (d[0] == '0' && is_digit(d[1])))
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "'%s' looks cut short: if you wrote $ before it, the shell "
                           "may have expanded part of it; quote it ('$500k') or write "
                           "it without $ (500k)",
                           text);
    }
    size_t suffix_len = strlen(suffix);
    if (q->money) {
        /* "100kUSD", "100k USD", "250000 usd" */
        size_t len = suffix_len;
        while (len > 0 && is_blank(suffix[len - 1]))
            len--;
        if (len >= 3 && ascii_ncaseeq(suffix + len - 3, "usd", 3)) {
            suffix_len = len - 3;
            while (suffix_len > 0 && is_blank(suffix[suffix_len - 1]))
                suffix_len--;
        }
    }
    const unit *u = find_unit(q->units, suffix, suffix_len);
    if (!u)
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s' has an unknown unit '%s': expected %s",
                       text, suffix, q->what);
    double v = gp_strtod_c(num, NULL);
    if (q->needs_unit && u->suffix[0] == '\0' && v != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0,
                       "'%s': a duration needs a unit: %sd, %sh or %smin (units: s, min, "
                       "h, d, w, mo, y)",
                       text, num, num, num);
    v *= u->factor;
    if (!isfinite(v))
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s' is too large", text);
    *out = v;
    return GP_OK;
}

gp_status gp_parse_count(const char *text, double *out, gp_error *err)
{
    static const quantity Q = {COUNT_UNITS, "a count such as 7B, 1.4T, 300M or 2e12", 0, 0};
    return parse_with(text, &Q, out, err);
}

gp_status gp_parse_hours(const char *text, double *out_hours, gp_error *err)
{
    /* A bare "3" was once 3 hours: `--deadline 3` meant to be 3 days would
     * silently plan for 3 hours. Zero is zero in any unit. */
    static const quantity Q = {HOUR_UNITS, "a duration such as 30d, 72h, 2w or 90min", 0, 1};
    return parse_with(text, &Q, out_hours, err);
}

gp_status gp_parse_usd(const char *text, double *out_usd, gp_error *err)
{
    static const quantity Q = {USD_UNITS,
                               "an amount of dollars such as $500k, 250000 or 1.2M",
                               1, 0};
    return parse_with(text, &Q, out_usd, err);
}

gp_status gp_parse_gb(const char *text, double *out_gb, gp_error *err)
{
    static const quantity Q = {GB_UNITS, "a size such as 500GB, 2TB or 800 (GB)", 0, 0};
    return parse_with(text, &Q, out_gb, err);
}

gp_status gp_parse_fraction(const char *text, int allow_above_one, double *out,
                            gp_error *err)
{
    static const unit PCT[] = {{"%", 0.01}, {"", 1.0}, {NULL, 0}};
    double v = 0;
    static const quantity Q = {PCT, "a fraction such as 12% or 0.12", 0, 0};
    gp_status st = parse_with(text, &Q, &v, err);
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
