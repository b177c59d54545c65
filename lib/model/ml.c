/* lib/model/ml.c — maximum-likelihood estimators of spec/econometrics.md §4:
 * probit, Tobit (one or two limits) and Heckman's two-step selection
 * model. Fixed effects enter as dummies (no absorption). Newton–Raphson
 * with analytic gradient and Hessian and step halving; the variance is
 * −H⁻¹, or the sandwich of the scores × N/(N−1) (robust) or × G/(G−1)
 * (cluster), Stata's ML convention. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_erf.h>
#include <lapacke.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hdfe.h"

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* ln Φ(z), accurate in both tails. */
static double log_Phi(double z) { return gsl_sf_log_erfc(-z / M_SQRT2) - M_LN2; }

/* φ(z)/Φ(z), the inverse Mills ratio, accurate for very negative z. */
static double mills(double z) { return exp(-0.5 * z * z - 0.5 * log(2 * M_PI) - log_Phi(z)); }

/* The design of an ML model: n rows, p columns x[j] (the constant last when
 * present), names, y, weights (rescaled to sum to n, or NULL). */
typedef struct mlx {
  int64_t n;
  int p;
  double **x;
  char **name;
  const double *y, *w;
} mlx;

/* The log likelihood of one model at b, its gradient g (p) and Hessian h
 * (p×p), and when s is not NULL the score of every row (s[i*p + j]). */
typedef double (*ll_fn)(const mlx *X, const double *b, double *g, double *h, double *s, void *ud);

/* The Newton step δ of (−H)δ = g for the p×p Hessian h and gradient g,
 * solved on the system scaled to unit diagonal (D = diag|H|^½, M =
 * D⁻¹(−H)D⁻¹), so that the step, and so every iterate, does not depend on
 * the regressors' units: by Cholesky of M where the likelihood is
 * concave; where M is not numerically positive definite, by the pivoted
 * Cholesky of M (LAPACK dpstrf), a Newton step on its positive definite
 * part and a scaled gradient step on the rest, an ascent direction
 * either way. M (p×p), dsc, gs, y (p) and piv (p) are work space; dsc
 * is left holding the scales. Returns whether the plain Newton step was
 * taken. */
static bool newton_step(const double *h, const double *g, int p, double *M, double *dsc, double *gs,
                        double *y, lapack_int *piv, double *step) {
  for (int a = 0; a < p; a++) {
    dsc[a] = sqrt(fabs(h[a * p + a]));
    if (!(dsc[a] > 0) || !isfinite(dsc[a])) dsc[a] = 1;
    gs[a] = g[a] / dsc[a];
  }
  for (int a = 0; a < p; a++)
    for (int c = 0; c < p; c++) M[a * p + c] = -h[a * p + c] / (dsc[a] * dsc[c]);
  if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', p, M, p) == 0) {
    memcpy(step, gs, (size_t)p * sizeof *step);
    LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', p, 1, M, p, step, 1);
    for (int a = 0; a < p; a++) step[a] /= dsc[a];
    return true;
  }
  for (int a = 0; a < p; a++)
    for (int c = 0; c < p; c++) M[a * p + c] = -h[a * p + c] / (dsc[a] * dsc[c]);
  lapack_int rank = 0;
  if (LAPACKE_dpstrf(LAPACK_ROW_MAJOR, 'L', p, M, p, piv, &rank, -1) < 0) rank = 0;
  /* P'MP = LL' on the leading rank pivots: L y = (P'gs)₁, then L'y' = y */
  for (int a = 0; a < p; a++) step[a] = gs[a]; /* the rest: scaled gradient */
  if (rank > 0) {
    for (int r = 0; r < rank; r++) {
      double t = gs[piv[r] - 1];
      for (int c = 0; c < r; c++) t -= M[r * p + c] * y[c];
      y[r] = t / M[r * p + r];
    }
    for (int r = (int)rank - 1; r >= 0; r--) {
      double t = y[r];
      for (int c = r + 1; c < rank; c++) t -= M[c * p + r] * y[c];
      y[r] = t / M[r * p + r];
    }
    for (int r = 0; r < rank; r++) step[piv[r] - 1] = y[r];
  }
  for (int a = 0; a < p; a++) step[a] /= dsc[a];
  return false;
}

/* V = (−H)⁻¹ through the Cholesky of the unit-diagonal scaling of −H (as
 * newton_step); false when −H is not positive definite. M, dsc: work. */
static bool neg_inverse(const double *h, int p, double *V, double *dsc) {
  for (int a = 0; a < p; a++) {
    dsc[a] = sqrt(fabs(h[a * p + a]));
    if (!(dsc[a] > 0) || !isfinite(dsc[a])) return false;
  }
  for (int a = 0; a < p; a++)
    for (int c = 0; c < p; c++) V[a * p + c] = -h[a * p + c] / (dsc[a] * dsc[c]);
  if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', p, V, p) != 0) return false;
  if (LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', p, V, p) != 0) return false;
  for (int a = 0; a < p; a++)
    for (int c = 0; c <= a; c++) V[a * p + c] = V[c * p + a] = V[a * p + c] / (dsc[a] * dsc[c]);
  return true;
}

/* Maximizes fn from b (p) by Newton–Raphson (newton_step) with step
 * halving until the change of b is below 1e-10 relative (to |b_j| plus
 * 1e-3 over the root mean square of its column, so the rule does not
 * depend on units either) and
 * g'(−H)⁻¹g below 1e-16, then polishes with up to three full Newton steps
 * (not counted in *iters) so that b is at the maximum to the precision of
 * the arithmetic, and two fits of the same model in other units agree to
 * that precision too; V gets (−H)⁻¹. CN_EANALYSIS with what failed otherwise. */
static cn_status newton(const mlx *X, ll_fn fn, void *ud, double *b, double *V, double *ll,
                        int *iters, const char *what, cn_diag *d) {
  int p = X->p;
  cn_status st = CN_OK;
  size_t sp = (size_t)p;
  double *g = cn_malloc(sp * sizeof *g + 8), *h = cn_malloc(sp * sp * sizeof *h + 8);
  double *step = cn_malloc(sp * sizeof *step + 8), *bt = cn_malloc(sp * sizeof *bt + 8);
  double *M = cn_malloc(sp * sp * sizeof *M + 8), *dsc = cn_malloc(sp * sizeof *dsc + 8);
  double *gs = cn_malloc(sp * sizeof *gs + 8), *y = cn_malloc(sp * sizeof *y + 8);
  double *xsc = cn_malloc(sp * sizeof *xsc + 8);
  lapack_int *piv = cn_malloc(sp * sizeof *piv + 8);
  if (!g || !h || !step || !bt || !M || !dsc || !gs || !y || !xsc || !piv) {
    st = oom(d);
    goto done;
  }
  /* the yardstick of a change of b_j: |b_j| + 1e-3 / rms(x_j) (1e-3 for
   * a parameter without a column, such as ln σ) */
  for (int a = 0; a < p; a++) {
    long double ss = 0;
    for (int64_t i = 0; X->x[a] && i < X->n; i++) ss += (long double)X->x[a][i] * X->x[a][i];
    xsc[a] = X->x[a] && ss > 0 ? (double)sqrtl(ss / (long double)X->n) : 1;
  }
  double cur = fn(X, b, g, h, NULL, ud);
  if (!isfinite(cur)) {
    st = cn_diag_set(d, CN_EANALYSIS, "%s: the likelihood is not finite at the starting values", what);
    goto done;
  }
  for (int it = 1;; it++) {
    if (it > 300) {
      st = cn_diag_set(d, CN_EANALYSIS, "%s did not converge in 300 Newton iterations", what);
      goto done;
    }
    newton_step(h, g, p, M, dsc, gs, y, piv, step);
    double sg = 0, maxrel = 0;
    for (int a = 0; a < p; a++) sg += step[a] * g[a];
    double lam = 1, next = -INFINITY;
    for (int half = 0; half < 40; half++, lam /= 2) {
      for (int a = 0; a < p; a++) bt[a] = b[a] + lam * step[a];
      next = fn(X, bt, NULL, NULL, NULL, ud);
      if (isfinite(next) && next >= cur - 1e-12 * fabs(cur)) break;
    }
    if (!(isfinite(next) && next >= cur - 1e-12 * fabs(cur))) {
      st = cn_diag_set(d, CN_EANALYSIS, "%s did not converge: no step improves the likelihood", what);
      goto done;
    }
    for (int a = 0; a < p; a++) {
      double rel = fabs(bt[a] - b[a]) / (fabs(b[a]) + 1e-3 / xsc[a]);
      if (rel > maxrel) maxrel = rel;
      b[a] = bt[a];
    }
    cur = fn(X, b, g, h, NULL, ud);
    *iters = it;
    if (maxrel < 1e-10 && sg < 1e-16) break;
    if (maxrel < 1e-13) break; /* at machine precision */
  }
  /* polish: full Newton steps at the maximum, kept unless the likelihood
   * drops beyond its rounding, until b no longer moves */
  for (int it = 0; it < 3; it++) {
    if (!newton_step(h, g, p, M, dsc, gs, y, piv, step)) break;
    bool moved = false;
    for (int a = 0; a < p; a++) bt[a] = b[a] + step[a], moved = moved || bt[a] != b[a];
    double next = fn(X, bt, NULL, NULL, NULL, ud);
    if (!moved || !(isfinite(next) && next >= cur - 1e-13 * fabs(cur))) break;
    memcpy(b, bt, (size_t)p * sizeof *b);
    cur = fn(X, b, g, h, NULL, ud);
  }
  if (!neg_inverse(h, p, V, dsc)) {
    st = cn_diag_set(d, CN_EANALYSIS, "%s: the Hessian is singular at the maximum", what);
    goto done;
  }
  *ll = cur;
done:
  cn_free(g);
  cn_free(h);
  cn_free(step);
  cn_free(bt);
  cn_free(M);
  cn_free(dsc);
  cn_free(gs);
  cn_free(y);
  cn_free(xsc);
  cn_free(piv);
  return st;
}

/* ---- probit ---- */

static double probit_ll(const mlx *X, const double *b, double *g, double *h, double *s, void *ud) {
  (void)ud;
  int p = X->p;
  double ll = 0;
  if (g) memset(g, 0, (size_t)p * sizeof *g);
  if (h) memset(h, 0, (size_t)p * p * sizeof *h);
  for (int64_t i = 0; i < X->n; i++) {
    double xb = 0, w = X->w ? X->w[i] : 1;
    for (int a = 0; a < p; a++) xb += X->x[a][i] * b[a];
    double q = X->y[i] != 0 ? 1 : -1;
    ll += w * log_Phi(q * xb);
    if (!g && !s) continue;
    double lam = q * mills(q * xb); /* dℓ/dxb */
    double d2 = -lam * (lam + xb);  /* d²ℓ/dxb² */
    for (int a = 0; a < p; a++) {
      double xa = X->x[a][i];
      if (g) g[a] += w * lam * xa;
      if (s) s[i * p + a] = w * lam * xa;
      if (h)
        for (int c = 0; c <= a; c++) h[a * p + c] += w * d2 * xa * X->x[c][i];
    }
  }
  if (h)
    for (int a = 0; a < p; a++)
      for (int c = a + 1; c < p; c++) h[a * p + c] = h[c * p + a];
  return ll;
}

/* ---- tobit: parameters (β, ln σ) ---- */

typedef struct tobit_ud {
  double lo, hi; /* limits, ±∞ when absent */
} tobit_ud;

static double tobit_ll(const mlx *X, const double *b, double *g, double *h, double *s, void *ud) {
  const tobit_ud *t = ud;
  int p = X->p, k = p - 1; /* b[k] = ln σ */
  double th = b[k], sig = exp(th), ll = 0;
  if (g) memset(g, 0, (size_t)p * sizeof *g);
  if (h) memset(h, 0, (size_t)p * p * sizeof *h);
  for (int64_t i = 0; i < X->n; i++) {
    double xb = 0, w = X->w ? X->w[i] : 1, y = X->y[i];
    for (int a = 0; a < k; a++) xb += X->x[a][i] * b[a];
    double gb, gt, hbb, hbt, htt; /* dℓ/dxb·σ… per row, see below */
    if (y <= t->lo) {
      double u = (t->lo - xb) / sig, lam = mills(u);
      ll += w * log_Phi(u);
      gb = -lam / sig, gt = -lam * u;
      hbb = -lam * (u + lam) / (sig * sig);
      hbt = -lam * (u * (u + lam) - 1) / sig;
      htt = -lam * u * (u * (u + lam) - 1);
    } else if (y >= t->hi) {
      double v = (xb - t->hi) / sig, lam = mills(v);
      ll += w * log_Phi(v);
      gb = lam / sig, gt = -lam * v;
      hbb = -lam * (v + lam) / (sig * sig);
      hbt = lam * (v * (v + lam) - 1) / sig;
      htt = -lam * v * (v * (v + lam) - 1);
    } else {
      double z = (y - xb) / sig;
      ll += w * (-0.5 * log(2 * M_PI) - 0.5 * z * z - th);
      gb = z / sig, gt = z * z - 1;
      hbb = -1 / (sig * sig);
      hbt = -2 * z / sig;
      htt = -2 * z * z;
    }
    if (!g && !s) continue;
    for (int a = 0; a < k; a++) {
      double xa = X->x[a][i];
      if (g) g[a] += w * gb * xa;
      if (s) s[i * p + a] = w * gb * xa;
      if (h) {
        for (int c = 0; c <= a; c++) h[a * p + c] += w * hbb * xa * X->x[c][i];
        h[k * p + a] += w * hbt * xa;
      }
    }
    if (g) g[k] += w * gt;
    if (s) s[i * p + k] = w * gt;
    if (h) h[k * p + k] += w * htt;
  }
  if (h)
    for (int a = 0; a < p; a++)
      for (int c = a + 1; c < p; c++) h[a * p + c] = h[c * p + a];
  return ll;
}

/* Sandwich V ← V (Σ_g s_g s_g') V × factor over clusters cl (G), or over
 * rows when cl is NULL. */
static cn_status sandwich(const mlx *X, const double *s, const int32_t *cl, int64_t G, double factor,
                          double *V, cn_diag *d) {
  int p = X->p;
  int64_t ng = cl ? G : X->n;
  double *u = cl ? cn_calloc((size_t)G * p + 1, sizeof *u) : NULL;
  double *meat = cn_calloc((size_t)p * p + 1, sizeof *meat), *tmp = cn_calloc((size_t)p * p + 1, sizeof *tmp);
  if ((cl && !u) || !meat || !tmp) {
    cn_free(u);
    cn_free(meat);
    cn_free(tmp);
    return oom(d);
  }
  if (cl)
    for (int64_t i = 0; i < X->n; i++)
      for (int a = 0; a < p; a++) u[(size_t)cl[i] * p + a] += s[i * p + a];
  const double *src = cl ? u : s;
  for (int64_t r = 0; r < ng; r++)
    for (int a = 0; a < p; a++)
      for (int c = 0; c < p; c++) meat[a * p + c] += src[r * p + a] * src[r * p + c];
  for (int a = 0; a < p; a++)
    for (int c = 0; c < p; c++) {
      double t = 0;
      for (int q = 0; q < p; q++) t += V[a * p + q] * meat[q * p + c];
      tmp[a * p + c] = t;
    }
  for (int a = 0; a < p; a++)
    for (int c = 0; c < p; c++) {
      double t = 0;
      for (int q = 0; q < p; q++) t += tmp[a * p + q] * V[q * p + c];
      meat[a * p + c] = t * factor;
    }
  memcpy(V, meat, (size_t)p * p * sizeof *V);
  cn_free(u);
  cn_free(meat);
  cn_free(tmp);
  return CN_OK;
}

/* Regressors of the design in formula order, the collinear ones left out
 * (with a note), then the constant: columns of ds as an mlx (not owned). */
static cn_status ml_columns(cn__design *ds, cn_model *m, bool cons, mlx *X, double **ones,
                            cn_diag *d) {
  int ncol = ds->nset[0];
  int64_t n = ds->n;
  X->n = n;
  X->y = ds->y;
  X->w = ds->w;
  X->x = cn_calloc((size_t)ncol + 3, sizeof *X->x);
  X->name = cn_calloc((size_t)ncol + 3, sizeof *X->name);
  *ones = cn_malloc(((size_t)n + 1) * sizeof **ones);
  if (!X->x || !X->name || !*ones) return oom(d);
  for (int64_t i = 0; i < n; i++) (*ones)[i] = 1;
  /* kept columns (reg's rule, by QR of [1, x_1, …] in order, weighted,
   * each column scaled to unit norm): x_j goes when what is left of it
   * after the constant and the columns kept before it is at most 1e-9 of
   * its norm */
  int k = 0, off = cons ? 1 : 0;
  int *kept = cn_malloc(((size_t)ncol + 1) * sizeof *kept);
  bool *kp = cn_calloc((size_t)ncol + 2, sizeof *kp);
  double **cx = cn_calloc((size_t)ncol + 2, sizeof *cx);
  cn__qr q = {0};
  cn_status st = kept && kp && cx ? CN_OK : oom(d);
  if (st == CN_OK) {
    if (cons) cx[0] = *ones;
    for (int j = 0; j < ncol; j++) cx[off + j] = ds->set[0][j].x;
    st = cn__qr_factor(&q, cx, NULL, ncol + off, ds->w, n, 1e-9, kp, d);
    cn__qr_free(&q);
  }
  for (int j = 0; st == CN_OK && j < ncol; j++) {
    rcol *c = &ds->set[0][j];
    if (kp[off + j]) kept[k++] = j;
    else {
      cn_buf note = {0}; /* the name whole, whatever its length */
      cn__buf_printf(&note, "%s omitted because of collinearity", c->name);
      char **nn = note.failed ? NULL : cn_reallocarray(m->notes, (size_t)m->n_notes + 1, sizeof *nn);
      if (!nn) {
        cn__buf_free(&note);
        st = oom(d);
        break;
      }
      m->notes = nn;
      nn[m->n_notes++] = note.data;
    }
  }
  for (int a = 0; st == CN_OK && a < k; a++) {
    X->x[a] = ds->set[0][kept[a]].x;
    X->name[a] = ds->set[0][kept[a]].name;
  }
  X->p = k;
  if (st == CN_OK && cons) {
    X->x[k] = *ones;
    X->name[k] = "_cons";
    X->p = k + 1;
  }
  cn_free(kept);
  cn_free(kp);
  cn_free(cx);
  return st;
}

/* Fills m->coef (names from X and extra), m->V from V (p×p), z tests. */
static cn_status set_coefs(cn_model *m, const mlx *X, const char *extra, const double *b,
                           const double *V, int p, cn_diag *d) {
  m->ncoef = p;
  m->coef = cn_calloc((size_t)p + 1, sizeof *m->coef);
  m->V = cn_malloc((size_t)p * p * sizeof *m->V + 8);
  if (!m->coef || !m->V) return oom(d);
  memcpy(m->V, V, (size_t)p * p * sizeof *V);
  double zq = gsl_cdf_ugaussian_Qinv(0.025);
  for (int a = 0; a < p; a++) {
    cn_coef *c = &m->coef[a];
    c->name = cn_strdup(a < X->p ? X->name[a] : extra);
    if (!c->name) return oom(d);
    c->b = b[a];
    c->se = sqrt(V[a * p + a]);
    c->t = c->b / c->se;
    c->p = 2 * gsl_cdf_ugaussian_Q(fabs(c->t));
    c->ci_low = c->b - zq * c->se;
    c->ci_high = c->b + zq * c->se;
  }
  m->df_r = INFINITY;
  return CN_OK;
}

/* The VCE the options ask for, from V = (−H)⁻¹ and the scores. */
static cn_status ml_vce(cn_model *m, const cn__design *ds, const cn_reg_opts *o, const mlx *X, ll_fn fn,
                        void *ud, const double *b, double *V, cn_diag *d) {
  m->vce = o->vce;
  if (o->vce == CN_VCE_IID) return CN_OK;
  if (o->vce == CN_VCE_CLUSTER && ds->ncl != 1)
    return cn_diag_set(d, CN_EUSAGE, "maximum-likelihood models take one cluster variable");
  double *s = cn_malloc(((size_t)X->n * X->p + 1) * sizeof *s);
  if (!s) return oom(d);
  fn(X, b, NULL, NULL, s, ud);
  cn_status st;
  double N = (double)X->n;
  if (o->vce == CN_VCE_ROBUST) {
    st = sandwich(X, s, NULL, 0, N / (N - 1), V, d);
  } else {
    double G = (double)ds->G[0];
    st = sandwich(X, s, ds->clid[0], ds->G[0], G / (G - 1), V, d);
    m->n_cluster = 1;
    m->cluster = cn_calloc(2, sizeof *m->cluster);
    m->n_clusters = cn_calloc(2, sizeof *m->n_clusters);
    if (!m->cluster || !m->n_clusters || !(m->cluster[0] = cn_strdup(o->cluster[0]))) st = oom(d);
    else m->n_clusters[0] = ds->G[0];
  }
  cn_free(s);
  return st;
}

static cn_status finish(cn_model *m, const char *cmd, const char *est, const cn__design *ds,
                        const char *formula, cn_diag *d) {
  if (!(m->command = cn_strdup(cmd)) || !(m->estimator = cn_strdup(est)) ||
      !(m->depvar = cn_strdup(ds->f->dep.text)) || !(m->formula = cn_strdup(formula)))
    return oom(d);
  m->converged = true;
  m->nobs = ds->n;
  return CN_OK;
}

/* Fits a probit: fills ds, X (columns of ds and *ones), *b and *V = (−H)⁻¹,
 * m->ll, ll0, pseudo_r2, iterations and the sample counts. The caller
 * frees X.x, X.name, *ones, *b, *V and ds, whatever the outcome. */
static cn_status probit_fit(const cn_table *t, const char *formula, const cn_reg_opts *opts,
                            cn_model *m, cn__design *ds, mlx *X, double **ones, double **b,
                            double **V, cn_diag *d) {
  cn_status st;
  if ((st = cn__design_build(t, formula, opts, CN_DESIGN_DUMMIES, ds, m, d)) != CN_OK) return st;
  if ((st = ml_columns(ds, m, ds->f->cons, X, ones, d)) != CN_OK) return st;
  int64_t ones_n = 0;
  for (int64_t i = 0; i < ds->n; i++) ones_n += ds->y[i] != 0;
  if (ones_n == 0 || ones_n == ds->n)
    return cn_diag_set(d, CN_EANALYSIS, "probit: the outcome %s does not vary (%s in all %lld rows)",
                       ds->f->dep.text, ones_n ? "nonzero" : "zero", (long long)ds->n);
  /* a 0/1 regressor whose ones all have the same outcome predicts it
   * perfectly (Stata drops it and those rows; here the user decides) */
  for (int a = 0; a < X->p; a++) {
    if (X->x[a] == *ones) continue;
    int64_t n1 = 0, y1 = 0;
    bool binary = true;
    for (int64_t i = 0; i < ds->n && binary; i++) {
      double v = X->x[a][i];
      binary = v == 0 || v == 1;
      if (v == 1) n1++, y1 += ds->y[i] != 0;
    }
    if (binary && n1 > 0 && (y1 == 0 || y1 == n1))
      return cn_diag_set(d, CN_EANALYSIS,
                         "probit: %s != 0 predicts %s perfectly (%lld rows); drop %s or those rows",
                         X->name[a], y1 ? "success" : "failure", (long long)n1, X->name[a]);
  }
  *b = cn_calloc((size_t)X->p + 1, sizeof **b);
  *V = cn_calloc((size_t)X->p * X->p + 1, sizeof **V);
  if (!*b || !*V) return oom(d);
  if ((st = newton(X, probit_ll, NULL, *b, *V, &m->ll, &m->iterations, "probit", d)) != CN_OK) return st;
  /* ℓ0: the constant-only probit, in closed form */
  double sw = 0, sy = 0;
  for (int64_t i = 0; i < ds->n; i++) {
    double w = ds->w ? ds->w[i] : 1;
    sw += w;
    sy += w * (ds->y[i] != 0);
  }
  double pbar = sy / sw;
  m->ll0 = sw * (pbar * log(pbar) + (1 - pbar) * log(1 - pbar));
  m->pseudo_r2 = 1 - m->ll / m->ll0;
  return CN_OK;
}

/* x_i'b on the rows of the design. */
static void linear_index(const mlx *X, const double *b, double *xb) {
  for (int64_t i = 0; i < X->n; i++) {
    double s = 0;
    for (int a = 0; a < X->p; a++) s += X->x[a][i] * b[a];
    xb[i] = s;
  }
}

cn_status cn_probit_imr(const cn_table *t, const char *formula, const cn_reg_opts *opts,
                        cn_table *imr_into, const char *imr_name, cn_model **out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_reg_opts defaults;
  if (!opts) {
    cn_reg_opts_init(&defaults);
    opts = &defaults;
  }
  cn_model *m = cn_calloc(1, sizeof *m);
  cn__design ds;
  memset(&ds, 0, sizeof ds);
  mlx X = {0};
  double *ones = NULL, *b = NULL, *V = NULL;
  *out = NULL;
  if (!m) return oom(d);
  cn__model_init(m);
  if ((st = probit_fit(t, formula, opts, m, &ds, &X, &ones, &b, &V, d)) != CN_OK) goto done;
  if ((st = ml_vce(m, &ds, opts, &X, probit_ll, NULL, b, V, d)) != CN_OK) goto done;
  if ((st = set_coefs(m, &X, NULL, b, V, X.p, d)) != CN_OK) goto done;
  if ((st = finish(m, "probit", "probit", &ds, formula, d)) != CN_OK) goto done;
  if (imr_into && imr_name) {
    int c = cn_table_add_column(imr_into, imr_name, CN_DOUBLE, d);
    if (c < 0) {
      st = d->code;
      goto done;
    }
    double *col = cn_table_dbl_mut(imr_into, c), *xb = cn_malloc(((size_t)ds.n + 1) * sizeof *xb);
    if (!xb) goto oom;
    linear_index(&X, b, xb);
    for (int64_t i = 0; i < ds.n; i++) col[ds.rows[i]] = mills(xb[i]);
    cn_free(xb);
  }
  goto done;
oom:
  st = oom(d);
done:
  if (st == CN_OK) *out = m;
  else cn_model_free(m);
  cn_free(X.x);
  cn_free(X.name);
  cn_free(ones);
  cn_free(b);
  cn_free(V);
  cn__design_free(&ds);
  return st;
}

cn_status cn_probit(const cn_table *t, const char *formula, const cn_reg_opts *opts, cn_model **out,
                    cn_diag *d) {
  return cn_probit_imr(t, formula, opts, NULL, NULL, out, d);
}

/* Constant-only tobit ℓ0 on the same rows. */
static cn_status tobit_ll0(const mlx *X, tobit_ud *u, double *ll0, cn_diag *d) {
  double *ones = cn_malloc(((size_t)X->n + 1) * sizeof *ones);
  if (!ones) return oom(d);
  for (int64_t i = 0; i < X->n; i++) ones[i] = 1;
  double *cols[2] = {ones, NULL}; /* no column for ln σ */
  mlx X0 = {X->n, 2, cols, NULL, X->y, X->w};
  double sw = 0, my = 0, vy = 0;
  for (int64_t i = 0; i < X->n; i++) sw += X->w ? X->w[i] : 1, my += (X->w ? X->w[i] : 1) * X->y[i];
  my /= sw;
  for (int64_t i = 0; i < X->n; i++) vy += (X->w ? X->w[i] : 1) * (X->y[i] - my) * (X->y[i] - my);
  double b0[2] = {my, 0.5 * log(vy / sw > 0 ? vy / sw : 1)}, V0[4];
  int it = 0;
  cn_status st = newton(&X0, tobit_ll, u, b0, V0, ll0, &it, "the constant-only tobit", d);
  cn_free(ones);
  return st;
}

cn_status cn_tobit(const cn_table *t, const char *formula, double lo, double hi,
                   const cn_reg_opts *opts, cn_model **out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_reg_opts defaults;
  if (!opts) {
    cn_reg_opts_init(&defaults);
    opts = &defaults;
  }
  cn_model *m = cn_calloc(1, sizeof *m);
  cn__design ds;
  memset(&ds, 0, sizeof ds);
  mlx X = {0};
  double *ones = NULL, *b = NULL, *V = NULL;
  tobit_ud u = {isnan(lo) ? -INFINITY : lo, isnan(hi) ? INFINITY : hi};
  *out = NULL;
  if (!m) return oom(d);
  cn__model_init(m);
  if (!(u.lo < u.hi)) {
    st = cn_diag_set(d, CN_EUSAGE, "tobit: the lower limit must be below the upper limit");
    goto done;
  }
  if ((st = cn__design_build(t, formula, opts, CN_DESIGN_DUMMIES, &ds, m, d)) != CN_OK) goto done;
  if ((st = ml_columns(&ds, m, ds.f->cons, &X, &ones, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < ds.n; i++) {
    if (ds.y[i] <= u.lo) m->n_left++;
    else if (ds.y[i] >= u.hi) m->n_right++;
    else m->n_unc++;
  }
  if (m->n_unc == 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "tobit: every observation is censored");
    goto done;
  }
  int k = X.p, p = k + 1;
  X.p = p; /* the last parameter is ln σ */
  b = cn_calloc((size_t)p + 1, sizeof *b);
  V = cn_calloc((size_t)p * p + 1, sizeof *V);
  if (!b || !V) goto oom;
  /* start from OLS on all rows (by QR: the start, and so the fit, does
   * not depend on the regressors' units) */
  {
    cn__qr q = {0};
    if ((st = cn__qr_factor(&q, X.x, NULL, k, NULL, ds.n, 0, NULL, d)) == CN_OK && q.k == k)
      st = cn__qr_coef(&q, NULL, ds.y, b, NULL, d);
    cn__qr_free(&q);
    if (st != CN_OK) goto done;
    double rss = 0;
    for (int64_t i = 0; i < ds.n; i++) {
      double e = ds.y[i];
      for (int a = 0; a < k; a++) e -= X.x[a][i] * b[a];
      rss += e * e;
    }
    b[k] = 0.5 * log(rss / (double)ds.n > 0 ? rss / (double)ds.n : 1);
  }
  if ((st = newton(&X, tobit_ll, &u, b, V, &m->ll, &m->iterations, "tobit", d)) != CN_OK) goto done;
  if ((st = tobit_ll0(&X, &u, &m->ll0, d)) != CN_OK) goto done;
  m->pseudo_r2 = 1 - m->ll / m->ll0;
  if ((st = ml_vce(m, &ds, opts, &X, tobit_ll, &u, b, V, d)) != CN_OK) goto done;
  X.p = k;
  if ((st = set_coefs(m, &X, "lnsigma", b, V, p, d)) != CN_OK) goto done;
  m->sigma = exp(b[k]);
  m->sigma_se = m->sigma * sqrt(V[k * p + k]);
  st = finish(m, "tobit", "tobit", &ds, formula, d);
  goto done;
oom:
  st = oom(d);
done:
  if (st == CN_OK) *out = m;
  else cn_model_free(m);
  cn_free(X.x);
  cn_free(X.name);
  cn_free(ones);
  cn_free(b);
  cn_free(V);
  cn__design_free(&ds);
  return st;
}

/* Heckman's two-step estimator (spec §4): probit of the selection formula
 * (γ, V_γ), the inverse Mills ratio λ_i = φ(w_i'γ)/Φ(w_i'γ) on the selected
 * rows, OLS of the outcome on [X, λ, 1] there, σ² = e'e/n₁ + β_λ² mean(δ)
 * with δ_i = λ_i(λ_i + w_i'γ), ρ = β_λ/σ and Greene's variance
 * V = σ² D [X*'(I − ρ²Δ)X* + ρ² (X*'ΔW) V_γ (W'ΔX*)] D, D = (X*'X*)⁻¹. */
cn_status cn_heckman(const cn_table *t, const char *formula, const char *select,
                     const cn_reg_opts *opts, cn_model **out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_reg_opts defaults;
  if (!opts) {
    cn_reg_opts_init(&defaults);
    opts = &defaults;
  }
  cn_model *m = cn_calloc(1, sizeof *m), *pm = cn_calloc(1, sizeof *pm);
  cn__design dss, dso;
  memset(&dss, 0, sizeof dss);
  memset(&dso, 0, sizeof dso);
  mlx W = {0}, X = {0};
  double *onesW = NULL, *onesX = NULL, *g = NULL, *Vg = NULL, *lam = NULL, *wg = NULL;
  int64_t *widx = NULL, *keep = NULL;
  double **xs = NULL, *A = NULL, *B = NULL, *e = NULL, *bb = NULL, *V = NULL;
  char *ifx = NULL;
  *out = NULL;
  if (!m || !pm) {
    cn_free(m), cn_free(pm);
    return oom(d);
  }
  cn__model_init(m);
  cn__model_init(pm);
  if (opts->vce != CN_VCE_IID || opts->weights) {
    st = cn_diag_set(d, CN_EUSAGE, "heckman two-step: Greene's variance only (no --vce, --cluster or "
                                   "--weights); use --imr-control for a regression with those");
    goto done;
  }
  cn_reg_opts po = *opts;
  if ((st = probit_fit(t, select, &po, pm, &dss, &W, &onesW, &g, &Vg, d)) != CN_OK) goto done;
  int64_t nrow = cn_table_nrow(t);
  lam = cn_malloc(((size_t)nrow + 1) * sizeof *lam);
  wg = cn_malloc(((size_t)nrow + 1) * sizeof *wg);
  widx = cn_malloc(((size_t)nrow + 1) * sizeof *widx);
  double *xb = cn_malloc(((size_t)dss.n + 1) * sizeof *xb);
  if (!lam || !wg || !widx || !xb) {
    cn_free(xb);
    goto oom;
  }
  for (int64_t i = 0; i < nrow; i++) lam[i] = NAN, widx[i] = -1;
  linear_index(&W, g, xb);
  for (int64_t i = 0; i < dss.n; i++) {
    int64_t r = dss.rows[i];
    wg[r] = xb[i];
    lam[r] = mills(xb[i]);
    widx[r] = i;
  }
  cn_free(xb);
  /* the outcome on the selected rows */
  cn_reg_opts oo = *opts;
  size_t L = strlen(dss.f->dep.text) + (opts->if_expr ? strlen(opts->if_expr) : 0) + 32;
  ifx = cn_malloc(L);
  if (!ifx) goto oom;
  if (opts->if_expr) snprintf(ifx, L, "(%s) & ((%s) != 0)", opts->if_expr, dss.f->dep.text);
  else snprintf(ifx, L, "(%s) != 0", dss.f->dep.text);
  oo.if_expr = ifx;
  if ((st = cn__design_build(t, formula, &oo, CN_DESIGN_DUMMIES, &dso, m, d)) != CN_OK) goto done;
  m->dropped_if = pm->dropped_if; /* the unselected rows are nobs_full − nobs */
  if ((st = ml_columns(&dso, m, true, &X, &onesX, d)) != CN_OK) goto done;
  keep = cn_malloc(((size_t)dso.n + 1) * sizeof *keep);
  if (!keep) goto oom;
  int64_t n1 = 0;
  for (int64_t i = 0; i < dso.n; i++)
    if (widx[dso.rows[i]] >= 0) keep[n1++] = i;
  m->dropped_missing += dso.n - n1;
  if (n1 == 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "heckman: no selected row has the selection variables");
    goto done;
  }
  /* X* = [X (without its constant), λ, 1] on the kept rows */
  int k = X.p - 1, p = k + 2, q = W.p;
  xs = cn_calloc((size_t)p + 1, sizeof *xs);
  if (!xs) goto oom;
  for (int a = 0; a < p; a++)
    if (!(xs[a] = cn_malloc(((size_t)n1 + 1) * sizeof **xs))) goto oom;
  double *yv = cn_malloc(((size_t)n1 + 1) * sizeof *yv), *dl = cn_malloc(((size_t)n1 + 1) * sizeof *dl);
  if (!yv || !dl) {
    cn_free(yv), cn_free(dl);
    goto oom;
  }
  double mdelta = 0;
  for (int64_t j = 0; j < n1; j++) {
    int64_t i = keep[j], r = dso.rows[i];
    for (int a = 0; a < k; a++) xs[a][j] = X.x[a][i];
    xs[k][j] = lam[r];
    xs[k + 1][j] = 1;
    yv[j] = dso.y[i];
    dl[j] = lam[r] * (lam[r] + wg[r]);
    mdelta += dl[j] / (double)n1;
  }
  A = cn_calloc((size_t)p * p + 1, sizeof *A);
  bb = cn_calloc((size_t)p + 1, sizeof *bb);
  e = cn_malloc(((size_t)n1 + 1) * sizeof *e);
  B = cn_calloc((size_t)p * p + 1, sizeof *B);
  V = cn_calloc((size_t)(p + q) * (p + q) + 1, sizeof *V);
  double *xty = cn_calloc((size_t)p + 1, sizeof *xty), *C = cn_calloc((size_t)p * q + 1, sizeof *C);
  if (!A || !bb || !e || !B || !V || !xty || !C) {
    cn_free(yv), cn_free(dl), cn_free(xty), cn_free(C);
    goto oom;
  }
  /* OLS of the outcome on X* by QR: bb, the residuals e and the bread
   * A = (X*'X*)⁻¹ from the triangular factor */
  {
    cn__qr qo = {0};
    st = cn__qr_factor(&qo, xs, NULL, p, NULL, n1, 0, NULL, d);
    if (st == CN_OK && qo.k < p)
      st = cn_diag_set(d, CN_EANALYSIS, "heckman: the outcome regressors and the inverse Mills ratio are collinear");
    if (st == CN_OK) st = cn__qr_coef(&qo, NULL, yv, bb, e, d);
    if (st == CN_OK) st = cn__qr_bread(&qo, A, d);
    cn__qr_free(&qo);
    if (st != CN_OK) {
      cn_free(yv), cn_free(dl), cn_free(xty), cn_free(C);
      goto done;
    }
  }
  double ee = 0;
  for (int64_t j = 0; j < n1; j++) ee += e[j] * e[j];
  double ym = 0, tss = 0, yy = 0;
  for (int64_t j = 0; j < n1; j++) ym += yv[j] / (double)n1;
  for (int64_t j = 0; j < n1; j++) tss += (yv[j] - ym) * (yv[j] - ym), yy += yv[j] * yv[j];
  /* an exact fit: σ = 0, no errors (as reg) */
  if ((st = cn__fit_defined(tss, yy, ee, "heckman: ", "the regressors", dso.f->dep.text, "on the selected rows",
                            d)) != CN_OK) {
    cn_free(yv), cn_free(dl), cn_free(xty), cn_free(C);
    goto done;
  }
  double blam = bb[k], s2 = ee / (double)n1 + blam * blam * mdelta, sig = sqrt(s2), rho = blam / sig;
  double r2 = rho * rho;
  /* B = X*'(I − ρ²Δ)X* + ρ² (X*'ΔW) V_γ (W'ΔX*) */
  for (int a = 0; a < p; a++)
    for (int c = 0; c <= a; c++) {
      long double s1 = 0;
      for (int64_t j = 0; j < n1; j++) s1 += (long double)xs[a][j] * (1 - r2 * dl[j]) * xs[c][j];
      B[a * p + c] = B[c * p + a] = (double)s1;
    }
  for (int a = 0; a < p; a++)
    for (int c = 0; c < q; c++) {
      long double s1 = 0;
      for (int64_t j = 0; j < n1; j++) {
        int64_t wi = widx[dso.rows[keep[j]]];
        s1 += (long double)xs[a][j] * dl[j] * W.x[c][wi];
      }
      C[a * q + c] = (double)s1;
    }
  for (int a = 0; a < p; a++)
    for (int c = 0; c < p; c++) {
      long double s1 = 0;
      for (int u = 0; u < q; u++)
        for (int v = 0; v < q; v++) s1 += (long double)C[a * q + u] * Vg[u * q + v] * C[c * q + v];
      B[a * p + c] += (double)(r2 * s1);
    }
  /* V = σ² A B A on the outcome block; V_γ on the selection block */
  int P = p + q;
  for (int a = 0; a < p; a++)
    for (int c = 0; c < p; c++) {
      long double s1 = 0;
      for (int u = 0; u < p; u++)
        for (int v = 0; v < p; v++) s1 += (long double)A[a * p + u] * B[u * p + v] * A[v * p + c];
      V[a * P + c] = (double)(s2 * s1);
    }
  for (int a = 0; a < q; a++)
    for (int c = 0; c < q; c++) V[(p + a) * P + p + c] = Vg[a * q + c];
  cn_free(yv), cn_free(dl), cn_free(xty), cn_free(C);
  /* coefficients: outcome X, _cons, lambda; then the selection equation */
  double *ball = cn_calloc((size_t)P + 1, sizeof *ball), *Vr = cn_calloc((size_t)P * P + 1, sizeof *Vr);
  int *perm = cn_calloc((size_t)P + 1, sizeof *perm);
  mlx names = {0};
  names.name = cn_calloc((size_t)P + 1, sizeof *names.name);
  char **selnames = cn_calloc((size_t)q + 1, sizeof *selnames);
  if (!ball || !Vr || !perm || !names.name || !selnames) {
    cn_free(ball), cn_free(Vr), cn_free(perm), cn_free(names.name), cn_free(selnames);
    goto oom;
  }
  for (int a = 0; a < k; a++) perm[a] = a, names.name[a] = X.name[a];
  perm[k] = k + 1, names.name[k] = "_cons";
  perm[k + 1] = k, names.name[k + 1] = "lambda";
  bool okn = true;
  for (int a = 0; a < q; a++) {
    perm[p + a] = p + a;
    size_t ln = strlen(W.name[a]) + 8;
    selnames[a] = cn_malloc(ln);
    if (!selnames[a]) okn = false;
    else snprintf(selnames[a], ln, "select:%s", W.name[a]);
    names.name[p + a] = selnames[a];
  }
  for (int a = 0; a < P; a++) {
    ball[a] = perm[a] < p ? bb[perm[a]] : g[perm[a] - p];
    for (int c = 0; c < P; c++) Vr[a * P + c] = V[perm[a] * P + perm[c]];
  }
  names.p = P;
  if (okn) st = set_coefs(m, &names, NULL, ball, Vr, P, d);
  else st = oom(d);
  for (int a = 0; a < q; a++) cn_free(selnames[a]);
  cn_free(selnames), cn_free(ball), cn_free(Vr), cn_free(perm), cn_free(names.name);
  if (st != CN_OK) goto done;
  m->lambda = blam;
  m->lambda_se = sqrt(V[k * P + k]);
  m->sigma = sig;
  m->rho = rho;
  m->ll = NAN;
  m->nobs_full = dss.n;
  if ((st = finish(m, "heckman", "heckman", &dso, formula, d)) != CN_OK) goto done;
  m->nobs = n1;
  if (fabs(rho) > 1) {
    char **nn = cn_reallocarray(m->notes, (size_t)m->n_notes + 1, sizeof *nn);
    if (nn) {
      m->notes = nn;
      if ((nn[m->n_notes] = cn_strdup("|rho| > 1 in the two-step estimate (reported as computed)")) != NULL)
        m->n_notes++;
    }
  }
  goto done;
oom:
  st = oom(d);
done:
  if (st == CN_OK) *out = m;
  else cn_model_free(m);
  cn_model_free(pm);
  cn_free(W.x), cn_free(W.name), cn_free(X.x), cn_free(X.name);
  cn_free(onesW), cn_free(onesX), cn_free(g), cn_free(Vg), cn_free(lam), cn_free(wg);
  cn_free(widx), cn_free(keep), cn_free(A), cn_free(B), cn_free(e), cn_free(bb), cn_free(V);
  cn_free(ifx);
  if (xs)
    for (int a = 0; xs[a]; a++) cn_free(xs[a]);
  cn_free(xs);
  cn__design_free(&dss);
  cn__design_free(&dso);
  return st;
}

cn_status cn_probit_margins(const cn_table *t, const char *formula, const cn_reg_opts *opts,
                            cn_model *m, cn_diag *d) {
  cn_status st = CN_OK;
  cn_reg_opts defaults;
  if (!opts) {
    cn_reg_opts_init(&defaults);
    opts = &defaults;
  }
  cn_model *tmp = cn_calloc(1, sizeof *tmp);
  cn__design ds;
  memset(&ds, 0, sizeof ds);
  mlx X = {0};
  double *ones = NULL, *xb = NULL, *Ja = NULL, *Jm = NULL, *xbar = NULL;
  if (!tmp) return oom(d);
  cn__model_init(tmp);
  if ((st = cn__design_build(t, formula, opts, CN_DESIGN_DUMMIES, &ds, tmp, d)) != CN_OK) goto done;
  if ((st = ml_columns(&ds, tmp, ds.f->cons, &X, &ones, d)) != CN_OK) goto done;
  int p = X.p;
  if (p != m->ncoef) {
    st = cn_diag_set(d, CN_EINTERNAL, "margins: the model does not match the formula");
    goto done;
  }
  double *b = cn_malloc((size_t)p * sizeof *b + 8);
  xb = cn_malloc(((size_t)X.n + 1) * sizeof *xb);
  Ja = cn_calloc((size_t)p * p + 1, sizeof *Ja);
  Jm = cn_calloc((size_t)p * p + 1, sizeof *Jm);
  xbar = cn_calloc((size_t)p + 1, sizeof *xbar);
  int ns = 0;
  for (int a = 0; a < p; a++) ns += X.x[a] != ones;
  m->mem = cn_calloc((size_t)ns + 1, sizeof *m->mem);
  m->ame = cn_calloc((size_t)ns + 1, sizeof *m->ame);
  if (!b || !xb || !Ja || !Jm || !xbar || !m->mem || !m->ame) {
    cn_free(b);
    goto oom;
  }
  for (int a = 0; a < p; a++) b[a] = m->coef[a].b;
  linear_index(&X, b, xb);
  double n = (double)X.n;
  for (int a = 0; a < p; a++) {
    for (int64_t i = 0; i < X.n; i++) xbar[a] += X.x[a][i] / n;
  }
  /* AME_j = mean φ(x_i b) b_j; ∂/∂b_k = mean φ(x_i b)(δ_jk − x_i b · b_j x_ik) */
  double mphi = 0;
  for (int64_t i = 0; i < X.n; i++) mphi += exp(-0.5 * xb[i] * xb[i]) / sqrt(2 * M_PI) / n;
  for (int j = 0; j < p; j++)
    for (int k = 0; k < p; k++) {
      double s = 0;
      for (int64_t i = 0; i < X.n; i++) {
        double ph = exp(-0.5 * xb[i] * xb[i]) / sqrt(2 * M_PI);
        s += ph * ((j == k) - xb[i] * b[j] * X.x[k][i]);
      }
      Ja[j * p + k] = s / n;
    }
  double xbm = 0;
  for (int a = 0; a < p; a++) xbm += xbar[a] * b[a];
  double phm = exp(-0.5 * xbm * xbm) / sqrt(2 * M_PI);
  for (int j = 0; j < p; j++)
    for (int k = 0; k < p; k++) Jm[j * p + k] = phm * ((j == k) - xbm * b[j] * xbar[k]);
  double zq = gsl_cdf_ugaussian_Qinv(0.025);
  int q = 0;
  for (int j = 0; j < p && st == CN_OK; j++) {
    if (X.x[j] == ones) continue;
    for (int which = 0; which < 2; which++) {
      const double *J = which ? Jm : Ja;
      cn_coef *c = which ? &m->mem[q] : &m->ame[q];
      double v = 0;
      for (int k = 0; k < p; k++)
        for (int l = 0; l < p; l++) v += J[j * p + k] * m->V[k * p + l] * J[j * p + l];
      c->name = cn_strdup(X.name[j]);
      if (!c->name) st = oom(d);
      c->b = which ? phm * b[j] : mphi * b[j];
      c->se = sqrt(v);
      c->t = c->b / c->se;
      c->p = 2 * gsl_cdf_ugaussian_Q(fabs(c->t));
      c->ci_low = c->b - zq * c->se;
      c->ci_high = c->b + zq * c->se;
    }
    q++;
    m->n_margins = q;
  }
  cn_free(b);
  goto done;
oom:
  st = oom(d);
done:
  cn_model_free(tmp);
  cn_free(X.x);
  cn_free(X.name);
  cn_free(ones);
  cn_free(xb);
  cn_free(Ja);
  cn_free(Jm);
  cn_free(xbar);
  cn__design_free(&ds);
  return st;
}
