/* fuzz/expr.c — libFuzzer target for the expression language of --if,
 * data gen and data keep (lib/table/expr.c). The input is an expression
 * against a fixed 6-row table of numbers, text and missing values; it must
 * parse or give a script error (or name a missing column), and one that parses must evaluate or give a
 * diagnostic: never a crash, a leak or an internal error. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "coinnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static cn_table *t;
  cn_diag d;
  if (!t) {
    static const char text[] = "x,y,g,year,L.w\n1,0.5,a,2001,1\n2,,b,2002,\n-3,2.5,,2003,1\n"
                               "0,1e300,\xe4\xb8\xad,2004,3\n4,-1e-300,b,,2\n5,2,a,2006,1\n";
    int fd = memfd_create("fuzz.csv", 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (fd < 0 || write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1)) return 0;
    if (cn_table_read_csv(path, NULL, &t, &d) != CN_OK) return 0;
  }
  if (size > 4096 || memchr(data, 0, size)) return 0;
  char buf[4097];
  memcpy(buf, data, size);
  buf[size] = 0;
  cn_expr *e = NULL;
  cn_status st = cn_expr_parse(buf, t, &e, &d);
  /* a syntax error is CN_ESCRIPT, an unknown column CN_EDATA (docs/cli.md) */
  if (st != CN_OK && ((st != CN_ESCRIPT && st != CN_EDATA) || e)) __builtin_trap();
  if (st == CN_OK) {
    double out[6];
    int cols[8];
    st = cn_expr_eval(e, t, out, &d);
    if (st == CN_EINTERNAL) __builtin_trap();
    cn_expr_columns(e, cols, 8);
    cn_expr_is_column(e, NULL);
  } else {
    char msg[2048];
    cn_diag_format(&d, "fuzz", msg, sizeof msg);
  }
  cn_expr_free(e);
  return 0;
}
