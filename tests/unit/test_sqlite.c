/* tests/unit/test_sqlite.c — reading and writing SQLite. Inputs are made
 * with the sqlite3 API directly, the independent path. */
#include <sqlite3.h>
#include <unistd.h>
#include "test.h"

static const char *make_db(const char *name, const char *sql) {
  const char *p = cn_test_path(cn_test_tmpdir(), name);
  sqlite3 *db = NULL;
  sqlite3_open(p, &db);
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
    cn_test_fail(__FILE__, __LINE__, "setup: %s", err ? err : "?");
  sqlite3_free(err);
  sqlite3_close(db);
  return p;
}

TEST(sqlite_types_from_values) {
  const char *p = make_db("a.db",
                          "CREATE TABLE t(i, r, m, s, n, z);"
                          "INSERT INTO t VALUES (9007199254740993, 1, 'x', '中国科学院', NULL, NULL);"
                          "INSERT INTO t VALUES (-5, 0.1, 2, NULL, NULL, NULL);"
                          "INSERT INTO t VALUES (NULL, 1e-300, 2.5, 'b', NULL, NULL);");
  cn_read_opts o;
  cn_read_opts_init(&o);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 3);
  CHECK_INT(cn_table_type(t, 0), CN_INT64);
  CHECK(cn_table_i64(t, 0)[0] == 9007199254740993LL);
  CHECK(cn_table_is_na(t, 0, 2));
  CHECK_INT(cn_table_type(t, 1), CN_DOUBLE); /* INTEGER then REAL */
  CHECK(cn_table_dbl(t, 1)[0] == 1 && cn_table_dbl(t, 1)[1] == 0.1 &&
        cn_table_dbl(t, 1)[2] == 1e-300);
  CHECK_INT(cn_table_type(t, 2), CN_STRING); /* TEXT with numbers */
  CHECK_STR(cn_test_level(t, 2, 0), "x");
  CHECK_STR(cn_test_level(t, 2, 1), "2");
  CHECK_STR(cn_test_level(t, 2, 2), "2.5");
  CHECK_STR(cn_test_level(t, 3, 0), "中国科学院");
  CHECK(cn_test_level(t, 3, 1) == NULL);
  CHECK_INT(cn_table_type(t, 4), CN_DOUBLE); /* all NULL */
  CHECK(cn_table_is_na(t, 4, 0));
  cn_table_free(t);
}

TEST(sqlite_query_and_errors) {
  const char *p = make_db("q.db",
                          "CREATE TABLE firms(id INTEGER, sales REAL);"
                          "CREATE TABLE other(x);"
                          "INSERT INTO firms VALUES (1, 10), (2, 20), (3, 30);");
  cn_read_opts o;
  cn_read_opts_init(&o);
  cn_table *t = NULL;
  cn_diag d;
  /* two tables and none named: usage error listing them */
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_EUSAGE, &d);
  CHECK(strstr(d.message, "firms, other") != NULL);
  o.sqlite_query = "SELECT id, sales * 2 AS s2 FROM firms WHERE id >= 2";
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  if (t) {
    CHECK_INT(cn_table_nrow(t), 2);
    CHECK_STR(cn_table_name(t, 1), "s2");
    CHECK(cn_table_dbl(t, 1)[1] == 60);
    cn_table_free(t);
    t = NULL;
  }
  o.sqlite_query = "SELECT id FROM firms\nWHERE id >= 2 ORDER BYY id";
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_EDATA, &d);
  CHECK_INT(d.line, 2);
  CHECK_INT(d.column, 21); /* sqlite points at the bad token "BYY" */
  CHECK(d.snippet[0] != '\0');
  o.sqlite_query = NULL;
  o.sqlite_table = "nosuch";
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "nosuch") && strstr(d.message, "firms"));
  CHECK(t == NULL);
}

TEST(sqlite_blob_and_missing_file) {
  const char *p = make_db("b.db", "CREATE TABLE t(x); INSERT INTO t VALUES (1), (x'00ff');");
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "BLOB") != NULL);
  CHECK_INT(d.line, 2);
  const char *absent = cn_test_path(cn_test_tmpdir(), "absent.sqlite");
  CHECK_STATUS(cn_table_read(absent, NULL, &t, &d), CN_EDATA, &d);
  CHECK(access(absent, F_OK) != 0); /* reading never creates the file */
}

TEST(sqlite_write_read_round_trip) {
  cn_table *t = cn_table_new(4);
  cn_diag d;
  int ci = cn_table_add_column(t, "id", CN_INT64, &d);
  int cx = cn_table_add_column(t, "x", CN_DOUBLE, &d);
  int cs = cn_table_add_column(t, "name \"q\"", CN_STRING, &d);
  int64_t iv[] = {9007199254740993LL, -INT64_MAX, CN_NA_INT64, 0};
  double xv[] = {0.1, 1e-300, -0.0, NAN};
  const char *sv[] = {"中国科学院", NULL, "", "a,b"};
  for (int i = 0; i < 4; i++) {
    cn_table_i64_mut(t, ci)[i] = iv[i];
    cn_table_dbl_mut(t, cx)[i] = xv[i];
    cn_table_set_str(t, cs, i, sv[i], &d);
  }
  const char *p = cn_test_path(cn_test_tmpdir(), "w.sqlite");
  cn_write_opts wo;
  cn_write_opts_init(&wo);
  wo.sqlite_table = "my table";
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_OK, &d);
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_OK, &d); /* replaces it */
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.sqlite_table = "my table";
  cn_table *u = NULL;
  CHECK_STATUS(cn_table_read(p, &o, &u, &d), CN_OK, &d);
  if (u) {
    CHECK_INT(cn_table_nrow(u), 4);
    for (int i = 0; i < 4; i++) {
      CHECK(cn_table_i64(u, 0)[i] == iv[i]);
      double a = cn_table_dbl(u, 1)[i];
      /* SQLite stores -0.0 as 0 (it keeps integral REALs as integers on
       * disk), so values compare as numbers, not bit patterns */
      CHECK((isnan(a) && isnan(xv[i])) || a == xv[i]);
    }
    CHECK_STR(cn_table_name(u, 2), "name \"q\"");
    CHECK_STR(cn_test_level(u, 2, 0), "中国科学院");
    CHECK(cn_test_level(u, 2, 1) == NULL);
    CHECK_STR(cn_test_level(u, 2, 3), "a,b");
    cn_table_free(u);
  }
  cn_table_free(t);
}
