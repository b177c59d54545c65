/* lib/table/sqlite.c — tables from and into SQLite databases.
 *
 * Reading takes a table (--table) or a query's result (--query). Column
 * types come from the values, since SQLite columns have no fixed type: all
 * INTEGER → int64, INTEGER and REAL → double, any TEXT → string (numbers in
 * such a column become their text: integers in full, reals in the shortest
 * digits that read back to the same value); NULL is missing; a BLOB is an
 * error. A column without any value takes its declared type (INTEGER →
 * int64, TEXT → string, else double), so that written tables read back
 * with their types even when a column is all missing.
 *
 * Writing replaces one table inside the database (created when absent) in
 * a single transaction: INTEGER / REAL / TEXT columns by type, NULL for
 * missing. SQLite keeps integral REAL values as integers on disk, so -0.0
 * reads back as 0. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "table_int.h"

/* Milliseconds to wait for another process's lock before giving up. */
#define BUSY_MS 5000
/* At most this many table names are listed in a message. */
#define LIST_MAX 20

/* Per column while reading. The column holds the widest type seen so far;
 * a double column that also received INTEGER values keeps them exactly in
 * `ints` (CN_NA_INT64 on the other rows) in case TEXT comes later and the
 * numbers must become their exact text. */
typedef struct rcol {
  cn_column *c;
  int64_t *ints;
  size_t ints_cap;
  int64_t n_int;   /* INTEGER values seen */
  int64_t n_value; /* non-NULL values seen */
} rcol;

/* Appends name quoted as an SQL identifier ("x" with inner quotes doubled);
 * failures are left in b->failed. */
static void quote_ident(cn_buf *b, const char *name) {
  cn__buf_append(b, "\"", 1);
  for (const char *p = name; *p; p++) {
    if (*p == '"') cn__buf_append(b, "\"", 1);
    cn__buf_append(b, p, 1);
  }
  cn__buf_append(b, "\"", 1);
}

/* Finds byte offset off of sql as a 1-based line and character column, and
 * the bounds [*ls, *le) of that line. */
static void sql_position(const char *sql, size_t off, int64_t *line, int64_t *col,
                         const char **ls, const char **le) {
  int64_t ln = 1;
  const char *s = sql;
  for (const char *p = sql; p < sql + off; p++)
    if (*p == '\n') {
      ln++;
      s = p + 1;
    }
  const char *e = s;
  while (*e && *e != '\n') e++;
  if (e > s && e[-1] == '\r') e--;
  *line = ln;
  *col = cn__utf8_chars(s, (size_t)(sql + off - s)) + 1;
  *ls = s;
  *le = e;
}

/* Points d (already filled) at byte offset off of the query text: file
 * "query", its line and column, and the line as a snippet for a caret. */
static void at_query(cn_diag *d, const char *sql, size_t off) {
  if (!d) return;
  int64_t line, col;
  const char *ls, *le;
  sql_position(sql, off, &line, &col, &ls, &le);
  snprintf(d->file, sizeof d->file, "query");
  d->line = line;
  d->column = col;
  cn_diag_snippet(d, ls, (size_t)(le - ls), col);
}

/* The status for an SQLite result code: resource failures are internal,
 * everything else (bad SQL, not a database, locked, read-only) is data. */
static cn_status status_of(int code) {
  switch (code & 0xFF) {
    case SQLITE_NOMEM:
    case SQLITE_IOERR: return CN_EINTERNAL;
    case SQLITE_FULL: return CN_EDATA; /* a full disk: the output's fault */
    default: return CN_EDATA;
  }
}

/* Fills d with db's last error, from the database called name. When sql is
 * the user's query and SQLite knows where the error is, d points into it
 * (an incomplete query points at its end). Returns the status. */
static cn_status sql_error(cn_diag *d, sqlite3 *db, const char *name,
                           const char *sql) {
  const char *msg = sqlite3_errmsg(db);
  cn_status rc = status_of(sqlite3_extended_errcode(db));
  int off = sql ? sqlite3_error_offset(db) : -1;
  size_t len = sql ? strlen(sql) : 0;
  if (sql && off < 0 && sqlite3_errcode(db) == SQLITE_ERROR &&
      !strcmp(msg, "incomplete input"))
    off = (int)len;
  if (off >= 0 && (size_t)off <= len) {
    cn_diag_set(d, rc, "SQLite: %s (query on %s)", msg, name);
    at_query(d, sql, (size_t)off);
  } else {
    cn_diag_at(d, rc, name, 0, 0, "SQLite: %s", msg);
  }
  return rc;
}

/* The user tables and views of db, as "a, b, c" in *list (caller frees);
 * the first one's name in *first when first != NULL (caller frees).
 * Returns their number, -1 when db cannot be queried (not a database) or
 * -2 when out of memory. */
static int list_tables(sqlite3 *db, char **list, char **first) {
  sqlite3_stmt *st = NULL;
  cn_buf b = {0};
  int k = -1;
  *list = NULL;
  if (first) *first = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT name FROM sqlite_schema WHERE type IN ('table','view') "
                         "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                         -1, &st, NULL) != SQLITE_OK)
    goto done;
  int step, n = 0;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *nm = (const char *)sqlite3_column_text(st, 0);
    if (!nm) nm = "";
    if (n < LIST_MAX) cn__buf_printf(&b, "%s%s", n ? ", " : "", nm);
    if (n == 0 && first && !(*first = cn_strdup(nm))) b.failed = true;
    n++;
  }
  if (step != SQLITE_DONE) goto done;
  if (n > LIST_MAX) cn__buf_printf(&b, ", ... (%d in all)", n);
  cn__buf_append(&b, "", 0); /* NUL-terminated even when empty */
  if (b.failed) {
    k = -2;
    goto done;
  }
  *list = b.data;
  b.data = NULL;
  k = n;
done:
  if (k < 0 && first) {
    cn_free(*first);
    *first = NULL;
  }
  sqlite3_finalize(st);
  cn__buf_free(&b);
  return k;
}

/* Makes sure the column and its exact-integer copy hold row + 1 values. */
static bool reserve_row(rcol *r, int64_t row) {
  if ((size_t)row >= r->c->cap && !cn__col_reserve(r->c, row + 1)) return false;
  if (r->ints && (size_t)row >= r->ints_cap &&
      !cn__grow((void **)&r->ints, &r->ints_cap, (size_t)row + 1, sizeof *r->ints))
    return false;
  return true;
}

/* Turns the int64 column of r (rows [0, rows)) into a double column, keeping
 * the integers it held in r->ints. */
static bool int_to_double(rcol *r, int64_t rows) {
  cn_column *c = r->c;
  size_t cap = c->cap ? c->cap : 1;
  double *dbl = cn_malloc(cap * sizeof *dbl);
  if (!dbl) return false;
  for (int64_t i = 0; i < rows; i++)
    dbl[i] = c->i64[i] == CN_NA_INT64 ? NAN : (double)c->i64[i];
  if (r->n_int > 0) {
    r->ints = c->i64;
    r->ints_cap = c->cap;
  } else {
    cn_free(c->i64);
  }
  c->i64 = NULL;
  c->dbl = dbl;
  c->cap = cap;
  c->type = CN_DOUBLE;
  return true;
}

/* Starts the exact-integer copy of a double column at its first INTEGER:
 * rows [0, rows) held no integer. */
static bool start_ints(rcol *r, int64_t rows) {
  size_t cap = r->c->cap;
  r->ints = cn_malloc(cap * sizeof *r->ints);
  if (!r->ints) return false;
  r->ints_cap = cap;
  for (int64_t i = 0; i < rows; i++) r->ints[i] = CN_NA_INT64;
  return true;
}

/* Interns s[0..n) as the value of row in the string column c. */
static bool put_text(cn_column *c, int64_t row, const char *s, size_t n) {
  int32_t code = cn__col_level(c, s, n);
  if (code < 0) return false;
  c->codes[row] = code;
  return true;
}

/* Turns the numeric column of r (rows [0, rows)) into a string column:
 * integers become their full digits, reals the shortest text that reads
 * back to the same value, missing stays missing. */
static bool to_text(rcol *r, int64_t rows) {
  cn_column *c = r->c;
  size_t cap = c->cap ? c->cap : 1;
  int32_t *codes = cn_malloc(cap * sizeof *codes);
  if (!codes) return false;
  c->codes = codes; /* levels are interned into c while the numbers remain */
  char num[64];
  for (int64_t i = 0; i < rows; i++) {
    int64_t iv = CN_NA_INT64;
    double dv = NAN;
    if (c->type == CN_INT64) iv = c->i64[i];
    else if (r->ints && r->ints[i] != CN_NA_INT64) iv = r->ints[i];
    else dv = c->dbl[i];
    int n;
    if (iv != CN_NA_INT64) n = snprintf(num, sizeof num, "%lld", (long long)iv);
    else if (!isnan(dv)) n = cn__fmt_double(dv, num, sizeof num);
    else {
      codes[i] = CN_NA_CODE;
      continue;
    }
    if (!put_text(c, i, num, (size_t)n)) return false; /* codes freed with c */
  }
  cn_free(c->i64);
  cn_free(c->dbl);
  cn_free(r->ints);
  c->i64 = NULL;
  c->dbl = NULL;
  r->ints = NULL;
  r->ints_cap = 0;
  c->cap = cap;
  c->type = CN_STRING;
  return true;
}

/* The type of a column that held no value, from its declared type by
 * SQLite's affinity rules: INT → int64; CHAR, CLOB, TEXT → string; else
 * (REAL, NUMERIC, none, an expression) double. */
static cn_type declared_type(const char *decl) {
  if (!decl) return CN_DOUBLE;
  if (strcasestr(decl, "INT")) return CN_INT64;
  if (strcasestr(decl, "CHAR") || strcasestr(decl, "CLOB") || strcasestr(decl, "TEXT"))
    return CN_STRING;
  return CN_DOUBLE;
}

/* Gives the all-NULL int64 column c (rows [0, rows)) the type `type`. */
static bool retype_empty(cn_column *c, int64_t rows, cn_type type) {
  if (!cn__col_reserve(c, rows > 0 ? rows : 1)) return false;
  if (type == CN_DOUBLE) return cn__col_to_double(c, rows);
  if (type == CN_STRING) {
    int32_t *codes = cn_malloc(c->cap * sizeof *codes);
    if (!codes) return false;
    for (int64_t i = 0; i < rows; i++) codes[i] = CN_NA_CODE;
    cn_free(c->i64);
    c->i64 = NULL;
    c->codes = codes;
    c->type = CN_STRING;
  }
  return true;
}

/* Reads an SQLite table (o->sqlite_table), a query's result
 * (o->sqlite_query) or the database's only table into a new table *out.
 * The file is opened read-only and never created. Errors: both options or
 * several tables and neither option → CN_EUSAGE; a missing file, an unknown
 * table, an SQL error (located in the query text), a BLOB, invalid UTF-8,
 * an integer equal to CN_NA_INT64, or a query result of more than
 * o->max_rows rows → CN_EDATA; out of memory → CN_EINTERNAL. */
cn_status cn_table_read_sqlite(const char *path, const cn_read_opts *o,
                               cn_table **out, cn_diag *d) {
  cn_read_opts def;
  if (!o) {
    cn_read_opts_init(&def);
    o = &def;
  }
  const char *name = o->display_name ? o->display_name : path;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  cn_table *t = NULL;
  rcol *rc = NULL;
  int nc = 0;
  char *tables = NULL, *only = NULL;
  cn_buf sql = {0};
  double total = 0; /* estimated rows, for progress; 0 = unknown */
  cn_status ret = CN_OK;
  *out = NULL;
  cn_diag_clear(d);

  if (o->sqlite_table && o->sqlite_query) {
    ret = cn_diag_set(d, CN_EUSAGE, "give a table or a query, not both");
    cn_diag_hint(d, "pass either --table NAME or --query SQL");
    goto done;
  }
  if (access(path, R_OK) != 0) {
    ret = cn_diag_at(d, CN_EDATA, name, 0, 0, "cannot open: %s", strerror(errno));
    goto done;
  }
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    ret = cn_diag_at(d, db ? CN_EDATA : CN_EINTERNAL, name, 0, 0,
                     "cannot open as SQLite: %s",
                     db ? sqlite3_errmsg(db) : "out of memory");
    goto done;
  }
  sqlite3_busy_timeout(db, BUSY_MS);

  const char *query = o->sqlite_query;
  if (query) {
    const char *tail = NULL;
    if (sqlite3_prepare_v2(db, query, -1, &st, &tail) != SQLITE_OK) {
      ret = sql_error(d, db, name, query);
      goto done;
    }
    if (!st) {
      ret = cn_diag_set(d, CN_EUSAGE, "the query is empty");
      goto done;
    }
    /* one statement only: the rest may hold spaces and comments */
    sqlite3_stmt *more = NULL;
    const char *rest = tail;
    while (rest && *rest && (*rest == ';' || *rest == ' ' || *rest == '\t' ||
                             *rest == '\n' || *rest == '\r'))
      rest++;
    if (rest && *rest) {
      int r = sqlite3_prepare_v2(db, rest, -1, &more, NULL);
      sqlite3_finalize(more);
      if (r != SQLITE_OK || more) {
        ret = cn_diag_set(d, CN_EDATA, "the query holds more than one statement");
        at_query(d, query, (size_t)(rest - query));
        cn_diag_hint(d, "give one SELECT statement");
        goto done;
      }
    }
    if (!sqlite3_stmt_readonly(st)) {
      ret = cn_diag_set(d, CN_EDATA, "the query would change the database");
      at_query(d, query, 0);
      cn_diag_hint(d, "give a SELECT statement; the database is opened read-only");
      goto done;
    }
  } else {
    int nt = list_tables(db, &tables, o->sqlite_table ? NULL : &only);
    if (nt == -2) goto oom;
    if (nt < 0) {
      if (sqlite3_errcode(db) == SQLITE_NOTADB)
        ret = cn_diag_at(d, CN_EDATA, name, 0, 0, "not an SQLite database");
      else
        ret = sql_error(d, db, name, NULL);
      goto done;
    }
    const char *tab = o->sqlite_table;
    if (!tab) {
      if (nt == 0) {
        ret = cn_diag_at(d, CN_EDATA, name, 0, 0, "the database holds no table");
        goto done;
      }
      if (nt > 1) {
        ret = cn_diag_at(d, CN_EUSAGE, name, 0, 0,
                         "the database holds %d tables (%s): say which to read", nt,
                         tables);
        cn_diag_hint(d, "pass --table NAME or --query SQL");
        goto done;
      }
      tab = only;
    }
    cn__buf_append(&sql, "SELECT * FROM ", 14);
    quote_ident(&sql, tab);
    if (sql.failed) {
      ret = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK) {
      if (!strncmp(sqlite3_errmsg(db), "no such table", 13))
        ret = cn_diag_at(d, CN_EDATA, name, 0, 0, "no table \"%s\" (tables: %s)", tab,
                         tables[0] ? tables : "none");
      else
        ret = sql_error(d, db, name, NULL);
      goto done;
    }
    /* the largest rowid bounds the row count cheaply (no rowid: no total) */
    sql.len = 0;
    cn__buf_append(&sql, "SELECT max(rowid) FROM ", 23);
    quote_ident(&sql, tab);
    sqlite3_stmt *cnt = NULL;
    if (!sql.failed && sqlite3_prepare_v2(db, sql.data, -1, &cnt, NULL) == SQLITE_OK &&
        sqlite3_step(cnt) == SQLITE_ROW && sqlite3_column_type(cnt, 0) == SQLITE_INTEGER)
      total = (double)sqlite3_column_int64(cnt, 0);
    sqlite3_finalize(cnt);
  }

  nc = sqlite3_column_count(st);
  t = cn_table_new(0);
  rc = cn_calloc(nc > 0 ? (size_t)nc : 1, sizeof *rc);
  if (!t || !rc) {
    ret = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int j = 0; j < nc; j++) {
    const char *cname = sqlite3_column_name(st, j);
    char tmp[32];
    if (!cname || !*cname) {
      snprintf(tmp, sizeof tmp, "v%d", j + 1);
      cname = tmp;
    }
    if (cn_table_find(t, cname) >= 0) {
      ret = cn_diag_at(d, CN_EDATA, name, 0, 0,
                       "the result has two columns called \"%s\"", cname);
      cn_diag_hint(d, "rename one with AS in a query");
      goto done;
    }
    /* int64 until a REAL or TEXT value says otherwise */
    cn_column *c = cn__col_new(cname, CN_INT64);
    if (!c || !cn__table_append(t, c)) {
      cn__col_free(c);
      ret = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    rc[j].c = c;
  }

  int64_t row = 0;
  int step;
  char num[64];
  int64_t max_rows = !query ? -1 : o->max_rows == 0 ? CN_MAX_ROWS_DEFAULT : o->max_rows;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (max_rows >= 0 && row >= max_rows) {
      ret = cn_diag_at(d, CN_EDATA, name, 0, 0,
                       "the query returns more than %lld rows (the limit of --max-rows)",
                       (long long)max_rows);
      cn_diag_hint(d, "a recursive query needs an end (a WHERE in its recursive part, or "
                      "LIMIT); for a larger result raise --max-rows (0: no limit)");
      goto done;
    }
    for (int j = 0; j < nc; j++) {
      rcol *r = &rc[j];
      cn_column *c = r->c;
      if (!reserve_row(r, row)) goto oom;
      switch (sqlite3_column_type(st, j)) {
        case SQLITE_NULL:
          if (c->type == CN_INT64) c->i64[row] = CN_NA_INT64;
          else if (c->type == CN_DOUBLE) {
            c->dbl[row] = NAN;
            if (r->ints) r->ints[row] = CN_NA_INT64;
          } else c->codes[row] = CN_NA_CODE;
          break;
        case SQLITE_INTEGER: {
          int64_t v = sqlite3_column_int64(st, j);
          if (v == CN_NA_INT64) {
            ret = cn_diag_at(d, CN_EDATA, name, row + 1, j + 1,
                             "column \"%s\" row %lld holds %lld, the one integer "
                             "coinnet reserves for missing",
                             c->name, (long long)row + 1, (long long)v);
            cn_diag_hint(d, "store it as REAL or TEXT, e.g. with CAST in --query");
            goto done;
          }
          r->n_int++;
          r->n_value++;
          if (c->type == CN_INT64) c->i64[row] = v;
          else if (c->type == CN_DOUBLE) {
            if (!r->ints && !start_ints(r, row)) goto oom;
            c->dbl[row] = (double)v;
            r->ints[row] = v;
          } else {
            int n = snprintf(num, sizeof num, "%lld", (long long)v);
            if (!put_text(c, row, num, (size_t)n)) goto oom;
          }
          break;
        }
        case SQLITE_FLOAT: {
          double v = sqlite3_column_double(st, j);
          r->n_value++;
          if (c->type == CN_INT64 && !int_to_double(r, row)) goto oom;
          if (c->type == CN_DOUBLE) {
            c->dbl[row] = v;
            if (r->ints) r->ints[row] = CN_NA_INT64;
          } else {
            int n = cn__fmt_double(v, num, sizeof num);
            if (!put_text(c, row, num, (size_t)n)) goto oom;
          }
          break;
        }
        case SQLITE_TEXT: {
          const char *s = (const char *)sqlite3_column_text(st, j);
          size_t n = (size_t)sqlite3_column_bytes(st, j);
          if (!s) goto oom;
          if (cn__utf8_valid(s, n) != n || memchr(s, '\0', n)) {
            ret = cn_diag_at(d, CN_EDATA, name, row + 1, j + 1,
                             "column \"%s\" row %lld is not valid UTF-8 text", c->name,
                             (long long)row + 1);
            cn_diag_hint(d, "convert the text to UTF-8 (SQLite does not check it)");
            goto done;
          }
          r->n_value++;
          if (c->type != CN_STRING && !to_text(r, row)) goto oom;
          if (!put_text(c, row, s, n)) goto oom;
          break;
        }
        default: /* SQLITE_BLOB */
          ret = cn_diag_at(d, CN_EDATA, name, row + 1, j + 1,
                           "column \"%s\" row %lld holds a BLOB, which is neither a "
                           "number nor text",
                           c->name, (long long)row + 1);
          cn_diag_hint(d, "leave the column out, or convert it with a --query");
          goto done;
      }
    }
    row++;
    if ((row & (CN__PLAIN_MIN_ROWS - 1)) == 0)
      for (int j = 0; j < nc; j++) cn__col_check_plain(rc[j].c, row);
    if (total > 0 && (row & 0xFFFF) == 0)
      cn__progress(name, (double)row < total ? (double)row : total, total);
  }
  if (step != SQLITE_DONE) {
    ret = sql_error(d, db, name, NULL);
    goto done;
  }
  /* a column without values takes its declared type; the others drop the
   * exact integers kept for a TEXT that did not come */
  for (int j = 0; j < nc; j++) {
    rcol *r = &rc[j];
    if (r->n_value == 0 &&
        !retype_empty(r->c, row, declared_type(sqlite3_column_decltype(st, j))))
      goto oom;
    cn_free(r->ints);
    r->ints = NULL;
  }
  if (total > 0) cn__progress(name, total, total);
  t->nrow = row;
  *out = t;
  t = NULL;
  goto done;
oom:
  ret = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (int j = 0; rc && j < nc; j++) cn_free(rc[j].ints);
  cn_free(rc);
  sqlite3_finalize(st);
  sqlite3_close(db);
  cn__buf_free(&sql);
  cn_free(tables);
  cn_free(only);
  cn_table_free(t);
  return ret;
}

/* Writes t as the table o->sqlite_table (default "data") of the SQLite
 * database at path, which is created when absent. An existing table of that
 * name is replaced; everything happens in one transaction, rolled back on
 * failure (a database file this call created is then removed). Missing
 * values and NaN become NULL. SQLite compares column names without case, so
 * a column whose name differs from an earlier one only in case is written
 * as NAME_2 (_3, ...), with a note. Errors: SQL, locking or not a database →
 * CN_EDATA; out of memory, disk full or I/O → CN_EINTERNAL. */
cn_status cn_table_write_sqlite(const cn_table *t, const char *path,
                                const cn_write_opts *o, cn_diag *d) {
  const char *tab = o && o->sqlite_table ? o->sqlite_table : "data";
  sqlite3 *db = NULL;
  sqlite3_stmt *ins = NULL;
  cn_buf b = {0};
  cn_status rc = CN_OK;
  bool in_tx = false;
  bool existed = access(path, F_OK) == 0;
  cn_output *out = NULL;
  char **names = NULL; /* names[j]: column j's name in SQLite, when renamed */
  cn_diag_clear(d);
  if (t->ncol == 0) {
    rc = cn_diag_at(d, CN_EDATA, path, 0, 0,
                    "a table without columns cannot be stored in SQLite");
    goto done;
  }
  /* a new database is made under a temporary name beside path and put in
   * place at the end; an existing one changes in one transaction, which
   * SQLite's journal makes atomic */
  if (!existed && (rc = cn_output_open(path, 0, &out, d)) != CN_OK) goto done;
  if (sqlite3_open_v2(out ? cn_output_path(out) : path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK) {
    rc = cn_diag_at(d, db ? CN_EDATA : CN_EINTERNAL, path, 0, 0,
                    "cannot open as SQLite: %s",
                    db ? sqlite3_errmsg(db) : "out of memory");
    goto done;
  }
  sqlite3_busy_timeout(db, BUSY_MS);
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) goto sqlerr;
  in_tx = true;
  cn__buf_append(&b, "DROP TABLE IF EXISTS ", 21);
  quote_ident(&b, tab);
  if (b.failed) goto oom;
  if (sqlite3_exec(db, b.data, NULL, NULL, NULL) != SQLITE_OK) goto sqlerr;
  b.len = 0;
  if (!(names = cn_calloc((size_t)t->ncol, sizeof *names))) goto oom;
  for (int j = 0; j < t->ncol; j++) {
    const char *nm = t->cols[j]->name;
    for (int k = 2;; k++) {
      bool clash = false;
      for (int q = 0; q < j && !clash; q++)
        clash = !strcasecmp(names[q] ? names[q] : t->cols[q]->name, names[j] ? names[j] : nm);
      if (!clash) break;
      cn_buf nb = {0};
      if (!cn__buf_printf(&nb, "%s_%d", nm, k)) {
        cn__buf_free(&nb);
        goto oom;
      }
      cn_free(names[j]);
      names[j] = nb.data;
    }
    if (names[j])
      cn__log(CN_LOG_INFO, "%s: column \"%s\" is stored as \"%s\" (SQLite column names ignore case)", path,
              nm, names[j]);
  }
  cn__buf_append(&b, "CREATE TABLE ", 13);
  quote_ident(&b, tab);
  cn__buf_append(&b, " (", 2);
  for (int j = 0; j < t->ncol; j++) {
    if (j) cn__buf_append(&b, ", ", 2);
    quote_ident(&b, names[j] ? names[j] : t->cols[j]->name);
    const char *ty = t->cols[j]->type == CN_INT64    ? " INTEGER"
                     : t->cols[j]->type == CN_DOUBLE ? " REAL"
                                                     : " TEXT";
    cn__buf_append(&b, ty, strlen(ty));
  }
  cn__buf_append(&b, ")", 1);
  if (b.failed) goto oom;
  if (sqlite3_exec(db, b.data, NULL, NULL, NULL) != SQLITE_OK) goto sqlerr;
  b.len = 0;
  cn__buf_append(&b, "INSERT INTO ", 12);
  quote_ident(&b, tab);
  cn__buf_append(&b, " VALUES (", 9);
  for (int j = 0; j < t->ncol; j++) cn__buf_append(&b, j ? ",?" : "?", j ? 2 : 1);
  cn__buf_append(&b, ")", 1);
  if (b.failed) goto oom;
  if (sqlite3_prepare_v2(db, b.data, -1, &ins, NULL) != SQLITE_OK) goto sqlerr;
  for (int64_t i = 0; i < t->nrow; i++) {
    for (int j = 0; j < t->ncol; j++) {
      const cn_column *c = t->cols[j];
      int r;
      if (cn_table_is_na(t, j, i)) r = sqlite3_bind_null(ins, j + 1);
      else if (c->type == CN_INT64) r = sqlite3_bind_int64(ins, j + 1, c->i64[i]);
      else if (c->type == CN_DOUBLE) r = sqlite3_bind_double(ins, j + 1, c->dbl[i]);
      else
        r = sqlite3_bind_text(ins, j + 1, c->levels.strs[c->codes[i]],
                              (int)c->levels.lens[c->codes[i]], SQLITE_STATIC);
      if (r != SQLITE_OK) goto sqlerr;
    }
    if (sqlite3_step(ins) != SQLITE_DONE) goto sqlerr;
    sqlite3_reset(ins);
    if (((i + 1) & 0xFFFF) == 0) cn__progress(path, (double)(i + 1), (double)t->nrow);
  }
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) goto sqlerr;
  in_tx = false;
  cn__progress(path, (double)t->nrow, (double)t->nrow);
  goto done;
oom:
  rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  goto done;
sqlerr:
  rc = cn_diag_at(d, status_of(sqlite3_extended_errcode(db)), path, 0, 0, "SQLite: %s",
                  sqlite3_errmsg(db));
done:
  sqlite3_finalize(ins);
  if (in_tx) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  if (sqlite3_close(db) != SQLITE_OK && rc == CN_OK)
    rc = cn_diag_at(d, CN_EDATA, path, 0, 0, "SQLite: cannot close the database");
  cn__output_name_diag(out, d);
  if (rc == CN_OK) rc = cn_output_commit(out, d);
  else cn_output_discard(out);
  cn__buf_free(&b);
  for (int j = 0; names && j < t->ncol; j++) cn_free(names[j]);
  cn_free(names);
  return rc;
}
