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

#ifdef __cplusplus
}
#endif
#endif
