/* lib/report/json.c — reads a saved model: a small JSON parser (objects,
 * arrays, strings with escapes, numbers, true / false / null) into a tree,
 * then the tree into a cn_model following the schema_version 1 document of
 * lib/model/json.c. Every error names the file, line and column. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "../base/base_int.h"
#include "coinnet/regtable.h"

#define MAX_DEPTH 64
#define MAX_FILE ((size_t)1 << 30)

typedef enum jkind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jkind;

typedef struct jval {
  jkind kind;
  size_t off; /* byte offset of the value's first character */
  bool b;
  double num;
  bool is_int; /* J_NUM written without fraction or exponent, fits int64 */
  int64_t i;
  char *str;   /* J_STR, NUL-terminated (may hold NUL from \u0000) */
  int n;       /* J_ARR, J_OBJ: items */
  struct jval *items;
  char **keys; /* J_OBJ */
} jval;

typedef struct jparser {
  const char *s;
  size_t len, pos;
  const char *name;
  cn_diag *d;
  char what[8];
} jparser;

/* A CN_EDATA diagnostic at byte offset off of the text, with the line as
 * snippet; returns CN_EDATA. */
static cn_status err_at(const char *s, size_t len, const char *name, cn_diag *d, size_t off,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static cn_status err_at(const char *s, size_t len, const char *name, cn_diag *d, size_t off,
                        const char *fmt, ...) {
  if (off > len) off = len;
  int64_t line = 1;
  size_t ls = 0;
  for (size_t k = 0; k < off; k++)
    if (s[k] == '\n') line++, ls = k + 1;
  size_t le = ls;
  while (le < len && s[le] != '\n') le++;
  size_t vl = cn__utf8_valid(s + ls, off - ls); /* a bad byte may precede off */
  int64_t col = cn__utf8_chars(s + ls, vl) + (int64_t)(off - ls - vl) + 1;
  char msg[sizeof d->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cn_diag_at(d, CN_EDATA, name, line, col, "%s", msg);
  if (d && cn__utf8_valid(s + ls, le - ls) == le - ls) cn_diag_snippet(d, s + ls, le - ls, col);
  return CN_EDATA;
}

#define PERR(p, off, ...) err_at((p)->s, (p)->len, (p)->name, (p)->d, (off), __VA_ARGS__)

static void jval_free(jval *v) {
  if (!v) return;
  cn_free(v->str);
  for (int k = 0; k < v->n; k++) {
    jval_free(&v->items[k]);
    if (v->keys) cn_free(v->keys[k]);
  }
  cn_free(v->items);
  cn_free(v->keys);
  memset(v, 0, sizeof *v);
}

static void skip_ws(jparser *p) {
  while (p->pos < p->len) {
    char c = p->s[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    p->pos++;
  }
}

/* What the text at pos is, for messages: 'x' or the end of the file. */
static const char *what_at(jparser *p) {
  unsigned char c = p->pos < p->len ? (unsigned char)p->s[p->pos] : 0;
  if (p->pos >= p->len) return "the end of the file";
  if (c < 0x20 || c >= 0x7f) return "this character";
  snprintf(p->what, sizeof p->what, "'%c'", c);
  return p->what;
}

static int hex4(const char *s) {
  int v = 0;
  for (int k = 0; k < 4; k++) {
    char c = s[k];
    int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/* Parses the string at pos (a '"') into a new NUL-terminated *out. */
static cn_status parse_string(jparser *p, char **out) {
  size_t start = p->pos++;
  cn_buf b = {0};
  cn_status st = CN_OK;
  for (;;) {
    if (p->pos >= p->len) {
      st = PERR(p, start, "a string that does not end");
      goto done;
    }
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c == '"') {
      p->pos++;
      break;
    }
    if (c < 0x20) {
      st = PERR(p, p->pos, "a control character inside a string (write it as \\u%04x)", c);
      goto done;
    }
    if (c != '\\') {
      size_t run = p->pos;
      while (run < p->len && p->s[run] != '"' && p->s[run] != '\\' &&
             (unsigned char)p->s[run] >= 0x20)
        run++;
      cn__buf_append(&b, p->s + p->pos, run - p->pos);
      p->pos = run;
      continue;
    }
    size_t esc = p->pos;
    if (p->pos + 1 >= p->len) {
      st = PERR(p, start, "a string that does not end");
      goto done;
    }
    char e = p->s[p->pos + 1];
    p->pos += 2;
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e && simple) {
      static const char map[] = "\"\\/\b\f\n\r\t";
      cn__buf_append(&b, &map[simple - "\"\\/bfnrt"], 1);
      continue;
    }
    if (e != 'u') {
      st = PERR(p, esc, "unknown escape \\%c in a string", e >= 0x20 && e < 0x7f ? e : '?');
      goto done;
    }
    int u = p->pos + 4 <= p->len ? hex4(p->s + p->pos) : -1;
    if (u < 0) {
      st = PERR(p, esc, "\\u needs four hexadecimal digits");
      goto done;
    }
    p->pos += 4;
    uint32_t cp = (uint32_t)u;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      int lo = p->pos + 6 <= p->len && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u'
                   ? hex4(p->s + p->pos + 2) : -1;
      if (lo < 0xDC00 || lo > 0xDFFF) {
        st = PERR(p, esc, "a lone UTF-16 surrogate \\u%04x", u);
        goto done;
      }
      p->pos += 6;
      cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      st = PERR(p, esc, "a lone UTF-16 surrogate \\u%04x", u);
      goto done;
    }
    char u8[4];
    size_t n;
    if (cp < 0x80) u8[0] = (char)cp, n = 1;
    else if (cp < 0x800) u8[0] = (char)(0xC0 | cp >> 6), u8[1] = (char)(0x80 | (cp & 63)), n = 2;
    else if (cp < 0x10000)
      u8[0] = (char)(0xE0 | cp >> 12), u8[1] = (char)(0x80 | ((cp >> 6) & 63)),
      u8[2] = (char)(0x80 | (cp & 63)), n = 3;
    else
      u8[0] = (char)(0xF0 | cp >> 18), u8[1] = (char)(0x80 | ((cp >> 12) & 63)),
      u8[2] = (char)(0x80 | ((cp >> 6) & 63)), u8[3] = (char)(0x80 | (cp & 63)), n = 4;
    cn__buf_append(&b, u8, n);
  }
  cn__buf_append(&b, "", 1);
  if (b.failed) st = cn_diag_set(p->d, CN_EINTERNAL, "out of memory");
done:
  if (st == CN_OK) *out = b.data;
  else cn__buf_free(&b);
  return st;
}

/* Parses a number at pos in JSON's grammar. */
static cn_status parse_number(jparser *p, jval *v) {
  size_t a = p->pos, k = a;
  const char *s = p->s;
  bool frac = false;
  if (k < p->len && s[k] == '-') k++;
  if (k < p->len && s[k] == '0') k++;
  else if (k < p->len && s[k] >= '1' && s[k] <= '9')
    while (k < p->len && s[k] >= '0' && s[k] <= '9') k++;
  else return PERR(p, a, "not a JSON value");
  if (k < p->len && s[k] == '.') {
    k++, frac = true;
    if (k >= p->len || s[k] < '0' || s[k] > '9') return PERR(p, a, "a number needs digits after '.'");
    while (k < p->len && s[k] >= '0' && s[k] <= '9') k++;
  }
  if (k < p->len && (s[k] == 'e' || s[k] == 'E')) {
    k++, frac = true;
    if (k < p->len && (s[k] == '+' || s[k] == '-')) k++;
    if (k >= p->len || s[k] < '0' || s[k] > '9') return PERR(p, a, "a number needs digits in its exponent");
    while (k < p->len && s[k] >= '0' && s[k] <= '9') k++;
  }
  v->kind = J_NUM;
  if (!cn__parse_double(s + a, k - a, &v->num)) return PERR(p, a, "a number out of range");
  v->is_int = !frac && cn__parse_int64(s + a, k - a, &v->i);
  p->pos = k;
  return CN_OK;
}

static cn_status parse_value(jparser *p, jval *v, int depth);

/* Parses the array or object at pos (a '[' or '{') into v. */
static cn_status parse_container(jparser *p, jval *v, int depth) {
  bool obj = p->s[p->pos] == '{';
  char close = obj ? '}' : ']';
  size_t cap = 0, capk = 0;
  v->kind = obj ? J_OBJ : J_ARR;
  if (depth >= MAX_DEPTH) return PERR(p, p->pos, "nested deeper than %d levels", MAX_DEPTH);
  p->pos++;
  skip_ws(p);
  if (p->pos < p->len && p->s[p->pos] == close) {
    p->pos++;
    return CN_OK;
  }
  for (;;) {
    skip_ws(p);
    char *key = NULL;
    if (obj) {
      if (p->pos >= p->len || p->s[p->pos] != '"')
        return PERR(p, p->pos, "expected a key in double quotes, found %s", what_at(p));
      cn_status st = parse_string(p, &key);
      if (st) return st;
      skip_ws(p);
      if (p->pos >= p->len || p->s[p->pos] != ':') {
        cn_free(key);
        return PERR(p, p->pos, "expected ':' after the key, found %s", what_at(p));
      }
      p->pos++;
    }
    if (!cn__grow((void **)&v->items, &cap, (size_t)v->n + 1, sizeof *v->items) ||
        (obj && !cn__grow((void **)&v->keys, &capk, (size_t)v->n + 1, sizeof *v->keys))) {
      cn_free(key);
      return cn_diag_set(p->d, CN_EINTERNAL, "out of memory");
    }
    memset(&v->items[v->n], 0, sizeof *v->items);
    if (obj) v->keys[v->n] = key;
    v->n++;
    cn_status st = parse_value(p, &v->items[v->n - 1], depth + 1);
    if (st) return st;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->len && p->s[p->pos] == close) {
      p->pos++;
      return CN_OK;
    }
    return PERR(p, p->pos, "expected ',' or '%c', found %s", close, what_at(p));
  }
}

/* Parses one value at pos (after white space) into v. */
static cn_status parse_value(jparser *p, jval *v, int depth) {
  skip_ws(p);
  v->off = p->pos;
  if (p->pos >= p->len) return PERR(p, p->pos, "expected a value, found the end of the file");
  char c = p->s[p->pos];
  if (c == '{' || c == '[') return parse_container(p, v, depth);
  if (c == '"') {
    v->kind = J_STR;
    return parse_string(p, &v->str);
  }
  static const char *const words[] = {"true", "false", "null"};
  for (int w = 0; w < 3; w++) {
    size_t L = strlen(words[w]);
    if (p->len - p->pos >= L && !memcmp(p->s + p->pos, words[w], L)) {
      v->kind = w == 2 ? J_NULL : J_BOOL;
      v->b = w == 0;
      p->pos += L;
      return CN_OK;
    }
  }
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p, v);
  return PERR(p, p->pos, "not a JSON value");
}

/* ---- the tree into a cn_model ---------------------------------------- */

typedef struct reader {
  jparser *p;
  cn_status st; /* sticky: the first error */
} reader;

static const jval *get(const jval *obj, const char *key) {
  if (!obj || obj->kind != J_OBJ) return NULL;
  for (int k = 0; k < obj->n; k++)
    if (!strcmp(obj->keys[k], key)) return &obj->items[k];
  return NULL;
}

static void bad(reader *r, const jval *v, const char *key, const char *want) {
  if (r->st) return;
  r->st = PERR(r->p, v->off, "\"%s\" should be %s", key, want);
}

/* A number or null (NaN); absent keeps *out. */
static void get_num(reader *r, const jval *obj, const char *key, double *out) {
  const jval *v = get(obj, key);
  if (!v) return;
  if (v->kind == J_NULL) *out = NAN;
  else if (v->kind == J_NUM) *out = v->num;
  else bad(r, v, key, "a number or null");
}

static void get_i64(reader *r, const jval *obj, const char *key, int64_t *out) {
  const jval *v = get(obj, key);
  if (!v) return;
  if (v->kind == J_NUM && v->is_int) *out = v->i;
  else bad(r, v, key, "an integer");
}

static void get_int(reader *r, const jval *obj, const char *key, int *out) {
  int64_t x = *out;
  get_i64(r, obj, key, &x);
  const jval *v = get(obj, key);
  if (v && !r->st && (x < -2147483647 || x > 2147483647)) bad(r, v, key, "a smaller integer");
  *out = (int)x;
}

static void get_bool(reader *r, const jval *obj, const char *key, bool *out) {
  const jval *v = get(obj, key);
  if (!v) return;
  if (v->kind == J_BOOL) *out = v->b;
  else bad(r, v, key, "true or false");
}

/* A copy of a string (or NULL when absent). */
static void get_str(reader *r, const jval *obj, const char *key, char **out) {
  const jval *v = get(obj, key);
  if (!v || r->st) return;
  if (v->kind != J_STR) {
    bad(r, v, key, "a string");
    return;
  }
  cn_free(*out);
  *out = cn_strdup(v->str);
  if (!*out) r->st = cn_diag_set(r->p->d, CN_EINTERNAL, "out of memory");
}

/* An array (absent: NULL, no error). */
static const jval *get_arr(reader *r, const jval *obj, const char *key) {
  const jval *v = get(obj, key);
  if (!v) return NULL;
  if (v->kind != J_ARR) {
    bad(r, v, key, "an array");
    return NULL;
  }
  return v;
}

static const jval *get_obj(reader *r, const jval *obj, const char *key) {
  const jval *v = get(obj, key);
  if (!v) return NULL;
  if (v->kind != J_OBJ) {
    bad(r, v, key, "an object");
    return NULL;
  }
  return v;
}

static void *alloc_n(reader *r, int n, size_t size) {
  if (r->st || n == 0) return NULL;
  void *q = cn_calloc((size_t)n, size);
  if (!q) r->st = cn_diag_set(r->p->d, CN_EINTERNAL, "out of memory");
  return q;
}

/* Coefficients from an array of objects; *n counts those filled. */
static void read_coefs(reader *r, const jval *arr, cn_coef **out, int *n) {
  if (!arr) return;
  *out = alloc_n(r, arr->n, sizeof **out);
  if (!*out) return;
  for (int a = 0; a < arr->n && !r->st; a++) {
    const jval *c = &arr->items[a];
    if (c->kind != J_OBJ) {
      bad(r, c, "coefficients", "a list of objects");
      return;
    }
    cn_coef *k = &(*out)[a];
    k->b = k->se = k->t = k->p = k->ci_low = k->ci_high = NAN;
    (*n)++;
    get_str(r, c, "name", &k->name);
    if (!r->st && !k->name) r->st = PERR(r->p, c->off, "a coefficient without \"name\"");
    get_num(r, c, "b", &k->b);
    get_num(r, c, "se", &k->se);
    get_num(r, c, "t", &k->t);
    get_num(r, c, "p", &k->p);
    get_num(r, c, "ci_low", &k->ci_low);
    get_num(r, c, "ci_high", &k->ci_high);
  }
}

static void read_model(reader *r, const jval *root, cn_model *m) {
  jparser *p = r->p;
  if (root->kind != J_OBJ) {
    r->st = PERR(p, root->off, "a saved model is a JSON object ({...})");
    return;
  }
  const jval *sv = get(root, "schema_version");
  if (!sv) {
    r->st = PERR(p, root->off, "no \"schema_version\": not a coinnet model");
    return;
  }
  if (sv->kind != J_NUM || !sv->is_int || sv->i != 1) {
    size_t e = sv->off; /* the value as written, for the message */
    while (e < p->len && !strchr(",}]\n", p->s[e])) e++;
    r->st = PERR(p, sv->off, "schema_version %.*s is not supported (this coinnet reads 1)",
                 (int)(e - sv->off > 40 ? 40 : e - sv->off), p->s + sv->off);
    if (r->st) cn_diag_hint(p->d, "save the model again with this version of coinnet");
    return;
  }
  get_str(r, root, "command", &m->command);
  get_str(r, root, "estimator", &m->estimator);
  get_str(r, root, "depvar", &m->depvar);
  if (!r->st && !m->depvar) r->st = PERR(p, root->off, "no \"depvar\" in the model");
  get_i64(r, root, "nobs", &m->nobs);
  get_i64(r, root, "nobs_full", &m->nobs_full);
  get_i64(r, root, "singletons", &m->singletons);
  const jval *fe = get_arr(r, root, "fixed_effects");
  if (fe) {
    m->fe = alloc_n(r, fe->n, sizeof *m->fe);
    for (int g = 0; m->fe && g < fe->n && !r->st; g++) {
      const jval *f = &fe->items[g];
      if (f->kind != J_OBJ) {
        bad(r, f, "fixed_effects", "a list of objects");
        break;
      }
      m->n_fe++;
      get_str(r, f, "name", &m->fe[g].name);
      if (!r->st && !m->fe[g].name) r->st = PERR(p, f->off, "a fixed effect without \"name\"");
      get_i64(r, f, "levels", &m->fe[g].levels);
      get_i64(r, f, "redundant", &m->fe[g].redundant);
      get_bool(r, f, "nested", &m->fe[g].nested);
    }
  }
  const jval *vce = get_obj(r, root, "vce");
  if (vce && !r->st) {
    char *type = NULL;
    get_str(r, vce, "type", &type);
    if (type) {
      if (!strcmp(type, "robust")) m->vce = CN_VCE_ROBUST;
      else if (!strcmp(type, "cluster")) m->vce = CN_VCE_CLUSTER;
      else if (!strcmp(type, "unadjusted") || !strcmp(type, "iid")) m->vce = CN_VCE_IID;
      else if (!r->st) r->st = PERR(p, get(vce, "type")->off, "unknown vce type \"%s\"", type);
    }
    cn_free(type);
    const jval *cl = get_arr(r, vce, "cluster"), *ncl = get_arr(r, vce, "n_clusters");
    if (cl) {
      m->cluster = alloc_n(r, cl->n, sizeof *m->cluster);
      m->n_clusters = alloc_n(r, cl->n, sizeof *m->n_clusters);
      for (int q = 0; m->cluster && m->n_clusters && q < cl->n && !r->st; q++) {
        m->n_cluster++;
        if (cl->items[q].kind != J_STR) bad(r, &cl->items[q], "cluster", "a list of names");
        else if (!(m->cluster[q] = cn_strdup(cl->items[q].str)))
          r->st = cn_diag_set(p->d, CN_EINTERNAL, "out of memory");
        if (ncl && q < ncl->n) {
          const jval *x = &ncl->items[q];
          if (x->kind == J_NUM && x->is_int) m->n_clusters[q] = x->i;
          else bad(r, x, "n_clusters", "a list of integers");
        }
      }
    }
  }
  get_num(r, root, "df_r", &m->df_r);
  get_num(r, root, "df_a", &m->df_a);
  const jval *co = get_arr(r, root, "coefficients");
  if (!r->st && !co) r->st = PERR(p, root->off, "no \"coefficients\" in the model");
  read_coefs(r, co, &m->coef, &m->ncoef);
  const jval *s = get_obj(r, root, "stats");
  if (s) {
    get_num(r, s, "r2", &m->r2);
    get_num(r, s, "r2_within", &m->r2_within);
    get_num(r, s, "r2_a", &m->r2_a);
    get_num(r, s, "r2_within_a", &m->r2_within_a);
    get_num(r, s, "rmse", &m->rmse);
    get_num(r, s, "F", &m->F);
    get_num(r, s, "F_p", &m->F_p);
    get_num(r, s, "rss", &m->rss);
    get_num(r, s, "ll", &m->ll);
    get_num(r, s, "pseudo_r2", &m->pseudo_r2);
    get_num(r, s, "kp_lm", &m->kp_lm);
    get_num(r, s, "kp_lm_df", &m->kp_lm_df);
    get_num(r, s, "kp_lm_p", &m->kp_lm_p);
    get_num(r, s, "kp_wald_f", &m->kp_wald_f);
    get_num(r, s, "cd_f", &m->cd_f);
    const jval *sy = get_arr(r, s, "stock_yogo");
    for (int q = 0; sy && q < sy->n && q < 4 && !r->st; q++) {
      const jval *x = &sy->items[q];
      if (x->kind == J_NUM) m->sy_crit[q] = x->num;
      else if (x->kind != J_NULL) bad(r, x, "stock_yogo", "a list of numbers");
    }
    get_num(r, s, "ll0", &m->ll0);
    get_num(r, s, "sigma", &m->sigma);
    get_num(r, s, "sigma_se", &m->sigma_se);
    get_num(r, s, "rho", &m->rho);
    get_num(r, s, "lambda", &m->lambda);
    get_num(r, s, "lambda_se", &m->lambda_se);
    get_i64(r, s, "n_left", &m->n_left);
    get_i64(r, s, "n_unc", &m->n_unc);
    get_i64(r, s, "n_right", &m->n_right);
  }
  const jval *fs = get_arr(r, root, "first_stage");
  if (fs) {
    m->first = alloc_n(r, fs->n, sizeof *m->first);
    for (int q = 0; m->first && q < fs->n && !r->st; q++) {
      const jval *f = &fs->items[q];
      if (f->kind != J_OBJ) {
        bad(r, f, "first_stage", "a list of objects");
        break;
      }
      cn_first_stage *x = &m->first[q];
      m->n_first++;
      x->F = x->F_df1 = x->F_df2 = x->F_p = x->partial_r2 = NAN;
      get_str(r, f, "endog", &x->endog);
      get_num(r, f, "F", &x->F);
      get_num(r, f, "F_df1", &x->F_df1);
      get_num(r, f, "F_df2", &x->F_df2);
      get_num(r, f, "F_p", &x->F_p);
      get_num(r, f, "partial_r2", &x->partial_r2);
      read_coefs(r, get_arr(r, f, "coefficients"), &x->coef, &x->ncoef);
    }
  }
  get_bool(r, root, "converged", &m->converged);
  get_int(r, root, "iterations", &m->iterations);
  const jval *dr = get_obj(r, root, "dropped");
  if (dr) {
    get_i64(r, dr, "missing", &m->dropped_missing);
    get_i64(r, dr, "if", &m->dropped_if);
  }
  const jval *notes = get_arr(r, root, "notes");
  if (notes) {
    m->notes = alloc_n(r, notes->n, sizeof *m->notes);
    for (int q = 0; m->notes && q < notes->n && !r->st; q++) {
      m->n_notes++;
      if (notes->items[q].kind != J_STR) bad(r, &notes->items[q], "notes", "a list of strings");
      else if (!(m->notes[q] = cn_strdup(notes->items[q].str)))
        r->st = cn_diag_set(p->d, CN_EINTERNAL, "out of memory");
    }
  }
}

/* ---- what the numbers may be ------------------------------------------- */

/* The number under key (NULL when absent or null), for the checks below. */
static const jval *num_at(const jval *obj, const char *key) {
  const jval *v = get(obj, key);
  return v && v->kind == J_NUM ? v : NULL;
}

/* An error unless the number under key lies in [lo, hi] (absent and null
 * pass: they read as missing, which a table leaves empty). */
static void check_range(reader *r, const jval *obj, const char *key, double lo, double hi,
                        const char *want) {
  const jval *v = num_at(obj, key);
  if (r->st || !v || (v->num >= lo && v->num <= hi)) return;
  r->st = PERR(r->p, v->off, "\"%s\" should be %s, not %.17g", key, want, v->num);
}

/* An error unless key holds a number (not null, not absent). */
static void check_present(reader *r, const jval *obj, const char *key, const char *what) {
  const jval *v = get(obj, key);
  if (r->st || (v && v->kind == J_NUM)) return;
  r->st = PERR(r->p, v ? v->off : obj->off, "%s needs \"%s\" (a number)", what, key);
}

/* Checks coefficients: a name used once, a number for b, se >= 0, p in
 * [0, 1], ci_low <= ci_high. */
static void check_coefs(reader *r, const jval *arr, const cn_coef *c, int n) {
  for (int a = 0; arr && a < n && !r->st; a++) {
    const jval *o = &arr->items[a];
    check_present(r, o, "b", "a coefficient");
    check_range(r, o, "se", 0, INFINITY, "a standard error >= 0");
    check_range(r, o, "p", 0, 1, "a p-value in [0, 1]");
    for (int q = 0; q < a && !r->st; q++)
      if (!strcmp(c[q].name, c[a].name))
        r->st = PERR(r->p, o->off, "coefficient \"%s\" appears twice", c[a].name);
    if (!r->st && isfinite(c[a].ci_low) && isfinite(c[a].ci_high) && c[a].ci_low > c[a].ci_high)
      r->st = PERR(r->p, get(o, "ci_low")->off, "\"ci_low\" is above \"ci_high\"");
  }
}

/* A saved model is read back only when its numbers are ones coinnet could
 * have written: counts that are counts, degrees of freedom that are
 * positive, lists of matching lengths, statistics in their ranges.
 * Anything else is a damaged or hand-edited file (CN_EDATA at the value). */
static void check_model(reader *r, const jval *root, const cn_model *m) {
  if (r->st) return;
  const double BIG = 9007199254740992.0; /* 2^53: counts beyond are not exact */
  if (!get(root, "nobs")) r->st = PERR(r->p, root->off, "no \"nobs\" in the model");
  check_range(r, root, "nobs", 1, BIG, "the number of observations (an integer >= 1)");
  check_range(r, root, "singletons", 0, BIG, "a count (>= 0)");
  const jval *nf = num_at(root, "nobs_full");
  if (!r->st && nf && m->nobs_full < m->nobs)
    r->st = PERR(r->p, nf->off, "\"nobs_full\" (%lld) is below \"nobs\" (%lld)",
                 (long long)m->nobs_full, (long long)m->nobs);
  check_range(r, root, "df_r", 1e-300, INFINITY, "residual degrees of freedom > 0");
  check_range(r, root, "df_a", 0, INFINITY, "absorbed degrees of freedom >= 0");
  check_range(r, root, "iterations", 0, INFINITY, "a count (>= 0)");
  const jval *fe = get(root, "fixed_effects");
  for (int g = 0; fe && g < m->n_fe && !r->st; g++) {
    const jval *f = &fe->items[g];
    check_range(r, f, "levels", 1, BIG, "a number of levels (>= 1)");
    check_range(r, f, "redundant", 0, (double)m->fe[g].levels, "a count between 0 and \"levels\"");
  }
  const jval *vce = get(root, "vce");
  if (!r->st && vce && vce->kind == J_OBJ) {
    const jval *cl = get(vce, "cluster"), *ncl = get(vce, "n_clusters");
    int ncl_n = ncl && ncl->kind == J_ARR ? ncl->n : 0;
    if (cl && ncl && ncl_n != m->n_cluster)
      r->st = PERR(r->p, ncl ? ncl->off : vce->off,
                   "\"n_clusters\" should have one count per cluster variable (%d), not %d", m->n_cluster,
                   ncl_n);
    if (!r->st && !cl && ncl) r->st = PERR(r->p, ncl->off, "\"n_clusters\" without \"cluster\"");
    for (int q = 0; !r->st && ncl && q < m->n_cluster; q++)
      if (m->n_clusters[q] < 2)
        r->st = PERR(r->p, ncl->items[q].off,
                     "\"n_clusters\" should be at least 2 (clustered errors need two clusters), not %lld",
                     (long long)m->n_clusters[q]);
    if (!r->st && m->vce == CN_VCE_CLUSTER && m->n_cluster == 0)
      r->st = PERR(r->p, vce->off, "a clustered model needs \"cluster\" (the variables)");
  }
  const jval *co = get(root, "coefficients");
  if (!r->st && m->ncoef == 0) r->st = PERR(r->p, co->off, "a model needs at least one coefficient");
  check_coefs(r, co, m->coef, m->ncoef);
  const jval *s = get(root, "stats");
  if (s && s->kind == J_OBJ) {
    check_range(r, s, "r2", -INFINITY, 1, "an R-squared <= 1");
    check_range(r, s, "r2_within", -INFINITY, 1, "an R-squared <= 1");
    check_range(r, s, "r2_a", -INFINITY, 1, "an R-squared <= 1");
    check_range(r, s, "r2_within_a", -INFINITY, 1, "an R-squared <= 1");
    check_range(r, s, "pseudo_r2", -INFINITY, 1, "a pseudo R-squared <= 1");
    check_range(r, s, "rmse", 0, INFINITY, "a root MSE >= 0");
    check_range(r, s, "rss", 0, INFINITY, "a residual sum of squares >= 0");
    check_range(r, s, "F", 0, INFINITY, "an F statistic >= 0");
    check_range(r, s, "F_p", 0, 1, "a p-value in [0, 1]");
    check_range(r, s, "kp_lm", 0, INFINITY, "a statistic >= 0");
    check_range(r, s, "kp_lm_df", 1, INFINITY, "degrees of freedom >= 1");
    check_range(r, s, "kp_lm_p", 0, 1, "a p-value in [0, 1]");
    check_range(r, s, "kp_wald_f", 0, INFINITY, "a statistic >= 0");
    check_range(r, s, "cd_f", 0, INFINITY, "a statistic >= 0");
    check_range(r, s, "sigma", 0, INFINITY, "a standard deviation >= 0");
    check_range(r, s, "sigma_se", 0, INFINITY, "a standard error >= 0");
    check_range(r, s, "lambda_se", 0, INFINITY, "a standard error >= 0");
    check_range(r, s, "n_left", 0, (double)m->nobs, "a count between 0 and \"nobs\"");
    check_range(r, s, "n_unc", 0, (double)m->nobs, "a count between 0 and \"nobs\"");
    check_range(r, s, "n_right", 0, (double)m->nobs, "a count between 0 and \"nobs\"");
  }
  const jval *fs = get(root, "first_stage");
  for (int q = 0; fs && q < m->n_first && !r->st; q++) {
    const jval *f = &fs->items[q];
    check_range(r, f, "F", 0, INFINITY, "an F statistic >= 0");
    check_range(r, f, "F_df1", 1, INFINITY, "degrees of freedom >= 1");
    check_range(r, f, "F_df2", 1e-300, INFINITY, "degrees of freedom > 0");
    check_range(r, f, "F_p", 0, 1, "a p-value in [0, 1]");
    check_range(r, f, "partial_r2", 0, 1, "a partial R-squared in [0, 1]");
    check_coefs(r, get(f, "coefficients"), m->first[q].coef, m->first[q].ncoef);
  }
  const jval *dr = get(root, "dropped");
  if (dr && dr->kind == J_OBJ) {
    check_range(r, dr, "missing", 0, BIG, "a count (>= 0)");
    check_range(r, dr, "if", 0, BIG, "a count (>= 0)");
    check_range(r, dr, "singletons", 0, BIG, "a count (>= 0)");
  }
}

cn_status cn_model_parse_json(const char *text, size_t len, const char *name, cn_model **out,
                              cn_diag *d) {
  jparser p = {text, len, 0, name ? name : "model", d, {0}};
  jval root = {0};
  cn_model *m = NULL;
  cn_status st;
  *out = NULL;
  cn_diag_clear(d);
  size_t bad8 = cn__utf8_valid(text, len);
  if (bad8 < len) {
    st = PERR(&p, bad8, "invalid UTF-8 (byte 0x%02X)", (unsigned char)text[bad8]);
    goto done;
  }
  if ((st = parse_value(&p, &root, 0)) != CN_OK) goto done;
  skip_ws(&p);
  if (p.pos < len) {
    st = PERR(&p, p.pos, "text after the end of the JSON document");
    goto done;
  }
  m = cn_calloc(1, sizeof *m);
  if (!m) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  m->df_r = m->df_a = NAN;
  m->r2 = m->r2_within = m->r2_a = m->r2_within_a = m->rmse = m->F = m->F_p = NAN;
  m->rss = m->tss = m->tss_within = m->ll = m->pseudo_r2 = NAN;
  m->kp_lm = m->kp_lm_df = m->kp_lm_p = m->kp_wald_f = m->cd_f = NAN;
  for (int q = 0; q < 4; q++) m->sy_crit[q] = NAN;
  m->ll0 = m->sigma = m->sigma_se = m->rho = m->lambda = m->lambda_se = NAN;
  reader r = {&p, CN_OK};
  read_model(&r, &root, m);
  check_model(&r, &root, m);
  st = r.st;
done:
  jval_free(&root);
  if (st == CN_OK) *out = m;
  else cn_model_free(m);
  return st;
}

cn_status cn_model_read_json(const char *path, cn_model **out, cn_diag *d) {
  cn_buf b = {0};
  cn_status st = CN_OK;
  *out = NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp) return cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot open: %s", strerror(errno));
  char tmp[65536];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, fp)) > 0) {
    if (b.len + n > MAX_FILE) {
      st = cn_diag_at(d, CN_EDATA, path, 0, 0, "larger than 1 GiB: not a saved model");
      goto done;
    }
    cn__buf_append(&b, tmp, n);
  }
  if (ferror(fp)) {
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot read: %s", strerror(errno));
    goto done;
  }
  if (b.failed) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  st = cn_model_parse_json(b.data ? b.data : "", b.len, path, out, d);
done:
  fclose(fp);
  cn__buf_free(&b);
  return st;
}
