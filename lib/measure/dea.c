/* lib/measure/dea.c — DEA envelopment programs and Malmquist indices
 * (spec/measures.md §8) through GLPK's simplex.
 *
 * One LP per reference set, with columns [score, λ_1..λ_J, s⁻_1..s⁻_m,
 * s⁺_1..s⁺_s] and rows [inputs, outputs, (Σλ)], the λ only of the
 * reference DMUs no other one dominates (and, for large sets, only of those
 * that price out: column generation); each DMU only changes the
 * score's column, the row bounds and, for super-efficiency, one λ's bounds,
 * so the previous optimal basis warm-starts the next solve. Each input and
 * output is divided by its mean over the reference set (scores and λ do not
 * change; slacks are scaled back and their second-stage objective weighted
 * so that it is the sum in the data's units). */
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coinnet/dea.h"
#include "measure_int.h"

/* Reference sets with at least this many non-dominated DMUs are solved by
 * column generation. */
#define CN__DEA_CG_MIN 200
static bool cg_allowed = true;

/* Values this small (in mean-scaled units) are the solver's rounding: 0. */
#define DEA_ZERO 1e-10

void cn_dea_opts_init(cn_dea_opts *o) { memset(o, 0, sizeof *o); }

void cn_dea_result_free(cn_dea_result *r) {
  if (!r) return;
  cn_free(r->eff), cn_free(r->status), cn_free(r->slack_x), cn_free(r->slack_y);
  cn_free(r->peer_start), cn_free(r->peer), cn_free(r->lambda);
  memset(r, 0, sizeof *r);
}

/* Everything one run of solves needs; lives in the caller's frame so that
 * it survives a longjmp out of GLPK. */
typedef struct dea_ctx {
  int m, s;
  int64_t n, nref;
  const double *X, *Y, *Xr, *Yr;
  const int64_t *self;
  bool self_identity;
  int64_t ncol;           /* the reference DMUs that can be peers: λ columns */
  const int64_t *colref;  /* ncol: their index in the reference set; NULL: all, in order */
  const cn_dea_opts *o;
  cn_dea_result *r;
  glp_prob *P;
  double *sx, *sy;  /* m, s: the scale of each input and output */
  int *ind;         /* 1-based index scratch, m + s + 2 */
  double *val, *lam; /* m + s + 2; nref */
  int64_t cap_peer;
  char err[256];
} dea_ctx;

static void glpk_hook(void *info) { longjmp(*(jmp_buf *)info, 1); }

/* The column of λ_j (1-based GLPK index). */
static int col_lambda(int64_t j) { return (int)(2 + j); }

/* The reference DMU of λ column a. */
static int64_t col_dmu(const dea_ctx *c, int64_t a) { return c->colref ? c->colref[a] : a; }

/* Builds the LP of the reference set (scaled) with the score column empty. */
static void build_lp(dea_ctx *c) {
  int m = c->m, s = c->s;
  int64_t J = c->ncol;
  bool conv = c->o->rts != CN_DEA_CRS;
  glp_prob *P = c->P = glp_create_prob();
  glp_add_rows(P, m + s + (conv ? 1 : 0));
  glp_add_cols(P, (int)(1 + J + m + s));
  for (int i = 0; i < m; i++) glp_set_row_bnds(P, 1 + i, GLP_FX, 0, 0);
  for (int q = 0; q < s; q++) glp_set_row_bnds(P, 1 + m + q, GLP_FX, 0, 0);
  if (conv) {
    int rt = c->o->rts == CN_DEA_VRS ? GLP_FX : c->o->rts == CN_DEA_NIRS ? GLP_UP : GLP_LO;
    glp_set_row_bnds(P, 1 + m + s, rt, 1, 1);
  }
  glp_set_col_bnds(P, 1, GLP_LO, 0, 0);
  for (int64_t a = 0; a < J; a++) {
    int64_t j = col_dmu(c, a);
    int len = 0;
    for (int i = 0; i < m; i++) {
      double v = c->Xr[i + j * m] / c->sx[i];
      if (v != 0) c->ind[++len] = 1 + i, c->val[len] = v;
    }
    for (int q = 0; q < s; q++) {
      double v = c->Yr[q + j * s] / c->sy[q];
      if (v != 0) c->ind[++len] = 1 + m + q, c->val[len] = v;
    }
    if (conv) c->ind[++len] = 1 + m + s, c->val[len] = 1;
    glp_set_mat_col(P, col_lambda(a), len, c->ind, c->val);
    glp_set_col_bnds(P, col_lambda(a), GLP_LO, 0, 0);
  }
  for (int i = 0; i < m; i++) { /* s⁻: Σλx + s⁻ = θ x_o (input) or x_o */
    int jc = (int)(2 + J + i);
    c->ind[1] = 1 + i, c->val[1] = 1;
    glp_set_mat_col(P, jc, 1, c->ind, c->val);
    glp_set_col_bnds(P, jc, GLP_LO, 0, 0);
  }
  for (int q = 0; q < s; q++) { /* s⁺: Σλy − s⁺ = y_o or φ y_o */
    int jc = (int)(2 + J + m + q);
    c->ind[1] = 1 + m + q, c->val[1] = -1;
    glp_set_mat_col(P, jc, 1, c->ind, c->val);
    glp_set_col_bnds(P, jc, GLP_LO, 0, 0);
  }
  glp_set_obj_coef(P, 1, 1);
  glp_set_obj_dir(P, c->o->orient == CN_DEA_INPUT ? GLP_MIN : GLP_MAX);
}

/* Runs the simplex from the current basis, from a standard one when that
 * basis cannot be factorized. Returns the GLPK status or 0 on failure. */
static int run_simplex(dea_ctx *c, const glp_smcp *parm) {
  int ret = glp_simplex(c->P, parm);
  if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND || ret == GLP_EFAIL) {
    glp_adv_basis(c->P, 0);
    ret = glp_simplex(c->P, parm);
    if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND || ret == GLP_EFAIL) {
      glp_std_basis(c->P);
      ret = glp_simplex(c->P, parm);
    }
  }
  if (ret != 0) {
    snprintf(c->err, sizeof c->err, "the simplex method failed (GLPK code %d)", ret);
    return 0;
  }
  return glp_get_status(c->P);
}

/* Appends DMU k's peers (λ_j > 0, from c->lam) to the result. */
static bool add_peers(dea_ctx *c, int64_t k) {
  cn_dea_result *r = c->r;
  int64_t at = r->peer_start[k];
  for (int64_t j = 0; j < c->nref; j++) {
    if (c->lam[j] == 0) continue;
    if (at >= c->cap_peer) {
      int64_t nc = c->cap_peer ? 2 * c->cap_peer : 64;
      int64_t *np = cn_reallocarray(r->peer, (size_t)nc, sizeof *np);
      if (!np) return false;
      r->peer = np;
      double *nl = cn_reallocarray(r->lambda, (size_t)nc, sizeof *nl);
      if (!nl) return false;
      r->lambda = nl;
      c->cap_peer = nc;
    }
    r->peer[at] = j, r->lambda[at] = c->lam[j], at++;
  }
  r->peer_start[k + 1] = at;
  return true;
}

/* c->lam[j] for every reference DMU j from the LP's λ columns. */
static void read_lambda(dea_ctx *c) {
  if (c->colref)
    for (int64_t j = 0; j < c->nref; j++) c->lam[j] = 0;
  for (int64_t a = 0; a < c->ncol; a++) {
    double v = glp_get_col_prim(c->P, col_lambda(a));
    c->lam[col_dmu(c, a)] = fabs(v) < DEA_ZERO ? 0 : v;
  }
}

/* Solves every DMU; false with c->err on a solver failure or no memory. */
static bool solve_all(dea_ctx *c) {
  int m = c->m, s = c->s;
  int64_t J = c->ncol;
  bool in = c->o->orient == CN_DEA_INPUT;
  cn_dea_result *r = c->r;
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;
  /* the score's program with tighter tolerances (GLPK's 1e-7 leaves θ 5e-10
   * off on 10^4 DMUs); the slacks' one, whose θ is fixed at that optimum,
   * with GLPK's (tighter, it can find the fixed θ a hair infeasible) */
  glp_smcp parm2 = parm;
  parm.tol_bnd = 1e-10, parm.tol_dj = 1e-10;
  build_lp(c);
  for (int64_t k = 0; k < c->n; k++) {
    const double *xo = c->X + k * m, *yo = c->Y + k * s;
    int len = 0;
    if (in) {
      for (int i = 0; i < m; i++) {
        double v = xo[i] / c->sx[i];
        if (v != 0) c->ind[++len] = 1 + i, c->val[len] = -v;
        glp_set_row_bnds(c->P, 1 + i, GLP_FX, 0, 0);
      }
      for (int q = 0; q < s; q++) {
        double v = yo[q] / c->sy[q];
        glp_set_row_bnds(c->P, 1 + m + q, GLP_FX, v, v);
      }
    } else {
      for (int i = 0; i < m; i++) {
        double v = xo[i] / c->sx[i];
        glp_set_row_bnds(c->P, 1 + i, GLP_FX, v, v);
      }
      for (int q = 0; q < s; q++) {
        double v = yo[q] / c->sy[q];
        if (v != 0) c->ind[++len] = 1 + m + q, c->val[len] = -v;
        glp_set_row_bnds(c->P, 1 + m + q, GLP_FX, 0, 0);
      }
    }
    glp_set_mat_col(c->P, 1, len, c->ind, c->val);
    int64_t self = c->self ? c->self[k] : c->self_identity ? k : -1;
    if (c->o->super && self >= 0) glp_set_col_bnds(c->P, col_lambda(self), GLP_FX, 0, 0);
    int stat = run_simplex(c, &parm);
    if (!stat) return false;
    if (stat == GLP_OPT) {
      double eff = glp_get_obj_val(c->P);
      r->eff[k] = eff;
      r->status[k] = CN_DEA_LP_OK;
      read_lambda(c);
      if (c->o->slacks) {
        for (int i = 0; i < m; i++) r->slack_x[i + k * m] = glp_get_col_prim(c->P, (int)(2 + J + i));
        for (int q = 0; q < s; q++) r->slack_y[q + k * s] = glp_get_col_prim(c->P, (int)(2 + J + m + q));
        /* second stage: the score fixed, the slacks' sum in data units at its maximum */
        glp_set_col_bnds(c->P, 1, GLP_FX, eff, eff);
        glp_set_obj_coef(c->P, 1, 0);
        for (int i = 0; i < m; i++) glp_set_obj_coef(c->P, (int)(2 + J + i), c->sx[i]);
        for (int q = 0; q < s; q++) glp_set_obj_coef(c->P, (int)(2 + J + m + q), c->sy[q]);
        glp_set_obj_dir(c->P, GLP_MAX);
        int st2 = run_simplex(c, &parm2);
        if (!st2) return false;
        if (st2 == GLP_OPT) {
          for (int i = 0; i < m; i++) r->slack_x[i + k * m] = glp_get_col_prim(c->P, (int)(2 + J + i));
          for (int q = 0; q < s; q++) r->slack_y[q + k * s] = glp_get_col_prim(c->P, (int)(2 + J + m + q));
          read_lambda(c);
        } else { /* unbounded slacks (a reference DMU with no inputs), or a solver failure */
          r->n_slacks_missing++;
          for (int i = 0; i < m; i++) r->slack_x[i + k * m] = NAN;
          for (int q = 0; q < s; q++) r->slack_y[q + k * s] = NAN;
        }
        for (int i = 0; i < m; i++) {
          double v = r->slack_x[i + k * m];
          r->slack_x[i + k * m] = fabs(v) < DEA_ZERO ? 0 : v * c->sx[i];
        }
        for (int q = 0; q < s; q++) {
          double v = r->slack_y[q + k * s];
          r->slack_y[q + k * s] = fabs(v) < DEA_ZERO ? 0 : v * c->sy[q];
        }
        glp_set_col_bnds(c->P, 1, GLP_LO, 0, 0);
        glp_set_obj_coef(c->P, 1, 1);
        for (int i = 0; i < m; i++) glp_set_obj_coef(c->P, (int)(2 + J + i), 0);
        for (int q = 0; q < s; q++) glp_set_obj_coef(c->P, (int)(2 + J + m + q), 0);
        glp_set_obj_dir(c->P, in ? GLP_MIN : GLP_MAX);
      }
    } else {
      r->eff[k] = NAN;
      r->status[k] = stat == GLP_UNBND ? CN_DEA_LP_UNBOUNDED : CN_DEA_LP_INFEASIBLE;
      if (stat == GLP_UNBND) r->n_unbounded++;
      else r->n_infeasible++;
      for (int64_t j = 0; j < c->nref; j++) c->lam[j] = 0;
      if (c->o->slacks) {
        for (int i = 0; i < m; i++) r->slack_x[i + k * m] = NAN;
        for (int q = 0; q < s; q++) r->slack_y[q + k * s] = NAN;
      }
      /* start the next DMU from a basis that factorizes */
      glp_std_basis(c->P);
    }
    if (c->o->super && self >= 0) glp_set_col_bnds(c->P, col_lambda(self), GLP_LO, 0, 0);
    if (c->o->peers && !add_peers(c, k)) {
      snprintf(c->err, sizeof c->err, "out of memory");
      return false;
    }
    cn__progress("dea", (double)(k + 1), (double)c->n);
  }
  return true;
}


/* ---- column generation for large reference sets ----
 * Only the λ columns that price out enter the LP: after each solve the
 * reduced cost −π'a_j of every inactive reference DMU is computed from the
 * row duals π, and the DMUs that would improve the objective are added,
 * until none would. The optimum is the full LP's; the LP stays as small as
 * the frontier. Columns: [score, s⁻.., s⁺.., λ of the active DMUs]. Used
 * when the evaluated DMU is in the reference set (its own column makes the
 * restricted LP feasible) and not left out of it. */

typedef struct cg_state {
  int64_t nact, cap;
  int64_t *act;   /* active reference DMUs, by column */
  int64_t *last;  /* by column: the last evaluated DMU whose optimal basis held it */
  int *del;       /* 1-based scratch for glp_del_cols */
  int64_t *pos;   /* nref: column position of each DMU, or −1 */
  double *dual;   /* m + s + 1 */
} cg_state;

static int cg_col(const dea_ctx *c, int64_t a) { return (int)(2 + c->m + c->s + a); }

static bool cg_add(dea_ctx *c, cg_state *g, int64_t j) {
  if (g->pos[j] >= 0) return true;
  if (g->nact == g->cap) {
    int64_t nc = g->cap ? 2 * g->cap : 256;
    int64_t *na = cn_reallocarray(g->act, (size_t)nc, sizeof *na);
    if (!na) return false;
    g->act = na;
    int64_t *nl = cn_reallocarray(g->last, (size_t)nc, sizeof *nl);
    if (!nl) return false;
    g->last = nl;
    int *nd = cn_reallocarray(g->del, (size_t)nc + 1, sizeof *nd);
    if (!nd) return false;
    g->del = nd, g->cap = nc;
  }
  int m = c->m, s = c->s, len = 0;
  bool conv = c->o->rts != CN_DEA_CRS;
  for (int i = 0; i < m; i++) {
    double v = c->Xr[i + j * m] / c->sx[i];
    if (v != 0) c->ind[++len] = 1 + i, c->val[len] = v;
  }
  for (int q = 0; q < s; q++) {
    double v = c->Yr[q + j * s] / c->sy[q];
    if (v != 0) c->ind[++len] = 1 + m + q, c->val[len] = v;
  }
  if (conv) c->ind[++len] = 1 + m + s, c->val[len] = 1;
  int col = glp_add_cols(c->P, 1);
  glp_set_mat_col(c->P, col, len, c->ind, c->val);
  glp_set_col_bnds(c->P, col, GLP_LO, 0, 0);
  g->pos[j] = g->nact;
  g->last[g->nact] = INT64_MAX; /* new: kept until the next purge but one */
  g->act[g->nact++] = j;
  return true;
}

/* Columns held by no optimal basis for this many evaluated DMUs leave the
 * LP (they re-enter by pricing when needed); this keeps it near the size of
 * the frontier. */
#define CG_IDLE 128

/* Records which active columns DMU k's optimal basis holds and, every
 * CG_IDLE DMUs, deletes the non-basic ones idle since. */
static void cg_purge(dea_ctx *c, cg_state *g, int64_t k) {
  for (int64_t a = 0; a < g->nact; a++)
    if (g->last[a] == INT64_MAX || glp_get_col_stat(c->P, cg_col(c, a)) == GLP_BS) g->last[a] = k;
  if ((k + 1) % CG_IDLE) return;
  int nd = 0;
  int64_t w = 0;
  for (int64_t a = 0; a < g->nact; a++) {
    int64_t j = g->act[a];
    if (k - g->last[a] >= CG_IDLE && glp_get_col_stat(c->P, cg_col(c, a)) != GLP_BS) {
      g->del[++nd] = cg_col(c, a);
      g->pos[j] = -1;
    } else {
      g->act[w] = j, g->last[w] = g->last[a], g->pos[j] = w, w++;
    }
  }
  if (nd) glp_del_cols(c->P, nd, g->del);
  g->nact = w;
}

/* Columns entering per pricing round: few, so that the LP keeps only the
 * frontier's DMUs rather than every one that once priced out. */
#define CG_PICK 4

/* Solves to the full LP's optimum by pricing; returns the GLPK status or 0. */
static int cg_solve(dea_ctx *c, cg_state *g, const glp_smcp *parm, bool maximize) {
  int m = c->m, s = c->s, nr = m + s + (c->o->rts != CN_DEA_CRS ? 1 : 0);
  for (int round = 0; round < 100000; round++) {
    int stat = run_simplex(c, parm);
    if (stat != GLP_OPT) return stat;
    for (int r = 0; r < nr; r++) g->dual[r] = glp_get_row_dual(c->P, 1 + r);
    /* the CG_PICK columns that improve the objective most */
    int64_t pick[CG_PICK];
    double best[CG_PICK];
    int added = 0;
    for (int64_t a = 0; a < c->ncol; a++) {
      int64_t j = col_dmu(c, a);
      if (g->pos[j] >= 0) continue;
      double pa = 0;
      for (int i = 0; i < m; i++) pa += g->dual[i] * c->Xr[i + j * m] / c->sx[i];
      for (int q = 0; q < s; q++) pa += g->dual[m + q] * c->Yr[q + j * s] / c->sy[q];
      if (nr > m + s) pa += g->dual[m + s];
      double gain = maximize ? -pa : pa; /* > 0: the column improves the objective */
      if (!(gain > 1e-12) || (added == CG_PICK && gain <= best[added - 1])) continue;
      int at = added < CG_PICK ? added++ : CG_PICK - 1;
      while (at > 0 && best[at - 1] < gain) best[at] = best[at - 1], pick[at] = pick[at - 1], at--;
      best[at] = gain, pick[at] = j;
    }
    for (int k = 0; k < added; k++)
      if (!cg_add(c, g, pick[k])) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return 0;
      }
    if (!added) return GLP_OPT;
  }
  snprintf(c->err, sizeof c->err, "column generation did not end");
  return 0;
}

/* Whether reference DMU j weakly dominates (x, y). */
static bool dominates(const dea_ctx *c, int64_t j, const double *x, const double *y) {
  for (int i = 0; i < c->m; i++)
    if (c->Xr[i + j * c->m] > x[i]) return false;
  for (int q = 0; q < c->s; q++)
    if (c->Yr[q + j * c->s] < y[q]) return false;
  return true;
}

/* A column that makes the restricted LP of (x, y) feasible: an active or
 * non-dominated reference DMU that weakly dominates it (one always exists
 * when (x, y) is itself in the reference set), else its own column self.
 * Starting from the DMU's own column instead would keep every evaluated
 * DMU in the LP, which would grow to the whole reference set. */
static int64_t cg_start(const dea_ctx *c, const cg_state *g, const double *x, const double *y, int64_t self) {
  for (int64_t a = 0; a < g->nact; a++)
    if (dominates(c, g->act[a], x, y)) return g->act[a];
  for (int64_t a = 0; a < c->ncol; a++)
    if (dominates(c, col_dmu(c, a), x, y)) return col_dmu(c, a);
  return self;
}

/* solve_all for a large own reference set, without super-efficiency. */
static bool solve_all_cg(dea_ctx *c) {
  int m = c->m, s = c->s;
  bool in = c->o->orient == CN_DEA_INPUT, conv = c->o->rts != CN_DEA_CRS, ok = false;
  cn_dea_result *r = c->r;
  cg_state g = {0};
  g.pos = cn_malloc((size_t)c->nref * sizeof *g.pos);
  g.dual = cn_malloc(((size_t)m + s + 1) * sizeof *g.dual);
  if (!g.pos || !g.dual) {
    snprintf(c->err, sizeof c->err, "out of memory");
    goto done;
  }
  for (int64_t j = 0; j < c->nref; j++) g.pos[j] = -1;
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;
  /* the score's program with tighter tolerances (GLPK's 1e-7 leaves θ 5e-10
   * off on 10^4 DMUs); the slacks' one, whose θ is fixed at that optimum,
   * with GLPK's (tighter, it can find the fixed θ a hair infeasible) */
  glp_smcp parm2 = parm;
  parm.tol_bnd = 1e-10, parm.tol_dj = 1e-10;
  glp_prob *P = c->P = glp_create_prob();
  glp_add_rows(P, m + s + (conv ? 1 : 0));
  glp_add_cols(P, 1 + m + s);
  if (conv) {
    int rt = c->o->rts == CN_DEA_VRS ? GLP_FX : c->o->rts == CN_DEA_NIRS ? GLP_UP : GLP_LO;
    glp_set_row_bnds(P, 1 + m + s, rt, 1, 1);
  }
  glp_set_col_bnds(P, 1, GLP_LO, 0, 0);
  for (int i = 0; i < m; i++) {
    c->ind[1] = 1 + i, c->val[1] = 1;
    glp_set_mat_col(P, 2 + i, 1, c->ind, c->val);
    glp_set_col_bnds(P, 2 + i, GLP_LO, 0, 0);
  }
  for (int q = 0; q < s; q++) {
    c->ind[1] = 1 + m + q, c->val[1] = -1;
    glp_set_mat_col(P, 2 + m + q, 1, c->ind, c->val);
    glp_set_col_bnds(P, 2 + m + q, GLP_LO, 0, 0);
  }
  glp_set_obj_coef(P, 1, 1);
  glp_set_obj_dir(P, in ? GLP_MIN : GLP_MAX);
  for (int64_t k = 0; k < c->n; k++) {
    const double *xo = c->X + k * m, *yo = c->Y + k * s;
    int64_t self = c->self ? c->self[k] : k;
    if (!cg_add(c, &g, cg_start(c, &g, xo, yo, self))) {
      snprintf(c->err, sizeof c->err, "out of memory");
      goto done;
    }
    int len = 0;
    for (int i = 0; i < m; i++) {
      double v = xo[i] / c->sx[i];
      if (in && v != 0) c->ind[++len] = 1 + i, c->val[len] = -v;
      glp_set_row_bnds(P, 1 + i, GLP_FX, in ? 0 : v, in ? 0 : v);
    }
    for (int q = 0; q < s; q++) {
      double v = yo[q] / c->sy[q];
      if (!in && v != 0) c->ind[++len] = 1 + m + q, c->val[len] = -v;
      glp_set_row_bnds(P, 1 + m + q, GLP_FX, in ? v : 0, in ? v : 0);
    }
    glp_set_mat_col(P, 1, len, c->ind, c->val);
    int stat = cg_solve(c, &g, &parm, !in);
    if (!stat) goto done;
    if (stat != GLP_OPT) {
      snprintf(c->err, sizeof c->err, "the restricted LP of DMU %lld has no optimum", (long long)k + 1);
      goto done;
    }
    double eff = glp_get_obj_val(P);
    r->eff[k] = eff;
    r->status[k] = CN_DEA_LP_OK;
    if (c->o->slacks) {
      glp_set_col_bnds(P, 1, GLP_FX, eff, eff);
      glp_set_obj_coef(P, 1, 0);
      for (int i = 0; i < m; i++) glp_set_obj_coef(P, 2 + i, c->sx[i]);
      for (int q = 0; q < s; q++) glp_set_obj_coef(P, 2 + m + q, c->sy[q]);
      glp_set_obj_dir(P, GLP_MAX);
      int st2 = cg_solve(c, &g, &parm2, true);
      if (!st2) goto done;
      if (st2 != GLP_OPT) r->n_slacks_missing++;
      for (int i = 0; i < m; i++) {
        double v = st2 == GLP_OPT ? glp_get_col_prim(P, 2 + i) : NAN;
        r->slack_x[i + k * m] = fabs(v) < DEA_ZERO ? 0 : v * c->sx[i];
      }
      for (int q = 0; q < s; q++) {
        double v = st2 == GLP_OPT ? glp_get_col_prim(P, 2 + m + q) : NAN;
        r->slack_y[q + k * s] = fabs(v) < DEA_ZERO ? 0 : v * c->sy[q];
      }
    }
    if (c->o->peers) {
      for (int64_t j = 0; j < c->nref; j++) c->lam[j] = 0;
      for (int64_t a = 0; a < g.nact; a++) {
        double v = glp_get_col_prim(P, cg_col(c, a));
        c->lam[g.act[a]] = fabs(v) < DEA_ZERO ? 0 : v;
      }
      if (!add_peers(c, k)) {
        snprintf(c->err, sizeof c->err, "out of memory");
        goto done;
      }
    }
    if (c->o->slacks) {
      glp_set_col_bnds(P, 1, GLP_LO, 0, 0);
      glp_set_obj_coef(P, 1, 1);
      for (int i = 0; i < m; i++) glp_set_obj_coef(P, 2 + i, 0);
      for (int q = 0; q < s; q++) glp_set_obj_coef(P, 2 + m + q, 0);
      glp_set_obj_dir(P, in ? GLP_MIN : GLP_MAX);
    }
    cg_purge(c, &g, k);
    cn__progress("dea", (double)(k + 1), (double)c->n);
  }
  ok = true;
done:
  cn_free(g.act), cn_free(g.last), cn_free(g.del), cn_free(g.pos), cn_free(g.dual);
  return ok;
}

/* ---- reference DMUs that can be peers ----
 * A reference DMU k dominated by another one j (x_j <= x_k and y_j >= y_k
 * everywhere, not all equal) is never needed: moving its λ to j keeps every
 * constraint (Σλ included) and can only lower Σλx and raise Σλy, so the
 * score and the slacks' maximum stay optimal without k. Every program
 * (any rts, either orientation, the cross-period ones too) is therefore
 * solved on the non-dominated reference DMUs alone; only super-efficiency,
 * which drops the evaluated DMU, keeps them all. */

typedef struct nd_key {
  double f;
  int64_t j;
} nd_key;

static int nd_cmp(const void *a, const void *b) {
  const nd_key *x = a, *y = b;
  if (x->f != y->f) return x->f > y->f ? -1 : 1;
  return x->j < y->j ? -1 : x->j > y->j;
}

/* Fills c->colref with a superset of the non-dominated reference DMUs, in
 * reference order, and c->ncol with their number. A dominating DMU has a
 * score Σy/sy − Σx/sx at least as high (rounding is monotone), so in
 * decreasing score order each DMU need only be compared with those kept
 * before it. False without memory. */
static bool nondominated(dea_ctx *c, int64_t **out) {
  int m = c->m, s = c->s, w = m + s;
  int64_t n = c->nref, nk = 0;
  nd_key *key = cn_malloc(((size_t)n + 1) * sizeof *key);
  double *kv = cn_malloc(((size_t)n * (size_t)w + 1) * sizeof *kv); /* kept DMUs: −x, y */
  int64_t *keep = cn_malloc(((size_t)n + 1) * sizeof *keep);
  bool *in = cn_calloc((size_t)n + 1, sizeof *in);
  bool ok = key && kv && keep && in;
  for (int64_t j = 0; ok && j < n; j++) {
    double f = 0;
    for (int q = 0; q < s; q++) f += c->Yr[q + j * s] / c->sy[q];
    for (int i = 0; i < m; i++) f -= c->Xr[i + j * m] / c->sx[i];
    key[j] = (nd_key){f, j};
  }
  if (ok) qsort(key, (size_t)n, sizeof *key, nd_cmp);
  for (int64_t a = 0; ok && a < n; a++) {
    int64_t j = key[a].j;
    double *v = kv + nk * w;
    for (int i = 0; i < m; i++) v[i] = -c->Xr[i + j * m];
    for (int q = 0; q < s; q++) v[m + q] = c->Yr[q + j * s];
    bool dom = false;
    for (int64_t b = 0; b < nk && !dom; b++) {
      const double *u = kv + b * w;
      int k = 0;
      bool strict = false;
      while (k < w && u[k] >= v[k]) strict |= u[k] > v[k], k++;
      dom = k == w && strict; /* an exact duplicate stays: each copy may be its own peer */
    }
    if (!dom) in[j] = true, nk++;
  }
  /* in reference order, so that ties resolve as without the filter */
  for (int64_t j = 0, q = 0; ok && j < n; j++)
    if (in[j]) keep[q++] = j;
  cn_free(key), cn_free(kv), cn_free(in);
  if (!ok) {
    cn_free(keep);
    return false;
  }
  *out = keep;
  c->colref = keep, c->ncol = nk;
  return true;
}

/* solve_all with GLPK's error hook set: a GLPK error comes back here (and
 * GLPK's memory is released) instead of aborting. */
static bool guarded(dea_ctx *c) {
  jmp_buf jb;
  int old = glp_term_out(GLP_OFF);
  if (setjmp(jb)) {
    glp_error_hook(NULL, NULL);
    glp_free_env(); /* frees c->P too */
    c->P = NULL;
    glp_term_out(GLP_OFF);
    snprintf(c->err, sizeof c->err, "GLPK stopped with an internal error");
    return false;
  }
  glp_error_hook(glpk_hook, &jb);
  /* large own reference sets: column generation (the same optimum) */
  bool cg = c->ncol >= CN__DEA_CG_MIN && !c->o->super && (c->self_identity || c->self) && cg_allowed;
  if (cg && c->self)
    for (int64_t k = 0; k < c->n && cg; k++) cg = c->self[k] >= 0;
  bool ok = cg ? solve_all_cg(c) : solve_all(c);
  if (c->P) glp_delete_prob(c->P);
  c->P = NULL;
  glp_error_hook(NULL, NULL);
  glp_term_out(old);
  return ok;
}

cn_status cn_dea_solve(int m, int s, int64_t n, const double *X, const double *Y, int64_t nref,
                       const double *Xref, const double *Yref, const int64_t *self, const cn_dea_opts *o,
                       cn_dea_result *r, cn_diag *d) {
  memset(r, 0, sizeof *r);
  if (m < 1 || s < 1) return cn_diag_set(d, CN_EUSAGE, "dea needs at least one input and one output");
  bool own = Xref == NULL;
  if (own) Xref = X, Yref = Y, nref = n;
  if (nref < 1) return cn_diag_set(d, CN_EUSAGE, "dea: the reference set is empty");
  if (nref > 100000000 || (int64_t)(1 + nref + m + s) > 2000000000)
    return cn_diag_set(d, CN_EUSAGE, "dea: a reference set of %lld DMUs is too large", (long long)nref);
  dea_ctx c = {.m = m, .s = s, .n = n, .nref = nref, .X = X, .Y = Y, .Xr = Xref, .Yr = Yref,
               .self = self, .self_identity = own && !self, .o = o, .r = r};
  cn_status st = CN_OK;
  int64_t *colref = NULL;
  r->n = n, r->m = m, r->s = s;
  r->eff = cn_malloc(((size_t)n + 1) * sizeof *r->eff);
  r->status = cn_calloc((size_t)n + 1, sizeof *r->status);
  c.sx = cn_malloc((size_t)m * sizeof *c.sx);
  c.sy = cn_malloc((size_t)s * sizeof *c.sy);
  c.ind = cn_malloc(((size_t)m + s + 2) * sizeof *c.ind);
  c.val = cn_malloc(((size_t)m + s + 2) * sizeof *c.val);
  c.lam = cn_malloc((size_t)nref * sizeof *c.lam);
  if (!r->eff || !r->status || !c.sx || !c.sy || !c.ind || !c.val || !c.lam) goto oom;
  if (o->slacks) {
    r->slack_x = cn_calloc((size_t)n * m + 1, sizeof *r->slack_x);
    r->slack_y = cn_calloc((size_t)n * s + 1, sizeof *r->slack_y);
    if (!r->slack_x || !r->slack_y) goto oom;
  }
  if (o->peers && !(r->peer_start = cn_calloc((size_t)n + 1, sizeof *r->peer_start))) goto oom;
  for (int i = 0; i < m; i++) {
    double sum = 0;
    for (int64_t j = 0; j < nref; j++) sum += Xref[i + j * m];
    c.sx[i] = sum > 0 ? sum / (double)nref : 1;
  }
  for (int q = 0; q < s; q++) {
    double sum = 0;
    for (int64_t j = 0; j < nref; j++) sum += Yref[q + j * s];
    c.sy[q] = sum > 0 ? sum / (double)nref : 1;
  }
  c.ncol = nref;
  if (n > 0 && !o->super && !nondominated(&c, &colref)) goto oom;
  if (n > 0 && !guarded(&c)) st = cn_diag_set(d, CN_EANALYSIS, "dea: %s", c.err);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(c.sx), cn_free(c.sy), cn_free(c.ind), cn_free(c.val), cn_free(c.lam), cn_free(colref);
  if (st != CN_OK) cn_dea_result_free(r);
  return st;
}

/* ---- tables ---- */

/* The columns of a spec, checked: inputs and outputs numeric. */
typedef struct dea_cols {
  int *x, *y;
  int dmu, by;
} dea_cols;

static cn_status resolve_cols(const cn_table *t, const cn_dea_spec *sp, dea_cols *c, cn_diag *d) {
  c->x = c->y = NULL;
  c->dmu = c->by = -1;
  if (sp->m < 1 || sp->s < 1) return cn_diag_set(d, CN_EUSAGE, "dea needs at least one input and one output");
  if (!(c->x = cn_malloc((size_t)sp->m * sizeof *c->x)) || !(c->y = cn_malloc((size_t)sp->s * sizeof *c->y)))
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int i = 0; i < sp->m; i++)
    if ((c->x[i] = cn__need_num(t, sp->inputs[i], "data", d)) < 0) return CN_EUSAGE;
  for (int q = 0; q < sp->s; q++)
    if ((c->y[q] = cn__need_num(t, sp->outputs[q], "data", d)) < 0) return CN_EUSAGE;
  if (sp->dmu && (c->dmu = cn__need_col(t, sp->dmu, "data", d)) < 0) return CN_EUSAGE;
  if (sp->by && (c->by = cn__need_col(t, sp->by, "data", d)) < 0) return CN_EUSAGE;
  return CN_OK;
}

/* Whether row i has every input and output finite and >= 0, and its keys. */
static bool row_ok(const cn_table *t, const cn_dea_spec *sp, const dea_cols *c, int64_t i) {
  for (int k = 0; k < sp->m; k++) {
    double v = cn_table_get_num(t, c->x[k], i);
    if (!isfinite(v) || v < 0) return false;
  }
  for (int k = 0; k < sp->s; k++) {
    double v = cn_table_get_num(t, c->y[k], i);
    if (!isfinite(v) || v < 0) return false;
  }
  if (c->dmu >= 0 && cn_table_is_na(t, c->dmu, i)) return false;
  if (c->by >= 0 && cn_table_is_na(t, c->by, i)) return false;
  return true;
}

/* The DMU's name of row i into b: its cell, or the 1-based row number. */
static bool dmu_name(const cn_table *t, int col, int64_t i, cn_buf *b) {
  if (col >= 0) return cn__row_key(t, &col, 1, i, b);
  b->len = 0;
  return cn__buf_printf(b, "%lld", (long long)i + 1);
}

static void fill_xy(const cn_table *t, const cn_dea_spec *sp, const dea_cols *c, int64_t row, double *x,
                    double *y) {
  for (int k = 0; k < sp->m; k++) x[k] = cn_table_get_num(t, c->x[k], row);
  for (int k = 0; k < sp->s; k++) y[k] = cn_table_get_num(t, c->y[k], row);
}

cn_status cn_measure_dea(const cn_table *t, const cn_dea_spec *sp, const cn_dea_opts *o, cn_table **out,
                         cn_dea_report *rep, cn_diag *d) {
  cn_status st = CN_OK;
  int64_t nrow = cn_table_nrow(t), nk = 0, ng = 0;
  int m = sp->m, s = sp->s;
  dea_cols c;
  int64_t *rows = NULL, *grp = NULL, *first = NULL, *sub = NULL, *order = NULL;
  double *X = NULL, *Y = NULL;
  cn_table *res = NULL;
  cn_strmap groups = {0}, names = {0};
  cn_buf b = {0}, pb = {0};
  cn_dea_result r = {0};
  cn_dea_report rp = {0};
  *out = NULL;
  if ((st = resolve_cols(t, sp, &c, d)) != CN_OK) goto done;
  rows = cn_malloc(((size_t)nrow + 1) * sizeof *rows);
  grp = cn_malloc(((size_t)nrow + 1) * sizeof *grp);
  first = cn_malloc(((size_t)nrow + 2) * sizeof *first);
  order = cn_malloc(((size_t)nrow + 1) * sizeof *order);
  sub = cn_malloc(((size_t)nrow + 1) * sizeof *sub);
  X = cn_malloc(((size_t)nrow * m + 1) * sizeof *X);
  Y = cn_malloc(((size_t)nrow * s + 1) * sizeof *Y);
  if (!rows || !grp || !first || !order || !sub || !X || !Y) goto oom;
  for (int64_t i = 0; i < nrow; i++) {
    if (!row_ok(t, sp, &c, i)) {
      rp.rows_dropped++;
      continue;
    }
    int32_t g = 0;
    if (c.by >= 0) {
      if (!cn__row_key(t, &c.by, 1, i, &b) || (g = cn__strmap_intern(&groups, b.data, b.len)) < 0) goto oom;
    }
    if (g == ng) ng++;
    grp[nk] = g, rows[nk++] = i;
  }
  if (nk == 0) {
    st = cn_diag_set(d, CN_EDATA, "dea: no row left (%lld rows with a missing key or a missing, non-finite or "
                     "negative input or output)", (long long)rp.rows_dropped);
    goto done;
  }
  if (!(res = cn_table_new(nk))) goto oom;
  int cby = -1, cdmu, ceff, cinv = -1, cpeers = -1, cnp = -1, cs0 = -1;
  if (c.by >= 0 && (cby = cn_table_add_column(res, cn_table_name(t, c.by), CN_STRING, d)) < 0) goto fail;
  if ((cdmu = cn_table_add_column(res, sp->dmu ? cn_table_name(t, c.dmu) : "dmu", CN_STRING, d)) < 0) goto fail;
  if ((ceff = cn_table_add_column(res, o->orient == CN_DEA_INPUT ? "theta" : "phi", CN_DOUBLE, d)) < 0) goto fail;
  if (o->orient == CN_DEA_OUTPUT && (cinv = cn_table_add_column(res, "inv_phi", CN_DOUBLE, d)) < 0) goto fail;
  if (o->slacks) {
    char nm[600];
    for (int k = 0; k < m + s; k++) {
      snprintf(nm, sizeof nm, "slack_%s", k < m ? sp->inputs[k] : sp->outputs[k - m]);
      int cc = cn_table_add_column(res, nm, CN_DOUBLE, d);
      if (cc < 0) goto fail;
      if (k == 0) cs0 = cc;
    }
  }
  if (o->peers) {
    if ((cpeers = cn_table_add_column(res, "peers", CN_STRING, d)) < 0) goto fail;
    if ((cnp = cn_table_add_column(res, "n_peers", CN_INT64, d)) < 0) goto fail;
  }
  /* group by group (a counting sort of the kept rows: first[g] becomes
   * where group g starts in order[]), rows of a group in their order */
  for (int64_t g = 0; g <= ng; g++) first[g] = 0;
  for (int64_t k = 0; k < nk; k++) first[grp[k] + 1]++;
  for (int64_t g = 0; g < ng; g++) first[g + 1] += first[g];
  for (int64_t k = 0; k < nk; k++) order[first[grp[k]]++] = k;
  for (int64_t g = ng; g > 0; g--) first[g] = first[g - 1];
  first[0] = 0;
  int64_t done_rows = 0;
  for (int64_t g = 0; g < ng; g++) {
    int64_t ns = 0;
    cn__strmap_free(&names);
    memset(&names, 0, sizeof names);
    for (int64_t kk = first[g]; kk < first[g + 1]; kk++) {
      int64_t k = order[kk], i = rows[k];
      if (!dmu_name(t, c.dmu, i, &b)) goto oom;
      size_t before = names.n;
      int32_t id = cn__strmap_intern(&names, b.data, b.len);
      if (id < 0) goto oom;
      if ((size_t)id != before) {
        st = cn_diag_set(d, CN_EDATA, "dea: DMU \"%.*s\" appears twice%s%s%s (row %lld)", (int)b.len, b.data,
                         c.by >= 0 ? " in " : "", c.by >= 0 ? cn_table_name(t, c.by) : "", c.by >= 0 ? " level" : "",
                         (long long)i + 1);
        goto done;
      }
      fill_xy(t, sp, &c, i, X + ns * m, Y + ns * s);
      sub[ns++] = k;
    }
    if ((st = cn_dea_solve(m, s, ns, X, Y, 0, NULL, NULL, NULL, o, &r, d)) != CN_OK) goto done;
    rp.lps += ns;
    rp.infeasible += r.n_infeasible, rp.unbounded += r.n_unbounded, rp.slacks_missing += r.n_slacks_missing;
    for (int64_t a = 0; a < ns; a++) {
      int64_t orow = done_rows + a, i = rows[sub[a]];
      if (cby >= 0) {
        if (!cn__row_key(t, &c.by, 1, i, &b) || !cn__buf_append(&b, "", 1)) goto oom;
        if ((st = cn_table_set_str(res, cby, orow, b.data, d)) != CN_OK) goto done;
      }
      if (!dmu_name(t, c.dmu, i, &b) || !cn__buf_append(&b, "", 1)) goto oom;
      if ((st = cn_table_set_str(res, cdmu, orow, b.data, d)) != CN_OK) goto done;
      cn_table_dbl_mut(res, ceff)[orow] = r.eff[a];
      if (cinv >= 0) cn_table_dbl_mut(res, cinv)[orow] = 1.0 / r.eff[a];
      if (o->slacks)
        for (int k = 0; k < m + s; k++)
          cn_table_dbl_mut(res, cs0 + k)[orow] = k < m ? r.slack_x[k + a * m] : r.slack_y[(k - m) + a * s];
      if (o->peers) {
        pb.len = 0;
        for (int64_t p = r.peer_start[a]; p < r.peer_start[a + 1]; p++) {
          const char *nm = names.strs[r.peer[p]];
          if (!cn__buf_printf(&pb, "%s%s:%.10g", p > r.peer_start[a] ? " " : "", nm, r.lambda[p])) goto oom;
        }
        if (!cn__buf_append(&pb, "", 1)) goto oom;
        if ((st = cn_table_set_str(res, cpeers, orow, r.status[a] == CN_DEA_LP_OK ? pb.data : NULL, d)) != CN_OK)
          goto done;
        cn_table_i64_mut(res, cnp)[orow] =
            r.status[a] == CN_DEA_LP_OK ? r.peer_start[a + 1] - r.peer_start[a] : CN_NA_INT64;
      }
    }
    done_rows += ns;
    cn_dea_result_free(&r);
  }
  goto done;
fail:
  st = d->code ? d->code : CN_EINTERNAL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st == CN_OK) *out = res, res = NULL;
  if (rep) *rep = rp;
  cn_table_free(res);
  cn_dea_result_free(&r);
  cn__strmap_free(&groups), cn__strmap_free(&names);
  cn__buf_free(&b), cn__buf_free(&pb);
  cn_free(c.x), cn_free(c.y);
  cn_free(rows), cn_free(grp), cn_free(first), cn_free(order), cn_free(sub), cn_free(X), cn_free(Y);
  return st;
}

/* ---- Malmquist ---- */

/* Sorts period ids by their value: numeric when the time column is, else
 * by text. */
typedef struct per_key {
  double v;
  const char *s;
  int32_t id;
} per_key;
static int per_cmp_num(const void *a, const void *b) {
  const per_key *x = a, *y = b;
  return x->v < y->v ? -1 : x->v > y->v;
}
static int per_cmp_txt(const void *a, const void *b) {
  const per_key *x = a, *y = b;
  return strcmp(x->s, y->s);
}

/* Copies the data of every unit observed in periods lo..hi (ranks) into X,
 * Y (m resp. s values a row) and, when ka is not NULL, the unit of each row
 * (for lo == hi; for a range, the flat index unit * P + period). Returns the
 * number of rows. */
static int64_t tech_fill(const cn_table *t, const cn_dea_spec *sp, const dea_cols *c, const int64_t *obs,
                         const int64_t *kept, int64_t U, int64_t P, int64_t lo, int64_t hi, double *X, double *Y,
                         int64_t *ka) {
  int64_t n = 0;
  for (int64_t p = lo; p <= hi; p++)
    for (int64_t u = 0; u < U; u++) {
      int64_t k = obs[u * P + p];
      if (k < 0) continue;
      fill_xy(t, sp, c, kept[k], X + n * sp->m, Y + n * sp->s);
      if (ka) ka[n] = lo == hi ? u : u * P + p;
      n++;
    }
  return n;
}

/* Distances (θ, or 1/φ) of DMUs to a reference set; NaN without a solution. */
static cn_status distances(int m, int s, int64_t n, const double *X, const double *Y, int64_t nref, const double *Xr,
                           const double *Yr, const cn_dea_opts *o, double *dist, int64_t *bad, cn_diag *d) {
  cn_dea_result r;
  cn_status st = cn_dea_solve(m, s, n, X, Y, nref, Xr, Yr, NULL, o, &r, d);
  if (st != CN_OK) return st;
  for (int64_t k = 0; k < n; k++) dist[k] = o->orient == CN_DEA_INPUT ? r.eff[k] : 1.0 / r.eff[k];
  *bad += r.n_infeasible + r.n_unbounded;
  cn_dea_result_free(&r);
  return CN_OK;
}

cn_status cn_measure_malmquist(const cn_table *t, const cn_dea_spec *sp, const cn_dea_opts *o, cn_malmquist_ref ref,
                               bool scale, cn_table **out, cn_dea_report *rep, cn_diag *d) {
  cn_status st = CN_OK;
  int64_t nrow = cn_table_nrow(t);
  int m = sp->m, s = sp->s;
  dea_cols c = {0};
  cn_strmap units = {0}, pers = {0};
  cn_buf b = {0};
  cn_dea_report rp = {0};
  int64_t *obs = NULL, *kept = NULL;
  int32_t *rank = NULL, *uid = NULL, *pid = NULL;
  per_key *pk = NULL;
  double *pval = NULL, *X0 = NULL, *Y0 = NULL, *X1 = NULL, *Y1 = NULL, *Xa = NULL, *Ya = NULL, *Xb = NULL,
         *Yb = NULL, *Xr = NULL, *Yr = NULL, *res9 = NULL, *own = NULL, *ownv = NULL, *gl = NULL, *tmp = NULL;
  int64_t *ka = NULL;
  cn_table *res = NULL;
  *out = NULL;
  if (!sp->dmu || !sp->by) return cn_diag_set(d, CN_EUSAGE, "malmquist needs the DMU and the time column");
  if (scale && o->rts != CN_DEA_CRS)
    return cn_diag_set(d, CN_EUSAGE, "malmquist: the scale decomposition takes the CRS index (rts crs)");
  if ((st = resolve_cols(t, sp, &c, d)) != CN_OK) goto done;
  uid = cn_malloc(((size_t)nrow + 1) * sizeof *uid);
  pid = cn_malloc(((size_t)nrow + 1) * sizeof *pid);
  kept = cn_malloc(((size_t)nrow + 1) * sizeof *kept);
  pval = cn_malloc(((size_t)nrow + 1) * sizeof *pval);
  if (!uid || !pid || !kept || !pval) goto oom;
  int64_t nk = 0;
  bool tnum = cn_table_type(t, c.by) != CN_STRING;
  for (int64_t i = 0; i < nrow; i++) {
    if (!row_ok(t, sp, &c, i)) {
      rp.rows_dropped++;
      continue;
    }
    int32_t u, p;
    if (!cn__row_key(t, &c.dmu, 1, i, &b) || (u = cn__strmap_intern(&units, b.data, b.len)) < 0) goto oom;
    size_t before = pers.n;
    if (!cn__row_key(t, &c.by, 1, i, &b) || (p = cn__strmap_intern(&pers, b.data, b.len)) < 0) goto oom;
    if ((size_t)p == before) pval[p] = cn_table_get_num(t, c.by, i);
    uid[nk] = u, pid[nk] = p, kept[nk++] = i;
  }
  int64_t U = (int64_t)units.n, P = (int64_t)pers.n;
  if (P < 2) {
    if (P == 1)
      st = cn_diag_set(d, CN_EDATA, "malmquist: only one period (%s) has data; the index needs two or more",
                       pers.strs[0]);
    else
      st = cn_diag_set(d, CN_EDATA, "malmquist: no row left (%lld with a missing key or a missing, non-finite or "
                       "negative input or output)", (long long)rp.rows_dropped);
    goto done;
  }
  if (!(pk = cn_malloc((size_t)P * sizeof *pk)) || !(rank = cn_malloc((size_t)P * sizeof *rank))) goto oom;
  for (int64_t p = 0; p < P; p++) pk[p] = (per_key){pval[p], pers.strs[p], (int32_t)p};
  qsort(pk, (size_t)P, sizeof *pk, tnum ? per_cmp_num : per_cmp_txt);
  for (int64_t p = 0; p < P; p++) rank[pk[p].id] = (int32_t)p;
  if (!(obs = cn_malloc((size_t)U * (size_t)P * sizeof *obs))) goto oom;
  for (int64_t k = 0; k < U * P; k++) obs[k] = -1;
  for (int64_t k = 0; k < nk; k++) {
    int64_t *slot = &obs[uid[k] * P + rank[pid[k]]];
    if (*slot >= 0) {
      st = cn_diag_set(d, CN_EDATA, "malmquist: DMU \"%s\" appears twice in period %s (rows %lld and %lld)",
                       units.strs[uid[k]], pers.strs[pid[k]], (long long)kept[*slot] + 1, (long long)kept[k] + 1);
      goto done;
    }
    *slot = k;
  }
  /* Distances by unit and period (NaN where not observed): own[] to the
   * period's own technology T_p (adjacent and global: the period alone;
   * sequential: every period up to p), ownv[] the same under VRS, gl[] to
   * the global technology (every kept observation). */
  size_t UP = (size_t)U * (size_t)P;
  own = cn_malloc(UP * sizeof *own);
  ownv = scale ? cn_malloc(UP * sizeof *ownv) : NULL;
  gl = ref == CN_MALMQUIST_GLOBAL ? cn_malloc(UP * sizeof *gl) : NULL;
  X0 = cn_malloc(((size_t)U * m + 1) * sizeof *X0), Y0 = cn_malloc(((size_t)U * s + 1) * sizeof *Y0);
  Xa = cn_malloc(((size_t)U * m + 1) * sizeof *Xa), Ya = cn_malloc(((size_t)U * s + 1) * sizeof *Ya);
  Xb = cn_malloc(((size_t)U * m + 1) * sizeof *Xb), Yb = cn_malloc(((size_t)U * s + 1) * sizeof *Yb);
  X1 = cn_malloc(((size_t)nk * m + 1) * sizeof *X1), Y1 = cn_malloc(((size_t)nk * s + 1) * sizeof *Y1);
  Xr = cn_malloc(((size_t)nk * m + 1) * sizeof *Xr), Yr = cn_malloc(((size_t)nk * s + 1) * sizeof *Yr);
  ka = cn_malloc(((size_t)nk + 1) * sizeof *ka);
  tmp = cn_malloc(((size_t)nk + 1) * sizeof *tmp);
  res9 = cn_malloc(((size_t)U * (size_t)(P - 1) * 9 + 1) * sizeof *res9);
  if (!own || (scale && !ownv) || (ref == CN_MALMQUIST_GLOBAL && !gl) || !X0 || !Y0 || !X1 || !Y1 || !Xa ||
      !Ya || !Xb || !Yb || !Xr || !Yr || !ka || !tmp || !res9)
    goto oom;
  cn_dea_opts oo = *o, ov;
  oo.slacks = oo.super = oo.peers = false;
  ov = oo, ov.rts = CN_DEA_VRS;
  for (size_t k = 0; k < UP; k++) {
    own[k] = NAN;
    if (ownv) ownv[k] = NAN;
    if (gl) gl[k] = NAN;
  }
  bool seq = ref == CN_MALMQUIST_SEQUENTIAL;
  for (int64_t p = 0; p < P; p++) {
    int64_t n = tech_fill(t, sp, &c, obs, kept, U, P, p, p, X0, Y0, ka), nr = 0;
    if (seq) nr = tech_fill(t, sp, &c, obs, kept, U, P, 0, p, Xr, Yr, NULL);
    for (int pass = 0; pass < (scale ? 2 : 1); pass++) {
      double *dst = pass ? ownv : own;
      if ((st = distances(m, s, n, X0, Y0, nr, seq ? Xr : NULL, seq ? Yr : NULL, pass ? &ov : &oo, tmp,
                          &rp.infeasible, d)) != CN_OK)
        goto done;
      for (int64_t a = 0; a < n; a++) dst[ka[a] * P + p] = tmp[a];
      rp.lps += n;
    }
  }
  if (gl) { /* every observation against all of them */
    int64_t n = tech_fill(t, sp, &c, obs, kept, U, P, 0, P - 1, X1, Y1, ka);
    if ((st = distances(m, s, n, X1, Y1, 0, NULL, NULL, &oo, tmp, &rp.infeasible, d)) != CN_OK) goto done;
    for (int64_t a = 0; a < n; a++) gl[ka[a]] = tmp[a];
    rp.lps += n;
  }
  /* adjacent pairs */
  for (size_t k = 0; k < (size_t)U * (size_t)(P - 1) * 9; k++) res9[k] = NAN;
  int64_t nout = 0;
  for (int64_t p = 0; p + 1 < P; p++) {
    int64_t nb = 0;
    for (int64_t u = 0; u < U; u++) { /* the DMUs in both periods */
      int64_t k0 = obs[u * P + p], k1 = obs[u * P + p + 1];
      if (k0 >= 0 && k1 < 0) rp.unmatched++;
      if (k0 >= 0 && k1 >= 0) {
        fill_xy(t, sp, &c, kept[k1], Xa + nb * m, Ya + nb * s); /* period-1 data */
        fill_xy(t, sp, &c, kept[k0], Xb + nb * m, Yb + nb * s); /* period-0 data */
        ka[nb++] = u;
      }
    }
    if (p + 2 == P)
      for (int64_t u = 0; u < U; u++) rp.unmatched += obs[u * P + p + 1] >= 0 && obs[u * P + p] < 0;
    if (!nb) continue;
    double *d01 = cn_malloc((size_t)nb * sizeof *d01), *d10 = cn_malloc((size_t)nb * sizeof *d10);
    if (!d01 || !d10) {
      cn_free(d01), cn_free(d10);
      goto oom;
    }
    if (gl) { /* the global index needs no cross-period LP */
      for (int64_t a = 0; a < nb; a++) d01[a] = gl[ka[a] * P + p], d10[a] = gl[ka[a] * P + p + 1];
    } else { /* T_p and T_{p+1} */
      int64_t bad = 0, lo0 = seq ? 0 : p, lo1 = seq ? 0 : p + 1;
      int64_t n0 = tech_fill(t, sp, &c, obs, kept, U, P, lo0, p, Xr, Yr, NULL);
      int64_t n1 = tech_fill(t, sp, &c, obs, kept, U, P, lo1, p + 1, X1, Y1, NULL);
      st = distances(m, s, nb, Xa, Ya, n0, Xr, Yr, &oo, d01, &bad, d);
      if (st == CN_OK) st = distances(m, s, nb, Xb, Yb, n1, X1, Y1, &oo, d10, &bad, d);
      rp.infeasible += bad, rp.lps += 2 * nb;
    }
    for (int64_t a = 0; st == CN_OK && a < nb; a++) {
      int64_t u = ka[a];
      double *r9 = res9 + ((size_t)u * (size_t)(P - 1) + (size_t)p) * 9;
      double e00 = own[u * P + p], e11 = own[u * P + p + 1];
      double ec = e11 / e00, mi = gl ? d10[a] / d01[a] : sqrt(d01[a] / e00 * (e11 / d10[a]));
      r9[0] = mi, r9[1] = ec, r9[2] = mi / ec;
      if (scale) {
        double pec = ownv[u * P + p + 1] / ownv[u * P + p];
        r9[3] = pec, r9[4] = ec / pec;
      }
      r9[5] = e00, r9[6] = e11, r9[7] = d01[a], r9[8] = d10[a];
      nout++;
    }
    cn_free(d01), cn_free(d10);
    if (st != CN_OK) goto done;
  }
  if (nout == 0) {
    st = cn_diag_set(d, CN_EDATA, "malmquist: no DMU is observed in two adjacent periods");
    goto done;
  }
  if (!(res = cn_table_new(nout))) goto oom;
  int cu, c0, c1, cv[9];
  const char *vn[9] = {"m", "ec", "tc", "pec", "sec", "d00", "d11", gl ? "dg0" : "d01", gl ? "dg1" : "d10"};
  if ((cu = cn_table_add_column(res, cn_table_name(t, c.dmu), CN_STRING, d)) < 0 ||
      (c0 = cn_table_add_column(res, "period0", CN_STRING, d)) < 0 ||
      (c1 = cn_table_add_column(res, "period1", CN_STRING, d)) < 0)
    goto fail;
  for (int v = 0; v < 9; v++) {
    cv[v] = -1;
    if ((v == 3 || v == 4) && !scale) continue;
    if ((cv[v] = cn_table_add_column(res, vn[v], CN_DOUBLE, d)) < 0) goto fail;
  }
  int64_t row = 0;
  for (int64_t u = 0; u < U; u++)
    for (int64_t p = 0; p + 1 < P; p++) {
      if (obs[u * P + p] < 0 || obs[u * P + p + 1] < 0) continue;
      const double *r9 = res9 + ((size_t)u * (size_t)(P - 1) + (size_t)p) * 9;
      if ((st = cn_table_set_str(res, cu, row, units.strs[u], d)) != CN_OK ||
          (st = cn_table_set_str(res, c0, row, pers.strs[pk[p].id], d)) != CN_OK ||
          (st = cn_table_set_str(res, c1, row, pers.strs[pk[p + 1].id], d)) != CN_OK)
        goto done;
      for (int v = 0; v < 9; v++)
        if (cv[v] >= 0) cn_table_dbl_mut(res, cv[v])[row] = r9[v];
      row++;
    }
  goto done;
fail:
  st = d->code ? d->code : CN_EINTERNAL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st == CN_OK) *out = res, res = NULL;
  if (rep) *rep = rp;
  cn_table_free(res);
  cn__strmap_free(&units), cn__strmap_free(&pers);
  cn__buf_free(&b);
  cn_free(c.x), cn_free(c.y);
  cn_free(obs), cn_free(kept), cn_free(rank), cn_free(uid), cn_free(pid), cn_free(pk), cn_free(pval);
  cn_free(X0), cn_free(Y0), cn_free(X1), cn_free(Y1), cn_free(Xa), cn_free(Ya), cn_free(Xb), cn_free(Yb);
  cn_free(Xr), cn_free(Yr), cn_free(res9), cn_free(own), cn_free(ownv), cn_free(gl), cn_free(tmp), cn_free(ka);
  return st;
}
