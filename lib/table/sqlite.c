/* lib/table/sqlite.c — tables from and into SQLite databases.
 *
 * Reading takes a table (--table) or a query's result (--query). Column
 * types come from the values, since SQLite columns have no fixed type: all
 * INTEGER → int64, INTEGER and REAL → double, any TEXT → string (numbers in
 * such a column become their text); NULL is missing; a BLOB is an error. */
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include "table_int.h"

/* Per column while reading: values kept in the widest type seen so far. */
typedef struct rcol {
  cn_column *c;
  int any_text;
} rcol;

static cn_status sql_error(cn_diag *d, sqlite3 *db, const char *where,
                           const char *sql) {
  cn_diag_at(d, CN_EDATA, where, 0, 0, "SQLite: %s", sqlite3_errmsg(db));
  int off = sql ? sqlite3_error_offset(db) : -1;
  if (off >= 0 && sql) {
    /* locate the offset as line:column within the query text */
    int64_t line = 1;
    const char *ls = sql;
    for (const char *p = sql; p < sql + off; p++)
      if (*p == '\n') {
        line++;
        ls = p + 1;
      }
    const char *le = ls;
    while (*le && *le != '\n') le++;
    int64_t col = cn__utf8_chars(ls, (size_t)(sql + off - ls)) + 1;
    snprintf(d->file, sizeof d->file, "query");
    d->line = line;
    d->column = col;
    cn_diag_snippet(d, ls, (size_t)(le - ls), col);
  }
  return CN_EDATA;
}

/* Lists the tables of db as "a, b, c" into buf. */
static int list_tables(sqlite3 *db, char *buf, size_t n, char *only, size_t on) {
  sqlite3_stmt *st = NULL;
  int k = 0;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db,
                         "SELECT name FROM sqlite_schema WHERE type IN ('table','view') "
                         "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, "%s%s", k ? ", " : "", name ? name : "");
    if (k == 0 && only) snprintf(only, on, "%s", name ? name : "");
    k++;
  }
  sqlite3_finalize(st);
  return k;
}

/* Appends text to a string column; numbers from earlier rows were already
 * turned to text when the column became text. */
static bool push_text(cn_column *c, int64_t row, const char *s, size_t n) {
  int32_t code = cn__col_level(c, s, n);
  if (code < 0) return false;
  c->codes[row] = code;
  return true;
}

/* Turns a numeric column into text, row by row, keeping exact values. */
static bool to_text(cn_column *c, int64_t rows) {
  int32_t *codes = cn_calloc(c->cap ? c->cap : 1, sizeof *codes);
  if (!codes) return false;
  char num[64];
  for (int64_t i = 0; i < rows; i++) {
    int n;
    if (c->type == CN_INT64) {
      if (c->i64[i] == CN_NA_INT64) {
        codes[i] = CN_NA_CODE;
        continue;
      }
      n = snprintf(num, sizeof num, "%lld", (long long)c->i64[i]);
    } else {
      if (isnan(c->dbl[i])) {
        codes[i] = CN_NA_CODE;
        continue;
      }
      n = cn__fmt_double(c->dbl[i], num, sizeof num);
    }
    int32_t code = cn__col_level(c, num, (size_t)n);
    if (code < 0) {
      cn_free(codes);
      return false;
    }
    codes[i] = code;
  }
  cn_free(c->i64);
  cn_free(c->dbl);
  c->i64 = NULL;
  c->dbl = NULL;
  c->codes = codes;
  c->type = CN_STRING;
  return true;
}

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
  char *sql = NULL;
  cn_status rc = CN_OK;
  *out = NULL;
  cn_diag_clear(d);

  if (o->sqlite_table && o->sqlite_query) {
    rc = cn_diag_set(d, CN_EUSAGE, "give --table or --query, not both");
    goto done;
  }
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    rc = cn_diag_at(d, CN_EDATA, name, 0, 0, "cannot open as SQLite: %s",
                    db ? sqlite3_errmsg(db) : "out of memory");
    goto done;
  }
  const char *query = o->sqlite_query;
  if (!query) {
    char tables[1024], only[256] = "";
    int nt = list_tables(db, tables, sizeof tables, only, sizeof only);
    if (nt < 0) {
      rc = cn_diag_at(d, CN_EDATA, name, 0, 0, "not an SQLite database (%s)",
                      sqlite3_errmsg(db));
      goto done;
    }
    const char *tab = o->sqlite_table;
    if (!tab) {
      if (nt != 1) {
        rc = cn_diag_at(d, nt ? CN_EUSAGE : CN_EDATA, name, 0, 0,
                        nt ? "the database holds %d tables (%s): say which"
                           : "the database holds no table%.0d%s",
                        nt, tables);
        if (nt) cn_diag_hint(d, "pass --table NAME or --query SQL");
        goto done;
      }
      tab = only;
    }
    /* quote the name: "x" with inner quotes doubled */
    cn_buf b = {0};
    cn__buf_append(&b, "SELECT * FROM \"", 15);
    for (const char *p = tab; *p; p++) {
      if (*p == '"') cn__buf_append(&b, "\"", 1);
      cn__buf_append(&b, p, 1);
    }
    cn__buf_append(&b, "\"", 1);
    if (b.failed) {
      cn__buf_free(&b);
      rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    sql = b.data;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
      rc = cn_diag_at(d, CN_EDATA, name, 0, 0, "no table \"%s\" (tables: %s)", tab,
                      tables[0] ? tables : "none");
      goto done;
    }
  } else if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) {
    rc = sql_error(d, db, name, query);
    goto done;
  }
  if (!st) {
    rc = cn_diag_set(d, CN_EDATA, "the query is empty");
    goto done;
  }

  int nc = sqlite3_column_count(st);
  t = cn_table_new(0);
  if (!t) {
    rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
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
      rc = cn_diag_at(d, CN_EDATA, name, 0, 0,
                      "the result has two columns called \"%s\"", cname);
      cn_diag_hint(d, "rename one with AS in the query");
      goto done;
    }
    /* int64 until a REAL or TEXT value says otherwise */
    cn_column *c = cn__col_new(cname, CN_INT64);
    if (!c || !cn__table_append(t, c)) {
      cn__col_free(c);
      rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
  }

  int64_t row = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    for (int j = 0; j < nc; j++) {
      cn_column *c = t->cols[j];
      if (!cn__col_reserve(c, row + 1)) {
        rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      int ty = sqlite3_column_type(st, j);
      if (ty == SQLITE_BLOB) {
        rc = cn_diag_at(d, CN_EDATA, name, row + 1, j + 1,
                        "column \"%s\" row %lld holds a BLOB, which is not a number "
                        "or text", c->name, (long long)row + 1);
        goto done;
      }
      if (ty == SQLITE_TEXT && c->type != CN_STRING && !to_text(c, row)) {
        rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      if (ty == SQLITE_FLOAT && c->type == CN_INT64) cn__col_to_double(c, row);
      if (ty == SQLITE_NULL) {
        if (c->type == CN_STRING) c->codes[row] = CN_NA_CODE;
        else if (c->type == CN_INT64) c->i64[row] = CN_NA_INT64;
        else c->dbl[row] = NAN;
        continue;
      }
      if (c->type == CN_STRING) {
        const char *s;
        char num[64];
        size_t n;
        if (ty == SQLITE_TEXT) {
          s = (const char *)sqlite3_column_text(st, j);
          n = (size_t)sqlite3_column_bytes(st, j);
          size_t bad = cn__utf8_valid(s, n);
          if (bad != n || memchr(s, '\0', n)) {
            rc = cn_diag_at(d, CN_EDATA, name, row + 1, j + 1,
                            "column \"%s\" row %lld is not valid UTF-8 text", c->name,
                            (long long)row + 1);
            goto done;
          }
        } else if (ty == SQLITE_INTEGER) {
          n = (size_t)snprintf(num, sizeof num, "%lld",
                               (long long)sqlite3_column_int64(st, j));
          s = num;
        } else {
          n = (size_t)cn__fmt_double(sqlite3_column_double(st, j), num, sizeof num);
          s = num;
        }
        if (!push_text(c, row, s, n)) {
          rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
          goto done;
        }
      } else if (c->type == CN_INT64) {
        int64_t v = sqlite3_column_int64(st, j);
        if (v == CN_NA_INT64) {
          rc = cn_diag_at(d, CN_EDATA, name, row + 1, j + 1,
                          "column \"%s\" row %lld holds %lld, the one integer "
                          "coinnet reserves for missing", c->name, (long long)row + 1,
                          (long long)v);
          goto done;
        }
        c->i64[row] = v;
      } else {
        double v = sqlite3_column_double(st, j);
        c->dbl[row] = v;
      }
    }
    row++;
  }
  if (step != SQLITE_DONE) {
    rc = sql_error(d, db, name, NULL);
    goto done;
  }
  /* a column with no value at all is a double of missing values */
  for (int j = 0; j < nc; j++) {
    cn_column *c = t->cols[j];
    bool any = false;
    if (c->type != CN_INT64) continue;
    for (int64_t i = 0; i < row && !any; i++) any = c->i64[i] != CN_NA_INT64;
    if (!any) {
      if (!cn__col_reserve(c, 1)) {
        rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      cn__col_to_double(c, row);
    }
  }
  t->nrow = row;
  *out = t;
  t = NULL;
done:
  sqlite3_finalize(st);
  sqlite3_close(db);
  cn_free(sql);
  cn_table_free(t);
  return rc;
}

/* Appends name quoted as an SQL identifier. */
static void quote_ident(cn_buf *b, const char *name) {
  cn__buf_append(b, "\"", 1);
  for (const char *p = name; *p; p++) {
    if (*p == '"') cn__buf_append(b, "\"", 1);
    cn__buf_append(b, p, 1);
  }
  cn__buf_append(b, "\"", 1);
}

cn_status cn_table_write_sqlite(const cn_table *t, const char *path,
                                const cn_write_opts *o, cn_diag *d) {
  const char *tab = o && o->sqlite_table ? o->sqlite_table : "data";
  sqlite3 *db = NULL;
  sqlite3_stmt *ins = NULL;
  cn_buf b = {0};
  cn_status rc = CN_OK;
  bool in_tx = false;
  cn_diag_clear(d);
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK) {
    rc = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot open as SQLite: %s",
                    db ? sqlite3_errmsg(db) : "out of memory");
    goto done;
  }
  if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) goto sqlerr;
  in_tx = true;
  cn__buf_append(&b, "DROP TABLE IF EXISTS ", 21);
  quote_ident(&b, tab);
  if (b.failed) goto oom;
  if (sqlite3_exec(db, b.data, NULL, NULL, NULL) != SQLITE_OK) goto sqlerr;
  b.len = 0;
  cn__buf_append(&b, "CREATE TABLE ", 13);
  quote_ident(&b, tab);
  cn__buf_append(&b, " (", 2);
  for (int j = 0; j < t->ncol; j++) {
    if (j) cn__buf_append(&b, ", ", 2);
    quote_ident(&b, t->cols[j]->name);
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
    if ((i & 0xFFFF) == 0) cn__progress(path, (double)i, (double)t->nrow);
  }
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) goto sqlerr;
  in_tx = false;
  goto done;
oom:
  rc = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  goto done;
sqlerr:
  rc = cn_diag_at(d, CN_EDATA, path, 0, 0, "SQLite: %s", sqlite3_errmsg(db));
done:
  sqlite3_finalize(ins);
  if (in_tx) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(db);
  cn__buf_free(&b);
  return rc;
}
