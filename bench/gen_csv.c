/* bench/gen_csv.c — writes a CSV of about MB megabytes with 10 numeric
 * columns (5 integers, 5 doubles with 6 decimals), deterministic for a seed.
 * Usage: gen_csv MB FILE */
#include <stdio.h>
#include <stdlib.h>
#include "coinnet.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: gen_csv MB FILE\n");
    return 2;
  }
  double target = atof(argv[1]) * 1e6;
  FILE *fp = fopen(argv[2], "wb");
  if (!fp) {
    perror(argv[2]);
    return 4;
  }
  static char buf[1 << 20];
  setvbuf(fp, buf, _IOFBF, sizeof buf);
  cn_rng r;
  cn_rng_seed(&r, 2026, 0);
  long written = fprintf(fp, "i1,d1,i2,d2,i3,d3,i4,d4,i5,d5\n");
  while (written < target) {
    for (int j = 0; j < 10; j++) {
      if (j % 2 == 0)
        written += fprintf(fp, "%llu", (unsigned long long)cn_rng_below(&r, 10000000));
      else
        written += fprintf(fp, "%.6f", cn_rng_uniform(&r) * 1000.0 - 500.0);
      fputc(j == 9 ? '\n' : ',', fp);
      written++;
    }
  }
  return fclose(fp) == 0 ? 0 : 4;
}
