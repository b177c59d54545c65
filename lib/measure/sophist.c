/* lib/measure/sophist.c — export sophistication: PRODY and EXPY (Hausmann,
 * Hwang & Rodrik 2007; spec/measures.md §4). Keys (unit, product, by) are
 * compared by their text, so SITC and HS codes keep their leading zeros
 * whatever their column type. Both measures first sum the rows of each
 * (by, unit, product) cell. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "coinnet/measure.h"
#include "measure_int.h"

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

/* The data error for a sum that left the range of a double (above about
 * 1.8e308): it names the data row i (1-based), the key in column kc and
 * what was summed, and asks for smaller units. Returns CN_EDATA. */
static cn_status too_large(const cn_table *t, int kc, int64_t i, const char *what, cn_diag *d) {
  char key[256];
  cn_table_cell_text(t, kc, i, key, sizeof key);
  return cn_diag_set(d, CN_EDATA,
                     "data row %lld (%s \"%s\"): the %s overflow a double (above 1.8e308); "
                     "express the values in larger units (thousands, millions)",
                     (long long)i + 1, cn_table_name(t, kc), key, what);
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
    if (!cn__row_key(t, ucols, 2, i, &b)) goto oom;
    int32_t u = cn__strmap_intern(&um, b.data, b.len);
    if (!cn__row_key(t, pcols, 2, i, &b)) goto oom;
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
    if (!isfinite(c->c_x[k])) { /* two rows near 1.8e308 */
      st = too_large(t, cu, i, "exports of one unit and product", d);
      goto done;
    }
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

/* A value per key of a side table (income by unit, PRODY by product). */
typedef struct keyed {
  cn_strmap m; /* key text ([by \x1f] key) → id */
  double *val; /* per id */
  bool *used;  /* per id: looked up at least once */
} keyed;

static void keyed_free(keyed *k) {
  cn__strmap_free(&k->m);
  cn_free(k->val), cn_free(k->used);
}

/* Reads column vc of kt by the key columns kc[0] (by, may be -1) and kc[1].
 * Rows with a non-finite value (or a negative one when nonneg) or a missing
 * key are left out and counted in *invalid (may be NULL). Two different
 * values for one key are CN_EDATA naming the table (what), the key's kind
 * (unit, product) and the value's (income, PRODY). */
static cn_status keyed_read(const cn_table *kt, const int kc[2], int vc, bool nonneg, const char *what,
                            const char *key, const char *value, keyed *k, int64_t *invalid, cn_diag *d) {
  cn_status st = CN_OK;
  cn_buf b = {0};
  int64_t n = cn_table_nrow(kt);
  memset(k, 0, sizeof *k);
  if (!(k->val = cn_malloc(((size_t)n + 1) * sizeof *k->val)) || !(k->used = cn_calloc((size_t)n + 1, sizeof *k->used)))
    goto oom;
  for (int64_t i = 0; i < n; i++) {
    double v = cn_table_get_num(kt, vc, i);
    if (!isfinite(v) || (nonneg && v < 0) || !cn__row_key(kt, kc, 2, i, &b)) {
      if (b.failed) goto oom;
      if (invalid) (*invalid)++;
      continue;
    }
    size_t before = k->m.n;
    int32_t id = cn__strmap_intern(&k->m, b.data, b.len);
    if (id < 0) goto oom;
    if ((size_t)id == before) k->val[id] = v;
    else if (k->val[id] != v) {
      /* the key's second part whole (b is free again: this is the error exit) */
      if (!cn__row_key(kt, &kc[1], 1, i, &b)) goto oom;
      st = cn_diag_set(d, CN_EDATA, "%s, data row %lld: %s \"%s\" has two %s, %.17g and %.17g", what,
                       (long long)i + 1, key, b.data, value, k->val[id], v);
      goto done;
    }
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__buf_free(&b);
  return st;
}

/* out[q] = the value of the key of row first[q] of t (key columns tc), NaN
 * when absent, for q < nq. */
static cn_status keyed_lookup(keyed *k, const cn_table *t, const int tc[2], const int64_t *first, int64_t nq,
                              double *out, cn_diag *d) {
  cn_buf b = {0};
  for (int64_t q = 0; q < nq; q++) {
    out[q] = NAN;
    if (!cn__row_key(t, tc, 2, first[q], &b)) {
      if (b.failed) break;
      continue;
    }
    int32_t id = cn__strmap_get(&k->m, b.data, b.len);
    if (id >= 0) out[q] = k->val[id], k->used[id] = true;
  }
  bool failed = b.failed;
  cn__buf_free(&b);
  return failed ? cn_diag_set(d, CN_EINTERNAL, "out of memory") : CN_OK;
}

/* Fills inc[u] (NaN when none) for every unit of c from an income table:
 * column ic, unit column iu and by column ib (may be -1); counts invalid
 * income rows and income keys left unused. Two different incomes for one
 * key are CN_EDATA. */
static cn_status income_from_table(const cn_table *t, int cb, int cu, const cn_table *it, int ib, int iu,
                                   int ic, const cells *c, double *inc, cn_sophist_report *r,
                                   cn_diag *d) {
  keyed k;
  int kc[2] = {ib, iu}, tc[2] = {ib >= 0 ? cb : -1, cu};
  cn_status st = keyed_read(it, kc, ic, true, "income table", "unit", "incomes", &k, &r->income_invalid, d);
  if (st == CN_OK) st = keyed_lookup(&k, t, tc, c->u_first, c->nu, inc, d);
  if (st == CN_OK)
    for (size_t q = 0; q < k.m.n; q++) r->income_no_trade += !k.used[q];
  keyed_free(&k);
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
  if (s->by && (cb = cn__need_col(t, s->by, "exports", d)) < 0) return CN_EUSAGE;
  if ((cu = cn__need_col(t, s->unit, "exports", d)) < 0 || (cp = cn__need_col(t, s->product, "exports", d)) < 0 ||
      (cv = cn__need_num(t, s->value, "exports", d)) < 0)
    return CN_EUSAGE;
  if (s->income) {
    if ((ic = cn__need_num(s->income, s->income_col, "income table", d)) < 0 ||
        (iu = cn__need_col(s->income, s->income_unit ? s->income_unit : s->unit, "income table", d)) < 0)
      return CN_EUSAGE;
    if (s->by) ib = cn_table_find(s->income, s->by);
  } else if ((ic = cn__need_num(t, s->income_col, "exports", d)) < 0)
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
  for (int64_t k = 0; k < c.nc; k++)
    if (!isfinite(xtot[c.c_u[k]] += c.c_x[k])) {
      st = too_large(t, cu, c.u_first[c.c_u[k]], "exports of this unit", d);
      goto done;
    }
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
    if (!isfinite(num[p])) { /* incomes near 1.8e308 */
      st = too_large(t, cp, c.p_first[p], "share-weighted incomes of this product", d);
      goto done;
    }
  }
  if (!(res = cn_table_new(c.np))) goto oom;
  int kcols[2] = {cb, cp};
  if ((st = cn__copy_keys(res, t, kcols, 2, c.p_first, c.np, d)) != CN_OK) goto done;
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
  keyed k;
  int kc[2] = {pb, pc}, tc[2] = {pb >= 0 ? cb : -1, cp};
  cn_status st = keyed_read(pt, kc, vc, false, "PRODY table", "product", "PRODY", &k, NULL, d);
  if (st == CN_OK) st = keyed_lookup(&k, t, tc, c->p_first, c->np, pv, d);
  keyed_free(&k);
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
  if (s->by && (cb = cn__need_col(t, s->by, "exports", d)) < 0) return CN_EUSAGE;
  if ((cu = cn__need_col(t, s->unit, "exports", d)) < 0 || (cp = cn__need_col(t, s->product, "exports", d)) < 0 ||
      (cv = cn__need_num(t, s->value, "exports", d)) < 0)
    return CN_EUSAGE;
  if ((pc = cn__need_col(s->prody, s->prody_product ? s->prody_product : s->product, "PRODY table", d)) < 0 ||
      (vc = cn__need_num(s->prody, s->prody_col ? s->prody_col : "prody", "PRODY table", d)) < 0)
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
    if (!isfinite(xtot[u]) || !isfinite(num[u]) || !isfinite(rep.value_total)) {
      st = too_large(t, cu, c.u_first[u], !isfinite(num[u]) && isfinite(xtot[u])
                                              ? "PRODY-weighted exports of this unit"
                                              : "exports", d);
      goto done;
    }
  }
  for (int64_t p = 0; p < c.np; p++) rep.products_unmatched += miss[p];
  if (!(res = cn_table_new(c.nu))) goto oom;
  int kcols[2] = {cb, cu};
  if ((st = cn__copy_keys(res, t, kcols, 2, c.u_first, c.nu, d)) != CN_OK) goto done;
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
