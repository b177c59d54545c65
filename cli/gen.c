/* cli/gen.c — `coinnet gen paper`: synthetic raw data with a known truth. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static int run_paper(int argc, char **argv) {
  cn_gen_opts o;
  memset(&o, 0, sizeof o);
  o.seed = 20240601;
  char becbuf[4096];
  o.bec = cli_data_path("hs-bec", becbuf, sizeof becbuf);
  const char *outdir = NULL, *v;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--out", &outdir)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--scale", &o.scale)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--bec", &o.bec)) != 0) {
      if (r < 0) return cli_usage("paper", "option %s needs a value", argv[i]);
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--seed", &v)) != 0) {
      char *end;
      errno = 0;
      unsigned long long s = r > 0 ? strtoull(v, &end, 10) : 0;
      if (r < 0 || !*v || *end || errno || v[0] == '-')
        return cli_usage("paper", "--seed takes a nonnegative integer");
      o.seed = (uint64_t)s;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--rho", &v)) != 0) {
      char *end;
      o.rho = r > 0 ? strtod(v, &end) : NAN;
      if (r < 0 || !*v || *end || !isfinite(o.rho)) return cli_usage("paper", "--rho takes a number");
      o.set_rho = true;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--labour", &v)) != 0) {
      if (r < 0 || (strcmp(v, "timed") && strcmp(v, "flexible")))
        return cli_usage("paper", "--labour is timed or flexible");
      o.flexible_labour = !strcmp(v, "flexible");
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("paper", argv[i]);
    return cli_usage("paper", "unexpected argument \"%s\"", argv[i]);
  }
  if (!outdir) return cli_usage("paper", "--out DIR is missing");
  int rc = cli_out_dir("paper", "--out", outdir, true);
  if (rc) return rc;
  cn_gen_counts c;
  cn_diag d;
  if (cn_gen_paper(outdir, &o, &c, &d) != CN_OK) return cli_fail(&d);
  fprintf(stderr,
          "%s: note: %lld firms, %lld firm-years (%lld exporting), %lld organizations; %lld applications in "
          "%lld records; collaborative inventions %lld (2000) .. %lld (2015) among %lld .. %lld organizations; "
          "%lld customs records\n",
          cli_prefix, (long long)c.firms, (long long)c.firm_years, (long long)c.exporter_years,
          (long long)c.entities, (long long)c.applications, (long long)c.records, (long long)c.collab_first,
          (long long)c.collab_last, (long long)c.nodes_first, (long long)c.nodes_last,
          (long long)c.customs_records);
  return 0;
}

const cli_cmd cli_gen_cmds[] = {
    {"gen", "paper", run_paper, "raw data shaped like the reference paper's, with a known truth",
     "usage: coinnet gen paper --out DIR [--seed S] [--scale tiny|small|paper] [--rho R]\n                         [--bec DIR] [--labour timed|flexible]\n\n"
     "Writes synthetic raw tables with Chinese names and a known data-generating\n"
     "process (docs/gen.md) into DIR:\n"
     "  patents.csv    pub_no (kind code A B U S), app_no, app_date, pub_date, type\n"
     "                 (发明 实用新型 外观设计), applicants (\" | \"), ipc, granted,\n"
     "                 grant_year; a granted invention has an A and a B row\n"
     "  firms.csv      firm-year panel 2000-2015: id, name (as net build names the\n"
     "                 node), ind2, ind4, province, city, founded, year, assets,\n"
     "                 output, employment, sales, exports, interest, fixed_assets, rd,\n"
     "                 ownership, group, exporter, dii, dvar_true (exporters only)\n"
     "  cities.csv     city, province, year, incubators, pilot, developed\n"
     "  theta.csv      ind2, theta1, theta2\n"
     "  customs.csv    firm (the panel id), name, year, hs6, flow, regime, value:\n"
     "                 exports and imports of every exporter-year and of trade\n"
     "                 intermediaries (coinnet gen customs --help), from which\n"
     "                 `coinnet measure dvar --col-firms-firm id --col-industry ind2`\n"
     "                 gives back dvar_true\n"
     "  survey.csv     id, year, name, province, city: the survey's spelling of\n"
     "                 every firm-year (other legal forms, traditional characters,\n"
     "                 brackets, typos, renames; decoy ids above the panel's)\n"
     "  applicants.csv year, name, province: the applicant spellings of each year,\n"
     "                 to link to survey.csv with `coinnet names match`\n"
     "  truth.json     every parameter of the process, seed, scale and sizes, and\n"
     "                 the true applicant -> survey id mapping (linkage)\n"
     "  truth_wdc.csv  year, name, id, wdc: the weighted degree of every node-year,\n"
     "                 as net build + net metrics find it\n"
     "The same seed and scale give byte-identical files.\n\n"
     "options:\n"
     "  --out DIR          the output folder (created when missing)\n"
     "  --seed S           random seed (default 20240601)\n"
     "  --scale S          tiny (200 firms), small (2,000 firms; default) or paper\n"
     "                     (38,804 firms, 197,171 firm-years, the paper's networks)\n"
     "  --bec DIR          HS -> BEC concordance for the customs records (default\n"
     "                     coinnet's data folder's hs-bec: $COINNET_DATA, else\n"
     "                     PREFIX/share/coinnet, else the source tree's data/)\n"
     "  --rho R            loading of DVAR on last year's endogenous shock (default\n"
     "                     0.06; 0 makes L.ln(1+WDC) exogenous)\n"
     "  --labour L         production.csv: timed (default; labour chosen half a year\n"
     "                     before output, the design of Ackerberg, Caves and Frazer,\n"
     "                     where only ACF is identified) or flexible (labour chosen\n"
     "                     with output, materials ordered before its error: LP and\n"
     "                     Wooldridge identified too)\n"
     "\nexample:\n"
     "  coinnet gen paper --out raw --seed 1 --scale small\n"},
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
     "  --bec DIR          HS -> BEC concordance (default: as for gen paper)\n"
     "  --from-firms F --theta T   use this firm table (firm, year, industry,\n"
     "                     exports, sales, dii, dvar_true [, name]) and theta table\n"
     "\nexample:\n"
     "  coinnet gen customs --out gen/ --firms 500 --seed 7\n"
     "  coinnet measure dvar --customs gen/customs.csv --firms gen/firms.csv \\\n"
     "      --theta gen/theta.csv -o dvar.csv\n"},
    {NULL, NULL, NULL, NULL, NULL}};
