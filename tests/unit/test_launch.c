/* Launch files (issue 9, section 6): the SkyPilot and dstack task YAML for
 * a plan, parsed back with libyaml (a real YAML parser, Debian libyaml-dev)
 * and checked field by field against the plan: num_nodes/nodes = instances,
 * accelerators/gpu = NAME:GPUs per instance, use_spot/spot_policy = the
 * term, infra = cloud/region/zone, instance_type, max_price = the listed
 * price per instance-hour rounded up to the cent, backends, regions. Names
 * with colons, quotes, backslashes, line breaks and bytes that are not
 * UTF-8 must still give valid YAML holding the same strings. */
#include "test_util.h"

#include <yaml.h>

#include "gpuplan/launch.h"
#include "gpuplan/plan.h"

typedef struct fixture {
    gp_catalog *embedded;
    gp_terms *terms;
    gp_model_table *models;
    gp_launch_names *names;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    gp_error err;
    if (!f || gp_catalog_new(&f->embedded, &err) != GP_OK ||
        gp_catalog_add_embedded(f->embedded, &err) != GP_OK ||
        gp_catalog_check(f->embedded, &err) != GP_OK ||
        gp_terms_load_default(&f->terms, &err) != GP_OK ||
        gp_model_table_load_default(&f->models, &err) != GP_OK ||
        gp_launch_names_load_default(&f->names, &err) != GP_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gp_catalog_free(f->embedded);
    gp_terms_free(f->terms);
    gp_model_table_free(f->models);
    gp_launch_names_free(f->names);
    free(f);
    return 0;
}

/* ---- a parsed YAML document and lookups by path --------------------------- */

typedef struct doc {
    yaml_document_t d;
    int ok;
} doc;

static void parse(doc *out, const char *text)
{
    yaml_parser_t p;
    memset(out, 0, sizeof(*out));
    assert_true(yaml_parser_initialize(&p));
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    out->ok = yaml_parser_load(&p, &out->d);
    if (!out->ok || !yaml_document_get_root_node(&out->d))
        fail_msg("not valid YAML (%s, line %zu):\n%s", p.problem ? p.problem : "?",
                 p.problem_mark.line + 1, text);
    /* One document only. */
    yaml_document_t next;
    assert_true(yaml_parser_load(&p, &next));
    assert_null(yaml_document_get_root_node(&next));
    yaml_document_delete(&next);
    yaml_parser_delete(&p);
}

static void doc_free(doc *d)
{
    if (d->ok)
        yaml_document_delete(&d->d);
}

/* The node at a dotted path of mapping keys ("resources.gpu"); a numeric
 * segment indexes a sequence ("backends.0"). NULL when absent. */
static yaml_node_t *at(doc *d, const char *path)
{
    yaml_node_t *n = yaml_document_get_root_node(&d->d);
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *seg = strtok(buf, "."); seg && n; seg = strtok(NULL, ".")) {
        if (n->type == YAML_SEQUENCE_NODE) {
            long i = strtol(seg, NULL, 10);
            yaml_node_item_t *it = n->data.sequence.items.start + i;
            n = it < n->data.sequence.items.top ? yaml_document_get_node(&d->d, *it) : NULL;
            continue;
        }
        if (n->type != YAML_MAPPING_NODE)
            return NULL;
        yaml_node_t *found = NULL;
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            yaml_node_t *k = yaml_document_get_node(&d->d, p->key);
            if (k->type == YAML_SCALAR_NODE &&
                strlen(seg) == k->data.scalar.length &&
                memcmp(k->data.scalar.value, seg, k->data.scalar.length) == 0)
                found = yaml_document_get_node(&d->d, p->value);
        }
        n = found;
    }
    return n;
}

static const char *scalar(doc *d, const char *path)
{
    yaml_node_t *n = at(d, path);
    if (!n)
        fail_msg("no %s", path);
    if (n->type != YAML_SCALAR_NODE)
        fail_msg("%s is not a scalar", path);
    return (const char *)n->data.scalar.value;
}

static long integer(doc *d, const char *path)
{
    const char *s = scalar(d, path);
    char *end;
    long v = strtol(s, &end, 10);
    if (*end)
        fail_msg("%s = '%s' is not an integer", path, s);
    return v;
}

/* ---- plans ----------------------------------------------------------------- */

static gp_plan_result plan(fixture *f, const gp_catalog *cat, const char *model, double tokens,
                           gp_allow spot, gp_capacity_rank capacity)
{
    gp_plan_request r;
    gp_plan_request_init(&r);
    r.job.model = gp_model_find(f->models, model);
    assert_non_null(r.job.model);
    r.job.tokens = tokens;
    r.deadline_hours = 30 * 24;
    r.trials = 300;
    r.spot = spot;
    r.capacity = capacity;
    gp_plan_result res;
    gp_error err;
    if (gp_plan_run(cat, f->terms, &r, &res, &err) != GP_OK)
        fail_msg("plan failed: %s", err.message);
    assert_true(res.nplans > 0);
    return res;
}

static char *render(fixture *f, const gp_catalog *cat, const gp_plan *p, gp_launch_format fmt,
                    gp_status want)
{
    char *text = NULL;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_launch_render(f->names, cat, p, fmt, "llama-3-70b", "test", &text, &err);
    if (st != want)
        fail_msg("render %s for %s %s: status %d (%s), expected %d", gp_launch_format_name(fmt),
                 p->offer->provider, p->offer->instance_type, (int)st, err.message, (int)want);
    if (st != GP_OK)
        assert_null(text);
    return text;
}

static int from_skypilot(const gp_catalog *cat, const gp_offer *o)
{
    const gp_source *s = gp_catalog_source(cat, o->source_index);
    return strcmp(s->format, "skypilot") == 0;
}

/* Every field of the SkyPilot task against the plan. */
static void check_skypilot(const gp_catalog *cat, const gp_plan *p, const gp_launch *w,
                           const char *text)
{
    doc d;
    parse(&d, text);
    assert_int_equal(integer(&d, "num_nodes"), p->instances);
    char infra[512];
    int zone = w->zone[0] && w->zone_kind == GP_ZONE_NAME;
    snprintf(infra, sizeof(infra), "%s%s%s%s%s", w->skypilot_cloud, w->region[0] ? "/" : "",
             w->region, zone ? "/" : "", zone ? w->zone : "");
    assert_string_equal(scalar(&d, "resources.infra"), infra);
    const char *acc = scalar(&d, "resources.accelerators");
    int tpu = strncmp(p->offer->gpu_raw, "tpu-", 4) == 0;
    char want[256];
    if (tpu)
        snprintf(want, sizeof(want), "%s", p->offer->gpu_raw); /* one slice */
    else if (from_skypilot(cat, p->offer))
        snprintf(want, sizeof(want), "%s:%d", p->offer->gpu_raw, p->gpus / p->instances);
    else
        snprintf(want, sizeof(want), "%s", acc); /* name from the tables; count below */
    assert_string_equal(acc, want);
    if (!tpu) {
        const char *colon = strrchr(acc, ':');
        assert_non_null(colon);
        assert_int_equal(strtol(colon + 1, NULL, 10), p->gpus / p->instances);
    }
    if (from_skypilot(cat, p->offer) && !tpu)
        assert_string_equal(scalar(&d, "resources.instance_type"), p->offer->instance_type);
    else
        assert_null(at(&d, "resources.instance_type"));
    int spot = p->term == GP_TERM_SPOT;
    assert_string_equal(scalar(&d, "resources.use_spot"), spot ? "true" : "false");
    if (spot)
        assert_string_equal(scalar(&d, "resources.job_recovery.strategy"), "FAILOVER");
    else
        assert_null(at(&d, "resources.job_recovery"));
    assert_non_null(strstr(scalar(&d, "run"), "exit 1")); /* a placeholder, not a no-op */
    assert_non_null(at(&d, "name"));
    doc_free(&d);
}

static void check_dstack(const gp_plan *p, const gp_launch *w, const char *text)
{
    doc d;
    parse(&d, text);
    assert_string_equal(scalar(&d, "type"), "task");
    assert_int_equal(integer(&d, "nodes"), p->instances);
    const char *gpu = scalar(&d, "resources.gpu");
    if (strncmp(p->offer->gpu_raw, "tpu-", 4) == 0) {
        assert_string_equal(gpu, p->offer->gpu_raw + 4);
    } else {
        const char *colon = strrchr(gpu, ':');
        assert_non_null(colon);
        assert_int_equal(strtol(colon + 1, NULL, 10), p->gpus / p->instances);
    }
    int spot = p->term == GP_TERM_SPOT;
    assert_string_equal(scalar(&d, "spot_policy"), spot ? "spot" : "on-demand");
    double listed = spot ? p->offer->spot_usd_per_hour : p->offer->usd_per_hour;
    double max_price = strtod(scalar(&d, "max_price"), NULL);
    assert_close(max_price, ceil(listed * 100 - 1e-6) / 100, 1e-12);
    assert_true(max_price >= listed - 1e-9 && max_price < listed + 0.01);
    assert_string_equal(scalar(&d, "backends.0"), w->dstack_backend);
    if (at(&d, "regions"))
        assert_string_equal(scalar(&d, "regions.0"), w->region);
    if (at(&d, "availability_zones"))
        assert_string_equal(scalar(&d, "availability_zones.0"), w->zone);
    assert_non_null(at(&d, "commands.0"));
    doc_free(&d);
}

/* Renders both files for up to `most` plans of a run and checks every
 * field; returns how many files were checked. Plans a tool cannot launch
 * must fail cleanly. */
static int check_run(fixture *f, const gp_catalog *cat, const gp_plan_result *res, size_t most)
{
    int files = 0;
    for (size_t i = 0; i < res->nplans && i < most; i++) {
        const gp_plan *p = &res->plans[i];
        gp_launch w;
        gp_launch_where(f->names, p, &w);
        assert_int_equal(w.instances, p->instances);
        assert_string_equal(w.region, p->term_region ? p->term_region : p->offer->region);
        int per_gpu = (p->offer->flags & GP_OFFER_PER_GPU_LISTING) != 0;
        char *t = render(f, cat, p, GP_LAUNCH_SKYPILOT,
                         w.skypilot_cloud[0] && !per_gpu ? GP_OK : GP_ENOTFOUND);
        if (t) {
            check_skypilot(cat, p, &w, t);
            files++;
        }
        free(t);
        int tpu_multi = strncmp(p->offer->gpu_raw, "tpu-", 4) == 0 &&
                        strtol(strrchr(p->offer->gpu_raw, '-') + 1, NULL, 10) > 8;
        /* dstack names only the accelerators gpuhunt knows (no Trainium):
         * those fail with a message naming the accelerator. */
        int known = 1;
        if (w.dstack_backend[0] && !per_gpu && !tpu_multi) {
            gp_error err;
            gp_error_clear(&err);
            char *probe = NULL;
            gp_status st = gp_launch_render(f->names, cat, p, GP_LAUNCH_DSTACK, "x", NULL,
                                            &probe, &err);
            free(probe);
            known = st == GP_OK;
            if (!known)
                assert_non_null(strstr(err.message, "no dstack GPU name known for"));
        }
        t = render(f, cat, p, GP_LAUNCH_DSTACK,
                   w.dstack_backend[0] && !per_gpu && !tpu_multi && known ? GP_OK
                                                                          : GP_ENOTFOUND);
        if (t) {
            check_dstack(p, &w, t);
            files++;
        }
        free(t);
    }
    return files;
}

/* The README's job, its default ranking (lambda, aws, gcp TPU slices,
 * reserved terms), and with spot and every capacity status. */
static void embedded_plans(void **state)
{
    fixture *f = *state;
    gp_plan_result res = plan(f, f->embedded, "llama-3-70b", 1.4e12, GP_ALLOW_YES,
                              GP_CAPACITY_RANK_KNOWN);
    assert_true(check_run(f, f->embedded, &res, 25) >= 20);
    gp_plan_result_free(&res);
    res = plan(f, f->embedded, "llama-3-70b", 1.4e12, GP_ALLOW_ONLY, GP_CAPACITY_RANK_ANY);
    assert_true(check_run(f, f->embedded, &res, 30) >= 20);
    gp_plan_result_free(&res);
    res = plan(f, f->embedded, "llama-2-7b", 2e12, GP_ALLOW_YES, GP_CAPACITY_RANK_ANY);
    assert_true(check_run(f, f->embedded, &res, 60) >= 40);
    gp_plan_result_free(&res);
}

static gp_catalog *catalog(const char *csv)
{
    gp_catalog *cat;
    gp_error err;
    assert_int_equal(gp_catalog_new(&cat, &err), GP_OK);
    if (gp_catalog_add_gpuplan_buffer(cat, "t.csv", csv, strlen(csv), NULL, &err) != GP_OK)
        fail_msg("%s", err.message);
    return cat;
}

static const char HEAD[] = "provider,kind,instance_type,region,zone,gpu,gpu_count,usd_per_hour,"
                           "spot_usd_per_hour,fabric,fabric_gbps,source,as_of\n";

/* Colons, quotes, a backslash, a line break and a byte that is not UTF-8
 * in the names: the files still parse, and hold the names exactly. */
static void awkward_names(void **state)
{
    fixture *f = *state;
    char csv[1024];
    snprintf(csv, sizeof(csv),
             "%sgcp,hyperscaler,\"a3: \"\"odd\"\"\nname\xff\",\"us:central\"\"1\","
             "\"z: \"\"b\"\" \\ c\",H100,8,88.0,30.0,,,test,2026-11-01\n",
             HEAD);
    gp_catalog *cat = catalog(csv);
    gp_plan_result res = plan(f, cat, "llama-3-8b", 1e11, GP_ALLOW_YES, GP_CAPACITY_RANK_ANY);
    assert_true(check_run(f, cat, &res, 5) >= 2);
    const gp_plan *p = &res.plans[0];
    char *t = render(f, cat, p, GP_LAUNCH_SKYPILOT, GP_OK);
    doc d;
    parse(&d, t);
    assert_string_equal(scalar(&d, "resources.infra"), "gcp/us:central\"1/z: \"b\" \\ c");
    doc_free(&d);
    free(t);
    t = render(f, cat, p, GP_LAUNCH_DSTACK, GP_OK);
    parse(&d, t);
    assert_string_equal(scalar(&d, "regions.0"), "us:central\"1");
    assert_string_equal(scalar(&d, "availability_zones.0"), "z: \"b\" \\ c");
    doc_free(&d);
    free(t);
    gp_plan_result_free(&res);
    gp_catalog_free(cat);
}

/* A provider neither tool supports, and a listing priced per GPU: no file,
 * a message instead. A reservation launches on-demand and says so. */
static void what_cannot_launch(void **state)
{
    fixture *f = *state;
    char csv[1024];
    snprintf(csv, sizeof(csv), "%stogether,neocloud,8x-h100,us,,H100,8,30.0,,,,test,2026-11-01\n",
             HEAD);
    gp_catalog *cat = catalog(csv);
    gp_plan_result res = plan(f, cat, "llama-3-8b", 1e11, GP_ALLOW_YES, GP_CAPACITY_RANK_ANY);
    render(f, cat, &res.plans[0], GP_LAUNCH_SKYPILOT, GP_ENOTFOUND);
    render(f, cat, &res.plans[0], GP_LAUNCH_DSTACK, GP_ENOTFOUND);
    gp_plan_result_free(&res);
    gp_catalog_free(cat);

    /* AWS: a reservation term is a plan; its file launches on-demand. */
    snprintf(csv, sizeof(csv),
             "%saws,hyperscaler,p5.48xlarge,us-east-1,use1-az1,H100,8,55.04,,efa,3200,test,"
             "2026-11-01\n",
             HEAD);
    cat = catalog(csv);
    res = plan(f, cat, "llama-3-8b", 1e11, GP_ALLOW_NEVER, GP_CAPACITY_RANK_ANY);
    const gp_plan *r = NULL;
    for (size_t i = 0; i < res.nplans; i++)
        if (res.plans[i].term == GP_TERM_RESERVED)
            r = &res.plans[i];
    assert_non_null(r);
    char *t = render(f, cat, r, GP_LAUNCH_SKYPILOT, GP_OK);
    assert_non_null(strstr(t, "can only describe on-demand or spot launches"));
    doc d;
    parse(&d, t);
    assert_string_equal(scalar(&d, "resources.use_spot"), "false");
    /* An AWS zone ID is not a zone name: not written. */
    assert_string_equal(scalar(&d, "resources.infra"), "aws/us-east-1");
    assert_non_null(strstr(t, "use1-az1"));
    doc_free(&d);
    free(t);
    gp_plan_result_free(&res);
    gp_catalog_free(cat);
}

/* Task names both tools accept (dstack: ^[a-z][a-z0-9-]{1,40}$). */
static void task_names(void **state)
{
    fixture *f = *state;
    char csv[512];
    snprintf(csv, sizeof(csv), "%slambda,neocloud,8x-h100,us-east-1,,H100,8,31.92,,,,test,"
                               "2026-11-01\n",
             HEAD);
    gp_catalog *cat = catalog(csv);
    gp_plan_result res = plan(f, cat, "llama-3-8b", 1e11, GP_ALLOW_NEVER, GP_CAPACITY_RANK_ANY);
    static const char *const JOBS[][2] = {
        {"Qwen2.5 7B!", "gpuplan-qwen2-5-7b"},
        {"", "gpuplan"},
        {"a-very-long-model-name-that-goes-on-and-on-and-on", NULL},
    };
    for (size_t i = 0; i < 3; i++) {
        char *t = NULL;
        gp_error err;
        assert_int_equal(gp_launch_render(f->names, cat, &res.plans[0], GP_LAUNCH_DSTACK,
                                          JOBS[i][0], NULL, &t, &err),
                         GP_OK);
        doc d;
        parse(&d, t);
        const char *name = scalar(&d, "name");
        if (JOBS[i][1])
            assert_string_equal(name, JOBS[i][1]);
        size_t n = strlen(name);
        assert_true(n >= 2 && n <= 41);
        for (size_t k = 0; k < n; k++)
            assert_true((name[k] >= 'a' && name[k] <= 'z') || (name[k] >= '0' && name[k] <= '9') ||
                        (name[k] == '-' && k > 0));
        doc_free(&d);
        free(t);
    }
    gp_plan_result_free(&res);
    gp_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(embedded_plans),
        cmocka_unit_test(awkward_names),
        cmocka_unit_test(what_cannot_launch),
        cmocka_unit_test(task_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
