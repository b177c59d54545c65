/* lib/table/table_int.h — the table's layout, shared by its readers and
 * writers inside the library (not public). */
#ifndef CN_TABLE_INT_H
#define CN_TABLE_INT_H

#include "../base/base_int.h"
#include "coinnet/table.h"

typedef struct cn_column {
  char *name;
  cn_type type;
  size_t cap; /* capacity of the value array, in items */
  double *dbl;
  int64_t *i64;
  int32_t *codes;
  cn_strmap levels; /* string columns: code → text */
  char *label;      /* variable label */
  char *format;     /* display format, e.g. "%9.0g" */
  char *vl_name;    /* value-label set name */
  int n_vl;
  double *vl_values;
  char **vl_labels;
} cn_column;

struct cn_table {
  int64_t nrow;
  int ncol, capcol;
  cn_column **cols;
};

/* Row-wise building used by readers: cols grow with cn__col_push_*; the
 * table's nrow is set by the reader when all columns have it. */
cn_column *cn__col_new(const char *name, cn_type type);
void cn__col_free(cn_column *c);
bool cn__col_reserve(cn_column *c, int64_t n); /* capacity for n values */
/* Converts an int64 column to double in place (missing stays missing). */
bool cn__col_to_double(cn_column *c, int64_t len);
/* Appends an existing column (taking ownership); false when out of memory. */
bool cn__table_append(cn_table *t, cn_column *c);
/* String storage. A string column starts dictionary-encoded: `levels`
 * interns each distinct text once and codes[] points rows at them. When
 * the dictionary stops paying (distinct values above half the rows, seen by
 * a reader's cn__col_check_plain), `levels` becomes a plain list
 * (levels.plain): every new value is appended as a new code, so equal texts
 * may have several codes, without hashing. codes[] and levels.strs/lens
 * stay valid in both forms, so code that reads cells through them works
 * unchanged; only code that takes equal codes for equal texts (the public
 * cn_table_codes / nlevels / level, summaries) must first call
 * cn__col_dict. */
#define CN__PLAIN_MIN_ROWS 65536 /* rows read before a column may turn plain */

/* Stores a string value: its code (interned, or appended in a plain
 * column), or -1 when out of memory. */
static inline int32_t cn__col_level(cn_column *c, const char *s, size_t n) {
  return c->levels.plain ? cn__strmap_append(&c->levels, s, n)
                         : cn__strmap_intern(&c->levels, s, n);
}
/* Readers call this every CN__PLAIN_MIN_ROWS rows with the rows stored so
 * far: a string column with more distinct values than half of them turns
 * plain. Never fails. */
void cn__col_check_plain(cn_column *c, int64_t rows);
/* Makes a plain string column (rows [0, nrow)) dictionary-encoded again:
 * codes are renumbered by first occurrence, as a reader would have given
 * them. True when done or nothing to do; false when out of memory (the
 * column is unchanged and still valid). */
bool cn__col_dict(cn_column *c, int64_t nrow);

/* How the CSV reader types one value given as text s[0..n) (blanks around
 * it trimmed, missing-value tokens already set apart): CN__TEXT_INT (*iv
 * set), CN__TEXT_DBL (*dv set), CN__TEXT_BIGINT (only digits, too many for
 * int64: text, kept with all its digits) or CN__TEXT_STR (not a number, or
 * a number with a leading zero such as "007", kept as a code). A column is
 * int64 while all its values are INT, double once one is DBL, text once one
 * is BIGINT or STR. Other readers that meet numbers as text (the .xlsx
 * reader) type their columns with it, so that they come out as in CSV. */
enum { CN__TEXT_INT = 1, CN__TEXT_DBL, CN__TEXT_BIGINT, CN__TEXT_STR };
int cn__text_kind(const char *s, size_t n, int64_t *iv, double *dv);

/* The format by path extension: "csv", "tsv", "txt", "dta", "sqlite",
 * "xlsx" or NULL. */
const char *cn__format_of(const char *path);

/* The whole text of cell (row, col), as cn_table_cell_text writes it but
 * of any length, over b's old contents (b->len = its length, NUL-
 * terminated; "" when missing). False when out of memory. */
bool cn__cell_text(const cn_table *t, int col, int64_t row, cn_buf *b);

#endif
