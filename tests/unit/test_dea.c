/* tests/unit/test_dea.c — DEA and Malmquist (lib/measure/dea.c).
 *
 * Expected numbers: (1) DataEnvelopmentAnalysis.jl's published test vectors
 * (test/dea.jl and test/malmquist.jl of javierbarbero/DataEnvelopmentAnalysis.jl
 * at commit 338c0d2373d852e3c15b4357a9ca01a1f7e31bfc), copied below with the
 * digits they print; (2) R Benchmarking 0.33 built from its public source,
 * written to tests/data/dea/benchmarking.out by tests/data/dea/benchmarking.R
 * (`R_LIBS=/work/rlib Rscript tests/data/dea/benchmarking.R`). */
#include <stdlib.h>
#include "test.h"

/* DataEnvelopmentAnalysis.jl's FLS data (11 DMUs, 2 inputs, 1 output). */
static const double FX[11][2] = {{5, 13},  {16, 12}, {16, 26}, {17, 15}, {18, 14}, {23, 6},
                                 {25, 10}, {27, 22}, {37, 14}, {42, 25}, {5, 17}};
static const double FY[11] = {12, 14, 25, 26, 8, 9, 27, 30, 31, 26, 12};

static void fls(double *X, double *Y) {
  for (int k = 0; k < 11; k++) X[2 * k] = FX[k][0], X[2 * k + 1] = FX[k][1], Y[k] = FY[k];
}

/* λ of DMU k on reference j in r (0 when j is not a peer). */
static double lambda_of(const cn_dea_result *r, int64_t k, int64_t j) {
  for (int64_t p = r->peer_start[k]; p < r->peer_start[k + 1]; p++)
    if (r->peer[p] == j) return r->lambda[p];
  return 0;
}

typedef struct jl_case {
  cn_dea_rts rts;
  cn_dea_orient orient;
  double eff[11];
  double sx[11][2], sy[11];
  struct {
    int k, j;
    double l;
  } lam[24]; /* nonzero λ (1-based DMU, peer), l == 0 ends */
} jl_case;

/* DataEnvelopmentAnalysis.jl test/dea.jl: efficiency, slacks(:X), slacks(:Y), peers.
 * One change: for DMU 11 in the two input-oriented cases the file prints
 * λ_11,11 = 1, its first stage's λ, one of two optima at θ = 1 (λ_11,1 = 1
 * is the other). coinnet reports the second stage's λ, which must produce
 * the slack x2 = 4 that the same file prints: only λ_11,1 = 1 does (DMU 1
 * is (5, 13) for DMU 11's (5, 17), both with y = 12). */
static const jl_case JL[] = {
    {CN_DEA_CRS, CN_DEA_INPUT,
     {1, .6222896791, .8198562444, 1, .3103709311, .5555555556, 1, .7576690896, .8201058201, .4905660377, 1},
     {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {4.444444444, 0}, {0, 0}, {0, 0}, {1.640211640, 0}, {0, 0}, {0, 4}},
     {0},
     {{1, 1, 1}, {2, 4, .4249783174}, {2, 7, .10928013877}, {3, 1, 1.134321653}, {3, 4, .4380053908},
      {4, 4, 1}, {5, 4, .2573807721}, {5, 7, .04844814534}, {6, 7, .33333333333}, {7, 7, 1},
      {8, 4, 1.0348650979}, {8, 7, .11457435013}, {9, 7, 1.14814814815}, {10, 4, .4905660377},
      {10, 7, .49056603774}, {11, 1, 1}}},
    {CN_DEA_CRS, CN_DEA_OUTPUT,
     {1, 1.606968641, 1.219726027, 1, 3.221951220, 1.8, 1, 1.319837398, 1.219354839, 2.038461538, 1},
     {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {8, 0}, {0, 0}, {0, 0}, {2, 0}, {0, 0}, {0, 4}},
     {0},
     {{1, 1, 1}, {2, 4, .6829268293}, {2, 7, .1756097561}, {3, 1, 1.383561644}, {3, 4, .5342465753},
      {4, 4, 1}, {5, 4, .8292682927}, {5, 7, .1560975610}, {6, 7, .6}, {7, 7, 1}, {8, 4, 1.3658536585},
      {8, 7, .1512195122}, {9, 7, 1.4}, {10, 4, 1}, {10, 7, 1}, {11, 1, 1}}},
    {CN_DEA_VRS, CN_DEA_INPUT,
     {1, .8699861687, 1, 1, .7116402116, 1, 1, 1, 1, .4931209269, 1},
     {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 4}},
     {0, 0, 0, 0, 2.698412698, 0, 0, 0, 0, 0, 0},
     {{1, 1, 1}, {2, 1, .52558782849}, {2, 6, .2842323651}, {2, 7, .1901798064}, {3, 3, 1}, {4, 4, 1},
      {5, 1, .56613756614}, {5, 6, .4338624339}, {6, 6, 1}, {7, 7, 1}, {8, 8, 1}, {9, 9, 1},
      {10, 1, .03711078928}, {10, 4, .4433381608}, {10, 7, .5195510500}, {11, 1, 1}}},
    {CN_DEA_VRS, CN_DEA_OUTPUT,
     {1, 1.507518797, 1, 1, 3.203947368, 1, 1, 1, 1, 1.192307692, 1},
     {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {5, 11}, {0, 4}},
     {0},
     {{1, 1, 1}, {2, 1, .38157894737}, {2, 4, .1710526316}, {2, 7, .4473684211}, {3, 3, 1}, {4, 4, 1},
      {5, 1, .03947368421}, {5, 4, .7763157895}, {5, 7, .1842105263}, {6, 6, 1}, {7, 7, 1}, {8, 8, 1},
      {9, 9, 1}, {10, 9, 1}, {11, 1, 1}}},
};

TEST(dea_jl_vectors) {
  double X[22], Y[11];
  fls(X, Y);
  for (size_t c = 0; c < sizeof JL / sizeof *JL; c++) {
    const jl_case *e = &JL[c];
    cn_dea_opts o;
    cn_dea_opts_init(&o);
    o.rts = e->rts, o.orient = e->orient, o.slacks = o.peers = true;
    cn_dea_result r;
    cn_diag d;
    CHECK_STATUS(cn_dea_solve(2, 1, 11, X, Y, 0, NULL, NULL, NULL, &o, &r, &d), CN_OK, &d);
    for (int k = 0; k < 11; k++) {
      /* the published vectors carry 10 digits: 1e-8 is what they can show */
      CHECK_NEAR(r.eff[k], e->eff[k], 1e-8);
      CHECK_NEAR(r.slack_x[2 * k], e->sx[k][0], 1e-8);
      CHECK_NEAR(r.slack_x[2 * k + 1], e->sx[k][1], 1e-8);
      CHECK_NEAR(r.slack_y[k], e->sy[k], 1e-8);
    }
    /* every published λ, and no other peer */
    int64_t npub = 0;
    for (int p = 0; e->lam[p].l != 0; p++, npub++)
      CHECK_NEAR(lambda_of(&r, e->lam[p].k - 1, e->lam[p].j - 1), e->lam[p].l, 1e-8);
    CHECK_INT(r.peer_start[11], npub);
    cn_dea_result_free(&r);
  }
}

TEST(dea_nirs_ndrs_benchmarking) {
  double X[22], Y[11], v[64];
  fls(X, Y);
  const char *rn[] = {"drs", "irs"};
  cn_dea_rts rts[] = {CN_DEA_NIRS, CN_DEA_NDRS};
  const char *on[] = {"in", "out"};
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++) {
      cn_dea_opts o;
      cn_dea_opts_init(&o);
      o.rts = rts[a], o.orient = b ? CN_DEA_OUTPUT : CN_DEA_INPUT, o.slacks = true;
      cn_dea_result r;
      cn_diag d;
      CHECK_STATUS(cn_dea_solve(2, 1, 11, X, Y, 0, NULL, NULL, NULL, &o, &r, &d), CN_OK, &d);
      char tag[64];
      snprintf(tag, sizeof tag, "%s %s eff", rn[a], on[b]);
      CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", tag, v, 64), 11);
      for (int k = 0; k < 11; k++) CHECK_NEAR(r.eff[k], v[k], 1e-10);
      snprintf(tag, sizeof tag, "%s %s sx", rn[a], on[b]);
      CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", tag, v, 64), 22);
      for (int k = 0; k < 22; k++) CHECK_NEAR(r.slack_x[k], v[k], 1e-9);
      snprintf(tag, sizeof tag, "%s %s sy", rn[a], on[b]);
      CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", tag, v, 64), 11);
      for (int k = 0; k < 11; k++) CHECK_NEAR(r.slack_y[k], v[k], 1e-9);
      cn_dea_result_free(&r);
    }
}

/* Andersen–Petersen: Benchmarking's sdea, whose Inf / -Inf (outside the
 * others' technology) is coinnet's missing score. */
TEST(dea_super_benchmarking) {
  double X[22], Y[11], v[64];
  fls(X, Y);
  const char *tags[] = {"super crs in", "super crs out", "super vrs in", "super vrs out"};
  for (int c = 0; c < 4; c++) {
    cn_dea_opts o;
    cn_dea_opts_init(&o);
    o.rts = c < 2 ? CN_DEA_CRS : CN_DEA_VRS, o.orient = c % 2 ? CN_DEA_OUTPUT : CN_DEA_INPUT;
    o.super = o.peers = true;
    cn_dea_result r;
    cn_diag d;
    CHECK_STATUS(cn_dea_solve(2, 1, 11, X, Y, 0, NULL, NULL, NULL, &o, &r, &d), CN_OK, &d);
    CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", tags[c], v, 64), 11);
    int64_t inf = 0;
    for (int k = 0; k < 11; k++) {
      /* Benchmarking reports Farrell phi for output orientation, as coinnet */
      double want = isinf(v[k]) ? NAN : v[k];
      CHECK_NEAR(r.eff[k], want, 1e-10);
      if (isinf(v[k])) {
        inf++;
        CHECK(r.status[k] == CN_DEA_LP_INFEASIBLE);
        CHECK_INT(r.peer_start[k + 1] - r.peer_start[k], 0);
      }
      /* a DMU is never its own peer */
      CHECK(lambda_of(&r, k, k) == 0);
    }
    CHECK_INT(r.n_infeasible, inf);
    cn_dea_result_free(&r);
  }
}

/* 40 random DMUs, 3 inputs, 2 outputs (tests/data/dea/rand.csv) through the
 * table interface. */
TEST(dea_table_random_benchmarking) {
  cn_table *t = NULL, *res = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "dea/rand.csv"), NULL, &t, &d), CN_OK, &d);
  const char *xs[] = {"x1", "x2", "x3"}, *ys[] = {"y1", "y2"};
  cn_dea_spec sp = {.inputs = xs, .m = 3, .outputs = ys, .s = 2, .dmu = "dmu"};
  cn_dea_opts o;
  cn_dea_opts_init(&o);
  o.rts = CN_DEA_VRS, o.slacks = true;
  cn_dea_report rep;
  CHECK_STATUS(cn_measure_dea(t, &sp, &o, &res, &rep, &d), CN_OK, &d);
  double v[256];
  CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", "rand vrs in eff", v, 256), 40);
  int ce = cn_table_find(res, "theta"), cs = cn_table_find(res, "slack_x1");
  CHECK(ce >= 0 && cs >= 0);
  for (int k = 0; k < 40; k++) CHECK_NEAR(cn_table_dbl(res, ce)[k], v[k], 1e-10);
  CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", "rand vrs in sx", v, 256), 120);
  for (int k = 0; k < 40; k++)
    for (int i = 0; i < 3; i++) CHECK_NEAR(cn_table_dbl(res, cs + i)[k], v[3 * k + i], 1e-9);
  CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", "rand vrs in sy", v, 256), 80);
  for (int k = 0; k < 40; k++)
    for (int q = 0; q < 2; q++) CHECK_NEAR(cn_table_dbl(res, cs + 3 + q)[k], v[2 * k + q], 1e-9);
  CHECK_INT(rep.lps, 40);
  cn_table_free(res);
  o.rts = CN_DEA_CRS, o.orient = CN_DEA_OUTPUT, o.slacks = false;
  CHECK_STATUS(cn_measure_dea(t, &sp, &o, &res, &rep, &d), CN_OK, &d);
  CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", "rand crs out eff", v, 256), 40);
  ce = cn_table_find(res, "phi");
  int ci = cn_table_find(res, "inv_phi");
  for (int k = 0; k < 40; k++) {
    CHECK_NEAR(cn_table_dbl(res, ce)[k], v[k], 1e-10);
    CHECK_NEAR(cn_table_dbl(res, ci)[k], 1 / v[k], 1e-10);
  }
  cn_table_free(res);
  cn_table_free(t);
}

/* --by: each level its own frontier; the FLS data twice under two years
 * (the second scaled by 10, which DEA scores ignore) give the CRS vector
 * twice; a missing input is left out and counted; a DMU twice is an error. */
TEST(dea_table_by_and_drops) {
  const char *heads[] = {"year:i", "dmu:s", "x1:d", "x2:d", "y:d"};
  const char *cells[23 * 5];
  char buf[23 * 5][32];
  int r = 0;
  for (int yr = 0; yr < 2; yr++)
    for (int k = 0; k < 11; k++, r++) {
      snprintf(buf[r * 5], 32, "%d", 2000 + yr);
      snprintf(buf[r * 5 + 1], 32, "D%d", k + 1);
      snprintf(buf[r * 5 + 2], 32, "%g", FX[k][0] * (yr ? 10 : 1));
      snprintf(buf[r * 5 + 3], 32, "%g", FX[k][1] * (yr ? 10 : 1));
      snprintf(buf[r * 5 + 4], 32, "%g", FY[k]);
    }
  snprintf(buf[r * 5], 32, "2001"), snprintf(buf[r * 5 + 1], 32, "D99"), buf[r * 5 + 2][0] = 0;
  snprintf(buf[r * 5 + 3], 32, "1"), snprintf(buf[r * 5 + 4], 32, "1");
  for (int i = 0; i < 23 * 5; i++) cells[i] = buf[i];
  cn_table *t = cn_test_table(23, 5, heads, cells), *res = NULL;
  const char *xs[] = {"x1", "x2"}, *ys[] = {"y"};
  cn_dea_spec sp = {.inputs = xs, .m = 2, .outputs = ys, .s = 1, .dmu = "dmu", .by = "year"};
  cn_dea_opts o;
  cn_dea_opts_init(&o);
  cn_dea_report rep;
  cn_diag d;
  CHECK_STATUS(cn_measure_dea(t, &sp, &o, &res, &rep, &d), CN_OK, &d);
  CHECK_INT(rep.rows_dropped, 1);
  CHECK_INT(cn_table_nrow(res), 22);
  for (int k = 0; k < 22; k++) CHECK_NEAR(cn_table_dbl(res, 2)[k], JL[0].eff[k % 11], 1e-8);
  CHECK_STR(cn_table_str(res, 0, 11, NULL), "2001");
  cn_table_free(res);
  sp.by = NULL;
  CHECK_STATUS(cn_measure_dea(t, &sp, &o, &res, &rep, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "\"D1\" appears twice") != NULL);
  cn_table_free(t);
}

/* DataEnvelopmentAnalysis.jl test/malmquist.jl: CRS, input orientation,
 * two periods (M, EC, TC to 10 digits) and three periods (7 digits). */
TEST(malmquist_jl_vectors) {
  cn_table *t = NULL, *res = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "dea/malm.csv"), NULL, &t, &d), CN_OK, &d);
  const char *xs[] = {"x"}, *ys[] = {"y"};
  cn_dea_spec sp = {.inputs = xs, .m = 1, .outputs = ys, .s = 1, .dmu = "dmu", .by = "t"};
  cn_dea_opts o;
  cn_dea_opts_init(&o);
  cn_dea_report rep;
  static const double M[5][2] = {{2, 4}, {1.5, 1.3333333}, {1.25, 1.3333333}, {1.3333333333, 1.5}, {.6, .3333333}};
  static const double EC[5][2] = {
      {1.3333333333, 2}, {1, .6666667}, {.8333333333, .6666667}, {.8888888889, .75}, {.4, .1666667}};
  static const double TC[2] = {1.5, 2};
  for (int orient = 0; orient < 2; orient++) { /* the same under CRS either way */
    o.orient = orient ? CN_DEA_OUTPUT : CN_DEA_INPUT;
    CHECK_STATUS(cn_measure_malmquist(t, &sp, &o, CN_MALMQUIST_ADJACENT, false, &res, &rep, &d), CN_OK, &d);
    CHECK_INT(cn_table_nrow(res), 10);
    int cm = cn_table_find(res, "m"), ce = cn_table_find(res, "ec"), ct = cn_table_find(res, "tc");
    for (int u = 0; u < 5; u++)
      for (int p = 0; p < 2; p++) {
        int row = 2 * u + p;
        double tol = p ? 5e-8 : 5e-11; /* half a unit of the last printed digit */
        CHECK(fabs(cn_table_dbl(res, cm)[row] - M[u][p]) <= tol);
        CHECK(fabs(cn_table_dbl(res, ce)[row] - EC[u][p]) <= tol);
        CHECK_NEAR(cn_table_dbl(res, ct)[row], TC[p], 1e-12);
      }
    CHECK_INT(rep.infeasible, 0);
    CHECK_INT(rep.unmatched, 0);
    cn_table_free(res);
  }
  cn_table_free(t);
}

/* VRS cross-period LPs outside the other period's technology: missing m
 * and tc, counted; ec stays. Period 2's DMU B makes more output than any
 * period-1 DMU, so its distance to the period-1 VRS frontier is undefined
 * (input orientation: no convex combination reaches y = 9). */
TEST(malmquist_vrs_infeasible) {
  const char *heads[] = {"id:s", "t:i", "x:d", "y:d"};
  const char *cells[] = {"A", "1", "2", "1", "B", "1", "4", "3", "A", "2", "2", "2", "B", "2", "4", "9"};
  cn_table *t = cn_test_table(4, 4, heads, cells), *res = NULL;
  const char *xs[] = {"x"}, *ys[] = {"y"};
  cn_dea_spec sp = {.inputs = xs, .m = 1, .outputs = ys, .s = 1, .dmu = "id", .by = "t"};
  cn_dea_opts o;
  cn_dea_opts_init(&o);
  o.rts = CN_DEA_VRS;
  cn_dea_report rep;
  cn_diag d;
  CHECK_STATUS(cn_measure_malmquist(t, &sp, &o, CN_MALMQUIST_ADJACENT, false, &res, &rep, &d), CN_OK, &d);
  CHECK_INT(rep.infeasible, 1);
  int cm = cn_table_find(res, "m"), ce = cn_table_find(res, "ec");
  CHECK(isnan(cn_table_dbl(res, cm)[1]));
  CHECK(!isnan(cn_table_dbl(res, ce)[1]));
  CHECK(!isnan(cn_table_dbl(res, cm)[0]));
  cn_table_free(res);
  cn_table_free(t);
}

/* VRS Malmquist against Benchmarking's malmq (tests/data/dea/benchmarking.out),
 * input and output orientation, both pairs of periods. Benchmarking's output
 * index is built from Farrell φ, so its m, ec, tc are the reciprocals of
 * coinnet's (which uses the distance 1/φ: m > 1 is growth either way); its
 * e10 is coinnet's d01 (period-1 data, period-0 frontier), e01 is d10. Its
 * -Inf (no solution) is coinnet's missing value. Then --scale: pec from
 * Benchmarking's VRS scores of each period. */
TEST(malmquist_vrs_benchmarking) {
  cn_table *t = NULL, *res = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "dea/malm.csv"), NULL, &t, &d), CN_OK, &d);
  const char *xs[] = {"x"}, *ys[] = {"y"};
  cn_dea_spec sp = {.inputs = xs, .m = 1, .outputs = ys, .s = 1, .dmu = "dmu", .by = "t"};
  const char *on[] = {"in", "out"};
  for (int out = 0; out < 2; out++) {
    cn_dea_opts o;
    cn_dea_opts_init(&o);
    o.rts = CN_DEA_VRS, o.orient = out ? CN_DEA_OUTPUT : CN_DEA_INPUT;
    cn_dea_report rep;
    CHECK_STATUS(cn_measure_malmquist(t, &sp, &o, CN_MALMQUIST_ADJACENT, false, &res, &rep, &d), CN_OK, &d);
    const char *vars[] = {"m", "ec", "tc"};
    for (int p = 0; p < 2; p++) {
      double v[16];
      char tag[64];
      for (int k = 0; k < 3; k++) {
        snprintf(tag, sizeof tag, "malmq vrs %s %d %s", on[out], p + 1, vars[k]);
        CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", tag, v, 16), 5);
        int c = cn_table_find(res, vars[k]);
        for (int u = 0; u < 5; u++) CHECK_NEAR(cn_table_dbl(res, c)[2 * u + p], out ? 1 / v[u] : v[u], 1e-10);
      }
      snprintf(tag, sizeof tag, "malmq vrs %s %d e10", on[out], p + 1);
      cn_test_tagged_line("dea/benchmarking.out", tag, v, 16);
      int c = cn_table_find(res, "d01");
      for (int u = 0; u < 5; u++)
        CHECK_NEAR(cn_table_dbl(res, c)[2 * u + p], isinf(v[u]) ? NAN : out ? 1 / v[u] : v[u], 1e-10);
    }
    CHECK_INT(rep.infeasible, out ? 2 : 0);
    cn_table_free(res);
    o.rts = CN_DEA_CRS;
    CHECK_STATUS(cn_measure_malmquist(t, &sp, &o, CN_MALMQUIST_ADJACENT, true, &res, &rep, &d), CN_OK, &d);
    for (int p = 0; p < 2; p++) {
      double v[16];
      char tag[64];
      snprintf(tag, sizeof tag, "pec %s %d", on[out], p + 1);
      CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", tag, v, 16), 5);
      int cp = cn_table_find(res, "pec"), cs = cn_table_find(res, "sec"), ce = cn_table_find(res, "ec");
      for (int u = 0; u < 5; u++) {
        CHECK_NEAR(cn_table_dbl(res, cp)[2 * u + p], v[u], 1e-10);
        CHECK_NEAR(cn_table_dbl(res, cs)[2 * u + p] * v[u], cn_table_dbl(res, ce)[2 * u + p], 1e-12);
      }
    }
    cn_table_free(res);
  }
  cn_table_free(t);
}

/* 1200 DMUs (tests/data/dea/rand1200.csv): a reference set large enough
 * for column generation (lib/measure/dea.c), against Benchmarking's scores
 * and its second-stage slack sums; then the same DMUs against the same set
 * given as a separate reference (the full LP, no column generation). */
TEST(dea_large_column_generation) {
  cn_table *t = NULL, *res = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "dea/rand1200.csv"), NULL, &t, &d), CN_OK, &d);
  const char *xs[] = {"x1", "x2", "x3"}, *ys[] = {"y1", "y2"};
  cn_dea_spec sp = {.inputs = xs, .m = 3, .outputs = ys, .s = 2, .dmu = "dmu"};
  static double v[1200], w[1200];
  const char *tags[2][2] = {{"r1200 vrs in eff", "r1200 vrs in slacksum"}, {"r1200 crs out eff", "r1200 crs out slacksum"}};
  for (int c = 0; c < 2; c++) {
    cn_dea_opts o;
    cn_dea_opts_init(&o);
    o.rts = c ? CN_DEA_CRS : CN_DEA_VRS, o.orient = c ? CN_DEA_OUTPUT : CN_DEA_INPUT, o.slacks = true;
    cn_dea_report rep;
    CHECK_STATUS(cn_measure_dea(t, &sp, &o, &res, &rep, &d), CN_OK, &d);
    CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", tags[c][0], v, 1200), 1200);
    CHECK_INT(cn_test_tagged_line("dea/benchmarking.out", tags[c][1], w, 1200), 1200);
    int ce = cn_table_find(res, c ? "phi" : "theta"), cs = cn_table_find(res, "slack_x1");
    for (int k = 0; k < 1200; k++) {
      CHECK_NEAR(cn_table_dbl(res, ce)[k], v[k], 1e-9);
      double sum = 0;
      for (int j = 0; j < 5; j++) sum += cn_table_dbl(res, cs + j)[k];
      CHECK(fabs(sum - w[k]) <= 1e-6 * (1 + w[k]));
    }
    cn_table_free(res);
  }
  cn_table_free(t);
}
