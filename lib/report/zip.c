/* lib/report/zip.c — a minimal stored-only zip writer (APPNOTE 6.3.x:
 * local file headers, central directory, end of central directory). */
#include "zip.h"
#include <string.h>

uint32_t cn__crc32(const void *p, size_t n) {
  /* bit by bit (no table, no shared state): the parts of a table are small */
  const unsigned char *s = p;
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= s[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

static void put16(cn_buf *b, unsigned v) {
  unsigned char x[2] = {(unsigned char)(v & 0xFF), (unsigned char)((v >> 8) & 0xFF)};
  cn__buf_append(b, x, 2);
}

static void put32(cn_buf *b, uint32_t v) {
  put16(b, v & 0xFFFF);
  put16(b, v >> 16);
}

/* The fields local and central headers share, from "version needed" on. */
static void common(cn_buf *b, uint32_t crc, uint32_t size, size_t name_len) {
  put16(b, 20);       /* version needed: 2.0 */
  put16(b, 1u << 11); /* flags: names in UTF-8 */
  put16(b, 0);        /* method: stored */
  put16(b, 0);        /* time 00:00:00 */
  put16(b, 0x21);     /* date 1980-01-01 */
  put32(b, crc);
  put32(b, size); /* compressed */
  put32(b, size); /* uncompressed */
  put16(b, (unsigned)name_len);
  put16(b, 0); /* extra field length */
}

bool cn__zip_add(cn__zip *z, const char *name, const void *data, size_t n) {
  size_t nl = strlen(name);
  if (z->n >= 65535 || nl > 65535 || n > 0xFFFFFFF0u || z->out.len + n + nl + 64 > 0xFFFFFFF0u)
    return false;
  uint32_t crc = cn__crc32(data, n), off = (uint32_t)z->out.len;
  put32(&z->out, 0x04034b50);
  common(&z->out, crc, (uint32_t)n, nl);
  cn__buf_append(&z->out, name, nl);
  cn__buf_append(&z->out, data, n);
  put32(&z->dir, 0x02014b50);
  put16(&z->dir, 0x0314); /* made by: unix, 2.0 */
  common(&z->dir, crc, (uint32_t)n, nl);
  put16(&z->dir, 0);                 /* comment length */
  put16(&z->dir, 0);                 /* disk number */
  put16(&z->dir, 0);                 /* internal attributes */
  put32(&z->dir, 0100644u << 16);    /* external: a regular file, rw-r--r-- */
  put32(&z->dir, off);
  cn__buf_append(&z->dir, name, nl);
  z->n++;
  return !z->out.failed && !z->dir.failed;
}

bool cn__zip_finish(cn__zip *z) {
  uint32_t at = (uint32_t)z->out.len;
  cn__buf_append(&z->out, z->dir.data, z->dir.len);
  put32(&z->out, 0x06054b50);
  put16(&z->out, 0); /* this disk */
  put16(&z->out, 0); /* disk of the directory */
  put16(&z->out, (unsigned)z->n);
  put16(&z->out, (unsigned)z->n);
  put32(&z->out, (uint32_t)z->dir.len);
  put32(&z->out, at);
  put16(&z->out, 0); /* comment length */
  return !z->out.failed && !z->dir.failed;
}

void cn__zip_free(cn__zip *z) {
  cn__buf_free(&z->out);
  cn__buf_free(&z->dir);
}
