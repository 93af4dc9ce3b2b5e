/* Rendering: aligned tables for people, CSV, Markdown and JSON for scripts.
 * The library computes; everything here only formats. */
#ifndef GP_CLI_OUT_H
#define GP_CLI_OUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

typedef enum gp_format { FMT_TABLE = 0, FMT_CSV, FMT_JSON, FMT_MD } gp_format;

/* "table", "csv", "json", "md"; -1 when unknown. */
int gp_format_parse(const char *name);

/* Colour on this stream: a terminal, NO_COLOR unset or empty, TERM not
 * "dumb". */
int gp_use_color(FILE *f);

/* Columns of a terminal on stdout, else $COLUMNS, else 80. */
size_t gp_terminal_width(void);

typedef struct gp_col {
    const char *header;
    int right;        /* right-align (numbers) */
    size_t comfort;   /* shrinkable: first shrink to this width ... */
    size_t min;       /* ... and, after dropping columns, down to this;
                         0: never shortened */
    int drop;         /* 0: always shown; higher numbers are dropped first
                         when the table does not fit. Negative: a column
                         that carries the answer, dropped only after every
                         column is at its minimum width (-3 before -1) */
} gp_col;

typedef struct gp_table gp_table;

gp_table *gp_table_new(const gp_col *cols, size_t ncols);
/* Copies ncols cells; NULL cells print as "-"; control characters in them
 * (a newline from a quoted CSV field) print as visible escapes: \n, \t,
 * \x1b. Returns -1 out of memory. */
int gp_table_add(gp_table *t, const char *const *cells);
size_t gp_table_rows(const gp_table *t);
/* Prints aligned to fit `width` columns (0: no limit): long columns shrink,
 * then the columns with the highest `drop` go; a line under the table then
 * names them ("(not shown at 80 columns: REGION; --wide or a wider terminal
 * shows it)"). */
void gp_table_print(const gp_table *t, FILE *out, size_t width, int color);
/* Prints as a GitHub-flavoured Markdown table (cells escaped). */
void gp_table_print_md(const gp_table *t, FILE *out);
void gp_table_free(gp_table *t);
/* Prints to stdout as `fmt` says: Markdown for FMT_MD, else aligned to the
 * terminal (full width when `wide`), with colour where allowed. */
void gp_table_show(const gp_table *t, gp_format fmt, int wide);

/* CSV output: one cell (quoted when needed) and the end of a row. */
void gp_csv_cell(FILE *out, const char *s, int first);
void gp_csv_num(FILE *out, double v, int first);
void gp_csv_end(FILE *out);

/* Text formatting into buf; NAN gives "-". From 1e15 up, usd, num, int and
 * pct print in scientific notation ($1.00e+300), never a cut-off number. */
const char *gp_fmt_usd(char *buf, size_t cap, double usd);
const char *gp_fmt_num(char *buf, size_t cap, double v, int decimals);
/* A count without trailing zeros: 8, 0.5, 1.25. */
const char *gp_fmt_count(char *buf, size_t cap, double v);
/* "1,234,567" */
const char *gp_fmt_int(char *buf, size_t cap, double v);
/* A count with a suffix and three significant digits: 6.74B, 2T, 512,
 * 1.23M; beyond 1e15 scientific (9.38e+22). */
const char *gp_fmt_si(char *buf, size_t cap, double v);
/* A percentage: 0.703 -> "70%". */
const char *gp_fmt_pct(char *buf, size_t cap, double fraction);

/* JSON values that map NAN to null and "" to null. */
json_t *gp_json_num(double v);
json_t *gp_json_str(const char *s);
/* Writes a JSON document to stdout followed by a newline; consumes root.
 * Returns 0, or -1 when it could not be written (root NULL: out of memory,
 * said on stderr; a write error: left on stdout for gp_output_check). */
int gp_json_print(json_t *root);

/* The one check that output reached its destination, for every format:
 * flushes stdout and, on a write error now or earlier, prints "gpuplan:
 * cannot write output: <strerror>" on stderr and returns 1 (or rc when rc
 * already says failure); otherwise returns rc. cmd.c calls it once after
 * every command. */
int gp_output_check(int rc);

/* Prints text wrapped to `width` (0: never wrapped), every line indented by
 * `indent`, the first line starting at column `col`; ends the line. An
 * '\n' in text starts a new (indented) line. */
void gp_wrap(const char *text, size_t col, size_t indent, size_t width);
/* The width prose (notes, assumptions, footers) wraps to: the terminal's
 * on a terminal, 0 (no wrapping: one record per line) when stdout is a
 * pipe or a file. Tables fit gp_terminal_width() either way. */
size_t gp_prose_width(void);
/* A footnote under a table: formatted, dim on a terminal, wrapped to
 * gp_prose_width(). */
void gp_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A list item of notes ("  - " an assumption): the bullet, then the text
 * with a hanging indent under it, wrapped like gp_note. */
void gp_note_item(const char *bullet, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Text styles (empty strings when colour is off). */
typedef struct gp_style {
    const char *bold, *dim, *green, *yellow, *red, *reset;
} gp_style;
gp_style gp_style_for(FILE *f);

#endif
