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

/* Formats the key of row `row` as "a = 1, b = x" into buf. */
void cn__key_text(const cn_table *t, const int *cols, int ncols, int64_t row,
                  char *buf, size_t n);

#endif
