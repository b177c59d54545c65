/* lib/net/summary.c — one row of graph measures per year (`net summary`). */
#include <math.h>
#include <string.h>
#include "net_int.h"

const char *const cn_net_summary_names[] = {
    "nodes", "edges", "weight", "avg_wdc", "avg_degree", "density", "components",
    "largest_share", "avg_clustering", "assortativity", "cp_rho", "cp_core_size", NULL};
enum { S_NODES, S_EDGES, S_WEIGHT, S_AVG_WDC, S_AVG_DEG, S_DENSITY, S_COMPS, S_LARGEST,
       S_CLUST, S_ASSORT, S_RHO, S_CORE, S_COUNT };

/* Newman's degree assortativity: the Pearson correlation of the degrees at
 * the two ends of each edge, every edge taken in both directions. */
static double assortativity(const cn_graph *g) {
  double m = 0, sjk = 0, sh = 0, sq = 0;
  for (int32_t i = 0; i < g->n; i++) {
    double di = (double)(g->off[i + 1] - g->off[i]);
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) {
      int32_t j = g->adj[k];
      if (j < i) continue;
      double dj = (double)(g->off[j + 1] - g->off[j]);
      m++;
      sjk += di * dj;
      sh += (di + dj) / 2;
      sq += (di * di + dj * dj) / 2;
    }
  }
  if (m == 0) return NAN;
  double mean = sh / m, var = sq / m - mean * mean;
  return var > 0 ? (sjk / m - mean * mean) / var : NAN;
}

/* Fills the measures of one yearly graph into v[S_COUNT]. */
static cn_status summarize(const cn_graph *g, bool cp_valued, double *v, cn_diag *d) {
  cn_status st = CN_OK;
  int32_t n = g->n, ncomp = 0;
  double *tmp = cn_malloc(((size_t)n + 1) * sizeof *tmp);
  int32_t *comp = cn_malloc(((size_t)n + 1) * sizeof *comp);
  int32_t *size = cn_malloc(((size_t)n + 1) * sizeof *size);
  if (!tmp || !comp || !size) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  double dn = n, dm = (double)g->m;
  v[S_NODES] = dn;
  v[S_EDGES] = dm;
  v[S_WEIGHT] = g->total;
  v[S_AVG_WDC] = n ? 2 * g->total / dn : NAN;
  v[S_AVG_DEG] = n ? 2 * dm / dn : NAN;
  v[S_DENSITY] = n > 1 ? 2 * dm / (dn * (dn - 1)) : NAN;
  if ((st = cn_graph_components(g, comp, size, &ncomp, d)) != CN_OK) goto done;
  int32_t largest = 0;
  for (int32_t i = 0; i < n; i++)
    if (size[i] > largest) largest = size[i];
  v[S_COMPS] = ncomp;
  v[S_LARGEST] = n ? largest / dn : NAN;
  if ((st = cn_graph_clustering(g, tmp, d)) != CN_OK) goto done;
  double sc = 0;
  for (int32_t i = 0; i < n; i++) sc += isnan(tmp[i]) ? 0 : tmp[i]; /* networkx: 0 below degree 2 */
  v[S_CLUST] = n ? sc / dn : NAN;
  v[S_ASSORT] = assortativity(g);
  int32_t core = 0;
  if ((st = cn_graph_core_periphery(g, cp_valued, tmp, &v[S_RHO], &core, d)) != CN_OK) goto done;
  v[S_CORE] = core;
done:
  cn_free(tmp);
  cn_free(comp);
  cn_free(size);
  return st;
}

static const char *const type_cols[] = {"n_firm", "n_university", "n_institute",
                                        "n_government", "n_other"};
static const char *const type_names[] = {"firm", "university", "institute", "government",
                                         "other"};

/* The value of int64 column `col` of tab in the row whose `year` is y, or
 * missing. Tables are small (one row per year). */
static int64_t by_year(const cn_table *tab, const char *col, int64_t y) {
  int cy = cn_table_find(tab, "year"), c = cn_table_find(tab, col);
  if (cy < 0 || c < 0 || tab->cols[cy]->type != CN_INT64 || tab->cols[c]->type != CN_INT64)
    return CN_NA_INT64;
  for (int64_t r = 0; r < tab->nrow; r++)
    if (tab->cols[cy]->i64[r] == y) return tab->cols[c]->i64[r];
  return CN_NA_INT64;
}

cn_status cn_net_summary(const cn_table *t, const cn_table *nodes, const cn_table *years,
                         const cn_net_opts *o, cn_table **out, int64_t *dropped, cn_diag *d) {
  cn_status st = CN_OK;
  cn_edgelist el = {0};
  cn_graph *g = NULL;
  cn_table *res = NULL;
  int64_t *ids = NULL;
  cn_column *cols[S_COUNT + 8] = {0};
  int *type_of = NULL; /* node id → index in type_names, -1 unknown */
  int64_t ntype_of = 0;
  *out = NULL;
  bool cp_valued = o && o->cp_valued;
  cn_edge_weight ew = {o ? o->weight : NULL, o && o->unweighted};
  if ((st = cn__edgelist_read(t, &ew, &el, d)) != CN_OK) goto done;
  if (dropped) *dropped = el.dropped;
  ids = cn_malloc(2 * (size_t)el.m * sizeof *ids + 1);
  res = cn_table_new(0);
  if (!ids || !res) goto oom;
  int ncols = 0;
  const char *first = el.has_year ? "year" : NULL;
  if (first) {
    cols[ncols] = cn__col_new("year", CN_INT64);
    if (!cols[ncols] || !cn__table_append(res, cols[ncols])) {
      cn__col_free(cols[ncols]);
      goto oom;
    }
    ncols++;
  }
  int first_measure = ncols;
  /* applications per year, and nodes by type, from a build folder */
  const char *extra_names[2 + 5];
  int nextra = 0;
  if (years) extra_names[nextra++] = "applications", extra_names[nextra++] = "collaborative";
  if (nodes) {
    int ci = cn_table_find(nodes, "node_id"), ct = cn_table_find(nodes, "type");
    if (ci < 0 || ct < 0 || nodes->cols[ci]->type != CN_INT64 || nodes->cols[ct]->type != CN_STRING) {
      st = cn_diag_set(d, CN_EDATA, "the nodes table needs columns node_id and type");
      goto done;
    }
    for (int64_t r = 0; r < nodes->nrow; r++)
      if (nodes->cols[ci]->i64[r] > ntype_of && nodes->cols[ci]->i64[r] < INT32_MAX)
        ntype_of = nodes->cols[ci]->i64[r];
    type_of = cn_malloc(((size_t)ntype_of + 1) * sizeof *type_of);
    if (!type_of) goto oom;
    for (int64_t k = 0; k <= ntype_of; k++) type_of[k] = -1;
    for (int64_t r = 0; r < nodes->nrow; r++) {
      int64_t id = nodes->cols[ci]->i64[r];
      int32_t code = nodes->cols[ct]->codes[r];
      if (id < 1 || id > ntype_of || code < 0) continue;
      const char *tn = nodes->cols[ct]->levels.strs[code];
      for (int k = 0; k < 5; k++)
        if (!strcmp(tn, type_names[k])) type_of[id] = k;
      if (type_of[id] < 0) type_of[id] = 4;
    }
    for (int k = 0; k < 5; k++) extra_names[nextra++] = type_cols[k];
  }
  for (int k = 0; k < nextra; k++) {
    cols[ncols] = cn__col_new(extra_names[k], CN_INT64);
    if (!cols[ncols] || !cn__table_append(res, cols[ncols])) {
      cn__col_free(cols[ncols]);
      goto oom;
    }
    ncols++;
  }
  int first_extra = first_measure, after_extra = ncols;
  first_measure = ncols;
  for (int k = 0; k < S_COUNT; k++) {
    bool integer = k == S_NODES || k == S_EDGES || k == S_COMPS || k == S_CORE;
    cols[ncols] = cn__col_new(cn_net_summary_names[k], integer ? CN_INT64 : CN_DOUBLE);
    if (!cols[ncols] || !cn__table_append(res, cols[ncols])) {
      cn__col_free(cols[ncols]);
      goto oom;
    }
    ncols++;
  }
  int64_t row = 0;
  for (int64_t y0 = 0; y0 < el.m; row++) {
    int64_t y1 = cn__edgelist_year_end(&el, y0), n = 0;
    double v[S_COUNT];
    cn_graph_free(g);
    if ((st = cn__edgelist_graph(&el, y0, y1, ids, &n, &g, d)) != CN_OK) goto done;
    if ((st = summarize(g, cp_valued, v, d)) != CN_OK) goto done;
    for (int c = 0; c < ncols; c++)
      if (!cn__col_reserve(cols[c], row + 1)) goto oom;
    if (first) cols[0]->i64[row] = el.es[y0].year;
    int c0 = first_extra;
    if (years) {
      cols[c0++]->i64[row] = by_year(years, "applications", el.es[y0].year);
      cols[c0++]->i64[row] = by_year(years, "collaborative", el.es[y0].year);
    }
    if (nodes) {
      int64_t counts[5] = {0};
      for (int64_t i = 0; i < n; i++)
        if (ids[i] >= 1 && ids[i] <= ntype_of && type_of[ids[i]] >= 0) counts[type_of[ids[i]]]++;
      for (int k = 0; k < 5; k++) cols[c0++]->i64[row] = counts[k];
    }
    (void)after_extra;
    for (int k = 0; k < S_COUNT; k++) {
      cn_column *c = cols[first_measure + k];
      if (c->type == CN_INT64) c->i64[row] = (int64_t)v[k];
      else c->dbl[row] = v[k];
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
  cn_free(ids);
  cn_free(type_of);
  cn__edgelist_free(&el);
  return st;
}
