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

typedef struct cn__factor {
  cn__fkind kind;
  char *text;   /* as written, trimmed: the coefficient name */
  int pos;      /* 1-based character column in the formula */
  int col;      /* VAR, FACTOR, LAG: the table column */
  int shift;    /* LAG: k > 0 lag by k, k < 0 lead by −k */
  int diff;     /* LAG: 1 fixest d(x, k) = x − l(x, k); 2 Stata Dk.x, k-th difference */
  char *ref;    /* FACTOR: the left-out level as written, NULL: the first */
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

/* Formula error at byte offset off of text: CN_ESCRIPT, "formula:1:COL". */
cn_status cn__formula_error(cn_diag *d, const char *text, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
