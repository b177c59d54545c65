/* lib/study/sha256.c — SHA-256 (FIPS 180-4) for the checksums of a study's
 * inputs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../base/base_int.h"
#include "coinnet/study.h"

typedef struct sha256 {
  uint32_t h[8];
  uint8_t block[64];
  size_t fill;    /* bytes waiting in block */
  uint64_t total; /* bytes hashed so far */
} sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

/* Starts a hash with the initial values of FIPS 180-4 §5.3.3. */
static void sha_init(sha256 *s) {
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, h0, sizeof h0);
  s->fill = 0;
  s->total = 0;
}

/* Folds one 64-byte block into the state (§6.2.2). */
static void sha_block(sha256 *s, const uint8_t *p) {
  uint32_t w[64];
  for (int t = 0; t < 16; t++)
    w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 |
           (uint32_t)p[4 * t + 3];
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5],
           g = s->h[6], h = s->h[7];
  for (int t = 0; t < 64; t++) {
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  s->h[0] += a;
  s->h[1] += b;
  s->h[2] += c;
  s->h[3] += d;
  s->h[4] += e;
  s->h[5] += f;
  s->h[6] += g;
  s->h[7] += h;
}

/* Adds p[0..n) to the message. */
static void sha_update(sha256 *s, const void *data, size_t n) {
  const uint8_t *p = data;
  s->total += n;
  if (s->fill) {
    size_t k = 64 - s->fill < n ? 64 - s->fill : n;
    memcpy(s->block + s->fill, p, k);
    s->fill += k;
    p += k;
    n -= k;
    if (s->fill < 64) return;
    sha_block(s, s->block);
    s->fill = 0;
  }
  for (; n >= 64; p += 64, n -= 64) sha_block(s, p);
  memcpy(s->block, p, n);
  s->fill = n;
}

/* Pads the message (§5.1.1) and writes the digest as hex. */
static void sha_final(sha256 *s, char hex[65]) {
  uint64_t bits = s->total * 8;
  uint8_t pad[72] = {0x80};
  size_t k = s->fill < 56 ? 56 - s->fill : 120 - s->fill;
  for (int i = 0; i < 8; i++) pad[k + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
  sha_update(s, pad, k + 8);
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++) {
      uint8_t byte = (uint8_t)(s->h[i] >> (24 - 8 * j));
      hex[8 * i + 2 * j] = digits[byte >> 4];
      hex[8 * i + 2 * j + 1] = digits[byte & 15];
    }
  hex[64] = '\0';
}

void cn_sha256_hex(const void *p, size_t n, char hex[65]) {
  sha256 s;
  sha_init(&s);
  sha_update(&s, p, n);
  sha_final(&s, hex);
}

cn_status cn_sha256_file(const char *path, char hex[65], int64_t *size, cn_diag *d) {
  cn_status st = CN_OK;
  FILE *fp = fopen(path, "rb");
  if (!fp) return cn_diag_set(d, CN_EDATA, "%s: cannot open: %s", path, strerror(errno));
  sha256 s;
  sha_init(&s);
  uint8_t buf[65536];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, fp)) > 0) sha_update(&s, buf, got);
  if (ferror(fp)) {
    st = cn_diag_set(d, CN_EDATA, "%s: cannot read", path);
    goto done;
  }
  *size = (int64_t)s.total;
  sha_final(&s, hex);
done:
  fclose(fp);
  return st;
}
