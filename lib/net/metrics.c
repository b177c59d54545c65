/* lib/net/metrics.c — node measures of an edge list, year by year. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../table/table_int.h"
#include "graph_int.h"

enum { M_WDC, M_PARTNERS, M_BC, M_BCN, M_CONSTRAINT, M_EFFSIZE, M_EFFICIENCY,
       M_CORENESS, M_CLUSTERING, M_EIGEN, M_COMPONENT, M_COMPSIZE, M_CP_CORE,
       M_CP_CORENESS, M_COUNT };

const char *const cn_net_measure_names[] = {
    "wdc", "partners", "betweenness", "betweenness_norm", "constraint", "effsize",
    "efficiency", "coreness", "clustering", "eigenvector", "component", "comp_size",
    "cp_core", "cp_coreness", NULL};

static bool integer_measure(int k) {
  return k == M_PARTNERS || k == M_CORENESS || k == M_COMPONENT || k == M_COMPSIZE ||
         k == M_CP_CORE;
}

typedef struct edge {
  int64_t year, u, v; /* u, v: global node ids */
  double w;
} edge;

static int cmp_edge_year(const void *a, const void *b) {
  const edge *x = a, *y = b;
  return (x->year > y->year) - (x->year < y->year);
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Computes the wanted measures of g into vals[k] (arrays of g->n). */
static cn_status measure(const cn_graph *g, const bool *want, const cn_net_opts *o,
                         double **vals, int32_t *comp, int32_t *csize, cn_diag *d) {
  cn_status st = CN_OK;
  int32_t n = g->n;
  cn_graph_strength(g, vals[M_WDC]);
  cn_graph_degree(g, vals[M_PARTNERS]);
  if (want[M_BC] || want[M_BCN])
    st = cn_graph_betweenness(g, o->bc_weights, o->bc_alpha > 0 ? o->bc_alpha : 1.0,
                              o->threads, vals[M_BC], d);
  if (st == CN_OK && want[M_CONSTRAINT]) st = cn_graph_constraint(g, vals[M_CONSTRAINT], d);
  if (st == CN_OK && (want[M_EFFSIZE] || want[M_EFFICIENCY]))
    st = cn_graph_effsize(g, vals[M_EFFSIZE], vals[M_EFFICIENCY], d);
  if (st == CN_OK && want[M_CORENESS]) st = cn_graph_coreness(g, vals[M_CORENESS], d);
  if (st == CN_OK && want[M_CLUSTERING]) st = cn_graph_clustering(g, vals[M_CLUSTERING], d);
  if (st == CN_OK && want[M_EIGEN]) st = cn_graph_eigenvector(g, vals[M_EIGEN], d);
  if (st == CN_OK && (want[M_COMPONENT] || want[M_COMPSIZE]))
    st = cn_graph_components(g, comp, csize, NULL, d);
  if (st == CN_OK && want[M_CP_CORE]) st = cn_graph_core_periphery(g, vals[M_CP_CORE], NULL, NULL, d);
  if (st == CN_OK && want[M_CP_CORENESS])
    st = cn_graph_coreness_continuous(g, vals[M_CP_CORENESS], NULL, d);
  if (st != CN_OK) return st;
  double norm = n > 2 ? 2.0 / ((double)(n - 1) * (double)(n - 2)) : NAN;
  for (int32_t i = 0; i < n; i++) {
    vals[M_BCN][i] = vals[M_BC][i] * norm;
    vals[M_COMPONENT][i] = comp[i] + 1;
    vals[M_COMPSIZE][i] = csize[i];
  }
  return CN_OK;
}

cn_status cn_net_metrics(const cn_table *t, cn_net_opts *o, cn_table **out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_strmap labels = {0};
  edge *es = NULL;
  int64_t *ids = NULL;
  int32_t *lu = NULL, *lv = NULL, *comp = NULL, *csize = NULL;
  double *lw = NULL, *vals[M_COUNT] = {0};
  cn_graph *g = NULL;
  cn_table *res = NULL;
  cn_column *cols[M_COUNT + 3] = {0};
  bool want[M_COUNT];
  *out = NULL;
  o->dropped = 0;

  for (int k = 0; k < M_COUNT; k++) want[k] = o->measures == NULL;
  for (int i = 0; o->measures && i < o->n_measures; i++) {
    int k = 0;
    while (k < M_COUNT && strcmp(cn_net_measure_names[k], o->measures[i])) k++;
    if (k == M_COUNT) {
      st = cn_diag_set(d, CN_EUSAGE, "unknown measure \"%s\"", o->measures[i]);
      goto done;
    }
    want[k] = true;
  }
  int cy = cn_table_find(t, "year"), cu = cn_table_find(t, "u"), cv = cn_table_find(t, "v"),
      cw = cn_table_find(t, "weight");
  if (cu < 0 || cv < 0) {
    st = cn_diag_set(d, CN_EDATA, "an edge list needs columns u and v (and may have year "
                     "and weight)");
    goto done;
  }
  cn_type tu = t->cols[cu]->type, tv = t->cols[cv]->type;
  bool text = tu == CN_STRING;
  if (tu != tv || tu == CN_DOUBLE) {
    st = cn_diag_set(d, CN_EDATA, "u and v must both hold integer ids or both text labels "
                     "(u is %s, v is %s)", cn_type_name(tu), cn_type_name(tv));
    goto done;
  }
  if (cy >= 0 && t->cols[cy]->type != CN_INT64) {
    st = cn_diag_set(d, CN_EDATA, "year must hold integers (it is %s)",
                     cn_type_name(t->cols[cy]->type));
    goto done;
  }
  if (cw >= 0 && t->cols[cw]->type == CN_STRING) {
    st = cn_diag_set(d, CN_EDATA, "weight must hold numbers (it is text)");
    goto done;
  }

  int64_t m = 0;
  es = cn_calloc((size_t)t->nrow + 1, sizeof *es);
  if (!es) goto oom;
  for (int64_t r = 0; r < t->nrow; r++) {
    if (cn_table_is_na(t, cu, r) || cn_table_is_na(t, cv, r) ||
        (cy >= 0 && cn_table_is_na(t, cy, r)) || (cw >= 0 && cn_table_is_na(t, cw, r))) {
      o->dropped++;
      continue;
    }
    edge *e = &es[m];
    if (text) {
      const cn_column *U = t->cols[cu], *V = t->cols[cv];
      int32_t a = U->codes[r], b = V->codes[r];
      int32_t ia = cn__strmap_intern(&labels, U->levels.strs[a], U->levels.lens[a]);
      int32_t ib = cn__strmap_intern(&labels, V->levels.strs[b], V->levels.lens[b]);
      if (ia < 0 || ib < 0) goto oom;
      e->u = ia + 1;
      e->v = ib + 1;
    } else {
      e->u = t->cols[cu]->i64[r];
      e->v = t->cols[cv]->i64[r];
    }
    e->year = cy >= 0 ? t->cols[cy]->i64[r] : 0;
    e->w = cw >= 0 ? cn_table_get_num(t, cw, r) : 1.0;
    if (e->u == e->v) {
      st = cn_diag_set(d, CN_EDATA, "data row %lld: an edge from a node to itself (u = v)",
                       (long long)r + 1);
      goto done;
    }
    if (!(e->w > 0) || !isfinite(e->w)) {
      st = cn_diag_set(d, CN_EDATA, "data row %lld: weight %g; weights must be positive",
                       (long long)r + 1, e->w);
      goto done;
    }
    m++;
  }
  /* stable order within a year is not needed: edges are summed per pair */
  qsort(es, (size_t)m, sizeof *es, cmp_edge_year);
  ids = cn_malloc(2 * (size_t)m * sizeof *ids + 1);
  lu = cn_malloc((size_t)m * sizeof *lu + 1);
  lv = cn_malloc((size_t)m * sizeof *lv + 1);
  lw = cn_malloc((size_t)m * sizeof *lw + 1);
  res = cn_table_new(0);
  if (!ids || !lu || !lv || !lw || !res) goto oom;
  const char *names[M_COUNT + 3];
  cn_type types[M_COUNT + 3];
  int ncols = 0;
  if (cy >= 0) names[ncols] = "year", types[ncols++] = CN_INT64;
  names[ncols] = "node_id", types[ncols++] = CN_INT64;
  names[ncols] = "node", types[ncols++] = CN_STRING;
  int first_measure = ncols;
  for (int k = 0; k < M_COUNT; k++)
    if (want[k])
      names[ncols] = cn_net_measure_names[k],
      types[ncols++] = integer_measure(k) ? CN_INT64 : CN_DOUBLE;
  for (int c = 0; c < ncols; c++) {
    cols[c] = cn__col_new(names[c], types[c]);
    if (!cols[c] || !cn__table_append(res, cols[c])) {
      cn__col_free(cols[c]);
      goto oom;
    }
  }
  int64_t row = 0;
  for (int64_t y0 = 0; y0 < m;) {
    int64_t y1 = y0;
    while (y1 < m && es[y1].year == es[y0].year) y1++;
    int64_t k2 = 0;
    for (int64_t k = y0; k < y1; k++) {
      ids[k2++] = es[k].u;
      ids[k2++] = es[k].v;
    }
    qsort(ids, (size_t)k2, sizeof *ids, cmp_i64);
    int64_t n = 0;
    for (int64_t k = 0; k < k2; k++)
      if (n == 0 || ids[k] != ids[n - 1]) ids[n++] = ids[k];
    if (n > INT32_MAX) {
      st = cn_diag_set(d, CN_EDATA, "more than 2^31 nodes in one year");
      goto done;
    }
    for (int64_t k = y0; k < y1; k++) {
      lu[k - y0] = (int32_t)((int64_t *)bsearch(&es[k].u, ids, (size_t)n, sizeof *ids, cmp_i64) - ids);
      lv[k - y0] = (int32_t)((int64_t *)bsearch(&es[k].v, ids, (size_t)n, sizeof *ids, cmp_i64) - ids);
      lw[k - y0] = es[k].w;
    }
    cn_graph_free(g);
    g = NULL;
    if ((st = cn_graph_from_edges((int32_t)n, y1 - y0, lu, lv, lw, &g, d)) != CN_OK) goto done;
    for (int k = 0; k < M_COUNT; k++) {
      cn_free(vals[k]);
      if (!(vals[k] = cn_calloc((size_t)n, sizeof(double)))) goto oom;
    }
    cn_free(comp);
    cn_free(csize);
    comp = cn_calloc((size_t)n, sizeof *comp);
    csize = cn_calloc((size_t)n, sizeof *csize);
    if (!comp || !csize) goto oom;
    if ((st = measure(g, want, o, vals, comp, csize, d)) != CN_OK) goto done;
    for (int c = 0; c < ncols; c++)
      if (!cn__col_reserve(cols[c], row + n)) goto oom;
    for (int64_t i = 0; i < n; i++, row++) {
      int c = 0;
      if (cy >= 0) cols[c++]->i64[row] = es[y0].year;
      cols[c++]->i64[row] = ids[i];
      cn_column *nc = cols[c++];
      if (text) {
        nc->codes[row] = cn__col_level(nc, labels.strs[ids[i] - 1], labels.lens[ids[i] - 1]);
      } else {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "%lld", (long long)ids[i]);
        nc->codes[row] = cn__col_level(nc, buf, (size_t)len);
      }
      if (nc->codes[row] < 0) goto oom;
      c = first_measure;
      for (int k = 0; k < M_COUNT; k++) {
        if (!want[k]) continue;
        if (integer_measure(k)) cols[c++]->i64[row] = (int64_t)vals[k][i];
        else cols[c++]->dbl[row] = vals[k][i];
      }
    }
    y0 = y1;
  }
  res->nrow = row;
  *out = res;
  res = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_table_free(res);
  cn_graph_free(g);
  for (int k = 0; k < M_COUNT; k++) cn_free(vals[k]);
  cn_free(comp);
  cn_free(csize);
  cn_free(ids);
  cn_free(lu);
  cn_free(lv);
  cn_free(lw);
  cn_free(es);
  cn__strmap_free(&labels);
  return st;
}
