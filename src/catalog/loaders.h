/* The loaders, as the dispatcher (catalog_load.c) calls them. Each reads
 * one format and appends sources and offers through catalog/push.h; the
 * dispatcher handles rollback and replacement (gp_catalog_group_end). */
#ifndef GP_CATALOG_LOADERS_H
#define GP_CATALOG_LOADERS_H

#include <stddef.h>

#include "gpuplan/catalog.h"

typedef struct gp_skypilot_file {
    const char *name;      /* for messages */
    const char *path;      /* read from disk when data is NULL */
    const char *data;
    size_t len;
    gp_source meta;        /* as_of, snapshot, licence, embedded */
} gp_skypilot_file;

gp_status gp_load_skypilot_group(gp_catalog *cat, const char *provider,
                                 const gp_skypilot_file *files, size_t nfiles,
                                 const gp_load_opts *opts, gp_error *err);

gp_status gp_load_gpuplan(gp_catalog *cat, const gp_skypilot_file *file,
                          const gp_load_opts *opts, gp_error *err);

#endif
