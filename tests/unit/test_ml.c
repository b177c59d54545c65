/* tests/unit/test_ml.c — probit and Tobit.
 *
 * Expected numbers: spec/econometrics.md §6 (AER's Tobit tests; Stata 11 on
 * Spector), R 4.2.2 AER::tobit with sandwich (tests/data/gen/ml_reference.R)
 * and Python statsmodels 0.13 Probit fitted by Newton to tol 1e-14
 * (sm.Probit(spector.endog, add_constant(spector.exog, prepend=False))):
 * b 1.6258100394515846 0.05172894550759993 1.4263323420071485
 * -7.452319648220321, se 0.6938824884414587 0.08389026142653175
 * 0.5950379023502972 2.54247232147792, llf -12.818804068889438, llnull
 * -20.59172969661733. Stata 11's published values (spec §6) differ from
 * these in the 7th digit, within Stata's default convergence tolerance. */
#include <math.h>
#include "test.h"

static cn_table *read_data(const char *name) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), name), NULL, &t, &d), CN_OK, &d);
  return t;
}

static void check_vec(const cn_model *m, const double *b, const double *se, int n, double tol) {
  CHECK_INT(m->ncoef, n);
  for (int i = 0; i < n && i < m->ncoef; i++) {
    if (fabs(m->coef[i].b - b[i]) > tol * fabs(b[i]))
      cn_test_fail(__FILE__, __LINE__, "b(%s) = %.17g, want %.17g", m->coef[i].name, m->coef[i].b, b[i]);
    if (se && fabs(m->coef[i].se - se[i]) > tol * se[i])
      cn_test_fail(__FILE__, __LINE__, "se(%s) = %.17g, want %.17g", m->coef[i].name, m->coef[i].se, se[i]);
  }
}

#define AFFAIRS "affairs ~ age + yearsmarried + religiousness + occupation + rating"

/* Tobit at 0: AER's tests (spec §6) to their 5-6 digits, R to 1e-8. */
TEST(ml_tobit_left) {
  cn_table *t = read_data("ml/affairs.csv");
  if (!t) return;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_tobit(t, AFFAIRS, 0, NAN, NULL, &m, &d), CN_OK, &d);
  if (m) {
    /* regressors, _cons, lnsigma (R orders the constant first) */
    const double b[] = {-0.179332583731911, 0.554141812911517, -1.68622049356866, 0.32605324884959,
                        -2.28497272064994,  8.1741974328677,   2.10985923810659};
    const double se[] = {0.079093239613309, 0.134517938443543, 0.403751550782845, 0.254424747092129,
                         0.407827918668481, 2.7414455553215,   0.0670981718337943};
    check_vec(m, b, se, 7, 1e-8);
    CHECK_NEAR(m->ll, -705.576222622733, 1e-8);
    CHECK_NEAR(m->ll0, -744.737509077331, 1e-8);
    CHECK_NEAR(m->pseudo_r2, 1 - -705.576222622733 / -744.737509077331, 1e-10);
    CHECK_NEAR(m->coef[5].b, 8.17420, 5e-6);
    CHECK_NEAR(m->coef[6].se, 0.06710, 5e-6);
    CHECK_INT(m->n_left, 451);
    CHECK_INT(m->n_unc, 150);
    CHECK_NEAR(m->sigma, exp(2.10985923810659), 1e-8);
  }
  cn_model_free(m);
  /* robust: sandwich × N/(N−1); cluster by occupation: × G/(G−1) */
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  o.vce = CN_VCE_ROBUST;
  m = NULL;
  CHECK_STATUS(cn_tobit(t, AFFAIRS, 0, NAN, &o, &m, &d), CN_OK, &d);
  if (m) {
    const double se[] = {0.0889889429842531, 0.137276723299709, 0.40018697278903, 0.246182826550473,
                         0.393806698878092,  3.08049668850567,  0.0548822733280577};
    for (int i = 0; i < 7; i++) CHECK_NEAR(m->coef[i].se / se[i], 1, 1e-8);
  }
  cn_model_free(m);
  const char *occ[] = {"occupation"};
  o.vce = CN_VCE_CLUSTER;
  o.cluster = occ;
  o.n_cluster = 1;
  m = NULL;
  CHECK_STATUS(cn_tobit(t, AFFAIRS, 0, NAN, &o, &m, &d), CN_OK, &d);
  if (m) {
    const double se[] = {0.0902968389845917, 0.130270638404137, 0.482775489675908, 0.160780145852691,
                         0.220169133815801,  2.93223961395753,  0.0748766985732499};
    for (int i = 0; i < 7; i++) CHECK_NEAR(m->coef[i].se / se[i], 1, 1e-8);
  }
  cn_model_free(m);
  cn_table_free(t);
}

/* Tobit at 0 and 4: spec §6 (451 left, 70 uncensored, 80 right) and R. */
TEST(ml_tobit_two_limits) {
  cn_table *t = read_data("ml/affairs.csv");
  if (!t) return;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_tobit(t, AFFAIRS, 0, 4, NULL, &m, &d), CN_OK, &d);
  if (m) {
    const double b[] = {-0.177598208570004, 0.53230210960234, -1.61633565433811, 0.324186457926167,
                        -2.20700744546205,  7.90098044604199, 2.07231866356551};
    const double se[] = {0.0799062931484776, 0.141168407767856, 0.424396717756885, 0.253877782553072,
                         0.449831902290642,  2.8038548393757,   0.110396067689842};
    check_vec(m, b, se, 7, 1e-7);
    CHECK_NEAR(m->ll, -500.042760096123, 1e-7);
    CHECK_INT(m->n_left, 451);
    CHECK_INT(m->n_unc, 70);
    CHECK_INT(m->n_right, 80);
  }
  cn_model_free(m);
  cn_table_free(t);
}

/* Probit on Spector: statsmodels to 1e-9, Stata 11 (spec §6) to 1e-6. */
TEST(ml_probit_spector) {
  cn_table *t = read_data("ml/spector.csv");
  if (!t) return;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_probit(t, "GRADE ~ GPA + TUCE + PSI", NULL, &m, &d), CN_OK, &d);
  if (m) {
    const double b[] = {1.6258100394515846, 0.05172894550759993, 1.4263323420071485, -7.452319648220321};
    const double se[] = {0.6938824884414587, 0.08389026142653175, 0.5950379023502972, 2.54247232147792};
    check_vec(m, b, se, 4, 1e-9);
    const double stata[] = {1.62581025407, 0.051728948442, 1.42633236818, -7.45232041607};
    const double stata_se[] = {0.693882522754, 0.083890261293, 0.595037920474, 2.54247249731};
    check_vec(m, stata, stata_se, 4, 1e-6);
    CHECK_NEAR(m->ll, -12.818804068889438, 1e-9);
    CHECK_NEAR(m->ll0, -20.5917296966, 1e-9);
    CHECK_NEAR(m->pseudo_r2, 0.377478069410, 1e-6);
  }
  cn_model_free(m);
  /* a regressor that predicts the outcome perfectly is refused by name */
  cn_table *t2 = cn_table_new(cn_table_nrow(t));
  int c = cn_table_add_column(t2, "y", CN_DOUBLE, &d), c2 = cn_table_add_column(t2, "x", CN_DOUBLE, &d);
  int c3 = cn_table_add_column(t2, "z", CN_DOUBLE, &d);
  double *y = cn_table_dbl_mut(t2, c), *x = cn_table_dbl_mut(t2, c2), *z = cn_table_dbl_mut(t2, c3);
  int cg = cn_table_find(t, "GRADE"), cgpa = cn_table_find(t, "GPA");
  for (int64_t i = 0; i < cn_table_nrow(t); i++) {
    y[i] = cn_table_get_num(t, cg, i);
    x[i] = y[i] == 1 && i % 2;
    z[i] = cn_table_get_num(t, cgpa, i);
  }
  m = NULL;
  CHECK_INT(cn_probit(t2, "y ~ x + z", NULL, &m, &d), CN_EANALYSIS);
  CHECK(strstr(d.message, "x != 0 predicts success perfectly") != NULL);
  cn_table_free(t2);
  cn_table_free(t);
}

/* Heckman two-step on Mroz87 (wage of married women; selection lfp): R
 * written from Greene's formulas with the probit's observed information
 * (tests/data/gen/heckman_reference.R). The classic published values:
 * lambda −1.09762, sigma 3.20006, rho −0.34300. */
TEST(ml_heckman_mroz) {
  cn_table *t = read_data("ml/mroz87.csv");
  if (!t) return;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_heckman(t, "wage ~ exper + exper^2 + educ + city",
                          "lfp ~ age + age^2 + faminc + (kids5 + kids618 > 0) + educ", NULL, &m, &d),
               CN_OK, &d);
  if (m) {
    /* exper, exper^2, educ, city, _cons, lambda */
    const double b[] = {0.0210609576617126, 0.000137076898615664, 0.417017383733239,
                        0.44383787554888,   -0.971200288579471,   -1.09761942531059};
    const double se[] = {0.0624645980089387, 0.00187818710409154, 0.100249687351751,
                         0.315898397095558,  2.05935051994436,    1.26598561353484};
    for (int i = 0; i < 6; i++) {
      CHECK_NEAR(m->coef[i].b / b[i], 1, 1e-6);
      CHECK_NEAR(m->coef[i].se / se[i], 1, 1e-6);
    }
    CHECK_NEAR(m->sigma, 3.20006428057829, 1e-7);
    CHECK_NEAR(m->rho, -0.342999180351539, 1e-7);
    CHECK_NEAR(m->lambda, -1.09762, 5e-6);
    CHECK_INT(m->nobs, 428);
    CHECK_INT(m->nobs_full, 753);
    /* the selection equation's SE from the observed information */
    CHECK_NEAR(m->coef[6].se / 0.0659666592479147, 1, 1e-7);
  }
  cn_model_free(m);
  cn_table_free(t);
}

/* Marginal effects against statsmodels 0.13 get_margeff(at='overall' /
 * 'mean') on the same fit (tol 1e-14 Newton). */
TEST(ml_probit_margins) {
  cn_table *t = read_data("ml/spector.csv");
  if (!t) return;
  cn_model *m = NULL;
  cn_diag d;
  const char *f = "GRADE ~ GPA + TUCE + PSI";
  CHECK_STATUS(cn_probit(t, f, NULL, &m, &d), CN_OK, &d);
  if (m) CHECK_STATUS(cn_probit_margins(t, f, NULL, m, &d), CN_OK, &d);
  if (m && m->n_margins == 3) {
    const double ame[] = {0.3607862932438211, 0.011479258984889768, 0.31651985540704475};
    const double ame_se[] = {0.11338160734028588, 0.01840949080404875, 0.09023779366538026};
    const double mem[] = {0.5333470260641626, 0.01696968192988892, 0.4679083621880284};
    const double mem_se[] = {0.232464071284032, 0.027119788077489233, 0.1876423768144126};
    for (int i = 0; i < 3; i++) {
      CHECK_NEAR(m->ame[i].b / ame[i], 1, 1e-8);
      CHECK_NEAR(m->ame[i].se / ame_se[i], 1, 1e-7);
      CHECK_NEAR(m->mem[i].b / mem[i], 1, 1e-8);
      CHECK_NEAR(m->mem[i].se / mem_se[i], 1, 1e-7);
    }
  } else {
    CHECK(m && m->n_margins == 3);
  }
  cn_model_free(m);
  cn_table_free(t);
}

/* Rank detection (by QR, ml.c): a regressor collinear with the constant
 * and the ones before it is left out with a note naming it, and the fit
 * is the one without it (checked against that fit, to 1e-12). */
TEST(ml_collinear_dropped) {
  cn_table *spec = read_data("ml/spector.csv"), *aff = read_data("ml/affairs.csv");
  if (!spec || !aff) {
    cn_table_free(spec), cn_table_free(aff);
    return;
  }
  for (int q = 0; q < 3; q++) {
    cn_model *a = NULL, *b = NULL;
    cn_diag d;
    const char *note = NULL;
    if (q == 0) {
      CHECK_STATUS(cn_probit(spec, "GRADE ~ GPA + TUCE + I(2*GPA - TUCE) + PSI", NULL, &a, &d), CN_OK, &d);
      CHECK_STATUS(cn_probit(spec, "GRADE ~ GPA + TUCE + PSI", NULL, &b, &d), CN_OK, &d);
      note = "(2*GPA - TUCE) omitted because of collinearity";
    } else if (q == 1) {
      CHECK_STATUS(cn_probit(spec, "GRADE ~ GPA + I(0*GPA + 5) + TUCE + PSI", NULL, &a, &d), CN_OK, &d);
      CHECK_STATUS(cn_probit(spec, "GRADE ~ GPA + TUCE + PSI", NULL, &b, &d), CN_OK, &d);
      note = "(0*GPA + 5) omitted because of collinearity";
    } else {
      CHECK_STATUS(cn_tobit(aff, AFFAIRS " + I(age + 3*rating)", 0, NAN, NULL, &a, &d), CN_OK, &d);
      CHECK_STATUS(cn_tobit(aff, AFFAIRS, 0, NAN, NULL, &b, &d), CN_OK, &d);
      note = "(age + 3*rating) omitted because of collinearity";
    }
    if (a && b) {
      CHECK_INT(a->n_notes, 1);
      if (a->n_notes == 1) CHECK_STR(a->notes[0], note);
      CHECK_INT(a->ncoef, b->ncoef);
      for (int j = 0; j < a->ncoef && j < b->ncoef; j++) {
        CHECK_STR(a->coef[j].name, b->coef[j].name);
        CHECK_NEAR(a->coef[j].b, b->coef[j].b, 1e-12);
        CHECK_NEAR(a->coef[j].se, b->coef[j].se, 1e-12);
      }
    }
    cn_model_free(a), cn_model_free(b);
  }
  cn_table_free(spec), cn_table_free(aff);
}
