/* lib/table/prep.c — data preparation: key ids, row gathering, gen, keep if,
 * percentiles and winsorizing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../base/base_int.h"
#include "prep_int.h"

/* ---- key ids ---- */

/* Open-addressing map (a, b) → dense id. */
typedef struct pairmap {
  uint64_t *ka, *kb;
  int64_t *val; /* -1 = empty */
  size_t cap, n;
} pairmap;

static uint64_t mix2(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  return h ^ (h >> 32);
}

static bool pairmap_grow(pairmap *m) {
  size_t cap = m->cap ? 2 * m->cap : 64;
  uint64_t *ka = cn_malloc(cap * sizeof *ka), *kb = cn_malloc(cap * sizeof *kb);
  int64_t *val = cn_malloc(cap * sizeof *val);
  if (!ka || !kb || !val) {
    cn_free(ka);
    cn_free(kb);
    cn_free(val);
    return false;
  }
  for (size_t i = 0; i < cap; i++) val[i] = -1;
  for (size_t i = 0; i < m->cap; i++) {
    if (m->val[i] < 0) continue;
    size_t s = mix2(m->ka[i], m->kb[i]) & (cap - 1);
    while (val[s] >= 0) s = (s + 1) & (cap - 1);
    ka[s] = m->ka[i];
    kb[s] = m->kb[i];
    val[s] = m->val[i];
  }
  cn_free(m->ka);
  cn_free(m->kb);
  cn_free(m->val);
  m->ka = ka;
  m->kb = kb;
  m->val = val;
  m->cap = cap;
  return true;
}

/* The id of (a, b), adding it when new; -1 when out of memory. */
static int64_t pairmap_id(pairmap *m, uint64_t a, uint64_t b) {
  if (2 * (m->n + 1) > m->cap && !pairmap_grow(m)) return -1;
  size_t s = mix2(a, b) & (m->cap - 1);
  while (m->val[s] >= 0) {
    if (m->ka[s] == a && m->kb[s] == b) return m->val[s];
    s = (s + 1) & (m->cap - 1);
  }
  m->ka[s] = a;
  m->kb[s] = b;
  m->val[s] = (int64_t)m->n;
  return (int64_t)m->n++;
}

struct cn__keyer {
  int ncols;
  pairmap *maps; /* one per key column: (previous id, value) → id */
  cn_strmap strs;
};

cn__keyer *cn__keyer_new(int ncols) {
  cn__keyer *k = cn_calloc(1, sizeof *k);
  if (!k) return NULL;
  k->ncols = ncols;
  k->maps = cn_calloc((size_t)(ncols > 0 ? ncols : 1), sizeof *k->maps);
  if (!k->maps) {
    cn_free(k);
    return NULL;
  }
  return k;
}

void cn__keyer_free(cn__keyer *k) {
  if (!k) return;
  for (int c = 0; c < k->ncols; c++) {
    cn_free(k->maps[c].ka);
    cn_free(k->maps[c].kb);
    cn_free(k->maps[c].val);
  }
  cn_free(k->maps);
  cn__strmap_free(&k->strs);
  cn_free(k);
}

int64_t cn__keyer_count(const cn__keyer *k) {
  return k->ncols ? (int64_t)k->maps[k->ncols - 1].n : 0;
}

/* Tags that keep kinds of values apart in the maps' first word. */
enum { TAG_INT = 0, TAG_DBL = 1, TAG_STR = 2, TAG_NA = 3 };

cn_status cn__keyer_ids(cn__keyer *k, const cn_table *t, const int *cols,
                        int64_t *ids, cn_diag *d) {
  int64_t n = cn_table_nrow(t);
  int32_t *lev = NULL;
  cn_status st = CN_OK;
  for (int64_t i = 0; i < n; i++) ids[i] = 0;
  for (int c = 0; c < k->ncols; c++) {
    int col = cols[c];
    cn_type ty = cn_table_type(t, col);
    if (ty == CN_STRING) {
      /* the keyer's id of each level of this column */
      int32_t nl = cn_table_nlevels(t, col);
      cn_free(lev);
      lev = cn_malloc((size_t)(nl > 0 ? nl : 1) * sizeof *lev);
      if (!lev) goto oom;
      for (int32_t l = 0; l < nl; l++) {
        const char *s = cn_table_level(t, col, l);
        if ((lev[l] = cn__strmap_intern(&k->strs, s, strlen(s))) < 0) goto oom;
      }
    }
    const double *dv = cn_table_dbl(t, col);
    const int64_t *iv = cn_table_i64(t, col);
    const int32_t *cv = cn_table_codes(t, col);
    for (int64_t i = 0; i < n; i++) {
      uint64_t tag, v;
      if (iv) {
        tag = iv[i] == CN_NA_INT64 ? TAG_NA : TAG_INT;
        v = tag == TAG_NA ? 0 : (uint64_t)iv[i];
      } else if (dv) {
        double x = dv[i];
        if (isnan(x)) tag = TAG_NA, v = 0;
        else if (x == trunc(x) && fabs(x) < 9.2e18) tag = TAG_INT, v = (uint64_t)(int64_t)x;
        else memcpy(&v, &x, sizeof v), tag = TAG_DBL;
      } else {
        tag = cv[i] < 0 ? TAG_NA : TAG_STR;
        v = cv[i] < 0 ? 0 : (uint64_t)lev[cv[i]];
      }
      int64_t id = pairmap_id(&k->maps[c], ((uint64_t)ids[i] << 2) | tag, v);
      if (id < 0) goto oom;
      ids[i] = id;
    }
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(lev);
  return st;
}

void cn__key_text(const cn_table *t, const int *cols, int ncols, int64_t row,
                  char *buf, size_t n) {
  size_t len = 0;
  buf[0] = '\0';
  for (int c = 0; c < ncols && len + 1 < n; c++) {
    char cell[128];
    cn_table_cell_text(t, cols[c], row, cell, sizeof cell);
    bool text = cn_table_type(t, cols[c]) == CN_STRING;
    int w = snprintf(buf + len, n - len, "%s%s = %s%s%s", c ? ", " : "",
                     cn_table_name(t, cols[c]), text ? "\"" : "",
                     cn_table_is_na(t, cols[c], row) && !text ? "." : cell,
                     text ? "\"" : "");
    if (w < 0) break;
    len += (size_t)w;
  }
}

/* ---- gathering rows ---- */

/* Copies variable label, format and value labels of column c of s. */
static cn_status copy_labels(cn_table *dst, int dc, const cn_table *s, int c) {
  const char *set = NULL;
  const double *vals = NULL;
  const char *const *labs = NULL;
  int nvl = cn_table_value_labels(s, c, &set, &vals, &labs);
  if ((cn_table_label(s, c) && cn_table_set_label(dst, dc, cn_table_label(s, c))) ||
      (cn_table_format(s, c) && cn_table_set_format(dst, dc, cn_table_format(s, c))) ||
      ((nvl || set) && cn_table_set_value_labels(dst, dc, set, nvl, vals, labs)))
    return CN_EINTERNAL;
  return CN_OK;
}

cn_status cn__copy_labels(cn_table *dst, int dc, const cn_table *s, int c) {
  return copy_labels(dst, dc, s, c);
}

cn_status cn__take_col(cn_table *dst, const char *name, const cn_table *s1,
                       int c1, const int64_t *r1, const cn_table *s2, int c2,
                       const int64_t *r2, cn_diag *d) {
  int64_t n = cn_table_nrow(dst);
  cn_type ty = s1 ? cn_table_type(s1, c1) : cn_table_type(s2, c2);
  if (s1 && s2 && ty == CN_INT64 && cn_table_type(s2, c2) == CN_DOUBLE) ty = CN_DOUBLE;
  int dc = cn_table_add_column(dst, name, ty, d);
  if (dc < 0) return d ? d->code : CN_EINTERNAL;
  for (int64_t i = 0; i < n; i++) {
    const cn_table *s = NULL;
    int c = 0;
    int64_t r = -1;
    if (s1 && (r = r1 ? r1[i] : i) >= 0) s = s1, c = c1;
    else if (s2 && (r = r2 ? r2[i] : i) >= 0) s = s2, c = c2;
    if (!s) continue;
    if (ty == CN_STRING) {
      int32_t k = cn_table_codes(s, c)[r];
      if (k >= 0) {
        cn_status st = cn_table_set_str(dst, dc, i, cn_table_level(s, c, k), d);
        if (st != CN_OK) return st;
      }
    } else if (ty == CN_INT64) {
      cn_table_i64_mut(dst, dc)[i] = cn_table_i64(s, c)[r];
    } else {
      cn_table_dbl_mut(dst, dc)[i] = cn_table_get_num(s, c, r);
    }
  }
  if (copy_labels(dst, dc, s1 ? s1 : s2, s1 ? c1 : c2) != CN_OK)
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  return CN_OK;
}

cn_status cn_prep_take(const cn_table *t, const int64_t *rows, int64_t n,
                       cn_table **out, cn_diag *d) {
  cn_table *r = cn_table_new(n);
  cn_status st = CN_OK;
  *out = NULL;
  if (!r) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int j = 0; j < cn_table_ncol(t); j++)
    if ((st = cn__take_col(r, cn_table_name(t, j), t, j, rows, NULL, 0, NULL, d)) != CN_OK)
      goto done;
  *out = r;
  r = NULL;
done:
  cn_table_free(r);
  return st;
}

/* A copy of t in which column `col` (if >= 0) holds the doubles v, or, when
 * col < 0, with a double column `name` holding v appended. */
static cn_status with_column(const cn_table *t, int col, const char *name,
                             const double *v, cn_table **out, cn_diag *d) {
  int64_t n = cn_table_nrow(t);
  cn_table *r = cn_table_new(n);
  cn_status st = CN_OK;
  if (!r) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int j = 0; j <= cn_table_ncol(t); j++) {
    if (j == cn_table_ncol(t) && col >= 0) break;
    if (j == col || j == cn_table_ncol(t)) {
      int dc = cn_table_add_column(r, j == col ? cn_table_name(t, j) : name, CN_DOUBLE, d);
      if (dc < 0) {
        st = d ? d->code : CN_EINTERNAL;
        goto done;
      }
      memcpy(cn_table_dbl_mut(r, dc), v, (size_t)n * sizeof *v);
      if (j == col && cn_table_label(t, j) && cn_table_set_label(r, dc, cn_table_label(t, j))) {
        st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      continue;
    }
    if ((st = cn__take_col(r, cn_table_name(t, j), t, j, NULL, NULL, 0, NULL, d)) != CN_OK)
      goto done;
  }
  *out = r;
  r = NULL;
done:
  cn_table_free(r);
  return st;
}

/* Stores the values v as column `name` of *t: appended in place when new,
 * in place of the old column otherwise (a double column is overwritten). */
static cn_status store_column(cn_table **t, const char *name, const double *v, cn_diag *d) {
  int col = cn_table_find(*t, name);
  int64_t n = cn_table_nrow(*t);
  if (col >= 0 && cn_table_type(*t, col) == CN_DOUBLE) {
    memcpy(cn_table_dbl_mut(*t, col), v, (size_t)n * sizeof *v);
    return CN_OK;
  }
  if (col < 0) {
    int dc = cn_table_add_column(*t, name, CN_DOUBLE, d);
    if (dc < 0) return d ? d->code : CN_EINTERNAL;
    memcpy(cn_table_dbl_mut(*t, dc), v, (size_t)n * sizeof *v);
    return CN_OK;
  }
  cn_table *r = NULL;
  cn_status st = with_column(*t, col, name, v, &r, d);
  if (st != CN_OK) return st;
  cn_table_free(*t);
  *t = r;
  return CN_OK;
}

/* ---- gen, keep ---- */

cn_status cn_prep_gen(cn_table **t, const char *name, const char *expr,
                      int replace, int64_t *n_missing, cn_diag *d) {
  cn_expr *e = NULL;
  double *v = NULL;
  cn_status st;
  cn_diag_clear(d);
  if (!name || !*name) return cn_diag_set(d, CN_EUSAGE, "the new variable needs a name");
  if (!replace && cn_table_find(*t, name) >= 0) {
    st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists", name);
    cn_diag_hint(d, "use --replace to overwrite it, or pick another name");
    return st;
  }
  if ((st = cn_expr_parse(expr, *t, &e, d)) != CN_OK) goto done;
  int64_t n = cn_table_nrow(*t);
  v = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  if (!v) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if ((st = cn_expr_eval(e, *t, v, d)) != CN_OK) goto done;
  if (n_missing) {
    *n_missing = 0;
    for (int64_t i = 0; i < n; i++) *n_missing += isnan(v[i]);
  }
  st = store_column(t, name, v, d);
done:
  cn_free(v);
  cn_expr_free(e);
  return st;
}

cn_status cn_prep_keep(const cn_table *t, const char *expr, cn_table **out,
                       cn_keep_counts *c, cn_diag *d) {
  cn_expr *e = NULL;
  double *v = NULL;
  int64_t *rows = NULL, k = 0, miss = 0;
  int64_t n = cn_table_nrow(t);
  cn_status st;
  *out = NULL;
  cn_diag_clear(d);
  if ((st = cn_expr_parse(expr, t, &e, d)) != CN_OK) goto done;
  v = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  rows = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *rows);
  if (!v || !rows) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if ((st = cn_expr_eval(e, t, v, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < n; i++) {
    if (isnan(v[i])) miss++;
    else if (v[i] != 0) rows[k++] = i;
  }
  if (c) {
    c->kept = k;
    c->dropped = n - k;
    c->dropped_missing = miss;
  }
  /* a filter that keeps nothing is a mistake (a typo in a value, a
   * condition on the wrong variable), not an empty result */
  if (n > 0 && k == 0) {
    st = cn_diag_set(d, CN_EDATA, "keep if %s: no row satisfies the condition (false in %lld of "
                     "the %lld rows, missing in %lld)", expr, (long long)(n - miss), (long long)n,
                     (long long)miss);
    goto done;
  }
  if ((st = cn_prep_take(t, rows, k, out, d)) != CN_OK) goto done;
done:
  cn_free(rows);
  cn_free(v);
  cn_expr_free(e);
  return st;
}

/* ---- percentiles and winsorizing ---- */

double cn_pctile_sorted(const double *x, int64_t n, double p) {
  if (n <= 0) return NAN;
  double P = (double)n * p / 100;
  if (P <= 0) return x[0];
  if (P >= (double)n) return x[n - 1];
  double r = round(P);
  /* P is an integer (up to the rounding of n p / 100 in binary) */
  if (fabs(P - r) <= 1e-9 * (r > 1 ? r : 1)) {
    int64_t k = (int64_t)r; /* 1 <= k < n */
    return (x[k - 1] + x[k]) / 2;
  }
  return x[(int64_t)ceil(P) - 1];
}

typedef struct gv {
  int64_t g;
  double v;
} gv;

static int cmp_gv(const void *a, const void *b) {
  const gv *x = a, *y = b;
  if (x->g != y->g) return x->g < y->g ? -1 : 1;
  return (x->v > y->v) - (x->v < y->v);
}

void cn_winsor_opts_init(cn_winsor_opts *o) {
  memset(o, 0, sizeof *o);
  o->lo = 1;
  o->hi = 99;
}

cn_status cn_winsor_column(const cn_table *t, int col, const int *by, int n_by,
                           double lo, double hi, int trim, double *out,
                           cn_winsor_counts *c, cn_diag *d) {
  int64_t n = cn_table_nrow(t), m = 0, ng = 1;
  int64_t *gid = NULL;
  gv *s = NULL;
  double *vals = NULL, *blo = NULL, *bhi = NULL;
  cn__keyer *k = NULL;
  cn_status st = CN_OK;
  cn_winsor_counts cnt = {0, 0, 0, NAN, NAN};
  if (cn_table_type(t, col) == CN_STRING)
    return cn_diag_set(d, CN_EUSAGE, "variable \"%s\" is text; winsorizing needs numbers",
                       cn_table_name(t, col));
  if (!(lo >= 0 && lo < hi && hi <= 100))
    return cn_diag_set(d, CN_EUSAGE, "cuts must satisfy 0 <= low < high <= 100 (got %g %g)", lo, hi);
  gid = cn_calloc((size_t)(n > 0 ? n : 1), sizeof *gid);
  s = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
  vals = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *vals);
  if (!gid || !s || !vals) goto oom;
  if (n_by > 0) {
    if (!(k = cn__keyer_new(n_by))) goto oom;
    if ((st = cn__keyer_ids(k, t, by, gid, d)) != CN_OK) goto done;
    ng = cn__keyer_count(k);
  }
  for (int64_t i = 0; i < n; i++) {
    double x = cn_table_get_num(t, col, i);
    if (isnan(x)) continue;
    s[m].g = gid[i];
    s[m++].v = x;
  }
  qsort(s, (size_t)m, sizeof *s, cmp_gv);
  blo = cn_malloc((size_t)(ng > 0 ? ng : 1) * sizeof *blo);
  bhi = cn_malloc((size_t)(ng > 0 ? ng : 1) * sizeof *bhi);
  if (!blo || !bhi) goto oom;
  for (int64_t g = 0; g < ng; g++) blo[g] = bhi[g] = NAN;
  for (int64_t a = 0, b; a < m; a = b) {
    for (b = a; b < m && s[b].g == s[a].g; b++) vals[b - a] = s[b].v;
    blo[s[a].g] = cn_pctile_sorted(vals, b - a, lo);
    bhi[s[a].g] = cn_pctile_sorted(vals, b - a, hi);
  }
  for (int64_t i = 0; i < n; i++) {
    double x = cn_table_get_num(t, col, i);
    int64_t g = gid[i];
    if (isnan(x)) cnt.missing++;
    else if (x < blo[g]) {
      cnt.low++;
      x = trim ? NAN : blo[g];
    } else if (x > bhi[g]) {
      cnt.high++;
      x = trim ? NAN : bhi[g];
    }
    out[i] = x;
  }
  if (n_by == 0) {
    cnt.lo = blo[0];
    cnt.hi = bhi[0];
  }
  if (c) *c = cnt;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__keyer_free(k);
  cn_free(gid);
  cn_free(s);
  cn_free(vals);
  cn_free(blo);
  cn_free(bhi);
  return st;
}

cn_status cn_prep_winsor(cn_table **t, const char *const *vars, int nvars,
                         const cn_winsor_opts *o, cn_winsor_counts *counts,
                         cn_diag *d) {
  cn_winsor_opts def;
  int by[64];
  double *v = NULL;
  cn_status st = CN_OK;
  cn_buf name = {0}; /* an output name, whole for a variable of any length */
  cn_diag_clear(d);
  if (!o) {
    cn_winsor_opts_init(&def);
    o = &def;
  }
  if (o->n_by > 64) return cn_diag_set(d, CN_EUSAGE, "at most 64 group variables");
  for (int g = 0; g < o->n_by; g++)
    if ((by[g] = cn_table_col(*t, o->by[g], "the data for --by", d)) < 0) return CN_EDATA;
  const char *suffix = o->suffix ? o->suffix : o->trim ? "_tr" : "_w";
  /* check every name first so that nothing changes on error */
  for (int j = 0; j < nvars; j++) {
    int col = cn_table_col(*t, vars[j], "the data", d);
    if (col < 0) return CN_EDATA;
    if (cn_table_type(*t, col) == CN_STRING)
      return cn_diag_set(d, CN_EUSAGE, "variable \"%s\" is text; winsorizing needs numbers", vars[j]);
    name.len = 0;
    if (!cn__buf_printf(&name, "%s%s", vars[j], suffix)) goto oom;
    if (!o->replace && cn_table_find(*t, name.data) >= 0) {
      st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists", name.data);
      cn_diag_hint(d, "pick another --suffix, or --replace the variables");
      goto done;
    }
  }
  int64_t n = cn_table_nrow(*t);
  v = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  if (!v) goto oom;
  for (int j = 0; j < nvars; j++) {
    int col = cn_table_find(*t, vars[j]);
    if ((st = cn_winsor_column(*t, col, by, o->n_by, o->lo, o->hi, o->trim, v,
                               counts ? &counts[j] : NULL, d)) != CN_OK)
      break;
    name.len = 0;
    if (!cn__buf_printf(&name, "%s%s", vars[j], o->replace ? "" : suffix)) goto oom;
    if ((st = store_column(t, name.data, v, d)) != CN_OK) break;
    /* the group columns may have moved when the table was rebuilt */
    for (int g = 0; g < o->n_by; g++) by[g] = cn_table_find(*t, o->by[g]);
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__buf_free(&name);
  cn_free(v);
  return st;
}
