/* The command-line tool's skeleton: commands, options, exit codes.
 *
 * Every subcommand is one cmd_<name>.c defining a `gp_cmd`: its name,
 * one-line summary, usage, description, option table and run function.
 * cmd.c holds the table of commands; opts.c parses options from a
 * command's table and prints its help. */
#ifndef GP_CLI_CMD_H
#define GP_CLI_CMD_H

#include <stddef.h>

#include "gpuplan/error.h"

/* Exit codes, documented in docs/cli.md and `gpuplan --help`. */
enum {
    GP_EXIT_OK = 0,
    GP_EXIT_FAIL = 1,  /* runtime failure (write error, out of memory) */
    GP_EXIT_USAGE = 2, /* bad command line: unknown flag, bad value */
    GP_EXIT_DATA = 3   /* bad or missing data file */
};

typedef enum gp_opt_kind {
    OPT_FLAG,     /* no value */
    OPT_STRING,   /* any text */
    OPT_CHOICE,   /* one of `choices` ("a|b|c") */
    OPT_COUNT,    /* human count: 7B, 1.4T, 2e12, 8 */
    OPT_HOURS,    /* duration: 30d, 72h */
    OPT_USD,      /* money: 500k, '$500k' (quoted: bash expands $5) */
    OPT_FRACTION, /* 12% or 0.12 */
    OPT_GB,       /* size: 500GB, 2TB */
    OPT_NUMBER    /* plain non-negative number */
} gp_opt_kind;

/* OPT_TWO: the option takes two words, `--export skypilot FILE`: the
 * first is checked as the option's kind (a choice), the second is kept in
 * `text2` and may not start with '-' (a forgotten value would otherwise
 * swallow the next option). */
enum { OPT_REPEAT = 1, OPT_TWO = 2 };

typedef struct gp_opt {
    const char *name;     /* long name without "--" */
    char short_name;      /* 0: none */
    gp_opt_kind kind;
    int flags;            /* OPT_REPEAT, OPT_TWO */
    const char *metavar;  /* e.g. "NAME[:COUNT]" */
    const char *choices;  /* OPT_CHOICE: "table|csv|json|md" */
    const char *help;
} gp_opt;

typedef struct gp_opt_value {
    int set;
    const char *text;     /* last value as typed */
    const char *text2;    /* OPT_TWO: the second word */
    double number;        /* parsed value for numeric kinds */
    const char **list;    /* every value, for OPT_REPEAT */
    size_t nlist;
} gp_opt_value;

typedef struct gp_args {
    const gp_opt *opts;
    size_t nopts;
    gp_opt_value *values; /* parallel to opts */
    const char **positional;
    size_t npositional;
    const char *cmd_name; /* for messages: "offers" */
} gp_args;

typedef struct gp_cmd {
    const char *name;
    const char *summary;      /* one line, for `gpuplan --help` */
    const char *usage;        /* after "gpuplan ": "offers [OPTIONS]" */
    const char *description;  /* paragraphs for `gpuplan help CMD` */
    const gp_opt *opts;
    size_t nopts;
    const char *examples;     /* one example per line */
    int (*run)(const struct gp_cmd *cmd, gp_args *args);
} gp_cmd;

/* The command table (cmd.c). */
extern const gp_cmd *const gp_commands[];
extern const size_t gp_command_count;
const gp_cmd *gp_command_find(const char *name);

/* Parses argv (after the command name) against cmd's options. Prints the
 * problem and returns GP_EXIT_USAGE on error; returns -1 when --help was
 * given and help has been printed; 0 on success. Free with gp_args_free. */
int gp_args_parse(const gp_cmd *cmd, int argc, char **argv, gp_args *out);
void gp_args_free(gp_args *args);

/* Looks an option up by long name (it must exist in the table). */
const gp_opt_value *gp_arg(const gp_args *args, const char *name);
int gp_arg_set(const gp_args *args, const char *name);
const char *gp_arg_text(const gp_args *args, const char *name,
                        const char *fallback);

/* A whole-number option in [lo, hi]: sets *out (untouched when the option
 * is absent) and returns 0, or reports "--NAME must be ..." and returns
 * GP_EXIT_USAGE. */
int gp_arg_int(const gp_args *args, const char *name, long lo, long hi,
               int *out);

/* Prints a command's help to stdout. */
void gp_cmd_help(const gp_cmd *cmd);

/* Reports a usage problem: "gpuplan CMD: message" on stderr; returns
 * GP_EXIT_USAGE. */
int gp_usage_error(const char *cmd_name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reports a library error on stderr as "gpuplan: FILE:LINE: message"
 * (or "gpuplan CMD: message" when it names no file) and returns the exit
 * code for its status. */
int gp_report(const char *cmd_name, gp_status status, const gp_error *err);

/* A "did you mean" list: the names (of n) closest to `word`, or "". */
void gp_suggest(const char *word, const char *const *names, size_t n,
                char *out, size_t cap);

#endif
