/* lib/net/layout.c — node positions for network maps (igraph's layouts),
 * and the graphs of an edge list's stages on one node set. */
#include <math.h>
#include <string.h>
#include "net_int.h"

cn_status cn_graph_layout(const cn_graph *g, cn_layout kind, uint64_t seed, double *xy, cn_diag *d) {
  igraph_t ig;
  igraph_matrix_t res;
  cn_status st = CN_OK;
  bool have_g = false;
  if (g->n == 0) return CN_OK;
  if (g->n == 1) { /* a single node sits in the middle */
    xy[0] = xy[1] = 0;
    return CN_OK;
  }
  if (igraph_matrix_init(&res, g->n, 2)) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  if ((st = cn__graph_igraph(g, &ig, NULL, d)) != CN_OK) goto done;
  have_g = true;
  igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
  igraph_error_t ie;
  if (kind == CN_LAYOUT_KK) {
    ie = igraph_layout_kamada_kawai(&ig, &res, 0, 50 * (igraph_integer_t)g->n, 0, (igraph_real_t)g->n, NULL,
                                    NULL, NULL, NULL, NULL);
  } else if (kind == CN_LAYOUT_DRL) {
    igraph_layout_drl_options_t opt;
    igraph_layout_drl_options_init(&opt, IGRAPH_LAYOUT_DRL_DEFAULT);
    ie = igraph_layout_drl(&ig, &res, 0, &opt, NULL);
  } else {
    ie = igraph_layout_fruchterman_reingold(&ig, &res, 0, 500, sqrt((double)g->n), IGRAPH_LAYOUT_AUTOGRID,
                                            NULL, NULL, NULL, NULL, NULL);
  }
  if (ie) {
    st = cn_diag_set(d, CN_EANALYSIS, "the layout failed (igraph error %d)", (int)ie);
    goto done;
  }
  for (int32_t i = 0; i < g->n; i++) {
    xy[2 * i] = MATRIX(res, i, 0);
    xy[2 * i + 1] = MATRIX(res, i, 1);
  }
done:
  if (have_g) igraph_destroy(&ig);
  igraph_matrix_destroy(&res);
  return st;
}

void cn_graph_edges(const cn_graph *g, int32_t *u, int32_t *v, double *w) {
  int64_t e = 0;
  for (int32_t i = 0; i < g->n; i++)
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++)
      if (g->adj[k] > i) u[e] = i, v[e] = g->adj[k], w[e++] = g->wt[k];
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

cn_status cn_net_stage_graphs(const cn_table *edges, const cn_net_opts *o, int nstage, const int64_t *from,
                              const int64_t *to, cn_net_stages *out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_edgelist el = {0};
  int32_t *lu = NULL, *lv = NULL;
  double *lw = NULL;
  memset(out, 0, sizeof *out);
  cn_edge_weight wt = {o ? o->weight : NULL, o && o->unweighted};
  if ((st = cn__edgelist_read(edges, &wt, &el, d)) != CN_OK) goto done;
  out->dropped = el.dropped;
  out->nstage = nstage;
  out->graphs = cn_calloc((size_t)nstage + 2, sizeof *out->graphs);
  out->ids = cn_malloc((size_t)(2 * el.m + 1) * sizeof *out->ids);
  lu = cn_malloc((size_t)(el.m + 1) * sizeof *lu);
  lv = cn_malloc((size_t)(el.m + 1) * sizeof *lv);
  lw = cn_malloc((size_t)(el.m + 1) * sizeof *lw);
  if (!out->graphs || !out->ids || !lu || !lv || !lw) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  /* the nodes of every edge in some stage, in increasing id order */
  int64_t n = 0;
  for (int64_t k = 0; k < el.m; k++) {
    bool in = false;
    for (int s = 0; s < nstage && !in; s++) in = !el.has_year || (el.es[k].year >= from[s] && el.es[k].year <= to[s]);
    if (in) out->ids[n++] = el.es[k].u, out->ids[n++] = el.es[k].v;
  }
  qsort(out->ids, (size_t)n, sizeof *out->ids, cmp_i64);
  int64_t nn = 0;
  for (int64_t k = 0; k < n; k++)
    if (nn == 0 || out->ids[nn - 1] != out->ids[k]) out->ids[nn++] = out->ids[k];
  if (nn > INT32_MAX) {
    st = cn_diag_set(d, CN_EDATA, "more than 2^31 nodes");
    goto done;
  }
  out->n = (int32_t)nn;
  if (el.text) {
    out->labels = cn_calloc((size_t)nn + 1, sizeof *out->labels);
    if (!out->labels) {
      st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    for (int64_t i = 0; i < nn; i++)
      if (!(out->labels[i] = cn_strdup(el.labels.strs[out->ids[i] - 1]))) {
        st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
  }
  /* each stage's graph, then the union of all (the last, for the layout) */
  for (int s = 0; s <= nstage; s++) {
    int64_t m = 0;
    for (int64_t k = 0; k < el.m; k++) {
      const cn_edge *e = &el.es[k];
      bool in = false;
      for (int q = (s < nstage ? s : 0); q < (s < nstage ? s + 1 : nstage) && !in; q++)
        in = !el.has_year || (e->year >= from[q] && e->year <= to[q]);
      if (!in) continue;
      lu[m] = (int32_t)((int64_t *)bsearch(&e->u, out->ids, (size_t)nn, sizeof *out->ids, cmp_i64) - out->ids);
      lv[m] = (int32_t)((int64_t *)bsearch(&e->v, out->ids, (size_t)nn, sizeof *out->ids, cmp_i64) - out->ids);
      lw[m++] = e->w;
    }
    out->edges[s < nstage ? s : CN_NET_MAXSTAGE] = m;
    if ((st = cn_graph_from_edges((int32_t)nn, m, lu, lv, lw, &out->graphs[s], d)) != CN_OK) goto done;
  }
done:
  cn__edgelist_free(&el);
  cn_free(lu);
  cn_free(lv);
  cn_free(lw);
  if (st != CN_OK) cn_net_stages_free(out);
  return st;
}

void cn_net_stages_free(cn_net_stages *s) {
  for (int q = 0; s->graphs && q <= s->nstage; q++) cn_graph_free(s->graphs[q]);
  for (int32_t i = 0; s->labels && i < s->n; i++) cn_free(s->labels[i]);
  cn_free(s->graphs);
  cn_free(s->ids);
  cn_free(s->labels);
  memset(s, 0, sizeof *s);
}
