/* tests/unit/test_table.c — string columns: dictionary and plain storage. */
#include <stdlib.h>
#include "../../lib/table/table_int.h"
#include "test.h"

enum { NROW = 250000, MIX_SWITCH = 70000 };

/* The expected text of a row (NULL: missing) in the columns of the file
 * that make_file writes: id (unique, some missing), grp (7 values) and mix
 * (3 values for MIX_SWITCH rows, then unique: it turns plain mid-read). */
static const char *want(int col, int64_t i, char *buf, size_t n) {
  switch (col) {
    case 0:
      if (i % 1000 == 17) return NULL;
      snprintf(buf, n, "CN%09lldA", (long long)i);
      return buf;
    case 1:
      snprintf(buf, n, "g%d", (int)(i % 7));
      return buf;
    default:
      if (i % 501 == 3) return NULL;
      if (i < MIX_SWITCH) snprintf(buf, n, "k%d", (int)(i % 3));
      else snprintf(buf, n, "m %lld, \"q\"", (long long)i); /* needs CSV quotes */
      return buf;
  }
}

static const char *make_file(void) {
  const char *p = cn_test_path(cn_test_tmpdir(), "strings.csv");
  FILE *fp = fopen(p, "wb");
  char a[64], b[64], c[64];
  fprintf(fp, "id,grp,mix\n");
  for (int64_t i = 0; i < NROW; i++) {
    const char *x = want(0, i, a, sizeof a), *y = want(1, i, b, sizeof b);
    const char *z = want(2, i, c, sizeof c);
    if (i % 2000 == 17) x = "NA"; /* a missing token as well as empty fields */
    fprintf(fp, "%s,%s,", x ? x : "", y);
    if (z) {
      fputc('"', fp);
      for (const char *q = z; *q; q++) {
        if (*q == '"') fputc('"', fp);
        fputc(*q, fp);
      }
      fputc('"', fp);
    }
    fputc('\n', fp);
  }
  fclose(fp);
  return p;
}

static cn_table *read_ok(const char *path, const cn_read_opts *o) {
  cn_table *t = NULL;
  cn_diag d;
  cn_status st = cn_table_read(path, o, &t, &d);
  CHECK_STATUS(st, CN_OK, &d);
  return t;
}

/* Compares every cell of t's three text columns with want(), through
 * cn_table_str and cn_table_cell_text, which leave the storage as it is. */
static void check_cells(const cn_table *t) {
  CHECK_INT(cn_table_nrow(t), NROW);
  CHECK_INT(cn_table_ncol(t), 3);
  int bad = 0;
  char w[64], cell[64];
  for (int col = 0; col < 3; col++) {
    CHECK_INT(cn_table_type(t, col), CN_STRING);
    for (int64_t i = 0; i < NROW && bad < 5; i++) {
      const char *e = want(col, i, w, sizeof w);
      size_t len = 99;
      const char *s = cn_table_str(t, col, i, &len);
      size_t n = cn_table_cell_text(t, col, i, cell, sizeof cell);
      bool ok = e ? s && len == strlen(e) && !strcmp(s, e) && n == len && !strcmp(cell, e)
                  : !s && len == 0 && n == 0 && cn_table_is_na(t, col, i);
      if (!ok) {
        cn_test_fail(__FILE__, __LINE__, "column %d row %lld: \"%s\" != \"%s\"", col,
                     (long long)i, s ? s : "(missing)", e ? e : "(missing)");
        bad++;
      }
    }
  }
}

/* The dictionary the public getters show: codes by first occurrence,
 * distinct levels, missing as CN_NA_CODE. */
static void check_dictionary(const cn_table *t, int col, int32_t nlevels) {
  CHECK_INT(cn_table_nlevels(t, col), nlevels);
  const int32_t *codes = cn_table_codes(t, col);
  int32_t next = 0;
  int bad = 0;
  char w[64];
  for (int64_t i = 0; i < NROW && bad < 5; i++) {
    const char *e = want(col, i, w, sizeof w);
    bool ok = e ? codes[i] >= 0 && codes[i] <= next && !strcmp(cn_table_level(t, col, codes[i]), e)
                : codes[i] == CN_NA_CODE;
    if (ok && e && codes[i] == next) next++;
    if (!ok) {
      cn_test_fail(__FILE__, __LINE__, "column %d row %lld: code %d", col, (long long)i,
                   (int)codes[i]);
      bad++;
    }
  }
  CHECK_INT(next, nlevels);
}

static int32_t distinct_mix(void) {
  int32_t n = 3;
  for (int64_t i = MIX_SWITCH; i < NROW; i++) n += i % 501 != 3;
  return n;
}

static int32_t present_ids(void) {
  int32_t n = 0;
  for (int64_t i = 0; i < NROW; i++) n += i % 1000 != 17;
  return n;
}

/* Nearly unique columns are stored plainly, the others keep their
 * dictionary; the cells read the same either way. */
TEST(table_plain_strings_round_trip) {
  cn_table *t = read_ok(make_file(), NULL);
  if (!t) return;
  CHECK(t->cols[0]->levels.plain);  /* unique from the start */
  CHECK(!t->cols[1]->levels.plain); /* 7 values */
  CHECK(t->cols[2]->levels.plain);  /* switched after MIX_SWITCH rows */
  check_cells(t);
  CHECK(t->cols[0]->levels.plain); /* reading cells builds no dictionary */
  /* the summary counts distinct values, not stored ones */
  cn_col_summary s;
  cn_diag d;
  CHECK_STATUS(cn_table_summarize(t, 2, &s, &d), CN_OK, &d);
  CHECK_INT(s.n_distinct, distinct_mix());
  CHECK_INT(s.n_missing, NROW / 501 + (NROW % 501 > 3));
  cn_table_free(t);
}

/* The public getters see a dictionary, built on first use, and the cells
 * stay as they were. */
TEST(table_plain_strings_build_their_dictionary) {
  cn_table *t = read_ok(make_file(), NULL);
  if (!t) return;
  check_dictionary(t, 0, present_ids());
  check_dictionary(t, 1, 7);
  check_dictionary(t, 2, distinct_mix());
  CHECK(!t->cols[0]->levels.plain && !t->cols[2]->levels.plain);
  check_cells(t);
  /* a dictionary column interns again: equal text, equal code */
  cn_diag d;
  CHECK_STATUS(cn_table_set_str(t, 2, 0, "m 100000, \"q\"", &d), CN_OK, &d);
  CHECK_INT(cn_table_codes(t, 2)[0], cn_table_codes(t, 2)[100000]);
  cn_table_free(t);
}

/* Setting a cell of a plain column appends its text; the getters still
 * merge equal texts afterwards. */
TEST(table_set_str_on_plain_column) {
  cn_table *t = read_ok(make_file(), NULL);
  if (!t) return;
  cn_diag d;
  CHECK(t->cols[0]->levels.plain);
  CHECK_STATUS(cn_table_set_str(t, 0, 5, "CN000000001A", &d), CN_OK, &d);
  CHECK_STATUS(cn_table_set_str(t, 0, 6, NULL, &d), CN_OK, &d);
  CHECK_STR(cn_table_str(t, 0, 5, NULL), "CN000000001A");
  CHECK(cn_table_str(t, 0, 6, NULL) == NULL);
  CHECK(t->cols[0]->levels.plain);
  const int32_t *codes = cn_table_codes(t, 0);
  CHECK_INT(codes[5], codes[1]);
  CHECK_INT(codes[6], CN_NA_CODE);
  /* replaced texts stay levels, as in a dictionary column */
  CHECK_INT(cn_table_nlevels(t, 0), present_ids());
  cn_table_free(t);
}

/* A plain table written to CSV, Stata and SQLite reads back the same (the
 * readers turn the columns plain again on their own). */
TEST(table_plain_strings_write_csv_dta_sqlite) {
  cn_table *t = read_ok(make_file(), NULL);
  if (!t) return;
  const char *names[] = {"back.csv", "back.dta", "back.sqlite"};
  for (int k = 0; k < 3; k++) {
    const char *p = cn_test_path(cn_test_tmpdir(), names[k]);
    cn_diag d;
    CHECK_STATUS(cn_table_write(t, p, NULL, &d), CN_OK, &d);
    CHECK(t->cols[0]->levels.plain); /* writing builds no dictionary */
    cn_read_opts o;
    cn_read_opts_init(&o);
    cn_table *u = read_ok(p, &o);
    if (!u) continue;
    check_cells(u);
    CHECK(u->cols[0]->levels.plain);
    CHECK(!u->cols[1]->levels.plain);
    check_dictionary(u, 2, distinct_mix());
    cn_table_free(u);
  }
  cn_table_free(t);
}

/* Small files never turn plain: every column keeps its dictionary. */
TEST(table_small_files_keep_dictionaries) {
  const char *p = cn_test_path(cn_test_tmpdir(), "small.csv");
  FILE *fp = fopen(p, "wb");
  fprintf(fp, "id\n");
  for (int i = 0; i < CN__PLAIN_MIN_ROWS - 1; i++) fprintf(fp, "x%d\n", i);
  fclose(fp);
  cn_table *t = read_ok(p, NULL);
  if (!t) return;
  CHECK(!t->cols[0]->levels.plain);
  CHECK_INT(cn_table_nlevels(t, 0), CN__PLAIN_MIN_ROWS - 1);
  cn_table_free(t);
}
