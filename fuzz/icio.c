/* fuzz/icio.c — libFuzzer target for the inter-country input-output table
 * reader (cn_icio_read) and the measures on what it accepts (θ and the GVC
 * measures). The input is the three files, intermediate use Z, final use F
 * and output x, separated by NUL bytes. Any input must give a table or a
 * diagnostic, never a crash, a leak or an internal error. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "coinnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd[3] = {-1, -1, -1};
  static char path[3][64];
  const uint8_t *part[3];
  size_t len[3];
  const uint8_t *p = data, *end = data + size;
  for (int k = 0; k < 3; k++) {
    const uint8_t *nul = k < 2 ? memchr(p, 0, (size_t)(end - p)) : NULL;
    if (k < 2 && !nul) return 0;
    part[k] = p;
    len[k] = k < 2 ? (size_t)(nul - p) : (size_t)(end - p);
    p = k < 2 ? nul + 1 : end;
    if (fd[k] < 0) {
      fd[k] = memfd_create("fuzz.csv", 0);
      snprintf(path[k], sizeof path[k], "/proc/self/fd/%d", fd[k]);
    }
    if (ftruncate(fd[k], 0) != 0 || pwrite(fd[k], part[k], len[k], 0) != (ssize_t)len[k]) return 0;
  }
  cn_icio *io = NULL;
  cn_diag d;
  cn_status st = cn_icio_read(path[0], path[1], path[2], NULL, &io, &d);
  if (st == CN_EINTERNAL) __builtin_trap();
  if (st == CN_OK && io->n <= 64) {
    cn_table *out = NULL, *un = NULL;
    if (io->ncountry > 0) {
      st = cn_icio_theta(io, io->country_name[0], NULL, &out, &un, &d);
      if (st == CN_EINTERNAL) __builtin_trap();
      cn_table_free(out);
      cn_table_free(un);
      out = NULL;
    }
    st = cn_icio_gvc(io, "inv", &out, NULL, &d);
    if (st == CN_EINTERNAL) __builtin_trap();
    cn_table_free(out);
  }
  char buf[2048];
  if (st != CN_OK) cn_diag_format(&d, "fuzz", buf, sizeof buf);
  cn_icio_free(io);
  return 0;
}
