/* tests/unit/test_net.c — graph measures against spec/network.md §5 and the
 * igraph / networkx references in tests/data/net (see its SOURCES.md). */
#include <stdbool.h>
#include <stdlib.h>
#include "test.h"

static cn_graph *graph_of(int32_t n, int m, const int32_t (*e)[2], const double *w) {
  int32_t *u = malloc((size_t)m * sizeof *u), *v = malloc((size_t)m * sizeof *v);
  for (int k = 0; k < m; k++) u[k] = e[k][0], v[k] = e[k][1];
  cn_graph *g = NULL;
  cn_diag d;
  cn_status st = cn_graph_from_edges(n, m, u, v, w, &g, &d);
  CHECK_STATUS(st, CN_OK, &d);
  free(u);
  free(v);
  return g;
}

static cn_table *read_data(const char *name) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), name), NULL, &t, &d), CN_OK, &d);
  return t;
}

/* The metrics table's value for node `id` (row order = node id order). */
static double metric(const cn_table *m, const char *col, int64_t row) {
  int c = cn_table_find(m, col);
  CHECK(c >= 0);
  return c < 0 ? NAN : cn_table_get_num(m, c, row);
}

TEST(net_florentine_betweenness) {
  cn_table *e = read_data("net/florentine-edges.csv"), *m = NULL;
  if (!e) return;
  cn_net_opts o;
  memset(&o, 0, sizeof o);
  cn_diag d;
  CHECK_STATUS(cn_net_metrics(e, &o, &m, &d), CN_OK, &d);
  if (!m) {
    cn_table_free(e);
    return;
  }
  struct { const char *name; double norm; } want[] = {
      {"Medici", .522},  {"Guadagni", .255},  {"Albizzi", .212}, {"Salviati", .143},
      {"Ridolfi", .114}, {"Bischeri", .104},  {"Strozzi", .103}, {"Barbadori", .093},
      {"Tornabuoni", .092}, {"Castellani", .055}, {"Peruzzi", .022}};
  int node = cn_table_find(m, "node");
  for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
    int64_t r = 0;
    while (r < cn_table_nrow(m) && strcmp(cn_test_level(m, node, r), want[k].name)) r++;
    CHECK(r < cn_table_nrow(m));
    if (r == cn_table_nrow(m)) continue;
    CHECK(fabs(metric(m, "betweenness_norm", r) - want[k].norm) < 0.0005);
    if (!strcmp(want[k].name, "Medici")) CHECK_NEAR(metric(m, "betweenness", r), 47.5, 1e-12);
  }
  cn_table_free(m);
  cn_table_free(e);
}

TEST(net_kite_betweenness) {
  static const int32_t e[][2] = {{0, 1}, {0, 2}, {0, 3}, {0, 5}, {1, 3}, {1, 4}, {1, 6},
                                 {2, 3}, {2, 5}, {3, 4}, {3, 5}, {3, 6}, {4, 6}, {5, 6},
                                 {5, 7}, {6, 7}, {7, 8}, {8, 9}};
  cn_graph *g = graph_of(10, 18, e, NULL);
  if (!g) return;
  double b[10], want[10] = {5.0 / 6, 5.0 / 6, 0, 3 + 2.0 / 3, 0, 8 + 1.0 / 3, 8 + 1.0 / 3, 14, 8, 0};
  cn_diag d;
  for (int threads = 1; threads <= 2; threads++) {
    CHECK_STATUS(cn_graph_betweenness(g, CN_BC_BINARY, 1, threads, b, &d), CN_OK, &d);
    for (int i = 0; i < 10; i++) CHECK_NEAR(b[i], want[i], 1e-12);
  }
  cn_graph_free(g);
}

/* igraph's constraint fixtures: path of 4, K4, two K4 joined through a node. */
TEST(net_constraint_igraph_fixtures) {
  cn_diag d;
  double c[9];
  static const int32_t path[][2] = {{0, 1}, {1, 2}, {2, 3}};
  cn_graph *g = graph_of(4, 3, path, NULL);
  CHECK_STATUS(cn_graph_constraint(g, c, &d), CN_OK, &d);
  CHECK_NEAR(c[0], 1, 1e-12);
  CHECK_NEAR(c[1], .5, 1e-12);
  CHECK_NEAR(c[2], .5, 1e-12);
  CHECK_NEAR(c[3], 1, 1e-12);
  cn_graph_free(g);
  static const int32_t k4[][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
  g = graph_of(4, 6, k4, NULL);
  CHECK_STATUS(cn_graph_constraint(g, c, &d), CN_OK, &d);
  for (int i = 0; i < 4; i++) CHECK_NEAR(c[i], 0.925926, 1e-6);
  cn_graph_free(g);
  static const int32_t two[][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3},
                                   {5, 6}, {5, 7}, {5, 8}, {6, 7}, {6, 8}, {7, 8},
                                   {3, 4}, {4, 5}};
  g = graph_of(9, 14, two, NULL);
  CHECK_STATUS(cn_graph_constraint(g, c, &d), CN_OK, &d);
  double want[9] = {0.865741, 0.865741, 0.865741, 0.583333, 0.5,
                    0.583333, 0.865741, 0.865741, 0.865741};
  for (int i = 0; i < 9; i++) CHECK_NEAR(c[i], want[i], 1e-6);
  cn_graph_free(g);
}

/* Borgatti's example (networkx's structural-holes tests, values from UCINET). */
TEST(net_structural_holes_borgatti) {
  enum { A, B, C, D, E, F, G };
  static const int32_t e[][2] = {{A, B}, {A, F}, {A, G}, {A, E}, {E, G},
                                 {F, G}, {B, G}, {B, D}, {D, G}, {G, C}};
  static const double w[] = {2, 3, 5, 2, 8, 3, 4, 1, 3, 10};
  cn_diag d;
  double c[7], es[7], ef[7];
  cn_graph *g = graph_of(7, 10, e, NULL);
  CHECK_STATUS(cn_graph_constraint(g, c, &d), CN_OK, &d);
  CHECK(fabs(c[G] - 0.400) < 5e-4 && fabs(c[A] - 0.595) < 5e-4);
  CHECK_STATUS(cn_graph_effsize(g, es, ef, &d), CN_OK, &d);
  CHECK(fabs(es[G] - 4.67) < 5e-3 && fabs(es[A] - 2.50) < 5e-3);
  CHECK_NEAR(ef[A], es[A] / 4, 1e-12);
  cn_graph_free(g);
  g = graph_of(7, 10, e, w);
  CHECK_STATUS(cn_graph_constraint(g, c, &d), CN_OK, &d);
  CHECK(fabs(c[G] - 0.299) < 5e-4 && fabs(c[A] - 0.795) < 5e-4);
  cn_graph_free(g);
}

/* Every measure of Les Misérables (weighted) and the karate club against
 * igraph / networkx, to 1e-9 relative. */
static void compare_with_reference(const char *edges, const char *ref, bool weighted) {
  cn_table *e = read_data(edges), *r = read_data(ref), *m = NULL, *mi = NULL;
  if (!e || !r) goto done;
  cn_net_opts o;
  memset(&o, 0, sizeof o);
  cn_diag d;
  CHECK_STATUS(cn_net_metrics(e, &o, &m, &d), CN_OK, &d);
  o.bc_weights = CN_BC_INV;
  const char *only[] = {"betweenness"};
  o.measures = only;
  o.n_measures = 1;
  CHECK_STATUS(cn_net_metrics(e, &o, &mi, &d), CN_OK, &d);
  if (!m || !mi) goto done;
  CHECK_INT(cn_table_nrow(m), cn_table_nrow(r));
  struct { const char *ours, *theirs; } pairs[] = {
      {"wdc", "wdc"}, {"partners", "partners"}, {"betweenness", "bc_binary"},
      {"constraint", "constraint"}, {"effsize", "effsize"}, {"coreness", "coreness"},
      {"clustering", "clustering"}, {"eigenvector", "eigenvector"}};
  for (int64_t i = 0; i < cn_table_nrow(r) && i < cn_table_nrow(m); i++) {
    CHECK_INT(metric(m, "node_id", i), metric(r, "node_id", i));
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
      double a = metric(m, pairs[k].ours, i), b = metric(r, pairs[k].theirs, i);
      double tol = !strcmp(pairs[k].ours, "eigenvector") ? 1e-7 : 1e-9; /* ARPACK */
      if (!((isnan(a) && isnan(b)) || fabs(a - b) <= tol * fmax(1, fabs(b))))
        cn_test_fail(__FILE__, __LINE__, "%s node %lld %s: %.17g vs %.17g", edges,
                     (long long)i + 1, pairs[k].ours, a, b);
    }
    double a = metric(mi, "betweenness", i), b = metric(r, "bc_inv", i);
    if (fabs(a - b) > 1e-9 * fmax(1, fabs(b)))
      cn_test_fail(__FILE__, __LINE__, "%s node %lld weighted betweenness: %.17g vs %.17g",
                   edges, (long long)i + 1, a, b);
  }
  (void)weighted;
done:
  cn_table_free(e);
  cn_table_free(r);
  cn_table_free(m);
  cn_table_free(mi);
}

TEST(net_lesmis_matches_igraph) { compare_with_reference("net/lesmis-edges.csv", "net/lesmis-ref.csv", true); }
TEST(net_karate_matches_igraph) { compare_with_reference("net/karate-edges.csv", "net/karate-ref.csv", false); }

/* Results are identical, to the bit, with 1 and 2 threads. */
TEST(net_betweenness_thread_independent) {
  cn_rng r;
  cn_rng_seed(&r, 5, 0);
  int32_t n = 3000, m = 9000;
  int32_t *u = malloc((size_t)m * sizeof *u), *v = malloc((size_t)m * sizeof *v);
  double *w = malloc((size_t)m * sizeof *w);
  for (int k = 0; k < m; k++) {
    u[k] = (int32_t)cn_rng_below(&r, (uint64_t)n);
    do v[k] = (int32_t)cn_rng_below(&r, (uint64_t)n);
    while (v[k] == u[k]);
    w[k] = 1 + (double)cn_rng_below(&r, 5);
  }
  cn_graph *g = NULL;
  cn_diag d;
  CHECK_STATUS(cn_graph_from_edges(n, m, u, v, w, &g, &d), CN_OK, &d);
  double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
  for (int mode = 0; g && mode < 2; mode++) {
    cn_graph_betweenness(g, (cn_bc_weights)mode, 1, 1, a, &d);
    cn_graph_betweenness(g, (cn_bc_weights)mode, 1, 2, b, &d);
    CHECK(memcmp(a, b, (size_t)n * sizeof *a) == 0);
  }
  cn_graph_free(g);
  free(u);
  free(v);
  free(w);
  free(a);
  free(b);
}

extern int cn__bc_wide, cn__bc_lev16;

/* The AVX-512 kernel (int16 levels) and the portable one (int32 levels)
 * give the same bits; a cycle of 2k+1 nodes puts every node on k(k-1)/2
 * pairs, with distances long enough to refuse int16 levels when the limit
 * is lowered. */
TEST(net_betweenness_kernels_agree) {
  int32_t n = 2001, k = 1000;
  int32_t *u = malloc((size_t)n * sizeof *u), *v = malloc((size_t)n * sizeof *v);
  for (int32_t i = 0; i < n; i++) u[i] = i, v[i] = (i + 1) % n;
  cn_graph *g = NULL;
  cn_diag d;
  CHECK_STATUS(cn_graph_from_edges(n, n, u, v, NULL, &g, &d), CN_OK, &d);
  double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
  bool has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                __builtin_cpu_supports("avx512bw");
  cn__bc_wide = 0;
  CHECK_STATUS(cn_graph_betweenness(g, CN_BC_BINARY, 1, 2, a, &d), CN_OK, &d);
  for (int32_t i = 0; i < n; i++) CHECK_NEAR(a[i], (double)k * (k - 1) / 2, 1e-6);
  if (has512) {
    cn__bc_wide = 1;
    CHECK_STATUS(cn_graph_betweenness(g, CN_BC_BINARY, 1, 1, b, &d), CN_OK, &d);
    CHECK(memcmp(a, b, (size_t)n * sizeof *a) == 0);
    cn__bc_lev16 = 100; /* distances up to 1000: falls back to int32 levels */
    CHECK_STATUS(cn_graph_betweenness(g, CN_BC_BINARY, 1, 1, b, &d), CN_OK, &d);
    CHECK(memcmp(a, b, (size_t)n * sizeof *a) == 0);
    cn__bc_lev16 = 32000;
  }
  cn_graph_free(g);
  /* a random graph with many equal-length paths */
  cn_rng r;
  cn_rng_seed(&r, 9, 0);
  int32_t n2 = 1500, m2 = 4000;
  u = realloc(u, (size_t)m2 * sizeof *u);
  v = realloc(v, (size_t)m2 * sizeof *v);
  for (int32_t e = 0; e < m2; e++) {
    u[e] = (int32_t)cn_rng_below(&r, (uint64_t)n2);
    do v[e] = (int32_t)cn_rng_below(&r, (uint64_t)n2);
    while (v[e] == u[e]);
  }
  CHECK_STATUS(cn_graph_from_edges(n2, m2, u, v, NULL, &g, &d), CN_OK, &d);
  cn__bc_wide = 0;
  cn_graph_betweenness(g, CN_BC_BINARY, 1, 1, a, &d);
  if (has512) {
    cn__bc_wide = 1;
    cn_graph_betweenness(g, CN_BC_BINARY, 1, 2, b, &d);
    CHECK(memcmp(a, b, (size_t)n2 * sizeof *a) == 0);
  }
  cn__bc_wide = -1;
  cn_graph_free(g);
  free(u);
  free(v);
  free(a);
  free(b);
}

TEST(net_bad_edges) {
  cn_graph *g = NULL;
  cn_diag d;
  int32_t u[] = {0, 1}, v[] = {1, 1};
  CHECK_STATUS(cn_graph_from_edges(2, 2, u, v, NULL, &g, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "edge 2") != NULL);
  int32_t v2[] = {1, 7};
  CHECK_STATUS(cn_graph_from_edges(2, 2, u, v2, NULL, &g, &d), CN_EDATA, &d);
  double w[] = {1, -2};
  int32_t v3[] = {1, 0};
  CHECK_STATUS(cn_graph_from_edges(2, 2, u, v3, w, &g, &d), CN_EDATA, &d);
  CHECK(g == NULL);
  /* repeated pairs are one edge with the weights summed */
  double w2[] = {2, 3};
  CHECK_STATUS(cn_graph_from_edges(2, 2, u, v3, w2, &g, &d), CN_OK, &d);
  if (g) {
    CHECK_INT(cn_graph_m(g), 1);
    CHECK_NEAR(cn_graph_total_weight(g), 5, 1e-15);
    cn_graph_free(g);
  }
}

/* Trees fold away entirely: path 0-1-2-3-4 gives 0 3 4 3 0 (pairs through
 * each node, counted by hand); a star's centre lies on all C(4,2) = 6 leaf
 * pairs; a path hung on a triangle mixes folding and Brandes (by hand: the
 * triangle 0-1-2 with the path 2-3-4: node 2 lies on {0,1} x {3,4}, 4 pairs,
 * node 3 on {0,1,2} x {4}, 3 pairs). Two components do not see each other. */
TEST(net_betweenness_folds_trees) {
  cn_diag d;
  double b[10];
  static const int32_t path[][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 4}};
  cn_graph *g = graph_of(5, 4, path, NULL);
  CHECK_STATUS(cn_graph_betweenness(g, CN_BC_BINARY, 1, 1, b, &d), CN_OK, &d);
  double wp[5] = {0, 3, 4, 3, 0};
  for (int i = 0; i < 5; i++) CHECK_NEAR(b[i], wp[i], 1e-12);
  cn_graph_free(g);
  static const int32_t mixed[][2] = {{0, 1}, {1, 2}, {0, 2}, {2, 3}, {3, 4},
                                     {5, 6}, {6, 7}, {6, 8}, {6, 9}};
  g = graph_of(10, 9, mixed, NULL);
  CHECK_STATUS(cn_graph_betweenness(g, CN_BC_INV, 1, 2, b, &d), CN_OK, &d);
  double wm[10] = {0, 0, 4, 3, 0, 0, 6, 0, 0, 0};
  for (int i = 0; i < 10; i++) CHECK_NEAR(b[i], wm[i], 1e-12);
  cn_graph_free(g);
}

/* A split graph (clique core, periphery tied only to the core) fits the
 * discrete model perfectly: ρ = 1 and the core is the clique. */
TEST(net_core_periphery_split_graph) {
  int32_t e[64][2];
  int m = 0;
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++) e[m][0] = i, e[m++][1] = j; /* K5 core */
  for (int p = 5; p < 12; p++) {
    e[m][0] = p, e[m++][1] = p % 5;
    if (p % 2) e[m][0] = p, e[m++][1] = (p + 2) % 5;
  }
  cn_graph *g = graph_of(12, m, (const int32_t(*)[2])e, NULL);
  double core[12], rho, c[12], fitc;
  int32_t size;
  cn_diag d;
  CHECK_STATUS(cn_graph_core_periphery(g, false, core, &rho, &size, &d), CN_OK, &d);
  CHECK_NEAR(rho, 1, 1e-12);
  CHECK_INT(size, 5);
  for (int i = 0; i < 12; i++) CHECK_INT(core[i], i < 5);
  CHECK_STATUS(cn_graph_coreness_continuous(g, false, c, &fitc, &d), CN_OK, &d);
  for (int i = 0; i < 5; i++)
    for (int p = 5; p < 12; p++) CHECK(c[i] > c[p]); /* the core ranks first */
  CHECK(fitc > 0.5 && fitc <= 1);
  cn_graph_free(g);
}

/* On a random graph the reported ρ equals a brute-force Pearson correlation
 * over all non-mixed pairs, and no single move improves it. */
static double brute_rho(int n, const unsigned char *a, const double *core) {
  double N = 0, sa = 0, sd = 0, sad = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      if (core[i] != core[j]) continue;
      double x = a[i * n + j], y = core[i];
      N++, sa += x, sd += y, sad += x * y;
    }
  return (N * sad - sa * sd) / sqrt((N * sa - sa * sa) * (N * sd - sd * sd));
}

TEST(net_core_periphery_local_optimum) {
  enum { N = 40 };
  static unsigned char a[N * N];
  int32_t e[400][2];
  int m = 0;
  cn_rng r;
  cn_rng_seed(&r, 9, 0);
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++) {
      double p = (i < 8 && j < 8) ? 0.8 : (i < 8 || j < 8) ? 0.25 : 0.05;
      if (m < 400 && cn_rng_uniform(&r) < p) {
        e[m][0] = i, e[m++][1] = j;
        a[i * N + j] = a[j * N + i] = 1;
      }
    }
  cn_graph *g = graph_of(N, m, (const int32_t(*)[2])e, NULL);
  double core[N], rho;
  int32_t size;
  cn_diag d;
  CHECK_STATUS(cn_graph_core_periphery(g, false, core, &rho, &size, &d), CN_OK, &d);
  CHECK_NEAR(rho, brute_rho(N, a, core), 1e-12);
  for (int v = 0; v < N; v++) {
    core[v] = 1 - core[v];
    CHECK(brute_rho(N, a, core) <= rho + 1e-12);
    core[v] = 1 - core[v];
  }
  cn_graph_free(g);
}

/* Valued core–periphery (a_ij = weight): the reported ρ equals a brute-force
 * Pearson correlation of the weights with the ideal pattern, no single move
 * improves it, and the continuous coreness is a fixed point of
 * c_i Σ_{j≠i} c_j² = Σ_j a_ij c_j whose fit is the brute-force correlation
 * of a_ij with c_i c_j over all pairs. With unit weights the valued and
 * binary runs agree. */
static double brute_rho_w(int n, const double *a, const double *core) {
  double N = 0, sa = 0, sq = 0, sd = 0, sad = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      if (core[i] != core[j]) continue;
      double x = a[i * n + j], y = core[i];
      N++, sa += x, sq += x * x, sd += y, sad += x * y;
    }
  return (N * sad - sa * sd) / sqrt((N * sq - sa * sa) * (N * sd - sd * sd));
}

TEST(net_core_periphery_valued) {
  enum { N = 40 };
  static double a[N * N];
  int32_t e[500][2];
  double w[500];
  int m = 0;
  cn_rng r;
  cn_rng_seed(&r, 11, 0);
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++) {
      double p = (i < 8 && j < 8) ? 0.7 : (i < 8 || j < 8) ? 0.3 : 0.08;
      if (m < 500 && cn_rng_uniform(&r) < p) {
        /* core ties heavier, so the valued core differs from the binary one */
        w[m] = 1 + (double)cn_rng_below(&r, i < 8 && j < 8 ? 9 : 3);
        e[m][0] = i, e[m][1] = j;
        a[i * N + j] = a[j * N + i] = w[m++];
      }
    }
  cn_graph *g = graph_of(N, m, (const int32_t(*)[2])e, w);
  double core[N], rho, c[N], fitc;
  int32_t size;
  cn_diag d;
  CHECK_STATUS(cn_graph_core_periphery(g, true, core, &rho, &size, &d), CN_OK, &d);
  CHECK_NEAR(rho, brute_rho_w(N, a, core), 1e-12);
  CHECK(rho > 0.3);
  for (int v = 0; v < N; v++) {
    core[v] = 1 - core[v];
    CHECK(brute_rho_w(N, a, core) <= rho + 1e-12);
    core[v] = 1 - core[v];
  }
  CHECK_STATUS(cn_graph_coreness_continuous(g, true, c, &fitc, &d), CN_OK, &d);
  double s2 = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, np = 0;
  for (int i = 0; i < N; i++) s2 += c[i] * c[i];
  for (int i = 0; i < N; i++) {
    double rhs = 0;
    for (int j = 0; j < N; j++) rhs += a[i * N + j] * c[j];
    CHECK_NEAR(c[i] * (s2 - c[i] * c[i]), rhs, 1e-9 * (1 + fabs(rhs)));
    for (int j = i + 1; j < N; j++) {
      double x = a[i * N + j], y = c[i] * c[j];
      np++, sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    }
  }
  double brute = (np * sxy - sx * sy) / sqrt((np * sxx - sx * sx) * (np * syy - sy * sy));
  CHECK_NEAR(fitc, brute, 1e-9);
  cn_graph_free(g);
  /* unit weights: valued = binary, to the bit */
  for (int k = 0; k < m; k++) w[k] = 1;
  g = graph_of(N, m, (const int32_t(*)[2])e, w);
  double core2[N], rho2;
  int32_t size2;
  CHECK_STATUS(cn_graph_core_periphery(g, true, core, &rho, &size, &d), CN_OK, &d);
  CHECK_STATUS(cn_graph_core_periphery(g, false, core2, &rho2, &size2, &d), CN_OK, &d);
  CHECK(rho == rho2 && size == size2 && memcmp(core, core2, sizeof core) == 0);
  cn_graph_free(g);
}

/* The binary refinement prices one move per bucket of equal (in core,
 * degree, core neighbours); the valued one with unit weights scans every
 * node. Both must make the same moves, ties to the lowest id included: on a
 * 3000-node graph with a planted core and on a ring lattice (every node
 * alike, so every choice is a tie) the cores agree to the bit. */
static int by_pair(const void *x, const void *y) {
  const int32_t *a = x, *b = y;
  return a[0] != b[0] ? (a[0] > b[0]) - (a[0] < b[0]) : (a[1] > b[1]) - (a[1] < b[1]);
}

static void check_binary_as_scan(int32_t n, int m, const int32_t (*e)[2]) {
  double *w = malloc((size_t)m * sizeof *w), *c1 = malloc((size_t)n * sizeof *c1),
         *c2 = malloc((size_t)n * sizeof *c2), rho1, rho2;
  int32_t k1, k2;
  cn_diag d;
  for (int i = 0; i < m; i++) w[i] = 1;
  cn_graph *g = graph_of(n, m, e, w);
  CHECK_STATUS(cn_graph_core_periphery(g, true, c1, &rho1, &k1, &d), CN_OK, &d);
  CHECK_STATUS(cn_graph_core_periphery(g, false, c2, &rho2, &k2, &d), CN_OK, &d);
  CHECK(rho1 == rho2 && k1 == k2 && memcmp(c1, c2, (size_t)n * sizeof *c1) == 0);
  CHECK(k1 > 0);
  cn_graph_free(g);
  free(w), free(c1), free(c2);
}

TEST(net_core_periphery_buckets_as_scan) {
  enum { N = 3000, M = 12000 };
  static int32_t e[M][2];
  cn_rng r;
  cn_rng_seed(&r, 5, 0);
  int m = 0;
  for (int i = 0; i < M; i++) {
    /* a core of 60 nodes drawn more often, the rest uniform */
    int32_t a = cn_rng_uniform(&r) < 0.3 ? (int32_t)cn_rng_below(&r, 60) : (int32_t)cn_rng_below(&r, N);
    int32_t b = (int32_t)cn_rng_below(&r, N);
    if (a != b) e[m][0] = a < b ? a : b, e[m++][1] = a < b ? b : a;
  }
  qsort(e, (size_t)m, sizeof e[0], by_pair); /* unit weights: no pair twice */
  int u = 0;
  for (int i = 0; i < m; i++)
    if (u == 0 || e[i][0] != e[u - 1][0] || e[i][1] != e[u - 1][1]) e[u][0] = e[i][0], e[u++][1] = e[i][1];
  m = u;
  check_binary_as_scan(N, m, (const int32_t(*)[2])e);
  /* ring lattice: i tied to i+1 .. i+3 */
  m = 0;
  for (int32_t i = 0; i < N; i++)
    for (int32_t s = 1; s <= 3; s++) e[m][0] = i, e[m++][1] = (i + s) % N;
  check_binary_as_scan(N, m, (const int32_t(*)[2])e);
}

/* Graph measures against networkx 2.8 (Debian python3-networkx):
 * nx.density, nx.average_clustering, nx.degree_assortativity_coefficient on
 * karate_club_graph() and les_miserables_graph(). */
static void check_summary(const char *edges, double dens, double clust, double assort,
                          int64_t nodes) {
  cn_table *e = read_data(edges), *s = NULL;
  if (!e) return;
  cn_diag d;
  int64_t dropped = -1;
  CHECK_STATUS(cn_net_summary(e, NULL, NULL, NULL, &s, &dropped, &d), CN_OK, &d);
  if (s) {
    CHECK_INT(cn_table_nrow(s), 1);
    CHECK_INT(dropped, 0);
    CHECK_INT(metric(s, "nodes", 0), nodes);
    CHECK_NEAR(metric(s, "density", 0), dens, 1e-12);
    CHECK_NEAR(metric(s, "avg_clustering", 0), clust, 1e-12);
    CHECK_NEAR(metric(s, "assortativity", 0), assort, 1e-12);
    CHECK_INT(metric(s, "components", 0), 1);
    CHECK_NEAR(metric(s, "largest_share", 0), 1, 1e-15);
    CHECK_NEAR(metric(s, "avg_degree", 0), dens * (nodes - 1), 1e-12);
  }
  cn_table_free(s);
  cn_table_free(e);
}

TEST(net_summary_matches_networkx) {
  check_summary("net/karate-edges.csv", 0.13903743315508021, 0.5706384782076823,
                -0.47561309768461413, 34);
  check_summary("net/lesmis-edges.csv", 0.08680792891319207, 0.5731367499320134,
                -0.16522513442237025, 77);
}
