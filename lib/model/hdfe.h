/* lib/model/hdfe.h — fixed effects absorbed from the estimation sample
 * (not public). */
#ifndef CN_HDFE_H
#define CN_HDFE_H

#include "model_int.h"

struct cn__plan;

/* The fixed effects of a sample of n rows: level ids id[g][i] in 0 ..
 * nlev[g]−1, optional row weights w (not owned), and, from
 * cn__absorb_prepare, the weight of every level and the plan of the
 * demeaning (hdfe.c). cn__absorb_free releases id, nlev, wsum, plan. */
typedef struct cn__absorb {
  int nfe;
  int64_t n;
  int32_t **id;
  int64_t *nlev;
  const double *w;
  double **wsum;
  struct cn__plan *plan;
} cn__absorb;

int64_t cn__group_ids(const int64_t *keys, int64_t n, int nk, int32_t *id);
int64_t cn__drop_singletons(cn__absorb *a, unsigned char *keep);
int64_t cn__fe_components(const cn__absorb *a, int g, int h);
bool cn__fe_nested(const cn__absorb *a, int g, const int32_t *cl);
cn_status cn__absorb_prepare(cn__absorb *a, cn_diag *d);
cn_status cn__demean(const cn__absorb *a, double *x, double tol, int max_iter, int *iters,
                     cn_diag *d);
cn_status cn__demean_cg(const cn__absorb *a, double *x, double tol, int max_iter, int *iters,
                        cn_diag *d);
void cn__absorb_free(cn__absorb *a);

/* A regressor over the estimation sample. */
typedef struct rcol {
  char *name;
  double *x; /* values on the sample (demeaned in place by OLS) */
  double mean;
  bool omitted;
} rcol;

/* The estimation sample of a formula (cn__design_build): n rows (their
 * indices in the table), y, weights w rescaled to sum to n (NULL without),
 * regressors set[0], endogenous regressors set[1] and excluded instruments
 * set[2] (iv), the fixed effects to absorb (ab: f->nfe of them plus, for a
 * constant without fixed effects, one of a single level) and the cluster
 * ids. cn__design_free releases everything, the formula included. */
typedef struct cn__design {
  cn_formula *f;
  int64_t n;
  int64_t *rows;
  double *y, *w;
  rcol *set[3];
  int nset[3];
  cn__absorb ab;
  int nfe;
  int ncl;
  int32_t **clid;
  int64_t *G;
  bool cons;
} cn__design;

#define CN_DESIGN_IV 1u      /* the formula has an iv part */
#define CN_DESIGN_DUMMIES 2u /* fixed effects become i() dummies, no singletons */

/* Fills ds and the counts in m (dropped_if, dropped_missing, nobs_full,
 * singletons, nobs). */
cn_status cn__design_build(const cn_table *t, const char *formula, const cn_reg_opts *opts,
                           unsigned flags, cn__design *ds, cn_model *m, cn_diag *d);
void cn__design_free(cn__design *ds);
/* Sets a new model's optional statistics to NaN. */
void cn__model_init(cn_model *m);
/* Appends a formatted note to m->notes (owned by m); CN_EINTERNAL when
 * out of memory, m unchanged. */
cn_status cn__model_note(cn_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Multiway-cluster repair, as reghdfe does it: the leading k×k block of
 * the ka×ka variance V (the slopes; the constant's row and column are left
 * alone) has its negative eigenvalues set to zero, and m gets a note when
 * any was. */
/* The variance of (b, b0) from that of (b, α) in the centred
 * parametrization b0 = α − m'b (the last of the ka = k + 1 entries is the
 * constant): V ← L V L' with L = [I 0; −m' 1], summed in long double. */
void cn__vce_uncenter(double *V, int ka, int k, const double *m);
cn_status cn__vce_psd_slopes(double *V, int ka, int k, cn_model *m, cn_diag *d);

#endif
