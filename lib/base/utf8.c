/* lib/base/utf8.c — UTF-8 validation, counting and display width. */
#include <stdio.h>
#include <string.h>
#include "base_int.h"

size_t cn__utf8_valid(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    /* fast path over ASCII, 8 bytes at a time */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
      k = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      k = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (n - i < k + 1) return i;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += k + 1;
  }
  return n;
}

int64_t cn__utf8_chars(const char *s, size_t n) {
  int64_t c = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
  return c;
}

static unsigned decode(const unsigned char *s, size_t n, size_t *len) {
  unsigned c = s[0];
  size_t k = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
  if (k >= n) k = n - 1;
  unsigned cp = k == 0 ? c : c & (0x3F >> k);
  for (size_t j = 1; j <= k; j++) cp = (cp << 6) | (s[j] & 0x3F);
  *len = k + 1;
  return cp;
}

/* East Asian Wide and Fullwidth ranges (Unicode 15, abridged to blocks). */
static int wide(unsigned cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

int64_t cn__utf8_width(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  int64_t w = 0;
  size_t i = 0;
  while (i < n) {
    size_t len;
    unsigned cp = decode(s + i, n - i, &len);
    i += len;
    if (cp >= 0x300 && cp <= 0x36F) continue; /* combining marks */
    w += wide(cp) ? 2 : 1;
  }
  return w;
}

bool cn__buf_vprintf(cn_buf *b, const char *fmt, va_list ap) {
  va_list again;
  va_copy(again, ap);
  char tmp[256]; /* most pieces are short: one formatting pass */
  int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  bool ok = false;
  if (k < 0) b->failed = true;
  else if ((size_t)k < sizeof tmp) ok = cn__buf_append(b, tmp, (size_t)k);
  else if (cn__buf_reserve(b, (size_t)k)) {
    vsnprintf(b->data + b->len, (size_t)k + 1, fmt, again);
    b->len += (size_t)k;
    ok = true;
  }
  va_end(again);
  return ok;
}

bool cn__buf_printf(cn_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  bool ok = cn__buf_vprintf(b, fmt, ap);
  va_end(ap);
  return ok;
}

int64_t cn_text_width(const char *s) { return s ? cn__utf8_width(s, strlen(s)) : 0; }

int cn_text_distance(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  if (na > 64 || nb > 64) return 99;
  int m[65][65]; /* m[i][j]: distance of a's first i bytes to b's first j */
  for (size_t i = 0; i <= na; i++) m[i][0] = (int)i;
  for (size_t j = 0; j <= nb; j++) m[0][j] = (int)j;
  for (size_t i = 1; i <= na; i++)
    for (size_t j = 1; j <= nb; j++) {
      int v = m[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (m[i - 1][j] + 1 < v) v = m[i - 1][j] + 1;
      if (m[i][j - 1] + 1 < v) v = m[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && m[i - 2][j - 2] + 1 < v)
        v = m[i - 2][j - 2] + 1; /* two neighbours swapped: one edit */
      m[i][j] = v;
    }
  return m[na][nb];
}
