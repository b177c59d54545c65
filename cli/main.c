/* cli/main.c — `coinnet`: dispatch, help, progress bar and log lines. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "cli.h"

const char *cli_prefix = "coinnet";

/* A group whose one command has the name "" is a command by itself
 * (`coinnet reg DATA FORMULA`). */
static const cli_cmd *const groups[] = {cli_data_cmds, cli_names_cmds, cli_net_cmds,
                                        cli_reg_cmds, cli_iv_cmds, cli_probit_cmds, cli_tobit_cmds,
                                        cli_heckman_cmds, cli_sfa_cmds, cli_table_cmds, cli_plot_cmds, cli_measure_cmds,
                                        cli_gen_cmds, cli_run_cmds, cli_demo_cmds};
static const char *const group_names[] = {"data", "names", "net", "reg", "iv", "probit", "tobit", "heckman", "sfa",
                                          "table", "plot", "measure", "gen", "run", "demo"};
static const char *const group_summaries[] = {
    "describe, convert (csv, tsv, dta, sqlite), gen, keep, winsor, merge, lag",
    "applicant names: normalize, classify",
    "co-applicant networks: node and graph measures",
    "OLS with absorbed fixed effects and clustered errors (reghdfe)",
    "2SLS with absorbed fixed effects, first stages, weak-IV tests (ivreghdfe)",
    "probit by maximum likelihood",
    "Tobit with lower and/or upper limits",
    "Heckman selection model (two-step, or IMR as a control)",
    "stochastic frontiers: ALS, Battese-Coelli 1992 and 1995 (FRONTIER 4.1)",
    "saved models side by side: the paper's regression table (esttab)",
    "figures: coefficient and event-study plots of models; bar, line, scatter",
    "trade and value-chain measures (spec/measures.md)",
    "synthetic raw data with a known truth (docs/gen.md)",
    "a study script: its commands in order, then report.md and report.html",
    "the example study on generated data: raw records to the paper's tables"};
#define NGROUPS (int)(sizeof groups / sizeof *groups)

/* Whether group g is a command by itself. */
static bool is_direct(int g) { return groups[g][0].name && !groups[g][0].name[0]; }

static void print_main_help(FILE *fp) {
  fprintf(fp,
          "coinnet %s — collaborative-innovation networks, value-chain measures\n"
          "and panel econometrics for applied economists.\n\n"
          "usage: coinnet COMMAND [SUBCOMMAND] [ARGS] [OPTIONS]\n\n"
          "commands:\n",
          cn_version());
  for (int g = 0; g < NGROUPS; g++) {
    fprintf(fp, "  %-8s %s\n", group_names[g], group_summaries[g]);
    for (const cli_cmd *c = groups[g]; c->name && c->name[0]; c++)
      fprintf(fp, "    %-12s %s\n", c->name, c->summary);
  }
  fprintf(fp,
          "\n'coinnet help CMD' or 'coinnet CMD --help' shows a command's options.\n"
          "exit codes: 0 ok, 1 analysis failed, 2 usage, 3 script or formula error,\n"
          "4 data error, 5 internal error.\n");
}

static void print_group_help(int g, FILE *fp) {
  fprintf(fp, "usage: coinnet %s SUBCOMMAND ...\n\n", group_names[g]);
  for (const cli_cmd *c = groups[g]; c->name; c++)
    fprintf(fp, "  %-12s %s\n", c->name, c->summary);
  fprintf(fp, "\n'coinnet %s SUBCOMMAND --help' shows its options.\n", group_names[g]);
}

/* Prints a command's help; "%s" in it stands for the reading options. */
static void print_cmd_help(const cli_cmd *c, FILE *fp) {
  const char *mark = strstr(c->help, "%s");
  if (!mark) {
    fputs(c->help, fp);
    return;
  }
  fwrite(c->help, 1, (size_t)(mark - c->help), fp);
  fputs(cli_read_help, fp);
  fputs(mark + 2, fp);
}

static int find_group(const char *name) {
  for (int g = 0; g < NGROUPS; g++)
    if (!strcmp(group_names[g], name)) return g;
  return -1;
}

static const cli_cmd *find_cmd(int g, const char *name) {
  for (const cli_cmd *c = groups[g]; c->name; c++)
    if (!strcmp(c->name, name)) return c;
  return NULL;
}

/* Writes text as roff lines: backslashes and hyphens escaped, non-ASCII
 * characters named by code point, lines that would read as requests
 * guarded, so that help text shows as it is in `man`. */
static void roff_text(const char *s, size_t n, FILE *fp) {
  bool bol = true;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (bol && (c == '.' || c == '\'')) fputs("\\&", fp);
    unsigned char u = (unsigned char)c;
    int extra = u >= 0xF0 ? 3 : u >= 0xE0 ? 2 : u >= 0xC0 ? 1 : 0;
    if (extra && i + (size_t)extra < n) { /* UTF-8 as \[uXXXX], any troff reads it */
      unsigned cp = u & (0x3Fu >> extra);
      for (int k = 1; k <= extra; k++) cp = cp << 6 | ((unsigned char)s[i + (size_t)k] & 0x3Fu);
      fprintf(fp, "\\[u%04X]", cp);
      i += (size_t)extra;
    } else if (c == '\\') {
      fputs("\\e", fp);
    } else if (c == '-') {
      fputs("\\-", fp);
    } else {
      fputc(c, fp);
    }
    bol = c == '\n';
  }
  if (!bol) fputc('\n', fp);
}

/* Writes the help of f (one of the printers above) as a no-fill roff block. */
static void roff_block(void (*f)(const void *, FILE *), const void *arg, FILE *fp) {
  char *txt = NULL;
  size_t n = 0;
  FILE *mem = open_memstream(&txt, &n);
  if (!mem) return;
  f(arg, mem);
  fclose(mem);
  fputs(".nf\n", fp);
  roff_text(txt, n, fp);
  fputs(".fi\n", fp);
  free(txt);
}

static void main_help_cb(const void *arg, FILE *fp) { (void)arg; print_main_help(fp); }
static void cmd_help_cb(const void *arg, FILE *fp) { print_cmd_help(arg, fp); }

/* `coinnet help --man`: the manual page coinnet(1), made of the same help
 * text that `coinnet help` prints, one section per command. */
static void print_man(FILE *fp) {
  fprintf(fp, ".TH COINNET 1 \"\" \"coinnet %s\" \"User Commands\"\n", cn_version());
  fputs(".SH NAME\ncoinnet \\- collaborative-innovation networks, value-chain measures "
        "and panel econometrics\n.SH SYNOPSIS\n.B coinnet\n"
        "\\fICOMMAND\\fR [\\fISUBCOMMAND\\fR] [\\fIARGS\\fR] [\\fIOPTIONS\\fR]\n"
        ".SH DESCRIPTION\n", fp);
  roff_block(main_help_cb, NULL, fp);
  fputs(".SH COMMANDS\n", fp);
  for (int g = 0; g < NGROUPS; g++)
    for (const cli_cmd *c = groups[g]; c->name; c++) {
      fprintf(fp, ".SS \"coinnet %s%s%s\"\n", group_names[g], c->name[0] ? " " : "", c->name);
      roff_block(cmd_help_cb, c, fp);
    }
  fputs(".SH ENVIRONMENT\n.TP\n.B COINNET_DATA\n"
        "coinnet's data folder (HS \\(-> BEC concordances, the demo's patents). Without it,\n"
        "the install prefix's share/coinnet, then the source tree's data/ (docs/data.md).\n"
        ".SH EXIT STATUS\n0 ok, 1 analysis failed, 2 usage, 3 script or formula error, "
        "4 data error, 5 internal error.\n", fp);
}

/* `coinnet help [GROUP [CMD]]`, or `coinnet help --man` */
static int help(int argc, char **argv) {
  if (argc == 1 && !strcmp(argv[0], "--man")) {
    print_man(stdout);
    return 0;
  }
  if (argc < 1) {
    print_main_help(stdout);
    return 0;
  }
  int g = find_group(argv[0]);
  if (g < 0) return cli_usage(NULL, "unknown command \"%s\"", argv[0]);
  if (is_direct(g)) {
    print_cmd_help(&groups[g][0], stdout);
    return 0;
  }
  if (argc < 2) {
    print_group_help(g, stdout);
    return 0;
  }
  const cli_cmd *c = find_cmd(g, argv[1]);
  if (!c) return cli_usage(NULL, "unknown command \"%s %s\"", argv[0], argv[1]);
  print_cmd_help(c, stdout);
  return 0;
}

/* The progress line: whether one is on the screen, and the step of
 * `coinnet run` that it belongs to (0 outside a run). */
static bool progress_drawn;
static int run_step, run_steps;

void cli_progress_step(int k, int n) {
  run_step = k;
  run_steps = n;
}

/* Clears the progress line, if one is drawn, before other text goes to
 * stderr. */
static void progress_clear(void) {
  if (!progress_drawn) return;
  fputs("\r\033[K", stderr);
  progress_drawn = false;
}

/* Appends printf-style text to buf (n bytes) at *len, cutting at the end. */
static void add(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t n, size_t *len, const char *fmt, ...) {
  if (*len >= n - 1) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(buf + *len, n - *len, fmt, ap);
  va_end(ap);
  if (k > 0) *len = *len + (size_t)k < n - 1 ? *len + (size_t)k : n - 1;
}

/* Cuts UTF-8 text s in place to at most cols display columns, at a
 * character boundary (wide characters count 2). */
static void cut_to_width(char *s, int cols) {
  char tmp[512];
  size_t n = strlen(s), at = 0;
  while (at < n) {
    size_t next = at + 1;
    while (next < n && ((unsigned char)s[next] & 0xC0) == 0x80) next++;
    if (next >= sizeof tmp) break;
    memcpy(tmp, s, next);
    tmp[next] = '\0';
    if (cn_text_width(tmp) > cols) break;
    at = next;
  }
  s[at] = '\0';
}

/* m:ss or h:mm:ss for a number of seconds. */
static void fmt_duration(double sec, char *buf, size_t n) {
  long s = (long)(sec + 0.5);
  if (s >= 3600) snprintf(buf, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
}

/* Progress on stderr, set only when stderr is a terminal: one line, redrawn
 * in place and cut to the terminal's width: a bar and percentage of the
 * whole job, the time left (estimated from the job's rate so far, once it
 * has run for half a second), the step of a study run, the job, its stage
 * and where it is (the year, k/n):
 *   [######......]  52%  0:01 left  [2/7] net metrics: betweenness, year 2002 (2/3)
 * The line is cleared when the job ends. */
static void progress(void *ud, const cn_progress_report *r) {
  (void)ud;
  if (!(r->job_total > 0)) return;
  if (r->job_done >= r->job_total) {
    progress_clear();
    fflush(stderr);
    return;
  }
  double f = r->job_done / r->job_total;
  if (!(f > 0)) f = 0;
  if (f > 1) f = 1;
  char line[512], bar[32];
  size_t len = 0;
  int w = 12, k = (int)(f * w);
  for (int i = 0; i < w; i++) bar[i] = i < k ? '#' : '.';
  bar[w] = '\0';
  add(line, sizeof line, &len, "[%s] %3.0f%%  ", bar, f * 100);
  if (r->elapsed >= 0.5 && f > 0.001) {
    char t[32];
    fmt_duration(r->elapsed * (1 - f) / f, t, sizeof t);
    add(line, sizeof line, &len, "%s left  ", t);
  }
  if (run_steps > 0) add(line, sizeof line, &len, "[%d/%d] ", run_step, run_steps);
  const char *stage = strrchr(r->stage, '/') ? strrchr(r->stage, '/') + 1 : r->stage;
  if (r->job[0]) add(line, sizeof line, &len, "%s: ", r->job);
  add(line, sizeof line, &len, "%s", stage);
  if (r->label[0]) add(line, sizeof line, &len, ", %s", r->label);
  if (r->steps > 1) add(line, sizeof line, &len, " (%d/%d)", r->step, r->steps);
  int cols = 80;
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) cols = ws.ws_col;
  cut_to_width(line, cols - 1);
  fprintf(stderr, "\r%s\033[K", line);
  progress_drawn = true;
  fflush(stderr);
}

void cli_progress_show(const char *job, const char *label, double done, double total, double elapsed) {
  if (!isatty(STDERR_FILENO)) return;
  cn_progress_report r = {"", job, label, 0, 0, done, total, done, total, elapsed};
  progress(NULL, &r);
}

static void log_line(void *ud, cn_log_level level, const char *msg) {
  (void)ud;
  progress_clear();
  fprintf(stderr, "%s: %s: %s\n", cli_prefix,
          level == CN_LOG_WARN ? "warning" : "note", msg);
}

const cli_cmd *cli_find(int argc, char **argv, int *words) {
  *words = 0;
  int g = argc > 0 ? find_group(argv[0]) : -1;
  if (g < 0) return NULL;
  *words = 1;
  if (is_direct(g)) return &groups[g][0];
  const cli_cmd *c = argc > 1 ? find_cmd(g, argv[1]) : NULL;
  if (c) *words = 2;
  return c;
}

int cli_dispatch(int argc, char **argv) {
  if (argc < 1) {
    print_main_help(stderr);
    return 2;
  }
  if (cli_is_help(argv[0])) {
    print_main_help(stdout);
    return 0;
  }
  if (!strcmp(argv[0], "--version") || !strcmp(argv[0], "version")) {
    printf("coinnet %s\n", cn_version());
    return 0;
  }
  if (!strcmp(argv[0], "help")) return help(argc - 1, argv + 1);
  int g = find_group(argv[0]);
  if (g < 0) return cli_usage(NULL, "unknown command \"%s\"", argv[0]);
  static char prefix[64];
  snprintf(prefix, sizeof prefix, "coinnet %s", group_names[g]);
  cli_prefix = prefix;
  if (is_direct(g)) { /* a command by itself */
    const cli_cmd *c = &groups[g][0];
    for (int i = 1; i < argc; i++)
      if (cli_is_help(argv[i])) {
        print_cmd_help(c, stdout);
        return 0;
      }
    cli_current = c;
    int rc = c->run(argc, argv);
    cli_current = NULL;
    cli_free_lists();
    if (fflush(stdout) != 0 && rc == 0) {
      rc = cli_cannot_write("the standard output");
    }
    return rc;
  }
  if (argc < 2 || cli_is_help(argv[1])) {
    print_group_help(g, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const cli_cmd *c = find_cmd(g, argv[1]);
  if (!c) return cli_usage(NULL, "unknown command \"%s %s\"", argv[0], argv[1]);
  for (int i = 2; i < argc; i++)
    if (cli_is_help(argv[i])) {
      print_cmd_help(c, stdout);
      return 0;
    }
  cli_current = c;
  int rc = c->run(argc - 1, argv + 1);
  cli_current = NULL;
  cli_free_lists();
  if (fflush(stdout) != 0 && rc == 0) {
    rc = cli_cannot_write("the standard output");
  }
  return rc;
}

int main(int argc, char **argv) {
  cn_diag d;
  if (cn_init(&d) != CN_OK) return cli_fail(&d);
  if (isatty(STDERR_FILENO)) cn_set_progress_report(progress, NULL);
  cn_set_log(log_line, NULL);
  return cli_dispatch(argc - 1, argv + 1);
}
