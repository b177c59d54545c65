/* cli/data.c — `coinnet data ...`: describe and convert tables. */
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
    if (argv[i][0] == '-' && argv[i][1]) return cli_usage("describe", "unknown option %s", argv[i]);
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
    if (argv[i][0] == '-' && argv[i][1]) return cli_usage("convert", "unknown option %s", argv[i]);
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

#define READ_HELP_TAIL                                                       \
  "\nCSV columns are int64 while every value is an integer, double when one\n" \
  "has a fraction, text otherwise; numbers with a leading zero (\"0101\") stay\n" \
  "text so that codes keep their digits.\n"

const cli_cmd cli_data_cmds[] = {
    {"data", "describe", run_describe,
     "rows, columns and a summary of each column",
     "usage: coinnet data describe DATA [options] [-o FILE]\n\n"
     "Reads DATA (.csv .tsv .txt .dta .sqlite .db) and prints its number of rows\n"
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
     ".sqlite .db); -o - writes CSV to stdout. Stata files keep labels.\n\n"
     "options:\n"
     "  -o OUT             the output file\n"
     "  --out-table NAME   SQLite: the table to (re)create (default: data)\n"
     "  --dta-version N    Stata: file version 104-119 (default 118)\n"
     "%s"
     "\nexample:\n"
     "  coinnet data convert patents.csv --encoding gb18030 -o patents.dta\n"},
    {NULL, NULL, NULL, NULL, NULL}};
