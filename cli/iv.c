/* cli/iv.c — `coinnet iv DATA FORMULA [options]`: two-stage least squares
 * with absorbed fixed effects (ivreghdfe), printed like ivreghdfe (second
 * stage, first-stage summary, identification tests) or as JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coeftab.h"

/* Splits "a,b" into a NULL-terminated list (free_list releases it);
 * returns the count, -1 when out of memory. */
static int split_list(const char *s, char ***out) {
  char *copy = strdup(s);
  int n = 0;
  char **v = calloc(strlen(s) + 2, sizeof *v);
  if (!copy || !v) {
    free(copy);
    free(v);
    return -1;
  }
  for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) v[n++] = tok;
  if (n == 0) free(copy);
  *out = v;
  return n;
}

static void free_list(char **v) {
  if (v) free(v[0]);
  free(v);
}

static const char rule[] =
    "------------------------------------------------------------------------------\n";

/* "label: a b c" wrapped at 78 columns, continuation lines indented. */
static void name_list(FILE *fp, const char *label, const cn_coef *c, int from, int to) {
  int col = fprintf(fp, "%-22s", label);
  for (int a = from; a < to; a++) {
    int len = (int)strlen(c[a].name);
    if (col + len + 1 > 78 && col > 22) col = fprintf(fp, "\n%-22s", "") - 1;
    col += fprintf(fp, "%s%s", c[a].name, a + 1 < to ? " " : "");
  }
  fputc('\n', fp);
}

static void print_iv(const cn_model *m, FILE *fp) {
  char a[64], b[64], lo[64], hi[64];
  bool rob = m->vce != CN_VCE_IID, cl = m->vce == CN_VCE_CLUSTER;
  int k = 0;
  for (int i = 0; i < m->ncoef; i++) k += strcmp(m->coef[i].name, "_cons") != 0;
  fprintf(fp, "IV (2SLS) estimation%s\n", m->n_fe ? " with absorbed fixed effects" : "");
  fprintf(fp, "--------------------%s\n\n", m->n_fe ? "-----------------------------" : "");
  fprintf(fp, "Statistics %s\n", cl    ? "robust to heteroskedasticity and clustering"
                                 : rob ? "robust to heteroskedasticity"
                                       : "consistent for homoskedasticity only");
  char left[8][128] = {{0}};
  if (m->n_fe)
    snprintf(left[1], sizeof left[1], "Absorbing %d HDFE group%s", m->n_fe, m->n_fe == 1 ? "" : "s");
  for (int q = 0; q < m->n_cluster && q < 4; q++)
    snprintf(left[2 + q], sizeof left[2 + q], "Number of clusters (%s) = %lld", m->cluster[q],
             (long long)m->n_clusters[q]);
  snprintf(a, sizeof a, "F(%4d,%7.0f)", k, m->df_r);
  fprintf(fp, "%-52sNumber of obs     = %10lld\n", left[0], (long long)m->nobs);
  fprintf(fp, "%-52s%-18s= %s\n", left[1], a, cli_fixed(m->F, 10, 2));
  fprintf(fp, "%-52sProb > F          = %s\n", left[2], cli_fixed(m->F_p, 10, 4));
  fprintf(fp, "%-52sR-squared         = %s\n", left[3], cli_fixed(m->r2, 10, 4));
  fprintf(fp, "%-52sAdj R-squared     = %s\n", left[4], cli_fixed(m->r2_a, 10, 4));
  if (m->n_fe) fprintf(fp, "%-52sWithin R-sq.      = %s\n", left[5], cli_fixed(m->r2_within, 10, 4));
  fprintf(fp, "%-52sRoot MSE          = %s\n\n", "", cli_fixed(m->rmse, 10, 4));
  int w = cli_name_width(m);
  cli_dashes(fp, w + 66);
  fputc('\n', fp);
  cli_put_name(fp, m->depvar, w);
  fprintf(fp, " | Coefficient  Std. err.      t    P>|t|     [95%% conf. interval]\n");
  cli_dashes(fp, w + 1);
  fprintf(fp, "+----------------------------------------------------------------\n");
  for (int i = 0; i < m->ncoef; i++) {
    const cn_coef *c = &m->coef[i];
    cli_stata_num(a, sizeof a, c->b, 10);
    cli_stata_num(b, sizeof b, c->se, 10);
    cli_stata_num(lo, sizeof lo, c->ci_low, 10);
    cli_stata_num(hi, sizeof hi, c->ci_high, 11);
    cli_put_name(fp, c->name, w);
    fprintf(fp, " | %s  %s %s   %s   %s %s\n", a, b, cli_fixed(c->t, 8, 2), cli_fixed(c->p, 6, 3), lo, hi);
  }
  cli_dashes(fp, w + 66);
  fputc('\n', fp);
  /* first stages */
  if (m->n_first > 0) {
    const cn_first_stage *f0 = &m->first[0];
    const char **en = calloc((size_t)m->n_first + 1, sizeof *en);
    for (int j = 0; en && j < m->n_first; j++) en[j] = m->first[j].endog;
    int we = en ? cli_names_width(en, m->n_first, 12) : 12;
    free(en);
    fprintf(fp, "\nFirst-stage regressions: F test of excluded instruments\n");
    cli_dashes(fp, we + 1);
    fprintf(fp, "+---------------------------------------\n");
    snprintf(a, sizeof a, "F(%3.0f,%6.0f)", f0->F_df1, f0->F_df2);
    cli_put_name(fp, "Variable", we);
    fprintf(fp, " | %-14s    P-val   Partial R2\n", a);
    cli_dashes(fp, we + 1);
    fprintf(fp, "+---------------------------------------\n");
    for (int j = 0; j < m->n_first; j++) {
      const cn_first_stage *f = &m->first[j];
      cli_put_name(fp, f->endog, we);
      fprintf(fp, " | %s   %s   %s\n", cli_fixed(f->F, 12, 2), cli_fixed(f->F_p, 8, 4), cli_fixed(f->partial_r2, 10, 4));
    }
    cli_dashes(fp, we + 1);
    fprintf(fp, "+---------------------------------------\n\n");
  }
  /* identification: labels in 68 columns, the number in the next 10 */
  char lab[128];
  snprintf(lab, sizeof lab, "Underidentification test (%s):",
           rob ? "Kleibergen-Paap rk LM statistic" : "Anderson canon. corr. LM statistic");
  fprintf(fp, "%-68s%s\n", lab, cli_fixed(m->kp_lm, 10, 3));
  snprintf(lab, sizeof lab, "%51sChi-sq(%.0f) P-val =", "", m->kp_lm_df);
  fprintf(fp, "%-68s%s\n", lab, cli_fixed(m->kp_lm_p, 10, 4));
  fputs(rule, fp);
  fprintf(fp, "%-68s%s\n", "Weak identification test (Cragg-Donald Wald F statistic):", cli_fixed(m->cd_f, 10, 3));
  if (rob)
    fprintf(fp, "%-68s%s\n", "                         (Kleibergen-Paap rk Wald F statistic):",
            cli_fixed(m->kp_wald_f, 10, 3));
  if (isfinite(m->sy_crit[0])) {
    static const char *const pct[4] = {"10%", "15%", "20%", "25%"};
    for (int q = 0; q < 4; q++) {
      snprintf(lab, sizeof lab, "%-41s%s maximal IV size", q ? "" : "Stock-Yogo weak ID test critical values:",
               pct[q]);
      fprintf(fp, "%-68s%s\n", lab, cli_fixed(m->sy_crit[q], 10, 2));
    }
    fprintf(fp, "Critical values: Stock and Yogo (2005), Table 5.2 (5%% Wald test of TSLS).\n");
    if (rob) fprintf(fp, "They are tabulated for the Cragg-Donald F with i.i.d. errors.\n");
  } else {
    fprintf(fp, "Stock-Yogo weak ID test critical values: not tabulated for this case\n");
  }
  fputs(rule, fp);
  if (m->n_first > 0) {
    const cn_first_stage *f0 = &m->first[0];
    int L1 = (int)f0->F_df1;
    fprintf(fp, "%-22s", "Instrumented:");
    for (int j = 0; j < m->n_first; j++)
      fprintf(fp, "%s%s", m->first[j].endog, j + 1 < m->n_first ? " " : "\n");
    if (f0->ncoef > L1) name_list(fp, "Included instruments:", f0->coef, L1, f0->ncoef);
    name_list(fp, "Excluded instruments:", f0->coef, 0, L1);
    fputs(rule, fp);
  }
  cli_print_absorbed(fp, m);
}

static int run_iv(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  const char *in = NULL, *formula = NULL, *outp = NULL, *panel = NULL, *vce = NULL,
             *cluster = NULL, *cdf = NULL, *ssc = NULL, *v = NULL, *name = NULL, *solver = NULL;
  bool json = false;
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
      if (r < 0) return cli_usage("iv", "option %s needs a value", argv[i]);
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--tol", &v)) != 0) {
      char *end;
      o.tol = r > 0 ? strtod(v, &end) : -1;
      if (r < 0 || *end || !(o.tol > 0 && o.tol < 1)) return cli_usage("iv", "--tol takes a number in (0, 1)");
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
      return cli_unknown_option("iv", argv[i]);
    if (!in) in = argv[i];
    else if (!formula) formula = argv[i];
    else return cli_usage("iv", "one data file and one formula (got \"%s\" too)", argv[i]);
  }
  cn_table *t = NULL;
  cn_model *m = NULL;
  cn_diag d;
  int rc = 0;
  if (!in || !formula) return cli_usage("iv", "DATA and FORMULA are needed");
  if (panel) {
    if (split_list(panel, &pl) != 2) {
      rc = cli_usage("iv", "--panel takes ID,TIME");
      goto done;
    }
    o.panel_id = pl[0];
    o.panel_time = pl[1];
  }
  if (cluster) {
    int n = split_list(cluster, &cl);
    if (n < 1) {
      rc = cli_usage("iv", "--cluster takes VAR[,VAR2]");
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
    else rc = cli_usage("iv", "--vce takes iid, robust or cluster");
    if (!rc && o.vce == CN_VCE_CLUSTER && !cluster) rc = cli_usage("iv", "--vce cluster needs --cluster VAR");
    if (!rc && o.vce != CN_VCE_CLUSTER && cluster) rc = cli_usage("iv", "--cluster goes with --vce cluster");
    if (rc) goto done;
  }
  if (cdf) {
    if (!strcmp(cdf, "conventional")) o.cluster_df = CN_CLUSTER_DF_CONVENTIONAL;
    else if (strcmp(cdf, "min")) {
      rc = cli_usage("iv", "--cluster-df takes min or conventional");
      goto done;
    }
  }
  if (ssc) {
    if (!strcmp(ssc, "fixest")) o.ssc_fixest = true;
    else if (strcmp(ssc, "stata")) {
      rc = cli_usage("iv", "--ssc takes stata or fixest");
      goto done;
    }
  }
  if (solver) {
    if (!strcmp(solver, "auto")) o.solver = CN_SOLVER_AUTO;
    else if (!strcmp(solver, "ap")) o.solver = CN_SOLVER_AP;
    else if (!strcmp(solver, "cg")) o.solver = CN_SOLVER_CG;
    else {
      rc = cli_usage("iv", "--solver takes auto, ap or cg");
      goto done;
    }
  }
  if (name && !cli_model_name_ok(name)) {
    rc = cli_usage("iv", "--name takes a name without '/' (the model goes to NAME.json)");
    goto done;
  }
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  if (cn_table_nrow(t) == 0) { /* a header alone, a query of no rows: the data's fault */
    fprintf(stderr, "%s: %s: the data has no rows: nothing to estimate\n", cli_prefix, in);
    rc = 4;
    goto done;
  }
  if (cn_iv(t, formula, &o, &m, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (m->dropped_if)
    fprintf(stderr, "%s: note: %lld row%s left out by --if\n", cli_prefix, (long long)m->dropped_if,
            m->dropped_if == 1 ? "" : "s");
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
  } else {
    print_iv(m, fp);
  }
  rc = cli_output_end(ofile, rc);
done:
  cn_model_free(m);
  cn_table_free(t);
  free_list(cl);
  free_list(pl);
  return rc;
}

const cli_cmd cli_iv_cmds[] = {
    {"iv", "", run_iv, "2SLS with absorbed fixed effects",
     "usage: coinnet iv DATA FORMULA [--panel ID,TIME] [--vce iid|robust|cluster]\n"
     "                  [--cluster V[,V2]] [--keep-singletons] [--if EXPR]\n"
     "                  [--cluster-df min|conventional] [--weights V]\n"
     "                  [--solver auto|ap|cg] [--tol T] [--json] [-o FILE]\n\n"
     "Two-stage least squares with any number of absorbed fixed effects, following\n"
     "ivreghdfe (ivreg2 with small-sample statistics): the fixed effects are\n"
     "partialled out of every variable, then 2SLS. Reports the first stage of each\n"
     "endogenous regressor (F test of the excluded instruments with the chosen\n"
     "variance, partial R2), the Kleibergen-Paap rk LM underidentification test\n"
     "(Anderson's LM with --vce iid), the Cragg-Donald and Kleibergen-Paap rk Wald F\n"
     "weak-identification statistics and Stock-Yogo critical values.\n\n"
     "FORMULA  y ~ x1 + x2 | firm + year | endog ~ inst1 + inst2\n"
     "         y ~ x1 | endog ~ inst            (no fixed effects: a constant)\n"
     "         y ~ 1 | firm | endog ~ inst      (no exogenous regressor)\n"
     "         The iv part is the last part with '~'; terms as in `coinnet reg`.\n\n"
     "options:\n"
     "  --panel ID,TIME    the panel, for lags by time value\n"
     "  --vce TYPE         iid (default), robust, or cluster\n"
     "  --cluster V[,V2]   clustered errors (two variables: Cameron-Gelbach-Miller)\n"     "  --cluster-df D     two cluster variables: min (default) or conventional, as\n"
     "                     for `coinnet reg`\n"
     "  --keep-singletons  keep observations alone in a fixed-effect group\n"
     "  --if EXPR          estimate on the rows where EXPR is true\n"
     "  --weights V        analytic weights (Stata aweights)\n"
     "  --solver S         absorbing several fixed effects: ap, cg or auto (default)\n"
     "  --tol T            demeaning tolerance (default 1e-8)\n"
     "  --json             the result as JSON (schema_version 1)\n"
     "  -o FILE            write the result there (.json: JSON)\n"
     "  --name N           also keep the model as N.json, for `coinnet table N`\n"
     "%s"
     "\nexample:\n"
     "  coinnet iv housing.csv 'rent ~ pcturban | hsngval ~ faminc + i(region)' --vce robust\n"},
    {NULL, NULL, NULL, NULL, NULL}};
