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

/* Index of `name` in a header row (case-insensitive), or -1. */
int gp_csv_column(const gp_csv_row *header, const char *name);

#endif
