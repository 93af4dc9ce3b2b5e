/* gpuplan market claims: renders the 2025 market claims and the verdicts
 * gp_price_claims (gpuplan/prices.h) reaches on the catalog, as text,
 * CSV, JSON or Markdown. */
#include <stdio.h>

#include "gpuplan/prices.h"
#include "load.h"
#include "market.h"

int gp_market_claims(const gp_market_view *v)
{
    gp_catalog *cat = NULL;
    int rc = gp_cli_load_catalog(v->args, &cat);
    if (rc)
        return rc;
    gp_claim c[GP_CLAIMS];
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_price_claims(cat, c, &err);
    if (st != GP_OK) {
        gp_catalog_free(cat);
        return gp_report("market", st, &err);
    }
    if (v->fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (int i = 0; i < GP_CLAIMS; i++) {
            json_t *j = json_object();
            json_object_set_new(j, "id", json_string(c[i].id));
            json_object_set_new(j, "claim", json_string(c[i].text));
            json_object_set_new(j, "verdict", json_string(gp_verdict_name(c[i].verdict)));
            json_object_set_new(j, "evidence", json_string(c[i].evidence));
            json_object_set_new(j, "rule", json_string(c[i].rule));
            json_object_set_new(j, "claim_source", json_string(c[i].basis));
            json_array_append_new(arr, j);
        }
        rc = gp_json_print(arr) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (v->fmt == FMT_CSV) {
        fputs("id,claim,verdict,evidence,rule,claim_source\n", stdout);
        for (int i = 0; i < GP_CLAIMS; i++) {
            gp_csv_cell(stdout, c[i].id, 1);
            gp_csv_cell(stdout, c[i].text, 0);
            gp_csv_cell(stdout, gp_verdict_name(c[i].verdict), 0);
            gp_csv_cell(stdout, c[i].evidence, 0);
            gp_csv_cell(stdout, c[i].rule, 0);
            gp_csv_cell(stdout, c[i].basis, 0);
            gp_csv_end(stdout);
        }
    } else if (v->fmt == FMT_MD) {
        const gp_col cols[] = {{"Claim", 0, 0, 0, 0}, {"Verdict", 0, 0, 0, 0},
                               {"Evidence", 0, 0, 0, 0}, {"Rule", 0, 0, 0, 0}};
        gp_table *t = gp_table_new(cols, 4);
        for (int i = 0; t && i < GP_CLAIMS; i++) {
            const char *cells[] = {c[i].text, gp_verdict_name(c[i].verdict), c[i].evidence,
                                   c[i].rule};
            gp_table_add(t, cells);
        }
        if (t)
            gp_table_show(t, FMT_MD, 1);
        gp_table_free(t);
    } else {
        gp_style s = gp_style_for(stdout);
        for (int i = 0; i < GP_CLAIMS; i++) {
            const char *colour = c[i].verdict == GP_VERDICT_HOLDS          ? s.green
                                 : c[i].verdict == GP_VERDICT_PARTLY        ? s.yellow
                                 : c[i].verdict == GP_VERDICT_DOES_NOT_HOLD ? s.red
                                                                            : s.dim;
            printf("%s%d. \"%s\"%s  %s%s%s\n", s.bold, i + 1, c[i].text, s.reset, colour,
                   gp_verdict_name(c[i].verdict), s.reset);
            char line[GP_EVIDENCE_LEN + 32];
            size_t width = gp_prose_width();
            snprintf(line, sizeof(line), "evidence: %s", c[i].evidence);
            fputs("   ", stdout);
            gp_wrap(line, 3, 13, width);
            snprintf(line, sizeof(line), "rule: %s", c[i].rule);
            printf("   %s", s.dim);
            gp_wrap(line, 3, 9, width);
            fputs(s.reset, stdout);
        }
        gp_note("Claims: the 2025 market picture of the market note (--format json gives each "
                "claim's source). Evidence: the offers loaded, each instance type once at its "
                "cheapest region; 'gpuplan catalog info' says which and how dated.");
    }
    gp_catalog_free(cat);
    return rc;
}
