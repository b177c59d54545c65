/* lib/model/reg.c — OLS with absorbed fixed effects and the variance
 * estimators of spec/econometrics.md §1–2, with reghdfe's conventions.
 *
 * A constant without fixed effects is absorbed like a fixed effect of one
 * level, so one path serves both: the regressors are demeaned, the slopes
 * come from the demeaned data, and the constant is recovered from the means
 * by adding them back and regressing with a column of ones (reghdfe), which
 * leaves the slopes and residuals unchanged and gives the constant its
 * variance. k counts the slopes only; the constant's degree of freedom is
 * in df_a. */
#include <gsl/gsl_cdf.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coinnet/prep.h"
#include "hdfe.h"

void cn_reg_opts_init(cn_reg_opts *o) {
  memset(o, 0, sizeof *o);
  o->vce = CN_VCE_IID;
}

/* A regressor over the estimation sample. */
typedef struct rcol {
  char *name;
  double *x; /* values on the sample (demeaned in place later) */
  double mean;
  bool omitted;
} rcol;

typedef struct ctx {
  const cn_table *t;
  const cn_reg_opts *o;
  cn_formula *f;
  cn_diag *d;
  int64_t nrow;
  int idc, tmc; /* panel columns, -1 without */
} ctx;

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* The numeric values of column c over all rows (NaN when missing). */
static cn_status column_values(ctx *c, int col, int pos, double *out) {
  const cn_table *t = c->t;
  if (cn_table_type(t, col) == CN_STRING) {
    cn__formula_error(c->d, c->f->text, 0, "variable \"%s\" is text; use i(%s) for dummies",
                      cn_table_name(t, col), cn_table_name(t, col));
    c->d->column = c->d->snippet_col = pos > 0 ? pos : 1;
    return CN_ESCRIPT;
  }
  const double *dv = cn_table_dbl(t, col);
  const int64_t *iv = cn_table_i64(t, col);
  if (dv) memcpy(out, dv, (size_t)c->nrow * sizeof *out);
  else
    for (int64_t i = 0; i < c->nrow; i++) out[i] = iv[i] == CN_NA_INT64 ? NAN : (double)iv[i];
  return CN_OK;
}

/* Numeric values of a factor that is not i(): column, expression or lag. */
static cn_status factor_values(ctx *c, const cn__factor *fa, double *out) {
  cn_status st = CN_OK;
  if (fa->kind == CN_FK_EXPR) return cn_expr_eval(fa->expr, c->t, out, c->d);
  if ((st = column_values(c, fa->col, fa->pos, out)) != CN_OK) return st;
  if (fa->kind == CN_FK_VAR) return CN_OK;
  if (c->idc < 0) {
    st = cn__formula_error(c->d, c->f->text, 0, "%s needs the panel: add --panel ID,TIME", fa->text);
    c->d->column = c->d->snippet_col = fa->pos;
    c->d->code = CN_EUSAGE;
    return CN_EUSAGE;
  }
  double *tmp = cn_malloc(((size_t)c->nrow + 1) * sizeof *tmp);
  if (!tmp) return oom(c->d);
  if (fa->diff == 2) { /* Stata Dk.x: difference k times */
    for (int r = 0; r < fa->shift && st == CN_OK; r++) {
      st = cn_panel_shift(c->t, c->idc, c->tmc, out, 1, tmp, c->d);
      for (int64_t i = 0; st == CN_OK && i < c->nrow; i++) out[i] -= tmp[i];
    }
  } else {
    st = cn_panel_shift(c->t, c->idc, c->tmc, out, fa->shift, tmp, c->d);
    for (int64_t i = 0; st == CN_OK && i < c->nrow; i++)
      out[i] = fa->diff ? out[i] - tmp[i] : tmp[i];
  }
  cn_free(tmp);
  return st;
}

/* Integer keys of a categorical column (fixed effect, cluster, i()):
 * integers as they are, doubles by their bits, text by its code; *na[i]
 * set for missing. */
static void column_keys(const cn_table *t, int col, int64_t nrow, int64_t *key, int nk, int j,
                        unsigned char *na) {
  cn_type ty = cn_table_type(t, col);
  if (ty == CN_INT64) {
    const int64_t *v = cn_table_i64(t, col);
    for (int64_t i = 0; i < nrow; i++) {
      key[i * nk + j] = v[i];
      if (v[i] == CN_NA_INT64) na[i] = 1;
    }
  } else if (ty == CN_DOUBLE) {
    const double *v = cn_table_dbl(t, col);
    for (int64_t i = 0; i < nrow; i++) {
      double x = v[i] == 0 ? 0.0 : v[i]; /* -0 and 0 are one level */
      memcpy(&key[i * nk + j], &x, sizeof x);
      if (isnan(v[i])) na[i] = 1;
    }
  } else {
    for (int64_t i = 0; i < nrow; i++) {
      const int32_t *codes = cn_table_codes(t, col);
      key[i * nk + j] = codes ? codes[i] : 0;
      if (cn_table_is_na(t, col, i)) na[i] = 1;
    }
  }
}

/* The text of a categorical level of column col at row r. */
static void level_text(const cn_table *t, int col, int64_t r, char *buf, size_t n) {
  cn_type ty = cn_table_type(t, col);
  if (ty == CN_INT64) snprintf(buf, n, "%lld", (long long)cn_table_i64(t, col)[r]);
  else if (ty == CN_DOUBLE) cn__fmt_double(cn_table_dbl(t, col)[r], buf, n);
  else snprintf(buf, n, "%s", cn_table_level(t, col, cn_table_codes(t, col)[r]));
}

typedef struct lev {
  int64_t row; /* a row holding the level */
  int32_t id;
  double num; /* numeric value for ordering */
  const char *txt;
} lev;

static int by_level(const void *a, const void *b) {
  const lev *x = a, *y = b;
  if (x->txt && y->txt) return strcmp(x->txt, y->txt);
  return (x->num > y->num) - (x->num < y->num);
}

static char *joined(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *r = cn_malloc(n);
  if (r) snprintf(r, n, "%s:%s", a, b);
  return r;
}

/* Appends the regressors of one term over the sample rows (rows[0..n)) to
 * cols: the product of its numeric factors, times one dummy per level of
 * its i() factor (the reference level left out). */
static cn_status term_columns(ctx *c, const cn__term *term, double *const *fv, const int64_t *rows,
                              int64_t n, rcol **cols, int *ncol) {
  cn_status st = CN_OK;
  int fac = -1;
  for (int j = 0; j < term->nf; j++)
    if (term->f[j].kind == CN_FK_FACTOR) {
      if (fac >= 0) {
        st = cn__formula_error(c->d, c->f->text, 0, "one i() per term");
        c->d->column = c->d->snippet_col = term->f[j].pos;
        return st;
      }
      fac = j;
    }
  double *prod = cn_malloc(((size_t)n + 1) * sizeof *prod);
  char *name = NULL;
  lev *levs = NULL;
  int64_t *key = NULL;
  int32_t *id = NULL;
  unsigned char *na = NULL;
  if (!prod) return oom(c->d);
  for (int64_t i = 0; i < n; i++) prod[i] = 1;
  size_t nl = 1;
  for (int j = 0; j < term->nf; j++) {
    nl += strlen(term->f[j].text) + 1;
    if (j == fac) continue;
    for (int64_t i = 0; i < n; i++) prod[i] *= fv[j][rows[i]];
  }
  if (fac < 0) {
    name = cn_malloc(nl);
    if (!name) goto oom;
    name[0] = 0;
    for (int j = 0; j < term->nf; j++) {
      if (j) strcat(name, ":");
      strcat(name, term->f[j].text);
    }
    rcol *nc = cn_reallocarray(*cols, (size_t)*ncol + 1, sizeof *nc);
    if (!nc) goto oom;
    *cols = nc;
    nc[(*ncol)++] = (rcol){name, prod, 0, false};
    return CN_OK;
  }
  /* dummies for the levels of the i() factor, in sorted order */
  const cn__factor *fa = &term->f[fac];
  key = cn_malloc(((size_t)n + 1) * sizeof *key);
  id = cn_malloc(((size_t)n + 1) * sizeof *id);
  na = cn_calloc((size_t)c->nrow + 1, 1);
  int64_t *allkey = cn_malloc(((size_t)c->nrow + 1) * sizeof *allkey);
  if (!key || !id || !na || !allkey) {
    cn_free(allkey);
    goto oom;
  }
  column_keys(c->t, fa->col, c->nrow, allkey, 1, 0, na);
  for (int64_t i = 0; i < n; i++) key[i] = allkey[rows[i]];
  cn_free(allkey);
  int64_t L = cn__group_ids(key, n, 1, id);
  if (L < 0) goto oom;
  levs = cn_calloc((size_t)L + 1, sizeof *levs);
  if (!levs) goto oom;
  for (int64_t i = n - 1; i >= 0; i--) levs[id[i]].row = rows[i], levs[id[i]].id = id[i];
  cn_type ty = cn_table_type(c->t, fa->col);
  for (int64_t l = 0; l < L; l++) {
    if (ty == CN_STRING)
      levs[l].txt = cn_table_level(c->t, fa->col, cn_table_codes(c->t, fa->col)[levs[l].row]);
    else levs[l].num = cn_table_get_num(c->t, fa->col, levs[l].row);
  }
  qsort(levs, (size_t)L, sizeof *levs, by_level);
  int64_t ref = 0;
  if (fa->ref) {
    ref = -1;
    for (int64_t l = 0; l < L && ref < 0; l++) {
      char buf[256];
      level_text(c->t, fa->col, levs[l].row, buf, sizeof buf);
      if (!strcmp(buf, fa->ref)) ref = l;
    }
    if (ref < 0) {
      st = cn__formula_error(c->d, c->f->text, 0, "level \"%s\" of %s is not in the estimation sample",
                             fa->ref, cn_table_name(c->t, fa->col));
      c->d->column = c->d->snippet_col = fa->pos;
      goto done;
    }
  }
  for (int64_t l = 0; l < L; l++) {
    if (l == ref) continue;
    char buf[300], lab[256];
    level_text(c->t, fa->col, levs[l].row, lab, sizeof lab);
    snprintf(buf, sizeof buf, "%s::%s", cn_table_name(c->t, fa->col), lab);
    char *nm = cn_strdup(buf);
    for (int j = 0; nm && j < term->nf; j++) {
      if (j == fac) continue;
      char *nn = j < fac ? joined(term->f[j].text, nm) : joined(nm, term->f[j].text);
      cn_free(nm);
      nm = nn;
    }
    double *x = cn_malloc(((size_t)n + 1) * sizeof *x);
    rcol *nc = cn_reallocarray(*cols, (size_t)*ncol + 1, sizeof *nc);
    if (nc) *cols = nc;
    if (!nm || !x || !nc) {
      cn_free(nm);
      cn_free(x);
      goto oom;
    }
    for (int64_t i = 0; i < n; i++) x[i] = id[i] == levs[l].id ? prod[i] : 0;
    nc[(*ncol)++] = (rcol){nm, x, 0, false};
  }
  goto done;
oom:
  st = oom(c->d);
done:
  if (fac >= 0 || st != CN_OK) cn_free(prod);
  cn_free(levs);
  cn_free(key);
  cn_free(id);
  cn_free(na);
  return st;
}

/* Weighted mean of x over n rows (w NULL: plain). */
static double wmean(const double *x, const double *w, int64_t n) {
  double s = 0, sw = 0;
  for (int64_t i = 0; i < n; i++) {
    double wi = w ? w[i] : 1;
    s += wi * x[i];
    sw += wi;
  }
  return sw > 0 ? s / sw : 0;
}

/* Inverts the symmetric positive definite k×k matrix a in place (LAPACK
 * Cholesky); false when it is not positive definite. */
static bool spd_inverse(double *a, int k) {
  if (k == 0) return true;
  if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', k, a, k) != 0) return false;
  if (LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', k, a, k) != 0) return false;
  for (int i = 0; i < k; i++)
    for (int j = i + 1; j < k; j++) a[i * k + j] = a[j * k + i];
  return true;
}

/* Meat Σ_g u_g u_g' with u_g = Σ_{i∈g} s_i x_i over clusters cl (G of them),
 * or Σ_i s_i² x_i x_i' when cl is NULL; adds sign × it into meat (k×k). */
static cn_status add_meat(double *const *x, int k, const double *s, int64_t n, const int32_t *cl,
                          int64_t G, double sign, double *meat, cn_diag *d) {
  if (!cl) {
    for (int64_t i = 0; i < n; i++)
      for (int a = 0; a < k; a++) {
        double xa = x[a][i] * s[i];
        for (int b = 0; b <= a; b++) meat[a * k + b] += sign * xa * x[b][i] * s[i];
      }
  } else {
    double *u = cn_calloc((size_t)G * (size_t)k + 1, sizeof *u);
    if (!u) return oom(d);
    for (int64_t i = 0; i < n; i++)
      for (int a = 0; a < k; a++) u[(size_t)cl[i] * (size_t)k + (size_t)a] += x[a][i] * s[i];
    for (int64_t g = 0; g < G; g++) {
      const double *ug = u + (size_t)g * (size_t)k;
      for (int a = 0; a < k; a++)
        for (int b = 0; b <= a; b++) meat[a * k + b] += sign * ug[a] * ug[b];
    }
    cn_free(u);
  }
  for (int a = 0; a < k; a++)
    for (int b = a + 1; b < k; b++) meat[a * k + b] = meat[b * k + a];
  return CN_OK;
}

/* Sets negative eigenvalues of the symmetric k×k matrix v to zero. */
static cn_status psd_fix(double *v, int k, bool *fixed, cn_diag *d) {
  double *a = cn_malloc((size_t)k * (size_t)k * sizeof *a + 8), *ev = cn_malloc((size_t)k * sizeof *ev + 8);
  cn_status st = CN_OK;
  *fixed = false;
  if (!a || !ev) {
    st = oom(d);
    goto done;
  }
  memcpy(a, v, (size_t)k * (size_t)k * sizeof *a);
  if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'L', k, a, k, ev) != 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "eigen decomposition of the variance failed");
    goto done;
  }
  for (int i = 0; i < k; i++)
    if (ev[i] < 0) *fixed = true, ev[i] = 0;
  if (*fixed)
    for (int i = 0; i < k; i++)
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int q = 0; q < k; q++) s += a[i * k + q] * ev[q] * a[j * k + q];
        v[i * k + j] = s;
      }
done:
  cn_free(a);
  cn_free(ev);
  return st;
}

static cn_status add_note(cn_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cn_status add_note(cn_model *m, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char **nn = cn_reallocarray(m->notes, (size_t)m->n_notes + 1, sizeof *nn);
  if (!nn) return CN_EINTERNAL;
  m->notes = nn;
  if (!(nn[m->n_notes] = cn_strdup(buf))) return CN_EINTERNAL;
  m->n_notes++;
  return CN_OK;
}

cn_status cn_reg(const cn_table *t, const char *formula, const cn_reg_opts *opts,
                 cn_model **out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_reg_opts defaults;
  if (!opts) {
    cn_reg_opts_init(&defaults);
    opts = &defaults;
  }
  ctx c = {t, opts, NULL, d, cn_table_nrow(t), -1, -1};
  int64_t nrow = c.nrow, n = 0;
  cn_model *m = cn_calloc(1, sizeof *m);
  unsigned char *keep = NULL, *na = NULL;
  double *yall = NULL, **fv = NULL, *wall = NULL, *y = NULL, *w = NULL, *e = NULL;
  double *XtX = NULL, *Xty = NULL, *V = NULL, *meat = NULL, **xa = NULL;
  int64_t *rows = NULL, *fekey = NULL;
  int32_t **clid = NULL;
  int64_t *G = NULL;
  rcol *cols = NULL;
  int ncol = 0, nfv = 0, ncl = opts->n_cluster;
  cn__absorb ab = {0};
  *out = NULL;
  if (!m) return oom(d);
  double tol = opts->tol > 0 ? opts->tol : 1e-8;
  int max_iter = opts->max_iter > 0 ? opts->max_iter : 100000;
  if ((st = cn_formula_parse(formula, t, &c.f, d)) != CN_OK) goto done;
  cn_formula *f = c.f;
  if (f->iv) {
    st = cn__formula_error(d, f->text, 0, "an iv part needs `coinnet iv`");
    goto done;
  }
  if ((opts->panel_id != NULL) != (opts->panel_time != NULL)) {
    st = cn_diag_set(d, CN_EUSAGE, "--panel needs ID,TIME");
    goto done;
  }
  if (opts->panel_id) {
    c.idc = cn_table_find(t, opts->panel_id);
    c.tmc = cn_table_find(t, opts->panel_time);
    if (c.idc < 0 || c.tmc < 0) {
      st = cn_diag_set(d, CN_EUSAGE, "--panel: no variable \"%s\"",
                       c.idc < 0 ? opts->panel_id : opts->panel_time);
      goto done;
    }
  }
  if (opts->vce == CN_VCE_CLUSTER && ncl == 0) {
    st = cn_diag_set(d, CN_EUSAGE, "--vce cluster needs --cluster VAR");
    goto done;
  }
  keep = cn_malloc((size_t)nrow + 1);
  na = cn_calloc((size_t)nrow + 1, 1);
  yall = cn_malloc(((size_t)nrow + 1) * sizeof *yall);
  if (!keep || !na || !yall) goto oom;
  memset(keep, 1, (size_t)nrow);
  /* --if */
  if (opts->if_expr) {
    cn_expr *ie = NULL;
    if ((st = cn_expr_parse(opts->if_expr, t, &ie, d)) != CN_OK) goto done;
    st = cn_expr_eval(ie, t, yall, d);
    cn_expr_free(ie);
    if (st != CN_OK) goto done;
    for (int64_t i = 0; i < nrow; i++)
      if (isnan(yall[i]) || yall[i] == 0) keep[i] = 0, m->dropped_if++;
  }
  /* values of every factor of every term, the depvar, weights */
  if ((st = factor_values(&c, &f->dep, yall)) != CN_OK) goto done;
  for (int64_t i = 0; i < nrow; i++)
    if (isnan(yall[i])) na[i] = 1;
  int nfac = 0;
  for (int q = 0; q < f->rhs.n; q++) nfac += f->rhs.t[q].nf;
  fv = cn_calloc((size_t)nfac + 1, sizeof *fv);
  if (!fv) goto oom;
  for (int q = 0; q < f->rhs.n; q++)
    for (int j = 0; j < f->rhs.t[q].nf; j++) {
      const cn__factor *fa = &f->rhs.t[q].f[j];
      double *v = fv[nfv++] = cn_malloc(((size_t)nrow + 1) * sizeof *v);
      if (!v) goto oom;
      if (fa->kind == CN_FK_FACTOR) {
        int64_t *k1 = cn_malloc(((size_t)nrow + 1) * sizeof *k1);
        if (!k1) goto oom;
        column_keys(t, fa->col, nrow, k1, 1, 0, na);
        cn_free(k1);
        for (int64_t i = 0; i < nrow; i++) v[i] = 0;
      } else {
        if ((st = factor_values(&c, fa, v)) != CN_OK) goto done;
        for (int64_t i = 0; i < nrow; i++)
          if (isnan(v[i])) na[i] = 1;
      }
    }
  if (opts->weights) {
    int wc = cn_table_find(t, opts->weights);
    if (wc < 0) {
      st = cn_diag_set(d, CN_EUSAGE, "--weights: no variable \"%s\"", opts->weights);
      goto done;
    }
    wall = cn_malloc(((size_t)nrow + 1) * sizeof *wall);
    if (!wall) goto oom;
    if ((st = column_values(&c, wc, 0, wall)) != CN_OK) goto done;
    for (int64_t i = 0; i < nrow; i++) {
      if (wall[i] < 0) {
        st = cn_diag_set(d, CN_EDATA, "negative weight %g in row %lld of %s", wall[i],
                         (long long)i + 1, opts->weights);
        goto done;
      }
      if (isnan(wall[i]) || wall[i] == 0) na[i] = 1;
    }
  }
  /* fixed effects: keys of their columns; a constant alone is a one-level
   * fixed effect */
  int nfe = f->nfe;
  bool pseudo = nfe == 0 && f->cons;
  int nabs = nfe + (pseudo ? 1 : 0);
  int maxnv = 1;
  for (int g = 0; g < nfe; g++)
    if (f->fe[g].nv > maxnv) maxnv = f->fe[g].nv;
  fekey = cn_malloc(((size_t)nrow * (size_t)(nfe + ncl + 1) * (size_t)maxnv + 1) * sizeof *fekey);
  if (!fekey) goto oom;
  int64_t *keyat = fekey; /* nfe + ncl blocks of nrow × maxnv */
  for (int g = 0; g < nfe; g++)
    for (int j = 0; j < f->fe[g].nv; j++)
      column_keys(t, f->fe[g].cols[j], nrow, keyat + (size_t)g * (size_t)nrow * (size_t)maxnv,
                  maxnv, j, na);
  for (int g = 0; g < nfe; g++)
    for (int64_t i = 0; i < nrow; i++)
      for (int j = f->fe[g].nv; j < maxnv; j++)
        keyat[(size_t)g * (size_t)nrow * (size_t)maxnv + (size_t)i * (size_t)maxnv + (size_t)j] = 0;
  int *clcol = cn_calloc((size_t)ncl + 1, sizeof *clcol);
  if (!clcol) goto oom;
  for (int q = 0; q < ncl; q++) {
    clcol[q] = cn_table_find(t, opts->cluster[q]);
    if (clcol[q] < 0) {
      cn_free(clcol);
      st = cn_diag_set(d, CN_EUSAGE, "--cluster: no variable \"%s\"", opts->cluster[q]);
      goto done;
    }
    int64_t *blk = keyat + (size_t)(nfe + q) * (size_t)nrow * (size_t)maxnv;
    column_keys(t, clcol[q], nrow, blk, 1, 0, na);
  }
  cn_free(clcol);
  /* the sample */
  rows = cn_malloc(((size_t)nrow + 1) * sizeof *rows);
  if (!rows) goto oom;
  for (int64_t i = 0; i < nrow; i++) {
    if (!keep[i]) continue;
    if (na[i]) {
      m->dropped_missing++;
      continue;
    }
    rows[n++] = i;
  }
  m->nobs_full = n + m->dropped_missing;
  /* level ids on the sample, singletons, ids again on what is left */
  ab.nfe = nabs;
  ab.id = cn_calloc((size_t)nabs + 1, sizeof *ab.id);
  ab.nlev = cn_calloc((size_t)nabs + 1, sizeof *ab.nlev);
  ab.wsum = cn_calloc((size_t)nabs + 1, sizeof *ab.wsum);
  int64_t *kbuf = cn_malloc(((size_t)n * (size_t)maxnv + 1) * sizeof *kbuf);
  if (!ab.id || !ab.nlev || !ab.wsum || !kbuf) {
    cn_free(kbuf);
    goto oom;
  }
  for (int pass = 0; pass < 2; pass++) {
    ab.n = n;
    for (int g = 0; g < nabs; g++) {
      cn_free(ab.id[g]);
      ab.id[g] = cn_calloc((size_t)n + 1, sizeof **ab.id);
      if (!ab.id[g]) {
        cn_free(kbuf);
        goto oom;
      }
      if (g >= nfe) { /* the constant */
        ab.nlev[g] = n > 0;
        continue;
      }
      const int64_t *blk = keyat + (size_t)g * (size_t)nrow * (size_t)maxnv;
      for (int64_t i = 0; i < n; i++)
        memcpy(kbuf + (size_t)i * (size_t)maxnv, blk + (size_t)rows[i] * (size_t)maxnv,
               (size_t)maxnv * sizeof *kbuf);
      ab.nlev[g] = cn__group_ids(kbuf, n, maxnv, ab.id[g]);
      if (ab.nlev[g] < 0) {
        cn_free(kbuf);
        goto oom;
      }
    }
    if (pass == 1 || opts->keep_singletons || nfe == 0) break;
    memset(keep, 1, (size_t)n);
    int64_t dropped = cn__drop_singletons(&ab, keep);
    if (dropped < 0) {
      cn_free(kbuf);
      goto oom;
    }
    if (dropped == 0) break;
    m->singletons = dropped;
    int64_t n2 = 0;
    for (int64_t i = 0; i < n; i++)
      if (keep[i]) rows[n2++] = rows[i];
    n = n2;
  }
  cn_free(kbuf);
  m->nobs = n;
  if (n == 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "no observations left to estimate");
    goto done;
  }
  /* depvar, weights (normalized to sum to N, as Stata's aweights) */
  y = cn_malloc(((size_t)n + 1) * sizeof *y);
  if (!y) goto oom;
  for (int64_t i = 0; i < n; i++) y[i] = yall[rows[i]];
  if (wall) {
    w = cn_malloc(((size_t)n + 1) * sizeof *w);
    if (!w) goto oom;
    double sw = 0;
    for (int64_t i = 0; i < n; i++) sw += w[i] = wall[rows[i]];
    for (int64_t i = 0; i < n; i++) w[i] *= (double)n / sw;
  }
  ab.w = w;
  /* regressors */
  nfv = 0;
  for (int q = 0; q < f->rhs.n; q++) {
    if ((st = term_columns(&c, &f->rhs.t[q], fv + nfv, rows, n, &cols, &ncol)) != CN_OK) goto done;
    nfv += f->rhs.t[q].nf;
  }
  /* clusters on the sample */
  if (opts->vce == CN_VCE_CLUSTER) {
    clid = cn_calloc((size_t)ncl + 1, sizeof *clid);
    G = cn_calloc((size_t)ncl + 1, sizeof *G);
    kbuf = cn_malloc(((size_t)n + 1) * sizeof *kbuf);
    if (!clid || !G || !kbuf) {
      cn_free(kbuf);
      goto oom;
    }
    for (int q = 0; q < ncl; q++) {
      const int64_t *blk = keyat + (size_t)(nfe + q) * (size_t)nrow * (size_t)maxnv;
      for (int64_t i = 0; i < n; i++) kbuf[i] = blk[(size_t)rows[i] * (size_t)maxnv];
      clid[q] = cn_malloc(((size_t)n + 1) * sizeof **clid);
      if (!clid[q]) {
        cn_free(kbuf);
        goto oom;
      }
      G[q] = cn__group_ids(kbuf, n, 1, clid[q]);
    }
    cn_free(kbuf);
  }
  /* means (for the constant), then demean y and every regressor */
  if ((st = cn__absorb_prepare(&ab, d)) != CN_OK) goto done;
  double ybar = wmean(y, w, n);
  for (int j = 0; j < ncol; j++) cols[j].mean = wmean(cols[j].x, w, n);
  double tss = 0;
  for (int64_t i = 0; i < n; i++) tss += (w ? w[i] : 1) * (y[i] - ybar) * (y[i] - ybar);
  int iters = 0, maxit = 0;
  cn_status sts = CN_OK;
  cn_diag dd;
  memset(&dd, 0, sizeof dd);
#pragma omp parallel for schedule(dynamic, 1) reduction(max : maxit)
  for (int j = -1; j < ncol; j++) {
    int it = 0;
    cn_diag dj;
    double *xj = j < 0 ? y : cols[j].x;
    cn_status s1;
    if (opts->solver == CN_SOLVER_CG && ab.nfe > 1) {
      s1 = cn__demean_cg(&ab, xj, tol, max_iter, &it, &dj);
    } else if (opts->solver == CN_SOLVER_AP || ab.nfe < 2) {
      s1 = cn__demean(&ab, xj, tol, max_iter, &it, &dj);
    } else { /* auto: projections first; a slow design goes on with CG */
      s1 = cn__demean(&ab, xj, tol, max_iter < 200 ? max_iter : 200, &it, &dj);
      if (s1 == CN_EANALYSIS && max_iter > 200) {
        int it2 = 0;
        s1 = cn__demean_cg(&ab, xj, tol, max_iter, &it2, &dj);
        it += it2;
      }
    }
    if (it > maxit) maxit = it;
    if (s1 != CN_OK) {
#pragma omp critical
      if (sts == CN_OK) sts = s1, dd = dj;
    }
  }
  iters = maxit;
  if (sts != CN_OK) {
    if (d) *d = dd;
    st = sts;
    goto done;
  }
  m->iterations = iters;
  m->converged = true;
  double tssw = 0;
  for (int64_t i = 0; i < n; i++) tssw += (w ? w[i] : 1) * y[i] * y[i];
  /* collinearity: keep a regressor when its residual on the kept ones
   * holds more than 1e-9 of its (demeaned) sum of squares */
  int k = 0;
  int *kept = cn_malloc(((size_t)ncol + 1) * sizeof *kept);
  XtX = cn_calloc((size_t)(ncol + 1) * (size_t)(ncol + 1) + 1, sizeof *XtX);
  if (!kept || !XtX) {
    cn_free(kept);
    goto oom;
  }
  for (int j = 0; j < ncol; j++) {
    double ss = 0;
    for (int64_t i = 0; i < n; i++) ss += (w ? w[i] : 1) * cols[j].x[i] * cols[j].x[i];
    bool ok = ss > 0;
    if (ok && k > 0) {
      /* residual sum of squares of x_j on the kept: ss − c'A⁻¹c */
      double *A = cn_malloc((size_t)k * (size_t)k * sizeof *A + 8), *cv = cn_malloc((size_t)k * sizeof *cv + 8);
      if (!A || !cv) {
        cn_free(A);
        cn_free(cv);
        cn_free(kept);
        goto oom;
      }
      for (int a = 0; a < k; a++) {
        double s = 0;
        for (int64_t i = 0; i < n; i++) s += (w ? w[i] : 1) * cols[kept[a]].x[i] * cols[j].x[i];
        cv[a] = s;
        for (int b = 0; b <= a; b++) {
          double s2 = 0;
          for (int64_t i = 0; i < n; i++) s2 += (w ? w[i] : 1) * cols[kept[a]].x[i] * cols[kept[b]].x[i];
          A[a * k + b] = A[b * k + a] = s2;
        }
      }
      bool inv = spd_inverse(A, k);
      double q = 0;
      for (int a = 0; inv && a < k; a++)
        for (int b = 0; b < k; b++) q += cv[a] * A[a * k + b] * cv[b];
      ok = inv && ss - q > 1e-9 * ss;
      cn_free(A);
      cn_free(cv);
    }
    if (ok) kept[k++] = j;
    else {
      cols[j].omitted = true;
      if (add_note(m, "%s omitted because of collinearity", cols[j].name) != CN_OK) {
        cn_free(kept);
        goto oom;
      }
    }
  }
  /* the design: kept slopes (demeaned, plus their means when a constant is
   * reported) and the constant */
  bool cons = nfe > 0 || f->cons;
  int ka = k + (cons ? 1 : 0);
  xa = cn_calloc((size_t)ka + 1, sizeof *xa);
  double *ones = NULL;
  if (!xa) {
    cn_free(kept);
    goto oom;
  }
  for (int a = 0; a < k; a++) {
    xa[a] = cols[kept[a]].x;
    if (cons)
      for (int64_t i = 0; i < n; i++) xa[a][i] += cols[kept[a]].mean;
  }
  if (cons) {
    ones = cn_malloc(((size_t)n + 1) * sizeof *ones);
    if (!ones) {
      cn_free(kept);
      goto oom;
    }
    for (int64_t i = 0; i < n; i++) ones[i] = 1, y[i] += ybar;
    xa[k] = ones;
  }
  Xty = cn_calloc((size_t)ka + 1, sizeof *Xty);
  V = cn_calloc((size_t)ka * (size_t)ka + 1, sizeof *V);
  meat = cn_calloc((size_t)ka * (size_t)ka + 1, sizeof *meat);
  e = cn_malloc(((size_t)n + 1) * sizeof *e);
  if (!Xty || !V || !meat || !e) {
    cn_free(kept);
    cn_free(ones);
    goto oom;
  }
  for (int a = 0; a < ka; a++) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += (w ? w[i] : 1) * xa[a][i] * y[i];
    Xty[a] = s;
    for (int b = 0; b <= a; b++) {
      double s2 = 0;
      for (int64_t i = 0; i < n; i++) s2 += (w ? w[i] : 1) * xa[a][i] * xa[b][i];
      XtX[a * ka + b] = XtX[b * ka + a] = s2;
    }
  }
  if (!spd_inverse(XtX, ka)) {
    cn_free(kept);
    cn_free(ones);
    st = cn_diag_set(d, CN_EANALYSIS, "the regressors are collinear (X'X is singular)");
    goto done;
  }
  double *b = cn_calloc((size_t)ka + 1, sizeof *b);
  if (!b) {
    cn_free(kept);
    cn_free(ones);
    goto oom;
  }
  for (int a = 0; a < ka; a++)
    for (int q = 0; q < ka; q++) b[a] += XtX[a * ka + q] * Xty[q];
  double rss = 0;
  for (int64_t i = 0; i < n; i++) {
    double fit = 0;
    for (int a = 0; a < ka; a++) fit += xa[a][i] * b[a];
    e[i] = y[i] - fit;
    rss += (w ? w[i] : 1) * e[i] * e[i];
  }
  /* degrees of freedom absorbed (reghdfe dof(all)) */
  m->n_fe = nfe;
  m->fe = cn_calloc((size_t)nfe + 1, sizeof *m->fe);
  if (!m->fe) goto oom_b;
  double df_a = 0;
  bool any_nested = false;
  for (int g = 0; g < nabs; g++) {
    int64_t K = ab.nlev[g], M = 0;
    bool nested = false;
    for (int q = 0; g < nfe && clid && q < ncl && !nested; q++) nested = cn__fe_nested(&ab, g, clid[q]);
    if (nested) {
      M = K; /* nested in a cluster: not counted */
      any_nested = true;
    } else if (g == 1) {
      /* the pair (first, second): exactly the connected components */
      if ((M = cn__fe_components(&ab, 0, 1)) < 0) goto oom_b;
    } else if (g > 1) {
      M = 1; /* later ones: at least one redundant level */
    }
    df_a += (double)(K - M);
    if (g < nfe) {
      m->fe[g].name = cn_strdup(f->fe[g].name);
      if (!m->fe[g].name) goto oom_b;
      m->fe[g].levels = K;
      m->fe[g].redundant = M;
      m->fe[g].nested = nested;
    }
  }
  /* the one-level constant: K = 1, M = 0 */
  double N = (double)n, dk = (double)k;
  double nested_adj = any_nested && !opts->ssc_fixest ? 1 : 0;
  double df_resid = N - dk - df_a;
  m->df_a = df_a;
  m->df_r = df_resid;
  if (df_resid <= 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "no residual degrees of freedom (N = %lld, k = %d, df_a = %g)",
                     (long long)n, k, df_a);
    goto free_b;
  }
  /* variance */
  m->vce = opts->vce;
  if (opts->vce == CN_VCE_IID) {
    double s2 = rss / df_resid;
    for (int q = 0; q < ka * ka; q++) V[q] = s2 * XtX[q];
  } else {
    double *s = cn_malloc(((size_t)n + 1) * sizeof *s);
    if (!s) goto oom_b;
    for (int64_t i = 0; i < n; i++) s[i] = (w ? w[i] : 1) * e[i];
    double factor;
    bool fixed = false;
    if (opts->vce == CN_VCE_ROBUST) {
      st = add_meat(xa, ka, s, n, NULL, 0, 1, meat, d);
      factor = N / df_resid;
    } else {
      int64_t Gmin = G[0];
      for (int q = 1; q < ncl; q++)
        if (G[q] < Gmin) Gmin = G[q];
      /* Cameron–Gelbach–Miller over the non-empty subsets of the clusters */
      for (unsigned sub = 1; st == CN_OK && sub < (1u << ncl); sub++) {
        int bits = __builtin_popcount(sub);
        int32_t *cid = clid[__builtin_ctz(sub)];
        int32_t *own = NULL;
        int64_t Gs = G[__builtin_ctz(sub)];
        if (bits > 1) {
          int64_t *kk = cn_malloc(((size_t)n * (size_t)bits + 1) * sizeof *kk);
          own = cn_malloc(((size_t)n + 1) * sizeof *own);
          if (!kk || !own) {
            cn_free(kk);
            cn_free(own);
            cn_free(s);
            goto oom_b;
          }
          for (int64_t i = 0; i < n; i++) {
            int j2 = 0;
            for (int q = 0; q < ncl; q++)
              if (sub >> q & 1) kk[i * bits + j2++] = clid[q][i];
          }
          Gs = cn__group_ids(kk, n, bits, own);
          cn_free(kk);
          cid = own;
        }
        st = add_meat(xa, ka, s, n, cid, Gs, bits % 2 ? 1.0 : -1.0, meat, d);
        cn_free(own);
      }
      double Gd = (double)Gmin;
      factor = (N - 1) / (N - nested_adj - dk - df_a) * Gd / (Gd - 1);
      if (df_resid > Gd - 1) m->df_r = Gd - 1;
      m->n_cluster = ncl;
      m->cluster = cn_calloc((size_t)ncl + 1, sizeof *m->cluster);
      m->n_clusters = cn_calloc((size_t)ncl + 1, sizeof *m->n_clusters);
      if (!m->cluster || !m->n_clusters) {
        cn_free(s);
        goto oom_b;
      }
      for (int q = 0; q < ncl; q++) {
        m->cluster[q] = cn_strdup(opts->cluster[q]);
        m->n_clusters[q] = G[q];
        if (!m->cluster[q]) {
          cn_free(s);
          goto oom_b;
        }
      }
    }
    cn_free(s);
    if (st != CN_OK) goto free_b;
    /* V = factor · D meat D */
    double *tmp = cn_calloc((size_t)ka * (size_t)ka + 1, sizeof *tmp);
    if (!tmp) goto oom_b;
    for (int a = 0; a < ka; a++)
      for (int q = 0; q < ka; q++) {
        double s1 = 0;
        for (int r = 0; r < ka; r++) s1 += XtX[a * ka + r] * meat[r * ka + q];
        tmp[a * ka + q] = s1;
      }
    for (int a = 0; a < ka; a++)
      for (int q = 0; q < ka; q++) {
        double s1 = 0;
        for (int r = 0; r < ka; r++) s1 += tmp[a * ka + r] * XtX[r * ka + q];
        V[a * ka + q] = factor * s1;
      }
    cn_free(tmp);
    if (opts->vce == CN_VCE_CLUSTER && ncl > 1 && k > 0) {
      /* the slopes' block, as reghdfe checks it (the constant's row and
       * column are left as they are) */
      double *vs = cn_malloc((size_t)k * (size_t)k * sizeof *vs + 8);
      if (!vs) goto oom_b;
      for (int a = 0; a < k; a++)
        for (int q = 0; q < k; q++) vs[a * k + q] = V[a * ka + q];
      st = psd_fix(vs, k, &fixed, d);
      for (int a = 0; a < k; a++)
        for (int q = 0; q < k; q++) V[a * ka + q] = vs[a * k + q];
      cn_free(vs);
      if (st != CN_OK) goto free_b;
      if (fixed && add_note(m, "the multiway cluster variance was not positive semi-definite; "
                               "its negative eigenvalues were set to zero") != CN_OK)
        goto oom_b;
    }
  }
  /* coefficients */
  m->ncoef = ka;
  m->coef = cn_calloc((size_t)ka + 1, sizeof *m->coef);
  m->V = V;
  V = NULL;
  if (!m->coef) goto oom_b;
  double tq = gsl_cdf_tdist_Qinv(0.025, m->df_r);
  for (int a = 0; a < ka; a++) {
    cn_coef *cf = &m->coef[a];
    cf->name = cn_strdup(a < k ? cols[kept[a]].name : "_cons");
    if (!cf->name) goto oom_b;
    cf->b = b[a];
    cf->se = sqrt(m->V[a * ka + a]);
    cf->t = cf->b / cf->se;
    cf->p = 2 * gsl_cdf_tdist_Q(fabs(cf->t), m->df_r);
    cf->ci_low = cf->b - tq * cf->se;
    cf->ci_high = cf->b + tq * cf->se;
  }
  /* fit statistics (reghdfe) */
  double used_df = N - df_a - dk;
  m->rss = rss;
  m->tss = tss;
  m->tss_within = tssw;
  m->r2 = 1 - rss / tss;
  m->r2_within = nfe > 0 ? 1 - rss / tssw : m->r2;
  m->r2_a = 1 - (rss / used_df) / (tss / (N - 1));
  m->r2_within_a = 1 - (rss / used_df) / (tssw / (used_df + dk));
  m->rmse = sqrt(rss / used_df);
  m->ll = NAN;
  m->pseudo_r2 = NAN;
  /* model F: Wald test of the slopes */
  m->F = NAN;
  m->F_p = NAN;
  if (k > 0) {
    double *Vs = cn_malloc((size_t)k * (size_t)k * sizeof *Vs + 8);
    if (!Vs) goto oom_b;
    for (int a = 0; a < k; a++)
      for (int q = 0; q < k; q++) Vs[a * k + q] = m->V[a * ka + q];
    if (spd_inverse(Vs, k)) {
      double wald = 0;
      for (int a = 0; a < k; a++)
        for (int q = 0; q < k; q++) wald += b[a] * Vs[a * k + q] * b[q];
      m->F = wald / dk;
      m->F_p = gsl_cdf_fdist_Q(m->F, dk, m->df_r);
    }
    cn_free(Vs);
  }
  if (m->singletons && add_note(m, "%lld singleton observation%s dropped", (long long)m->singletons,
                                m->singletons == 1 ? "" : "s") != CN_OK)
    goto oom_b;
  if (!(m->command = cn_strdup("reg")) || !(m->estimator = cn_strdup("ols")) ||
      !(m->depvar = cn_strdup(f->dep.text)) || !(m->formula = cn_strdup(formula)))
    goto oom_b;
  goto free_b;
oom_b:
  st = oom(d);
free_b:
  cn_free(b);
  cn_free(kept);
  cn_free(ones);
  goto done;
oom:
  st = oom(d);
done:
  if (st == CN_OK) *out = m;
  else cn_model_free(m);
  cn_formula_free(c.f);
  cn_free(keep);
  cn_free(na);
  cn_free(yall);
  for (int q = 0; fv && q < nfv; q++) cn_free(fv[q]);
  cn_free(fv);
  cn_free(wall);
  cn_free(y);
  cn_free(w);
  cn_free(e);
  cn_free(XtX);
  cn_free(Xty);
  cn_free(V);
  cn_free(meat);
  cn_free(xa);
  cn_free(rows);
  cn_free(fekey);
  for (int q = 0; clid && q < ncl; q++) cn_free(clid[q]);
  cn_free(clid);
  cn_free(G);
  for (int j = 0; j < ncol; j++) {
    cn_free(cols[j].name);
    cn_free(cols[j].x);
  }
  cn_free(cols);
  cn__absorb_free(&ab);
  return st;
}

void cn_model_free(cn_model *m) {
  if (!m) return;
  cn_free(m->command);
  cn_free(m->estimator);
  cn_free(m->depvar);
  cn_free(m->formula);
  for (int g = 0; g < m->n_fe; g++) cn_free(m->fe[g].name);
  cn_free(m->fe);
  for (int q = 0; q < m->n_cluster; q++) cn_free(m->cluster ? m->cluster[q] : NULL);
  cn_free(m->cluster);
  cn_free(m->n_clusters);
  for (int a = 0; a < m->ncoef; a++) cn_free(m->coef ? m->coef[a].name : NULL);
  cn_free(m->coef);
  cn_free(m->V);
  for (int q = 0; q < m->n_notes; q++) cn_free(m->notes[q]);
  cn_free(m->notes);
  cn_free(m);
}
