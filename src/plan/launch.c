/* Where a plan launches, and its launch file: a SkyPilot task or a dstack
 * task, as YAML text (docs/plan.md, "Launch files"). Field names follow
 * each project's published reference:
 *  - SkyPilot: docs/source/reference/yaml-spec.rst @0048bbf6 and the
 *    resources schema in sky/utils/schemas.py @00052dfe (infra as
 *    cloud/region/zone, accelerators NAME:COUNT, instance_type, use_spot,
 *    job_recovery.strategy; num_nodes; run);
 *  - dstack 0.21.2: TaskConfiguration and ProfileParams (type: task,
 *    nodes, commands, resources.gpu NAME[:MEMORY]:COUNT, spot_policy
 *    spot|on-demand|auto, max_price per instance-hour, backends, regions,
 *    availability_zones).
 * Every string is written as a double-quoted YAML scalar with escapes, so
 * any provider, region or instance name stays one valid value; comments
 * are cleaned of line breaks and bytes that are not UTF-8. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "gpuplan/launch.h"
#include "plan/plan_internal.h"

typedef struct name_row {
    const char *provider, *skypilot, *dstack, *source;
    gp_zone_kind zone_kind;
    int dstack_regions;
} name_row;

typedef struct accel_row {
    const char *gpu, *skypilot, *dstack, *dstack_memory, *source;
} accel_row;

struct gp_launch_names {
    gp_arena arena;
    name_row *names;
    size_t nnames, capnames;
    accel_row *accels;
    size_t naccels, capaccels;
};

const char *gp_launch_format_name(gp_launch_format f)
{
    return f == GP_LAUNCH_DSTACK ? "dstack" : "skypilot";
}

int gp_launch_format_parse(const char *name)
{
    if (name && strcmp(name, "skypilot") == 0)
        return GP_LAUNCH_SKYPILOT;
    if (name && strcmp(name, "dstack") == 0)
        return GP_LAUNCH_DSTACK;
    return -1;
}

/* ---- the name tables ------------------------------------------------------ */

typedef struct loader {
    gp_launch_names *n;
    const char *file;
} loader;

static gp_status name_row_fn(void *ctx, const char *const *v, long line, gp_error *err)
{
    loader *l = ctx;
    gp_launch_names *n = l->n;
    if (!v[0][0])
        return gp_fail(err, GP_EDATA, l->file, line, "empty provider");
    gp_zone_kind zk;
    if (strcmp(v[3], "name") == 0)
        zk = GP_ZONE_NAME;
    else if (strcmp(v[3], "id") == 0)
        zk = GP_ZONE_ID;
    else if (strcmp(v[3], "none") == 0)
        zk = GP_ZONE_NONE;
    else
        return gp_fail(err, GP_EDATA, l->file, line,
                       "zone_kind must be name, id or none, not '%s'", v[3]);
    if (strcmp(v[4], "yes") != 0 && strcmp(v[4], "no") != 0)
        return gp_fail(err, GP_EDATA, l->file, line, "dstack_regions must be yes or no, not '%s'",
                       v[4]);
    if (!v[5][0])
        return gp_fail(err, GP_EDATA, l->file, line, "a row needs its source");
    if (gp_grow((void **)&n->names, &n->capnames, n->nnames, sizeof(*n->names)) != 0)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    n->names[n->nnames++] = (name_row){v[0], v[1], v[2], v[5], zk, strcmp(v[4], "yes") == 0};
    return GP_OK;
}

static gp_status accel_row_fn(void *ctx, const char *const *v, long line, gp_error *err)
{
    loader *l = ctx;
    gp_launch_names *n = l->n;
    if (!v[0][0])
        return gp_fail(err, GP_EDATA, l->file, line, "empty gpu");
    if (v[3][0] && strcmp(v[3], "offer") != 0) {
        char *end;
        double gb = strtod(v[3], &end);
        if (*end || !(gb > 0 && gb < 10000))
            return gp_fail(err, GP_EDATA, l->file, line,
                           "dstack_memory_gb must be empty, 'offer' or a size in GB, not '%s'",
                           v[3]);
    }
    if (!v[4][0])
        return gp_fail(err, GP_EDATA, l->file, line, "a row needs its source");
    if (gp_grow((void **)&n->accels, &n->capaccels, n->naccels, sizeof(*n->accels)) != 0)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    n->accels[n->naccels++] = (accel_row){v[0], v[1], v[2], v[3], v[4]};
    return GP_OK;
}

static gp_status read_table(gp_launch_names *n, const char *file, const char *const *cols,
                            int ncols, gp_csv_named_fn fn, gp_error *err)
{
    const gp_embedded_file *f = gp_embedded_find(file);
    if (!f)
        return gp_fail(err, GP_EIO, file, 0, "not compiled into this build");
    char name[96];
    snprintf(name, sizeof(name), "embedded:%s", file);
    loader l = {n, name};
    return gp_csv_parse_named(name, f->data, f->len, cols, ncols, &n->arena, fn, &l, err);
}

gp_status gp_launch_names_load_default(gp_launch_names **out, gp_error *err)
{
    static const char *const NAMES[] = {"provider",  "skypilot_cloud", "dstack_backend",
                                        "zone_kind", "dstack_regions", "source"};
    static const char *const ACCELS[] = {"gpu", "skypilot", "dstack", "dstack_memory_gb",
                                         "source"};
    *out = NULL;
    gp_launch_names *n = calloc(1, sizeof(*n));
    if (!n)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    gp_arena_init(&n->arena);
    gp_status st = read_table(n, "launch-names.csv", NAMES, 6, name_row_fn, err);
    if (st == GP_OK)
        st = read_table(n, "launch-accelerators.csv", ACCELS, 5, accel_row_fn, err);
    if (st != GP_OK) {
        gp_launch_names_free(n);
        return st;
    }
    *out = n;
    return GP_OK;
}

void gp_launch_names_free(gp_launch_names *n)
{
    if (!n)
        return;
    free(n->names);
    free(n->accels);
    gp_arena_free(&n->arena);
    free(n);
}

static const name_row *find_name(const gp_launch_names *n, const char *provider)
{
    for (size_t i = 0; n && provider && i < n->nnames; i++)
        if (strcasecmp(n->names[i].provider, provider) == 0)
            return &n->names[i];
    return NULL;
}

static const accel_row *find_accel(const gp_launch_names *n, const char *gpu)
{
    for (size_t i = 0; n && gpu && i < n->naccels; i++)
        if (strcmp(n->accels[i].gpu, gpu) == 0)
            return &n->accels[i];
    return NULL;
}

/* ---- where ---------------------------------------------------------------- */

static const char *nz(const char *s)
{
    return s ? s : "";
}

void gp_launch_where(const gp_launch_names *names, const gp_plan *plan, gp_launch *out)
{
    memset(out, 0, sizeof(*out));
    const gp_offer *o = plan->offer;
    const name_row *r = find_name(names, o->provider);
    out->provider = nz(o->provider);
    /* A capacity block is sold in its own region, which may not be the
     * offer's (plan->term_region); its zone is AWS's to choose. */
    out->region = nz(plan->term_region ? plan->term_region : o->region);
    out->zone = plan->term_region && strcmp(plan->term_region, nz(o->region)) != 0 ? ""
                                                                                  : nz(o->zone);
    out->instance_type = nz(o->instance_type);
    out->gpu = nz(o->gpu);
    out->zone_kind = r ? r->zone_kind : GP_ZONE_NAME;
    out->instances = plan->instances;
    out->gpus_per_instance = plan->instances > 0 ? plan->gpus / plan->instances : 0;
    out->spot = plan->term == GP_TERM_SPOT;
    out->term = plan->term;
    out->usd_per_instance_hour = out->spot ? o->spot_usd_per_hour : o->usd_per_hour;
    out->skypilot_cloud = r ? r->skypilot : "";
    out->dstack_backend = r ? r->dstack : "";
}

/* ---- text ----------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t n, cap;
    int oom;
} buf;

static void put(buf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if ((size_t)len < sizeof(tmp)) {
        put(b, tmp, (size_t)len);
        return;
    }
    char *big = malloc((size_t)len + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)len + 1, fmt, ap);
    va_end(ap);
    put(b, big, (size_t)len);
    free(big);
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there
 * are not one (overlong forms, surrogates and code points above U+10FFFF
 * included). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const unsigned MIN[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < MIN[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    /* YAML 1.1/1.2 printable set: no C1 controls, no U+FEFF, U+FFFE/F. */
    if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return n;
}

/* A double-quoted YAML scalar: printable ASCII and valid UTF-8 as they
 * are, '"' and '\' escaped, anything else as \xNN (YAML 1.1 and 1.2 both
 * read \x as an 8-bit code point). */
static void put_quoted(buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)nz(s);
    puts_(b, "\"");
    while (*p) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            put(b, e, 2);
            p++;
        } else if (*p >= 0x20 && *p < 0x7F) {
            put(b, (const char *)p, 1);
            p++;
        } else if (*p >= 0x80 && utf8_len(p) > 0) {
            size_t n = utf8_len(p);
            put(b, (const char *)p, n);
            p += n;
        } else {
            putf(b, "\\x%02X", *p);
            p++;
        }
    }
    puts_(b, "\"");
}

/* Comment text: one line, printable, valid UTF-8 ('?' for anything else). */
static void put_comment_text(buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)nz(s);
    while (*p) {
        if (*p >= 0x20 && *p < 0x7F) {
            put(b, (const char *)p, 1);
            p++;
        } else if (*p >= 0x80 && utf8_len(p) > 0) {
            size_t n = utf8_len(p);
            put(b, (const char *)p, n);
            p += n;
        } else {
            puts_(b, *p == '\n' || *p == '\r' || *p == '\t' ? " " : "?");
            p++;
        }
    }
}

static void comment(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void comment(buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    puts_(b, "# ");
    put_comment_text(b, tmp);
    puts_(b, "\n");
}

/* "gpuplan-llama-3-70b": lower-case letters, digits and '-', starting with
 * a letter, at most 41 characters (dstack's run names:
 * ^[a-z][a-z0-9-]{1,40}$; SkyPilot accepts them too). */
static void task_name(char *out, size_t cap, const char *job)
{
    size_t o = 0;
    const char *prefix = "gpuplan-";
    for (const char *p = prefix; *p && o + 1 < cap; p++)
        out[o++] = *p;
    int dash = 1;
    for (const unsigned char *p = (const unsigned char *)nz(job); *p && o + 1 < cap && o < 41;
         p++) {
        unsigned c = *p;
        if (c >= 'A' && c <= 'Z')
            c = c - 'A' + 'a';
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[o++] = (char)c;
            dash = 0;
        } else if (!dash) {
            out[o++] = '-';
            dash = 1;
        }
    }
    while (o > 8 && out[o - 1] == '-')
        o--;
    if (o == 8)
        o = 7; /* "gpuplan" alone */
    out[o] = '\0';
}

static int from_skypilot(const gp_catalog *cat, const gp_offer *o)
{
    const gp_source *s =
        cat && o->source_index < gp_catalog_source_count(cat) ? gp_catalog_source(cat, o->source_index)
                                                                : NULL;
    return s && s->format && strcmp(s->format, "skypilot") == 0;
}

static int is_tpu_slice(const gp_offer *o)
{
    return o->gpu_raw && strncmp(o->gpu_raw, "tpu-", 4) == 0;
}

/* SkyPilot's name for the offer's accelerator: its own catalog's when the
 * offer comes from one; else the name SkyPilot's catalog for the same
 * provider gives the same accelerator; else data/launch-accelerators.csv.
 * *how says which (for the file's comment). NULL when none is known. */
static const char *skypilot_accel(const gp_launch_names *n, const gp_catalog *cat,
                                  const gp_offer *o, const char **how)
{
    if (from_skypilot(cat, o) && o->gpu_raw && o->gpu_raw[0]) {
        *how = "as SkyPilot's catalog for this cloud names it";
        return o->gpu_raw;
    }
    size_t count = cat ? gp_catalog_offer_count(cat) : 0;
    const gp_offer *all = cat ? gp_catalog_offers(cat) : NULL;
    for (size_t i = 0; i < count; i++) {
        const gp_offer *q = &all[i];
        if (q != o && strcasecmp(q->provider, o->provider) == 0 && q->gpu && o->gpu &&
            strcmp(q->gpu, o->gpu) == 0 && q->gpu_raw && q->gpu_raw[0] && from_skypilot(cat, q)) {
            *how = "as SkyPilot's catalog for this provider names this accelerator on "
                   "another instance type";
            return q->gpu_raw;
        }
    }
    const accel_row *a = find_accel(n, o->gpu);
    if (a && a->skypilot[0]) {
        *how = "as SkyPilot's catalogs name it (data/launch-accelerators.csv); this "
               "provider's SkyPilot catalog in gpuplan's data has no row for it";
        return a->skypilot;
    }
    return NULL;
}

static double ceil_cents(double usd)
{
    return ceil(usd * 100.0 - 1e-6) / 100.0;
}

static const char *term_note(const gp_plan *p)
{
    switch (p->term) {
    case GP_TERM_RESERVED:
        return p->pricing_kind == GP_PRICING_RESERVED
                   ? "the plan's term is a reservation: buy it from the provider first; this "
                     "file can only describe on-demand or spot launches, so it launches "
                     "on-demand instances"
                   : "the plan's term is a commitment: agree it with the provider first; this "
                     "file can only describe on-demand or spot launches, so it launches "
                     "on-demand instances";
    case GP_TERM_FLOOR:
        return "the plan is priced at an auction floor, the lowest bid the provider takes; "
               "the launch pays the market price";
    case GP_TERM_ON_DEMAND:
    case GP_TERM_SPOT:
        break;
    }
    return NULL;
}

/* "$1,706,323" */
static const char *usd_text(char *out, size_t cap, double v)
{
    char digits[64];
    snprintf(digits, sizeof(digits), "%.0f", fabs(v));
    size_t n = strlen(digits), o = 0;
    out[o++] = '$';
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

static void header(buf *b, const gp_plan *p, const gp_launch *w, const char *tool,
                   const char *reference, const char *summary)
{
    comment(b, "%s task for gpuplan's plan #%d: %s", tool, p->rank, summary ? summary : "");
    comment(b, "%s %s, %d x %d %s (%d GPUs), %s, $%.2f per instance-hour listed", w->provider,
            w->instance_type, w->instances, w->gpus_per_instance, w->gpu, p->gpus,
            gp_term_name(p->term), w->usd_per_instance_hour);
    char total[48];
    comment(b, "expected %.1f days, %s in all (gpuplan's estimate; price from %s, %s)",
            p->hours / 24, usd_text(total, sizeof(total), p->cost_usd), nz(p->offer->source),
            p->offer->as_of && p->offer->as_of[0] ? p->offer->as_of : "undated");
    comment(b, "fields as in %s", reference);
    const char *tn = term_note(p);
    if (tn)
        comment(b, "note: %s", tn);
}

static gp_status render_skypilot(const gp_launch_names *n, const gp_catalog *cat,
                                 const gp_plan *p, const gp_launch *w, const char *name,
                                 const char *summary, buf *b, gp_error *err)
{
    const gp_offer *o = p->offer;
    if (!w->skypilot_cloud[0])
        return gp_fail(err, GP_ENOTFOUND, "", 0,
                       "SkyPilot has no cloud for %s (data/launch-names.csv): no launch file "
                       "written",
                       w->provider);
    const char *how = "";
    const char *acc = skypilot_accel(n, cat, o, &how);
    if (!acc)
        return gp_fail(err, GP_ENOTFOUND, "", 0,
                       "no SkyPilot accelerator name known for %s (data/launch-accelerators.csv)",
                       w->gpu);
    if (strchr(w->region, '/') || strchr(w->zone, '/'))
        return gp_fail(err, GP_ENOTFOUND, "", 0,
                       "region '%s' or zone '%s' holds a '/', which SkyPilot's infra "
                       "(cloud/region/zone) cannot hold",
                       w->region, w->zone);
    int tpu = is_tpu_slice(o);
    int write_zone = w->zone[0] && w->zone_kind == GP_ZONE_NAME;
    header(b, p, w, "SkyPilot", "SkyPilot's YAML reference (infra; skypilot-org/skypilot "
                                "docs/source/reference/yaml-spec.rst, sky/utils/schemas.py)",
           summary);
    comment(b, "launch: sky launch -c %s FILE%s", name,
            w->spot ? " (or sky jobs launch FILE, a managed job that job_recovery restarts)" : "");
    puts_(b, "name: ");
    put_quoted(b, name);
    putf(b, "\nnum_nodes: %d\n", w->instances);
    puts_(b, "resources:\n");
    char infra[1024];
    snprintf(infra, sizeof(infra), "%s%s%s%s%s", w->skypilot_cloud, w->region[0] ? "/" : "",
             w->region, write_zone ? "/" : "", write_zone ? w->zone : "");
    if (w->zone[0] && !write_zone) {
        puts_(b, w->zone_kind == GP_ZONE_ID
                     ? "  # zone left to SkyPilot: the catalog's zone is an AWS zone ID, which "
                       "each account maps to its own zone name: "
                     : "  # zone left to SkyPilot (it takes none for this cloud): ");
        put_comment_text(b, w->zone);
        puts_(b, "\n");
    } else if (!w->zone[0]) {
        puts_(b, "  # any zone (the catalog gives none)\n");
    }
    puts_(b, "  infra: ");
    put_quoted(b, infra);
    puts_(b, "\n");
    puts_(b, "  # accelerator ");
    put_comment_text(b, how);
    puts_(b, "\n  accelerators: ");
    char spec[512];
    if (tpu)
        snprintf(spec, sizeof(spec), "%s", acc); /* a TPU slice is one accelerator */
    else
        snprintf(spec, sizeof(spec), "%s:%d", acc, w->gpus_per_instance);
    put_quoted(b, spec);
    puts_(b, "\n");
    if (from_skypilot(cat, o) && !tpu) {
        puts_(b, "  instance_type: ");
        put_quoted(b, w->instance_type);
        puts_(b, "\n");
    } else if (!tpu) {
        puts_(b, "  # instance type as the catalog names it, not SkyPilot's name (left to "
                 "SkyPilot): ");
        put_comment_text(b, w->instance_type);
        puts_(b, "\n");
    }
    putf(b, "  use_spot: %s\n", w->spot ? "true" : "false");
    if (w->spot) {
        puts_(b, "  # managed jobs (sky jobs launch): restart in the same region first, then the "
                 "next\n");
        puts_(b, "  job_recovery:\n    strategy: FAILOVER\n");
    }
    puts_(b, "run: |\n");
    puts_(b, "  # gpuplan: replace these lines with the training command. It runs on every "
             "node;\n");
    puts_(b, "  # $SKYPILOT_NODE_RANK, $SKYPILOT_NODE_IPS, $SKYPILOT_NUM_NODES and\n");
    puts_(b, "  # $SKYPILOT_NUM_GPUS_PER_NODE describe the cluster.\n");
    puts_(b, "  echo \"gpuplan: no training command in this task yet\" >&2\n");
    puts_(b, "  exit 1\n");
    return GP_OK;
}

static gp_status render_dstack(const gp_launch_names *n, const gp_plan *p, const gp_launch *w,
                               const char *name, const char *summary, buf *b, gp_error *err)
{
    const gp_offer *o = p->offer;
    if (!w->dstack_backend[0])
        return gp_fail(err, GP_ENOTFOUND, "", 0,
                       "dstack has no backend for %s (data/launch-names.csv): no launch file "
                       "written",
                       w->provider);
    char gpu[256];
    if (is_tpu_slice(o)) {
        const char *dash = strrchr(o->gpu_raw, '-');
        long cores = dash ? strtol(dash + 1, NULL, 10) : 0;
        if (!(cores >= 1 && cores <= 8))
            return gp_fail(err, GP_ENOTFOUND, "", 0,
                           "dstack supports only single-host TPUs (up to 8 cores, dstack's TPU "
                           "page); %s is not one",
                           o->gpu_raw);
        snprintf(gpu, sizeof(gpu), "%s", o->gpu_raw + 4);
    } else {
        const accel_row *a = find_accel(n, o->gpu);
        if (!a || !a->dstack[0])
            return gp_fail(err, GP_ENOTFOUND, "", 0,
                           "no dstack GPU name known for %s (data/launch-accelerators.csv)",
                           w->gpu);
        if (strcmp(a->dstack_memory, "offer") == 0 && o->gpu_mem_gb > 0)
            snprintf(gpu, sizeof(gpu), "%s:%.0fGB:%d", a->dstack, o->gpu_mem_gb,
                     w->gpus_per_instance);
        else if (a->dstack_memory[0] && strcmp(a->dstack_memory, "offer") != 0)
            snprintf(gpu, sizeof(gpu), "%s:%sGB:%d", a->dstack, a->dstack_memory,
                     w->gpus_per_instance);
        else
            snprintf(gpu, sizeof(gpu), "%s:%d", a->dstack, w->gpus_per_instance);
    }
    const name_row *r = find_name(n, w->provider);
    header(b, p, w, "dstack", "dstack 0.21.2's task reference (TaskConfiguration, ProfileParams)",
           summary);
    comment(b, "launch: dstack apply -f FILE%s",
            w->instances > 1 ? " (several nodes need a fleet with placement: cluster)" : "");
    puts_(b, "type: task\nname: ");
    put_quoted(b, name);
    putf(b, "\nnodes: %d\n", w->instances);
    puts_(b, "commands:\n");
    puts_(b, "  # gpuplan: replace with the training command. It runs on every node;\n");
    puts_(b, "  # $DSTACK_NODE_RANK, $DSTACK_NODES_NUM, $DSTACK_MASTER_NODE_IP and\n");
    puts_(b, "  # $DSTACK_GPUS_PER_NODE describe the cluster.\n");
    puts_(b, "  - ");
    put_quoted(b, "echo 'gpuplan: no training command in this task yet' >&2; exit 1");
    puts_(b, "\nresources:\n  gpu: ");
    put_quoted(b, gpu);
    puts_(b, "\n");
    if (!is_tpu_slice(o)) {
        puts_(b, "# instance type as the catalog names it: ");
        put_comment_text(b, w->instance_type);
        puts_(b, "\n");
    }
    putf(b, "spot_policy: %s\n", w->spot ? "spot" : "on-demand");
    if (isfinite(w->usd_per_instance_hour) && w->usd_per_instance_hour > 0) {
        puts_(b, "# the plan's listed price per instance-hour, rounded up to the cent\n");
        putf(b, "max_price: %.2f\n", ceil_cents(w->usd_per_instance_hour));
    }
    puts_(b, "backends:\n  - ");
    put_quoted(b, w->dstack_backend);
    puts_(b, "\n");
    if (w->region[0] && r && r->dstack_regions) {
        puts_(b, "regions:\n  - ");
        put_quoted(b, w->region);
        puts_(b, "\n");
        if (w->zone[0] && w->zone_kind == GP_ZONE_NAME) {
            puts_(b, "availability_zones:\n  - ");
            put_quoted(b, w->zone);
            puts_(b, "\n");
        } else if (w->zone[0]) {
            puts_(b, "# zone left to dstack (");
            put_comment_text(b, w->zone_kind == GP_ZONE_ID ? "an AWS zone ID: " : "");
            put_comment_text(b, w->zone);
            puts_(b, ")\n");
        }
    } else if (w->region[0]) {
        puts_(b, "# region as SkyPilot's catalog names it (dstack's names for this backend are "
                 "not checked): ");
        put_comment_text(b, w->region);
        puts_(b, "\n");
    }
    return GP_OK;
}

gp_status gp_launch_render(const gp_launch_names *names, const gp_catalog *cat,
                           const gp_plan *plan, gp_launch_format fmt, const char *job,
                           const char *summary, char **text, gp_error *err)
{
    *text = NULL;
    if (!plan || !plan->offer || plan->instances < 1)
        return gp_fail(err, GP_ENOTFOUND, "", 0, "no plan to launch");
    if (plan->offer->flags & GP_OFFER_PER_GPU_LISTING)
        return gp_fail(err, GP_ENOTFOUND, "", 0,
                       "%s %s is priced per GPU and its node size is not published: no launch "
                       "file can name its nodes",
                       plan->offer->provider, plan->offer->instance_type);
    gp_launch w;
    gp_launch_where(names, plan, &w);
    char name[64];
    task_name(name, sizeof(name), job);
    buf b = {0};
    gp_status st = fmt == GP_LAUNCH_DSTACK
                       ? render_dstack(names, plan, &w, name, summary, &b, err)
                       : render_skypilot(names, cat, plan, &w, name, summary, &b, err);
    if (st == GP_OK && b.oom)
        st = gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    if (st != GP_OK) {
        free(b.p);
        return st;
    }
    *text = b.p;
    return GP_OK;
}
