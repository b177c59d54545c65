/* bench/gen_dea.c — N DMUs with 3 inputs and 2 outputs for bench/dea.sh:
 * inputs uniform in [1, 20], both outputs the inputs' geometric mean times
 * a half-normal inefficiency exp(−|N(0, 0.3²)|) times independent uniform
 * [0.5, 1.5] mix factors, 4 decimals. Deterministic for N. Usage: gen_dea
 * N FILE */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "coinnet.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: gen_dea N FILE\n");
    return 2;
  }
  long n = atol(argv[1]);
  FILE *fp = fopen(argv[2], "wb");
  if (!fp) {
    perror(argv[2]);
    return 4;
  }
  static char buf[1 << 20];
  setvbuf(fp, buf, _IOFBF, sizeof buf);
  cn_rng r;
  cn_rng_seed(&r, 2026, 16);
  fprintf(fp, "dmu,x1,x2,x3,y1,y2\n");
  for (long i = 0; i < n; i++) {
    double x[3], y[2];
    for (int k = 0; k < 3; k++) x[k] = 1 + 19 * cn_rng_uniform(&r);
    double base = cbrt(x[0] * x[1] * x[2]) * exp(-fabs(0.3 * cn_rng_normal(&r)));
    for (int k = 0; k < 2; k++) y[k] = base * (0.5 + cn_rng_uniform(&r));
    fprintf(fp, "d%ld,%.4f,%.4f,%.4f,%.4f,%.4f\n", i + 1, x[0], x[1], x[2], y[0], y[1]);
  }
  return fclose(fp) ? 4 : 0;
}
