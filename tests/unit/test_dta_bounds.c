/* tests/unit/test_dta_bounds.c — the .dta reader bounds every string that
 * ReadStat hands over by the length its format declares (issue 23, item 2).
 *
 * The files are made inside the tests: written by coinnet's own writer,
 * then patched byte by byte where the format has a fixed-width field, so
 * that a name fills its whole field with no NUL after it. The expected
 * names are the field's bytes, by construction (9 bytes for a value-label
 * name before format 110, 129 from 118, as Stata's dta documentation and
 * ReadStat's reader give the widths). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

/* The whole file at path (*n bytes), or NULL. */
static unsigned char *read_all(const char *path, size_t *n) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  unsigned char *buf = malloc(1 << 16);
  *n = buf ? fread(buf, 1, 1 << 16, fp) : 0;
  fclose(fp);
  return buf;
}

static bool write_all(const char *path, const unsigned char *buf, size_t n) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return false;
  bool ok = fwrite(buf, 1, n, fp) == n;
  return fclose(fp) == 0 && ok;
}

/* Offset of the k-th (0-based) occurrence of needle[0..m) in buf, or -1. */
static long find_nth(const unsigned char *buf, size_t n, const void *needle, size_t m, int k) {
  for (size_t i = 0; i + m <= n; i++)
    if (!memcmp(buf + i, needle, m) && k-- == 0) return (long)i;
  return -1;
}

/* A table of two labelled numeric columns a (set sa: 1 "low", 2 "high")
 * and b (set sb: 0 "no", 1 "yes"), written as Stata format version. */
static void write_labelled(const char *path, int version, const char *sa, const char *sb) {
  cn_diag d;
  cn_table *t = cn_table_new(3);
  int a = cn_table_add_column(t, "a", CN_INT64, &d);
  int b = cn_table_add_column(t, "b", CN_INT64, &d);
  for (int i = 0; i < 3; i++) {
    cn_table_i64_mut(t, a)[i] = 1 + i % 2;
    cn_table_i64_mut(t, b)[i] = i % 2;
  }
  double va[] = {1, 2}, vb[] = {0, 1};
  const char *la[] = {"low", "high"}, *lb[] = {"no", "yes"};
  CHECK_INT(cn_table_set_value_labels(t, a, sa, 2, va, la), CN_OK);
  CHECK_INT(cn_table_set_value_labels(t, b, sb, 2, vb, lb), CN_OK);
  cn_write_opts o;
  cn_write_opts_init(&o);
  o.dta_version = version;
  CHECK_STATUS(cn_table_write_dta(t, path, &o, &d), CN_OK, &d);
  cn_table_free(t);
}

/* Checks that column col has the set `set` with the labels of
 * write_labelled. */
static void check_labels(const cn_table *t, int col, const char *set) {
  const char *name = NULL;
  const double *vals = NULL;
  const char *const *labs = NULL;
  int n = cn_table_value_labels(t, col, &name, &vals, &labs);
  CHECK_INT(n, 2);
  CHECK_STR(name, set);
  if (n != 2) return;
  CHECK_INT(vals[0], col == 0 ? 1 : 0);
  CHECK_INT(vals[1], col == 0 ? 2 : 1);
  CHECK_STR(labs[0], col == 0 ? "low" : "no");
  CHECK_STR(labs[1], col == 0 ? "high" : "yes");
}

/* Format 105: value-label names are 9-byte fields (8 characters and a
 * NUL). The file gets names of a full 9 bytes, "abcdefghX" and
 * "zyxwvutsX", in the variables' list (lbllist) and in the label tables.
 * Before the fix, the first name ran on into the second and past the end
 * of ReadStat's lbllist buffer (strlen; ASan: heap-buffer-overflow), so
 * column a got the name "abcdefghXzyxwvutsX..." and no labels. */
TEST(dta_105_unterminated_value_label_names) {
  const char *path = cn_test_path(cn_test_tmpdir(), "v105.dta");
  write_labelled(path, 105, "abcdefgh", "zyxwvuts");
  size_t n = 0;
  unsigned char *buf = read_all(path, &n);
  CHECK(buf != NULL);
  if (!buf) return;
  const char *names[] = {"abcdefgh", "zyxwvuts"};
  for (int s = 0; s < 2; s++) {
    /* in lbllist, then at the head of the set's label table */
    for (int k = 0; k < 2; k++) {
      long at = find_nth(buf, n, names[s], 9, 0); /* 8 letters and their NUL */
      CHECK(at >= 0);
      if (at >= 0) buf[at + 8] = 'X';
    }
    CHECK_INT(find_nth(buf, n, names[s], 9, 0), -1);
  }
  CHECK(write_all(path, buf, n));
  free(buf);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read_dta(path, NULL, &t, &d), CN_OK, &d);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 3);
  check_labels(t, 0, "abcdefghX");
  check_labels(t, 1, "zyxwvutsX");
  cn_table_free(t);
}

/* Format 118: value-label names are 129-byte fields, both in lbllist and
 * at the head of each label table (ReadStat copies the latter into a
 * 129-byte stack buffer, unterminated). Both names of set sa are filled
 * to the full 129 bytes; before the fix strlen read past both buffers
 * (ASan: heap- and stack-buffer-overflow) and the names did not match. */
TEST(dta_118_full_width_value_label_names) {
  const char *path = cn_test_path(cn_test_tmpdir(), "v118.dta");
  const char *sa = "abcdefghijklmnopqrstuvwxyzABCDEF"; /* 32 characters, Stata's limit */
  write_labelled(path, 118, sa, "sb");
  size_t n = 0;
  unsigned char *buf = read_all(path, &n);
  CHECK(buf != NULL);
  if (!buf) return;
  char full[130];
  memcpy(full, sa, 32);
  memset(full + 32, 'Q', 129 - 32);
  full[129] = '\0';
  for (int k = 0; k < 2; k++) {
    long at = find_nth(buf, n, sa, 33, 0); /* the name and its NUL */
    CHECK(at >= 0);
    if (at < 0 || (size_t)at + 129 > n) break;
    memcpy(buf + at, full, 129);
  }
  CHECK_INT(find_nth(buf, n, sa, 33, 0), -1);
  CHECK(write_all(path, buf, n));
  free(buf);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read_dta(path, NULL, &t, &d), CN_OK, &d);
  if (!t) return;
  check_labels(t, 0, full);
  check_labels(t, 1, "sb");
  cn_table_free(t);
}

/* A strL of text (GSO type 130) must end in a NUL; ReadStat hands its
 * bytes over as they are, so the reader checks. The writer's strL of 2046
 * "x" and its NUL gets the NUL replaced: the read is refused as damaged
 * (before the fix it went on past the end of the strL: ASan
 * heap-buffer-overflow, or extra bytes in the text). Formats 117 (13-byte
 * GSO header), 118 and 119 (17 bytes). */
TEST(dta_unterminated_strl_is_refused) {
  int versions[] = {117, 118, 119};
  for (int v = 0; v < 3; v++) {
    char file[32];
    snprintf(file, sizeof file, "strl%d.dta", versions[v]);
    const char *path = cn_test_path(cn_test_tmpdir(), file);
    cn_diag d;
    cn_table *t = cn_table_new(1);
    int c = cn_table_add_column(t, "note", CN_STRING, &d);
    char text[2047];
    memset(text, 'x', 2046);
    text[2046] = '\0';
    cn_table_set_str(t, c, 0, text, &d);
    cn_write_opts o;
    cn_write_opts_init(&o);
    o.dta_version = versions[v];
    CHECK_STATUS(cn_table_write_dta(t, path, &o, &d), CN_OK, &d);
    cn_table_free(t);
    /* the intact file reads back */
    cn_table *u = NULL;
    CHECK_STATUS(cn_table_read_dta(path, NULL, &u, &d), CN_OK, &d);
    if (u) CHECK_STR(cn_test_level(u, 0, 0), text);
    cn_table_free(u);
    size_t n = 0;
    unsigned char *buf = read_all(path, &n);
    long at = buf ? find_nth(buf, n, "<strls>GSO", 10, 0) : -1;
    CHECK(at >= 0);
    if (at < 0) {
      free(buf);
      continue;
    }
    size_t head = versions[v] >= 118 ? 17 : 13, gso = (size_t)at + 10;
    const unsigned char *l = buf + gso + head - 4; /* len, little-endian (LSF) */
    size_t len = l[0] | (size_t)l[1] << 8 | (size_t)l[2] << 16 | (size_t)l[3] << 24;
    CHECK_INT(len, 2047);
    CHECK_INT(buf[gso + head + len - 1], 0);
    buf[gso + head + len - 1] = 'y';
    CHECK(write_all(path, buf, n));
    free(buf);
    u = NULL;
    CHECK_STATUS(cn_table_read_dta(path, NULL, &u, &d), CN_EDATA, &d);
    CHECK(u == NULL);
    CHECK(strstr(d.message, "does not end in the NUL") != NULL);
    cn_table_free(u);
  }
}

/* A table without columns (what a Stata file with no variables reads as)
 * writes and reads back in every version. Found by fuzz/dta.c: ReadStat
 * wrote its empty sections as (NULL, 0), which went on to memcpy (UBSan:
 * "null pointer passed as argument 2"; `make asan` stops there). */
TEST(dta_table_without_columns_round_trips) {
  for (int v = 104; v <= 119; v++) {
    if (v == 116) continue; /* no such format */
    cn_diag d;
    cn_table *t = cn_table_new(0), *u = NULL;
    char file[32];
    snprintf(file, sizeof file, "none%d.dta", v);
    const char *path = cn_test_path(cn_test_tmpdir(), file);
    cn_write_opts o;
    cn_write_opts_init(&o);
    o.dta_version = v;
    CHECK_STATUS(cn_table_write_dta(t, path, &o, &d), CN_OK, &d);
    CHECK_STATUS(cn_table_read_dta(path, NULL, &u, &d), CN_OK, &d);
    if (u) {
      CHECK_INT(cn_table_ncol(u), 0);
      CHECK_INT(cn_table_nrow(u), 0);
    }
    cn_table_free(u);
    cn_table_free(t);
  }
}
