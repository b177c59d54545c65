/* coinnet/dea.h — data envelopment analysis and Malmquist productivity
 * indices (spec/measures.md §8, docs/measures.md "Efficiency").
 *
 * Envelopment linear programs are solved with GLPK's simplex, one LP object
 * reused (and warm-started from the previous basis) across the DMUs of a
 * reference set. GLPK's terminal output is switched off and its error hook
 * replaced, so that it neither prints nor aborts.
 *
 * Ownership: cn_dea_solve fills a caller-owned cn_dea_result whose arrays
 * are released with cn_dea_result_free (also after a failure; a zeroed
 * result is a no-op). Tables returned by cn_measure_dea and
 * cn_measure_malmquist belong to the caller (cn_table_free). */
#ifndef COINNET_DEA_H
#define COINNET_DEA_H

#include <stdbool.h>
#include "coinnet/base.h"
#include "coinnet/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns to scale of the reference technology: the constraint on the sum
 * of the intensity weights λ (none, = 1, <= 1, >= 1). */
typedef enum cn_dea_rts { CN_DEA_CRS = 0, CN_DEA_VRS = 1, CN_DEA_NIRS = 2, CN_DEA_NDRS = 3 } cn_dea_rts;

/* Input orientation: Farrell θ = min radial contraction of the inputs
 * (θ <= 1 without super-efficiency). Output orientation: Farrell φ = max
 * radial expansion of the outputs (φ >= 1); 1/φ is Shephard's distance. */
typedef enum cn_dea_orient { CN_DEA_INPUT = 0, CN_DEA_OUTPUT = 1 } cn_dea_orient;

typedef struct cn_dea_opts {
  cn_dea_rts rts;
  cn_dea_orient orient;
  bool slacks; /* second stage: max of the slacks' sum at the first stage's score */
  bool super;  /* Andersen–Petersen: the evaluated DMU leaves its reference set */
  bool peers;  /* keep the λ weights of every DMU */
} cn_dea_opts;

/* CRS, input, no slacks, no super-efficiency, no peers. */
void cn_dea_opts_init(cn_dea_opts *o);

/* What cn_dea_solve returns for n evaluated DMUs with m inputs and s
 * outputs. eff[k] is θ (input) or φ (output), NaN when the LP has no
 * solution (super-efficiency outside the technology) or is unbounded;
 * status[k] says which. Slacks (when asked) are in the data's units:
 * slack_x[i + k*m] the input excess, slack_y[r + k*s] the output shortfall.
 * Peers (when asked): the reference DMUs with λ > 0 of DMU k are
 * peer[peer_start[k] .. peer_start[k+1]) with weights lambda[...] (taken
 * from the second stage when slacks are asked). */
typedef enum cn_dea_lp { CN_DEA_LP_OK = 0, CN_DEA_LP_INFEASIBLE = 1, CN_DEA_LP_UNBOUNDED = 2 } cn_dea_lp;
typedef struct cn_dea_result {
  int64_t n;
  int m, s;
  double *eff;
  cn_dea_lp *status;
  double *slack_x, *slack_y;
  int64_t *peer_start, *peer;
  double *lambda;
  int64_t n_infeasible, n_unbounded; /* DMUs with each status */
  int64_t n_slacks_missing;           /* solved DMUs whose slacks' LP had no optimum (slacks missing) */
} cn_dea_result;

/* Solves the envelopment LP of each of n DMUs (inputs X[i + k*m], outputs
 * Y[r + k*s], all finite and >= 0) against the reference set of nref DMUs
 * Xref, Yref (same layout). Xref == NULL: the evaluated DMUs are their own
 * reference set. self[k] is the index in the reference set of DMU k (its
 * column is dropped for super-efficiency), -1 when it is not there; NULL
 * means the identity when Xref is NULL and "not in it" otherwise. Fills r
 * (cleared first). A solver failure is CN_EANALYSIS; a DMU whose LP is
 * infeasible or unbounded is not an error (status, NaN). */
cn_status cn_dea_solve(int m, int s, int64_t n, const double *X, const double *Y, int64_t nref,
                       const double *Xref, const double *Yref, const int64_t *self, const cn_dea_opts *o,
                       cn_dea_result *r, cn_diag *d);
void cn_dea_result_free(cn_dea_result *r);

/* Columns of a DEA table: the inputs and outputs (numeric), the DMU's name
 * (NULL: its row number) and a grouping column (NULL: none), e.g. the year:
 * each level is its own reference set. */
typedef struct cn_dea_spec {
  const char *const *inputs;
  int m;
  const char *const *outputs;
  int s;
  const char *dmu, *by;
} cn_dea_spec;

/* What cn_measure_dea and cn_measure_malmquist left out or could not solve. */
typedef struct cn_dea_report {
  int64_t rows_dropped;  /* a missing DMU or by/time key, or a missing, non-finite or negative input or output */
  int64_t infeasible;    /* LPs without a solution (scores missing) */
  int64_t unbounded;     /* LPs without a finite optimum (scores missing) */
  int64_t lps;           /* LPs solved (first stages) */
  int64_t unmatched;     /* malmquist: DMU-periods without the adjacent period */
  int64_t slacks_missing; /* dea --slacks: a score but no optimum of the second stage (slacks missing) */
} cn_dea_report;

/* DEA of every kept row of t within each level of sp->by. Output, one row
 * per kept row, grouped by the by levels in order of first appearance
 * (rows in their order within a level): [by,] dmu, then theta (input) or phi and inv_phi
 * (output) — the super-efficiency score with o->super —, then with
 * o->slacks slack_<input>... slack_<output>..., with o->peers `peers`:
 * "DMU:λ" pairs separated by spaces (λ with 10 significant digits) and
 * n_peers. Rows left out and LPs without a solution are counted in *rep
 * (may be NULL). A DMU name twice within a by level is CN_EDATA. */
cn_status cn_measure_dea(const cn_table *t, const cn_dea_spec *sp, const cn_dea_opts *o, cn_table **out,
                         cn_dea_report *rep, cn_diag *d);

/* The technology each period's distances are measured against: the
 * period alone (adjacent, Färe et al. 1994), every period up to it
 * (sequential, Shestalova 2003), or all periods (global, Pastor & Lovell
 * 2005). */
typedef enum cn_malmquist_ref {
  CN_MALMQUIST_ADJACENT = 0,
  CN_MALMQUIST_SEQUENTIAL = 1,
  CN_MALMQUIST_GLOBAL = 2
} cn_malmquist_ref;

/* Malmquist productivity indices between adjacent periods of a panel. With
 * D^a(b) the distance (θ for input, 1/φ for output orientation) of the
 * period-b observation to the technology T_a: adjacent and sequential,
 * M = [D^t(t+1)/D^t(t) · D^{t+1}(t+1)/D^{t+1}(t)]^{1/2} = EC · TC with
 * EC = D^{t+1}(t+1)/D^t(t), where T_t is every kept DMU observed in period t
 * (adjacent) or in any period up to t (sequential); global, M =
 * D^G(t+1)/D^G(t) with T_G every kept observation, EC the same
 * contemporaneous ratio as adjacent and TC = M/EC. Technologies are under
 * o->rts; with o->rts VRS the indices use VRS distances, and with scale the
 * CRS index is decomposed instead: EC = PEC · SEC, PEC the EC ratio of VRS
 * distances to the same T_t. sp->by is the time column (numbers in numeric
 * order, text in byte order); sp->dmu is required. Output, one row per DMU
 * and pair of adjacent periods in which it is observed: dmu, period0,
 * period1, m, ec, tc, [pec, sec,] d00, d11 (own distances) and d01 (period-1
 * data, period-0 technology), d10 — global: dg0, dg1, the distances to T_G.
 * An LP without a solution leaves the indices it enters missing and is
 * counted. o->slacks, o->super and o->peers are ignored. */
cn_status cn_measure_malmquist(const cn_table *t, const cn_dea_spec *sp, const cn_dea_opts *o, cn_malmquist_ref ref,
                               bool scale, cn_table **out, cn_dea_report *rep, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
