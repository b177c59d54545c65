/* lib/base/init.c — library start-up, version, progress and log callbacks. */
#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <igraph.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include "base_int.h"

#define CN_VERSION "0.1.0"

const char *cn_version(void) { return CN_VERSION; }

static cn_progress_fn progress_fn;
static cn_progress_report_fn report_fn;
static void *progress_ud;
static cn_log_fn log_fn;
static void *log_ud;

void cn_set_progress(cn_progress_fn fn, void *ud) {
  progress_fn = fn;
  report_fn = NULL;
  progress_ud = ud;
}

void cn_set_progress_report(cn_progress_report_fn fn, void *ud) {
  report_fn = fn;
  progress_fn = NULL;
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

/* The progress state: the running job (depth > 0), its current part, the
 * last report's time, and the stage outside a job (for its elapsed time). */
static struct {
  int depth;
  char job[64], label[64];
  int step, steps;
  double total, at, span, start;
  bool label_new;     /* the label changed since the last report */
  double last;        /* time of the last report */
  char stage[64];     /* outside a job: the stage being timed */
  double stage_start, stage_done;
} P;

/* Passes one report to whichever callback is set. */
static void deliver(const cn_progress_report *r) {
  if (report_fn) report_fn(progress_ud, r);
  else if (progress_fn) progress_fn(progress_ud, r->stage, r->job_done, r->job_total);
}

void cn__progress(const char *task, double done, double total) {
  if (!progress_fn && !report_fn) return;
  double t = now();
  cn_progress_report r;
  r.stage = task ? task : "";
  r.done = done;
  r.total = total;
  if (P.depth > 0) {
    double f = total > 0 ? done / total : 0;
    if (!(f >= 0)) f = 0;
    if (f > 1) f = 1;
    if (!P.label_new && t - P.last < 0.1) return;
    r.job = P.job;
    r.label = P.label;
    r.step = P.step;
    r.steps = P.steps;
    r.job_done = P.at + P.span * f;
    r.job_total = P.total;
    if (r.job_done >= P.total) r.job_done = P.total * (1 - 1e-12); /* the end is cn__job_end's */
    r.elapsed = t - P.start;
  } else {
    if (strncmp(P.stage, r.stage, sizeof P.stage - 1) || done < P.stage_done) {
      snprintf(P.stage, sizeof P.stage, "%s", r.stage);
      P.stage_start = t;
    }
    P.stage_done = done;
    if (done < total && t - P.last < 0.1) return;
    r.job = "";
    r.label = "";
    r.step = r.steps = 0;
    r.job_done = done;
    r.job_total = total;
    r.elapsed = t - P.stage_start;
  }
  P.last = t;
  P.label_new = false;
  deliver(&r);
}

void cn__job_begin(const char *job, double total) {
  if (P.depth++ > 0) return;
  snprintf(P.job, sizeof P.job, "%s", job ? job : "");
  P.label[0] = '\0';
  P.step = P.steps = 0;
  P.total = total > 0 ? total : 1;
  P.at = P.span = 0;
  P.start = now();
  P.label_new = true;
}

void cn__job_part(const char *label, int step, int steps, double at, double span) {
  if (P.depth != 1) return;
  const char *l = label ? label : "";
  if (strncmp(P.label, l, sizeof P.label - 1) || step != P.step) P.label_new = true;
  snprintf(P.label, sizeof P.label, "%s", l);
  P.step = step;
  P.steps = steps;
  P.at = at;
  P.span = span;
}

void cn__job_end(void) {
  if (P.depth <= 0 || --P.depth > 0) return;
  if (progress_fn || report_fn) {
    cn_progress_report r = {P.job, P.job, P.label, P.step, P.steps, 1, 1, P.total, P.total,
                            now() - P.start};
    deliver(&r);
  }
  P.last = now();
  P.stage[0] = '\0';
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
