/* lib/model/reg.c — OLS with absorbed fixed effects and the variance
 * estimators of spec/econometrics.md §1–2, with reghdfe's conventions.
 *
 * A constant without fixed effects is absorbed like a fixed effect of one
 * level, so one path serves both: the regressors are demeaned, the slopes
 * come from the demeaned data, and the constant is recovered from the means
 * by adding them back and regressing with a column of ones (reghdfe), which
 * leaves the slopes and residuals unchanged and gives the constant its
 * variance. k counts the slopes only; the constant's degree of freedom is
 * in df_a. */
#include <gsl/gsl_cdf.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coinnet/prep.h"
#include "hdfe.h"

void cn_reg_opts_init(cn_reg_opts *o) {
  memset(o, 0, sizeof *o);
  o->vce = CN_VCE_IID;
}

/* A regressor over the estimation sample. */


static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* Weighted mean of x over n rows (w NULL: plain). */
static double wmean(const double *x, const double *w, int64_t n) {
  double s = 0, sw = 0;
  for (int64_t i = 0; i < n; i++) {
    double wi = w ? w[i] : 1;
    s += wi * x[i];
    sw += wi;
  }
  return sw > 0 ? s / sw : 0;
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

/* Meat Σ_g u_g u_g' with u_g = Σ_{i∈g} s_i x_i over clusters cl (G of
 * them), or Σ_i s_i² x_i x_i' when cl is NULL, for the scores s_i = w_i e_i
 * (w NULL: 1) and the columns x[0..k) (a NULL column is the constant);
 * adds sign × it into meat (k×k). The rows are summed in parts fixed by n
 * (blocks of 32768 rows; two halves for the cluster sums) and the parts
 * added in order, so the result does not depend on the thread count. */
#define MEAT_BLOCK 32768
static cn_status add_meat(double *const *x, int k, const double *e, const double *w, int64_t n,
                          const int32_t *cl, int64_t G, double sign, double *meat, cn_diag *d) {
  cn_status st = CN_OK;
  if (!cl) {
    int64_t nb = n > MEAT_BLOCK ? (n + MEAT_BLOCK - 1) / MEAT_BLOCK : 1;
    size_t kk = (size_t)k * (size_t)k;
    double *part = cn_calloc((size_t)nb * kk + 1, sizeof *part);
    if (!part) return oom(d);
#pragma omp parallel for schedule(static) if (nb > 1)
    for (int64_t bk = 0; bk < nb; bk++) {
      double *pm = part + (size_t)bk * kk;
      int64_t hi = (bk + 1) * MEAT_BLOCK < n ? (bk + 1) * MEAT_BLOCK : n;
      for (int64_t i = bk * MEAT_BLOCK; i < hi; i++) {
        double si = (w ? w[i] : 1) * e[i];
        for (int a = 0; a < k; a++) {
          double xa = (x[a] ? x[a][i] : 1) * si;
          for (int b = 0; b <= a; b++) pm[a * k + b] += xa * (x[b] ? x[b][i] : 1) * si;
        }
      }
    }
    for (int64_t bk = 0; bk < nb; bk++)
      for (int a = 0; a < k; a++)
        for (int b = 0; b <= a; b++) meat[a * k + b] += sign * part[(size_t)bk * kk + (size_t)(a * k + b)];
    cn_free(part);
  } else {
    int np = n >= 1000000 ? 2 : 1; /* halves of the rows, each its own sums */
    size_t gk = (size_t)G * (size_t)k;
    double *u = cn_calloc((size_t)np * gk + 1, sizeof *u);
    if (!u) return oom(d);
#pragma omp parallel for schedule(static) num_threads(np) if (np > 1)
    for (int p = 0; p < np; p++) {
      double *up = u + (size_t)p * gk;
      int64_t lo = n / np * p, hi = p + 1 == np ? n : n / np * (p + 1);
      for (int64_t i = lo; i < hi; i++) {
        double si = (w ? w[i] : 1) * e[i];
        for (int a = 0; a < k; a++) up[(size_t)cl[i] * (size_t)k + (size_t)a] += (x[a] ? x[a][i] : 1) * si;
      }
    }
    for (size_t q = 0; np > 1 && q < gk; q++) u[q] += u[gk + q];
    for (int64_t g = 0; g < G; g++) {
      const double *ug = u + (size_t)g * (size_t)k;
      for (int a = 0; a < k; a++)
        for (int b = 0; b <= a; b++) meat[a * k + b] += sign * ug[a] * ug[b];
    }
    cn_free(u);
  }
  for (int a = 0; a < k; a++)
    for (int b = a + 1; b < k; b++) meat[a * k + b] = meat[b * k + a];
  return st;
}

/* Which fixed effects fixest 0.12.1 (ssc(fixef.K = "nested")) takes as
 * nested in the cluster variables, into nest[0..nfe): a fixed effect one
 * of whose variables (a, or a part of a^b) is a cluster variable; the
 * others are checked on the data (every level within one cluster) only
 * when some cluster variable is not itself a fixed effect of its own,
 * as fixest's vcov does. Nothing is nested without clusters. */
static cn_status fixest_nested(const cn_table *t, const cn__absorb *ab, const cn_formula *f, int nfe,
                               const cn_reg_opts *o, int32_t *const *clid, int ncl, bool *nest,
                               cn_diag *d) {
  if (!clid || o->vce != CN_VCE_CLUSTER || nfe == 0) return CN_OK;
  int all = 1, cl_fe = 1;
  for (int q = 0; q < ncl; q++) {
    int c = cn_table_col(t, o->cluster[q], "the data for --cluster", d);
    if (c < 0) return d ? d->code : CN_EUSAGE; /* checked by the design already */
    bool own = false; /* a fixed effect that is this variable alone */
    for (int g = 0; g < nfe; g++)
      for (int v = 0; v < f->fe[g].nv; v++)
        if (f->fe[g].cols[v] == c) {
          nest[g] = true;
          own = own || f->fe[g].nv == 1;
        }
    cl_fe = cl_fe && own;
  }
  for (int g = 0; g < nfe; g++) all = all && nest[g];
  if (all || cl_fe) return CN_OK;
  for (int g = 0; g < nfe; g++)
    for (int q = 0; q < ncl && !nest[g]; q++) nest[g] = cn__fe_nested(ab, g, clid[q]);
  return CN_OK;
}


cn_status cn__model_note(cn_model *m, const char *fmt, ...) {
  cn_buf b = {0}; /* whole: a note names coefficients of any length */
  va_list ap;
  va_start(ap, fmt);
  cn__buf_vprintf(&b, fmt, ap);
  va_end(ap);
  cn__buf_append(&b, "", 0);
  char **nn = b.failed ? NULL : cn_reallocarray(m->notes, (size_t)m->n_notes + 1, sizeof *nn);
  if (!nn) {
    cn__buf_free(&b);
    return CN_EINTERNAL;
  }
  m->notes = nn;
  nn[m->n_notes++] = b.data;
  return CN_OK;
}

cn_status cn_reg(const cn_table *t, const char *formula, const cn_reg_opts *opts,
                 cn_model **out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_reg_opts defaults;
  if (!opts) {
    cn_reg_opts_init(&defaults);
    opts = &defaults;
  }
  cn_model *m = cn_calloc(1, sizeof *m);
  double *e = NULL, *XtX = NULL, *ref = NULL, *raw_y = NULL, **raw_x = NULL, *means = NULL, *V = NULL, *meat = NULL, **xa = NULL;
  cn__design ds;
  cn__absorb ab = {0};
  bool job = false;
  memset(&ds, 0, sizeof ds);
  *out = NULL;
  if (!m) return oom(d);
  cn__model_init(m);
  double tol = opts->tol > 0 ? opts->tol : 1e-8;
  int max_iter = opts->max_iter > 0 ? opts->max_iter : 100000;
  if ((st = cn__design_build(t, formula, opts, 0, &ds, m, d)) != CN_OK) goto done;
  cn_formula *f = ds.f;
  int64_t n = ds.n;
  double *y = ds.y, *w = ds.w;
  rcol *cols = ds.set[0];
  int ncol = ds.nset[0], nfe = f->nfe, nabs = ds.ab.nfe, ncl = ds.ncl;
  int32_t **clid = ds.clid;
  int64_t *G = ds.G;
  ab = ds.ab;
  /* means (for the constant), then demean y and every regressor */
  if ((st = cn__absorb_prepare(&ab, d)) != CN_OK) goto done;
  double ybar = wmean(y, w, n);
  for (int j = 0; j < ncol; j++) cols[j].mean = wmean(cols[j].x, w, n);
  /* each regressor's norm before demeaning: the yardstick of its
   * collinearity with what is absorbed */
  ref = cn_malloc(((size_t)ncol + 1) * sizeof *ref);
  if (!ref) goto oom;
  for (int j = 0; j < ncol; j++) {
    long double ss = 0;
    for (int64_t i = 0; i < n; i++) ss += (long double)(w ? w[i] : 1) * cols[j].x[i] * cols[j].x[i];
    ref[j] = (double)sqrtl(ss);
  }
  /* with a constant and no fixed effects, the data before demeaning, from
   * which qr_ls refines the fit */
  if (nfe == 0 && f->cons) {
    raw_y = cn_malloc(((size_t)n + 1) * sizeof *raw_y);
    raw_x = cn_calloc((size_t)ncol + 1, sizeof *raw_x);
    if (!raw_y || !raw_x) goto oom;
    memcpy(raw_y, y, (size_t)n * sizeof *y);
    for (int j = 0; j < ncol; j++) {
      if (!(raw_x[j] = cn_malloc(((size_t)n + 1) * sizeof **raw_x))) goto oom;
      memcpy(raw_x[j], cols[j].x, (size_t)n * sizeof *y);
    }
  }
  double tss = 0, yy = 0;
  for (int64_t i = 0; i < n; i++) {
    tss += (w ? w[i] : 1) * (y[i] - ybar) * (y[i] - ybar);
    yy += (w ? w[i] : 1) * y[i] * y[i];
  }
  int iters = 0, maxit = 0, ndone = 0;
  cn_status sts = CN_OK;
  cn_diag dd;
  memset(&dd, 0, sizeof dd);
  /* progress: one job, "reg", by the variables absorbed (the long part of
   * a big regression), then the estimates; reported from the calling thread */
  cn__job_begin("reg", (double)ncol + 2);
  job = true;
  cn__job_part(NULL, 1, ncol + 1, 0, (double)ncol + 1);
  cn__progress("absorbing fixed effects", 0, (double)ncol + 1);
  /* one column after another: the rows are parallel inside */
  for (int j = -1; j < ncol; j++) {
    int it = 0;
    cn_diag dj;
    double *xj = j < 0 ? y : cols[j].x;
    cn_status s1 = opts->solver == CN_SOLVER_AP ? cn__demean(&ab, xj, tol, max_iter, &it, &dj)
                                                : cn__demean_cg(&ab, xj, tol, max_iter, &it, &dj);
    if (it > maxit) maxit = it;
    if (s1 != CN_OK) {
      sts = s1, dd = dj;
      break;
    }
    int k = ++ndone;
    cn__job_part(NULL, k < ncol + 1 ? k + 1 : k, ncol + 1, 0, (double)ncol + 1);
    cn__progress("absorbing fixed effects", (double)k, (double)ncol + 1);
  }
  iters = maxit;
  cn__job_part(NULL, 0, 0, (double)ncol + 1, 1);
  cn__progress("estimates", 0, 1);
  if (sts != CN_OK) {
    if (d) *d = dd;
    st = sts;
    goto done;
  }
  m->iterations = iters;
  m->converged = true;
  double tssw = 0;
  for (int64_t i = 0; i < n; i++) tssw += (w ? w[i] : 1) * y[i] * y[i];
  bool cons = nfe > 0 || f->cons;
  /* without a constant (and so without fixed effects) R² is uncentered, as
   * R's lm and Stata's noconstant report it */
  if (!cons) tss = yy;
  /* least squares on the demeaned design by QR (qr_ls). Collinearity: a
   * regressor goes when the part of it not explained by the kept ones (or
   * by the absorbed effects) is at most 1e-9 of its norm; with two or more
   * fixed effects the demeaning is iterative and only good to its
   * tolerance, so there the rule is the former one, 1e-9 of its sum of
   * squares (3.16e-5 of its norm) */
  double coll_tol = nabs > 1 ? 3.1622776601683795e-5 : 1e-9;
  int k = 0;
  int *kept = cn_malloc(((size_t)ncol + 1) * sizeof *kept);
  bool *keep = cn_malloc(((size_t)ncol + 1) * sizeof *keep);
  double **xs = cn_malloc(((size_t)ncol + 1) * sizeof *xs);
  means = cn_malloc(((size_t)ncol + 1) * sizeof *means);
  double *bs = cn_malloc(((size_t)ncol + 1) * sizeof *bs);
  XtX = cn_calloc((size_t)(ncol + 1) * (size_t)(ncol + 1) + 1, sizeof *XtX);
  e = cn_malloc(((size_t)n + 1) * sizeof *e);
  double rss = 0;
  if (!kept || !keep || !xs || !bs || !XtX || !e || !means) {
    cn_free(kept);
    cn_free(keep);
    cn_free(xs);
    cn_free(bs);
    goto oom;
  }
  for (int j = 0; j < ncol; j++) xs[j] = cols[j].x;
  double b0 = NAN;
  for (int j = 0; j < ncol; j++) means[j] = cols[j].mean;
  if ((st = cn__qr_ls(xs, ref, ncol, y, w, n, coll_tol, raw_x, raw_y, means, keep, &k, bs, &b0, XtX, e,
                  &rss, d)) != CN_OK) {
    cn_free(kept);
    cn_free(keep);
    cn_free(xs);
    cn_free(bs);
    goto done;
  }
  cn_free(xs);
  for (int j = 0, q = 0; j < ncol; j++) {
    if (keep[j]) {
      kept[q++] = j;
      continue;
    }
    cols[j].omitted = true;
    if (cn__model_note(m, "%s omitted because of collinearity", cols[j].name) != CN_OK) {
      cn_free(kept);
      cn_free(keep);
      cn_free(bs);
      goto oom;
    }
  }
  cn_free(keep);
  /* the design of the variance: the kept slopes, demeaned, and the
   * constant. In the centered parametrization y = Xd b + 1α (1'WXd = 0)
   * the bread is C⁻¹ = diag(A⁻¹, 1/Σw) for A = Xd'WXd; the reported
   * constant is b0 = α − m'b with m the means, so the variance of (b, b0)
   * is L V L' for L = [[I, 0], [−m', 1]] (reghdfe's constant: the same as
   * adding the means back and regressing on a column of ones, without the
   * cancellation that brings) */
  int ka = k + (cons ? 1 : 0);
  xa = cn_calloc((size_t)ka + 1, sizeof *xa);
  double *b = cn_calloc((size_t)ka + 1, sizeof *b);
  if (!xa || !b) {
    cn_free(bs);
    goto oom_b;
  }
  for (int a = 0; a < k; a++) b[a] = bs[a];
  cn_free(bs);
  if (cons) {
    double *D = cn_calloc((size_t)ka * (size_t)ka + 1, sizeof *D), sw = 0;
    if (!D) goto oom_b;
    for (int64_t i = 0; i < n; i++) sw += w ? w[i] : 1;
    long double bc = ybar;
    for (int a = 0; a < k; a++) {
      for (int c = 0; c < k; c++) D[a * ka + c] = XtX[a * k + c];
      bc -= (long double)b[a] * cols[kept[a]].mean;
    }
    D[k * ka + k] = 1 / sw;
    b[k] = raw_x ? b0 : (double)bc; /* refined on the raw data (qr_ls) */
    memcpy(XtX, D, (size_t)ka * (size_t)ka * sizeof *D);
    cn_free(D);
  }
  for (int a = 0; a < k; a++) xa[a] = cols[kept[a]].x;
  if (cons) xa[k] = NULL; /* the constant's column of ones */
  V = cn_calloc((size_t)ka * (size_t)ka + 1, sizeof *V);
  meat = cn_calloc((size_t)ka * (size_t)ka + 1, sizeof *meat);
  if (!V || !meat) goto oom_b;
  /* an exact fit leaves no residual variance: the standard errors are 0
   * up to rounding, as certified for NIST's Wampler1/2, and no test or
   * interval is defined; Stata and R report the fit, so reg does too,
   * with a note and '.' for t, p, the interval and F */
  bool exact = tss > 1e-24 * yy && rss <= 1e-12 * tss;
  if (!exact && (st = cn__fit_defined(tss, yy, rss, "", nfe > 0 ? "the regressors and fixed effects" : "the regressors",
                             f->dep.text, "in the estimation sample", d)) != CN_OK)
    goto free_b;
  /* degrees of freedom absorbed (reghdfe dof(all)) */
  m->n_fe = nfe;
  m->fe = cn_calloc((size_t)nfe + 1, sizeof *m->fe);
  if (!m->fe) goto oom_b;
  double df_a = 0;
  bool any_nested = false;
  int n_nested = 0;
  bool *nest = cn_calloc((size_t)nabs + 1, sizeof *nest);
  if (!nest) goto oom_b;
  if (opts->ssc_fixest) {
    if ((st = fixest_nested(t, &ab, f, nfe, opts, clid, ncl, nest, d)) != CN_OK) {
      cn_free(nest);
      goto free_b;
    }
  } else {
    for (int g = 0; g < nfe && clid; g++)
      for (int q = 0; q < ncl && !nest[g]; q++) nest[g] = cn__fe_nested(&ab, g, clid[q]);
  }
  bool first_free = true; /* fixest: the first fixed effect not nested keeps all its levels */
  for (int g = 0; g < nabs; g++) {
    int64_t K = ab.nlev[g], M = 0;
    bool nested = nest[g];
    if (nested) {
      M = K; /* nested in a cluster: not counted */
      any_nested = true;
      n_nested++;
    } else if (opts->ssc_fixest) {
      M = first_free ? 0 : 1; /* fixest: K − 1 for every one after the first */
      first_free = false;
    } else if (g == 1) {
      /* the pair (first, second): exactly the connected components */
      if ((M = cn__fe_components(&ab, 0, 1)) < 0) {
        cn_free(nest);
        goto oom_b;
      }
    } else if (g > 1) {
      M = 1; /* later ones: at least one redundant level */
    }
    df_a += (double)(K - M);
    if (g < nfe) {
      m->fe[g].name = cn_strdup(f->fe[g].name);
      if (!m->fe[g].name) {
        cn_free(nest);
        goto oom_b;
      }
      m->fe[g].levels = K;
      m->fe[g].redundant = M;
      m->fe[g].nested = nested;
    }
  }
  cn_free(nest);
  /* the one-level constant: K = 1, M = 0. reghdfe counts one parameter
   * more when a fixed effect is nested in a cluster ("to match xtreg");
   * fixest counts the constant (1) when every fixed effect is nested, and
   * otherwise the first fixed effect not nested already stands for it */
  double N = (double)n, dk = (double)k;
  double nested_adj = opts->ssc_fixest ? (nfe > 0 && n_nested == nfe ? 1 : 0) : (any_nested ? 1 : 0);
  double df_resid = N - dk - df_a;
  m->df_a = df_a;
  m->df_r = df_resid;
  if (df_resid <= 0) {
    st = cn_diag_set(d, CN_EANALYSIS, "no residual degrees of freedom (N = %lld, k = %d, df_a = %g)",
                     (long long)n, k, df_a);
    goto free_b;
  }
  /* variance */
  m->vce = opts->vce;
  if (opts->vce == CN_VCE_IID) {
    double s2 = rss / df_resid;
    for (int q = 0; q < ka * ka; q++) V[q] = s2 * XtX[q];
  } else {
    double factor;
    if (opts->vce == CN_VCE_ROBUST) {
      st = add_meat(xa, ka, e, w, n, NULL, 0, 1, meat, d);
      factor = N / df_resid;
    } else {
      int64_t Gmin = G[0];
      for (int q = 1; q < ncl; q++)
        if (G[q] < Gmin) Gmin = G[q];
      /* Cameron–Gelbach–Miller over the non-empty subsets of the clusters;
       * with one variable both choices of --cluster-df are G/(G − 1) */
      bool conventional = opts->cluster_df == CN_CLUSTER_DF_CONVENTIONAL && ncl > 1;
      for (unsigned sub = 1; st == CN_OK && sub < (1u << ncl); sub++) {
        int bits = __builtin_popcount(sub);
        int32_t *cid = clid[__builtin_ctz(sub)];
        int32_t *own = NULL;
        int64_t Gs = G[__builtin_ctz(sub)];
        if (bits > 1) {
          int64_t *kk = cn_malloc(((size_t)n * (size_t)bits + 1) * sizeof *kk);
          own = cn_malloc(((size_t)n + 1) * sizeof *own);
          if (!kk || !own) {
            cn_free(kk);
            cn_free(own);
            goto oom_b;
          }
          for (int64_t i = 0; i < n; i++) {
            int j2 = 0;
            for (int q = 0; q < ncl; q++)
              if (sub >> q & 1) kk[i * bits + j2++] = clid[q][i];
          }
          Gs = cn__group_ids(kk, n, bits, own);
          cn_free(kk);
          cid = own;
        }
        /* conventional: each piece its own Gs/(Gs − 1); min: one factor below */
        double sg = bits % 2 ? 1.0 : -1.0;
        if (conventional) sg *= (double)Gs / (double)(Gs - 1);
        st = add_meat(xa, ka, e, w, n, cid, Gs, sg, meat, d);
        cn_free(own);
      }
      double Gd = (double)Gmin;
      factor = (N - 1) / (N - nested_adj - dk - df_a) * (conventional ? 1 : Gd / (Gd - 1));
      if (df_resid > Gd - 1) m->df_r = Gd - 1;
      m->n_cluster = ncl;
      m->cluster = cn_calloc((size_t)ncl + 1, sizeof *m->cluster);
      m->n_clusters = cn_calloc((size_t)ncl + 1, sizeof *m->n_clusters);
      if (!m->cluster || !m->n_clusters) {
        goto oom_b;
      }
      for (int q = 0; q < ncl; q++) {
        m->cluster[q] = cn_strdup(opts->cluster[q]);
        m->n_clusters[q] = G[q];
        if (!m->cluster[q]) {
          goto oom_b;
        }
      }
    }
    if (st != CN_OK) goto free_b;
    /* V = factor · D meat D */
    double *tmp = cn_calloc((size_t)ka * (size_t)ka + 1, sizeof *tmp);
    if (!tmp) goto oom_b;
    for (int a = 0; a < ka; a++)
      for (int q = 0; q < ka; q++) {
        double s1 = 0;
        for (int r = 0; r < ka; r++) s1 += XtX[a * ka + r] * meat[r * ka + q];
        tmp[a * ka + q] = s1;
      }
    for (int a = 0; a < ka; a++)
      for (int q = 0; q < ka; q++) {
        double s1 = 0;
        for (int r = 0; r < ka; r++) s1 += tmp[a * ka + r] * XtX[r * ka + q];
        V[a * ka + q] = factor * s1;
      }
    cn_free(tmp);
  }
  if (cons) { /* V ← L V L' (above), with the kept columns' means */
    for (int c = 0; c < k; c++) means[c] = cols[kept[c]].mean; /* kept is increasing */
    cn__vce_uncenter(V, ka, k, means);
  }
  if (opts->vce == CN_VCE_CLUSTER && ncl > 1 && k > 0 && (st = cn__vce_psd_slopes(V, ka, k, m, d)) != CN_OK)
    goto free_b;
  /* coefficients */
  m->ncoef = ka;
  m->coef = cn_calloc((size_t)ka + 1, sizeof *m->coef);
  m->V = V;
  V = NULL;
  if (!m->coef) goto oom_b;
  double tq = gsl_cdf_tdist_Qinv(0.025, m->df_r);
  for (int a = 0; a < ka; a++) {
    cn_coef *cf = &m->coef[a];
    cf->name = cn_strdup(a < k ? cols[kept[a]].name : "_cons");
    if (!cf->name) goto oom_b;
    cf->b = b[a];
    cf->se = sqrt(m->V[a * ka + a]);
    if (exact) {
      cf->t = cf->p = cf->ci_low = cf->ci_high = NAN;
      continue;
    }
    cf->t = cf->b / cf->se;
    cf->p = 2 * gsl_cdf_tdist_Q(fabs(cf->t), m->df_r);
    cf->ci_low = cf->b - tq * cf->se;
    cf->ci_high = cf->b + tq * cf->se;
  }
  /* fit statistics (reghdfe) */
  double used_df = N - df_a - dk;
  m->rss = rss;
  m->tss = tss;
  m->tss_within = tssw;
  m->r2 = 1 - rss / tss;
  m->r2_within = nfe > 0 ? 1 - rss / tssw : m->r2;
  m->r2_a = 1 - (rss / used_df) / (tss / (cons ? N - 1 : N)); /* R's lm: n − 1 with a constant */
  m->r2_within_a = 1 - (rss / used_df) / (tssw / (used_df + dk));
  m->rmse = sqrt(rss / used_df);
  m->ll = NAN;
  m->pseudo_r2 = NAN;
  /* model F: Wald test of the slopes. iid: b'V⁻¹b = b'X'WXb / s² = the
   * model sum of squares Σw(Xb)² over the demeaned columns / s² (R's F),
   * with no inverse; otherwise V is scaled to its correlation matrix
   * before the Cholesky, so the regressors' units do not matter */
  m->F = NAN;
  m->F_p = NAN;
  if (k > 0 && opts->vce == CN_VCE_IID) {
    long double mss = 0;
    for (int64_t i = 0; i < n; i++) {
      long double fit = 0;
      for (int a = 0; a < k; a++) fit += (long double)xa[a][i] * b[a];
      mss += (w ? w[i] : 1) * fit * fit;
    }
    m->F = (double)(mss / (rss / df_resid)) / dk;
    m->F_p = gsl_cdf_fdist_Q(m->F, dk, m->df_r);
  } else if (k > 0) {
    double *Vs = cn_malloc((size_t)k * (size_t)k * sizeof *Vs + 8);
    if (!Vs) goto oom_b;
    bool pos = true;
    for (int a = 0; a < k; a++) pos = pos && m->V[a * ka + a] > 0;
    for (int a = 0; pos && a < k; a++)
      for (int q = 0; q < k; q++) Vs[a * k + q] = m->V[a * ka + q] / sqrt(m->V[a * ka + a] * m->V[q * ka + q]);
    if (pos && spd_inverse(Vs, k)) {
      double wald = 0;
      for (int a = 0; a < k; a++)
        for (int q = 0; q < k; q++)
          wald += b[a] / sqrt(m->V[a * ka + a]) * Vs[a * k + q] * b[q] / sqrt(m->V[q * ka + q]);
      m->F = wald / dk;
      m->F_p = gsl_cdf_fdist_Q(m->F, dk, m->df_r);
    }
    cn_free(Vs);
  }
  if (exact) {
    m->F = m->F_p = NAN;
    if (cn__model_note(m, "the regressors%s fit %s exactly (R-squared = 1 up to rounding): the standard errors are 0 "
                    "up to rounding; t, p, confidence intervals and F are not defined",
                 nfe > 0 ? " and fixed effects" : "", f->dep.text) != CN_OK)
      goto oom_b;
  }
  if (m->singletons && cn__model_note(m, "%lld singleton observation%s dropped", (long long)m->singletons,
                                m->singletons == 1 ? "" : "s") != CN_OK)
    goto oom_b;
  if (!(m->command = cn_strdup("reg")) || !(m->estimator = cn_strdup("ols")) ||
      !(m->depvar = cn_strdup(f->dep.text)) || !(m->formula = cn_strdup(formula)))
    goto oom_b;
  goto free_b;
oom_b:
  st = oom(d);
free_b:
  cn_free(b);
  cn_free(kept);
  goto done;
oom:
  st = oom(d);
done:
  if (job) cn__job_end();
  if (st == CN_OK) *out = m;
  else cn_model_free(m);
  cn_free(e);
  cn_free(XtX);
  cn_free(ref);
  cn_free(raw_y);
  for (int j = 0; raw_x && j < ds.nset[0]; j++) cn_free(raw_x[j]);
  cn_free(raw_x);
  cn_free(means);
  cn_free(V);
  cn_free(meat);
  cn_free(xa);
  if (ab.wsum) ds.ab = ab; /* prepared here (wsum, plan); freed with the design */
  cn__design_free(&ds);
  return st;
}

void cn__model_init(cn_model *m) {
  m->kp_lm = m->kp_lm_df = m->kp_lm_p = m->kp_wald_f = m->cd_f = NAN;
  for (int q = 0; q < 4; q++) m->sy_crit[q] = NAN;
  m->ll = m->ll0 = m->pseudo_r2 = NAN;
  m->sigma = m->sigma_se = m->rho = m->lambda = m->lambda_se = NAN;
  m->F = m->F_p = NAN;
  m->r2 = m->r2_within = m->r2_a = m->r2_within_a = m->rmse = m->rss = NAN;
}

void cn_model_free(cn_model *m) {
  if (!m) return;
  cn_free(m->command);
  cn_free(m->estimator);
  cn_free(m->depvar);
  cn_free(m->formula);
  for (int g = 0; g < m->n_fe; g++) cn_free(m->fe[g].name);
  cn_free(m->fe);
  for (int q = 0; q < m->n_cluster; q++) cn_free(m->cluster ? m->cluster[q] : NULL);
  cn_free(m->cluster);
  cn_free(m->n_clusters);
  for (int a = 0; a < m->ncoef; a++) cn_free(m->coef ? m->coef[a].name : NULL);
  cn_free(m->coef);
  cn_free(m->V);
  for (int q = 0; q < m->n_notes; q++) cn_free(m->notes[q]);
  cn_free(m->notes);
  for (int s = 0; m->first && s < m->n_first; s++) {
    cn_free(m->first[s].endog);
    for (int a = 0; a < m->first[s].ncoef; a++) cn_free(m->first[s].coef ? m->first[s].coef[a].name : NULL);
    cn_free(m->first[s].coef);
  }
  cn_free(m->first);
  for (int a = 0; a < m->n_margins; a++) {
    cn_free(m->mem ? m->mem[a].name : NULL);
    cn_free(m->ame ? m->ame[a].name : NULL);
  }
  cn_free(m->mem);
  cn_free(m->ame);
  cn_free(m);
}
