/* lib/model/qr.c — least squares by Householder QR on column-scaled
 * designs, shared by reg, iv and the maximum-likelihood estimators (not
 * public). Every column is scaled to unit (weighted) norm before it is
 * factored, so that results do not depend on the regressors' units, and
 * the factorization is built column by column in the order given, so
 * that of collinear columns the later one is left out (Stata's _rmcoll).
 * The passes over the rows run in parallel over fixed blocks of rows;
 * a sum is formed block by block in long double and the blocks' sums are
 * added in block order, so results depend on n only, never on the thread
 * count. */
#include <lapacke.h>
#include <math.h>
#include <string.h>
#include "hdfe.h"
#include "model_int.h"

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* Rows per block: the unit of work and of partial sums. */
#define QR_BLOCK 32768

/* The number of row blocks of n rows (at least 1). */
static int64_t nblocks(int64_t n) { return n > QR_BLOCK ? (n + QR_BLOCK - 1) / QR_BLOCK : 1; }

/* Block b's rows [*lo, *hi) of n, starting no earlier than from. */
static void block_rows(int64_t b, int64_t n, int64_t from, int64_t *lo, int64_t *hi) {
  *lo = b * QR_BLOCK;
  *hi = *lo + QR_BLOCK < n ? *lo + QR_BLOCK : n;
  if (*lo < from) *lo = from;
}

/* Σ_{i ≥ from} a[i] b[i] (b NULL: a[i]²) in long double, by blocks;
 * part holds nblocks(n) entries of scratch. */
static long double dot_from(const double *a, const double *b, int64_t from, int64_t n, long double *part) {
  int64_t nb = nblocks(n);
#pragma omp parallel for schedule(static) if (nb > 1)
  for (int64_t k = 0; k < nb; k++) {
    int64_t lo, hi;
    block_rows(k, n, from, &lo, &hi);
    long double s = 0;
    if (b)
      for (int64_t i = lo; i < hi; i++) s += (long double)a[i] * b[i];
    else
      for (int64_t i = lo; i < hi; i++) s += (long double)a[i] * a[i];
    part[k] = s;
  }
  long double s = 0;
  for (int64_t k = 0; k < nb; k++) s += part[k];
  return s;
}

/* Applies the Householder reflector H = I − tau v v' stored in column v
 * (v[q] = 1 implied, v[q+1..n) below the diagonal) to a[q..n); part is
 * scratch of nblocks(n) entries. */
static void reflect(const double *v, double tau, double *a, int q, int64_t n, long double *part) {
  if (tau == 0) return;
  long double dot = a[q] + dot_from(v, a, q + 1, n, part);
  double s = (double)(dot * tau);
  a[q] -= s;
  int64_t nb = nblocks(n);
#pragma omp parallel for schedule(static) if (nb > 1)
  for (int64_t k = 0; k < nb; k++) {
    int64_t lo, hi;
    block_rows(k, n, q + 1, &lo, &hi);
    for (int64_t i = lo; i < hi; i++) a[i] -= s * v[i];
  }
}

/* The reflector that maps a[k..n) to (beta, 0, ...): LAPACK's dlarfg
 * convention (beta = −sign(a[k]) ‖a[k..n)‖, v[k] = 1 implied, v stored
 * over a[k+1..n), tau = (beta − a[k]) / beta), with the norm summed in
 * long double. A zero tail gives tau = 0 (no reflection). */
static double householder(double *a, int k, int64_t n, long double *part) {
  long double xx = dot_from(a, NULL, k + 1, n, part);
  if (xx == 0) return 0;
  long double alpha = a[k], beta = sqrtl(alpha * alpha + xx);
  if (alpha > 0) beta = -beta;
  double tau = (double)((beta - alpha) / beta), sc = (double)(1 / (alpha - beta));
  int64_t nb = nblocks(n);
#pragma omp parallel for schedule(static) if (nb > 1)
  for (int64_t b = 0; b < nb; b++) {
    int64_t lo, hi;
    block_rows(b, n, k + 1, &lo, &hi);
    for (int64_t i = lo; i < hi; i++) a[i] *= sc;
  }
  a[k] = (double)beta;
  return tau;
}

void cn__qr_free(cn__qr *q) {
  cn_free(q->A);
  cn_free(q->tau);
  cn_free(q->sc);
  cn_free(q->map);
  cn_free(q->part);
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
  q->part = cn_malloc((size_t)nblocks(n) * ((size_t)ncol + 3) * sizeof *q->part);
  if (!q->A || !q->tau || !q->sc || !q->map || !q->part) {
    cn__qr_free(q);
    return oom(d);
  }
  double *A = q->A, *tau = q->tau;
  long double *part = q->part;
  int64_t nb = nblocks(n);
  int k = 0;
  for (int j = 0; j < ncol; j++) {
    if (keep) keep[j] = false;
    const double *xj = x[j];
#pragma omp parallel for schedule(static) if (nb > 1)
    for (int64_t b = 0; b < nb; b++) {
      int64_t lo, hi;
      block_rows(b, n, 0, &lo, &hi);
      long double ss = 0;
      for (int64_t i = lo; i < hi; i++) ss += (long double)(w ? w[i] : 1) * xj[i] * xj[i];
      part[b] = ss;
    }
    long double ss = 0;
    for (int64_t b = 0; b < nb; b++) ss += part[b];
    double s = (double)sqrtl(ss), rj = ref ? ref[j] : 0;
    if (!(s > tol * rj) || s == 0 || !isfinite(s) || k >= n) continue;
    double *a = A + (size_t)k * nn;
#pragma omp parallel for schedule(static) if (nb > 1)
    for (int64_t b = 0; b < nb; b++) {
      int64_t lo, hi;
      block_rows(b, n, 0, &lo, &hi);
      for (int64_t i = lo; i < hi; i++) a[i] = (w ? sqrt(w[i]) : 1) * xj[i] / s;
    }
    for (int p = 0; p < k; p++) reflect(A + (size_t)p * nn, tau[p], a, p, n, part);
    long double r = dot_from(a, NULL, k, n, part);
    if (!(sqrtl(r) > tol)) continue;
    tau[k] = householder(a, k, n, part);
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
  int64_t nb = nblocks(n);
  for (int step = 0; step < 4 && k > 0; step++) {
#pragma omp parallel for schedule(static) if (nb > 1)
    for (int64_t bk = 0; bk < nb; bk++) {
      int64_t lo, hi;
      block_rows(bk, n, 0, &lo, &hi);
      for (int64_t i = lo; i < hi; i++) {
        long double r = y[i];
        for (int a = 0; a < k; a++) r -= (long double)(xk ? xk[a] : q->x[q->map[a]])[i] * bl[a];
        t[i] = (double)((w ? sqrtl(w[i]) : 1) * r);
      }
    }
    for (int p = 0; p < k; p++) reflect(q->A + (size_t)p * nn, q->tau[p], t, p, n, q->part);
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
  if (e) {
#pragma omp parallel for schedule(static) if (nb > 1)
    for (int64_t bk = 0; bk < nb; bk++) {
      int64_t lo, hi;
      block_rows(bk, n, 0, &lo, &hi);
      for (int64_t i = lo; i < hi; i++) {
        long double r = y[i];
        for (int a = 0; a < k; a++) r -= (long double)(xk ? xk[a] : q->x[q->map[a]])[i] * bl[a];
        e[i] = (double)r;
      }
    }
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
  for (int p = q->k - 1; p >= 0; p--) reflect(q->A + (size_t)p * (size_t)q->n, q->tau[p], v, p, q->n, q->part);
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
/* Designs of at most this many kept columns use the compact WY form of Q
 * in reg's refinement (cn__qr_ls). */
#define QR_WY_MAX 8

/* Entry (i, p) of the reflectors' matrix V for a row i < k: 1 on the
 * diagonal, the stored reflector below it, 0 above. */
static long double wy_v(const cn__qr *f, int i, int p) {
  return i == p ? 1 : i > p ? (long double)f->A[(size_t)p * (size_t)f->n + (size_t)i] : 0;
}

/* Gt = V'V over the rows i ≥ k and the triangular factor T of the compact
 * WY form Q = I − V T V' (LAPACK dlarft, forward, column-wise), both
 * QR_WY_MAX × QR_WY_MAX, row-major; part is scratch of nblocks(n) ×
 * k(k+1)/2 entries. */
static void wy_prepare(const cn__qr *f, long double *part, long double *Gt, long double *T) {
  int k = f->k, ng = k * (k + 1) / 2;
  int64_t n = f->n, nb = nblocks(n);
  size_t nn = (size_t)n;
  const double *A = f->A;
#pragma omp parallel for schedule(static) if (nb > 1)
  for (int64_t b = 0; b < nb; b++) {
    int64_t lo, hi;
    block_rows(b, n, k, &lo, &hi);
    long double *pp = part + (size_t)b * (size_t)ng;
    for (int q = 0; q < ng; q++) pp[q] = 0;
    for (int64_t i = lo; i < hi; i++)
      for (int p = 0, q = 0; p < k; p++)
        for (int r = 0; r <= p; r++, q++) pp[q] += (long double)A[(size_t)p * nn + (size_t)i] * A[(size_t)r * nn + (size_t)i];
  }
  for (int p = 0, q = 0; p < k; p++)
    for (int r = 0; r <= p; r++, q++) {
      long double s = 0;
      for (int64_t b = 0; b < nb; b++) s += part[(size_t)b * (size_t)ng + (size_t)q];
      Gt[p * QR_WY_MAX + r] = Gt[r * QR_WY_MAX + p] = s;
    }
  for (int p = 0; p < k; p++) {
    for (int r = 0; r < k; r++) T[r * QR_WY_MAX + p] = 0;
    T[p * QR_WY_MAX + p] = f->tau[p];
    long double z[QR_WY_MAX];
    for (int r = 0; r < p; r++) { /* z = −tau_p V(:, r)'V(:, p) */
      long double g = Gt[r * QR_WY_MAX + p];
      for (int i = p; i < k; i++) g += wy_v(f, i, r) * wy_v(f, i, p);
      z[r] = -(long double)f->tau[p] * g;
    }
    for (int r = 0; r < p; r++) {
      long double s = 0;
      for (int c = r; c < p; c++) s += T[r * QR_WY_MAX + c] * z[c];
      T[r * QR_WY_MAX + p] = s;
    }
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
 * or without a constant. e (n, not aliasing the inputs) is also the
 * scratch of the refinement. The result depends on n only, not on the
 * thread count. */
cn_status cn__qr_ls(double *const *x, const double *ref, int ncol, const double *y, const double *w,
                    int64_t n, double tol, double *const *xr, const double *yr, const double *mean,
                    bool *keep, int *kout, double *b, double *b0, double *Ainv, double *e,
                    double *rss, cn_diag *d) {
  cn_status st = CN_OK;
  size_t nn = (size_t)n;
  cn__qr f;
  double *qy = e; /* the scratch of Q'f until the residuals are written */
  *kout = 0;
  if ((st = cn__qr_factor(&f, x, ref, ncol, w, n, tol, keep, d)) != CN_OK) goto done;
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
  long double *gs = cn_malloc(((size_t)ncol + 1) * sizeof *gs); /* X'W½r̃, summed over the blocks */
  double *rt = cn_malloc((nn + 1) * sizeof *rt), *g = cn_malloc(((size_t)ncol + 1) * sizeof *g);
  if (!bl || !gs || !rt || !g) {
    cn_free(bl);
    cn_free(gs);
    cn_free(rt);
    cn_free(g);
    st = oom(d);
    goto done;
  }
  int64_t nb = nblocks(n);
#pragma omp parallel for schedule(static) if (nb > 1)
  for (int64_t i = 0; i < n; i++) rt[i] = 0; /* on both threads: first touches cost */
  for (int64_t i = 0; i < n; i++) swt += w ? w[i] : 1;
  long double rsw = sqrtl(swt);
  for (int q = 0; q < k; q++) bl[q] = 0;
  /* With few columns Q is applied in its compact WY form Q = I − V T V'
   * (V the reflectors, T upper triangular, LAPACK's dlarft): Q'f, the
   * change of its first k entries and Q back again then take one pass
   * for V'f (fused with the residuals) and one for f − V u, instead of
   * two passes a reflector each way. Gt = V'V over the rows i ≥ k. */
  bool wy = k > 0 && k <= QR_WY_MAX;
  int np = 2 + k + (wy ? k : 0); /* per block: g0, hu, X'W½r̃ (k), V'f's tail (k) */
  int ng = k * (k + 1) / 2;
  long double *part = cn_malloc((size_t)nb * (size_t)(np > ng ? np : ng) * sizeof *part + 16);
  long double T[QR_WY_MAX * QR_WY_MAX], Gt[QR_WY_MAX * QR_WY_MAX];
  if (!part) {
    cn_free(bl);
    cn_free(gs);
    cn_free(rt);
    cn_free(g);
    st = oom(d);
    goto done;
  }
  if (wy) wy_prepare(&f, part, Gt, T);
  long double prev_rel = 1; /* the last step's largest relative correction */
  for (int step = 0; step < 4 && (k > 0 || c1); step++) {
#pragma omp parallel for schedule(static) if (nb > 1)
    for (int64_t bk = 0; bk < nb; bk++) {
      int64_t lo, hi;
      block_rows(bk, n, 0, &lo, &hi);
      long double *pp = part + (size_t)bk * (size_t)np;
      for (int q = 0; q < np; q++) pp[q] = 0;
      if (wy && k == 1) { /* one column: the sums in registers, not in memory */
        const double *X0 = X[map[0]];
        long double s0 = 0, s1 = 0, s2 = 0, s3 = 0, b1 = bl[0];
        for (int64_t i = lo; i < hi; i++) {
          long double sw = w ? sqrtl(w[i]) : 1, r = rt[i];
          double qi = (double)(sw * ((long double)Y[i] - (b0l + (long double)X0[i] * b1)) - r);
          qy[i] = qi;
          s0 -= sw * r;
          s1 += sw * qi;
          s2 += sw * X0[i] * r;
          if (i >= 1) s3 += (long double)A[i] * qi;
        }
        pp[0] = s0, pp[1] = s1, pp[2] = s2, pp[3] = s3;
        continue;
      }
      for (int64_t i = lo; i < hi; i++) {
        long double fit = b0l, sw = w ? sqrtl(w[i]) : 1;
        for (int q = 0; q < k; q++) fit += (long double)X[map[q]][i] * bl[q];
        qy[i] = (double)(sw * ((long double)Y[i] - fit) - rt[i]);
        pp[0] -= sw * rt[i];
        pp[1] += sw * qy[i];
        for (int q = 0; q < k; q++) pp[2 + q] += sw * X[map[q]][i] * rt[i];
        if (wy && i >= k)
          for (int q = 0; q < k; q++) pp[2 + k + q] += (long double)A[(size_t)q * nn + (size_t)i] * qy[i];
      }
    }
    long double g0 = 0, hu = 0, ct[QR_WY_MAX] = {0}, t1[QR_WY_MAX] = {0}, u[QR_WY_MAX] = {0};
    for (int q = 0; q < k; q++) gs[q] = 0;
    for (int64_t bk = 0; bk < nb; bk++) {
      const long double *pp = part + (size_t)bk * (size_t)np;
      g0 += pp[0];
      hu += pp[1];
      for (int q = 0; q < k; q++) gs[q] += pp[2 + q];
      if (wy)
        for (int q = 0; q < k; q++) ct[q] += pp[2 + k + q];
    }
    hu /= rsw;
    for (int q = 0; q < k; q++) {
      long double s = gs[q];
      if (c1) s += g0 * mean[map[q]]; /* centered: g_s − m g0 */
      g[q] = (double)(-s / sc[q]);
    }
    if (wy) { /* Q'f = f − V T'(V'f): its first k entries now, the tail in the last pass */
      long double c[QR_WY_MAX];
      for (int p = 0; p < k; p++) {
        c[p] = ct[p];
        for (int i = p; i < k; i++) c[p] += wy_v(&f, i, p) * qy[i];
      }
      for (int p = 0; p < k; p++)
        for (int r = 0; r <= p; r++) t1[p] += T[r * QR_WY_MAX + p] * c[r];
      for (int i = 0; i < k; i++) {
        long double v = qy[i];
        for (int p = 0; p <= i; p++) v -= wy_v(&f, i, p) * t1[p];
        qy[i] = (double)v;
      }
    } else
      for (int q = 0; q < k; q++) reflect(A + (size_t)q * nn, tau[q], qy, q, n, f.part);
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
    long double mdb = 0, rel = 0;
    for (int q = 0; q < k; q++) {
      long double db = (long double)g[q] / sc[q];
      bl[q] += db;
      if (bl[q] != 0 && fabsl(db / bl[q]) > rel) rel = fabsl(db / bl[q]);
      else if (bl[q] == 0 && db != 0) rel = INFINITY;
      if (c1) mdb += db * mean[map[q]];
    }
    if (wy) { /* Q w = w − V T (V'w), w the vector with its first k entries changed */
      long double vw[QR_WY_MAX], t2[QR_WY_MAX] = {0};
      for (int p = 0; p < k; p++) {
        vw[p] = ct[p];
        for (int r = 0; r < k; r++) vw[p] -= Gt[p * QR_WY_MAX + r] * t1[r];
        for (int i = p; i < k; i++) vw[p] += wy_v(&f, i, p) * qy[i];
      }
      for (int p = 0; p < k; p++)
        for (int r = p; r < k; r++) t2[p] += T[p * QR_WY_MAX + r] * vw[r];
      for (int i = 0; i < k; i++) {
        long double v = qy[i];
        for (int p = 0; p <= i; p++) v -= wy_v(&f, i, p) * t2[p];
        qy[i] = (double)v;
      }
      for (int p = 0; p < k; p++) u[p] = t1[p] + t2[p];
    } else
      for (int q = k - 1; q >= 0; q--) reflect(A + (size_t)q * nn, tau[q], qy, q, n, f.part);
    long double du = 0, hd = 0;
    if (c1) {
      du = g0 / rsw;
      long double da = (hu - du) / rsw;
      b0l += da - mdb;
      if (b0l != 0 && fabsl((da - mdb) / b0l) > rel) rel = fabsl((da - mdb) / b0l);
      else if (b0l == 0 && da - mdb != 0) rel = INFINITY;
      hd = du - hu;
    }
#pragma omp parallel for schedule(static) if (nb > 1)
    for (int64_t bk = 0; bk < nb; bk++) {
      int64_t lo, hi;
      block_rows(bk, n, 0, &lo, &hi);
      if (wy && k == 1) {
        long double u0 = u[0];
        for (int64_t i = lo; i < hi; i++) {
          if (i >= 1) qy[i] = (double)((long double)qy[i] - (long double)A[i] * u0);
          if (c1) qy[i] += (double)((w ? sqrtl(w[i]) : 1) / rsw * hd);
          rt[i] += qy[i];
        }
        continue;
      }
      for (int64_t i = lo; i < hi; i++) {
        if (wy && i >= k) {
          long double v = qy[i];
          for (int p = 0; p < k; p++) v -= (long double)A[(size_t)p * nn + (size_t)i] * u[p];
          qy[i] = (double)v;
        }
        if (c1) qy[i] += (double)((w ? sqrtl(w[i]) : 1) / rsw * hd);
        rt[i] += qy[i];
      }
    }
    /* done when the correction no longer changes a double, or when the
     * linear convergence of the refinement (each correction the last one
     * times the same ratio) puts the next one below that */
    if (step > 0 && (rel <= 1e-17L || rel * (rel / prev_rel) <= 1e-17L)) break;
    prev_rel = rel > 0 ? rel : 1e-300L;
  }
#pragma omp parallel for schedule(static) if (nb > 1)
  for (int64_t bk = 0; bk < nb; bk++) {
    int64_t lo, hi;
    block_rows(bk, n, 0, &lo, &hi);
    long double ss = 0;
    for (int64_t i = lo; i < hi; i++) {
      long double fit = b0l;
      for (int q = 0; q < k; q++) fit += (long double)X[map[q]][i] * bl[q];
      e[i] = (double)((long double)Y[i] - fit);
      ss += (long double)(w ? w[i] : 1) * e[i] * e[i];
    }
    part[bk] = ss;
  }
  long double sse = 0;
  for (int64_t bk = 0; bk < nb; bk++) sse += part[bk];
  cn_free(part);
  *rss = (double)sse;
  for (int q = 0; q < k; q++) b[q] = (double)bl[q];
  if (b0) *b0 = (double)b0l;
  cn_free(bl);
  cn_free(gs);
  cn_free(rt);
  cn_free(g);
  if (st != CN_OK) goto done;
  /* Ainv = S⁻¹ R⁻¹ R⁻ᵀ S⁻¹ with S the column scales */
  if ((st = cn__qr_bread(&f, Ainv, d)) != CN_OK) goto done;
  *kout = k;
done:
  cn__qr_free(&f);
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
