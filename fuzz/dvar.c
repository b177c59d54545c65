/* fuzz/dvar.c — libFuzzer target for the streamed customs reader of
 * `measure dvar` and the HS -> BEC reader. The first byte picks the parser
 * (even: customs records against a fixed firm and theta table; odd: a
 * concordance file) and the options; the rest is the file. Any input must
 * give a result or a diagnostic, never a crash or a leak. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "coinnet.h"

/* A memfd holding text, and its /proc path. */
static const char *memfile(const char *name, const void *data, size_t n, int *fd, char *path, size_t pn) {
  if (*fd < 0) {
    *fd = memfd_create(name, 0);
    snprintf(path, pn, "/proc/self/fd/%d", *fd);
  }
  if (ftruncate(*fd, 0) != 0 || pwrite(*fd, data, n, 0) != (ssize_t)n) return NULL;
  return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static int fd = -1, bfd = -1;
  static char path[64], bpath[64];
  static cn_table *firms, *theta;
  cn_diag d;
  if (!firms) {
    static const char ftext[] = "firm,year,industry,exports,sales,dii\nP1,2005,13,1000,1500,400\n"
                                "O1,2005,14,800,2400,500\nM1,2005,13,1000,3000,1000\n";
    static const char ttext[] = "industry,theta1,theta2\n13,0.1,0.05\n14,0.2,0.1\n";
    static const char *const text[] = {"firm", "industry"};
    cn_read_opts o;
    cn_read_opts_init(&o);
    o.string_cols = text, o.n_string_cols = 2;
    int f1 = -1, f2 = -1;
    char p1[64], p2[64];
    cn_table_read_csv(memfile("firms.csv", ftext, sizeof ftext - 1, &f1, p1, sizeof p1), &o, &firms, &d);
    o.string_cols = text + 1, o.n_string_cols = 1;
    cn_table_read_csv(memfile("theta.csv", ttext, sizeof ttext - 1, &f2, p2, sizeof p2), &o, &theta, &d);
  }
  static const char btext[] = "\xEF\xBB\xBFHS,BEC\n100001,111\n100002,61\n100003,41\n100003,22\n";
  cn_bec *bec = NULL;
  char buf[2048];
  if (data[0] & 1) { /* the concordance reader */
    const char *p = memfile("bec.csv", data + 1, size - 1, &bfd, bpath, sizeof bpath);
    if (p && cn_bec_read(p, (cn_bec_rule)((data[0] >> 1) % 3), &bec, &d) == CN_OK)
      (void)cn_bec_weight(bec, 2005, 100001);
    else
      cn_diag_format(&d, "fuzz", buf, sizeof buf);
    cn_bec_free(bec);
    return 0;
  }
  const char *bp = memfile("bec.csv", btext, sizeof btext - 1, &bfd, bpath, sizeof bpath);
  const char *cp = memfile("customs.csv", data + 1, size - 1, &fd, path, sizeof path);
  if (!bp || !cp || !firms || !theta || cn_bec_read(bp, CN_BEC_ANY, &bec, &d) != CN_OK) return 0;
  cn_dvar_opts o;
  cn_dvar_opts_init(&o);
  o.theta2_share = (data[0] & 2) != 0;
  o.outside = (cn_dvar_outside)((data[0] >> 2) % 3);
  cn_dvar_report rep;
  cn_table *out = NULL;
  if (cn_measure_dvar(cp, firms, theta, bec, &o, &out, &rep, &d) == CN_OK) {
    FILE *null = fopen("/dev/null", "wb");
    cn_table_write_csv_fp(out, null, ',', &d);
    fclose(null);
  } else {
    cn_diag_format(&d, "fuzz", buf, sizeof buf);
  }
  cn_table_free(out);
  cn_bec_free(bec);
  return 0;
}
