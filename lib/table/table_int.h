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
/* Interns a string level; returns its code or -1 when out of memory. */
static inline int32_t cn__col_level(cn_column *c, const char *s, size_t n) {
  return cn__strmap_intern(&c->levels, s, n);
}

/* The format by path extension: "csv", "tsv", "txt", "dta", "sqlite" or NULL. */
const char *cn__format_of(const char *path);

#endif
