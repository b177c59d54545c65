/* lib/net/coreper.c — Borgatti & Everett (1999) core–periphery structure on
 * the binary graph, or on the valued one (a_ij = edge weight) on request
 * (spec/network.md §4).
 *
 * Discrete model: the ideal pattern is 1 for core–core pairs and 0 for
 * periphery–periphery pairs, core–periphery pairs left out (UCINET's
 * default). Its fit ρ is the Pearson correlation of a_ij with that pattern,
 * which depends only on the core size k and the sums of a_ij and a_ij²
 * inside the core and inside the periphery; moving one node changes them by
 * its sums towards the core, so every candidate move is priced in O(1). The search
 * starts from the best prefix of the degree order and then makes the best
 * improving single move until none is left (a Kernighan–Lin style descent;
 * deterministic, ties broken by node id). On the binary graph nodes with the
 * same (in core, degree, core neighbours) price alike, so each step prices
 * one bucket of them rather than every node (refine_binary). */
#include <math.h>
#include <stdlib.h>
#include "graph_int.h"

/* Sums of a_ij and a_ij² over the pairs inside the core (cc) and inside
 * the periphery (pp). */
typedef struct blocks {
  double wcc, wpp, qcc, qpp;
} blocks;

/* ρ for a core of k nodes of n with block sums b. */
static double fit(double n, double k, blocks b) {
  double ncc = k * (k - 1) / 2, npp = (n - k) * (n - k - 1) / 2, N = ncc + npp;
  double sa = b.wcc + b.wpp, sq = b.qcc + b.qpp, sd = ncc, sad = b.wcc;
  double va = N * sq - sa * sa, vd = N * sd - sd * sd;
  if (N <= 0 || va <= 0 || vd <= 0) return NAN;
  return (N * sad - sa * sd) / sqrt(va * vd);
}

/* b after node v (sums s, s2 of its a_ij and a_ij², nc, nc2 of those
 * towards the core) joins the core (join) or leaves it. */
static blocks moved(blocks b, bool join, double s, double s2, double nc, double nc2) {
  if (join) {
    b.wcc += nc, b.qcc += nc2;
    b.wpp -= s - nc, b.qpp -= s2 - nc2;
  } else {
    b.wcc -= nc, b.qcc -= nc2;
    b.wpp += s - nc, b.qpp += s2 - nc2;
  }
  return b;
}

typedef struct deg_node {
  int64_t deg;
  int32_t id;
} deg_node;

static int by_degree(const void *a, const void *b) {
  const deg_node *x = a, *y = b;
  if (x->deg != y->deg) return x->deg < y->deg ? 1 : -1;
  return (x->id > y->id) - (x->id < y->id);
}

/* The binary graph's refinement, the same moves as the scan over every
 * node (the best gain, ties to the lowest id) at a fraction of the cost:
 * when a_ij is 0/1 a move's ρ depends only on (in the core, degree, core
 * neighbours), so nodes with equal triples share a bucket, each iteration
 * prices one move per bucket, and a bucket's min-heap of node ids (stale
 * entries dropped when they reach the top) names its lowest id. s holds
 * the degrees and nc the core neighbours, as doubles; c, nc, *k and *b are
 * updated in place. */
typedef struct cp_bucket {
  int32_t *heap, len, cap;
  bool core;
  double deg, nc;
} cp_bucket;

typedef struct cp_buckets {
  cp_bucket *b;
  int32_t n, cap;
  cn_strmap keys; /* (core, degree, core neighbours) packed → bucket */
  int32_t *at;    /* node → its bucket now */
} cp_buckets;

/* Puts node v with triple (core, deg, nc) in its bucket; false when out of
 * memory. */
static bool bucket_put(cp_buckets *B, int32_t v, bool core, double deg, double nc) {
  int64_t key[3] = {core, (int64_t)deg, (int64_t)nc};
  int32_t id = cn__strmap_intern(&B->keys, (const char *)key, sizeof key);
  if (id < 0) return false;
  if (id == B->n) {
    if (B->n == B->cap) {
      int32_t cap = B->cap ? 2 * B->cap : 64;
      cp_bucket *nb = cn_reallocarray(B->b, (size_t)cap, sizeof *nb);
      if (!nb) return false;
      B->b = nb, B->cap = cap;
    }
    B->b[B->n++] = (cp_bucket){NULL, 0, 0, core, deg, nc};
  }
  cp_bucket *q = &B->b[id];
  if (q->len == q->cap) {
    int32_t cap = q->cap ? 2 * q->cap : 4;
    int32_t *nh = cn_reallocarray(q->heap, (size_t)cap, sizeof *nh);
    if (!nh) return false;
    q->heap = nh, q->cap = cap;
  }
  int32_t i = q->len++;
  while (i > 0 && q->heap[(i - 1) / 2] > v) {
    q->heap[i] = q->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  q->heap[i] = v;
  B->at[v] = id;
  return true;
}

/* Lowest node id now in bucket id, or -1 when it is empty. */
static int32_t bucket_min(cp_buckets *B, int32_t id) {
  cp_bucket *q = &B->b[id];
  while (q->len > 0 && B->at[q->heap[0]] != id) {
    int32_t last = q->heap[--q->len], i = 0;
    for (;;) {
      int32_t l = 2 * i + 1, m = l;
      if (l >= q->len) break;
      if (l + 1 < q->len && q->heap[l + 1] < q->heap[l]) m = l + 1;
      if (q->heap[m] >= last) break;
      q->heap[i] = q->heap[m];
      i = m;
    }
    if (q->len > 0) q->heap[i] = last;
  }
  return q->len > 0 ? q->heap[0] : -1;
}

static cn_status refine_binary(const cn_graph *g, unsigned char *c, const double *s, double *nc,
                               double *kp, blocks *bp, cn_diag *d) {
  int32_t n = g->n;
  cn_status st = CN_OK;
  cp_buckets B = {0};
  B.at = cn_malloc(((size_t)n + 1) * sizeof *B.at);
  bool ok = B.at != NULL;
  for (int32_t v = 0; ok && v < n; v++) ok = bucket_put(&B, v, c[v], s[v], nc[v]);
  double k = *kp;
  blocks b = *bp;
  for (int64_t it = 0; ok && it < 10 * (int64_t)n + 10; it++) {
    double cur = fit(n, k, b), gain = 1e-12;
    int32_t move = -1;
    for (int32_t id = 0; id < B.n; id++) {
      int32_t v = bucket_min(&B, id);
      if (v < 0) continue;
      const cp_bucket *q = &B.b[id];
      double r = fit(n, q->core ? k - 1 : k + 1, moved(b, !q->core, q->deg, q->deg, q->nc, q->nc));
      if (r - cur > gain || (move >= 0 && r - cur == gain && v < move)) {
        gain = r - cur;
        move = v;
      }
    }
    if (move < 0) break;
    int step = c[move] ? -1 : 1;
    b = moved(b, !c[move], s[move], s[move], nc[move], nc[move]);
    c[move] = (unsigned char)!c[move];
    k += step;
    ok = bucket_put(&B, move, c[move], s[move], nc[move]);
    for (int64_t e = g->off[move]; ok && e < g->off[move + 1]; e++) {
      int32_t u = g->adj[e];
      nc[u] += step;
      ok = bucket_put(&B, u, c[u], s[u], nc[u]);
    }
  }
  if (!ok) st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  *kp = k;
  *bp = b;
  for (int32_t id = 0; id < B.n; id++) cn_free(B.b[id].heap);
  cn_free(B.b);
  cn__strmap_free(&B.keys);
  cn_free(B.at);
  return st;
}

cn_status cn_graph_core_periphery(const cn_graph *g, bool valued, double *core,
                                  double *rho, int32_t *core_size, cn_diag *d) {
  int32_t n = g->n;
  cn_status st = CN_OK;
  deg_node *order = cn_malloc(((size_t)n + 1) * sizeof *order);
  double *nc = cn_calloc((size_t)n + 1, sizeof *nc);   /* Σ a_ij towards the core */
  double *nc2 = cn_calloc((size_t)n + 1, sizeof *nc2); /* Σ a_ij² towards the core */
  double *s = cn_calloc((size_t)n + 1, sizeof *s), *s2 = cn_calloc((size_t)n + 1, sizeof *s2);
  unsigned char *c = cn_calloc((size_t)n + 1, 1);
  if (!order || !nc || !nc2 || !s || !s2 || !c) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
#define A(e) (valued ? g->wt[e] : 1.0)
  blocks all = {0};
  for (int32_t i = 0; i < n; i++) {
    order[i] = (deg_node){g->off[i + 1] - g->off[i], i};
    for (int64_t e = g->off[i]; e < g->off[i + 1]; e++) {
      s[i] += A(e);
      s2[i] += A(e) * A(e);
    }
    all.wpp += s[i];
    all.qpp += s2[i];
  }
  all.wpp /= 2;
  all.qpp /= 2;
  /* the degree order (number of partners, also when valued) */
  qsort(order, (size_t)n, sizeof *order, by_degree);
  /* best prefix of the degree order */
  blocks b = all;
  double best = -INFINITY;
  int32_t bestk = 0;
  for (int32_t k = 1; k <= n; k++) {
    int32_t v = order[k - 1].id;
    b = moved(b, true, s[v], s2[v], nc[v], nc2[v]);
    for (int64_t e = g->off[v]; e < g->off[v + 1]; e++) {
      nc[g->adj[e]] += A(e);
      nc2[g->adj[e]] += A(e) * A(e);
    }
    double r = fit(n, k, b);
    if (r > best + 1e-12) {
      best = r;
      bestk = k;
    }
  }
  for (int32_t i = 0; i < n; i++) nc[i] = nc2[i] = 0;
  b = all;
  double k = 0;
  for (int32_t p = 0; p < bestk; p++) {
    int32_t v = order[p].id;
    b = moved(b, true, s[v], s2[v], nc[v], nc2[v]);
    c[v] = 1;
    k++;
    for (int64_t e = g->off[v]; e < g->off[v + 1]; e++) {
      nc[g->adj[e]] += A(e);
      nc2[g->adj[e]] += A(e) * A(e);
    }
  }
  /* best single moves while they improve ρ */
  if (bestk > 0 && !valued) {
    if ((st = refine_binary(g, c, s, nc, &k, &b, d)) != CN_OK) goto done;
  } else {
    for (int64_t it = 0; bestk > 0 && it < 10 * (int64_t)n + 10; it++) {
      double cur = fit(n, k, b), gain = 1e-12;
      int32_t move = -1;
      for (int32_t v = 0; v < n; v++) {
        double r = fit(n, c[v] ? k - 1 : k + 1, moved(b, !c[v], s[v], s2[v], nc[v], nc2[v]));
        if (r - cur > gain) {
          gain = r - cur;
          move = v;
        }
      }
      if (move < 0) break;
      int step = c[move] ? -1 : 1;
      b = moved(b, !c[move], s[move], s2[move], nc[move], nc2[move]);
      c[move] = (unsigned char)!c[move];
      k += step;
      for (int64_t e = g->off[move]; e < g->off[move + 1]; e++) {
        nc[g->adj[e]] += step * A(e);
        nc2[g->adj[e]] += step * A(e) * A(e);
      }
    }
  }
#undef A
  if (rho) *rho = bestk > 0 ? fit(n, k, b) : NAN;
  if (core_size) *core_size = (int32_t)k;
  for (int32_t i = 0; i < n; i++) core[i] = c[i];
done:
  cn_free(order);
  cn_free(nc);
  cn_free(nc2);
  cn_free(s);
  cn_free(s2);
  cn_free(c);
  return st;
}

/* Continuous model: minimizes Σ_{i≠j} (a_ij − c_i c_j)² by the fixed point
 * c_i ← Σ_j a_ij c_j / Σ_{j≠i} c_j², started from eigenvector centrality
 * (of the same graph, binary or valued);
 * *fit is the correlation of a_ij with c_i c_j over the pairs i < j. */
cn_status cn_graph_coreness_continuous(const cn_graph *g, bool valued, double *cvec,
                                       double *fitp, cn_diag *d) {
  int32_t n = g->n;
  cn_status st = CN_OK;
  double *next = cn_malloc(((size_t)n + 1) * sizeof *next);
  cn_graph bin = *g;
  double *ones = cn_malloc(((size_t)g->off[n] + 1) * sizeof *ones);
  if (!next || !ones) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int64_t k = 0; k < g->off[n]; k++) ones[k] = 1;
  if (!valued) bin.wt = ones;
  const double *a = bin.wt; /* a_ij per CSR slot */
  if (n == 0) goto done;
  if ((st = cn_graph_eigenvector(&bin, cvec, d)) != CN_OK) goto done;
  for (int it = 0; it < 10000; it++) {
    double s2 = 0, change = 0;
    for (int32_t i = 0; i < n; i++) s2 += cvec[i] * cvec[i];
    for (int32_t i = 0; i < n; i++) {
      double num = 0, den = s2 - cvec[i] * cvec[i];
      for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) num += a[k] * cvec[g->adj[k]];
      next[i] = den > 0 ? num / den : 0;
    }
    /* the update alone can swing between t·c and c/t; the best scale of the
     * new direction, t² = Σ_{i≠j} a_ij c_i c_j / Σ_{i≠j} c_i² c_j², stops it */
    double sa = 0, q2 = 0, q4 = 0;
    for (int32_t i = 0; i < n; i++) {
      q2 += next[i] * next[i];
      q4 += next[i] * next[i] * next[i] * next[i];
      for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) sa += a[k] * next[i] * next[g->adj[k]];
    }
    double t2 = q2 * q2 - q4 > 0 ? sa / (q2 * q2 - q4) : 0;
    double t = t2 > 0 ? sqrt(t2) : 0;
    for (int32_t i = 0; i < n; i++) {
      next[i] *= t;
      change = fmax(change, fabs(next[i] - cvec[i]));
      cvec[i] = next[i];
    }
    if (change < 1e-12) break;
  }
  if (fitp) {
    double sc = 0, sc2 = 0, sc4 = 0, sxy = 0, N = (double)n * (n - 1) / 2, E = 0, Q = 0;
    for (int32_t i = 0; i < n; i++) {
      sc += cvec[i];
      sc2 += cvec[i] * cvec[i];
      sc4 += pow(cvec[i], 4);
      for (int64_t k = g->off[i]; k < g->off[i + 1]; k++)
        if (g->adj[k] > i) {
          sxy += a[k] * cvec[i] * cvec[g->adj[k]];
          E += a[k];
          Q += a[k] * a[k];
        }
    }
    double sy = (sc * sc - sc2) / 2, sy2 = (sc2 * sc2 - sc4) / 2;
    double va = N * Q - E * E, vy = N * sy2 - sy * sy;
    *fitp = va > 0 && vy > 0 ? (N * sxy - E * sy) / sqrt(va * vy) : NAN;
  }
done:
  cn_free(next);
  cn_free(ones);
  return st;
}
