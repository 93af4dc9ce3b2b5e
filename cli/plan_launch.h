/* The launch part of `gpuplan plan`: where the best plan launches (a line
 * of the breakdown, the JSON `launch` object) and writing its launch file
 * (--export), atomically. The YAML itself comes from the library
 * (gpuplan/launch.h). */
#ifndef GP_CLI_PLAN_LAUNCH_H
#define GP_CLI_PLAN_LAUNCH_H

#include <jansson.h>
#include <stddef.h>

#include "gpuplan/launch.h"

/* Writes `len` bytes of `text` to `path` through a temporary file in the
 * same directory (fsync, then rename), so a reader sees the old file or the
 * whole new one and a failure leaves nothing. Prints "gpuplan CMD: FLAG
 * PATH: <OS error>" and returns 1 on failure; 0 on success. */
int gp_cli_write_atomic(const char *cmd, const char *flag, const char *path, const char *text,
                        size_t len);

/* "lambda us-east-1, any zone: 48 x 8x NVIDIA B200 SXM6 (8 B200 each), on-demand" */
void gp_cli_launch_text(char *buf, size_t cap, const gp_launch *w, const gp_plan *p);

/* The JSON `launch` object; `format` and `file` may be NULL (no export). */
json_t *gp_cli_launch_json(const gp_launch *w, const char *format, const char *file);

#endif
