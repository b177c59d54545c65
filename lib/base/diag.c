/* lib/base/diag.c — diagnostics: status codes with a place and a message. */
#include <stdio.h>
#include <string.h>
#include "base_int.h"

void cn_diag_clear(cn_diag *d) {
  if (d) memset(d, 0, sizeof *d);
}

static void vset(cn_diag *d, cn_status code, const char *fmt, va_list ap) {
  d->code = code;
  vsnprintf(d->message, sizeof d->message, fmt, ap);
}

cn_status cn_diag_set(cn_diag *d, cn_status code, const char *fmt, ...) {
  if (!d) return code;
  cn_diag_clear(d);
  va_list ap;
  va_start(ap, fmt);
  vset(d, code, fmt, ap);
  va_end(ap);
  return code;
}

cn_status cn_diag_at(cn_diag *d, cn_status code, const char *file, int64_t line,
                     int64_t column, const char *fmt, ...) {
  if (!d) return code;
  cn_diag_clear(d);
  if (file) snprintf(d->file, sizeof d->file, "%s", file);
  d->line = line;
  d->column = column;
  va_list ap;
  va_start(ap, fmt);
  vset(d, code, fmt, ap);
  va_end(ap);
  return code;
}

void cn_diag_hint(cn_diag *d, const char *fmt, ...) {
  if (!d) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->hint, sizeof d->hint, fmt, ap);
  va_end(ap);
}

/* Keeps a window of the line around the error so the caret stays in view,
 * cutting only at UTF-8 character boundaries. */
void cn_diag_snippet(cn_diag *d, const char *line, size_t len, int64_t col) {
  if (!d) return;
  size_t max = sizeof d->snippet - 1, start = 0;
  int64_t c = 1;
  /* byte offset of the caret's character */
  size_t at = 0;
  while (at < len && c < col) {
    at++;
    while (at < len && ((unsigned char)line[at] & 0xC0) == 0x80) at++;
    c++;
  }
  if (at > max / 2) start = at - max / 2;
  while (start < len && ((unsigned char)line[start] & 0xC0) == 0x80) start++;
  size_t end = len - start > max ? start + max : len;
  while (end > start && end < len && ((unsigned char)line[end] & 0xC0) == 0x80)
    end--;
  memcpy(d->snippet, line + start, end - start);
  d->snippet[end - start] = '\0';
  for (size_t i = 0; i < end - start; i++)
    if (d->snippet[i] == '\r' || d->snippet[i] == '\n') d->snippet[i] = ' ';
  d->snippet_col = cn__utf8_chars(line + start, at > start ? at - start : 0) + 1;
}

size_t cn_diag_format(const cn_diag *d, const char *prefix, char *buf, size_t n) {
  cn_buf b = {0};
  size_t want = 0;
  if (prefix && *prefix) cn__buf_printf(&b, "%s: ", prefix);
  if (d->file[0]) {
    cn__buf_printf(&b, "%s:", d->file);
    if (d->line > 0) cn__buf_printf(&b, "%lld:", (long long)d->line);
    if (d->line > 0 && d->column > 0)
      cn__buf_printf(&b, "%lld:", (long long)d->column);
    cn__buf_printf(&b, " ");
  }
  cn__buf_printf(&b, "%s\n", d->message);
  if (d->snippet[0]) {
    cn__buf_printf(&b, "  %s\n  ", d->snippet);
    /* the caret goes under the character: count display width before it */
    size_t off = 0;
    int64_t c = 1;
    while (d->snippet[off] && c < d->snippet_col) {
      off++;
      while (((unsigned char)d->snippet[off] & 0xC0) == 0x80) off++;
      c++;
    }
    int64_t w = cn__utf8_width(d->snippet, off);
    for (int64_t i = 0; i < w; i++) cn__buf_append(&b, " ", 1);
    cn__buf_printf(&b, "^\n");
  }
  if (d->hint[0]) cn__buf_printf(&b, "hint: %s\n", d->hint);
  want = b.len;
  if (n) {
    size_t k = b.len < n - 1 ? b.len : n - 1;
    if (b.data) memcpy(buf, b.data, k);
    buf[k] = '\0';
  }
  cn__buf_free(&b);
  return want;
}
