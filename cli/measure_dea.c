/* cli/measure_dea.c — `coinnet measure dea` and `coinnet measure
 * malmquist`: efficiency scores by data envelopment analysis
 * (spec/measures.md section 8). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Splits a comma list into at most max words (in storage the caller frees
 * with free(*copy)); returns the count, -1 for an empty word. */
static int split_list(const char *s, char **copy, const char **words, int max) {
  *copy = strdup(s);
  if (!*copy) return -1;
  int n = 0;
  char *p = *copy;
  for (;;) {
    char *c = strchr(p, ',');
    if (c) *c = '\0';
    if (!*p || n == max) return -1;
    words[n++] = p;
    if (!c) break;
    p = c + 1;
  }
  return n;
}

/* The options both commands take. flags: whether --slacks, --super,
 * --peers are allowed (dea) or --scale (malmquist). */
typedef struct dea_args {
  const char *in, *outp, *inputs, *outputs, *dmu, *by, *rts, *orient, *ref;
  cn_dea_opts o;
  cn_malmquist_ref mref;
  bool scale;
  cn_read_opts ro;
} dea_args;

static int parse(int argc, char **argv, const char *cmd, bool malm, dea_args *a) {
  memset(a, 0, sizeof *a);
  cn_read_opts_init(&a->ro);
  cn_dea_opts_init(&a->o);
  a->rts = "crs", a->orient = "in", a->ref = NULL;
  struct {
    const char *opt;
    const char **dst;
  } named[] = {{"--inputs", &a->inputs}, {"--outputs", &a->outputs}, {"--dmu", &a->dmu},
               {malm ? "--time" : "--by", &a->by}, {"--rts", &a->rts}, {"--orient", &a->orient},
               {"-o", &a->outp}};
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &a->ro)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      continue;
    }
    bool hit = false;
    for (size_t k = 0; k < sizeof named / sizeof *named && !hit; k++)
      if ((r = cli_opt(argc, argv, &i, named[k].opt, named[k].dst)) != 0) {
        if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
        hit = true;
      }
    if (!hit && malm && (r = cli_opt(argc, argv, &i, "--ref", &a->ref)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      hit = true;
    }
    if (hit) continue;
    if (!malm && cli_flag(argv, i, "--slacks")) a->o.slacks = true;
    else if (!malm && cli_flag(argv, i, "--super")) a->o.super = true;
    else if (!malm && cli_flag(argv, i, "--peers")) a->o.peers = true;
    else if (malm && cli_flag(argv, i, "--scale")) a->scale = true;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option(cmd, argv[i]);
    else if (a->in) return cli_usage(cmd, "one input only (got \"%s\" too)", argv[i]);
    else a->in = argv[i];
  }
  if (!a->in) return cli_usage(cmd, "the data file is missing");
  if (!a->inputs || !a->outputs) return cli_usage(cmd, "--inputs X1,X2,... and --outputs Y1,... are needed");
  if (malm && (!a->dmu || !a->by)) return cli_usage(cmd, "--dmu ID and --time T are needed");
  if (!strcmp(a->rts, "crs")) a->o.rts = CN_DEA_CRS;
  else if (!strcmp(a->rts, "vrs")) a->o.rts = CN_DEA_VRS;
  else if (!strcmp(a->rts, "nirs")) a->o.rts = CN_DEA_NIRS;
  else if (!strcmp(a->rts, "ndrs")) a->o.rts = CN_DEA_NDRS;
  else return cli_usage(cmd, "--rts is crs, vrs, nirs or ndrs (got \"%s\")", a->rts);
  if (!strcmp(a->orient, "in")) a->o.orient = CN_DEA_INPUT;
  else if (!strcmp(a->orient, "out")) a->o.orient = CN_DEA_OUTPUT;
  else return cli_usage(cmd, "--orient is in or out (got \"%s\")", a->orient);
  if (!a->ref || !strcmp(a->ref, "adjacent")) a->mref = CN_MALMQUIST_ADJACENT;
  else if (!strcmp(a->ref, "sequential")) a->mref = CN_MALMQUIST_SEQUENTIAL;
  else if (!strcmp(a->ref, "global")) a->mref = CN_MALMQUIST_GLOBAL;
  else return cli_usage(cmd, "--ref is adjacent, sequential or global (got \"%s\")", a->ref);
  if (a->scale && a->o.rts != CN_DEA_CRS)
    return cli_usage(cmd, "--scale decomposes the CRS index with VRS scores: leave --rts out");
  return 0;
}

static int run(int argc, char **argv, bool malm) {
  const char *cmd = malm ? "malmquist" : "dea";
  dea_args a;
  int rc = parse(argc, argv, cmd, malm, &a);
  if (rc) return rc;
  char *cx = NULL, *cy = NULL;
  const char *xs[256], *ys[256];
  int m = split_list(a.inputs, &cx, xs, 256), s = split_list(a.outputs, &cy, ys, 256);
  cn_table *t = NULL, *res = NULL;
  if (m < 1 || s < 1) {
    rc = cli_usage(cmd, "--%s takes column names separated by commas (at most 256)", m < 1 ? "inputs" : "outputs");
    goto done;
  }
  if ((rc = cli_read(a.in, &a.ro, &t)) != 0) goto done;
  cn_dea_spec sp = {.inputs = xs, .m = m, .outputs = ys, .s = s, .dmu = a.dmu, .by = a.by};
  cn_dea_report rep;
  cn_diag d;
  cn_status st = malm ? cn_measure_malmquist(t, &sp, &a.o, a.mref, a.scale, &res, &rep, &d)
                      : cn_measure_dea(t, &sp, &a.o, &res, &rep, &d);
  if (st != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (rep.rows_dropped)
    fprintf(stderr, "%s: note: %lld row%s with a missing key or a missing, non-finite or negative input or "
            "output left out\n", cli_prefix, (long long)rep.rows_dropped, rep.rows_dropped == 1 ? "" : "s");
  if (rep.unmatched)
    fprintf(stderr, "%s: note: %lld DMU-period%s without the next period (no index)\n", cli_prefix,
            (long long)rep.unmatched, rep.unmatched == 1 ? "" : "s");
  if (rep.infeasible)
    fprintf(stderr, "%s: note: %lld LP%s infeasible (%s missing)\n", cli_prefix, (long long)rep.infeasible,
            rep.infeasible == 1 ? "" : "s",
            malm ? "the observation lies outside that technology: the indices it enters"
                 : "the DMU lies outside its reference technology: score");
  if (rep.slacks_missing)
    fprintf(stderr, "%s: note: %lld DMU%s without an optimum of the slacks' program (slacks missing)\n",
            cli_prefix, (long long)rep.slacks_missing, rep.slacks_missing == 1 ? "" : "s");
  if (rep.unbounded)
    fprintf(stderr, "%s: note: %lld LP%s unbounded (score missing)\n", cli_prefix, (long long)rep.unbounded,
            rep.unbounded == 1 ? "" : "s");
  rc = cli_write(res, a.outp);
done:
  free(cx), free(cy);
  cn_table_free(t);
  cn_table_free(res);
  return rc;
}

int cli_measure_dea(int argc, char **argv) { return run(argc, argv, false); }
int cli_measure_malmquist(int argc, char **argv) { return run(argc, argv, true); }
