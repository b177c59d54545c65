/* lib/table/dta.c — Stata .dta files through ReadStat.
 *
 * Reading (versions 104–119): byte, int and long become int64; float and
 * double become double — a float becomes the double nearest its shortest
 * decimal text, so a float 0.3 reads as 0.3 and not 0.30000001192092896;
 * strings and strLs become text. Every missing value (., .a–.z) becomes
 * missing. Variable labels, display formats and value labels are kept.
 * Versions 120 and 121 (Stata 18's alias variables) are refused with the
 * advice to re-save the file with saveold.
 *
 * Writing (versions 104–119, 118 by default): an int64 column takes the
 * smallest of byte / int / long that holds its values, and double beyond
 * that; integers above 2^53 in magnitude, which a double cannot hold
 * exactly, are refused rather than rounded. Text takes
 * str# or, past str#'s limit, strL (version 117 and later). Versions before
 * 118 store text in a single-byte encoding, so non-ASCII text needs 118+. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "table_int.h"

typedef struct vlset {
  char *name;
  int n, cap;
  double *values;
  char **labels;
} vlset;

typedef struct rctx {
  const char *name; /* for messages */
  cn_diag *d;
  cn_status st;
  cn_table *t;
  int64_t nrow;   /* from the header; -1 when unknown */
  int64_t nseen;  /* rows seen */
  char **vl_of;   /* per column: the name of its value-label set */
  int nvl_of;
  vlset *sets;
  int nsets, capsets;
  char rs_error[512];
} rctx;

static int oom(rctx *c) {
  c->st = cn_diag_set(c->d, CN_EINTERNAL, "out of memory");
  return READSTAT_HANDLER_ABORT;
}

static int on_metadata(readstat_metadata_t *m, void *ud) {
  rctx *c = ud;
  c->nrow = readstat_get_row_count(m);
  return READSTAT_HANDLER_OK;
}

static int on_variable(int index, readstat_variable_t *v, const char *val_labels,
                       void *ud) {
  rctx *c = ud;
  readstat_type_t ty = readstat_variable_get_type(v);
  cn_type type = ty == READSTAT_TYPE_STRING || ty == READSTAT_TYPE_STRING_REF ? CN_STRING
                 : ty == READSTAT_TYPE_FLOAT || ty == READSTAT_TYPE_DOUBLE  ? CN_DOUBLE
                                                                            : CN_INT64;
  const char *name = readstat_variable_get_name(v);
  cn_column *col = cn__col_new(name ? name : "", type);
  if (!col || !cn__table_append(c->t, col)) {
    cn__col_free(col);
    return oom(c);
  }
  if (index != c->t->ncol - 1) {
    c->st = cn_diag_at(c->d, CN_EINTERNAL, c->name, 0, 0, "variables out of order");
    return READSTAT_HANDLER_ABORT;
  }
  if (c->nrow > 0 && !cn__col_reserve(col, c->nrow)) return oom(c);
  const char *label = readstat_variable_get_label(v);
  const char *fmt = readstat_variable_get_format(v);
  if ((label && *label && !(col->label = cn_strdup(label))) ||
      (fmt && *fmt && !(col->format = cn_strdup(fmt))))
    return oom(c);
  if (label && cn__utf8_valid(label, strlen(label)) != strlen(label)) {
    c->st = cn_diag_at(c->d, CN_EDATA, c->name, 0, 0,
                       "the label of variable \"%s\" is not valid text", col->name);
    return READSTAT_HANDLER_ABORT;
  }
  size_t cap = (size_t)c->nvl_of;
  if (!cn__grow((void **)&c->vl_of, &cap, (size_t)index + 1, sizeof *c->vl_of))
    return oom(c);
  for (int i = c->nvl_of; i < (int)cap; i++) c->vl_of[i] = NULL;
  c->nvl_of = (int)cap;
  if (val_labels && *val_labels && !(c->vl_of[index] = cn_strdup(val_labels)))
    return oom(c);
  return READSTAT_HANDLER_OK;
}

/* The double nearest the shortest decimal text that reads back to f. */
static double float_to_double(float f) {
  char buf[32];
  for (int prec = 6; prec <= 9; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, (double)f);
    if (strtof(buf, NULL) == f) break;
  }
  double x;
  return cn__parse_double(buf, strlen(buf), &x) ? x : (double)f;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t val, void *ud) {
  rctx *c = ud;
  int j = readstat_variable_get_index(v);
  if (j < 0 || j >= c->t->ncol || obs < 0) return READSTAT_HANDLER_ABORT;
  cn_column *col = c->t->cols[j];
  if (!cn__col_reserve(col, (int64_t)obs + 1)) return oom(c);
  if (obs >= c->nseen) c->nseen = obs + 1;
  bool missing = readstat_value_is_missing(val, v);
  switch (col->type) {
    case CN_STRING: {
      const char *s = missing ? NULL : readstat_string_value(val);
      size_t n = s ? strlen(s) : 0;
      if (!s || n == 0) {
        col->codes[obs] = CN_NA_CODE;
        break;
      }
      size_t before = col->levels.n;
      int32_t code = cn__col_level(col, s, n);
      if (code < 0) return oom(c);
      if (col->levels.n != before && cn__utf8_valid(s, n) != n) {
        c->st = cn_diag_at(c->d, CN_EDATA, c->name, obs + 1, j + 1,
                           "variable \"%s\" observation %d is not valid text",
                           col->name, obs + 1);
        return READSTAT_HANDLER_ABORT;
      }
      col->codes[obs] = code;
      break;
    }
    case CN_DOUBLE:
      if (missing) col->dbl[obs] = NAN;
      else if (readstat_value_type(val) == READSTAT_TYPE_FLOAT)
        col->dbl[obs] = float_to_double(readstat_float_value(val));
      else col->dbl[obs] = readstat_double_value(val);
      break;
    case CN_INT64:
      if (missing) col->i64[obs] = CN_NA_INT64;
      else if (readstat_value_type(val) == READSTAT_TYPE_INT8)
        col->i64[obs] = readstat_int8_value(val);
      else if (readstat_value_type(val) == READSTAT_TYPE_INT16)
        col->i64[obs] = readstat_int16_value(val);
      else col->i64[obs] = readstat_int32_value(val);
      break;
  }
  return READSTAT_HANDLER_OK;
}

static int on_value_label(const char *set, readstat_value_t val, const char *label,
                          void *ud) {
  rctx *c = ud;
  vlset *s = NULL;
  for (int i = 0; i < c->nsets; i++)
    if (!strcmp(c->sets[i].name, set)) s = &c->sets[i];
  if (!s) {
    size_t cap = (size_t)c->capsets;
    if (!cn__grow((void **)&c->sets, &cap, (size_t)c->nsets + 1, sizeof *c->sets))
      return oom(c);
    c->capsets = (int)cap;
    s = &c->sets[c->nsets++];
    memset(s, 0, sizeof *s);
    if (!(s->name = cn_strdup(set))) return oom(c);
  }
  if (readstat_value_type_class(val) != READSTAT_TYPE_CLASS_NUMERIC ||
      readstat_value_is_tagged_missing(val))
    return READSTAT_HANDLER_OK; /* labels of .a-.z: missing values are not kept */
  size_t cap = (size_t)s->cap;
  if (!cn__grow((void **)&s->values, &cap, (size_t)s->n + 1, sizeof *s->values))
    return oom(c);
  size_t cap2 = (size_t)s->cap;
  if (!cn__grow((void **)&s->labels, &cap2, (size_t)s->n + 1, sizeof *s->labels))
    return oom(c);
  s->cap = (int)(cap < cap2 ? cap : cap2);
  readstat_type_t ty = readstat_value_type(val);
  s->values[s->n] = ty == READSTAT_TYPE_INT32   ? readstat_int32_value(val)
                    : ty == READSTAT_TYPE_INT16 ? readstat_int16_value(val)
                    : ty == READSTAT_TYPE_INT8  ? readstat_int8_value(val)
                    : ty == READSTAT_TYPE_FLOAT ? readstat_float_value(val)
                                                : readstat_double_value(val);
  if (!(s->labels[s->n] = cn_strdup(label ? label : ""))) return oom(c);
  s->n++;
  return READSTAT_HANDLER_OK;
}

static void on_error(const char *msg, void *ud) {
  rctx *c = ud;
  snprintf(c->rs_error, sizeof c->rs_error, "%s", msg);
  size_t n = strlen(c->rs_error);
  while (n && (c->rs_error[n - 1] == '\n' || c->rs_error[n - 1] == ' '))
    c->rs_error[--n] = '\0';
}

static int on_progress(double progress, void *ud) {
  rctx *c = ud;
  cn__progress(c->name, progress, 1.0);
  return READSTAT_HANDLER_OK;
}

/* Looks at the first bytes: 0 for a readable version, else fills d. */
static cn_status check_version(const char *path, const char *name, cn_diag *d) {
  unsigned char head[64] = {0};
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return cn_diag_at(d, CN_EDATA, name, 0, 0, "cannot open: %s", strerror(errno));
  ssize_t n = read(fd, head, sizeof head);
  close(fd);
  if (n <= 0) return cn_diag_at(d, CN_EDATA, name, 0, 0, "not a Stata .dta file (empty)");
  const char *tag = "<stata_dta><header><release>";
  size_t tl = strlen(tag);
  if ((size_t)n >= tl + 3 && !memcmp(head, tag, tl)) {
    int ver = (head[tl] - '0') * 100 + (head[tl + 1] - '0') * 10 + (head[tl + 2] - '0');
    if (ver >= 117 && ver <= 119) return CN_OK;
    cn_diag_at(d, CN_EDATA, name, 0, 0,
               "Stata file format %d is not supported (coinnet reads 104 to 119)", ver);
    if (ver >= 120)
      cn_diag_hint(d, "re-save it in Stata with: saveold \"%s\", version(118)", name);
    return CN_EDATA;
  }
  if (head[0] >= 104 && head[0] <= 115 && (head[1] == 1 || head[1] == 2)) return CN_OK;
  return cn_diag_at(d, CN_EDATA, name, 0, 0, "not a Stata .dta file");
}

cn_status cn_table_read_dta(const char *path, const cn_read_opts *o, cn_table **out,
                            cn_diag *d) {
  const char *name = o && o->display_name ? o->display_name : path;
  rctx c;
  memset(&c, 0, sizeof c);
  c.name = name;
  c.d = d;
  c.nrow = -1;
  readstat_parser_t *p = NULL;
  *out = NULL;
  cn_diag_clear(d);
  if ((c.st = check_version(path, name, d)) != CN_OK) goto done;
  c.t = cn_table_new(0);
  p = readstat_parser_init();
  if (!c.t || !p) {
    c.st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  readstat_set_metadata_handler(p, on_metadata);
  readstat_set_variable_handler(p, on_variable);
  readstat_set_value_handler(p, on_value);
  readstat_set_value_label_handler(p, on_value_label);
  readstat_set_error_handler(p, on_error);
  readstat_set_progress_handler(p, on_progress);
  readstat_error_t err = readstat_parse_dta(p, path, &c);
  if (c.st != CN_OK) goto done;
  if (err != READSTAT_OK) {
    c.st = cn_diag_at(d, CN_EDATA, name, 0, 0, "cannot read the Stata file: %s%s%s",
                      readstat_error_message(err), c.rs_error[0] ? ": " : "", c.rs_error);
    goto done;
  }
  int64_t rows = c.nrow >= 0 ? c.nrow : c.nseen;
  for (int j = 0; j < c.t->ncol; j++) {
    cn_column *col = c.t->cols[j];
    if (!cn__col_reserve(col, rows > 0 ? rows : 1)) {
      c.st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    const char *set = j < c.nvl_of ? c.vl_of[j] : NULL;
    for (int s = 0; set && s < c.nsets; s++)
      if (!strcmp(c.sets[s].name, set) &&
          cn_table_set_value_labels(c.t, j, set, c.sets[s].n, c.sets[s].values,
                                    (const char *const *)c.sets[s].labels) != CN_OK) {
        c.st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
  }
  c.t->nrow = rows;
  *out = c.t;
  c.t = NULL;
done:
  if (p) readstat_parser_free(p);
  cn_table_free(c.t);
  for (int i = 0; i < c.nvl_of; i++) cn_free(c.vl_of[i]);
  cn_free(c.vl_of);
  for (int i = 0; i < c.nsets; i++) {
    for (int k = 0; k < c.sets[i].n; k++) cn_free(c.sets[i].labels[k]);
    cn_free(c.sets[i].labels);
    cn_free(c.sets[i].values);
    cn_free(c.sets[i].name);
  }
  cn_free(c.sets);
  return c.st;
}

/* ---- writing ---- */

static ssize_t write_bytes(const void *bytes, size_t n, void *ud) {
  int fd = *(int *)ud;
  const char *p = bytes;
  size_t left = n;
  while (left) {
    ssize_t k = write(fd, p, left);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k;
    left -= (size_t)k;
  }
  return (ssize_t)n;
}

static bool ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80) return false;
  return true;
}

/* Stata names: a letter or _, then letters, digits or _, at most 32
 * characters; from version 118 on, letters may be any Unicode letter. */
static bool stata_name(const char *s, int version) {
  size_t n = strlen(s);
  if (n == 0 || cn__utf8_chars(s, n) > 32 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (const char *p = s; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch >= 0x80) {
      if (version < 118) return false;
      continue;
    }
    if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9')))
      return false;
  }
  return true;
}

cn_status cn_table_write_dta(const cn_table *t, const char *path, const cn_write_opts *o,
                             cn_diag *d) {
  int version = o && o->dta_version ? o->dta_version : 118;
  readstat_writer_t *w = NULL;
  readstat_variable_t **vars = NULL;
  readstat_type_t *types = NULL;
  readstat_string_ref_t ***refs = NULL;
  char *tmp = NULL;
  int fd = -1;
  cn_status st = CN_OK;
  cn_diag_clear(d);
  if (version < 104 || version > 119) {
    st = cn_diag_set(d, CN_EUSAGE, "Stata file version %d: coinnet writes 104 to 119", version);
    goto done;
  }
  size_t strmax = version >= 117 ? 2045 : version >= 111 ? 244 : 80;
  vars = cn_calloc((size_t)t->ncol + 1, sizeof *vars);
  types = cn_calloc((size_t)t->ncol + 1, sizeof *types);
  refs = cn_calloc((size_t)t->ncol + 1, sizeof *refs);
  w = readstat_writer_init();
  if (!vars || !types || !refs || !w) goto oom;
  readstat_set_data_writer(w, write_bytes);
  readstat_writer_set_file_format_version(w, (uint8_t)version);

  for (int j = 0; j < t->ncol; j++) {
    const cn_column *c = t->cols[j];
    if (!stata_name(c->name, version)) {
      st = cn_diag_at(d, CN_EDATA, path, 0, 0,
                      "column \"%s\" is not a valid Stata variable name (letters, digits "
                      "and _, not starting with a digit, at most 32 characters%s)",
                      c->name, version < 118 ? ", ASCII before version 118" : "");
      goto done;
    }
    size_t width = 1;
    readstat_type_t ty = READSTAT_TYPE_DOUBLE;
    if (c->type == CN_INT64) {
      int64_t lo = 0, hi = 0;
      for (int64_t i = 0; i < t->nrow; i++) {
        int64_t v = c->i64[i];
        if (v == CN_NA_INT64) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const int64_t exact = 9007199254740992LL; /* 2^53: doubles hold integers up to it */
      if (lo < -exact || hi > exact) {
        int64_t bad = lo < -exact ? lo : hi;
        st = cn_diag_at(d, CN_EDATA, path, 0, 0,
                        "column \"%s\" holds the integer %lld, which Stata cannot store "
                        "exactly (its numbers are exact up to 2^53)", c->name, (long long)bad);
        cn_diag_hint(d, "keep such identifiers as text (--string %s when reading CSV)", c->name);
        goto done;
      }
      ty = lo >= -127 && hi <= 100           ? READSTAT_TYPE_INT8
           : lo >= -32767 && hi <= 32740     ? READSTAT_TYPE_INT16
           : lo >= -2147483647 && hi <= 2147483620 ? READSTAT_TYPE_INT32
                                             : READSTAT_TYPE_DOUBLE;
    } else if (c->type == CN_DOUBLE) {
      for (int64_t i = 0; i < t->nrow; i++)
        if (isinf(c->dbl[i])) {
          st = cn_diag_at(d, CN_EDATA, path, 0, 0,
                          "column \"%s\" row %lld holds an infinity, which Stata cannot "
                          "store", c->name, (long long)i + 1);
          goto done;
        }
    } else {
      ty = READSTAT_TYPE_STRING;
      for (size_t k = 0; k < c->levels.n; k++) {
        if (c->levels.lens[k] > width) width = c->levels.lens[k];
        if (version < 118 && !ascii(c->levels.strs[k])) {
          st = cn_diag_at(d, CN_EDATA, path, 0, 0,
                          "column \"%s\" holds non-ASCII text, which Stata files before "
                          "version 118 cannot store", c->name);
          cn_diag_hint(d, "write version 118 or 119 (--dta-version 118)");
          goto done;
        }
      }
      if (width > strmax) {
        if (version < 117) {
          st = cn_diag_at(d, CN_EDATA, path, 0, 0,
                          "column \"%s\" holds text longer than %zu bytes, which needs "
                          "a strL (version 117 or later)", c->name, strmax);
          goto done;
        }
        ty = READSTAT_TYPE_STRING_REF;
        refs[j] = cn_calloc(c->levels.n + 1, sizeof *refs[j]);
        if (!refs[j]) goto oom;
        for (size_t k = 0; k < c->levels.n; k++)
          refs[j][k] = readstat_add_string_ref(w, c->levels.strs[k]);
      }
    }
    if ((c->label && version < 118 && !ascii(c->label))) {
      st = cn_diag_at(d, CN_EDATA, path, 0, 0,
                      "the label of column \"%s\" is not ASCII, which Stata files before "
                      "version 118 cannot store", c->name);
      cn_diag_hint(d, "write version 118 or 119 (--dta-version 118)");
      goto done;
    }
    readstat_label_set_t *ls = NULL;
    if (c->n_vl && (ty == READSTAT_TYPE_INT8 || ty == READSTAT_TYPE_INT16 ||
                    ty == READSTAT_TYPE_INT32)) {
      ls = readstat_add_label_set(w, READSTAT_TYPE_INT32, c->vl_name ? c->vl_name : c->name);
      for (int k = 0; k < c->n_vl; k++) {
        if (version < 118 && !ascii(c->vl_labels[k])) {
          st = cn_diag_at(d, CN_EDATA, path, 0, 0,
                          "a value label of column \"%s\" is not ASCII, which Stata "
                          "files before version 118 cannot store", c->name);
          cn_diag_hint(d, "write version 118 or 119 (--dta-version 118)");
          goto done;
        }
        readstat_label_int32_value(ls, (int32_t)c->vl_values[k], c->vl_labels[k]);
      }
    } else if (c->n_vl) {
      cn__log(CN_LOG_WARN, "%s: value labels of column \"%s\" dropped: Stata labels "
                           "integer variables only", path, c->name);
    }
    types[j] = ty;
    vars[j] = readstat_add_variable(w, c->name, ty, ty == READSTAT_TYPE_STRING ? width : 0);
    if (!vars[j]) goto oom;
    if (c->label) readstat_variable_set_label(vars[j], c->label);
    const char *fmt = c->format;
    char deffmt[16];
    if (!fmt) {
      if (ty == READSTAT_TYPE_STRING)
        snprintf(deffmt, sizeof deffmt, "%%-%zus", width > 244 ? 244 : width);
      else snprintf(deffmt, sizeof deffmt, "%s", ty == READSTAT_TYPE_DOUBLE ? "%10.0g" : "%9.0g");
      fmt = deffmt;
    }
    if (ty != READSTAT_TYPE_STRING_REF) readstat_variable_set_format(vars[j], fmt);
    if (ls) readstat_variable_set_label_set(vars[j], ls);
  }

  size_t plen = strlen(path);
  tmp = cn_malloc(plen + 16);
  if (!tmp) goto oom;
  snprintf(tmp, plen + 16, "%s.tmp%d", path, (int)getpid());
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", strerror(errno));
    goto done;
  }
  readstat_error_t err = readstat_begin_writing_dta(w, &fd, (long)t->nrow);
  for (int64_t i = 0; err == READSTAT_OK && i < t->nrow; i++) {
    err = readstat_begin_row(w);
    for (int j = 0; err == READSTAT_OK && j < t->ncol; j++) {
      const cn_column *c = t->cols[j];
      if (cn_table_is_na(t, j, i)) {
        err = types[j] == READSTAT_TYPE_STRING
                  ? readstat_insert_string_value(w, vars[j], "")
              : types[j] == READSTAT_TYPE_STRING_REF
                  ? readstat_insert_string_ref(w, vars[j], readstat_add_string_ref(w, ""))
                  : readstat_insert_missing_value(w, vars[j]);
        continue;
      }
      switch (types[j]) {
        case READSTAT_TYPE_INT8: err = readstat_insert_int8_value(w, vars[j], (int8_t)c->i64[i]); break;
        case READSTAT_TYPE_INT16: err = readstat_insert_int16_value(w, vars[j], (int16_t)c->i64[i]); break;
        case READSTAT_TYPE_INT32: err = readstat_insert_int32_value(w, vars[j], (int32_t)c->i64[i]); break;
        case READSTAT_TYPE_STRING: err = readstat_insert_string_value(w, vars[j], c->levels.strs[c->codes[i]]); break;
        case READSTAT_TYPE_STRING_REF: err = readstat_insert_string_ref(w, vars[j], refs[j][c->codes[i]]); break;
        default:
          err = readstat_insert_double_value(
              w, vars[j], c->type == CN_INT64 ? (double)c->i64[i] : c->dbl[i]);
      }
    }
    if (err == READSTAT_OK) err = readstat_end_row(w);
    if ((i & 0xFFFF) == 0) cn__progress(path, (double)i, (double)t->nrow);
  }
  if (err == READSTAT_OK) err = readstat_end_writing(w);
  if (err != READSTAT_OK) {
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write the Stata file: %s",
                    readstat_error_message(err));
    goto done;
  }
  if (close(fd) != 0 || rename(tmp, path) != 0) {
    fd = -1;
    st = cn_diag_at(d, CN_EINTERNAL, path, 0, 0, "cannot write: %s", strerror(errno));
    goto done;
  }
  fd = -1;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (fd >= 0) close(fd);
  if (st != CN_OK && tmp) unlink(tmp);
  if (w) readstat_writer_free(w);
  for (int j = 0; refs && j < t->ncol; j++) cn_free(refs[j]);
  cn_free(refs);
  cn_free(vars);
  cn_free(types);
  cn_free(tmp);
  return st;
}
