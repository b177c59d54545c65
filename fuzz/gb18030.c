/* fuzz/gb18030.c — libFuzzer target for reading GB18030 and GBK text (the
 * iconv decoding of the CSV reader, and the name normalization that
 * follows it for applicant names). The first byte picks the encoding and
 * the header; the rest is the file. Any input must give a table or a
 * diagnostic, never a crash or a leak. */
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
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1)) return 0;
  cn_read_opts o;
  cn_read_opts_init(&o);
  static const char *const enc[] = {"gb18030", "gbk", "GB18030", "cp1252"};
  o.encoding = enc[data[0] & 3];
  o.no_header = (data[0] & 4) != 0;
  cn_table *t = NULL;
  cn_diag d;
  if (cn_table_read_csv(path, &o, &t, &d) == CN_OK) {
    for (int j = 0; j < cn_table_ncol(t); j++) {
      if (cn_table_type(t, j) != CN_STRING) continue;
      for (int64_t i = 0; i < cn_table_nrow(t) && i < 64; i++) {
        const char *s = cn_table_str(t, j, i, NULL);
        char *norm = NULL;
        if (s && cn_name_normalize(s, &norm, &d) == CN_OK) cn_name_classify(norm, NULL);
        cn_free(norm);
      }
    }
  } else {
    char buf[2048];
    cn_diag_format(&d, "fuzz", buf, sizeof buf);
  }
  cn_table_free(t);
  return 0;
}
