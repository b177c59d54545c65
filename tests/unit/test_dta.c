/* tests/unit/test_dta.c — Stata .dta reading and writing.
 *
 * Where the expected values come from:
 *  - the shared files: R's foreign::read.dta, an independent reader (R 4.2.2,
 *    Debian r-cran-foreign 0.8.84):
 *      d <- read.dta("simulated-panel.dta"); nrow(d); sum(is.na(d$x5_heavy))
 *      sprintf("%.17g", c(d$x1[1:3], d$x5_heavy[3], d$w[10]))
 *      e <- read.dta("simulated-data.dta"); sprintf("%.17g", e$y_robust[1:2])
 *      sprintf("%.17g", c(e$index[600], e$cluster_id[600], e$weights[1], e$x1[600]))
 *  - the files in tests/data/dta: written by R's foreign::write.dta from the values
 *    in tests/data/dta/make-r114.R, so the values are known by construction;
 *  - files made inside the tests through ReadStat's writer API with exact
 *    bytes (floats, extended missing values, text in a wrong encoding);
 *  - round trips compare with the table written. */
#include <readstat.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

/* ---- helpers ---- */

static char g_log[4096];

static void capture_log(void *ud, cn_log_level level, const char *msg) {
  (void)ud;
  (void)level;
  size_t n = strlen(g_log);
  snprintf(g_log + n, sizeof g_log - n, "%s\n", msg);
}

static void log_start(void) {
  g_log[0] = '\0';
  cn_set_log(capture_log, NULL);
}

static void log_stop(void) { cn_set_log(NULL, NULL); }

/* The whole file at path (NUL-terminated, *n bytes), or NULL. */
static char *slurp(const char *path, size_t *n) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  char *buf = malloc(1 << 20);
  *n = buf ? fread(buf, 1, (1 << 20) - 1, fp) : 0;
  if (buf) buf[*n] = '\0';
  fclose(fp);
  return buf;
}

static bool contains(const char *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (!memcmp(hay + i, needle, k)) return true;
  return false;
}

static int count(const char *hay, size_t n, const char *needle) {
  int k = 0;
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++)
    if (!memcmp(hay + i, needle, m)) k++;
  return k;
}

static ssize_t rs_write(const void *bytes, size_t n, void *ud) {
  return (ssize_t)fwrite(bytes, 1, n, (FILE *)ud);
}

/* A table with every kind of value, labels included. `text` picks the text:
 * 0 ASCII, 1 Latin (Windows-1252 can hold it), 2 Chinese. */
static cn_table *sample(int text) {
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
  int64_t ev[] = {3000000000LL, -9007199254740992LL, 1, 2, CN_NA_INT64};
  double xv[] = {0.1, 1e300, -0.0, NAN, -0.30000000000000004};
  const char *first[] = {"CAS", "Café Zürich", "中国科学院"};
  const char *sv[] = {first[text], NULL, "a,b", "", "Beta \"Ltd\""};
  for (int i = 0; i < 5; i++) {
    cn_table_i64_mut(t, a)[i] = av[i];
    cn_table_i64_mut(t, b)[i] = bv[i];
    cn_table_i64_mut(t, c)[i] = cv[i];
    cn_table_i64_mut(t, e)[i] = ev[i];
    cn_table_dbl_mut(t, x)[i] = xv[i];
    cn_table_set_str(t, s, i, sv[i], &d);
  }
  double vals[] = {1, 2};
  const char *state[] = {"state", "état", "国有"};
  const char *labs[] = {state[text], "private"};
  cn_table_set_value_labels(t, a, "own", 2, vals, labs);
  const char *label[] = {"value added", "valeur ajoutée", "增加值"};
  cn_table_set_label(t, x, label[text]);
  return t;
}

/* Same names and values; types too, except int64 columns that had to
 * become doubles (named in `widened`). An empty string reads as missing. */
static void same_tables(const cn_table *t, const cn_table *u, const char *widened) {
  CHECK_INT(cn_table_nrow(u), cn_table_nrow(t));
  CHECK_INT(cn_table_ncol(u), cn_table_ncol(t));
  for (int j = 0; j < cn_table_ncol(t) && j < cn_table_ncol(u); j++) {
    CHECK_STR(cn_table_name(u, j), cn_table_name(t, j));
    bool wide = widened && !strcmp(cn_table_name(t, j), widened);
    CHECK_INT(cn_table_type(u, j), wide ? CN_DOUBLE : cn_table_type(t, j));
    for (int64_t i = 0; i < cn_table_nrow(t) && i < cn_table_nrow(u); i++) {
      if (cn_table_type(t, j) == CN_STRING) {
        const char *a = cn_test_level(t, j, i), *b = cn_test_level(u, j, i);
        if (a && !*a) a = NULL;
        CHECK(!a == !b);
        if (a && b) CHECK_STR(b, a);
      } else {
        CHECK_INT(cn_table_is_na(u, j, i), cn_table_is_na(t, j, i));
        double a = cn_table_get_num(t, j, i), b = cn_table_get_num(u, j, i);
        CHECK((isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0); /* -0.0 too */
      }
    }
  }
}

/* ---- reading the shared files ---- */

TEST(dta_reads_simulated_panel) {
  cn_table *t = NULL;
  cn_diag d;
  const char *p = cn_test_path(cn_test_data(), "ref/simulated-panel.dta");
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
  const char *p = cn_test_path(cn_test_data(), "ref/simulated-data.dta");
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 600);
  CHECK_INT(cn_table_ncol(t), 20);
  CHECK_STR(cn_table_name(t, 19), "weights");
  int y = cn_table_find(t, "y_robust"), idx = cn_table_find(t, "index"),
      cl = cn_table_find(t, "cluster_id"), wt = cn_table_find(t, "weights"),
      x1 = cn_table_find(t, "x1");
  CHECK(y >= 0 && idx >= 0 && cl >= 0 && wt >= 0 && x1 >= 0);
  if (y < 0 || idx < 0 || cl < 0 || wt < 0 || x1 < 0) return;
  CHECK(cn_table_dbl(t, y)[0] == 1.4669992549241042);
  CHECK(cn_table_dbl(t, y)[1] == -0.91219980624905028);
  CHECK_INT(cn_table_type(t, idx), CN_INT64); /* a Stata long */
  CHECK_INT(cn_table_i64(t, idx)[599], 599);
  CHECK(cn_table_dbl(t, cl)[599] == 119);
  CHECK(cn_table_dbl(t, wt)[0] == 0.45190748872705755);
  CHECK(cn_table_dbl(t, x1)[599] == 0.67034958477714091);
  CHECK_STR(cn_table_format(t, idx), "%12.0g");
  cn_table_free(t);
}

/* ---- reading: types, missing values, text ---- */

/* A version-118 file made with ReadStat's writer: floats, extended missing
 * values and value labels on a float variable. */
static void make_float_file(const char *path) {
  FILE *fp = fopen(path, "wb");
  readstat_writer_t *w = readstat_writer_init();
  readstat_set_data_writer(w, rs_write);
  readstat_writer_set_file_format_version(w, 118);
  readstat_label_set_t *yn = readstat_add_label_set(w, READSTAT_TYPE_INT32, "yn");
  readstat_label_int32_value(yn, 0, "no");
  readstat_label_int32_value(yn, 1, "yes");
  readstat_label_tagged_value(yn, 'a', "refused");
  readstat_variable_t *f = readstat_add_variable(w, "f", READSTAT_TYPE_FLOAT, 0);
  readstat_variable_t *g = readstat_add_variable(w, "g", READSTAT_TYPE_DOUBLE, 0);
  readstat_variable_t *b = readstat_add_variable(w, "b", READSTAT_TYPE_INT8, 0);
  readstat_variable_set_label_set(f, yn);
  readstat_variable_set_label(f, "answer");
  readstat_variable_set_format(g, "%9.2f");
  readstat_begin_writing_dta(w, fp, 5);
  float fv[] = {0.3f, 16777216.0f, 1.1f, 1.0f, 0.0f};
  for (int i = 0; i < 5; i++) {
    readstat_begin_row(w);
    if (i == 3) readstat_insert_tagged_missing_value(w, f, 'a');
    else if (i == 4) readstat_insert_missing_value(w, f);
    else readstat_insert_float_value(w, f, fv[i]);
    if (i == 0) readstat_insert_tagged_missing_value(w, g, 'z');
    else if (i == 2) readstat_insert_missing_value(w, g);
    else readstat_insert_double_value(w, g, 0.25 * i);
    if (i == 1) readstat_insert_tagged_missing_value(w, b, 'b');
    else readstat_insert_int8_value(w, b, (int8_t)(i - 2));
    readstat_end_row(w);
  }
  readstat_end_writing(w);
  readstat_writer_free(w);
  fclose(fp);
}

TEST(dta_reads_floats_and_extended_missing) {
  const char *p = cn_test_path(cn_test_tmpdir(), "floats.dta");
  make_float_file(p);
  cn_table *t = NULL;
  cn_diag d;
  log_start();
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  log_stop();
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 5);
  CHECK_INT(cn_table_type(t, 0), CN_DOUBLE);
  CHECK_INT(cn_table_type(t, 2), CN_INT64);
  const double *f = cn_table_dbl(t, 0), *g = cn_table_dbl(t, 1);
  const int64_t *b = cn_table_i64(t, 2);
  /* floats read as the double of their shortest decimal text */
  CHECK(f[0] == 0.3);
  CHECK(f[1] == 16777216.0);
  CHECK(f[2] == 1.1);
  CHECK(isnan(f[3]) && isnan(f[4])); /* .a and . */
  CHECK(isnan(g[0]) && g[1] == 0.25 && isnan(g[2]) && g[3] == 0.75);
  CHECK(b[0] == -2 && b[1] == CN_NA_INT64 && b[2] == 0 && b[4] == 2);
  CHECK(strstr(g_log, "3 extended missing values") != NULL); /* f .a, g .z, b .b */
  const char *set = NULL;
  const double *vals = NULL;
  const char *const *labs = NULL;
  CHECK_INT(cn_table_value_labels(t, 0, &set, &vals, &labs), 2); /* .a's label dropped */
  CHECK_STR(set, "yn");
  if (vals && labs) {
    CHECK(vals[0] == 0 && vals[1] == 1);
    CHECK_STR(labs[1], "yes");
  }
  CHECK_STR(cn_table_label(t, 0), "answer");
  CHECK_STR(cn_table_format(t, 1), "%9.2f");
  cn_table_free(t);
}

TEST(dta_reads_r_foreign_latin1) {
  /* Stata 10/11 format written by R's foreign with Latin-1 text */
  cn_table *t = NULL;
  cn_diag d;
  const char *p = cn_test_path(cn_test_data(), "dta/latin1-r114.dta");
  log_start();
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  log_stop();
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 4);
  CHECK_INT(cn_table_ncol(t), 4);
  CHECK_STR(cn_test_level(t, 0, 0), "Café");
  CHECK_STR(cn_test_level(t, 0, 1), "Zürich");
  CHECK_STR(cn_test_level(t, 0, 2), "Malmö");
  CHECK_STR(cn_test_level(t, 0, 3), "plain");
  CHECK(strstr(g_log, "Windows-1252") != NULL);
  int size = cn_table_find(t, "size");
  CHECK_INT(cn_table_type(t, size), CN_INT64);
  CHECK_INT(cn_table_i64(t, size)[1], 2);
  CHECK(cn_table_is_na(t, size, 2));
  const char *set = NULL;
  const double *vals = NULL;
  const char *const *labs = NULL;
  CHECK_INT(cn_table_value_labels(t, size, &set, &vals, &labs), 2);
  CHECK_STR(set, "size");
  if (labs) CHECK_STR(labs[1], "large");
  CHECK_STR(cn_table_label(t, size), "firm size");
  int x = cn_table_find(t, "x"), n = cn_table_find(t, "n");
  CHECK(cn_table_dbl(t, x)[0] == 0.5 && isnan(cn_table_dbl(t, x)[1]) &&
        cn_table_dbl(t, x)[3] == 1e10);
  CHECK(cn_table_i64(t, n)[3] == -5 && cn_table_i64(t, n)[1] == CN_NA_INT64);
  cn_table_free(t);
}

TEST(dta_reads_gbk_text_with_encoding) {
  /* GBK bytes in a version-114 file (Chinese text before Stata 14) */
  const char *p = cn_test_path(cn_test_data(), "dta/gbk-r114.dta");
  cn_table *t = NULL;
  cn_diag d;
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.encoding = "gb18030";
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  if (t) {
    CHECK_STR(cn_test_level(t, 0, 0), "中国科学院");
    CHECK_STR(cn_test_level(t, 0, 1), "北京大学");
    CHECK_STR(cn_test_level(t, 0, 2), "ABC");
  }
  cn_table_free(t);
  t = NULL;
  /* without it, Windows-1252 — wrong, but valid UTF-8 — and a note says so */
  log_start();
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  log_stop();
  if (t) CHECK_STR(cn_test_level(t, 0, 0), "ÖÐ¹ú¿ÆÑ§Ôº");
  CHECK(strstr(g_log, "--encoding gb18030") != NULL);
  cn_table_free(t);
  t = NULL;
  o.encoding = "ebcdic";
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_EUSAGE, &d);
  CHECK(t == NULL);
}

/* A version-118 file whose text holds GBK bytes, as Stata 14+ keeps old
 * text without `unicode translate`, and a UTF-8 character cut short. */
static void make_untranslated_file(const char *path) {
  FILE *fp = fopen(path, "wb");
  readstat_writer_t *w = readstat_writer_init();
  readstat_set_data_writer(w, rs_write);
  readstat_writer_set_file_format_version(w, 118);
  readstat_variable_t *s = readstat_add_variable(w, "org", READSTAT_TYPE_STRING, 8);
  const char *rows[] = {"ok", "\xd6\xd0\xb9\xfa" /* 中国 in GBK */,
                        "\xe4\xb8\xad\xe5\x9b\xbd" /* 中国 in UTF-8 */,
                        "\xe4\xb8\xad\xe5\x9b" /* 中 and two bytes of 国 */};
  readstat_begin_writing_dta(w, fp, 4);
  for (int i = 0; i < 4; i++) {
    readstat_begin_row(w);
    readstat_insert_string_value(w, s, rows[i]);
    readstat_end_row(w);
  }
  readstat_end_writing(w);
  readstat_writer_free(w);
  fclose(fp);
}

TEST(dta_reads_untranslated_text) {
  const char *p = cn_test_path(cn_test_tmpdir(), "untranslated.dta");
  make_untranslated_file(p);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_EDATA, &d);
  CHECK(t == NULL);
  CHECK(strstr(d.message, "not valid UTF-8") != NULL);
  CHECK(strstr(d.message, "observation 2") != NULL);
  CHECK_INT(d.line, 2);
  CHECK(strstr(d.hint, "--encoding gb18030") != NULL);
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.encoding = "gb18030";
  log_start();
  CHECK_STATUS(cn_table_read(p, &o, &t, &d), CN_OK, &d);
  log_stop();
  if (t) {
    CHECK_STR(cn_test_level(t, 0, 0), "ok");
    CHECK_STR(cn_test_level(t, 0, 1), "中国"); /* decoded */
    CHECK_STR(cn_test_level(t, 0, 2), "中国"); /* already UTF-8: kept */
    CHECK_STR(cn_test_level(t, 0, 3), "中");   /* the cut character dropped */
    CHECK_INT(cn_table_nlevels(t, 0), 3);
  }
  CHECK(strstr(g_log, "1 text value ended in a cut character") != NULL);
  cn_table_free(t);
}

/* ---- refusals and diagnostics when reading ---- */

static void write_bytes_file(const char *path, const char *bytes) {
  FILE *fp = fopen(path, "wb");
  fputs(bytes, fp);
  fclose(fp);
}

TEST(dta_refuses_format_120_and_121) {
  const char *vers[] = {"120", "121"};
  for (int k = 0; k < 2; k++) {
    char name[32], head[200];
    snprintf(name, sizeof name, "v%s.dta", vers[k]);
    snprintf(head, sizeof head,
             "<stata_dta><header><release>%s</release><byteorder>LSF</byteorder><K>", vers[k]);
    char p[1024];
    snprintf(p, sizeof p, "%s", cn_test_path(cn_test_tmpdir(), name));
    write_bytes_file(p, head);
    cn_table *u = NULL;
    cn_diag d;
    CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_EDATA, &d);
    CHECK(u == NULL);
    CHECK(strstr(d.message, vers[k]) != NULL);
    CHECK(strstr(d.hint, "saveold") != NULL && strstr(d.hint, "version(118)") != NULL);
    CHECK_STR(d.file, p);
  }
}

TEST(dta_read_errors_name_the_file) {
  cn_table *u = NULL;
  cn_diag d;
  /* not a dta file */
  char p[1024];
  snprintf(p, sizeof p, "%s", cn_test_path(cn_test_tmpdir(), "junk.dta"));
  write_bytes_file(p, "id,x\n1,2\n");
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "not a Stata .dta file") != NULL);
  CHECK_STR(d.file, p);
  /* a missing file, under its display name */
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.display_name = "survey.dta";
  CHECK_STATUS(cn_table_read_dta(cn_test_path(cn_test_tmpdir(), "absent.dta"), &o, &u, &d),
               CN_EDATA, &d);
  CHECK_STR(d.file, "survey.dta");
  CHECK(strstr(d.message, "cannot open") != NULL);
  /* a directory */
  CHECK_STATUS(cn_table_read_dta(cn_test_tmpdir(), NULL, &u, &d), CN_EDATA, &d);
  /* a truncated file: said to be cut short (ReadStat only says it cannot read) */
  const char *src = cn_test_path(cn_test_data(), "ref/simulated-data.dta");
  size_t n = 0;
  char *bytes = slurp(src, &n);
  CHECK(bytes != NULL && n > 5000);
  if (bytes) {
    snprintf(p, sizeof p, "%s", cn_test_path(cn_test_tmpdir(), "cut.dta"));
    FILE *fp = fopen(p, "wb");
    fwrite(bytes, 1, n / 2, fp);
    fclose(fp);
    CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_EDATA, &d);
    CHECK(strstr(d.message, "the Stata file ends before the data its header announces") != NULL);
    CHECK(u == NULL);
  }
  free(bytes);
}

/* ---- writing ---- */

TEST(dta_round_trip_versions) {
  int versions[] = {119, 118, 117, 115, 114, 113, 110, 108, 105, 104};
  for (int v = 0; v < 10; v++) {
    int text = versions[v] >= 118 ? 2 : 1;
    cn_table *t = sample(text), *u = NULL;
    cn_diag d;
    cn_write_opts wo;
    cn_write_opts_init(&wo);
    wo.dta_version = versions[v];
    const char *p = cn_test_path(cn_test_tmpdir(), "rt.dta");
    CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_OK, &d);
    CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
    if (u) {
      same_tables(t, u, "huge");
      const char *set = NULL;
      const double *vals = NULL;
      const char *const *labs = NULL;
      CHECK_INT(cn_table_value_labels(u, 0, &set, &vals, &labs), 2);
      CHECK_STR(set, "own");
      if (labs) CHECK_STR(labs[0], text == 2 ? "国有" : "état");
      CHECK_STR(cn_table_label(u, 4), text == 2 ? "增加值" : "valeur ajoutée");
      CHECK_STR(cn_table_format(u, 3), "%20.0g"); /* integers as doubles: all digits */
      CHECK_STR(cn_table_format(u, 0), "%8.0g");
      CHECK_STR(cn_table_format(u, 2), "%12.0g");
      CHECK_STR(cn_table_format(u, 4), "%10.0g");
    }
    if (!u || cn_table_nrow(u) != 5) printf("  (version %d)\n", versions[v]);
    cn_table_free(u);
    cn_table_free(t);
  }
}

static readstat_type_t g_types[16];
static char g_formats[16][64];

static int record_variable(int index, readstat_variable_t *v, const char *val_labels,
                           void *ud) {
  (void)val_labels;
  (void)ud;
  if (index < 16) {
    g_types[index] = readstat_variable_get_type(v);
    snprintf(g_formats[index], sizeof g_formats[index], "%s",
             readstat_variable_get_format(v) ? readstat_variable_get_format(v) : "");
  }
  return READSTAT_HANDLER_OK;
}

/* The storage types of path's variables, through ReadStat's own parser. */
static bool storage_types(const char *path) {
  memset(g_types, 0, sizeof g_types);
  readstat_parser_t *rp = readstat_parser_init();
  readstat_set_variable_handler(rp, record_variable);
  readstat_error_t err = readstat_parse_dta(rp, path, NULL);
  readstat_parser_free(rp);
  return err == READSTAT_OK;
}

TEST(dta_writes_smallest_integer_types) {
  cn_diag d;
  cn_table *t = cn_table_new(2), *u = NULL;
  const char *names[] = {"b", "i", "l", "dd", "allna", "neg"};
  int64_t v[][2] = {{-127, 100},         {-128, 5},
                    {32741, 0},          {2147483621LL, 0},
                    {CN_NA_INT64, CN_NA_INT64}, {-2147483647LL, 0}};
  for (int j = 0; j < 6; j++) {
    cn_table_add_column(t, names[j], CN_INT64, &d);
    cn_table_i64_mut(t, j)[0] = v[j][0];
    cn_table_i64_mut(t, j)[1] = v[j][1];
  }
  const char *p = cn_test_path(cn_test_tmpdir(), "ints.dta");
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_OK, &d);
  CHECK(storage_types(p));
  CHECK_INT(g_types[0], READSTAT_TYPE_INT8);   /* -127..100: byte */
  CHECK_INT(g_types[1], READSTAT_TYPE_INT16);  /* -128: int */
  CHECK_INT(g_types[2], READSTAT_TYPE_INT32);  /* 32741: long */
  CHECK_INT(g_types[3], READSTAT_TYPE_DOUBLE); /* 2147483621: double */
  CHECK_INT(g_types[4], READSTAT_TYPE_INT8);
  CHECK_INT(g_types[5], READSTAT_TYPE_INT32);
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
  if (u) same_tables(t, u, "dd");
  cn_table_free(u);
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
  CHECK(strstr(d.message, "\"id\"") != NULL);
  cn_table_free(t);
}

TEST(dta_write_refuses_infinity_and_keeps_old_file) {
  cn_diag d;
  char p[1024];
  snprintf(p, sizeof p, "%s", cn_test_path(cn_test_tmpdir(), "keep.dta"));
  /* a good file first */
  cn_table *t = sample(0), *u = NULL;
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_OK, &d);
  cn_table_free(t);
  t = cn_table_new(3);
  int x = cn_table_add_column(t, "x", CN_DOUBLE, &d);
  cn_table_dbl_mut(t, x)[0] = 1;
  cn_table_dbl_mut(t, x)[1] = 2;
  cn_table_dbl_mut(t, x)[2] = -INFINITY;
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "infinity") != NULL);
  CHECK(strstr(d.message, "\"x\" row 3") != NULL);
  cn_table_dbl_mut(t, x)[2] = 1e308; /* above Stata's largest double */
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "largest") != NULL);
  cn_table_dbl_mut(t, x)[2] = 8.98846567431157e307; /* just below it */
  CHECK_STATUS(cn_table_write(t, cn_test_path(cn_test_tmpdir(), "max.dta"), NULL, &d), CN_OK,
               &d);
  cn_table_free(t);
  /* the failed writes left the old file as it was, and nothing beside it */
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
  if (u) CHECK_INT(cn_table_ncol(u), 6);
  cn_table_free(u);
  char tmp[1100];
  snprintf(tmp, sizeof tmp, "%s.tmp%d", p, (int)getpid());
  CHECK(access(tmp, F_OK) != 0);
  /* a new file that fails is not created at all */
  t = cn_table_new(1);
  x = cn_table_add_column(t, "x", CN_DOUBLE, &d);
  cn_table_dbl_mut(t, x)[0] = INFINITY;
  const char *q = cn_test_path(cn_test_tmpdir(), "inf.dta");
  CHECK_STATUS(cn_table_write(t, q, NULL, &d), CN_EDATA, &d);
  CHECK(access(q, F_OK) != 0);
  cn_table_free(t);
}

/* Writes a one-column table with the given name; returns the status. */
static cn_status write_named(const char *name, int version, cn_diag *d) {
  cn_table *t = cn_table_new(1);
  cn_table_add_column(t, name, CN_DOUBLE, d);
  cn_table_dbl_mut(t, 0)[0] = 1;
  cn_write_opts wo;
  cn_write_opts_init(&wo);
  wo.dta_version = version;
  cn_status st = cn_table_write(t, cn_test_path(cn_test_tmpdir(), "names.dta"), &wo, d);
  cn_table_free(t);
  return st;
}

TEST(dta_write_checks_names) {
  cn_diag d;
  const char *bad[] = {"2bad", "bad name", "in", "_cons", "str10", "strL",
                       "a_name_that_is_much_too_long_for_stata"};
  for (int k = 0; k < 7; k++) {
    CHECK_STATUS(write_named(bad[k], 118, &d), CN_EDATA, &d);
    CHECK(strstr(d.message, "not a valid Stata variable name") != NULL);
    CHECK(strstr(d.message, bad[k]) != NULL);
  }
  CHECK_STATUS(write_named("strength", 118, &d), CN_OK, &d);
  CHECK_STATUS(write_named("a_name_of_exactly_32_characters_", 118, &d), CN_OK, &d);
  CHECK_STATUS(write_named("a_name_of_exactly_32_characters_", 110, &d), CN_OK, &d);
  CHECK_STATUS(write_named("ninechars", 108, &d), CN_EDATA, &d); /* 8 before 110 */
  CHECK(strstr(d.message, "8 characters") != NULL);
  CHECK_STATUS(write_named("eight_ch", 108, &d), CN_OK, &d);
  /* Chinese names are UTF-8 names from 118 on */
  CHECK_STATUS(write_named("增加值", 117, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "118") != NULL);
  CHECK_STATUS(write_named("增加值", 118, &d), CN_OK, &d);
  cn_table *u = NULL;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_tmpdir(), "names.dta"), NULL, &u, &d), CN_OK,
               &d);
  if (u) CHECK_STR(cn_table_name(u, 0), "增加值");
  cn_table_free(u);
  /* versions outside 104..119 */
  CHECK_STATUS(write_named("x", 120, &d), CN_EUSAGE, &d);
  CHECK_STATUS(write_named("x", 103, &d), CN_EUSAGE, &d);
}

TEST(dta_writes_windows_1252_before_118) {
  cn_diag d;
  cn_table *t = sample(1), *u = NULL;
  cn_write_opts wo;
  cn_write_opts_init(&wo);
  wo.dta_version = 114;
  const char *p = cn_test_path(cn_test_tmpdir(), "w1252.dta");
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_OK, &d);
  size_t n = 0;
  char *bytes = slurp(p, &n);
  CHECK(bytes != NULL);
  if (bytes) {
    CHECK(contains(bytes, n, "Caf\xe9 Z\xfcrich"));   /* text */
    CHECK(contains(bytes, n, "valeur ajout\xe9""e")); /* variable label */
    CHECK(contains(bytes, n, "\xe9tat"));             /* value label */
    CHECK(!contains(bytes, n, "Caf\xc3\xa9"));
  }
  free(bytes);
  log_start();
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
  log_stop();
  if (u) same_tables(t, u, "huge");
  cn_table_free(u);
  cn_table_free(t);
  /* Chinese has no Windows-1252 form: refused, and no file is left */
  t = sample(2);
  p = cn_test_path(cn_test_tmpdir(), "zh114.dta");
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "\"small\"") != NULL); /* its value label 国有 */
  CHECK(strstr(d.hint, "118") != NULL);
  CHECK(access(p, F_OK) != 0);
  cn_table_free(t);
  t = cn_table_new(1);
  cn_table_add_column(t, "org", CN_STRING, &d);
  cn_table_set_str(t, 0, 0, "中国科学院", &d);
  CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "\"org\"") != NULL && strstr(d.message, "中国科学院") != NULL);
  cn_table_free(t);
}

TEST(dta_long_text_becomes_strl) {
  cn_diag d;
  cn_table *t = cn_table_new(4), *u = NULL;
  int s = cn_table_add_column(t, "abstract", CN_STRING, &d);
  int s2 = cn_table_add_column(t, "claims", CN_STRING, &d);
  static char big[5000], big2[3000];
  memset(big, 'z', sizeof big - 1);
  memset(big2, 'y', sizeof big2 - 1);
  cn_table_set_str(t, s, 0, big, &d);
  cn_table_set_str(t, s, 1, "short", &d);
  cn_table_set_str(t, s, 2, NULL, &d);
  cn_table_set_str(t, s, 3, "short", &d);
  cn_table_set_str(t, s2, 0, "first", &d);
  cn_table_set_str(t, s2, 1, big2, &d);
  cn_table_set_str(t, s2, 2, "中国", &d);
  cn_table_set_str(t, s2, 3, NULL, &d);
  int versions[] = {118, 117};
  for (int v = 0; v < 2; v++) {
    cn_write_opts wo;
    cn_write_opts_init(&wo);
    wo.dta_version = versions[v];
    if (versions[v] == 117) cn_table_set_str(t, s2, 2, "zh", &d);
    const char *p = cn_test_path(cn_test_tmpdir(), "strl.dta");
    CHECK_STATUS(cn_table_write(t, p, &wo, &d), CN_OK, &d);
    size_t n = 0;
    char *bytes = slurp(p, &n);
    CHECK_INT(bytes ? count(bytes, n, "GSO") : -1, 6); /* 2 long, short, first, 中国, "" */
    free(bytes);
    CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
    if (u) same_tables(t, u, NULL);
    cn_table_free(u);
    u = NULL;
  }
  /* strL needs version 117 */
  cn_write_opts wo;
  cn_write_opts_init(&wo);
  wo.dta_version = 114;
  CHECK_STATUS(cn_table_write(t, cn_test_path(cn_test_tmpdir(), "strl114.dta"), &wo, &d),
               CN_EDATA, &d);
  CHECK(strstr(d.message, "strL") != NULL && strstr(d.message, "\"abstract\"") != NULL);
  cn_table_free(t);
  /* str# widths follow the longest text: 2045 bytes is still a str# */
  t = cn_table_new(1);
  cn_table_add_column(t, "s", CN_STRING, &d);
  big[2045] = '\0';
  cn_table_set_str(t, 0, 0, big, &d);
  const char *p = cn_test_path(cn_test_tmpdir(), "str2045.dta");
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_OK, &d);
  CHECK(storage_types(p));
  CHECK_INT(g_types[0], READSTAT_TYPE_STRING);
  CHECK_STR(g_formats[0], "%-244s");
  size_t n = 0;
  char *bytes = slurp(p, &n);
  CHECK(bytes && count(bytes, n, "GSO") == 0 && count(bytes, n, big) == 1);
  free(bytes);
  cn_table_free(t);
}

TEST(dta_writes_labels) {
  cn_diag d;
  cn_table *t = cn_table_new(3), *u = NULL;
  int a = cn_table_add_column(t, "female", CN_DOUBLE, &d); /* Stata's float 0/1 */
  int b = cn_table_add_column(t, "spouse", CN_INT64, &d);
  int c = cn_table_add_column(t, "city", CN_STRING, &d);
  for (int i = 0; i < 3; i++) {
    cn_table_dbl_mut(t, a)[i] = i % 2;
    cn_table_i64_mut(t, b)[i] = (i + 1) % 2;
    cn_table_set_str(t, c, i, "x", &d);
  }
  double vals[] = {0, 1};
  const char *yn[] = {"no", "yes"}, *sex[] = {"male", "female"};
  cn_table_set_value_labels(t, a, "yesno", 2, vals, yn);
  cn_table_set_value_labels(t, b, "yesno", 2, vals, yn); /* one set for both */
  cn_table_set_value_labels(t, c, "cities", 2, vals, yn); /* text: dropped */
  char label[400] = "";
  for (int k = 0; k < 110; k++) strcat(label, "值"); /* 330 bytes: cut to 318 */
  cn_table_set_label(t, a, label);
  cn_table_set_format(t, a, "%9.2f");
  cn_table_set_format(t, b, "%9s"); /* a text format on a number: not used */
  const char *p = cn_test_path(cn_test_tmpdir(), "labels.dta");
  log_start();
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_OK, &d);
  log_stop();
  CHECK(strstr(g_log, "\"city\"") != NULL && strstr(g_log, "dropped") != NULL);
  CHECK(strstr(g_log, "cut to 318 bytes") != NULL);
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
  if (u) {
    same_tables(t, u, NULL);
    for (int j = 0; j < 2; j++) {
      const char *set = NULL;
      const double *v = NULL;
      const char *const *l = NULL;
      CHECK_INT(cn_table_value_labels(u, j, &set, &v, &l), 2);
      CHECK_STR(set, "yesno");
      if (l) CHECK_STR(l[1], "yes");
    }
    CHECK_INT(cn_table_value_labels(u, 2, NULL, NULL, NULL), 0);
    CHECK_INT(strlen(cn_table_label(u, 0)), 318);
    CHECK(!strncmp(cn_table_label(u, 0), label, 318));
    CHECK_STR(cn_table_format(u, 0), "%9.2f");
    CHECK_STR(cn_table_format(u, 1), "%8.0g");
  }
  cn_table_free(u);
  /* the same set name with other labels is refused */
  cn_table_set_value_labels(t, b, "yesno", 2, vals, sex);
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "\"yesno\"") != NULL);
  /* and a label for a number that is not an integer */
  double half[] = {0.5, 1};
  cn_table_set_value_labels(t, b, "sex", 2, half, sex);
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_EDATA, &d);
  CHECK(strstr(d.message, "0.5") != NULL && strstr(d.message, "\"spouse\"") != NULL);
  cn_table_free(t);
}

TEST(dta_empty_tables) {
  cn_diag d;
  cn_table *t = cn_table_new(0), *u = NULL;
  cn_table_add_column(t, "x", CN_DOUBLE, &d);
  cn_table_add_column(t, "s", CN_STRING, &d);
  const char *p = cn_test_path(cn_test_tmpdir(), "empty.dta");
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_OK, &d);
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
  if (u) {
    CHECK_INT(cn_table_nrow(u), 0);
    CHECK_INT(cn_table_ncol(u), 2);
    CHECK_INT(cn_table_type(u, 1), CN_STRING);
  }
  cn_table_free(u);
  cn_table_free(t);
}

TEST(dta_strl_larger_than_io_buffers) {
  /* a 3 MB strL passes the 1 MiB read and write buffers */
  cn_diag d;
  size_t n = 3u << 20;
  char *big = malloc(n + 1);
  CHECK(big != NULL);
  if (!big) return;
  for (size_t i = 0; i < n; i++) big[i] = (char)('a' + i % 26);
  big[n] = '\0';
  cn_table *t = cn_table_new(3), *u = NULL;
  cn_table_add_column(t, "text", CN_STRING, &d);
  cn_table_add_column(t, "k", CN_INT64, &d);
  cn_table_set_str(t, 0, 0, "before", &d);
  cn_table_set_str(t, 0, 1, big, &d);
  cn_table_set_str(t, 0, 2, "after", &d);
  for (int i = 0; i < 3; i++) cn_table_i64_mut(t, 1)[i] = i * 1000;
  const char *p = cn_test_path(cn_test_tmpdir(), "huge-strl.dta");
  CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_OK, &d);
  CHECK_STATUS(cn_table_read(p, NULL, &u, &d), CN_OK, &d);
  if (u) same_tables(t, u, NULL);
  cn_table_free(u);
  cn_table_free(t);
  free(big);
}
