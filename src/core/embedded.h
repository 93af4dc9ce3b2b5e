/* Internal: the data files compiled into the library.
 *
 * The build turns every file under data/ that the library reads into a byte
 * array (scripts/embed.c writes embedded_data.c); this is how gpuplan works
 * offline with no files. Names are paths relative to data/. */
#ifndef GP_EMBEDDED_H
#define GP_EMBEDDED_H

#include <stddef.h>

typedef struct gp_embedded_file {
    const char *name;  /* e.g. "accelerators.csv" */
    const char *data;  /* NUL-terminated; len excludes the NUL */
    size_t len;
} gp_embedded_file;

extern const gp_embedded_file gp_embedded_files[];
extern const size_t gp_embedded_file_count;

/* The embedded file with this name, or NULL. */
const gp_embedded_file *gp_embedded_find(const char *name);

#endif
