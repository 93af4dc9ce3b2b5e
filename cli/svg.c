/* SVG charts of the planner's candidates. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "svg.h"

enum { W = 960, H = 600, LEFT = 90, RIGHT = 250, TOP = 60, BOTTOM = 70 };

typedef struct axis {
    double lo, hi; /* log10 of the range */
} axis;

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static double px_x(const axis *a, double v)
{
    return LEFT + (log10(v) - a->lo) / (a->hi - a->lo) * (W - LEFT - RIGHT);
}

static double px_y(const axis *a, double v)
{
    return H - BOTTOM - (log10(v) - a->lo) / (a->hi - a->lo) * (H - TOP - BOTTOM);
}

/* Log range covering [lo, hi] (and extra values), padded, at least one
 * decade wide. */
static axis range(double lo, double hi)
{
    axis a = {floor(log10(lo) - 0.05), ceil(log10(hi) + 0.05)};
    if (a.hi - a.lo < 1)
        a.hi = a.lo + 1;
    return a;
}

static const char *kind_colour(gp_kind k)
{
    switch (k) {
    case GP_KIND_HYPERSCALER: return "#1f77b4";
    case GP_KIND_NEOCLOUD: return "#2ca02c";
    case GP_KIND_MARKETPLACE: return "#ff7f0e";
    default: return "#7f7f7f";
    }
}

static void money(char *buf, size_t cap, double usd)
{
    if (usd >= 1e9)
        snprintf(buf, cap, "$%gB", usd / 1e9);
    else if (usd >= 1e6)
        snprintf(buf, cap, "$%gM", usd / 1e6);
    else if (usd >= 1e3)
        snprintf(buf, cap, "$%gk", usd / 1e3);
    else
        snprintf(buf, cap, "$%g", usd);
}

static void duration(char *buf, size_t cap, double hours)
{
    if (hours >= 24)
        snprintf(buf, cap, "%gd", hours / 24);
    else
        snprintf(buf, cap, "%gh", hours);
}

static void ticks(FILE *f, const axis *ax, const axis *ay)
{
    static const double STEPS[] = {1, 2, 5};
    char label[32];
    fputs("<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">\n", f);
    for (double d = ax->lo; d < ax->hi + 1e-9; d++)
        for (int s = 0; s < 3; s++) {
            double v = STEPS[s] * pow(10, d);
            if (log10(v) > ax->hi + 1e-9)
                break;
            double x = px_x(ax, v);
            fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x, TOP, x,
                    H - BOTTOM);
        }
    for (double d = ay->lo; d < ay->hi + 1e-9; d++)
        for (int s = 0; s < 3; s++) {
            double v = STEPS[s] * pow(10, d);
            if (log10(v) > ay->hi + 1e-9)
                break;
            double y = px_y(ay, v);
            fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", LEFT, y,
                    W - RIGHT, y);
        }
    fputs("</g>\n<g class=\"ticks\" font-size=\"12\" fill=\"#333\">\n", f);
    for (double d = ax->lo; d < ax->hi + 1e-9; d++)
        for (int s = 0; s < 3; s++) {
            double v = STEPS[s] * pow(10, d);
            if (log10(v) > ax->hi + 1e-9)
                break;
            duration(label, sizeof(label), v);
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    px_x(ax, v), H - BOTTOM + 18, label);
        }
    for (double d = ay->lo; d < ay->hi + 1e-9; d++)
        for (int s = 0; s < 3; s++) {
            double v = STEPS[s] * pow(10, d);
            if (log10(v) > ay->hi + 1e-9)
                break;
            money(label, sizeof(label), v);
            fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 8,
                    px_y(ay, v) + 4, label);
        }
    fputs("</g>\n", f);
}

static void point(FILE *f, const gp_plan *p, const axis *ax, const axis *ay)
{
    double x = px_x(ax, p->hours), y = px_y(ay, p->cost_usd);
    const char *c = kind_colour(p->offer->kind);
    fprintf(f, "<g><title>");
    char title[256];
    snprintf(title, sizeof(title), "#%d %s %s, %d x %s, %s: %.1f days, $%.0f", p->rank,
             p->offer->provider, p->offer->instance_type, p->gpus, p->offer->gpu,
             gp_term_name(p->term), p->hours / 24, p->cost_usd);
    xml_text(f, title);
    fputs("</title>", f);
    if (p->term == GP_TERM_SPOT)
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"none\" stroke=\"%s\" "
                   "stroke-width=\"1.5\"/>",
                x, y, c);
    else if (p->term == GP_TERM_RESERVED)
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"%s\" "
                   "fill-opacity=\"0.6\"/>",
                x - 3.5, y - 3.5, c);
    else
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" "
                   "fill-opacity=\"0.7\"/>",
                x, y, c);
    fputs("</g>\n", f);
}

static int cmp_hours(const void *a, const void *b)
{
    const gp_plan *p = *(const gp_plan *const *)a, *q = *(const gp_plan *const *)b;
    return (p->hours > q->hours) - (p->hours < q->hours);
}

int gp_svg_plans(const char *path, const gp_plan_result *r, const gp_plan_request *req)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gpuplan plan: cannot write %s: %s\n", path, strerror(errno));
        return GP_EXIT_FAIL;
    }
    double hlo = INFINITY, hhi = 0, clo = INFINITY, chi = 0;
    for (size_t i = 0; i < r->nplans; i++) {
        const gp_plan *p = &r->plans[i];
        if (!isfinite(p->hours) || !(p->cost_usd > 0))
            continue;
        hlo = fmin(hlo, p->hours);
        hhi = fmax(hhi, p->hours);
        clo = fmin(clo, p->cost_usd);
        chi = fmax(chi, p->cost_usd);
    }
    if (!isnan(req->deadline_hours) && req->deadline_hours > 0) {
        hlo = fmin(hlo, req->deadline_hours);
        hhi = fmax(hhi, req->deadline_hours);
    }
    if (!isnan(req->budget_usd)) {
        clo = fmin(clo, req->budget_usd);
        chi = fmax(chi, req->budget_usd);
    }
    if (!isfinite(hlo)) { /* no plan: an empty chart */
        hlo = 1;
        hhi = 10;
        clo = 1;
        chi = 10;
    }
    axis ax = range(hlo, hhi), ay = range(clo, chi);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            W, H, W, H);
    fprintf(f, "<text x=\"%d\" y=\"30\" font-size=\"17\" font-weight=\"bold\">", LEFT);
    char title[200];
    snprintf(title, sizeof(title), "%s on %.3g tokens: cost vs wall-clock time of %zu plans",
             req->job.model->name, req->job.tokens, r->nplans);
    xml_text(f, title);
    fputs("</text>\n", f);
    ticks(f, &ax, &ay);
    fprintf(f, "<g stroke=\"#333\" stroke-width=\"1\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
               "y2=\"%d\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>\n",
            LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, LEFT, TOP, LEFT, H - BOTTOM);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">wall-clock "
               "time (log scale)</text>\n",
            (LEFT + W - RIGHT) / 2, H - 25);
    fprintf(f, "<text x=\"20\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" "
               "transform=\"rotate(-90 20 %d)\">total cost, USD (log scale)</text>\n",
            (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2);
    /* Constraints. */
    if (!isnan(req->deadline_hours) && req->deadline_hours > 0) {
        double x = px_x(&ax, req->deadline_hours);
        fprintf(f, "<g class=\"deadline\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                   "stroke=\"#d62728\" stroke-dasharray=\"6 4\"/><text x=\"%.1f\" y=\"%d\" "
                   "font-size=\"12\" fill=\"#d62728\">deadline</text></g>\n",
                x, TOP, x, H - BOTTOM, x + 4, TOP + 12);
    }
    if (!isnan(req->budget_usd)) {
        double y = px_y(&ay, req->budget_usd);
        fprintf(f, "<g class=\"budget\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                   "stroke=\"#9467bd\" stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" "
                   "font-size=\"12\" fill=\"#9467bd\">budget</text></g>\n",
                LEFT, y, W - RIGHT, y, W - RIGHT - 50, y - 5);
    }
    /* Every candidate, then the frontier over them. */
    fputs("<g class=\"plans\">\n", f);
    for (size_t i = 0; i < r->nplans; i++)
        if (isfinite(r->plans[i].hours) && r->plans[i].cost_usd > 0)
            point(f, &r->plans[i], &ax, &ay);
    fputs("</g>\n", f);
    const gp_plan **front = malloc((r->nplans ? r->nplans : 1) * sizeof(*front));
    size_t nf = 0;
    for (size_t i = 0; front && i < r->nplans; i++)
        if (r->plans[i].pareto && r->plans[i].cost_usd > 0)
            front[nf++] = &r->plans[i];
    if (front && nf > 0) {
        qsort(front, nf, sizeof(*front), cmp_hours);
        fputs("<polyline class=\"frontier\" fill=\"none\" stroke=\"#111\" "
              "stroke-width=\"1.5\" points=\"",
              f);
        for (size_t i = 0; i < nf; i++)
            fprintf(f, "%s%.1f,%.1f", i ? " " : "", px_x(&ax, front[i]->hours),
                    px_y(&ay, front[i]->cost_usd));
        fputs("\"/>\n<g class=\"frontier-labels\" font-size=\"11\" fill=\"#111\">\n", f);
        /* Label up to 10 frontier points, spread over the frontier. */
        size_t step = nf > 10 ? (nf + 9) / 10 : 1;
        for (size_t i = 0; i < nf; i += step) {
            char label[128];
            snprintf(label, sizeof(label), "%s %dx%s %s", front[i]->offer->provider,
                     front[i]->gpus, front[i]->offer->gpu, gp_term_name(front[i]->term));
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", px_x(&ax, front[i]->hours) + 6,
                    px_y(&ay, front[i]->cost_usd) - 6);
            xml_text(f, label);
            fputs("</text>\n", f);
        }
        fputs("</g>\n", f);
    }
    free(front);
    /* Legend. */
    int lx = W - RIGHT + 20, ly = TOP + 10;
    static const struct { gp_kind kind; const char *name; } KINDS[] = {
        {GP_KIND_HYPERSCALER, "hyperscaler"}, {GP_KIND_NEOCLOUD, "neocloud"},
        {GP_KIND_MARKETPLACE, "marketplace"}, {GP_KIND_UNKNOWN, "other"}};
    fprintf(f, "<g class=\"legend\" font-size=\"12\">\n");
    for (int i = 0; i < 4; i++) {
        fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/><text x=\"%d\" "
                   "y=\"%d\">%s</text>\n",
                lx, ly + 18 * i, kind_colour(KINDS[i].kind), lx + 10, ly + 18 * i + 4,
                KINDS[i].name);
    }
    fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#333\"/><text x=\"%d\" y=\"%d\">"
               "on-demand</text>\n",
            lx, ly + 90, lx + 10, ly + 94);
    fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"none\" stroke=\"#333\"/><text "
               "x=\"%d\" y=\"%d\">spot (expected)</text>\n",
            lx, ly + 108, lx + 10, ly + 112);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"7\" height=\"7\" fill=\"#333\"/><text x=\"%d\" "
               "y=\"%d\">reserved</text>\n",
            lx - 3, ly + 122, lx + 10, ly + 130);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#111\" "
               "stroke-width=\"1.5\"/><text x=\"%d\" y=\"%d\">cost-time frontier</text>\n",
            lx - 6, ly + 144, lx + 6, ly + 144, lx + 10, ly + 148);
    fputs("</g>\n</svg>\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "gpuplan plan: cannot write %s\n", path);
        return GP_EXIT_FAIL;
    }
    return 0;
}
