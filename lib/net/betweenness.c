/* lib/net/betweenness.c — exact betweenness (Brandes 2001) on the CSR graph.
 *
 * Sources are split into a fixed number of blocks that depends only on the
 * graph's size; each block adds its sources' dependencies, in source order,
 * into its own accumulator, and the blocks are summed in block order. Threads
 * take whole blocks, so the result is the same for any thread count.
 * Predecessors are not stored: in the backward pass a neighbour v of w is a
 * predecessor when it was settled earlier on a shortest path to w.
 *
 * Unweighted graphs run BC_LANES sources at once (batched Brandes, as in
 * Then et al. 2016): each node holds a small vector of levels and one of
 * path counts, one lane per source, and a level-synchronous sweep touches
 * a node once per distinct level it has among the batch's sources, not
 * once per source. Lanes never mix, every lane sees the same operations in
 * the same order as every other build of this file (no FMA contraction:
 * -ffp-contract=off), so the values do not depend on the CPU's vector width
 * nor on the thread count. */
#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "graph_int.h"

#define BC_EPS 1e-10 /* igraph's relative tolerance for equal path lengths */

#define BC_LANES 8
typedef int32_t bc_vlev __attribute__((vector_size(4 * BC_LANES)));
typedef int64_t bc_vmask __attribute__((vector_size(8 * BC_LANES)));
typedef double bc_vnum __attribute__((vector_size(8 * BC_LANES)));

typedef struct work {
  bc_vlev *vlev;  /* batch: level per lane, -1 = unreached */
  bc_vnum *vnum;  /* batch: σ per lane, replaced by (ω + δ)/σ once settled */
  int32_t *list;  /* batch: nodes by level (a node once per distinct level) */
  int32_t *lstart; /* batch: where each level starts in list */
  void *vlev_mem, *vnum_mem; /* the allocations behind vlev and vnum */
  int32_t *order; /* nodes in the order they were settled */
  int32_t *rank;  /* position in order, -1 when unreached */
  double *sigma, *delta, *dist;
  int32_t *heap;     /* Dijkstra: binary heap of nodes */
  int32_t *heap_pos; /* position of a node in heap, -1 when not in it */
} work;

static bool same_length(double a, double b) {
  return fabs(a - b) <= BC_EPS * fmax(fabs(a), fabs(b));
}

/* -1: pick the AVX-512 kernel when the CPU has it; 0/1 force (tests) */
int cn__bc_wide = -1;

/* int16 levels hold distances below this (tests lower it) */
int cn__bc_lev16 = 32000;

/* Whether every BFS level fits int16: in each component, distances are at
 * most twice the eccentricity of any of its nodes. queue and seen are n
 * scratch ints; seen comes back all -1. */
static bool levels_fit16(const cn_graph *g, int32_t *queue, int32_t *seen) {
  int32_t n = g->n, worst = 0;
  for (int32_t r = 0; r < n; r++) {
    if (seen[r] >= 0) continue;
    int32_t head = 0, tail = 0;
    queue[tail++] = r;
    seen[r] = 0;
    while (head < tail) {
      int32_t v = queue[head++];
      if (seen[v] > worst) worst = seen[v];
      for (int64_t k = g->off[v]; k < g->off[v + 1]; k++)
        if (seen[g->adj[k]] < 0) {
          seen[g->adj[k]] = seen[v] + 1;
          queue[tail++] = g->adj[k];
        }
    }
  }
  for (int32_t i = 0; i < n; i++) seen[i] = -1;
  return 2 * (int64_t)worst < cn__bc_lev16;
}

/* p rounded up to a multiple of 64 bytes (NULL stays NULL) */
static void *align64(void *p) {
  return p ? (void *)(((uintptr_t)p + 63) & ~(uintptr_t)63) : NULL;
}

static bool lanes_any(const bc_vlev *x) {
  uint64_t w[sizeof *x / 8];
  memcpy(w, x, sizeof *x);
  uint64_t o = 0;
  for (size_t i = 0; i < sizeof w / sizeof *w; i++) o |= w[i];
  return o != 0;
}

/* Sources s0 .. s0+nb-1 (nb <= BC_LANES) by breadth-first search in lanes;
 * adds their dependencies into acc and leaves w's batch arrays clean. */
static void batch_binary(const cn_graph *g, const double *om, int32_t s0, int nb, work *w,
             double *acc) {
  bc_vlev *lev = w->vlev, none = (bc_vlev){0} - 1;
  bc_vnum *num = w->vnum;
  int32_t *list = w->list, *lstart = w->lstart, total = 0, d;
  const int64_t *off = g->off;
  const int32_t *adj = g->adj;
  for (int b = 0; b < nb; b++) {
    lev[s0 + b][b] = 0;
    num[s0 + b][b] = 1;
    list[total++] = s0 + b;
  }
  lstart[0] = 0;
  lstart[1] = total;
  /* forward: level d's nodes push σ to the lanes where a neighbour is new
   * or already at d + 1 */
  for (d = 0; lstart[d] < lstart[d + 1]; d++) {
    bc_vlev dv = (bc_vlev){0} + d, d1 = dv + 1;
    for (int32_t i = lstart[d]; i < lstart[d + 1]; i++) {
      int32_t v = list[i];
      bc_vlev on = lev[v] == dv;
      bc_vnum sv = num[v];
      for (int64_t k = off[v]; k < off[v + 1]; k++) {
        int32_t u = adj[k];
        bc_vlev lu = lev[u], at1 = lu == d1, hit = ((lu == none) | at1) & on;
        bc_vmask hm = __builtin_convertvector(hit, bc_vmask);
        lev[u] = (d1 & hit) | (lu & ~hit);
        num[u] += (bc_vnum)((bc_vmask)sv & hm);
        /* u joins level d + 1's list when it gets its first lane there */
        int add = lanes_any(&hit) & !lanes_any(&at1);
        list[total] = u; /* branch-free append: kept only when add */
        total += add;
      }
    }
    lstart[d + 2] = total;
  }
  /* backward, deepest level first: δ(v) = σ(v) Σ_{successors u} (ω(u) +
   * δ(u))/σ(u); level 0 holds only the sources, which add nothing */
  for (int32_t dd = d - 1; dd >= 1; dd--) {
    bc_vlev dv = (bc_vlev){0} + dd, d1 = dv + 1;
    for (int32_t i = lstart[dd + 1] - 1; i >= lstart[dd]; i--) {
      int32_t v = list[i];
      bc_vlev on = lev[v] == dv;
      bc_vnum sum = {0};
      for (int64_t k = off[v]; k < off[v + 1]; k++) {
        int32_t u = adj[k];
        bc_vmask succ = __builtin_convertvector(lev[u] == d1, bc_vmask);
        sum += (bc_vnum)((bc_vmask)num[u] & succ);
      }
      bc_vmask onm = __builtin_convertvector(on, bc_vmask);
      bc_vnum sg = num[v], dl = sg * sum, c = ((bc_vnum){0} + om[v] + dl) / sg;
      num[v] = (bc_vnum)(((bc_vmask)c & onm) | ((bc_vmask)sg & ~onm));
      double t = 0;
      for (int b = 0; b < nb; b++)
        if (on[b]) t += om[s0 + b] * dl[b];
      acc[v] += t;
    }
  }
  for (int32_t i = 0; i < total; i++) {
    int32_t v = list[i];
    lev[v] = none;
    num[v] = (bc_vnum){0};
  }
}

/* batch_binary with AVX-512 mask registers: the same operations lane by
 * lane (a masked add leaves a lane as the generic code's +0.0 does), so the
 * two give identical values. */
__attribute__((target("avx512f,avx512vl,avx512bw"))) static void
batch_binary_avx512(const cn_graph *g, const double *om, int32_t s0, int nb, work *w,
                    double *acc) {
  int16_t(*lev)[BC_LANES] = (int16_t(*)[BC_LANES])(void *)w->vlev;
  bc_vnum *num = w->vnum;
  int32_t *list = w->list, *lstart = w->lstart, total = 0, d;
  const int64_t *off = g->off;
  const int32_t *adj = g->adj;
  const __m128i none = _mm_set1_epi16(-1);
  for (int b = 0; b < nb; b++) {
    lev[s0 + b][b] = 0;
    num[s0 + b][b] = 1;
    list[total++] = s0 + b;
  }
  lstart[0] = 0;
  lstart[1] = total;
  for (d = 0; lstart[d] < lstart[d + 1]; d++) {
    const __m128i dv = _mm_set1_epi16((int16_t)d), d1 = _mm_set1_epi16((int16_t)(d + 1));
    for (int32_t i = lstart[d]; i < lstart[d + 1]; i++) {
      int32_t v = list[i];
      __mmask8 on = _mm_cmpeq_epi16_mask(_mm_load_si128((const __m128i *)&lev[v]), dv);
      __m512d sv = _mm512_load_pd(&num[v]);
      for (int64_t k = off[v]; k < off[v + 1]; k++) {
        int32_t u = adj[k];
        __m128i lu = _mm_load_si128((const __m128i *)&lev[u]);
        __mmask8 at1 = _mm_cmpeq_epi16_mask(lu, d1);
        __mmask8 hit = (__mmask8)((_mm_cmpeq_epi16_mask(lu, none) | at1) & on);
        _mm_mask_storeu_epi16(&lev[u], hit, d1);
        __m512d nu = _mm512_load_pd(&num[u]);
        _mm512_store_pd(&num[u], _mm512_mask_add_pd(nu, hit, nu, sv));
        int add = (hit != 0) & (at1 == 0);
        list[total] = u;
        total += add;
      }
    }
    lstart[d + 2] = total;
  }
  for (int32_t dd = d - 1; dd >= 1; dd--) {
    const __m128i dv = _mm_set1_epi16((int16_t)dd), d1 = _mm_set1_epi16((int16_t)(dd + 1));
    for (int32_t i = lstart[dd + 1] - 1; i >= lstart[dd]; i--) {
      int32_t v = list[i];
      __mmask8 on = _mm_cmpeq_epi16_mask(_mm_load_si128((const __m128i *)&lev[v]), dv);
      __m512d sum = _mm512_setzero_pd();
      for (int64_t k = off[v]; k < off[v + 1]; k++) {
        int32_t u = adj[k];
        __mmask8 succ =
            _mm_cmpeq_epi16_mask(_mm_load_si128((const __m128i *)&lev[u]), d1);
        sum = _mm512_mask_add_pd(sum, succ, sum, _mm512_load_pd(&num[u]));
      }
      __m512d sg = _mm512_load_pd(&num[v]), dl = _mm512_mul_pd(sg, sum);
      __m512d c = _mm512_div_pd(_mm512_add_pd(_mm512_set1_pd(om[v]), dl), sg);
      _mm512_store_pd(&num[v], _mm512_mask_blend_pd(on, sg, c));
      double dls[BC_LANES], t = 0;
      _mm512_storeu_pd(dls, dl);
      for (int b = 0; b < nb; b++)
        if (on >> b & 1) t += om[s0 + b] * dls[b];
      acc[v] += t;
    }
  }
  for (int32_t i = 0; i < total; i++) {
    int32_t v = list[i];
    _mm_store_si128((__m128i *)&lev[v], none);
    _mm512_store_pd(&num[v], _mm512_setzero_pd());
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
    if (!w->order || !w->rank || !w->sigma || !w->delta || !w->dist || !w->heap ||
        !w->heap_pos)
      goto oom;
    for (int32_t i = 0; i < n; i++) w->rank[i] = -1;
    if (mode != CN_BC_INV) {
      w->vlev_mem = cn_malloc((size_t)n * sizeof *w->vlev + 64);
      w->vnum_mem = cn_malloc((size_t)n * sizeof *w->vnum + 64);
      w->vlev = align64(w->vlev_mem);
      w->vnum = align64(w->vnum_mem);
      w->list = cn_malloc((size_t)n * BC_LANES * sizeof(int32_t));
      w->lstart = cn_malloc(((size_t)n + 2) * sizeof(int32_t));
      if (!w->vlev || !w->vnum || !w->list || !w->lstart) goto oom;
      for (int32_t i = 0; i < n; i++) {
        w->vlev[i] = (bc_vlev){0} - 1;
        w->vnum[i] = (bc_vnum){0};
      }
    }
  }
  int32_t done_blocks = 0;
  bool wide = cn__bc_wide >= 0 ? cn__bc_wide
                           : __builtin_cpu_supports("avx512f") &&
                                 __builtin_cpu_supports("avx512vl") &&
                                 __builtin_cpu_supports("avx512bw");
  if (wide && mode != CN_BC_INV && !levels_fit16(g, ws[0].order, ws[0].rank)) wide = false;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int32_t b = 0; b < nblocks; b++) {
    work *w = &ws[omp_get_thread_num()];
    double *a = acc + (size_t)b * (size_t)n;
    /* block edges on multiples of BC_LANES, so batches are full */
    int64_t nl = ((int64_t)n + BC_LANES - 1) / BC_LANES;
    int32_t s0 = (int32_t)(nl * b / nblocks * BC_LANES),
            s1 = (int32_t)(nl * (b + 1) / nblocks * BC_LANES);
    if (s0 > n) s0 = n;
    if (s1 > n) s1 = n;
    if (mode == CN_BC_INV)
      for (int32_t s = s0; s < s1; s++) source_weighted(g, len, om, s, w, a);
    else
      for (int32_t s = s0; s < s1; s += BC_LANES) {
        int nb = s1 - s < BC_LANES ? s1 - s : BC_LANES;
        if (wide) batch_binary_avx512(g, om, s, nb, w, a);
        else batch_binary(g, om, s, nb, w, a);
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
    cn_free(ws[t].vlev_mem);
    cn_free(ws[t].vnum_mem);
    cn_free(ws[t].list);
    cn_free(ws[t].lstart);
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
