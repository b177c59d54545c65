/* tests/unit/test.h — a minimal unit-test framework. Each TEST registers
 * itself before main; a failed CHECK records file:line and the values and
 * the test goes on, so one run shows every failure. */
#ifndef CN_TEST_H
#define CN_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "coinnet.h"

typedef void (*cn_test_fn)(void);
void cn_test_register(const char *name, const char *file, cn_test_fn fn);
void cn_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Absolute paths of the source tree (its data/ is coinnet's run-time data)
 * and of tests/data. */
const char *cn_test_root(void);
const char *cn_test_data(void);
/* A fresh scratch directory for the current test (removed after the run). */
const char *cn_test_tmpdir(void);
/* Joins a directory and a file name into a static rotating buffer. */
const char *cn_test_path(const char *dir, const char *name);

/* The numbers of the first line of tests/data/FILE that begins with tag
 * and a blank, at most max into v; the count (a test failure when the file
 * or the line is missing). */
int cn_test_tagged_line(const char *file, const char *tag, double *v, int max);

/* A table from columns given as text: heads "name:type" with type i, d or
 * s, and the cells row by row ("" = missing). Caller frees it. */
cn_table *cn_test_table(int nrow, int ncol, const char *const *heads, const char *const *cells);

/* Text of a string cell, NULL when missing. */
static inline const char *cn_test_level(const cn_table *t, int col, int64_t row) {
  int32_t k = cn_table_codes(t, col)[row];
  return k < 0 ? NULL : cn_table_level(t, col, k);
}

#define TEST(name)                                                   \
  static void name(void);                                            \
  __attribute__((constructor)) static void name##_register(void) {   \
    cn_test_register(#name, __FILE__, name);                         \
  }                                                                  \
  static void name(void)

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) cn_test_fail(__FILE__, __LINE__, "%s", #cond);      \
  } while (0)

#define CHECK_INT(a, b)                                                     \
  do {                                                                      \
    long long a_ = (long long)(a), b_ = (long long)(b);                     \
    if (a_ != b_)                                                           \
      cn_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, \
                   b_);                                                     \
  } while (0)

#define CHECK_STR(a, b)                                                    \
  do {                                                                     \
    const char *a_ = (a), *b_ = (b);                                       \
    if (!a_ || !b_ || strcmp(a_, b_) != 0)                                 \
      cn_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
                   a_ ? a_ : "(null)", b_ ? b_ : "(null)");                \
  } while (0)

/* Relative tolerance; both NaN counts as equal. */
#define CHECK_NEAR(a, b, rel)                                                \
  do {                                                                       \
    double a_ = (double)(a), b_ = (double)(b);                               \
    double s_ = fabs(b_) > 1 ? fabs(b_) : 1;                                 \
    if (!((isnan(a_) && isnan(b_)) || fabs(a_ - b_) <= (rel) * s_))          \
      cn_test_fail(__FILE__, __LINE__, "%s ~ %s: %.17g != %.17g (rel %g)",   \
                   #a, #b, a_, b_, (double)(rel));                           \
  } while (0)

/* A status check that prints the diagnostic when it is not the one wanted. */
#define CHECK_STATUS(st, want, diag)                                          \
  do {                                                                        \
    cn_status st_ = (st);                                                     \
    if (st_ != (want))                                                        \
      cn_test_fail(__FILE__, __LINE__, "%s: status %d, wanted %d: %s:%lld:%lld: %s", \
                   #st, (int)st_, (int)(want), (diag)->file,                  \
                   (long long)(diag)->line, (long long)(diag)->column,        \
                   (diag)->message);                                          \
  } while (0)

#endif
