/* lib/net/betweenness.c — exact betweenness (Brandes 2001) on the CSR graph.
 *
 * Sources are split into a fixed number of blocks that depends only on the
 * graph's size; each block adds its sources' dependencies, in source order,
 * into its own accumulator, and the blocks are summed in block order. Threads
 * take whole blocks, so the result is the same for any thread count.
 * Predecessors are not stored: in the backward pass a neighbour v of w is a
 * predecessor when it was settled earlier on a shortest path to w. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "graph_int.h"

#define BC_EPS 1e-10 /* igraph's relative tolerance for equal path lengths */

typedef struct work {
  int32_t *order; /* nodes in the order they were settled */
  int32_t *rank;  /* position in order, -1 when unreached */
  double *sigma, *delta, *dist;
  int32_t *heap;     /* Dijkstra: binary heap of nodes */
  int32_t *heap_pos; /* position of a node in heap, -1 when not in it */
  int32_t *level;    /* BFS level, -1 when unreached */
} work;

static bool same_length(double a, double b) {
  return fabs(a - b) <= BC_EPS * fmax(fabs(a), fabs(b));
}

/* One BFS source: levels in an int32 array (-1 = unreached) keep the hot
 * loops small; then adds the dependencies of s into acc. */
static void source_binary(const cn_graph *g, const double *om, int32_t s, work *w,
                          double *acc) {
  int32_t head = 0, tail = 0, *lev = w->level, *order = w->order;
  double *sigma = w->sigma, *delta = w->delta;
  const int64_t *off = g->off;
  const int32_t *adj = g->adj;
  order[tail++] = s;
  lev[s] = 0;
  sigma[s] = 1;
  while (head < tail) {
    int32_t v = order[head++], lv = lev[v] + 1;
    double sv = sigma[v];
    for (int64_t k = off[v]; k < off[v + 1]; k++) {
      int32_t u = adj[k];
      if (lev[u] < 0) {
        lev[u] = lv;
        order[tail++] = u;
        sigma[u] = sv;
      } else if (lev[u] == lv) {
        sigma[u] += sv;
      }
    }
  }
  for (int32_t p = tail - 1; p > 0; p--) {
    int32_t u = order[p], lu = lev[u] - 1;
    double coeff = (om[u] + delta[u]) / sigma[u];
    for (int64_t k = off[u]; k < off[u + 1]; k++) {
      int32_t v = adj[k];
      if (lev[v] == lu) delta[v] += sigma[v] * coeff;
    }
    acc[u] += om[s] * delta[u];
  }
  for (int32_t p = 0; p < tail; p++) {
    int32_t u = order[p];
    lev[u] = -1;
    delta[u] = 0;
  }
}

static void heap_up(work *w, int32_t i) {
  int32_t *h = w->heap;
  while (i > 0) {
    int32_t p = (i - 1) / 2;
    if (w->dist[h[p]] <= w->dist[h[i]]) break;
    int32_t t = h[p];
    h[p] = h[i];
    h[i] = t;
    w->heap_pos[h[p]] = p;
    w->heap_pos[h[i]] = i;
    i = p;
  }
}

static int32_t heap_pop(work *w, int32_t *size) {
  int32_t *h = w->heap, top = h[0];
  h[0] = h[--*size];
  w->heap_pos[h[0]] = 0;
  w->heap_pos[top] = -1;
  int32_t i = 0;
  for (;;) {
    int32_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < *size && w->dist[h[l]] < w->dist[h[m]]) m = l;
    if (r < *size && w->dist[h[r]] < w->dist[h[m]]) m = r;
    if (m == i) break;
    int32_t t = h[m];
    h[m] = h[i];
    h[i] = t;
    w->heap_pos[h[m]] = m;
    w->heap_pos[h[i]] = i;
    i = m;
  }
  return top;
}

/* One Dijkstra source with lengths len[k] per CSR slot. */
static void source_weighted(const cn_graph *g, const double *len, const double *om,
                            int32_t s, work *w, double *acc) {
  int32_t hsize = 0, settled = 0;
  w->dist[s] = 0;
  w->sigma[s] = 1;
  w->heap[hsize] = s;
  w->heap_pos[s] = hsize++;
  w->rank[s] = -2; /* -2: reached, not settled */
  while (hsize > 0) {
    int32_t v = heap_pop(w, &hsize);
    w->rank[v] = settled;
    w->order[settled++] = v;
    for (int64_t k = g->off[v]; k < g->off[v + 1]; k++) {
      int32_t u = g->adj[k];
      if (w->rank[u] >= 0) continue;
      double alt = w->dist[v] + len[k];
      if (w->rank[u] == -1) {
        w->rank[u] = -2;
        w->dist[u] = alt;
        w->sigma[u] = w->sigma[v];
        w->heap[hsize] = u;
        w->heap_pos[u] = hsize++;
        heap_up(w, w->heap_pos[u]);
      } else if (same_length(alt, w->dist[u])) {
        w->sigma[u] += w->sigma[v];
      } else if (alt < w->dist[u]) {
        w->dist[u] = alt;
        w->sigma[u] = w->sigma[v];
        heap_up(w, w->heap_pos[u]);
      }
    }
  }
  for (int32_t p = settled - 1; p > 0; p--) {
    int32_t u = w->order[p];
    double coeff = (om[u] + w->delta[u]) / w->sigma[u];
    for (int64_t k = g->off[u]; k < g->off[u + 1]; k++) {
      int32_t v = g->adj[k];
      if (w->rank[v] >= 0 && w->rank[v] < p && same_length(w->dist[v] + len[k], w->dist[u]))
        w->delta[v] += w->sigma[v] * coeff;
    }
    acc[u] += om[s] * w->delta[u];
  }
  for (int32_t p = 0; p < settled; p++) {
    int32_t u = w->order[p];
    w->rank[u] = -1;
    w->delta[u] = 0;
  }
}

/* Brandes on g where node i stands for om[i] original nodes (itself and the
 * trees folded into it): sources count om[s] times, targets om[t] times. */
static cn_status brandes(const cn_graph *g, const double *om, cn_bc_weights mode,
                         double alpha, int threads, double *out, cn_diag *d) {
  int32_t n = g->n;
  cn_status st = CN_OK;
  double *len = NULL, *acc = NULL;
  work *ws = NULL;
  if (n == 0) return CN_OK;
  if (threads <= 0) threads = omp_get_max_threads();
  /* blocks: at most 64, and at most 2^25 accumulator cells in all */
  int32_t nblocks = n < 64 ? n : 64;
  while (nblocks > 1 && (int64_t)nblocks * n > (1 << 25)) nblocks /= 2;
  if (threads > nblocks) threads = nblocks;
  acc = cn_calloc((size_t)nblocks * (size_t)n, sizeof *acc);
  ws = cn_calloc((size_t)threads, sizeof *ws);
  if (!acc || !ws) goto oom;
  if (mode == CN_BC_INV) {
    len = cn_malloc((size_t)(g->off[n] + 1) * sizeof *len);
    if (!len) goto oom;
    for (int64_t k = 0; k < g->off[n]; k++)
      len[k] = alpha == 1.0 ? 1.0 / g->wt[k] : pow(1.0 / g->wt[k], alpha);
  }
  for (int t = 0; t < threads; t++) {
    work *w = &ws[t];
    w->order = cn_malloc((size_t)n * sizeof(int32_t));
    w->rank = cn_malloc((size_t)n * sizeof(int32_t));
    w->sigma = cn_malloc((size_t)n * sizeof(double));
    w->delta = cn_calloc((size_t)n, sizeof(double));
    w->dist = cn_malloc((size_t)n * sizeof(double));
    w->heap = cn_malloc((size_t)n * sizeof(int32_t));
    w->heap_pos = cn_malloc((size_t)n * sizeof(int32_t));
    w->level = cn_malloc((size_t)n * sizeof(int32_t));
    if (!w->order || !w->rank || !w->sigma || !w->delta || !w->dist || !w->heap ||
        !w->heap_pos || !w->level)
      goto oom;
    for (int32_t i = 0; i < n; i++) w->rank[i] = w->level[i] = -1;
  }
  int32_t done_blocks = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int32_t b = 0; b < nblocks; b++) {
    work *w = &ws[omp_get_thread_num()];
    double *a = acc + (size_t)b * (size_t)n;
    int32_t s0 = (int32_t)((int64_t)n * b / nblocks), s1 = (int32_t)((int64_t)n * (b + 1) / nblocks);
    for (int32_t s = s0; s < s1; s++) {
      if (mode == CN_BC_INV) source_weighted(g, len, om, s, w, a);
      else source_binary(g, om, s, w, a);
    }
    if (omp_get_thread_num() == 0) {
      int32_t k;
#pragma omp atomic read
      k = done_blocks;
      cn__progress("betweenness", (double)k, (double)nblocks);
    }
#pragma omp atomic
    done_blocks++;
  }
  for (int32_t i = 0; i < n; i++) {
    double s = 0;
    for (int32_t b = 0; b < nblocks; b++) s += acc[(size_t)b * (size_t)n + (size_t)i];
    out[i] = s / 2; /* every unordered pair was counted from both ends */
  }
  cn__progress("betweenness", (double)nblocks, (double)nblocks);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (int t = 0; ws && t < threads; t++) {
    cn_free(ws[t].order);
    cn_free(ws[t].rank);
    cn_free(ws[t].sigma);
    cn_free(ws[t].delta);
    cn_free(ws[t].dist);
    cn_free(ws[t].heap);
    cn_free(ws[t].heap_pos);
    cn_free(ws[t].level);
  }
  cn_free(ws);
  cn_free(acc);
  cn_free(len);
  return st;
}

typedef struct node_deg {
  int32_t deg, id;
} node_deg;

static int cmp_deg_desc(const void *a, const void *b) {
  const node_deg *x = a, *y = b;
  if (x->deg != y->deg) return x->deg < y->deg ? 1 : -1;
  return (x->id > y->id) - (x->id < y->id);
}

/* Folds degree-1 nodes into their neighbours (Baglioni, Geraci, Pellegrini &
 * Lastres 2012): a pendant tree's shortest paths are unique, so its
 * betweenness is counted exactly here and the rest of the graph carries the
 * tree as a node weight. For a node v representing om(v) nodes of a
 * component of c nodes, the pairs from its tree to the outside add
 * (om(v) − 1)(c − om(v)); pairs between two trees hung on v add
 * om(a)·om(b). Brandes then runs on what remains, with node weights. */
cn_status cn_graph_betweenness(const cn_graph *g, cn_bc_weights mode, double alpha,
                               int threads, double *out, cn_diag *d) {
  int32_t n = g->n;
  cn_status st = CN_OK;
  int32_t *comp = NULL, *csize = NULL, *deg = NULL, *queue = NULL, *newid = NULL;
  double *om = NULL, *rom = NULL, *rout = NULL;
  cn_graph r = {0};
  if (n == 0) return CN_OK;
  comp = cn_malloc((size_t)n * sizeof *comp);
  csize = cn_malloc((size_t)n * sizeof *csize);
  deg = cn_malloc((size_t)n * sizeof *deg);
  queue = cn_malloc((size_t)n * sizeof *queue);
  newid = cn_malloc((size_t)n * sizeof *newid);
  om = cn_malloc((size_t)n * sizeof *om);
  if (!comp || !csize || !deg || !queue || !newid || !om) goto oom;
  if ((st = cn_graph_components(g, comp, csize, NULL, d)) != CN_OK) goto done;
  int32_t qn = 0;
  for (int32_t i = 0; i < n; i++) {
    deg[i] = (int32_t)(g->off[i + 1] - g->off[i]);
    om[i] = 1;
    out[i] = 0;
    newid[i] = 0; /* 0: kept, -1: folded */
    if (deg[i] == 1) queue[qn++] = i;
  }
  for (int32_t q = 0; q < qn; q++) {
    int32_t u = queue[q], v = -1;
    if (deg[u] != 1) continue; /* the last node of a tree keeps degree 0 */
    for (int64_t k = g->off[u]; k < g->off[u + 1] && v < 0; k++)
      if (newid[g->adj[k]] == 0) v = g->adj[k];
    newid[u] = -1;
    deg[u] = 0;
    out[u] += (om[u] - 1) * ((double)csize[u] - om[u]);
    out[v] += om[u] * (om[v] - 1);
    om[v] += om[u];
    if (--deg[v] == 1) queue[qn++] = v;
  }
  /* the reduced graph on the kept nodes, renumbered in breadth-first order
   * from the best-connected node: neighbours get nearby numbers, so the
   * sweeps stay in cache */
  int32_t nr = 0;
  int64_t mr = 0;
  node_deg *byd = cn_malloc(((size_t)n + 1) * sizeof *byd);
  if (!byd) goto oom;
  for (int32_t i = 0; i < n; i++)
    if (newid[i] == 0) {
      out[i] += (om[i] - 1) * ((double)csize[i] - om[i]);
      newid[i] = -2; /* kept, not numbered yet */
      byd[nr++] = (node_deg){deg[i], i};
      mr += deg[i];
    }
  qsort(byd, (size_t)nr, sizeof *byd, cmp_deg_desc);
  int32_t next = 0;
  for (int32_t b = 0; b < nr; b++) {
    if (newid[byd[b].id] != -2) continue;
    int32_t head = next;
    queue[next] = byd[b].id;
    newid[byd[b].id] = next++;
    while (head < next) {
      int32_t v = queue[head++];
      for (int64_t k = g->off[v]; k < g->off[v + 1]; k++)
        if (newid[g->adj[k]] == -2) {
          queue[next] = g->adj[k];
          newid[g->adj[k]] = next++;
        }
    }
  }
  cn_free(byd);
  r.n = nr;
  r.off = cn_malloc(((size_t)nr + 1) * sizeof *r.off);
  r.adj = cn_malloc(((size_t)mr + 1) * sizeof *r.adj);
  r.wt = cn_malloc(((size_t)mr + 1) * sizeof *r.wt);
  rom = cn_malloc(((size_t)nr + 1) * sizeof *rom);
  rout = cn_malloc(((size_t)nr + 1) * sizeof *rout);
  if (!r.off || !r.adj || !r.wt || !rom || !rout) goto oom;
  int64_t k2 = 0;
  for (int32_t p = 0; p < nr; p++) {
    int32_t i = queue[p];
    r.off[p] = k2;
    rom[p] = om[i];
    for (int64_t k = g->off[i]; k < g->off[i + 1]; k++)
      if (newid[g->adj[k]] >= 0) {
        r.adj[k2] = newid[g->adj[k]];
        r.wt[k2++] = g->wt[k];
      }
  }
  r.off[nr] = k2;
  r.m = k2 / 2;
  if ((st = brandes(&r, rom, mode, alpha, threads, rout, d)) != CN_OK) goto done;
  for (int32_t i = 0; i < n; i++)
    if (newid[i] >= 0) out[i] += rout[newid[i]];
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(comp);
  cn_free(csize);
  cn_free(deg);
  cn_free(queue);
  cn_free(newid);
  cn_free(om);
  cn_free(rom);
  cn_free(rout);
  cn_free(r.off);
  cn_free(r.adj);
  cn_free(r.wt);
  return st;
}
