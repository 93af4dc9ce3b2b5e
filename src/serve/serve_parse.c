/* The two values `inference` reads that no other command does: a latency
 * and a percentile (tests/fuzz/fuzz_serve_parse.c). */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"
#include "serve/serve_internal.h"

/* A plain decimal number (digits, one point) at the start of `s`: its
 * value and where it ends; NULL when there is none. In the C locale
 * whatever the process locale is (no strtod). */
static const char *number(const char *s, double *out)
{
    double v = 0, scale = 0;
    int digits = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (digits < 30) {
                v = v * 10 + (*s - '0');
                if (scale > 0)
                    scale *= 10;
            }
            digits++;
        } else if (*s == '.' && scale == 0) {
            scale = 1;
        } else {
            break;
        }
    }
    if (digits == 0 || digits >= 30)
        return NULL;
    *out = scale > 0 ? v / scale : v;
    return s;
}

static const char *skip_space(const char *s)
{
    while (*s == ' ')
        s++;
    return s;
}

gp_status gp_serve_parse_latency(const char *text, double *seconds, gp_error *err)
{
    double v;
    const char *s = text ? number(skip_space(text), &v) : NULL;
    if (!s)
        return gp_fail(err, GP_EINVAL, "", 0,
                       "'%s' is not a latency (e.g. 50ms, 0.5s, or milliseconds)",
                       text ? text : "");
    s = skip_space(s);
    double unit = 1e-3;
    if (!strcasecmp(s, "ms") || *s == '\0')
        unit = 1e-3;
    else if (!strcasecmp(s, "s"))
        unit = 1;
    else
        return gp_fail(err, GP_EINVAL, "", 0, "'%s': a latency ends in ms or s", text);
    double sec = v * unit;
    if (!(sec > 0) || sec > 3600)
        return gp_fail(err, GP_EINVAL, "", 0, "'%s': a latency must lie above 0 and within an hour",
                       text);
    *seconds = sec;
    return GP_OK;
}

gp_status gp_serve_parse_percentile(const char *text, double *q, gp_error *err)
{
    const char *s = text ? skip_space(text) : NULL;
    int percent = 0;
    if (s && (*s == 'p' || *s == 'P')) {
        s++;
        percent = 1;
    }
    double v;
    const char *end = s ? number(s, &v) : NULL;
    if (end && *end == '%') {
        end++;
        percent = 1;
    }
    if (!end || *skip_space(end) != '\0')
        return gp_fail(err, GP_EINVAL, "", 0, "'%s' is not a percentile (e.g. p90, 99, 0.95)",
                       text ? text : "");
    double f = percent || v >= 1 ? v / 100 : v;
    if (!(f > 0 && f < 1))
        return gp_fail(err, GP_EINVAL, "", 0, "'%s': a percentile must lie between 0 and 100",
                       text);
    *q = f;
    return GP_OK;
}
