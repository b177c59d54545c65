/* coinnet/model.h — regression formulas and estimators (spec/cli.md,
 * spec/econometrics.md).
 *
 * A formula is parsed once against a table (cn_formula_parse) and then
 * estimated (cn_reg). The result, a cn_model, holds everything a table or a
 * JSON document shows: coefficients, their variance, fixed-effect counts,
 * fit statistics and notes.
 *
 * Ownership: cn_formula_parse / cn_formula_free and cn_reg / cn_model_free
 * pair up; the *_free functions accept NULL. Strings inside a cn_model are
 * owned by it. */
#ifndef COINNET_MODEL_H
#define COINNET_MODEL_H

#include <stdbool.h>
#include "coinnet/base.h"
#include "coinnet/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cn_formula cn_formula;

/* Parses text in the grammar of spec/cli.md against t's columns. Errors
 * are CN_ESCRIPT with file "formula", line 1, the 1-based character column
 * of the offending token and a snippet with a caret. */
cn_status cn_formula_parse(const char *text, const cn_table *t, cn_formula **out,
                           cn_diag *d);
void cn_formula_free(cn_formula *f);

/* Absorbing several fixed effects: alternating projections with Irons–Tuck
 * acceleration, conjugate gradients on the fixed effects' normal equations
 * (diagonal preconditioner), or auto: projections, switching to conjugate
 * gradients when 200 sweeps do not converge. */
typedef enum cn_solver { CN_SOLVER_AUTO = 0, CN_SOLVER_AP = 1, CN_SOLVER_CG = 2 } cn_solver;

typedef enum cn_vce { CN_VCE_IID = 0, CN_VCE_ROBUST = 1, CN_VCE_CLUSTER = 2 } cn_vce;

/* The small-sample factor of a multiway cluster variance (fixest's
 * cluster.df): min (reghdfe, fixest's default) multiplies the whole
 * Cameron–Gelbach–Miller sum by Gmin/(Gmin − 1), Gmin the smallest number
 * of clusters; conventional gives each one-way piece, intersections
 * included, its own G/(G − 1), as Cameron, Gelbach and Miller (2011) and
 * Petersen (2009) do. One cluster variable: the same. */
typedef enum cn_cluster_df { CN_CLUSTER_DF_MIN = 0, CN_CLUSTER_DF_CONVENTIONAL = 1 } cn_cluster_df;

typedef struct cn_reg_opts {
  const char *panel_id, *panel_time; /* for lags; both or neither */
  cn_vce vce;
  const char *const *cluster; /* cluster variables (vce cluster) */
  int n_cluster;
  bool keep_singletons;
  const char *if_expr; /* keep rows where it is true (missing: dropped) */
  const char *weights; /* analytic weights column (Stata aweights) */
  bool ssc_fixest;     /* fixest's small-sample count instead of reghdfe's */
  cn_cluster_df cluster_df; /* multiway clusters' G/(G − 1) (reg, iv) */
  double tol;          /* demeaning tolerance; 0: 1e-8 */
  int max_iter;        /* demeaning iterations; 0: 100000 */
  cn_solver solver;    /* how fixed effects are absorbed */
} cn_reg_opts;

void cn_reg_opts_init(cn_reg_opts *o);

typedef struct cn_coef {
  char *name;
  double b, se, t, p, ci_low, ci_high;
} cn_coef;

typedef struct cn_fe_info {
  char *name;
  int64_t levels, redundant;
  bool nested; /* nested in a cluster variable */
} cn_fe_info;

/* The first stage of one endogenous regressor (iv). */
typedef struct cn_first_stage {
  char *endog;
  int ncoef; /* excluded instruments first, then the exogenous regressors */
  cn_coef *coef;
  double F, F_df1, F_df2, F_p; /* excluded instruments, with the model's VCE */
  double partial_r2;           /* of the excluded instruments */
} cn_first_stage;

typedef struct cn_model {
  char *command, *estimator, *depvar, *formula;
  int64_t nobs, nobs_full, singletons;
  int64_t dropped_missing, dropped_if; /* rows left out, and why */
  int n_fe;
  cn_fe_info *fe;
  cn_vce vce;
  int n_cluster;
  char **cluster;
  int64_t *n_clusters;
  double df_r, df_a;
  int ncoef; /* coefficients reported (omitted ones excluded), constant last */
  cn_coef *coef;
  double *V; /* ncoef × ncoef, row-major */
  double r2, r2_within, r2_a, r2_within_a, rmse, F, F_p, rss, tss, tss_within;
  double ll, pseudo_r2;
  bool converged;
  int iterations;
  int n_notes;
  char **notes;
  /* iv (NaN when not computed) */
  double kp_lm, kp_lm_df, kp_lm_p; /* Kleibergen–Paap rk LM, under-identification */
  double kp_wald_f;                /* Kleibergen–Paap rk Wald F, weak identification */
  double cd_f;                     /* Cragg–Donald Wald F */
  double sy_crit[4];               /* Stock–Yogo 10/15/20/25% maximal IV size, NaN if not tabulated */
  int n_first;
  cn_first_stage *first;
  /* maximum likelihood (tobit, probit, heckman) */
  double ll0;                      /* constant-only log likelihood */
  int64_t n_left, n_unc, n_right;  /* tobit: censored left / uncensored / right */
  double sigma, sigma_se;          /* tobit σ (delta method); heckman σ */
  double rho, lambda, lambda_se;   /* heckman */
  /* probit marginal effects (cn_probit_margins): dy/dx of every slope at
   * the means (mem) and averaged over the rows (ame), delta-method SE */
  int n_margins;
  cn_coef *mem, *ame;
} cn_model;

/* OLS with absorbed fixed effects (reghdfe's conventions, econometrics.md
 * §1–2) of the formula on t. */
cn_status cn_reg(const cn_table *t, const char *formula, const cn_reg_opts *o,
                 cn_model **out, cn_diag *d);

/* Two-stage least squares with absorbed fixed effects, as Stata's
 * ivreghdfe (ivreg2 `small`, econometrics.md §3) for a formula with an iv
 * part `| endogenous ~ instruments`: coefficients endogenous first, then
 * exogenous, then _cons; first stages in first / n_first; Kleibergen–Paap
 * rk LM (Anderson's LM with vce iid) and rk Wald F (robust and cluster
 * only), Cragg–Donald F and Stock–Yogo size critical values. Fewer
 * excluded instruments than endogenous regressors is CN_ESCRIPT. */
cn_status cn_iv(const cn_table *t, const char *formula, const cn_reg_opts *o,
                cn_model **out, cn_diag *d);
void cn_model_free(cn_model *m);

/* Probit of (y != 0) on the terms, fixed effects as dummies; the
 * constant-only log likelihood and McFadden's pseudo R² in ll0 and
 * pseudo_r2. A 0/1 regressor that predicts the outcome perfectly, or an
 * outcome that does not vary, is CN_EANALYSIS naming it. */
cn_status cn_probit(const cn_table *t, const char *formula, const cn_reg_opts *o,
                    cn_model **out, cn_diag *d);

/* Tobit censored at lo (left) and / or hi (right); NaN for no limit. The
 * coefficients end with lnsigma; sigma and its delta-method SE, the counts
 * of censored rows, ll, ll0 (constant-only tobit) and Stata's pseudo R²
 * 1 − ll/ll0 are in the model. */
cn_status cn_tobit(const cn_table *t, const char *formula, double lo, double hi,
                   const cn_reg_opts *o, cn_model **out, cn_diag *d);

/* cn_probit that also adds to imr_into (t itself or a table with the same
 * rows) a double column imr_name with the inverse Mills ratio
 * φ(x'b)/Φ(x'b) on the estimation rows (missing elsewhere). */
cn_status cn_probit_imr(const cn_table *t, const char *formula, const cn_reg_opts *o,
                        cn_table *imr_into, const char *imr_name, cn_model **out, cn_diag *d);

/* Marginal effects of a probit fitted by cn_probit on the same table and
 * formula: derivatives of Φ(x'b) with respect to each slope (dummies too:
 * no discrete change), at the means and on average, with delta-method
 * standard errors from the model's variance; filled into m. */
cn_status cn_probit_margins(const cn_table *t, const char *formula, const cn_reg_opts *o,
                            cn_model *m, cn_diag *d);

/* Heckman's two-step selection model: probit of the selection formula on
 * the rows where it can be evaluated, then OLS of formula on the selected
 * rows (selection outcome != 0) with the inverse Mills ratio, Greene's
 * variance. Coefficients: the outcome's, _cons, lambda, then the selection
 * equation's as "select:NAME"; rho, sigma and lambda in the model. */
cn_status cn_heckman(const cn_table *t, const char *formula, const char *select,
                     const cn_reg_opts *o, cn_model **out, cn_diag *d);

/* The model as a JSON document in the schema of spec/cli.md (schema_version
 * 1); *out is a new NUL-terminated string the caller frees with cn_free. */
cn_status cn_model_json(const cn_model *m, char **out, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
