/* cli/sfa.c — `coinnet sfa`: stochastic frontiers (spec/measures.md
 * section 8; docs/measures.md). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coeftab.h"

/* The estimates as FRONTIER 4.1 and Stata show them: coefficient, standard
 * error, z, p; then the LR test, the skewness and the efficiencies. */
static void print_sfa(const cn_model *m, const cn_sfa_result *r, const cn_sfa_opts *o) {
  const char *dist = o->bc95 ? "truncated normal N+(z'delta, sigma_u2) (Battese-Coelli 1995)"
                     : o->dist == CN_SFA_TNORMAL ? "truncated normal N+(mu, sigma_u2)"
                                                 : "half-normal N+(0, sigma_u2)";
  printf("Stochastic %s frontier, u ~ %s%s\n", o->cost ? "cost" : "production", dist,
         o->bc92 ? ", u_it = exp(-eta (t - T)) u_i (Battese-Coelli 1992)" : "");
  printf("Number of obs = %lld", (long long)m->nobs);
  if (o->panel_id) printf(", firms = %lld, periods = %d", (long long)r->n_firms, r->n_period);
  printf("\nLog likelihood = %.8f (OLS: %.8f), iterations = %d\n\n", m->ll, r->ll_ols, m->iterations);
  int w = cli_name_width(m);
  printf("%*s | %14s %14s %10s %8s\n", w, "", "coefficient", "std. error", "z", "P>|z|");
  cli_dashes(stdout, w + 1), printf("+"), cli_dashes(stdout, 50), printf("\n");
  for (int a = 0; a < m->ncoef; a++) {
    const cn_coef *c = &m->coef[a];
    cli_put_name(stdout, c->name, w);
    printf(" | %14.8f %14.8f %10.4f %8.4f\n", c->b, c->se, c->t, c->p);
  }
  cli_dashes(stdout, w + 52), printf("\n");
  printf("sigma_u2 = %.8f, sigma_v2 = %.8f\n", r->sigma_u2, r->sigma_v2);
  printf("LR test of the one-sided error = %.8f with %d restriction%s\n", r->lr, r->lr_df, r->lr_df == 1 ? "" : "s");
  printf("  mixed chi2 (Kodde-Palm): 5%% critical value %.3f, 1%% %.3f, p <= %.4f\n", r->lr_crit5, r->lr_crit1,
         r->lr_p);
  printf("OLS residual skewness = %.6f%s\n", r->skew,
         r->wrong_skew ? " (wrong sign: no inefficiency is visible in the data; gamma goes to 0)" : "");
  printf("mean technical efficiency E[exp(-u)|e] = %.8f\n", r->mean_te);
  if (r->n_period > 0) {
    printf("\n  period    mean TE\n");
    for (int j = 0; j < r->n_period; j++) printf("  %6g  %.8f\n", r->period[j], r->te_by_period[j]);
  }
}

/* Writes the efficiencies: row (1-based in DATA), [id, time,] te. */
static int write_te(const cn_table *t, const cn_sfa_result *r, const cn_sfa_opts *o, const char *path) {
  cn_table *e = cn_table_new(r->n);
  cn_diag d;
  int rc = 0;
  int cr = e ? cn_table_add_column(e, "row", CN_INT64, &d) : -1, ci = -1, ct = -1, cte;
  if (cr < 0) {
    cn_table_free(e);
    return cli_fail(&d);
  }
  int idc = o->panel_id ? cn_table_find(t, o->panel_id) : -1, tmc = o->panel_id ? cn_table_find(t, o->panel_time) : -1;
  if (idc >= 0 && ((ci = cn_table_add_column(e, o->panel_id, CN_STRING, &d)) < 0 ||
                   (ct = cn_table_add_column(e, o->panel_time, CN_DOUBLE, &d)) < 0)) {
    cn_table_free(e);
    return cli_fail(&d);
  }
  if ((cte = cn_table_add_column(e, "te", CN_DOUBLE, &d)) < 0) {
    cn_table_free(e);
    return cli_fail(&d);
  }
  char buf[512];
  for (int64_t k = 0; k < r->n; k++) {
    cn_table_i64_mut(e, cr)[k] = r->rows[k] + 1;
    if (idc >= 0) {
      cn_table_cell_text(t, idc, r->rows[k], buf, sizeof buf);
      if (cn_table_set_str(e, ci, k, buf, &d) != CN_OK) {
        cn_table_free(e);
        return cli_fail(&d);
      }
      cn_table_dbl_mut(e, ct)[k] = cn_table_get_num(t, tmc, r->rows[k]);
    }
    cn_table_dbl_mut(e, cte)[k] = r->te[k];
  }
  rc = cli_write(e, path);
  cn_table_free(e);
  return rc;
}

static int run_sfa(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_sfa_opts o;
  cn_sfa_opts_init(&o);
  const char *in = NULL, *formula = NULL, *panel = NULL, *dist = "hnormal", *tep = NULL, *name = NULL,
             *outp = NULL;
  bool json = false;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "--panel", &panel)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--dist", &dist)) != 0 || (r = cli_opt(argc, argv, &i, "--bc95", &o.bc95)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--if", &o.if_expr)) != 0 || (r = cli_opt(argc, argv, &i, "--te", &tep)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--name", &name)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0) {
      if (r < 0) return cli_usage("sfa", "option %s needs a value", argv[i]);
      continue;
    }
    if (cli_flag(argv, i, "--bc92")) o.bc92 = true;
    else if (cli_flag(argv, i, "--cost")) o.cost = true;
    else if (cli_flag(argv, i, "--json")) json = true;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("sfa", argv[i]);
    else if (!in) in = argv[i];
    else if (!formula) formula = argv[i];
    else return cli_usage("sfa", "unexpected argument \"%s\" (DATA and FORMULA are given already)", argv[i]);
  }
  if (!in || !formula) return cli_usage("sfa", "DATA and FORMULA are needed");
  if (!strcmp(dist, "hnormal")) o.dist = CN_SFA_HNORMAL;
  else if (!strcmp(dist, "tnormal")) o.dist = CN_SFA_TNORMAL;
  else return cli_usage("sfa", "--dist is hnormal or tnormal (got \"%s\")", dist);
  if (name && !cli_model_name_ok(name)) return cli_usage("sfa", "--name takes a name without '/' (got \"%s\")", name);
  char *pcopy = NULL;
  if (panel) {
    pcopy = strdup(panel);
    char *c = pcopy ? strchr(pcopy, ',') : NULL;
    if (!c || c == pcopy || !c[1]) {
      free(pcopy);
      return cli_usage("sfa", "--panel takes ID,TIME (got \"%s\")", panel);
    }
    *c = '\0';
    o.panel_id = pcopy, o.panel_time = c + 1;
  }
  cn_table *t = NULL;
  cn_model *m = NULL;
  cn_sfa_result r;
  memset(&r, 0, sizeof r);
  cn_diag d;
  int rc;
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  if (cn_sfa(t, formula, &o, &m, &r, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (m->dropped_missing || m->dropped_if)
    fprintf(stderr, "%s: note: %lld row%s with a missing value left out%s\n", cli_prefix,
            (long long)m->dropped_missing, m->dropped_missing == 1 ? "" : "s",
            m->dropped_if ? " (and the rows --if leaves out)" : "");
  if (r.wrong_skew)
    fprintf(stderr, "%s: warning: the OLS residuals are skewed the wrong way (skewness %.4g): the data show "
            "little or no inefficiency, and gamma is near 0\n", cli_prefix, r.skew);
  if (name && (rc = cli_save_model(m, name)) != 0) goto done;
  if (tep && (rc = write_te(t, &r, &o, tep)) != 0) goto done;
  if (json || outp) {
    char *s = NULL;
    if (cn_model_json(m, &s, &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
    FILE *fp = outp ? fopen(outp, "w") : stdout;
    if (!fp) {
      cn_free(s);
      rc = cli_cannot_write(outp);
      goto done;
    }
    fputs(s, fp);
    if (outp) fclose(fp);
    cn_free(s);
  } else {
    print_sfa(m, &r, &o);
  }
done:
  free(pcopy);
  cn_model_free(m);
  cn_sfa_result_free(&r);
  cn_table_free(t);
  return rc;
}

const cli_cmd cli_sfa_cmds[] = {
    {"sfa", "", run_sfa, "stochastic frontiers: ALS, Battese-Coelli 1992 and 1995 (FRONTIER 4.1)",
     "usage: coinnet sfa DATA FORMULA [--panel ID,TIME] [--dist hnormal|tnormal]\n"
     "                   [--bc92] [--bc95 'z1 + z2'] [--cost] [--if EXPR] [--te FILE]\n"
     "                   [--name N] [--json] [-o FILE]\n\n"
     "Maximum likelihood of y = x'b + v - u (production) or y = x'b + v + u (--cost),\n"
     "v ~ N(0, sigma_v2), u >= 0 (spec/measures.md section 8; docs/measures.md), in\n"
     "FRONTIER 4.1's parameters sigma2 = sigma_u2 + sigma_v2, gamma = sigma_u2/sigma2:\n"
     "  cross-section   Aigner-Lovell-Schmidt: u ~ N+(0, s) or N+(mu, s)\n"
     "  --panel         error components: u_i constant within firm ID (Pitt-Lee),\n"
     "  --bc92          ... time-varying: u_it = u_i exp(eta (T - t))\n"
     "  --bc95 'z'      inefficiency effects: u_it ~ N+(delta0 + z_it'delta, s)\n"
     "Starting values: OLS and FRONTIER's grid search over gamma. Analytic\n"
     "gradients; standard errors from the observed information. Reports the LR\n"
     "test of no inefficiency (one-sided: mixed chi2 critical values of Kodde &\n"
     "Palm), the OLS residuals' skewness (wrong sign: a warning), technical\n"
     "efficiency E[exp(−u)|e] of every observation and its mean (by period).\n\n"
     "options:\n"
     "  --panel ID,TIME    firm and (numeric) period columns\n"
     "  --dist D           hnormal (default) or tnormal (mu estimated)\n"
     "  --bc92             Battese-Coelli (1992) time-varying efficiency (needs --panel)\n"
     "  --bc95 'Z'         Battese-Coelli (1995) determinants of the mean of u\n"
     "                     ('0 + z1' drops delta0)\n"
     "  --cost             a cost frontier (efficiency is still E[exp(−u)|e] <= 1)\n"
     "  --if EXPR          estimate on the rows where EXPR is true\n"
     "  --te FILE          write row, [ID, TIME,] te for every observation\n"
     "  --json             the result as JSON (schema_version 1)\n"
     "  -o FILE            write the JSON there\n"
     "  --name N           also keep the model as N.json, for `coinnet table N`\n"
     "%s"
     "\nexample:\n"
     "  coinnet sfa rice.csv 'log(PROD) ~ log(AREA) + log(LABOR) + log(NPK)' \\\n"
     "      --panel FMERCODE,YEARDUM --dist tnormal --bc92 --te te.csv\n"},
    {NULL, NULL, NULL, NULL, NULL}};
