/* fuzz/sqlite.c — libFuzzer target for SQLite input (lib/table/sqlite.c):
 * a database file and a query. The first byte picks the mode: bit 0 set,
 * the input up to the first NUL after it is a query (the rest the file);
 * otherwise the file is read by table ("data", or the only table). Any input
 * must give a table or a diagnostic, never a crash, a leak or a write. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "coinnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static int fd = -1;
  static char path[64];
  if (fd < 0) {
    fd = memfd_create("fuzz.sqlite", 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  cn_read_opts o;
  cn_read_opts_init(&o);
  char query[1025];
  const uint8_t *file = data + 1;
  size_t n = size - 1;
  if (data[0] & 1) {
    const uint8_t *nul = memchr(file, 0, n);
    if (!nul || (size_t)(nul - file) > 1024) return 0;
    memcpy(query, file, (size_t)(nul - file));
    query[nul - file] = 0;
    o.sqlite_query = query;
    n -= (size_t)(nul - file) + 1;
    file = nul + 1;
  } else if (data[0] & 2) {
    o.sqlite_table = "data";
  }
  o.max_rows = 10000;
  if (ftruncate(fd, 0) != 0 || pwrite(fd, file, n, 0) != (ssize_t)n) return 0;
  cn_table *t = NULL;
  cn_diag d;
  if (cn_table_read_sqlite(path, &o, &t, &d) == CN_OK) {
    for (int j = 0; j < cn_table_ncol(t); j++) {
      cn_col_summary s;
      cn_table_summarize(t, j, &s, &d);
    }
  } else {
    char buf[2048];
    cn_diag_format(&d, "fuzz", buf, sizeof buf);
  }
  cn_table_free(t);
  return 0;
}
