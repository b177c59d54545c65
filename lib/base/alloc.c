/* lib/base/alloc.c — the single allocator every part of coinnet goes through. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "base_int.h"

static void *default_alloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, size);
}

static cn_alloc_fn alloc_fn = default_alloc;
static void *alloc_ud = NULL;

void cn_set_alloc(cn_alloc_fn fn, void *ud) {
  alloc_fn = fn ? fn : default_alloc;
  alloc_ud = fn ? ud : NULL;
}

/* Blocks of 8 MiB or more get transparent huge pages (cn__hint_huge): on
 * virtual machines a page fault is expensive, and big arrays take many. */
void *cn_malloc(size_t n) {
  void *p = alloc_fn(alloc_ud, NULL, n ? n : 1);
  cn__hint_huge(p, n);
  return p;
}

void *cn_realloc(void *p, size_t n) { return alloc_fn(alloc_ud, p, n ? n : 1); }

void *cn_reallocarray(void *p, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  return cn_realloc(p, count * size);
}

void *cn_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  void *p = cn_malloc(count * size);
  if (p) memset(p, 0, (count * size) != 0 ? count * size : 1);
  return p;
}

void cn_free(void *p) {
  if (p) alloc_fn(alloc_ud, p, 0);
}

char *cn_strndup(const char *s, size_t n) {
  char *r = cn_malloc(n + 1);
  if (!r) return NULL;
  memcpy(r, s, n);
  r[n] = '\0';
  return r;
}

char *cn_strdup(const char *s) { return s ? cn_strndup(s, strlen(s)) : NULL; }

void cn__hint_huge(void *p, size_t bytes) {
  if (!p || bytes < ((size_t)8 << 20)) return;
  uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
  uintptr_t e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
  if (e > a) (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

bool cn__grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return true;
  size_t nc = *cap ? *cap : 16;
  while (nc < need) {
    if (nc > SIZE_MAX / 2) return false;
    nc *= 2;
  }
  void *q = cn_reallocarray(*p, nc, elem);
  if (!q) return false;
  cn__hint_huge(q, nc * elem);
  *p = q;
  *cap = nc;
  return true;
}

bool cn__buf_reserve(cn_buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1 ||
      !cn__grow((void **)&b->data, &b->cap, b->len + extra + 1, 1)) {
    b->failed = true;
    return false;
  }
  return true;
}

bool cn__buf_append(cn_buf *b, const void *p, size_t n) {
  if (!cn__buf_reserve(b, n)) return false;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return true;
}

void cn__buf_free(cn_buf *b) {
  cn_free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->failed = false;
}
