/* Internal: CSV rows with line numbers, on top of libcsv.
 *
 * libcsv parses bytes and calls back per field and per row; it does not
 * count lines. We feed it one physical line at a time so every row and
 * every error knows its line. Fields are NUL-terminated copies valid only
 * during the row callback. A field holding a NUL byte is malformed data. */
#ifndef GP_CSVREAD_H
#define GP_CSVREAD_H

#include <stddef.h>

#include "gpuplan/error.h"

typedef struct gp_csv_row {
    size_t nfields;
    const char *const *fields;
    const size_t *lens;
    long line; /* physical line (1-based) where the row ends */
} gp_csv_row;

/* Return GP_OK to go on; anything else stops the parse and is returned
 * (the callback fills err). */
typedef gp_status (*gp_csv_row_fn)(const gp_csv_row *row, void *ctx,
                                   gp_error *err);

/* Parses CSV text. `name` is the file name used in error messages. */
gp_status gp_csv_parse(const char *name, const char *data, size_t len,
                       gp_csv_row_fn fn, void *ctx, gp_error *err);

/* Streams a file through the parser in chunks. GP_EIO when it cannot be
 * opened or read. */
gp_status gp_csv_parse_file(const char *path, gp_csv_row_fn fn, void *ctx,
                            gp_error *err);

/* Index of `name` in a header row (case-insensitive), or -1. With a
 * duplicated name it finds the first: check gp_csv_duplicate_column first. */
int gp_csv_column(const gp_csv_row *header, const char *name);

/* Index of the first header field whose name (case-insensitive, as
 * gp_csv_column matches) repeats an earlier one, or -1 when all differ.
 * Empty names are not compared (",," in a header names nothing). */
int gp_csv_duplicate_column(const gp_csv_row *header);

/* Index of the first header field after `first` with the same name as it
 * (matched as gp_csv_column matches), or -1: for a reader that refuses a
 * repeat of a column it uses and tolerates repeated columns it ignores. */
int gp_csv_column_again(const gp_csv_row *header, int first);

/* A small file read by column names: the header must name every one of
 * `columns` (at most GP_CSV_NAMED_MAX; GP_EDATA "missing column X"
 * otherwise, "duplicate column X" when the header names one twice, and
 * "empty file" when there is no header); each row's fields,
 * in the order of `columns` ("" where a row is short), are copied into
 * `arena` and handed to `fn` with the row's line. */
enum { GP_CSV_NAMED_MAX = 16 };
struct gp_arena;
typedef gp_status (*gp_csv_named_fn)(void *ctx, const char *const *values, long line,
                                     gp_error *err);
gp_status gp_csv_parse_named(const char *name, const char *data, size_t len,
                             const char *const *columns, int ncols, struct gp_arena *arena,
                             gp_csv_named_fn fn, void *ctx, gp_error *err);

#endif
