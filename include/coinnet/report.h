/* coinnet/report.h — figures for reports, drawn with cairo. */
#ifndef COINNET_REPORT_H
#define COINNET_REPORT_H

#include "coinnet/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The font family figures are drawn in, named so that Chinese applicant and
 * city names render (it has CJK and Latin glyphs; scripts/deps installs it
 * as fonts-wqy-microhei). Without it fontconfig falls back to another sans. */
#define CN_PLOT_FONT "WenQuanYi Micro Hei"

/* Draws nseries line panels stacked over a shared x axis (one panel per
 * series, each with its own y scale), as the reference paper's Figure 1.
 * The format follows the extension of path: .svg, .png or .pdf. y values
 * that are NaN leave a gap. Same inputs give byte-identical files. */
cn_status cn_plot_panels(const char *path, const char *title, const char *xlabel,
                         const double *x, int n, int nseries,
                         const double *const *y, const char *const *names,
                         cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
