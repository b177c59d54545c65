/* coinnet/sfa.h — stochastic frontiers by maximum likelihood (spec/measures.md
 * §8, docs/measures.md "Stochastic frontiers"): Aigner–Lovell–Schmidt
 * (1977), Battese–Coelli (1992) error components with time-varying
 * efficiency and Battese–Coelli (1995) inefficiency effects, in FRONTIER
 * 4.1's parameterisation σ² = σ_v² + σ_u², γ = σ_u²/σ².
 *
 * Ownership: cn_sfa returns a cn_model (cn_model_free) and fills a
 * caller-owned cn_sfa_result whose arrays cn_sfa_result_free releases
 * (also after a failure; a zeroed result is a no-op). */
#ifndef COINNET_SFA_H
#define COINNET_SFA_H

#include <stdbool.h>
#include "coinnet/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* u ~ N⁺(0, σ_u²) or N⁺(μ, σ_u²). */
typedef enum cn_sfa_dist { CN_SFA_HNORMAL = 0, CN_SFA_TNORMAL = 1 } cn_sfa_dist;

typedef struct cn_sfa_opts {
  cn_sfa_dist dist;
  bool bc92;        /* u_it = exp(−η(t − T)) u_i (needs the panel) */
  const char *bc95; /* inefficiency determinants "z1 + z2" (a constant δ0 unless "0 +"): u_it ~ N⁺(z_it δ, σ_u²); NULL: none */
  bool cost;        /* cost frontier: ε = v + u */
  const char *panel_id, *panel_time; /* both or neither */
  const char *if_expr;
  int max_iter;     /* 0: 200 Newton iterations */
} cn_sfa_opts;

void cn_sfa_opts_init(cn_sfa_opts *o);

/* What cn_sfa adds to the model. te[k] = E[exp(−u_k) | ε] (Battese & Coelli
 * 1988; also for a cost frontier, where it is ≤ 1 too) of the estimation
 * row rows[k] of the table. The LR statistic compares the ML and the OLS
 * log likelihood; it is one-sided (γ = 0 on the boundary), and lr_crit5,
 * lr_crit1 are Kodde & Palm's (1986) critical values of the mixed χ² with
 * lr_df restrictions (the upper bound ½χ²(q−1) + ½χ²(q)), lr_p its p value
 * under that bound. skew is the sample skewness of the OLS residuals
 * (m3 / m2^1.5); wrong_skew when it has the sign that sends γ to 0
 * (positive for a production frontier, negative for a cost one). With a
 * panel, period[j] (its value, n_period of them in order) has the mean TE
 * te_by_period[j]. */
typedef struct cn_sfa_result {
  int64_t n;
  int64_t *rows;
  double *te;
  double mean_te;
  double ll_ols, lr, lr_crit5, lr_crit1, lr_p;
  int lr_df;
  double skew;
  bool wrong_skew;
  double sigma2, gamma, sigma_u2, sigma_v2;
  int64_t n_firms;
  int n_period;
  double *period, *te_by_period;
  /* the starting values of the grid search: its γ and log likelihood */
  double grid_gamma, grid_ll;
} cn_sfa_result;

/* Fits the frontier of formula (the grammar of `coinnet reg`, without
 * fixed effects) on t. Coefficients: the frontier's β (constant last),
 * then for BC95 "delta:NAME" (the constant "delta:_cons"), then sigma2,
 * gamma, and mu (truncated normal, not BC95) and eta (BC92). Standard
 * errors from the observed information (the Hessian of the analytic
 * gradient by central differences). Starting values: OLS, then FRONTIER
 * 4.1's grid search over γ = 0.1, 0.2, ..., 0.9 and again in steps of
 * 0.01 around the best, with β0 and σ² moved by the corrected-OLS
 * formulas (μ, η, δ at 0). ll0 in the model is the OLS log
 * likelihood. CN_EANALYSIS when the maximum is not found (the message
 * names the OLS skewness when it has the wrong sign). r may be NULL. */
cn_status cn_sfa(const cn_table *t, const char *formula, const cn_sfa_opts *o, cn_model **out,
                 cn_sfa_result *r, cn_diag *d);
void cn_sfa_result_free(cn_sfa_result *r);

#ifdef __cplusplus
}
#endif
#endif
