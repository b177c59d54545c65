/* lib/table/reshape.c — Stata's reshape long (STUB+j columns into rows)
 * and reshape wide (rows into STUB+j columns). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../base/base_int.h"
#include "prep_int.h"

/* One j value: an integer or a text (jstring), with its suffix text. */
typedef struct jval {
  int64_t num;
  char *text;
} jval;

static int cmp_jnum(const void *a, const void *b) {
  int64_t x = ((const jval *)a)->num, y = ((const jval *)b)->num;
  return (x > y) - (x < y);
}
static int cmp_jtext(const void *a, const void *b) {
  return strcmp(((const jval *)a)->text, ((const jval *)b)->text);
}

static void jvals_free(jval *j, int64_t n) {
  for (int64_t k = 0; j && k < n; k++) cn_free(j[k].text);
  cn_free(j);
}

/* Merge sort of rows by cols, as in collapse.c (kept local: tiny). */
static void msort(const cn_table *t, const int *cols, int nc, int64_t *a, int64_t *tmp, int64_t n) {
  if (n < 2) return;
  int64_t h = n / 2, i = 0, j = h, k = 0;
  msort(t, cols, nc, a, tmp, h);
  msort(t, cols, nc, a + h, tmp, n - h);
  while (i < h && j < n) tmp[k++] = cn__row_cmp(t, cols, nc, a[j], a[i]) < 0 ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, (size_t)n * sizeof *a);
}

/* The i columns; CN_EDATA naming two rows when they do not identify the
 * rows of t uniquely. With j >= 0 the pair (i, j) must be unique instead. */
static cn_status check_unique(const cn_table *t, const int *icols, int ni, int j, cn_diag *d) {
  int64_t n = cn_table_nrow(t);
  int cols[65];
  int nc = ni;
  memcpy(cols, icols, (size_t)ni * sizeof *cols);
  if (j >= 0) cols[nc++] = j;
  int64_t *ids = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *ids), *first = NULL;
  cn__keyer *k = cn__keyer_new(nc);
  cn_status st = CN_OK;
  if (!ids || !k) goto oom;
  if ((st = cn__keyer_ids(k, t, cols, ids, d)) != CN_OK) goto done;
  if (!(first = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *first))) goto oom;
  for (int64_t i = 0; i < n; i++) first[i] = -1;
  for (int64_t i = 0; i < n; i++) {
    if (first[ids[i]] < 0) {
      first[ids[i]] = i;
      continue;
    }
    char key[512];
    cn__key_text(t, cols, nc, i, key, sizeof key);
    st = cn_diag_set(d, CN_EDATA, "rows %lld and %lld both have %s; %s", (long long)first[ids[i]] + 1,
                     (long long)i + 1, key,
                     j >= 0 ? "each (i, j) must be one row" : "i must identify the rows");
    goto done;
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__keyer_free(k);
  cn_free(ids);
  cn_free(first);
  return st;
}

/* Whether s is an integer suffix ("1990", "-1"); its value in *v. */
static bool int_suffix(const char *s, int64_t *v) {
  return *s && cn__parse_int64(s, strlen(s), v);
}

cn_status cn_prep_reshape_long(const cn_table *t, const char *const *stubs,
                               int n_stubs, const char *const *i, int n_i,
                               const char *j, int jstring, cn_table **out,
                               cn_diag *d) {
  int nc = cn_table_ncol(t), icols[64];
  int64_t nw = cn_table_nrow(t), nj = 0;
  size_t capj = 0;
  int *stub_of = NULL; /* per column: its stub, or -1 */
  jval *js = NULL;
  int64_t *rows = NULL, *tmp = NULL, *map = NULL, *colj = NULL;
  cn_table *r = NULL;
  cn_status st = CN_OK;
  *out = NULL;
  cn_diag_clear(d);
  if (n_i < 1 || n_i > 64) return cn_diag_set(d, CN_EUSAGE, "reshape needs 1 to 64 i variables");
  if (n_stubs < 1) return cn_diag_set(d, CN_EUSAGE, "reshape needs at least one stub");
  for (int k = 0; k < n_i; k++)
    if ((icols[k] = cn__col_need(t, i[k], "i", d)) < 0) return CN_EDATA;
  if (cn_table_find(t, j) >= 0) {
    st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists; reshape long makes j", j);
    cn_diag_hint(d, "pick another j name");
    return st;
  }
  if (!(stub_of = cn_malloc((size_t)(nc > 0 ? nc : 1) * sizeof *stub_of))) goto oom;
  for (int c = 0; c < nc; c++) stub_of[c] = -1;
  for (int s = 0; s < n_stubs; s++) {
    size_t ls = strlen(stubs[s]);
    int found = 0;
    cn_type ty = CN_INT64;
    if (cn_table_find(t, stubs[s]) >= 0) {
      st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists; reshape long makes it from %s*",
                       stubs[s], stubs[s]);
      goto done;
    }
    for (int c = 0; c < nc; c++) {
      const char *name = cn_table_name(t, c);
      int64_t v = 0;
      bool ic = false;
      for (int k = 0; k < n_i; k++) ic |= icols[k] == c;
      if (ic || strncmp(name, stubs[s], ls) || !name[ls]) continue;
      if (!jstring && !int_suffix(name + ls, &v)) continue;
      if (stub_of[c] >= 0) {
        st = cn_diag_set(d, CN_EUSAGE, "column \"%s\" fits the stubs \"%s\" and \"%s\"", name,
                         stubs[stub_of[c]], stubs[s]);
        goto done;
      }
      cn_type tc = cn_table_type(t, c);
      if (found && (tc == CN_STRING) != (ty == CN_STRING)) {
        st = cn_diag_set(d, CN_EDATA, "stub \"%s\": column \"%s\" is %s, others are %s", stubs[s], name,
                         tc == CN_STRING ? "text" : "numbers", ty == CN_STRING ? "text" : "numbers");
        cn_diag_hint(d, "'coinnet data destring' converts the text columns first");
        goto done;
      }
      if (!found || tc == CN_DOUBLE) ty = tc;
      found++;
      stub_of[c] = s;
      /* the j value, once */
      const char *suf = name + ls;
      bool have = false;
      for (int64_t q = 0; q < nj && !have; q++)
        have = jstring ? !strcmp(js[q].text, suf) : js[q].num == v;
      if (have) continue;
      if (!cn__grow((void **)&js, &capj, (size_t)nj + 1, sizeof *js)) goto oom;
      js[nj].num = v;
      if (!(js[nj].text = cn_strdup(suf))) goto oom;
      nj++;
    }
    if (!found) {
      st = cn_diag_set(d, CN_EUSAGE, "no column is stub \"%s\" followed by %s", stubs[s],
                       jstring ? "a suffix" : "a number");
      if (!jstring) cn_diag_hint(d, "--string takes any suffix as j (text)");
      goto done;
    }
  }
  qsort(js, (size_t)nj, sizeof *js, jstring ? cmp_jtext : cmp_jnum);
  if ((st = check_unique(t, icols, n_i, -1, d)) != CN_OK) goto done;
  rows = cn_malloc((size_t)(nw > 0 ? nw : 1) * sizeof *rows);
  tmp = cn_malloc((size_t)(nw > 0 ? nw : 1) * sizeof *tmp);
  map = cn_malloc((size_t)(nw * nj > 0 ? nw * nj : 1) * sizeof *map);
  colj = cn_malloc((size_t)(nj > 0 ? nj : 1) * sizeof *colj);
  if (!rows || !tmp || !map || !colj) goto oom;
  for (int64_t q = 0; q < nw; q++) rows[q] = q;
  msort(t, icols, n_i, rows, tmp, nw);
  for (int64_t q = 0; q < nw; q++)
    for (int64_t k = 0; k < nj; k++) map[q * nj + k] = rows[q];
  if (!(r = cn_table_new(nw * nj))) goto oom;
  for (int k = 0; k < n_i; k++)
    if ((st = cn__take_col(r, i[k], t, icols[k], map, NULL, 0, NULL, d)) != CN_OK) goto done;
  int jc = cn_table_add_column(r, j, jstring ? CN_STRING : CN_INT64, d);
  if (jc < 0) goto fail;
  for (int64_t q = 0; q < nw; q++)
    for (int64_t k = 0; k < nj; k++) {
      if (!jstring) cn_table_i64_mut(r, jc)[q * nj + k] = js[k].num;
      else if ((st = cn_table_set_str(r, jc, q * nj + k, js[k].text, d)) != CN_OK) goto done;
    }
  for (int s = 0; s < n_stubs; s++) {
    /* colj[k]: the column of stub s for j value k, or -1 */
    cn_type ty = CN_INT64;
    for (int64_t k = 0; k < nj; k++) {
      colj[k] = -1;
      for (int c = 0; c < nc; c++) {
        if (stub_of[c] != s || strcmp(cn_table_name(t, c) + strlen(stubs[s]), js[k].text)) continue;
        colj[k] = c;
        if (cn_table_type(t, c) != CN_INT64) ty = cn_table_type(t, c);
      }
    }
    int dc = cn_table_add_column(r, stubs[s], ty, d);
    if (dc < 0) goto fail;
    for (int64_t q = 0; q < nw; q++)
      for (int64_t k = 0; k < nj; k++) {
        int64_t at = q * nj + k;
        int c = (int)colj[k];
        if (c < 0) continue;
        if (ty == CN_STRING) {
          const char *sv = cn_table_str(t, c, rows[q], NULL);
          if (sv && (st = cn_table_set_str(r, dc, at, sv, d)) != CN_OK) goto done;
        } else if (ty == CN_INT64) {
          cn_table_i64_mut(r, dc)[at] = cn_table_i64(t, c)[rows[q]];
        } else {
          cn_table_dbl_mut(r, dc)[at] = cn_table_get_num(t, c, rows[q]);
        }
      }
  }
  for (int c = 0; c < nc; c++) {
    bool ic = false;
    for (int k = 0; k < n_i; k++) ic |= icols[k] == c;
    if (ic || stub_of[c] >= 0) continue;
    if ((st = cn__take_col(r, cn_table_name(t, c), t, c, map, NULL, 0, NULL, d)) != CN_OK) goto done;
  }
  *out = r;
  r = NULL;
  goto done;
fail:
  st = d ? d->code : CN_EINTERNAL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_table_free(r);
  cn_free(stub_of);
  jvals_free(js, nj);
  cn_free(rows);
  cn_free(tmp);
  cn_free(map);
  cn_free(colj);
  return st;
}

cn_status cn_prep_reshape_wide(const cn_table *t, const char *const *stubs,
                               int n_stubs, const char *const *i, int n_i,
                               const char *j, cn_table **out, cn_diag *d) {
  int nc = cn_table_ncol(t), icols[64], scols[256];
  int64_t n = cn_table_nrow(t), ng = 0, nj = 0;
  size_t capj = 0;
  int64_t *gid = NULL, *jid = NULL, *first = NULL, *cell = NULL, *map = NULL, *tmp = NULL;
  int64_t *jfirst = NULL;
  jval *js = NULL;
  cn__keyer *ki = NULL, *kj = NULL;
  cn_table *r = NULL;
  cn_status st = CN_OK;
  char name[600], key[512];
  *out = NULL;
  cn_diag_clear(d);
  if (n_i < 1 || n_i > 64) return cn_diag_set(d, CN_EUSAGE, "reshape needs 1 to 64 i variables");
  if (n_stubs < 1 || n_stubs > 256) return cn_diag_set(d, CN_EUSAGE, "reshape needs 1 to 256 stubs");
  for (int k = 0; k < n_i; k++)
    if ((icols[k] = cn__col_need(t, i[k], "i", d)) < 0) return CN_EDATA;
  int jc = cn__col_need(t, j, "j", d);
  if (jc < 0) return CN_EDATA;
  for (int s = 0; s < n_stubs; s++)
    if ((scols[s] = cn__col_need(t, stubs[s], NULL, d)) < 0) return CN_EDATA;
  bool jtext = cn_table_type(t, jc) == CN_STRING;
  for (int64_t q = 0; q < n; q++) {
    double x = cn_table_get_num(t, jc, q);
    if (cn_table_is_na(t, jc, q))
      return cn_diag_set(d, CN_EDATA, "j \"%s\" is missing on row %lld", j, (long long)q + 1);
    if (!jtext && (x != floor(x) || fabs(x) > 9e15))
      return cn_diag_set(d, CN_EDATA, "j \"%s\" is not a whole number on row %lld (%g)", j,
                         (long long)q + 1, x);
  }
  if ((st = check_unique(t, icols, n_i, jc, d)) != CN_OK) return st;
  gid = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *gid);
  jid = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *jid);
  ki = cn__keyer_new(n_i);
  kj = cn__keyer_new(1);
  if (!gid || !jid || !ki || !kj) goto oom;
  if ((st = cn__keyer_ids(ki, t, icols, gid, d)) != CN_OK || (st = cn__keyer_ids(kj, t, &jc, jid, d)) != CN_OK)
    goto done;
  ng = cn__keyer_count(ki);
  int64_t nk = cn__keyer_count(kj);
  first = cn_malloc((size_t)(ng > 0 ? ng : 1) * sizeof *first);
  jfirst = cn_malloc((size_t)(nk > 0 ? nk : 1) * sizeof *jfirst);
  tmp = cn_malloc((size_t)(ng > 0 ? ng : 1) * sizeof *tmp);
  if (!first || !jfirst || !tmp) goto oom;
  for (int64_t g = 0; g < ng; g++) first[g] = -1;
  for (int64_t q = 0; q < nk; q++) jfirst[q] = -1;
  for (int64_t q = 0; q < n; q++) {
    if (first[gid[q]] < 0) first[gid[q]] = q;
    if (jfirst[jid[q]] < 0) jfirst[jid[q]] = q;
  }
  /* the j values in order; js[k].num keeps the keyer id of value k */
  if (!cn__grow((void **)&js, &capj, (size_t)(nk > 0 ? nk : 1), sizeof *js)) goto oom;
  for (int64_t q = 0; q < nk; q++) {
    char txt[64];
    const char *s = txt;
    if (jtext) s = cn_table_str(t, jc, jfirst[q], NULL);
    else snprintf(txt, sizeof txt, "%lld", (long long)cn_table_get_num(t, jc, jfirst[q]));
    js[q].num = jtext ? q : (int64_t)cn_table_get_num(t, jc, jfirst[q]);
    if (!(js[q].text = cn_strdup(s))) goto oom;
    nj++;
  }
  qsort(js, (size_t)nj, sizeof *js, jtext ? cmp_jtext : cmp_jnum);
  /* rank of each keyer id among the sorted j values */
  int64_t *jrank = cn_malloc((size_t)(nk > 0 ? nk : 1) * sizeof *jrank);
  if (!jrank) goto oom;
  for (int64_t q = 0; q < nk; q++) {
    const char *s = jtext ? cn_table_str(t, jc, jfirst[q], NULL) : NULL;
    int64_t v = jtext ? 0 : (int64_t)cn_table_get_num(t, jc, jfirst[q]);
    for (int64_t k = 0; k < nj; k++)
      if (jtext ? !strcmp(js[k].text, s) : js[k].num == v) jrank[q] = k;
  }
  for (int64_t q = 0; q < n; q++) jid[q] = jrank[jid[q]];
  cn_free(jrank);
  /* groups sorted by i */
  int64_t *order = cn_malloc((size_t)(ng > 0 ? ng : 1) * sizeof *order);
  if (!order) goto oom;
  memcpy(order, first, (size_t)ng * sizeof *order);
  msort(t, icols, n_i, order, tmp, ng);
  for (int64_t g = 0; g < ng; g++) tmp[gid[order[g]]] = g; /* tmp: id → output row */
  cn_free(order);
  /* the other columns must be constant within i */
  for (int c = 0; c < nc; c++) {
    bool skip = c == jc;
    for (int k = 0; k < n_i; k++) skip |= icols[k] == c;
    for (int s = 0; s < n_stubs; s++) skip |= scols[s] == c;
    for (int64_t q = 0; !skip && q < n; q++) {
      int64_t f = first[gid[q]];
      if (cn__row_cmp(t, &c, 1, f, q) == 0) continue;
      cn__key_text(t, icols, n_i, q, key, sizeof key);
      st = cn_diag_set(d, CN_EDATA, "variable \"%s\" is not constant within i (%s): rows %lld and %lld differ",
                       cn_table_name(t, c), key, (long long)f + 1, (long long)q + 1);
      cn_diag_hint(d, "name it as a stub too, or drop it before reshaping");
      goto done;
    }
  }
  /* the new names must be new */
  for (int s = 0; s < n_stubs; s++)
    for (int64_t k = 0; k < nj; k++) {
      snprintf(name, sizeof name, "%s%s", stubs[s], js[k].text);
      int c = cn_table_find(t, name);
      bool used = false;
      for (int s2 = 0; s2 < n_stubs; s2++) used |= scols[s2] == c;
      if (c >= 0 && !used && c != jc) {
        st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists; reshape wide makes it", name);
        goto done;
      }
    }
  cell = cn_malloc((size_t)(ng * nj > 0 ? ng * nj : 1) * sizeof *cell);
  map = cn_malloc((size_t)(ng > 0 ? ng : 1) * sizeof *map);
  if (!cell || !map) goto oom;
  for (int64_t q = 0; q < ng * nj; q++) cell[q] = -1;
  for (int64_t q = 0; q < n; q++) cell[tmp[gid[q]] * nj + jid[q]] = q;
  for (int64_t g = 0; g < ng; g++) map[tmp[g]] = first[g];
  if (!(r = cn_table_new(ng))) goto oom;
  for (int c = 0; c < nc; c++) {
    bool skip = c == jc;
    for (int s = 0; s < n_stubs; s++) skip |= scols[s] == c;
    if (skip) continue;
    if ((st = cn__take_col(r, cn_table_name(t, c), t, c, map, NULL, 0, NULL, d)) != CN_OK) goto done;
  }
  for (int s = 0; s < n_stubs; s++)
    for (int64_t k = 0; k < nj; k++) {
      for (int64_t g = 0; g < ng; g++) map[g] = cell[g * nj + k];
      snprintf(name, sizeof name, "%s%s", stubs[s], js[k].text);
      if ((st = cn__take_col(r, name, t, scols[s], map, NULL, 0, NULL, d)) != CN_OK) goto done;
    }
  *out = r;
  r = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_table_free(r);
  cn__keyer_free(ki);
  cn__keyer_free(kj);
  cn_free(gid);
  cn_free(jid);
  cn_free(first);
  cn_free(jfirst);
  cn_free(cell);
  cn_free(map);
  cn_free(tmp);
  jvals_free(js, nj);
  return st;
}
