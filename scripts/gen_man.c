/* Build helper: writes gpuplan's man page and its bash completion from the
 * CLI's own command and option tables (cli/cmd.c, each cli/cmd_<name>.c),
 * so neither can fall behind the tool.
 *
 *   gen_man MAN_OUT BASH_OUT DATADIR DOCDIR
 *
 * DATADIR and DOCDIR are the installed locations named in the FILES
 * section. Commands that take a subcommand (`catalog info|check|export`)
 * have it only in their usage string; it is parsed from there: the first
 * word after the command name, when it is a '|' list of lower-case words.
 * `help [COMMAND]` takes a command name. Exits 1 (and removes nothing)
 * when a file cannot be written or a table holds a name that is not safe
 * to paste into shell code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum { MAX_SUBS = 16, MAX_OPTS = 256 };

typedef struct subs {
    char names[MAX_SUBS][32];
    size_t n;
} subs;

/* ---- reading the tables ------------------------------------------------ */

/* The subcommands named in a usage string "catalog info|check|export ...". */
static subs usage_subs(const gp_cmd *cmd)
{
    subs s = {.n = 0};
    const char *p = cmd->usage;
    size_t nl = strlen(cmd->name);
    if (strncmp(p, cmd->name, nl) != 0 || p[nl] != ' ')
        return s;
    p += nl + 1;
    size_t len = strcspn(p, " ");
    if (memchr(p, '|', len) == NULL)
        return s;
    for (size_t i = 0; i < len; i++)
        if (p[i] != '|' && p[i] != '-' && (p[i] < 'a' || p[i] > 'z'))
            return s; /* "(--model NAME | ...)": options, not subcommands */
    while (len > 0 && s.n < MAX_SUBS) {
        size_t l = strcspn(p, "|");
        if (l > len)
            l = len;
        if (l > 0 && l < sizeof(s.names[0])) {
            memcpy(s.names[s.n], p, l);
            s.names[s.n][l] = '\0';
            s.n++;
        }
        p += l;
        len -= l;
        if (len > 0) {
            p++;
            len--;
        }
    }
    return s;
}

/* `help [COMMAND]`: the positional argument is a command name. */
static int takes_command(const gp_cmd *cmd)
{
    const char *p = strchr(cmd->usage, ' ');
    return p && (strncmp(p + 1, "[COMMAND]", 9) == 0 ||
                 strncmp(p + 1, "COMMAND", 7) == 0);
}

static int takes_path(const gp_opt *o)
{
    return o->metavar &&
           (strstr(o->metavar, "PATH") || strstr(o->metavar, "FILE") ||
            strstr(o->metavar, "DIR"));
}

static int cmp_opt(const void *a, const void *b)
{
    return strcmp((*(const gp_opt *const *)a)->name,
                  (*(const gp_opt *const *)b)->name);
}

/* A command's options in name order, as `CMD --help` lists them. */
static size_t sorted_opts(const gp_cmd *cmd, const gp_opt **out)
{
    size_t n = cmd->nopts < MAX_OPTS ? cmd->nopts : MAX_OPTS;
    for (size_t i = 0; i < n; i++)
        out[i] = &cmd->opts[i];
    qsort(out, n, sizeof(*out), cmp_opt);
    return n;
}

/* Names go into shell code unquoted: letters, digits and a few marks. */
static int shell_safe(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.' ||
              *s == ':' || *s == '|'))
            return 0;
    return 1;
}

static int check_tables(void)
{
    for (size_t c = 0; c < gp_command_count; c++) {
        const gp_cmd *cmd = gp_commands[c];
        if (!shell_safe(cmd->name)) {
            fprintf(stderr, "gen_man: command name '%s' is not shell-safe\n",
                    cmd->name);
            return 1;
        }
        if (cmd->nopts > MAX_OPTS) {
            fprintf(stderr, "gen_man: %s has %zu options, more than MAX_OPTS (%d)\n",
                    cmd->name, cmd->nopts, (int)MAX_OPTS);
            return 1;
        }
        for (size_t i = 0; i < cmd->nopts; i++) {
            const gp_opt *o = &cmd->opts[i];
            if (!shell_safe(o->name) ||
                (o->kind == OPT_CHOICE && !shell_safe(o->choices))) {
                fprintf(stderr,
                        "gen_man: %s --%s: name or choices not "
                        "shell-safe\n",
                        cmd->name, o->name);
                return 1;
            }
        }
    }
    return 0;
}

/* ---- roff -------------------------------------------------------------- */

/* Writes text as roff: '\' and '-' escaped, a control character ('.' or
 * '\'') at the start of a line neutralised with \&, `code` in bold and
 * UTF-8 as \[uXXXX] (groff reads its input as Latin-1), no hyphenation
 * inside an option name. Each '\n' starts a new input line. */
static void roff(FILE *f, const char *s, int code_spans)
{
    int bol = 1, bold = 0;
    unsigned last = ' ';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (bol && (c == '.' || c == '\''))
            fputs("\\&", f);
        bol = 0;
        /* \% keeps an option name ("--catalog") from being hyphenated. */
        if (c == '-' && p[1] == '-' && strchr(" (`[|", (int)last))
            fputs("\\%", f);
        last = c;
        if (c == '\n') {
            fputc('\n', f);
            bol = 1;
        } else if (c == '\\') {
            fputs("\\e", f);
        } else if (c == '-') {
            fputs("\\-", f);
        } else if (c == '`' && code_spans) {
            fputs(bold ? "\\fR" : "\\fB", f);
            bold = !bold;
        } else if (c >= 0x80) {
            unsigned cp = 0;
            int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
            cp = c & (0x3Fu >> more);
            for (int k = 0; k < more && (p[1] & 0xC0) == 0x80; k++)
                cp = (cp << 6) | (*++p & 0x3Fu);
            fprintf(f, "\\[u%04X]", cp);
        } else {
            fputc((int)c, f);
        }
    }
    if (bold)
        fputs("\\fR", f);
}

/* The same, for n bytes of s. */
static void roff_n(FILE *f, const char *s, size_t n, int code_spans)
{
    char buf[4096];
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    roff(f, buf, code_spans);
}

/* A usage line: left-aligned and never hyphenated ("--chin-chilla"). */
static void roff_usage(FILE *f, const char *usage)
{
    fputs(".ad l\n\\fBgpuplan\\fR", f);
    const char *p = usage;
    while (*p) {
        size_t l = strcspn(p, " ");
        fputs(" \\%", f);
        roff_n(f, p, l, 0);
        p += l;
        p += strspn(p, " ");
    }
    fputs("\n.ad\n", f);
}

static void man_option(FILE *f, const gp_opt *o)
{
    fputs(".TP\n", f);
    if (o->short_name)
        fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", f);
    roff(f, o->name, 0);
    fputs("\\fR", f);
    if (o->metavar) {
        fputs(" \\fI", f);
        roff(f, o->metavar, 0);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    roff(f, o->help, 1);
    size_t hl = strlen(o->help);
    const char *end = hl && o->help[hl - 1] == '.' ? "\n" : ".\n";
    if (o->kind == OPT_CHOICE && o->choices) {
        fputs(end, f);
        end = ".\n";
        fputs("One of: ", f);
        const char *p = o->choices;
        while (*p) {
            size_t l = strcspn(p, "|");
            fputs("\\fB", f);
            roff_n(f, p, l, 0);
            fputs("\\fR", f);
            p += l;
            if (*p == '|') {
                fputs(", ", f);
                p++;
            }
        }
    }
    if ((o->flags & OPT_REPEAT) && !strstr(o->help, "epeatable")) {
        fputs(end, f);
        end = ".\n";
        fputs("Repeatable", f);
    }
    fputs(end, f);
}

/* Description paragraphs; in a command with subcommands, a paragraph
 * "info: ..." becomes a tagged paragraph for `info`. */
static void man_description(FILE *f, const char *text, const subs *s)
{
    const char *p = text;
    while (*p) {
        size_t l = strcspn(p, "\n");
        size_t tag = 0;
        for (size_t i = 0; i < s->n; i++) {
            size_t nl = strlen(s->names[i]);
            if (nl + 1 < l && strncmp(p, s->names[i], nl) == 0 &&
                p[nl] == ':' && p[nl + 1] == ' ')
                tag = nl;
        }
        if (tag) {
            fputs(".TP\n\\fB", f);
            roff_n(f, p, tag, 0);
            fputs("\\fR\n", f);
            roff_n(f, p + tag + 2, l - tag - 2, 1);
        } else {
            fputs(".PP\n", f);
            roff_n(f, p, l, 1);
        }
        fputc('\n', f);
        p += l;
        if (*p)
            p++;
    }
}

static void man_examples(FILE *f, const char *examples)
{
    fputs(".PP\nExamples:\n.RS 4\n.nf\n", f);
    roff(f, examples, 0);
    fputs("\n.fi\n.RE\n", f);
}

static void man_command(FILE *f, const gp_cmd *cmd)
{
    subs s = usage_subs(cmd);
    fputs(".SS ", f);
    roff(f, cmd->name, 0);
    fputs("\n.PP\n", f);
    roff_usage(f, cmd->usage);
    fputs(".PP\n", f);
    roff(f, cmd->summary, 1);
    fputc('\n', f);
    if (cmd->description && *cmd->description)
        man_description(f, cmd->description, &s);
    if (cmd->nopts) {
        const gp_opt *opts[MAX_OPTS];
        size_t n = sorted_opts(cmd, opts);
        fputs(".PP\nOptions:\n", f);
        for (size_t i = 0; i < n; i++)
            man_option(f, opts[i]);
        fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow this help.\n", f);
    }
    if (cmd->examples && *cmd->examples)
        man_examples(f, cmd->examples);
}

static void write_man(FILE *f, const char *datadir, const char *docdir)
{
    fputs(".\\\" Generated by scripts/gen_man.c from the command tables "
          "in cli/. Do not edit.\n",
          f);
    fprintf(f, ".TH GPUPLAN 1 \"\" \"gpuplan %s\" \"User Commands\"\n",
            GP_VERSION);
    fputs(".SH NAME\n"
          "gpuplan \\- where to train a large language model, on what, for "
          "how long, at what cost\n"
          ".SH SYNOPSIS\n"
          ".B gpuplan\n.I COMMAND\n.RI [ OPTIONS ]\n"
          ".br\n.B gpuplan\n.BR \\-\\-help \" | \" \\-\\-version\n",
          f);
    for (size_t c = 0; c < gp_command_count; c++) {
        fputs(".br\n", f);
        roff_usage(f, gp_commands[c]->usage);
    }
    fputs(".SH DESCRIPTION\n"
          "Where to train a large language model, on which accelerators, how "
          "many, for how long, at what cost: a dated, sourced catalog of GPU "
          "cloud offers, queried offline.\n"
          ".PP\n"
          "Results go to standard output, diagnostics (prefixed "
          "\\(lqgpuplan:\\(rq) to standard error; on an error nothing is "
          "written to standard output. "
          "Most commands take \\fB\\-\\-format\\fR "
          "\\fBtable\\fR|\\fBcsv\\fR|\\fBjson\\fR|\\fBmd\\fR; tables fit the "
          "terminal and use colour only on a terminal.\n"
          ".PP\n"
          "Numbers are accepted as people write them: counts \\fB7B\\fR, "
          "\\fB1.4T\\fR, \\fB2e12\\fR; durations \\fB30d\\fR, \\fB72h\\fR, "
          "\\fB2w\\fR (a bare number is hours); dollars \\fB$500k\\fR, "
          "\\fB1.2M\\fR; fractions \\fB12%\\fR or \\fB0.12\\fR; sizes "
          "\\fB80\\fR, \\fB80GB\\fR, \\fB2TB\\fR (a bare number is GB).\n"
          ".PP\n"
          "\\fBgpuplan help\\fR \\fICOMMAND\\fR and \\fBgpuplan\\fR "
          "\\fICOMMAND\\fR \\fB\\-\\-help\\fR print the same text as the "
          "command's section below.\n"
          ".SH OPTIONS\n"
          ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\n"
          "Show the commands and exit.\n"
          ".TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\n"
          "Show the version and the data it carries (sources and dates) and "
          "exit.\n"
          ".SH COMMANDS\n",
          f);
    for (size_t c = 0; c < gp_command_count; c++)
        man_command(f, gp_commands[c]);
    fputs(".SH EXIT STATUS\n"
          ".TP\n.B 0\nSuccess (also a query that matched nothing, which says "
          "so).\n"
          ".TP\n.B 1\nRuntime failure: out of memory, standard output could "
          "not be written (a full disk, a closed pipe).\n"
          ".TP\n.B 2\nBad command line: unknown command, option, GPU, "
          "provider or value.\n"
          ".TP\n.B 3\nBad or missing data: a catalog file that cannot be "
          "read or parsed.\n"
          ".SH ENVIRONMENT\n"
          ".TP\n.B GPUPLAN_CATALOG\n"
          "Extra catalogs, paths separated by \\(lq:\\(rq, read as if each "
          "were given to \\fB\\-\\-catalog\\fR; used only when no "
          "\\fB\\-\\-catalog\\fR is given.\n"
          ".TP\n.B NO_COLOR\n"
          "When set and not empty, no colour, whatever the terminal.\n"
          ".TP\n.B TERM\n"
          "When \\fBdumb\\fR, no colour.\n"
          ".TP\n.B COLUMNS\n"
          "The table width when standard output is not a terminal (default "
          "80).\n"
          ".SH FILES\n"
          ".TP\n.I ~/.sky/catalogs/v8\n"
          "SkyPilot's catalog, read with \\fB\\-\\-catalog\\fR (never "
          "implicitly). Each provider found in a catalog given with "
          "\\fB\\-\\-catalog\\fR replaces that provider's embedded offers.\n",
          f);
    fputs(".TP\n.I ", f);
    roff(f, datadir, 0);
    fputs("/bash\\-completion/completions/gpuplan\n"
          "The bash completion; bash\\-completion loads it on demand.\n"
          ".TP\n.I ",
          f);
    roff(f, docdir, 0);
    fputs("/NOTICE\n"
          "Where the embedded data comes from, and its licences.\n"
          ".SH SEE ALSO\n"
          "The pages of \\fIdocs/\\fR in the source: \\fIcli.md\\fR, one page "
          "per command, \\fI\\%catalog\\-format.md\\fR and \\fIdata.md\\fR.\n",
          f);
}

/* ---- bash completion --------------------------------------------------- */

/* " --catalog -c --format -f ...": every option of cmd, or only those
 * that take a value. */
static void bash_opt_words(FILE *f, const gp_cmd *cmd, int only_valued)
{
    const gp_opt *opts[MAX_OPTS];
    size_t n = sorted_opts(cmd, opts);
    for (size_t i = 0; i < n; i++) {
        if (only_valued && opts[i]->kind == OPT_FLAG)
            continue;
        fprintf(f, " --%s", opts[i]->name);
        if (opts[i]->short_name)
            fprintf(f, " -%c", opts[i]->short_name);
    }
}

static void bash_command(FILE *f, const gp_cmd *cmd)
{
    const gp_opt *opts[MAX_OPTS];
    size_t n = sorted_opts(cmd, opts);
    fprintf(f, "    %s)\n        opts='", cmd->name);
    bash_opt_words(f, cmd, 0);
    fputs(" --help -h'\n        valued='", f);
    bash_opt_words(f, cmd, 1);
    fputs(" '\n", f);
    subs s = usage_subs(cmd);
    if (s.n) {
        fputs("        subs='", f);
        for (size_t i = 0; i < s.n; i++)
            fprintf(f, "%s%s", i ? " " : "", s.names[i]);
        fputs("'\n", f);
    } else if (takes_command(cmd)) {
        fputs("        subs=$_gpuplan_commands\n", f);
    }
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        const gp_opt *o = opts[i];
        if (o->kind == OPT_FLAG)
            continue;
        if (!any)
            fputs("        case $prev in\n", f);
        any = 1;
        fprintf(f, "        --%s", o->name);
        if (o->short_name)
            fprintf(f, " | -%c", o->short_name);
        fputs(")\n", f);
        if (o->kind == OPT_CHOICE && o->choices) {
            fputs("            _gpuplan_words '", f);
            for (const char *p = o->choices; *p; p++)
                fputc(*p == '|' ? ' ' : *p, f);
            fputs("'\n", f);
        } else if (takes_path(o)) {
            fputs("            _gpuplan_files\n", f);
        }
        /* Any other value (a number, a GPU name): nothing to offer, and
         * the next word is not an option. */
        fputs("            return 0\n            ;;\n", f);
    }
    if (any)
        fputs("        esac\n", f);
    fputs("        ;;\n", f);
}

static void write_bash(FILE *f)
{
    fputs("# bash completion for gpuplan.\n"
          "# Generated by scripts/gen_man.c from the command tables in cli/."
          " Do not edit.\n"
          "# Load it with: source gpuplan.bash (or install it where "
          "bash-completion\n"
          "# looks: $datadir/bash-completion/completions/gpuplan).\n\n",
          f);
    fputs("_gpuplan_commands='", f);
    for (size_t c = 0; c < gp_command_count; c++)
        fprintf(f, "%s%s", c ? " " : "", gp_commands[c]->name);
    fputs("'\n\n", f);
    fputs("_gpuplan_words()\n"
          "{\n"
          "    mapfile -t COMPREPLY < <(compgen -W \"$1\" -- \"$cur\")\n"
          "}\n\n"
          "_gpuplan_files()\n"
          "{\n"
          "    compopt -o filenames 2>/dev/null\n"
          "    mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
          "}\n\n",
          f);
    fputs("_gpuplan()\n"
          "{\n"
          "    local cur prev cmd opts='' valued='' subs='' i w\n"
          "    COMPREPLY=()\n"
          "    cur=${COMP_WORDS[COMP_CWORD]}\n"
          "    prev=''\n"
          "    if ((COMP_CWORD > 0)); then prev=${COMP_WORDS[COMP_CWORD - 1]}; "
          "fi\n"
          "    # --format=<TAB>: COMP_WORDBREAKS splits the '=' off\n"
          "    if [[ $cur == = ]]; then\n"
          "        cur=''\n"
          "    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
          "        prev=${COMP_WORDS[COMP_CWORD - 2]}\n"
          "    fi\n"
          "    if ((COMP_CWORD == 1)); then\n"
          "        if [[ $cur == -* ]]; then\n"
          "            _gpuplan_words '--help -h --version -V'\n"
          "        else\n"
          "            _gpuplan_words \"$_gpuplan_commands\"\n"
          "        fi\n"
          "        return 0\n"
          "    fi\n"
          "    cmd=${COMP_WORDS[1]}\n"
          "    case $cmd in\n",
          f);
    for (size_t c = 0; c < gp_command_count; c++)
        bash_command(f, gp_commands[c]);
    fputs("    *)\n        return 0\n        ;;\n    esac\n", f);
    fputs("    if [[ $cur == -* ]]; then\n"
          "        _gpuplan_words \"$opts\"\n"
          "        return 0\n"
          "    fi\n"
          "    [[ -n $subs ]] || return 0\n"
          "    # Offer a subcommand unless one is already on the line.\n"
          "    for ((i = 2; i < COMP_CWORD; i++)); do\n"
          "        w=${COMP_WORDS[i]}\n"
          "        case $w in\n"
          "        =) ;;\n"
          "        -*)\n"
          "            if [[ \" $valued \" == *\" $w \"* ]]; then\n"
          "                if [[ ${COMP_WORDS[i + 1]} == = ]]; then ((i++)); "
          "fi\n"
          "                ((i++))\n"
          "            fi\n"
          "            ;;\n"
          "        *) return 0 ;;\n"
          "        esac\n"
          "    done\n"
          "    _gpuplan_words \"$subs\"\n"
          "}\n\n"
          "complete -F _gpuplan gpuplan\n",
          f);
}

/* ---- main -------------------------------------------------------------- */

static int write_file(const char *path, const char *datadir, const char *docdir,
                      int man)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    if (man)
        write_man(f, datadir, docdir);
    else
        write_bash(f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "gen_man: error writing %s\n", path);
        remove(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: gen_man MAN_OUT BASH_OUT DATADIR DOCDIR\n");
        return 2;
    }
    if (check_tables())
        return 1;
    if (write_file(argv[1], argv[3], argv[4], 1) ||
        write_file(argv[2], argv[3], argv[4], 0))
        return 1;
    return 0;
}
