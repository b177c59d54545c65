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

/* ---- the data verbs Stata users reach for (lib/table/verbs.c,
 * lib/table/collapse.c). A column named in an argument that is not in the
 * table is CN_EUSAGE naming it, with a "did you mean" hint when a column
 * has a near name (one or two letters off, or another case). ---- */

/* rename OLD NEW: renames from[k] to to[k] for k < n, in place. A missing
 * OLD, a NEW that exists already (and is not renamed away in the same
 * call) or a NEW given twice is CN_EUSAGE; then nothing is renamed. */
cn_status cn_prep_rename(cn_table *t, const char *const *from,
                         const char *const *to, int n, cn_diag *d);

/* keep VARS / drop VARS (columns): a new table with the named columns
 * (drop: all others), in the table's order. A name may hold the wildcards
 * * and ? (Stata's varlist: inc* is every column starting with "inc"); a
 * name or pattern that matches no column is CN_EUSAGE. Keeping no column,
 * or dropping every column, is CN_EUSAGE too. */
cn_status cn_prep_select(const cn_table *t, const char *const *names, int n,
                         int drop, cn_table **out, cn_diag *d);

/* drop if EXPR (rows): the rows where expr is not true. Stata drops the
 * rows where the condition is true; where coinnet's condition is missing
 * (a comparison with a missing value) the row is kept, and counted in
 * c->dropped_missing, which here means "kept because missing". */
cn_status cn_prep_drop_if(const cn_table *t, const char *expr, cn_table **out,
                          cn_keep_counts *c, cn_diag *d);

/* Statistics of collapse and egen. */
typedef enum cn_stat {
  CN_STAT_MEAN = 0, CN_STAT_SUM, CN_STAT_COUNT, CN_STAT_MIN, CN_STAT_MAX,
  CN_STAT_FIRST, CN_STAT_LAST, CN_STAT_FIRSTNM, CN_STAT_LASTNM, CN_STAT_SD,
  CN_STAT_PCTILE /* the p-th percentile; p50 is the median */
} cn_stat;
/* Parses a statistic's Stata name: mean sum count min max first last
 * firstnm lastnm sd median p1..p99 (egen's total is sum). *p gets the
 * percentile (50 for median). CN_EUSAGE naming the word otherwise. */
cn_status cn_stat_parse(const char *name, cn_stat *stat, double *p, cn_diag *d);

typedef enum cn_weight_kind {
  CN_WEIGHT_NONE = 0,
  CN_WEIGHT_AW = 1, /* analytic: rescaled to sum to the observations */
  CN_WEIGHT_FW = 2  /* frequency: a row stands for w rows (integers) */
} cn_weight_kind;

/* One result column of collapse: stat of var, named name (NULL: var). */
typedef struct cn_collapse_item {
  cn_stat stat;
  double p;         /* CN_STAT_PCTILE: 0 < p < 100 */
  const char *var;
  const char *name;
} cn_collapse_item;

typedef struct cn_collapse_opts {
  const cn_collapse_item *items;
  int n_items;
  const char *const *by; /* group columns; none: one row for the table */
  int n_by;
  const char *weight;    /* weight column, or NULL */
  cn_weight_kind wkind;
  const char *if_expr;   /* only the rows where this is true, or NULL */
} cn_collapse_opts;

typedef struct cn_collapse_counts {
  int64_t groups;         /* rows of the result */
  int64_t dropped_if;     /* rows left out by if_expr (false or missing) */
  int64_t dropped_weight; /* rows left out: weight missing or zero */
} cn_collapse_counts;

/* collapse (stat) var ..., by(by) [weight]: one row per group of the by
 * columns (missing is a group), sorted by them (numbers ascending with
 * missing last, text by bytes with missing first, as Stata sorts), holding
 * the by columns and one column per item. Missing values of var are left
 * out of every statistic; count counts the nonmissing values, sum of none
 * is 0, the others are missing then. sd is the sample sd (n - 1), a
 * percentile follows Stata's _pctile rule (cn_pctile_sorted) with weights
 * as Stata's: P = W p / 100 over the cumulative weights W_i of the sorted
 * values; x_(i) for the first i with W_i > P, the mean of x_(i) and
 * x_(i+1) when W_i == P. Weights: fw — count is the sum of weights, sum is
 * sum w x, mean, sd (with W - 1) and percentiles as if each row were
 * repeated w times; aw — the weights are rescaled within each group to sum
 * to its count of nonmissing values (Stata), so count is that count, sum is
 * count * the weighted mean, sd is sqrt(n/(n-1) sum w (x - m)^2 / sum w).
 * min, max, first, last, firstnm, lastnm ignore weights and keep the
 * column's type; count is int64 and the others double. A negative weight,
 * or a fractional fw, is CN_EDATA naming the row; rows with a missing or
 * zero weight are left out and counted. Result names must be distinct and
 * differ from the by columns (CN_EUSAGE); a numeric statistic of a text
 * column is CN_EUSAGE; no rows left is CN_EDATA. c may be NULL. */
cn_status cn_prep_collapse(const cn_table *t, const cn_collapse_opts *o,
                           cn_table **out, cn_collapse_counts *c, cn_diag *d);

/* egen NAME = stat(var), by(by) [if]: adds the double column name holding,
 * on each row, the statistic of var over the rows of its group (as
 * collapse, without weights); rows where if_expr is not true are left out
 * of the statistics and get missing. An existing name is CN_EUSAGE.
 * *n_missing (may be NULL) gets the count of missing results. */
cn_status cn_prep_egen(cn_table **t, const char *name, cn_stat stat, double p,
                       const char *var, const char *const *by, int n_by,
                       const char *if_expr, int64_t *n_missing, cn_diag *d);

/* append: the rows of tabs[0], then tabs[1], ... in one table. Columns are
 * matched by name, in the order they first appear; a column missing from a
 * table is missing on its rows. Types: int64 everywhere stays int64, int64
 * and double give double, text with a number is CN_EDATA naming the column
 * and both tables (names[k], or "table k+1" when names is NULL). gen, when
 * not NULL, adds an int64 column: 0 for the rows of tabs[0], 1 for
 * tabs[1], ... (Stata's generate()); a gen that exists is CN_EUSAGE. */
cn_status cn_prep_append(const cn_table *const *tabs, const char *const *names,
                         int n, const char *gen, cn_table **out, cn_diag *d);

/* reshape long stubs, i(i) j(j): each row of the wide table t becomes one
 * row per j value, where j values are the suffixes of the columns named
 * STUB + suffix (integers; with jstring any text). The result has the i
 * columns, j (int64, or text with jstring), one column per stub (missing
 * where a stub has no column for that j), then the other columns; its rows
 * are sorted by i, then j. A repeated i is CN_EDATA naming both rows; a
 * stub without columns, a stub or j name that exists, text and numbers in
 * one stub are errors. reshape wide is the inverse: one row per i (sorted),
 * the i columns, the other columns (which must be constant within i, else
 * CN_EDATA naming the column and rows), then STUB + j for each stub and
 * each j value in order. j must hold integers or text, not missing; a
 * repeated (i, j) is CN_EDATA naming both rows. */
cn_status cn_prep_reshape_long(const cn_table *t, const char *const *stubs,
                               int n_stubs, const char *const *i, int n_i,
                               const char *j, int jstring, cn_table **out,
                               cn_diag *d);
cn_status cn_prep_reshape_wide(const cn_table *t, const char *const *stubs,
                               int n_stubs, const char *const *i, int n_i,
                               const char *j, cn_table **out, cn_diag *d);

/* duplicates report / drop over the columns vars (n == 0: all columns).
 * Report: a table with columns copies, observations, surplus — one row per
 * number of copies present, ascending (Stata's duplicates report). Drop: t
 * without the repeats of each tuple, keeping its first row, in the table's
 * order; *dropped gets their count. Equal means equal values (an integer
 * equals a double of the same value; missing equals missing). */
cn_status cn_prep_duplicates_report(const cn_table *t, const char *const *vars,
                                    int n, cn_table **out, cn_diag *d);
cn_status cn_prep_duplicates_drop(const cn_table *t, const char *const *vars,
                                  int n, cn_table **out, int64_t *dropped,
                                  cn_diag *d);

/* destring: text columns into numbers. Zero-initialize the options. */
typedef struct cn_destring_opts {
  const char *ignore;           /* characters removed before reading (Stata's ignore()) */
  int percent;                  /* "12.5%" reads 0.125 */
  const char *const *na;        /* cells (after trimming) read as missing */
  int n_na;
  int force;                    /* cells that are not numbers become missing (counted) */
  const char *suffix;           /* new columns VAR+suffix; NULL: replace VAR in place */
} cn_destring_opts;
typedef struct cn_destring_counts {
  int already_numeric;  /* the column was a number already: left as is */
  int64_t numbers;      /* cells read as numbers */
  int64_t missing;      /* cells missing before, or given in na */
  int64_t forced;       /* cells that were not numbers (force: made missing) */
  int64_t first_bad;    /* 1-based row of the first such cell, 0 when none */
  char first_bad_text[64];
} cn_destring_counts;
/* Converts each named text column: spaces around the text are ignored,
 * the characters of o->ignore removed, "1,234,567" read with its thousands
 * separators (commas every three digits before the point; "1,5" is not a
 * number), "12%" read as 0.12 with o->percent. The column becomes int64
 * when every number is an integer (and no percent was read), double
 * otherwise, and keeps its place and label. A cell that is none of these
 * is CN_EDATA naming the column, its row and the text (nothing changes),
 * unless o->force. counts (may be NULL) has n entries. */
cn_status cn_prep_destring(cn_table **t, const char *const *vars, int n,
                           const cn_destring_opts *o,
                           cn_destring_counts *counts, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
