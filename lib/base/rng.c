/* lib/base/rng.c — xoshiro256** streams keyed by (seed, stream). */
#include <math.h>
#include "base_int.h"

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Seeds the four words from a SplitMix64 sequence started at a value that
 * mixes seed and stream, so that nearby seeds and streams are unrelated. */
void cn_rng_seed(cn_rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed;
  uint64_t a = splitmix(&x);
  uint64_t y = stream ^ 0x6a09e667f3bcc909ULL;
  uint64_t b = splitmix(&y);
  uint64_t z = a ^ (b * 0xd1342543de82ef95ULL);
  for (int i = 0; i < 4; i++) r->s[i] = splitmix(&z);
  if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t cn_rng_u64(cn_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double cn_rng_uniform(cn_rng *r) { return (cn_rng_u64(r) >> 11) * 0x1.0p-53; }

/* Lemire's nearly-divisionless unbiased bounded integers. */
uint64_t cn_rng_below(cn_rng *r, uint64_t n) {
  if (n == 0) return 0;
  __uint128_t m = (__uint128_t)cn_rng_u64(r) * n;
  uint64_t lo = (uint64_t)m;
  if (lo < n) {
    uint64_t t = -n % n;
    while (lo < t) {
      m = (__uint128_t)cn_rng_u64(r) * n;
      lo = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

/* Marsaglia's polar method, one value per call (the pair's second value is
 * dropped so that the stream has no hidden state beyond s). */
double cn_rng_normal(cn_rng *r) {
  double u, v, q;
  do {
    u = 2.0 * cn_rng_uniform(r) - 1.0;
    v = 2.0 * cn_rng_uniform(r) - 1.0;
    q = u * u + v * v;
  } while (q >= 1.0 || q == 0.0);
  return u * sqrt(-2.0 * log(q) / q);
}
