/* lib/model/formula.c — the formula grammar of spec/cli.md:
 *
 *   y ~ x1 + l(x2) + L2.x3 + x4:x5 + log1p(x6) + i(region) | firm + ind^year
 *   y ~ x1 | firm + year | endog ~ inst1 + inst2
 *
 * Parts are split at top-level '|': the first holds "depvar ~ terms", the
 * last part that contains '~' is the IV part, a part in between holds the
 * fixed effects. Terms are split at top-level '+'; at the top level of a
 * term '*' expands (a*b = a + b + a:b) and ':' multiplies. A factor is a
 * column name, i(v[, ref = L]) or i.v, a lag l()/f()/d() or L./F./D., or
 * any other expression (handed to cn_expr_parse). Arithmetic with '*' or
 * '-' inside a term needs parentheses. */
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

/* A column given by name inside a factor (i(), l(), L.): must exist. */
static cn_status column_arg(const char *s, span x, const cn_table *t, int *col, cn_diag *d) {
  x = trim(s, x);
  if (x.a == x.b) return cn__formula_error(d, s, x.a, "expected a variable");
  *col = find_col(t, s, x);
  if (*col == -2) return oom(d);
  if (*col < 0) return cn__formula_error(d, s, x.a, "unknown variable \"%.*s\"", (int)(x.b - x.a), s + x.a);
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

/* Parses one factor. */
static cn_status parse_factor(const char *s, span x, const cn_table *t, cn__factor *f,
                              cn_diag *d) {
  x = trim(s, x);
  memset(f, 0, sizeof *f);
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
  /* function-style: i(...), l(...), f(...), d(...) */
  if (n >= 3 && p[1] == '(' && s[x.b - 1] == ')' && strchr("ilfd", p[0])) {
    span inner = {x.a + 2, x.b - 1};
    span args[3];
    size_t bad = 0;
    int na = split(s, inner, ',', args, 3, &bad);
    if (na < 0) return cn__formula_error(d, s, bad, "unbalanced parentheses");
    if (p[0] == 'i') {
      f->kind = CN_FK_FACTOR;
      if (na > 2) return cn__formula_error(d, s, args[2].a, "i() takes a variable and ref = LEVEL");
      cn_status st = column_arg(s, args[0], t, &f->col, d);
      if (st != CN_OK) return st;
      if (na == 2) {
        span r = trim(s, args[1]);
        if (r.b - r.a < 3 || strncmp(s + r.a, "ref", 3) != 0)
          return cn__formula_error(d, s, r.a, "expected ref = LEVEL");
        r.a += 3;
        r = trim(s, r);
        if (r.a >= r.b || s[r.a] != '=') return cn__formula_error(d, s, r.a, "expected '='");
        r.a++;
        r = trim(s, r);
        if (r.b - r.a >= 2 && s[r.a] == '"' && s[r.b - 1] == '"') r.a++, r.b--;
        if (r.a >= r.b) return cn__formula_error(d, s, r.a, "expected the reference level");
        if (!(f->ref = dup_span(s, r))) return oom(d);
      }
      return CN_OK;
    }
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
  /* i.v and Stata's L.x L2.x F.x F3.x D.x */
  if (n > 2 && p[0] == 'i' && p[1] == '.') {
    f->kind = CN_FK_FACTOR;
    return column_arg(s, (span){x.a + 2, x.b}, t, &f->col, d);
  }
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
  if (is_ident(s, x)) return cn__formula_error(d, s, x.a, "unknown variable \"%s\"", f->text);
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

static void factor_free(cn__factor *f) {
  cn_free(f->text);
  cn_free(f->ref);
  cn_expr_free(f->expr);
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
        if ((st = parse_factor(s, colon[c], t, &fs[nfs], d)) != CN_OK) {
          factor_free(&fs[nfs]); /* what the failed factor had allocated */
          break;
        }
        nfs++;
      }
    }
    if (st != CN_OK) {
      for (int q = 0; q < nfs; q++) factor_free(&fs[q]);
      goto done;
    }
    first[ns] = nfs;
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
      cn_status st = column_arg(s, vs[k], t, &fe->cols[k], d);
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
  if ((st = parse_factor(s, lr[0], t, &f->dep, d)) != CN_OK) goto done;
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
