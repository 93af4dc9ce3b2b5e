/* gpuplan — the GpuInfo column of SkyPilot catalogs.
 *
 * SkyPilot writes GpuInfo in several shapes: a Python dict literal
 * ("{'Gpus': [{'Name': 'A10G', 'Count': 4, 'MemoryInfo': {'SizeInMiB':
 * 22888}}], 'TotalGpuMemoryInMiB': 91552}"), the same with lower-case keys,
 * JSON with double quotes, a dict without the name (GCP), a bare name
 * ("A100-80GB", "tpu-v5p-8"), or nothing. This parser reads all of them into
 * one record. It allocates nothing and never reads past `len`. */
#ifndef GPUPLAN_GPUINFO_H
#define GPUPLAN_GPUINFO_H

#include <stddef.h>

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { GP_GPUINFO_NAME_MAX = 96 };

typedef struct gp_gpuinfo {
    char name[GP_GPUINFO_NAME_MAX]; /* Gpus[0].Name or the bare name; "" */
    char manufacturer[32];          /* Gpus[0].Manufacturer; "" */
    double count;                   /* Gpus[0].Count; NAN when absent */
    double memory_mib;              /* Gpus[0].MemoryInfo.SizeInMiB; NAN */
    double total_memory_mib;        /* TotalGpuMemoryInMiB (or the Neuron
                                       equivalent); NAN */
    int is_bare;                    /* the text was a plain name */
} gp_gpuinfo;

/* Parses GpuInfo text. Empty text, "None", "null" and "nan" give an empty
 * record and GP_OK. A dict or list that is not well formed gives GP_EDATA
 * with a reason in err->message (no file or line: the caller adds them). */
gp_status gp_gpuinfo_parse(const char *text, size_t len, gp_gpuinfo *out,
                           gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
