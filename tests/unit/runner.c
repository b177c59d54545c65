/* tests/unit/runner.c — the test runner: the C unit tests registered through
 * test.h, then the CLI golden cases (*.case files, docs/testing.md), and one
 * final line "N passed, N failed".
 *
 *   test-runner [--bin PATH] [--root DIR] [--data DIR] [--cases DIR]
 *               [--filter SUBSTR] [--skip SUBSTR] [--redo] [--keep] [-v]
 *
 * The runner uses the C library's allocator, never cn_malloc: unit tests
 * replace the library's allocator. Each unit test runs in a child process
 * of its own, so that a test that crashes, is killed or hangs is that
 * test's failure and the run goes on to the count line; the parent never
 * runs library code, so it has no threads when it forks. Commands run
 * through fork + execve with an environment built beforehand. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("test-runner: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

static char *xstrdup(const char *s) {
  char *p = strdup(s);
  if (!p) die("out of memory");
  return p;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int r = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (r < 0) die("out of memory");
  return s;
}

/* A growable byte buffer; p is always NUL-terminated when non-NULL. */
typedef struct buf {
  char *p;
  size_t n, cap;
} buf;

static void buf_add(buf *b, const void *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t c = b->cap ? b->cap : 256;
    while (c < b->n + n + 1) c *= 2;
    b->p = xrealloc(b->p, c);
    b->cap = c;
  }
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}
static void buf_str(buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_ch(buf *b, char c) { buf_add(b, &c, 1); }
static void buf_free(buf *b) {
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* An absolute form of path: realpath when it exists, else cwd + path. */
static char *abs_path(const char *path) {
  char *r = realpath(path, NULL);
  if (r) return r;
  if (path[0] == '/') return xstrdup(path);
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) die("getcwd: %s", strerror(errno));
  return xasprintf("%s/%s", cwd, path);
}

static char *dir_of(const char *path) {
  const char *s = strrchr(path, '/');
  if (!s) return xstrdup(".");
  if (s == path) return xstrdup("/");
  return strndup(path, (size_t)(s - path));
}

static int mkdir_p(const char *path) {
  char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      free(p);
      return -1;
    }
    *s = '/';
  }
  int r = mkdir(p, 0777);
  free(p);
  return r == 0 || errno == EEXIST ? 0 : -1;
}

/* Removes a tree; directories a test made read-only are opened up first. */
static void rm_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    chmod(path, 0700);
    DIR *d = opendir(path);
    if (d) {
      struct dirent *e;
      while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *sub = xasprintf("%s/%s", path, e->d_name);
        rm_tree(sub);
        free(sub);
      }
      closedir(d);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

static bool read_file(const char *path, buf *out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char tmp[65536];
  for (;;) {
    ssize_t r = read(fd, tmp, sizeof tmp);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      close(fd);
      return false;
    }
    if (r == 0) break;
    buf_add(out, tmp, (size_t)r);
  }
  close(fd);
  if (!out->p) buf_add(out, "", 0);
  return true;
}

static bool write_file(const char *path, const char *s, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      close(fd);
      return false;
    }
    s += w;
    n -= (size_t)w;
  }
  return close(fd) == 0;
}

/* ------------------------------------------------------------------ */
/* Options and global state                                            */

static struct {
  const char *bin, *root, *data, *cases, *filter, *skip;
  bool redo, keep, verbose;
} opt = {NULL, ".", "tests/data", NULL, NULL, NULL, false, false, false};

/* A unit test running longer than this is killed and counted as failed. */
enum { UNIT_TIMEOUT_S = 300 };

static char *g_root, *g_data, *g_bindir, *g_rundir;
static int g_passed, g_failed, g_skipped;

/* ------------------------------------------------------------------ */
/* Unit tests                                                          */

typedef struct utest {
  const char *name, *file;
  cn_test_fn fn;
  size_t order;
} utest;

static utest *g_tests;
static size_t g_ntests, g_captests;
static const utest *g_cur;      /* the test running now */
static size_t g_cur_index;      /* its position, for its scratch dir */
static int g_cur_fails;         /* failures of the current test */
static int g_stray_fails;       /* failures reported outside any test */
static char *g_cur_tmp;         /* its scratch dir, made on first use */

void cn_test_register(const char *name, const char *file, cn_test_fn fn) {
  if (g_ntests == g_captests) {
    g_captests = g_captests ? 2 * g_captests : 64;
    g_tests = realloc(g_tests, g_captests * sizeof *g_tests);
    if (!g_tests) {
      fputs("test-runner: out of memory\n", stderr);
      abort();
    }
  }
  g_tests[g_ntests] = (utest){name, file, fn, g_ntests};
  g_ntests++;
}

void cn_test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("FAIL unit %s: %s:%d: ", g_cur ? g_cur->name : "(outside a test)", file, line);
  vprintf(fmt, ap);
  putchar('\n');
  va_end(ap);
  fflush(stdout);
  if (g_cur)
    g_cur_fails++;
  else
    g_stray_fails++;
}

const char *cn_test_root(void) { return g_root ? g_root : opt.root; }
const char *cn_test_data(void) { return g_data ? g_data : opt.data; }

const char *cn_test_tmpdir(void) {
  if (g_cur_tmp) return g_cur_tmp;
  if (!g_rundir) return "/nonexistent-test-tmpdir";
  g_cur_tmp = xasprintf("%s/unit/%04zu-%s", g_rundir, g_cur_index,
                        g_cur ? g_cur->name : "outside");
  if (mkdir_p(g_cur_tmp) != 0)
    cn_test_fail(__FILE__, __LINE__, "cannot create %s: %s", g_cur_tmp, strerror(errno));
  return g_cur_tmp;
}

const char *cn_test_path(const char *dir, const char *name) {
  enum { NBUF = 16 };
  static char bufs[NBUF][PATH_MAX + 256];
  static unsigned next;
  char *b = bufs[next++ % NBUF];
  if (!dir || !*dir || (name && name[0] == '/')) {
    snprintf(b, sizeof bufs[0], "%s", name ? name : "");
  } else if (!name || !*name) {
    snprintf(b, sizeof bufs[0], "%s", dir);
  } else {
    size_t n = strlen(dir);
    snprintf(b, sizeof bufs[0], "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
  }
  return b;
}

/* The process group of the command running now, killed on an interrupt.
 * (A unit test that crashes is named by the parent, which sees its signal.) */
static volatile sig_atomic_t g_child_pgid;

static void on_interrupt(int sig) {
  pid_t pg = (pid_t)g_child_pgid;
  if (pg > 0) kill(-pg, SIGKILL);
  signal(sig, SIG_DFL);
  raise(sig);
}

static void install_handlers(void) {
  const int intr[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof intr / sizeof *intr; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(intr[i], &sa, NULL);
  }
}

static int cmp_tests(const void *a, const void *b) {
  const utest *x = a, *y = b;
  int c = strcmp(x->file, y->file);
  if (!c) c = strcmp(x->name, y->name);
  if (!c) c = x->order < y->order ? -1 : x->order > y->order;
  return c;
}

/* The exit status of a test child whose checks failed (they printed their
 * FAIL lines); any other non-zero end is reported by the parent. */
enum { CHILD_CHECKS_FAILED = 3 };

/* Runs test t in this (child) process and exits with its verdict. exit(),
 * not _exit(), so that a leak checker still runs at the end. */
static void run_one_unit(const utest *t, size_t index) {
  g_cur = t;
  g_cur_index = index;
  g_cur_fails = 0;
  g_cur_tmp = NULL;
  alarm(UNIT_TIMEOUT_S);
  t->fn();
  alarm(0);
  g_cur = NULL;
  free(g_cur_tmp);
  fflush(NULL);
  exit(g_cur_fails ? CHILD_CHECKS_FAILED : 0);
}

/* Whether a test's name asks to run only when the filter names it: the
 * runner's own self-tests (they fail on purpose). */
static bool is_selftest(const char *name) { return !strncmp(name, "selftest_", 9); }

static void run_unit_tests(void) {
  if (g_ntests) qsort(g_tests, g_ntests, sizeof *g_tests, cmp_tests);
  for (size_t i = 0; i < g_ntests; i++) {
    const utest *t = &g_tests[i];
    if (opt.filter ? !strstr(t->name, opt.filter) : is_selftest(t->name)) continue;
    if (opt.filter && is_selftest(t->name) && !is_selftest(opt.filter)) continue;
    if (opt.skip && strstr(t->name, opt.skip)) {
      g_skipped++;
      continue;
    }
    double t0 = now_s();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) die("fork: %s", strerror(errno));
    if (pid == 0) run_one_unit(t, i);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
      if (errno != EINTR) die("waitpid: %s", strerror(errno));
    double dt = now_s() - t0;
    bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
      printf("FAIL unit %s: timed out after %d s\n", t->name, (int)UNIT_TIMEOUT_S);
    else if (WIFSIGNALED(st))
      printf("FAIL unit %s: killed by signal %d (%s)\n", t->name, WTERMSIG(st), strsignal(WTERMSIG(st)));
    else if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != CHILD_CHECKS_FAILED)
      printf("FAIL unit %s: the test process exited with status %d (a sanitizer report above?)\n",
             t->name, WEXITSTATUS(st));
    if (ok) {
      g_passed++;
      if (opt.verbose) printf("ok unit %s (%.2f s)\n", t->name, dt);
    } else {
      g_failed++;
    }
  }
  if (g_stray_fails) g_failed++;
}

/* ------------------------------------------------------------------ */
/* Comparing outputs                                                   */

/* Length of a decimal number at s: optional sign, digits with an optional
 * fraction (a '.' counts only when a digit follows it), optional exponent.
 * 0 when there is none. Hex, inf and nan are never numbers here. */
static size_t num_len(const char *s, size_t n) {
  size_t i = 0, digits = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) i++;
  while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
  if (i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
    i++;
    while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
  }
  if (!digits) return 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t k = i + 1;
    if (k < n && (s[k] == '+' || s[k] == '-')) k++;
    if (k < n && isdigit((unsigned char)s[k])) {
      while (k < n && isdigit((unsigned char)s[k])) k++;
      i = k;
    }
  }
  return i;
}

static double parse_span(const char *s, size_t n) {
  char small[64];
  char *p = n < sizeof small ? small : xrealloc(NULL, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  double v = strtod(p, NULL);
  if (p != small) free(p);
  return v;
}

/* Whether the numbers (actual a, expected e) agree within tol relative to
 * max(1, |e|). Spans that are byte-equal always agree. */
static bool num_close(const char *a, size_t an, const char *e, size_t en, double tol) {
  if (an == en && memcmp(a, e, an) == 0) return true;
  double x = parse_span(a, an), y = parse_span(e, en);
  if (!isfinite(x) || !isfinite(y)) return false;
  return fabs(x - y) <= tol * fmax(1.0, fabs(y));
}

/* Compares actual against expected, scanning both in parallel: where both
 * have a number, they compare numerically; elsewhere byte by byte. On a
 * mismatch *pa and *pe are the positions of the first difference. */
static bool text_match(const char *a, size_t an, const char *e, size_t en, double tol,
                       size_t *pa, size_t *pe) {
  size_t i = 0, j = 0;
  while (i < an && j < en) {
    size_t na = num_len(a + i, an - i), ne = na ? num_len(e + j, en - j) : 0;
    if (na && ne) {
      if (!num_close(a + i, na, e + j, ne, tol)) break;
      i += na;
      j += ne;
      continue;
    }
    if (a[i] != e[j]) break;
    i++;
    j++;
  }
  *pa = i;
  *pe = j;
  return i == an && j == en;
}

static size_t count_lines(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += s[i] == '\n';
  if (n && s[n - 1] != '\n') k++;
  return k;
}

/* Prints the line of s holding position pos, cut to a window around pos. */
static void show_line(const char *mark, const char *s, size_t n, size_t pos) {
  if (pos >= n && (n == 0 || s[n - 1] == '\n')) {
    printf("  %s(end of output)\n", mark);
    return;
  }
  size_t b = pos > n ? n : pos;
  while (b > 0 && s[b - 1] != '\n') b--;
  size_t end = b;
  while (end < n && s[end] != '\n') end++;
  size_t from = b, to = end;
  enum { WIDTH = 160, BEFORE = 60 };
  if (to - from > WIDTH) {
    if (pos - from > BEFORE) from = pos - BEFORE;
    if (to - from > WIDTH) to = from + WIDTH;
  }
  printf("  %s%s", mark, from > b ? "..." : "");
  fwrite(s + from, 1, to - from, stdout);
  printf("%s%s\n", to < end ? "..." : "", end == n ? "  (no newline at end)" : "");
}

static void report_diff(const char *what, const char *a, size_t an, const char *e, size_t en,
                        size_t pa, size_t pe) {
  size_t line = 1;
  for (size_t i = 0; i < pe && i < en; i++) line += e[i] == '\n';
  size_t le = count_lines(e, en), la = count_lines(a, an);
  printf("  %s differs at line %zu", what, line);
  if (le != la) printf(" (expected %zu lines, got %zu)", le, la);
  printf(":\n");
  show_line("-", e, en, pe);
  show_line("+", a, an, pa);
}

/* ------------------------------------------------------------------ */
/* Case files                                                          */

typedef struct span {
  size_t off, len; /* a line of the case file, without its '\n' */
} span;

enum { SEC_STDOUT, SEC_STDERR, SEC_FILE };

typedef struct section {
  int kind;
  char *name;         /* SEC_FILE: the file's relative path */
  bool noeol;         /* the content does not end in a newline */
  size_t head;        /* index of the "--- " line */
  size_t first, end;  /* content lines [first, end) */
  buf text;           /* the decoded content */
} section;

typedef struct tcase {
  char *path;    /* as found under --cases */
  char *casedir; /* absolute dir of the file */
  buf raw;
  span *lines;
  size_t nlines;
  size_t nhead; /* lines before the first section */
  char *cmd;
  size_t cmd_last; /* index of the last line of cmd: */
  bool has_exit;
  size_t exit_line;
  int exit_code;
  double tol, timeout;
  section *secs;
  size_t nsecs;
  char err[512]; /* a parse error, "LINE: message" */
} tcase;

static const char *line_ptr(const tcase *c, size_t i) { return c->raw.p + c->lines[i].off; }

static bool starts(const char *s, size_t n, const char *pre) {
  size_t k = strlen(pre);
  return n >= k && memcmp(s, pre, k) == 0;
}

static bool is_section_line(const char *s, size_t n) { return starts(s, n, "--- "); }

/* A content line that reads "\\...\--- " stands for itself with one
 * backslash less, so that "--- " lines can appear in content. */
static size_t unescape_skip(const char *s, size_t n) {
  size_t k = 0;
  while (k < n && s[k] == '\\') k++;
  return k > 0 && starts(s + k, n - k, "--- ") ? 1 : 0;
}

static bool needs_escape(const char *s, size_t n) {
  size_t k = 0;
  while (k < n && s[k] == '\\') k++;
  return starts(s + k, n - k, "--- ");
}

static void case_free(tcase *c) {
  free(c->path);
  free(c->casedir);
  buf_free(&c->raw);
  free(c->lines);
  free(c->cmd);
  for (size_t i = 0; i < c->nsecs; i++) {
    free(c->secs[i].name);
    buf_free(&c->secs[i].text);
  }
  free(c->secs);
}

static bool case_error(tcase *c, size_t line0, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool case_error(tcase *c, size_t line0, const char *fmt, ...) {
  int k = snprintf(c->err, sizeof c->err, "%zu: ", line0 + 1);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err + k, sizeof c->err - (size_t)k, fmt, ap);
  va_end(ap);
  return false;
}

static char *trimmed(const char *s, size_t n) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  return strndup(s, n);
}

static bool parse_header(tcase *c, size_t i, bool seen[4]) {
  const char *s = line_ptr(c, i);
  size_t n = c->lines[i].len, k = 0;
  while (k < n && (islower((unsigned char)s[k]) || s[k] == '_')) k++;
  if (k == 0 || k >= n || s[k] != ':')
    return case_error(c, i, "expected 'key: value', '# comment' or a '--- ' section");
  char *key = strndup(s, k);
  char *val = trimmed(s + k + 1, n - k - 1);
  static const char *const keys[] = {"cmd", "exit", "tol", "timeout"};
  int which = -1;
  for (int q = 0; q < 4; q++)
    if (!strcmp(key, keys[q])) which = q;
  bool ok = true;
  char *end;
  if (which < 0) {
    ok = case_error(c, i, "unknown header '%s:' (cmd, exit, tol, timeout)", key);
  } else if (seen[which]) {
    ok = case_error(c, i, "'%s:' given twice", key);
  } else if (which == 0) {
    buf cmd = {0};
    buf_str(&cmd, val);
    /* A line ending in a backslash continues on the next line; the shell
     * reads the backslash-newline as a continuation. */
    while (cmd.n && cmd.p[cmd.n - 1] == '\\' && i + 1 < c->nlines &&
           !is_section_line(line_ptr(c, i + 1), c->lines[i + 1].len)) {
      i++;
      buf_ch(&cmd, '\n');
      char *more = trimmed(line_ptr(c, i), c->lines[i].len);
      buf_str(&cmd, more);
      free(more);
    }
    c->cmd_last = i;
    if (!cmd.n) {
      ok = case_error(c, i, "empty 'cmd:'");
      buf_free(&cmd);
    } else {
      c->cmd = cmd.p;
    }
  } else if (which == 1) {
    errno = 0;
    long v = strtol(val, &end, 10);
    if (!*val || *end || errno || v < 0 || v > 255)
      ok = case_error(c, i, "'exit:' wants an integer 0..255, not '%s'", val);
    c->has_exit = true;
    c->exit_line = i;
    c->exit_code = (int)v;
  } else {
    double v = strtod(val, &end);
    if (!*val || *end || !isfinite(v) || v < 0 || (which == 3 && v == 0))
      ok = case_error(c, i, "'%s:' wants a %s number, not '%s'", key,
                      which == 3 ? "positive" : "non-negative", val);
    if (which == 2)
      c->tol = v;
    else
      c->timeout = v;
  }
  if (which >= 0) seen[which] = true;
  free(key);
  free(val);
  return ok;
}

static bool safe_rel_path(const char *p) {
  if (!*p || p[0] == '/') return false;
  const char *s = p;
  while (*s) {
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if ((n == 2 && s[0] == '.' && s[1] == '.') || n == 0) return false;
    s += n;
    if (*s == '/') s++;
  }
  return p[strlen(p) - 1] != '/';
}

static bool parse_section(tcase *c, size_t i, section *sec) {
  const char *s = line_ptr(c, i) + 4;
  size_t n = c->lines[i].len - 4;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  memset(sec, 0, sizeof *sec);
  sec->head = i;
  if (n >= 6 && !memcmp(s + n - 6, " noeol", 6)) {
    sec->noeol = true;
    n -= 6;
    while (n && isspace((unsigned char)s[n - 1])) n--;
  }
  if (n == 6 && !memcmp(s, "stdout", 6)) {
    sec->kind = SEC_STDOUT;
  } else if (n == 6 && !memcmp(s, "stderr", 6)) {
    sec->kind = SEC_STDERR;
  } else if (starts(s, n, "file ")) {
    sec->kind = SEC_FILE;
    sec->name = trimmed(s + 5, n - 5);
    if (!safe_rel_path(sec->name))
      return case_error(c, i, "'--- file %s': wants a relative path without '..'", sec->name);
  } else {
    return case_error(c, i, "unknown section '--- %.*s' (stdout, stderr, file NAME)",
                      (int)n, s);
  }
  return true;
}

static bool parse_case(tcase *c) {
  c->tol = 1e-9;
  c->timeout = 60;
  if (!read_file(c->path, &c->raw)) {
    snprintf(c->err, sizeof c->err, "0: cannot read: %s", strerror(errno));
    return false;
  }
  size_t cap = 0;
  for (size_t off = 0; off < c->raw.n;) {
    const char *nl = memchr(c->raw.p + off, '\n', c->raw.n - off);
    size_t len = nl ? (size_t)(nl - (c->raw.p + off)) : c->raw.n - off;
    if (c->nlines == cap) {
      cap = cap ? 2 * cap : 64;
      c->lines = xrealloc(c->lines, cap * sizeof *c->lines);
    }
    c->lines[c->nlines++] = (span){off, len};
    off += len + 1;
  }
  bool seen[4] = {false, false, false, false};
  size_t i = 0;
  for (; i < c->nlines; i++) {
    const char *s = line_ptr(c, i);
    size_t n = c->lines[i].len;
    if (is_section_line(s, n)) break;
    size_t k = 0;
    while (k < n && isspace((unsigned char)s[k])) k++;
    if (k == n || s[k] == '#') continue;
    if (!parse_header(c, i, seen)) return false;
    if (seen[0] && c->cmd_last > i) i = c->cmd_last;
  }
  c->nhead = i;
  if (!c->cmd) return case_error(c, i < c->nlines ? i : (c->nlines ? c->nlines - 1 : 0),
                                 "no 'cmd:' line before the sections");
  while (i < c->nlines) {
    section sec;
    if (!parse_section(c, i, &sec)) {
      free(sec.name);
      return false;
    }
    for (size_t q = 0; q < c->nsecs; q++) {
      const section *o = &c->secs[q];
      if (o->kind == sec.kind && (sec.kind != SEC_FILE || !strcmp(o->name, sec.name))) {
        free(sec.name);
        return case_error(c, i, "section given twice (first at line %zu)", o->head + 1);
      }
    }
    sec.first = ++i;
    while (i < c->nlines && !is_section_line(line_ptr(c, i), c->lines[i].len)) i++;
    sec.end = i;
    for (size_t q = sec.first; q < sec.end; q++) {
      const char *s = line_ptr(c, q);
      size_t n = c->lines[q].len, skip = unescape_skip(s, n);
      buf_add(&sec.text, s + skip, n - skip);
      if (q + 1 < sec.end || !sec.noeol) buf_ch(&sec.text, '\n');
    }
    if (!sec.text.p) buf_add(&sec.text, "", 0);
    c->secs = xrealloc(c->secs, (c->nsecs + 1) * sizeof *c->secs);
    c->secs[c->nsecs++] = sec;
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* Running a command                                                   */

typedef struct result {
  buf out, err;
  int code;        /* exit status, or 128 + signal */
  int sig;         /* the signal that ended it, or 0 */
  bool timed_out;
  char start_err[256];
} result;

static char **make_env(const char *casedir) {
  size_t n = 0;
  while (environ[n]) n++;
  char **env = xrealloc(NULL, (n + 8) * sizeof *env);
  size_t k = 0;
  static const char *const drop[] = {"PATH=", "ROOT=", "DATA=", "CASEDIR=", "LC_ALL="};
  const char *path = getenv("PATH");
  for (size_t i = 0; i < n; i++) {
    bool skip = false;
    for (size_t q = 0; q < sizeof drop / sizeof *drop; q++)
      if (!strncmp(environ[i], drop[q], strlen(drop[q]))) skip = true;
    if (!skip) env[k++] = xstrdup(environ[i]);
  }
  if (g_bindir)
    env[k++] = xasprintf("PATH=%s:%s", g_bindir, path ? path : "/usr/bin:/bin");
  else
    env[k++] = xasprintf("PATH=%s", path ? path : "/usr/bin:/bin");
  env[k++] = xasprintf("ROOT=%s", g_root);
  env[k++] = xasprintf("DATA=%s", g_data);
  env[k++] = xasprintf("CASEDIR=%s", casedir);
  env[k++] = xstrdup("LC_ALL=C");
  env[k] = NULL;
  return env;
}

static void free_env(char **env) {
  for (size_t i = 0; env[i]; i++) free(env[i]);
  free(env);
}

static void run_command(const char *cmd, const char *cwd, char **env, double timeout,
                        result *r) {
  int po[2] = {-1, -1}, pe[2] = {-1, -1};
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0 || pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
    snprintf(r->start_err, sizeof r->start_err, "pipe: %s", strerror(errno));
    goto fail;
  }
  char *argv[] = {(char *)"sh", (char *)"-c", (char *)cmd, NULL};
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(r->start_err, sizeof r->start_err, "fork: %s", strerror(errno));
    goto fail;
  }
  if (pid == 0) {
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    if (chdir(cwd) != 0) _exit(126);
    if (dup2(devnull, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0) _exit(126);
    execve("/bin/sh", argv, env);
    _exit(127);
  }
  setpgid(pid, pid);
  g_child_pgid = pid;
  close(po[1]);
  close(pe[1]);
  close(devnull);
  devnull = po[1] = pe[1] = -1;

  /* Reads both pipes until they close. Once the shell has ended, whatever
   * is left in its process group (background jobs holding the pipes) is
   * killed, so the pipes close soon after. The shell is not reaped before
   * that, so that its pid still names the group. */
  double deadline = now_s() + timeout;
  struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
  buf *dst[2] = {&r->out, &r->err};
  int open_fds = 2;
  bool ended = false;
  char chunk[65536];
  while (open_fds > 0 || !ended) {
    double left = deadline - now_s();
    if (left <= 0) {
      r->timed_out = true;
      break;
    }
    if (!ended) {
      siginfo_t si;
      memset(&si, 0, sizeof si);
      if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid) {
        ended = true;
        kill(-pid, SIGKILL);
        continue;
      }
    }
    int ms = (int)ceil(left * 1000);
    if (!ended && ms > 20) ms = 20;
    if (open_fds == 0) {
      struct timespec ts = {0, (long)ms * 1000000L};
      nanosleep(&ts, NULL);
      continue;
    }
    int pr = poll(fds, 2, ms);
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0) die("poll: %s", strerror(errno));
    for (int q = 0; q < 2; q++) {
      if (fds[q].fd < 0 || !fds[q].revents) continue;
      ssize_t got = read(fds[q].fd, chunk, sizeof chunk);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        close(fds[q].fd);
        fds[q].fd = -1;
        open_fds--;
      } else {
        buf_add(dst[q], chunk, (size_t)got);
      }
    }
  }
  kill(-pid, SIGKILL); /* the stragglers a command left behind */
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  g_child_pgid = 0;
  for (int q = 0; q < 2; q++)
    if (fds[q].fd >= 0) close(fds[q].fd);
  if (WIFEXITED(st)) {
    r->code = WEXITSTATUS(st);
  } else if (WIFSIGNALED(st)) {
    r->sig = WTERMSIG(st);
    r->code = 128 + r->sig;
  }
  if (!r->out.p) buf_add(&r->out, "", 0);
  if (!r->err.p) buf_add(&r->err, "", 0);
  return;
fail:
  for (int q = 0; q < 2; q++) {
    if (po[q] >= 0) close(po[q]);
    if (pe[q] >= 0) close(pe[q]);
  }
  if (devnull >= 0) close(devnull);
}

/* Replaces the absolute paths in s by their names, longest first. */
static void normalize(buf *s, const char *const paths[], const char *const names[], size_t np) {
  size_t order[8];
  for (size_t i = 0; i < np; i++) order[i] = i;
  for (size_t i = 1; i < np; i++)
    for (size_t j = i; j > 0 && strlen(paths[order[j]]) > strlen(paths[order[j - 1]]); j--) {
      size_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  buf o = {0};
  size_t i = 0;
  while (i < s->n) {
    bool hit = false;
    if (s->p[i] == '/') {
      for (size_t q = 0; q < np && !hit; q++) {
        const char *p = paths[order[q]];
        size_t n = strlen(p);
        if (n > 1 && s->n - i >= n && !memcmp(s->p + i, p, n)) {
          buf_str(&o, names[order[q]]);
          i += n;
          hit = true;
        }
      }
    }
    if (!hit) {
      const char *slash = memchr(s->p + i + 1, '/', s->n - i - 1);
      size_t stop = slash ? (size_t)(slash - s->p) : s->n;
      buf_add(&o, s->p + i, stop - i);
      i = stop;
    }
  }
  if (!o.p) buf_add(&o, "", 0);
  buf_free(s);
  *s = o;
}

/* ------------------------------------------------------------------ */
/* Golden cases                                                        */

static void add_escaped_lines(buf *o, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
    if (needs_escape(s + i, len)) buf_ch(o, '\\');
    buf_add(o, s + i, len);
    buf_ch(o, '\n');
    i += len + 1;
  }
}

static void add_raw_line(buf *o, const tcase *c, size_t i) {
  buf_add(o, line_ptr(c, i), c->lines[i].len);
  buf_ch(o, '\n');
}

/* Rewrites the case with the actual outputs of the sections that differ
 * (bad[k] for section k) and the actual exit code when it differs. */
static void redo_case(const tcase *c, const result *r, bool exit_bad, const bool *bad) {
  buf o = {0};
  for (size_t i = 0; i < c->nhead; i++) {
    if (exit_bad && c->has_exit && i == c->exit_line) {
      char tmp[32];
      snprintf(tmp, sizeof tmp, "exit: %d\n", r->code);
      buf_str(&o, tmp);
      continue;
    }
    add_raw_line(&o, c, i);
    if (exit_bad && !c->has_exit && i == c->cmd_last) {
      char tmp[32];
      snprintf(tmp, sizeof tmp, "exit: %d\n", r->code);
      buf_str(&o, tmp);
    }
  }
  for (size_t k = 0; k < c->nsecs; k++) {
    const section *s = &c->secs[k];
    if (!bad[k]) {
      for (size_t i = s->head; i < s->end; i++) add_raw_line(&o, c, i);
      continue;
    }
    const buf *act = s->kind == SEC_STDOUT ? &r->out : &r->err;
    bool noeol = act->n && act->p[act->n - 1] != '\n';
    buf_str(&o, s->kind == SEC_STDOUT ? "--- stdout" : "--- stderr");
    buf_str(&o, noeol ? " noeol\n" : "\n");
    add_escaped_lines(&o, act->p, act->n);
  }
  if (!o.p) buf_add(&o, "", 0);
  if (o.n != c->raw.n || memcmp(o.p, c->raw.p, o.n) != 0) {
    char *tmp = xasprintf("%s.redo-tmp", c->path);
    if (!write_file(tmp, o.p, o.n) || rename(tmp, c->path) != 0) {
      printf("FAIL cli %s: cannot rewrite: %s\n", c->path, strerror(errno));
      unlink(tmp);
    } else {
      printf("REDO %s\n", c->path);
    }
    free(tmp);
  }
  buf_free(&o);
}

static void show_stderr_head(const buf *err) {
  if (!err->n) return;
  printf("  stderr was:\n");
  size_t i = 0;
  for (int k = 0; k < 5 && i < err->n; k++) {
    const char *nl = memchr(err->p + i, '\n', err->n - i);
    size_t len = nl ? (size_t)(nl - (err->p + i)) : err->n - i;
    printf("  | %.*s\n", (int)(len > 200 ? 200 : len), err->p + i);
    i += len + 1;
  }
  if (i < err->n) printf("  | ...\n");
}

/* Runs one case; returns whether it passed. */
static bool run_case(tcase *c, size_t index) {
  if (!parse_case(c)) {
    printf("FAIL cli %s:%s\n", c->path, c->err);
    return false;
  }
  char *scratch = xasprintf("%s/cli/%04zu", g_rundir, index);
  if (mkdir_p(scratch) != 0) die("cannot create %s: %s", scratch, strerror(errno));
  char *tmpdir = realpath(scratch, NULL);
  if (!tmpdir) tmpdir = xstrdup(scratch);
  for (size_t k = 0; k < c->nsecs; k++) {
    const section *s = &c->secs[k];
    if (s->kind != SEC_FILE) continue;
    char *p = xasprintf("%s/%s", scratch, s->name);
    char *d = dir_of(p);
    bool ok = mkdir_p(d) == 0 && write_file(p, s->text.p, s->text.n);
    if (!ok) printf("FAIL cli %s:%zu: cannot write %s: %s\n", c->path, s->head + 1, p,
                    strerror(errno));
    free(d);
    free(p);
    if (!ok) {
      free(scratch);
      free(tmpdir);
      return false;
    }
  }
  char **env = make_env(c->casedir);
  result r;
  memset(&r, 0, sizeof r);
  double t0 = now_s();
  run_command(c->cmd, scratch, env, c->timeout, &r);
  double dt = now_s() - t0;
  free_env(env);
  bool passed = true;
  if (r.start_err[0]) {
    printf("FAIL cli %s: cannot run: %s\n", c->path, r.start_err);
    passed = false;
  } else if (r.timed_out) {
    printf("FAIL cli %s: timed out after %g s\n  cmd: %s\n", c->path, c->timeout, c->cmd);
    passed = false;
  } else {
    const char *paths[] = {g_root, g_data, c->casedir, tmpdir};
    const char *names[] = {"$ROOT", "$DATA", "$CASEDIR", "$TMP"};
    normalize(&r.out, paths, names, 4);
    normalize(&r.err, paths, names, 4);
    int want = c->has_exit ? c->exit_code : 0;
    bool exit_bad = r.code != want;
    bool *bad = calloc(c->nsecs + 1, sizeof *bad);
    if (!bad) die("out of memory");
    size_t pa[2] = {0, 0}, pe[2] = {0, 0};
    int nbad = 0;
    for (size_t k = 0; k < c->nsecs; k++) {
      const section *s = &c->secs[k];
      if (s->kind == SEC_FILE) continue;
      const buf *act = s->kind == SEC_STDOUT ? &r.out : &r.err;
      size_t q = s->kind == SEC_STDOUT ? 0 : 1;
      bad[k] = !text_match(act->p, act->n, s->text.p, s->text.n, c->tol, &pa[q], &pe[q]);
      nbad += bad[k];
    }
    if (exit_bad || nbad) {
      if (opt.redo) {
        redo_case(c, &r, exit_bad, bad);
      } else {
        passed = false;
        printf("FAIL cli %s\n  cmd: %s\n", c->path, c->cmd);
        if (exit_bad) {
          if (r.sig)
            printf("  exit: expected %d, got %d (killed by signal %d)\n", want, r.code, r.sig);
          else
            printf("  exit: expected %d, got %d\n", want, r.code);
        }
        bool stderr_shown = false;
        for (size_t k = 0; k < c->nsecs; k++) {
          if (!bad[k]) continue;
          const section *s = &c->secs[k];
          size_t q = s->kind == SEC_STDOUT ? 0 : 1;
          report_diff(q ? "stderr" : "stdout", q ? r.err.p : r.out.p, q ? r.err.n : r.out.n,
                      s->text.p, s->text.n, pa[q], pe[q]);
          stderr_shown |= q == 1;
        }
        if (exit_bad && !stderr_shown) show_stderr_head(&r.err);
      }
    }
    free(bad);
  }
  if (passed && opt.verbose) printf("ok cli %s (%.2f s)\n", c->path, dt);
  buf_free(&r.out);
  buf_free(&r.err);
  free(scratch);
  free(tmpdir);
  return passed;
}

typedef struct strv {
  char **v;
  size_t n;
} strv;

static void find_cases(const char *dir, strv *out) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue; /* ., .., hidden and editor files */
    char *p = xasprintf("%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      find_cases(p, out);
      free(p);
      continue;
    }
    size_t n = strlen(e->d_name);
    if (n > 5 && !strcmp(e->d_name + n - 5, ".case") && stat(p, &st) == 0 &&
        S_ISREG(st.st_mode)) {
      out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
      out->v[out->n++] = p;
    } else {
      free(p);
    }
  }
  closedir(d);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_cases(void) {
  struct stat st;
  if (stat(opt.cases, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("FAIL cli %s: not a directory\n", opt.cases);
    g_failed++;
    return;
  }
  char *root = xstrdup(opt.cases);
  size_t rn = strlen(root);
  while (rn > 1 && root[rn - 1] == '/') root[--rn] = '\0';
  strv found = {NULL, 0};
  find_cases(root, &found);
  free(root);
  if (found.n) qsort(found.v, found.n, sizeof *found.v, cmp_str);
  for (size_t i = 0; i < found.n; i++) {
    if (opt.filter && !strstr(found.v[i], opt.filter)) {
      free(found.v[i]);
      continue;
    }
    if (opt.skip && strstr(found.v[i], opt.skip)) {
      printf("skip cli %s (--skip %s)\n", found.v[i], opt.skip);
      g_skipped++;
      free(found.v[i]);
      continue;
    }
    tcase c;
    memset(&c, 0, sizeof c);
    c.path = found.v[i];
    char *real = abs_path(c.path);
    c.casedir = dir_of(real);
    free(real);
    if (run_case(&c, i))
      g_passed++;
    else
      g_failed++;
    case_free(&c);
  }
  free(found.v);
}

/* ------------------------------------------------------------------ */

static void usage(void) {
  fputs("usage: test-runner [--bin PATH] [--root DIR] [--data DIR] [--cases DIR]\n"
        "                   [--filter SUBSTR] [--skip SUBSTR] [--redo] [--keep] [-v]\n"
        "Runs the unit tests, then every *.case under --cases (docs/testing.md).\n",
        stderr);
  exit(2);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = NULL;
    if (!strcmp(a, "--bin")) slot = &opt.bin;
    else if (!strcmp(a, "--root")) slot = &opt.root;
    else if (!strcmp(a, "--data")) slot = &opt.data;
    else if (!strcmp(a, "--cases")) slot = &opt.cases;
    else if (!strcmp(a, "--filter")) slot = &opt.filter;
    else if (!strcmp(a, "--skip")) slot = &opt.skip;
    else if (!strcmp(a, "--redo")) opt.redo = true;
    else if (!strcmp(a, "--keep")) opt.keep = true;
    else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) opt.verbose = true;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) usage();
    else {
      fprintf(stderr, "test-runner: unknown argument '%s'\n", a);
      usage();
    }
    if (slot) {
      if (i + 1 >= argc) {
        fprintf(stderr, "test-runner: %s wants a value\n", a);
        usage();
      }
      *slot = argv[++i];
    }
  }
  g_root = abs_path(opt.root);
  g_data = abs_path(opt.data);
  if (opt.bin) {
    char *b = abs_path(opt.bin);
    g_bindir = dir_of(b);
    free(b);
  }
  const char *tmp = getenv("TMPDIR");
  char *tmpl = xasprintf("%s/coinnet-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(tmpl)) die("mkdtemp %s: %s", tmpl, strerror(errno));
  g_rundir = realpath(tmpl, NULL);
  if (!g_rundir) g_rundir = xstrdup(tmpl);
  free(tmpl);
  install_handlers();

  run_unit_tests();
  if (opt.cases) run_cases();

  if (opt.keep)
    fprintf(stderr, "test-runner: kept %s\n", g_rundir);
  else
    rm_tree(g_rundir);
  free(g_tests);
  free(g_root);
  free(g_data);
  free(g_bindir);
  free(g_rundir);
  if (g_skipped)
    printf("%d passed, %d failed, %d skipped\n", g_passed, g_failed, g_skipped);
  else
    printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}
