/* lib/model/hdfe.c — absorbing fixed effects (spec/econometrics.md §1):
 * dense level ids, iterative singleton removal, redundant levels from
 * connected components, and the demeaning of a column (below). */
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

/* The demeaning (spec/econometrics.md §1, docs/models.md "Absorbing").
 * With fixed effects g = 1..G, the fixed effect with most levels (big) is
 * eliminated exactly: its coefficients are the level means of what the
 * others leave. What remains is the Schur complement system
 *   S a = b,  S = Ds'W(I − P)Ds,  b = Ds'W(I − P)x
 * in the coefficients a of the other fixed effects (Ds their dummies, P the
 * weighted projection on the big one's levels): small (√n + n^0.33 levels
 * on fixest's design), so every step works on coefficient vectors and one
 * application of S is one pass over the level ids of the rows, sorted by
 * level of the big fixed effect, that never reads x. With two fixed effects
 * the fixed-point iteration a ← a + W⁻¹(b − S a) is fixest's closed
 * alternation between the two coefficient vectors.
 *
 * Determinism: every sum over rows runs over a fixed partition of the rows
 * (plan.nb blocks, a function of n alone) in order within a block, and the
 * blocks' partial sums are added in block order; so results are
 * bit-identical whatever the number of threads. */

#define CN__BLOCKS 8            /* blocks of rows (and of levels) */
#define CN__BLOCK_ROWS 1024     /* below CN__BLOCKS × this many rows: one block */

struct cn__plan {
  int nb;         /* blocks */
  int big;        /* the fixed effect eliminated */
  int q;          /* the others: nfe − 1 */
  int *oth;       /* their indices, in order */
  int64_t ls;     /* their coefficients, one fixed effect after another */
  int64_t *soff;  /* q + 1 offsets into those */
  int64_t *rowb;  /* nb + 1 row boundaries of the blocks */
  int64_t *start; /* nlev[big] + 1: level l's rows in sorted order */
  int64_t *chunk; /* nb + 1 boundaries of blocks of big levels */
  int32_t *rec;   /* q ids per row, rows sorted by level of big (stable) */
  double *sw;     /* the weights in that order (NULL without) */
  double *w1inv;  /* nlev[big]: 1 / weight of the level (0 when empty) */
  double *pinv;   /* ls: 1 / diag(S), CG's preconditioner */
  double *wsinv;  /* ls: 1 / weight of the level, the fixed point's */
  double *scr;    /* nb × max(nlev[big], ls): per-block partial sums */
};

static int64_t blk_lo(int64_t n, int nb, int b) { return (int64_t)((__int128)n * b / nb); }

static void plan_free(struct cn__plan *p) {
  if (!p) return;
  cn_free(p->oth);
  cn_free(p->soff);
  cn_free(p->rowb);
  cn_free(p->start);
  cn_free(p->chunk);
  cn_free(p->rec);
  cn_free(p->sw);
  cn_free(p->w1inv);
  cn_free(p->pinv);
  cn_free(p->wsinv);
  cn_free(p->scr);
  cn_free(p);
}

/* out[l] = Σ_{i: id[i] = l} w_i x_i (x NULL: Σ w_i) over the fixed row
 * blocks of p, each block's sums in p->scr, added in block order. */
static void level_sums(const cn__absorb *a, const struct cn__plan *p, const int32_t *id, int64_t nl,
                       const double *x, double *out) {
  const double *w = a->w;
  int nb = p->nb;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < nb; b++) {
    double *acc = p->scr + (size_t)b * (size_t)nl;
    memset(acc, 0, (size_t)nl * sizeof *acc);
    int64_t lo = p->rowb[b], hi = p->rowb[b + 1];
    if (x && w)
      for (int64_t i = lo; i < hi; i++) acc[id[i]] += w[i] * x[i];
    else if (x)
      for (int64_t i = lo; i < hi; i++) acc[id[i]] += x[i];
    else if (w)
      for (int64_t i = lo; i < hi; i++) acc[id[i]] += w[i];
    else
      for (int64_t i = lo; i < hi; i++) acc[id[i]] += 1.0;
  }
#pragma omp parallel for schedule(static)
  for (int64_t l = 0; l < nl; l++) {
    double s = 0;
    for (int b = 0; b < nb; b++) s += p->scr[(size_t)b * (size_t)nl + (size_t)l];
    out[l] = s;
  }
}

/* Adds the nb blocks of length len in p->scr into out, in block order. */
static void reduce_blocks(const struct cn__plan *p, int64_t len, double *out) {
  for (int64_t l = 0; l < len; l++) {
    double s = 0;
    for (int b = 0; b < p->nb; b++) s += p->scr[(size_t)b * (size_t)len + (size_t)l];
    out[l] = s;
  }
}

/* q = S v (v, q: ls); t1, when not NULL, gets Σ_{rows of l} w u for every
 * big level l, u = Ds v. One pass over the sorted ids. */
static void schur_apply(const struct cn__plan *p, const double *v, double *q,
                        double *t1) {
  int Q = p->q;
  int64_t ls = p->ls;
  const int32_t *rec = p->rec;
  const double *sw = p->sw;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < p->nb; c++) {
    double *acc = p->scr + (size_t)c * (size_t)ls;
    memset(acc, 0, (size_t)ls * sizeof *acc);
    for (int64_t l = p->chunk[c]; l < p->chunk[c + 1]; l++) {
      int64_t k0 = p->start[l], k1 = p->start[l + 1];
      double t = 0;
      if (Q == 1) {
        const double *v0 = v + p->soff[0];
        double *a0 = acc + p->soff[0];
        if (sw) {
          for (int64_t k = k0; k < k1; k++) t += sw[k] * v0[rec[k]];
          double m = t * p->w1inv[l];
          for (int64_t k = k0; k < k1; k++) a0[rec[k]] += sw[k] * (v0[rec[k]] - m);
        } else {
          for (int64_t k = k0; k < k1; k++) t += v0[rec[k]];
          double m = t * p->w1inv[l];
          for (int64_t k = k0; k < k1; k++) a0[rec[k]] += v0[rec[k]] - m;
        }
      } else if (Q == 2) {
        const double *v0 = v + p->soff[0], *v1 = v + p->soff[1];
        double *a0 = acc + p->soff[0], *a1 = acc + p->soff[1];
        const int32_t *r = rec + 2 * (size_t)k0;
        int64_t nk = k1 - k0;
        if (sw) {
          const double *s0 = sw + k0;
          for (int64_t k = 0; k < nk; k++) t += s0[k] * (v0[r[2 * k]] + v1[r[2 * k + 1]]);
          double m = t * p->w1inv[l];
          for (int64_t k = 0; k < nk; k++) {
            double e = s0[k] * (v0[r[2 * k]] + v1[r[2 * k + 1]] - m);
            a0[r[2 * k]] += e;
            a1[r[2 * k + 1]] += e;
          }
        } else {
          for (int64_t k = 0; k < nk; k++) t += v0[r[2 * k]] + v1[r[2 * k + 1]];
          double m = t * p->w1inv[l];
          for (int64_t k = 0; k < nk; k++) {
            double e = v0[r[2 * k]] + v1[r[2 * k + 1]] - m;
            a0[r[2 * k]] += e;
            a1[r[2 * k + 1]] += e;
          }
        }
      } else {
        for (int64_t k = k0; k < k1; k++) {
          const int32_t *r = rec + (size_t)k * (size_t)Q;
          double u = 0;
          for (int g = 0; g < Q; g++) u += v[p->soff[g] + r[g]];
          t += (sw ? sw[k] : 1.0) * u;
        }
        double m = t * p->w1inv[l];
        for (int64_t k = k0; k < k1; k++) {
          const int32_t *r = rec + (size_t)k * (size_t)Q;
          double u = 0;
          for (int g = 0; g < Q; g++) u += v[p->soff[g] + r[g]];
          double e = (sw ? sw[k] : 1.0) * (u - m);
          for (int g = 0; g < Q; g++) acc[p->soff[g] + r[g]] += e;
        }
      }
      if (t1) t1[l] = t;
    }
  }
  reduce_blocks(p, ls, q);
}

/* Builds a->plan: the blocks, the rows sorted by level of the fixed effect
 * with most levels (a stable counting sort, parallel by blocks), and the
 * preconditioners (the diagonal of S from one pass). */
static cn_status plan_build(cn__absorb *a, cn_diag *d) {
  struct cn__plan *p = cn_calloc(1, sizeof *p);
  int64_t n = a->n;
  int32_t *pos = NULL; /* n < 2^31 rows */
  double *dq = NULL, *acc2 = NULL;
  int64_t *stamp = NULL;
  int32_t *touched = NULL;
  if (!p) goto oom;
  a->plan = p;
  p->nb = n / CN__BLOCK_ROWS >= CN__BLOCKS ? CN__BLOCKS : 1;
  int nb = p->nb;
  p->big = 0;
  for (int g = 1; g < a->nfe; g++)
    if (a->nlev[g] > a->nlev[p->big]) p->big = g;
  int64_t L1 = a->nlev[p->big];
  p->q = a->nfe - 1;
  p->oth = cn_malloc(((size_t)p->q + 1) * sizeof *p->oth);
  p->soff = cn_malloc(((size_t)p->q + 2) * sizeof *p->soff);
  p->rowb = cn_malloc(((size_t)nb + 1) * sizeof *p->rowb);
  p->w1inv = cn_malloc(((size_t)L1 + 1) * sizeof *p->w1inv);
  if (!p->oth || !p->soff || !p->rowb || !p->w1inv) goto oom;
  p->ls = 0;
  for (int g = 0, t = 0; g < a->nfe; g++)
    if (g != p->big) {
      p->oth[t] = g;
      p->soff[t++] = p->ls;
      p->ls += a->nlev[g];
    }
  p->soff[p->q] = p->ls;
  for (int b = 0; b <= nb; b++) p->rowb[b] = blk_lo(n, nb, b);
  int64_t wide = L1 > p->ls ? L1 : p->ls;
  p->scr = cn_malloc(((size_t)nb * (size_t)wide + 1) * sizeof *p->scr);
  if (!p->scr) goto oom;
  /* the weight of every level */
  for (int g = 0; g < a->nfe; g++) {
    a->wsum[g] = cn_malloc(((size_t)a->nlev[g] + 1) * sizeof **a->wsum);
    if (!a->wsum[g]) goto oom;
    level_sums(a, p, a->id[g], a->nlev[g], NULL, a->wsum[g]);
  }
  for (int64_t l = 0; l < L1; l++) p->w1inv[l] = a->wsum[p->big][l] > 0 ? 1 / a->wsum[p->big][l] : 0;
  if (p->q == 0) return CN_OK;
  /* counting sort of the rows by big level: per-block counts, then
   * positions level by level and block by block */
  const int32_t *id1 = a->id[p->big];
  int Q = p->q;
  pos = cn_calloc((size_t)nb * (size_t)L1 + 1, sizeof *pos);
  p->start = cn_malloc(((size_t)L1 + 1) * sizeof *p->start);
  p->chunk = cn_malloc(((size_t)nb + 1) * sizeof *p->chunk);
  p->rec = cn_malloc(((size_t)n * (size_t)Q + 1) * sizeof *p->rec);
  if (a->w) p->sw = cn_malloc(((size_t)n + 1) * sizeof *p->sw);
  p->pinv = cn_malloc(((size_t)p->ls + 1) * sizeof *p->pinv);
  p->wsinv = cn_malloc(((size_t)p->ls + 1) * sizeof *p->wsinv);
  if (!pos || !p->start || !p->chunk || !p->rec || (a->w && !p->sw) || !p->pinv || !p->wsinv) goto oom;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < nb; b++) {
    int32_t *cnt = pos + (size_t)b * (size_t)L1;
    for (int64_t i = p->rowb[b]; i < p->rowb[b + 1]; i++) cnt[id1[i]]++;
  }
  int64_t run = 0;
  for (int64_t l = 0; l < L1; l++) {
    p->start[l] = run;
    for (int b = 0; b < nb; b++) {
      int64_t c = pos[(size_t)b * (size_t)L1 + (size_t)l];
      pos[(size_t)b * (size_t)L1 + (size_t)l] = (int32_t)run;
      run += c;
    }
  }
  p->start[L1] = run;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < nb; b++) {
    int32_t *at = pos + (size_t)b * (size_t)L1;
    for (int64_t i = p->rowb[b]; i < p->rowb[b + 1]; i++) {
      int64_t k = at[id1[i]]++;
      for (int t = 0; t < Q; t++) p->rec[(size_t)k * (size_t)Q + (size_t)t] = a->id[p->oth[t]][i];
      if (p->sw) p->sw[k] = a->w[i];
    }
  }
  cn_free(pos);
  pos = NULL;
  /* blocks of big levels with about n / nb rows each */
  p->chunk[0] = 0;
  for (int c = 1, l = 0; c <= nb; c++) {
    int64_t want = blk_lo(n, nb, c);
    while (l < L1 && p->start[l] < want) l++;
    p->chunk[c] = c == nb ? L1 : l;
  }
  /* diag(S)_j = W_j − Σ_l (Σ_{rows of l in j} w)² / W_l over big levels l */
  for (int t = 0; t < Q; t++)
    for (int64_t j = 0; j < a->nlev[p->oth[t]]; j++) {
      double wj = a->wsum[p->oth[t]][j];
      p->wsinv[p->soff[t] + j] = wj > 0 ? 1 / wj : 0;
    }
  int64_t maxrows = 0;
  for (int64_t l = 0; l < L1; l++)
    if (p->start[l + 1] - p->start[l] > maxrows) maxrows = p->start[l + 1] - p->start[l];
  /* a level touches at most min(rows × Q, ls) coefficients */
  int64_t maxt = maxrows * Q < p->ls ? maxrows * Q : p->ls;
  stamp = cn_malloc(((size_t)nb * (size_t)p->ls + 1) * sizeof *stamp);
  touched = cn_malloc(((size_t)nb * (size_t)maxt + 1) * sizeof *touched);
  dq = cn_malloc(((size_t)p->ls + 1) * sizeof *dq);
  acc2 = cn_malloc(((size_t)nb * (size_t)p->ls + 1) * sizeof *acc2);
  if (!stamp || !touched || !dq || !acc2) goto oom;
  int64_t ls = p->ls;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < nb; c++) {
    double *part = p->scr + (size_t)c * (size_t)ls, *acc = acc2 + (size_t)c * (size_t)ls;
    int64_t *st = stamp + (size_t)c * (size_t)ls;
    int32_t *tl = touched + (size_t)c * (size_t)maxt;
    for (int64_t j = 0; j < ls; j++) st[j] = -1, part[j] = 0;
    for (int64_t l = p->chunk[c]; l < p->chunk[c + 1]; l++) {
      int64_t nt = 0;
      for (int64_t k = p->start[l]; k < p->start[l + 1]; k++)
        for (int t = 0; t < Q; t++) {
          int64_t j = p->soff[t] + p->rec[(size_t)k * (size_t)Q + (size_t)t];
          if (st[j] != l) st[j] = l, acc[j] = 0, tl[nt++] = (int32_t)j;
          acc[j] += p->sw ? p->sw[k] : 1.0;
        }
      for (int64_t m = 0; m < nt; m++) part[tl[m]] += acc[tl[m]] * acc[tl[m]] * p->w1inv[l];
    }
  }
  reduce_blocks(p, ls, dq);
  for (int64_t j = 0; j < ls; j++) {
    double wj = p->wsinv[j] > 0 ? 1 / p->wsinv[j] : 0, dj = wj - dq[j];
    /* a level whose rows the big fixed effect explains entirely has
     * diag(S) = 0 up to rounding: keep the preconditioner positive */
    if (dj < 1e-9 * wj) dj = 1e-9 * wj;
    p->pinv[j] = dj > 0 ? 1 / dj : 0;
  }
  cn_free(stamp);
  cn_free(touched);
  cn_free(dq);
  cn_free(acc2);
  return CN_OK;
oom:
  cn_free(pos);
  cn_free(stamp);
  cn_free(touched);
  cn_free(dq);
  cn_free(acc2);
  return cn_diag_set(d, CN_EINTERNAL, "out of memory");
}

/* Precomputes the weight of every level and the plan of the demeaning
 * (a->plan, freed by cn__absorb_free). */
cn_status cn__absorb_prepare(cn__absorb *a, cn_diag *d) {
  if (a->nfe == 0) return CN_OK;
  if (a->n > INT32_MAX) return cn_diag_set(d, CN_EUSAGE, "more than %d observations with fixed effects", INT32_MAX);
  return plan_build(a, d);
}

static double vdot(const double *x, const double *y, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

#define SOLVE_CG 0
#define SOLVE_FP 1

/* Partials all fixed effects out of x in place, solving S a = b by method
 * (conjugate gradients or the accelerated fixed point); *iters gets the
 * applications of S (1 with one fixed effect). */
static cn_status demean(const cn__absorb *a, int method, double *x, double tol, int max_iter, int *iters,
                        cn_diag *d) {
  const struct cn__plan *p = a->plan;
  cn_status st = CN_OK;
  *iters = 0;
  if (a->nfe == 0) return CN_OK;
  if (!p) return cn_diag_set(d, CN_EINTERNAL, "fixed effects not prepared");
  int64_t n = a->n, L1 = a->nlev[p->big], ls = p->ls;
  const int32_t *id1 = a->id[p->big];
  const double *w = a->w;
  double *m1 = cn_malloc(((size_t)L1 + 1) * sizeof *m1);
  double *al = NULL, *b = NULL, *r = NULL, *z = NULL, *pv = NULL, *q = NULL, *y1 = NULL, *y2 = NULL;
  if (!m1) goto oom;
  /* the big fixed effect's level means */
  level_sums(a, p, id1, L1, x, m1);
  for (int64_t l = 0; l < L1; l++) m1[l] *= p->w1inv[l];
  if (p->q == 0) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) x[i] -= m1[id1[i]];
    *iters = 1;
    goto done;
  }
  al = cn_calloc((size_t)ls + 1, sizeof *al);
  b = cn_malloc(((size_t)ls + 1) * sizeof *b);
  r = cn_malloc(((size_t)ls + 1) * sizeof *r);
  z = cn_malloc(((size_t)ls + 1) * sizeof *z);
  pv = cn_malloc(((size_t)ls + 1) * sizeof *pv);
  q = cn_malloc(((size_t)ls + 1) * sizeof *q);
  double eb[CN__BLOCKS], xb[CN__BLOCKS];
  if (!al || !b || !r || !z || !pv || !q) goto oom;
  /* b = Ds'W(x − P x), with ||x − P x||² and ||x||² */
#pragma omp parallel for schedule(static)
  for (int c = 0; c < p->nb; c++) {
    double *acc = p->scr + (size_t)c * (size_t)ls, e2 = 0, x2 = 0;
    memset(acc, 0, (size_t)ls * sizeof *acc);
    const int32_t *i0 = a->id[p->oth[0]], *i1 = p->q > 1 ? a->id[p->oth[1]] : NULL;
    double *a0 = acc + p->soff[0], *a1 = p->q > 1 ? acc + p->soff[1] : NULL;
    for (int64_t i = p->rowb[c]; i < p->rowb[c + 1]; i++) {
      double wi = w ? w[i] : 1.0, xt = x[i] - m1[id1[i]], e = wi * xt;
      e2 += e * xt;
      x2 += wi * x[i] * x[i];
      a0[i0[i]] += e;
      if (p->q == 2) a1[i1[i]] += e;
      else
        for (int t = 1; t < p->q; t++) acc[p->soff[t] + a->id[p->oth[t]][i]] += e;
    }
    eb[c] = e2, xb[c] = x2;
  }
  reduce_blocks(p, ls, b);
  double E = 0, X2 = 0;
  for (int c = 0; c < p->nb; c++) E += eb[c], X2 += xb[c];
  /* the stopping rule: a step changes the demeaned x by at most tol times
   * its norm (or 1e-6 of the norm of x when x is almost all fixed effects) */
  double floor2 = 1e-12 * X2;
  if (method == SOLVE_CG) {
    /* preconditioned CG; the energy ||x − P x − (I−P)Ds a||² = E drops by
     * exactly step·rz each step, which is also the squared change of the
     * demeaned x */
    for (int64_t j = 0; j < ls; j++) r[j] = b[j], z[j] = p->pinv[j] * r[j], pv[j] = z[j];
    double rz = vdot(r, z, ls);
    for (int it = 1; rz > 0; it++) {
      if (it > max_iter) goto noconv;
      schur_apply(p, pv, q, NULL);
      *iters = it;
      double pq = vdot(pv, q, ls);
      if (!(pq > 0)) break;
      double step = rz / pq;
      for (int64_t j = 0; j < ls; j++) al[j] += step * pv[j], r[j] -= step * q[j];
      double dE = step * rz;
      E -= dE;
      if (dE <= tol * tol * (E > floor2 ? E : floor2)) break;
      for (int64_t j = 0; j < ls; j++) z[j] = p->pinv[j] * r[j];
      double rz2 = vdot(r, z, ls), beta = rz2 / rz;
      rz = rz2;
      for (int64_t j = 0; j < ls; j++) pv[j] = z[j] + beta * pv[j];
    }
  } else {
    /* the fixed point G(a) = a + ω W⁻¹(b − S a) (ω = 1 with two fixed
     * effects: fixest's alternation; 2/G with G of them, which keeps the
     * iteration contracting), Irons–Tuck after every second application,
     * until G changes the demeaned x (in the norm of Ds) by at most tol
     * times its norm. al = X; z = GX; pv = GGX. */
    double om = a->nfe == 2 ? 1.0 : 2.0 / a->nfe;
    y1 = cn_malloc(((size_t)ls + 1) * sizeof *y1);
    y2 = cn_malloc(((size_t)ls + 1) * sizeof *y2);
    if (!y1 || !y2) goto oom;
    int it = 0;
    for (;;) {
      /* z = G(al), converged? */
      if (++it > max_iter) goto noconv;
      schur_apply(p, al, q, NULL);
      *iters = it;
      double ch = 0, en = E + vdot(al, q, ls) - 2 * vdot(al, b, ls);
      for (int64_t j = 0; j < ls; j++) {
        double dl = om * p->wsinv[j] * (b[j] - q[j]);
        z[j] = al[j] + dl;
        ch += dl * dl / (p->wsinv[j] > 0 ? p->wsinv[j] : 1);
      }
      if (ch <= tol * tol * (en > floor2 ? en : floor2)) {
        memcpy(al, z, (size_t)ls * sizeof *al);
        break;
      }
      /* pv = G(z), then Irons–Tuck on al, z, pv */
      if (++it > max_iter) goto noconv;
      schur_apply(p, z, q, NULL);
      *iters = it;
      double vp = 0, ss = 0;
      for (int64_t j = 0; j < ls; j++) {
        pv[j] = z[j] + om * p->wsinv[j] * (b[j] - q[j]);
        y1[j] = pv[j] - z[j];
        y2[j] = y1[j] - z[j] + al[j];
        vp += y1[j] * y2[j];
        ss += y2[j] * y2[j];
      }
      if (ss == 0) {
        memcpy(al, pv, (size_t)ls * sizeof *al);
        break;
      }
      double cf = vp / ss;
      for (int64_t j = 0; j < ls; j++) al[j] = pv[j] - cf * y1[j];
    }
  }
  /* the big fixed effect's coefficients given the others, then x minus all */
  {
    double *t1 = cn_malloc(((size_t)L1 + 1) * sizeof *t1);
    if (!t1) goto oom;
    schur_apply(p, al, q, t1);
    for (int64_t l = 0; l < L1; l++) m1[l] -= t1[l] * p->w1inv[l];
    cn_free(t1);
  }
  {
    const int32_t *i0 = a->id[p->oth[0]], *i1 = p->q > 1 ? a->id[p->oth[1]] : NULL;
    const double *a0 = al + p->soff[0], *a1 = p->q > 1 ? al + p->soff[1] : NULL;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
      double u = m1[id1[i]] + a0[i0[i]];
      if (p->q == 2) u += a1[i1[i]];
      else
        for (int t = 1; t < p->q; t++) u += al[p->soff[t] + a->id[p->oth[t]][i]];
      x[i] -= u;
    }
  }
  goto done;
noconv:
  st = cn_diag_set(d, CN_EANALYSIS, "fixed effects not absorbed after %d iterations (tolerance %g)",
                   max_iter, tol);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(m1);
  cn_free(al);
  cn_free(b);
  cn_free(r);
  cn_free(z);
  cn_free(pv);
  cn_free(q);
  cn_free(y1);
  cn_free(y2);
  return st;
}

/* Partials all fixed effects out of x (length a->n) in place by the
 * accelerated fixed point on the Schur complement (fixest's method): one
 * exact pass for one fixed effect. *iters gets the applications of S;
 * CN_EANALYSIS when max_iter of them do not converge. Not reentrant: the
 * plan's scratch is shared (the rows are parallel inside). */
cn_status cn__demean(const cn__absorb *a, double *x, double tol, int max_iter, int *iters,
                     cn_diag *d) {
  return demean(a, SOLVE_FP, x, tol, max_iter, iters, d);
}

/* The same by conjugate gradients on the Schur complement, preconditioned
 * by its diagonal (the default). */
cn_status cn__demean_cg(const cn__absorb *a, double *x, double tol, int max_iter, int *iters,
                        cn_diag *d) {
  return demean(a, SOLVE_CG, x, tol, max_iter, iters, d);
}

void cn__absorb_free(cn__absorb *a) {
  for (int g = 0; g < a->nfe; g++) {
    cn_free(a->id[g]);
    cn_free(a->wsum[g]);
  }
  cn_free(a->id);
  cn_free(a->wsum);
  cn_free(a->nlev);
  plan_free(a->plan);
  memset(a, 0, sizeof *a);
}
