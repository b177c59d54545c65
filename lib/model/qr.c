/* lib/model/qr.c — least squares by Householder QR on column-scaled
 * designs, shared by reg, iv and the maximum-likelihood estimators (not
 * public). Every column is scaled to unit (weighted) norm before it is
 * factored, so that results do not depend on the regressors' units, and
 * the factorization is built column by column in the order given, so
 * that of collinear columns the later one is left out (Stata's _rmcoll).
 * Serial, so results do not depend on the thread count. */
#include <lapacke.h>
#include <math.h>
#include <string.h>
#include "hdfe.h"
#include "model_int.h"

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* Applies the Householder reflector H = I − tau v v' stored in column v
 * (v[q] = 1 implied, v[q+1..n) below the diagonal) to a[q..n). */
static void reflect(const double *v, double tau, double *a, int q, int64_t n) {
  if (tau == 0) return;
  long double dot = a[q];
  for (int64_t i = q + 1; i < n; i++) dot += (long double)v[i] * a[i];
  double s = (double)(dot * tau);
  a[q] -= s;
  for (int64_t i = q + 1; i < n; i++) a[i] -= s * v[i];
}


void cn__qr_free(cn__qr *q) {
  cn_free(q->A);
  cn_free(q->tau);
  cn_free(q->sc);
  cn_free(q->map);
  memset(q, 0, sizeof *q);
}

cn_status cn__qr_factor(cn__qr *q, double *const *x, const double *ref, int ncol, const double *w,
                        int64_t n, double tol, bool *keep, cn_diag *d) {
  size_t nn = (size_t)n;
  memset(q, 0, sizeof *q);
  q->n = n;
  q->ncol = ncol;
  q->x = x;
  q->w = w;
  q->A = cn_malloc(nn * (size_t)ncol * sizeof *q->A + 8);
  q->tau = cn_malloc(((size_t)ncol + 1) * sizeof *q->tau);
  q->sc = cn_malloc(((size_t)ncol + 1) * sizeof *q->sc);
  q->map = cn_malloc(((size_t)ncol + 1) * sizeof *q->map);
  if (!q->A || !q->tau || !q->sc || !q->map) {
    cn__qr_free(q);
    return oom(d);
  }
  double *A = q->A, *tau = q->tau;
  int k = 0;
  for (int j = 0; j < ncol; j++) {
    if (keep) keep[j] = false;
    long double ss = 0;
    for (int64_t i = 0; i < n; i++) ss += (long double)(w ? w[i] : 1) * x[j][i] * x[j][i];
    double s = (double)sqrtl(ss), rj = ref ? ref[j] : 0;
    if (!(s > tol * rj) || s == 0 || !isfinite(s) || k >= n) continue;
    double *a = A + (size_t)k * nn;
    for (int64_t i = 0; i < n; i++) a[i] = (w ? sqrt(w[i]) : 1) * x[j][i] / s;
    for (int p = 0; p < k; p++) reflect(A + (size_t)p * nn, tau[p], a, p, n);
    long double r = 0;
    for (int64_t i = k; i < n; i++) r += (long double)a[i] * a[i];
    if (!(sqrtl(r) > tol)) continue;
    LAPACKE_dlarfg((lapack_int)(n - k), &a[k], &a[k + 1], 1, &tau[k]);
    q->sc[k] = s;
    q->map[k++] = j;
    if (keep) keep[j] = true;
  }
  q->k = k;
  return CN_OK;
}

cn_status cn__qr_coef(const cn__qr *q, double *const *xk, const double *y, double *b, double *e,
                      cn_diag *d) {
  int k = q->k;
  int64_t n = q->n;
  size_t nn = (size_t)n;
  const double *w = q->w;
  double *t = cn_malloc(nn * sizeof *t + 8), *c = cn_malloc(((size_t)k + 1) * sizeof *c);
  long double *bl = cn_calloc((size_t)k + 1, sizeof *bl);
  cn_status st = CN_OK;
  if (!t || !c || !bl) {
    st = oom(d);
    goto done;
  }
  for (int step = 0; step < 4 && k > 0; step++) {
    for (int64_t i = 0; i < n; i++) {
      long double r = y[i];
      for (int a = 0; a < k; a++) r -= (long double)(xk ? xk[a] : q->x[q->map[a]])[i] * bl[a];
      t[i] = (double)((w ? sqrtl(w[i]) : 1) * r);
    }
    for (int p = 0; p < k; p++) reflect(q->A + (size_t)p * nn, q->tau[p], t, p, n);
    memcpy(c, t, (size_t)k * sizeof *c);
    if (LAPACKE_dtrtrs(LAPACK_COL_MAJOR, 'U', 'N', 'N', k, 1, q->A, (lapack_int)n, c, k) != 0) {
      st = cn_diag_set(d, CN_EANALYSIS, "the regressors are collinear (R is singular)");
      goto done;
    }
    bool tiny = step > 0; /* the correction no longer changes a double */
    for (int a = 0; a < k; a++) {
      long double db = (long double)c[a] / q->sc[a];
      tiny = tiny && fabsl(db) <= 1e-17L * fabsl(bl[a]);
      bl[a] += db;
    }
    if (tiny) break;
  }
  for (int a = 0; a < k; a++) b[a] = (double)bl[a];
  if (e)
    for (int64_t i = 0; i < n; i++) {
      long double r = y[i];
      for (int a = 0; a < k; a++) r -= (long double)(xk ? xk[a] : q->x[q->map[a]])[i] * bl[a];
      e[i] = (double)r;
    }
done:
  cn_free(t);
  cn_free(c);
  cn_free(bl);
  return st;
}

cn_status cn__qr_bread(const cn__qr *q, double *Ainv, cn_diag *d) {
  int k = q->k;
  size_t nn = (size_t)q->n;
  if (k == 0) return CN_OK;
  double *Ri = cn_malloc(((size_t)k * (size_t)k + 1) * sizeof *Ri);
  if (!Ri) return oom(d);
  for (int a = 0; a < k; a++)
    for (int c = 0; c < k; c++) Ri[(size_t)c * (size_t)k + (size_t)a] = c >= a ? q->A[(size_t)c * nn + (size_t)a] : 0;
  if (LAPACKE_dtrtri(LAPACK_COL_MAJOR, 'U', 'N', k, Ri, k) != 0) {
    cn_free(Ri);
    return cn_diag_set(d, CN_EANALYSIS, "the regressors are collinear (R is singular)");
  }
  for (int a = 0; a < k; a++)
    for (int c = 0; c <= a; c++) {
      long double s = 0;
      for (int p = a; p < k; p++) s += (long double)Ri[(size_t)p * (size_t)k + (size_t)a] * Ri[(size_t)p * (size_t)k + (size_t)c];
      Ainv[a * k + c] = Ainv[c * k + a] = (double)(s / q->sc[a] / q->sc[c]);
    }
  cn_free(Ri);
  return CN_OK;
}

void cn__qr_apply_q(const cn__qr *q, double *v) {
  for (int p = q->k - 1; p >= 0; p--) reflect(q->A + (size_t)p * (size_t)q->n, q->tau[p], v, p, q->n);
}

void cn__qr_lower(const cn__qr *q, double *L) {
  int k = q->k;
  size_t nn = (size_t)q->n;
  for (int a = 0; a < k; a++) {
    double sg = q->A[(size_t)a * nn + (size_t)a] < 0 ? -1 : 1;
    for (int c = 0; c < k; c++) /* L[c][a] = ±R[a][c] s_c */
      L[c * k + a] = c >= a ? sg * q->A[(size_t)c * nn + (size_t)a] * q->sc[c] : 0;
  }
}
/* Least squares of y on the columns x[0..ncol) over n rows (weights w or
 * NULL) by a Householder QR built column by column in the order given, on
 * the columns scaled to unit (weighted) norm, so that the fit does not
 * depend on the regressors' units. A column is left out (keep[j] false)
 * when its norm is at most tol × ref[j] (its norm before demeaning: it is
 * collinear with the absorbed constant or fixed effects) or when the part
 * of it orthogonal to the columns kept before it has a relative norm of at
 * most tol: the later of collinear regressors goes, as with Stata's
 * _rmcoll. For the k kept columns, in order, fills b[0..k), the bread
 * Ainv = (X'WX)⁻¹ (k×k) formed from the triangular factor R as
 * R⁻¹R⁻ᵀ (never an inverse of X'X, whose condition number is the square),
 * the residuals e (n) and their weighted sum of squares; the coefficients
 * are refined from residuals summed in long double (below). xr and yr,
 * when not NULL, are the columns and y before demeaning by their means
 * (mean, the model's constant, returned in *b0); NULL with fixed effects
 * or without a constant. Serial, so the result does not depend on the
 * thread count. */
cn_status cn__qr_ls(double *const *x, const double *ref, int ncol, const double *y, const double *w,
                    int64_t n, double tol, double *const *xr, const double *yr, const double *mean,
                    bool *keep, int *kout, double *b, double *b0, double *Ainv, double *e,
                    double *rss, cn_diag *d) {
  cn_status st = CN_OK;
  size_t nn = (size_t)n;
  cn__qr f;
  double *qy = cn_malloc(nn * sizeof *qy + 8);
  *kout = 0;
  if ((st = cn__qr_factor(&f, x, ref, ncol, w, n, tol, keep, d)) != CN_OK) goto done;
  if (!qy) {
    st = oom(d);
    goto done;
  }
  int k = f.k;
  double *A = f.A, *tau = f.tau, *sc = f.sc;
  const int *map = f.map;
  /* Björck's refinement of the augmented system r̃ + Ãx̃ = ỹ, Ã'r̃ = 0
   * (Ã = W½XS⁻¹, ỹ = W½y, r̃ the weighted residual), its residuals
   * f = ỹ − r̃ − Ãx̃ and g = −Ã'r̃ summed in long double from the data
   * themselves: d = R⁻ᵀg, δx̃ = R⁻¹((Q'f)₁ − d), δr̃ = Q[d; (Q'f)₂]. The
   * first step, from x̃ = r̃ = 0, is the plain QR solution; the later ones
   * recover the digits a large residual costs (Wampler4/5). With xr, the
   * residuals come from the data before demeaning and a constant b0: the
   * centered columns and u = W½1/√Σw (orthogonal to them) factor that
   * design, in the coordinates (b, α = b0 + m'b), so the fixed point is
   * the least squares fit of the raw data, not of its rounded demeaning */
  bool c1 = xr != NULL;
  double *const *X = c1 ? xr : x;
  const double *Y = c1 ? yr : y;
  long double *bl = cn_malloc(((size_t)ncol + 1) * sizeof *bl), b0l = 0, swt = 0;
  double *rt = cn_calloc(nn + 1, sizeof *rt), *g = cn_malloc(((size_t)ncol + 1) * sizeof *g);
  if (!bl || !rt || !g) {
    cn_free(bl);
    cn_free(rt);
    cn_free(g);
    st = oom(d);
    goto done;
  }
  for (int64_t i = 0; i < n; i++) swt += w ? w[i] : 1;
  long double rsw = sqrtl(swt);
  for (int q = 0; q < k; q++) bl[q] = 0;
  for (int step = 0; step < 4 && (k > 0 || c1); step++) {
    long double g0 = 0, hu = 0;
    for (int q = 0; q < k; q++) g[q] = 0;
    for (int64_t i = 0; i < n; i++) {
      long double fit = b0l, sw = w ? sqrtl(w[i]) : 1;
      for (int q = 0; q < k; q++) fit += (long double)X[map[q]][i] * bl[q];
      qy[i] = (double)(sw * ((long double)Y[i] - fit) - rt[i]);
      g0 -= sw * rt[i];
      hu += sw * qy[i];
    }
    hu /= rsw;
    for (int q = 0; q < k; q++) {
      long double s = 0;
      for (int64_t i = 0; i < n; i++) s += (long double)(w ? sqrt(w[i]) : 1) * X[map[q]][i] * rt[i];
      if (c1) s += g0 * mean[map[q]]; /* centered: g_s − m g0 */
      g[q] = (double)(-s / sc[q]);
    }
    for (int q = 0; q < k; q++) reflect(A + (size_t)q * nn, tau[q], qy, q, n);
    if (k > 0 && LAPACKE_dtrtrs(LAPACK_COL_MAJOR, 'U', 'T', 'N', k, 1, A, (lapack_int)n, g, k) != 0) {
      st = cn_diag_set(d, CN_EANALYSIS, "the regressors are collinear (R is singular)");
      break;
    }
    for (int q = 0; q < k; q++) {
      double h1 = qy[q];
      qy[q] = g[q];
      g[q] = h1 - g[q];
    }
    if (k > 0 && LAPACKE_dtrtrs(LAPACK_COL_MAJOR, 'U', 'N', 'N', k, 1, A, (lapack_int)n, g, k) != 0) {
      st = cn_diag_set(d, CN_EANALYSIS, "the regressors are collinear (R is singular)");
      break;
    }
    long double mdb = 0;
    bool tiny = step > 0; /* the correction no longer changes a double */
    for (int q = 0; q < k; q++) {
      long double db = (long double)g[q] / sc[q];
      tiny = tiny && fabsl(db) <= 1e-17L * fabsl(bl[q]);
      bl[q] += db;
      if (c1) mdb += db * mean[map[q]];
    }
    for (int q = k - 1; q >= 0; q--) reflect(A + (size_t)q * nn, tau[q], qy, q, n);
    if (c1) {
      long double du = g0 / rsw, da = (hu - du) / rsw;
      tiny = tiny && fabsl(da - mdb) <= 1e-17L * fabsl(b0l);
      b0l += da - mdb;
      for (int64_t i = 0; i < n; i++) qy[i] += (double)((w ? sqrtl(w[i]) : 1) / rsw * (du - hu));
    }
    for (int64_t i = 0; i < n; i++) rt[i] += qy[i];
    if (tiny) break;
  }
  long double sse = 0;
  for (int64_t i = 0; i < n; i++) {
    long double fit = b0l;
    for (int q = 0; q < k; q++) fit += (long double)X[map[q]][i] * bl[q];
    e[i] = (double)((long double)Y[i] - fit);
    sse += (long double)(w ? w[i] : 1) * e[i] * e[i];
  }
  *rss = (double)sse;
  for (int q = 0; q < k; q++) b[q] = (double)bl[q];
  if (b0) *b0 = (double)b0l;
  cn_free(bl);
  cn_free(rt);
  cn_free(g);
  if (st != CN_OK) goto done;
  /* Ainv = S⁻¹ R⁻¹ R⁻ᵀ S⁻¹ with S the column scales */
  if ((st = cn__qr_bread(&f, Ainv, d)) != CN_OK) goto done;
  *kout = k;
done:
  cn__qr_free(&f);
  cn_free(qy);
  return st;
}

cn_status cn__vce_psd_slopes(double *V, int ka, int k, cn_model *m, cn_diag *d) {
  double *a = cn_malloc((size_t)k * (size_t)k * sizeof *a + 8), *ev = cn_malloc((size_t)k * sizeof *ev + 8);
  cn_status st = CN_OK;
  bool fixed = false;
  if (!a || !ev) {
    st = oom(d);
    goto done;
  }
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) a[i * k + j] = V[i * ka + j];
  if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'L', k, a, k, ev) != 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "eigen decomposition of the variance failed");
    goto done;
  }
  for (int i = 0; i < k; i++)
    if (ev[i] < 0) fixed = true, ev[i] = 0;
  if (!fixed) goto done;
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) {
      double s = 0;
      for (int q = 0; q < k; q++) s += a[i * k + q] * ev[q] * a[j * k + q];
      V[i * ka + j] = s;
    }
  if (cn__model_note(m, "the multiway cluster variance was not positive semi-definite; "
                        "its negative eigenvalues were set to zero") != CN_OK)
    st = oom(d);
done:
  cn_free(a);
  cn_free(ev);
  return st;
}

void cn__vce_uncenter(double *V, int ka, int k, const double *m) {
  long double vcc = V[k * ka + k];
  for (int a = 0; a < k; a++) {
    long double vm = 0;
    for (int c = 0; c < k; c++) vm += (long double)V[a * ka + c] * m[c];
    vcc += m[a] * (vm - 2 * (long double)V[a * ka + k]);
    V[a * ka + k] = V[k * ka + a] = (double)(V[a * ka + k] - vm);
  }
  V[k * ka + k] = (double)vcc;
}
