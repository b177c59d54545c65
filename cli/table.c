/* cli/table.c — `coinnet table MODEL.json... [options]`: saved models side
 * by side in the paper's regression table (esttab). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

/* Everything one run allocates, freed together when it ends. */
typedef struct arena {
  void **v;
  size_t n, cap;
  bool failed;
} arena;

/* Keeps p (from malloc) in the arena; returns it, NULL when p is NULL or
 * the arena cannot grow (then p is freed and the arena failed). */
static void *keep(arena *a, void *p) {
  if (!p) {
    a->failed = true;
    return NULL;
  }
  if (a->n == a->cap) {
    size_t c = a->cap ? 2 * a->cap : 16;
    void **v = realloc(a->v, c * sizeof *v);
    if (!v) {
      free(p);
      a->failed = true;
      return NULL;
    }
    a->v = v, a->cap = c;
  }
  return a->v[a->n++] = p;
}

static void arena_free(arena *a) {
  for (size_t i = 0; i < a->n; i++) free(a->v[i]);
  free(a->v);
}

/* Splits s at sep into a NULL-terminated list of trimmed items (an arena
 * block); "\," (the separator after a backslash) stands for itself. Empty
 * items are kept when keep_empty. Returns the count, -1 when out of memory. */
static int split(arena *a, const char *s, char sep, bool keep_empty, char ***out) {
  size_t n = strlen(s), k = 2;
  for (const char *p = s; *p; p++) k += *p == sep;
  char **v = keep(a, malloc(k * sizeof *v + n + 1));
  if (!v) return -1;
  char *buf = (char *)(v + k), *w = buf;
  int c = 0;
  const char *p = s;
  for (;;) {
    char *item = w;
    for (; *p && *p != sep; p++) {
      if (*p == '\\' && p[1] == sep) p++;
      *w++ = *p;
    }
    *w++ = '\0';
    while (*item == ' ') item++;
    for (char *e = item + strlen(item); e > item && e[-1] == ' ';) *--e = '\0';
    if (*item || keep_empty) v[c++] = item;
    if (!*p) break;
    p++;
  }
  v[c] = NULL;
  *out = v;
  return c;
}

/* Adds the labels of path to the lists (which have room): a .dta file
 * gives its variable labels, any other table its columns name and label.
 * Prints errors; returns an exit code. */
static int read_labels(const char *path, cn_table **t, const char **names, const char **labels, int *n,
                       int cap) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  static const char *const text_cols[] = {"name", "label"};
  size_t L = strlen(path);
  bool dta = L > 4 && !strcmp(path + L - 4, ".dta");
  if (!dta) {
    ro.string_cols = text_cols;
    ro.n_string_cols = 2;
  }
  int rc = cli_read(path, &ro, t);
  if (rc) return rc;
  if (dta) {
    for (int c = 0; c < cn_table_ncol(*t); c++) {
      const char *lb = cn_table_label(*t, c);
      if (!lb || !*lb) continue;
      if (*n >= cap) goto many;
      names[*n] = cn_table_name(*t, c), labels[*n] = lb;
      (*n)++;
    }
    return 0;
  }
  int cn = cn_table_find(*t, "name"), cl = cn_table_find(*t, "label");
  if (cn < 0 || cl < 0) {
    fprintf(stderr, "%s: %s: a labels file needs the columns name and label (or is a .dta file, whose "
                    "variable labels are used)\n", cli_prefix, path);
    return 4;
  }
  int64_t nr = cn_table_nrow(*t);
  for (int64_t r = 0; r < nr; r++) {
    if (*n >= cap) goto many;
    names[*n] = cn_table_str(*t, cn, r, NULL), labels[*n] = cn_table_str(*t, cl, r, NULL);
    (*n)++;
  }
  return 0;
many:
  fprintf(stderr, "%s: %s: too many labels (at most %d)\n", cli_prefix, path, cap);
  return 4;
}

/* Parses "3", "a3" (significant digits) into *n / *sig; false when bad. */
static bool parse_digits(const char *s, int *n, bool *sig) {
  *sig = s[0] == 'a';
  if (*sig) s++;
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < (*sig ? 1 : 0) || v > 10) return false;
  *n = (int)v;
  return true;
}

/* Parses "A-B" or "A" into 1-based columns; false when bad. */
static bool parse_span(const char *s, int *a, int *b) {
  char *end;
  long x = strtol(s, &end, 10), y = x;
  if (end == s) return false;
  if (*end == '-') {
    const char *q = end + 1;
    y = strtol(q, &end, 10);
    if (end == q) return false;
  }
  if (*end || x < 1 || y < x || y > 10000) return false;
  *a = (int)x, *b = (int)y;
  return true;
}

/* `coinnet table`: prints the table, or writes it to -o. With force, the
 * table is rendered in *force into *text instead (-o and --format ignored). */
static int table_main(int argc, char **argv, const cn_regtable_format *force, char **text) {
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  const char *fmt = NULL, *outp = NULL, *digits = NULL, *stars = NULL, *keepl = NULL, *dropl = NULL,
             *orderl = NULL, *mtitles = NULL, *mgroups = NULL, *stats = NULL, *v = NULL;
  size_t na = (size_t)argc + 1;
  arena A = {0};
  const char **paths = keep(&A, calloc(na, sizeof *paths));
  cn_model **models = keep(&A, calloc(na, sizeof *models));
  /* the repeatable options */
  const char **labelf = keep(&A, calloc(na, sizeof *labelf)), **renames = keep(&A, calloc(na, sizeof *renames));
  const char **indicates = keep(&A, calloc(na, sizeof *indicates)), **addrows = keep(&A, calloc(na, sizeof *addrows));
  const char **notes = keep(&A, calloc(na, sizeof *notes));
  int nlabelf = 0, nren = 0, nind = 0, nadd = 0, nnotes = 0;
  enum { MAX_LABELS = 1000000 };
  cn_table **lts = keep(&A, calloc(na, sizeof *lts));
  char *out = NULL;
  int n = 0, rc = 0, nparen = 0;
  cn_diag d;
  if (A.failed) goto oom;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--format", &fmt)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--digits", &digits)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--stars", &stars)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--keep", &keepl)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--drop", &dropl)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--order", &orderl)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--mtitles", &mtitles)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--mgroups", &mgroups)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--stats", &stats)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--title", &o.title)) != 0) {
      if (r < 0) {
        rc = cli_usage("table", "option %s needs a value", argv[i]);
        goto done;
      }
      continue;
    }
    const char *opt = argv[i];
    if ((r = cli_opt(argc, argv, &i, "--labels", &v)) != 0 || (r = cli_opt(argc, argv, &i, "--rename", &v)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--indicate", &v)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--add-row", &v)) != 0 || (r = cli_opt(argc, argv, &i, "--note", &v)) != 0) {
      if (r < 0) {
        rc = cli_usage("table", "option %s needs a value", argv[i]);
        goto done;
      }
      if (!strncmp(opt, "--labels", 8)) labelf[nlabelf++] = v;
      else if (!strncmp(opt, "--rename", 8)) renames[nren++] = v;
      else if (!strncmp(opt, "--indicate", 10)) indicates[nind++] = v;
      else if (!strncmp(opt, "--add-row", 9)) addrows[nadd++] = v;
      else notes[nnotes++] = v;
      continue;
    }
    if (cli_flag(argv, i, "--first-stage")) {
      o.first_stage = true;
      continue;
    }
    static const char *const parens[] = {"--se", "--t", "--p", "--ci"};
    bool pflag = false;
    for (int k = 0; k < 4 && !pflag; k++)
      if (cli_flag(argv, i, parens[k])) o.paren = (cn_regtable_paren)k, pflag = true;
    if (pflag) {
      nparen++;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) {
      rc = cli_unknown_option("table", argv[i]);
      goto done;
    }
    paths[n++] = argv[i];
  }
  if (n == 0) {
    rc = cli_usage("table", "give one or more saved models (coinnet reg ... -o m1.json)");
    goto done;
  }
  if (nparen > 1) {
    rc = cli_usage("table", "--se, --t, --p and --ci exclude each other: give one");
    goto done;
  }
  bool to_file = !force && outp && strcmp(outp, "-");
  if (force) {
    o.format = *force;
  } else if (fmt) {
    if (!cn_regtable_format_by_name(fmt, &o.format)) {
      rc = cli_usage("table", "--format takes %s (got \"%s\")", cn_regtable_format_list(), fmt);
      goto done;
    }
  } else if (to_file && !cn_regtable_format_by_path(outp, &o.format)) {
    const char *dot = strrchr(outp, '.');
    if (dot && !strchr(dot, '/'))
      rc = cli_usage("table", "-o %s: unknown table format \"%s\"; the formats are %s (or give --format)", outp,
                     dot, cn_regtable_format_list());
    else
      rc = cli_usage("table", "-o %s: the file name has no extension to tell the format; end it in .txt, .md, "
                              ".tex, .csv, .html, .xlsx or .docx (or give --format)", outp);
    goto done;
  }
  if ((o.format == CN_REGTABLE_XLSX || o.format == CN_REGTABLE_DOCX) && !to_file) {
    rc = cli_usage("table", "%s table needs -o FILE.%s", o.format == CN_REGTABLE_XLSX ? "an xlsx" : "a docx",
                   o.format == CN_REGTABLE_XLSX ? "xlsx" : "docx");
    goto done;
  }
  if (digits) { /* N, or a list what=N / what=aN */
    char **dl;
    int k = split(&A, digits, ',', false, &dl);
    if (k < 0) goto oom;
    cn_regtable_digits *df = keep(&A, calloc((size_t)k + 1, sizeof *df));
    if (!df) goto oom;
    for (int q = 0; q < k; q++) {
      char *eq = strchr(dl[q], '=');
      int nd;
      bool sig;
      if (!eq) {
        if (!parse_digits(dl[q], &nd, &sig) || sig) goto bad_digits;
        o.digits = nd;
        continue;
      }
      *eq = '\0';
      if (!parse_digits(eq + 1, &nd, &sig)) goto bad_digits;
      const char *w = dl[q];
      if (!strcmp(w, "t") || !strcmp(w, "p") || !strcmp(w, "ci")) w = "se";
      df[o.n_digits_for++] = (cn_regtable_digits){w, nd, sig};
    }
    o.digits_for = df;
  }
  if (stars) {
    char **sl;
    int k = split(&A, stars, ',', false, &sl);
    if (k < 0) goto oom;
    if (k > CN_REGTABLE_MAX_STARS) {
      rc = cli_usage("table", "--stars takes up to %d levels, as 0.1,0.05,0.01", CN_REGTABLE_MAX_STARS);
      goto done;
    }
    o.n_stars = k;
    if (k == 1 && !strcmp(sl[0], "none")) o.n_stars = 0;
    for (int q = 0; q < o.n_stars; q++) {
      char *end;
      o.stars[q] = strtod(sl[q], &end);
      if (*end || !(o.stars[q] > 0 && o.stars[q] < 1) || (q && !(o.stars[q] < o.stars[q - 1]))) {
        rc = cli_usage("table", "--stars takes decreasing levels between 0 and 1, as 0.1,0.05,0.01 (or none)");
        goto done;
      }
    }
  }
  char **l;
  if (keepl) {
    if ((o.n_keep = split(&A, keepl, ',', false, &l)) < 0) goto oom;
    o.keep = (const char *const *)l;
  }
  if (dropl) {
    if ((o.n_drop = split(&A, dropl, ',', false, &l)) < 0) goto oom;
    o.drop = (const char *const *)l;
  }
  if (orderl) {
    if ((o.n_order = split(&A, orderl, ',', false, &l)) < 0) goto oom;
    o.order = (const char *const *)l;
  }
  if (mtitles) {
    if ((o.n_mtitles = split(&A, mtitles, ',', true, &l)) < 0) goto oom;
    o.mtitles = (const char *const *)l;
  }
  if (stats) { /* key or key=Label; labels join the label list */
    if ((o.n_stats = split(&A, stats, ',', false, &l)) < 0) goto oom;
    o.stats = (const char *const *)l;
  }
  if (mgroups) {
    char **gl;
    int k = split(&A, mgroups, ',', false, &gl);
    if (k < 0) goto oom;
    const char **gn = keep(&A, calloc((size_t)k + 1, sizeof *gn));
    int *ga = keep(&A, calloc((size_t)k + 1, sizeof *ga)), *gb = keep(&A, calloc((size_t)k + 1, sizeof *gb));
    if (!gn || !ga || !gb) goto oom;
    for (int q = 0; q < k; q++) {
      char *eq = strrchr(gl[q], '=');
      if (!eq || eq == gl[q] || !parse_span(eq + 1, &ga[q], &gb[q])) {
        rc = cli_usage("table", "--mgroups takes LABEL=FROM-TO groups of columns, as \"OLS=1-2,Tobit=3\" "
                                "(got \"%s\")", gl[q]);
        goto done;
      }
      *eq = '\0';
      gn[q] = gl[q];
    }
    o.mgroup_labels = gn, o.mgroup_first = ga, o.mgroup_last = gb, o.n_mgroups = k;
  }
  if (nren) { /* old=new, each option a comma list */
    int cap = 0;
    for (int q = 0; q < nren; q++) cap += (int)strlen(renames[q]) / 2 + 1;
    const char **from = keep(&A, calloc((size_t)cap + 1, sizeof *from));
    const char **to = keep(&A, calloc((size_t)cap + 1, sizeof *to));
    if (!from || !to) goto oom;
    for (int q = 0; q < nren; q++) {
      int k = split(&A, renames[q], ',', false, &l);
      if (k < 0) goto oom;
      for (int e = 0; e < k; e++) {
        char *eq = strchr(l[e], '=');
        if (!eq || eq == l[e] || !eq[1]) {
          rc = cli_usage("table", "--rename takes OLD=NEW pairs, as \"L.lnpart=L.coinno\" (got \"%s\")", l[e]);
          goto done;
        }
        *eq = '\0';
        from[o.n_rename] = l[e], to[o.n_rename] = eq + 1;
        o.n_rename++;
      }
    }
    o.rename_from = from, o.rename_to = to;
  }
  if (nind) { /* "Label=pattern pattern" */
    const char **il = keep(&A, calloc((size_t)nind + 1, sizeof *il)), **ip = keep(&A, calloc((size_t)nind + 1, sizeof *ip));
    if (!il || !ip) goto oom;
    for (int q = 0; q < nind; q++) {
      char *c = keep(&A, strdup(indicates[q])), *eq = c ? strrchr(c, '=') : NULL;
      if (!c) goto oom;
      if (!eq || eq == c || !eq[1]) {
        rc = cli_usage("table", "--indicate takes \"LABEL=PATTERN [PATTERN...]\", as \"Industry FE=ind2::*\" (got \"%s\")",
                       indicates[q]);
        goto done;
      }
      *eq = '\0';
      for (char *e = eq; e > c && e[-1] == ' ';) *--e = '\0';
      il[q] = c, ip[q] = eq + 1;
    }
    o.indicate_labels = il, o.indicate_patterns = ip, o.n_indicate = nind;
  }
  if (nadd) { /* "Label=a,b,c" */
    const char **al = keep(&A, calloc((size_t)nadd + 1, sizeof *al));
    const char *const **ac = keep(&A, calloc((size_t)nadd + 1, sizeof *ac));
    int *an = keep(&A, calloc((size_t)nadd + 1, sizeof *an));
    if (!al || !ac || !an) goto oom;
    for (int q = 0; q < nadd; q++) {
      char *c = keep(&A, strdup(addrows[q])), *eq = c ? strchr(c, '=') : NULL;
      if (!c) goto oom;
      if (!eq || eq == c) {
        rc = cli_usage("table", "--add-row takes \"LABEL=CELL1,CELL2,...\" (got \"%s\")", addrows[q]);
        goto done;
      }
      *eq = '\0';
      if ((an[q] = split(&A, eq + 1, ',', true, &l)) < 0) goto oom;
      al[q] = c, ac[q] = (const char *const *)l;
    }
    o.add_labels = al, o.add_cells = ac, o.n_add_cells = an, o.n_add = nadd;
  }
  o.notes = notes, o.n_notes = nnotes;
  /* labels: the files in order (the first label of a name wins), then the
   * labels given in --stats */
  if (nlabelf || o.n_stats) {
    const char **ln = keep(&A, calloc(MAX_LABELS + (size_t)o.n_stats + 1, sizeof *ln));
    const char **lb = keep(&A, calloc(MAX_LABELS + (size_t)o.n_stats + 1, sizeof *lb));
    if (!ln || !lb) goto oom;
    for (int q = 0; q < o.n_stats; q++) {
      char *eq = strchr((char *)o.stats[q], '=');
      if (!eq) continue;
      *eq = '\0';
      ln[o.n_labels] = o.stats[q], lb[o.n_labels] = eq + 1;
      o.n_labels++;
    }
    for (int q = 0; q < nlabelf; q++)
      if ((rc = read_labels(labelf[q], &lts[q], ln, lb, &o.n_labels, MAX_LABELS)) != 0) goto done;
    o.label_names = ln, o.labels = lb;
  }
  for (int j = 0; j < n; j++)
    if ((rc = cli_read_model(paths[j], &models[j])) != 0) goto done;
  const cn_model *const *ms = (const cn_model *const *)models;
  if (to_file) {
    if (cn_regtable_write(ms, n, &o, outp, &d) != CN_OK) rc = cli_fail(&d);
  } else if (cn_regtable_text(ms, n, &o, &out, &d) != CN_OK) {
    rc = cli_fail(&d);
  } else if (force) {
    *text = out;
    out = NULL;
  } else {
    fputs(out, stdout);
  }
  goto done;
bad_digits:
  rc = cli_usage("table", "--digits takes N (decimals, 0 to 10) or a list as b=3,se=3,r2=a2 (aN: N significant "
                          "digits); the statistics are b, se, %s", cn_regtable_stat_list());
  goto done;
oom:
  fprintf(stderr, "%s: out of memory\n", cli_prefix);
  rc = 5;
done:
  for (int j = 0; models && j < n; j++) cn_model_free(models[j]);
  for (int q = 0; lts && q < nlabelf; q++) cn_table_free(lts[q]);
  arena_free(&A);
  cn_free(out);
  return rc;
}

static int run_table(int argc, char **argv) { return table_main(argc, argv, NULL, NULL); }

int cli_table_text(int argc, char **argv, cn_regtable_format fmt, char **out) {
  *out = NULL;
  return table_main(argc, argv, &fmt, out);
}

const cli_cmd cli_table_cmds[] = {
    {"table", "", run_table, "saved models side by side, as esttab",
     "usage: coinnet table MODEL.json... [-o FILE] [--format F] [--title TEXT]\n"
     "                     [--keep A,B] [--drop A,B] [--order A,B] [--rename OLD=NEW]\n"
     "                     [--indicate 'LABEL=PATTERN'] [--mtitles A,B] [--mgroups 'G=1-2']\n"
     "                     [--se|--t|--p|--ci] [--stats N,r2,...] [--digits N|b=3,se=3]\n"
     "                     [--stars 0.1,0.05,0.01] [--labels FILE] [--add-row 'LABEL=a,b']\n"
     "                     [--note TEXT] [--first-stage]\n\n"
     "The regression table of a paper from models saved with `coinnet reg ... -o\n"
     "m1.json`: one column per model, headed (1), (2), ... and the dependent\n"
     "variable; each coefficient with its stars, its standard error in parentheses\n"
     "below (coefficients in order of first appearance, _cons last); a Heckman\n"
     "selection equation and the auxiliary parameters (Tobit's sigma, Heckman's\n"
     "lambda, rho, sigma) in panels of their own; then a Yes/No row per fixed effect\n"
     "(absorbed, or entered as dummies by tobit and probit), the cluster variables,\n"
     "N, within R2 and R2, and notes on the errors and the stars. A MODEL that is\n"
     "not a file but names one with .json added is read from there. docs/tables.md\n"
     "has the details.\n\n"
     "options:\n"
     "  -o, --out FILE  write the table there; its extension gives the format: .txt,\n"
     "                  .md, .tex, .csv, .html, .xlsx or .docx (others are refused)\n"
     "  --format F      txt (aligned text, default), md, tex (booktabs), csv, html,\n"
     "                  xlsx, docx (Word); overrides the extension\n"
     "  --title TEXT    a title above the table (a caption in tex and html)\n"
     "  --keep A,B      show only these coefficients (* and ? match any text)\n"
     "  --drop A,B      leave these coefficients out\n"
     "  --order A,B     these coefficients first, in this order, then the others\n"
     "  --rename O=N    show coefficient O as N (and in the row of N), before\n"
     "                  keep/drop/order; a comma list, or repeat the option\n"
     "  --indicate 'L=P ...'  a row L saying Yes where a coefficient or fixed effect\n"
     "                  matches a pattern P, No elsewhere; matching rows go (repeat\n"
     "                  for more rows): --indicate 'Industry FE=ind2::*'\n"
     "  --mtitles A,B   column titles instead of the dependent variables\n"
     "  --mgroups 'G=1-2,H=3-4'  titles spanning groups of columns\n"
     "  --se, --t, --p, --ci  the parentheses hold standard errors (default), t\n"
     "                  statistics, p-values, or [95% confidence intervals]\n"
     "  --stats L       the statistic rows, in order: KEY or KEY=Label; keys:\n"
     "                  clusters, N, r2, r2_a, r2_within, r2_within_a, pseudo_r2, ll,\n"
     "                  ll0, rmse, F, N_clust, first_F, kp_lm, weak_F, cd_F, N_left,\n"
     "                  N_unc, N_right\n"
     "  --digits D      decimals of every number (default 3), or per statistic:\n"
     "                  b=3,se=2,r2=4 (b: coefficients, se: the parentheses, any\n"
     "                  --stats key); aN for N significant digits, as b=a3\n"
     "  --stars L       significance levels for *, **, ***: default 0.1,0.05,0.01;\n"
     "                  none for no stars\n"
     "  --labels FILE   a table with columns name,label, or a .dta file (its\n"
     "                  variable labels): coefficients, fixed effects, clusters,\n"
     "                  dependent variables and statistics shown by label; with\n"
     "                  labels, L.x reads \"<x>, lagged\", _cons \"Constant\" (repeat for\n"
     "                  more files; the first label of a name wins)\n"
     "  --add-row 'L=a,b'  a row of your own above the statistics (repeatable)\n"
     "  --note TEXT     a line below the notes (repeatable)\n"
     "  --first-stage   iv models: a column per first stage before the second stage\n"
     "\nexample:\n"
     "  coinnet reg grunfeld.csv 'inv ~ capital | firm + year' --cluster firm -o m1.json\n"
     "  coinnet reg grunfeld.csv 'inv ~ value + capital | firm + year' --cluster firm -o m2.json\n"
     "  coinnet table m1.json m2.json --mtitles Base,Full -o table1.docx\n"},
    {NULL, NULL, NULL, NULL, NULL}};
