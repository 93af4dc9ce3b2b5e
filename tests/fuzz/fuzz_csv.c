/* Fuzz our CSV reader against libcsv (strict mode): both accept the same
 * input and give the same fields, or both refuse it. NUL bytes are out of
 * scope (we refuse them on purpose; libcsv keeps them). */
#include <csv.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/csvread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct sink {
    uint64_t h;
    size_t rows;
    int first;
} sink;

static void absorb(sink *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        s->h = (s->h ^ b[i]) * 1099511628211ull;
}

static void lc_field(void *f, size_t n, void *data)
{
    sink *s = data;
    if (!s->first)
        absorb(s, "\x1f", 1);
    s->first = 0;
    absorb(s, f, n);
}

static void lc_row(int c, void *data)
{
    (void)c;
    sink *s = data;
    absorb(s, "\x1e", 1);
    s->rows++;
    s->first = 1;
}

static gp_status our_row(const gp_csv_row *row, void *ctx, gp_error *err)
{
    (void)err;
    sink *s = ctx;
    for (size_t i = 0; i < row->nfields; i++) {
        if (i)
            absorb(s, "\x1f", 1);
        absorb(s, row->fields[i], row->lens[i]);
    }
    absorb(s, "\x1e", 1);
    s->rows++;
    return GP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '\0', size))
        return 0;
    /* a leading BOM is ours to skip; libcsv would keep it */
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        return 0;
    sink a = {1469598103934665603ull, 0, 1}, b = {1469598103934665603ull, 0, 1};
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    int lok = csv_parse(&p, data, size, lc_field, lc_row, &a) == size &&
              csv_fini(&p, lc_field, lc_row, &a) == 0;
    csv_free(&p);
    gp_error err;
    int ook = gp_csv_parse("fuzz", (const char *)data, size, our_row, &b, &err) == GP_OK;
    if (lok != ook)
        __builtin_trap();
    if (lok && (a.h != b.h || a.rows != b.rows))
        __builtin_trap();
    return 0;
}
