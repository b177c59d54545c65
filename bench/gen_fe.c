/* bench/gen_fe.c — fixest's benchmark design (spec/econometrics.md §7): n
 * rows, three fixed effects drawn uniformly with n/20, sqrt(n) and n^0.33
 * levels, x1 ~ N(0,1), y = x1 + 0.05 x1² + the three effects + N(0,1), each
 * effect ~ N(0,1) per level. With "difficult", the worker-firm design of
 * fixest's benchmarks instead: fe1 = worker (n/20 levels, 20 rows each, in
 * time order), fe2 = firm, where a worker changes firm rarely (1 in 20
 * rows), fe3 = year. Deterministic for the seed. Usage: gen_fe N FILE
 * [difficult] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coinnet.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: gen_fe N FILE [difficult]\n");
    return 2;
  }
  long n = atol(argv[1]);
  bool hard = argc > 3 && !strcmp(argv[3], "difficult");
  FILE *fp = fopen(argv[2], "wb");
  if (!fp) {
    perror(argv[2]);
    return 4;
  }
  static char buf[1 << 20];
  setvbuf(fp, buf, _IOFBF, sizeof buf);
  cn_rng r;
  cn_rng_seed(&r, 2026, hard ? 2 : 1);
  long k1 = n / 20 > 1 ? n / 20 : 1, k2 = (long)sqrt((double)n), k3 = (long)pow((double)n, 0.33);
  if (k2 < 1) k2 = 1;
  if (k3 < 1) k3 = 1;
  double *e1 = malloc((size_t)k1 * sizeof *e1), *e2 = malloc((size_t)k2 * sizeof *e2),
         *e3 = malloc((size_t)k3 * sizeof *e3);
  if (!e1 || !e2 || !e3) return 5;
  for (long i = 0; i < k1; i++) e1[i] = cn_rng_normal(&r);
  for (long i = 0; i < k2; i++) e2[i] = cn_rng_normal(&r);
  for (long i = 0; i < k3; i++) e3[i] = cn_rng_normal(&r);
  fprintf(fp, "y,x1,fe1,fe2,fe3\n");
  long firm = 0;
  for (long i = 0; i < n; i++) {
    long a, b, c;
    if (hard) {
      a = i / 20 < k1 ? i / 20 : k1 - 1;
      if (i % 20 == 0 || cn_rng_below(&r, 20) == 0) firm = (long)cn_rng_below(&r, (uint64_t)k2);
      b = firm;
      c = (i % 20) % k3;
    } else {
      a = (long)cn_rng_below(&r, (uint64_t)k1);
      b = (long)cn_rng_below(&r, (uint64_t)k2);
      c = (long)cn_rng_below(&r, (uint64_t)k3);
    }
    double x = cn_rng_normal(&r);
    double y = x + 0.05 * x * x + e1[a] + e2[b] + e3[c] + cn_rng_normal(&r);
    fprintf(fp, "%.6f,%.6f,%ld,%ld,%ld\n", y, x, a + 1, b + 1, c + 1);
  }
  fclose(fp);
  return 0;
}
