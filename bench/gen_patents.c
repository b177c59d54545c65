/* bench/gen_patents.c — N synthetic patent records shaped like the real
 * export: publication number with kind code, application date, applicants
 * separated by " | " drawn from a pool of organizations (firms, universities,
 * institutes) and individuals, with A/B publication pairs. Deterministic.
 * Usage: gen_patents N FILE */
#include <stdio.h>
#include <stdlib.h>
#include "coinnet.h"

static const char *const kinds[] = {"工程有限公司", "科技有限公司", "大学", "研究院", "集团有限公司"};
static const char *const places[] = {"北京", "上海", "成都", "武汉", "西安", "长沙", "天津", "重庆"};

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: gen_patents N FILE\n");
    return 2;
  }
  long n = atol(argv[1]);
  FILE *fp = fopen(argv[2], "wb");
  if (!fp) return 4;
  static char buf[1 << 20];
  setvbuf(fp, buf, _IOFBF, sizeof buf);
  cn_rng r;
  cn_rng_seed(&r, 7, 0);
  long pool = n / 20 + 100;
  fprintf(fp, "pub,filed,applicants\n");
  for (long i = 0; i < n; i++) {
    int year = 2000 + (int)cn_rng_below(&r, 16);
    char kind = cn_rng_below(&r, 10) < 7 ? 'A' : 'U';
    int napp = 1 + (int)cn_rng_below(&r, 3) + (cn_rng_below(&r, 10) == 0 ? 5 : 0);
    char apps[1024];
    int len = 0;
    for (int k = 0; k < napp; k++) {
      /* preferential: low ids much more often */
      double u = cn_rng_uniform(&r);
      long org = (long)(pool * u * u * u);
      if (k > 0 && cn_rng_below(&r, 20) == 0)
        len += snprintf(apps + len, sizeof apps - (size_t)len, " | 张%ld", org % 997);
      else
        len += snprintf(apps + len, sizeof apps - (size_t)len, "%s%s%ld%s", k ? " | " : "",
                        places[org % 8], org, kinds[org % 5]);
    }
    fprintf(fp, "CN%09ld%c,%d-%02d-%02d,%s\n", 100000000 + i, kind, year,
            1 + (int)cn_rng_below(&r, 12), 1 + (int)cn_rng_below(&r, 28), apps);
    if (kind == 'A' && cn_rng_below(&r, 3) == 0) /* its grant */
      fprintf(fp, "CN%09ldB,%d-06-01,%s\n", 100000000 + i, year, apps);
  }
  return fclose(fp) == 0 ? 0 : 4;
}
