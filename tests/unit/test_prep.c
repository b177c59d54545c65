/* tests/unit/test_prep.c — expressions, gen / keep, winsorizing (Stata's
 * _pctile rule, hand-computed bounds), merge and panel lags. Every expected
 * number below is computed by hand in the comment next to it. */
#include <stdlib.h>
#include "test.h"


static cn_table *sample(void) {
  static const char *const h[] = {"x:d", "n:i", "name:s", "g:i"};
  static const char *const c[] = {
      "1.5", "2", "Alpha", "1",
      "",    "3", "Beta",  "1",
      "-4",  "",  "",      "2",
      "0",   "5", "Alpha", "2",
  };
  return cn_test_table(4, 4, h, c);
}

/* Evaluates text on the sample; out gets 4 values. */
static cn_status eval4(const char *text, double *out, cn_diag *d) {
  cn_table *t = sample();
  cn_expr *e = NULL;
  cn_status st = cn_expr_parse(text, t, &e, d);
  if (st == CN_OK) st = cn_expr_eval(e, t, out, d);
  cn_expr_free(e);
  cn_table_free(t);
  return st;
}

#define EXPECT4(text, a, b, c, dd)                                     \
  do {                                                                 \
    double v_[4];                                                      \
    cn_diag d_;                                                        \
    CHECK_STATUS(eval4(text, v_, &d_), CN_OK, &d_);                    \
    CHECK_NEAR(v_[0], a, 1e-15);                                       \
    CHECK_NEAR(v_[1], b, 1e-15);                                       \
    CHECK_NEAR(v_[2], c, 1e-15);                                       \
    CHECK_NEAR(v_[3], dd, 1e-15);                                      \
  } while (0)

TEST(expr_arithmetic_and_precedence) {
  /* x = 1.5, ., -4, 0; n = 2, 3, ., 5 */
  EXPECT4("x + n * 2", 5.5, NAN, NAN, 10);
  EXPECT4("-2^2", -4, -4, -4, -4);          /* ^ binds tighter than unary minus */
  EXPECT4("2^3^2", 512, 512, 512, 512);     /* right-associative: 2^9 */
  EXPECT4("(1 + 2) * 3 - 4 / 8", 8.5, 8.5, 8.5, 8.5);
  EXPECT4("n / x", 2 / 1.5, NAN, NAN, NAN); /* 5/0 is missing */
  EXPECT4("log(x)", log(1.5), NAN, NAN, NAN); /* log of -4 and of 0: missing */
  EXPECT4("ln(n) - log(n)", 0, 0, NAN, 0);
  EXPECT4("sqrt(x)", sqrt(1.5), NAN, NAN, 0);
  EXPECT4("abs(x) + floor(-1.5) + ceil(0.2)", 0.5, NAN, 3, -1); /* |x| - 2 + 1 */
  EXPECT4("round(x) + round(2.45, 0.1)", 2 + 2.5, NAN, -4 + 2.5, 2.5);
  EXPECT4("log1p(n) - log(1 + n)", 0, 0, NAN, 0);
  EXPECT4("exp(0) + 1e1 + .5", 11.5, 11.5, 11.5, 11.5);
}

TEST(expr_missing_logic_and_functions) {
  /* comparisons with a missing operand are missing (not Stata's +inf) */
  EXPECT4("x > 0", 1, NAN, 0, 0);
  EXPECT4("x < 1e300", 1, NAN, 1, 1);
  EXPECT4("x == .", 0, 1, 0, 0);
  EXPECT4("x != . & n != .", 1, 0, 0, 1);
  EXPECT4("missing(x) | missing(n)", 0, 1, 1, 0);
  EXPECT4("!missing(name)", 1, 1, 0, 1);
  /* three-valued logic: 0 & . = 0, 1 | . = 1, 1 & . = . */
  EXPECT4("x > 0 & n > 2", 0, NAN, 0, 0);
  EXPECT4("x > 0 | n > 2", 1, 1, NAN, 1);
  EXPECT4("not x > 0", 0, NAN, 1, 1);
  EXPECT4("x > 0 and n > 1 or n == 5", 1, NAN, NAN, 1);
  /* min / max skip missing (Stata) */
  EXPECT4("min(x, n)", 1.5, 3, -4, 0);
  EXPECT4("max(x, n, 4)", 4, 4, 4, 5);
  EXPECT4("cond(x > 0, 10, 20)", 10, NAN, 20, 20);
  EXPECT4("cond(x > 0, 10, 20, 30)", 10, 30, 20, 20);
  /* text: == and != only; missing text is "" */
  EXPECT4("name == \"Alpha\"", 1, 0, 0, 1);
  EXPECT4("name != \"Beta\" & g == 2", 0, 0, 1, 1);
  EXPECT4("name == \"\"", 0, 0, 1, 0);
  EXPECT4("`name` == \"Alpha\"", 1, 0, 0, 1);
}

TEST(expr_bare_column_and_columns) {
  cn_table *t = sample();
  cn_expr *e = NULL;
  cn_diag d;
  int col = -1, cols[8];
  CHECK_STATUS(cn_expr_parse("n", t, &e, &d), CN_OK, &d);
  CHECK(cn_expr_is_column(e, &col));
  CHECK_INT(col, 1);
  cn_expr_free(e);
  CHECK_STATUS(cn_expr_parse("g + log(x) * n + g", t, &e, &d), CN_OK, &d);
  CHECK(!cn_expr_is_column(e, &col));
  CHECK_INT(cn_expr_columns(e, cols, 8), 3);
  CHECK_INT(cols[0], 3);
  CHECK_INT(cols[1], 0);
  CHECK_INT(cols[2], 1);
  CHECK_INT(cn_expr_columns(e, NULL, 0), 3);
  cn_expr_free(e);
  cn_expr_free(NULL);
  cn_table_free(t);
}

/* Parse error: status, column and message start. */
static void expect_error(const char *text, int64_t col, const char *msg) {
  cn_table *t = sample();
  cn_expr *e = NULL;
  cn_diag d;
  cn_status st = cn_expr_parse(text, t, &e, &d);
  cn_status want = strncmp(msg, "no column", 9) ? CN_ESCRIPT : CN_EDATA;
  CHECK_INT(st, want);
  CHECK(e == NULL);
  if (st == want) {
    if (d.column != col) cn_test_fail(__FILE__, __LINE__, "%s: column %lld, wanted %lld", text, (long long)d.column, (long long)col);
    if (strncmp(d.message, msg, strlen(msg)) != 0)
      cn_test_fail(__FILE__, __LINE__, "%s: message \"%s\", wanted \"%s...\"", text, d.message, msg);
    CHECK_INT(d.line, 1);
    CHECK(d.snippet[0] != '\0' || !*text);
  }
  cn_expr_free(e);
  cn_table_free(t);
}

TEST(expr_errors_are_located) {
  expect_error("x + foo", 5, "no column \"foo\"");
  expect_error("log(x", 6, "expected \")\"");
  expect_error("(x + 1", 7, "expected \")\"");
  expect_error("x + ", 5, "expected a value");
  expect_error("x = 1", 3, "\"=\" is not a comparison");
  expect_error("name + 1", 1, "\"name\" is a text variable");
  expect_error("name < \"b\"", 6, "text can only be compared");
  expect_error("x == \"b\"", 6, "cannot compare text with a number");
  expect_error("foo(x)", 1, "unknown function \"foo\"");
  expect_error("log(x, 2)", 8, "log() takes at most 1 argument");
  expect_error("x < .", 3, "missing (.) can only be tested");
  expect_error("x 2", 3, "expected an operator");
  expect_error("x + \"abc", 5, "unterminated text");
  expect_error("1 < x < 2", 7, "comparisons cannot be chained");
  expect_error("", 1, "empty expression");
  /* byte column of a token after UTF-8 text; the caret counts characters */
  cn_table *t = sample();
  cn_expr *e = NULL;
  cn_diag d;
  CHECK_INT(cn_expr_parse("\"中国\" == 规模", t, &e, &d), CN_EDATA);
  /* "中国" with its quotes is 8 bytes (3 per character), then " == " 4:
   * 规模 starts at byte offset 12 -> column 13; 8 characters before it -> caret 9 */
  CHECK_INT(d.column, 13);
  CHECK_INT(d.snippet_col, 9);
  CHECK(strstr(d.message, "规模") != NULL);
  cn_table_free(t);
}

TEST(prep_gen_and_keep) {
  cn_table *t = sample(), *k = NULL;
  cn_diag d;
  int64_t miss = -1;
  CHECK_STATUS(cn_prep_gen(&t, "y", "x * 2 + n", 0, &miss, &d), CN_OK, &d);
  CHECK_INT(miss, 2);
  int y = cn_table_find(t, "y");
  CHECK_INT(y, 4);
  CHECK_NEAR(cn_table_get_num(t, y, 0), 5, 0);
  CHECK_NEAR(cn_table_get_num(t, y, 3), 5, 0);
  CHECK_INT(cn_prep_gen(&t, "y", "1", 0, NULL, &d), CN_EUSAGE);
  /* replace an int64 column: it becomes double and keeps its place */
  CHECK_STATUS(cn_prep_gen(&t, "n", "n + 0.5", 1, NULL, &d), CN_OK, &d);
  CHECK_INT(cn_table_find(t, "n"), 1);
  CHECK_INT(cn_table_type(t, 1), CN_DOUBLE);
  CHECK_NEAR(cn_table_get_num(t, 1, 0), 2.5, 0);
  cn_keep_counts c;
  /* x >= 0: 1, ., 0, 1 -> keep rows 1 and 4; row 2 dropped as missing */
  CHECK_STATUS(cn_prep_keep(t, "x >= 0", &k, &c, &d), CN_OK, &d);
  CHECK_INT(c.kept, 2);
  CHECK_INT(c.dropped, 2);
  CHECK_INT(c.dropped_missing, 1);
  CHECK_INT(cn_table_nrow(k), 2);
  CHECK_STR(cn_test_level(k, 2, 1), "Alpha");
  CHECK_NEAR(cn_table_get_num(k, 0, 1), 0, 0);
  cn_table_free(k);
  k = NULL;
  CHECK_INT(cn_prep_keep(t, "x >= zz", &k, &c, &d), CN_EDATA);
  CHECK(k == NULL);
  cn_table_free(t);
}

TEST(prep_pctile_stata_rule) {
  /* sorted x with ties: 1 2 2 3 4 5 5 5 9 100 (n = 10)
   * p = 10: P = 10*10/100 = 1, an integer -> (x(1) + x(2))/2 = (1 + 2)/2 = 1.5
   * p = 90: P = 9 -> (x(9) + x(10))/2 = (9 + 100)/2 = 54.5
   * p = 25: P = 2.5 -> x(3) = 2;  p = 75: P = 7.5 -> x(8) = 5
   * p = 1:  P = 0.1 -> x(1) = 1;  p = 99: P = 9.9 -> x(10) = 100
   * p = 50: P = 5 -> (x(5) + x(6))/2 = (4 + 5)/2 = 4.5
   * p = 0 -> minimum, p = 100 -> maximum */
  double x[] = {1, 2, 2, 3, 4, 5, 5, 5, 9, 100};
  CHECK_NEAR(cn_pctile_sorted(x, 10, 10), 1.5, 0);
  CHECK_NEAR(cn_pctile_sorted(x, 10, 90), 54.5, 0);
  CHECK_NEAR(cn_pctile_sorted(x, 10, 25), 2, 0);
  CHECK_NEAR(cn_pctile_sorted(x, 10, 75), 5, 0);
  CHECK_NEAR(cn_pctile_sorted(x, 10, 1), 1, 0);
  CHECK_NEAR(cn_pctile_sorted(x, 10, 99), 100, 0);
  CHECK_NEAR(cn_pctile_sorted(x, 10, 50), 4.5, 0);
  CHECK_NEAR(cn_pctile_sorted(x, 10, 0), 1, 0);
  CHECK_NEAR(cn_pctile_sorted(x, 10, 100), 100, 0);
  CHECK(isnan(cn_pctile_sorted(x, 0, 50)));
  /* n = 200, p = 1: P = 2 -> (x(2) + x(3))/2; p = 99: P = 198 -> (x(198) + x(199))/2 */
  double y[200];
  for (int i = 0; i < 200; i++) y[i] = i + 1;
  CHECK_NEAR(cn_pctile_sorted(y, 200, 1), 2.5, 0);
  CHECK_NEAR(cn_pctile_sorted(y, 200, 99), 198.5, 0);
}

TEST(prep_winsor_ties_groups_trim) {
  /* group 1: 5 100 2 1 5 2 9 . 3 4 5 (10 non-missing: sorted 1 2 2 3 4 5 5 5 9 100)
   * group 2: 40 10 30 20
   * cuts 25 75: group 1 bounds x(3) = 2 and x(8) = 5 (P = 2.5, 7.5);
   * group 2: P = 1 -> (10 + 20)/2 = 15, P = 3 -> (30 + 40)/2 = 35. */
  static const char *const h[] = {"g:i", "v:d"};
  static const char *const c[] = {"1", "5", "1", "100", "1", "2", "1", "1", "1", "5",
                                  "1", "2", "1", "9",   "1", "",  "1", "3", "1", "4",
                                  "1", "5", "2", "40",  "2", "10", "2", "30", "2", "20"};
  cn_table *t = cn_test_table(15, 2, h, c);
  double out[15];
  cn_winsor_counts wc;
  cn_diag d;
  int g = 0;
  CHECK_STATUS(cn_winsor_column(t, 1, &g, 1, 25, 75, 0, out, &wc, &d), CN_OK, &d);
  double want[15] = {5, 5, 2, 2, 5, 2, 5, NAN, 3, 4, 5, 35, 15, 30, 20};
  for (int i = 0; i < 15; i++) CHECK_NEAR(out[i], want[i], 0);
  /* below: 1 (group 1), 10 (group 2); above: 100, 9 (group 1), 40 (group 2) */
  CHECK_INT(wc.low, 2);
  CHECK_INT(wc.high, 3);
  CHECK_INT(wc.missing, 1);
  /* trim: the same values become missing; ties at the bounds stay */
  CHECK_STATUS(cn_winsor_column(t, 1, &g, 1, 25, 75, 1, out, &wc, &d), CN_OK, &d);
  double trimmed[15] = {5, NAN, 2, NAN, 5, 2, NAN, NAN, 3, 4, 5, NAN, NAN, 30, 20};
  for (int i = 0; i < 15; i++) CHECK_NEAR(out[i], trimmed[i], 0);
  /* no groups, cuts 10 90 over all 14 values:
   * sorted 1 2 2 3 4 5 5 5 9 10 20 30 40 100; P = 1.4 -> x(2) = 2,
   * P = 12.6 -> x(13) = 40 */
  CHECK_STATUS(cn_winsor_column(t, 1, NULL, 0, 10, 90, 0, out, &wc, &d), CN_OK, &d);
  CHECK_NEAR(wc.lo, 2, 0);
  CHECK_NEAR(wc.hi, 40, 0);
  CHECK_NEAR(out[1], 40, 0);
  CHECK_NEAR(out[3], 2, 0);
  CHECK_INT(cn_winsor_column(t, 1, NULL, 0, 50, 10, 0, out, &wc, &d), CN_EUSAGE);
  /* the table verb: a new column v_w; an existing name is refused */
  cn_winsor_opts o;
  cn_winsor_opts_init(&o);
  const char *vars[] = {"v"};
  CHECK_STATUS(cn_prep_winsor(&t, vars, 1, &o, NULL, &d), CN_OK, &d);
  CHECK_INT(cn_table_find(t, "v_w"), 2);
  CHECK_INT(cn_prep_winsor(&t, vars, 1, &o, NULL, &d), CN_EUSAGE);
  cn_table_free(t);
}

TEST(prep_merge_m1_and_duplicates) {
  static const char *const mh[] = {"firm:s", "year:i", "sales:d"};
  static const char *const mc[] = {"A", "2001", "1", "B", "2001", "2", "A", "2002", "3",
                                   "C", "2002", "4"};
  static const char *const uh[] = {"firm:s", "industry:i", "sales:d"};
  static const char *const uc[] = {"B", "20", "9", "A", "10", "9", "D", "30", "9"};
  cn_table *m = cn_test_table(4, 3, mh, mc), *u = cn_test_table(3, 3, uh, uc), *r = NULL;
  cn_merge_opts o;
  cn_merge_counts c;
  cn_diag d;
  memset(&o, 0, sizeof o);
  const char *keys[] = {"firm"};
  o.keys = keys;
  o.n_keys = 1;
  o.type = CN_MERGE_M_1;
  CHECK_STATUS(cn_prep_merge(m, u, &o, &r, &c, &d), CN_OK, &d);
  /* A, B, A matched; C master only; D using only */
  CHECK_INT(c.matched, 3);
  CHECK_INT(c.master_only, 1);
  CHECK_INT(c.using_only, 1);
  CHECK_INT(c.n_shared, 1);
  CHECK_INT(cn_table_nrow(r), 5);
  CHECK_INT(cn_table_ncol(r), 5); /* firm year sales industry _merge */
  int ind = cn_table_find(r, "industry"), mg = cn_table_find(r, "_merge");
  CHECK_INT(cn_table_get_num(r, ind, 0), 10);
  CHECK_INT(cn_table_get_num(r, ind, 1), 20);
  CHECK(cn_table_is_na(r, ind, 3));
  CHECK_STR(cn_test_level(r, 0, 4), "D");
  CHECK_INT(cn_table_get_num(r, 2, 0), 1); /* the master's sales are kept */
  CHECK(cn_table_is_na(r, 2, 4));
  long long want[] = {3, 3, 3, 1, 2};
  for (int i = 0; i < 5; i++) CHECK_INT(cn_table_get_num(r, mg, i), want[i]);
  cn_table_free(r);
  r = NULL;
  o.keep = CN_MERGE_KEEP_MATCH;
  CHECK_STATUS(cn_prep_merge(m, u, &o, &r, &c, &d), CN_OK, &d);
  CHECK_INT(cn_table_nrow(r), 3);
  CHECK_INT(c.dropped, 2);
  cn_table_free(r);
  r = NULL;
  /* 1:1 with a repeated master key: rows 1 and 3 have firm A */
  o.type = CN_MERGE_1_1;
  CHECK_INT(cn_prep_merge(m, u, &o, &r, &c, &d), CN_EDATA);
  CHECK(r == NULL);
  CHECK(strstr(d.message, "rows 1 and 3") != NULL);
  CHECK(strstr(d.message, "firm = \"A\"") != NULL);
  /* two keys: (firm, year) is unique */
  const char *keys2[] = {"firm", "year"};
  o.keys = keys2;
  o.n_keys = 2;
  CHECK_INT(cn_prep_merge(m, u, &o, &r, &c, &d), CN_EDATA); /* year not in using */
  CHECK(strstr(d.message, "no column \"year\" in ") != NULL);
  cn_table_free(m);
  cn_table_free(u);
}

TEST(panel_shift_follows_time_values) {
  /* firm 1: years 2001 2002 2004 (gap at 2003); firm 2: 2002 2001; x = 10..50 */
  static const char *const h[] = {"id:i", "t:i", "x:d"};
  static const char *const c[] = {"1", "2001", "10", "1", "2002", "20", "2", "2002", "30",
                                  "1", "2004", "40", "2", "2001", "50", "", "2003", "60"};
  cn_table *t = cn_test_table(6, 3, h, c);
  double out[6];
  cn_diag d;
  const double *x = cn_table_dbl(t, 2);
  CHECK_STATUS(cn_panel_shift(t, 0, 1, x, 1, out, &d), CN_OK, &d);
  /* L.x: ., 10, 50, . (2003 missing: the gap), ., . (missing id) */
  double lag[] = {NAN, 10, 50, NAN, NAN, NAN};
  for (int i = 0; i < 6; i++) CHECK_NEAR(out[i], lag[i], 0);
  CHECK_STATUS(cn_panel_shift(t, 0, 1, x, -1, out, &d), CN_OK, &d);
  double lead[] = {20, NAN, NAN, NAN, 30, NAN};
  for (int i = 0; i < 6; i++) CHECK_NEAR(out[i], lead[i], 0);
  CHECK_STATUS(cn_panel_shift(t, 0, 1, x, 2, out, &d), CN_OK, &d);
  double lag2[] = {NAN, NAN, NAN, 20, NAN, NAN};
  for (int i = 0; i < 6; i++) CHECK_NEAR(out[i], lag2[i], 0);
  int64_t miss = 0;
  CHECK_STATUS(cn_prep_lag(&t, "x", "id", "t", 1, 1, NULL, &miss, &d), CN_OK, &d);
  int dx = cn_table_find(t, "D_x");
  CHECK(dx >= 0);
  CHECK_NEAR(cn_table_get_num(t, dx, 1), 10, 0); /* 20 - 10 */
  CHECK_NEAR(cn_table_get_num(t, dx, 2), -20, 0); /* 30 - 50 */
  CHECK_INT(miss, 4);
  cn_table_free(t);
  /* a repeated (id, time): rows 2 and 4 */
  static const char *const c2[] = {"1", "2001", "1", "1", "2002", "2", "2", "2001", "3",
                                   "1", "2002", "4"};
  t = cn_test_table(4, 3, h, c2);
  CHECK_INT(cn_panel_shift(t, 0, 1, cn_table_dbl(t, 2), 1, out, &d), CN_EDATA);
  CHECK(strstr(d.message, "rows 2 and 4") != NULL);
  CHECK(strstr(d.message, "id = 1, t = 2002") != NULL);
  cn_table_free(t);
}
