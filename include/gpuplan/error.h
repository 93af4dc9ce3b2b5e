/* gpuplan — status codes and the error record every fallible call fills.
 *
 * Ownership: a gp_error is a plain value owned by the caller, usually on the
 * stack; the library writes into it and never keeps a pointer to it. All
 * strings live in its fixed buffers, so it needs no freeing. */
#ifndef GPUPLAN_ERROR_H
#define GPUPLAN_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_status {
    GP_OK = 0,
    GP_ENOMEM,      /* out of memory */
    GP_EIO,         /* a file or folder is missing or unreadable */
    GP_EDATA,       /* malformed data: bad quoting, column count, number */
    GP_EINVAL,      /* an argument is invalid (bad number, unknown flag value) */
    GP_ENOTFOUND,   /* a named thing (GPU, provider, model) does not exist */
    GP_ERANGE,      /* a value is out of the range the model accepts */
    GP_ESTOPPED     /* a caller's callback asked to stop */
} gp_status;

enum { GP_ERROR_FILE_MAX = 512, GP_ERROR_MESSAGE_MAX = 512 };

typedef struct gp_error {
    gp_status status;
    char file[GP_ERROR_FILE_MAX]; /* "" when the error is not about a file */
    long line;                    /* 1-based; 0 when unknown */
    char message[GP_ERROR_MESSAGE_MAX];
} gp_error;

/* The name of a status, e.g. "malformed data". Never NULL. */
const char *gp_strerror(gp_status status);

/* Resets an error record to GP_OK with empty strings. NULL is a no-op. */
void gp_error_clear(gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
