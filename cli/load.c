#include "load.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "gpuplan/refresh.h"

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

/* The prices `catalog refresh` stored, over the embedded ones, and one
 * line on stderr when those in use are older than --max-age. */
static int add_refreshed(gp_catalog *cat, const gp_args *args)
{
    char home[4096];
    if (gp_refresh_home(home, sizeof(home), NULL) != GP_OK)
        return 0;
    gp_refresh_stored *stored = NULL;
    size_t n = 0;
    gp_error err;
    gp_error_clear(&err);
    /* Each stored provider replaces its embedded offers; dropped in one
     * pass at the end instead of moving the catalog once per provider. */
    gp_catalog_defer_replacements(cat, 1);
    gp_status st = gp_refresh_add_stored(cat, home, &stored, &n, &err);
    gp_catalog_defer_replacements(cat, 0);
    if (st != GP_OK)
        return gp_report(args->cmd_name, st, &err);
    const gp_opt_value *age = gp_arg(args, "max-age");
    double max_hours = age->set ? age->number : 7 * 24;
    time_t now = time(NULL), oldest = 0;
    char names[512] = "";
    size_t stale = 0;
    for (size_t i = 0; i < n; i++) {
        if (difftime(now, stored[i].observed) <= max_hours * 3600)
            continue;
        size_t l = strlen(names);
        snprintf(names + l, sizeof(names) - l, "%s%s", stale ? ", " : "",
                 stored[i].provider);
        if (!stale++ || stored[i].observed < oldest)
            oldest = stored[i].observed;
    }
    if (stale) {
        char when[32] = "";
        struct tm tm;
        if (gmtime_r(&oldest, &tm))
            strftime(when, sizeof(when), "%Y-%m-%d", &tm);
        char limit[32];
        gp_cli_age_text(limit, sizeof(limit), max_hours);
        fprintf(stderr,
                "gpuplan: refreshed prices of %s are older than %s (oldest "
                "fetched %s); update them with `gpuplan catalog refresh`\n",
                names, limit, when);
    }
    free(stored);
    return 0;
}

void gp_cli_age_text(char *buf, size_t cap, double max_hours)
{
    if (max_hours >= 24 && max_hours == (double)(long)(max_hours / 24) * 24)
        snprintf(buf, cap, "%ld day%s", (long)(max_hours / 24), max_hours == 24 ? "" : "s");
    else
        snprintf(buf, cap, "%g hours", max_hours);
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
    if (!gp_arg_set(args, "no-embedded")) {
        int rc = add_refreshed(cat, args);
        if (rc) {
            gp_catalog_free(cat);
            return rc;
        }
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

/* Splits repeatable comma lists into one array of names. */
const char **gp_cli_split_lists(const gp_opt_value *v, size_t *n, char **buf)
{
    *n = 0;
    *buf = NULL;
    if (!v->set)
        return NULL;
    size_t total = 0;
    for (size_t i = 0; i < v->nlist; i++)
        total += strlen(v->list[i]) + 1;
    char *b = malloc(total + 1);
    const char **names = calloc(total + 1, sizeof(*names));
    if (!b || !names) {
        free(b);
        free(names);
        return NULL;
    }
    char *w = b;
    for (size_t i = 0; i < v->nlist; i++) {
        strcpy(w, v->list[i]);
        char *save = NULL;
        for (char *t = strtok_r(w, ",", &save); t; t = strtok_r(NULL, ",", &save))
            if (*t)
                names[(*n)++] = t;
        w += strlen(v->list[i]) + 1;
    }
    *buf = b;
    return names;
}

/* Every provider name must exist in the catalog. */
int gp_cli_check_providers(const char *cmd, const gp_catalog *cat,
                           const char *const *names, size_t n, const char *flag)
{
    if (n == 0) /* nothing named: nothing to check (and no scan of every offer) */
        return 0;
    const char *known[256];
    size_t nknown = 0;
    const gp_offer *offers = gp_catalog_offers(cat);
    const char *last = NULL;
    for (size_t i = 0; i < gp_catalog_offer_count(cat); i++) {
        /* Offers of one provider are mostly adjacent, and the catalog
         * interns names: the same pointer as the last offer's is known. */
        if (offers[i].provider == last)
            continue;
        last = offers[i].provider;
        size_t k = 0;
        while (k < nknown && strcmp(known[k], offers[i].provider) != 0)
            k++;
        if (k == nknown && nknown < 256)
            known[nknown++] = offers[i].provider;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nknown && strcasecmp(known[k], names[i]) != 0)
            k++;
        if (k < nknown)
            continue;
        char hint[200];
        gp_suggest(names[i], known, nknown, hint, sizeof(hint));
        if (hint[0])
            return gp_usage_error(cmd, "--%s: unknown provider '%s'; did you mean %s?",
                                  flag, names[i], hint);
        return gp_usage_error(cmd,
                              "--%s: unknown provider '%s' (`gpuplan catalog info` "
                              "lists them)",
                              flag, names[i]);
    }
    return 0;
}


int gp_cli_provider_filter(const char *cmd, const gp_args *args, const gp_catalog *cat,
                           gp_offer_filter *f, gp_cli_providers *out)
{
    memset(out, 0, sizeof(*out));
    out->include = gp_cli_split_lists(gp_arg(args, "provider"), &f->nproviders,
                                      &out->include_buf);
    out->exclude = gp_cli_split_lists(gp_arg(args, "exclude"), &f->nexclude,
                                      &out->exclude_buf);
    f->providers = out->include;
    f->exclude = out->exclude;
    int rc = gp_cli_check_providers(cmd, cat, out->include, f->nproviders, "provider");
    if (!rc)
        rc = gp_cli_check_providers(cmd, cat, out->exclude, f->nexclude, "exclude");
    return rc;
}

void gp_cli_providers_free(gp_cli_providers *p)
{
    free(p->include);
    free(p->exclude);
    free(p->include_buf);
    free(p->exclude_buf);
    memset(p, 0, sizeof(*p));
}
