/* cli/gencustoms.c — `coinnet gen customs`: synthetic customs records with a
 * known DVAR (lib/study/customs.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "coinnet/dvar.h"

/* Parses a positive integer option value; false when it is not one. */
static bool pos_int(const char *s, int64_t *v) {
  char *e;
  errno = 0;
  long long x = strtoll(s, &e, 10);
  if (errno || *e || x < 0) return false;
  *v = x;
  return true;
}

int cli_gen_customs(int argc, char **argv) {
  char becbuf[4096];
  const char *outd = NULL, *becp = cli_data_path("hs-bec", becbuf, sizeof becbuf), *seed = NULL, *nf = NULL, *years = NULL, *nrec = NULL,
             *firmsp = NULL, *thetap = NULL;
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--out", &outd)) || (r = cli_opt(argc, argv, &i, "--bec", &becp)) ||
        (r = cli_opt(argc, argv, &i, "--seed", &seed)) || (r = cli_opt(argc, argv, &i, "--firms", &nf)) ||
        (r = cli_opt(argc, argv, &i, "--years", &years)) || (r = cli_opt(argc, argv, &i, "--records", &nrec)) ||
        (r = cli_opt(argc, argv, &i, "--from-firms", &firmsp)) || (r = cli_opt(argc, argv, &i, "--theta", &thetap))) {
      if (r < 0) return cli_usage("customs", "option %s needs a value", argv[i]);
      continue;
    }
    return (argv[i][0] == '-' ? cli_unknown_option("customs", argv[i]) : cli_usage("customs", "unexpected argument %s", argv[i]));
  }
  if (!outd) return cli_usage("customs", "--out DIR is needed");
  if (!firmsp != !thetap) return cli_usage("customs", "--from-firms and --theta go together");
  cn_gen_customs_opts o;
  cn_gen_customs_opts_init(&o);
  int64_t v;
  if (seed) {
    if (!pos_int(seed, &v)) return cli_usage("customs", "--seed wants a non-negative integer");
    o.seed = (uint64_t)v;
  }
  if (nf) {
    if (!pos_int(nf, &v) || v < 1) return cli_usage("customs", "--firms wants a positive integer");
    o.firms = v;
  }
  if (nrec) {
    if (!pos_int(nrec, &v)) return cli_usage("customs", "--records wants a non-negative integer");
    o.records = v;
  }
  if (years) {
    /* two whole numbers: sscanf's %d would overflow silently on 20 digits */
    char a[32] = "", *dash = strchr(years, '-');
    long long ya, yb;
    if (dash && (size_t)(dash - years) < sizeof a) memcpy(a, years, (size_t)(dash - years));
    if (!dash || !cli_int_arg(a, 1900, 2100, &ya) || !cli_int_arg(dash + 1, 1900, 2100, &yb) || ya > yb)
      return cli_usage("customs", "--years wants FIRST-LAST from 1900 to 2100, e.g. 2000-2015");
    o.first_year = (int)ya, o.last_year = (int)yb;
  }
  int rc = cli_out_dir("customs", "--out", outd, true);
  if (rc) return rc;
  cn_diag d;
  cn_bec *bec = NULL;
  cn_table *firms = NULL, *theta = NULL;
  FILE *fp = NULL;
  cn_output *of = NULL;
  int64_t n = 0;
  char path[4096];
  if (cn_bec_read(becp, CN_BEC_ANY, &bec, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (firmsp) {
    const char *fc[] = {"firm", "industry"};
    cn_read_opts fo = ro, to = ro;
    fo.string_cols = fc, fo.n_string_cols = 2;
    to.string_cols = fc + 1, to.n_string_cols = 1;
    if ((rc = cli_read(firmsp, &fo, &firms)) != 0 || (rc = cli_read(thetap, &to, &theta)) != 0) goto done;
  } else {
    if (cn_gen_customs_firms(&o, &firms, &theta, &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
    snprintf(path, sizeof path, "%s/firms.csv", outd);
    if ((rc = cli_write(firms, path)) != 0) goto done;
    snprintf(path, sizeof path, "%s/theta.csv", outd);
    if ((rc = cli_write(theta, path)) != 0) goto done;
  }
  snprintf(path, sizeof path, "%s/customs.csv", outd);
  if (cn_output_open(path, 0, &of, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  fp = cn_output_file(of);
  static char buf[1 << 20];
  setvbuf(fp, buf, _IOFBF, sizeof buf);
  if (cn_gen_customs(firms, theta, bec, &o, fp, &n, &d) != CN_OK) {
    rc = ferror(fp) ? cli_cannot_write(path) : cli_fail(&d);
    goto done;
  }
  rc = cli_output_end(of, 0);
  of = NULL;
  if (rc) goto done;
  fprintf(stderr, "%s: gen customs: %lld records in %s/customs.csv\n", cli_prefix, (long long)n, outd);
done:
  cli_output_end(of, rc ? rc : 5);
  cn_bec_free(bec);
  cn_table_free(firms);
  cn_table_free(theta);
  return rc;
}
