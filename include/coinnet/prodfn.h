/* coinnet/prodfn.h — production functions by the control-function methods
 * (Olley–Pakes, Levinsohn–Petrin, Ackerberg–Caves–Frazer) and De Loecker–
 * Warzynski markups (spec/measures.md §7, docs/measures.md "Production
 * functions and markups").
 *
 * Ownership: cn_prodfn fills a caller-owned cn_prodfn_result whose models
 * and arrays cn_prodfn_result_free releases (also after a failure; a zeroed
 * result is a no-op). cn_markup returns a new table (cn_table_free). */
#ifndef COINNET_PRODFN_H
#define COINNET_PRODFN_H

#include <stdbool.h>
#include <stdint.h>
#include "coinnet/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* wrdg: Wooldridge's (2009) two equations as one GMM system (prodest's
 * prodestWRDG), linear in its parameters: solved in closed form. */
typedef enum cn_prodfn_method { CN_PF_OP = 0, CN_PF_LP = 1, CN_PF_ACF = 2, CN_PF_WRDG = 3 } cn_prodfn_method;
/* Cobb–Douglas (the inputs) or translog (also their squares and
 * products; acf and wrdg). */
typedef enum cn_prodfn_form { CN_PF_CD = 0, CN_PF_TL = 1 } cn_prodfn_form;

#define CN_PF_MAXIN 8 /* free plus state inputs */

typedef struct cn_prodfn_opts {
  const char *output;             /* log output (value added or gross output) */
  const char *const *free_in;     /* the free (flexible) inputs */
  int n_free;
  const char *const *state;       /* the state inputs (capital) */
  int n_state;
  const char *proxy;              /* materials (lp, acf) or investment (op) */
  const char *panel_id, *panel_time; /* both needed */
  const char *by;                 /* estimate separately by this column; NULL: one sample */
  cn_prodfn_method method;
  cn_prodfn_form form;
  bool take_logs;   /* the columns are levels: take logs (non-positive values dropped) */
  int poly;         /* degree of the first-stage polynomial; 0: 3 */
  int law;          /* degree of the law of motion g(omega_{t-1}); 0: 1 (AR(1)) */
  const double *start; /* starting values (one per coefficient); NULL: the first stage and OLS */
  bool survival;    /* op: Olley-Pakes's survival correction (a probit of staying in the
                       sample next period on the first stage's polynomial of the state
                       inputs and the proxy; its fit at t - 1 enters g with omega_{t-1}) */
  int reps;         /* bootstrap replications (firm blocks); 0: no standard errors */
  uint64_t seed;
  /* Given coefficients instead of estimates (markups from a published or
   * earlier function): a table with columns [by,] term, b, the terms named
   * as the model names them (inputs, "a^2", "a*b"; --form tl adds the
   * squares and products); eps from column eps (NULL: 0). The method is
   * then ignored; phi and omega are missing. */
  const cn_table *coef;
  const char *eps;
} cn_prodfn_opts;

void cn_prodfn_opts_init(cn_prodfn_opts *o);

/* One estimation sample (an industry, or everything). */
typedef struct cn_prodfn_group {
  char *name;        /* the --by value as text ("" without --by) */
  cn_model *model;   /* coefficients (no constant), bootstrap variance */
  double objective;  /* the second stage's criterion at the estimate */
  bool converged;
  int iterations;    /* of the polish from the chosen start */
  int start_used;    /* 0: first stage, 1: OLS, 2: the given start, 3: none (wrdg: closed form),
                        4: acf's overidentified estimate, 5: a point of acf's scan (see cn_prodfn) */
  int reps_ok;       /* bootstrap replications that converged */
  int64_t n_first, n_second, n_firms;
  char *skipped;     /* NULL, or why this --by group could not be estimated (too few
                        observations, a singular first stage, ...): model is then NULL and
                        its rows' phi, eps, omega and theta are NaN */
} cn_prodfn_group;

/* Per observation (the first-stage sample, rows[k] of the table, in
 * group then table order): its group, phi, eps = y − phi (the first-stage
 * residual), omega = phi − x'b (NaN for OP / LP: there omega = phi − x'b too),
 * and the output elasticity of every input, theta[k * n_input + j]. */
typedef struct cn_prodfn_result {
  int n_group;
  cn_prodfn_group *group;
  int n_input;
  char **input;      /* names of the free then state inputs */
  int64_t n;
  int64_t *rows;
  int *grp;
  double *phi, *eps, *omega, *theta;
  int64_t dropped_missing, dropped_nonpos, dropped_group; /* rows left out before the first stage */
  int64_t no_lag;    /* first-stage rows without the previous year (not in the second stage) */
  int n_skipped;     /* groups not estimated (cn_prodfn_group.skipped) */
  int64_t skipped_rows; /* their rows */
} cn_prodfn_result;

/* Estimates the production function of o on t, one group at a time. The
 * first stage regresses the output on a polynomial of degree o->poly (acf:
 * of all inputs and the proxy; op, lp: the free inputs linearly plus the
 * polynomial of the state inputs and the proxy); the second stage
 * minimises the GMM criterion (acf) or the sum of squared innovations
 * (op, lp, prodest's form), Nelder–Mead then Levenberg–Marquardt, from the
 * starts named in cn_prodfn_group. A group that does not converge is
 * reported (converged false, a note), not dropped. With o->by, a group
 * that cannot be estimated (too few observations, a singular first stage
 * or collinear instruments) is skipped and says why in its skipped; the
 * others are estimated. CN_EUSAGE for bad options, CN_EDATA for a repeated
 * (id, time), CN_EANALYSIS when the one sample, or every group, cannot be
 * estimated. */
cn_status cn_prodfn(const cn_table *t, const cn_prodfn_opts *o, cn_prodfn_result *r, cn_diag *d);
void cn_prodfn_result_free(cn_prodfn_result *r);

typedef struct cn_markup_opts {
  const char *flexible; /* the input whose elasticity is used (one of r's inputs) */
  const char *revenue, *cost; /* levels: P^Q Q and P^M M; or */
  const char *share;          /* the revenue share P^M M / P^Q Q itself */
  bool no_correction;         /* the share as it is, not times exp(eps) */
  double trim;                /* percent cut at each tail, within each group; 0: none */
  const char *id, *time;      /* copied into the result when set */
  const char *group_name;     /* the group column's name; NULL: "group" */
} cn_markup_opts;

void cn_markup_opts_init(cn_markup_opts *o);

/* De Loecker–Warzynski markups mu = theta / (alpha exp(eps)) for every
 * observation of r (estimated on t): a new table row (1-based row of t),
 * [id, time,] [group,] theta, alpha, eps, markup, trimmed (1 when cut by the trim;
 * its markup is then missing). Rows with a non-positive or missing share
 * are kept with a missing markup and counted in *n_badshare (may be
 * NULL); *n_trimmed likewise. */
cn_status cn_markup(const cn_table *t, const cn_prodfn_result *r, const cn_markup_opts *o, cn_table **out,
                    int64_t *n_badshare, int64_t *n_trimmed, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
