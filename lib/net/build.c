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
#include "coinnet/names.h"
#include "net_int.h"

enum { T_INVENTION, T_UTILITY, T_DESIGN, T_OTHER };

typedef struct app {
  int64_t year;
  int32_t row; /* the first publication's row */
  int type;
  bool granted;
} app;

typedef struct pair {
  int64_t year;
  int32_t a, b; /* entity ids, a < b */
  double w;     /* 1, or 1/(k-1) with Newman's weights */
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
  int32_t ent;
  int64_t year;
  int32_t app, joint, granted, ipc; /* ipc: code id or -1 */
} ey;

static int cmp_pair(const void *x, const void *y) {
  const pair *p = x, *q = y;
  if (p->year != q->year) return p->year < q->year ? -1 : 1;
  if (p->a != q->a) return p->a < q->a ? -1 : 1;
  return (p->b > q->b) - (p->b < q->b);
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

/* Splits a publication number "CN110210173B" into its stem "CN110210173"
 * (length returned) and kind code "B" (*kind, may be empty). */
static size_t pub_stem(const char *s, const char **kind) {
  size_t n = strlen(s), i = n;
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

static int type_of_kind(const char *kind) {
  switch (toupper((unsigned char)kind[0])) {
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

/* The year from a date's first four digits ("2019-06-20", "20190620"). */
static int64_t year_of(const char *s) {
  while (*s && !isdigit((unsigned char)*s)) s++;
  if (strlen(s) < 4) return CN_NA_INT64;
  for (int i = 0; i < 4; i++)
    if (!isdigit((unsigned char)s[i])) return CN_NA_INT64;
  int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  return y >= 1800 && y <= 2200 ? y : CN_NA_INT64;
}

static int col_or_fail(const cn_table *t, const char *name, const char *what, cn_diag *d) {
  int c = cn_table_find(t, name);
  if (c < 0) cn_diag_set(d, CN_EUSAGE, "no column \"%s\" for %s", name, what);
  return c;
}

/* Appends x (elem bytes) to *arr holding *n of capacity *cap. */
static bool push(void **arr, size_t *n, size_t *cap, const void *x, size_t elem) {
  if (!cn__grow(arr, cap, *n + 1, elem)) return false;
  memcpy((char *)*arr + *n * elem, x, elem);
  (*n)++;
  return true;
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

cn_status cn_net_build(const cn_table *t, const cn_build_opts *o, cn_table **nodes_out,
                       cn_table **edges_out, cn_table **ny_out, cn_table **years_out,
                       cn_build_counts *cnt, cn_diag *d) {
  cn_status st = CN_OK;
  cn_strmap keys = {0}, ents = {0}, ipcs = {0};
  app *apps = NULL;
  pair *pairs = NULL;
  ey *eys = NULL;
  int *ent_type = NULL;
  int32_t *node_of = NULL, *members = NULL;
  bool *is_node = NULL;
  size_t napps = 0, capapps = 0, npairs = 0, cappairs = 0, neys = 0, capeys = 0;
  size_t nenttype = 0, capenttype = 0, nmembers = 0, capmembers = 0, nycs = 0, capycs = 0;
  yc *ycs = NULL;
  char *norm = NULL, cell[4096];
  cn_table *nodes = NULL, *edges = NULL, *ny = NULL, *years = NULL;
  const char *sep = o->app_sep ? o->app_sep : " | ";
  size_t seplen = strlen(sep);
  int window = o->window > 1 ? o->window : 1;
  memset(cnt, 0, sizeof *cnt);
  *nodes_out = *edges_out = *ny_out = *years_out = NULL;

  if (!o->applicants || !*sep) {
    st = cn_diag_set(d, CN_EUSAGE, "the applicants column (--applicants) is required");
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
  if (c_app < 0 || c_id < 0 || (o->app_id && c_aid < 0) || (o->date && c_date < 0) ||
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

  /* 1. publications → applications */
  cnt->records = t->nrow;
  for (int64_t r = 0; r < t->nrow; r++) {
    char id[512], key[1024], date[128];
    cn_table_cell_text(t, c_id, r, id, sizeof id);
    const char *kind = "";
    size_t stem = pub_stem(id, &kind);
    int type = c_type >= 0 ? (cn_table_cell_text(t, c_type, r, cell, sizeof cell), type_of_text(cell))
                           : type_of_kind(kind);
    int64_t year = CN_NA_INT64;
    if (c_pub >= 0) {
      cn_table_cell_text(t, c_pub, r, date, sizeof date);
      year = year_of(date);
    } else if (c_year >= 0) {
      double y = cn_table_get_num(t, c_year, r);
      year = isnan(y) ? CN_NA_INT64 : (int64_t)y;
    } else {
      cn_table_cell_text(t, c_date, r, date, sizeof date);
      year = year_of(date);
    }
    int klen;
    if (c_aid >= 0 && !cn_table_is_na(t, c_aid, r)) {
      char aid[512];
      cn_table_cell_text(t, c_aid, r, aid, sizeof aid);
      klen = snprintf(key, sizeof key, "a:%s", aid);
    } else {
      /* the application date (or year) tells reissued numbers apart; with
       * only a publication date, the stem alone identifies the application */
      if (c_date >= 0) cn_table_cell_text(t, c_date, r, date, sizeof date);
      else if (c_year >= 0) cn_table_cell_text(t, c_year, r, date, sizeof date);
      else date[0] = '\0';
      klen = snprintf(key, sizeof key, "p:%.*s|%s", (int)stem, id, date);
    }
    size_t before = keys.n;
    int32_t k = cn__strmap_intern(&keys, key, (size_t)(klen < (int)sizeof key ? klen : (int)sizeof key - 1));
    if (k < 0) goto oom;
    bool grant = type == T_INVENTION && (toupper((unsigned char)kind[0]) == 'B' ||
                                         toupper((unsigned char)kind[0]) == 'C');
    if (keys.n == before) { /* another publication of a known application */
      cnt->merged++;
      apps[k].granted |= grant;
      continue;
    }
    app a = {year, (int32_t)r, type, grant};
    if (!push((void **)&apps, &napps, &capapps, &a, sizeof a)) goto oom;
  }
  cnt->applications = (int64_t)napps;

  /* 2. applicants of each application */
  for (size_t ai = 0; ai < napps; ai++) {
    app *a = &apps[ai];
    if (!o->all_types && a->type != T_INVENTION) {
      cnt->not_invention++;
      continue;
    }
    if (a->year == CN_NA_INT64) {
      cnt->no_year++;
      continue;
    }
    if (cn_table_is_na(t, c_app, a->row)) {
      cnt->no_applicants++;
      continue;
    }
    const char *s = cn_table_level(t, c_app, cn_table_codes(t, c_app)[a->row]);
    nmembers = 0;
    int64_t indiv = 0;
    bool first = true, drop = false;
    while (s) {
      const char *e = strstr(s, sep);
      size_t len = e ? (size_t)(e - s) : strlen(s);
      char *raw = cn_strndup(s, len);
      if (!raw) goto oom;
      cn_free(norm);
      norm = NULL;
      st = cn_name_normalize(raw, &norm, d);
      /* the type is read from the full name: the legal form is a clue */
      cn_entity_type et = st == CN_OK ? cn_name_classify(raw, NULL) : CN_ENT_OTHER;
      cn_free(raw);
      if (st != CN_OK) goto done;
      s = e ? e + seplen : NULL;
      if (!*norm) continue;
      if (et == CN_ENT_INDIVIDUAL) {
        if (first) drop = true;
        indiv++;
        first = false;
        continue;
      }
      first = false;
      size_t before = ents.n;
      int32_t id = cn__strmap_intern(&ents, norm, strlen(norm));
      if (id < 0) goto oom;
      if (ents.n != before) {
        int ty = (int)et;
        if (!push((void **)&ent_type, &nenttype, &capenttype, &ty, sizeof ty)) goto oom;
      }
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
    if (collab) {
      cnt->collaborative++;
      cnt->individuals += indiv;
      for (size_t p = 0; p < nmembers; p++)
        for (size_t q = p + 1; q < nmembers; q++)
          for (int w = 0; w < window; w++) {
            pair pr = {a->year + w, members[p] < members[q] ? members[p] : members[q],
                       members[p] < members[q] ? members[q] : members[p],
                       o->newman ? 1.0 / (double)(nmembers - 1) : 1.0};
            if (!push((void **)&pairs, &npairs, &cappairs, &pr, sizeof pr)) goto oom;
          }
    } else {
      cnt->single++;
    }
    /* entity-year records, one per IPC subclass when there are any */
    const char *ip = NULL;
    if (c_ipc >= 0 && !cn_table_is_na(t, c_ipc, a->row)) {
      cn_table_cell_text(t, c_ipc, a->row, cell, sizeof cell);
      ip = cell;
    }
    for (size_t p = 0; p < nmembers; p++) {
      const char *q = ip;
      do {
        int32_t code = -1;
        const char *e = q ? strstr(q, sep) : NULL;
        if (q) {
          size_t len = e ? (size_t)(e - q) : strlen(q);
          while (len && q[0] == ' ') q++, len--;
          if (len > 4) len = 4; /* subclass: "G06F" of "G06F 17/30" */
          if (len) {
            code = cn__strmap_intern(&ipcs, q, len);
            if (code < 0) goto oom;
          }
        }
        ey r = {members[p], a->year, (int32_t)ai, collab, a->granted && a->type == T_INVENTION,
                code};
        if (!push((void **)&eys, &neys, &capeys, &r, sizeof r)) goto oom;
        q = e ? e + seplen : NULL;
      } while (q);
    }
  }

  /* 3. nodes: organizations in at least one collaborative application */
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

  /* 4. edges: pairs summed per year */
  qsort(pairs, npairs, sizeof *pairs, cmp_pair);
  size_t ne = 0;
  for (size_t k = 0; k < npairs; k++)
    if (k == 0 || cmp_pair(&pairs[k], &pairs[k - 1]) != 0) ne++;
  cnt->edges = (int64_t)ne;
  edges = cn_table_new((int64_t)ne);
  if (!edges) goto oom;
  cn_column *e_y = add_col(edges, "year", CN_INT64), *e_u = add_col(edges, "u", CN_INT64),
            *e_v = add_col(edges, "v", CN_INT64),
            *e_w = add_col(edges, "weight", o->newman ? CN_DOUBLE : CN_INT64);
  if (!e_y || !e_u || !e_v || !e_w) goto oom;
  int64_t row = -1;
  for (size_t k = 0; k < npairs; k++) {
    if (k == 0 || cmp_pair(&pairs[k], &pairs[k - 1]) != 0) {
      row++;
      e_y->i64[row] = pairs[k].year;
      e_u->i64[row] = node_of[pairs[k].a];
      e_v->i64[row] = node_of[pairs[k].b];
      if (o->newman) e_w->dbl[row] = 0;
      else e_w->i64[row] = 0;
    }
    if (o->newman) e_w->dbl[row] += pairs[k].w;
    else e_w->i64[row]++;
  }

  /* 5. node-years: patents, joint, own, granted inventions, IPC breadth;
   * eys holds a record per (application, entity, IPC code). */
  qsort(eys, neys, sizeof *eys, cmp_ey_app);
  size_t nny = 0;
  for (size_t k = 0; k < neys; k++)
    if (is_node[eys[k].ent] && (k == 0 || !same_ey(&eys[k], &eys[k - 1]))) nny++;
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
    if (!is_node[r->ent]) continue;
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
  qsort(eys, neys, sizeof *eys, cmp_ey_ipc);
  row = -1;
  for (size_t k = 0; k < neys; k++) {
    const ey *r = &eys[k];
    if (!is_node[r->ent]) continue;
    bool new_row = k == 0 || !same_ey(r, &eys[k - 1]);
    if (new_row) y_b->i64[++row] = c_ipc >= 0 ? 0 : CN_NA_INT64;
    if (c_ipc >= 0 && r->ipc >= 0 && (new_row || r->ipc != eys[k - 1].ipc)) y_b->i64[row]++;
  }
  /* 6. years: kept applications and collaborative ones */
  qsort(ycs, nycs, sizeof *ycs, cmp_yc);
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
  *nodes_out = nodes;
  *edges_out = edges;
  *ny_out = ny;
  *years_out = years;
  nodes = edges = ny = years = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_table_free(nodes);
  cn_table_free(edges);
  cn_table_free(ny);
  cn_table_free(years);
  cn_free(ycs);
  cn__strmap_free(&keys);
  cn__strmap_free(&ents);
  cn__strmap_free(&ipcs);
  cn_free(apps);
  cn_free(pairs);
  cn_free(eys);
  cn_free(ent_type);
  cn_free(node_of);
  cn_free(is_node);
  cn_free(members);
  cn_free(norm);
  return st;
}
