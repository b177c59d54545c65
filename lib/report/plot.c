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

/* Puts <title> and <desc> (desc: plain text) right after the opening
 * <svg ...> tag of the file cairo wrote, so that a reader of the SVG (and
 * coinnet run's report, which makes them the caption) has the figure's
 * title and what it shows. */
static cn_status svg_describe(const char *path, const char *title, const char *desc, cn_diag *d) {
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
  xml_text(&out, desc);
  cn__buf_append(&out, "</desc>", 7);
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

/* What a figure draws: fn(cr, W, H, ctx). */
typedef void (*draw_fn)(cairo_t *cr, double W, double H, const void *ctx);

/* Draws a W x H figure into the file path (the output's temporary name),
 * in the format of its extension, with title and desc as metadata. */
static cn_status figure_to(const char *path, double W, double H, draw_fn fn, const void *ctx,
                           const char *title, const char *desc, cn_diag *d) {
  const char *ext = strrchr(path, '.');
  cairo_surface_t *sf = NULL;
  cn_status st = CN_OK;
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
  fn(cr, W, H, ctx);
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
    st = svg_describe(path, title, desc, d);
  }
done:
  cairo_surface_destroy(sf);
  return st;
}

/* figure_to under a temporary name beside path, put in place on success. */
static cn_status figure_write(const char *path, double W, double H, draw_fn fn, const void *ctx,
                              const char *title, const char *desc, cn_diag *d) {
  const char *ext = strrchr(path, '.');
  if (!ext || (strcasecmp(ext, ".svg") && strcasecmp(ext, ".png") && strcasecmp(ext, ".pdf")))
    return cn_diag_at(d, CN_EUSAGE, path, 0, 0, "a figure must end in .svg, .png or .pdf");
  cn_output *o = NULL;
  cn_status st = cn_output_open(path, 0, &o, d);
  if (st != CN_OK) return st;
  st = figure_to(cn_output_path(o), W, H, fn, ctx, title, desc, d);
  if (st == CN_OK) return cn_output_commit(o, d);
  cn__output_name_diag(o, d);
  cn_output_discard(o);
  return st;
}

typedef struct panels_ctx {
  const char *xlabel;
  const double *x;
  int n, ns;
  const double *const *y;
  const char *const *names;
} panels_ctx;

static void draw_panels(cairo_t *cr, double W, double H, const void *ctx) {
  const panels_ctx *c = ctx;
  draw(cr, W, H, c->xlabel, c->x, c->n, c->ns, c->y, c->names);
}

cn_status cn_plot_panels(const char *path, const char *title, const char *xlabel,
                         const double *x, int n, int nseries, const double *const *y,
                         const char *const *names, cn_diag *d) {
  if (nseries < 1) return cn_diag_set(d, CN_EUSAGE, "nothing to plot");
  cn_buf desc = {0};
  if (nseries > 1) cn__buf_append(&desc, "Panels from top to bottom: ", 27);
  for (int s = 0; s < nseries; s++) {
    if (s) cn__buf_append(&desc, ", ", 2);
    cn__buf_append(&desc, names[s], strlen(names[s]));
  }
  if (xlabel) {
    cn__buf_append(&desc, "; by ", 5);
    cn__buf_append(&desc, xlabel, strlen(xlabel));
  }
  cn__buf_append(&desc, ".", 1);
  if (desc.failed) {
    cn__buf_free(&desc);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  panels_ctx c = {xlabel, x, n, nseries, y, names};
  cn_status st = figure_write(path, 640, 140 + 150.0 * nseries, draw_panels, &c, title, desc.data, d);
  cn__buf_free(&desc);
  return st;
}

/* ---- coefficient plots ---- */

typedef struct coef_ctx {
  int nm, nt;
  const char *const *models, *const *terms;
  const double *b, *lo, *hi;
  const char *xlabel;
} coef_ctx;

/* The marker of model m at (x, y): a circle, a square, a triangle or a
 * diamond, in a grey that differs too, so that models stay apart in
 * greyscale. */
static void marker(cairo_t *cr, int m, double x, double y) {
  static const double shade[4][3] = {{0.12, 0.35, 0.65}, {0.80, 0.40, 0.05}, {0.15, 0.15, 0.15}, {0.45, 0.60, 0.20}};
  const double *c = shade[m % 4];
  cairo_new_path(cr); /* no line from the end of a label */
  cairo_set_source_rgb(cr, c[0], c[1], c[2]);
  double r = 3.2;
  switch (m % 4) {
    case 0: cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
    case 1: cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r); break;
    case 2:
      cairo_move_to(cr, x, y - r * 1.2);
      cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
      cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
      cairo_close_path(cr);
      break;
    default:
      cairo_move_to(cr, x, y - r * 1.3);
      cairo_line_to(cr, x + r * 1.1, y);
      cairo_line_to(cr, x, y + r * 1.3);
      cairo_line_to(cr, x - r * 1.1, y);
      cairo_close_path(cr);
  }
  cairo_fill(cr);
}

#define COEF_ROW 26.0 /* points per term, plus COEF_STEP per model beyond one */
#define COEF_STEP 9.0

static double coef_row(int nm) { return COEF_ROW + COEF_STEP * (nm - 1); }

/* The left margin: the widest term name at 10 points, and room. */
static double coef_left(cairo_t *cr, const coef_ctx *c) {
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 10);
  double w = 0;
  for (int t = 0; t < c->nt; t++) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, c->terms[t], &e);
    w = fmax(w, e.x_advance);
  }
  return fmin(fmax(w + 18, 60), 260);
}

static void draw_coef(cairo_t *cr, double W, double H, const void *ctx) {
  const coef_ctx *c = ctx;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  double left = coef_left(cr, c), right = 20, top = 20, pad = 12, rh = coef_row(c->nm);
  double legend = c->nm > 1 ? 24 : 0, bottom = 45 + legend;
  double ph = H - top - bottom, pw = W - left - right;
  double lo = 0, hi = 0; /* zero is always on the axis */
  for (int i = 0; i < c->nm * c->nt; i++) {
    if (isfinite(c->lo[i])) lo = fmin(lo, c->lo[i]);
    if (isfinite(c->hi[i])) hi = fmax(hi, c->hi[i]);
    if (isfinite(c->b[i])) lo = fmin(lo, c->b[i]), hi = fmax(hi, c->b[i]);
  }
  if (hi == lo) hi = lo + 1;
  double step = nice_step(lo, hi, 5);
  lo = floor(lo / step) * step;
  hi = ceil(hi / step) * step;
#define PX(v) (left + pad + ((v) - lo) / (hi - lo) * (pw - 2 * pad))
  char lab[64];
  cairo_set_font_size(cr, 10);
  cairo_set_line_width(cr, 0.5);
  for (double t = lo; t <= hi + step * 1e-9; t += step) {
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_move_to(cr, PX(t), top);
    cairo_line_to(cr, PX(t), top + ph);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(lab, sizeof lab, "%g", fabs(t) < step * 1e-9 ? 0.0 : t);
    text_at(cr, PX(t), top + ph + 14, lab, 0.5);
  }
  /* zero, dashed */
  double dash[2] = {3, 3};
  cairo_set_dash(cr, dash, 2, 0);
  cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
  cairo_set_line_width(cr, 0.8);
  cairo_move_to(cr, PX(0), top);
  cairo_line_to(cr, PX(0), top + ph);
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, left, top, pw, ph);
  cairo_stroke(cr);
  for (int t = 0; t < c->nt; t++) {
    double yc = top + (t + 0.5) * rh;
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, left - 6, yc + 3.5, c->terms[t], 1);
    for (int m = 0; m < c->nm; m++) {
      size_t k = (size_t)m * (size_t)c->nt + (size_t)t;
      if (!isfinite(c->b[k])) continue;
      double y = yc + (m - (c->nm - 1) / 2.0) * COEF_STEP;
      if (isfinite(c->lo[k]) && isfinite(c->hi[k])) {
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        cairo_set_line_width(cr, 1.2);
        cairo_move_to(cr, PX(c->lo[k]), y);
        cairo_line_to(cr, PX(c->hi[k]), y);
        cairo_move_to(cr, PX(c->lo[k]), y - 2.5);
        cairo_line_to(cr, PX(c->lo[k]), y + 2.5);
        cairo_move_to(cr, PX(c->hi[k]), y - 2.5);
        cairo_line_to(cr, PX(c->hi[k]), y + 2.5);
        cairo_stroke(cr);
      }
      marker(cr, m, PX(c->b[k]), y);
    }
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_font_size(cr, 11);
  text_at(cr, left + pw / 2, top + ph + 32, c->xlabel, 0.5);
  if (c->nm > 1) { /* the legend, in a row under the axis label */
    cairo_set_font_size(cr, 10);
    double x = left, y = H - 14;
    for (int m = 0; m < c->nm; m++) {
      cairo_text_extents_t e;
      cairo_text_extents(cr, c->models[m], &e);
      marker(cr, m, x + 4, y - 3.5);
      cairo_set_source_rgb(cr, 0, 0, 0);
      text_at(cr, x + 12, y, c->models[m], 0);
      x += 12 + e.x_advance + 18;
    }
  }
#undef PX
}

cn_status cn_plot_coef(const char *path, const char *title, const char *xlabel, int nmodel,
                       const char *const *models, int nterm, const char *const *terms,
                       const double *b, const double *lo, const double *hi, cn_diag *d) {
  if (nmodel < 1 || nterm < 1) return cn_diag_set(d, CN_EUSAGE, "nothing to plot");
  coef_ctx c = {nmodel, nterm, models, terms, b, lo, hi, xlabel ? xlabel : "estimate"};
  cn_buf desc = {0};
  const char *lead = "Estimates with their confidence intervals of ";
  cn__buf_append(&desc, lead, strlen(lead));
  for (int t = 0; t < nterm; t++) {
    if (t) cn__buf_append(&desc, ", ", 2);
    cn__buf_append(&desc, terms[t], strlen(terms[t]));
  }
  if (nmodel > 1) {
    cn__buf_append(&desc, "; models: ", 10);
    for (int m = 0; m < nmodel; m++) {
      if (m) cn__buf_append(&desc, ", ", 2);
      cn__buf_append(&desc, models[m], strlen(models[m]));
    }
  }
  cn__buf_append(&desc, ".", 1);
  if (desc.failed) {
    cn__buf_free(&desc);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  double H = 20 + nterm * coef_row(nmodel) + 45 + (nmodel > 1 ? 24 : 0);
  cn_status st = figure_write(path, 640, H, draw_coef, &c, title, desc.data, d);
  cn__buf_free(&desc);
  return st;
}
