/* lib/table/csv.c — streaming CSV/TSV reader and writer.
 *
 * Reading follows RFC 4180 (quoted fields with doubled quotes, separators and
 * newlines inside quotes) and also accepts a UTF-8 byte-order mark, CRLF or
 * CR line ends, and a final line without a newline. The file is read in
 * chunks, so memory holds the table plus one chunk.
 *
 * Column types are inferred from the values: a column is int64 while every
 * value is an integer that fits, double once a value has a fraction or an
 * exponent, and text as soon as one value is not a number. Numbers written
 * with a leading zero ("007", "0101") and integers too long for int64 make
 * the column text, so that codes such as HS products and IDs keep their
 * digits; the second case is told in a note naming the cell (a user who
 * expected a number learns why, and where). Missing: empty fields and the
 * NA tokens ("NA", "." by default). Turning a column into text needs the
 * fields already read, so the reader starts over with the new plan (at most
 * once per column): each pass opens the file afresh and decodes it from its
 * first byte. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "table_int.h"

#define CHUNK (4u << 20)
#define CSV_MIN_CHUNK ((size_t)1 << 20) /* the least a reading thread gets */

/* ---- byte source: a file, optionally converted to UTF-8 by iconv ---- */

typedef struct source {
  int fd;
  iconv_t cd;      /* (iconv_t)-1 when the file is UTF-8 */
  char *raw;       /* undecoded bytes waiting for iconv */
  size_t raw_len, raw_cap;
  int raw_eof;
  int64_t consumed; /* bytes of the file read so far, for progress */
  int64_t size;
} source;

/* Reads up to n bytes of UTF-8 into out; returns the count, 0 at the end,
 * -1 on a read error, -2 on an undecodable byte sequence. */
static ssize_t source_read(source *s, char *out, size_t n) {
  if (s->cd == (iconv_t)-1) {
    ssize_t k;
    do k = read(s->fd, out, n);
    while (k < 0 && errno == EINTR);
    if (k > 0) s->consumed += k;
    return k;
  }
  for (;;) {
    if (!s->raw_eof && s->raw_len < s->raw_cap / 2) {
      ssize_t k;
      do k = read(s->fd, s->raw + s->raw_len, s->raw_cap - s->raw_len);
      while (k < 0 && errno == EINTR);
      if (k < 0) return -1;
      if (k == 0) s->raw_eof = 1;
      s->raw_len += (size_t)k;
      s->consumed += k;
    }
    if (s->raw_len == 0) return 0;
    char *in = s->raw, *o = out;
    size_t inleft = s->raw_len, outleft = n;
    size_t r = iconv(s->cd, &in, &inleft, &o, &outleft);
    int err = r == (size_t)-1 ? errno : 0;
    memmove(s->raw, in, inleft);
    s->raw_len = inleft;
    size_t produced = n - outleft;
    if (produced) return (ssize_t)produced;
    if (err == EILSEQ) return -2;
    if (err == EINVAL && s->raw_eof) return -2; /* truncated sequence at end */
    if (err == E2BIG) return -1;                 /* n too small: cannot happen */
    if (s->raw_eof && s->raw_len == 0) return 0;
  }
}

/* ---- parsing state ---- */

typedef struct field {
  const char *p;
  size_t n;
  int quoted;   /* enclosed in quotes */
  int escaped;  /* contains doubled quotes to undo */
  int64_t line; /* where the field starts */
  const char *line_start;
} field;

typedef struct reader {
  const char *name; /* for messages */
  const cn_read_opts *o;
  char sep;
  cn_diag *d;
  source src;
  char *buf;
  size_t cap, len, pos; /* buffer, bytes in it, parse position */
  char *map;            /* the file mapped whole (then buf == map), or NULL */
  int one_thread;       /* a parallel pass could not be trusted: read on one */
  int eof;
  int64_t line;           /* line number at buf + pos */
  const char *line_start; /* start of the current line inside buf */
  field *f;
  size_t fcap;
  unsigned char stop[256]; /* 1 for the separator, CR and LF */
  cn_buf scratch;
  cn_buf notes; /* NUL-terminated notes, given once the table is read */
} reader;

/* Refills the buffer keeping bytes from `keep` on; returns 1 when more bytes
 * came, 0 at end of input, a negative cn_status on error. */
static int refill(reader *r, size_t keep) {
  if (r->eof) return 0;
  size_t tail = r->len - keep;
  size_t ls = r->line_start && r->line_start >= r->buf + keep
                  ? (size_t)(r->line_start - r->buf) - keep
                  : 0;
  memmove(r->buf, r->buf + keep, tail);
  r->len = tail;
  r->pos -= keep;
  r->line_start = r->buf + ls;
  if (r->len > r->cap / 2) { /* keep at least half of the buffer free */
    size_t nc = r->cap * 2;
    char *nb = cn_realloc(r->buf, nc + 1);
    if (!nb) return -(int)cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
    r->line_start = nb + (r->line_start - r->buf);
    r->buf = nb;
    r->cap = nc;
  }
  ssize_t k = source_read(&r->src, r->buf + r->len, r->cap - r->len);
  if (k == -2) {
    int64_t line = r->line;
    for (size_t i = r->pos; i < r->len; i++)
      if (r->buf[i] == '\n') line++;
    return -(int)cn_diag_at(r->d, CN_EDATA, r->name, line, 0,
                            "cannot decode the text as %s", r->o->encoding);
  }
  if (k < 0)
    return -(int)cn_diag_at(r->d, CN_EINTERNAL, r->name, 0, 0, "read error: %s",
                            strerror(errno));
  if (k == 0) {
    r->eof = 1;
    return 0;
  }
  r->len += (size_t)k;
  r->buf[r->len] = '\0';
  if (r->src.size > 0) cn__progress(r->name, (double)r->src.consumed, (double)r->src.size);
  return 1;
}

static int64_t col_of(const char *line_start, const char *p) {
  return cn__utf8_chars(line_start, (size_t)(p - line_start)) + 1;
}

/* Fills d with an error located at p on `line`, with the line as snippet. */
static cn_status error_at(reader *r, int64_t line, const char *line_start,
                          const char *p, const char *fmt, const char *arg) {
  cn_diag_at(r->d, CN_EDATA, r->name, line, col_of(line_start, p), fmt, arg);
  const char *e = line_start;
  const char *end = r->buf + r->len;
  while (e < end && *e != '\n' && *e != '\r') e++;
  if (cn__utf8_valid(line_start, (size_t)(e - line_start)) == (size_t)(e - line_start))
    cn_diag_snippet(r->d, line_start, (size_t)(e - line_start), col_of(line_start, p));
  return CN_EDATA;
}

/* The first separator, CR or LF in q[0..end), or end: 16 bytes at a time
 * with SSE2 (baseline on x86-64), 8 at a time as a 64-bit word elsewhere on
 * little-endian machines, the stop table for the tail. */
static inline const char *scan_plain(const char *q, const char *end, char sep,
                                     const unsigned char *stop) {
#if defined(__SSE2__)
  const __m128i vs = _mm_set1_epi8(sep), vn = _mm_set1_epi8('\n'),
                vr = _mm_set1_epi8('\r');
  while (end - q >= 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vs), _mm_cmpeq_epi8(x, vn)),
                             _mm_cmpeq_epi8(x, vr));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (bits) return q + __builtin_ctz(bits);
    q += 16;
  }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  const uint64_t ws = ones * (unsigned char)sep, wn = ones * '\n', wr = ones * '\r';
  while (end - q >= 8) {
    uint64_t x, a, b, c;
    memcpy(&x, q, 8);
    a = x ^ ws;
    b = x ^ wn;
    c = x ^ wr;
    /* a zero byte of a, b or c is a stop byte; the lowest flag is exact */
    uint64_t z = ((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c);
    z &= highs;
    if (z) return q + (__builtin_ctzll(z) >> 3);
    q += 8;
  }
#endif
  while (q < end && !stop[(unsigned char)*q]) q++;
  return q;
}

/* Splits one record at buf + pos into r->f. Returns the field count, 0 when
 * the input is exhausted, -1 when the record is incomplete (needs more
 * bytes), or -2 with r->d filled on a syntax error. On success pos and line
 * move past the record. */
static int64_t split_record(reader *r) {
  const char *p = r->buf + r->pos, *end = r->buf + r->len;
  int64_t line = r->line;
  const char *ls = r->line_start;
  size_t nf = 0;
  const char sep = r->sep;
  if (p >= end) return r->eof ? 0 : -1;
  for (;;) {
    if (nf == r->fcap) {
      if (!cn__grow((void **)&r->f, &r->fcap, nf + 1, sizeof *r->f)) {
        cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
        return -2;
      }
    }
    field *f = &r->f[nf++];
    f->line = line;
    f->line_start = ls;
    f->quoted = f->escaped = 0;
    if (p < end && *p == '"') {
      const char *q = p + 1;
      f->quoted = 1;
      for (;;) {
        const char *z = memchr(q, '"', (size_t)(end - q));
        if (!z) {
          if (!r->eof) return -1;
          error_at(r, f->line, f->line_start, p, "unterminated quoted field%s",
                   " (the quote opened here is never closed)");
          return -2;
        }
        if (z + 1 >= end && !r->eof) return -1;
        if (z + 1 < end && z[1] == '"') {
          f->escaped = 1;
          q = z + 2;
          continue;
        }
        /* count the lines inside the quotes */
        for (const char *c = p + 1; c < z; c++) {
          if (*c == '\n' || (*c == '\r' && c[1] != '\n')) {
            line++;
            ls = c + 1;
          }
        }
        f->p = p + 1;
        f->n = (size_t)(z - p - 1);
        p = z + 1;
        break;
      }
      if (p < end && *p != sep && *p != '\n' && *p != '\r') {
        error_at(r, line, ls, p, "unexpected character after a closing quote%s",
                 " (a quote inside a quoted field is written as \"\")");
        return -2;
      }
    } else {
      const char *q = scan_plain(p, end, sep, r->stop);
      f->p = p;
      f->n = (size_t)(q - p);
      p = q;
    }
    if (p >= end) {
      if (!r->eof) return -1;
      break; /* last record without a newline */
    }
    if (*p == sep) {
      p++;
      continue;
    }
    /* end of line */
    if (*p == '\r') {
      if (p + 1 >= end && !r->eof) return -1;
      if (p + 1 < end && p[1] == '\n') p++;
    }
    p++;
    break;
  }
  r->pos = (size_t)(p - r->buf);
  r->line = line + 1;
  r->line_start = p;
  return (int64_t)nf;
}

/* Undoes doubled quotes in a quoted field; returns the text to use. */
static const char *field_text(reader *r, const field *f, size_t *n) {
  if (!f->escaped) {
    *n = f->n;
    return f->p;
  }
  r->scratch.len = 0;
  if (!cn__buf_reserve(&r->scratch, f->n)) return NULL;
  char *o = r->scratch.data;
  for (size_t i = 0; i < f->n; i++) {
    *o++ = f->p[i];
    if (f->p[i] == '"') i++;
  }
  *n = (size_t)(o - r->scratch.data);
  return r->scratch.data;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* A number written with a leading zero ("007"), which the reader keeps as
 * text so that codes do not lose digits. "0", "0.5", "-0.25" are numbers. */
static bool leading_zero(const char *s, size_t n) {
  size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  return i + 1 < n && s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9';
}

/* Ascii digits only, possibly signed: an integer too long for int64 is
 * such a token that cn__parse_int64 refused. */
static bool all_digits(const char *s, size_t n) {
  size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == n) return false;
  for (; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int cn__text_kind(const char *s, size_t n, int64_t *iv, double *dv) {
  if (leading_zero(s, n)) return CN__TEXT_STR;
  if (cn__parse_int64(s, n, iv)) return CN__TEXT_INT;
  if (all_digits(s, n)) return CN__TEXT_BIGINT;
  if (cn__parse_double(s, n, dv)) return CN__TEXT_DBL;
  return CN__TEXT_STR;
}

/* Records the note that column `col` is text because the field f holds
 * s[0..n), an integer too long for int64: the digits are kept rather than
 * rounded to a double, and the user learns which cell decided it. The note
 * is given only when the read succeeds (a later pass does not see the cell
 * again: the column is text from its start then). */
static cn_status note_big_int(reader *r, const char *col, const field *f,
                              const char *s, size_t n) {
  int shown = n > 40 ? 37 : (int)n;
  cn__buf_printf(&r->notes,
                 "%s:%lld:%lld: column \"%s\" is read as text: %.*s%s is an "
                 "integer too long for 64 bits, kept with all its digits "
                 "(a double would round it)",
                 r->name, (long long)f->line, (long long)col_of(f->line_start, s),
                 col, shown, s, n > 40 ? "..." : "");
  cn__buf_append(&r->notes, "", 1);
  return r->notes.failed ? cn_diag_set(r->d, CN_EINTERNAL, "out of memory") : CN_OK;
}

/* Records the note that column `col`, whose `nums` values above were
 * numbers, is text because the field f holds s[0..n), which is not a number
 * ("1,234", "n/a", "12%"): without it a user meets the column only later,
 * as text where a regression wanted a number, and does not learn which cell
 * did it. Like note_big_int, it is given when the read succeeds. */
static cn_status note_not_number(reader *r, const char *col, const field *f,
                                 const char *s, size_t n, int64_t nums) {
  size_t ok = cn__utf8_valid(s, n > 40 ? 40 : n); /* show whole characters only */
  cn__buf_printf(&r->notes,
                 "%s:%lld:%lld: column \"%s\" is read as text: \"%.*s%s\" is not a "
                 "number (after %lld number%s in that column); 'coinnet data "
                 "destring' converts such text, --na names missing codes",
                 r->name, (long long)f->line, (long long)col_of(f->line_start, s),
                 col, (int)ok, s, ok < n ? "..." : "", (long long)nums,
                 nums == 1 ? "" : "s");
  cn__buf_append(&r->notes, "", 1);
  return r->notes.failed ? cn_diag_set(r->d, CN_EINTERNAL, "out of memory") : CN_OK;
}

typedef struct na_set {
  const char *const *tok;
  size_t *len;
  int n;
} na_set;

static bool is_na(const na_set *na, const char *s, size_t n) {
  if (n == 0) return true;
  for (int i = 0; i < na->n; i++)
    if (na->len[i] == n && memcmp(na->tok[i], s, n) == 0) return true;
  return false;
}

static const char *const default_na[] = {"", "NA", "."};

static bool wants_string(const cn_read_opts *o, const char *name) {
  for (int i = 0; i < o->n_string_cols; i++)
    if (strcmp(o->string_cols[i], name) == 0) return true;
  return false;
}

/* Checks that a new string level is valid UTF-8; fills d otherwise. */
static cn_status check_utf8(reader *r, const field *f, const char *s, size_t n) {
  size_t bad = cn__utf8_valid(s, n);
  const char *nul = memchr(s, '\0', bad);
  if (nul) {
    const char *at = f->escaped ? f->p : f->p + (nul - s);
    return cn_diag_at(r->d, CN_EDATA, r->name, f->line, col_of(f->line_start, at),
                      "a NUL byte inside text: this looks like a binary file, "
                      "or UTF-16 text");
  }
  if (bad == n) return CN_OK;
  /* locate the byte in the line: field text starts at f->p for unescaped */
  const char *at = f->escaped ? f->p : f->p + bad;
  int64_t line = f->line;
  const char *ls = f->line_start;
  for (const char *c = f->p; c < at; c++)
    if (*c == '\n') {
      line++;
      ls = c + 1;
    }
  char bytes[32] = "";
  const unsigned char *b = (const unsigned char *)s + bad;
  size_t k = n - bad < 2 ? n - bad : 2;
  for (size_t i = 0; i < k; i++)
    snprintf(bytes + strlen(bytes), sizeof bytes - strlen(bytes), "%s0x%02X",
             i ? " " : "", b[i]);
  cn_diag_at(r->d, CN_EDATA, r->name, line, col_of(ls, at),
             "invalid UTF-8 (bytes %s): the file is not UTF-8 text", bytes);
  cn_diag_hint(r->d, "if it is Chinese text from a GB18030/GBK export, read it "
                     "with --encoding gb18030");
  return CN_EDATA;
}

/* Opens path for one pass. Every field of the source starts afresh: a pass
 * that follows another (a column turned text) must read from byte 0 with no
 * undecoded bytes, no end-of-file flag and a new conversion state, not the
 * counts the previous pass left behind. */
static cn_status open_source(reader *r, const char *path) {
  r->src = (source){.fd = -1, .cd = (iconv_t)-1};
  r->src.fd = open(path, O_RDONLY);
  if (r->src.fd < 0)
    return cn_diag_at(r->d, CN_EDATA, r->name, 0, 0, "cannot open: %s",
                      strerror(errno));
  struct stat st;
  if (fstat(r->src.fd, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return cn_diag_at(r->d, CN_EDATA, r->name, 0, 0,
                        "is a directory, not a data file");
    if (S_ISREG(st.st_mode)) r->src.size = st.st_size;
  }
  const char *enc = r->o->encoding;
  if (enc && strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0) {
    const char *from = NULL;
    if (!strcasecmp(enc, "gb18030")) from = "GB18030";
    else if (!strcasecmp(enc, "gbk") || !strcasecmp(enc, "gb2312")) from = "GBK";
    else if (!strcasecmp(enc, "latin1") || !strcasecmp(enc, "iso-8859-1")) from = "ISO-8859-1";
    else if (!strcasecmp(enc, "cp1252") || !strcasecmp(enc, "windows-1252")) from = "CP1252";
    if (!from)
      return cn_diag_set(r->d, CN_EUSAGE,
                         "unknown encoding \"%s\" (use utf-8, gb18030, gbk, "
                         "latin1 or cp1252)", enc);
    r->src.cd = iconv_open("UTF-8", from);
    if (r->src.cd == (iconv_t)-1)
      return cn_diag_set(r->d, CN_EINTERNAL, "iconv cannot convert from %s", from);
    r->src.raw_cap = r->src.size > 0 && r->src.size < CHUNK ? (size_t)r->src.size + 64 : CHUNK;
    r->src.raw = cn_malloc(r->src.raw_cap);
    if (!r->src.raw) return cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
  }
  return CN_OK;
}

static void close_source(reader *r) {
  if (r->src.fd >= 0) close(r->src.fd);
  if (r->src.cd != (iconv_t)-1) iconv_close(r->src.cd);
  cn_free(r->src.raw);
  r->src.fd = -1;
  r->src.cd = (iconv_t)-1;
  r->src.raw = NULL;
}

/* Picks the separator of a .txt file from its first line: tab, then comma,
 * semicolon, pipe, whichever occurs (outside quotes) the most. */
static char sniff_sep(const char *p, size_t n) {
  const char cands[] = {'\t', ',', ';', '|'};
  size_t best = 0;
  char sep = ',';
  for (int c = 0; c < 4; c++) {
    size_t k = 0;
    int inq = 0;
    for (size_t i = 0; i < n && (inq || (p[i] != '\n' && p[i] != '\r')); i++) {
      if (p[i] == '"') inq = !inq;
      else if (!inq && p[i] == cands[c]) k++;
    }
    if (k > best) {
      best = k;
      sep = cands[c];
    }
  }
  return sep;
}

/* ---- one pass: the records parsed by chunks ---- */

enum { NOTE_BIG_INT = 1, NOTE_NOT_NUMBER };

/* A cell that made its column text, kept until the pass knows the cell's
 * line in the whole file, the column's type a one-thread read has there and
 * how many numbers the column held above it. */
typedef struct pending {
  int col;
  field f;
  const char *s; /* the value, blanks trimmed */
  size_t n;
} pending;

/* The note a one-thread read gives for the value s[0..n) that made a column
 * of type `type` text after `nums` numbers: NOTE_BIG_INT, NOTE_NOT_NUMBER
 * or 0 (none: a number with a leading zero, kept as a code). */
static int note_kind(cn_type type, const char *s, size_t n, int64_t nums) {
  bool digits = all_digits(s, n), lz = leading_zero(s, n);
  if (type == CN_INT64) {
    if (digits && !lz) return NOTE_BIG_INT;
    return !digits && !lz && nums > 0 ? NOTE_NOT_NUMBER : 0;
  }
  double x;
  int64_t iv;
  if (cn__parse_double(s, n, &x))
    return !lz && digits && !cn__parse_int64(s, n, &iv) ? NOTE_BIG_INT : 0;
  return nums > 0 ? NOTE_NOT_NUMBER : 0;
}

/* One worker's share of a pass: the records that start in [begin, end) of
 * the buffer, parsed into its own columns (the first chunk's columns are the
 * table's). A chunk stops at the first error or at the first row that makes
 * a column text. It owns cols (but the first chunk's), to_text, nums, notes
 * and its reader's field array and scratch; the buffer is shared. */
typedef struct chunk {
  reader r;     /* its own position, fields and scratch */
  cn_diag d;    /* diagnostics of a chunk on another thread */
  size_t begin, end;
  double est_bytes; /* bytes the rows are expected to span; 0: unknown */
  int64_t fixed_cap; /* > 0: the columns hold this many rows already (a
                      * parallel read: at least the lines of the chunk) */
  int borrowed;      /* the value arrays are views into the table's columns */
  int overflow;      /* more records than fixed_cap (cannot happen with
                      * records ending in '\n'): the read goes one thread */
  int ncol;
  cn_column **cols;
  const na_set *na;
  unsigned char *to_text; /* columns a value of this chunk made text */
  int64_t *nums;          /* per column: numbers read */
  pending *notes;
  size_t nnotes, capnotes;
  int64_t nrow, blank;
  int restart;  /* a column turned text on the chunk's last row */
  int negzero;  /* an integer column read "-0" (a double column gives -0.0) */
  double prog_total, prog_scale; /* progress: bytes in all, per byte here */
  int progress; /* reports progress (the calling thread's chunk) */
  cn_status st;
} chunk;

/* Keeps a note for later; false when out of memory. */
static bool add_pending(chunk *c, int col, const field *f, const char *s, size_t n) {
  if (!cn__grow((void **)&c->notes, &c->capnotes, c->nnotes + 1, sizeof *c->notes))
    return false;
  c->notes[c->nnotes++] = (pending){col, *f, s, n};
  return true;
}

/* Gives the pages of the mapped file that lie wholly inside [from, to)
 * back to the system: the rows there are parsed, and a page read again
 * (a pass after this one) comes back from the file. Keeps the process's
 * memory near the table's size rather than table plus file. */
static void release_mapped(const reader *r, size_t from, size_t to) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  uintptr_t a = ((uintptr_t)(r->buf + from) + pg - 1) / pg * pg;
  uintptr_t z = (uintptr_t)(r->buf + to) / pg * pg;
  if (z > a) madvise((void *)a, z - a, MADV_DONTNEED);
}

/* Parses the chunk's records into its columns: c->st, c->nrow, c->blank,
 * c->restart and the counts are set; the reader ends after the last record. */
static void parse_rows(chunk *c) {
  reader *r = &c->r;
  const na_set *na = c->na;
  const int ncol = c->ncol;
  cn_column **cols = c->cols;
  int64_t *nums = c->nums;
  cn_status st = CN_OK;
  size_t cap = c->fixed_cap > 0 ? (size_t)c->fixed_cap : 0;
  bool estimated = false;
  int64_t nrow = 0, blank = 0;
  size_t prog_at = c->begin;
  for (;;) {
    if (r->pos >= c->end) break;
    int64_t nf = split_record(r);
    if (nf == -1) {
      int k = refill(r, r->pos); /* keep the incomplete record */
      if (k < 0) {
        st = (cn_status)-k;
        goto done;
      }
      continue;
    }
    if (nf == -2) {
      st = r->d->code;
      goto done;
    }
    if (nf == 0) break;
    if (nf == 1 && ncol > 1 && r->f[0].n == 0 && !r->f[0].quoted) {
      blank++;
      continue;
    }
    if (nf != ncol) {
      const field *f = &r->f[nf > ncol ? ncol : nf - 1];
      const char *at = nf > ncol ? f->p - (f->quoted ? 1 : 0) : f->p + f->n;
      char what[96];
      snprintf(what, sizeof what, "expected %d fields as in the header, found %lld",
               ncol, (long long)nf);
      error_at(r, f->line, f->line_start, at, "%s", what);
      st = CN_EDATA;
      goto done;
    }
    if ((size_t)nrow == cap && c->fixed_cap > 0) {
      c->overflow = 1;
      break;
    }
    if ((size_t)nrow == cap) {
      size_t want = cap ? cap * 2 : 1024;
      double used = r->pos > c->begin ? (double)(r->pos - c->begin) : 0;
      if (!estimated && nrow > 0 && c->est_bytes > 0 && used > 0) {
        /* guess the row count from the bytes per row so far */
        double bytes_per_row = used / (double)(nrow + 1);
        double guess = c->est_bytes / bytes_per_row * 1.05 + 1024;
        if (guess > (double)want && guess < 4e9) want = (size_t)guess;
        estimated = true;
      }
      for (int j = 0; j < ncol; j++)
        if (cols[j] && !cn__col_reserve(cols[j], (int64_t)want)) {
          st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
          goto done;
        }
      cap = want;
    }
    for (int j = 0; j < ncol; j++) {
      const field *f = &r->f[j];
      cn_column *col = cols[j];
      if (!col) continue; /* a column not read (cn_read_opts.keep) */
      const char *s = f->p;
      size_t n = f->n;
      if (col->type == CN_STRING) {
        if (!(s = field_text(r, f, &n))) {
          st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
          goto done;
        }
        if (is_na(na, s, n)) {
          col->codes[nrow] = CN_NA_CODE;
          continue;
        }
        size_t before = col->levels.n;
        int32_t code = cn__col_level(col, s, n);
        if (code < 0) {
          st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
          goto done;
        }
        if (col->levels.n != before && (st = check_utf8(r, f, s, n)) != CN_OK) goto done;
        col->codes[nrow] = code;
        continue;
      }
      if (f->escaped) goto to_string;
      if (r->sep != '\t') {
        while (n && is_blank(s[n - 1])) n--;
        while (n && is_blank(*s)) s++, n--;
      }
      if (col->type == CN_INT64) {
        int64_t v;
        if (cn__parse_int64(s, n, &v)) {
          if (leading_zero(s, n)) goto to_string;
          if (v == 0 && *s == '-') c->negzero = 1;
          col->i64[nrow] = v;
          nums[j]++;
          continue;
        }
        if (is_na(na, s, n)) {
          col->i64[nrow] = CN_NA_INT64;
          continue;
        }
        double x;
        if (!all_digits(s, n) && !leading_zero(s, n) && cn__parse_double(s, n, &x)) {
          cn__col_to_double(col, nrow);
          col->dbl[nrow] = x;
          nums[j]++;
          continue;
        }
      } else {
        double x;
        if (cn__parse_double(s, n, &x)) {
          int64_t iv;
          if (!leading_zero(s, n) && !(all_digits(s, n) && !cn__parse_int64(s, n, &iv))) {
            col->dbl[nrow] = x;
            nums[j]++;
            continue;
          }
        } else if (is_na(na, s, n)) {
          col->dbl[nrow] = NAN;
          continue;
        }
      }
    to_string:
      if (!f->escaped && !add_pending(c, j, f, s, n)) {
        st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      c->to_text[j] = 1;
      c->restart = 1;
    }
    nrow++;
    if (c->restart) break; /* every column that changes on this row is marked */
    if ((nrow & (CN__PLAIN_MIN_ROWS - 1)) == 0)
      for (int j = 0; j < ncol; j++)
        if (cols[j]) cn__col_check_plain(cols[j], nrow);
    if (r->map && r->pos - prog_at >= CHUNK) { /* as often as a streaming read */
      prog_at = r->pos;
      release_mapped(r, c->begin, (size_t)(r->line_start - r->buf));
      if (!c->progress) continue;
      double done = (double)(r->pos - c->begin) * c->prog_scale;
      cn__progress(r->name, done < c->prog_total ? done : c->prog_total, c->prog_total);
    }
  }
done:
  c->st = st;
  c->nrow = nrow;
  c->blank = blank;
}

/* Gives the chunk's notes as a one-thread read does, in the order of the
 * cells: lines shifted by line_off, numbers above counted with those of
 * nums_before (NULL: none), a column double where dbl_before says so
 * (NULL: none) or where the chunk made it double. */
static cn_status emit_notes(reader *r, const chunk *c, int64_t line_off,
                            const int64_t *nums_before, const unsigned char *dbl_before) {
  cn_status st = CN_OK;
  for (size_t i = 0; i < c->nnotes && st == CN_OK; i++) {
    const pending *p = &c->notes[i];
    const cn_column *col = c->cols[p->col];
    field f = p->f;
    f.line += line_off;
    int64_t nums = c->nums[p->col] + (nums_before ? nums_before[p->col] : 0);
    cn_type type = col->type == CN_DOUBLE || (dbl_before && dbl_before[p->col])
                       ? CN_DOUBLE
                       : CN_INT64;
    int kind = note_kind(type, p->s, p->n, nums);
    if (kind == NOTE_BIG_INT)
      st = note_big_int(r, col->name, &f, p->s, p->n);
    else if (kind == NOTE_NOT_NUMBER)
      st = note_not_number(r, col->name, &f, p->s, p->n, nums);
  }
  return st;
}

/* Releases what a chunk owns (not the table's columns, when owns_cols is
 * 0) and leaves it empty. */
static void chunk_free(chunk *c, int owns_cols) {
  for (int j = 0; owns_cols && c->cols && j < c->ncol; j++) {
    if (c->borrowed && c->cols[j]) { /* the values belong to the table's column */
      c->cols[j]->dbl = NULL;
      c->cols[j]->i64 = NULL;
      c->cols[j]->codes = NULL;
    }
    cn__col_free(c->cols[j]);
  }
  if (owns_cols) cn_free(c->cols);
  cn_free(c->to_text);
  cn_free(c->nums);
  cn_free(c->notes);
  cn_free(c->r.f);
  cn__buf_free(&c->r.scratch);
  c->cols = NULL;
  c->to_text = NULL;
  c->nums = NULL;
  c->notes = NULL;
  c->r.f = NULL;
}

/* Sets up chunk c over [begin, end) of r's buffer, starting at `line`, with
 * the given columns (NULL: new ones of its own, typed by plan). */
static cn_status chunk_init(chunk *c, const reader *r, const na_set *na, int ncol,
                            cn_column **cols, cn_column *const *names,
                            const unsigned char *plan, size_t begin, size_t end,
                            int64_t line) {
  memset(c, 0, sizeof *c);
  c->r = *r;
  c->r.f = NULL;
  c->r.fcap = 0;
  c->r.scratch = (cn_buf){0};
  c->r.notes = (cn_buf){0};
  c->r.pos = begin;
  c->r.line = line;
  c->r.line_start = r->buf + begin;
  c->begin = begin;
  c->end = end;
  c->ncol = ncol;
  c->na = na;
  c->to_text = cn_calloc((size_t)ncol, 1);
  c->nums = cn_calloc((size_t)ncol, sizeof *c->nums);
  if (!c->to_text || !c->nums) return CN_EINTERNAL;
  if (cols) {
    c->cols = cols;
    return CN_OK;
  }
  c->cols = cn_calloc((size_t)ncol, sizeof *c->cols);
  if (!c->cols) return CN_EINTERNAL;
  for (int j = 0; j < ncol; j++)
    if (names[j] && !(c->cols[j] = cn__col_new(names[j]->name, plan[j] ? CN_STRING : CN_INT64)))
      return CN_EINTERNAL;
  return CN_OK;
}

static void *chunk_thread(void *arg) {
  parse_rows(arg);
  return NULL;
}

/* Moves the n rows of src, whose values lie in dst's own array at or after
 * row `at` (a chunk of a parallel read), to rows at..at+n of dst (same
 * column, both of the final type); text is recoded into dst's levels.
 * src keeps no values after. False when out of memory. */
static bool col_join(cn_column *dst, int64_t at, cn_column *src, int64_t n) {
  if (dst->type == CN_DOUBLE) {
    if (dst->dbl + at != src->dbl) memmove(dst->dbl + at, src->dbl, (size_t)n * sizeof *dst->dbl);
  } else if (dst->type == CN_INT64) {
    if (dst->i64 + at != src->i64) memmove(dst->i64 + at, src->i64, (size_t)n * sizeof *dst->i64);
  } else {
    /* levels of src in their order of first appearance: interned into a
     * dictionary they come out as a one-thread read gives them; if either
     * side is a plain list, the result is one too (equal texts may then
     * have several codes, which every reader of a column allows). Row i
     * is read before row at + i <= i of src's place is written. */
    cn_strmap *m = &src->levels;
    int32_t *remap = cn_malloc((m->n ? m->n : 1) * sizeof *remap);
    if (!remap) return false;
    if (m->plain && !dst->levels.plain) cn__strmap_unindex(&dst->levels);
    for (size_t k = 0; k < m->n; k++) {
      int32_t id = cn__col_level(dst, m->strs[k], m->lens[k]);
      if (id < 0) {
        cn_free(remap);
        return false;
      }
      remap[k] = id;
    }
    for (int64_t i = 0; i < n; i++) {
      int32_t k = src->codes[i];
      dst->codes[at + i] = k == CN_NA_CODE ? CN_NA_CODE : remap[k];
    }
    cn_free(remap);
  }
  src->dbl = NULL;
  src->i64 = NULL;
  src->codes = NULL;
  cn__strmap_free(&src->levels);
  memset(&src->levels, 0, sizeof src->levels);
  return true;
}

/* The newlines in p[0..n): at least the records that start there, less
 * one for a last record without its newline. */
static int64_t count_lines(const char *p, size_t n) {
  int64_t k = 0;
  const char *e = p + n;
  while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) k++, p++;
  return k;
}

/* Parses the records of r's buffer (the whole file, mapped) from r->pos on
 * nth threads, into the table's columns cols (and plan[] / *restart as a
 * one-thread pass sets them). The buffer is cut after a newline near each
 * nth part; a chunk that ends exactly where the next one starts proves that
 * start a record boundary, so the chunks together read what one thread
 * reads. *used = 0 when that does not hold (a quoted field across a cut, an
 * error to be told with its exact line, "-0" read in a column that a
 * one-thread read has as double there): the caller reads on one thread.
 * Every chunk writes its rows straight into the table's columns, sized
 * before by the lines of each chunk: chunk i from the lines of the chunks
 * before it on, moved down over the rows that blank lines (or newlines in
 * quotes) left empty when they are joined; nothing is copied otherwise. */
static cn_status parse_parallel(reader *r, const na_set *na, int ncol, cn_column **cols,
                                unsigned char *plan, int nth, int64_t *nrow_out,
                                int64_t *blank_out, int *restart, int *used) {
  cn_status st = CN_OK;
  chunk *ch = cn_calloc((size_t)nth, sizeof *ch);
  size_t *b = cn_calloc((size_t)nth + 1, sizeof *b);
  pthread_t *tid = cn_calloc((size_t)nth, sizeof *tid);
  unsigned char *started = cn_calloc((size_t)nth, 1), *dbl = cn_calloc((size_t)ncol, 1);
  int64_t *nums = cn_calloc((size_t)ncol, sizeof *nums);
  int nch = 0;
  *used = 0;
  if (!ch || !b || !tid || !started || !dbl || !nums) {
    st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  b[0] = r->pos;
  b[nth] = r->len;
  for (int i = 1; i < nth; i++) {
    size_t guess = b[0] + (size_t)((double)(r->len - b[0]) * i / nth);
    const char *nl = guess < r->len ? memchr(r->buf + guess, '\n', r->len - guess) : NULL;
    if (!nl) goto done;
    b[i] = (size_t)(nl - r->buf) + 1;
    if (b[i] <= b[i - 1] || b[i] >= r->len) goto done;
  }
  int64_t off = 0; /* the first row of chunk nch in the table's columns */
  for (; nch < nth; nch++) {
    chunk *c = &ch[nch];
    if (chunk_init(c, r, na, ncol, nch ? NULL : cols, cols, plan, b[nch], b[nch + 1],
                   nch ? 1 : r->line) != CN_OK) {
      nch++;
      st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    c->r.d = &c->d;
    c->fixed_cap = count_lines(r->buf + b[nch], b[nch + 1] - b[nch]) + 1;
    release_mapped(r, b[nch], b[nch + 1]); /* the count paged the part in */
    c->borrowed = nch > 0;
    off += c->fixed_cap;
  }
  for (int j = 0; j < ncol; j++) /* the whole file's rows, then each chunk's view */
    if (cols[j] && !cn__col_reserve(cols[j], off)) {
      st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
      goto done;
    }
  off = ch[0].fixed_cap;
  for (int i = 1; i < nth; i++) {
    for (int j = 0; j < ncol; j++) {
      cn_column *v = ch[i].cols[j];
      if (!v) continue;
      cn_free(v->dbl);
      cn_free(v->i64);
      cn_free(v->codes);
      v->dbl = NULL;
      v->i64 = cols[j]->type == CN_STRING ? NULL : cols[j]->i64 + off;
      v->codes = cols[j]->type == CN_STRING ? cols[j]->codes + off : NULL;
      v->cap = (size_t)ch[i].fixed_cap;
    }
    off += ch[i].fixed_cap;
  }
  ch[0].progress = 1;
  ch[0].prog_total = (double)r->len;
  ch[0].prog_scale = (double)(r->len - b[0]) / (double)(b[1] - b[0]);
  for (int i = 1; i < nth; i++)
    started[i] = pthread_create(&tid[i], NULL, chunk_thread, &ch[i]) == 0;
  parse_rows(&ch[0]);
  for (int i = 1; i < nth; i++) {
    if (started[i]) pthread_join(tid[i], NULL);
    else parse_rows(&ch[i]);
  }

  /* check the cuts in order; the first chunk that stopped decides */
  int64_t line = r->line;
  for (int i = 0; i < nth; i++) {
    chunk *c = &ch[i];
    if (c->st != CN_OK || c->overflow) goto done; /* told by the one-thread read */
    if (c->restart) {
      int64_t off = i ? line - 1 : 0;
      if ((st = emit_notes(r, c, off, nums, dbl)) != CN_OK) goto done;
      for (int j = 0; j < ncol; j++)
        if (c->to_text[j]) plan[j] = 1;
      *restart = 1;
      *used = 1;
      goto done;
    }
    if (i + 1 < nth && c->r.pos != b[i + 1]) goto done;
    line += c->r.line - (i ? 1 : r->line);
    for (int j = 0; j < ncol; j++) {
      nums[j] += c->nums[j];
      /* a one-thread read has the column double from here on: "-0" in a
       * later chunk's integer column would be -0.0 there */
      if (!c->cols[j]) continue;
      if (c->cols[j]->type == CN_DOUBLE) dbl[j] = 1;
      else if (dbl[j] && c->negzero) goto done;
    }
  }

  /* join the chunks' columns into the table's */
  int64_t total = 0, blank = 0;
  for (int i = 0; i < nth; i++) {
    total += ch[i].nrow;
    blank += ch[i].blank;
  }
  for (int j = 0; j < ncol; j++) {
    int64_t at = ch[0].nrow;
    if (!cols[j]) continue;
    if (dbl[j]) cn__col_to_double(cols[j], at);
    for (int i = 1; i < nth; i++) {
      cn_column *src = ch[i].cols[j];
      if (dbl[j]) cn__col_to_double(src, ch[i].nrow);
      if (!col_join(cols[j], at, src, ch[i].nrow)) {
        st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      at += ch[i].nrow;
    }
  }
  *nrow_out = total;
  *blank_out = blank;
  *used = 1;
done:
  for (int i = 0; i < nch; i++) chunk_free(&ch[i], i > 0);
  cn_free(ch);
  cn_free(b);
  cn_free(tid);
  cn_free(started);
  cn_free(dbl);
  cn_free(nums);
  return st;
}

/* A new empty table *t of ncol columns named names[], text where plan[]
 * says so and int64 otherwise, also listed in cols[]; a column that
 * r->o->keep leaves out is NULL in cols[] and not in the table. */
static cn_status new_columns(reader *r, char *const *names, int ncol,
                             const unsigned char *plan, cn_table **t, cn_column **cols) {
  *t = cn_table_new(0);
  if (!*t) return cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
  for (int j = 0; j < ncol; j++) {
    if (r->o->keep && !r->o->keep(names[j], r->o->keep_ctx)) {
      cols[j] = NULL;
      continue;
    }
    cols[j] = cn__col_new(names[j], plan[j] ? CN_STRING : CN_INT64);
    if (!cols[j] || !cn__table_append(*t, cols[j])) {
      cn__col_free(cols[j]);
      cols[j] = NULL;
      return cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
    }
  }
  return CN_OK;
}

/* The number of threads to read data_bytes with: o->threads, else the
 * environment's CN_THREADS, else the cores online; at most one per MiB of
 * data and at most 64. */
static int read_threads(const cn_read_opts *o, size_t data_bytes) {
  long n = o->threads;
  if (n <= 0) {
    const char *e = getenv("CN_THREADS");
    char *end = (char *)"";
    n = e && *e ? strtol(e, &end, 10) : 0;
    if (n <= 0 || *end) n = sysconf(_SC_NPROCESSORS_ONLN);
  }
  if (n > 64) n = 64;
  if ((size_t)n > data_bytes / CSV_MIN_CHUNK) n = (long)(data_bytes / CSV_MIN_CHUNK);
  return n < 1 ? 1 : (int)n;
}

/* One pass over the file with a fixed plan of text columns. Returns CN_OK
 * and *restart = 1 when a column turned out to be text: plan[] is updated
 * and the caller reads again. */
static cn_status read_pass(reader *r, const char *path, unsigned char *plan,
                           int *ncol_io, cn_table **out, int *restart) {
  cn_status st = CN_OK;
  cn_table *t = NULL;
  cn_column **cols = NULL;
  char **names = NULL;
  size_t *na_len = NULL;
  int ncol = 0;
  int64_t nrow = 0, blank = 0;
  na_set na = {0};
  *restart = 0;

  if ((st = open_source(r, path)) != CN_OK) goto done;
  r->len = r->pos = 0;
  r->eof = 0;
  r->line = 1;
  r->map = NULL;
  int k;
  if (r->src.size > 0 && r->src.cd == (iconv_t)-1 && (uint64_t)r->src.size < SIZE_MAX / 2) {
    /* a regular UTF-8 file is mapped whole: no copies, and the chunks of a
     * parallel read all see it */
    void *m = mmap(NULL, (size_t)r->src.size, PROT_READ, MAP_PRIVATE, r->src.fd, 0);
    if (m != MAP_FAILED) {
      r->map = m;
      r->buf = m;
      r->len = r->cap = (size_t)r->src.size;
      r->eof = 1;
      r->src.consumed = r->src.size;
    }
  }
  if (!r->map) {
    /* small files get a buffer of their size: cheap to read many of them */
    r->cap = r->src.size > 0 && r->src.size < CHUNK / 2 ? (size_t)r->src.size * 2 + 4096
                                                        : CHUNK;
    r->buf = cn_malloc(r->cap + 1);
    if (!r->buf) {
      st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    r->line_start = r->buf;
    k = refill(r, 0);
    if (k < 0) {
      st = (cn_status)-k;
      goto done;
    }
  }
  r->line_start = r->buf;
  if (r->len >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3)) {
    r->pos = 3;
    r->line_start = r->buf + 3;
  }
  if (!r->sep) {
    const char *fmt = r->o->format ? r->o->format : cn__format_of(path);
    if (fmt && !strcmp(fmt, "tsv")) r->sep = '\t';
    else if (fmt && !strcmp(fmt, "txt")) r->sep = sniff_sep(r->buf + r->pos, r->len - r->pos);
    else r->sep = ',';
  }

  memset(r->stop, 0, sizeof r->stop);
  r->stop[(unsigned char)r->sep] = r->stop['\n'] = r->stop['\r'] = 1;
  na.n = r->o->na_strings ? r->o->n_na_strings : 3;
  na.tok = r->o->na_strings ? r->o->na_strings : default_na;
  na_len = cn_calloc((size_t)na.n + 1, sizeof *na_len);
  if (!na_len) {
    st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int i = 0; i < na.n; i++) na_len[i] = strlen(na.tok[i]);
  na.len = na_len;

  /* header */
  size_t data_start = r->pos;
  int64_t nf;
  while ((nf = split_record(r)) == -1) {
    k = refill(r, 0);
    if (k < 0) {
      st = (cn_status)-k;
      goto done;
    }
  }
  if (nf == -2) {
    st = r->d->code;
    goto done;
  }
  if (nf == 0) {
    st = cn_diag_at(r->d, CN_EDATA, r->name, 1, 0, "the file is empty: no header row");
    goto done;
  }
  if (nf > (1 << 16)) {
    st = cn_diag_at(r->d, CN_EDATA, r->name, 1, 0, "more than 65536 columns");
    goto done;
  }
  ncol = (int)nf;
  names = cn_calloc((size_t)ncol, sizeof *names);
  cols = cn_calloc((size_t)ncol, sizeof *cols);
  if (!names || !cols) {
    st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int j = 0; j < ncol; j++) {
    char tmp[32];
    size_t n;
    const char *s = r->o->no_header ? NULL : field_text(r, &r->f[j], &n);
    if (r->o->no_header || n == 0) {
      n = (size_t)snprintf(tmp, sizeof tmp, "v%d", j + 1);
      s = tmp;
    } else if ((st = check_utf8(r, &r->f[j], s, n)) != CN_OK) {
      goto done;
    }
    if (!(names[j] = cn_strndup(s, n))) {
      st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    for (int i = 0; i < j; i++)
      if (!strcmp(names[i], names[j])) {
        st = cn_diag_at(r->d, CN_EDATA, r->name, 1, j + 1,
                        "column %d repeats the name \"%s\" of column %d", j + 1,
                        names[j], i + 1);
        cn_diag_hint(r->d, "give every column a distinct name in the header");
        goto done;
      }
  }
  if (*ncol_io == 0) {
    *ncol_io = ncol;
    for (int j = 0; j < ncol; j++)
      if (wants_string(r->o, names[j])) plan[j] = 1;
  }
  if (r->o->no_header) {
    r->pos = data_start;
    r->line = 1;
    r->line_start = r->buf + data_start;
  }

  if ((st = new_columns(r, names, ncol, plan, &t, cols)) != CN_OK) goto done;

  int used = 0, nth = r->map ? read_threads(r->o, r->len - r->pos) : 1;
  for (int i = 0; i < na.n && nth > 1; i++) {
    /* a missing-value token that is a non-integer number is missing in an
     * integer column but a number in a double one: a one-thread read
     * decides by the rows above, which a chunk does not know */
    int64_t iv;
    double x;
    if (cn__parse_double(na.tok[i], na.len[i], &x) && !cn__parse_int64(na.tok[i], na.len[i], &iv))
      nth = 1;
  }
  if (nth > 1 && !r->one_thread) {
    st = parse_parallel(r, &na, ncol, cols, plan, nth, &nrow, &blank, restart, &used);
    if (st != CN_OK) goto done;
    if (!used) { /* start the columns afresh for the one-thread read */
      r->one_thread = 1; /* and the passes after this one too */
      cn_table_free(t);
      if ((st = new_columns(r, names, ncol, plan, &t, cols)) != CN_OK) goto done;
    }
  }
  if (!used) {
    chunk c;
    if (chunk_init(&c, r, &na, ncol, cols, cols, plan, r->pos, SIZE_MAX, r->line) != CN_OK) {
      chunk_free(&c, 0);
      st = cn_diag_set(r->d, CN_EINTERNAL, "out of memory");
      goto done;
    }
    c.est_bytes = r->src.cd == (iconv_t)-1 && r->src.size > 0 ? (double)r->src.size : 0;
    c.progress = r->map != NULL;
    c.prog_total = (double)r->len;
    c.prog_scale = 1;
    parse_rows(&c);
    r->buf = c.r.buf; /* a streaming read may have grown the buffer */
    r->cap = c.r.cap;
    st = c.st;
    if (st == CN_OK) st = emit_notes(r, &c, 0, NULL, NULL);
    for (int j = 0; j < ncol; j++)
      if (c.to_text[j]) plan[j] = 1;
    *restart = c.restart;
    nrow = c.nrow;
    blank = c.blank;
    chunk_free(&c, 0);
    if (st != CN_OK) goto done;
  }
  if (*restart) goto done;
  t->nrow = nrow;
  for (size_t at = 0; at < r->notes.len; at += strlen(r->notes.data + at) + 1)
    cn__log(CN_LOG_INFO, "%s", r->notes.data + at);
  if (blank) cn__log(CN_LOG_INFO, "%s: skipped %lld blank line%s", r->name,
                     (long long)blank, blank == 1 ? "" : "s");
  if (r->src.size > 0) cn__progress(r->name, (double)r->src.size, (double)r->src.size);
  *out = t;
  t = NULL;

done:
  cn_table_free(t);
  for (int j = 0; names && j < ncol; j++) cn_free(names[j]);
  cn_free(names);
  cn_free(cols);
  cn_free(na_len);
  if (r->map) munmap(r->map, r->len);
  else cn_free(r->buf);
  r->buf = r->map = NULL;
  close_source(r);
  return st;
}

cn_status cn_table_read_csv(const char *path, const cn_read_opts *o,
                            cn_table **out, cn_diag *d) {
  cn_read_opts def;
  if (!o) {
    cn_read_opts_init(&def);
    o = &def;
  }
  *out = NULL;
  cn_diag_clear(d);
  cn_status st = CN_OK;
  /* the plan of text columns; sized generously, grown on the first pass */
  unsigned char *plan = NULL;
  int ncol = 0, restart = 1;
  reader r;
  memset(&r, 0, sizeof r);
  r.name = o->display_name ? o->display_name : path;
  r.o = o;
  r.d = d;
  r.src.fd = -1;
  r.src.cd = (iconv_t)-1;
  plan = cn_calloc(1u << 16, 1);
  if (!plan) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int pass = 0; restart; pass++) {
    r.sep = o->sep;
    cn_table_free(*out);
    *out = NULL;
    st = read_pass(&r, path, plan, &ncol, out, &restart);
    if (st != CN_OK) goto done;
  }
done:
  if (st != CN_OK) {
    cn_table_free(*out);
    *out = NULL;
  }
  cn_free(plan);
  cn__buf_free(&r.scratch);
  cn__buf_free(&r.notes);
  cn_free(r.f);
  return st;
}

/* ---- writing ---- */

static bool needs_quotes(const char *s, size_t n, char sep) {
  if (n && (is_blank(s[0]) || is_blank(s[n - 1]))) return true;
  for (size_t i = 0; i < n; i++)
    if (s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r') return true;
  return false;
}

static void put_text(cn_buf *b, const char *s, size_t n, char sep) {
  if (!needs_quotes(s, n, sep)) {
    cn__buf_append(b, s, n);
    return;
  }
  cn__buf_append(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') cn__buf_append(b, "\"", 1);
    cn__buf_append(b, s + i, 1);
  }
  cn__buf_append(b, "\"", 1);
}

/* Writes v in decimal as "%lld" would into buf (room for 21 bytes, not
 * NUL-terminated); returns the length. */
static size_t fmt_i64(int64_t v, char *buf) {
  char tmp[24];
  size_t n = 0, len = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) buf[len++] = '-';
  while (n) buf[len++] = tmp[--n];
  return len;
}

/* Appends row i of t to b; false (and *bad set) at an infinity, which CSV
 * cannot carry, with *bad_col its column. */
static bool put_row(const cn_table *t, int64_t i, char sep, cn_buf *b, int *bad_col) {
  for (int j = 0; j < t->ncol; j++) {
    const cn_column *c = t->cols[j];
    if (c->type == CN_STRING) {
      if (j) cn__buf_append(b, &sep, 1);
      int32_t k = c->codes[i];
      if (k != CN_NA_CODE) put_text(b, c->levels.strs[k], c->levels.lens[k], sep);
      continue;
    }
    /* a number: the separator and at most 32 bytes, written in place */
    if (!cn__buf_reserve(b, 34)) return true; /* b->failed tells */
    char *o = b->data + b->len;
    size_t k = 0;
    if (j) o[k++] = sep;
    if (c->type == CN_INT64) {
      if (c->i64[i] != CN_NA_INT64) k += fmt_i64(c->i64[i], o + k);
    } else if (!isnan(c->dbl[i])) {
      if (isinf(c->dbl[i])) {
        *bad_col = j;
        return false;
      }
      k += (size_t)cn__fmt_double(c->dbl[i], o + k, 33);
    }
    b->len += k;
  }
  cn__buf_append(b, "\n", 1);
  return true;
}

#define WRITE_BATCH 8192 /* rows a thread formats at a time */
#define WRITE_MAXTH 8

/* The rows are formatted by batches on up to WRITE_MAXTH threads, each
 * into its own buffer, and written in order: the file does not depend on
 * the thread count. */
cn_status cn_table_write_csv_fp(const cn_table *t, FILE *fp, char sep,
                                cn_diag *d) {
  cn_buf b[WRITE_MAXTH];
  memset(b, 0, sizeof b);
  cn_status st = CN_OK;
  if (!sep) sep = ',';
  for (int j = 0; j < t->ncol; j++) {
    if (j) cn__buf_append(&b[0], &sep, 1);
    put_text(&b[0], t->cols[j]->name, strlen(t->cols[j]->name), sep);
  }
  cn__buf_append(&b[0], "\n", 1);
  int nth = t->nrow > 4 * WRITE_BATCH ? omp_get_max_threads() : 1;
  if (nth > WRITE_MAXTH) nth = WRITE_MAXTH;
  if (nth < 1) nth = 1;
  int64_t bad_row[WRITE_MAXTH];
  int bad_col[WRITE_MAXTH];
  for (int64_t at = 0; at < t->nrow || at == 0; at += (int64_t)WRITE_BATCH * nth) {
#pragma omp parallel for schedule(static, 1) num_threads(nth) if (nth > 1)
    for (int q = 0; q < nth; q++) {
      int64_t lo = at + (int64_t)q * WRITE_BATCH, hi = lo + WRITE_BATCH;
      if (hi > t->nrow) hi = t->nrow;
      bad_row[q] = -1;
      for (int64_t i = lo; i < hi; i++)
        if (!put_row(t, i, sep, &b[q], &bad_col[q])) {
          bad_row[q] = i;
          break;
        }
    }
    for (int q = 0; q < nth; q++) {
      if (bad_row[q] >= 0) {
        st = cn_diag_set(d, CN_EDATA,
                         "column \"%s\" row %lld holds an infinity, which CSV "
                         "cannot carry as a number", t->cols[bad_col[q]]->name,
                         (long long)bad_row[q] + 1);
        goto done;
      }
      if (b[q].failed) {
        st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      if (b[q].len && fwrite(b[q].data, 1, b[q].len, fp) != b[q].len) {
        st = cn_diag_set(d, CN_EINTERNAL, "write failed: %s", strerror(errno));
        goto done;
      }
      b[q].len = 0;
    }
    if (t->nrow == 0) break;
  }
done:
  for (int q = 0; q < WRITE_MAXTH; q++) cn__buf_free(&b[q]);
  return st;
}
