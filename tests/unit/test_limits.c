/* tests/unit/test_limits.c — names of any length, formula errors that
 * free what they allocated, a regression table of 40,000 coefficients and
 * the row limit of an SQLite query.
 *
 * Expected numbers are hand computations, written out next to each test. */
#include <sqlite3.h>
#include <stdlib.h>
#include "test.h"

/* ---- a counting allocator: live blocks of the library ---------------- */

static long long live_blocks;

static void *counting_alloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    if (ptr) live_blocks--;
    free(ptr);
    return NULL;
  }
  void *q = realloc(ptr, size);
  if (q && !ptr) live_blocks++;
  return q;
}

static cn_table *grunfeld(void) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "model/grunfeld.csv"), NULL, &t, &d),
               CN_OK, &d);
  return t;
}

/* "inv ~ 1*:::::::::" fails in the second '*' group (ten ':' factors)
 * after the first group's factor "1" was parsed: that factor used to be
 * left allocated. Every formula here must fail with CN_ESCRIPT and leave
 * the library's live block count where it was. */
TEST(formula_errors_free_every_factor) {
  cn_table *t = grunfeld();
  if (!t) return;
  const char *bad[] = {
      "inv ~ 1*:::::::::",
      "inv ~ capital*value:value:value:value:value:value:value:value:value",
      "inv ~ capital*value*nope",
      "inv ~ capital:value*log(nope)",
  };
  cn_formula *f = NULL;
  cn_diag d;
  /* a first parse builds whatever the table caches (its name index) */
  CHECK_STATUS(cn_formula_parse("inv ~ capital*value", t, &f, &d), CN_OK, &d);
  cn_formula_free(f);
  cn_set_alloc(counting_alloc, NULL);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    live_blocks = 0;
    f = NULL;
    cn_status st = cn_formula_parse(bad[i], t, &f, &d);
    CHECK(st == CN_ESCRIPT || st == CN_EDATA); /* EDATA: a name that is no column */
    CHECK(f == NULL);
    if (live_blocks != 0)
      cn_test_fail(__FILE__, __LINE__, "%s: %lld blocks left allocated", bad[i], live_blocks);
  }
  cn_set_alloc(NULL, NULL);
  CHECK_INT(cn_formula_parse(bad[0], t, &f, &d), CN_ESCRIPT);
  CHECK(strstr(d.message, "too many factors in one term") != NULL);
  CHECK_INT(d.column, 9); /* the second group starts after "inv ~ 1*" */
  cn_table_free(t);
}

/* ---- long names ------------------------------------------------------ */

/* A string of n copies of c, then tail (a new string). */
static char *repeat(char c, size_t n, const char *tail) {
  size_t k = strlen(tail);
  char *s = malloc(n + k + 1);
  memset(s, c, n);
  memcpy(s + n, tail, k + 1);
  return s;
}

/* Writes long.csv in the test's directory: columns Y (named ynm), G
 * (named gnm) with the levels "a", LX = 300 'b' + "X", LY = 300 'b' + "Y",
 * four rows each. The y values are
 *   a: 1 2 3 4 (mean 2.5), LX: 2 4 6 8 (mean 5), LY: 0 1 1 2 (mean 1).
 * By hand, y ~ i(g) with reference a: _cons = 2.5, LX = 2.5, LY = -1.5;
 * RSS = 5 + 20 + 2 = 27 on 12 - 3 = 9 df, s^2 = 3, so
 * se(level) = sqrt(3 (1/4 + 1/4)) = sqrt(1.5), se(_cons) = sqrt(3/4). */
static cn_table *long_levels(const char *ynm, const char *gnm, char **lx, char **ly) {
  *lx = repeat('b', 300, "X");
  *ly = repeat('b', 300, "Y");
  const char *p = cn_test_path(cn_test_tmpdir(), "long.csv");
  FILE *fp = fopen(p, "w");
  if (!fp) return NULL;
  const double y[3][4] = {{1, 2, 3, 4}, {2, 4, 6, 8}, {0, 1, 1, 2}};
  const char *lev[3] = {"a", *lx, *ly};
  fprintf(fp, "%s,%s\n", ynm, gnm);
  for (int r = 0; r < 4; r++)
    for (int g = 0; g < 3; g++) fprintf(fp, "%g,%s\n", y[g][r], lev[g]);
  fclose(fp);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  return t;
}

/* The coefficient called name, or NULL. */
static const cn_coef *coef(const cn_model *m, const char *name) {
  for (int a = 0; m && a < m->ncoef; a++)
    if (!strcmp(m->coef[a].name, name)) return &m->coef[a];
  return NULL;
}

static void check_coef(const cn_model *m, const char *name, double b, double se) {
  const cn_coef *c = coef(m, name);
  if (!c) {
    cn_test_fail(__FILE__, __LINE__, "no coefficient \"%.60s...\" (%zu bytes)", name, strlen(name));
    return;
  }
  CHECK_NEAR(c->b, b, 1e-12);
  CHECK_NEAR(c->se, se, 1e-12);
}

/* Two levels of 301 bytes that differ in their last byte: i() used to
 * cut both names at 255 bytes, to the same name. */
TEST(model_long_levels_keep_whole_names) {
  char *lx, *ly;
  cn_table *t = long_levels("y", "g", &lx, &ly);
  if (t) {
    cn_model *m = NULL;
    cn_diag d;
    CHECK_STATUS(cn_reg(t, "y ~ i(g)", NULL, &m, &d), CN_OK, &d);
    if (m) {
      CHECK_INT(m->ncoef, 3);
      char *nx = malloc(strlen(lx) + 4), *ny = malloc(strlen(ly) + 4);
      sprintf(nx, "g::%s", lx);
      sprintf(ny, "g::%s", ly);
      check_coef(m, nx, 2.5, sqrt(1.5));
      check_coef(m, ny, -1.5, sqrt(1.5));
      check_coef(m, "_cons", 2.5, sqrt(0.75));
      /* the table shows both rows (it used to drop one of the two) */
      cn_regtable_opts o;
      cn_regtable_opts_init(&o);
      o.format = CN_REGTABLE_CSV;
      const cn_model *ms[1] = {m};
      char *text = NULL;
      CHECK_STATUS(cn_regtable_text(ms, 1, &o, &text, &d), CN_OK, &d);
      if (text) {
        char *want = malloc(strlen(nx) + 32);
        sprintf(want, "\n%s,2.500", nx);
        CHECK(strstr(text, want) != NULL);
        sprintf(want, "\n%s,-1.500", ny);
        CHECK(strstr(text, want) != NULL);
        free(want);
      }
      cn_free(text);
      free(nx);
      free(ny);
    }
    cn_model_free(m);
  }
  cn_table_free(t);
  free(lx);
  free(ly);
}

/* ref = a level of 301 bytes: it used to be compared with the level cut
 * at 255 bytes and never found. With LX as reference, by hand:
 * _cons = 5 (LX's mean), a = 2.5 - 5 = -2.5, LY = 1 - 5 = -4; the standard
 * errors are those above (balanced groups). */
TEST(model_ref_long_level) {
  char *lx, *ly;
  cn_table *t = long_levels("y", "g", &lx, &ly);
  if (t) {
    char *formula = malloc(strlen(lx) + 32);
    sprintf(formula, "y ~ i(g, ref = \"%s\")", lx);
    cn_model *m = NULL;
    cn_diag d;
    CHECK_STATUS(cn_reg(t, formula, NULL, &m, &d), CN_OK, &d);
    if (m) {
      CHECK_INT(m->ncoef, 3);
      char *ny = malloc(strlen(ly) + 4);
      sprintf(ny, "g::%s", ly);
      check_coef(m, "g::a", -2.5, sqrt(1.5));
      check_coef(m, ny, -4, sqrt(1.5));
      check_coef(m, "_cons", 5, sqrt(0.75));
      free(ny);
    }
    cn_model_free(m);
    free(formula);
  }
  cn_table_free(t);
  free(lx);
  free(ly);
}

/* Column names of 600 bytes: in the formula as a name, inside an
 * expression and inside i(); each used to be "unknown variable" (names of
 * 512 bytes or more were never looked up). Same data and numbers as above. */
TEST(formula_long_column_names) {
  char *ynm = repeat('y', 600, ""), *gnm = repeat('g', 600, "");
  char *lx, *ly;
  cn_table *t = long_levels(ynm, gnm, &lx, &ly);
  if (t) {
    char *f1 = malloc(2000), *f2 = malloc(2000), *nx = malloc(2000);
    sprintf(f1, "%s ~ i(%s)", ynm, gnm);
    sprintf(f2, "(%s + 0) ~ i.%s", ynm, gnm);
    sprintf(nx, "%s::%s", gnm, lx);
    const char *fs[2] = {f1, f2};
    for (int k = 0; k < 2; k++) {
      cn_model *m = NULL;
      cn_diag d;
      CHECK_STATUS(cn_reg(t, fs[k], NULL, &m, &d), CN_OK, &d);
      if (m) {
        check_coef(m, nx, 2.5, sqrt(1.5));
        check_coef(m, "_cons", 2.5, sqrt(0.75));
      }
      cn_model_free(m);
    }
    /* an unknown long name is still reported whole enough to recognise */
    cn_formula *f = NULL;
    cn_diag d;
    sprintf(f1, "%sz ~ 1", ynm);
    CHECK_INT(cn_formula_parse(f1, t, &f, &d), CN_EDATA);
    CHECK(strstr(d.message, "no column \"yyyy") != NULL);
    free(f1);
    free(f2);
    free(nx);
  }
  cn_table_free(t);
  free(ynm);
  free(gnm);
  free(lx);
  free(ly);
}

/* ---- the regression table -------------------------------------------- */

/* A saved model (JSON) with the coefficients names[0..n) whose b are
 * b0 + step * i; se 0.5, p 0.5 (no stars). A new string. */
static char *model_json(const char *const *names, int n, double b0, double step) {
  size_t cap = 256 + (size_t)n * 160;
  for (int i = 0; i < n; i++) cap += strlen(names[i]);
  char *s = malloc(cap);
  size_t k = (size_t)sprintf(s, "{\"schema_version\": 1, \"depvar\": \"y\", \"nobs\": 100, "
                                "\"coefficients\": [");
  for (int i = 0; i < n; i++)
    k += (size_t)sprintf(s + k, "%s{\"name\": \"%s\", \"b\": %.17g, \"se\": 0.5, \"p\": 0.5}",
                         i ? ", " : "", names[i], b0 + step * i);
  sprintf(s + k, "]}");
  return s;
}

static cn_model *parse_model(const char *json) {
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_model_parse_json(json, strlen(json), "m.json", &m, &d), CN_OK, &d);
  return m;
}

/* A model with two coefficients of one name: the table showed the first
 * and silently dropped the second. Now the saved model is refused when it
 * is read, at the second name (cn_regtable_text keeps its own check for
 * models built in memory). */
TEST(regtable_refuses_duplicate_names) {
  const char *names[] = {"x", "z", "x"};
  char *js = model_json(names, 3, 1, 1);
  cn_model *m = NULL;
  cn_diag d;
  CHECK_INT(cn_model_parse_json(js, strlen(js), "m.json", &m, &d), CN_EDATA);
  CHECK(m == NULL);
  CHECK_STR(d.message, "coefficient \"x\" appears twice");
  CHECK_INT(d.line, 1);
  CHECK_INT(d.column, 156);
  free(js);
}

/* 40,000 coefficients in model (1), c0 .. c39999 with b = i; model (2)
 * holds c39999 down to c20000 with b = -i (the other order). Rows follow
 * the first appearance, so row i is ci with i.000 in (1) and, from
 * c20000 on, -i.000 in (2). The table used to search every name in every
 * model (quadratic: 8.7 s here); bench/table.sh times it. */
TEST(regtable_40k_coefficients) {
  enum { N = 40000, HALF = 20000 };
  char **nm = malloc(N * sizeof *nm), **rev = malloc((N - HALF) * sizeof *rev);
  for (int i = 0; i < N; i++) {
    nm[i] = malloc(16);
    sprintf(nm[i], "c%d", i);
  }
  for (int i = 0; i < N - HALF; i++) rev[i] = nm[N - 1 - i];
  char *j1 = model_json((const char *const *)nm, N, 0, 1);
  char *j2 = model_json((const char *const *)rev, N - HALF, -(double)(N - 1), 1);
  cn_model *m1 = parse_model(j1), *m2 = parse_model(j2);
  if (m1 && m2) {
    const cn_model *ms[2] = {m1, m2};
    cn_regtable_opts o;
    cn_regtable_opts_init(&o);
    o.format = CN_REGTABLE_CSV;
    char *text = NULL;
    cn_diag d;
    CHECK_STATUS(cn_regtable_text(ms, 2, &o, &text, &d), CN_OK, &d);
    if (text) {
      /* two header lines, then a b line and an se line per coefficient */
      char *line = text, want[64];
      int bad = 0;
      for (int l = 0; l < 2 && line; l++) line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL;
      for (int i = 0; i < N && line && bad < 5; i++) {
        if (i < HALF) sprintf(want, "c%d,%d.000,\n,(0.500),\n", i, i);
        else sprintf(want, "c%d,%d.000,-%d.000\n,(0.500),(0.500)\n", i, i, i);
        if (strncmp(line, want, strlen(want)) != 0) {
          cn_test_fail(__FILE__, __LINE__, "row of c%d: got \"%.40s\"", i, line);
          bad++;
        }
        for (int l = 0; l < 2 && line; l++) line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL;
      }
      CHECK(line && !strncmp(line, "N,100,100\n", 10));
    }
    cn_free(text);
  }
  cn_model_free(m1);
  cn_model_free(m2);
  free(j1);
  free(j2);
  for (int i = 0; i < N; i++) free(nm[i]);
  free(nm);
  free(rev);
}

/* ---- SQLite: the row limit of a query ---------------------------------- */

/* A recursive query without an end used to fill memory: with max_rows it
 * stops with a data error; a result of exactly max_rows rows is read, and
 * a --table is not limited. */
TEST(sqlite_query_row_limit) {
  const char *p = cn_test_path(cn_test_tmpdir(), "t.db");
  sqlite3 *db = NULL;
  CHECK_INT(sqlite3_open(p, &db), SQLITE_OK);
  CHECK_INT(sqlite3_exec(db,
                         "CREATE TABLE t(x INTEGER);"
                         "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                         "WHERE x < 50) INSERT INTO t SELECT x FROM c;",
                         NULL, NULL, NULL),
            SQLITE_OK);
  sqlite3_close(db);
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.sqlite_query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c";
  o.max_rows = 1000;
  cn_table *t = NULL;
  cn_diag d;
  CHECK_INT(cn_table_read(p, &o, &t, &d), CN_EDATA);
  CHECK(t == NULL);
  CHECK(strstr(d.message, "more than 1000 rows") != NULL);
  /* exactly the limit: read */
  o.sqlite_query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                   "SELECT x FROM c LIMIT 1000";
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  if (t) {
    CHECK_INT(cn_table_nrow(t), 1000);
    CHECK_INT(cn_table_i64(t, 0)[999], 1000);
  }
  cn_table_free(t);
  t = NULL;
  /* a table of 50 rows with a limit of 10: a table is read whole */
  o.sqlite_query = NULL;
  o.sqlite_table = "t";
  o.max_rows = 10;
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  if (t) CHECK_INT(cn_table_nrow(t), 50);
  cn_table_free(t);
  t = NULL;
  /* the default limit (0) takes a small result; negative: no limit */
  o.sqlite_table = NULL;
  o.sqlite_query = "SELECT x FROM t WHERE x > 20";
  o.max_rows = 0;
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  if (t) CHECK_INT(cn_table_nrow(t), 30);
  cn_table_free(t);
  t = NULL;
  o.max_rows = -1;
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  if (t) CHECK_INT(cn_table_nrow(t), 30);
  cn_table_free(t);
}

/* ---- names made from long variable names ------------------------------ */

/* A variable named with 600 bytes: its lag is "L_" + the whole name and
 * winsor --replace replaces it. Both names used to be cut at 511 bytes:
 * the lag got a cut name and --replace added a new (cut) column. Panel
 * firm 1, years 2001-2003, x = 1, 2, 3: the lag is ., 1, 2 (by hand). */
TEST(prep_long_variable_names) {
  char *x = repeat('x', 600, "");
  const char *p = cn_test_path(cn_test_tmpdir(), "panel.csv");
  FILE *fp = fopen(p, "w");
  if (!fp) return;
  fprintf(fp, "firm,year,%s\n1,2001,1\n1,2002,2\n1,2003,3\n", x);
  fclose(fp);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  if (t) {
    int64_t miss = -1;
    CHECK_STATUS(cn_prep_lag(&t, x, "firm", "year", 1, 0, NULL, &miss, &d), CN_OK, &d);
    char *lag = malloc(strlen(x) + 3);
    sprintf(lag, "L_%s", x);
    int c = cn_table_find(t, lag);
    CHECK(c >= 0);
    CHECK_INT(miss, 1);
    if (c >= 0) {
      CHECK(isnan(cn_table_get_num(t, c, 0)));
      CHECK_NEAR(cn_table_get_num(t, c, 2), 2, 0);
    }
    int ncol = cn_table_ncol(t);
    cn_winsor_opts o;
    cn_winsor_opts_init(&o);
    o.lo = 1, o.hi = 99, o.replace = 1;
    const char *vars[1] = {x};
    CHECK_STATUS(cn_prep_winsor(&t, vars, 1, &o, NULL, &d), CN_OK, &d);
    CHECK_INT(cn_table_ncol(t), ncol); /* replaced, not added */
    CHECK(cn_table_find(t, x) >= 0);
    free(lag);
  }
  cn_table_free(t);
  free(x);
}
