/* Build helper: compiles the data folder's catalog into C data.
 *
 *   compile_catalog OUT.c DATA_DIR
 *
 * Loads DATA_DIR/sources.csv and the files it lists with the library's own
 * loaders, then writes every offer, source and diagnostic as static data
 * (layout in src/compiled.h). Fails, and writes nothing, when the data does
 * not load. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "catalog/catalog_internal.h"
#include "catalog/compiled.h"

typedef struct pool {
    gp_arena arena;
    gp_strtab tab;
    const char **strings;  /* in index order */
    size_t n, cap;
    const char **map_keys; /* interned string -> index, open addressing */
    uint32_t *map_vals;
    size_t map_cap;
} pool;

static void oom(void)
{
    fprintf(stderr, "compile_catalog: out of memory\n");
    exit(1);
}

static size_t slot_of(const pool *p, const char *key)
{
    size_t j = ((uintptr_t)key >> 3) & (p->map_cap - 1);
    while (p->map_keys[j] && p->map_keys[j] != key)
        j = (j + 1) & (p->map_cap - 1);
    return j;
}

/* Index of s in the pool, adding it on first sight. */
static uint32_t pool_index(pool *p, const char *s)
{
    if (!s)
        s = "";
    const char *key = gp_strtab_add(&p->tab, s);
    if (!key)
        oom();
    if ((p->n + 1) * 2 > p->map_cap) {
        size_t cap = p->map_cap ? p->map_cap * 2 : 4096;
        pool old = *p;
        p->map_keys = calloc(cap, sizeof(*p->map_keys));
        p->map_vals = calloc(cap, sizeof(*p->map_vals));
        if (!p->map_keys || !p->map_vals)
            oom();
        p->map_cap = cap;
        for (size_t i = 0; i < old.map_cap; i++) {
            if (!old.map_keys[i])
                continue;
            size_t j = slot_of(p, old.map_keys[i]);
            p->map_keys[j] = old.map_keys[i];
            p->map_vals[j] = old.map_vals[i];
        }
        free(old.map_keys);
        free(old.map_vals);
    }
    size_t j = slot_of(p, key);
    if (p->map_keys[j])
        return p->map_vals[j];
    p->map_keys[j] = key;
    p->map_vals[j] = (uint32_t)p->n;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 1024;
        p->strings = realloc(p->strings, p->cap * sizeof(*p->strings));
        if (!p->strings)
            oom();
    }
    p->strings[p->n] = key;
    return (uint32_t)p->n++;
}

static void put_double(FILE *out, double v)
{
    if (isnan(v))
        fputs("NAN", out);
    else
        fprintf(out, "%.17g", v);
}

static void put_string_literal(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\' || c == '?')
            fprintf(out, "\\%c", c);
        else if (c >= 32 && c < 127)
            fputc(c, out);
        else
            fprintf(out, "\\%03o", c);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: compile_catalog OUT.c DATA_DIR\n");
        return 2;
    }
    gp_catalog *cat = NULL;
    gp_error err;
    gp_error_clear(&err);
    if (gp_catalog_new(&cat, &err) != GP_OK ||
        gp_catalog_add_manifest(cat, argv[2], "embedded:", &err) != GP_OK) {
        fprintf(stderr, "compile_catalog: %s:%ld: %s\n", err.file, err.line,
                err.message);
        gp_catalog_free(cat);
        return 1;
    }
    pool p;
    memset(&p, 0, sizeof(p));
    gp_arena_init(&p.arena);
    gp_strtab_init(&p.tab, &p.arena);

    const gp_accel_table *accels = gp_catalog_accels(cat);
    size_t naccels = gp_accel_table_count(accels);
    uint32_t *accel_names = calloc(naccels ? naccels : 1, sizeof(*accel_names));
    for (size_t i = 0; i < naccels; i++)
        accel_names[i] = pool_index(&p, gp_accel_table_at(accels, i)->name);

    size_t noffers = gp_catalog_offer_count(cat);
    const gp_offer *offers = gp_catalog_offers(cat);
    gp_compiled_offer *co = calloc(noffers ? noffers : 1, sizeof(*co));
    for (size_t i = 0; i < noffers; i++) {
        const gp_offer *o = &offers[i];
        gp_compiled_offer *c = &co[i];
        c->provider = pool_index(&p, o->provider);
        c->instance_type = pool_index(&p, o->instance_type);
        c->region = pool_index(&p, o->region);
        c->zone = pool_index(&p, o->zone);
        c->gpu = pool_index(&p, o->gpu);
        c->gpu_raw = pool_index(&p, o->gpu_raw);
        c->source = pool_index(&p, o->source);
        c->as_of = pool_index(&p, o->as_of);
        c->notes = pool_index(&p, o->notes);
        c->accel = -1;
        for (size_t a = 0; a < naccels; a++)
            if (gp_accel_table_at(accels, a) == o->accel)
                c->accel = (int32_t)a;
        c->kind = (uint32_t)o->kind;
        c->fabric = (uint32_t)o->fabric;
        c->flags = o->flags;
        c->source_index = o->source_index;
        c->line = o->line;
        c->gpu_count = o->gpu_count;
        c->gpu_mem_gb = o->gpu_mem_gb;
        c->vcpus = o->vcpus;
        c->ram_gb = o->ram_gb;
        c->usd_per_hour = o->usd_per_hour;
        c->spot_usd_per_hour = o->spot_usd_per_hour;
        c->fabric_gbps = o->fabric_gbps;
    }
    size_t nsources = gp_catalog_source_count(cat);
    gp_compiled_source *cs = calloc(nsources ? nsources : 1, sizeof(*cs));
    for (size_t i = 0; i < nsources; i++) {
        const gp_source *s = gp_catalog_source(cat, i);
        cs[i] = (gp_compiled_source){
            pool_index(&p, s->name),     pool_index(&p, s->provider),
            pool_index(&p, s->format),   pool_index(&p, s->as_of),
            pool_index(&p, s->snapshot), pool_index(&p, s->licence),
            (uint32_t)s->rows,           (uint32_t)s->offers,
            (uint32_t)s->replaced,       (uint32_t)s->no_price,
            (uint32_t)s->bad_rows,       (uint32_t)s->other_rows};
    }
    size_t ndiags = gp_catalog_diag_count(cat);
    gp_compiled_diag *cd = calloc(ndiags ? ndiags : 1, sizeof(*cd));
    for (size_t i = 0; i < ndiags; i++) {
        const gp_diag *d = gp_catalog_diag(cat, i);
        cd[i] = (gp_compiled_diag){(uint32_t)d->kind, d->source_index, d->line,
                                   pool_index(&p, d->message)};
    }

    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    fprintf(out, "/* Generated by scripts/compile_catalog.c from data/. Do not "
                 "edit. */\n#include <math.h>\n#include \"catalog/compiled.h\"\n\n");
    fprintf(out, "static const char pool[] =\n\"");
    size_t offset = 0;
    uint32_t *offsets = calloc(p.n ? p.n : 1, sizeof(*offsets));
    uint32_t *lens = calloc(p.n ? p.n : 1, sizeof(*lens));
    for (size_t i = 0; i < p.n; i++) {
        offsets[i] = (uint32_t)offset;
        lens[i] = (uint32_t)strlen(p.strings[i]);
        put_string_literal(out, p.strings[i]);
        fputs("\\0\"\n\"", out);
        offset += lens[i] + 1;
    }
    fputs("\";\n\nstatic const uint32_t offsets[] = {0", out);
    for (size_t i = 0; i < p.n; i++)
        fprintf(out, "%s%u", i % 12 ? "," : ",\n", offsets[i]);
    fputs("};\nstatic const uint32_t lens[] = {0", out);
    for (size_t i = 0; i < p.n; i++)
        fprintf(out, "%s%u", i % 12 ? "," : ",\n", lens[i]);
    fputs("};\nstatic const uint32_t accel_names[] = {0", out);
    for (size_t i = 0; i < naccels; i++)
        fprintf(out, ",%u", accel_names[i]);
    fputs("};\n\nstatic const gp_compiled_offer offers[] = {\n", out);
    for (size_t i = 0; i < noffers; i++) {
        const gp_compiled_offer *c = &co[i];
        fprintf(out, "{%u,%u,%u,%u,%u,%u,%u,%u,%u,%d,%u,%u,%u,%u,%u,",
                c->provider, c->instance_type, c->region, c->zone, c->gpu,
                c->gpu_raw, c->source, c->as_of, c->notes, c->accel, c->kind,
                c->fabric, c->flags, c->source_index, c->line);
        double nums[7] = {c->gpu_count, c->gpu_mem_gb, c->vcpus, c->ram_gb,
                          c->usd_per_hour, c->spot_usd_per_hour, c->fabric_gbps};
        for (int k = 0; k < 7; k++) {
            put_double(out, nums[k]);
            fputs(k < 6 ? "," : "},\n", out);
        }
    }
    fputs("{0}};\n\nstatic const gp_compiled_source sources[] = {\n", out);
    for (size_t i = 0; i < nsources; i++) {
        const gp_compiled_source *c = &cs[i];
        fprintf(out, "{%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u},\n", c->name,
                c->provider, c->format, c->as_of, c->snapshot, c->licence,
                c->rows, c->offers, c->replaced, c->no_price, c->bad_rows,
                c->other_rows);
    }
    fputs("{0}};\n\nstatic const gp_compiled_diag diags[] = {\n", out);
    for (size_t i = 0; i < ndiags; i++)
        fprintf(out, "{%u,%u,%u,%u},\n", cd[i].kind, cd[i].source_index,
                cd[i].line, cd[i].message);
    fprintf(out,
            "{0}};\n\nconst gp_compiled_catalog gp_compiled_embedded = {\n"
            "    pool, offsets + 1, lens + 1, %zuu, offers, %zuu, sources, %zuu,\n"
            "    diags, %zuu, accel_names + 1, %zuu};\n",
            p.n, noffers, nsources, ndiags, naccels);
    int bad = fclose(out) != 0;
    free(offsets);
    free(lens);
    free(co);
    free(cs);
    free(cd);
    free(accel_names);
    free(p.strings);
    free(p.map_keys);
    free(p.map_vals);
    gp_strtab_free(&p.tab);
    gp_arena_free(&p.arena);
    gp_catalog_free(cat);
    if (bad) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
