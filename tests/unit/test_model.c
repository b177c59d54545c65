/* tests/unit/test_model.c — `coinnet reg` against R and reghdfe.
 *
 * Expected numbers: the published reghdfe / xtreg values of
 * spec/econometrics.md §6 (Grunfeld, EmplUK), and R 4.2.2 (lm with explicit
 * dummies, sandwich 3.0 meat, plm 2.6 lags) printed by
 * tests/data/gen/model_reference.R, which also wrote the CSV files of tests/data/model
 * (see tests/data/model/SOURCES.md). reghdfe's small-sample factors are
 * applied to sandwich's HC0 meat in that script as spec §2 writes them. */
#include <math.h>
#include <stdlib.h>
#include "test.h"

static cn_table *read_data(const char *name) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), name), NULL, &t, &d), CN_OK, &d);
  return t;
}

typedef struct want {
  const char *name;
  double b, se;
} want;

/* Runs a regression and compares coefficients (relative 1e-9) and
 * standard errors (relative 1e-8). */
static cn_model *check_reg(const char *data, const char *formula, cn_reg_opts *o, const want *w,
                           int nw) {
  cn_table *t = read_data(data);
  if (!t) return NULL;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_reg(t, formula, o, &m, &d), CN_OK, &d);
  cn_table_free(t);
  if (!m) return NULL;
  for (int i = 0; i < nw; i++) {
    const cn_coef *c = NULL;
    for (int j = 0; j < m->ncoef; j++)
      if (!strcmp(m->coef[j].name, w[i].name)) c = &m->coef[j];
    if (!c) {
      cn_test_fail(__FILE__, __LINE__, "%s: no coefficient %s", formula, w[i].name);
      continue;
    }
    if (fabs(c->b - w[i].b) > 1e-9 * fabs(w[i].b))
      cn_test_fail(__FILE__, __LINE__, "%s: b(%s) = %.17g, want %.17g", formula, w[i].name, c->b, w[i].b);
    if (!isnan(w[i].se) && fabs(c->se - w[i].se) > 1e-8 * w[i].se)
      cn_test_fail(__FILE__, __LINE__, "%s: se(%s) = %.17g, want %.17g", formula, w[i].name, c->se,
                   w[i].se);
  }
  return m;
}

/* Grunfeld, inv ~ capital | firm + year: reghdfe / xtreg b = 0.4138018,
 * clustered by firm SE = 0.06328129, iid SE 0.0259782 on 170 df, within R²
 * 0.598798 (spec §6); R gives the same to 15 digits and the other VCEs. */
TEST(model_grunfeld_two_fe) {
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  const char *f = "inv ~ capital | firm + year";
  cn_model *m = check_reg("model/grunfeld.csv", f, &o,
                          (want[]){{"capital", 0.413801834595384, 0.0259782117638768}}, 1);
  if (m) {
    CHECK_NEAR(m->df_r, 170, 0);
    CHECK_NEAR(m->df_a, 29, 0);
    CHECK_NEAR(m->r2_within, 0.598798080235498, 1e-12);
    CHECK_NEAR(m->r2, 0.930747295811113, 1e-12);
    CHECK_NEAR(m->coef[0].b, 0.4138018, 5e-8);
    CHECK_INT(m->nobs, 200);
  }
  cn_model_free(m);
  o.vce = CN_VCE_ROBUST;
  cn_model_free(check_reg("model/grunfeld.csv", f, &o,
                          (want[]){{"capital", 0.413801834595384, 0.0723707031629181}}, 1));
  o.vce = CN_VCE_CLUSTER;
  const char *firm[] = {"firm"}, *year[] = {"year"}, *both[] = {"firm", "year"};
  o.cluster = firm;
  o.n_cluster = 1;
  m = check_reg("model/grunfeld.csv", f, &o, (want[]){{"capital", 0.413801834595384, 0.063281294089814}}, 1);
  if (m) {
    CHECK_NEAR(m->coef[0].se, 0.06328129, 5e-9);
    CHECK_NEAR(m->df_r, 9, 0);
    CHECK_NEAR(m->df_a, 19, 0);
    CHECK(m->fe[0].nested && !m->fe[1].nested);
    CHECK_INT(m->fe[1].redundant, 1);
  }
  cn_model_free(m);
  o.cluster = year;
  cn_model_free(check_reg("model/grunfeld.csv", f, &o,
                          (want[]){{"capital", 0.413801834595384, 0.0706384914348982}}, 1));
  o.cluster = both; /* Cameron–Gelbach–Miller; G = min(10, 20) */
  o.n_cluster = 2;
  cn_model_free(check_reg("model/grunfeld.csv", f, &o,
                          (want[]){{"capital", 0.413801834595384, 0.060412902555826}}, 1));
}

/* One fixed effect with robust errors, and plain OLS (HC1 = Stata's
 * robust), against R. */
TEST(model_grunfeld_one_fe_and_ols) {
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  o.vce = CN_VCE_ROBUST;
  cn_model_free(check_reg("model/grunfeld.csv", "inv ~ value + capital | firm", &o,
                          (want[]){{"value", 0.110123804120719, 0.0193780332907797},
                                   {"capital", 0.310065341300139, 0.0427950056185062}},
                          2));
  cn_model *m = check_reg("model/grunfeld.csv", "inv ~ value + capital", &o,
                          (want[]){{"value", 0.115562156360552, 0.00681095445687197},
                                   {"capital", 0.23067848873197, 0.0488655395343422},
                                   {"_cons", -42.7143694365593, 11.5747011170996}},
                          3);
  if (m) CHECK_NEAR(m->df_a, 1, 0);
  cn_model_free(m);
}

/* Three fixed effects (firm, year, grp = (7 firm + 3 year) mod 5), iid and
 * clustered by firm (df_a = 0 + 19 + 4), against R. */
TEST(model_grunfeld_three_fe) {
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  const char *f = "inv ~ capital + value | firm + year + grp";
  cn_model *m = check_reg("model/grunfeld3.csv", f, &o,
                          (want[]){{"capital", 0.360783217318047, 0.0231251790224852},
                                   {"value", 0.116182762491667, 0.0140642804832976}},
                          2);
  if (m) CHECK_NEAR(m->df_r, 165, 0);
  cn_model_free(m);
  const char *firm[] = {"firm"};
  o.vce = CN_VCE_CLUSTER;
  o.cluster = firm;
  o.n_cluster = 1;
  m = check_reg("model/grunfeld3.csv", f, &o,
                (want[]){{"capital", 0.360783217318047, 0.0461417906869187},
                         {"value", 0.116182762491667, 0.0109120509315701}},
                2);
  if (m) CHECK_NEAR(m->df_a, 23, 0);
  cn_model_free(m);
}

/* Analytic weights (WLS) and a lag across a gap: firm 1's 1940 row is
 * missing, so its 1941 lag is missing too (plm::lag by time value): 188
 * observations; the missing rows are counted. */
TEST(model_weights_and_lag_gap) {
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  o.weights = "capital";
  cn_model_free(check_reg("model/grunfeld.csv", "inv ~ value | firm + year", &o,
                          (want[]){{"value", 0.293279637174905, 0.020763313856929}}, 1));
  cn_reg_opts_init(&o);
  o.panel_id = "firm";
  o.panel_time = "year";
  cn_model *m = check_reg("model/grunfeld-gap.csv", "inv ~ L.value | firm + year", &o,
                          (want[]){{"L.value", 0.144488449831911, 0.0236367647276996}}, 1);
  if (m) {
    CHECK_INT(m->nobs, 188);
    CHECK_INT(m->dropped_missing, 11);
  }
  cn_model_free(m);
  /* fixest's spelling gives the same */
  cn_model_free(check_reg("model/grunfeld-gap.csv", "inv ~ l(value, 1) | firm + year", &o,
                          (want[]){{"l(value, 1)", 0.144488449831911, 0.0236367647276996}}, 1));
}

/* EmplUK, Wage ~ Emp | Firm + Year: b = −0.04683333721
 * (FixedEffectModels.jl's tests, spec §6). */
TEST(model_empluk) {
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "ref/EmplUK.csv"), NULL, &t, &d),
               CN_OK, &d);
  cn_model *m = NULL;
  if (t) CHECK_STATUS(cn_reg(t, "Wage ~ Emp | Firm + Year", &o, &m, &d), CN_OK, &d);
  if (m) CHECK_NEAR(m->coef[0].b, -0.04683333721, 5e-12);
  cn_model_free(m);
  cn_table_free(t);
}

/* A singleton (a firm with one row) is dropped and counted; kept with
 * keep_singletons it adds one observation and one level, so b and the iid
 * SE are unchanged. A regressor equal to another is omitted with a note. */
TEST(model_singletons_and_collinearity) {
  cn_table *t = read_data("model/grunfeld.csv");
  if (!t) return;
  cn_table *t2 = cn_table_new(cn_table_nrow(t) + 1);
  cn_diag d;
  for (int j = 0; t2 && j < cn_table_ncol(t); j++) {
    int c = cn_table_add_column(t2, cn_table_name(t, j), CN_DOUBLE, &d);
    double *x = cn_table_dbl_mut(t2, c);
    for (int64_t i = 0; i < cn_table_nrow(t); i++) x[i] = cn_table_get_num(t, j, i);
    x[cn_table_nrow(t)] = j == 0 ? 99 : j == 1 ? 1950 : 100; /* firm 99, alone */
  }
  int c = cn_table_add_column(t2, "capital2", CN_DOUBLE, &d);
  double *x2 = cn_table_dbl_mut(t2, c);
  const double *cap = cn_table_dbl(t2, cn_table_find(t2, "capital"));
  for (int64_t i = 0; i <= cn_table_nrow(t); i++) x2[i] = 2 * cap[i];
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  cn_model *m = NULL;
  CHECK_STATUS(cn_reg(t2, "inv ~ capital + capital2 | firm + year", &o, &m, &d), CN_OK, &d);
  if (m) {
    CHECK_INT(m->singletons, 1);
    CHECK_INT(m->nobs, 200);
    CHECK_INT(m->ncoef, 2); /* capital and _cons; capital2 omitted */
    CHECK_NEAR(m->coef[0].b, 0.413801834595384, 1e-12);
    CHECK_NEAR(m->coef[0].se, 0.0259782117638768, 1e-12);
    CHECK(m->n_notes >= 1 && strstr(m->notes[0], "capital2") != NULL);
  }
  cn_model_free(m);
  o.keep_singletons = true;
  m = NULL;
  CHECK_STATUS(cn_reg(t2, "inv ~ capital | firm + year", &o, &m, &d), CN_OK, &d);
  if (m) {
    CHECK_INT(m->nobs, 201);
    CHECK_NEAR(m->coef[0].se, 0.0259782117638768, 1e-12);
  }
  cn_model_free(m);
  cn_table_free(t2);
  cn_table_free(t);
}

/* Formula errors name the column of the offending token. */
TEST(model_formula_errors) {
  cn_table *t = read_data("model/grunfeld.csv");
  if (!t) return;
  struct {
    const char *f;
    int col;
    const char *msg;
  } cases[] = {
      {"inv ~ capital + Nonexistent | firm", 17, "no column \"Nonexistent\""},
      {"inv ~ capital + log(value", 20, "unbalanced parentheses"},
      {"inv capital", 12, "expected '~'"},
      {"inv ~ capital | firm + nope", 24, "no column \"nope\""},
      {"inv ~ i(nope)", 9, "no column \"nope\""},
      {"inv ~ l(value, x)", 16, "whole number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    cn_formula *f = NULL;
    cn_diag d;
    cn_status st = cn_formula_parse(cases[i].f, t, &f, &d);
    cn_status want = strncmp(cases[i].msg, "no column", 9) ? CN_ESCRIPT : CN_EDATA;
    CHECK_INT(st, want);
    if (st == want) {
      if (d.column != cases[i].col || !strstr(d.message, cases[i].msg))
        cn_test_fail(__FILE__, __LINE__, "%s: got %lld \"%s\"", cases[i].f, (long long)d.column,
                     d.message);
      CHECK(!strcmp(d.file, "formula"));
    }
    cn_formula_free(f);
  }
  /* a lag without --panel is a usage error */
  cn_model *m = NULL;
  cn_diag d;
  CHECK_INT(cn_reg(t, "inv ~ L.value | firm", NULL, &m, &d), CN_EUSAGE);
  CHECK(m == NULL);
  cn_table_free(t);
}

/* Conjugate gradients and alternating projections absorb the same fixed
 * effects: the three-FE Grunfeld model matches R either way. */
TEST(model_solvers_agree) {
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  const want w[] = {{"capital", 0.360783217318047, 0.0231251790224852},
                    {"value", 0.116182762491667, 0.0140642804832976}};
  o.solver = CN_SOLVER_CG;
  cn_model_free(check_reg("model/grunfeld3.csv", "inv ~ capital + value | firm + year + grp", &o, w, 2));
  o.solver = CN_SOLVER_AP;
  cn_model_free(check_reg("model/grunfeld3.csv", "inv ~ capital + value | firm + year + grp", &o, w, 2));
  /* too few iterations: a clear analysis error, not a wrong answer */
  o.solver = CN_SOLVER_CG;
  o.max_iter = 1;
  cn_table *t = read_data("model/grunfeld3.csv");
  cn_model *m = NULL;
  cn_diag d;
  if (t) CHECK_INT(cn_reg(t, "inv ~ capital | firm + year + grp", &o, &m, &d), CN_EANALYSIS);
  CHECK(m == NULL);
  cn_table_free(t);
}
