/* The planner: instance counts, terms, costs, the frontier and the
 * constraints, on a small hand-made catalog and on the embedded one. */
#include "test_util.h"

#include "gpuplan/plan.h"

typedef struct fixture {
    gp_catalog *small, *embedded;
    gp_terms *terms;
    gp_model_table *models;
} fixture;

/* Two providers with facts in the data (aws: storage, tiers, reserved;
 * lambda: free egress), one spot price. */
static const char SMALL[] =
    "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,spot_usd_per_hour,"
    "fabric,fabric_gbps,source,as_of\n"
    "aws,hyperscaler,p5.48xlarge,us-east-1,H100,8,55.04,20.0,efa,3200,test,2026-11-01\n"
    "lambda,neocloud,8x-h100,us-west,H100,8,31.92,,infiniband,3200,test,2026-11-01\n";

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    gp_error err;
    if (!f || gp_catalog_new(&f->small, &err) != GP_OK ||
        gp_catalog_add_gpuplan_buffer(f->small, "small.csv", SMALL, sizeof(SMALL) - 1, NULL,
                                      &err) != GP_OK ||
        gp_catalog_new(&f->embedded, &err) != GP_OK ||
        gp_catalog_add_embedded(f->embedded, &err) != GP_OK ||
        gp_terms_load_default(&f->terms, &err) != GP_OK ||
        gp_model_table_load_default(&f->models, &err) != GP_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gp_catalog_free(f->small);
    gp_catalog_free(f->embedded);
    gp_terms_free(f->terms);
    gp_model_table_free(f->models);
    free(f);
    return 0;
}

static gp_plan_request request(fixture *f, const char *model, double tokens)
{
    gp_plan_request r;
    gp_plan_request_init(&r);
    r.job.model = gp_model_find(f->models, model);
    r.job.tokens = tokens;
    r.deadline_hours = 30 * 24;
    r.trials = 2000;
    /* Most tests are about the planner's arithmetic on hand-made offers
     * whose cluster sizes no source gives: rank every status but exceeds
     * (capacity_ranks tests the default). */
    r.capacity = GP_CAPACITY_RANK_ANY;
    return r;
}

static gp_plan_result run(fixture *f, const gp_catalog *cat, const gp_plan_request *r)
{
    gp_plan_result res;
    gp_error err;
    gp_status st = gp_plan_run(cat, f->terms, r, &res, &err);
    if (st != GP_OK)
        fail_msg("plan failed: %s", err.message);
    return res;
}

static const gp_plan *find(const gp_plan_result *r, const char *provider, gp_term term)
{
    for (size_t i = 0; i < r->nplans; i++)
        if (!strcmp(r->plans[i].offer->provider, provider) && r->plans[i].term == term)
            return &r->plans[i];
    return NULL;
}

/* The job model's wall hours for n GPUs of an offer (as the planner sets
 * the cluster up). */
static double hours_for(fixture *f, const gp_plan_request *r, int gpus)
{
    gp_job job = r->job;
    job.accel = gp_accel_find(gp_catalog_accels(f->small), "H100");
    job.gpus = gpus;
    job.gpus_per_node = 8;
    job.internode_gbps = 400;
    gp_estimate e;
    gp_error err;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_OK);
    return e.fits ? e.wall_hours : INFINITY;
}

/* The fewest instances that meet the deadline: the chosen count meets it
 * and the count before it on the grid (1, 2, 3, 4, 6, 8, 12, 16, ...)
 * does not; the cost is GPU-hours at the offer's price. */
static void fewest_instances(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.spot = GP_ALLOW_NEVER;
    r.reserved = GP_ALLOW_NEVER;
    gp_plan_result res = run(f, f->small, &r);
    const gp_plan *l = find(&res, "lambda", GP_TERM_ON_DEMAND);
    assert_non_null(l);
    assert_true(l->meets_deadline && l->hours <= r.deadline_hours);
    static const int GRID[] = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128};
    size_t k = 0;
    while (GRID[k] != l->instances)
        k++;
    assert_true(k > 0);
    assert_true(hours_for(f, &r, GRID[k - 1] * 8) > r.deadline_hours);
    assert_close(l->hours, hours_for(f, &r, l->gpus), 1e-12);
    assert_close(l->breakdown.compute_usd, l->gpus * l->hours * 31.92 / 8, 1e-9);
    /* lambda: free egress, storage $0.20/GB-month (providers.csv). */
    assert_close(l->breakdown.storage_usd,
                 2 * res.checkpoint_gb * 0.2 * l->hours / 730, 1e-9);
    gp_plan_result_free(&res);
}

/* cost_usd is the sum of the breakdown, never below GPU-hours at the
 * term's own price; the ranked order respects the objective. */
static void costs_add_up(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-3-8b", 1e12);
    gp_plan_result res = run(f, f->embedded, &r);
    assert_true(res.nplans > 50);
    for (size_t i = 0; i < res.nplans; i++) {
        const gp_plan *p = &res.plans[i];
        const gp_plan_breakdown *b = &p->breakdown;
        assert_close(p->cost_usd,
                     b->compute_usd + b->spot_overhead_usd + b->storage_usd + b->egress_usd +
                         b->serving_usd,
                     1e-9);
        double own = p->term == GP_TERM_SPOT ? p->offer->spot_usd_per_hour
                                             : p->offer->usd_per_hour;
        if (p->term != GP_TERM_RESERVED)
            assert_true(b->compute_usd + b->spot_overhead_usd >=
                        p->hours * p->instances * own * (1 - p->discount) * (1 - 1e-9));
        assert_true(p->rank == (int)i + 1);
        /* Auction floors rank after every real price (floors_rank_last);
         * within each class the objective orders the plans. */
        int floor_prev = i > 0 && res.plans[i - 1].term == GP_TERM_FLOOR;
        int floor_here = p->term == GP_TERM_FLOOR;
        if (i > 0)
            assert_true(floor_prev <= floor_here);
        if (i > 0 && floor_prev == floor_here &&
            res.plans[i - 1].meets_deadline == p->meets_deadline &&
            res.plans[i - 1].meets_budget == p->meets_budget)
            assert_true(res.plans[i - 1].cost_usd <= p->cost_usd);
    }
    gp_plan_result_free(&res);
}

/* The frontier: no frontier plan is dominated, every other plan is. */
static void pareto_is_non_dominated(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-3-70b", 1.4e12);
    gp_plan_result res = run(f, f->embedded, &r);
    size_t front = 0;
    for (size_t i = 0; i < res.nplans; i++) {
        const gp_plan *p = &res.plans[i];
        int dominated = 0;
        for (size_t j = 0; j < res.nplans && !dominated; j++) {
            const gp_plan *q = &res.plans[j];
            dominated = q->cost_usd <= p->cost_usd && q->hours <= p->hours &&
                        (q->cost_usd < p->cost_usd || q->hours < p->hours);
        }
        assert_int_equal(p->pareto, !dominated);
        front += (size_t)p->pareto;
    }
    assert_true(front >= 2);
    /* And on a hand-made set: (1, 10), (2, 5), (3, 7) -> the third is
     * dominated by the second. */
    gp_plan mine[3];
    memset(mine, 0, sizeof(mine));
    mine[0].cost_usd = 1, mine[0].hours = 10;
    mine[1].cost_usd = 2, mine[1].hours = 5;
    mine[2].cost_usd = 3, mine[2].hours = 7;
    assert_int_equal(gp_plan_mark_pareto(mine, 3), 2);
    assert_true(mine[0].pareto && mine[1].pareto && !mine[2].pareto);
    gp_plan_result_free(&res);
}

/* Spot: a rate of 0 gives the plain spot price for the on-demand hours;
 * the default rate adds time; P90 >= P50. */
static void spot_terms(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.reserved = GP_ALLOW_NEVER;
    r.spot_rate_per_node_hour = 0;
    gp_plan_result res = run(f, f->small, &r);
    const gp_plan *s = find(&res, "aws", GP_TERM_SPOT);
    assert_non_null(s);
    assert_close(s->breakdown.spot_overhead_usd, 0, 1e-9);
    assert_close(s->hours, hours_for(f, &r, s->gpus), 1e-9);
    gp_plan_result_free(&res);

    r.spot_rate_per_node_hour = NAN; /* AWS's feed: p5.48xlarge, us-east-1, '>20%' */
    res = run(f, f->small, &r);
    s = find(&res, "aws", GP_TERM_SPOT);
    assert_non_null(s);
    assert_true(s->breakdown.spot_overhead_usd > 0);
    assert_true(s->hours > hours_for(f, &r, s->gpus));
    assert_true(s->hours_p90 >= s->hours_p50);
    assert_close(s->spot_rate_per_node_hour, -log(0.80) / 730, 1e-12);
    assert_int_equal(s->spot_risk.basis, GP_SPOT_RISK_ADVISOR);
    gp_plan_result_free(&res);
}

static gp_catalog *one_row(const char *row)
{
    char csv[512];
    int n = snprintf(csv, sizeof(csv),
                     "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,"
                     "spot_usd_per_hour,fabric,fabric_gbps,source,as_of\n%s\n",
                     row);
    gp_catalog *c = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&c, &err), GP_OK);
    assert_int_equal(gp_catalog_add_gpuplan_buffer(c, "row.csv", csv, (size_t)n, NULL, &err),
                     GP_OK);
    return c;
}

static int has_note(const gp_plan *p, const char *text)
{
    for (size_t i = 0; i < p->nnotes; i++)
        if (strstr(p->notes[i], text))
            return 1;
    return 0;
}

/* Cause and effect of AWS's band: the same p5en.48xlarge at the same price
 * in eu-south-2 ('>20%') and us-east-1 ('<5%'): the worse band has the
 * higher rate, more interruptions and a later P90, and its note says the
 * figure is a lower bound. */
static void spot_band_moves_the_plan(void **state)
{
    fixture *f = *state;
    gp_catalog *bad = one_row("aws,hyperscaler,p5en.48xlarge,eu-south-2,H200,8,63.3,20,efa,"
                              "3200,test,2026-11-01");
    gp_catalog *good = one_row("aws,hyperscaler,p5en.48xlarge,us-east-1,H200,8,63.3,20,efa,"
                               "3200,test,2026-11-01");
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.reserved = GP_ALLOW_NEVER;
    gp_plan_result rb = run(f, bad, &r), rg = run(f, good, &r);
    const gp_plan *b = find(&rb, "aws", GP_TERM_SPOT), *g = find(&rg, "aws", GP_TERM_SPOT);
    assert_non_null(b);
    assert_non_null(g);
    assert_int_equal(b->instances, g->instances);
    assert_string_equal(b->spot_risk.band_label, ">20%");
    assert_string_equal(g->spot_risk.band_label, "<5%");
    assert_true(b->spot_rate_per_node_hour > g->spot_rate_per_node_hour);
    assert_true(b->interruptions > g->interruptions);
    assert_true(b->hours_p90 > g->hours_p90);
    assert_true(b->hours_p90 >= b->hours_p50);
    assert_true(b->spot_risk.lower_bound);
    assert_true(has_note(b, "both are lower bounds"));
    assert_false(has_note(g, "lower bound"));
    /* The P90 of the '<5%' plan is at its upper edge (5%), above what the
     * midpoint alone would give: the simulation at 2.5% has a P90 below. */
    r.spot_rate_per_node_hour = g->spot_rate_per_node_hour;
    gp_plan_result rm = run(f, good, &r);
    const gp_plan *m = find(&rm, "aws", GP_TERM_SPOT);
    assert_close(m->hours, g->hours, 1e-12);
    assert_true(g->hours_p90 > m->hours_p90);
    gp_plan_result_free(&rm);
    gp_plan_result_free(&rb);
    gp_plan_result_free(&rg);
    gp_catalog_free(bad);
    gp_catalog_free(good);
}

/* A type the feed does not list gets the stated assumption, says so, and
 * borrows nobody's figure. */
static void spot_without_data_is_an_assumption(void **state)
{
    fixture *f = *state;
    gp_catalog *c = one_row("aws,hyperscaler,p6-b200.48xlarge,us-east-1,B200,8,113.9,40,efa,"
                            "3200,test,2026-11-01");
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.reserved = GP_ALLOW_NEVER;
    gp_plan_result res = run(f, c, &r);
    const gp_plan *s = find(&res, "aws", GP_TERM_SPOT);
    assert_non_null(s);
    assert_int_equal(s->spot_risk.basis, GP_SPOT_RISK_ASSUMED);
    assert_close(s->spot_rate_per_node_hour, -log(0.95) / 730, 1e-12);
    assert_true(has_note(s, "no published interruption data for aws p6-b200.48xlarge"));
    assert_true(has_note(s, "an assumption"));
    gp_plan_result_free(&res);
    gp_catalog_free(c);
}

/* A TPU v5e-256 slice is 32 hosts, each interrupted on its own: the job's
 * rate is 32 x the node rate per slice. */
static void tpu_slice_counts_hosts(void **state)
{
    fixture *f = *state;
    gp_catalog *c = one_row("gcp,hyperscaler,tpu-v5litepod-256,us-central1,TPU-v5e,256,307.2,"
                            "54.5,ici,,test,2026-11-01");
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.reserved = GP_ALLOW_NEVER;
    r.spot = GP_ALLOW_ONLY;
    gp_plan_result res = run(f, c, &r);
    const gp_plan *s = find(&res, "gcp", GP_TERM_SPOT);
    assert_non_null(s);
    assert_int_equal(s->hosts, 32 * s->instances);
    assert_true(has_note(s, "(32 per tpu-v5litepod-256 of 256 chips)"));
    /* Against one host per slice: 32 times the interruptions per hour. */
    assert_close(s->interruptions / s->hours,
                 32.0 * s->instances * s->spot_rate_per_node_hour, 0.1);
    gp_plan_result_free(&res);
    gp_catalog_free(c);
}

/* An auction floor is planned but never ranked as on-demand: the Mithril
 * floor ($1/GPU-h, below every real price) comes after the real plans,
 * is off the frontier, counts as no feasible plan, and gets no reserved
 * term; its pricing kind says what it is. */
static void floors_rank_last(void **state)
{
    fixture *f = *state;
    static const char CSV[] =
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,"
        "Region,GpuInfo\n"
        "h100.8x,H100,8,168,1814,8.0,8.0,us-central1-b,\n";
    gp_catalog *c = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&c, &err), GP_OK);
    assert_int_equal(gp_catalog_add_gpuplan_buffer(c, "small.csv", SMALL, sizeof(SMALL) - 1,
                                                   NULL, &err),
                     GP_OK);
    assert_int_equal(gp_catalog_add_skypilot_buffer(c, "mithril/vms.csv", "mithril", CSV,
                                                    strlen(CSV), NULL, &err),
                     GP_OK);
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.spot_rate_per_node_hour = 0;
    gp_plan_result res = run(f, c, &r);
    const gp_plan *m = &res.plans[res.nplans - 1];
    assert_string_equal(m->offer->provider, "mithril");
    assert_int_equal(m->term, GP_TERM_FLOOR);
    assert_int_equal(m->pricing_kind, GP_PRICING_AUCTION_FLOOR);
    assert_false(m->pareto);
    assert_null(find(&res, "mithril", GP_TERM_SPOT));
    assert_null(find(&res, "mithril", GP_TERM_RESERVED));
    assert_true(m->cost_usd < res.plans[0].cost_usd); /* cheaper, still last */
    size_t feasible = 0;
    for (size_t i = 0; i + 1 < res.nplans; i++)
        feasible += (size_t)(res.plans[i].meets_deadline && res.plans[i].meets_budget);
    assert_int_equal(res.nfeasible, feasible);
    assert_int_equal(find(&res, "aws", GP_TERM_SPOT)->pricing_kind, GP_PRICING_SPOT);
    assert_int_equal(find(&res, "aws", GP_TERM_RESERVED)->pricing_kind, GP_PRICING_RESERVED);
    gp_plan_result_free(&res);
    gp_catalog_free(c);
}

/* A catalog-check finding reaches the plans on that offer's price: an
 * on-demand price 5x the median is marked and named on the on-demand
 * plan; the spot plan on the same instance (another price) is not. */
static void findings_reach_the_plan(void **state)
{
    fixture *f = *state;
    static const char CSV[] =
        "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,spot_usd_per_hour,"
        "fabric,fabric_gbps,source,as_of\n"
        "p1,neocloud,n8,r,H100,8,20,,infiniband,3200,test,2026-11-01\n"
        "p2,neocloud,n8,r,H100,8,21,,infiniband,3200,test,2026-11-01\n"
        "p3,neocloud,n8,r,H100,8,22,,infiniband,3200,test,2026-11-01\n"
        "p4,neocloud,n8,r,H100,8,23,,infiniband,3200,test,2026-11-01\n"
        "dear,neocloud,n8,r,H100,8,110,30,infiniband,3200,test,2026-11-01\n";
    gp_catalog *c = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&c, &err), GP_OK);
    assert_int_equal(gp_catalog_add_gpuplan_buffer(c, "f.csv", CSV, sizeof(CSV) - 1, NULL, &err),
                     GP_OK);
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.spot_rate_per_node_hour = 0;
    gp_plan_result res = run(f, c, &r);
    assert_null(find(&res, "dear", GP_TERM_ON_DEMAND)->finding); /* not checked yet */
    gp_plan_result_free(&res);
    assert_int_equal(gp_catalog_check(c, &err), GP_OK);
    res = run(f, c, &r);
    const gp_plan *od = find(&res, "dear", GP_TERM_ON_DEMAND);
    assert_non_null(od->finding);
    assert_non_null(strstr(od->finding, "the median"));
    int named = 0;
    for (size_t i = 0; i < od->nnotes; i++)
        named |= strstr(od->notes[i], "catalog check (price-outlier)") != NULL;
    assert_true(named);
    assert_null(find(&res, "dear", GP_TERM_SPOT)->finding);
    assert_null(find(&res, "p1", GP_TERM_ON_DEMAND)->finding);
    gp_plan_result_free(&res);
    gp_catalog_free(c);
}

/* Terms (docs/plan.md, "Terms"). On the small catalog the only priced term
 * is AWS's Capacity Block for p5.48xlarge ($39.33 per instance-hour, AWS's
 * price table): a block of whole days (7-day steps past 14) that holds the
 * job, at most 64 instances, paid in full; --reuse 1 credits the unused
 * days. No 1- or 3-year term is priced (no published family rate): the
 * on-demand plan says so. Lambda's 1-Click Clusters have no price in the
 * data: no term. */
static void reserved_terms(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.spot = GP_ALLOW_NEVER;
    gp_plan_result res = run(f, f->small, &r);
    const gp_plan *p = find(&res, "aws", GP_TERM_RESERVED);
    assert_non_null(p);
    assert_int_equal(p->term_kind, GP_TERM_KIND_CAPACITY_BLOCK);
    assert_int_equal(p->pricing_kind, GP_PRICING_RESERVED);
    assert_true(p->term_days >= 1 && p->term_days <= 182);
    assert_true(p->term_days <= 14 || p->term_days % 7 == 0);
    assert_true(p->instances <= 64);
    assert_true(p->term_hours >= p->hours && p->term_hours < p->hours + 7 * 24);
    assert_close(p->breakdown.compute_usd, p->instances * 39.33 * 24.0 * p->term_days, 1e-9);
    assert_close(p->break_even, 39.33 / 55.04, 1e-12);
    assert_non_null(p->term_region);
    assert_false(find(&res, "lambda", GP_TERM_RESERVED));
    const gp_plan *od = find(&res, "aws", GP_TERM_ON_DEMAND);
    int said = 0;
    for (size_t i = 0; i < od->nnotes; i++)
        said |= strstr(od->notes[i], "no published 1y/3y rate for p5") != NULL;
    assert_true(said);
    gp_plan_result_free(&res);
    r.reuse = 1;
    res = run(f, f->small, &r);
    p = find(&res, "aws", GP_TERM_RESERVED);
    assert_close(p->breakdown.compute_usd, p->instances * 39.33 * p->hours, 1e-9);
    gp_plan_result_free(&res);
}

/* A job larger than a block: the block plan takes at most 64 instances
 * (and may then be late) while on-demand takes what meets the deadline.
 * Llama 3 70B on 1.4T tokens needs more than 512 H100s for 30 days. */
static void capacity_block_at_most_64(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-3-70b", 1.4e12);
    r.spot = GP_ALLOW_NEVER;
    gp_plan_result res = run(f, f->small, &r);
    const gp_plan *od = find(&res, "aws", GP_TERM_ON_DEMAND);
    const gp_plan *cb = find(&res, "aws", GP_TERM_RESERVED);
    assert_non_null(od);
    assert_non_null(cb);
    assert_true(od->instances > 64);
    assert_true(cb->instances <= 64);
    assert_true(cb->term_days >= 1 && cb->term_days <= 182);
    assert_true(cb->term_hours >= cb->hours);
    assert_int_equal(cb->capacity.status, GP_CAPACITY_OK);
    gp_plan_result_free(&res);
}

/* CoreWeave publishes "up to 60%" and no minimum length: no term for a
 * short job; with --assume-term 12mo, a committed plan charged for all 12
 * months, marked assumed. */
static void committed_needs_a_length(void **state)
{
    fixture *f = *state;
    static const char CW[] =
        "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,spot_usd_per_hour,"
        "fabric,fabric_gbps,source,as_of\n"
        "coreweave,neocloud,NVIDIA HGX H100,US-EAST-04,H100,8,49.24,,infiniband,3200,test,"
        "2026-09-20\n";
    gp_catalog *cat;
    gp_error err;
    assert_int_equal(gp_catalog_new(&cat, &err), GP_OK);
    assert_int_equal(gp_catalog_add_gpuplan_buffer(cat, "cw.csv", CW, sizeof(CW) - 1, NULL, &err),
                     GP_OK);
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.spot = GP_ALLOW_NEVER;
    gp_plan_result res = run(f, cat, &r);
    assert_null(find(&res, "coreweave", GP_TERM_RESERVED));
    const gp_plan *od = find(&res, "coreweave", GP_TERM_ON_DEMAND);
    int said = 0;
    for (size_t i = 0; i < od->nnotes; i++)
        said |= strstr(od->notes[i], "no published minimum term") != NULL;
    assert_true(said);
    gp_plan_result_free(&res);
    r.assume_term_hours = 12 * 730.0;
    res = run(f, cat, &r);
    const gp_plan *p = find(&res, "coreweave", GP_TERM_RESERVED);
    assert_non_null(p);
    assert_true(p->term_assumed);
    assert_int_equal(p->pricing_kind, GP_PRICING_COMMITTED);
    assert_close(p->breakdown.compute_usd, p->instances * 49.24 * 0.4 * 12 * 730.0, 1e-9);
    gp_plan_result_free(&res);
    gp_catalog_free(cat);
}

/* Over the whole embedded catalog, for a job of about three weeks: no
 * plan buys a term of a year or more unless --reuse makes it cheaper than
 * the same instance on demand after paying the whole term; every block is
 * 1-182 days and at most 64 instances; every term covers the job. */
static void no_long_term_for_a_short_job(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.spot = GP_ALLOW_NEVER;
    gp_plan_result res = run(f, f->embedded, &r);
    size_t blocks = 0;
    for (size_t i = 0; i < res.nplans; i++) {
        const gp_plan *p = &res.plans[i];
        if (p->term != GP_TERM_RESERVED)
            continue;
        assert_true(p->term_hours >= p->hours - 1e-9);
        if (p->term_kind == GP_TERM_KIND_CAPACITY_BLOCK) {
            blocks++;
            assert_true(p->term_days >= 1 && p->term_days <= 182 && p->instances <= 64);
        }
        if (p->term_months >= 12 && p->hours < 30 * 24) {
            const gp_plan *od = NULL;
            for (size_t j = 0; j < res.nplans && !od; j++)
                if (res.plans[j].term == GP_TERM_ON_DEMAND && res.plans[j].offer == p->offer)
                    od = &res.plans[j];
            assert_non_null(od);
            assert_true(p->breakdown.compute_usd < od->breakdown.compute_usd);
        }
    }
    assert_true(blocks > 0);
    gp_plan_result_free(&res);
}

/* A negotiated discount lowers the on-demand price, and egress is counted
 * when the weights leave (aws: tiers; lambda: free). */
static void discount_and_egress(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.spot = GP_ALLOW_NEVER;
    r.reserved = GP_ALLOW_NEVER;
    gp_discount d = {"aws", 0.5};
    r.discounts = &d;
    r.ndiscounts = 1;
    r.download_weights = 1;
    gp_plan_result res = run(f, f->small, &r);
    const gp_plan *a = find(&res, "aws", GP_TERM_ON_DEMAND);
    assert_close(a->usd_per_gpu_hour, 55.04 * 0.5 / 8, 1e-12);
    double gb = res.weights_gb; /* 2 bytes x 6.74B = 13.5 GB */
    assert_close(gb, 2 * 6738415616.0 / 1e9, 1e-12);
    assert_close(a->breakdown.egress_usd, (gb - 1) * 0.09, 1e-9);
    assert_close(find(&res, "lambda", GP_TERM_ON_DEMAND)->breakdown.egress_usd, 0, 1e-12);
    gp_plan_result_free(&res);
}

/* Nothing meets a $1 budget: no plan is feasible and the budget is named. */
static void binding_constraint(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.budget_usd = 1;
    gp_plan_result res = run(f, f->small, &r);
    assert_true(res.nfeasible == 0);
    assert_true(res.nplans > 0);
    assert_non_null(strstr(res.binding, "budget binds"));
    gp_plan_result_free(&res);
    r.budget_usd = NAN;
    r.deadline_hours = 0.5;
    res = run(f, f->small, &r);
    assert_true(res.nfeasible == 0);
    assert_non_null(strstr(res.binding, "deadline"));
    gp_plan_result_free(&res);
}

static void bad_requests(void **state)
{
    fixture *f = *state;
    gp_plan_result res;
    gp_error err;
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.deadline_hours = 0;
    assert_int_equal(gp_plan_run(f->small, f->terms, &r, &res, &err), GP_ERANGE);
    r = request(f, "llama-2-7b", 2e12);
    r.budget_usd = -5;
    assert_int_equal(gp_plan_run(f->small, f->terms, &r, &res, &err), GP_ERANGE);
    r = request(f, "llama-2-7b", 2e12);
    r.spot_rate_per_node_hour = 100;
    assert_int_equal(gp_plan_run(f->small, f->terms, &r, &res, &err), GP_ERANGE);
    r = request(f, "llama-2-7b", 2e12);
    r.reuse = 2;
    assert_int_equal(gp_plan_run(f->small, f->terms, &r, &res, &err), GP_ERANGE);
    r = request(f, "llama-2-7b", 0);
    assert_int_equal(gp_plan_run(f->small, f->terms, &r, &res, &err), GP_ERANGE);
    r = request(f, "llama-2-7b", 2e12);
    r.serve_provider = "lambda";
    r.serve_months = 0;
    assert_int_equal(gp_plan_run(f->small, f->terms, &r, &res, &err), GP_ERANGE);
}

/* The same seed gives the same plans. */
static void deterministic(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-3-8b", 1e12);
    gp_plan_result a = run(f, f->embedded, &r), b = run(f, f->embedded, &r);
    assert_int_equal(a.nplans, b.nplans);
    for (size_t i = 0; i < a.nplans; i++) {
        assert_ptr_equal(a.plans[i].offer, b.plans[i].offer);
        assert_true(a.plans[i].cost_usd == b.plans[i].cost_usd);
        assert_true(a.plans[i].hours_p90 == b.plans[i].hours_p90);
    }
    gp_plan_result_free(&a);
    gp_plan_result_free(&b);
}

/* Regression (no_candidates_sorts_nothing): a region glob that matches no
 * offer left the plan array NULL and the planner called qsort(NULL, 0, ...),
 * undefined behaviour that sanitizer builds abort on. It must return GP_OK
 * with no plans, as any other empty result does. */
static void no_candidates_sorts_nothing(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-2-7b", 2e12);
    r.filter.region_glob = "nowhere-*";
    gp_plan_result res = run(f, f->embedded, &r);
    assert_int_equal(res.nplans, 0);
    assert_int_equal(res.nfeasible, 0);
    assert_int_equal(res.offers_considered, 0);
    gp_plan_result_free(&res);
}

/* Regression (fewest_instances_when_hours_rise): over Ethernet the wall
 * time of lambda's 8 x A100-80GB nodes falls to a minimum and rises again
 * with more nodes; the count search bisected past the counts that meet
 * the deadline and took 3,072 instances (24,576 GPUs, $36.2M) where fewer
 * meet it. The chosen count must meet the deadline and the grid count
 * below it must not. */
static void fewest_instances_when_hours_rise(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-3-70b", 1.4e12);
    r.spot = GP_ALLOW_NEVER;
    r.reserved = GP_ALLOW_NEVER;
    const char *prov[1] = {"lambda"};
    r.filter.providers = prov;
    r.filter.nproviders = 1;
    gp_plan_result res = run(f, f->embedded, &r);
    const gp_plan *p = NULL;
    for (size_t i = 0; i < res.nplans && !p; i++)
        if (strcmp(res.plans[i].offer->instance_type, "8x NVIDIA A100 SXM 80 GB") == 0)
            p = &res.plans[i];
    assert_non_null(p);
    /* The planner's cluster for it: no fabric data, so 100 Gb/s Ethernet
     * per 8-GPU node. */
    assert_true(isnan(p->offer->fabric_gbps));
    assert_int_equal((int)p->offer->gpu_count, 8);
    gp_job job = r.job;
    job.accel = p->offer->accel;
    job.gpus_per_node = 8;
    job.internode_gbps = 100.0 / 8;
    job.skip_count_search = 1;
    job.no_assumptions = 1;
    gp_estimate e;
    gp_error err;
    job.gpus = p->gpus;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_OK);
    assert_close(e.wall_hours, p->hours, 1e-9);
    assert_true(p->meets_deadline && p->hours <= r.deadline_hours);
    static const int GRID[] = {1,   2,   3,   4,   6,    8,    12,   16,   24,  32,
                               48,  64,  96,  128, 192,  256,  384,  512,  768, 1024,
                               1536, 2048, 3072, 4096};
    size_t k = 0;
    while (k < sizeof(GRID) / sizeof(GRID[0]) && GRID[k] != p->instances)
        k++;
    assert_true(k > 0 && k < sizeof(GRID) / sizeof(GRID[0]));
    job.gpus = GRID[k - 1] * 8;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_OK);
    assert_true(!e.fits || e.wall_hours > r.deadline_hours);
    gp_plan_result_free(&res);
}

/* Capacity decides what is ranked: 24 marketplace hosts exceed (never
 * ranked); 12 spot p5en are unknown (ranked only with --capacity any);
 * the on-demand p5en plan is ok and ranked by default. */
/* Sizes of one TPU slice are one offering: among those that meet the
 * deadline only the cheapest is ranked, and it names another size; a late
 * size stays a plan of its own. On the whole catalog for the README's 70B
 * job, no two feasible plans are GCP TPU slices of one generation, term
 * and capacity status (before: six tpu-v5p sizes filled ranks 4-9). */
static void tpu_slice_sizes_merge(void **state)
{
    fixture *f = *state;
    gp_plan_request r = request(f, "llama-3-70b", 1.4e12);
    r.capacity = GP_CAPACITY_RANK_KNOWN;
    gp_plan_result res = run(f, f->embedded, &r);
    int noted = 0;
    for (size_t i = 0; i < res.nplans; i++) {
        const gp_plan *p = &res.plans[i];
        if (strncmp(p->offer->gpu, "TPU", 3) != 0 || !p->meets_deadline || !p->meets_budget)
            continue;
        for (size_t n = 0; n < p->nnotes; n++)
            noted += strncmp(p->notes[n], "also as tpu-", 12) == 0;
        for (size_t j = i + 1; j < res.nplans; j++) {
            const gp_plan *q = &res.plans[j];
            if (q->meets_deadline && q->meets_budget && q->term == p->term &&
                q->capacity.status == p->capacity.status &&
                strcmp(q->offer->gpu, p->offer->gpu) == 0 &&
                strcmp(q->offer->provider, p->offer->provider) == 0)
                fail_msg("%s and %s both ranked", p->offer->instance_type,
                         q->offer->instance_type);
        }
    }
    assert_true(noted > 0);
    gp_plan_result_free(&res);
}

static void capacity_ranks(void **state)
{
    fixture *f = *state;
    static const char CSV[] =
        "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,spot_usd_per_hour,"
        "fabric,fabric_gbps,source,as_of\n"
        "aws,hyperscaler,p5en.48xlarge,us-east-1,H200,8,63.3,20,efa,3200,test,2026-11-01\n"
        "vast,marketplace,8x-H100,US,H100,8,16,,,,test,2026-11-01\n";
    gp_catalog *c = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&c, &err), GP_OK);
    assert_int_equal(gp_catalog_add_gpuplan_buffer(c, "c.csv", CSV, sizeof(CSV) - 1, NULL, &err),
                     GP_OK);
    gp_plan_request r = request(f, "llama-3-70b", 1.4e12);
    r.reserved = GP_ALLOW_NEVER;
    r.capacity = GP_CAPACITY_RANK_KNOWN; /* the default */
    gp_plan_result res = run(f, c, &r);
    assert_null(find(&res, "vast", GP_TERM_ON_DEMAND));
    assert_null(find(&res, "aws", GP_TERM_SPOT));
    const gp_plan *od = find(&res, "aws", GP_TERM_ON_DEMAND);
    assert_non_null(od);
    assert_true(od->capacity.status == GP_CAPACITY_OK || od->capacity.status == GP_CAPACITY_RISK);
    assert_true(res.capacity_left_out >= 2);
    for (size_t i = 0; i < res.nplans; i++)
        assert_true(res.plans[i].capacity.status <= GP_CAPACITY_RISK);
    gp_plan_result_free(&res);
    r.capacity = GP_CAPACITY_RANK_ANY;
    res = run(f, c, &r);
    const gp_plan *s = find(&res, "aws", GP_TERM_SPOT);
    assert_non_null(s);
    assert_int_equal(s->capacity.status, GP_CAPACITY_UNKNOWN);
    assert_true(has_note(s, "capacity unknown"));
    assert_null(find(&res, "vast", GP_TERM_ON_DEMAND)); /* exceeds: never */
    gp_plan_result_free(&res);
    r.capacity = GP_CAPACITY_RANK_OK;
    res = run(f, c, &r);
    for (size_t i = 0; i < res.nplans; i++)
        assert_int_equal(res.plans[i].capacity.status, GP_CAPACITY_OK);
    gp_plan_result_free(&res);
    gp_catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fewest_instances),
        cmocka_unit_test(costs_add_up),
        cmocka_unit_test(pareto_is_non_dominated),
        cmocka_unit_test(spot_terms),
        cmocka_unit_test(spot_band_moves_the_plan),
        cmocka_unit_test(spot_without_data_is_an_assumption),
        cmocka_unit_test(tpu_slice_counts_hosts),
        cmocka_unit_test(capacity_ranks),
        cmocka_unit_test(tpu_slice_sizes_merge),
        cmocka_unit_test(floors_rank_last),
        cmocka_unit_test(findings_reach_the_plan),
        cmocka_unit_test(reserved_terms),
        cmocka_unit_test(capacity_block_at_most_64),
        cmocka_unit_test(committed_needs_a_length),
        cmocka_unit_test(no_long_term_for_a_short_job),
        cmocka_unit_test(discount_and_egress),
        cmocka_unit_test(binding_constraint),
        cmocka_unit_test(bad_requests),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(no_candidates_sorts_nothing),
        cmocka_unit_test(fewest_instances_when_hours_rise),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
