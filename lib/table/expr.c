/* lib/table/expr.c — row-wise expressions: a recursive-descent parser into a
 * node array (children before parents), evaluated in blocks of rows. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coinnet/expr.h"

enum op {
  E_NUM, E_NA, E_COL, E_STR, E_NEG, E_NOT,
  E_ADD, E_SUB, E_MUL, E_DIV, E_POW,
  E_EQ, E_NE, E_LT, E_LE, E_GT, E_GE, E_AND, E_OR,
  E_ISNA, E_NOTNA, /* x == . and x != . */
  E_FUNC
};

enum fn {
  F_LOG, F_LOG10, F_LOG1P, F_EXP, F_SQRT, F_ABS, F_FLOOR, F_CEIL, F_INT,
  F_ROUND, F_MIN, F_MAX, F_MISSING, F_COND,
  /* Stata's dates: daily dates count days from 1 Jan 1960 */
  F_DATE, F_MDY, F_YEAR, F_MONTH, F_DAY, F_QUARTER, F_DOW, F_DOY,
  F_YM, F_MOFD, F_YQ, F_QOFD
};

static const struct {
  const char *name;
  int fn, min_args, max_args;
} funcs[] = {
    {"log", F_LOG, 1, 1},     {"ln", F_LOG, 1, 1},       {"log10", F_LOG10, 1, 1},
    {"log1p", F_LOG1P, 1, 1}, {"ln1p", F_LOG1P, 1, 1},   {"exp", F_EXP, 1, 1},
    {"sqrt", F_SQRT, 1, 1},   {"abs", F_ABS, 1, 1},      {"floor", F_FLOOR, 1, 1},
    {"ceil", F_CEIL, 1, 1},   {"int", F_INT, 1, 1},      {"round", F_ROUND, 1, 2},
    {"min", F_MIN, 1, 64},    {"max", F_MAX, 1, 64},     {"missing", F_MISSING, 1, 1},
    {"cond", F_COND, 3, 4},
    {"date", F_DATE, 2, 2},   {"mdy", F_MDY, 3, 3},      {"year", F_YEAR, 1, 1},
    {"month", F_MONTH, 1, 1}, {"day", F_DAY, 1, 1},      {"quarter", F_QUARTER, 1, 1},
    {"dow", F_DOW, 1, 1},     {"doy", F_DOY, 1, 1},      {"ym", F_YM, 2, 2},
    {"mofd", F_MOFD, 1, 1},   {"yq", F_YQ, 2, 2},        {"qofd", F_QOFD, 1, 1},
};

typedef struct node {
  int op, fn;
  int arg0, nargs; /* children: e->args[arg0 .. arg0 + nargs) */
  bool text;       /* the node is text (a text column or a literal) */
  double num;
  int slot;        /* E_COL: index into e->cols */
  char *str;       /* E_STR */
} node;

struct cn_expr {
  node *nodes;
  int n, cap;
  int *args;
  int nargs, capargs;
  int root;
  int *cols;         /* column indices in the parse table, first-use order */
  char **colnames;
  bool *coltext;
  int ncols, capcols;
};

/* Parser state: the text, the current token, the diagnostic. */
typedef enum tok {
  T_END, T_NUM, T_IDENT, T_QIDENT, T_STR, T_DOT, T_LP, T_RP, T_COMMA,
  T_PLUS, T_MINUS, T_STAR, T_SLASH, T_CARET,
  T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR, T_NOT, T_ASSIGN, T_BAD
} tok;

typedef struct parser {
  const char *s;
  size_t len, pos;    /* pos: first byte after the current token */
  tok t;
  size_t tstart, tlen; /* the current token's bytes */
  double num;
  char *str;          /* T_STR / T_QIDENT contents (owned) */
  const cn_table *tab;
  cn_expr *e;
  cn_diag *d;
  int depth;
  bool failed;
} parser;

/* Records a parse error at byte offset `at` of the text. */
static cn_status fail_at(parser *p, size_t at, const char *fmt, const char *arg) {
  if (p->failed) return CN_ESCRIPT;
  p->failed = true;
  cn_diag_at(p->d, CN_ESCRIPT, "expr", 1, (int64_t)at + 1, fmt, arg ? arg : "");
  if (p->d) {
    int64_t chars = 0;
    for (size_t i = 0; i < at && i < p->len; i++)
      chars += ((unsigned char)p->s[i] & 0xC0) != 0x80;
    cn_diag_snippet(p->d, p->s, p->len, chars + 1);
  }
  return CN_ESCRIPT;
}

static bool ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
static bool ident_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

/* Reads the next token into p. */
static void next(parser *p) {
  const char *s = p->s;
  size_t i = p->pos;
  cn_free(p->str);
  p->str = NULL;
  while (i < p->len && (s[i] == ' ' || s[i] == '\t')) i++;
  p->tstart = i;
  if (i >= p->len) {
    p->t = T_END;
    p->tlen = 0;
    p->pos = i;
    return;
  }
  unsigned char c = (unsigned char)s[i];
  size_t j = i + 1;
  tok t = T_BAD;
  if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < p->len && s[i + 1] >= '0' && s[i + 1] <= '9')) {
    char *end;
    char buf[128];
    size_t k = 0;
    while (i + k < p->len && k < sizeof buf - 1 &&
           (strchr("0123456789.eE", s[i + k]) ||
            ((s[i + k] == '+' || s[i + k] == '-') && k && (s[i + k - 1] == 'e' || s[i + k - 1] == 'E'))))
      k++;
    memcpy(buf, s + i, k);
    buf[k] = '\0';
    p->num = strtod(buf, &end);
    j = i + (size_t)(end - buf);
    t = T_NUM;
    if (j < p->len && ident_char((unsigned char)s[j])) t = T_BAD; /* 2x */
  } else if (c == '.') {
    t = T_DOT;
  } else if (ident_start(c)) {
    while (j < p->len && ident_char((unsigned char)s[j])) j++;
    t = T_IDENT;
  } else if (c == '`' || c == '"') {
    char q = (char)c;
    char *buf = cn_malloc(p->len - i + 1);
    size_t k = 0;
    if (!buf) {
      p->t = T_BAD;
      p->failed = true;
      cn_diag_set(p->d, CN_EINTERNAL, "out of memory");
      return;
    }
    while (j < p->len && s[j] != q) {
      if (q == '"' && s[j] == '\\' && j + 1 < p->len && (s[j + 1] == '"' || s[j + 1] == '\\')) j++;
      buf[k++] = s[j++];
    }
    buf[k] = '\0';
    if (j >= p->len) {
      cn_free(buf);
      fail_at(p, i, q == '"' ? "unterminated text: no closing \"" : "unterminated name: no closing `%s", q == '"' ? NULL : "`");
      p->t = T_BAD;
      return;
    }
    j++;
    p->str = buf;
    t = q == '"' ? T_STR : T_QIDENT;
  } else {
    char c2 = i + 1 < p->len ? s[i + 1] : '\0';
    switch (c) {
      case '(': t = T_LP; break;
      case ')': t = T_RP; break;
      case ',': t = T_COMMA; break;
      case '+': t = T_PLUS; break;
      case '-': t = T_MINUS; break;
      case '*': t = T_STAR; break;
      case '/': t = T_SLASH; break;
      case '^': t = T_CARET; break;
      case '&': t = T_AND; j += c2 == '&'; break;
      case '|': t = T_OR; j += c2 == '|'; break;
      case '=': t = c2 == '=' ? T_EQ : T_ASSIGN; j += c2 == '='; break;
      case '!':
      case '~': t = c2 == '=' ? T_NE : T_NOT; j += c2 == '='; break;
      case '<': t = c2 == '=' ? T_LE : T_LT; j += c2 == '='; break;
      case '>': t = c2 == '=' ? T_GE : T_GT; j += c2 == '='; break;
      default: break;
    }
  }
  if (t == T_IDENT) {
    size_t n = j - i;
    if (n == 3 && !memcmp(s + i, "and", 3)) t = T_AND;
    else if (n == 2 && !memcmp(s + i, "or", 2)) t = T_OR;
    else if (n == 3 && !memcmp(s + i, "not", 3)) t = T_NOT;
  }
  if (t == T_BAD) {
    /* one whole UTF-8 character (or the malformed number) in the message */
    if (c >= 0x80) while (j < p->len && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
    if (c >= '0' && c <= '9') while (j < p->len && ident_char((unsigned char)s[j])) j++;
  }
  p->t = t;
  p->tlen = j - i;
  p->pos = j;
}

/* Error about the current token: `unexpected "tok"` or end of input. */
static cn_status unexpected(parser *p, const char *want) {
  char msg[200];
  if (p->t == T_END) {
    snprintf(msg, sizeof msg, "%s", want ? want : "unexpected end of the expression");
    return fail_at(p, p->tstart, "%s", msg);
  }
  int n = p->tlen > 40 ? 40 : (int)p->tlen;
  if (want) snprintf(msg, sizeof msg, "%s, found \"%.*s\"", want, n, p->s + p->tstart);
  else snprintf(msg, sizeof msg, "unexpected \"%.*s\"", n, p->s + p->tstart);
  return fail_at(p, p->tstart, "%s", msg);
}

/* Appends a node with the given children; returns its index or -1. */
static int add_node(parser *p, int op, const int *kids, int nk) {
  cn_expr *e = p->e;
  if (e->n == e->cap) {
    int cap = e->cap ? 2 * e->cap : 16;
    node *nn = cn_reallocarray(e->nodes, (size_t)cap, sizeof *nn);
    if (!nn) goto oom;
    e->nodes = nn;
    e->cap = cap;
  }
  if (e->nargs + nk > e->capargs) {
    int cap = e->capargs ? 2 * e->capargs : 16;
    while (cap < e->nargs + nk) cap *= 2;
    int *na = cn_reallocarray(e->args, (size_t)cap, sizeof *na);
    if (!na) goto oom;
    e->args = na;
    e->capargs = cap;
  }
  node *x = &e->nodes[e->n];
  memset(x, 0, sizeof *x);
  x->op = op;
  x->arg0 = e->nargs;
  x->nargs = nk;
  for (int k = 0; k < nk; k++) e->args[e->nargs++] = kids[k];
  return e->n++;
oom:
  if (!p->failed) cn_diag_set(p->d, CN_EINTERNAL, "out of memory");
  p->failed = true;
  return -1;
}

/* The slot of column `col` in e->cols, adding it on first use; -1 on OOM. */
static int col_slot(parser *p, int col) {
  cn_expr *e = p->e;
  for (int k = 0; k < e->ncols; k++)
    if (e->cols[k] == col) return k;
  if (e->ncols == e->capcols) {
    int cap = e->capcols ? 2 * e->capcols : 8;
    int *c = cn_reallocarray(e->cols, (size_t)cap, sizeof *c);
    if (c) e->cols = c;
    char **nm = c ? cn_reallocarray(e->colnames, (size_t)cap, sizeof *nm) : NULL;
    if (nm) e->colnames = nm;
    bool *tx = nm ? cn_reallocarray(e->coltext, (size_t)cap, sizeof *tx) : NULL;
    if (!tx) return -1;
    e->coltext = tx;
    e->capcols = cap;
  }
  char *name = cn_strdup(cn_table_name(p->tab, col));
  if (!name) return -1;
  e->cols[e->ncols] = col;
  e->colnames[e->ncols] = name;
  e->coltext[e->ncols] = cn_table_type(p->tab, col) == CN_STRING;
  return e->ncols++;
}

static int parse_or(parser *p);

/* Fails when node k is text: text only goes into == / != / missing(). */
static bool need_number(parser *p, int k, size_t at) {
  if (k < 0) return false;
  if (!p->e->nodes[k].text) return true;
  const node *x = &p->e->nodes[k];
  if (x->op == E_COL)
    fail_at(p, at, "\"%s\" is a text variable: text can only be compared with == or !=",
            p->e->colnames[x->slot]);
  else fail_at(p, at, "%s", "text can only be compared with == or !=");
  return false;
}

/* date(s, mask): s is text, mask a text literal naming the order of
 * year, month and day ("YMD", "DMY", "MDY", ...). */
static bool date_arg_ok(parser *p, int argn, int k, size_t at) {
  const node *x = &p->e->nodes[k];
  if (argn == 0 && !x->text) {
    fail_at(p, at, "%s", "date() reads text: date(s, \"YMD\") with s a text column");
    return false;
  }
  if (argn == 1) {
    const char *m = x->op == E_STR ? x->str : "";
    bool ok = strlen(m) == 3 && strchr(m, 'Y') && strchr(m, 'M') && strchr(m, 'D');
    if (!ok) {
      fail_at(p, at, "%s", "the mask of date() is \"YMD\", \"DMY\", \"MDY\" or another order of Y, M and D");
      return false;
    }
  }
  return true;
}

/* A name after its token: a call name(args) when a '(' follows (unless
 * the name was quoted), else a column. name is the whole name, of any
 * length (a cut name could find no column, or another one). */
static int parse_named(parser *p, size_t at, bool quoted, const char *name) {
  if (!quoted && p->t == T_LP) {
    size_t f = 0, nf = sizeof funcs / sizeof *funcs;
    while (f < nf && strcmp(funcs[f].name, name)) f++;
    if (f == nf) {
      fail_at(p, at, "unknown function \"%s\"", name);
      return -1;
    }
    int kids[64], nk = 0;
    next(p);
    if (p->t != T_RP)
      for (;;) {
        size_t aat = p->tstart;
        if (nk == funcs[f].max_args) {
          char msg[600];
          snprintf(msg, sizeof msg, "%s() takes at most %d argument%s", name,
                   funcs[f].max_args, funcs[f].max_args == 1 ? "" : "s");
          fail_at(p, aat, "%s", msg);
          return -1;
        }
        int k = parse_or(p);
        if (k < 0) return -1;
        bool text_ok = funcs[f].fn == F_MISSING || (funcs[f].fn == F_DATE && nk < 2);
        if (!text_ok && !need_number(p, k, aat)) return -1;
        if (funcs[f].fn == F_DATE && !date_arg_ok(p, nk, k, aat)) return -1;
        kids[nk++] = k;
        if (p->t == T_COMMA) {
          next(p);
          continue;
        }
        if (p->t != T_RP) {
          unexpected(p, nk == funcs[f].max_args ? "expected \")\"" : "expected \",\" or \")\"");
          return -1;
        }
        break;
      }
    if (nk < funcs[f].min_args) {
      char msg[600];
      snprintf(msg, sizeof msg, "%s() takes %s%d argument%s", name,
               funcs[f].max_args > funcs[f].min_args ? "at least " : "",
               funcs[f].min_args, funcs[f].min_args == 1 ? "" : "s");
      fail_at(p, p->tstart, "%s", msg);
      return -1;
    }
    next(p);
    int k = add_node(p, E_FUNC, kids, nk);
    if (k >= 0) p->e->nodes[k].fn = funcs[f].fn;
    return k;
  }
  int col = cn_table_find(p->tab, name);
  if (col < 0) {
    cn_diag tmp;
    cn_diag_clear(&tmp);
    cn_table_col(p->tab, name, "the data", &tmp);
    fail_at(p, at, "%s", tmp.message);
    if (p->d) p->d->code = CN_EDATA; /* as every missing column */
    return -1;
  }
  int slot = col_slot(p, col);
  if (slot < 0) {
    if (!p->failed) cn_diag_set(p->d, CN_EINTERNAL, "out of memory");
    p->failed = true;
    return -1;
  }
  int k = add_node(p, E_COL, NULL, 0);
  if (k >= 0) {
    p->e->nodes[k].slot = slot;
    p->e->nodes[k].text = p->e->coltext[slot];
  }
  return k;
}

/* primary := number | . | "text" | name | name(args) | `name` | (expr) */
static int parse_primary(parser *p) {
  size_t at = p->tstart;
  if (p->failed) return -1;
  switch (p->t) {
    case T_NUM: {
      int k = add_node(p, E_NUM, NULL, 0);
      if (k >= 0) p->e->nodes[k].num = p->num;
      next(p);
      return k;
    }
    case T_DOT: {
      next(p);
      return add_node(p, E_NA, NULL, 0);
    }
    case T_STR: {
      int k = add_node(p, E_STR, NULL, 0);
      if (k < 0) return -1;
      p->e->nodes[k].str = p->str;
      p->e->nodes[k].text = true;
      p->str = NULL;
      next(p);
      return k;
    }
    case T_LP: {
      next(p);
      int k = parse_or(p);
      if (k < 0) return -1;
      if (p->t != T_RP) {
        unexpected(p, "expected \")\"");
        return -1;
      }
      next(p);
      return k;
    }
    case T_IDENT:
    case T_QIDENT: {
      bool quoted = p->t == T_QIDENT;
      char *name = quoted ? cn_strdup(p->str) : cn_strndup(p->s + p->tstart, p->tlen);
      if (!name) {
        if (!p->failed) cn_diag_set(p->d, CN_EINTERNAL, "out of memory");
        p->failed = true;
        return -1;
      }
      next(p);
      int k = parse_named(p, at, quoted, name);
      cn_free(name);
      return k;
    }
    case T_ASSIGN:
      fail_at(p, at, "%s", "\"=\" is not a comparison: use \"==\"");
      return -1;
    case T_BAD:
      if (p->failed) return -1;
      /* fall through */
    default:
      unexpected(p, p->t == T_END ? "expected a value at the end of the expression"
                                  : NULL);
      return -1;
  }
}

/* power := primary ['^' unary]   (right-associative) */
static int parse_unary(parser *p);
static int parse_power(parser *p) {
  size_t at = p->tstart;
  int a = parse_primary(p);
  if (a < 0 || p->t != T_CARET) return a;
  size_t bat = (next(p), p->tstart);
  int b = parse_unary(p);
  if (!need_number(p, a, at) || !need_number(p, b, bat)) return -1;
  int kids[2] = {a, b};
  return add_node(p, E_POW, kids, 2);
}

/* unary := ('-' | '+') unary | power */
static int parse_unary(parser *p) {
  if (++p->depth > 200) {
    fail_at(p, p->tstart, "%s", "expression nested too deeply");
    return -1;
  }
  int r;
  if (p->t == T_MINUS || p->t == T_PLUS) {
    bool neg = p->t == T_MINUS;
    next(p);
    size_t at = p->tstart;
    int a = parse_unary(p);
    if (!need_number(p, a, at)) r = -1;
    else r = neg ? add_node(p, E_NEG, &a, 1) : a;
  } else {
    r = parse_power(p);
  }
  p->depth--;
  return r;
}

/* Left-associative binary levels. */
static int parse_mul(parser *p) {
  size_t at = p->tstart;
  int a = parse_unary(p);
  while (a >= 0 && (p->t == T_STAR || p->t == T_SLASH)) {
    int op = p->t == T_STAR ? E_MUL : E_DIV;
    next(p);
    size_t bat = p->tstart;
    int b = parse_unary(p);
    if (!need_number(p, a, at) || !need_number(p, b, bat)) return -1;
    int kids[2] = {a, b};
    a = add_node(p, op, kids, 2);
  }
  return a;
}

static int parse_add(parser *p) {
  size_t at = p->tstart;
  int a = parse_mul(p);
  while (a >= 0 && (p->t == T_PLUS || p->t == T_MINUS)) {
    int op = p->t == T_PLUS ? E_ADD : E_SUB;
    next(p);
    size_t bat = p->tstart;
    int b = parse_mul(p);
    if (!need_number(p, a, at) || !need_number(p, b, bat)) return -1;
    int kids[2] = {a, b};
    a = add_node(p, op, kids, 2);
  }
  return a;
}

/* cmp := add [cmpop add]   (not chained) */
static int parse_cmp(parser *p) {
  size_t at = p->tstart;
  int a = parse_add(p);
  if (a < 0) return -1;
  tok t = p->t;
  if (t == T_ASSIGN) {
    fail_at(p, p->tstart, "%s", "\"=\" is not a comparison: use \"==\"");
    return -1;
  }
  if (t < T_EQ || t > T_GE) return a;
  size_t opat = p->tstart;
  next(p);
  size_t bat = p->tstart;
  int b = parse_add(p);
  if (b < 0) return -1;
  if (p->t >= T_EQ && p->t <= T_GE) {
    fail_at(p, p->tstart, "%s", "comparisons cannot be chained: join them with &");
    return -1;
  }
  node *na = &p->e->nodes[a], *nb = &p->e->nodes[b];
  int op = t == T_EQ ? E_EQ : t == T_NE ? E_NE : t == T_LT ? E_LT : t == T_LE ? E_LE
         : t == T_GT ? E_GT : E_GE;
  /* x == . and x != . test missingness, as in Stata */
  if (na->op == E_NA || nb->op == E_NA) {
    if (op != E_EQ && op != E_NE) {
      fail_at(p, opat, "%s", "missing (.) can only be tested with == or !=");
      cn_diag_hint(p->d, "write missing(x) or !missing(x)");
      return -1;
    }
    int k = na->op == E_NA ? b : a;
    return add_node(p, op == E_EQ ? E_ISNA : E_NOTNA, &k, 1);
  }
  if (na->text != nb->text) {
    fail_at(p, na->text ? at : bat, "%s", "cannot compare text with a number");
    return -1;
  }
  if (na->text && op != E_EQ && op != E_NE) {
    fail_at(p, opat, "%s", "text can only be compared with == or !=");
    return -1;
  }
  if (na->text && na->op == E_STR && nb->op == E_STR) {
    fail_at(p, at, "%s", "compare a text variable, not two literals");
    return -1;
  }
  int kids[2] = {a, b};
  return add_node(p, op, kids, 2);
}

/* not := ('!' | 'not') not | cmp */
static int parse_not(parser *p) {
  if (p->t != T_NOT) return parse_cmp(p);
  if (++p->depth > 200) {
    fail_at(p, p->tstart, "%s", "expression nested too deeply");
    return -1;
  }
  next(p);
  size_t at = p->tstart;
  int a = parse_not(p);
  p->depth--;
  if (!need_number(p, a, at)) return -1;
  return add_node(p, E_NOT, &a, 1);
}

static int parse_and(parser *p) {
  size_t at = p->tstart;
  int a = parse_not(p);
  while (a >= 0 && p->t == T_AND) {
    next(p);
    size_t bat = p->tstart;
    int b = parse_not(p);
    if (!need_number(p, a, at) || !need_number(p, b, bat)) return -1;
    int kids[2] = {a, b};
    a = add_node(p, E_AND, kids, 2);
  }
  return a;
}

static int parse_or(parser *p) {
  if (++p->depth > 200) {
    fail_at(p, p->tstart, "%s", "expression nested too deeply");
    return -1;
  }
  size_t at = p->tstart;
  int a = parse_and(p);
  while (a >= 0 && p->t == T_OR) {
    next(p);
    size_t bat = p->tstart;
    int b = parse_and(p);
    if (!need_number(p, a, at) || !need_number(p, b, bat)) {
      a = -1;
      break;
    }
    int kids[2] = {a, b};
    a = add_node(p, E_OR, kids, 2);
  }
  p->depth--;
  return a;
}

void cn_expr_free(cn_expr *e) {
  if (!e) return;
  for (int i = 0; i < e->n; i++) cn_free(e->nodes[i].str);
  for (int k = 0; k < e->ncols; k++) cn_free(e->colnames[k]);
  cn_free(e->nodes);
  cn_free(e->args);
  cn_free(e->cols);
  cn_free(e->colnames);
  cn_free(e->coltext);
  cn_free(e);
}

cn_status cn_expr_parse(const char *text, const cn_table *t, cn_expr **out,
                        cn_diag *d) {
  parser p;
  memset(&p, 0, sizeof p);
  cn_diag_clear(d);
  *out = NULL;
  p.s = text ? text : "";
  p.len = strlen(p.s);
  while (p.len && (p.s[p.len - 1] == '\n' || p.s[p.len - 1] == '\r')) p.len--;
  for (size_t i = 0; i < p.len; i++)
    if (p.s[i] == '\n' || p.s[i] == '\r')
      return cn_diag_at(d, CN_ESCRIPT, "expr", 1, (int64_t)i + 1,
                        "an expression is one line");
  p.tab = t;
  p.d = d;
  p.e = cn_calloc(1, sizeof *p.e);
  if (!p.e) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  next(&p);
  int root = -1;
  if (p.t == T_END && !p.failed) fail_at(&p, 0, "%s", "empty expression");
  else root = parse_or(&p);
  if (root >= 0 && p.t != T_END) {
    unexpected(&p, p.t == T_RP ? "unbalanced \")\"" : "expected an operator");
    root = -1;
  }
  if (root >= 0 && p.e->nodes[root].text && p.e->nodes[root].op == E_STR) {
    fail_at(&p, 0, "%s", "the expression is a text literal, not a number");
    root = -1;
  }
  cn_free(p.str);
  if (root < 0 || p.failed) {
    cn_status st = d ? d->code : CN_ESCRIPT;
    cn_expr_free(p.e);
    return st ? st : CN_ESCRIPT;
  }
  p.e->root = root;
  *out = p.e;
  return CN_OK;
}

int cn_expr_is_column(const cn_expr *e, int *col) {
  const node *r = &e->nodes[e->root];
  if (r->op != E_COL) return 0;
  if (col) *col = e->cols[r->slot];
  return 1;
}

int cn_expr_columns(const cn_expr *e, int *cols, int cap) {
  for (int k = 0; k < e->ncols && k < cap; k++) cols[k] = e->cols[k];
  return e->ncols;
}

/* ---- evaluation ---- */

#define BLK 256

/* A finite number or missing. */
static inline double fin(double v) { return isfinite(v) ? v : NAN; }

/* Text of a text node at a row: a literal, a level, or "" when missing. */
static inline const char *text_at(const node *x, const cn_table *t, const int *rcol,
                                  int64_t row) {
  if (x->op == E_STR) return x->str;
  int c = rcol[x->slot];
  int32_t k = cn_table_codes(t, c)[row];
  const char *s = k < 0 ? NULL : cn_table_level(t, c, k);
  return s ? s : "";
}

/* ---- dates: day numbers from 1 Jan 1960 (Stata's %td) ---- */

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }
static bool leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
/* Leap years among the years before y (from an arbitrary origin). */
static int64_t leaps_before(int64_t y) {
  return floor_div(y - 1, 4) - floor_div(y - 1, 100) + floor_div(y - 1, 400);
}
/* Day number of 1 January of year y. */
static int64_t year_start(int64_t y) {
  return 365 * (y - 1960) + leaps_before(y) - leaps_before(1960);
}
static const int month_start[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
static int month_days(int64_t y, int m) {
  return month_start[m] - month_start[m - 1] + (m == 2 && leap_year(y));
}
/* The day number of y-m-d, NaN when the date does not exist or the year is
 * outside 100..9999 (Stata's range). */
static double day_number(double y, double m, double d) {
  if (isnan(y) || isnan(m) || isnan(d) || y != floor(y) || m != floor(m) || d != floor(d)) return NAN;
  if (y < 100 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days((int64_t)y, (int)m)) return NAN;
  int64_t yy = (int64_t)y;
  int mm = (int)m;
  return (double)(year_start(yy) + month_start[mm - 1] + (mm > 2 && leap_year(yy)) + (int64_t)d - 1);
}
/* Year, month (1-12), day (1-31) and day of the year (1-366) of day number
 * t; false when t is missing or outside years 100..9999. */
static bool civil_date(double t, int64_t *y, int *m, int *d, int *doy) {
  if (isnan(t) || fabs(t) > 3e6) return false;
  int64_t days = (int64_t)floor(t);
  int64_t yy = 1960 + floor_div(days * 400, 146097);
  while (year_start(yy) > days) yy--;
  while (year_start(yy + 1) <= days) yy++;
  if (yy < 100 || yy > 9999) return false;
  int r = (int)(days - year_start(yy)), mm = 1;
  while (mm < 12 && r >= month_start[mm] + (mm >= 2 && leap_year(yy))) mm++;
  *y = yy;
  *m = mm;
  *d = r - month_start[mm - 1] - (mm > 2 && leap_year(yy)) + 1;
  *doy = r + 1;
  return true;
}

/* Month number of a month name or its first three letters (any case);
 * 0 when it is none. */
static int month_of_name(const char *s, size_t n) {
  static const char *const names[] = {"january", "february", "march", "april", "may", "june", "july",
                                      "august", "september", "october", "november", "december"};
  if (n < 3) return 0;
  for (int k = 0; k < 12; k++) {
    size_t i = 0;
    while (i < n && names[k][i] && (s[i] | 0x20) == names[k][i]) i++;
    if (i == n) return k + 1;
  }
  return 0;
}

/* Stata's date(s, mask): the day number of the text s, whose year, month
 * and day come in the order of mask. Parts are runs of digits or letters
 * (a month name); anything else separates them; 8 digits in one run split
 * as the mask says (20010304 with "YMD"). Years need four digits. NaN when
 * s is not such a date. */
static double parse_date(const char *s, const char *mask) {
  const char *part[4];
  size_t len[4];
  int np = 0;
  for (const char *c = s; *c && np <= 3;) {
    bool digit = *c >= '0' && *c <= '9', alpha = ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z');
    if (!digit && !alpha) {
      c++;
      continue;
    }
    const char *b = c;
    while (*c && (digit ? (*c >= '0' && *c <= '9') : ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z'))) c++;
    if (np == 3) return NAN;
    part[np] = b;
    len[np++] = (size_t)(c - b);
  }
  if (np == 1 && len[0] == 8) {
    const char *b = part[0];
    size_t at = 0;
    for (int k = 0; k < 3; k++) {
      size_t w = mask[k] == 'Y' ? 4 : 2;
      part[k] = b + at;
      len[k] = w;
      at += w;
    }
    np = 3;
  }
  if (np != 3) return NAN;
  double y = NAN, m = NAN, d = NAN;
  for (int k = 0; k < 3; k++) {
    char num[16];
    bool digits = part[k][0] >= '0' && part[k][0] <= '9';
    double v = NAN;
    if (digits && len[k] < sizeof num) {
      memcpy(num, part[k], len[k]);
      num[len[k]] = '\0';
      v = atof(num);
    }
    if (mask[k] == 'M' && !digits) {
      int mn = month_of_name(part[k], len[k]);
      v = mn ? mn : NAN;
    }
    if (mask[k] == 'Y') y = digits && len[k] == 4 ? v : NAN;
    else if (mask[k] == 'M') m = v;
    else d = v;
  }
  return day_number(y, m, d);
}

/* Evaluates function node x over one block (children already in buf). */
static void eval_func(const cn_expr *e, const node *x, const cn_table *t, const int *rcol,
                      double *const *kid, double *r, int64_t row0, int nb) {
  double *a = kid[0];
  switch (x->fn) {
    case F_LOG: for (int i = 0; i < nb; i++) r[i] = a[i] > 0 ? log(a[i]) : NAN; break;
    case F_LOG10: for (int i = 0; i < nb; i++) r[i] = a[i] > 0 ? log10(a[i]) : NAN; break;
    case F_LOG1P: for (int i = 0; i < nb; i++) r[i] = a[i] > -1 ? log1p(a[i]) : NAN; break;
    case F_EXP: for (int i = 0; i < nb; i++) r[i] = fin(exp(a[i])); break;
    case F_SQRT: for (int i = 0; i < nb; i++) r[i] = a[i] >= 0 ? sqrt(a[i]) : NAN; break;
    case F_ABS: for (int i = 0; i < nb; i++) r[i] = fabs(a[i]); break;
    case F_FLOOR: for (int i = 0; i < nb; i++) r[i] = floor(a[i]); break;
    case F_CEIL: for (int i = 0; i < nb; i++) r[i] = ceil(a[i]); break;
    case F_INT: for (int i = 0; i < nb; i++) r[i] = trunc(a[i]); break;
    case F_ROUND:
      if (x->nargs == 1)
        for (int i = 0; i < nb; i++) r[i] = round(a[i]);
      else
        for (int i = 0; i < nb; i++)
          r[i] = kid[1][i] > 0 ? fin(round(a[i] / kid[1][i]) * kid[1][i]) : NAN;
      break;
    case F_MIN:
    case F_MAX:
      for (int i = 0; i < nb; i++) {
        double v = NAN;
        for (int k = 0; k < x->nargs; k++) {
          double w = kid[k][i];
          if (isnan(w)) continue;
          if (isnan(v) || (x->fn == F_MIN ? w < v : w > v)) v = w;
        }
        r[i] = v;
      }
      break;
    case F_MISSING: {
      const node *y = &e->nodes[e->args[x->arg0]];
      if (y->text && y->op == E_COL) {
        const int32_t *codes = cn_table_codes(t, rcol[y->slot]);
        for (int i = 0; i < nb; i++) r[i] = codes[row0 + i] == CN_NA_CODE;
      } else if (y->text) {
        for (int i = 0; i < nb; i++) r[i] = y->str[0] == '\0';
      } else {
        for (int i = 0; i < nb; i++) r[i] = isnan(a[i]);
      }
      break;
    }
    case F_COND:
      for (int i = 0; i < nb; i++)
        r[i] = isnan(a[i]) ? (x->nargs == 4 ? kid[3][i] : NAN)
                           : a[i] != 0 ? kid[1][i] : kid[2][i];
      break;
    case F_DATE: {
      const node *y = &e->nodes[e->args[x->arg0]];
      const char *mask = e->nodes[e->args[x->arg0 + 1]].str;
      for (int i = 0; i < nb; i++) r[i] = parse_date(text_at(y, t, rcol, row0 + i), mask);
      break;
    }
    case F_MDY:
      for (int i = 0; i < nb; i++) r[i] = day_number(kid[2][i], a[i], kid[1][i]);
      break;
    case F_YM:
    case F_YQ:
      for (int i = 0; i < nb; i++) {
        double per = x->fn == F_YM ? 12 : 4, y = a[i], k = kid[1][i];
        bool ok = y == floor(y) && k == floor(k) && k >= 1 && k <= per && y >= 100 && y <= 9999;
        r[i] = ok ? (y - 1960) * per + k - 1 : NAN;
      }
      break;
    default: /* the parts of a daily date */
      for (int i = 0; i < nb; i++) {
        int64_t y;
        int m, dd, doy;
        if (!civil_date(a[i], &y, &m, &dd, &doy)) {
          r[i] = NAN;
          continue;
        }
        switch (x->fn) {
          case F_YEAR: r[i] = (double)y; break;
          case F_MONTH: r[i] = m; break;
          case F_DAY: r[i] = dd; break;
          case F_QUARTER: r[i] = (m + 2) / 3; break;
          case F_DOY: r[i] = doy; break;
          case F_DOW: r[i] = (double)(((int64_t)floor(a[i]) % 7 + 7 + 5) % 7); break; /* 1 Jan 1960 was a Friday */
          case F_MOFD: r[i] = (double)((y - 1960) * 12 + m - 1); break;
          case F_QOFD: r[i] = (double)((y - 1960) * 4 + (m + 2) / 3 - 1); break;
          default: r[i] = NAN;
        }
      }
      break;
  }
}

cn_status cn_expr_eval(const cn_expr *e, const cn_table *t, double *out, cn_diag *d) {
  int64_t nrow = cn_table_nrow(t);
  int rcol_small[16];
  int *rcol = e->ncols <= 16 ? rcol_small : cn_calloc((size_t)e->ncols, sizeof *rcol);
  double *buf = NULL;
  cn_status st = CN_OK;
  cn_diag_clear(d);
  if (!rcol) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  /* find each column again by name: t may differ from the parse table */
  for (int k = 0; k < e->ncols; k++) {
    int c = e->cols[k];
    if (c >= cn_table_ncol(t) || strcmp(cn_table_name(t, c), e->colnames[k]) != 0)
      c = cn_table_find(t, e->colnames[k]);
    if (c < 0) {
      st = cn_diag_set(d, CN_ESCRIPT, "variable \"%s\" is not in the table", e->colnames[k]);
      goto done;
    }
    if ((cn_table_type(t, c) == CN_STRING) != e->coltext[k]) {
      st = cn_diag_set(d, CN_ESCRIPT, "variable \"%s\" is %s now", e->colnames[k],
                       e->coltext[k] ? "a number" : "text");
      goto done;
    }
    rcol[k] = c;
  }
  const node *root = &e->nodes[e->root];
  if (root->text) {
    st = cn_diag_set(d, CN_ESCRIPT, "\"%s\" is a text variable, not a number",
                     e->colnames[root->slot]);
    goto done;
  }
  buf = cn_calloc((size_t)e->n * BLK, sizeof *buf);
  if (!buf) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  for (int64_t row0 = 0; row0 < nrow; row0 += BLK) {
    int nb = nrow - row0 < BLK ? (int)(nrow - row0) : BLK;
    for (int n = 0; n < e->n; n++) {
      const node *x = &e->nodes[n];
      double *r = buf + (size_t)n * BLK;
      double *kid[64];
      for (int k = 0; k < x->nargs; k++) kid[k] = buf + (size_t)e->args[x->arg0 + k] * BLK;
      double *a = x->nargs > 0 ? kid[0] : NULL, *b = x->nargs > 1 ? kid[1] : NULL;
      if (x->text) continue;
      switch (x->op) {
        case E_NUM: for (int i = 0; i < nb; i++) r[i] = x->num; break;
        case E_NA: for (int i = 0; i < nb; i++) r[i] = NAN; break;
        case E_COL: {
          int c = rcol[x->slot];
          const double *v = cn_table_dbl(t, c);
          if (v) memcpy(r, v + row0, (size_t)nb * sizeof *r);
          else {
            const int64_t *w = cn_table_i64(t, c);
            for (int i = 0; i < nb; i++)
              r[i] = w[row0 + i] == CN_NA_INT64 ? NAN : (double)w[row0 + i];
          }
          break;
        }
        case E_NEG: for (int i = 0; i < nb; i++) r[i] = -a[i]; break;
        case E_NOT: for (int i = 0; i < nb; i++) r[i] = isnan(a[i]) ? NAN : a[i] == 0; break;
        case E_ADD: for (int i = 0; i < nb; i++) r[i] = fin(a[i] + b[i]); break;
        case E_SUB: for (int i = 0; i < nb; i++) r[i] = fin(a[i] - b[i]); break;
        case E_MUL: for (int i = 0; i < nb; i++) r[i] = fin(a[i] * b[i]); break;
        case E_DIV: for (int i = 0; i < nb; i++) r[i] = fin(a[i] / b[i]); break;
        case E_POW: for (int i = 0; i < nb; i++) r[i] = fin(pow(a[i], b[i])); break;
        case E_EQ:
        case E_NE: {
          const node *xa = &e->nodes[e->args[x->arg0]], *xb = &e->nodes[e->args[x->arg0 + 1]];
          if (xa->text) {
            for (int i = 0; i < nb; i++) {
              int eq = strcmp(text_at(xa, t, rcol, row0 + i), text_at(xb, t, rcol, row0 + i)) == 0;
              r[i] = x->op == E_EQ ? eq : !eq;
            }
          } else if (x->op == E_EQ) {
            for (int i = 0; i < nb; i++) r[i] = isnan(a[i]) || isnan(b[i]) ? NAN : a[i] == b[i];
          } else {
            for (int i = 0; i < nb; i++) r[i] = isnan(a[i]) || isnan(b[i]) ? NAN : a[i] != b[i];
          }
          break;
        }
        case E_LT: for (int i = 0; i < nb; i++) r[i] = isnan(a[i]) || isnan(b[i]) ? NAN : a[i] < b[i]; break;
        case E_LE: for (int i = 0; i < nb; i++) r[i] = isnan(a[i]) || isnan(b[i]) ? NAN : a[i] <= b[i]; break;
        case E_GT: for (int i = 0; i < nb; i++) r[i] = isnan(a[i]) || isnan(b[i]) ? NAN : a[i] > b[i]; break;
        case E_GE: for (int i = 0; i < nb; i++) r[i] = isnan(a[i]) || isnan(b[i]) ? NAN : a[i] >= b[i]; break;
        case E_AND:
          for (int i = 0; i < nb; i++)
            r[i] = a[i] == 0 || b[i] == 0 ? 0 : isnan(a[i]) || isnan(b[i]) ? NAN : 1;
          break;
        case E_OR:
          for (int i = 0; i < nb; i++)
            r[i] = (!isnan(a[i]) && a[i] != 0) || (!isnan(b[i]) && b[i] != 0) ? 1
                   : isnan(a[i]) || isnan(b[i]) ? NAN : 0;
          break;
        case E_ISNA:
        case E_NOTNA: {
          const node *y = &e->nodes[e->args[x->arg0]];
          for (int i = 0; i < nb; i++) {
            int na = y->text ? text_at(y, t, rcol, row0 + i)[0] == '\0' : isnan(a[i]);
            r[i] = x->op == E_ISNA ? na : !na;
          }
          break;
        }
        case E_FUNC: eval_func(e, x, t, rcol, kid, r, row0, nb); break;
      }
    }
    memcpy(out + row0, buf + (size_t)e->root * BLK, (size_t)nb * sizeof *out);
  }
done:
  cn_free(buf);
  if (rcol != rcol_small) cn_free(rcol);
  return st;
}
