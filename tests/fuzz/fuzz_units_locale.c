/* Fuzz the number and duration parsers in a comma-decimal locale.
 *
 * Properties: each parser gives the same status, the same value (bit for
 * bit) and the same message whether the thread runs in "C" or in de_DE
 * (',' decimal point); GP_OK never comes with NaN, an infinity or a
 * negative value; and the data-file number reader agrees too. de_DE comes
 * from the system, or is built with localedef into a temporary LOCPATH at
 * start-up; without it the target still runs the C-locale checks (and says
 * so once on stderr). */
#include <locale.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/numparse.h"
#include "gpuplan/units.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static locale_t comma_locale = (locale_t)0;

/* glibc's newlocale keeps a copy of LOCPATH (argz) it never frees; that is
 * the C library's, once per process, not the parsers': LeakSanitizer is
 * told to ignore that one stack and still checks everything else. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:argz_add_sep\n";
}

static locale_t try_comma_locale(void)
{
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        locale_t l = newlocale(LC_ALL_MASK, names[i], (locale_t)0);
        if (l == (locale_t)0)
            continue;
        locale_t prev = uselocale(l);
        int comma = strcmp(localeconv()->decimal_point, ",") == 0;
        uselocale(prev);
        if (comma)
            return l;
        freelocale(l);
    }
    return (locale_t)0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    comma_locale = try_comma_locale();
    if (comma_locale == (locale_t)0) {
        static char dir[64] = "/tmp/gp-fuzz-locale-XXXXXX";
        if (mkdtemp(dir)) {
            char cmd[256];
            snprintf(cmd, sizeof(cmd),
                     "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
            (void)system(cmd);
            setenv("LOCPATH", dir, 1); /* newlocale reads it on each call */
            comma_locale = try_comma_locale();
            /* the locale is loaded into memory: the files can go */
            snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
            (void)system(cmd);
        }
    }
    if (comma_locale == (locale_t)0)
        fprintf(stderr, "fuzz_units_locale: no comma-decimal locale; C checks only\n");
    return 0;
}

typedef struct outcome {
    gp_status st;
    double v;
    char message[GP_ERROR_MESSAGE_MAX];
} outcome;

enum { NPARSERS = 6 };

/* Every parser on text; results into out[]. */
static void run_all(const char *text, outcome out[NPARSERS])
{
    gp_status (*parsers[])(const char *, double *, gp_error *) = {
        gp_parse_count, gp_parse_hours, gp_parse_usd, gp_parse_gb};
    gp_error err;
    for (size_t i = 0; i < 4; i++) {
        gp_error_clear(&err);
        out[i].v = -1;
        out[i].st = parsers[i](text, &out[i].v, &err);
        memcpy(out[i].message, err.message, sizeof(err.message));
    }
    gp_error_clear(&err);
    out[4].v = -1;
    out[4].st = gp_parse_fraction(text, 1, &out[4].v, &err);
    memcpy(out[4].message, err.message, sizeof(err.message));
    out[5].v = -1;
    out[5].st = gp_parse_plain_number(text, &out[5].v) == 0 ? GP_OK : GP_EDATA;
    out[5].message[0] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[128];
    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    outcome in_c[NPARSERS], in_comma[NPARSERS];
    run_all(text, in_c);
    for (size_t i = 0; i < 5; i++) {
        if (in_c[i].st == GP_OK && (!isfinite(in_c[i].v) || in_c[i].v < 0))
            __builtin_trap();
        if (in_c[i].st != GP_OK && (in_c[i].st != GP_EINVAL || !in_c[i].message[0]))
            __builtin_trap();
    }
    /* an empty cell is NaN by contract; anything else read must be finite */
    if (in_c[5].st == GP_OK && !isfinite(in_c[5].v) && !isnan(in_c[5].v))
        __builtin_trap();
    if (comma_locale == (locale_t)0)
        return 0;
    locale_t prev = uselocale(comma_locale);
    run_all(text, in_comma);
    uselocale(prev);
    for (size_t i = 0; i < NPARSERS; i++) {
        if (in_c[i].st != in_comma[i].st)
            __builtin_trap();
        if (in_c[i].st == GP_OK && memcmp(&in_c[i].v, &in_comma[i].v, sizeof(double)) != 0)
            __builtin_trap();
        if (strcmp(in_c[i].message, in_comma[i].message) != 0)
            __builtin_trap();
    }
    return 0;
}
