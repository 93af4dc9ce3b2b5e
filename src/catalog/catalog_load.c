/* The catalog's loader dispatcher: which loader reads which path, folder
 * or buffer. It sits above the catalog core (catalog.c) and the loaders
 * (load_skypilot.c, load_gpuplan.c): the loaders push rows through the
 * core's push interface (catalog/push.h) and never call back up here. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "catalog/catalog_internal.h"
#include "catalog/loaders.h"
#include "catalog/push.h"
#include "core/csvread.h"
#include "core/fail.h"

/* One group of sources, loaded with rollback on failure, then replacement
 * (gp_catalog_group_end). */
typedef struct group {
    const char *provider;          /* skypilot groups */
    const gp_skypilot_file *files;
    size_t nfiles;
    int gpuplan;                   /* 1: one gpuplan-format file */
    gp_replace replace;
    int embedded;
} group;

static gp_status load_group(gp_catalog *cat, const group *g,
                            const gp_load_opts *opts, gp_error *err)
{
    gp_catalog_mark mark = gp_catalog_group_begin(cat);
    gp_status st = g->gpuplan
                       ? gp_load_gpuplan(cat, &g->files[0], opts, err)
                       : gp_load_skypilot_group(cat, g->provider, g->files,
                                                g->nfiles, opts, err);
    return gp_catalog_group_end(cat, &mark, st, g->embedded, g->replace, err);
}

/* ---- the data folder: sources.csv and the files it lists --------------- */

typedef struct manifest_row {
    const char *file, *provider, *format, *group, *as_of, *snapshot, *licence;
    gp_replace replace;
} manifest_row;

typedef struct manifest {
    gp_catalog *cat;
    const char *name;
    manifest_row *rows;
    size_t n, cap;
    int col[8];
    int have_header;
} manifest;

static gp_status manifest_row_cb(const gp_csv_row *row, void *ctx,
                                 gp_error *err)
{
    static const char *const COLS[8] = {"file", "provider", "format", "group",
                                        "as_of", "snapshot", "licence",
                                        "replaces"};
    manifest *m = ctx;
    if (!m->have_header) {
        for (int i = 0; i < 8; i++)
            if ((m->col[i] = gp_csv_column(row, COLS[i])) < 0)
                return gp_fail(err, GP_EDATA, m->name, row->line,
                               "missing column %s", COLS[i]);
        m->have_header = 1;
        return GP_OK;
    }
    if (gp_grow((void **)&m->rows, &m->cap, m->n, sizeof(*m->rows)) != 0)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    const char *v[8];
    for (int i = 0; i < 8; i++) {
        v[i] = (size_t)m->col[i] < row->nfields ? row->fields[m->col[i]] : "";
        if (!(v[i] = gp_catalog_intern(m->cat, v[i])))
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    if (!v[0][0] || !v[3][0] ||
        (strcmp(v[2], "skypilot") != 0 && strcmp(v[2], "gpuplan") != 0))
        return gp_fail(err, GP_EDATA, m->name, row->line,
                       "file and group must be set and format must be "
                       "skypilot or gpuplan");
    manifest_row *r = &m->rows[m->n++];
    *r = (manifest_row){v[0], v[1], v[2], v[3], v[4], v[5], v[6],
                        GP_REPLACE_NONE};
    if (strcmp(v[7], "instance-type") == 0)
        r->replace = GP_REPLACE_INSTANCE_TYPE;
    else if (strcmp(v[7], "product") == 0)
        r->replace = GP_REPLACE_PRODUCT;
    else if (strcmp(v[7], "none") != 0 && v[7][0])
        return gp_fail(err, GP_EDATA, m->name, row->line,
                       "unknown replaces value '%s'", v[7]);
    return GP_OK;
}

gp_status gp_catalog_add_manifest(gp_catalog *cat, const char *dir,
                                  const char *name_prefix, gp_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/sources.csv", dir);
    manifest m = {.cat = cat, .name = path};
    gp_status st = gp_csv_parse_file(path, manifest_row_cb, &m, err);
    gp_skypilot_file *files = calloc(m.n ? m.n : 1, sizeof(*files));
    if (st == GP_OK && !files)
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; st == GP_OK && i < m.n;) {
        size_t j = i, nf = 0;
        while (st == GP_OK && j < m.n &&
               strcmp(m.rows[j].group, m.rows[i].group) == 0) {
            const manifest_row *r = &m.rows[j++];
            gp_skypilot_file *f = &files[nf++];
            memset(f, 0, sizeof(*f));
            f->name = gp_arena_printf(&cat->arena, "%s%s", name_prefix, r->file);
            f->path = gp_arena_printf(&cat->arena, "%s/%s", dir, r->file);
            f->meta.provider = r->provider;
            f->meta.as_of = r->as_of;
            f->meta.snapshot = r->snapshot;
            f->meta.licence = r->licence;
            f->meta.embedded = 1;
            if (!f->name || !f->path)
                st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        }
        if (st != GP_OK)
            break;
        group g = {m.rows[i].provider, files, nf,
                   strcmp(m.rows[i].format, "gpuplan") == 0, m.rows[i].replace,
                   1};
        gp_load_opts opts = {0, NULL};
        st = load_group(cat, &g, &opts, err);
        i = j;
    }
    free(files);
    free(m.rows);
    return st;
}

gp_status gp_catalog_add_data_dir(gp_catalog *cat, const char *dir,
                                  gp_error *err)
{
    char prefix[4096];
    snprintf(prefix, sizeof(prefix), "%s/", dir);
    return gp_catalog_add_manifest(cat, dir, prefix, err);
}

/* ---- user sources ------------------------------------------------------ */

static const char *base_name(const char *path, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", path);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    const char *slash = strrchr(buf, '/');
    return slash ? slash + 1 : buf;
}

static void file_date(const char *path, char *buf, size_t cap)
{
    struct stat sb;
    buf[0] = '\0';
    if (stat(path, &sb) != 0)
        return;
    struct tm tm;
    if (gmtime_r(&sb.st_mtime, &tm))
        strftime(buf, cap, "%Y-%m-%d", &tm);
}

static int is_vms_file(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, "vms", 3) == 0 && n > 4 &&
           strcmp(name + n - 4, ".csv") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of entries in dir that pass `want` (NULL: subfolders). */
static gp_status list_dir(const char *dir, int (*want)(const char *),
                          char ***out, size_t *nout, gp_error *err)
{
    *out = NULL;
    *nout = 0;
    DIR *d = opendir(dir);
    if (!d)
        return gp_fail(err, GP_EIO, dir, 0, "cannot open folder: %s",
                       strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    gp_status st = GP_OK;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0)
            continue;
        int ok = want ? (S_ISREG(sb.st_mode) && want(de->d_name))
                      : S_ISDIR(sb.st_mode);
        if (!ok)
            continue;
        if (gp_grow((void **)&names, &cap, n, sizeof(*names)) != 0 ||
            !(names[n] = strdup(de->d_name))) {
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (st != GP_OK) {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return st;
    }
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    *out = names;
    *nout = n;
    return GP_OK;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* One <cloud>/ folder: every vms*.csv in it is one group. */
static gp_status add_cloud_dir(gp_catalog *cat, const char *dir,
                               const char *provider, char **vms, size_t nvms,
                               const gp_load_opts *opts, gp_error *err)
{
    gp_skypilot_file *files = calloc(nvms, sizeof(*files));
    char **paths = calloc(nvms, sizeof(*paths));
    char date[16];
    gp_status st = GP_OK;
    if (!files || !paths) {
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nvms; i++) {
        size_t len = strlen(dir) + strlen(vms[i]) + 2;
        if (!(paths[i] = malloc(len))) {
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
            goto out;
        }
        snprintf(paths[i], len, "%s/%s", dir, vms[i]);
        files[i].name = paths[i];
        files[i].path = paths[i];
        file_date(paths[i], date, sizeof(date));
        files[i].meta.as_of = gp_catalog_intern(cat, date);
        files[i].meta.snapshot = "";
        files[i].meta.licence = "";
    }
    group g = {provider, files, nvms, 0, GP_REPLACE_PROVIDER, 0};
    st = load_group(cat, &g, opts, err);
out:
    for (size_t i = 0; paths && i < nvms; i++)
        free(paths[i]);
    free(paths);
    free(files);
    return st;
}

static gp_status add_dir(gp_catalog *cat, const char *dir,
                         const gp_load_opts *opts, gp_error *err)
{
    char **vms = NULL, **subs = NULL;
    size_t nvms = 0, nsubs = 0;
    gp_status st = list_dir(dir, is_vms_file, &vms, &nvms, err);
    if (st != GP_OK)
        return st;
    if (nvms > 0) {
        char buf[4096];
        const char *provider = opts && opts->provider
                                   ? opts->provider
                                   : base_name(dir, buf, sizeof(buf));
        st = add_cloud_dir(cat, dir, provider, vms, nvms, opts, err);
        free_names(vms, nvms);
        return st;
    }
    free_names(vms, nvms);
    st = list_dir(dir, NULL, &subs, &nsubs, err);
    size_t clouds = 0;
    int has_versions = 0;
    for (size_t i = 0; st == GP_OK && i < nsubs; i++) {
        if (strcmp(subs[i], "common") == 0)
            continue;
        if (subs[i][0] == 'v' && isdigit((unsigned char)subs[i][1]))
            has_versions = 1;
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", dir, subs[i]);
        st = list_dir(sub, is_vms_file, &vms, &nvms, err);
        if (st == GP_OK && nvms > 0) {
            st = add_cloud_dir(cat, sub, subs[i], vms, nvms, opts, err);
            clouds++;
        }
        free_names(vms, nvms);
        vms = NULL;
        nvms = 0;
    }
    free_names(subs, nsubs);
    if (st == GP_OK && clouds == 0) {
        if (has_versions)
            return gp_fail(err, GP_EIO, dir, 0,
                           "holds SkyPilot catalog versions, not a catalog: "
                           "pass one version folder, e.g. %s/v8",
                           dir);
        return gp_fail(err, GP_EIO, dir, 0,
                       "no SkyPilot vms.csv files found (expected "
                       "%s/<cloud>/vms.csv)",
                       dir);
    }
    return st;
}

typedef enum file_kind { FK_UNKNOWN, FK_SKYPILOT, FK_GPUPLAN } file_kind;

static gp_status header_kind(const char *name, const char *data, size_t len,
                             file_kind *kind, gp_error *err)
{
    size_t n = 0;
    while (n < len && data[n] != '\n')
        n++;
    char header[4096];
    size_t copy = n < sizeof(header) - 1 ? n : sizeof(header) - 1;
    if (copy) /* data may be NULL when len is 0 */
        memcpy(header, data, copy);
    header[copy] = '\0';
    /* Column names never need quoting, so a plain scan is enough. */
    int has[5] = {0};
    static const char *const WANT[5] = {"InstanceType", "AcceleratorName",
                                        "provider", "instance_type", "gpu"};
    char *save = NULL;
    for (char *tok = strtok_r(header, ",\r", &save); tok;
         tok = strtok_r(NULL, ",\r", &save)) {
        while (*tok == ' ' || *tok == '"')
            tok++;
        size_t tl = strlen(tok);
        while (tl && (tok[tl - 1] == ' ' || tok[tl - 1] == '"'))
            tok[--tl] = '\0';
        for (int i = 0; i < 5; i++)
            if (strcasecmp(tok, WANT[i]) == 0)
                has[i] = 1;
    }
    if (has[0] && has[1])
        *kind = FK_SKYPILOT;
    else if (has[2] && has[3] && has[4])
        *kind = FK_GPUPLAN;
    else
        return gp_fail(err, GP_EDATA, name, 1,
                       "not a SkyPilot vms.csv (no InstanceType and "
                       "AcceleratorName columns) nor a gpuplan catalog (no "
                       "provider, instance_type and gpu columns)");
    return GP_OK;
}

/* The most bytes one catalog file may have. The largest SkyPilot vms.csv
 * is a few megabytes; the limit only stops an endless stream (/dev/zero,
 * a runaway pipe) from eating memory. docs/catalog.md states it. */
#define CATALOG_FILE_MAX_BYTES ((size_t)1 << 30)

/* Reads a whole file or stream into *data (malloc'd, caller frees). */
static gp_status slurp(const char *path, char **data, size_t *len,
                       gp_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gp_fail(err, GP_EIO, path, 0, "cannot open: %s", strerror(errno));
    size_t n = 0, cap = 0;
    char *buf = NULL;
    gp_status st = GP_OK;
    /* A regular file's size is known: one buffer of that size (and a byte
     * to see the end), not a doubling one copied on each growth. */
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
        (size_t)sb.st_size < CATALOG_FILE_MAX_BYTES) {
        cap = (size_t)sb.st_size + 1;
        if (!(buf = malloc(cap)))
            cap = 0;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= CATALOG_FILE_MAX_BYTES) {
                st = gp_fail(err, GP_EDATA, path, 0,
                             "larger than %zu MiB: not a catalog",
                             CATALOG_FILE_MAX_BYTES >> 20);
                break;
            }
            size_t next = cap ? cap * 2 : 65536;
            char *b = realloc(buf, next);
            if (!b) {
                st = gp_fail(err, GP_ENOMEM, path, 0, "out of memory");
                break;
            }
            buf = b;
            cap = next;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = gp_fail(err, GP_EIO, path, 0, "read error");
            break;
        }
    }
    fclose(f);
    if (st != GP_OK) {
        free(buf);
        return st;
    }
    *data = buf;
    *len = n;
    return GP_OK;
}

/* A single file. It is read once, into memory, and both the format sniff
 * and the loader work on that buffer: a pipe, a FIFO, /dev/stdin or a
 * <(...) process substitution cannot be reopened, and reading its head to
 * sniff the format used to swallow the first 4 KB. */
static gp_status add_file(gp_catalog *cat, const char *path,
                          const gp_load_opts *opts, gp_error *err)
{
    struct stat sb;
    int regular = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
    char *data = NULL;
    size_t len = 0;
    gp_status st = slurp(path, &data, &len, err);
    if (st != GP_OK)
        return st;
    size_t skip = (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    file_kind kind = FK_UNKNOWN;
    st = header_kind(path, data + skip, len - skip, &kind, err);
    if (st != GP_OK)
        goto out;
    char date[16] = "";
    if (regular) /* a stream's date is now, not the data's */
        file_date(path, date, sizeof(date));
    gp_skypilot_file file = {0};
    file.name = path;
    file.data = data;
    file.len = len;
    file.meta.as_of = date;
    file.meta.snapshot = "";
    file.meta.licence = "";
    if (kind == FK_GPUPLAN) {
        group g = {"", &file, 1, 1, GP_REPLACE_PROVIDER, 0};
        st = load_group(cat, &g, opts, err);
        goto out;
    }
    char dirbuf[4096], base[4096];
    snprintf(dirbuf, sizeof(dirbuf), "%s", path);
    char *slash = strrchr(dirbuf, '/');
    const char *provider = opts ? opts->provider : NULL;
    /* Only a real file's folder names its provider: /dev/stdin or
     * /dev/fd/63 would say "dev" or "fd". */
    if (!provider && regular && slash && slash != dirbuf) {
        *slash = '\0';
        provider = base_name(dirbuf, base, sizeof(base));
        if (strcmp(provider, ".") == 0 || strcmp(provider, "..") == 0)
            provider = NULL;
    }
    if (!provider || !*provider) {
        st = gp_fail(err, GP_EINVAL, path, 0,
                     "cannot tell which provider this SkyPilot file is "
                     "for: keep it as <provider>/vms.csv, or name it as "
                     "PROVIDER=%s",
                     path);
        goto out;
    }
    group g = {provider, &file, 1, 0, GP_REPLACE_PROVIDER, 0};
    st = load_group(cat, &g, opts, err);
out:
    free(data);
    return st;
}

gp_status gp_catalog_add_path(gp_catalog *cat, const char *path,
                              const gp_load_opts *opts, gp_error *err)
{
    struct stat sb;
    if (!path || !*path)
        return gp_fail(err, GP_EIO, "", 0, "empty catalog path");
    if (stat(path, &sb) != 0)
        return gp_fail(err, GP_EIO, path, 0, "no such file or folder");
    if (S_ISDIR(sb.st_mode))
        return add_dir(cat, path, opts, err);
    return add_file(cat, path, opts, err);
}

/* A text buffer as a user source of either format. */
static gp_status add_buffer(gp_catalog *cat, const char *name, const char *provider,
                            int gpuplan, const char *data, size_t len,
                            const gp_load_opts *opts, gp_error *err)
{
    gp_skypilot_file file = {0};
    file.name = name;
    file.data = data;
    file.len = len;
    file.meta.as_of = "";
    file.meta.snapshot = "";
    file.meta.licence = "";
    group g = {provider, &file, 1, gpuplan, GP_REPLACE_PROVIDER, 0};
    return load_group(cat, &g, opts, err);
}

gp_status gp_catalog_add_skypilot_buffer(gp_catalog *cat, const char *name,
                                         const char *provider,
                                         const char *data, size_t len,
                                         const gp_load_opts *opts,
                                         gp_error *err)
{
    return add_buffer(cat, name, provider, 0, data, len, opts, err);
}

gp_status gp_catalog_add_gpuplan_buffer(gp_catalog *cat, const char *name,
                                        const char *data, size_t len,
                                        const gp_load_opts *opts,
                                        gp_error *err)
{
    return add_buffer(cat, name, "", 1, data, len, opts, err);
}
