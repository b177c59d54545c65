/* cli/plot.c — `coinnet plot coef`: coefficient plots of saved models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coinnet/report.h"

/* Whether name is in the list l of n names. */
static bool listed(const char *const *l, int n, const char *name) {
  for (int q = 0; q < n; q++)
    if (!strcmp(l[q], name)) return true;
  return false;
}

/* The coefficient called name in m, or NULL. */
static const cn_coef *coef_of(const cn_model *m, const char *name) {
  for (int j = 0; j < m->ncoef; j++)
    if (!strcmp(m->coef[j].name, name)) return &m->coef[j];
  return NULL;
}

static int run_coef(int argc, char **argv) {
  const char *outp = NULL, *keep = NULL, *drop = NULL, *mtitles = NULL, *title = NULL, *xlabel = NULL;
  const char **paths = calloc((size_t)argc + 1, sizeof *paths);
  cn_model **ms = calloc((size_t)argc + 1, sizeof *ms);
  const char **terms = calloc(1, sizeof *terms), **names = NULL;
  double *b = NULL, *lo = NULL, *hi = NULL;
  int n = 0, nt = 0, rc = 0;
  if (!paths || !ms || !terms) goto oom;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 || (r = cli_opt(argc, argv, &i, "--keep", &keep)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--drop", &drop)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--mtitles", &mtitles)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--title", &title)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--xlabel", &xlabel)) != 0) {
      if (r < 0) {
        rc = cli_usage("coef", "option %s needs a value", argv[i]);
        goto done;
      }
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) {
      rc = cli_unknown_option("coef", argv[i]);
      goto done;
    }
    paths[n++] = argv[i];
  }
  if (n == 0 || !outp) {
    rc = cli_usage("coef", "give the saved models and -o FIGURE.svg|png|pdf");
    goto done;
  }
  for (int j = 0; j < n; j++)
    if ((rc = cli_read_model(paths[j], &ms[j])) != 0) goto done;
  int nk = 0, nd = 0, nmt = 0;
  const char **kl = keep ? cli_split_list(keep, &nk) : NULL, **dl = drop ? cli_split_list(drop, &nd) : NULL;
  const char **mt = mtitles ? cli_split_list(mtitles, &nmt) : NULL;
  if ((keep && !kl) || (drop && !dl) || (mtitles && !mt)) goto oom;
  if (mtitles && nmt != n) {
    rc = cli_usage("coef", "--mtitles has %d title%s for %d model%s", nmt, nmt == 1 ? "" : "s", n,
                   n == 1 ? "" : "s");
    goto done;
  }
  /* the terms: --keep in its order, else every coefficient but the
   * constant in the order the models first show them; --drop takes out */
  if (kl) {
    for (int q = 0; q < nk; q++) {
      bool any = false;
      for (int j = 0; j < n && !any; j++) any = coef_of(ms[j], kl[q]) != NULL;
      if (!any) {
        fprintf(stderr, "%s: --keep %s: no model has this coefficient\n", cli_prefix, kl[q]);
        rc = 4;
        goto done;
      }
    }
    free(terms);
    if (!(terms = calloc((size_t)nk + 1, sizeof *terms))) goto oom;
    for (int q = 0; q < nk; q++)
      if (!listed(dl, nd, kl[q]) && !listed(terms, nt, kl[q])) terms[nt++] = kl[q];
  } else {
    int cap = 0;
    for (int j = 0; j < n; j++) cap += ms[j]->ncoef;
    free(terms);
    if (!(terms = calloc((size_t)cap + 1, sizeof *terms))) goto oom;
    for (int j = 0; j < n; j++)
      for (int c = 0; c < ms[j]->ncoef; c++) {
        const char *nm = ms[j]->coef[c].name;
        if (strcmp(nm, "_cons") && !listed(dl, nd, nm) && !listed(terms, nt, nm)) terms[nt++] = nm;
      }
  }
  if (nt == 0) {
    fprintf(stderr, "%s: no coefficient left to plot (the constant is left out unless --keep names it)\n",
            cli_prefix);
    rc = 4;
    goto done;
  }
  names = calloc((size_t)n + 1, sizeof *names);
  b = malloc((size_t)n * (size_t)nt * sizeof *b);
  lo = malloc((size_t)n * (size_t)nt * sizeof *lo);
  hi = malloc((size_t)n * (size_t)nt * sizeof *hi);
  if (!names || !b || !lo || !hi) goto oom;
  for (int j = 0; j < n; j++) {
    names[j] = mt ? mt[j] : paths[j];
    for (int t = 0; t < nt; t++) {
      const cn_coef *c = coef_of(ms[j], terms[t]);
      size_t k = (size_t)j * (size_t)nt + (size_t)t;
      b[k] = c ? c->b : NAN;
      lo[k] = c ? c->ci_low : NAN;
      hi[k] = c ? c->ci_high : NAN;
    }
  }
  cn_diag d;
  if (cn_plot_coef(outp, title, xlabel, n, names, nt, terms, b, lo, hi, &d) != CN_OK) rc = cli_fail(&d);
  else fprintf(stderr, "%s: %d coefficient%s of %d model%s drawn to %s\n", cli_prefix, nt, nt == 1 ? "" : "s", n,
               n == 1 ? "" : "s", outp);
  goto done;
oom:
  fprintf(stderr, "%s: out of memory\n", cli_prefix);
  rc = 5;
done:
  for (int j = 0; ms && j < n; j++) cn_model_free(ms[j]);
  free(ms);
  free(paths);
  free(terms);
  free(names);
  free(b);
  free(lo);
  free(hi);
  return rc;
}

const cli_cmd cli_plot_cmds[] = {
    {"plot", "coef", run_coef, "coefficient plot of saved models, with their intervals",
     "usage: coinnet plot coef MODEL... -o FIGURE [--keep A,B] [--drop A,B]\n"
     "                         [--mtitles A,B] [--title TEXT] [--xlabel TEXT]\n\n"
     "Each saved model's estimates (models kept with `--name N`, or their JSON\n"
     "files) as markers with the 95% confidence intervals the models report\n"
     "(t or normal, as in their tables), one row per coefficient, the models\n"
     "side by side in each row, a dashed line at zero. The format follows the\n"
     "extension: .svg, .png or .pdf; the same models give the same bytes.\n\n"
     "options:\n"
     "  -o FIGURE      the figure (.svg, .png, .pdf)\n"
     "  --keep A,B     these coefficients, in this order (default: all but _cons)\n"
     "  --drop A,B     leave these out\n"
     "  --mtitles A,B  the models' names in the legend (default: as given)\n"
     "  --title TEXT   the figure's title (the SVG's <title>, the PDF's Title;\n"
     "                 not drawn: a paper's caption carries it)\n"
     "  --xlabel TEXT  the axis label (default: estimate)\n\n"
     "example:\n"
     "  coinnet reg grunfeld.csv 'inv ~ value + capital' --name m1\n"
     "  coinnet reg grunfeld.csv 'inv ~ value + capital | firm' --name m2\n"
     "  coinnet plot coef m1 m2 --mtitles OLS,FE -o coef.svg\n"},
    {NULL, NULL, NULL, NULL, NULL}};
