#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fail.h"

typedef struct reader {
    struct csv_parser parser;
    const char *name;
    char *buf;        /* field bytes, each followed by NUL */
    size_t buf_len, buf_cap;
    size_t *offsets;  /* start of each field in buf */
    size_t *lens;
    const char **fields;
    size_t nfields, fields_cap;
    long line;        /* line being fed */
    gp_status status; /* first failure inside a callback */
    gp_error *err;
    gp_csv_row_fn fn;
    void *ctx;
} reader;

static int reserve_fields(reader *r)
{
    if (r->nfields < r->fields_cap)
        return 0;
    size_t cap = r->fields_cap ? r->fields_cap * 2 : 32;
    size_t *offs = realloc(r->offsets, cap * sizeof(*offs));
    if (!offs)
        return -1;
    r->offsets = offs;
    size_t *lens = realloc(r->lens, cap * sizeof(*lens));
    if (!lens)
        return -1;
    r->lens = lens;
    const char **fields = realloc(r->fields, cap * sizeof(*fields));
    if (!fields)
        return -1;
    r->fields = fields;
    r->fields_cap = cap;
    return 0;
}

static int reserve_buf(reader *r, size_t more)
{
    if (r->buf_len + more <= r->buf_cap)
        return 0;
    size_t cap = r->buf_cap ? r->buf_cap : 1024;
    while (cap < r->buf_len + more)
        cap *= 2;
    char *nb = realloc(r->buf, cap);
    if (!nb)
        return -1;
    r->buf = nb;
    r->buf_cap = cap;
    return 0;
}

static void on_field(void *field, size_t len, void *data)
{
    reader *r = data;
    if (r->status != GP_OK)
        return;
    if (len > 0 && memchr(field, '\0', len)) {
        r->status = gp_fail(r->err, GP_EDATA, r->name, r->line,
                            "a field contains a NUL byte");
        return;
    }
    if (reserve_fields(r) != 0 || reserve_buf(r, len + 1) != 0) {
        r->status = gp_fail(r->err, GP_ENOMEM, r->name, r->line,
                            "out of memory reading CSV");
        return;
    }
    r->offsets[r->nfields] = r->buf_len;
    r->lens[r->nfields] = len;
    if (len)
        memcpy(r->buf + r->buf_len, field, len);
    r->buf[r->buf_len + len] = '\0';
    r->buf_len += len + 1;
    r->nfields++;
}

static void on_row(int c, void *data)
{
    (void)c;
    reader *r = data;
    if (r->status == GP_OK) {
        for (size_t i = 0; i < r->nfields; i++)
            r->fields[i] = r->buf + r->offsets[i];
        gp_csv_row row = {r->nfields, r->fields, r->lens, r->line};
        r->status = r->fn(&row, r->ctx, r->err);
    }
    r->nfields = 0;
    r->buf_len = 0;
}

static gp_status reader_init(reader *r, const char *name, gp_csv_row_fn fn,
                             void *ctx, gp_error *err)
{
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->fn = fn;
    r->ctx = ctx;
    r->err = err;
    r->line = 1;
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return gp_fail(err, GP_ENOMEM, name, 0, "out of memory");
    return GP_OK;
}

static void reader_free(reader *r)
{
    csv_free(&r->parser);
    free(r->buf);
    free(r->offsets);
    free(r->lens);
    free(r->fields);
}

/* Feeds bytes, one physical line at a time. */
static gp_status feed(reader *r, const char *data, size_t len)
{
    size_t pos = 0;
    while (pos < len && r->status == GP_OK) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) + 1 : len;
        size_t n = end - pos;
        if (csv_parse(&r->parser, data + pos, n, on_field, on_row, r) != n) {
            if (r->status == GP_OK)
                r->status = gp_fail(
                    r->err, GP_EDATA, r->name, r->line,
                    "bad quoting (a quote inside an unquoted field, or text "
                    "after a closing quote)");
            break;
        }
        if (nl)
            r->line++;
        pos = end;
    }
    return r->status;
}

static gp_status finish(reader *r)
{
    if (r->status != GP_OK)
        return r->status;
    if (csv_fini(&r->parser, on_field, on_row, r) != 0 && r->status == GP_OK)
        r->status = gp_fail(r->err, GP_EDATA, r->name, r->line,
                            "unterminated quoted field at end of file");
    return r->status;
}

gp_status gp_csv_parse(const char *name, const char *data, size_t len,
                       gp_csv_row_fn fn, void *ctx, gp_error *err)
{
    reader r;
    gp_status st = reader_init(&r, name, fn, ctx, err);
    if (st != GP_OK)
        return st;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    st = feed(&r, data, len);
    if (st == GP_OK)
        st = finish(&r);
    reader_free(&r);
    return st;
}

gp_status gp_csv_parse_file(const char *path, gp_csv_row_fn fn, void *ctx,
                            gp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gp_fail(err, GP_EIO, path, 0, "cannot open: %s",
                       strerror(errno));
    reader r;
    gp_status st = reader_init(&r, path, fn, ctx, err);
    if (st != GP_OK) {
        fclose(f);
        return st;
    }
    enum { CHUNK = 1 << 20 };
    char *chunk = malloc(CHUNK);
    if (!chunk) {
        st = gp_fail(err, GP_ENOMEM, path, 0, "out of memory");
        goto out;
    }
    int first = 1;
    for (;;) {
        size_t n = fread(chunk, 1, CHUNK, f);
        if (n == 0)
            break;
        const char *p = chunk;
        if (first && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
            p += 3;
            n -= 3;
        }
        first = 0;
        st = feed(&r, p, n);
        if (st != GP_OK)
            goto out;
    }
    if (ferror(f)) {
        st = gp_fail(err, GP_EIO, path, r.line, "read error: %s",
                     strerror(errno));
        goto out;
    }
    st = finish(&r);
out:
    free(chunk);
    reader_free(&r);
    fclose(f);
    return st;
}

int gp_csv_column(const gp_csv_row *header, const char *name)
{
    for (size_t i = 0; i < header->nfields; i++) {
        if (strcasecmp(header->fields[i], name) == 0)
            return (int)i;
    }
    return -1;
}
