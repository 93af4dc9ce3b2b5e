/* A CSV reader (RFC 4180, as libcsv reads it in strict mode) with line
 * numbers.
 *
 * Why not libcsv: measured on a 1,000,000-row SkyPilot file (300 MB),
 * libcsv alone takes about 1 s (3.4 ns a byte through a callback per byte),
 * which is the whole budget for loading, filtering and sorting. This reader
 * scans with a byte-class table and copies whole runs; the tests check it
 * against libcsv on every data file and the fuzzer on arbitrary input
 * (tests/unit/test_csvread.c, tests/fuzz/fuzz_csv.c).
 *
 * Dialect: fields separated by ','; rows end at "\n", "\r\n" or "\r";
 * a field may be quoted with '"', a quote inside written '""'; spaces and
 * tabs around an unquoted field, or around a quoted one, are dropped;
 * empty lines, and lines of blanks only, are skipped. Errors: a quote inside an unquoted field, text
 * after a closing quote, a quote never closed, a NUL byte. */
#include "core/csvread.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/fail.h"

/* Byte classes; C_PLAIN and C_SPACE come first so that "plain or blank"
 * is one comparison. */
enum { C_PLAIN = 0, C_SPACE, C_COMMA, C_NL, C_CR, C_QUOTE, C_NUL };

/* A constant table, so several threads may parse at once: it used to be
 * filled on first use, a data race when two threads started together. */
static const unsigned char BYTE_CLASS[256] = {
    ['\0'] = C_NUL, ['\t'] = C_SPACE, ['\n'] = C_NL, ['\r'] = C_CR,
    [' '] = C_SPACE, ['"'] = C_QUOTE,  [','] = C_COMMA,
    /* every other byte is C_PLAIN (0) */
};

typedef struct reader {
    const char *name;
    char *buf;          /* field bytes, each followed by NUL */
    size_t buf_len, buf_cap;
    size_t *offsets;
    size_t *lens;
    const char **fields;
    size_t nfields, fields_cap;
    long line;          /* line of the next byte to read */
    gp_csv_row_fn fn;
    void *ctx;
    gp_error *err;
    int may_have_nul;   /* the current buffer holds a NUL byte somewhere */
} reader;

/* Room for one more field, and for `more` bytes of field text. */
static int reserve(reader *r, size_t more)
{
    if (r->nfields >= r->fields_cap) {
        size_t cap = r->fields_cap ? r->fields_cap * 2 : 32;
        size_t *o = realloc(r->offsets, cap * sizeof(*o));
        if (!o)
            return -1;
        r->offsets = o;
        size_t *l = realloc(r->lens, cap * sizeof(*l));
        if (!l)
            return -1;
        r->lens = l;
        const char **f = realloc(r->fields, cap * sizeof(*f));
        if (!f)
            return -1;
        r->fields = f;
        r->fields_cap = cap;
    }
    if (r->buf_len + more > r->buf_cap) {
        size_t cap = r->buf_cap ? r->buf_cap : 4096;
        while (cap < r->buf_len + more)
            cap *= 2;
        char *b = realloc(r->buf, cap);
        if (!b)
            return -1;
        r->buf = b;
        r->buf_cap = cap;
    }
    return 0;
}

typedef enum step { STEP_ROW, STEP_NEED_MORE, STEP_ERROR } step;

/* Line breaks inside a quoted run: "\n", "\r\n" and a lone "\r" each end a
 * line, as they end rows. Counting only "\n" gave CR-only files (old Mac
 * exports) wrong line numbers after a multi-line field. A "\r" ending the
 * run is followed by a quote (or, at the buffer's end, is re-read with more
 * data), so it is a lone CR; one at data_end counts too. */
static long line_breaks(const char *s, size_t n, const char *data_end)
{
    /* memchr per break, not a test per byte: quoted runs can be long */
    long lines = 0;
    const char *end = s + n;
    for (const char *nl = memchr(s, '\n', n); nl; nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1)))
        lines++;
    for (const char *cr = memchr(s, '\r', n); cr; cr = memchr(cr + 1, '\r', (size_t)(end - cr - 1)))
        if (!(cr + 1 < data_end && cr[1] == '\n'))
            lines++; /* a lone CR; "\r\n" was counted at its "\n" */
    return lines;
}

/* Parses one row starting at *pos. On STEP_ROW the row's fields are in r
 * and *pos is past its end. STEP_NEED_MORE: the row may continue past
 * `len` (only when !final); nothing is consumed. */
static step parse_row(reader *r, const char *data, size_t len, size_t *pos,
                      int final, gp_status *st)
{
    const unsigned char *cls = BYTE_CLASS;
    size_t p = *pos;
    long line = r->line;
    r->nfields = 0;
    r->buf_len = 0;
    /* A row's fields, with a NUL each, never take more bytes than the rest
     * of the buffer plus one per field; one check per row instead of one
     * per field. Quoted fields may still ask for more (they copy runs). */
    if (reserve(r, 2 * (len - p) + 2) != 0)
        goto oom;
    for (;;) {
        /* one field */
        while (p < len && cls[(unsigned char)data[p]] == C_SPACE)
            p++;
        if (r->nfields >= r->fields_cap && reserve(r, 1) != 0)
            goto oom;
        size_t start = r->buf_len;
        if (p < len && data[p] == '"') {
            long quote_line = line;
            p++;
            for (;;) {
                const char *q = memchr(data + p, '"', len - p);
                size_t run = q ? (size_t)(q - (data + p)) : len - p;
                if (r->may_have_nul && memchr(data + p, '\0', run)) {
                    *st = gp_fail(r->err, GP_EDATA, r->name, line,
                                  "a field contains a NUL byte");
                    return STEP_ERROR;
                }
                line += line_breaks(data + p, run, data + len);
                if (reserve(r, run + 2) != 0)
                    goto oom;
                memcpy(r->buf + r->buf_len, data + p, run);
                r->buf_len += run;
                p += run;
                if (!q || p + 1 >= len) {
                    if (!final)
                        return STEP_NEED_MORE;
                    if (!q) {
                        *st = gp_fail(r->err, GP_EDATA, r->name, quote_line,
                                      "a quoted field is never closed");
                        return STEP_ERROR;
                    }
                    p++; /* closing quote at the very end */
                    break;
                }
                if (data[p + 1] == '"') { /* "" is one quote */
                    r->buf[r->buf_len++] = '"';
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            while (p < len && cls[(unsigned char)data[p]] == C_SPACE)
                p++;
            if (p < len) {
                int c = cls[(unsigned char)data[p]];
                if (c != C_COMMA && c != C_NL && c != C_CR) {
                    *st = gp_fail(r->err, GP_EDATA, r->name, line,
                                  "bad quoting (text after a closing quote)");
                    return STEP_ERROR;
                }
            }
        } else {
            size_t f = p;
            /* plain bytes and blanks; blanks at the end are trimmed below */
            while (p < len && cls[(unsigned char)data[p]] <= C_SPACE)
                p++;
            if (p < len && cls[(unsigned char)data[p]] == C_QUOTE) {
                *st = gp_fail(r->err, GP_EDATA, r->name, line,
                              "bad quoting (a quote inside an unquoted field)");
                return STEP_ERROR;
            }
            if (p < len && cls[(unsigned char)data[p]] == C_NUL) {
                *st = gp_fail(r->err, GP_EDATA, r->name, line,
                              "a field contains a NUL byte");
                return STEP_ERROR;
            }
            if (p >= len && !final)
                return STEP_NEED_MORE;
            size_t e = p;
            while (e > f && cls[(unsigned char)data[e - 1]] == C_SPACE)
                e--;
            memcpy(r->buf + r->buf_len, data + f, e - f);
            r->buf_len += e - f;
        }
        r->offsets[r->nfields] = start;
        r->lens[r->nfields] = r->buf_len - start;
        r->buf[r->buf_len++] = '\0';
        r->nfields++;
        if (p >= len) {
            *pos = p;
            r->line = line;
            return STEP_ROW;
        }
        int c = cls[(unsigned char)data[p]];
        if (c == C_COMMA) {
            p++;
            continue;
        }
        /* end of row: "\n", "\r\n" or "\r" */
        if (c == C_CR) {
            if (p + 1 >= len && !final)
                return STEP_NEED_MORE;
            p++;
            if (p < len && data[p] == '\n')
                p++;
        } else {
            p++;
        }
        *pos = p;
        r->line = line + 1;
        return STEP_ROW;
    }
oom:
    *st = gp_fail(r->err, GP_ENOMEM, r->name, line, "out of memory reading CSV");
    return STEP_ERROR;
}

/* Parses every complete row of data[0..len); returns how many bytes were
 * consumed (the rest is an incomplete row, unless final). */
static gp_status parse_buffer(reader *r, const char *data, size_t len,
                              int final, size_t *consumed)
{
    size_t pos = 0;
    gp_status st = GP_OK;
    /* One SIMD pass over the buffer spares a NUL check in every field. */
    r->may_have_nul = memchr(data, '\0', len) != NULL;
    while (pos < len) {
        /* a line of blanks only is an empty line, as libcsv reads it */
        size_t b = pos;
        while (b < len && (data[b] == ' ' || data[b] == '\t'))
            b++;
        if (b > pos && b >= len) {
            if (!final)
                break;
            pos = b;
            continue;
        }
        if (b > pos && (data[b] == '\n' || data[b] == '\r'))
            pos = b;
        /* skip empty lines */
        if (data[pos] == '\n') {
            pos++;
            r->line++;
            continue;
        }
        if (data[pos] == '\r') {
            if (pos + 1 >= len && !final)
                break;
            pos += (pos + 1 < len && data[pos + 1] == '\n') ? 2 : 1;
            r->line++;
            continue;
        }
        size_t save = pos;
        long row_line = r->line;
        step s = parse_row(r, data, len, &pos, final, &st);
        if (s == STEP_NEED_MORE) {
            pos = save;
            r->line = row_line;
            break;
        }
        if (s == STEP_ERROR)
            return st;
        for (size_t i = 0; i < r->nfields; i++)
            r->fields[i] = r->buf + r->offsets[i];
        gp_csv_row row = {r->nfields, r->fields, r->lens, row_line};
        st = r->fn(&row, r->ctx, r->err);
        if (st != GP_OK)
            return st;
    }
    *consumed = pos;
    return GP_OK;
}

static void reader_free(reader *r)
{
    free(r->buf);
    free(r->offsets);
    free(r->lens);
    free(r->fields);
}

gp_status gp_csv_parse(const char *name, const char *data, size_t len,
                       gp_csv_row_fn fn, void *ctx, gp_error *err)
{
    reader r = {0};
    r.name = name;
    r.fn = fn;
    r.ctx = ctx;
    r.err = err;
    r.line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    size_t consumed = 0;
    gp_status st = parse_buffer(&r, data, len, 1, &consumed);
    reader_free(&r);
    return st;
}

/* Reads a file chunk by chunk through parse_buffer(); rows go to r->fn. */
static gp_status read_file(FILE *f, reader *r)
{
    size_t cap = 4 << 20, have = 0;
    char *buf = malloc(cap);
    gp_status st = GP_OK;
    int first = 1, eof = 0;
    if (!buf)
        return gp_fail(r->err, GP_ENOMEM, r->name, 0, "out of memory");
    while (!eof) {
        if (have == cap) {
            /* one row longer than the buffer: grow it */
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                st = gp_fail(r->err, GP_ENOMEM, r->name, r->line, "out of memory");
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + have, 1, cap - have, f);
        if (n == 0) {
            if (ferror(f)) {
                st = gp_fail(r->err, GP_EIO, r->name, r->line, "read error: %s",
                             strerror(errno));
                break;
            }
            eof = 1;
        }
        have += n;
        size_t skip = 0;
        if (first && (have >= 3 || eof)) {
            if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
                skip = 3;
            first = 0;
        }
        size_t consumed = 0;
        st = parse_buffer(r, buf + skip, have - skip, eof, &consumed);
        if (st != GP_OK)
            break;
        consumed += skip;
        memmove(buf, buf + consumed, have - consumed);
        have -= consumed;
    }
    free(buf);
    return st;
}

/* ---- a reader thread for large files ----------------------------------
 *
 * For a large file, a second thread reads and splits rows into batches
 * while the calling thread runs the row callback on the previous batch:
 * parsing and loading overlap on two cores. The callback still runs on the
 * calling thread, in file order, so callers see no difference. */

enum { BATCH_ROWS = 4096, NBATCHES = 3 };
#define PIPELINE_MIN_BYTES (8L << 20)

typedef struct batch {
    char *bytes;              /* field text, NUL after each field */
    size_t nbytes, bytes_cap;
    size_t *offsets, *lens;   /* per field */
    size_t nfields, fields_cap;
    size_t row_first[BATCH_ROWS], row_nfields[BATCH_ROWS];
    long row_line[BATCH_ROWS];
    size_t nrows;
    int full;
} batch;

typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    batch batches[NBATCHES];
    size_t fill, drain;       /* next batch to fill / to drain */
    int producer_done;
    gp_status producer_status;
    gp_error producer_err;
    int stop;                 /* the consumer failed: stop producing */
    FILE *f;
    const char *name;
    batch *cur;               /* the batch the producer fills */
} pipeline;

static int batch_reserve(batch *b, size_t nfields, size_t nbytes)
{
    if (b->nfields + nfields > b->fields_cap) {
        size_t cap = b->fields_cap ? b->fields_cap : 4096;
        while (cap < b->nfields + nfields)
            cap *= 2;
        size_t *o = realloc(b->offsets, cap * sizeof(*o));
        if (!o)
            return -1;
        b->offsets = o;
        size_t *l = realloc(b->lens, cap * sizeof(*l));
        if (!l)
            return -1;
        b->lens = l;
        b->fields_cap = cap;
    }
    if (b->nbytes + nbytes > b->bytes_cap) {
        size_t cap = b->bytes_cap ? b->bytes_cap : 1 << 20;
        while (cap < b->nbytes + nbytes)
            cap *= 2;
        char *nb = realloc(b->bytes, cap);
        if (!nb)
            return -1;
        b->bytes = nb;
        b->bytes_cap = cap;
    }
    return 0;
}

/* Hands the current batch over and waits for a free one. Returns 0, or -1
 * when the consumer asked to stop. */
static int next_batch(pipeline *pl)
{
    pthread_mutex_lock(&pl->mu);
    if (pl->cur && pl->cur->nrows) {
        pl->cur->full = 1;
        pl->fill = (pl->fill + 1) % NBATCHES;
        pthread_cond_broadcast(&pl->cond);
    }
    while (pl->batches[pl->fill].full && !pl->stop)
        pthread_cond_wait(&pl->cond, &pl->mu);
    int stop = pl->stop;
    pl->cur = &pl->batches[pl->fill];
    pthread_mutex_unlock(&pl->mu);
    pl->cur->nrows = pl->cur->nfields = pl->cur->nbytes = 0;
    return stop ? -1 : 0;
}

/* The producer's row callback: copy the row into the current batch. */
static gp_status to_batch(const gp_csv_row *row, void *ctx, gp_error *err)
{
    pipeline *pl = ctx;
    if (pl->cur->nrows == BATCH_ROWS && next_batch(pl) != 0)
        return GP_ESTOPPED;
    batch *b = pl->cur;
    size_t bytes = 0;
    for (size_t i = 0; i < row->nfields; i++)
        bytes += row->lens[i] + 1;
    if (batch_reserve(b, row->nfields, bytes) != 0)
        return gp_fail(err, GP_ENOMEM, pl->name, row->line, "out of memory");
    b->row_first[b->nrows] = b->nfields;
    b->row_nfields[b->nrows] = row->nfields;
    b->row_line[b->nrows] = row->line;
    b->nrows++;
    for (size_t i = 0; i < row->nfields; i++) {
        b->offsets[b->nfields] = b->nbytes;
        b->lens[b->nfields] = row->lens[i];
        memcpy(b->bytes + b->nbytes, row->fields[i], row->lens[i] + 1);
        b->nbytes += row->lens[i] + 1;
        b->nfields++;
    }
    return GP_OK;
}

static void *producer(void *arg)
{
    pipeline *pl = arg;
    reader r = {0};
    r.name = pl->name;
    r.fn = to_batch;
    r.ctx = pl;
    r.err = &pl->producer_err;
    r.line = 1;
    gp_status st = next_batch(pl) != 0 ? GP_ESTOPPED : read_file(pl->f, &r);
    reader_free(&r);
    pthread_mutex_lock(&pl->mu);
    if (pl->cur && pl->cur->nrows && !pl->stop) {
        pl->cur->full = 1;
        pl->fill = (pl->fill + 1) % NBATCHES;
    }
    pl->producer_status = st;
    pl->producer_done = 1;
    pthread_cond_broadcast(&pl->cond);
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

/* Runs fn over the batches in order. */
static gp_status consume(pipeline *pl, gp_csv_row_fn fn, void *ctx, gp_error *err)
{
    const char **fields = NULL;
    size_t fields_cap = 0;
    gp_status st = GP_OK;
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        while (!pl->batches[pl->drain].full && !pl->producer_done)
            pthread_cond_wait(&pl->cond, &pl->mu);
        int have = pl->batches[pl->drain].full;
        pthread_mutex_unlock(&pl->mu);
        if (!have)
            break; /* the producer is done and everything is drained */
        batch *b = &pl->batches[pl->drain];
        for (size_t r = 0; r < b->nrows && st == GP_OK; r++) {
            size_t n = b->row_nfields[r], first = b->row_first[r];
            if (n > fields_cap) {
                const char **nf = realloc(fields, n * sizeof(*nf));
                if (!nf) {
                    st = gp_fail(err, GP_ENOMEM, pl->name, b->row_line[r],
                                 "out of memory");
                    break;
                }
                fields = nf;
                fields_cap = n;
            }
            for (size_t i = 0; i < n; i++)
                fields[i] = b->bytes + b->offsets[first + i];
            gp_csv_row row = {n, fields, b->lens + first, b->row_line[r]};
            st = fn(&row, ctx, err);
        }
        pthread_mutex_lock(&pl->mu);
        b->full = 0;
        pl->drain = (pl->drain + 1) % NBATCHES;
        if (st != GP_OK)
            pl->stop = 1;
        pthread_cond_broadcast(&pl->cond);
        pthread_mutex_unlock(&pl->mu);
        if (st != GP_OK)
            break;
    }
    free(fields);
    return st;
}

static gp_status parse_file_pipelined(FILE *f, const char *path, gp_csv_row_fn fn,
                                      void *ctx, gp_error *err, int *started)
{
    pipeline *pl = calloc(1, sizeof(*pl));
    if (!pl)
        return GP_OK; /* *started stays 0: the caller reads sequentially */
    pl->f = f;
    pl->name = path;
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->cond, NULL);
    pthread_t thread;
    gp_status st = GP_OK;
    if (pthread_create(&thread, NULL, producer, pl) != 0)
        goto out;
    *started = 1;
    st = consume(pl, fn, ctx, err);
    pthread_join(thread, NULL);
    if (st == GP_OK && pl->producer_status != GP_OK) {
        st = pl->producer_status;
        *err = pl->producer_err;
    }
out:
    for (int i = 0; i < NBATCHES; i++) {
        free(pl->batches[i].bytes);
        free(pl->batches[i].offsets);
        free(pl->batches[i].lens);
    }
    pthread_cond_destroy(&pl->cond);
    pthread_mutex_destroy(&pl->mu);
    free(pl);
    return st;
}

gp_status gp_csv_parse_file(const char *path, gp_csv_row_fn fn, void *ctx,
                            gp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gp_fail(err, GP_EIO, path, 0, "cannot open: %s", strerror(errno));
    gp_status st = GP_OK;
    int started = 0;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && sb.st_size >= PIPELINE_MIN_BYTES)
        st = parse_file_pipelined(f, path, fn, ctx, err, &started);
    if (!started) {
        reader r = {0};
        r.name = path;
        r.fn = fn;
        r.ctx = ctx;
        r.err = err;
        r.line = 1;
        st = read_file(f, &r);
        reader_free(&r);
    }
    fclose(f);
    return st;
}

/* ASCII case-insensitive equality: strcasecmp follows the locale (in a
 * Turkish one 'I' does not lower to 'i', so "PRICE" != "price"). */
static int same_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
}

int gp_csv_column(const gp_csv_row *header, const char *name)
{
    for (size_t i = 0; i < header->nfields; i++) {
        if (same_name(header->fields[i], name))
            return (int)i;
    }
    return -1;
}

int gp_csv_duplicate_column(const gp_csv_row *header)
{
    /* quadratic, but headers are tens of columns and read once a file */
    for (size_t i = 1; i < header->nfields; i++) {
        if (!header->fields[i][0])
            continue;
        for (size_t j = 0; j < i; j++)
            if (same_name(header->fields[i], header->fields[j]))
                return (int)i;
    }
    return -1;
}

int gp_csv_column_again(const gp_csv_row *header, int first)
{
    for (size_t i = (size_t)first + 1; i < header->nfields; i++)
        if (same_name(header->fields[i], header->fields[first]))
            return (int)i;
    return -1;
}

/* ---- files read by column names ------------------------------------------ */

typedef struct named_reader {
    const char *name;
    const char *const *columns;
    int ncols;
    int col[GP_CSV_NAMED_MAX];
    int have_header;
    gp_arena *arena;
    gp_csv_named_fn fn;
    void *ctx;
} named_reader;

static gp_status on_named_row(const gp_csv_row *row, void *ctx, gp_error *err)
{
    named_reader *r = ctx;
    if (!r->have_header) {
        /* With two "price" columns, gp_csv_column would silently pick the
         * first: the file is ambiguous, so say so. */
        int dup = gp_csv_duplicate_column(row);
        if (dup >= 0)
            return gp_fail(err, GP_EDATA, r->name, row->line,
                           "duplicate column '%s' in the header", row->fields[dup]);
        for (int i = 0; i < r->ncols; i++)
            if ((r->col[i] = gp_csv_column(row, r->columns[i])) < 0)
                return gp_fail(err, GP_EDATA, r->name, row->line, "missing column %s",
                               r->columns[i]);
        r->have_header = 1;
        return GP_OK;
    }
    const char *v[GP_CSV_NAMED_MAX];
    for (int i = 0; i < r->ncols; i++) {
        const char *f = (size_t)r->col[i] < row->nfields ? row->fields[r->col[i]] : "";
        if (!(v[i] = gp_arena_strdup(r->arena, f)))
            return gp_fail(err, GP_ENOMEM, r->name, row->line, "out of memory");
    }
    return r->fn(r->ctx, v, row->line, err);
}

gp_status gp_csv_parse_named(const char *name, const char *data, size_t len,
                             const char *const *columns, int ncols, gp_arena *arena,
                             gp_csv_named_fn fn, void *ctx, gp_error *err)
{
    if (ncols < 1 || ncols > GP_CSV_NAMED_MAX)
        return gp_fail(err, GP_EINVAL, name, 0, "bad column count %d", ncols);
    named_reader r = {.name = name, .columns = columns, .ncols = ncols, .arena = arena,
                      .fn = fn, .ctx = ctx};
    gp_status st = gp_csv_parse(name, data, len, on_named_row, &r, err);
    if (st == GP_OK && !r.have_header)
        st = gp_fail(err, GP_EDATA, name, 1, "empty file: no header");
    return st;
}
