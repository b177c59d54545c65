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

/* Marks in na[] the rows where categorical column col is missing
 * (column_keys' rule, without the keys). */
static void column_na(const cn_table *t, int col, int64_t nrow, unsigned char *na) {
  cn_type ty = cn_table_type(t, col);
  if (ty == CN_INT64) {
    const int64_t *v = cn_table_i64(t, col);
    for (int64_t i = 0; i < nrow; i++)
      if (v[i] == CN_NA_INT64) na[i] = 1;
  } else if (ty == CN_DOUBLE) {
    const double *v = cn_table_dbl(t, col);
    for (int64_t i = 0; i < nrow; i++)
      if (isnan(v[i])) na[i] = 1;
  } else {
    for (int64_t i = 0; i < nrow; i++)
      if (cn_table_is_na(t, col, i)) na[i] = 1;
  }
}

/* column_keys on the n rows rows[] only: key[i * nk + j] for row rows[i]. */
static void column_keys_at(const cn_table *t, int col, const int64_t *rows, int64_t n, int64_t *key,
                           int nk, int j) {
  cn_type ty = cn_table_type(t, col);
  if (ty == CN_INT64) {
    const int64_t *v = cn_table_i64(t, col);
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) key[i * nk + j] = v[rows[i]];
  } else if (ty == CN_DOUBLE) {
    const double *v = cn_table_dbl(t, col);
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) {
      double x = v[rows[i]] == 0 ? 0.0 : v[rows[i]]; /* -0 and 0 are one level */
      memcpy(&key[i * nk + j], &x, sizeof x);
    }
  } else {
    const int32_t *codes = cn_table_codes(t, col);
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) key[i * nk + j] = codes ? codes[rows[i]] : 0;
  }
}

/* The values of a factor over all rows: the table's own column when the
 * factor is a double column as it is (*owned false: nothing copied), else
 * a new buffer filled by factor_values. */
static cn_status factor_view(ctx *c, const cn__factor *fa, double **out, bool *owned) {
  *owned = false;
  if (fa->kind == CN_FK_VAR && cn_table_type(c->t, fa->col) == CN_DOUBLE) {
    *out = (double *)cn_table_dbl(c->t, fa->col); /* read only */
    return CN_OK;
  }
  if (!(*out = cn_malloc(((size_t)c->nrow + 1) * sizeof **out))) return oom(c->d);
  *owned = true;
  return factor_values(c, fa, *out);
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

/* The levels of one i() factor of a term over the sample rows. */
typedef struct facl {
  lev *levs;    /* in sorted order */
  int64_t L;    /* number of levels in the sample */
  int32_t *id;  /* sample row -> level id */
  int64_t *pos; /* level id -> sorted position */
  int64_t drop; /* the sorted position left out, -1 for none */
} facl;

static void facl_free(facl *fl) {
  cn_free(fl->levs);
  cn_free(fl->id);
  cn_free(fl->pos);
}

/* A formula error at factor fa's column. */
static cn_status factor_error(ctx *c, const cn__factor *fa, const char *fmt, const char *a,
                              const char *b) {
  cn_status st = cn__formula_error(c->d, c->f->text, 0, fmt, a, b);
  c->d->column = c->d->snippet_col = fa->pos;
  return st;
}

/* The sorted levels of i() factor fa over rows[0..n) into *fl, and the
 * level its base mode leaves out. Frees what it allocated on an error. */
static cn_status factor_levels(ctx *c, const cn__factor *fa, const int64_t *rows, int64_t n,
                               facl *fl) {
  cn_status st = CN_OK;
  memset(fl, 0, sizeof *fl);
  int64_t *key = cn_malloc(((size_t)n + 1) * sizeof *key);
  int64_t *allkey = cn_malloc(((size_t)c->nrow + 1) * sizeof *allkey);
  int64_t *count = NULL;
  unsigned char *na = cn_calloc((size_t)c->nrow + 1, 1);
  fl->id = cn_malloc(((size_t)n + 1) * sizeof *fl->id);
  if (!key || !allkey || !na || !fl->id) goto oom;
  column_keys(c->t, fa->col, c->nrow, allkey, 1, 0, na);
  for (int64_t i = 0; i < n; i++) key[i] = allkey[rows[i]];
  int64_t L = fl->L = cn__group_ids(key, n, 1, fl->id);
  if (L < 0) goto oom;
  fl->levs = cn_calloc((size_t)L + 1, sizeof *fl->levs);
  fl->pos = cn_malloc(((size_t)L + 1) * sizeof *fl->pos);
  count = cn_calloc((size_t)L + 1, sizeof *count);
  if (!fl->levs || !fl->pos || !count) goto oom;
  for (int64_t i = n - 1; i >= 0; i--) {
    fl->levs[fl->id[i]].row = rows[i], fl->levs[fl->id[i]].id = fl->id[i];
    count[fl->id[i]]++;
  }
  cn_type ty = cn_table_type(c->t, fa->col);
  for (int64_t l = 0; l < L; l++) {
    if (ty == CN_STRING)
      fl->levs[l].txt = cn_table_level(c->t, fa->col, cn_table_codes(c->t, fa->col)[fl->levs[l].row]);
    else fl->levs[l].num = cn_table_get_num(c->t, fa->col, fl->levs[l].row);
  }
  qsort(fl->levs, (size_t)L, sizeof *fl->levs, by_level);
  for (int64_t l = 0; l < L; l++) fl->pos[fl->levs[l].id] = l;
  const char *var = cn_table_name(c->t, fa->col);
  switch (fa->base) {
  case CN_FB_AUTO: fl->drop = fa->full ? -1 : 0; break;
  case CN_FB_NONE: fl->drop = -1; break;
  case CN_FB_FIRST: fl->drop = 0; break;
  case CN_FB_LAST: fl->drop = L - 1; break;
  case CN_FB_FREQ: /* the most frequent level, the first (in sorted order) of a tie */
    fl->drop = 0;
    for (int64_t l = 1; l < L; l++)
      if (count[fl->levs[l].id] > count[fl->levs[fl->drop].id]) fl->drop = l;
    break;
  case CN_FB_INDEX:
    fl->drop = fa->base_k - 1;
    if (fl->drop >= L) {
      char k[32], nl[32];
      snprintf(k, sizeof k, "%d", fa->base_k);
      snprintf(nl, sizeof nl, "%lld", (long long)L);
      st = cn__formula_error(c->d, c->f->text, 0, "ib(#%s): %s has only %s levels in the estimation sample",
                             k, var, nl);
      c->d->column = c->d->snippet_col = fa->pos;
      goto done;
    }
    break;
  case CN_FB_LEVEL:
    fl->drop = -1;
    for (int64_t l = 0; l < L && fl->drop < 0; l++) {
      char *lab = level_text(c->t, fa->col, fl->levs[l].row);
      if (!lab) goto oom;
      if (!strcmp(lab, fa->ref)) fl->drop = l;
      cn_free(lab);
    }
    if (fl->drop < 0) {
      st = factor_error(c, fa, "level \"%s\" of %s is not in the estimation sample", fa->ref, var);
      goto done;
    }
    break;
  }
  goto done;
oom:
  st = oom(c->d);
done:
  cn_free(key);
  cn_free(allkey);
  cn_free(na);
  cn_free(count);
  if (st != CN_OK) facl_free(fl);
  return st;
}

/* The name of one column of a term: its factors joined by ':', an i()
 * factor as var::level at the level's sorted position combo[k] (k counts
 * the term's i() factors). A new string, NULL when out of memory. */
static char *column_name(ctx *c, const cn__term *term, const facl *fl, const int64_t *combo) {
  char *name = cn_strdup("");
  for (int j = 0, k = 0; name && j < term->nf; j++) {
    const cn__factor *fa = &term->f[j];
    char *part = NULL;
    if (fa->kind == CN_FK_FACTOR) {
      char *lab = level_text(c->t, fa->col, fl[k].levs[combo[k]].row);
      k++;
      if (lab) {
        const char *var = cn_table_name(c->t, fa->col);
        size_t n = strlen(var) + 2 + strlen(lab) + 1;
        if ((part = cn_malloc(n))) snprintf(part, n, "%s::%s", var, lab);
        cn_free(lab);
      }
    } else part = cn_strdup(fa->text);
    char *nn = !part ? NULL : j ? joined(name, part) : cn_strdup(part);
    cn_free(part);
    cn_free(name);
    name = nn;
  }
  return name;
}

/* At most this many dummies for a product of i() factors (i(a):i(b)):
 * beyond, absorbing a^b as a fixed effect is the way. */
#define CN_MAX_CELLS 100000

/* Appends the regressors of one term over the sample rows (rows[0..n)) to
 * cols: the product of its numeric factors, times one dummy per level of
 * each of its i() factors (per combination of levels when there are
 * several: the first factor's level changes slowest, as Stata lists a#b),
 * without the level each one leaves out. */
static cn_status term_columns(ctx *c, const cn__term *term, double *const *fv, const int64_t *rows,
                              int64_t n, rcol **cols, int *ncol) {
  cn_status st = CN_OK;
  int nfac = 0;
  for (int j = 0; j < term->nf; j++) {
    if (term->f[j].kind != CN_FK_FACTOR) continue;
    nfac++;
    for (int g = 0; g < j; g++)
      if (cn__factor_same(&term->f[g], &term->f[j]))
        return factor_error(c, &term->f[j], "%s%s is a factor of this term twice",
                            cn_table_name(c->t, term->f[j].col), "");
  }
  double *prod = cn_malloc(((size_t)n + 1) * sizeof *prod);
  facl *fl = cn_calloc((size_t)nfac + 1, sizeof *fl);
  int64_t *combo = cn_calloc((size_t)nfac + 1, sizeof *combo);
  int nfl = 0;
  if (!prod || !fl || !combo) goto oom;
  bool first = true; /* the first factor's values are copied, not multiplied into ones */
  for (int j = 0; j < term->nf; j++)
    if (term->f[j].kind != CN_FK_FACTOR) {
      if (first) {
#pragma omp parallel for schedule(static) if (n > 65536)
        for (int64_t i = 0; i < n; i++) prod[i] = fv[j][rows[i]];
      } else {
#pragma omp parallel for schedule(static) if (n > 65536)
        for (int64_t i = 0; i < n; i++) prod[i] *= fv[j][rows[i]];
      }
      first = false;
    }
  if (first)
    for (int64_t i = 0; i < n; i++) prod[i] = 1;
  if (nfac == 0) {
    char *name = column_name(c, term, NULL, NULL);
    rcol *nc = name ? cn_reallocarray(*cols, (size_t)*ncol + 1, sizeof *nc) : NULL;
    if (!nc) {
      cn_free(name);
      goto oom;
    }
    *cols = nc;
    nc[(*ncol)++] = (rcol){name, prod, 0, false};
    prod = NULL;
    goto done;
  }
  double cells = 1;
  for (int j = 0; j < term->nf; j++) {
    if (term->f[j].kind != CN_FK_FACTOR) continue;
    if ((st = factor_levels(c, &term->f[j], rows, n, &fl[nfl])) != CN_OK) goto done;
    cells *= (double)(fl[nfl].L - (fl[nfl].drop >= 0));
    nfl++;
  }
  if (nfac > 1 && cells > CN_MAX_CELLS) {
    char num[32], lim[32];
    snprintf(num, sizeof num, "%.0f", cells);
    snprintf(lim, sizeof lim, "%d", CN_MAX_CELLS);
    st = factor_error(c, &term->f[0], "this product of i() factors makes %s dummies (at most %s): "
                      "absorb it as a fixed effect a^b after '|'", num, lim);
    goto done;
  }
  /* the first combination: every factor at its first level kept */
  for (int k = 0; k < nfac; k++) combo[k] = fl[k].drop == 0 ? 1 : 0;
  bool more = true;
  for (int k = 0; k < nfac; k++)
    if (combo[k] >= fl[k].L) more = false; /* a factor with no level kept */
  while (more) {
    char *nm = column_name(c, term, fl, combo);
    double *x = cn_malloc(((size_t)n + 1) * sizeof *x);
    rcol *nc = cn_reallocarray(*cols, (size_t)*ncol + 1, sizeof *nc);
    if (nc) *cols = nc;
    if (!nm || !x || !nc) {
      cn_free(nm);
      cn_free(x);
      goto oom;
    }
    for (int64_t i = 0; i < n; i++) {
      bool in = true;
      for (int k = 0; k < nfac && in; k++) in = fl[k].pos[fl[k].id[i]] == combo[k];
      x[i] = in ? prod[i] : 0;
    }
    nc[(*ncol)++] = (rcol){nm, x, 0, false};
    /* the next combination: the last factor changes fastest */
    more = false;
    for (int k = nfac - 1; k >= 0 && !more; k--) {
      do combo[k]++;
      while (combo[k] == fl[k].drop);
      if (combo[k] < fl[k].L) more = true;
      else combo[k] = fl[k].drop == 0 ? 1 : 0;
    }
  }
  goto done;
oom:
  st = oom(c->d);
done:
  cn_free(prod);
  for (int k = 0; k < nfl; k++) facl_free(&fl[k]);
  cn_free(fl);
  cn_free(combo);
  return st;
}

/* Whether factor j of term tm is coded by contrasts (a level left out)
 * under R's rule: the term without it is empty (the constant) or lies
 * within a term that comes before (order[0..k) holds those). */
static bool contrasts(const cn__term *const *list, const int *order, int k, int j) {
  const cn__term *tm = list[order[k]];
  bool empty = true;
  for (int g = 0; g < tm->nf; g++)
    if (!cn__factor_same(&tm->f[g], &tm->f[j])) empty = false;
  if (empty) return true;
  for (int u = 0; u < k; u++) {
    const cn__term *pre = list[order[u]];
    bool within = true;
    for (int g = 0; g < tm->nf && within; g++) {
      if (cn__factor_same(&tm->f[g], &tm->f[j])) continue;
      bool found = false;
      for (int h = 0; h < pre->nf && !found; h++) found = cn__factor_same(&tm->f[g], &pre->f[h]);
      within = found;
    }
    if (within) return true;
  }
  return false;
}

/* The number of distinct variables of a term (x:x has one). */
static int term_degree(const cn__term *tm) {
  int deg = 0;
  for (int j = 0; j < tm->nf; j++) {
    bool seen = false;
    for (int g = 0; g < j && !seen; g++) seen = cn__factor_same(&tm->f[g], &tm->f[j]);
    deg += !seen;
  }
  return deg;
}

/* R's coding of factors (Chambers & Hastie, Statistical Models in S, p. 38,
 * as model.matrix applies it): sets ->full of every i() factor of base
 * AUTO in list[from..n) — the terms of one model, as written. Terms are
 * taken by degree, then as written; a factor gets contrasts (the first
 * level left out) when contrasts() says so, else a dummy for every level,
 * so that x:i(f) without x has a slope for every level of f. Without a
 * constant (fixed effects count as one) the first factor of the first
 * term that has one gets every level too. */
static cn_status code_factors(const cn__term *const *list, int n, int from, bool intercept,
                              cn_diag *d) {
  int *order = cn_malloc(((size_t)n + 1) * sizeof *order);
  if (!order) return oom(d);
  int k = 0, maxdeg = 0;
  for (int q = 0; q < n; q++)
    if (term_degree(list[q]) > maxdeg) maxdeg = term_degree(list[q]);
  for (int deg = 0; deg <= maxdeg; deg++)
    for (int q = 0; q < n; q++)
      if (term_degree(list[q]) == deg) order[k++] = q;
  bool first = !intercept;
  for (k = 0; k < n; k++) {
    cn__term *tm = (cn__term *)list[order[k]];
    for (int j = 0; j < tm->nf; j++) {
      cn__factor *fa = &tm->f[j];
      if (fa->kind != CN_FK_FACTOR) continue;
      bool full = !contrasts(list, order, k, j) || first;
      first = false;
      if (order[k] >= from && fa->base == CN_FB_AUTO) fa->full = full;
    }
  }
  cn_free(order);
  return CN_OK;
}

/* Codes the factors of the regressors with the endogenous ones (the
 * second stage's formula), then those of the instruments with the
 * regressors (the first stage's). */
static cn_status code_formula(cn_formula *f, cn_diag *d) {
  int n = f->rhs.n + f->endog.n + f->inst.n;
  const cn__term **list = cn_malloc(((size_t)n + 1) * sizeof *list);
  if (!list) return oom(d);
  bool intercept = f->cons || f->nfe > 0;
  int k = 0;
  for (int q = 0; q < f->rhs.n; q++) list[k++] = &f->rhs.t[q];
  for (int q = 0; q < f->endog.n; q++) list[k++] = &f->endog.t[q];
  cn_status st = code_factors(list, k, 0, intercept, d);
  k = f->rhs.n;
  for (int q = 0; q < f->inst.n; q++) list[k++] = &f->inst.t[q];
  if (st == CN_OK) st = code_factors(list, k, f->rhs.n, intercept, d);
  cn_free(list);
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
      if (tm->nf != 1 || !cn__factor_same(&tm->f[0], &f->dep)) continue;
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
  bool yown = false, *fvown = NULL;
  int64_t *rows = NULL;
  int *clcol = NULL;
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
  if ((st = code_formula(f, d)) != CN_OK) goto done;
  sets[0] = &f->rhs;
  sets[1] = &f->endog;
  sets[2] = &f->inst;
  if ((opts->panel_id != NULL) != (opts->panel_time != NULL)) {
    st = cn_diag_set(d, CN_EUSAGE, "--panel needs ID,TIME");
    goto done;
  }
  if (opts->panel_id) {
    if ((c.idc = cn_table_col(t, opts->panel_id, "the data for --panel", d)) < 0 ||
        (c.tmc = cn_table_col(t, opts->panel_time, "the data for --panel", d)) < 0) {
      st = d ? d->code : CN_EDATA;
      goto done;
    }
  }
  if (opts->vce == CN_VCE_CLUSTER && ncl == 0) {
    st = cn_diag_set(d, CN_EUSAGE, "--vce cluster needs --cluster VAR");
    goto done;
  }
  keep = cn_malloc((size_t)nrow + 1);
  na = cn_calloc((size_t)nrow + 1, 1);
  if (!keep || !na) goto oom;
  memset(keep, 1, (size_t)nrow);
  /* --if */
  if (opts->if_expr) {
    cn_expr *ie = NULL;
    double *iv = cn_malloc(((size_t)nrow + 1) * sizeof *iv);
    if (!iv) goto oom;
    if ((st = cn_expr_parse(opts->if_expr, t, &ie, d)) != CN_OK) {
      cn_free(iv);
      goto done;
    }
    st = cn_expr_eval(ie, t, iv, d);
    cn_expr_free(ie);
    int64_t miss = 0;
    for (int64_t i = 0; st == CN_OK && i < nrow; i++)
      if (isnan(iv[i]) || iv[i] == 0) keep[i] = 0, m->dropped_if++, miss += isnan(iv[i]);
    cn_free(iv);
    if (st != CN_OK) goto done;
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
  if ((st = factor_view(&c, &f->dep, &yall, &yown)) != CN_OK) goto done;
  for (int64_t i = 0; i < nrow; i++)
    if (isnan(yall[i])) na[i] = 1;
  int nfac = 0;
  for (int sidx = 0; sidx < 3; sidx++)
    for (int q = 0; q < sets[sidx]->n; q++) nfac += sets[sidx]->t[q].nf;
  fv = cn_calloc((size_t)nfac + 1, sizeof *fv);
  fvown = cn_calloc((size_t)nfac + 1, sizeof *fvown);
  if (!fv || !fvown) goto oom;
  for (int sidx = 0; sidx < 3; sidx++)
  for (int q = 0; q < sets[sidx]->n; q++)
    for (int j = 0; j < sets[sidx]->t[q].nf; j++) {
      const cn__factor *fa = &sets[sidx]->t[q].f[j];
      if (fa->kind == CN_FK_FACTOR) { /* its values are not used (term_columns) */
        column_na(t, fa->col, nrow, na);
        nfv++;
      } else {
        int k = nfv++;
        if ((st = factor_view(&c, fa, &fv[k], &fvown[k])) != CN_OK) goto done;
        const double *v = fv[k];
        for (int64_t i = 0; i < nrow; i++)
          if (isnan(v[i])) na[i] = 1;
      }
    }
  if (opts->weights) {
    int wc = cn_table_col(t, opts->weights, "the data for --weights", d);
    if (wc < 0) {
      st = d ? d->code : CN_EDATA;
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
      if (isnan(wall[i])) na[i] = 1;
      else if (wall[i] == 0 && !na[i]) na[i] = 2; /* left out too, but reported as such */
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
  /* missing fixed effects and clusters; their keys come later, on the
   * sample only */
  for (int g = 0; g < nfe; g++)
    for (int j = 0; j < f->fe[g].nv; j++) column_na(t, f->fe[g].cols[j], nrow, na);
  clcol = cn_calloc((size_t)ncl + 1, sizeof *clcol);
  if (!clcol) goto oom;
  for (int q = 0; q < ncl; q++) {
    clcol[q] = cn_table_col(t, opts->cluster[q], "the data for --cluster", d);
    if (clcol[q] < 0) {
      st = d ? d->code : CN_EDATA;
      goto done;
    }
    column_na(t, clcol[q], nrow, na);
  }
  /* the sample */
  (void)cols;
  (void)ncol;
  rows = cn_malloc(((size_t)nrow + 1) * sizeof *rows);
  if (!rows) goto oom;
  int64_t zero_w = 0;
  for (int64_t i = 0; i < nrow; i++) {
    if (!keep[i]) continue;
    if (na[i]) {
      if (na[i] == 2) zero_w++;
      else m->dropped_missing++;
      continue;
    }
    rows[n++] = i;
  }
  m->nobs_full = n + m->dropped_missing + zero_w;
  if (zero_w && cn__model_note(m, "%lld row%s with a zero weight left out (as Stata's aweights)",
                               (long long)zero_w, zero_w == 1 ? "" : "s") != CN_OK)
    goto oom;
  if (n == 0 && zero_w > 0 && m->dropped_missing == 0) {
    st = cn_diag_set(d, CN_EDATA, "no observations: every row%s has a zero weight (%s)",
                     opts->if_expr ? " kept by --if" : "", opts->weights);
    goto done;
  }
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
      /* the buffers of the first pass serve the second (n only shrinks) */
      if (!ab.id[g] && !(ab.id[g] = cn_malloc(((size_t)n + 1) * sizeof **ab.id))) {
        cn_free(kbuf);
        goto oom;
      }
      if (g >= nfe) { /* the constant */
        memset(ab.id[g], 0, (size_t)n * sizeof **ab.id);
        ab.nlev[g] = n > 0;
        continue;
      }
      for (int j = 0; j < maxnv; j++)
        if (j < f->fe[g].nv) column_keys_at(t, f->fe[g].cols[j], rows, n, kbuf, maxnv, j);
        else
          for (int64_t i = 0; i < n; i++) kbuf[(size_t)i * (size_t)maxnv + (size_t)j] = 0;
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
  m->nobs = n;
  if (n == 0) {
    cn_free(kbuf);
    st = cn_diag_set(d, CN_EANALYSIS, "no observations left to estimate");
    goto done;
  }
  /* depvar, weights (normalized to sum to N, as Stata's aweights); y
   * takes the key buffer, already paged in, when it is large enough */
  if (maxnv == 1) {
    y = (double *)kbuf;
  } else {
    cn_free(kbuf);
    y = cn_malloc(((size_t)n + 1) * sizeof *y);
  }
  kbuf = NULL;
  if (!y) goto oom;
#pragma omp parallel for schedule(static) if (n > 65536)
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
    if (!clid || !G) goto oom;
    for (int q = 0; q < ncl; q++) {
      /* a cluster that is a fixed effect of one variable shares its ids
       * (the same numbering: first appearance on the same sample;
       * cn__design_free frees them once) */
      int same = -1;
      for (int g = 0; g < nfe && same < 0; g++)
        if (f->fe[g].nv == 1 && f->fe[g].cols[0] == clcol[q]) same = g;
      if (same >= 0) {
        clid[q] = ab.id[same];
        G[q] = ab.nlev[same];
        continue;
      }
      clid[q] = cn_malloc(((size_t)n + 1) * sizeof **clid);
      if (!kbuf) kbuf = cn_malloc(((size_t)n + 1) * sizeof *kbuf);
      if (!clid[q] || !kbuf) {
        cn_free(kbuf);
        goto oom;
      }
      column_keys_at(t, clcol[q], rows, n, kbuf, 1, 0);
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
  if (yown) cn_free(yall);
  for (int q = 0; fv && q < nfv; q++)
    if (fvown[q]) cn_free(fv[q]);
  cn_free(fv);
  cn_free(fvown);
  cn_free(wall);
  cn_free(clcol);
  if (st != CN_OK) cn__design_free(ds);
  return st;
}

void cn__design_free(cn__design *ds) {
  cn_formula_free(ds->f);
  cn_free(ds->rows);
  cn_free(ds->y);
  cn_free(ds->w);
  for (int q = 0; ds->clid && q < ds->ncl; q++) {
    bool shared = false; /* a fixed effect's ids */
    for (int g = 0; g < ds->ab.nfe && ds->ab.id; g++) shared = shared || ds->clid[q] == ds->ab.id[g];
    if (!shared) cn_free(ds->clid[q]);
  }
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

cn_status cn__fit_defined(double tss, double yy, double rss, const char *who, const char *what,
                          const char *dep, const char *where, cn_diag *d) {
  if (tss <= 1e-24 * yy)
    return cn_diag_set(d, CN_EANALYSIS, "%s%s does not vary %s", who, dep, where);
  if (rss <= 1e-12 * tss)
    return cn_diag_set(d, CN_EANALYSIS,
                       "%s%s fit %s exactly (R-squared = 1 up to rounding): standard errors and tests "
                       "are not defined", who, what, dep);
  return CN_OK;
}
