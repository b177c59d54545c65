/* tests/unit/test_sfa.c — stochastic frontiers (lib/model/sfa.c).
 *
 * Expected numbers:
 * - FRONTIER 4.1's EG1 example output (Coelli 1996, shipped as
 *   inst/front41/EG1.OUT in R frontier, cran/frontier at commit
 *   91725b1e6bb2df9b47c3d9eda2d545996a0f0c54), the printed digits below;
 * - the maxima of the published likelihoods written independently in R and
 *   maximized by Newton steps with numDeriv (tests/data/sfa-rice/maxima.R
 *   → maxima.out);
 * - R frontier 1.1-8 built from source (tests/data/sfa-rice/frontier.R →
 *   frontier.out).
 * FRONTIER's DFP search stops (tol 1e-5) before the maximum: its printed
 * estimates lie 1e-6 (EG1) to 1e-4 (BC92's mu) from it, so they are checked
 * to that distance, and the maximum itself to 1e-7. */
#include <stdlib.h>
#include "test.h"

static cn_table *read_data(const char *rel) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), rel), NULL, &t, &d), CN_OK, &d);
  return t;
}

/* coinnet's coefficient order (slopes, _cons, [delta: slopes, _cons],
 * sigma2, gamma, [mu], [eta]) from R's (intercept first, Z intercept first). */
static void r_order(const double *rv, double *cv, int k, int kz, int rest) {
  for (int a = 0; a < k - 1; a++) cv[a] = rv[a + 1];
  cv[k - 1] = rv[0];
  for (int a = 0; a < kz - 1; a++) cv[k + a] = rv[k + a + 1];
  if (kz) cv[k + kz - 1] = rv[k];
  for (int a = 0; a < rest; a++) cv[k + kz + a] = rv[k + kz + a];
}

/* FRONTIER 4.1, EG1.OUT: final ML estimates, log likelihood, LR test, TE of
 * firms 1-10 and 60, mean efficiency. */
static const double EG1_B[5] = {0.28110205, 0.53647981, 0.56161963, 0.21700046, 0.79720730};
static const double EG1_LL = -17.027229, EG1_LR = 2.8392402, EG1_MEAN = 0.74056772;
static const double EG1_TE[11] = {0.65068880, 0.82889151, 0.72642592, 0.74785113, 0.69133584, 0.77654637,
                                  0.56516787, 0.73768185, 0.84388964, 0.75784167, 0.70842786};

TEST(sfa_eg1_frontier41) {
  cn_table *t = read_data("sfa-coelli/front41.csv");
  cn_sfa_opts o;
  cn_sfa_opts_init(&o);
  cn_model *m = NULL;
  cn_sfa_result r;
  cn_diag d;
  CHECK_STATUS(cn_sfa(t, "log(output) ~ log(capital) + log(labour)", &o, &m, &r, &d), CN_OK, &d);
  if (!m) {
    cn_table_free(t);
    return;
  }
  CHECK_INT(m->ncoef, 5);
  CHECK_STR(m->coef[3].name, "sigma2");
  CHECK_STR(m->coef[4].name, "gamma");
  /* FRONTIER's printed estimates: within its stopping distance of the maximum */
  for (int a = 0; a < 5; a++) CHECK_NEAR(m->coef[a].b, EG1_B[a], 1e-5);
  CHECK(fabs(m->ll - EG1_LL) < 5e-6);
  CHECK(fabs(r.lr - EG1_LR) < 2e-5);
  CHECK(fabs(r.mean_te - EG1_MEAN) < 1e-6);
  for (int k = 0; k < 10; k++) CHECK(fabs(r.te[k] - EG1_TE[k]) < 1e-6);
  CHECK(fabs(r.te[59] - EG1_TE[10]) < 1e-6);
  /* its grid search ended at gamma = 0.8, and its LR test has 1 restriction */
  CHECK_NEAR(r.grid_gamma, 0.8, 1e-12);
  CHECK_INT(r.lr_df, 1);
  /* Kodde & Palm (1986) Table 1, 1 restriction: 2.706 (5%), 5.412 (1%) */
  CHECK(fabs(r.lr_crit5 - 2.706) < 5e-4 && fabs(r.lr_crit1 - 5.412) < 5e-4);
  CHECK(!r.wrong_skew && r.skew < 0);
  /* the maximum (maxima.R): estimates to 1e-7, ll to 1e-9, TE to 1e-7,
   * observed-information standard errors to 1e-5 */
  double v[64], c[8];
  CHECK_INT(cn_test_tagged_line("sfa-rice/maxima.out", "eg1 coef", v, 64), 5);
  r_order(v, c, 3, 0, 2);
  for (int a = 0; a < 5; a++) CHECK_NEAR(m->coef[a].b, c[a], 1e-7);
  CHECK_INT(cn_test_tagged_line("sfa-rice/maxima.out", "eg1 ll", v, 64), 1);
  CHECK(fabs(m->ll - v[0]) < 1e-9);
  CHECK_INT(cn_test_tagged_line("sfa-rice/maxima.out", "eg1 se", v, 64), 5);
  r_order(v, c, 3, 0, 2);
  for (int a = 0; a < 5; a++) CHECK_NEAR(m->coef[a].se, c[a], 1e-5);
  CHECK_INT(cn_test_tagged_line("sfa-rice/maxima.out", "eg1 te", v, 64), 60);
  for (int k = 0; k < 60; k++) CHECK(fabs(r.te[k] - v[k]) < 1e-7);
  /* R frontier (same Fortran as FRONTIER 4.1) */
  CHECK_INT(cn_test_tagged_line("sfa-rice/frontier.out", "eg1 coef", v, 64), 5);
  r_order(v, c, 3, 0, 2);
  for (int a = 0; a < 5; a++) CHECK_NEAR(m->coef[a].b, c[a], 1e-5);
  cn_model_free(m);
  cn_sfa_result_free(&r);
  cn_table_free(t);
}

/* Battese & Coelli (1992) and (1995) on riceProdPhil, and the
 * time-invariant half-normal error-components model. */
TEST(sfa_rice_bc92_bc95) {
  cn_table *t = read_data("sfa-rice/rice.csv");
  const char *f = "log(PROD) ~ log(AREA) + log(LABOR) + log(NPK)";
  struct {
    const char *tag;
    bool bc92, tn;
    const char *bc95;
    int kz, rest;
    double tol_frontier; /* R frontier's distance from the maximum */
  } cs[] = {{"bc92", true, true, NULL, 0, 4, 5e-4}, {"bc95", false, false, "EDYRS + BANRAT", 3, 2, 5e-4},
            {"bc92hn", false, false, NULL, 0, 2, 5e-4}};
  for (size_t q = 0; q < sizeof cs / sizeof *cs; q++) {
    cn_sfa_opts o;
    cn_sfa_opts_init(&o);
    o.panel_id = "FMERCODE", o.panel_time = "YEARDUM";
    o.bc92 = cs[q].bc92, o.dist = cs[q].tn ? CN_SFA_TNORMAL : CN_SFA_HNORMAL, o.bc95 = cs[q].bc95;
    cn_model *m = NULL;
    cn_sfa_result r;
    cn_diag d;
    CHECK_STATUS(cn_sfa(t, f, &o, &m, &r, &d), CN_OK, &d);
    if (!m) continue;
    int p = 4 + cs[q].kz + cs[q].rest;
    CHECK_INT(m->ncoef, p);
    double v[512], c[16];
    char tag[64];
    if (q < 2) { /* the maximum */
      snprintf(tag, sizeof tag, "%s coef", cs[q].tag);
      CHECK_INT(cn_test_tagged_line("sfa-rice/maxima.out", tag, v, 512), p);
      r_order(v, c, 4, cs[q].kz, cs[q].rest);
      for (int a = 0; a < p; a++) CHECK_NEAR(m->coef[a].b, c[a], 1e-6);
      snprintf(tag, sizeof tag, "%s ll", cs[q].tag);
      cn_test_tagged_line("sfa-rice/maxima.out", tag, v, 512);
      CHECK(fabs(m->ll - v[0]) < 1e-8);
    }
    if (q == 1) { /* the exact Hessian's maximum and SEs (bc95_exact.R: R deriv, Newton) */
      CHECK_INT(cn_test_tagged_line("sfa-rice/bc95_exact.out", "bc95 coef", v, 512), p);
      r_order(v, c, 4, 3, 2);
      for (int a = 0; a < p; a++) CHECK_NEAR(m->coef[a].b, c[a], 1e-8 * fmax(1, fabs(c[a])));
      CHECK_INT(cn_test_tagged_line("sfa-rice/bc95_exact.out", "bc95 se", v, 512), p);
      r_order(v, c, 4, 3, 2);
      for (int a = 0; a < p; a++) CHECK(fabs(m->coef[a].se - c[a]) <= 1e-7 * c[a]);
      CHECK_INT(cn_test_tagged_line("sfa-rice/maxima.out", "bc95 te", v, 512), 344);
      for (int k = 0; k < 344; k++) CHECK(fabs(r.te[k] - v[k]) < 1e-6);
    }
    if (q == 0) {
      CHECK_INT(cn_test_tagged_line("sfa-rice/maxima.out", "bc92 se", v, 512), p);
      r_order(v, c, 4, 0, 4);
      for (int a = 0; a < p; a++) CHECK_NEAR(m->coef[a].se, c[a], 1e-4);
    }
    /* R frontier: its estimates within its stopping distance; its log
     * likelihood carries about +2.4e-8 per observation */
    snprintf(tag, sizeof tag, "%s coef", cs[q].tag);
    CHECK_INT(cn_test_tagged_line("sfa-rice/frontier.out", tag, v, 512), p);
    r_order(v, c, 4, cs[q].kz, cs[q].rest);
    for (int a = 0; a < p; a++) CHECK_NEAR(m->coef[a].b, c[a], cs[q].tol_frontier);
    snprintf(tag, sizeof tag, "%s ll", cs[q].tag);
    cn_test_tagged_line("sfa-rice/frontier.out", tag, v, 512);
    CHECK(fabs(m->ll - v[0]) < 1e-5);
    snprintf(tag, sizeof tag, "%s te", cs[q].tag);
    /* one TE per firm and period (rows: period-major, firms 1-43 in order),
     * or per firm when u does not vary in time */
    int nte = cn_test_tagged_line("sfa-rice/frontier.out", tag, v, 512);
    CHECK(nte == (q == 2 ? 43 : 344));
    for (int k = 0; k < 344 && nte > 0; k++) CHECK(fabs(r.te[k] - v[k % nte]) < 1e-4);
    CHECK_INT(r.n_firms, 43);
    /* Kodde & Palm (1986) Table 1: 3 restrictions 7.045 (5%), 10.501 (1%);
     * 4: 8.761, 12.483; 1: 2.706, 5.412 */
    static const double kp5[5] = {0, 2.706, 5.138, 7.045, 8.761}, kp1[5] = {0, 5.412, 8.273, 10.501, 12.483};
    CHECK_INT(r.lr_df, q == 0 ? 3 : q == 1 ? 4 : 1);
    CHECK(fabs(r.lr_crit5 - kp5[r.lr_df]) < 5e-4 && fabs(r.lr_crit1 - kp1[r.lr_df]) < 5e-4);
    CHECK_INT(r.n_period, 8);
    cn_model_free(m);
    cn_sfa_result_free(&r);
  }
  cn_table_free(t);
}

/* A cost frontier on EG1's data: the OLS residuals have the wrong skew
 * for it (they are left-skewed), which is flagged; R frontier's
 * ineffDecrease = FALSE fit has gamma at the boundary (1.4e-5). */
TEST(sfa_cost_wrong_skew) {
  cn_table *t = read_data("sfa-coelli/front41.csv");
  cn_sfa_opts o;
  cn_sfa_opts_init(&o);
  o.cost = true;
  cn_model *m = NULL;
  cn_sfa_result r;
  cn_diag d;
  cn_status st = cn_sfa(t, "log(output) ~ log(capital) + log(labour)", &o, &m, &r, &d);
  if (st == CN_OK) {
    CHECK(r.wrong_skew);
    CHECK(r.gamma < 1e-3);
    double v[64];
    cn_test_tagged_line("sfa-rice/frontier.out", "eg1cost ll", v, 64);
    CHECK(fabs(m->ll - v[0]) < 1e-5);
    CHECK(m->n_notes >= 4);
    cn_model_free(m);
    cn_sfa_result_free(&r);
  } else {
    CHECK_INT(st, CN_EANALYSIS);
    CHECK(strstr(d.hint, "skewed the wrong way") != NULL);
  }
  cn_table_free(t);
}

/* Usage errors: --bc92 without a panel, text time column. */
TEST(sfa_usage) {
  cn_table *t = read_data("sfa-rice/rice.csv");
  cn_sfa_opts o;
  cn_sfa_opts_init(&o);
  o.bc92 = true;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_INT(cn_sfa(t, "log(PROD) ~ log(AREA)", &o, &m, NULL, &d), CN_EUSAGE);
  CHECK(strstr(d.message, "--panel") != NULL);
  cn_table_free(t);
}
