/* The command table and top-level dispatch: `gpuplan CMD ...`,
 * `gpuplan help [CMD]`, `gpuplan --help`, `gpuplan --version`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "main.h"
#include "out.h"

extern const gp_cmd gp_cmd_offers;
extern const gp_cmd gp_cmd_gpus;
extern const gp_cmd gp_cmd_catalog;
extern const gp_cmd gp_cmd_estimate;
extern const gp_cmd gp_cmd_inference;
extern const gp_cmd gp_cmd_models;
extern const gp_cmd gp_cmd_plan;
extern const gp_cmd gp_cmd_market;
extern const gp_cmd gp_cmd_tco;
extern const gp_cmd gp_cmd_history;
extern const gp_cmd gp_cmd_web;
extern const gp_cmd gp_cmd_help_cmd;

const gp_cmd *const gp_commands[] = {
    &gp_cmd_offers,
    &gp_cmd_gpus,
    &gp_cmd_catalog,
    &gp_cmd_plan,
    &gp_cmd_estimate,
    &gp_cmd_inference,
    &gp_cmd_models,
    &gp_cmd_market,
    &gp_cmd_tco,
    &gp_cmd_history,
    &gp_cmd_web,
    &gp_cmd_help_cmd,
};
const size_t gp_command_count = sizeof(gp_commands) / sizeof(gp_commands[0]);

const gp_cmd *gp_command_find(const char *name)
{
    for (size_t i = 0; i < gp_command_count; i++)
        if (strcmp(gp_commands[i]->name, name) == 0)
            return gp_commands[i];
    return NULL;
}

static void main_help(void)
{
    printf("Usage: gpuplan COMMAND [OPTIONS]\n\n"
           "Where to train a large language model, on which accelerators, how\n"
           "many, for how long, at what cost: a dated, sourced catalog of GPU\n"
           "cloud offers, queried offline.\n\n"
           "Commands:\n");
    for (size_t i = 0; i < gp_command_count; i++) {
        /* Help is read in a terminal: summaries wrap at 80 under their
         * column, whatever the output is. */
        printf("  %-10s ", gp_commands[i]->name);
        gp_wrap(gp_commands[i]->summary, 13, 13, 80);
    }
    printf("\nOptions:\n"
           "  -h, --help     show this help (also: gpuplan help COMMAND)\n"
           "  -V, --version  show the version and the data it carries\n\n"
           "Exit codes: 0 ok, 1 runtime failure, 2 bad command line, 3 bad or\n"
           "missing data file. Results go to stdout, diagnostics to stderr;\n"
           "colour only on a terminal and never when NO_COLOR is set.\n");
}

static int unknown_command(const char *name)
{
    const char *names[32];
    for (size_t i = 0; i < gp_command_count; i++)
        names[i] = gp_commands[i]->name;
    char hint[128];
    gp_suggest(name, names, gp_command_count, hint, sizeof(hint));
    if (hint[0])
        return gp_usage_error(NULL, "unknown command '%s'; did you mean '%s'?",
                              name, hint);
    return gp_usage_error(NULL, "unknown command '%s' (see 'gpuplan --help')",
                          name);
}

static int run_help(const gp_cmd *self, gp_args *args)
{
    (void)self;
    if (args->npositional == 0) {
        main_help();
        return GP_EXIT_OK;
    }
    const gp_cmd *cmd = gp_command_find(args->positional[0]);
    if (!cmd)
        return unknown_command(args->positional[0]);
    gp_cmd_help(cmd);
    return GP_EXIT_OK;
}

const gp_cmd gp_cmd_help_cmd = {
    "help",
    "Show help for gpuplan or one of its commands.",
    "help [COMMAND]",
    "`gpuplan help CMD` prints the same text as `gpuplan CMD --help`.",
    NULL,
    0,
    "gpuplan help offers",
    run_help,
};

/* A full disk or a closed stdout must not pass for success: one check
 * for every command and format (out.c). */
static int finish(int rc) { return gp_output_check(rc); }

/* Run with stdout closed (`gpuplan ... >&-`), the first file gpuplan opens
 * (a catalog) would become fd 1. Holding fd 1 with a read-only /dev/null
 * keeps it from being taken, and makes every write to it fail (EBADF), so
 * gp_output_check reports it. */
static void hold_closed_stdout(void)
{
    if (fcntl(STDOUT_FILENO, F_GETFD) == -1 && errno == EBADF) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd >= 0 && fd != STDOUT_FILENO)
            close(fd); /* fd 1 was taken meanwhile: nothing to hold */
    }
}

int gp_main(int argc, char **argv)
{
    hold_closed_stdout();
    if (argc < 2)
        return gp_usage_error(NULL, "missing command; usage: gpuplan COMMAND "
                              "[OPTIONS] (see 'gpuplan --help')");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        main_help();
        return finish(GP_EXIT_OK);
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("gpuplan %s\n", GP_VERSION);
        gp_print_data_version();
        return finish(GP_EXIT_OK);
    }
    if (name[0] == '-')
        return gp_usage_error(NULL, "unknown option '%s' (see 'gpuplan --help')",
                              name);
    const gp_cmd *cmd = gp_command_find(name);
    if (!cmd)
        return unknown_command(name);
    gp_args args;
    int rc = gp_args_parse(cmd, argc - 2, argv + 2, &args);
    if (rc == -1)
        return finish(GP_EXIT_OK);
    if (rc != 0)
        return rc;
    rc = cmd->run(cmd, &args);
    gp_args_free(&args);
    return finish(rc);
}
