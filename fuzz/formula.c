/* fuzz/formula.c — libFuzzer target for the formula grammar (coinnet's
 * own, Stata's factor variables, fixest's i() and R's I()) and the design
 * it builds. The input is a formula against a fixed 8-row table; any input
 * must parse or give a formula error, and a formula that parses must
 * estimate or give a diagnostic: never a crash, a leak or an internal
 * error. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "coinnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static cn_table *t;
  cn_diag d;
  if (!t) {
    static const char text[] = "y,x,z,g,h,L.w\n1,0.5,2,a,0,1\n2,1.5,1,b,1,2\n3,2.5,3,c,0,1\n"
                               "2.5,1,0.5,a,1,3\n4,3,2,b,0,2\n3.5,2,1.5,c,1,1\n5,4,3,a,0,2\n"
                               "1.5,0.25,1,b,1,3\n";
    int fd = memfd_create("fuzz.csv", 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (fd < 0 || write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1)) return 0;
    if (cn_table_read_csv(path, NULL, &t, &d) != CN_OK) return 0;
  }
  if (size > 2048 || memchr(data, 0, size)) return 0;
  char buf[2049];
  memcpy(buf, data, size);
  buf[size] = 0;
  cn_formula *f = NULL;
  cn_status st = cn_formula_parse(buf, t, &f, &d);
  if (st != CN_OK && (st != CN_ESCRIPT || f)) __builtin_trap();
  cn_formula_free(f);
  if (st != CN_OK) return 0;
  cn_model *m = NULL;
  st = cn_reg(t, buf, NULL, &m, &d);
  if (st == CN_EINTERNAL) __builtin_trap();
  cn_model_free(m);
  return 0;
}
