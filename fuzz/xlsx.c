/* fuzz/xlsx.c — libFuzzer target for the .xlsx reader. The first byte picks
 * options (header, sheet, and how the rest is used); the rest is either the
 * file itself (a ZIP to take apart) or, so that the XML parsers are reached
 * past the CRC checks, up to four parts separated by NUL bytes — sheet,
 * shared strings, styles, workbook — that the target packs into a valid
 * ZIP (stored or deflated). Any input must give a table or a diagnostic,
 * never a crash, a leak or a runaway allocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include "coinnet.h"

typedef struct zbuf {
  unsigned char *p;
  size_t n, cap;
} zbuf;

static void put(zbuf *b, const void *s, size_t n) {
  if (b->n + n > b->cap) {
    b->cap = (b->n + n) * 2 + 256;
    b->p = realloc(b->p, b->cap);
  }
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
}
static void put16(zbuf *b, unsigned v) {
  unsigned char c[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  put(b, c, 2);
}
static void put32(zbuf *b, unsigned long v) {
  put16(b, (unsigned)(v & 0xFFFF));
  put16(b, (unsigned)(v >> 16));
}

/* A ZIP of n parts, deflated or stored. */
static void make_zip(zbuf *z, int n, const char *const *names, const unsigned char *const *data,
                     const size_t *lens, int deflated) {
  unsigned long off[8], crc[8], cs[8];
  for (int i = 0; i < n; i++) {
    unsigned char *c = NULL;
    size_t cl = lens[i];
    if (deflated) {
      z_stream s;
      memset(&s, 0, sizeof s);
      deflateInit2(&s, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
      size_t cap = deflateBound(&s, (uLong)lens[i]);
      c = malloc(cap);
      s.next_in = (Bytef *)data[i];
      s.avail_in = (uInt)lens[i];
      s.next_out = c;
      s.avail_out = (uInt)cap;
      deflate(&s, Z_FINISH);
      cl = s.total_out;
      deflateEnd(&s);
    }
    off[i] = (unsigned long)z->n;
    crc[i] = crc32(0, data[i], (uInt)lens[i]);
    cs[i] = (unsigned long)cl;
    put32(z, 0x04034b50), put16(z, 20), put16(z, 0), put16(z, deflated ? 8 : 0);
    put16(z, 0), put16(z, 0), put32(z, crc[i]), put32(z, cs[i]), put32(z, (unsigned long)lens[i]);
    put16(z, (unsigned)strlen(names[i])), put16(z, 0);
    put(z, names[i], strlen(names[i]));
    put(z, c ? c : data[i], cl);
    free(c);
  }
  unsigned long cd = (unsigned long)z->n;
  for (int i = 0; i < n; i++) {
    put32(z, 0x02014b50), put16(z, 20), put16(z, 20), put16(z, 0), put16(z, deflated ? 8 : 0);
    put16(z, 0), put16(z, 0), put32(z, crc[i]), put32(z, cs[i]), put32(z, (unsigned long)lens[i]);
    put16(z, (unsigned)strlen(names[i])), put16(z, 0), put16(z, 0), put16(z, 0), put16(z, 0);
    put32(z, 0), put32(z, off[i]);
    put(z, names[i], strlen(names[i]));
  }
  unsigned long cdl = (unsigned long)z->n - cd;
  put32(z, 0x06054b50), put16(z, 0), put16(z, 0), put16(z, (unsigned)n), put16(z, (unsigned)n);
  put32(z, cdl), put32(z, cd), put16(z, 0);
}

static const char WB[] =
    "<workbook><workbookPr date1904=\"0\"/><sheets><sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"B\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
static const char RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"x/worksheet\" Target=\"/xl/worksheets/../worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static int fd = -1;
  static char path[64];
  if (fd < 0) {
    fd = memfd_create("fuzz.xlsx", 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  unsigned opt = data[0];
  data++, size--;
  zbuf z = {0};
  const unsigned char *file = data;
  size_t flen = size;
  if (opt & 1) {
    /* parts: sheet \0 sst \0 styles \0 workbook */
    const char *names[6] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
                            "xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
    const unsigned char *part[6] = {0};
    size_t lens[6] = {0};
    int k = 0;
    const unsigned char *p = data, *end = data + size;
    while (k < 4) {
      const unsigned char *q = memchr(p, 0, (size_t)(end - p));
      part[k] = p;
      lens[k++] = q ? (size_t)(q - p) : (size_t)(end - p);
      if (!q) break;
      p = q + 1;
    }
    if (k < 4) part[3] = (const unsigned char *)WB, lens[3] = sizeof WB - 1;
    part[4] = (const unsigned char *)RELS, lens[4] = sizeof RELS - 1;
    make_zip(&z, 5, names, part, lens, (opt & 2) != 0);
    file = z.p;
    flen = z.n;
  }
  if (ftruncate(fd, 0) != 0 || pwrite(fd, file, flen, 0) != (ssize_t)flen) {
    free(z.p);
    return 0;
  }
  free(z.p);
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.format = "xlsx";
  o.no_header = (opt & 4) != 0;
  const char *sheets[] = {NULL, "B", "2", "nosuch"};
  o.sheet = sheets[(opt >> 3) & 3];
  const char *str[] = {"v1", "a"};
  if (opt & 32) o.string_cols = str, o.n_string_cols = 2;
  cn_table *t = NULL;
  cn_diag d;
  if (cn_table_read(path, &o, &t, &d) == CN_OK) {
    FILE *null = fopen("/dev/null", "wb");
    cn_table_write_csv_fp(t, null, ',', &d);
    fclose(null);
    for (int j = 0; j < cn_table_ncol(t); j++) {
      cn_col_summary s;
      cn_table_summarize(t, j, &s, &d);
    }
  } else {
    char buf[2048];
    cn_diag_format(&d, "fuzz", buf, sizeof buf);
  }
  cn_table_free(t);
  return 0;
}
