/* cli/table.c — `coinnet table MODEL.json... [options]`: saved models side
 * by side in the paper's regression table (esttab). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

/* Splits "a, b" at commas into a list of trimmed, non-empty items (one
 * block: free(*out) releases it). Returns the count, or -1 when out of
 * memory. */
static int split_names(const char *s, char ***out) {
  size_t n = strlen(s), k = 2;
  for (const char *p = s; *p; p++) k += *p == ',';
  char **v = malloc(k * sizeof *v + n + 1);
  if (!v) return -1;
  char *copy = (char *)(v + k);
  memcpy(copy, s, n + 1);
  int c = 0;
  for (char *tok = copy, *next; tok; tok = next) {
    next = strchr(tok, ',');
    if (next) *next++ = '\0';
    while (*tok == ' ') tok++;
    char *e = tok + strlen(tok);
    while (e > tok && e[-1] == ' ') *--e = '\0';
    if (*tok) v[c++] = tok;
  }
  v[c] = NULL;
  *out = v;
  return c;
}

/* Reads the labels table (columns name and label) into two parallel
 * lists owned by the table; prints errors. */
static int read_labels(const char *path, cn_table **t, const char ***names, const char ***labels,
                       int *n) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  static const char *const text_cols[] = {"name", "label"};
  ro.string_cols = text_cols;
  ro.n_string_cols = 2;
  int rc = cli_read(path, &ro, t);
  if (rc) return rc;
  int cn = cn_table_find(*t, "name"), cl = cn_table_find(*t, "label");
  if (cn < 0 || cl < 0) {
    fprintf(stderr, "%s: %s: a labels file needs the columns name and label\n", cli_prefix, path);
    return 4;
  }
  int64_t nr = cn_table_nrow(*t);
  if (nr > 1000000) {
    fprintf(stderr, "%s: %s: too many labels\n", cli_prefix, path);
    return 4;
  }
  *names = calloc((size_t)nr + 1, sizeof **names);
  *labels = calloc((size_t)nr + 1, sizeof **labels);
  if (!*names || !*labels) {
    fprintf(stderr, "%s: out of memory\n", cli_prefix);
    return 5;
  }
  for (int64_t r = 0; r < nr; r++) {
    (*names)[r] = cn_table_str(*t, cn, r, NULL);
    (*labels)[r] = cn_table_str(*t, cl, r, NULL);
  }
  *n = (int)nr;
  return 0;
}

/* `coinnet table`: prints the table, or writes it to -o. With force, the
 * table is rendered in *force into *text instead (-o and --format ignored). */
static int table_main(int argc, char **argv, const cn_regtable_format *force, char **text) {
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  const char *fmt = NULL, *outp = NULL, *digits = NULL, *stars = NULL, *labels = NULL,
             *keep = NULL, *drop = NULL;
  const char **paths = calloc((size_t)argc + 1, sizeof *paths);
  cn_model **models = calloc((size_t)argc + 1, sizeof *models);
  char **kl = NULL, **dl = NULL, **sl = NULL, *out = NULL, *alt = NULL;
  const char **lnames = NULL, **llabels = NULL;
  cn_table *lt = NULL;
  int n = 0, rc = 0;
  cn_diag d;
  if (!paths || !models) {
    fprintf(stderr, "%s: out of memory\n", cli_prefix);
    rc = 5;
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--format", &fmt)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--digits", &digits)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--stars", &stars)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--labels", &labels)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--keep", &keep)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--drop", &drop)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--title", &o.title)) != 0) {
      if (r < 0) {
        rc = cli_usage("table", "option %s needs a value", argv[i]);
        goto done;
      }
      continue;
    }
    if (cli_flag(argv, i, "--first-stage")) {
      o.first_stage = true;
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
  bool to_file = !force && outp && strcmp(outp, "-");
  if (force) {
    o.format = *force;
  } else if (fmt) {
    if (!cn_regtable_format_by_name(fmt, &o.format)) {
      rc = cli_usage("table", "--format takes txt, md, tex, csv, html or xlsx (got \"%s\")", fmt);
      goto done;
    }
  } else if (to_file && !cn_regtable_format_by_path(outp, &o.format)) {
    o.format = CN_REGTABLE_TXT;
  }
  if (o.format == CN_REGTABLE_XLSX && !to_file) {
    rc = cli_usage("table", "an xlsx table needs -o FILE.xlsx");
    goto done;
  }
  if (digits) {
    char *end;
    long v = strtol(digits, &end, 10);
    if (!*digits || *end || v < 0 || v > 10) {
      rc = cli_usage("table", "--digits takes a whole number from 0 to 10");
      goto done;
    }
    o.digits = (int)v;
  }
  if (stars) {
    int k = split_names(stars, &sl);
    if (k < 0 || k > CN_REGTABLE_MAX_STARS) {
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
  if (keep) {
    if ((o.n_keep = split_names(keep, &kl)) < 0) goto oom;
    o.keep = (const char *const *)kl;
  }
  if (drop) {
    if ((o.n_drop = split_names(drop, &dl)) < 0) goto oom;
    o.drop = (const char *const *)dl;
  }
  if (labels) {
    if ((rc = read_labels(labels, &lt, &lnames, &llabels, &o.n_labels)) != 0) goto done;
    o.label_names = lnames;
    o.labels = llabels;
  }
  for (int j = 0; j < n; j++) {
    /* a name kept by `--name N` stands for N.json */
    const char *p = paths[j];
    if (access(p, F_OK) != 0) {
      size_t L = strlen(p);
      cn_free(alt);
      if (!(alt = cn_malloc(L + 6))) goto oom;
      memcpy(alt, p, L);
      memcpy(alt + L, ".json", 6);
      if (access(alt, F_OK) == 0) p = alt;
    }
    if (cn_model_read_json(p, &models[j], &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
  }
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
oom:
  fprintf(stderr, "%s: out of memory\n", cli_prefix);
  rc = 5;
done:
  for (int j = 0; models && j < n; j++) cn_model_free(models[j]);
  free(models);
  free(paths);
  free(kl);
  free(dl);
  free(sl);
  free(lnames);
  free(llabels);
  cn_table_free(lt);
  cn_free(out);
  cn_free(alt);
  return rc;
}

static int run_table(int argc, char **argv) { return table_main(argc, argv, NULL, NULL); }

int cli_table_text(int argc, char **argv, cn_regtable_format fmt, char **out) {
  *out = NULL;
  return table_main(argc, argv, &fmt, out);
}

const cli_cmd cli_table_cmds[] = {
    {"table", "", run_table, "saved models side by side, as esttab",
     "usage: coinnet table MODEL.json... [--format txt|md|tex|csv|html|xlsx] [-o FILE]\n"
     "                     [--digits N] [--stars 0.1,0.05,0.01] [--labels FILE]\n"
     "                     [--keep A,B] [--drop A,B] [--title TEXT]\n\n"
     "The regression table of a paper from models saved with `coinnet reg ... -o\n"
     "m1.json`: one column per model, headed (1), (2), ... and the dependent\n"
     "variable; each coefficient with its stars, its standard error in parentheses\n"
     "below (coefficients in order of first appearance, _cons last); then a row per\n"
     "fixed effect, the cluster variables, N, within R2 and R2, and a note on the\n"
     "errors and the stars. A MODEL that is not a file but names one with .json\n"
     "added is read from there: `--name m1` on an estimation writes m1.json, and\n"
     "`coinnet table m1` reads it back.\n\n"
     "options:\n"
     "  --format F     txt (aligned text, default), md, tex (booktabs), csv, html,\n"
     "                 xlsx; without it, the extension of -o decides\n"
     "  -o FILE        write the table there (xlsx needs it); default stdout\n"
     "  --digits N     decimals of coefficients, errors and R2 (default 3)\n"
     "  --first-stage  iv models: a column per first stage before the second stage\n"
     "  --stars L      significance levels for *, **, ***: default 0.1,0.05,0.01;\n"
     "                 none for no stars\n"
     "  --labels FILE  a table with columns name,label: coefficient, fixed-effect\n"
     "                 and dependent-variable names shown as their labels\n"
     "  --keep A,B     show only these coefficients (* and ? match any text)\n"
     "  --drop A,B     leave these coefficients out\n"
     "  --title TEXT   a title above the table (a caption in tex and html)\n"
     "\nexample:\n"
     "  coinnet reg grunfeld.csv 'inv ~ capital | firm + year' --cluster firm -o m1.json\n"
     "  coinnet reg grunfeld.csv 'inv ~ value + capital | firm + year' --cluster firm -o m2.json\n"
     "  coinnet table m1.json m2.json --format tex -o table1.tex\n"},
    {NULL, NULL, NULL, NULL, NULL}};
