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
  const char *outd = NULL, *becp = "../shared/data/hs-bec", *seed = NULL, *nf = NULL, *years = NULL, *nrec = NULL,
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
    return cli_usage("customs", "unknown argument %s", argv[i]);
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
    int a, b;
    char c;
    if (sscanf(years, "%d-%d%c", &a, &b, &c) != 2 || a > b || a < 1900 || b > 2100)
      return cli_usage("customs", "--years wants FIRST-LAST, e.g. 2000-2015");
    o.first_year = a, o.last_year = b;
  }
  if (mkdir(outd, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "%s: %s: cannot create: %s\n", cli_prefix, outd, strerror(errno));
    return CN_EDATA;
  }
  cn_diag d;
  cn_bec *bec = NULL;
  cn_table *firms = NULL, *theta = NULL;
  FILE *fp = NULL;
  int rc = 0;
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
  if (!(fp = fopen(path, "w"))) {
    fprintf(stderr, "%s: %s: cannot create: %s\n", cli_prefix, path, strerror(errno));
    rc = CN_EDATA;
    goto done;
  }
  static char buf[1 << 20];
  setvbuf(fp, buf, _IOFBF, sizeof buf);
  if (cn_gen_customs(firms, theta, bec, &o, fp, &n, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (fclose(fp) != 0) {
    fp = NULL;
    fprintf(stderr, "%s: %s: write error\n", cli_prefix, path);
    rc = CN_EINTERNAL;
    goto done;
  }
  fp = NULL;
  fprintf(stderr, "%s: gen customs: %lld records in %s/customs.csv\n", cli_prefix, (long long)n, outd);
done:
  if (fp) fclose(fp);
  cn_bec_free(bec);
  cn_table_free(firms);
  cn_table_free(theta);
  return rc;
}

const cli_cmd cli_gen_cmds[] = {
    {"gen", "customs", cli_gen_customs, "customs records, firms and theta with a known DVAR",
     "usage: coinnet gen customs --out DIR [--seed S] [--firms N] [--years 2000-2015]\n"
     "                           [--records N] [--bec DIR] [--from-firms F --theta T]\n\n"
     "Writes DIR/customs.csv (firm, name, year, hs6, flow, regime, value), and unless\n"
     "--from-firms is given, DIR/firms.csv (firm, name, year, industry, exports,\n"
     "sales, dii, dvar_true) and DIR/theta.csv (industry, theta1, theta2). The\n"
     "records of each exporting firm-year solve the DVAR formula of its regime\n"
     "(processing, ordinary or mixed, drawn per firm-year) for dvar_true, through\n"
     "trade intermediaries that import a preset share of every product and real HS\n"
     "codes of the concordance (codes whose BEC codes are all intermediate or all\n"
     "not), so that `coinnet measure dvar` with the same concordance gives back\n"
     "dvar_true under every --bec-rule. Same seed, same files.\n\n"
     "options:\n"
     "  --out DIR          the output folder (created when missing)\n"
     "  --seed S           random seed (default 1)\n"
     "  --firms N          producer firms (default 200), each a row per year\n"
     "  --years A-B        the years (default 2000-2015)\n"
     "  --records N        aim at about N customs records (default ~30 per firm-year)\n"
     "  --bec DIR          HS -> BEC concordance (default ../shared/data/hs-bec)\n"
     "  --from-firms F --theta T   use this firm table (firm, year, industry,\n"
     "                     exports, sales, dii, dvar_true [, name]) and theta table\n"
     "\nexample:\n"
     "  coinnet gen customs --out gen/ --firms 500 --seed 7\n"
     "  coinnet measure dvar --customs gen/customs.csv --firms gen/firms.csv \\\n"
     "      --bec ../shared/data/hs-bec --theta gen/theta.csv -o dvar.csv\n"},
    {NULL, NULL, NULL, NULL, NULL}};
