/* lib/model/iv.c — two-stage least squares with absorbed fixed effects, as
 * Stata's ivreghdfe (ivreg2 with `small`) computes it (spec/econometrics.md
 * §3): fixed effects partialled out of y, the exogenous regressors, the
 * endogenous regressors and the excluded instruments; b = (X̂'X)⁻¹X̂'y with
 * X̂ = P_Z X, Z = [excluded instruments, exogenous]; residuals with the
 * actual X; small-sample factors with K = the number of slopes and
 * sdofminus = df_a (1 when every fixed effect is nested in a cluster).
 *
 * The constant, as in reg.c, is absorbed like a one-level fixed effect and
 * recovered by adding the means back to y, X and Z and putting a column of
 * ones in both X and Z; slopes and residuals do not change, and the
 * constant gets its variance.
 *
 * For each endogenous regressor the first stage (on the partialled data,
 * no constant) with ivreg2's F test of the excluded instruments and their
 * partial R²; for the model the Kleibergen–Paap rk LM and rk Wald
 * statistics as Stata's ranktest computes them, the Cragg–Donald Wald F
 * and the Stock–Yogo critical values for the TSLS size. */
#include <gsl/gsl_cdf.h>
#include <lapacke.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hdfe.h"

#define WT(i) (w ? w[(i)] : 1.0)

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* A zeroed array of n doubles (never a zero-size request), NULL if out of
 * memory. */
static double *dalloc(size_t n) { return cn_calloc(n + 1, sizeof(double)); }

/* Weighted mean of x over n rows (w NULL: plain). */
static double wmean(const double *x, const double *w, int64_t n) {
  double s = 0, sw = 0;
  for (int64_t i = 0; i < n; i++) {
    s += WT(i) * x[i];
    sw += WT(i);
  }
  return sw > 0 ? s / sw : 0;
}

/* Σ w_i a_i b_i. */
static double wdot(const double *a, const double *b, const double *w, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += WT(i) * a[i] * b[i];
  return s;
}

/* Inverts the symmetric positive definite k×k matrix a in place (LAPACK
 * Cholesky); false when it is not positive definite. */
static bool spd_inverse(double *a, int k) {
  if (k == 0) return true;
  if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', k, a, k) != 0) return false;
  if (LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', k, a, k) != 0) return false;
  for (int i = 0; i < k; i++)
    for (int j = i + 1; j < k; j++) a[i * k + j] = a[j * k + i];
  return true;
}

/* The Gram matrix G = X'WX of k columns (k×k, row-major, into g). */
static void gram(double *const *x, int k, const double *w, int64_t n, double *g) {
  for (int a = 0; a < k; a++)
    for (int b = 0; b <= a; b++) g[a * k + b] = g[b * k + a] = wdot(x[a], x[b], w, n);
}


/* Demeans the nv columns v by the fixed effects of ab (reg.c's solver
 * choice: the accelerated fixed point for ap, conjugate gradients
 * otherwise); *iters gets the largest count.
 * Non-convergence is CN_EANALYSIS. */
static cn_status demean_all(const cn__absorb *ab, double **v, int nv, const cn_reg_opts *o,
                            int *iters, cn_diag *d) {
  double tol = o->tol > 0 ? o->tol : 1e-8;
  int max_iter = o->max_iter > 0 ? o->max_iter : 100000, maxit = 0;
  cn_status sts = CN_OK;
  cn_diag dd;
  memset(&dd, 0, sizeof dd);
  /* one column after another: the rows are parallel inside */
  for (int j = 0; j < nv; j++) {
    int it = 0;
    cn_diag dj;
    cn_status s1 = o->solver == CN_SOLVER_AP ? cn__demean(ab, v[j], tol, max_iter, &it, &dj)
                                             : cn__demean_cg(ab, v[j], tol, max_iter, &it, &dj);
    if (it > maxit) maxit = it;
    if (s1 != CN_OK) {
      sts = s1, dd = dj;
      break;
    }
  }
  *iters = maxit;
  if (sts != CN_OK && d) *d = dd;
  return sts;
}

/* Collinearity in order, by the QR of the columns x[0..nx) (cn__qr_factor,
 * reg's rule): the nb base columns come first; each candidate x[nb..nx)
 * is kept (keep[j − nb] = true) when its norm is more than tol × ref (its
 * norm before demeaning: otherwise it is collinear with the constant or
 * the fixed effects) and the part of it orthogonal to the columns kept
 * before it holds more than tol of its norm. */
static cn_status collin(double *const *x, const double *ref, int nx, int nb, const double *w,
                        int64_t n, double tol, bool *keep, cn_diag *d) {
  cn__qr q;
  bool *kp = cn_calloc((size_t)nx + 1, sizeof *kp);
  if (!kp) return oom(d);
  cn_status st = cn__qr_factor(&q, x, ref, nx, w, n, tol, kp, d);
  for (int j = nb; st == CN_OK && j < nx; j++) keep[j - nb] = kp[j];
  cn__qr_free(&q);
  cn_free(kp);
  return st;
}

/* The meat of a sandwich over k score columns g[a][i] (times s_i when s is
 * not NULL): Σ_i s_i² g_i g_i' without clusters, else Cameron–Gelbach–
 * Miller over the non-empty subsets of the design's cluster variables,
 * Σ_S (−1)^{|S|+1} Σ_c u_c u_c' with u_c = Σ_{i∈c} s_i g_i over the
 * intersection clusters c of S, each term times G_S/(G_S − 1) when
 * conventional (--cluster-df conventional; G_S its number of clusters).
 * meat is k×k, zeroed by the caller. */
static cn_status meat_of(double *const *g, int k, const double *s, int64_t n, const cn__design *ds,
                         bool cluster, bool conventional, double *meat, cn_diag *d) {
  if (!cluster) {
    for (int64_t i = 0; i < n; i++) {
      double si = s ? s[i] : 1;
      for (int a = 0; a < k; a++) {
        double ga = g[a][i] * si;
        for (int b = 0; b <= a; b++) meat[a * k + b] += ga * g[b][i] * si;
      }
    }
  } else {
    int ncl = ds->ncl;
    for (unsigned sub = 1; sub < (1u << ncl); sub++) {
      int bits = __builtin_popcount(sub);
      const int32_t *cid = ds->clid[__builtin_ctz(sub)];
      int32_t *own = NULL;
      int64_t G = ds->G[__builtin_ctz(sub)];
      if (bits > 1) {
        int64_t *kk = cn_malloc(((size_t)n * (size_t)bits + 1) * sizeof *kk);
        own = cn_malloc(((size_t)n + 1) * sizeof *own);
        if (!kk || !own) {
          cn_free(kk);
          cn_free(own);
          return oom(d);
        }
        for (int64_t i = 0; i < n; i++) {
          int j2 = 0;
          for (int q = 0; q < ncl; q++)
            if (sub >> q & 1) kk[i * bits + j2++] = ds->clid[q][i];
        }
        G = cn__group_ids(kk, n, bits, own);
        cn_free(kk);
        cid = own;
      }
      double sign = bits % 2 ? 1.0 : -1.0;
      if (conventional) sign *= (double)G / (double)(G - 1);
      double *u = dalloc((size_t)G * (size_t)k);
      if (!u) {
        cn_free(own);
        return oom(d);
      }
      for (int64_t i = 0; i < n; i++) {
        double si = s ? s[i] : 1;
        for (int a = 0; a < k; a++) u[(size_t)cid[i] * (size_t)k + (size_t)a] += g[a][i] * si;
      }
      for (int64_t c = 0; c < G; c++) {
        const double *uc = u + (size_t)c * (size_t)k;
        for (int a = 0; a < k; a++)
          for (int b = 0; b <= a; b++) meat[a * k + b] += sign * uc[a] * uc[b];
      }
      cn_free(u);
      cn_free(own);
    }
  }
  for (int a = 0; a < k; a++)
    for (int b = a + 1; b < k; b++) meat[a * k + b] = meat[b * k + a];
  return CN_OK;
}

/* V = f · D meat D (k×k). */
static cn_status sandwich(const double *D, const double *meat, double f, int k, double *V,
                          cn_diag *d) {
  double *tmp = dalloc((size_t)k * (size_t)k);
  if (!tmp) return oom(d);
  for (int a = 0; a < k; a++)
    for (int q = 0; q < k; q++) {
      double s = 0;
      for (int r = 0; r < k; r++) s += D[a * k + r] * meat[r * k + q];
      tmp[a * k + q] = s;
    }
  for (int a = 0; a < k; a++)
    for (int q = 0; q < k; q++) {
      double s = 0;
      for (int r = 0; r < k; r++) s += tmp[a * k + r] * D[r * k + q];
      V[a * k + q] = f * s;
    }
  cn_free(tmp);
  return CN_OK;
}


/* Wald statistic b'V⁻¹b of the first q entries of b with the leading q×q
 * block of V (k×k); NaN when that block is not positive definite. The
 * block is scaled to its correlation matrix before the Cholesky, so the
 * regressors' units do not matter. */
static double wald_block(const double *b, const double *V, int k, int q) {
  double *Vq = dalloc((size_t)q * (size_t)q), s = NAN;
  if (!Vq) return NAN;
  bool pos = true;
  for (int a = 0; a < q; a++) pos = pos && V[a * k + a] > 0;
  for (int a = 0; pos && a < q; a++)
    for (int c = 0; c < q; c++) Vq[a * q + c] = V[a * k + c] / sqrt(V[a * k + a] * V[c * k + c]);
  if (pos && spd_inverse(Vq, q)) {
    s = 0;
    for (int a = 0; a < q; a++)
      for (int c = 0; c < q; c++)
        s += b[a] / sqrt(V[a * k + a]) * Vq[a * q + c] * b[c] / sqrt(V[c * k + c]);
  }
  cn_free(Vq);
  return s;
}

/* Stock & Yogo (2005), "Testing for weak instruments in linear IV
 * regression", in Andrews & Stock (eds.), Identification and Inference for
 * Econometric Models, Table 5.2: critical values of the Cragg–Donald F for
 * a 5% Wald test on the TSLS estimates to have an actual size of at most
 * 10 / 15 / 20 / 25%, for n = 1 (columns 0–3) and n = 2 (columns 4–7)
 * endogenous regressors and K2 = 1 .. 30 excluded instruments (rows). */
static const double sy_size[30][8] = {
    {16.38, 8.96, 6.66, 5.53, NAN, NAN, NAN, NAN},
    {19.93, 11.59, 8.75, 7.25, 7.03, 4.58, 3.95, 3.63},
    {22.30, 12.83, 9.54, 7.80, 13.43, 8.18, 6.40, 5.45},
    {24.58, 13.96, 10.26, 8.31, 16.87, 9.93, 7.54, 6.28},
    {26.87, 15.09, 10.98, 8.84, 19.45, 11.22, 8.38, 6.89},
    {29.18, 16.23, 11.72, 9.38, 21.68, 12.33, 9.10, 7.42},
    {31.50, 17.38, 12.48, 9.93, 23.72, 13.34, 9.77, 7.91},
    {33.84, 18.54, 13.24, 10.50, 25.64, 14.31, 10.41, 8.39},
    {36.19, 19.71, 14.01, 11.07, 27.51, 15.24, 11.03, 8.85},
    {38.54, 20.88, 14.78, 11.65, 29.32, 16.16, 11.65, 9.31},
    {40.90, 22.06, 15.56, 12.23, 31.11, 17.06, 12.25, 9.77},
    {43.27, 23.24, 16.35, 12.82, 32.88, 17.95, 12.86, 10.22},
    {45.64, 24.42, 17.14, 13.41, 34.62, 18.84, 13.45, 10.68},
    {48.01, 25.61, 17.93, 14.00, 36.36, 19.72, 14.05, 11.13},
    {50.39, 26.80, 18.72, 14.60, 38.08, 20.60, 14.65, 11.58},
    {52.77, 27.99, 19.51, 15.19, 39.80, 21.48, 15.24, 12.03},
    {55.15, 29.19, 20.31, 15.79, 41.51, 22.35, 15.83, 12.49},
    {57.53, 30.38, 21.10, 16.39, 43.22, 23.22, 16.42, 12.94},
    {59.92, 31.58, 21.90, 16.99, 44.92, 24.09, 17.02, 13.39},
    {62.30, 32.77, 22.70, 17.60, 46.62, 24.96, 17.61, 13.84},
    {64.69, 33.97, 23.50, 18.20, 48.31, 25.82, 18.20, 14.29},
    {67.07, 35.17, 24.30, 18.80, 50.01, 26.69, 18.79, 14.74},
    {69.46, 36.37, 25.10, 19.41, 51.70, 27.56, 19.38, 15.19},
    {71.85, 37.57, 25.90, 20.01, 53.39, 28.42, 19.97, 15.64},
    {74.24, 38.77, 26.71, 20.61, 55.07, 29.29, 20.56, 16.10},
    {76.62, 39.97, 27.51, 21.22, 56.76, 30.15, 21.15, 16.55},
    {79.01, 41.17, 28.31, 21.83, 58.45, 31.02, 21.74, 17.00},
    {81.40, 42.37, 29.12, 22.43, 60.13, 31.88, 22.33, 17.45},
    {83.79, 43.57, 29.92, 23.04, 61.82, 32.74, 22.92, 17.90},
    {86.17, 44.78, 30.72, 23.65, 63.51, 33.61, 23.51, 18.35}};

/* The Kleibergen–Paap test that the L×K matrix of first-stage coefficients
 * of the K columns yv on the L columns zv (both already partialled) has
 * rank K − 1, as Stata's ranktest (`full`) computes it: *stat (NaN when the
 * covariance of the statistic is singular) and the smallest squared
 * canonical correlation *ev_min. wald: the Wald form (first-stage
 * residuals in Ŝ), else the LM form (ŷ itself). vce iid with the LM form is
 * the Anderson canonical-correlations statistic (V̂ = I/N). Weights w are
 * normalized to sum to n. conventional: each multiway part of Ŝ times its
 * G/(G − 1) (--cluster-df conventional, for the Wald form). */
static cn_status rk_stat(double *const *yv, int K, double *const *zv, int L, const double *w,
                         int64_t n, cn_vce vce, const cn__design *ds, bool wald, bool conventional,
                         double *stat, double *ev_min, cn_diag *d) {
  cn_status st = CN_OK;
  int KL = K * L, r = L - K + 1;
  double N = (double)n;
  double *zz = dalloc((size_t)L * L);
  double *Pi = dalloc((size_t)L * K), *th = dalloc((size_t)L * K), *thc = dalloc((size_t)L * K);
  double *S = dalloc((size_t)K), *U = dalloc((size_t)L * L), *VT = dalloc((size_t)K * K);
  double *sup = dalloc((size_t)K + L), *iLy = dalloc((size_t)K * K), *iLz = dalloc((size_t)L * L);
  double *shat = dalloc((size_t)KL * KL), *vhat = dalloc((size_t)KL * KL), *kr = dalloc((size_t)KL * KL);
  double *tmp = dalloc((size_t)KL * KL), *aq = dalloc((size_t)L * r), *u22 = dalloc((size_t)r * r);
  double *h = dalloc((size_t)r * r), *ev = dalloc((size_t)r), *bq = dalloc((size_t)K + L);
  double *M = dalloc((size_t)r * KL), *lab = dalloc((size_t)r), *vl = dalloc((size_t)r * r);
  double *MV = dalloc((size_t)r * KL);
  double **g = cn_calloc((size_t)KL + 1, sizeof *g), **e = cn_calloc((size_t)K + 1, sizeof *e);
  lapack_int *piv = cn_calloc((size_t)r + 1, sizeof *piv);
  *stat = NAN;
  *ev_min = NAN;
  if (!zz || !Pi || !th || !thc || !S || !U || !VT || !sup || !iLy || !iLz || !shat ||
      !vhat || !kr || !tmp || !aq || !u22 || !h || !ev || !bq || !M || !lab || !vl || !MV || !g ||
      !e || !piv)
    goto oom;
  gram(zv, L, w, n, zz);
  /* Cholesky factors (lower) yy = Ly Ly', zz = Lz Lz' of the cross
   * products, from the QR of the columns (never the cross products
   * themselves), and Π the least squares of yv on zv on the same QR */
  {
    cn__qr qy = {0}, qz = {0};
    cn_status s2 = cn__qr_factor(&qy, yv, NULL, K, w, n, 0, NULL, d);
    if (s2 == CN_OK) s2 = cn__qr_factor(&qz, zv, NULL, L, w, n, 0, NULL, d);
    bool full = s2 == CN_OK && qy.k == K && qz.k == L;
    if (full) {
      cn__qr_lower(&qy, iLy);
      cn__qr_lower(&qz, iLz);
    }
    for (int a = 0; full && s2 == CN_OK && a < K; a++)
      if ((s2 = cn__qr_coef(&qz, NULL, yv[a], bq, NULL, d)) == CN_OK)
        for (int l = 0; l < L; l++) Pi[l * K + a] = bq[l];
    cn__qr_free(&qy);
    cn__qr_free(&qz);
    if (s2 != CN_OK) {
      st = s2;
      goto done;
    }
    if (!full) goto done; /* collinear: not available */
  }
  /* Θ = Lz' Π (Ly')⁻¹ */
  for (int l = 0; l < L; l++)
    for (int a = 0; a < K; a++) {
      double s = 0;
      for (int m = l; m < L; m++) s += iLz[m * L + l] * Pi[m * K + a];
      thc[l * K + a] = s;
    }
  if (LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'L', 'N', K, iLy, K) != 0 ||
      LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'L', 'N', L, iLz, L) != 0)
    goto done;
  for (int l = 0; l < L; l++)
    for (int a = 0; a < K; a++) {
      double s = 0; /* Σ_b T1[l][b] · (Ly⁻¹)'[b][a] */
      for (int b = 0; b < K; b++) s += thc[l * K + b] * iLy[a * K + b];
      th[l * K + a] = s;
    }
  memcpy(thc, th, (size_t)L * K * sizeof *thc);
  if (LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'A', 'A', L, K, thc, K, S, U, L, VT, K, sup) != 0) goto done;
  *ev_min = S[K - 1] * S[K - 1];
  /* Ŝ and V̂ */
  if (vce == CN_VCE_IID && !wald) {
    for (int q = 0; q < KL; q++) vhat[q * KL + q] = 1 / N;
  } else if (vce == CN_VCE_IID) {
    /* σ̂ ⊗ ẑ'ẑ / N with σ̂ = ê'ê/N of the first-stage residuals */
    double *sig = dalloc((size_t)K * K);
    if (!sig) goto oom;
    for (int a = 0; a < K; a++)
      for (int b = 0; b < K; b++) {
        double s = 0;
        for (int64_t i = 0; i < n; i++) {
          double ea = yv[a][i], eb = yv[b][i];
          for (int l = 0; l < L; l++) ea -= zv[l][i] * Pi[l * K + a], eb -= zv[l][i] * Pi[l * K + b];
          s += WT(i) * ea * eb;
        }
        sig[a * K + b] = s / N;
      }
    for (int a = 0; a < K; a++)
      for (int l = 0; l < L; l++)
        for (int b = 0; b < K; b++)
          for (int m = 0; m < L; m++) shat[(a * L + l) * KL + b * L + m] = sig[a * K + b] * zz[l * L + m] / N;
    cn_free(sig);
  } else {
    /* scores (e_i ⊗ z_i) w_i, e = ŷ (LM) or ŷ − ẑΠ (Wald) */
    for (int a = 0; a < K; a++) {
      if (!(e[a] = dalloc((size_t)n))) goto oom;
      for (int64_t i = 0; i < n; i++) {
        double v = yv[a][i];
        if (wald)
          for (int l = 0; l < L; l++) v -= zv[l][i] * Pi[l * K + a];
        e[a][i] = v * WT(i);
      }
    }
    for (int a = 0; a < K; a++)
      for (int l = 0; l < L; l++) {
        double *gc = g[a * L + l] = dalloc((size_t)n);
        if (!gc) goto oom;
        for (int64_t i = 0; i < n; i++) gc[i] = e[a][i] * zv[l][i];
      }
    if ((st = meat_of(g, KL, NULL, n, ds, vce == CN_VCE_CLUSTER, conventional, shat, d)) != CN_OK) goto done;
    for (int q = 0; q < KL * KL; q++) shat[q] /= N;
  }
  if (!(vce == CN_VCE_IID && !wald)) {
    /* V̂ = N · (Ly⁻¹ ⊗ Lz⁻¹) Ŝ (Ly⁻¹ ⊗ Lz⁻¹)' */
    for (int a = 0; a < K; a++)
      for (int l = 0; l < L; l++)
        for (int b = 0; b < K; b++)
          for (int m = 0; m < L; m++) kr[(a * L + l) * KL + b * L + m] = iLy[a * K + b] * iLz[l * L + m];
    for (int p = 0; p < KL; p++)
      for (int q = 0; q < KL; q++) {
        double s = 0;
        for (int x = 0; x < KL; x++) s += kr[p * KL + x] * shat[x * KL + q];
        tmp[p * KL + q] = s;
      }
    for (int p = 0; p < KL; p++)
      for (int q = 0; q <= p; q++) {
        double s = 0;
        for (int x = 0; x < KL; x++) s += tmp[p * KL + x] * kr[q * KL + x];
        vhat[p * KL + q] = vhat[q * KL + p] = s * N;
      }
  }
  /* test of rank K − 1: A = U[:, K−1:] u22⁻¹ (u22 u22')^½ (L×r),
   * B = (v22²)^½ v22⁻¹ V[:, K−1]' (1×K) */
  for (int a = 0; a < r; a++)
    for (int b = 0; b < r; b++) u22[a * r + b] = U[(K - 1 + a) * L + K - 1 + b];
  for (int a = 0; a < r; a++)
    for (int b = 0; b < r; b++) {
      double s = 0;
      for (int c = 0; c < r; c++) s += u22[a * r + c] * u22[b * r + c];
      h[a * r + b] = s;
    }
  if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'L', r, h, r, ev) != 0) goto done;
  double *sq = tmp; /* (u22 u22')^½ */
  for (int a = 0; a < r; a++)
    for (int b = 0; b < r; b++) {
      double s = 0;
      for (int c = 0; c < r; c++) s += h[a * r + c] * sqrt(ev[c] > 0 ? ev[c] : 0) * h[b * r + c];
      sq[a * r + b] = s;
    }
  if (LAPACKE_dgetrf(LAPACK_ROW_MAJOR, r, r, u22, r, piv) != 0 ||
      LAPACKE_dgetri(LAPACK_ROW_MAJOR, r, u22, r, piv) != 0)
    goto done;
  for (int a = 0; a < r; a++) /* h = u22⁻¹ (u22 u22')^½ */
    for (int b = 0; b < r; b++) {
      double s = 0;
      for (int c = 0; c < r; c++) s += u22[a * r + c] * sq[c * r + b];
      h[a * r + b] = s;
    }
  for (int l = 0; l < L; l++)
    for (int b = 0; b < r; b++) {
      double s = 0;
      for (int c = 0; c < r; c++) s += U[l * L + K - 1 + c] * h[c * r + b];
      aq[l * r + b] = s;
    }
  double v22 = VT[(K - 1) * K + K - 1];
  for (int a = 0; a < K; a++) bq[a] = (v22 < 0 ? -1.0 : 1.0) * VT[(K - 1) * K + a];
  /* M = B ⊗ A' (r × KL); λ = A' Θ B'; Ω = M V̂ M' */
  for (int q = 0; q < r; q++)
    for (int a = 0; a < K; a++)
      for (int l = 0; l < L; l++) M[q * KL + a * L + l] = bq[a] * aq[l * r + q];
  for (int q = 0; q < r; q++) {
    double s = 0;
    for (int a = 0; a < K; a++)
      for (int l = 0; l < L; l++) s += M[q * KL + a * L + l] * th[l * K + a];
    lab[q] = s;
  }
  for (int q = 0; q < r; q++)
    for (int x = 0; x < KL; x++) {
      double s = 0;
      for (int y = 0; y < KL; y++) s += M[q * KL + y] * vhat[y * KL + x];
      MV[q * KL + x] = s;
    }
  for (int q = 0; q < r; q++)
    for (int p = 0; p <= q; p++) {
      double s = 0;
      for (int x = 0; x < KL; x++) s += MV[q * KL + x] * M[p * KL + x];
      vl[q * r + p] = vl[p * r + q] = s;
    }
  if (spd_inverse(vl, r)) {
    double s = 0;
    for (int q = 0; q < r; q++)
      for (int p = 0; p < r; p++) s += lab[q] * vl[q * r + p] * lab[p];
    *stat = s;
  }
  goto done;
oom:
  st = oom(d);
done:
  cn_free(zz), cn_free(Pi), cn_free(th), cn_free(thc), cn_free(S);
  cn_free(U), cn_free(VT), cn_free(sup), cn_free(iLy), cn_free(iLz), cn_free(shat), cn_free(vhat);
  cn_free(kr), cn_free(tmp), cn_free(aq), cn_free(u22), cn_free(h), cn_free(ev), cn_free(bq);
  cn_free(M), cn_free(lab), cn_free(vl), cn_free(MV), cn_free(piv);
  for (int q = 0; g && q < KL; q++) cn_free(g[q]);
  cn_free(g);
  for (int a = 0; e && a < K; a++) cn_free(e[a]);
  cn_free(e);
  return st;
}

/* Residualizes the nv columns v in place on the k columns x (weighted
 * least squares by QR; x of full column rank). */
static cn_status partial_on(double **v, int nv, double *const *x, int k, const double *w, int64_t n,
                            cn_diag *d) {
  if (k == 0) return CN_OK;
  cn__qr q;
  double *b = dalloc((size_t)k);
  cn_status st = b ? cn__qr_factor(&q, x, NULL, k, w, n, 0, NULL, d) : oom(d);
  if (st == CN_OK && q.k < k) st = cn_diag_set(d, CN_EANALYSIS, "the exogenous regressors are collinear");
  for (int j = 0; st == CN_OK && j < nv; j++) st = cn__qr_coef(&q, NULL, v[j], b, v[j], d);
  if (b) cn__qr_free(&q);
  cn_free(b);
  return st;
}

/* The Wald statistic b'V⁻¹b of the k slopes for V = f·D·meat·D with D =
 * (X̂'WX̂)⁻¹ (robust: meat of the rows; cluster: of one cluster
 * variable's sums) or V = s2·D (iid, meat NULL), from the QR qx of X̂ =
 * QRS without forming V⁻¹: with c = RSb, b'V⁻¹b = c'(G'G)⁻¹c / f where G
 * has the rows √w_i e_i q_i (or their cluster sums), and |c|²/s2 for iid.
 * G'G is inverted through the QR of G, whose condition is that of the
 * residuals, not of the design, so the statistic does not depend on the
 * regressors' units or on how collinear they are. NaN when G is rank
 * deficient. */
static cn_status slopes_wald(const cn__qr *qx, const double *b, const double *e, const double *w,
                             int64_t n, const int32_t *cl, int64_t G, bool iid, double f, double s2,
                             double *wald, cn_diag *d) {
  int k = qx->k;
  size_t nn = (size_t)n;
  cn_status st = CN_OK;
  double *c = dalloc((size_t)k), *L = dalloc((size_t)k * k);
  int64_t ng = cl ? G : n;
  double **g = cn_calloc((size_t)k + 1, sizeof *g);
  cn__qr qg = {0};
  *wald = NAN;
  if (!c || !L || !g) goto oom;
  for (int a = 0; a < k; a++) { /* c = R S b */
    long double t = 0;
    for (int p = a; p < k; p++) t += (long double)qx->A[(size_t)p * nn + (size_t)a] * qx->sc[p] * b[p];
    c[a] = (double)t;
  }
  if (iid) {
    long double t = 0;
    for (int a = 0; a < k; a++) t += (long double)c[a] * c[a];
    *wald = (double)(t / s2);
    goto done;
  }
  for (int a = 0; a < k; a++) {
    double *qa = dalloc(nn);
    if (!qa || !(g[a] = dalloc((size_t)ng))) {
      cn_free(qa);
      goto oom;
    }
    qa[a] = 1;
    cn__qr_apply_q(qx, qa);
    for (int64_t i = 0; i < n; i++) g[a][cl ? cl[i] : i] += (w ? sqrt(w[i]) : 1) * e[i] * qa[i];
    cn_free(qa);
  }
  if ((st = cn__qr_factor(&qg, g, NULL, k, NULL, ng, 0, NULL, d)) != CN_OK) goto done;
  if (qg.k < k) goto done;
  cn__qr_lower(&qg, L); /* G'G = LL': c'(G'G)⁻¹c = |L⁻¹c|² */
  long double t = 0;
  for (int a = 0; a < k; a++) {
    long double r = c[a];
    for (int p = 0; p < a; p++) r -= (long double)L[a * k + p] * c[p];
    c[a] = (double)(r / L[a * k + a]);
    t += (long double)c[a] * c[a];
  }
  *wald = (double)(t / f);
  goto done;
oom:
  st = oom(d);
done:
  cn__qr_free(&qg);
  for (int a = 0; g && a < k; a++) cn_free(g[a]);
  cn_free(g);
  cn_free(c);
  cn_free(L);
  return st;
}

/* Fills a coefficient's t, p and 95% interval from b and se on df. */
static void coef_stats(cn_coef *c, double df) {
  double tq = gsl_cdf_tdist_Qinv(0.025, df);
  c->t = c->b / c->se;
  c->p = 2 * gsl_cdf_tdist_Q(fabs(c->t), df);
  c->ci_low = c->b - tq * c->se;
  c->ci_high = c->b + tq * c->se;
}

/* The variance factor of ivreg2 `small` for nk regressors (or instruments):
 * N/(N − nk − sdofminus), or (N − 1)/(N − nk − sdofminus) · G/(G − 1);
 * G = 0 leaves G/(G − 1) out (the meat has it, --cluster-df conventional). */
static double small_factor(double N, double nk, double sdof, bool cluster, double G) {
  return cluster ? (N - 1) / (N - nk - sdof) * (G > 0 ? G / (G - 1) : 1) : N / (N - nk - sdof);
}

cn_status cn_iv(const cn_table *t, const char *formula, const cn_reg_opts *opts, cn_model **out,
                cn_diag *d) {
  cn_status st = CN_OK;
  cn_reg_opts defaults;
  if (!opts) {
    cn_reg_opts_init(&defaults);
    opts = &defaults;
  }
  cn_model *m = cn_calloc(1, sizeof *m);
  cn__design ds;
  memset(&ds, 0, sizeof ds);
  double **dm = NULL, **X = NULL, **Z = NULL, **Xh = NULL, **yh = NULL, **zh = NULL;
  double *ones = NULL, *D = NULL, *Dk = NULL, *xmean = NULL, *b = NULL;
  double *e = NULL, *s = NULL, *meat = NULL, *V = NULL, *Zd = NULL, *pi = NULL, *v = NULL;
  double *Vf = NULL, *mf = NULL, *rf = NULL, *xr = NULL;
  bool *kex = NULL, *ken = NULL, *kin = NULL;
  const char **xname = NULL, **zname = NULL;
  int nyh = 0, nzh = 0, nxh = 0; /* columns allocated in yh, zh, Xh */
  cn__qr qz = {0}, qx = {0};
  *out = NULL;
  if (!m) return oom(d);
  cn__model_init(m);
  if ((st = cn__design_build(t, formula, opts, CN_DESIGN_IV, &ds, m, d)) != CN_OK) goto done;
  cn_formula *f = ds.f;
  int64_t n = ds.n;
  double N = (double)n;
  double *y = ds.y, *w = ds.w;
  rcol *ex = ds.set[0], *en = ds.set[1], *in = ds.set[2];
  int nex = ds.nset[0], nen = ds.nset[1], nin = ds.nset[2], nfe = f->nfe;
  bool cluster = opts->vce == CN_VCE_CLUSTER;
  if (nin < nen) {
    cn_buf names = {0}; /* every name, whole (the message may still be cut) */
    for (int j = 0; j < nen; j++) cn__buf_printf(&names, "%s%s", j ? ", " : "", en[j].name);
    cn__buf_append(&names, "", 0);
    st = cn_diag_set(d, CN_ESCRIPT,
                     "underidentified: %d endogenous regressor%s (%s) but %d excluded instrument%s; "
                     "give at least as many instruments as endogenous regressors",
                     nen, nen == 1 ? "" : "s", names.data ? names.data : "", nin, nin == 1 ? "" : "s");
    cn__buf_free(&names);
    goto done;
  }
  /* means (for the constant), then y and every column demeaned */
  if ((st = cn__absorb_prepare(&ds.ab, d)) != CN_OK) goto done;
  double ybar = wmean(y, w, n), tss = 0, yy = 0;
  for (int64_t i = 0; i < n; i++) {
    tss += WT(i) * (y[i] - ybar) * (y[i] - ybar);
    yy += WT(i) * y[i] * y[i];
  }
  int nv = 1 + nex + nen + nin;
  dm = cn_calloc((size_t)nv + 1, sizeof *dm);
  if (!dm) goto oom;
  dm[0] = y;
  for (int j = 0; j < nex; j++) dm[1 + j] = ex[j].x, ex[j].mean = wmean(ex[j].x, w, n);
  for (int j = 0; j < nen; j++) dm[1 + nex + j] = en[j].x, en[j].mean = wmean(en[j].x, w, n);
  for (int j = 0; j < nin; j++) dm[1 + nex + nen + j] = in[j].x, in[j].mean = wmean(in[j].x, w, n);
  /* every column's norm before demeaning: the yardstick of its
   * collinearity with the constant and the fixed effects (as reg) */
  rf = dalloc((size_t)nv);
  if (!rf) goto oom;
  for (int j = 1; j < nv; j++) rf[j] = sqrt(wdot(dm[j], dm[j], w, n));
  if (ds.ab.nfe > 0 && (st = demean_all(&ds.ab, dm, nv, opts, &m->iterations, d)) != CN_OK) goto done;
  m->converged = true;
  double tssw = wdot(y, y, w, n);
  /* collinearity (reg's rule, by QR): exogenous among themselves;
   * endogenous, then excluded instruments, each on the kept exogenous ones.
   * A regressor goes when what is left of it is at most 1e-9 of its norm
   * (3.16e-5 with two or more fixed effects, whose demeaning is iterative) */
  double coll_tol = ds.ab.nfe > 1 ? 3.1622776601683795e-5 : 1e-9;
  kex = cn_calloc((size_t)nex + 1, sizeof *kex);
  ken = cn_calloc((size_t)nen + 1, sizeof *ken);
  kin = cn_calloc((size_t)nin + 1, sizeof *kin);
  X = cn_calloc((size_t)(nex + nen + nin) + 2, sizeof *X);
  Z = cn_calloc((size_t)(nex + nin) + 2, sizeof *Z);
  xr = dalloc((size_t)(nex + nen + nin) + 2);
  if (!kex || !ken || !kin || !X || !Z || !xr) goto oom;
  if ((st = collin(dm + 1, rf + 1, nex, 0, w, n, coll_tol, kex, d)) != CN_OK) goto done;
  int k0 = 0;
  for (int j = 0; j < nex; j++)
    if (kex[j]) xr[k0] = rf[1 + j], X[k0++] = ex[j].x;
  for (int j = 0; j < nen; j++) xr[k0 + j] = rf[1 + nex + j], X[k0 + j] = en[j].x;
  if ((st = collin(X, xr, k0 + nen, k0, w, n, coll_tol, ken, d)) != CN_OK) goto done;
  for (int j = 0; j < nin; j++) xr[k0 + j] = rf[1 + nex + nen + j], X[k0 + j] = in[j].x;
  if ((st = collin(X, xr, k0 + nin, k0, w, n, coll_tol, kin, d)) != CN_OK) goto done;
  for (int pass = 0; pass < 3; pass++) {
    rcol *set = pass == 0 ? ex : pass == 1 ? en : in;
    bool *keep = pass == 0 ? kex : pass == 1 ? ken : kin;
    int ns = pass == 0 ? nex : pass == 1 ? nen : nin;
    for (int j = 0; j < ns; j++)
      if (!keep[j]) {
        set[j].omitted = true;
        if (cn__model_note(m, "%s%s omitted because of collinearity", set[j].name,
                     pass == 1 ? " (endogenous)" : pass == 2 ? " (instrument)" : "") != CN_OK)
          goto oom;
      }
  }
  int K1 = 0, L1 = 0;
  for (int j = 0; j < nen; j++) K1 += ken[j];
  for (int j = 0; j < nin; j++) L1 += kin[j];
  if (K1 == 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "every endogenous regressor is collinear with the exogenous ones");
    goto done;
  }
  if (L1 < K1) {
    cn_buf names = {0}; /* every name, whole (the message may still be cut) */
    for (int j = 0; j < nin; j++)
      if (!kin[j]) cn__buf_printf(&names, "%s%s", names.len ? ", " : "", in[j].name);
    cn__buf_append(&names, "", 0);
    st = cn_diag_set(d, CN_ESCRIPT,
                     "underidentified: %d endogenous regressor%s but only %d excluded instrument%s "
                     "left after dropping the collinear %s",
                     K1, K1 == 1 ? "" : "s", L1, L1 == 1 ? "" : "s", names.data ? names.data : "");
    cn__buf_free(&names);
    goto done;
  }
  /* X = [endogenous, exogenous], Z = [excluded instruments, exogenous] */
  int k = K1 + k0, L = L1 + k0;
  xname = cn_calloc((size_t)k + 2, sizeof *xname);
  zname = cn_calloc((size_t)L + 2, sizeof *zname);
  xmean = dalloc((size_t)k + 1);
  if (!xname || !zname || !xmean) goto oom;
  {
    int a = 0, c = 0;
    for (int j = 0; j < nen; j++)
      if (ken[j]) xmean[a] = en[j].mean, xname[a] = en[j].name, X[a++] = en[j].x;
    for (int j = 0; j < nin; j++)
      if (kin[j]) zname[c] = in[j].name, Z[c++] = in[j].x;
    for (int j = 0; j < nex; j++)
      if (kex[j]) xmean[a] = ex[j].mean, xname[a] = zname[c] = ex[j].name, X[a++] = Z[c++] = ex[j].x;
  }
  /* degrees of freedom absorbed (reghdfe dof(all), as reg.c) */
  int nabs = ds.ab.nfe;
  m->n_fe = nfe;
  m->fe = cn_calloc((size_t)nfe + 1, sizeof *m->fe);
  if (!m->fe) goto oom;
  double df_a = 0;
  for (int g = 0; g < nabs; g++) {
    int64_t Kg = ds.ab.nlev[g], M = 0;
    bool nested = false;
    for (int q = 0; g < nfe && ds.clid && q < ds.ncl && !nested; q++)
      nested = cn__fe_nested(&ds.ab, g, ds.clid[q]);
    if (nested) M = Kg;
    else if (g == 1) {
      if ((M = cn__fe_components(&ds.ab, 0, 1)) < 0) goto oom;
    } else if (g > 1) M = 1;
    df_a += (double)(Kg - M);
    if (g < nfe) {
      if (!(m->fe[g].name = cn_strdup(f->fe[g].name))) goto oom;
      m->fe[g].levels = Kg;
      m->fe[g].redundant = M;
      m->fe[g].nested = nested;
    }
  }
  /* ivreghdfe: sdofminus = df_a, or 1 when the fixed effects are all nested */
  double sdof = nfe > 0 && df_a == 0 ? 1 : df_a, dk = (double)k;
  m->df_a = df_a;
  double Gmin = 0;
  if (cluster) {
    Gmin = (double)ds.G[0];
    for (int q = 1; q < ds.ncl; q++)
      if ((double)ds.G[q] < Gmin) Gmin = (double)ds.G[q];
  }
  if (N - dk - sdof <= 0 || N - L - sdof <= 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "no residual degrees of freedom (N = %lld, %d instruments, df_a = %g)",
                     (long long)n, L, df_a);
    goto done;
  }
  bool conventional = cluster && ds.ncl > 1 && opts->cluster_df == CN_CLUSTER_DF_CONVENTIONAL;
  if (cluster && Gmin < 2) {
    st = cn_diag_set(d, CN_EANALYSIS, "one cluster only");
    goto done;
  }
  m->vce = opts->vce;

  /* ---- first stages: endog_j on Z (partialled, no constant), by the QR
   * of Z; X̂_j = X_j − v_j, the fitted values, for the second stage ---- */
  Zd = dalloc((size_t)L * L);
  pi = dalloc((size_t)L);
  v = dalloc((size_t)n);
  Vf = dalloc((size_t)L * L);
  mf = dalloc((size_t)L * L);
  m->first = cn_calloc((size_t)K1 + 1, sizeof *m->first);
  Xh = cn_calloc((size_t)k + 2, sizeof *Xh);
  if (!Zd || !pi || !v || !Vf || !mf || !m->first || !Xh) goto oom;
  if ((st = cn__qr_factor(&qz, Z, NULL, L, w, n, 0, NULL, d)) != CN_OK) goto done;
  if (qz.k < L) {
    st = cn_diag_set(d, CN_EANALYSIS, "the instruments are collinear (Z'Z is singular)");
    goto done;
  }
  if ((st = cn__qr_bread(&qz, Zd, d)) != CN_OK) goto done;
  m->n_first = K1;
  double dff = N - L - sdof; /* first-stage residual df */
  for (int j = 0; j < K1; j++) {
    cn_first_stage *fs = &m->first[j];
    if (!(fs->endog = cn_strdup(xname[j]))) goto oom;
    fs->coef = cn_calloc((size_t)L + 1, sizeof *fs->coef);
    if (!fs->coef) goto oom;
    fs->ncoef = L;
    if ((st = cn__qr_coef(&qz, NULL, X[j], pi, v, d)) != CN_OK) goto done;
    if (!(Xh[j] = dalloc((size_t)n))) goto oom;
    nxh++;
    double ee = 0;
    for (int64_t i = 0; i < n; i++) {
      Xh[j][i] = X[j][i] - v[i];
      ee += WT(i) * v[i] * v[i];
    }
    /* classical Wald (σ² = ee/N) for the partial R² */
    for (int q = 0; q < L * L; q++) Vf[q] = ee / N * Zd[q];
    double wc = wald_block(pi, Vf, L, L1);
    fs->partial_r2 = (wc / N) / (1 + wc / N);
    if (opts->vce == CN_VCE_IID) {
      for (int q = 0; q < L * L; q++) Vf[q] = ee / dff * Zd[q];
    } else {
      for (int64_t i = 0; i < n; i++) v[i] *= WT(i);
      memset(mf, 0, (size_t)L * L * sizeof *mf);
      if ((st = meat_of(Z, L, v, n, &ds, cluster, conventional, mf, d)) != CN_OK) goto done;
      double fz = small_factor(N, L, sdof, cluster, conventional ? 0 : Gmin);
      if ((st = sandwich(Zd, mf, fz, L, Vf, d)) != CN_OK) goto done;
    }
    fs->F = wald_block(pi, Vf, L, L1) / L1;
    fs->F_df1 = L1;
    fs->F_df2 = cluster ? Gmin - 1 : dff;
    fs->F_p = gsl_cdf_fdist_Q(fs->F, fs->F_df1, fs->F_df2);
    for (int a = 0; a < L; a++) {
      cn_coef *c = &fs->coef[a];
      if (!(c->name = cn_strdup(zname[a]))) goto oom;
      c->b = pi[a];
      c->se = sqrt(Vf[a * L + a]);
      coef_stats(c, dff);
    }
  }
  cn__qr_free(&qz); /* n × L: not needed any more */

  /* ---- Kleibergen–Paap and Cragg–Donald: endogenous and excluded
   * instruments with the exogenous regressors partialled out ---- */
  yh = cn_calloc((size_t)K1 + 1, sizeof *yh);
  zh = cn_calloc((size_t)L1 + 1, sizeof *zh);
  if (!yh || !zh) goto oom;
  for (int j = 0; j < K1; j++) {
    if (!(yh[j] = dalloc((size_t)n))) goto oom;
    nyh++;
    memcpy(yh[j], X[j], (size_t)n * sizeof *yh[j]);
  }
  for (int j = 0; j < L1; j++) {
    if (!(zh[j] = dalloc((size_t)n))) goto oom;
    nzh++;
    memcpy(zh[j], Z[j], (size_t)n * sizeof *zh[j]);
  }
  if ((st = partial_on(yh, K1, X + K1, k0, w, n, d)) != CN_OK ||
      (st = partial_on(zh, L1, X + K1, k0, w, n, d)) != CN_OK)
    goto done;
  {
    double lm = NAN, evmin = NAN, rkw = NAN, ev2 = NAN;
    if ((st = rk_stat(yh, K1, zh, L1, w, n, opts->vce, &ds, false, false, &lm, &evmin, d)) != CN_OK) goto done;
    double ivct = (double)L; /* instruments other than the partialled constant */
    m->kp_lm = lm;
    m->kp_lm_df = L1 - K1 + 1;
    m->kp_lm_p = isnan(lm) ? NAN : gsl_cdf_chisq_Q(lm, m->kp_lm_df);
    m->cd_f = evmin / (1 - evmin) * (N - sdof - ivct) / L1;
    if (opts->vce != CN_VCE_IID) {
      /* the rk Wald F undoes the variance's small-sample factors, so
       * that with one endogenous regressor and one instrument it is the
       * first-stage F: with conventional parts, their G/(G − 1) is in Ŝ */
      if ((st = rk_stat(yh, K1, zh, L1, w, n, opts->vce, &ds, true, conventional, &rkw, &ev2, d)) != CN_OK)
        goto done;
      m->kp_wald_f = cluster ? rkw / (N - 1) * (N - ivct - sdof) * (conventional ? 1 : (Gmin - 1) / Gmin) / L1
                             : rkw / N * (N - ivct - sdof) / L1;
    }
    if (K1 <= 2 && L1 <= 30)
      for (int q = 0; q < 4; q++) m->sy_crit[q] = sy_size[L1 - 1][(K1 - 1) * 4 + q];
  }

  /* ---- second stage, in the centered parametrization y = Xb + 1α of
   * the demeaned data (as reg): b from the QR of X̂ = [P_Z X_endog,
   * X_exog], refined from the residuals of y − Xb with the actual X
   * (X̂'(y − Xb) = 0); the bread is C⁻¹ = diag((X̂'WX̂)⁻¹, 1/Σw), the
   * scores are [X̂, 1] e, and the reported constant b0 = ȳ − m'b (m the
   * means) gets the variance L V L' for L = [[I, 0], [−m', 1]]. Adding
   * the means back and putting a column of ones in X and Z gives the
   * same numbers with the cancellation that brings ---- */
  bool cons = nfe > 0 || f->cons;
  int ka = k + (cons ? 1 : 0);
  for (int a = K1; a < k; a++) Xh[a] = X[a]; /* the exogenous are their own projection */
  if (cons) {
    if (!(ones = dalloc((size_t)n))) goto oom;
    for (int64_t i = 0; i < n; i++) ones[i] = 1;
    Xh[k] = ones;
  }
  D = dalloc((size_t)ka * ka);
  Dk = dalloc((size_t)k * k);
  b = dalloc((size_t)ka);
  e = dalloc((size_t)n);
  s = dalloc((size_t)n);
  meat = dalloc((size_t)ka * ka);
  V = dalloc((size_t)ka * ka);
  if (!D || !Dk || !b || !e || !s || !meat || !V) goto oom;
  if ((st = cn__qr_factor(&qx, Xh, NULL, k, w, n, 0, NULL, d)) != CN_OK) goto done;
  if (qx.k < k) {
    st = cn_diag_set(d, CN_EANALYSIS, "X'P_Z X is singular: the instruments do not identify the model");
    goto done;
  }
  if ((st = cn__qr_coef(&qx, X, y, b, e, d)) != CN_OK || (st = cn__qr_bread(&qx, Dk, d)) != CN_OK)
    goto done;
  for (int a = 0; a < k; a++)
    for (int c = 0; c < k; c++) D[a * ka + c] = Dk[a * k + c];
  double sw = 0;
  for (int64_t i = 0; i < n; i++) sw += WT(i);
  if (cons) {
    long double bc = ybar;
    for (int a = 0; a < k; a++) bc -= (long double)b[a] * xmean[a];
    b[k] = (double)bc;
    D[k * ka + k] = 1 / sw;
  }
  double rss = 0;
  for (int64_t i = 0; i < n; i++) rss += WT(i) * e[i] * e[i];
  /* an exact fit: no residual variance, so no standard errors (as reg) */
  if ((st = cn__fit_defined(tss, yy, rss, "", "the regressors", ds.f->dep.text, "in the estimation sample",
                             d)) != CN_OK)
    goto done;
  double used = N - dk - sdof;
  m->df_r = cluster ? Gmin - 1 : used;
  if (opts->vce == CN_VCE_IID) {
    for (int q = 0; q < ka * ka; q++) V[q] = rss / used * D[q];
  } else {
    for (int64_t i = 0; i < n; i++) s[i] = WT(i) * e[i];
    if ((st = meat_of(Xh, ka, s, n, &ds, cluster, conventional, meat, d)) != CN_OK) goto done;
    double fx = small_factor(N, dk, sdof, cluster, conventional ? 0 : Gmin);
    if ((st = sandwich(D, meat, fx, ka, V, d)) != CN_OK) goto done;
  }
  if (cons) cn__vce_uncenter(V, ka, k, xmean);
  if (cluster && ds.ncl > 1 && k > 0 && (st = cn__vce_psd_slopes(V, ka, k, m, d)) != CN_OK) goto done;
  if (cluster) {
    m->n_cluster = ds.ncl;
    m->cluster = cn_calloc((size_t)ds.ncl + 1, sizeof *m->cluster);
    m->n_clusters = cn_calloc((size_t)ds.ncl + 1, sizeof *m->n_clusters);
    if (!m->cluster || !m->n_clusters) goto oom;
    for (int q = 0; q < ds.ncl; q++) {
      if (!(m->cluster[q] = cn_strdup(opts->cluster[q]))) goto oom;
      m->n_clusters[q] = ds.G[q];
    }
  }
  m->ncoef = ka;
  m->coef = cn_calloc((size_t)ka + 1, sizeof *m->coef);
  if (!m->coef) goto oom;
  m->V = V;
  V = NULL;
  for (int a = 0; a < ka; a++) {
    cn_coef *c = &m->coef[a];
    if (!(c->name = cn_strdup(a < k ? xname[a] : "_cons"))) goto oom;
    c->b = b[a];
    c->se = sqrt(m->V[a * ka + a]);
    coef_stats(c, m->df_r);
  }
  /* fit (reghdfe's family, with ivreg2's K + sdofminus) */
  m->rss = rss;
  m->tss = tss;
  m->tss_within = tssw;
  m->r2 = 1 - rss / tss;
  m->r2_within = nfe > 0 ? 1 - rss / tssw : m->r2;
  m->r2_a = 1 - (rss / used) / (tss / (N - 1));
  m->r2_within_a = 1 - (rss / used) / (tssw / (used + dk));
  m->rmse = sqrt(rss / used);
  if (k > 0) {
    /* the model F: from the QR factors (slopes_wald) but with two or more
     * cluster variables, whose meat is not one cross product */
    if (cluster && ds.ncl > 1) m->F = wald_block(b, m->V, ka, k) / dk;
    else {
      double wald = NAN;
      if ((st = slopes_wald(&qx, b, e, w, n, cluster ? ds.clid[0] : NULL, cluster ? ds.G[0] : 0,
                            opts->vce == CN_VCE_IID, small_factor(N, dk, sdof, cluster, Gmin), rss / used,
                            &wald, d)) != CN_OK)
        goto done;
      m->F = wald / dk;
    }
    m->F_p = isnan(m->F) ? NAN : gsl_cdf_fdist_Q(m->F, dk, m->df_r);
  }
  if (m->singletons && cn__model_note(m, "%lld singleton observation%s dropped", (long long)m->singletons,
                                m->singletons == 1 ? "" : "s") != CN_OK)
    goto oom;
  if (!(m->command = cn_strdup("iv")) || !(m->estimator = cn_strdup("iv")) ||
      !(m->depvar = cn_strdup(f->dep.text)) || !(m->formula = cn_strdup(formula)))
    goto oom;
  goto done;
oom:
  st = oom(d);
done:
  if (st == CN_OK) *out = m;
  else cn_model_free(m);
  for (int j = 0; j < nyh; j++) cn_free(yh[j]);
  for (int j = 0; j < nzh; j++) cn_free(zh[j]);
  for (int j = 0; j < nxh; j++) cn_free(Xh[j]);
  cn_free(yh), cn_free(zh), cn_free(Xh);
  cn__qr_free(&qz), cn__qr_free(&qx);
  cn_free(dm), cn_free(X), cn_free(Z), cn_free(ones), cn_free(Dk), cn_free(xmean);
  cn_free(D), cn_free(b), cn_free(e), cn_free(s), cn_free(meat), cn_free(V);
  cn_free(Zd), cn_free(pi), cn_free(v), cn_free(Vf), cn_free(mf), cn_free(kex), cn_free(ken);
  cn_free(kin), cn_free(xname), cn_free(zname), cn_free(rf), cn_free(xr);
  cn__design_free(&ds);
  return st;
}
