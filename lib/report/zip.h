/* lib/report/zip.h — a minimal zip archive writer (internal): entries are
 * stored uncompressed, with CRC-32, fixed 1980-01-01 timestamps (the same
 * content gives the same bytes) and UTF-8 names. Enough for Office Open XML
 * packages (.docx), which readers accept stored. */
#ifndef CN_REPORT_ZIP_H
#define CN_REPORT_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../base/base_int.h"

typedef struct cn__zip {
  cn_buf out; /* local headers and data, then the central directory */
  cn_buf dir; /* central directory entries so far */
  int n;      /* entries */
} cn__zip;

/* The CRC-32 (IEEE 802.3, as zip and gzip use) of p[0..n). */
uint32_t cn__crc32(const void *p, size_t n);
/* Appends an entry name with the bytes data[0..n); false when out of
 * memory or past the limits of a zip without zip64 (65535 entries, 4 GiB). */
bool cn__zip_add(cn__zip *z, const char *name, const void *data, size_t n);
/* Appends the central directory; z->out then holds the whole archive. */
bool cn__zip_finish(cn__zip *z);
void cn__zip_free(cn__zip *z);

#endif
