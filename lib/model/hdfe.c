/* lib/model/hdfe.c — absorbing fixed effects (spec/econometrics.md §1):
 * dense level ids, iterative singleton removal, redundant levels from
 * connected components, and the demeaning of a column by alternating
 * projections with Irons–Tuck acceleration. */
#include <math.h>
#include <string.h>
#include "hdfe.h"

/* Dense ids 0.. for the rows of keys (n rows, nk keys per row, row-major),
 * numbered in order of first appearance. Returns the number of levels, or
 * -1 when out of memory. */
int64_t cn__group_ids(const int64_t *keys, int64_t n, int nk, int32_t *id) {
  if (nk == 1 && n > 0) {
    /* integer codes in a range not much wider than n: a direct table */
    int64_t lo = keys[0], hi = keys[0];
    for (int64_t r = 1; r < n; r++) {
      if (keys[r] < lo) lo = keys[r];
      if (keys[r] > hi) hi = keys[r];
    }
    if (lo > INT64_MIN / 4 && hi < INT64_MAX / 4 && hi - lo < 2 * n + 1024) {
      int32_t *map = cn_malloc(((size_t)(hi - lo) + 1) * sizeof *map);
      if (!map) return -1;
      for (int64_t v = 0; v <= hi - lo; v++) map[v] = -1;
      int64_t levels = 0;
      for (int64_t r = 0; r < n; r++) {
        int32_t *slot = &map[keys[r] - lo];
        if (*slot < 0) *slot = (int32_t)levels++;
        id[r] = *slot;
      }
      cn_free(map);
      return levels;
    }
  }
  uint64_t cap = 16;
  while (cap < (uint64_t)n * 2 + 16) cap <<= 1;
  int64_t *slot = cn_malloc(cap * sizeof *slot); /* row of the first holder, -1 empty */
  if (!slot) return -1;
  for (uint64_t i = 0; i < cap; i++) slot[i] = -1;
  int64_t levels = 0;
  for (int64_t r = 0; r < n; r++) {
    const int64_t *k = keys + r * nk;
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int j = 0; j < nk; j++) {
      h ^= (uint64_t)k[j];
      h *= 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    uint64_t p = h & (cap - 1);
    for (;;) {
      int64_t q = slot[p];
      if (q < 0) {
        slot[p] = r;
        id[r] = (int32_t)levels++;
        break;
      }
      if (memcmp(keys + q * nk, k, (size_t)nk * sizeof *k) == 0) {
        id[r] = id[q];
        break;
      }
      p = (p + 1) & (cap - 1);
    }
  }
  cn_free(slot);
  return levels;
}

/* Marks in keep[] (1 = kept) the rows that stay after dropping, again and
 * again, rows alone in a level of some fixed effect. Returns the number of
 * rows dropped, or -1 when out of memory. */
int64_t cn__drop_singletons(cn__absorb *a, unsigned char *keep) {
  int64_t dropped = 0;
  int32_t *cnt = NULL;
  int64_t maxlev = 0;
  for (int g = 0; g < a->nfe; g++)
    if (a->nlev[g] > maxlev) maxlev = a->nlev[g];
  cnt = cn_malloc(((size_t)maxlev + 1) * sizeof *cnt);
  if (!cnt) return -1;
  bool again = true;
  while (again) {
    again = false;
    for (int g = 0; g < a->nfe; g++) {
      memset(cnt, 0, (size_t)a->nlev[g] * sizeof *cnt);
      const int32_t *id = a->id[g];
      for (int64_t i = 0; i < a->n; i++)
        if (keep[i] && cnt[id[i]] < 2) cnt[id[i]]++;
      for (int64_t i = 0; i < a->n; i++)
        if (keep[i] && cnt[id[i]] == 1) {
          keep[i] = 0;
          dropped++;
          again = true;
        }
    }
  }
  cn_free(cnt);
  return dropped;
}

static int32_t uf_find(int32_t *p, int32_t x) {
  while (p[x] != x) {
    p[x] = p[p[x]];
    x = p[x];
  }
  return x;
}

/* Connected components of the bipartite graph whose nodes are the levels
 * of fixed effects g and h and whose edges are the rows; -1 when out of
 * memory. */
int64_t cn__fe_components(const cn__absorb *a, int g, int h) {
  int64_t ng = a->nlev[g], nh = a->nlev[h];
  int32_t *p = cn_malloc(((size_t)(ng + nh) + 1) * sizeof *p);
  if (!p) return -1;
  for (int64_t i = 0; i < ng + nh; i++) p[i] = (int32_t)i;
  int64_t comps = ng + nh;
  for (int64_t i = 0; i < a->n; i++) {
    int32_t x = uf_find(p, a->id[g][i]), y = uf_find(p, (int32_t)(ng + a->id[h][i]));
    if (x != y) {
      p[x] = y;
      comps--;
    }
  }
  cn_free(p);
  return comps;
}

/* Whether every level of fixed effect g lies within one cluster. */
bool cn__fe_nested(const cn__absorb *a, int g, const int32_t *cl) {
  int32_t *owner = cn_malloc(((size_t)a->nlev[g] + 1) * sizeof *owner);
  if (!owner) return false;
  for (int64_t l = 0; l < a->nlev[g]; l++) owner[l] = -1;
  bool nested = true;
  for (int64_t i = 0; i < a->n && nested; i++) {
    int32_t l = a->id[g][i];
    if (owner[l] < 0) owner[l] = cl[i];
    else if (owner[l] != cl[i]) nested = false;
  }
  cn_free(owner);
  return nested;
}

/* Precomputes the weight of every level (1 per row without weights). */
cn_status cn__absorb_prepare(cn__absorb *a, cn_diag *d) {
  for (int g = 0; g < a->nfe; g++) {
    a->wsum[g] = cn_calloc((size_t)a->nlev[g] + 1, sizeof **a->wsum);
    if (!a->wsum[g]) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
    for (int64_t i = 0; i < a->n; i++) a->wsum[g][a->id[g][i]] += a->w ? a->w[i] : 1.0;
  }
  return CN_OK;
}

/* dst ← src minus its (weighted) mean within each level of fixed effect g
 * (src may be dst); mean is nlev scratch. */
static void project(const cn__absorb *a, int g, const double *src, double *dst, double *mean) {
  const int32_t *id = a->id[g];
  int64_t nl = a->nlev[g];
  memset(mean, 0, (size_t)nl * sizeof *mean);
  if (a->w)
    for (int64_t i = 0; i < a->n; i++) mean[id[i]] += a->w[i] * src[i];
  else
    for (int64_t i = 0; i < a->n; i++) mean[id[i]] += src[i];
  for (int64_t l = 0; l < nl; l++) mean[l] = a->wsum[g][l] > 0 ? mean[l] / a->wsum[g][l] : 0;
  for (int64_t i = 0; i < a->n; i++) dst[i] = src[i] - mean[id[i]];
}

/* One sweep dst = T src: project on every fixed effect in turn. */
static void sweep(const cn__absorb *a, const double *src, double *dst, double *mean) {
  project(a, 0, src, dst, mean);
  for (int g = 1; g < a->nfe; g++) project(a, g, dst, dst, mean);
}

static double dot(const double *x, const double *y, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

/* Partials all fixed effects out of x (length a->n) in place. One fixed
 * effect: one exact pass. Several: sweeps x1 = T x, x2 = T x1, then an
 * Irons–Tuck step x ← x2 − (Δ·Δ²/Δ²·Δ²) Δ with Δ = x2 − x1 and
 * Δ² = x2 − 2x1 + x, until the change of a sweep is at most tol times the
 * norm of x. *iters gets the sweeps made; CN_EANALYSIS when max_iter rounds
 * do not converge. */
cn_status cn__demean(const cn__absorb *a, double *x, double tol, int max_iter, int *iters,
                     cn_diag *d) {
  int64_t n = a->n, maxlev = 0;
  cn_status st = CN_OK;
  *iters = 0;
  if (a->nfe == 0) return CN_OK;
  for (int g = 0; g < a->nfe; g++)
    if (a->nlev[g] > maxlev) maxlev = a->nlev[g];
  double *mean = cn_malloc(((size_t)maxlev + 1) * sizeof *mean);
  double *x1 = NULL, *x2 = NULL;
  if (!mean) goto oom;
  if (a->nfe == 1) {
    project(a, 0, x, x, mean);
    *iters = 1;
    goto done;
  }
  x1 = cn_malloc(((size_t)n + 1) * sizeof *x1);
  x2 = cn_malloc(((size_t)n + 1) * sizeof *x2);
  if (!x1 || !x2) goto oom;
  for (int it = 1;; it++) {
    if (it > max_iter) {
      st = cn_diag_set(d, CN_EANALYSIS,
                       "fixed effects not absorbed after %d iterations (tolerance %g)", max_iter, tol);
      goto done;
    }
    sweep(a, x, x1, mean);
    sweep(a, x1, x2, mean);
    *iters += 2;
    double ch = 0, nx = 0, d12 = 0, d22 = 0;
    for (int64_t i = 0; i < n; i++) {
      double dl = x2[i] - x1[i], d2 = x2[i] - 2 * x1[i] + x[i];
      ch += dl * dl;
      nx += x2[i] * x2[i];
      d12 += dl * d2;
      d22 += d2 * d2;
    }
    if (ch <= tol * tol * nx || nx == 0) {
      memcpy(x, x2, (size_t)n * sizeof *x);
      break;
    }
    double c = d22 > 0 ? d12 / d22 : 0;
    for (int64_t i = 0; i < n; i++) x[i] = x2[i] - c * (x2[i] - x1[i]);
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(mean);
  cn_free(x1);
  cn_free(x2);
  return st;
}

/* u_i = Σ_g p_g[id_g(i)]: the fixed effects' coefficients p (levels of
 * all fixed effects one after another, from offset off[g]) on the rows. */
static void fe_apply(const cn__absorb *a, const int64_t *off, const double *p, double *u) {
  for (int64_t i = 0; i < a->n; i++) u[i] = 0;
  for (int g = 0; g < a->nfe; g++) {
    const int32_t *id = a->id[g];
    const double *pg = p + off[g];
    for (int64_t i = 0; i < a->n; i++) u[i] += pg[id[i]];
  }
}

/* q_g[l] = Σ_{i in level l of g} w_i u_i, for every fixed effect. */
static void fe_gather(const cn__absorb *a, const int64_t *off, const double *u, double *q) {
  for (int64_t l = 0; l < off[a->nfe]; l++) q[l] = 0;
  for (int g = 0; g < a->nfe; g++) {
    const int32_t *id = a->id[g];
    double *qg = q + off[g];
    if (a->w)
      for (int64_t i = 0; i < a->n; i++) qg[id[i]] += a->w[i] * u[i];
    else
      for (int64_t i = 0; i < a->n; i++) qg[id[i]] += u[i];
  }
}

/* Partials the fixed effects out of x by conjugate gradients on the normal
 * equations D'WD α = D'Wx of their coefficients, with the diagonal (the
 * levels' weights) as preconditioner, until ||D'W(x − Dα)|| <= tol ||D'Wx||;
 * then x ← x − Dα. The system is singular when levels are redundant; it is
 * consistent, so CG still converges to a solution and x − Dα is unique. */
cn_status cn__demean_cg(const cn__absorb *a, double *x, double tol, int max_iter, int *iters,
                        cn_diag *d) {
  cn_status st = CN_OK;
  int64_t n = a->n, L = 0;
  int64_t off[65];
  *iters = 0;
  if (a->nfe > 64) return cn_diag_set(d, CN_EUSAGE, "more than 64 fixed effects");
  for (int g = 0; g < a->nfe; g++) off[g] = L, L += a->nlev[g];
  off[a->nfe] = L;
  double *alpha = cn_calloc((size_t)L + 1, sizeof *alpha), *r = cn_malloc(((size_t)L + 1) * sizeof *r);
  double *z = cn_malloc(((size_t)L + 1) * sizeof *z), *p = cn_malloc(((size_t)L + 1) * sizeof *p);
  double *q = cn_malloc(((size_t)L + 1) * sizeof *q), *u = cn_malloc(((size_t)n + 1) * sizeof *u);
  double *minv = cn_malloc(((size_t)L + 1) * sizeof *minv);
  if (!alpha || !r || !z || !p || !q || !u || !minv) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int g = 0; g < a->nfe; g++)
    for (int64_t l = 0; l < a->nlev[g]; l++)
      minv[off[g] + l] = a->wsum[g][l] > 0 ? 1 / a->wsum[g][l] : 0;
  fe_gather(a, off, x, r); /* r = D'Wx − D'WDα with α = 0 */
  double bnorm = sqrt(dot(r, r, L)), rz = 0;
  for (int64_t l = 0; l < L; l++) z[l] = minv[l] * r[l], p[l] = z[l];
  rz = dot(r, z, L);
  for (int it = 1; bnorm > 0; it++) {
    if (sqrt(dot(r, r, L)) <= tol * bnorm) break;
    if (it > max_iter) {
      st = cn_diag_set(d, CN_EANALYSIS,
                       "fixed effects not absorbed after %d iterations (tolerance %g)", max_iter, tol);
      goto done;
    }
    *iters = it;
    fe_apply(a, off, p, u);
    fe_gather(a, off, u, q);
    double pq = dot(p, q, L);
    if (!(pq > 0)) break;
    double step = rz / pq;
    for (int64_t l = 0; l < L; l++) alpha[l] += step * p[l], r[l] -= step * q[l];
    for (int64_t l = 0; l < L; l++) z[l] = minv[l] * r[l];
    double rz2 = dot(r, z, L), beta = rz2 / rz;
    rz = rz2;
    for (int64_t l = 0; l < L; l++) p[l] = z[l] + beta * p[l];
  }
  fe_apply(a, off, alpha, u);
  for (int64_t i = 0; i < n; i++) x[i] -= u[i];
done:
  cn_free(alpha);
  cn_free(r);
  cn_free(z);
  cn_free(p);
  cn_free(q);
  cn_free(u);
  cn_free(minv);
  return st;
}

void cn__absorb_free(cn__absorb *a) {
  for (int g = 0; g < a->nfe; g++) {
    cn_free(a->id[g]);
    cn_free(a->wsum[g]);
  }
  cn_free(a->id);
  cn_free(a->wsum);
  cn_free(a->nlev);
  memset(a, 0, sizeof *a);
}
