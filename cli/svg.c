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

/* Opens FILE for a chart of w x h with a white background; reports
 * "gpuplan WHO: cannot write" and returns NULL on failure. */
static FILE *open_svg(const char *path, const char *who, int w, int h)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gpuplan %s: cannot write %s: %s\n", who, path, strerror(errno));
        return NULL;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            w, h, w, h);
    return f;
}

static void svg_title(FILE *f, int x, int y, int size, const char *text)
{
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"bold\">", x, y, size);
    xml_text(f, text);
    fputs("</text>\n", f);
}

/* Ends the document and closes FILE; GP_EXIT_FAIL (reported) when any
 * write failed. */
static int close_svg(FILE *f, const char *path, const char *who)
{
    fputs("</svg>\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "gpuplan %s: cannot write %s\n", who, path);
        return GP_EXIT_FAIL;
    }
    return 0;
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
    case GP_KIND_HYPERSCALER: return "#0072B2"; /* Okabe-Ito blue */
    case GP_KIND_NEOCLOUD: return "#009E73";    /* bluish green */
    case GP_KIND_MARKETPLACE: return "#E69F00"; /* orange */
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

enum { TIME_TICKS_MAX = 64 };

/* The time axis's ticks, in hours, inside the axis (log10 hours): round
 * numbers in the unit they are labelled in (duration()), 1, 2 and 5 times
 * a power of ten of hours below a day and of days from a day up, so a
 * tick reads "5d", never "4.16667d". Returns how many. */
static size_t time_ticks(const axis *ax, double out_hours[TIME_TICKS_MAX])
{
    static const double STEPS[] = {1, 2, 5};
    size_t n = 0;
    for (int unit = 0; unit < 2; unit++) { /* 0: hours, 1: days */
        double scale_h = unit ? 24 : 1;
        for (int d = -3; d <= 6 && n < TIME_TICKS_MAX; d++)
            for (int s = 0; s < 3 && n < TIME_TICKS_MAX; s++) {
                double v = STEPS[s] * pow(10, d) * scale_h;
                if ((unit == 0 && v >= 24) || (unit == 1 && v < 24))
                    continue;
                double l = log10(v);
                if (l >= ax->lo - 1e-9 && l <= ax->hi + 1e-9)
                    out_hours[n++] = v;
            }
    }
    return n;
}

static void ticks(FILE *f, const axis *ax, const axis *ay)
{
    static const double STEPS[] = {1, 2, 5};
    char label[32];
    fputs("<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">\n", f);
    double xt[TIME_TICKS_MAX];
    size_t nxt = time_ticks(ax, xt);
    for (size_t i = 0; i < nxt; i++) {
        double x = px_x(ax, xt[i]);
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
    for (size_t i = 0; i < nxt; i++) {
        duration(label, sizeof(label), xt[i]);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                px_x(ax, xt[i]), H - BOTTOM + 18, label);
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
    FILE *f = open_svg(path, "plan", W, H);
    if (!f)
        return GP_EXIT_FAIL;
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
    char title[200];
    snprintf(title, sizeof(title), "%s on %.3g tokens: cost vs wall-clock time of %zu plans",
             req->job.model->name, req->job.tokens, r->nplans);
    svg_title(f, LEFT, 30, 17, title);
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
                   "stroke=\"#D55E00\" stroke-dasharray=\"6 4\"/><text x=\"%.1f\" y=\"%d\" "
                   "font-size=\"12\" fill=\"#D55E00\">deadline</text></g>\n",
                x, TOP, x, H - BOTTOM, x + 4, TOP + 12);
    }
    if (!isnan(req->budget_usd)) {
        double y = px_y(&ay, req->budget_usd);
        fprintf(f, "<g class=\"budget\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                   "stroke=\"#CC79A7\" stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" "
                   "font-size=\"12\" fill=\"#CC79A7\">budget</text></g>\n",
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
    fputs("</g>\n", f);
    return close_svg(f, path, "plan");
}

/* ---- generic charts (market) --------------------------------------------- */

/* Okabe and Ito's colour-blind-safe palette ("Color Universal Design",
 * 2008): blue, orange, bluish green, vermillion, reddish purple, sky blue
 * and black; its yellow is left out, as a thin line or a label in yellow
 * is hard to read on white. Past seven series the colours repeat with a
 * dashed line (series_dash), and every line is labelled by name at its
 * end, so no series is told apart by colour alone. */
static const char *const PALETTE[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                      "#CC79A7", "#56B4E9", "#000000"};
enum { PALETTE_N = sizeof(PALETTE) / sizeof(PALETTE[0]) };

/* The stroke pattern of series `s`: solid for the first round of colours,
 * then dashed, then dotted. */
static const char *series_dash(size_t s)
{
    switch ((s / PALETTE_N) % 3) {
    case 0: return "";
    case 1: return " stroke-dasharray=\"6 3\"";
    default: return " stroke-dasharray=\"2 3\"";
    }
}

typedef struct vaxis {
    double lo, hi;
    int log;
    double a, b;
} vaxis;

static double vmap(const vaxis *v, double x)
{
    double t = v->log ? (log10(x) - log10(v->lo)) / (log10(v->hi) - log10(v->lo))
                      : (x - v->lo) / (v->hi - v->lo);
    return v->a + t * (v->b - v->a);
}

static vaxis vaxis_for(double lo, double hi, int log_scale, double a, double b)
{
    vaxis v = {lo, hi, log_scale, a, b};
    if (log_scale) {
        v.lo = pow(10, floor(log10(lo)));
        v.hi = pow(10, ceil(log10(hi)));
        if (v.hi <= v.lo)
            v.hi = v.lo * 10;
    } else {
        double span = hi - lo;
        double step = pow(10, floor(log10(span > 0 ? span : 1)));
        v.lo = lo >= 0 && lo - span * 0.1 < 0 ? 0 : floor(lo / step) * step;
        v.hi = ceil(hi / step) * step;
        if (v.hi <= v.lo)
            v.hi = v.lo + 1;
    }
    return v;
}

/* One tick: a grid line and its label. */
static void tick(FILE *f, const vaxis *v, int vertical, int other_lo, int other_hi, double x)
{
    double p = vmap(v, x);
    if (vertical)
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                   "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                other_lo, p, other_hi, p, other_lo - 6, p + 4, x);
    else
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e5e5\"/>"
                   "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
                p, other_lo, p, other_hi, p, other_hi + 16, x);
}

/* Ticks at round values: 1-2-5 in each decade on a log axis (decades only
 * when there are more than three), five even steps on a linear one. */
static void value_ticks(FILE *f, const vaxis *v, int vertical, int other_lo, int other_hi)
{
    fputs("<g font-size=\"11\" fill=\"#333\" stroke=\"none\">\n", f);
    if (v->log) {
        int d0 = (int)floor(log10(v->lo) + 1e-9), d1 = (int)ceil(log10(v->hi) - 1e-9);
        static const double STEPS[] = {1, 2, 5};
        int nsteps = d1 - d0 > 3 ? 1 : 3;
        for (int d = d0; d <= d1; d++)
            for (int k = 0; k < nsteps; k++) {
                double x = STEPS[k] * pow(10, d);
                if (x >= v->lo * (1 - 1e-9) && x <= v->hi * (1 + 1e-9))
                    tick(f, v, vertical, other_lo, other_hi, x);
            }
    } else {
        for (int i = 0; i <= 5; i++)
            tick(f, v, vertical, other_lo, other_hi, v->lo + i * (v->hi - v->lo) / 5);
    }
    fputs("</g>\n", f);
}

int gp_svg_lines(const char *path, const char *title, const char *y_label,
                 const char *const *x_labels, size_t n, const gp_svg_series *series,
                 size_t nseries, int log_y)
{
    return gp_svg_lines_at(path, title, y_label, x_labels, NULL, n, series, nseries, log_y);
}

/* Where label i of n sits on an axis from `left`, `width` wide: evenly
 * spaced, or to scale on x_pos when it is given and spans something. */
static double x_at(const double *x_pos, size_t n, size_t i, double left, double width)
{
    if (x_pos && n > 1 && x_pos[n - 1] > x_pos[0])
        return left + width * (x_pos[i] - x_pos[0]) / (x_pos[n - 1] - x_pos[0]);
    return n > 1 ? left + width / (double)(n - 1) * (double)i : left;
}

int gp_svg_lines_at(const char *path, const char *title, const char *y_label,
                    const char *const *x_labels, const double *x_pos, size_t n,
                    const gp_svg_series *series, size_t nseries, int log_y)
{
    const int w = 1000, h = 560, left = 70, right = 270, top = 50, bottom = 80;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t s = 0; s < nseries; s++)
        for (size_t i = 0; i < n; i++) {
            double a = series[s].low ? series[s].low[i] : series[s].high[i];
            double b = series[s].high[i];
            if (!isnan(a) && (!log_y || a > 0))
                lo = fmin(lo, a);
            if (!isnan(b))
                hi = fmax(hi, b);
        }
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 1;
        hi = 10;
    }
    FILE *f = open_svg(path, "market", w, h);
    if (!f)
        return GP_EXIT_FAIL;
    svg_title(f, 20, 28, 16, title);
    vaxis v = vaxis_for(lo, hi, log_y, h - bottom, top);
    value_ticks(f, &v, 1, left, w - right);
    const double width = (double)(w - left - right);
    fputs("<g font-size=\"11\" fill=\"#333\">\n", f);
    size_t every = n > 16 ? (n + 15) / 16 : 1;
    for (size_t i = 0; i < n; i += every) {
        double x = x_at(x_pos, n, i, left, width);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-40 %.1f %d)\">",
                x, h - bottom + 16, x, h - bottom + 16);
        xml_text(f, x_labels[i]);
        fputs("</text>\n", f);
    }
    fputs("</g>\n", f);
    fprintf(f, "<text x=\"18\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 18 %d)\" "
               "text-anchor=\"middle\">",
            (top + h - bottom) / 2, (top + h - bottom) / 2);
    xml_text(f, y_label);
    fputs("</text>\n", f);
    for (size_t s = 0; s < nseries; s++) {
        const char *c = PALETTE[s % PALETTE_N];
        fprintf(f, "<g class=\"series\">\n");
        if (series[s].low) { /* the band: low..high where both exist */
            for (size_t i = 0; i + 1 < n; i++) {
                const double *lo_v = series[s].low, *hi_v = series[s].high;
                if (isnan(lo_v[i]) || isnan(lo_v[i + 1]) || isnan(hi_v[i]) || isnan(hi_v[i + 1]))
                    continue;
                if (log_y && (lo_v[i] <= 0 || lo_v[i + 1] <= 0))
                    continue;
                double xa = x_at(x_pos, n, i, left, width), xb = x_at(x_pos, n, i + 1, left, width);
                fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.15\" points=\"%.1f,%.1f "
                           "%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>\n",
                        c, xa, vmap(&v, hi_v[i]), xb, vmap(&v, hi_v[i + 1]), xb, vmap(&v, lo_v[i + 1]),
                        xa, vmap(&v, lo_v[i]));
            }
        }
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", c,
                series_dash(s));
        int any = 0;
        for (size_t i = 0; i < n; i++) {
            double y = series[s].high[i];
            if (series[s].low && !isnan(series[s].low[i]))
                y = 0.5 * (series[s].low[i] + y);
            if (isnan(y) || (log_y && y <= 0))
                continue;
            fprintf(f, "%s%.1f,%.1f", any ? " " : "", x_at(x_pos, n, i, left, width), vmap(&v, y));
            any = 1;
        }
        fputs("\"/>\n", f);
        for (size_t i = 0; i < n; i++) {
            double y = series[s].high[i];
            if (series[s].low && !isnan(series[s].low[i]))
                y = 0.5 * (series[s].low[i] + y);
            if (isnan(y) || (log_y && y <= 0))
                continue;
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
                    x_at(x_pos, n, i, left, width), vmap(&v, y), c);
        }
        fprintf(f, "<text x=\"%d\" y=\"%zu\" font-size=\"12\" fill=\"%s\">", w - right + 14,
                (size_t)top + 18 * s + 10, c);
        xml_text(f, series[s].name);
        fputs("</text>\n</g>\n", f);
    }
    return close_svg(f, path, "market");
}

int gp_svg_dotplot(const char *path, const char *title, const char *x_label,
                   const gp_svg_dots *rows, size_t nrows, int log_x)
{
    const int w = 960, left = 220, right = 40, top = 50, row_h = 22;
    const int h = top + (int)nrows * row_h + 60;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 0; r < nrows; r++)
        for (size_t i = 0; i < rows[r].n; i++)
            if (rows[r].values[i] > 0) {
                lo = fmin(lo, rows[r].values[i]);
                hi = fmax(hi, rows[r].values[i]);
            }
    if (!isfinite(lo)) {
        lo = 1;
        hi = 10;
    }
    FILE *f = open_svg(path, "market", w, h);
    if (!f)
        return GP_EXIT_FAIL;
    svg_title(f, 20, 28, 16, title);
    vaxis v = vaxis_for(lo, hi, log_x, left, w - right);
    value_ticks(f, &v, 0, top, h - 50);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">",
            (left + w - right) / 2, h - 14);
    xml_text(f, x_label);
    fputs("</text>\n", f);
    const char *keys[16];
    size_t nkeys = 0;
    for (size_t r = 0; r < nrows; r++) {
        size_t k = 0;
        while (k < nkeys && strcmp(keys[k], rows[r].colour_key))
            k++;
        if (k == nkeys && nkeys < 16)
            keys[nkeys++] = rows[r].colour_key;
        const char *c = PALETTE[k % PALETTE_N];
        double y = top + row_h * ((double)r + 0.5);
        fprintf(f, "<g class=\"row\"><text x=\"%d\" y=\"%.1f\" font-size=\"12\" "
                   "text-anchor=\"end\">",
                left - 10, y + 4);
        xml_text(f, rows[r].label);
        fputs("</text>\n", f);
        for (size_t i = 0; i < rows[r].n; i++)
            if (rows[r].values[i] > 0)
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" "
                           "fill-opacity=\"0.55\"/>\n",
                        vmap(&v, rows[r].values[i]), y, c);
        if (rows[r].median > 0)
            fprintf(f, "<line class=\"median\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#111\" stroke-width=\"2\"/>\n",
                    vmap(&v, rows[r].median), y - 8, vmap(&v, rows[r].median), y + 8);
        fputs("</g>\n", f);
    }
    return close_svg(f, path, "market");
}

int gp_svg_scatter(const char *path, const char *who, const char *title, const char *x_label,
                   const char *y_label, const gp_svg_point *pts, size_t n)
{
    FILE *f = open_svg(path, who, W, H);
    if (!f)
        return GP_EXIT_FAIL;
    double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(pts[i].x > 0) || !(pts[i].y > 0) || !isfinite(pts[i].x) || !isfinite(pts[i].y))
            continue;
        xlo = fmin(xlo, pts[i].x);
        xhi = fmax(xhi, pts[i].x);
        ylo = fmin(ylo, pts[i].y);
        yhi = fmax(yhi, pts[i].y);
    }
    if (!isfinite(xlo)) {
        xlo = ylo = 1;
        xhi = yhi = 10;
    }
    axis ax = range(xlo, xhi), ay = range(ylo, yhi);
    svg_title(f, LEFT, 30, 17, title);
    fputs("<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\" font-size=\"11\">\n", f);
    for (double d = ax.lo; d <= ax.hi + 1e-9; d++) {
        double x = px_x(&ax, pow(10, d));
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, TOP, x, H - BOTTOM);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" stroke=\"none\" fill=\"#333\" "
                   "text-anchor=\"middle\">%g</text>\n",
                x, H - BOTTOM + 16, pow(10, d));
    }
    for (double d = ay.lo; d <= ay.hi + 1e-9; d++) {
        double y = px_y(&ay, pow(10, d));
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, y, W - RIGHT, y);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" stroke=\"none\" fill=\"#333\" "
                   "text-anchor=\"end\">$%g</text>\n",
                LEFT - 6, y + 4, pow(10, d));
    }
    fputs("</g>\n", f);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">", (LEFT + W - RIGHT) / 2,
            H - 25);
    xml_text(f, x_label);
    fprintf(f, "</text>\n<text x=\"20\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" "
               "transform=\"rotate(-90 20 %d)\">",
            (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2);
    xml_text(f, y_label);
    fputs("</text>\n<g class=\"points\">\n", f);
    for (size_t i = 0; i < n; i++) {
        if (!(pts[i].x > 0) || !(pts[i].y > 0) || !isfinite(pts[i].x) || !isfinite(pts[i].y))
            continue;
        double x = px_x(&ax, pts[i].x), y = px_y(&ay, pts[i].y);
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#0072B2\"><title>", x, y);
        xml_text(f, pts[i].label ? pts[i].label : "");
        fprintf(f, "</title></circle><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", x + 7, y + 4);
        xml_text(f, pts[i].label ? pts[i].label : "");
        fputs("</text>\n", f);
    }
    fputs("</g>\n", f);
    return close_svg(f, path, who);
}
