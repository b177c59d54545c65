/* lib/model/prodfn.c — production functions by control functions
 * (spec/measures.md §7; docs/measures.md "Production functions and
 * markups"): Olley–Pakes and Levinsohn–Petrin in prodest's form (first
 * stage y on the free inputs and a polynomial of the state inputs and the
 * proxy; second stage least squares of the innovation), Ackerberg–Caves–
 * Frazer (first stage y on a polynomial of every input; second stage GMM
 * on the innovation ξ of ω's law of motion with the instruments lagged free
 * inputs and current state inputs), by group, with a firm-block bootstrap;
 * then De Loecker–Warzynski markups. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coinnet/prep.h"
#include "coinnet/prodfn.h"
#include "hdfe.h"
#include "model_int.h"

#define PF_MAXV (CN_PF_MAXIN + 1)          /* inputs and the proxy */
#define PF_MAXT (CN_PF_MAXIN * (CN_PF_MAXIN + 3) / 2) /* translog terms */
#define PF_MAXLAW 6
/* acf: criteria this close to the lowest are all roots of the exactly
 * identified moments (the criterion is in units of omega squared) */
#define PF_ROOT_TOL 1e-10
/* acf: points of the scan for the overidentified criterion's start, and
 * how many of the best are minimised */
#define PF_SCAN 512
#define PF_SCAN_KEEP 6

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

void cn_prodfn_opts_init(cn_prodfn_opts *o) {
  memset(o, 0, sizeof *o);
  o->method = CN_PF_ACF;
  o->seed = 1;
}

void cn_markup_opts_init(cn_markup_opts *o) { memset(o, 0, sizeof *o); }

void cn_prodfn_result_free(cn_prodfn_result *r) {
  if (!r) return;
  for (int g = 0; g < r->n_group; g++) {
    cn_free(r->group[g].name);
    cn_model_free(r->group[g].model);
    cn_free(r->group[g].skipped);
  }
  cn_free(r->group);
  for (int j = 0; j < r->n_input; j++) cn_free(r->input ? r->input[j] : NULL);
  cn_free(r->input);
  cn_free(r->rows), cn_free(r->grp), cn_free(r->phi), cn_free(r->eps), cn_free(r->omega), cn_free(r->theta);
  memset(r, 0, sizeof *r);
}

/* ---- the specification shared by every sample ---- */

/* A term of the production function: input a, times input b (b < 0: none). */
typedef struct pf_term {
  int a, b;
} pf_term;

typedef struct pf_spec {
  cn_prodfn_method method;
  int nf, ns, nin, nv; /* free, state, both, and the proxy when it is no input */
  int proxy;           /* its index among the variables */
  int nt;              /* production-function terms (acf: all; op, lp: the state terms) */
  pf_term t[PF_MAXT];
  int poly, law;
  bool surv; /* op: Olley–Pakes's survival probability in the law of motion */
  const double *start;
} pf_spec;

/* One sample: rows sorted by firm and time. v[j] are the inputs then the
 * proxy; lag[i] the row of the same firm one period before (−1: none);
 * fstart[0..nfirm] the firms' first rows. */
typedef struct pf_sample {
  int64_t n, nfirm;
  double *y, *v[PF_MAXV];
  int64_t *lag, *fstart;
  signed char *chi; /* the firm is in the sample the next period: 1, 0; −1 at the sample's last period */
} pf_sample;

/* The estimate from one sample. */
typedef struct pf_fit {
  double b[PF_MAXT + CN_PF_MAXIN]; /* op, lp: free then state coefficients */
  double obj;
  bool conv;
  int iter, start_used;
  int64_t n2;
} pf_fit;

/* The value of term t at row i of sample S (v the variables). */
static double term_val(const pf_term *t, double *const *v, int64_t i) {
  return t->b < 0 ? v[t->a][i] : v[t->a][i] * v[t->b][i];
}

/* ---- the second stage's criterion ---- */

typedef struct pf_gmm {
  const pf_spec *s;
  int64_t n;      /* second-stage rows */
  int p;          /* parameters */
  int q;          /* instruments (acf); 0 for op, lp */
  double *X, *XL; /* p × n: the terms at t and t − 1 */
  double *Z;      /* q × n */
  double *C;      /* q × q lower Cholesky factor of Z'Z */
  double *phi, *phil, *res; /* res: y − free (op, lp) */
  double *w, *wl, *xi, *Q;  /* work: n each, Q nlaw × n */
  const double *pl;         /* op --survival: the survival probability at t − 1 (n); NULL: none */
  int nlaw;                 /* columns of the law of motion: law + 1, or (law + 1)(law + 2)/2 with pl */
  /* acf with an AR(1) law and no survival: the criterion from moments. With
   * w = Ac, w_{t-1} = Bc, c = (1, -theta), A = [phi, X], B = [phil, XL]:
   * centred cross-products of A, B and Z (each (p + 1) columns; Z q) and
   * the means of A and B; NULL otherwise */
  double *mom;              /* Cab, Cbb ((p+1)^2 each), then Cza, Czb (q (p+1) each) */
} pf_gmm;

/* ξ: the part of ω = φ − Xθ that the polynomial of ω_{t−1} does not
 * explain (acf), or res − Xθ − that polynomial's fit of ω (op, lp, as
 * prodest's gOPLP). The polynomial's columns are powers of ω_{t−1}
 * centred and scaled, orthonormalised twice (Gram–Schmidt): the same
 * projection as raw powers, well conditioned. */
static void gmm_xi(const pf_gmm *g, const double *th) {
  int64_t n = g->n;
  int p = g->p, L = g->s->law;
  long double mu = 0, ss = 0;
  for (int64_t i = 0; i < n; i++) {
    double a = g->phi[i], b = g->phil[i];
    for (int j = 0; j < p; j++) a -= g->X[(size_t)j * n + i] * th[j], b -= g->XL[(size_t)j * n + i] * th[j];
    g->w[i] = a, g->wl[i] = b;
    mu += b;
  }
  mu /= (long double)n;
  for (int64_t i = 0; i < n; i++) ss += (g->wl[i] - mu) * (g->wl[i] - mu);
  double sd = ss > 0 ? (double)sqrtl(ss / n) : 1;
  int nq = g->nlaw;
  if (!g->pl)
    for (int c = 0; c <= L; c++) {
      double *q = g->Q + (size_t)c * n;
      for (int64_t i = 0; i < n; i++) q[i] = c == 0 ? 1 : q[i - (int64_t)n] * (g->wl[i] - (double)mu) / sd;
    }
  else { /* every monomial w^a P^b, a + b <= L, of the centred and scaled omega_{t-1} and P_{t-1} */
    long double pm = 0, ps = 0;
    for (int64_t i = 0; i < n; i++) pm += g->pl[i];
    pm /= (long double)n;
    for (int64_t i = 0; i < n; i++) ps += (g->pl[i] - pm) * (g->pl[i] - pm);
    double psd = ps > 0 ? (double)sqrtl(ps / n) : 1;
    int c = 0;
    for (int deg = 0; deg <= L; deg++)
      for (int b = 0; b <= deg; b++, c++) {
        double *q = g->Q + (size_t)c * n;
        for (int64_t i = 0; i < n; i++) {
          double x = (g->wl[i] - (double)mu) / sd, y = (g->pl[i] - (double)pm) / psd, v = 1;
          for (int e = 0; e < deg - b; e++) v *= x;
          for (int e = 0; e < b; e++) v *= y;
          q[i] = v;
        }
      }
  }
  for (int c = 0; c < nq; c++) {
    double *q = g->Q + (size_t)c * n;
    long double n0 = 0;
    for (int64_t i = 0; i < n; i++) n0 += (long double)q[i] * q[i];
    for (int pass = 0; pass < 2; pass++)
      for (int e = 0; e < c; e++) {
        const double *r = g->Q + (size_t)e * n;
        long double dt = 0;
        for (int64_t i = 0; i < n; i++) dt += (long double)r[i] * q[i];
        for (int64_t i = 0; i < n; i++) q[i] -= (double)dt * r[i];
      }
    long double nn = 0;
    for (int64_t i = 0; i < n; i++) nn += (long double)q[i] * q[i];
    double s = nn > 1e-24L * n0 ? 1 / (double)sqrtl(nn) : 0; /* a collinear column: none */
    for (int64_t i = 0; i < n; i++) q[i] *= s;
  }
  if (g->s->method == CN_PF_ACF) memcpy(g->xi, g->w, (size_t)n * sizeof *g->xi);
  else
    for (int64_t i = 0; i < n; i++) {
      double a = g->res[i];
      for (int j = 0; j < p; j++) a -= g->X[(size_t)j * n + i] * th[j];
      g->xi[i] = a;
    }
  for (int c = 0; c < nq; c++) {
    const double *q = g->Q + (size_t)c * n;
    long double dt = 0;
    for (int64_t i = 0; i < n; i++) dt += (long double)q[i] * g->w[i];
    for (int64_t i = 0; i < n; i++) g->xi[i] -= (double)dt * q[i];
  }
}

/* The residual vector whose squared norm is the criterion: C⁻¹Z'ξ/√n
 * (acf: (Z'ξ)'W(Z'ξ) with W = (Z'Z)⁻¹/n) or ξ (op, lp). Its length. */
/* Z'xi from g->mom into r (q values): xi = w - a - b w_{t-1} with b =
 * cov(w, w_{t-1}) / var(w_{t-1}), so Z'xi = Cza c - b Czb c (the centred
 * products: xi has mean zero). The same value as the sums over the rows,
 * in O(q p^2). */
static void gmm_zxi_mom(const pf_gmm *g, const double *th, double *r) {
  int p1 = g->p + 1, q = g->q;
  const double *Cab = g->mom, *Cbb = Cab + p1 * p1, *Cza = Cbb + p1 * p1, *Czb = Cza + q * p1;
  double c[PF_MAXT + 1];
  c[0] = 1;
  for (int j = 0; j < g->p; j++) c[j + 1] = -th[j];
  double cov = 0, var = 0;
  for (int a = 0; a < p1; a++)
    for (int b = 0; b < p1; b++) cov += c[a] * Cab[a * p1 + b] * c[b], var += c[a] * Cbb[a * p1 + b] * c[b];
  double beta = var > 0 ? cov / var : 0;
  for (int a = 0; a < q; a++) {
    double za = 0, zb = 0;
    for (int b = 0; b < p1; b++) za += Cza[a * p1 + b] * c[b], zb += Czb[a * p1 + b] * c[b];
    r[a] = za - beta * zb;
  }
}

static int64_t gmm_resid(const pf_gmm *g, const double *th, double *r) {
  int q = g->q;
  if (g->mom) gmm_zxi_mom(g, th, r);
  else {
    gmm_xi(g, th);
    if (q == 0) {
      memcpy(r, g->xi, (size_t)g->n * sizeof *r);
      return g->n;
    }
    for (int a = 0; a < q; a++) {
      long double m = 0;
      const double *z = g->Z + (size_t)a * g->n;
      for (int64_t i = 0; i < g->n; i++) m += (long double)z[i] * g->xi[i];
      r[a] = (double)m;
    }
  }
  for (int a = 0; a < q; a++) { /* C^-1 Z'xi, in place */
    double v = r[a];
    for (int c = 0; c < a; c++) v -= g->C[a * q + c] * r[c];
    r[a] = v / g->C[a * q + a];
  }
  for (int a = 0; a < q; a++) r[a] /= sqrt((double)g->n);
  return q;
}

static double gmm_crit(const pf_gmm *g, const double *th, double *r) {
  int64_t m = gmm_resid(g, th, r);
  long double s = 0;
  for (int64_t i = 0; i < m; i++) s += (long double)r[i] * r[i];
  return (double)s;
}

typedef struct nm_ctx {
  const pf_gmm *g;
  double *r;
} nm_ctx;

static double nm_f(const gsl_vector *x, void *par) {
  nm_ctx *c = par;
  double c0 = gmm_crit(c->g, x->data, c->r);
  return isfinite(c0) ? c0 : HUGE_VAL;
}

/* Lower Cholesky factor of the p × p matrix A (row-major) in place; false
 * when it is not positive definite. */
static bool chol(double *A, int p) {
  for (int j = 0; j < p; j++) {
    double s = A[j * p + j];
    for (int k = 0; k < j; k++) s -= A[j * p + k] * A[j * p + k];
    if (!(s > 0)) return false;
    A[j * p + j] = sqrt(s);
    for (int i = j + 1; i < p; i++) {
      double t = A[i * p + j];
      for (int k = 0; k < j; k++) t -= A[i * p + k] * A[j * p + k];
      A[i * p + j] = t / A[j * p + j];
    }
    for (int k = j + 1; k < p; k++) A[j * p + k] = 0;
  }
  return true;
}

/* The criterion's gradient (halved): J'r with J the central-difference
 * Jacobian of the residual vector (J: m × p, rp: m of work); r gets the
 * residuals at th. */
static void gmm_grad(const pf_gmm *g, double *th, double *gr, double *r, double *rp, double *J) {
  int p = g->p;
  int64_t m = g->q ? g->q : g->n;
  for (int j = 0; j < p; j++) {
    double h = 1e-6 * (1 + fabs(th[j])), keep = th[j];
    th[j] = keep + h;
    gmm_resid(g, th, rp);
    th[j] = keep - h;
    gmm_resid(g, th, J + (size_t)j * m);
    th[j] = keep;
    double *col = J + (size_t)j * m;
    for (int64_t i = 0; i < m; i++) col[i] = (rp[i] - col[i]) / (2 * h);
  }
  gmm_resid(g, th, r);
  for (int a = 0; a < p; a++) {
    long double s = 0;
    for (int64_t i = 0; i < m; i++) s += (long double)J[(size_t)a * m + i] * r[i];
    gr[a] = (double)s;
  }
}

/* Solves (LL')x = −g with L the Cholesky factor of A (p × p, overwritten);
 * false when A is not positive definite. */
static bool chol_solve(double *A, int p, const double *gr, double *x) {
  if (!chol(A, p)) return false;
  for (int a = 0; a < p; a++) {
    double v = -gr[a];
    for (int b = 0; b < a; b++) v -= A[a * p + b] * x[b];
    x[a] = v / A[a * p + a];
  }
  for (int a = p - 1; a >= 0; a--) {
    double v = x[a];
    for (int b = a + 1; b < p; b++) v -= A[b * p + a] * x[b];
    x[a] = v / A[a * p + a];
  }
  return true;
}

/* Nelder–Mead from th (GSL's nmsimplex2, steps of a tenth, at most 400
 * iterations or a simplex of size 1e-6), then Levenberg–Marquardt on the
 * residual vector with a central-difference Jacobian until the step is
 * below 1e-10 relative; th holds the result, *crit its criterion.
 * *conv is true when the polish stopped on a small step or could not
 * lower a criterion whose gradient is nil at rounding level. */
static cn_status minimise(const pf_gmm *g, double *th, double *crit, bool *conv, int *iters, cn_diag *d) {
  int p = g->p;
  int64_t m = g->q ? g->q : g->n;
  double *r = cn_malloc((size_t)m * sizeof *r + 8), *rp = cn_malloc((size_t)m * sizeof *rp + 8),
         *J = cn_malloc((size_t)m * p * sizeof *J + 8);
  gsl_multimin_fminimizer *nm = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, (size_t)p);
  gsl_vector *x = gsl_vector_alloc((size_t)p), *ss = gsl_vector_alloc((size_t)p);
  cn_status st = CN_OK;
  *conv = false;
  *iters = 0;
  *crit = HUGE_VAL;
  if (!r || !rp || !J || !nm || !x || !ss) {
    st = oom(d);
    goto done;
  }
  nm_ctx nc = {g, r};
  gsl_multimin_function fn = {nm_f, (size_t)p, &nc};
  for (int j = 0; j < p; j++) {
    gsl_vector_set(x, (size_t)j, th[j]);
    gsl_vector_set(ss, (size_t)j, 0.1 * fmax(fabs(th[j]), 0.1));
  }
  if (gsl_multimin_fminimizer_set(nm, &fn, x, ss) == GSL_SUCCESS) {
    for (int it = 0; it < 400; it++) {
      if (gsl_multimin_fminimizer_iterate(nm) != GSL_SUCCESS) break;
      if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(nm), 1e-6) == GSL_SUCCESS) break;
    }
    if (nm->fval < nm_f(x, &nc))
      for (int j = 0; j < p; j++) th[j] = gsl_vector_get(nm->x, (size_t)j);
  }
  double c0 = gmm_crit(g, th, r), lam = 1e-3;
  double H[PF_MAXT * PF_MAXT], A[PF_MAXT * PF_MAXT], gr[PF_MAXT], gp[PF_MAXT], gm[PF_MAXT], dl[PF_MAXT],
      tn[PF_MAXT];
  for (int it = 0; it < 200 && isfinite(c0); it++) {
    *iters = it + 1;
    gmm_grad(g, th, gr, r, rp, J);
    for (int j = 0; j < p; j++) { /* the Hessian: central differences of the gradient */
      double h = 1e-5 * (1 + fabs(th[j])), keep = th[j];
      th[j] = keep + h;
      gmm_grad(g, th, gp, r, rp, J);
      th[j] = keep - h;
      gmm_grad(g, th, gm, r, rp, J);
      th[j] = keep;
      for (int a = 0; a < p; a++) H[a * p + j] = (gp[a] - gm[a]) / (2 * h);
    }
    for (int a = 0; a < p; a++)
      for (int b = 0; b < a; b++) H[a * p + b] = H[b * p + a] = (H[a * p + b] + H[b * p + a]) / 2;
    /* the undamped Newton step measures how far the stationary point is */
    double gn = HUGE_VAL;
    memcpy(A, H, (size_t)p * p * sizeof *A);
    if (chol_solve(A, p, gr, dl)) {
      gn = 0;
      for (int a = 0; a < p; a++) gn = fmax(gn, fabs(dl[a]) / (1 + fabs(th[a])));
    }
    if (gn <= 1e-11 || c0 == 0) {
      *conv = true;
      break;
    }
    bool moved = false;
    for (lam = gn < HUGE_VAL ? 0 : 1e-3; lam < 1e12; lam = lam > 0 ? lam * 10 : 1e-6) {
      memcpy(A, H, (size_t)p * p * sizeof *A);
      for (int a = 0; a < p; a++) A[a * p + a] += lam * (fabs(H[a * p + a]) > 0 ? fabs(H[a * p + a]) : 1);
      if (!chol_solve(A, p, gr, dl)) continue;
      for (int a = 0; a < p; a++) tn[a] = th[a] + dl[a];
      double c1 = gmm_crit(g, tn, rp);
      if (c1 < c0) {
        memcpy(th, tn, (size_t)p * sizeof *th);
        c0 = c1;
        moved = true;
        break;
      }
    }
    if (!moved) { /* no lower criterion in double precision: at the minimum if the step is at rounding level */
      *conv = gn <= 1e-7;
      break;
    }
  }
  *crit = c0;
  if (!isfinite(c0)) *conv = false;
done:
  if (nm) gsl_multimin_fminimizer_free(nm);
  if (x) gsl_vector_free(x);
  if (ss) gsl_vector_free(ss);
  cn_free(r), cn_free(rp), cn_free(J);
  return st;
}

/* ---- one sample: first stage, second stage ---- */

/* The monomials of degree 1..G of the variables idx[0..nidx): each as
 * up to G variable indices (−1 padded), in order of degree. */
static int monomials(const int *idx, int nidx, int G, int (*mono)[5], int cap) {
  int nm = 0;
  for (int deg = 1; deg <= G; deg++) {
    int c[5] = {0, 0, 0, 0, 0};
    for (;;) {
      if (nm < cap)
        for (int e = 0; e < 5; e++) mono[nm][e] = e < deg ? idx[c[e]] : -1;
      nm++;
      int e = deg - 1;
      while (e >= 0 && c[e] == nidx - 1) e--;
      if (e < 0) break;
      c[e]++;
      for (int f = e + 1; f < deg; f++) c[f] = c[e];
    }
  }
  return nm;
}

/* Whether term t involves a free input (shared by Wooldridge's two
 * equations) rather than state inputs only. */
static bool term_free(const pf_spec *s, const pf_term *t) { return t->a < s->nf || (t->b >= 0 && t->b < s->nf); }

/* The squared norm of the projection of e (n) on the columns q factored,
 * using work (n). */
static cn_status proj_norm2(const cn__qr *q, const double *e, double *b, double *work, int64_t n, long double *out,
                            cn_diag *d) {
  cn_status st = cn__qr_coef(q, NULL, e, b, work, d);
  if (st != CN_OK) return st;
  long double s = 0;
  for (int64_t i = 0; i < n; i++) s += (long double)(e[i] - work[i]) * (e[i] - work[i]);
  *out = s;
  return CN_OK;
}

/* Wooldridge's (2009) system on the rows with the previous period, as
 * prodest's gWRDG without its duplicated columns: eq1 y = a0 + F'b + C'l
 * + e with instruments Z1 = (1, F, C); eq2 y = e0 + F'b + S'g + CL'r + u
 * with Z2 = (1, FL, S, CL); F the terms with a free input, S those of
 * state inputs only, C the monomials of degree 1..G of the state inputs
 * and the proxy, CL the same lagged, FL the free terms with their free
 * inputs lagged. The criterion M'WM, M = (Z1'e; Z2'u), W =
 * diag((Z1'Z1)⁻¹, (Z2'Z2)⁻¹) — prodest's first-step weight, which its
 * second step (W* = W/σ², σ² the pooled residual variance) only rescales —
 * is quadratic in the parameters: its minimum is the least squares of
 * (y; P2 y) on (X1; P2 X2), P2 the projection on Z2 (X1 lies in Z1's span).
 * f gets b (the terms in s's order) and the criterion over n; phi, eps
 * (S->n, NULL: not wanted) the first equation's fit a0 + F'b + C'l and
 * y minus it on every row. */
static cn_status wrdg_fit(const pf_spec *s, const pf_sample *S, pf_fit *f, double *phi_out, double *eps_out,
                          cn_diag *d) {
  cn_status st = CN_OK;
  int idx[PF_MAXV] = {0}, nidx = 0;
  for (int j = s->nf; j < s->nin; j++) idx[nidx++] = j;
  if (s->proxy >= s->nin) idx[nidx++] = s->proxy;
  enum { WMONO_CAP = 400 };
  int(*mono)[5] = cn_malloc(sizeof(int[5]) * WMONO_CAP);
  double *buf = NULL, *stk = NULL, *work = NULL, *cb = NULL, **c1 = NULL, **c2 = NULL, **cs = NULL;
  bool *keep = NULL;
  cn__qr q1, q2, qs;
  memset(&q1, 0, sizeof q1), memset(&q2, 0, sizeof q2), memset(&qs, 0, sizeof qs);
  if (!mono) return oom(d);
  int nc = monomials(idx, nidx, s->poly, mono, WMONO_CAP);
  int fi[PF_MAXT], si[PF_MAXT], nF = 0, nS = 0;
  for (int j = 0; j < s->nt; j++) {
    if (term_free(s, &s->t[j])) fi[nF++] = j;
    else si[nS++] = j;
  }
  int k1 = 1 + nF + nc, k2 = 1 + nF + nS + nc, P = k1 + 1 + nS + nc;
  int64_t n = 0;
  for (int64_t i = 0; i < S->n; i++) n += S->lag[i] >= 0;
  f->n2 = n;
  if (nc > WMONO_CAP - 1) {
    st = cn_diag_set(d, CN_EUSAGE, "the proxy polynomial has %d terms; at most %d are supported", nc, WMONO_CAP - 1);
    goto done;
  }
  if (n <= k2 || n <= k1) {
    st = cn_diag_set(d, CN_EANALYSIS, "%lld observations with the previous period for instruments of %d and %d columns",
                     (long long)n, k1, k2);
    goto done;
  }
  size_t nn = (size_t)n;
  /* columns: y, Z1 (k1), Z2 (k2), then the stacked design (P × 2n) and ys (2n) */
  buf = cn_malloc((size_t)(1 + k1 + k2) * nn * sizeof *buf);
  stk = cn_malloc((size_t)(P + 1) * 2 * nn * sizeof *stk);
  work = cn_malloc(2 * nn * sizeof *work);
  cb = cn_malloc((size_t)(P + k1 + k2 + 1) * sizeof *cb);
  c1 = cn_malloc((size_t)k1 * sizeof *c1), c2 = cn_malloc((size_t)k2 * sizeof *c2), cs = cn_malloc((size_t)P * sizeof *cs);
  keep = cn_malloc((size_t)(P + k1 + k2) * sizeof *keep);
  if (!buf || !stk || !work || !cb || !c1 || !c2 || !cs || !keep) goto oom;
  double *y = buf;
  for (int c = 0; c < k1; c++) c1[c] = buf + (size_t)(1 + c) * nn;
  for (int c = 0; c < k2; c++) c2[c] = buf + (size_t)(1 + k1 + c) * nn;
  int64_t r = 0;
  for (int64_t i = 0; i < S->n; i++) {
    int64_t l = S->lag[i];
    if (l < 0) continue;
    y[r] = S->y[i];
    c1[0][r] = c2[0][r] = 1;
    for (int a = 0; a < nF; a++) {
      const pf_term *t = &s->t[fi[a]];
      c1[1 + a][r] = term_val(t, S->v, i);
      double za = S->v[t->a][t->a < s->nf ? l : i], zb = t->b < 0 ? 1 : S->v[t->b][t->b < s->nf ? l : i];
      c2[1 + a][r] = za * zb;
    }
    for (int a = 0; a < nS; a++) c2[1 + nF + a][r] = term_val(&s->t[si[a]], S->v, i);
    for (int c = 0; c < nc; c++) {
      double v = 1, vl = 1;
      for (int u = 0; u < 5 && mono[c][u] >= 0; u++) v *= S->v[mono[c][u]][i], vl *= S->v[mono[c][u]][l];
      c1[1 + nF + c][r] = v;
      c2[1 + nF + nS + c][r] = vl;
    }
    r++;
  }
  if ((st = cn__qr_factor(&q1, c1, NULL, k1, NULL, n, 1e-9, keep, d)) != CN_OK ||
      (st = cn__qr_factor(&q2, c2, NULL, k2, NULL, n, 1e-9, keep + k1, d)) != CN_OK)
    goto done;
  /* the stacked least squares: parameters a0, b (nF), l (nc), e0, g (nS), r (nc) */
  for (int c = 0; c <= P; c++) {
    double *col = stk + (size_t)c * 2 * nn;
    memset(col, 0, 2 * nn * sizeof *col);
    if (c < P) cs[c] = col;
  }
  double *ys = stk + (size_t)P * 2 * nn;
  for (int c = 0; c < k1; c++) memcpy(cs[c], c1[c], nn * sizeof(double));
  memcpy(ys, y, nn * sizeof *ys);
  if ((st = cn__qr_coef(&q2, NULL, y, cb, work, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < n; i++) ys[nn + (size_t)i] = y[i] - work[i];
  for (int a = 0; a < nF; a++) { /* P2 F */
    if ((st = cn__qr_coef(&q2, NULL, c1[1 + a], cb, work, d)) != CN_OK) goto done;
    for (int64_t i = 0; i < n; i++) cs[1 + a][nn + (size_t)i] = c1[1 + a][i] - work[i];
  }
  for (int64_t i = 0; i < n; i++) cs[k1][nn + (size_t)i] = 1;
  for (int a = 0; a < nS; a++) memcpy(cs[k1 + 1 + a] + nn, c2[1 + nF + a], nn * sizeof(double));
  for (int c = 0; c < nc; c++) memcpy(cs[k1 + 1 + nS + c] + nn, c2[1 + nF + nS + c], nn * sizeof(double));
  bool *ks = keep + k1 + k2;
  if ((st = cn__qr_factor(&qs, cs, NULL, P, NULL, 2 * n, 1e-9, ks, d)) != CN_OK) goto done;
  for (int a = 0; a < nF; a++)
    if (!ks[1 + a]) {
      st = cn_diag_set(d, CN_EANALYSIS, "wrdg cannot separate free term %d from the proxy polynomial (collinear)", a + 1);
      goto done;
    }
  for (int a = 0; a < nS; a++)
    if (!ks[k1 + 1 + a]) {
      st = cn_diag_set(d, CN_EANALYSIS, "wrdg cannot separate state term %d from the lagged polynomial (collinear)", a + 1);
      goto done;
    }
  double th[PF_MAXT + 2 * WMONO_CAP + 2];
  if ((st = cn__qr_coef(&qs, NULL, ys, cb, NULL, d)) != CN_OK) goto done;
  for (int c = 0; c < P; c++) th[c] = 0;
  for (int a = 0; a < qs.k; a++) th[qs.map[a]] = cb[a];
  for (int a = 0; a < nF; a++) f->b[fi[a]] = th[1 + a];
  for (int a = 0; a < nS; a++) f->b[si[a]] = th[k1 + 1 + a];
  /* the criterion: |P1 e1|² + |P2 e2|², over n */
  double *e1 = work + nn, *e2 = stk; /* the design is no longer needed */
  for (int64_t i = 0; i < n; i++) {
    double a = y[i], b = y[i] - th[k1];
    for (int c = 0; c < k1; c++) a -= th[c] * c1[c][i];
    for (int a2 = 0; a2 < nF; a2++) b -= th[1 + a2] * c1[1 + a2][i];
    for (int c = 1 + nF; c < k2; c++) b -= th[k1 + 1 + (c - 1 - nF)] * c2[c][i];
    e1[i] = a, e2[i] = b;
  }
  long double m1, m2;
  if ((st = proj_norm2(&q1, e1, cb, work, n, &m1, d)) != CN_OK || (st = proj_norm2(&q2, e2, cb, work, n, &m2, d)) != CN_OK)
    goto done;
  f->obj = (double)((m1 + m2) / (long double)n);
  f->conv = true, f->iter = 0, f->start_used = 3;
  if (phi_out || eps_out)
    for (int64_t i = 0; i < S->n; i++) {
      double v = th[0];
      for (int a = 0; a < nF; a++) v += th[1 + a] * term_val(&s->t[fi[a]], S->v, i);
      for (int c = 0; c < nc; c++) {
        double m = 1;
        for (int u = 0; u < 5 && mono[c][u] >= 0; u++) m *= S->v[mono[c][u]][i];
        v += th[1 + nF + c] * m;
      }
      if (phi_out) phi_out[i] = v;
      if (eps_out) eps_out[i] = S->y[i] - v;
    }
  goto done;
oom:
  st = oom(d);
done:
  cn__qr_free(&q1), cn__qr_free(&q2), cn__qr_free(&qs);
  cn_free(mono), cn_free(buf), cn_free(stk), cn_free(work), cn_free(cb), cn_free(c1), cn_free(c2), cn_free(cs);
  cn_free(keep);
  return st;
}

/* Olley–Pakes's survival probability: a probit of chi (S->chi, the rows
 * with chi >= 0) on a constant and the monomials mono[0..nm) (of the state
 * inputs and the proxy, the first stage's), by Fisher scoring (iteratively
 * reweighted least squares, at most 100 steps, until the largest change
 * is below 1e-12 relative); P (S->n) gets Phi(x'b) on every row. */
static cn_status surv_probit(const pf_sample *S, int (*mono)[5], int nm, double *P, cn_diag *d) {
  cn_status st = CN_OK;
  int64_t n = 0, n1 = 0;
  for (int64_t i = 0; i < S->n; i++) n += S->chi[i] >= 0, n1 += S->chi[i] == 1;
  int k = 1 + nm;
  size_t nn = (size_t)n;
  double *buf = NULL, **x = NULL, *w = NULL, *z = NULL, *eta = NULL, *b = NULL, *bf = NULL, *bo = NULL;
  bool *keep = NULL;
  cn__qr q;
  memset(&q, 0, sizeof q);
  if (n1 == n || n1 == 0)
    return cn_diag_set(d, CN_EANALYSIS, "%s: the survival probit cannot be estimated",
                       n1 == n ? "no firm leaves the sample before its last period" : "no firm stays in the sample");
  if (n <= k)
    return cn_diag_set(d, CN_EANALYSIS, "%lld observations for a survival probit of %d terms", (long long)n, k);
  buf = cn_malloc((size_t)k * nn * sizeof *buf);
  x = cn_malloc((size_t)k * sizeof *x);
  w = cn_malloc(nn * sizeof *w), z = cn_malloc(nn * sizeof *z), eta = cn_malloc(nn * sizeof *eta);
  b = cn_malloc((size_t)k * sizeof *b), bf = cn_calloc((size_t)k, sizeof *bf), bo = cn_malloc((size_t)k * sizeof *bo);
  keep = cn_malloc((size_t)k * sizeof *keep);
  if (!buf || !x || !w || !z || !eta || !b || !bf || !bo || !keep) goto oom;
  int64_t r = 0;
  for (int c = 0; c < k; c++) x[c] = buf + (size_t)c * nn;
  for (int64_t i = 0; i < S->n; i++) {
    if (S->chi[i] < 0) continue;
    x[0][r] = 1;
    for (int c = 0; c < nm; c++) {
      double v = 1;
      for (int u = 0; u < 5 && mono[c][u] >= 0; u++) v *= S->v[mono[c][u]][i];
      x[1 + c][r] = v;
    }
    r++;
  }
  /* start: eta = Phi^-1 of the mean */
  double start = gsl_cdf_ugaussian_Pinv((double)n1 / (double)n);
  for (int64_t i = 0; i < n; i++) eta[i] = start;
  bool done_ = false;
  for (int it = 0; it < 100 && !done_; it++) {
    int64_t a = 0;
    for (int64_t i = 0; i < S->n; i++) {
      if (S->chi[i] < 0) continue;
      double e = eta[a], F = gsl_cdf_ugaussian_P(e), Fc = gsl_cdf_ugaussian_Q(e), f = exp(-0.5 * e * e) * 0.39894228040143268;
      if (F < 1e-300) F = 1e-300;
      if (Fc < 1e-300) Fc = 1e-300;
      if (f < 1e-300) f = 1e-300;
      w[a] = f * f / (F * Fc);
      z[a] = e + ((double)S->chi[i] - F) / f;
      a++;
    }
    cn__qr_free(&q);
    if ((st = cn__qr_factor(&q, x, NULL, k, w, n, 1e-9, keep, d)) != CN_OK) goto done;
    if ((st = cn__qr_coef(&q, NULL, z, b, NULL, d)) != CN_OK) goto done;
    memcpy(bo, bf, (size_t)k * sizeof *bo);
    for (int c = 0; c < k; c++) bf[c] = 0;
    for (int c = 0; c < q.k; c++) bf[q.map[c]] = b[c];
    double ch = 0;
    for (int c = 0; c < k; c++) ch = fmax(ch, fabs(bf[c] - bo[c]) / (1 + fabs(bf[c])));
    for (int64_t i = 0; i < n; i++) {
      long double e = 0;
      for (int c = 0; c < k; c++) e += (long double)bf[c] * x[c][i];
      eta[i] = (double)e;
    }
    done_ = it > 0 && ch < 1e-12;
  }
  if (!done_) {
    st = cn_diag_set(d, CN_EANALYSIS, "the survival probit did not converge in 100 steps (a perfect prediction?)");
    goto done;
  }
  for (int64_t i = 0; i < S->n; i++) {
    long double e = bf[0];
    for (int c = 0; c < nm; c++) {
      double v = 1;
      for (int u = 0; u < 5 && mono[c][u] >= 0; u++) v *= S->v[mono[c][u]][i];
      e += (long double)bf[1 + c] * v;
    }
    P[i] = gsl_cdf_ugaussian_P((double)e);
  }
  goto done;
oom:
  st = oom(d);
done:
  cn__qr_free(&q);
  cn_free(buf), cn_free(x), cn_free(w), cn_free(z), cn_free(eta), cn_free(b), cn_free(bf), cn_free(bo), cn_free(keep);
  return st;
}

/* Fits one sample. phi, eps (S->n each, NULL: not wanted) get the first
 * stage's fit and residual. start0 (NULL: none) is tried first and alone
 * when only_start. */
/* Σ (x_i − mx)(y_i − my) over n rows, accumulated in long double. */
static double cp_centred(const double *x, double mx, const double *y, double my, int64_t n) {
  long double t = 0;
  for (int64_t i = 0; i < n; i++) t += (long double)(x[i] - mx) * (y[i] - my);
  return (double)t;
}

/* Frees what gmm_fill allocated in g. */
static void gmm_free(pf_gmm *g) {
  cn_free(g->X), cn_free(g->XL), cn_free(g->Z), cn_free(g->C), cn_free(g->phi), cn_free(g->phil), cn_free(g->res);
  cn_free(g->w), cn_free(g->wl), cn_free(g->xi), cn_free(g->Q), cn_free((double *)g->pl), cn_free(g->mom);
  memset(g, 0, sizeof *g);
}

/* Fills g (zeroed or freed by the caller, freed by gmm_free either way)
 * with the second stage of sample S: the rows with the previous period
 * (depth 1), or with the two before (depth 2), the first stage's phi and
 * free-input coefficients full[1..nfl], prob the survival probability (op
 * --survival; NULL: none). acf's instruments are every term with its free
 * inputs lagged once and its state inputs current; depth 2 adds the same
 * terms one period earlier. CN_EANALYSIS when the rows are too few or the
 * instruments collinear. */
static cn_status gmm_fill(pf_gmm *g, const pf_spec *s, const pf_sample *S, const double *full, int nfl,
                          const double *phi, const double *prob, int depth, cn_diag *d) {
  int64_t n = S->n, n2 = 0;
  for (int64_t i = 0; i < n; i++) n2 += S->lag[i] >= 0 && (depth < 2 || S->lag[S->lag[i]] >= 0);
  int p = s->nt, nz = s->method == CN_PF_ACF ? s->nt * depth : 0;
  int nlaw = s->surv ? (s->law + 1) * (s->law + 2) / 2 : s->law + 1;
  if (n2 <= p + nlaw + (nz > p ? nz - p : 0))
    return cn_diag_set(d, CN_EANALYSIS, "%lld observations with the previous period for %d coefficients",
                       (long long)n2, p);
  size_t n2s = (size_t)n2;
  g->s = s, g->n = n2, g->p = p, g->q = nz, g->nlaw = nlaw;
  g->X = cn_malloc((size_t)p * n2s * sizeof *g->X + 8);
  g->XL = cn_malloc((size_t)p * n2s * sizeof *g->XL + 8);
  g->Z = cn_malloc((size_t)(nz ? nz : 1) * n2s * sizeof *g->Z);
  g->C = cn_malloc((size_t)(nz ? nz * nz : 1) * sizeof *g->C);
  g->phi = cn_malloc(n2s * sizeof *g->phi), g->phil = cn_malloc(n2s * sizeof *g->phil);
  g->res = cn_malloc(n2s * sizeof *g->res), g->w = cn_malloc(n2s * sizeof *g->w);
  g->wl = cn_malloc(n2s * sizeof *g->wl), g->xi = cn_malloc(n2s * sizeof *g->xi);
  g->Q = cn_malloc((size_t)nlaw * n2s * sizeof *g->Q);
  double *pl = s->surv ? cn_malloc(n2s * sizeof *pl) : NULL;
  g->pl = pl;
  if (!g->X || !g->XL || !g->Z || !g->C || !g->phi || !g->phil || !g->res || !g->w || !g->wl || !g->xi || !g->Q ||
      (s->surv && !pl))
    return oom(d);
  int64_t r = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t l = S->lag[i];
    if (l < 0 || (depth > 1 && S->lag[l] < 0)) continue;
    int64_t l2 = depth > 1 ? S->lag[l] : -1;
    double fl = 0, fll = 0; /* op, lp: the free inputs' part */
    for (int j = 0; j < nfl; j++) fl += full[1 + j] * S->v[j][i], fll += full[1 + j] * S->v[j][l];
    g->phi[r] = phi[i] - fl, g->phil[r] = phi[l] - fll, g->res[r] = S->y[i] - fl;
    if (pl) pl[r] = prob[l];
    for (int j = 0; j < p; j++) {
      g->X[(size_t)j * n2s + r] = term_val(&s->t[j], S->v, i);
      g->XL[(size_t)j * n2s + r] = term_val(&s->t[j], S->v, l);
      for (int u = 0; u * p < nz; u++) { /* the instrument: the term, free inputs lagged, u periods earlier */
        int64_t now = u ? l : i, before = u ? l2 : l;
        int a = s->t[j].a, bb = s->t[j].b;
        double za = S->v[a][a < s->nf ? before : now], zb = bb < 0 ? 1 : S->v[bb][bb < s->nf ? before : now];
        g->Z[(size_t)(u * p + j) * n2s + r] = za * zb;
      }
    }
    r++;
  }
  for (int a = 0; a < nz; a++)
    for (int c = 0; c <= a; c++) {
      long double t = 0;
      for (int64_t i = 0; i < n2; i++) t += (long double)g->Z[(size_t)a * n2s + i] * g->Z[(size_t)c * n2s + i];
      g->C[a * nz + c] = g->C[c * nz + a] = (double)t;
    }
  if (nz && !chol(g->C, nz)) return cn_diag_set(d, CN_EANALYSIS, "the instruments are collinear (Z'Z is singular)");
  if (s->method == CN_PF_ACF && s->law == 1 && !s->surv) { /* the moments of gmm_zxi_mom */
    int p1 = p + 1;
    if (!(g->mom = cn_malloc((size_t)(2 * p1 * p1 + 2 * nz * p1) * sizeof *g->mom))) return oom(d);
    double *Cab = g->mom, *Cbb = Cab + p1 * p1, *Cza = Cbb + p1 * p1, *Czb = Cza + nz * p1;
    /* the columns: 0..p A (phi, X), p1.. B (phil, XL), 2 p1.. Z */
    int nc = 2 * p1 + nz;
    const double *col[2 * (PF_MAXT + 1) + 2 * PF_MAXT];
    double mean[2 * (PF_MAXT + 1) + 2 * PF_MAXT];
    col[0] = g->phi, col[p1] = g->phil;
    for (int j = 0; j < p; j++) col[1 + j] = g->X + (size_t)j * n2s, col[p1 + 1 + j] = g->XL + (size_t)j * n2s;
    for (int a = 0; a < nz; a++) col[2 * p1 + a] = g->Z + (size_t)a * n2s;
    for (int a = 0; a < nc; a++) {
      long double t = 0;
      for (int64_t i = 0; i < n2; i++) t += col[a][i];
      mean[a] = (double)(t / n2);
    }
    /* centred cross-product of columns a and b */
#define CP(a, b) cp_centred(col[a], mean[a], col[b], mean[b], n2)
    for (int a = 0; a < p1; a++)
      for (int b = 0; b < p1; b++) {
        Cab[a * p1 + b] = CP(a, p1 + b);
        Cbb[a * p1 + b] = b < a ? Cbb[b * p1 + a] : CP(p1 + a, p1 + b);
      }
    for (int a = 0; a < nz; a++)
      for (int b = 0; b < p1; b++) Cza[a * p1 + b] = CP(2 * p1 + a, b), Czb[a * p1 + b] = CP(2 * p1 + a, p1 + b);
#undef CP
  }
  return CN_OK;
}

static cn_status pf_estimate(const pf_spec *s, const pf_sample *S, const double *start0, bool only_start,
                             pf_fit *f, double *phi_out, double *eps_out, cn_diag *d) {
  int64_t n = S->n;
  size_t nn = (size_t)n;
  cn_status st = CN_OK;
  int idx[PF_MAXV] = {0}, nidx = 0;
  if (s->method == CN_PF_WRDG) return wrdg_fit(s, S, f, phi_out, eps_out, d);
  bool lp = s->method != CN_PF_ACF;
  if (lp) {
    for (int j = s->nf; j < s->nin; j++) idx[nidx++] = j;
    if (s->proxy >= s->nin || s->proxy < s->nf) idx[nidx++] = s->proxy;
  } else
    for (int j = 0; j < s->nv; j++) idx[nidx++] = j;
  enum { MONO_CAP = 1300 };
  int (*mono)[5] = cn_malloc(sizeof(int[5]) * MONO_CAP);
  double **cols = NULL, *buf = NULL, *b = NULL, *e = NULL, *phi = NULL, *prob = NULL;
  bool *keep = NULL;
  cn__qr q;
  memset(&q, 0, sizeof q);
  pf_gmm g, g2;
  memset(&g, 0, sizeof g), memset(&g2, 0, sizeof g2);
  if (!mono) return oom(d);
  int nmono = monomials(idx, nidx, s->poly, mono, MONO_CAP);
  int nfl = lp ? s->nf : 0, ncol = 1 + nfl + nmono;
  if (ncol > MONO_CAP) {
    st = cn_diag_set(d, CN_EUSAGE, "the first-stage polynomial has %d terms; at most %d are supported", ncol,
                     MONO_CAP);
    goto done;
  }
  if (n <= ncol) {
    st = cn_diag_set(d, CN_EANALYSIS, "%lld observations for a first stage of %d terms", (long long)n, ncol);
    goto done;
  }
  cols = cn_malloc((size_t)ncol * sizeof *cols);
  buf = cn_malloc((size_t)ncol * nn * sizeof *buf);
  b = cn_malloc((size_t)ncol * sizeof *b);
  keep = cn_malloc((size_t)ncol * sizeof *keep);
  e = cn_malloc(nn * sizeof *e);
  phi = cn_malloc(nn * sizeof *phi);
  if (!cols || !buf || !b || !keep || !e || !phi) goto oom;
  for (int c = 0; c < ncol; c++) {
    cols[c] = buf + (size_t)c * nn;
    for (int64_t i = 0; i < n; i++) {
      double v = 1;
      if (c >= 1 && c <= nfl) v = S->v[c - 1][i];
      else if (c > nfl)
        for (int u = 0; u < 5 && mono[c - 1 - nfl][u] >= 0; u++) v *= S->v[mono[c - 1 - nfl][u]][i];
      cols[c][i] = v;
    }
  }
  if ((st = cn__qr_factor(&q, cols, NULL, ncol, NULL, n, 1e-9, keep, d)) != CN_OK) goto done;
  if ((st = cn__qr_coef(&q, NULL, S->y, b, e, d)) != CN_OK) goto done;
  double full[MONO_CAP];
  for (int c = 0; c < ncol; c++) full[c] = 0;
  for (int a = 0; a < q.k; a++) full[q.map[a]] = b[a];
  for (int c = 1; c <= nfl; c++)
    if (!keep[c]) {
      st = cn_diag_set(d, CN_EANALYSIS, "the first stage cannot separate free input %d from the polynomial (collinear)", c);
      goto done;
    }
  for (int64_t i = 0; i < n; i++) phi[i] = S->y[i] - e[i];
  if (phi_out) memcpy(phi_out, phi, nn * sizeof *phi);
  if (eps_out) memcpy(eps_out, e, nn * sizeof *e);
  /* starting values: the first stage's coefficients of the terms */
  double st0[PF_MAXT];
  for (int j = 0; j < s->nt; j++) {
    st0[j] = 0;
    int want[2] = {s->t[j].a, s->t[j].b};
    if (want[1] >= 0 && want[1] < want[0]) want[0] = s->t[j].b, want[1] = s->t[j].a;
    for (int c = 0; c < nmono; c++) {
      int deg = 0;
      while (deg < 5 && mono[c][deg] >= 0) deg++;
      if ((want[1] < 0 && deg == 1 && mono[c][0] == want[0]) ||
          (want[1] >= 0 && deg == 2 && mono[c][0] == want[0] && mono[c][1] == want[1])) {
        st0[j] = full[1 + nfl + c];
        break;
      }
    }
  }
  /* op --survival: the probability of staying, from the same polynomial */
  if (s->surv) {
    if (!(prob = cn_malloc(nn * sizeof *prob))) goto oom;
    if ((st = surv_probit(S, mono, nmono, prob, d)) != CN_OK) goto done;
  }
  /* the second stage */
  if ((st = gmm_fill(&g, s, S, full, nfl, phi, prob, 1, d)) != CN_OK) goto done;
  int p = s->nt;
  int64_t n2 = g.n;
  f->n2 = n2;
  /* acf: the same moments one period earlier as well (on the rows with two
   * lags), to tell the exactly identified criterion's roots apart */
  bool over = s->method == CN_PF_ACF && !only_start;
  if (over) {
    cn_diag d2;
    memset(&d2, 0, sizeof d2);
    cn_status s2 = gmm_fill(&g2, s, S, full, nfl, phi, prob, 2, &d2);
    if (s2 == CN_EINTERNAL) {
      cn_diag_set(d, s2, "%s", d2.message);
      st = s2;
      goto done;
    }
    over = s2 == CN_OK;
  }
  /* the starts: given, the first stage, OLS of the (cleaned) output on the terms */
  size_t n2s = (size_t)n2;
  double starts[4 + PF_SCAN_KEEP][PF_MAXT];
  int nstart = 0, kind[4 + PF_SCAN_KEEP];
  if (start0) memcpy(starts[nstart], start0, (size_t)p * sizeof(double)), kind[nstart++] = 2;
  if (!only_start) {
    memcpy(starts[nstart], st0, (size_t)p * sizeof(double)), kind[nstart++] = 0;
    /* OLS of res (acf: y) on a constant and the terms, on the second-stage rows */
    double *oc[PF_MAXT + 1];
    double *one = g.w; /* a column of ones in the work array */
    for (int64_t i = 0; i < n2; i++) one[i] = 1;
    oc[0] = one;
    for (int j = 0; j < p; j++) oc[j + 1] = g.X + (size_t)j * n2s;
    cn__qr oq;
    bool ok[PF_MAXT + 1];
    double ob[PF_MAXT + 1];
    if (cn__qr_factor(&oq, oc, NULL, p + 1, NULL, n2, 1e-9, ok, d) == CN_OK && oq.k == p + 1 &&
        cn__qr_coef(&oq, NULL, g.res, ob, NULL, d) == CN_OK) {
      memcpy(starts[nstart], ob + 1, (size_t)p * sizeof(double));
      kind[nstart++] = 1;
    }
    cn__qr_free(&oq);
  }
  /* acf: the overidentified criterion's minimum from those starts is one
   * more start; so are the PF_SCAN_KEEP best of PF_SCAN points drawn
   * uniformly (a fixed stream) in the box that spans the starts, widened
   * by 0.5 on each side, by the exactly identified criterion, each at
   * least a tenth of the box from those kept before it: the roots can lie
   * where no start leads */
  if (over) {
    double best = HUGE_VAL, th[PF_MAXT], c, rr2[2 * PF_MAXT];
    bool cv;
    int its, n0 = nstart;
    for (int k = 0; k < n0; k++) {
      memcpy(th, starts[k], (size_t)p * sizeof *th);
      if ((st = minimise(&g2, th, &c, &cv, &its, d)) != CN_OK) goto done;
      if (c < best) best = c, memcpy(starts[nstart], th, (size_t)p * sizeof *th);
    }
    if (isfinite(best)) kind[nstart++] = 4;
    double lo[PF_MAXT], hi[PF_MAXT], *pt = cn_malloc((size_t)PF_SCAN * (size_t)(p + 1) * sizeof *pt);
    if (!pt) goto oom;
    for (int j = 0; j < p; j++) {
      lo[j] = HUGE_VAL, hi[j] = -HUGE_VAL;
      for (int k = 0; k < n0; k++) lo[j] = fmin(lo[j], starts[k][j]), hi[j] = fmax(hi[j], starts[k][j]);
      lo[j] -= 0.5, hi[j] += 0.5;
    }
    cn_rng rng;
    cn_rng_seed(&rng, 0x70726f64666eULL, 1);
    for (int u = 0; u < PF_SCAN; u++) {
      double *x = pt + (size_t)u * (size_t)(p + 1);
      for (int j = 0; j < p; j++) x[j + 1] = lo[j] + (hi[j] - lo[j]) * cn_rng_uniform(&rng);
      x[0] = gmm_crit(&g, x + 1, rr2);
      if (!isfinite(x[0])) x[0] = HUGE_VAL;
    }
    for (int kept = 0; kept < PF_SCAN_KEEP; kept++) { /* the best point far from those kept */
      int bu = -1;
      for (int u = 0; u < PF_SCAN; u++) {
        const double *x = pt + (size_t)u * (size_t)(p + 1);
        if (!(x[0] < HUGE_VAL) || (bu >= 0 && x[0] >= pt[(size_t)bu * (size_t)(p + 1)])) continue;
        bool far = true;
        for (int k = nstart - kept; k < nstart && far; k++) {
          double dmax = 0;
          for (int j = 0; j < p; j++) dmax = fmax(dmax, fabs(x[j + 1] - starts[k][j]) / (hi[j] - lo[j]));
          far = dmax > 0.1;
        }
        if (far) bu = u;
      }
      if (bu < 0) break;
      memcpy(starts[nstart], pt + (size_t)bu * (size_t)(p + 1) + 1, (size_t)p * sizeof *th);
      kind[nstart++] = 5;
    }
    cn_free(pt);
  }
  /* the lowest criterion wins; for acf, of the roots (criterion within
   * PF_ROOT_TOL of the lowest) the one where the earlier moments are
   * closest to zero */
  double cand[4 + PF_SCAN_KEEP][PF_MAXT], cc[4 + PF_SCAN_KEEP], cj[4 + PF_SCAN_KEEP], rr[2 * PF_MAXT];
  bool ccv[4 + PF_SCAN_KEEP];
  int cits[4 + PF_SCAN_KEEP];
  for (int k = 0; k < nstart; k++) {
    memcpy(cand[k], starts[k], (size_t)p * sizeof *cand[k]);
    if ((st = minimise(&g, cand[k], &cc[k], &ccv[k], &cits[k], d)) != CN_OK) goto done;
    cj[k] = over && isfinite(cc[k]) ? gmm_crit(&g2, cand[k], rr) : 0;
  }
  f->obj = HUGE_VAL;
  f->conv = false;
  double cmin = HUGE_VAL;
  for (int k = 0; k < nstart; k++) cmin = fmin(cmin, cc[k]);
  int pick = -1;
  for (int k = 0; k < nstart; k++) {
    if (!isfinite(cc[k])) continue;
    bool better = pick < 0;
    if (!better && over && cc[k] <= cmin + PF_ROOT_TOL && cc[pick] <= cmin + PF_ROOT_TOL) better = cj[k] < cj[pick];
    else if (!better) better = cc[k] < cc[pick];
    if (better) pick = k;
  }
  if (pick >= 0) {
    f->obj = cc[pick], f->conv = ccv[pick], f->iter = cits[pick], f->start_used = kind[pick];
    if (lp) {
      for (int j = 0; j < s->nf; j++) f->b[j] = full[1 + j];
      memcpy(f->b + s->nf, cand[pick], (size_t)p * sizeof(double));
    } else
      memcpy(f->b, cand[pick], (size_t)p * sizeof(double));
  }
  if (!isfinite(f->obj)) {
    st = cn_diag_set(d, CN_EANALYSIS, "the second-stage criterion is not finite at any start");
    goto done;
  }
  goto done;
oom:
  st = oom(d);
done:
  cn__qr_free(&q);
  cn_free(mono), cn_free(cols), cn_free(buf), cn_free(b), cn_free(keep), cn_free(e), cn_free(phi);
  gmm_free(&g), gmm_free(&g2), cn_free(prob);
  return st;
}

/* ---- the table: groups, samples, the bootstrap ---- */

typedef struct pf_row {
  int grp;
  double firm, time;
  int64_t row;
} pf_row;

static int cmp_row(const void *a, const void *b) {
  const pf_row *x = a, *y = b;
  if (x->grp != y->grp) return x->grp < y->grp ? -1 : 1;
  if (x->firm != y->firm) return x->firm < y->firm ? -1 : 1;
  if (x->time != y->time) return x->time < y->time ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

typedef struct grp_name {
  char *text;
  double num;
} grp_name;

static int cmp_name_num(const void *a, const void *b) {
  const grp_name *x = a, *y = b;
  return (x->num > y->num) - (x->num < y->num);
}

static int cmp_name_text(const void *a, const void *b) {
  return strcmp(((const grp_name *)a)->text, ((const grp_name *)b)->text);
}

/* Draws a firm-block bootstrap sample of S into B (buffers of B sized by
 * the caller for cap rows): nfirm firms with replacement, each a new firm. */
static int64_t boot_draw(const pf_spec *s, const pf_sample *S, cn_rng *rng, pf_sample *B, int64_t cap) {
  int64_t at = 0;
  B->nfirm = 0;
  for (int64_t f = 0; f < S->nfirm; f++) {
    int64_t k = (int64_t)cn_rng_below(rng, (uint64_t)S->nfirm);
    int64_t a = S->fstart[k], z = S->fstart[k + 1];
    if (at + (z - a) > cap) return -1;
    B->fstart[B->nfirm++] = at;
    for (int64_t i = a; i < z; i++, at++) {
      B->y[at] = S->y[i];
      for (int j = 0; j < s->nv; j++) B->v[j][at] = S->v[j][i];
      B->lag[at] = S->lag[i] < 0 ? -1 : S->lag[i] - a + B->fstart[B->nfirm - 1];
      if (B->chi) B->chi[at] = S->chi[i];
    }
  }
  B->fstart[B->nfirm] = at;
  B->n = at;
  return at;
}

/* Bootstrap replications of group gi: b_rep[rep * np + j] (NaN when a
 * replication failed or did not converge). Each replication draws from its
 * own stream (seed, gi << 32 | rep), so the result does not depend on the
 * threads. */
static void bootstrap(const pf_spec *s, const pf_sample *S, int np, const double *est, int reps, uint64_t seed,
                      int gi, double *b_rep) {
  int64_t cap = 0; /* a draw has at most nfirm times the longest firm */
  int64_t longest = 0;
  for (int64_t f = 0; f < S->nfirm; f++)
    if (S->fstart[f + 1] - S->fstart[f] > longest) longest = S->fstart[f + 1] - S->fstart[f];
  cap = longest * S->nfirm;
#pragma omp parallel for schedule(dynamic)
  for (int rep = 0; rep < reps; rep++) {
    pf_sample B;
    memset(&B, 0, sizeof B);
    double *buf = cn_malloc((size_t)(s->nv + 1) * (size_t)cap * sizeof *buf + 8);
    B.lag = cn_malloc((size_t)cap * sizeof *B.lag + 8);
    B.chi = s->surv ? cn_malloc((size_t)cap + 8) : NULL;
    B.fstart = cn_malloc(((size_t)S->nfirm + 1) * sizeof *B.fstart);
    for (int j = 0; j < np; j++) b_rep[(size_t)rep * np + j] = NAN;
    if (buf && B.lag && B.fstart && (B.chi || !s->surv)) {
      B.y = buf;
      for (int j = 0; j < s->nv; j++) B.v[j] = buf + (size_t)(j + 1) * cap;
      cn_rng rng;
      cn_rng_seed(&rng, seed, ((uint64_t)gi << 32) | (uint64_t)rep);
      pf_fit f;
      memset(&f, 0, sizeof f);
      cn_diag dd;
      cn_diag_clear(&dd);
      const double *st0 = s->method == CN_PF_ACF || s->method == CN_PF_WRDG ? est : est + s->nf;
      if (boot_draw(s, S, &rng, &B, cap) > 0 && pf_estimate(s, &B, st0, true, &f, NULL, NULL, &dd) == CN_OK &&
          f.conv)
        for (int j = 0; j < np; j++) b_rep[(size_t)rep * np + j] = f.b[j];
    }
    cn_free(buf), cn_free(B.lag), cn_free(B.fstart), cn_free(B.chi);
  }
}

/* The coefficients of group gname read from o->coef (columns [o->by,]
 * term, b) instead of estimated; eps from column ecol (−1: 0), phi NaN. */
static cn_status given_fit(const cn_table *t, const cn_prodfn_opts *o, const pf_spec *s, const char *gname, int ecol,
                           const pf_sample *S, const pf_row *rows, pf_fit *f, double *phi, double *eps, cn_diag *d);

/* The name of term t (CD: the input; translog: "a^2", "a*b"). */
static char *term_name(const cn_prodfn_opts *o, const pf_term *t) {
  const char *na = t->a < o->n_free ? o->free_in[t->a] : o->state[t->a - o->n_free];
  cn_buf nb = {0};
  if (t->b < 0) cn__buf_printf(&nb, "%s", na);
  else if (t->b == t->a) cn__buf_printf(&nb, "%s^2", na);
  else cn__buf_printf(&nb, "%s*%s", na, t->b < o->n_free ? o->free_in[t->b] : o->state[t->b - o->n_free]);
  if (nb.failed) {
    cn__buf_free(&nb);
    return NULL;
  }
  return nb.data;
}

static cn_status given_fit(const cn_table *t, const cn_prodfn_opts *o, const pf_spec *s, const char *gname, int ecol,
                           const pf_sample *S, const pf_row *rows, pf_fit *f, double *phi, double *eps, cn_diag *d) {
  const cn_table *c = o->coef;
  int tc = cn_table_col(c, "term", "the coefficients", d), bc = tc >= 0 ? cn_table_col(c, "b", "the coefficients", d) : -1;
  int gc = o->by && bc >= 0 ? cn_table_col(c, o->by, "the coefficients", d) : -2;
  if (tc < 0 || bc < 0 || gc == -1) return CN_EUSAGE;
  if (cn_table_type(c, bc) == CN_STRING) return cn_diag_set(d, CN_EDATA, "the coefficients' column \"b\" is text");
  for (int j = 0; j < s->nt; j++) {
    char *nm = term_name(o, &s->t[j]);
    if (!nm) return oom(d);
    int64_t hit = -1;
    char cell[512];
    for (int64_t i = 0; i < cn_table_nrow(c) && hit < 0; i++) {
      cn_table_cell_text(c, tc, i, cell, sizeof cell);
      if (strcmp(cell, nm)) continue;
      if (gc >= 0) {
        cn_table_cell_text(c, gc, i, cell, sizeof cell);
        if (strcmp(cell, gname)) continue;
      }
      hit = i;
    }
    if (hit < 0) {
      cn_status st = cn_diag_set(d, CN_EDATA, "the coefficients have no term \"%s\"%s%s%s", nm, gc >= 0 ? " for " : "",
                                 gc >= 0 ? o->by : "", "");
      if (gc >= 0) cn_diag_hint(d, "%s = %s needs a row for every term", o->by, gname);
      cn_free(nm);
      return st;
    }
    cn_free(nm);
    f->b[j] = cn_table_get_num(c, bc, hit);
    if (!isfinite(f->b[j])) return cn_diag_set(d, CN_EDATA, "the coefficients' row %lld has no number in \"b\"", (long long)hit + 2);
  }
  for (int64_t i = 0; i < S->n; i++) {
    phi[i] = NAN;
    eps[i] = ecol >= 0 ? cn_table_get_num(t, ecol, rows[i].row) : 0;
    f->n2 += S->lag[i] >= 0;
  }
  f->conv = true, f->obj = NAN;
  return CN_OK;
}

cn_status cn_prodfn(const cn_table *t, const cn_prodfn_opts *o, cn_prodfn_result *r, cn_diag *d) {
  cn_status st = CN_OK;
  memset(r, 0, sizeof *r);
  cn_diag_clear(d);
  pf_spec s;
  memset(&s, 0, sizeof s);
  pf_row *rows = NULL;
  int64_t *pos = NULL, *lagrow = NULL;
  double *rowid = NULL, *lagd = NULL, *sbuf = NULL, *brep = NULL;
  grp_name *names = NULL;
  int ngrp = 0;
  cn_strmap gmap = {0};
  pf_sample S;
  memset(&S, 0, sizeof S);
  int64_t nrow = cn_table_nrow(t);
  if (!o->output || (!o->proxy && !o->coef) || o->n_free < (o->method == CN_PF_ACF ? 1 : 0) || o->n_state < 1)
    return cn_diag_set(d, CN_EUSAGE, "the output, at least one state input, %sand the proxy are needed",
                       o->method == CN_PF_ACF ? "one free input " : "");
  if (o->n_free + o->n_state > CN_PF_MAXIN)
    return cn_diag_set(d, CN_EUSAGE, "%d inputs; at most %d are supported", o->n_free + o->n_state, CN_PF_MAXIN);
  if (!o->panel_id || !o->panel_time) return cn_diag_set(d, CN_EUSAGE, "the panel (firm id and time) is needed");
  if (o->form == CN_PF_TL && o->method != CN_PF_ACF && o->method != CN_PF_WRDG && !o->coef)
    return cn_diag_set(d, CN_EUSAGE, "the translog form is estimated by acf and wrdg only");
  if (o->method == CN_PF_WRDG && !o->coef && o->law)
    return cn_diag_set(d, CN_EUSAGE, "wrdg has no law of motion to set: its second equation has a polynomial of the "
                                     "lagged state inputs and proxy (--poly)");
  if (o->method == CN_PF_WRDG && !o->coef && o->start)
    return cn_diag_set(d, CN_EUSAGE, "wrdg needs no starting values: its criterion is minimised in closed form");
  if (o->method == CN_PF_WRDG && !o->coef && o->form == CN_PF_TL && o->poly == 1)
    return cn_diag_set(d, CN_EUSAGE, "wrdg's translog needs --poly 2 or more (the proxy polynomial takes the squares "
                                     "of the state inputs)");
  if (o->poly < 0 || o->poly > 5 || o->law < 0 || o->law > PF_MAXLAW)
    return cn_diag_set(d, CN_EUSAGE, "the polynomial degree is 1 to 5 and the law of motion's 1 to %d", PF_MAXLAW);
  s.method = o->coef ? CN_PF_ACF : o->method;
  s.nf = o->n_free, s.ns = o->n_state, s.nin = s.nf + s.ns;
  s.poly = o->poly ? o->poly : 3;
  s.law = o->law ? o->law : 1;
  s.surv = o->survival && !o->coef;
  if (o->survival && o->method != CN_PF_OP && !o->coef)
    return cn_diag_set(d, CN_EUSAGE, "the survival correction is Olley-Pakes's: it goes with op only");
  /* columns: inputs, then the proxy unless it is one of them */
  int col[PF_MAXV], ycol, idc, tmc, byc = -1;
  const char *vn[PF_MAXV];
  for (int j = 0; j < s.nin; j++) vn[j] = j < s.nf ? o->free_in[j] : o->state[j - s.nf];
  s.proxy = -1;
  for (int j = 0; j < s.nin; j++)
    for (int k = 0; k < j; k++)
      if (!strcmp(vn[j], vn[k])) return cn_diag_set(d, CN_EUSAGE, "input \"%s\" is named twice", vn[j]);
  for (int j = 0; j < s.nin; j++)
    if (o->proxy && !strcmp(vn[j], o->proxy)) s.proxy = j;
  if (s.proxy >= 0 && s.proxy >= s.nf)
    return cn_diag_set(d, CN_EUSAGE, "the proxy \"%s\" cannot be a state input", o->proxy);
  if (s.proxy >= 0 && s.method != CN_PF_ACF)
    return cn_diag_set(d, CN_EUSAGE, "with %s the proxy \"%s\" cannot be a free input too",
                       s.method == CN_PF_WRDG ? "wrdg" : "op and lp", o->proxy);
  s.nv = s.nin;
  if (s.proxy < 0 && o->proxy) vn[s.nv] = o->proxy, s.proxy = s.nv++;
  const char *where = "the data";
  if ((ycol = cn_table_col(t, o->output, where, d)) < 0) return CN_EUSAGE;
  for (int j = 0; j < s.nv; j++)
    if ((col[j] = cn_table_col(t, vn[j], where, d)) < 0) return CN_EUSAGE;
  if ((idc = cn_table_col(t, o->panel_id, where, d)) < 0 || (tmc = cn_table_col(t, o->panel_time, where, d)) < 0)
    return CN_EUSAGE;
  if (o->by && (byc = cn_table_col(t, o->by, where, d)) < 0) return CN_EUSAGE;
  if (cn_table_type(t, ycol) == CN_STRING) return cn_diag_set(d, CN_EUSAGE, "the output \"%s\" is text", o->output);
  for (int j = 0; j < s.nv; j++)
    if (cn_table_type(t, col[j]) == CN_STRING) return cn_diag_set(d, CN_EUSAGE, "input \"%s\" is text", vn[j]);
  if (cn_table_type(t, tmc) == CN_STRING)
    return cn_diag_set(d, CN_EUSAGE, "the time column \"%s\" must be numeric", o->panel_time);
  /* terms */
  if (s.method == CN_PF_ACF || s.method == CN_PF_WRDG) {
    for (int j = 0; j < s.nin; j++) s.t[s.nt++] = (pf_term){j, -1};
    if (o->form == CN_PF_TL)
      for (int a = 0; a < s.nin; a++)
        for (int b = a; b < s.nin; b++) s.t[s.nt++] = (pf_term){a, b};
  } else
    for (int j = s.nf; j < s.nin; j++) s.t[s.nt++] = (pf_term){j, -1};
  bool by_terms = s.method == CN_PF_ACF || s.method == CN_PF_WRDG; /* b over s.t, not free then state */
  int np = by_terms ? s.nt : s.nf + s.nt;
  int ecol = -1;
  if (o->coef && o->eps && (ecol = cn_table_col(t, o->eps, where, d)) < 0) return CN_EUSAGE;
  s.start = o->start;
  /* lags by time value (cn_panel_shift checks for repeated (id, time)) */
  rowid = cn_malloc(((size_t)nrow + 1) * sizeof *rowid);
  lagd = cn_malloc(((size_t)nrow + 1) * sizeof *lagd);
  lagrow = cn_malloc(((size_t)nrow + 1) * sizeof *lagrow);
  pos = cn_malloc(((size_t)nrow + 1) * sizeof *pos);
  rows = cn_malloc(((size_t)nrow + 1) * sizeof *rows);
  if (!rowid || !lagd || !lagrow || !pos || !rows) goto oom;
  for (int64_t i = 0; i < nrow; i++) rowid[i] = (double)i;
  if ((st = cn_panel_shift(t, idc, tmc, rowid, 1, lagd, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < nrow; i++) lagrow[i] = isnan(lagd[i]) ? -1 : (int64_t)lagd[i];
  /* the sample */
  int64_t m = 0;
  for (int64_t i = 0; i < nrow; i++) {
    pos[i] = -1;
    bool miss = (ecol >= 0 && cn_table_is_na(t, ecol, i)) || cn_table_is_na(t, ycol, i) || cn_table_is_na(t, idc, i) || cn_table_is_na(t, tmc, i) ||
                (byc >= 0 && cn_table_is_na(t, byc, i));
    bool nonpos = false;
    double yv = cn_table_get_num(t, ycol, i);
    miss = miss || !isfinite(yv);
    if (o->take_logs && !(yv > 0)) nonpos = true;
    for (int j = 0; j < s.nv && !miss; j++) {
      double v = cn_table_get_num(t, col[j], i);
      if (cn_table_is_na(t, col[j], i) || !isfinite(v)) miss = true;
      else if (o->take_logs && !(v > 0)) nonpos = true;
    }
    if (miss) {
      r->dropped_missing++;
      continue;
    }
    if (nonpos) {
      r->dropped_nonpos++;
      continue;
    }
    int g = 0;
    if (byc >= 0) {
      char cell[512];
      cn_table_cell_text(t, byc, i, cell, sizeof cell);
      int32_t id = cn__strmap_intern(&gmap, cell, strlen(cell));
      if (id < 0) goto oom;
      if (id >= ngrp) {
        grp_name *nn = cn_reallocarray(names, (size_t)id + 1, sizeof *nn);
        if (!nn) goto oom;
        names = nn;
        names[id].text = cn_strdup(cell);
        names[id].num = cn_table_type(t, byc) == CN_STRING ? 0 : cn_table_get_num(t, byc, i);
        if (!names[id].text) goto oom;
        ngrp = id + 1;
      }
      g = id;
    }
    double fk = cn_table_type(t, idc) == CN_STRING ? (double)cn_table_codes(t, idc)[i] : cn_table_get_num(t, idc, i);
    rows[m++] = (pf_row){g, fk, cn_table_get_num(t, tmc, i), i};
  }
  if (byc < 0) {
    ngrp = 1;
    if (!(names = cn_calloc(1, sizeof *names)) || !(names[0].text = cn_strdup(""))) goto oom;
  }
  /* groups in sorted order */
  int *order = cn_malloc((size_t)ngrp * sizeof *order + 8);
  grp_name *sorted = cn_malloc((size_t)ngrp * sizeof *sorted + 8);
  if (!order || !sorted) {
    cn_free(order), cn_free(sorted);
    goto oom;
  }
  memcpy(sorted, names, (size_t)ngrp * sizeof *sorted);
  qsort(sorted, (size_t)ngrp, sizeof *sorted,
        byc >= 0 && cn_table_type(t, byc) != CN_STRING ? cmp_name_num : cmp_name_text);
  for (int a = 0; a < ngrp; a++)
    for (int b = 0; b < ngrp; b++)
      if (sorted[a].text == names[b].text) order[b] = a;
  for (int64_t k = 0; k < m; k++) rows[k].grp = order[rows[k].grp];
  memcpy(names, sorted, (size_t)ngrp * sizeof *names);
  cn_free(order), cn_free(sorted);
  qsort(rows, (size_t)m, sizeof *rows, cmp_row);
  /* the result's arrays */
  r->n_input = s.nin;
  r->input = cn_calloc((size_t)s.nin, sizeof *r->input);
  r->group = cn_calloc((size_t)ngrp, sizeof *r->group);
  r->rows = cn_malloc(((size_t)m + 1) * sizeof *r->rows);
  r->grp = cn_malloc(((size_t)m + 1) * sizeof *r->grp);
  r->phi = cn_malloc(((size_t)m + 1) * sizeof *r->phi);
  r->eps = cn_malloc(((size_t)m + 1) * sizeof *r->eps);
  r->omega = cn_malloc(((size_t)m + 1) * sizeof *r->omega);
  r->theta = cn_malloc(((size_t)m * s.nin + 1) * sizeof *r->theta);
  sbuf = cn_malloc(((size_t)m + 1) * (size_t)(s.nv + 1) * sizeof *sbuf);
  S.lag = cn_malloc(((size_t)m + 1) * sizeof *S.lag);
  S.fstart = cn_malloc(((size_t)m + 2) * sizeof *S.fstart);
  S.chi = cn_malloc((size_t)m + 8);
  if (!r->input || !r->group || !r->rows || !r->grp || !r->phi || !r->eps || !r->omega || !r->theta || !sbuf ||
      !S.lag || !S.fstart || !S.chi)
    goto oom;
  for (int j = 0; j < s.nin; j++)
    if (!(r->input[j] = cn_strdup(vn[j]))) goto oom;
  r->n_group = ngrp;
  for (int g = 0; g < ngrp; g++) {
    r->group[g].name = names[g].text;
    names[g].text = NULL;
  }
  r->n = m;
  for (int64_t k = 0; k < m; k++) r->rows[k] = rows[k].row, r->grp[k] = rows[k].grp, pos[rows[k].row] = k;
  for (int64_t a = 0, z; a < m; a = z) {
    int g = rows[a].grp;
    for (z = a; z < m && rows[z].grp == g; z++) {}
    cn_prodfn_group *G = &r->group[g];
    S.n = z - a;
    S.y = sbuf;
    for (int j = 0; j < s.nv; j++) S.v[j] = sbuf + (size_t)(j + 1) * (size_t)(m + 1);
    S.nfirm = 0;
    for (int64_t k = a; k < z; k++) {
      int64_t i = rows[k].row, l = lagrow[i];
      double yv = cn_table_get_num(t, ycol, i);
      S.y[k - a] = o->take_logs ? log(yv) : yv;
      for (int j = 0; j < s.nv; j++) {
        double v = cn_table_get_num(t, col[j], i);
        S.v[j][k - a] = o->take_logs ? log(v) : v;
      }
      S.lag[k - a] = l >= 0 && pos[l] >= a && pos[l] < z ? pos[l] - a : -1;
      if (k == a || rows[k].firm != rows[k - 1].firm) S.fstart[S.nfirm++] = k - a;
    }
    S.fstart[S.nfirm] = S.n;
    /* survival: the firm is in the sample the next period (the group's last period: unknown) */
    double tmax = -HUGE_VAL;
    for (int64_t k = a; k < z; k++) tmax = fmax(tmax, rows[k].time);
    for (int64_t k = 0; k < S.n; k++) S.chi[k] = rows[a + k].time < tmax ? 0 : -1;
    for (int64_t k = 0; k < S.n; k++)
      if (S.lag[k] >= 0) S.chi[S.lag[k]] = 1;
    G->n_first = S.n, G->n_firms = S.nfirm;
    pf_fit f;
    memset(&f, 0, sizeof f);
    if (o->coef) {
      if ((st = given_fit(t, o, &s, G->name, ecol, &S, rows + a, &f, r->phi + a, r->eps + a, d)) != CN_OK) goto done;
    } else if ((st = pf_estimate(&s, &S, o->start ? (by_terms ? o->start : o->start + s.nf) : NULL,
                          o->start != NULL, &f, r->phi + a, r->eps + a, d)) != CN_OK) {
      if (byc >= 0) {
        char msg[sizeof d->message];
        snprintf(msg, sizeof msg, "%s", d->message);
        if (st == CN_EANALYSIS) { /* this group only: skipped, said why */
          if (!(G->skipped = cn_strdup(msg))) goto oom;
          for (int64_t k = a; k < z; k++) {
            r->phi[k] = r->eps[k] = r->omega[k] = NAN;
            for (int in = 0; in < s.nin; in++) r->theta[(size_t)k * s.nin + in] = NAN;
          }
          r->n_skipped++, r->skipped_rows += z - a;
          st = CN_OK;
          cn_diag_clear(d);
          continue;
        }
        cn_diag_set(d, st, "%s = %s: %s", o->by, G->name, msg);
      }
      goto done;
    }
    for (int64_t k = a; k < z && !o->coef; k++) r->no_lag += S.lag[k - a] < 0;
    G->n_second = f.n2, G->objective = f.obj, G->converged = f.conv, G->iterations = f.iter;
    G->start_used = f.start_used;
    /* ω and the elasticities; b over the terms */
    double bt[PF_MAXT];
    pf_term allt[PF_MAXT];
    int nall = 0;
    if (by_terms) {
      for (int j = 0; j < s.nt; j++) bt[j] = f.b[j], allt[j] = s.t[j];
      nall = s.nt;
    } else {
      for (int j = 0; j < s.nin; j++) bt[j] = f.b[j], allt[j] = (pf_term){j, -1};
      nall = s.nin;
    }
    for (int64_t k = a; k < z; k++) {
      double w = r->phi[k];
      for (int j = 0; j < nall; j++) w -= bt[j] * term_val(&allt[j], S.v, k - a);
      r->omega[k] = w;
      for (int in = 0; in < s.nin; in++) {
        double th = 0;
        for (int j = 0; j < nall; j++) {
          const pf_term *tt = &allt[j];
          if (tt->b < 0) th += tt->a == in ? bt[j] : 0;
          else if (tt->a == in && tt->b == in) th += 2 * bt[j] * S.v[in][k - a];
          else if (tt->a == in) th += bt[j] * S.v[tt->b][k - a];
          else if (tt->b == in) th += bt[j] * S.v[tt->a][k - a];
        }
        r->theta[(size_t)k * s.nin + in] = th;
      }
    }
    /* the bootstrap */
    double V[(PF_MAXT + CN_PF_MAXIN) * (PF_MAXT + CN_PF_MAXIN)];
    for (int j = 0; j < np * np; j++) V[j] = NAN;
    if (o->reps > 0 && !o->coef) {
      cn_free(brep);
      if (!(brep = cn_malloc((size_t)o->reps * np * sizeof *brep + 8))) goto oom;
      bootstrap(&s, &S, np, f.b, o->reps, o->seed, g, brep);
      double mean[PF_MAXT + CN_PF_MAXIN] = {0};
      int ok = 0;
      for (int rep = 0; rep < o->reps; rep++) {
        if (isnan(brep[(size_t)rep * np])) continue;
        ok++;
        for (int j = 0; j < np; j++) mean[j] += brep[(size_t)rep * np + j];
      }
      G->reps_ok = ok;
      if (ok > 1) {
        for (int j = 0; j < np; j++) mean[j] /= ok;
        for (int j = 0; j < np; j++)
          for (int k = 0; k < np; k++) {
            double sacc = 0;
            for (int rep = 0; rep < o->reps; rep++) {
              const double *br = brep + (size_t)rep * np;
              if (!isnan(br[0])) sacc += (br[j] - mean[j]) * (br[k] - mean[k]);
            }
            V[j * np + k] = sacc / (ok - 1);
          }
      }
    }
    /* the model */
    cn_model *M = cn_calloc(1, sizeof *M);
    if (!M) goto oom;
    cn__model_init(M);
    G->model = M;
    static const char *const mname[] = {"op", "lp", "acf", "wrdg"};
    if (!(M->command = cn_strdup("measure prodfn")) ||
        !(M->estimator = cn_strdup(o->coef ? "given" : mname[o->method])) ||
        !(M->depvar = cn_strdup(o->output)))
      goto oom;
    M->nobs = f.n2;
    M->nobs_full = S.n;
    M->converged = f.conv;
    M->iterations = f.iter;
    M->ncoef = np;
    M->coef = cn_calloc((size_t)np, sizeof *M->coef);
    M->V = cn_malloc((size_t)np * np * sizeof *M->V);
    if (!M->coef || !M->V) goto oom;
    memcpy(M->V, V, (size_t)np * np * sizeof *V);
    M->df_r = INFINITY;
    double zq = gsl_cdf_ugaussian_Qinv(0.025);
    for (int j = 0; j < np; j++) {
      cn_coef *c = &M->coef[j];
      pf_term tt = by_terms ? s.t[j] : (pf_term){j, -1};
      if (!(c->name = term_name(o, &tt))) goto oom;
      c->b = f.b[j];
      c->se = sqrt(V[j * np + j]);
      c->t = c->b / c->se;
      c->p = 2 * gsl_cdf_ugaussian_Q(fabs(c->t));
      c->ci_low = c->b - zq * c->se, c->ci_high = c->b + zq * c->se;
    }
    static const char *const sname[] = {"the first stage's coefficients", "OLS", "the given values", "closed form (linear GMM)",
                                         "the overidentified estimate", "a point of the scan"};
    if (cn__model_note(M, "%s%s%s: %lld observations in the first stage, %lld with the previous period in the second",
                       o->by ? o->by : "", o->by ? " = " : "", o->by ? G->name : "all", (long long)S.n,
                       (long long)f.n2) ||
        cn__model_note(M, "criterion %.10g at the estimate, from %s; %s after %d iterations", f.obj,
                       sname[f.start_used], f.conv ? "converged" : "NOT converged", f.iter) ||
        (o->reps > 0 && cn__model_note(M, "standard errors: firm-block bootstrap, %d of %d replications converged "
                                          "(seed %llu)", G->reps_ok, o->reps, (unsigned long long)o->seed)))
      goto oom;
  }
  if (r->n_skipped == r->n_group && r->n_group > 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "no %s group could be estimated; %s = %s: %s", o->by, o->by, r->group[0].name,
                     r->group[0].skipped);
    goto done;
  }
  goto done;
oom:
  st = oom(d);
done:
  if (st != CN_OK) cn_prodfn_result_free(r);
  for (int g = 0; g < ngrp; g++) cn_free(names ? names[g].text : NULL);
  cn_free(names);
  cn__strmap_free(&gmap);
  cn_free(rows), cn_free(pos), cn_free(lagrow), cn_free(rowid), cn_free(lagd), cn_free(sbuf), cn_free(brep);
  cn_free(S.lag), cn_free(S.fstart), cn_free(S.chi);
  return st;
}

/* ---- markups ---- */

/* The p-th quantile (0..1) of the n sorted values x, R's type 7. */
static double quantile7(const double *x, int64_t n, double p) {
  double h = (double)(n - 1) * p;
  int64_t lo = (int64_t)floor(h);
  if (lo >= n - 1) return x[n - 1];
  return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

cn_status cn_markup(const cn_table *t, const cn_prodfn_result *r, const cn_markup_opts *o, cn_table **out,
                    int64_t *n_badshare, int64_t *n_trimmed, cn_diag *d) {
  cn_status st = CN_OK;
  cn_table *e = NULL;
  double *sorted = NULL;
  int64_t bad = 0, trimmed = 0;
  *out = NULL;
  cn_diag_clear(d);
  int fx = -1;
  for (int j = 0; j < r->n_input; j++)
    if (o->flexible && !strcmp(o->flexible, r->input[j])) fx = j;
  if (fx < 0)
    return cn_diag_set(d, CN_EUSAGE, "the flexible input \"%s\" is not an input of the production function",
                       o->flexible ? o->flexible : "");
  if (!o->share && (!o->revenue || !o->cost))
    return cn_diag_set(d, CN_EUSAGE, "the share, or the revenue and the input's cost, are needed");
  if (!(o->trim >= 0 && o->trim < 50)) return cn_diag_set(d, CN_EUSAGE, "the trim is a percentage below 50");
  int sc = -1, rc = -1, cc = -1;
  if (o->share) {
    if ((sc = cn_table_col(t, o->share, "the data", d)) < 0) return CN_EUSAGE;
  } else if ((rc = cn_table_col(t, o->revenue, "the data", d)) < 0 || (cc = cn_table_col(t, o->cost, "the data", d)) < 0)
    return CN_EUSAGE;
  bool by = r->n_group > 1 || (r->n_group == 1 && r->group[0].name[0]);
  int idc = o->id ? cn_table_col(t, o->id, "the data", d) : -2, tmc = o->time ? cn_table_col(t, o->time, "the data", d) : -2;
  if (idc == -1 || tmc == -1) return CN_EUSAGE;
  e = cn_table_new(r->n);
  if (!e) return oom(d);
  int c_row = cn_table_add_column(e, "row", CN_INT64, d);
  int c_id = idc >= 0 ? cn_table_add_column(e, o->id, CN_STRING, d) : -2;
  int c_tm = tmc >= 0 ? cn_table_add_column(e, o->time, CN_DOUBLE, d) : -2;
  int c_g = by ? cn_table_add_column(e, o->group_name ? o->group_name : "group", CN_STRING, d) : -2;
  int c_th = cn_table_add_column(e, "theta", CN_DOUBLE, d), c_al = cn_table_add_column(e, "alpha", CN_DOUBLE, d);
  int c_ep = cn_table_add_column(e, "eps", CN_DOUBLE, d), c_mu = cn_table_add_column(e, "markup", CN_DOUBLE, d);
  int c_tr = cn_table_add_column(e, "trimmed", CN_INT64, d);
  if (c_row < 0 || c_g == -1 || c_id == -1 || c_tm == -1 || c_th < 0 || c_al < 0 || c_ep < 0 || c_mu < 0 || c_tr < 0) {
    st = d->code ? d->code : CN_EINTERNAL;
    goto done;
  }
  double *mu = cn_table_dbl_mut(e, c_mu);
  for (int64_t k = 0; k < r->n; k++) {
    int64_t i = r->rows[k];
    double a = sc >= 0 ? cn_table_get_num(t, sc, i) : cn_table_get_num(t, cc, i) / cn_table_get_num(t, rc, i);
    double th = r->theta[(size_t)k * r->n_input + fx], ep = o->no_correction ? 0 : r->eps[k];
    cn_table_i64_mut(e, c_row)[k] = i + 1;
    if (c_id >= 0) {
      char cell[512];
      cn_table_cell_text(t, idc, i, cell, sizeof cell);
      if ((st = cn_table_set_str(e, c_id, k, cell, d)) != CN_OK) goto done;
      cn_table_dbl_mut(e, c_tm)[k] = cn_table_get_num(t, tmc, i);
    }
    if (by && (st = cn_table_set_str(e, c_g, k, r->group[r->grp[k]].name, d)) != CN_OK) goto done;
    cn_table_dbl_mut(e, c_th)[k] = th;
    cn_table_dbl_mut(e, c_al)[k] = a;
    cn_table_dbl_mut(e, c_ep)[k] = r->eps[k];
    cn_table_i64_mut(e, c_tr)[k] = 0;
    if (r->group[r->grp[k]].skipped) /* counted by the caller from r->skipped_rows */
      mu[k] = NAN;
    else if (!(a > 0) || !isfinite(a)) {
      mu[k] = NAN;
      bad++;
    } else
      mu[k] = th / (a * exp(ep));
  }
  if (o->trim > 0) {
    if (!(sorted = cn_malloc(((size_t)r->n + 1) * sizeof *sorted))) goto oom;
    for (int64_t a = 0, z; a < r->n; a = z) {
      for (z = a; z < r->n && r->grp[z] == r->grp[a]; z++) {}
      int64_t ns = 0;
      for (int64_t k = a; k < z; k++)
        if (!isnan(mu[k])) sorted[ns++] = mu[k];
      if (ns == 0) continue;
      qsort(sorted, (size_t)ns, sizeof *sorted, cmp_dbl);
      double lo = quantile7(sorted, ns, o->trim / 100), hi = quantile7(sorted, ns, 1 - o->trim / 100);
      for (int64_t k = a; k < z; k++)
        if (!isnan(mu[k]) && (mu[k] < lo || mu[k] > hi)) {
          mu[k] = NAN;
          cn_table_i64_mut(e, c_tr)[k] = 1;
          trimmed++;
        }
    }
  }
  goto done;
oom:
  st = oom(d);
done:
  cn_free(sorted);
  if (st != CN_OK) cn_table_free(e);
  else *out = e;
  if (n_badshare) *n_badshare = bad;
  if (n_trimmed) *n_trimmed = trimmed;
  return st;
}
