/* tests/unit/test_degenerate.c — models with nothing to estimate are
 * refused with a reason, never fitted into zeros, NaN or infinities
 * (docs/models.md, "Models coinnet refuses"), and saved models with
 * impossible numbers are not read back.
 *
 * No expected number here comes from a fit: the checks are on status
 * codes, message text and error positions. The exact-fit data are made so
 * by hand (y = 2x + 1 exactly; y constant). */
#include <gsl/gsl_sf_log.h>
#include <math.h>
#include "test.h"

static char g_log[4096];

static void capture_log(void *ud, cn_log_level level, const char *msg) {
  (void)ud;
  (void)level;
  size_t n = strlen(g_log);
  snprintf(g_log + n, sizeof g_log - n, "%s\n", msg);
}

static cn_table *read_data(const char *name) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), name), NULL, &t, &d), CN_OK, &d);
  return t;
}

static cn_table *read_text(const char *name, const char *text) {
  const char *p = cn_test_path(cn_test_tmpdir(), name);
  FILE *fp = fopen(p, "w");
  if (!fp) return NULL;
  fputs(text, fp);
  fclose(fp);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  return t;
}

/* `capital ~ capital` fitted R² = 1 with t = 5e16 before; now a formula
 * error at the second `capital`, for every estimator. */
TEST(degenerate_depvar_as_regressor) {
  cn_table *g = read_data("model/grunfeld.csv"), *s = read_data("ml/spector.csv");
  cn_table *a = read_data("ml/affairs.csv"), *mz = read_data("ml/mroz87.csv");
  if (!g || !s || !a || !mz) goto done;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_INT(cn_reg(g, "capital ~ capital", NULL, &m, &d), CN_EANALYSIS);
  CHECK(m == NULL);
  CHECK_INT(d.column, 11);
  CHECK(strstr(d.message, "capital is the dependent variable") != NULL);
  CHECK_INT(cn_reg(g, "inv ~ value + inv | firm", NULL, &m, &d), CN_EANALYSIS);
  CHECK_INT(d.column, 15);
  CHECK_INT(cn_iv(g, "inv ~ value | inv ~ capital", NULL, &m, &d), CN_EANALYSIS);
  CHECK_INT(d.column, 15);
  CHECK_INT(cn_probit(s, "GRADE ~ GPA + GRADE", NULL, &m, &d), CN_EANALYSIS);
  CHECK_INT(d.column, 15);
  CHECK_INT(cn_tobit(a, "affairs ~ affairs", 0, NAN, NULL, &m, &d), CN_EANALYSIS);
  CHECK_INT(cn_heckman(mz, "wage ~ wage", "lfp ~ age + educ", NULL, &m, &d), CN_EANALYSIS);
  CHECK_INT(cn_heckman(mz, "wage ~ educ", "lfp ~ lfp", NULL, &m, &d), CN_EANALYSIS);
  CHECK(m == NULL);
  /* a different lag of the same variable is a regressor like any other */
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  o.panel_id = "firm", o.panel_time = "year";
  CHECK_STATUS(cn_reg(g, "capital ~ L.capital", &o, &m, &d), CN_OK, &d);
  cn_model_free(m);
done:
  cn_table_free(g), cn_table_free(s), cn_table_free(a), cn_table_free(mz);
}

/* `inv ~ 0` printed an empty table with F = nan before. */
TEST(degenerate_nothing_to_estimate) {
  cn_table *g = read_data("model/grunfeld.csv"), *s = read_data("ml/spector.csv");
  cn_table *a = read_data("ml/affairs.csv"), *mz = read_data("ml/mroz87.csv");
  if (!g || !s || !a || !mz) goto done;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_INT(cn_reg(g, "inv ~ 0", NULL, &m, &d), CN_EANALYSIS);
  CHECK_INT(d.column, 8);
  CHECK(strstr(d.message, "nothing to estimate") != NULL);
  CHECK_INT(cn_probit(s, "GRADE ~ 0", NULL, &m, &d), CN_EANALYSIS);
  CHECK_INT(cn_tobit(a, "affairs ~ 0", 0, NAN, NULL, &m, &d), CN_EANALYSIS);
  CHECK_INT(cn_heckman(mz, "wage ~ educ", "lfp ~ 0", NULL, &m, &d), CN_EANALYSIS);
  CHECK(m == NULL);
  /* a constant alone, or fixed effects alone, is a model (reghdfe's) */
  CHECK_STATUS(cn_reg(g, "inv ~ 1", NULL, &m, &d), CN_OK, &d);
  cn_model_free(m);
  CHECK_STATUS(cn_reg(g, "inv ~ 0 | firm", NULL, &m, &d), CN_OK, &d);
  cn_model_free(m);
done:
  cn_table_free(g), cn_table_free(s), cn_table_free(a), cn_table_free(mz);
}

/* An exact fit had standard errors of 1e-17 and t of 1e15 before. reg
 * now reports it as Stata does (SEs 0 up to rounding) with t, p and F
 * missing and a note; iv still refuses it. */
TEST(degenerate_exact_fit) {
  cn_table *t = read_text("fit.csv", "y,x,z,g\n3,1,2,1\n5,2,1,1\n7,3,7,2\n9,4,3,2\n11,5,5,3\n13,6,4,3\n"
                                     "2,1,1,1\n2,2,5,2\n");
  if (!t) return;
  cn_model *m = NULL;
  cn_diag d;
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  o.if_expr = "y != 2";
  CHECK_STATUS(cn_reg(t, "y ~ x", &o, &m, &d), CN_OK, &d);
  if (m) {
    CHECK(fabs(m->coef[0].b - 2) < 1e-12 && fabs(m->coef[1].b - 1) < 1e-12);
    CHECK(m->coef[0].se < 1e-12 && isnan(m->coef[0].t) && isnan(m->coef[0].p) && isnan(m->F));
    CHECK(m->n_notes == 1 && strstr(m->notes[0], "fit y exactly") != NULL);
  }
  cn_model_free(m);
  m = NULL;
  CHECK_INT(cn_iv(t, "y ~ 1 | x ~ z", &o, &m, &d), CN_EANALYSIS);
  CHECK(strstr(d.message, "fit y exactly") != NULL);
  o.if_expr = "y == 2";
  CHECK_INT(cn_reg(t, "y ~ x", &o, &m, &d), CN_EANALYSIS);
  CHECK(strstr(d.message, "y does not vary") != NULL);
  CHECK(m == NULL);
  /* one row off the line: an ordinary fit */
  o.if_expr = NULL;
  CHECK_STATUS(cn_reg(t, "y ~ x", &o, &m, &d), CN_OK, &d);
  cn_model_free(m);
  cn_table_free(t);
}

/* One cluster: G/(G − 1) is infinite and the t tests have 0 degrees of
 * freedom. Before, reg returned CN_OK with NaN p-values and GSL domain
 * errors in the log (which the CLI prints); probit and tobit returned
 * standard errors of NaN. Now every estimator refuses, and GSL says
 * nothing. */
TEST(degenerate_single_cluster) {
  cn_diag d;
  CHECK_STATUS(cn_init(&d), CN_OK, &d);
  cn_table *g = read_data("model/grunfeld.csv"), *c = read_data("iv/Cigar.csv");
  cn_table *s = read_data("ml/spector.csv"), *a = read_data("ml/affairs.csv");
  if (!g || !c || !s || !a) goto done;
  g_log[0] = '\0';
  cn_set_log(capture_log, NULL);
  cn_model *m = NULL;
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  const char *cl[1];
  o.vce = CN_VCE_CLUSTER, o.cluster = cl, o.n_cluster = 1;
  cl[0] = "firm", o.if_expr = "firm == 1";
  CHECK_INT(cn_reg(g, "inv ~ capital", &o, &m, &d), CN_EANALYSIS);
  CHECK(strstr(d.message, "--cluster firm: the estimation sample has 1 cluster") != NULL);
  cl[0] = "State", o.if_expr = "State == 1";
  CHECK_INT(cn_iv(c, "Sales ~ NDI | Price ~ Pimin", &o, &m, &d), CN_EANALYSIS);
  cl[0] = "PSI", o.if_expr = "PSI == 1";
  CHECK_INT(cn_probit(s, "GRADE ~ GPA", &o, &m, &d), CN_EANALYSIS);
  cl[0] = "gender", o.if_expr = "gender == \"male\"";
  CHECK_INT(cn_tobit(a, "affairs ~ age", 0, NAN, &o, &m, &d), CN_EANALYSIS);
  CHECK(m == NULL);
  /* two clusters are enough */
  cl[0] = "firm", o.if_expr = "firm <= 2";
  CHECK_STATUS(cn_reg(g, "inv ~ capital", &o, &m, &d), CN_OK, &d);
  if (m) CHECK(isfinite(m->coef[0].se) && isfinite(m->coef[0].p) && m->df_r == 1);
  cn_model_free(m);
  CHECK_STR(g_log, "");
done:
  cn_set_log(NULL, NULL);
  cn_table_free(g), cn_table_free(c), cn_table_free(s), cn_table_free(a);
}

/* cn_init replaces GSL's handler, which would abort the process: a domain
 * error becomes a log message (the library never prints). */
TEST(degenerate_gsl_handler_is_replaced) {
  cn_diag d;
  CHECK_STATUS(cn_init(&d), CN_OK, &d);
  g_log[0] = '\0';
  cn_set_log(capture_log, NULL);
  double p = gsl_sf_log(-1.0); /* outside the domain */
  cn_set_log(NULL, NULL);
  (void)p;
  CHECK(strstr(g_log, "gsl: ") != NULL);
}

static cn_status parse(const char *json, cn_diag *d) {
  cn_model *m = NULL;
  cn_status st = cn_model_parse_json(json, strlen(json), "m.json", &m, d);
  cn_model_free(m);
  return st;
}

#define HEAD "{\"schema_version\": 1, \"depvar\": \"y\", "
#define COEF "\"coefficients\": [{\"name\": \"x\", \"b\": 1, \"se\": 0.5, \"p\": 0.04}]"

/* Saved models were read with any numbers: nobs -1 gave a table with
 * "N -1". Each impossible value is now an error at its place. */
TEST(degenerate_saved_model_checked) {
  cn_diag d;
  struct {
    const char *text;
    int col;
    const char *msg;
  } cases[] = {
      {HEAD "\"nobs\": -1, " COEF "}", 46, "\"nobs\" should be the number of observations"},
      {HEAD "\"nobs\": 0, " COEF "}", 46, "\"nobs\" should be"},
      {HEAD COEF "}", 1, "no \"nobs\""},
      {HEAD "\"nobs\": 10, \"nobs_full\": 9, " COEF "}", 63, "\"nobs_full\" (9) is below \"nobs\" (10)"},
      {HEAD "\"nobs\": 10, \"df_r\": 0, " COEF "}", 58, "\"df_r\" should be residual degrees of freedom > 0"},
      {HEAD "\"nobs\": 10, \"df_a\": -2, " COEF "}", 58, "\"df_a\" should be"},
      {HEAD "\"nobs\": 10, \"coefficients\": []}", 66, "at least one coefficient"},
      {HEAD "\"nobs\": 10, \"coefficients\": [{\"name\": \"x\", \"b\": null}]}", 86, "a coefficient needs \"b\""},
      {HEAD "\"nobs\": 10, \"coefficients\": [{\"name\": \"x\", \"b\": 1, \"se\": -0.5}]}", 95,
       "\"se\" should be a standard error >= 0"},
      {HEAD "\"nobs\": 10, \"coefficients\": [{\"name\": \"x\", \"b\": 1, \"p\": 1.5}]}", 94, "\"p\" should be"},
      {HEAD "\"nobs\": 10, \"coefficients\": [{\"name\": \"x\", \"b\": 1}, {\"name\": \"x\", \"b\": 2}]}", 90,
       "\"x\" appears twice"},
      {HEAD "\"nobs\": 10, \"coefficients\": [{\"name\": \"x\", \"b\": 1, \"ci_low\": 2, \"ci_high\": 1}]}", 99,
       "\"ci_low\" is above \"ci_high\""},
      {HEAD "\"nobs\": 10, \"vce\": {\"type\": \"cluster\", \"cluster\": [\"f\"], \"n_clusters\": [1]}, " COEF "}",
       110, "\"n_clusters\" should be at least 2"},
      {HEAD "\"nobs\": 10, \"vce\": {\"type\": \"cluster\", \"cluster\": [\"f\", \"g\"], \"n_clusters\": [5]}, " COEF
            "}",
       114, "one count per cluster variable (2), not 1"},
      {HEAD "\"nobs\": 10, \"vce\": {\"type\": \"cluster\"}, " COEF "}", 57, "needs \"cluster\""},
      {HEAD "\"nobs\": 10, \"fixed_effects\": [{\"name\": \"f\", \"levels\": 3, \"redundant\": 4}], " COEF "}", 108,
       "\"redundant\" should be a count between 0 and \"levels\""},
      {HEAD "\"nobs\": 10, \"stats\": {\"r2\": 1.5}, " COEF "}", 66, "\"r2\" should be an R-squared <= 1"},
      {HEAD "\"nobs\": 10, \"stats\": {\"F_p\": -0.1}, " COEF "}", 67, "\"F_p\" should be a p-value"},
      {HEAD "\"nobs\": 10, \"stats\": {\"n_left\": 11}, " COEF "}", 70, "\"n_left\" should be a count"},
      {HEAD "\"nobs\": 10, \"first_stage\": [{\"endog\": \"x\", \"F_df2\": 0}], " COEF "}", 90, "\"F_df2\" should"},
      {HEAD "\"nobs\": 10, \"dropped\": {\"missing\": -3}, " COEF "}", 73, "\"missing\" should be a count"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    cn_status st = parse(cases[k].text, &d);
    if (st != CN_EDATA || d.line != 1 || d.column != cases[k].col || !strstr(d.message, cases[k].msg))
      cn_test_fail(__FILE__, __LINE__, "case %zu: status %d, %lld:%lld: %s", k, (int)st, (long long)d.line,
                   (long long)d.column, d.message);
  }
  /* what coinnet writes reads back: a null se (a table leaves it empty) */
  CHECK_STATUS(parse(HEAD "\"nobs\": 10, \"nobs_full\": 12, \"df_r\": null, \"coefficients\": "
                          "[{\"name\": \"x\", \"b\": 1, \"se\": null, \"p\": null}]}",
                     &d),
               CN_OK, &d);
}
