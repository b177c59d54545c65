/* cli/net.c — `coinnet net ...`: node measures of co-applicant graphs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "coinnet/report.h"

/* The edge list to read: IN itself, or IN/edges.csv for a build folder. */
static void edges_path(const char *in, char *path, size_t n) {
  struct stat sb;
  if (stat(in, &sb) == 0 && S_ISDIR(sb.st_mode)) snprintf(path, n, "%s/edges.csv", in);
  else snprintf(path, n, "%s", in);
}

/* Prints d, an error about a file inside the temporary folder tmp of the
 * output folder dir, under the file's final name; returns the exit code. */
static int fail_in(const cn_diag *d, const char *tmp, const char *dir) {
  cn_diag e = *d;
  size_t n = strlen(tmp);
  if (!strncmp(e.file, tmp, n)) snprintf(e.file, sizeof e.file, "%s%.400s", dir, d->file + n);
  return cli_fail(&e);
}

/* Writes one table of the build into the folder tmp (to become dir) as
 * NAME; returns 0 or an exit code. */
static int write_into(const char *tmp, const char *dir, const char *name, const cn_table *t) {
  char path[4096];
  cn_diag d;
  snprintf(path, sizeof path, "%s/%s", tmp, name);
  if (cn_table_write(t, path, NULL, &d) != CN_OK) return fail_in(&d, tmp, dir);
  return 0;
}

/* What --firms asks: the table, its columns and the counts to report. */
typedef struct firm_link {
  const char *path, *name, *id, *year;
  cn_read_opts ro;
  cn_name_match_result res;
} firm_link;

/* Links the organizations of the build to the firms of f->path
 * (docs/networks.md, "Firm ids"): the orgs' names (by year with
 * --firm-year: org_year's rows) go through cn_name_match against the firm
 * table, and the table they came from (orgs or org_year) gets firm_id (the
 * firm table's type when it holds whole numbers), firm_name, match_rule,
 * match_score and match_history. Returns 0 or an exit code, the error
 * printed; f->res keeps the counts and the review rows. */
static int link_firms(cn_build_more *more, firm_link *f) {
  cn_table *ft = NULL, *l = NULL;
  cn_table *into = f->year ? more->org_year : more->orgs;
  cn_diag d;
  int rc = 0;
  if ((rc = cli_read(f->path, &f->ro, &ft)) != 0) return rc;
  int fid = cn_table_col(ft, f->id, f->path, &d);
  if (fid < 0 || cn_table_col(ft, f->name, f->path, &d) < 0 ||
      (f->year && cn_table_col(ft, f->year, f->path, &d) < 0)) {
    rc = cli_fail(&d);
    goto done;
  }
  /* the left side: org_id, name [, year] of every row of `into` */
  int64_t n = cn_table_nrow(into);
  int oi = cn_table_find(into, "org_id"), oy = f->year ? cn_table_find(into, "year") : -1;
  int gn = cn_table_find(more->orgs, "name");
  const int64_t *ids = cn_table_i64(into, oi), *yrs = oy >= 0 ? cn_table_i64(into, oy) : NULL;
  int lid, lname, lyear = -1;
  if (!(l = cn_table_new(n)) || (lid = cn_table_add_column(l, "org_id", CN_INT64, &d)) < 0 ||
      (lname = cn_table_add_column(l, "name", CN_STRING, &d)) < 0 ||
      (yrs && (lyear = cn_table_add_column(l, "year", CN_INT64, &d)) < 0)) {
    if (!l) cn_diag_set(&d, CN_EINTERNAL, "out of memory");
    rc = cli_fail(&d);
    goto done;
  }
  for (int64_t r = 0; r < n; r++) {
    cn_table_i64_mut(l, lid)[r] = ids[r];
    if (yrs) cn_table_i64_mut(l, lyear)[r] = yrs[r];
    if (cn_table_set_str(l, lname, r, cn_table_str(more->orgs, gn, ids[r] - 1, NULL), &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
  }
  cn_name_match_opts mo;
  cn_name_match_opts_init(&mo);
  cn_name_match_side L = {l, f->year ? "org_year.csv" : "orgs.csv", 0, "name", "org_id", yrs ? "year" : NULL, NULL};
  cn_name_match_side R = {ft, f->path, cli_first_line(f->path, &f->ro), f->name, f->id, f->year, NULL};
  if (cn_name_match(&L, &R, &mo, &f->res, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  /* the match's columns onto `into`, row for row */
  const cn_table *m = f->res.out;
  int mi = cn_table_find(m, "right_id"), mn = cn_table_find(m, "right_name"), ms = cn_table_find(m, "score");
  int mr = cn_table_find(m, "rule"), mh = cn_table_find(m, "history");
  bool whole = cn_table_type(ft, fid) == CN_INT64;
  int cid, cname, crule, cscore, chist;
  if ((cid = cn_table_add_column(into, "firm_id", whole ? CN_INT64 : CN_STRING, &d)) < 0 ||
      (cname = cn_table_add_column(into, "firm_name", CN_STRING, &d)) < 0 ||
      (crule = cn_table_add_column(into, "match_rule", CN_STRING, &d)) < 0 ||
      (cscore = cn_table_add_column(into, "match_score", CN_DOUBLE, &d)) < 0 ||
      (chist = cn_table_add_column(into, "match_history", CN_INT64, &d)) < 0) {
    rc = cli_fail(&d);
    goto done;
  }
  for (int64_t r = 0; r < n; r++) {
    const char *id = cn_table_str(m, mi, r, NULL), *rule = cn_table_str(m, mr, r, NULL);
    if (cn_table_set_str(into, crule, r, rule, &d) != CN_OK ||
        (id && cn_table_set_str(into, cname, r, cn_table_str(m, mn, r, NULL), &d) != CN_OK) ||
        (id && !whole && cn_table_set_str(into, cid, r, id, &d) != CN_OK)) {
      rc = cli_fail(&d);
      goto done;
    }
    if (!id) continue;
    if (whole) cn_table_i64_mut(into, cid)[r] = strtoll(id, NULL, 10);
    cn_table_dbl_mut(into, cscore)[r] = cn_table_get_num(m, ms, r);
    cn_table_i64_mut(into, chist)[r] = (int64_t)cn_table_get_num(m, mh, r);
  }
done:
  cn_table_free(ft);
  cn_table_free(l);
  return rc;
}

static int run_build(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_build_opts bo;
  memset(&bo, 0, sizeof bo);
  const char *in = NULL, *outdir = NULL, *keep = "invention", *wmode = "count", *v;
  const char *level = "subclass", *groups = NULL, *gmode = "mark";
  firm_link fl;
  memset(&fl, 0, sizeof fl);
  cn_read_opts_init(&fl.ro);
  fl.name = "name";
  fl.id = "id";
  cn_table *t = NULL, *nodes = NULL, *edges = NULL, *ny = NULL, *years = NULL, *gt = NULL;
  cn_build_more more = {NULL, NULL, NULL};
  cn_build_counts c;
  cn_output *od = NULL;
  cn_diag d;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &outdir)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--applicants", &bo.applicants)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--app-sep", &bo.app_sep)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--id", &bo.id)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--app-id", &bo.app_id)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--date", &bo.date)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--year", &bo.year)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--type", &bo.type)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--ipc", &bo.ipc)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--pub-date", &bo.pub_date)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--weights", &wmode)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--ipc-level", &level)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--grant-year", &bo.grant_year)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--country", &bo.country)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--groups", &groups)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--groups-mode", &gmode)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--firms", &fl.path)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--firm-name", &fl.name)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--firm-id", &fl.id)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--firm-year", &fl.year)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--keep-types", &keep)) != 0) {
      if (r < 0) return cli_usage("build", "option %s needs a value", argv[i]);
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--window", &v)) != 0) {
      long long w;
      if (r < 0 || !cli_int_arg(v, 1, 50, &w))
        return cli_usage("build", "--window takes a number of years from 1 to 50");
      bo.window = (int)w;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--search-window", &v)) != 0) {
      long long w;
      if (r < 0 || !cli_int_arg(v, 1, 50, &w))
        return cli_usage("build", "--search-window takes a number of years from 1 to 50");
      bo.search_window = (int)w;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--stock", &v)) != 0) {
      long long w;
      if (r < 0 || !cli_int_arg(v, 1, 50, &w)) return cli_usage("build", "--stock takes a number of years from 1 to 50");
      bo.stock = (int)w;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("build", argv[i]);
    if (in) return cli_usage("build", "one input only (got \"%s\" too)", argv[i]);
    in = argv[i];
  }
  if (!in) return cli_usage("build", "PATENTS is missing");
  if (!outdir) return cli_usage("build", "-o DIR is missing");
  if (!bo.applicants) return cli_usage("build", "--applicants COL is missing");
  if ((rc = cli_out_dir("build", "-o", outdir, false)) != 0) return rc;
  if (!strcmp(wmode, "newman")) bo.newman = 1;
  else if (strcmp(wmode, "count")) return cli_usage("build", "--weights takes count or newman");
  if (!strcmp(keep, "all")) bo.all_types = 1;
  else if (strcmp(keep, "invention")) return cli_usage("build", "--keep-types takes invention or all");
  if (!strcmp(level, "group")) bo.ipc_level = CN_IPC_GROUP;
  else if (!strcmp(level, "class")) bo.ipc_level = CN_IPC_CLASS;
  else if (strcmp(level, "subclass")) return cli_usage("build", "--ipc-level takes subclass, group or class");
  if (!fl.path && (fl.year || strcmp(fl.name, "name") || strcmp(fl.id, "id")))
    return cli_usage("build", "--firm-name, --firm-id and --firm-year need --firms TABLE");
  if (!strcmp(gmode, "drop")) bo.groups_drop = true;
  else if (strcmp(gmode, "mark")) return cli_usage("build", "--groups-mode takes mark or drop");
  bo.more = &more;
  if (groups) {
    cn_read_opts gro;
    cn_read_opts_init(&gro);
    if ((rc = cli_read(groups, &gro, &gt)) != 0) goto done;
    bo.groups = gt;
    bo.groups_where = groups;
  }
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  if (cn_table_nrow(t) == 0) { /* a header alone: nothing to build from */
    fprintf(stderr, "%s: %s: the file has no records (a header alone)\n", cli_prefix, in);
    rc = 4;
    goto done;
  }
  if (cn_net_build(t, &bo, &nodes, &edges, &ny, &years, &c, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (fl.path && (rc = link_firms(&more, &fl)) != 0) goto done;
  /* the folder is made whole under a temporary name, then put in place */
  if ((rc = cli_out_dir("build", "-o", outdir, true)) != 0) goto done;
  if (cn_output_open(outdir, 1, &od, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  const char *tmp = cn_output_path(od);
  if ((rc = write_into(tmp, outdir, "nodes.csv", nodes)) || (rc = write_into(tmp, outdir, "edges.csv", edges)) ||
      (rc = write_into(tmp, outdir, "node_year.csv", ny)) ||
      (rc = write_into(tmp, outdir, "years.csv", years)) ||
      (rc = write_into(tmp, outdir, "orgs.csv", more.orgs)) ||
      (rc = write_into(tmp, outdir, "org_year.csv", more.org_year)) ||
      (rc = write_into(tmp, outdir, "search.csv", more.search)) ||
      (fl.path && (rc = write_into(tmp, outdir, "firm-review.csv", fl.res.review))))
    goto done;
  char report[4096];
  snprintf(report, sizeof report,
           "records read                         %lld\n"
           "publications merged into another     %lld   (same application)\n"
           "applications                         %lld\n"
           "dropped: not an invention patent     %lld%s\n"
           "dropped: no application year         %lld\n"
           "dropped: no organization applicant   %lld\n"
           "dropped: first applicant individual  %lld\n"
           "single-organization applications     %lld   (counted in node_year, no edges)\n"
           "collaborative applications           %lld\n"
           "individual co-applicants left out    %lld\n"
           "nodes                                %lld\n"
           "edges (year, pair)                   %lld\n",
           (long long)c.records, (long long)c.merged, (long long)c.applications,
           (long long)c.not_invention, bo.all_types ? "   (--keep-types all)" : "",
           (long long)c.no_year, (long long)c.no_applicants, (long long)c.first_individual,
           (long long)c.single, (long long)c.collaborative, (long long)c.individuals,
           (long long)c.nodes, (long long)c.edges);
  size_t rl = strlen(report);
  snprintf(report + rl, sizeof report - rl,
           "organizations (orgs.csv)             %lld\n"
           "search window, stock (years)         %d, %d   (search.csv, org_year.csv)\n",
           (long long)cn_table_nrow(more.orgs), bo.search_window ? bo.search_window : 5,
           bo.stock ? bo.stock : 5);
  if (bo.grant_year) {
    rl = strlen(report);
    snprintf(report + rl, sizeof report - rl, "granted inventions, no grant year    %lld   (--grant-year %s; not in grants)\n",
             (long long)c.granted_no_year, bo.grant_year);
  }
  if (bo.country) {
    rl = strlen(report);
    snprintf(report + rl, sizeof report - rl,
             "countries (--country %s)\n"
             "  one per applicant                  %lld\n"
             "  one, the first applicant's         %lld\n"
             "  other number: not used             %lld\n"
             "  missing                            %lld\n"
             "  organizations with a country       %lld   (foreign set by it; %lld unlike the name rule)\n",
             bo.country, (long long)c.country_aligned, (long long)c.country_first,
             (long long)c.country_mismatch, (long long)c.country_none, (long long)c.country_orgs,
             (long long)c.country_changed);
  }
  if (groups) {
    rl = strlen(report);
    snprintf(report + rl, sizeof report - rl,
             "group table rows                     %lld\n"
             "group names not in the records       %lld\n"
             "within-group application pairs       %lld   (%s)\n"
             "%-37s%lld%s\n",
             (long long)c.group_rows, (long long)c.group_unmatched, (long long)c.group_pairs,
             bo.groups_drop ? "dropped: no edge" : "kept, marked",
             bo.groups_drop ? "only within-group pairs: no edge" : "within-group edges (marked)",
             (long long)(bo.groups_drop ? c.group_apps : c.group_edges),
             bo.groups_drop ? "   (collaborative; still joint in counts)" : "   (edges.csv within_group = 1)");
  }
  if (fl.path) {
    const cn_name_match_count *a = &fl.res.all;
    const char *unit = fl.year ? "organization-years" : "organizations";
    rl = strlen(report);
    snprintf(report + rl, sizeof report - rl,
             "firms (--firms %s%s%s)\n"
             "  firm records                       %lld\n"
             "  %-35s%lld   (%s.csv)\n"
             "  matched to a firm id               %lld   (exact %lld, fuzzy %lld; %lld through another name of the id)\n"
             "  not matched                        %lld   (%lld in near ties: firm-review.csv)\n"
             "  firm records not matched           %lld\n",
             fl.path, fl.year ? ", by " : "", fl.year ? fl.year : "", (long long)a->right, unit, (long long)a->left,
             fl.year ? "org_year" : "orgs", (long long)(a->exact + a->fuzzy), (long long)a->exact,
             (long long)a->fuzzy, (long long)a->history, (long long)a->left_only, (long long)a->review,
             (long long)a->right_only);
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/build-report.txt", tmp);
  if (cn_output_write(path, report, strlen(report), &d) != CN_OK) {
    rc = fail_in(&d, tmp, outdir);
    goto done;
  }
  rc = cli_output_end(od, 0);
  od = NULL;
  if (rc == 0) fputs(report, stderr);
done:
  cli_output_end(od, rc ? rc : 5);
  cn_table_free(t);
  cn_table_free(nodes);
  cn_table_free(edges);
  cn_table_free(ny);
  cn_table_free(years);
  cn_table_free(gt);
  cn_table_free(more.orgs);
  cn_table_free(more.org_year);
  cn_table_free(more.search);
  cn_name_match_result_free(&fl.res);
  return rc;
}

/* When `in` is a build folder holding NAME, reads it into *t (left NULL
 * otherwise); returns 0 or the exit code, the error printed. */
static int folder_table(const char *in, const char *name, cn_table **t) {
  struct stat sb;
  char p[4096];
  if (stat(in, &sb) != 0 || !S_ISDIR(sb.st_mode)) return 0;
  snprintf(p, sizeof p, "%s/%s", in, name);
  if (stat(p, &sb) != 0) return 0;
  cn_read_opts o;
  cn_read_opts_init(&o);
  return cli_read(p, &o, t);
}

static int run_metrics(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_net_opts no;
  memset(&no, 0, sizeof no);
  const char *in = NULL, *outp = NULL, *measures = NULL, *bcw = "none", *v;
  cn_table *t = NULL, *o = NULL, *nodes = NULL;
  char **list = NULL;
  cn_diag d;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--measures", &measures)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--weight", &no.weight)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--bc-weights", &bcw)) != 0) {
      if (r < 0) return cli_usage("metrics", "option %s needs a value", argv[i]);
      continue;
    }
    if (!strcmp(argv[i], "--cp-valued")) {
      no.cp_valued = true;
      continue;
    }
    if (!strcmp(argv[i], "--unweighted")) {
      no.unweighted = true;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--threads", &v)) != 0) {
      long long th;
      if (r < 0 || !cli_int_arg(v, 1, 1024, &th))
        return cli_usage("metrics", "--threads takes a count from 1 to 1024");
      no.threads = (int)th;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--bc-alpha", &v)) != 0) {
      char *end;
      no.bc_alpha = r > 0 ? strtod(v, &end) : -1;
      if (r < 0 || *end || !(no.bc_alpha > 0))
        return cli_usage("metrics", "--bc-alpha takes a positive number");
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("metrics", argv[i]);
    if (in) return cli_usage("metrics", "one input only (got \"%s\" too)", argv[i]);
    in = argv[i];
  }
  if (!in) return cli_usage("metrics", "the edge list (or build folder) is missing");
  if (no.weight && no.unweighted)
    return cli_usage("metrics", "--weight %s and --unweighted exclude each other", no.weight);
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
  edges_path(in, path, sizeof path);
  if ((rc = cli_read(path, &ro, &t)) != 0) goto done;
  if (cn_table_nrow(t) == 0) { /* a header alone: no graph to measure */
    fprintf(stderr, "%s: %s: the edge list has no edges\n", cli_prefix, path);
    rc = 4;
    goto done;
  }
  /* a build folder also names its nodes */
  if ((rc = folder_table(in, "nodes.csv", &nodes)) != 0) goto done;
  no.nodes = nodes;
  if (cn_net_metrics(t, &no, &o, &d) != CN_OK) {
    if (!d.file[0] && d.code == CN_EDATA) snprintf(d.file, sizeof d.file, "%.500s", path);
    rc = cli_fail(&d);
    goto done;
  }
  if (no.dropped)
    fprintf(stderr, "%s: note: %lld edge%s with a missing value dropped\n", cli_prefix,
            (long long)no.dropped, no.dropped == 1 ? "" : "s");
  rc = cli_write(o, outp);
done:
  if (list) free(list[0]);
  free(list);
  cn_table_free(nodes);
  cn_table_free(t);
  cn_table_free(o);
  return rc;
}

static int run_summary(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *in = NULL, *outp = NULL, *plot = NULL;
  cn_table *t = NULL, *o = NULL, *nodes = NULL, *years = NULL;
  cn_diag d;
  int64_t dropped = 0;
  int rc = 0;
  cn_net_opts so;
  memset(&so, 0, sizeof so);
  double *cols[3] = {0}, *x = NULL;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--weight", &so.weight)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--plot", &plot)) != 0) {
      if (r < 0) return cli_usage("summary", "option %s needs a value", argv[i]);
      continue;
    }
    if (!strcmp(argv[i], "--cp-valued")) {
      so.cp_valued = true;
      continue;
    }
    if (!strcmp(argv[i], "--unweighted")) {
      so.unweighted = true;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("summary", argv[i]);
    if (in) return cli_usage("summary", "one input only (got \"%s\" too)", argv[i]);
    in = argv[i];
  }
  if (!in) return cli_usage("summary", "the edge list (or build folder) is missing");
  if (so.weight && so.unweighted)
    return cli_usage("summary", "--weight %s and --unweighted exclude each other", so.weight);
  char path[4096];
  edges_path(in, path, sizeof path);
  if ((rc = cli_read(path, &ro, &t)) != 0) goto done;
  /* a build folder adds applications per year and nodes by type */
  if ((rc = folder_table(in, "nodes.csv", &nodes)) != 0 || (rc = folder_table(in, "years.csv", &years)) != 0)
    goto done;
  if (cn_net_summary(t, nodes, years, &so, &o, &dropped, &d) != CN_OK) {
    if (!d.file[0] && d.code == CN_EDATA) snprintf(d.file, sizeof d.file, "%.500s", path);
    rc = cli_fail(&d);
    goto done;
  }
  if (dropped)
    fprintf(stderr, "%s: note: %lld edge%s with a missing value dropped\n", cli_prefix,
            (long long)dropped, dropped == 1 ? "" : "s");
  if ((rc = cli_write(o, outp)) != 0) goto done;
  if (plot) {
    /* Figure 1: the network's growth, one panel per series over the years */
    int64_t n = cn_table_nrow(o);
    int cy = cn_table_find(o, "year");
    /* with a build folder: applications, nodes and average weighted degree,
     * as the reference paper's Figure 1; else edges in place of applications */
    bool apps = cn_table_find(o, "collaborative") >= 0;
    const char *names[3] = {apps ? "collaborative applications" : "edges (collaborating pairs)",
                            "nodes (entities)", "average weighted degree"};
    const char *src[3] = {apps ? "collaborative" : "edges", "nodes", "avg_wdc"};
    x = calloc((size_t)n + 1, sizeof *x);
    for (int k = 0; k < 3; k++) cols[k] = calloc((size_t)n + 1, sizeof(double));
    if (!x || !cols[0] || !cols[1] || !cols[2]) {
      fprintf(stderr, "%s: out of memory\n", cli_prefix);
      rc = 5;
      goto done;
    }
    for (int64_t r = 0; r < n; r++) {
      x[r] = cy >= 0 ? cn_table_get_num(o, cy, r) : (double)r + 1;
      for (int k = 0; k < 3; k++) cols[k][r] = cn_table_get_num(o, cn_table_find(o, src[k]), r);
    }
    if (cn_plot_panels(plot, "Co-application network over the years", cy >= 0 ? "year" : "graph",
                       x, (int)n, 3, (const double *const *)cols, names, &d) != CN_OK)
      rc = cli_fail(&d);
  }
done:
  free(x);
  for (int k = 0; k < 3; k++) free(cols[k]);
  cn_table_free(nodes);
  cn_table_free(years);
  cn_table_free(t);
  cn_table_free(o);
  return rc;
}

/* Parses "A-B" (years, A <= B) into *a, *b; false when it is not one. */
static bool year_range(const char *s, int64_t *a, int64_t *b) {
  char *end;
  long long x = strtoll(s, &end, 10);
  if (end == s || *end != '-') return false;
  const char *t = end + 1;
  long long y = strtoll(t, &end, 10);
  if (end == t || *end || y < x) return false;
  *a = x, *b = y;
  return true;
}

typedef struct idname {
  int64_t id;
  const char *name;
  int64_t row; /* in nodes.csv */
} idname;

static int cmp_idname(const void *a, const void *b) {
  int64_t x = ((const idname *)a)->id, y = ((const idname *)b)->id;
  return (x > y) - (x < y);
}

static int run_plot(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  cn_net_opts no;
  memset(&no, 0, sizeof no);
  cn_netmap_opts mo;
  memset(&mo, 0, sizeof mo);
  const char *in = NULL, *outp = NULL, *stages = NULL, *years = NULL, *layout = NULL, *label = NULL,
             *title = NULL, *colour = NULL, *size = NULL, *v;
  cn_table *t = NULL, *nodes = NULL;
  cn_net_stages st = {0};
  idname *map = NULL;
  const char **names = NULL, **types = NULL;
  cn_diag d;
  int rc = 0;
  long long maxn = 0, seed = 1;
  mo.label_top = 10;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--stages", &stages)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--years", &years)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--layout", &layout)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--label", &label)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--title", &title)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--color", &colour)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--size", &size)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--weight", &no.weight)) != 0) {
      if (r < 0) return cli_usage("plot", "option %s needs a value", argv[i]);
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--max-nodes", &v)) != 0) {
      if (r < 0 || !cli_int_arg(v, 1, 100000000, &maxn)) return cli_usage("plot", "--max-nodes takes a count");
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--seed", &v)) != 0) {
      if (r < 0 || !cli_int_arg(v, 0, 1LL << 62, &seed)) return cli_usage("plot", "--seed takes a whole number >= 0");
      continue;
    }
    if (!strcmp(argv[i], "--unweighted")) {
      no.unweighted = true;
      continue;
    }
    if (!strcmp(argv[i], "--giant")) {
      mo.giant = true;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("plot", argv[i]);
    if (in) return cli_usage("plot", "one input only (got \"%s\" too)", argv[i]);
    in = argv[i];
  }
  if (!in || !outp) return cli_usage("plot", "give the edge list (or build folder) and -o MAP.svg|png|pdf");
  if (stages && years) return cli_usage("plot", "--stages and --years exclude each other");
  if (no.weight && no.unweighted)
    return cli_usage("plot", "--weight %s and --unweighted exclude each other", no.weight);
  int64_t from[CN_NET_MAXSTAGE], to[CN_NET_MAXSTAGE];
  const char *sname[CN_NET_MAXSTAGE];
  int ns = 0;
  const char *spec = stages ? stages : years;
  if (spec) {
    int nl = 0;
    const char **l = cli_split_list(spec, &nl);
    if (!l) goto oom;
    if (nl > CN_NET_MAXSTAGE || (years && nl != 1))
      return cli_usage("plot", "%s takes %s", years ? "--years" : "--stages",
                       years ? "one range A-B" : "at most 16 ranges A-B,C-D");
    for (int q = 0; q < nl; q++) {
      if (!year_range(l[q], &from[q], &to[q]))
        return cli_usage("plot", "%s: \"%s\" is not a range of years A-B (A <= B)", stages ? "--stages" : "--years",
                         l[q]);
      sname[q] = l[q];
    }
    ns = nl;
  } else {
    from[0] = INT64_MIN, to[0] = INT64_MAX, sname[0] = "all years";
    ns = 1;
  }
  if (!layout || !strcmp(layout, "auto")) mo.layout = CN_LAYOUT_FR; /* set below from the size */
  else if (!strcmp(layout, "fr")) mo.layout = CN_LAYOUT_FR;
  else if (!strcmp(layout, "kk")) mo.layout = CN_LAYOUT_KK;
  else if (!strcmp(layout, "drl")) mo.layout = CN_LAYOUT_DRL;
  else return cli_usage("plot", "--layout takes fr, kk, drl or auto");
  if (!colour || !strcmp(colour, "core")) mo.colour = CN_MAP_CORE;
  else if (!strcmp(colour, "type")) mo.colour = CN_MAP_TYPE;
  else if (!strcmp(colour, "component")) mo.colour = CN_MAP_COMPONENT;
  else return cli_usage("plot", "--color takes core, type or component");
  if (!size || !strcmp(size, "wdc")) mo.size = CN_MAP_WDC;
  else if (!strcmp(size, "degree")) mo.size = CN_MAP_DEGREE;
  else return cli_usage("plot", "--size takes wdc or degree");
  if (label) {
    long long k;
    const char *num = !strncmp(label, "top:", 4) ? label + 4 : label;
    if (!cli_int_arg(num, 0, 100000, &k)) return cli_usage("plot", "--label takes top:N (or N; 0: no labels)");
    mo.label_top = (int)k;
  }
  mo.max_nodes = (int)maxn;
  mo.seed = (uint64_t)seed;
  mo.stage_names = sname;
  char path[4096];
  edges_path(in, path, sizeof path);
  if ((rc = cli_read(path, &ro, &t)) != 0) goto done;
  if ((rc = folder_table(in, "nodes.csv", &nodes)) != 0) goto done; /* a build folder names its nodes */
  int ti = nodes ? cn_table_find(nodes, "type") : -1;
  if (mo.colour == CN_MAP_TYPE && (ti < 0 || cn_table_type(nodes, ti) != CN_STRING)) {
    rc = cli_usage("plot", "--color type needs a build folder whose nodes.csv has a type column (%s %s)", in,
                   nodes ? "has none" : "is not one");
    goto done;
  }
  if (cn_net_stage_graphs(t, &no, ns, from, to, &st, &d) != CN_OK) {
    if (!d.file[0] && d.code == CN_EDATA) snprintf(d.file, sizeof d.file, "%.500s", path);
    rc = cli_fail(&d);
    goto done;
  }
  if (st.dropped)
    fprintf(stderr, "%s: note: %lld edge%s with a missing value dropped\n", cli_prefix, (long long)st.dropped,
            st.dropped == 1 ? "" : "s");
  int ci = nodes ? cn_table_find(nodes, "node_id") : -1, cn = nodes ? cn_table_find(nodes, "name") : -1;
  if (ci >= 0 && cn >= 0 && cn_table_type(nodes, ci) == CN_INT64 && cn_table_type(nodes, cn) == CN_STRING) {
    int64_t nr = cn_table_nrow(nodes);
    map = malloc((size_t)(nr + 1) * sizeof *map);
    names = calloc((size_t)st.n + 1, sizeof *names);
    types = calloc((size_t)st.n + 1, sizeof *types);
    if (!map || !names || !types) goto oom;
    for (int64_t r = 0; r < nr; r++) {
      int32_t k = cn_table_codes(nodes, cn)[r];
      map[r] = (idname){cn_table_i64(nodes, ci)[r], k >= 0 ? cn_table_level(nodes, cn, k) : NULL, r};
    }
    qsort(map, (size_t)nr, sizeof *map, cmp_idname);
    for (int32_t i = 0; i < st.n; i++) {
      idname key = {st.ids[i], NULL, 0}, *hit = bsearch(&key, map, (size_t)nr, sizeof *map, cmp_idname);
      names[i] = hit ? hit->name : NULL;
      if (hit && ti >= 0) {
        int32_t k = cn_table_codes(nodes, ti)[hit->row];
        types[i] = k >= 0 ? cn_table_level(nodes, ti, k) : NULL;
      }
    }
    mo.names = names;
    mo.types = types;
  } else if (mo.colour == CN_MAP_TYPE) {
    rc = cli_usage("plot", "--color type: %s/nodes.csv needs the columns node_id and name as `net build` writes them",
                   in);
    goto done;
  }
  cn_netmap_info info;
  if (cn_plot_network(outp, title, &st, &mo, &info, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (info.labels_skipped)
    fprintf(stderr, "%s: note: %d label%s left out: %s would overlap another label or leave the panel\n",
            cli_prefix, info.labels_skipped, info.labels_skipped == 1 ? "" : "s",
            info.labels_skipped == 1 ? "it" : "they");
  fprintf(stderr, "%s: %d of %d nodes drawn in %d stage%s (%s layout, seed %lld) to %s\n", cli_prefix, (int)info.drawn,
          (int)st.n, ns, ns == 1 ? "" : "s",
          mo.layout == CN_LAYOUT_DRL ? "DrL" : mo.layout == CN_LAYOUT_KK ? "Kamada-Kawai" : "Fruchterman-Reingold",
          seed, outp);
  goto done;
oom:
  fprintf(stderr, "%s: out of memory\n", cli_prefix);
  rc = 5;
done:
  cn_net_stages_free(&st);
  free(map);
  free(names);
  free(types);
  cn_table_free(nodes);
  cn_table_free(t);
  return rc;
}

const cli_cmd cli_net_cmds[] = {
    {"net", "build", run_build, "patent records -> yearly co-applicant graphs",
     "usage: coinnet net build PATENTS --applicants COL [--app-sep S] [--id COL]\n"
     "                         [--app-id COL] [--date COL | --year COL] [--type COL]\n"
     "                         [--pub-date COL] [--ipc COL] [--keep-types invention|all]\n"
     "                         [--weights count|newman] [--window W]\n"
     "                         [--search-window W] [--ipc-level subclass|group|class]\n"
     "                         [--grant-year COL] [--stock K] [--country COL]\n"
     "                         [--groups TABLE] [--groups-mode mark|drop]\n"
     "                         [--firms TABLE [--firm-name COL] [--firm-id COL]\n"
     "                         [--firm-year COL]] -o DIR\n\n"
     "Builds the co-applicant graphs of the reference paper and writes into DIR:\n"
     "  nodes.csv      node_id, name (normalized), type (firm, university, institute,\n"
     "                 government, other)\n"
     "  edges.csv      year, u, v, weight = number of joint applications that year\n"
     "  node_year.csv  node_id, year, patents, joint_patents, own_patents,\n"
     "                 granted_inventions, ipc_breadth\n"
     "  years.csv      year, applications (kept), collaborative\n"
     "  orgs.csv       org_id, name, type, node_id (empty: not a node), foreign\n"
     "                 [, group]: every organization, co-applicant or not\n"
     "  org_year.csv   org_id, year, patents, inventions, joint_patents, own_patents,\n"
     "                 granted_inventions, grants (by grant year), absorb (granted\n"
     "                 inventions applied for in t-K..t-1), grant_stock (grants in\n"
     "                 t-K+1..t): every year from its first to the data's last\n"
     "  search.csv     org_id, year, window_full, ipc_count, ipc_hhi, ipc_new,\n"
     "                 ipc_scope, ipc_depth, partner_count, partner_new,\n"
     "                 partner_scope, partner_depth, foreign_partners: search\n"
     "                 breadth and depth over the --search-window W past years\n"
     "  build-report.txt  every count kept and dropped, and why (also on stderr)\n"
     "Rules: publications of one application count once (by --app-id, else by\n"
     "publication-number stem and application date); invention patents only\n"
     "(--type COL, else the kind code of --id: A B C invention, U Y utility, S D\n"
     "design; --keep-types all keeps every type); a patent whose first applicant is\n"
     "an individual is dropped; individuals never become nodes; two or more\n"
     "distinct organizations make a collaborative application, which adds 1 to\n"
     "each of their pairs in its application year (or in every window of W years\n"
     "that holds it). --weights newman adds 1/(k-1) instead, for k organizations\n"
     "(Newman 2001). The year is the application year (--date or --year), or the\n"
     "publication year with --pub-date COL. --id defaults to the first column;\n"
     "--app-sep to \" | \".\n"
     "Search (Katila & Ahuja 2002; docs/networks.md): ipc_new = codes used in t\n"
     "and in none of t-W..t-1 (W = --search-window, 5); scope = new / codes in t;\n"
     "depth = the sum over t-W..t-1 of the codes of t used that year too, / codes in\n"
     "t; the same for co-applicant partners; ipc_hhi = 1 - sum of squared shares of\n"
     "application-code pairs. --ipc-level: subclass (G06F, default), group\n"
     "(G06F17) or class (G06). --grant-year COL: grants by grant year; --stock K\n"
     "(5) the years of absorb and grant_stock. --groups TABLE (columns name,\n"
     "group): ties of two members of one group are marked (edges.csv\n"
     "within_group) or, with --groups-mode drop, not made.\n"
     "Foreign (orgs.csv, foreign_partners): from the name (docs/names.md), or\n"
     "with --country COL from the applicants' countries, separated like the\n"
     "applicants and in their order (one value: the first applicant's); CN, CHN,\n"
     "China, 中国 are domestic, any other value foreign (HK, MO, TW too).\n"
     "Firm ids: --firms TABLE (a firm survey: --firm-name, default name; --firm-id,\n"
     "default id) links every organization to a firm by `names match` (exact\n"
     "normalized names, then fuzzy, one to one): orgs.csv gets firm_id,\n"
     "firm_name, match_rule, match_score, match_history; with --firm-year COL the\n"
     "match is year by year and these columns go to org_year.csv instead. Near\n"
     "ties stay unmatched and are listed in firm-review.csv.\n\n"
     "options:\n"
     "  -o DIR             the output folder (created when missing)\n"
     "%s"
     "\nexample:\n"
     "  coinnet net build patents.csv --encoding gb18030 --id '公开(公告)号' \\\n"
     "      --applicants '当前申请(专利权)人' --date '申请日' -o net/\n"},
    {"net", "metrics", run_metrics, "node measures of yearly co-applicant graphs",
     "usage: coinnet net metrics EDGES|DIR [--measures LIST] [--bc-weights none|inv]\n"
     "                           [--bc-alpha A] [--cp-valued] [--threads N]\n"
     "                           [--weight COL | --unweighted] [-o FILE]\n\n"
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
     "  cp_core           Borgatti-Everett discrete core (1) or periphery (0), on the\n"
     "                    binary graph (--cp-valued: on the edge weights)\n"
     "  cp_coreness       Borgatti-Everett continuous coreness (binary or valued, idem)\n"
     "Repeated pairs in a year are summed into one edge; text labels get node ids\n"
     "1, 2, ... in order of first appearance. --threads N (default: all cores)\n"
     "never changes a result. The weight is the column named weight, or the one\n"
     "given by --weight COL; --unweighted gives every edge weight 1. Any other\n"
     "numeric column without either option is an error: it may be the weight.\n\n"
     "options:\n"
     "  -o FILE            output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "  --weight COL       the edge weight column (default: weight)\n"
     "  --unweighted       every edge weighs 1, whatever the columns\n"
     "%s"
     "\nexample:\n"
     "  coinnet net metrics edges.csv --measures wdc,partners,betweenness -o metrics.csv\n"},
    {"net", "summary", run_summary, "graph measures per year, and the growth figure",
     "usage: coinnet net summary EDGES|DIR [-o FILE] [--plot FIG.svg|.png|.pdf]\n"
     "                           [--cp-valued] [--weight COL | --unweighted]\n\n"
     "One row per year of the edge list ([year,] u, v [, weight]):\n"
     "  nodes, edges, weight       counts and total weight\n"
     "  avg_wdc, avg_degree        2W/n and 2E/n\n"
     "  density                    2E/(n(n-1))\n"
     "  components, largest_share  connected components; share of nodes in the largest\n"
     "  avg_clustering             mean local clustering, nodes below 2 partners count 0\n"
     "                             (networkx average_clustering)\n"
     "  assortativity              degree assortativity (Newman; networkx, igraph)\n"
     "  cp_rho, cp_core_size       Borgatti-Everett discrete core-periphery fit and core size\n"
     "                             (binary graph; --cp-valued: on the edge weights)\n"
     "On a build folder it adds applications and collaborative (per year) and\n"
     "n_firm, n_university, n_institute, n_government, n_other (nodes by type).\n"
     "--plot draws the network's growth, one panel each: collaborative\n"
     "applications (edges without a build folder), nodes and average weighted\n"
     "degree by year, as SVG, PNG or PDF.\n\n"
     "options:\n"
     "  -o FILE            output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "  --plot FIG         the figure\n"
     "  --cp-valued        core-periphery on the edge weights\n"
     "  --weight COL       the edge weight column (default: weight; as net metrics)\n"
     "  --unweighted       every edge weighs 1, whatever the columns\n"
     "%s"
     "\nexample:\n"
     "  coinnet net summary edges.csv -o summary.csv --plot figure1.svg\n"},
    {"net", "plot", run_plot, "network maps by stage (SVG, PNG, PDF)",
     "usage: coinnet net plot EDGES|DIR -o MAP [--stages A-B,C-D | --years A-B]\n"
     "                        [--layout auto|fr|kk|drl] [--seed S] [--label top:N]\n"
     "                        [--color core|type|component] [--size wdc|degree]\n"
     "                        [--giant] [--max-nodes N] [--title TEXT]\n"
     "                        [--weight COL | --unweighted]\n\n"
     "Draws the co-applicant network of each stage (the edges of its years summed)\n"
     "side by side, with one layout and one scale: positions from a seeded layout of\n"
     "the union of the stages (Fruchterman-Reingold, on a grid above 1000 nodes:\n"
     "36000 nodes in 5 s), node size by the stage's weighted degree (or degree),\n"
     "its Borgatti-Everett core in red (or colours by node type or component), edge\n"
     "width by weight, the largest nodes named (a build folder's nodes.csv gives the\n"
     "names; CJK fonts), each label where it meets no other and stays in its panel,\n"
     "or left out and counted. The same input and seed give the same bytes. Large\n"
     "graphs: --giant draws the largest connected component of the stages' union,\n"
     "--max-nodes N the N nodes of largest weighted degree over the stages (of the\n"
     "giant component with both), and the SVG's <desc> says so.\n\n"
     "options:\n"
     "  -o MAP             the figure (.svg, .png, .pdf)\n"
     "  --stages A-B,C-D   one panel per range of years (default: all years, one panel)\n"
     "  --years A-B        one range\n"
     "  --layout L         fr (default; auto is fr), kk (Kamada-Kawai), drl (slow:\n"
     "                     minutes at 36000 nodes)\n"
     "  --seed S           the layout's seed (default 1)\n"
     "  --label top:N      name the N largest nodes of each stage (default 10; 0: none)\n"
     "  --color C          core (default: the stage's Borgatti-Everett core), type\n"
     "                     (firm, government, institute, university, other: needs a\n"
     "                     build folder) or component (the stage's 3 largest apart)\n"
     "  --size S           node area by wdc (weighted degree; default) or degree\n"
     "  --giant            only the largest component of the union of the stages\n"
     "  --max-nodes N      draw at most N nodes, the largest\n"
     "  --title TEXT       the figure's title (metadata; a caption carries it)\n"
     "  --weight COL       the edge weight column (default: weight)\n"
     "  --unweighted       every edge weighs 1\n"
     "%s\n"
     "example:\n"
     "  coinnet net plot out --stages 2000-2008,2009-2015 -o map.svg\n"},
    {NULL, NULL, NULL, NULL, NULL}};
