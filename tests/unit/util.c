/* tests/unit/util.c — helpers that several test files share. */
#include <stdlib.h>
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
