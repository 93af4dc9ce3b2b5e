#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "core/numparse.h"

const char *gp_strerror(gp_status status)
{
    switch (status) {
    case GP_OK: return "success";
    case GP_ENOMEM: return "out of memory";
    case GP_EIO: return "cannot read file";
    case GP_EDATA: return "malformed data";
    case GP_EINVAL: return "invalid argument";
    case GP_ENOTFOUND: return "not found";
    case GP_ERANGE: return "value out of range";
    case GP_ESTOPPED: return "stopped";
    }
    return "unknown error";
}

void gp_error_clear(gp_error *err)
{
    if (!err)
        return;
    err->status = GP_OK;
    err->file[0] = '\0';
    err->line = 0;
    err->message[0] = '\0';
}

gp_status gp_fail(gp_error *err, gp_status status, const char *file,
                  long line, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    /* Messages quote numbers back to the user ("write 0.12"); they must read
     * the way the parsers read them, whatever locale the program set. */
    gp_vsnprintf_c(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return status;
}
