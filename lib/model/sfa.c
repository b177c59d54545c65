/* lib/model/sfa.c — stochastic frontiers (spec/measures.md §8): ALS,
 * Battese–Coelli 1992 and 1995 by maximum likelihood in FRONTIER 4.1's
 * parameterisation. The log likelihood is written once over dual numbers
 * (value and gradient carried through every operation), which gives its
 * exact analytic gradient; the observed information is the central
 * difference of that gradient. Newton steps (Levenberg–Marquardt damped
 * when the Hessian is not negative definite) with step halving inside the
 * parameter space σ² > 0, 0 < γ < 1. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_erf.h>
#include <lapacke.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "coinnet/sfa.h"
#include "hdfe.h"
#include "../measure/measure_int.h"

#define SFA_MAXP 48

void cn_sfa_opts_init(cn_sfa_opts *o) { memset(o, 0, sizeof *o); }

void cn_sfa_result_free(cn_sfa_result *r) {
  if (!r) return;
  cn_free(r->rows), cn_free(r->te), cn_free(r->period), cn_free(r->te_by_period);
  memset(r, 0, sizeof *r);
}

/* ---- dual numbers: a value and its gradient in the p parameters ---- */

typedef struct dual {
  double v, g[SFA_MAXP];
} dual;

static _Thread_local int P; /* set by each likelihood evaluation (per thread); p ≤ SFA_MAXP */

static dual dconst(double v) {
  dual r;
  r.v = v;
  memset(r.g, 0, sizeof r.g);
  return r;
}
static dual dvar(double v, int j) {
  dual r = dconst(v);
  r.g[j] = 1;
  return r;
}
static dual dadd(dual a, dual b) {
  a.v += b.v;
  for (int j = 0; j < P; j++) a.g[j] += b.g[j];
  return a;
}
static dual dsub(dual a, dual b) {
  a.v -= b.v;
  for (int j = 0; j < P; j++) a.g[j] -= b.g[j];
  return a;
}
static dual dscale(dual a, double c) {
  a.v *= c;
  for (int j = 0; j < P; j++) a.g[j] *= c;
  return a;
}
static dual dmul(dual a, dual b) {
  dual r;
  r.v = a.v * b.v;
  for (int j = 0; j < P; j++) r.g[j] = a.g[j] * b.v + a.v * b.g[j];
  return r;
}
static dual ddiv(dual a, dual b) {
  dual r;
  r.v = a.v / b.v;
  for (int j = 0; j < P; j++) r.g[j] = (a.g[j] - r.v * b.g[j]) / b.v;
  return r;
}
/* f(a) with f'(a) = df */
static dual dapply(dual a, double f, double df) {
  a.v = f;
  for (int j = 0; j < P; j++) a.g[j] *= df;
  return a;
}
static dual dlog(dual a) { return dapply(a, log(a.v), 1 / a.v); }
static dual dexp(dual a) {
  double e = exp(a.v);
  return dapply(a, e, e);
}
static dual dsqrt(dual a) {
  double s = sqrt(a.v);
  return dapply(a, s, 0.5 / s);
}

/* ln Φ(z), accurate in both tails, and its derivative φ(z)/Φ(z). */
static double log_Phi(double z) { return gsl_sf_log_erfc(-z / M_SQRT2) - M_LN2; }
static double mills(double z) { return exp(-0.5 * z * z - 0.5 * log(2 * M_PI) - log_Phi(z)); }
static dual dlogPhi(dual a) { return dapply(a, log_Phi(a.v), mills(a.v)); }

/* ---- the model ---- */

typedef struct sfa_data {
  int64_t n;
  int k, kz;          /* frontier regressors (constant last when present), BC95 determinants */
  const double *y;
  double **x, **z;    /* column arrays over the n rows */
  double sgn;         /* +1 production, −1 cost: e = sgn (y − xβ) = v − u */
  bool tnormal, bc92, bc95;
  int64_t nf;         /* firms (error components); each row its own firm without a panel */
  int64_t *fstart, *frow; /* rows of firm f: frow[fstart[f] .. fstart[f+1]) */
  double *tt;         /* t − T of each row (0 without a panel) */
  int p;              /* parameters */
  int js2, jg, jmu, jeta; /* their indices (−1 when absent) */
} sfa_data;

static dual resid(const sfa_data *D, const double *th, int64_t i) {
  dual e = dconst(D->sgn * D->y[i]);
  for (int a = 0; a < D->k; a++) {
    e.v -= D->sgn * D->x[a][i] * th[a];
    e.g[a] = -D->sgn * D->x[a][i];
  }
  return e;
}

/* The log likelihood at th with its gradient in *g (p); NaN outside the
 * parameter space. */
static double loglik(const sfa_data *D, const double *th, double *g) {
  P = D->p;
  double s2v = th[D->js2], gv = th[D->jg];
  if (!(s2v > 0) || !(gv > 0) || !(gv < 1)) return NAN;
  dual s2 = dvar(s2v, D->js2), gm = dvar(gv, D->jg);
  dual su2 = dmul(gm, s2), sv2 = dmul(dsub(dconst(1), gm), s2);
  dual su = dsqrt(su2), total = dconst(0);
  const double l2pi = log(2 * M_PI);
  if (D->bc95) {
    dual sstar = dsqrt(ddiv(dmul(sv2, su2), s2)), ls2 = dlog(s2);
    for (int64_t i = 0; i < D->n; i++) {
      dual e = resid(D, th, i), mu = dconst(0);
      for (int a = 0; a < D->kz; a++) {
        mu.v += D->z[a][i] * th[D->k + a];
        mu.g[D->k + a] = D->z[a][i];
      }
      dual mus = ddiv(dsub(dmul(sv2, mu), dmul(su2, e)), s2);
      dual q = dadd(e, mu);
      dual li = dsub(dscale(ddiv(dmul(q, q), s2), -0.5), dscale(ls2, 0.5));
      li = dadd(li, dsub(dlogPhi(ddiv(mus, sstar)), dlogPhi(ddiv(mu, su))));
      li.v -= 0.5 * l2pi;
      total = dadd(total, li);
    }
  } else {
    dual mu = D->jmu >= 0 ? dvar(th[D->jmu], D->jmu) : dconst(0);
    dual eta = D->jeta >= 0 ? dvar(th[D->jeta], D->jeta) : dconst(0);
    dual lsv2 = dlog(sv2), musu = ddiv(mu, su);
    dual cfirm = dsub(dscale(ddiv(dmul(mu, mu), su2), -0.5), dlogPhi(musu));
    for (int64_t f = 0; f < D->nf; f++) {
      dual A = dconst(0), B = dconst(0), E = dconst(0);
      int64_t T = D->fstart[f + 1] - D->fstart[f];
      for (int64_t r = D->fstart[f]; r < D->fstart[f + 1]; r++) {
        int64_t i = D->frow[r];
        dual e = resid(D, th, i);
        dual h = D->tt[i] != 0 ? dexp(dscale(eta, -D->tt[i])) : dconst(1);
        A = dadd(A, dmul(h, h));
        B = dadd(B, dmul(h, e));
        E = dadd(E, dmul(e, e));
      }
      dual Dn = dadd(sv2, dmul(su2, A));
      dual mus = ddiv(dsub(dmul(mu, sv2), dmul(su2, B)), Dn);
      dual ss = dsqrt(ddiv(dmul(sv2, su2), Dn));
      dual z = ddiv(mus, ss);
      dual li = dscale(lsv2, -0.5 * (double)(T - 1));
      li = dsub(li, dscale(dlog(Dn), 0.5));
      li = dsub(li, dscale(ddiv(E, sv2), 0.5));
      li = dadd(li, dadd(dscale(dmul(z, z), 0.5), dlogPhi(z)));
      li = dadd(li, cfirm);
      li.v -= 0.5 * (double)T * l2pi;
      total = dadd(total, li);
    }
  }
  if (g) memcpy(g, total.g, (size_t)D->p * sizeof *g);
  return total.v;
}

/* TE_k = E[exp(−u_k) | ε] at th (Battese & Coelli 1988, 1992, 1995). */
static void efficiencies(const sfa_data *D, const double *th, double *te) {
  double s2 = th[D->js2], gm = th[D->jg], su2 = gm * s2, sv2 = (1 - gm) * s2;
  if (D->bc95) {
    double ss = sqrt(sv2 * su2 / s2);
    for (int64_t i = 0; i < D->n; i++) {
      double e = D->sgn * D->y[i], mu = 0;
      for (int a = 0; a < D->k; a++) e -= D->sgn * D->x[a][i] * th[a];
      for (int a = 0; a < D->kz; a++) mu += D->z[a][i] * th[D->k + a];
      double mus = (sv2 * mu - su2 * e) / s2;
      te[i] = exp(-mus + 0.5 * ss * ss + log_Phi(mus / ss - ss) - log_Phi(mus / ss));
    }
    return;
  }
  double mu = D->jmu >= 0 ? th[D->jmu] : 0, eta = D->jeta >= 0 ? th[D->jeta] : 0;
  for (int64_t f = 0; f < D->nf; f++) {
    double A = 0, B = 0;
    for (int64_t r = D->fstart[f]; r < D->fstart[f + 1]; r++) {
      int64_t i = D->frow[r];
      double e = D->sgn * D->y[i];
      for (int a = 0; a < D->k; a++) e -= D->sgn * D->x[a][i] * th[a];
      double h = exp(-eta * D->tt[i]);
      A += h * h, B += h * e;
    }
    double Dn = sv2 + su2 * A, mus = (mu * sv2 - su2 * B) / Dn, ss = sqrt(sv2 * su2 / Dn);
    for (int64_t r = D->fstart[f]; r < D->fstart[f + 1]; r++) {
      int64_t i = D->frow[r];
      double h = exp(-eta * D->tt[i]);
      te[i] = exp(-h * mus + 0.5 * h * h * ss * ss + log_Phi(mus / ss - h * ss) - log_Phi(mus / ss));
    }
  }
}

/* The Hessian at th by central differences of the analytic gradient with
 * relative step h0 (symmetrized); false when a step leaves the parameter
 * space on both sides or the likelihood is not finite. */
static bool hessian_at(const sfa_data *D, const double *th, double h0, double *H) {
  int p = D->p;
  double tp[SFA_MAXP], gp[SFA_MAXP], gm[SFA_MAXP];
  for (int j = 0; j < p; j++) {
    double h = h0 * fmax(1, fabs(th[j]));
    if (j == D->jg) h = h0 * fmin(th[j], 1 - th[j]);
    memcpy(tp, th, (size_t)p * sizeof *tp);
    tp[j] = th[j] + h;
    double a = loglik(D, tp, gp);
    tp[j] = th[j] - h;
    double b = loglik(D, tp, gm);
    if (!isfinite(a) || !isfinite(b)) return false;
    for (int c = 0; c < p; c++) H[j * p + c] = (gp[c] - gm[c]) / (2 * h);
  }
  for (int j = 0; j < p; j++)
    for (int c = 0; c < j; c++) H[j * p + c] = H[c * p + j] = 0.5 * (H[j * p + c] + H[c * p + j]);
  return true;
}

/* The Hessian for Newton steps: central differences, step 1e-5. */
static bool hessian(const sfa_data *D, const double *th, double *H) { return hessian_at(D, th, 1e-5, H); }

/* The Hessian for the standard errors: Richardson's extrapolation of two
 * central differences (steps 2e-4 and 1e-4), whose O(h^4) error keeps the
 * inverse accurate along the weakly identified directions (BC95's δ, σ²:
 * a condition number of 3e7 on riceProdPhil, where one difference of step
 * 1e-5 left the SEs 1e-6 off the exact Hessian's). */
static bool hessian_se(const sfa_data *D, const double *th, double *H) {
  int p = D->p;
  double H2[SFA_MAXP * SFA_MAXP];
  if (!hessian_at(D, th, 2e-4, H2) || !hessian_at(D, th, 1e-4, H)) return false;
  for (int k = 0; k < p * p; k++) H[k] = (4 * H[k] - H2[k]) / 3;
  return true;
}

/* Solves (−H + lam I) s = g by Cholesky; false when not positive definite. */
static bool solve_step(const double *H, const double *g, int p, double lam, double *s) {
  double A[SFA_MAXP * SFA_MAXP];
  for (int j = 0; j < p; j++)
    for (int c = 0; c < p; c++) A[j * p + c] = -H[j * p + c] + (j == c ? lam : 0);
  if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', p, A, p) != 0) return false;
  memcpy(s, g, (size_t)p * sizeof *s);
  return LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', p, 1, A, p, s, 1) == 0;
}

/* Maximizes the likelihood from th. */
static cn_status maximize(const sfa_data *D, double *th, double *ll, int *iters, int max_iter, cn_diag *d) {
  int p = D->p;
  double g[SFA_MAXP], H[SFA_MAXP * SFA_MAXP], s[SFA_MAXP], tn[SFA_MAXP], gn[SFA_MAXP];
  double cur = loglik(D, th, g);
  if (!isfinite(cur)) return cn_diag_set(d, CN_EANALYSIS, "the log likelihood is not finite at the start");
  for (int it = 1; it <= max_iter; it++) {
    *iters = it;
    if (!hessian(D, th, H)) return cn_diag_set(d, CN_EANALYSIS, "the Hessian cannot be computed");
    double maxd = 0;
    for (int j = 0; j < p; j++) maxd = fmax(maxd, fabs(H[j * p + j]));
    double lam = 0;
    while (!solve_step(H, g, p, lam, s)) {
      lam = lam ? lam * 10 : 1e-8 * (maxd > 0 ? maxd : 1);
      if (lam > 1e12 * (maxd > 0 ? maxd : 1)) return cn_diag_set(d, CN_EANALYSIS, "no ascent direction");
    }
    double dec = 0;
    for (int j = 0; j < p; j++) dec += g[j] * s[j];
    if (lam == 0 && dec < 1e-20) {
      *ll = cur;
      return CN_OK;
    }
    double t = 1, next = NAN;
    int h;
    for (h = 0; h < 60; h++, t *= 0.5) {
      for (int j = 0; j < p; j++) tn[j] = th[j] + t * s[j];
      next = loglik(D, tn, gn);
      if (isfinite(next) && next >= cur - 1e-12 * fabs(cur)) break;
    }
    if (h == 60) {
      if (dec < 1e-12) {
        *ll = cur;
        return CN_OK;
      }
      return cn_diag_set(d, CN_EANALYSIS, "the line search found no better point (Newton decrement %.3g)",
                         dec);
    }
    double change = 0;
    for (int j = 0; j < p; j++) change = fmax(change, fabs(tn[j] - th[j]) / fmax(1, fabs(th[j])));
    memcpy(th, tn, (size_t)p * sizeof *th);
    memcpy(g, gn, (size_t)p * sizeof *g);
    double prev = cur;
    cur = next;
    if (lam == 0 && change < 1e-13 && fabs(cur - prev) <= 1e-14 * fabs(cur)) {
      *ll = cur;
      return CN_OK;
    }
  }
  return cn_diag_set(d, CN_EANALYSIS, "no convergence in %d iterations", max_iter);
}

/* Kodde & Palm's critical value: the c with ½Q(χ²(q−1) > c) + ½Q(χ²(q) > c) = alpha. */
static double mixed_q(double c, int q) {
  double a = q > 1 ? gsl_cdf_chisq_Q(c, q - 1) : 0;
  return 0.5 * a + 0.5 * gsl_cdf_chisq_Q(c, q);
}
static double kodde_palm(int q, double alpha) {
  double lo = 0, hi = 200;
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    if (mixed_q(mid, q) > alpha) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }


/* OLS of y on the columns x (k, n rows) by QR: b, the residual sum of squares. */
static bool ols(const double *y, double *const *x, int k, int64_t n, double *b, double *rss) {
  double *A = cn_malloc((size_t)n * k * sizeof *A + 8), *r = cn_malloc((size_t)n * sizeof *r + 8);
  if (!A || !r) {
    cn_free(A), cn_free(r);
    return false;
  }
  for (int a = 0; a < k; a++) memcpy(A + (size_t)a * n, x[a], (size_t)n * sizeof *A);
  memcpy(r, y, (size_t)n * sizeof *r);
  lapack_int rc = LAPACKE_dgels(LAPACK_COL_MAJOR, 'N', (lapack_int)n, k, 1, A, (lapack_int)n, r, (lapack_int)n);
  bool ok = rc == 0;
  for (int a = 0; ok && a < k; a++) ok = fabs(A[(size_t)a * n + a]) > 1e-10 * (1 + fabs(A[0]));
  if (ok) {
    memcpy(b, r, (size_t)k * sizeof *b);
    *rss = 0;
    for (int64_t i = 0; i < n; i++) {
      double e = y[i];
      for (int a = 0; a < k; a++) e -= x[a][i] * b[a];
      *rss += e * e;
    }
  }
  cn_free(A), cn_free(r);
  return ok;
}

cn_status cn_sfa(const cn_table *t, const char *formula, const cn_sfa_opts *o, cn_model **out,
                 cn_sfa_result *rr, cn_diag *d) {
  cn_status st = CN_OK;
  cn_sfa_result rloc, *r = rr ? rr : &rloc;
  memset(r, 0, sizeof *r);
  cn_model *m = cn_calloc(1, sizeof *m);
  cn__design ds, dz;
  memset(&ds, 0, sizeof ds);
  memset(&dz, 0, sizeof dz);
  sfa_data D;
  memset(&D, 0, sizeof D);
  double *y = NULL, *xbuf = NULL, *zbuf = NULL, *th = NULL, *V = NULL;
  int64_t *zpos = NULL, *fid = NULL;
  char *zform = NULL;
  cn_strmap firms = {0};
  cn_buf b = {0};
  *out = NULL;
  if (!m) return oom(d);
  cn__model_init(m);
  if (o->bc92 && !o->panel_id) {
    st = cn_diag_set(d, CN_EUSAGE, "--bc92 (time-varying efficiency) needs --panel ID,TIME");
    goto done;
  }
  if (o->bc92 && o->bc95) {
    st = cn_diag_set(d, CN_EUSAGE, "--bc92 and --bc95 are two different models; choose one");
    goto done;
  }
  cn_reg_opts ro;
  cn_reg_opts_init(&ro);
  ro.if_expr = o->if_expr;
  if ((st = cn__design_build(t, formula, &ro, CN_DESIGN_DUMMIES, &ds, m, d)) != CN_OK) goto done;
  int64_t nrow = cn_table_nrow(t);
  /* the determinants' sample, matched to the frontier's by table row */
  if (o->bc95) {
    size_t zl = strlen(ds.f->dep.text) + strlen(o->bc95) + 8;
    if (!(zform = cn_malloc(zl))) goto oom;
    snprintf(zform, zl, "%s ~ %s", ds.f->dep.text, o->bc95);
    cn_model *tmp = cn_calloc(1, sizeof *tmp);
    if (!tmp) goto oom;
    cn__model_init(tmp);
    st = cn__design_build(t, zform, &ro, CN_DESIGN_DUMMIES, &dz, tmp, d);
    cn_model_free(tmp);
    if (st != CN_OK) {
      if (st == CN_ESCRIPT) cn_diag_hint(d, "the --bc95 determinants are read as the right side of \"%s\"", zform);
      goto done;
    }
    if (!(zpos = cn_malloc(((size_t)nrow + 1) * sizeof *zpos))) goto oom;
    for (int64_t i = 0; i < nrow; i++) zpos[i] = -1;
    for (int64_t i = 0; i < dz.n; i++) zpos[dz.rows[i]] = i;
  }
  int idc = -1, tmc = -1;
  if (o->panel_id) {
    if ((idc = cn_table_col(t, o->panel_id, "the data for --panel", d)) < 0 ||
        (tmc = cn_table_col(t, o->panel_time, "the data for --panel", d)) < 0) {
      st = CN_EUSAGE;
      goto done;
    }
    if (cn_table_type(t, tmc) == CN_STRING) {
      st = cn_diag_set(d, CN_EUSAGE, "the time column \"%s\" of --panel must be numeric", o->panel_time);
      goto done;
    }
  }
  /* the sample: the frontier's rows that also have the determinants and the panel keys */
  int k = ds.nset[0] + (ds.cons ? 1 : 0), kz = o->bc95 ? dz.nset[0] + (dz.cons ? 1 : 0) : 0;
  int p = k + kz + 2 + (!o->bc95 && o->dist == CN_SFA_TNORMAL) + (o->bc92 ? 1 : 0);
  if (p > SFA_MAXP) {
    st = cn_diag_set(d, CN_EUSAGE, "%d parameters; at most %d are supported", p, SFA_MAXP);
    goto done;
  }
  int64_t n = 0;
  r->rows = cn_malloc(((size_t)ds.n + 1) * sizeof *r->rows);
  y = cn_malloc(((size_t)ds.n + 1) * sizeof *y);
  xbuf = cn_malloc(((size_t)ds.n * k + 1) * sizeof *xbuf);
  zbuf = cn_malloc(((size_t)ds.n * kz + 1) * sizeof *zbuf);
  D.x = cn_calloc((size_t)k + 1, sizeof *D.x);
  D.z = cn_calloc((size_t)kz + 1, sizeof *D.z);
  D.tt = cn_calloc((size_t)ds.n + 1, sizeof *D.tt);
  fid = cn_malloc(((size_t)ds.n + 1) * sizeof *fid);
  if (!r->rows || !y || !xbuf || !zbuf || !D.x || !D.z || !D.tt || !fid) goto oom;
  for (int a = 0; a < k; a++) D.x[a] = xbuf + (size_t)a * ds.n;
  for (int a = 0; a < kz; a++) D.z[a] = zbuf + (size_t)a * ds.n;
  int64_t dropped = 0;
  for (int64_t i = 0; i < ds.n; i++) {
    int64_t row = ds.rows[i], zi = o->bc95 ? zpos[row] : 0;
    if (zi < 0 || (idc >= 0 && (cn_table_is_na(t, idc, row) || cn_table_is_na(t, tmc, row)))) {
      dropped++;
      continue;
    }
    r->rows[n] = row, y[n] = ds.y[i];
    for (int a = 0; a < ds.nset[0]; a++) D.x[a][n] = ds.set[0][a].x[i];
    if (ds.cons) D.x[k - 1][n] = 1;
    for (int a = 0; a < kz - (dz.cons ? 1 : 0); a++) D.z[a][n] = dz.set[0][a].x[zi];
    if (o->bc95 && dz.cons) D.z[kz - 1][n] = 1;
    if (idc >= 0) {
      D.tt[n] = cn_table_get_num(t, tmc, row);
      int col = idc;
      if (!cn__row_key(t, &col, 1, row, &b)) goto oom;
      int32_t f = cn__strmap_intern(&firms, b.data, b.len);
      if (f < 0) goto oom;
      fid[n] = f;
    } else {
      fid[n] = n;
    }
    n++;
  }
  m->dropped_missing += dropped;
  m->nobs = n;
  if (n <= p) {
    st = cn_diag_set(d, CN_EANALYSIS, "%lld observations for %d parameters", (long long)n, p);
    goto done;
  }
  /* t − T, and firms' rows */
  if (idc >= 0) {
    double T = -INFINITY;
    for (int64_t i = 0; i < n; i++) T = fmax(T, D.tt[i]);
    for (int64_t i = 0; i < n; i++) D.tt[i] -= T;
  }
  D.nf = idc >= 0 ? (int64_t)firms.n : n;
  D.fstart = cn_calloc((size_t)D.nf + 2, sizeof *D.fstart);
  D.frow = cn_malloc(((size_t)n + 1) * sizeof *D.frow);
  if (!D.fstart || !D.frow) goto oom;
  for (int64_t i = 0; i < n; i++) D.fstart[fid[i] + 1]++;
  for (int64_t f = 0; f < D.nf; f++) D.fstart[f + 1] += D.fstart[f];
  {
    int64_t *at = cn_malloc(((size_t)D.nf + 1) * sizeof *at);
    if (!at) goto oom;
    memcpy(at, D.fstart, (size_t)D.nf * sizeof *at);
    for (int64_t i = 0; i < n; i++) D.frow[at[fid[i]]++] = i;
    cn_free(at);
  }
  D.n = n, D.k = k, D.kz = kz, D.y = y, D.sgn = o->cost ? -1 : 1;
  D.tnormal = o->dist == CN_SFA_TNORMAL, D.bc92 = o->bc92, D.bc95 = o->bc95 != NULL;
  D.p = p, D.js2 = k + kz, D.jg = k + kz + 1;
  D.jmu = (!D.bc95 && D.tnormal) ? k + kz + 2 : -1;
  D.jeta = o->bc92 ? p - 1 : -1;
  r->n = n, r->n_firms = D.nf;
  /* OLS, skewness, the OLS log likelihood */
  th = cn_calloc((size_t)p + 1, sizeof *th);
  V = cn_calloc((size_t)p * p + 1, sizeof *V);
  if (!th || !V) goto oom;
  double rss;
  if (!ols(y, D.x, k, n, th, &rss)) {
    st = cn_diag_set(d, CN_EANALYSIS, "the regressors are collinear (OLS has no unique solution)");
    goto done;
  }
  {
    double m2 = 0, m3 = 0;
    for (int64_t i = 0; i < n; i++) {
      double e = y[i];
      for (int a = 0; a < k; a++) e -= D.x[a][i] * th[a];
      m2 += e * e, m3 += e * e * e;
    }
    m2 /= (double)n, m3 /= (double)n;
    r->skew = m3 / pow(m2, 1.5);
    r->wrong_skew = o->cost ? r->skew < 0 : r->skew > 0;
  }
  double s2n = rss / (double)n;
  r->ll_ols = -0.5 * (double)n * (log(2 * M_PI) + log(s2n) + 1);
  /* grid search over γ (FRONTIER 4.1): β0 and σ² by corrected OLS */
  double b0 = ds.cons ? th[k - 1] : 0, best = -INFINITY, bestg = 0.5;
  for (int pass = 0; pass < 2; pass++) {
    double lo = pass ? fmax(0.01, bestg - 0.09) : 0.1, hi = pass ? fmin(0.99, bestg + 0.09) : 0.9;
    double step = pass ? 0.01 : 0.1;
    for (double gmm = lo; gmm <= hi + 1e-9; gmm += step) {
      double s2 = s2n / (1 - 2 * gmm / M_PI);
      if (ds.cons) th[k - 1] = b0 + D.sgn * sqrt(2 * gmm * s2 / M_PI);
      th[D.js2] = s2, th[D.jg] = gmm;
      double l = loglik(&D, th, NULL);
      if (isfinite(l) && l > best) best = l, bestg = gmm;
    }
  }
  {
    double s2 = s2n / (1 - 2 * bestg / M_PI);
    if (ds.cons) th[k - 1] = b0 + D.sgn * sqrt(2 * bestg * s2 / M_PI);
    th[D.js2] = s2, th[D.jg] = bestg;
  }
  r->grid_gamma = bestg, r->grid_ll = best;
  int max_iter = o->max_iter > 0 ? o->max_iter : 200;
  if ((st = maximize(&D, th, &m->ll, &m->iterations, max_iter, d)) != CN_OK) {
    if (r->wrong_skew)
      cn_diag_hint(d, "the OLS residuals are skewed the wrong way (skewness %.4g): the data show no "
                   "inefficiency and gamma goes to 0", r->skew);
    goto done;
  }
  if (!hessian_se(&D, th, V)) {
    st = cn_diag_set(d, CN_EANALYSIS, "the Hessian at the maximum cannot be computed");
    goto done;
  }
  {
    /* at a boundary (gamma -> 0 with the wrong skew) the extrapolated
     * Hessian can lose definiteness where one central difference keeps it */
    bool pd = true;
    for (int pass = 0; pass < 2; pass++) {
      if (pass && !hessian(&D, th, V)) break;
      for (int j = 0; j < p * p; j++) V[j] = -V[j];
      pd = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', p, V, p) == 0 && LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', p, V, p) == 0;
      if (pd || !r->wrong_skew) break;
    }
    if (!pd) {
      st = cn_diag_set(d, CN_EANALYSIS, "the information matrix at the maximum is singular%s",
                       r->wrong_skew ? " (the OLS residuals are skewed the wrong way: gamma goes to 0)" : "");
      goto done;
    }
    for (int a = 0; a < p; a++)
      for (int c = a + 1; c < p; c++) V[a * p + c] = V[c * p + a];
  }
  /* the model */
  m->ll0 = r->ll_ols;
  m->converged = true;
  m->ncoef = p;
  m->coef = cn_calloc((size_t)p + 1, sizeof *m->coef);
  m->V = cn_malloc((size_t)p * p * sizeof *m->V + 8);
  if (!m->coef || !m->V) goto oom;
  memcpy(m->V, V, (size_t)p * p * sizeof *V);
  double zq = gsl_cdf_ugaussian_Qinv(0.025);
  for (int a = 0; a < p; a++) {
    cn_coef *c = &m->coef[a];
    cn_buf nb = {0};
    if (a < k) cn__buf_printf(&nb, "%s", a < ds.nset[0] ? ds.set[0][a].name : "_cons");
    else if (a < k + kz) cn__buf_printf(&nb, "delta:%s", a - k < dz.nset[0] ? dz.set[0][a - k].name : "_cons");
    else if (a == D.js2) cn__buf_printf(&nb, "sigma2");
    else if (a == D.jg) cn__buf_printf(&nb, "gamma");
    else if (a == D.jmu) cn__buf_printf(&nb, "mu");
    else cn__buf_printf(&nb, "eta");
    if (nb.failed) goto oom;
    c->name = nb.data;
    c->b = th[a];
    c->se = sqrt(V[a * p + a]);
    c->t = c->b / c->se;
    c->p = 2 * gsl_cdf_ugaussian_Q(fabs(c->t));
    c->ci_low = c->b - zq * c->se, c->ci_high = c->b + zq * c->se;
  }
  m->df_r = INFINITY;
  r->sigma2 = th[D.js2], r->gamma = th[D.jg];
  r->sigma_u2 = r->gamma * r->sigma2, r->sigma_v2 = (1 - r->gamma) * r->sigma2;
  /* TE, LR test */
  if (!(r->te = cn_malloc(((size_t)n + 1) * sizeof *r->te))) goto oom;
  efficiencies(&D, th, r->te);
  r->mean_te = 0;
  for (int64_t i = 0; i < n; i++) r->mean_te += r->te[i] / (double)n;
  r->lr = 2 * (m->ll - r->ll_ols);
  r->lr_df = 1 + (D.jmu >= 0) + (D.jeta >= 0) + kz;
  r->lr_crit5 = kodde_palm(r->lr_df, 0.05), r->lr_crit1 = kodde_palm(r->lr_df, 0.01);
  r->lr_p = r->lr > 0 ? mixed_q(r->lr, r->lr_df) : 1;
  if (idc >= 0) { /* mean TE by period */
    double *pv = cn_malloc(((size_t)n + 1) * sizeof *pv);
    if (!pv) goto oom;
    for (int64_t i = 0; i < n; i++) pv[i] = cn_table_get_num(t, tmc, r->rows[i]);
    int np = 0;
    r->period = cn_malloc(((size_t)n + 1) * sizeof *r->period);
    r->te_by_period = cn_calloc((size_t)n + 1, sizeof *r->te_by_period);
    double *cnt = cn_calloc((size_t)n + 1, sizeof *cnt);
    if (!r->period || !r->te_by_period || !cnt) {
      cn_free(pv), cn_free(cnt);
      goto oom;
    }
    for (int64_t i = 0; i < n; i++) {
      int j = 0;
      while (j < np && r->period[j] != pv[i]) j++;
      if (j == np) {
        int at = np++;
        while (at > 0 && r->period[at - 1] > pv[i]) r->period[at] = r->period[at - 1], r->te_by_period[at] = r->te_by_period[at - 1], cnt[at] = cnt[at - 1], at--;
        r->period[at] = pv[i], r->te_by_period[at] = 0, cnt[at] = 0;
        j = at;
      }
      r->te_by_period[j] += r->te[i], cnt[j]++;
    }
    for (int j = 0; j < np; j++) r->te_by_period[j] /= cnt[j];
    r->n_period = np;
    cn_free(pv), cn_free(cnt);
  }
  const char *est = o->bc95 ? "sfa_bc95" : o->bc92 ? "sfa_bc92" : D.tnormal ? "sfa_tnormal" : "sfa_hnormal";
  if (cn__model_note(m, "%s frontier; sigma2 = sigma_u2 + sigma_v2 = %.8g, gamma = sigma_u2/sigma2 = %.8g",
               o->cost ? "cost" : "production", r->sigma2, r->gamma) ||
      cn__model_note(m, "LR test of the one-sided error: %.8g, %d restriction%s, mixed chi2 critical values "
               "(Kodde-Palm) %.4f (5%%), %.4f (1%%)", r->lr, r->lr_df, r->lr_df == 1 ? "" : "s", r->lr_crit5,
               r->lr_crit1) ||
      cn__model_note(m, "mean technical efficiency E[exp(-u)|e] = %.8g", r->mean_te))
    goto oom;
  if (r->wrong_skew &&
      cn__model_note(m, "the OLS residuals are skewed the wrong way (skewness %.4g): the data show little or no "
               "inefficiency; gamma is near 0", r->skew))
    goto oom;
  if (!(m->command = cn_strdup("sfa")) || !(m->estimator = cn_strdup(est)) ||
      !(m->depvar = cn_strdup(ds.f->dep.text)) || !(m->formula = cn_strdup(formula)))
    goto oom;
  goto done;
oom:
  st = oom(d);
done:
  if (st == CN_OK) *out = m;
  else {
    cn_model_free(m);
    cn_sfa_result_free(r);
  }
  if (r == &rloc) cn_sfa_result_free(&rloc);
  cn_free(y), cn_free(xbuf), cn_free(zbuf), cn_free(th), cn_free(V);
  cn_free(zpos), cn_free(fid), cn_free(zform);
  cn_free(D.x), cn_free(D.z), cn_free(D.tt), cn_free(D.fstart), cn_free(D.frow);
  cn__strmap_free(&firms);
  cn__buf_free(&b);
  cn__design_free(&ds);
  cn__design_free(&dz);
  return st;
}
