/* cli/measure_icio.c — `coinnet measure theta` and `coinnet measure gvc`:
 * measures from an inter-country input-output table (spec/measures.md
 * §2-3). The command entries live in cli/measure.c. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Reads the options both commands take: the three tables (--inter,
 * --final, --output), the reader options, -o, and the named options of
 * names/vals (nnames of them, at most 8). No positional arguments. */
static int icio_args(int argc, char **argv, const char *cmd, const char *const *names, const char **vals,
                     int nnames, const char *files[3], const char **outp, cn_read_opts *ro) {
  static const char *const fopt[3] = {"--inter", "--final", "--output"};
  const char *all[11], *got[11] = {NULL};
  for (int k = 0; k < 3; k++) all[k] = fopt[k];
  for (int k = 0; k < nnames && k < 8; k++) all[3 + k] = names[k], got[3 + k] = vals[k];
  int rc = cli_named_args(argc, argv, cmd, all, got, 3 + nnames, NULL,
                          "the tables come with --inter, --final, --output", outp, ro);
  if (rc) return rc;
  for (int k = 0; k < 3; k++) files[k] = got[k];
  for (int k = 0; k < nnames && k < 8; k++) vals[k] = got[3 + k];
  for (int k = 0; k < 3; k++)
    if (!files[k]) return cli_usage(cmd, "%s FILE is needed", fopt[k]);
  return 0;
}

/* Reads the table, printing the error, and notes the rows with negative
 * value added (accepted: docs/measures.md); returns 0 or an exit code. */
static int read_icio(const char *files[3], const cn_read_opts *ro, cn_icio **io) {
  cn_diag d;
  if (cn_icio_read(files[0], files[1], files[2], ro, io, &d) != CN_OK) return cli_fail(&d);
  const cn_icio *t = *io;
  int64_t k = t->n_va_negative;
  if (k) {
    fprintf(stderr, "%s: note: %lld country-industr%s with inputs above output (negative value added), kept:",
            cli_prefix, (long long)k, k == 1 ? "y" : "ies");
    for (int64_t q = 0; q < k && q < 5; q++) {
      int64_t j = t->va_negative[q];
      double in = 0;
      for (int64_t i = 0; i < t->n; i++) in += t->Z[i + j * t->n];
      fprintf(stderr, "%s %s (output %.10g, inputs %.10g)", q ? ";" : "", t->label[j], t->x[j], in);
    }
    fprintf(stderr, "%s\n", k > 5 ? "; ..." : "");
  }
  return 0;
}

/* Reads a concordance with every column as text (codes keep their leading
 * zeros). */
static int read_concord(const char *path, const cn_read_opts *ro, cn_table **t) {
  cn_table *probe = NULL;
  int rc = cli_read(path, ro, &probe);
  if (rc) return rc;
  int nc = cn_table_ncol(probe);
  const char **cols = calloc((size_t)nc + 1, sizeof *cols);
  if (!cols) {
    cn_table_free(probe);
    return 5;
  }
  for (int c = 0; c < nc; c++) cols[c] = cn_table_name(probe, c);
  cn_read_opts o = *ro;
  o.string_cols = cols;
  o.n_string_cols = nc;
  rc = cli_read(path, &o, t);
  free(cols);
  cn_table_free(probe);
  return rc;
}

int cli_measure_theta(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *names[] = {"--country", "--concord"}, *vals[2] = {NULL, NULL};
  const char *files[3] = {NULL, NULL, NULL}, *outp = NULL;
  int rc = icio_args(argc, argv, "theta", names, vals, 2, files, &outp, &ro);
  if (rc) return rc;
  if (!vals[0]) return cli_usage("theta", "--country C is needed");
  cn_icio *io = NULL;
  cn_table *conc = NULL, *res = NULL, *unm = NULL;
  cn_diag d;
  if ((rc = read_icio(files, &ro, &io)) != 0) return rc;
  if (vals[1] && (rc = read_concord(vals[1], &ro, &conc)) != 0) {
    cn_icio_free(io);
    return rc;
  }
  if (cn_icio_theta(io, vals[0], conc, &res, &unm, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  int64_t nflag = 0;
  for (int64_t j = 0; j < io->n; j++)
    nflag += !strcmp(io->country_name[io->country[j]], vals[0]) && !(io->x[j] > 0);
  if (nflag)
    fprintf(stderr, "%s: note: %lld industr%s of %s with output <= 0: A column set to 0, theta missing, flag_output = 1\n",
            cli_prefix, (long long)nflag, nflag == 1 ? "y" : "ies", vals[0]);
  if (unm) {
    int64_t nu = cn_table_nrow(unm);
    for (int pass = 0; pass < 2; pass++) {
      const char *src = pass ? "concord" : "table";
      int64_t k = 0;
      for (int64_t i = 0; i < nu; i++) k += !strcmp(cn_table_str(unm, 1, i, NULL), src);
      if (!k) continue;
      fprintf(stderr, "%s: note: %s (%lld):", cli_prefix,
              pass ? "concordance industries not in the table" : "table industries without a concordance code",
              (long long)k);
      int64_t shown = 0;
      for (int64_t i = 0; i < nu; i++)
        if (!strcmp(cn_table_str(unm, 1, i, NULL), src) && shown++ < 20)
          fprintf(stderr, " %s", cn_table_str(unm, 0, i, NULL));
      fprintf(stderr, "%s\n", shown > 20 ? " ..." : "");
    }
  }
  rc = cli_write(res, outp);
done:
  cn_table_free(res), cn_table_free(unm), cn_table_free(conc);
  cn_icio_free(io);
  return rc;
}

int cli_measure_gvc(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *names[] = {"--inventories"}, *vals[1] = {NULL};
  const char *files[3] = {NULL, NULL, NULL}, *outp = NULL;
  int rc = icio_args(argc, argv, "gvc", names, vals, 1, files, &outp, &ro);
  if (rc) return rc;
  cn_icio *io = NULL;
  cn_table *res = NULL;
  cn_icio_gvc_info info;
  cn_diag d;
  if ((rc = read_icio(files, &ro, &io)) != 0) return rc;
  if (cn_icio_gvc(io, vals[0], &res, &info, &d) != CN_OK) {
    rc = cli_fail(&d);
  } else {
    if (info.n_output_nonpos)
      fprintf(stderr, "%s: note: %lld country-industr%s with output <= 0: A column and value added set to 0, flag_output = 1\n",
              cli_prefix, (long long)info.n_output_nonpos, info.n_output_nonpos == 1 ? "y" : "ies");
    if (info.n_inv_nonpos)
      fprintf(stderr, "%s: note: %lld country-industr%s with output - inventories <= 0: Delta row set to 0, flag_inventory = 1\n",
              cli_prefix, (long long)info.n_inv_nonpos, info.n_inv_nonpos == 1 ? "y" : "ies");
    if (vals[0])
      fprintf(stderr, "%s: note: %lld final-demand column%s of inventories (%s)\n", cli_prefix,
              (long long)info.n_inventory_cols, info.n_inventory_cols == 1 ? "" : "s", vals[0]);
    rc = cli_write(res, outp);
  }
  cn_table_free(res);
  cn_icio_free(io);
  return rc;
}
