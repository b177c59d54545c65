/* lib/table/xlsx.c — reading Excel workbooks (.xlsx, Office Open XML).
 *
 * An .xlsx file is a ZIP archive of XML parts. The reader takes the whole
 * file into memory, finds the parts through the ZIP central directory and
 * inflates them with zlib, then reads the workbook (sheet names and their
 * parts), the shared strings, the styles (to tell dates from numbers) and
 * one sheet, whose cells become a table: the first row with content is the
 * header, the columns span the leftmost to the rightmost cell with content.
 *
 * Types are those the CSV reader would give: a number cell is an integer or
 * a double by its stored digits, a text cell is typed by cn__text_kind as a
 * CSV field is ("42" a number, "007" text), booleans are 0/1 integers, a
 * date-formatted number becomes ISO text, an error cell (#DIV/0!) and a
 * formula without a stored result are missing, with a note.
 *
 * Hostile input: the parts may inflate to at most XLSX_RATIO times the
 * file's size (at least XLSX_MIN_BUDGET bytes in all), which real
 * workbooks (5–20 times) never reach and a zip bomb (1000 times) does; CRCs
 * are checked; XML nests at most XML_MAX_DEPTH levels, a DOCTYPE (entity
 * definitions) is refused, and every malformed part is a CN_EDATA naming
 * the part, its line and column. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "table_int.h"

#define XLSX_RATIO 200
#define XLSX_MIN_BUDGET ((uint64_t)64 << 20)
#define XML_MAX_DEPTH 100
#define XLSX_MAX_ROWS 1048576 /* Excel's limits */
#define XLSX_MAX_COLS 16384

/* ---- the reader ---- */

typedef struct zentry {
  const char *name;
  size_t nlen;
  uint16_t flags, method;
  uint32_t crc;
  uint64_t csize, usize, loff;
} zentry;

/* What a cell holds once read. */
enum { K_INT = 1, K_DBL, K_BOOL, K_DATE, K_TEXT, K_SST, K_ERR };
/* What a number format shows: a plain number, a date, a date and time, a
 * time of day, a duration (elapsed hours, [h]:mm). */
enum { F_NUM = 0, F_DATE, F_DATETIME, F_TIME, F_DURATION };

typedef struct xcell {
  int32_t row, col;
  uint8_t kind, fmt; /* fmt: F_* for K_DATE */
  uint16_t numfmt;   /* the number format id, for the note on dates */
  uint32_t len;      /* K_TEXT, K_ERR: bytes in the sheet's text arena */
  uint64_t off;      /* K_TEXT, K_ERR: offset in the arena; K_SST: index */
  union {
    int64_t i;
    double x;
  } v;
} xcell;

typedef struct xsheet {
  char *name, *rid, *path;
  int chart; /* a chart sheet: no cells */
} xsheet;

typedef struct xrd {
  const char *name; /* the file as messages name it */
  const cn_read_opts *o;
  cn_diag *d;
  unsigned char *file;
  size_t fsize;
  zentry *ent;
  size_t nent, capent;
  uint64_t budget; /* inflated bytes still allowed */
  xsheet *sheets;
  size_t nsheet, capsheet;
  int date1904;
  cn_buf sst;           /* shared strings, one after another */
  uint64_t *sst_off;    /* per string: offset in sst, */
  uint32_t *sst_len;    /* and length */
  size_t nsst, capsst, capsstlen;
  uint16_t *xf_fmt;     /* per cell style: its number format id */
  size_t nxf, capxf;
  uint16_t *cf_id;      /* custom number formats: id → kind */
  uint8_t *cf_kind;
  size_t *cf_code;      /* and the offset of its code in cf_text */
  cn_buf cf_text;
  size_t ncf, capcf, capcfk, capcfc;
  const char *sheet;    /* the sheet being read, for messages */
  xcell *cells;
  size_t ncell, capcell;
  cn_buf text; /* the sheet's inline texts */
  cn_buf notes; /* NUL-separated notes, given once the table is read */
} xrd;

static cn_status oom(xrd *r) { return cn_diag_set(r->d, CN_EINTERNAL, "out of memory"); }

/* A data error about the file as a whole (no part or cell). */
static cn_status bad(xrd *r, const char *fmt, const char *arg) {
  cn_diag_at(r->d, CN_EDATA, r->name, 0, 0, fmt, arg);
  return CN_EDATA;
}

/* ---- ZIP ---- */

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reads the central directory into r->ent. Entries are checked to lie
 * inside the file; their data is checked when a part is taken. */
static cn_status zip_open(xrd *r) {
  const unsigned char *f = r->file;
  size_t n = r->fsize;
  if (n >= 8 && !memcmp(f, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
    cn_diag_at(r->d, CN_EDATA, r->name, 0, 0,
               "not an .xlsx workbook but an OLE file: an Excel 97-2003 .xls, or "
               "an .xlsx encrypted with a password");
    cn_diag_hint(r->d, "open it in Excel (removing the password) and save it as .xlsx "
                       "or as CSV");
    return CN_EDATA;
  }
  if (n < 22 || memcmp(f, "PK", 2) != 0)
    return bad(r, "not an .xlsx workbook: %s", "the file is not a ZIP archive");
  /* the end-of-directory record, within the last 64 KiB (its comment) */
  size_t eocd = (size_t)-1;
  for (size_t i = n - 22 + 1; i-- > 0 && n - i <= 22 + 65535;)
    if (!memcmp(f + i, "PK\x05\x06", 4)) {
      eocd = i;
      break;
    }
  if (eocd == (size_t)-1)
    return bad(r, "the ZIP archive is damaged or truncated: %s",
               "its central directory is missing");
  uint32_t count = rd16(f + eocd + 10), cdsize = rd32(f + eocd + 12),
           cdoff = rd32(f + eocd + 16);
  if (count == 0xFFFF || cdoff == 0xFFFFFFFFu || cdsize == 0xFFFFFFFFu)
    return bad(r, "%s", "a ZIP64 archive (over 4 GB or 65535 parts), which coinnet "
                        "cannot read; save the sheet as CSV");
  if ((uint64_t)cdoff + cdsize > eocd)
    return bad(r, "the ZIP archive is damaged or truncated: %s",
               "its central directory lies outside the file");
  size_t p = cdoff, end = (size_t)cdoff + cdsize;
  for (uint32_t k = 0; k < count; k++) {
    if (end - p < 46 || rd32(f + p) != 0x02014b50u)
      return bad(r, "the ZIP archive is damaged: %s", "a central directory entry is broken");
    zentry e = {0};
    e.flags = (uint16_t)rd16(f + p + 8);
    e.method = (uint16_t)rd16(f + p + 10);
    e.crc = rd32(f + p + 16);
    e.csize = rd32(f + p + 20);
    e.usize = rd32(f + p + 24);
    size_t nl = rd16(f + p + 28), el = rd16(f + p + 30), cl = rd16(f + p + 32);
    e.loff = rd32(f + p + 42);
    if (end - p - 46 < nl + el + cl)
      return bad(r, "the ZIP archive is damaged: %s", "a central directory entry is broken");
    e.name = (const char *)f + p + 46;
    e.nlen = nl;
    if (e.csize == 0xFFFFFFFFu || e.usize == 0xFFFFFFFFu || e.loff == 0xFFFFFFFFu)
      return bad(r, "%s", "a ZIP64 archive (a part over 4 GB), which coinnet cannot read; "
                          "save the sheet as CSV");
    if (!cn__grow((void **)&r->ent, &r->capent, r->nent + 1, sizeof *r->ent)) return oom(r);
    r->ent[r->nent++] = e;
    p += 46 + nl + el + cl;
  }
  return CN_OK;
}

/* The entry of the part called name (ZIP names are compared without
 * regard to case, as Office does), or NULL. */
static const zentry *zip_find(const xrd *r, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < r->nent; i++)
    if (r->ent[i].nlen == n && !strncasecmp(r->ent[i].name, name, n)) return &r->ent[i];
  return NULL;
}

/* Inflates the part called name into *out (NUL-terminated, *len bytes, the
 * caller frees). CN_OK with *out NULL when the archive has no such part. */
static cn_status zip_get(xrd *r, const char *name, char **out, size_t *len) {
  cn_status st = CN_OK;
  char *buf = NULL;
  z_stream zs;
  int zinit = 0;
  *out = NULL;
  *len = 0;
  const zentry *e = zip_find(r, name);
  if (!e) goto done;
  const unsigned char *f = r->file;
  if (e->loff > r->fsize || r->fsize - e->loff < 30 || rd32(f + e->loff) != 0x04034b50u) {
    st = bad(r, "the ZIP archive is damaged: the part %s has no local header", name);
    goto done;
  }
  uint64_t data = e->loff + 30 + rd16(f + e->loff + 26) + rd16(f + e->loff + 28);
  if (data > r->fsize || r->fsize - data < e->csize) {
    st = bad(r, "the ZIP archive is truncated: the part %s ends after the end of the file",
             name);
    goto done;
  }
  if (e->flags & 1) {
    st = bad(r, "the part %s is encrypted: save the workbook without a password", name);
    goto done;
  }
  if (e->usize > r->budget) goto bomb;
  size_t cap = e->usize < 4096 ? 4096 : (size_t)e->usize;
  if (cap > r->budget) cap = (size_t)r->budget; /* never more than the budget */
  if (e->method == 0) {
    if (e->csize != e->usize) {
      st = bad(r, "the ZIP archive is damaged: the stored part %s has two sizes", name);
      goto done;
    }
    if (!(buf = cn_malloc((size_t)e->usize + 1))) {
      st = oom(r);
      goto done;
    }
    memcpy(buf, f + data, (size_t)e->usize);
    *len = (size_t)e->usize;
  } else if (e->method == 8) {
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
      st = oom(r);
      goto done;
    }
    zinit = 1;
    if (!(buf = cn_malloc(cap + 1))) {
      st = oom(r);
      goto done;
    }
    zs.next_in = (Bytef *)(f + data);
    zs.avail_in = (uInt)e->csize;
    for (;;) {
      size_t have = (size_t)zs.total_out;
      if (have == cap) {
        if (cap >= r->budget) goto bomb;
        size_t nc = cap > r->budget / 2 ? (size_t)r->budget : cap * 2;
        char *nb = cn_realloc(buf, nc + 1);
        if (!nb) {
          st = oom(r);
          goto done;
        }
        buf = nb;
        cap = nc;
      }
      size_t room = cap - have;
      zs.next_out = (Bytef *)buf + have;
      zs.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
      int z = inflate(&zs, Z_NO_FLUSH);
      if (z == Z_STREAM_END) break;
      if (z == Z_MEM_ERROR) {
        st = oom(r);
        goto done;
      }
      if (z == Z_BUF_ERROR && zs.avail_in == 0) {
        st = bad(r, "the ZIP archive is damaged: the part %s ends in the middle", name);
        goto done;
      }
      if (z != Z_OK && z != Z_BUF_ERROR) {
        st = bad(r, "the ZIP archive is damaged: the part %s does not inflate", name);
        goto done;
      }
    }
    *len = (size_t)zs.total_out;
  } else {
    cn_diag_at(r->d, CN_EDATA, r->name, 0, 0,
               "the part %s is compressed with ZIP method %u, which coinnet cannot read "
               "(only stored and deflated parts)", name, (unsigned)e->method);
    st = CN_EDATA;
    goto done;
  }
  if (*len > r->budget) goto bomb;
  if (*len != e->usize) {
    st = bad(r, "the ZIP archive is damaged: the part %s has another size than its "
                "directory says", name);
    goto done;
  }
  if (crc32(0, (const Bytef *)buf, (uInt)*len) != e->crc) {
    st = bad(r, "the ZIP archive is damaged: the part %s fails its CRC check", name);
    goto done;
  }
  r->budget -= *len;
  buf[*len] = '\0';
  *out = buf;
  buf = NULL;
  goto done;
bomb:
  cn_diag_at(r->d, CN_EDATA, r->name, 0, 0,
             "the part %s inflates to more than %d times the size of the file: a zip "
             "bomb, or a damaged file", name, XLSX_RATIO);
  cn_diag_hint(r->d, "if the workbook is genuine, save the sheet as CSV and read that");
  st = CN_EDATA;
done:
  if (zinit) inflateEnd(&zs);
  cn_free(buf);
  if (st != CN_OK) *len = 0;
  return st;
}

/* ---- XML: a pull tokenizer for the subset workbooks use ---- */

enum { XT_EOF, XT_START, XT_END, XT_TEXT };

typedef struct xtok {
  int kind;
  const char *name; /* local name (after any prefix) */
  size_t nlen;
  const char *attr, *attr_end; /* XT_START: the attributes */
  int empty;                   /* XT_START: <x/> */
  const char *text;            /* XT_TEXT: raw text, or CDATA */
  size_t tlen;
  int cdata;
} xtok;

typedef struct xml {
  xrd *r;
  const char *part;
  const char *s, *p, *end;
  const char *open[XML_MAX_DEPTH]; /* qualified names of the open elements */
  size_t openlen[XML_MAX_DEPTH];
  int depth;
} xml;

/* Fills r->d with an error at byte `at` of the part (line and column). */
static cn_status xml_err(xml *x, const char *at, const char *fmt, const char *arg) {
  int64_t line = 1;
  const char *ls = x->s;
  for (const char *c = x->s; c < at && c < x->end; c++)
    if (*c == '\n') {
      line++;
      ls = c + 1;
    }
  char msg[300];
  snprintf(msg, sizeof msg, fmt, arg);
  int64_t col = cn__utf8_chars(ls, cn__utf8_valid(ls, (size_t)(at - ls))) + 1;
  cn_diag_at(x->r->d, CN_EDATA, x->r->name, 0, 0, "%s, line %lld, column %lld: %s", x->part,
             (long long)line, (long long)col, msg);
  return CN_EDATA;
}

/* The name of open element k, cut to fit a message. */
static const char *open_name(xml *x, int k) {
  static _Thread_local char nm[64];
  snprintf(nm, sizeof nm, "%.*s", (int)(x->openlen[k] < 60 ? x->openlen[k] : 60), x->open[k]);
  return nm;
}

static bool xspace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void local_name(const char *q, size_t n, const char **name, size_t *nlen) {
  const char *c = memchr(q, ':', n);
  *name = c ? c + 1 : q;
  *nlen = c ? n - (size_t)(c + 1 - q) : n;
}

/* The next token of x into *t. */
static cn_status xml_next(xml *x, xtok *t) {
  memset(t, 0, sizeof *t);
  for (;;) {
    const char *p = x->p, *end = x->end;
    if (p >= end) {
      if (x->depth > 0)
        return xml_err(x, p, "the part ends inside <%s>: the file is truncated or damaged",
                       open_name(x, x->depth - 1));
      t->kind = XT_EOF;
      return CN_OK;
    }
    if (*p != '<') {
      const char *q = memchr(p, '<', (size_t)(end - p));
      if (!q) q = end;
      t->kind = XT_TEXT;
      t->text = p;
      t->tlen = (size_t)(q - p);
      x->p = q;
      return CN_OK;
    }
    if (end - p >= 2 && p[1] == '?') {
      const char *q = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
      if (!q) return xml_err(x, p, "%s", "a processing instruction <? is never closed");
      x->p = q + 2;
      continue;
    }
    if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
      const char *q = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
      if (!q) return xml_err(x, p, "%s", "a comment <!-- is never closed");
      x->p = q + 3;
      continue;
    }
    if (end - p >= 9 && !memcmp(p, "<![CDATA[", 9)) {
      const char *q = memmem(p + 9, (size_t)(end - p - 9), "]]>", 3);
      if (!q) return xml_err(x, p, "%s", "a CDATA section is never closed");
      t->kind = XT_TEXT;
      t->text = p + 9;
      t->tlen = (size_t)(q - p - 9);
      t->cdata = 1;
      x->p = q + 3;
      return CN_OK;
    }
    if (end - p >= 2 && p[1] == '!')
      return xml_err(x, p, "%s", "a <!DOCTYPE or other declaration, which workbooks do not "
                                 "have (entity definitions are refused)");
    if (end - p >= 2 && p[1] == '/') {
      const char *q = p + 2, *nm = q;
      while (q < end && !xspace(*q) && *q != '>') q++;
      size_t nl = (size_t)(q - nm);
      while (q < end && xspace(*q)) q++;
      if (q >= end || *q != '>') return xml_err(x, p, "%s", "a closing tag without its '>'");
      if (x->depth == 0) return xml_err(x, p, "%s", "a closing tag that closes nothing");
      x->depth--;
      if (x->openlen[x->depth] != nl || memcmp(x->open[x->depth], nm, nl) != 0)
        return xml_err(x, p, "the closing tag does not match <%s>", open_name(x, x->depth));
      t->kind = XT_END;
      local_name(nm, nl, &t->name, &t->nlen);
      x->p = q + 1;
      return CN_OK;
    }
    const char *q = p + 1, *nm = q;
    while (q < end && !xspace(*q) && *q != '>' && *q != '/') q++;
    size_t nl = (size_t)(q - nm);
    if (nl == 0) return xml_err(x, p, "%s", "a '<' that starts no tag (write it as &lt;)");
    const char *a = q;
    char quote = 0;
    while (q < end && (quote || *q != '>')) {
      if (quote) {
        if (*q == quote) quote = 0;
      } else if (*q == '"' || *q == '\'') {
        quote = *q;
      } else if (*q == '<') {
        return xml_err(x, q, "%s", "a '<' inside a tag");
      }
      q++;
    }
    if (q >= end) return xml_err(x, p, "%s", "a tag that is never closed with '>'");
    t->kind = XT_START;
    local_name(nm, nl, &t->name, &t->nlen);
    t->attr = a;
    t->empty = q > a && q[-1] == '/';
    t->attr_end = t->empty ? q - 1 : q;
    if (!t->empty) {
      if (x->depth == XML_MAX_DEPTH)
        return xml_err(x, p, "elements nest deeper than %s levels", "100");
      /* the name is NUL-free text of the part: keep a pointer for messages */
      x->open[x->depth] = nm;
      x->openlen[x->depth] = nl;
      x->depth++;
    }
    x->p = q + 1;
    return CN_OK;
  }
}

static bool is_name(const xtok *t, const char *name) {
  return t->nlen == strlen(name) && !memcmp(t->name, name, t->nlen);
}

/* The raw value of attribute `want` of a start tag (compared by local name;
 * with `prefixed`, only an attribute with a namespace prefix, as r:id).
 * False when the tag has none. */
static bool xattr(const xtok *t, const char *want, bool prefixed, const char **v,
                  size_t *vn) {
  const char *p = t->attr, *end = t->attr_end;
  size_t wl = strlen(want);
  while (p < end) {
    while (p < end && xspace(*p)) p++;
    const char *nm = p;
    while (p < end && !xspace(*p) && *p != '=') p++;
    size_t nl = (size_t)(p - nm);
    while (p < end && xspace(*p)) p++;
    if (p >= end || *p != '=') return false;
    p++;
    while (p < end && xspace(*p)) p++;
    if (p >= end || (*p != '"' && *p != '\'')) return false;
    char quote = *p++;
    const char *val = p;
    const char *q = memchr(p, quote, (size_t)(end - p));
    if (!q) return false;
    p = q + 1;
    const char *ln;
    size_t lnl;
    local_name(nm, nl, &ln, &lnl);
    if (lnl == wl && !memcmp(ln, want, wl) && (!prefixed || ln != nm)) {
      *v = val;
      *vn = (size_t)(q - val);
      return true;
    }
  }
  return false;
}

static void put_utf8(cn_buf *b, uint32_t c) {
  char u[4];
  size_t n;
  if (c < 0x80) u[0] = (char)c, n = 1;
  else if (c < 0x800) u[0] = (char)(0xC0 | c >> 6), u[1] = (char)(0x80 | (c & 63)), n = 2;
  else if (c < 0x10000)
    u[0] = (char)(0xE0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 63)),
    u[2] = (char)(0x80 | (c & 63)), n = 3;
  else
    u[0] = (char)(0xF0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 63)),
    u[2] = (char)(0x80 | ((c >> 6) & 63)), u[3] = (char)(0x80 | (c & 63)), n = 4;
  cn__buf_append(b, u, n);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Appends the text s[0..n) of the part to b with XML's entities and line
 * ends undone and, with `ooxml`, Office's _xHHHH_ escapes too (a carriage
 * return is stored as _x000D_). The result must be UTF-8 without NUL. */
static cn_status xtext(xml *x, const char *s, size_t n, bool cdata, bool ooxml, cn_buf *b) {
  size_t start = b->len;
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != '&' && s[j] != '\r' && (!ooxml || s[j] != '_')) j++;
    if (cdata) j = n;
    cn__buf_append(b, s + i, j - i);
    i = j;
    if (i >= n) break;
    if (s[i] == '\r') {
      cn__buf_append(b, "\n", 1);
      i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (s[i] == '_') {
      int h[4] = {-1, -1, -1, -1};
      if (i + 7 <= n && s[i + 1] == 'x' && s[i + 6] == '_')
        for (int k = 0; k < 4; k++) h[k] = hexval(s[i + 2 + k]);
      bool hex4 = h[0] >= 0 && h[1] >= 0 && h[2] >= 0 && h[3] >= 0;
      uint32_t c = hex4 ? (uint32_t)(h[0] << 12 | h[1] << 8 | h[2] << 4 | h[3]) : 0;
      if (c == 0 || (c >= 0xD800 && c <= 0xDFFF)) {
        cn__buf_append(b, "_", 1);
        i++;
      } else {
        put_utf8(b, c);
        i += 7;
      }
      continue;
    }
    /* an entity */
    const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
    if (!semi) return xml_err(x, s + i, "%s", "a '&' that starts no entity (write it as &amp;)");
    const char *e = s + i + 1;
    size_t el = (size_t)(semi - e);
    uint32_t c = 0;
    if (el == 2 && !memcmp(e, "lt", 2)) c = '<';
    else if (el == 2 && !memcmp(e, "gt", 2)) c = '>';
    else if (el == 3 && !memcmp(e, "amp", 3)) c = '&';
    else if (el == 4 && !memcmp(e, "quot", 4)) c = '"';
    else if (el == 4 && !memcmp(e, "apos", 4)) c = '\'';
    else if (el >= 2 && e[0] == '#') {
      bool hex = e[1] == 'x';
      size_t k = hex ? 2 : 1;
      if (k == el) c = 0xFFFFFFFFu;
      for (; k < el && c <= 0x10FFFF; k++) {
        int v = hex ? hexval(e[k]) : (e[k] >= '0' && e[k] <= '9' ? e[k] - '0' : -1);
        if (v < 0) {
          c = 0xFFFFFFFFu;
          break;
        }
        c = c * (hex ? 16 : 10) + (uint32_t)v;
      }
      if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return xml_err(x, s + i, "%s", "a character reference to no valid character");
    } else {
      return xml_err(x, s + i, "%s", "an unknown entity (only &lt; &gt; &amp; &quot; &apos; "
                                     "and &#N; are defined)");
    }
    put_utf8(b, c);
    i = (size_t)(semi - s) + 1;
  }
  if (b->failed) return oom(x->r);
  if (b->len == start) return CN_OK; /* nothing added (b->data may be NULL) */
  size_t got = b->len - start, ok = cn__utf8_valid(b->data + start, got);
  if (ok != got || memchr(b->data + start, '\0', got))
    return xml_err(x, s, "%s", "text that is not valid UTF-8");
  return CN_OK;
}

/* The decoded value of an attribute, NUL-terminated in b (replacing it). */
static cn_status xattr_text(xml *x, const char *v, size_t vn, cn_buf *b) {
  b->len = 0;
  cn_status st = xtext(x, v, vn, false, false, b);
  if (st == CN_OK && !cn__buf_append(b, "", 1)) st = oom(x->r);
  if (st == CN_OK) b->len--;
  return st;
}

/* An unsigned decimal attribute value that fits in int64, or -1. */
static int64_t attr_uint(const char *v, size_t vn) {
  int64_t u;
  while (vn && xspace(*v)) v++, vn--;
  while (vn && xspace(v[vn - 1])) vn--;
  if (!vn || *v == '-' || *v == '+' || !cn__parse_int64(v, vn, &u)) return -1;
  return u;
}

static char *dup_or_oom(xrd *r, const char *s, size_t n, cn_status *st) {
  char *c = cn_strndup(s, n);
  if (!c) *st = oom(r);
  return c;
}

/* ---- parts: relationships, workbook, shared strings, styles ---- */

/* The part a relationship's target names, relative to the folder `dir`
 * ("xl/", or "" for the package), with "." and ".." resolved. */
static char *resolve(const char *dir, const char *target) {
  cn_buf b = {0};
  if (target[0] == '/') target++;
  else cn__buf_append(&b, dir, strlen(dir));
  cn__buf_append(&b, target, strlen(target));
  cn__buf_append(&b, "", 1);
  if (b.failed) {
    cn__buf_free(&b);
    return NULL;
  }
  /* undo ./ and ../ in place, segment by segment */
  char *s = b.data, *w = s;
  for (char *p = s; *p;) {
    char *q = strchr(p, '/');
    size_t n = q ? (size_t)(q - p) : strlen(p);
    if (n == 1 && p[0] == '.') {
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (w > s) {
        w--;
        while (w > s && w[-1] != '/') w--;
      }
    } else if (n > 0) {
      memmove(w, p, n);
      w += n;
      if (q) *w++ = '/';
    }
    p = q ? q + 1 : p + n;
  }
  *w = '\0';
  return s;
}

/* Reads a .rels part: for each relationship, calls back with its Id, Type
 * and Target (decoded). A missing part is no relationship. */
typedef cn_status (*rel_fn)(xrd *r, void *ud, const char *id, const char *type,
                            const char *target);
static cn_status read_rels(xrd *r, const char *part, rel_fn fn, void *ud) {
  char *s = NULL;
  size_t n;
  cn_buf id = {0}, type = {0}, target = {0};
  cn_status st = zip_get(r, part, &s, &n);
  if (st != CN_OK || !s) goto done;
  xml x = {.r = r, .part = part, .s = s, .p = s, .end = s + n};
  xtok t;
  while ((st = xml_next(&x, &t)) == CN_OK && t.kind != XT_EOF) {
    const char *v;
    size_t vn;
    if (t.kind != XT_START || !is_name(&t, "Relationship")) continue;
    if (xattr(&t, "TargetMode", false, &v, &vn) && vn == 8 && !memcmp(v, "External", 8))
      continue;
    if (!xattr(&t, "Target", false, &v, &vn)) continue;
    if ((st = xattr_text(&x, v, vn, &target)) != CN_OK) break;
    const char *iv = "", *tv = "";
    size_t ivn = 0, tvn = 0;
    xattr(&t, "Id", false, &iv, &ivn);
    xattr(&t, "Type", false, &tv, &tvn);
    if ((st = xattr_text(&x, iv, ivn, &id)) != CN_OK ||
        (st = xattr_text(&x, tv, tvn, &type)) != CN_OK)
      break;
    if ((st = fn(r, ud, id.data ? id.data : "", type.data ? type.data : "",
                 target.data ? target.data : "")) != CN_OK)
      break;
  }
done:
  cn_free(s);
  cn__buf_free(&id);
  cn__buf_free(&type);
  cn__buf_free(&target);
  return st;
}

static bool ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), k = strlen(tail);
  return n >= k && !strcmp(s + n - k, tail);
}

typedef struct pkg_paths {
  const char *dir;
  char *workbook, *sst, *styles;
} pkg_paths;

static cn_status on_root_rel(xrd *r, void *ud, const char *id, const char *type,
                             const char *target) {
  pkg_paths *pp = ud;
  (void)id;
  if (ends_with(type, "/officeDocument") && !pp->workbook &&
      !(pp->workbook = resolve("", target)))
    return oom(r);
  return CN_OK;
}

static cn_status on_wb_rel(xrd *r, void *ud, const char *id, const char *type,
                           const char *target) {
  pkg_paths *pp = ud;
  char **slot = NULL;
  if (ends_with(type, "/sharedStrings")) slot = &pp->sst;
  else if (ends_with(type, "/styles")) slot = &pp->styles;
  if (slot && !*slot && !(*slot = resolve(pp->dir, target))) return oom(r);
  for (size_t i = 0; i < r->nsheet; i++) {
    xsheet *sh = &r->sheets[i];
    if (sh->rid && !sh->path && !strcmp(sh->rid, id)) {
      if (!(sh->path = resolve(pp->dir, target))) return oom(r);
      sh->chart = ends_with(type, "/chartsheet") || ends_with(type, "/dialogsheet");
    }
  }
  return CN_OK;
}

/* Reads the sheet list and the date system of the workbook part. */
static cn_status read_workbook(xrd *r, const char *part) {
  char *s = NULL;
  size_t n;
  cn_buf b = {0};
  cn_status st = zip_get(r, part, &s, &n);
  if (st != CN_OK) goto done;
  if (!s) {
    st = bad(r, "not an .xlsx workbook: the archive has no %s part", part);
    goto done;
  }
  xml x = {.r = r, .part = part, .s = s, .p = s, .end = s + n};
  xtok t;
  while ((st = xml_next(&x, &t)) == CN_OK && t.kind != XT_EOF) {
    const char *v;
    size_t vn;
    if (t.kind != XT_START) continue;
    if (is_name(&t, "workbookPr") && xattr(&t, "date1904", false, &v, &vn))
      r->date1904 = (vn == 1 && v[0] == '1') || (vn == 4 && !memcmp(v, "true", 4));
    if (!is_name(&t, "sheet")) continue;
    if (!cn__grow((void **)&r->sheets, &r->capsheet, r->nsheet + 1, sizeof *r->sheets)) {
      st = oom(r);
      goto done;
    }
    xsheet *sh = &r->sheets[r->nsheet++];
    memset(sh, 0, sizeof *sh);
    if (xattr(&t, "name", false, &v, &vn)) {
      if ((st = xattr_text(&x, v, vn, &b)) != CN_OK) goto done;
      if (!(sh->name = dup_or_oom(r, b.data, b.len, &st))) goto done;
    } else if (!(sh->name = dup_or_oom(r, "", 0, &st))) {
      goto done;
    }
    if (xattr(&t, "id", true, &v, &vn)) {
      if ((st = xattr_text(&x, v, vn, &b)) != CN_OK) goto done;
      if (!(sh->rid = dup_or_oom(r, b.data, b.len, &st))) goto done;
    }
  }
done:
  cn_free(s);
  cn__buf_free(&b);
  return st;
}

/* Reads the shared strings: each <si> is its <t>, or the <t> of its runs
 * <r> in turn (rich text), leaving out phonetic guides <rPh>. */
static cn_status read_sst(xrd *r, const char *part) {
  char *s = NULL;
  size_t n;
  cn_status st = zip_get(r, part, &s, &n);
  if (st != CN_OK || !s) goto done;
  xml x = {.r = r, .part = part, .s = s, .p = s, .end = s + n};
  xtok t;
  int in_si = 0, in_t = 0, rph = 0;
  uint64_t start = 0;
  while ((st = xml_next(&x, &t)) == CN_OK && t.kind != XT_EOF) {
    if (t.kind == XT_START) {
      if (is_name(&t, "si")) {
        start = r->sst.len;
        in_si = !t.empty;
        if (t.empty) goto push;
      } else if (in_si && is_name(&t, "rPh") && !t.empty) {
        rph++;
      } else if (in_si && !rph && is_name(&t, "t") && !t.empty) {
        in_t = 1;
      }
    } else if (t.kind == XT_TEXT) {
      if (in_t && (st = xtext(&x, t.text, t.tlen, t.cdata, true, &r->sst)) != CN_OK) goto done;
    } else if (t.kind == XT_END) {
      if (is_name(&t, "t")) in_t = 0;
      else if (is_name(&t, "rPh") && rph) rph--;
      else if (is_name(&t, "si") && in_si) {
        in_si = 0;
        goto push;
      }
    }
    continue;
  push:
    if (!cn__grow((void **)&r->sst_off, &r->capsst, r->nsst + 1, sizeof *r->sst_off) ||
        !cn__grow((void **)&r->sst_len, &r->capsstlen, r->nsst + 1, sizeof *r->sst_len)) {
      st = oom(r);
      goto done;
    }
    if (r->sst.len - start > UINT32_MAX) {
      st = bad(r, "%s holds a string over 4 GB", part);
      goto done;
    }
    r->sst_off[r->nsst] = start;
    r->sst_len[r->nsst++] = (uint32_t)(r->sst.len - start);
  }
done:
  cn_free(s);
  return st;
}

/* What a number format code shows, from its first section: a date when it
 * has y, d or m (month) codes, a time with h or s, both a date and time;
 * text in quotes, escaped characters and [colour] parts do not count,
 * [h] [m] [s] (elapsed time) do. */
static int fmt_kind_of_code(const char *c) {
  int date = 0, time = 0, elapsed = 0;
  for (const char *p = c; *p && *p != ';'; p++) {
    char ch = *p;
    if (ch == '"') {
      const char *q = strchr(p + 1, '"');
      if (!q) break;
      p = q;
    } else if (ch == '\\' || ch == '_' || ch == '*') {
      if (!p[1]) break;
      p++;
    } else if (ch == '[') {
      const char *q = strchr(p + 1, ']');
      if (!q) break;
      char e = (char)(p[1] | 0x20);
      if (q - p >= 2 && (e == 'h' || e == 'm' || e == 's') && (p[2] == ']' || (p[2] | 0x20) == e))
        time = elapsed = 1;
      p = q;
    } else {
      ch = (char)(ch | 0x20);
      if (ch == 'y' || ch == 'd') date = 1;
      else if (ch == 'h' || ch == 's') time = 1;
      else if (ch == 'm') date |= 2; /* month, unless there is a time */
      else if (ch == 'e' && (p == c || (p[-1] | 0x20) != 'g')) {
        /* "e" is a year code in some locales; 0.00E+00 is not: E follows digits */
        if (!(p > c && (p[-1] == '0' || p[-1] == '#' || p[-1] == '.'))) date = 1;
      }
    }
  }
  if (date & 2) date = time ? date & 1 : 1;
  return date && time ? F_DATETIME : date ? F_DATE : elapsed ? F_DURATION : time ? F_TIME : F_NUM;
}

/* What a built-in number format id shows (ECMA-376 18.8.30): 14–17 dates,
 * 18–21 times, 22 date and time, 45 and 47 times, 46 ([h]:mm:ss) a
 * duration; the East Asian ids 27–31, 36, 50–58 are dates and 32–35
 * times. */
static int fmt_kind_builtin(unsigned id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58))
    return F_DATE;
  if (id == 46) return F_DURATION;
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || id == 45 || id == 47) return F_TIME;
  if (id == 22) return F_DATETIME;
  return F_NUM;
}

static int fmt_kind(const xrd *r, unsigned id) {
  for (size_t i = 0; i < r->ncf; i++)
    if (r->cf_id[i] == id) return r->cf_kind[i];
  return id < 164 ? fmt_kind_builtin(id) : F_NUM;
}

/* Reads the custom number formats and, per cell style (<cellXfs><xf>), its
 * number format id. */
static cn_status read_styles(xrd *r, const char *part) {
  char *s = NULL;
  size_t n;
  cn_buf b = {0};
  cn_status st = zip_get(r, part, &s, &n);
  if (st != CN_OK || !s) goto done;
  xml x = {.r = r, .part = part, .s = s, .p = s, .end = s + n};
  xtok t;
  int in_xfs = 0;
  while ((st = xml_next(&x, &t)) == CN_OK && t.kind != XT_EOF) {
    const char *v;
    size_t vn;
    if (t.kind == XT_END && is_name(&t, "cellXfs")) in_xfs = 0;
    if (t.kind != XT_START) continue;
    if (is_name(&t, "cellXfs")) in_xfs = !t.empty;
    else if (is_name(&t, "numFmt")) {
      int64_t id = xattr(&t, "numFmtId", false, &v, &vn) ? attr_uint(v, vn) : -1;
      if (id < 0 || id > 65535 || !xattr(&t, "formatCode", false, &v, &vn)) continue;
      if ((st = xattr_text(&x, v, vn, &b)) != CN_OK) goto done;
      if (!cn__grow((void **)&r->cf_id, &r->capcf, r->ncf + 1, sizeof *r->cf_id) ||
          !cn__grow((void **)&r->cf_kind, &r->capcfk, r->ncf + 1, sizeof *r->cf_kind) ||
          !cn__grow((void **)&r->cf_code, &r->capcfc, r->ncf + 1, sizeof *r->cf_code)) {
        st = oom(r);
        goto done;
      }
      r->cf_code[r->ncf] = r->cf_text.len;
      if (!cn__buf_append(&r->cf_text, b.data ? b.data : "", b.len) ||
          !cn__buf_append(&r->cf_text, "", 1)) {
        st = oom(r);
        goto done;
      }
      r->cf_id[r->ncf] = (uint16_t)id;
      r->cf_kind[r->ncf++] = (uint8_t)fmt_kind_of_code(b.data ? b.data : "");
    } else if (in_xfs && is_name(&t, "xf")) {
      int64_t id = xattr(&t, "numFmtId", false, &v, &vn) ? attr_uint(v, vn) : 0;
      if (!cn__grow((void **)&r->xf_fmt, &r->capxf, r->nxf + 1, sizeof *r->xf_fmt)) {
        st = oom(r);
        goto done;
      }
      r->xf_fmt[r->nxf++] = (uint16_t)(id < 0 || id > 65535 ? 0 : id);
    }
  }
done:
  cn_free(s);
  cn__buf_free(&b);
  return st;
}

/* ---- the sheet ---- */

/* "B7" for (row 6, col 1), 0-based. */
static void cell_ref(int32_t row, int32_t col, char *buf, size_t n) {
  char letters[8];
  int k = 0;
  for (int32_t c = col + 1; c > 0 && k < 7; c = (c - 1) / 26) letters[k++] = (char)('A' + (c - 1) % 26);
  char rev[8];
  for (int i = 0; i < k; i++) rev[i] = letters[k - 1 - i];
  rev[k] = '\0';
  snprintf(buf, n, "%s%ld", rev, (long)row + 1);
}

/* A data error at a cell of the sheet being read. */
static cn_status cell_err(xrd *r, int32_t row, int32_t col, const char *fmt, const char *arg) {
  char ref[24], msg[400];
  cell_ref(row, col, ref, sizeof ref);
  snprintf(msg, sizeof msg, fmt, arg);
  cn_diag_at(r->d, CN_EDATA, r->name, 0, 0, "sheet \"%s\": cell %s: %s", r->sheet, ref, msg);
  return CN_EDATA;
}

/* Parses a reference "B7" into 0-based row and column; false when it is
 * not one inside Excel's grid. */
static bool parse_ref(const char *s, size_t n, int32_t *row, int32_t *col) {
  size_t i = 0;
  int64_t c = 0, rw = 0;
  while (i < n && s[i] == '$') i++;
  size_t l0 = i;
  while (i < n && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') && i - l0 < 4)
    c = c * 26 + ((s[i++] | 0x20) - 'a' + 1);
  if (i == l0 || c > XLSX_MAX_COLS) return false;
  if (i < n && s[i] == '$') i++;
  size_t d0 = i;
  while (i < n && s[i] >= '0' && s[i] <= '9' && i - d0 < 8) rw = rw * 10 + (s[i++] - '0');
  if (i == d0 || i != n || rw < 1 || rw > XLSX_MAX_ROWS) return false;
  *row = (int32_t)(rw - 1);
  *col = (int32_t)(c - 1);
  return true;
}

static void trim(const char **s, size_t *n) {
  while (*n && xspace((*s)[*n - 1])) (*n)--;
  while (*n && xspace(**s)) (*s)++, (*n)--;
}

/* Trims spaces and tabs, as the CSV reader does before it types a field. */
static void trim_blank(const char **s, size_t *n) {
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
  while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
}

typedef struct sheet_counts {
  int64_t errors, no_value;
  int32_t err_row, err_col, nv_row, nv_col;
  char err_text[32];
} sheet_counts;

/* Stores the cell just read: type t (the t attribute), style xf, text v
 * (its <v>, or <is> text), has_v when it had a value at all. */
static cn_status put_cell(xrd *r, int32_t row, int32_t col, const char *t, size_t tn,
                          int64_t xf, const char *v, size_t vn, bool has_v, bool has_f,
                          sheet_counts *cnt) {
  xcell c = {.row = row, .col = col};
  const char *tv = v;
  size_t tvn = vn;
  trim(&tv, &tvn);
#define T_IS(lit) (tn == sizeof lit - 1 && !memcmp(t, lit, tn))
  if (!has_v || (tvn == 0 && !T_IS("inlineStr") && !T_IS("str") && !T_IS("d"))) {
    if (has_f && cnt->no_value++ == 0) cnt->nv_row = row, cnt->nv_col = col;
    return CN_OK; /* an empty cell: missing */
  }
  if (tn == 0 || T_IS("n")) {
    unsigned id = xf >= 0 && (size_t)xf < r->nxf ? r->xf_fmt[xf] : 0;
    int fk = fmt_kind(r, id);
    if (fk == F_NUM && cn__parse_int64(tv, tvn, &c.v.i)) {
      c.kind = K_INT;
    } else if (cn__parse_double(tv, tvn, &c.v.x)) {
      c.kind = fk == F_NUM ? K_DBL : K_DATE;
      c.fmt = (uint8_t)fk;
      c.numfmt = (uint16_t)id;
    } else {
      int k = tvn > 40 ? 40 : (int)tvn;
      while (k > 0 && (tv[k] & 0xC0) == 0x80) k--;
      char shown[48];
      snprintf(shown, sizeof shown, "%.*s", k, tv);
      return cell_err(r, row, col, "\"%s\" is not a number (the cell's type is number)", shown);
    }
  } else if (T_IS("s")) {
    int64_t k = attr_uint(tv, tvn);
    if (k < 0 || (uint64_t)k >= r->nsst) {
      char msg[64];
      snprintf(msg, sizeof msg, "%zu", r->nsst);
      return cell_err(r, row, col, "refers to a shared string that does not exist (the "
                                   "workbook has %s)", msg);
    }
    if (r->sst_len[k] == 0) return CN_OK;
    c.kind = K_SST;
    c.off = (uint64_t)k;
  } else if (T_IS("b")) {
    if (tvn == 1 && (tv[0] == '0' || tv[0] == '1')) c.v.i = tv[0] - '0';
    else if (tvn == 4 && !memcmp(tv, "true", 4)) c.v.i = 1;
    else if (tvn == 5 && !memcmp(tv, "false", 5)) c.v.i = 0;
    else return cell_err(r, row, col, "%s", "a boolean cell whose value is not 0 or 1");
    c.kind = K_BOOL;
  } else if (T_IS("e")) {
    if (cnt->errors++ == 0) {
      cnt->err_row = row, cnt->err_col = col;
      int k = tvn > 30 ? 30 : (int)tvn;
      while (k > 0 && (tv[k] & 0xC0) == 0x80) k--;
      snprintf(cnt->err_text, sizeof cnt->err_text, "%.*s", k, tv);
    }
    c.kind = K_ERR;
  } else if (T_IS("inlineStr") || T_IS("str") || T_IS("d")) {
    if (vn == 0) return CN_OK;
    if (vn > UINT32_MAX) return cell_err(r, row, col, "%s", "a text over 4 GB");
    c.kind = K_TEXT;
    c.off = r->text.len;
    c.len = (uint32_t)vn;
    if (!cn__buf_append(&r->text, v, vn)) return oom(r);
  } else {
    char ty[24];
    snprintf(ty, sizeof ty, "%.*s", tn > 16 ? 16 : (int)tn, t);
    return cell_err(r, row, col, "an unknown cell type t=\"%s\"", ty);
  }
#undef T_IS
  if (!cn__grow((void **)&r->cells, &r->capcell, r->ncell + 1, sizeof *r->cells)) return oom(r);
  r->cells[r->ncell++] = c;
  return CN_OK;
}

/* Reads the cells of a sheet part into r->cells, in row-major order. */
static cn_status read_sheet(xrd *r, const char *part, sheet_counts *cnt) {
  char *s = NULL;
  size_t n;
  cn_buf v = {0};
  cn_status st = zip_get(r, part, &s, &n);
  if (st != CN_OK) goto done;
  if (!s) {
    st = bad(r, "the archive has no part %s, where the workbook says the sheet is", part);
    goto done;
  }
  xml x = {.r = r, .part = part, .s = s, .p = s, .end = s + n};
  xtok t;
  int in_data = 0, in_row = 0, in_c = 0, in_v = 0, in_is = 0, in_t = 0, rph = 0, has_v = 0,
      has_f = 0;
  int32_t row = -1, col = -1;
  const char *ty = NULL;
  size_t tyn = 0;
  int64_t xf = 0;
  while ((st = xml_next(&x, &t)) == CN_OK && t.kind != XT_EOF) {
    const char *a;
    size_t an;
    if (t.kind == XT_START) {
      if (is_name(&t, "sheetData")) {
        in_data = !t.empty;
      } else if (in_data && !in_row && is_name(&t, "row")) {
        int32_t rw = row + 1;
        if (xattr(&t, "r", false, &a, &an)) {
          int64_t k = attr_uint(a, an);
          if (k < 1 || k > XLSX_MAX_ROWS) {
            st = xml_err(&x, t.attr, "%s", "a row number outside 1..1048576");
            goto done;
          }
          rw = (int32_t)(k - 1);
        }
        if (rw <= row) {
          char msg[64];
          snprintf(msg, sizeof msg, "row %ld comes after row %ld", (long)rw + 1, (long)row + 1);
          st = xml_err(&x, t.attr, "%s: rows out of order or repeated", msg);
          goto done;
        }
        if (rw >= XLSX_MAX_ROWS) {
          st = xml_err(&x, t.attr, "%s", "more than 1048576 rows");
          goto done;
        }
        row = rw;
        col = -1;
        in_row = !t.empty;
      } else if (in_row && !in_c && is_name(&t, "c")) {
        int32_t cr = row, cc = col + 1;
        if (xattr(&t, "r", false, &a, &an)) {
          if (!parse_ref(a, an, &cr, &cc)) {
            st = xml_err(&x, t.attr, "%s", "a cell reference that is not one (as B7)");
            goto done;
          }
          if (cr != row) {
            st = cell_err(r, cr, cc, "%s", "the cell is stored in another row");
            goto done;
          }
          if (cc <= col) {
            st = cell_err(r, cr, cc, "%s", "the cell comes after a cell to its right (cells "
                                           "out of order or repeated)");
            goto done;
          }
        }
        if (cc >= XLSX_MAX_COLS) {
          st = xml_err(&x, t.attr, "%s", "more than 16384 columns");
          goto done;
        }
        col = cc;
        ty = NULL, tyn = 0, xf = 0;
        if (xattr(&t, "t", false, &a, &an)) ty = a, tyn = an;
        if (xattr(&t, "s", false, &a, &an)) xf = attr_uint(a, an);
        v.len = 0;
        has_v = has_f = 0;
        in_c = !t.empty;
      } else if (in_c && is_name(&t, "v")) {
        has_v = 1;
        in_v = !t.empty;
      } else if (in_c && is_name(&t, "f")) {
        has_f = 1;
      } else if (in_c && is_name(&t, "is")) {
        has_v = 1;
        in_is = !t.empty;
      } else if (in_is && is_name(&t, "rPh") && !t.empty) {
        rph++;
      } else if (in_is && !rph && is_name(&t, "t")) {
        in_t = !t.empty;
      }
    } else if (t.kind == XT_TEXT) {
      if ((in_v || (in_t && !rph)) &&
          (st = xtext(&x, t.text, t.tlen, t.cdata, in_t, &v)) != CN_OK)
        goto done;
    } else if (t.kind == XT_END) {
      if (is_name(&t, "v")) in_v = 0;
      else if (is_name(&t, "t")) in_t = 0;
      else if (is_name(&t, "rPh") && rph) rph--;
      else if (is_name(&t, "is")) in_is = 0;
      else if (in_c && is_name(&t, "c")) {
        in_c = in_v = in_is = in_t = rph = 0;
        if ((st = put_cell(r, row, col, ty ? ty : "", tyn, xf, v.data ? v.data : "", v.len,
                           has_v, has_f, cnt)) != CN_OK)
          goto done;
      } else if (is_name(&t, "row")) in_row = 0;
      else if (is_name(&t, "sheetData")) in_data = 0;
    }
  }
done:
  cn_free(s);
  cn__buf_free(&v);
  return st;
}

/* ---- cells to columns ---- */

/* An Excel date serial as ISO text ("2001-05-03", "2001-05-03 13:45:00",
 * "13:45:00", a duration "36:00:00") in buf; 0 when it is outside
 * 1900-01-01 .. 9999-12-31. */
static int date_text(const xrd *r, double v, int kind, char *buf, size_t n) {
  if (!(v >= 0) || v >= 2958466) return 0;
  if (kind == F_TIME || kind == F_DURATION) {
    /* a time of day shows the fraction of the day; a duration all hours */
    long long s = llround((kind == F_TIME ? v - floor(v) : v) * 86400);
    if (kind == F_TIME) s %= 86400;
    return snprintf(buf, n, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  }
  double day = floor(v);
  long long secs = kind == F_DATETIME ? llround((v - day) * 86400) : 0;
  if (secs >= 86400) day += 1, secs -= 86400;
  int64_t unix_days;
  if (r->date1904) unix_days = (int64_t)day - 24107;
  else if (day < 1) return 0; /* Excel's day 0, "1900-01-00" */
  else unix_days = (int64_t)day - (day < 60 ? 25568 : 25569);
  time_t tt = (time_t)(unix_days * 86400 + secs);
  struct tm tm;
  if (!gmtime_r(&tt, &tm)) return 0;
  /* day 60 is 1900-02-29, which Excel keeps from Lotus 1-2-3 (1900 was not
   * a leap year): shown as Excel shows it */
  if (!r->date1904 && day == 60) tm.tm_mon = 1, tm.tm_mday = 29;
  if (kind == F_DATETIME)
    return snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return snprintf(buf, n, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The text of a cell as the table shows it in a text column or a header:
 * numbers in their shortest digits, booleans TRUE / FALSE, dates in ISO
 * form, strings as they are; missing (NULL) for errors. */
static const char *cell_text(xrd *r, const xcell *c, char *num, size_t nn, size_t *len) {
  int k;
  switch (c->kind) {
    case K_INT: *len = (size_t)snprintf(num, nn, "%lld", (long long)c->v.i); return num;
    case K_DBL: *len = (size_t)cn__fmt_double(c->v.x, num, nn); return num;
    case K_BOOL: *len = c->v.i ? 4 : 5; return c->v.i ? "TRUE" : "FALSE";
    case K_DATE:
      if ((k = date_text(r, c->v.x, c->fmt, num, nn)) > 0) {
        *len = (size_t)k;
        return num;
      }
      *len = (size_t)cn__fmt_double(c->v.x, num, nn);
      return num;
    case K_TEXT: *len = c->len; return r->text.data + c->off;
    case K_SST: *len = r->sst_len[c->off]; return r->sst.data + r->sst_off[c->off];
  }
  *len = 0;
  return NULL;
}

static const char *const default_na[] = {"", "NA", "."};

static bool is_na(const cn_read_opts *o, const char *s, size_t n) {
  const char *const *tok = o->na_strings ? o->na_strings : default_na;
  int k = o->na_strings ? o->n_na_strings : 3;
  if (n == 0) return true;
  for (int i = 0; i < k; i++)
    if (strlen(tok[i]) == n && !memcmp(tok[i], s, n)) return true;
  return false;
}

static bool wants_string(const cn_read_opts *o, const char *name) {
  for (int i = 0; i < o->n_string_cols; i++)
    if (!strcmp(o->string_cols[i], name)) return true;
  return false;
}

#define WHY_DATE 100 /* a column made text by a date, beside the CN__TEXT_* kinds */

/* Per column, what the inference saw. */
typedef struct colinfo {
  cn_type type;
  int64_t nums;      /* numbers before the first text */
  int why;           /* what made it text: CN__TEXT_BIGINT, CN__TEXT_STR, WHY_DATE */
  int32_t row, col;  /* and where */
  const xcell *cell;
} colinfo;

static void add_note(xrd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(xrd *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cn__buf_vprintf(&r->notes, fmt, ap);
  va_end(ap);
  cn__buf_append(&r->notes, "", 1);
}

/* Builds the table from r->cells (row-major). */
static cn_status build(xrd *r, cn_table **out, const sheet_counts *cnt) {
  cn_status st = CN_OK;
  cn_table *t = NULL;
  colinfo *ci = NULL;
  char **names = NULL;
  cn_strmap seen = {0}; /* the column names so far */
  int ncol = 0;
  char num[64], ref[24];
  const cn_read_opts *o = r->o;
  if (r->ncell == 0) {
    cn_diag_at(r->d, CN_EDATA, r->name, 0, 0, "sheet \"%s\" is empty: no header row", r->sheet);
    return CN_EDATA;
  }
  int32_t minc = XLSX_MAX_COLS, maxc = -1;
  for (size_t i = 0; i < r->ncell; i++) {
    if (r->cells[i].col < minc) minc = r->cells[i].col;
    if (r->cells[i].col > maxc) maxc = r->cells[i].col;
  }
  ncol = maxc - minc + 1;
  int32_t first = r->cells[0].row;
  size_t body = 0; /* the first data cell */
  if (!o->no_header)
    while (body < r->ncell && r->cells[body].row == first) body++;
  names = cn_calloc((size_t)ncol, sizeof *names);
  ci = cn_calloc((size_t)ncol, sizeof *ci);
  if (!names || !ci) {
    st = oom(r);
    goto done;
  }
  for (size_t i = 0; i < body; i++) {
    const xcell *c = &r->cells[i];
    size_t n;
    const char *s = cell_text(r, c, num, sizeof num, &n);
    if (s && n && !(names[c->col - minc] = cn_strndup(s, n))) {
      st = oom(r);
      goto done;
    }
  }
  for (int j = 0; j < ncol; j++) {
    if (!names[j]) {
      snprintf(num, sizeof num, "v%d", j + 1);
      if (!(names[j] = cn_strdup(num))) {
        st = oom(r);
        goto done;
      }
    }
    /* a repeated name: its first column's id (ids are given in order) */
    int32_t i = cn__strmap_intern(&seen, names[j], strlen(names[j]));
    if (i < 0) {
      st = oom(r);
      goto done;
    }
    if (i != j) {
      char msg[64];
      snprintf(msg, sizeof msg, "column %d repeats the name \"%%s\" of column %d", j + 1, i + 1);
      st = cell_err(r, first, minc + j, msg, names[j]);
      cn_diag_hint(r->d, "give every column a distinct name in the header row");
      goto done;
    }
    ci[j].type = wants_string(o, names[j]) ? CN_STRING : CN_INT64;
  }
  /* the types, as the CSV reader would infer them from the texts */
  int64_t nrow = 0;
  for (size_t i = body; i < r->ncell; i++) {
    const xcell *c = &r->cells[i];
    colinfo *k = &ci[c->col - minc];
    if (i == body || c->row != r->cells[i - 1].row) nrow++;
    if (k->type == CN_STRING) continue;
    int what = 0;
    if (c->kind == K_INT || c->kind == K_BOOL) what = CN__TEXT_INT;
    else if (c->kind == K_DBL) what = CN__TEXT_DBL;
    else if (c->kind == K_DATE) what = WHY_DATE;
    else if (c->kind == K_TEXT || c->kind == K_SST) {
      size_t n;
      const char *s = cell_text(r, c, num, sizeof num, &n);
      int64_t iv;
      double dv;
      trim_blank(&s, &n);
      if (is_na(o, s, n)) continue;
      what = cn__text_kind(s, n, &iv, &dv);
    }
    if (what == CN__TEXT_INT || what == CN__TEXT_DBL) {
      k->nums++;
      if (what == CN__TEXT_DBL) k->type = CN_DOUBLE;
    } else if (what) {
      k->type = CN_STRING;
      k->why = what;
      k->cell = c;
    }
  }
  int64_t span = r->cells[r->ncell - 1].row - first + (o->no_header ? 1 : 0);
  int64_t blank = body < r->ncell ? span - nrow : 0;

  t = cn_table_new(0);
  if (!t) {
    st = oom(r);
    goto done;
  }
  for (int j = 0; j < ncol; j++) {
    cn_column *c = cn__col_new(names[j], ci[j].type);
    if (!c || !cn__table_append(t, c)) {
      cn__col_free(c);
      st = oom(r);
      goto done;
    }
    if (!cn__col_reserve(c, nrow > 0 ? nrow : 1)) {
      st = oom(r);
      goto done;
    }
    for (int64_t i = 0; i < nrow; i++) {
      if (c->type == CN_STRING) c->codes[i] = CN_NA_CODE;
      else if (c->type == CN_INT64) c->i64[i] = CN_NA_INT64;
      else c->dbl[i] = NAN;
    }
  }
  int64_t ri = -1;
  for (size_t i = body; i < r->ncell; i++) {
    const xcell *x = &r->cells[i];
    if (i == body || x->row != r->cells[i - 1].row) {
      ri++;
      if (ri > 0 && (ri & (CN__PLAIN_MIN_ROWS - 1)) == 0)
        for (int j = 0; j < ncol; j++) cn__col_check_plain(t->cols[j], ri);
    }
    cn_column *c = t->cols[x->col - minc];
    if (x->kind == K_ERR) continue;
    size_t n;
    const char *s = cell_text(r, x, num, sizeof num, &n);
    if (c->type == CN_STRING) {
      if ((x->kind == K_TEXT || x->kind == K_SST) && is_na(o, s, n)) continue;
      int32_t code = cn__col_level(c, s, n);
      if (code < 0) {
        st = oom(r);
        goto done;
      }
      c->codes[ri] = code;
      continue;
    }
    int64_t iv = 0;
    double dv = 0;
    int what = CN__TEXT_INT;
    if (x->kind == K_INT || x->kind == K_BOOL) iv = x->v.i;
    else if (x->kind == K_DBL) what = CN__TEXT_DBL, dv = x->v.x;
    else {
      trim_blank(&s, &n);
      if (is_na(o, s, n)) continue;
      what = cn__text_kind(s, n, &iv, &dv);
    }
    if (c->type == CN_INT64) c->i64[ri] = iv;
    else c->dbl[ri] = what == CN__TEXT_INT ? (double)iv : dv;
  }
  t->nrow = nrow;

  /* the notes, given only when the read succeeds */
  if (minc > 0 || first > 0) {
    cell_ref(first, minc, ref, sizeof ref);
    add_note(r, "%s: sheet \"%s\": the table starts at cell %s", r->name, r->sheet, ref);
  }
  for (int j = 0; j < ncol; j++) {
    const colinfo *k = &ci[j];
    if (!k->cell) continue;
    cell_ref(k->cell->row, k->cell->col, ref, sizeof ref);
    if (k->why == WHY_DATE) {
      const char *form = k->cell->fmt == F_TIME       ? "HH:MM:SS"
                         : k->cell->fmt == F_DURATION ? "HH:MM:SS (hours in all)"
                         : k->cell->fmt == F_DATETIME ? "YYYY-MM-DD HH:MM:SS"
                                                      : "YYYY-MM-DD";
      const char *code = NULL;
      for (size_t i = 0; i < r->ncf; i++)
        if (r->cf_id[i] == k->cell->numfmt) code = r->cf_text.data + r->cf_code[i];
      char fmt[80];
      if (code)
        snprintf(fmt, sizeof fmt, "\"%.*s\"", (int)cn__utf8_valid(code, strlen(code) > 60 ? 60 : strlen(code)), code);
      else
        snprintf(fmt, sizeof fmt, "%u, built in", (unsigned)k->cell->numfmt);
      add_note(r, "%s: sheet \"%s\": cell %s: column \"%s\" holds dates (number format %s): "
               "read as text %s", r->name, r->sheet, ref, names[j], fmt, form);
      continue;
    }
    size_t n;
    const char *s = cell_text(r, k->cell, num, sizeof num, &n);
    size_t shown = cn__utf8_valid(s, n > 40 ? 40 : n);
    if (k->why == CN__TEXT_BIGINT)
      add_note(r, "%s: sheet \"%s\": cell %s: column \"%s\" is read as text: %.*s%s is an "
               "integer too long for 64 bits, kept with all its digits (a double would round "
               "it)", r->name, r->sheet, ref, names[j], (int)shown, s, shown < n ? "..." : "");
    else if (k->nums > 0)
      add_note(r, "%s: sheet \"%s\": cell %s: column \"%s\" is read as text: \"%.*s%s\" is not "
               "a number (after %lld number%s in that column; --na names missing codes)", r->name, r->sheet, ref,
               names[j], (int)shown, s, shown < n ? "..." : "", (long long)k->nums,
               k->nums == 1 ? "" : "s");
  }
  if (cnt->errors) {
    cell_ref(cnt->err_row, cnt->err_col, ref, sizeof ref);
    add_note(r, "%s: sheet \"%s\": cell %s holds the error %s, read as missing (%lld error "
             "cell%s in all)", r->name, r->sheet, ref, cnt->err_text, (long long)cnt->errors,
             cnt->errors == 1 ? "" : "s");
  }
  if (cnt->no_value) {
    cell_ref(cnt->nv_row, cnt->nv_col, ref, sizeof ref);
    add_note(r, "%s: sheet \"%s\": cell %s holds a formula without a stored result, read as "
             "missing (%lld such cell%s; save the workbook in Excel to compute them)", r->name,
             r->sheet, ref, (long long)cnt->no_value, cnt->no_value == 1 ? "" : "s");
  }
  if (blank > 0)
    add_note(r, "%s: sheet \"%s\": skipped %lld empty row%s", r->name, r->sheet,
             (long long)blank, blank == 1 ? "" : "s");
  if (r->notes.failed) {
    st = oom(r);
    goto done;
  }
  *out = t;
  t = NULL;
done:
  cn_table_free(t);
  for (int j = 0; names && j < ncol; j++) cn_free(names[j]);
  cn_free(names);
  cn_free(ci);
  cn__strmap_free(&seen);
  return st;
}

/* Which sheet o->sheet names: by name, else by its 1-based position;
 * the first sheet by default. -1 with r->d filled when there is none. */
static long pick_sheet(xrd *r) {
  const char *want = r->o->sheet;
  if (r->nsheet == 0) {
    bad(r, "%s", "the workbook has no sheets");
    return -1;
  }
  if (!want) return 0;
  for (size_t i = 0; i < r->nsheet; i++)
    if (!strcmp(r->sheets[i].name, want)) return (long)i;
  char *end;
  errno = 0;
  long k = strtol(want, &end, 10);
  if (*want >= '0' && *want <= '9' && !*end && !errno && k >= 1 && (size_t)k <= r->nsheet)
    return k - 1;
  cn_buf b = {0};
  const char *best = NULL;
  int bd = 99;
  for (size_t i = 0; i < r->nsheet; i++) {
    const char *nm = r->sheets[i].name;
    int dist = strcasecmp(nm, want) == 0 ? 0 : cn_text_distance(want, nm);
    if (dist < bd) bd = dist, best = nm;
    if (i < 20) cn__buf_printf(&b, "%s\"%s\"", i ? ", " : "", nm);
  }
  if (r->nsheet > 20) cn__buf_printf(&b, ", ... (%zu in all)", r->nsheet);
  cn__buf_append(&b, "", 1);
  size_t ln = strlen(want);
  cn_diag_at(r->d, CN_EDATA, r->name, 0, 0, "no sheet \"%s\" in the workbook (its sheets: %s)",
             want, b.failed ? "?" : b.data);
  if (best && bd <= (ln > 8 ? 3 : ln > 3 ? 2 : 1)) cn_diag_hint(r->d, "did you mean --sheet \"%s\"?", best);
  else cn_diag_hint(r->d, "--sheet takes a sheet's name or its number, 1 for the first");
  cn__buf_free(&b);
  return -1;
}

/* Takes the whole file into r->file. */
static cn_status slurp(xrd *r, const char *path) {
  cn_status st = CN_OK;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return cn_diag_at(r->d, CN_EDATA, r->name, 0, 0, "cannot open: %s", strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    st = cn_diag_at(r->d, CN_EDATA, r->name, 0, 0, "is a directory, not a data file");
    goto done;
  }
  size_t cap = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0
                   ? (size_t)sb.st_size + 1 : 65536;
  if (!(r->file = cn_malloc(cap))) {
    st = oom(r);
    goto done;
  }
  for (;;) {
    if (r->fsize == cap) {
      unsigned char *nb = cn_realloc(r->file, cap * 2);
      if (!nb) {
        st = oom(r);
        goto done;
      }
      r->file = nb;
      cap *= 2;
    }
    ssize_t k = read(fd, r->file + r->fsize, cap - r->fsize);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      st = cn_diag_at(r->d, CN_EDATA, r->name, 0, 0, "read error: %s", strerror(errno));
      goto done;
    }
    if (k == 0) break;
    r->fsize += (size_t)k;
  }
done:
  close(fd);
  return st;
}

cn_status cn_table_read_xlsx(const char *path, const cn_read_opts *o, cn_table **out,
                             cn_diag *d) {
  cn_read_opts def;
  if (!o) {
    cn_read_opts_init(&def);
    o = &def;
  }
  *out = NULL;
  cn_diag_clear(d);
  xrd r;
  memset(&r, 0, sizeof r);
  r.name = o->display_name ? o->display_name : path;
  r.o = o;
  r.d = d;
  pkg_paths pp = {0};
  char *rels = NULL;
  sheet_counts cnt = {0};
  cn_status st = slurp(&r, path);
  if (st != CN_OK) goto done;
  r.budget = (uint64_t)r.fsize * XLSX_RATIO;
  if (r.budget < XLSX_MIN_BUDGET) r.budget = XLSX_MIN_BUDGET;
  if ((st = zip_open(&r)) != CN_OK) goto done;
  if ((st = read_rels(&r, "_rels/.rels", on_root_rel, &pp)) != CN_OK) goto done;
  if (!pp.workbook && !(pp.workbook = cn_strdup("xl/workbook.xml"))) {
    st = oom(&r);
    goto done;
  }
  if ((st = read_workbook(&r, pp.workbook)) != CN_OK) goto done;
  /* the workbook's relationships: <dir>/_rels/<name>.rels */
  const char *slash = strrchr(pp.workbook, '/');
  size_t dl = slash ? (size_t)(slash - pp.workbook) + 1 : 0;
  char *dir = cn_strndup(pp.workbook, dl);
  rels = cn_malloc(strlen(pp.workbook) + 16);
  if (!dir || !rels) {
    cn_free(dir);
    st = oom(&r);
    goto done;
  }
  sprintf(rels, "%.*s_rels/%s.rels", (int)dl, pp.workbook, pp.workbook + dl);
  pp.dir = dir;
  st = read_rels(&r, rels, on_wb_rel, &pp);
  if (st == CN_OK && !pp.sst && !(pp.sst = resolve(dir, "sharedStrings.xml"))) st = oom(&r);
  if (st == CN_OK && !pp.styles && !(pp.styles = resolve(dir, "styles.xml"))) st = oom(&r);
  for (size_t i = 0; st == CN_OK && i < r.nsheet; i++) {
    /* a sheet without a relationship: the usual name of its part */
    char nm[48];
    if (r.sheets[i].path) continue;
    snprintf(nm, sizeof nm, "worksheets/sheet%zu.xml", i + 1);
    if (!(r.sheets[i].path = resolve(dir, nm))) st = oom(&r);
  }
  cn_free(dir);
  pp.dir = NULL;
  if (st != CN_OK) goto done;
  long k = pick_sheet(&r);
  if (k < 0) {
    st = CN_EDATA;
    goto done;
  }
  r.sheet = r.sheets[k].name;
  if (r.sheets[k].chart) {
    cn_diag_at(d, CN_EDATA, r.name, 0, 0, "sheet \"%s\" is a chart, not a table of cells",
               r.sheet);
    st = CN_EDATA;
    goto done;
  }
  if ((st = read_sst(&r, pp.sst)) != CN_OK || (st = read_styles(&r, pp.styles)) != CN_OK ||
      (st = read_sheet(&r, r.sheets[k].path, &cnt)) != CN_OK || (st = build(&r, out, &cnt)) != CN_OK)
    goto done;
  if (r.nsheet > 1 && !o->sheet)
    add_note(&r, "%s: read sheet \"%s\", the first of %zu (--sheet NAME or N reads another)",
             r.name, r.sheet, r.nsheet);
  for (size_t at = 0; !r.notes.failed && at < r.notes.len; at += strlen(r.notes.data + at) + 1)
    cn__log(CN_LOG_INFO, "%s", r.notes.data + at);
done:
  if (st != CN_OK) {
    cn_table_free(*out);
    *out = NULL;
  }
  for (size_t i = 0; i < r.nsheet; i++) {
    cn_free(r.sheets[i].name);
    cn_free(r.sheets[i].rid);
    cn_free(r.sheets[i].path);
  }
  cn_free(r.sheets);
  cn_free(pp.workbook);
  cn_free(pp.sst);
  cn_free(pp.styles);
  cn_free(rels);
  cn_free(r.file);
  cn_free(r.ent);
  cn__buf_free(&r.sst);
  cn_free(r.sst_off);
  cn_free(r.sst_len);
  cn_free(r.xf_fmt);
  cn_free(r.cf_id);
  cn_free(r.cf_kind);
  cn_free(r.cf_code);
  cn__buf_free(&r.cf_text);
  cn_free(r.cells);
  cn__buf_free(&r.text);
  cn__buf_free(&r.notes);
  return st;
}
