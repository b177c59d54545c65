/* cli/demo.c — `coinnet demo`: the example study on generated data, from raw
 * patent records to the paper's Figure 1 and tables, with a final table of
 * the truth against the estimates (a section of the report, added through
 * cli_run_finish before its provenance). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

extern const unsigned char cn_demo_script[], cn_demo_rdnet[], cn_demo_labels[];
extern const size_t cn_demo_script_len, cn_demo_rdnet_len, cn_demo_labels_len;

/* The studies `demo --study` runs: the script's file name in the output
 * folder, its text, and whether the truth section is added (the
 * parameters of truth.json that the study estimates). */
typedef struct demo_study {
  const char *name, *file;
  const unsigned char *src;
  const size_t *len;
  bool truth;
} demo_study;

static const demo_study studies[] = {
    {"collab-dvar", "paper-collab-dvar.cn", cn_demo_script, &cn_demo_script_len, true},
    {"rd-network", "rd-network.cn", cn_demo_rdnet, &cn_demo_rdnet_len, false},
    {NULL, NULL, NULL, NULL, false}};

/* Writes n bytes to path; false (with a message) on failure. */
static bool put_file(const char *path, const char *text, size_t n) {
  cn_diag d;
  if (cn_output_write(path, text, n, &d) != CN_OK) {
    cli_fail(&d);
    return false;
  }
  return true;
}


/* The study script with the gen line's seed and scale replaced. */
static char *script_for(const demo_study *s, const char *scale, const char *seed) {
  const char *src = (const char *)s->src;
  size_t cap = *s->len + 256;
  char *out = malloc(cap);
  if (!out) return NULL;
  const char *gen = strstr(src, "\ngen paper --out raw");
  if (!gen) {
    memcpy(out, src, *s->len + 1);
    return out;
  }
  const char *eol = strchr(gen + 1, '\n');
  int head = (int)(gen + 1 - src);
  snprintf(out, cap, "%.*sgen paper --out raw --seed %s --scale %s%s", head, src, seed, scale, eol ? eol : "");
  return out;
}

/* One estimate of a parameter of truth.json: the L.coinno coefficient of
 * a saved model against the truth's member key. */
typedef struct est {
  const char *model, *what, *symbol, *key;
  bool ok;
  double b, lo, hi;
} est;

static void read_est(const char *dir, est *e) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.json", dir, e->model);
  cn_model *m = NULL;
  cn_diag d;
  e->ok = false;
  if (cn_model_read_json(path, &m, &d) != CN_OK) return;
  for (int k = 0; k < m->ncoef; k++)
    if (!strcmp(m->coef[k].name, "L.coinno")) {
      e->b = m->coef[k].b, e->lo = m->coef[k].ci_low, e->hi = m->coef[k].ci_high;
      e->ok = true;
    }
  cn_model_free(m);
}

/* The number of member key of raw/truth.json ("key": x; the first one),
 * or NaN. */
static double true_value(const char *dir, const char *key) {
  char path[4096], pat[64];
  size_t n;
  snprintf(path, sizeof path, "%s/raw/truth.json", dir);
  snprintf(pat, sizeof pat, "\"%s\":", key);
  char *t = cli_slurp(path, &n);
  double b = NAN;
  const char *p = t ? strstr(t, pat) : NULL;
  if (p) b = strtod(p + strlen(pat), NULL);
  free(t);
  return b;
}

/* Largest |dvar − dvar_true| over the panel's exporter-years, and their
 * number. */
static bool dvar_recovery(const char *dir, double *worst, int64_t *n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/panel.csv", dir);
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_table *t = NULL;
  cn_diag d;
  if (cn_table_read(path, &ro, &t, &d) != CN_OK) return false;
  int a = cn_table_find(t, "dvar"), b = cn_table_find(t, "dvar_true");
  *worst = 0, *n = 0;
  bool ok = a >= 0 && b >= 0;
  for (int64_t i = 0; ok && i < cn_table_nrow(t); i++) {
    double x = cn_table_get_num(t, a, i), y = cn_table_get_num(t, b, i);
    if (isnan(y)) continue;
    (*n)++;
    double e = isnan(x) ? INFINITY : fabs(x - y);
    if (e > *worst) *worst = e;
  }
  cn_table_free(t);
  return ok;
}

/* The demo's output folder, for messages (the truth is read while
 * `coinnet run` works inside it), and the truth section in Markdown,
 * printed on stdout once the run is over. */
static const char *demo_dir = "";
static char demo_truth[8192];

/* The truth-against-estimates section: a heading, a paragraph and a grid
 * added to the report before its provenance (so that it sits inside the
 * page like the other sections), and the same text in Markdown on
 * stdout. Runs inside the output folder. */
static int add_truth(cn_report *rep) {
  est e[] = {{"t1c3", "Table 1 (3): OLS, firm and year effects", "β", "beta", false, 0, 0, 0},
             {"t1c2", "Table 1 (2): pooled OLS (biased by the firm's unobserved shock)", "β", "beta", false, 0, 0, 0},
             {"t3iv", "Table 3 (2): 2SLS, incubators and pilot city", "β", "beta", false, 0, 0, 0},
             {"t4m", "Table 4: ln markup (ACF by industry, DLW), firm and year effects", "γ_μ", "mu_wdc", false, 0, 0,
              0}};
  enum { NE = sizeof e / sizeof e[0], NCOL = 5, MAXROW = NE + 1 };
  static const char *const header[NCOL] = {"quantity", "truth", "estimate", "95% interval",
                                           "interval covers the truth"};
  static const char heading[] = "Truth vs estimate",
                    text[] = "The data come from `coinnet gen paper`, whose parameters are in raw/truth.json.";
  double truth[NE], worst;
  int64_t n;
  bool found = true;
  for (size_t i = 0; i < NE; i++) read_est(".", &e[i]), found &= !isnan(truth[i] = true_value(".", e[i].key));
  if (!found || !dvar_recovery(".", &worst, &n)) {
    fprintf(stderr, "%s: the truth or the panel could not be read back from %s\n", cli_prefix, demo_dir);
    return CN_EDATA;
  }
  char buf[MAXROW][NCOL][192];
  const char *cells[MAXROW * NCOL];
  int rows = 0;
  for (size_t i = 0; i < NE; i++) {
    if (!e[i].ok) continue;
    snprintf(buf[rows][0], sizeof buf[rows][0], "%s, %s", e[i].symbol, e[i].what);
    snprintf(buf[rows][1], sizeof buf[rows][1], "%.4f", truth[i]);
    snprintf(buf[rows][2], sizeof buf[rows][2], "%.4f", e[i].b);
    snprintf(buf[rows][3], sizeof buf[rows][3], "[%.4f, %.4f]", e[i].lo, e[i].hi);
    snprintf(buf[rows][4], sizeof buf[rows][4], "%s", e[i].lo <= truth[i] && truth[i] <= e[i].hi ? "yes" : "no");
    rows++;
  }
  snprintf(buf[rows][0], sizeof buf[rows][0], "DVAR from customs (dvar.csv) vs dvar_true, %lld exporter-years",
           (long long)n);
  snprintf(buf[rows][1], sizeof buf[rows][1], "0");
  snprintf(buf[rows][2], sizeof buf[rows][2], "max abs. difference %.1e", worst);
  buf[rows][3][0] = '\0';
  snprintf(buf[rows][4], sizeof buf[rows][4], "%s", worst < 1e-9 ? "yes (below 1e-9)" : "no");
  rows++;
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < NCOL; c++) cells[r * NCOL + c] = buf[r][c];
  cn_diag d;
  if (cn_report_text(rep, 2, heading, &d) != CN_OK || cn_report_text(rep, 0, text, &d) != CN_OK ||
      cn_report_grid(rep, NCOL, header, "lrrcc", rows, cells, &d) != CN_OK)
    return cli_fail(&d);
  /* the same section for stdout, as report.md has it */
  size_t at = 0, cap = sizeof demo_truth;
#define ADD(...) (at += (size_t)snprintf(demo_truth + at, at < cap ? cap - at : 0, __VA_ARGS__))
  ADD("## %s\n\n%s\n\n", heading, text);
  for (int c = 0; c < NCOL; c++) ADD("| %s ", header[c]);
  ADD("|\n|:--|--:|--:|:-:|:-:|\n");
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < NCOL; c++) ADD("| %s%s", buf[r][c], buf[r][c][0] ? " " : "");
    ADD("|\n");
  }
#undef ADD
  return 0;
}

static int run_demo(int argc, char **argv) {
  const char *outdir = "demo-out", *scale = "small", *seed = "20240601", *study = "collab-dvar";
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--out", &outdir)) != 0 || (r = cli_opt(argc, argv, &i, "--scale", &scale)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--study", &study)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--seed", &seed)) != 0) {
      if (r < 0) return cli_usage("demo", "option %s needs a value", argv[i]);
      continue;
    }
    return (argv[i][0] == '-' ? cli_unknown_option("demo", argv[i]) : cli_usage("demo", "unexpected argument %s", argv[i]));
  }
  if (strcmp(scale, "small") && strcmp(scale, "paper") && strcmp(scale, "tiny"))
    return cli_usage("demo", "--scale is small or paper (got \"%s\")", scale);
  for (const char *p = seed; *p; p++)
    if (*p < '0' || *p > '9') return cli_usage("demo", "--seed wants a non-negative integer");
  const demo_study *s = studies;
  while (s->name && strcmp(s->name, study)) s++;
  if (!s->name) return cli_usage("demo", "--study is collab-dvar or rd-network (got \"%s\")", study);
  int rc = cli_out_dir("demo", "--out", outdir, true);
  if (rc) return rc;
  char path[4096];
  char *script = script_for(s, scale, seed);
  if (!script) return CN_EINTERNAL;
  snprintf(path, sizeof path, "%s/%s", outdir, s->file);
  bool ok = put_file(path, script, strlen(script));
  free(script);
  char lpath[4096];
  snprintf(lpath, sizeof lpath, "%s/labels.csv", outdir);
  if (!ok || !put_file(lpath, (const char *)cn_demo_labels, cn_demo_labels_len)) return CN_EDATA;
  char *args[] = {"run", path, "--out", (char *)outdir, NULL};
  demo_dir = outdir;
  cli_run_finish = s->truth ? add_truth : NULL;
  rc = cli_dispatch(4, args);
  cli_run_finish = NULL;
  cli_prefix = "coinnet demo";
  if (rc) return rc;
  fprintf(stderr, "%s: the report is %s/report.html (and report.md)\n", cli_prefix, outdir);
  if (s->truth) fputs(demo_truth, stdout);
  return 0;
}

const cli_cmd cli_demo_cmds[] = {
    {"demo", "", run_demo, "the example study on generated data, raw records to tables",
     "usage: coinnet demo [--study NAME] [--scale small|paper] [--seed S] [--out DIR]\n\n"
     "Runs the reference paper's study (examples/paper-collab-dvar.cn, carried in\n"
     "the binary) on data from `coinnet gen paper`: raw patent records, firm panel,\n"
     "customs records and cities -> yearly co-applicant networks and their measures\n"
     "-> Figure 1 -> DVAR from customs -> the firm panel -> Tables 1 to 4 (the\n"
     "paper's Tables 1, 2, 3 and 5). DIR gets the script (edit it and rerun with\n"
     "`coinnet run`), every intermediate table, report.md and report.html. The\n"
     "report ends with a section on the truth of the data-generating process\n"
     "against the estimates, also printed on stdout. The same seed and scale give\n"
     "byte-identical tables and figures. --study rd-network runs instead seed\n"
     "paper 004's study (examples/rd-network.cn): network position, structural\n"
     "holes and knowledge search against later inventions (no truth section: the\n"
     "generator does not make inventions from them); docs/study.md.\n\n"
     "options:\n"
     "  --study NAME       collab-dvar (default) or rd-network\n"
     "  --scale S          small (2,000 firms; default, well under a minute) or paper\n"
     "                     (38,804 firms, 197,171 firm-years, the paper's networks)\n"
     "  --seed S           the generator's seed (default 20240601)\n"
     "  --out DIR          the output folder (default demo-out)\n"
     "\nexample:\n"
     "  coinnet demo --out demo-out && chromium demo-out/report.html\n"},
    {NULL, NULL, NULL, NULL, NULL}};
