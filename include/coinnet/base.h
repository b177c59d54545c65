/* coinnet/base.h — status codes, diagnostics, allocation, RNG, callbacks.
 *
 * Ownership: a cn_diag is owned by the caller and filled by the library; it
 * holds no pointers and needs no cleanup. Memory returned by cn_malloc and
 * friends is released with cn_free; cn_free(NULL) is a no-op.
 * The library never prints, never exits and never aborts. */
#ifndef COINNET_BASE_H
#define COINNET_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes double as the CLI's exit codes (DESIGN.md). */
typedef enum cn_status {
  CN_OK = 0,
  CN_EANALYSIS = 1, /* no convergence, singular system */
  CN_EUSAGE = 2,    /* bad options or arguments */
  CN_ESCRIPT = 3,   /* study-script or formula error */
  CN_EDATA = 4,     /* unreadable or malformed data */
  CN_EINTERNAL = 5  /* out of memory, I/O failure, bug */
} cn_status;

/* A diagnostic: where (file, line, column, all 1-based; 0 = unknown) and
 * what. `snippet` is the offending source line (UTF-8, may be cut) so that a
 * caller can draw a caret under `column`; `hint` suggests a fix. */
typedef struct cn_diag {
  cn_status code;
  char file[512];
  int64_t line;
  int64_t column;
  char message[1024];
  char hint[256];
  char snippet[256];
  int64_t snippet_col; /* 1-based character column of the caret in snippet */
} cn_diag;

/* Resets d to "no error". d may be NULL. */
void cn_diag_clear(cn_diag *d);
/* Fills d with code and a printf-style message (no location); returns code.
 * d may be NULL, then only the code is returned. */
cn_status cn_diag_set(cn_diag *d, cn_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, with a location. file may be NULL. */
cn_status cn_diag_at(cn_diag *d, cn_status code, const char *file, int64_t line,
                     int64_t column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Sets the hint of d (keeps the rest). */
void cn_diag_hint(cn_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Stores the source line around a position for a caret; line points at the
 * first byte of the line, len its length without the newline, col the
 * 1-based character column of the error within it. */
void cn_diag_snippet(cn_diag *d, const char *line, size_t len, int64_t col);
/* Writes "PREFIX: FILE:LINE:COL: message" plus, when known, the snippet with
 * a caret and "hint: ..." lines, each ending in '\n', into buf (always
 * NUL-terminated). prefix may be NULL. Returns the length it wanted. */
size_t cn_diag_format(const cn_diag *d, const char *prefix, char *buf, size_t n);

/* Display width of UTF-8 text in a terminal (East Asian wide characters
 * count 2), for aligning tables. */
int64_t cn_text_width(const char *s);
/* Edit distance between a and b, counted in bytes: insertions, deletions,
 * substitutions and swaps of two neighbours ("frim" is one edit from
 * "firm"); strings over 64 bytes are never near: the result is then 99.
 * For suggesting the name the user meant. */
int cn_text_distance(const char *a, const char *b);

/* The single allocator. fn(ud, ptr, size) behaves like realloc, and like free
 * when size == 0 (returning NULL). Passing fn == NULL restores the default.
 * Set it before any other call; it is not synchronized. */
typedef void *(*cn_alloc_fn)(void *ud, void *ptr, size_t size);
void cn_set_alloc(cn_alloc_fn fn, void *ud);
void *cn_malloc(size_t n);
void *cn_calloc(size_t count, size_t size); /* zeroed; overflow-checked */
void *cn_realloc(void *p, size_t n);
void *cn_reallocarray(void *p, size_t count, size_t size); /* overflow-checked */
void cn_free(void *p);
char *cn_strdup(const char *s);
char *cn_strndup(const char *s, size_t n);

/* Seeded pseudo-random numbers (xoshiro256**). A stream is fixed by (seed,
 * stream): give each unit of work (a node, a firm, a replication) its own
 * stream so that results do not depend on how work is split over threads. */
typedef struct cn_rng {
  uint64_t s[4];
} cn_rng;
void cn_rng_seed(cn_rng *r, uint64_t seed, uint64_t stream);
uint64_t cn_rng_u64(cn_rng *r);
double cn_rng_uniform(cn_rng *r);              /* in [0, 1) */
uint64_t cn_rng_below(cn_rng *r, uint64_t n);  /* uniform in [0, n), n > 0 */
double cn_rng_normal(cn_rng *r);               /* standard normal */

/* Progress and log callbacks. Long operations call the progress callback
 * with the work done so far and the total (both in the operation's units,
 * e.g. bytes), at most a few times per second, from the calling thread, and
 * once with done == total at the end. The library keeps them globally.
 *
 * A simple callback (cn_set_progress) gets the stage's name and the position
 * of the whole operation: inside a job of several stages (net metrics over
 * its years) done/total run once from 0 to total over the whole job, and
 * done == total comes once, at its end.
 *
 * A detailed callback (cn_set_progress_report) gets a cn_progress_report:
 * the job (e.g. "net metrics"), the stage running now ("betweenness"), a
 * label saying where the job is ("2005", the year), the stage's own
 * position, the job's overall position and the seconds since the job began,
 * from which a caller can estimate the time left. It is called on the same
 * schedule, plus once whenever the label changes (at most once per year of
 * net metrics). Outside a job the job is the stage itself: job is "",
 * label "", job_done/job_total equal done/total.
 *
 * Setting one kind of callback removes the other; NULL removes both. */
typedef void (*cn_progress_fn)(void *ud, const char *task, double done,
                               double total);
typedef struct cn_progress_report {
  const char *job;   /* the whole operation; "" outside a job */
  const char *stage; /* what runs now, e.g. "betweenness", a file name */
  const char *label; /* where the job is, e.g. the year "2005"; "" if none */
  int step, steps;   /* the label's place: step 1..steps; 0, 0 if none */
  double done, total;         /* the stage's position, in its units */
  double job_done, job_total; /* the job's position, monotone within it */
  double elapsed;             /* seconds since the job (or stage) began */
} cn_progress_report;
typedef void (*cn_progress_report_fn)(void *ud, const cn_progress_report *r);
typedef enum cn_log_level { CN_LOG_INFO = 0, CN_LOG_WARN = 1 } cn_log_level;
typedef void (*cn_log_fn)(void *ud, cn_log_level level, const char *msg);
void cn_set_progress(cn_progress_fn fn, void *ud);
void cn_set_progress_report(cn_progress_report_fn fn, void *ud);
void cn_set_log(cn_log_fn fn, void *ud);

/* Atomic outputs (docs/security.md). Every file and folder coinnet writes
 * is made under a temporary name beside its final one (".cn-tmp-PID-N-NAME"
 * in the same folder) and renamed into place only once it is complete, so
 * that a run that fails or is killed leaves the previous output as it was
 * and never a half-written file under the output's name (a killed run may
 * leave its hidden temporary behind).
 *
 * cn_output_open starts the output path: a file (folder 0), whose stream
 * cn_output_file gives, or a folder (folder 1), into which the caller
 * writes by the name cn_output_path gives (which is also the file's
 * temporary name, for writers that take a name). cn_output_commit closes
 * the file and renames the temporary into place (a folder that exists is
 * swapped for the new one atomically; entries of the old folder that the
 * new one lacks are kept); cn_output_discard removes the temporary. Either
 * releases the cn_output, which the caller owns until then. A file or
 * folder that cannot be made, written or renamed (a missing folder, no
 * permission, a read-only or full file system) is CN_EDATA, "PATH: cannot
 * write: REASON", with the final path. An output that exists and is
 * neither a file nor a folder (a device such as /dev/full, a FIFO) or is a
 * symbolic link (/dev/stdout, a link to a file elsewhere) is written
 * through in place, as before: it cannot, or must not, be replaced. A file
 * that is replaced keeps its permission bits. */
typedef struct cn_output cn_output;
cn_status cn_output_open(const char *path, int folder, cn_output **out, cn_diag *d);
FILE *cn_output_file(cn_output *o);
const char *cn_output_path(const cn_output *o);
cn_status cn_output_commit(cn_output *o, cn_diag *d);
void cn_output_discard(cn_output *o);
/* Writes n bytes to path as one atomic output (the above in one call). */
cn_status cn_output_write(const char *path, const void *data, size_t n, cn_diag *d);

/* Prepares the library: replaces igraph's and GSL's error handlers so that
 * neither prints nor aborts (their errors come back as statuses). Idempotent;
 * call once before other functions. */
cn_status cn_init(cn_diag *d);
const char *cn_version(void);

#ifdef __cplusplus
}
#endif
#endif
