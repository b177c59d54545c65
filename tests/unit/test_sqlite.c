/* tests/unit/test_sqlite.c — reading and writing SQLite. Inputs are made,
 * and written files inspected, with the sqlite3 API directly: the
 * independent path. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

/* A database under the test's scratch directory made by running sql. */
static const char *make_db(const char *name, const char *sql) {
  const char *p = cn_test_path(cn_test_tmpdir(), name);
  sqlite3 *db = NULL;
  char *err = NULL;
  if (sqlite3_open(p, &db) != SQLITE_OK ||
      sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
    cn_test_fail(__FILE__, __LINE__, "setup of %s: %s", name,
                 err ? err : sqlite3_errmsg(db));
  sqlite3_free(err);
  sqlite3_close(db);
  return p;
}

/* The first column of the first row of sql on the database at path, as
 * text ("NULL" for NULL, "ERROR: ..." on failure), in a static buffer. */
static const char *sql_value(const char *path, const char *sql) {
  static char buf[512];
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  snprintf(buf, sizeof buf, "ERROR");
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(buf, sizeof buf, "ERROR: %s", sqlite3_errmsg(db));
  } else if (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *s = sqlite3_column_text(st, 0);
    snprintf(buf, sizeof buf, "%s", s ? (const char *)s : "NULL");
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return buf;
}

static cn_table *read_ok(const char *path, const char *table, const char *query) {
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.sqlite_table = table;
  o.sqlite_query = query;
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(path, &o, &t, &d), CN_OK, &d);
  return t;
}

static cn_diag read_err(const char *path, const char *table, const char *query,
                        cn_status want) {
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.sqlite_table = table;
  o.sqlite_query = query;
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(path, &o, &t, &d), want, &d);
  CHECK(t == NULL);
  cn_table_free(t);
  return d;
}

static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* ------------------------------------------------------------------ */

enum { RT_N = 8 };
static const int64_t rt_i[RT_N] = {9007199254740993LL, -9007199254740993LL, INT64_MAX,
                                   -INT64_MAX,         0,                   CN_NA_INT64,
                                   -1,                 1234567890123LL};
static const double rt_x[RT_N] = {0.1,  1e-300, -0.0, NAN, 1e300, -2.5,
                                  5e-324, 0.30000000000000004};
static const char *const rt_s[RT_N] = {"中国科学院", NULL,           "", "a,b",
                                       "line\nbreak", "中国科学院", "q\"uote", "b"};

static cn_table *round_trip_table(void) {
  cn_diag d;
  cn_table *t = cn_table_new(RT_N);
  int ci = cn_table_add_column(t, "id", CN_INT64, &d);
  int cx = cn_table_add_column(t, "x", CN_DOUBLE, &d);
  int cs = cn_table_add_column(t, "name \"q\"", CN_STRING, &d);
  int ni = cn_table_add_column(t, "none_i", CN_INT64, &d);
  int nx = cn_table_add_column(t, "none_x", CN_DOUBLE, &d);
  int ns = cn_table_add_column(t, "none_s", CN_STRING, &d);
  CHECK(ci == 0 && cx == 1 && cs == 2 && ni == 3 && nx == 4 && ns == 5);
  for (int i = 0; i < RT_N; i++) {
    cn_table_i64_mut(t, ci)[i] = rt_i[i];
    cn_table_dbl_mut(t, cx)[i] = rt_x[i];
    CHECK_STATUS(cn_table_set_str(t, cs, i, rt_s[i], &d), CN_OK, &d);
  }
  return t;
}

/* A table built in memory goes into SQLite and comes back with the same
 * names, types, values and levels; the file holds INTEGER / REAL / TEXT
 * values and NULLs as an independent reader sees them. */
TEST(sqlite_write_read_round_trip_exact) {
  cn_table *t = round_trip_table();
  cn_diag d;
  const char *p =
      make_db("rt.sqlite", "CREATE TABLE keep(a); INSERT INTO keep VALUES (7);");
  cn_write_opts wo;
  cn_write_opts_init(&wo);
  wo.sqlite_table = "my \"table\"";
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_OK, &d);
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_OK, &d); /* replaces it */

  /* what is on disk, read with sqlite3 itself */
  CHECK_STR(sql_value(p, "SELECT count(*) FROM \"my \"\"table\"\"\""), "8");
  CHECK_STR(sql_value(p, "SELECT a FROM keep"), "7"); /* other tables stay */
  CHECK_STR(sql_value(p, "SELECT typeof(id) || typeof(x) || typeof(\"name \"\"q\"\"\") "
                         "FROM \"my \"\"table\"\"\" LIMIT 1"),
            "integerrealtext");
  CHECK_STR(sql_value(p, "SELECT id FROM \"my \"\"table\"\"\" WHERE rowid = 1"),
            "9007199254740993");
  CHECK_STR(sql_value(p, "SELECT count(*) FROM \"my \"\"table\"\"\" WHERE id IS NULL "
                         "AND x IS NULL AND \"name \"\"q\"\"\" = 'b'"),
            "0");
  CHECK_STR(sql_value(p, "SELECT typeof(id) || typeof(x) FROM \"my \"\"table\"\"\" "
                         "WHERE rowid = 6"),
            "nullreal");
  CHECK_STR(sql_value(p, "SELECT typeof(x) || typeof(\"name \"\"q\"\"\") || "
                         "typeof(none_i) FROM \"my \"\"table\"\"\" WHERE rowid = 4"),
            "nulltextnull");
  CHECK_STR(sql_value(p, "SELECT group_concat(type, ' ') FROM pragma_table_info('my "
                         "\"table\"')"),
            "INTEGER REAL TEXT INTEGER REAL TEXT");

  cn_table *u = read_ok(p, "my \"table\"", NULL);
  if (u) {
    CHECK_INT(cn_table_nrow(u), RT_N);
    CHECK_INT(cn_table_ncol(u), 6);
    for (int j = 0; j < cn_table_ncol(t) && j < cn_table_ncol(u); j++) {
      CHECK_STR(cn_table_name(u, j), cn_table_name(t, j));
      CHECK_INT(cn_table_type(u, j), cn_table_type(t, j)); /* all-missing too */
    }
    for (int i = 0; i < RT_N; i++) {
      CHECK(cn_table_i64(u, 0)[i] == rt_i[i]);
      double a = cn_table_dbl(u, 1)[i];
      if (i == 2) /* SQLite stores integral REALs as integers: -0.0 is 0 */
        CHECK(a == 0.0);
      else
        CHECK(same_bits(a, rt_x[i]) || (isnan(a) && isnan(rt_x[i])));
      if (rt_s[i]) CHECK_STR(cn_test_level(u, 2, i), rt_s[i]);
      else CHECK(cn_test_level(u, 2, i) == NULL);
      CHECK(cn_table_is_na(u, 3, i) && cn_table_is_na(u, 4, i) &&
            cn_table_is_na(u, 5, i));
    }
    /* the same levels in the same order */
    CHECK_INT(cn_table_nlevels(u, 2), cn_table_nlevels(t, 2));
    CHECK_INT(cn_table_nlevels(u, 2), 6);
    for (int32_t k = 0; k < cn_table_nlevels(t, 2) && k < cn_table_nlevels(u, 2); k++)
      CHECK_STR(cn_table_level(u, 2, k), cn_table_level(t, 2, k));
    for (int i = 0; i < RT_N; i++)
      CHECK_INT(cn_table_codes(u, 2)[i], cn_table_codes(t, 2)[i]);
    cn_table_free(u);
  }

  /* the default table name is "data"; a database of one table needs none */
  const char *q = cn_test_path(cn_test_tmpdir(), "one.db");
  CHECK_STATUS(cn_table_write(t, q, NULL, &d), CN_OK, &d);
  CHECK_STR(sql_value(q, "SELECT count(*) FROM data"), "8");
  u = read_ok(q, NULL, NULL);
  if (u) {
    CHECK_INT(cn_table_nrow(u), RT_N);
    CHECK(cn_table_i64(u, 0)[2] == INT64_MAX);
    cn_table_free(u);
  }
  cn_table_free(t);
}

/* -0.0 survives where SQLite stores it as a real (an untyped column). */
TEST(sqlite_keeps_negative_zero_in_untyped_columns) {
  const char *p =
      make_db("z.db", "CREATE TABLE t(x); INSERT INTO t VALUES (-0.0), (1.5);");
  CHECK_STR(sql_value(p, "SELECT typeof(x) FROM t"), "real");
  cn_table *t = read_ok(p, NULL, NULL);
  if (!t) return;
  CHECK_INT(cn_table_type(t, 0), CN_DOUBLE);
  CHECK(cn_table_dbl(t, 0)[0] == 0 && signbit(cn_table_dbl(t, 0)[0]));
  cn_table_free(t);
}

/* A query with WHERE, ORDER BY and computed columns gives its result's
 * types from the values. */
TEST(sqlite_query_where_and_computed_columns) {
  const char *p = make_db("q.db",
                          "CREATE TABLE firms(id INTEGER, sales REAL, name TEXT);"
                          "CREATE TABLE other(x);"
                          "INSERT INTO firms VALUES (1, 10, 'a'), (2, 20.5, '中国'),"
                          " (3, 30, NULL), (4, NULL, 'd');");
  cn_table *t = read_ok(p, NULL,
                        "SELECT id, sales * 2 AS s2, upper(name) AS u, id * 10 AS k,\n"
                        "       name || '!' AS bang\n"
                        "FROM firms WHERE id >= 2 ORDER BY id DESC");
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 3);
  CHECK_INT(cn_table_ncol(t), 5);
  CHECK_STR(cn_table_name(t, 1), "s2");
  CHECK_STR(cn_table_name(t, 4), "bang");
  CHECK_INT(cn_table_type(t, 0), CN_INT64);
  CHECK_INT(cn_table_type(t, 1), CN_DOUBLE);
  CHECK_INT(cn_table_type(t, 2), CN_STRING);
  CHECK_INT(cn_table_type(t, 3), CN_INT64);
  CHECK_INT(cn_table_type(t, 4), CN_STRING);
  CHECK(cn_table_i64(t, 0)[0] == 4 && cn_table_i64(t, 0)[2] == 2);
  CHECK(isnan(cn_table_dbl(t, 1)[0]));
  CHECK(cn_table_dbl(t, 1)[1] == 60 && cn_table_dbl(t, 1)[2] == 41);
  CHECK_STR(cn_test_level(t, 2, 0), "D");
  CHECK(cn_test_level(t, 2, 1) == NULL);
  CHECK(cn_table_i64(t, 3)[1] == 30);
  CHECK_STR(cn_test_level(t, 4, 2), "中国!");
  cn_table_free(t);
}

/* SQL errors in a query are CN_EDATA located in the query text (line and
 * character column, with the line as a snippet for a caret). */
TEST(sqlite_query_error_is_located) {
  const char *p = make_db("e.db", "CREATE TABLE firms(id INTEGER, name TEXT);"
                                  "INSERT INTO firms VALUES (1, 'a');");
  cn_diag d =
      read_err(p, NULL, "SELECT id FROM firms\nWHERE id >= 2 ORDER BYY id", CN_EDATA);
  CHECK_STR(d.file, "query");
  CHECK_INT(d.line, 2);
  CHECK_INT(d.column, 21); /* the bad token "BYY" */
  CHECK(strstr(d.message, "BYY") != NULL);
  CHECK(strstr(d.message, "e.db") != NULL);
  CHECK_STR(d.snippet, "WHERE id >= 2 ORDER BYY id");
  CHECK_INT(d.snippet_col, 21);

  /* columns count characters, not bytes */
  d = read_err(p, NULL, "SELECT '中国科学院' AS x, nosuch FROM firms", CN_EDATA);
  CHECK(strstr(d.message, "nosuch") != NULL);
  CHECK_INT(d.line, 1);
  CHECK_INT(d.column, 22);

  /* a query cut short points at its end */
  d = read_err(p, NULL, "SELECT id FROM firms WHERE", CN_EDATA);
  CHECK_STR(d.file, "query");
  CHECK_INT(d.column, 27);

  /* one statement that only reads */
  d = read_err(p, NULL, "SELECT 1; SELECT 2", CN_EDATA);
  CHECK(strstr(d.message, "more than one") != NULL);
  CHECK_INT(d.column, 11);
  d = read_err(p, NULL, "DELETE FROM firms", CN_EDATA);
  CHECK_STR(sql_value(p, "SELECT count(*) FROM firms"), "1");
  d = read_err(p, NULL, "  -- nothing\n", CN_EUSAGE);
  CHECK(strstr(d.message, "empty") != NULL);

  /* a trailing semicolon and comment are fine */
  cn_table *t = read_ok(p, NULL, "SELECT id FROM firms; -- all of them\n");
  if (t) CHECK_INT(cn_table_nrow(t), 1);
  cn_table_free(t);

  /* two result columns of one name */
  d = read_err(p, NULL, "SELECT id, id FROM firms", CN_EDATA);
  CHECK(strstr(d.message, "\"id\"") != NULL);
}

/* INTEGER and REAL values in one column give a double column, whichever
 * comes first. */
TEST(sqlite_integer_and_real_give_double) {
  const char *p = make_db("m.db",
                          "CREATE TABLE t(a, b, c INTEGER);"
                          "INSERT INTO t VALUES (1, 0.5, 1), (NULL, 3, 2),"
                          " (2.5, NULL, 3), (9007199254740993, -7, 4.25);");
  cn_table *t = read_ok(p, NULL, NULL);
  if (!t) return;
  for (int j = 0; j < 3; j++) CHECK_INT(cn_table_type(t, j), CN_DOUBLE);
  const double *a = cn_table_dbl(t, 0), *b = cn_table_dbl(t, 1), *c = cn_table_dbl(t, 2);
  CHECK(a[0] == 1 && isnan(a[1]) && a[2] == 2.5 && a[3] == 9007199254740992.0);
  CHECK(b[0] == 0.5 && b[1] == 3 && isnan(b[2]) && b[3] == -7);
  CHECK(c[0] == 1 && c[1] == 2 && c[2] == 3 && c[3] == 4.25);
  cn_table_free(t);
}

/* A column with any TEXT becomes a string column; its numbers become their
 * exact text, integers in full even after a REAL made the column double. */
TEST(sqlite_text_with_numbers_gives_strings) {
  const char *p = make_db("s.db",
                          "CREATE TABLE t(a, b, c);"
                          "INSERT INTO t VALUES (9007199254740993, 'a', 1),"
                          " (0.1, 7, 2.0), (1000000000000000, 1e-300, 9007199254740993),"
                          " (NULL, NULL, 0.5), ('x', 2.5, -3), (-12, '', '中国');");
  cn_table *t = read_ok(p, "t", NULL);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 6);
  for (int j = 0; j < 3; j++) CHECK_INT(cn_table_type(t, j), CN_STRING);
  static const char *const want[3][6] = {
      {"9007199254740993", "0.1", "1000000000000000", NULL, "x", "-12"},
      {"a", "7", "1e-300", NULL, "2.5", ""},
      {"1", "2", "9007199254740993", "0.5", "-3", "中国"}};
  for (int j = 0; j < 3; j++)
    for (int i = 0; i < 6; i++) {
      if (want[j][i]) CHECK_STR(cn_test_level(t, j, i), want[j][i]);
      else CHECK(cn_test_level(t, j, i) == NULL);
    }
  cn_table_free(t);
}

/* A BLOB is an error naming the column and row, not a silent conversion. */
TEST(sqlite_blob_is_an_error) {
  const char *p = make_db("b.db",
                          "CREATE TABLE t(id, payload);"
                          "INSERT INTO t VALUES (1, 'a'), (2, NULL), (3, x'00ff');");
  cn_diag d = read_err(p, NULL, NULL, CN_EDATA);
  CHECK(strstr(d.message, "BLOB") != NULL);
  CHECK(strstr(d.message, "\"payload\"") != NULL);
  CHECK(strstr(d.message, "row 3") != NULL);
  CHECK_INT(d.line, 3);
  CHECK_INT(d.column, 2);
  /* a query can leave it out */
  cn_table *t = read_ok(p, NULL, "SELECT id FROM t");
  if (t) CHECK_INT(cn_table_nrow(t), 3);
  cn_table_free(t);
}

/* Text that is not UTF-8, and the integer reserved for missing, are errors. */
TEST(sqlite_bad_values_are_errors) {
  const char *p = make_db("u.db",
                          "CREATE TABLE t(id, name); INSERT INTO t VALUES (1, 'ok'),"
                          " (2, CAST(x'41ff42' AS TEXT));");
  CHECK_STR(sql_value(p, "SELECT typeof(name) FROM t WHERE id = 2"), "text");
  cn_diag d = read_err(p, NULL, NULL, CN_EDATA);
  CHECK(strstr(d.message, "UTF-8") && strstr(d.message, "\"name\""));
  CHECK_INT(d.line, 2);
  CHECK_INT(d.column, 2);

  p = make_db("min.db",
              "CREATE TABLE t(k); INSERT INTO t VALUES (1), (-9223372036854775808);");
  CHECK_STR(sql_value(p, "SELECT typeof(k) FROM t WHERE rowid = 2"), "integer");
  d = read_err(p, NULL, NULL, CN_EDATA);
  CHECK(strstr(d.message, "-9223372036854775808") != NULL);
  CHECK_INT(d.line, 2);
}

/* Columns without values: the declared type decides, else double. */
TEST(sqlite_all_null_columns) {
  const char *p = make_db("n.db", "CREATE TABLE t(u, i INTEGER, s VARCHAR(10), r REAL);"
                                  "INSERT INTO t VALUES (NULL, NULL, NULL, NULL),"
                                  " (NULL, NULL, NULL, NULL);"
                                  "CREATE TABLE e(i BIGINT, s TEXT, r DOUBLE);");
  cn_table *t = read_ok(p, "t", NULL);
  if (t) {
    CHECK_INT(cn_table_nrow(t), 2);
    CHECK_INT(cn_table_type(t, 0), CN_DOUBLE);
    CHECK_INT(cn_table_type(t, 1), CN_INT64);
    CHECK_INT(cn_table_type(t, 2), CN_STRING);
    CHECK_INT(cn_table_type(t, 3), CN_DOUBLE);
    for (int j = 0; j < 4; j++)
      CHECK(cn_table_is_na(t, j, 0) && cn_table_is_na(t, j, 1));
    cn_table_free(t);
  }
  t = read_ok(p, "e", NULL); /* no rows at all */
  if (t) {
    CHECK_INT(cn_table_nrow(t), 0);
    CHECK_INT(cn_table_type(t, 0), CN_INT64);
    CHECK_INT(cn_table_type(t, 1), CN_STRING);
    CHECK_INT(cn_table_type(t, 2), CN_DOUBLE);
    cn_table_free(t);
  }
  t = read_ok(p, NULL, "SELECT NULL AS nada FROM t");
  if (t) CHECK_INT(cn_table_type(t, 0), CN_DOUBLE);
  cn_table_free(t);
}

/* Which table: several and none named is a usage error listing them; an
 * unknown name is a data error listing them; odd names are quoted. */
TEST(sqlite_choosing_the_table) {
  const char *p = make_db("two.db",
                          "CREATE TABLE firms(x); CREATE TABLE \"we\"\"ird name\"(y);"
                          "INSERT INTO \"we\"\"ird name\" VALUES (42);");
  cn_diag d = read_err(p, NULL, NULL, CN_EUSAGE);
  CHECK(strstr(d.message, "firms") && strstr(d.message, "we\"ird name"));
  CHECK(strstr(d.hint, "--table") && strstr(d.hint, "--query"));

  d = read_err(p, "nosuch", NULL, CN_EDATA);
  CHECK(strstr(d.message, "nosuch") && strstr(d.message, "firms"));

  d = read_err(p, "firms", "SELECT 1", CN_EUSAGE);

  cn_table *t = read_ok(p, "we\"ird name", NULL);
  if (t) {
    CHECK_INT(cn_table_nrow(t), 1);
    CHECK(cn_table_i64(t, 0)[0] == 42);
    cn_table_free(t);
  }
  /* a table name that tries to escape its quotes stays a name */
  d = read_err(p, "firms\" UNION SELECT 1 --", NULL, CN_EDATA);

  p = make_db("empty.db", "PRAGMA user_version = 1;");
  d = read_err(p, NULL, NULL, CN_EDATA);
  CHECK(strstr(d.message, "no table") != NULL);
}

/* A missing file is a data error naming it, and reading does not create it;
 * a file that is not a database is a data error too. */
TEST(sqlite_missing_file_is_not_created) {
  const char *absent = cn_test_path(cn_test_tmpdir(), "absent.sqlite");
  cn_diag d = read_err(absent, NULL, NULL, CN_EDATA);
  CHECK(strstr(d.file, "absent.sqlite") != NULL);
  CHECK(access(absent, F_OK) != 0);
  d = read_err(absent, NULL, "SELECT 1", CN_EDATA);
  CHECK(access(absent, F_OK) != 0);

  cn_read_opts o;
  cn_read_opts_init(&o);
  o.display_name = "input.db";
  cn_table *t = NULL;
  CHECK_STATUS(cn_table_read_sqlite(absent, &o, &t, &d), CN_EDATA, &d);
  CHECK_STR(d.file, "input.db");

  const char *txt = cn_test_path(cn_test_tmpdir(), "text.db");
  FILE *fp = fopen(txt, "wb");
  if (fp) {
    fputs("a,b\n1,2\n this is not a database, just some text to fill a page...\n", fp);
    fclose(fp);
  }
  d = read_err(txt, NULL, NULL, CN_EDATA);
  CHECK(strstr(d.message, "not an SQLite database") != NULL);
}

/* A failed write rolls back: what it was replacing survives, and a
 * database file the write created is removed. ("data" is a view here, which
 * DROP TABLE refuses inside the transaction; before, two column names that
 * differ only in case made the failure, but those are now renamed.) */
TEST(sqlite_failed_write_rolls_back) {
  const char *p = make_db("w.db", "CREATE TABLE k(v); INSERT INTO k VALUES (1), (2);"
                                  "CREATE VIEW data AS SELECT v FROM k;");
  cn_diag d;
  cn_table *t = cn_table_new(1);
  cn_table_add_column(t, "a", CN_INT64, &d);
  cn_table_add_column(t, "A", CN_DOUBLE, &d);
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "view") != NULL);
  CHECK_STR(sql_value(p, "SELECT group_concat(v) FROM data"), "1,2");
  const char *fresh = cn_test_path(cn_test_tmpdir(), "fresh.db");

  /* a file that is not a database is left alone */
  const char *txt = cn_test_path(cn_test_tmpdir(), "text.sqlite");
  FILE *fp = fopen(txt, "wb");
  if (fp) {
    fputs("id,name\n1,a\n a plain CSV file that happens to end in .sqlite ......\n", fp);
    fclose(fp);
  }
  cn_table *u = cn_table_new(1);
  cn_table_add_column(u, "x", CN_INT64, &d);
  CHECK_STATUS(cn_table_write(u, txt, NULL, &d), CN_EDATA, &d);
  CHECK(access(txt, F_OK) == 0);
  cn_table_free(u);

  /* a table without columns cannot be stored */
  u = cn_table_new(3);
  CHECK_STATUS(cn_table_write(u, fresh, NULL, &d), CN_EDATA, &d);
  CHECK(access(fresh, F_OK) != 0);
  cn_table_free(u);
  cn_table_free(t);
}

static int progress_calls;
static double progress_done, progress_total;
static void on_progress(void *ud, const char *task, double done, double total) {
  (void)ud;
  CHECK(strstr(task, "big.db") != NULL);
  CHECK(done <= total);
  progress_calls++;
  progress_done = done;
  progress_total = total;
}

/* Many rows, with types that change late (growth while converting), and
 * progress reported up to the total. */
TEST(sqlite_many_rows_late_type_changes) {
  const char *p = make_db(
      "big.db",
      "CREATE TABLE t(i, d, s);"
      "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < 150000)"
      " INSERT INTO t SELECT k, CASE WHEN k = 140000 THEN 0.5 ELSE k END,"
      " CASE WHEN k = 149999 THEN 'x' WHEN k % 2 = 0 THEN k ELSE k * 0.25 END FROM c;");
  progress_calls = 0;
  cn_set_progress(on_progress, NULL);
  cn_table *t = read_ok(p, NULL, NULL);
  cn_set_progress(NULL, NULL);
  CHECK(progress_calls >= 1);
  CHECK(progress_done == 150000 && progress_total == 150000);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 150000);
  CHECK_INT(cn_table_type(t, 0), CN_INT64);
  CHECK_INT(cn_table_type(t, 1), CN_DOUBLE);
  CHECK_INT(cn_table_type(t, 2), CN_STRING);
  CHECK(cn_table_i64(t, 0)[149999] == 150000);
  CHECK(cn_table_dbl(t, 1)[139999] == 0.5 && cn_table_dbl(t, 1)[149999] == 150000);
  CHECK_STR(cn_test_level(t, 2, 0), "0.25");
  CHECK_STR(cn_test_level(t, 2, 1), "2");
  CHECK_STR(cn_test_level(t, 2, 149998), "x");
  CHECK_STR(cn_test_level(t, 2, 149999), "150000");
  CHECK_INT(cn_table_nlevels(t, 2), 150000);

  /* and back out: every value survives */
  cn_diag d;
  const char *q = cn_test_path(cn_test_tmpdir(), "big-out.db");
  CHECK_STATUS(cn_table_write(t, q, NULL, &d), CN_OK, &d);
  CHECK_STR(sql_value(q, "SELECT sum(i) || ' ' || sum(d) || ' ' || count(DISTINCT s) "
                         "FROM data"),
            "11250075000 11249935000.5 150000");
  cn_table_free(t);
}

/* An allocator that fails after a number of allocations. */
static long sq_fail_after;
static void *sq_failing_alloc(void *ud, void *p, size_t n) {
  (void)ud;
  if (n == 0) {
    free(p);
    return NULL;
  }
  if (sq_fail_after-- <= 0) return NULL;
  return realloc(p, n);
}

/* Running out of memory at any allocation while reading or writing gives
 * CN_EINTERNAL, no table and no leak (checked under ASan). */
TEST(sqlite_out_of_memory_is_clean) {
  const char *p = make_db("oom.db",
                          "CREATE TABLE t(a, b, c, d TEXT, e INTEGER);"
                          "INSERT INTO t VALUES (1, 2, 3, NULL, NULL),"
                          " (0.5, 'x', NULL, NULL, NULL),"
                          " (7, 2.5, 4, NULL, NULL), ('中国', 3, 5.5, NULL, NULL);");
  cn_table *t = NULL;
  int ok = 0;
  for (long k = 0; k < 500 && !ok; k++) {
    cn_diag d;
    sq_fail_after = k;
    cn_set_alloc(sq_failing_alloc, NULL);
    cn_status st = cn_table_read(p, NULL, &t, &d);
    cn_set_alloc(NULL, NULL);
    if (st == CN_OK) {
      ok = 1;
    } else {
      CHECK_INT(st, CN_EINTERNAL);
      CHECK(t == NULL);
    }
  }
  CHECK(ok);
  if (!t) return;
  CHECK_INT(cn_table_type(t, 0), CN_STRING);
  CHECK_STR(cn_test_level(t, 0, 1), "0.5");
  CHECK_INT(cn_table_type(t, 1), CN_STRING);
  CHECK_INT(cn_table_type(t, 2), CN_DOUBLE);
  CHECK_INT(cn_table_type(t, 3), CN_STRING);
  CHECK_INT(cn_table_type(t, 4), CN_INT64);

  const char *q = cn_test_path(cn_test_tmpdir(), "oom-out.db");
  ok = 0;
  for (long k = 0; k < 200 && !ok; k++) {
    cn_diag d;
    sq_fail_after = k;
    cn_set_alloc(sq_failing_alloc, NULL);
    cn_status st = cn_table_write(t, q, NULL, &d);
    cn_set_alloc(NULL, NULL);
    if (st == CN_OK) ok = 1;
    else CHECK_INT(st, CN_EINTERNAL);
  }
  CHECK(ok);
  CHECK_STR(sql_value(q, "SELECT group_concat(a, '|') FROM data"), "1|0.5|7|中国");
  cn_table_free(t);
}
