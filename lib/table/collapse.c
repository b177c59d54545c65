/* lib/table/collapse.c — group statistics as Stata computes them: collapse
 * (one row per group), egen (the group's statistic on each row), and
 * reshape long / wide. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../base/base_int.h"
#include "prep_int.h"

/* ---- sorting rows (stable merge sort by cn__row_cmp) ---- */

static void merge_pass(const cn_table *t, const int *cols, int nc, int64_t *a, int64_t *tmp,
                       int64_t n) {
  if (n < 2) return;
  int64_t h = n / 2;
  merge_pass(t, cols, nc, a, tmp, h);
  merge_pass(t, cols, nc, a + h, tmp, n - h);
  int64_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = cn__row_cmp(t, cols, nc, a[j], a[i]) < 0 ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, (size_t)n * sizeof *a);
}

/* Sorts rows[0..n) of t by the columns cols (Stata's order), keeping the
 * order of equal rows. False when out of memory. */
static bool sort_rows(const cn_table *t, const int *cols, int nc, int64_t *rows, int64_t n) {
  int64_t *tmp = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
  if (!tmp) return false;
  merge_pass(t, cols, nc, rows, tmp, n);
  cn_free(tmp);
  return true;
}

/* ---- statistics ---- */

cn_status cn_stat_parse(const char *name, cn_stat *stat, double *p, cn_diag *d) {
  static const struct {
    const char *name;
    cn_stat stat;
  } words[] = {{"mean", CN_STAT_MEAN},       {"sum", CN_STAT_SUM},       {"total", CN_STAT_SUM},
               {"count", CN_STAT_COUNT},     {"min", CN_STAT_MIN},       {"max", CN_STAT_MAX},
               {"first", CN_STAT_FIRST},     {"last", CN_STAT_LAST},     {"firstnm", CN_STAT_FIRSTNM},
               {"lastnm", CN_STAT_LASTNM},   {"sd", CN_STAT_SD},         {"median", CN_STAT_PCTILE}};
  *p = 50;
  for (size_t k = 0; k < sizeof words / sizeof *words; k++)
    if (!strcmp(name, words[k].name)) {
      *stat = words[k].stat;
      return CN_OK;
    }
  if (name[0] == 'p' && name[1] >= '1' && name[1] <= '9' &&
      (!name[2] || (name[2] >= '0' && name[2] <= '9' && !name[3]))) {
    *stat = CN_STAT_PCTILE;
    *p = atoi(name + 1);
    return CN_OK;
  }
  cn_status st = cn_diag_set(d, CN_EUSAGE, "unknown statistic \"%s\"", name);
  cn_diag_hint(d, "statistics: mean sum count min max first last firstnm lastnm sd median p1..p99");
  return st;
}

/* Statistics that pick a row (and so keep the column's type). */
static bool picks_row(cn_stat s) {
  return s == CN_STAT_MIN || s == CN_STAT_MAX || s == CN_STAT_FIRST || s == CN_STAT_LAST ||
         s == CN_STAT_FIRSTNM || s == CN_STAT_LASTNM;
}

/* Statistics that a text column allows. */
static bool text_ok(cn_stat s) {
  return s == CN_STAT_COUNT || s == CN_STAT_FIRST || s == CN_STAT_LAST || s == CN_STAT_FIRSTNM ||
         s == CN_STAT_LASTNM;
}

static const char *stat_name(cn_stat s) {
  static const char *const n[] = {"mean", "sum", "count", "min", "max", "first",
                                  "last", "firstnm", "lastnm", "sd", "pctile"};
  return n[s];
}

typedef struct vw {
  double v, w;
} vw;

static int cmp_vw(const void *a, const void *b) {
  double x = ((const vw *)a)->v, y = ((const vw *)b)->v;
  return (x > y) - (x < y);
}

/* The statistic s of column col over rows[0..m) (one group, in table
 * order), with weights w (NULL: all 1) of kind wk. Row-picking statistics
 * set *pick (a row, or -1) and return NaN; the others return the value.
 * buf has room for m pairs. */
static double group_stat(const cn_table *t, int col, const int64_t *rows, int64_t m,
                         const double *w, cn_weight_kind wk, cn_stat s, double p, vw *buf,
                         int64_t *pick) {
  *pick = -1;
  if (picks_row(s)) {
    if (s == CN_STAT_FIRST && m) *pick = rows[0];
    if (s == CN_STAT_LAST && m) *pick = rows[m - 1];
    for (int64_t k = 0; s == CN_STAT_FIRSTNM && k < m && *pick < 0; k++)
      if (!cn_table_is_na(t, col, rows[k])) *pick = rows[k];
    for (int64_t k = m - 1; s == CN_STAT_LASTNM && k >= 0 && *pick < 0; k--)
      if (!cn_table_is_na(t, col, rows[k])) *pick = rows[k];
    if (s == CN_STAT_MIN || s == CN_STAT_MAX) {
      double best = NAN;
      for (int64_t k = 0; k < m; k++) {
        double x = cn_table_get_num(t, col, rows[k]);
        if (isnan(x)) continue;
        if (isnan(best) || (s == CN_STAT_MIN ? x < best : x > best)) best = x, *pick = rows[k];
      }
    }
    return NAN;
  }
  /* the nonmissing values and their weights */
  int64_t n = 0;
  double W = 0, swx = 0;
  bool text = cn_table_type(t, col) == CN_STRING;
  for (int64_t k = 0; k < m; k++) {
    if (cn_table_is_na(t, col, rows[k])) continue;
    double x = text ? 0 : cn_table_get_num(t, col, rows[k]);
    double wk1 = w ? w[rows[k]] : 1;
    buf[n].v = x;
    buf[n++].w = wk1;
    W += wk1;
    swx += wk1 * x;
  }
  switch (s) {
    case CN_STAT_COUNT: return wk == CN_WEIGHT_FW ? W : (double)n;
    case CN_STAT_SUM:
      if (wk == CN_WEIGHT_AW) return n ? (double)n * (swx / W) : 0;
      return swx;
    case CN_STAT_MEAN: return n ? swx / W : NAN;
    case CN_STAT_SD: {
      if (!n) return NAN;
      double mean = swx / W, ss = 0;
      for (int64_t k = 0; k < n; k++) ss += buf[k].w * (buf[k].v - mean) * (buf[k].v - mean);
      if (wk == CN_WEIGHT_FW) return W > 1 ? sqrt(ss / (W - 1)) : NAN;
      if (n < 2) return NAN;
      return wk == CN_WEIGHT_AW ? sqrt(ss / W * (double)n / (double)(n - 1)) : sqrt(ss / (double)(n - 1));
    }
    case CN_STAT_PCTILE: {
      if (!n) return NAN;
      qsort(buf, (size_t)n, sizeof *buf, cmp_vw);
      /* P = W p / 100; the first value whose cumulative weight passes P,
       * the mean with the next one when it reaches P exactly (allowing for
       * the binary rounding of W p / 100, as cn_pctile_sorted does) */
      double P = W * p / 100, C = 0, tol = 1e-9 * (P > 1 ? P : 1);
      for (int64_t k = 0; k < n; k++) {
        C += buf[k].w;
        if (fabs(C - P) <= tol) return k + 1 < n ? (buf[k].v + buf[k + 1].v) / 2 : buf[k].v;
        if (C > P) return buf[k].v;
      }
      return buf[n - 1].v;
    }
    default: return NAN;
  }
}

/* Rows grouped: gid[i] is row i's group (-1 when unused), groups numbered
 * in the sort order of their by values; rows[start[g] .. start[g+1]) are
 * group g's rows in table order. */
typedef struct groups {
  int64_t ng, maxsize;
  int64_t *gid, *start, *rows;
} groups;

static void groups_free(groups *g) {
  cn_free(g->gid);
  cn_free(g->start);
  cn_free(g->rows);
  memset(g, 0, sizeof *g);
}

static cn_status groups_make(const cn_table *t, const int *by, int nby, const unsigned char *use,
                             groups *g, cn_diag *d) {
  int64_t n = cn_table_nrow(t), nk = 1;
  int64_t *ids = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *ids), *first = NULL, *order = NULL,
          *rank = NULL;
  cn__keyer *k = NULL;
  cn_status st = CN_OK;
  memset(g, 0, sizeof *g);
  if (!ids) goto oom;
  if (nby) {
    if (!(k = cn__keyer_new(nby))) goto oom;
    if ((st = cn__keyer_ids(k, t, by, ids, d)) != CN_OK) goto done;
    nk = cn__keyer_count(k);
  } else {
    for (int64_t i = 0; i < n; i++) ids[i] = 0;
  }
  first = cn_malloc((size_t)(nk > 0 ? nk : 1) * sizeof *first);
  rank = cn_malloc((size_t)(nk > 0 ? nk : 1) * sizeof *rank);
  order = cn_malloc((size_t)(nk > 0 ? nk : 1) * sizeof *order);
  g->gid = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *g->gid);
  g->rows = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *g->rows);
  if (!first || !rank || !order || !g->gid || !g->rows) goto oom;
  for (int64_t q = 0; q < nk; q++) first[q] = -1;
  for (int64_t i = 0; i < n; i++)
    if (use[i] && first[ids[i]] < 0) first[ids[i]] = i;
  int64_t ng = 0;
  for (int64_t q = 0; q < nk; q++)
    if (first[q] >= 0) order[ng++] = first[q];
  if (!sort_rows(t, by, nby, order, ng)) goto oom;
  for (int64_t r = 0; r < ng; r++) rank[ids[order[r]]] = r;
  if (!(g->start = cn_calloc((size_t)ng + 1, sizeof *g->start))) goto oom;
  g->ng = ng;
  for (int64_t i = 0; i < n; i++) {
    g->gid[i] = use[i] ? rank[ids[i]] : -1;
    if (use[i]) g->start[g->gid[i] + 1]++;
  }
  for (int64_t r = 0; r < ng; r++) {
    if (g->start[r + 1] > g->maxsize) g->maxsize = g->start[r + 1];
    g->start[r + 1] += g->start[r];
  }
  /* place rows: order[] is reused as each group's fill position */
  for (int64_t r = 0; r < ng; r++) order[r] = g->start[r];
  for (int64_t i = 0; i < n; i++)
    if (use[i]) g->rows[order[g->gid[i]]++] = i;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st != CN_OK) groups_free(g);
  cn__keyer_free(k);
  cn_free(ids);
  cn_free(first);
  cn_free(rank);
  cn_free(order);
  return st;
}

/* The by columns' indices, looked up with "did you mean". */
static cn_status find_cols(const cn_table *t, const char *const *names, int n, const char *what,
                           int *cols, cn_diag *d) {
  for (int k = 0; k < n; k++)
    if ((cols[k] = cn__col_need(t, names[k], what, d)) < 0) return CN_EDATA;
  return CN_OK;
}

/* Reads the weights of column wname into w[nrow] and clears use[i] of the
 * rows whose weight is missing or zero (counted in *dropped). */
static cn_status read_weights(const cn_table *t, const char *wname, cn_weight_kind wk,
                              double *w, unsigned char *use, int64_t *dropped, cn_diag *d) {
  int wc = cn__col_need(t, wname, "the weight", d);
  if (wc < 0) return CN_EDATA;
  if (cn_table_type(t, wc) == CN_STRING) {
    cn_status st = cn_diag_set(d, CN_EUSAGE, "weight \"%s\" is text; weights are numbers", wname);
    cn_diag_hint(d, "'coinnet data destring %s' converts it", wname);
    return st;
  }
  for (int64_t i = 0; i < cn_table_nrow(t); i++) {
    double x = cn_table_get_num(t, wc, i);
    w[i] = x;
    if (!use[i]) continue;
    if (isnan(x) || x == 0) {
      use[i] = 0;
      ++*dropped;
      continue;
    }
    if (x < 0)
      return cn_diag_set(d, CN_EDATA, "weight \"%s\" is negative on row %lld (%g)", wname,
                         (long long)i + 1, x);
    if (wk == CN_WEIGHT_FW && x != floor(x)) {
      cn_status st = cn_diag_set(d, CN_EDATA, "frequency weight \"%s\" is not a whole number on row %lld (%g)",
                                 wname, (long long)i + 1, x);
      cn_diag_hint(d, "use analytic weights (aw) for weights with fractions");
      return st;
    }
  }
  return CN_OK;
}

/* ---- collapse ---- */

cn_status cn_prep_collapse(const cn_table *t, const cn_collapse_opts *o,
                           cn_table **out, cn_collapse_counts *c, cn_diag *d) {
  int64_t n = cn_table_nrow(t);
  int by[64], *vcols = NULL;
  unsigned char *use = NULL;
  double *w = NULL;
  vw *buf = NULL;
  int64_t *rep = NULL, *pick = NULL;
  double *vals = NULL;
  groups g = {0};
  cn_table *r = NULL;
  cn_collapse_counts cnt = {0, 0, 0};
  cn_status st = CN_OK;
  *out = NULL;
  cn_diag_clear(d);
  if (o->n_by > 64) return cn_diag_set(d, CN_EUSAGE, "at most 64 group variables");
  if (o->n_items < 1) return cn_diag_set(d, CN_EUSAGE, "collapse needs at least one statistic");
  if ((st = find_cols(t, o->by, o->n_by, "the groups", by, d)) != CN_OK) return st;
  if (!(vcols = cn_calloc((size_t)o->n_items, sizeof *vcols))) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int k = 0; k < o->n_items; k++) {
    const cn_collapse_item *it = &o->items[k];
    const char *name = it->name ? it->name : it->var;
    if ((vcols[k] = cn__col_need(t, it->var, NULL, d)) < 0) {
      st = CN_EDATA;
      goto done;
    }
    if (cn_table_type(t, vcols[k]) == CN_STRING && !text_ok(it->stat)) {
      st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" is text; (%s) needs numbers", it->var,
                       stat_name(it->stat));
      cn_diag_hint(d, "'coinnet data destring %s' converts it; text allows count first last firstnm lastnm",
                   it->var);
      goto done;
    }
    if (it->stat == CN_STAT_PCTILE && !(it->p > 0 && it->p < 100)) {
      st = cn_diag_set(d, CN_EUSAGE, "percentile %g is not between 0 and 100", it->p);
      goto done;
    }
    for (int b = 0; b < o->n_by; b++)
      if (!strcmp(name, o->by[b])) {
        st = cn_diag_set(d, CN_EUSAGE, "result \"%s\" has the name of a group variable", name);
        cn_diag_hint(d, "name it: (%s) NEW=%s", stat_name(it->stat), it->var);
        goto done;
      }
    for (int m = 0; m < k; m++) {
      const char *other = o->items[m].name ? o->items[m].name : o->items[m].var;
      if (!strcmp(name, other)) {
        st = cn_diag_set(d, CN_EUSAGE, "two results would be called \"%s\"", name);
        cn_diag_hint(d, "name them: (%s) NEW=%s", stat_name(it->stat), it->var);
        goto done;
      }
    }
  }
  use = cn_malloc((size_t)(n > 0 ? n : 1));
  w = o->weight ? cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *w) : NULL;
  if (!use || (o->weight && !w)) goto oom;
  if ((st = cn__if_mask(t, o->if_expr, use, &cnt.dropped_if, d)) != CN_OK) goto done;
  if (o->weight && (st = read_weights(t, o->weight, o->wkind, w, use, &cnt.dropped_weight, d)) != CN_OK)
    goto done;
  if ((st = groups_make(t, by, o->n_by, use, &g, d)) != CN_OK) goto done;
  if (g.ng == 0) {
    st = cn_diag_set(d, CN_EDATA, "no observations left to collapse");
    if (cnt.dropped_if || cnt.dropped_weight)
      cn_diag_hint(d, "%lld rows failed the condition, %lld had a missing or zero weight",
                   (long long)cnt.dropped_if, (long long)cnt.dropped_weight);
    goto done;
  }
  buf = cn_malloc((size_t)g.maxsize * sizeof *buf);
  rep = cn_malloc((size_t)g.ng * sizeof *rep);
  pick = cn_malloc((size_t)g.ng * sizeof *pick);
  vals = cn_malloc((size_t)g.ng * sizeof *vals);
  if (!buf || !rep || !pick || !vals || !(r = cn_table_new(g.ng))) goto oom;
  for (int64_t q = 0; q < g.ng; q++) rep[q] = g.rows[g.start[q]];
  for (int b = 0; b < o->n_by; b++)
    if ((st = cn__take_col(r, o->by[b], t, by[b], rep, NULL, 0, NULL, d)) != CN_OK) goto done;
  for (int k = 0; k < o->n_items; k++) {
    const cn_collapse_item *it = &o->items[k];
    const char *name = it->name ? it->name : it->var;
    for (int64_t q = 0; q < g.ng; q++)
      vals[q] = group_stat(t, vcols[k], g.rows + g.start[q], g.start[q + 1] - g.start[q], w,
                           o->weight ? o->wkind : CN_WEIGHT_NONE, it->stat, it->p, buf, &pick[q]);
    if (picks_row(it->stat)) {
      if ((st = cn__take_col(r, name, t, vcols[k], pick, NULL, 0, NULL, d)) != CN_OK) goto done;
      continue;
    }
    int dc = cn_table_add_column(r, name, it->stat == CN_STAT_COUNT ? CN_INT64 : CN_DOUBLE, d);
    if (dc < 0) {
      st = d ? d->code : CN_EINTERNAL;
      goto done;
    }
    for (int64_t q = 0; q < g.ng; q++) {
      if (it->stat == CN_STAT_COUNT) cn_table_i64_mut(r, dc)[q] = (int64_t)vals[q];
      else cn_table_dbl_mut(r, dc)[q] = vals[q];
    }
  }
  cnt.groups = g.ng;
  if (c) *c = cnt;
  *out = r;
  r = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  groups_free(&g);
  cn_table_free(r);
  cn_free(vcols);
  cn_free(use);
  cn_free(w);
  cn_free(buf);
  cn_free(rep);
  cn_free(pick);
  cn_free(vals);
  return st;
}

/* ---- egen ---- */

cn_status cn_prep_egen(cn_table **t, const char *name, cn_stat stat, double p,
                       const char *var, const char *const *by, int n_by,
                       const char *if_expr, int64_t *n_missing, cn_diag *d) {
  int64_t n = cn_table_nrow(*t);
  int bc[64];
  unsigned char *use = NULL;
  double *v = NULL, *gv = NULL;
  vw *buf = NULL;
  groups g = {0};
  cn_status st = CN_OK;
  cn_diag_clear(d);
  if (n_by > 64) return cn_diag_set(d, CN_EUSAGE, "at most 64 group variables");
  if (!name || !*name) return cn_diag_set(d, CN_EUSAGE, "the new variable needs a name");
  if (cn_table_find(*t, name) >= 0) {
    st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists", name);
    cn_diag_hint(d, "pick another name, or drop it first");
    return st;
  }
  int col = cn__col_need(*t, var, NULL, d);
  if (col < 0) return CN_EDATA;
  if ((st = find_cols(*t, by, n_by, "the groups", bc, d)) != CN_OK) return st;
  if (cn_table_type(*t, col) == CN_STRING && stat != CN_STAT_COUNT) {
    st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" is text; %s() needs numbers", var,
                     stat_name(stat));
    cn_diag_hint(d, "'coinnet data destring %s' converts it", var);
    return st;
  }
  if (stat == CN_STAT_FIRST || stat == CN_STAT_LAST || stat == CN_STAT_FIRSTNM || stat == CN_STAT_LASTNM)
    return cn_diag_set(d, CN_EUSAGE, "egen has no %s(); see 'coinnet data collapse'", stat_name(stat));
  if (stat == CN_STAT_PCTILE && !(p > 0 && p < 100))
    return cn_diag_set(d, CN_EUSAGE, "percentile %g is not between 0 and 100", p);
  use = cn_malloc((size_t)(n > 0 ? n : 1));
  v = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  if (!use || !v) goto oom;
  if ((st = cn__if_mask(*t, if_expr, use, NULL, d)) != CN_OK) goto done;
  if ((st = groups_make(*t, bc, n_by, use, &g, d)) != CN_OK) goto done;
  buf = cn_malloc((size_t)(g.maxsize > 0 ? g.maxsize : 1) * sizeof *buf);
  gv = cn_malloc((size_t)(g.ng > 0 ? g.ng : 1) * sizeof *gv);
  if (!buf || !gv) goto oom;
  for (int64_t q = 0; q < g.ng; q++) {
    int64_t pick;
    gv[q] = group_stat(*t, col, g.rows + g.start[q], g.start[q + 1] - g.start[q], NULL,
                       CN_WEIGHT_NONE, stat, p, buf, &pick);
    if (picks_row(stat)) gv[q] = pick < 0 ? NAN : cn_table_get_num(*t, col, pick);
  }
  int64_t miss = 0;
  for (int64_t i = 0; i < n; i++) {
    v[i] = g.gid[i] < 0 ? NAN : gv[g.gid[i]];
    miss += isnan(v[i]);
  }
  int dc = cn_table_add_column(*t, name, CN_DOUBLE, d);
  if (dc < 0) {
    st = d ? d->code : CN_EINTERNAL;
    goto done;
  }
  memcpy(cn_table_dbl_mut(*t, dc), v, (size_t)n * sizeof *v);
  if (n_missing) *n_missing = miss;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  groups_free(&g);
  cn_free(use);
  cn_free(v);
  cn_free(gv);
  cn_free(buf);
  return st;
}
