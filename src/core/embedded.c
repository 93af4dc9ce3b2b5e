#include "core/embedded.h"

#include <string.h>

const gp_embedded_file *gp_embedded_find(const char *name)
{
    for (size_t i = 0; i < gp_embedded_file_count; i++) {
        if (strcmp(gp_embedded_files[i].name, name) == 0)
            return &gp_embedded_files[i];
    }
    return NULL;
}
