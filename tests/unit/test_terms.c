/* Provider terms: egress tiers by hand, storage, reserved, spot risk from
 * AWS's feed and the stated assumptions, TPU hosts. */
#include "test_util.h"

#include "gpuplan/terms.h"

static gp_terms *load(void)
{
    gp_terms *t = NULL;
    gp_error err;
    assert_int_equal(gp_terms_load_default(&t, &err), GP_OK);
    return t;
}

/* AWS (SkyPilot's model): first 1 GB free, 0.09 to 10 TB, 0.085 for the
 * next 40 TB, 0.07 for the next 100 TB, 0.05 above. */
static void aws_egress_tiers(void **state)
{
    (void)state;
    gp_terms *t = load();
    int known;
    assert_close(gp_terms_egress_usd(t, "aws", 0.5, &known), 0.0, 1e-12);
    assert_true(known);
    assert_close(gp_terms_egress_usd(t, "aws", 141, &known), 140 * 0.09, 1e-12);
    /* 20 TB: 9,999 GB at 0.09 + 10,000 GB at 0.085. */
    assert_close(gp_terms_egress_usd(t, "aws", 20000, &known), 9999 * 0.09 + 10000 * 0.085,
                 1e-12);
    /* 200 TB crosses every tier. */
    double want = 9999 * 0.09 + 40000 * 0.085 + 100000 * 0.07 + 50000 * 0.05;
    assert_close(gp_terms_egress_usd(t, "aws", 200000, &known), want, 1e-12);
    gp_terms_free(t);
}

static void other_egress(void **state)
{
    (void)state;
    gp_terms *t = load();
    int known;
    /* GCP: 0.12 up to 1 TB, 0.11 to 10 TB. */
    assert_close(gp_terms_egress_usd(t, "gcp", 2000, &known), 1000 * 0.12 + 1000 * 0.11, 1e-12);
    /* Azure: 100 GB free, then 0.087. */
    assert_close(gp_terms_egress_usd(t, "azure", 1100, &known), 1000 * 0.087, 1e-12);
    /* Free egress. */
    assert_close(gp_terms_egress_usd(t, "lambda", 1e6, &known), 0.0, 1e-12);
    assert_true(known);
    assert_close(gp_terms_egress_usd(t, "coreweave", 5000, &known), 0.0, 1e-12);
    /* OCI: the first 10 TB are free; beyond that the data has no price. */
    assert_close(gp_terms_egress_usd(t, "oci", 5000, &known), 0.0, 1e-12);
    assert_true(known);
    assert_true(isnan(gp_terms_egress_usd(t, "oci", 20000, &known)));
    assert_false(known);
    /* No data at all. */
    assert_true(isnan(gp_terms_egress_usd(t, "vast", 10, &known)));
    assert_false(known);
    gp_terms_free(t);
}

static const gp_term_offer *term_of(const gp_terms *t, const char *provider, const char *type,
                                    const char *region, gp_term_kind kind, double months)
{
    const gp_term_offer *o[16];
    size_t n = gp_terms_reserved(t, provider, type, region, o, 16);
    for (size_t i = 0; i < n; i++)
        if (o[i]->kind == kind && (months < 0 || o[i]->term_months == months))
            return o[i];
    return NULL;
}

static void storage_and_reserved(void **state)
{
    (void)state;
    gp_terms *t = load();
    assert_close(gp_terms_storage_usd_per_gb_month(t, "aws"), 0.08, 1e-12);
    assert_close(gp_terms_storage_usd_per_gb_month(t, "coreweave"), 0.07, 1e-12);
    assert_true(isnan(gp_terms_storage_usd_per_gb_month(t, "azure")));
    /* AWS: 1- and 3-year savings plans are rows without a rate (no
     * published family rate in the sources); no "up to" figure. */
    const gp_term_offer *sp = term_of(t, "aws", "p5.48xlarge", "us-east-1",
                                      GP_TERM_KIND_SAVINGS_PLAN, 36);
    assert_non_null(sp);
    assert_true(isnan(sp->usd_per_instance_hour) && isnan(sp->discount));
    assert_non_null(term_of(t, "aws", "p5.48xlarge", "us-east-1", GP_TERM_KIND_SAVINGS_PLAN, 12));
    /* CoreWeave: up to 60% with no published length. */
    const gp_term_offer *cw = term_of(t, "coreweave", "HGX H100", "US-EAST-04",
                                      GP_TERM_KIND_COMMITTED, -1);
    assert_non_null(cw);
    assert_close(cw->discount, 0.60, 1e-12);
    assert_true(cw->term_months == 0 && cw->min_days == 0);
    /* Lambda and Nebius: contracts with neither a rate nor a length. */
    const gp_term_offer *la = term_of(t, "lambda", "8x NVIDIA H100 SXM", "us-west-1",
                                      GP_TERM_KIND_COMMITTED, -1);
    assert_non_null(la);
    assert_true(isnan(la->discount) && isnan(la->usd_per_instance_hour));
    assert_non_null(term_of(t, "nebius", "gpu-h100-sxm", "eu-north1", GP_TERM_KIND_COMMITTED, -1));
    assert_null(term_of(t, "runpod", "H100", "US", GP_TERM_KIND_COMMITTED, -1));
    gp_terms_free(t);
}

/* AWS's Capacity Blocks price table (aws.amazon.com/ec2/capacityblocks/
 * pricing/, in force until 2025-01-01): p5.48xlarge in US East (N.
 * Virginia) "Effective Instance Hourly Rate $39.33", "Effective
 * Accelerator Hourly Rate $4.916"; p4d.24xlarge $14.75 and $1.844. The
 * rows reproduce both figures (8 accelerators an instance). A block is
 * bought in one region and found from any. */
static void capacity_block_published_price(void **state)
{
    (void)state;
    gp_terms *t = load();
    const gp_term_offer *cb = term_of(t, "aws", "p5.48xlarge", "eu-south-2",
                                      GP_TERM_KIND_CAPACITY_BLOCK, -1);
    assert_non_null(cb);
    assert_true(strcmp(cb->region, "us-east-1") == 0 || strcmp(cb->region, "us-east-2") == 0);
    assert_close(cb->usd_per_instance_hour, 39.33, 1e-12);
    assert_true(fabs(cb->usd_per_instance_hour / 8 - 4.916) < 0.0005);
    assert_int_equal(cb->min_days, 1);
    assert_int_equal(cb->max_days, 182);
    assert_int_equal(cb->max_instances, 64);
    const gp_term_offer *a100 = term_of(t, "aws", "p4d.24xlarge", "us-east-1",
                                        GP_TERM_KIND_CAPACITY_BLOCK, -1);
    assert_non_null(a100);
    assert_true(fabs(a100->usd_per_instance_hour / 8 - 1.844) < 0.0005);
    /* p5en is sold in blocks, but its price is not in the data. */
    const gp_term_offer *en = term_of(t, "aws", "p5en.48xlarge", "us-east-2",
                                      GP_TERM_KIND_CAPACITY_BLOCK, -1);
    assert_non_null(en);
    gp_term_charge q;
    const char *why;
    assert_false(gp_term_price(en, 63.3, 8, 100, 0, 0, &q, &why));
    assert_string_equal(why, "capacity block price not in data");
    gp_terms_free(t);
}

/* AWS's rule (capacity-blocks-purchase.html): "1-day increments up to 14
 * days, and in 7-day increments up to 182 days"; "up to 64 instances". A
 * block is the shortest allowed length that holds the job, paid in full. */
static void capacity_block_lengths(void **state)
{
    (void)state;
    gp_terms *t = load();
    const gp_term_offer *cb = term_of(t, "aws", "p5.48xlarge", "us-east-1",
                                      GP_TERM_KIND_CAPACITY_BLOCK, -1);
    gp_term_charge q;
    const char *why;
    static const struct { double hours; int days; } CASES[] = {
        {0.5, 1}, {24, 1}, {24.5, 2}, {14 * 24, 14}, {14 * 24 + 1, 21}, {20.2 * 24, 21},
        {22 * 24, 28}, {182 * 24, 182}};
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        assert_true(gp_term_price(cb, 55.04, 64, CASES[i].hours, 0, 0, &q, &why));
        assert_int_equal(q.days, CASES[i].days);
        assert_close(q.term_hours, 24.0 * CASES[i].days, 1e-12);
        assert_close(q.committed_usd, 39.33 * 64 * 24.0 * CASES[i].days, 1e-12);
        assert_true(q.term_hours >= CASES[i].hours);
    }
    assert_false(gp_term_price(cb, 55.04, 64, 182 * 24 + 1, 0, 0, &q, &why));
    assert_string_equal(why, "the job is longer than the longest block");
    assert_false(gp_term_price(cb, 55.04, 65, 100, 0, 0, &q, &why));
    assert_string_equal(why, "more instances than one block holds");
    /* --reuse credits that share of the unused rest: 20.2 days in a
     * 21-day block leave 0.8 days. */
    assert_true(gp_term_price(cb, 55.04, 2, 20.2 * 24, 0.5, 0, &q, &why));
    assert_close(q.unused_hours, 0.8 * 24, 1e-9);
    assert_close(q.credit_usd, 0.5 * 0.8 * 24 * 39.33 * 2, 1e-9);
    gp_terms_free(t);
}

/* A contract with no published minimum (CoreWeave) is not applied to a
 * short job as if it had none: left out, unless --assume-term gives a
 * length, and then the whole assumed term is charged and marked. A
 * savings plan without a published family rate is never priced. */
static void terms_without_length_or_rate(void **state)
{
    (void)state;
    gp_terms *t = load();
    const gp_term_offer *cw = term_of(t, "coreweave", "HGX H100", "US-EAST-04",
                                      GP_TERM_KIND_COMMITTED, -1);
    gp_term_charge q;
    const char *why;
    double three_weeks = 21 * 24;
    assert_false(gp_term_price(cw, 49.24, 16, three_weeks, 0, 0, &q, &why));
    assert_string_equal(why, "no published minimum term");
    assert_true(gp_term_price(cw, 49.24, 16, three_weeks, 0, 8760, &q, &why));
    assert_true(q.assumed);
    assert_close(q.term_hours, 8760, 1e-12);
    assert_close(q.committed_usd, 49.24 * 0.4 * 16 * 8760, 1e-12);
    /* A job longer than the assumed term commits for the job. */
    assert_true(gp_term_price(cw, 49.24, 16, 9000, 0, 8760, &q, &why));
    assert_close(q.term_hours, 9000, 1e-12);
    const gp_term_offer *sp = term_of(t, "aws", "p5.48xlarge", "us-east-1",
                                      GP_TERM_KIND_SAVINGS_PLAN, 12);
    assert_false(gp_term_price(sp, 55.04, 8, three_weeks, 0, 8760, &q, &why));
    assert_string_equal(why, "no published rate");
    /* The rate tco and inference show: none for either (a contract with no
     * published minimum, a plan with no published rate); a block's is its
     * published price ($39.33 per p5.48xlarge-hour, AWS's table). */
    assert_true(isnan(gp_term_rate(cw, 49.24)));
    assert_true(isnan(gp_term_rate(sp, 55.04)));
    const gp_term_offer *cb = term_of(t, "aws", "p5.48xlarge", "us-east-1",
                                      GP_TERM_KIND_CAPACITY_BLOCK, -1);
    assert_close(gp_term_rate(cb, 55.04), 39.33, 1e-12);
    gp_terms_free(t);
}

/* A savings plan with a family rate (a hand-made row: the data has none):
 * a 3-week job on a 3-year plan pays all 3 years; only --reuse 1 brings it
 * back to the job's hours at the plan's rate; a job longer than the term
 * buys whole terms. */
static void savings_plan_charged_in_full(void **state)
{
    (void)state;
    gp_term_offer sp = {.kind = GP_TERM_KIND_SAVINGS_PLAN, .provider = "x", .pattern = "*",
                        .region = "*", .term_months = 36, .usd_per_instance_hour = 20,
                        .discount = NAN, .name = "test plan", .as_of = "", .source = ""};
    gp_term_charge q;
    const char *why;
    double hours = 21 * 24;
    assert_true(gp_term_price(&sp, 55.04, 10, hours, 0, 0, &q, &why));
    assert_close(q.term_hours, 36 * 730.0, 1e-12);
    assert_close(q.committed_usd, 20 * 10 * 36 * 730.0, 1e-12);
    assert_true(q.committed_usd > 55.04 * 10 * hours); /* far dearer than on-demand */
    assert_true(gp_term_price(&sp, 55.04, 10, hours, 1, 0, &q, &why));
    assert_close(q.committed_usd - q.credit_usd, 20 * 10 * hours, 1e-9);
    assert_true(gp_term_price(&sp, 55.04, 1, 40 * 730.0, 0, 0, &q, &why));
    assert_close(q.term_hours, 72 * 730.0, 1e-12);
}

/* A monthly share p becomes -ln(1 - p) / 730 per node-hour. */
static void monthly_to_rate(void **state)
{
    (void)state;
    assert_close(gp_spot_monthly_to_rate(0.15), -log(0.85) / 730, 1e-12);
    assert_close(gp_spot_monthly_to_rate(0), 0, 1e-12);
    assert_true(isnan(gp_spot_monthly_to_rate(1)));
    assert_true(isnan(gp_spot_monthly_to_rate(-0.1)));
}

/* AWS's own band per (type, region): p5en.48xlarge is '>20%' in eu-south-2
 * and '<5%' in us-east-1 (the feed, data/spot-advisor-data.json). The worse
 * band gives the higher rate; '>20%' has no upper edge and says so. */
static void spot_risk_from_the_feed(void **state)
{
    (void)state;
    gp_terms *t = load();
    gp_spot_risk worst, best;
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5en.48xlarge", "eu-south-2",
                                   &worst));
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5en.48xlarge", "us-east-1", &best));
    assert_int_equal(worst.basis, GP_SPOT_RISK_ADVISOR);
    assert_int_equal(best.basis, GP_SPOT_RISK_ADVISOR);
    assert_int_equal(worst.band, 4);
    assert_string_equal(worst.band_label, ">20%");
    assert_true(worst.lower_bound);
    assert_close(worst.rate_per_node_hour, -log(0.80) / 730, 1e-12);
    assert_int_equal(best.band, 0);
    assert_false(best.lower_bound);
    assert_close(best.rate_per_node_hour, -log(0.975) / 730, 1e-12); /* midpoint */
    assert_close(best.p90_rate_per_node_hour, -log(0.95) / 730, 1e-12); /* upper edge */
    assert_true(worst.rate_per_node_hour > best.p90_rate_per_node_hour);
    /* p5.48xlarge in us-west-2 is '5-10%'. */
    gp_spot_risk mid;
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5.48xlarge", "us-west-2", &mid));
    assert_int_equal(mid.band, 1);
    assert_close(mid.monthly, 0.075, 1e-12);
    assert_close(mid.monthly_p90, 0.10, 1e-12);
    gp_terms_free(t);
}

/* No feed row, no borrowed figure: the labelled assumption for the kind. */
static void spot_risk_without_data(void **state)
{
    (void)state;
    gp_terms *t = load();
    gp_spot_risk r;
    /* p6-b200.48xlarge is in no region of the feed. */
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p6-b200.48xlarge", "us-east-1", &r));
    assert_int_equal(r.basis, GP_SPOT_RISK_ASSUMED);
    assert_int_equal(r.band, -1);
    assert_close(r.monthly, 0.05, 1e-12);
    assert_non_null(strstr(r.source, "assumption"));
    /* A type the feed lists, in a region where it lists none. */
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5en.48xlarge", "eu-west-1", &r));
    assert_int_equal(r.basis, GP_SPOT_RISK_ASSUMED);
    /* Not AWS: the feed is never borrowed, even for an AWS-named type. */
    assert_true(gp_terms_spot_risk(t, "gcp", "hyperscaler", "p5en.48xlarge", "us-east-1", &r));
    assert_int_equal(r.basis, GP_SPOT_RISK_ASSUMED);
    assert_true(gp_terms_spot_risk(t, "lambda", "neocloud", "8x-h100", "us-west", &r));
    assert_close(r.monthly, 0.10, 1e-12);
    assert_true(gp_terms_spot_risk(t, "vast", "marketplace", "x", "y", &r));
    assert_close(r.monthly, 0.20, 1e-12);
    assert_true(gp_terms_spot_risk(t, "someone", NULL, "x", "y", &r)); /* kind "unknown" */
    assert_int_equal(r.basis, GP_SPOT_RISK_ASSUMED);
    assert_true(r.p90_rate_per_node_hour > r.rate_per_node_hour);
    gp_terms_free(t);
}

/* A refreshed feed (gp_terms_use_spot_advisor) replaces the compiled one
 * whole: its band is used and the risk names it; a type it lacks gets the
 * assumption, not the compiled band; labels data/spot-bands.csv does not
 * know, or an unsorted table, are refused and leave the terms as they
 * were; NULL goes back to the compiled table. */
static void spot_risk_refreshed_feed(void **state)
{
    (void)state;
    gp_terms *t = load();
    const gp_spot_advisor_table *e = gp_terms_embedded_spot_advisor();
    assert_string_equal(e->feed, "embedded");
    assert_string_equal(e->as_of, "2025-06-28");
    gp_spot_risk r;
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5.48xlarge", "us-west-2", &r));
    assert_int_equal(r.band, 1);
    assert_string_equal(r.feed, "embedded");
    assert_string_equal(r.feed_as_of, "2025-06-28");
    static const char *const regions[] = {"us-east-1", "us-west-2"};
    static const char *const types[] = {"p5.48xlarge", "p5en.48xlarge"};
    /* p5.48xlarge us-west-2 moved from 5-10% to >20%; p5en.48xlarge is
     * listed only in us-east-1. */
    static const unsigned char bands[] = {2, 4, 0, 255};
    gp_spot_advisor_table a = {regions, 2, types, 2, bands, e->labels, e->nlabels,
                               "refreshed", "2026-12-02", "http://127.0.0.1:1/x"};
    gp_error err;
    gp_error_clear(&err);
    assert_int_equal(gp_terms_use_spot_advisor(t, &a, &err), GP_OK);
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5.48xlarge", "us-west-2", &r));
    assert_int_equal(r.basis, GP_SPOT_RISK_ADVISOR);
    assert_int_equal(r.band, 4);
    assert_true(r.lower_bound);
    assert_string_equal(r.feed, "refreshed");
    assert_string_equal(r.feed_as_of, "2026-12-02");
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5.48xlarge", "us-east-1", &r));
    assert_int_equal(r.band, 2);
    /* In the compiled feed p5en.48xlarge us-west-2 has a band; here none. */
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5en.48xlarge", "us-west-2", &r));
    assert_int_equal(r.basis, GP_SPOT_RISK_ASSUMED);
    assert_string_equal(r.feed, "");
    /* A relabelled band: refused, the refreshed table stays in use. */
    static const char *const relabelled[] = {"<5%", "5-10%", "10-15%", "15-20%", ">25%"};
    gp_spot_advisor_table b = a;
    b.labels = relabelled;
    b.nlabels = 5;
    assert_int_equal(gp_terms_use_spot_advisor(t, &b, &err), GP_EDATA);
    assert_non_null(strstr(err.message, ">25%"));
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5.48xlarge", "us-west-2", &r));
    assert_int_equal(r.band, 4);
    /* Unsorted types: refused. */
    static const char *const unsorted[] = {"p5en.48xlarge", "p5.48xlarge"};
    gp_spot_advisor_table c = a;
    c.types = unsorted;
    assert_int_equal(gp_terms_use_spot_advisor(t, &c, &err), GP_EDATA);
    /* Back to the compiled table. */
    assert_int_equal(gp_terms_use_spot_advisor(t, NULL, &err), GP_OK);
    assert_true(gp_terms_spot_risk(t, "aws", "hyperscaler", "p5.48xlarge", "us-west-2", &r));
    assert_int_equal(r.band, 1);
    assert_string_equal(r.feed, "embedded");
    gp_terms_free(t);
}

/* Hosts, not listings: 256 chips of v5e are 32 hosts, of v4 64. */
static void tpu_hosts(void **state)
{
    (void)state;
    gp_terms *t = load();
    assert_int_equal(gp_terms_hosts_per_listing(t, "TPU-v5e", 256), 32);
    assert_int_equal(gp_terms_hosts_per_listing(t, "TPU-v6e", 256), 32);
    assert_int_equal(gp_terms_hosts_per_listing(t, "TPU-v4", 256), 64);
    assert_int_equal(gp_terms_hosts_per_listing(t, "TPU-v5p", 8), 2);
    assert_int_equal(gp_terms_hosts_per_listing(t, "TPU-v5e", 4), 1); /* part of one host */
    assert_int_equal(gp_terms_hosts_per_listing(t, "H100", 8), 1);
    assert_true(gp_terms_max_gpus(t, "voltage-park", "anything", NULL) == 1016);
    assert_true(gp_terms_max_gpus(t, "aws", "p5.48xlarge", NULL) == 0);
    gp_terms_free(t);
}

/* Capacity (data/capacity.csv): AWS sells 64 instances in a Capacity
 * Block (ok), more within P5 UltraClusters' 20,000 GPUs (risk), beyond
 * (exceeds); spot pools have no published size (unknown); marketplace
 * hosts and single-GPU VMs are no cluster (exceeds); Voltage Park stops
 * at 1,016 GPUs. */
static void capacity_rules(void **state)
{
    (void)state;
    gp_terms *t = load();
    gp_capacity c;
    gp_terms_capacity(t, "aws", "p5.48xlarge", 0, 8, 0, 64, 64, &c);
    assert_int_equal(c.status, GP_CAPACITY_OK);
    assert_int_equal(c.max_gpus, 512);
    assert_non_null(strstr(c.source, "Capacity Block"));
    gp_terms_capacity(t, "aws", "p5.48xlarge", 0, 8, 0, 96, 96, &c);
    assert_int_equal(c.status, GP_CAPACITY_RISK);
    gp_terms_capacity(t, "aws", "p5.48xlarge", 0, 8, 0, 4096, 4096, &c);
    assert_int_equal(c.status, GP_CAPACITY_EXCEEDS);
    gp_terms_capacity(t, "aws", "p5en.48xlarge", 1, 8, 0, 12, 12, &c);
    assert_int_equal(c.status, GP_CAPACITY_UNKNOWN);
    assert_non_null(strstr(c.source, "spot pool"));
    gp_terms_capacity(t, "aws", "p5en.48xlarge", 1, 8, 0, 1, 1, &c);
    assert_int_equal(c.status, GP_CAPACITY_OK); /* one listed instance */
    /* A spot TPU slice of 32 hosts is a multi-node spot job. */
    gp_terms_capacity(t, "gcp", "tpu-v5litepod-256", 1, 256, 0, 1, 32, &c);
    assert_int_equal(c.status, GP_CAPACITY_UNKNOWN);
    gp_terms_capacity(t, "gcp", "tpu-v5litepod-256", 0, 256, 0, 1, 32, &c);
    assert_int_equal(c.status, GP_CAPACITY_OK);
    gp_terms_capacity(t, "vast", "8x-H100", 0, 8, 0, 24, 24, &c);
    assert_int_equal(c.status, GP_CAPACITY_EXCEEDS);
    gp_terms_capacity(t, "vast", "8x-H100", 1, 8, 0, 1, 1, &c);
    assert_int_equal(c.status, GP_CAPACITY_OK);
    gp_terms_capacity(t, "gcp", "a3-highgpu-1g", 0, 1, 0, 64, 64, &c);
    assert_int_equal(c.status, GP_CAPACITY_EXCEEDS);
    gp_terms_capacity(t, "voltage-park", "h100", 0, 1, 1, 1016, 1016, &c);
    assert_int_equal(c.status, GP_CAPACITY_OK);
    gp_terms_capacity(t, "voltage-park", "h100", 0, 1, 1, 1024, 1024, &c);
    assert_int_equal(c.status, GP_CAPACITY_EXCEEDS);
    gp_terms_capacity(t, "coreweave", "gd-8xh100ib", 0, 8, 0, 16, 16, &c);
    assert_int_equal(c.status, GP_CAPACITY_UNKNOWN); /* not sourced yet */
    assert_string_equal(gp_capacity_name(GP_CAPACITY_RISK), "risk");
    gp_terms_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aws_egress_tiers),
        cmocka_unit_test(other_egress),
        cmocka_unit_test(storage_and_reserved),
        cmocka_unit_test(capacity_block_published_price),
        cmocka_unit_test(capacity_block_lengths),
        cmocka_unit_test(terms_without_length_or_rate),
        cmocka_unit_test(savings_plan_charged_in_full),
        cmocka_unit_test(monthly_to_rate),
        cmocka_unit_test(spot_risk_from_the_feed),
        cmocka_unit_test(spot_risk_without_data),
        cmocka_unit_test(spot_risk_refreshed_feed),
        cmocka_unit_test(tpu_hosts),
        cmocka_unit_test(capacity_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
