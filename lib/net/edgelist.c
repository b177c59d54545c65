/* lib/net/edgelist.c — reading an edge list table and cutting it by year. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "net_int.h"

static int cmp_year(const void *a, const void *b) {
  const cn_edge *x = a, *y = b;
  return (x->year > y->year) - (x->year < y->year);
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

void cn__edgelist_free(cn_edgelist *el) {
  cn_free(el->es);
  cn__strmap_free(&el->labels);
  memset(el, 0, sizeof *el);
}

/* Validates the columns, drops (and counts) edges with a missing value,
 * refuses loops and weights that are not positive, sorts by year. The
 * weight is column `weight` (named otherwise with w->weight; none with
 * w->unweighted); without either, another numeric column is refused
 * rather than guessed to be, or not to be, the weight. */
cn_status cn__edgelist_read(const cn_table *t, const cn_edge_weight *w, cn_edgelist *el,
                            cn_diag *d) {
  cn_status st = CN_OK;
  cn_edge *es = NULL;
  const char *wname = w && w->weight ? w->weight : "weight";
  bool unweighted = w && w->unweighted;
  int cy = cn_table_find(t, "year"), cu = cn_table_find(t, "u"), cv = cn_table_find(t, "v"),
      cw = unweighted ? -1 : cn_table_find(t, wname);
  if (cu < 0 || cv < 0) {
    st = cn_diag_set(d, CN_EDATA, "an edge list needs columns u and v (and may have year "
                     "and weight)");
    goto done;
  }
  if (w && w->weight && w->unweighted) {
    st = cn_diag_set(d, CN_EUSAGE, "--weight %s and --unweighted exclude each other", w->weight);
    goto done;
  }
  if (w && w->weight && cw < 0) {
    st = cn_diag_set(d, CN_EUSAGE, "no column \"%s\" for --weight in the edge list", w->weight);
    goto done;
  }
  if (cw < 0 && !unweighted)
    for (int c = 0; c < t->ncol; c++) {
      if (c == cy || c == cu || c == cv || t->cols[c]->type == CN_STRING) continue;
      st = cn_diag_set(d, CN_EUSAGE, "the edge list has a numeric column \"%s\" but none named "
                       "weight: is it the edge weight?", t->cols[c]->name);
      cn_diag_hint(d, "give --weight %s to weigh the edges by it, or --unweighted to give "
                   "every edge weight 1", t->cols[c]->name);
      goto done;
    }
  cn_type tu = t->cols[cu]->type, tv = t->cols[cv]->type;
  bool text = tu == CN_STRING;
  if (tu != tv || tu == CN_DOUBLE) {
    st = cn_diag_set(d, CN_EDATA, "u and v must both hold integer ids or both text labels "
                     "(u is %s, v is %s)", cn_type_name(tu), cn_type_name(tv));
    goto done;
  }
  if (cy >= 0 && t->cols[cy]->type != CN_INT64) {
    st = cn_diag_set(d, CN_EDATA, "year must hold integers (it is %s)",
                     cn_type_name(t->cols[cy]->type));
    goto done;
  }
  if (cw >= 0 && t->cols[cw]->type == CN_STRING) {
    st = cn_diag_set(d, CN_EDATA, "%s must hold numbers (it is text)", wname);
    goto done;
  }

  int64_t m = 0;
  es = cn_calloc((size_t)t->nrow + 1, sizeof *es);
  if (!es) goto oom;
  for (int64_t r = 0; r < t->nrow; r++) {
    if (cn_table_is_na(t, cu, r) || cn_table_is_na(t, cv, r) ||
        (cy >= 0 && cn_table_is_na(t, cy, r)) || (cw >= 0 && cn_table_is_na(t, cw, r))) {
      el->dropped++;
      continue;
    }
    cn_edge *e = &es[m];
    if (text) {
      const cn_column *U = t->cols[cu], *V = t->cols[cv];
      int32_t a = U->codes[r], b = V->codes[r];
      int32_t ia = cn__strmap_intern(&el->labels, U->levels.strs[a], U->levels.lens[a]);
      int32_t ib = cn__strmap_intern(&el->labels, V->levels.strs[b], V->levels.lens[b]);
      if (ia < 0 || ib < 0) goto oom;
      e->u = ia + 1;
      e->v = ib + 1;
    } else {
      e->u = t->cols[cu]->i64[r];
      e->v = t->cols[cv]->i64[r];
    }
    e->year = cy >= 0 ? t->cols[cy]->i64[r] : 0;
    e->w = cw >= 0 ? cn_table_get_num(t, cw, r) : 1.0;
    if (e->u == e->v) {
      st = cn_diag_set(d, CN_EDATA, "data row %lld: an edge from a node to itself (u = v)",
                       (long long)r + 1);
      goto done;
    }
    if (!(e->w > 0) || !isfinite(e->w)) {
      st = cn_diag_set(d, CN_EDATA, "data row %lld: weight %g; weights must be positive",
                       (long long)r + 1, e->w);
      goto done;
    }
    m++;
  }
  /* stable order within a year is not needed: edges are summed per pair */
  qsort(es, (size_t)m, sizeof *es, cmp_year);
  el->es = es;
  el->m = m;
  el->has_year = cy >= 0;
  el->text = text;
  es = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(es);
  return st;
}

int64_t cn__edgelist_year_end(const cn_edgelist *el, int64_t y0) {
  int64_t y1 = y0;
  while (y1 < el->m && el->es[y1].year == el->es[y0].year) y1++;
  return y1;
}

int64_t cn__edgelist_nodes(const cn_edgelist *el, int64_t y0, int64_t y1, int64_t *ids) {
  int64_t k2 = 0, n = 0;
  for (int64_t k = y0; k < y1; k++) {
    ids[k2++] = el->es[k].u;
    ids[k2++] = el->es[k].v;
  }
  qsort(ids, (size_t)k2, sizeof *ids, cmp_i64);
  for (int64_t k = 0; k < k2; k++)
    if (n == 0 || ids[k] != ids[n - 1]) ids[n++] = ids[k];
  return n;
}

cn_status cn__edgelist_graph(const cn_edgelist *el, int64_t y0, int64_t y1, int64_t *ids,
                             int64_t *nout, cn_graph **g, cn_diag *d) {
  cn_status st = CN_OK;
  int64_t n = 0, m = y1 - y0;
  int32_t *lu = cn_malloc((size_t)m * sizeof *lu + 1), *lv = cn_malloc((size_t)m * sizeof *lv + 1);
  double *lw = cn_malloc((size_t)m * sizeof *lw + 1);
  *g = NULL;
  if (!lu || !lv || !lw) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  n = cn__edgelist_nodes(el, y0, y1, ids);
  if (n > INT32_MAX) {
    st = cn_diag_set(d, CN_EDATA, "more than 2^31 nodes in one year");
    goto done;
  }
  for (int64_t k = y0; k < y1; k++) {
    lu[k - y0] = (int32_t)((int64_t *)bsearch(&el->es[k].u, ids, (size_t)n, sizeof *ids, cmp_i64) - ids);
    lv[k - y0] = (int32_t)((int64_t *)bsearch(&el->es[k].v, ids, (size_t)n, sizeof *ids, cmp_i64) - ids);
    lw[k - y0] = el->es[k].w;
  }
  *nout = n;
  st = cn_graph_from_edges((int32_t)n, m, lu, lv, lw, g, d);
done:
  cn_free(lu);
  cn_free(lv);
  cn_free(lw);
  return st;
}
