/* lib/table/merge.c — Stata-style merge of two tables on key columns. */
#include <stdio.h>
#include <string.h>
#include "../base/base_int.h"
#include "prep_int.h"

/* Fails with CN_EDATA when ids[0..n) repeats a key: names the first repeat
 * (the earliest row whose key appeared before) and the earlier row. */
static cn_status check_unique(const cn_table *t, const int *cols, int nk, const int64_t *ids,
                              int64_t n, int64_t nid, const char *side, const char *type,
                              cn_diag *d) {
  int64_t *first = cn_malloc((size_t)(nid > 0 ? nid : 1) * sizeof *first);
  cn_status st = CN_OK;
  if (!first) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int64_t k = 0; k < nid; k++) first[k] = -1;
  for (int64_t i = 0; i < n; i++) {
    if (first[ids[i]] < 0) {
      first[ids[i]] = i;
      continue;
    }
    char key[600];
    cn__key_text(t, cols, nk, i, key, sizeof key);
    st = cn_diag_set(d, CN_EDATA,
                     "duplicate key in %s: rows %lld and %lld both have %s; merge %s needs a unique key there",
                     side, (long long)first[ids[i]] + 1, (long long)i + 1, key, type);
    break;
  }
  cn_free(first);
  return st;
}

cn_status cn_prep_merge(const cn_table *master, const cn_table *using_,
                        const cn_merge_opts *o, cn_table **out,
                        cn_merge_counts *c, cn_diag *d) {
  static const char *const type_names[] = {"1:1", "m:1", "1:m"};
  const char *mname = o->master_name ? o->master_name : "the master";
  const char *uname = o->using_name ? o->using_name : "the using table";
  int nk = o->n_keys, mk[64], uk[64];
  int64_t nm = cn_table_nrow(master), nu = cn_table_nrow(using_);
  int64_t *mid = NULL, *uid = NULL, *start = NULL, *bucket = NULL, *mrow = NULL, *urow = NULL;
  int64_t *mrg = NULL;
  unsigned char *used = NULL;
  cn__keyer *k = NULL;
  cn_table *r = NULL;
  cn_merge_counts cnt;
  cn_status st = CN_OK;
  memset(&cnt, 0, sizeof cnt);
  *out = NULL;
  cn_diag_clear(d);
  if (nk < 1 || nk > 64) return cn_diag_set(d, CN_EUSAGE, "merge needs 1 to 64 key columns");
  if (o->type < CN_MERGE_1_1 || o->type > CN_MERGE_1_M)
    return cn_diag_set(d, CN_EUSAGE, "unknown merge type");
  const char *type = type_names[o->type];
  for (int j = 0; j < nk; j++) {
    if ((mk[j] = cn_table_col(master, o->keys[j], mname, d)) < 0 ||
        (uk[j] = cn_table_col(using_, o->keys[j], uname, d)) < 0)
      return d ? d->code : CN_EDATA;
    bool mt = cn_table_type(master, mk[j]) == CN_STRING, ut = cn_table_type(using_, uk[j]) == CN_STRING;
    if (mt != ut)
      return cn_diag_set(d, CN_EDATA, "key \"%s\" is %s in %s but %s in %s", o->keys[j],
                         mt ? "text" : "a number", mname, ut ? "text" : "a number", uname);
  }
  if (!o->nogen && (cn_table_find(master, "_merge") >= 0 || cn_table_find(using_, "_merge") >= 0)) {
    st = cn_diag_set(d, CN_EUSAGE, "variable \"_merge\" already exists in %s",
                     cn_table_find(master, "_merge") >= 0 ? mname : uname);
    cn_diag_hint(d, "rename or drop it first");
    return st;
  }
  mid = cn_malloc((size_t)(nm > 0 ? nm : 1) * sizeof *mid);
  uid = cn_malloc((size_t)(nu > 0 ? nu : 1) * sizeof *uid);
  if (!mid || !uid || !(k = cn__keyer_new(nk))) goto oom;
  if ((st = cn__keyer_ids(k, master, mk, mid, d)) != CN_OK ||
      (st = cn__keyer_ids(k, using_, uk, uid, d)) != CN_OK)
    goto done;
  int64_t nid = cn__keyer_count(k);
  if (o->type != CN_MERGE_M_1 &&
      (st = check_unique(master, mk, nk, mid, nm, nid, mname, type, d)) != CN_OK) {
    if (o->type == CN_MERGE_1_1) cn_diag_hint(d, "use --type m:1 when many master rows share a key");
    goto done;
  }
  if (o->type != CN_MERGE_1_M &&
      (st = check_unique(using_, uk, nk, uid, nu, nid, uname, type, d)) != CN_OK)
    goto done;
  /* using rows by key: counting sort */
  start = cn_calloc((size_t)nid + 1, sizeof *start);
  bucket = cn_malloc((size_t)(nu > 0 ? nu : 1) * sizeof *bucket);
  used = cn_calloc((size_t)(nu > 0 ? nu : 1), 1);
  if (!start || !bucket || !used) goto oom;
  for (int64_t j = 0; j < nu; j++) start[uid[j] + 1]++;
  for (int64_t g = 0; g < nid; g++) start[g + 1] += start[g];
  for (int64_t j = 0; j < nu; j++) bucket[start[uid[j]]++] = j;
  for (int64_t g = nid; g > 0; g--) start[g] = start[g - 1];
  start[0] = 0;
  /* output rows: worst case every master row times its bucket, plus using */
  int64_t cap = nu;
  for (int64_t i = 0; i < nm; i++) {
    int64_t b = start[mid[i] + 1] - start[mid[i]];
    cap += b > 0 ? b : 1;
  }
  mrow = cn_malloc((size_t)(cap > 0 ? cap : 1) * sizeof *mrow);
  urow = cn_malloc((size_t)(cap > 0 ? cap : 1) * sizeof *urow);
  mrg = cn_malloc((size_t)(cap > 0 ? cap : 1) * sizeof *mrg);
  if (!mrow || !urow || !mrg) goto oom;
  int keep = o->keep ? o->keep : CN_MERGE_KEEP_MASTER | CN_MERGE_KEEP_USING | CN_MERGE_KEEP_MATCH;
  int64_t n = 0;
  for (int64_t i = 0; i < nm; i++) {
    int64_t a = start[mid[i]], b = start[mid[i] + 1];
    if (a == b) {
      cnt.master_only++;
      if (!(keep & CN_MERGE_KEEP_MASTER)) continue;
      mrow[n] = i, urow[n] = -1, mrg[n++] = 1;
      continue;
    }
    for (int64_t q = a; q < b; q++) {
      used[bucket[q]] = 1;
      cnt.matched++;
      if (!(keep & CN_MERGE_KEEP_MATCH)) continue;
      mrow[n] = i, urow[n] = bucket[q], mrg[n++] = 3;
    }
  }
  for (int64_t j = 0; j < nu; j++) {
    if (used[j]) continue;
    cnt.using_only++;
    if (!(keep & CN_MERGE_KEEP_USING)) continue;
    mrow[n] = -1, urow[n] = j, mrg[n++] = 2;
  }
  cnt.dropped = cnt.master_only + cnt.matched + cnt.using_only - n;
  /* no key in common: the keys are written differently in the two tables
   * (codes with and without leading zeros, names with other spellings);
   * an error when nothing is left, else a warning naming the first keys */
  if (cnt.matched == 0 && nm > 0 && nu > 0) {
    char k1[300], k2[300];
    cn__key_text(master, mk, nk, 0, k1, sizeof k1);
    cn__key_text(using_, uk, nk, 0, k2, sizeof k2);
    if (n == 0) {
      st = cn_diag_set(d, CN_EDATA, "merge keeps no row: no key of %s is in %s (their first rows "
                       "have %s and %s)", mname, uname, k1, k2);
      if (c) *c = cnt;
      goto done;
    }
    cn__log(CN_LOG_WARN, "merge: no key of %s is in %s (their first rows have %s and %s)", mname,
            uname, k1, k2);
  } else if (n == 0 && nm + nu > 0) {
    st = cn_diag_set(d, CN_EDATA, "merge keeps no row: %lld matched, %lld from %s only and %lld "
                     "from %s only are all left out by what it keeps", (long long)cnt.matched,
                     (long long)cnt.master_only, mname, (long long)cnt.using_only, uname);
    if (c) *c = cnt;
    goto done;
  }
  if (!(r = cn_table_new(n))) goto oom;
  for (int j = 0; j < cn_table_ncol(master); j++) {
    int key = -1;
    for (int q = 0; q < nk; q++)
      if (mk[q] == j) key = q;
    st = key >= 0 ? cn__take_col(r, cn_table_name(master, j), master, j, mrow, using_, uk[key], urow, d)
                  : cn__take_col(r, cn_table_name(master, j), master, j, mrow, NULL, 0, NULL, d);
    if (st != CN_OK) goto done;
  }
  for (int j = 0; j < cn_table_ncol(using_); j++) {
    bool key = false;
    for (int q = 0; q < nk; q++) key |= uk[q] == j;
    if (key) continue;
    if (cn_table_find(master, cn_table_name(using_, j)) >= 0) {
      cnt.n_shared++;
      continue;
    }
    if ((st = cn__take_col(r, cn_table_name(using_, j), using_, j, urow, NULL, 0, NULL, d)) != CN_OK)
      goto done;
  }
  int mc = o->nogen ? -2 : cn_table_add_column(r, "_merge", CN_INT64, d);
  if (mc == -2) {
    *out = r;
    r = NULL;
    if (c) *c = cnt;
    goto done;
  }
  if (mc < 0) {
    st = d ? d->code : CN_EINTERNAL;
    goto done;
  }
  memcpy(cn_table_i64_mut(r, mc), mrg, (size_t)n * sizeof *mrg);
  {
    static const double vals[] = {1, 2, 3};
    static const char *const labs[] = {"master only (1)", "using only (2)", "matched (3)"};
    if (cn_table_set_value_labels(r, mc, "_merge", 3, vals, labs) != CN_OK) goto oom;
  }
  *out = r;
  r = NULL;
  if (c) *c = cnt;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_table_free(r);
  cn__keyer_free(k);
  cn_free(mid);
  cn_free(uid);
  cn_free(start);
  cn_free(bucket);
  cn_free(used);
  cn_free(mrow);
  cn_free(urow);
  cn_free(mrg);
  return st;
}
