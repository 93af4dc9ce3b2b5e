#include "core/numparse.h"

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
 * text is not of that simple form (the caller then uses strtod). Catalog
 * cells are almost all of this form; a million-row file has five numbers a
 * row. */
static int fast_decimal(const char *p, double *out, const char **end)
{
    uint64_t m = 0;
    int sig = 0, frac = 0;
    const char *s = p;
    while ((unsigned)(*s - '0') < 10) {
        m = m * 10 + (uint64_t)(*s++ - '0');
        sig += m != 0;
    }
    const char *int_end = s;
    if (*s == '.') {
        s++;
        const char *f = s;
        while ((unsigned)(*s - '0') < 10) {
            m = m * 10 + (uint64_t)(*s++ - '0');
            sig += m != 0;
        }
        frac = (int)(s - f);
    }
    if (s == p || (int_end == p && frac == 0) || sig > 15 || frac > 22 ||
        *s == 'e' || *s == 'E')
        return 0;
    *out = frac ? (double)m / POW10[frac] : (double)m;
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
