/* lib/report/regtable.c — esttab-like regression tables. The models are
 * first laid out as a grid of cells (header, coefficient panels, fixed
 * effect and statistic rows, notes); each format then renders the grid:
 * aligned text, Markdown, LaTeX booktabs, CSV, HTML, an Excel workbook
 * through libxlsxwriter, or a Word document (Office Open XML written here,
 * packed by the stored zip writer of zip.c). */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include "../base/base_int.h"
#include "coinnet/regtable.h"
#include "zip.h"

typedef enum ckind { CK_EMPTY, CK_TEXT, CK_B, CK_SE, CK_CI, CK_N, CK_STAT, CK_COVERED } ckind;

typedef struct cell {
  ckind kind;
  const char *text; /* CK_TEXT */
  double x, x2;     /* CK_B, CK_SE, CK_STAT; CK_CI: low (x) and high (x2) */
  int64_t n;        /* CK_N */
  int stars;        /* CK_B */
  int dec;          /* decimals of the numbers */
  int span;         /* header text: columns it covers (0 or 1: its own); the
                       others are CK_COVERED */
} cell;

/* Row labels that differ by format: LK_R2X writes "R2" in the label as R²
 * ($R^2$, R<sup>2</sup>); LK_GREEK writes sigma, rho, lambda as σ ρ λ. */
typedef enum lkind { LK_TEXT, LK_R2X, LK_GREEK } lkind;

/* Sections, separated by rules: the header, the coefficients, a Heckman
 * selection equation, the auxiliary parameters, then fixed effects,
 * indicators and statistics. */
enum { S_HEAD, S_COEF, S_SELECT, S_AUX, S_STATS };

typedef struct row {
  int section;
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
  o->paren = CN_REGTABLE_SE;
}

static const char *const format_names[] = {"txt", "md", "tex", "csv", "html", "xlsx", "docx"};
enum { N_FORMATS = 7 };

bool cn_regtable_format_by_name(const char *name, cn_regtable_format *out) {
  for (int k = 0; k < N_FORMATS; k++)
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

const char *cn_regtable_format_list(void) { return "txt, md, tex, csv, html, xlsx, docx"; }

/* ---- statistics ------------------------------------------------------ */

typedef enum stat_id {
  ST_CLUSTERS, ST_N, ST_R2_WITHIN, ST_R2, ST_PSEUDO_R2, ST_FIRST_F, ST_KP_LM, ST_WEAK_F, /* defaults */
  ST_R2_A, ST_R2_WITHIN_A, ST_LL, ST_LL0, ST_RMSE, ST_F, ST_N_CLUST, ST_CD_F, ST_N_LEFT,
  ST_N_UNC, ST_N_RIGHT, ST_COUNT
} stat_id;

static const struct {
  const char *key, *label;
  bool count; /* an integer (N and the like) */
} stat_defs[ST_COUNT] = {
    [ST_CLUSTERS] = {"clusters", "Clusters", false},
    [ST_N] = {"N", "N", true},
    [ST_R2_WITHIN] = {"r2_within", "Within R2", false},
    [ST_R2] = {"r2", "R2", false},
    [ST_PSEUDO_R2] = {"pseudo_r2", "Pseudo R2", false},
    [ST_FIRST_F] = {"first_F", "First-stage F", false},
    [ST_KP_LM] = {"kp_lm", "Under-identification test (KP rk LM)", false},
    [ST_WEAK_F] = {"weak_F", "Weak identification test (KP rk Wald F)", false},
    [ST_R2_A] = {"r2_a", "Adjusted R2", false},
    [ST_R2_WITHIN_A] = {"r2_within_a", "Within adjusted R2", false},
    [ST_LL] = {"ll", "Log likelihood", false},
    [ST_LL0] = {"ll0", "Log likelihood, constant only", false},
    [ST_RMSE] = {"rmse", "Root MSE", false},
    [ST_F] = {"F", "F", false},
    [ST_N_CLUST] = {"N_clust", "Number of clusters", true},
    [ST_CD_F] = {"cd_F", "Cragg-Donald Wald F", false},
    [ST_N_LEFT] = {"N_left", "Left-censored", true},
    [ST_N_UNC] = {"N_unc", "Uncensored", true},
    [ST_N_RIGHT] = {"N_right", "Right-censored", true},
};

const char *cn_regtable_stat_list(void) {
  return "clusters, N, r2_within, r2, pseudo_r2, first_F, kp_lm, weak_F, r2_a, r2_within_a, ll, "
         "ll0, rmse, F, N_clust, cd_F, N_left, N_unc, N_right";
}

static int stat_by_key(const char *key) {
  for (int k = 0; k < ST_COUNT; k++)
    if (key && !strcmp(key, stat_defs[k].key)) return k;
  return -1;
}

/* Statistic s of model m (NaN when it has none); counts as doubles. */
static double stat_value(const cn_model *m, int s) {
  switch ((stat_id)s) {
  case ST_N: return (double)m->nobs;
  case ST_R2_WITHIN: return m->n_fe > 0 ? m->r2_within : NAN;
  case ST_R2: return m->r2;
  case ST_PSEUDO_R2: return m->pseudo_r2;
  case ST_FIRST_F: return m->n_first == 1 ? m->first[0].F : NAN;
  case ST_KP_LM: return m->kp_lm;
  case ST_WEAK_F: return isfinite(m->kp_wald_f) ? m->kp_wald_f : m->cd_f;
  case ST_R2_A: return m->r2_a;
  case ST_R2_WITHIN_A: return m->n_fe > 0 ? m->r2_within_a : NAN;
  case ST_LL: return m->ll;
  case ST_LL0: return m->ll0;
  case ST_RMSE: return m->rmse;
  case ST_F: return m->F;
  case ST_N_CLUST:
    return m->vce == CN_VCE_CLUSTER && m->n_cluster > 0 && m->n_clusters ? (double)m->n_clusters[0] : NAN;
  case ST_CD_F: return m->cd_f;
  case ST_N_LEFT: return !strcmp(m->estimator ? m->estimator : "", "tobit") ? (double)m->n_left : NAN;
  case ST_N_UNC: return !strcmp(m->estimator ? m->estimator : "", "tobit") ? (double)m->n_unc : NAN;
  case ST_N_RIGHT: return !strcmp(m->estimator ? m->estimator : "", "tobit") ? (double)m->n_right : NAN;
  default: return NAN;
  }
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

/* A new row of empty cells at the end; NULL when out of memory. The rows
 * move when they grow: a pointer to a row is good until the next add_row
 * (pair_rows gives two at once). */
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
  r->section = section, r->lk = lk, r->label = label ? label : "";
  return r;
}

/* Two new rows at the end, in *a and *b (NULL both when out of memory). */
static void pair_rows(grid *g, int section, lkind lk, const char *label, const char *label2, row **a, row **b) {
  *a = *b = NULL;
  int at = g->nrow;
  if (!add_row(g, section, lk, label) || !add_row(g, section, LK_TEXT, label2)) return;
  *a = &g->rows[at], *b = &g->rows[at + 1];
}

static void grid_free(grid *g) {
  for (int i = 0; i < g->nrow; i++) cn_free(g->rows[i].c);
  cn_free(g->rows);
  for (size_t i = 0; i < g->nowned; i++) cn_free(g->owned[i]);
  cn_free(g->owned);
  cn_free(g->se_note);
}

/* Index of the labels of o (name -> label), the first label of a name
 * winning; labels[id] is the label of the name with map id `id`. any: o
 * gave labels, so names without one get derived labels. */
typedef struct label_index {
  cn_strmap map;
  const char **labels;
  size_t cap;
  bool any;
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
    li->any = true;
  }
  return true;
}

static void label_index_free(label_index *li) {
  cn__strmap_free(&li->map);
  cn_free(li->labels);
}

/* The label of name[0..n), or NULL. */
static const char *label_ofn(const label_index *li, const char *name, size_t n) {
  int32_t id = cn__strmap_get(&li->map, name, n);
  return id >= 0 ? li->labels[id] : NULL;
}

static const char *label_of(const label_index *li, const char *name) {
  return label_ofn(li, name, strlen(name));
}

/* The position of the first ':' in s that is not part of "::", or NULL. */
static const char *single_colon(const char *s) {
  for (const char *p = s; (p = strchr(p, ':')) != NULL; p++) {
    if (p[1] == ':') {
      p++;
      continue;
    }
    return p;
  }
  return NULL;
}

/* How name[0..n) is shown (a string of the grid, or name itself): its
 * label; else, when labels were given, a label derived from its parts
 * (docs/tables.md): an interaction a:b as "<a> × <b>", L.x / L2.x as
 * "<x>, lagged" / "<x>, lagged 2 periods", F.x leads, D.x differences,
 * V::L as "<V> = L", _cons as "Constant"; else the name. */
static const char *shown_n(grid *g, const label_index *li, const char *name, size_t n) {
  const char *lb = label_ofn(li, name, n);
  if (lb) return lb;
  if (!li->any) return own(g, cn_strndup(name, n));
  char *copy = cn_strndup(name, n);
  const char *nm = own(g, copy), *c;
  if (!nm) return NULL;
  if (!strcmp(nm, "_cons")) return "Constant";
  if ((c = single_colon(nm)) != NULL) {
    const char *a = shown_n(g, li, nm, (size_t)(c - nm)), *b = shown_n(g, li, c + 1, strlen(c + 1));
    return a && b ? ownf(g, "%s \xc3\x97 %s", a, b) : NULL;
  }
  if (nm[0] == 'L' || nm[0] == 'F' || nm[0] == 'D') {
    const char *p = nm + 1;
    while (*p >= '0' && *p <= '9') p++;
    if (*p == '.' && p[1] && p - nm < 6) {
      int k = p > nm + 1 ? atoi(nm + 1) : 1;
      const char *x = shown_n(g, li, p + 1, strlen(p + 1));
      if (!x) return NULL;
      const char *what = nm[0] == 'L' ? "lagged" : nm[0] == 'F' ? "lead" : "differenced";
      if (k == 1) return ownf(g, "%s, %s", x, what);
      if (nm[0] == 'D') return ownf(g, "%s, differenced %d times", x, k);
      return ownf(g, "%s, %s %d periods", x, what, k);
    }
  }
  const char *dc = strstr(nm, "::");
  if (dc && dc > nm) {
    const char *v = label_ofn(li, nm, (size_t)(dc - nm));
    if (v) return ownf(g, "%s = %s", v, dc + 2);
  }
  return nm;
}

static const char *shown(grid *g, const label_index *li, const char *name) {
  return shown_n(g, li, name, strlen(name));
}

/* How fixed effect fe's row is labelled: the label of "fe FE", else
 * "<label of fe> FE" (the label alone when it says "FE" or "fixed
 * effect"), else "fe FE". */
static const char *fe_label(grid *g, const label_index *li, const char *fe) {
  const char *full = ownf(g, "%s FE", fe), *lb;
  if (!full) return NULL;
  if ((lb = label_of(li, full)) != NULL) return lb;
  if ((lb = label_of(li, fe)) != NULL) /* "Firm" -> "Firm FE"; "Firm fixed effects" stays */
    return strcasestr(lb, "fixed effect") || strstr(lb, "FE") ? lb : ownf(g, "%s FE", lb);
  return full;
}

static bool matches_any(const char *const *pat, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (pat[i] && fnmatch(pat[i], name, 0) == 0) return true;
  return false;
}

/* Whether fixed effect fe matches pattern p: p matches fe or "fe::". */
static bool fe_matches(const char *p, const char *fe) {
  if (fnmatch(p, fe, 0) == 0) return true;
  size_t n = strlen(fe);
  char buf[256];
  if (n + 3 > sizeof buf) return false;
  memcpy(buf, fe, n);
  memcpy(buf + n, "::", 3);
  return fnmatch(p, buf, 0) == 0;
}

/* The space- or comma-separated patterns of s as a NULL-terminated list of
 * grid strings; NULL when out of memory. */
static const char **split_patterns(grid *g, const char *s, int *n) {
  size_t len = strlen(s);
  const char **v = (const char **)own(g, cn_calloc(len / 2 + 2, sizeof *v));
  char *copy = (char *)own(g, cn_strdup(s));
  *n = 0;
  if (!v || !copy) return NULL;
  char *save = NULL;
  for (char *tok = strtok_r(copy, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) v[(*n)++] = tok;
  return v;
}

/* What a coefficient of a model is in the table. */
typedef enum role { R_MAIN, R_SELECT, R_AUX, R_HIDE, R_FEDUMMY } role;

/* The role of coefficient a of m (from its own name): Tobit's lnsigma is
 * hidden (sigma is shown), Heckman's lambda is auxiliary, "select:x" is
 * the selection equation, V::L with V a fixed effect of m a dummy of it. */
static role role_of(const cn_model *m, int a) {
  const char *nm = m->coef[a].name, *est = m->estimator ? m->estimator : "";
  if (!strcmp(est, "tobit") && !strcmp(nm, "lnsigma")) return R_HIDE;
  if (!strcmp(est, "heckman") && !strcmp(nm, "lambda")) return R_AUX;
  if (!strncmp(nm, "select:", 7)) return R_SELECT;
  const char *dc = strstr(nm, "::");
  if (dc && !single_colon(nm))
    for (int f = 0; f < m->n_fe; f++) {
      const char *fe = m->fe[f].name;
      if (fe && strlen(fe) == (size_t)(dc - nm) && !strncmp(fe, nm, (size_t)(dc - nm))) return R_FEDUMMY;
    }
  return R_MAIN;
}

/* Per model: the shown names of its coefficients (renamed), their roles,
 * and a map from shown name to coefficient. */
typedef struct coef_index {
  cn_strmap map;
  int *at;
  const char **name;
  role *role;
} coef_index;

/* Indexes m's coefficients under their names after o's renaming. Two
 * coefficients with the same name would leave one of them out of the
 * table: that is refused as a data error naming the model's column (col,
 * 1-based) and the name. */
static cn_status coef_index_build(coef_index *ci, const cn_model *m, int col, const cn_regtable_opts *o,
                                  cn_diag *d) {
  size_t k = (size_t)(m->ncoef > 0 ? m->ncoef : 0) + 1;
  ci->at = cn_malloc(k * sizeof *ci->at);
  ci->name = cn_calloc(k, sizeof *ci->name);
  ci->role = cn_calloc(k, sizeof *ci->role);
  if (!ci->at || !ci->name || !ci->role) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int a = 0; a < m->ncoef; a++) {
    const char *nm = m->coef[a].name;
    if (!nm) continue;
    ci->role[a] = role_of(m, a);
    for (int r = 0; r < o->n_rename; r++)
      if (o->rename_from[r] && o->rename_to[r] && !strcmp(o->rename_from[r], nm)) {
        nm = o->rename_to[r];
        break;
      }
    ci->name[a] = nm;
    size_t before = ci->map.n;
    int32_t id = cn__strmap_intern(&ci->map, nm, strlen(nm));
    if (id < 0) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
    if ((size_t)id != before) { /* a usage error when the renaming made it */
      bool renamed = nm != m->coef[a].name || ci->name[ci->at[id]] != m->coef[ci->at[id]].name;
      cn_status code = renamed ? CN_EUSAGE : CN_EDATA;
      cn_diag_set(d, code, "model (%d) has two coefficients named \"%s\" (numbers %d and %d)%s", col, nm,
                  ci->at[id] + 1, a + 1, renamed ? " after renaming" : "");
      cn_diag_hint(d, renamed ? "a table row is one coefficient name: check --rename"
                              : "a table row is one coefficient name: rename one of them");
      return code;
    }
    ci->at[id] = a;
  }
  return CN_OK;
}

static void coef_index_free(coef_index *ci) {
  cn__strmap_free(&ci->map);
  cn_free(ci->at);
  cn_free(ci->name);
  cn_free(ci->role);
}

/* Coefficient `name` (shown name) of the model indexed by ci, or NULL. */
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

/* The decimals of x as statistic `what` ("b", "se" or a statistic name). */
static int decimals(const cn_regtable_opts *o, const char *what, double x) {
  int n = o->digits;
  bool sig = false;
  for (int k = 0; k < o->n_digits_for; k++) {
    const char *w = o->digits_for[k].what;
    if (w && !strcmp(w, what)) n = o->digits_for[k].n, sig = o->digits_for[k].significant;
  }
  if (!sig) return n;
  int dec = n - 1;
  if (isfinite(x) && x != 0) dec = n - 1 - (int)floor(log10(fabs(x)));
  return dec < 0 ? 0 : dec > 10 ? 10 : dec;
}

/* The cell under a coefficient: what o->paren asks for (NaN parts empty). */
static cell paren_cell(const cn_regtable_opts *o, const cn_coef *c) {
  cell e = {.kind = CK_EMPTY};
  double x = o->paren == CN_REGTABLE_T ? c->t : o->paren == CN_REGTABLE_P ? c->p : c->se;
  if (o->paren == CN_REGTABLE_CI) {
    if (!isfinite(c->ci_low) || !isfinite(c->ci_high)) return e;
    int d1 = decimals(o, "se", c->ci_low), d2 = decimals(o, "se", c->ci_high);
    return (cell){.kind = CK_CI, .x = c->ci_low, .x2 = c->ci_high, .dec = d1 > d2 ? d1 : d2};
  }
  if (!isfinite(x)) return e;
  return (cell){.kind = CK_SE, .x = x, .dec = decimals(o, "se", x)};
}

/* The cluster variables of m, shown through the labels, joined by sep, or
 * "" (a grid string). */
static const char *cluster_list(grid *g, const label_index *li, const cn_model *m, const char *sep) {
  cn_buf b = {0};
  if (m->vce == CN_VCE_CLUSTER)
    for (int q = 0; q < m->n_cluster; q++) {
      const char *c = m->cluster[q] ? shown(g, li, m->cluster[q]) : "";
      cn__buf_printf(&b, "%s%s", q ? sep : "", c ? c : "");
    }
  cn__buf_append(&b, "", 1);
  if (b.failed) {
    cn__buf_free(&b);
    return own(g, NULL);
  }
  return own(g, b.data);
}

/* What model m's errors are, for the note: "clustered by Firm", "robust",
 * or "" (conventional); a grid string. */
static const char *se_kind(grid *g, const label_index *li, const cn_model *m) {
  if (m->vce == CN_VCE_ROBUST) return "robust";
  if (m->vce != CN_VCE_CLUSTER || m->n_cluster == 0) return "";
  const char *c = cluster_list(g, li, m, " and ");
  return c ? ownf(g, "clustered by %s", c) : NULL;
}

/* The note on what the parentheses hold: "Standard errors in parentheses,
 * clustered by firm" when every model clusters alike; otherwise the
 * columns of each kind ("...: clustered by firm in (1), (2); robust in
 * (3)"). With t, p or intervals, the errors they come from follow ("t
 * statistics in parentheses; standard errors clustered by firm"). A new
 * string, NULL when out of memory. */
static char *se_note(grid *g, const label_index *li, const cn_model *const *m, int n,
                     cn_regtable_paren paren) {
  const char **kind = cn_calloc((size_t)n, sizeof *kind);
  char *s = NULL;
  cn_buf b = {0};
  bool same = true;
  if (!kind) return NULL;
  for (int j = 0; j < n; j++) {
    if (!(kind[j] = se_kind(g, li, m[j]))) goto done;
    same = same && !strcmp(kind[j], kind[0]);
  }
  static const char *const what[] = {"Standard errors in parentheses", "t statistics in parentheses",
                                     "p-values in parentheses", "95% confidence intervals in brackets"};
  if (paren == CN_REGTABLE_SE) {
    if (same && !strcmp(kind[0], "robust")) cn__buf_printf(&b, "Robust standard errors in parentheses");
    else if (same) cn__buf_printf(&b, "%s%s%s", what[0], *kind[0] ? ", " : "", kind[0]);
    else cn__buf_printf(&b, "%s", what[0]);
  } else {
    cn__buf_printf(&b, "%s", what[paren]);
    if (same && !strcmp(kind[0], "robust")) cn__buf_printf(&b, "; robust standard errors");
    else if (same && *kind[0]) cn__buf_printf(&b, "; standard errors %s", kind[0]);
    else if (!same) cn__buf_printf(&b, "; standard errors");
  }
  if (!same) {
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
  cn_free(kind);
  return s;
}

/* A list of shown names (grid strings) with the coefficient panel each
 * belongs to. */
typedef struct namelist {
  const char **v;
  int *panel;
  size_t n, cap, cap2;
} namelist;

static bool namelist_add(namelist *l, const char *nm, int panel) {
  if (!cn__grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) ||
      !cn__grow((void **)&l->panel, &l->cap2, l->n + 1, sizeof *l->panel))
    return false;
  l->v[l->n] = nm, l->panel[l->n] = panel;
  l->n++;
  return true;
}

/* The rows of one coefficient name: the estimate with its stars, and what
 * the parentheses hold. */
static void coef_rows(grid *g, const cn_model *const *m, const coef_index *ci, const cn_regtable_opts *o,
                      int section, const char *name, const char *label) {
  row *rb, *rs;
  pair_rows(g, section, LK_TEXT, label, "", &rb, &rs);
  for (int j = 0; rb && rs && j < g->ncol; j++) {
    const cn_coef *c = find_coef(m[j], &ci[j], name);
    if (!c) continue;
    if (isfinite(c->b))
      rb->c[j] = (cell){.kind = CK_B, .x = c->b, .stars = stars_of(o, c->p), .dec = decimals(o, "b", c->b)};
    rs->c[j] = paren_cell(o, c);
  }
}

/* Whether any model has statistic s. */
static bool any_stat(const cn_model *const *m, int n, int s) {
  for (int j = 0; j < n; j++) {
    if (s == ST_CLUSTERS) {
      if (m[j]->vce == CN_VCE_CLUSTER && m[j]->n_cluster > 0) return true;
    } else if (isfinite(stat_value(m[j], s))) {
      return true;
    }
  }
  return false;
}

/* The row of statistic s. */
static void stat_row(grid *g, const label_index *li, const cn_model *const *m, const cn_regtable_opts *o,
                     int s) {
  const char *key = stat_defs[s].key, *lb = label_of(li, key);
  row *r = add_row(g, S_STATS, lb ? LK_TEXT : LK_R2X, lb ? lb : stat_defs[s].label);
  for (int j = 0; r && j < g->ncol; j++) {
    if (s == ST_CLUSTERS) {
      const char *c = cluster_list(g, li, m[j], ", ");
      if (c && *c) r->c[j] = (cell){.kind = CK_TEXT, .text = c};
      continue;
    }
    double x = stat_value(m[j], s);
    if (!isfinite(x)) continue;
    if (stat_defs[s].count) r->c[j] = (cell){.kind = CK_N, .n = (int64_t)x};
    else if (s == ST_KP_LM) /* stars from its chi-squared p-value */
      r->c[j] = (cell){.kind = CK_B, .x = x, .stars = stars_of(o, m[j]->kp_lm_p), .dec = decimals(o, key, x)};
    else r->c[j] = (cell){.kind = CK_STAT, .x = x, .dec = decimals(o, key, x)};
  }
}

/* Checks that each pattern of pat[0..np) matches a name of l (what: the
 * option, for the message). */
static cn_status check_patterns(const char *what, const char *const *pat, int np, const namelist *l,
                                cn_diag *d) {
  for (int i = 0; i < np; i++) {
    bool any = false;
    for (size_t q = 0; q < l->n && !any; q++) any = pat[i] && fnmatch(pat[i], l->v[q], 0) == 0;
    if (!any)
      return cn_diag_set(d, CN_EUSAGE, "%s: no coefficient matches \"%s\"", what, pat[i] ? pat[i] : "");
  }
  return CN_OK;
}

/* Lays the models out. Usage errors (patterns matching nothing, nothing
 * left, bad titles or groups, unknown statistics) are CN_EUSAGE; a model
 * with two coefficients of one name is CN_EDATA. Names are looked up
 * through hash maps, so the time grows with the number of coefficients,
 * not its square. */
static cn_status build_grid(const cn_model *const *m, int n, const cn_regtable_opts *o, grid *g,
                            cn_diag *d) {
  cn_status st = CN_OK;
  namelist all = {0}, shownl = {0};
  cn_strmap seen = {0};
  label_index li = {0};
  coef_index *ci = cn_calloc((size_t)n + 1, sizeof *ci);
  const char ***ind = cn_calloc((size_t)o->n_indicate + 1, sizeof *ind);
  int *nind = cn_calloc((size_t)o->n_indicate + 1, sizeof *nind);
  g->ncol = n;
  if (!ci || !ind || !nind || !label_index_build(&li, o)) goto oom;
  for (int j = 0; j < n; j++)
    if ((st = coef_index_build(&ci[j], m[j], j + 1, o, d)) != CN_OK) goto done;
  /* coefficient names of the two panels: first appearance, _cons last */
  for (int panel = S_COEF; panel <= S_SELECT; panel++)
    for (int pass = 0; pass < 2; pass++)
      for (int j = 0; j < n; j++)
        for (int a = 0; a < m[j]->ncoef; a++) {
          const char *nm = ci[j].name[a];
          role r = ci[j].role[a];
          if (!nm || r != (panel == S_COEF ? R_MAIN : R_SELECT)) continue;
          const char *orig = m[j]->coef[a].name;
          bool cons = !strcmp(orig, "_cons") || !strcmp(orig, "select:_cons");
          if (cons != (pass == 1)) continue;
          size_t before = seen.n;
          int32_t id = cn__strmap_intern(&seen, nm, strlen(nm));
          if (id < 0) goto oom;
          if ((size_t)id != before) continue;
          if (!namelist_add(&all, nm, panel)) goto oom;
        }
  if ((st = check_patterns("keep", o->keep, o->n_keep, &all, d)) != CN_OK ||
      (st = check_patterns("drop", o->drop, o->n_drop, &all, d)) != CN_OK ||
      (st = check_patterns("order", o->order, o->n_order, &all, d)) != CN_OK)
    goto done;
  /* indicators: each pattern must match a coefficient or a fixed effect */
  for (int k = 0; k < o->n_indicate; k++) {
    if (!o->indicate_patterns[k] || !o->indicate_labels[k]) {
      st = cn_diag_set(d, CN_EUSAGE, "indicate: row %d has no label or no pattern", k + 1);
      goto done;
    }
    if (!(ind[k] = split_patterns(g, o->indicate_patterns[k], &nind[k]))) goto oom;
    if (nind[k] == 0) {
      st = cn_diag_set(d, CN_EUSAGE, "indicate: \"%s\" has no pattern", o->indicate_labels[k]);
      goto done;
    }
    for (int p = 0; p < nind[k]; p++) {
      bool any = false;
      for (int j = 0; j < n && !any; j++) {
        for (int a = 0; a < m[j]->ncoef && !any; a++)
          any = ci[j].name[a] && fnmatch(ind[k][p], ci[j].name[a], 0) == 0;
        for (int f = 0; f < m[j]->n_fe && !any; f++) any = m[j]->fe[f].name && fe_matches(ind[k][p], m[j]->fe[f].name);
      }
      if (!any) {
        st = cn_diag_set(d, CN_EUSAGE, "indicate: no coefficient or fixed effect matches \"%s\"", ind[k][p]);
        goto done;
      }
    }
  }
  /* the names shown: kept, not dropped, not indicated; --order first */
  for (int pass = 0; pass <= o->n_order; pass++)
    for (size_t q = 0; q < all.n; q++) {
      const char *nm = all.v[q];
      if ((o->n_keep && !matches_any(o->keep, o->n_keep, nm)) || matches_any(o->drop, o->n_drop, nm)) continue;
      bool indicated = false;
      for (int k = 0; k < o->n_indicate && !indicated; k++) indicated = matches_any(ind[k], nind[k], nm);
      if (indicated) continue;
      int first = -1; /* the first order pattern it matches */
      for (int p = 0; p < o->n_order && first < 0; p++)
        if (o->order[p] && fnmatch(o->order[p], nm, 0) == 0) first = p;
      if (pass < o->n_order ? first != pass : first >= 0) continue;
      if (!namelist_add(&shownl, nm, all.panel[q])) goto oom;
    }
  if (shownl.n == 0 && all.n > 0 && (o->n_keep || o->n_drop)) {
    st = cn_diag_set(d, CN_EUSAGE, "keep and drop leave no coefficient to show");
    goto done;
  }
  if (o->n_mtitles > n) {
    st = cn_diag_set(d, CN_EUSAGE, "%d column titles for %d column%s", o->n_mtitles, n, n == 1 ? "" : "s");
    goto done;
  }
  for (int k = 0; k < o->n_mgroups; k++) {
    int a = o->mgroup_first[k], b = o->mgroup_last[k], prev = k ? o->mgroup_last[k - 1] : 0;
    if (a < 1 || b < a || b > n || a <= prev) {
      st = cn_diag_set(d, CN_EUSAGE,
                       "column group %d (\"%s\") spans columns %d-%d: groups take columns 1 to %d, "
                       "in order, without overlapping",
                       k + 1, o->mgroup_labels[k] ? o->mgroup_labels[k] : "", a, b, n);
      goto done;
    }
  }
  for (int k = 0; k < o->n_add; k++)
    if (o->n_add_cells[k] > n) {
      st = cn_diag_set(d, CN_EUSAGE, "added row \"%s\" has %d cells for %d column%s",
                       o->add_labels[k] ? o->add_labels[k] : "", o->n_add_cells[k], n, n == 1 ? "" : "s");
      goto done;
    }
  for (int k = 0; k < o->n_stats; k++)
    if (stat_by_key(o->stats[k]) < 0) {
      st = cn_diag_set(d, CN_EUSAGE, "stats: unknown statistic \"%s\"", o->stats[k] ? o->stats[k] : "");
      cn_diag_hint(d, "the statistics are %s", cn_regtable_stat_list());
      goto done;
    }

  /* the header: groups, (1) (2) ..., dependent variables or titles */
  if (o->n_mgroups > 0) {
    row *r = add_row(g, S_HEAD, LK_TEXT, "");
    for (int k = 0; r && k < o->n_mgroups; k++) {
      int a = o->mgroup_first[k] - 1, b = o->mgroup_last[k] - 1;
      r->c[a] = (cell){.kind = CK_TEXT, .text = o->mgroup_labels[k] ? o->mgroup_labels[k] : "", .span = b - a + 1};
      for (int j = a + 1; j <= b; j++) r->c[j].kind = CK_COVERED;
    }
  }
  row *h1, *h2;
  pair_rows(g, S_HEAD, LK_TEXT, "", "", &h1, &h2);
  for (int j = 0; h1 && h2 && j < n; j++) {
    h1->c[j] = (cell){.kind = CK_TEXT, .text = ownf(g, "(%d)", j + 1)};
    const char *t = j < o->n_mtitles && o->mtitles[j] && *o->mtitles[j] ? o->mtitles[j] : NULL;
    h2->c[j] = (cell){.kind = CK_TEXT, .text = t ? t : shown(g, &li, m[j]->depvar ? m[j]->depvar : "")};
  }
  /* the coefficient panels */
  bool sel_title = false;
  for (size_t q = 0; q < shownl.n && !g->failed; q++) {
    const char *nm = shownl.v[q];
    if (shownl.panel[q] == S_SELECT) {
      if (!sel_title) add_row(g, S_SELECT, LK_TEXT, "Selection equation"), sel_title = true;
      coef_rows(g, m, ci, o, S_SELECT, nm, shown(g, &li, nm + (strncmp(nm, "select:", 7) ? 0 : 7)));
    } else {
      coef_rows(g, m, ci, o, S_COEF, nm, shown(g, &li, nm));
    }
  }
  /* auxiliary parameters: Heckman's lambda, rho, sigma; Tobit's sigma */
  bool any_heck = false, any_sigma = false;
  for (int j = 0; j < n; j++) {
    const char *est = m[j]->estimator ? m[j]->estimator : "";
    any_heck = any_heck || !strcmp(est, "heckman");
    any_sigma = any_sigma || ((!strcmp(est, "tobit") || !strcmp(est, "heckman")) && isfinite(m[j]->sigma));
  }
  if (any_heck || any_sigma) add_row(g, S_AUX, LK_TEXT, "Auxiliary parameters");
  for (int aux = 0; aux < 3 && !g->failed; aux++) {
    static const char *const nm[] = {"lambda", "rho", "sigma"};
    if ((aux < 2 && !any_heck) || (aux == 2 && !any_sigma)) continue;
    const char *lb = label_of(&li, nm[aux]);
    row *rb, *rs;
    pair_rows(g, S_AUX, lb ? LK_TEXT : LK_GREEK, lb ? lb : nm[aux], "", &rb, &rs);
    bool any_paren = false;
    for (int j = 0; rb && rs && j < n; j++) {
      const char *est = m[j]->estimator ? m[j]->estimator : "";
      bool heck = !strcmp(est, "heckman"), tob = !strcmp(est, "tobit");
      if (aux == 0 && heck) {
        const cn_coef *c = NULL;
        for (int a = 0; a < m[j]->ncoef && !c; a++)
          if (ci[j].role[a] == R_AUX) c = &m[j]->coef[a];
        cn_coef lam = {.b = m[j]->lambda, .se = m[j]->lambda_se, .t = NAN, .p = NAN, .ci_low = NAN, .ci_high = NAN};
        if (!c) c = &lam;
        if (isfinite(c->b))
          rb->c[j] = (cell){.kind = CK_B, .x = c->b, .stars = stars_of(o, c->p), .dec = decimals(o, "b", c->b)};
        rs->c[j] = paren_cell(o, c);
      } else if (aux == 1 && heck && isfinite(m[j]->rho)) {
        rb->c[j] = (cell){.kind = CK_B, .x = m[j]->rho, .dec = decimals(o, "b", m[j]->rho)};
      } else if (aux == 2 && (heck || tob) && isfinite(m[j]->sigma)) {
        rb->c[j] = (cell){.kind = CK_B, .x = m[j]->sigma, .dec = decimals(o, "b", m[j]->sigma)};
        /* sigma's t and p test sigma = 0, which no one asks: only its error */
        if (o->paren == CN_REGTABLE_SE && isfinite(m[j]->sigma_se))
          rs->c[j] = (cell){.kind = CK_SE, .x = m[j]->sigma_se, .dec = decimals(o, "se", m[j]->sigma_se)};
      }
      any_paren = any_paren || rs->c[j].kind != CK_EMPTY;
    }
    if (rs && !any_paren) cn_free(rs->c), g->nrow--;
  }
  /* fixed effects in order of first appearance, absorbed or as dummies,
   * unless an indicator covers them */
  for (int j = 0; j < n && !g->failed; j++)
    for (int f = 0; f < m[j]->n_fe; f++) {
      const char *fe = m[j]->fe[f].name ? m[j]->fe[f].name : "";
      bool dup = false;
      for (int k = 0; k < j && !dup; k++)
        for (int f2 = 0; f2 < m[k]->n_fe && !dup; f2++) dup = m[k]->fe[f2].name && !strcmp(m[k]->fe[f2].name, fe);
      for (int f2 = 0; f2 < f && !dup; f2++) dup = m[j]->fe[f2].name && !strcmp(m[j]->fe[f2].name, fe);
      for (int k = 0; k < o->n_indicate && !dup; k++)
        for (int p = 0; p < nind[k] && !dup; p++) dup = fe_matches(ind[k][p], fe);
      if (dup) continue;
      row *r = add_row(g, S_STATS, LK_TEXT, fe_label(g, &li, fe));
      for (int k = 0; r && k < n; k++) {
        bool has = false;
        for (int f2 = 0; f2 < m[k]->n_fe && !has; f2++) has = m[k]->fe[f2].name && !strcmp(m[k]->fe[f2].name, fe);
        r->c[k] = (cell){.kind = CK_TEXT, .text = has ? "Yes" : "No"};
      }
    }
  for (int k = 0; k < o->n_indicate && !g->failed; k++) {
    row *r = add_row(g, S_STATS, LK_TEXT, o->indicate_labels[k]);
    for (int j = 0; r && j < n; j++) {
      bool has = false;
      for (int p = 0; p < nind[k] && !has; p++) {
        for (int a = 0; a < m[j]->ncoef && !has; a++)
          has = ci[j].name[a] && fnmatch(ind[k][p], ci[j].name[a], 0) == 0;
        for (int f = 0; f < m[j]->n_fe && !has; f++) has = m[j]->fe[f].name && fe_matches(ind[k][p], m[j]->fe[f].name);
      }
      r->c[j] = (cell){.kind = CK_TEXT, .text = has ? "Yes" : "No"};
    }
  }
  for (int k = 0; k < o->n_add && !g->failed; k++) {
    row *r = add_row(g, S_STATS, LK_TEXT, o->add_labels[k] ? o->add_labels[k] : "");
    for (int j = 0; r && j < o->n_add_cells[k]; j++)
      if (o->add_cells[k][j] && *o->add_cells[k][j]) r->c[j] = (cell){.kind = CK_TEXT, .text = o->add_cells[k][j]};
  }
  if (o->stats) {
    for (int k = 0; k < o->n_stats && !g->failed; k++) stat_row(g, &li, m, o, stat_by_key(o->stats[k]));
  } else {
    for (int s = 0; s <= ST_WEAK_F && !g->failed; s++)
      if (any_stat(m, n, s)) stat_row(g, &li, m, o, s);
  }
  if (!(g->se_note = se_note(g, &li, m, n, o->paren))) g->failed = true;
  if (g->failed) st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  for (int j = 0; ci && j < n; j++) coef_index_free(&ci[j]);
  cn_free(ci);
  cn_free(ind);
  cn_free(nind);
  label_index_free(&li);
  cn__strmap_free(&seen);
  cn_free(all.v), cn_free(all.panel);
  cn_free(shownl.v), cn_free(shownl.panel);
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
 * (stars, the closing parenthesis or bracket), each written over the
 * buffer's old contents and NUL-terminated. A text cell (a variable name,
 * a label, a list of clusters) is kept whole, whatever its length; out of
 * memory marks the buffer failed. */
static void cell_parts(const cell *c, bool sep, cn_buf *core, cn_buf *tail) {
  char num[64];
  core->len = tail->len = 0;
  cn__buf_append(core, "", 0);
  cn__buf_append(tail, "", 0);
  switch (c->kind) {
  case CK_EMPTY:
  case CK_COVERED: break;
  case CK_TEXT: cn__buf_printf(core, "%s", c->text ? c->text : ""); break;
  case CK_B:
    cn__buf_printf(core, "%.*f", c->dec, c->x);
    cn__buf_printf(tail, "%.*s", c->stars, "*****");
    break;
  case CK_SE:
    cn__buf_printf(core, "(%.*f", c->dec, c->x);
    cn__buf_printf(tail, ")");
    break;
  case CK_CI:
    cn__buf_printf(core, "[%.*f, %.*f", c->dec, c->x, c->dec, c->x2);
    cn__buf_printf(tail, "]");
    break;
  case CK_N:
    fmt_count(num, sizeof num, c->n, sep);
    cn__buf_printf(core, "%s", num);
    break;
  case CK_STAT: cn__buf_printf(core, "%.*f", c->dec, c->x); break;
  }
}

/* Whether a cell holds numbers (a minus sign is typeset in them). */
static bool numeric(const cell *c) {
  return c->kind == CK_B || c->kind == CK_SE || c->kind == CK_CI || c->kind == CK_N || c->kind == CK_STAT;
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

/* XML text (docx): html's escapes, and the control characters XML 1.0
 * cannot hold as U+FFFD. */
static void esc_xml(cn_buf *b, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 && c != '\t' && c != '\n') cn__buf_printf(b, "\xef\xbf\xbd");
    else if (c == '&') cn__buf_printf(b, "&amp;");
    else if (c == '<') cn__buf_printf(b, "&lt;");
    else if (c == '>') cn__buf_printf(b, "&gt;");
    else if (c == '"') cn__buf_printf(b, "&quot;");
    else cn__buf_append(b, s, 1);
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
  case CN_REGTABLE_DOCX: esc_xml(b, s); break;
  default: cn__buf_printf(b, "%s", s);
  }
}

/* A row's label in the format. */
static void put_label(cn_buf *b, cn_regtable_format f, const row *r) {
  if (r->lk == LK_GREEK) {
    static const char *const ascii[] = {"sigma", "rho", "lambda"}, *const utf8[] = {"\xcf\x83", "\xcf\x81", "\xce\xbb"};
    for (int k = 0; k < 3; k++)
      if (!strcmp(r->label, ascii[k])) {
        if (f == CN_REGTABLE_TEX) cn__buf_printf(b, "$\\%s$", ascii[k]);
        else if (f == CN_REGTABLE_CSV) cn__buf_printf(b, "%s", ascii[k]);
        else cn__buf_printf(b, "%s", utf8[k]);
        return;
      }
  }
  const char *s = r->label, *r2;
  if (r->lk != LK_R2X || f == CN_REGTABLE_CSV) { /* CSV quotes the whole label */
    esc(b, f, s);
    return;
  }
  while ((r2 = strstr(s, "R2")) != NULL) { /* R2 as a superscript */
    char *part = cn_strndup(s, (size_t)(r2 - s));
    if (!part) {
      b->failed = true;
      return;
    }
    esc(b, f, part);
    cn_free(part);
    switch (f) {
    case CN_REGTABLE_TEX: cn__buf_printf(b, "$R^2$"); break;
    case CN_REGTABLE_HTML: cn__buf_printf(b, "R<sup>2</sup>"); break;
    case CN_REGTABLE_CSV: cn__buf_printf(b, "R2"); break;
    default: cn__buf_printf(b, "R\xc2\xb2");
    }
    s = r2 + 2;
  }
  esc(b, f, s);
}

/* The core of a cell escaped; in numbers, a minus sign is $-$ in TeX and
 * U+2212 in Markdown, HTML and Word (a hyphen elsewhere, so that text and
 * CSV read back as numbers). */
static void put_core(cn_buf *b, cn_regtable_format f, const char *core, bool num) {
  bool typeset = num && (f == CN_REGTABLE_TEX || f == CN_REGTABLE_MD || f == CN_REGTABLE_HTML || f == CN_REGTABLE_DOCX);
  if (!typeset) {
    esc(b, f, core);
    return;
  }
  for (const char *s = core; *s; s++) {
    if (*s == '-' && s[1] >= '0' && s[1] <= '9' && (s == core || strchr("([ ", s[-1]))) {
      cn__buf_printf(b, f == CN_REGTABLE_TEX ? "$-$" : "\xe2\x88\x92");
      continue;
    }
    char one[2] = {*s, 0};
    esc(b, f, one);
  }
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

/* The extra notes of o, each line escaped for f between open and close. */
static void put_notes(cn_buf *b, cn_regtable_format f, const cn_regtable_opts *o, const char *open,
                      const char *close) {
  for (int k = 0; k < o->n_notes; k++) {
    if (!o->notes[k]) continue;
    cn__buf_printf(b, "%s", open);
    esc(b, f, o->notes[k]);
    cn__buf_printf(b, "%s", close);
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
static char *render_part(cn_regtable_format f, const char *s, bool is_tail, bool is_num) {
  cn_buf b = {0};
  if (is_tail) put_tail(&b, f, s);
  else if (is_num) put_core(&b, f, s, true);
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

/* txt and md: columns padded so that numbers end in the same place. A
 * header cell spanning columns is centred over them in txt; Markdown has
 * no spans, so it stands in the first of its columns there. */
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
      const cell *c = &r->c[j];
      cell_parts(c, true, &core, &tail);
      rendered *x = &rc[(size_t)i * nc + j];
      if (core.failed || tail.failed || !(x->core = render_part(f, core.data, false, numeric(c))) ||
          !(x->tail = render_part(f, tail.data, true, false)))
        goto oom;
      x->wcore = cn_text_width(x->core), x->wtail = cn_text_width(x->tail);
      if (!md && c->span > 1) continue; /* widened below */
      if (r->section == S_HEAD) {
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
  for (int i = 0; !md && i < g->nrow; i++) /* a spanning cell wider than its columns widens the last */
    for (int j = 0; j < nc; j++) {
      int k = g->rows[i].c[j].span;
      if (k <= 1 || j + k > nc) continue;
      int64_t span = 3 * (k - 1);
      for (int q = j; q < j + k; q++) span += ww[q];
      int64_t need = rc[(size_t)i * nc + j].wcore;
      if (need > span) ww[j + k - 1] += need - span;
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
      const cell *c = &r->c[j];
      if (!md && c->kind == CK_COVERED) continue;
      cn__buf_printf(b, md ? " | " : "   ");
      int64_t width = ww[j];
      if (!md && c->span > 1)
        for (int q = j + 1; q < j + c->span && q < nc; q++) width += 3 + ww[q];
      if (r->section == S_HEAD || c->span > 1) { /* centred over the column */
        int64_t left = (width - x->wcore) / 2;
        spaces(b, left);
        cn__buf_printf(b, "%s", x->core);
        spaces(b, width - x->wcore - left);
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
  for (int k = 0; k < o->n_notes; k++) {
    if (!o->notes[k]) continue;
    if (md) endline(b);
    esc(b, f, o->notes[k]);
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
  bool head = r->section == S_HEAD;
  cn__buf_printf(b, "%s", open);
  if (f == CN_REGTABLE_HTML) cn__buf_printf(b, head ? "<th>" : "<td>");
  put_label(b, f, r);
  if (f == CN_REGTABLE_HTML) cn__buf_printf(b, head ? "</th>" : "</td>");
  cn_buf core = {0}, tail = {0};
  for (int j = 0; j < g->ncol; j++) {
    const cell *c = &r->c[j];
    if (c->kind == CK_COVERED && f != CN_REGTABLE_CSV) continue;
    cell_parts(c, f != CN_REGTABLE_CSV, &core, &tail);
    if (core.failed || tail.failed) break;
    cn__buf_printf(b, "%s", sep);
    if (f == CN_REGTABLE_CSV) { /* quoting covers the whole cell */
      cn__buf_append(&core, tail.data, tail.len);
      if (core.failed) break;
      esc_csv(b, core.data);
      continue;
    }
    if (f == CN_REGTABLE_HTML) {
      const char *tag = head ? "th" : "td";
      if (c->span > 1) cn__buf_printf(b, "<%s colspan=\"%d\">", tag, c->span);
      else cn__buf_printf(b, "<%s>", tag);
    }
    if (f == CN_REGTABLE_TEX && c->span > 1) cn__buf_printf(b, "\\multicolumn{%d}{c}{", c->span);
    if (head) esc(b, f, core.data);
    else put_core(b, f, core.data, numeric(c)), put_tail(b, f, tail.data);
    if (f == CN_REGTABLE_TEX && c->span > 1) cn__buf_printf(b, "}");
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
    const row *r = &g->rows[i];
    if (i > 0 && r->section != g->rows[i - 1].section) cn__buf_printf(b, "\\midrule\n");
    put_cells(b, g, o, r, "", " & ", " \\\\");
    bool rules = false; /* a rule under each column group */
    for (int j = 0; j < g->ncol; j++)
      if (r->c[j].span > 1) {
        cn__buf_printf(b, "%s\\cmidrule(lr){%d-%d}", rules ? " " : "", j + 2, j + r->c[j].span + 1);
        rules = true;
      }
    if (rules) cn__buf_printf(b, "\n");
  }
  cn__buf_printf(b, "\\bottomrule\n\\multicolumn{%d}{l}{\\footnotesize ", g->ncol + 1);
  esc_tex(b, g->se_note);
  cn__buf_printf(b, "}\\\\\n");
  if (o->n_stars > 0) {
    cn__buf_printf(b, "\\multicolumn{%d}{l}{\\footnotesize ", g->ncol + 1);
    put_stars_note(b, CN_REGTABLE_TEX, o);
    cn__buf_printf(b, "}\\\\\n");
  }
  char open[64];
  snprintf(open, sizeof open, "\\multicolumn{%d}{l}{\\footnotesize ", g->ncol + 1);
  put_notes(b, CN_REGTABLE_TEX, o, open, "}\\\\\n");
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
  put_notes(b, CN_REGTABLE_CSV, o, "", "\n");
}

static void render_html(const grid *g, const cn_regtable_opts *o, cn_buf *b) {
  cn__buf_printf(b, "<table>\n");
  if (o->title) cn__buf_printf(b, "<caption>"), esc_html(b, o->title), cn__buf_printf(b, "</caption>\n");
  for (int i = 0; i < g->nrow; i++) {
    int s = g->rows[i].section;
    if (i == 0 || s != g->rows[i - 1].section) {
      if (i > 0) cn__buf_printf(b, "%s\n", g->rows[i - 1].section == S_HEAD ? "</thead>" : "</tbody>");
      cn__buf_printf(b, "%s\n", s == S_HEAD ? "<thead>" : "<tbody>");
    }
    put_cells(b, g, o, &g->rows[i], "<tr>", "", "</tr>");
  }
  if (g->nrow > 0) cn__buf_printf(b, "%s\n", g->rows[g->nrow - 1].section == S_HEAD ? "</thead>" : "</tbody>");
  cn__buf_printf(b, "<tfoot>\n<tr><td colspan=\"%d\">", g->ncol + 1);
  esc_html(b, g->se_note);
  cn__buf_printf(b, "</td></tr>\n");
  if (o->n_stars > 0) {
    cn__buf_printf(b, "<tr><td colspan=\"%d\">", g->ncol + 1);
    put_stars_note(b, CN_REGTABLE_HTML, o);
    cn__buf_printf(b, "</td></tr>\n");
  }
  char open[64];
  snprintf(open, sizeof open, "<tr><td colspan=\"%d\">", g->ncol + 1);
  put_notes(b, CN_REGTABLE_HTML, o, open, "</td></tr>\n");
  cn__buf_printf(b, "</tfoot>\n</table>\n");
}

/* ---- xlsx ------------------------------------------------------------ */

enum { XF_LABEL, XF_HEAD, XF_TEXT, XF_B, XF_N, XF_STAT, XF_NOTE };

/* The workbook's cell formats, made on first use: kind, stars, decimals
 * and borders (1 top, 2 bottom) pick one. */
typedef struct xfmt_entry {
  int kind, stars, dec, border;
  lxw_format *f;
} xfmt_entry;

typedef struct xfmts {
  lxw_workbook *wb;
  xfmt_entry *v;
  size_t n, cap;
} xfmts;

/* The cell format of a kind; NULL when out of memory. */
static lxw_format *xfmt(xfmts *x, int kind, int stars, int dec, int border) {
  for (size_t i = 0; i < x->n; i++)
    if (x->v[i].kind == kind && x->v[i].stars == stars && x->v[i].dec == dec && x->v[i].border == border)
      return x->v[i].f;
  if (!cn__grow((void **)&x->v, &x->cap, x->n + 1, sizeof *x->v)) return NULL;
  lxw_format *f = workbook_add_format(x->wb);
  if (!f) return NULL;
  if (border & 1) format_set_top(f, LXW_BORDER_THIN);
  if (border & 2) format_set_bottom(f, LXW_BORDER_THIN);
  if (kind != XF_LABEL && kind != XF_NOTE) format_set_align(f, LXW_ALIGN_CENTER);
  if (kind == XF_NOTE) format_set_font_size(f, 9);
  char nf[64], zeros[16];
  snprintf(zeros, sizeof zeros, "%s%.*s", dec > 0 ? "." : "", dec, "0000000000");
  if (kind == XF_B) {
    if (stars) snprintf(nf, sizeof nf, "0%s\"%.*s\"", zeros, stars, "*****");
    else snprintf(nf, sizeof nf, "0%s", zeros);
    format_set_num_format(f, nf);
  } else if (kind == XF_N) {
    format_set_num_format(f, "#,##0");
  } else if (kind == XF_STAT) {
    snprintf(nf, sizeof nf, "0%s", zeros);
    format_set_num_format(f, nf);
  }
  x->v[x->n++] = (xfmt_entry){kind, stars, dec, border, f};
  return f;
}

/* The borders of row i, as in the booktabs layout: a rule above each
 * section and under the header. */
static int row_border(const grid *g, int i) {
  const row *r = &g->rows[i];
  bool top = i == 0 || r->section != g->rows[i - 1].section;
  bool bottom = i == g->nrow - 1 || (r->section == S_HEAD && g->rows[i + 1].section != S_HEAD);
  return (top ? 1 : 0) | (bottom ? 2 : 0);
}

static cn_status render_xlsx(const grid *g, const cn_regtable_opts *o, const char *path,
                             cn_diag *d) {
  cn_status st = CN_OK;
  /* libxlsxwriter prints its errors: the (temporary) file is made first,
   * which checks that it can be */
  cn_output *out = NULL;
  if ((st = cn_output_open(path, 0, &out, d)) != CN_OK) return st;
  lxw_workbook *wb = workbook_new(cn_output_path(out));
  if (!wb) {
    cn_output_discard(out);
    return cn_diag_at(d, CN_EINTERNAL, path, 0, 0, "cannot create the workbook");
  }
  lxw_doc_properties props = {0};
  props.created = 946684800; /* fixed: the same table gives the same file */
  workbook_set_properties(wb, &props);
  xfmts x = {wb, NULL, 0, 0};
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Table");
  lxw_row_t r0 = 0;
  double wl = 8;
  cn_buf core = {0}, tail = {0}, lb = {0};
  if (!ws) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  if (o->title) worksheet_write_string(ws, r0++, 0, o->title, NULL);
  for (int i = 0; i < g->nrow; i++) {
    const row *r = &g->rows[i];
    int border = row_border(g, i);
    lxw_row_t rr = r0 + (lxw_row_t)i;
    lb.len = 0;
    put_label(&lb, CN_REGTABLE_TXT, r);
    cn__buf_append(&lb, "", 1);
    if (lb.failed) {
      st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    if ((double)cn_text_width(lb.data) + 2 > wl) wl = (double)cn_text_width(lb.data) + 2;
    worksheet_write_string(ws, rr, 0, lb.data, xfmt(&x, XF_LABEL, 0, 0, border));
    for (int j = 0; j < g->ncol; j++) {
      const cell *c = &r->c[j];
      lxw_col_t cc = (lxw_col_t)(j + 1);
      switch (c->kind) {
      case CK_COVERED: break;
      case CK_B: worksheet_write_number(ws, rr, cc, c->x, xfmt(&x, XF_B, c->stars, c->dec, border)); break;
      case CK_N: worksheet_write_number(ws, rr, cc, (double)c->n, xfmt(&x, XF_N, 0, 0, border)); break;
      case CK_STAT: worksheet_write_number(ws, rr, cc, c->x, xfmt(&x, XF_STAT, 0, c->dec, border)); break;
      default:
        cell_parts(c, true, &core, &tail);
        cn__buf_append(&core, tail.data, tail.len);
        if (core.failed || tail.failed) {
          st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
          goto done;
        }
        lxw_format *fm = xfmt(&x, r->section ? XF_TEXT : XF_HEAD, 0, 0, c->span > 1 ? border | 2 : border);
        if (c->span > 1)
          worksheet_merge_range(ws, rr, cc, rr, (lxw_col_t)(j + c->span), core.data, fm);
        else if (core.data[0]) worksheet_write_string(ws, rr, cc, core.data, fm);
        else worksheet_write_blank(ws, rr, cc, fm);
      }
    }
  }
  lxw_row_t rn = r0 + (lxw_row_t)g->nrow;
  worksheet_write_string(ws, rn++, 0, g->se_note, xfmt(&x, XF_NOTE, 0, 0, 0));
  if (o->n_stars > 0) {
    cn_buf s = {0};
    put_stars_note(&s, CN_REGTABLE_TXT, o);
    cn__buf_append(&s, "", 1);
    if (!s.failed) worksheet_write_string(ws, rn++, 0, s.data, xfmt(&x, XF_NOTE, 0, 0, 0));
    cn__buf_free(&s);
  }
  for (int k = 0; k < o->n_notes; k++)
    if (o->notes[k]) worksheet_write_string(ws, rn++, 0, o->notes[k], xfmt(&x, XF_NOTE, 0, 0, 0));
  worksheet_set_column(ws, 0, 0, wl, NULL);
  worksheet_set_column(ws, 1, (lxw_col_t)g->ncol, 12, NULL);
done:;
  cn__buf_free(&core);
  cn__buf_free(&tail);
  cn__buf_free(&lb);
  cn_free(x.v);
  lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR && st == CN_OK)
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", lxw_strerror(e));
  if (st == CN_OK) return cn_output_commit(out, d);
  cn_output_discard(out);
  return st;
}

/* ---- docx ------------------------------------------------------------ */

/* A paragraph of text for docx: run properties rpr (or ""), text escaped. */
static void docx_par(cn_buf *b, const char *ppr, const char *rpr, const char *text) {
  cn__buf_printf(b, "<w:p><w:pPr>%s</w:pPr><w:r><w:rPr>%s</w:rPr><w:t xml:space=\"preserve\">", ppr, rpr);
  esc_xml(b, text);
  cn__buf_printf(b, "</w:t></w:r></w:p>\n");
}

static void docx_borders(cn_buf *b, int border) {
  if (!border) return;
  cn__buf_printf(b, "<w:tcBorders>");
  if (border & 1) cn__buf_printf(b, "<w:top w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/>");
  if (border & 2) cn__buf_printf(b, "<w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/>");
  cn__buf_printf(b, "</w:tcBorders>");
}

/* The WordprocessingML body: the title, the table (a rule above each
 * section, as booktabs), the notes in a smaller size. */
static void docx_document(const grid *g, const cn_regtable_opts *o, cn_buf *b) {
  static const char *const small = "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>";
  static const char *const tight = "<w:spacing w:before=\"0\" w:after=\"0\"/>";
  cn_buf core = {0}, tail = {0}, lb = {0}, ppr = {0};
  cn__buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\n"
                    "<w:body>\n");
  if (o->title) docx_par(b, "<w:keepNext/><w:jc w:val=\"center\"/>", "<w:b/>", o->title);
  cn__buf_printf(b, "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:jc w:val=\"center\"/>"
                    "<w:tblLayout w:type=\"autofit\"/></w:tblPr>\n<w:tblGrid><w:gridCol w:w=\"3200\"/>");
  for (int j = 0; j < g->ncol; j++) cn__buf_printf(b, "<w:gridCol w:w=\"1400\"/>");
  cn__buf_printf(b, "</w:tblGrid>\n");
  for (int i = 0; i < g->nrow; i++) {
    const row *r = &g->rows[i];
    int border = row_border(g, i);
    cn__buf_printf(b, "<w:tr>");
    lb.len = 0;
    put_label(&lb, CN_REGTABLE_DOCX, r);
    cn__buf_append(&lb, "", 1);
    cn__buf_printf(b, "<w:tc><w:tcPr>");
    docx_borders(b, border);
    cn__buf_printf(b, "</w:tcPr><w:p><w:pPr>%s</w:pPr><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p></w:tc>",
                   tight, lb.failed ? "" : lb.data);
    for (int j = 0; j < g->ncol; j++) {
      const cell *c = &r->c[j];
      if (c->kind == CK_COVERED) continue;
      cell_parts(c, true, &core, &tail);
      if (core.failed || tail.failed) break;
      cn__buf_printf(b, "<w:tc><w:tcPr>");
      if (c->span > 1) cn__buf_printf(b, "<w:gridSpan w:val=\"%d\"/>", c->span);
      docx_borders(b, c->span > 1 ? border | 2 : border);
      cn__buf_printf(b, "</w:tcPr><w:p><w:pPr>%s<w:jc w:val=\"center\"/></w:pPr>", tight);
      if (core.data[0]) {
        cn__buf_printf(b, "<w:r><w:t xml:space=\"preserve\">");
        put_core(b, CN_REGTABLE_DOCX, core.data, numeric(c));
        cn__buf_printf(b, "</w:t></w:r>");
      }
      if (tail.data[0] == '*')
        cn__buf_printf(b, "<w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:t>%s</w:t></w:r>", tail.data);
      else if (tail.data[0])
        cn__buf_printf(b, "<w:r><w:t>%s</w:t></w:r>", tail.data);
      cn__buf_printf(b, "</w:p></w:tc>");
    }
    cn__buf_printf(b, "</w:tr>\n");
  }
  cn__buf_printf(b, "</w:tbl>\n");
  cn__buf_printf(&ppr, "%s", tight);
  cn__buf_append(&ppr, "", 1);
  docx_par(b, ppr.failed ? "" : ppr.data, small, g->se_note);
  if (o->n_stars > 0) {
    cn_buf s = {0};
    put_stars_note(&s, CN_REGTABLE_TXT, o);
    cn__buf_append(&s, "", 1);
    if (s.failed) b->failed = true;
    else docx_par(b, tight, small, s.data);
    cn__buf_free(&s);
  }
  for (int k = 0; k < o->n_notes; k++)
    if (o->notes[k]) docx_par(b, tight, small, o->notes[k]);
  cn__buf_printf(b, "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" "
                    "w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/>"
                    "</w:sectPr>\n</w:body>\n</w:document>\n");
  if (core.failed || tail.failed || lb.failed || ppr.failed) b->failed = true;
  cn__buf_free(&core);
  cn__buf_free(&tail);
  cn__buf_free(&lb);
  cn__buf_free(&ppr);
}

/* The table as a Word document at path: the three parts a package needs
 * ([Content_Types].xml, the package relationships, the document), stored
 * in a zip. */
static cn_status render_docx(const grid *g, const cn_regtable_opts *o, const char *path, cn_diag *d) {
  static const char types[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/word/document.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
      "</Types>\n";
  static const char rels[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"word/document.xml\"/></Relationships>\n";
  cn_status st = CN_OK;
  cn_buf doc = {0};
  cn__zip z = {0};
  docx_document(g, o, &doc);
  if (doc.failed || !cn__zip_add(&z, "[Content_Types].xml", types, sizeof types - 1) ||
      !cn__zip_add(&z, "_rels/.rels", rels, sizeof rels - 1) ||
      !cn__zip_add(&z, "word/document.xml", doc.data, doc.len) || !cn__zip_finish(&z)) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  st = cn_output_write(path, z.out.data, z.out.len, d);
done:
  cn__buf_free(&doc);
  cn__zip_free(&z);
  return st;
}

/* ---- entry points ---------------------------------------------------- */

static cn_status check_opts(const cn_model *const *models, int n, const cn_regtable_opts *o,
                            cn_diag *d) {
  if (n < 1 || !models) return cn_diag_set(d, CN_EUSAGE, "no model to tabulate");
  for (int j = 0; j < n; j++)
    if (!models[j]) return cn_diag_set(d, CN_EUSAGE, "model %d is missing", j + 1);
  if ((int)o->format < 0 || o->format > CN_REGTABLE_DOCX)
    return cn_diag_set(d, CN_EUSAGE, "unknown table format (the formats are %s)", cn_regtable_format_list());
  if (o->digits < 0 || o->digits > 10)
    return cn_diag_set(d, CN_EUSAGE, "digits must be between 0 and 10 (got %d)", o->digits);
  for (int k = 0; k < o->n_digits_for; k++) {
    const cn_regtable_digits *q = &o->digits_for[k];
    if (!q->what || q->n < (q->significant ? 1 : 0) || q->n > 10)
      return cn_diag_set(d, CN_EUSAGE, "digits of %s must be between %d and 10 (got %d)", q->what ? q->what : "?",
                         q->significant ? 1 : 0, q->n);
  }
  if ((int)o->paren < 0 || o->paren > CN_REGTABLE_CI)
    return cn_diag_set(d, CN_EUSAGE, "unknown content of the parentheses");
  if (o->n_keep < 0 || o->n_drop < 0 || o->n_order < 0 || o->n_rename < 0 || o->n_indicate < 0 ||
      o->n_labels < 0 || o->n_mtitles < 0 || o->n_mgroups < 0 || o->n_stats < 0 || o->n_add < 0 ||
      o->n_notes < 0 || o->n_digits_for < 0)
    return cn_diag_set(d, CN_EUSAGE, "a negative count in the table options");
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
      f->r2 = f->r2_within = f->pseudo_r2 = f->r2_a = f->r2_within_a = f->rmse = f->F = NAN;
      f->ll = f->ll0 = f->sigma = f->rho = NAN;
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
  if (o->format == CN_REGTABLE_XLSX || o->format == CN_REGTABLE_DOCX)
    return cn_diag_set(d, CN_EUSAGE, "an %s table goes to a file, not to text",
                       o->format == CN_REGTABLE_XLSX ? "xlsx" : "docx");
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
  if (o->format == CN_REGTABLE_XLSX || o->format == CN_REGTABLE_DOCX) {
    grid g = {0};
    const cn_model *const *all;
    cn_model *views = NULL;
    int na;
    if ((st = expand_first(models, n, o, &all, &views, &na, d)) != CN_OK) return st;
    if ((st = check_opts(all, na, o, d)) == CN_OK && (st = build_grid(all, na, o, &g, d)) == CN_OK)
      st = o->format == CN_REGTABLE_XLSX ? render_xlsx(&g, o, path, d) : render_docx(&g, o, path, d);
    grid_free(&g);
    if (all != models) cn_free((void *)all);
    cn_free(views);
    return st;
  }
  if ((st = cn_regtable_text(models, n, o, &text, d)) != CN_OK) return st;
  st = cn_output_write(path, text, strlen(text), d);
  cn_free(text);
  return st;
}

