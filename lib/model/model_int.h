/* lib/model/model_int.h — the parsed formula and the shared pieces of the
 * estimators (not public). */
#ifndef CN_MODEL_INT_H
#define CN_MODEL_INT_H

#include "../base/base_int.h"
#include "coinnet/expr.h"
#include "coinnet/model.h"

/* One factor of a term: a column, an expression, categorical dummies i(v)
 * or a lag / lead / difference of a column. */
typedef enum cn__fkind { CN_FK_VAR, CN_FK_EXPR, CN_FK_FACTOR, CN_FK_LAG } cn__fkind;

/* FACTOR: which level is left out. AUTO is R's rule (the first level,
 * unless the term's other factors are not in the model: then none);
 * every other mode is what the user wrote and holds whatever the model. */
typedef enum cn__fbase {
  CN_FB_AUTO,  /* i(v), i.v */
  CN_FB_LEVEL, /* i(v, ref = L), Stata ibL.v: the level written in ref */
  CN_FB_NONE,  /* Stata ibn.v: every level */
  CN_FB_FIRST, /* ib(first).v */
  CN_FB_LAST,  /* ib(last).v */
  CN_FB_FREQ,  /* ib(freq).v: the most frequent level (the first of a tie) */
  CN_FB_INDEX  /* ib(#k).v: the k-th level in sorted order (base_k) */
} cn__fbase;

typedef struct cn__factor {
  cn__fkind kind;
  char *text;   /* as written, trimmed: the coefficient name */
  int pos;      /* 1-based character column in the formula */
  int col;      /* VAR, FACTOR, LAG: the table column */
  int shift;    /* LAG: k > 0 lag by k, k < 0 lead by −k */
  int diff;     /* LAG: 1 fixest d(x, k) = x − l(x, k); 2 Stata Dk.x, k-th difference */
  char *ref;    /* FACTOR, base LEVEL: the left-out level as written */
  cn__fbase base; /* FACTOR: the left-out level */
  int base_k;   /* FACTOR, base INDEX: 1-based position of the level */
  bool full;    /* FACTOR, base AUTO: every level (set by the design, R's rule) */
  cn_expr *expr; /* EXPR */
} cn__factor;

/* A product of factors (a:b:c). */
typedef struct cn__term {
  int nf;
  cn__factor *f;
} cn__term;

typedef struct cn__terms {
  int n;
  cn__term *t;
} cn__terms;

typedef struct cn__fe {
  char *name; /* a^b */
  int nv;
  int *cols;
} cn__fe;

struct cn_formula {
  char *text;
  cn__factor dep;
  cn__terms rhs;
  bool cons; /* constant asked for (ignored with fixed effects) */
  int nfe;
  cn__fe *fe;
  bool iv;
  cn__terms endog, inst;
};

/* Whether two factors are the same variable (formula.c). */
bool cn__factor_same(const cn__factor *a, const cn__factor *b);

/* Formula error at byte offset off of text: CN_ESCRIPT, "formula:1:COL". */
/* The check every least-squares fit makes before its standard errors: an
 * outcome that does not vary (tss ~ 0 against yy = sum y^2) or an exact
 * fit (rss <= 1e-12 tss) has none, so both are CN_EANALYSIS with the
 * reason; CN_OK otherwise. who prefixes the message ("heckman: " or "");
 * what names the regressors ("the regressors and fixed effects"); where
 * the sample ("in the estimation sample"). */
cn_status cn__fit_defined(double tss, double yy, double rss, const char *who, const char *what,
                          const char *dep, const char *where, cn_diag *d);
cn_status cn__formula_error(cn_diag *d, const char *text, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A Householder QR of the columns x[0..ncol) over n rows, weighted by
 * √w (w NULL: none), each column scaled to unit weighted norm (sc) before
 * it is factored, in the order given (qr.c). Of the ncol columns offered,
 * k are kept: map[0..k) are their indices. A holds R above the diagonal
 * and the reflectors below (LAPACK's dgeqrf layout, column-major, leading
 * dimension n). x and w are not owned; cn__qr_free releases the rest. */
typedef struct cn__qr {
  int64_t n;
  int ncol, k;
  double *const *x;
  const double *w;
  double *A, *tau, *sc;
  int *map;
  long double *part; /* scratch: partial sums by row block */
} cn__qr;

/* Factors x as cn__qr describes. A column is left out (keep[j] false,
 * keep may be NULL) when its norm is at most tol × ref[j] (ref NULL: only
 * an all-zero column) — collinear with what was partialled out before,
 * ref being its norm before that — or when the part of it orthogonal to
 * the columns kept before it has a relative norm of at most tol. Out of
 * memory is the only error; q is safe to free whatever the outcome. */
cn_status cn__qr_factor(cn__qr *q, double *const *x, const double *ref, int ncol, const double *w,
                        int64_t n, double tol, bool *keep, cn_diag *d);
void cn__qr_free(cn__qr *q);

/* Coefficients b (q->k) of the weighted least squares of y on the kept
 * columns, refined (up to three steps) from residuals r = y − Σ xk_a b_a
 * summed in long double, and those residuals in e (NULL: not wanted). xk
 * (k columns in kept order, NULL: the factored ones) is the design the
 * residuals are formed with: the projected design of 2SLS refines
 * X̂'(y − Xb) = 0 with xk = X. */
cn_status cn__qr_coef(const cn__qr *q, double *const *xk, const double *y, double *b, double *e,
                      cn_diag *d);

/* The bread (X'WX)⁻¹ of the kept columns (k×k, row-major) as
 * S⁻¹R⁻¹R⁻ᵀS⁻¹, never an inverse of the cross product. */
cn_status cn__qr_bread(const cn__qr *q, double *Ainv, cn_diag *d);

/* v ← Qv (n entries) for the orthogonal factor Q of the QR: with v a unit
 * vector, a column of Q. */
void cn__qr_apply_q(const cn__qr *q, double *v);

/* The lower Cholesky factor L of X'WX (k×k, row-major, positive
 * diagonal) from R: L = (RS)' up to the signs of its columns. */
void cn__qr_lower(const cn__qr *q, double *L);

/* reg's least squares (qr.c: contract there). */
cn_status cn__qr_ls(double *const *x, const double *ref, int ncol, const double *y, const double *w,
                    int64_t n, double tol, double *const *xr, const double *yr, const double *mean,
                    bool *keep, int *kout, double *b, double *b0, double *Ainv, double *e,
                    double *rss, cn_diag *d);

#endif
