/* gpuplan market providers: renders each provider's choice factors: what
 * the catalog shows of it (gp_price_provider_summaries, gpuplan/prices.h)
 * beside what data/providers.csv says (gpuplan/terms.h), as a table, a
 * card per provider, CSV or JSON. */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gpuplan/prices.h"
#include "gpuplan/terms.h"
#include "load.h"
#include "market.h"

/* A provider as the view shows it: the catalog's summary and the facts
 * data/providers.csv gives (NULL: none). */
typedef struct provider_row {
    gp_provider_summary s;
    const gp_provider_facts *facts;
} provider_row;

/* A providers.csv cell, or "?" when the source said nothing. */
static const char *fact(const provider_row *r, size_t offset)
{
    if (!r->facts)
        return "?";
    const char *s = *(const char *const *)((const char *)r->facts + offset);
    return s && s[0] ? s : "?";
}
#define FACT(r, field) fact((r), offsetof(gp_provider_facts, field))

static const char *offer_price(char *buf, size_t cap, const gp_offer *o)
{
    if (!o)
        return strcpy(buf, "-");
    return gp_fmt_usd(buf, cap, gp_offer_usd_per_gpu_hour(o));
}

static json_t *offer_ref(const gp_offer *o)
{
    if (!o)
        return json_null();
    json_t *j = json_object();
    json_object_set_new(j, "usd_per_gpu_hour", json_real(gp_offer_usd_per_gpu_hour(o)));
    json_object_set_new(j, "gpu", json_string(o->accel->name));
    json_object_set_new(j, "instance_type", json_string(o->instance_type));
    json_object_set_new(j, "region", gp_json_str(o->region));
    json_object_set_new(j, "source", json_string(o->source));
    json_object_set_new(j, "line", json_integer(o->line));
    json_object_set_new(j, "as_of", gp_json_str(o->as_of));
    return j;
}

static json_t *fact_json(const provider_row *r, size_t offset)
{
    const char *s = fact(r, offset);
    return strcmp(s, "?") ? json_string(s) : json_null();
}
#define FACT_JSON(r, field) fact_json((r), offsetof(gp_provider_facts, field))

static json_t *provider_json(const provider_row *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "provider", json_string(r->s.provider));
    json_object_set_new(j, "kind", json_string(gp_kind_name(r->s.kind)));
    json_object_set_new(j, "offers", json_integer((json_int_t)r->s.offers));
    json_object_set_new(j, "instance_types", json_integer((json_int_t)r->s.instance_types));
    json_object_set_new(j, "regions", json_integer((json_int_t)r->s.regions));
    json_object_set_new(j, "accelerators", json_string(r->s.accelerators));
    json_object_set_new(j, "cheapest_h100", offer_ref(r->s.cheapest_h100));
    json_object_set_new(j, "cheapest_a100", offer_ref(r->s.cheapest_a100));
    json_object_set_new(j, "spot_offers", json_integer((json_int_t)r->s.spot_offers));
    json_object_set_new(j, "spot_max_discount_in_catalog", gp_json_num(r->s.spot_max_discount));
    json_object_set_new(j, "spot_available", FACT_JSON(r, spot_available));
    json_object_set_new(j, "spot_max_discount_pct", FACT_JSON(r, spot_max_discount_pct));
    json_object_set_new(j, "spot_notice", FACT_JSON(r, spot_notice));
    json_object_set_new(j, "reserved", FACT_JSON(r, reserved));
    json_object_set_new(j, "reserved_max_discount_pct", FACT_JSON(r, reserved_max_discount_pct));
    json_object_set_new(j, "sustained_use_discount", FACT_JSON(r, sustained_use_discount));
    json_object_set_new(j, "egress_usd_per_gb", FACT_JSON(r, egress_usd_per_gb));
    json_object_set_new(j, "egress_notes", FACT_JSON(r, egress_notes));
    json_object_set_new(j, "managed_ml", FACT_JSON(r, managed_ml));
    json_object_set_new(j, "tpus", FACT_JSON(r, tpus));
    json_object_set_new(j, "free_tier_credits", FACT_JSON(r, free_tier));
    json_object_set_new(j, "multinode_fabric", FACT_JSON(r, fabric));
    json_object_set_new(j, "sources", FACT_JSON(r, sources));
    return j;
}

/* "no", "No (none listed)": the source says there is none. */
static int says_no(const char *text)
{
    return strncasecmp(text, "no", 2) == 0 && !isalpha((unsigned char)text[2]);
}

/* "/GPU-h (H100 p5.48xlarge us-east-1, FILE:LINE)" after a price. */
static void offer_where(const gp_offer *o)
{
    if (!o)
        return;
    printf("/GPU-h (%s %s%s%s, %s:%u)", o->accel->name, o->instance_type, o->region[0] ? " " : "",
           o->region, o->source, o->line);
}

static void provider_card(const provider_row *r, gp_style st)
{
    char h[16], a[16];
    printf("%s%s%s (%s)\n", st.bold, r->s.provider, st.reset, gp_kind_name(r->s.kind));
    printf("  catalog:         offers %zu, instance types %zu, ", r->s.offers, r->s.instance_types);
    if (r->s.regions)
        printf("regions %zu\n", r->s.regions);
    else
        printf("regions not given\n");
    printf("  accelerators:    %s\n", r->s.accelerators[0] ? r->s.accelerators : "-");
    printf("  cheapest H100:   %s", offer_price(h, sizeof(h), r->s.cheapest_h100));
    offer_where(r->s.cheapest_h100);
    printf("\n  cheapest A100:   %s", offer_price(a, sizeof(a), r->s.cheapest_a100));
    offer_where(r->s.cheapest_a100);
    printf("\n  spot:            %s", FACT(r, spot_available));
    if (!says_no(FACT(r, spot_available)))
        printf("; up to %s%% off stated; notice: %s", FACT(r, spot_max_discount_pct),
               FACT(r, spot_notice));
    putchar('\n');
    if (r->s.spot_offers)
        printf("                   catalog: %zu offers with a spot price, deepest %.0f%% off\n",
               r->s.spot_offers, 100 * r->s.spot_max_discount);
    printf("  reservations:    %s", FACT(r, reserved));
    if (strcmp(FACT(r, reserved_max_discount_pct), "?"))
        printf(" (up to %s%% off)", FACT(r, reserved_max_discount_pct));
    putchar('\n');
    if (strcmp(FACT(r, sustained_use_discount), "?"))
        printf("  sustained use:   %s\n", FACT(r, sustained_use_discount));
    printf("  egress:          $%s/GB first tier; %s\n", FACT(r, egress_usd_per_gb),
           FACT(r, egress_notes));
    printf("  managed ML:      %s\n", FACT(r, managed_ml));
    printf("  TPUs:            %s\n", FACT(r, tpus));
    printf("  free tier:       %s\n", FACT(r, free_tier));
    printf("  fabric:          %s\n", FACT(r, fabric));
    printf("  %ssources: %s%s\n\n", st.dim, FACT(r, sources), st.reset);
}

static const char *pct_cell(char *buf, size_t cap, const char *text, const char *available)
{
    if (available && says_no(available))
        return strcpy(buf, "no");
    if (!strcmp(text, "?"))
        return "?";
    snprintf(buf, cap, "%s%%", text);
    return buf;
}

int gp_market_providers(const gp_market_view *v)
{
    gp_catalog *cat = NULL;
    gp_terms *terms = NULL;
    int rc = gp_cli_load_catalog(v->args, &cat);
    if (rc)
        return rc;
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_terms_load_default(&terms, &err);
    size_t np = 0;
    char *pbuf = NULL;
    const char **want = NULL;
    provider_row *rows = NULL;
    if (st != GP_OK) {
        rc = gp_report("market", st, &err);
        goto out;
    }
    want = gp_cli_split_lists(gp_arg(v->args, "provider"), &np, &pbuf);
    if ((rc = gp_cli_check_providers("market", cat, want, np, "provider")))
        goto out;
    gp_provider_summary *sums = NULL;
    size_t nr = 0;
    st = gp_price_provider_summaries(cat, &sums, &nr, &err);
    if (st != GP_OK) {
        rc = gp_report("market", st, &err);
        goto out;
    }
    rows = calloc(nr + 1, sizeof(*rows));
    if (!rows) {
        free(sums);
        rc = GP_EXIT_FAIL;
        goto out;
    }
    for (size_t i = 0; i < nr; i++)
        rows[i] = (provider_row){sums[i], gp_terms_provider(terms, sums[i].provider)};
    free(sums);
    int kind = gp_arg_set(v->args, "kind") ? gp_kind_parse(gp_arg_text(v->args, "kind", ""))
                                           : -1;
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        int keep = kind < 0 || (int)rows[i].s.kind == kind;
        if (want) {
            int named = 0;
            for (size_t j = 0; j < np; j++)
                named |= strcasecmp(want[j], rows[i].s.provider) == 0;
            keep &= named;
        }
        if (keep)
            rows[k++] = rows[i];
    }
    nr = k;
    gp_style sty = gp_style_for(stdout);
    if (v->fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < nr; i++)
            json_array_append_new(arr, provider_json(&rows[i]));
        rc = gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (v->fmt == FMT_CSV) {
        fputs("provider,kind,offers,instance_types,regions,accelerators,h100_usd_per_gpu_hour,"
              "h100_instance,a100_usd_per_gpu_hour,a100_instance,spot_offers,"
              "spot_max_discount_in_catalog,spot_available,spot_max_discount_pct,spot_notice,"
              "reserved,reserved_max_discount_pct,egress_usd_per_gb,managed_ml,tpus,"
              "free_tier_credits,multinode_fabric,sources\n",
              stdout);
        for (size_t i = 0; i < nr; i++) {
            const provider_row *r = &rows[i];
            gp_csv_cell(stdout, r->s.provider, 1);
            gp_csv_cell(stdout, gp_kind_name(r->s.kind), 0);
            gp_csv_num(stdout, (double)r->s.offers, 0);
            gp_csv_num(stdout, (double)r->s.instance_types, 0);
            gp_csv_num(stdout, (double)r->s.regions, 0);
            gp_csv_cell(stdout, r->s.accelerators, 0);
            gp_csv_num(stdout,
                       r->s.cheapest_h100 ? gp_offer_usd_per_gpu_hour(r->s.cheapest_h100) : NAN, 0);
            gp_csv_cell(stdout, r->s.cheapest_h100 ? r->s.cheapest_h100->instance_type : "", 0);
            gp_csv_num(stdout,
                       r->s.cheapest_a100 ? gp_offer_usd_per_gpu_hour(r->s.cheapest_a100) : NAN, 0);
            gp_csv_cell(stdout, r->s.cheapest_a100 ? r->s.cheapest_a100->instance_type : "", 0);
            gp_csv_num(stdout, (double)r->s.spot_offers, 0);
            gp_csv_num(stdout, r->s.spot_max_discount, 0);
            const size_t fields[] = {
                offsetof(gp_provider_facts, spot_available),
                offsetof(gp_provider_facts, spot_max_discount_pct),
                offsetof(gp_provider_facts, spot_notice),
                offsetof(gp_provider_facts, reserved),
                offsetof(gp_provider_facts, reserved_max_discount_pct),
                offsetof(gp_provider_facts, egress_usd_per_gb),
                offsetof(gp_provider_facts, managed_ml),
                offsetof(gp_provider_facts, tpus),
                offsetof(gp_provider_facts, free_tier),
                offsetof(gp_provider_facts, fabric),
                offsetof(gp_provider_facts, sources)};
            for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
                const char *s = fact(r, fields[f]);
                gp_csv_cell(stdout, strcmp(s, "?") ? s : "", 0);
            }
            gp_csv_end(stdout);
        }
    } else if (want && v->fmt == FMT_TABLE) {
        for (size_t i = 0; i < nr; i++)
            provider_card(&rows[i], sty);
    } else {
        const gp_col cols[] = {
            {"PROVIDER", 0, 0, 0, 0},  {"KIND", 0, 0, 0, 3},      {"GPUS", 1, 0, 0, 4},
            {"TYPES", 1, 0, 0, 5},     {"REGIONS", 1, 0, 0, 4},   {"H100", 1, 0, 0, 0},
            {"A100", 1, 0, 0, 0},      {"SPOT OFF", 1, 0, 0, 1},  {"RESERVED", 1, 0, 0, 1},
            {"EGRESS/GB", 1, 0, 0, 2}, {"TPUS", 0, 12, 3, 6},     {"MANAGED ML", 0, 28, 8, 7},
        };
        gp_table *t = gp_table_new(cols, sizeof(cols) / sizeof(cols[0]));
        for (size_t i = 0; t && i < nr; i++) {
            const provider_row *r = &rows[i];
            char gpus[24], types[24], regions[24], h[16], a[16], spot[32], res[32], eg[32];
            snprintf(gpus, sizeof(gpus), "%zu", r->s.accelerator_count);
            snprintf(types, sizeof(types), "%zu", r->s.instance_types);
            if (r->s.regions)
                snprintf(regions, sizeof(regions), "%zu", r->s.regions);
            else /* the source names no region */
                strcpy(regions, "?");
            const char *egress = FACT(r, egress_usd_per_gb);
            if (strcmp(egress, "?"))
                snprintf(eg, sizeof(eg), "$%s", egress);
            const char *cells[] = {
                r->s.provider,
                gp_kind_name(r->s.kind),
                gpus,
                types,
                regions,
                offer_price(h, sizeof(h), r->s.cheapest_h100),
                offer_price(a, sizeof(a), r->s.cheapest_a100),
                pct_cell(spot, sizeof(spot), FACT(r, spot_max_discount_pct),
                         FACT(r, spot_available)),
                pct_cell(res, sizeof(res), FACT(r, reserved_max_discount_pct), NULL),
                strcmp(egress, "?") ? eg : "?",
                FACT(r, tpus),
                FACT(r, managed_ml)};
            gp_table_add(t, cells);
        }
        if (t)
            gp_table_show(t, v->fmt, v->wide);
        gp_table_free(t);
        if (v->fmt != FMT_MD)
            gp_note("GPUS/TYPES/REGIONS, H100/A100 (cheapest on-demand $/GPU-hour, any "
                   "variant): the catalog. SPOT OFF, RESERVED (stated maximum discounts), "
                   "EGRESS/GB (first tier), TPUS, MANAGED ML: data/providers.csv; ? = no "
                   "source found. --provider NAME shows every field with its sources.");
    }
out:
    free(rows);
    free(want);
    free(pbuf);
    gp_terms_free(terms);
    gp_catalog_free(cat);
    return rc;
}
