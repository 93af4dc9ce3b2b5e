#include "numparse.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

/* Exact powers of ten: every one up to 1e22 is a double without rounding. */
static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                 1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                 1e18, 1e19, 1e20, 1e21, 1e22};

/* Clinger's fast path: "123.4567" with at most 15 significant digits is
 * m / 10^k where m and 10^k are exact doubles, so one IEEE division gives
 * the correctly rounded result, the same as strtod. Returns 0 when the
 * text is not of that simple form (the caller then uses strtod). */
static int fast_decimal(const char *p, double *out, const char **end)
{
    uint64_t m = 0;
    int digits = 0, frac = 0, seen_dot = 0;
    const char *s = p;
    for (;; s++) {
        if (*s >= '0' && *s <= '9') {
            if (digits >= 15)
                return 0;
            m = m * 10 + (uint64_t)(*s - '0');
            if (m)
                digits++;
            if (seen_dot)
                frac++;
        } else if (*s == '.' && !seen_dot) {
            seen_dot = 1;
        } else {
            break;
        }
    }
    if (s == p || (s == p + 1 && seen_dot) || frac > 22)
        return 0;
    if (*s == 'e' || *s == 'E')
        return 0;
    *out = (double)m / POW10[frac];
    *end = s;
    return 1;
}

int gp_parse_plain_number(const char *text, double *out)
{
    while (*text == ' ' || *text == '\t')
        text++;
    if (!*text) {
        *out = NAN;
        return 0;
    }
    const char *p = text;
    int negative = 0;
    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    const char *end = NULL;
    double v;
    if (fast_decimal(p, &v, &end)) {
        if (negative)
            v = -v;
    } else {
        if (strcasecmp(text, "nan") == 0) {
            *out = NAN;
            return 0;
        }
        /* strtod also takes hex, "inf" and "nan(...)"; cells never should. */
        if (!isdigit((unsigned char)*p) && *p != '.')
            return -1;
        for (const char *q = p; *q; q++)
            if (*q == 'x' || *q == 'X')
                return -1;
        char *e = NULL;
        v = strtod(text, &e);
        end = e;
        if (end == text)
            return -1;
    }
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}
