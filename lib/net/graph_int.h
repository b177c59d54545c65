/* lib/net/graph_int.h — the graph's compressed sparse rows (not public). */
#ifndef CN_GRAPH_INT_H
#define CN_GRAPH_INT_H

#include "../base/base_int.h"
#include <igraph.h>
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

/* igraph's copy of g (each edge once), with the weights in *w when w is
 * not NULL; the caller destroys both (nothing to destroy on an error). */
cn_status cn__graph_igraph(const cn_graph *g, igraph_t *ig, igraph_vector_t *w, cn_diag *d);

/* Test hooks of betweenness.c: cn__bc_wide -1 picks the AVX-512 kernel when
 * the CPU has it, 0 or 1 force it; int16 levels are used only while
 * distances stay below cn__bc_lev16. */
extern int cn__bc_wide, cn__bc_lev16;

#endif
