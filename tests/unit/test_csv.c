/* tests/unit/test_csv.c — the CSV reader and writer. */
#include <stdlib.h>
#include "test.h"

static const char *write_file(const char *name, const char *text, size_t n) {
  const char *p = cn_test_path(cn_test_tmpdir(), name);
  FILE *fp = fopen(p, "wb");
  fwrite(text, 1, n, fp);
  fclose(fp);
  return p;
}
#define FILE_OF(name, lit) write_file(name, lit, sizeof(lit) - 1)

static cn_table *read_ok(const char *path, const cn_read_opts *o) {
  cn_table *t = NULL;
  cn_diag d;
  cn_status st = cn_table_read(path, o, &t, &d);
  CHECK_STATUS(st, CN_OK, &d);
  return t;
}

static cn_diag read_err(const char *path, const cn_read_opts *o) {
  cn_table *t = NULL;
  cn_diag d;
  cn_status st = cn_table_read(path, o, &t, &d);
  CHECK(st != CN_OK);
  CHECK(t == NULL);
  cn_table_free(t);
  return d;
}

TEST(csv_types_are_inferred) {
  const char *p = FILE_OF("t.csv",
                          "id,x,hs,name,big,allna,neg\n"
                          "1,1.5,0101,Alpha,12345678901234567890,,-3\n"
                          "2,NA,8471,\"Beta, Inc.\",1,NA,+4\n"
                          "3,2e3,9999,,2,.,-0\n");
  cn_table *t = read_ok(p, NULL);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 3);
  CHECK_INT(cn_table_ncol(t), 7);
  CHECK_INT(cn_table_type(t, 0), CN_INT64);
  CHECK_INT(cn_table_type(t, 1), CN_DOUBLE);
  CHECK_INT(cn_table_type(t, 2), CN_STRING); /* leading zero keeps codes */
  CHECK_INT(cn_table_type(t, 3), CN_STRING);
  CHECK_INT(cn_table_type(t, 4), CN_STRING); /* too long for int64 */
  CHECK_INT(cn_table_type(t, 5), CN_INT64);  /* all missing */
  CHECK_INT(cn_table_type(t, 6), CN_INT64);
  CHECK_INT(cn_table_i64(t, 0)[2], 3);
  CHECK(cn_table_dbl(t, 1)[0] == 1.5 && isnan(cn_table_dbl(t, 1)[1]) &&
        cn_table_dbl(t, 1)[2] == 2000);
  CHECK_STR(cn_test_level(t, 2, 0), "0101");
  CHECK_STR(cn_test_level(t, 3, 1), "Beta, Inc.");
  CHECK(cn_test_level(t, 3, 2) == NULL);
  CHECK_STR(cn_test_level(t, 4, 0), "12345678901234567890");
  CHECK(cn_table_is_na(t, 5, 0) && cn_table_is_na(t, 5, 1) && cn_table_is_na(t, 5, 2));
  CHECK_INT(cn_table_i64(t, 6)[1], 4);
  cn_table_free(t);
}

TEST(csv_string_option_and_na_tokens) {
  const char *p = FILE_OF("s.csv", "a,b\n1,-\n2,x\n");
  const char *str[] = {"a"}, *na[] = {"-"};
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.string_cols = str;
  o.n_string_cols = 1;
  o.na_strings = na;
  o.n_na_strings = 1;
  cn_table *t = read_ok(p, &o);
  if (!t) return;
  CHECK_INT(cn_table_type(t, 0), CN_STRING);
  CHECK_STR(cn_test_level(t, 0, 1), "2");
  CHECK(cn_table_is_na(t, 1, 0));
  CHECK_STR(cn_test_level(t, 1, 1), "x");
  cn_table_free(t);
}

TEST(csv_bom_crlf_cr_quotes_and_final_line) {
  const char *p = FILE_OF("b.csv",
                          "\xEF\xBB\xBFk,v\r\n"
                          "1,\"say \"\"hi\"\"\"\r\n"
                          "2,\"two\r\nlines\"\r"
                          "3,last");
  cn_table *t = read_ok(p, NULL);
  if (!t) return;
  CHECK_STR(cn_table_name(t, 0), "k");
  CHECK_INT(cn_table_nrow(t), 3);
  CHECK_STR(cn_test_level(t, 1, 0), "say \"hi\"");
  CHECK_STR(cn_test_level(t, 1, 1), "two\r\nlines");
  CHECK_STR(cn_test_level(t, 1, 2), "last");
  cn_table_free(t);
}

TEST(csv_tsv_and_sniffed_txt) {
  cn_table *t = read_ok(FILE_OF("a.tsv", "a\tb\n1,5\t2\n"), NULL);
  if (t) {
    CHECK_INT(cn_table_ncol(t), 2);
    CHECK_STR(cn_test_level(t, 0, 0), "1,5");
    cn_table_free(t);
  }
  t = read_ok(FILE_OF("a.txt", "a;b;c\n1;2;3\n"), NULL);
  if (t) {
    CHECK_INT(cn_table_ncol(t), 3);
    CHECK_INT(cn_table_i64(t, 2)[0], 3);
    cn_table_free(t);
  }
}

TEST(csv_blank_lines_skipped_and_no_header) {
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.no_header = 1;
  cn_table *t = read_ok(FILE_OF("n.csv", "1,2\n\n3,4\n\n"), &o);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 2);
  CHECK_STR(cn_table_name(t, 1), "v2");
  CHECK_INT(cn_table_i64(t, 1)[1], 4);
  cn_table_free(t);
}

TEST(csv_unterminated_quote_names_its_line) {
  cn_diag d = read_err(FILE_OF("q.csv", "a,b\n1,\"x\ny\"\n2,\"open\n3,4\n5,6\n"), NULL);
  CHECK_INT(d.code, CN_EDATA);
  CHECK_INT(d.line, 4);
  CHECK_INT(d.column, 3);
  CHECK(strstr(d.message, "unterminated quoted field") != NULL);
  CHECK(strstr(d.file, "q.csv") != NULL);
}

TEST(csv_ragged_row_names_line_and_count) {
  cn_diag d = read_err(FILE_OF("r.csv", "a,b,c\n1,2,3\n4,5\n"), NULL);
  CHECK_INT(d.code, CN_EDATA);
  CHECK_INT(d.line, 3);
  CHECK(strstr(d.message, "expected 3 fields") && strstr(d.message, "found 2"));
  CHECK_STR(d.snippet, "4,5");
  d = read_err(FILE_OF("r2.csv", "a,b\n\"multi\nline\",2,3\n"), NULL);
  CHECK_INT(d.line, 3);
  CHECK_INT(d.column, 9);
}

TEST(csv_other_errors) {
  cn_diag d = read_err(FILE_OF("e.csv", ""), NULL);
  CHECK_INT(d.code, CN_EDATA);
  CHECK(strstr(d.message, "empty") != NULL);
  d = read_err(FILE_OF("dup.csv", "a,b,a\n1,2,3\n"), NULL);
  CHECK(strstr(d.message, "repeats the name \"a\"") != NULL);
  d = read_err(cn_test_path(cn_test_tmpdir(), "absent.csv"), NULL);
  CHECK_INT(d.code, CN_EDATA);
  CHECK(strstr(d.message, "cannot open") != NULL);
  d = read_err(FILE_OF("g.csv", "a,b\n1,\"x\"y\n"), NULL);
  CHECK_INT(d.line, 2);
  CHECK_INT(d.column, 6);
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.encoding = "klingon";
  d = read_err(FILE_OF("k.csv", "a\n1\n"), &o);
  CHECK_INT(d.code, CN_EUSAGE);
}

TEST(csv_invalid_utf8_suggests_gb18030) {
  /* 公开 in GBK is B9 AB BF AA; the second row carries it in a value */
  cn_diag d = read_err(FILE_OF("gbk.csv", "id,name\n1,ok\n2,\xB9\xAB\xBF\xAA\n"), NULL);
  CHECK_INT(d.code, CN_EDATA);
  CHECK_INT(d.line, 3);
  CHECK_INT(d.column, 3);
  CHECK(strstr(d.hint, "--encoding gb18030") != NULL);
}

/* The shared GB18030 export: 531 records, 7 columns with Chinese names. The
 * UTF-8 file beside it is its author's own conversion of a subset, an
 * independent check of the decoding. */
TEST(csv_gb18030_real_export) {
  const char *p = cn_test_path(cn_test_data(), "cn-rail-patents/patents-gb18030.csv");
  cn_diag d = read_err(p, NULL);
  CHECK_INT(d.code, CN_EDATA);
  CHECK_INT(d.line, 1);
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.encoding = "gb18030";
  cn_table *t = read_ok(p, &o);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 531);
  CHECK_INT(cn_table_ncol(t), 7);
  const char *names[] = {"公开(公告)号", "标题", "申请日", "公开(公告)日",
                         "当前申请(专利权)人", "发明人", "法律状态/事件"};
  for (int j = 0; j < 7; j++) CHECK_STR(cn_table_name(t, j), names[j]);
  cn_read_opts u;
  cn_read_opts_init(&u);
  u.no_header = 1;
  cn_table *ref = read_ok(cn_test_path(cn_test_data(), "cn-rail-patents/joint-patents-utf8.csv"), &u);
  if (ref) {
    /* every record of the UTF-8 subset appears with the same title and applicants */
    int64_t found = 0;
    for (int64_t i = 0; i < cn_table_nrow(ref); i++)
      for (int64_t k = 0; k < cn_table_nrow(t); k++)
        if (!strcmp(cn_test_level(t, 0, k), cn_test_level(ref, 0, i))) {
          found++;
          CHECK_STR(cn_test_level(t, 1, k), cn_test_level(ref, 1, i));
          CHECK_STR(cn_test_level(t, 4, k), cn_test_level(ref, 4, i));
          break;
        }
    CHECK(found >= 100);
    cn_table_free(ref);
  }
  cn_table_free(t);
}

/* Records that straddle the reader's 4 MiB chunks, quoted and not. */
TEST(csv_chunk_boundaries) {
  const char *p = cn_test_path(cn_test_tmpdir(), "big.csv");
  FILE *fp = fopen(p, "wb");
  int64_t n = 300000;
  fprintf(fp, "i,x,s\n");
  for (int64_t i = 0; i < n; i++)
    fprintf(fp, "%lld,%lld.25,\"row %lld\nhas \"\"quotes\"\"\"\n", (long long)i,
            (long long)i * 3, (long long)(i % 1000));
  fclose(fp);
  cn_table *t = read_ok(p, NULL);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), n);
  int bad = 0;
  char want[64];
  for (int64_t i = 0; i < n && bad < 3; i++) {
    snprintf(want, sizeof want, "row %lld\nhas \"quotes\"", (long long)(i % 1000));
    if (cn_table_i64(t, 0)[i] != i || cn_table_dbl(t, 1)[i] != i * 3 + 0.25 ||
        strcmp(cn_test_level(t, 2, i), want) != 0) {
      cn_test_fail(__FILE__, __LINE__, "row %lld differs", (long long)i);
      bad++;
    }
  }
  CHECK_INT(cn_table_nlevels(t, 2), 1000);
  cn_table_free(t);
  /* an error far down still names its line: each record spans 2 lines */
  fp = fopen(p, "ab");
  fprintf(fp, "1,2\n");
  fclose(fp);
  cn_diag d = read_err(p, NULL);
  CHECK_INT(d.line, 2 * n + 2);
}

/* A late text value makes the reader start over; the result is the same as
 * if the column had been text from the start. */
TEST(csv_late_text_value_restarts) {
  const char *p = cn_test_path(cn_test_tmpdir(), "late.csv");
  FILE *fp = fopen(p, "wb");
  fprintf(fp, "a,b\n");
  for (int i = 0; i < 100000; i++) fprintf(fp, "%d,%d\n", i, i % 7);
  fprintf(fp, "x,3\n");
  fclose(fp);
  cn_table *t = read_ok(p, NULL);
  if (!t) return;
  CHECK_INT(cn_table_type(t, 0), CN_STRING);
  CHECK_INT(cn_table_type(t, 1), CN_INT64);
  CHECK_STR(cn_test_level(t, 0, 99999), "99999");
  CHECK_STR(cn_test_level(t, 0, 100000), "x");
  cn_table_free(t);
}

TEST(csv_write_read_round_trip) {
  const char *p = FILE_OF("w.csv",
                          "id,x,s,code\n"
                          "1,0.1,\"a,b\",007\n"
                          "2,,\"q\"\"uote\",010\n"
                          "-9223372036854775807,1e-300,\" pad \",\n"
                          "4,-0.30000000000000004,中国科学院,123\n");
  cn_table *t = read_ok(p, NULL);
  if (!t) return;
  const char *q = cn_test_path(cn_test_tmpdir(), "w2.csv");
  cn_diag d;
  CHECK_STATUS(cn_table_write(t, q, NULL, &d), CN_OK, &d);
  cn_table *u = read_ok(q, NULL);
  if (u) {
    CHECK_INT(cn_table_nrow(u), 4);
    for (int j = 0; j < 4; j++) {
      CHECK_INT(cn_table_type(u, j), cn_table_type(t, j));
      for (int64_t i = 0; i < 4; i++) {
        char a[256], b[256];
        cn_table_cell_text(t, j, i, a, sizeof a);
        cn_table_cell_text(u, j, i, b, sizeof b);
        CHECK_STR(a, b);
        CHECK_INT(cn_table_is_na(t, j, i), cn_table_is_na(u, j, i));
      }
    }
    CHECK(cn_table_dbl(u, 1)[3] == -0.30000000000000004);
    CHECK(cn_table_i64(u, 0)[2] == -INT64_MAX);
    cn_table_free(u);
  }
  cn_table_free(t);
}

/* Every allocation failure comes back as CN_EINTERNAL: no crash, no leak
 * (the suite runs under ASan too). */
static long fail_after;
static void *failing_alloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  if (fail_after-- <= 0) return NULL;
  return realloc(ptr, size);
}

TEST(csv_survives_allocation_failures) {
  const char *p = FILE_OF("oom.csv", "a,b,c\n1,x,2.5\n2,y,\n3,\"z\"\"\",4\n");
  int ok = 0;
  for (long k = 0; k < 200 && !ok; k++) {
    fail_after = k;
    cn_set_alloc(failing_alloc, NULL);
    cn_table *t = NULL;
    cn_diag d;
    cn_status st = cn_table_read(p, NULL, &t, &d);
    cn_set_alloc(NULL, NULL);
    if (st == CN_OK) {
      ok = 1;
      CHECK_INT(cn_table_nrow(t), 3);
    } else {
      CHECK_INT(st, CN_EINTERNAL);
      CHECK(t == NULL);
    }
    cn_table_free(t);
  }
  CHECK(ok);
}

/* Reading reports progress in bytes and ends with done == total. */
static int progress_calls;
static double progress_last_done, progress_last_total;
static void on_progress(void *ud, const char *task, double done, double total) {
  (void)ud;
  CHECK(strstr(task, "prog.csv") != NULL);
  CHECK(done <= total);
  progress_calls++;
  progress_last_done = done;
  progress_last_total = total;
}

TEST(csv_reports_progress) {
  const char *p = cn_test_path(cn_test_tmpdir(), "prog.csv");
  FILE *fp = fopen(p, "wb");
  fprintf(fp, "a,b\n");
  for (int i = 0; i < 1000000; i++) fprintf(fp, "%d,%d.5\n", i, i);
  long size = ftell(fp);
  fclose(fp);
  progress_calls = 0;
  cn_set_progress(on_progress, NULL);
  cn_table *t = read_ok(p, NULL);
  cn_set_progress(NULL, NULL);
  CHECK(progress_calls >= 1);
  CHECK(progress_last_done == (double)size && progress_last_total == (double)size);
  cn_table_free(t);
}

TEST(csv_nul_byte_is_an_error) {
  cn_diag d = read_err(write_file("nul.csv", "a,b\n1,x\0y\n", 10), NULL);
  CHECK_INT(d.code, CN_EDATA);
  CHECK_INT(d.line, 2);
  CHECK_INT(d.column, 4);
  CHECK(strstr(d.message, "NUL") != NULL);
}

/* ---- integers too long for 64 bits (issue 23 item 7) ---- */

static char big_log[2048];
static int big_log_n;
static void capture_big_log(void *ud, cn_log_level level, const char *msg) {
  (void)ud;
  CHECK_INT(level, CN_LOG_INFO);
  size_t n = strlen(big_log);
  snprintf(big_log + n, sizeof big_log - n, "%s\n", msg);
  big_log_n++;
}

/* Reads path with the log captured into big_log. */
static cn_table *read_logged(const char *path, const cn_read_opts *o) {
  big_log[0] = '\0';
  big_log_n = 0;
  cn_set_log(capture_big_log, NULL);
  cn_table *t = read_ok(path, o);
  cn_set_log(NULL, NULL);
  return t;
}

/* A 20-digit integer keeps the column text, as before, but no longer
 * silently: a note names the file, line, column and the cell. The limit is
 * INT64_MAX = 9223372036854775807 (2^63 - 1): that value stays an integer,
 * one more makes the column text. In a double column the same holds (a
 * double would round 20 digits: 12345678901234567891 is not one). */
TEST(csv_big_integer_is_text_with_a_note) {
  const char *p = FILE_OF("big.csv", "id,acct,x,ok\n"
                                     "1,5,1.5,9223372036854775807\n"
                                     "2,12345678901234567891,2,-9223372036854775807\n"
                                     "3,7,-98765432109876543210,1\n");
  cn_table *t = read_logged(p, NULL);
  if (!t) return;
  CHECK_INT(cn_table_type(t, 0), CN_INT64);
  CHECK_INT(cn_table_type(t, 1), CN_STRING);
  CHECK_INT(cn_table_type(t, 2), CN_STRING);
  CHECK_INT(cn_table_type(t, 3), CN_INT64);
  CHECK_STR(cn_test_level(t, 1, 1), "12345678901234567891");
  CHECK_STR(cn_test_level(t, 1, 0), "5");
  CHECK_STR(cn_test_level(t, 2, 2), "-98765432109876543210");
  CHECK_STR(cn_test_level(t, 2, 0), "1.5");
  CHECK_INT(cn_table_i64(t, 3)[0], INT64_MAX);
  cn_table_free(t);
  char want[1024];
  snprintf(want, sizeof want,
           "%s:3:3: column \"acct\" is read as text: 12345678901234567891 is an "
           "integer too long for 64 bits, kept with all its digits (a double "
           "would round it)\n"
           "%s:4:5: column \"x\" is read as text: -98765432109876543210 is an "
           "integer too long for 64 bits, kept with all its digits (a double "
           "would round it)\n",
           p, p);
  CHECK_STR(big_log, want);
  CHECK_INT(big_log_n, 2);
}

/* The note is given once per column, also when the reader starts over for
 * another column later; not at all when the column is declared text, is
 * text already, or has a leading zero (codes are text on purpose); and a
 * long cell is cut in the note. */
TEST(csv_big_integer_note_once_and_only_when_it_decides) {
  const char *p = cn_test_path(cn_test_tmpdir(), "many.csv");
  FILE *fp = fopen(p, "wb");
  fprintf(fp, "a,b,c,d\n");
  for (int i = 0; i < 50000; i++) fprintf(fp, "%d,%d,%d,%d\n", i, i, i, i);
  fprintf(fp, "1,123456789012345678901234567890123456789012345,00012345678901234567890,"
              "99999999999999999999\n");
  fprintf(fp, "late,5,99999999999999999999,1\n");
  fclose(fp);
  cn_table *t = read_logged(p, NULL);
  if (!t) return;
  CHECK_INT(cn_table_type(t, 0), CN_STRING);
  CHECK_INT(cn_table_type(t, 1), CN_STRING);
  CHECK_INT(cn_table_type(t, 2), CN_STRING);
  CHECK_INT(cn_table_type(t, 3), CN_STRING);
  cn_table_free(t);
  char want[1024];
  snprintf(want, sizeof want,
           "%s:50002:3: column \"b\" is read as text: "
           "1234567890123456789012345678901234567... is an integer too long for "
           "64 bits, kept with all its digits (a double would round it)\n"
           "%s:50002:73: column \"d\" is read as text: 99999999999999999999 is an "
           "integer too long for 64 bits, kept with all its digits (a double "
           "would round it)\n"
           /* issue 13: a numeric column turning text is told too */
           "%s:50003:1: column \"a\" is read as text: \"late\" is not a number "
           "(after 50001 numbers in that column); 'coinnet data destring' "
           "converts such text, --na names missing codes\n",
           p, p, p);
  CHECK_STR(big_log, want);
  /* declared text: nothing to say about b and d (a still turns text) */
  static const char *const cols[] = {"b", "d"};
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.string_cols = cols;
  o.n_string_cols = 2;
  t = read_logged(p, &o);
  CHECK_INT(big_log_n, 1);
  CHECK(strstr(big_log, "column \"a\"") != NULL);
  cn_table_free(t);
  /* a read that fails says nothing but its error */
  fp = fopen(p, "ab");
  fprintf(fp, "1,2\n");
  fclose(fp);
  big_log[0] = '\0';
  big_log_n = 0;
  cn_set_log(capture_big_log, NULL);
  cn_diag d = read_err(p, NULL);
  cn_set_log(NULL, NULL);
  CHECK_INT(d.line, 50004);
  CHECK_INT(big_log_n, 0);
}

/* ---- the parallel read gives the table the one-thread read gives ---- */

static char par_log[4096];
static void par_on_log(void *ud, cn_log_level level, const char *msg) {
  (void)ud;
  (void)level;
  size_t n = strlen(par_log);
  snprintf(par_log + n, sizeof par_log - n, "%s\n", msg);
}

/* Reads p with `threads` threads; the notes logged go to log (size 4096). */
static cn_table *read_threads(const char *p, int threads, char *log) {
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.threads = threads;
  par_log[0] = '\0';
  cn_set_log(par_on_log, NULL);
  cn_table *t = read_ok(p, &o);
  cn_set_log(NULL, NULL);
  memcpy(log, par_log, sizeof par_log);
  return t;
}

/* Every column's type, every cell bit for bit, the dictionary of every text
 * column in order, and the notes, equal. */
static void check_same_table(const cn_table *a, const cn_table *b, const char *la,
                             const char *lb, int threads) {
  CHECK_INT(cn_table_nrow(a), cn_table_nrow(b));
  CHECK_INT(cn_table_ncol(a), cn_table_ncol(b));
  CHECK_STR(la, lb);
  if (cn_table_nrow(a) != cn_table_nrow(b) || cn_table_ncol(a) != cn_table_ncol(b)) return;
  int64_t n = cn_table_nrow(a);
  for (int j = 0; j < cn_table_ncol(a); j++) {
    int bad = 0;
    CHECK_INT(cn_table_type(a, j), cn_table_type(b, j));
    if (cn_table_type(a, j) != cn_table_type(b, j)) continue;
    if (cn_table_type(a, j) == CN_DOUBLE)
      bad = memcmp(cn_table_dbl(a, j), cn_table_dbl(b, j), (size_t)n * sizeof(double)) != 0;
    else if (cn_table_type(a, j) == CN_INT64)
      bad = memcmp(cn_table_i64(a, j), cn_table_i64(b, j), (size_t)n * sizeof(int64_t)) != 0;
    else {
      CHECK_INT(cn_table_nlevels(a, j), cn_table_nlevels(b, j));
      bad = cn_table_nlevels(a, j) != cn_table_nlevels(b, j) ||
            memcmp(cn_table_codes(a, j), cn_table_codes(b, j), (size_t)n * sizeof(int32_t));
      for (int32_t k = 0; !bad && k < cn_table_nlevels(a, j); k++)
        bad = strcmp(cn_table_level(a, j, k), cn_table_level(b, j, k)) != 0;
    }
    if (bad) cn_test_fail(__FILE__, __LINE__, "column %d differs with %d threads", j, threads);
  }
}

/* Writes a mixed file of about 6 MB: integers, doubles, missing values,
 * Chinese text, quoted fields with commas, doubled quotes and newlines
 * (every `nl_every` rows; 1: every row, so that most cuts fall inside
 * quotes), an integer column that turns double, one with a big integer
 * that turns it text, and "-0" in a column that turns double (all late,
 * in the last part of the file). */
static const char *write_mixed(const char *name, int nl_every, int64_t rows) {
  const char *p = cn_test_path(cn_test_tmpdir(), name);
  FILE *fp = fopen(p, "wb");
  static const char *const city[] = {"北京", "上海", "深圳", "Zürich", "São Paulo"};
  fprintf(fp, "id,x,city,note,late_dbl,late_txt,negz,code,uniq\n");
  for (int64_t i = 0; i < rows; i++) {
    fprintf(fp, "%lld,", (long long)i);
    if (i % 97 == 5) fprintf(fp, "NA,");
    else if (i % 101 == 7) fprintf(fp, ",");
    else fprintf(fp, "%.17g,", (double)(i % 1000) * 0.001 - 0.3);
    fprintf(fp, "%s,", city[i % 5]);
    if (i % nl_every == 0) fprintf(fp, "\"line %lld\n\"\"quoted\"\", 第二行\",", (long long)i % 50);
    else if (i % 3 == 0) fprintf(fp, "\"a, b\",");
    else fprintf(fp, "plain %lld,", (long long)(i % 40));
    if (i == rows - 10) fprintf(fp, "2.5,");
    else fprintf(fp, "%lld,", (long long)(i % 13));
    if (i == rows - 7) fprintf(fp, "123456789012345678901234,");
    else if (i % 11 == 0) fprintf(fp, ".,");
    else fprintf(fp, "%lld,", (long long)(i % 17) - 8);
    if (i == rows - 3) fprintf(fp, "1e3,");
    else fprintf(fp, "%s,", i % 7 == 0 ? "-0" : "4");
    fprintf(fp, "%s,", i % 9 == 0 ? "0101" : "8471");
    fprintf(fp, "u%lld\n", (long long)i);
  }
  fclose(fp);
  return p;
}

TEST(csv_parallel_read_equals_one_thread) {
  static char l1[4096], ln[4096];
  const char *files[] = {write_mixed("mixed.csv", 1000, 90000),
                         write_mixed("dense.csv", 1, 90000)};
  for (int f = 0; f < 2; f++) {
    cn_table *one = read_threads(files[f], 1, l1);
    if (!one) return;
    CHECK_INT(cn_table_nrow(one), 90000);
    CHECK_INT(cn_table_type(one, 1), CN_DOUBLE);
    CHECK_INT(cn_table_type(one, 4), CN_DOUBLE); /* upgraded on a late row */
    CHECK_INT(cn_table_type(one, 5), CN_STRING); /* turned text on a late row */
    CHECK_INT(cn_table_type(one, 6), CN_DOUBLE);
    CHECK(strstr(l1, "integer too long") != NULL);
    CHECK_STR(cn_test_level(one, 2, 1), "上海");
    CHECK_STR(cn_test_level(one, 3, 0), "line 0\n\"quoted\", 第二行");
    /* "-0" is 0 while the column is integer, -0.0 once it is double */
    CHECK(!signbit(cn_table_dbl(one, 6)[7]) && cn_table_dbl(one, 6)[7] == 0);
    CHECK(signbit(cn_table_dbl(one, 6)[89999]) && cn_table_dbl(one, 6)[89999] == 0);
    for (int th = 2; th <= 7; th += 5) {
      cn_table *par = read_threads(files[f], th, ln);
      if (par) check_same_table(one, par, l1, ln, th);
      cn_table_free(par);
    }
    cn_table_free(one);
  }
}

/* cn_read_opts.keep for the test below: columns "a" and "c". */
static bool keep_a_c(const char *name, void *ctx) {
  (void)ctx;
  return !strcmp(name, "a") || !strcmp(name, "c");
}

/* Blank lines (fewer records than lines: a chunk's rows move down when the
 * chunks are joined), no newline at the end, and a read of two columns
 * only: the kept columns equal the whole read's, with 1 and 2 threads, and
 * the skipped text column with a bad value is not looked at. */
TEST(csv_parallel_blank_lines_and_kept_columns) {
  const char *p = cn_test_path(cn_test_tmpdir(), "blank.csv");
  FILE *fp = fopen(p, "wb");
  fprintf(fp, "a,b,c,d\n");
  for (int i = 0; i < 200000; i++) {
    if (i % 5000 == 17) fprintf(fp, "\n\n");
    fprintf(fp, "%d,t%d,%d.25,%s%s", i, i % 7, i % 1000, i == 150000 ? "\"x\ny\"" : "z",
            i + 1 < 200000 ? "\n" : "");
  }
  fclose(fp);
  static char l1[4096], l2[4096];
  cn_table *one = read_threads(p, 1, l1), *two = read_threads(p, 2, l2);
  if (one && two) {
    check_same_table(one, two, l1, l2, 2);
    CHECK_INT(cn_table_nrow(two), 200000);
    CHECK_INT(cn_table_i64(two, 0)[199999], 199999);
    CHECK(cn_table_dbl(two, 2)[199999] == 999.25);
  }
  for (int th = 1; th <= 2 && one; th++) {
    cn_read_opts o;
    cn_read_opts_init(&o);
    o.threads = th;
    o.keep = keep_a_c;
    cn_table *k = read_ok(p, &o);
    if (!k) continue;
    CHECK_INT(cn_table_ncol(k), 2);
    CHECK_INT(cn_table_nrow(k), 200000);
    CHECK_STR(cn_table_name(k, 1), "c");
    CHECK(!memcmp(cn_table_i64(k, 0), cn_table_i64(one, 0), 200000 * sizeof(int64_t)));
    CHECK(!memcmp(cn_table_dbl(k, 1), cn_table_dbl(one, 2), 200000 * sizeof(double)));
    cn_table_free(k);
  }
  cn_table_free(one);
  cn_table_free(two);
}

/* A parse error found by a thread other than the first is told with its
 * line in the whole file, as the one-thread read tells it. */
TEST(csv_parallel_error_names_its_line) {
  const char *p = cn_test_path(cn_test_tmpdir(), "perr.csv");
  FILE *fp = fopen(p, "wb");
  fprintf(fp, "a,b,c\n");
  for (int i = 0; i < 300000; i++) fprintf(fp, "%d,%d.5,x%d\n", i, i, i % 10);
  fprintf(fp, "1,2\n");
  fclose(fp);
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.threads = 2;
  cn_diag d = read_err(p, &o);
  CHECK_INT(d.line, 300002);
  CHECK_INT(d.column, 4);
}

/* Numbers read bit-identical to strtod: the fast path's edges (2^53,
 * 10^22), values it must leave to strtod, subnormals, and random doubles
 * printed shortest and with 6 decimals. */
TEST(csv_doubles_equal_strtod) {
  static const char *const hard[] = {
      "0.1", "1e22", "1e23", "-1e-22", "1e-23", "9007199254740992.5", "9007199254740993.0",
      "900719925474099.3", "123456789012345678.5", "3.0000000000000004",
      "0.30000000000000004441", "1.7976931348623157e308", "2.2250738585072011e-308",
      "2.2250738585072014e-308", "4.9e-324", "7.038531e-26", "8.98846567431158e307",
      "9007199254740992e22", "0.000000000000000000000000000001", "1.5e+2", "-0.0",
      "2.225073858507201136057409796709131975934819546351645648e-308",
      "1.00000000000000011102230246251565404236316680908203125"};
  const int nh = (int)(sizeof hard / sizeof *hard), nr = 20000;
  const char *p = cn_test_path(cn_test_tmpdir(), "hard.csv");
  FILE *fp = fopen(p, "wb");
  fprintf(fp, "x\n");
  for (int i = 0; i < nh; i++) fprintf(fp, "%s\n", hard[i]);
  cn_rng g;
  cn_rng_seed(&g, 7, 0);
  char (*txt)[40] = malloc((size_t)nr * sizeof *txt);
  for (int i = 0; i < nr; i++) {
    double v = (cn_rng_uniform(&g) - 0.5) * pow(10, (int)cn_rng_below(&g, 40) - 20);
    snprintf(txt[i], sizeof *txt, i % 2 ? "%.17g" : "%.6f", v);
    fprintf(fp, "%s\n", txt[i]);
  }
  fclose(fp);
  cn_table *t = read_ok(p, NULL);
  if (t) {
    CHECK_INT(cn_table_type(t, 0), CN_DOUBLE);
    const double *x = cn_table_dbl(t, 0);
    int bad = 0;
    for (int i = 0; i < nh + nr && bad < 5; i++) {
      double want = strtod(i < nh ? hard[i] : txt[i - nh], NULL);
      if (memcmp(&want, &x[i], sizeof want) != 0) {
        cn_test_fail(__FILE__, __LINE__, "\"%s\" read as %.17g, strtod gives %.17g",
                     i < nh ? hard[i] : txt[i - nh], x[i], want);
        bad++;
      }
    }
  }
  cn_table_free(t);
  free(txt);
}

/* An infinity is told at its first row in file order when the rows are
 * formatted on several threads (two infinities, in the third and the
 * ninth of the writer's batches: the earlier one is named). */
TEST(csv_write_infinity_first_row_with_threads) {
  cn_diag d;
  cn_table *t = cn_table_new(100000);
  int x = cn_table_add_column(t, "x", CN_DOUBLE, &d);
  for (int64_t i = 0; i < 100000; i++) cn_table_dbl_mut(t, x)[i] = (double)i / 7;
  cn_table_dbl_mut(t, x)[70000] = INFINITY;
  cn_table_dbl_mut(t, x)[20000] = -INFINITY;
  CHECK_STATUS(cn_table_write(t, cn_test_path(cn_test_tmpdir(), "inf.csv"), NULL, &d), CN_EDATA,
               &d);
  CHECK(strstr(d.message, "\"x\" row 20001 holds an infinity") != NULL);
  cn_table_free(t);
}
