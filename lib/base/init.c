/* lib/base/init.c — library start-up, version, progress and log callbacks. */
#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <igraph.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "base_int.h"

#define CN_VERSION "0.1.0"

const char *cn_version(void) { return CN_VERSION; }

static cn_progress_fn progress_fn;
static void *progress_ud;
static cn_log_fn log_fn;
static void *log_ud;

void cn_set_progress(cn_progress_fn fn, void *ud) {
  progress_fn = fn;
  progress_ud = ud;
}

void cn_set_log(cn_log_fn fn, void *ud) {
  log_fn = fn;
  log_ud = ud;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void cn__progress(const char *task, double done, double total) {
  static double last;
  if (!progress_fn) return;
  double t = now();
  if (done < total && t - last < 0.1) return;
  last = t;
  progress_fn(progress_ud, task, done, total);
}

void cn__log(cn_log_level level, const char *fmt, ...) {
  if (!log_fn) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_fn(log_ud, level, msg);
}

/* igraph: errors come back as return codes; its handlers only record the
 * message for the log instead of printing (or aborting, for the default). */
static void igraph_err(const char *reason, const char *file, int line,
                       igraph_error_t err) {
  (void)file;
  (void)line;
  cn__log(CN_LOG_WARN, "igraph: %s (%s)", reason, igraph_strerror(err));
  IGRAPH_FINALLY_FREE();
}

static void igraph_warn(const char *reason, const char *file, int line) {
  (void)file;
  (void)line;
  cn__log(CN_LOG_WARN, "igraph: %s", reason);
}

static void gsl_err(const char *reason, const char *file, int line, int err) {
  (void)file;
  (void)line;
  cn__log(CN_LOG_WARN, "gsl: %s (%s)", reason, gsl_strerror(err));
}

cn_status cn_init(cn_diag *d) {
  cn_diag_clear(d);
  igraph_set_error_handler(igraph_err);
  igraph_set_warning_handler(igraph_warn);
  gsl_set_error_handler(gsl_err);
  /* OpenBLAS splits sums across its threads, so LAPACK and BLAS results
   * would depend on the thread count: they run on one thread; coinnet's own
   * parallel loops are deterministic by construction. */
  openblas_set_num_threads(1);
  return CN_OK;
}
