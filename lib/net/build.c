/* lib/net/build.c — patent records → yearly co-applicant graphs.
 *
 * Follows spec/network.md §1 and the reference paper: publications of one
 * application are merged (by application number, or by publication-number
 * stem and application date); invention patents only unless all types are
 * kept; applicant names are normalized so that variants of one entity meet;
 * a patent whose first applicant is an individual is dropped; individuals
 * never become nodes; a collaborative application (two or more distinct
 * organizations) adds 1 to the weight of every pair of its organizations
 * in its year (or in each window that holds its year). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "coinnet/names.h"
#include "net_int.h"

enum { T_INVENTION, T_UTILITY, T_DESIGN, T_OTHER };

typedef struct app {
  int64_t year;
  int32_t row; /* the first publication's row */
  int8_t type;
  bool granted;
  int32_t gyear; /* grant year (--grant-year), NA_GYEAR when none */
} app;

#define NA_GYEAR INT32_MIN

/* A co-applicant pair of one application in one year; k is the number of
 * organizations of the application (Newman's weight is 1/(k-1)). */
typedef struct pair {
  int64_t year;
  int32_t a, b; /* entity ids, a < b */
  int32_t k;
} pair;

typedef struct yc {
  int64_t year;
  int32_t collab;
} yc;

static int cmp_yc(const void *x, const void *y) {
  const yc *p = x, *q = y;
  return (p->year > q->year) - (p->year < q->year);
}

typedef struct ey {
  int64_t year;
  int32_t ent, app, ipc; /* ipc: code id or -1 */
  int32_t lvl;           /* the code at the search's IPC level, or -1 */
  bool joint, granted;
} ey;

static int cmp_pair(const void *x, const void *y) {
  const pair *p = x, *q = y;
  if (p->year != q->year) return p->year < q->year ? -1 : 1;
  if (p->a != q->a) return p->a < q->a ? -1 : 1;
  return (p->b > q->b) - (p->b < q->b);
}

static bool same_pair(const pair *p, const pair *q) {
  return p->year == q->year && p->a == q->a && p->b == q->b;
}

/* Orders entity-year records by entity, year, then application or code. */
static int cmp_ey_app(const void *x, const void *y) {
  const ey *p = x, *q = y;
  if (p->ent != q->ent) return p->ent < q->ent ? -1 : 1;
  if (p->year != q->year) return p->year < q->year ? -1 : 1;
  return (p->app > q->app) - (p->app < q->app);
}

static int cmp_ey_ipc(const void *x, const void *y) {
  const ey *p = x, *q = y;
  if (p->ent != q->ent) return p->ent < q->ent ? -1 : 1;
  if (p->year != q->year) return p->year < q->year ? -1 : 1;
  return (p->ipc > q->ipc) - (p->ipc < q->ipc);
}

static bool same_ey(const ey *p, const ey *q) { return p->ent == q->ent && p->year == q->year; }

/* ---- sorting by packed integer keys ----
 * The big arrays (pairs, entity-years, years) are sorted by an LSD radix
 * sort on a 64-bit key packed from their fields; when the fields need more
 * than 64 bits, qsort with the comparators above does it. Both orders are
 * the same total order on the compared fields; the radix sort is stable. */
enum { K_PAIR, K_EY, K_EY_IPC, K_YC };

typedef struct sort_key {
  int kind;
  uint64_t ymin;          /* smallest year: keys hold year − ymin */
  unsigned s_year, s_ent; /* shifts of the fields above the last one */
  unsigned bits;          /* total key bits */
} sort_key;

/* Number of bits needed to write x. */
static unsigned bits_of(uint64_t x) {
  unsigned b = 0;
  while (x) b++, x >>= 1;
  return b;
}

/* The packed key of item p (a pair, ey or yc by k->kind). */
static inline uint64_t key_of(const sort_key *k, const void *p) {
  switch (k->kind) {
    case K_PAIR: {
      const pair *q = p;
      return (((uint64_t)q->year - k->ymin) << k->s_year) | ((uint64_t)(uint32_t)q->a << k->s_ent) |
             (uint64_t)(uint32_t)q->b;
    }
    case K_EY:
    case K_EY_IPC: {
      const ey *q = p;
      uint64_t last = k->kind == K_EY ? 0 : (uint64_t)(q->ipc + 1);
      return ((uint64_t)(uint32_t)q->ent << k->s_ent) | (((uint64_t)q->year - k->ymin) << k->s_year) |
             last;
    }
    default: return (uint64_t)((const yc *)p)->year - k->ymin;
  }
}

#define RADIX_BITS 11
#define RADIX_N (1u << RADIX_BITS)

/* Sorts n items of size bytes (a multiple of 8) stably by key_of(k, item)
 * on its k->bits low bits. False when out of memory (items unchanged). */
static bool radix_sort(void *items, size_t n, size_t size, const sort_key *k) {
  if (n < 2 || k->bits == 0) return true;
  unsigned passes = (k->bits + RADIX_BITS - 1) / RADIX_BITS;
  size_t *count = cn_calloc((size_t)passes * RADIX_N, sizeof *count);
  char *tmp = cn_malloc(n * size);
  if (!count || !tmp) {
    cn_free(count);
    cn_free(tmp);
    return false;
  }
  cn__hint_huge(tmp, n * size);
  char *src = items, *dst = tmp;
  for (size_t i = 0; i < n; i++) {
    uint64_t key = key_of(k, src + i * size);
    for (unsigned p = 0; p < passes; p++)
      count[p * RADIX_N + ((key >> (p * RADIX_BITS)) & (RADIX_N - 1))]++;
  }
  for (unsigned p = 0; p < passes; p++) {
    size_t *c = count + p * RADIX_N, sum = 0;
    bool one = false;
    for (unsigned b = 0; b < RADIX_N; b++) {
      if (c[b] == n) one = true; /* every item in one bucket: nothing to do */
      size_t x = c[b];
      c[b] = sum;
      sum += x;
    }
    if (one) continue;
    unsigned shift = p * RADIX_BITS;
    for (size_t i = 0; i < n; i++) {
      const char *it = src + i * size;
      size_t at = c[(key_of(k, it) >> shift) & (RADIX_N - 1)]++;
      memcpy(dst + at * size, it, size);
    }
    char *sw = src;
    src = dst;
    dst = sw;
  }
  if (src != items) memcpy(items, src, n * size);
  cn_free(count);
  cn_free(tmp);
  return true;
}

/* Sorts items by kind: radix when the key fits in 64 bits, else qsort with
 * cmp. The key's field widths come from the largest entity id (max_ent),
 * the largest last field (max_last: IPC code + 1 for K_EY_IPC) and the
 * years found in the items. K_EY orders by entity and year only: the
 * records were made in application order, which the stable radix sort
 * keeps, so the result is ordered as by cmp_ey_app. False when out of
 * memory. */
static bool sort_items(void *items, size_t n, size_t size, int kind, uint64_t max_ent,
                       uint64_t max_last, int (*cmp)(const void *, const void *)) {
  if (n < 2) return true;
  sort_key k = {kind, 0, 0, 0, 0};
  int64_t ylo = INT64_MAX, yhi = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    int64_t y = *(const int64_t *)(const void *)((const char *)items + i * size); /* year first */
    if (y < ylo) ylo = y;
    if (y > yhi) yhi = y;
  }
  k.ymin = (uint64_t)ylo;
  unsigned yb = bits_of((uint64_t)yhi - (uint64_t)ylo), eb = bits_of(max_ent),
           lb = bits_of(max_last);
  switch (kind) {
    case K_PAIR: /* year, a, b */
      k.s_ent = eb;
      k.s_year = 2 * eb;
      k.bits = yb + 2 * eb;
      break;
    case K_EY:
    case K_EY_IPC: /* ent, year [, ipc] */
      k.s_year = lb;
      k.s_ent = lb + yb;
      k.bits = eb + yb + lb;
      break;
    default: k.bits = yb;
  }
  if (k.bits > 64) {
    qsort(items, n, size, cmp);
    return true;
  }
  return radix_sort(items, n, size, &k);
}

/* Splits a publication number "CN110210173B" into its stem "CN110210173"
 * (length returned) and kind code "B" (*kind, may be empty). */
static size_t pub_stem(const char *s, size_t n, const char **kind) {
  size_t i = n;
  while (i > 0 && isdigit((unsigned char)s[i - 1])) i--; /* "A1": trailing digit */
  if (i > 0 && isalpha((unsigned char)s[i - 1]) && i < n && i >= 2 &&
      isdigit((unsigned char)s[i - 2]))
    i--;
  else if (i == n && i > 0 && isalpha((unsigned char)s[i - 1]))
    i--;
  else if (i < n && !(i > 0 && isalpha((unsigned char)s[i - 1])))
    i = n; /* all digits at the end: no kind code */
  *kind = s + i;
  return i;
}

static int type_of_kind(char kind) {
  switch (toupper((unsigned char)kind)) {
    case 'A': case 'B': case 'C': return T_INVENTION;
    case 'U': case 'Y': return T_UTILITY;
    case 'S': case 'D': return T_DESIGN;
  }
  return T_OTHER;
}

static int type_of_text(const char *s) {
  if (strstr(s, "发明") || !strncasecmp(s, "invention", 9)) return T_INVENTION;
  if (strstr(s, "实用新型") || !strncasecmp(s, "utility", 7)) return T_UTILITY;
  if (strstr(s, "外观") || !strncasecmp(s, "design", 6)) return T_DESIGN;
  return T_OTHER;
}

/* The year of a date that starts with it, after any blanks: "2019-06-20",
 * "2019/6/20", "2019年6月20日", "20190620", "201906", "2019", 2019.0. The
 * leading run of digits must be 4, 6 or 8 long and the year in 1800 ..
 * 2200, so that a publication number (CN102012345A, 102012345) is not
 * read as a year; anything else is missing. */
static int64_t year_of(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t run = 0;
  while (isdigit((unsigned char)s[run])) run++;
  if (run != 4 && run != 6 && run != 8) return CN_NA_INT64;
  int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  return y >= 1800 && y <= 2200 ? y : CN_NA_INT64;
}

static int col_or_fail(const cn_table *t, const char *name, const char *what, cn_diag *d) {
  char where[160];
  snprintf(where, sizeof where, "the patent records (for %s)", what);
  return cn_table_col(t, name, where, d);
}

/* Appends x (elem bytes) to *arr holding *n of capacity *cap. */
/* What a country value says (--country): 0 nothing (empty), 1 China
 * (CN, CHN, China, 中国, 中华人民共和国; any case, spaces around ignored),
 * 2 any other country or territory (Hong Kong, Macao and Taiwan included:
 * cross-border, as the patent office counts them apart). */
static int country_kind(const char *s, size_t n) {
  static const char *const china[] = {"CN", "CHN", "CHINA", "中国", "中华人民共和国", NULL};
  while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (n == 0) return 0;
  for (int k = 0; china[k]; k++)
    if (strlen(china[k]) == n && !strncasecmp(s, china[k], n)) return 1;
  return 2;
}

static bool push(void **arr, size_t *n, size_t *cap, const void *x, size_t elem) {
  if (!cn__grow(arr, cap, *n + 1, elem)) return false;
  memcpy((char *)*arr + *n * elem, x, elem);
  (*n)++;
  return true;
}

/* The text of cell (row, col) as cn_table_cell_text gives it: a
 * NUL-terminated pointer into the table when the column holds text (of any
 * length), else into buf (n bytes: room for a number); its length in *len. */
static const char *cell_view(const cn_table *t, int col, int64_t row, char *buf, size_t n,
                             size_t *len) {
  const cn_column *c = t->cols[col];
  if (c->type == CN_STRING) {
    int32_t k = c->codes[row];
    if (k == CN_NA_CODE) {
      buf[0] = '\0';
      *len = 0;
      return buf;
    }
    /* the text up to its first NUL, as cn_table_cell_text would give it */
    const char *s = c->levels.strs[k];
    const char *z = memchr(s, '\0', c->levels.lens[k]);
    *len = z ? (size_t)(z - s) : c->levels.lens[k];
    return s;
  }
  cn_table_cell_text(t, col, row, buf, n);
  *len = strlen(buf);
  return buf;
}

/* Where build finds an application's key: the columns it is made of. */
typedef struct key_cols {
  const cn_table *t;
  int id, aid, date, year;
} key_cols;

/* Writes into key (over its old contents) the application key of row r:
 * "a:" and the application number when there is one, else "p:", the stem
 * of the publication number, "|" and the application date (or year), each
 * whole (numbers cut at a fixed length used to merge distinct long ones).
 * Returns false when out of memory; *kind (may be NULL) receives the first
 * letter of the publication number's kind code ('\0' when it has none). */
static bool app_key(const key_cols *kc, int64_t r, cn_buf *key, char *kind) {
  char idb[64], aidb[64], dateb[64]; /* numbers only: text is read in place */
  size_t idn, n;
  const char *id = cell_view(kc->t, kc->id, r, idb, sizeof idb, &idn);
  const char *kd = "";
  size_t stem = pub_stem(id, idn, &kd);
  if (kind) *kind = kd[0];
  key->len = 0;
  if (kc->aid >= 0 && !cn_table_is_na(kc->t, kc->aid, r)) {
    const char *aid = cell_view(kc->t, kc->aid, r, aidb, sizeof aidb, &n);
    cn__buf_append(key, "a:", 2);
    return cn__buf_append(key, aid, n);
  }
  /* the application date (or year) tells reissued numbers apart; with
   * only a publication date, the stem alone identifies the application */
  const char *date = "";
  n = 0;
  if (kc->date >= 0) date = cell_view(kc->t, kc->date, r, dateb, sizeof dateb, &n);
  else if (kc->year >= 0) date = cell_view(kc->t, kc->year, r, dateb, sizeof dateb, &n);
  cn__buf_append(key, "p:", 2);
  cn__buf_append(key, id, stem);
  cn__buf_append(key, "|", 1);
  cn__buf_append(key, date, n);
  return !key->failed;
}

/* Gives back the unused capacity of *arr (n items of elem bytes, capacity
 * *cap); keeps it as it is when the allocator cannot. */
static void shrink(void **arr, size_t *cap, size_t n, size_t elem) {
  if (n == 0 || n >= *cap) return;
  void *q = cn_realloc(*arr, n * elem);
  if (!q) return;
  *arr = q;
  *cap = n;
}

/* Adds a new column to t (already sized) or fails. */
static cn_column *add_col(cn_table *t, const char *name, cn_type type) {
  cn_column *c = cn__col_new(name, type);
  if (!c || !cn__col_reserve(c, t->nrow > 0 ? t->nrow : 1) || !cn__table_append(t, c)) {
    cn__col_free(c);
    return NULL;
  }
  return c;
}

/* ---- organization tables: counts, stocks, search breadth and depth ---- */

/* One use of an item (an IPC code or a partner) by an organization in a
 * year: n applications; prior, once computed, the number of the window's
 * past years in which the organization used the item too. */
typedef struct hrec {
  int64_t year;
  int32_t ent, item, n, prior;
} hrec;

static int cmp_h_item(const void *x, const void *y) {
  const hrec *p = x, *q = y;
  if (p->ent != q->ent) return p->ent < q->ent ? -1 : 1;
  if (p->item != q->item) return p->item < q->item ? -1 : 1;
  return (p->year > q->year) - (p->year < q->year);
}

static int cmp_h_year(const void *x, const void *y) {
  const hrec *p = x, *q = y;
  if (p->ent != q->ent) return p->ent < q->ent ? -1 : 1;
  if (p->year != q->year) return p->year < q->year ? -1 : 1;
  return (p->item > q->item) - (p->item < q->item);
}

/* Merges the uses in r (*n of them) into one per (organization, item,
 * year), summing n, sets each one's prior (past years t−W .. t−1 with the
 * same item) and leaves them ordered by organization, year and item. */
static void history(hrec *r, size_t *n, int W) {
  if (*n == 0) return;
  qsort(r, *n, sizeof *r, cmp_h_item);
  size_t m = 0;
  for (size_t k = 0; k < *n; k++) {
    if (m > 0 && r[m - 1].ent == r[k].ent && r[m - 1].item == r[k].item && r[m - 1].year == r[k].year) {
      r[m - 1].n += r[k].n;
      continue;
    }
    r[m++] = r[k];
  }
  *n = m;
  for (size_t k = 0; k < m; k++) {
    int32_t prior = 0;
    for (size_t j = k; j > 0; j--) {
      const hrec *q = &r[j - 1];
      if (q->ent != r[k].ent || q->item != r[k].item || q->year < r[k].year - W) break;
      prior++;
    }
    r[k].prior = prior;
  }
  qsort(r, m, sizeof *r, cmp_h_year);
}

/* The sums over the uses of one organization-year. */
typedef struct hsum {
  int64_t count, new_, depth, foreign;
  double tot, sq;
} hsum;

/* Adds up the uses r[*at ..] of organization ent in year (advancing *at
 * past them); foreign (may be NULL) flags items that count as foreign. */
static hsum hsum_take(const hrec *r, size_t n, size_t *at, int32_t ent, int64_t year, const bool *foreign) {
  hsum s = {0, 0, 0, 0, 0, 0};
  while (*at < n && (r[*at].ent < ent || (r[*at].ent == ent && r[*at].year < year))) (*at)++;
  for (; *at < n && r[*at].ent == ent && r[*at].year == year; (*at)++) {
    const hrec *q = &r[*at];
    s.count++;
    s.new_ += q->prior == 0;
    s.depth += q->prior;
    s.tot += q->n;
    s.sq += (double)q->n * q->n;
    if (foreign && foreign[q->item]) s.foreign++;
  }
  return s;
}

/* An organization-year's applications. */
typedef struct oyr {
  int64_t year;
  int32_t ent, patents, inventions, joint, granted;
} oyr;

/* A grant of one organization in its grant year. */
typedef struct gyr {
  int64_t year;
  int32_t ent;
} gyr;

static int cmp_gyr(const void *x, const void *y) {
  const gyr *p = x, *q = y;
  if (p->ent != q->ent) return p->ent < q->ent ? -1 : 1;
  return (p->year > q->year) - (p->year < q->year);
}

/* What build_more reads. */
typedef struct more_in {
  const cn_build_opts *o;
  const ey *eys;           /* every organization's records, by organization, year, application */
  size_t neys;
  const app *apps;
  const cn_strmap *ents;   /* organization names */
  const int *ent_type;
  const bool *ent_foreign;
  const int32_t *ent_group; /* NULL without groups */
  const cn_strmap *gids;    /* group names */
  const int32_t *node_of;
  hrec *partners;          /* partner uses (reordered) */
  size_t npartners;
  bool has_ipc, has_gyear;
} more_in;

/* Makes the orgs, org_year and search tables (cn_build_more) from the
 * records of every organization. False when out of memory. */
static bool build_more(more_in *in, cn_build_more *out) {
  bool ok = false;
  const cn_build_opts *o = in->o;
  int W = o->search_window > 0 ? o->search_window : 5, K = o->stock > 0 ? o->stock : 5;
  size_t nent = in->ents->n, noy = 0, capoy = 0, nipc = 0, capipc = 0, ngr = 0, capgr = 0;
  oyr *oy = NULL;
  hrec *ipc = NULL;
  gyr *gr = NULL;
  int64_t *gi_by = NULL, *gr_by = NULL;
  cn_table *orgs = NULL, *ot = NULL, *sr = NULL;
  int64_t ymin = INT64_MAX, ymax = INT64_MIN;

  /* organization-years, IPC uses (one per application and code) and grants */
  for (size_t k = 0; k < in->neys; k++) {
    const ey *r = &in->eys[k];
    bool new_app = k == 0 || r->ent != in->eys[k - 1].ent || r->app != in->eys[k - 1].app;
    if (k == 0 || r->ent != in->eys[k - 1].ent || r->year != in->eys[k - 1].year) {
      oyr z = {r->year, r->ent, 0, 0, 0, 0};
      if (!push((void **)&oy, &noy, &capoy, &z, sizeof z)) goto done;
    }
    if (r->year < ymin) ymin = r->year;
    if (r->year > ymax) ymax = r->year;
    if (new_app) {
      oyr *z = &oy[noy - 1];
      const app *a = &in->apps[r->app];
      z->patents++;
      z->inventions += a->type == T_INVENTION;
      z->joint += r->joint;
      z->granted += r->granted;
      if (r->granted && a->gyear != NA_GYEAR) {
        gyr g = {a->gyear, r->ent};
        if (!push((void **)&gr, &ngr, &capgr, &g, sizeof g)) goto done;
        if (g.year > ymax) ymax = g.year;
        if (g.year < ymin) ymin = g.year;
      }
    }
    if (r->lvl >= 0) {
      bool seen = false; /* the code already read for this application */
      for (size_t j = k; j > 0 && !seen; j--) {
        const ey *q = &in->eys[j - 1];
        if (q->ent != r->ent || q->app != r->app) break;
        seen = q->lvl == r->lvl;
      }
      hrec h = {r->year, r->ent, r->lvl, 1, 0};
      if (!seen && !push((void **)&ipc, &nipc, &capipc, &h, sizeof h)) goto done;
    }
  }
  history(ipc, &nipc, W);
  history(in->partners, &in->npartners, W);
  if (ngr) qsort(gr, ngr, sizeof *gr, cmp_gyr);

  /* orgs */
  orgs = cn_table_new((int64_t)nent);
  if (!orgs) goto done;
  cn_column *g_id = add_col(orgs, "org_id", CN_INT64), *g_name = add_col(orgs, "name", CN_STRING),
            *g_type = add_col(orgs, "type", CN_STRING), *g_node = add_col(orgs, "node_id", CN_INT64),
            *g_for = add_col(orgs, "foreign", CN_INT64),
            *g_grp = in->ent_group ? add_col(orgs, "group", CN_STRING) : NULL;
  if (!g_id || !g_name || !g_type || !g_node || !g_for || (in->ent_group && !g_grp)) goto done;
  for (size_t k = 0; k < nent; k++) {
    const char *tn = cn_entity_type_name((cn_entity_type)in->ent_type[k]);
    g_id->i64[k] = (int64_t)k + 1;
    g_node->i64[k] = in->node_of[k] ? in->node_of[k] : CN_NA_INT64;
    g_for->i64[k] = in->ent_foreign[k];
    if ((g_name->codes[k] = cn__col_level(g_name, in->ents->strs[k], in->ents->lens[k])) < 0 ||
        (g_type->codes[k] = cn__col_level(g_type, tn, strlen(tn))) < 0)
      goto done;
    if (g_grp) {
      int32_t gk = in->ent_group[k];
      g_grp->codes[k] = gk < 0 ? CN_NA_CODE : cn__col_level(g_grp, in->gids->strs[gk], in->gids->lens[gk]);
      if (gk >= 0 && g_grp->codes[k] < 0) goto done;
    }
  }

  /* org_year: every year from the organization's first to the data's last */
  size_t nrow = 0, span = noy ? (size_t)(ymax - ymin + 1) : 0;
  gi_by = cn_calloc(span + 1, sizeof *gi_by);
  gr_by = cn_calloc(span + 1, sizeof *gr_by);
  if (!gi_by || !gr_by) goto done;
  {
    size_t a = 0, b = 0;
    for (size_t e = 0; e < nent; e++) {
      int64_t first = INT64_MAX;
      if (a < noy && oy[a].ent == (int32_t)e) first = oy[a].year;
      if (b < ngr && gr[b].ent == (int32_t)e && gr[b].year < first) first = gr[b].year;
      while (a < noy && oy[a].ent == (int32_t)e) a++;
      while (b < ngr && gr[b].ent == (int32_t)e) b++;
      if (first != INT64_MAX) nrow += (size_t)(ymax - first + 1);
    }
  }
  ot = cn_table_new((int64_t)nrow);
  if (!ot) goto done;
  cn_column *o_id = add_col(ot, "org_id", CN_INT64), *o_y = add_col(ot, "year", CN_INT64),
            *o_p = add_col(ot, "patents", CN_INT64), *o_i = add_col(ot, "inventions", CN_INT64),
            *o_j = add_col(ot, "joint_patents", CN_INT64), *o_o = add_col(ot, "own_patents", CN_INT64),
            *o_g = add_col(ot, "granted_inventions", CN_INT64), *o_gr = add_col(ot, "grants", CN_INT64),
            *o_ab = add_col(ot, "absorb", CN_INT64), *o_gs = add_col(ot, "grant_stock", CN_INT64);
  if (!o_id || !o_y || !o_p || !o_i || !o_j || !o_o || !o_g || !o_gr || !o_ab || !o_gs) goto done;
  {
    size_t a = 0, b = 0, row = 0;
    for (size_t e = 0; e < nent; e++) {
      int64_t first = INT64_MAX;
      size_t a0 = a;
      memset(gi_by, 0, span * sizeof *gi_by);
      memset(gr_by, 0, span * sizeof *gr_by);
      for (; a < noy && oy[a].ent == (int32_t)e; a++) {
        if (oy[a].year < first) first = oy[a].year;
        gi_by[oy[a].year - ymin] = oy[a].granted;
      }
      for (; b < ngr && gr[b].ent == (int32_t)e; b++) {
        if (gr[b].year < first) first = gr[b].year;
        gr_by[gr[b].year - ymin]++;
      }
      if (first == INT64_MAX) continue;
      size_t at = a0;
      for (int64_t t = first; t <= ymax; t++, row++) {
        const oyr *z = at < a && oy[at].year == t ? &oy[at++] : NULL;
        int64_t ab = 0, gs = 0;
        for (int64_t y = t - K; y < t; y++)
          if (y >= ymin) ab += gi_by[y - ymin];
        for (int64_t y = t - K + 1; y <= t; y++)
          if (y >= ymin) gs += gr_by[y - ymin];
        o_id->i64[row] = (int64_t)e + 1;
        o_y->i64[row] = t;
        o_p->i64[row] = z ? z->patents : 0;
        o_i->i64[row] = z ? z->inventions : 0;
        o_j->i64[row] = z ? z->joint : 0;
        o_o->i64[row] = z ? z->patents - z->joint : 0;
        o_g->i64[row] = z ? z->granted : 0;
        o_gr->i64[row] = in->has_gyear ? gr_by[t - ymin] : CN_NA_INT64;
        o_ab->i64[row] = ab;
        o_gs->i64[row] = in->has_gyear ? gs : CN_NA_INT64;
      }
    }
  }

  /* search: one row per organization-year with applications */
  sr = cn_table_new((int64_t)noy);
  if (!sr) goto done;
  cn_column *s_id = add_col(sr, "org_id", CN_INT64), *s_y = add_col(sr, "year", CN_INT64),
            *s_wf = add_col(sr, "window_full", CN_INT64), *s_ic = add_col(sr, "ipc_count", CN_INT64),
            *s_ih = add_col(sr, "ipc_hhi", CN_DOUBLE), *s_in = add_col(sr, "ipc_new", CN_INT64),
            *s_is = add_col(sr, "ipc_scope", CN_DOUBLE), *s_id2 = add_col(sr, "ipc_depth", CN_DOUBLE),
            *s_pc = add_col(sr, "partner_count", CN_INT64), *s_pn = add_col(sr, "partner_new", CN_INT64),
            *s_ps = add_col(sr, "partner_scope", CN_DOUBLE), *s_pd = add_col(sr, "partner_depth", CN_DOUBLE),
            *s_fp = add_col(sr, "foreign_partners", CN_INT64);
  if (!s_id || !s_y || !s_wf || !s_ic || !s_ih || !s_in || !s_is || !s_id2 || !s_pc || !s_pn || !s_ps ||
      !s_pd || !s_fp)
    goto done;
  {
    size_t ai = 0, pi = 0;
    int64_t y0 = INT64_MAX; /* the first application year of the data */
    for (size_t k = 0; k < noy; k++)
      if (oy[k].year < y0) y0 = oy[k].year;
    for (size_t k = 0; k < noy; k++) {
      const oyr *z = &oy[k];
      hsum c = hsum_take(ipc, nipc, &ai, z->ent, z->year, NULL);
      hsum p = hsum_take(in->partners, in->npartners, &pi, z->ent, z->year, in->ent_foreign);
      s_id->i64[k] = (int64_t)z->ent + 1;
      s_y->i64[k] = z->year;
      s_wf->i64[k] = z->year - W >= y0;
      if (in->has_ipc) {
        s_ic->i64[k] = c.count;
        s_in->i64[k] = c.new_;
        s_ih->dbl[k] = c.tot > 0 ? 1.0 - c.sq / (c.tot * c.tot) : NAN;
        s_is->dbl[k] = c.count > 0 ? (double)c.new_ / (double)c.count : NAN;
        s_id2->dbl[k] = c.count > 0 ? (double)c.depth / (double)c.count : NAN;
      } else {
        s_ic->i64[k] = s_in->i64[k] = CN_NA_INT64;
        s_ih->dbl[k] = s_is->dbl[k] = s_id2->dbl[k] = NAN;
      }
      s_pc->i64[k] = p.count;
      s_pn->i64[k] = p.new_;
      s_ps->dbl[k] = p.count > 0 ? (double)p.new_ / (double)p.count : NAN;
      s_pd->dbl[k] = p.count > 0 ? (double)p.depth / (double)p.count : NAN;
      s_fp->i64[k] = p.foreign;
    }
  }
  out->orgs = orgs;
  out->org_year = ot;
  out->search = sr;
  orgs = ot = sr = NULL;
  ok = true;
done:
  cn_table_free(orgs);
  cn_table_free(ot);
  cn_table_free(sr);
  cn_free(oy);
  cn_free(ipc);
  cn_free(gr);
  cn_free(gi_by);
  cn_free(gr_by);
  return ok;
}

cn_status cn_net_build(const cn_table *t, const cn_build_opts *o, cn_table **nodes_out,
                       cn_table **edges_out, cn_table **ny_out, cn_table **years_out,
                       cn_build_counts *cnt, cn_diag *d) {
  cn_status st = CN_OK;
  cn_strmap ents = {0}, ipcs = {0}, raws = {0}, lvls = {0}, gnames = {0}, gids = {0};
  bool *ent_foreign = NULL;
  unsigned char *ent_cty = NULL; /* per entity: 1 a domestic country seen, 2 a foreign one */
  size_t ncty = 0, capcty = 0;
  struct ctok { const char *s; size_t n; } *ctoks = NULL; /* the country cell's values */
  size_t nctok = 0, capctok = 0;
  cn_buf ccell = {0};
  int32_t *ent_group = NULL, *gname_group = NULL;
  hrec *prec = NULL;
  size_t nforeign = 0, capforeign = 0, nentgroup = 0, capentgroup = 0, ngname = 0, capgname = 0;
  size_t nprec = 0, capprec = 0;
  cn_build_more *more = o->more;
  uint64_t *slots = NULL;
  app *apps = NULL;
  pair *pairs = NULL;
  ey *eys = NULL;
  int *ent_type = NULL;
  int32_t *node_of = NULL, *members = NULL, *raw_ent = NULL;
  bool *is_node = NULL;
  size_t napps = 0, capapps = 0, npairs = 0, cappairs = 0, neys = 0, capeys = 0;
  size_t nenttype = 0, capenttype = 0, nmembers = 0, capmembers = 0, nycs = 0, capycs = 0;
  size_t nraw = 0, capraw = 0;
  yc *ycs = NULL;
  char *norm = NULL;
  cn_buf cell = {0}, key = {0}, other = {0}; /* whole cells and application keys */
  cn_table *nodes = NULL, *edges = NULL, *ny = NULL, *years = NULL;
  const char *sep = o->app_sep ? o->app_sep : " | ";
  size_t seplen = strlen(sep);
  int window = o->window > 1 ? o->window : 1;
  bool job = false;
  memset(cnt, 0, sizeof *cnt);
  *nodes_out = *edges_out = *ny_out = *years_out = NULL;
  if (more) memset(more, 0, sizeof *more);

  if (!o->applicants) {
    st = cn_diag_set(d, CN_EUSAGE, "the applicants column (--applicants) is required");
    goto done;
  }
  if (!*sep) {
    st = cn_diag_set(d, CN_EUSAGE, "--app-sep is empty: give the text that separates two applicants in a cell "
                                   "(default \" | \")");
    goto done;
  }
  int c_app = col_or_fail(t, o->applicants, "--applicants", d);
  int c_id = o->id ? col_or_fail(t, o->id, "--id", d) : 0;
  int c_aid = o->app_id ? col_or_fail(t, o->app_id, "--app-id", d) : -1;
  int c_date = o->date ? col_or_fail(t, o->date, "--date", d) : -1;
  int c_year = o->year ? col_or_fail(t, o->year, "--year", d) : -1;
  int c_type = o->type ? col_or_fail(t, o->type, "--type", d) : -1;
  int c_ipc = o->ipc ? col_or_fail(t, o->ipc, "--ipc", d) : -1;
  int c_pub = o->pub_date ? col_or_fail(t, o->pub_date, "--pub-date", d) : -1;
  int c_gy = o->grant_year ? col_or_fail(t, o->grant_year, "--grant-year", d) : -1;
  int c_cty = o->country ? col_or_fail(t, o->country, "--country", d) : -1;
  if ((o->grant_year && c_gy < 0) || (o->country && c_cty < 0) || c_app < 0 || c_id < 0 || (o->app_id && c_aid < 0) || (o->date && c_date < 0) ||
      (o->year && c_year < 0) || (o->type && c_type < 0) || (o->ipc && c_ipc < 0) ||
      (o->pub_date && c_pub < 0)) {
    st = CN_EUSAGE;
    goto done;
  }
  if (c_date < 0 && c_year < 0 && c_pub < 0) {
    st = cn_diag_set(d, CN_EUSAGE, "give the application date (--date COL) or year (--year COL)");
    goto done;
  }
  if (cn_table_type(t, c_app) != CN_STRING) {
    st = cn_diag_set(d, CN_EDATA, "the applicants column \"%s\" does not hold text", o->applicants);
    goto done;
  }

  /* 0. enterprise groups: normalized name -> group id; a name in two
   * groups is an error naming both rows */
  if (o->groups) {
    const char *gw = o->groups_where ? o->groups_where : "the group table";
    int gc_name = cn_table_col(o->groups, "name", gw, d), gc_grp = cn_table_col(o->groups, "group", gw, d);
    if (gc_name < 0 || gc_grp < 0) {
      st = CN_EUSAGE;
      goto done;
    }
    cnt->group_rows = o->groups->nrow;
    for (int64_t r = 0; r < o->groups->nrow; r++) {
      if (cn_table_is_na(o->groups, gc_name, r) || cn_table_is_na(o->groups, gc_grp, r)) {
        st = cn_diag_set(d, CN_EDATA, "%s, line %lld: the %s is empty", gw, (long long)r + 2,
                         cn_table_is_na(o->groups, gc_name, r) ? "name" : "group");
        goto done;
      }
      if (!cn__cell_text(o->groups, gc_name, r, &cell)) goto oom;
      cn_free(norm);
      norm = NULL;
      if ((st = cn_name_normalize(cell.data, &norm, d)) != CN_OK) goto done;
      if (!cn__cell_text(o->groups, gc_grp, r, &cell)) goto oom;
      int32_t gid = cn__strmap_intern(&gids, cell.data, cell.len);
      size_t before = gnames.n;
      int32_t ni = cn__strmap_intern(&gnames, norm, strlen(norm));
      if (gid < 0 || ni < 0) goto oom;
      if (gnames.n == before) {
        if (gname_group[ni] != gid) {
          st = cn_diag_set(d, CN_EDATA, "%s, line %lld: \"%s\" (normalized) is in group \"%s\" and in \"%s\"",
                           gw, (long long)r + 2, norm, gids.strs[gname_group[ni]], gids.strs[gid]);
          goto done;
        }
        continue;
      }
      if (!push((void **)&gname_group, &ngname, &capgname, &gid, sizeof gid)) goto oom;
    }
  }

  /* 1. publications → applications, found by key in an open-addressing
   * index whose slots hold the key hash's high half and 1 + the
   * application's index; a candidate's key is rebuilt from its row */
  /* progress: one job of three parts, by records: merging publications,
   * reading applicants, making the graphs */
  cn__job_begin("net build", 3.0 * (double)t->nrow + 1);
  job = true;
  cn__job_part(NULL, 1, 3, 0, (double)t->nrow);
  cnt->records = t->nrow;
  key_cols kc = {t, c_id, c_aid, c_date, c_year};
  size_t nslots = 64;
  while (nslots < (size_t)t->nrow + (size_t)t->nrow / 2) nslots *= 2;
  slots = cn_calloc(nslots, sizeof *slots);
  if (!slots) goto oom;
  for (int64_t r = 0; r < t->nrow; r++) {
    char date[64], kind;
    size_t dn;
    if ((r & 0xFFF) == 0) cn__progress("publications", (double)r, (double)t->nrow);
    if (!app_key(&kc, r, &key, &kind)) goto oom;
    size_t kn = key.len;
    int type = type_of_kind(kind);
    if (c_type >= 0) {
      if (!cn__cell_text(t, c_type, r, &cell)) goto oom;
      type = type_of_text(cell.data);
    }
    int64_t year = CN_NA_INT64;
    if (c_pub >= 0) {
      year = year_of(cell_view(t, c_pub, r, date, sizeof date, &dn));
    } else if (c_year >= 0) {
      /* a whole year in the range dates are read in (year_of); anything
       * else is refused rather than cast (1e9 made a graph in year 10⁹,
       * 2019.5 was cut to 2019 and 1e300 overflowed) */
      double y = cn_table_get_num(t, c_year, r);
      if (!isnan(y) && !(y == floor(y) && y >= 1800 && y <= 2200)) {
        char cell[64];
        cn_table_cell_text(t, c_year, r, cell, sizeof cell);
        st = cn_diag_set(d, CN_EDATA, "record %lld: --year column \"%s\" holds %s, not a year from 1800 to 2200",
                         (long long)r + 1, o->year, cell);
        goto done;
      }
      year = isnan(y) ? CN_NA_INT64 : (int64_t)y;
    } else {
      year = year_of(cell_view(t, c_date, r, date, sizeof date, &dn));
    }
    int32_t gyear = NA_GYEAR;
    if (c_gy >= 0 && !cn_table_is_na(t, c_gy, r)) {
      size_t gn;
      const char *g = cell_view(t, c_gy, r, date, sizeof date, &gn);
      int64_t gy = year_of(g);
      if (gy == CN_NA_INT64 && gn > 0) {
        st = cn_diag_set(d, CN_EDATA, "record %lld: --grant-year column \"%s\" holds \"%.100s\", not a year "
                         "(or date) from 1800 to 2200", (long long)r + 1, o->grant_year, g);
        goto done;
      }
      if (gy != CN_NA_INT64) gyear = (int32_t)gy;
    }
    bool grant = type == T_INVENTION && (toupper((unsigned char)kind) == 'B' ||
                                         toupper((unsigned char)kind) == 'C' || gyear != NA_GYEAR);
    uint64_t h = cn__hash(key.data, kn);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t at = (size_t)h & (nslots - 1);
    int64_t found = -1;
    for (; slots[at]; at = (at + 1) & (nslots - 1)) {
      if ((uint32_t)(slots[at] >> 32) != tag) continue;
      size_t k = (size_t)(uint32_t)slots[at] - 1;
      if (!app_key(&kc, apps[k].row, &other, NULL)) goto oom;
      if (other.len == kn && !memcmp(other.data, key.data, kn)) {
        found = (int64_t)k;
        break;
      }
    }
    if (found >= 0) { /* another publication of a known application */
      cnt->merged++;
      apps[found].granted |= grant;
      if (apps[found].gyear == NA_GYEAR) apps[found].gyear = gyear;
      continue;
    }
    if (napps >= (size_t)UINT32_MAX - 1) goto oom;
    slots[at] = ((uint64_t)tag << 32) | (uint64_t)(napps + 1);
    app a = {year, (int32_t)r, (int8_t)type, grant, gyear};
    if (!push((void **)&apps, &napps, &capapps, &a, sizeof a)) goto oom;
  }
  cn_free(slots);
  slots = NULL;
  cnt->applications = (int64_t)napps;

  /* a year column in which no value is a year is the wrong column, not
   * missing data: refused, naming its first value, rather than dropping
   * every record into an empty network */
  bool any_year = false;
  int64_t typed = 0, r0 = -1; /* applications of a kept type; the first with a value */
  int cyc = c_pub >= 0 ? c_pub : c_year >= 0 ? c_year : c_date;
  for (size_t ai = 0; ai < napps && !any_year; ai++) {
    if (!o->all_types && apps[ai].type != T_INVENTION) continue;
    typed++;
    any_year = apps[ai].year != CN_NA_INT64;
    if (r0 < 0 && !cn_table_is_na(t, cyc, apps[ai].row)) r0 = apps[ai].row;
  }
  if (typed > 0 && !any_year) {
    const char *opt = c_pub >= 0 ? "--pub-date" : c_year >= 0 ? "--year" : "--date";
    const char *col = c_pub >= 0 ? o->pub_date : c_year >= 0 ? o->year : o->date;
    const char *of = o->all_types ? "applications" : "invention patents";
    if (r0 < 0) {
      st = cn_diag_set(d, CN_EDATA, "%s column \"%s\" is empty: none of the %lld %s has a year",
                       opt, col, (long long)typed, of);
    } else {
      if (!cn__cell_text(t, cyc, r0, &cell)) goto oom;
      st = cn_diag_set(d, CN_EDATA,
                       "%s column \"%s\" holds no %s: in none of the %lld %s does it start with "
                       "a year from 1800 to 2200; the first value, in record %lld, is \"%.200s\"",
                       opt, col, c_year >= 0 && c_pub < 0 ? "year" : "date", (long long)typed, of,
                       (long long)r0 + 1, cell.data);
    }
    cn_diag_hint(d, "a date starts with its 4-digit year (2019-06-20, 20190620); name the "
                    "column that holds the %s", c_pub >= 0 ? "publication date" : "application date or year");
    goto done;
  }
  cn__job_part(NULL, 2, 3, (double)t->nrow, (double)t->nrow);
  cn__progress("applicants", 0, (double)napps);

  /* 2. applicants of each application; each distinct raw name is
   * normalized and classified once (raw_ent: its entity id, or R_EMPTY /
   * R_INDIVIDUAL) */
  enum { R_EMPTY = -1, R_INDIVIDUAL = -2 };
  const cn_column *apcol = t->cols[c_app];
  for (size_t ai = 0; ai < napps; ai++) {
    app *a = &apps[ai];
    if ((ai & 0xFFF) == 0) cn__progress("applicants", (double)ai, (double)napps);
    if (!o->all_types && a->type != T_INVENTION) {
      cnt->not_invention++;
      continue;
    }
    if (a->year == CN_NA_INT64) {
      cnt->no_year++;
      continue;
    }
    if (apcol->codes[a->row] == CN_NA_CODE) {
      cnt->no_applicants++;
      continue;
    }
    const char *s = apcol->levels.strs[apcol->codes[a->row]];
    /* the countries: by position when there are as many as applicants, the
     * first applicant's when there is one, else none */
    size_t nct = 0;
    if (c_cty >= 0) {
      if (cn_table_is_na(t, c_cty, a->row)) cnt->country_none++;
      else {
        if (!cn__cell_text(t, c_cty, a->row, &ccell)) goto oom;
        size_t napp = 1;
        for (const char *q = strstr(s, sep); q; q = strstr(q + seplen, sep)) napp++;
        nctok = 0;
        for (const char *q = ccell.data; q;) {
          const char *e = strstr(q, sep);
          struct ctok one = {q, e ? (size_t)(e - q) : strlen(q)};
          if (!push((void **)&ctoks, &nctok, &capctok, &one, sizeof one)) goto oom;
          q = e ? e + seplen : NULL;
        }
        if (nctok == napp) nct = nctok, cnt->country_aligned++;
        else if (nctok == 1) nct = 1, cnt->country_first++;
        else cnt->country_mismatch++;
      }
    }
    size_t pos = 0;
    nmembers = 0;
    int64_t indiv = 0;
    bool first = true, drop = false;
    while (s) {
      const char *e = strstr(s, sep);
      size_t len = e ? (size_t)(e - s) : strlen(s);
      size_t before = raws.n;
      int32_t ri = cn__strmap_intern(&raws, s, len);
      if (ri < 0) goto oom;
      if (raws.n != before) {
        char *raw = cn_strndup(s, len);
        if (!raw) goto oom;
        cn_free(norm);
        norm = NULL;
        st = cn_name_normalize(raw, &norm, d);
        /* the type is read from the full name: the legal form is a clue */
        cn_entity_type et = st == CN_OK ? cn_name_classify(raw, NULL) : CN_ENT_OTHER;
        bool foreign = false;
        if (st == CN_OK && more) { /* the foreign flag of cn_name_parse, for cross-border partners */
          cn_name_parts np;
          st = cn_name_parse(raw, &np, d);
          foreign = st == CN_OK && np.foreign;
          if (st == CN_OK) cn_name_parts_free(&np);
        }
        cn_free(raw);
        if (st != CN_OK) goto done;
        int32_t v = R_EMPTY;
        if (!*norm) v = R_EMPTY;
        else if (et == CN_ENT_INDIVIDUAL) v = R_INDIVIDUAL;
        else {
          size_t nb = ents.n;
          if ((v = cn__strmap_intern(&ents, norm, strlen(norm))) < 0) goto oom;
          if (ents.n != nb) {
            int ty = (int)et;
            bool no = false;
            int32_t g = o->groups ? cn__strmap_get(&gnames, norm, strlen(norm)) : -1;
            if (g >= 0) g = gname_group[g];
            if (!push((void **)&ent_type, &nenttype, &capenttype, &ty, sizeof ty) ||
                !push((void **)&ent_foreign, &nforeign, &capforeign, &no, sizeof no) ||
                !push((void **)&ent_group, &nentgroup, &capentgroup, &g, sizeof g))
              goto oom;
          }
          ent_foreign[v] |= foreign;
        }
        if (!push((void **)&raw_ent, &nraw, &capraw, &v, sizeof v)) goto oom;
      }
      s = e ? e + seplen : NULL;
      int32_t id = raw_ent[ri];
      if (id >= 0 && pos < nct) {
        int c = country_kind(ctoks[pos].s, ctoks[pos].n);
        while (c && ncty < ents.n) {
          unsigned char z = 0;
          if (!push((void **)&ent_cty, &ncty, &capcty, &z, sizeof z)) goto oom;
        }
        if (c > ent_cty[id]) ent_cty[id] = (unsigned char)c;
      }
      pos++;
      if (id == R_EMPTY) continue;
      if (id == R_INDIVIDUAL) {
        if (first) drop = true;
        indiv++;
        first = false;
        continue;
      }
      first = false;
      bool dup = false;
      for (size_t q = 0; q < nmembers; q++) dup |= members[q] == id;
      if (!dup && !push((void **)&members, &nmembers, &capmembers, &id, sizeof id)) goto oom;
    }
    if (drop) {
      cnt->first_individual++;
      continue;
    }
    if (nmembers == 0) {
      cnt->no_applicants++;
      continue;
    }
    bool collab = nmembers >= 2;
    yc one = {a->year, collab};
    if (!push((void **)&ycs, &nycs, &capycs, &one, sizeof one)) goto oom;
    if (c_gy >= 0 && a->granted && a->type == T_INVENTION && a->gyear == NA_GYEAR) cnt->granted_no_year++;
    if (collab) {
      cnt->collaborative++;
      cnt->individuals += indiv;
      bool any_pair = false;
      for (size_t p = 0; p < nmembers; p++)
        for (size_t q = 0; more && q < nmembers; q++) {
          hrec h = {a->year, members[p], members[q], 1, 0};
          if (q != p && !push((void **)&prec, &nprec, &capprec, &h, sizeof h)) goto oom;
        }
      for (size_t p = 0; p < nmembers; p++)
        for (size_t q = p + 1; q < nmembers; q++) {
          if (o->groups && ent_group[members[p]] >= 0 && ent_group[members[p]] == ent_group[members[q]]) {
            cnt->group_pairs++;
            if (o->groups_drop) continue;
          }
          any_pair = true;
          for (int w = 0; w < window; w++) {
            pair pr = {a->year + w, members[p] < members[q] ? members[p] : members[q],
                       members[p] < members[q] ? members[q] : members[p], (int32_t)nmembers};
            if (!push((void **)&pairs, &npairs, &cappairs, &pr, sizeof pr)) goto oom;
          }
        }
      if (!any_pair) cnt->group_apps++;
    } else {
      cnt->single++;
    }
    /* entity-year records, one per IPC subclass when there are any */
    const char *ip = NULL;
    if (c_ipc >= 0 && !cn_table_is_na(t, c_ipc, a->row)) {
      if (!cn__cell_text(t, c_ipc, a->row, &cell)) goto oom;
      ip = cell.data;
    }
    for (size_t p = 0; p < nmembers; p++) {
      const char *q = ip;
      do {
        int32_t code = -1, lvl = -1;
        const char *e = q ? strstr(q, sep) : NULL;
        if (q) {
          size_t len = e ? (size_t)(e - q) : strlen(q);
          while (len && q[0] == ' ') q++, len--;
          size_t whole = len;
          if (len > 4) len = 4; /* subclass: "G06F" of "G06F 17/30" */
          if (len) {
            code = cn__strmap_intern(&ipcs, q, len);
            if (code < 0) goto oom;
          }
          if (more && len) { /* the code at the search's level */
            char lb[64];
            size_t ln = 0;
            if (o->ipc_level == CN_IPC_CLASS) {
              ln = len < 3 ? len : 3;
              memcpy(lb, q, ln);
            } else if (o->ipc_level == CN_IPC_GROUP) {
              for (size_t i = 0; i < whole && q[i] != '/' && ln < sizeof lb; i++)
                if (q[i] != ' ') lb[ln++] = q[i];
            } else {
              ln = len;
              memcpy(lb, q, ln);
            }
            if (ln && (lvl = cn__strmap_intern(&lvls, lb, ln)) < 0) goto oom;
          }
        }
        ey r = {a->year, members[p], (int32_t)ai, code, lvl, collab,
                a->granted && a->type == T_INVENTION};
        if (!push((void **)&eys, &neys, &capeys, &r, sizeof r)) goto oom;
        q = e ? e + seplen : NULL;
      } while (q);
    }
  }
  /* every application dropped: a filter or a column is wrong; say which
   * rules dropped them rather than write an empty network */
  if (napps > 0 && cnt->single + cnt->collaborative == 0) {
    char why[512] = "";
    size_t wl = 0;
    struct { int64_t n; const char *what; } reasons[] = {
        {cnt->not_invention, "not an invention patent (--keep-types all keeps every type)"},
        {cnt->no_year, "no year"},
        {cnt->no_applicants, "no organization applicant"},
        {cnt->first_individual, "first applicant an individual"}};
    for (size_t k = 0; k < sizeof reasons / sizeof *reasons; k++)
      if (reasons[k].n && wl < sizeof why)
        wl += (size_t)snprintf(why + wl, sizeof why - wl, "%s%lld %s", wl ? ", " : "",
                               (long long)reasons[k].n, reasons[k].what);
    st = cn_diag_set(d, CN_EDATA, "every one of the %lld applications was dropped: %s",
                     (long long)napps, why);
    goto done;
  }
  cn__job_part(NULL, 3, 3, 2.0 * (double)t->nrow, (double)t->nrow + 1);
  cn__progress("graphs", 0, 1);
  cn_free(raw_ent);
  raw_ent = NULL;
  cn__strmap_free(&raws);

  shrink((void **)&pairs, &cappairs, npairs, sizeof *pairs);

  /* 3. years: kept applications and collaborative ones */
  int64_t row;
  if (!sort_items(ycs, nycs, sizeof *ycs, K_YC, 0, 0, cmp_yc)) goto oom;
  size_t nyears = 0;
  for (size_t k = 0; k < nycs; k++)
    if (k == 0 || ycs[k].year != ycs[k - 1].year) nyears++;
  years = cn_table_new((int64_t)nyears);
  if (!years) goto oom;
  cn_column *a_y = add_col(years, "year", CN_INT64),
            *a_n = add_col(years, "applications", CN_INT64),
            *a_c = add_col(years, "collaborative", CN_INT64);
  if (!a_y || !a_n || !a_c) goto oom;
  row = -1;
  for (size_t k = 0; k < nycs; k++) {
    if (k == 0 || ycs[k].year != ycs[k - 1].year) {
      row++;
      a_y->i64[row] = ycs[k].year;
      a_n->i64[row] = a_c->i64[row] = 0;
    }
    a_n->i64[row]++;
    a_c->i64[row] += ycs[k].collab;
  }
  cn_free(ycs);
  ycs = NULL;

  /* 4. nodes: organizations in at least one collaborative application */
  size_t nent = ents.n;
  is_node = cn_calloc(nent + 1, sizeof *is_node);
  node_of = cn_malloc((nent + 1) * sizeof *node_of);
  if (!is_node || !node_of) goto oom;
  for (size_t k = 0; k < npairs; k++) is_node[pairs[k].a] = is_node[pairs[k].b] = true;
  int32_t nn = 0;
  for (size_t k = 0; k < nent; k++) node_of[k] = is_node[k] ? ++nn : 0;
  cnt->nodes = nn;
  nodes = cn_table_new(nn);
  if (!nodes) goto oom;
  cn_column *n_id = add_col(nodes, "node_id", CN_INT64), *n_name = add_col(nodes, "name", CN_STRING),
            *n_type = add_col(nodes, "type", CN_STRING);
  if (!n_id || !n_name || !n_type) goto oom;
  for (size_t k = 0; k < nent; k++) {
    if (!is_node[k]) continue;
    int32_t r = node_of[k] - 1;
    n_id->i64[r] = node_of[k];
    const char *tn = cn_entity_type_name((cn_entity_type)ent_type[k]);
    if ((n_name->codes[r] = cn__col_level(n_name, ents.strs[k], ents.lens[k])) < 0 ||
        (n_type->codes[r] = cn__col_level(n_type, tn, strlen(tn))) < 0)
      goto oom;
  }

  /* the tables of every organization, before the records of organizations
   * that are not nodes go */
  if (more) {
    /* --country decides the foreign flag where it speaks */
    for (size_t k = 0; k < ncty && k < nent; k++) {
      if (!ent_cty[k]) continue;
      cnt->country_orgs++;
      bool f = ent_cty[k] == 2;
      if (f != ent_foreign[k]) cnt->country_changed++;
      ent_foreign[k] = f;
    }
    if (!sort_items(eys, neys, sizeof *eys, K_EY, nent, 0, cmp_ey_app)) goto oom;
    more_in mi = {o, eys, neys, apps, &ents, ent_type, ent_foreign, o->groups ? ent_group : NULL, &gids,
                  node_of, prec, nprec, c_ipc >= 0, c_gy >= 0};
    if (!build_more(&mi, more)) goto oom;
    cn_free(prec);
    prec = NULL;
  }
  cn_free(apps);
  apps = NULL;
  /* group names of no organization in the records */
  for (size_t k = 0; k < gnames.n; k++)
    if (cn__strmap_get(&ents, gnames.strs[k], gnames.lens[k]) < 0) cnt->group_unmatched++;

  /* only the records of nodes count from here on: drop the others (order
   * kept) and give the memory back before the big sorts */
  size_t kept = 0;
  for (size_t k = 0; k < neys; k++)
    if (is_node[eys[k].ent]) eys[kept++] = eys[k];
  neys = kept;
  shrink((void **)&eys, &capeys, neys, sizeof *eys);

  /* 5. node-years (before the edges: the peak of memory is lower): patents, joint, own, granted inventions, IPC breadth;
   * eys holds a record per (application, node, IPC code). */
  if (!sort_items(eys, neys, sizeof *eys, K_EY, nent, 0, cmp_ey_app)) goto oom;
  size_t nny = 0;
  for (size_t k = 0; k < neys; k++)
    if (k == 0 || !same_ey(&eys[k], &eys[k - 1])) nny++;
  ny = cn_table_new((int64_t)nny);
  if (!ny) goto oom;
  cn_column *y_id = add_col(ny, "node_id", CN_INT64), *y_y = add_col(ny, "year", CN_INT64),
            *y_p = add_col(ny, "patents", CN_INT64), *y_j = add_col(ny, "joint_patents", CN_INT64),
            *y_o = add_col(ny, "own_patents", CN_INT64),
            *y_g = add_col(ny, "granted_inventions", CN_INT64),
            *y_b = add_col(ny, "ipc_breadth", CN_INT64);
  if (!y_id || !y_y || !y_p || !y_j || !y_o || !y_g || !y_b) goto oom;
  row = -1;
  for (size_t k = 0; k < neys; k++) {
    const ey *r = &eys[k];
    if (k == 0 || !same_ey(r, &eys[k - 1])) {
      row++;
      y_id->i64[row] = node_of[r->ent];
      y_y->i64[row] = r->year;
      y_p->i64[row] = y_j->i64[row] = y_g->i64[row] = 0;
    }
    if (k > 0 && same_ey(r, &eys[k - 1]) && r->app == eys[k - 1].app) continue;
    y_p->i64[row]++;
    y_j->i64[row] += r->joint;
    y_g->i64[row] += r->granted;
  }
  for (int64_t r = 0; r <= row; r++) y_o->i64[r] = y_p->i64[r] - y_j->i64[r];
  /* the same node-year rows, in the same order, counting distinct codes */
  if (c_ipc >= 0 && !sort_items(eys, neys, sizeof *eys, K_EY_IPC, nent, ipcs.n, cmp_ey_ipc))
    goto oom;
  row = -1;
  for (size_t k = 0; k < neys; k++) {
    const ey *r = &eys[k];
    bool new_row = k == 0 || !same_ey(r, &eys[k - 1]);
    if (new_row) y_b->i64[++row] = c_ipc >= 0 ? 0 : CN_NA_INT64;
    if (c_ipc >= 0 && r->ipc >= 0 && (new_row || r->ipc != eys[k - 1].ipc)) y_b->i64[row]++;
  }
  cn_free(eys);
  eys = NULL;
  /* 6. edges: pairs summed per year */
  if (!sort_items(pairs, npairs, sizeof *pairs, K_PAIR, nent, 0, cmp_pair)) goto oom;
  size_t ne = 0;
  for (size_t k = 0; k < npairs; k++)
    if (k == 0 || !same_pair(&pairs[k], &pairs[k - 1])) ne++;
  cnt->edges = (int64_t)ne;
  edges = cn_table_new((int64_t)ne);
  if (!edges) goto oom;
  cn_column *e_y = add_col(edges, "year", CN_INT64), *e_u = add_col(edges, "u", CN_INT64),
            *e_v = add_col(edges, "v", CN_INT64),
            *e_w = add_col(edges, "weight", o->newman ? CN_DOUBLE : CN_INT64);
  cn_column *e_g = o->groups && !o->groups_drop ? add_col(edges, "within_group", CN_INT64) : NULL;
  if (!e_y || !e_u || !e_v || !e_w || (o->groups && !o->groups_drop && !e_g)) goto oom;
  row = -1;
  for (size_t k = 0; k < npairs; k++) {
    if (k == 0 || !same_pair(&pairs[k], &pairs[k - 1])) {
      row++;
      e_y->i64[row] = pairs[k].year;
      e_u->i64[row] = node_of[pairs[k].a];
      e_v->i64[row] = node_of[pairs[k].b];
      if (o->newman) e_w->dbl[row] = 0;
      else e_w->i64[row] = 0;
      if (e_g) {
        int32_t ga = ent_group[pairs[k].a];
        e_g->i64[row] = ga >= 0 && ga == ent_group[pairs[k].b];
        cnt->group_edges += e_g->i64[row];
      }
    }
    if (o->newman) e_w->dbl[row] += 1.0 / (double)(pairs[k].k - 1);
    else e_w->i64[row]++;
  }
  cn_free(pairs);
  pairs = NULL;

  *nodes_out = nodes;
  *edges_out = edges;
  *ny_out = ny;
  *years_out = years;
  nodes = edges = ny = years = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (job) cn__job_end();
  cn_table_free(nodes);
  cn_table_free(edges);
  cn_table_free(ny);
  cn_table_free(years);
  cn_free(ycs);
  cn_free(slots);
  cn__strmap_free(&ents);
  cn__strmap_free(&ipcs);
  cn__strmap_free(&raws);
  cn__strmap_free(&lvls);
  cn__strmap_free(&gnames);
  cn__strmap_free(&gids);
  cn_free(ent_foreign);
  cn_free(ent_cty);
  cn_free(ctoks);
  cn__buf_free(&ccell);
  cn_free(ent_group);
  cn_free(gname_group);
  cn_free(prec);
  if (st != CN_OK && more) {
    cn_table_free(more->orgs);
    cn_table_free(more->org_year);
    cn_table_free(more->search);
    memset(more, 0, sizeof *more);
  }
  cn_free(raw_ent);
  cn_free(apps);
  cn_free(pairs);
  cn_free(eys);
  cn_free(ent_type);
  cn_free(node_of);
  cn_free(is_node);
  cn_free(members);
  cn_free(norm);
  cn__buf_free(&cell);
  cn__buf_free(&key);
  cn__buf_free(&other);
  return st;
}
