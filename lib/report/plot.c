/* lib/report/plot.c — stacked line panels with cairo (SVG, PNG, PDF). */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "../base/base_int.h"
#include "coinnet/report.h"

/* A "nice" step for about `want` ticks over [lo, hi]. */
static double nice_step(double lo, double hi, int want) {
  double raw = (hi - lo) / want, mag = pow(10, floor(log10(raw))), f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

static void text_at(cairo_t *cr, double x, double y, const char *s, double align) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  cairo_move_to(cr, x - align * e.x_advance, y);
  cairo_show_text(cr, s);
}

/* Draws the panels on cr, W x H points. The title is not drawn: a figure
 * in a paper carries it in its caption (the SVG's <title>, the PDF's
 * metadata). Each panel's name stands above its frame; inside the frame
 * the data keep a margin of pad points, so that no marker touches it. */
static void draw(cairo_t *cr, double W, double H, const char *xlabel, const double *x, int n, int ns,
                 const double *const *y, const char *const *names) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  double left = 70, right = 20, top = 30, bottom = 45, gap = 40, pad = 10, r = 2.5;
  double ph = (H - top - bottom - gap * (ns - 1)) / ns, pw = W - left - right;
  double xlo = INFINITY, xhi = -INFINITY;
  for (int i = 0; i < n; i++) xlo = fmin(xlo, x[i]), xhi = fmax(xhi, x[i]);
  if (!(xhi > xlo)) xlo -= 1, xhi += 1;
  for (int s = 0; s < ns; s++) {
    double y0 = top + s * (ph + gap), lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++)
      if (!isnan(y[s][i])) lo = fmin(lo, y[s][i]), hi = fmax(hi, y[s][i]);
    if (!(hi >= lo)) lo = 0, hi = 1;
    if (lo > 0 && lo < hi * 0.5) lo = 0;
    if (hi == lo) hi = lo + 1;
    double step = nice_step(lo, hi, 4);
    lo = floor(lo / step) * step;
    hi = ceil(hi / step) * step;
#define PX(v) (left + pad + ((v) - xlo) / (xhi - xlo) * (pw - 2 * pad))
#define PY(v) (y0 + ph - pad - ((v) - lo) / (hi - lo) * (ph - 2 * pad))
    cairo_set_line_width(cr, 0.5);
    cairo_set_font_size(cr, 10);
    char lab[64];
    for (double t = lo; t <= hi + step * 1e-9; t += step) {
      cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
      cairo_move_to(cr, left, PY(t));
      cairo_line_to(cr, left + pw, PY(t));
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      snprintf(lab, sizeof lab, "%g", fabs(t) < step * 1e-9 ? 0.0 : t);
      text_at(cr, left - 5, PY(t) + 3, lab, 1);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, left, y0, pw, ph);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 11);
    text_at(cr, left, y0 - 7, names[s], 0);
    cairo_set_source_rgb(cr, 0.12, 0.35, 0.65);
    cairo_set_line_width(cr, 1.8);
    bool pen = false;
    for (int i = 0; i < n; i++) {
      if (isnan(y[s][i])) {
        pen = false;
        continue;
      }
      if (pen) cairo_line_to(cr, PX(x[i]), PY(y[s][i]));
      else cairo_move_to(cr, PX(x[i]), PY(y[s][i]));
      pen = true;
    }
    cairo_stroke(cr);
    for (int i = 0; i < n; i++)
      if (!isnan(y[s][i])) {
        cairo_arc(cr, PX(x[i]), PY(y[s][i]), r, 0, 2 * M_PI);
        cairo_fill(cr);
      }
  }
  /* x ticks under the last panel */
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_font_size(cr, 10);
  double ybase = H - bottom, xs = nice_step(xlo, xhi, 8);
  if (xs < 1) xs = 1;
  char lab[64];
  for (double t = ceil(xlo / xs) * xs; t <= xhi + 1e-9; t += xs) {
    snprintf(lab, sizeof lab, "%g", t);
    text_at(cr, PX(t), ybase + 14, lab, 0.5);
  }
  cairo_set_font_size(cr, 11);
  if (xlabel) text_at(cr, left + pw / 2, ybase + 32, xlabel, 0.5);
#undef PX
#undef PY
}

/* s with &, <, > escaped for XML text, appended to b. */
static void xml_text(cn_buf *b, const char *s) {
  for (const char *p = s; *p; p++) {
    const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : NULL;
    if (e) cn__buf_append(b, e, strlen(e));
    else cn__buf_append(b, p, 1);
  }
}

/* Puts <title> and <desc> right after the opening <svg ...> tag of the
 * file cairo wrote, so that a reader of the SVG (and coinnet run's report,
 * which makes them the caption) has the figure's title and what its
 * panels show. */
static cn_status svg_describe(const char *path, const char *title, const char *xlabel, int ns,
                              const char *const *names, cn_diag *d) {
  cn_status st = CN_OK;
  cn_buf in = {0}, out = {0};
  char chunk[8192];
  size_t k;
  FILE *fp = fopen(path, "rb");
  if (!fp) return cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot read the figure back: %s", strerror(errno));
  while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) cn__buf_append(&in, chunk, k);
  fclose(fp);
  cn__buf_append(&in, "", 0);
  const char *svg = in.failed ? NULL : strstr(in.data, "<svg");
  const char *gt = svg ? strchr(svg, '>') : NULL;
  if (!gt) {
    st = in.failed ? cn_diag_set(d, CN_EINTERNAL, "out of memory")
                   : cn_diag_at(d, CN_EDATA, path, 0, 0, "cairo wrote no <svg> element");
    goto done;
  }
  size_t head = (size_t)(gt + 1 - in.data);
  cn__buf_append(&out, in.data, head);
  if (title) {
    cn__buf_append(&out, "\n<title>", 8);
    xml_text(&out, title);
    cn__buf_append(&out, "</title>", 8);
  }
  cn__buf_append(&out, "\n<desc>", 7);
  xml_text(&out, ns > 1 ? "Panels from top to bottom: " : "");
  for (int s = 0; s < ns; s++) {
    if (s) cn__buf_append(&out, ", ", 2);
    xml_text(&out, names[s]);
  }
  if (xlabel) {
    xml_text(&out, "; by ");
    xml_text(&out, xlabel);
  }
  cn__buf_append(&out, ".</desc>", 8);
  cn__buf_append(&out, in.data + head, in.len - 1 - head);
  if (out.failed) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  fp = fopen(path, "wb");
  bool ok = fp && fwrite(out.data, 1, out.len, fp) == out.len;
  if (fp && fclose(fp) != 0) ok = false;
  if (!ok) st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write the figure: %s", strerror(errno));
done:
  cn__buf_free(&in);
  cn__buf_free(&out);
  return st;
}

/* cn_plot_panels into the file path (the output's temporary name). */
static cn_status plot_to(const char *path, const char *title, const char *xlabel,
                         const double *x, int n, int nseries, const double *const *y,
                         const char *const *names, cn_diag *d) {
  const char *ext = strrchr(path, '.');
  double W = 640, H = 140 + 150.0 * nseries;
  cairo_surface_t *sf = NULL;
  cn_status st = CN_OK;
  if (nseries < 1) return cn_diag_set(d, CN_EUSAGE, "nothing to plot");
  bool png = ext && !strcasecmp(ext, ".png"), svg = ext && !strcasecmp(ext, ".svg");
  if (svg) {
    sf = cairo_svg_surface_create(path, W, H);
  } else if (ext && !strcasecmp(ext, ".pdf")) {
    sf = cairo_pdf_surface_create(path, W, H);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, "");
    if (title) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
  } else if (png) {
    sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)W * 2, (int)H * 2);
  } else {
    return cn_diag_at(d, CN_EUSAGE, path, 0, 0, "a figure must end in .svg, .png or .pdf");
  }
  if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot create the figure: %s",
                    cairo_status_to_string(cairo_surface_status(sf)));
    goto done;
  }
  cairo_t *cr = cairo_create(sf);
  if (png) cairo_scale(cr, 2, 2);
  draw(cr, W, H, xlabel, x, n, nseries, y, names);
  cairo_status_t cs = cairo_status(cr);
  cairo_destroy(cr);
  if (cs == CAIRO_STATUS_SUCCESS && png) cs = cairo_surface_write_to_png(sf, path);
  cairo_surface_finish(sf);
  if (cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_status(sf);
  if (cs != CAIRO_STATUS_SUCCESS)
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write the figure: %s",
                    cairo_status_to_string(cs));
  else if (svg) {
    cairo_surface_destroy(sf);
    sf = NULL;
    st = svg_describe(path, title, xlabel, nseries, names, d);
  }
done:
  cairo_surface_destroy(sf);
  return st;
}

cn_status cn_plot_panels(const char *path, const char *title, const char *xlabel,
                         const double *x, int n, int nseries, const double *const *y,
                         const char *const *names, cn_diag *d) {
  const char *ext = strrchr(path, '.');
  if (nseries < 1) return cn_diag_set(d, CN_EUSAGE, "nothing to plot");
  if (!ext || (strcasecmp(ext, ".svg") && strcasecmp(ext, ".png") && strcasecmp(ext, ".pdf")))
    return cn_diag_at(d, CN_EUSAGE, path, 0, 0, "a figure must end in .svg, .png or .pdf");
  /* written under a temporary name beside path, then put in place */
  cn_output *o = NULL;
  cn_status st = cn_output_open(path, 0, &o, d);
  if (st != CN_OK) return st;
  st = plot_to(cn_output_path(o), title, xlabel, x, n, nseries, y, names, d);
  if (st == CN_OK) return cn_output_commit(o, d);
  cn__output_name_diag(o, d);
  cn_output_discard(o);
  return st;
}
