/* Internal: filling a gp_error. */
#ifndef GP_FAIL_H
#define GP_FAIL_H

#include "gpuplan/error.h"

/* Sets err (may be NULL) and returns status, so callers can write
 * `return gp_fail(err, GP_EDATA, file, line, "...", ...);`. */
gp_status gp_fail(gp_error *err, gp_status status, const char *file,
                  long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
