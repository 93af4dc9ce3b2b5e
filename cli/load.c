#include "load.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* "lambda=path/vms.csv" names the provider of a lone vms.csv; an argument
 * that exists as a path is always a path. */
static const char *split_provider(const char *arg, char *provider, size_t cap)
{
    struct stat sb;
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || stat(arg, &sb) == 0)
        return NULL;
    for (const char *p = arg; p < eq; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return NULL;
    snprintf(provider, cap, "%.*s", (int)(eq - arg), arg);
    return eq + 1;
}

static int add_one(gp_catalog *cat, const char *arg, int skip_bad,
                   const char *cmd_name)
{
    char provider[64];
    const char *path = split_provider(arg, provider, sizeof(provider));
    gp_load_opts opts = {skip_bad, path ? provider : NULL};
    gp_error err;
    gp_error_clear(&err);
    size_t before = gp_catalog_source_count(cat);
    gp_status st = gp_catalog_add_path(cat, path ? path : arg, &opts, &err);
    if (st != GP_OK)
        return gp_report(cmd_name, st, &err);
    for (size_t i = before; i < gp_catalog_source_count(cat); i++) {
        const gp_source *s = gp_catalog_source(cat, i);
        if (s->bad_rows)
            fprintf(stderr,
                    "gpuplan: %s: skipped %zu malformed row%s (details: "
                    "gpuplan catalog check)\n",
                    s->name, s->bad_rows, s->bad_rows == 1 ? "" : "s");
    }
    return 0;
}

int gp_cli_load_catalog(const gp_args *args, gp_catalog **out)
{
    *out = NULL;
    gp_catalog *cat = NULL;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_catalog_new(&cat, &err);
    if (st == GP_OK && !gp_arg_set(args, "no-embedded"))
        st = gp_catalog_add_embedded(cat, &err);
    if (st != GP_OK) {
        gp_catalog_free(cat);
        return gp_report(args->cmd_name, st, &err);
    }
    int skip = gp_arg_set(args, "skip-bad-rows");
    const gp_opt_value *v = gp_arg(args, "catalog");
    int rc = 0;
    if (v->set) {
        for (size_t i = 0; i < v->nlist && !rc; i++)
            rc = add_one(cat, v->list[i], skip, args->cmd_name);
    } else {
        const char *env = getenv("GPUPLAN_CATALOG");
        char *copy = env && *env ? strdup(env) : NULL;
        char *save = NULL;
        for (char *p = copy ? strtok_r(copy, ":", &save) : NULL; p && !rc;
             p = strtok_r(NULL, ":", &save))
            rc = add_one(cat, p, skip, "GPUPLAN_CATALOG");
        free(copy);
    }
    if (rc) {
        gp_catalog_free(cat);
        return rc;
    }
    *out = cat;
    return 0;
}
