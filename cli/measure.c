/* cli/measure.c — `coinnet measure ...`: trade and value-chain measures
 * (spec/measures.md). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coinnet/dvar.h"

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
  const char *names[] = {"--by", "--value", "--group"}, *vals[3] = {NULL, "sales", NULL};
  const char *in = NULL, *outp = NULL;
  int rc = cli_named_args(argc, argv, "hhi", names, vals, 3, &in, "the data file is missing", &outp, &ro);
  if (rc) return rc;
  char keybuf[512];
  if (vals[2]) { /* spec/cli.md: --group G [--by YEAR] */
    snprintf(keybuf, sizeof keybuf, "%s%s%s", vals[2], vals[0] ? "," : "", vals[0] ? vals[0] : "");
    vals[0] = keybuf;
  } else if (!vals[0])
    vals[0] = "industry,year";
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
  int rc = cli_named_args(argc, argv, "lq", names, vals, 4, &in, "the data file is missing", &outp, &ro);
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
  const char *names[] = {"--region", "--sector", "--value", "--by", "--z", "--s", "--manuf", "--services"};
  const char *vals[8] = {"region", "sector", "employment", NULL, NULL, NULL, NULL, NULL};
  const char *in = NULL, *outp = NULL;
  int rc = cli_named_args(argc, argv, "coagg", names, vals, 8, &in, "the data file is missing", &outp, &ro);
  if (rc) return rc;
  if (vals[6]) vals[4] = vals[6]; /* spec/cli.md's names */
  if (vals[7]) vals[5] = vals[7];
  if (!vals[4] || !vals[5]) return cli_usage("coagg", "--manuf SECTOR and --services SECTOR are needed");
  cn_table *t = NULL, *res = NULL;
  cn_diag d;
  if ((rc = cli_read(in, &ro, &t)) != 0) return rc;
  int64_t dropped = 0;
  cn_status st = cn_measure_coagg(t, vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], &res, &dropped, &d);
  rc = finish(st, res, dropped, outp, &d);
  cn_table_free(t);
  return rc;
}

/* Prints the non-zero counts of the DVAR report as notes on stderr. */
static void dvar_notes(const cn_dvar_report *r, const char *outside_rule) {
  struct {
    int64_t n;
    const char *what;
  } lines[] = {
      {r->rec_missing, "customs records with a missing field left out"},
      {r->rec_negative, "customs records with a negative value left out"},
      {r->rec_other_regime, "customs records in other regimes (not processing or ordinary) left out of M and X^p, X^o"},
      {r->rec_intermediary, "customs records of trade intermediaries (used for m_k only)"},
      {r->intermediaries, "trade intermediaries (firms named 进出口, 经贸, 贸易, 科贸, 外经, 外贸) left out"},
      {r->rec_no_bec, "producer import records whose HS code is not in the concordance (not intermediate)"},
      {r->codes_no_bec, "distinct HS codes missing from the concordance"},
      {r->rec_year_no_edition, "import records dated before the earliest HS edition (the earliest used)"},
      {r->fy_no_survey, "customs firm-years without a row in the firm table left out"},
      {r->fy_no_exports, "firm-years without processing or ordinary exports left out"},
      {r->fy_survey_missing, "firm-years with missing sales, exports or dii left out"},
      {r->fy_no_theta, "firm-years whose industry has no theta row left out"},
      {r->survey_no_customs, "firm-table rows without customs records (no DVAR)"},
      {r->sales_below_exports, "kept firm-years with sales below exports (D < 0)"},
  };
  fprintf(stderr, "%s: dvar: %lld customs records, %lld producer firm-years; %lld firm-years out "
          "(%lld processing, %lld ordinary, %lld mixed)\n", cli_prefix, (long long)r->records,
          (long long)r->fy_customs, (long long)r->kept, (long long)r->by_regime[0], (long long)r->by_regime[1],
          (long long)r->by_regime[2]);
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
    if (lines[i].n) fprintf(stderr, "%s: note: %lld %s\n", cli_prefix, (long long)lines[i].n, lines[i].what);
  if (r->outside)
    fprintf(stderr, "%s: note: %lld firm-years with DVAR outside [0, 1] %s\n", cli_prefix, (long long)r->outside,
            outside_rule);
}

static int run_dvar(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  char becbuf[4096];
  const char *customs = NULL, *firmsp = NULL, *thetap = NULL, *outp = NULL, *rule = "any";
  const char *becp = cli_data_path("hs-bec", becbuf, sizeof becbuf);
  cn_dvar_opts o;
  cn_dvar_opts_init(&o);
  struct {
    const char *opt;
    const char **dst;
  } cols[] = {{"--col-firm", &o.cols.firm},         {"--col-year", &o.cols.year},
              {"--col-hs6", &o.cols.hs6},           {"--col-flow", &o.cols.flow},
              {"--col-regime", &o.cols.regime},     {"--col-value", &o.cols.value},
              {"--col-name", &o.cols.name},         {"--col-industry", &o.cols.industry},
              {"--col-exports", &o.cols.exports},   {"--col-sales", &o.cols.sales},
              {"--col-dii", &o.cols.dii},           {"--col-theta1", &o.cols.theta1},
              {"--col-theta2", &o.cols.theta2},     {"--col-firms-firm", &o.cols.firms_firm},
              {"--customs", &customs},
              {"--firms", &firmsp},                 {"--bec", &becp},
              {"--theta", &thetap},                 {"--bec-rule", &rule},
              {"-o", &outp}};
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0) {
      if (r < 0) return cli_usage("dvar", "option %s needs a value", argv[i]);
      continue;
    }
    bool hit = false;
    for (size_t k = 0; k < sizeof cols / sizeof *cols && !hit; k++)
      if ((r = cli_opt(argc, argv, &i, cols[k].opt, cols[k].dst)) != 0) {
        if (r < 0) return cli_usage("dvar", "option %s needs a value", argv[i]);
        hit = true;
      }
    if (hit) continue;
    if (!strcmp(argv[i], "--theta2-share")) o.theta2_share = true;
    else if (!strcmp(argv[i], "--clip")) o.outside = CN_DVAR_CLIP;
    else if (!strcmp(argv[i], "--drop-outside")) o.outside = CN_DVAR_DROP;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("dvar", argv[i]);
    else return cli_usage("dvar", "unexpected argument \"%s\" (inputs go with --customs, --firms, --bec, --theta)",
                          argv[i]);
  }
  if (!customs || !firmsp || !thetap) return cli_usage("dvar", "--customs, --firms and --theta are all needed");
  cn_bec_rule br;
  if (!strcmp(rule, "any")) br = CN_BEC_ANY;
  else if (!strcmp(rule, "all")) br = CN_BEC_ALL;
  else if (!strcmp(rule, "share")) br = CN_BEC_SHARE;
  else return cli_usage("dvar", "--bec-rule is any, all or share (got \"%s\")", rule);
  cn_table *firms = NULL, *theta = NULL, *res = NULL;
  cn_bec *bec = NULL;
  cn_diag d;
  cn_dvar_report rep;
  int rc;
  const char *fcols[] = {o.cols.firms_firm ? o.cols.firms_firm : o.cols.firm ? o.cols.firm : "firm",
                         o.cols.industry ? o.cols.industry : "industry"};
  cn_read_opts fo = ro, to = ro;
  fo.string_cols = fcols, fo.n_string_cols = 2;
  to.string_cols = fcols + 1, to.n_string_cols = 1;
  if ((rc = cli_read(firmsp, &fo, &firms)) != 0 || (rc = cli_read(thetap, &to, &theta)) != 0) goto done;
  if (cn_bec_read(becp, br, &bec, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  { /* which concordance: a default path is an input the command line does not show */
    char eds[128] = "";
    for (int i = 0, off = 0; i < cn_bec_editions(bec) && off < (int)sizeof eds; i++)
      if (cn_bec_edition_year(bec, i))
        off += snprintf(eds + off, sizeof eds - (size_t)off, "%sHS%d", off ? ", " : "", cn_bec_edition_year(bec, i));
    fprintf(stderr, "%s: dvar: HS -> BEC concordance %s%s%s%s, rule %s\n", cli_prefix, becp, *eds ? " (" : "", eds,
            *eds ? ")" : "", rule);
  }
  if (cn_measure_dvar(customs, firms, theta, bec, &o, &res, &rep, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  dvar_notes(&rep, o.outside == CN_DVAR_CLIP ? "clipped to the bound" : o.outside == CN_DVAR_DROP
                                                                            ? "dropped"
                                                                            : "kept and flagged (outside01 = 1)");
  rc = cli_write(res, outp);
done:
  cn_table_free(firms);
  cn_table_free(theta);
  cn_table_free(res);
  cn_bec_free(bec);
  return rc;
}

const cli_cmd cli_measure_cmds[] = {
    {"measure", "hhi", run_hhi, "Herfindahl-Hirschman index by industry-year",
     "usage: coinnet measure hhi DATA [--group G [--by YEAR] | --by K1,K2] [--value sales]\n"
     "                           [-o OUT]\n\n"
     "HHI_g = sum over the firms of group g of (v_i / sum_g v)^2 (spec/measures.md\n"
     "section 5). Keys are compared as text, so 4-digit codes keep leading zeros.\n"
     "Output: the keys, n, total, hhi. Rows with a missing key or value, or a\n"
     "negative value, are left out and counted.\n\n"
     "options:\n"
     "  --group G          the group column (e.g. the 4-digit industry), with\n"
     "  --by YEAR          ... within each level of YEAR; without --group, --by\n"
     "                     lists every group column (default industry,year)\n"
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
     "usage: coinnet measure coagg DATA --manuf SECTOR --services SECTOR [--region R]\n"
     "                             [--sector S] [--value E] [--by YEAR] [-o OUT]\n\n"
     "CO = [1 - |LQZ - LQS| / (LQZ + LQS)] + (LQZ + LQS) (spec/measures.md section 5)\n"
     "from the location quotients of sector --z (manufacturing) and --s (producer\n"
     "services) in each region; a region without one of them has LQ 0 there.\n"
     "Output: [by,] region, lqz, lqs, co.\n\n"
     "options: as for `coinnet measure lq`, and\n"
     "  --manuf S, --services S   the two sectors (also --z S, --s S)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure coagg cities.csv --region city --sector ind --manuf C --services M \\\n"
     "      --by year\n"},
    {"measure", "dvar", run_dvar, "domestic value-added ratio of exports by trade regime",
     "usage: coinnet measure dvar --customs C --firms F --theta T [--bec B] [--theta2-share]\n"
     "                            [--bec-rule any|all|share] [--clip | --drop-outside]\n"
     "                            [--col-NAME OTHER] [-o OUT]\n\n"
     "DVAR per firm-year (spec/measures.md section 1; Upward, Wang & Zheng 2013, Kee &\n"
     "Tang 2016) from customs records C (CSV: firm, year, hs6, flow import|export,\n"
     "regime processing|ordinary|other (or the Chinese customs names), value, and\n"
     "an optional name), the firm survey F (firm, year, industry, exports, sales,\n"
     "dii), the HS -> BEC concordance B (a file, or a folder of editions; default\n"
     "coinnet's own hs-bec, see `coinnet gen paper --help`; each year uses the\n"
     "latest edition not after it) and\n"
     "industry shares T (industry, theta1, theta2). A firm-year exporting only under\n"
     "processing trade is a processing firm, only ordinary an ordinary firm, else\n"
     "mixed. Ordinary imports count where BEC says intermediate; imports are\n"
     "inflated by 1/(1 - m_k), m_k the trade intermediaries' share of product k's\n"
     "imports that year; intermediaries leave the sample.\n"
     "  processing  1 - (MpA + theta1 DII - theta2 MpA) / X\n"
     "  ordinary    1 - (MoA_BEC s + theta1 DII - theta2 MoA_BEC) / X, s = Xo/(D + Xo)\n"
     "  mixed       1 - (MpA_BEC + MoA_BEC s + theta1 DII - theta2 (MpA_BEC + MoA_BEC s)) / X\n"
     "Output, one row per firm-year of F with customs exports, in F's order: firm,\n"
     "year, regime, X, D, DII, Mp, Mo, MpA, MoA_BEC, s, theta1, theta2, dvar,\n"
     "outside01, MpA_BEC, Xp, Xo, rule. Every record and firm-year left out is\n"
     "counted on stderr.\n\n"
     "options:\n"
     "  --theta2-share     ordinary firms: theta2 applies to MoA_BEC s (the paper\n"
     "                     prints MoA_BEC)\n"
     "  --bec-rule R       an HS code with several BEC codes is intermediate when any\n"
     "                     (default) or all of them are, or by their share\n"
     "  --clip             DVAR outside [0, 1] is set to the bound (default: kept,\n"
     "                     outside01 = 1)\n"
     "  --drop-outside     DVAR outside [0, 1] is left out\n"
     "  --col-NAME OTHER   column names: firm, year, hs6, flow, regime, value, name,\n"
     "                     industry, exports, sales, dii, theta1, theta2\n"
     "  --col-firms-firm X the firm table's firm column when it is not named as the\n"
     "                     customs one (e.g. id in `coinnet gen paper`'s firms.csv)\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure dvar --customs customs.csv --firms firms.csv \\\n"
     "      --theta theta.csv -o dvar.csv\n"},
    {"measure", "prody", cli_measure_prody, "PRODY: income level of each product's exporters",
     "usage: coinnet measure prody EXPORTS --income COL|FILE [--unit C] [--product K]\n"
     "                             [--value V] [--by YEAR] [--income-col Y]\n"
     "                             [--income-unit C] [-o OUT]\n\n"
     "PRODY_k = sum_c [(x_ck / X_c) / sum_c' (x_c'k / X_c')] * Y_c (Hausmann, Hwang\n"
     "& Rodrik 2007; spec/measures.md section 4), within each level of --by. Rows of\n"
     "one (unit, product) are summed; keys are compared as text, so codes keep their\n"
     "leading zeros. --income is a column of EXPORTS (constant within a unit) or a\n"
     "file joined by unit (and by --by when it has that column). Units with exports\n"
     "but no income, and units whose exports total 0, are dropped before the\n"
     "shares are computed; every drop is counted. Output: [by,] product, n_units\n"
     "(units exporting it), prody.\n\n"
     "options:\n"
     "  --unit C, --product K, --value V   columns (default country, product, value)\n"
     "  --by Y             compute within each level of Y (e.g. the year)\n"
     "  --income COL|FILE  income per capita: a column of EXPORTS or a table\n"
     "  --income-col Y     the income column of FILE (default: its one numeric column\n"
     "                     besides the keys)\n"
     "  --income-unit C    the unit column of FILE (default: as --unit)\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure prody trade.csv --unit country --product product --value value \\\n"
     "      --income gdp.csv --income-col value -o prody.csv\n"},
    {"measure", "expy", cli_measure_expy, "EXPY: income level of each unit's export basket",
     "usage: coinnet measure expy EXPORTS --prody P [--unit C] [--product K] [--value V]\n"
     "                            [--by YEAR] [--prody-product K] [--prody-col COL]\n"
     "                            [--unmatched drop|keep] [-o OUT]\n\n"
     "EXPY_c = sum_k (x_ck / X_c) * PRODY_k (Hausmann, Hwang & Rodrik 2007;\n"
     "spec/measures.md section 4) for countries, provinces or firms (a firm's\n"
     "basket with national PRODY), within each level of --by. PRODY comes from a\n"
     "table such as `coinnet measure prody` writes, joined by product (and by --by\n"
     "when it has that column). Products without a PRODY are dropped from the\n"
     "basket and the shares renormalized over the rest (--unmatched keep leaves\n"
     "their value in X instead); they are counted. Output: [by,] unit, X, n_products,\n"
     "expy.\n\n"
     "options:\n"
     "  --unit C, --product K, --value V   columns (default country, product, value)\n"
     "  --by Y             compute within each level of Y (e.g. the year)\n"
     "  --prody P          the PRODY table\n"
     "  --prody-product K  its product column (default: as --product)\n"
     "  --prody-col COL    its PRODY column (default prody)\n"
     "  --unmatched R      drop (default) or keep the value of products without PRODY\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure expy customs.csv --unit firm --product hs6 --value value \\\n"
     "      --by year --prody prody_hs6.csv --prody-product hs6 -o expy.csv\n"},
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
    {"measure", "dea", cli_measure_dea, "DEA efficiency scores (CRS/VRS/NIRS/NDRS, slacks, super-efficiency)",
     "usage: coinnet measure dea DATA --inputs X1,X2 --outputs Y1[,Y2] [--dmu ID] [--by YEAR]\n"
     "                           [--rts crs|vrs|nirs|ndrs] [--orient in|out] [--slacks]\n"
     "                           [--super] [--peers] [-o OUT]\n\n"
     "Envelopment linear programs (spec/measures.md section 8; docs/measures.md),\n"
     "solved by GLPK, one per DMU (row), within each level of --by:\n"
     "  in   theta = min t  s.t. sum_j l_j x_j <= t x_o, sum_j l_j y_j >= y_o, l >= 0\n"
     "  out  phi   = max f  s.t. sum_j l_j x_j <= x_o, sum_j l_j y_j >= f y_o, l >= 0\n"
     "with sum_j l_j = 1 (vrs), <= 1 (nirs) or >= 1 (ndrs). Farrell's conventions:\n"
     "theta <= 1; phi >= 1, and inv_phi = 1/phi <= 1 (Shephard's distance).\n"
     "Output: [by,] dmu, theta | phi, inv_phi, [slack_X..., slack_Y...], [peers,\n"
     "n_peers]. Rows with a missing key or a missing or negative input or output\n"
     "are left out and counted.\n\n"
     "options:\n"
     "  --inputs X1,X2     input columns (numbers >= 0)\n"
     "  --outputs Y1,Y2    output columns (numbers >= 0)\n"
     "  --dmu ID           the DMU's name (default: its row number)\n"
     "  --by YEAR          a separate frontier for each level of YEAR\n"
     "  --rts R            returns to scale: crs (default), vrs, nirs, ndrs\n"
     "  --orient O         in (default) or out\n"
     "  --slacks           second stage: the largest sum of input excesses and output\n"
     "                     shortfalls (in the data's units) at the first stage's score\n"
     "  --super            Andersen-Petersen super-efficiency: each DMU is left out of\n"
     "                     its own reference set (theta may exceed 1); a DMU outside\n"
     "                     the others' technology gets a missing score, never 0\n"
     "  --peers            peers: \"DMU:lambda\" pairs with lambda > 0 (second-stage\n"
     "                     lambda with --slacks), and their number\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure dea clusters.csv --inputs rd_staff,rd_spend --outputs patents \\\n"
     "      --dmu cluster --by year --rts vrs --slacks --peers -o dea.csv\n"},
    {"measure", "malmquist", cli_measure_malmquist, "Malmquist productivity index (EC x TC): adjacent, sequential or global",
     "usage: coinnet measure malmquist DATA --inputs X1,X2 --outputs Y1 --dmu ID --time T\n"
     "                                 [--ref adjacent|sequential|global]\n"
     "                                 [--rts crs|vrs|nirs|ndrs] [--orient in|out] [--scale]\n"
     "                                 [-o OUT]\n\n"
     "Between each pair of adjacent periods t, t+1 (spec/measures.md section 8),\n"
     "with D^a(b) the distance of the period-b data to the frontier T_a (theta, or\n"
     "1/phi with --orient out), after Faere, Grosskopf, Norris & Zhang (1994):\n"
     "  m  = [D^t(t+1)/D^t(t) * D^t+1(t+1)/D^t+1(t)]^(1/2) = ec * tc\n"
     "  ec = D^t+1(t+1)/D^t(t),  tc = m / ec\n"
     "m > 1 is productivity growth. T_t is every DMU observed in period t\n"
     "(--ref adjacent) or in any period up to t (sequential). With --ref global\n"
     "(Pastor & Lovell 2005), m = D^G(t+1)/D^G(t) with the frontier of all periods,\n"
     "ec as above (each period's own frontier) and tc = m / ec. An LP without a\n"
     "solution (possible with vrs) leaves the indices it enters missing; they are\n"
     "counted. Output: dmu, period0, period1, m, ec, tc, [pec, sec,] d00, d11, and\n"
     "d01, d10 (dg0, dg1: the distances to the global frontier).\n\n"
     "options:\n"
     "  --inputs X1,X2, --outputs Y1   input and output columns (numbers >= 0)\n"
     "  --dmu ID           the DMU's name\n"
     "  --time T           the period (numbers in numeric order, text in byte order)\n"
     "  --ref R            the frontiers: adjacent (default), sequential or global\n"
     "  --rts R            the frontier of the distances: crs (default), vrs, nirs, ndrs\n"
     "  --orient O         in (default) or out\n"
     "  --scale            CRS index with ec = pec * sec: pec from VRS scores to the\n"
     "                     same frontiers, sec = ec / pec\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure malmquist clusters.csv --inputs rd_staff,rd_spend --outputs patents \\\n"
     "      --dmu cluster --time year -o malmquist.csv\n"},
    {"measure", "prodfn", cli_measure_prodfn, "production functions: ACF, LP, OP, Wooldridge (by industry)",
     "usage: coinnet measure prodfn DATA --output Y --free L1[,L2] --state K --proxy M\n"
     "                              --panel ID,TIME [--by INDUSTRY]\n"
     "                              [--method acf|lp|op|wrdg] [--form cd|tl] [--log]\n"
     "                              [--poly G] [--law A] [--survival]\n"
     "                              [--start B1,B2] [--reps R] [--seed S] [--obs FILE]\n"
     "                              [--name N] [--json] [-o FILE]\n\n"
     "Control-function estimates of y = f(free, state) + omega + eps with omega_t =\n"
     "g(omega_t-1) + xi_t (spec/measures.md section 7; docs/measures.md), one sample\n"
     "per level of --by:\n"
     "  acf  first stage y = phi(free, state, proxy) + eps, a polynomial of degree G;\n"
     "       second stage: minimise (Z'xi)'W(Z'xi), W = (Z'Z)^-1/n, Z = lagged free\n"
     "       and current state terms, xi the residual of omega = phi - x'b on a\n"
     "       polynomial of degree A in omega_t-1 (prodest's gACF)\n"
     "  lp   first stage y = free'bf + phi(state, proxy) + eps; second stage: least\n"
     "       squares of xi = y - free'bf - state'bs - g(omega_t-1) (prodest's gOPLP)\n"
     "  op   as lp, the proxy being investment; --survival adds Olley-Pakes's survival\n"
     "       probability P (a probit of being in the sample the next period on the\n"
     "       first stage's polynomial of state and proxy): g(omega_t-1, P_t-1)\n"
     "  wrdg Wooldridge (2009): y = a0 + free'b + C(state, proxy)'l + e and\n"
     "       y = e0 + free'b + state'g + C(state_t-1, proxy_t-1)'r + u as one GMM\n"
     "       system, instruments free and C; lagged free, state and lagged C;\n"
     "       weight diag((Z1'Z1)^-1, (Z2'Z2)^-1) as prodest's gWRDG; C a polynomial\n"
     "       of degree G; linear, so solved in closed form: no --law, no --start\n"
     "acf, lp, op: Nelder-Mead then Levenberg-Marquardt from the first stage's\n"
     "coefficients and OLS (the lower criterion wins); acf also from the minimum of\n"
     "the same moments with the instruments one period earlier added, and of its\n"
     "exact roots keeps the one where those extra moments are closest to zero. With\n"
     "--by, a group too small to estimate is skipped with a warning. Standard errors: a firm-block\n"
     "bootstrap (--reps replications, each re-estimated from the estimate;\n"
     "deterministic for a seed whatever the threads). Rows with a missing value\n"
     "(or, with --log, a non-positive one) are left out and counted; rows without\n"
     "the previous period are in the first stage only (wrdg: in neither equation).\n\n"
     "options:\n"
     "  --output Y         log output (value added or gross output)\n"
     "  --free L1,L2       free inputs (labour; materials too for gross output)\n"
     "  --state K          state inputs (capital)\n"
     "  --proxy M          the proxy: materials (acf, lp, wrdg) or investment (op);\n"
     "                     with acf it may be a free input too\n"
     "  --panel ID,TIME    firm and (integer) period columns\n"
     "  --by INDUSTRY      a separate production function for each level\n"
     "  --method M         acf (default), lp, op or wrdg\n"
     "  --form F           cd (Cobb-Douglas, default) or tl (translog: squares and\n"
     "                     products of the inputs; acf and wrdg)\n"
     "  --log              the columns are levels: take logs\n"
     "  --poly G           degree of the first-stage polynomial (default 3; prodest's\n"
     "                     LP uses 2)\n"
     "  --law A            degree of g, the law of motion of omega (default 1: AR(1);\n"
     "                     prodest's default is 3; not for wrdg)\n"
     "  --survival         op: Olley-Pakes's survival correction (g a polynomial of\n"
     "                     degree A in omega_t-1 and P_t-1; Stata prodest's attrition)\n"
     "  --start B1,B2      starting values (acf: every coefficient; lp, op: the state\n"
     "                     inputs'); only these are tried (not for wrdg)\n"
     "  --reps R           bootstrap replications (default 0: no standard errors)\n"
     "  --seed S           bootstrap seed (default 1)\n"
     "  --obs FILE         write row, ID, TIME, [INDUSTRY,] phi, eps, omega and the\n"
     "                     elasticities theta_X of every observation\n"
     "  --json             the models as JSON (an array with --by)\n"
     "  -o FILE            write the JSON there\n"
     "  --name N           keep each model as N.json (N_LEVEL.json with --by)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure prodfn firms.csv --output lny --free lnl --state lnk --proxy lnm \\\n"
     "      --panel id,year --by ind2 --reps 199 --obs tfp.csv\n"},
    {"measure", "markup", cli_measure_markup, "De Loecker-Warzynski markups from a production function",
     "usage: coinnet measure markup DATA --output Y --free L,M --state K --proxy M\n"
     "                              --panel ID,TIME [--by INDUSTRY]\n"
     "                              [--method acf|lp|op|wrdg] [--form cd|tl] [--log]\n"
     "                              [--poly G] [--law A] [--survival]\n"
     "                              [--start B1,B2] [--reps R] [--seed S] [--obs FILE]\n"
     "                              [--name N] [--coef FILE [--eps E]] [--flexible M]\n"
     "                              (--revenue R --cost C | --share S)\n"
     "                              [--no-correction] [--trim P] [-o OUT]\n\n"
     "Estimates the production function as `coinnet measure prodfn` does, then for\n"
     "every observation of its first stage (De Loecker & Warzynski 2012; docs/measures.md):\n"
     "  markup = theta_M / (alpha_M exp(eps)),  alpha_M = C / R\n"
     "theta_M the output elasticity of the flexible input (Cobb-Douglas: b_M;\n"
     "translog: b_M + 2 b_MM m + sum_j b_Mj x_j), eps the first-stage residual.\n"
     "Output: row, ID, TIME, [INDUSTRY,] theta, alpha, eps, markup, trimmed.\n\n"
     "options (and those of `coinnet measure prodfn`, which estimates the function):\n"
     "  --flexible M       the flexible input (default: the proxy; it must be a --free input)\n"
     "  --revenue R        sales in levels (P^Q Q)\n"
     "  --cost C           spending on the flexible input in levels (P^M M)\n"
     "  --share S          or the share C/R itself\n"
     "  --coef FILE        take the coefficients from FILE (columns [INDUSTRY,] term, b;\n"
     "                     terms named as prodfn names them: L, L^2, L*K) instead of\n"
     "                     estimating them; --proxy and --method are then not used\n"
     "  --eps E            with --coef: the first-stage residual column (default 0)\n"
     "  --no-correction    alpha as it is, not times exp(eps)\n"
     "  --trim P           markups below the P-th or above the (100-P)-th percentile of\n"
     "                     their industry made missing (R's quantile type 7); e.g. 1\n"
     "  -o OUT             output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet measure markup firms.csv --output lny --free lnl,lnm --state lnk \\\n"
     "      --proxy lnm --panel id,year --by ind2 --revenue sales --cost materials --trim 1\n"},
    {NULL, NULL, NULL, NULL, NULL}};
