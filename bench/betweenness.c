/* bench/betweenness.c — exact unweighted betweenness on a preferential-
 * attachment graph (each new node links to M earlier ones, chosen in
 * proportion to degree): coinnet with 1 and 2 threads against igraph 0.10
 * on the same graph in the same run, with the largest relative difference.
 * Usage: betweenness N M */
#include <igraph.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "coinnet.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int32_t n = argc > 1 ? atoi(argv[1]) : 10000, per = argc > 2 ? atoi(argv[2]) : 2;
  cn_diag d;
  cn_init(&d);
  cn_rng r;
  cn_rng_seed(&r, 2026, 1);
  int64_t cap = (int64_t)n * per;
  int32_t *u = malloc((size_t)cap * sizeof *u), *v = malloc((size_t)cap * sizeof *v);
  int32_t *ends = malloc(2 * (size_t)cap * sizeof *ends);
  int64_t m = 0, ne = 0;
  for (int32_t i = 1; i < n; i++) {
    int k = i < per ? i : per;
    for (int j = 0; j < k; j++) {
      int32_t t;
      int tries = 0;
      do { /* degree-proportional target, no repeats */
        t = ne ? ends[cn_rng_below(&r, (uint64_t)ne)] : 0;
        if (++tries > 50) t = (int32_t)cn_rng_below(&r, (uint64_t)i);
        bool dup = false;
        for (int64_t q = m - j; q < m; q++) dup |= v[q] == t;
        if (!dup) break;
      } while (1);
      u[m] = i;
      v[m] = t;
      m++;
    }
    for (int64_t q = m - k; q < m; q++) ends[ne++] = u[q], ends[ne++] = v[q];
  }
  cn_graph *g = NULL;
  if (cn_graph_from_edges(n, m, u, v, NULL, &g, &d) != CN_OK) return 4;
  double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
  double t0 = now();
  cn_graph_betweenness(g, CN_BC_BINARY, 1, 1, a, &d);
  double t1 = now();
  cn_graph_betweenness(g, CN_BC_BINARY, 1, 2, b, &d);
  double t2 = now();
  igraph_t ig;
  igraph_vector_int_t ev;
  igraph_vector_int_init(&ev, 2 * m);
  for (int64_t k = 0; k < m; k++) VECTOR(ev)[2 * k] = u[k], VECTOR(ev)[2 * k + 1] = v[k];
  igraph_create(&ig, &ev, n, IGRAPH_UNDIRECTED);
  igraph_vector_t res;
  igraph_vector_init(&res, n);
  double t3 = now();
  igraph_betweenness(&ig, &res, igraph_vss_all(), IGRAPH_UNDIRECTED, NULL);
  double t4 = now();
  double maxrel = 0;
  for (int32_t i = 0; i < n; i++) {
    double x = VECTOR(res)[i], rel = fabs(a[i] - x) / fmax(1, fabs(x));
    if (rel > maxrel) maxrel = rel;
  }
  printf("nodes=%d edges=%lld coinnet_1thread=%.3fs coinnet_2threads=%.3fs igraph=%.3fs "
         "speedup_1=%.2f speedup_2=%.2f max_rel_diff=%.2e\n",
         n, (long long)cn_graph_m(g), t1 - t0, t2 - t1, t4 - t3, (t4 - t3) / (t1 - t0),
         (t4 - t3) / (t2 - t1), maxrel);
  return maxrel < 1e-9 ? 0 : 1;
}
