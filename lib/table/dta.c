/* lib/table/dta.c — Stata .dta files through ReadStat.
 *
 * Reading (versions 104–119): byte, int and long become int64; float and
 * double become double — a float becomes the double nearest its shortest
 * decimal text, so a float 0.3 reads as 0.3 and not 0.30000001192092896;
 * strings and strLs become text. Every missing value (., .a–.z) becomes
 * missing; a note counts the extended ones (.a–.z). Variable labels, display
 * formats and value labels are kept (labels of .a–.z are not). Versions 120
 * and 121 (Stata 18's alias variables) are refused with the advice to
 * re-save the file with saveold.
 *
 * Text. ReadStat's own conversion is switched off and the text is decoded
 * here, so that the table only ever holds valid UTF-8:
 *  - versions 118+ declare UTF-8. Text that is not UTF-8 is decoded from
 *    cn_read_opts.encoding when one is given (files saved by Stata 14+
 *    without `unicode translate` keep their old code page), else it is an
 *    error that says so. A multi-byte character cut at the end of a str#
 *    (byte-based truncation) is dropped, with a note.
 *  - versions before 118 stored text in the computer's code page. With an
 *    encoding given, all non-ASCII text is decoded from it; without one,
 *    text that is valid UTF-8 (files written by other programs) is kept and
 *    other text is decoded as Windows-1252, Stata's usual code page, with a
 *    note suggesting --encoding gb18030 for Chinese text.
 * ReadStat drops trailing spaces of str# values ("a " reads as "a").
 *
 * Writing (versions 104–119, 118 by default): an int64 column takes the
 * smallest of byte / int / long whose valid range (-127..100,
 * -32767..32740, -2147483647..2147483620) holds its values, and double
 * beyond that; integers above 2^53 in magnitude, which a double cannot hold
 * exactly, are refused rather than rounded. Doubles must be finite and below
 * 8.988e307 (larger numbers are Stata's missing codes). Text takes str#
 * (width = its longest value in bytes) or, past str#'s limit (2045 bytes
 * from version 117, 244 from 111, 80 before), strL (117 and later). Before
 * version 118 text is written in Windows-1252, so text outside it (Chinese)
 * needs 118+. Column names must be Stata names: letters, digits and _, not
 * starting with a digit, at most 32 characters (8 before version 110), not a
 * reserved word; non-ASCII letters from 118 on. Variable labels longer than
 * the format allows are cut (with a warning) at a character boundary. Value
 * labels are written for numeric columns; columns sharing a set name must
 * share its contents. The output replaces path only once complete: it is
 * written to a temporary file beside it, removed on error. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <math.h>
#include <readstat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "table_int.h"

#define NO_ICONV ((iconv_t)-1)

/* The iconv name for a user's encoding: *from = NULL for UTF-8. Unknown
 * names are CN_EUSAGE (the same list as the CSV reader's). */
static cn_status encoding_name(const char *enc, const char **from, cn_diag *d) {
  *from = NULL;
  if (!enc || !strcasecmp(enc, "utf-8") || !strcasecmp(enc, "utf8")) return CN_OK;
  if (!strcasecmp(enc, "gb18030")) *from = "GB18030";
  else if (!strcasecmp(enc, "gbk") || !strcasecmp(enc, "gb2312")) *from = "GBK";
  else if (!strcasecmp(enc, "latin1") || !strcasecmp(enc, "iso-8859-1")) *from = "ISO-8859-1";
  else if (!strcasecmp(enc, "cp1252") || !strcasecmp(enc, "windows-1252")) *from = "CP1252";
  else
    return cn_diag_set(d, CN_EUSAGE,
                       "unknown encoding \"%s\" (use utf-8, gb18030, gbk, latin1 or cp1252)",
                       enc);
  return CN_OK;
}

/* True when s[0..n) has no byte above 0x7F. */
static bool is_ascii(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80) return false;
  return true;
}

/* ---- reading ---- */

typedef struct vlset {
  char *raw; /* the name's bytes as in the file (raw_len of them), for matching */
  size_t raw_len;
  char *name; /* as UTF-8 */
  int n, cap;
  double *values;
  char **labels;
} vlset;

typedef struct rctx {
  const char *name; /* for messages */
  cn_diag *d;
  cn_status st;
  cn_table *t;
  int version;
  size_t name_len;  /* bytes the format declares for a variable or value-label */
  size_t set_len;   /*   name (lbllist entry), a value-label table's name, */
  size_t label_len; /*   a variable label, a display format and a value label; */
  size_t fmt_len;   /*   ReadStat may hand these over without a final NUL */
  size_t vl_len;
  bool forced;      /* the user named an encoding for a file before 118 */
  const char *from; /* its iconv name; NULL: UTF-8 */
  iconv_t cd;       /* from (or Windows-1252 before 118) to UTF-8 */
  char *buf;        /* decoded text */
  size_t bufcap;
  int64_t nrow;     /* from the header; -1 when unknown */
  int64_t nseen;    /* rows seen */
  int64_t size;     /* of the file; INT64_MAX when unknown */
  int64_t reserve;  /* rows to reserve up front: nrow, bounded by the file size */
  int64_t n_tagged, n_cut, n_1252;
  char **vl_of;     /* per column: the name of its value-label set */
  int nvl_of;
  vlset *sets;
  int nsets, capsets;
  char rs_error[512];
} rctx;

/* Records "out of memory" and tells ReadStat to stop. */
static int oom(rctx *c) {
  c->st = cn_diag_set(c->d, CN_EINTERNAL, "out of memory");
  return READSTAT_HANDLER_ABORT;
}

/* The length of a string that ReadStat hands over, bounded by the bytes
 * the format declares for it: ReadStat passes some fields (value-label
 * names) straight from the file, where a full-width name has no final NUL,
 * so strlen would read past its buffer. 0 for NULL. */
static size_t rs_len(const char *s, size_t declared) { return s ? strnlen(s, declared) : 0; }

/* Sets the declared field lengths of c->version, as ReadStat reads them
 * (readstat_dta.c, dta_ctx_init): names 9 / 33 / 129 bytes from versions
 * 110 and 118; value-label table names 12 before 105, 33, then 129 from
 * 118; variable labels 32 / 81 / 321 from 108 and 118; formats 7 / 12 /
 * 49 / 57 from 105, 114 and 118; value labels 8 before 105, else ReadStat's
 * limit of 32000 bytes. */
static void set_field_lengths(rctx *c) {
  int v = c->version;
  c->name_len = v < 110 ? 9 : v < 118 ? 33 : 129;
  c->set_len = v < 105 ? 12 : v < 118 ? 33 : 129;
  c->label_len = v < 108 ? 32 : v < 118 ? 81 : 321;
  c->fmt_len = v < 105 ? 7 : v < 114 ? 12 : v < 118 ? 49 : 57;
  c->vl_len = v < 105 ? 8 : 32000;
}

/* True when s[0..m) is the start of a multi-byte UTF-8 character that the
 * end of the text cut short. */
static bool cut_char(const unsigned char *s, size_t m) {
  if (m == 0) return false;
  size_t want = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
                : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                               : 0;
  if (m >= want) return false;
  for (size_t i = 1; i < m; i++)
    if ((s[i] & 0xC0) != 0x80) return false;
  return true;
}

/* Decodes s[0..n) with c->cd into c->buf; false when it is not valid in
 * that encoding (a character cut at the very end is dropped) or, with
 * c->st set, when memory runs out. */
static bool decode(rctx *c, const char *s, size_t n, size_t *outn) {
  if (c->cd == NO_ICONV) return false;
  size_t cap = n * 4 + 8;
  if (cap > c->bufcap) {
    char *b = cn_realloc(c->buf, cap);
    if (!b) {
      oom(c);
      return false;
    }
    c->buf = b;
    c->bufcap = cap;
  }
  iconv(c->cd, NULL, NULL, NULL, NULL);
  char *in = (char *)s, *out = c->buf;
  size_t inleft = n, outleft = c->bufcap - 1;
  if (iconv(c->cd, &in, &inleft, &out, &outleft) == (size_t)-1 && errno != EINVAL)
    return false;
  if (iconv(c->cd, NULL, NULL, &out, &outleft) == (size_t)-1) return false;
  *out = '\0';
  *outn = (size_t)(out - c->buf);
  return cn__utf8_valid(c->buf, *outn) == *outn;
}

/* Text from the file as valid UTF-8 (see the rules at the top): s itself,
 * possibly shortened (*n), or its decoding in c->buf, valid until the next
 * call. NULL with c->st set when it cannot be had; line, col and the
 * printf-style description say where, for the message. */
static const char *utf8_text(rctx *c, const char *s, size_t *n, int64_t line, int64_t col,
                             const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static const char *utf8_text(rctx *c, const char *s, size_t *n, int64_t line, int64_t col,
                             const char *fmt, ...) {
  if (is_ascii(s, *n)) return s;
  bool legacy = c->version < 118;
  bool utf8_declared = !legacy || (c->forced && !c->from);
  size_t bad = *n, outn = 0;
  if (!(legacy && c->forced && c->from)) {
    bad = cn__utf8_valid(s, *n);
    if (bad == *n) return s;
    if (utf8_declared && cut_char((const unsigned char *)s + bad, *n - bad)) {
      c->n_cut++;
      *n = bad;
      return s;
    }
  }
  if (decode(c, s, *n, &outn)) {
    if (legacy && !c->forced) c->n_1252++;
    *n = outn;
    return c->buf;
  }
  if (c->st != CN_OK) return NULL;
  char what[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (legacy && c->forced) {
    c->st = cn_diag_at(c->d, CN_EDATA, c->name, line, col, "%s is not valid %s text", what,
                       c->from ? c->from : "UTF-8");
    cn_diag_hint(c->d, "check the --encoding given for this file");
  } else if (legacy) {
    c->st = cn_diag_at(c->d, CN_EDATA, c->name, line, col,
                       "%s is neither UTF-8 nor Windows-1252 text", what);
    cn_diag_hint(c->d, "files of Stata 13 and earlier hold text in the computer's code page; "
                       "for Chinese text, read the file with --encoding gb18030");
  } else if (c->from) {
    c->st = cn_diag_at(c->d, CN_EDATA, c->name, line, col,
                       "%s is neither UTF-8 nor %s text", what, c->from);
    cn_diag_hint(c->d, "check the --encoding given for this file");
  } else {
    c->st = cn_diag_at(c->d, CN_EDATA, c->name, line, col,
                       "%s is not valid UTF-8 (byte %zu is 0x%02X)", what, bad + 1,
                       (unsigned)(unsigned char)s[bad]);
    cn_diag_hint(c->d, "Stata 14 and later keep old text as it was unless `unicode translate` "
                       "is run; read the file with --encoding gb18030 (or latin1) to decode it");
  }
  return NULL;
}

/* ReadStat's handlers: each stores what it is given in the table being
 * built (or in rctx until the end) and aborts the parse, with c->st set,
 * on an error. The header: the row count. */
static int on_metadata(readstat_metadata_t *m, void *ud) {
  rctx *c = ud;
  c->nrow = readstat_get_row_count(m);
  c->reserve = c->nrow < c->size ? c->nrow : c->size; /* a row takes at least a byte */
  return READSTAT_HANDLER_OK;
}

/* A variable: a new column with its name, label, format and the name of
 * its value-label set, in file order. */
static int on_variable(int index, readstat_variable_t *v, const char *val_labels,
                       void *ud) {
  rctx *c = ud;
  readstat_type_t ty = readstat_variable_get_type(v);
  cn_type type = ty == READSTAT_TYPE_STRING || ty == READSTAT_TYPE_STRING_REF ? CN_STRING
                 : ty == READSTAT_TYPE_FLOAT || ty == READSTAT_TYPE_DOUBLE  ? CN_DOUBLE
                                                                            : CN_INT64;
  if (index != c->t->ncol) {
    c->st = cn_diag_at(c->d, CN_EINTERNAL, c->name, 0, 0, "variables out of order");
    return READSTAT_HANDLER_ABORT;
  }
  const char *raw = readstat_variable_get_name(v);
  size_t n = rs_len(raw, c->name_len);
  const char *name = utf8_text(c, raw ? raw : "", &n, 0, index + 1, "the name of variable %d",
                               index + 1);
  if (!name) return READSTAT_HANDLER_ABORT;
  char *copy = cn_strndup(name, n);
  cn_column *col = copy ? cn__col_new(copy, type) : NULL;
  cn_free(copy);
  if (!col || !cn__table_append(c->t, col)) {
    cn__col_free(col);
    return oom(c);
  }
  if (c->reserve > 0 && !cn__col_reserve(col, c->reserve)) return oom(c);
  const char *label = readstat_variable_get_label(v);
  if (label && *label) {
    n = rs_len(label, c->label_len);
    label = utf8_text(c, label, &n, 0, index + 1, "the label of variable \"%s\"", col->name);
    if (!label) return READSTAT_HANDLER_ABORT;
    if (!(col->label = cn_strndup(label, n))) return oom(c);
  }
  const char *fmt = readstat_variable_get_format(v);
  if (fmt && *fmt) {
    n = rs_len(fmt, c->fmt_len);
    fmt = utf8_text(c, fmt, &n, 0, index + 1, "the format of variable \"%s\"", col->name);
    if (!fmt) return READSTAT_HANDLER_ABORT;
    if (!(col->format = cn_strndup(fmt, n))) return oom(c);
  }
  size_t cap = (size_t)c->nvl_of;
  if (!cn__grow((void **)&c->vl_of, &cap, (size_t)index + 1, sizeof *c->vl_of))
    return oom(c);
  for (int i = c->nvl_of; i < (int)cap; i++) c->vl_of[i] = NULL;
  c->nvl_of = (int)cap;
  if (val_labels && *val_labels) {
    n = rs_len(val_labels, c->name_len); /* a pointer into the file's lbllist */
    const char *set = utf8_text(c, val_labels, &n, 0, index + 1,
                                "the value-label name of variable \"%s\"", col->name);
    if (!set) return READSTAT_HANDLER_ABORT;
    if (!(c->vl_of[index] = cn_strndup(set, n))) return oom(c);
  }
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

/* One cell (row obs of variable v). */
static int on_value(int obs, readstat_variable_t *v, readstat_value_t val, void *ud) {
  rctx *c = ud;
  int j = readstat_variable_get_index(v);
  if (j < 0 || j >= c->t->ncol || obs < 0) return READSTAT_HANDLER_ABORT;
  cn_column *col = c->t->cols[j];
  if ((size_t)obs >= col->cap && !cn__col_reserve(col, (int64_t)obs + 1)) return oom(c);
  if (obs >= c->nseen) c->nseen = obs + 1;
  bool missing = readstat_value_is_missing(val, v);
  if (missing && readstat_value_is_tagged_missing(val)) c->n_tagged++;
  switch (col->type) {
    case CN_STRING: {
      const char *s = missing ? NULL : readstat_string_value(val);
      /* a str# comes in ReadStat's own NUL-terminated copy; a strL (width 0)
       * straight from the file, whose final NUL check_strls made sure of */
      size_t w = readstat_variable_get_storage_width(v);
      size_t n = rs_len(s, w ? w : SIZE_MAX);
      if (obs && (obs & (CN__PLAIN_MIN_ROWS - 1)) == 0) cn__col_check_plain(col, obs);
      if (n == 0) {
        col->codes[obs] = CN_NA_CODE;
        break;
      }
      /* the raw bytes may equal a level only when they would be kept as
       * they are, that is unless all non-ASCII text is being decoded */
      bool decode_all = c->version < 118 && c->forced && c->from;
      int32_t code = decode_all && !is_ascii(s, n) ? -1 : cn__strmap_get(&col->levels, s, n);
      if (code < 0) {
        s = utf8_text(c, s, &n, obs + 1, j + 1, "variable \"%s\" observation %d", col->name,
                      obs + 1);
        if (!s) return READSTAT_HANDLER_ABORT;
        if (n == 0) {
          col->codes[obs] = CN_NA_CODE;
          break;
        }
        if ((code = cn__col_level(col, s, n)) < 0) return oom(c);
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

/* One value → text pair of a value-label set; kept until the sets are
 * attached to their columns at the end. */
static int on_value_label(const char *set, readstat_value_t val, const char *label,
                          void *ud) {
  rctx *c = ud;
  if (readstat_value_type_class(val) != READSTAT_TYPE_CLASS_NUMERIC ||
      readstat_value_is_tagged_missing(val) || readstat_value_is_system_missing(val))
    return READSTAT_HANDLER_OK; /* labels of .a-.z: missing values are not kept */
  size_t setn = rs_len(set, c->set_len); /* ReadStat's copy of the file's bytes */
  vlset *s = NULL;
  for (int i = 0; i < c->nsets && !s; i++)
    if (c->sets[i].raw_len == setn && !memcmp(c->sets[i].raw, set, setn)) s = &c->sets[i];
  if (!s) {
    size_t cap = (size_t)c->capsets;
    if (!cn__grow((void **)&c->sets, &cap, (size_t)c->nsets + 1, sizeof *c->sets))
      return oom(c);
    c->capsets = (int)cap;
    s = &c->sets[c->nsets++];
    memset(s, 0, sizeof *s);
    if (!(s->raw = cn_strndup(set, setn))) return oom(c);
    s->raw_len = setn;
    size_t n = setn;
    const char *nm = utf8_text(c, s->raw, &n, 0, 0, "the name of value-label set %d", c->nsets);
    if (!nm) return READSTAT_HANDLER_ABORT;
    if (!(s->name = cn_strndup(nm, n))) return oom(c);
  }
  if (s->n == s->cap) {
    size_t cap = (size_t)s->cap, cap2 = (size_t)s->cap;
    if (!cn__grow((void **)&s->values, &cap, (size_t)s->n + 1, sizeof *s->values) ||
        !cn__grow((void **)&s->labels, &cap2, (size_t)s->n + 1, sizeof *s->labels))
      return oom(c);
    s->cap = (int)(cap < cap2 ? cap : cap2);
  }
  readstat_type_t ty = readstat_value_type(val);
  double x = ty == READSTAT_TYPE_INT32   ? readstat_int32_value(val)
             : ty == READSTAT_TYPE_INT16 ? readstat_int16_value(val)
             : ty == READSTAT_TYPE_INT8  ? readstat_int8_value(val)
             : ty == READSTAT_TYPE_FLOAT ? readstat_float_value(val)
                                         : readstat_double_value(val);
  size_t n = rs_len(label, c->vl_len);
  const char *text = utf8_text(c, label ? label : "", &n, 0, 0,
                               "the label of value %.17g in set \"%s\"", x, s->name);
  if (!text) return READSTAT_HANDLER_ABORT;
  if (!(s->labels[s->n] = cn_strndup(text, n))) return oom(c);
  s->values[s->n++] = x;
  return READSTAT_HANDLER_OK;
}

/* ReadStat's error text, kept for the diagnostic. */
static void on_error(const char *msg, void *ud) {
  rctx *c = ud;
  snprintf(c->rs_error, sizeof c->rs_error, "%s", msg);
  size_t n = strlen(c->rs_error);
  while (n && (c->rs_error[n - 1] == '\n' || c->rs_error[n - 1] == ' '))
    c->rs_error[--n] = '\0';
}

/* Passes progress (0..1) on to the user's callback. */
static int on_progress(double progress, void *ud) {
  rctx *c = ud;
  if (progress < 1.0) cn__progress(c->name, progress, 1.0);
  return READSTAT_HANDLER_OK;
}

/* Buffered reading for ReadStat, whose own handlers make one read call per
 * row: the file is read in blocks of RIO_BLOCK bytes. The descriptor's
 * position is always at base + len. */
#define RIO_BLOCK (1 << 20)

typedef struct rio {
  int fd;
  char *buf;
  size_t len, pos;   /* bytes in buf; the read position within them */
  readstat_off_t base; /* file offset of buf[0] */
} rio;

/* ReadStat's I/O handlers over a rio: open, close, seek, read. */
static int rio_open(const char *path, void *ud) {
  rio *r = ud;
  r->fd = open(path, O_RDONLY);
  r->len = r->pos = 0;
  r->base = 0;
  return r->fd;
}

static int rio_close(void *ud) {
  rio *r = ud;
  int rc = r->fd >= 0 ? close(r->fd) : 0;
  r->fd = -1;
  return rc;
}

static readstat_off_t rio_seek(readstat_off_t off, readstat_io_flags_t whence, void *ud) {
  rio *r = ud;
  readstat_off_t target = off;
  if (whence == READSTAT_SEEK_CUR) target = r->base + (readstat_off_t)r->pos + off;
  else if (whence == READSTAT_SEEK_END) {
    struct stat sb;
    if (fstat(r->fd, &sb) != 0) return -1;
    target = (readstat_off_t)sb.st_size + off;
  }
  if (target < 0) return -1;
  if (target >= r->base && target <= r->base + (readstat_off_t)r->len) {
    r->pos = (size_t)(target - r->base);
    return target;
  }
  if (lseek(r->fd, (off_t)target, SEEK_SET) == (off_t)-1) return -1;
  r->base = target;
  r->len = r->pos = 0;
  return target;
}

static ssize_t rio_read(void *out, size_t n, void *ud) {
  rio *r = ud;
  char *dst = out;
  size_t done = 0;
  while (done < n) {
    if (r->pos == r->len) {
      r->base += (readstat_off_t)r->len;
      r->len = r->pos = 0;
      if (n - done >= RIO_BLOCK) { /* a large read goes straight to the caller */
        ssize_t k = read(r->fd, dst + done, n - done);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        r->base += k;
        done += (size_t)k;
        continue;
      }
      ssize_t k = read(r->fd, r->buf, RIO_BLOCK);
      if (k < 0 && errno == EINTR) continue;
      if (k < 0) return -1;
      if (k == 0) break;
      r->len = (size_t)k;
    }
    size_t take = r->len - r->pos < n - done ? r->len - r->pos : n - done;
    memcpy(dst + done, r->buf + r->pos, take);
    r->pos += take;
    done += take;
  }
  return (ssize_t)done;
}

/* Progress by position in the file. */
static readstat_error_t rio_update(long file_size, readstat_progress_handler progress,
                                   void *user_ctx, void *ud) {
  rio *r = ud;
  if (!progress || file_size <= 0) return READSTAT_OK;
  double at = (double)(r->base + (readstat_off_t)r->pos) / (double)file_size;
  return progress(at, user_ctx) == READSTAT_HANDLER_OK ? READSTAT_OK
                                                       : READSTAT_ERROR_USER_ABORT;
}

/* Reads the first bytes of path: CN_OK with the format version in *version
 * and the file's size in *size for versions 104–119; else fills d
 * (CN_EDATA: cannot open, not a .dta file, an unsupported version). */
static cn_status check_version(const char *path, const char *name, int *version,
                               int64_t *size, cn_diag *d) {
  unsigned char head[64] = {0};
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return cn_diag_at(d, CN_EDATA, name, 0, 0, "cannot open: %s", strerror(errno));
  struct stat sb;
  bool dir = false;
  *size = INT64_MAX;
  if (fstat(fd, &sb) == 0) {
    dir = S_ISDIR(sb.st_mode);
    if (S_ISREG(sb.st_mode)) *size = (int64_t)sb.st_size;
  }
  ssize_t n = dir ? 0 : read(fd, head, sizeof head);
  int err = errno;
  close(fd);
  if (dir) return cn_diag_at(d, CN_EDATA, name, 0, 0, "is a directory, not a data file");
  if (n < 0) return cn_diag_at(d, CN_EDATA, name, 0, 0, "cannot read: %s", strerror(err));
  const char *tag = "<stata_dta><header><release>";
  size_t tl = strlen(tag);
  int ver = 0;
  if ((size_t)n >= tl + 3 && !memcmp(head, tag, tl)) {
    for (size_t i = tl; i < tl + 3; i++)
      if (head[i] < '0' || head[i] > '9')
        return cn_diag_at(d, CN_EDATA, name, 0, 0, "not a Stata .dta file");
    ver = (head[tl] - '0') * 100 + (head[tl + 1] - '0') * 10 + (head[tl + 2] - '0');
  } else if (n >= 4 && (head[1] == 1 || head[1] == 2) && head[2] == 1 && head[0] >= 102 &&
             head[0] <= 115) {
    ver = head[0]; /* binary header: version, byte order (1 HILO, 2 LOHI), file type 1 */
  } else {
    return cn_diag_at(d, CN_EDATA, name, 0, 0, "not a Stata .dta file");
  }
  *version = ver;
  if (ver >= 104 && ver <= 119 && ver != 116) return CN_OK;
  if (ver >= 120) {
    cn_diag_at(d, CN_EDATA, name, 0, 0,
               "Stata file format %d (Stata 18 or later) is not supported: coinnet reads "
               "formats 104 to 119",
               ver);
    cn_diag_hint(d, "re-save it in Stata with: saveold \"%s\", version(118)", name);
    return CN_EDATA;
  }
  return cn_diag_at(d, CN_EDATA, name, 0, 0,
                    "Stata file format %d is not supported: coinnet reads formats 104 to 119",
                    ver);
}

/* A reader of a file's bytes at an offset, for check_strls. */
typedef struct bytes_at {
  int fd;
  int64_t off;
  bool little; /* the file's byte order: least significant byte first */
} bytes_at;

/* Reads n bytes at b->off into out and moves on; false at the end. */
static bool take(bytes_at *b, void *out, size_t n) {
  ssize_t k = pread(b->fd, out, n, (off_t)b->off);
  if (k < 0 || (size_t)k != n) return false;
  b->off += (int64_t)n;
  return true;
}

/* True when the next bytes are tag. */
static bool take_tag(bytes_at *b, const char *tag) {
  char buf[32];
  size_t n = strlen(tag);
  return take(b, buf, n) && !memcmp(buf, tag, n);
}

/* Reads an unsigned integer of n (1, 2, 4 or 8) bytes in the file's order. */
static bool take_uint(bytes_at *b, size_t n, uint64_t *out) {
  unsigned char x[8];
  if (!take(b, x, n)) return false;
  *out = 0;
  for (size_t i = 0; i < n; i++) *out = *out << 8 | x[b->little ? n - 1 - i : i];
  return true;
}

/* Checks, for versions 117+, that every text strL ("GSO" of type 130) ends
 * in the NUL the format asks for: ReadStat hands its bytes over as they are
 * in the file, so an unterminated one would be read past its end. The walk
 * follows ReadStat's own (readstat_dta_read.c: the header, the map, then
 * the strls section) so that it sees the strLs ReadStat keeps; where the
 * walk stops early ReadStat fails too. CN_EDATA naming the strL when one
 * is not terminated; CN_OK otherwise. */
static cn_status check_strls(const char *path, const char *name, int version, cn_diag *d) {
  bytes_at b = {.fd = open(path, O_RDONLY)};
  cn_status st = CN_OK;
  if (b.fd < 0) goto done; /* ReadStat's open reports it */
  char order[3];
  uint64_t k, len8, strls = 0;
  if (!take_tag(&b, "<stata_dta><header><release>") || !take(&b, order, 3) ||
      !take_tag(&b, "</release><byteorder>") || !take(&b, order, 3) ||
      !take_tag(&b, "</byteorder><K>"))
    goto done;
  if (!memcmp(order, "LSF", 3)) b.little = true;
  else if (memcmp(order, "MSF", 3)) goto done;
  if (!take_uint(&b, version >= 119 ? 4 : 2, &k) || !take_tag(&b, "</K><N>") ||
      !take_uint(&b, version >= 118 ? 8 : 4, &k) || !take_tag(&b, "</N><label>") ||
      !take_uint(&b, version >= 118 ? 2 : 1, &len8))
    goto done;
  b.off += (int64_t)len8;
  if (!take_tag(&b, "</label><timestamp>") || !take_uint(&b, 1, &len8)) goto done;
  b.off += (int64_t)len8;
  if (!take_tag(&b, "</timestamp></header><map>")) goto done;
  for (int i = 0; i <= 10; i++)
    if (!take_uint(&b, 8, &strls)) goto done;
  if (strls > INT64_MAX) goto done;
  b.off = (int64_t)strls;
  if (!take_tag(&b, "<strls>")) goto done;
  for (int64_t nth = 1;; nth++) {
    char tag[3];
    uint64_t v, o, type, len;
    if (!take(&b, tag, 3) || memcmp(tag, "GSO", 3)) break; /* "</s" ends the section */
    if (!take_uint(&b, 4, &v) || !take_uint(&b, version >= 118 ? 8 : 4, &o) ||
        !take_uint(&b, 1, &type) || !take_uint(&b, 4, &len))
      break;
    if (type != 0x82) continue; /* binary strLs: ReadStat skips the header only */
    unsigned char last = 1; /* an empty strL has no NUL either */
    if (len > 0) {
      b.off += (int64_t)len - 1;
      if (!take(&b, &last, 1)) break; /* cut short: ReadStat fails reading it */
    }
    if (last != 0) {
      st = cn_diag_at(d, CN_EDATA, name, 0, 0,
                      "strL %lld (variable %llu, observation %llu) does not end in the NUL "
                      "byte the format requires: the file is damaged",
                      (long long)nth, (unsigned long long)v, (unsigned long long)o);
      goto done;
    }
  }
done:
  if (b.fd >= 0) close(b.fd);
  return st;
}

/* Attaches the value-label sets read to their columns; false when out of
 * memory. */
static bool attach_value_labels(rctx *c) {
  for (int j = 0; j < c->t->ncol && j < c->nvl_of; j++) {
    const char *set = c->vl_of[j];
    for (int s = 0; set && s < c->nsets; s++)
      if (!strcmp(c->sets[s].name, set) &&
          cn_table_set_value_labels(c->t, j, set, c->sets[s].n, c->sets[s].values,
                                    (const char *const *)c->sets[s].labels) != CN_OK)
        return false;
  }
  return true;
}

/* Reads a Stata file into a new table (*out); see the top of this file for
 * the types and text rules. Errors are CN_EDATA naming o->display_name (or
 * path): a missing or unreadable file, not a .dta file, versions outside
 * 104–119 (120/121 with a saveold hint), text that cannot be decoded, and
 * any ReadStat error; an unknown encoding is CN_EUSAGE. */
cn_status cn_table_read_dta(const char *path, const cn_read_opts *o, cn_table **out,
                            cn_diag *d) {
  const char *name = o && o->display_name ? o->display_name : path;
  rctx c;
  memset(&c, 0, sizeof c);
  c.name = name;
  c.d = d;
  c.nrow = -1;
  c.cd = NO_ICONV;
  readstat_parser_t *p = NULL;
  rio io = {.fd = -1};
  *out = NULL;
  cn_diag_clear(d);
  if ((c.st = check_version(path, name, &c.version, &c.size, d)) != CN_OK) goto done;
  set_field_lengths(&c);
  if (c.version >= 117 && (c.st = check_strls(path, name, c.version, d)) != CN_OK) goto done;
  if ((c.st = encoding_name(o ? o->encoding : NULL, &c.from, d)) != CN_OK) goto done;
  c.forced = o && o->encoding && c.version < 118; /* "utf-8" included */
  const char *dec = c.from ? c.from : c.version < 118 && !c.forced ? "CP1252" : NULL;
  if (dec && (c.cd = iconv_open("UTF-8", dec)) == NO_ICONV) {
    c.st = cn_diag_set(d, CN_EINTERNAL, "iconv cannot convert from %s", dec);
    goto done;
  }
  c.t = cn_table_new(0);
  p = readstat_parser_init();
  io.buf = cn_malloc(RIO_BLOCK);
  if (!c.t || !p || !io.buf) {
    c.st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  readstat_set_handler_character_encoding(p, NULL); /* raw bytes: decoded here */
  readstat_set_open_handler(p, rio_open);
  readstat_set_close_handler(p, rio_close);
  readstat_set_seek_handler(p, rio_seek);
  readstat_set_read_handler(p, rio_read);
  readstat_set_update_handler(p, rio_update);
  readstat_set_io_ctx(p, &io);
  readstat_set_metadata_handler(p, on_metadata);
  readstat_set_variable_handler(p, on_variable);
  readstat_set_value_handler(p, on_value);
  readstat_set_value_label_handler(p, on_value_label);
  readstat_set_error_handler(p, on_error);
  readstat_set_progress_handler(p, on_progress);
  readstat_error_t err = readstat_parse_dta(p, path, &c);
  if (c.st != CN_OK) goto done;
  if (err == READSTAT_ERROR_READ || err == READSTAT_ERROR_SEEK) {
    /* the parser wanted bytes past the end: a file cut short, or a header
     * whose counts (rows, variables) the file does not hold */
    c.st = cn_diag_at(d, CN_EDATA, name, 0, 0,
                      "the Stata file ends before the data its header announces (cut short or damaged)%s%s",
                      c.rs_error[0] ? ": " : "", c.rs_error);
    goto done;
  }
  if (err != READSTAT_OK) {
    c.st = cn_diag_at(d, CN_EDATA, name, 0, 0, "cannot read the Stata file: %s%s%s",
                      readstat_error_message(err), c.rs_error[0] ? ": " : "", c.rs_error);
    goto done;
  }
  int64_t rows = c.nrow >= 0 ? c.nrow : c.nseen;
  if (c.t->ncol > 0 && c.nseen != rows) {
    c.st = cn_diag_at(d, CN_EDATA, name, 0, 0,
                      "the file announces %lld observations but holds %lld",
                      (long long)rows, (long long)c.nseen);
    goto done;
  }
  for (int j = 0; j < c.t->ncol; j++)
    if (!cn__col_reserve(c.t->cols[j], rows > 0 ? rows : 1)) {
      c.st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
      goto done;
    }
  if (!attach_value_labels(&c)) {
    c.st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  c.t->nrow = rows;
  cn__progress(name, 1.0, 1.0);
  if (c.n_tagged)
    cn__log(CN_LOG_INFO, "%s: %lld extended missing value%s (.a to .z) read as missing", name,
            (long long)c.n_tagged, c.n_tagged == 1 ? "" : "s");
  if (c.n_1252)
    cn__log(CN_LOG_INFO,
            "%s: text read as Windows-1252, the usual code page of Stata 13 and earlier "
            "(for Chinese text, read the file with --encoding gb18030)", name);
  if (c.n_cut)
    cn__log(CN_LOG_INFO, "%s: %lld text value%s ended in a cut character, which was dropped",
            name, (long long)c.n_cut, c.n_cut == 1 ? "" : "s");
  *out = c.t;
  c.t = NULL;
done:
  if (p) readstat_parser_free(p);
  if (io.fd >= 0) close(io.fd);
  cn_free(io.buf);
  if (c.cd != NO_ICONV) iconv_close(c.cd);
  cn_free(c.buf);
  cn_table_free(c.t);
  for (int i = 0; i < c.nvl_of; i++) cn_free(c.vl_of[i]);
  cn_free(c.vl_of);
  for (int i = 0; i < c.nsets; i++) {
    for (int k = 0; k < c.sets[i].n; k++) cn_free(c.sets[i].labels[k]);
    cn_free(c.sets[i].labels);
    cn_free(c.sets[i].values);
    cn_free(c.sets[i].name);
    cn_free(c.sets[i].raw);
  }
  cn_free(c.sets);
  return c.st;
}

/* ---- writing ---- */

/* The largest double Stata stores as a number (0x7fdfffffffffffff); larger
 * ones are its missing codes. */
#define DTA_MAX_DOUBLE 0x1.fffffffffffffp+1022

typedef struct wcol {
  readstat_type_t type;
  size_t width;                 /* str#: bytes */
  bool big;                     /* an int64 column written as double */
  readstat_variable_t *var;
  char **text;                  /* text before version 118: per level, its Windows-1252
                                   form (NULL: ASCII, written as it is) */
  readstat_string_ref_t **refs; /* strL: per level in use (ReadStat sizes the file
                                   from the refs that exist when writing begins) */
} wcol;

typedef struct wset {
  const char *name;
  int col; /* the first column that uses it */
  readstat_label_set_t *ls;
} wset;

typedef struct wctx {
  const cn_table *t;
  const char *path;
  cn_diag *d;
  int version;
  readstat_writer_t *w;
  iconv_t cd; /* UTF-8 → Windows-1252, before version 118 */
  wcol *cols;
  wset *sets;
  int nsets;
  readstat_string_ref_t *empty; /* the empty strL, for missing text */
  int fd;                       /* the temporary output file */
  char *out;                    /* output buffer (RIO_BLOCK bytes) */
  size_t nout;
  int werr;                     /* errno of a failed write */
} wctx;

/* Writes n bytes to x's file; false (errno in x->werr) on error. */
static bool write_all(wctx *x, const char *p, size_t n) {
  while (n) {
    ssize_t k = write(x->fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      x->werr = k < 0 ? errno : EIO;
      return false;
    }
    p += k;
    n -= (size_t)k;
  }
  return true;
}

/* Empties x's output buffer into the file. */
static bool flush_out(wctx *x) {
  bool ok = write_all(x, x->out, x->nout);
  x->nout = 0;
  return ok;
}

/* ReadStat's output (it writes a row at a time): buffered in x->out;
 * -1 on error. ReadStat writes empty sections (a table without columns)
 * as bytes == NULL, n == 0, which memcpy may not be given. */
static ssize_t write_bytes(const void *bytes, size_t n, void *ud) {
  wctx *x = ud;
  if (n == 0) return 0;
  if (x->nout + n > RIO_BLOCK && !flush_out(x)) return -1;
  if (n >= RIO_BLOCK) return write_all(x, bytes, n) ? (ssize_t)n : -1;
  memcpy(x->out + x->nout, bytes, n);
  x->nout += n;
  return (ssize_t)n;
}

/* Why s is not a Stata name for this version (ReadStat's rules, with
 * Stata's 8-character limit before version 110), or NULL when it is one. */
static const char *name_problem(const char *s, int version) {
  static const char *const reserved[] = {
      "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long",
      "_n", "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with"};
  size_t n = strlen(s);
  if (n == 0) return "it is empty";
  if (cn__utf8_chars(s, n) > (version < 110 ? 8 : 32))
    return version < 110 ? "it is longer than 8 characters, the limit before version 110"
                         : "it is longer than 32 characters";
  if (s[0] >= '0' && s[0] <= '9') return "it starts with a digit";
  for (const char *p = s; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch >= 0x80) {
      if (version < 118) return "it is not ASCII, which needs version 118 or later";
    } else if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 (ch >= '0' && ch <= '9'))) {
      return "it has characters other than letters, digits and _";
    }
  }
  for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
    if (!strcmp(s, reserved[i])) return "it is a reserved word in Stata";
  if (!strncmp(s, "str", 3) && s[3] >= '0' && s[3] <= '9')
    return "it is a reserved word in Stata (str#)";
  return NULL;
}

/* The bytes to write for text s: s itself from version 118 on or when it is
 * ASCII (*owned NULL), else its Windows-1252 form in *owned (the caller
 * frees it). CN_EDATA naming column col when s has no such form. */
static cn_status out_text(wctx *x, const char *s, char **owned, const char *what,
                          const char *col) {
  *owned = NULL;
  size_t n = strlen(s);
  if (x->version >= 118 || is_ascii(s, n)) return CN_OK;
  char *buf = cn_malloc(n + 1);
  if (!buf) return cn_diag_set(x->d, CN_EINTERNAL, "out of memory");
  iconv(x->cd, NULL, NULL, NULL, NULL);
  char *in = (char *)s, *out = buf;
  size_t inleft = n, outleft = n;
  if (iconv(x->cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
    cn_free(buf);
    int shown = 60; /* bytes of s in the message, cut at a character boundary */
    if ((size_t)shown >= n) shown = (int)n;
    while (shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80) shown--;
    cn_diag_at(x->d, CN_EDATA, x->path, 0, 0,
               "%s of column \"%s\" (\"%.*s\") has characters that Stata files before "
               "version 118 cannot hold (they store text in Windows-1252)",
               what, col, shown, s);
    cn_diag_hint(x->d, "write version 118 or 119 (--dta-version 118)");
    return CN_EDATA;
  }
  *out = '\0';
  *owned = buf;
  return CN_OK;
}

/* Chooses the storage type of an int64 column (see the top of the file);
 * CN_EDATA for magnitudes beyond 2^53. */
static cn_status plan_int(wctx *x, int j) {
  const cn_column *c = x->t->cols[j];
  int64_t lo = 0, hi = 0;
  for (int64_t i = 0; i < x->t->nrow; i++) {
    int64_t v = c->i64[i];
    if (v == CN_NA_INT64) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const int64_t exact = 9007199254740992LL; /* 2^53: doubles hold integers up to it */
  if (lo < -exact || hi > exact) {
    int64_t bad = lo < -exact ? lo : hi;
    cn_diag_at(x->d, CN_EDATA, x->path, 0, 0,
               "column \"%s\" holds the integer %lld, which Stata cannot store exactly "
               "(its numbers are exact up to 2^53)",
               c->name, (long long)bad);
    cn_diag_hint(x->d, "keep such identifiers as text (--string %s when reading CSV)", c->name);
    return CN_EDATA;
  }
  wcol *wc = &x->cols[j];
  wc->type = lo >= -127 && hi <= 100                     ? READSTAT_TYPE_INT8
             : lo >= -32767 && hi <= 32740               ? READSTAT_TYPE_INT16
             : lo >= -2147483647LL && hi <= 2147483620LL ? READSTAT_TYPE_INT32
                                                         : READSTAT_TYPE_DOUBLE;
  wc->big = wc->type == READSTAT_TYPE_DOUBLE;
  return CN_OK;
}

/* Checks that a double column holds only numbers Stata can store. */
static cn_status plan_double(wctx *x, int j) {
  const cn_column *c = x->t->cols[j];
  x->cols[j].type = READSTAT_TYPE_DOUBLE;
  for (int64_t i = 0; i < x->t->nrow; i++) {
    double v = c->dbl[i];
    if (isinf(v))
      return cn_diag_at(x->d, CN_EDATA, x->path, i + 1, j + 1,
                        "column \"%s\" row %lld holds an infinity, which Stata cannot store",
                        c->name, (long long)i + 1);
    if (v > DTA_MAX_DOUBLE)
      return cn_diag_at(x->d, CN_EDATA, x->path, i + 1, j + 1,
                        "column \"%s\" row %lld holds %.17g, above Stata's largest number "
                        "(8.988e+307)",
                        c->name, (long long)i + 1, v);
  }
  return CN_OK;
}

/* Chooses str# or strL for a text column from the levels it uses, and
 * prepares their Windows-1252 forms before version 118. */
static cn_status plan_string(wctx *x, int j) {
  const cn_column *c = x->t->cols[j];
  wcol *wc = &x->cols[j];
  size_t nl = c->levels.n;
  cn_status st = CN_OK;
  bool *used = cn_calloc(nl + 1, sizeof *used);
  wc->text = cn_calloc(nl + 1, sizeof *wc->text);
  if (!used || !wc->text) {
    st = cn_diag_set(x->d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  bool has_na = false;
  for (int64_t i = 0; i < x->t->nrow; i++) {
    if (c->codes[i] >= 0) used[c->codes[i]] = true;
    else has_na = true;
  }
  size_t width = 1;
  for (size_t k = 0; k < nl; k++) {
    if (!used[k]) continue;
    if ((st = out_text(x, c->levels.strs[k], &wc->text[k], "text", c->name)) != CN_OK)
      goto done;
    size_t len = wc->text[k] ? strlen(wc->text[k]) : c->levels.lens[k];
    if (len > width) width = len;
  }
  size_t strmax = x->version >= 117 ? 2045 : x->version >= 111 ? 244 : 80;
  wc->type = READSTAT_TYPE_STRING;
  wc->width = width;
  if (width > strmax) {
    if (x->version < 117) {
      st = cn_diag_at(x->d, CN_EDATA, x->path, 0, j + 1,
                      "column \"%s\" holds text of %zu bytes, longer than a str%zu, which needs "
                      "a strL (version 117 or later)",
                      c->name, width, strmax);
      goto done;
    }
    wc->type = READSTAT_TYPE_STRING_REF;
    if (!(wc->refs = cn_calloc(nl + 1, sizeof *wc->refs))) {
      st = cn_diag_set(x->d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    for (size_t k = 0; k < nl; k++)
      if (used[k] && !(wc->refs[k] = readstat_add_string_ref(
                           x->w, wc->text[k] ? wc->text[k] : c->levels.strs[k]))) {
        st = cn_diag_set(x->d, CN_EINTERNAL, "out of memory");
        goto done;
      }
    if (has_na && !x->empty && !(x->empty = readstat_add_string_ref(x->w, ""))) {
      st = cn_diag_set(x->d, CN_EINTERNAL, "out of memory");
      goto done;
    }
  }
done:
  cn_free(used);
  return st;
}

/* The column's display format if it suits its storage type and version,
 * else Stata's default for that type (in buf). */
static const char *pick_format(const wctx *x, int j, char *buf, size_t n) {
  const char *fmt = x->t->cols[j]->format;
  const wcol *wc = &x->cols[j];
  bool text = wc->type == READSTAT_TYPE_STRING || wc->type == READSTAT_TYPE_STRING_REF;
  size_t maxlen = x->version < 105 ? 6 : x->version < 114 ? 11 : x->version < 118 ? 48 : 56;
  size_t len = fmt ? strlen(fmt) : 0;
  if (len >= 2 && len <= maxlen && fmt[0] == '%' && is_ascii(fmt, len)) {
    bool date = fmt[1] == 't' || (fmt[1] == '-' && fmt[2] == 't');
    if ((!date && fmt[len - 1] == 's') == text) return fmt;
  }
  switch (wc->type) {
    case READSTAT_TYPE_INT8:
    case READSTAT_TYPE_INT16: return "%8.0g";
    case READSTAT_TYPE_INT32: return "%12.0g";
    case READSTAT_TYPE_STRING:
      snprintf(buf, n, "%%-%zus", wc->width > 244 ? (size_t)244 : wc->width);
      return buf;
    case READSTAT_TYPE_STRING_REF: return "%9s";
    default: return wc->big ? "%20.0g" : "%10.0g";
  }
}

/* Sets the variable label, cut (with a warning) to the format's limit. */
static cn_status set_label(wctx *x, int j) {
  const cn_column *c = x->t->cols[j];
  if (!c->label || !*c->label) return CN_OK;
  char *owned = NULL;
  cn_status st = out_text(x, c->label, &owned, "the label", c->name);
  if (st != CN_OK) return st;
  const char *s = owned ? owned : c->label;
  size_t lim = x->version < 108 ? 31 : x->version < 118 ? 80 : 320;
  size_t n = strlen(s);
  char buf[324];
  if (n > lim) {
    n = lim;
    if (x->version >= 118)
      while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    cn__log(CN_LOG_WARN, "%s: the label of column \"%s\" is cut to %zu bytes, the limit of "
                         "Stata format %d", x->path, c->name, n, x->version);
  }
  memcpy(buf, s, n);
  buf[n] = '\0';
  readstat_variable_set_label(x->cols[j].var, buf);
  cn_free(owned);
  return CN_OK;
}

/* True when two columns have the same value labels, in the same order. */
static bool same_labels(const cn_column *a, const cn_column *b) {
  if (a->n_vl != b->n_vl) return false;
  for (int k = 0; k < a->n_vl; k++)
    if (a->vl_values[k] != b->vl_values[k] || strcmp(a->vl_labels[k], b->vl_labels[k]))
      return false;
  return true;
}

/* Writes the column's value labels (numeric columns; text columns lose
 * them with a warning). A set name already written is shared when the
 * labels are the same, else CN_EDATA. */
static cn_status set_value_labels(wctx *x, int j) {
  const cn_column *c = x->t->cols[j];
  wcol *wc = &x->cols[j];
  if (!c->n_vl) return CN_OK;
  if (wc->type == READSTAT_TYPE_STRING || wc->type == READSTAT_TYPE_STRING_REF) {
    cn__log(CN_LOG_WARN, "%s: value labels of column \"%s\" dropped: Stata labels numbers only",
            x->path, c->name);
    return CN_OK;
  }
  const char *set = c->vl_name && *c->vl_name ? c->vl_name : c->name;
  const char *why = name_problem(set, x->version);
  if (why)
    return cn_diag_at(x->d, CN_EDATA, x->path, 0, j + 1,
                      "the value-label set \"%s\" of column \"%s\" is not a valid Stata name: %s",
                      set, c->name, why);
  for (int s = 0; s < x->nsets; s++) {
    if (strcmp(x->sets[s].name, set)) continue;
    const cn_column *other = x->t->cols[x->sets[s].col];
    if (!same_labels(c, other))
      return cn_diag_at(x->d, CN_EDATA, x->path, 0, j + 1,
                        "columns \"%s\" and \"%s\" have different value labels under the one "
                        "name \"%s\"",
                        other->name, c->name, set);
    readstat_variable_set_label_set(wc->var, x->sets[s].ls);
    return CN_OK;
  }
  double lo = x->version < 105 ? 0 : -2147483647.0, hi = x->version < 105 ? 1024 : 2147483620.0;
  for (int k = 0; k < c->n_vl; k++) {
    double v = c->vl_values[k];
    if (!(v >= lo && v <= hi && v == floor(v)))
      return cn_diag_at(x->d, CN_EDATA, x->path, 0, j + 1,
                        "column \"%s\" has a value label for %.17g: Stata labels integers from "
                        "%.0f to %.0f only",
                        c->name, v, lo, hi);
  }
  readstat_label_set_t *ls = readstat_add_label_set(x->w, READSTAT_TYPE_INT32, set);
  if (!ls) return cn_diag_set(x->d, CN_EINTERNAL, "out of memory");
  for (int k = 0; k < c->n_vl; k++) {
    char *owned = NULL;
    cn_status st = out_text(x, c->vl_labels[k], &owned, "a value label", c->name);
    if (st != CN_OK) return st;
    readstat_label_int32_value(ls, (int32_t)c->vl_values[k], owned ? owned : c->vl_labels[k]);
    cn_free(owned);
  }
  x->sets[x->nsets].name = set;
  x->sets[x->nsets].col = j;
  x->sets[x->nsets++].ls = ls;
  readstat_variable_set_label_set(wc->var, ls);
  return CN_OK;
}

/* Plans column j and declares it to the writer with its labels and format. */
static cn_status add_column(wctx *x, int j) {
  const cn_column *c = x->t->cols[j];
  const char *why = name_problem(c->name, x->version);
  if (why) {
    cn_diag_at(x->d, CN_EDATA, x->path, 0, j + 1,
               "column \"%s\" is not a valid Stata variable name: %s", c->name, why);
    cn_diag_hint(x->d, "Stata names are letters, digits and _, not starting with a digit, "
                       "at most 32 characters; rename the column");
    return CN_EDATA;
  }
  cn_status st = c->type == CN_INT64    ? plan_int(x, j)
                 : c->type == CN_DOUBLE ? plan_double(x, j)
                                        : plan_string(x, j);
  if (st != CN_OK) return st;
  wcol *wc = &x->cols[j];
  wc->var = readstat_add_variable(x->w, c->name, wc->type,
                                  wc->type == READSTAT_TYPE_STRING ? wc->width : 0);
  if (!wc->var) return cn_diag_set(x->d, CN_EINTERNAL, "out of memory");
  char buf[16];
  readstat_variable_set_format(wc->var, pick_format(x, j, buf, sizeof buf));
  if ((st = set_label(x, j)) != CN_OK) return st;
  return set_value_labels(x, j);
}

/* Inserts cell (i, j) into the current row. */
static readstat_error_t insert_cell(wctx *x, int j, int64_t i) {
  const cn_column *c = x->t->cols[j];
  wcol *wc = &x->cols[j];
  readstat_variable_t *v = wc->var;
  if (cn_table_is_na(x->t, j, i)) {
    return wc->type == READSTAT_TYPE_STRING_REF ? readstat_insert_string_ref(x->w, v, x->empty)
                                                : readstat_insert_missing_value(x->w, v);
  }
  switch (wc->type) {
    case READSTAT_TYPE_INT8: return readstat_insert_int8_value(x->w, v, (int8_t)c->i64[i]);
    case READSTAT_TYPE_INT16: return readstat_insert_int16_value(x->w, v, (int16_t)c->i64[i]);
    case READSTAT_TYPE_INT32: return readstat_insert_int32_value(x->w, v, (int32_t)c->i64[i]);
    case READSTAT_TYPE_STRING:
    case READSTAT_TYPE_STRING_REF: {
      int32_t k = c->codes[i];
      const char *s = wc->text[k] ? wc->text[k] : c->levels.strs[k];
      return wc->type == READSTAT_TYPE_STRING ? readstat_insert_string_value(x->w, v, s)
                                              : readstat_insert_string_ref(x->w, v, wc->refs[k]);
    }
    default:
      return readstat_insert_double_value(x->w, v,
                                          c->type == CN_INT64 ? (double)c->i64[i] : c->dbl[i]);
  }
}

/* Writes t as a Stata file of version o->dta_version (0: 118; 104–119,
 * else CN_EUSAGE); see the top of this file for types and refusals
 * (CN_EDATA naming the column). path is replaced only when the whole file
 * is written; on error no file is left behind. */
cn_status cn_table_write_dta(const cn_table *t, const char *path, const cn_write_opts *o,
                             cn_diag *d) {
  wctx x;
  memset(&x, 0, sizeof x);
  x.t = t;
  x.path = path;
  x.d = d;
  x.version = o && o->dta_version ? o->dta_version : 118;
  x.cd = NO_ICONV;
  x.fd = -1;
  cn_output *out = NULL;
  cn_status st = CN_OK;
  cn_diag_clear(d);
  if (x.version < 104 || x.version > 119) {
    st = cn_diag_set(d, CN_EUSAGE, "Stata file version %d: coinnet writes 104 to 119",
                     x.version);
    goto done;
  }
  if (x.version < 118 && (x.cd = iconv_open("WINDOWS-1252", "UTF-8")) == NO_ICONV) {
    st = cn_diag_set(d, CN_EINTERNAL, "iconv cannot convert to Windows-1252");
    goto done;
  }
  x.cols = cn_calloc((size_t)t->ncol + 1, sizeof *x.cols);
  x.sets = cn_calloc((size_t)t->ncol + 1, sizeof *x.sets);
  x.w = readstat_writer_init();
  x.out = cn_malloc(RIO_BLOCK);
  if (!x.cols || !x.sets || !x.w || !x.out) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  readstat_set_data_writer(x.w, write_bytes);
  readstat_writer_set_file_format_version(x.w, (uint8_t)x.version);
  for (int j = 0; j < t->ncol; j++)
    if ((st = add_column(&x, j)) != CN_OK) goto done;

  /* written under a temporary name beside path, then put in place */
  if ((st = cn_output_open(path, 0, &out, d)) != CN_OK) goto done;
  x.fd = fileno(cn_output_file(out)); /* written by fd: the stream stays empty */
  readstat_error_t err = readstat_begin_writing_dta(x.w, &x, (long)t->nrow);
  for (int64_t i = 0; err == READSTAT_OK && i < t->nrow; i++) {
    err = readstat_begin_row(x.w);
    for (int j = 0; err == READSTAT_OK && j < t->ncol; j++) err = insert_cell(&x, j, i);
    if (err == READSTAT_OK) err = readstat_end_row(x.w);
    if ((i & 0xFFFF) == 0) cn__progress(path, (double)i, (double)t->nrow);
  }
  if (err == READSTAT_OK) err = readstat_end_writing(x.w);
  if (err == READSTAT_OK && !flush_out(&x)) err = READSTAT_ERROR_WRITE;
  if (err != READSTAT_OK) {
    /* a full or failing disk is the output's fault: exit 4 with its path */
    st = x.werr ? cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", strerror(x.werr))
                : cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write the Stata file: %s",
                             readstat_error_message(err));
    goto done;
  }
  x.fd = -1;
  st = cn_output_commit(out, d); /* closes the fd */
  out = NULL;
  if (st != CN_OK) goto done;
  cn__progress(path, (double)t->nrow, (double)t->nrow);
done:
  cn_output_discard(out);
  cn_free(x.out);
  if (x.w) readstat_writer_free(x.w);
  if (x.cd != NO_ICONV) iconv_close(x.cd);
  for (int j = 0; x.cols && j < t->ncol; j++) {
    const cn_column *c = t->cols[j];
    for (size_t k = 0; x.cols[j].text && k < c->levels.n; k++) cn_free(x.cols[j].text[k]);
    cn_free(x.cols[j].text);
    cn_free(x.cols[j].refs);
  }
  cn_free(x.cols);
  cn_free(x.sets);
  return st;
}
