/* tests/unit/test_runner.c — the runner's own self-tests. Their names start
 * with selftest_, so they run only when --filter names them:
 * tests/cli/runner/signal.case runs them and checks that a test killed by a
 * signal is that test's failure and that the run goes on to the count line. */
#include <signal.h>
#include <unistd.h>
#include "test.h"

/* Killed by a signal no handler (a sanitizer's included) can catch. */
TEST(selftest_signal_a_killed) {
  CHECK(cn_test_root() != NULL);
  kill(getpid(), SIGKILL);
  CHECK(!"the process outlived SIGKILL");
}

/* Runs after the killed one: it must still run, and pass. */
TEST(selftest_signal_b_after) {
  CHECK_INT(getpid() != getppid(), 1);
  CHECK(cn_test_data() != NULL);
}

/* A failed check is reported with its line and counted once. */
TEST(selftest_signal_c_check) { CHECK_INT(1 + 1, 3); }
