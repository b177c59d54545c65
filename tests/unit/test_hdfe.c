/* tests/unit/test_hdfe.c — the demeaning gives bit-identical estimates
 * whatever the number of threads (spec: results never depend on it). The
 * data are drawn here (fixest's benchmark design, as bench/gen_fe, at
 * 20000 rows: enough for the demeaning's 8 fixed blocks of rows); the test
 * compares the raw bytes of two runs, so it needs no reference numbers.
 * The estimates themselves are checked against R elsewhere (test_model.c,
 * tests/cli/model). */
#include <omp.h>
#include <stdlib.h>
#include "test.h"

/* y, x1, x2, w, z (x2's instrument) and fe1..fe3 on n rows; "difficult": fe1 a worker with 20
 * rows in time order and fe2 a firm the worker rarely leaves. */
static cn_table *fe_design(int64_t n, bool hard) {
  cn_table *t = cn_table_new(n);
  cn_diag d;
  cn_rng r;
  cn_rng_seed(&r, 14, hard ? 2 : 1);
  const char *dn[] = {"y", "x1", "x2", "w", "z"}, *in[] = {"fe1", "fe2", "fe3"};
  double *dc[5];
  int64_t *ic[3];
  for (int j = 0; j < 5; j++) dc[j] = cn_table_dbl_mut(t, cn_table_add_column(t, dn[j], CN_DOUBLE, &d));
  for (int j = 0; j < 3; j++) ic[j] = cn_table_i64_mut(t, cn_table_add_column(t, in[j], CN_INT64, &d));
  int64_t k1 = n / 20, k2 = 141, k3 = 26, firm = 0;
  for (int64_t i = 0; i < n; i++) {
    if (hard) {
      if (i % 20 == 0 || cn_rng_below(&r, 20) == 0) firm = (int64_t)cn_rng_below(&r, (uint64_t)k2);
      ic[0][i] = i / 20, ic[1][i] = firm, ic[2][i] = (i % 20) % k3;
    } else {
      ic[0][i] = (int64_t)cn_rng_below(&r, (uint64_t)k1);
      ic[1][i] = (int64_t)cn_rng_below(&r, (uint64_t)k2);
      ic[2][i] = (int64_t)cn_rng_below(&r, (uint64_t)k3);
    }
    double x1 = cn_rng_normal(&r), z = cn_rng_normal(&r);
    double x2 = z + cn_rng_normal(&r) + 0.1 * (double)ic[1][i] / (double)k2;
    dc[1][i] = x1, dc[2][i] = x2, dc[3][i] = 0.5 + cn_rng_uniform(&r), dc[4][i] = z;
    dc[0][i] = x1 - 0.5 * x2 + 0.01 * (double)(ic[0][i] % 7) + 0.02 * (double)(ic[1][i] % 5) +
               0.03 * (double)ic[2][i] + cn_rng_normal(&r);
  }
  return t;
}

/* One estimate with nt threads. */
static cn_model *fit(const cn_table *t, const char *formula, cn_solver s, bool weights, bool iv, int nt) {
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  static const char *const cl[] = {"fe1", "fe2"};
  o.vce = CN_VCE_CLUSTER;
  o.cluster = cl;
  o.n_cluster = 2;
  o.solver = s;
  if (weights) o.weights = "w";
  omp_set_num_threads(nt);
  cn_model *m = NULL;
  cn_diag d;
  cn_status st = iv ? cn_iv(t, formula, &o, &m, &d) : cn_reg(t, formula, &o, &m, &d);
  omp_set_num_threads(2);
  CHECK_STATUS(st, CN_OK, &d);
  return m;
}

/* Both estimates, with the same bytes in every coefficient, SE and VCE. */
static void same_bytes(const cn_table *t, const char *formula, cn_solver s, bool weights, bool iv) {
  cn_model *a = fit(t, formula, s, weights, iv, 1), *b = fit(t, formula, s, weights, iv, 2);
  CHECK(a && b);
  if (a && b) {
    CHECK_INT(a->ncoef, b->ncoef);
    CHECK_INT(a->iterations, b->iterations);
    for (int k = 0; k < a->ncoef && k < b->ncoef; k++) {
      if (memcmp(&a->coef[k].b, &b->coef[k].b, sizeof(double)) || memcmp(&a->coef[k].se, &b->coef[k].se, sizeof(double)))
        cn_test_fail(__FILE__, __LINE__, "%s (solver %d): %s differs between 1 and 2 threads: %.17g vs %.17g, se %.17g vs %.17g",
                     formula, (int)s, a->coef[k].name, a->coef[k].b, b->coef[k].b, a->coef[k].se, b->coef[k].se);
    }
    if (a->ncoef == b->ncoef)
      CHECK(memcmp(a->V, b->V, (size_t)a->ncoef * (size_t)a->ncoef * sizeof(double)) == 0);
    CHECK(memcmp(&a->rss, &b->rss, sizeof(double)) == 0);
  }
  cn_model_free(a);
  cn_model_free(b);
}

TEST(hdfe_threads_bit_identical) {
  for (int hard = 0; hard < 2; hard++) {
    cn_table *t = fe_design(20000, hard);
    CHECK(t != NULL);
    if (!t) continue;
    same_bytes(t, "y ~ x1 | fe1", CN_SOLVER_AUTO, false, false);
    same_bytes(t, "y ~ x1 | fe1 + fe2", CN_SOLVER_AUTO, false, false);
    same_bytes(t, "y ~ x1 + x2 | fe1 + fe2 + fe3", CN_SOLVER_AUTO, false, false);
    same_bytes(t, "y ~ x1 + x2 | fe1 + fe2 + fe3", CN_SOLVER_AP, false, false);
    same_bytes(t, "y ~ x1 + x2 | fe1 + fe2", CN_SOLVER_CG, true, false);
    same_bytes(t, "y ~ x1 | fe1 + fe2 + fe3 | x2 ~ z", CN_SOLVER_AUTO, false, true);
    same_bytes(t, "y ~ x1 + x2", CN_SOLVER_AUTO, true, false);
    cn_table_free(t);
  }
}

/* fixest's worker–firm design (tests/data/fe_bench, 10000 rows: slow for
 * alternating projections), one to three fixed effects, both solvers: the
 * coefficients of R fixest 0.12.1, printed by
 * tests/data/gen/fe_bench_reference.R (feols(y ~ x1 + x2 | FE,
 * fixef.tol = 1e-11)), to 1e-10 relative. */
TEST(hdfe_worker_firm_fixest) {
  static const struct {
    const char *formula;
    double b1, b2;
  } want[] = {{"y ~ x1 + x2 | fe1", 0.992236514435615, 0.0302530602773498},
              {"y ~ x1 + x2 | fe1 + fe2", 0.982087674605336, 0.0439899684940803},
              {"y ~ x1 + x2 | fe1 + fe2 + fe3", 1.00423089125276, -0.00393979335592139}};
  cn_diag d;
  cn_table *t = NULL;
  CHECK_STATUS(cn_table_read_csv(cn_test_path(cn_test_data(), "fe_bench/worker_firm.csv"), NULL, &t, &d),
               CN_OK, &d);
  if (!t) return;
  for (int s = 0; s < 2; s++)
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
      cn_reg_opts o;
      cn_reg_opts_init(&o);
      o.solver = s ? CN_SOLVER_AP : CN_SOLVER_CG;
      cn_model *m = NULL;
      CHECK_STATUS(cn_reg(t, want[k].formula, &o, &m, &d), CN_OK, &d);
      if (!m) continue;
      CHECK_INT(m->ncoef, 3); /* x1, x2 and the constant (reghdfe's) */
      if (m->ncoef == 3) {
        /* relative to the coefficient itself (x2's is 0.004 with three) */
        CHECK_NEAR(m->coef[0].b / want[k].b1, 1, 1e-10);
        CHECK_NEAR(m->coef[1].b / want[k].b2, 1, 1e-10);
      }
      cn_model_free(m);
    }
  cn_table_free(t);
}
