#include "out.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int gp_format_parse(const char *name)
{
    static const char *const NAMES[] = {"table", "csv", "json", "md"};
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, NAMES[i]) == 0)
            return i;
    return -1;
}

int gp_use_color(FILE *f)
{
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return 0;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fileno(f));
}

gp_style gp_style_for(FILE *f)
{
    if (gp_use_color(f))
        return (gp_style){"\033[1m", "\033[2m", "\033[32m", "\033[33m",
                          "\033[31m", "\033[0m"};
    return (gp_style){"", "", "", "", "", ""};
}

size_t gp_terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col >= 20)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    if (cols) {
        long n = strtol(cols, NULL, 10);
        if (n >= 20 && n < 10000)
            return (size_t)n;
    }
    return 80;
}

/* ---- tables -------------------------------------------------------------- */

enum { COLUMN_GAP = 2 }; /* spaces between columns */

struct gp_table {
    gp_col cols[24];
    size_t ncols;
    char **cells; /* rows * ncols */
    size_t nrows, cap;
};

gp_table *gp_table_new(const gp_col *cols, size_t ncols)
{
    if (ncols > 24)
        return NULL;
    gp_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    memcpy(t->cols, cols, ncols * sizeof(*cols));
    t->ncols = ncols;
    return t;
}

/* A copy of a cell fit for one table line: a catalog field may hold a
 * newline (quoted CSV), a tab or an escape sequence, which would break the
 * row or restyle the terminal. Control characters become visible escapes
 * (\n, \t, \r, \x1b); Markdown then escapes the backslash in turn. */
static size_t display_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p < 0x20 || *p == 0x7f) ? 4 : 1;
    return n;
}

/* Writes the display copy of s at o (display_len(s) + 1 bytes). */
static void display_put(char *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f)
            *o++ = (char)*p;
        else if (*p == '\n' || *p == '\t' || *p == '\r') {
            *o++ = '\\';
            *o++ = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
        } else {
            o += snprintf(o, 5, "\\x%02x", *p);
        }
    }
    *o = '\0';
}

/* A row's cells live in one block (one allocation per row, not per cell):
 * cell 0 starts it, gp_table_free frees it. */
int gp_table_add(gp_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **c = realloc(t->cells, cap * t->ncols * sizeof(*c));
        if (!c)
            return -1;
        t->cells = c;
        t->cap = cap;
    }
    if (!t->ncols) {
        t->nrows++;
        return 0;
    }
    size_t len[24], total = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        len[i] = display_len(cells[i] ? cells[i] : "-");
        total += len[i] + 1;
    }
    char *block = malloc(total);
    if (!block)
        return -1;
    char **row = &t->cells[t->nrows * t->ncols];
    for (size_t i = 0; i < t->ncols; i++) {
        row[i] = block;
        display_put(block, cells[i] ? cells[i] : "-");
        block += len[i] + 1;
    }
    t->nrows++;
    return 0;
}

size_t gp_table_rows(const gp_table *t) { return t->nrows; }

void gp_table_free(gp_table *t)
{
    if (!t)
        return;
    for (size_t r = 0; t->ncols && r < t->nrows; r++)
        free(t->cells[r * t->ncols]); /* the row's block */
    free(t->cells);
    free(t);
}

/* Display width: UTF-8 code points (our text has no wide characters). */
static size_t text_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* n spaces (what fprintf's "%*s" of "" writes, without formatting). */
static void put_spaces(FILE *out, size_t n)
{
    static const char blanks[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;
        fwrite(blanks, 1, k, out);
        n -= k;
    }
}

/* Prints s in exactly `width` columns, truncating with "…". */
static void put_cell(FILE *out, const char *s, size_t width, int right, int last)
{
    size_t w = text_width(s);
    if (w > width) {
        size_t keep = width ? width - 1 : 0, n = 0;
        const char *p = s;
        while (*p && n < keep) {
            p++;
            while (((unsigned char)*p & 0xC0) == 0x80)
                p++;
            n++;
        }
        fprintf(out, "%.*s%s", (int)(p - s), s, width ? "…" : "");
        return;
    }
    if (right) {
        put_spaces(out, width - w);
        fputs(s, out);
    } else if (last) {
        fputs(s, out);
    } else {
        fputs(s, out);
        put_spaces(out, width - w);
    }
}

static size_t shown_width(const gp_table *t, const size_t *w, const int *shown,
                          size_t gap)
{
    size_t total = 0, n = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (shown[c]) {
            total += w[c];
            n++;
        }
    return total + (n ? (n - 1) * gap : 0);
}

/* Shrinks the widest column that is wider than its limit by one; returns 0
 * when no column can give anything. */
static int shrink_one(const gp_table *t, size_t *w, const int *shown, int use_min)
{
    size_t best = t->ncols;
    for (size_t c = 0; c < t->ncols; c++) {
        size_t limit = use_min ? t->cols[c].min : t->cols[c].comfort;
        if (!shown[c] || !t->cols[c].min || w[c] <= limit)
            continue;
        if (best == t->ncols || w[c] - limit > w[best] - (use_min ? t->cols[best].min
                                                                 : t->cols[best].comfort))
            best = c;
    }
    if (best == t->ncols)
        return 0;
    w[best]--;
    return 1;
}

/* One line of cells, in the shown columns, without the newline. */
static void print_row(FILE *out, const gp_table *t, const char *const *cells,
                      const size_t *w, const int *shown, size_t last)
{
    int first = 1;
    for (size_t c = 0; c < t->ncols; c++) {
        if (!shown[c])
            continue;
        if (!first)
            put_spaces(out, COLUMN_GAP);
        first = 0;
        put_cell(out, cells[c], w[c], t->cols[c].right, c == last);
    }
}

void gp_table_print(const gp_table *t, FILE *out, size_t width, int color)
{
    size_t w[24];
    int shown[24];
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = text_width(t->cols[c].header);
        shown[c] = 1;
        for (size_t r = 0; r < t->nrows; r++) {
            size_t cw = text_width(t->cells[r * t->ncols + c]);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    /* To fit: shorten long columns to a comfortable width, then drop the
     * least useful columns, then shorten to the minimum, and only then drop
     * the columns that carry the answer (negative `drop`): a cut-off
     * instance name costs less than a missing price. */
    size_t natural[24];
    for (size_t c = 0; c < t->ncols; c++)
        natural[c] = w[c];
    while (width && shown_width(t, w, shown, COLUMN_GAP) > width) {
        if (shrink_one(t, w, shown, 0))
            continue;
        size_t drop = t->ncols;
        for (size_t c = 0; c < t->ncols; c++)
            if (shown[c] && t->cols[c].drop > 0 &&
                (drop == t->ncols || t->cols[c].drop > t->cols[drop].drop))
                drop = c;
        if (drop < t->ncols) {
            shown[drop] = 0;
            continue;
        }
        if (shrink_one(t, w, shown, 1))
            continue;
        for (size_t c = 0; c < t->ncols; c++)
            if (shown[c] && t->cols[c].drop < 0 &&
                (drop == t->ncols || t->cols[c].drop < t->cols[drop].drop))
                drop = c;
        if (drop == t->ncols)
            break; /* nothing more to give: let the terminal wrap */
        shown[drop] = 0;
    }
    /* Dropping a column can free more room than the shortening needed:
     * give it back to the shortened columns, the most cut first. */
    while (width && shown_width(t, w, shown, COLUMN_GAP) < width) {
        size_t best = t->ncols, best_cut = 0;
        for (size_t c = 0; c < t->ncols; c++) {
            if (!shown[c] || w[c] >= natural[c])
                continue;
            if (natural[c] - w[c] > best_cut) {
                best_cut = natural[c] - w[c];
                best = c;
            }
        }
        if (best == t->ncols)
            break;
        w[best]++;
    }
    size_t last = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (shown[c])
            last = c;
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    const char *headers[24];
    for (size_t c = 0; c < t->ncols; c++)
        headers[c] = t->cols[c].header;
    fputs(bold, out);
    print_row(out, t, headers, w, shown, last);
    fputs(reset, out);
    fputc('\n', out);
    for (size_t r = 0; r < t->nrows; r++) {
        print_row(out, t, (const char *const *)&t->cells[r * t->ncols], w, shown, last);
        fputc('\n', out);
    }
    /* A dropped column must not pass for an absent one: name it. */
    char dropped[512] = "";
    size_t ndropped = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        if (shown[c])
            continue;
        size_t used = strlen(dropped);
        /* A column without a header (a bar chart) is named by what it is. */
        snprintf(dropped + used, sizeof(dropped) - used, "%s%s", ndropped ? ", " : "",
                 t->cols[c].header[0] ? t->cols[c].header : "the bars");
        ndropped++;
    }
    if (ndropped)
        fprintf(out, "%s(not shown at %zu columns: %s; --wide or a wider terminal shows "
                "%s)%s\n", color ? "\033[2m" : "", width, dropped,
                ndropped == 1 ? "it" : "them", reset);
}

void gp_table_show(const gp_table *t, gp_format fmt, int wide)
{
    if (fmt == FMT_MD)
        gp_table_print_md(t, stdout);
    else
        gp_table_print(t, stdout, wide ? 0 : gp_terminal_width(), gp_use_color(stdout));
}

static void md_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\')
            fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
}

void gp_table_print_md(const gp_table *t, FILE *out)
{
    fputc('|', out);
    for (size_t c = 0; c < t->ncols; c++) {
        fputc(' ', out);
        md_cell(out, t->cols[c].header);
        fputs(" |", out);
    }
    fputs("\n|", out);
    for (size_t c = 0; c < t->ncols; c++)
        fputs(t->cols[c].right ? " ---: |" : " --- |", out);
    fputc('\n', out);
    for (size_t r = 0; r < t->nrows; r++) {
        fputc('|', out);
        for (size_t c = 0; c < t->ncols; c++) {
            fputc(' ', out);
            md_cell(out, t->cells[r * t->ncols + c]);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
}

/* ---- CSV ----------------------------------------------------------------- */

void gp_csv_cell(FILE *out, const char *s, int first)
{
    if (!first)
        fputc(',', out);
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void gp_csv_num(FILE *out, double v, int first)
{
    if (!first)
        fputc(',', out);
    if (!isnan(v))
        fprintf(out, "%.10g", v);
}

void gp_csv_end(FILE *out) { fputc('\n', out); }

/* ---- numbers ------------------------------------------------------------- */

/* Beyond this, digits stop meaning anything to a reader (and %.0f would
 * print up to 309 of them into a cell-sized buffer, cut off mid-number):
 * the formatters switch to scientific notation, 1.00e+300. */
#define GP_FMT_SCI_FROM 1e15

static int too_big(double v) { return fabs(v) >= GP_FMT_SCI_FROM; }

const char *gp_fmt_usd(char *buf, size_t cap, double usd)
{
    if (isnan(usd)) {
        snprintf(buf, cap, "-");
    } else if (too_big(usd)) {
        snprintf(buf, cap, "%s$%.2e", usd < 0 ? "-" : "", fabs(usd));
    } else if (fabs(usd) >= 1000) {
        char digits[64];
        gp_fmt_int(digits, sizeof(digits), usd);
        snprintf(buf, cap, "$%s", digits);
    } else {
        snprintf(buf, cap, "$%.2f", usd);
    }
    return buf;
}

const char *gp_fmt_num(char *buf, size_t cap, double v, int decimals)
{
    if (isnan(v))
        snprintf(buf, cap, "-");
    else if (too_big(v))
        snprintf(buf, cap, "%.2e", v);
    else
        snprintf(buf, cap, "%.*f", decimals, v);
    return buf;
}

const char *gp_fmt_count(char *buf, size_t cap, double v)
{
    if (isnan(v))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%g", v);
    return buf;
}

const char *gp_fmt_int(char *buf, size_t cap, double v)
{
    if (isnan(v)) {
        snprintf(buf, cap, "-");
        return buf;
    }
    if (too_big(v)) {
        snprintf(buf, cap, "%.2e", v);
        return buf;
    }
    char digits[64];
    snprintf(digits, sizeof(digits), "%.0f", fabs(v));
    size_t n = strlen(digits), o = 0;
    /* -0.4 rounds to "0": no minus sign in front of it. */
    if (v < 0 && strcmp(digits, "0") != 0 && o + 1 < cap)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0 && o + 1 < cap)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *gp_fmt_si(char *buf, size_t cap, double v)
{
    static const struct { double scale; const char *suffix; } UNITS[] = {
        {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    if (isnan(v)) {
        snprintf(buf, cap, "-");
        return buf;
    }
    double a = fabs(v);
    if (a >= 1e15) {
        snprintf(buf, cap, "%.3g", v);
        return buf;
    }
    for (size_t i = 0; i < sizeof(UNITS) / sizeof(UNITS[0]); i++)
        if (a >= UNITS[i].scale) {
            snprintf(buf, cap, "%.3g%s", v / UNITS[i].scale, UNITS[i].suffix);
            return buf;
        }
    snprintf(buf, cap, "%.3g", v);
    return buf;
}

const char *gp_fmt_pct(char *buf, size_t cap, double fraction)
{
    if (isnan(fraction))
        snprintf(buf, cap, "-");
    else if (too_big(fraction * 100.0))
        snprintf(buf, cap, "%.2e%%", fraction * 100.0);
    else
        snprintf(buf, cap, "%.0f%%", fraction * 100.0);
    return buf;
}

/* ---- JSON ---------------------------------------------------------------- */

json_t *gp_json_num(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

json_t *gp_json_str(const char *s)
{
    if (!s || !*s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    /* Not valid UTF-8 (a user's file): keep the ASCII, mark the rest. */
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (!copy)
        return json_null();
    for (size_t i = 0; i <= n; i++)
        copy[i] = ((unsigned char)s[i] < 0x80) ? s[i] : '?';
    j = json_string(copy);
    free(copy);
    return j ? j : json_null();
}

int gp_json_print(json_t *root)
{
    if (!root) {
        /* The only way a builder gives NULL; a write error, by contrast, is
         * left on stdout's error flag for gp_output_check to report. */
        fputs("gpuplan: out of memory\n", stderr);
        return -1;
    }
    int rc = json_dumpf(root, stdout,
                        JSON_INDENT(2) | JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII);
    json_decref(root);
    /* The newline goes out even after a failed dump: left in the buffer, it
     * makes gp_output_check's flush fail again and say why (jansson stops at
     * the first failed write and leaves the buffer empty). */
    fputc('\n', stdout);
    return rc != 0 ? -1 : 0;
}

int gp_output_check(int rc)
{
    /* Whatever the format, the bytes only leave on this flush: a full disk
     * or a closed stdout shows up here (or earlier, on stdout's error flag)
     * and must not pass for success, nor fail without a word. */
    errno = 0;
    int flush_failed = fflush(stdout) != 0;
    int saved = errno;
    if (!flush_failed && !ferror(stdout))
        return rc;
    /* An earlier buffered write failed but the last flush had nothing left
     * to say why: EIO is the honest generic answer. */
    fprintf(stderr, "gpuplan: cannot write output: %s\n",
            strerror(flush_failed && saved ? saved : EIO));
    return rc == 0 ? 1 : rc;
}

size_t gp_prose_width(void)
{
    /* On a terminal, prose fits the window; into a pipe or a file it stays
     * one record per line, so grep and diff see whole sentences. */
    return isatty(STDOUT_FILENO) ? gp_terminal_width() : 0;
}

/* Prints text wrapped to `width`, every line indented by `indent`, the first
 * line starting at column `col`. A space is written only in front of the
 * word that follows it on the same line: none is left at a line's end, and
 * none is lost where a line ends exactly at `width` ("for a" once came out
 * as "fora" there). */
void gp_wrap(const char *text, size_t col, size_t indent, size_t width)
{
    const char *p = text;
    size_t spaces = 0;
    while (*p) {
        if (*p == '\n') {
            printf("\n%*s", (int)indent, "");
            col = indent;
            spaces = 0;
            p++;
            continue;
        }
        if (*p == ' ') {
            spaces++;
            p++;
            continue;
        }
        size_t wl = strcspn(p, " \n");
        size_t ww = 0; /* display width: UTF-8 code points */
        for (size_t i = 0; i < wl; i++)
            ww += ((unsigned char)p[i] & 0xC0) != 0x80;
        if (width && col > indent && col + spaces + ww > width) {
            printf("\n%*s", (int)indent, "");
            col = indent;
            spaces = 0;
        }
        printf("%*s%.*s", (int)spaces, "", (int)wl, p);
        col += spaces + ww;
        spaces = 0;
        p += wl;
    }
    putchar('\n');
}

static void note_v(const char *bullet, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void note_v(const char *bullet, const char *fmt, va_list ap)
{
    char text[4096];
    vsnprintf(text, sizeof(text), fmt, ap);
    gp_style st = gp_style_for(stdout);
    fputs(st.dim, stdout);
    fputs(bullet, stdout);
    size_t indent = 0;
    for (const char *b = bullet; *b; b++)
        indent += ((unsigned char)*b & 0xC0) != 0x80;
    gp_wrap(text, indent, indent, gp_prose_width());
    /* gp_wrap ended the line; close the style after it. */
    fputs(st.reset, stdout);
}

void gp_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    note_v("", fmt, ap);
    va_end(ap);
}

void gp_note_item(const char *bullet, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    note_v(bullet, fmt, ap);
    va_end(ap);
}
