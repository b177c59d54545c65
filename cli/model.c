/* cli/model.c — `coinnet reg DATA FORMULA [options]`: OLS with absorbed
 * fixed effects, printed as a Stata-like table or as JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coeftab.h"

/* Splits "a,b" into a NULL-terminated list; free_list releases it. */
static int split_list(const char *s, char ***out) {
  char *copy = strdup(s);
  int n = 0;
  char **v = calloc(strlen(s) + 2, sizeof *v);
  if (!copy || !v) return -1;
  for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) v[n++] = tok;
  *out = v;
  return n;
}

static void free_list(char **v) {
  if (v) free(v[0]);
  free(v);
}

/* A rule of a coefficient table: w + 1 dashes, mid ('+' or '-'), then
 * right dashes. */
static void rule(FILE *fp, int w, char mid, int right) {
  cli_dashes(fp, w + 1);
  fputc(mid, fp);
  cli_dashes(fp, right);
  fputc('\n', fp);
}

/* The header of a coefficient table for m, names w wide; stat is t or z. */
static void coef_header(FILE *fp, const cn_model *m, int w, char stat) {
  rule(fp, w, '-', 64);
  cli_put_name(fp, m->depvar, w);
  fprintf(fp, " | Coefficient  Std. err.      %c    P>|%c|     [95%% conf. interval]\n", stat, stat);
  rule(fp, w, '+', 64);
}

/* One coefficient row, the name shown as name (never cut). */
static void coef_row(FILE *fp, const cn_coef *c, const char *name, int w) {
  char a[64], b[64], lo[64], hi[64];
  cli_stata_num(a, sizeof a, c->b, 10);
  cli_stata_num(b, sizeof b, c->se, 10);
  cli_stata_num(lo, sizeof lo, c->ci_low, 10);
  cli_stata_num(hi, sizeof hi, c->ci_high, 11);
  cli_put_name(fp, name, w);
  fprintf(fp, " | %s  %s %s   %s   %s %s\n", a, b, cli_fixed(c->t, 8, 2), cli_fixed(c->p, 6, 3), lo, hi);
}

static void print_table(const cn_model *m, FILE *fp) {
  char a[64];
  const char *vce = m->vce == CN_VCE_ROBUST    ? "robust"
                    : m->vce == CN_VCE_CLUSTER ? "cluster"
                                               : "unadjusted";
  int k = 0;
  for (int i = 0; i < m->ncoef; i++) k += strcmp(m->coef[i].name, "_cons") != 0;
  char left[8][128] = {{0}};
  snprintf(left[0], sizeof left[0], "%s linear regression", m->n_fe ? "HDFE" : "OLS");
  if (m->n_fe) snprintf(left[1], sizeof left[1], "Absorbing %d HDFE group%s", m->n_fe, m->n_fe == 1 ? "" : "s");
  snprintf(left[2], sizeof left[2], "Std. errors: %s", vce);
  for (int q = 0; q < m->n_cluster && q < 4; q++)
    snprintf(left[3 + q], sizeof left[3 + q], "Number of clusters (%s) = %lld", m->cluster[q],
             (long long)m->n_clusters[q]);
  snprintf(a, sizeof a, "F(%4d,%7.0f)", k, m->df_r);
  fprintf(fp, "%-52sNumber of obs     = %10lld\n", left[0], (long long)m->nobs);
  fprintf(fp, "%-52s%-18s= %s\n", left[1], a, cli_fixed(m->F, 10, 2));
  fprintf(fp, "%-52sProb > F          = %s\n", left[2], cli_fixed(m->F_p, 10, 4));
  fprintf(fp, "%-52sR-squared         = %s\n", left[3], cli_fixed(m->r2, 10, 4));
  fprintf(fp, "%-52sAdj R-squared     = %s\n", left[4], cli_fixed(m->r2_a, 10, 4));
  fprintf(fp, "%-52sWithin R-sq.      = %s\n", left[5], cli_fixed(m->r2_within, 10, 4));
  fprintf(fp, "%-52sRoot MSE          = %s\n\n", left[6], cli_fixed(m->rmse, 10, 4));
  int w = cli_name_width(m);
  coef_header(fp, m, w, 't');
  for (int i = 0; i < m->ncoef; i++) coef_row(fp, &m->coef[i], m->coef[i].name, w);
  rule(fp, w, '-', 64);
  cli_print_absorbed(fp, m);
}

/* Prints a maximum-likelihood model: header with the log likelihood and
 * pseudo R², coefficients with z tests, and for tobit the censoring counts
 * and σ. */
static void print_ml(const cn_model *m, FILE *fp) {
  char a[64], b[64], lo[64], hi[64];
  bool tobit = !strcmp(m->estimator, "tobit");
  char title[64];
  snprintf(title, sizeof title, "%s regression", tobit ? "Tobit" : "Probit");
  fprintf(fp, "%-52sNumber of obs     = %10lld\n", title, (long long)m->nobs);
  if (tobit) {
    fprintf(fp, "%-52s   Uncensored     = %10lld\n", "", (long long)m->n_unc);
    fprintf(fp, "%-52s   Left-censored  = %10lld\n", "", (long long)m->n_left);
    fprintf(fp, "%-52s   Right-censored = %10lld\n", "", (long long)m->n_right);
  }
  snprintf(a, sizeof a, "Std. errors: %s",
           m->vce == CN_VCE_ROBUST ? "robust" : m->vce == CN_VCE_CLUSTER ? "cluster" : "oim");
  fprintf(fp, "%-52sLR chi2           = %s\n", a, cli_fixed(2 * (m->ll - m->ll0), 10, 2));
  fprintf(fp, "%-52sPseudo R2         = %s\n", "", cli_fixed(m->pseudo_r2, 10, 4));
  fprintf(fp, "Log likelihood = %s\n\n", cli_fixed(m->ll, 0, 4));
  int w = cli_name_width(m);
  coef_header(fp, m, w, 'z');
  for (int i = 0; i < m->ncoef; i++) coef_row(fp, &m->coef[i], m->coef[i].name, w);
  if (m->n_margins) {
    rule(fp, w, '-', 64);
    fprintf(fp, "Marginal effects dy/dx  |   at means (std. err.)   |   average (std. err.)\n");
    const char **mn = calloc((size_t)m->n_margins + 1, sizeof *mn);
    for (int i = 0; mn && i < m->n_margins; i++) mn[i] = m->mem[i].name;
    int wm = mn ? cli_names_width(mn, m->n_margins, 23) : 23;
    free(mn);
    for (int i = 0; i < m->n_margins; i++) {
      cli_stata_num(a, sizeof a, m->mem[i].b, 10);
      cli_stata_num(b, sizeof b, m->mem[i].se, 10);
      cli_stata_num(lo, sizeof lo, m->ame[i].b, 10);
      cli_stata_num(hi, sizeof hi, m->ame[i].se, 10);
      cli_put_name(fp, m->mem[i].name, wm);
      fprintf(fp, " |  %s (%s)  |  %s (%s)\n", a, b, lo, hi);
    }
  }
  if (tobit) {
    cli_stata_num(a, sizeof a, m->sigma, 10);
    cli_stata_num(b, sizeof b, m->sigma_se, 10);
    rule(fp, w, '+', 64);
    cli_put_name(fp, "sigma", w);
    fprintf(fp, " | %s  %s\n", a, b);
  }
  rule(fp, w, '-', 64);
}

/* Heckman: coefficient table with z tests, then λ, ρ, σ. */
static void print_heckman(const cn_model *m, FILE *fp) {
  fprintf(fp, "%-52sNumber of obs     = %10lld\n", "Heckman selection model -- two-step", (long long)m->nobs_full);
  fprintf(fp, "%-52sSelected          = %10lld\n", "", (long long)m->nobs);
  fprintf(fp, "%-52sNonselected       = %10lld\n\n", "", (long long)(m->nobs_full - m->nobs));
  int w = cli_name_width(m);
  coef_header(fp, m, w, 'z');
  for (int i = 0; i < m->ncoef; i++) {
    const cn_coef *c = &m->coef[i];
    bool sel = !strncmp(c->name, "select:", 7);
    if (i && sel && strncmp(m->coef[i - 1].name, "select:", 7)) {
      rule(fp, w, '+', 64);
      fprintf(fp, "%-*s |\n", w, "select");
    }
    coef_row(fp, c, sel ? c->name + 7 : c->name, w);
  }
  rule(fp, w, '+', 64);
  cli_put_name(fp, "rho", w);
  fprintf(fp, " | %s\n", cli_fixed(m->rho, 10, 5));
  cli_put_name(fp, "sigma", w);
  fprintf(fp, " | %s\n", cli_fixed(m->sigma, 10, 5));
  rule(fp, w, '-', 64);
}

/* Records in m the fixed effects an estimator that does not absorb
 * (probit, tobit, heckman) entered as dummies: each plain variable V of
 * the formula's part after '|' whose dummies V::L are among m's
 * coefficients, with the levels seen (the dummies and the reference). The
 * saved model then says which fixed effects it holds, and `coinnet table`
 * shows them as a Yes row rather than as dozens of dummy rows. False when
 * out of memory. */
static bool note_fe_dummies(cn_model *m, const char *formula) {
  int depth = 0;
  const char *from = NULL, *to = NULL;
  for (const char *p = formula; *p; p++) {
    if (*p == '(') depth++;
    else if (*p == ')') depth--;
    else if (*p == '|' && depth == 0) {
      if (!from) from = p + 1;
      else if (!to) to = p;
    }
  }
  if (!from) return true;
  if (!to) to = from + strlen(from);
  for (const char *p = from; p < to;) {
    while (p < to && (*p == ' ' || *p == '+')) p++;
    const char *e = p;
    while (e < to && *e != '+') e++;
    const char *q = e;
    while (q > p && q[-1] == ' ') q--;
    size_t n = (size_t)(q - p);
    bool plain = n > 0;
    for (size_t k = 0; k < n && plain; k++) plain = !strchr("^:()*#. ", p[k]);
    int64_t count = 0;
    for (int a = 0; plain && a < m->ncoef; a++)
      count += m->coef[a].name && !strncmp(m->coef[a].name, p, n) && !strncmp(m->coef[a].name + n, "::", 2);
    bool known = false;
    for (int g = 0; g < m->n_fe && !known; g++) known = strlen(m->fe[g].name) == n && !strncmp(m->fe[g].name, p, n);
    if (count > 0 && !known) {
      cn_fe_info *fe = cn_reallocarray(m->fe, (size_t)m->n_fe + 1, sizeof *fe);
      if (!fe) return false;
      m->fe = fe;
      memset(&fe[m->n_fe], 0, sizeof *fe);
      if (!(fe[m->n_fe].name = cn_strndup(p, n))) return false;
      fe[m->n_fe].levels = count + 1;
      fe[m->n_fe].redundant = 1;
      m->n_fe++;
    }
    p = e;
  }
  return true;
}

/* The option texts that name the model's columns: a column is read when
 * its name occurs in one of them (a superset of what the model uses, as
 * the formula and expression grammars write column names literally), so
 * that a wide file costs the columns it needs only. */
typedef struct model_cols {
  const char *text[6];
} model_cols;

/* cn_read_opts.keep for run_model: true when name occurs in a text. */
static bool model_uses(const char *name, void *ctx) {
  const model_cols *u = ctx;
  if (!*name) return true;
  for (int q = 0; q < 6; q++)
    if (u->text[q] && strstr(u->text[q], name)) return true;
  return false;
}

static int run_model(int argc, char **argv, const char *cmd) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  const char *in = NULL, *formula = NULL, *outp = NULL, *panel = NULL, *vce = NULL,
             *cluster = NULL, *cdf = NULL, *ssc = NULL, *v = NULL, *name = NULL, *solver = NULL;
  bool json = false, imr_control = false, margins = false;
  double lo = NAN, hi = NAN;
  const char *select = NULL, *save_imr = NULL, *saving = NULL;
  char *f2 = NULL, *ifx = NULL;
  char **cl = NULL, **pl = NULL;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--panel", &panel)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--vce", &vce)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--cluster", &cluster)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--if", &o.if_expr)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--weights", &o.weights)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--ssc", &ssc)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--cluster-df", &cdf)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--solver", &solver)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--name", &name)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--tol", &v)) != 0) {
      char *end;
      o.tol = r > 0 ? strtod(v, &end) : -1;
      if (r < 0 || *end || !(o.tol > 0 && o.tol < 1)) return cli_usage(cmd, "--tol takes a number in (0, 1)");
      continue;
    }
    if ((!strcmp(cmd, "heckman") && (r = cli_opt(argc, argv, &i, "--select", &select)) != 0) ||
        (!strcmp(cmd, "probit") && ((r = cli_opt(argc, argv, &i, "--save-imr", &save_imr)) != 0 ||
                                    (r = cli_opt(argc, argv, &i, "--saving", &saving)) != 0))) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      continue;
    }
    if (!strcmp(cmd, "probit") && cli_flag(argv, i, "--margins")) {
      margins = true;
      continue;
    }
    if (!strcmp(cmd, "heckman") && (cli_flag(argv, i, "--twostep") || cli_flag(argv, i, "--imr-control"))) {
      imr_control = cli_flag(argv, i, "--imr-control");
      continue;
    }
    if (!strcmp(cmd, "tobit") && ((r = cli_opt(argc, argv, &i, "--ll", &v)) != 0 ||
                                  (r = cli_opt(argc, argv, &i, "--ul", &v)) != 0)) {
      char *end;
      double x = r > 0 ? strtod(v, &end) : NAN;
      if (r < 0 || *end || !isfinite(x)) return cli_usage(cmd, "%s takes a number", argv[i - (r > 0)]);
      if (!strncmp(argv[i - 1], "--ll", 4) || !strncmp(argv[i], "--ll", 4)) lo = x;
      else hi = x;
      continue;
    }
    if (cli_flag(argv, i, "--json")) {
      json = true;
      continue;
    }
    if (cli_flag(argv, i, "--keep-singletons")) {
      o.keep_singletons = true;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1] && !strchr(argv[i], '~'))
      return cli_unknown_option(cmd, argv[i]);
    if (!in) in = argv[i];
    else if (!formula) formula = argv[i];
    else return cli_usage(cmd, "one data file and one formula (got \"%s\" too)", argv[i]);
  }
  cn_table *t = NULL;
  cn_model *m = NULL;
  cn_diag d;
  int rc = 0;
  if (!in || !formula) return cli_usage(cmd, "DATA and FORMULA are needed");
  if (panel) {
    if (split_list(panel, &pl) != 2) {
      rc = cli_usage(cmd, "--panel takes ID,TIME");
      goto done;
    }
    o.panel_id = pl[0];
    o.panel_time = pl[1];
  }
  if (cluster) {
    int n = split_list(cluster, &cl);
    if (n < 1) {
      rc = cli_usage(cmd, "--cluster takes VAR[,VAR2]");
      goto done;
    }
    o.cluster = (const char *const *)cl;
    o.n_cluster = n;
    o.vce = CN_VCE_CLUSTER;
  }
  if (vce) {
    if (!strcmp(vce, "iid") || !strcmp(vce, "unadjusted")) o.vce = CN_VCE_IID;
    else if (!strcmp(vce, "robust")) o.vce = CN_VCE_ROBUST;
    else if (!strcmp(vce, "cluster")) o.vce = CN_VCE_CLUSTER;
    else rc = cli_usage(cmd, "--vce takes iid, robust or cluster");
    if (!rc && o.vce == CN_VCE_CLUSTER && !cluster) rc = cli_usage(cmd, "--vce cluster needs --cluster VAR");
    if (!rc && o.vce != CN_VCE_CLUSTER && cluster) rc = cli_usage(cmd, "--cluster goes with --vce cluster");
    if (rc) goto done;
  }
  if (cdf) {
    if (!strcmp(cdf, "conventional")) o.cluster_df = CN_CLUSTER_DF_CONVENTIONAL;
    else if (strcmp(cdf, "min")) {
      rc = cli_usage(cmd, "--cluster-df takes min or conventional");
      goto done;
    }
  }
  if (ssc) {
    if (!strcmp(ssc, "fixest")) o.ssc_fixest = true;
    else if (strcmp(ssc, "stata")) {
      rc = cli_usage(cmd, "--ssc takes stata or fixest");
      goto done;
    }
  }
  if (solver) {
    if (!strcmp(solver, "auto")) o.solver = CN_SOLVER_AUTO;
    else if (!strcmp(solver, "ap")) o.solver = CN_SOLVER_AP;
    else if (!strcmp(solver, "cg")) o.solver = CN_SOLVER_CG;
    else {
      rc = cli_usage(cmd, "--solver takes auto, ap or cg");
      goto done;
    }
  }
  if (name && !cli_model_name_ok(name)) {
    rc = cli_usage(cmd, "--name takes a name without '/' (the model goes to NAME.json)");
    goto done;
  }
  /* only the columns the model names: all of them when the data is saved */
  model_cols used = {{formula, select, o.if_expr, o.weights, cluster, panel}};
  bool narrowed = !saving;
  const char *if0 = o.if_expr; /* the heckman variant changes it */
  if (narrowed) {
    ro.keep = model_uses;
    ro.keep_ctx = &used;
  }
again:
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  if (cn_table_nrow(t) == 0) { /* a header alone, a query of no rows: the data's fault */
    fprintf(stderr, "%s: %s: the data has no rows: nothing to estimate\n", cli_prefix, in);
    rc = 4;
    goto done;
  }
  cn_status est;
  if (!strcmp(cmd, "probit") && (save_imr != NULL) != (saving != NULL)) {
    rc = cli_usage(cmd, "--save-imr NAME goes with --saving FILE (the data with the new column)");
    goto done;
  }
  if (!strcmp(cmd, "heckman") && !select) {
    rc = cli_usage(cmd, "--select 'd ~ w1 + w2' is needed");
    goto done;
  }
  if (!strcmp(cmd, "probit")) {
    est = cn_probit_imr(t, formula, &o, t, save_imr, &m, &d);
    if (est == CN_OK && margins) est = cn_probit_margins(t, formula, &o, m, &d);
  }
  else if (!strcmp(cmd, "heckman") && !imr_control) est = cn_heckman(t, formula, select, &o, &m, &d);
  else if (!strcmp(cmd, "heckman")) {
    /* the paper's variant: probit of the selection, its inverse Mills ratio
     * as a control in the regression on the selected rows */
    cn_reg_opts po;
    cn_reg_opts_init(&po);
    po.if_expr = o.if_expr;
    cn_model *pm = NULL;
    est = cn_probit_imr(t, select, &po, t, "_imr", &pm, &d);
    const char *tilde = strchr(select, '~');
    size_t L = strlen(formula) + 16, Ld = (size_t)(tilde ? tilde - select : 0) + (o.if_expr ? strlen(o.if_expr) : 0) + 32;
    f2 = malloc(L);
    ifx = malloc(Ld);
    if (est == CN_OK && (!f2 || !ifx || !tilde)) est = CN_EINTERNAL;
    if (est == CN_OK) {
      /* + _imr before the first top-level '|' */
      int depth = 0;
      size_t cut = strlen(formula);
      for (size_t q = 0; formula[q]; q++) {
        if (formula[q] == '(') depth++;
        else if (formula[q] == ')') depth--;
        else if (formula[q] == '|' && depth == 0) {
          cut = q;
          break;
        }
      }
      snprintf(f2, L, "%.*s + _imr %s", (int)cut, formula, formula + cut);
      if (o.if_expr) snprintf(ifx, Ld, "(%s) & ((%.*s) != 0)", o.if_expr, (int)(tilde - select), select);
      else snprintf(ifx, Ld, "(%.*s) != 0", (int)(tilde - select), select);
      o.if_expr = ifx;
      est = cn_reg(t, f2, &o, &m, &d);
      if (est == CN_OK)
        fprintf(stderr, "%s: note: inverse Mills ratio _imr from the probit of %s added as a control\n",
                cli_prefix, select);
    }
    cn_model_free(pm);
  }
  else if (!strcmp(cmd, "tobit")) {
    if (isnan(lo) && isnan(hi)) {
      rc = cli_usage(cmd, "give --ll A and/or --ul B");
      goto done;
    }
    est = cn_tobit(t, formula, lo, hi, &o, &m, &d);
  } else est = cn_reg(t, formula, &o, &m, &d);
  if (est != CN_OK && narrowed && d.code == CN_EDATA) {
    /* a data error, such as a name not found, is told from the whole file,
     * as without the narrowing ("did you mean" sees every column) */
    narrowed = false;
    ro.keep = NULL;
    cn_table_free(t);
    t = NULL;
    free(f2);
    f2 = NULL;
    free(ifx);
    ifx = NULL;
    cn_model_free(m);
    m = NULL;
    o.if_expr = if0;
    goto again;
  }
  if (est != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (strcmp(m->estimator, "ols") && !note_fe_dummies(m, formula)) {
    fprintf(stderr, "%s: out of memory\n", cli_prefix);
    rc = 5;
    goto done;
  }
  if (m->dropped_if)
    fprintf(stderr, "%s: note: %lld row%s left out by %s\n", cli_prefix, (long long)m->dropped_if,
            m->dropped_if == 1 ? "" : "s",
            !strcmp(cmd, "heckman") && imr_control ? "the selection (and --if)" : "--if");
  if (m->dropped_missing)
    fprintf(stderr, "%s: note: %lld row%s with a missing value left out\n", cli_prefix,
            (long long)m->dropped_missing, m->dropped_missing == 1 ? "" : "s");
  for (int q = 0; q < m->n_notes; q++) fprintf(stderr, "%s: note: %s\n", cli_prefix, m->notes[q]);
  if (name && (rc = cli_save_model(m, name)) != 0) goto done;
  FILE *fp = stdout;
  cn_output *ofile = NULL;
  if (outp && strcmp(outp, "-")) {
    if (cn_output_open(outp, 0, &ofile, &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
    fp = cn_output_file(ofile);
    size_t L = strlen(outp);
    if (L > 5 && !strcmp(outp + L - 5, ".json")) json = true;
  }
  if (json) {
    char *s = NULL;
    if (cn_model_json(m, &s, &d) != CN_OK) rc = cli_fail(&d);
    else fputs(s, fp);
    cn_free(s);
  } else if (!strcmp(m->estimator, "ols")) {
    print_table(m, fp);
  } else if (!strcmp(m->estimator, "heckman")) {
    print_heckman(m, fp);
  } else {
    print_ml(m, fp);
  }
  rc = cli_output_end(ofile, rc);
  if (rc == 0 && saving) rc = cli_write(t, saving);
done:
  free(f2);
  free(ifx);
  cn_model_free(m);
  cn_table_free(t);
  free_list(cl);
  free_list(pl);
  return rc;
}

static int run_reg(int argc, char **argv) { return run_model(argc, argv, "reg"); }
static int run_probit(int argc, char **argv) { return run_model(argc, argv, "probit"); }
static int run_tobit(int argc, char **argv) { return run_model(argc, argv, "tobit"); }
static int run_heckman(int argc, char **argv) { return run_model(argc, argv, "heckman"); }

const cli_cmd cli_reg_cmds[] = {
    {"reg", "", run_reg, "OLS with absorbed fixed effects",
     "usage: coinnet reg DATA FORMULA [--panel ID,TIME] [--vce iid|robust|cluster]\n"
     "                   [--cluster V[,V2]] [--keep-singletons] [--if EXPR]\n"
     "                   [--cluster-df min|conventional] [--weights V]\n"
     "                   [--ssc stata|fixest] [--solver auto|ap|cg] [--tol T]\n"
     "                   [--json] [-o FILE]\n\n"
     "Least squares with any number of absorbed fixed effects, following reghdfe:\n"
     "singletons dropped (reported), degrees of freedom of nested and redundant\n"
     "levels, collinear regressors omitted with a note, the constant recovered\n"
     "from the means.\n\n"
     "FORMULA  y ~ x1 + l(x2) + L2.x3 + x4:x5 + log1p(x6) + i(region) | firm + ind^year\n"
     "         (docs/models.md): a*b = a + b + a:b; i(v) or i.v dummies (first level\n"
     "         left out as R does; i(v, ref = L)); lags l()/f()/d() and L./F./D. need\n"
     "         --panel. Stata's c.x#i.v, ##, ib2.v and fixest's i(v, x), I() also work.\n\n"
     "options:\n"
     "  --panel ID,TIME    the panel, for lags by time value\n"
     "  --vce TYPE         iid (default), robust, or cluster\n"
     "  --cluster V[,V2]   clustered errors (two variables: Cameron-Gelbach-Miller)\n"     "  --cluster-df D     two cluster variables: min (default, reghdfe) applies\n"
     "                     Gmin/(Gmin-1) to the whole variance; conventional gives\n"
     "                     each one-way part its own G/(G-1) (Petersen, fixest's\n"
     "                     cluster.df = \"conventional\")\n"
     "  --keep-singletons  keep observations alone in a fixed-effect group\n"
     "  --if EXPR          estimate on the rows where EXPR is true\n"
     "  --weights V        analytic weights (Stata aweights)\n"
     "  --ssc fixest       fixest's small-sample count (K) of the fixed effects\n"
     "  --solver S         absorbing several fixed effects: cg (conjugate gradients\n"
     "                     on the smaller effects' coefficients; auto, the default, is cg)\n"
     "                     or ap (fixest's accelerated fixed point, Irons-Tuck)\n"
     "  --tol T            demeaning tolerance (default 1e-8)\n"
     "  --json             the result as JSON (schema_version 1)\n"
     "  -o FILE            write the result there (.json: JSON)\n"
     "  --name N           also keep the model as N.json, for `coinnet table N`\n"
     "%s"
     "\nexample:\n"
     "  coinnet reg grunfeld.csv 'inv ~ capital | firm + year' --cluster firm\n"},
    {NULL, NULL, NULL, NULL, NULL}};

const cli_cmd cli_probit_cmds[] = {
    {"probit", "", run_probit, "probit by maximum likelihood",
     "usage: coinnet probit DATA FORMULA [--vce iid|robust|cluster] [--cluster V]\n"
     "                      [--if EXPR] [--weights V] [--json] [-o FILE]\n"
     "                      [--margins] [--save-imr NAME --saving FILE]\n\n"
     "Probit of (y != 0) on the terms by Newton-Raphson; fixed effects after '|'\n"
     "enter as dummies. Reports the log likelihood, the constant-only one and\n"
     "McFadden's pseudo R2. A 0/1 regressor that predicts the outcome perfectly\n"
     "is an error naming it. Robust and cluster errors follow Stata's ML\n"
     "convention (N/(N-1), G/(G-1)).\n\n"
     "options: as for `coinnet reg` (docs/models.md), and\n"
     "  --margins          marginal effects dy/dx at the means and averaged (delta\n"
     "                     method; dummies by derivative, not discrete change)\n"
     "  --save-imr NAME    add the inverse Mills ratio phi(xb)/Phi(xb) as NAME\n"
     "  --saving FILE      ... and write the data with it to FILE\n"
     "%s"
     "\nexample:\n"
     "  coinnet probit spector.csv 'grade ~ gpa + tuce + psi'\n"},
    {NULL, NULL, NULL, NULL, NULL}};

const cli_cmd cli_tobit_cmds[] = {
    {"tobit", "", run_tobit, "Tobit with lower and/or upper limits",
     "usage: coinnet tobit DATA FORMULA [--ll A] [--ul B] [--vce iid|robust|cluster]\n"
     "                     [--cluster V] [--if EXPR] [--weights V] [--json] [-o FILE]\n\n"
     "Tobit censored at A (y <= A) and / or B (y >= B) by Newton-Raphson on\n"
     "(b, ln sigma); fixed effects after '|' enter as dummies. Reports the\n"
     "censoring counts, sigma (delta method), the log likelihood and Stata's\n"
     "pseudo R2 = 1 - ll/ll0 (ll0: constant-only tobit; it can leave [0, 1]).\n\n"
     "options: as for `coinnet reg` (docs/models.md), and\n"
     "  --ll A             left-censoring limit\n"
     "  --ul B             right-censoring limit\n"
     "%s"
     "\nexample:\n"
     "  coinnet tobit affairs.csv 'affairs ~ age + yearsmarried + religiousness' --ll 0\n"},
    {NULL, NULL, NULL, NULL, NULL}};

const cli_cmd cli_heckman_cmds[] = {
    {"heckman", "", run_heckman, "Heckman selection model (two-step, or IMR as a control)",
     "usage: coinnet heckman DATA FORMULA --select 'd ~ w1 + w2' [--twostep|--imr-control]\n"
     "                       [--if EXPR] [--json] [-o FILE] [reg options with --imr-control]\n\n"
     "--twostep (default): Heckman (1979) two-step. A probit of the selection\n"
     "formula gives the inverse Mills ratio lambda on the selected rows (d != 0);\n"
     "OLS of FORMULA on [X, lambda] there; sigma^2 = e'e/n1 + b_lambda^2 mean(delta),\n"
     "rho = b_lambda/sigma and Greene's variance (Econometric Analysis).\n"
     "--imr-control: the reference paper's Table 3 variant: the probit's inverse\n"
     "Mills ratio (_imr) is added as a control to the regression of FORMULA\n"
     "(fixed effects absorbed, any --vce / --cluster) on the selected rows.\n\n"
     "options: as for `coinnet reg` (with --imr-control), and\n"
     "  --select F         the selection equation, 'd ~ w1 + w2 ...'\n"
     "%s"
     "\nexample:\n"
     "  coinnet heckman mroz.csv 'wage ~ exper + educ + city' \\\n"
     "      --select 'lfp ~ age + faminc + educ'\n"},
    {NULL, NULL, NULL, NULL, NULL}};
