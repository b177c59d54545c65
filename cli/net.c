/* cli/net.c — `coinnet net ...`: node measures of co-applicant graphs. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

static int run_metrics(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_net_opts no;
  memset(&no, 0, sizeof no);
  const char *in = NULL, *outp = NULL, *measures = NULL, *bcw = "none", *v;
  cn_table *t = NULL, *o = NULL;
  char **list = NULL;
  cn_diag d;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--measures", &measures)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--bc-weights", &bcw)) != 0) {
      if (r < 0) return cli_usage("metrics", "option %s needs a value", argv[i]);
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--threads", &v)) != 0) {
      char *end;
      no.threads = r > 0 ? (int)strtol(v, &end, 10) : -1;
      if (r < 0 || *end || no.threads < 1)
        return cli_usage("metrics", "--threads takes a count >= 1");
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--bc-alpha", &v)) != 0) {
      char *end;
      no.bc_alpha = r > 0 ? strtod(v, &end) : -1;
      if (r < 0 || *end || !(no.bc_alpha > 0))
        return cli_usage("metrics", "--bc-alpha takes a positive number");
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_usage("metrics", "unknown option %s", argv[i]);
    if (in) return cli_usage("metrics", "one input only (got \"%s\" too)", argv[i]);
    in = argv[i];
  }
  if (!in) return cli_usage("metrics", "the edge list (or build folder) is missing");
  if (!strcmp(bcw, "none")) no.bc_weights = CN_BC_BINARY;
  else if (!strcmp(bcw, "inv")) no.bc_weights = CN_BC_INV;
  else return cli_usage("metrics", "--bc-weights takes none or inv");
  if (measures) {
    char *copy = strdup(measures);
    list = calloc(strlen(measures) + 1, sizeof *list);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) list[no.n_measures++] = tok;
    no.measures = (const char *const *)list;
  }
  /* a build folder holds edges.csv */
  char path[4096];
  struct stat sb;
  snprintf(path, sizeof path, "%s", in);
  if (stat(in, &sb) == 0 && S_ISDIR(sb.st_mode)) snprintf(path, sizeof path, "%s/edges.csv", in);
  if ((rc = cli_read(path, &ro, &t)) != 0) goto done;
  if (cn_net_metrics(t, &no, &o, &d) != CN_OK) {
    if (!d.file[0] && d.code == CN_EDATA) snprintf(d.file, sizeof d.file, "%.500s", path);
    rc = cli_fail(&d);
    goto done;
  }
  if (no.dropped)
    fprintf(stderr, "%s: note: %lld edge%s with a missing value dropped\n", cli_prefix,
            (long long)no.dropped, no.dropped == 1 ? "" : "s");
  cn_status st = !outp || !strcmp(outp, "-") ? cn_table_write_csv_fp(o, stdout, ',', &d)
                                             : cn_table_write(o, outp, NULL, &d);
  if (st != CN_OK) rc = cli_fail(&d);
done:
  if (list) free(list[0]);
  free(list);
  cn_table_free(t);
  cn_table_free(o);
  return rc;
}

const cli_cmd cli_net_cmds[] = {
    {"net", "metrics", run_metrics, "node measures of yearly co-applicant graphs",
     "usage: coinnet net metrics EDGES|DIR [--measures LIST] [--bc-weights none|inv]\n"
     "                           [--bc-alpha A] [--threads N] [-o FILE]\n\n"
     "Reads an edge list with columns [year,] u, v [, weight] (u and v integer ids\n"
     "or text labels; a build folder's edges.csv) and writes one row per node and\n"
     "year: year, node_id, node and the measures (default: all):\n"
     "  wdc               weighted degree, sum of w_ij (the paper's WDC)\n"
     "  partners          degree of the simple graph\n"
     "  betweenness       raw, over unordered pairs; binary paths by default (as\n"
     "                    UCINET and Pajek); --bc-weights inv: length 1/w (1/w^A with\n"
     "                    --bc-alpha A); lengths within 1e-10 count as equal (igraph)\n"
     "  betweenness_norm  2B/((n-1)(n-2)), n the year's nodes (networkx, R igraph)\n"
     "  constraint        Burt's constraint, weighted; missing for isolates\n"
     "  effsize           Burt's effective size (Borgatti's n - 2t/n unweighted)\n"
     "  efficiency        effsize / partners\n"
     "  coreness          k-core number\n"
     "  clustering        local clustering coefficient; missing below 2 partners\n"
     "  eigenvector       weighted eigenvector centrality, max 1 (igraph)\n"
     "  component         connected component, numbered from the smallest node id\n"
     "  comp_size         its number of nodes\n"
     "  cp_core           Borgatti-Everett discrete core (1) or periphery (0), binary graph\n"
     "  cp_coreness       Borgatti-Everett continuous coreness\n"
     "Repeated pairs in a year are summed into one edge; text labels get node ids\n"
     "1, 2, ... in order of first appearance. --threads N (default: all cores)\n"
     "never changes a result.\n\n"
     "options:\n"
     "  -o FILE            output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet net metrics edges.csv --measures wdc,partners,betweenness -o metrics.csv\n"},
    {NULL, NULL, NULL, NULL, NULL}};
