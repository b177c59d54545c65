/* tests/unit/test_dta.c — Stata .dta reading and writing.
 * Expected values for the shared files come from R's foreign::read.dta, an
 * independent reader (Debian r-cran-foreign 0.8.84):
 *   d <- read.dta("simulated-panel.dta"); nrow(d); sum(is.na(d$x5_heavy))
 *   sprintf("%.17g", c(d$x1[1:3], d$x5_heavy[3], d$w[10]))
 *   e <- read.dta("simulated-data.dta"); sprintf("%.17g", e$y_robust[1:2]) */
#include <stdbool.h>
#include <unistd.h>
#include "test.h"

TEST(dta_reads_simulated_panel) {
  cn_table *t = NULL;
  cn_diag d;
  const char *p = cn_test_path(cn_test_shared(), "data/ref/simulated-panel.dta");
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 3000);
  CHECK_INT(cn_table_ncol(t), 25);
  int x1 = cn_table_find(t, "x1"), x5h = cn_table_find(t, "x5_heavy"),
      w = cn_table_find(t, "w"), firm = cn_table_find(t, "firm");
  CHECK(x1 >= 0 && x5h >= 0 && w >= 0 && firm >= 0);
  if (x1 < 0 || x5h < 0 || w < 0 || firm < 0) return;
  cn_col_summary s;
  CHECK_STATUS(cn_table_summarize(t, x5h, &s, &d), CN_OK, &d);
  CHECK_INT(s.n_missing, 545);
  CHECK(cn_table_dbl(t, x1)[0] == 0.51743121442578888);
  CHECK(cn_table_dbl(t, x1)[1] == 1.1507653886436107);
  CHECK(cn_table_dbl(t, x1)[2] == 0.34990098498179273);
  CHECK(cn_table_dbl(t, x5h)[2] == 1.9457360258652059);
  CHECK(cn_table_dbl(t, w)[9] == 2.2141333491410999);
  CHECK_STR(cn_test_level(t, firm, 0), "firm.0001");
  CHECK_STR(cn_test_level(t, firm, 2999), "firm.1000");
  CHECK_STR(cn_table_format(t, firm), "%9s");
  CHECK_INT(cn_table_type(t, cn_table_find(t, "index")), CN_INT64);
  cn_table_free(t);
}

TEST(dta_reads_simulated_data) {
  cn_table *t = NULL;
  cn_diag d;
  const char *p = cn_test_path(cn_test_shared(), "data/ref/simulated-data.dta");
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 600);
  CHECK_STR(cn_table_name(t, 19), "weights");
  int y = cn_table_find(t, "y_robust");
  CHECK(y >= 0 && cn_table_dbl(t, y)[0] == 1.4669992549241042 &&
        cn_table_dbl(t, y)[1] == -0.91219980624905028);
  cn_table_free(t);
}

/* A table with every kind of value, labels included. */
static cn_table *sample(bool chinese) {
  cn_diag d;
  cn_table *t = cn_table_new(5);
  int a = cn_table_add_column(t, "small", CN_INT64, &d);
  int b = cn_table_add_column(t, "mid", CN_INT64, &d);
  int c = cn_table_add_column(t, "large", CN_INT64, &d);
  int e = cn_table_add_column(t, "huge", CN_INT64, &d);
  int x = cn_table_add_column(t, "x", CN_DOUBLE, &d);
  int s = cn_table_add_column(t, "name", CN_STRING, &d);
  int64_t av[] = {1, 2, -127, 100, CN_NA_INT64};
  int64_t bv[] = {-32767, 32740, 0, CN_NA_INT64, 5};
  int64_t cv[] = {-2147483647, 2147483620, 7, 8, CN_NA_INT64};
  int64_t ev[] = {3000000000LL, -9007199254740992LL, 1, 2, 3};
  double xv[] = {0.1, 1e300, -0.0, NAN, -0.30000000000000004};
  const char *sv[] = {chinese ? "中国科学院" : "CAS", NULL, "a,b", "x", "Beta \"Ltd\""};
  for (int i = 0; i < 5; i++) {
    cn_table_i64_mut(t, a)[i] = av[i];
    cn_table_i64_mut(t, b)[i] = bv[i];
    cn_table_i64_mut(t, c)[i] = cv[i];
    cn_table_i64_mut(t, e)[i] = ev[i];
    cn_table_dbl_mut(t, x)[i] = xv[i];
    cn_table_set_str(t, s, i, sv[i], &d);
  }
  double vals[] = {1, 2};
  const char *labs[] = {chinese ? "国有" : "state", "private"};
  cn_table_set_value_labels(t, a, "own", 2, vals, labs);
  cn_table_set_label(t, x, chinese ? "增加值" : "value added");
  return t;
}

static void same_tables(const cn_table *t, const cn_table *u) {
  CHECK_INT(cn_table_nrow(u), cn_table_nrow(t));
  CHECK_INT(cn_table_ncol(u), cn_table_ncol(t));
  for (int j = 0; j < cn_table_ncol(t) && j < cn_table_ncol(u); j++) {
    CHECK_STR(cn_table_name(u, j), cn_table_name(t, j));
    bool huge = !strcmp(cn_table_name(t, j), "huge"); /* stored as double */
    if (!huge) CHECK_INT(cn_table_type(u, j), cn_table_type(t, j));
    for (int64_t i = 0; i < cn_table_nrow(t); i++) {
      CHECK_INT(cn_table_is_na(u, j, i), cn_table_is_na(t, j, i));
      if (cn_table_type(t, j) == CN_STRING) {
        if (!cn_table_is_na(t, j, i)) CHECK_STR(cn_test_level(u, j, i), cn_test_level(t, j, i));
      } else {
        double a = cn_table_get_num(t, j, i), b = cn_table_get_num(u, j, i);
        CHECK((isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0);
      }
    }
  }
}

TEST(dta_round_trip_versions) {
  int versions[] = {119, 118, 117, 114, 113};
  for (int v = 0; v < 5; v++) {
    bool chinese = versions[v] >= 118;
    cn_table *t = sample(chinese), *u = NULL;
    cn_diag d;
    cn_write_opts wo;
    cn_write_opts_init(&wo);
    wo.dta_version = versions[v];
    const char *p = cn_test_path(cn_test_tmpdir(), "rt.dta");
    CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_OK, &d);
    CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
    if (u) {
      same_tables(t, u);
      const char *set;
      const double *vals;
      const char *const *labs;
      CHECK_INT(cn_table_value_labels(u, 0, &set, &vals, &labs), 2);
      CHECK_STR(set, "own");
      if (labs) CHECK_STR(labs[0], chinese ? "国有" : "state");
      CHECK_STR(cn_table_label(u, 4), chinese ? "增加值" : "value added");
      CHECK_INT(cn_table_type(u, 3), CN_DOUBLE);
    }
    cn_table_free(u);
    cn_table_free(t);
  }
}

TEST(dta_long_text_becomes_strl) {
  cn_diag d;
  cn_table *t = cn_table_new(2), *u = NULL;
  int s = cn_table_add_column(t, "abstract", CN_STRING, &d);
  char big[5000];
  memset(big, 'z', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  cn_table_set_str(t, s, 0, big, &d);
  cn_table_set_str(t, s, 1, "short", &d);
  const char *p = cn_test_path(cn_test_tmpdir(), "strl.dta");
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_OK, &d);
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
  if (u) {
    CHECK_STR(cn_test_level(u, 0, 0), big);
    CHECK_STR(cn_test_level(u, 0, 1), "short");
  }
  cn_write_opts wo;
  cn_write_opts_init(&wo);
  wo.dta_version = 114;
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "strL") != NULL);
  cn_table_free(u);
  cn_table_free(t);
}

TEST(dta_refusals) {
  cn_diag d;
  cn_table *u = NULL;
  /* Stata 18's format 121 */
  const char *p = cn_test_path(cn_test_tmpdir(), "v121.dta");
  FILE *fp = fopen(p, "wb");
  fputs("<stata_dta><header><release>121</release><byteorder>LSF</byteorder>", fp);
  fclose(fp);
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "121") != NULL);
  CHECK(strstr(d.hint, "saveold") != NULL);
  /* not a dta file, and a missing one */
  p = cn_test_path(cn_test_tmpdir(), "junk.dta");
  fp = fopen(p, "wb");
  fputs("id,x\n1,2\n", fp);
  fclose(fp);
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "not a Stata") != NULL);
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_tmpdir(), "absent.dta"), NULL, &u, &d),
               CN_EDATA, &d);
  /* what Stata cannot hold */
  cn_table *t = cn_table_new(1);
  int x = cn_table_add_column(t, "x", CN_DOUBLE, &d);
  cn_table_dbl_mut(t, x)[0] = INFINITY;
  p = cn_test_path(cn_test_tmpdir(), "inf.dta");
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "infinity") != NULL);
  CHECK(access(p, F_OK) != 0); /* no partial file left */
  cn_table_free(t);
  t = cn_table_new(1);
  cn_table_add_column(t, "2bad name", CN_DOUBLE, &d);
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "not a valid Stata variable name") != NULL);
  cn_table_free(t);
  t = sample(true);
  cn_write_opts wo;
  cn_write_opts_init(&wo);
  wo.dta_version = 117;
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_EDATA, &d); /* Chinese needs 118 */
  CHECK(strstr(d.hint, "118") != NULL);
  wo.dta_version = 120;
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_EUSAGE, &d);
  cn_table_free(t);
}

TEST(dta_refuses_integers_beyond_double) {
  cn_diag d;
  cn_table *t = cn_table_new(1);
  int c = cn_table_add_column(t, "id", CN_INT64, &d);
  cn_table_i64_mut(t, c)[0] = 9007199254740993LL;
  CHECK_STATUS(cn_table_write(t, cn_test_path(cn_test_tmpdir(), "big.dta"), NULL, &d),
               CN_EDATA, &d);
  CHECK(strstr(d.message, "9007199254740993") != NULL);
  cn_table_free(t);
}
