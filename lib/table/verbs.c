/* lib/table/verbs.c — the column verbs Stata users reach for: rename,
 * keep / drop of columns, append, duplicates report / drop, destring; and
 * the helpers the verbs share (a column looked up with "did you mean",
 * Stata's sort order, an if-mask). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "table_int.h"
#include "prep_int.h"

/* ---- shared helpers ---- */

int cn__col_need(const cn_table *t, const char *name, const char *what, cn_diag *d) {
  char where[160];
  if (what) snprintf(where, sizeof where, "the data (for %s)", what);
  return cn_table_col(t, name, what ? where : "the data", d);
}

int cn__row_cmp(const cn_table *t, const int *cols, int ncols, int64_t a, int64_t b) {
  for (int k = 0; k < ncols; k++) {
    int c = cols[k];
    cn_type ty = cn_table_type(t, c);
    if (ty == CN_STRING) {
      size_t la = 0, lb = 0;
      const char *sa = cn_table_str(t, c, a, &la), *sb = cn_table_str(t, c, b, &lb);
      if (!sa) sa = "", la = 0;
      if (!sb) sb = "", lb = 0;
      int r = memcmp(sa, sb, la < lb ? la : lb);
      if (r) return r;
      if (la != lb) return la < lb ? -1 : 1;
    } else if (ty == CN_INT64) {
      int64_t x = cn_table_i64(t, c)[a], y = cn_table_i64(t, c)[b];
      if (x == y) continue;
      if (x == CN_NA_INT64) return 1; /* missing last */
      if (y == CN_NA_INT64) return -1;
      return x < y ? -1 : 1;
    } else {
      double x = cn_table_dbl(t, c)[a], y = cn_table_dbl(t, c)[b];
      if (isnan(x) && isnan(y)) continue;
      if (isnan(x)) return 1;
      if (isnan(y)) return -1;
      if (x != y) return x < y ? -1 : 1;
    }
  }
  return 0;
}

cn_status cn__if_mask(const cn_table *t, const char *expr, unsigned char *use,
                      int64_t *dropped, cn_diag *d) {
  int64_t n = cn_table_nrow(t), k = 0;
  cn_expr *e = NULL;
  double *v = NULL;
  cn_status st = CN_OK;
  if (!expr) {
    memset(use, 1, (size_t)n);
    if (dropped) *dropped = 0;
    return CN_OK;
  }
  if ((st = cn_expr_parse(expr, t, &e, d)) != CN_OK) goto done;
  if (!(v = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *v))) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if ((st = cn_expr_eval(e, t, v, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < n; i++) {
    use[i] = !isnan(v[i]) && v[i] != 0;
    k += !use[i];
  }
  if (dropped) *dropped = k;
done:
  cn_free(v);
  cn_expr_free(e);
  return st;
}

/* ---- rename ---- */

cn_status cn_prep_rename(cn_table *t, const char *const *from,
                         const char *const *to, int n, cn_diag *d) {
  int *cols = NULL;
  char **names = NULL;
  cn_status st = CN_OK;
  cn_diag_clear(d);
  cols = cn_calloc((size_t)(n > 0 ? n : 1), sizeof *cols);
  names = cn_calloc((size_t)(n > 0 ? n : 1), sizeof *names);
  if (!cols || !names) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  /* check everything first, so that an error renames nothing */
  for (int k = 0; k < n; k++) {
    if ((cols[k] = cn__col_need(t, from[k], NULL, d)) < 0) {
      st = CN_EDATA;
      goto done;
    }
    if (!to[k][0]) {
      st = cn_diag_set(d, CN_EUSAGE, "the new name of \"%s\" is empty", from[k]);
      goto done;
    }
    for (int m = 0; m < k; m++) {
      if (cols[m] == cols[k]) {
        st = cn_diag_set(d, CN_EUSAGE, "\"%s\" is renamed twice", from[k]);
        goto done;
      }
      if (!strcmp(to[m], to[k])) {
        st = cn_diag_set(d, CN_EUSAGE, "two variables would be called \"%s\"", to[k]);
        goto done;
      }
    }
    int other = cn_table_find(t, to[k]);
    bool moved = false; /* the column called to[k] now is itself renamed */
    for (int m = 0; m < n && other >= 0 && !moved; m++) moved = !strcmp(from[m], to[k]);
    if (other >= 0 && other != cols[k] && !moved) {
      st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists", to[k]);
      cn_diag_hint(d, "drop it first, or pick another name");
      goto done;
    }
    if (!(names[k] = cn_strdup(to[k]))) {
      st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
  }
  for (int k = 0; k < n; k++) {
    cn_free(t->cols[cols[k]]->name);
    t->cols[cols[k]]->name = names[k];
    names[k] = NULL;
  }
done:
  for (int k = 0; names && k < n; k++) cn_free(names[k]);
  cn_free(names);
  cn_free(cols);
  return st;
}

/* ---- keep / drop columns ---- */

/* Whether s matches the pattern p with * (any text) and ? (one byte). */
static bool glob_match(const char *p, const char *s) {
  if (!*p) return !*s;
  if (*p == '*') {
    for (;; s++) {
      if (glob_match(p + 1, s)) return true;
      if (!*s) return false;
    }
  }
  return *s && (*p == '?' || *p == *s) && glob_match(p + 1, s + 1);
}

cn_status cn_prep_select(const cn_table *t, const char *const *names, int n,
                         int drop, cn_table **out, cn_diag *d) {
  int nc = cn_table_ncol(t);
  unsigned char *named = cn_calloc((size_t)(nc > 0 ? nc : 1), 1);
  cn_table *r = NULL;
  cn_status st = CN_OK;
  int kept = 0;
  *out = NULL;
  cn_diag_clear(d);
  if (!named) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int k = 0; k < n; k++) {
    if (strpbrk(names[k], "*?")) {
      bool any = false;
      for (int j = 0; j < nc; j++)
        if (glob_match(names[k], cn_table_name(t, j))) named[j] = 1, any = true;
      if (!any) {
        st = cn_diag_set(d, CN_EUSAGE, "no variable matches \"%s\"", names[k]);
        goto done;
      }
      continue;
    }
    int c = cn__col_need(t, names[k], NULL, d);
    if (c < 0) {
      st = CN_EDATA;
      goto done;
    }
    named[c] = 1;
  }
  for (int j = 0; j < nc; j++) kept += named[j] != drop;
  if (!kept) {
    st = cn_diag_set(d, CN_EUSAGE, drop ? "dropping every variable leaves nothing" : "no variable to keep");
    goto done;
  }
  if (!(r = cn_table_new(cn_table_nrow(t)))) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int j = 0; j < nc; j++)
    if (named[j] != drop &&
        (st = cn__take_col(r, cn_table_name(t, j), t, j, NULL, NULL, 0, NULL, d)) != CN_OK)
      goto done;
  *out = r;
  r = NULL;
done:
  cn_table_free(r);
  cn_free(named);
  return st;
}

/* ---- drop if ---- */

cn_status cn_prep_drop_if(const cn_table *t, const char *expr, cn_table **out,
                          cn_keep_counts *c, cn_diag *d) {
  int64_t n = cn_table_nrow(t), k = 0, miss = 0;
  cn_expr *e = NULL;
  double *v = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  int64_t *rows = cn_malloc((size_t)(n > 0 ? n : 1) * sizeof *rows);
  cn_status st = CN_OK;
  *out = NULL;
  cn_diag_clear(d);
  if (!v || !rows) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if ((st = cn_expr_parse(expr, t, &e, d)) != CN_OK || (st = cn_expr_eval(e, t, v, d)) != CN_OK)
    goto done;
  for (int64_t i = 0; i < n; i++) {
    if (isnan(v[i])) miss++;
    if (isnan(v[i]) || v[i] == 0) rows[k++] = i;
  }
  if ((st = cn_prep_take(t, rows, k, out, d)) != CN_OK) goto done;
  if (c) {
    c->kept = k;
    c->dropped = n - k;
    c->dropped_missing = miss;
  }
done:
  cn_expr_free(e);
  cn_free(v);
  cn_free(rows);
  return st;
}

/* ---- append ---- */

cn_status cn_prep_append(const cn_table *const *tabs, const char *const *names,
                         int n, const char *gen, cn_table **out, cn_diag *d) {
  int64_t total = 0;
  cn_table *r = NULL;
  cn_status st = CN_OK;
  char na[32], nb[32];
  *out = NULL;
  cn_diag_clear(d);
  for (int k = 0; k < n; k++) total += cn_table_nrow(tabs[k]);
  if (!(r = cn_table_new(total))) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int k = 0; k < n; k++)
    for (int j = 0; j < cn_table_ncol(tabs[k]); j++) {
      const char *name = cn_table_name(tabs[k], j);
      if (cn_table_find(r, name) >= 0) continue;
      /* the first table with this column decides, the others must agree */
      cn_type ty = cn_table_type(tabs[k], j);
      for (int m = k + 1; m < n; m++) {
        int c = cn_table_find(tabs[m], name);
        if (c < 0) continue;
        cn_type tm = cn_table_type(tabs[m], c);
        if ((tm == CN_STRING) != (ty == CN_STRING)) {
          snprintf(na, sizeof na, "table %d", k + 1);
          snprintf(nb, sizeof nb, "table %d", m + 1);
          st = cn_diag_set(d, CN_EDATA, "variable \"%s\" is %s in %s but %s in %s", name,
                           ty == CN_STRING ? "text" : "a number", names ? names[k] : na,
                           tm == CN_STRING ? "text" : "a number", names ? names[m] : nb);
          cn_diag_hint(d, "'coinnet data destring' turns text into numbers");
          goto done;
        }
        if (tm == CN_DOUBLE) ty = CN_DOUBLE;
      }
      int dc = cn_table_add_column(r, name, ty, d);
      if (dc < 0) {
        st = d ? d->code : CN_EINTERNAL;
        goto done;
      }
      if (cn__copy_labels(r, dc, tabs[k], j) != CN_OK) {
        st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      int64_t at = 0;
      for (int m = 0; m < n; m++) {
        int c = cn_table_find(tabs[m], name);
        int64_t nr = cn_table_nrow(tabs[m]);
        for (int64_t i = 0; c >= 0 && i < nr; i++) {
          if (ty == CN_STRING) {
            const char *s = cn_table_str(tabs[m], c, i, NULL);
            if (s && (st = cn_table_set_str(r, dc, at + i, s, d)) != CN_OK) goto done;
          } else if (ty == CN_INT64) {
            cn_table_i64_mut(r, dc)[at + i] = cn_table_i64(tabs[m], c)[i];
          } else {
            cn_table_dbl_mut(r, dc)[at + i] = cn_table_get_num(tabs[m], c, i);
          }
        }
        at += nr;
      }
    }
  if (gen) {
    if (cn_table_find(r, gen) >= 0) {
      st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists", gen);
      cn_diag_hint(d, "pick another name for the source column");
      goto done;
    }
    int gc = cn_table_add_column(r, gen, CN_INT64, d);
    if (gc < 0) {
      st = d ? d->code : CN_EINTERNAL;
      goto done;
    }
    int64_t at = 0;
    for (int m = 0; m < n; m++)
      for (int64_t i = 0; i < cn_table_nrow(tabs[m]); i++) cn_table_i64_mut(r, gc)[at++] = m;
  }
  *out = r;
  r = NULL;
done:
  cn_table_free(r);
  return st;
}

/* ---- duplicates ---- */

/* The key columns of duplicates: vars, or every column when n == 0. */
static cn_status dup_ids(const cn_table *t, const char *const *vars, int n,
                         int64_t *ids, int64_t *nids, cn_diag *d) {
  int nc = n ? n : cn_table_ncol(t);
  int *cols = cn_calloc((size_t)(nc > 0 ? nc : 1), sizeof *cols);
  cn__keyer *k = NULL;
  cn_status st = CN_OK;
  if (!cols) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int j = 0; j < nc; j++)
    if ((cols[j] = n ? cn__col_need(t, vars[j], NULL, d) : j) < 0) {
      st = CN_EDATA;
      goto done;
    }
  if (!(k = cn__keyer_new(nc))) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if ((st = cn__keyer_ids(k, t, cols, ids, d)) != CN_OK) goto done;
  *nids = cn__keyer_count(k);
done:
  cn__keyer_free(k);
  cn_free(cols);
  return st;
}

cn_status cn_prep_duplicates_report(const cn_table *t, const char *const *vars,
                                    int n, cn_table **out, cn_diag *d) {
  int64_t nr = cn_table_nrow(t), ng = 0, maxc = 0, rows = 0;
  int64_t *ids = cn_malloc((size_t)(nr > 0 ? nr : 1) * sizeof *ids), *cnt = NULL, *obs = NULL;
  cn_table *r = NULL;
  cn_status st = CN_OK;
  *out = NULL;
  cn_diag_clear(d);
  if (!ids) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  if ((st = dup_ids(t, vars, n, ids, &ng, d)) != CN_OK) goto done;
  cnt = cn_calloc((size_t)(ng > 0 ? ng : 1), sizeof *cnt);
  obs = cn_calloc((size_t)nr + 2, sizeof *obs); /* obs[k]: rows in tuples of k copies */
  if (!cnt || !obs) goto oom;
  for (int64_t i = 0; i < nr; i++) cnt[ids[i]]++;
  for (int64_t g = 0; g < ng; g++) {
    obs[cnt[g]] += cnt[g];
    if (cnt[g] > maxc) maxc = cnt[g];
  }
  for (int64_t k = 1; k <= maxc; k++) rows += obs[k] > 0;
  if (!(r = cn_table_new(rows))) goto oom;
  int cc = cn_table_add_column(r, "copies", CN_INT64, d);
  int co = cn_table_add_column(r, "observations", CN_INT64, d);
  int cs = cn_table_add_column(r, "surplus", CN_INT64, d);
  if (cc < 0 || co < 0 || cs < 0) {
    st = d ? d->code : CN_EINTERNAL;
    goto done;
  }
  for (int64_t k = 1, i = 0; k <= maxc; k++) {
    if (!obs[k]) continue;
    cn_table_i64_mut(r, cc)[i] = k;
    cn_table_i64_mut(r, co)[i] = obs[k];
    cn_table_i64_mut(r, cs)[i++] = obs[k] - obs[k] / k;
  }
  *out = r;
  r = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_table_free(r);
  cn_free(ids);
  cn_free(cnt);
  cn_free(obs);
  return st;
}

cn_status cn_prep_duplicates_drop(const cn_table *t, const char *const *vars,
                                  int n, cn_table **out, int64_t *dropped,
                                  cn_diag *d) {
  int64_t nr = cn_table_nrow(t), ng = 0, k = 0;
  int64_t *ids = cn_malloc((size_t)(nr > 0 ? nr : 1) * sizeof *ids);
  int64_t *rows = cn_malloc((size_t)(nr > 0 ? nr : 1) * sizeof *rows);
  unsigned char *seen = NULL;
  cn_status st = CN_OK;
  *out = NULL;
  cn_diag_clear(d);
  if (!ids || !rows) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if ((st = dup_ids(t, vars, n, ids, &ng, d)) != CN_OK) goto done;
  if (!(seen = cn_calloc((size_t)(ng > 0 ? ng : 1), 1))) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int64_t i = 0; i < nr; i++)
    if (!seen[ids[i]]) seen[ids[i]] = 1, rows[k++] = i;
  if ((st = cn_prep_take(t, rows, k, out, d)) != CN_OK) goto done;
  if (dropped) *dropped = nr - k;
done:
  cn_free(ids);
  cn_free(rows);
  cn_free(seen);
  return st;
}

/* ---- destring ---- */

/* Reads one cell's text s[0..n) as a number by the destring rules into *x
 * (and *iv, *is_int when it is an integer without percent). Returns 1 for a
 * number, 0 for a missing cell (empty or in o->na), -1 when it is not a
 * number. */
static int destring_cell(const char *s, size_t n, const cn_destring_opts *o,
                         double *x, int64_t *iv, bool *is_int) {
  char buf[128];
  size_t m = 0;
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (!n) return 0;
  for (int k = 0; k < o->n_na; k++)
    if (strlen(o->na[k]) == n && !memcmp(o->na[k], s, n)) return 0;
  for (size_t i = 0; i < n; i++) {
    if (o->ignore && strchr(o->ignore, s[i]) && s[i]) continue;
    if (m + 1 >= sizeof buf) return -1;
    buf[m++] = s[i];
  }
  buf[m] = '\0';
  bool pct = false;
  if (o->percent && m && buf[m - 1] == '%') {
    pct = true;
    buf[--m] = '\0';
  }
  if (strchr(buf, ',')) {
    /* thousands separators: 1-3 digits, then groups of ",ddd", then the
     * fraction; anything else ("1,5", "12,34") is not a number */
    size_t i = (buf[0] == '-' || buf[0] == '+') ? 1 : 0, lead = 0;
    while (buf[i] >= '0' && buf[i] <= '9') i++, lead++;
    if (lead < 1 || lead > 3) return -1;
    size_t w = i;
    while (buf[i] == ',') {
      for (int g = 1; g <= 3; g++)
        if (buf[i + g] < '0' || buf[i + g] > '9') return -1;
      memmove(buf + w, buf + i + 1, 3);
      w += 3;
      i += 4;
    }
    if (buf[i] >= '0' && buf[i] <= '9') return -1;
    memmove(buf + w, buf + i, strlen(buf + i) + 1);
    m = strlen(buf);
  }
  if (!m) return -1;
  if (!pct && cn__parse_int64(buf, m, iv)) {
    *x = (double)*iv;
    *is_int = true;
    return 1;
  }
  if (!cn__parse_double(buf, m, x) || !isfinite(*x)) return -1;
  *is_int = false;
  if (pct) *x /= 100;
  return 1;
}

/* A copy of t with column col replaced (at its place, or appended as name
 * when append) by the numbers: int64 iv when ints, else doubles x. */
static cn_status with_numbers(const cn_table *t, int col, const char *name, bool append,
                              bool ints, const int64_t *iv, const double *x,
                              cn_table **out, cn_diag *d) {
  int64_t n = cn_table_nrow(t);
  int nc = cn_table_ncol(t);
  cn_table *r = cn_table_new(n);
  cn_status st = CN_OK;
  if (!r) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int j = 0; j <= nc; j++) {
    if (j == nc && !append) break;
    if ((j == col && !append) || j == nc) {
      int dc = cn_table_add_column(r, name, ints ? CN_INT64 : CN_DOUBLE, d);
      if (dc < 0) {
        st = d ? d->code : CN_EINTERNAL;
        goto done;
      }
      if (ints) memcpy(cn_table_i64_mut(r, dc), iv, (size_t)n * sizeof *iv);
      else memcpy(cn_table_dbl_mut(r, dc), x, (size_t)n * sizeof *x);
      if (cn_table_label(t, col) && cn_table_set_label(r, dc, cn_table_label(t, col))) {
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

cn_status cn_prep_destring(cn_table **t, const char *const *vars, int n,
                           const cn_destring_opts *o,
                           cn_destring_counts *counts, cn_diag *d) {
  cn_destring_opts def;
  cn_table *cur = *t, *next = NULL;
  int64_t nr = cn_table_nrow(*t);
  double *x = cn_malloc((size_t)(nr > 0 ? nr : 1) * sizeof *x);
  int64_t *iv = cn_malloc((size_t)(nr > 0 ? nr : 1) * sizeof *iv);
  cn_status st = CN_OK;
  char name[512];
  cn_diag_clear(d);
  if (!o) {
    memset(&def, 0, sizeof def);
    o = &def;
  }
  if (!x || !iv) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int k = 0; k < n; k++) {
    if (cn__col_need(cur, vars[k], NULL, d) < 0) {
      st = CN_EDATA;
      goto done;
    }
    snprintf(name, sizeof name, "%s%s", vars[k], o->suffix ? o->suffix : "");
    if (o->suffix && cn_table_find(cur, name) >= 0) {
      st = cn_diag_set(d, CN_EUSAGE, "variable \"%s\" already exists", name);
      cn_diag_hint(d, "pick another --suffix, or leave it out to replace the variables");
      goto done;
    }
  }
  for (int k = 0; k < n; k++) {
    int col = cn_table_find(cur, vars[k]);
    cn_destring_counts c;
    memset(&c, 0, sizeof c);
    bool ints = true;
    if (cn_table_type(cur, col) != CN_STRING) {
      c.already_numeric = 1;
      if (counts) counts[k] = c;
      continue;
    }
    for (int64_t i = 0; i < nr; i++) {
      size_t len = 0;
      const char *s = cn_table_str(cur, col, i, &len);
      bool is_int = false;
      int r = s ? destring_cell(s, len, o, &x[i], &iv[i], &is_int) : 0;
      if (r == 1) {
        c.numbers++;
        ints &= is_int;
        continue;
      }
      x[i] = NAN;
      iv[i] = CN_NA_INT64;
      if (r == 0) {
        c.missing++;
        continue;
      }
      if (!c.forced++) {
        c.first_bad = i + 1;
        size_t ok = cn__utf8_valid(s, len < 60 ? len : 60);
        snprintf(c.first_bad_text, sizeof c.first_bad_text, "%.*s%s", (int)ok, s, ok < len ? "..." : "");
      }
      if (!o->force) {
        st = cn_diag_set(d, CN_EDATA, "variable \"%s\", row %lld: \"%s\" is not a number",
                         vars[k], (long long)c.first_bad, c.first_bad_text);
        cn_diag_hint(d, "--ignore CHARS removes characters, --percent reads 12%% as 0.12, "
                        "--na CODES reads codes as missing, --force makes such cells missing");
        goto done;
      }
    }
    snprintf(name, sizeof name, "%s%s", vars[k], o->suffix ? o->suffix : "");
    if ((st = with_numbers(cur, col, name, o->suffix != NULL, ints, iv, x, &next, d)) != CN_OK)
      goto done;
    if (cur != *t) cn_table_free(cur);
    cur = next;
    next = NULL;
    if (counts) counts[k] = c;
  }
  if (cur != *t) {
    cn_table_free(*t);
    *t = cur;
  }
  cur = NULL;
done:
  if (cur && cur != *t) cn_table_free(cur);
  cn_free(x);
  cn_free(iv);
  return st;
}
