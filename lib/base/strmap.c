/* lib/base/strmap.c — interning of byte strings into dense ids. */
#include <string.h>
#include "base_int.h"

/* FNV-1a over 8-byte words then bytes, finished with a 64-bit mixer. */
uint64_t cn__hash(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 0xcbf29ce484222325ULL ^ n;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
    s += 8;
    n -= 8;
  }
  while (n--) h = (h ^ *s++) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/* A slot holds the id and the hash's high half, so that a probe that does
 * not match is settled without touching the id's arrays (one cache line). */
static int32_t lookup(const cn_strmap *m, const char *s, size_t n, uint64_t h,
                      size_t *slot) {
  size_t mask = m->nslots - 1, i = (size_t)h & mask;
  uint32_t tag = (uint32_t)(h >> 32);
  for (;;) {
    uint64_t v = m->slots[i];
    if (v == 0) {
      *slot = i;
      return -1;
    }
    if ((uint32_t)(v >> 32) == tag) {
      int32_t id = (int32_t)(uint32_t)v - 1;
      if (m->lens[id] == n && memcmp(m->strs[id], s, n) == 0) return id;
    }
    i = (i + 1) & mask;
  }
}

static uint64_t slot_of(uint64_t h, size_t id) {
  return (h & 0xFFFFFFFF00000000ULL) | (uint64_t)(id + 1);
}

static bool rehash(cn_strmap *m, size_t nslots) {
  uint64_t *slots = cn_calloc(nslots, sizeof *slots);
  if (!slots) return false;
  for (size_t id = 0; id < m->n; id++) {
    size_t i = (size_t)m->hashes[id] & (nslots - 1);
    while (slots[i]) i = (i + 1) & (nslots - 1);
    slots[i] = slot_of(m->hashes[id], id);
  }
  cn_free(m->slots);
  m->slots = slots;
  m->nslots = nslots;
  return true;
}

int32_t cn__strmap_get(const cn_strmap *m, const char *s, size_t n) {
  if (!m->nslots || m->plain) return -1;
  size_t slot;
  return lookup(m, s, n, cn__hash(s, n), &slot);
}

/* Copies s into the arena: blocks that double from 1 KiB to 16 MiB (or the
 * string's size), so that millions of short strings cost no allocation
 * each and a column with a few levels stays small. */
static char *arena_copy(cn_strmap *m, const char *s, size_t n) {
  if (m->block_left < n + 1) {
    size_t size = (size_t)1024 << (m->nblocks < 14 ? m->nblocks : 14);
    if (size < n + 1) size = n + 1;
    if (!cn__grow((void **)&m->blocks, &m->capblocks, m->nblocks + 1, sizeof *m->blocks))
      return NULL;
    char *b = cn_malloc(size);
    if (!b) return NULL;
    cn__hint_huge(b, size);
    m->blocks[m->nblocks++] = b;
    m->block_at = b;
    m->block_left = size;
  }
  char *p = m->block_at;
  memcpy(p, s, n);
  p[n] = '\0';
  m->block_at += n + 1;
  m->block_left -= n + 1;
  return p;
}

int32_t cn__strmap_intern(cn_strmap *m, const char *s, size_t n) {
  if (n > UINT32_MAX || m->plain) return -1;
  if (!m->nslots && !rehash(m, 64)) return -1;
  uint64_t h = cn__hash(s, n);
  size_t slot;
  int32_t id = lookup(m, s, n, h, &slot);
  if (id >= 0) return id;
  if (m->n >= (size_t)INT32_MAX - 1) return -1;
  if ((m->n + 1) * 2 > m->nslots) {
    if (!rehash(m, m->nslots * 2)) return -1;
    lookup(m, s, n, h, &slot);
  }
  if (m->n == m->cap) {
    size_t cap = m->cap;
    if (!cn__grow((void **)&m->strs, &cap, m->n + 1, sizeof *m->strs)) return -1;
    size_t c2 = m->cap;
    if (!cn__grow((void **)&m->hashes, &c2, m->n + 1, sizeof *m->hashes)) return -1;
    size_t c3 = m->cap;
    if (!cn__grow((void **)&m->lens, &c3, m->n + 1, sizeof *m->lens)) return -1;
    m->cap = cap < c2 ? (cap < c3 ? cap : c3) : (c2 < c3 ? c2 : c3);
  }
  char *copy = arena_copy(m, s, n);
  if (!copy) return -1;
  id = (int32_t)m->n++;
  m->strs[id] = copy;
  m->hashes[id] = h;
  m->lens[id] = (uint32_t)n;
  m->slots[slot] = slot_of(h, (size_t)id);
  return id;
}

int32_t cn__strmap_append(cn_strmap *m, const char *s, size_t n) {
  if (n > UINT32_MAX || !m->plain || m->n >= (size_t)INT32_MAX - 1) return -1;
  if (m->n == m->cap) {
    size_t cap = m->cap;
    if (!cn__grow((void **)&m->strs, &cap, m->n + 1, sizeof *m->strs)) return -1;
    size_t c2 = m->cap;
    if (!cn__grow((void **)&m->lens, &c2, m->n + 1, sizeof *m->lens)) return -1;
    m->cap = cap < c2 ? cap : c2;
  }
  char *copy = arena_copy(m, s, n);
  if (!copy) return -1;
  int32_t id = (int32_t)m->n++;
  m->strs[id] = copy;
  m->lens[id] = (uint32_t)n;
  return id;
}

void cn__strmap_unindex(cn_strmap *m) {
  cn_free(m->slots);
  cn_free(m->hashes);
  m->slots = m->hashes = NULL;
  m->nslots = 0;
  m->plain = true;
}

bool cn__strmap_dedup(cn_strmap *m, int32_t *remap) {
  if (!m->plain) {
    for (size_t id = 0; id < m->n; id++) remap[id] = (int32_t)id;
    return true;
  }
  size_t nslots = 64;
  while (nslots < 2 * m->n + 2) nslots *= 2;
  uint64_t *slots = cn_calloc(nslots, sizeof *slots);
  uint64_t *hashes = cn_malloc((m->cap ? m->cap : 1) * sizeof *hashes);
  if (!slots || !hashes) {
    cn_free(slots);
    cn_free(hashes);
    return false;
  }
  m->slots = slots;
  m->hashes = hashes;
  m->nslots = nslots;
  m->plain = false;
  /* ids [0, kept) are the distinct strings so far; the probe only ever
   * meets those, so the list can be compacted in place */
  size_t kept = 0;
  for (size_t id = 0; id < m->n; id++) {
    const char *s = m->strs[id];
    size_t n = m->lens[id], slot;
    uint64_t h = cn__hash(s, n);
    int32_t found = lookup(m, s, n, h, &slot);
    if (found >= 0) {
      remap[id] = found;
      continue;
    }
    m->strs[kept] = m->strs[id];
    m->lens[kept] = (uint32_t)n;
    m->hashes[kept] = h;
    m->slots[slot] = slot_of(h, kept);
    remap[id] = (int32_t)kept++;
  }
  m->n = kept;
  return true;
}

void cn__strmap_free(cn_strmap *m) {
  for (size_t i = 0; i < m->nblocks; i++) cn_free(m->blocks[i]);
  cn_free(m->blocks);
  cn_free(m->strs);
  cn_free(m->hashes);
  cn_free(m->lens);
  cn_free(m->slots);
  memset(m, 0, sizeof *m);
}
