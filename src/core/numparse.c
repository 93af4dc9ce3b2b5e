#include "core/numparse.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* ---- the "C" locale, made once ---------------------------------------------
 *
 * One locale_t for the whole process, created on first use under
 * pthread_once (so two threads never race to create it) and never freed:
 * it lives as long as the library may be called. uselocale() changes only
 * the calling thread, so switching around one strtod is thread-safe and
 * leaves the program's setlocale() choice alone. */

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Switches this thread to "C"; returns what to restore, or (locale_t)0
 * when the "C" locale could not be made (nothing to restore then). */
static locale_t enter_c(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    if (c_locale == (locale_t)0)
        return (locale_t)0;
    return uselocale(c_locale);
}

static void leave_c(locale_t previous)
{
    if (previous != (locale_t)0)
        uselocale(previous);
}

double gp_strtod_c(const char *text, char **end)
{
    locale_t previous = enter_c();
    double v = strtod(text, end);
    leave_c(previous);
    return v;
}

int gp_vsnprintf_c(char *buf, size_t cap, const char *fmt, va_list ap)
{
    locale_t previous = enter_c();
    int n = vsnprintf(buf, cap, fmt, ap);
    leave_c(previous);
    return n;
}

int gp_snprintf_c(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = gp_vsnprintf_c(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int gp_parse_digits_max(const char *text, int max, int fallback)
{
    if (!text || !*text || max < 0)
        return fallback;
    long v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return fallback;
        v = v * 10 + (*p - '0');
        /* stop as soon as it passes max: no overflow for any length */
        if (v > max)
            return fallback;
    }
    return (int)v;
}

/* Exact powers of ten: every one up to 1e22 is a double without rounding. */
static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                 1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                 1e18, 1e19, 1e20, 1e21, 1e22};

/* Clinger's fast path: "123.4567" with at most 15 significant digits is
 * m / 10^k where m and 10^k are exact doubles, so one IEEE division gives
 * the correctly rounded result, the same as strtod, in any locale. Returns 0 when the
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
        v = gp_strtod_c(text, &e);
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
