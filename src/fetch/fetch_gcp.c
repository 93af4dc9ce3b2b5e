/* GCP Cloud Billing Catalog API, Compute Engine's SKUs (with a key:
 * GCP_API_KEY, read from the environment only; docs:
 * cloud.google.com/billing/v1/how-tos/catalog-api, read 2026-12-02).
 *
 * GET <base>/v1/services/6F81-5844-456A/skus?currencyCode=USD answers
 * {"skus": [...], "nextPageToken": "..."} (up to 5,000 SKUs a page; the
 * next page is the same request with &pageToken=TOKEN; the last page has
 * no token or ""). The documentation passes the key as ?key=; we send it
 * in the X-Goog-Api-Key header instead (the header Google's API-key
 * documentation names as equivalent), so it never appears in a URL, a
 * stored source, a history row or an error message.
 *
 * Per SKU we read description, category.resourceFamily ("Compute"),
 * category.usageType ("OnDemand", "Preemptible", "Commit1Yr",
 * "Commit3Yr"; others left out), serviceRegions, and pricingInfo[]:
 * the latest effectiveTime's pricingExpression (usageUnit "h" for cores
 * and GPUs, "GiBy.h" for memory; tieredRates[].unitPrice {currencyCode,
 * units (int64, a JSON string), nanos}: the last tier is the rate).
 *
 * GCP prices most GPU VMs by parts: the machine family's per-vCPU ("A2
 * Instance Core") and per-GiB ("A2 Instance Ram") rates, plus the
 * per-GPU rate of the attached accelerator ("Nvidia Tesla A100 GPU").
 * The machine types and their vCPUs, memory and GPU count come from the
 * catalog's own GCP rows (the embedded SkyPilot snapshots' host-VM table
 * and data/gcp-machine-gpus.csv); this source gives prices only. One
 * offer per machine type and region where every part has an on-demand or
 * a preemptible price: price = vCPUs x core + GiB x ram + GPUs x gpu; the
 * Commit1Yr/Commit3Yr compositions go into notes.
 *
 * Which SKUs price which machine family (read 2026-12-02 in SkyPilot's
 * sky/catalog/data_fetchers/fetch_gcp.py at a2f08cfd1e81 and gpuhunt's
 * src/gpuhunt/providers/gcp.py at 35841515de37; facts only, the matching
 * below is ours). Descriptions are matched as whole phrases, never by a
 * loose word, so one family's SKU never prices another's machine:
 *   a2-highgpu, a2-megagpu  "A2 Instance Core/Ram" + "A100 GPU"
 *   a2-ultragpu             "A2 Instance Core/Ram" + "A100 80GB GPU"
 *   a3-highgpu, a3-edgegpu  "A3 Instance Core/Ram" + "H100 80GB GPU"
 *   a3-megagpu              "A3Plus Instance Core/Ram" (gpuhunt maps
 *                           "A3Plus Instance" to a3-megagpu) + "H100 80GB
 *                           Mega GPU" / "H100 Mega 80GB GPU" / "H100 80GB
 *                           Plus GPU" (the three spellings SkyPilot
 *                           matches; gpuhunt maps Mega and Plus alike).
 *                           SkyPilot prices its host with the A3 rates;
 *                           we do not borrow A3 High's rates: no A3Plus
 *                           SKU in a region, no price there.
 *   a3-ultragpu             "A3 Instance Core/Ram" (both fetchers take the
 *                           a3 series' rates for it) + "H200 141GB GPU"
 *   a4-highgpu              no core or RAM SKUs: "A4 Nvidia B200 (1 gpu
 *                           slice)" is per GPU and includes the VM
 *                           (SkyPilot: "The B200 GPU pricing includes the
 *                           full VM cost"; gpuhunt: price proportional to
 *                           the GPU count), price = GPUs x slice
 *   g2-standard             "G2 Instance Core/Ram" + "L4 GPU"; the
 *                           catalog has no g2-standard machine types
 *                           (vCPUs, memory, L4 count), so none is priced
 * N1 SKUs ("N1 Predefined Instance Core") never match any of these. A
 * "Spot Preemptible" description is preemptible even under usageType
 * "OnDemand" (SkyPilot notes GCP lists some B200 spot SKUs so). Custom,
 * sole-tenant, DWS/Calendar, reserved, premium and RTX Virtual
 * Workstation SKUs are left out, as both fetchers do.
 *
 * What cannot be priced is said, one message each (gp_gcp_unpriced(),
 * added as no-price diagnostics of the source, so the refresh counts them
 * as refused and `gpuplan catalog check --kind refused` lists them): a
 * machine type whose GPU has a price in a region but a core, RAM or GPU
 * SKU has neither an on-demand nor a preemptible price there (which SKUs);
 * a machine type whose GPU SKU is in no region; a family whose SKUs are
 * listed but whose machine types the catalog lacks (G2). */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/push.h"
#include "core/arena.h"
#include "core/fail.h"
#include "fetch/fetcher.h"
#include "fetch/parsers.h"

#define MAX_PAGES 200
#define SERVICE "/v1/services/6F81-5844-456A/skus"

enum { U_OD, U_SPOT, U_C1, U_C3, NUSAGE };
enum { K_CORE, K_RAM, K_GPU };

typedef struct part {
    int kind, usage;
    char name[16];      /* family ("A2") or accelerator ("A100-80GB") */
    char region[40];
    double usd;         /* per vCPU-hour, GiB-hour or GPU-hour */
} part;

/* A machine family: the catalog's type-name prefix and accelerator, the
 * core/RAM SKU family ("A3Plus"), NULL when the GPU SKU includes the VM,
 * the GPU SKU's part name (gpu_of()) and its description, for messages. */
typedef struct family {
    const char *prefix, *catalog_gpu, *core_ram, *gpu_part, *gpu_sku;
} family;

static const family FAMILIES[] = {
    {"a2-highgpu-", "A100", "A2", "A100", "A100 GPU"},
    {"a2-megagpu-", "A100", "A2", "A100", "A100 GPU"},
    {"a2-ultragpu-", "A100-80GB", "A2", "A100-80GB", "A100 80GB GPU"},
    {"a3-highgpu-", "H100", "A3", "H100", "H100 80GB GPU"},
    {"a3-edgegpu-", "H100", "A3", "H100", "H100 80GB GPU"},
    /* the catalog names A3 Mega's GPU H100 (src/catalog/accel_name.c
     * reads "mega" as a form factor of the H100) */
    {"a3-megagpu-", "H100", "A3Plus", "H100-MEGA", "H100 80GB Mega/Plus GPU"},
    {"a3-ultragpu-", "H200", "A3", "H200", "H200 141GB GPU"},
    {"a4-highgpu-", "B200", NULL, "B200-SLICE", "Nvidia B200 (1 gpu slice)"},
    {"g2-standard-", "L4", "G2", "L4", "L4 GPU"},
};
#define NFAMILIES (sizeof(FAMILIES) / sizeof(*FAMILIES))

typedef struct machine {
    const gp_offer *spec;
    const family *fam;
} machine;

struct gp_gcp {
    machine *m;
    size_t nm;
    part *parts;
    size_t n, cap;
    size_t skus;        /* SKUs seen on all pages */
    char effective[16];
    char **unpriced;    /* what gp_gcp_csv() could not price, and why */
    size_t nunpriced, unpriced_cap;
};
typedef struct gp_gcp gcp;

static const family *family_of(const char *type, const char *gpu)
{
    for (size_t i = 0; i < NFAMILIES; i++)
        if (strncmp(type, FAMILIES[i].prefix, strlen(FAMILIES[i].prefix)) == 0)
            return strcmp(gpu, FAMILIES[i].catalog_gpu) == 0 ? &FAMILIES[i] : NULL;
    return NULL;
}

gp_status gp_gcp_new(gp_gcp **out, const gp_catalog *specs, gp_error *err)
{
    *out = NULL;
    gcp *g = calloc(1, sizeof(*g));
    size_t n = specs ? gp_catalog_offer_count(specs) : 0;
    const gp_offer *o = specs ? gp_catalog_offers(specs) : NULL;
    if (g)
        g->m = calloc(n ? n : 1, sizeof(*g->m));
    if (!g || !g->m) {
        free(g);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const family *fam = family_of(o[i].instance_type, o[i].gpu);
        if (strcmp(o[i].provider, "gcp") != 0 || !fam || !(o[i].gpu_count > 0) ||
            !(o[i].vcpus > 0) || !(o[i].ram_gb > 0) || !o[i].gpu[0])
            continue;
        int dup = 0;
        for (size_t j = 0; j < g->nm && !dup; j++)
            dup = strcmp(g->m[j].spec->instance_type, o[i].instance_type) == 0;
        if (!dup)
            g->m[g->nm++] = (machine){&o[i], fam};
    }
    *out = g;
    return GP_OK;
}

void gp_gcp_free(gp_gcp *g)
{
    if (!g)
        return;
    free(g->m);
    free(g->parts);
    for (size_t i = 0; i < g->nunpriced; i++)
        free(g->unpriced[i]);
    free(g->unpriced);
    free(g);
}

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* The GPU part a GPU SKU's description names, or NULL for one we do not
 * price. Whole phrases ("H100 80GB GPU" is not in "H100 80GB Mega GPU"),
 * so a Mega, Plus or 80GB SKU never prices the plain model's machines. */
static const char *gpu_of(const char *d)
{
    static const char *const PHRASE[][2] = {
        {"Nvidia B200 (1 gpu slice)", "B200-SLICE"},
        {"H100 80GB Mega GPU", "H100-MEGA"},
        {"H100 Mega 80GB GPU", "H100-MEGA"},
        {"H100 80GB Plus GPU", "H100-MEGA"},
        {"H100 80GB GPU", "H100"},
        {"H200 141GB GPU", "H200"},
        {"A100 80GB GPU", "A100-80GB"},
        {"A100 GPU", "A100"},
        {"L4 GPU", "L4"},
    };
    for (size_t i = 0; i < sizeof(PHRASE) / sizeof(*PHRASE); i++) {
        const char *p = strstr(d, PHRASE[i][0]);
        /* the phrase starts a word ("Nvidia L4 GPU", not "XL4 GPU") */
        if (p && (p == d || p[-1] == ' '))
            return PHRASE[i][1];
    }
    return NULL;
}

/* A core or RAM SKU of a family we price: `d` (prefixes removed) is
 * "<FAM> Instance Core|Ram ..." or, for commitments, "<FAM> Cpu|Ram ...";
 * *kind and the family's name, or NULL ("N1 Predefined Instance Core",
 * "A3 Ultra ...", "A2 Custom Instance Core" are not). */
static const char *core_ram_of(const char *d, int *kind)
{
    static const char *const FAM[] = {"A2", "A3", "A3Plus", "G2"};
    static const struct {
        const char *word;
        int kind;
    } WHAT[] = {{"Instance Core", K_CORE}, {"Instance Ram", K_RAM}, {"Cpu", K_CORE},
                {"Ram", K_RAM}};
    for (size_t i = 0; i < sizeof(FAM) / sizeof(*FAM); i++) {
        size_t n = strlen(FAM[i]);
        if (strncmp(d, FAM[i], n) != 0 || d[n] != ' ')
            continue;
        for (size_t w = 0; w < sizeof(WHAT) / sizeof(*WHAT); w++) {
            size_t m = strlen(WHAT[w].word);
            const char *r = d + n + 1;
            if (strncmp(r, WHAT[w].word, m) == 0 && (r[m] == ' ' || r[m] == '\0')) {
                *kind = WHAT[w].kind;
                return FAM[i];
            }
        }
    }
    return NULL;
}

static int usage_of(const char *u)
{
    static const char *const N[NUSAGE] = {"OnDemand", "Preemptible", "Commit1Yr",
                                          "Commit3Yr"};
    for (int i = 0; i < NUSAGE; i++)
        if (strcmp(u, N[i]) == 0)
            return i;
    return -1;
}

/* units (int64 as a JSON string, or a number) + nanos / 1e9. */
static int money(json_t *up, double *usd)
{
    json_t *u = json_object_get(up, "units"), *n = json_object_get(up, "nanos");
    double units = 0, nanos = 0;
    if (json_is_string(u)) {
        char *end;
        units = strtod(json_string_value(u), &end);
        if (end == json_string_value(u) || *end)
            return -1;
    } else if (json_is_number(u)) {
        units = json_number_value(u);
    } else if (u) {
        return -1;
    }
    if (json_is_number(n))
        nanos = json_number_value(n);
    else if (n)
        return -1;
    *usd = units + nanos / 1e9;
    return isfinite(*usd) ? 0 : -1;
}

static gp_status add_part(gcp *g, int kind, int usage, const char *name,
                          const char *region, double usd)
{
    for (size_t i = 0; i < g->n; i++) {
        part *p = &g->parts[i];
        if (p->kind == kind && p->usage == usage && strcmp(p->name, name) == 0 &&
            strcmp(p->region, region) == 0) {
            if (usd < p->usd)
                p->usd = usd;
            return GP_OK;
        }
    }
    if (gp_grow((void **)&g->parts, &g->cap, g->n, sizeof(*g->parts)) != 0)
        return GP_ENOMEM;
    part *p = &g->parts[g->n++];
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    p->usage = usage;
    snprintf(p->name, sizeof(p->name), "%s", name);
    snprintf(p->region, sizeof(p->region), "%s", region);
    p->usd = usd;
    return GP_OK;
}

static gp_status sku(gcp *g, json_t *s, const char *url, gp_error *err)
{
    if (!json_is_object(s))
        return gp_fail(err, GP_EDATA, url, 0, "an item of skus is not an object");
    g->skus++;
    const char *desc = str(s, "description");
    json_t *cat = json_object_get(s, "category");
    if (strcmp(str(cat, "resourceFamily"), "Compute") != 0)
        return GP_OK;
    int usage = usage_of(str(cat, "usageType"));
    if (usage < 0)
        return GP_OK;
    /* Variants priced apart from a plain VM of the family. */
    static const char *const SKIP[] = {"Custom",   "Sole Tenancy", "DWS",
                                       "Calendar", "Reserved",     "Extended",
                                       "Premium",  "suspended",    "Virtual Workstation"};
    for (size_t i = 0; i < sizeof(SKIP) / sizeof(*SKIP); i++)
        if (strstr(desc, SKIP[i]))
            return GP_OK;
    const char *d = desc;
    if (strncmp(d, "Commitment v1: ", 15) == 0)
        d += 15;
    if (strncasecmp(d, "Spot Preemptible ", 17) == 0) {
        d += 17;
        /* SkyPilot's fetcher: some B200 spot SKUs say usageType OnDemand */
        if (usage == U_OD)
            usage = U_SPOT;
    }
    int kind = K_GPU;
    const char *name;
    if (strstr(d, "GPU") || strstr(d, "gpu slice"))
        name = gpu_of(d);
    else
        name = core_ram_of(d, &kind);
    if (!name)
        return GP_OK;
    json_t *pis = json_object_get(s, "pricingInfo");
    json_t *best = NULL;
    const char *best_time = "";
    size_t i;
    json_t *pi;
    if (json_is_array(pis))
        json_array_foreach(pis, i, pi)
        {
            const char *t = str(pi, "effectiveTime");
            if (!best || strcmp(t, best_time) > 0) {
                best = pi;
                best_time = t;
            }
        }
    json_t *pe = json_object_get(best, "pricingExpression");
    const char *unit = str(pe, "usageUnit");
    if (strcmp(unit, kind == K_RAM ? "GiBy.h" : "h") != 0)
        return GP_OK;
    json_t *tiers = json_object_get(pe, "tieredRates");
    if (!json_is_array(tiers) || json_array_size(tiers) == 0)
        return gp_fail(err, GP_EDATA, url, 0, "SKU \"%s\": no tieredRates", desc);
    json_t *up = json_object_get(json_array_get(tiers, json_array_size(tiers) - 1),
                                 "unitPrice");
    double usd;
    if (!json_is_object(up) || money(up, &usd) != 0)
        return gp_fail(err, GP_EDATA, url, 0, "SKU \"%s\": unreadable unitPrice", desc);
    const char *cur = str(up, "currencyCode");
    if (*cur && strcmp(cur, "USD") != 0)
        return GP_OK;
    if (usd < 0)
        return gp_fail(err, GP_EDATA, url, 0, "SKU \"%s\": negative unitPrice", desc);
    char eff[16];
    gp_fetch_date(best_time, eff, sizeof(eff));
    if (eff[0] && strcmp(eff, g->effective) > 0)
        snprintf(g->effective, sizeof(g->effective), "%s", eff);
    json_t *regs = json_object_get(s, "serviceRegions");
    json_t *r;
    if (json_is_array(regs))
        json_array_foreach(regs, i, r)
        {
            if (!json_is_string(r) || !*json_string_value(r))
                continue;
            if (add_part(g, kind, usage, name, json_string_value(r), usd) != GP_OK)
                return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        }
    return GP_OK;
}

gp_status gp_gcp_page(gp_gcp *g, const char *url, const char *body, size_t len,
                      char *token, size_t cap, gp_error *err)
{
    token[0] = '\0';
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je);
    if (!root)
        return gp_fail(err, GP_EDATA, url, je.line,
                       "not a whole JSON document (%s): truncated, or not the "
                       "Cloud Billing Catalog API",
                       je.text);
    gp_status st = GP_OK;
    json_t *skus = json_object_get(root, "skus");
    if (skus && !json_is_array(skus)) {
        st = gp_fail(err, GP_EDATA, url, 0, "\"skus\" is not an array");
        goto out;
    }
    size_t i;
    json_t *s;
    if (skus)
        json_array_foreach(skus, i, s)
        {
            if ((st = sku(g, s, url, err)) != GP_OK)
                goto out;
        }
    json_t *nt = json_object_get(root, "nextPageToken");
    if (json_is_string(nt) && json_string_length(nt) > 0 &&
        (size_t)snprintf(token, cap, "%s", json_string_value(nt)) >= cap)
        st = gp_fail(err, GP_EDATA, url, 0, "nextPageToken too long");
out:
    json_decref(root);
    return st;
}

static const part *find(const gcp *g, int kind, int usage, const char *name,
                        const char *region)
{
    for (size_t i = 0; i < g->n; i++) {
        const part *p = &g->parts[i];
        if (p->kind == kind && p->usage == usage && strcmp(p->name, name) == 0 &&
            strcmp(p->region, region) == 0)
            return p;
    }
    return NULL;
}

/* The machine's hourly price under `usage` in `region`, NAN when a part
 * has no price there. */
static double compose(const gcp *g, const machine *m, int usage, const char *region,
                      const part **c, const part **r, const part **a)
{
    *a = find(g, K_GPU, usage, m->fam->gpu_part, region);
    if (!m->fam->core_ram) { /* the GPU SKU includes the VM (A4) */
        *c = *r = NULL;
        return *a ? m->spec->gpu_count * (*a)->usd : NAN;
    }
    *c = find(g, K_CORE, usage, m->fam->core_ram, region);
    *r = find(g, K_RAM, usage, m->fam->core_ram, region);
    if (!*c || !*r || !*a)
        return NAN;
    return m->spec->vcpus * (*c)->usd + m->spec->ram_gb * (*r)->usd +
           m->spec->gpu_count * (*a)->usd;
}

static void csv_num(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.10g", v);
}

static void note(char *notes, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(char *notes, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(notes);
    if (n >= cap)
        return;
    if (n && n + 2 < cap) {
        memcpy(notes + n, "; ", 3);
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes + n, cap - n, fmt, ap);
    va_end(ap);
}

static int unpriced(gcp *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int unpriced(gcp *g, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    char *m = strdup(buf);
    if (!m || gp_grow((void **)&g->unpriced, &g->unpriced_cap, g->nunpriced,
                      sizeof(*g->unpriced)) != 0) {
        free(m);
        return -1;
    }
    g->unpriced[g->nunpriced++] = m;
    return 0;
}

/* "A3Plus Instance Core" / "A3Plus Instance Ram" / the GPU SKU's words. */
static const char *part_words(const family *fm, int kind, char *buf, size_t cap)
{
    if (kind == K_GPU)
        return fm->gpu_sku;
    snprintf(buf, cap, "%s Instance %s", fm->core_ram, kind == K_CORE ? "Core" : "Ram");
    return buf;
}

static int any_part(const gcp *g, int kind, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->parts[i].kind == kind && g->parts[i].usage <= U_SPOT &&
            strcmp(g->parts[i].name, name) == 0)
            return 1;
    return 0;
}

/* What could not be priced: the machine types of `specs` whose GPU has no
 * SKU in any region, and the families whose SKUs are listed but whose
 * machine types the catalog does not have (G2). */
static int unpriced_families(gcp *g)
{
    char w[64];
    for (size_t mi = 0; mi < g->nm; mi++) {
        const machine *m = &g->m[mi];
        if (!any_part(g, K_GPU, m->fam->gpu_part) &&
            unpriced(g,
                     "gcp %s: not priced: no \"%s\" SKU with an on-demand or "
                     "preemptible price in any region",
                     m->spec->instance_type, m->fam->gpu_sku) != 0)
            return -1;
    }
    for (size_t i = 0; i < NFAMILIES; i++) {
        const family *fm = &FAMILIES[i];
        int have = 0;
        for (size_t mi = 0; mi < g->nm && !have; mi++)
            have = g->m[mi].fam == fm;
        int listed = any_part(g, K_GPU, fm->gpu_part) ||
                     (fm->core_ram && any_part(g, K_CORE, fm->core_ram));
        if (!have && listed &&
            unpriced(g,
                     "gcp %s*: not priced: the Cloud Billing Catalog lists its SKUs "
                     "(%s%s%s\"%s\"), but gpuplan's catalog has no %s* machine types "
                     "(vCPUs, memory, GPU count) to price",
                     fm->prefix, fm->core_ram ? "\"" : "",
                     fm->core_ram ? part_words(fm, K_CORE, w, sizeof(w)) : "",
                     fm->core_ram ? "\" and Ram, " : "", fm->gpu_sku, fm->prefix) != 0)
            return -1;
    }
    return 0;
}

size_t gp_gcp_unpriced_count(const gp_gcp *g)
{
    return g->nunpriced;
}

const char *gp_gcp_unpriced(const gp_gcp *g, size_t i)
{
    return i < g->nunpriced ? g->unpriced[i] : NULL;
}

gp_status gp_gcp_csv(gp_gcp *g, const char *source, char **out, size_t *len,
                     char *effective, size_t ecap, gp_error *err)
{
    for (size_t i = 0; i < g->nunpriced; i++)
        free(g->unpriced[i]);
    g->nunpriced = 0;
    *out = NULL;
    *len = 0;
    snprintf(effective, ecap, "%s", g->effective);
    if (g->skus == 0)
        return gp_fail(err, GP_EDATA, source, 0,
                       "the Cloud Billing Catalog listed no SKUs for Compute "
                       "Engine: a broken answer, not \"no offers\"");
    FILE *f = open_memstream(out, len);
    if (!f)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    fputs("provider,instance_type,region,gpu,gpu_count,gpu_mem_gb,vcpus,ram_gb,"
          "usd_per_hour,spot_usd_per_hour,source,as_of,notes\n", f);
    for (size_t mi = 0; mi < g->nm; mi++) {
        const machine *m = &g->m[mi];
        /* the regions where the machine's GPU has an on-demand or
         * preemptible price, each once */
        for (size_t pi = 0; pi < g->n; pi++) {
            const part *gp = &g->parts[pi];
            if (gp->kind != K_GPU || gp->usage > U_SPOT ||
                strcmp(gp->name, m->fam->gpu_part) != 0)
                continue;
            int seen = 0;
            for (size_t q = 0; q < pi && !seen; q++)
                seen = g->parts[q].kind == K_GPU && g->parts[q].usage <= U_SPOT &&
                       strcmp(g->parts[q].name, gp->name) == 0 &&
                       strcmp(g->parts[q].region, gp->region) == 0;
            if (seen)
                continue;
            const char *region = gp->region;
            const part *c, *r, *a;
            double price[NUSAGE];
            char notes[600] = "";
            for (int u = 0; u < NUSAGE; u++) {
                price[u] = compose(g, m, u, region, &c, &r, &a);
                if (u > U_SPOT || isnan(price[u]) || (u == U_SPOT && !isnan(price[U_OD])))
                    continue;
                const char *what = u == U_OD ? "price" : "preemptible price";
                if (c)
                    note(notes, sizeof(notes),
                         "%s = %g vCPU x $%.6f + %g GiB x $%.6f + %g x %s "
                         "$%.6f (Compute Engine SKUs: %s Instance Core, Ram)",
                         what, m->spec->vcpus, c->usd, m->spec->ram_gb, r->usd,
                         m->spec->gpu_count, m->fam->gpu_part, a->usd, m->fam->core_ram);
                else
                    note(notes, sizeof(notes),
                         "%s = %g x $%.6f (Compute Engine SKU Nvidia B200 (1 gpu "
                         "slice), per GPU, vCPUs and memory included)",
                         what, m->spec->gpu_count, a->usd);
            }
            if (isnan(price[U_OD]) && isnan(price[U_SPOT])) {
                /* the GPU is priced here but the machine is not: no row;
                 * the refresh lists it as refused, saying what is missing */
                char miss[200] = "", w[64];
                for (int k = K_CORE; k <= K_GPU; k++) {
                    const char *nm = k == K_GPU ? m->fam->gpu_part : m->fam->core_ram;
                    if (!nm || find(g, k, U_OD, nm, region) || find(g, k, U_SPOT, nm, region))
                        continue;
                    size_t n = strlen(miss);
                    snprintf(miss + n, sizeof(miss) - n, "%s\"%s\"", n ? ", " : "",
                             part_words(m->fam, k, w, sizeof(w)));
                }
                int st = miss[0] ? unpriced(g,
                                            "gcp %s %s: not priced: no %s SKU with an "
                                            "on-demand or preemptible price there",
                                            m->spec->instance_type, region, miss)
                                 : unpriced(g,
                                            "gcp %s %s: not priced: its parts have "
                                            "on-demand and preemptible prices, but "
                                            "not all of one kind",
                                            m->spec->instance_type, region);
                if (st != 0) {
                    fclose(f);
                    free(*out);
                    *out = NULL;
                    return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
                }
                continue;
            }
            /* gpuhunt drops these on-demand offers as not sold on demand,
             * citing GCP's consumption-option table (accelerator-optimized
             * machines, #consumption_option_availability_by_machine_type) */
            if (!isnan(price[U_OD]) &&
                (!m->fam->core_ram || strcmp(m->fam->prefix, "a3-ultragpu-") == 0 ||
                 (strcmp(m->fam->prefix, "a3-highgpu-") == 0 && m->spec->gpu_count < 8)))
                note(notes, sizeof(notes),
                     "GCP may not sell this machine type on demand (gpuhunt, from "
                     "GCP's consumption-option table): the on-demand price is the "
                     "API's");
            if (!isnan(price[U_C1]))
                note(notes, sizeof(notes), "commitment 1y $%.4f/h", price[U_C1]);
            if (!isnan(price[U_C3]))
                note(notes, sizeof(notes), "commitment 3y $%.4f/h", price[U_C3]);
            fprintf(f, "gcp,%s,%s,%s", m->spec->instance_type, region, m->spec->gpu);
            csv_num(f, m->spec->gpu_count);
            csv_num(f, m->spec->gpu_mem_gb);
            csv_num(f, m->spec->vcpus);
            csv_num(f, m->spec->ram_gb);
            /* no on-demand part: 0, a spot-only offer */
            csv_num(f, isnan(price[U_OD]) ? 0 : price[U_OD]);
            csv_num(f, price[U_SPOT]);
            fprintf(f, ",\"%s\",%s,\"%s\"\n", source, g->effective, notes);
        }
    }
    if (fclose(f) != 0 || unpriced_families(g) != 0) {
        free(*out);
        *out = NULL;
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    return GP_OK;
}

/* pageToken, percent-encoded (unreserved characters kept). */
static int encode(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        int plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || strchr("-._~", ch);
        if (n + 4 >= cap)
            return -1;
        if (plain)
            out[n++] = (char)ch;
        else
            n += (size_t)snprintf(out + n, cap - n, "%%%02X", ch);
    }
    out[n] = '\0';
    return 0;
}

static gp_status fetch(gp_fetch_ctx *ctx, gp_error *err)
{
    if (gp_url_rebase(ctx->base, "", SERVICE "?currencyCode=USD", ctx->first_url,
                      sizeof(ctx->first_url)) != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "endpoint too long: %s", ctx->base);
    char hdr[600];
    gp_status kst =
        gp_fetch_key_header(ctx, "X-Goog-Api-Key: ", "GCP_API_KEY", hdr, sizeof(hdr), err);
    if (kst != GP_OK)
        return kst;
    const char *headers[] = {hdr, NULL};
    gcp *g = NULL;
    gp_status st = gp_gcp_new(&g, ctx->specs, err);
    if (st != GP_OK)
        return st;
    char url[4096], token[2048], prev[2048] = "", enc[3 * 2048 + 1];
    snprintf(url, sizeof(url), "%s", ctx->first_url);
    for (int page = 0; st == GP_OK; page++) {
        if (page >= MAX_PAGES) {
            st = gp_fail(err, GP_EDATA, url, 0, "more than %d pages", MAX_PAGES);
            break;
        }
        gp_http_response r;
        st = gp_http_get(ctx->http, url, headers, &r, err);
        if (st != GP_OK)
            break;
        st = gp_gcp_page(g, url, r.body, r.len, token, sizeof(token), err);
        gp_http_response_free(&r);
        if (st != GP_OK || !token[0])
            break;
        if (strcmp(token, prev) == 0) {
            st = gp_fail(err, GP_EDATA, url, 0, "nextPageToken repeats");
            break;
        }
        snprintf(prev, sizeof(prev), "%s", token);
        if (encode(token, enc, sizeof(enc)) != 0 ||
            (size_t)snprintf(url, sizeof(url), "%s&pageToken=%s", ctx->first_url,
                             enc) >= sizeof(url)) {
            st = gp_fail(err, GP_EDATA, url, 0, "nextPageToken too long");
            break;
        }
    }
    char *csv = NULL;
    size_t len = 0;
    if (st == GP_OK)
        st = gp_gcp_csv(g, ctx->first_url, &csv, &len, ctx->effective,
                        sizeof(ctx->effective), err);
    if (st == GP_OK)
        st = gp_fetch_add_rows(ctx, csv, len, err);
    /* what could not be priced, as no-price diagnostics of this source:
     * the refresh lists them as refused (`catalog check --kind refused`) */
    size_t nsrc = gp_catalog_source_count(ctx->cat);
    for (size_t i = 0; st == GP_OK && nsrc > 0 && i < gp_gcp_unpriced_count(g); i++)
        if (gp_catalog_diag_add(ctx->cat, GP_DIAG_NO_PRICE, (unsigned)(nsrc - 1), 0, "%s",
                                gp_gcp_unpriced(g, i)) != GP_OK)
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    free(csv);
    gp_gcp_free(g);
    return st;
}

static const char *const PROVIDERS[] = {"gcp", NULL};

const gp_fetcher gp_fetcher_gcp = {
    "gcp",
    "https://cloudbilling.googleapis.com",
    "GCP_API_KEY",
    PROVIDERS,
    "Google Cloud Billing Catalog API, with the user's own API key (Google APIs "
    "Terms of Service)",
    1,
    0,
    fetch,
};
