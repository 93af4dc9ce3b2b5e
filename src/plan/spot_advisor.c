/* Looking up AWS's Spot Instance Advisor bands in a band table
 * (src/plan/spot_advisor.h): the one compiled at build time, or a
 * refreshed feed in the same form. */
#include <stdlib.h>
#include <string.h>

#include "plan/spot_advisor.h"

static int cmp_name(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

int gp_spot_advisor_band(const gp_spot_advisor_table *t, const char *type, const char *region)
{
    if (!t || !type || !region || t->ntypes == 0 || t->nregions == 0)
        return -1;
    const char *const *ty = bsearch(type, t->types, t->ntypes, sizeof(*t->types), cmp_name);
    const char *const *re =
        bsearch(region, t->regions, t->nregions, sizeof(*t->regions), cmp_name);
    if (!ty || !re)
        return -1;
    unsigned char b = t->bands[(size_t)(ty - t->types) * t->nregions + (size_t)(re - t->regions)];
    return b == GP_SPOT_ADVISOR_NONE || b >= t->nlabels ? -1 : (int)b;
}

const gp_spot_advisor_table *gp_terms_embedded_spot_advisor(void) { return &gp_spot_advisor; }
