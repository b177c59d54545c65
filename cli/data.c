/* cli/data.c — `coinnet data ...`: describe and convert tables; gen, keep,
 * winsor, merge and lag (the data-preparation verbs). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Prints t as an aligned text table: text left-aligned, numbers right-
 * aligned with 7 significant digits, missing as blank. */
static void print_text_table(const cn_table *t, FILE *fp) {
  int nc = cn_table_ncol(t);
  int64_t nr = cn_table_nrow(t);
  int64_t *w = calloc((size_t)nc, sizeof *w);
  char cell[512];
  if (!w) return;
  for (int j = 0; j < nc; j++) w[j] = cn_text_width(cn_table_name(t, j));
  for (int64_t i = 0; i < nr; i++)
    for (int j = 0; j < nc; j++) {
      if (cn_table_type(t, j) == CN_DOUBLE && !cn_table_is_na(t, j, i))
        snprintf(cell, sizeof cell, "%.7g", cn_table_get_num(t, j, i));
      else
        cn_table_cell_text(t, j, i, cell, sizeof cell);
      int64_t k = cn_text_width(cell);
      if (k > w[j]) w[j] = k;
    }
  for (int64_t i = -1; i < nr; i++) {
    size_t len = 0;
    char line[4096];
    for (int j = 0; j < nc && len < sizeof line - 600; j++) {
      bool num = cn_table_type(t, j) != CN_STRING;
      if (i < 0) snprintf(cell, sizeof cell, "%s", cn_table_name(t, j));
      else if (cn_table_type(t, j) == CN_DOUBLE && !cn_table_is_na(t, j, i))
        snprintf(cell, sizeof cell, "%.7g", cn_table_get_num(t, j, i));
      else cn_table_cell_text(t, j, i, cell, sizeof cell);
      int64_t pad = w[j] - cn_text_width(cell);
      if (pad > 256) pad = 256;
      len += (size_t)snprintf(line + len, sizeof line - len, "%s%*s%s%*s", j ? "  " : "",
                              num ? (int)pad : 0, "", cell, num ? 0 : (int)pad, "");
    }
    while (len && line[len - 1] == ' ') len--; /* no trailing blanks */
    line[len] = '\0';
    fprintf(fp, "%s\n", line);
  }
  free(w);
}

/* Builds the summary table: one row per column of t. */
static cn_status summarize(const cn_table *t, cn_table **out, cn_diag *d) {
  int nc = cn_table_ncol(t);
  cn_table *s = cn_table_new(nc);
  cn_status st = CN_OK;
  bool labels = false;
  if (!s) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int j = 0; j < nc; j++) labels |= cn_table_label(t, j) != NULL;
  int c_name = cn_table_add_column(s, "column", CN_STRING, d);
  int c_type = cn_table_add_column(s, "type", CN_STRING, d);
  int c_miss = cn_table_add_column(s, "missing", CN_INT64, d);
  int c_min = cn_table_add_column(s, "min", CN_DOUBLE, d);
  int c_mean = cn_table_add_column(s, "mean", CN_DOUBLE, d);
  int c_max = cn_table_add_column(s, "max", CN_DOUBLE, d);
  int c_dist = cn_table_add_column(s, "distinct", CN_INT64, d);
  int c_lab = labels ? cn_table_add_column(s, "label", CN_STRING, d) : 0;
  if (c_name < 0 || c_type < 0 || c_miss < 0 || c_min < 0 || c_mean < 0 ||
      c_max < 0 || c_dist < 0 || c_lab < 0) {
    st = d->code;
    goto done;
  }
  for (int j = 0; j < nc; j++) {
    cn_col_summary cs;
    if ((st = cn_table_summarize(t, j, &cs, d)) != CN_OK) goto done;
    if ((st = cn_table_set_str(s, c_name, j, cn_table_name(t, j), d)) != CN_OK ||
        (st = cn_table_set_str(s, c_type, j, cn_type_name(cn_table_type(t, j)), d)) != CN_OK ||
        (labels && (st = cn_table_set_str(s, c_lab, j, cn_table_label(t, j), d)) != CN_OK))
      goto done;
    cn_table_i64_mut(s, c_miss)[j] = cs.n_missing;
    cn_table_dbl_mut(s, c_min)[j] = cs.min;
    cn_table_dbl_mut(s, c_mean)[j] = cs.mean;
    cn_table_dbl_mut(s, c_max)[j] = cs.max;
    cn_table_i64_mut(s, c_dist)[j] = cs.n_distinct < 0 ? CN_NA_INT64 : cs.n_distinct;
  }
  *out = s;
  s = NULL;
done:
  cn_table_free(s);
  return st;
}

static int run_describe(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *in = NULL, *outp = NULL;
  cn_table *t = NULL, *s = NULL;
  cn_diag d;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0) {
      if (r < 0) return cli_usage("describe", "option %s needs a valid value", argv[i]);
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("describe", argv[i]);
    if (in) return cli_usage("describe", "one DATA file only (got \"%s\" too)", argv[i]);
    in = argv[i];
  }
  if (!in) return cli_usage("describe", "DATA is missing");
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  if (summarize(t, &s, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (outp && strcmp(outp, "-") != 0) {
    if (cn_table_write(s, outp, NULL, &d) != CN_OK) rc = cli_fail(&d);
    goto done;
  }
  if (outp) {
    if (cn_table_write_csv_fp(s, stdout, ',', &d) != CN_OK) rc = cli_fail(&d);
    goto done;
  }
  printf("%s: %lld rows, %d columns\n\n", in, (long long)cn_table_nrow(t),
         cn_table_ncol(t));
  print_text_table(s, stdout);
done:
  cn_table_free(t);
  cn_table_free(s);
  return rc;
}

static int run_convert(int argc, char **argv) {
  cn_read_opts ro;
  cn_write_opts wo;
  cn_read_opts_init(&ro);
  cn_write_opts_init(&wo);
  const char *in = NULL, *outp = NULL, *v;
  cn_table *t = NULL;
  cn_diag d;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--out-table", &wo.sqlite_table)) != 0) {
      if (r < 0) return cli_usage("convert", "option %s needs a valid value", argv[i]);
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--dta-version", &v)) != 0) {
      char *end;
      long ver = r > 0 ? strtol(v, &end, 10) : 0;
      if (r < 0 || *end || ver < 104 || ver > 119)
        return cli_usage("convert", "--dta-version takes a version from 104 to 119");
      wo.dta_version = (int)ver;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("convert", argv[i]);
    if (in) return cli_usage("convert", "one input file only (got \"%s\" too)", argv[i]);
    in = argv[i];
  }
  if (!in) return cli_usage("convert", "IN is missing");
  if (!outp) return cli_usage("convert", "-o OUT is missing (use -o - for CSV on stdout)");
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  cn_status st = strcmp(outp, "-") == 0 ? cn_table_write_csv_fp(t, stdout, ',', &d)
                                       : cn_table_write(t, outp, &wo, &d);
  if (st != CN_OK) rc = cli_fail(&d);
  else if (strcmp(outp, "-") != 0)
    fprintf(stderr, "%s: wrote %lld rows, %d columns to %s\n", cli_prefix,
            (long long)cn_table_nrow(t), cn_table_ncol(t), outp);
done:
  cn_table_free(t);
  return rc;
}

/* ---- gen, keep, winsor, merge, lag ---- */

/* Joins argv items with single spaces into a new string (free it). */
static char *join_args(char **items, int n) {
  size_t len = 1;
  for (int i = 0; i < n; i++) len += strlen(items[i]) + 1;
  char *s = malloc(len), *p = s;
  if (!s) return NULL;
  *p = '\0';
  for (int i = 0; i < n; i++) p += sprintf(p, "%s%s", i ? " " : "", items[i]);
  return s;
}

/* Writes the result of a data verb; returns 0 or an exit code. */
static int write_result(const cn_table *t, const char *outp) {
  int rc = cli_write(t, outp);
  if (rc == 0 && outp && strcmp(outp, "-") != 0)
    fprintf(stderr, "%s: wrote %lld rows, %d columns to %s\n", cli_prefix,
            (long long)cn_table_nrow(t), cn_table_ncol(t), outp);
  return rc;
}

static const char *plural(int64_t n) { return n == 1 ? "" : "s"; }

static int run_gen(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *in = NULL, *outp = NULL;
  char **pos = calloc((size_t)argc, sizeof *pos), *text = NULL;
  int npos = 0, replace = 0, rc = 0;
  cn_table *t = NULL;
  cn_diag d;
  if (!pos) return 5;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0) {
      if (r < 0) {
        rc = cli_usage("gen", "option %s needs a valid value", argv[i]);
        goto done;
      }
      continue;
    }
    if (!strcmp(argv[i], "--replace")) {
      replace = 1;
      continue;
    }
    if (!strncmp(argv[i], "--", 2) && argv[i][2]) {
      rc = cli_unknown_option("gen", argv[i]);
      goto done;
    }
    if (!in) in = argv[i];
    else pos[npos++] = argv[i];
  }
  if (!in) {
    rc = cli_usage("gen", "DATA is missing");
    goto done;
  }
  if (!(text = join_args(pos, npos))) {
    rc = 5;
    goto done;
  }
  /* NAME = EXPR, NAME=EXPR, `NAME` = EXPR */
  char *p = text, *name, *eq;
  while (*p == ' ') p++;
  if (*p == '`') {
    name = ++p;
    while (*p && *p != '`') p++;
    if (*p) *p++ = '\0';
  } else {
    name = p;
    while (*p && *p != ' ' && *p != '=') p++;
  }
  eq = p;
  while (*eq == ' ') eq++;
  if (*eq != '=' || eq[1] == '=' || p == name) {
    rc = cli_usage("gen", "expected NAME = EXPR");
    goto done;
  }
  *p = '\0';
  const char *expr = eq + 1;
  while (*expr == ' ') expr++;
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  int64_t miss = 0;
  if (cn_prep_gen(&t, name, expr, replace, &miss, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (miss)
    fprintf(stderr, "%s: note: %lld missing value%s generated\n", cli_prefix, (long long)miss, plural(miss));
  rc = write_result(t, outp);
done:
  free(pos);
  free(text);
  cn_table_free(t);
  return rc;
}

/* `data keep` and `data drop`: rows (if EXPR, --if EXPR) or columns
 * (VARS, with * and ? wildcards), as Stata's keep / drop. */
static int keep_or_drop(int argc, char **argv, int drop) {
  const char *cmd = drop ? "drop" : "keep";
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *in = NULL, *outp = NULL, *ifx = NULL;
  char **pos0 = calloc((size_t)argc, sizeof *pos0), **pos = pos0, *text = NULL;
  const char **vars = calloc((size_t)argc + 1, sizeof *vars);
  int npos = 0, nvars = 0, rc = 0;
  cn_table *t = NULL, *k = NULL;
  cn_diag d;
  if (!pos || !vars) {
    rc = 5;
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--if", &ifx)) != 0) {
      if (r < 0) {
        rc = cli_usage(cmd, "option %s needs a valid value", argv[i]);
        goto done;
      }
      continue;
    }
    if (!strncmp(argv[i], "--", 2) && argv[i][2]) {
      rc = cli_unknown_option(cmd, argv[i]);
      goto done;
    }
    if (!in) in = argv[i];
    else pos[npos++] = argv[i];
  }
  if (!in) {
    rc = cli_usage(cmd, "DATA is missing");
    goto done;
  }
  bool rows = ifx != NULL;
  if (!ifx && npos && !strcmp(pos[0], "if")) pos++, npos--, rows = true;
  else if (!ifx && npos && !strncmp(pos[0], "if ", 3)) pos[0] += 3, rows = true;
  if (ifx && npos) {
    rc = cli_usage(cmd, "--if EXPR takes the whole condition (got \"%s\" too)", pos[0]);
    goto done;
  }
  if (!rows && !npos) {
    rc = cli_usage(cmd, "expected: %s DATA VARS, or %s DATA if EXPR", cmd, cmd);
    goto done;
  }
  if (rows && !ifx && !npos) {
    rc = cli_usage(cmd, "expected an expression after if");
    goto done;
  }
  if (rows && !ifx && !(text = join_args(pos, npos))) {
    rc = 5;
    goto done;
  }
  if (!rows) {
    /* one slot per name: a list "a,b,c" in one argument holds several */
    size_t cap = 1;
    for (int j = 0; j < npos; j++)
      for (const char *c = pos[j]; *c; c++) cap += *c == ',' || *c == ' ';
    cap += (size_t)npos;
    free(vars);
    if (!(vars = calloc(cap, sizeof *vars))) {
      rc = 5;
      goto done;
    }
    for (int j = 0; j < npos; j++)
      for (char *tok = strtok(pos[j], ", "); tok; tok = strtok(NULL, ", ")) vars[nvars++] = tok;
  }
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  if (!rows) {
    if (cn_prep_select(t, vars, nvars, drop, &k, &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
    int gone = cn_table_ncol(t) - cn_table_ncol(k);
    fprintf(stderr, "%s: note: %d column%s dropped, %d kept\n", cli_prefix, gone,
            gone == 1 ? "" : "s", cn_table_ncol(k));
    rc = write_result(k, outp);
    goto done;
  }
  cn_keep_counts c;
  const char *cond = ifx ? ifx : text;
  if ((drop ? cn_prep_drop_if(t, cond, &k, &c, &d) : cn_prep_keep(t, cond, &k, &c, &d)) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  fprintf(stderr, "%s: note: %lld row%s dropped, %lld kept", cli_prefix, (long long)c.dropped,
          plural(c.dropped), (long long)c.kept);
  if (c.dropped_missing)
    fprintf(stderr, drop ? " (%lld kept because the condition is missing)"
                         : " (%lld dropped because the condition is missing)",
            (long long)c.dropped_missing);
  fputc('\n', stderr);
  rc = write_result(k, outp);
done:
  free(pos0);
  free(vars);
  cn_table_free(t);
  cn_table_free(k);
  free(text);
  return rc;
}

static int run_keep(int argc, char **argv) { return keep_or_drop(argc, argv, 0); }
static int run_drop(int argc, char **argv) { return keep_or_drop(argc, argv, 1); }

/* Splits "a,b c" (commas or spaces) into items appended to list. */
static int split_names(char *s, const char **list, int n, int cap) {
  for (char *tok = strtok(s, ", "); tok && n < cap; tok = strtok(NULL, ", ")) list[n++] = tok;
  return n;
}

/* Parses a number option value; false when it is not one. */
static bool number_of(const char *v, double *out) {
  char *end;
  if (!v || !*v) return false;
  *out = strtod(v, &end);
  return *end == '\0' && isfinite(*out);
}

static int run_winsor(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_winsor_opts wo;
  cn_winsor_opts_init(&wo);
  const char *in = NULL, *outp = NULL, *v, *vars[256], *by[64];
  char *copies[300];
  int nvars = 0, nby = 0, ncopies = 0, rc = 0, r;
  cn_table *t = NULL;
  cn_winsor_counts wc[256];
  cn_diag d;
  for (int i = 1; i < argc; i++) {
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--suffix", &wo.suffix)) != 0) {
      if (r < 0) {
        rc = cli_usage("winsor", "option %s needs a valid value", argv[i]);
        goto done;
      }
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--cuts", &v)) != 0) {
      /* --cuts 1 99, --cuts 1,99 or --cuts "1 99" */
      char buf[128], *sp;
      snprintf(buf, sizeof buf, "%s", r > 0 ? v : "");
      if ((sp = strpbrk(buf, ", ")) != NULL) *sp++ = '\0';
      else if (r > 0 && i + 1 < argc) sp = argv[++i];
      if (r < 0 || !sp || !number_of(buf, &wo.lo) || !number_of(sp, &wo.hi) ||
          !(wo.lo >= 0 && wo.lo < wo.hi && wo.hi <= 100)) {
        rc = cli_usage("winsor", "--cuts takes two percentiles LOW HIGH with 0 <= LOW < HIGH <= 100");
        goto done;
      }
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--by", &v)) != 0) {
      if (r < 0 || ncopies == 300 || !(copies[ncopies++] = strdup(v))) {
        rc = cli_usage("winsor", "--by needs the group variables");
        goto done;
      }
      nby = split_names(copies[ncopies - 1], by, nby, 64);
      continue;
    }
    if (!strcmp(argv[i], "--trim")) {
      wo.trim = 1;
      continue;
    }
    if (!strcmp(argv[i], "--replace")) {
      wo.replace = 1;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) {
      rc = cli_unknown_option("winsor", argv[i]);
      goto done;
    }
    if (!in) {
      in = argv[i];
      continue;
    }
    if (ncopies == 300 || !(copies[ncopies++] = strdup(argv[i]))) {
      rc = 5;
      goto done;
    }
    nvars = split_names(copies[ncopies - 1], vars, nvars, 256);
  }
  if (!in) {
    rc = cli_usage("winsor", "DATA is missing");
    goto done;
  }
  if (!nvars) {
    rc = cli_usage("winsor", "name the variables to winsorize");
    goto done;
  }
  if (wo.replace && wo.suffix) {
    rc = cli_usage("winsor", "--suffix and --replace exclude each other");
    goto done;
  }
  wo.by = by;
  wo.n_by = nby;
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  if (cn_prep_winsor(&t, vars, nvars, &wo, wc, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  for (int j = 0; j < nvars; j++) {
    char bounds[128] = " per group";
    if (!nby) snprintf(bounds, sizeof bounds, " %.10g and %.10g", wc[j].lo, wc[j].hi);
    fprintf(stderr, "%s: note: %s: %lld value%s below p%g and %lld above p%g %s (bounds%s)",
            cli_prefix, vars[j], (long long)wc[j].low, plural(wc[j].low), wo.lo,
            (long long)wc[j].high, wo.hi, wo.trim ? "set to missing" : "set to the bounds", bounds);
    if (wc[j].missing) fprintf(stderr, "; %lld missing left missing", (long long)wc[j].missing);
    fputc('\n', stderr);
  }
  rc = write_result(t, outp);
done:
  for (int k = 0; k < ncopies; k++) free(copies[k]);
  cn_table_free(t);
  return rc;
}

static int run_merge(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_merge_opts mo;
  memset(&mo, 0, sizeof mo);
  const char *in[2] = {NULL, NULL}, *outp = NULL, *on = NULL, *type = NULL, *keep = "all";
  const char *keys[64];
  char *oncopy = NULL, *keepcopy = NULL;
  int nin = 0, rc = 0, r;
  cn_table *m = NULL, *u = NULL, *o = NULL;
  cn_merge_counts c;
  cn_diag d;
  for (int i = 1; i < argc; i++) {
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--on", &on)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--type", &type)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--keep", &keep)) != 0) {
      if (r < 0) {
        rc = cli_usage("merge", "option %s needs a value", argv[i]);
        goto done;
      }
      continue;
    }
    if (!strcmp(argv[i], "--nogen")) {
      mo.nogen = true;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) {
      rc = cli_unknown_option("merge", argv[i]);
      goto done;
    }
    if (nin == 2) {
      rc = cli_usage("merge", "two files only: MASTER and USING (got \"%s\" too)", argv[i]);
      goto done;
    }
    in[nin++] = argv[i];
  }
  if (nin < 2) {
    rc = cli_usage("merge", "MASTER and USING are needed");
    goto done;
  }
  if (!on) {
    rc = cli_usage("merge", "--on KEY[,KEY2] is missing");
    goto done;
  }
  if (!type) {
    rc = cli_usage("merge", "--type 1:1, m:1 or 1:m is missing");
    goto done;
  }
  if (!strcmp(type, "1:1")) mo.type = CN_MERGE_1_1;
  else if (!strcmp(type, "m:1")) mo.type = CN_MERGE_M_1;
  else if (!strcmp(type, "1:m")) mo.type = CN_MERGE_1_M;
  else {
    rc = cli_usage("merge", "--type takes 1:1, m:1 or 1:m");
    goto done;
  }
  if (!(oncopy = strdup(on)) || !(keepcopy = strdup(keep))) {
    rc = 5;
    goto done;
  }
  mo.keys = keys;
  mo.n_keys = split_names(oncopy, keys, 0, 64);
  const char *kw[8];
  int nkw = split_names(keepcopy, kw, 0, 8);
  for (int k = 0; k < nkw; k++) {
    if (!strcmp(kw[k], "all")) mo.keep |= 7;
    else if (!strcmp(kw[k], "master")) mo.keep |= CN_MERGE_KEEP_MASTER | CN_MERGE_KEEP_MATCH;
    else if (!strcmp(kw[k], "match")) mo.keep |= CN_MERGE_KEEP_MATCH;
    else if (!strcmp(kw[k], "using")) mo.keep |= CN_MERGE_KEEP_USING | CN_MERGE_KEEP_MATCH;
    else {
      rc = cli_usage("merge", "--keep takes all, master, match or using");
      goto done;
    }
  }
  mo.master_name = in[0];
  mo.using_name = in[1];
  if ((rc = cli_read(in[0], &ro, &m)) != 0 || (rc = cli_read(in[1], &ro, &u)) != 0) goto done;
  if (cn_prep_merge(m, u, &mo, &o, &c, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  fprintf(stderr, "%s: note: merge %s on %s: %lld matched, %lld from %s only, %lld from %s only\n",
          cli_prefix, type, on, (long long)c.matched, (long long)c.master_only, in[0],
          (long long)c.using_only, in[1]);
  if (c.dropped)
    fprintf(stderr, "%s: note: %lld unmatched row%s dropped (--keep %s)\n", cli_prefix,
            (long long)c.dropped, plural(c.dropped), keep);
  for (int j = 0; j < cn_table_ncol(u); j++) {
    const char *nm = cn_table_name(u, j);
    bool key = false;
    for (int k = 0; k < mo.n_keys; k++) key |= !strcmp(keys[k], nm);
    if (!key && cn_table_find(m, nm) >= 0)
      fprintf(stderr, "%s: note: column \"%s\" is in both files; the master's values are kept\n",
              cli_prefix, nm);
  }
  rc = write_result(o, outp);
done:
  free(oncopy);
  free(keepcopy);
  cn_table_free(m);
  cn_table_free(u);
  cn_table_free(o);
  return rc;
}

static int run_lag(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *in = NULL, *var = NULL, *outp = NULL, *panel = NULL, *name = NULL, *v;
  char *pcopy = NULL;
  long k = 1;
  int diff = 0, lead = 0, rc = 0, r;
  cn_table *t = NULL;
  cn_diag d;
  for (int i = 1; i < argc; i++) {
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--panel", &panel)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--name", &name)) != 0) {
      if (r < 0) {
        rc = cli_usage("lag", "option %s needs a value", argv[i]);
        goto done;
      }
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--k", &v)) != 0) {
      char *end;
      k = r > 0 ? strtol(v, &end, 10) : 0;
      if (r < 0 || *end || k == 0 || k > 100000 || k < -100000) {
        rc = cli_usage("lag", "--k takes a nonzero whole number of periods");
        goto done;
      }
      continue;
    }
    if (!strcmp(argv[i], "--diff")) {
      diff = 1;
      continue;
    }
    if (!strcmp(argv[i], "--lead")) {
      lead = 1;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) {
      rc = cli_unknown_option("lag", argv[i]);
      goto done;
    }
    if (!in) in = argv[i];
    else if (!var) var = argv[i];
    else {
      rc = cli_usage("lag", "one variable only (got \"%s\" too)", argv[i]);
      goto done;
    }
  }
  if (!in || !var) {
    rc = cli_usage("lag", "DATA and VAR are needed");
    goto done;
  }
  if (!panel || !strchr(panel, ',')) {
    rc = cli_usage("lag", "--panel ID,TIME is missing");
    goto done;
  }
  if (lead && diff) {
    rc = cli_usage("lag", "--lead and --diff exclude each other");
    goto done;
  }
  if (diff && k < 1) {
    rc = cli_usage("lag", "--diff needs --k >= 1");
    goto done;
  }
  if (lead) k = -k;
  if (!(pcopy = strdup(panel))) {
    rc = 5;
    goto done;
  }
  char *time = strchr(pcopy, ',');
  *time++ = '\0';
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  int64_t miss = 0;
  int before = cn_table_ncol(t);
  if (cn_prep_lag(&t, var, pcopy, time, (int)k, diff, name, &miss, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  const char *made = cn_table_name(t, before);
  fprintf(stderr, "%s: note: %s: %lld of %lld value%s missing (no row at time %s%+ld of the same id, or %s missing)\n",
          cli_prefix, made, (long long)miss, (long long)cn_table_nrow(t), plural(cn_table_nrow(t)),
          time, -k, var);
  rc = write_result(t, outp);
done:
  free(pcopy);
  cn_table_free(t);
  return rc;
}

/* ---- rename, collapse, egen, append, reshape, duplicates, destring ---- */

/* A value option (val) or a flag (flag) of a verb. */
typedef struct vopt {
  const char *name;
  const char **val;
  int *flag;
} vopt;

/* Scans a verb's arguments: the reader options, -o / --out, the options
 * opts, and the positional arguments into pos[*npos]. Options start with
 * "--" (or "-" and a letter); an unknown one is refused. Returns 0 or the
 * usage exit code. */
static int verb_args(int argc, char **argv, const char *cmd, cn_read_opts *ro, const char **outp,
                     const vopt *opts, int nopts, char **pos, int *npos) {
  *npos = 0;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", outp)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a valid value", argv[i]);
      continue;
    }
    bool hit = false;
    for (int k = 0; k < nopts && !hit; k++) {
      if (opts[k].flag) {
        if ((hit = !strcmp(argv[i], opts[k].name))) *opts[k].flag = 1;
        continue;
      }
      if ((r = cli_opt(argc, argv, &i, opts[k].name, opts[k].val)) != 0) {
        if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
        hit = true;
      }
    }
    if (hit) continue;
    const char *a = argv[i];
    if (a[0] == '-' && ((a[1] == '-' && a[2]) || (a[1] >= 'a' && a[1] <= 'z') || (a[1] >= 'A' && a[1] <= 'Z')))
      return cli_unknown_option(cmd, a);
    pos[(*npos)++] = argv[i];
  }
  return 0;
}

/* Copies of argument text that the command splits; freed when it ends. */
typedef struct dups {
  char *s[64];
  int n;
} dups;

static void dups_free(dups *k) {
  for (int i = 0; i < k->n; i++) free(k->s[i]);
  k->n = 0;
}

/* Splits a copy of s at commas and spaces into list[n..cap); returns the
 * new count, or -1 when out of memory. */
static int split_copy(dups *k, const char *s, const char **list, int n, int cap) {
  if (k->n == 64 || !(k->s[k->n] = strdup(s))) return -1;
  return split_names(k->s[k->n++], list, n, cap);
}

static int run_rename(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *outp = NULL;
  char **pos = calloc((size_t)argc, sizeof *pos);
  const char **from = calloc((size_t)argc, sizeof *from), **to = calloc((size_t)argc, sizeof *to);
  int npos = 0, rc = 0;
  cn_table *t = NULL;
  cn_diag d;
  if (!pos || !from || !to) {
    rc = 5;
    goto done;
  }
  if ((rc = verb_args(argc, argv, "rename", &ro, &outp, NULL, 0, pos, &npos)) != 0) goto done;
  if (npos < 3 || npos % 2 == 0) {
    rc = cli_usage("rename", "expected: rename DATA OLD NEW [OLD2 NEW2 ...]");
    goto done;
  }
  int n = 0;
  for (int k = 1; k + 1 < npos; k += 2, n++) from[n] = pos[k], to[n] = pos[k + 1];
  if ((rc = cli_read(pos[0], &ro, &t)) != 0) goto done;
  if (cn_prep_rename(t, from, to, n, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  rc = write_result(t, outp);
done:
  free(pos);
  free(from);
  free(to);
  cn_table_free(t);
  return rc;
}

/* Parses --weight aw=W / fw=W (also Stata's "[aw=W]"). */
static bool weight_of(const char *v, cn_weight_kind *k, const char **name, dups *keep) {
  if (keep->n == 64 || !(keep->s[keep->n] = strdup(v))) return false;
  char *s = keep->s[keep->n++], *e;
  if (*s == '[' && (e = strchr(s, ']')) && !e[1]) s++, *e = '\0';
  if (!strncmp(s, "aw=", 3) || !strncmp(s, "aweight=", 8)) *k = CN_WEIGHT_AW;
  else if (!strncmp(s, "fw=", 3) || !strncmp(s, "fweight=", 8)) *k = CN_WEIGHT_FW;
  else return false;
  *name = strchr(s, '=') + 1;
  return **name != '\0';
}

static int run_collapse(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_collapse_opts co;
  memset(&co, 0, sizeof co);
  const char *outp = NULL, *byv = NULL, *wv = NULL, *by[64];
  char **pos = calloc((size_t)argc, sizeof *pos), *spec = NULL;
  cn_collapse_item *items = calloc((size_t)argc * 2 + 1, sizeof *items);
  int npos = 0, rc = 0, nitems = 0, nby = 0;
  cn_table *t = NULL, *r = NULL;
  cn_collapse_counts cc;
  dups keep = {{0}, 0};
  cn_diag d;
  vopt opts[] = {{"--by", &byv, NULL}, {"--weight", &wv, NULL}, {"--if", &co.if_expr, NULL}};
  if (!pos || !items) {
    rc = 5;
    goto done;
  }
  if ((rc = verb_args(argc, argv, "collapse", &ro, &outp, opts, 3, pos, &npos)) != 0) goto done;
  if (npos < 2) {
    rc = cli_usage("collapse", "expected: collapse DATA (STAT) VARS ... [--by G]");
    goto done;
  }
  if (byv && (nby = split_copy(&keep, byv, by, 0, 64)) < 0) {
    rc = 5;
    goto done;
  }
  if (wv && !weight_of(wv, &co.wkind, &co.weight, &keep)) {
    rc = cli_usage("collapse", "--weight takes aw=VAR (analytic) or fw=VAR (frequency)");
    goto done;
  }
  if (!(spec = join_args(pos + 1, npos - 1))) {
    rc = 5;
    goto done;
  }
  { /* one item per word at most: an argument "a b c" holds several */
    size_t cap = 1;
    for (const char *c = spec; *c; c++) cap += *c == ' ';
    free(items);
    if (!(items = calloc(cap + 1, sizeof *items))) {
      rc = 5;
      goto done;
    }
  }
  /* (stat) [NAME=]VAR ... ; the statistic is mean until one is named */
  cn_stat stat = CN_STAT_MEAN;
  double p = 50;
  for (char *tok = strtok(spec, " "); tok; tok = strtok(NULL, " ")) {
    size_t len = strlen(tok);
    if (tok[0] == '(') {
      if (len < 3 || tok[len - 1] != ')') {
        rc = cli_usage("collapse", "expected (STAT), got \"%s\"", tok);
        goto done;
      }
      tok[len - 1] = '\0';
      if (cn_stat_parse(tok + 1, &stat, &p, &d) != CN_OK) {
        rc = cli_fail(&d);
        goto done;
      }
      continue;
    }
    char *eq = strchr(tok, '=');
    items[nitems].stat = stat;
    items[nitems].p = p;
    if (eq) {
      *eq = '\0';
      items[nitems].name = tok;
      items[nitems].var = eq + 1;
      if (!*tok || !eq[1]) {
        rc = cli_usage("collapse", "expected NEW=VAR");
        goto done;
      }
    } else {
      items[nitems].var = tok;
    }
    nitems++;
  }
  if (!nitems) {
    rc = cli_usage("collapse", "name the variables to collapse");
    goto done;
  }
  co.items = items;
  co.n_items = nitems;
  co.by = by;
  co.n_by = nby;
  if ((rc = cli_read(pos[0], &ro, &t)) != 0) goto done;
  if (cn_prep_collapse(t, &co, &r, &cc, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  fprintf(stderr, "%s: note: %lld row%s collapsed into %lld group%s", cli_prefix,
          (long long)(cn_table_nrow(t) - cc.dropped_if - cc.dropped_weight),
          plural(cn_table_nrow(t) - cc.dropped_if - cc.dropped_weight), (long long)cc.groups,
          plural(cc.groups));
  if (cc.dropped_if) fprintf(stderr, "; %lld left out by --if", (long long)cc.dropped_if);
  if (cc.dropped_weight)
    fprintf(stderr, "; %lld left out for a missing or zero weight", (long long)cc.dropped_weight);
  fputc('\n', stderr);
  rc = write_result(r, outp);
done:
  dups_free(&keep);
  free(pos);
  free(items);
  free(spec);
  cn_table_free(t);
  cn_table_free(r);
  return rc;
}

static int run_egen(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *outp = NULL, *byv = NULL, *ifx = NULL, *by[64];
  char **pos = calloc((size_t)argc, sizeof *pos), *text = NULL;
  int npos = 0, rc = 0, nby = 0;
  cn_table *t = NULL;
  dups keep = {{0}, 0};
  cn_diag d;
  vopt opts[] = {{"--by", &byv, NULL}, {"--if", &ifx, NULL}};
  if (!pos) return 5;
  if ((rc = verb_args(argc, argv, "egen", &ro, &outp, opts, 2, pos, &npos)) != 0) goto done;
  if (npos < 2) {
    rc = cli_usage("egen", "expected: egen DATA NAME = STAT(VAR) [--by G]");
    goto done;
  }
  if (byv && (nby = split_copy(&keep, byv, by, 0, 64)) < 0) {
    rc = 5;
    goto done;
  }
  if (!(text = join_args(pos + 1, npos - 1))) {
    rc = 5;
    goto done;
  }
  /* NAME = FN(VAR) or FN(VAR, P) */
  char name[256], fn[64], var[256], rest[64] = "";
  if (sscanf(text, " %255[^= ] = %63[^( ] ( %255[^,) ] %63[^)] )", name, fn, var, rest) < 3 ||
      !strchr(text, ')')) {
    rc = cli_usage("egen", "expected NAME = STAT(VAR), e.g. m = mean(sales)");
    goto done;
  }
  cn_stat stat;
  double p = 50;
  if (!strcmp(fn, "pctile")) {
    char *end;
    const char *q = rest[0] == ',' ? rest + 1 : rest;
    p = strtod(q, &end);
    stat = CN_STAT_PCTILE;
    if (!rest[0]) p = 50;
    else if (end == q) {
      rc = cli_usage("egen", "pctile(VAR, P) takes a percentile P");
      goto done;
    }
  } else if (cn_stat_parse(fn, &stat, &p, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if ((rc = cli_read(pos[0], &ro, &t)) != 0) goto done;
  int64_t miss = 0;
  if (cn_prep_egen(&t, name, stat, p, var, by, nby, ifx, &miss, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (miss)
    fprintf(stderr, "%s: note: %lld missing value%s generated\n", cli_prefix, (long long)miss, plural(miss));
  rc = write_result(t, outp);
done:
  dups_free(&keep);
  free(pos);
  free(text);
  cn_table_free(t);
  return rc;
}

static int run_append(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *outp = NULL, *gen = NULL;
  char **pos = calloc((size_t)argc, sizeof *pos);
  cn_table **tabs = calloc((size_t)argc, sizeof *tabs), *r = NULL;
  int npos = 0, rc = 0, nt = 0;
  cn_diag d;
  vopt opts[] = {{"--gen", &gen, NULL}};
  if (!pos || !tabs) {
    rc = 5;
    goto done;
  }
  if ((rc = verb_args(argc, argv, "append", &ro, &outp, opts, 1, pos, &npos)) != 0) goto done;
  if (npos < 2) {
    rc = cli_usage("append", "expected two or more files: append A B [C ...]");
    goto done;
  }
  for (nt = 0; nt < npos; nt++)
    if ((rc = cli_read(pos[nt], &ro, &tabs[nt])) != 0) goto done;
  if (cn_prep_append((const cn_table *const *)tabs, (const char *const *)pos, nt, gen, &r, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  for (int k = 0; k < nt; k++)
    for (int j = 0; j < cn_table_ncol(r); j++) {
      const char *nm = cn_table_name(r, j);
      if ((gen && !strcmp(nm, gen)) || cn_table_find(tabs[k], nm) >= 0 || !cn_table_nrow(tabs[k])) continue;
      fprintf(stderr, "%s: note: %s has no column \"%s\": missing on its %lld row%s\n", cli_prefix, pos[k],
              nm, (long long)cn_table_nrow(tabs[k]), plural(cn_table_nrow(tabs[k])));
    }
  rc = write_result(r, outp);
done:
  for (int k = 0; tabs && k < nt; k++) cn_table_free(tabs[k]);
  free(tabs);
  free(pos);
  cn_table_free(r);
  return rc;
}

static int run_reshape(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *outp = NULL, *iv = NULL, *jv = NULL, *ivars[64], **stubs = NULL;
  char **pos = calloc((size_t)argc, sizeof *pos);
  int npos = 0, rc = 0, jstring = 0, ni = 0, ns = 0;
  cn_table *t = NULL, *r = NULL;
  dups keep = {{0}, 0};
  cn_diag d;
  vopt opts[] = {{"--i", &iv, NULL}, {"--j", &jv, NULL}, {"--string", NULL, &jstring}};
  if (!pos || !(stubs = calloc((size_t)argc * 2 + 1, sizeof *stubs))) {
    rc = 5;
    goto done;
  }
  if ((rc = verb_args(argc, argv, "reshape", &ro, &outp, opts, 3, pos, &npos)) != 0) goto done;
  if (npos < 3 || (strcmp(pos[0], "long") && strcmp(pos[0], "wide"))) {
    rc = cli_usage("reshape", "expected: reshape long|wide DATA STUBS --i ID --j J");
    goto done;
  }
  if (!iv || !jv) {
    rc = cli_usage("reshape", "--i ID and --j J are needed");
    goto done;
  }
  bool wide = !strcmp(pos[0], "wide");
  if (wide && jstring) {
    rc = cli_usage("reshape", "--string is for reshape long (wide takes text j as it is)");
    goto done;
  }
  if ((ni = split_copy(&keep, iv, ivars, 0, 64)) < 0) {
    rc = 5;
    goto done;
  }
  for (int k = 2; k < npos; k++)
    if ((ns = split_copy(&keep, pos[k], stubs, ns, argc * 2)) < 0) {
      rc = 5;
      goto done;
    }
  if ((rc = cli_read(pos[1], &ro, &t)) != 0) goto done;
  cn_status st = wide ? cn_prep_reshape_wide(t, stubs, ns, ivars, ni, jv, &r, &d)
                      : cn_prep_reshape_long(t, stubs, ns, ivars, ni, jv, jstring, &r, &d);
  if (st != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  fprintf(stderr, "%s: note: reshape %s: %lld row%s, %d columns became %lld row%s, %d columns\n", cli_prefix,
          pos[0], (long long)cn_table_nrow(t), plural(cn_table_nrow(t)), cn_table_ncol(t),
          (long long)cn_table_nrow(r), plural(cn_table_nrow(r)), cn_table_ncol(r));
  rc = write_result(r, outp);
done:
  dups_free(&keep);
  free(pos);
  free(stubs);
  cn_table_free(t);
  cn_table_free(r);
  return rc;
}

static int run_duplicates(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *outp = NULL, **vars = NULL;
  char **pos = calloc((size_t)argc, sizeof *pos);
  int npos = 0, rc = 0, nv = 0;
  cn_table *t = NULL, *r = NULL;
  dups keep = {{0}, 0};
  cn_diag d;
  if (!pos || !(vars = calloc((size_t)argc * 2 + 1, sizeof *vars))) {
    rc = 5;
    goto done;
  }
  if ((rc = verb_args(argc, argv, "duplicates", &ro, &outp, NULL, 0, pos, &npos)) != 0) goto done;
  if (npos < 2 || (strcmp(pos[0], "report") && strcmp(pos[0], "drop"))) {
    rc = cli_usage("duplicates", "expected: duplicates report|drop DATA [VARS]");
    goto done;
  }
  for (int k = 2; k < npos; k++)
    if ((nv = split_copy(&keep, pos[k], vars, nv, argc * 2)) < 0) {
      rc = 5;
      goto done;
    }
  if ((rc = cli_read(pos[1], &ro, &t)) != 0) goto done;
  if (!strcmp(pos[0], "report")) {
    if (cn_prep_duplicates_report(t, vars, nv, &r, &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
    if (outp) {
      rc = write_result(r, outp);
      goto done;
    }
    printf("duplicates in terms of %s\n\n", nv ? "the named variables" : "all variables");
    print_text_table(r, stdout);
    goto done;
  }
  int64_t dropped = 0;
  if (cn_prep_duplicates_drop(t, vars, nv, &r, &dropped, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  fprintf(stderr, "%s: note: %lld duplicate row%s dropped (the first of each kept), %lld kept\n", cli_prefix,
          (long long)dropped, plural(dropped), (long long)cn_table_nrow(r));
  rc = write_result(r, outp);
done:
  dups_free(&keep);
  free(pos);
  free(vars);
  cn_table_free(t);
  cn_table_free(r);
  return rc;
}

static int run_destring(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_destring_opts dopt;
  memset(&dopt, 0, sizeof dopt);
  const char *outp = NULL, **vars = NULL, **na = NULL;
  char **pos = calloc((size_t)argc, sizeof *pos);
  int npos = 0, rc = 0, nv = 0;
  cn_table *t = NULL;
  cn_destring_counts *dc = NULL;
  dups keep = {{0}, 0};
  cn_diag d;
  vopt opts[] = {{"--ignore", &dopt.ignore, NULL}, {"--suffix", &dopt.suffix, NULL},
                 {"--percent", NULL, &dopt.percent}, {"--force", NULL, &dopt.force}};
  if (!pos || !(vars = calloc((size_t)argc * 2 + 1, sizeof *vars))) {
    rc = 5;
    goto done;
  }
  if ((rc = verb_args(argc, argv, "destring", &ro, &outp, opts, 4, pos, &npos)) != 0) goto done;
  if (npos < 2) {
    rc = cli_usage("destring", "expected: destring DATA VARS");
    goto done;
  }
  for (int k = 1; k < npos; k++)
    if ((nv = split_copy(&keep, pos[k], vars, nv, argc * 2)) < 0) {
      rc = 5;
      goto done;
    }
  /* missing: ".", "NA" and the --na codes (the CSV reader reads those as
   * missing already; other formats' text is checked here) */
  if (!(na = calloc((size_t)ro.n_na_strings + 3, sizeof *na)) || !(dc = calloc((size_t)nv, sizeof *dc))) {
    rc = 5;
    goto done;
  }
  na[0] = ".";
  na[1] = "NA";
  for (int k = 0; k < ro.n_na_strings; k++) na[2 + k] = ro.na_strings[k];
  dopt.na = na;
  dopt.n_na = 2 + ro.n_na_strings;
  if ((rc = cli_read(pos[0], &ro, &t)) != 0) goto done;
  if (cn_prep_destring(&t, vars, nv, &dopt, dc, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  for (int k = 0; k < nv; k++) {
    if (dc[k].already_numeric) {
      fprintf(stderr, "%s: note: %s is a number already; left as it is\n", cli_prefix, vars[k]);
      continue;
    }
    char nm[512];
    snprintf(nm, sizeof nm, "%s%s", vars[k], dopt.suffix ? dopt.suffix : "");
    int c = cn_table_find(t, nm);
    fprintf(stderr, "%s: note: %s: %lld number%s, %lld missing; %s is %s", cli_prefix, vars[k],
            (long long)dc[k].numbers, plural(dc[k].numbers), (long long)dc[k].missing, nm,
            cn_type_name(cn_table_type(t, c)));
    if (dc[k].forced)
      fprintf(stderr, "; %lld cell%s not a number made missing (the first: row %lld, \"%s\")",
              (long long)dc[k].forced, plural(dc[k].forced), (long long)dc[k].first_bad, dc[k].first_bad_text);
    fputc('\n', stderr);
  }
  rc = write_result(t, outp);
done:
  dups_free(&keep);
  free(pos);
  free(vars);
  free(na);
  free(dc);
  cn_table_free(t);
  return rc;
}

#define READ_HELP_TAIL                                                       \
  "\nCSV columns are int64 while every value is an integer, double when one\n" \
  "has a fraction, text otherwise; numbers with a leading zero (\"0101\") stay\n" \
  "text so that codes keep their digits. An .xlsx sheet is typed the same way.\n"

const cli_cmd cli_data_cmds[] = {
    {"data", "describe", run_describe,
     "rows, columns and a summary of each column",
     "usage: coinnet data describe DATA [options] [-o FILE]\n\n"
     "Reads DATA (.csv .tsv .txt .dta .sqlite .db .xlsx) and prints its number of rows\n"
     "and columns, and per column its type, missing count, min / mean / max\n"
     "(numbers) or number of distinct values (text), and its label (Stata).\n\n"
     "options:\n"
     "  -o FILE            write the summary as a table (format by extension; - for CSV)\n"
     "%s"
     READ_HELP_TAIL
     "\nexample:\n"
     "  coinnet data describe patents.csv --encoding gb18030\n"},
    {"data", "convert", run_convert,
     "convert between csv, tsv, dta and sqlite",
     "usage: coinnet data convert IN -o OUT [options]\n\n"
     "Reads IN and writes OUT in the format of its extension (.csv .tsv .dta\n"
     ".sqlite .db); -o - writes CSV to stdout. Stata files keep labels. IN may\n"
     "also be an Excel workbook (.xlsx, one sheet: --sheet).\n\n"
     "options:\n"
     "  -o OUT             the output file\n"
     "  --out-table NAME   SQLite: the table to (re)create (default: data)\n"
     "  --dta-version N    Stata: file version 104-119 (default 118)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data convert patents.csv --encoding gb18030 -o patents.dta\n"},
    {"data", "gen", run_gen,
     "a new variable from an expression",
     "usage: coinnet data gen DATA NAME = EXPR [--replace] [-o OUT]\n\n"
     "Adds the double column NAME = EXPR, computed row by row (\"NAME=EXPR\" as one\n"
     "argument works too; quote the expression for the shell). Missing values\n"
     "propagate: arithmetic with a missing value, log of a number <= 0 and x/0\n"
     "give missing; the count of missing results is noted on stderr.\n\n"
     "expressions: numbers, columns (`name with spaces` in backquotes), \"text\",\n"
     "  + - * / ^, == != < <= > >=, & | ! (and, or, not), x == . (missing),\n"
     "  log ln log10 log1p exp sqrt abs floor ceil int round min max missing cond\n"
     "  dates: date(s, \"YMD\") mdy year month day quarter dow doy ym mofd yq qofd\n"
     "  (a comparison with a missing value is missing: see docs/data.md)\n\n"
     "options:\n"
     "  --replace          overwrite NAME when it exists (it becomes double)\n"
     "  -o OUT             output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data gen firms.csv 'lsales = log(sales)' -o firms2.csv\n"},
    {"data", "keep", run_keep,
     "keep rows where a condition holds, or keep columns",
     "usage: coinnet data keep DATA if EXPR [-o OUT]\n"
     "       coinnet data keep DATA --if EXPR [-o OUT]\n"
     "       coinnet data keep DATA VARS [-o OUT]\n\n"
     "Keeps the rows where EXPR is true (nonzero); rows where it is false or\n"
     "missing are dropped and counted on stderr. EXPR as in 'data gen'. With\n"
     "VARS instead (Stata's keep varlist), keeps those columns in the table's\n"
     "order; names take the wildcards * and ? (inc* is every column starting\n"
     "with inc).\n\n"
     "options:\n"
     "  --if EXPR          the condition as one argument\n"
     "  -o, --out OUT      output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexamples:\n"
     "  coinnet data keep firms.csv if 'year >= 2005 & !missing(sales)' -o sub.csv\n"
     "  coinnet data keep firms.csv firm year 'sales*' -o narrow.csv\n"},
    {"data", "drop", run_drop,
     "drop rows where a condition holds, or drop columns",
     "usage: coinnet data drop DATA if EXPR [-o OUT]\n"
     "       coinnet data drop DATA --if EXPR [-o OUT]\n"
     "       coinnet data drop DATA VARS [-o OUT]\n\n"
     "Drops the rows where EXPR is true (Stata's drop if); a row whose\n"
     "condition is missing (a comparison with a missing value) is kept, and\n"
     "counted on stderr. With VARS instead, drops those columns (wildcards *\n"
     "and ? as in 'data keep').\n\n"
     "options:\n"
     "  --if EXPR          the condition as one argument\n"
     "  -o, --out OUT      output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexamples:\n"
     "  coinnet data drop firms.csv if 'sales < 0' -o clean.csv\n"
     "  coinnet data drop firms.csv 'tmp_*' -o clean.csv\n"},
    {"data", "rename", run_rename,
     "rename columns (Stata rename)",
     "usage: coinnet data rename DATA OLD NEW [OLD2 NEW2 ...] [-o OUT]\n\n"
     "Renames OLD to NEW, keeping the column's place. A NEW that exists already\n"
     "is an error (unless that column is renamed away in the same command, so\n"
     "that a b b a swaps two names).\n\n"
     "options:\n"
     "  -o, --out OUT      output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data rename firms.csv sales revenue yr year -o firms2.csv\n"},
    {"data", "winsor", run_winsor,
     "winsorize or trim at percentiles (winsor2)",
     "usage: coinnet data winsor DATA VARS [--cuts LOW HIGH] [--by G] [--trim]\n"
     "                           [--suffix S | --replace] [-o OUT]\n\n"
     "Sets values below the LOW-th percentile to it and values above the HIGH-th\n"
     "to it, like Stata's winsor2, with the percentiles of Stata's _pctile\n"
     "(P = N p/100; an integer P averages x(P) and x(P+1), else x(ceil P)).\n"
     "Missing values are left out and stay missing. VARS: names separated by\n"
     "spaces or commas.\n\n"
     "options:\n"
     "  --cuts LOW HIGH    percentiles (default 1 99)\n"
     "  --by G[,G2]        bounds within each group (missing is a group)\n"
     "  --trim             set the values outside the bounds to missing instead\n"
     "  --suffix S         name of the new columns: VAR+S (default _w, _tr with --trim)\n"
     "  --replace          overwrite the variables instead\n"
     "  -o OUT             output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data winsor firms.csv sales,assets --cuts 1 99 --by year -o w.csv\n"},
    {"data", "merge", run_merge,
     "merge two tables on key columns (Stata merge)",
     "usage: coinnet data merge MASTER USING --on K1[,K2] --type 1:1|m:1|1:m\n"
     "                          [--keep all|master|match|using] [--nogen] [-o OUT]\n\n"
     "Adds the columns of USING to the rows of MASTER with the same key, as\n"
     "Stata's merge: master rows in their order, then the rows found only in\n"
     "USING, and a column _merge: 1 master only, 2 using only, 3 matched. The\n"
     "counts are noted on stderr. A column in both files keeps the master's\n"
     "values. Keys are integers or text (the same kind in both files); a key\n"
     "that repeats where it must be unique (both files for 1:1, USING for m:1,\n"
     "MASTER for 1:m) is an error naming the key and its rows.\n\n"
     "options:\n"
     "  --on K1[,K2]       key columns, in both files\n"
     "  --type T           1:1, m:1 (many master rows per key) or 1:m\n"
     "  --keep WHICH       rows to keep: all (default), master (master only and\n"
     "                     matched), match, using (using only and matched);\n"
     "                     several joined by commas\n"
     "  --nogen            no _merge column (Stata's nogenerate)\n"
     "  -o OUT             output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data merge firm_year.csv firms.csv --on firm --type m:1 -o panel.csv\n"},
    {"data", "lag", run_lag,
     "panel lag, lead or difference by time value",
     "usage: coinnet data lag DATA VAR --panel ID,TIME [--k K] [--lead | --diff]\n"
     "                        [--name NEW] [-o OUT]\n\n"
     "Adds VAR at time t-K of the same ID (Stata L.VAR, fixest l(VAR, K)),\n"
     "following the TIME value: a gap gives missing, never the previous row.\n"
     "TIME holds integers (years, or months counted as integers). A repeated\n"
     "(ID, TIME) is an error naming both rows.\n\n"
     "options:\n"
     "  --panel ID,TIME    the panel's id and time columns\n"
     "  --k K              periods (default 1); a negative K is a lead\n"
     "  --lead             the lead F^K.VAR (VAR at t+K)\n"
     "  --diff             the difference VAR - L^K.VAR (D.VAR for K = 1)\n"
     "  --name NEW         the new column's name (default L_VAR, L2_VAR, F_VAR,\n"
     "                     D_VAR, S2_VAR for the K-period difference)\n"
     "  -o OUT             output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data lag firms.csv sales --panel firm,year --k 1 -o firms_l.csv\n"},
    {"data", "collapse", run_collapse,
     "group statistics, one row per group (Stata collapse)",
     "usage: coinnet data collapse DATA (STAT) [NEW=]VAR ... [(STAT) ...] [--by G[,G2]]\n"
     "                             [--weight aw=W|fw=W] [--if EXPR] [-o OUT]\n\n"
     "As Stata's collapse: one row per group of --by (missing is a group),\n"
     "sorted by the groups, with the statistic of each VAR (named VAR, or NEW\n"
     "with NEW=VAR). The statistic is mean until one is named in parentheses.\n"
     "Missing values are left out of every statistic: count counts the\n"
     "nonmissing values; sum of none is 0; the others are missing then.\n\n"
     "statistics: mean sum count min max first last firstnm lastnm sd (n-1)\n"
     "  median p1..p99 (Stata's percentile rule; see docs/data.md)\n\n"
     "options:\n"
     "  --by G[,G2]        the group variables (none: one row)\n"
     "  --weight aw=W      analytic weights: weighted mean, sd and percentiles\n"
     "  --weight fw=W      frequency weights (whole numbers): each row counts W times\n"
     "  --if EXPR          only the rows where EXPR is true\n"
     "  -o, --out OUT      output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data collapse firms.csv '(mean) sales (sum) total=sales (count) n=sales' --by year\n"},
    {"data", "egen", run_egen,
     "a group statistic on every row (Stata egen)",
     "usage: coinnet data egen DATA NAME = STAT(VAR) [--by G[,G2]] [--if EXPR] [-o OUT]\n\n"
     "Adds the double column NAME holding, on each row, STAT of VAR over the\n"
     "rows of its --by group (bysort G: egen NAME = STAT(VAR)). Rows where --if\n"
     "is not true are left out and get missing. Missing values of VAR are left\n"
     "out; total() of none is 0.\n\n"
     "statistics: mean total (= sum) count min max sd median pctile(VAR, P) pP\n\n"
     "options:\n"
     "  --by G[,G2]        the group variables (none: the whole table)\n"
     "  --if EXPR          only the rows where EXPR is true\n"
     "  -o, --out OUT      output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data egen firms.csv 'msales = mean(sales)' --by industry,year\n"},
    {"data", "append", run_append,
     "stack the rows of several tables (Stata append)",
     "usage: coinnet data append A B [C ...] [--gen NAME] [-o OUT]\n\n"
     "The rows of A, then B, ... Columns are matched by name, in the order they\n"
     "first appear; a column missing from a file is missing on its rows (noted).\n"
     "Integers with doubles give doubles; text with numbers is an error.\n\n"
     "options:\n"
     "  --gen NAME         add NAME: 0 for the rows of A, 1 for B, ... (generate())\n"
     "  -o, --out OUT      output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data append trade2001.csv trade2002.csv --gen source -o trade.csv\n"},
    {"data", "reshape", run_reshape,
     "reshape long or wide (Stata reshape)",
     "usage: coinnet data reshape long DATA STUBS --i ID[,ID2] --j J [--string] [-o OUT]\n"
     "       coinnet data reshape wide DATA STUBS --i ID[,ID2] --j J [-o OUT]\n\n"
     "long: the columns STUB1990, STUB1991, ... become rows with J = 1990, 1991,\n"
     "... and one column STUB (missing where a STUB has no column for a J); the\n"
     "other columns are repeated. Rows are sorted by ID, then J. ID must\n"
     "identify the rows. wide: the inverse; one row per ID, columns STUB+J; the\n"
     "other columns must be constant within ID. Errors name the rows.\n\n"
     "options:\n"
     "  --i ID[,ID2]       the variables that identify a unit\n"
     "  --j J              the suffix variable (long: made; wide: read)\n"
     "  --string           long: any suffix is a J value (text), not only numbers\n"
     "  -o, --out OUT      output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data reshape long wide.csv inc --i id --j year -o long.csv\n"},
    {"data", "duplicates", run_duplicates,
     "report or drop repeated rows (Stata duplicates)",
     "usage: coinnet data duplicates report DATA [VARS] [-o OUT]\n"
     "       coinnet data duplicates drop DATA [VARS] [-o OUT]\n\n"
     "report: how many rows come in 1, 2, ... copies of the same values of VARS\n"
     "(all columns without VARS), and the surplus copies. drop: keeps the first\n"
     "row of each set of copies, in the table's order, and counts the others.\n\n"
     "options:\n"
     "  -o, --out OUT      report: write the table; drop: the output file\n"
     "%s"
     "\nexample:\n"
     "  coinnet data duplicates drop trade.csv exporter importer year -o unique.csv\n"},
    {"data", "destring", run_destring,
     "turn text columns into numbers (Stata destring)",
     "usage: coinnet data destring DATA VARS [--ignore CHARS] [--percent] [--na CODES]\n"
     "                             [--force] [--suffix S] [-o OUT]\n\n"
     "Reads each text column VAR as numbers, in place (or into VAR+S). Spaces\n"
     "around a value are ignored; thousands separators are read (1,234,567:\n"
     "a comma every three digits; 1,5 is not a number); empty, . and NA are\n"
     "missing. The column becomes int64 when every value is an integer, double\n"
     "otherwise. A cell that is not a number is an error naming its row and\n"
     "text (nothing is changed) unless --force.\n\n"
     "options:\n"
     "  --ignore CHARS     remove these characters first ($ for \"$1,200\")\n"
     "  --percent          read 12.5% as 0.125\n"
     "  --na CODES         more codes read as missing (comma-separated, e.g. n/a,-)\n"
     "  --force            make the cells that are not numbers missing (counted)\n"
     "  --suffix S         new columns VAR+S instead of replacing VAR\n"
     "  -o, --out OUT      output file (format by extension; default: CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data destring firms.csv sales,assets --na n/a -o firms2.csv\n"},
    {NULL, NULL, NULL, NULL, NULL}};
