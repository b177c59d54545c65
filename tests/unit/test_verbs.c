/* tests/unit/test_verbs.c — the Stata data verbs (issue 13 item 3):
 * collapse / egen edge cases, destring's number rules, rename, append,
 * reshape with text j, "did you mean", and the CSV note when a numeric
 * column turns text. Every expected number is computed by hand in the
 * comment next to it (the pandas-checked values are in the golden cases,
 * tests/cli/prep/collapse*.case, from tests/data/gen/verbs_reference.py). */
#include <math.h>
#include <stdlib.h>
#include "test.h"


/* collapse (p50) x with weights w over one group. */
static double wmedian(const char *const *cells, int n, cn_weight_kind wk) {
  static const char *const h[] = {"x:d", "w:d"};
  cn_table *t = cn_test_table(n, 2, h, cells), *r = NULL;
  cn_collapse_item it = {CN_STAT_PCTILE, 50, "x", NULL};
  cn_collapse_opts o = {&it, 1, NULL, 0, "w", wk, NULL};
  cn_diag d;
  double v = NAN;
  CHECK_STATUS(cn_prep_collapse(t, &o, &r, NULL, &d), CN_OK, &d);
  if (r) v = cn_table_dbl(r, 0)[0];
  cn_table_free(r);
  cn_table_free(t);
  return v;
}

/* Stata's weighted percentile: P = W p/100; when the cumulative weight hits
 * P exactly, the mean of that value and the next. Values 1 2 3 with fw
 * 2 1 1 are the data 1 1 2 3, whose median is (1+2)/2 = 1.5; aw 0.5 0.25
 * 0.25 are the same proportions (W = 1, P = 0.5 = cumulative at 1): 1.5.
 * Weights 1 1 2: W = 4, P = 2 = cumulative at 2 -> (2+3)/2 = 2.5. Weights
 * 1 2 2: W = 5, P = 2.5, cumulative 1, 3 -> the value 2. */
TEST(collapse_weighted_median_follows_stata) {
  static const char *const a[] = {"1", "2", "2", "1", "3", "1"};
  static const char *const b[] = {"1", "0.5", "2", "0.25", "3", "0.25"};
  static const char *const c[] = {"1", "1", "2", "1", "3", "2"};
  static const char *const e[] = {"1", "1", "2", "2", "3", "2"};
  CHECK_NEAR(wmedian(a, 3, CN_WEIGHT_FW), 1.5, 0);
  CHECK_NEAR(wmedian(b, 3, CN_WEIGHT_AW), 1.5, 0);
  CHECK_NEAR(wmedian(c, 3, CN_WEIGHT_FW), 2.5, 0);
  CHECK_NEAR(wmedian(e, 3, CN_WEIGHT_AW), 2, 0);
}

/* Groups come out sorted as Stata sorts: numbers ascending with missing
 * last, text by bytes with missing ("") first; a group whose values are
 * all missing has count 0, sum 0 (Stata) and a missing mean. */
TEST(collapse_sorts_groups_and_handles_all_missing) {
  static const char *const h[] = {"g:i", "s:s", "x:d"};
  static const char *const cells[] = {"", "b", "1", "2", "", "", "1", "a", "4", "2", "b", "",
                                      "", "b", "3"};
  cn_table *t = cn_test_table(5, 3, h, cells), *r = NULL;
  cn_collapse_item it[] = {{CN_STAT_COUNT, 0, "x", "n"}, {CN_STAT_SUM, 0, "x", "s_"},
                           {CN_STAT_MEAN, 0, "x", "m"}};
  const char *by[] = {"g", "s"};
  cn_collapse_opts o = {it, 3, by, 2, NULL, CN_WEIGHT_NONE, NULL};
  cn_collapse_counts cc;
  cn_diag d;
  CHECK_STATUS(cn_prep_collapse(t, &o, &r, &cc, &d), CN_OK, &d);
  if (!r) goto done;
  /* groups: (1,a) (2,"") (2,b) (.,b) */
  CHECK_INT(cc.groups, 4);
  CHECK_INT(cn_table_i64(r, 0)[0], 1);
  CHECK_INT(cn_table_i64(r, 0)[1], 2);
  CHECK(cn_table_str(r, 1, 1, NULL) == NULL);
  CHECK_STR(cn_table_str(r, 1, 2, NULL), "b");
  CHECK_INT(cn_table_i64(r, 0)[3], CN_NA_INT64);
  /* (2,"") has x missing only: n 0, sum 0, mean missing; (., b) has 1 and 3 */
  CHECK_INT(cn_table_i64(r, 2)[1], 0);
  CHECK_NEAR(cn_table_dbl(r, 3)[1], 0, 0);
  CHECK(isnan(cn_table_dbl(r, 4)[1]));
  CHECK_INT(cn_table_i64(r, 2)[3], 2);
  CHECK_NEAR(cn_table_dbl(r, 4)[3], 2, 0);
done:
  cn_table_free(r);
  cn_table_free(t);
}

/* No row left after --if is an error, not an empty table; a by variable
 * used as a result name is refused. */
TEST(collapse_refuses_empty_and_name_clash) {
  static const char *const h[] = {"g:i", "x:d"};
  static const char *const cells[] = {"1", "1", "2", "2"};
  cn_table *t = cn_test_table(2, 2, h, cells), *r = NULL;
  cn_collapse_item it = {CN_STAT_MEAN, 0, "x", NULL}, clash = {CN_STAT_MEAN, 0, "x", "g"};
  const char *by[] = {"g"};
  cn_collapse_opts o = {&it, 1, by, 1, NULL, CN_WEIGHT_NONE, "x > 5"};
  cn_diag d;
  CHECK_INT(cn_prep_collapse(t, &o, &r, NULL, &d), CN_EDATA);
  CHECK(strstr(d.message, "no observations") != NULL);
  o.if_expr = NULL;
  o.items = &clash;
  CHECK_INT(cn_prep_collapse(t, &o, &r, NULL, &d), CN_EUSAGE);
  CHECK(strstr(d.message, "\"g\"") != NULL);
  CHECK(r == NULL);
  cn_table_free(t);
}

/* egen min/max give the numbers of the picked rows; sd of one value is
 * missing (n - 1 = 0). Groups 1: 3, 8; 2: 5. */
TEST(egen_min_max_sd) {
  static const char *const h[] = {"g:i", "x:i"};
  static const char *const cells[] = {"1", "3", "2", "5", "1", "8"};
  cn_table *t = cn_test_table(3, 2, h, cells);
  const char *by[] = {"g"};
  cn_diag d;
  int64_t miss = -1;
  CHECK_STATUS(cn_prep_egen(&t, "lo", CN_STAT_MIN, 0, "x", by, 1, NULL, NULL, &d), CN_OK, &d);
  CHECK_STATUS(cn_prep_egen(&t, "hi", CN_STAT_MAX, 0, "x", by, 1, NULL, NULL, &d), CN_OK, &d);
  CHECK_STATUS(cn_prep_egen(&t, "sd", CN_STAT_SD, 0, "x", by, 1, NULL, &miss, &d), CN_OK, &d);
  CHECK_NEAR(cn_table_dbl(t, 2)[0], 3, 0);
  CHECK_NEAR(cn_table_dbl(t, 2)[2], 3, 0);
  CHECK_NEAR(cn_table_dbl(t, 3)[0], 8, 0);
  CHECK_NEAR(cn_table_dbl(t, 3)[1], 5, 0);
  /* sd of 3, 8: |3 - 8| / sqrt(2) */
  CHECK_NEAR(cn_table_dbl(t, 4)[0], 5 / sqrt(2), 1e-15);
  CHECK(isnan(cn_table_dbl(t, 4)[1]));
  CHECK_INT(miss, 1);
  CHECK_INT(cn_prep_egen(&t, "lo", CN_STAT_MEAN, 0, "x", NULL, 0, NULL, NULL, &d), CN_EUSAGE);
  cn_table_free(t);
}

/* destring's grammar of numbers, cell by cell. */
static int destring1(const char *cell, int percent, double *x, cn_type *ty) {
  static const char *h[] = {"v:s"};
  const char *cells[] = {cell};
  cn_table *t = cn_test_table(1, 1, h, cells);
  const char *vars[] = {"v"};
  cn_destring_opts o;
  memset(&o, 0, sizeof o);
  o.percent = percent;
  cn_diag d;
  cn_status st = cn_prep_destring(&t, vars, 1, &o, NULL, &d);
  if (st == CN_OK) {
    *ty = cn_table_type(t, 0);
    *x = cn_table_get_num(t, 0, 0);
  }
  cn_table_free(t);
  return st;
}

TEST(destring_thousands_percent_and_failures) {
  double x = 0;
  cn_type ty = 0;
  CHECK_INT(destring1(" 1,234 ", 0, &x, &ty), CN_OK);
  CHECK_NEAR(x, 1234, 0);
  CHECK_INT(ty, CN_INT64);
  CHECK_INT(destring1("-1,234,567.25", 0, &x, &ty), CN_OK);
  CHECK_NEAR(x, -1234567.25, 0);
  CHECK_INT(ty, CN_DOUBLE);
  CHECK_INT(destring1("12.5%", 1, &x, &ty), CN_OK);
  CHECK_NEAR(x, 0.125, 1e-17);
  CHECK_INT(ty, CN_DOUBLE);
  CHECK_INT(destring1("12.5%", 0, &x, &ty), CN_EDATA); /* % needs --percent */
  CHECK_INT(destring1("1,5", 0, &x, &ty), CN_EDATA);   /* not a grouping */
  CHECK_INT(destring1("12,34", 0, &x, &ty), CN_EDATA);
  CHECK_INT(destring1("1,2345", 0, &x, &ty), CN_EDATA);
  CHECK_INT(destring1("1234,567", 0, &x, &ty), CN_EDATA);
  CHECK_INT(destring1(",123", 0, &x, &ty), CN_EDATA);
  CHECK_INT(destring1("1.5.2", 0, &x, &ty), CN_EDATA);
}

/* An error names the row and the text and leaves the table as it was (the
 * first variable is not converted either). */
TEST(destring_error_changes_nothing) {
  static const char *const h[] = {"a:s", "b:s"};
  static const char *const cells[] = {"1", "2", "3", "x y"};
  cn_table *t = cn_test_table(2, 2, h, cells), *before = t;
  const char *vars[] = {"a", "b"};
  cn_destring_opts o;
  memset(&o, 0, sizeof o);
  cn_diag d;
  CHECK_INT(cn_prep_destring(&t, vars, 2, &o, NULL, &d), CN_EDATA);
  CHECK_STR(d.message, "variable \"b\", row 2: \"x y\" is not a number");
  CHECK(t == before);
  CHECK_INT(cn_table_type(t, 0), CN_STRING);
  cn_table_free(t);
}

/* rename checks every pair before renaming any; a swap works. */
TEST(rename_is_all_or_nothing) {
  static const char *const h[] = {"a:i", "b:i", "c:i"};
  static const char *const cells[] = {"1", "2", "3"};
  cn_table *t = cn_test_table(1, 3, h, cells);
  const char *from[] = {"a", "b"}, *to[] = {"x", "c"};
  cn_diag d;
  CHECK_INT(cn_prep_rename(t, from, to, 2, &d), CN_EUSAGE);
  CHECK_STR(cn_table_name(t, 0), "a");
  const char *f2[] = {"a", "b"}, *t2[] = {"b", "a"};
  CHECK_STATUS(cn_prep_rename(t, f2, t2, 2, &d), CN_OK, &d);
  CHECK_STR(cn_table_name(t, 0), "b");
  CHECK_STR(cn_table_name(t, 1), "a");
  cn_table_free(t);
}

/* "did you mean": another case, or a swap of two letters; not for a
 * one-letter name one edit away. */
TEST(unknown_column_suggests_a_near_name) {
  static const char *const h[] = {"sales:i", "y:i"};
  static const char *const cells[] = {"1", "2"};
  cn_table *t = cn_test_table(1, 2, h, cells), *r = NULL;
  cn_diag d;
  const char *a[] = {"Sales"}, *b[] = {"slaes"}, *c[] = {"x"};
  CHECK_INT(cn_prep_select(t, a, 1, 0, &r, &d), CN_EDATA);
  CHECK_STR(d.message, "no column \"Sales\" in the data; did you mean \"sales\"?");
  CHECK_INT(cn_prep_select(t, b, 1, 0, &r, &d), CN_EDATA);
  CHECK_STR(d.message, "no column \"slaes\" in the data; did you mean \"sales\"?");
  CHECK_INT(cn_prep_select(t, c, 1, 1, &r, &d), CN_EDATA);
  CHECK_STR(d.message, "no column \"x\" in the data (its columns: sales, y)");
  cn_table_free(t);
}

/* append: int64 with double gives double; gen numbers the sources. */
TEST(append_widens_and_marks_sources) {
  static const char *const h1[] = {"x:i"}, *const h2[] = {"x:d", "s:s"};
  static const char *const c1[] = {"1", "2"}, *const c2[] = {"2.5", "z"};
  cn_table *a = cn_test_table(2, 1, h1, c1), *b = cn_test_table(1, 2, h2, c2), *r = NULL;
  const cn_table *ts[] = {a, b};
  cn_diag d;
  CHECK_STATUS(cn_prep_append(ts, NULL, 2, "src", &r, &d), CN_OK, &d);
  if (r) {
    CHECK_INT(cn_table_nrow(r), 3);
    CHECK_INT(cn_table_type(r, 0), CN_DOUBLE);
    CHECK_NEAR(cn_table_dbl(r, 0)[2], 2.5, 0);
    CHECK(cn_table_str(r, 1, 0, NULL) == NULL);
    CHECK_STR(cn_table_str(r, 1, 2, NULL), "z");
    CHECK_INT(cn_table_i64(r, 2)[0], 0);
    CHECK_INT(cn_table_i64(r, 2)[2], 1);
  }
  cn_table_free(r);
  CHECK_INT(cn_prep_append(ts, NULL, 2, "x", &r, &d), CN_EUSAGE);
  cn_table_free(a);
  cn_table_free(b);
}

/* reshape long with text suffixes (jstring), and back: wide gives the
 * same columns; j values sorted by bytes ("a" < "b"). */
TEST(reshape_text_j_round_trip) {
  static const char *const h[] = {"id:i", "vb:i", "va:i"};
  static const char *const cells[] = {"2", "20", "21", "1", "10", "11"};
  cn_table *t = cn_test_table(2, 3, h, cells), *l = NULL, *w = NULL;
  const char *stubs[] = {"v"}, *i[] = {"id"};
  cn_diag d;
  CHECK_STATUS(cn_prep_reshape_long(t, stubs, 1, i, 1, "k", 1, &l, &d), CN_OK, &d);
  if (!l) goto done;
  /* rows: (1,a,11) (1,b,10) (2,a,21) (2,b,20) */
  CHECK_INT(cn_table_nrow(l), 4);
  CHECK_INT(cn_table_i64(l, 0)[0], 1);
  CHECK_STR(cn_table_str(l, 1, 0, NULL), "a");
  CHECK_INT(cn_table_i64(l, 2)[0], 11);
  CHECK_INT(cn_table_i64(l, 2)[3], 20);
  CHECK_STATUS(cn_prep_reshape_wide(l, stubs, 1, i, 1, "k", &w, &d), CN_OK, &d);
  if (!w) goto done;
  CHECK_INT(cn_table_ncol(w), 3);
  CHECK_STR(cn_table_name(w, 1), "va");
  CHECK_STR(cn_table_name(w, 2), "vb");
  CHECK_INT(cn_table_i64(w, 1)[1], 21);
  CHECK_INT(cn_table_i64(w, 2)[0], 10);
  /* numeric j without --string sees no column "va": an error */
  cn_table *none = NULL;
  CHECK_INT(cn_prep_reshape_long(t, stubs, 1, i, 1, "k", 0, &none, &d), CN_EUSAGE);
  CHECK(none == NULL);
done:
  cn_table_free(t);
  cn_table_free(l);
  cn_table_free(w);
}

/* ---- the CSV note when a numeric column turns text (issue 13) ---- */

static char note_log[2048];
static int note_n;
static void capture(void *ud, cn_log_level level, const char *msg) {
  (void)ud;
  (void)level;
  size_t n = strlen(note_log);
  snprintf(note_log + n, sizeof note_log - n, "%s\n", msg);
  note_n++;
}

/* Two columns turn text on different lines (the reader starts over twice):
 * one note each, naming the first cell; a column text from its first value
 * and a column read with --string get none. */
TEST(csv_note_when_numbers_turn_text) {
  const char *p = cn_test_path(cn_test_tmpdir(), "n.csv");
  FILE *fp = fopen(p, "wb");
  fputs("a,b,c,d\n1,2,x,5\n3,n/a,y,6\n4,7,z,$7\n5,8,w,9\n", fp);
  fclose(fp);
  cn_read_opts o;
  cn_read_opts_init(&o);
  cn_table *t = NULL;
  cn_diag d;
  note_log[0] = '\0';
  note_n = 0;
  cn_set_log(capture, NULL);
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  cn_table_free(t);
  char want[1024];
  snprintf(want, sizeof want,
           "%s:3:3: column \"b\" is read as text: \"n/a\" is not a number (after 1 number in "
           "that column); 'coinnet data destring' converts such text, --na names missing codes\n"
           "%s:4:7: column \"d\" is read as text: \"$7\" is not a number (after 2 numbers in "
           "that column); 'coinnet data destring' converts such text, --na names missing codes\n",
           p, p);
  CHECK_STR(note_log, want);
  CHECK_INT(note_n, 2);
  const char *strs[] = {"b", "d"};
  o.string_cols = strs;
  o.n_string_cols = 2;
  note_log[0] = '\0';
  note_n = 0;
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  cn_table_free(t);
  cn_set_log(NULL, NULL);
  CHECK_INT(note_n, 0);
}
