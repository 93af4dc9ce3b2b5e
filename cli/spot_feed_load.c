/* The Spot Advisor feed `catalog refresh` stored, over the compiled-in
 * one, for plan and tco (spot_feed_load.h). */
#include "spot_feed_load.h"

#include "load.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int gp_cli_spot_feed_wanted(const gp_offer_filter *f)
{
    for (size_t i = 0; i < f->nexclude; i++)
        if (strcasecmp(f->exclude[i], "aws") == 0)
            return 0;
    if (f->nproviders == 0)
        return 1;
    for (size_t i = 0; i < f->nproviders; i++)
        if (strcasecmp(f->providers[i], "aws") == 0)
            return 1;
    return 0;
}

/* Seconds since 1970 of "YYYY-MM-DDTHH:MM:SSZ" by the days-from-civil
 * inverse (UTC, no TZ); -1 when it is not that. */
static double utc_seconds(const char *s)
{
    int y, mo, d, h, mi, sec;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &sec) != 6)
        return -1;
    long yy = mo <= 2 ? y - 1 : y;
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (double)(era * 146097 + doe - 719468) * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
}

int gp_cli_spot_feed_use(const char *cmd, const gp_args *args, gp_terms *terms,
                         gp_cli_spot_feed *s)
{
    char home[4096];
    if (gp_refresh_home(home, sizeof(home), NULL) != GP_OK)
        return 0;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_refresh_spot_feed_load(home, &s->feed, &err);
    if (st == GP_ENOTFOUND)
        return 0;
    if (st != GP_OK)
        return gp_report(cmd, st, &err);
    gp_spot_feed *f = &s->feed;
    snprintf(s->as_of, sizeof(s->as_of), "%.10s", f->observed_utc);
    gp_spot_advisor_table *t = &s->table;
    *t = (gp_spot_advisor_table){(const char *const *)f->regions,
                                 f->nregions,
                                 (const char *const *)f->types,
                                 f->ntypes,
                                 f->bands,
                                 (const char *const *)f->labels,
                                 f->nlabels,
                                 "refreshed",
                                 s->as_of,
                                 f->endpoint};
    st = gp_terms_use_spot_advisor(terms, t, &err);
    if (st != GP_OK) {
        const gp_spot_advisor_table *e = gp_terms_embedded_spot_advisor();
        fprintf(stderr,
                "gpuplan %s: the refreshed Spot Advisor feed is not used: %s%s%s; using "
                "the embedded feed of %s\n",
                cmd, err.file[0] ? err.file : "", err.file[0] ? ": " : "", err.message,
                e->as_of);
        memset(t, 0, sizeof(*t));
        return 0;
    }
    const gp_opt_value *age = gp_arg(args, "max-age");
    double max_hours = age->set ? age->number : 7 * 24;
    double fetched = utc_seconds(f->observed_utc);
    if (fetched >= 0 && (double)time(NULL) - fetched > max_hours * 3600) {
        char limit[32];
        gp_cli_age_text(limit, sizeof(limit), max_hours);
        fprintf(stderr,
                "gpuplan %s: the refreshed Spot Advisor feed is older than %s (fetched %s); "
                "update it with `gpuplan catalog refresh --source aws-spot-advisor`\n",
                cmd, limit, f->observed_utc);
    }
    return 0;
}

const gp_spot_advisor_table *gp_cli_spot_feed_table(const gp_cli_spot_feed *s)
{
    return s->table.nlabels ? &s->table : gp_terms_embedded_spot_advisor();
}

void gp_cli_spot_feed_free(gp_cli_spot_feed *s)
{
    if (!s)
        return;
    gp_spot_feed_clear(&s->feed);
    memset(s, 0, sizeof(*s));
}
