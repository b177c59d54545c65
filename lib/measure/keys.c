/* lib/measure/keys.c — helpers the measures share (measure_int.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "measure_int.h"

/* Appends the text of cell (row, col) to b; false when the cell is missing. */
static bool cell_append(const cn_table *t, int col, int64_t row, cn_buf *b) {
  if (cn_table_is_na(t, col, row)) return false;
  if (cn_table_type(t, col) == CN_STRING) {
    size_t len = 0;
    const char *s = cn_table_str(t, col, row, &len);
    return s && cn__buf_append(b, s, len);
  }
  char tmp[64];
  size_t len = cn_table_cell_text(t, col, row, tmp, sizeof tmp);
  return cn__buf_append(b, tmp, len);
}

bool cn__row_key(const cn_table *t, const int *cols, int n, int64_t row, cn_buf *b) {
  b->len = 0;
  bool first = true;
  for (int k = 0; k < n; k++) {
    if (cols[k] < 0) continue;
    if (!first && !cn__buf_append(b, "\x1f", 1)) return false;
    if (!cell_append(t, cols[k], row, b)) return false;
    first = false;
  }
  return !b->failed;
}

/* Adds to out text columns named like t's columns cols (n, a negative col
 * skipped), filled from the rows first[0..m). */
cn_status cn__copy_keys(cn_table *out, const cn_table *t, const int *cols, int n, const int64_t *first,
                        int64_t m, cn_diag *d) {
  cn_buf b = {0};
  cn_status st = CN_OK;
  for (int k = 0; k < n && st == CN_OK; k++) {
    if (cols[k] < 0) continue;
    int c = cn_table_add_column(out, cn_table_name(t, cols[k]), CN_STRING, d);
    if (c < 0) {
      st = d->code;
      break;
    }
    for (int64_t g = 0; g < m; g++) {
      b.len = 0;
      if (!cell_append(t, cols[k], first[g], &b) || !cn__buf_append(&b, "", 1)) {
        st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        break;
      }
      if ((st = cn_table_set_str(out, c, g, b.data, d)) != CN_OK) break;
    }
  }
  cn__buf_free(&b);
  return st;
}


int cn__need_col(const cn_table *t, const char *name, const char *what, cn_diag *d) {
  char where[160];
  snprintf(where, sizeof where, "the %s", what);
  return cn_table_col(t, name, where, d);
}

int cn__need_num(const cn_table *t, const char *name, const char *what, cn_diag *d) {
  int c = cn__need_col(t, name, what, d);
  if (c >= 0 && cn_table_type(t, c) == CN_STRING) {
    cn_diag_set(d, CN_EUSAGE, "column \"%s\" of the %s is text, not a number", name, what);
    return -1;
  }
  return c;
}

cn_status cn__theta_read(const cn_table *t, const char *ind, const char *c1, const char *c2, cn__theta *th,
                         cn_diag *d) {
  memset(th, 0, sizeof *th);
  int ti = cn__need_col(t, ind, "theta table", d), t1, t2;
  if (ti < 0 || (t1 = cn__need_num(t, c1, "theta table", d)) < 0 || (t2 = cn__need_num(t, c2, "theta table", d)) < 0)
    return CN_EUSAGE;
  int64_t n = cn_table_nrow(t);
  cn_buf b = {0};
  if (!(th->th1 = cn_malloc((size_t)(n + 1) * sizeof *th->th1)) ||
      !(th->th2 = cn_malloc((size_t)(n + 1) * sizeof *th->th2)))
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  cn_status st = CN_OK;
  for (int64_t i = 0; i < n; i++) {
    if (!cn__row_key(t, &ti, 1, i, &b)) {
      if (!b.failed) continue; /* no industry */
      st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      break;
    }
    size_t before = th->inds.n;
    int32_t id = cn__strmap_intern(&th->inds, b.data, b.len);
    if (id < 0) {
      st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      break;
    }
    if ((size_t)id != before) {
      st = cn_diag_set(d, CN_EDATA, "theta: industry \"%.*s\" appears twice (row %lld)", (int)b.len, b.data,
                       (long long)i + 1);
      break;
    }
    th->th1[id] = cn_table_get_num(t, t1, i);
    th->th2[id] = cn_table_get_num(t, t2, i);
  }
  cn__buf_free(&b);
  return st;
}

int32_t cn__theta_find(const cn__theta *th, const cn_table *t, int col, int64_t row) {
  if (cn_table_is_na(t, col, row)) return -1;
  if (cn_table_type(t, col) == CN_STRING) {
    size_t len = 0;
    const char *s = cn_table_str(t, col, row, &len);
    return s ? cn__strmap_get(&th->inds, s, len) : -1;
  }
  char buf[64];
  size_t n = cn_table_cell_text(t, col, row, buf, sizeof buf);
  return cn__strmap_get(&th->inds, buf, n);
}

void cn__theta_free(cn__theta *th) {
  cn__strmap_free(&th->inds);
  cn_free(th->th1);
  cn_free(th->th2);
  memset(th, 0, sizeof *th);
}
