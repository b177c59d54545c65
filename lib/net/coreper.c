/* lib/net/coreper.c — Borgatti & Everett (1999) core–periphery structure on
 * the binary graph (spec/network.md §4).
 *
 * Discrete model: the ideal pattern is 1 for core–core pairs and 0 for
 * periphery–periphery pairs, core–periphery pairs left out (UCINET's
 * default). Its fit ρ is the Pearson correlation of a_ij with that pattern,
 * which depends only on the core size k and the edges inside the core (Ecc)
 * and inside the periphery (Epp); moving one node changes them by its
 * neighbour counts, so every candidate move is priced in O(1). The search
 * starts from the best prefix of the degree order and then makes the best
 * improving single move until none is left (a Kernighan–Lin style descent;
 * deterministic, ties broken by node id). */
#include <math.h>
#include <stdlib.h>
#include "graph_int.h"

/* ρ for a core of k nodes of n, with ecc / epp edges inside core / periphery. */
static double fit(double n, double k, double ecc, double epp) {
  double ncc = k * (k - 1) / 2, npp = (n - k) * (n - k - 1) / 2, N = ncc + npp;
  double sa = ecc + epp, sd = ncc, sad = ecc;
  double va = N * sa - sa * sa, vd = N * sd - sd * sd;
  if (N <= 0 || va <= 0 || vd <= 0) return NAN;
  return (N * sad - sa * sd) / sqrt(va * vd);
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

cn_status cn_graph_core_periphery(const cn_graph *g, double *core, double *rho,
                                  int32_t *core_size, cn_diag *d) {
  int32_t n = g->n;
  cn_status st = CN_OK;
  deg_node *order = cn_malloc(((size_t)n + 1) * sizeof *order);
  int32_t *in_core = cn_calloc((size_t)n + 1, sizeof *in_core); /* core neighbours */
  unsigned char *c = cn_calloc((size_t)n + 1, 1);
  if (!order || !in_core || !c) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int32_t i = 0; i < n; i++) order[i] = (deg_node){g->off[i + 1] - g->off[i], i};
  qsort(order, (size_t)n, sizeof *order, by_degree);
  /* best prefix of the degree order */
  double ecc = 0, epp = (double)g->m, best = -INFINITY;
  int32_t bestk = 0;
  for (int32_t k = 1; k <= n; k++) {
    int32_t v = order[k - 1].id;
    double deg = (double)order[k - 1].deg, nc = in_core[v];
    ecc += nc;
    epp -= deg - nc;
    for (int64_t e = g->off[v]; e < g->off[v + 1]; e++) in_core[g->adj[e]]++;
    double r = fit(n, k, ecc, epp);
    if (r > best + 1e-12) {
      best = r;
      bestk = k;
    }
  }
  for (int32_t i = 0; i < n; i++) in_core[i] = 0;
  ecc = 0;
  epp = (double)g->m;
  double k = 0;
  for (int32_t p = 0; p < bestk; p++) {
    int32_t v = order[p].id;
    double deg = (double)order[p].deg;
    ecc += in_core[v];
    epp -= deg - in_core[v];
    c[v] = 1;
    k++;
    for (int64_t e = g->off[v]; e < g->off[v + 1]; e++) in_core[g->adj[e]]++;
  }
  /* best single moves while they improve ρ */
  for (int64_t it = 0; bestk > 0 && it < 10 * (int64_t)n + 10; it++) {
    double cur = fit(n, k, ecc, epp), gain = 1e-12;
    int32_t move = -1;
    for (int32_t v = 0; v < n; v++) {
      double deg = (double)(g->off[v + 1] - g->off[v]), nc = in_core[v], r;
      if (c[v]) r = fit(n, k - 1, ecc - nc, epp + (deg - nc));
      else r = fit(n, k + 1, ecc + nc, epp - (deg - nc));
      if (r - cur > gain) {
        gain = r - cur;
        move = v;
      }
    }
    if (move < 0) break;
    double deg = (double)(g->off[move + 1] - g->off[move]), nc = in_core[move];
    int step = c[move] ? -1 : 1;
    if (c[move]) ecc -= nc, epp += deg - nc;
    else ecc += nc, epp -= deg - nc;
    c[move] = (unsigned char)!c[move];
    k += step;
    for (int64_t e = g->off[move]; e < g->off[move + 1]; e++) in_core[g->adj[e]] += step;
  }
  if (rho) *rho = bestk > 0 ? fit(n, k, ecc, epp) : NAN;
  if (core_size) *core_size = (int32_t)k;
  for (int32_t i = 0; i < n; i++) core[i] = c[i];
done:
  cn_free(order);
  cn_free(in_core);
  cn_free(c);
  return st;
}

/* Continuous model: minimizes Σ_{i≠j} (a_ij − c_i c_j)² by the fixed point
 * c_i ← Σ_j a_ij c_j / Σ_{j≠i} c_j², started from eigenvector centrality;
 * *fit is the correlation of a_ij with c_i c_j over the pairs i < j. */
cn_status cn_graph_coreness_continuous(const cn_graph *g, double *cvec, double *fitp,
                                       cn_diag *d) {
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
  bin.wt = ones;
  if (n == 0) goto done;
  if ((st = cn_graph_eigenvector(&bin, cvec, d)) != CN_OK) goto done;
  for (int it = 0; it < 10000; it++) {
    double s2 = 0, change = 0;
    for (int32_t i = 0; i < n; i++) s2 += cvec[i] * cvec[i];
    for (int32_t i = 0; i < n; i++) {
      double num = 0, den = s2 - cvec[i] * cvec[i];
      for (int64_t k = g->off[i]; k < g->off[i + 1]; k++) num += cvec[g->adj[k]];
      next[i] = den > 0 ? num / den : 0;
    }
    for (int32_t i = 0; i < n; i++) {
      change = fmax(change, fabs(next[i] - cvec[i]));
      cvec[i] = next[i];
    }
    if (change < 1e-12) break;
  }
  if (fitp) {
    double sc = 0, sc2 = 0, sc4 = 0, sxy = 0, N = (double)n * (n - 1) / 2, E = (double)g->m;
    for (int32_t i = 0; i < n; i++) {
      sc += cvec[i];
      sc2 += cvec[i] * cvec[i];
      sc4 += pow(cvec[i], 4);
      for (int64_t k = g->off[i]; k < g->off[i + 1]; k++)
        if (g->adj[k] > i) sxy += cvec[i] * cvec[g->adj[k]];
    }
    double sy = (sc * sc - sc2) / 2, sy2 = (sc2 * sc2 - sc4) / 2;
    double va = N * E - E * E, vy = N * sy2 - sy * sy;
    *fitp = va > 0 && vy > 0 ? (N * sxy - E * sy) / sqrt(va * vy) : NAN;
  }
done:
  cn_free(next);
  cn_free(ones);
  return st;
}
