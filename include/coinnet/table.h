/* coinnet/table.h — columnar tables and their readers and writers.
 *
 * A cn_table holds named columns of equal length. Each column is int64,
 * double or string; strings are dictionary-encoded (int32 codes into a list
 * of distinct UTF-8 levels). Missing values: NaN for doubles, CN_NA_INT64 for
 * integers, CN_NA_CODE for strings.
 *
 * A text column whose values are nearly all distinct (publication numbers,
 * applicant lists) is kept plainly by the readers, each row's text stored
 * once without a dictionary. This is invisible: cn_table_str and
 * cn_table_cell_text read it as it is; cn_table_codes, cn_table_nlevels and
 * cn_table_level build its dictionary on their first call (so they are not
 * safe to call from several threads at once on such a column).
 *
 * Ownership: cn_table_new / cn_table_free; cn_table_free(NULL) is a no-op.
 * Every pointer a getter returns is owned by the table and stays valid until
 * the column is changed or the table freed. Readers return a new table that
 * the caller frees. */
#ifndef COINNET_TABLE_H
#define COINNET_TABLE_H

#include <stdbool.h>
#include <stdio.h>
#include "coinnet/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cn_type { CN_INT64 = 1, CN_DOUBLE = 2, CN_STRING = 3 } cn_type;

#define CN_NA_INT64 INT64_MIN
#define CN_NA_CODE (-1)

typedef struct cn_table cn_table;

/* A new empty table with nrow rows and no columns (NULL when out of memory). */
cn_table *cn_table_new(int64_t nrow);
void cn_table_free(cn_table *t);

int64_t cn_table_nrow(const cn_table *t);
int cn_table_ncol(const cn_table *t);
/* Index of the column called name, or -1. */
int cn_table_find(const cn_table *t, const char *name);
/* Index of the column called name that a command needs; when there is
 * none, -1 with d filled (CN_EDATA): `no column "name" in WHERE`, then
 * `; did you mean "x"?` when a column's name is near (the same but for
 * case, or at most 3 edits and half the name's letters off), else the table's columns when it has at
 * most 12. WHERE names the table as the user knows it ("patents.csv",
 * "the customs table"). Every "column not found" goes through here. */
int cn_table_col(const cn_table *t, const char *name, const char *where, cn_diag *d);
const char *cn_table_name(const cn_table *t, int col);
cn_type cn_table_type(const cn_table *t, int col);
const char *cn_type_name(cn_type type); /* "int64", "double", "string" */

/* Direct access to a column's values; NULL when the column has another type.
 * The mutable variants let a caller fill a column it has added. */
const double *cn_table_dbl(const cn_table *t, int col);
const int64_t *cn_table_i64(const cn_table *t, int col);
const int32_t *cn_table_codes(const cn_table *t, int col);
double *cn_table_dbl_mut(cn_table *t, int col);
int64_t *cn_table_i64_mut(cn_table *t, int col);
/* Text of a string cell and its length in *len (len may be NULL); NULL when
 * the cell is missing or the column is not text. Works on either storage
 * without building a dictionary. */
const char *cn_table_str(const cn_table *t, int col, int64_t row, size_t *len);
/* Number of distinct levels of a string column, and level `code`. */
int32_t cn_table_nlevels(const cn_table *t, int col);
const char *cn_table_level(const cn_table *t, int col, int32_t code);

/* Nonzero when cell (row, col) is missing. */
int cn_table_is_na(const cn_table *t, int col, int64_t row);
/* The cell as a double (NaN when missing or a string). */
double cn_table_get_num(const cn_table *t, int col, int64_t row);

/* Adds a column filled with missing values; returns its index, or -1 with d
 * filled (duplicate name: CN_EDATA; out of memory: CN_EINTERNAL). */
int cn_table_add_column(cn_table *t, const char *name, cn_type type,
                        cn_diag *d);
/* Sets a string cell; s == NULL makes it missing. */
cn_status cn_table_set_str(cn_table *t, int col, int64_t row, const char *s,
                           cn_diag *d);

/* Labels carried from Stata files: a variable label, a display format and a
 * value-label set (value → text) per column. Getters return NULL / 0 when
 * unset. */
cn_status cn_table_set_label(cn_table *t, int col, const char *label);
const char *cn_table_label(const cn_table *t, int col);
cn_status cn_table_set_format(cn_table *t, int col, const char *fmt);
const char *cn_table_format(const cn_table *t, int col);
cn_status cn_table_set_value_labels(cn_table *t, int col, const char *set_name,
                                    int n, const double *values,
                                    const char *const *labels);
/* Fills *values / *labels with table-owned arrays; returns their length. */
int cn_table_value_labels(const cn_table *t, int col, const char **set_name,
                          const double **values, const char *const **labels);

/* Formats cell (row, col) as text: integers in full, doubles with the
 * shortest digits that read back to the same value, strings as they are,
 * missing as "". Returns the text's length; buf (size n) is always
 * NUL-terminated (strings longer than n are cut). */
size_t cn_table_cell_text(const cn_table *t, int col, int64_t row, char *buf,
                          size_t n);

/* Options for reading a table. Zero-initialize or call cn_read_opts_init. */
typedef struct cn_read_opts {
  const char *format;   /* "csv", "tsv", "dta", "sqlite", "xlsx"; NULL: by extension */
  char sep;             /* field separator; 0: ',' (.csv), '\t' (.tsv), sniffed (.txt) */
  const char *encoding; /* NULL or "utf-8"; "gb18030" / "gbk" convert via iconv */
  int no_header;        /* CSV has no header row: columns are named v1, v2, ... */
  const char *const *string_cols; /* CSV columns always read as text */
  int n_string_cols;
  const char *const *na_strings; /* CSV tokens read as missing; NULL: "", "NA", "." */
  int n_na_strings;
  const char *sqlite_table; /* SQLite: read this table, or */
  const char *sqlite_query; /* run this query */
  const char *display_name; /* name used in messages instead of the path */
  int64_t max_rows; /* SQLite query: a result of more rows is an error (CN_EDATA)
                     * rather than a table that grows until memory runs out
                     * (a recursive query without an end); 0: CN_MAX_ROWS_DEFAULT,
                     * negative: no limit. A --table is read whole. */
  const char *sheet; /* .xlsx: the sheet to read, by name or 1-based number
                      * ("2"); NULL: the first */
  int threads; /* CSV: threads that parse a large regular file (at most one
                * per MiB, 64 at most); 0: the environment's CN_THREADS, else
                * every core. The table does not depend on it. */
  /* CSV: when set, only the columns for which keep(name, keep_ctx) is true
   * are read; the others are skipped (their fields still delimit records,
   * but they are not typed, converted or checked) and are not in the
   * table. NULL: every column. Other formats read every column. */
  bool (*keep)(const char *name, void *keep_ctx);
  void *keep_ctx;
} cn_read_opts;

/* The default of cn_read_opts.max_rows: 10 million rows (a few GB at most
 * for a wide result; reached in seconds by a runaway recursive query). */
#define CN_MAX_ROWS_DEFAULT ((int64_t)10000000)

void cn_read_opts_init(cn_read_opts *o);

/* Reads path by format (see cn_read_opts). Errors name the file, line and
 * column: malformed CSV, invalid UTF-8, unsupported Stata versions, SQL
 * errors are CN_EDATA; a missing file is CN_EDATA too. */
cn_status cn_table_read(const char *path, const cn_read_opts *o,
                        cn_table **out, cn_diag *d);
cn_status cn_table_read_csv(const char *path, const cn_read_opts *o,
                            cn_table **out, cn_diag *d);
cn_status cn_table_read_dta(const char *path, const cn_read_opts *o,
                            cn_table **out, cn_diag *d);
cn_status cn_table_read_sqlite(const char *path, const cn_read_opts *o,
                               cn_table **out, cn_diag *d);
/* Reads one sheet of an Excel .xlsx workbook (o->sheet; the first by
 * default). The first row with content is the header (o->no_header: the
 * columns are v1, v2, ...); types, missing tokens and o->string_cols work
 * as for CSV, with the cell's stored value: numbers, text, booleans (0/1),
 * dates (ISO text), formulas by their stored result, error cells missing.
 * Errors name the sheet and cell ("sheet \"S\": cell B7: ..."); a damaged,
 * encrypted or oversized (zip bomb) file is CN_EDATA. docs/data.md. */
cn_status cn_table_read_xlsx(const char *path, const cn_read_opts *o,
                             cn_table **out, cn_diag *d);

/* Options for writing. Zero-initialize or call cn_write_opts_init. */
typedef struct cn_write_opts {
  const char *format;       /* "csv", "tsv", "dta", "sqlite"; NULL: by extension */
  char sep;                 /* CSV separator; 0: by format */
  const char *sqlite_table; /* table name in SQLite (default "data"); replaced */
  int dta_version;          /* 104..119; 0: 118 */
} cn_write_opts;

void cn_write_opts_init(cn_write_opts *o);

/* Writes t to path in the chosen format; an existing file is replaced
 * (SQLite: the table inside it is replaced). */
cn_status cn_table_write(const cn_table *t, const char *path,
                         const cn_write_opts *o, cn_diag *d);
/* Writes t as CSV (UTF-8, RFC 4180 quoting) to an open stream. */
cn_status cn_table_write_csv_fp(const cn_table *t, FILE *fp, char sep,
                                cn_diag *d);
cn_status cn_table_write_dta(const cn_table *t, const char *path,
                             const cn_write_opts *o, cn_diag *d);
cn_status cn_table_write_sqlite(const cn_table *t, const char *path,
                                const cn_write_opts *o, cn_diag *d);

/* Per-column summary as `coinnet data describe` shows it. */
typedef struct cn_col_summary {
  int64_t n_missing;
  int64_t n_distinct; /* strings only (levels in use); -1 otherwise */
  double min, mean, max; /* numbers only; NaN when all missing */
} cn_col_summary;
cn_status cn_table_summarize(const cn_table *t, int col, cn_col_summary *s,
                             cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
