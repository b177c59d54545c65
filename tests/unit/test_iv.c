/* tests/unit/test_iv.c — `coinnet iv` (2SLS with absorbed fixed effects,
 * ivreghdfe conventions) against R.
 *
 * Expected numbers: R 4.2 (AER::ivreg with the fixed effects as explicit
 * dummies, sandwich's HC0 and clustered meat with ivreg2's `small` factors
 * applied as spec/econometrics.md §3 writes them; lm for the first stages;
 * the Kleibergen–Paap rk statistics from ranktest's algorithm written in R
 * matrix code; Cragg–Donald from stats::cancor), printed with %.15g by
 * tests/data/gen/iv_reference.R on the data of tests/data/iv (SOURCES.md).
 * Tolerance 1e-8 relative (coefficients: relative to max(|b|, se)). */
#include <math.h>
#include <stdlib.h>
#include "test.h"

static cn_table *read_data(const char *name) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), name), NULL, &t, &d), CN_OK, &d);
  return t;
}

/* |a − b| ≤ rel · scale, scale = max(|b|, floor); both NaN are equal. */
static void near(const char *tag, const char *what, int i, double a, double b, double floor_,
                 double rel, int line) {
  if (isnan(a) && isnan(b)) return;
  double s = fabs(b) > floor_ ? fabs(b) : floor_;
  if (!(fabs(a - b) <= rel * s))
    cn_test_fail(__FILE__, line, "%s: %s[%d] = %.17g, want %.17g", tag, what, i, a, b);
}
#define NEAR(what, i, a, b, fl) near(c->tag, what, i, a, b, fl, 1e-8, __LINE__)

typedef struct first_want {
  int ncoef;
  double b[8], se[8], F, pr2;
} first_want;

typedef struct iv_case {
  const char *tag, *data, *formula;
  cn_vce vce;
  const char *cluster;
  int nb;
  double b[4], se[4], cons_b, cons_se;
  int nfirst;
  first_want first[2];
  double cd_f, kp_lm, kp_lm_p, kp_wald_f;
} iv_case;

/* Printed by tests/data/gen/iv_reference.R (tag: its output lines). */
static const iv_case cases[] = {
    {"housing-just-iid", "iv/housing.csv", "rent ~ pcturban | hsngval ~ faminc", CN_VCE_IID, NULL,
     2, {0.00319382679386411, -0.506411813143113}, {0.000640067965955619, 0.496686867283403}, 113.814331391331, 21.1716443482535,
     1, {{2, {3.18416618572257, 281.437614566089}, {0.760152744503533, 138.06707624517}, 17.5464683111257, 0.27184242252494}},
     17.5464683111257, 13.592121126247, 0.000227136833435124, NAN},
    {"housing-just-robust", "iv/housing.csv", "rent ~ pcturban | hsngval ~ faminc", CN_VCE_ROBUST, NULL,
     2, {0.00319382679386411, -0.506411813143113}, {0.000761169098402732, 0.559886105827535}, 113.814331391331, 22.3010755803209,
     1, {{2, {3.18416618572257, 281.437614566089}, {0.446330124996374, 126.145239903895}, 50.8954608430232, 0.27184242252494}},
     17.5464683111257, 5.89019943135336, 0.0152253760350069, 50.895460843023},
    {"housing-just-cluster", "iv/housing.csv", "rent ~ pcturban | hsngval ~ faminc", CN_VCE_CLUSTER, "division",
     2, {0.00319382679386411, -0.506411813143113}, {0.000547424381984084, 0.807781300617704}, 113.814331391331, 26.2307383110242,
     1, {{2, {3.18416618572257, 281.437614566089}, {0.553004906296365, 192.916631676275}, 33.1538129775483, 0.27184242252494}},
     17.5464683111257, 3.43780425753894, 0.0637203244927195, 33.153812977545},
    {"housing-over-iid", "iv/housing.csv", "rent ~ pcturban | hsngval ~ faminc + i(region)", CN_VCE_IID, NULL,
     2, {0.00223983298441682, 0.0815159681852381}, {0.000338759198573623, 0.308152767686224}, 120.70651453651, 15.7068838969769,
     1, {{5, {2.73132351293192, 5095.0380944365, 3316.98781171526, 18508.8258534457, 182.220084027972}, {0.681893080252446, 4122.11224492226, 3804.3502171145, 3813.8605086922, 115.016739961472}, 13.2977762069733, 0.547283672946042}},
     13.2977762069733, 27.3641836473021, 1.67776432653119e-05, NAN},
    {"housing-over-robust", "iv/housing.csv", "rent ~ pcturban | hsngval ~ faminc + i(region)", CN_VCE_ROBUST, NULL,
     2, {0.00223983298441682, 0.0815159681852381}, {0.000693118298462697, 0.458563538109722}, 120.70651453651, 15.7348042319961,
     1, {{5, {2.73132351293192, 5095.0380944365, 3316.98781171526, 18508.8258534457, 182.220084027972}, {0.59273488836446, 2878.65831011228, 2456.59625488204, 4209.34353501156, 103.385354220826}, 11.417780257427, 0.547283672946042}},
     13.2977762069733, 14.419596244105, 0.00606955621269752, 11.4177802574269},
    {"housing-over-cluster", "iv/housing.csv", "rent ~ pcturban | hsngval ~ faminc + i(region)", CN_VCE_CLUSTER, "division",
     2, {0.00223983298441682, 0.0815159681852381}, {0.000416018685476282, 0.574255608145146}, 120.70651453651, 19.5617751949499,
     1, {{5, {2.73132351293192, 5095.0380944365, 3316.98781171526, 18508.8258534457, 182.220084027972}, {0.522048425514413, 3400.66964803004, 2366.84034832608, 5169.73981265788, 171.930419738819}, 93.0539016528398, 0.547283672946042}},
     13.2977762069733, 4.98835452100051, 0.288494482717164, 93.05390165287},
    {"housing-two-robust", "iv/housing.csv", "rent ~ pcturban | hsngval ~ faminc + popden", CN_VCE_ROBUST, NULL,
     2, {0.00302153311368982, -0.400230577878642}, {0.000766798633900838, 0.517149574036386}, 115.059076993199, 21.5482362998421,
     1, {{3, {3.24696983976961, -1.39270159057556, 377.308671711875}, {0.478862804576657, 0.657357577439809, 157.726381339241}, 22.9989278886021, 0.314872956609064}},
     10.5704162050952, 6.29910503401794, 0.0428713067559596, 22.9989278886048},
    {"ftest-robust", "iv/Ftest.csv", "Y ~ 1 | X1 + X2 ~ Z1 + Z2", CN_VCE_ROBUST, NULL,
     2, {3.25907220422066, 3.18104717679886}, {0.298053367651963, 0.345551579480702}, -1.00947547457511, 0.253268491750503,
     2, {{2, {1.34200621785597, -0.108451232046375}, {0.076351997118093, 0.0720465685543663}, 366.093641105106, 0.961648810856872}, {2, {-0.452714829656341, 1.04178555692817}, {0.107085624765015, 0.121757327052904}, 123.698023882916, 0.930529646622404}},
     38.802854619625, 7.91752638425633, 0.00489581646888203, 43.0329329243619},
    {"ftest-fe-iid", "iv/Ftest.csv", "Y ~ 1 | id | X1 + X2 ~ Z1 + Z2", CN_VCE_IID, NULL,
     2, {2.95073598654551, 3.29365450949724}, {0.641614947689268, 0.47065095717314}, NAN, NAN,
     2, {{2, {1.00765157519445, -5.48922799899188e-18}, {0.119377370186569, 0.0777734710018194}, 35.6243349732272, 0.81661611564028}, {2, {8.83726448306715e-17, 0.894943028733944}, {0.150621072607687, 0.0981285113284804}, 41.5882228426968, 0.838671371116132}},
     35.6243349732274, NAN, NAN, NAN},
    {"ftest-over-iid", "iv/Ftest.csv", "Y ~ 1 | X1 + X2 ~ Z1eps + Z2eps + Z", CN_VCE_IID, NULL,
     2, {3.24988849138881, 3.16799527284449}, {0.37927976374915, 0.398212631101561}, -0.999998818656735, 0.334733537329289,
     2, {{3, {-0.97619227316722, -2.421208213454, 2.31030028801774}, {6.93398049822232, 6.90633301645528, 6.90308582752705}, 133.777297334083, 0.961661209443505}, {3, {5.78117133455707, 7.25111743737052, -6.20424666206211}, {8.88032265604188, 8.84491463048119, 8.84075596787532}, 73.9910923197142, 0.932765560047589}},
     25.0572493897901, 16.4901407900449, 0.000262549638431611, NAN},
    {"cigar-2fe-iid", "iv/Cigar.csv", "Sales ~ NDI | State + Year | Price ~ Pimin", CN_VCE_IID, NULL,
     2, {-0.94002242319903, -0.00525881287252372}, {0.222520570650531, 0.000566632574576949}, NAN, NAN,
     1, {{2, {0.458899384157992, 0.00130650727753887}, {0.0356896010490653, 0.000151312014595167}, 165.329960952345, 0.112597280821754}},
     165.329960952346, 155.38424753402, 1.15404982531365e-35, NAN},
    {"cigar-2fe-robust", "iv/Cigar.csv", "Sales ~ NDI | State + Year | Price ~ Pimin", CN_VCE_ROBUST, NULL,
     2, {-0.94002242319903, -0.00525881287252372}, {0.250642765309624, 0.000879455893047155}, NAN, NAN,
     1, {{2, {0.458899384157992, 0.00130650727753887}, {0.0490147560379187, 0.000203403551468645}, 87.6559213630082, 0.112597280821754}},
     165.329960952346, 68.1262964517783, 1.53351872372934e-16, 87.6559213630669},
    {"cigar-2fe-cluster", "iv/Cigar.csv", "Sales ~ NDI | State + Year | Price ~ Pimin", CN_VCE_CLUSTER, "State",
     2, {-0.94002242319903, -0.00525881287252372}, {0.701072810761577, 0.00319708733541267}, NAN, NAN,
     1, {{2, {0.458899384157992, 0.00130650727753887}, {0.0875525165989362, 0.000457583979933334}, 27.4724683632602, 0.112597280821754}},
     171.166628798707, 14.0699398591744, 0.00017613642558066, 27.4724683632603},
};

TEST(iv_against_r) {
  for (size_t q = 0; q < sizeof cases / sizeof *cases; q++) {
    const iv_case *c = &cases[q];
    cn_table *t = read_data(c->data);
    if (!t) continue;
    cn_reg_opts o;
    cn_reg_opts_init(&o);
    o.vce = c->vce;
    const char *cl[1] = {c->cluster};
    if (c->cluster) o.cluster = cl, o.n_cluster = 1;
    cn_model *m = NULL;
    cn_diag d;
    CHECK_STATUS(cn_iv(t, c->formula, &o, &m, &d), CN_OK, &d);
    cn_table_free(t);
    if (!m) continue;
    CHECK_STR(m->estimator, "iv");
    CHECK_STR(m->command, "iv");
    CHECK_INT(m->ncoef, c->nb + (isnan(c->cons_b) ? 0 : 1) + (m->n_fe && isnan(c->cons_b) ? 1 : 0));
    for (int a = 0; a < c->nb && a < m->ncoef; a++) {
      NEAR("b", a, m->coef[a].b, c->b[a], c->se[a]);
      NEAR("se", a, m->coef[a].se, c->se[a], 0);
    }
    if (!isnan(c->cons_b) && m->ncoef == c->nb + 1) {
      CHECK_STR(m->coef[c->nb].name, "_cons");
      NEAR("cons b", 0, m->coef[c->nb].b, c->cons_b, c->cons_se);
      NEAR("cons se", 0, m->coef[c->nb].se, c->cons_se, 0);
    }
    CHECK_INT(m->n_first, c->nfirst);
    for (int j = 0; j < c->nfirst && j < m->n_first; j++) {
      const first_want *fw = &c->first[j];
      const cn_first_stage *fs = &m->first[j];
      CHECK_INT(fs->ncoef, fw->ncoef);
      for (int a = 0; a < fw->ncoef && a < fs->ncoef; a++) {
        NEAR("first b", a, fs->coef[a].b, fw->b[a], fw->se[a]);
        NEAR("first se", a, fs->coef[a].se, fw->se[a], 0);
      }
      NEAR("first F", j, fs->F, fw->F, 0);
      NEAR("partial r2", j, fs->partial_r2, fw->pr2, 0);
    }
    NEAR("cd_f", 0, m->cd_f, c->cd_f, 0);
    NEAR("kp_lm", 0, m->kp_lm, c->kp_lm, 0);
    NEAR("kp_lm_p", 0, m->kp_lm_p, c->kp_lm_p, 0);
    NEAR("kp_wald_f", 0, m->kp_wald_f, c->kp_wald_f, 0);
    cn_model_free(m);
  }
}

/* One endogenous regressor and one instrument: the KP rk Wald F is the
 * Wald F of the single first-stage coefficient with the same variance and
 * ivreg2's factors (spec §3), robust and clustered, with fixed effects. */
TEST(iv_kp_wald_identity) {
  cn_table *t = read_data("iv/Cigar.csv");
  if (!t) return;
  const char *cl[1] = {"State"};
  for (int v = 0; v < 2; v++) {
    cn_reg_opts o;
    cn_reg_opts_init(&o);
    o.vce = v ? CN_VCE_CLUSTER : CN_VCE_ROBUST;
    if (v) o.cluster = cl, o.n_cluster = 1;
    cn_model *m = NULL;
    cn_diag d;
    CHECK_STATUS(cn_iv(t, "Sales ~ NDI | State + Year | Price ~ Pimin", &o, &m, &d), CN_OK, &d);
    if (!m) continue;
    double se = m->first[0].coef[0].se, b = m->first[0].coef[0].b;
    CHECK_NEAR(m->kp_wald_f / ((b / se) * (b / se)), 1, 1e-10);
    CHECK_NEAR(m->first[0].F / m->kp_wald_f, 1, 1e-10);
    CHECK_NEAR(m->kp_lm_df, 1, 0);
    CHECK_NEAR(m->sy_crit[0], 16.38, 0);
    CHECK_NEAR(m->sy_crit[1], 8.96, 0);
    CHECK_NEAR(m->sy_crit[2], 6.66, 0);
    CHECK_NEAR(m->sy_crit[3], 5.53, 0);
    CHECK_INT(m->n_fe, 2);
    cn_model_free(m);
  }
  cn_table_free(t);
}

/* Stock–Yogo (2005) Table 5.2 for more instruments and two endogenous
 * regressors; NaN where the table stops. */
TEST(iv_stock_yogo) {
  cn_table *t = read_data("iv/housing.csv");
  if (!t) return;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_iv(t, "rent ~ pcturban | hsngval ~ faminc + popden", NULL, &m, &d), CN_OK, &d);
  if (m) {
    CHECK_NEAR(m->sy_crit[0], 19.93, 0);
    CHECK_NEAR(m->sy_crit[3], 7.25, 0);
  }
  cn_model_free(m);
  m = NULL;
  CHECK_STATUS(cn_iv(t, "rent ~ pcturban | hsngval ~ faminc + i(region)", NULL, &m, &d), CN_OK, &d);
  if (m) {
    CHECK_NEAR(m->sy_crit[0], 24.58, 0);
    CHECK_NEAR(m->sy_crit[1], 13.96, 0);
    CHECK_NEAR(m->sy_crit[2], 10.26, 0);
    CHECK_NEAR(m->sy_crit[3], 8.31, 0);
  }
  cn_model_free(m);
  m = NULL;
  CHECK_STATUS(cn_iv(t, "rent ~ pcturban | hsngval + faminc ~ popden + popgrow + pop", NULL, &m, &d),
               CN_OK, &d);
  if (m) {
    CHECK_NEAR(m->sy_crit[0], 13.43, 0);
    CHECK_NEAR(m->sy_crit[3], 5.45, 0);
    CHECK_INT(m->n_first, 2);
  }
  cn_model_free(m);
  cn_table_free(t);
}

/* Fewer instruments than endogenous regressors: CN_ESCRIPT naming it; no
 * iv part: a formula error. */
TEST(iv_errors) {
  cn_table *t = read_data("iv/housing.csv");
  if (!t) return;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_iv(t, "rent ~ pcturban | hsngval + faminc ~ popden", NULL, &m, &d), CN_ESCRIPT, &d);
  CHECK(m == NULL);
  CHECK(strstr(d.message, "underidentified") != NULL);
  CHECK_STATUS(cn_iv(t, "rent ~ pcturban + hsngval", NULL, &m, &d), CN_ESCRIPT, &d);
  CHECK(m == NULL);
  /* an instrument collinear with the exogenous regressor leaves too few */
  CHECK_STATUS(cn_iv(t, "rent ~ pcturban | hsngval ~ pcturban", NULL, &m, &d), CN_ESCRIPT, &d);
  CHECK(m == NULL);
  cn_table_free(t);
}

/* Demeaning that does not converge is CN_EANALYSIS (exit 1); a balanced
 * panel would be demeaned exactly by one sweep. */
TEST(iv_no_convergence) {
  cn_table *t = read_data("iv/Cigar.csv");
  if (!t) return;
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  o.solver = CN_SOLVER_AP;
  o.max_iter = 1;
  o.if_expr = "Sales > 100"; /* unbalanced: one sweep is not exact */
  o.tol = 1e-14;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_iv(t, "Sales ~ NDI | State + Year | Price ~ Pimin", &o, &m, &d), CN_EANALYSIS, &d);
  CHECK(m == NULL);
  cn_table_free(t);
}

/* An ill-conditioned IV design: NIST's Longley data (tests/data/iv/
 * longley.csv, SOURCES.md), GNP (x2) endogenous, instrumented by the armed
 * forces (x4; and population, x5, over identified), with the nearly
 * collinear GNP deflator, population and year (x1, x5, x6) exogenous.
 * Expected numbers: `Rscript tests/data/gen/iv_longley_reference.R`
 * (AER::ivreg 1.2-10: b and the iid standard errors from ivreg itself;
 * HC1 in R matrix code on ivreg's QR factors, see the script: sandwich's
 * vcovHC keeps only 7 digits here), coefficients in coinnet's order (x2,
 * the exogenous, _cons). Every one of them is within 1e-11 of a 60-digit
 * mpmath evaluation of the same formulas (`python3
 * tests/data/gen/iv_longley_exact.py`), which gives the model F (Wald
 * test of the slopes with the iid or HC1 variance). Tolerance 1e-10
 * relative (the former explicit inverses of Z'Z and X̂'X̂ got 5e-8 on b,
 * 1e-5 on the HC1 standard errors, 2e-4 on the HC1 F). */
TEST(iv_longley_against_r) {
  static const struct {
    const char *tag, *formula;
    cn_vce vce;
    int nb;
    double b[6], se[6], F;
  } cases[] = {
      {"just-iid", "y ~ x1 + x3 + x5 + x6 | x2 ~ x4", CN_VCE_IID, 6,
       {0.30880617171602309, -552.38833630107501, 2.7320852569324461, -1.9894012157957366, -1928.2569929623976, 3995418.2053624312},
       {0.21400104415898219, 402.30486973020908, 2.6567172236165022, 1.4314470203066427, 2208.8618926889781, 4392660.1089050826},
       34.478881757384684},
      {"just-HC1", "y ~ x1 + x3 + x5 + x6 | x2 ~ x4", CN_VCE_ROBUST, 6,
       {0.30880617171602309, -552.38833630107501, 2.7320852569324461, -1.9894012157957366, -1928.2569929623976, 3995418.2053624312},
       {0.21270656305950414, 438.3497311918361, 2.7167414296490824, 1.50026164632203, 1997.795227071201, 3989253.7019688427},
       61.216380999827141},
      {"over-iid", "y ~ x1 + x3 + x6 | x2 ~ x4 + x5", CN_VCE_IID, 5,
       {0.022407253062621334, -72.468359417311646, -0.79660588370809104, 518.21817395526, -946315.19309958105},
       {0.0300241050907376, 107.39556178419568, 0.4068805119152667, 694.24545231827426, 1341968.5097197008},
       157.412988932775},
      {"over-HC1", "y ~ x1 + x3 + x6 | x2 ~ x4 + x5", CN_VCE_ROBUST, 5,
       {0.022407253062621334, -72.468359417311646, -0.79660588370809104, 518.21817395526, -946315.19309958105},
       {0.034090001382305925, 98.178613615117982, 0.45078866159936992, 745.55929294670352, 1442424.7224579954},
       303.80769898279382},
  };
  cn_table *t = read_data("iv/longley.csv");
  if (!t) return;
  for (size_t q = 0; q < sizeof cases / sizeof *cases; q++) {
    cn_reg_opts o;
    cn_reg_opts_init(&o);
    o.vce = cases[q].vce;
    cn_model *m = NULL;
    cn_diag d;
    CHECK_STATUS(cn_iv(t, cases[q].formula, &o, &m, &d), CN_OK, &d);
    if (!m) continue;
    CHECK_INT(m->ncoef, cases[q].nb);
    CHECK_INT(m->n_notes, 0); /* nothing dropped as collinear */
    for (int a = 0; a < cases[q].nb && a < m->ncoef; a++) {
      near(cases[q].tag, "b", a, m->coef[a].b, cases[q].b[a], 0, 1e-10, __LINE__);
      near(cases[q].tag, "se", a, m->coef[a].se, cases[q].se[a], 0, 1e-10, __LINE__);
    }
    near(cases[q].tag, "F", 0, m->F, cases[q].F, 0, 1e-10, __LINE__);
    cn_model_free(m);
  }
  cn_table_free(t);
}

/* Rank detection: a regressor or instrument collinear with the ones before
 * it (or with the constant) is left out with a note naming it, as Stata's
 * _rmcoll does, and the fit is the one without it (checked against that
 * fit, to 1e-12). */
TEST(iv_collinear_dropped) {
  static const struct {
    const char *formula, *same_as, *note;
  } cases[] = {
      {"rent ~ pcturban + I(2*pcturban) | hsngval ~ faminc + popden", "rent ~ pcturban | hsngval ~ faminc + popden",
       "(2*pcturban) omitted because of collinearity"},
      {"rent ~ pcturban + I(0*pcturban + 3) | hsngval ~ faminc", "rent ~ pcturban | hsngval ~ faminc",
       "(0*pcturban + 3) omitted because of collinearity"},
      {"rent ~ pcturban | hsngval ~ faminc + I(faminc - 2*pcturban)", "rent ~ pcturban | hsngval ~ faminc",
       "(faminc - 2*pcturban) (instrument) omitted because of collinearity"},
      {"rent ~ pcturban | hsngval + I(hsngval*3) ~ faminc + popden", "rent ~ pcturban | hsngval ~ faminc + popden",
       "(hsngval*3) (endogenous) omitted because of collinearity"},
  };
  cn_table *t = read_data("iv/housing.csv");
  if (!t) return;
  for (size_t q = 0; q < sizeof cases / sizeof *cases; q++) {
    cn_reg_opts o;
    cn_reg_opts_init(&o);
    o.vce = CN_VCE_ROBUST;
    cn_model *a = NULL, *b = NULL;
    cn_diag d;
    CHECK_STATUS(cn_iv(t, cases[q].formula, &o, &a, &d), CN_OK, &d);
    CHECK_STATUS(cn_iv(t, cases[q].same_as, &o, &b, &d), CN_OK, &d);
    if (!a || !b) {
      cn_model_free(a), cn_model_free(b);
      continue;
    }
    CHECK_INT(a->n_notes, 1);
    if (a->n_notes == 1) CHECK_STR(a->notes[0], cases[q].note);
    CHECK_INT(a->ncoef, b->ncoef);
    for (int j = 0; j < a->ncoef && j < b->ncoef; j++) {
      CHECK_STR(a->coef[j].name, b->coef[j].name);
      near(cases[q].formula, "b", j, a->coef[j].b, b->coef[j].b, 0, 1e-12, __LINE__);
      near(cases[q].formula, "se", j, a->coef[j].se, b->coef[j].se, 0, 1e-12, __LINE__);
    }
    near(cases[q].formula, "kp_lm", 0, a->kp_lm, b->kp_lm, 0, 1e-12, __LINE__);
    cn_model_free(a), cn_model_free(b);
  }
  cn_table_free(t);
}
