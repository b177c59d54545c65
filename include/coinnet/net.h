/* coinnet/net.h — undirected weighted graphs and their node measures, as
 * pinned in spec/network.md.
 *
 * Ownership: cn_graph_from_edges returns a graph the caller frees with
 * cn_graph_free (NULL is a no-op). Measure functions fill caller-owned
 * arrays of length cn_graph_n(g), indexed by node id. */
#ifndef COINNET_NET_H
#define COINNET_NET_H

#include <stdbool.h>
#include "coinnet/base.h"
#include "coinnet/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cn_graph cn_graph;

/* Builds the graph on nodes 0..n-1 from m edges (u[k], v[k]) with weights
 * w[k] (w == NULL: all 1). Repeated pairs are summed into one edge; a loop
 * (u == v), an id outside 0..n-1 or a weight that is not finite and
 * positive is an error (CN_EDATA) naming the edge. */
cn_status cn_graph_from_edges(int32_t n, int64_t m, const int32_t *u,
                              const int32_t *v, const double *w, cn_graph **out,
                              cn_diag *d);
void cn_graph_free(cn_graph *g);
int32_t cn_graph_n(const cn_graph *g);
int64_t cn_graph_m(const cn_graph *g);   /* distinct edges */
double cn_graph_total_weight(const cn_graph *g);

/* The distinct edges, each once with u < v, in increasing (u, v) order,
 * into u, v, w (room for cn_graph_m(g) each). */
void cn_graph_edges(const cn_graph *g, int32_t *u, int32_t *v, double *w);

/* Weighted degree (strength, the paper's WDC) and degree (partners). */
void cn_graph_strength(const cn_graph *g, double *out);
void cn_graph_degree(const cn_graph *g, double *out);

/* How path lengths are measured for betweenness: every edge 1 (UCINET and
 * Pajek; the default), or 1/w^alpha (Opsahl et al. 2010; alpha = 1 gives
 * 1/w). Lengths within a relative 1e-10 count as equal, as in igraph. */
typedef enum cn_bc_weights { CN_BC_BINARY = 0, CN_BC_INV = 1 } cn_bc_weights;

/* Raw betweenness over unordered pairs, Σ_{s<t} σ_st(v)/σ_st. threads <= 0
 * uses every core; the result does not depend on the thread count. */
cn_status cn_graph_betweenness(const cn_graph *g, cn_bc_weights mode,
                               double alpha, int threads, double *out,
                               cn_diag *d);

/* Burt's constraint (whole-network model, weighted), effective size and
 * efficiency; isolates get NaN. */
cn_status cn_graph_constraint(const cn_graph *g, double *out, cn_diag *d);
cn_status cn_graph_effsize(const cn_graph *g, double *effsize,
                           double *efficiency, cn_diag *d);
/* k-core number of the simple graph. */
cn_status cn_graph_coreness(const cn_graph *g, double *out, cn_diag *d);
/* Local clustering coefficient of the simple graph; NaN below degree 2. */
cn_status cn_graph_clustering(const cn_graph *g, double *out, cn_diag *d);
/* Eigenvector centrality with weights, scaled so that the maximum is 1. */
cn_status cn_graph_eigenvector(const cn_graph *g, double *out, cn_diag *d);
/* Connected components: id (0, 1, ... in order of their smallest node)
 * and size, per node; returns the number of components in *ncomp. */
cn_status cn_graph_components(const cn_graph *g, int32_t *comp, int32_t *size,
                              int32_t *ncomp, cn_diag *d);

/* Borgatti–Everett core–periphery, with a_ij = 1 for every edge or, when
 * valued, a_ij = the edge weight. Discrete: core[i] is 1 or 0, *rho the fit
 * (Pearson correlation with the ideal pattern, core–periphery pairs left
 * out), *core_size the core's size (rho, core_size may be NULL).
 * Continuous: coreness c_i minimizing Σ (a_ij − c_i c_j)², *fit its
 * correlation (may be NULL). */
cn_status cn_graph_core_periphery(const cn_graph *g, bool valued, double *core, double *rho,
                                  int32_t *core_size, cn_diag *d);
cn_status cn_graph_coreness_continuous(const cn_graph *g, bool valued, double *c, double *fit,
                                       cn_diag *d);

/* Node positions for a map: igraph's Fruchterman–Reingold (500
 * iterations, the default), Kamada–Kawai or DrL (for large graphs), on the
 * simple graph, from igraph's generator seeded with seed: the same graph
 * and seed give the same positions. xy has 2·n entries (x, y per node). */
typedef enum cn_layout { CN_LAYOUT_FR = 0, CN_LAYOUT_KK = 1, CN_LAYOUT_DRL = 2 } cn_layout;
cn_status cn_graph_layout(const cn_graph *g, cn_layout kind, uint64_t seed, double *xy, cn_diag *d);

/* Measures of an edge list, one row per node and year: `net metrics`.
 * The table has columns u and v (both integer ids or both text labels),
 * and optionally year (integer) and weight (number; a column named
 * otherwise with o->weight, ignored with o->unweighted). Any other numeric
 * column, when no weight column is named or found, is an error (CN_EUSAGE)
 * rather than a guess: it may be the weight. Edges with a missing value
 * are dropped and counted. Text labels get ids 1, 2, ... in order of
 * first appearance. Output columns: year (when given), node_id, node, then
 * the measures asked for, named as in spec/network.md. Progress is one job
 * ("net metrics") whose parts are the years, weighed by their expected
 * work. */
typedef struct cn_net_opts {
  const char *const *measures; /* NULL: all */
  int n_measures;
  cn_bc_weights bc_weights;
  double bc_alpha; /* 0 means 1 */
  int threads;     /* <= 0: all cores */
  const cn_table *nodes; /* optional: a build's nodes (node_id, name) naming integer ids */
  bool cp_valued;  /* core–periphery on edge weights, not on the binary graph */
  int64_t dropped; /* out: edges dropped for missing values */
  const char *weight; /* the weight column; NULL: "weight" when there is one */
  bool unweighted;    /* every edge weighs 1, whatever the columns */
} cn_net_opts;

/* The measure names, in output order, NULL-terminated. */
extern const char *const cn_net_measure_names[];

cn_status cn_net_metrics(const cn_table *edges, cn_net_opts *o, cn_table **out,
                         cn_diag *d);

#define CN_NET_MAXSTAGE 16
/* The graphs of an edge list's stages (years from[s] to to[s], inclusive;
 * every edge when the list has no year), all on one node set: the nodes of
 * the edges in some stage, node k being the list's id ids[k] (labels[k]
 * its text label when the list has text labels, else labels is NULL).
 * graphs[s] is stage s (repeated pairs summed), graphs[nstage] the union
 * of the stages; edges[s] the edges read into stage s, edges[CN_NET_MAXSTAGE]
 * into the union. Free with cn_net_stages_free. */
typedef struct cn_net_stages {
  int32_t n;
  int nstage;
  int64_t *ids;
  char **labels;
  cn_graph **graphs;
  int64_t edges[CN_NET_MAXSTAGE + 1];
  int64_t dropped; /* edges with a missing value */
} cn_net_stages;
cn_status cn_net_stage_graphs(const cn_table *edges, const cn_net_opts *o, int nstage, const int64_t *from,
                              const int64_t *to, cn_net_stages *out, cn_diag *d);
void cn_net_stages_free(cn_net_stages *s);

/* The IPC level search codes are compared at: subclass (the first four
 * characters, G06F), main group (the code up to "/", spaces removed,
 * G06F17) or class (three characters, G06). */
typedef enum cn_ipc_level { CN_IPC_SUBCLASS = 0, CN_IPC_GROUP = 1, CN_IPC_CLASS = 2 } cn_ipc_level;

/* From patent records to yearly co-applicant graphs (spec/network.md §1). */
typedef struct cn_build_opts {
  const char *applicants; /* column with the applicants (required) */
  const char *app_sep;    /* their separator; NULL: " | " */
  const char *id;         /* publication number column; NULL: the first column */
  const char *app_id;     /* application number column, for deduplication */
  const char *date;       /* application date column (year = its first 4 digits) */
  const char *year;       /* or a year column */
  const char *type;       /* patent type column; NULL: from the kind code of id */
  const char *ipc;        /* IPC subclasses column (separated like applicants) */
  const char *pub_date;   /* year from this publication-date column instead */
  int all_types;          /* keep utility models and designs too */
  int newman;             /* weights 1/(k−1) per application of k organizations */
  int window;             /* years per graph; 0 or 1: one graph per year */
  /* search breadth and depth (search table): the window of past years (0:
   * 5) and the IPC level codes are compared at */
  int search_window;
  cn_ipc_level ipc_level;
  const char *grant_year; /* grant year (or date) column: grants by grant year */
  /* applicants' countries (codes or names), separated like the applicants
   * and in their order, or one value for the first applicant: sets orgs'
   * foreign flag where given (docs/networks.md "Foreign organizations") */
  const char *country;
  int stock;              /* years of the rolling stocks in org_year (0: 5) */
  /* enterprise groups: a table with columns name (as in the records) and
   * group; ties between two members of one group are marked (a column
   * within_group in edges) or, with groups_drop, not made */
  const cn_table *groups;
  const char *groups_where; /* the group table's name in messages */
  bool groups_drop;
  struct cn_build_more *more; /* optional: the organization tables (below) */
} cn_build_opts;

/* The tables for every organization, co-applicant or not, made when
 * cn_build_opts.more is set (new, caller-owned; docs/networks.md):
 * orgs (org_id, name, type, node_id, foreign [, group]), org_year (org_id,
 * year, patents, inventions, joint_patents, own_patents,
 * granted_inventions, grants, absorb, grant_stock: every year from the
 * organization's first to the last of the data) and search (org_id, year,
 * window_full, ipc_count, ipc_hhi, ipc_new, ipc_scope, ipc_depth,
 * partner_count, partner_new, partner_scope, partner_depth,
 * foreign_partners: years with applications). */
typedef struct cn_build_more {
  cn_table *orgs, *org_year, *search;
} cn_build_more;

/* What the build kept and dropped, and why. */
typedef struct cn_build_counts {
  int64_t records;          /* rows read */
  int64_t merged;           /* publications merged into an earlier one of the same application */
  int64_t applications;     /* distinct applications */
  int64_t not_invention;    /* dropped: not an invention patent */
  int64_t no_year;          /* dropped: no date / year */
  int64_t no_applicants;    /* dropped: no applicant */
  int64_t first_individual; /* dropped: first applicant is an individual */
  int64_t single;           /* kept for counts only: fewer than 2 distinct organizations */
  int64_t collaborative;    /* applications that make edges */
  int64_t individuals;      /* individual co-applicants left out of collaborative ones */
  int64_t nodes, edges;
  int64_t granted_no_year;  /* granted inventions without a grant year (--grant-year) */
  int64_t country_aligned;  /* applications whose country list matches the applicants */
  int64_t country_first;    /* ... with one country, the first applicant's */
  int64_t country_mismatch; /* ... with another number of countries: not used */
  int64_t country_none;     /* ... with the country cell missing */
  int64_t country_orgs;     /* organizations whose foreign flag the countries set */
  int64_t country_changed;  /* of those, where it differs from the name rule */
  int64_t group_rows;       /* rows of the group table */
  int64_t group_unmatched;  /* of those, names of no organization in the records */
  int64_t group_pairs;      /* application pairs of organizations of one group */
  int64_t group_edges;      /* edges (year, pair) within a group (marked) */
  int64_t group_apps;       /* collaborative applications left without a pair (dropped) */
} cn_build_counts;

/* Builds nodes (node_id, name, type), edges (year, u, v, weight),
 * node_year (node_id, year, patents, joint_patents, own_patents,
 * granted_inventions, ipc_breadth) and years (year, applications,
 * collaborative) from patent records. The four tables are new and
 * caller-owned. With o->more, also fills *o->more (zeroed first, and
 * again on failure) with the organization tables; with o->groups, edges
 * get a column within_group (or lose within-group pairs, groups_drop). */
cn_status cn_net_build(const cn_table *patents, const cn_build_opts *o, cn_table **nodes,
                       cn_table **edges, cn_table **node_year, cn_table **years,
                       cn_build_counts *counts, cn_diag *d);

/* Graph measures of an edge list, one row per year (spec/network.md §3):
 * year (when given), nodes, edges, weight (total), avg_wdc = 2W/n,
 * avg_degree, density 2E/(n(n−1)), components, largest_share (nodes in the
 * largest component), avg_clustering (networkx: nodes below degree 2 count
 * 0), assortativity (Newman, degree), cp_rho and cp_core_size (discrete
 * core–periphery, on edge weights when cp_valued). With a build's years table (may be NULL) it adds
 * applications and collaborative per year; with its nodes table (may be
 * NULL), n_firm, n_university, n_institute, n_government and n_other, the
 * nodes of each type in that year's graph. *dropped gets the edges dropped
 * for missing values. Of o (NULL: all defaults) only cp_valued, weight and
 * unweighted are read, with the meaning they have for cn_net_metrics. */
extern const char *const cn_net_summary_names[];
cn_status cn_net_summary(const cn_table *edges, const cn_table *nodes, const cn_table *years,
                         const cn_net_opts *o, cn_table **out, int64_t *dropped, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
