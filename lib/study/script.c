/* lib/study/script.c — study scripts: commands one per line, comments,
 * continuations, shell-like quoting, and `##` report text (docs/study.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../base/base_int.h"
#include "coinnet/study.h"

/* The scanner's state: a position in the text and the line it is on. */
typedef struct scan {
  const char *s;
  size_t n, pos;
  int64_t line;
  size_t line_start; /* byte offset of the current line */
} scan;

/* Length of the newline at pos ("\n" or "\r\n"), 0 when there is none. */
static size_t nl_len(const scan *c, size_t pos) {
  if (pos < c->n && c->s[pos] == '\n') return 1;
  if (pos + 1 < c->n && c->s[pos] == '\r' && c->s[pos + 1] == '\n') return 2;
  return 0;
}

/* Steps over the newline at the current position. */
static void take_nl(scan *c) {
  c->pos += nl_len(c, c->pos);
  c->line++;
  c->line_start = c->pos;
}

/* The 1-based character column of byte offset pos on the current line. */
static int64_t col_of(const scan *c, size_t pos) {
  return cn__utf8_chars(c->s + c->line_start, pos - c->line_start) + 1;
}

static bool is_blank(char ch) { return ch == ' ' || ch == '\t'; }

/* Finds line `line` (1-based) of s: its first byte and length without the
 * newline. */
static const char *find_line(const cn_study *s, int64_t line, size_t *len) {
  const char *p = s->src, *end = s->src + s->len;
  for (int64_t l = 1; l < line && p < end; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return NULL;
    p = nl + 1;
  }
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
  if (n && p[n - 1] == '\r') n--;
  *len = n;
  return p;
}

cn_status cn_study_error(const cn_study *s, int64_t line, int64_t column, cn_status code,
                         cn_diag *d, const char *fmt, ...) {
  if (!d) return code;
  cn_diag_clear(d);
  d->code = code;
  snprintf(d->file, sizeof d->file, "%s", s->name ? s->name : "");
  d->line = line;
  d->column = column;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->message, sizeof d->message, fmt, ap);
  va_end(ap);
  size_t len = 0;
  const char *p = find_line(s, line, &len);
  if (p) cn_diag_snippet(d, p, len, column);
  return code;
}

void cn_study_free(cn_study *s) {
  if (!s) return;
  for (int i = 0; i < s->n; i++) {
    cn_study_item *it = &s->items[i];
    for (int a = 0; a < it->argc; a++) cn_free(it->argv[a]);
    cn_free(it->argv);
    cn_free(it->arg_line);
    cn_free(it->arg_column);
    cn_free(it->text);
  }
  cn_free(s->items);
  cn_free(s->name);
  cn_free(s->src);
  cn_free(s);
}

/* A new item at the end of s; NULL when out of memory. */
static cn_study_item *add_item(cn_study *s, size_t *cap) {
  if (!cn__grow((void **)&s->items, cap, (size_t)s->n + 1, sizeof *s->items)) return NULL;
  cn_study_item *it = &s->items[s->n++];
  memset(it, 0, sizeof *it);
  return it;
}

/* A step's words while they are read. */
typedef struct words {
  char **v;
  int64_t *line, *col;
  size_t n, cap, cap_l, cap_c;
} words;

static bool add_word(words *w, const char *p, size_t n, int64_t line, int64_t col) {
  if (!cn__grow((void **)&w->v, &w->cap, w->n + 2, sizeof *w->v) ||
      !cn__grow((void **)&w->line, &w->cap_l, w->n + 1, sizeof *w->line) ||
      !cn__grow((void **)&w->col, &w->cap_c, w->n + 1, sizeof *w->col))
    return false;
  char *copy = cn_strndup(p, n);
  if (!copy) return false;
  w->v[w->n] = copy;
  w->line[w->n] = line;
  w->col[w->n] = col;
  w->n++;
  w->v[w->n] = NULL;
  return true;
}

static void free_words(words *w) {
  for (size_t i = 0; i < w->n; i++) cn_free(w->v[i]);
  cn_free(w->v);
  cn_free(w->line);
  cn_free(w->col);
  memset(w, 0, sizeof *w);
}

/* Reads one word at the current position into b (quotes removed, escapes
 * applied). Stops before a blank, a newline or the end. */
static cn_status read_word(scan *c, cn_buf *b, const cn_study *s, cn_diag *d) {
  while (c->pos < c->n && !is_blank(c->s[c->pos]) && !nl_len(c, c->pos)) {
    char ch = c->s[c->pos];
    if (ch == '\\') {
      if (nl_len(c, c->pos + 1)) { /* a continuation inside a word joins it */
        c->pos++;
        take_nl(c);
      } else if (c->pos + 1 < c->n) {
        cn__buf_append(b, c->s + c->pos + 1, 1);
        c->pos += 2;
      } else {
        c->pos++;
      }
      continue;
    }
    if (ch != '\'' && ch != '"') {
      cn__buf_append(b, &ch, 1);
      c->pos++;
      continue;
    }
    int64_t qline = c->line, qcol = col_of(c, c->pos);
    c->pos++;
    for (;;) {
      if (c->pos >= c->n)
        return cn_study_error(s, qline, qcol, CN_ESCRIPT, d, "unterminated %s quote",
                              ch == '\'' ? "'" : "\"");
      char q = c->s[c->pos];
      if (q == ch) {
        c->pos++;
        break;
      }
      if (nl_len(c, c->pos)) {
        cn__buf_append(b, "\n", 1);
        take_nl(c);
        continue;
      }
      if (ch == '"' && q == '\\' && c->pos + 1 < c->n) {
        char e = c->s[c->pos + 1];
        if (nl_len(c, c->pos + 1)) {
          c->pos++;
          take_nl(c);
          continue;
        }
        if (e == '"' || e == '\\' || e == '$' || e == '`') {
          cn__buf_append(b, &e, 1);
          c->pos += 2;
          continue;
        }
      }
      cn__buf_append(b, &q, 1);
      c->pos++;
    }
  }
  return b->failed ? cn_diag_set(d, CN_EINTERNAL, "out of memory") : CN_OK;
}

/* Reads a command (one logical line) into an item. */
static cn_status read_step(scan *c, cn_study *s, size_t *cap, cn_diag *d) {
  words w = {0};
  cn_buf b = {0};
  cn_status st = CN_OK;
  for (;;) {
    while (c->pos < c->n && is_blank(c->s[c->pos])) c->pos++;
    if (c->pos >= c->n) break;
    if (nl_len(c, c->pos)) {
      take_nl(c);
      break;
    }
    char ch = c->s[c->pos];
    if (ch == '\\' && nl_len(c, c->pos + 1)) {
      c->pos++;
      take_nl(c);
      continue;
    }
    if (ch == '#') { /* a comment runs to the end of the line */
      while (c->pos < c->n && !nl_len(c, c->pos)) c->pos++;
      continue;
    }
    int64_t line = c->line, col = col_of(c, c->pos);
    b.len = 0;
    if ((st = read_word(c, &b, s, d)) != CN_OK) goto done;
    if (!add_word(&w, b.data ? b.data : "", b.len, line, col)) goto oom;
  }
  if (w.n) {
    cn_study_item *it = add_item(s, cap);
    if (!it) goto oom;
    it->kind = CN_STUDY_STEP;
    it->line = w.line[0];
    it->column = w.col[0];
    it->argc = (int)w.n;
    it->argv = w.v;
    it->arg_line = w.line;
    it->arg_column = w.col;
    memset(&w, 0, sizeof w);
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  free_words(&w);
  cn__buf_free(&b);
  return st;
}

/* Reads a `##` line at the current position (just past the blanks). para
 * is the index of the paragraph being continued, or -1. */
static cn_status read_text(scan *c, cn_study *s, size_t *cap, int *para, cn_diag *d) {
  int64_t line = c->line, col = col_of(c, c->pos);
  size_t p = c->pos + 2, e = p;
  while (e < c->n && !nl_len(c, e)) e++;
  size_t end = e;
  while (end > p && is_blank(c->s[end - 1])) end--;
  while (p < end && is_blank(c->s[p])) p++;
  c->pos = e;
  if (c->pos < c->n) take_nl(c);
  if (p == end) { /* `##` alone ends a paragraph */
    *para = -1;
    return CN_OK;
  }
  int level = 0;
  size_t h = p;
  while (h < end && c->s[h] == '#') h++;
  if (h > p && (h == end || is_blank(c->s[h])) && h - p <= 6) {
    level = (int)(h - p);
    p = h;
    while (p < end && is_blank(c->s[p])) p++;
  }
  if (level == 0 && *para >= 0) { /* the paragraph goes on */
    cn_study_item *it = &s->items[*para];
    size_t old = strlen(it->text), add = end - p;
    char *t = cn_realloc(it->text, old + add + 2);
    if (!t) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
    t[old] = '\n';
    memcpy(t + old + 1, c->s + p, add);
    t[old + 1 + add] = '\0';
    it->text = t;
    return CN_OK;
  }
  cn_study_item *it = add_item(s, cap);
  if (!it) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  it->kind = CN_STUDY_TEXT;
  it->line = line;
  it->column = col;
  it->level = level;
  it->text = cn_strndup(c->s + p, end - p);
  if (!it->text) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  *para = level == 0 ? s->n - 1 : -1;
  return CN_OK;
}

cn_status cn_study_parse(const char *text, size_t len, const char *name, cn_study **out,
                         cn_diag *d) {
  cn_status st = CN_OK;
  *out = NULL;
  cn_study *s = cn_calloc(1, sizeof *s);
  if (!s) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  s->name = cn_strdup(name ? name : "study");
  s->src = cn_strndup(text, len);
  s->len = len;
  if (!s->name || !s->src) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  scan c = {text, len, 0, 1, 0};
  /* a UTF-8 byte-order mark (Windows editors write one) is not text */
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) c.pos = c.line_start = 3;
  /* the text must be UTF-8 without NUL bytes */
  size_t bad = cn__utf8_valid(text, len);
  const char *nul = memchr(text, '\0', len);
  if (nul && (size_t)(nul - text) < bad) bad = (size_t)(nul - text);
  if (bad < len) {
    for (size_t i = 0; i < bad; i++)
      if (text[i] == '\n') c.line++, c.line_start = i + 1;
    st = cn_study_error(s, c.line, col_of(&c, bad), CN_ESCRIPT, d,
                        text[bad] ? "invalid UTF-8 (save the script as UTF-8)" : "a NUL byte");
    goto done;
  }
  size_t cap = 0;
  int para = -1;
  while (c.pos < c.n) {
    size_t p = c.pos;
    while (p < c.n && is_blank(text[p])) p++;
    if (p >= c.n) break;
    if (nl_len(&c, p)) { /* a blank line ends a paragraph */
      c.pos = p;
      take_nl(&c);
      para = -1;
      continue;
    }
    c.pos = p;
    if (p + 1 < c.n && text[p] == '#' && text[p + 1] == '#') {
      if ((st = read_text(&c, s, &cap, &para, d)) != CN_OK) goto done;
      continue;
    }
    para = -1;
    if (text[p] == '#') {
      while (c.pos < c.n && !nl_len(&c, c.pos)) c.pos++;
      if (c.pos < c.n) take_nl(&c);
      continue;
    }
    if ((st = read_step(&c, s, &cap, d)) != CN_OK) goto done;
  }
done:
  if (st != CN_OK) cn_study_free(s);
  else *out = s;
  return st;
}

cn_status cn_study_read(const char *path, cn_study **out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_buf b = {0};
  *out = NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp) return cn_diag_set(d, CN_EDATA, "%s: cannot open: %s", path, strerror(errno));
  char tmp[65536];
  size_t got;
  while ((got = fread(tmp, 1, sizeof tmp, fp)) > 0) cn__buf_append(&b, tmp, got);
  if (ferror(fp)) { /* a folder, an I/O error: the file is at fault */
    st = cn_diag_set(d, CN_EDATA, "%s: cannot read the study: %s", path, strerror(errno ? errno : EIO));
    goto done;
  }
  if (b.failed) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  st = cn_study_parse(b.data ? b.data : "", b.len, path, out, d);
done:
  fclose(fp);
  cn__buf_free(&b);
  return st;
}
