/* fuzz/csv.c — libFuzzer target for the CSV reader and writer. The first
 * byte picks options (separator, encoding, header); the rest is the file.
 * Any input must give a table or a diagnostic, never a crash or a leak. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "coinnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static int fd = -1;
  static char path[64];
  if (fd < 0) {
    fd = memfd_create("fuzz.csv", 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
    return 0;
  cn_read_opts o;
  cn_read_opts_init(&o);
  const char seps[] = {0, ',', '\t', ';'};
  o.sep = seps[data[0] & 3];
  o.encoding = (data[0] & 4) ? "gb18030" : NULL;
  o.no_header = (data[0] & 8) != 0;
  cn_table *t = NULL;
  cn_diag d;
  if (cn_table_read_csv(path, &o, &t, &d) == CN_OK) {
    FILE *null = fopen("/dev/null", "wb");
    cn_table_write_csv_fp(t, null, ',', &d);
    fclose(null);
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
