/* `gpuplan catalog refresh` (cmd_refresh.c), run by cmd_catalog.c. */
#ifndef GP_CLI_REFRESH_CMD_H
#define GP_CLI_REFRESH_CMD_H

#include "cmd.h"

/* Returns the exit code. */
int gp_cli_catalog_refresh(const gp_args *args);

#endif
