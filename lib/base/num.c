/* lib/base/num.c — locale-independent number parsing and shortest printing. */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base_int.h"

static locale_t c_locale;
static pthread_once_t c_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }
static locale_t get_c_locale(void) {
  pthread_once(&c_once, make_c_locale);
  return c_locale;
}

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The general reader behind cn__parse_double, for any number of digits.
 * Clinger's fast path: a mantissa below 2^53 scaled by an exactly
 * representable power of ten is correctly rounded by one IEEE operation.
 * Everything else goes to strtod_l in the C locale. */
static bool parse_double_any(const char *s, size_t n, double *out) {
  size_t i = 0;
  bool neg = false;
  if (n == 0) return false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i++;
  }
  uint64_t m = 0;
  int digits = 0, scale = 0;
  size_t int_digits = 0, frac_digits = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    if (digits < 19) {
      m = m * 10 + (uint64_t)(s[i] - '0');
      if (m) digits++;
    } else {
      scale++;
      digits++;
    }
    i++;
    int_digits++;
  }
  if (i < n && s[i] == '.') {
    i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (digits < 19) {
        m = m * 10 + (uint64_t)(s[i] - '0');
        if (m) digits++;
        scale--;
      } else {
        digits++;
      }
      i++;
      frac_digits++;
    }
  }
  if (int_digits + frac_digits == 0) return false;
  int64_t e = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
      eneg = s[i] == '-';
      i++;
    }
    size_t e0 = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (e < 100000) e = e * 10 + (s[i] - '0');
      i++;
    }
    if (i == e0) return false;
    if (eneg) e = -e;
  }
  if (i != n) return false;
  int64_t e10 = e + scale;
  if (digits <= 19 && m <= (1ULL << 53) && e10 >= -22 && e10 <= 22) {
    double v = (double)m;
    v = e10 < 0 ? v / pow10_exact[-e10] : v * pow10_exact[e10];
    *out = neg ? -v : v;
    return true;
  }
  if (m == 0 && digits <= 19) {
    *out = neg ? -0.0 : 0.0;
    return true;
  }
  char tmp[128], *copy = tmp, *end;
  if (n >= sizeof tmp) {
    copy = cn_strndup(s, n);
    if (!copy) return false;
  } else {
    memcpy(tmp, s, n);
    tmp[n] = '\0';
  }
  double v = strtod_l(copy, &end, get_c_locale());
  bool ok = end == copy + n && isfinite(v);
  if (copy != tmp) cn_free(copy);
  if (ok) *out = v;
  return ok;
}

/* Numbers of at most 19 digits (nearly all data) in one pass without the
 * digit counting; others go to parse_double_any. The result is the same:
 * both are correctly rounded (Clinger's fast path is exact, strtod_l
 * rounds correctly) and accept the same text. */
bool cn__parse_double(const char *s, size_t n, double *out) {
  const char *p = s, *e = s + n;
  bool neg = false;
  if (p < e && (*p == '-' || *p == '+')) {
    neg = *p == '-';
    p++;
  }
  const char *ds = p;
  uint64_t m = 0;
  while (p < e && (unsigned char)(*p - '0') < 10) m = m * 10 + (unsigned)(*p++ - '0');
  size_t nint = (size_t)(p - ds), nfrac = 0;
  if (p < e && *p == '.') {
    const char *fs = ++p;
    while (p < e && (unsigned char)(*p - '0') < 10) m = m * 10 + (unsigned)(*p++ - '0');
    nfrac = (size_t)(p - fs);
  }
  if (nint + nfrac == 0) return false;
  if (nint + nfrac > 19 || p < e) return parse_double_any(s, n, out);
  int64_t e10 = -(int64_t)nfrac;
  if (m <= (1ULL << 53) && e10 >= -22) {
    double v = (double)m;
    v = e10 < 0 ? v / pow10_exact[-e10] : v;
    *out = neg ? -v : v;
    return true;
  }
  return parse_double_any(s, n, out);
}

bool cn__parse_int64(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  if (n == 0) return false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i++;
  }
  if (i == n || n - i > 19) return false;
  uint64_t v = 0;
  /* up to 18 digits cannot overflow; the 19th is checked */
  size_t safe = n - i > 18 ? i + 18 : n;
  for (; i < safe; i++) {
    unsigned dgt = (unsigned)(s[i] - '0');
    if (dgt > 9) return false;
    v = v * 10 + dgt;
  }
  if (i < n) {
    unsigned dgt = (unsigned)(s[i] - '0');
    if (dgt > 9 || v > (UINT64_MAX - dgt) / 10) return false;
    v = v * 10 + dgt;
  }
  /* INT64_MIN is the missing-value sentinel: it is not a valid integer */
  if (v > (uint64_t)INT64_MAX) return false;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return true;
}

int cn__fmt_double(double x, char *buf, size_t n) {
  if (isnan(x)) return snprintf(buf, n, "nan");
  if (isinf(x)) return snprintf(buf, n, x < 0 ? "-inf" : "inf");
  locale_t old = uselocale(get_c_locale());
  int k = 0;
  for (int prec = 15; prec <= 17; prec++) {
    k = snprintf(buf, n, "%.*g", prec, x);
    if (prec == 17 || strtod_l(buf, NULL, get_c_locale()) == x) break;
  }
  uselocale(old);
  return k;
}
