/* cli/measure_prodfn.c — `coinnet measure prodfn` and `coinnet measure
 * markup`: production functions by control functions and De Loecker–
 * Warzynski markups (spec/measures.md section 7; docs/measures.md). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coeftab.h"

/* The arguments both commands take. */
typedef struct pf_args {
  cn_read_opts ro;
  cn_prodfn_opts o;
  const char *in, *freel, *statel, *panel, *method, *form, *poly, *law, *start, *reps, *seed, *obs, *name, *outp;
  bool json;
  /* markup */
  cn_markup_opts mk;
  const char *trim, *coefp;
  cn_table *coef;
  /* storage */
  char *fcopy, *scopy, *pcopy;
  const char *fv[CN_PF_MAXIN + 1], *sv[CN_PF_MAXIN + 1];
  double startv[64];
} pf_args;

/* Splits a comma list in place into v (at most cap); the count or -1. */
static int split(char *s, const char **v, int cap) {
  int n = 0;
  for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
    if (n == cap) return -1;
    v[n++] = tok;
  }
  return n;
}

/* Parses the options of cmd ("prodfn" or "markup") into a; 0 or the
 * usage exit code. */
static int parse(int argc, char **argv, const char *cmd, pf_args *a) {
  memset(a, 0, sizeof *a);
  cn_read_opts_init(&a->ro);
  cn_prodfn_opts_init(&a->o);
  cn_markup_opts_init(&a->mk);
  a->method = "acf", a->form = "cd";
  bool markup = !strcmp(cmd, "markup");
  for (int i = 1; i < argc; i++) {
    int r;
    struct {
      const char *name;
      const char **val;
    } named[] = {{"--output", &a->o.output}, {"--free", &a->freel},     {"--state", &a->statel},
                 {"--proxy", &a->o.proxy},   {"--panel", &a->panel},    {"--by", &a->o.by},
                 {"--method", &a->method},   {"--form", &a->form},      {"--poly", &a->poly},
                 {"--law", &a->law},         {"--start", &a->start},    {"--reps", &a->reps},
                 {"--seed", &a->seed},       {"--obs", &a->obs},        {"--name", &a->name},
                 {"-o", &a->outp},           {"--flexible", &a->mk.flexible}, {"--revenue", &a->mk.revenue},
                 {"--cost", &a->mk.cost},    {"--share", &a->mk.share}, {"--trim", &a->trim},
                 {"--coef", &a->coefp},      {"--eps", &a->o.eps}};
    int nn = (int)(sizeof named / sizeof named[0]);
    bool hit = false;
    if ((r = cli_read_opt(argc, argv, &i, &a->ro)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      continue;
    }
    for (int k = 0; k < nn && !hit; k++) {
      if (k >= 16 && !markup) continue; /* the markup's own options */
      if ((r = cli_opt(argc, argv, &i, named[k].name, named[k].val)) != 0) {
        if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
        hit = true;
      }
    }
    if (hit) continue;
    if (cli_flag(argv, i, "--log")) a->o.take_logs = true;
    else if (cli_flag(argv, i, "--survival")) a->o.survival = true;
    else if (!markup && cli_flag(argv, i, "--json")) a->json = true;
    else if (markup && cli_flag(argv, i, "--no-correction")) a->mk.no_correction = true;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option(cmd, argv[i]);
    else if (!a->in) a->in = argv[i];
    else return cli_usage(cmd, "unexpected argument \"%s\" (DATA is given already)", argv[i]);
  }
  if (!a->in) return cli_usage(cmd, "the data file is missing");
  if (!a->o.output || !a->statel || (!a->o.proxy && !a->coefp) || !a->panel)
    return cli_usage(cmd, "--output, --state, --proxy and --panel are needed");
  if (a->o.eps && !a->coefp) return cli_usage(cmd, "--eps goes with --coef (estimated functions have their own)");
  if (!strcmp(a->method, "acf")) a->o.method = CN_PF_ACF;
  else if (!strcmp(a->method, "lp")) a->o.method = CN_PF_LP;
  else if (!strcmp(a->method, "op")) a->o.method = CN_PF_OP;
  else if (!strcmp(a->method, "wrdg")) a->o.method = CN_PF_WRDG;
  else return cli_usage(cmd, "--method is acf, lp, op or wrdg (got \"%s\")", a->method);
  if (a->o.survival && a->o.method != CN_PF_OP)
    return cli_usage(cmd, "--survival is Olley-Pakes's correction: it goes with --method op");
  if (a->o.survival && a->coefp) return cli_usage(cmd, "--survival estimates the function: not with --coef");
  if (a->o.method == CN_PF_WRDG && a->law)
    return cli_usage(cmd, "--law does not apply to wrdg (its second equation has a polynomial of the lagged state "
                          "inputs and proxy, of degree --poly)");
  if (a->o.method == CN_PF_WRDG && a->start)
    return cli_usage(cmd, "--start does not apply to wrdg (its criterion is minimised in closed form)");
  if (!strcmp(a->form, "cd")) a->o.form = CN_PF_CD;
  else if (!strcmp(a->form, "tl")) a->o.form = CN_PF_TL;
  else return cli_usage(cmd, "--form is cd or tl (got \"%s\")", a->form);
  if (!a->freel && a->o.method == CN_PF_ACF) return cli_usage(cmd, "--free is needed with --method acf");
  if (a->freel) {
    if (!(a->fcopy = strdup(a->freel))) return 5;
    if ((a->o.n_free = split(a->fcopy, a->fv, CN_PF_MAXIN)) < 0)
      return cli_usage(cmd, "--free takes at most %d inputs", CN_PF_MAXIN);
    a->o.free_in = a->fv;
  }
  if (!(a->scopy = strdup(a->statel))) return 5;
  if ((a->o.n_state = split(a->scopy, a->sv, CN_PF_MAXIN)) <= 0)
    return cli_usage(cmd, "--state takes 1 to %d inputs", CN_PF_MAXIN);
  a->o.state = a->sv;
  if (!(a->pcopy = strdup(a->panel))) return 5;
  char *c = strchr(a->pcopy, ',');
  if (!c || c == a->pcopy || !c[1]) return cli_usage(cmd, "--panel takes ID,TIME (got \"%s\")", a->panel);
  *c = '\0';
  a->o.panel_id = a->pcopy, a->o.panel_time = c + 1;
  long long v;
  if (a->poly) {
    if (!cli_int_arg(a->poly, 1, 5, &v)) return cli_usage(cmd, "--poly takes 1 to 5 (got \"%s\")", a->poly);
    a->o.poly = (int)v;
  }
  if (a->law) {
    if (!cli_int_arg(a->law, 1, 6, &v)) return cli_usage(cmd, "--law takes 1 to 6 (got \"%s\")", a->law);
    a->o.law = (int)v;
  }
  if (a->reps) {
    if (!cli_int_arg(a->reps, 0, 100000, &v)) return cli_usage(cmd, "--reps takes 0 to 100000 (got \"%s\")", a->reps);
    a->o.reps = (int)v;
  }
  if (a->seed) {
    if (!cli_int_arg(a->seed, 0, 9007199254740992LL, &v)) return cli_usage(cmd, "--seed takes a number >= 0 (got \"%s\")", a->seed);
    a->o.seed = (uint64_t)v;
  }
  if (a->start) {
    int n = 0;
    const char *p = a->start;
    while (*p) {
      char *end;
      if (n == 64) return cli_usage(cmd, "--start takes at most 64 values");
      a->startv[n++] = strtod(p, &end);
      if (end == p || (*end && *end != ',')) return cli_usage(cmd, "--start takes numbers separated by commas (got \"%s\")", a->start);
      p = *end ? end + 1 : end;
    }
    int want = a->o.method == CN_PF_ACF
                   ? (a->o.form == CN_PF_TL ? (a->o.n_free + a->o.n_state) * (a->o.n_free + a->o.n_state + 3) / 2
                                             : a->o.n_free + a->o.n_state)
                   : a->o.n_state;
    if (n != want)
      return cli_usage(cmd, "--start needs %d value%s (one per coefficient%s; got %d)", want, want == 1 ? "" : "s",
                       a->o.method == CN_PF_ACF ? "" : " of a state input", n);
    /* op, lp: the library takes free then state; the free ones are the first stage's */
    if (a->o.method != CN_PF_ACF) {
      memmove(a->startv + a->o.n_free, a->startv, (size_t)n * sizeof *a->startv);
      for (int j = 0; j < a->o.n_free; j++) a->startv[j] = 0;
    }
    a->o.start = a->startv;
  }
  if (a->name && !cli_model_name_ok(a->name)) return cli_usage(cmd, "--name takes a name without '/' (got \"%s\")", a->name);
  if (markup) {
    if (!a->mk.flexible) a->mk.flexible = a->o.proxy;
    if (!a->mk.flexible) return cli_usage(cmd, "--flexible names the flexible input (there is no --proxy)");
    bool known = false;
    for (int j = 0; j < a->o.n_free; j++) known = known || !strcmp(a->fv[j], a->mk.flexible);
    for (int j = 0; j < a->o.n_state; j++) known = known || !strcmp(a->sv[j], a->mk.flexible);
    if (!known)
      return cli_usage(cmd, "the flexible input \"%s\" must be one of the --free inputs (materials in gross output)",
                       a->mk.flexible);
    if (!a->mk.share && (!a->mk.revenue || !a->mk.cost))
      return cli_usage(cmd, "--revenue and --cost (levels), or --share, are needed");
    if (a->trim) {
      char *end;
      a->mk.trim = strtod(a->trim, &end);
      if (*end || !(a->mk.trim >= 0 && a->mk.trim < 50))
        return cli_usage(cmd, "--trim takes a percentage in [0, 50) (got \"%s\")", a->trim);
    }
    a->mk.id = a->o.panel_id, a->mk.time = a->o.panel_time, a->mk.group_name = a->o.by;
  }
  return 0;
}

static void free_args(pf_args *a) {
  free(a->fcopy), free(a->scopy), free(a->pcopy);
  cn_table_free(a->coef);
}

/* Notes on stderr: the rows left out and why, non-converged groups. */
static void report_rows(const cn_prodfn_result *r, const pf_args *a) {
  if (r->dropped_missing)
    fprintf(stderr, "%s: note: %lld row%s with a missing value left out\n", cli_prefix, (long long)r->dropped_missing,
            r->dropped_missing == 1 ? "" : "s");
  if (r->dropped_nonpos)
    fprintf(stderr, "%s: note: %lld row%s with a non-positive output or input left out (--log)\n", cli_prefix,
            (long long)r->dropped_nonpos, r->dropped_nonpos == 1 ? "" : "s");
  if (r->no_lag && a->o.method == CN_PF_WRDG && !a->coef)
    fprintf(stderr, "%s: note: %lld row%s without the previous period (a firm's first year or a gap) not in the "
            "estimation (phi, eps and omega from the estimates)\n", cli_prefix, (long long)r->no_lag,
            r->no_lag == 1 ? "" : "s");
  else if (r->no_lag)
    fprintf(stderr, "%s: note: %lld row%s without the previous period (a firm's first year or a gap) in the first "
            "stage only\n", cli_prefix, (long long)r->no_lag, r->no_lag == 1 ? "" : "s");
  for (int g = 0; g < r->n_group; g++)
    if (r->group[g].skipped)
      fprintf(stderr, "%s: warning: %s = %s not estimated (%s): its %lld row%s left out\n", cli_prefix, a->o.by,
              r->group[g].name, r->group[g].skipped, (long long)r->group[g].n_first, r->group[g].n_first == 1 ? "" : "s");
  for (int g = 0; g < r->n_group; g++)
    if (!r->group[g].converged && !r->group[g].skipped)
      fprintf(stderr, "%s: warning: %s%s%s: the second stage did not converge (criterion %.6g)\n", cli_prefix,
              a->o.by ? a->o.by : "the sample", a->o.by ? " = " : "", r->group[g].name, r->group[g].objective);
}

static void print_group(const cn_prodfn_result *r, int g, const pf_args *a) {
  static const char *const mname[] = {"Olley-Pakes", "Levinsohn-Petrin", "Ackerberg-Caves-Frazer", "Wooldridge"};
  const cn_prodfn_group *G = &r->group[g];
  const cn_model *m = G->model;
  if (g) printf("\n");
  if (G->skipped) {
    printf("Production function, %s = %s: not estimated (%s)\n", a->o.by, G->name, G->skipped);
    return;
  }
  printf("Production function, %s, %s, output %s%s%s%s%s\n", mname[a->o.method],
         a->o.form == CN_PF_TL ? "translog" : "Cobb-Douglas", a->o.output, a->o.by ? ", " : "",
         a->o.by ? a->o.by : "", a->o.by ? " = " : "", a->o.by ? G->name : "");
  if (a->o.method == CN_PF_WRDG && !a->coef) {
    printf("Observations: %lld (both equations; %lld in all); firms %lld\n", (long long)G->n_second,
           (long long)G->n_first, (long long)G->n_firms);
    printf("Criterion = %.10g (linear GMM, closed form)\n", G->objective);
  } else {
  printf("Observations: first stage %lld, second stage %lld; firms %lld\n", (long long)G->n_first,
         (long long)G->n_second, (long long)G->n_firms);
  printf("Criterion = %.10g, %s after %d iterations (start: %s)\n", G->objective,
         G->converged ? "converged" : "NOT converged", G->iterations,
         G->start_used == 0   ? "first stage"
         : G->start_used == 1 ? "OLS"
         : G->start_used == 4 ? "overidentified estimate"
         : G->start_used == 5 ? "a point of the scan"
                              : "given");
  }
  if (a->o.reps > 0) printf("Bootstrap: %d of %d replications (firm blocks, seed %llu)\n", G->reps_ok, a->o.reps,
                            (unsigned long long)a->o.seed);
  printf("\n");
  int w = cli_name_width(m);
  printf("%*s | %14s %14s %10s %8s\n", w, "", "coefficient", "std. error", "z", "P>|z|");
  cli_dashes(stdout, w + 1), printf("+"), cli_dashes(stdout, 50), printf("\n");
  for (int j = 0; j < m->ncoef; j++) {
    const cn_coef *c = &m->coef[j];
    cli_put_name(stdout, c->name, w);
    printf(" | %14.8f %s %s %s\n", c->b, cli_fixed(c->se, 14, 8), cli_fixed(c->t, 10, 4), cli_fixed(c->p, 8, 4));
  }
  cli_dashes(stdout, w + 52), printf("\n");
}

/* The per-observation table: row, id, time, [group,] phi, eps, omega, theta_X. */
static int write_obs(const cn_table *t, const cn_prodfn_result *r, const pf_args *a) {
  cn_table *e = cn_table_new(r->n);
  cn_diag d;
  int rc = 0;
  int idc = cn_table_find(t, a->o.panel_id), tmc = cn_table_find(t, a->o.panel_time);
  int c0 = e ? cn_table_add_column(e, "row", CN_INT64, &d) : -1;
  int ci = c0 >= 0 ? cn_table_add_column(e, a->o.panel_id, CN_STRING, &d) : -1;
  int ct = ci >= 0 ? cn_table_add_column(e, a->o.panel_time, CN_DOUBLE, &d) : -1;
  int cg = ct >= 0 && a->o.by ? cn_table_add_column(e, a->o.by, CN_STRING, &d) : ct >= 0 ? -2 : -1;
  int cp = cg != -1 ? cn_table_add_column(e, "phi", CN_DOUBLE, &d) : -1;
  int ce = cp >= 0 ? cn_table_add_column(e, "eps", CN_DOUBLE, &d) : -1;
  int co = ce >= 0 ? cn_table_add_column(e, "omega", CN_DOUBLE, &d) : -1;
  int cth[CN_PF_MAXIN];
  bool ok = co >= 0;
  for (int j = 0; j < r->n_input && ok; j++) {
    char nm[300];
    snprintf(nm, sizeof nm, "theta_%s", r->input[j]);
    ok = (cth[j] = cn_table_add_column(e, nm, CN_DOUBLE, &d)) >= 0;
  }
  char buf[512];
  for (int64_t k = 0; k < r->n && ok; k++) {
    int64_t i = r->rows[k];
    cn_table_i64_mut(e, c0)[k] = i + 1;
    cn_table_cell_text(t, idc, i, buf, sizeof buf);
    ok = cn_table_set_str(e, ci, k, buf, &d) == CN_OK;
    cn_table_dbl_mut(e, ct)[k] = cn_table_get_num(t, tmc, i);
    if (ok && cg >= 0) ok = cn_table_set_str(e, cg, k, r->group[r->grp[k]].name, &d) == CN_OK;
    cn_table_dbl_mut(e, cp)[k] = r->phi[k];
    cn_table_dbl_mut(e, ce)[k] = r->eps[k];
    cn_table_dbl_mut(e, co)[k] = r->omega[k];
    for (int j = 0; j < r->n_input; j++) cn_table_dbl_mut(e, cth[j])[k] = r->theta[(size_t)k * r->n_input + j];
  }
  if (!ok) rc = cli_fail(&d);
  else rc = cli_write(e, a->obs);
  cn_table_free(e);
  return rc;
}

/* --name N: N.json, or N_GROUP.json for each group. */
static int save_models(const cn_prodfn_result *r, const pf_args *a) {
  for (int g = 0; g < r->n_group; g++) {
    char nm[1024];
    if (a->o.by) snprintf(nm, sizeof nm, "%s_%s", a->name, r->group[g].name);
    else snprintf(nm, sizeof nm, "%s", a->name);
    for (char *p = nm; *p; p++)
      if (*p == '/') *p = '_';
    if (r->group[g].skipped) continue;
    int rc = cli_save_model(r->group[g].model, nm);
    if (rc) return rc;
  }
  return 0;
}

static int print_json(const cn_prodfn_result *r, const pf_args *a) {
  FILE *fp = a->outp ? fopen(a->outp, "w") : stdout;
  if (!fp) return cli_cannot_write(a->outp);
  cn_diag d;
  int rc = 0;
  if (r->n_group > 1) fputs("[\n", fp);
  for (int g = 0, done = 0; g < r->n_group && !rc; g++) {
    char *s = NULL;
    if (r->group[g].skipped) continue; /* said on stderr */
    if (cn_model_json(r->group[g].model, &s, &d) != CN_OK) rc = cli_fail(&d);
    else {
      fputs(done++ ? ",\n" : "", fp);
      fputs(s, fp);
    }
    cn_free(s);
  }
  if (r->n_group > 1) fputs("]\n", fp);
  if (a->outp) fclose(fp);
  return rc;
}

static int run(int argc, char **argv, const char *cmd) {
  pf_args a;
  int rc = parse(argc, argv, cmd, &a);
  cn_table *t = NULL, *mk = NULL;
  cn_prodfn_result r;
  memset(&r, 0, sizeof r);
  cn_diag d;
  if (rc) goto done;
  if ((rc = cli_read(a.in, &a.ro, &t)) != 0) goto done;
  if (a.coefp) {
    cn_read_opts cro;
    cn_read_opts_init(&cro);
    if ((rc = cli_read(a.coefp, &cro, &a.coef)) != 0) goto done;
    a.o.coef = a.coef;
  }
  if (cn_prodfn(t, &a.o, &r, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  report_rows(&r, &a);
  if (a.name && (rc = save_models(&r, &a)) != 0) goto done;
  if (a.obs && (rc = write_obs(t, &r, &a)) != 0) goto done;
  if (!strcmp(cmd, "markup")) {
    int64_t bad = 0, trimmed = 0;
    if (cn_markup(t, &r, &a.mk, &mk, &bad, &trimmed, &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
    if (bad)
      fprintf(stderr, "%s: note: %lld row%s with a missing or non-positive share: markup missing\n", cli_prefix,
              (long long)bad, bad == 1 ? "" : "s");
    if (trimmed)
      fprintf(stderr, "%s: note: %lld markup%s outside the %g-%g percentiles of %s trimmed (missing)\n", cli_prefix,
              (long long)trimmed, trimmed == 1 ? "" : "s", a.mk.trim, 100 - a.mk.trim,
              a.o.by ? "their group" : "the sample");
    rc = cli_write(mk, a.outp);
  } else if (a.json || a.outp) {
    rc = print_json(&r, &a);
  } else {
    for (int g = 0; g < r.n_group; g++) print_group(&r, g, &a);
  }
done:
  free_args(&a);
  cn_prodfn_result_free(&r);
  cn_table_free(mk);
  cn_table_free(t);
  return rc;
}

int cli_measure_prodfn(int argc, char **argv) { return run(argc, argv, "prodfn"); }
int cli_measure_markup(int argc, char **argv) { return run(argc, argv, "markup"); }
