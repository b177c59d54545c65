/* lib/base/num.c — locale-independent number parsing and shortest printing. */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
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

/* %.17g-style text by the C library: the reference and the fallback. */
int cn__fmt_double_libc(double x, char *buf, size_t n) {
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

typedef unsigned __int128 u128;

/* 10^k as a 128-bit integer, k <= 38. */
static u128 pow10_u128(int k) {
  static const uint64_t p[20] = {1ULL,
                                 10ULL,
                                 100ULL,
                                 1000ULL,
                                 10000ULL,
                                 100000ULL,
                                 1000000ULL,
                                 10000000ULL,
                                 100000000ULL,
                                 1000000000ULL,
                                 10000000000ULL,
                                 100000000000ULL,
                                 1000000000000ULL,
                                 10000000000000ULL,
                                 100000000000000ULL,
                                 1000000000000000ULL,
                                 10000000000000000ULL,
                                 100000000000000000ULL,
                                 1000000000000000000ULL,
                                 10000000000000000000ULL};
  return k <= 19 ? (u128)p[k] : (u128)p[19] * p[k - 19];
}

/* The p significant digits of |x| = m·2^e correctly rounded (ties to
 * even, as printf rounds the exact binary value) into *digits, with the
 * decimal exponent of the first digit in *dexp; false when the exact
 * arithmetic would not fit 128 bits (the caller then asks printf). */
static bool round_digits(uint64_t m, int e, int p, int guess, uint64_t *digits, int *dexp) {
  u128 lo = pow10_u128(p - 1), hi = lo * 10;
  for (int tries = 0; tries < 3; tries++) {
    int k = p - 1 - guess; /* D = round(m·2^e·10^k) */
    u128 d, q; /* the rounded and the truncated D */
    if (k >= 0) {
      if (k > 22) return false;
      u128 v = (u128)m * pow10_u128(k);
      int s = -e;
      if (s <= 0) d = q = v << -s; /* below 2^77: m·2^e < 1e22, k <= 1 there */
      else {
        if (s > 127) return false;
        q = v >> s;
        u128 r = v - (q << s), half = (u128)1 << (s - 1);
        d = q + (r > half || (r == half && (q & 1)));
      }
    } else {
      /* an integer m·2^e divided by 10^-k */
      if (-k > 38 || e < 0 || e > 74) return false;
      u128 v = (u128)m << e, t = pow10_u128(-k);
      q = v / t;
      u128 r = v - q * t;
      d = q + (2 * r > t || (2 * r == t && (q & 1)));
    }
    if (q >= lo && q < hi) { /* the guess was the exponent: 10^guess <= |x| */
      if (d == hi) { /* rounded up to the next power of ten */
        d = lo;
        guess++;
      }
      *digits = (uint64_t)d;
      *dexp = guess;
      return true;
    }
    guess += q >= hi ? 1 : -1;
  }
  return false;
}

/* Writes what printf's %.<p>g gives for the p digits D (exponent X of the
 * first) of a number of sign neg; returns the length (buf has 32 bytes). */
static int put_g(bool neg, uint64_t D, int X, int p, char *buf) {
  static const char pairs[201] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char dig[24];
  int i = p;
  while (i >= 2) {
    memcpy(dig + i - 2, pairs + 2 * (D % 100), 2);
    D /= 100;
    i -= 2;
  }
  if (i) dig[0] = (char)('0' + D);
  int nd = p;
  while (nd > 1 && dig[nd - 1] == '0') nd--;
  int k = 0;
  if (neg) buf[k++] = '-';
  if (X < -4 || X >= p) {
    buf[k++] = dig[0];
    if (nd > 1) {
      buf[k++] = '.';
      memcpy(buf + k, dig + 1, (size_t)nd - 1);
      k += nd - 1;
    }
    buf[k++] = 'e';
    buf[k++] = X < 0 ? '-' : '+';
    int a = X < 0 ? -X : X;
    if (a >= 100) buf[k++] = (char)('0' + a / 100);
    buf[k++] = (char)('0' + a / 10 % 10);
    buf[k++] = (char)('0' + a % 10);
  } else if (X >= 0) {
    if (nd <= X + 1) {
      memcpy(buf + k, dig, (size_t)nd);
      memset(buf + k + nd, '0', (size_t)(X + 1 - nd));
      k += X + 1;
    } else {
      memcpy(buf + k, dig, (size_t)X + 1);
      k += X + 1;
      buf[k++] = '.';
      memcpy(buf + k, dig + X + 1, (size_t)(nd - X - 1));
      k += nd - X - 1;
    }
  } else {
    buf[k++] = '0';
    buf[k++] = '.';
    memset(buf + k, '0', (size_t)(-X - 1));
    k += -X - 1;
    memcpy(buf + k, dig, (size_t)nd);
    k += nd;
  }
  return k;
}

/* The same text as cn__fmt_double_libc (the first of %.15g, %.16g, %.17g
 * that reads back to x), by exact 128-bit arithmetic for the magnitudes
 * data have (1e-5 to 1e22); others go to printf. Whether 15 digits read
 * back is decided by Clinger's exact product (D < 2^53, |k| <= 22), 16 by
 * the reader. */
int cn__fmt_double(double x, char *buf, size_t n) {
  static const double p10[29] = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0,  1e1,  1e2,  1e3,  1e4,
                                 1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14,
                                 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23};
  char tmp[32];
  int len = -1;
  double ax = fabs(x);
  if (x == 0) len = signbit(x) ? 2 : 1, memcpy(tmp, signbit(x) ? "-0" : "0", (size_t)len + 1);
  else if (ax >= 1e-5 && ax < 1e22) {
    uint64_t bits;
    memcpy(&bits, &ax, sizeof bits);
    int be = (int)(bits >> 52); /* normal: the range has no subnormals */
    uint64_t m = (bits & (((uint64_t)1 << 52) - 1)) | ((uint64_t)1 << 52);
    int e = be - 1075;
    int tz = __builtin_ctzll(m); /* m != 0 */
    if (e < 0) {
      int sh = tz < -e ? tz : -e;
      m >>= sh;
      e += sh;
    }
    /* floor(log10 ax), or one less: floor(log2 ax · log10 2), then the table */
    int guess = ((be - 1023) * 78913) >> 18;
    if (guess + 6 < 29 && ax >= p10[guess + 6]) guess++;
    for (int p = 15; p <= 17 && len < 0; p++) {
      uint64_t D;
      int X;
      if (!round_digits(m, e, p, guess, &D, &X)) break;
      int k = put_g(x < 0, D, X, p, tmp);
      int kk = p - 1 - X; /* the text is D·10^-kk */
      bool back;
      if (p == 17) back = true;
      else if (p == 15 && kk >= -22 && kk <= 22)
        back = (kk >= 0 ? (double)D / pow10_exact[kk] : (double)D * pow10_exact[-kk]) == ax;
      else {
        double y;
        back = cn__parse_double(tmp, (size_t)k, &y) && y == x;
      }
      if (back) len = k;
    }
  }
  if (len < 0) return cn__fmt_double_libc(x, buf, n);
  tmp[len] = '\0';
  if (n > 0) {
    size_t c = (size_t)len < n - 1 ? (size_t)len : n - 1;
    memcpy(buf, tmp, c);
    buf[c] = '\0';
  }
  return len;
}
