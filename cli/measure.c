/* cli/measure.c — `coinnet measure ...`: trade and value-chain measures
 * (spec/measures.md). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Reads DATA and the options every measure takes; the measure-specific
 * named options are returned through names/vals (up to 8). */
static int measure_args(int argc, char **argv, const char *cmd, const char *const *names, const char **vals,
                        int nnames, const char **in, const char **outp, cn_read_opts *ro) {
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", outp)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      continue;
    }
    bool hit = false;
    for (int k = 0; k < nnames && !hit; k++)
      if ((r = cli_opt(argc, argv, &i, names[k], &vals[k])) != 0) {
        if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
        hit = true;
      }
    if (hit) continue;
    if (argv[i][0] == '-' && argv[i][1]) return cli_usage(cmd, "unknown option %s", argv[i]);
    if (*in) return cli_usage(cmd, "one input only (got \"%s\" too)", argv[i]);
    *in = argv[i];
  }
  if (!*in) return cli_usage(cmd, "the data file is missing");
  return 0;
}

static int finish(cn_status st, cn_table *res, int64_t dropped, const char *outp, cn_diag *d) {
  if (st != CN_OK) return cli_fail(d);
  if (dropped)
    fprintf(stderr, "%s: note: %lld row%s with a missing or invalid key or value left out\n", cli_prefix,
            (long long)dropped, dropped == 1 ? "" : "s");
  int rc = cli_write(res, outp);
  cn_table_free(res);
  return rc;
}

static int run_hhi(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *names[] = {"--by", "--value"}, *vals[2] = {"industry,year", "sales"};
  const char *in = NULL, *outp = NULL;
  int rc = measure_args(argc, argv, "hhi", names, vals, 2, &in, &outp, &ro);
  if (rc) return rc;
  cn_table *t = NULL, *res = NULL;
  cn_diag d;
  if ((rc = cli_read(in, &ro, &t)) != 0) return rc;
  char *copy = strdup(vals[0]);
  const char *keys[16];
  int nk = 0;
  for (char *tok = strtok(copy, ","); tok && nk < 16; tok = strtok(NULL, ",")) keys[nk++] = tok;
  int64_t dropped = 0;
  cn_status st = cn_measure_hhi(t, keys, nk, vals[1], &res, &dropped, &d);
  rc = finish(st, res, dropped, outp, &d);
  free(copy);
  cn_table_free(t);
  return rc;
}

static int run_lq(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *names[] = {"--region", "--sector", "--value", "--by"};
  const char *vals[4] = {"region", "sector", "employment", NULL};
  const char *in = NULL, *outp = NULL;
  int rc = measure_args(argc, argv, "lq", names, vals, 4, &in, &outp, &ro);
  if (rc) return rc;
  cn_table *t = NULL, *res = NULL;
  cn_diag d;
  if ((rc = cli_read(in, &ro, &t)) != 0) return rc;
  int64_t dropped = 0;
  cn_status st = cn_measure_lq(t, vals[0], vals[1], vals[2], vals[3], &res, &dropped, &d);
  rc = finish(st, res, dropped, outp, &d);
  cn_table_free(t);
  return rc;
}

static int run_coagg(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *names[] = {"--region", "--sector", "--value", "--by", "--z", "--s"};
  const char *vals[6] = {"region", "sector", "employment", NULL, NULL, NULL};
  const char *in = NULL, *outp = NULL;
  int rc = measure_args(argc, argv, "coagg", names, vals, 6, &in, &outp, &ro);
  if (rc) return rc;
  if (!vals[4] || !vals[5]) return cli_usage("coagg", "--z SECTOR and --s SECTOR are needed");
  cn_table *t = NULL, *res = NULL;
  cn_diag d;
  if ((rc = cli_read(in, &ro, &t)) != 0) return rc;
  int64_t dropped = 0;
  cn_status st = cn_measure_coagg(t, vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], &res, &dropped, &d);
  rc = finish(st, res, dropped, outp, &d);
  cn_table_free(t);
  return rc;
}

const cli_cmd cli_measure_cmds[] = {
    {"measure", "hhi", run_hhi, "Herfindahl-Hirschman index by industry-year",
     "usage: coinnet measure hhi DATA [--by industry,year] [--value sales] [-o OUT]\n\n"
     "HHI_g = sum over the firms of group g of (v_i / sum_g v)^2 (spec/measures.md\n"
     "section 5). Keys are compared as text, so 4-digit codes keep leading zeros.\n"
     "Output: the keys, n, total, hhi. Rows with a missing key or value, or a\n"
     "negative value, are left out and counted.\n\n"
     "options:\n"
     "  --by K1[,K2]       group columns (default industry,year)\n"
     "  --value V          the size column (default sales)\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure hhi firms.csv --by ind4,year --value sales -o hhi.csv\n"},
    {"measure", "lq", run_lq, "location quotients by region and sector",
     "usage: coinnet measure lq DATA [--region R] [--sector S] [--value E] [--by YEAR]\n"
     "                          [-o OUT]\n\n"
     "LQ_rs = (E_rs / E_r) / (E_s / E) (spec/measures.md section 5), within each\n"
     "level of --by. Output: [by,] region, sector, E_rs, lq.\n\n"
     "options:\n"
     "  --region R, --sector S, --value E   columns (default region, sector, employment)\n"
     "  --by Y             compute within each level of Y (e.g. the year)\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure lq cities.csv --region city --sector ind2 --value emp --by year\n"},
    {"measure", "coagg", run_coagg, "co-agglomeration of two sectors by region",
     "usage: coinnet measure coagg DATA --z SECTOR --s SECTOR [--region R] [--sector S]\n"
     "                             [--value E] [--by YEAR] [-o OUT]\n\n"
     "CO = [1 - |LQZ - LQS| / (LQZ + LQS)] + (LQZ + LQS) (spec/measures.md section 5)\n"
     "from the location quotients of sector --z (manufacturing) and --s (producer\n"
     "services) in each region; a region without one of them has LQ 0 there.\n"
     "Output: [by,] region, lqz, lqs, co.\n\n"
     "options: as for `coinnet measure lq`, and\n"
     "  --z S, --s S       the two sectors\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure coagg cities.csv --region city --sector ind --z C --s M --by year\n"},
    {"measure", "theta", cli_measure_theta, "theta1, theta2 of one country's industries from an IO table",
     "usage: coinnet measure theta --inter Z --final F --output X --country C\n"
     "                             [--concord M] [-o OUT]\n\n"
     "From an inter-country input-output table (rows and columns COUNTRY.INDUSTRY,\n"
     "final demand by COUNTRY[.category], gross output), with A = Z diag(x)^-1,\n"
     "B = (I - A)^-1, V = diag(v/x) (spec/measures.md section 2), for every\n"
     "industry j of country C:\n"
     "  theta1_j = sum_d a_dj FVA_d / sum_d a_dj   (d: C's rows; FVA_d = foreign\n"
     "             value added per unit of d, sum over foreign f of (VB)_fd)\n"
     "  theta2_j = sum_f a_fj DVA_f / sum_f a_fj   (f: foreign rows; DVA_f = C's\n"
     "             value added per unit of f)\n"
     "Output: industry, theta1, theta2, output, dom_inputs, imp_inputs, flag_output\n"
     "(1 when output <= 0: the A column is 0 and the thetas are missing).\n\n"
     "options:\n"
     "  --inter Z          intermediate use: row labels, then one column per COUNTRY.INDUSTRY\n"
     "  --final F          final demand: row labels, then COUNTRY[.category] columns\n"
     "  --output X         gross output: row labels and output\n"
     "  --country C        the country (the part of the labels before the first '.')\n"
     "  --concord M        table industry -> firm industry code (first two columns,\n"
     "                     n-to-n allowed): one row per code with the output-weighted\n"
     "                     mean thetas, n_industries and output; unmatched industries\n"
     "                     are listed on stderr\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure theta --inter inter.csv --final final.csv --output output.csv \\\n"
     "      --country CHN --concord wiod-cic.csv -o theta.csv\n"},
    {"measure", "gvc", cli_measure_gvc, "GVC participation, position, upstreamness from an IO table",
     "usage: coinnet measure gvc --inter Z --final F --output X [--inventories CAT]\n"
     "                           [-o OUT]\n\n"
     "For every country r and industry i of an inter-country input-output table\n"
     "(spec/measures.md section 3; formulas in docs/measures.md):\n"
     "  E         gross exports (intermediate and final sales to other countries)\n"
     "  FV        foreign value added in E (Koopman, Powers, Wang & Wei 2010)\n"
     "  IV        value added of r,i in intermediate exports that the importer\n"
     "            re-exports to third countries (KWW 2014 DVA_INTrex)\n"
     "  participation = IV/E + FV/E, position = ln(1 + IV/E) - ln(1 + FV/E)\n"
     "  upstreamness  (I - Delta)^-1 1, Delta_ij = Z_ij / (x_i - N_i) (Antras-Chor)\n"
     "  downstreamness column sums of (I - A)^-1 (inventory-corrected table)\n"
     "  wwyz_forward, wwyz_backward  GVC participation of Wang, Wei, Yu & Zhu (2017)\n"
     "and flag_output (output <= 0: A column set to 0), flag_inventory (x - N <= 0:\n"
     "Delta row set to 0). Ratios with a zero denominator are missing.\n\n"
     "options:\n"
     "  --inter Z, --final F, --output X   the table, as for `coinnet measure theta`\n"
     "  --inventories CAT  final-demand columns CAT or COUNTRY.CAT are changes in\n"
     "                     inventories N (e.g. c42 in WIOD); default none\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure gvc --inter inter.csv --final final.csv --output output.csv \\\n"
     "      --inventories c42 -o gvc.csv\n"},
    {NULL, NULL, NULL, NULL, NULL}};
