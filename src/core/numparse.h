/* Internal: reading and writing numbers the C way, whatever the locale.
 *
 * strtod, atof and printf("%g") follow the process locale (LC_NUMERIC): a
 * program that links the library and calls setlocale(LC_ALL, "de_DE.UTF-8")
 * would read "1.4" as 1 and write 0.5 as "0,5". Data files and command
 * lines always use '.', so every number the library reads or formats goes
 * through these helpers, which switch the calling thread to the "C" locale
 * (uselocale, POSIX 2008) for the call only. They are thread-safe and leave
 * the caller's locale as it was. */
#ifndef GP_NUMPARSE_H
#define GP_NUMPARSE_H

#include <stdarg.h>
#include <stddef.h>

/* strtod in the "C" locale: same contract as strtod(3) (end may be NULL).
 * Only if the "C" locale object cannot be created (out of memory, once per
 * process) does it fall back to the process locale. */
double gp_strtod_c(const char *text, char **end);

/* vsnprintf / snprintf in the "C" locale ('.' as decimal point). */
int gp_vsnprintf_c(char *buf, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int gp_snprintf_c(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses a plain decimal number as a CSV cell holds it, blanks around it
 * allowed. An empty cell or "nan" gives NAN and success. Returns 0 on
 * success, -1 when the text is not a finite number. */
int gp_parse_plain_number(const char *text, double *out);

/* A whole number written as ASCII digits only (no sign, blanks or
 * separators) and at most `max`: returns it, or `fallback` when the text
 * is empty, holds anything but digits, or exceeds max. No overflow
 * whatever the length (atoi has undefined behaviour past INT_MAX). */
int gp_parse_digits_max(const char *text, int max, int fallback);

#endif
