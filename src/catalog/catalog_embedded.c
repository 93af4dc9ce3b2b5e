/* The embedded catalog: offers compiled into the binary at build time
 * (see compiled.h), added to a catalog without parsing anything. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "catalog/compiled.h"
#include "core/fail.h"

gp_status gp_catalog_add_embedded(gp_catalog *cat, gp_error *err)
{
    const gp_compiled_catalog *cc = &gp_compiled_embedded;
    if (cc->naccels != gp_accel_table_count(cat->accels))
        return gp_fail(err, GP_EDATA, "embedded catalog", 0,
                       "built against another accelerator table");
    const char **str = malloc((cc->nstrings ? cc->nstrings : 1) * sizeof(*str));
    if (!str)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    size_t first = cat->count, nsources = cat->nsources, ndiags = cat->ndiags;
    gp_status st = GP_OK;
    for (uint32_t i = 0; i < cc->nstrings; i++) {
        str[i] = gp_strtab_add_static(&cat->strings, cc->pool + cc->string_offsets[i],
                                      cc->string_lens[i]);
        if (!str[i]) {
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
            goto out;
        }
    }
    for (uint32_t i = 0; i < cc->naccels; i++) {
        const gp_accel *a = gp_accel_table_at(cat->accels, i);
        if (strcmp(a->name, str[cc->accel_names[i]]) != 0) {
            st = gp_fail(err, GP_EDATA, "embedded catalog", 0,
                         "built against another accelerator table");
            goto out;
        }
    }
    unsigned base = (unsigned)cat->nsources;
    for (uint32_t i = 0; i < cc->nsources; i++) {
        const gp_compiled_source *c = &cc->sources[i];
        gp_source s = {str[c->name], str[c->provider], str[c->format],
                       str[c->as_of], str[c->snapshot], str[c->licence], 1,
                       c->rows, c->offers, c->replaced, c->no_price,
                       c->bad_rows, c->other_rows};
        unsigned index;
        if ((st = gp_catalog_add_source(cat, &s, &index, err)) != GP_OK)
            goto out;
    }
    if (cat->count + cc->noffers > cat->cap) {
        size_t cap = cat->count + cc->noffers;
        gp_offer *o = realloc(cat->offers, cap * sizeof(*o));
        if (!o) {
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
            goto out;
        }
        cat->offers = o;
        cat->cap = cap;
    }
    for (uint32_t i = 0; i < cc->noffers; i++) {
        const gp_compiled_offer *c = &cc->offers[i];
        gp_offer *o = &cat->offers[cat->count++];
        o->provider = str[c->provider];
        o->kind = (gp_kind)c->kind;
        o->instance_type = str[c->instance_type];
        o->region = str[c->region];
        o->zone = str[c->zone];
        o->gpu = str[c->gpu];
        o->gpu_raw = str[c->gpu_raw];
        o->accel = c->accel >= 0 ? gp_accel_table_at(cat->accels, (size_t)c->accel)
                                 : NULL;
        if (o->accel)
            o->gpu = o->accel->name;
        o->gpu_count = c->gpu_count;
        o->gpu_mem_gb = c->gpu_mem_gb;
        o->vcpus = c->vcpus;
        o->ram_gb = c->ram_gb;
        o->usd_per_hour = c->usd_per_hour;
        o->spot_usd_per_hour = c->spot_usd_per_hour;
        o->fabric = (gp_fabric)c->fabric;
        o->fabric_gbps = c->fabric_gbps;
        o->source = str[c->source];
        o->as_of = str[c->as_of];
        o->notes = str[c->notes];
        o->source_index = base + c->source_index;
        o->line = c->line;
        o->flags = c->flags;
        o->finding = 0;
    }
    for (uint32_t i = 0; i < cc->ndiags; i++) {
        const gp_compiled_diag *d = &cc->diags[i];
        if (gp_catalog_diag_add(cat, (gp_diag_kind)d->kind, base + d->source_index,
                                d->line, "%s", str[d->message]) != GP_OK) {
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
            goto out;
        }
    }
    st = gp_catalog_mark_embedded(cat, first, 1, err);
out:
    if (st != GP_OK) {
        cat->count = first;
        cat->nsources = nsources;
        cat->ndiags = ndiags;
    }
    free(str);
    return st;
}
