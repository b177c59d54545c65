/* tests/unit/test_accounts.c — the accounting checks of an input-output
 * table (cn_icio_read, docs/measures.md "Checks on the table"). Every
 * table is 2 × 1 and its sums are done by hand in the comments. */
#include <math.h>
#include "test.h"

static const char *scratch(const char *name, const char *text) {
  const char *p = cn_test_path(cn_test_tmpdir(), name);
  FILE *fp = fopen(p, "wb");
  if (!fp) return p;
  fputs(text, fp);
  fclose(fp);
  return p;
}

/* Reads inter / final / output texts; the status, with the table in *io. */
static cn_status read3(const char *inter, const char *final, const char *output, cn_icio **io, cn_diag *d) {
  char zi[1024], fi[1024], xo[1024];
  snprintf(zi, sizeof zi, "%s", scratch("inter.csv", inter));
  snprintf(fi, sizeof fi, "%s", scratch("final.csv", final));
  snprintf(xo, sizeof xo, "%s", scratch("output.csv", output));
  *io = NULL;
  return cn_icio_read(zi, fi, xo, NULL, io, d);
}

/* Z = [[10, 20], [30, 5]], final demand rows (50 + 20, 10 + 55): uses are
 * A.m 30 + 70 = 100 and B.m 35 + 65 = 100. */
static const char z[] = ",A.m,B.m\nA.m,10,20\nB.m,30,5\n";
static const char f[] = ",A.fd,B.fd\nA.m,50,20\nB.m,10,55\n";

TEST(accounts_balanced_table_is_read) {
  cn_icio *io = NULL;
  cn_diag d;
  /* 100.05 is within 0.1% of the uses, 100 */
  CHECK_STATUS(read3(z, f, "row,out\nA.m,100.05\nB.m,100\n", &io, &d), CN_OK, &d);
  if (io) CHECK_INT(io->n_va_negative, 0);
  cn_icio_free(io);
}

/* Intermediate use above output: before, read without a word (and gvc
 * printed a negative FV). */
TEST(accounts_uses_must_add_up_to_output) {
  cn_icio *io = NULL;
  cn_diag d;
  CHECK_INT(read3(z, f, "row,out\nA.m,20\nB.m,100\n", &io, &d), CN_EDATA);
  CHECK(io == NULL);
  CHECK_INT(d.line, 2);
  CHECK(strstr(d.file, "output.csv") != NULL);
  CHECK(strstr(d.message, "A.m: intermediate 30 + final 70 = 100, output 20") != NULL);
  CHECK(strstr(d.message, "B.m") == NULL);
  /* both rows off by 1%: both named, the line is the first's */
  CHECK_INT(read3(z, f, "row,out\nA.m,99\nB.m,101\n", &io, &d), CN_EDATA);
  CHECK(strstr(d.message, "2 rows where") != NULL);
  CHECK(strstr(d.message, "A.m: intermediate 30 + final 70 = 100, output 99; "
                          "B.m: intermediate 35 + final 65 = 100, output 101") != NULL);
}

TEST(accounts_negative_and_nonfinite_flows) {
  cn_icio *io = NULL;
  cn_diag d;
  CHECK_INT(read3(",A.m,B.m\nA.m,10,20\nB.m,-30,5\n", f, "row,out\nA.m,100\nB.m,40\n", &io, &d), CN_EDATA);
  CHECK_INT(d.line, 3);
  CHECK(strstr(d.file, "inter.csv") != NULL);
  CHECK(strstr(d.message, "1 negative intermediate use: B.m -> A.m = -30") != NULL);
  CHECK_INT(read3(z, f, "row,out\nA.m,100\nB.m,inf\n", &io, &d), CN_EDATA);
  CHECK_INT(d.line, 3);
  /* negative final demand (inventories drawn down) is accepted:
   * A.m 30 + (50 − 20) = 60 */
  CHECK_STATUS(read3(z, ",A.fd,B.fd\nA.m,50,-20\nB.m,10,55\n", "row,out\nA.m,60\nB.m,100\n", &io, &d), CN_OK,
               &d);
  cn_icio_free(io);
}

/* A row without output that still supplies intermediates: B.m has output
 * 0 but sells 30 to A.m (and draws 35 from final demand: 30 + 5 − 35 = 0). */
TEST(accounts_no_output_no_intermediates) {
  cn_icio *io = NULL;
  cn_diag d;
  CHECK_INT(read3(z, ",A.fd,B.fd\nA.m,50,20\nB.m,-35,0\n", "row,out\nA.m,100\nB.m,0\n", &io, &d), CN_EDATA);
  CHECK_INT(d.line, 3);
  CHECK(strstr(d.message, "1 row with output <= 0 that supply or use intermediates: B.m: output 0, "
                          "intermediate use 35, inputs 25") != NULL);
}

/* Negative value added is kept and listed: B.m buys 90 + 20 = 110 for an
 * output of 100 (uses: A.m 10 + 90 + 0 = 100, B.m 30 + 20 + 50 = 100). */
TEST(accounts_negative_value_added_listed) {
  cn_icio *io = NULL;
  cn_diag d;
  CHECK_STATUS(read3(",A.m,B.m\nA.m,10,90\nB.m,30,20\n", ",A.fd,B.fd\nA.m,0,0\nB.m,25,25\n",
                     "row,out\nA.m,100\nB.m,100\n", &io, &d),
               CN_OK, &d);
  if (!io) return;
  CHECK_INT(io->n_va_negative, 1);
  if (io->n_va_negative == 1) CHECK_INT(io->va_negative[0], 1);
  cn_icio_free(io);
}
