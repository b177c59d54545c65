/* lib/names/match.c — record linkage of names (docs/names.md): exact keys,
 * then blocked TF-IDF cosine of code-point bigrams with Jaro-Winkler as the
 * second score, each stage one to one, greedy with a margin. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "../base/base_int.h"
#include "coinnet/names.h"
#include "names_int.h"

/* -------------------------------------------------------- Jaro-Winkler */

/* Decodes valid UTF-8 s into code points (caller frees *cp); the count, or
 * -1 when out of memory. */
static int64_t code_points(const char *s, uint32_t **cp) {
  size_t n = strlen(s);
  *cp = cn_malloc((n + 1) * sizeof **cp);
  if (!*cp) return -1;
  int64_t k = 0;
  for (size_t i = 0; i < n;) {
    const unsigned char *u = (const unsigned char *)s + i;
    uint32_t c;
    size_t len;
    if (u[0] < 0x80) c = u[0], len = 1;
    else if (u[0] < 0xE0) c = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu), len = 2;
    else if (u[0] < 0xF0) c = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu), len = 3;
    else
      c = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu), len = 4;
    (*cp)[k++] = c;
    i += len;
  }
  return k;
}

/* Jaro-Winkler of code-point strings a[0..na), b[0..nb); flags is scratch
 * of na + nb bytes. */
static double jw_cp(const uint32_t *a, int64_t na, const uint32_t *b, int64_t nb, unsigned char *flags) {
  if (!na || !nb) return 0;
  int64_t range = (na > nb ? na : nb) / 2 - 1;
  if (range < 0) range = 0;
  unsigned char *fa = flags, *fb = flags + na;
  memset(flags, 0, (size_t)(na + nb));
  int64_t m = 0;
  for (int64_t i = 0; i < na; i++) {
    int64_t lo = i > range ? i - range : 0, hi = i + range < nb - 1 ? i + range : nb - 1;
    for (int64_t j = lo; j <= hi; j++)
      if (!fb[j] && a[i] == b[j]) {
        fa[i] = fb[j] = 1;
        m++;
        break;
      }
  }
  if (!m) return 0;
  int64_t t = 0, j = 0;
  for (int64_t i = 0; i < na; i++) {
    if (!fa[i]) continue;
    while (!fb[j]) j++;
    if (a[i] != b[j]) t++;
    j++;
  }
  double dm = (double)m;
  double w = (dm / (double)na + dm / (double)nb + (dm - (double)(t / 2)) / dm) / 3;
  if (w > 0.7) {
    int64_t p = 0, lim = na < nb ? na : nb;
    if (lim > 4) lim = 4;
    while (p < lim && a[p] == b[p]) p++;
    w += (double)p * 0.1 * (1 - w);
  }
  return w;
}

double cn_name_jaro_winkler(const char *a, const char *b) {
  uint32_t *ca = NULL, *cb = NULL;
  unsigned char *flags = NULL;
  double w = 0;
  int64_t na = code_points(a, &ca), nb = code_points(b, &cb);
  if (na >= 0 && nb >= 0 && (flags = cn_malloc((size_t)(na + nb + 1))))
    w = jw_cp(ca, na, cb, nb, flags);
  cn_free(ca);
  cn_free(cb);
  cn_free(flags);
  return w;
}

/* The defaults: threshold 0.75, margin 0.05, OpenMP's threads. */
void cn_name_match_opts_init(cn_name_match_opts *o) {
  memset(o, 0, sizeof *o);
  o->threshold = 0.75;
  o->margin = 0.05;
}

/* ------------------------------------------------------------ the data */

/* A distinct key: its code points and its unit TF-IDF vector of bigrams. */
typedef struct keyv {
  uint32_t *cp;
  int64_t ncp;
  uint64_t *gram; /* distinct grams, ascending */
  double *w;      /* their weights, unit length */
  int32_t ng;
  int32_t lead;   /* the place it starts with (苏州华信机械: 苏州), in places; "" when none */
  bool right;     /* a right name has it (counts in df) */
} keyv;

/* A left unit: the left records of one partition with one id (or, without
 * --left-id, one key and place). */
typedef struct lunit {
  int32_t part, key, place, loc; /* loc: its position in its partition */
  int32_t pkey;                  /* place + key when it has one place, else -1 */
  int64_t first;                 /* its first record */
  int32_t match, rname;          /* right unit and the right name that matched; -1 */
  int8_t rule;                   /* 0 none, 1 exact, 2 fuzzy */
  bool hist, tied, exact_cand;
  double score;
} lunit;

/* A right unit: the right records of one partition with one id (or one
 * key and place); entries e0 .. e0 + ne are the names it answers to. */
typedef struct runit {
  int32_t part, group, id, loc;
  int64_t first;
  int32_t e0, ne;
  bool taken, tied;
} runit;

typedef struct entry {
  int32_t ru, rname;
  bool in_group; /* the name is on one of the unit's own records */
} entry;

typedef struct rname {
  int32_t key, place, pkey; /* pkey: place + key when it has one place, else -1 */
} rname;

/* A candidate pair; s1 then s2 order the greedy pass and decide near ties. */
typedef struct pair {
  int32_t lu, ru, rname;
  double s1, s2, score, jw;
  bool hist;
} pair;

typedef struct tie_row {
  int64_t tie;
  int32_t lu, ru, rname;
  double score, jw;
  int8_t rule;
} tie_row;

/* What one partition adds to the review file. */
typedef struct part_out {
  tie_row *rows;
  size_t n, cap;
  int64_t nties;
} part_out;

typedef struct ctx {
  const cn_name_match_opts *o;
  cn_strmap keys, places, groups, parts, lunits, runits, rnames, rids;
  keyv *kv;
  lunit *lu;
  runit *ru;
  rname *rn;
  size_t kv_cap, lu_cap, ru_cap, rn_cap;
  entry *ent;
  size_t nent;
  int32_t *lrec, *rrec, *rrn; /* left record -> unit; right record -> unit, name */
  int32_t *lu_by, *lu_p0, *ru_by, *ru_p0; /* units by partition (CSR) */
  int32_t *part_group;
  uint64_t *gram; /* distinct grams of right keys, ascending, with their df */
  int64_t *df;
  size_t ngram;
  int64_t ndoc;
  part_out *po;
} ctx;

/* ------------------------------------------------------------ reading */

/* The column `name` of side s into *c (-1 when name is NULL); a names
 * column must hold text. */
static cn_status side_col(const cn_name_match_side *s, const char *name, bool text, int *c, cn_diag *d) {
  *c = -1;
  if (!name) return CN_OK;
  if ((*c = cn_table_col(s->t, name, s->where, d)) < 0) return CN_EDATA;
  if (text && cn_table_type(s->t, *c) != CN_STRING) {
    bool empty = true;
    for (int64_t r = 0; r < cn_table_nrow(s->t) && empty; r++) empty = cn_table_is_na(s->t, *c, r);
    return cn_diag_at(d, CN_EDATA, s->where, 0, 0, "column \"%s\" does not hold text%s", name,
                      empty ? " (it is empty in every row)" : "");
  }
  return CN_OK;
}

/* An error about the cell of column col in row r of side s, by line when
 * the rows have lines. */
static cn_status row_error(const cn_name_match_side *s, int64_t r, const char *col, const char *msg, cn_diag *d) {
  int c = cn_table_find(s->t, col);
  if (s->first_line)
    return cn_diag_at(d, CN_EDATA, s->where, s->first_line + r, 0, "%s in column \"%s\" (field %d)", msg, col,
                      c + 1);
  return cn_diag_at(d, CN_EDATA, s->where, 0, 0, "row %lld: %s in column \"%s\"", (long long)r + 1, msg, col);
}

/* The text of cell (c, r) into buf; false when it is missing or empty. */
static bool cell(const cn_table *t, int c, int64_t r, char *buf, size_t n) {
  if (cn_table_is_na(t, c, r)) return false;
  return cn_table_cell_text(t, c, r, buf, n) > 0;
}

/* Interns "a\x1fb" into m; the id, or -1 when out of memory. */
static int32_t intern2(cn_strmap *m, const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  char stack[600], *s = na + nb + 2 <= sizeof stack ? stack : cn_malloc(na + nb + 2);
  if (!s) return -1;
  memcpy(s, a, na);
  s[na] = '\x1f';
  memcpy(s + na + 1, b, nb);
  int32_t id = cn__strmap_intern(m, s, na + nb + 1);
  if (s != stack) cn_free(s);
  return id;
}

/* Reads side s: parses every record's name; left records get their unit,
 * right records their unit and name. */
static cn_status read_side(ctx *x, const cn_name_match_side *s, bool right, cn_diag *d) {
  int cn, ci, cb, ck;
  cn_status st;
  if ((st = side_col(s, s->name, true, &cn, d)) != CN_OK || (st = side_col(s, s->id, false, &ci, d)) != CN_OK ||
      (st = side_col(s, s->by, false, &cb, d)) != CN_OK || (st = side_col(s, s->block, false, &ck, d)) != CN_OK)
    return st;
  int64_t n = cn_table_nrow(s->t);
  int32_t *rec = cn_malloc((size_t)(n + 1) * sizeof *rec);
  if (!rec) goto oom;
  if (right) {
    x->rrec = rec;
    if (!(x->rrn = cn_malloc((size_t)(n + 1) * sizeof *x->rrn))) goto oom;
  } else {
    x->lrec = rec;
  }
  char idb[512], byb[256], blb[256], who[600], ptxt[24], gtxt[24];
  for (int64_t r = 0; r < n; r++) {
    size_t len;
    const char *name = cn_table_str(s->t, cn, r, &len);
    if (!name || !len) return row_error(s, r, s->name, "empty name", d);
    if (cn__utf8_valid(name, len) != len) return row_error(s, r, s->name, "invalid UTF-8 text", d);
    if (ci >= 0 && !cell(s->t, ci, r, idb, sizeof idb)) return row_error(s, r, s->id, "empty id", d);
    if (cb < 0 || !cell(s->t, cb, r, byb, sizeof byb)) byb[0] = '\0';
    if (ck < 0 || !cell(s->t, ck, r, blb, sizeof blb)) blb[0] = '\0';
    cn_name_parts p;
    if (cn_name_parse(name, &p, d) != CN_OK) return row_error(s, r, s->name, "a name that cannot be read", d);
    size_t nk0 = x->keys.n;
    int32_t key = cn__strmap_intern(&x->keys, p.key, strlen(p.key));
    int32_t place = cn__strmap_intern(&x->places, p.place, strlen(p.place));
    int32_t pkey = -1; /* 华信(苏州)机械 also reads 苏州华信机械 */
    if (key >= 0 && *p.place && !strchr(p.place, ' ')) {
      size_t np = strlen(p.place), nk = strlen(p.key);
      char *pk = cn_malloc(np + nk + 1);
      if (pk) memcpy(pk, p.place, np), memcpy(pk + np, p.key, nk + 1);
      pkey = pk ? cn__strmap_intern(&x->keys, pk, np + nk) : -2;
      cn_free(pk);
      if (pkey == -2) pkey = key = -1;
    }
    cn_name_parts_free(&p);
    int32_t group = cn__strmap_intern(&x->groups, byb, strlen(byb));
    snprintf(gtxt, sizeof gtxt, "%d", (int)group);
    int32_t part = intern2(&x->parts, gtxt, blb);
    if (key < 0 || place < 0 || group < 0 || part < 0 || !cn__grow((void **)&x->kv, &x->kv_cap, x->keys.n, sizeof *x->kv))
      goto oom;
    if (x->keys.n > nk0) memset(&x->kv[nk0], 0, (x->keys.n - nk0) * sizeof *x->kv);
    snprintf(ptxt, sizeof ptxt, "%d", (int)part);
    if (ci >= 0) snprintf(who, sizeof who, "%s", idb);
    else snprintf(who, sizeof who, "%d\x1f%d", (int)key, (int)place);
    if (!right) {
      size_t nu0 = x->lunits.n;
      int32_t u = intern2(&x->lunits, ptxt, who);
      if (u < 0 || !cn__grow((void **)&x->lu, &x->lu_cap, x->lunits.n, sizeof *x->lu)) goto oom;
      if (x->lunits.n > nu0) {
        lunit *l = &x->lu[u];
        memset(l, 0, sizeof *l);
        l->part = part, l->key = key, l->place = place, l->pkey = pkey, l->first = r, l->match = -1, l->rname = -1;
      }
      rec[r] = u;
    } else {
      x->kv[key].right = true;
      size_t nn0 = x->rnames.n, nu0 = x->runits.n;
      int32_t rn = cn__strmap_intern(&x->rnames, name, len);
      int32_t id = ci >= 0 ? cn__strmap_intern(&x->rids, idb, strlen(idb)) : -1;
      int32_t u = intern2(&x->runits, ptxt, who);
      if (rn < 0 || u < 0 || (ci >= 0 && id < 0) ||
          !cn__grow((void **)&x->rn, &x->rn_cap, x->rnames.n, sizeof *x->rn) ||
          !cn__grow((void **)&x->ru, &x->ru_cap, x->runits.n, sizeof *x->ru))
        goto oom;
      if (x->rnames.n > nn0) x->rn[rn].key = key, x->rn[rn].place = place, x->rn[rn].pkey = pkey;
      if (x->runits.n > nu0) {
        runit *ru = &x->ru[u];
        memset(ru, 0, sizeof *ru);
        ru->part = part, ru->group = group, ru->id = id, ru->first = r;
      }
      rec[r] = u;
      x->rrn[r] = rn;
    }
  }
  return CN_OK;
oom:
  return cn_diag_set(d, CN_EINTERNAL, "out of memory");
}

/* ---------------------------------------------------------- the vectors */

/* qsort order of uint64_t, ascending. */
static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The grams of code points cp[0..n): bigrams (c_i << 32 | c_i+1), or the
 * one character (c << 32 | 0xFFFFFFFF) of a one-character key; ascending,
 * with repeats. The count. */
static int32_t grams_of(const uint32_t *cp, int64_t n, uint64_t *g) {
  if (n == 1) return g[0] = ((uint64_t)cp[0] << 32) | 0xFFFFFFFFu, 1;
  int32_t k = 0;
  for (int64_t i = 0; i + 1 < n; i++) g[k++] = ((uint64_t)cp[i] << 32) | cp[i + 1];
  qsort(g, (size_t)k, sizeof *g, cmp_u64);
  return k;
}

/* The df of gram g among the right keys (0 when none has it). */
static int64_t df_of(const ctx *x, uint64_t g) {
  size_t lo = 0, hi = x->ngram;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (x->gram[mid] < g) lo = mid + 1;
    else hi = mid;
  }
  return lo < x->ngram && x->gram[lo] == g ? x->df[lo] : 0;
}

/* Code points and grams of every key, the df of every gram over the right
 * keys, then each key's unit TF-IDF vector. */
static cn_status build_vectors(ctx *x, cn_diag *d) {
  size_t nk = x->keys.n, tot = 0;
  uint64_t *tmp = NULL, *all = NULL;
  size_t maxlen = 1;
  for (size_t k = 0; k < nk; k++) {
    keyv *v = &x->kv[k];
    if ((v->ncp = code_points(x->keys.strs[k], &v->cp)) < 0) goto oom;
    size_t lead = cn__name_lead_place(x->keys.strs[k]);
    if ((v->lead = cn__strmap_intern(&x->places, x->keys.strs[k], lead)) < 0) goto oom;
    if ((size_t)v->ncp > maxlen) maxlen = (size_t)v->ncp;
  }
  if (!(tmp = cn_malloc(maxlen * sizeof *tmp))) goto oom;
  /* distinct grams per key (with their tf kept in w for now) */
  for (size_t k = 0; k < nk; k++) {
    keyv *v = &x->kv[k];
    int32_t n = v->ncp ? grams_of(v->cp, v->ncp, tmp) : 0, nd = 0;
    v->gram = cn_malloc(((size_t)n + 1) * sizeof *v->gram);
    v->w = cn_malloc(((size_t)n + 1) * sizeof *v->w);
    if (!v->gram || !v->w) goto oom;
    for (int32_t i = 0; i < n; i++) {
      if (nd && v->gram[nd - 1] == tmp[i]) v->w[nd - 1] += 1;
      else v->gram[nd] = tmp[i], v->w[nd++] = 1;
    }
    v->ng = nd;
    if (v->right) tot += (size_t)nd, x->ndoc++;
  }
  if (!(all = cn_malloc((tot + 1) * sizeof *all))) goto oom;
  size_t at = 0;
  for (size_t k = 0; k < nk; k++)
    if (x->kv[k].right) memcpy(all + at, x->kv[k].gram, (size_t)x->kv[k].ng * sizeof *all), at += (size_t)x->kv[k].ng;
  qsort(all, tot, sizeof *all, cmp_u64);
  x->gram = cn_malloc((tot + 1) * sizeof *x->gram);
  x->df = cn_malloc((tot + 1) * sizeof *x->df);
  if (!x->gram || !x->df) goto oom;
  for (size_t i = 0; i < tot; i++) {
    if (x->ngram && x->gram[x->ngram - 1] == all[i]) x->df[x->ngram - 1]++;
    else x->gram[x->ngram] = all[i], x->df[x->ngram++] = 1;
  }
  for (size_t k = 0; k < nk; k++) {
    keyv *v = &x->kv[k];
    double ss = 0;
    for (int32_t i = 0; i < v->ng; i++) {
      double idf = 1 + log((1.0 + (double)x->ndoc) / (1.0 + (double)df_of(x, v->gram[i])));
      v->w[i] *= idf;
      ss += v->w[i] * v->w[i];
    }
    double nrm = sqrt(ss);
    for (int32_t i = 0; i < v->ng && nrm > 0; i++) v->w[i] /= nrm;
  }
  cn_free(tmp);
  cn_free(all);
  return CN_OK;
oom:
  cn_free(tmp);
  cn_free(all);
  return cn_diag_set(d, CN_EINTERNAL, "out of memory");
}

/* ------------------------------------------------------ units and entries */

/* CSR of n items by partition: p0[k] .. p0[k+1] index into by. */
static bool by_part(size_t n, size_t np, const int32_t *part, int32_t *loc, int32_t **by, int32_t **p0) {
  *by = cn_malloc((n + 1) * sizeof **by);
  *p0 = cn_calloc(np + 2, sizeof **p0);
  if (!*by || !*p0) return false;
  for (size_t i = 0; i < n; i++) (*p0)[part[i] + 1]++;
  for (size_t k = 0; k < np; k++) (*p0)[k + 1] += (*p0)[k];
  int32_t *at = cn_malloc((np + 1) * sizeof *at);
  if (!at) return false;
  memcpy(at, *p0, np * sizeof *at);
  for (size_t i = 0; i < n; i++) {
    loc[i] = at[part[i]] - (*p0)[part[i]];
    (*by)[at[part[i]]++] = (int32_t)i;
  }
  cn_free(at);
  return true;
}

/* Whether v is in the ascending a[0..n). */
static bool in_sorted(const uint64_t *a, size_t n, uint64_t v) {
  return bsearch(&v, a, n, sizeof *a, cmp_u64) != NULL;
}

/* The names each right unit answers to: its own, and with right ids every
 * name of its id in any group. Then the units by partition. */
static cn_status build_units(ctx *x, int64_t nright, cn_diag *d) {
  cn_status st = CN_OK;
  size_t nru = x->runits.n, nlu = x->lunits.n, np = x->parts.n;
  uint64_t *own = cn_malloc(((size_t)nright + 1) * sizeof *own), *byid = NULL;
  int32_t *id0 = NULL, *part = NULL, *loc = NULL;
  if (!own) goto oom;
  for (int64_t r = 0; r < nright; r++) own[r] = ((uint64_t)x->rrec[r] << 32) | (uint32_t)x->rrn[r];
  qsort(own, (size_t)nright, sizeof *own, cmp_u64);
  size_t nown = 0;
  for (size_t i = 0; i < (size_t)nright; i++)
    if (!nown || own[nown - 1] != own[i]) own[nown++] = own[i];
  bool ids = nru && x->ru[0].id >= 0;
  size_t nid = x->rids.n, nbyid = 0;
  if (ids) {
    if (!(byid = cn_malloc(((size_t)nright + 1) * sizeof *byid)) || !(id0 = cn_calloc(nid + 2, sizeof *id0)))
      goto oom;
    for (int64_t r = 0; r < nright; r++)
      byid[r] = ((uint64_t)x->ru[x->rrec[r]].id << 32) | (uint32_t)x->rrn[r];
    qsort(byid, (size_t)nright, sizeof *byid, cmp_u64);
    for (size_t i = 0; i < (size_t)nright; i++)
      if (!nbyid || byid[nbyid - 1] != byid[i]) byid[nbyid++] = byid[i];
    for (size_t i = 0; i < nbyid; i++) id0[(byid[i] >> 32) + 1]++;
    for (size_t k = 0; k < nid; k++) id0[k + 1] += id0[k];
  }
  size_t tot = 0;
  for (size_t u = 0; u < nru; u++) {
    if (ids) tot += (size_t)(id0[x->ru[u].id + 1] - id0[x->ru[u].id]);
  }
  if (!ids) tot = nown;
  if (!(x->ent = cn_malloc((tot + 1) * sizeof *x->ent))) goto oom;
  if (ids) {
    for (size_t u = 0; u < nru; u++) {
      runit *ru = &x->ru[u];
      ru->e0 = (int32_t)x->nent;
      for (int32_t i = id0[ru->id]; i < id0[ru->id + 1]; i++) {
        int32_t rn = (int32_t)(uint32_t)byid[i];
        entry *e = &x->ent[x->nent++];
        e->ru = (int32_t)u, e->rname = rn;
        e->in_group = in_sorted(own, nown, ((uint64_t)u << 32) | (uint32_t)rn);
      }
      ru->ne = (int32_t)x->nent - ru->e0;
    }
  } else {
    for (size_t i = 0; i < nown; i++) {
      int32_t u = (int32_t)(own[i] >> 32);
      if (!x->ru[u].ne) x->ru[u].e0 = (int32_t)x->nent;
      x->ru[u].ne++;
      entry *e = &x->ent[x->nent++];
      e->ru = u, e->rname = (int32_t)(uint32_t)own[i], e->in_group = true;
    }
  }
  size_t nmax = (nlu > nru ? nlu : nru) + 1;
  if (!(part = cn_malloc(nmax * sizeof *part)) || !(loc = cn_malloc(nmax * sizeof *loc))) goto oom;
  for (size_t u = 0; u < nlu; u++) part[u] = x->lu[u].part;
  if (!by_part(nlu, np, part, loc, &x->lu_by, &x->lu_p0)) goto oom;
  for (size_t u = 0; u < nlu; u++) x->lu[u].loc = loc[u];
  for (size_t u = 0; u < nru; u++) part[u] = x->ru[u].part;
  if (!by_part(nru, np, part, loc, &x->ru_by, &x->ru_p0)) goto oom;
  for (size_t u = 0; u < nru; u++) x->ru[u].loc = loc[u];
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(own);
  cn_free(byid);
  cn_free(id0);
  cn_free(part);
  cn_free(loc);
  return st;
}

/* ---------------------------------------------------------- assignment */

/* Pairs by (lu, ru), the best first: for keeping one pair per (lu, ru). */
static int cmp_lu_ru(const void *a, const void *b) {
  const pair *p = a, *q = b;
  if (p->lu != q->lu) return p->lu < q->lu ? -1 : 1;
  if (p->ru != q->ru) return p->ru < q->ru ? -1 : 1;
  if (p->s1 != q->s1) return p->s1 > q->s1 ? -1 : 1;
  if (p->s2 != q->s2) return p->s2 > q->s2 ? -1 : 1;
  return p->rname < q->rname ? -1 : p->rname > q->rname;
}

/* The greedy order: best scores first, then by unit. */
static int cmp_best(const void *a, const void *b) {
  const pair *p = a, *q = b;
  if (p->s1 != q->s1) return p->s1 > q->s1 ? -1 : 1;
  if (p->s2 != q->s2) return p->s2 > q->s2 ? -1 : 1;
  if (p->lu != q->lu) return p->lu < q->lu ? -1 : 1;
  return p->ru < q->ru ? -1 : p->ru > q->ru;
}

/* Keeps the best pair of each (lu, ru); the new count. */
static size_t dedup_pairs(pair *p, size_t n) {
  if (!n) return 0; /* p may be NULL */
  qsort(p, n, sizeof *p, cmp_lu_ru);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!k || p[k - 1].lu != p[i].lu || p[k - 1].ru != p[i].ru) p[k++] = p[i];
  return k;
}

/* Whether a unit can still be matched: not matched, not in a near tie. */
static bool lu_free(const lunit *l) { return l->match < 0 && !l->tied; }
static bool ru_free(const runit *r) { return !r->taken && !r->tied; }

/* Adds pair p to near tie number tie of po; false when out of memory. */
static bool push_row(part_out *po, int64_t tie, const pair *p, int rule) {
  if (!cn__grow((void **)&po->rows, &po->cap, po->n + 1, sizeof *po->rows)) return false;
  tie_row *t = &po->rows[po->n++];
  t->tie = tie, t->lu = p->lu, t->ru = p->ru, t->rname = p->rname, t->score = p->score, t->jw = p->jw;
  t->rule = (int8_t)rule;
  return true;
}

/* One to one over the pairs p[0..n) of partition k (nl left and nr right
 * units), greedily from the best: a pair whose free rival (sharing its left
 * or its right unit) is within margin in both scores is a near tie, and
 * every unit in it is taken out. */
static bool assign(ctx *x, int32_t k, pair *p, size_t n, double margin, int rule, part_out *po) {
  int32_t nl = x->lu_p0[k + 1] - x->lu_p0[k], nr = x->ru_p0[k + 1] - x->ru_p0[k];
  int32_t *l0 = cn_calloc((size_t)nl + 2, sizeof *l0), *r0 = cn_calloc((size_t)nr + 2, sizeof *r0);
  int32_t *bl = cn_malloc((n + 1) * sizeof *bl), *br = cn_malloc((n + 1) * sizeof *br);
  bool ok = l0 && r0 && bl && br;
  if (!ok) goto done;
  if (n) qsort(p, n, sizeof *p, cmp_best);
  for (size_t i = 0; i < n; i++) l0[x->lu[p[i].lu].loc + 1]++, r0[x->ru[p[i].ru].loc + 1]++;
  for (int32_t i = 0; i < nl; i++) l0[i + 1] += l0[i];
  for (int32_t i = 0; i < nr; i++) r0[i + 1] += r0[i];
  for (size_t i = n; i-- > 0;) { /* fill from the back: lists in greedy order */
    bl[--l0[x->lu[p[i].lu].loc + 1]] = (int32_t)i;
    br[--r0[x->ru[p[i].ru].loc + 1]] = (int32_t)i;
  }
  /* l0[loc + 1] now is the list start of loc; its end is the next start */
  for (size_t i = 0; i < n; i++) {
    const pair *a = &p[i];
    lunit *l = &x->lu[a->lu];
    runit *r = &x->ru[a->ru];
    if (!lu_free(l) || !ru_free(r)) continue;
    int32_t ls = l0[l->loc + 1], le = l->loc + 1 < nl ? l0[l->loc + 2] : (int32_t)n;
    int32_t rs = r0[r->loc + 1], re = r->loc + 1 < nr ? r0[r->loc + 2] : (int32_t)n;
    bool tie = false;
    for (int pass = 0; pass < 2; pass++)
      for (int32_t j = pass ? rs : ls; j < (pass ? re : le); j++) {
        const pair *b = &p[pass ? br[j] : bl[j]];
        if (b == a || (pass ? b->lu == a->lu : b->ru == a->ru)) continue;
        if (pass ? !lu_free(&x->lu[b->lu]) : !ru_free(&x->ru[b->ru])) continue;
        if (!(b->s1 > a->s1 - margin && b->s2 > a->s2 - margin)) continue;
        if (!tie && !push_row(po, po->nties, a, rule)) goto oom;
        tie = true;
        if (!push_row(po, po->nties, b, rule)) goto oom;
      }
    if (!tie) {
      l->match = a->ru, l->rname = a->rname, l->rule = (int8_t)rule, l->score = a->score, l->hist = a->hist;
      r->taken = true;
      continue;
    }
    for (size_t j = po->n; j-- > 0 && po->rows[j].tie == po->nties;) {
      x->lu[po->rows[j].lu].tied = true;
      x->ru[po->rows[j].ru].tied = true;
    }
    po->nties++;
  }
  goto done;
oom:
  ok = false;
done:
  cn_free(l0);
  cn_free(r0);
  cn_free(bl);
  cn_free(br);
  return ok;
}

/* Place agreement of a left and a right name: 2 the same, 1 one has none,
 * 0 different places. */
static int place_score(int32_t a, int32_t b, const ctx *x) {
  if (a == b) return 2;
  return x->places.lens[a] == 0 || x->places.lens[b] == 0 ? 1 : 0;
}

/* Whether two names can be one entity in stage 2: their places (the
 * bracketed one, else the one the key starts with) are not two different
 * ones (苏州华信机械 is not 无锡华信机械, nor 华信(无锡)机械). */
static bool fuzzy_places(const ctx *x, int32_t pa, int32_t ka, int32_t pb, int32_t kb) {
  int32_t a = x->places.lens[pa] ? pa : x->kv[ka].lead, b = x->places.lens[pb] ? pb : x->kv[kb].lead;
  return a == b || !x->places.lens[a] || !x->places.lens[b];
}

/* One gram of a right name of the partition (es[e]) with its weight. */
typedef struct posting {
  uint64_t gram;
  int32_t e;
  double w;
} posting;

/* Postings by gram, then by name. */
static int cmp_posting(const void *a, const void *b) {
  const posting *p = a, *q = b;
  if (p->gram != q->gram) return p->gram < q->gram ? -1 : 1;
  return p->e < q->e ? -1 : p->e > q->e;
}

/* Entry indices by their name's key (cmp_entry_pkey: place + key), then
 * by index (qsort_r with the ctx). */
static int cmp_entry_key(const void *a, const void *b, void *arg) {
  const ctx *x = arg;
  const entry *p = &x->ent[*(const int32_t *)a], *q = &x->ent[*(const int32_t *)b];
  int32_t ka = x->rn[p->rname].key, kb = x->rn[q->rname].key;
  if (ka != kb) return ka < kb ? -1 : 1;
  return *(const int32_t *)a < *(const int32_t *)b ? -1 : 1;
}

static int cmp_entry_pkey(const void *a, const void *b, void *arg) {
  const ctx *x = arg;
  const entry *p = &x->ent[*(const int32_t *)a], *q = &x->ent[*(const int32_t *)b];
  int32_t ka = x->rn[p->rname].pkey, kb = x->rn[q->rname].pkey;
  if (ka != kb) return ka < kb ? -1 : 1;
  return *(const int32_t *)a < *(const int32_t *)b ? -1 : 1;
}

/* The first of es[0..ne) (sorted by key, or by pkey) whose key is k. */
static size_t first_key(const ctx *x, const int32_t *es, size_t ne, int32_t k, bool pk) {
  size_t lo = 0, hi = ne;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const rname *n = &x->rn[x->ent[es[mid]].rname];
    if ((pk ? n->pkey : n->key) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Adds to *p the exact pairs of left unit u among es[0..ne), sorted by key
 * (pk: by place + key): the names whose key (pk: place + key) is k. Their
 * place agreement is scored (place_score), or, with no_place, 1 when the
 * right name has no place and no pair otherwise. False when out of memory. */
static bool exact_pairs(ctx *x, int32_t u, const int32_t *es, size_t ne, int32_t k, bool pk, bool no_place,
                        pair **p, size_t *np, size_t *cap) {
  lunit *l = &x->lu[u];
  for (size_t i = first_key(x, es, ne, k, pk); i < ne; i++) {
    const entry *e = &x->ent[es[i]];
    const rname *n = &x->rn[e->rname];
    if ((pk ? n->pkey : n->key) != k) break;
    int ps = no_place ? (x->places.lens[n->place] ? 0 : 1) : place_score(l->place, n->place, x);
    if (!ps) continue; /* two places: two entities */
    if (!cn__grow((void **)p, cap, *np + 1, sizeof **p)) return false;
    pair *a = &(*p)[(*np)++];
    a->lu = u, a->ru = e->ru, a->rname = e->rname;
    a->s1 = 2 * ps + e->in_group;
    a->s2 = 0, a->score = 1, a->jw = 1, a->hist = !e->in_group;
    l->exact_cand = true;
  }
  return true;
}

/* Matches partition k: stage 1 (equal keys), then stage 2 (fuzzy). */
static bool match_part(ctx *x, int32_t k, part_out *po) {
  int32_t L0 = x->lu_p0[k], L1 = x->lu_p0[k + 1], R0 = x->ru_p0[k], R1 = x->ru_p0[k + 1];
  size_t ne = 0;
  for (int32_t i = R0; i < R1; i++) ne += (size_t)x->ru[x->ru_by[i]].ne;
  int32_t *es = cn_malloc((ne + 1) * sizeof *es), *es2 = NULL;
  pair *p = NULL;
  posting *post = NULL;
  double *acc = NULL;
  int32_t *touched = NULL;
  unsigned char *flags = NULL;
  size_t np = 0, cap = 0, npost = 0, postcap = 0;
  bool ok = es != NULL;
  if (!ok || L0 == L1 || R0 == R1) goto done;
  size_t m = 0;
  for (int32_t i = R0; i < R1; i++) {
    const runit *r = &x->ru[x->ru_by[i]];
    for (int32_t j = 0; j < r->ne; j++) es[m++] = r->e0 + j;
  }
  /* stage 1: equal keys; a place in brackets also reads as the key's
   * prefix (华信(苏州)机械 = 苏州华信机械) against a name without a place */
  if (!(es2 = cn_malloc((ne + 1) * sizeof *es2))) goto oom;
  memcpy(es2, es, ne * sizeof *es);
  qsort_r(es, ne, sizeof *es, cmp_entry_key, x);
  qsort_r(es2, ne, sizeof *es2, cmp_entry_pkey, x);
  for (int32_t i = L0; i < L1; i++) {
    int32_t u = x->lu_by[i];
    const lunit *l = &x->lu[u];
    if (!exact_pairs(x, u, es, ne, l->key, false, false, &p, &np, &cap) ||
        (l->pkey >= 0 && !exact_pairs(x, u, es, ne, l->pkey, false, true, &p, &np, &cap)) ||
        (!x->places.lens[l->place] && !exact_pairs(x, u, es2, ne, l->key, true, false, &p, &np, &cap)))
      goto oom;
  }
  np = dedup_pairs(p, np);
  if (!assign(x, k, p, np, 0.5, 1, po)) goto oom;
  /* stage 2: the inverted index of the free right units' names */
  np = 0;
  size_t maxcp = 1;
  for (size_t i = 0; i < ne; i++) {
    const entry *e = &x->ent[es[i]];
    if (!ru_free(&x->ru[e->ru])) continue;
    const keyv *v = &x->kv[x->rn[e->rname].key];
    if (!cn__grow((void **)&post, &postcap, npost + (size_t)v->ng + 1, sizeof *post)) goto oom;
    for (int32_t g = 0; g < v->ng; g++) post[npost++] = (posting){v->gram[g], (int32_t)i, v->w[g]};
    if ((size_t)v->ncp > maxcp) maxcp = (size_t)v->ncp;
  }
  if (npost) qsort(post, npost, sizeof *post, cmp_posting); /* post may be NULL when empty */
  acc = cn_calloc(ne + 1, sizeof *acc);
  touched = cn_malloc((ne + 1) * sizeof *touched);
  if (!acc || !touched) goto oom;
  for (int32_t i = L0; i < L1; i++) {
    int32_t u = x->lu_by[i];
    lunit *l = &x->lu[u];
    if (!lu_free(l) || l->exact_cand) continue;
    const keyv *v = &x->kv[l->key];
    size_t nt = 0;
    for (int32_t g = 0; g < v->ng; g++) {
      size_t lo = 0, hi = npost;
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (post[mid].gram < v->gram[g]) lo = mid + 1;
        else hi = mid;
      }
      for (; lo < npost && post[lo].gram == v->gram[g]; lo++) {
        if (acc[post[lo].e] == 0) touched[nt++] = post[lo].e;
        acc[post[lo].e] += v->w[g] * post[lo].w;
      }
    }
    if ((size_t)v->ncp > maxcp) maxcp = (size_t)v->ncp;
    unsigned char *f2 = cn_realloc(flags, 2 * maxcp + 2);
    if (!f2) goto oom;
    flags = f2;
    for (size_t t = 0; t < nt; t++) {
      int32_t ei = touched[t];
      double cs = acc[ei];
      acc[ei] = 0;
      const entry *e = &x->ent[es[ei]];
      if (cs < x->o->threshold - 1e-12 || !fuzzy_places(x, l->place, l->key, x->rn[e->rname].place, x->rn[e->rname].key))
        continue;
      const keyv *w = &x->kv[x->rn[e->rname].key];
      if (!cn__grow((void **)&p, &cap, np + 1, sizeof *p)) goto oom;
      pair *a = &p[np++];
      a->lu = u, a->ru = e->ru, a->rname = e->rname;
      a->score = a->s1 = cs > 1 ? 1 : cs;
      a->jw = a->s2 = jw_cp(v->cp, v->ncp, w->cp, w->ncp, flags);
      a->hist = !e->in_group;
    }
  }
  np = dedup_pairs(p, np);
  if (!assign(x, k, p, np, x->o->margin, 2, po)) goto oom;
  goto done;
oom:
  ok = false;
done:
  cn_free(es);
  cn_free(es2);
  cn_free(p);
  cn_free(post);
  cn_free(acc);
  cn_free(touched);
  cn_free(flags);
  return ok;
}

/* ------------------------------------------------------------- results */

/* Releases everything ctx holds (the result does not point into it). */
static void ctx_free(ctx *x) {
  for (size_t k = 0; k < x->keys.n && x->kv; k++) { /* before the maps: their counts */
    cn_free(x->kv[k].cp);
    cn_free(x->kv[k].gram);
    cn_free(x->kv[k].w);
  }
  if (x->po)
    for (size_t k = 0; k < x->parts.n; k++) cn_free(x->po[k].rows);
  cn_strmap *maps[] = {&x->keys, &x->places, &x->groups, &x->parts, &x->lunits, &x->runits, &x->rnames, &x->rids};
  for (size_t i = 0; i < sizeof maps / sizeof *maps; i++) cn__strmap_free(maps[i]);
  void *ps[] = {x->kv, x->lu, x->ru, x->rn, x->ent, x->lrec, x->rrec, x->rrn, x->lu_by, x->lu_p0,
                x->ru_by, x->ru_p0, x->part_group, x->gram, x->df, x->po};
  for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) cn_free(ps[i]);
}

void cn_name_match_result_free(cn_name_match_result *r) {
  if (!r) return;
  cn_table_free(r->out);
  cn_table_free(r->review);
  for (int64_t g = 0; g < r->ngroups; g++) cn_free(r->groups[g].group);
  cn_free(r->groups);
  cn_free(r->all.group);
  memset(r, 0, sizeof *r);
}

/* Adds column name of type to t; false (d set) when it cannot. */
static bool add_col(cn_table *t, const char *name, cn_type type, int *c, cn_diag *d) {
  return (*c = cn_table_add_column(t, name, type, d)) >= 0;
}

/* The text of cell (c, r) of side s into buf ("" when c < 0 or missing). */
static const char *side_text(const cn_name_match_side *s, int c, int64_t r, char *buf, size_t n) {
  buf[0] = '\0';
  if (c >= 0 && !cn_table_is_na(s->t, c, r)) cn_table_cell_text(s->t, c, r, buf, n);
  return buf;
}

/* The id text of right unit ru; NULL without --right-id. */
static const char *right_id(const ctx *x, int32_t ru) {
  return x->ru[ru].id >= 0 ? x->rids.strs[x->ru[ru].id] : NULL;
}

/* The output table: one row per left record. */
static cn_status write_out(ctx *x, const cn_name_match_side *L, bool rid, cn_table **out, cn_diag *d) {
  int64_t n = cn_table_nrow(L->t);
  cn_table *t = cn_table_new(n);
  int cli = -1, cln, cby = -1, cbl = -1, cri = -1, crn, csc, cru, chi = -1;
  int li = L->id ? cn_table_find(L->t, L->id) : -1, ln = cn_table_find(L->t, L->name);
  int lb = L->by ? cn_table_find(L->t, L->by) : -1, lk = L->block ? cn_table_find(L->t, L->block) : -1;
  if (!t || (L->id && !add_col(t, "left_id", CN_STRING, &cli, d)) || !add_col(t, "left_name", CN_STRING, &cln, d) ||
      (L->by && !add_col(t, L->by, CN_STRING, &cby, d)) || (L->block && !add_col(t, L->block, CN_STRING, &cbl, d)) ||
      (rid && !add_col(t, "right_id", CN_STRING, &cri, d)) || !add_col(t, "right_name", CN_STRING, &crn, d) ||
      !add_col(t, "score", CN_DOUBLE, &csc, d) || !add_col(t, "rule", CN_STRING, &cru, d) ||
      (rid && !add_col(t, "history", CN_INT64, &chi, d))) {
    cn_table_free(t);
    return t ? (d->code ? d->code : CN_EINTERNAL) : cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  static const char *const rules[] = {"none", "exact", "fuzzy"};
  char buf[512];
  cn_status st = CN_OK;
  for (int64_t r = 0; r < n && st == CN_OK; r++) {
    const lunit *l = &x->lu[x->lrec[r]];
    if (cli >= 0) st = cn_table_set_str(t, cli, r, side_text(L, li, r, buf, sizeof buf), d);
    if (st == CN_OK) st = cn_table_set_str(t, cln, r, side_text(L, ln, r, buf, sizeof buf), d);
    if (st == CN_OK && cby >= 0) st = cn_table_set_str(t, cby, r, side_text(L, lb, r, buf, sizeof buf), d);
    if (st == CN_OK && cbl >= 0) st = cn_table_set_str(t, cbl, r, side_text(L, lk, r, buf, sizeof buf), d);
    if (st == CN_OK) st = cn_table_set_str(t, cru, r, rules[l->rule], d);
    if (l->match < 0 || st != CN_OK) continue;
    if (cri >= 0) st = cn_table_set_str(t, cri, r, right_id(x, l->match), d);
    if (st == CN_OK) st = cn_table_set_str(t, crn, r, x->rnames.strs[l->rname], d);
    cn_table_dbl_mut(t, csc)[r] = l->score;
    if (chi >= 0) cn_table_i64_mut(t, chi)[r] = l->hist;
  }
  if (st != CN_OK) {
    cn_table_free(t);
    return st;
  }
  *out = t;
  return CN_OK;
}

/* The review table: the rows of the near ties, partition by partition. */
static cn_status write_review(ctx *x, const cn_name_match_side *L, bool rid, int64_t nrow, cn_table **out,
                              cn_diag *d) {
  cn_table *t = cn_table_new(nrow);
  int cti, cby = -1, cbl = -1, cln, cri = -1, crn, csc, cjw, cru;
  int ln = cn_table_find(L->t, L->name);
  int lb = L->by ? cn_table_find(L->t, L->by) : -1, lk = L->block ? cn_table_find(L->t, L->block) : -1;
  if (!t || !add_col(t, "tie", CN_INT64, &cti, d) || (L->by && !add_col(t, L->by, CN_STRING, &cby, d)) ||
      (L->block && !add_col(t, L->block, CN_STRING, &cbl, d)) || !add_col(t, "left_name", CN_STRING, &cln, d) ||
      (rid && !add_col(t, "right_id", CN_STRING, &cri, d)) || !add_col(t, "right_name", CN_STRING, &crn, d) ||
      !add_col(t, "score", CN_DOUBLE, &csc, d) || !add_col(t, "jw", CN_DOUBLE, &cjw, d) ||
      !add_col(t, "rule", CN_STRING, &cru, d)) {
    cn_table_free(t);
    return t ? (d->code ? d->code : CN_EINTERNAL) : cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  char buf[512];
  cn_status st = CN_OK;
  int64_t row = 0, base = 0;
  for (size_t k = 0; k < x->parts.n && st == CN_OK; k++) {
    const part_out *po = &x->po[k];
    for (size_t i = 0; i < po->n && st == CN_OK; i++, row++) {
      const tie_row *w = &po->rows[i];
      int64_t lr = x->lu[w->lu].first;
      cn_table_i64_mut(t, cti)[row] = base + w->tie + 1;
      if (cby >= 0) st = cn_table_set_str(t, cby, row, side_text(L, lb, lr, buf, sizeof buf), d);
      if (st == CN_OK && cbl >= 0) st = cn_table_set_str(t, cbl, row, side_text(L, lk, lr, buf, sizeof buf), d);
      if (st == CN_OK) st = cn_table_set_str(t, cln, row, side_text(L, ln, lr, buf, sizeof buf), d);
      if (st == CN_OK && cri >= 0) st = cn_table_set_str(t, cri, row, right_id(x, w->ru), d);
      if (st == CN_OK) st = cn_table_set_str(t, crn, row, x->rnames.strs[w->rname], d);
      if (st == CN_OK) st = cn_table_set_str(t, cru, row, w->rule == 1 ? "exact" : "fuzzy", d);
      cn_table_dbl_mut(t, csc)[row] = w->score;
      cn_table_dbl_mut(t, cjw)[row] = w->jw;
    }
    base += po->nties;
  }
  if (st != CN_OK) {
    cn_table_free(t);
    return st;
  }
  *out = t;
  return CN_OK;
}

/* The counts by group and overall. */
static cn_status count(ctx *x, int64_t nl, int64_t nr, cn_name_match_result *res, cn_diag *d) {
  size_t ng = x->groups.n;
  res->groups = cn_calloc(ng + 1, sizeof *res->groups);
  if (!res->groups || !(res->all.group = cn_strdup(""))) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  res->ngroups = (int64_t)ng;
  for (size_t g = 0; g < ng; g++)
    if (!(res->groups[g].group = cn_strdup(x->groups.strs[g]))) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int64_t r = 0; r < nl; r++) {
    const lunit *l = &x->lu[x->lrec[r]];
    cn_name_match_count *c = &res->groups[x->part_group[l->part]];
    c->left++;
    if (l->rule == 1) c->exact++;
    else if (l->rule == 2) c->fuzzy++;
    else c->left_only++;
    if (l->match >= 0 && l->hist) c->history++;
    if (l->match < 0 && l->tied) c->review++;
  }
  for (int64_t r = 0; r < nr; r++) {
    const runit *u = &x->ru[x->rrec[r]];
    cn_name_match_count *c = &res->groups[u->group];
    c->right++;
    if (!u->taken) c->right_only++;
  }
  for (size_t g = 0; g < ng; g++) {
    const cn_name_match_count *c = &res->groups[g];
    res->all.left += c->left, res->all.right += c->right, res->all.exact += c->exact;
    res->all.fuzzy += c->fuzzy, res->all.history += c->history, res->all.left_only += c->left_only;
    res->all.right_only += c->right_only, res->all.review += c->review;
  }
  return CN_OK;
}

cn_status cn_name_match(const cn_name_match_side *left, const cn_name_match_side *right,
                        const cn_name_match_opts *o, cn_name_match_result *res, cn_diag *d) {
  cn_name_match_opts def;
  if (!o) cn_name_match_opts_init(&def), o = &def;
  memset(res, 0, sizeof *res);
  if (!left->name || !right->name) return cn_diag_set(d, CN_EUSAGE, "the name columns are missing");
  if (!left->by != !right->by) return cn_diag_set(d, CN_EUSAGE, "a group column is needed on both sides or neither");
  if (!left->block != !right->block)
    return cn_diag_set(d, CN_EUSAGE, "a block column is needed on both sides or neither");
  if (!(o->threshold > 0 && o->threshold <= 1)) return cn_diag_set(d, CN_EUSAGE, "the threshold must be in (0, 1]");
  if (!(o->margin >= 0 && o->margin < 1)) return cn_diag_set(d, CN_EUSAGE, "the margin must be in [0, 1)");
  ctx x;
  memset(&x, 0, sizeof x);
  x.o = o;
  cn_status st;
  int64_t nl = cn_table_nrow(left->t), nr = cn_table_nrow(right->t);
  if ((st = read_side(&x, left, false, d)) != CN_OK || (st = read_side(&x, right, true, d)) != CN_OK ||
      (st = build_vectors(&x, d)) != CN_OK || (st = build_units(&x, nr, d)) != CN_OK)
    goto done;
  size_t np = x.parts.n;
  x.po = cn_calloc(np + 1, sizeof *x.po);
  x.part_group = cn_malloc((np + 1) * sizeof *x.part_group);
  if (!x.po || !x.part_group) goto oom;
  for (size_t k = 0; k < np; k++) x.part_group[k] = (int32_t)strtol(x.parts.strs[k], NULL, 10);
  int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
  int bad = 0;
  /* partitions are independent: each writes only its own units and its
   * own part_out, merged afterwards in partition order */
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : bad)
  for (int64_t k = 0; k < (int64_t)np; k++)
    if (!match_part(&x, (int32_t)k, &x.po[k])) bad |= 1;
  if (bad) goto oom;
  int64_t nrev = 0;
  for (size_t k = 0; k < np; k++) nrev += (int64_t)x.po[k].n, res->ties += x.po[k].nties;
  bool rid = right->id != NULL;
  if ((st = write_out(&x, left, rid, &res->out, d)) != CN_OK ||
      (st = write_review(&x, left, rid, nrev, &res->review, d)) != CN_OK || (st = count(&x, nl, nr, res, d)) != CN_OK)
    goto done;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (st != CN_OK) cn_name_match_result_free(res);
  ctx_free(&x);
  return st;
}
