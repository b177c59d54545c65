/* lib/net/graph.c — building the graph and the local node measures. */
#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "graph_int.h"

typedef struct nbr {
  int32_t id;
  double w;
} nbr;

static int cmp_nbr(const void *a, const void *b) {
  int32_t x = ((const nbr *)a)->id, y = ((const nbr *)b)->id;
  return (x > y) - (x < y);
}

cn_status cn_graph_from_edges(int32_t n, int64_t m, const int32_t *u,
                              const int32_t *v, const double *w, cn_graph **out,
                              cn_diag *d) {
  cn_status st = CN_OK;
  cn_graph *g = NULL;
  nbr *tmp = NULL;
  int64_t *fill = NULL;
  *out = NULL;
  if (n < 0 || m < 0) return cn_diag_set(d, CN_EINTERNAL, "negative graph size");
  for (int64_t k = 0; k < m; k++) {
    if (u[k] < 0 || u[k] >= n || v[k] < 0 || v[k] >= n) {
      st = cn_diag_set(d, CN_EDATA, "edge %lld: node id outside 0..%d", (long long)k + 1,
                       n - 1);
      goto done;
    }
    if (u[k] == v[k]) {
      st = cn_diag_set(d, CN_EDATA, "edge %lld joins node %d to itself (loops are not "
                       "allowed)", (long long)k + 1, u[k]);
      goto done;
    }
    if (w && !(isfinite(w[k]) && w[k] > 0)) {
      st = cn_diag_set(d, CN_EDATA, "edge %lld has weight %g: weights must be positive",
                       (long long)k + 1, w[k]);
      goto done;
    }
  }
  g = cn_calloc(1, sizeof *g);
  fill = cn_calloc((size_t)n + 1, sizeof *fill);
  if (!g || !fill) goto oom;
  g->n = n;
  g->off = cn_calloc((size_t)n + 1, sizeof *g->off);
  tmp = cn_calloc(2 * (size_t)m + 1, sizeof *tmp);
  if (!g->off || !tmp) goto oom;
  for (int64_t k = 0; k < m; k++) {
    fill[u[k] + 1]++;
    fill[v[k] + 1]++;
  }
  for (int32_t i = 0; i < n; i++) fill[i + 1] += fill[i];
  for (int64_t k = 0; k < m; k++) {
    double wk = w ? w[k] : 1.0;
    tmp[fill[u[k]]++] = (nbr){v[k], wk};
    tmp[fill[v[k]]++] = (nbr){u[k], wk};
  }
  /* fill[i] now ends row i; rows start at fill[i-1] (0 for the first) */
  int64_t out_pos = 0, start = 0;
  for (int32_t i = 0; i < n; i++) {
    int64_t end = fill[i];
    qsort(tmp + start, (size_t)(end - start), sizeof *tmp, cmp_nbr);
    g->off[i] = out_pos;
    for (int64_t k = start; k < end; k++) {
      if (out_pos > g->off[i] && tmp[out_pos - 1].id == tmp[k].id)
        tmp[out_pos - 1].w += tmp[k].w; /* repeated pair: one edge, weights summed */
      else
        tmp[out_pos++] = tmp[k];
    }
    start = end;
  }
  g->off[n] = out_pos;
  g->m = out_pos / 2;
  g->adj = cn_malloc((size_t)out_pos * sizeof *g->adj + 1);
  g->wt = cn_malloc((size_t)out_pos * sizeof *g->wt + 1);
  if (!g->adj || !g->wt) goto oom;
  for (int64_t k = 0; k < out_pos; k++) {
    g->adj[k] = tmp[k].id;
    g->wt[k] = tmp[k].w;
  }
  for (int32_t i = 0; i < n; i++)
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++)
      if (g->adj[k] > i) g->total += g->wt[k];
  *out = g;
  g = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(tmp);
  cn_free(fill);
  cn_graph_free(g);
  return st;
}

void cn_graph_free(cn_graph *g) {
  if (!g) return;
  cn_free(g->off);
  cn_free(g->adj);
  cn_free(g->wt);
  cn_free(g);
}

int32_t cn_graph_n(const cn_graph *g) { return g->n; }
int64_t cn_graph_m(const cn_graph *g) { return g->m; }
double cn_graph_total_weight(const cn_graph *g) { return g->total; }

void cn_graph_strength(const cn_graph *g, double *out) {
  for (int32_t i = 0; i < g->n; i++) {
    double s = 0;
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) s += g->wt[k];
    out[i] = s;
  }
}

void cn_graph_degree(const cn_graph *g, double *out) {
  for (int32_t i = 0; i < g->n; i++) out[i] = (double)(g->off[i + 1] - g->off[i]);
}

/* Burt (1992): C_i = Σ_{j∈N(i)} (p_ij + Σ_{q∈N(i), q≠j} p_iq p_qj)² with
 * p_ij = w_ij / Σ_k w_ik. For each i the neighbours are marked in a dense
 * array so that the two-step terms are summed by walking q's row. */
cn_status cn_graph_constraint(const cn_graph *g, double *out, cn_diag *d) {
  int32_t n = g->n;
  double *s = cn_malloc((size_t)n * sizeof *s + 1);
  double *c = cn_calloc((size_t)n + 1, sizeof *c);
  unsigned char *mark = cn_calloc((size_t)n + 1, 1);
  if (!s || !c || !mark) {
    cn_free(s);
    cn_free(c);
    cn_free(mark);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  cn_graph_strength(g, s);
  for (int32_t i = 0; i < n; i++) {
    if (g->off[i] == g->off[i + 1]) {
      out[i] = NAN;
      continue;
    }
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) {
      mark[g->adj[k]] = 1;
      c[g->adj[k]] = g->wt[k] / s[i];
    }
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) {
      int32_t q = g->adj[k];
      double piq = g->wt[k] / s[i];
      for (int64_t l = g->off[q]; l < g->off[q + 1]; l++) {
        int32_t j = g->adj[l];
        if (j != i && mark[j]) c[j] += piq * g->wt[l] / s[q];
      }
    }
    double sum = 0;
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) {
      int32_t j = g->adj[k];
      sum += c[j] * c[j];
      mark[j] = 0;
      c[j] = 0;
    }
    out[i] = sum;
  }
  cn_free(s);
  cn_free(c);
  cn_free(mark);
  return CN_OK;
}

/* Burt's effective size Σ_{j∈N(i)} [1 − Σ_{q∈N(i), q≠j} p_iq m_jq] with
 * m_jq = w_jq / max_k w_jk; unweighted it is Borgatti's n − 2t/n. */
cn_status cn_graph_effsize(const cn_graph *g, double *effsize, double *efficiency,
                           cn_diag *d) {
  int32_t n = g->n;
  double *s = cn_malloc((size_t)n * sizeof *s + 1);
  double *mx = cn_calloc((size_t)n + 1, sizeof *mx);
  double *red = cn_calloc((size_t)n + 1, sizeof *red);
  unsigned char *mark = cn_calloc((size_t)n + 1, 1);
  if (!s || !mx || !red || !mark) {
    cn_free(s);
    cn_free(mx);
    cn_free(red);
    cn_free(mark);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  cn_graph_strength(g, s);
  for (int32_t j = 0; j < n; j++)
    for (int64_t k = g->off[j]; k < g->off[j + 1]; k++)
      if (g->wt[k] > mx[j]) mx[j] = g->wt[k];
  for (int32_t i = 0; i < n; i++) {
    int64_t deg = g->off[i + 1] - g->off[i];
    if (deg == 0) {
      effsize[i] = NAN;
      if (efficiency) efficiency[i] = NAN;
      continue;
    }
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) mark[g->adj[k]] = 1;
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) {
      int32_t q = g->adj[k];
      double piq = g->wt[k] / s[i];
      for (int64_t l = g->off[q]; l < g->off[q + 1]; l++) {
        int32_t j = g->adj[l];
        if (j != i && mark[j]) red[j] += piq * g->wt[l] / mx[j];
      }
    }
    double e = 0;
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) {
      int32_t j = g->adj[k];
      e += 1.0 - red[j];
      mark[j] = 0;
      red[j] = 0;
    }
    effsize[i] = e;
    if (efficiency) efficiency[i] = e / (double)deg;
  }
  cn_free(s);
  cn_free(mx);
  cn_free(red);
  cn_free(mark);
  return CN_OK;
}

/* Batagelj & Zaversnik (2003): nodes in bins by current degree, peeled in
 * increasing order; O(n + m). */
cn_status cn_graph_coreness(const cn_graph *g, double *out, cn_diag *d) {
  int32_t n = g->n;
  int64_t maxdeg = 0;
  int64_t *deg = cn_malloc((size_t)n * sizeof *deg + 1);
  int32_t *vert = cn_malloc((size_t)n * sizeof *vert + 1);
  int32_t *pos = cn_malloc((size_t)n * sizeof *pos + 1);
  int64_t *bin = NULL;
  cn_status st = CN_OK;
  if (!deg || !vert || !pos) goto oom;
  for (int32_t i = 0; i < n; i++) {
    deg[i] = g->off[i + 1] - g->off[i];
    if (deg[i] > maxdeg) maxdeg = deg[i];
  }
  bin = cn_calloc((size_t)maxdeg + 2, sizeof *bin);
  if (!bin) goto oom;
  for (int32_t i = 0; i < n; i++) bin[deg[i]]++;
  int64_t start = 0;
  for (int64_t k = 0; k <= maxdeg; k++) {
    int64_t num = bin[k];
    bin[k] = start;
    start += num;
  }
  for (int32_t i = 0; i < n; i++) {
    pos[i] = (int32_t)bin[deg[i]];
    vert[pos[i]] = i;
    bin[deg[i]]++;
  }
  for (int64_t k = maxdeg; k >= 1; k--) bin[k] = bin[k - 1];
  bin[0] = 0;
  for (int32_t p = 0; p < n; p++) {
    int32_t v = vert[p];
    for (int64_t k = g->off[v]; k < g->off[v + 1]; k++) {
      int32_t u = g->adj[k];
      if (deg[u] > deg[v]) {
        int64_t du = deg[u];
        int32_t pu = pos[u], pw = (int32_t)bin[du], w = vert[pw];
        if (u != w) {
          pos[u] = pw;
          vert[pu] = w;
          pos[w] = pu;
          vert[pw] = u;
        }
        bin[du]++;
        deg[u]--;
      }
    }
  }
  for (int32_t i = 0; i < n; i++) out[i] = (double)deg[i];
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(deg);
  cn_free(vert);
  cn_free(pos);
  cn_free(bin);
  return st;
}

cn_status cn_graph_clustering(const cn_graph *g, double *out, cn_diag *d) {
  int32_t n = g->n;
  unsigned char *mark = cn_calloc((size_t)n + 1, 1);
  if (!mark) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int32_t i = 0; i < n; i++) {
    int64_t k = g->off[i + 1] - g->off[i];
    if (k < 2) {
      out[i] = NAN;
      continue;
    }
    for (int64_t a = g->off[i]; a < g->off[i + 1]; a++) mark[g->adj[a]] = 1;
    int64_t links = 0; /* each link among neighbours is seen twice */
    for (int64_t a = g->off[i]; a < g->off[i + 1]; a++) {
      int32_t q = g->adj[a];
      for (int64_t b = g->off[q]; b < g->off[q + 1]; b++) links += mark[g->adj[b]];
    }
    for (int64_t a = g->off[i]; a < g->off[i + 1]; a++) mark[g->adj[a]] = 0;
    out[i] = (double)links / ((double)k * (double)(k - 1));
  }
  cn_free(mark);
  return CN_OK;
}

cn_status cn_graph_components(const cn_graph *g, int32_t *comp, int32_t *size,
                              int32_t *ncomp, cn_diag *d) {
  int32_t n = g->n, nc = 0;
  int32_t *queue = cn_malloc((size_t)n * sizeof *queue + 1);
  if (!queue) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int32_t i = 0; i < n; i++) comp[i] = -1;
  for (int32_t s = 0; s < n; s++) {
    if (comp[s] >= 0) continue;
    int32_t head = 0, tail = 0;
    queue[tail++] = s;
    comp[s] = nc;
    while (head < tail) {
      int32_t v = queue[head++];
      for (int64_t k = g->off[v]; k < g->off[v + 1]; k++)
        if (comp[g->adj[k]] < 0) {
          comp[g->adj[k]] = nc;
          queue[tail++] = g->adj[k];
        }
    }
    for (int32_t k = 0; k < tail; k++) size[queue[k]] = tail;
    nc++;
  }
  if (ncomp) *ncomp = nc;
  cn_free(queue);
  return CN_OK;
}

cn_status cn__graph_igraph(const cn_graph *g, igraph_t *ig, igraph_vector_t *w, cn_diag *d) {
  igraph_vector_int_t edges;
  if (igraph_vector_int_init(&edges, 2 * g->m)) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  if (w && igraph_vector_init(w, g->m)) {
    igraph_vector_int_destroy(&edges);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  int64_t e = 0;
  for (int32_t i = 0; i < g->n; i++)
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++)
      if (g->adj[k] > i) {
        VECTOR(edges)[2 * e] = i;
        VECTOR(edges)[2 * e + 1] = g->adj[k];
        if (w) VECTOR(*w)[e] = g->wt[k];
        e++;
      }
  cn_status st = CN_OK;
  if (igraph_create(ig, &edges, g->n, IGRAPH_UNDIRECTED)) {
    st = cn_diag_set(d, CN_EINTERNAL, "igraph could not build the graph");
    if (w) igraph_vector_destroy(w);
  }
  igraph_vector_int_destroy(&edges);
  return st;
}

/* igraph computes it (ARPACK); called from one thread only, as Debian's
 * igraph is not thread-safe. */
cn_status cn_graph_eigenvector(const cn_graph *g, double *out, cn_diag *d) {
  igraph_t ig;
  igraph_vector_t w, vec;
  igraph_real_t value;
  cn_status st = CN_OK;
  bool have_g = false, have_v = false;
  if (g->n == 0) return CN_OK;
  if (igraph_vector_init(&vec, g->n)) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  have_v = true;
  if ((st = cn__graph_igraph(g, &ig, &w, d)) != CN_OK) goto done;
  have_g = true;
  igraph_arpack_options_t opt;
  igraph_arpack_options_init(&opt);
  if (igraph_eigenvector_centrality(&ig, &vec, &value, 0, 1, &w, &opt)) {
    st = cn_diag_set(d, CN_EANALYSIS, "eigenvector centrality did not converge");
    goto done;
  }
  for (int32_t i = 0; i < g->n; i++) out[i] = VECTOR(vec)[i];
done:
  if (have_g) igraph_destroy(&ig), igraph_vector_destroy(&w);
  if (have_v) igraph_vector_destroy(&vec);
  return st;
}
