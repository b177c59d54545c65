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

/* ---- shared figure style: series colours, markers, legends ---- */

#define SERIES_MAX 12 /* groups or models one figure keeps apart */

/* The colour of series m (a model of a coefficient plot, a group of a bar,
 * line or scatter plot): eight shades, which differ in lightness as well
 * as hue, then again from the first. */
static const double *series_rgb(int m) {
  static const double shade[8][3] = {{0.12, 0.35, 0.65}, {0.80, 0.40, 0.05}, {0.15, 0.15, 0.15},
                                     {0.45, 0.60, 0.20}, {0.55, 0.30, 0.60}, {0.50, 0.75, 0.90},
                                     {0.55, 0.35, 0.20}, {0.95, 0.75, 0.20}};
  return shade[m % 8];
}

/* The shape (marker, dash) of series m: 0..3, shifted for every eight
 * series so that no two of the first SERIES_MAX share colour and shape. */
static int series_shape(int m) { return (m + m / 8) % 4; }

/* The dash pattern of series m's line: solid, dashed, dotted, dash-dot,
 * so that lines stay apart in greyscale. */
static void series_dash(cairo_t *cr, int m) {
  static const double dash[4][4] = {{0}, {6, 3}, {1.5, 2.5}, {6, 2.5, 1.5, 2.5}};
  static const int nd[4] = {0, 2, 2, 4};
  cairo_set_dash(cr, dash[series_shape(m)], nd[series_shape(m)], 0);
}

/* The marker of series m at (x, y): a circle, a square, a triangle or a
 * diamond, in series_rgb(m), so that series stay apart in greyscale. */
static void marker(cairo_t *cr, int m, double x, double y) {
  const double *c = series_rgb(m);
  cairo_new_path(cr); /* no line from the end of a label */
  cairo_set_source_rgb(cr, c[0], c[1], c[2]);
  double r = 3.2;
  switch (series_shape(m)) {
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

/* A context for measuring text in the figures' font before a figure is
 * drawn (its size may depend on it), with unhinted metrics as the vector
 * surfaces have; NULL when out of memory. Free with measure_free. */
static cairo_t *measure_ctx(void) {
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create(sf);
  cairo_surface_destroy(sf);
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    cairo_destroy(cr);
    return NULL;
  }
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr, fo);
  cairo_font_options_destroy(fo);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  return cr;
}

static void measure_free(cairo_t *cr) {
  if (cr) cairo_destroy(cr);
}

/* The advance of s at size points in the figures' font (0 when cr is NULL). */
static double text_width(cairo_t *cr, const char *s, double size) {
  if (!cr) return 0;
  cairo_text_extents_t e;
  cairo_set_font_size(cr, size);
  cairo_text_extents(cr, s, &e);
  return fmax(e.x_advance, e.x_bearing + e.width);
}

/* s, or its first characters and an ellipsis when it is wider than w
 * points at size points (cn_malloc'd; NULL when out of memory). */
static char *fit_text(cairo_t *cr, const char *s, double w, double size) {
  char *t = cn_strdup(s);
  if (!t || text_width(cr, t, size) <= w) return t;
  size_t n = strlen(t);
  char *u = cn_malloc(n + 4);
  if (!u) {
    cn_free(t);
    return NULL;
  }
  while (n > 0) {
    do n--; while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80); /* a whole UTF-8 character off */
    memcpy(u, t, n);
    memcpy(u + n, "\xE2\x80\xA6", 4); /* … */
    if (text_width(cr, u, size) <= w) break;
  }
  cn_free(t);
  return u;
}

/* x moved so that a text of width w centred there stays 2 points inside
 * the canvas's edges (0 and W). */
static double clamp_centre(double x, double w, double W) {
  if (x - w / 2 < 2) x = 2 + w / 2;
  if (x + w / 2 > W - 2) x = W - 2 - w / 2;
  return x;
}

/* A legend entry's key: none (text alone), a dot of its colour, series
 * m's marker, its line and marker, or its bar. */
typedef enum lg_kind { LG_TEXT, LG_DOT, LG_MARKER, LG_LINE, LG_BOX } lg_kind;

typedef struct lg_entry {
  lg_kind kind;
  int m;
  const double *rgb; /* LG_DOT */
  char *text;        /* owned; shortened by legend_layout to fit */
  double x, y;       /* left of the key, baseline: from legend_layout */
} lg_entry;

/* The entries of a legend, in rows under a figure. */
typedef struct legend {
  lg_entry *e;
  int n, cap;
} legend;

#define LG_SIZE 10.0 /* points */
#define LG_ROW 15.0

static double lg_key(lg_kind k) { return k == LG_TEXT ? 0 : k == LG_LINE ? 22 : 12; }

/* Adds an entry (a copy of text); CN_EINTERNAL when out of memory. */
static cn_status legend_push(legend *l, lg_kind kind, int m, const double *rgb, const char *text) {
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 8;
    lg_entry *e = cn_realloc(l->e, (size_t)cap * sizeof *e);
    if (!e) return CN_EINTERNAL;
    l->e = e, l->cap = cap;
  }
  char *t = cn_strdup(text);
  if (!t) return CN_EINTERNAL;
  l->e[l->n++] = (lg_entry){kind, m, rgb, t, 0, 0};
  return CN_OK;
}

/* A dot of colour rgb and its text, or the text alone when rgb is NULL. */
static cn_status legend_add(legend *l, const double *rgb, const char *text) {
  return legend_push(l, rgb ? LG_DOT : LG_TEXT, 0, rgb, text);
}

static void legend_free(legend *l) {
  for (int k = 0; k < l->n; k++) cn_free(l->e[k].text);
  cn_free(l->e);
  memset(l, 0, sizeof *l);
}

/* Places the entries in rows between x0 and x1, the first row's baseline
 * at y, wrapping before an entry that would pass x1 (an entry wider than
 * a row is shortened with an ellipsis); returns the last row's baseline
 * (y when the legend is empty). */
static double legend_layout(legend *l, double x0, double x1, double y) {
  cairo_t *cr = measure_ctx();
  double x = x0;
  for (int k = 0; k < l->n; k++) {
    double key = lg_key(l->e[k].kind);
    if (cr && key + text_width(cr, l->e[k].text, LG_SIZE) > x1 - x0) {
      char *t = fit_text(cr, l->e[k].text, x1 - x0 - key, LG_SIZE);
      if (t) cn_free(l->e[k].text), l->e[k].text = t;
    }
    double w = key + text_width(cr, l->e[k].text, LG_SIZE);
    if (x > x0 && x + w > x1) x = x0, y += LG_ROW;
    l->e[k].x = x, l->e[k].y = y;
    x += w + 16;
  }
  measure_free(cr);
  return y;
}

static void legend_draw(cairo_t *cr, const legend *l) {
  cairo_set_font_size(cr, LG_SIZE);
  for (int k = 0; k < l->n; k++) {
    const lg_entry *e = &l->e[k];
    double x = e->x, y = e->y - 3.5;
    cairo_new_path(cr);
    if (e->kind == LG_DOT) {
      cairo_set_source_rgb(cr, e->rgb[0], e->rgb[1], e->rgb[2]);
      cairo_arc(cr, x + 4, y, 4, 0, 2 * M_PI);
      cairo_fill(cr);
    } else if (e->kind == LG_MARKER) {
      marker(cr, e->m, x + 4, y);
    } else if (e->kind == LG_LINE) {
      const double *c = series_rgb(e->m);
      cairo_set_source_rgb(cr, c[0], c[1], c[2]);
      cairo_set_line_width(cr, 1.6);
      series_dash(cr, e->m);
      cairo_move_to(cr, x, y);
      cairo_line_to(cr, x + 18, y);
      cairo_stroke(cr);
      cairo_set_dash(cr, NULL, 0, 0);
      marker(cr, e->m, x + 9, y);
    } else if (e->kind == LG_BOX) {
      const double *c = series_rgb(e->m);
      cairo_set_source_rgb(cr, c[0], c[1], c[2]);
      cairo_rectangle(cr, x, y - 4, 8, 8);
      cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, x + lg_key(e->kind), e->y, e->text, 0);
  }
}

/* ---- coefficient plots ---- */

typedef struct coef_ctx {
  int nm, nt;
  const char *const *models, *const *terms;
  const double *b, *lo, *hi;
  const char *xlabel;
  double left;            /* the left margin, from coef_left */
  const char *const *row; /* the terms as drawn (shortened to fit) */
  const legend *lg;
} coef_ctx;

#define COEF_ROW 26.0 /* points per term, plus COEF_STEP per model beyond one */
#define COEF_STEP 9.0

static double coef_row(int nm) { return COEF_ROW + COEF_STEP * (nm - 1); }

#define COEF_NAME_MAX 300.0 /* the widest term name drawn, points */

/* The left margin: the widest term name at 10 points (at most
 * COEF_NAME_MAX), and room. */
static double coef_left(cairo_t *cr, const char *const *rows, int nt) {
  double w = 0;
  for (int t = 0; t < nt; t++) w = fmax(w, text_width(cr, rows[t], 10));
  return fmax(w + 18, 60);
}

static void draw_coef(cairo_t *cr, double W, double H, const void *ctx) {
  const coef_ctx *c = ctx;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  double left = c->left, right = 20, top = 20, pad = 12, rh = coef_row(c->nm);
  double ph = c->nt * rh, pw = W - left - right;
  (void)H;
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
    text_at(cr, left - 6, yc + 3.5, c->row[t], 1);
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
  cairo_text_extents_t xe;
  cairo_text_extents(cr, c->xlabel, &xe);
  text_at(cr, clamp_centre(left + pw / 2, xe.x_advance, W), top + ph + 32, c->xlabel, 0.5);
  legend_draw(cr, c->lg);
#undef PX
}

cn_status cn_plot_coef(const char *path, const char *title, const char *xlabel, int nmodel,
                       const char *const *models, int nterm, const char *const *terms,
                       const double *b, const double *lo, const double *hi, cn_diag *d) {
  if (nmodel < 1 || nterm < 1) return cn_diag_set(d, CN_EUSAGE, "nothing to plot");
  coef_ctx c = {nmodel, nterm, models, terms, b, lo, hi, xlabel ? xlabel : "estimate", 0, NULL, NULL};
  cn_buf desc = {0};
  legend lg = {0};
  cn_status st = CN_OK;
  char **row = cn_calloc((size_t)nterm + 1, sizeof *row), *xl = NULL;
  cairo_t *mc = measure_ctx();
  if (!row || !mc) goto oom;
  for (int t = 0; t < nterm; t++)
    if (!(row[t] = fit_text(mc, terms[t], COEF_NAME_MAX, 10))) goto oom;
  c.row = (const char *const *)row;
  c.left = coef_left(mc, c.row, nterm);
  if (!(xl = fit_text(mc, c.xlabel, 640 - 8, 11))) goto oom;
  c.xlabel = xl;
  double ly = 20 + nterm * coef_row(nmodel) + 45 - 14; /* no legend: H = ly + 14 */
  if (nmodel > 1) { /* the legend, in rows under the axis label */
    for (int m = 0; m < nmodel; m++)
      if (legend_push(&lg, LG_MARKER, m, NULL, models[m]) != CN_OK) goto oom;
    ly = legend_layout(&lg, c.left, 640 - 12, 20 + nterm * coef_row(nmodel) + 55);
  }
  c.lg = &lg;
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
  if (desc.failed) goto oom;
  st = figure_write(path, 640, ly + 14, draw_coef, &c, title, desc.data, d);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (int t = 0; row && t < nterm; t++) cn_free(row[t]);
  cn_free(row), cn_free(xl);
  measure_free(mc);
  legend_free(&lg);
  cn__buf_free(&desc);
  return st;
}

/* ---- network maps ---- */

#define MAP_PANEL 460.0
#define MAP_PAD 14.0
#define MAP_TOP 26.0
#define MAP_RMAX 7.0
#define MAP_LABEL_SIZE 8.0

/* A node class of a map's colouring: its fill and its legend text. */
typedef struct map_class {
  double rgb[3];
  const char *name;
} map_class;

/* The classes of each colouring, in legend order. Their fills differ in
 * lightness as well as hue, so that a greyscale print keeps them apart
 * (relative luminance about 0.15, 0.34, 0.45, 0.64, 0.80 for the types). */
static const map_class core_classes[] = {{{0.72, 0.13, 0.13}, "core"},
                                         {{0.55, 0.66, 0.82}, "periphery (Borgatti-Everett)"}};
static const map_class type_classes[] = {{{0.05, 0.15, 0.45}, "firm"},
                                         {{0.55, 0.25, 0.60}, "government"},
                                         {{0.20, 0.55, 0.25}, "institute"},
                                         {{0.95, 0.60, 0.15}, "university"},
                                         {{0.80, 0.80, 0.80}, "other"}};
static const map_class comp_classes[] = {{{0.72, 0.13, 0.13}, "largest component"},
                                         {{0.20, 0.45, 0.75}, "second largest"},
                                         {{0.95, 0.65, 0.15}, "third largest"},
                                         {{0.80, 0.80, 0.80}, "smaller components"}};

/* One label of a map: its text and the left end of its baseline. */
typedef struct map_label {
  char *text;
  double x, y;
} map_label;

typedef struct map_ctx {
  const cn_net_stages *s;
  const cn_netmap_opts *o;
  int32_t nk;          /* nodes drawn */
  const int32_t *keep; /* their ids in s, by decreasing union weighted degree */
  const int32_t *pos;  /* node id -> index in keep, -1 when not drawn */
  const double *xy;    /* positions of the drawn nodes, 2 per node */
  double *const *str;  /* per stage: weighted degree of every node (> 0: in the stage) */
  double *const *size; /* per stage: the measure node area grows with */
  unsigned char *const *cls; /* per stage: the class of every node */
  const map_class *classes;
  int ncls;
  int32_t *const *eu, *const *ev;
  double *const *ew;
  const int64_t *m; /* per stage: distinct edges */
  /* geometry, from map_geometry */
  double x0, y0, span, inner, ox[CN_NET_MAXSTAGE], oy[CN_NET_MAXSTAGE], smax, wmax;
  const map_label *labels;
  int nlabel;
  const legend *lg;
} map_ctx;

/* The screen position of drawn node k in panel q. */
static double map_x(const map_ctx *c, int q, int32_t k) {
  return c->ox[q] + (c->xy[2 * k] - c->x0) / c->span * c->inner;
}
static double map_y(const map_ctx *c, int q, int32_t k) {
  return c->oy[q] + (c->xy[2 * k + 1] - c->y0) / c->span * c->inner;
}

/* The radius of a node of measure v (v > 0) on the map's shared scale. */
static double map_r(const map_ctx *c, double v) {
  return 1.6 + (MAP_RMAX - 1.6) * sqrt(c->smax > 0 ? v / c->smax : 1);
}

/* Fills the geometry of c: the layout's extent, each panel's origin, and
 * the scales of node size and edge width shared by the panels. */
static void map_geometry(map_ctx *c) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (int32_t k = 0; k < c->nk; k++) {
    x0 = fmin(x0, c->xy[2 * k]), x1 = fmax(x1, c->xy[2 * k]);
    y0 = fmin(y0, c->xy[2 * k + 1]), y1 = fmax(y1, c->xy[2 * k + 1]);
  }
  if (!(x1 > x0)) x0 -= 1, x1 += 1;
  if (!(y1 > y0)) y0 -= 1, y1 += 1;
  c->x0 = x0, c->y0 = y0, c->span = fmax(x1 - x0, y1 - y0);
  c->inner = MAP_PANEL - 2 * (MAP_PAD + MAP_RMAX);
  c->smax = c->wmax = 0;
  for (int q = 0; q < c->s->nstage; q++) {
    double px = q * MAP_PANEL;
    c->ox[q] = px + MAP_PAD + MAP_RMAX + (c->inner - (x1 - x0) / c->span * c->inner) / 2;
    c->oy[q] = MAP_TOP + MAP_PAD + MAP_RMAX + (c->inner - (y1 - y0) / c->span * c->inner) / 2;
    for (int32_t k = 0; k < c->nk; k++)
      if (c->str[q][c->keep[k]] > 0) c->smax = fmax(c->smax, c->size[q][c->keep[k]]);
    for (int64_t e = 0; e < c->m[q]; e++) c->wmax = fmax(c->wmax, c->ew[q][e]);
  }
}

static int cmp_desc(const void *a, const void *b, void *ctx) {
  const double *v = ctx;
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  if (v[x] != v[y]) return v[x] < v[y] ? 1 : -1;
  return (x > y) - (x < y);
}

/* Whether boxes a and b (x0, y0, x1, y1) overlap, with 1 point to spare. */
static bool boxes_meet(const double *a, const double *b) {
  return a[0] < b[2] + 1 && b[0] < a[2] + 1 && a[1] < b[3] + 1 && b[1] < a[3] + 1;
}

/* Places the labels of each stage's label_top largest nodes (by the size
 * measure), greedily from the largest: the first of six spots around the
 * node (right above, right below, left above, left below, above, below)
 * where the label's box stays inside the panel's frame and meets no label
 * placed before; a label with no such spot is left out and counted in
 * *skipped. Fills *out (cn_malloc'd, texts too) and *nout. */
static cn_status map_labels(const map_ctx *c, map_label **out, int *nout, int *skipped) {
  int ns = c->s->nstage, top = c->o->label_top, nl = 0;
  *out = NULL, *nout = 0, *skipped = 0;
  if (top <= 0) return CN_OK;
  int32_t per = c->nk < top ? c->nk : top;
  map_label *l = cn_calloc((size_t)ns * (size_t)per + 1, sizeof *l);
  double *box = cn_malloc(((size_t)per + 1) * 4 * sizeof *box);
  int32_t *ord = cn_malloc(((size_t)c->nk + 1) * sizeof *ord);
  cairo_t *cr = measure_ctx();
  cn_status st = CN_OK;
  if (!l || !box || !ord || !cr) goto oom;
  cairo_set_font_size(cr, MAP_LABEL_SIZE);
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  for (int q = 0; q < ns; q++) {
    double px = q * MAP_PANEL;
    double fx0 = px + 6, fx1 = px + MAP_PANEL - 6, fy0 = MAP_TOP + 2, fy1 = MAP_TOP + MAP_PANEL - 2;
    int placed = 0;
    for (int32_t k = 0; k < c->nk; k++) ord[k] = c->keep[k];
    qsort_r(ord, (size_t)c->nk, sizeof *ord, cmp_desc, c->size[q]);
    for (int32_t k = 0, tried = 0; k < c->nk && tried < top; k++) {
      int32_t i = ord[k], j = c->pos[i];
      if (!(c->str[q][i] > 0)) continue;
      tried++;
      char num[32];
      const char *lab = c->s->labels ? c->s->labels[i] : NULL;
      if (c->o->names && c->o->names[i]) lab = c->o->names[i];
      if (!lab) snprintf(num, sizeof num, "%lld", (long long)c->s->ids[i]), lab = num;
      cairo_text_extents_t te;
      cairo_text_extents(cr, lab, &te);
      double tw = fmax(te.x_advance, te.x_bearing + te.width), cx = map_x(c, q, j), cy = map_y(c, q, j);
      double r = map_r(c, c->size[q][i]);
      double spot[6][2] = {{cx + 5, cy - 4},
                           {cx + 5, cy + 4 + fe.ascent},
                           {cx - 5 - tw, cy - 4},
                           {cx - 5 - tw, cy + 4 + fe.ascent},
                           {cx - tw / 2, cy - r - 2 - fe.descent},
                           {cx - tw / 2, cy + r + 2 + fe.ascent}};
      bool ok = false;
      for (int p = 0; p < 6 && !ok; p++) {
        double *b = box + 4 * placed;
        b[0] = spot[p][0], b[1] = spot[p][1] - fe.ascent, b[2] = spot[p][0] + tw, b[3] = spot[p][1] + fe.descent;
        ok = b[0] >= fx0 && b[2] <= fx1 && b[1] >= fy0 && b[3] <= fy1;
        for (int e = 0; e < placed && ok; e++) ok = !boxes_meet(b, box + 4 * e);
        if (ok) {
          if (!(l[nl].text = cn_strdup(lab))) goto oom;
          l[nl].x = spot[p][0], l[nl++].y = spot[p][1];
          placed++;
        }
      }
      if (!ok) ++*skipped;
    }
  }
  *out = l, *nout = nl, l = NULL;
  goto done;
oom:
  st = CN_EINTERNAL;
done:
  if (l)
    for (int k = 0; k < nl; k++) cn_free(l[k].text);
  cn_free(l), cn_free(box), cn_free(ord);
  measure_free(cr);
  return st;
}

static void draw_map(cairo_t *cr, double W, double H, const void *ctx) {
  const map_ctx *c = ctx;
  int ns = c->s->nstage;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (int q = 0; q < ns; q++) {
    double px = q * MAP_PANEL;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 12);
    text_at(cr, px + MAP_PANEL / 2, MAP_TOP - 8, c->o->stage_names[q], 0.5);
    cairo_set_line_width(cr, 0.6);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_rectangle(cr, px + 4, MAP_TOP, MAP_PANEL - 8, MAP_PANEL);
    cairo_stroke(cr);
    for (int64_t e = 0; e < c->m[q]; e++) { /* edges between drawn nodes, width by weight */
      int32_t a = c->pos[c->eu[q][e]], b = c->pos[c->ev[q][e]];
      if (a < 0 || b < 0) continue;
      cairo_set_source_rgba(cr, 0.45, 0.45, 0.45, 0.55);
      cairo_set_line_width(cr, 0.3 + 1.7 * log1p(c->ew[q][e]) / log1p(c->wmax > 0 ? c->wmax : 1));
      cairo_move_to(cr, map_x(c, q, a), map_y(c, q, a));
      cairo_line_to(cr, map_x(c, q, b), map_y(c, q, b));
      cairo_stroke(cr);
    }
    for (int32_t k = c->nk - 1; k >= 0; k--) { /* the largest last, on top */
      int32_t i = c->keep[k];
      if (!(c->str[q][i] > 0)) continue; /* not in this stage */
      const double *rgb = c->classes[c->cls[q][i]].rgb;
      cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
      cairo_new_path(cr);
      cairo_arc(cr, map_x(c, q, k), map_y(c, q, k), map_r(c, c->size[q][i]), 0, 2 * M_PI);
      cairo_fill_preserve(cr);
      cairo_set_source_rgb(cr, 1, 1, 1);
      cairo_set_line_width(cr, 0.4);
      cairo_stroke(cr);
    }
  }
  cairo_set_font_size(cr, MAP_LABEL_SIZE);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  for (int k = 0; k < c->nlabel; k++) {
    cairo_move_to(cr, c->labels[k].x, c->labels[k].y);
    cairo_show_text(cr, c->labels[k].text);
  }
  legend_draw(cr, c->lg);
  (void)W, (void)H;
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

typedef struct comp_rank {
  int32_t id, size;
} comp_rank;

static int cmp_comp(const void *a, const void *b) {
  const comp_rank *x = a, *y = b;
  if (x->size != y->size) return x->size < y->size ? 1 : -1;
  return (x->id > y->id) - (x->id < y->id);
}

/* The class of every node of stage graph g by its connected component:
 * 0 for the largest, 1 and 2 for the next two, 3 for the others (ties by
 * the component's smallest node). Nodes without edges in the stage form
 * no component. */
static cn_status stage_components(const cn_graph *g, const double *str, unsigned char *cls, cn_diag *d) {
  int32_t n = cn_graph_n(g), nc = 0;
  int32_t *comp = cn_malloc(((size_t)n + 1) * sizeof *comp), *size = cn_malloc(((size_t)n + 1) * sizeof *size);
  int32_t *rank = cn_malloc(((size_t)n + 1) * sizeof *rank);
  comp_rank *r = cn_malloc(((size_t)n + 1) * sizeof *r);
  cn_status st = CN_OK;
  if (!comp || !size || !rank || !r) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if ((st = cn_graph_components(g, comp, size, &nc, d)) != CN_OK) goto done;
  for (int32_t k = 0; k < nc; k++) r[k] = (comp_rank){k, 0};
  for (int32_t i = 0; i < n; i++)
    if (str[i] > 0) r[comp[i]].size = size[i];
  qsort(r, (size_t)nc, sizeof *r, cmp_comp);
  for (int32_t k = 0; k < nc; k++) rank[r[k].id] = k;
  for (int32_t i = 0; i < n; i++) cls[i] = (unsigned char)(rank[comp[i]] < 3 ? rank[comp[i]] : 3);
done:
  cn_free(comp), cn_free(size), cn_free(rank), cn_free(r);
  return st;
}

/* Reorders keep (the n nodes of g) so that those of g's largest connected
 * component (ties: the one of the smallest node) come first, each part
 * in its order; *ngiant receives their count. */
static cn_status giant_first(const cn_graph *g, int32_t *keep, int32_t *ngiant, cn_diag *d) {
  int32_t n = cn_graph_n(g), nc = 0, best = -1, bsize = 0;
  int32_t *comp = cn_malloc(((size_t)n + 1) * sizeof *comp), *size = cn_malloc(((size_t)n + 1) * sizeof *size);
  int32_t *rest = cn_malloc(((size_t)n + 1) * sizeof *rest);
  cn_status st = CN_OK;
  if (!comp || !size || !rest) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if ((st = cn_graph_components(g, comp, size, &nc, d)) != CN_OK) goto done;
  for (int32_t i = 0; i < n; i++) /* nodes in increasing id: the first of a size wins */
    if (size[i] > bsize) bsize = size[i], best = comp[i];
  int32_t a = 0, b = 0;
  for (int32_t k = 0; k < n; k++) {
    if (comp[keep[k]] == best) keep[a++] = keep[k];
    else rest[b++] = keep[k];
  }
  memcpy(keep + a, rest, (size_t)b * sizeof *keep);
  *ngiant = a;
done:
  cn_free(comp), cn_free(size), cn_free(rest);
  return st;
}

/* The class of a node type of `net build` (type_classes order). */
static unsigned char type_class(const char *t) {
  static const char *const names[] = {"firm", "government", "institute", "university"};
  for (unsigned char k = 0; t && k < 4; k++)
    if (!strcmp(t, names[k])) return k;
  return 4;
}

cn_status cn_plot_network(const char *path, const char *title, const cn_net_stages *s,
                          const cn_netmap_opts *o, cn_netmap_info *info, cn_diag *d) {
  int ns = s->nstage;
  if (ns < 1 || ns > CN_NET_MAXSTAGE) return cn_diag_set(d, CN_EUSAGE, "between 1 and %d stages", CN_NET_MAXSTAGE);
  if (s->n == 0) return cn_diag_set(d, CN_EDATA, "no edges in the years asked for: nothing to draw");
  if (o->colour == CN_MAP_TYPE && !o->types)
    return cn_diag_set(d, CN_EUSAGE, "colour by type needs the nodes' types (a build folder's nodes.csv)");
  cn_status st = CN_OK;
  int32_t n = s->n, nk = n;
  const cn_graph *U = s->graphs[ns];
  int64_t mu = cn_graph_m(U);
  double *su = cn_malloc((size_t)n * sizeof *su), *xy = NULL, *str[CN_NET_MAXSTAGE] = {0},
         *size[CN_NET_MAXSTAGE] = {0}, *core = NULL, *ew[CN_NET_MAXSTAGE] = {0}, *uw = NULL;
  unsigned char *cls[CN_NET_MAXSTAGE] = {0};
  int32_t *keep = cn_malloc((size_t)n * sizeof *keep), *pos = cn_malloc((size_t)n * sizeof *pos),
          *eu[CN_NET_MAXSTAGE] = {0}, *ev[CN_NET_MAXSTAGE] = {0}, *uu = NULL, *uv = NULL;
  int64_t m[CN_NET_MAXSTAGE] = {0};
  cn_graph *sub = NULL;
  cn_buf desc = {0};
  map_label *labels = NULL;
  int nlabel = 0, skipped = 0;
  legend lg = {0};
  if (!su || !keep || !pos) goto oom;
  cn_graph_strength(U, su);
  for (int32_t i = 0; i < n; i++) keep[i] = i;
  qsort_r(keep, (size_t)n, sizeof *keep, cmp_desc, su);
  int32_t ngiant = n;
  if (o->giant && (st = giant_first(U, keep, &ngiant, d)) != CN_OK) goto done;
  nk = ngiant;
  if (o->max_nodes > 0 && nk > o->max_nodes) nk = o->max_nodes;
  for (int32_t i = 0; i < n; i++) pos[i] = -1;
  for (int32_t k = 0; k < nk; k++) pos[keep[k]] = k;
  /* the layout: the union graph on the drawn nodes */
  uu = cn_malloc((size_t)(mu + 1) * sizeof *uu), uv = cn_malloc((size_t)(mu + 1) * sizeof *uv);
  uw = cn_malloc((size_t)(mu + 1) * sizeof *uw);
  xy = cn_malloc((size_t)(2 * nk + 2) * sizeof *xy);
  core = cn_malloc((size_t)n * sizeof *core);
  if (!uu || !uv || !uw || !xy || !core) goto oom;
  cn_graph_edges(U, uu, uv, uw);
  int64_t mk = 0;
  for (int64_t e = 0; e < mu; e++)
    if (pos[uu[e]] >= 0 && pos[uv[e]] >= 0) uu[mk] = pos[uu[e]], uv[mk] = pos[uv[e]], uw[mk++] = uw[e];
  if ((st = cn_graph_from_edges(nk, mk, uu, uv, uw, &sub, d)) != CN_OK) goto done;
  if ((st = cn_graph_layout(sub, o->layout, o->seed, xy, d)) != CN_OK) goto done;
  const map_class *classes = o->colour == CN_MAP_TYPE ? type_classes
                             : o->colour == CN_MAP_COMPONENT ? comp_classes
                                                             : core_classes;
  int ncls = o->colour == CN_MAP_TYPE ? 5 : o->colour == CN_MAP_COMPONENT ? 4 : 2;
  bool used[5] = {0};
  for (int q = 0; q < ns; q++) {
    const cn_graph *g = s->graphs[q];
    m[q] = cn_graph_m(g);
    str[q] = cn_malloc((size_t)n * sizeof **str);
    size[q] = o->size == CN_MAP_DEGREE ? cn_malloc((size_t)n * sizeof **size) : NULL;
    cls[q] = cn_calloc((size_t)n, 1);
    eu[q] = cn_malloc((size_t)(m[q] + 1) * sizeof **eu);
    ev[q] = cn_malloc((size_t)(m[q] + 1) * sizeof **ev);
    ew[q] = cn_malloc((size_t)(m[q] + 1) * sizeof **ew);
    if (!str[q] || (o->size == CN_MAP_DEGREE && !size[q]) || !cls[q] || !eu[q] || !ev[q] || !ew[q]) goto oom;
    cn_graph_strength(g, str[q]);
    if (size[q]) cn_graph_degree(g, size[q]);
    cn_graph_edges(g, eu[q], ev[q], ew[q]);
    if (o->colour == CN_MAP_TYPE) {
      for (int32_t i = 0; i < n; i++) cls[q][i] = type_class(o->types[i]);
    } else if (o->colour == CN_MAP_COMPONENT) {
      if ((st = stage_components(g, str[q], cls[q], d)) != CN_OK) goto done;
    } else {
      memset(core, 0, (size_t)n * sizeof *core);
      if (m[q] > 0 && (st = stage_core(n, m[q], str[q], eu[q], ev[q], ew[q], core, d)) != CN_OK) goto done;
      for (int32_t i = 0; i < n; i++) cls[q][i] = core[i] > 0.5 ? 0 : 1;
    }
    for (int32_t k = 0; k < nk; k++)
      if (str[q][keep[k]] > 0) used[cls[q][keep[k]]] = true;
  }
  map_ctx c = {.s = s, .o = o, .nk = nk, .keep = keep, .pos = pos, .xy = xy, .str = str,
               .size = size[0] ? size : str, .cls = cls, .classes = classes, .ncls = ncls,
               .eu = eu, .ev = ev, .ew = ew, .m = m};
  map_geometry(&c);
  if (map_labels(&c, &labels, &nlabel, &skipped) != CN_OK) goto oom;
  c.labels = labels, c.nlabel = nlabel;
  /* the legend: the classes drawn (both of core and periphery always),
   * then what size and width show */
  const char *sz = o->size == CN_MAP_DEGREE ? "size: degree (partners); width: joint applications"
                                            : "size: weighted degree; width: joint applications";
  for (int k = 0; k < ncls; k++)
    if (used[k] || o->colour == CN_MAP_CORE)
      if (legend_add(&lg, classes[k].rgb, classes[k].name) != CN_OK) goto oom;
  if (legend_add(&lg, NULL, sz) != CN_OK) goto oom;
  double W = MAP_PANEL * ns, ly = legend_layout(&lg, 12, W - 12, MAP_TOP + MAP_PANEL + 16);
  c.lg = &lg;
  char line[200];
  snprintf(line, sizeof line, "Co-applicant network by stage: ");
  cn__buf_append(&desc, line, strlen(line));
  for (int q = 0; q < ns; q++) {
    if (q) cn__buf_append(&desc, ", ", 2);
    cn__buf_append(&desc, o->stage_names[q], strlen(o->stage_names[q]));
  }
  if (o->giant && nk < ngiant)
    snprintf(line, sizeof line,
             "; the %d nodes of largest weighted degree in the giant component of the stages' union (%d of %d nodes)",
             (int)nk, (int)ngiant, (int)n);
  else if (o->giant)
    snprintf(line, sizeof line, "; the giant component of the stages' union (%d of %d nodes)", (int)ngiant, (int)n);
  else if (nk < n)
    snprintf(line, sizeof line, "; the %d nodes of largest weighted degree over the stages (of %d)", (int)nk, (int)n);
  else
    snprintf(line, sizeof line, "; all %d nodes", (int)n);
  cn__buf_append(&desc, line, strlen(line));
  const char *how = o->size == CN_MAP_DEGREE ? "; node size by degree" : "; node size by weighted degree";
  cn__buf_append(&desc, how, strlen(how));
  how = o->colour == CN_MAP_TYPE        ? ", colour by node type"
        : o->colour == CN_MAP_COMPONENT ? ", colour by connected component (the stage's three largest)"
                                        : ", the Borgatti-Everett core in red";
  cn__buf_append(&desc, how, strlen(how));
  how = ", edge width by joint applications; positions from one layout of all stages";
  cn__buf_append(&desc, how, strlen(how));
  if (skipped) {
    snprintf(line, sizeof line, "; %d label%s left out where %s would overlap another or leave the panel", skipped,
             skipped == 1 ? "" : "s", skipped == 1 ? "it" : "they");
    cn__buf_append(&desc, line, strlen(line));
  }
  cn__buf_append(&desc, ".", 1);
  if (desc.failed) goto oom;
  st = figure_write(path, W, ly + 14, draw_map, &c, title, desc.data, d);
  if (st == CN_OK && info) info->drawn = nk, info->labels = nlabel, info->labels_skipped = skipped;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (int q = 0; q < ns; q++)
    cn_free(str[q]), cn_free(size[q]), cn_free(cls[q]), cn_free(eu[q]), cn_free(ev[q]), cn_free(ew[q]);
  for (int k = 0; k < nlabel; k++) cn_free(labels[k].text);
  cn_free(labels);
  legend_free(&lg);
  cn_free(su), cn_free(keep), cn_free(pos), cn_free(xy), cn_free(core), cn_free(uu), cn_free(uv), cn_free(uw);
  cn_graph_free(sub);
  cn__buf_free(&desc);
  return st;
}

/* ---- bar, line and scatter plots ---- */

#define XY_W 640.0
#define XY_PH 320.0 /* the frame's height */
#define XY_TOP 20.0
#define XY_PAD 12.0 /* data inside the frame keep this margin */

typedef struct xy_ctx {
  cn_xy_kind kind;
  int64_t n;           /* points */
  const double *x, *y; /* bar: x is the category's index */
  const int32_t *g;    /* the group of each point, 0..ng-1 */
  int ng;
  int32_t ncat;            /* bar: categories, in order */
  const char *const *cat;  /* their labels */
  const int64_t *order;    /* line: the points by group, then x */
  const char *xlabel, *ylabel;
  double left, xlo, xhi, xstep, ylo, yhi, ystep;
  const legend *lg;
} xy_ctx;

/* The y grid with its labels and, unless no_x, the ticks and labels of a
 * numeric x axis, for the frame of draw_xy and draw_event: left edge left,
 * width pw, data ranges [xlo, xhi] and [ylo, yhi] with steps xstep, ystep,
 * canvas width W (x labels kept on it). */
static void xy_axes(cairo_t *cr, double W, double left, double pw, double xlo, double xhi, double xstep, double ylo,
                    double yhi, double ystep, bool no_x) {
  double top = XY_TOP, ph = XY_PH, pad = XY_PAD, bot = top + ph;
#define PX(v) (left + pad + ((v) - xlo) / (xhi - xlo) * (pw - 2 * pad))
#define PY(v) (top + ph - pad - ((v) - ylo) / (yhi - ylo) * (ph - 2 * pad))
  char lab[64];
  cairo_set_font_size(cr, 10);
  cairo_set_line_width(cr, 0.5);
  for (double t = ylo; t <= yhi + ystep * 1e-9; t += ystep) {
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_move_to(cr, left, PY(t));
    cairo_line_to(cr, left + pw, PY(t));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(lab, sizeof lab, "%g", fabs(t) < ystep * 1e-9 ? 0.0 : t);
    text_at(cr, left - 5, PY(t) + 3.5, lab, 1);
  }
  for (double t = ceil(xlo / xstep - 1e-9) * xstep; !no_x && t <= xhi + xstep * 1e-9; t += xstep) {
    snprintf(lab, sizeof lab, "%g", fabs(t) < xstep * 1e-9 ? 0.0 : t);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, PX(t), bot);
    cairo_line_to(cr, PX(t), bot + 3);
    cairo_stroke(cr);
    cairo_text_extents_t e;
    cairo_text_extents(cr, lab, &e);
    text_at(cr, clamp_centre(PX(t), e.x_advance, W), bot + 14, lab, 0.5);
  }
#undef PX
#undef PY
}

static void draw_xy(cairo_t *cr, double W, double H, const void *ctx) {
  const xy_ctx *c = ctx;
  (void)H;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  double left = c->left, top = XY_TOP, pw = W - left - 20, ph = XY_PH, pad = XY_PAD, bot = top + ph;
#define PX(v) (left + pad + ((v) - c->xlo) / (c->xhi - c->xlo) * (pw - 2 * pad))
#define PY(v) (top + ph - pad - ((v) - c->ylo) / (c->yhi - c->ylo) * (ph - 2 * pad))
  xy_axes(cr, W, left, pw, c->xlo, c->xhi, c->xstep, c->ylo, c->yhi, c->ystep, c->kind == CN_PLOT_BAR);
  if (c->kind == CN_PLOT_BAR) { /* category labels, every k-th when they would meet */
    double slot = (pw - 2 * pad) / c->ncat, wmax = 0;
    for (int32_t k = 0; k < c->ncat; k++) wmax = fmax(wmax, text_width(cr, c->cat[k], 10));
    cairo_set_font_size(cr, 10);
    int every = (int)ceil((wmax + 6) / slot);
    if (every < 1) every = 1;
    for (int32_t k = 0; k < c->ncat; k += every) {
      cairo_text_extents_t e;
      cairo_text_extents(cr, c->cat[k], &e);
      double x = clamp_centre(left + pad + (k + 0.5) * slot, e.x_advance, W);
      text_at(cr, x, bot + 14, c->cat[k], 0.5);
    }
  }
  if (c->kind == CN_PLOT_BAR) {
    double slot = (pw - 2 * pad) / c->ncat, bw = 0.8 * slot / c->ng;
    for (int64_t i = 0; i < c->n; i++) {
      const double *rgb = series_rgb(c->g[i]);
      double x = left + pad + c->x[i] * slot + 0.1 * slot + c->g[i] * bw, y0 = PY(0), y1 = PY(c->y[i]);
      cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle(cr, x, fmin(y0, y1), bw, fabs(y1 - y0));
      cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0); /* the base line at zero */
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, left, PY(0));
    cairo_line_to(cr, left + pw, PY(0));
    cairo_stroke(cr);
  } else if (c->kind == CN_PLOT_LINE) {
    for (int64_t k = 0; k < c->n;) {
      int32_t g = c->g[c->order[k]];
      int64_t e = k;
      while (e < c->n && c->g[c->order[e]] == g) e++;
      const double *rgb = series_rgb(g);
      cairo_new_path(cr);
      cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
      cairo_set_line_width(cr, 1.6);
      series_dash(cr, g);
      for (int64_t q = k; q < e; q++) {
        int64_t i = c->order[q];
        if (q == k) cairo_move_to(cr, PX(c->x[i]), PY(c->y[i]));
        else cairo_line_to(cr, PX(c->x[i]), PY(c->y[i]));
      }
      cairo_stroke(cr);
      cairo_set_dash(cr, NULL, 0, 0);
      for (int64_t q = k; q < e; q++) marker(cr, g, PX(c->x[c->order[q]]), PY(c->y[c->order[q]]));
      k = e;
    }
  } else {
    for (int64_t i = 0; i < c->n; i++) marker(cr, c->g[i], PX(c->x[i]), PY(c->y[i]));
  }
  cairo_new_path(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, left, top, pw, ph);
  cairo_stroke(cr);
  cairo_set_font_size(cr, 11);
  if (c->xlabel) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, c->xlabel, &e);
    text_at(cr, clamp_centre(left + pw / 2, e.x_advance, W), bot + 32, c->xlabel, 0.5);
  }
  if (c->ylabel) { /* read upwards, at the left edge */
    cairo_save(cr);
    cairo_text_extents_t e;
    cairo_text_extents(cr, c->ylabel, &e);
    cairo_move_to(cr, 16, fmin(top + ph / 2 + e.x_advance / 2, bot));
    cairo_rotate(cr, -M_PI / 2);
    cairo_show_text(cr, c->ylabel);
    cairo_restore(cr);
  }
  legend_draw(cr, c->lg);
#undef PX
#undef PY
}

/* A nice axis over [lo, hi] with about want ticks: *lo, *hi widened to
 * whole steps when widen, *step the step (at least 1 when integers). */
static void axis(double *lo, double *hi, int want, bool widen, bool integers, double *step) {
  if (!(*hi > *lo)) *lo -= 1, *hi += 1;
  *step = nice_step(*lo, *hi, want);
  if (integers && *step < 1) *step = 1;
  if (widen) *lo = floor(*lo / *step) * *step, *hi = ceil(*hi / *step) * *step;
}

/* The cell of column col in row r as text into buf (numbers by %g, or
 * %lld for integers). */
static const char *cell_text(const cn_table *t, int col, int64_t r, char *buf, size_t n) {
  if (cn_table_type(t, col) == CN_STRING) return cn_table_str(t, col, r, NULL);
  if (cn_table_type(t, col) == CN_INT64) snprintf(buf, n, "%lld", (long long)cn_table_i64(t, col)[r]);
  else snprintf(buf, n, "%.10g", cn_table_dbl(t, col)[r]);
  return buf;
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Line order: by group, then x, then row. */
static int cmp_line(const void *a, const void *b, void *ctx) {
  const xy_ctx *c = ctx;
  int64_t i = *(const int64_t *)a, j = *(const int64_t *)b;
  if (c->g[i] != c->g[j]) return c->g[i] < c->g[j] ? -1 : 1;
  if (c->x[i] != c->x[j]) return c->x[i] < c->x[j] ? -1 : 1;
  return (i > j) - (i < j);
}

cn_status cn_plot_table(const char *path, const char *title, const cn_table *t, const cn_xyplot_opts *o,
                        cn_xyplot_info *info, cn_diag *d) {
  const char *where = o->where ? o->where : "the data";
  const char *kname = o->kind == CN_PLOT_BAR ? "bar" : o->kind == CN_PLOT_LINE ? "line" : "scatter";
  if (o->kind != CN_PLOT_BAR && o->kind != CN_PLOT_LINE && o->kind != CN_PLOT_SCATTER)
    return cn_diag_set(d, CN_EUSAGE, "a plot is bar, line or scatter");
  int xi = cn_table_col(t, o->x, where, d);
  if (xi < 0) return d->code;
  int yi = cn_table_col(t, o->y, where, d);
  if (yi < 0) return d->code;
  int gi = -1;
  if (o->by && (gi = cn_table_col(t, o->by, where, d)) < 0) return d->code;
  if (cn_table_type(t, yi) == CN_STRING)
    return cn_diag_at(d, CN_EDATA, where, 0, 0, "%s: column %s is text; Y must be numeric", kname, o->y);
  if (o->kind != CN_PLOT_BAR && cn_table_type(t, xi) == CN_STRING)
    return cn_diag_at(d, CN_EDATA, where, 0, 0,
                      "%s: column %s is text; X must be numeric (a bar chart takes text categories)", kname, o->x);
  cn_status st = CN_OK;
  int64_t nr = cn_table_nrow(t), n = 0, dropped = 0;
  double *x = cn_malloc(((size_t)nr + 1) * sizeof *x), *y = cn_malloc(((size_t)nr + 1) * sizeof *y);
  double *gv = NULL, *cv = NULL;
  int32_t *g = cn_malloc(((size_t)nr + 1) * sizeof *g), *gcode = NULL, *ccode = NULL, ncat = 0;
  int64_t *row = cn_malloc(((size_t)nr + 1) * sizeof *row), *cell = NULL, *order = NULL;
  char **gname = NULL, **cat = NULL, *xl = NULL, *yl = NULL;
  int ng = 0;
  legend lg = {0};
  cn_buf desc = {0};
  char b1[64], b2[64];
  if (!x || !y || !g || !row) goto oom;
  if (gi >= 0) {
    gname = cn_calloc(SERIES_MAX + 1, sizeof *gname);
    gv = cn_malloc((SERIES_MAX + 1) * sizeof *gv);
    if (cn_table_type(t, gi) == CN_STRING) {
      int32_t nl = cn_table_nlevels(t, gi);
      if (!(gcode = cn_malloc(((size_t)nl + 1) * sizeof *gcode))) goto oom;
      for (int32_t k = 0; k < nl; k++) gcode[k] = -1;
    }
    if (!gname || !gv) goto oom;
  }
  for (int64_t r = 0; r < nr; r++) {
    double xv = cn_table_type(t, xi) == CN_STRING ? 0 : cn_table_get_num(t, xi, r), yv = cn_table_get_num(t, yi, r);
    if (cn_table_is_na(t, xi, r) || cn_table_is_na(t, yi, r) || (gi >= 0 && cn_table_is_na(t, gi, r)) ||
        !isfinite(xv) || !isfinite(yv)) {
      dropped++;
      continue;
    }
    int32_t grp = 0;
    if (gi >= 0) { /* groups in the order they first appear */
      int32_t code = gcode ? cn_table_codes(t, gi)[r] : -1;
      double v = gcode ? 0 : cn_table_get_num(t, gi, r);
      grp = -1;
      if (gcode) grp = gcode[code];
      else
        for (int k = 0; k < ng && grp < 0; k++)
          if (gv[k] == v) grp = k;
      if (grp < 0) {
        if (ng == SERIES_MAX) {
          st = cn_diag_at(d, CN_EDATA, where, 0, 0, "%s: --by %s has more than %d groups", kname, o->by, SERIES_MAX);
          goto done;
        }
        if (!(gname[ng] = cn_strdup(cell_text(t, gi, r, b1, sizeof b1)))) goto oom;
        if (gcode) gcode[code] = ng;
        else gv[ng] = v;
        grp = ng++;
      }
    }
    x[n] = xv, y[n] = yv, g[n] = grp, row[n++] = r;
  }
  if (ng == 0) ng = 1;
  if (n == 0) {
    st = cn_diag_at(d, CN_EDATA, where, 0, 0, "%s: no row has %s and %s%s%s", kname, o->x, o->y,
                    o->by ? " and " : "", o->by ? o->by : "");
    goto done;
  }
  xy_ctx c = {.kind = o->kind, .n = n, .x = x, .y = y, .g = g, .ng = ng, .xlabel = o->xlabel ? o->xlabel : o->x,
              .ylabel = o->ylabel ? o->ylabel : o->y};
  if (o->kind == CN_PLOT_BAR) { /* categories: text in order of appearance, numbers ascending */
    if (cn_table_type(t, xi) == CN_STRING) {
      int32_t nl = cn_table_nlevels(t, xi);
      if (!(ccode = cn_malloc(((size_t)nl + 1) * sizeof *ccode)) || !(cat = cn_calloc((size_t)nl + 1, sizeof *cat)))
        goto oom;
      for (int32_t k = 0; k < nl; k++) ccode[k] = -1;
      for (int64_t i = 0; i < n; i++) {
        int32_t code = cn_table_codes(t, xi)[row[i]];
        if (ccode[code] < 0) {
          if (!(cat[ncat] = cn_strdup(cn_table_level(t, xi, code)))) goto oom;
          ccode[code] = ncat++;
        }
        x[i] = ccode[code];
      }
    } else {
      if (!(cv = cn_malloc(((size_t)n + 1) * sizeof *cv))) goto oom;
      memcpy(cv, x, (size_t)n * sizeof *cv);
      qsort(cv, (size_t)n, sizeof *cv, cmp_dbl);
      for (int64_t i = 0; i < n; i++)
        if (ncat == 0 || cv[ncat - 1] != cv[i]) cv[ncat++] = cv[i];
      if (!(cat = cn_calloc((size_t)ncat + 1, sizeof *cat))) goto oom;
      for (int32_t k = 0; k < ncat; k++) {
        snprintf(b1, sizeof b1, "%.10g", cv[k]);
        if (!(cat[k] = cn_strdup(b1))) goto oom;
      }
      for (int64_t i = 0; i < n; i++) x[i] = (double *)bsearch(&x[i], cv, (size_t)ncat, sizeof *cv, cmp_dbl) - cv;
    }
    /* one row per bar: X (and the group) may not repeat */
    if (!(cell = cn_malloc(((size_t)ncat * (size_t)ng + 1) * sizeof *cell))) goto oom;
    for (int64_t k = 0; k < (int64_t)ncat * ng; k++) cell[k] = -1;
    for (int64_t i = 0; i < n; i++) {
      int64_t k = (int64_t)x[i] * ng + g[i];
      if (cell[k] >= 0) {
        st = cn_diag_at(d, CN_EDATA, where, 0, 0,
                        "bar: %s = %s appears in data rows %lld and %lld%s%s%s: a bar chart draws one row per bar "
                        "(sum or average them first, e.g. with coinnet data collapse)",
                        o->x, cat[(int32_t)x[i]], (long long)row[cell[k]] + 1, (long long)row[i] + 1,
                        gi >= 0 ? " (group " : "", gi >= 0 ? gname[g[i]] : "", gi >= 0 ? ")" : "");
        goto done;
      }
      cell[k] = i;
    }
    c.ncat = ncat, c.cat = (const char *const *)cat;
    c.xlo = 0, c.xhi = 1;
  } else {
    c.xlo = INFINITY, c.xhi = -INFINITY;
    bool integers = true;
    for (int64_t i = 0; i < n; i++) {
      c.xlo = fmin(c.xlo, x[i]), c.xhi = fmax(c.xhi, x[i]);
      integers = integers && x[i] == floor(x[i]);
    }
    axis(&c.xlo, &c.xhi, 8, false, integers, &c.xstep);
  }
  if (o->kind == CN_PLOT_LINE) { /* each group's points by x; an x may not repeat in a group */
    if (!(order = cn_malloc(((size_t)n + 1) * sizeof *order))) goto oom;
    for (int64_t i = 0; i < n; i++) order[i] = i;
    qsort_r(order, (size_t)n, sizeof *order, cmp_line, &c);
    for (int64_t k = 1; k < n; k++) {
      int64_t i = order[k - 1], j = order[k];
      if (g[i] == g[j] && x[i] == x[j]) {
        st = cn_diag_at(d, CN_EDATA, where, 0, 0,
                        "line: %s = %s appears in data rows %lld and %lld%s%s%s: a line takes one point per %s",
                        o->x, cell_text(t, xi, row[j], b1, sizeof b1), (long long)row[i] + 1,
                        (long long)row[j] + 1, gi >= 0 ? " (group " : "", gi >= 0 ? gname[g[i]] : "",
                        gi >= 0 ? ")" : "", o->x);
        goto done;
      }
    }
    c.order = order;
  }
  c.ylo = INFINITY, c.yhi = -INFINITY;
  for (int64_t i = 0; i < n; i++) c.ylo = fmin(c.ylo, y[i]), c.yhi = fmax(c.yhi, y[i]);
  if (o->kind == CN_PLOT_BAR) c.ylo = fmin(c.ylo, 0), c.yhi = fmax(c.yhi, 0); /* bars stand on zero */
  axis(&c.ylo, &c.yhi, 5, true, false, &c.ystep);
  /* the left margin: the widest y tick label, and the y label's line;
   * axis labels longer than their side shortened */
  cairo_t *mc = measure_ctx();
  double wy = 0;
  for (double v = c.ylo; v <= c.yhi + c.ystep * 1e-9; v += c.ystep) {
    snprintf(b2, sizeof b2, "%g", fabs(v) < c.ystep * 1e-9 ? 0.0 : v);
    wy = fmax(wy, text_width(mc, b2, 10));
  }
  xl = mc ? fit_text(mc, c.xlabel, XY_W - 8, 11) : NULL;
  yl = mc ? fit_text(mc, c.ylabel, XY_PH, 11) : NULL;
  c.xlabel = xl, c.ylabel = yl;
  c.left = fmax(wy + 32, 40);
  /* category labels wider than their slot (and 60 points) shortened */
  double slot = (XY_W - c.left - 20 - 2 * XY_PAD) / (ncat > 0 ? ncat : 1);
  for (int32_t k = 0; mc && k < ncat; k++) {
    char *f = fit_text(mc, cat[k], fmax(slot - 4, 60), 10);
    if (!f) break;
    cn_free(cat[k]), cat[k] = f;
  }
  measure_free(mc);
  if (!xl || !yl) goto oom;
  double bot = XY_TOP + XY_PH, H = bot + 45;
  if (gi >= 0) {
    lg_kind kk = o->kind == CN_PLOT_BAR ? LG_BOX : o->kind == CN_PLOT_LINE ? LG_LINE : LG_MARKER;
    for (int k = 0; k < ng; k++)
      if (legend_push(&lg, kk, k, NULL, gname[k]) != CN_OK) goto oom;
    H = legend_layout(&lg, c.left, XY_W - 12, bot + 54) + 14;
  }
  c.lg = &lg;
  /* the caption */
  const char *lead = o->kind == CN_PLOT_BAR ? "Bars of " : o->kind == CN_PLOT_LINE ? "Lines of " : "Scatter of ";
  cn__buf_append(&desc, lead, strlen(lead));
  cn__buf_append(&desc, o->y, strlen(o->y));
  lead = o->kind == CN_PLOT_BAR ? " by " : " against ";
  cn__buf_append(&desc, lead, strlen(lead));
  cn__buf_append(&desc, o->x, strlen(o->x));
  if (gi >= 0) {
    lead = o->kind == CN_PLOT_BAR ? "; one bar per " : o->kind == CN_PLOT_LINE ? "; one line per " : "; by ";
    cn__buf_append(&desc, lead, strlen(lead));
    cn__buf_append(&desc, o->by, strlen(o->by));
    cn__buf_append(&desc, ": ", 2);
    for (int k = 0; k < ng; k++) {
      if (k) cn__buf_append(&desc, ", ", 2);
      cn__buf_append(&desc, gname[k], strlen(gname[k]));
    }
  }
  if (dropped) {
    snprintf(b2, sizeof b2, "; %lld row%s with a missing value left out", (long long)dropped, dropped == 1 ? "" : "s");
    cn__buf_append(&desc, b2, strlen(b2));
  }
  cn__buf_append(&desc, ".", 1);
  if (desc.failed) goto oom;
  st = figure_write(path, XY_W, H, draw_xy, &c, title, desc.data, d);
  if (st == CN_OK && info) info->rows = nr, info->dropped = dropped, info->points = n, info->groups = gi >= 0 ? ng : 0;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (int k = 0; gname && k < ng; k++) cn_free(gname[k]);
  for (int32_t k = 0; cat && k < ncat; k++) cn_free(cat[k]);
  cn_free(gname), cn_free(cat), cn_free(gv), cn_free(cv), cn_free(gcode), cn_free(ccode);
  cn_free(x), cn_free(y), cn_free(g), cn_free(row), cn_free(cell), cn_free(order), cn_free(xl), cn_free(yl);
  legend_free(&lg);
  cn__buf_free(&desc);
  return st;
}

/* ---- event-study plots ---- */

typedef struct event_ctx {
  int nm, nt;
  const char *const *models;
  const double *t, *b, *lo, *hi; /* t per term; b, lo, hi nm x nt */
  double ref;                    /* the reference period, or NaN */
  const char *xlabel, *ylabel;
  double left, xlo, xhi, xstep, ylo, yhi, ystep, dodge;
  const legend *lg;
} event_ctx;

static void draw_event(cairo_t *cr, double W, double H, const void *ctx) {
  const event_ctx *c = ctx;
  (void)H;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  double left = c->left, top = XY_TOP, pw = W - left - 20, ph = XY_PH, pad = XY_PAD, bot = top + ph;
#define PX(v) (left + pad + ((v) - c->xlo) / (c->xhi - c->xlo) * (pw - 2 * pad))
#define PY(v) (top + ph - pad - ((v) - c->ylo) / (c->yhi - c->ylo) * (ph - 2 * pad))
  xy_axes(cr, W, left, pw, c->xlo, c->xhi, c->xstep, c->ylo, c->yhi, c->ystep, false);
  double dash[2] = {3, 3}, dot[2] = {1, 2};
  cairo_set_source_rgb(cr, 0.4, 0.4, 0.4); /* zero effect, dashed */
  cairo_set_line_width(cr, 0.8);
  cairo_set_dash(cr, dash, 2, 0);
  cairo_move_to(cr, left, PY(0));
  cairo_line_to(cr, left + pw, PY(0));
  cairo_stroke(cr);
  if (c->xlo < -0.5 && c->xhi > -0.5) { /* the event, between period -1 and 0, dotted */
    cairo_set_dash(cr, dot, 2, 0);
    cairo_move_to(cr, PX(-0.5), top);
    cairo_line_to(cr, PX(-0.5), bot);
    cairo_stroke(cr);
  }
  cairo_set_dash(cr, NULL, 0, 0);
  for (int m = 0; m < c->nm; m++) {
    double off = (m - (c->nm - 1) / 2.0) * c->dodge;
    const double *rgb = series_rgb(m);
    cairo_new_path(cr); /* the estimates joined, in time order (the terms come sorted) */
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 0.9);
    series_dash(cr, m);
    bool pen = false;
    for (int k = 0; k < c->nt; k++) {
      size_t i = (size_t)m * (size_t)c->nt + (size_t)k;
      if (!isfinite(c->b[i])) continue;
      if (pen) cairo_line_to(cr, PX(c->t[k] + off), PY(c->b[i]));
      else cairo_move_to(cr, PX(c->t[k] + off), PY(c->b[i]));
      pen = true;
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (int k = 0; k < c->nt; k++) {
      size_t i = (size_t)m * (size_t)c->nt + (size_t)k;
      if (!isfinite(c->b[i])) continue;
      double x = PX(c->t[k] + off);
      if (isfinite(c->lo[i]) && isfinite(c->hi[i])) {
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        cairo_set_line_width(cr, 1.2);
        cairo_move_to(cr, x, PY(c->lo[i]));
        cairo_line_to(cr, x, PY(c->hi[i]));
        cairo_move_to(cr, x - 2.5, PY(c->lo[i]));
        cairo_line_to(cr, x + 2.5, PY(c->lo[i]));
        cairo_move_to(cr, x - 2.5, PY(c->hi[i]));
        cairo_line_to(cr, x + 2.5, PY(c->hi[i]));
        cairo_stroke(cr);
      }
      marker(cr, m, x, PY(c->b[i]));
    }
  }
  if (isfinite(c->ref)) { /* the reference period: zero by construction, a hollow circle */
    cairo_new_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_arc(cr, PX(c->ref), PY(0), 3.2, 0, 2 * M_PI);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
  }
  cairo_new_path(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, left, top, pw, ph);
  cairo_stroke(cr);
  cairo_set_font_size(cr, 11);
  cairo_text_extents_t e;
  cairo_text_extents(cr, c->xlabel, &e);
  text_at(cr, clamp_centre(left + pw / 2, e.x_advance, W), bot + 32, c->xlabel, 0.5);
  cairo_save(cr);
  cairo_text_extents(cr, c->ylabel, &e);
  cairo_move_to(cr, 16, fmin(top + ph / 2 + e.x_advance / 2, bot));
  cairo_rotate(cr, -M_PI / 2);
  cairo_show_text(cr, c->ylabel);
  cairo_restore(cr);
  legend_draw(cr, c->lg);
#undef PX
#undef PY
}

cn_status cn_plot_event(const char *path, const char *title, const char *xlabel, const char *ylabel, int nmodel,
                        const char *const *models, int nterm, const char *const *terms, const double *times,
                        const double *b, const double *lo, const double *hi, double ref, cn_diag *d) {
  if (nmodel < 1 || nterm < 1) return cn_diag_set(d, CN_EUSAGE, "nothing to plot");
  if (nmodel > SERIES_MAX) return cn_diag_set(d, CN_EUSAGE, "at most %d models in one figure", SERIES_MAX);
  for (int k = 0; k < nterm; k++) {
    if (!isfinite(times[k])) return cn_diag_set(d, CN_EUSAGE, "%s: its relative time is not a number", terms[k]);
    if (k && !(times[k] > times[k - 1]))
      return cn_diag_set(d, CN_EUSAGE, "%s and %s: the relative times must increase (%g, %g)", terms[k - 1],
                         terms[k], times[k - 1], times[k]);
  }
  event_ctx c = {.nm = nmodel, .nt = nterm, .models = models, .t = times, .b = b, .lo = lo, .hi = hi, .ref = ref,
                 .xlabel = xlabel ? xlabel : "periods relative to the event", .ylabel = ylabel ? ylabel : "estimate"};
  c.xlo = times[0], c.xhi = times[nterm - 1];
  if (isfinite(ref)) c.xlo = fmin(c.xlo, ref), c.xhi = fmax(c.xhi, ref);
  double gap = INFINITY; /* the closest two periods set the dodge of the models */
  for (int k = 1; k < nterm; k++) gap = fmin(gap, times[k] - times[k - 1]);
  if (!isfinite(gap)) gap = 1;
  c.dodge = nmodel > 1 ? 0.5 * gap / nmodel : 0;
  c.xlo -= 0.5 * gap, c.xhi += 0.5 * gap;
  bool integers = true;
  for (int k = 0; k < nterm; k++) integers = integers && times[k] == floor(times[k]);
  axis(&c.xlo, &c.xhi, 10, false, integers, &c.xstep);
  c.ylo = 0, c.yhi = 0; /* zero is always on the axis */
  for (int i = 0; i < nmodel * nterm; i++) {
    if (isfinite(lo[i])) c.ylo = fmin(c.ylo, lo[i]);
    if (isfinite(hi[i])) c.yhi = fmax(c.yhi, hi[i]);
    if (isfinite(b[i])) c.ylo = fmin(c.ylo, b[i]), c.yhi = fmax(c.yhi, b[i]);
  }
  axis(&c.ylo, &c.yhi, 5, true, false, &c.ystep);
  cairo_t *mc = measure_ctx();
  double wy = 0;
  char lab[64];
  for (double v = c.ylo; v <= c.yhi + c.ystep * 1e-9; v += c.ystep) {
    snprintf(lab, sizeof lab, "%g", fabs(v) < c.ystep * 1e-9 ? 0.0 : v);
    wy = fmax(wy, text_width(mc, lab, 10));
  }
  legend lg = {0};
  cn_buf desc = {0};
  cn_status st = CN_OK;
  char *xl = mc ? fit_text(mc, c.xlabel, XY_W - 8, 11) : NULL, *yl = mc ? fit_text(mc, c.ylabel, XY_PH, 11) : NULL;
  measure_free(mc);
  if (!xl || !yl) goto oom;
  c.xlabel = xl, c.ylabel = yl;
  c.left = fmax(wy + 32, 40);
  double H = XY_TOP + XY_PH + 45;
  if (nmodel > 1) {
    for (int m = 0; m < nmodel; m++)
      if (legend_push(&lg, LG_LINE, m, NULL, models[m]) != CN_OK) goto oom;
    H = legend_layout(&lg, c.left, XY_W - 12, XY_TOP + XY_PH + 54) + 14;
  }
  c.lg = &lg;
  const char *lead = "Event study: estimates with their confidence intervals of ";
  cn__buf_append(&desc, lead, strlen(lead));
  for (int k = 0; k < nterm; k++) {
    if (k) cn__buf_append(&desc, ", ", 2);
    snprintf(lab, sizeof lab, " (%g)", times[k]);
    cn__buf_append(&desc, terms[k], strlen(terms[k]));
    cn__buf_append(&desc, lab, strlen(lab));
  }
  lead = " by period relative to the event";
  cn__buf_append(&desc, lead, strlen(lead));
  if (isfinite(ref)) {
    snprintf(lab, sizeof lab, "; period %g is the reference, at zero", ref);
    cn__buf_append(&desc, lab, strlen(lab));
  }
  if (nmodel > 1) {
    cn__buf_append(&desc, "; models: ", 10);
    for (int m = 0; m < nmodel; m++) {
      if (m) cn__buf_append(&desc, ", ", 2);
      cn__buf_append(&desc, models[m], strlen(models[m]));
    }
  }
  cn__buf_append(&desc, ".", 1);
  if (desc.failed) goto oom;
  st = figure_write(path, XY_W, H, draw_event, &c, title, desc.data, d);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(xl), cn_free(yl);
  legend_free(&lg);
  cn__buf_free(&desc);
  return st;
}
