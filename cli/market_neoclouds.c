/* gpuplan market neoclouds: renders the neocloud facts of
 * data/market-neoclouds.csv (gpuplan/market.h), filtered by provider and
 * metric, as a table, CSV or JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "market.h"

int gp_market_neoclouds(const gp_market_view *v)
{
    gp_market *m = NULL;
    int rc = gp_market_cli_load(&m);
    if (rc)
        return rc;
    size_t np = 0, nm = 0;
    char *pbuf = NULL, *mbuf = NULL;
    const char **prov = gp_cli_split_lists(gp_arg(v->args, "provider"), &np, &pbuf);
    const char **met = gp_cli_split_lists(gp_arg(v->args, "metric"), &nm, &mbuf);
    const char *known_p[128], *known_m[128];
    size_t nkp = 0, nkm = 0;
    size_t n = gp_market_fact_count(m);
    for (size_t i = 0; i < n; i++) {
        gp_market_add_name(known_p, &nkp, 128, gp_market_fact(m, i)->provider);
        gp_market_add_name(known_m, &nkm, 128, gp_market_fact(m, i)->metric);
    }
    if ((rc = gp_market_check_names("provider", prov, np, known_p, nkp, "provider")) ||
        (rc = gp_market_check_names("metric", met, nm, known_m, nkm, "metric")))
        goto out;
    json_t *arr = v->fmt == FMT_JSON ? json_array() : NULL;
    gp_table *t = NULL;
    if (v->fmt == FMT_CSV) {
        fputs("provider,metric,value,unit,as_of,source,quote,line\n", stdout);
    } else if (v->fmt != FMT_JSON) {
        const gp_col cols[] = {{"PROVIDER", 0, 24, 12, 0}, {"METRIC", 0, 28, 12, 0},
                               {"VALUE", 1, 0, 0, 0},      {"UNIT", 0, 24, 8, 0},
                               {"AS OF", 0, 16, 10, 1},    {"SOURCE", 0, 48, 16, 2},
                               {"QUOTE", 0, 60, 20, 3}};
        t = gp_table_new(cols, 7);
    }
    for (size_t i = 0; i < n; i++) {
        const gp_fact_row *f = gp_market_fact(m, i);
        if ((prov && !gp_market_has_name(prov, np, f->provider)) ||
            (met && !gp_market_has_name(met, nm, f->metric)))
            continue;
        if (arr) {
            json_t *j = json_object();
            json_object_set_new(j, "provider", json_string(f->provider));
            json_object_set_new(j, "metric", json_string(f->metric));
            json_object_set_new(j, "value", gp_json_num(f->value));
            json_object_set_new(j, "unit", gp_json_str(f->unit));
            json_object_set_new(j, "as_of", gp_json_str(f->as_of));
            json_object_set_new(j, "source", json_string(f->source));
            json_object_set_new(j, "quote", gp_json_str(f->quote));
            json_object_set_new(j, "line", json_integer(f->line));
            json_array_append_new(arr, j);
        } else if (v->fmt == FMT_CSV) {
            gp_csv_cell(stdout, f->provider, 1);
            gp_csv_cell(stdout, f->metric, 0);
            gp_csv_num(stdout, f->value, 0);
            gp_csv_cell(stdout, f->unit, 0);
            gp_csv_cell(stdout, f->as_of, 0);
            gp_csv_cell(stdout, f->source, 0);
            gp_csv_cell(stdout, f->quote, 0);
            gp_csv_num(stdout, (double)f->line, 0);
            gp_csv_end(stdout);
        } else if (t) {
            char value[32];
            if (isnan(f->value))
                strcpy(value, "-");
            else if (fabs(f->value) >= 1e4)
                gp_fmt_int(value, sizeof(value), f->value);
            else
                gp_fmt_count(value, sizeof(value), f->value);
            const char *cells[] = {f->provider, f->metric, value, f->unit,
                                   f->as_of[0] ? f->as_of : "undated", f->source, f->quote};
            gp_table_add(t, cells);
        }
    }
    if (arr) {
        json_t *root = json_object();
        json_object_set_new(root, "data", json_string("data/market-neoclouds.csv"));
        json_object_set_new(root, "facts", arr);
        rc = gp_json_print(root) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (t) {
        gp_table_show(t, v->fmt, v->wide);
        gp_table_free(t);
        if (v->fmt != FMT_MD) {
            gp_note("As stated by each source, several of them third-party or "
                   "paraphrased; figures of one provider may differ by date and by what "
                   "they count. Sources: data/market-neoclouds.csv.");
        }
    }
out:
    free(prov);
    free(pbuf);
    free(met);
    free(mbuf);
    gp_market_free(m);
    return rc;
}
