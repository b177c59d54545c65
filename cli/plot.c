/* cli/plot.c — `coinnet plot coef|bar|line|scatter`: coefficient and
 * event-study plots of saved models, and simple figures of a table. */
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

/* The relative time of an event-study coefficient from its name, the
 * event variable's name into base (size n): L.x, Lk.x (k periods after the
 * event: +k), F.x, Fk.x (before: -k), l(x), l(x, k), f(x), f(x, k) as
 * coinnet names lags and leads, and x::k (an event-time dummy of
 * i(x, ...)) at k. False when the name is none of these. */
static bool event_time(const char *name, char *base, size_t n, double *t) {
  char *end;
  const char *p = name;
  if ((p[0] == 'L' || p[0] == 'F') && p[1] != '\0') { /* Stata's operators */
    long k = 1;
    const char *q = p + 1;
    if (*q >= '0' && *q <= '9') k = strtol(q, &end, 10), q = end;
    if (*q != '.' || !q[1]) return false;
    snprintf(base, n, "%s", q + 1);
    *t = p[0] == 'L' ? (double)k : -(double)k;
    return true;
  }
  if ((p[0] == 'l' || p[0] == 'f') && p[1] == '(') { /* l(x, k), f(x, k) */
    const char *q = p + 2, *comma = strchr(q, ','), *close = strrchr(q, ')');
    if (!close || close[1]) return false;
    long k = 1;
    const char *stop = comma && comma < close ? comma : close;
    if (comma && comma < close) {
      k = strtol(comma + 1, &end, 10);
      while (*end == ' ') end++;
      if (end == comma + 1 || end != close) return false;
    }
    if (stop == q) return false;
    snprintf(base, n, "%.*s", (int)(stop - q), q);
    *t = p[0] == 'l' ? (double)k : -(double)k;
    return true;
  }
  const char *colons = strstr(p, "::"); /* x::k */
  if (colons && colons > p) {
    long k = strtol(colons + 2, &end, 10);
    if (end == colons + 2 || *end) return false;
    snprintf(base, n, "%.*s", (int)(colons - p), p);
    *t = (double)k;
    return true;
  }
  return false;
}

typedef struct timed {
  const char *term;
  double t;
} timed;

static int cmp_timed(const void *a, const void *b) {
  double x = ((const timed *)a)->t, y = ((const timed *)b)->t;
  return (x > y) - (x < y);
}

static int run_coef(int argc, char **argv) {
  const char *outp = NULL, *keep = NULL, *drop = NULL, *mtitles = NULL, *title = NULL, *xlabel = NULL,
             *ylabel = NULL, *times = NULL, *refs = NULL;
  bool event = false;
  double ref = NAN, *tv = NULL;
  timed *tt = NULL;
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
        (r = cli_opt(argc, argv, &i, "--xlabel", &xlabel)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--ylabel", &ylabel)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--times", &times)) != 0 || (r = cli_opt(argc, argv, &i, "--ref", &refs)) != 0) {
      if (r < 0) {
        rc = cli_usage("coef", "option %s needs a value", argv[i]);
        goto done;
      }
      continue;
    }
    if (!strcmp(argv[i], "--event")) {
      event = true;
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
  if (!event && (times || refs || ylabel)) {
    rc = cli_usage("coef", "%s belongs to an event-study plot: add --event", times ? "--times" : refs ? "--ref" : "--ylabel");
    goto done;
  }
  if (times && !keep) {
    rc = cli_usage("coef", "--times gives the relative times of the --keep coefficients, in their order");
    goto done;
  }
  if (refs) {
    char *end;
    ref = strtod(refs, &end);
    if (end == refs || *end || !isfinite(ref)) {
      rc = cli_usage("coef", "--ref takes the reference period, a number (e.g. -1)");
      goto done;
    }
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
  if (event) { /* each term's relative time, the terms sorted by it */
    if (!(tt = calloc((size_t)nt + 1, sizeof *tt)) || !(tv = calloc((size_t)nt + 1, sizeof *tv))) goto oom;
    int ntimes = 0;
    const char **tl = times ? cli_split_list(times, &ntimes) : NULL;
    if (times && !tl) goto oom;
    if (times && ntimes != nt) {
      rc = cli_usage("coef", "--times has %d value%s for %d coefficient%s", ntimes, ntimes == 1 ? "" : "s", nt,
                     nt == 1 ? "" : "s");
      goto done;
    }
    char base[256] = "", b2[256];
    int ne = 0;
    for (int q = 0; q < nt; q++) {
      double t;
      if (tl) {
        char *end;
        t = strtod(tl[q], &end);
        if (end == tl[q] || *end || !isfinite(t)) {
          rc = cli_usage("coef", "--times: \"%s\" is not a number", tl[q]);
          goto done;
        }
      } else if (event_time(terms[q], b2, sizeof b2, &t)) {
        if (base[0] && strcmp(base, b2)) {
          if (!kl) continue; /* the first event variable's terms, when the models have others */
          fprintf(stderr, "%s: --event: %s and %s are leads or lags of different variables (%s, %s)\n", cli_prefix,
                  tt[0].term, terms[q], base, b2);
          rc = 4;
          goto done;
        }
        snprintf(base, sizeof base, "%s", b2);
      } else if (kl) {
        fprintf(stderr,
                "%s: --event: no relative time in the name %s (L2.x, F1.x, l(x, 2), f(x, 1) or x::-2; "
                "or give --times)\n",
                cli_prefix, terms[q]);
        rc = 4;
        goto done;
      } else {
        continue; /* not a lead or lag: left out, but the event variable itself below */
      }
      tt[ne++] = (timed){terms[q], t};
    }
    if (!tl && base[0]) /* the event variable itself is period 0 */
      for (int q = 0; q < nt; q++)
        if (!strcmp(terms[q], base)) {
          bool have = false;
          for (int k = 0; k < ne; k++) have = have || tt[k].term == terms[q];
          if (!have) tt[ne++] = (timed){terms[q], 0};
        }
    if (ne == 0) {
      fprintf(stderr,
              "%s: --event: no coefficient is a lead or lag (L2.x, F1.x, l(x, 2), f(x, 1), x::-2); name them with "
              "--keep and --times\n",
              cli_prefix);
      rc = 4;
      goto done;
    }
    qsort(tt, (size_t)ne, sizeof *tt, cmp_timed);
    for (int k = 1; k < ne; k++)
      if (tt[k].t == tt[k - 1].t) {
        fprintf(stderr, "%s: --event: %s and %s are both at relative time %g\n", cli_prefix, tt[k - 1].term,
                tt[k].term, tt[k].t);
        rc = 4;
        goto done;
      }
    for (int k = 0; k < ne; k++) {
      if (tt[k].t == ref) {
        rc = cli_usage("coef", "--ref %g: %s is at that period; the reference is the period left out", ref, tt[k].term);
        goto done;
      }
      terms[k] = tt[k].term, tv[k] = tt[k].t;
    }
    nt = ne;
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
  cn_status pst = event ? cn_plot_event(outp, title, xlabel, ylabel, n, names, nt, terms, tv, b, lo, hi, ref, &d)
                        : cn_plot_coef(outp, title, xlabel, n, names, nt, terms, b, lo, hi, &d);
  if (pst != CN_OK) rc = cli_fail(&d);
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
  free(tt);
  free(tv);
  return rc;
}

/* `plot bar|line|scatter DATA X Y [--by G]`: kind names the command. */
static int run_xy(int argc, char **argv, cn_xy_kind kind, const char *cmd) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_xyplot_opts o;
  memset(&o, 0, sizeof o);
  o.kind = kind;
  const char *outp = NULL, *title = NULL, *pos[3] = {0};
  int np = 0, rc = 0;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--by", &o.by)) != 0 || (r = cli_opt(argc, argv, &i, "--title", &title)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--xlabel", &o.xlabel)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--ylabel", &o.ylabel)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option(cmd, argv[i]);
    if (np == 3) return cli_usage(cmd, "give DATA X Y (got \"%s\" too)", argv[i]);
    pos[np++] = argv[i];
  }
  if (np < 3 || !outp) return cli_usage(cmd, "give DATA X Y and -o FIGURE.svg|png|pdf");
  o.x = pos[1], o.y = pos[2], o.where = pos[0];
  cn_table *t = NULL;
  if ((rc = cli_read(pos[0], &ro, &t)) != 0) return rc;
  cn_xyplot_info info;
  cn_diag d;
  if (cn_plot_table(outp, title, t, &o, &info, &d) != CN_OK) {
    rc = cli_fail(&d);
  } else {
    if (info.dropped)
      fprintf(stderr, "%s: note: %lld of %lld row%s dropped: a missing value in %s, %s%s%s\n", cli_prefix,
              (long long)info.dropped, (long long)info.rows, info.rows == 1 ? "" : "s", o.x, o.y,
              o.by ? " or " : "", o.by ? o.by : "");
    fprintf(stderr, "%s: %lld %s%s", cli_prefix, (long long)info.points,
            kind == CN_PLOT_BAR ? "bar" : "point", info.points == 1 ? "" : "s");
    if (info.groups) fprintf(stderr, " in %d group%s", info.groups, info.groups == 1 ? "" : "s");
    fprintf(stderr, " drawn to %s\n", outp);
  }
  cn_table_free(t);
  return rc;
}

static int run_bar(int argc, char **argv) { return run_xy(argc, argv, CN_PLOT_BAR, "bar"); }
static int run_line(int argc, char **argv) { return run_xy(argc, argv, CN_PLOT_LINE, "line"); }
static int run_scatter(int argc, char **argv) { return run_xy(argc, argv, CN_PLOT_SCATTER, "scatter"); }

#define XY_OPTIONS                                                                      \
  "options:\n"                                                                          \
  "  -o FIGURE      the figure (.svg, .png, .pdf)\n"                                    \
  "  --by G         one colour, marker and dash per value of G (at most 12)\n"          \
  "  --title TEXT   the figure's title (metadata; a caption carries it)\n"              \
  "  --xlabel TEXT  the x axis label (default: X)\n"                                    \
  "  --ylabel TEXT  the y axis label (default: Y)\n"                                    \
  "%s"

const cli_cmd cli_plot_cmds[] = {
    {"plot", "coef", run_coef, "coefficient plot of saved models, with their intervals",
     "usage: coinnet plot coef MODEL... -o FIGURE [--keep A,B] [--drop A,B]\n"
     "                         [--mtitles A,B] [--title TEXT] [--xlabel TEXT]\n"
     "                         [--event [--times T1,T2] [--ref T] [--ylabel TEXT]]\n\n"
     "Each saved model's estimates (models kept with `--name N`, or their JSON\n"
     "files) as markers with the 95% confidence intervals the models report\n"
     "(t or normal, as in their tables), one row per coefficient, the models\n"
     "side by side in each row, a dashed line at zero. The format follows the\n"
     "extension: .svg, .png or .pdf; the same models give the same bytes.\n\n"
     "--event draws an event study instead: the leads and lags of the event\n"
     "variable against their period relative to the event, read from the names\n"
     "(Lk.x or l(x, k) at k periods after; Fk.x or f(x, k) at k before, negative;\n"
     "x itself at 0; x::k, a dummy of i(x), at k) or given by --times for the\n"
     "--keep terms, the intervals as vertical bars, a dashed line at zero and a\n"
     "dotted one between periods before (negative) and after the event (0 on).\n\n"
     "options:\n"
     "  -o FIGURE      the figure (.svg, .png, .pdf)\n"
     "  --keep A,B     these coefficients, in this order (default: all but _cons)\n"
     "  --drop A,B     leave these out\n"
     "  --mtitles A,B  the models' names in the legend (default: as given)\n"
     "  --title TEXT   the figure's title (the SVG's <title>, the PDF's Title;\n"
     "                 not drawn: a paper's caption carries it)\n"
     "  --xlabel TEXT  the axis label (default: estimate; with --event, periods\n"
     "                 relative to the event)\n"
     "  --event        an event-study plot of the leads and lags\n"
     "  --times T1,T2  their relative times, one per --keep coefficient\n"
     "  --ref T        the period left out as the reference, drawn at zero\n"
     "  --ylabel TEXT  the y axis label of --event (default: estimate)\n\n"
     "example:\n"
     "  coinnet reg grunfeld.csv 'inv ~ value + capital' --name m1\n"
     "  coinnet reg grunfeld.csv 'inv ~ value + capital | firm' --name m2\n"
     "  coinnet plot coef m1 m2 --mtitles OLS,FE -o coef.svg\n"
     "  coinnet plot coef es --event --ref -1 -o event.svg\n"},
    {"plot", "bar", run_bar, "bar chart of a table's columns",
     "usage: coinnet plot bar DATA X Y -o FIGURE [--by G] [--title TEXT]\n"
     "                        [--xlabel TEXT] [--ylabel TEXT]\n\n"
     "One bar per row of DATA (any table coinnet reads): its height Y (numeric),\n"
     "standing on zero, under its X value (text categories in order of appearance,\n"
     "numbers ascending); with --by the groups' bars stand side by side. Bars are\n"
     "drawn as given, not summed: an X value repeated within a group is an error\n"
     "naming the two rows (collapse them first with coinnet data collapse). Rows\n"
     "with a missing X, Y or G are dropped and counted on stderr.\n\n"
     XY_OPTIONS
     "\nexample:\n"
     "  coinnet plot bar shares.csv sector share --by year -o shares.svg\n"},
    {"plot", "line", run_line, "line chart of a table's columns",
     "usage: coinnet plot line DATA X Y -o FIGURE [--by G] [--title TEXT]\n"
     "                         [--xlabel TEXT] [--ylabel TEXT]\n\n"
     "Y against a numeric X, one line with markers per group of --by, through its\n"
     "points sorted by X (an X repeated within a group is an error). Rows with a\n"
     "missing X, Y or G are dropped and counted on stderr.\n\n"
     XY_OPTIONS
     "\nexample:\n"
     "  coinnet plot line panel.csv year sales --by firm -o sales.svg\n"},
    {"plot", "scatter", run_scatter, "scatter plot of a table's columns",
     "usage: coinnet plot scatter DATA X Y -o FIGURE [--by G] [--title TEXT]\n"
     "                            [--xlabel TEXT] [--ylabel TEXT]\n\n"
     "A marker per row at (X, Y), both numeric, one colour and shape per group of\n"
     "--by. Rows with a missing X, Y or G are dropped and counted on stderr.\n\n"
     XY_OPTIONS
     "\nexample:\n"
     "  coinnet plot scatter grunfeld.csv value inv --by firm -o scatter.svg\n"},
    {NULL, NULL, NULL, NULL, NULL}};
