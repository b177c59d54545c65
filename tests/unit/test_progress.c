/* tests/unit/test_progress.c — progress reports of a job of several parts
 * (issue 13 item 8): net metrics over three years reports one job whose
 * overall position only grows, names each year, and ends once. */
#include <stdio.h>
#include "test.h"

/* A yearly edge list, written into the test's folder and read back:
 *   2001: 1-2, 2-3        n = 3, m = 2
 *   2002: 1-2, 2-3, 3-4   n = 4, m = 3
 *   2003: 1-2             n = 2, m = 1 */
static cn_table *three_years(void) {
  const char *p = cn_test_path(cn_test_tmpdir(), "edges.csv");
  FILE *fp = fopen(p, "w");
  CHECK(fp != NULL);
  if (!fp) return NULL;
  fputs("year,u,v\n2001,1,2\n2001,2,3\n2002,1,2\n2002,2,3\n2002,3,4\n2003,1,2\n", fp);
  fclose(fp);
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  return t;
}

enum { MAXREP = 256 };
static struct {
  char job[64], stage[512], label[64];
  int step, steps;
  double job_done, job_total, elapsed;
} reps[MAXREP];
static int nrep;

static void record(void *ud, const cn_progress_report *r) {
  (void)ud;
  if (nrep == MAXREP) return;
  snprintf(reps[nrep].job, sizeof reps[nrep].job, "%s", r->job);
  snprintf(reps[nrep].stage, sizeof reps[nrep].stage, "%s", r->stage);
  snprintf(reps[nrep].label, sizeof reps[nrep].label, "%s", r->label);
  reps[nrep].step = r->step;
  reps[nrep].steps = r->steps;
  reps[nrep].job_done = r->job_done;
  reps[nrep].job_total = r->job_total;
  reps[nrep].elapsed = r->elapsed;
  nrep++;
}

/* The detailed reports: every one names the job "net metrics"; the labels
 * come in year order, each with its step of 3; the overall position never
 * goes back and reaches the total once, in the last report. Each year's
 * first report is at the work done before it: betweenness of a year costs
 * n·(n + m) (one search per node), so by hand 3·5 = 15, 4·7 = 28, 2·3 = 6
 * and the total is 49; the years start at 0, 15 and 43. */
TEST(progress_net_metrics_three_years) {
  cn_table *t = three_years(), *m = NULL;
  if (!t) return;
  cn_net_opts o;
  memset(&o, 0, sizeof o);
  o.threads = 1;
  cn_diag d;
  nrep = 0;
  cn_set_progress_report(record, NULL);
  CHECK_STATUS(cn_net_metrics(t, &o, &m, &d), CN_OK, &d);
  cn_set_progress_report(NULL, NULL);
  CHECK(nrep >= 4);
  const char *years[] = {"year 2001", "year 2002", "year 2003"};
  double starts[] = {0, 15, 43};
  int seen = 0, ends = 0;
  for (int i = 0; i < nrep; i++) {
    CHECK_STR(reps[i].job, "net metrics");
    CHECK_NEAR(reps[i].job_total, 49, 1e-12);
    CHECK_INT(reps[i].steps, 3);
    CHECK(reps[i].elapsed >= 0);
    if (i > 0) CHECK(reps[i].job_done >= reps[i - 1].job_done);
    if (reps[i].job_done >= reps[i].job_total) ends++;
    if (seen < 3 && !strcmp(reps[i].label, years[seen])) {
      CHECK_INT(reps[i].step, seen + 1);
      CHECK_NEAR(reps[i].job_done, starts[seen], 1e-12);
      CHECK_STR(reps[i].stage, "betweenness");
      seen++;
    } else {
      CHECK(seen > 0 && !strcmp(reps[i].label, years[seen - 1])); /* no year skipped */
    }
  }
  CHECK_INT(seen, 3);
  CHECK_INT(ends, 1);
  CHECK(nrep > 0 && reps[nrep - 1].job_done == reps[nrep - 1].job_total);
  cn_table_free(m);
  cn_table_free(t);
}

static int simple_calls, simple_ends;
static double simple_last;
static bool simple_back;
static void simple(void *ud, const char *task, double done, double total) {
  (void)ud;
  (void)task;
  simple_calls++;
  if (done < simple_last) simple_back = true;
  simple_last = done;
  if (done >= total) simple_ends++;
}

/* The simple callback sees the whole job too: its position never goes back
 * and done == total comes once, at the end. Before jobs, betweenness
 * reported done == total at the end of every year, so a drawn bar was
 * cleared and refilled once per year (issue 13: "refills its bar 16-21
 * times"). */
TEST(progress_simple_callback_fills_once) {
  cn_table *t = three_years(), *m = NULL;
  if (!t) return;
  cn_net_opts o;
  memset(&o, 0, sizeof o);
  o.threads = 1;
  cn_diag d;
  simple_calls = simple_ends = 0;
  simple_last = 0;
  simple_back = false;
  cn_set_progress(simple, NULL);
  CHECK_STATUS(cn_net_metrics(t, &o, &m, &d), CN_OK, &d);
  cn_set_progress(NULL, NULL);
  CHECK(simple_calls >= 1);
  CHECK_INT(simple_ends, 1);
  CHECK(!simple_back);
  cn_table_free(m);
  cn_table_free(t);
}

/* Outside a job (reading a file) the job is the stage itself: job and
 * label are "", the overall position is the stage's, and the last report
 * is done == total. */
TEST(progress_outside_a_job) {
  const char *p = cn_test_path(cn_test_tmpdir(), "big.csv");
  FILE *fp = fopen(p, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  fputs("a,b\n", fp);
  for (int i = 0; i < 1000; i++) fprintf(fp, "%d,%d\n", i, i);
  long size = ftell(fp);
  fclose(fp);
  cn_table *t = NULL;
  cn_diag d;
  nrep = 0;
  cn_set_progress_report(record, NULL);
  CHECK_STATUS(cn_table_read(p, NULL, &t, &d), CN_OK, &d);
  cn_set_progress_report(NULL, NULL);
  CHECK(nrep >= 1);
  for (int i = 0; i < nrep; i++) {
    CHECK_STR(reps[i].job, "");
    CHECK_STR(reps[i].label, "");
    CHECK(strstr(reps[i].stage, "big.csv") != NULL);
    CHECK_INT(reps[i].steps, 0);
  }
  if (nrep > 0) {
    CHECK_NEAR(reps[nrep - 1].job_done, (double)size, 0);
    CHECK_NEAR(reps[nrep - 1].job_total, (double)size, 0);
  }
  cn_table_free(t);
}
