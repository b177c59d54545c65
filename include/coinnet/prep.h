/* coinnet/prep.h — the data-preparation verbs of the papers: gen, keep if,
 * winsorize / trim, merge, panel lags / leads / differences.
 *
 * Ownership: functions that take `cn_table **t` may replace *t by a new
 * table (the old one is freed); on error *t is left as it was. Functions
 * with `cn_table **out` return a new table the caller frees. Every error
 * fills d (expression errors: CN_ESCRIPT located in the expression; data
 * errors such as duplicate keys: CN_EDATA naming the rows and values; bad
 * arguments: CN_EUSAGE). Row numbers in messages are 1-based data rows. */
#ifndef COINNET_PREP_H
#define COINNET_PREP_H

#include "coinnet/base.h"
#include "coinnet/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new table holding rows rows[0..n) of t in that order (rows[i] < 0
 * gives a row of missing values). Columns keep their names, types, labels,
 * formats and value labels. */
cn_status cn_prep_take(const cn_table *t, const int64_t *rows, int64_t n,
                       cn_table **out, cn_diag *d);

/* gen NAME = EXPR: adds a double column `name` holding expr on every row.
 * When name exists: an error (CN_EUSAGE), unless replace is nonzero, then
 * the column's values are replaced in place of the old column (it becomes
 * double). *n_missing (may be NULL) gets the count of missing results. */
cn_status cn_prep_gen(cn_table **t, const char *name, const char *expr,
                      int replace, int64_t *n_missing, cn_diag *d);

/* keep if EXPR: the rows where expr is true (nonzero and not missing).
 * When it is true in no row of a table that has rows, the result would be
 * empty: CN_EDATA naming the condition (c still gets the counts). */
typedef struct cn_keep_counts {
  int64_t kept, dropped;
  int64_t dropped_missing; /* of the dropped rows, those whose condition is missing */
} cn_keep_counts;
cn_status cn_prep_keep(const cn_table *t, const char *expr, cn_table **out,
                       cn_keep_counts *c, cn_diag *d);

/* The p-th percentile (0 <= p <= 100) of x[0..n) sorted ascending, by Stata's
 * _pctile rule: P = n p / 100; when P is an integer, (x_(P) + x_(P+1)) / 2,
 * else x_(ceil P) (1-based order statistics; p = 0 gives the minimum and
 * p = 100 the maximum). NaN when n == 0. */
double cn_pctile_sorted(const double *x, int64_t n, double p);

/* Winsorizing (as Stata's winsor2). Zero-initialize and call
 * cn_winsor_opts_init for the defaults: cuts 1 and 99, no groups, new
 * columns with suffix "_w" ("_tr" when trimming). */
typedef struct cn_winsor_opts {
  double lo, hi;               /* percentile cuts, 0 <= lo < hi <= 100 */
  const char *const *by;       /* group columns: bounds per group */
  int n_by;
  int trim;                    /* set values outside the bounds to missing */
  const char *suffix;          /* NULL: "_w" / "_tr" */
  int replace;                 /* overwrite the variables instead */
} cn_winsor_opts;
void cn_winsor_opts_init(cn_winsor_opts *o);

/* What winsorizing did to one variable. */
typedef struct cn_winsor_counts {
  int64_t low, high;  /* values below the lower / above the upper bound */
  int64_t missing;    /* missing values (left missing) */
  double lo, hi;      /* the bounds (without groups; NaN with groups) */
} cn_winsor_counts;

/* Winsorizes (or trims) column col of t into out[nrow]: within each group
 * of the by columns (missing is a group of its own), values below the lo-th
 * percentile are set to it and values above the hi-th to it (trim: set to
 * missing); missing values stay missing. c may be NULL. */
cn_status cn_winsor_column(const cn_table *t, int col, const int *by, int n_by,
                           double lo, double hi, int trim, double *out,
                           cn_winsor_counts *c, cn_diag *d);
/* Winsorizes the named numeric columns of *t, adding NAME+suffix columns
 * (or replacing the columns). counts (may be NULL) has nvars entries. */
cn_status cn_prep_winsor(cn_table **t, const char *const *vars, int nvars,
                         const cn_winsor_opts *o, cn_winsor_counts *counts,
                         cn_diag *d);

/* Merging two tables on key columns (as Stata's merge). */
typedef enum cn_merge_type { CN_MERGE_1_1 = 0, CN_MERGE_M_1 = 1, CN_MERGE_1_M = 2 } cn_merge_type;
enum { CN_MERGE_KEEP_MASTER = 1, CN_MERGE_KEEP_USING = 2, CN_MERGE_KEEP_MATCH = 4 };
typedef struct cn_merge_opts {
  cn_merge_type type;
  const char *const *keys; /* key column names, in both tables */
  int n_keys;
  int keep;                /* CN_MERGE_KEEP_* bits; 0 keeps all rows */
  const char *master_name; /* names in messages; NULL: "master" / "using" */
  const char *using_name;
  int nogen;               /* nonzero: no `_merge` column (Stata's nogenerate) */
} cn_merge_opts;
typedef struct cn_merge_counts {
  int64_t master_only, using_only, matched; /* rows of the result, before keep */
  int64_t dropped;                          /* rows left out by keep */
  int n_shared; /* non-key columns in both tables: the master's are kept */
} cn_merge_counts;
/* The merge of master and using on o->keys. The result has master's columns,
 * then using's other columns, then `_merge` (int64: 1 master only, 2 using
 * only, 3 matched; with Stata's value labels). Rows: master rows in their
 * order (a 1:m match repeats the master row for each using row, in using
 * order), then using-only rows in their order. Keys match by value (int64
 * with int64 or double, text with text; missing matches missing). The side
 * that must be unique (both for 1:1, using for m:1, master for 1:m) having
 * a repeated key is CN_EDATA naming the key and the two rows. */
cn_status cn_prep_merge(const cn_table *master, const cn_table *using_,
                        const cn_merge_opts *o, cn_table **out,
                        cn_merge_counts *c, cn_diag *d);

/* x shifted within panels: out[i] = x[j] where row j has the same id as row
 * i and time(j) == time(i) - k (k > 0 lag, k < 0 lead), NaN when there is no
 * such row (a gap in time gives missing, never the previous row) or when
 * row i's id or time is missing. The time column holds integers (int64, or
 * double with integer values). A repeated (id, time) is CN_EDATA naming the
 * first repeat: its row, the earlier row and the id and time values. */
cn_status cn_panel_shift(const cn_table *t, int id_col, int time_col,
                         const double *x, int k, double *out, cn_diag *d);

/* Adds the lag (k > 0), lead (k < 0) or, with diff, the difference
 * x - L^k.x (k >= 1) of column var as a double column `name` (NULL: L_x,
 * L2_x, F_x, F2_x, D_x, S2_x, ...). *n_missing (may be NULL) gets the count
 * of missing results. */
cn_status cn_prep_lag(cn_table **t, const char *var, const char *id,
                      const char *time, int k, int diff, const char *name,
                      int64_t *n_missing, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
