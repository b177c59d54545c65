/* tests/unit/util.c — helpers that several test files share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

cn_table *cn_test_table(int nrow, int ncol, const char *const *heads, const char *const *cells) {
  cn_table *t = cn_table_new(nrow);
  cn_diag d;
  for (int j = 0; j < ncol; j++) {
    const char *colon = strchr(heads[j], ':');
    int len = (int)(colon - heads[j]);
    char *name = malloc((size_t)len + 1);
    memcpy(name, heads[j], (size_t)len);
    name[len] = '\0';
    cn_type ty = colon[1] == 'i' ? CN_INT64 : colon[1] == 'd' ? CN_DOUBLE : CN_STRING;
    int c = cn_table_add_column(t, name, ty, &d);
    free(name);
    CHECK(c == j);
    for (int i = 0; i < nrow; i++) {
      const char *v = cells[i * ncol + j];
      if (!*v) continue;
      if (ty == CN_INT64) cn_table_i64_mut(t, c)[i] = strtoll(v, NULL, 10);
      else if (ty == CN_DOUBLE) cn_table_dbl_mut(t, c)[i] = strtod(v, NULL);
      else cn_table_set_str(t, c, i, v, &d);
    }
  }
  return t;
}

int cn_test_tagged_line(const char *file, const char *tag, double *v, int max) {
  FILE *fp = fopen(cn_test_path(cn_test_data(), file), "r");
  CHECK(fp != NULL);
  if (!fp) return 0;
  static char line[1 << 17];
  int n = 0;
  size_t tl = strlen(tag);
  while (fgets(line, sizeof line, fp)) {
    if (strncmp(line, tag, tl) || line[tl] != ' ') continue;
    char *p = line + tl, *end;
    while (n < max) {
      double x = strtod(p, &end);
      if (end == p) break;
      v[n++] = x, p = end;
    }
    break;
  }
  fclose(fp);
  CHECK(n > 0);
  return n;
}
