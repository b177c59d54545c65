/* lib/table/prep_int.h — what the data-preparation files share: dense ids of
 * key tuples, and copying a column through a row map. */
#ifndef CN_PREP_INT_H
#define CN_PREP_INT_H

#include "coinnet.h"

/* Dense ids (0, 1, ... in order of first appearance) of tuples of values in
 * ncols key columns. Equal tuples get equal ids across every table passed
 * to the same keyer: integers and integral doubles are equal when their
 * values are, texts when their bytes are; missing equals missing. */
typedef struct cn__keyer cn__keyer;
cn__keyer *cn__keyer_new(int ncols);
void cn__keyer_free(cn__keyer *k);
/* Fills ids[nrow] for the columns cols[0..ncols) of t. */
cn_status cn__keyer_ids(cn__keyer *k, const cn_table *t, const int *cols,
                        int64_t *ids, cn_diag *d);
/* Number of distinct tuples seen so far. */
int64_t cn__keyer_count(const cn__keyer *k);

/* Appends to dst (with n rows) a column `name` whose row i is s1's column c1
 * at row r1[i] when r1[i] >= 0 (r1 == NULL: row i), else s2's column c2 at
 * r2[i] when s2 and r2[i] >= 0, else missing. The type is s1's (double
 * when s1 and s2 are int64 and double); labels come from s1 (or s2 when s1
 * is NULL). */
cn_status cn__take_col(cn_table *dst, const char *name, const cn_table *s1,
                       int c1, const int64_t *r1, const cn_table *s2, int c2,
                       const int64_t *r2, cn_diag *d);

/* Copies the variable label, display format and value labels of column c
 * of s to column dc of dst; CN_EINTERNAL when out of memory (prep.c). */
cn_status cn__copy_labels(cn_table *dst, int dc, const cn_table *s, int c);

/* Formats the key of row `row` as "a = 1, b = x" into buf. */
void cn__key_text(const cn_table *t, const int *cols, int ncols, int64_t row,
                  char *buf, size_t n);

/* The index of column name of t; when there is none, -1 with CN_EUSAGE
 * `unknown variable "name"` (+ " (in WHAT)" when what is not NULL) and a
 * "did you mean" hint naming a near column (verbs.c). */
int cn__col_need(const cn_table *t, const char *name, const char *what, cn_diag *d);

/* Stata's sort order of rows a and b on the columns cols: numbers
 * ascending with missing last, text by bytes with missing ("") first.
 * Returns <0, 0, >0. */
int cn__row_cmp(const cn_table *t, const int *cols, int ncols, int64_t a, int64_t b);

/* use[i] = 1 where expr is true on row i of t, 0 elsewhere (expr NULL: all
 * 1); *dropped (may be NULL) gets the count of 0s. */
cn_status cn__if_mask(const cn_table *t, const char *expr, unsigned char *use,
                      int64_t *dropped, cn_diag *d);

#endif
