/* lib/measure/agglo.c — concentration (HHI) and location quotients
 * (spec/measures.md §5). Keys are compared by their text, so industry codes
 * keep leading zeros whatever their column type. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "coinnet/measure.h"
#include "measure_int.h"

/* Dense group ids in order of first appearance for the key text of every
 * kept row (id[i] = -1 for rows not kept); returns the number of groups, or
 * -1 when out of memory. first[g] gets a row of group g. */
static int64_t group_rows(const cn_table *t, const int *cols, int n, const bool *keep, int32_t *id,
                          int64_t *first) {
  int64_t nrow = cn_table_nrow(t), ng = 0;
  cn_strmap map = {0};
  cn_buf b = {0};
  for (int64_t i = 0; i < nrow && ng >= 0; i++) {
    id[i] = -1;
    if (!keep[i]) continue;
    int32_t g = cn__row_key(t, cols, n, i, &b) ? cn__strmap_intern(&map, b.data, b.len) : -1;
    if (g < 0) { /* kept rows have every key, so this is out of memory */
      ng = -1;
      break;
    }
    if (g == ng) first[ng++] = i;
    id[i] = g;
  }
  cn__strmap_free(&map);
  cn__buf_free(&b);
  return ng;
}

/* When every one of the table's rows was left out, fails with CN_EDATA
 * naming what is wrong in the first row: a missing key, or a value that is
 * missing, not finite or (nonneg) negative. An empty result is then a
 * wrong column, not a measure. */
static cn_status none_kept(const cn_table *t, const int *cols, int nk, int vc, bool nonneg,
                           cn_diag *d) {
  int64_t n = cn_table_nrow(t);
  for (int k = 0; k < nk; k++)
    if (cn_table_is_na(t, cols[k], 0))
      return cn_diag_set(d, CN_EDATA, "every one of the %lld rows is left out; in the first, "
                         "key \"%s\" is missing", (long long)n, cn_table_name(t, cols[k]));
  char cell[128];
  cn_table_cell_text(t, vc, 0, cell, sizeof cell);
  return cn_diag_set(d, CN_EDATA, "every one of the %lld rows is left out; in the first, value "
                     "\"%s\" is %s%s%s (it needs a finite number%s)", (long long)n,
                     cn_table_name(t, vc), cell[0] ? "\"" : "missing", cell, cell[0] ? "\"" : "",
                     nonneg ? " >= 0" : "");
}

cn_status cn_measure_hhi(const cn_table *t, const char *const *keys, int nkeys, const char *value,
                         cn_table **out, int64_t *dropped, cn_diag *d) {
  cn_status st = CN_OK;
  int64_t nrow = cn_table_nrow(t), ng = 0, drop = 0;
  int cols[16], vc;
  bool *keep = NULL;
  int32_t *id = NULL;
  int64_t *first = NULL, *cnt = NULL;
  double *tot = NULL, *sq = NULL;
  cn_table *res = NULL;
  *out = NULL;
  if (nkeys < 1 || nkeys > 16) return cn_diag_set(d, CN_EUSAGE, "hhi takes 1 to 16 key columns");
  for (int k = 0; k < nkeys; k++)
    if ((cols[k] = cn__need_col(t, keys[k], "data", d)) < 0) return CN_EUSAGE;
  if ((vc = cn__need_num(t, value, "data", d)) < 0) return CN_EUSAGE;
  keep = cn_malloc((size_t)nrow + 1);
  id = cn_malloc(((size_t)nrow + 1) * sizeof *id);
  first = cn_malloc(((size_t)nrow + 1) * sizeof *first);
  if (!keep || !id || !first) goto oom;
  for (int64_t i = 0; i < nrow; i++) {
    double v = cn_table_get_num(t, vc, i);
    bool ok = isfinite(v) && v >= 0;
    for (int k = 0; ok && k < nkeys; k++) ok = !cn_table_is_na(t, cols[k], i);
    keep[i] = ok;
    drop += !ok;
  }
  if (nrow > 0 && drop == nrow) {
    st = none_kept(t, cols, nkeys, vc, true, d);
    goto done;
  }
  if ((ng = group_rows(t, cols, nkeys, keep, id, first)) < 0) goto oom;
  cnt = cn_calloc((size_t)ng + 1, sizeof *cnt);
  tot = cn_calloc((size_t)ng + 1, sizeof *tot);
  sq = cn_calloc((size_t)ng + 1, sizeof *sq);
  if (!cnt || !tot || !sq) goto oom;
  for (int64_t i = 0; i < nrow; i++)
    if (id[i] >= 0) cnt[id[i]]++, tot[id[i]] += cn_table_get_num(t, vc, i);
  for (int64_t i = 0; i < nrow; i++)
    if (id[i] >= 0 && tot[id[i]] > 0) {
      double s = cn_table_get_num(t, vc, i) / tot[id[i]];
      sq[id[i]] += s * s;
    }
  if (!(res = cn_table_new(ng))) goto oom;
  if (cn__copy_keys(res, t, cols, nkeys, first, ng, d) != CN_OK) {
    st = d->code ? d->code : CN_EINTERNAL;
    goto done;
  }
  int cn_ = cn_table_add_column(res, "n", CN_INT64, d), ct = cn_table_add_column(res, "total", CN_DOUBLE, d),
      ch = cn_table_add_column(res, "hhi", CN_DOUBLE, d);
  if (cn_ < 0 || ct < 0 || ch < 0) {
    st = d->code;
    goto done;
  }
  int64_t *pn = cn_table_i64_mut(res, cn_);
  double *pt = cn_table_dbl_mut(res, ct), *ph = cn_table_dbl_mut(res, ch);
  for (int64_t g = 0; g < ng; g++) {
    pn[g] = cnt[g];
    pt[g] = tot[g];
    ph[g] = tot[g] > 0 ? sq[g] : NAN;
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st == CN_OK) *out = res, res = NULL;
  if (dropped) *dropped = drop;
  cn_table_free(res);
  cn_free(keep), cn_free(id), cn_free(first), cn_free(cnt), cn_free(tot), cn_free(sq);
  return st;
}

cn_status cn_measure_lq(const cn_table *t, const char *region, const char *sector, const char *value,
                        const char *by, cn_table **out, int64_t *dropped, cn_diag *d) {
  cn_status st = CN_OK;
  int64_t nrow = cn_table_nrow(t), drop = 0;
  int cols[3], nk = 0, vc;
  bool *keep = NULL;
  int32_t *cell = NULL, *reg = NULL, *sec = NULL, *grp = NULL;
  int64_t *fc = NULL, *fr = NULL, *fs = NULL, *fg = NULL;
  double *e_cell = NULL, *e_reg = NULL, *e_sec = NULL, *e_grp = NULL;
  cn_table *res = NULL;
  *out = NULL;
  if (by && (cols[nk++] = cn__need_col(t, by, "data", d)) < 0) return CN_EUSAGE;
  int rc = cols[nk++] = cn__need_col(t, region, "data", d);
  if (rc < 0) return CN_EUSAGE;
  int sc = cols[nk++] = cn__need_col(t, sector, "data", d);
  if (sc < 0) return CN_EUSAGE;
  if ((vc = cn__need_num(t, value, "data", d)) < 0) return CN_EUSAGE;
  keep = cn_malloc((size_t)nrow + 1);
  cell = cn_malloc(((size_t)nrow + 1) * sizeof *cell);
  reg = cn_malloc(((size_t)nrow + 1) * sizeof *reg);
  sec = cn_malloc(((size_t)nrow + 1) * sizeof *sec);
  grp = cn_malloc(((size_t)nrow + 1) * sizeof *grp);
  fc = cn_malloc(((size_t)nrow + 1) * sizeof *fc);
  fr = cn_malloc(((size_t)nrow + 1) * sizeof *fr);
  fs = cn_malloc(((size_t)nrow + 1) * sizeof *fs);
  fg = cn_malloc(((size_t)nrow + 1) * sizeof *fg);
  if (!keep || !cell || !reg || !sec || !grp || !fc || !fr || !fs || !fg) goto oom;
  for (int64_t i = 0; i < nrow; i++) {
    double v = cn_table_get_num(t, vc, i); /* employment: a negative count is not one */
    bool ok = isfinite(v) && v >= 0;
    for (int k = 0; ok && k < nk; k++) ok = !cn_table_is_na(t, cols[k], i);
    keep[i] = ok;
    drop += !ok;
  }
  if (nrow > 0 && drop == nrow) {
    st = none_kept(t, cols, nk, vc, true, d);
    goto done;
  }
  /* groups: cells (by, region, sector), regions (by, region), sectors
   * (by, sector), totals (by) */
  int rcols[2], scols[2], nb = by ? 1 : 0;
  if (by) rcols[0] = scols[0] = cols[0];
  rcols[nb] = rc;
  scols[nb] = sc;
  int64_t nc = group_rows(t, cols, nk, keep, cell, fc), nr = group_rows(t, rcols, nb + 1, keep, reg, fr),
          ns = group_rows(t, scols, nb + 1, keep, sec, fs);
  int64_t ngp = by ? group_rows(t, cols, 1, keep, grp, fg) : 1;
  if (nc < 0 || nr < 0 || ns < 0 || ngp < 0) goto oom;
  if (!by)
    for (int64_t i = 0; i < nrow; i++) grp[i] = keep[i] ? 0 : -1;
  e_cell = cn_calloc((size_t)nc + 1, sizeof *e_cell);
  e_reg = cn_calloc((size_t)nr + 1, sizeof *e_reg);
  e_sec = cn_calloc((size_t)ns + 1, sizeof *e_sec);
  e_grp = cn_calloc((size_t)ngp + 1, sizeof *e_grp);
  if (!e_cell || !e_reg || !e_sec || !e_grp) goto oom;
  int32_t *c_reg = cn_malloc(((size_t)nc + 1) * sizeof *c_reg), *c_sec = cn_malloc(((size_t)nc + 1) * sizeof *c_sec),
          *c_grp = cn_malloc(((size_t)nc + 1) * sizeof *c_grp);
  if (!c_reg || !c_sec || !c_grp) {
    cn_free(c_reg), cn_free(c_sec), cn_free(c_grp);
    goto oom;
  }
  for (int64_t i = 0; i < nrow; i++) {
    if (cell[i] < 0) continue;
    double v = cn_table_get_num(t, vc, i);
    e_cell[cell[i]] += v, e_reg[reg[i]] += v, e_sec[sec[i]] += v, e_grp[grp[i]] += v;
    c_reg[cell[i]] = reg[i], c_sec[cell[i]] = sec[i], c_grp[cell[i]] = grp[i];
  }
  if (!(res = cn_table_new(nc)) || cn__copy_keys(res, t, cols, nk, fc, nc, d) != CN_OK) {
    cn_free(c_reg), cn_free(c_sec), cn_free(c_grp);
    if (!res) goto oom;
    st = d->code ? d->code : CN_EINTERNAL;
    goto done;
  }
  int cv = cn_table_add_column(res, value, CN_DOUBLE, d), cl = cn_table_add_column(res, "lq", CN_DOUBLE, d);
  if (cv < 0 || cl < 0) {
    cn_free(c_reg), cn_free(c_sec), cn_free(c_grp);
    st = d->code;
    goto done;
  }
  double *pv = cn_table_dbl_mut(res, cv), *pl = cn_table_dbl_mut(res, cl);
  for (int64_t g = 0; g < nc; g++) {
    double er = e_reg[c_reg[g]], es = e_sec[c_sec[g]], e = e_grp[c_grp[g]];
    pv[g] = e_cell[g];
    pl[g] = er > 0 && es > 0 && e > 0 ? (e_cell[g] / er) / (es / e) : NAN;
  }
  cn_free(c_reg), cn_free(c_sec), cn_free(c_grp);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st == CN_OK) *out = res, res = NULL;
  if (dropped) *dropped = drop;
  cn_table_free(res);
  cn_free(keep), cn_free(cell), cn_free(reg), cn_free(sec), cn_free(grp);
  cn_free(fc), cn_free(fr), cn_free(fs), cn_free(fg);
  cn_free(e_cell), cn_free(e_reg), cn_free(e_sec), cn_free(e_grp);
  return st;
}

cn_status cn_measure_coagg(const cn_table *t, const char *region, const char *sector,
                           const char *value, const char *by, const char *z, const char *s,
                           cn_table **out, int64_t *dropped, cn_diag *d) {
  cn_table *lq = NULL, *res = NULL;
  cn_status st = cn_measure_lq(t, region, sector, value, by, &lq, dropped, d);
  int32_t *id = NULL;
  int64_t *first = NULL;
  bool *keep = NULL;
  double *lz = NULL, *ls = NULL;
  *out = NULL;
  if (st != CN_OK) return st;
  int64_t n = cn_table_nrow(lq);
  int nb = by ? 1 : 0, cols[2] = {0, nb}, csec = nb + 1, clq = cn_table_find(lq, "lq");
  keep = cn_malloc((size_t)n + 1);
  id = cn_malloc(((size_t)n + 1) * sizeof *id);
  first = cn_malloc(((size_t)n + 1) * sizeof *first);
  if (!keep || !id || !first) goto oom;
  for (int64_t i = 0; i < n; i++) {
    size_t len;
    const char *sec = cn_table_str(lq, csec, i, &len);
    keep[i] = sec && (!strcmp(sec, z) || !strcmp(sec, s));
  }
  int64_t ng = group_rows(lq, cols + (by ? 0 : 1), nb + 1, keep, id, first);
  if (ng < 0) goto oom;
  lz = cn_calloc((size_t)ng + 1, sizeof *lz);
  ls = cn_calloc((size_t)ng + 1, sizeof *ls);
  if (!lz || !ls) goto oom;
  for (int64_t i = 0; i < n; i++) {
    if (id[i] < 0) continue;
    size_t len;
    const char *sec = cn_table_str(lq, csec, i, &len);
    double v = cn_table_get_num(lq, clq, i);
    if (!strcmp(sec, z)) lz[id[i]] = v;
    if (!strcmp(sec, s)) ls[id[i]] = v;
  }
  if (!(res = cn_table_new(ng))) goto oom;
  if (cn__copy_keys(res, lq, cols + (by ? 0 : 1), nb + 1, first, ng, d) != CN_OK) {
    st = d->code ? d->code : CN_EINTERNAL;
    goto done;
  }
  int cz = cn_table_add_column(res, "lqz", CN_DOUBLE, d), cs = cn_table_add_column(res, "lqs", CN_DOUBLE, d),
      cc = cn_table_add_column(res, "co", CN_DOUBLE, d);
  if (cz < 0 || cs < 0 || cc < 0) {
    st = d->code;
    goto done;
  }
  double *pz = cn_table_dbl_mut(res, cz), *ps = cn_table_dbl_mut(res, cs), *pc = cn_table_dbl_mut(res, cc);
  for (int64_t g = 0; g < ng; g++) {
    double a = lz[g], b = ls[g];
    pz[g] = a, ps[g] = b;
    pc[g] = a + b > 0 ? (1 - fabs(a - b) / (a + b)) + (a + b) : NAN;
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st == CN_OK) *out = res, res = NULL;
  cn_table_free(res);
  cn_table_free(lq);
  cn_free(keep), cn_free(id), cn_free(first), cn_free(lz), cn_free(ls);
  return st;
}
