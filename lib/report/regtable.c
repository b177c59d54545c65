/* lib/report/regtable.c — esttab-like regression tables. The models are
 * first laid out as a grid of cells (header, coefficient and statistic
 * rows, notes); each format then renders the grid: aligned text, Markdown,
 * LaTeX booktabs, CSV, HTML, or an Excel workbook through libxlsxwriter. */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include "../base/base_int.h"
#include "coinnet/regtable.h"

typedef enum ckind { CK_EMPTY, CK_TEXT, CK_B, CK_SE, CK_N, CK_STAT } ckind;

typedef struct cell {
  ckind kind;
  const char *text; /* CK_TEXT */
  double x;         /* CK_B, CK_SE, CK_STAT */
  int64_t n;        /* CK_N */
  int stars;        /* CK_B */
} cell;

/* Row labels that differ by format. */
typedef enum lkind { LK_TEXT, LK_R2, LK_WR2 } lkind;

typedef struct row {
  int section; /* 0 header, 1 coefficients, 2 fixed effects and statistics */
  lkind lk;
  const char *label;
  cell *c; /* one per model */
} row;

typedef struct grid {
  int ncol, nrow;
  row *rows;
  size_t caprows;
  char *se_note; /* what the parentheses hold (plain text) */
  char **owned;  /* strings made here */
  size_t nowned, capowned;
  bool failed;
} grid;

void cn_regtable_opts_init(cn_regtable_opts *o) {
  memset(o, 0, sizeof *o);
  o->format = CN_REGTABLE_TXT;
  o->digits = 3;
  o->n_stars = 3;
  o->stars[0] = 0.10, o->stars[1] = 0.05, o->stars[2] = 0.01;
}

static const char *const format_names[] = {"txt", "md", "tex", "csv", "html", "xlsx"};

bool cn_regtable_format_by_name(const char *name, cn_regtable_format *out) {
  for (int k = 0; k < 6; k++)
    if (name && !strcmp(name, format_names[k])) {
      *out = (cn_regtable_format)k;
      return true;
    }
  return false;
}

bool cn_regtable_format_by_path(const char *path, cn_regtable_format *out) {
  const char *dot = path ? strrchr(path, '.') : NULL;
  if (!dot || strchr(dot, '/')) return false;
  if (!strcmp(dot + 1, "htm")) {
    *out = CN_REGTABLE_HTML;
    return true;
  }
  return cn_regtable_format_by_name(dot + 1, out);
}

/* ---- the grid -------------------------------------------------------- */

/* Keeps s (made with cn_malloc) until the grid is freed; returns it (NULL
 * when s is NULL, which marks the grid failed). */
static const char *own(grid *g, char *s) {
  if (!s || !cn__grow((void **)&g->owned, &g->capowned, g->nowned + 1, sizeof *g->owned)) {
    cn_free(s);
    g->failed = true;
    return NULL;
  }
  g->owned[g->nowned++] = s;
  return s;
}

static const char *ownf(grid *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *ownf(grid *g, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n >= 0 && (s = cn_malloc((size_t)n + 1))) {
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  return own(g, s);
}

/* A new row of empty cells at the end; NULL when out of memory. */
static row *add_row(grid *g, int section, lkind lk, const char *label) {
  if (!cn__grow((void **)&g->rows, &g->caprows, (size_t)g->nrow + 1, sizeof *g->rows)) {
    g->failed = true;
    return NULL;
  }
  row *r = &g->rows[g->nrow];
  r->c = cn_calloc((size_t)g->ncol, sizeof *r->c);
  if (!r->c) {
    g->failed = true;
    return NULL;
  }
  g->nrow++;
  r->section = section, r->lk = lk, r->label = label;
  return r;
}

static void grid_free(grid *g) {
  for (int i = 0; i < g->nrow; i++) cn_free(g->rows[i].c);
  cn_free(g->rows);
  for (size_t i = 0; i < g->nowned; i++) cn_free(g->owned[i]);
  cn_free(g->owned);
  cn_free(g->se_note);
}

/* Index of the labels of o (name -> label), the first label of a name
 * winning; labels[id] is the label of the name with map id `id`. */
typedef struct label_index {
  cn_strmap map;
  const char **labels;
  size_t cap;
} label_index;

/* Fills li from o; false when out of memory. */
static bool label_index_build(label_index *li, const cn_regtable_opts *o) {
  for (int i = 0; i < o->n_labels; i++) {
    const char *nm = o->label_names[i], *lb = o->labels[i];
    if (!nm || !lb) continue;
    size_t before = li->map.n;
    int32_t id = cn__strmap_intern(&li->map, nm, strlen(nm));
    if (id < 0 || !cn__grow((void **)&li->labels, &li->cap, li->map.n, sizeof *li->labels)) return false;
    if ((size_t)id == before) li->labels[id] = lb;
  }
  return true;
}

static void label_index_free(label_index *li) {
  cn__strmap_free(&li->map);
  cn_free(li->labels);
}

/* The label of name, or NULL. */
static const char *label_of(const label_index *li, const char *name) {
  int32_t id = cn__strmap_get(&li->map, name, strlen(name));
  return id >= 0 ? li->labels[id] : NULL;
}

static bool matches_any(const char *const *pat, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (pat[i] && fnmatch(pat[i], name, 0) == 0) return true;
  return false;
}

/* The coefficients of one model by name: the map's id k is m->coef[k]'s
 * name when the model's names are distinct (coefficients without a name
 * are skipped: at[k] is the coefficient of id k). */
typedef struct coef_index {
  cn_strmap map;
  int *at;
} coef_index;

/* Indexes m's coefficients. Two coefficients with the same name would
 * leave one of them out of the table: that is refused as a data error
 * naming the model's column (col, 1-based) and the name. */
static cn_status coef_index_build(coef_index *ci, const cn_model *m, int col, cn_diag *d) {
  if (!(ci->at = cn_malloc(((size_t)(m->ncoef > 0 ? m->ncoef : 0) + 1) * sizeof *ci->at)))
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int a = 0; a < m->ncoef; a++) {
    const char *nm = m->coef[a].name;
    if (!nm) continue;
    size_t before = ci->map.n;
    int32_t id = cn__strmap_intern(&ci->map, nm, strlen(nm));
    if (id < 0) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
    if ((size_t)id != before) {
      cn_diag_set(d, CN_EDATA, "model (%d) has two coefficients named \"%s\" (numbers %d and %d)",
                  col, nm, ci->at[id] + 1, a + 1);
      cn_diag_hint(d, "a table row is one coefficient name: rename one of them");
      return CN_EDATA;
    }
    ci->at[id] = a;
  }
  return CN_OK;
}

static void coef_index_free(coef_index *ci) {
  cn__strmap_free(&ci->map);
  cn_free(ci->at);
}

/* Coefficient `name` of the model indexed by ci, or NULL. */
static const cn_coef *find_coef(const cn_model *m, const coef_index *ci, const char *name) {
  int32_t id = cn__strmap_get(&ci->map, name, strlen(name));
  return id >= 0 ? &m->coef[ci->at[id]] : NULL;
}

static int stars_of(const cn_regtable_opts *o, double p) {
  int s = 0;
  if (!isfinite(p)) return 0;
  for (int k = 0; k < o->n_stars; k++)
    if (p < o->stars[k]) s = k + 1;
  return s;
}

/* The cluster variables of m joined by sep, or "" (a new string). */
static char *cluster_list(const cn_model *m, const char *sep) {
  cn_buf b = {0};
  if (m->vce == CN_VCE_CLUSTER)
    for (int q = 0; q < m->n_cluster; q++)
      cn__buf_printf(&b, "%s%s", q ? sep : "", m->cluster[q] ? m->cluster[q] : "");
  cn__buf_append(&b, "", 1);
  if (b.failed) {
    cn__buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* What model m's errors are, for the note: "clustered by firm", "robust",
 * or "" (conventional); a new string, NULL when out of memory. */
static char *se_kind(const cn_model *m) {
  if (m->vce == CN_VCE_ROBUST) return cn_strdup("robust");
  if (m->vce != CN_VCE_CLUSTER || m->n_cluster == 0) return cn_strdup("");
  char *c = cluster_list(m, " and ");
  if (!c) return NULL;
  size_t n = strlen(c) + 16;
  char *s = cn_malloc(n);
  if (s) snprintf(s, n, "clustered by %s", c);
  cn_free(c);
  return s;
}

/* The note on the standard errors: "Standard errors in parentheses,
 * clustered by firm" when every model clusters alike; otherwise the
 * columns of each kind ("...: clustered by firm in (1), (2); robust in
 * (3)"). A new string, NULL when out of memory. */
static char *se_note(const cn_model *const *m, int n) {
  char **kind = cn_calloc((size_t)n, sizeof *kind), *s = NULL;
  cn_buf b = {0};
  bool same = true;
  if (!kind) return NULL;
  for (int j = 0; j < n; j++) {
    if (!(kind[j] = se_kind(m[j]))) goto done;
    same = same && !strcmp(kind[j], kind[0]);
  }
  if (same && !strcmp(kind[0], "robust")) cn__buf_printf(&b, "Robust standard errors in parentheses");
  else if (same) cn__buf_printf(&b, "Standard errors in parentheses%s%s", *kind[0] ? ", " : "", kind[0]);
  else {
    cn__buf_printf(&b, "Standard errors in parentheses");
    int groups = 0;
    for (int j = 0; j < n; j++) {
      bool first = *kind[j] != '\0';
      for (int k = 0; k < j && first; k++) first = strcmp(kind[k], kind[j]) != 0;
      if (!first) continue;
      cn__buf_printf(&b, "%s%s in", groups++ ? "; " : ": ", kind[j]);
      for (int k = j, c = 0; k < n; k++)
        if (!strcmp(kind[k], kind[j])) cn__buf_printf(&b, "%s (%d)", c++ ? "," : "", k + 1);
    }
  }
  cn__buf_append(&b, "", 1);
  if (!b.failed) s = b.data, b.data = NULL;
done:
  cn__buf_free(&b);
  for (int j = 0; j < n; j++) cn_free(kind[j]);
  cn_free(kind);
  return s;
}

/* Lays the models out. Usage errors (patterns matching nothing, nothing
 * left) are CN_EUSAGE; a model with two coefficients of one name is
 * CN_EDATA. Names are looked up through hash maps, so the time grows
 * with the number of coefficients, not its square. */
static cn_status build_grid(const cn_model *const *m, int n, const cn_regtable_opts *o, grid *g,
                            cn_diag *d) {
  cn_status st = CN_OK;
  const char **names = NULL;
  size_t nnames = 0, capnames = 0;
  cn_strmap seen = {0};
  label_index li = {0};
  coef_index *ci = cn_calloc((size_t)n + 1, sizeof *ci);
  g->ncol = n;
  if (!ci || !label_index_build(&li, o)) goto oom;
  for (int j = 0; j < n; j++)
    if ((st = coef_index_build(&ci[j], m[j], j + 1, d)) != CN_OK) goto done;
  /* coefficient names: first appearance, _cons last */
  for (int pass = 0; pass < 2; pass++)
    for (int j = 0; j < n; j++)
      for (int a = 0; a < m[j]->ncoef; a++) {
        const char *nm = m[j]->coef[a].name;
        if (!nm || (strcmp(nm, "_cons") == 0) != (pass == 1)) continue;
        size_t before = seen.n;
        int32_t id = cn__strmap_intern(&seen, nm, strlen(nm));
        if (id < 0) goto oom;
        if ((size_t)id != before) continue;
        if (!cn__grow((void **)&names, &capnames, nnames + 1, sizeof *names)) goto oom;
        names[nnames++] = nm;
      }
  for (int pass = 0; pass < 2; pass++) {
    const char *const *pat = pass ? o->drop : o->keep;
    int np = pass ? o->n_drop : o->n_keep;
    for (int i = 0; i < np; i++) {
      bool any = false;
      for (size_t q = 0; q < nnames && !any; q++) any = pat[i] && fnmatch(pat[i], names[q], 0) == 0;
      if (!any) {
        st = cn_diag_set(d, CN_EUSAGE, "%s: no coefficient matches \"%s\"", pass ? "drop" : "keep",
                         pat[i] ? pat[i] : "");
        goto done;
      }
    }
  }
  size_t kept = 0;
  for (size_t q = 0; q < nnames; q++)
    if ((o->n_keep == 0 || matches_any(o->keep, o->n_keep, names[q])) &&
        !matches_any(o->drop, o->n_drop, names[q]))
      names[kept++] = names[q];
  if (kept == 0 && nnames > 0) {
    st = cn_diag_set(d, CN_EUSAGE, "keep and drop leave no coefficient to show");
    goto done;
  }
  nnames = kept;

  row *h1 = add_row(g, 0, LK_TEXT, ""), *h2 = add_row(g, 0, LK_TEXT, "");
  for (int j = 0; h1 && h2 && j < n; j++) {
    h1->c[j] = (cell){.kind = CK_TEXT, .text = ownf(g, "(%d)", j + 1)};
    const char *dv = m[j]->depvar ? m[j]->depvar : "";
    const char *lb = label_of(&li, dv);
    h2->c[j] = (cell){.kind = CK_TEXT, .text = lb ? lb : dv};
  }
  for (size_t q = 0; q < nnames && !g->failed; q++) {
    const char *lb = label_of(&li, names[q]);
    row *rb = add_row(g, 1, LK_TEXT, lb ? lb : names[q]), *rs = add_row(g, 1, LK_TEXT, "");
    for (int j = 0; rb && rs && j < n; j++) {
      const cn_coef *c = find_coef(m[j], &ci[j], names[q]);
      if (!c) continue;
      if (isfinite(c->b)) rb->c[j] = (cell){.kind = CK_B, .x = c->b, .stars = stars_of(o, c->p)};
      if (isfinite(c->se)) rs->c[j] = (cell){.kind = CK_SE, .x = c->se};
    }
  }
  /* fixed effects in order of first appearance */
  for (int j = 0; j < n && !g->failed; j++)
    for (int f = 0; f < m[j]->n_fe; f++) {
      const char *fe = m[j]->fe[f].name ? m[j]->fe[f].name : "";
      bool seen = false;
      for (int k = 0; k < j && !seen; k++)
        for (int f2 = 0; f2 < m[k]->n_fe && !seen; f2++)
          seen = m[k]->fe[f2].name && !strcmp(m[k]->fe[f2].name, fe);
      for (int f2 = 0; f2 < f && !seen; f2++) seen = m[j]->fe[f2].name && !strcmp(m[j]->fe[f2].name, fe);
      if (seen) continue;
      const char *lb = label_of(&li, fe);
      row *r = add_row(g, 2, LK_TEXT, lb ? lb : ownf(g, "%s FE", fe));
      for (int k = 0; r && k < n; k++)
        for (int f2 = 0; f2 < m[k]->n_fe; f2++)
          if (m[k]->fe[f2].name && !strcmp(m[k]->fe[f2].name, fe))
            r->c[k] = (cell){.kind = CK_TEXT, .text = "Yes"};
    }
  bool any_cl = false, any_fe = false;
  for (int j = 0; j < n; j++) {
    any_cl = any_cl || (m[j]->vce == CN_VCE_CLUSTER && m[j]->n_cluster > 0);
    any_fe = any_fe || (m[j]->n_fe > 0 && isfinite(m[j]->r2_within));
  }
  if (any_cl) {
    row *r = add_row(g, 2, LK_TEXT, "Clusters");
    for (int j = 0; r && j < n; j++) {
      const char *s = own(g, cluster_list(m[j], ", "));
      if (s && *s) r->c[j] = (cell){.kind = CK_TEXT, .text = s};
    }
  }
  row *rn = add_row(g, 2, LK_TEXT, "N");
  for (int j = 0; rn && j < n; j++) rn->c[j] = (cell){.kind = CK_N, .n = m[j]->nobs};
  if (any_fe) {
    row *r = add_row(g, 2, LK_WR2, "Within R2");
    for (int j = 0; r && j < n; j++)
      if (m[j]->n_fe > 0 && isfinite(m[j]->r2_within))
        r->c[j] = (cell){.kind = CK_STAT, .x = m[j]->r2_within};
  }
  bool any_r2 = false, any_pr2 = false, any_kp = false, any_weak = false, any_fs = false;
  for (int j = 0; j < n; j++) {
    any_r2 = any_r2 || isfinite(m[j]->r2);
    any_pr2 = any_pr2 || isfinite(m[j]->pseudo_r2);
    any_kp = any_kp || isfinite(m[j]->kp_lm);
    any_weak = any_weak || isfinite(m[j]->kp_wald_f) || isfinite(m[j]->cd_f);
    any_fs = any_fs || (m[j]->n_first == 1 && isfinite(m[j]->first[0].F));
  }
  if (any_r2) {
    row *r2 = add_row(g, 2, LK_R2, "R2");
    for (int j = 0; r2 && j < n; j++)
      if (isfinite(m[j]->r2)) r2->c[j] = (cell){.kind = CK_STAT, .x = m[j]->r2};
  }
  if (any_pr2) {
    row *r = add_row(g, 2, LK_TEXT, "Pseudo R2");
    for (int j = 0; r && j < n; j++)
      if (isfinite(m[j]->pseudo_r2)) r->c[j] = (cell){.kind = CK_STAT, .x = m[j]->pseudo_r2};
  }
  if (any_fs) { /* the first stage's F of the excluded instruments (one endogenous) */
    row *r = add_row(g, 2, LK_TEXT, "First-stage F");
    for (int j = 0; r && j < n; j++)
      if (m[j]->n_first == 1 && isfinite(m[j]->first[0].F))
        r->c[j] = (cell){.kind = CK_STAT, .x = m[j]->first[0].F};
  }
  if (any_kp) { /* stars from its chi-squared p-value */
    row *r = add_row(g, 2, LK_TEXT, "Under-identification test (KP rk LM)");
    for (int j = 0; r && j < n; j++)
      if (isfinite(m[j]->kp_lm))
        r->c[j] = (cell){.kind = CK_B, .x = m[j]->kp_lm, .stars = stars_of(o, m[j]->kp_lm_p)};
  }
  if (any_weak) { /* KP rk Wald F with robust / clustered errors, else Cragg-Donald F */
    row *r = add_row(g, 2, LK_TEXT, "Weak identification test (KP rk Wald F)");
    for (int j = 0; r && j < n; j++) {
      double f = isfinite(m[j]->kp_wald_f) ? m[j]->kp_wald_f : m[j]->cd_f;
      if (isfinite(f)) r->c[j] = (cell){.kind = CK_STAT, .x = f};
    }
  }
  if (!(g->se_note = se_note(m, n))) g->failed = true;
  if (g->failed) st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (int j = 0; ci && j < n; j++) coef_index_free(&ci[j]);
  cn_free(ci);
  label_index_free(&li);
  cn__strmap_free(&seen);
  cn_free(names);
  return st;
}

/* ---- cell text ------------------------------------------------------- */

/* n with a comma every three digits when sep. */
static void fmt_count(char *buf, size_t size, int64_t n, bool sep) {
  char tmp[32];
  snprintf(tmp, sizeof tmp, "%lld", (long long)n);
  if (!sep) {
    snprintf(buf, size, "%s", tmp);
    return;
  }
  const char *digits = tmp[0] == '-' ? tmp + 1 : tmp;
  size_t nd = strlen(digits), k = 0;
  if (tmp[0] == '-' && k + 1 < size) buf[k++] = '-';
  for (size_t i = 0; i < nd && k + 2 < size; i++) {
    if (i > 0 && (nd - i) % 3 == 0) buf[k++] = ',';
    buf[k++] = digits[i];
  }
  buf[k] = '\0';
}

/* The plain text of a cell as a core (right-aligned part) and a tail
 * (stars, the closing parenthesis), each written over the buffer's old
 * contents and NUL-terminated. A text cell (a variable name, a label, a
 * list of clusters) is kept whole, whatever its length; out of memory
 * marks the buffer failed. */
static void cell_parts(const cell *c, const cn_regtable_opts *o, bool sep, cn_buf *core,
                       cn_buf *tail) {
  char num[64];
  core->len = tail->len = 0;
  cn__buf_append(core, "", 0);
  cn__buf_append(tail, "", 0);
  switch (c->kind) {
  case CK_EMPTY: break;
  case CK_TEXT: cn__buf_printf(core, "%s", c->text ? c->text : ""); break;
  case CK_B:
    cn__buf_printf(core, "%.*f", o->digits, c->x);
    cn__buf_printf(tail, "%.*s", c->stars, "*****");
    break;
  case CK_SE:
    cn__buf_printf(core, "(%.*f", o->digits, c->x);
    cn__buf_printf(tail, ")");
    break;
  case CK_N:
    fmt_count(num, sizeof num, c->n, sep);
    cn__buf_printf(core, "%s", num);
    break;
  case CK_STAT: cn__buf_printf(core, "%.*f", o->digits, c->x); break;
  }
}

/* A significance level with at least two decimals: 0.10, 0.05, 0.001. */
static void fmt_level(char *buf, size_t n, double p) {
  for (int dec = 2; dec <= 8; dec++) {
    snprintf(buf, n, "%.*f", dec, p);
    if (strtod(buf, NULL) == p) return;
  }
  snprintf(buf, n, "%g", p);
}

/* ---- escaping -------------------------------------------------------- */

static void esc_md(cn_buf *b, const char *s) {
  for (; *s; s++) {
    if (strchr("\\|*_`", *s)) cn__buf_append(b, "\\", 1);
    cn__buf_append(b, s, 1);
  }
}

static void esc_tex(cn_buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': case '%': case '_': case '#': case '$': case '{': case '}':
      cn__buf_printf(b, "\\%c", *s);
      break;
    case '\\': cn__buf_printf(b, "\\textbackslash{}"); break;
    case '~': cn__buf_printf(b, "\\textasciitilde{}"); break;
    case '^': cn__buf_printf(b, "\\textasciicircum{}"); break;
    default: cn__buf_append(b, s, 1);
    }
  }
}

static void esc_html(cn_buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': cn__buf_printf(b, "&amp;"); break;
    case '<': cn__buf_printf(b, "&lt;"); break;
    case '>': cn__buf_printf(b, "&gt;"); break;
    case '"': cn__buf_printf(b, "&quot;"); break;
    default: cn__buf_append(b, s, 1);
    }
  }
}

static void esc_csv(cn_buf *b, const char *s) {
  bool q = strpbrk(s, ",\"\r\n") != NULL || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' '));
  if (!q) {
    cn__buf_printf(b, "%s", s);
    return;
  }
  cn__buf_append(b, "\"", 1);
  for (; *s; s++) {
    if (*s == '"') cn__buf_append(b, "\"", 1);
    cn__buf_append(b, s, 1);
  }
  cn__buf_append(b, "\"", 1);
}

/* s escaped for the format (txt: as is), appended to b. */
static void esc(cn_buf *b, cn_regtable_format f, const char *s) {
  switch (f) {
  case CN_REGTABLE_MD: esc_md(b, s); break;
  case CN_REGTABLE_TEX: esc_tex(b, s); break;
  case CN_REGTABLE_HTML: esc_html(b, s); break;
  case CN_REGTABLE_CSV: esc_csv(b, s); break;
  default: cn__buf_printf(b, "%s", s);
  }
}

/* A row's label in the format. */
static void put_label(cn_buf *b, cn_regtable_format f, const row *r) {
  if (r->lk == LK_TEXT) {
    esc(b, f, r->label);
    return;
  }
  const char *w = r->lk == LK_WR2 ? "Within " : "";
  switch (f) {
  case CN_REGTABLE_TEX: cn__buf_printf(b, "%s$R^2$", w); break;
  case CN_REGTABLE_HTML: cn__buf_printf(b, "%sR<sup>2</sup>", w); break;
  case CN_REGTABLE_CSV: cn__buf_printf(b, "%sR2", w); break;
  default: cn__buf_printf(b, "%sR\xc2\xb2", w);
  }
}

/* The core of a cell escaped: a minus sign in TeX is $-$. */
static void put_core(cn_buf *b, cn_regtable_format f, const char *core) {
  if (f == CN_REGTABLE_TEX) {
    const char *s = core;
    if (s[0] == '(' && s[1] == '-') cn__buf_printf(b, "($-$"), s += 2;
    else if (s[0] == '-' && s[1] >= '0' && s[1] <= '9') cn__buf_printf(b, "$-$"), s += 1;
    esc_tex(b, s);
    return;
  }
  esc(b, f, core);
}

/* The tail of a cell (stars or ')') in the format. */
static void put_tail(cn_buf *b, cn_regtable_format f, const char *tail) {
  if (tail[0] != '*') {
    cn__buf_printf(b, "%s", tail);
    return;
  }
  switch (f) {
  case CN_REGTABLE_TEX: cn__buf_printf(b, "$^{%s}$", tail); break;
  case CN_REGTABLE_HTML: cn__buf_printf(b, "<sup>%s</sup>", tail); break;
  case CN_REGTABLE_MD: esc_md(b, tail); break;
  default: cn__buf_printf(b, "%s", tail);
  }
}

/* The note on the stars in the format ("* p<0.10, ** p<0.05, ..."). */
static void put_stars_note(cn_buf *b, cn_regtable_format f, const cn_regtable_opts *o) {
  for (int k = 0; k < o->n_stars; k++) {
    char lv[32], st[8];
    fmt_level(lv, sizeof lv, o->stars[k]);
    snprintf(st, sizeof st, "%.*s", k + 1, "*****");
    if (k) cn__buf_printf(b, ", ");
    switch (f) {
    case CN_REGTABLE_TEX: cn__buf_printf(b, "$^{%s}$ $p<%s$", st, lv); break;
    case CN_REGTABLE_HTML: cn__buf_printf(b, "<sup>%s</sup> p&lt;%s", st, lv); break;
    case CN_REGTABLE_MD: esc_md(b, st), cn__buf_printf(b, " p<%s", lv); break;
    default: cn__buf_printf(b, "%s p<%s", st, lv);
    }
  }
}

/* ---- text formats ---------------------------------------------------- */

typedef struct rendered {
  char *core, *tail; /* escaped for the format */
  int64_t wcore, wtail;
} rendered;

/* Escaped string of a part as a new string (NULL: out of memory). */
static char *render_part(cn_regtable_format f, const char *s, bool is_tail, bool is_core) {
  cn_buf b = {0};
  if (is_tail) put_tail(&b, f, s);
  else if (is_core) put_core(&b, f, s);
  else esc(&b, f, s);
  cn__buf_append(&b, "", 1);
  if (b.failed) {
    cn__buf_free(&b);
    return NULL;
  }
  return b.data;
}

static void spaces(cn_buf *b, int64_t n) {
  for (int64_t i = 0; i < n; i++) cn__buf_append(b, " ", 1);
}

static void dashes(cn_buf *b, const char *unit, int64_t n) {
  for (int64_t i = 0; i < n; i++) cn__buf_printf(b, "%s", unit);
}

/* Drops trailing spaces before appending a newline. */
static void endline(cn_buf *b) {
  while (b->len > 0 && b->data[b->len - 1] == ' ') b->len--;
  cn__buf_append(b, "\n", 1);
}

/* txt and md: columns padded so that numbers end in the same place. */
static cn_status render_aligned(const grid *g, const cn_regtable_opts *o, cn_buf *b, cn_diag *d) {
  cn_regtable_format f = o->format;
  bool md = f == CN_REGTABLE_MD;
  cn_status st = CN_OK;
  int nc = g->ncol;
  size_t ncell = (size_t)g->nrow * (size_t)nc;
  rendered *rc = cn_calloc(ncell ? ncell : 1, sizeof *rc);
  char **labels = cn_calloc((size_t)g->nrow + 1, sizeof *labels);
  int64_t *wc = cn_calloc((size_t)nc * 3 + 1, sizeof *wc), *wt = wc + nc, *ww = wt + nc, wl = 0;
  cn_buf core = {0}, tail = {0};
  if (!rc || !labels || !wc) goto oom;
  for (int i = 0; i < g->nrow; i++) {
    const row *r = &g->rows[i];
    cn_buf lb = {0};
    put_label(&lb, f, r);
    cn__buf_append(&lb, "", 1);
    if (lb.failed) {
      cn__buf_free(&lb);
      goto oom;
    }
    labels[i] = lb.data;
    int64_t w = cn_text_width(labels[i]);
    if (w > wl) wl = w;
    for (int j = 0; j < nc; j++) {
      cell_parts(&r->c[j], o, true, &core, &tail);
      rendered *x = &rc[(size_t)i * nc + j];
      if (core.failed || tail.failed || !(x->core = render_part(f, core.data, false, r->section > 0)) ||
          !(x->tail = render_part(f, tail.data, true, false)))
        goto oom;
      x->wcore = cn_text_width(x->core), x->wtail = cn_text_width(x->tail);
      if (r->section == 0) {
        if (x->wcore > ww[j]) ww[j] = x->wcore;
      } else {
        if (x->wcore > wc[j]) wc[j] = x->wcore;
        if (x->wtail > wt[j]) wt[j] = x->wtail;
      }
    }
  }
  if (md && wl < 3) wl = 3;
  for (int j = 0; j < nc; j++) {
    if (ww[j] < wc[j] + wt[j]) ww[j] = wc[j] + wt[j];
    if (ww[j] < 7) ww[j] = 7;
  }
  int64_t total = wl;
  for (int j = 0; j < nc; j++) total += 3 + ww[j];
  if (o->title) {
    if (md) cn__buf_printf(b, "Table: ");
    esc(b, f, o->title);
    endline(b);
    if (md) endline(b);
  }
  int section = -1;
  for (int i = 0; i < g->nrow; i++) {
    const row *r = &g->rows[i];
    if (md && i == 1) { /* a pipe table has one header row */
      cn__buf_printf(b, "|:");
      dashes(b, "-", wl + 1);
      for (int j = 0; j < nc; j++) cn__buf_printf(b, "|:"), dashes(b, "-", ww[j]), cn__buf_printf(b, ":");
      cn__buf_printf(b, "|");
      endline(b);
    }
    if (!md && r->section != section) dashes(b, "-", total), endline(b);
    section = r->section;
    if (md) cn__buf_printf(b, "| ");
    cn__buf_printf(b, "%s", labels[i]);
    spaces(b, wl - cn_text_width(labels[i]));
    for (int j = 0; j < nc; j++) {
      const rendered *x = &rc[(size_t)i * nc + j];
      cn__buf_printf(b, md ? " | " : "   ");
      if (r->section == 0) { /* centred over the column */
        int64_t left = (ww[j] - x->wcore) / 2;
        spaces(b, left);
        cn__buf_printf(b, "%s", x->core);
        spaces(b, ww[j] - x->wcore - left);
      } else {
        int64_t pad = ww[j] - wc[j] - wt[j];
        spaces(b, pad / 2 + wc[j] - x->wcore);
        cn__buf_printf(b, "%s%s", x->core, x->tail);
        spaces(b, wt[j] - x->wtail + pad - pad / 2);
      }
    }
    if (md) cn__buf_printf(b, " |");
    endline(b);
  }
  if (!md) dashes(b, "-", total), endline(b);
  else endline(b);
  esc(b, f, g->se_note);
  endline(b);
  if (o->n_stars > 0) {
    if (md) endline(b);
    put_stars_note(b, f, o);
    endline(b);
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (size_t k = 0; rc && k < ncell; k++) cn_free(rc[k].core), cn_free(rc[k].tail);
  for (int i = 0; labels && i < g->nrow; i++) cn_free(labels[i]);
  cn__buf_free(&core);
  cn__buf_free(&tail);
  cn_free(rc);
  cn_free(labels);
  cn_free(wc);
  return st;
}

/* One row of tex, csv or html cells. */
static void put_cells(cn_buf *b, const grid *g, const cn_regtable_opts *o, const row *r,
                      const char *open, const char *sep, const char *close) {
  cn_regtable_format f = o->format;
  bool head = r->section == 0;
  cn__buf_printf(b, "%s", open);
  if (f == CN_REGTABLE_HTML) cn__buf_printf(b, head ? "<th>" : "<td>");
  put_label(b, f, r);
  if (f == CN_REGTABLE_HTML) cn__buf_printf(b, head ? "</th>" : "</td>");
  cn_buf core = {0}, tail = {0};
  for (int j = 0; j < g->ncol; j++) {
    cell_parts(&r->c[j], o, f != CN_REGTABLE_CSV, &core, &tail);
    if (core.failed || tail.failed) break;
    cn__buf_printf(b, "%s", sep);
    if (f == CN_REGTABLE_CSV) { /* quoting covers the whole cell */
      cn__buf_append(&core, tail.data, tail.len);
      if (core.failed) break;
      esc_csv(b, core.data);
      continue;
    }
    if (f == CN_REGTABLE_HTML) cn__buf_printf(b, head ? "<th>" : "<td>");
    if (head) esc(b, f, core.data);
    else put_core(b, f, core.data), put_tail(b, f, tail.data);
    if (f == CN_REGTABLE_HTML) cn__buf_printf(b, head ? "</th>" : "</td>");
  }
  if (core.failed || tail.failed) b->failed = true;
  cn__buf_free(&core);
  cn__buf_free(&tail);
  cn__buf_printf(b, "%s\n", close);
}

static void render_tex(const grid *g, const cn_regtable_opts *o, cn_buf *b) {
  if (o->title) {
    cn__buf_printf(b, "\\begin{table}[htbp]\n\\centering\n\\caption{");
    esc_tex(b, o->title);
    cn__buf_printf(b, "}\n");
  }
  cn__buf_printf(b, "\\begin{tabular}{l");
  for (int j = 0; j < g->ncol; j++) cn__buf_printf(b, " c");
  cn__buf_printf(b, "}\n\\toprule\n");
  for (int i = 0; i < g->nrow; i++) {
    if (i > 0 && g->rows[i].section != g->rows[i - 1].section) cn__buf_printf(b, "\\midrule\n");
    put_cells(b, g, o, &g->rows[i], "", " & ", " \\\\");
  }
  cn__buf_printf(b, "\\bottomrule\n\\multicolumn{%d}{l}{\\footnotesize ", g->ncol + 1);
  esc_tex(b, g->se_note);
  cn__buf_printf(b, "}\\\\\n");
  if (o->n_stars > 0) {
    cn__buf_printf(b, "\\multicolumn{%d}{l}{\\footnotesize ", g->ncol + 1);
    put_stars_note(b, CN_REGTABLE_TEX, o);
    cn__buf_printf(b, "}\\\\\n");
  }
  cn__buf_printf(b, "\\end{tabular}\n");
  if (o->title) cn__buf_printf(b, "\\end{table}\n");
}

static void render_csv(const grid *g, const cn_regtable_opts *o, cn_buf *b) {
  if (o->title) esc_csv(b, o->title), cn__buf_printf(b, "\n");
  for (int i = 0; i < g->nrow; i++) put_cells(b, g, o, &g->rows[i], "", ",", "");
  esc_csv(b, g->se_note);
  cn__buf_printf(b, "\n");
  if (o->n_stars > 0) {
    cn_buf s = {0};
    put_stars_note(&s, CN_REGTABLE_CSV, o);
    cn__buf_append(&s, "", 1);
    if (s.failed) b->failed = true;
    else esc_csv(b, s.data), cn__buf_printf(b, "\n");
    cn__buf_free(&s);
  }
}

static void render_html(const grid *g, const cn_regtable_opts *o, cn_buf *b) {
  cn__buf_printf(b, "<table>\n");
  if (o->title) cn__buf_printf(b, "<caption>"), esc_html(b, o->title), cn__buf_printf(b, "</caption>\n");
  for (int i = 0; i < g->nrow; i++) {
    int s = g->rows[i].section;
    if (i == 0 || s != g->rows[i - 1].section) {
      if (i > 0) cn__buf_printf(b, "%s\n", g->rows[i - 1].section == 0 ? "</thead>" : "</tbody>");
      cn__buf_printf(b, "%s\n", s == 0 ? "<thead>" : "<tbody>");
    }
    put_cells(b, g, o, &g->rows[i], "<tr>", "", "</tr>");
  }
  if (g->nrow > 0) cn__buf_printf(b, "%s\n", g->rows[g->nrow - 1].section == 0 ? "</thead>" : "</tbody>");
  cn__buf_printf(b, "<tfoot>\n<tr><td colspan=\"%d\">", g->ncol + 1);
  esc_html(b, g->se_note);
  cn__buf_printf(b, "</td></tr>\n");
  if (o->n_stars > 0) {
    cn__buf_printf(b, "<tr><td colspan=\"%d\">", g->ncol + 1);
    put_stars_note(b, CN_REGTABLE_HTML, o);
    cn__buf_printf(b, "</td></tr>\n");
  }
  cn__buf_printf(b, "</tfoot>\n</table>\n");
}

/* ---- xlsx ------------------------------------------------------------ */

enum { XF_LABEL, XF_HEAD, XF_TEXT, XF_B, XF_N = XF_B + CN_REGTABLE_MAX_STARS + 1, XF_STAT, XF_NOTE, XF_COUNT };

typedef struct xfmts {
  lxw_workbook *wb;
  lxw_format *f[XF_COUNT][4]; /* [kind][border: 1 top, 2 bottom] */
  int digits;
} xfmts;

/* The cell format of a kind with a border; NULL when out of memory. */
static lxw_format *xfmt(xfmts *x, int kind, int border) {
  if (x->f[kind][border]) return x->f[kind][border];
  lxw_format *f = workbook_add_format(x->wb);
  if (!f) return NULL;
  if (border & 1) format_set_top(f, LXW_BORDER_THIN);
  if (border & 2) format_set_bottom(f, LXW_BORDER_THIN);
  if (kind != XF_LABEL && kind != XF_NOTE) format_set_align(f, LXW_ALIGN_CENTER);
  if (kind == XF_NOTE) format_set_font_size(f, 9);
  char nf[64], zeros[16];
  snprintf(zeros, sizeof zeros, "%s%.*s", x->digits > 0 ? "." : "", x->digits, "0000000000");
  if (kind >= XF_B && kind < XF_N) {
    int s = kind - XF_B;
    if (s) snprintf(nf, sizeof nf, "0%s\"%.*s\"", zeros, s, "*****");
    else snprintf(nf, sizeof nf, "0%s", zeros);
    format_set_num_format(f, nf);
  } else if (kind == XF_N) {
    format_set_num_format(f, "#,##0");
  } else if (kind == XF_STAT) {
    snprintf(nf, sizeof nf, "0%s", zeros);
    format_set_num_format(f, nf);
  }
  return x->f[kind][border] = f;
}

static cn_status render_xlsx(const grid *g, const cn_regtable_opts *o, const char *path,
                             cn_diag *d) {
  cn_status st = CN_OK;
  /* libxlsxwriter prints its errors: check the file can be made first */
  FILE *probe = fopen(path, "wb");
  if (!probe) return cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", strerror(errno));
  fclose(probe);
  lxw_workbook *wb = workbook_new(path);
  if (!wb) return cn_diag_at(d, CN_EINTERNAL, path, 0, 0, "cannot create the workbook");
  lxw_doc_properties props = {0};
  props.created = 946684800; /* fixed: the same table gives the same file */
  workbook_set_properties(wb, &props);
  xfmts x = {wb, {{0}}, o->digits};
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Table");
  lxw_row_t r0 = 0;
  double wl = 8;
  cn_buf core = {0}, tail = {0};
  if (!ws) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if (o->title) worksheet_write_string(ws, r0++, 0, o->title, NULL);
  for (int i = 0; i < g->nrow; i++) {
    const row *r = &g->rows[i];
    bool top = i == 0 || r->section != g->rows[i - 1].section;
    bool bottom = i == g->nrow - 1 || (r->section == 0 && g->rows[i + 1].section != 0);
    int border = (top ? 1 : 0) | (bottom ? 2 : 0);
    lxw_row_t rr = r0 + (lxw_row_t)i;
    const char *lbl = r->lk == LK_R2 ? "R\xc2\xb2" : r->lk == LK_WR2 ? "Within R\xc2\xb2" : r->label;
    if ((double)cn_text_width(lbl) + 2 > wl) wl = (double)cn_text_width(lbl) + 2;
    worksheet_write_string(ws, rr, 0, lbl, xfmt(&x, XF_LABEL, border));
    for (int j = 0; j < g->ncol; j++) {
      const cell *c = &r->c[j];
      lxw_col_t cc = (lxw_col_t)(j + 1);
      switch (c->kind) {
      case CK_B: worksheet_write_number(ws, rr, cc, c->x, xfmt(&x, XF_B + c->stars, border)); break;
      case CK_N: worksheet_write_number(ws, rr, cc, (double)c->n, xfmt(&x, XF_N, border)); break;
      case CK_STAT: worksheet_write_number(ws, rr, cc, c->x, xfmt(&x, XF_STAT, border)); break;
      default:
        cell_parts(c, o, true, &core, &tail);
        cn__buf_append(&core, tail.data, tail.len);
        if (core.failed || tail.failed) {
          st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
          goto done;
        }
        if (core.data[0]) worksheet_write_string(ws, rr, cc, core.data, xfmt(&x, r->section ? XF_TEXT : XF_HEAD, border));
        else worksheet_write_blank(ws, rr, cc, xfmt(&x, XF_TEXT, border));
      }
    }
  }
  lxw_row_t rn = r0 + (lxw_row_t)g->nrow;
  worksheet_write_string(ws, rn++, 0, g->se_note, xfmt(&x, XF_NOTE, 0));
  if (o->n_stars > 0) {
    cn_buf s = {0};
    put_stars_note(&s, CN_REGTABLE_TXT, o);
    cn__buf_append(&s, "", 1);
    if (!s.failed) worksheet_write_string(ws, rn, 0, s.data, xfmt(&x, XF_NOTE, 0));
    cn__buf_free(&s);
  }
  worksheet_set_column(ws, 0, 0, wl, NULL);
  worksheet_set_column(ws, 1, (lxw_col_t)g->ncol, 12, NULL);
done:;
  cn__buf_free(&core);
  cn__buf_free(&tail);
  lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR && st == CN_OK)
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", lxw_strerror(e));
  return st;
}

/* ---- entry points ---------------------------------------------------- */

static cn_status check_opts(const cn_model *const *models, int n, const cn_regtable_opts *o,
                            cn_diag *d) {
  if (n < 1 || !models) return cn_diag_set(d, CN_EUSAGE, "no model to tabulate");
  for (int j = 0; j < n; j++)
    if (!models[j]) return cn_diag_set(d, CN_EUSAGE, "model %d is missing", j + 1);
  if ((int)o->format < 0 || o->format > CN_REGTABLE_XLSX)
    return cn_diag_set(d, CN_EUSAGE, "unknown table format");
  if (o->digits < 0 || o->digits > 10)
    return cn_diag_set(d, CN_EUSAGE, "digits must be between 0 and 10 (got %d)", o->digits);
  if (o->n_stars < 0 || o->n_stars > CN_REGTABLE_MAX_STARS)
    return cn_diag_set(d, CN_EUSAGE, "at most %d significance levels", CN_REGTABLE_MAX_STARS);
  for (int k = 0; k < o->n_stars; k++)
    if (!(o->stars[k] > 0 && o->stars[k] < 1) || (k && !(o->stars[k] < o->stars[k - 1])))
      return cn_diag_set(d, CN_EUSAGE,
                         "significance levels must decrease within (0, 1), as 0.1,0.05,0.01");
  return CN_OK;
}

static cn_status regtable_text(const cn_model *const *models, int n, const cn_regtable_opts *o,
                               char **out, cn_diag *d);

/* With o->first_stage, the models with each iv model preceded by one
 * model per first stage (views into the iv model: free the array and the
 * structs, not their contents); else models itself. *nout gets the count. */
static cn_status expand_first(const cn_model *const *models, int n, const cn_regtable_opts *o,
                              const cn_model *const **out, cn_model **views, int *nout, cn_diag *d) {
  *out = models;
  *views = NULL;
  *nout = n;
  if (!o->first_stage) return CN_OK;
  int extra = 0;
  for (int j = 0; j < n; j++) extra += models[j]->n_first;
  if (extra == 0) return CN_OK;
  const cn_model **all = cn_calloc((size_t)(n + extra) + 1, sizeof *all);
  cn_model *v = cn_calloc((size_t)extra + 1, sizeof *v);
  if (!all || !v) {
    cn_free(all), cn_free(v);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  int k = 0, q = 0;
  for (int j = 0; j < n; j++) {
    const cn_model *m = models[j];
    for (int s1 = 0; s1 < m->n_first; s1++) {
      cn_model *f = &v[q++];
      *f = *m; /* fixed effects, clusters, N as the second stage */
      f->depvar = m->first[s1].endog;
      f->ncoef = m->first[s1].ncoef;
      f->coef = m->first[s1].coef;
      f->r2 = f->r2_within = f->pseudo_r2 = NAN;
      f->kp_lm = f->kp_wald_f = f->cd_f = NAN;
      f->n_first = 1;
      f->first = &m->first[s1];
      all[k++] = f;
    }
    all[k++] = m;
  }
  *out = (const cn_model *const *)all;
  *views = v;
  *nout = k;
  return CN_OK;
}

cn_status cn_regtable_text(const cn_model *const *models0, int n0, const cn_regtable_opts *o,
                           char **out, cn_diag *d) {
  const cn_model *const *models;
  cn_model *views = NULL;
  int n;
  cn_status st0 = expand_first(models0, n0, o, &models, &views, &n, d);
  if (st0 != CN_OK) return st0;
  st0 = regtable_text(models, n, o, out, d);
  if (models != models0) cn_free((void *)models);
  cn_free(views);
  return st0;
}

static cn_status regtable_text(const cn_model *const *models, int n, const cn_regtable_opts *o,
                               char **out, cn_diag *d) {
  grid g = {0};
  cn_buf b = {0};
  cn_status st;
  *out = NULL;
  cn_diag_clear(d);
  if ((st = check_opts(models, n, o, d)) != CN_OK) return st;
  if (o->format == CN_REGTABLE_XLSX)
    return cn_diag_set(d, CN_EUSAGE, "an xlsx table goes to a file, not to text");
  if ((st = build_grid(models, n, o, &g, d)) != CN_OK) goto done;
  switch (o->format) {
  case CN_REGTABLE_TEX: render_tex(&g, o, &b); break;
  case CN_REGTABLE_CSV: render_csv(&g, o, &b); break;
  case CN_REGTABLE_HTML: render_html(&g, o, &b); break;
  default: st = render_aligned(&g, o, &b, d);
  }
  if (st == CN_OK && (b.failed || !cn__buf_append(&b, "", 1)))
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  if (st == CN_OK) *out = b.data, b.data = NULL;
done:
  cn__buf_free(&b);
  grid_free(&g);
  return st;
}

cn_status cn_regtable_write(const cn_model *const *models, int n, const cn_regtable_opts *o,
                            const char *path, cn_diag *d) {
  cn_status st;
  char *text = NULL;
  cn_diag_clear(d);
  if (o->format == CN_REGTABLE_XLSX) {
    grid g = {0};
    const cn_model *const *all;
    cn_model *views = NULL;
    int na;
    if ((st = expand_first(models, n, o, &all, &views, &na, d)) != CN_OK) return st;
    if ((st = check_opts(all, na, o, d)) == CN_OK && (st = build_grid(all, na, o, &g, d)) == CN_OK)
      st = render_xlsx(&g, o, path, d);
    grid_free(&g);
    if (all != models) cn_free((void *)all);
    cn_free(views);
    return st;
  }
  if ((st = cn_regtable_text(models, n, o, &text, d)) != CN_OK) return st;
  FILE *fp = fopen(path, "wb");
  if (!fp) {
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", strerror(errno));
    goto done;
  }
  size_t len = strlen(text);
  bool ok = fwrite(text, 1, len, fp) == len;
  if (fclose(fp) != 0) ok = false;
  if (!ok) st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", strerror(errno));
done:
  cn_free(text);
  return st;
}
