/* lib/net/metrics.c — node measures of an edge list, year by year. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "net_int.h"

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
  if (st == CN_OK && want[M_CP_CORE]) st = cn_graph_core_periphery(g, o->cp_valued, vals[M_CP_CORE], NULL, NULL, d);
  if (st == CN_OK && want[M_CP_CORENESS])
    st = cn_graph_coreness_continuous(g, o->cp_valued, vals[M_CP_CORENESS], NULL, d);
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
  cn_edgelist el = {0};
  const char **node_names = NULL;
  int64_t n_names = 0;
  int64_t *ids = NULL;
  int32_t *comp = NULL, *csize = NULL;
  double *vals[M_COUNT] = {0};
  cn_graph *g = NULL;
  cn_table *res = NULL;
  cn_column *cols[M_COUNT + 3] = {0};
  bool want[M_COUNT], job = false;
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
  cn_edge_weight ew = {o->weight, o->unweighted};
  if ((st = cn__edgelist_read(t, &ew, &el, d)) != CN_OK) goto done;
  o->dropped = el.dropped;
  /* names from a build's nodes table: node_id → name */
  if (o->nodes && !el.text) {
    int ci = cn_table_find(o->nodes, "node_id"), cname = cn_table_find(o->nodes, "name");
    if (ci < 0 || cname < 0 || o->nodes->cols[ci]->type != CN_INT64 ||
        o->nodes->cols[cname]->type != CN_STRING) {
      st = cn_diag_set(d, CN_EDATA, "the nodes table needs columns node_id and name");
      goto done;
    }
    for (int64_t r = 0; r < o->nodes->nrow; r++)
      if (o->nodes->cols[ci]->i64[r] > n_names && o->nodes->cols[ci]->i64[r] < INT32_MAX)
        n_names = o->nodes->cols[ci]->i64[r];
    node_names = cn_calloc((size_t)n_names + 1, sizeof *node_names);
    if (!node_names) goto oom;
    for (int64_t r = 0; r < o->nodes->nrow; r++) {
      int64_t id = o->nodes->cols[ci]->i64[r];
      int32_t code = o->nodes->cols[cname]->codes[r];
      if (id >= 1 && id <= n_names && code >= 0)
        node_names[id - 1] = o->nodes->cols[cname]->levels.strs[code];
    }
  }
  int64_t m = el.m;
  bool text = el.text;
  int cy = el.has_year ? 0 : -1;
  ids = cn_malloc(2 * (size_t)m * sizeof *ids + 1);
  res = cn_table_new(0);
  if (!ids || !res) goto oom;
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
  /* progress: one job whose parts are the years, each weighed by its
   * expected work (betweenness: a search from every node, n·(n + m)) */
  bool bc = want[M_BC] || want[M_BCN];
  int nyears = 0;
  double work = 0;
  for (int64_t y0 = 0; y0 < m; nyears++) {
    int64_t y1 = cn__edgelist_year_end(&el, y0);
    double ny = (double)cn__edgelist_nodes(&el, y0, y1, ids), my = (double)(y1 - y0);
    work += (ny + my) * (bc ? ny : 1);
    y0 = y1;
  }
  cn__job_begin("net metrics", work);
  job = true;
  int year_at = 0;
  double work_at = 0;
  int64_t row = 0;
  for (int64_t y0 = 0; y0 < m;) {
    int64_t y1 = cn__edgelist_year_end(&el, y0), n = 0;
    char label[32] = "";
    if (cy >= 0) snprintf(label, sizeof label, "year %lld", (long long)el.es[y0].year);
    double ny = (double)cn__edgelist_nodes(&el, y0, y1, ids), my = (double)(y1 - y0);
    double span = (ny + my) * (bc ? ny : 1);
    cn__job_part(label, ++year_at, nyears, work_at, span);
    cn__progress(bc ? "betweenness" : "measures", 0, 1);
    work_at += span;
    cn_graph_free(g);
    if ((st = cn__edgelist_graph(&el, y0, y1, ids, &n, &g, d)) != CN_OK) goto done;
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
      if (cy >= 0) cols[c++]->i64[row] = el.es[y0].year;
      cols[c++]->i64[row] = ids[i];
      cn_column *nc = cols[c++];
      const char *known = NULL;
      if (node_names && ids[i] >= 1 && ids[i] <= n_names) known = node_names[ids[i] - 1];
      if (known) {
        nc->codes[row] = cn__col_level(nc, known, strlen(known));
      } else if (text) {
        nc->codes[row] = cn__col_level(nc, el.labels.strs[ids[i] - 1], el.labels.lens[ids[i] - 1]);
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
  if (job) cn__job_end();
  cn_table_free(res);
  cn_graph_free(g);
  for (int k = 0; k < M_COUNT; k++) cn_free(vals[k]);
  cn_free(comp);
  cn_free(csize);
  cn_free(ids);
  cn_free(node_names);
  cn__edgelist_free(&el);
  return st;
}
