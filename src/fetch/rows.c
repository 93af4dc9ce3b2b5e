/* What the fetchers share: a number read from a JSON object, and the cells
 * of the gpuplan catalog CSV they write (docs/catalog-format.md). */
#include <math.h>
#include <stdio.h>

#include "fetch/fetcher.h"

double gp_fetch_json_number(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

void gp_fetch_csv_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc((*s == '\n' || *s == '\r') ? ' ' : *s, f);
    }
    fputc('"', f);
}

void gp_fetch_csv_number(FILE *f, double v)
{
    if (isnan(v))
        fputc(',', f);
    else
        fprintf(f, ",%.10g", v);
}
