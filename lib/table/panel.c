/* lib/table/panel.c — lags, leads and differences that follow the time value
 * within panels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../base/base_int.h"
#include "prep_int.h"

typedef struct pt {
  int64_t g, time, row;
} pt;

static int cmp_pt(const void *a, const void *b) {
  const pt *x = a, *y = b;
  if (x->g != y->g) return x->g < y->g ? -1 : 1;
  if (x->time != y->time) return x->time < y->time ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

cn_status cn_panel_shift(const cn_table *t, int id_col, int time_col,
                         const double *x, int k, double *out, cn_diag *d) {
  int64_t n = cn_table_nrow(t), m = 0;
  int64_t *gid = NULL;
  pt *s = NULL;
  cn__keyer *key = NULL;
  cn_status st = CN_OK;
  cn_diag_clear(d);
  if (id_col < 0 || id_col >= cn_table_ncol(t) || time_col < 0 || time_col >= cn_table_ncol(t))
    return cn_diag_set(d, CN_EUSAGE, "panel id or time column out of range");
  cn_type tt = cn_table_type(t, time_col);
  if (tt == CN_STRING)
    return cn_diag_set(d, CN_EDATA, "time variable \"%s\" is text; lags need integer times",
                       cn_table_name(t, time_col));
  gid = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *gid);
  s = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
  if (!gid || !s || !(key = cn__keyer_new(1))) goto oom;
  if ((st = cn__keyer_ids(key, t, &id_col, gid, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < n; i++) {
    out[i] = NAN;
    if (cn_table_is_na(t, id_col, i) || cn_table_is_na(t, time_col, i)) continue;
    int64_t tv;
    if (tt == CN_INT64) {
      tv = cn_table_i64(t, time_col)[i];
    } else {
      double v = cn_table_dbl(t, time_col)[i];
      if (v != trunc(v) || fabs(v) > 9e15) {
        char cell[64];
        cn_table_cell_text(t, time_col, i, cell, sizeof cell);
        st = cn_diag_set(d, CN_EDATA, "time variable \"%s\" has the non-integer value %s (row %lld)",
                         cn_table_name(t, time_col), cell, (long long)i + 1);
        goto done;
      }
      tv = (int64_t)v;
    }
    s[m].g = gid[i];
    s[m].time = tv;
    s[m++].row = i;
  }
  qsort(s, (size_t)m, sizeof *s, cmp_pt);
  /* the first repeat in row order: the smallest later row of an equal pair */
  int64_t dup = -1;
  for (int64_t q = 1; q < m; q++)
    if (s[q].g == s[q - 1].g && s[q].time == s[q - 1].time && (dup < 0 || s[q].row < s[dup].row))
      dup = q;
  if (dup >= 0) {
    int cols[2] = {id_col, time_col};
    char keytext[600];
    int64_t first = dup;
    while (first > 0 && s[first - 1].g == s[dup].g && s[first - 1].time == s[dup].time) first--;
    cn__key_text(t, cols, 2, s[dup].row, keytext, sizeof keytext);
    st = cn_diag_set(d, CN_EDATA, "duplicate (id, time) in the panel: rows %lld and %lld both have %s",
                     (long long)s[first].row + 1, (long long)s[dup].row + 1, keytext);
    cn_diag_hint(d, "a panel needs one row per id and time; aggregate or drop the repeats first");
    goto done;
  }
  for (int64_t a = 0, b; a < m; a = b) {
    for (b = a; b < m && s[b].g == s[a].g; b++) {}
    int64_t q = a;
    for (int64_t p = a; p < b; p++) {
      int64_t want;
      if (__builtin_sub_overflow(s[p].time, (int64_t)k, &want)) continue;
      while (q < b && s[q].time < want) q++;
      if (q == b) break;
      if (s[q].time == want) out[s[p].row] = x[s[q].row];
    }
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__keyer_free(key);
  cn_free(gid);
  cn_free(s);
  return st;
}

cn_status cn_prep_lag(cn_table **t, const char *var, const char *id,
                      const char *time, int k, int diff, const char *name,
                      int64_t *n_missing, cn_diag *d) {
  int vc = cn_table_find(*t, var), ic = cn_table_find(*t, id), tc = cn_table_find(*t, time);
  double *x = NULL, *y = NULL;
  cn_buf nm = {0}; /* the default name, whole for a variable of any length */
  cn_status st = CN_OK;
  cn_diag_clear(d);
  if (vc < 0 || ic < 0 || tc < 0) {
    cn_table_col(*t, vc < 0 ? var : ic < 0 ? id : time, "the data", d);
    return CN_EDATA;
  }
  if (cn_table_type(*t, vc) == CN_STRING)
    return cn_diag_set(d, CN_EUSAGE, "variable \"%s\" is text; lags need numbers", var);
  if (k == 0 || (diff && k < 1))
    return cn_diag_set(d, CN_EUSAGE, diff ? "a difference needs k >= 1" : "k must not be 0");
  if (!name) {
    int a = k < 0 ? -k : k;
    const char *op = diff ? (k == 1 ? "D" : "S") : k > 0 ? "L" : "F";
    if (a == 1 || (diff && k == 1)) cn__buf_printf(&nm, "%s_%s", op, var);
    else cn__buf_printf(&nm, "%s%d_%s", op, a, var);
    if (nm.failed) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
    name = nm.data;
  }
  if (cn_table_find(*t, name) >= 0) {
    st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists", name);
    cn_diag_hint(d, "pick another name with --name");
    goto done;
  }
  int64_t n = cn_table_nrow(*t);
  x = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
  y = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *y);
  if (!x || !y) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int64_t i = 0; i < n; i++) x[i] = cn_table_get_num(*t, vc, i);
  if ((st = cn_panel_shift(*t, ic, tc, x, k, y, d)) != CN_OK) goto done;
  int64_t miss = 0;
  for (int64_t i = 0; i < n; i++) {
    if (diff) y[i] = x[i] - y[i];
    miss += isnan(y[i]);
  }
  if (n_missing) *n_missing = miss;
  int c = cn_table_add_column(*t, name, CN_DOUBLE, d);
  if (c < 0) {
    st = d ? d->code : CN_EINTERNAL;
    goto done;
  }
  memcpy(cn_table_dbl_mut(*t, c), y, (size_t)n * sizeof *y);
done:
  cn_free(x);
  cn_free(y);
  cn__buf_free(&nm);
  return st;
}
