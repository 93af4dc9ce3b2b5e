/* gpuplan web: the catalog and the commands as a local web page and a JSON
 * API (web/). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "gpuplan/catalog.h"
#include "load.h"
#include "web.h"

static const gp_opt OPTS[] = {
    {"bind", 0, OPT_STRING, 0, "ADDR", NULL,
     "listen on this IPv4 address (default 127.0.0.1, loopback only; any "
     "other address prints a warning: the server has no authentication)"},
    {"open", 0, OPT_FLAG, 0, NULL, NULL, "open the page in a browser (xdg-open)"},
    {"port", 0, OPT_NUMBER, 0, "N", NULL,
     "listen on this port (default 8080; 0: any free port, printed on start)"},
    GP_CATALOG_OPTIONS,
};

static int run(const gp_cmd *cmd, gp_args *args)
{
    gp_web_config cfg = {"127.0.0.1", 8080, 0, NULL, 0};
    int rc = gp_arg_int(args, "port", 0, 65535, &cfg.port);
    if (rc)
        return rc;
    cfg.bind = gp_arg_text(args, "bind", "127.0.0.1");
    if (!cfg.bind[0] || strlen(cfg.bind) > 64 ||
        strspn(cfg.bind, "0123456789abcdefABCDEF.:") != strlen(cfg.bind))
        return gp_usage_error(cmd->name, "--bind '%s': an IPv4 address such as "
                              "127.0.0.1 or 0.0.0.0", cfg.bind);
    cfg.open_browser = gp_arg_set(args, "open");
    /* The catalog options go to every command the API runs. */
    const char *extra[64];
    size_t n = 0;
    const gp_opt_value *cat = gp_arg(args, "catalog");
    for (size_t i = 0; i < cat->nlist && n + 4 < 64; i++) {
        extra[n++] = "--catalog";
        extra[n++] = cat->list[i];
    }
    if (gp_arg_set(args, "no-embedded"))
        extra[n++] = "--no-embedded";
    if (gp_arg_set(args, "skip-bad-rows"))
        extra[n++] = "--skip-bad-rows";
    /* Load once here, so a bad catalog stops the server before it starts. */
    gp_catalog *c = NULL;
    if ((rc = gp_cli_load_catalog(args, &c)))
        return rc;
    gp_catalog_free(c);
    cfg.extra = extra;
    cfg.nextra = n;
    return gp_web_serve(&cfg);
}

const gp_cmd gp_cmd_web = {
    "web",
    "A local web page and JSON API over the catalog and the commands.",
    "web [OPTIONS]",
    "A web server on 127.0.0.1 (port 8080 unless --port says otherwise): "
    "pages for offers (a sortable, filterable table with a CSV download), "
    "plans (ranked plans, the cost-time chart, the launch files), inference, "
    "the market and the price history, and a JSON API, /api/v1/offers, gpus, "
    "models, plan, estimate, inference, market/VIEW and history, whose query "
    "parameters are the command's options (?gpu=H100&spot=1) and whose answer "
    "is exactly what `gpuplan CMD --format json` prints; NAME.svg answers the "
    "command's chart and plan?export=skypilot its launch file. Everything it "
    "serves is compiled into gpuplan. Ctrl-C (or SIGTERM) stops it "
    "(docs/web.md).",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan web\n"
    "gpuplan web --port 0 --open",
    run,
};
