/* lib/net/net_int.h — edge lists shared by the net commands (not public). */
#ifndef CN_NET_INT_H
#define CN_NET_INT_H

#include "../table/table_int.h"
#include "graph_int.h"

typedef struct cn_edge {
  int64_t year, u, v; /* u, v: node ids (text labels: 1 + label index) */
  double w;
} cn_edge;

/* An edge list read from a table with columns u, v [, year] [, weight]:
 * edges sorted by year, text labels interned. Zero-initialize; free with
 * cn__edgelist_free. */
typedef struct cn_edgelist {
  cn_edge *es;
  int64_t m;
  bool has_year, text;
  cn_strmap labels; /* text labels: id k is labels.strs[k - 1] */
  int64_t dropped;  /* edges with a missing value */
} cn_edgelist;

/* Which column weighs the edges (NULL: as all fields zero). */
typedef struct cn_edge_weight {
  const char *weight; /* NULL: "weight" */
  bool unweighted;
} cn_edge_weight;
cn_status cn__edgelist_read(const cn_table *t, const cn_edge_weight *w, cn_edgelist *el,
                            cn_diag *d);
void cn__edgelist_free(cn_edgelist *el);
/* End of the year group that starts at edge y0. */
int64_t cn__edgelist_year_end(const cn_edgelist *el, int64_t y0);
/* The distinct node ids of edges [y0, y1) in increasing order, written to
 * ids (room for 2·(y1 − y0)); returns their count. */
int64_t cn__edgelist_nodes(const cn_edgelist *el, int64_t y0, int64_t y1, int64_t *ids);
/* The graph of edges [y0, y1): its nodes are the distinct ids in increasing
 * order, written to ids (room for 2·(y1 − y0)), their count to *n. */
cn_status cn__edgelist_graph(const cn_edgelist *el, int64_t y0, int64_t y1, int64_t *ids,
                             int64_t *n, cn_graph **g, cn_diag *d);

#endif
