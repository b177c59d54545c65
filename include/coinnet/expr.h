/* coinnet/expr.h — row-wise expressions over a table's columns, as in
 * `gen y = log(x) + 1` and `keep if year >= 2000 & !missing(sales)`.
 *
 * Grammar (docs/data.md, "Expressions"): numbers, `.` (missing), column
 * names (ASCII or UTF-8 identifiers; `name with spaces` in backquotes),
 * "text" literals (compared with text columns by == and != only),
 * + - * / ^ (right-associative, tighter than unary minus), comparisons
 * == != ~= < <= > >=, logic & | ! ~ and, or, not, parentheses, and the
 * functions log ln log10 log1p ln1p exp sqrt abs floor ceil int round
 * min max missing cond, and Stata's date functions: date(s, "YMD") (text
 * to days since 1 Jan 1960), mdy, year, month, day, quarter, dow, doy, ym,
 * mofd, yq, qofd.
 *
 * Missing values: arithmetic with a missing operand is missing, and so is
 * every result that is not a finite number (x/0, log(0), sqrt(-1)); a
 * comparison with a missing operand is missing (unlike Stata, which orders
 * missing above every number), except `x == .` / `x != .`, which test
 * missingness; & and | follow three-valued logic (0 & . = 0, 1 | . = 1);
 * min/max skip missing arguments (Stata). Text columns: a missing text is
 * the empty string "" (Stata).
 *
 * Ownership: cn_expr_parse returns a new expression the caller releases with
 * cn_expr_free; cn_expr_free(NULL) is a no-op. An expression does not keep a
 * pointer to the table it was parsed against. */
#ifndef COINNET_EXPR_H
#define COINNET_EXPR_H

#include "coinnet/base.h"
#include "coinnet/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cn_expr cn_expr;

/* Parses text (UTF-8, one line) against t's column names. Errors:
 * CN_ESCRIPT with d->file "expr", d->line = 1, d->column = 1-based byte
 * column of the offending token, a message such as `unknown variable "foo"`
 * or `expected ")"`, and d->snippet / d->snippet_col set for a caret. */
cn_status cn_expr_parse(const char *text, const cn_table *t, cn_expr **out,
                        cn_diag *d);
/* Evaluates e on every row of t into out[nrow] (NaN = missing; comparisons
 * and logical operators give 0 / 1). t may be another table than the one e
 * was parsed against when it has the columns e reads (found by name).
 * Errors: CN_ESCRIPT when a column is gone or changed kind (text / number),
 * or when the expression is a bare text column; CN_EINTERNAL when out of
 * memory. */
cn_status cn_expr_eval(const cn_expr *e, const cn_table *t, double *out,
                       cn_diag *d);
/* Nonzero when the expression is a bare column name (then *col, when col is
 * not NULL, gets its index in the table e was parsed against). */
int cn_expr_is_column(const cn_expr *e, int *col);
/* Every column index the expression reads, in first-use order; returns the
 * count and fills up to cap entries of cols (cols may be NULL when cap is 0). */
int cn_expr_columns(const cn_expr *e, int *cols, int cap);
void cn_expr_free(cn_expr *e);

#ifdef __cplusplus
}
#endif
#endif
