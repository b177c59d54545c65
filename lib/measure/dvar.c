/* lib/measure/dvar.c — the domestic value-added ratio of exports by trade
 * regime (spec/measures.md §1). The customs file is streamed: exports are
 * summed per firm-year as they are read, imports are kept compactly (16
 * bytes a record) until the intermediaries' import shares m_k are known. */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "coinnet/dvar.h"
#include "measure_int.h"
#include "../table/table_int.h"

enum { C_FIRM, C_YEAR, C_HS6, C_FLOW, C_REGIME, C_VALUE, C_NAME, NCC };
enum { REG_PROC = 0, REG_ORD = 1, REG_OTHER = 2 };
#define YEAR_MIN 1900
#define YEAR_MAX 2100
#define NYEAR (YEAR_MAX - YEAR_MIN + 1)
#define NHS 1000000

void cn_dvar_opts_init(cn_dvar_opts *o) { memset(o, 0, sizeof *o); }

bool cn_dvar_is_intermediary(const char *name, size_t len) {
  static const char *const marks[] = {"进出口", "经贸", "贸易", "科贸", "外经", "外贸"};
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
    if (memmem(name, len, marks[i], strlen(marks[i]))) return true;
  return false;
}

/* An import kept until m_k is known: its firm-year, product and regime. */
typedef struct imp {
  int32_t fy;
  int32_t prod; /* dense product-year id << 2 | regime */
  double v;
} imp;

/* Per firm-year sums (raw and adjusted). */
typedef struct fysum {
  int32_t firm, year;
  double x, xp, xo, mp, mo, mpa, mpa_bec, moa_bec;
} fysum;

typedef struct reader {
  FILE *fp;
  const char *path;
  char *buf;
  size_t cap, len, pos; /* buf[pos..len) is unread */
  bool eof;
  int64_t line;         /* line of the record being parsed (1-based) */
  int64_t bytes, total; /* for progress */
} reader;

/* A parsed field: a pointer into the buffer (or into unq for quoted
 * fields with doubled quotes) and its length. */
typedef struct field {
  const char *s;
  size_t n;
} field;

/* Makes sure buf[pos..] holds at least one whole record or the rest of the
 * file: compacts and refills. Returns false on a read error. */
static bool refill(reader *r) {
  if (r->eof) return true;
  if (r->pos) {
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
  }
  if (r->cap - r->len < (1u << 20)) {
    size_t nc = r->cap * 2;
    char *nb = cn_realloc(r->buf, nc + 1);
    if (!nb) return false;
    r->buf = nb;
    r->cap = nc;
  }
  size_t got = fread(r->buf + r->len, 1, r->cap - r->len, r->fp);
  r->len += got;
  r->bytes += (int64_t)got;
  if (got == 0) {
    if (ferror(r->fp)) return false;
    r->eof = true;
  }
  return true;
}

/* Splits the record at buf[pos..] into fields (at most maxf; extra fields
 * are counted in *nf but not stored). Returns 1 with *end just past the
 * record's line end, 0 when the buffer holds no whole record (and the file
 * goes on), -1 for an unterminated quote at end of file. Quoted fields are
 * unquoted in place (doubled quotes collapse). Counts extra lines that
 * quoted newlines add into *nl. */
static int split(reader *r, field *f, int maxf, int *nf, size_t *end, int64_t *nl) {
  char *p = r->buf + r->pos, *e = r->buf + r->len;
  int k = 0;
  *nl = 0;
  for (;;) {
    char *start = p;
    size_t n;
    if (p < e && *p == '"') {
      char *w = ++p;
      start = w;
      for (;;) {
        if (p >= e) return r->eof ? -1 : 0;
        if (*p == '"') {
          if (p + 1 >= e && !r->eof) return 0;
          if (p + 1 < e && p[1] == '"') {
            *w++ = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        if (*p == '\n') (*nl)++;
        *w++ = *p++;
      }
      n = (size_t)(w - start);
      while (p < e && *p != ',' && *p != '\n') p++; /* junk after the quote is ignored */
    } else {
      while (p < e && *p != ',' && *p != '\n') p++;
      n = (size_t)(p - start);
    }
    if (p >= e && !r->eof) return 0;
    if (n && start[n - 1] == '\r' && (p >= e || *p == '\n')) n--;
    if (k < maxf) f[k].s = start, f[k].n = n;
    k++;
    if (p >= e || *p == '\n') {
      *nf = k;
      *end = (size_t)(p - r->buf) + (p < e);
      return 1;
    }
    p++; /* the comma */
  }
}

/* Fills d with an error at field f of the current record (at its start when
 * f is NULL), adding the field's text when got. */
static cn_status field_error(reader *r, const field *f, bool got, cn_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static cn_status field_error(reader *r, const field *f, bool got, cn_diag *d, const char *fmt, ...) {
  const char *line = r->buf + r->pos;
  const char *nlp = memchr(line, '\n', r->len - r->pos);
  size_t len = nlp ? (size_t)(nlp - line) : r->len - r->pos;
  int64_t col = f && f->s >= line && f->s <= line + len ? cn__utf8_chars(line, (size_t)(f->s - line)) + 1 : 1;
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (f && got)
    cn_diag_at(d, CN_EDATA, r->path, r->line, col, "%s, got \"%.*s\"", what, (int)f->n, f->s);
  else
    cn_diag_at(d, CN_EDATA, r->path, r->line, col, "%s", what);
  cn_diag_snippet(d, line, len, col);
  return CN_EDATA;
}

static bool eq_ci(const field *f, const char *s) { return f->n == strlen(s) && strncasecmp(f->s, s, f->n) == 0; }

/* Regime of a customs regime text: English names or Chinese customs names
 * (一般贸易; 进料加工 / 来料加工 ...). -1 when missing. */
static int regime_of(const field *f) {
  if (!f->n) return -1;
  if (eq_ci(f, "processing")) return REG_PROC;
  if (eq_ci(f, "ordinary")) return REG_ORD;
  if (memmem(f->s, f->n, "一般贸易", strlen("一般贸易"))) return REG_ORD;
  if (memmem(f->s, f->n, "加工", strlen("加工"))) return REG_PROC;
  return REG_OTHER;
}

/* Parses an HS code: 6 or more digits (dots ignored), the first 6 used;
 * -1 when malformed. */
static int32_t hs_of(const field *f) {
  int32_t code = 0;
  int digits = 0;
  for (size_t i = 0; i < f->n; i++) {
    char c = f->s[i];
    if (c == '.') continue;
    if (c < '0' || c > '9') return -1;
    if (digits < 6) code = code * 10 + (c - '0');
    digits++;
  }
  return digits >= 6 ? code : -1;
}

/* Parses a value: plain digits fast, else the C-locale decimal parser. */
static bool value_of(const field *f, double *v) {
  if (f->n && f->n <= 15) {
    int64_t x = 0;
    size_t i = 0;
    for (; i < f->n && f->s[i] >= '0' && f->s[i] <= '9'; i++) x = x * 10 + (f->s[i] - '0');
    if (i == f->n) {
      *v = (double)x;
      return true;
    }
  }
  return cn__parse_double(f->s, f->n, v);
}

static const char *col_or(const char *c, const char *def) { return c ? c : def; }

/* Finds the customs columns in the header line; name is optional. */
static cn_status read_header(reader *r, const cn_dvar_cols *c, int *pos, int *ncol, cn_diag *d) {
  field f[256];
  int nf;
  size_t end;
  int64_t nl;
  int rc;
  while ((rc = split(r, f, 256, &nf, &end, &nl)) == 0)
    if (!refill(r)) return cn_diag_at(d, CN_EDATA, r->path, 0, 0, "read error: %s", strerror(errno));
  if (rc < 0) return field_error(r, NULL, false, d, "unterminated quote in the header");
  if (nf == 1 && f[0].n == 0) return cn_diag_at(d, CN_EDATA, r->path, 1, 1, "empty file: expected a header line");
  if (f[0].n >= 3 && memcmp(f[0].s, "\xEF\xBB\xBF", 3) == 0) f[0].s += 3, f[0].n -= 3;
  const char *want[NCC] = {col_or(c->firm, "firm"),     col_or(c->year, "year"),   col_or(c->hs6, "hs6"),
                           col_or(c->flow, "flow"),     col_or(c->regime, "regime"), col_or(c->value, "value"),
                           col_or(c->name, "name")};
  for (int k = 0; k < NCC; k++) {
    pos[k] = -1;
    for (int j = 0; j < nf && j < 256; j++)
      if (f[j].n == strlen(want[k]) && memcmp(f[j].s, want[k], f[j].n) == 0) pos[k] = j;
    if (pos[k] < 0 && (k != C_NAME || c->name)) {
      cn_status st = field_error(r, NULL, false, d, "the customs header has no column \"%s\"", want[k]);
      cn_diag_hint(d, "columns firm, year, hs6, flow, regime, value (rename with --col-NAME OTHER)");
      return st;
    }
  }
  *ncol = nf;
  r->pos = end;
  r->line += 1 + nl;
  return CN_OK;
}

/* Everything the computation holds; released by state_free. */
typedef struct state {
  cn_strmap firms;         /* customs firm texts → ids */
  uint8_t *inter;          /* per firm id: 1 intermediary, 2 producer */
  size_t firmcap;
  uint64_t *hkeys;         /* (firm, year) + 1 → hvals: dense firm-year */
  int32_t *hvals;
  size_t hcap, hn;
  fysum *fs;               /* per producer firm-year */
  size_t nfy, fycap;
  imp *imps;               /* producers' processing and ordinary imports */
  size_t nimp, impcap;
  int32_t *hsid;           /* hs6 → dense code + 1 */
  int32_t *pidx;           /* (dense code, year) → product-year id + 1 */
  size_t nhs, hscap;
  double *mtot, *minter;   /* per product-year: all imports, intermediaries' */
  int32_t *prod_hs, *prod_year;
  size_t nprod, prodcap;
} state;

static void state_free(state *s) {
  cn__strmap_free(&s->firms);
  cn_free(s->inter);
  cn_free(s->hkeys);
  cn_free(s->hvals);
  cn_free(s->fs);
  cn_free(s->imps);
  cn_free(s->hsid);
  cn_free(s->pidx);
  cn_free(s->mtot);
  cn_free(s->minter);
  cn_free(s->prod_hs);
  cn_free(s->prod_year);
}

static size_t fy_slot(const state *s, uint64_t key) {
  return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (s->hcap - 1);
}

/* Dense firm-year of (firm, year), or -1. */
static int32_t fy_get(const state *s, int32_t firm, int year) {
  uint64_t key = ((uint64_t)(uint32_t)firm << 16 | (uint64_t)(year - YEAR_MIN)) + 1;
  for (size_t i = fy_slot(s, key);; i = (i + 1) & (s->hcap - 1)) {
    if (!s->hkeys[i]) return -1;
    if (s->hkeys[i] == key) return s->hvals[i];
  }
}

/* Dense firm-year of (firm, year), added when new; -1 when out of memory. */
static int32_t fy_add(state *s, int32_t firm, int year) {
  uint64_t key = ((uint64_t)(uint32_t)firm << 16 | (uint64_t)(year - YEAR_MIN)) + 1;
  size_t i = fy_slot(s, key);
  for (; s->hkeys[i]; i = (i + 1) & (s->hcap - 1))
    if (s->hkeys[i] == key) return s->hvals[i];
  if (!cn__grow((void **)&s->fs, &s->fycap, s->nfy + 1, sizeof *s->fs)) return -1;
  int32_t fy = (int32_t)s->nfy++;
  memset(&s->fs[fy], 0, sizeof *s->fs);
  s->fs[fy].firm = firm;
  s->fs[fy].year = year;
  s->hkeys[i] = key;
  s->hvals[i] = fy;
  if (++s->hn * 2 > s->hcap) {
    size_t oc = s->hcap;
    uint64_t *ok = s->hkeys;
    int32_t *ov = s->hvals;
    s->hcap *= 2;
    s->hkeys = cn_calloc(s->hcap, sizeof *s->hkeys);
    s->hvals = cn_malloc(s->hcap * sizeof *s->hvals);
    if (!s->hkeys || !s->hvals) {
      cn_free(ok);
      cn_free(ov);
      return -1;
    }
    for (size_t j = 0; j < oc; j++)
      if (ok[j]) {
        size_t t = fy_slot(s, ok[j]);
        while (s->hkeys[t]) t = (t + 1) & (s->hcap - 1);
        s->hkeys[t] = ok[j];
        s->hvals[t] = ov[j];
      }
    cn_free(ok);
    cn_free(ov);
  }
  return fy;
}

/* Product-year id of (year, hs6), added when new; -1 when out of memory. */
static int32_t prod_add(state *s, int year, int32_t hs) {
  int yi = year - YEAR_MIN;
  if (!s->hsid && !(s->hsid = cn_calloc(NHS, sizeof(int32_t)))) return -1;
  if (!s->hsid[hs]) { /* a new code: a row of years in pidx */
    if (s->nhs == s->hscap) {
      size_t nc = s->hscap ? s->hscap * 2 : 1024;
      int32_t *np = cn_realloc(s->pidx, nc * NYEAR * sizeof *np);
      if (!np) return -1;
      memset(np + s->hscap * NYEAR, 0, (nc - s->hscap) * NYEAR * sizeof *np);
      s->pidx = np;
      s->hscap = nc;
    }
    s->hsid[hs] = (int32_t)++s->nhs;
  }
  int32_t *slot = &s->pidx[(size_t)(s->hsid[hs] - 1) * NYEAR + (size_t)yi];
  if (*slot) return *slot - 1;
  if (s->nprod == s->prodcap) {
    size_t nc = s->prodcap ? s->prodcap * 2 : 4096;
    double *a = cn_realloc(s->mtot, nc * sizeof *a);
    if (a) s->mtot = a;
    double *b = cn_realloc(s->minter, nc * sizeof *b);
    if (b) s->minter = b;
    int32_t *c = cn_realloc(s->prod_hs, nc * sizeof *c);
    if (c) s->prod_hs = c;
    int32_t *e = cn_realloc(s->prod_year, nc * sizeof *e);
    if (e) s->prod_year = e;
    if (!a || !b || !c || !e) return -1;
    s->prodcap = nc;
  }
  int32_t p = (int32_t)s->nprod++;
  s->mtot[p] = s->minter[p] = 0;
  s->prod_hs[p] = hs;
  s->prod_year[p] = year;
  *slot = p + 1;
  return p;
}

/* Streams the customs file: exports summed per producer firm-year, imports
 * totalled per product-year (all importers and intermediaries) and the
 * producers' imports kept in s->imps. */
static cn_status read_customs(state *s, const char *path, const cn_dvar_cols *c, cn_dvar_report *rep,
                              cn_diag *d) {
  cn_status st = CN_OK;
  reader r = {0};
  r.path = path;
  if (!(r.fp = fopen(path, "rb"))) return cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot open: %s", strerror(errno));
  if (fseeko(r.fp, 0, SEEK_END) == 0) r.total = ftello(r.fp);
  fseeko(r.fp, 0, SEEK_SET);
  r.cap = 16u << 20;
  r.line = 1;
  int pos[NCC], ncol = 0;
  int64_t nextprog = 0;
  if (!(r.buf = cn_malloc(r.cap + 1))) goto oom;
  if (!refill(&r)) goto ioerr;
  if ((st = read_header(&r, c, pos, &ncol, d)) != CN_OK) goto done;
  while (!(r.eof && r.pos >= r.len)) {
    field f[64];
    int nf;
    size_t end;
    int64_t nl;
    int rc = split(&r, f, 64, &nf, &end, &nl);
    if (rc == 0) {
      if (!refill(&r)) goto ioerr;
      continue;
    }
    if (rc < 0) {
      st = field_error(&r, NULL, false, d, "unterminated quoted field at end of file");
      goto done;
    }
    if (nf == 1 && f[0].n == 0) goto next; /* a blank line */
    rep->records++;
    if (nf != ncol) {
      st = field_error(&r, nf > ncol && ncol < 64 ? &f[ncol] : NULL, false, d,
                       "expected %d fields as in the header, got %d", ncol, nf);
      goto done;
    }
    field *ff = &f[pos[C_FIRM]], *fyr = &f[pos[C_YEAR]], *fh = &f[pos[C_HS6]], *ffl = &f[pos[C_FLOW]],
          *fr = &f[pos[C_REGIME]], *fv = &f[pos[C_VALUE]];
    if (!ff->n || !fyr->n || !fh->n || !ffl->n || !fr->n || !fv->n) {
      rep->rec_missing++;
      goto next;
    }
    int64_t year;
    if (!cn__parse_int64(fyr->s, fyr->n, &year) || year < YEAR_MIN || year > YEAR_MAX) {
      st = field_error(&r, fyr, true, d, "expected a year between 1900 and 2100");
      goto done;
    }
    int32_t hs = hs_of(fh);
    if (hs < 0) {
      st = field_error(&r, fh, true, d, "expected an HS code of 6 or more digits");
      cn_diag_hint(d, "HS codes keep their leading zeros (010111, not 10111)");
      goto done;
    }
    int flow;
    if (eq_ci(ffl, "import") || (ffl->n == 6 && memcmp(ffl->s, "进口", 6) == 0)) flow = 0;
    else if (eq_ci(ffl, "export") || (ffl->n == 6 && memcmp(ffl->s, "出口", 6) == 0)) flow = 1;
    else {
      st = field_error(&r, ffl, true, d, "expected flow import or export (进口 or 出口)");
      goto done;
    }
    double v;
    if (!value_of(fv, &v)) {
      st = field_error(&r, fv, true, d, "expected a number");
      goto done;
    }
    if (v < 0) {
      rep->rec_negative++;
      goto next;
    }
    int reg = regime_of(fr);
    int32_t firm = cn__strmap_intern(&s->firms, ff->s, ff->n);
    if (firm < 0) goto oom;
    if ((size_t)firm >= s->firmcap) {
      size_t nc = s->firmcap ? s->firmcap * 2 : 4096;
      uint8_t *ni = cn_realloc(s->inter, nc);
      if (!ni) goto oom;
      memset(ni + s->firmcap, 0, nc - s->firmcap);
      s->inter = ni;
      s->firmcap = nc;
    }
    if (!s->inter[firm]) { /* first record of the firm: classify its name */
      const field *nm = pos[C_NAME] >= 0 ? &f[pos[C_NAME]] : ff;
      s->inter[firm] = cn_dvar_is_intermediary(nm->s, nm->n) ? 1 : 2;
      if (s->inter[firm] == 1) rep->intermediaries++;
    }
    bool is_inter = s->inter[firm] == 1;
    int32_t p = -1;
    if (flow == 0) { /* every importer counts in m_k's total */
      if ((p = prod_add(s, (int)year, hs)) < 0) goto oom;
      s->mtot[p] += v;
      if (is_inter) s->minter[p] += v;
    }
    if (is_inter) {
      rep->rec_intermediary++;
      goto next;
    }
    int32_t fy = fy_add(s, firm, (int)year);
    if (fy < 0) goto oom;
    fysum *a = &s->fs[fy];
    if (reg == REG_OTHER) {
      rep->rec_other_regime++;
      if (flow == 1) a->x += v;
    } else if (flow == 1) {
      a->x += v;
      if (reg == REG_PROC) a->xp += v;
      else a->xo += v;
    } else {
      if (!cn__grow((void **)&s->imps, &s->impcap, s->nimp + 1, sizeof *s->imps)) goto oom;
      s->imps[s->nimp++] = (imp){fy, p << 2 | reg, v};
    }
  next:
    r.pos = end;
    r.line += 1 + nl;
    if (r.bytes >= nextprog) {
      cn__progress("dvar: reading customs", (double)r.bytes, (double)r.total);
      nextprog = r.bytes + (64 << 20);
    }
  }
  cn__progress("dvar: reading customs", (double)r.total, (double)r.total);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  goto done;
ioerr:
  st = cn_diag_at(d, CN_EDATA, r.path, r.line, 0, "read error: %s", strerror(errno));
done:
  fclose(r.fp);
  cn_free(r.buf);
  return st;
}

/* The intermediaries' shares m_k and the producers' adjusted imports, summed
 * in file order. */
static cn_status adjust_imports(state *s, const cn_bec *bec, cn_dvar_report *rep, cn_diag *d) {
  /* per product-year: the adjustment factor, the BEC weight (-1: absent),
   * whether its year precedes the earliest edition */
  double *fac = cn_malloc((s->nprod ? s->nprod : 1) * sizeof *fac), *w = cn_malloc((s->nprod ? s->nprod : 1) * sizeof *w);
  uint8_t *early = cn_calloc(s->nprod ? s->nprod : 1, 1), *seen = NULL;
  cn_status st = CN_OK;
  if (!fac || !w || !early) goto oom;
  for (size_t p = 0; p < s->nprod; p++) {
    fac[p] = 1 / (1 - s->minter[p] / s->mtot[p]);
    w[p] = cn_bec_weight(bec, s->prod_year[p], s->prod_hs[p]);
    early[p] = cn_bec_edition_year(bec, cn_bec_edition_for(bec, s->prod_year[p])) > s->prod_year[p];
  }
  for (size_t i = 0; i < s->nimp; i++) {
    const imp *m = &s->imps[i];
    int32_t p = m->prod >> 2;
    fysum *a = &s->fs[m->fy];
    double adj = m->v * fac[p], wt = w[p];
    rep->rec_year_no_edition += early[p];
    if (wt < 0) {
      rep->rec_no_bec++;
      wt = 0;
    }
    if ((m->prod & 3) == REG_PROC) {
      a->mp += m->v;
      a->mpa += adj;
      a->mpa_bec += adj * wt;
    } else {
      a->mo += m->v;
      a->moa_bec += adj * wt;
    }
  }
  /* distinct (edition, code) pairs missing from the concordance that
   * producers imported */
  int nd = cn_bec_editions(bec);
  uint8_t *used = cn_calloc(s->nprod ? s->nprod : 1, 1);
  if (!used) goto oom;
  for (size_t i = 0; i < s->nimp; i++) used[s->imps[i].prod >> 2] = 1;
  if (!(seen = cn_calloc((size_t)nd * NHS, 1))) {
    cn_free(used);
    goto oom;
  }
  for (size_t p = 0; p < s->nprod; p++) {
    size_t k = (size_t)cn_bec_edition_for(bec, s->prod_year[p]) * NHS + (size_t)s->prod_hs[p];
    if (used[p] && w[p] < 0 && !seen[k]) seen[k] = 1, rep->codes_no_bec++;
  }
  cn_free(used);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(fac);
  cn_free(w);
  cn_free(early);
  cn_free(seen);
  return st;
}

/* One output row before it goes into the table. */
typedef struct outrow {
  int32_t fy, regime;
  double v[15];
  const char *rule;
} outrow;

enum { O_X, O_D, O_DII, O_MP, O_MO, O_MPA, O_MOA, O_S, O_T1, O_T2, O_DVAR, O_OUT, O_MPAB, O_XP, O_XO, NO };

cn_status cn_measure_dvar(const char *customs_path, const cn_table *firms, const cn_table *theta,
                          const cn_bec *bec, const cn_dvar_opts *o, cn_table **out, cn_dvar_report *rep,
                          cn_diag *d) {
  cn_status st = CN_OK;
  const cn_dvar_cols *c = &o->cols;
  state s = {0};
  cn__theta th = {0};
  int64_t *survey_row = NULL;
  outrow *rows = NULL;
  cn_table *res = NULL;
  cn_buf cell = {0};
  memset(rep, 0, sizeof *rep);
  *out = NULL;

  /* the survey and θ columns first: usage errors before the long read */
  /* the survey and θ tables first: their errors before the long read */
  const char *ft = "firm table";
  int sf = cn__need_col(firms, c->firms_firm ? c->firms_firm : col_or(c->firm, "firm"), ft, d), sy, si, sx, ss, sd;
  if (sf < 0 || (sy = cn__need_num(firms, col_or(c->year, "year"), ft, d)) < 0 ||
      (si = cn__need_col(firms, col_or(c->industry, "industry"), ft, d)) < 0 ||
      (sx = cn__need_num(firms, col_or(c->exports, "exports"), ft, d)) < 0 ||
      (ss = cn__need_num(firms, col_or(c->sales, "sales"), ft, d)) < 0 ||
      (sd = cn__need_num(firms, col_or(c->dii, "dii"), ft, d)) < 0)
    return CN_EUSAGE;
  if ((st = cn__theta_read(theta, col_or(c->industry, "industry"), col_or(c->theta1, "theta1"),
                           col_or(c->theta2, "theta2"), &th, d)) != CN_OK)
    goto done;

  s.hcap = 1u << 16;
  if (!(s.hkeys = cn_calloc(s.hcap, sizeof *s.hkeys)) || !(s.hvals = cn_malloc(s.hcap * sizeof *s.hvals))) goto oom;
  if ((st = read_customs(&s, customs_path, c, rep, d)) != CN_OK) goto done;
  if ((st = adjust_imports(&s, bec, rep, d)) != CN_OK) goto done;
  rep->fy_customs = (int64_t)s.nfy;

  /* the survey rows, one per firm-year, matched by firm text and year */
  int64_t nsv = cn_table_nrow(firms), nout = 0;
  if (!(survey_row = cn_malloc((s.nfy ? s.nfy : 1) * sizeof *survey_row)) ||
      !(rows = cn_malloc((size_t)(nsv ? nsv : 1) * sizeof *rows)))
    goto oom;
  for (size_t i = 0; i < s.nfy; i++) survey_row[i] = -1;
  for (int64_t i = 0; i < nsv; i++) {
    double yv = cn_table_get_num(firms, sy, i);
    int32_t firm = -1, fy = -1;
    if (!cn_table_is_na(firms, sf, i)) { /* the whole id: a cut one could match another firm */
      if (!cn__cell_text(firms, sf, i, &cell)) goto oom;
      firm = cn__strmap_get(&s.firms, cell.data, cell.len);
    }
    if (firm >= 0 && yv >= YEAR_MIN && yv <= YEAR_MAX && yv == floor(yv)) fy = fy_get(&s, firm, (int)yv);
    if (fy < 0) {
      rep->survey_no_customs++;
      continue;
    }
    if (survey_row[fy] >= 0) {
      st = cn_diag_set(d, CN_EDATA, "firms: firm \"%s\" year %g appears twice (rows %lld and %lld)", cell.data, yv,
                       (long long)survey_row[fy] + 1, (long long)i + 1);
      goto done;
    }
    survey_row[fy] = i;
    rows[nout++].fy = fy;
  }
  for (size_t i = 0; i < s.nfy; i++)
    if (survey_row[i] < 0) rep->fy_no_survey++;

  /* DVAR per matched firm-year */
  int64_t k = 0;
  for (int64_t j = 0; j < nout; j++) {
    int32_t fy = rows[j].fy;
    const fysum *a = &s.fs[fy];
    int64_t row = survey_row[fy];
    if (a->xp <= 0 && a->xo <= 0) {
      rep->fy_no_exports++;
      continue;
    }
    double sales = cn_table_get_num(firms, ss, row), exps = cn_table_get_num(firms, sx, row),
           dii = cn_table_get_num(firms, sd, row);
    if (isnan(sales) || isnan(exps) || isnan(dii)) {
      rep->fy_survey_missing++;
      continue;
    }
    int32_t ind = cn__theta_find(&th, firms, si, row);
    if (ind < 0 || isnan(th.th1[ind]) || isnan(th.th2[ind])) {
      rep->fy_no_theta++;
      continue;
    }
    double D = sales - exps, X = a->x, T1 = th.th1[ind], T2 = th.th2[ind];
    double sh = a->xo > 0 ? a->xo / (D + a->xo) : 0, dv;
    int regime = a->xo <= 0 ? REG_PROC : a->xp <= 0 ? REG_ORD : 2;
    const char *rule;
    if (regime == REG_PROC) {
      dv = 1 - (a->mpa + T1 * dii - T2 * a->mpa) / X;
      rule = "processing: 1-(MpA+theta1*DII-theta2*MpA)/X";
    } else if (regime == REG_ORD) {
      double m2 = o->theta2_share ? a->moa_bec * sh : a->moa_bec;
      dv = 1 - (a->moa_bec * sh + T1 * dii - T2 * m2) / X;
      rule = o->theta2_share ? "ordinary: 1-(MoA_BEC*s+theta1*DII-theta2*MoA_BEC*s)/X"
                             : "ordinary: 1-(MoA_BEC*s+theta1*DII-theta2*MoA_BEC)/X";
    } else {
      double m = a->mpa_bec + a->moa_bec * sh;
      dv = 1 - (m + T1 * dii - T2 * m) / X;
      rule = "mixed: 1-(MpA_BEC+MoA_BEC*s+theta1*DII-theta2*(MpA_BEC+MoA_BEC*s))/X";
    }
    bool outside = !(dv >= 0 && dv <= 1);
    if (outside) {
      rep->outside++;
      if (o->outside == CN_DVAR_DROP) continue;
      if (o->outside == CN_DVAR_CLIP) dv = dv < 0 ? 0 : 1;
    }
    if (D < 0) rep->sales_below_exports++;
    rep->by_regime[regime]++;
    outrow *w = &rows[k++];
    w->fy = fy;
    w->regime = regime;
    w->rule = rule;
    double vals[NO] = {X, D, dii, a->mp, a->mo, a->mpa, a->moa_bec, sh, T1, T2, dv, outside, a->mpa_bec, a->xp, a->xo};
    memcpy(w->v, vals, sizeof vals);
  }
  rep->kept = k;

  static const char *const names[NO] = {"X", "D",      "DII",  "Mp",        "Mo",      "MpA", "MoA_BEC", "s",
                                        "theta1", "theta2", "dvar", "outside01", "MpA_BEC", "Xp",  "Xo"};
  static const char *const regname[] = {"processing", "ordinary", "mixed"};
  int cf, cy, cr, cl, oc[NO];
  if (!(res = cn_table_new(k))) goto oom;
  if ((cf = cn_table_add_column(res, c->firms_firm ? c->firms_firm : col_or(c->firm, "firm"), CN_STRING, d)) < 0 ||
      (cy = cn_table_add_column(res, col_or(c->year, "year"), CN_INT64, d)) < 0 ||
      (cr = cn_table_add_column(res, "regime", CN_STRING, d)) < 0)
    goto fail;
  for (int q = 0; q < NO; q++)
    if ((oc[q] = cn_table_add_column(res, names[q], q == O_OUT ? CN_INT64 : CN_DOUBLE, d)) < 0) goto fail;
  if ((cl = cn_table_add_column(res, "rule", CN_STRING, d)) < 0) goto fail;
  for (int64_t j = 0; j < k; j++) {
    const outrow *w = &rows[j];
    const fysum *a = &s.fs[w->fy];
    if (cn_table_set_str(res, cf, j, s.firms.strs[a->firm], d) != CN_OK ||
        cn_table_set_str(res, cr, j, regname[w->regime], d) != CN_OK ||
        cn_table_set_str(res, cl, j, w->rule, d) != CN_OK)
      goto fail;
    cn_table_i64_mut(res, cy)[j] = a->year;
    for (int q = 0; q < NO; q++)
      if (q == O_OUT) cn_table_i64_mut(res, oc[q])[j] = (int64_t)w->v[q];
      else cn_table_dbl_mut(res, oc[q])[j] = w->v[q];
  }
  *out = res;
  res = NULL;
  goto done;
fail:
  st = d->code ? d->code : CN_EINTERNAL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  state_free(&s);
  cn__theta_free(&th);
  cn_free(survey_row);
  cn_free(rows);
  cn_table_free(res);
  cn__buf_free(&cell);
  return st;
}
