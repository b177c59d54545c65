/* tests/unit/test_formula.c — the Stata and fixest spellings of formulas
 * (docs/models.md, "Other programs' spellings") give the same model as
 * coinnet's own, and no formula, however malformed, leaves memory
 * allocated or crashes (a deterministic mutation run over the grammar).
 *
 * The numbers these spellings must reproduce (R's lm) are checked by the
 * golden cases tests/cli/model/formula-*.case; here only sameness counts:
 * equal names and bit-for-bit equal coefficients. */
#include <stdlib.h>
#include <string.h>
#include "test.h"

static long long live_blocks;

/* A counting allocator: the library's live blocks (atomic: the estimators
 * allocate inside OpenMP regions). */
static void *counting_alloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    if (ptr) __atomic_fetch_sub(&live_blocks, 1, __ATOMIC_RELAXED);
    free(ptr);
    return NULL;
  }
  void *q = realloc(ptr, size);
  if (q && !ptr) __atomic_fetch_add(&live_blocks, 1, __ATOMIC_RELAXED);
  return q;
}

static cn_table *bridges(void) {
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "formula/bridges.csv"), NULL, &t, &d),
               CN_OK, &d);
  return t;
}

/* Each pair: another program's spelling, then coinnet's. */
TEST(formula_bridges_same_model) {
  cn_table *t = bridges();
  if (!t) return;
  static const char *const pairs[][2] = {
      {"y ~ c.x#c.z", "y ~ x:z"},
      {"y ~ x##c.z", "y ~ x*z"},
      {"y ~ c.x##c.z", "y ~ x + z + x:z"},
      {"y ~ i.g#c.x", "y ~ i(g):x"},
      {"y ~ i(g, x)", "y ~ i(g):x"},
      {"y ~ c.x#i.g", "y ~ x:i(g)"},
      {"y ~ i.g##c.x", "y ~ i(g) + x + i(g):x"},
      {"y ~ i.g + i(g, x)", "y ~ i(g) + i(g):x"},
      {"y ~ I(x^2)", "y ~ x^2"},
      {"y ~ I(x*z) + I(x - z) + I((x))", "y ~ (x*z) + (x - z) + (x)"},
      {"y ~ c.x##c.x", "y ~ x + x:x"},
      {"y ~ ib(last).g + x", "y ~ i(g, ref = c) + x"},
      {"y ~ ib(#2).g + x", "y ~ i(g, ref = \"b\") + x"},
      {"y ~ ib(first).g + x", "y ~ i(g) + x"},
      {"y ~ ib1.h + x", "y ~ i(h, ref = 1) + x"},
      {"y ~ i(g, x, \"b\")", "y ~ i(g, x, ref = b)"},
      {"y ~ ibn.g + x - 1", "y ~ i(g) + x - 1"},
      {"y ~ i.g#i.h", "y ~ i(g):i(h)"},
      {"y ~ i.g##i.h", "y ~ i(g) + i(h) + i(g):i(h)"},
      {"y ~ i(g, h)", "y ~ i(g):h"},
      {"I(log(y + 10)) ~ c.x", "log(y + 10) ~ x"},
  };
  for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
    cn_model *a = NULL, *b = NULL;
    cn_diag d;
    CHECK_STATUS(cn_reg(t, pairs[i][0], NULL, &a, &d), CN_OK, &d);
    CHECK_STATUS(cn_reg(t, pairs[i][1], NULL, &b, &d), CN_OK, &d);
    if (a && b) {
      if (a->ncoef != b->ncoef)
        cn_test_fail(__FILE__, __LINE__, "%s: %d coefficients, %s: %d", pairs[i][0], a->ncoef,
                     pairs[i][1], b->ncoef);
      for (int k = 0; k < a->ncoef && k < b->ncoef; k++)
        if (strcmp(a->coef[k].name, b->coef[k].name) || a->coef[k].b != b->coef[k].b)
          cn_test_fail(__FILE__, __LINE__, "%s: %s = %.17g; %s: %s = %.17g", pairs[i][0],
                       a->coef[k].name, a->coef[k].b, pairs[i][1], b->coef[k].name, b->coef[k].b);
    }
    cn_model_free(a);
    cn_model_free(b);
  }
  cn_table_free(t);
}

/* The coefficient names of a model, joined by spaces (into buf). */
static const char *names_of(const cn_model *m, char *buf, size_t n) {
  buf[0] = 0;
  for (int k = 0; m && k < m->ncoef; k++) {
    if (k) strncat(buf, " ", n - strlen(buf) - 1);
    strncat(buf, m->coef[k].name, n - strlen(buf) - 1);
  }
  return buf;
}

/* R's coding (model.matrix): which dummies each formula has. */
TEST(formula_factor_coding_follows_r) {
  cn_table *t = bridges();
  if (!t) return;
  static const char *const cases[][2] = {
      /* no main effect of x: a slope per level */
      {"y ~ x:i(g)", "x:g::a x:g::b x:g::c _cons"},
      /* with it: the first level left out, wherever x is written (the
       * coefficients keep the formula's order) */
      {"y ~ x:i(g) + x", "x:g::b x:g::c x _cons"},
      /* i(g) does not hold x: every slope (R's g + g:x) */
      {"y ~ i(g) + i(g):x", "g::b g::c g::a:x g::b:x g::c:x _cons"},
      /* an explicit base is left out whatever the model */
      {"y ~ i(g, x, ref = c)", "g::a:x g::b:x _cons"},
      {"y ~ ib(freq).h + x", "h::1 x _cons"}, /* h: 15 zeros and 15 ones, the first of a tie */
      /* no constant: every level of the first factor, the second with contrasts */
      {"y ~ 0 + i(g) + i(h)", "g::a g::b g::c h::1"},
      /* x:z holds x, so x:i(g) after it has contrasts (R's subset rule) */
      {"y ~ x:z + x:i(g)", "x:z x:g::b x:g::c _cons"},
      /* Stata's ib(last). */
      {"y ~ ib(last).h", "h::0 _cons"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    cn_model *m = NULL;
    cn_diag d;
    char buf[512];
    CHECK_STATUS(cn_reg(t, cases[i][0], NULL, &m, &d), CN_OK, &d);
    if (m && strcmp(names_of(m, buf, sizeof buf), cases[i][1]))
      cn_test_fail(__FILE__, __LINE__, "%s: \"%s\", want \"%s\"", cases[i][0], buf, cases[i][1]);
    cn_model_free(m);
  }
  cn_table_free(t);
}

/* Unsupported spellings: a formula error naming the supported one. */
TEST(formula_foreign_spellings_hint) {
  cn_table *t = bridges();
  if (!t) return;
  static const struct {
    const char *f;
    int col;
    const char *msg;
  } cases[] = {
      {"y ~ c.nope#c.x", 7, "no column \"nope\""},
      {"y ~ x + factor(g)", 9, "write i(v)"},
      {"y ~ as.factor(g)", 5, "write i(v)"},
      {"y ~ sw(x, z)", 5, "run one formula per model"},
      {"y ~ i3.g", 5, "write (g == LEVEL)"},
      {"y ~ i(1 3).g", 5, "write (g == LEVEL)"},
      {"y ~ i.(g h)", 7, "write i.a + i.b"},
      {"y ~ i(g, bin = 3)", 10, "only ref ="},
      {"y ~ i(g, x, ref = a, ref = b)", 22, "given twice"},
      {"y ~ i(g, x, a, b)", 16, "i() takes"},
      {"y ~ c.i.g", 7, "c. marks a continuous variable"},
      {"y ~ I(ibn.g)", 7, "I() holds arithmetic"},
      {"y ~ ib(#0).g", 9, "k counts from 1"},
      {"y ~ x | i(g)", 9, "a fixed effect is a plain variable"},
      {"i(g, x) ~ z", 6, "i(v, x) is not allowed here"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    cn_formula *f = NULL;
    cn_diag d;
    cn_status st = cn_formula_parse(cases[i].f, t, &f, &d);
    cn_status want = strncmp(cases[i].msg, "no column", 9) ? CN_ESCRIPT : CN_EDATA;
    CHECK_INT(st, want);
    if (st == want && (d.column != cases[i].col || !strstr(d.message, cases[i].msg)))
      cn_test_fail(__FILE__, __LINE__, "%s: got %lld \"%s\"", cases[i].f, (long long)d.column,
                   d.message);
    cn_formula_free(f);
  }
  cn_table_free(t);
}

/* A small deterministic generator (xorshift). */
static unsigned long long rng_state = 88172645463325252ull;
static unsigned rnd(unsigned n) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (unsigned)(rng_state % n);
}

/* Mutations of formulas in every spelling (bytes deleted, inserted from
 * the grammar's alphabet, duplicated, swapped): each must parse or fail
 * with a formula error, and estimating a parsed one must succeed or fail
 * with a diagnostic — never crash — and in every case the library's live
 * block count must come back to where it was. Under `make asan` the same
 * run is checked by ASan and LSan too. */
TEST(formula_mutations_free_everything) {
  cn_table *t = bridges();
  if (!t) return;
  static const char *const seeds[] = {
      "y ~ c.x#c.z + x##c.z | h",       "y ~ i.g#c.x + ib(last).g",      "y ~ i(g, x, ref = \"b\")",
      "y ~ I(x^2) + x^2 + c.x##c.x",    "y ~ ib(#2).g##i.h - 1",         "y ~ ibn.g#i.h + ib1.h",
      "y ~ x:i(g) + i(g, ref = a):z",   "I(y*2) ~ i(h, z, 1) | g",       "y ~ ib(freq).g + factor(g)",
      "y ~ x | g | z ~ i(h):x + c.x#h", "y ~ l(x) + L2.z + d(x, 2)",     "y ~ i.(g h) + i2.g + csw(x)",
  };
  static const char alphabet[] = "#.()ic,=:*+^ -0123\"~|bnIgxzhyL";
  cn_set_alloc(counting_alloc, NULL);
  int parsed = 0;
  for (int it = 0; it < 4000; it++) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", seeds[rnd(sizeof seeds / sizeof *seeds)]);
    int nmut = 1 + (int)rnd(4);
    for (int k = 0; k < nmut; k++) {
      size_t n = strlen(buf), at = n ? rnd((unsigned)n) : 0;
      switch (rnd(4)) {
      case 0: /* delete */
        if (n) memmove(buf + at, buf + at + 1, n - at);
        break;
      case 1: /* insert */
        if (n + 2 < sizeof buf) {
          memmove(buf + at + 1, buf + at, n - at + 1);
          buf[at] = alphabet[rnd(sizeof alphabet - 1)];
        }
        break;
      case 2: /* duplicate a byte */
        if (n && n + 2 < sizeof buf) memmove(buf + at + 1, buf + at, n - at + 1);
        break;
      default: /* swap two bytes */
        if (n > 1) {
          size_t b = rnd((unsigned)n);
          char c = buf[at];
          buf[at] = buf[b], buf[b] = c;
        }
      }
    }
    live_blocks = 0;
    cn_formula *f = NULL;
    cn_diag d;
    cn_status st = cn_formula_parse(buf, t, &f, &d);
    if (st != CN_OK && st != CN_ESCRIPT && st != CN_EDATA) /* EDATA: a name that is no column */
      cn_test_fail(__FILE__, __LINE__, "%s: status %d (%s)", buf, st, d.message);
    if (st != CN_OK && f) cn_test_fail(__FILE__, __LINE__, "%s: a formula after an error", buf);
    cn_formula_free(f);
    if (st == CN_OK) {
      parsed++;
      cn_model *m = NULL;
      st = cn_reg(t, buf, NULL, &m, &d);
      if (st == CN_EINTERNAL) cn_test_fail(__FILE__, __LINE__, "%s: internal error %s", buf, d.message);
      cn_model_free(m);
    }
    if (live_blocks != 0)
      cn_test_fail(__FILE__, __LINE__, "%s: %lld blocks left allocated", buf, live_blocks);
  }
  cn_set_alloc(NULL, NULL);
  CHECK(parsed > 100); /* the run reaches the estimator, not only the parser */
  cn_table_free(t);
}
