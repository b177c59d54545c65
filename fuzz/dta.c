/* fuzz/dta.c — libFuzzer target for the Stata .dta reader (and, for the
 * tables it gives, the .dta writer). The input is the file, read twice:
 * as it comes and with --encoding gb18030 (the two text paths of formats
 * before 118). Any input must give a table or a diagnostic, never a crash
 * or a leak; a table that reads must hold valid UTF-8 in every name,
 * label, format, value label and text cell, and must write back as
 * Stata 118 or give a diagnostic.
 *
 * Seeds (tests/fuzz/dta): the two files of tests/data/dta; latin1-r114.dta
 * converted to every format the reader takes (`coinnet data convert
 * latin1-r114.dta --dta-version N -o vN.dta`, N = 104..115, 117..119);
 * strL files of formats 117..119 (a CSV with one 2100-byte text cell
 * converted the same way); the format-105 file with full-width,
 * unterminated value-label names of tests/unit/test_dta_bounds.c
 * (v105-unterminated-labels.dta: v105.dta with the lbllist entries of
 * size and n and the name of the size table filled to 9 bytes); and
 * v104-no-variables.dta, the input on which this target found the
 * writer's memcpy(NULL, 0) (test dta_table_without_columns_round_trips).
 * Build it with -fno-sanitize-recover=undefined so that a UBSan report
 * stops the run instead of scrolling past. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "coinnet.h"

/* Traps unless s is NULL or valid UTF-8 (overlong forms and surrogates
 * are not), so that a violation shows as a crash with its input. */
static void check_utf8(const char *s) {
  if (!s) return;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c = *p;
    int k = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
            : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
    if (k < 0) __builtin_trap();
    unsigned lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    p++;
    for (int i = 0; i < k; i++, p++) {
      if (*p < (i == 0 ? lo : 0x80) || *p > (i == 0 ? hi : 0xBF)) __builtin_trap();
    }
  }
}

/* Touches every string of t (names, labels, formats, value labels, the
 * text of each cell), checking that each is valid UTF-8. */
static void check_table(const cn_table *t) {
  char cell[64];
  for (int j = 0; j < cn_table_ncol(t); j++) {
    check_utf8(cn_table_name(t, j));
    check_utf8(cn_table_label(t, j));
    check_utf8(cn_table_format(t, j));
    const char *set = NULL;
    const double *vals = NULL;
    const char *const *labs = NULL;
    int n = cn_table_value_labels(t, j, &set, &vals, &labs);
    check_utf8(set);
    for (int k = 0; k < n; k++) check_utf8(labs[k]);
    bool text = cn_table_type(t, j) == CN_STRING;
    for (int64_t i = 0; i < cn_table_nrow(t); i++) {
      int32_t k = text ? cn_table_codes(t, j)[i] : -1;
      if (k >= 0) check_utf8(cn_table_level(t, j, k));
      else cn_table_cell_text(t, j, i, cell, sizeof cell);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = -1;
  static char path[64], out[64];
  if (fd < 0) {
    fd = memfd_create("fuzz.dta", 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    snprintf(out, sizeof out, "/tmp/fuzz-dta-%d.dta", (int)getpid());
  }
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) return 0;
  const char *encodings[] = {NULL, "gb18030"};
  for (int e = 0; e < 2; e++) {
    cn_read_opts o;
    cn_read_opts_init(&o);
    o.format = "dta";
    o.encoding = encodings[e];
    cn_table *t = NULL;
    cn_diag d;
    char buf[2048];
    if (cn_table_read_dta(path, &o, &t, &d) == CN_OK) {
      check_table(t);
      cn_write_opts w;
      cn_write_opts_init(&w);
      if (cn_table_write_dta(t, out, &w, &d) != CN_OK) cn_diag_format(&d, "fuzz", buf, sizeof buf);
      unlink(out);
    } else {
      cn_diag_format(&d, "fuzz", buf, sizeof buf);
    }
    cn_table_free(t);
  }
  return 0;
}
