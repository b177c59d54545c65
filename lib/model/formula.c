/* lib/model/formula.c — the formula grammar of spec/cli.md:
 *
 *   y ~ x1 + l(x2) + L2.x3 + x4:x5 + log1p(x6) + i(region) | firm + ind^year
 *   y ~ x1 | firm + year | endog ~ inst1 + inst2
 *
 * Parts are split at top-level '|': the first holds "depvar ~ terms", the
 * last part that contains '~' is the IV part, a part in between holds the
 * fixed effects. Terms are split at top-level '+'; at the top level of a
 * term '*' expands (a*b = a + b + a:b) and ':' multiplies; Stata's '##'
 * and '#' are read as '*' and ':'. A factor is a column name, i(v[, x]
 * [, ref = L]) (fixest: i(v, x) is i(v):x), Stata's i.v, ib2.v, ibn.v,
 * ib(first|last|freq|#k).v, a lag l()/f()/d() or L./F./D., Stata's c.x or
 * R's I(expr) (the variable or expression itself), or any other
 * expression (handed to cn_expr_parse). Arithmetic with '*' or '-' inside
 * a term needs parentheses (or I()). Which level of an i() is left out is
 * decided later, by the design (R's rule, design.c). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model_int.h"

cn_status cn__formula_error(cn_diag *d, const char *text, size_t off, const char *fmt, ...) {
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int64_t col = cn__utf8_chars(text, off) + 1;
  cn_diag_at(d, CN_ESCRIPT, "formula", 1, col, "%s", msg);
  cn_diag_snippet(d, text, strlen(text), col);
  return CN_ESCRIPT;
}

/* A span [a, b) of the formula text. */
typedef struct span {
  size_t a, b;
} span;

static span trim(const char *s, span x) {
  while (x.a < x.b && isspace((unsigned char)s[x.a])) x.a++;
  while (x.b > x.a && isspace((unsigned char)s[x.b - 1])) x.b--;
  return x;
}

static bool is_text(const char *s, span x, const char *w) {
  size_t n = strlen(w);
  return x.b - x.a == n && memcmp(s + x.a, w, n) == 0;
}

/* Splits x at top-level occurrences of ch (outside parentheses, quotes and
 * backquotes); fills up to cap parts and returns their count, or -1 when
 * parentheses do not balance (*bad = offset). */
static int split(const char *s, span x, char ch, span *parts, int cap, size_t *bad) {
  int n = 0, depth = 0;
  size_t start = x.a, open = x.a; /* open: the outermost '(' still open */
  char quote = 0;
  for (size_t i = x.a; i < x.b; i++) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '`') quote = c;
    else if (c == '(') {
      if (depth++ == 0) open = i;
    } else if (c == ')') {
      if (--depth < 0) {
        *bad = i;
        return -1;
      }
    } else if (c == ch && depth == 0) {
      if (n < cap) parts[n] = (span){start, i};
      n++;
      start = i + 1;
    }
  }
  if (depth != 0) {
    *bad = open;
    return -1;
  }
  if (n < cap) parts[n] = (span){start, x.b};
  return n + 1;
}

static char *dup_span(const char *s, span x) {
  char *r = cn_malloc(x.b - x.a + 1);
  if (r) {
    memcpy(r, s + x.a, x.b - x.a);
    r[x.b - x.a] = 0;
  }
  return r;
}

/* The column whose name is exactly the span (of any length): its index,
 * -1 when there is none, -2 when out of memory. */
static int find_col(const cn_table *t, const char *s, span x) {
  char *name = dup_span(s, x);
  if (!name) return -2;
  int col = cn_table_find(t, name);
  cn_free(name);
  return col;
}

static bool ident_char(unsigned char c) {
  return isalnum(c) || c == '_' || c >= 0x80;
}

static bool is_ident(const char *s, span x) {
  if (x.a >= x.b || isdigit((unsigned char)s[x.a])) return false;
  for (size_t i = x.a; i < x.b; i++)
    if (!ident_char((unsigned char)s[i])) return false;
  return true;
}

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* The error for a name that is no column of t: the words of every missing
 * column (cn_table_col, exit 4, with "did you mean"), with the caret under
 * the name in the formula. */
static cn_status no_column(const char *s, span x, const cn_table *t, cn_diag *d) {
  if (!is_ident(s, x))
    return cn__formula_error(d, s, x.a, "expected a variable name, not \"%.*s\"", (int)(x.b - x.a), s + x.a);
  char *name = dup_span(s, x);
  if (!name) return oom(d);
  cn_diag tmp;
  cn_diag_clear(&tmp);
  cn_table_col(t, name, "the data", &tmp);
  cn_free(name);
  cn__formula_error(d, s, x.a, "%s", tmp.message);
  if (d) d->code = CN_EDATA;
  return CN_EDATA;
}

/* A column given by name inside a factor (i(), l(), L.): must exist. */
static cn_status column_arg(const char *s, span x, const cn_table *t, int *col, cn_diag *d) {
  x = trim(s, x);
  if (x.a == x.b) return cn__formula_error(d, s, x.a, "expected a variable");
  *col = find_col(t, s, x);
  if (*col == -2) return oom(d);
  if (*col < 0) return no_column(s, x, t, d);
  return CN_OK;
}

/* A small non-negative integer argument (lag order). */
static cn_status int_arg(const char *s, span x, int *k, cn_diag *d) {
  x = trim(s, x);
  char *end;
  char buf[32];
  size_t n = x.b - x.a;
  if (n == 0 || n >= sizeof buf) return cn__formula_error(d, s, x.a, "expected a whole number");
  memcpy(buf, s + x.a, n);
  buf[n] = 0;
  long v = strtol(buf, &end, 10);
  if (*end || v < 0 || v > 1000) return cn__formula_error(d, s, x.a, "expected a whole number from 0 to 1000");
  *k = (int)v;
  return CN_OK;
}

static void factor_free(cn__factor *f) {
  cn_free(f->text);
  cn_free(f->ref);
  cn_expr_free(f->expr);
  memset(f, 0, sizeof *f);
  f->col = -1;
}

/* Whether the '(' at byte x.a + open closes at the last byte of x (so that
 * "i(a)*(b)" is not read as i() of "a)*(b"). */
static bool wraps(const char *s, span x, size_t open) {
  int depth = 0;
  char quote = 0;
  for (size_t i = x.a + open; i < x.b; i++) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '`') quote = c;
    else if (c == '(') depth++;
    else if (c == ')' && --depth == 0) return i == x.b - 1;
  }
  return false;
}

/* "NAME = VALUE" inside i(): the name's span in *name and the value's
 * (quotes removed) in *val; false when the argument is not of that form. */
static bool named_arg(const char *s, span x, span *name, span *val) {
  size_t i = x.a;
  while (i < x.b && ident_char((unsigned char)s[i])) i++;
  *name = (span){x.a, i};
  if (i == x.a) return false;
  while (i < x.b && isspace((unsigned char)s[i])) i++;
  if (i >= x.b || s[i] != '=' || (i + 1 < x.b && s[i + 1] == '=')) return false;
  *val = trim(s, (span){i + 1, x.b});
  if (val->b - val->a >= 2 && s[val->a] == '"' && s[val->b - 1] == '"') val->a++, val->b--;
  return true;
}

static cn_status parse_factor(const char *s, span x, const cn_table *t, cn__factor *f,
                              cn__factor *f2, cn_diag *d);

/* The factor inside a wrapper that only marks it (R's I(), Stata's c.):
 * parsed as a factor of its own and named by its inner text, so that
 * I(x^2) is the term x^2 and c.x the term x. A factor is refused. */
static cn_status parse_inner(const char *s, span in, const cn_table *t, cn__factor *f,
                             const char *what, cn_diag *d) {
  cn__factor g;
  in = trim(s, in);
  cn_status st = parse_factor(s, in, t, &g, NULL, d);
  if (st == CN_OK && g.kind == CN_FK_FACTOR) st = cn__formula_error(d, s, in.a, "%s", what);
  if (st != CN_OK) {
    factor_free(&g);
    return st;
  }
  /* arithmetic that coinnet's own spelling puts in parentheses: so named */
  if (g.kind == CN_FK_EXPR && g.text[0] != '(') {
    span all = {0, strlen(g.text)}, parts[2];
    size_t bad;
    bool op = false;
    for (const char *o = "*:+-"; *o && !op; o++) op = split(g.text, all, *o, parts, 2, &bad) > 1;
    size_t n = strlen(g.text) + 3;
    char *w = op ? cn_malloc(n) : NULL;
    if (op && !w) {
      factor_free(&g);
      return oom(d);
    }
    if (w) {
      snprintf(w, n, "(%s)", g.text);
      cn_free(g.text);
      g.text = w;
    }
  }
  factor_free(f);
  *f = g;
  return CN_OK;
}

/* fixest's i(v[, x][, ref][, ref = L]): the factor into f; a second
 * argument x (interacted with the dummies, as i(v):x) into f2. */
static cn_status parse_i(const char *s, span x, const cn_table *t, cn__factor *f, cn__factor *f2,
                         cn_diag *d) {
  static const char usage[] = "i() takes i(v), i(v, x), i(v, ref = L) or i(v, x, ref = L)";
  span args[5];
  size_t bad = 0;
  int na = split(s, (span){x.a + 2, x.b - 1}, ',', args, 5, &bad);
  if (na < 0) return cn__formula_error(d, s, bad, "unbalanced parentheses");
  if (na > 4) return cn__formula_error(d, s, args[4].a, "%s", usage);
  f->kind = CN_FK_FACTOR;
  f->base = CN_FB_AUTO;
  cn_status st = column_arg(s, args[0], t, &f->col, d);
  int positional = 1;
  for (int k = 1; k < na && st == CN_OK; k++) {
    span r = trim(s, args[k]), name, val;
    if (r.a == r.b) return cn__formula_error(d, s, r.a, "%s", usage);
    bool named = named_arg(s, r, &name, &val);
    if (named && !is_text(s, name, "ref"))
      return cn__formula_error(d, s, r.a, "i(): only ref = is supported (fixest's %.*s = is not); %s",
                               (int)(name.b - name.a), s + name.a, usage);
    if (!named && positional == 1) { /* the variable interacted with the dummies */
      positional++;
      if (!f2) return cn__formula_error(d, s, r.a, "i(v, x) is not allowed here");
      if ((st = parse_factor(s, r, t, f2, NULL, d)) != CN_OK) return st;
      /* fixest: a text variable there is a second factor */
      if (f2->kind == CN_FK_VAR && cn_table_type(t, f2->col) == CN_STRING) f2->kind = CN_FK_FACTOR;
      continue;
    }
    if (!named && positional++ > 2) return cn__formula_error(d, s, r.a, "%s", usage);
    if (!named) { /* fixest's third argument is ref */
      val = r;
      if (val.b - val.a >= 2 && s[val.a] == '"' && s[val.b - 1] == '"') val.a++, val.b--;
    }
    if (f->ref) return cn__formula_error(d, s, r.a, "i(): the reference level is given twice");
    if (val.a >= val.b) return cn__formula_error(d, s, val.a, "expected the reference level");
    if (val.b - val.a >= 2 && s[val.a] == 'c' && s[val.a + 1] == '(')
      return cn__formula_error(d, s, val.a,
                               "i(): one reference level only (fixest's ref = c(...) is not supported)");
    if (!(f->ref = dup_span(s, val))) return oom(d);
    f->base = CN_FB_LEVEL;
  }
  return st;
}

/* Whether the n bytes at p are digits or spaces, at least one digit. */
static bool all_digits(const char *p, size_t n) {
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    if (isdigit((unsigned char)p[i])) any = true;
    else if (p[i] != ' ') return false;
  }
  return any;
}

/* Stata's factor-variable prefix before the '.' at byte dot of x (i, ibn,
 * ib#, ib(first), ib(last), ib(freq), ib(#k)): the factor into f. Returns
 * CN_OK with f->kind left VAR when the text is not such a prefix. */
static cn_status parse_stata_i(const char *s, span x, size_t dot, const cn_table *t,
                               cn__factor *f, cn_diag *d) {
  span pre = {x.a, dot}, var = {dot + 1, x.b};
  const char *p = s + x.a;
  size_t n = dot - x.a;
  cn__fbase base;
  span ref = {0, 0};
  if (n == 1) base = CN_FB_AUTO; /* i. */
  else if (is_text(s, pre, "ibn")) base = CN_FB_NONE;
  else if (is_text(s, pre, "ib(first)")) base = CN_FB_FIRST;
  else if (is_text(s, pre, "ib(last)")) base = CN_FB_LAST;
  else if (is_text(s, pre, "ib(freq)")) base = CN_FB_FREQ;
  else if (n > 5 && memcmp(p, "ib(#", 4) == 0 && p[n - 1] == ')') {
    base = CN_FB_INDEX;
    cn_status st = int_arg(s, (span){x.a + 4, dot - 1}, &f->base_k, d);
    if (st != CN_OK) return st;
    if (f->base_k < 1) return cn__formula_error(d, s, x.a + 4, "ib(#k): k counts from 1");
  } else if (n > 2 && p[1] == 'b' && all_digits(p + 2, n - 2)) {
    base = CN_FB_LEVEL;
    ref = (span){x.a + 2, dot};
  } else if (all_digits(p + 1, n - 1) ||
             (n > 3 && p[1] == '(' && p[n - 1] == ')' && all_digits(p + 2, n - 3)))
    return cn__formula_error(d, s, x.a,
                             "Stata's %.*s.%.*s (dummies for chosen levels) is not supported: "
                             "write (%.*s == LEVEL) for one level, or i.%.*s",
                             (int)n, p, (int)(var.b - var.a), s + var.a, (int)(var.b - var.a),
                             s + var.a, (int)(var.b - var.a), s + var.a);
  else return CN_OK;
  if (var.a < var.b && s[var.a] == '(')
    return cn__formula_error(d, s, var.a, "Stata's i.(a b) is not supported: write i.a + i.b");
  f->kind = CN_FK_FACTOR;
  f->base = base;
  if (ref.b > ref.a && !(f->ref = dup_span(s, ref))) return oom(d);
  return column_arg(s, var, t, &f->col, d);
}

/* A call of another program's formula function, NAME(...): the supported
 * spelling of the same thing, or NULL. */
static const char *foreign_hint(const char *s, span x) {
  static const struct {
    const char *name, *hint;
  } hints[] = {
      {"factor", "R's factor(): write i(v) (or Stata's i.v)"},
      {"as.factor", "R's as.factor(): write i(v) (or Stata's i.v)"},
      {"C", "C(): write i(v), or i(v, ref = L) for another reference level"},
      {"poly", "poly(x, k) is not supported: write x + x^2 (raw powers)"},
      {"sw", "fixest's stepwise sw() is not supported: run one formula per model"},
      {"sw0", "fixest's stepwise sw0() is not supported: run one formula per model"},
      {"csw", "fixest's stepwise csw() is not supported: run one formula per model"},
      {"csw0", "fixest's stepwise csw0() is not supported: run one formula per model"},
      {"mvsw", "fixest's stepwise mvsw() is not supported: run one formula per model"},
      {"ns", "splines (ns()) are not supported"},
      {"bs", "splines (bs()) are not supported"},
      {"offset", "offset() is not supported"},
  };
  size_t i = x.a;
  while (i < x.b && (ident_char((unsigned char)s[i]) || s[i] == '.')) i++;
  if (i == x.a || i >= x.b || s[i] != '(' || !wraps(s, x, i - x.a)) return NULL;
  for (size_t k = 0; k < sizeof hints / sizeof *hints; k++)
    if (is_text(s, (span){x.a, i}, hints[k].name)) return hints[k].hint;
  return NULL;
}

/* Parses one factor into f. f2, when not NULL, receives a second factor
 * that the text implies (fixest's i(v, x) is the two factors i(v) and x);
 * its text stays NULL when there is none. On an error the caller frees
 * both (factor_free). */
static cn_status parse_factor(const char *s, span x, const cn_table *t, cn__factor *f,
                              cn__factor *f2, cn_diag *d) {
  x = trim(s, x);
  memset(f, 0, sizeof *f);
  if (f2) memset(f2, 0, sizeof *f2), f2->col = -1;
  f->pos = (int)(cn__utf8_chars(s, x.a) + 1);
  f->col = -1;
  if (x.a == x.b) return cn__formula_error(d, s, x.a, "expected a term");
  if (!(f->text = dup_span(s, x))) return oom(d);
  /* a column name as it stands (names may hold characters of expressions) */
  if ((f->col = find_col(t, s, x)) >= 0) {
    f->kind = CN_FK_VAR;
    return CN_OK;
  }
  if (f->col == -2) return oom(d);
  size_t n = x.b - x.a;
  const char *p = s + x.a;
  /* R's I(expr) and Stata's c.x: the expression or variable itself */
  if (n >= 3 && p[0] == 'I' && p[1] == '(' && wraps(s, x, 1))
    return parse_inner(s, (span){x.a + 2, x.b - 1}, t, f,
                       "I() holds arithmetic; write i(v) for dummies", d);
  if (n > 2 && p[0] == 'c' && p[1] == '.')
    return parse_inner(s, (span){x.a + 2, x.b}, t, f,
                       "c. marks a continuous variable; write i.v for dummies", d);
  /* function-style: i(...), l(...), f(...), d(...) */
  if (n >= 3 && p[1] == '(' && wraps(s, x, 1) && strchr("ilfd", p[0])) {
    if (p[0] == 'i') return parse_i(s, x, t, f, f2, d);
    span inner = {x.a + 2, x.b - 1};
    span args[3];
    size_t bad = 0;
    int na = split(s, inner, ',', args, 3, &bad);
    if (na < 0) return cn__formula_error(d, s, bad, "unbalanced parentheses");
    f->kind = CN_FK_LAG;
    if (na > 2) return cn__formula_error(d, s, args[2].a, "expected %c(VARIABLE, K)", p[0]);
    int k = 1;
    cn_status st = column_arg(s, args[0], t, &f->col, d);
    if (st == CN_OK && na == 2) st = int_arg(s, args[1], &k, d);
    if (st != CN_OK) return st;
    f->shift = p[0] == 'f' ? -k : k;
    f->diff = p[0] == 'd';
    return CN_OK;
  }
  /* Stata's i.v, ib2.v, ibn.v, ... */
  const char *dot = memchr(p, '.', n);
  if (n > 2 && p[0] == 'i' && dot) {
    cn_status st = parse_stata_i(s, x, (size_t)(dot - s), t, f, d);
    if (st != CN_OK || f->kind == CN_FK_FACTOR) return st;
  }
  /* Stata's L.x L2.x F.x F3.x D.x */
  if (n > 2 && (p[0] == 'L' || p[0] == 'F' || p[0] == 'D')) {
    size_t i = 1;
    while (i < n && isdigit((unsigned char)p[i])) i++;
    if (i < n && p[i] == '.') {
      int k = 1;
      if (i > 1) {
        cn_status st = int_arg(s, (span){x.a + 1, x.a + i}, &k, d);
        if (st != CN_OK) return st;
      }
      f->kind = CN_FK_LAG;
      f->shift = p[0] == 'F' ? -k : k;
      f->diff = p[0] == 'D' ? 2 : 0; /* Stata: D2.x = D.(D.x) */
      return column_arg(s, (span){x.a + i + 1, x.b}, t, &f->col, d);
    }
  }
  if (is_ident(s, x)) return no_column(s, x, t, d);
  const char *hint = foreign_hint(s, x);
  if (hint) return cn__formula_error(d, s, x.a, "%s", hint);
  /* any other expression */
  f->kind = CN_FK_EXPR;
  cn_status st = cn_expr_parse(f->text, t, &f->expr, d);
  if (st != CN_OK) {
    /* re-anchor the expression's error in the formula */
    int64_t col = d->column > 0 ? d->column : 1;
    char msg[sizeof d->message];
    snprintf(msg, sizeof msg, "%s", d->message);
    size_t off = x.a + (size_t)(col - 1); /* the expression counts bytes */
    if (off > x.b) off = x.b;
    return cn__formula_error(d, s, off, "%s", msg);
  }
  return CN_OK;
}

/* Whether two factors are the same variable: the same column (shifted
 * alike, for lags; whatever the reference level, for i()) or the same
 * expression text. */
bool cn__factor_same(const cn__factor *a, const cn__factor *b) {
  if (a->kind != b->kind) return false;
  if (a->kind == CN_FK_VAR || a->kind == CN_FK_FACTOR) return a->col == b->col;
  if (a->kind == CN_FK_LAG) return a->col == b->col && a->shift == b->shift && a->diff == b->diff;
  return a->kind == CN_FK_EXPR && !strcmp(a->text, b->text);
}

static void terms_free(cn__terms *ts) {
  for (int i = 0; i < ts->n; i++) {
    for (int j = 0; j < ts->t[i].nf; j++) factor_free(&ts->t[i].f[j]);
    cn_free(ts->t[i].f);
  }
  cn_free(ts->t);
  ts->t = NULL;
  ts->n = 0;
}

/* Whether two terms hold the same factors (in any order). */
static bool term_same(const cn__term *a, const cn__term *b) {
  if (a->nf != b->nf) return false;
  for (int i = 0; i < a->nf; i++) {
    int na = 0, nb = 0;
    for (int j = 0; j < a->nf; j++) na += cn__factor_same(&a->f[i], &a->f[j]);
    for (int j = 0; j < b->nf; j++) nb += cn__factor_same(&a->f[i], &b->f[j]);
    if (na != nb) return false;
  }
  return true;
}

/* Removes and frees the last term of ts. */
static void term_drop_last(cn__terms *ts) {
  cn__term *tm = &ts->t[--ts->n];
  for (int j = 0; j < tm->nf; j++) factor_free(&tm->f[j]);
  cn_free(tm->f);
}

/* Appends the term made of factors src[mask bits]; copies the factors. */
static cn_status add_term(cn__terms *ts, const cn__factor *src, int nsrc, unsigned mask,
                          const cn_table *t, const char *s, cn_diag *d) {
  (void)t;
  (void)s;
  cn__term *nt = cn_reallocarray(ts->t, (size_t)ts->n + 1, sizeof *nt);
  if (!nt) return oom(d);
  ts->t = nt;
  cn__term *term = &ts->t[ts->n];
  term->nf = 0;
  term->f = cn_calloc((size_t)nsrc, sizeof *term->f);
  if (!term->f) return oom(d);
  ts->n++;
  for (int i = 0; i < nsrc; i++) {
    if (!(mask >> i & 1)) continue;
    cn__factor *f = &term->f[term->nf++];
    *f = src[i];
    f->text = cn_strdup(src[i].text);
    f->ref = src[i].ref ? cn_strdup(src[i].ref) : NULL;
    f->expr = NULL;
    if (!f->text || (src[i].ref && !f->ref)) return oom(d);
    if (src[i].expr) {
      cn_diag tmp;
      if (cn_expr_parse(src[i].text, t, &f->expr, &tmp) != CN_OK) return oom(d);
    }
  }
  return CN_OK;
}

/* Parses "a + b:c + d*e" into ts; *cons is set to false by "0" or "-1" and
 * to true by "1" (cons may be NULL: then those are errors). */
static cn_status parse_terms(const char *s, span x, const cn_table *t, cn__terms *ts,
                             bool *cons, cn_diag *d) {
  span parts[256];
  size_t bad = 0;
  /* "- 1" at the top level removes the constant: treat '-' as a separator
   * only when what follows is 1 */
  char *tmp = cn_strdup(s);
  if (!tmp) return oom(d);
  int depth = 0;
  for (size_t i = x.a; i < x.b; i++) {
    if (tmp[i] == '(') depth++;
    else if (tmp[i] == ')') depth--;
    else if (tmp[i] == '-' && depth == 0) {
      size_t j = i + 1;
      while (j < x.b && isspace((unsigned char)tmp[j])) j++;
      size_t k = j;
      while (k < x.b && isspace((unsigned char)tmp[k]) == 0 && tmp[k] != '+') k++;
      if (k == j + 1 && tmp[j] == '1') {
        tmp[i] = '+';
        tmp[j] = '0';
      }
    }
  }
  /* Stata's a##b is a*b and a#b is a:b: rewritten in the copy, with the
   * lengths kept so that offsets still point into the formula as written
   * (the factors' spans are trimmed in the copy, where "##" became "* ") */
  char quote = 0;
  depth = 0;
  for (size_t i = x.a; i < x.b; i++) {
    char c = tmp[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '`') quote = c;
    else if (c == '(') depth++;
    else if (c == ')') depth--;
    else if (c == '#' && depth == 0) {
      if (i + 1 < x.b && tmp[i + 1] == '#') tmp[i] = '*', tmp[++i] = ' ';
      else tmp[i] = ':';
    }
  }
  int np = split(tmp, x, '+', parts, 256, &bad);
  cn_status st = CN_OK;
  if (np < 0) {
    st = cn__formula_error(d, s, bad, "unbalanced parentheses");
    goto done;
  }
  if (np > 256) {
    st = cn__formula_error(d, s, x.a, "more than 256 terms");
    goto done;
  }
  for (int i = 0; i < np; i++) {
    span p = trim(tmp, parts[i]);
    if (p.a == p.b) {
      st = cn__formula_error(d, s, p.a, "expected a term");
      goto done;
    }
    if (is_text(tmp, p, "0") || is_text(tmp, p, "1")) {
      if (!cons) {
        st = cn__formula_error(d, s, p.a, "a constant term is not allowed here");
        goto done;
      }
      *cons = tmp[p.a] == '1';
      continue;
    }
    /* a*b*c: every non-empty subset of the factors, in order of size */
    span star[8];
    int ns = split(tmp, p, '*', star, 8, &bad);
    if (ns > 8) {
      st = cn__formula_error(d, s, p.a, "at most 8 factors joined by '*'");
      goto done;
    }
    /* the factors parsed so far are fs[0..nfs): every exit below frees
     * them (an error in the second group used to leak the first's) */
    cn__factor fs[64];
    int nfs = 0;
    int first[9];
    for (int k = 0; k < ns && st == CN_OK; k++) {
      span colon[8];
      int nc = split(tmp, star[k], ':', colon, 8, &bad);
      if (nc > 8 || nfs + nc > 64) {
        st = cn__formula_error(d, s, star[k].a, "too many factors in one term");
        break;
      }
      first[k] = nfs;
      for (int c = 0; c < nc; c++) {
        if (nfs + 2 > 64) {
          st = cn__formula_error(d, s, star[k].a, "too many factors in one term");
          break;
        }
        /* i(v, x) gives two factors: fs[nfs] and fs[nfs + 1] */
        if ((st = parse_factor(s, trim(tmp, colon[c]), t, &fs[nfs], &fs[nfs + 1], d)) != CN_OK) {
          factor_free(&fs[nfs]); /* what the failed factor had allocated */
          factor_free(&fs[nfs + 1]);
          break;
        }
        nfs += fs[nfs + 1].text ? 2 : 1;
      }
    }
    if (st != CN_OK) {
      for (int q = 0; q < nfs; q++) factor_free(&fs[q]);
      goto done;
    }
    first[ns] = nfs;
    int group = ts->n; /* the terms of this a*b*c */
    for (int size = 1; size <= ns && st == CN_OK; size++)
      for (unsigned sub = 1; sub < (1u << ns) && st == CN_OK; sub++) {
        if (__builtin_popcount(sub) != size) continue;
        unsigned mask = 0;
        for (int k = 0; k < ns; k++)
          if (sub >> k & 1)
            for (int q = first[k]; q < first[k + 1]; q++) mask |= 1u << q;
        if (nfs > 32) {
          st = cn__formula_error(d, s, p.a, "too many factors in one term");
          break;
        }
        st = add_term(ts, fs, nfs, mask, t, s, d);
        /* Stata's c.x##c.x: x once, as in Stata and R */
        for (int q = group; st == CN_OK && q < ts->n - 1; q++)
          if (term_same(&ts->t[q], &ts->t[ts->n - 1])) {
            term_drop_last(ts);
            break;
          }
      }
    for (int q = 0; q < nfs; q++) factor_free(&fs[q]);
    if (st != CN_OK) goto done;
  }
done:
  cn_free(tmp);
  return st;
}

/* "a + b^c": fixed effects, each a column or an interaction of columns. */
static cn_status parse_fe(const char *s, span x, const cn_table *t, cn_formula *f, cn_diag *d) {
  span parts[64];
  size_t bad = 0;
  int np = split(s, x, '+', parts, 64, &bad);
  if (np < 0) return cn__formula_error(d, s, bad, "unbalanced parentheses");
  if (np > 64) return cn__formula_error(d, s, x.a, "more than 64 fixed effects");
  f->fe = cn_calloc((size_t)np, sizeof *f->fe);
  if (!f->fe) return oom(d);
  for (int i = 0; i < np; i++) {
    span p = trim(s, parts[i]);
    if (p.a == p.b) return cn__formula_error(d, s, p.a, "expected a fixed effect");
    if (is_text(s, p, "0")) continue; /* "| 0": no fixed effects */
    span vs[8];
    int nv = split(s, p, '^', vs, 8, &bad);
    if (nv > 8) return cn__formula_error(d, s, p.a, "at most 8 variables in an interacted fixed effect");
    cn__fe *fe = &f->fe[f->nfe++];
    fe->cols = cn_calloc((size_t)nv, sizeof *fe->cols);
    fe->name = dup_span(s, p);
    if (!fe->cols || !fe->name) return oom(d);
    fe->nv = nv;
    for (int k = 0; k < nv; k++) {
      span v = trim(s, vs[k]);
      cn_status st = column_arg(s, v, t, &fe->cols[k], d);
      /* Stata's and fixest's dummy spellings are terms, not fixed effects */
      if (st == CN_ESCRIPT && v.b - v.a > 2 && s[v.a] == 'i' && (s[v.a + 1] == '.' || s[v.a + 1] == '('))
        return cn__formula_error(d, s, v.a, "a fixed effect is a plain variable (write the "
                                            "name alone, a^b for an interaction); i() goes "
                                            "before the first '|'");
      if (st != CN_OK) return st;
    }
    /* a^b written with spaces: name it without them */
    char *w = fe->name, *r = fe->name;
    for (; *r; r++)
      if (!isspace((unsigned char)*r)) *w++ = *r;
    *w = 0;
  }
  return CN_OK;
}

static bool has_tilde(const char *s, span x) {
  span dummy[2];
  size_t bad;
  return split(s, x, '~', dummy, 2, &bad) > 1;
}

cn_status cn_formula_parse(const char *text, const cn_table *t, cn_formula **out,
                           cn_diag *d) {
  cn_status st = CN_OK;
  *out = NULL;
  cn_formula *f = cn_calloc(1, sizeof *f);
  if (!f || !(f->text = cn_strdup(text))) {
    cn_free(f);
    return oom(d);
  }
  const char *s = f->text;
  f->cons = true;
  span all = {0, strlen(s)}, parts[4];
  size_t bad = 0;
  int np = split(s, all, '|', parts, 4, &bad);
  if (np < 0) {
    st = cn__formula_error(d, s, bad, "unbalanced parentheses");
    goto done;
  }
  if (np > 3) {
    st = cn__formula_error(d, s, parts[3].a - 1, "at most three parts: terms | fixed effects | iv");
    goto done;
  }
  span lr[3];
  int nlr = split(s, parts[0], '~', lr, 3, &bad);
  if (nlr != 2) {
    st = cn__formula_error(d, s, nlr < 2 ? parts[0].b : lr[2].a - 1,
                           nlr < 2 ? "expected '~' between the dependent variable and the terms"
                                   : "more than one '~' before the first '|'");
    goto done;
  }
  if ((st = parse_factor(s, lr[0], t, &f->dep, NULL, d)) != CN_OK) goto done;
  if (f->dep.kind == CN_FK_FACTOR) {
    st = cn__formula_error(d, s, lr[0].a, "the dependent variable cannot be i()");
    goto done;
  }
  if ((st = parse_terms(s, lr[1], t, &f->rhs, &f->cons, d)) != CN_OK) goto done;
  int ivpart = -1;
  if (np >= 2 && has_tilde(s, parts[np - 1])) ivpart = np - 1;
  for (int p = 1; p < np; p++) {
    if (p == ivpart) continue;
    if (has_tilde(s, parts[p])) {
      st = cn__formula_error(d, s, parts[p].a, "only the last part may contain '~' (the iv part)");
      goto done;
    }
    if (f->fe) {
      st = cn__formula_error(d, s, parts[p].a, "one fixed-effects part only");
      goto done;
    }
    if ((st = parse_fe(s, parts[p], t, f, d)) != CN_OK) goto done;
  }
  if (ivpart > 0) {
    f->iv = true;
    span iv[2];
    split(s, parts[ivpart], '~', iv, 2, &bad);
    if ((st = parse_terms(s, iv[0], t, &f->endog, NULL, d)) != CN_OK) goto done;
    if ((st = parse_terms(s, iv[1], t, &f->inst, NULL, d)) != CN_OK) goto done;
    if (f->endog.n == 0 || f->inst.n == 0) {
      st = cn__formula_error(d, s, parts[ivpart].a, "the iv part needs endogenous ~ instruments");
      goto done;
    }
  }
done:
  if (st != CN_OK) {
    /* the diagnostic's snippet points into f->text: it was copied already */
    cn_formula_free(f);
    return st;
  }
  *out = f;
  return CN_OK;
}

void cn_formula_free(cn_formula *f) {
  if (!f) return;
  factor_free(&f->dep);
  terms_free(&f->rhs);
  terms_free(&f->endog);
  terms_free(&f->inst);
  for (int i = 0; i < f->nfe; i++) {
    cn_free(f->fe[i].name);
    cn_free(f->fe[i].cols);
  }
  cn_free(f->fe);
  cn_free(f->text);
  cn_free(f);
}
