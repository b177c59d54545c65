/* tests/unit/test_scale.c — scale invariance of iv (2SLS) and of the ML
 * estimators (tobit, probit, heckman): a regressor multiplied by 10^8
 * (written I(x*1e8) in the formula, so the column is the rounded product)
 * must have its coefficient and standard error divided by 10^8 and leave
 * every other number unchanged: the other coefficients and standard
 * errors, the fit, and for iv the first stages (their F and partial R²),
 * Kleibergen–Paap rk LM and Wald F and Cragg–Donald F.
 *
 * No expected numbers from elsewhere: the reference is the same model on
 * the unscaled data, whose values the other tests check against R and
 * Stata (test_iv.c, test_ml.c). Tolerances: 1e-12 relative for iv (least
 * squares by QR: exact but for rounding; measured worst 5e-15); 1e-11 for
 * the ML estimators, whose Newton iterations are polished to the maximum
 * (ml.c), so what is left is the rounding of the likelihood's Hessian
 * (measured worst: tobit and probit below 1e-12, heckman 1.2e-12, in the
 * standard errors of the selection equation, from the probit's Hessian;
 * SCALE_REPORT=1 prints them). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

static cn_table *read_data(const char *name) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), name), NULL, &t, &d), CN_OK, &d);
  return t;
}

static double worst; /* the largest relative difference seen (SCALE_REPORT) */

/* |a − b| ≤ rel · max(|b|, floor); both NaN are equal. */
static void same(const char *tag, const char *what, int i, double a, double b, double floor_, double rel,
                 int line) {
  if (isnan(a) && isnan(b)) return;
  double s = fabs(b) > floor_ ? fabs(b) : floor_, r = fabs(a - b) / s;
  if (r > worst) worst = r;
  if (!(r <= rel)) cn_test_fail(__FILE__, line, "%s: %s[%d] = %.17g, want %.17g (rel %.3g)", tag, what, i, a, b, r);
}

/* Model b is model a with one regressor multiplied by c: the coefficients
 * whose name in b holds "*1e8" are in its units, the others unchanged. */
static void compare(const char *tag, const cn_model *a, const cn_model *b, double c, double rel, int line) {
  if (!a || !b) return;
  if (a->ncoef != b->ncoef) {
    cn_test_fail(__FILE__, line, "%s: %d coefficients, want %d", tag, b->ncoef, a->ncoef);
    return;
  }
  for (int j = 0; j < a->ncoef; j++) {
    double f = strstr(b->coef[j].name, "*1e8") ? c : 1;
    same(tag, "b", j, b->coef[j].b * f, a->coef[j].b, 0, rel, line);
    same(tag, "se", j, b->coef[j].se * f, a->coef[j].se, 0, rel, line);
    same(tag, "t", j, b->coef[j].t, a->coef[j].t, 1, rel, line);
  }
  same(tag, "ll", 0, b->ll, a->ll, 0, rel, line);
  same(tag, "rss", 0, b->rss, a->rss, 0, rel, line);
  same(tag, "r2", 0, b->r2, a->r2, 0, rel, line);
  same(tag, "F", 0, b->F, a->F, 0, rel, line);
  same(tag, "sigma", 0, b->sigma, a->sigma, 0, rel, line);
  same(tag, "rho", 0, b->rho, a->rho, 0, rel, line);
  same(tag, "lambda", 0, b->lambda, a->lambda, 0, rel, line);
  same(tag, "kp_lm", 0, b->kp_lm, a->kp_lm, 0, rel, line);
  same(tag, "kp_wald_f", 0, b->kp_wald_f, a->kp_wald_f, 0, rel, line);
  same(tag, "cd_f", 0, b->cd_f, a->cd_f, 0, rel, line);
  if (a->n_first != b->n_first) {
    cn_test_fail(__FILE__, line, "%s: %d first stages, want %d", tag, b->n_first, a->n_first);
    return;
  }
  for (int s = 0; s < a->n_first; s++) {
    const cn_first_stage *fa = &a->first[s], *fb = &b->first[s];
    same(tag, "first F", s, fb->F, fa->F, 0, rel, line);
    same(tag, "first partial r2", s, fb->partial_r2, fa->partial_r2, 0, rel, line);
    /* the first stage of a scaled endogenous regressor is in its units */
    double fs = strstr(fb->endog, "*1e8") ? 1 / c : 1;
    for (int j = 0; j < fa->ncoef && j < fb->ncoef; j++) {
      double f = (strstr(fb->coef[j].name, "*1e8") ? c : 1) * fs;
      same(tag, "first b", j, fb->coef[j].b * f, fa->coef[j].b, 0, rel, line);
      same(tag, "first se", j, fb->coef[j].se * f, fa->coef[j].se, 0, rel, line);
    }
  }
}

typedef struct iv_scale_case {
  const char *tag, *base, *scaled;
  cn_vce vce;
  const char *cluster;
} iv_scale_case;

TEST(iv_scale_invariance) {
  static const iv_scale_case cases[] = {
      /* exogenous, endogenous, instrument; robust and cluster */
      {"exog-robust", "rent ~ pcturban | hsngval ~ faminc + i(region)",
       "rent ~ I(pcturban*1e8) | hsngval ~ faminc + i(region)", CN_VCE_ROBUST, NULL},
      {"exog-cluster", "rent ~ pcturban | hsngval ~ faminc + i(region)",
       "rent ~ I(pcturban*1e8) | hsngval ~ faminc + i(region)", CN_VCE_CLUSTER, "division"},
      {"endog-robust", "rent ~ pcturban | hsngval ~ faminc + i(region)",
       "rent ~ pcturban | I(hsngval*1e8) ~ faminc + i(region)", CN_VCE_ROBUST, NULL},
      {"endog-cluster", "rent ~ pcturban | hsngval ~ faminc + i(region)",
       "rent ~ pcturban | I(hsngval*1e8) ~ faminc + i(region)", CN_VCE_CLUSTER, "division"},
      {"inst-cluster", "rent ~ pcturban | hsngval ~ faminc + i(region)",
       "rent ~ pcturban | hsngval ~ I(faminc*1e8) + i(region)", CN_VCE_CLUSTER, "division"},
      {"exog-fe-cluster", "rent ~ pcturban + popden | region | hsngval ~ faminc",
       "rent ~ pcturban + I(popden*1e8) | region | hsngval ~ faminc", CN_VCE_CLUSTER, "division"},
  };
  /* ill-conditioned: Longley's data (test_iv.c iv_longley_against_r), the
   * nearly collinear population (x5) scaled, exogenous or instrument */
  static const iv_scale_case longley[] = {
      {"longley-exog-robust", "y ~ x1 + x3 + x5 + x6 | x2 ~ x4", "y ~ x1 + x3 + I(x5*1e8) + x6 | x2 ~ x4",
       CN_VCE_ROBUST, NULL},
      {"longley-inst-iid", "y ~ x1 + x3 + x6 | x2 ~ x4 + x5", "y ~ x1 + x3 + x6 | x2 ~ x4 + I(x5*1e8)",
       CN_VCE_IID, NULL},
  };
  cn_table *t = read_data("iv/housing.csv"), *tl = read_data("iv/longley.csv");
  if (!t || !tl) {
    cn_table_free(t), cn_table_free(tl);
    return;
  }
  worst = 0;
  size_t nh = sizeof cases / sizeof *cases, nl = sizeof longley / sizeof *longley;
  for (size_t q = 0; q < nh + nl; q++) {
    const iv_scale_case *c = q < nh ? &cases[q] : &longley[q - nh];
    const cn_table *tq = q < nh ? t : tl;
    cn_reg_opts o;
    cn_reg_opts_init(&o);
    o.vce = c->vce;
    const char *cl[1] = {c->cluster};
    if (c->cluster) o.cluster = cl, o.n_cluster = 1;
    cn_model *a = NULL, *b = NULL;
    cn_diag d;
    CHECK_STATUS(cn_iv(tq, c->base, &o, &a, &d), CN_OK, &d);
    CHECK_STATUS(cn_iv(tq, c->scaled, &o, &b, &d), CN_OK, &d);
    compare(c->tag, a, b, 1e8, 1e-12, __LINE__);
    cn_model_free(a);
    cn_model_free(b);
  }
  if (getenv("SCALE_REPORT")) fprintf(stderr, "iv: worst relative difference %.3g\n", worst);
  cn_table_free(t);
  cn_table_free(tl);
}

#define AFFAIRS "affairs ~ age + yearsmarried + religiousness + occupation + rating"

TEST(ml_scale_invariance) {
  cn_table *aff = read_data("ml/affairs.csv"), *spec = read_data("ml/spector.csv");
  cn_table *mroz = read_data("ml/mroz87.csv");
  if (!aff || !spec || !mroz) {
    cn_table_free(aff), cn_table_free(spec), cn_table_free(mroz);
    return;
  }
  worst = 0;
  const double rel = 1e-11;
  for (int v = 0; v < 3; v++) { /* iid, robust, cluster (tobit, probit) */
    cn_reg_opts o;
    cn_reg_opts_init(&o);
    o.vce = v == 0 ? CN_VCE_IID : v == 1 ? CN_VCE_ROBUST : CN_VCE_CLUSTER;
    const char *cla[1] = {"occupation"}, *cls[1] = {"PSI"};
    cn_model *a = NULL, *b = NULL;
    cn_diag d;
    if (v == 2) o.cluster = cla, o.n_cluster = 1;
    const char *tob[] = {"affairs ~ I(age*1e8) + yearsmarried + religiousness + occupation + rating",
                         "affairs ~ age + yearsmarried + religiousness + occupation + I(rating*1e8)"};
    for (int q = 0; q < 2; q++) {
      CHECK_STATUS(cn_tobit(aff, AFFAIRS, 0, NAN, &o, &a, &d), CN_OK, &d);
      CHECK_STATUS(cn_tobit(aff, tob[q], 0, NAN, &o, &b, &d), CN_OK, &d);
      compare("tobit", a, b, 1e8, rel, __LINE__);
      cn_model_free(a), cn_model_free(b), a = b = NULL;
      CHECK_STATUS(cn_tobit(aff, AFFAIRS, 0, 4, &o, &a, &d), CN_OK, &d);
      CHECK_STATUS(cn_tobit(aff, tob[q], 0, 4, &o, &b, &d), CN_OK, &d);
      compare("tobit two limits", a, b, 1e8, rel, __LINE__);
      cn_model_free(a), cn_model_free(b), a = b = NULL;
    }
    if (v == 2) o.cluster = cls;
    const char *pro[] = {"GRADE ~ GPA + I(TUCE*1e8) + PSI", "GRADE ~ I(GPA*1e8) + TUCE + PSI"};
    for (int q = 0; q < 2; q++) {
      CHECK_STATUS(cn_probit(spec, "GRADE ~ GPA + TUCE + PSI", &o, &a, &d), CN_OK, &d);
      CHECK_STATUS(cn_probit(spec, pro[q], &o, &b, &d), CN_OK, &d);
      compare("probit", a, b, 1e8, rel, __LINE__);
      cn_model_free(a), cn_model_free(b), a = b = NULL;
    }
  }
  /* heckman two-step (Greene's variance only): a regressor of the outcome,
   * then one of the selection equation */
  const char *out[] = {"wage ~ exper + exper^2 + educ + city", "wage ~ exper + exper^2 + I(educ*1e8) + city",
                       "wage ~ exper + exper^2 + educ + city"};
  const char *sel[] = {"lfp ~ age + age^2 + faminc + (kids5 + kids618 > 0) + educ",
                       "lfp ~ age + age^2 + faminc + (kids5 + kids618 > 0) + educ",
                       "lfp ~ age + age^2 + I(faminc*1e8) + (kids5 + kids618 > 0) + educ"};
  for (int q = 1; q < 3; q++) {
    cn_model *a = NULL, *b = NULL;
    cn_diag d;
    CHECK_STATUS(cn_heckman(mroz, out[0], sel[0], NULL, &a, &d), CN_OK, &d);
    CHECK_STATUS(cn_heckman(mroz, out[q], sel[q], NULL, &b, &d), CN_OK, &d);
    compare("heckman", a, b, 1e8, rel, __LINE__);
    cn_model_free(a), cn_model_free(b);
  }
  if (getenv("SCALE_REPORT")) fprintf(stderr, "ml: worst relative difference %.3g\n", worst);
  cn_table_free(aff), cn_table_free(spec), cn_table_free(mroz);
}
