/* lib/model/hdfe.h — fixed effects absorbed from the estimation sample
 * (not public). */
#ifndef CN_HDFE_H
#define CN_HDFE_H

#include "model_int.h"

/* The fixed effects of a sample of n rows: level ids id[g][i] in 0 ..
 * nlev[g]−1, optional row weights w (not owned), and the weight of every
 * level (cn__absorb_prepare). cn__absorb_free releases id, nlev, wsum. */
typedef struct cn__absorb {
  int nfe;
  int64_t n;
  int32_t **id;
  int64_t *nlev;
  const double *w;
  double **wsum;
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

#endif
