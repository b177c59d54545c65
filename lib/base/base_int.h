/* lib/base/base_int.h — helpers shared inside the library (not public). */
#ifndef CN_BASE_INT_H
#define CN_BASE_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include "coinnet/base.h"

/* Growable byte buffer. Zero-initialized is empty; cn__buf_free releases.
 * A failed append sets `failed` (sticky) so a writer can check once. */
typedef struct cn_buf {
  char *data;
  size_t len, cap;
  bool failed;
} cn_buf;
bool cn__buf_reserve(cn_buf *b, size_t extra); /* room for extra more bytes */
bool cn__buf_append(cn_buf *b, const void *p, size_t n);
bool cn__buf_printf(cn_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool cn__buf_vprintf(cn_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void cn__buf_free(cn_buf *b);

/* Puts the final name of output o (cn_output_open) where d names its
 * temporary one, so that a message about a write into the temporary names
 * the output the user gave. */
void cn__output_name_diag(const cn_output *o, cn_diag *d);

/* Asks for transparent huge pages on a large block (8 MiB or more) so that
 * filling it takes far fewer page faults. Only a hint: never fails. */
void cn__hint_huge(void *p, size_t bytes);
/* Grows *p (an array of elem-sized items, capacity *cap) to hold at least
 * need items, doubling (large arrays get cn__hint_huge). Returns false when
 * out of memory (*p unchanged). */
bool cn__grow(void **p, size_t *cap, size_t need, size_t elem);

/* String interning map: distinct byte strings → dense int32 ids (0, 1, ...).
 * Zero-initialized is empty; cn__strmap_free releases it (and the copies).
 * A map can also be a plain list (`plain`): ids are appended without a hash
 * index, so equal strings may have several ids; see cn__strmap_unindex. */
typedef struct cn_strmap {
  uint64_t *slots;  /* (hash high 32 bits << 32) | (id + 1); 0 = empty */
  uint64_t *hashes; /* per id */
  char **strs;      /* per id, NUL-terminated copies (in the arena blocks) */
  uint32_t *lens;
  size_t nslots, n, cap;
  char **blocks;    /* arena: the copies live in a few large blocks */
  size_t nblocks, capblocks, block_left;
  char *block_at;
  bool plain;       /* a plain list: no slots, no hashes, ids may repeat text */
} cn_strmap;
uint64_t cn__hash(const void *p, size_t n);
/* Id of s (length n), adding it when new; -1 when out of memory or full. */
int32_t cn__strmap_intern(cn_strmap *m, const char *s, size_t n);
/* Id of s or -1 (always -1 on a plain list). */
int32_t cn__strmap_get(const cn_strmap *m, const char *s, size_t n);
/* Appends s (length n) as a new id whatever it holds, without hashing; for
 * plain lists (an interning map must use cn__strmap_intern). Returns the id,
 * or -1 when out of memory or full. */
int32_t cn__strmap_append(cn_strmap *m, const char *s, size_t n);
/* Makes m a plain list: drops the hash index; ids and strings stay. */
void cn__strmap_unindex(cn_strmap *m);
/* Makes a plain list an interning map again: equal strings merge into the
 * id of their first occurrence and the ids are renumbered densely in that
 * order; remap (m->n entries, caller-owned) receives old id → new id. The
 * strings do not move. Returns false when out of memory (m unchanged). A
 * map that is not plain is left as it is (remap is the identity). */
bool cn__strmap_dedup(cn_strmap *m, int32_t *remap);
void cn__strmap_free(cn_strmap *m);

/* UTF-8. cn__utf8_valid returns the byte offset of the first invalid
 * sequence, or n when s[0..n) is valid. */
size_t cn__utf8_valid(const char *s, size_t n);
/* Number of code points in s[0..n) (valid UTF-8 assumed). */
int64_t cn__utf8_chars(const char *s, size_t n);
/* Terminal display width of s[0..n): East Asian wide characters count 2. */
int64_t cn__utf8_width(const char *s, size_t n);

/* Progress: reports through the user's callback at most every 0.1 s (and
 * always when a stage outside a job ends, or a job's label changes). */
void cn__progress(const char *task, double done, double total);
/* Jobs: a long operation made of parts, reported as one overall position.
 * cn__job_begin starts one of size total (any units, > 0); cn__job_part
 * says that [at, at + span) of it runs next, named by label (step of
 * steps; label may be NULL); cn__progress inside maps its stage's
 * done/total into that part. cn__job_end reports the job complete (so that
 * a drawn line is cleared, also after an error) and ends it. A job begun
 * inside another is not one of its own: its calls are ignored and the outer
 * job keeps reporting. Call cn__job_end once for every cn__job_begin. */
void cn__job_begin(const char *job, double total);
void cn__job_part(const char *label, int step, int steps, double at, double span);
void cn__job_end(void);
void cn__log(cn_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses s[0..n) as a finite decimal number in the C locale (no spaces, no
 * hex, no inf/nan). Returns false when it is not one. */
bool cn__parse_double(const char *s, size_t n, double *out);
/* Parses an optionally signed decimal integer that fits in int64. */
bool cn__parse_int64(const char *s, size_t n, int64_t *out);
/* Writes the shortest decimal text that reads back to x (C locale). */
int cn__fmt_double(double x, char *buf, size_t n);
/* The same text from printf and strtod (slow): cn__fmt_double's reference. */
int cn__fmt_double_libc(double x, char *buf, size_t n);

#endif
