/* lib/table/table.c — the columnar table: columns, access, labels, summaries. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "table_int.h"

cn_column *cn__col_new(const char *name, cn_type type) {
  cn_column *c = cn_calloc(1, sizeof *c);
  if (!c) return NULL;
  c->name = cn_strdup(name);
  if (!c->name) {
    cn_free(c);
    return NULL;
  }
  c->type = type;
  return c;
}

void cn__col_free(cn_column *c) {
  if (!c) return;
  cn_free(c->name);
  cn_free(c->dbl);
  cn_free(c->i64);
  cn_free(c->codes);
  cn__strmap_free(&c->levels);
  cn_free(c->label);
  cn_free(c->format);
  cn_free(c->vl_name);
  for (int i = 0; i < c->n_vl; i++) cn_free(c->vl_labels[i]);
  cn_free(c->vl_labels);
  cn_free(c->vl_values);
  cn_free(c);
}

bool cn__col_reserve(cn_column *c, int64_t n) {
  if (n < 0) return false;
  size_t need = (size_t)n;
  bool ok = false;
  switch (c->type) {
    case CN_DOUBLE:
      ok = cn__grow((void **)&c->dbl, &c->cap, need, sizeof(double));
      break;
    case CN_INT64:
      ok = cn__grow((void **)&c->i64, &c->cap, need, sizeof(int64_t));
      break;
    case CN_STRING:
      ok = cn__grow((void **)&c->codes, &c->cap, need, sizeof(int32_t));
      break;
  }
  return ok;
}

void cn__col_check_plain(cn_column *c, int64_t rows) {
  if (c->type != CN_STRING || c->levels.plain || rows < CN__PLAIN_MIN_ROWS) return;
  if ((int64_t)c->levels.n * 2 > rows) cn__strmap_unindex(&c->levels);
}

bool cn__col_dict(cn_column *c, int64_t nrow) {
  if (c->type != CN_STRING || !c->levels.plain) return true;
  int32_t *remap = cn_malloc((c->levels.n ? c->levels.n : 1) * sizeof *remap);
  if (!remap) return false;
  if (!cn__strmap_dedup(&c->levels, remap)) {
    cn_free(remap);
    return false;
  }
  for (int64_t i = 0; i < nrow; i++)
    if (c->codes[i] != CN_NA_CODE) c->codes[i] = remap[c->codes[i]];
  cn_free(remap);
  return true;
}

/* The dictionary form of a string column for the public getters; when it
 * cannot be built (out of memory) the plain form still answers correctly,
 * only with repeated levels. */
static const cn_column *dict_col(const cn_table *t, int col) {
  cn_column *c = t->cols[col];
  if (c->type == CN_STRING && c->levels.plain) (void)cn__col_dict(c, t->nrow);
  return c;
}

bool cn__col_to_double(cn_column *c, int64_t len) {
  if (c->type != CN_INT64) return c->type == CN_DOUBLE;
  /* int64 and double have the same size: convert in place */
  double *d = (double *)(void *)c->i64;
  for (int64_t i = 0; i < len; i++) {
    int64_t v = c->i64[i];
    d[i] = v == CN_NA_INT64 ? NAN : (double)v;
  }
  c->dbl = d;
  c->i64 = NULL;
  c->type = CN_DOUBLE;
  return true;
}

bool cn__table_append(cn_table *t, cn_column *c) {
  size_t cap = (size_t)t->capcol;
  if (!cn__grow((void **)&t->cols, &cap, (size_t)t->ncol + 1, sizeof *t->cols))
    return false;
  t->capcol = (int)cap;
  t->cols[t->ncol++] = c;
  return true;
}

cn_table *cn_table_new(int64_t nrow) {
  cn_table *t = cn_calloc(1, sizeof *t);
  if (t) t->nrow = nrow < 0 ? 0 : nrow;
  return t;
}

void cn_table_free(cn_table *t) {
  if (!t) return;
  for (int i = 0; i < t->ncol; i++) cn__col_free(t->cols[i]);
  cn_free(t->cols);
  cn_free(t);
}

int64_t cn_table_nrow(const cn_table *t) { return t->nrow; }
int cn_table_ncol(const cn_table *t) { return t->ncol; }

int cn_table_find(const cn_table *t, const char *name) {
  for (int i = 0; i < t->ncol; i++)
    if (strcmp(t->cols[i]->name, name) == 0) return i;
  return -1;
}

int cn_table_col(const cn_table *t, const char *name, const char *where, cn_diag *d) {
  int c = name ? cn_table_find(t, name) : -1;
  if (c >= 0) return c;
  const char *best = NULL;
  int bd = 99;
  size_t ln = name ? strlen(name) : 0;
  for (int i = 0; i < t->ncol && name; i++) {
    const char *nm = t->cols[i]->name;
    int dist = strcasecmp(nm, name) == 0 ? 0 : cn_text_distance(name, nm);
    if (dist < bd) bd = dist, best = nm;
  }
  /* near: another case, or at most 3 edits and at most half the name's
   * letters (so that "x" does not suggest "y") */
  bool near = best && (bd == 0 || (bd <= 3 && 2 * (size_t)bd <= ln));
  char cols[400];
  size_t w = 0;
  cols[0] = '\0';
  for (int i = 0; i < t->ncol && t->ncol <= 12; i++) {
    int r = snprintf(cols + w, sizeof cols - w, "%s%s", i ? ", " : "", t->cols[i]->name);
    if (r < 0 || (size_t)r >= sizeof cols - w) {
      cols[0] = '\0';
      break;
    }
    w += (size_t)r;
  }
  if (near)
    cn_diag_set(d, CN_EDATA, "no column \"%s\" in %s; did you mean \"%s\"?", name ? name : "", where, best);
  else if (cols[0])
    cn_diag_set(d, CN_EDATA, "no column \"%s\" in %s (its columns: %s)", name ? name : "", where, cols);
  else
    cn_diag_set(d, CN_EDATA, "no column \"%s\" in %s (%d columns; `coinnet data describe` lists them)",
                name ? name : "", where, t->ncol);
  return -1;
}

const char *cn_table_name(const cn_table *t, int col) { return t->cols[col]->name; }
cn_type cn_table_type(const cn_table *t, int col) { return t->cols[col]->type; }

const char *cn_type_name(cn_type type) {
  switch (type) {
    case CN_INT64: return "int64";
    case CN_DOUBLE: return "double";
    case CN_STRING: return "string";
  }
  return "?";
}

const double *cn_table_dbl(const cn_table *t, int col) {
  return t->cols[col]->type == CN_DOUBLE ? t->cols[col]->dbl : NULL;
}
const int64_t *cn_table_i64(const cn_table *t, int col) {
  return t->cols[col]->type == CN_INT64 ? t->cols[col]->i64 : NULL;
}
const int32_t *cn_table_codes(const cn_table *t, int col) {
  return t->cols[col]->type == CN_STRING ? dict_col(t, col)->codes : NULL;
}

const char *cn_table_str(const cn_table *t, int col, int64_t row, size_t *len) {
  const cn_column *c = t->cols[col];
  if (c->type != CN_STRING || row < 0 || row >= t->nrow || c->codes[row] == CN_NA_CODE) {
    if (len) *len = 0;
    return NULL;
  }
  int32_t k = c->codes[row];
  if (len) *len = c->levels.lens[k];
  return c->levels.strs[k];
}
double *cn_table_dbl_mut(cn_table *t, int col) {
  return t->cols[col]->type == CN_DOUBLE ? t->cols[col]->dbl : NULL;
}
int64_t *cn_table_i64_mut(cn_table *t, int col) {
  return t->cols[col]->type == CN_INT64 ? t->cols[col]->i64 : NULL;
}

int32_t cn_table_nlevels(const cn_table *t, int col) {
  return (int32_t)dict_col(t, col)->levels.n;
}

const char *cn_table_level(const cn_table *t, int col, int32_t code) {
  const cn_column *c = dict_col(t, col);
  if (code < 0 || (size_t)code >= c->levels.n) return NULL;
  return c->levels.strs[code];
}

int cn_table_is_na(const cn_table *t, int col, int64_t row) {
  const cn_column *c = t->cols[col];
  switch (c->type) {
    case CN_DOUBLE: return isnan(c->dbl[row]);
    case CN_INT64: return c->i64[row] == CN_NA_INT64;
    case CN_STRING: return c->codes[row] == CN_NA_CODE;
  }
  return 1;
}

double cn_table_get_num(const cn_table *t, int col, int64_t row) {
  const cn_column *c = t->cols[col];
  if (c->type == CN_DOUBLE) return c->dbl[row];
  if (c->type == CN_INT64)
    return c->i64[row] == CN_NA_INT64 ? NAN : (double)c->i64[row];
  return NAN;
}

int cn_table_add_column(cn_table *t, const char *name, cn_type type, cn_diag *d) {
  if (cn_table_find(t, name) >= 0) {
    cn_diag_set(d, CN_EDATA, "column \"%s\" already exists", name);
    return -1;
  }
  cn_column *c = cn__col_new(name, type);
  if (!c || !cn__col_reserve(c, t->nrow) || !cn__table_append(t, c)) {
    cn__col_free(c);
    cn_diag_set(d, CN_EINTERNAL, "out of memory");
    return -1;
  }
  for (int64_t i = 0; i < t->nrow; i++) {
    if (type == CN_DOUBLE) c->dbl[i] = NAN;
    else if (type == CN_INT64) c->i64[i] = CN_NA_INT64;
    else c->codes[i] = CN_NA_CODE;
  }
  return t->ncol - 1;
}

cn_status cn_table_set_str(cn_table *t, int col, int64_t row, const char *s,
                           cn_diag *d) {
  cn_column *c = t->cols[col];
  if (c->type != CN_STRING || row < 0 || row >= t->nrow)
    return cn_diag_set(d, CN_EINTERNAL, "cn_table_set_str: bad column or row");
  if (!s) {
    c->codes[row] = CN_NA_CODE;
    return CN_OK;
  }
  int32_t code = cn__col_level(c, s, strlen(s));
  if (code < 0) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  c->codes[row] = code;
  return CN_OK;
}

static cn_status set_text(char **dst, const char *s) {
  char *copy = NULL;
  if (s && !(copy = cn_strdup(s))) return CN_EINTERNAL;
  cn_free(*dst);
  *dst = copy;
  return CN_OK;
}

cn_status cn_table_set_label(cn_table *t, int col, const char *label) {
  return set_text(&t->cols[col]->label, label);
}
const char *cn_table_label(const cn_table *t, int col) { return t->cols[col]->label; }
cn_status cn_table_set_format(cn_table *t, int col, const char *fmt) {
  return set_text(&t->cols[col]->format, fmt);
}
const char *cn_table_format(const cn_table *t, int col) { return t->cols[col]->format; }

cn_status cn_table_set_value_labels(cn_table *t, int col, const char *set_name,
                                    int n, const double *values,
                                    const char *const *labels) {
  cn_column *c = t->cols[col];
  double *v = n ? cn_calloc((size_t)n, sizeof *v) : NULL;
  char **l = n ? cn_calloc((size_t)n, sizeof *l) : NULL;
  char *nm = set_name ? cn_strdup(set_name) : NULL;
  bool ok = (!n || (v && l)) && (!set_name || nm);
  for (int i = 0; ok && i < n; i++) {
    v[i] = values[i];
    ok = (l[i] = cn_strdup(labels[i] ? labels[i] : "")) != NULL;
  }
  if (!ok) {
    for (int i = 0; l && i < n; i++) cn_free(l[i]);
    cn_free(l);
    cn_free(v);
    cn_free(nm);
    return CN_EINTERNAL;
  }
  for (int i = 0; i < c->n_vl; i++) cn_free(c->vl_labels[i]);
  cn_free(c->vl_labels);
  cn_free(c->vl_values);
  cn_free(c->vl_name);
  c->vl_labels = l;
  c->vl_values = v;
  c->vl_name = nm;
  c->n_vl = n;
  return CN_OK;
}

int cn_table_value_labels(const cn_table *t, int col, const char **set_name,
                          const double **values, const char *const **labels) {
  const cn_column *c = t->cols[col];
  if (set_name) *set_name = c->vl_name;
  if (values) *values = c->vl_values;
  if (labels) *labels = (const char *const *)c->vl_labels;
  return c->n_vl;
}

size_t cn_table_cell_text(const cn_table *t, int col, int64_t row, char *buf,
                          size_t n) {
  const cn_column *c = t->cols[col];
  if (n == 0) return 0;
  buf[0] = '\0';
  if (cn_table_is_na(t, col, row)) return 0;
  switch (c->type) {
    case CN_INT64: return (size_t)snprintf(buf, n, "%lld", (long long)c->i64[row]);
    case CN_DOUBLE: return (size_t)cn__fmt_double(c->dbl[row], buf, n);
    case CN_STRING: {
      int32_t k = c->codes[row];
      size_t len = c->levels.lens[k];
      snprintf(buf, n, "%s", c->levels.strs[k]);
      return len;
    }
  }
  return 0;
}

bool cn__cell_text(const cn_table *t, int col, int64_t row, cn_buf *b) {
  b->len = 0;
  if (t->cols[col]->type == CN_STRING) {
    size_t len = 0;
    const char *s = cn_table_str(t, col, row, &len);
    return cn__buf_append(b, s ? s : "", s ? len : 0);
  }
  char num[64]; /* an int64 or the shortest digits of a double: < 32 bytes */
  size_t len = cn_table_cell_text(t, col, row, num, sizeof num);
  return cn__buf_append(b, num, len);
}

cn_status cn_table_summarize(const cn_table *t, int col, cn_col_summary *s,
                             cn_diag *d) {
  const cn_column *c = t->cols[col];
  s->n_missing = 0;
  s->n_distinct = -1;
  s->min = s->mean = s->max = NAN;
  if (c->type == CN_STRING) {
    if (!cn__col_dict(t->cols[col], t->nrow)) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
    size_t nl = c->levels.n;
    unsigned char *seen = nl ? cn_calloc(nl, 1) : NULL;
    if (nl && !seen) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
    s->n_distinct = 0;
    for (int64_t i = 0; i < t->nrow; i++) {
      int32_t k = c->codes[i];
      if (k == CN_NA_CODE) s->n_missing++;
      else if (!seen[k]) {
        seen[k] = 1;
        s->n_distinct++;
      }
    }
    cn_free(seen);
    return CN_OK;
  }
  /* mean by a two-pass compensated sum so that it does not drift on long columns */
  double lo = INFINITY, hi = -INFINITY, sum = 0, comp = 0;
  int64_t k = 0;
  for (int64_t i = 0; i < t->nrow; i++) {
    double v = cn_table_get_num(t, col, i);
    if (isnan(v)) {
      s->n_missing++;
      continue;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    double y = v - comp, z = sum + y;
    comp = (z - sum) - y;
    sum = z;
    k++;
  }
  if (k) {
    s->min = lo;
    s->max = hi;
    s->mean = sum / (double)k;
  }
  return CN_OK;
}

const char *cn__format_of(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return NULL;
  dot++;
  if (!strcasecmp(dot, "csv")) return "csv";
  if (!strcasecmp(dot, "tsv") || !strcasecmp(dot, "tab")) return "tsv";
  if (!strcasecmp(dot, "txt")) return "txt";
  if (!strcasecmp(dot, "dta")) return "dta";
  if (!strcasecmp(dot, "sqlite") || !strcasecmp(dot, "sqlite3") ||
      !strcasecmp(dot, "db"))
    return "sqlite";
  if (!strcasecmp(dot, "xlsx") || !strcasecmp(dot, "xlsm")) return "xlsx";
  return NULL;
}

void cn_read_opts_init(cn_read_opts *o) { memset(o, 0, sizeof *o); }
void cn_write_opts_init(cn_write_opts *o) { memset(o, 0, sizeof *o); }

static const char *pick_format(const char *given, const char *path) {
  return given ? given : cn__format_of(path);
}

cn_status cn_table_read(const char *path, const cn_read_opts *o, cn_table **out,
                        cn_diag *d) {
  cn_read_opts def;
  if (!o) {
    cn_read_opts_init(&def);
    o = &def;
  }
  const char *f = pick_format(o->format, path);
  if (!f || !strcmp(f, "csv") || !strcmp(f, "tsv") || !strcmp(f, "txt")) {
    /* UTF-16 text (Excel's "Unicode text") starts with its byte-order mark:
     * say so, rather than that its bytes are not UTF-8 */
    unsigned char bom[2] = {0, 0};
    FILE *fp = fopen(path, "rb");
    size_t got = fp ? fread(bom, 1, 2, fp) : 0;
    if (fp) fclose(fp);
    if (got == 2 && ((bom[0] == 0xFF && bom[1] == 0xFE) || (bom[0] == 0xFE && bom[1] == 0xFF))) {
      *out = NULL;
      cn_diag_at(d, CN_EDATA, path, 1, 1, "the file is UTF-16 text (it starts with a UTF-16 %s byte-order mark)",
                 bom[0] == 0xFF ? "little-endian" : "big-endian");
      cn_diag_hint(d, "save it as UTF-8 (CSV UTF-8 in Excel), or convert it: iconv -f UTF-16 -t UTF-8");
      return CN_EDATA;
    }
    return cn_table_read_csv(path, o, out, d);
  }
  if (!strcmp(f, "dta")) return cn_table_read_dta(path, o, out, d);
  if (!strcmp(f, "sqlite")) return cn_table_read_sqlite(path, o, out, d);
  if (!strcmp(f, "xlsx")) return cn_table_read_xlsx(path, o, out, d);
  return cn_diag_set(d, CN_EUSAGE, "unknown input format \"%s\"", f);
}

cn_status cn_table_write(const cn_table *t, const char *path,
                         const cn_write_opts *o, cn_diag *d) {
  cn_write_opts def;
  if (!o) {
    cn_write_opts_init(&def);
    o = &def;
  }
  const char *f = pick_format(o->format, path);
  if (f && !strcmp(f, "xlsx") && !o->format) f = NULL; /* read, not written */
  if (!f && !o->format) {
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash) && dot[1]) {
      cn_diag_at(d, CN_EUSAGE, path, 0, 0, "unknown output format \"%s\"", dot);
      cn_diag_hint(d, "tables are written as .csv, .tsv, .txt, .dta or .sqlite (.sqlite3, .db); "
                      "a name without an extension, or -, is CSV");
      return CN_EUSAGE;
    }
  }
  if (!f || !strcmp(f, "csv") || !strcmp(f, "tsv") || !strcmp(f, "txt")) {
    char sep = o->sep ? o->sep : (f && !strcmp(f, "tsv")) ? '\t' : ',';
    cn_output *out = NULL;
    cn_status st = cn_output_open(path, 0, &out, d);
    if (st != CN_OK) return st;
    FILE *fp = cn_output_file(out);
    if ((st = cn_table_write_csv_fp(t, fp, sep, d)) != CN_OK) {
      int e = errno;
      if (ferror(fp)) /* a full or failing disk: the output's fault, with its path */
        st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", strerror(e ? e : EIO));
      cn_output_discard(out);
      return st;
    }
    return cn_output_commit(out, d);
  }
  if (!strcmp(f, "dta")) return cn_table_write_dta(t, path, o, d);
  if (!strcmp(f, "sqlite")) return cn_table_write_sqlite(t, path, o, d);
  return cn_diag_set(d, CN_EUSAGE, "unknown output format \"%s\"", f);
}
