/* lib/net/graph_int.h — the graph's compressed sparse rows (not public). */
#ifndef CN_GRAPH_INT_H
#define CN_GRAPH_INT_H

#include "../base/base_int.h"
#include "coinnet/net.h"

/* Each undirected edge is stored in both rows; the neighbours of node i are
 * adj[off[i] .. off[i+1]) in increasing order, with weights wt[...]. */
struct cn_graph {
  int32_t n;
  int64_t m;     /* distinct undirected edges */
  int64_t *off;  /* n + 1 */
  int32_t *adj;  /* 2m */
  double *wt;    /* 2m */
  double total;  /* Σ weights of distinct edges */
};

/* Test hooks of betweenness.c: cn__bc_wide -1 picks the AVX-512 kernel when
 * the CPU has it, 0 or 1 force it; int16 levels are used only while
 * distances stay below cn__bc_lev16. */
extern int cn__bc_wide, cn__bc_lev16;

#endif
