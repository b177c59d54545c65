/* lib/measure/measure_int.h — helpers the measures share: text keys of
 * table rows, column lookup with usage errors, and θ shares by industry.
 * Internal to the library (lib/measure and the stages to its right). */
#ifndef CN_MEASURE_INT_H
#define CN_MEASURE_INT_H

#include "../base/base_int.h"
#include "coinnet/table.h"

/* Sets b to the texts of row's cells in cols (n of them; a negative col is
 * skipped) joined by a unit separator, so that codes keep their leading
 * zeros whatever the column type. False when a cell is missing, or out of
 * memory (b->failed tells). */
bool cn__row_key(const cn_table *t, const int *cols, int n, int64_t row, cn_buf *b);

/* Adds to out a text column named like each of cols (n; negative ones
 * skipped) with the cell texts of rows first[0..m). */
cn_status cn__copy_keys(cn_table *out, const cn_table *t, const int *cols, int n, const int64_t *first, int64_t m,
                        cn_diag *d);

/* Index of column name in t, or -1 with the usage error `no column "name"
 * in the WHAT`. cn__need_num also refuses a text column. */
int cn__need_col(const cn_table *t, const char *name, const char *what, cn_diag *d);
int cn__need_num(const cn_table *t, const char *name, const char *what, cn_diag *d);

/* θ1 and θ2 by industry text (spec §1-2): one row per industry. */
typedef struct cn__theta {
  cn_strmap inds;   /* industry text → id */
  double *th1, *th2; /* per id; NaN when missing in the table */
} cn__theta;

/* Reads the industry, theta1 and theta2 columns of t (names given); an
 * industry twice is CN_EDATA; missing names are CN_EUSAGE. Free with
 * cn__theta_free (also after a failure). */
cn_status cn__theta_read(const cn_table *t, const char *ind, const char *c1, const char *c2, cn__theta *th,
                         cn_diag *d);
/* The id of the industry in cell (row, col) of another table, or -1. */
int32_t cn__theta_find(const cn__theta *th, const cn_table *t, int col, int64_t row);
void cn__theta_free(cn__theta *th);

#endif
