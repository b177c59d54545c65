/* bench/csv_read.c — reads one table (CSV, or .dta / .sqlite / .xlsx by its
 * extension, as cn_table_read does) with the library and reports wall time,
 * throughput, peak memory and the table's own size, as one line of
 * key=value pairs; with OUT, also writes the table there as CSV and
 * reports the write's time and throughput (MB written per second).
 * Usage: csv_read FILE [OUT] */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include "coinnet.h"

int main(int argc, char **argv) {
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: csv_read FILE [OUT]\n");
    return 2;
  }
  cn_diag d;
  cn_init(&d);
  struct stat st;
  if (stat(argv[1], &st) != 0) {
    perror(argv[1]);
    return 4;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cn_table *t = NULL;
  if (cn_table_read(argv[1], NULL, &t, &d) != CN_OK) {
    fprintf(stderr, "%s:%lld: %s\n", d.file, (long long)d.line, d.message);
    return 4;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double table_mb = 0;
  for (int j = 0; j < cn_table_ncol(t); j++)
    table_mb += (double)cn_table_nrow(t) * (cn_table_type(t, j) == CN_STRING ? 4 : 8);
  table_mb /= 1e6;
  double file_mb = (double)st.st_size / 1e6;
  printf("rows=%lld cols=%d file_mb=%.1f seconds=%.3f mb_per_s=%.1f maxrss_mb=%.1f "
         "table_mb=%.1f rss_over_table=%.2f\n",
         (long long)cn_table_nrow(t), cn_table_ncol(t), file_mb, sec, file_mb / sec,
         (double)ru.ru_maxrss / 1024.0, table_mb, (double)ru.ru_maxrss / 1024.0 / table_mb);
  if (argc == 3) {
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (cn_table_write(t, argv[2], NULL, &d) != CN_OK) {
      fprintf(stderr, "%s: %s\n", argv[2], d.message);
      return 4;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ws = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    struct stat so;
    double out_mb = stat(argv[2], &so) == 0 ? (double)so.st_size / 1e6 : 0;
    printf("write_seconds=%.3f write_mb_per_s=%.1f\n", ws, out_mb / ws);
  }
  cn_table_free(t);
  return 0;
}
