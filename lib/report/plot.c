/* lib/report/plot.c — stacked line panels with cairo (SVG, PNG, PDF). */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- network maps ---- */

typedef struct map_ctx {
  const cn_net_stages *s;
  const cn_netmap_opts *o;
  int32_t nk;          /* nodes drawn */
  const int32_t *keep; /* their ids in s, by decreasing union weighted degree */
  const int32_t *pos;  /* node id -> index in keep, -1 when not drawn */
  const double *xy;    /* positions of the drawn nodes, 2 per node */
  double *const *str;  /* per stage: weighted degree of every node */
  double *const *core; /* per stage: 1 core, 0 periphery */
  int32_t *const *eu, *const *ev;
  double *const *ew;
  const int64_t *m; /* per stage: distinct edges */
} map_ctx;

#define MAP_PANEL 460.0

/* The fill of a core node (red) or a periphery node (light blue). */
static void node_colour(cairo_t *cr, bool core) {
  if (core) cairo_set_source_rgb(cr, 0.72, 0.13, 0.13);
  else cairo_set_source_rgb(cr, 0.55, 0.66, 0.82);
}

/* A legend entry at (x, y): a dot of node_colour(core), then text. */
static void legend_dot(cairo_t *cr, double x, double y, bool core, const char *text) {
  cairo_new_path(cr);
  node_colour(cr, core);
  cairo_arc(cr, x, y - 3.5, 4, 0, 2 * M_PI);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text_at(cr, x + 8, y, text, 0);
}
#define MAP_PAD 14.0

static int cmp_desc(const void *a, const void *b, void *ctx) {
  const double *v = ctx;
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  if (v[x] != v[y]) return v[x] < v[y] ? 1 : -1;
  return (x > y) - (x < y);
}

static void draw_map(cairo_t *cr, double W, double H, const void *ctx) {
  const map_ctx *c = ctx;
  int ns = c->s->nstage;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (int32_t k = 0; k < c->nk; k++) {
    x0 = fmin(x0, c->xy[2 * k]), x1 = fmax(x1, c->xy[2 * k]);
    y0 = fmin(y0, c->xy[2 * k + 1]), y1 = fmax(y1, c->xy[2 * k + 1]);
  }
  if (!(x1 > x0)) x0 -= 1, x1 += 1;
  if (!(y1 > y0)) y0 -= 1, y1 += 1;
  double span = fmax(x1 - x0, y1 - y0), top = 26, rmax = 7;
  double smax = 0, wmax = 0; /* one scale for every stage */
  for (int q = 0; q < ns; q++) {
    for (int32_t k = 0; k < c->nk; k++) smax = fmax(smax, c->str[q][c->keep[k]]);
    for (int64_t e = 0; e < c->m[q]; e++) wmax = fmax(wmax, c->ew[q][e]);
  }
  for (int q = 0; q < ns; q++) {
    double px = q * MAP_PANEL, inner = MAP_PANEL - 2 * (MAP_PAD + rmax);
    double ox = px + MAP_PAD + rmax + (inner - (x1 - x0) / span * inner) / 2;
    double oy = top + MAP_PAD + rmax + (inner - (y1 - y0) / span * inner) / 2;
#define MX(k) (ox + (c->xy[2 * (k)] - x0) / span * inner)
#define MY(k) (oy + (c->xy[2 * (k) + 1] - y0) / span * inner)
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 12);
    text_at(cr, px + MAP_PANEL / 2, top - 8, c->o->stage_names[q], 0.5);
    cairo_set_line_width(cr, 0.6);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_rectangle(cr, px + 4, top, MAP_PANEL - 8, MAP_PANEL);
    cairo_stroke(cr);
    for (int64_t e = 0; e < c->m[q]; e++) { /* edges between drawn nodes, width by weight */
      int32_t a = c->pos[c->eu[q][e]], b = c->pos[c->ev[q][e]];
      if (a < 0 || b < 0) continue;
      cairo_set_source_rgba(cr, 0.45, 0.45, 0.45, 0.55);
      cairo_set_line_width(cr, 0.3 + 1.7 * log1p(c->ew[q][e]) / log1p(wmax > 0 ? wmax : 1));
      cairo_move_to(cr, MX(a), MY(a));
      cairo_line_to(cr, MX(b), MY(b));
      cairo_stroke(cr);
    }
    for (int32_t k = c->nk - 1; k >= 0; k--) { /* the largest last, on top */
      int32_t i = c->keep[k];
      double sv = c->str[q][i];
      if (!(sv > 0)) continue; /* not in this stage */
      double r = 1.6 + (rmax - 1.6) * sqrt(sv / smax);
      node_colour(cr, c->core[q][i] > 0.5);
      cairo_new_path(cr);
      cairo_arc(cr, MX(k), MY(k), r, 0, 2 * M_PI);
      cairo_fill_preserve(cr);
      cairo_set_source_rgb(cr, 1, 1, 1);
      cairo_set_line_width(cr, 0.4);
      cairo_stroke(cr);
    }
    /* labels of the stage's largest nodes */
    cairo_set_font_size(cr, 8);
    int shown = 0;
    int32_t *ord = cn_malloc((size_t)c->nk * sizeof *ord + 4);
    if (ord) {
      for (int32_t k = 0; k < c->nk; k++) ord[k] = c->keep[k];
      qsort_r(ord, (size_t)c->nk, sizeof *ord, cmp_desc, c->str[q]);
      for (int32_t k = 0; k < c->nk && shown < c->o->label_top; k++) {
        int32_t i = ord[k], j = c->pos[i];
        if (!(c->str[q][i] > 0)) break;
        char num[32];
        const char *lab = c->s->labels ? c->s->labels[i] : NULL;
        if (c->o->names && c->o->names[i]) lab = c->o->names[i];
        if (!lab) snprintf(num, sizeof num, "%lld", (long long)c->s->ids[i]), lab = num;
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        double lx = MX(j) + 5, ly = MY(j) - 4;
        cairo_text_extents_t te;
        cairo_text_extents(cr, lab, &te);
        if (lx + te.x_advance > px + MAP_PANEL - 6) lx = MX(j) - 5 - te.x_advance; /* keep it inside */
        if (ly - 8 < top + 2) ly = MY(j) + 11;
        cairo_move_to(cr, lx, ly);
        cairo_show_text(cr, lab);
        shown++;
      }
      cn_free(ord);
    }
#undef MX
#undef MY
  }
  /* the legend */
  double ly = H - 14;
  cairo_set_font_size(cr, 10);
  legend_dot(cr, 16, ly, true, "core");
  legend_dot(cr, 66, ly, false, "periphery (Borgatti-Everett); size: weighted degree; width: joint applications");
  (void)W;
}

/* The Borgatti–Everett core of a stage on its own nodes (those with
 * edges in it, as `net metrics` has a year's graph): core[i] for the n
 * nodes of the shared set, 0 for the others. */
static cn_status stage_core(int32_t n, int64_t m, const double *str, const int32_t *eu, const int32_t *ev,
                            const double *ew, double *core, cn_diag *d) {
  cn_status st = CN_OK;
  int32_t *loc = cn_malloc((size_t)n * sizeof *loc), *lu = cn_malloc((size_t)m * sizeof *lu),
          *lv = cn_malloc((size_t)m * sizeof *lv), nl = 0;
  double *c = cn_malloc((size_t)n * sizeof *c);
  cn_graph *h = NULL;
  if (!loc || !lu || !lv || !c) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int32_t i = 0; i < n; i++) loc[i] = str[i] > 0 ? nl++ : -1;
  for (int64_t e = 0; e < m; e++) lu[e] = loc[eu[e]], lv[e] = loc[ev[e]];
  if ((st = cn_graph_from_edges(nl, m, lu, lv, ew, &h, d)) != CN_OK) goto done;
  if ((st = cn_graph_core_periphery(h, false, c, NULL, NULL, d)) != CN_OK) goto done;
  for (int32_t i = 0; i < n; i++) core[i] = loc[i] >= 0 ? c[loc[i]] : 0;
done:
  cn_graph_free(h);
  cn_free(loc), cn_free(lu), cn_free(lv), cn_free(c);
  return st;
}

cn_status cn_plot_network(const char *path, const char *title, const cn_net_stages *s,
                          const cn_netmap_opts *o, cn_diag *d) {
  int ns = s->nstage;
  if (ns < 1 || ns > CN_NET_MAXSTAGE) return cn_diag_set(d, CN_EUSAGE, "between 1 and %d stages", CN_NET_MAXSTAGE);
  if (s->n == 0) return cn_diag_set(d, CN_EDATA, "no edges in the years asked for: nothing to draw");
  cn_status st = CN_OK;
  int32_t n = s->n, nk = n;
  const cn_graph *U = s->graphs[ns];
  int64_t mu = cn_graph_m(U);
  double *su = cn_malloc((size_t)n * sizeof *su), *xy = NULL, *str[CN_NET_MAXSTAGE] = {0},
         *core[CN_NET_MAXSTAGE] = {0}, *ew[CN_NET_MAXSTAGE] = {0}, *uw = NULL;
  int32_t *keep = cn_malloc((size_t)n * sizeof *keep), *pos = cn_malloc((size_t)n * sizeof *pos),
          *eu[CN_NET_MAXSTAGE] = {0}, *ev[CN_NET_MAXSTAGE] = {0}, *uu = NULL, *uv = NULL;
  int64_t m[CN_NET_MAXSTAGE] = {0};
  cn_graph *sub = NULL;
  cn_buf desc = {0};
  if (!su || !keep || !pos) goto oom;
  cn_graph_strength(U, su);
  for (int32_t i = 0; i < n; i++) keep[i] = i;
  qsort_r(keep, (size_t)n, sizeof *keep, cmp_desc, su);
  if (o->max_nodes > 0 && n > o->max_nodes) nk = o->max_nodes;
  for (int32_t i = 0; i < n; i++) pos[i] = -1;
  for (int32_t k = 0; k < nk; k++) pos[keep[k]] = k;
  /* the layout: the union graph on the drawn nodes */
  uu = cn_malloc((size_t)(mu + 1) * sizeof *uu), uv = cn_malloc((size_t)(mu + 1) * sizeof *uv);
  uw = cn_malloc((size_t)(mu + 1) * sizeof *uw);
  xy = cn_malloc((size_t)(2 * nk + 2) * sizeof *xy);
  if (!uu || !uv || !uw || !xy) goto oom;
  cn_graph_edges(U, uu, uv, uw);
  int64_t mk = 0;
  for (int64_t e = 0; e < mu; e++)
    if (pos[uu[e]] >= 0 && pos[uv[e]] >= 0) uu[mk] = pos[uu[e]], uv[mk] = pos[uv[e]], uw[mk++] = uw[e];
  if ((st = cn_graph_from_edges(nk, mk, uu, uv, uw, &sub, d)) != CN_OK) goto done;
  if ((st = cn_graph_layout(sub, o->layout, o->seed, xy, d)) != CN_OK) goto done;
  for (int q = 0; q < ns; q++) {
    const cn_graph *g = s->graphs[q];
    m[q] = cn_graph_m(g);
    str[q] = cn_malloc((size_t)n * sizeof **str);
    core[q] = cn_calloc((size_t)n, sizeof **core);
    eu[q] = cn_malloc((size_t)(m[q] + 1) * sizeof **eu);
    ev[q] = cn_malloc((size_t)(m[q] + 1) * sizeof **ev);
    ew[q] = cn_malloc((size_t)(m[q] + 1) * sizeof **ew);
    if (!str[q] || !core[q] || !eu[q] || !ev[q] || !ew[q]) goto oom;
    cn_graph_strength(g, str[q]);
    cn_graph_edges(g, eu[q], ev[q], ew[q]);
    if (m[q] > 0 && (st = stage_core(n, m[q], str[q], eu[q], ev[q], ew[q], core[q], d)) != CN_OK) goto done;
  }
  char line[160];
  snprintf(line, sizeof line, "Co-applicant network by stage: ");
  cn__buf_append(&desc, line, strlen(line));
  for (int q = 0; q < ns; q++) {
    if (q) cn__buf_append(&desc, ", ", 2);
    cn__buf_append(&desc, o->stage_names[q], strlen(o->stage_names[q]));
  }
  if (nk < n)
    snprintf(line, sizeof line, "; the %d nodes of largest weighted degree over the stages (of %d)", (int)nk, (int)n);
  else
    snprintf(line, sizeof line, "; all %d nodes", (int)n);
  cn__buf_append(&desc, line, strlen(line));
  const char *tail = "; node size by weighted degree, the Borgatti-Everett core in red, edge width by joint "
                     "applications; positions from one layout of all stages.";
  cn__buf_append(&desc, tail, strlen(tail));
  if (desc.failed) goto oom;
  map_ctx c = {s, o, nk, keep, pos, xy, str, core, eu, ev, ew, m};
  st = figure_write(path, MAP_PANEL * ns, MAP_PANEL + 26 + 30, draw_map, &c, title, desc.data, d);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (int q = 0; q < ns; q++) cn_free(str[q]), cn_free(core[q]), cn_free(eu[q]), cn_free(ev[q]), cn_free(ew[q]);
  cn_free(su), cn_free(keep), cn_free(pos), cn_free(xy), cn_free(uu), cn_free(uv), cn_free(uw);
  cn_graph_free(sub);
  cn__buf_free(&desc);
  return st;
}
