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

#endif
