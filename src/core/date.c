/* Calendar dates as data files and people write them: YYYY-MM-DD. */
#include <string.h>

#include "core/fail.h"
#include "gpuplan/units.h"

/* Gregorian: every 4th year, except centuries, except every 400th. */
static int is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : DAYS[month - 1];
}

gp_status gp_parse_iso_date(const char *text, int *year, int *month, int *day,
                            gp_error *err)
{
    if (!text)
        return gp_fail(err, GP_EINVAL, NULL, 0, "no date: expected YYYY-MM-DD");
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s' is not a date: expected YYYY-MM-DD",
                       text);
    int v[3] = {0, 0, 0};
    for (int i = 0, k = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            k++;
            continue;
        }
        /* ASCII digits only: isdigit() may follow the locale */
        if (text[i] < '0' || text[i] > '9')
            return gp_fail(err, GP_EINVAL, NULL, 0,
                           "'%s' is not a date: expected YYYY-MM-DD", text);
        v[k] = v[k] * 10 + (text[i] - '0');
    }
    if (v[0] < 1)
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s': there is no year 0000", text);
    if (v[1] < 1 || v[1] > 12)
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s': month %02d is not 01-12", text,
                       v[1]);
    int last = days_in_month(v[0], v[1]);
    if (v[2] < 1 || v[2] > last)
        return gp_fail(err, GP_EINVAL, NULL, 0, "'%s': day %02d is not 01-%02d in %04d-%02d",
                       text, v[2], last, v[0], v[1]);
    if (year)
        *year = v[0];
    if (month)
        *month = v[1];
    if (day)
        *day = v[2];
    return GP_OK;
}
