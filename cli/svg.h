/* SVG charts. Rendering only: the planner computes, this draws. */
#ifndef GP_CLI_SVG_H
#define GP_CLI_SVG_H

#include "gpuplan/plan.h"

/* Writes a cost (y) vs wall-clock time (x) scatter of every plan to `path`:
 * points coloured by provider kind and shaped by term, the cost-time
 * frontier drawn and labelled, the deadline and budget as dashed lines.
 * Both axes are logarithmic. Prints the problem and returns 1 when the
 * file cannot be written; 0 on success. */
int gp_svg_plans(const char *path, const gp_plan_result *r, const gp_plan_request *req);

/* A line chart: one line per series over shared x positions, with an
 * optional band (low..high) drawn under the line. NAN points are skipped
 * (the line joins its neighbours). */
typedef struct gp_svg_series {
    const char *name;
    const double *low, *high;   /* n values each; low may be NULL (no band) */
} gp_svg_series;

int gp_svg_lines(const char *path, const char *title, const char *y_label,
                 const char *const *x_labels, size_t n, const gp_svg_series *series,
                 size_t nseries, int log_y);

/* The same chart with each label i at position x_pos[i] (any increasing
 * numbers, e.g. days): a time axis drawn to scale, not evenly spaced. */
int gp_svg_lines_at(const char *path, const char *title, const char *y_label,
                    const char *const *x_labels, const double *x_pos, size_t n,
                    const gp_svg_series *series, size_t nseries, int log_y);

/* A dot plot: for each category (row) its values as dots and its median as
 * a tick; categories are grouped under a label. */
typedef struct gp_svg_dots {
    const char *label;          /* e.g. "H100 hyperscaler" */
    const char *colour_key;     /* dots of one key share a colour */
    const double *values;
    size_t n;
    double median;
} gp_svg_dots;

int gp_svg_dotplot(const char *path, const char *title, const char *x_label,
                   const gp_svg_dots *rows, size_t nrows, int log_x);

/* A labelled scatter, both axes logarithmic: one dot per point with its
 * label beside it and as its tooltip. `who` names the command in error
 * messages. Returns 1 (reported) when the file cannot be written. */
typedef struct gp_svg_point {
    double x, y;
    const char *label;
} gp_svg_point;

int gp_svg_scatter(const char *path, const char *who, const char *title, const char *x_label,
                   const char *y_label, const gp_svg_point *pts, size_t n);

#endif
