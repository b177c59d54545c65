/* lib/measure/sophist.c — export sophistication: PRODY and EXPY (Hausmann,
 * Hwang & Rodrik 2007; spec/measures.md §4). Keys (unit, product, by) are
 * compared by their text, so SITC and HS codes keep their leading zeros
 * whatever their column type. Both measures first sum the rows of each
 * (by, unit, product) cell. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "../base/base_int.h"
#include "coinnet/measure.h"

/* Appends the text of cell (row, col) to b; false when the cell is missing. */
static bool cell_append(const cn_table *t, int col, int64_t row, cn_buf *b) {
  if (cn_table_is_na(t, col, row)) return false;
  if (cn_table_type(t, col) == CN_STRING) {
    size_t len = 0;
    const char *s = cn_table_str(t, col, row, &len);
    return s && cn__buf_append(b, s, len);
  }
  char tmp[64];
  size_t len = cn_table_cell_text(t, col, row, tmp, sizeof tmp);
  return cn__buf_append(b, tmp, len);
}

/* Sets b to the key texts of row in cols (n of them, a negative col is
 * skipped) joined by a unit separator; false when one is missing (or out
 * of memory, which b->failed tells). */
static bool row_key(const cn_table *t, const int *cols, int n, int64_t row, cn_buf *b) {
  b->len = 0;
  bool first = true;
  for (int k = 0; k < n; k++) {
    if (cols[k] < 0) continue;
    if (!first && !cn__buf_append(b, "\x1f", 1)) return false;
    if (!cell_append(t, cols[k], row, b)) return false;
    first = false;
  }
  return !b->failed;
}

/* Column index of name in t, or -1 with a usage error naming `what`. */
static int need_col(const cn_table *t, const char *name, const char *what, cn_diag *d) {
  int c = name ? cn_table_find(t, name) : -1;
  if (c < 0) cn_diag_set(d, CN_EUSAGE, "no column \"%s\" in the %s", name ? name : "(none)", what);
  return c;
}

/* Column index of a numeric column name in t, or -1 with a usage error. */
static int need_num(const cn_table *t, const char *name, const char *what, cn_diag *d) {
  int c = need_col(t, name, what, d);
  if (c >= 0 && cn_table_type(t, c) == CN_STRING) {
    cn_diag_set(d, CN_EUSAGE, "column \"%s\" of the %s is text, not a number", name, what);
    return -1;
  }
  return c;
}

/* The cells of an exports table: rows summed by (by, unit, product), with
 * dense ids for the (by, unit) pairs and the (by, product) pairs in order of
 * first appearance. Arrays are indexed by row, pair or cell. */
typedef struct cells {
  int64_t nrow, nu, np, nc;
  int32_t *row_u;     /* per row: unit id, -1 when the row is invalid */
  int64_t *u_first, *p_first; /* a row of each unit / product */
  int64_t *u_rows;    /* valid rows per unit */
  int32_t *c_u, *c_p; /* per cell: unit and product ids */
  double *c_x;        /* per cell: summed value */
} cells;

static void cells_free(cells *c) {
  cn_free(c->row_u), cn_free(c->u_first), cn_free(c->p_first), cn_free(c->u_rows);
  cn_free(c->c_u), cn_free(c->c_p), cn_free(c->c_x);
}

/* Builds the cells of t from the columns by (may be -1), unit, product and
 * value; counts invalid and merged rows into r. Returns CN_OK or
 * CN_EINTERNAL (out of memory, d filled). */
static cn_status cells_build(const cn_table *t, int cb, int cu, int cp, int cv, cells *c,
                             cn_sophist_report *r, cn_diag *d) {
  cn_status st = CN_OK;
  cn_strmap um = {0}, pm = {0}, cm = {0};
  cn_buf b = {0};
  int64_t n = cn_table_nrow(t);
  size_t sz = (size_t)n + 1;
  memset(c, 0, sizeof *c);
  c->nrow = n;
  c->row_u = cn_malloc(sz * sizeof *c->row_u);
  c->u_first = cn_malloc(sz * sizeof *c->u_first);
  c->p_first = cn_malloc(sz * sizeof *c->p_first);
  c->u_rows = cn_calloc(sz, sizeof *c->u_rows);
  c->c_u = cn_malloc(sz * sizeof *c->c_u);
  c->c_p = cn_malloc(sz * sizeof *c->c_p);
  c->c_x = cn_calloc(sz, sizeof *c->c_x);
  if (!c->row_u || !c->u_first || !c->p_first || !c->u_rows || !c->c_u || !c->c_p || !c->c_x) goto oom;
  int ucols[2] = {cb, cu}, pcols[2] = {cb, cp};
  for (int64_t i = 0; i < n; i++) {
    c->row_u[i] = -1;
    double v = cn_table_get_num(t, cv, i);
    bool ok = isfinite(v) && v >= 0 && !cn_table_is_na(t, cu, i) && !cn_table_is_na(t, cp, i) &&
              (cb < 0 || !cn_table_is_na(t, cb, i));
    if (!ok) {
      r->rows_invalid++;
      continue;
    }
    if (!row_key(t, ucols, 2, i, &b)) goto oom;
    int32_t u = cn__strmap_intern(&um, b.data, b.len);
    if (!row_key(t, pcols, 2, i, &b)) goto oom;
    int32_t p = cn__strmap_intern(&pm, b.data, b.len);
    if (u < 0 || p < 0) goto oom;
    if (u == c->nu) c->u_first[c->nu++] = i;
    if (p == c->np) c->p_first[c->np++] = i;
    int32_t up[2] = {u, p};
    int32_t k = cn__strmap_intern(&cm, (const char *)up, sizeof up);
    if (k < 0) goto oom;
    if (k == c->nc) c->c_u[k] = u, c->c_p[k] = p, c->nc++;
    else r->rows_merged++;
    c->c_x[k] += v;
    c->row_u[i] = u;
    c->u_rows[u]++;
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__strmap_free(&um), cn__strmap_free(&pm), cn__strmap_free(&cm);
  cn__buf_free(&b);
  return st;
}

/* Adds to out text columns named like t's columns cols (n, a negative col
 * skipped), filled from the rows first[0..m). */
static cn_status copy_keys(cn_table *out, const cn_table *t, const int *cols, int n, const int64_t *first,
                           int64_t m, cn_diag *d) {
  cn_buf b = {0};
  cn_status st = CN_OK;
  for (int k = 0; k < n && st == CN_OK; k++) {
    if (cols[k] < 0) continue;
    int c = cn_table_add_column(out, cn_table_name(t, cols[k]), CN_STRING, d);
    if (c < 0) {
      st = d->code;
      break;
    }
    for (int64_t g = 0; g < m; g++) {
      b.len = 0;
      if (!cell_append(t, cols[k], first[g], &b) || !cn__buf_append(&b, "", 1)) {
        st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        break;
      }
      if ((st = cn_table_set_str(out, c, g, b.data, d)) != CN_OK) break;
    }
  }
  cn__buf_free(&b);
  return st;
}

/* Fills inc[u] (NaN when none) for every unit of c from an income table:
 * column ic, unit column iu and by column ib (may be -1); counts invalid
 * income rows and income keys left unused. Two different incomes for one
 * key are CN_EDATA. */
static cn_status income_from_table(const cn_table *t, int cb, int cu, const cn_table *it, int ib, int iu,
                                   int ic, const cells *c, double *inc, cn_sophist_report *r,
                                   cn_diag *d) {
  cn_status st = CN_OK;
  cn_strmap m = {0};
  cn_buf b = {0};
  int64_t n = cn_table_nrow(it);
  double *val = cn_malloc(((size_t)n + 1) * sizeof *val);
  bool *used = cn_calloc((size_t)n + 1, sizeof *used);
  if (!val || !used) goto oom;
  int icols[2] = {ib, iu};
  for (int64_t i = 0; i < n; i++) {
    double v = cn_table_get_num(it, ic, i);
    if (!isfinite(v) || v < 0 || cn_table_is_na(it, iu, i) || (ib >= 0 && cn_table_is_na(it, ib, i))) {
      r->income_invalid++;
      continue;
    }
    if (!row_key(it, icols, 2, i, &b)) goto oom;
    size_t before = m.n;
    int32_t k = cn__strmap_intern(&m, b.data, b.len);
    if (k < 0) goto oom;
    if ((size_t)k == before) val[k] = v;
    else if (val[k] != v) {
      char key[256];
      cn_table_cell_text(it, iu, i, key, sizeof key);
      st = cn_diag_set(d, CN_EDATA, "income table, data row %lld: unit \"%s\" has two incomes, %.17g and %.17g",
                       (long long)i + 1, key, val[k], v);
      goto done;
    }
  }
  /* the units' lookup keys: (by, unit) when the income table has by */
  int ucols[2] = {ib >= 0 ? cb : -1, cu};
  for (int64_t u = 0; u < c->nu; u++) {
    inc[u] = NAN;
    if (!row_key(t, ucols, 2, c->u_first[u], &b)) goto oom;
    int32_t k = cn__strmap_get(&m, b.data, b.len);
    if (k >= 0) inc[u] = val[k], used[k] = true;
  }
  for (size_t k = 0; k < m.n; k++) r->income_no_trade += !used[k];
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__strmap_free(&m);
  cn__buf_free(&b);
  cn_free(val), cn_free(used);
  return st;
}

/* Fills inc[u] from the column ic of the exports table itself: the income
 * of a unit is the value of its rows, which must agree (CN_EDATA
 * otherwise); rows with a missing or negative income are counted. */
static cn_status income_from_column(const cn_table *t, int ic, const cells *c, double *inc,
                                    cn_sophist_report *r, cn_diag *d) {
  for (int64_t u = 0; u < c->nu; u++) inc[u] = NAN;
  for (int64_t i = 0; i < c->nrow; i++) {
    int32_t u = c->row_u[i];
    if (u < 0) continue;
    double v = cn_table_get_num(t, ic, i);
    if (!isfinite(v) || v < 0) {
      r->income_invalid++;
      continue;
    }
    if (isnan(inc[u])) inc[u] = v;
    else if (inc[u] != v)
      return cn_diag_set(d, CN_EDATA, "data row %lld: column \"%s\" gives this unit a second income, %.17g (was %.17g)",
                         (long long)i + 1, cn_table_name(t, ic), v, inc[u]);
  }
  return CN_OK;
}

cn_status cn_measure_prody(const cn_table *t, const cn_prody_spec *s, cn_table **out, cn_sophist_report *r,
                           cn_diag *d) {
  cn_sophist_report rep = {0};
  cn_status st = CN_OK;
  cells c = {0};
  double *inc = NULL, *xtot = NULL, *ssum = NULL, *num = NULL;
  int64_t *nun = NULL;
  cn_table *res = NULL;
  *out = NULL;
  int cb = -1, cu, cp, cv, ic, ib = -1, iu = -1;
  if (s->by && (cb = need_col(t, s->by, "exports", d)) < 0) return CN_EUSAGE;
  if ((cu = need_col(t, s->unit, "exports", d)) < 0 || (cp = need_col(t, s->product, "exports", d)) < 0 ||
      (cv = need_num(t, s->value, "exports", d)) < 0)
    return CN_EUSAGE;
  if (s->income) {
    if ((ic = need_num(s->income, s->income_col, "income table", d)) < 0 ||
        (iu = need_col(s->income, s->income_unit ? s->income_unit : s->unit, "income table", d)) < 0)
      return CN_EUSAGE;
    if (s->by) ib = cn_table_find(s->income, s->by);
  } else if ((ic = need_num(t, s->income_col, "exports", d)) < 0)
    return CN_EUSAGE;
  if ((st = cells_build(t, cb, cu, cp, cv, &c, &rep, d)) != CN_OK) goto done;
  inc = cn_malloc(((size_t)c.nu + 1) * sizeof *inc);
  xtot = cn_calloc((size_t)c.nu + 1, sizeof *xtot);
  ssum = cn_calloc((size_t)c.np + 1, sizeof *ssum);
  num = cn_calloc((size_t)c.np + 1, sizeof *num);
  nun = cn_calloc((size_t)c.np + 1, sizeof *nun);
  if (!inc || !xtot || !ssum || !num || !nun) goto oom;
  st = s->income ? income_from_table(t, cb, cu, s->income, ib, iu, ic, &c, inc, &rep, d)
                 : income_from_column(t, ic, &c, inc, &rep, d);
  if (st != CN_OK) goto done;
  for (int64_t k = 0; k < c.nc; k++) xtot[c.c_u[k]] += c.c_x[k];
  /* drop the units without income or without exports: xtot = 0 marks them */
  for (int64_t u = 0; u < c.nu; u++) {
    if (isnan(inc[u])) {
      rep.units_no_income++;
      rep.rows_no_income += c.u_rows[u];
      xtot[u] = 0;
    } else if (!(xtot[u] > 0))
      rep.units_zero++;
  }
  for (int64_t k = 0; k < c.nc; k++) {
    int32_t u = c.c_u[k], p = c.c_p[k];
    if (!(xtot[u] > 0) || !(c.c_x[k] > 0)) continue;
    double sh = c.c_x[k] / xtot[u];
    ssum[p] += sh;
    num[p] += sh * inc[u];
    nun[p]++;
  }
  if (!(res = cn_table_new(c.np))) goto oom;
  int kcols[2] = {cb, cp};
  if ((st = copy_keys(res, t, kcols, 2, c.p_first, c.np, d)) != CN_OK) goto done;
  int cn_ = cn_table_add_column(res, "n_units", CN_INT64, d), cpr = cn_table_add_column(res, "prody", CN_DOUBLE, d);
  if (cn_ < 0 || cpr < 0) {
    st = d->code;
    goto done;
  }
  int64_t *pn = cn_table_i64_mut(res, cn_);
  double *pp = cn_table_dbl_mut(res, cpr);
  for (int64_t p = 0; p < c.np; p++) {
    pn[p] = nun[p];
    pp[p] = ssum[p] > 0 ? num[p] / ssum[p] : NAN;
    rep.products_undefined += !(ssum[p] > 0);
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st == CN_OK) *out = res, res = NULL;
  if (r) *r = rep;
  cn_table_free(res);
  cells_free(&c);
  cn_free(inc), cn_free(xtot), cn_free(ssum), cn_free(num), cn_free(nun);
  return st;
}

/* Fills pv[p] (NaN when none) for every product of c from the PRODY table:
 * value column vc, product column pc and by column pb (may be -1). Rows
 * with a missing key or PRODY are skipped; two different PRODY for one key
 * are CN_EDATA. */
static cn_status prody_lookup(const cn_table *t, int cb, int cp, const cn_table *pt, int pb, int pc, int vc,
                              const cells *c, double *pv, cn_diag *d) {
  cn_status st = CN_OK;
  cn_strmap m = {0};
  cn_buf b = {0};
  int64_t n = cn_table_nrow(pt);
  double *val = cn_malloc(((size_t)n + 1) * sizeof *val);
  if (!val) goto oom;
  int pcols[2] = {pb, pc};
  for (int64_t i = 0; i < n; i++) {
    double v = cn_table_get_num(pt, vc, i);
    if (!isfinite(v) || cn_table_is_na(pt, pc, i) || (pb >= 0 && cn_table_is_na(pt, pb, i))) continue;
    if (!row_key(pt, pcols, 2, i, &b)) goto oom;
    size_t before = m.n;
    int32_t k = cn__strmap_intern(&m, b.data, b.len);
    if (k < 0) goto oom;
    if ((size_t)k == before) val[k] = v;
    else if (val[k] != v) {
      char key[256];
      cn_table_cell_text(pt, pc, i, key, sizeof key);
      st = cn_diag_set(d, CN_EDATA, "PRODY table, data row %lld: product \"%s\" has two PRODY, %.17g and %.17g",
                       (long long)i + 1, key, val[k], v);
      goto done;
    }
  }
  int kcols[2] = {pb >= 0 ? cb : -1, cp};
  for (int64_t p = 0; p < c->np; p++) {
    pv[p] = NAN;
    if (!row_key(t, kcols, 2, c->p_first[p], &b)) goto oom;
    int32_t k = cn__strmap_get(&m, b.data, b.len);
    if (k >= 0) pv[p] = val[k];
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__strmap_free(&m);
  cn__buf_free(&b);
  cn_free(val);
  return st;
}

cn_status cn_measure_expy(const cn_table *t, const cn_expy_spec *s, cn_table **out, cn_sophist_report *r,
                          cn_diag *d) {
  cn_sophist_report rep = {0};
  cn_status st = CN_OK;
  cells c = {0};
  double *pv = NULL, *xtot = NULL, *num = NULL;
  int64_t *npr = NULL;
  bool *miss = NULL;
  cn_table *res = NULL;
  *out = NULL;
  int cb = -1, cu, cp, cv, pb = -1, pc, vc;
  if (!s->prody) return cn_diag_set(d, CN_EUSAGE, "expy needs a PRODY table");
  if (s->by && (cb = need_col(t, s->by, "exports", d)) < 0) return CN_EUSAGE;
  if ((cu = need_col(t, s->unit, "exports", d)) < 0 || (cp = need_col(t, s->product, "exports", d)) < 0 ||
      (cv = need_num(t, s->value, "exports", d)) < 0)
    return CN_EUSAGE;
  if ((pc = need_col(s->prody, s->prody_product ? s->prody_product : s->product, "PRODY table", d)) < 0 ||
      (vc = need_num(s->prody, s->prody_col ? s->prody_col : "prody", "PRODY table", d)) < 0)
    return CN_EUSAGE;
  if (s->by) pb = cn_table_find(s->prody, s->by);
  if ((st = cells_build(t, cb, cu, cp, cv, &c, &rep, d)) != CN_OK) goto done;
  pv = cn_malloc(((size_t)c.np + 1) * sizeof *pv);
  miss = cn_calloc((size_t)c.np + 1, sizeof *miss);
  xtot = cn_calloc((size_t)c.nu + 1, sizeof *xtot);
  num = cn_calloc((size_t)c.nu + 1, sizeof *num);
  npr = cn_calloc((size_t)c.nu + 1, sizeof *npr);
  if (!pv || !miss || !xtot || !num || !npr) goto oom;
  if ((st = prody_lookup(t, cb, cp, s->prody, pb, pc, vc, &c, pv, d)) != CN_OK) goto done;
  for (int64_t k = 0; k < c.nc; k++) {
    int32_t u = c.c_u[k], p = c.c_p[k];
    double x = c.c_x[k];
    rep.value_total += x;
    if (isnan(pv[p])) {
      rep.cells_unmatched++;
      rep.value_unmatched += x;
      miss[p] = true;
      if (s->keep_unmatched) xtot[u] += x;
      continue;
    }
    xtot[u] += x;
    num[u] += x * pv[p];
    npr[u] += x > 0;
  }
  for (int64_t p = 0; p < c.np; p++) rep.products_unmatched += miss[p];
  if (!(res = cn_table_new(c.nu))) goto oom;
  int kcols[2] = {cb, cu};
  if ((st = copy_keys(res, t, kcols, 2, c.u_first, c.nu, d)) != CN_OK) goto done;
  int cx = cn_table_add_column(res, "X", CN_DOUBLE, d), cn_ = cn_table_add_column(res, "n_products", CN_INT64, d),
      ce = cn_table_add_column(res, "expy", CN_DOUBLE, d);
  if (cx < 0 || cn_ < 0 || ce < 0) {
    st = d->code;
    goto done;
  }
  double *px = cn_table_dbl_mut(res, cx), *pe = cn_table_dbl_mut(res, ce);
  int64_t *pn = cn_table_i64_mut(res, cn_);
  for (int64_t u = 0; u < c.nu; u++) {
    px[u] = xtot[u];
    pn[u] = npr[u];
    pe[u] = npr[u] > 0 ? num[u] / xtot[u] : NAN;
    rep.units_zero += npr[u] == 0;
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st == CN_OK) *out = res, res = NULL;
  if (r) *r = rep;
  cn_table_free(res);
  cells_free(&c);
  cn_free(pv), cn_free(miss), cn_free(xtot), cn_free(num), cn_free(npr);
  return st;
}
