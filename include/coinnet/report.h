/* coinnet/report.h — figures for reports, drawn with cairo. */
#ifndef COINNET_REPORT_H
#define COINNET_REPORT_H

#include "coinnet/base.h"
#include "coinnet/net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The font family figures are drawn in, named so that Chinese applicant and
 * city names render (it has CJK and Latin glyphs; scripts/deps installs it
 * as fonts-wqy-microhei). Without it fontconfig falls back to another sans. */
#define CN_PLOT_FONT "WenQuanYi Micro Hei"

/* Draws nseries line panels stacked over a shared x axis (one panel per
 * series, each with its own y scale and its name above it), as the
 * reference paper's Figure 1. The format follows the extension of path:
 * .svg, .png or .pdf. y values that are NaN leave a gap; the data keep a
 * margin inside each frame, so that no marker is cut. The title is not
 * drawn (a paper's figure has its title in the caption): an SVG holds it
 * as <title>, with a <desc> naming the panels and the x axis (coinnet
 * run's report makes them the caption); a PDF as its Title metadata; a PNG
 * has none. Same inputs give byte-identical files. */
cn_status cn_plot_panels(const char *path, const char *title, const char *xlabel,
                         const double *x, int n, int nseries,
                         const double *const *y, const char *const *names,
                         cn_diag *d);

/* A coefficient plot: terms in rows from the top (the name at the left),
 * each model's estimate a marker (circle, square, triangle, diamond, in
 * shades that stay apart in greyscale) with its interval [lo, hi] as a
 * capped bar, the models of a term side by side; a dashed line at zero,
 * which the axis always shows; a legend of the models when there are
 * several. b, lo and hi are nmodel × nterm, model by model; a NaN b leaves
 * the marker out (the term is not in that model), NaN bounds the bar.
 * xlabel NULL: "estimate". Formats, title and the SVG <desc> as
 * cn_plot_panels; same inputs give byte-identical files. */
cn_status cn_plot_coef(const char *path, const char *title, const char *xlabel, int nmodel,
                       const char *const *models, int nterm, const char *const *terms,
                       const double *b, const double *lo, const double *hi, cn_diag *d);

/* What colours a map's nodes: each stage's Borgatti–Everett core (red)
 * and periphery (light blue); the node's type (firm, government,
 * institute, university, other: `net build`'s nodes.csv); or the stage's
 * connected components (the three largest apart, the others together). */
typedef enum cn_map_colour { CN_MAP_CORE = 0, CN_MAP_TYPE, CN_MAP_COMPONENT } cn_map_colour;
/* What a map's node area grows with: the stage's weighted degree or its
 * degree (distinct partners). */
typedef enum cn_map_size { CN_MAP_WDC = 0, CN_MAP_DEGREE } cn_map_size;

/* An event-study plot: the estimates of nterm terms (a lead or lag of the
 * event each, at relative time times[k], increasing) against their time,
 * each model's estimates joined by a thin line (its colour, dash and
 * marker as in cn_plot_coef) with the intervals [lo, hi] as vertical
 * capped bars, the models side by side around each period; a dashed line
 * at zero effect, which the axis always shows, and a dotted line at -0.5,
 * between the last period before the event (-1) and the event's (0); ref
 * (NaN: none) is the period left out as the reference, drawn as a hollow
 * circle at zero. b, lo, hi are nmodel × nterm, model by model (NaN: not
 * drawn). xlabel NULL: "periods relative to the event"; ylabel NULL:
 * "estimate". Formats, title and <desc> as cn_plot_panels; same inputs
 * give byte-identical files. */
cn_status cn_plot_event(const char *path, const char *title, const char *xlabel, const char *ylabel, int nmodel,
                        const char *const *models, int nterm, const char *const *terms, const double *times,
                        const double *b, const double *lo, const double *hi, double ref, cn_diag *d);

/* Options of a network map. Zero-initialize. */
typedef struct cn_netmap_opts {
  cn_layout layout;                /* CN_LAYOUT_FR (default), KK or DRL */
  uint64_t seed;                   /* the layout's seed */
  int label_top;                   /* name the N largest nodes of each stage */
  int max_nodes;                   /* draw the N largest (union weighted degree); 0: all */
  const char *const *stage_names;  /* one per stage, above its panel */
  const char *const *names;        /* NULL, or a name per node of s (NULL: its label or id) */
  cn_map_colour colour;            /* default CN_MAP_CORE */
  cn_map_size size;                /* default CN_MAP_WDC */
  const char *const *types;        /* CN_MAP_TYPE: a type per node of s (NULL or unknown: other) */
  bool giant;                      /* only the largest component of the stages' union (then max_nodes) */
} cn_netmap_opts;

/* What a map drew: nodes, labels, and labels left out (they would have
 * overlapped another or left their panel). */
typedef struct cn_netmap_info {
  int32_t drawn;
  int labels, labels_skipped;
} cn_netmap_info;

/* A network map of the stages of s, side by side with one layout (from the
 * union of the stages, on the drawn nodes) and one scale: node area by the
 * stage's weighted degree or degree (o->size), colours by o->colour,
 * edges as grey lines of width growing with log(1 + weight), a legend of
 * the colours drawn under the panels. Labels of each stage's label_top
 * largest nodes (by the size measure) are placed greedily, the largest
 * first, at the first of six spots around the node where the label stays
 * inside its panel and meets no other label; a label with no such spot is
 * left out, and the <desc> says how many were. A node without edges in a
 * stage is not drawn there. Formats, title and <desc> (which says how many
 * nodes are drawn and how they were chosen) as cn_plot_panels; same inputs
 * and seed give byte-identical files. info (may be NULL) receives what was
 * drawn. */
cn_status cn_plot_network(const char *path, const char *title, const cn_net_stages *s,
                          const cn_netmap_opts *o, cn_netmap_info *info, cn_diag *d);

/* Simple study figures from a table's columns: bars, lines or points. */
typedef enum cn_xy_kind { CN_PLOT_BAR = 1, CN_PLOT_LINE, CN_PLOT_SCATTER } cn_xy_kind;

/* Options of cn_plot_table. Zero-initialize. */
typedef struct cn_xyplot_opts {
  cn_xy_kind kind;
  const char *x, *y;           /* the columns (Y numeric; X numeric but for bars) */
  const char *by;              /* NULL, or the column of the groups (at most 12) */
  const char *xlabel, *ylabel; /* the axis labels; NULL: the column names */
  const char *where;           /* the table's name in errors ("data.csv") */
} cn_xyplot_opts;

/* What cn_plot_table drew: rows read, rows left out for a missing (or
 * infinite) X, Y or group, points drawn and groups (0 without by). */
typedef struct cn_xyplot_info {
  int64_t rows, dropped, points;
  int groups;
} cn_xyplot_info;

/* A bar, line or scatter plot of columns o->y against o->x of t, one
 * colour (and marker shape, dash, in greyscale) per group of o->by, in
 * the order the groups first appear. Bar: one bar per row, standing on
 * zero, the categories being X's values (text in order of appearance,
 * numbers ascending) with the groups side by side; an X value repeated
 * within a group is an error naming the two data rows (a bar chart draws
 * given values, it does not sum). Line: Y against numeric X, one line per
 * group through its points sorted by X (an X repeated within a group is an
 * error). Scatter: a marker per row. Rows with a missing X, Y or group
 * are left out and counted in info and the <desc>. Formats, title and
 * <desc> as cn_plot_panels; same inputs give byte-identical files. */
cn_status cn_plot_table(const char *path, const char *title, const cn_table *t, const cn_xyplot_opts *o,
                        cn_xyplot_info *info, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
