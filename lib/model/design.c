/* lib/model/design.c — from a table and a formula to the estimation
 * sample: rows left out by --if and for missing values (counted), the
 * dependent variable, the regressors (products, i() dummies, lags, any
 * expression), weights rescaled to sum to N, fixed-effect level ids with
 * singletons dropped, and cluster ids. Shared by every estimator. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coinnet/prep.h"
#include "hdfe.h"

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

/* The text of a categorical level of column col at row r, whole (a level
 * of any length: cutting it would give two levels one name); a new string,
 * NULL when out of memory. */
static char *level_text(const cn_table *t, int col, int64_t r) {
  cn_type ty = cn_table_type(t, col);
  char num[64];
  if (ty == CN_STRING) return cn_strdup(cn_table_level(t, col, cn_table_codes(t, col)[r]));
  if (ty == CN_INT64) snprintf(num, sizeof num, "%lld", (long long)cn_table_i64(t, col)[r]);
  else cn__fmt_double(cn_table_dbl(t, col)[r], num, sizeof num); /* at most 24 bytes */
  return cn_strdup(num);
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
      char *lab = level_text(c->t, fa->col, levs[l].row);
      if (!lab) goto oom;
      if (!strcmp(lab, fa->ref)) ref = l;
      cn_free(lab);
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
    char *lab = level_text(c->t, fa->col, levs[l].row), *nm = NULL;
    if (lab) {
      const char *var = cn_table_name(c->t, fa->col);
      size_t n = strlen(var) + 2 + strlen(lab) + 1;
      if ((nm = cn_malloc(n))) snprintf(nm, n, "%s::%s", var, lab);
      cn_free(lab);
    }
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


/* Appends i(v) for a fixed effect given as a plain variable to the terms
 * (estimators that do not absorb); an interacted one is refused. */
static cn_status fe_as_terms(cn_formula *f, const cn_table *t, cn_diag *d) {
  for (int g = 0; g < f->nfe; g++) {
    if (f->fe[g].nv != 1)
      return cn__formula_error(d, f->text, 0,
                               "interacted fixed effect %s: write i(a):i(b) as a term instead",
                               f->fe[g].name);
    cn__term *nt = cn_reallocarray(f->rhs.t, (size_t)f->rhs.n + 1, sizeof *nt);
    if (!nt) return oom(d);
    f->rhs.t = nt;
    cn__term *term = &f->rhs.t[f->rhs.n];
    term->nf = 1;
    term->f = cn_calloc(1, sizeof *term->f);
    if (!term->f) return oom(d);
    f->rhs.n++;
    term->f[0].kind = CN_FK_FACTOR;
    term->f[0].col = f->fe[g].cols[0];
    term->f[0].pos = 1;
    term->f[0].text = cn_strdup(cn_table_name(t, f->fe[g].cols[0]));
    if (!term->f[0].text) return oom(d);
    cn_free(f->fe[g].name);
    cn_free(f->fe[g].cols);
  }
  f->nfe = 0;
  return CN_OK;
}

static int f_nfe_of(const cn_formula *f) { return f ? f->nfe : 0; }

/* Whether the factors a and b are the same variable: the same column
 * (shifted alike, for lags) or the same expression text. */
static bool same_factor(const cn__factor *a, const cn__factor *b) {
  if (a->kind != b->kind) return false;
  if (a->kind == CN_FK_VAR) return a->col == b->col;
  if (a->kind == CN_FK_LAG) return a->col == b->col && a->shift == b->shift && a->diff == b->diff;
  return a->kind == CN_FK_EXPR && !strcmp(a->text, b->text);
}

/* Formulas that leave nothing to estimate (CN_ESCRIPT with a caret): the
 * dependent variable written again as a regressor (R² = 1 by
 * construction, zero standard errors), and an equation with no regressor,
 * no constant and no fixed effect (`y ~ 0`). */
/* A degenerate model is an analysis that cannot be done (exit 1), though
 * its diagnostic points into the formula like a formula error. */
static cn_status degenerate(cn_diag *d) {
  if (d) d->code = CN_EANALYSIS;
  return CN_EANALYSIS;
}

static cn_status degenerate_formula(const cn_formula *f, cn_diag *d) {
  const cn__terms *sets[2] = {&f->rhs, &f->endog};
  for (int s = 0; s < 2; s++)
    for (int q = 0; q < sets[s]->n; q++) {
      const cn__term *tm = &sets[s]->t[q];
      if (tm->nf != 1 || !same_factor(&tm->f[0], &f->dep)) continue;
      cn__formula_error(d, f->text, 0, "%s is the dependent variable; it cannot also be a regressor",
                        tm->f[0].text);
      if (d) d->column = d->snippet_col = tm->f[0].pos;
      return degenerate(d);
    }
  if (f->rhs.n == 0 && !f->cons && f->nfe == 0 && f->endog.n == 0) {
    cn__formula_error(d, f->text, strlen(f->text),
                      "nothing to estimate: no regressor, no constant and no fixed effect");
    return degenerate(d);
  }
  return CN_OK;
}

cn_status cn__design_build(const cn_table *t, const char *formula, const cn_reg_opts *opts,
                           unsigned flags, cn__design *ds, cn_model *m, cn_diag *d) {
  cn_status st = CN_OK;
  memset(ds, 0, sizeof *ds);
  ctx c = {t, opts, NULL, d, cn_table_nrow(t), -1, -1};
  int64_t nrow = c.nrow, n = 0;
  unsigned char *keep = NULL, *na = NULL;
  double *yall = NULL, **fv = NULL, *wall = NULL, *y = NULL, *w = NULL;
  int64_t *rows = NULL, *fekey = NULL;
  int32_t **clid = NULL;
  int64_t *G = NULL;
  rcol *cols = NULL;
  int ncol = 0, nfv = 0, ncl = opts->n_cluster;
  cn__absorb ab = {0};
  cn__terms *sets[3];
  rcol *setcols[3] = {NULL, NULL, NULL};
  int setn[3] = {0, 0, 0};
  if ((st = cn_formula_parse(formula, t, &c.f, d)) != CN_OK) goto done;
  cn_formula *f = c.f;
  if (f->iv && !(flags & CN_DESIGN_IV)) {
    st = cn__formula_error(d, f->text, 0, "an iv part needs `coinnet iv`");
    goto done;
  }
  if (!f->iv && (flags & CN_DESIGN_IV)) {
    st = cn__formula_error(d, f->text, strlen(f->text), "expected an iv part: | endogenous ~ instruments");
    goto done;
  }
  if ((flags & CN_DESIGN_DUMMIES) && (st = fe_as_terms(f, t, d)) != CN_OK) goto done;
  if ((st = degenerate_formula(f, d)) != CN_OK) goto done;
  sets[0] = &f->rhs;
  sets[1] = &f->endog;
  sets[2] = &f->inst;
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
    int64_t miss = 0;
    for (int64_t i = 0; i < nrow; i++)
      if (isnan(yall[i]) || yall[i] == 0) keep[i] = 0, m->dropped_if++, miss += isnan(yall[i]);
    /* a filter that keeps nothing is a mistake in the filter, not a model
     * without observations */
    if (nrow > 0 && m->dropped_if == nrow) {
      st = cn_diag_set(d, CN_EDATA, "--if %s keeps no row (false in %lld of the %lld rows, "
                       "missing in %lld)", opts->if_expr, (long long)(nrow - miss),
                       (long long)nrow, (long long)miss);
      goto done;
    }
  }
  /* values of every factor of every term, the depvar, weights */
  if ((st = factor_values(&c, &f->dep, yall)) != CN_OK) goto done;
  for (int64_t i = 0; i < nrow; i++)
    if (isnan(yall[i])) na[i] = 1;
  int nfac = 0;
  for (int sidx = 0; sidx < 3; sidx++)
    for (int q = 0; q < sets[sidx]->n; q++) nfac += sets[sidx]->t[q].nf;
  fv = cn_calloc((size_t)nfac + 1, sizeof *fv);
  if (!fv) goto oom;
  for (int sidx = 0; sidx < 3; sidx++)
  for (int q = 0; q < sets[sidx]->n; q++)
    for (int j = 0; j < sets[sidx]->t[q].nf; j++) {
      const cn__factor *fa = &sets[sidx]->t[q].f[j];
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
  (void)cols;
  (void)ncol;
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
  /* every row has a missing value: name the first row's missing variable */
  if (n == 0 && m->dropped_missing > 0) {
    int64_t i0 = 0;
    while (i0 < nrow && !keep[i0]) i0++;
    const char *what = NULL;
    if (isnan(yall[i0])) what = f->dep.text;
    for (int sidx = 0, k = 0; !what && sidx < 3; sidx++)
      for (int q = 0; !what && q < sets[sidx]->n; q++)
        for (int j = 0; !what && j < sets[sidx]->t[q].nf; j++, k++)
          if (isnan(fv[k][i0]) || (sets[sidx]->t[q].f[j].kind == CN_FK_FACTOR &&
                                   cn_table_is_na(t, sets[sidx]->t[q].f[j].col, i0)))
            what = sets[sidx]->t[q].f[j].text;
    if (!what && wall && (isnan(wall[i0]) || wall[i0] == 0)) what = opts->weights;
    st = cn_diag_set(d, CN_EDATA, "no observations: each of the %lld rows%s has a missing value; "
                     "in the first, row %lld, %s%s%s is missing", (long long)m->dropped_missing,
                     opts->if_expr ? " kept by --if" : "", (long long)i0 + 1, what ? "\"" : "",
                     what ? what : "a fixed effect or cluster variable", what ? "\"" : "");
    goto done;
  }
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
    if (pass == 1 || opts->keep_singletons || nfe == 0 || (flags & CN_DESIGN_DUMMIES)) break;
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
  /* regressors, endogenous regressors, instruments */
  int nfv2 = 0;
  for (int sidx = 0; sidx < 3; sidx++)
    for (int q = 0; q < sets[sidx]->n; q++) {
      if ((st = term_columns(&c, &sets[sidx]->t[q], fv + nfv2, rows, n, &setcols[sidx], &setn[sidx])) !=
          CN_OK)
        goto done;
      nfv2 += sets[sidx]->t[q].nf;
    }
  cols = setcols[0];
  ncol = setn[0];
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
    /* G/(G − 1) and the G − 1 degrees of freedom need two clusters; Stata
     * would report missing errors, we stop and say why */
    for (int q = 0; q < ncl; q++)
      if (G[q] == 1) {
        st = cn_diag_set(d, CN_EANALYSIS,
                         "--cluster %s: the estimation sample has 1 cluster; clustered standard "
                         "errors need at least 2",
                         opts->cluster[q]);
        goto done;
      }
  }
  m->nobs = n;
  goto done;
oom:
  st = oom(d);
done:
  ds->f = c.f;
  ds->n = n;
  ds->rows = rows;
  ds->y = y;
  ds->w = w;
  ab.w = w;
  ds->ab = ab;
  ds->nfe = f_nfe_of(c.f);
  ds->ncl = ncl;
  ds->clid = clid;
  ds->G = G;
  for (int sidx = 0; sidx < 3; sidx++) ds->set[sidx] = setcols[sidx], ds->nset[sidx] = setn[sidx];
  ds->cons = c.f && (c.f->nfe > 0 || c.f->cons);
  cn_free(keep);
  cn_free(na);
  cn_free(yall);
  for (int q = 0; fv && q < nfv; q++) cn_free(fv[q]);
  cn_free(fv);
  cn_free(wall);
  cn_free(fekey);
  if (st != CN_OK) cn__design_free(ds);
  return st;
}

void cn__design_free(cn__design *ds) {
  cn_formula_free(ds->f);
  cn_free(ds->rows);
  cn_free(ds->y);
  cn_free(ds->w);
  for (int q = 0; ds->clid && q < ds->ncl; q++) cn_free(ds->clid[q]);
  cn_free(ds->clid);
  cn_free(ds->G);
  for (int sidx = 0; sidx < 3; sidx++) {
    for (int j = 0; j < ds->nset[sidx]; j++) {
      cn_free(ds->set[sidx][j].name);
      cn_free(ds->set[sidx][j].x);
    }
    cn_free(ds->set[sidx]);
  }
  cn__absorb_free(&ds->ab);
  memset(ds, 0, sizeof *ds);
}
