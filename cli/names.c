/* cli/names.c — `coinnet names ...`: normalize, classify and match applicant names. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli.h"

/* Distinct names of column `col` (cells split on sep), in order of first
 * appearance, with the number of records each appears in. */
typedef struct name_list {
  char **names;
  int64_t *count, *last_row;
  int64_t n, cap;
} name_list;

static int64_t find_name(const name_list *l, const char *s) {
  for (int64_t i = 0; i < l->n; i++) /* small lists; a hash map if this grows */
    if (!strcmp(l->names[i], s)) return i;
  return -1;
}

static bool add_name(name_list *l, const char *s, size_t len, int64_t row) {
  char *copy = strndup(s, len);
  if (!copy) return false;
  int64_t k = find_name(l, copy);
  if (k >= 0) {
    if (l->last_row[k] != row) l->count[k]++, l->last_row[k] = row;
    free(copy);
    return true;
  }
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 64;
    l->names = realloc(l->names, (size_t)l->cap * sizeof *l->names);
    l->count = realloc(l->count, (size_t)l->cap * sizeof *l->count);
    l->last_row = realloc(l->last_row, (size_t)l->cap * sizeof *l->last_row);
    if (!l->names || !l->count || !l->last_row) return false;
  }
  l->names[l->n] = copy;
  l->count[l->n] = 1;
  l->last_row[l->n++] = row;
  return true;
}

static int run_names(int argc, char **argv, bool classify) {
  const char *cmd = classify ? "classify" : "normalize";
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *in = NULL, *outp = NULL, *col = NULL, *sep = " | ";
  cn_table *t = NULL, *o = NULL;
  name_list l = {0};
  cn_diag d;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, &ro)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--col", &col)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--app-sep", &sep)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option(cmd, argv[i]);
    if (in) return cli_usage(cmd, "one input only (got \"%s\" too)", argv[i]);
    in = argv[i];
  }
  if (!in) return cli_usage(cmd, "DATA is missing");
  if (!col) return cli_usage(cmd, "--col COL is missing");
  if (!*sep) return cli_usage(cmd, "--app-sep cannot be empty");
  if ((rc = cli_read(in, &ro, &t)) != 0) goto done;
  int c = cn_table_col(t, col, in, &d);
  if (c < 0) {
    rc = cli_fail(&d);
    goto done;
  }
  if (cn_table_type(t, c) != CN_STRING) {
    bool empty = true; /* every cell missing: read as numbers, but empty */
    for (int64_t r = 0; r < cn_table_nrow(t) && empty; r++) empty = cn_table_is_na(t, c, r);
    fprintf(stderr, "%s: %s: column \"%s\" does not hold text%s\n", cli_prefix, in, col,
            empty ? " (it is empty in every row)" : "");
    rc = 4;
    goto done;
  }
  for (int64_t r = 0; r < cn_table_nrow(t); r++) {
    int32_t code = cn_table_codes(t, c)[r];
    if (code < 0) continue;
    const char *s = cn_table_level(t, c, code);
    while (s) {
      const char *e = classify ? strstr(s, sep) : NULL;
      size_t len = e ? (size_t)(e - s) : strlen(s);
      if (len && !add_name(&l, s, len, r)) {
        fprintf(stderr, "%s: out of memory\n", cli_prefix);
        rc = 5;
        goto done;
      }
      s = e ? e + strlen(sep) : NULL;
    }
  }
  o = cn_table_new(l.n);
  int cn_ = cn_table_add_column(o, "name", CN_STRING, &d);
  int cz = cn_table_add_column(o, "normalized", CN_STRING, &d);
  int ct = classify ? cn_table_add_column(o, "type", CN_STRING, &d) : 0;
  int cr = classify ? cn_table_add_column(o, "rule", CN_STRING, &d) : 0;
  int ck = 0, cf = 0, cp = 0, cs = 0, cg = 0, cgr = 0;
  if (!classify) {
    ck = cn_table_add_column(o, "key", CN_STRING, &d);
    cf = cn_table_add_column(o, "form", CN_STRING, &d);
    cp = cn_table_add_column(o, "place", CN_STRING, &d);
    cs = cn_table_add_column(o, "script", CN_STRING, &d);
    cg = cn_table_add_column(o, "foreign", CN_INT64, &d);
    cgr = cn_table_add_column(o, "foreign_rule", CN_STRING, &d);
  }
  int cc = cn_table_add_column(o, "records", CN_INT64, &d);
  if (cn_ < 0 || cz < 0 || ct < 0 || cr < 0 || cc < 0 || ck < 0 || cf < 0 || cp < 0 ||
      cs < 0 || cg < 0 || cgr < 0) {
    rc = cli_fail(&d);
    goto done;
  }
  for (int64_t i = 0; i < l.n; i++) {
    char *norm = NULL;
    if (cn_name_normalize(l.names[i], &norm, &d) != CN_OK) {
      rc = cli_fail(&d);
      goto done;
    }
    const char *rule = NULL;
    cn_entity_type et = cn_name_classify(l.names[i], &rule);
    cn_table_set_str(o, cn_, i, l.names[i], &d);
    cn_table_set_str(o, cz, i, norm, &d);
    if (classify) {
      cn_table_set_str(o, ct, i, cn_entity_type_name(et), &d);
      cn_table_set_str(o, cr, i, rule, &d);
    } else {
      cn_name_parts pt;
      if (cn_name_parse(l.names[i], &pt, &d) != CN_OK) {
        cn_free(norm);
        rc = cli_fail(&d);
        goto done;
      }
      cn_table_set_str(o, ck, i, pt.key, &d);
      cn_table_set_str(o, cf, i, pt.form, &d);
      cn_table_set_str(o, cp, i, pt.place, &d);
      cn_table_set_str(o, cs, i, pt.script, &d);
      cn_table_i64_mut(o, cg)[i] = pt.foreign;
      cn_table_set_str(o, cgr, i, pt.foreign_rule, &d);
      cn_name_parts_free(&pt);
    }
    cn_table_i64_mut(o, cc)[i] = l.count[i];
    cn_free(norm);
  }
  rc = cli_write(o, outp);
done:
  for (int64_t i = 0; i < l.n; i++) free(l.names[i]);
  free(l.names);
  free(l.count);
  free(l.last_row);
  cn_table_free(t);
  cn_table_free(o);
  return rc;
}

/* One line of the summary: label, count, and a remark. */
static void sum_line(const char *label, int64_t n, const char *remark) {
  fprintf(stderr, "  %-30s %10lld%s%s\n", label, (long long)n, *remark ? "   " : "", remark);
}

static int run_match(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *in[2] = {NULL, NULL}, *outp = NULL, *revp = NULL, *ln = NULL, *rn = NULL, *li = NULL,
             *ri = NULL, *by = NULL, *block = NULL, *thr = NULL, *mar = NULL, *thp = NULL;
  cn_table *l = NULL, *r = NULL;
  cn_name_match_result res;
  memset(&res, 0, sizeof res);
  cn_name_match_opts mo;
  cn_name_match_opts_init(&mo);
  cn_diag d;
  int rc = 0, nin = 0;
  for (int i = 1; i < argc; i++) {
    int k;
    if ((k = cli_read_opt(argc, argv, &i, &ro)) != 0 || (k = cli_opt(argc, argv, &i, "-o", &outp)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--review", &revp)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--left-name", &ln)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--right-name", &rn)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--left-id", &li)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--right-id", &ri)) != 0 || (k = cli_opt(argc, argv, &i, "--by", &by)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--block", &block)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--threshold", &thr)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--margin", &mar)) != 0 ||
        (k = cli_opt(argc, argv, &i, "--threads", &thp)) != 0) {
      if (k < 0) return cli_usage("match", "option %s needs a value", argv[i]);
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("match", argv[i]);
    if (nin == 2) return cli_usage("match", "two tables only: LEFT and RIGHT (got \"%s\" too)", argv[i]);
    in[nin++] = argv[i];
  }
  if (nin < 2) return cli_usage("match", "LEFT and RIGHT are needed");
  if (!ln) return cli_usage("match", "--left-name COL is missing");
  if (!rn) return cli_usage("match", "--right-name COL is missing");
  char *end;
  if (thr) {
    mo.threshold = strtod(thr, &end);
    if (!*thr || *end || !(mo.threshold > 0 && mo.threshold <= 1))
      return cli_usage("match", "--threshold takes a number in (0, 1] (got \"%s\")", thr);
  }
  if (mar) {
    mo.margin = strtod(mar, &end);
    if (!*mar || *end || !(mo.margin >= 0 && mo.margin < 1))
      return cli_usage("match", "--margin takes a number in [0, 1) (got \"%s\")", mar);
  }
  if (thp) {
    long long v;
    if (!cli_int_arg(thp, 1, 1024, &v)) return cli_usage("match", "--threads takes a whole number from 1 to 1024");
    mo.threads = (int)v;
  }
  if ((rc = cli_read(in[0], &ro, &l)) != 0 || (rc = cli_read(in[1], &ro, &r)) != 0) goto done;
  cn_name_match_side L = {l, in[0], cli_first_line(in[0], &ro), ln, li, by, block};
  cn_name_match_side R = {r, in[1], cli_first_line(in[1], &ro), rn, ri, by, block};
  if (cn_name_match(&L, &R, &mo, &res, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  const cn_name_match_count *a = &res.all;
  char rem[256];
  fprintf(stderr, "%s: note: %s to %s (threshold %g, margin %g)\n", cli_prefix, in[0], in[1], mo.threshold,
          mo.margin);
  sum_line("left records", a->left, "");
  sum_line("right records", a->right, "");
  snprintf(rem, sizeof rem, "(exact %lld, fuzzy %lld; %lld through another name of the id)", (long long)a->exact,
           (long long)a->fuzzy, (long long)a->history);
  if (!ri) snprintf(rem, sizeof rem, "(exact %lld, fuzzy %lld)", (long long)a->exact, (long long)a->fuzzy);
  sum_line("matched (_merge==3)", a->exact + a->fuzzy, rem);
  snprintf(rem, sizeof rem, "(%lld of them in %lld near tie%s%s%s)", (long long)a->review, (long long)res.ties,
           res.ties == 1 ? "" : "s", revp ? ": " : "; --review FILE lists them", revp ? revp : "");
  sum_line("left only (_merge==1)", a->left_only, a->review ? rem : "");
  sum_line("right only (_merge==2)", a->right_only, "");
  if (by) {
    fprintf(stderr, "  %-10s %8s %8s %8s %8s %8s %8s %8s\n", by, "left", "right", "exact", "fuzzy", "left_only",
            "right_only", "review");
    for (int64_t g = 0; g < res.ngroups; g++) {
      const cn_name_match_count *c = &res.groups[g];
      fprintf(stderr, "  %-10s %8lld %8lld %8lld %8lld %8lld %8lld %8lld\n", *c->group ? c->group : "(none)",
              (long long)c->left, (long long)c->right, (long long)c->exact, (long long)c->fuzzy,
              (long long)c->left_only, (long long)c->right_only, (long long)c->review);
    }
  }
  if ((rc = cli_write(res.out, outp)) != 0) goto done;
  if (revp) rc = cli_write(res.review, revp);
done:
  cn_name_match_result_free(&res);
  cn_table_free(l);
  cn_table_free(r);
  return rc;
}

static int run_normalize(int argc, char **argv) { return run_names(argc, argv, false); }
static int run_classify(int argc, char **argv) { return run_names(argc, argv, true); }

const cli_cmd cli_names_cmds[] = {
    {"names", "normalize", run_normalize, "normalized form of each distinct name",
     "usage: coinnet names normalize DATA --col COL [-o FILE]\n\n"
     "Writes each distinct value of COL with its normalized form (traditional\n"
     "characters made simplified, full-width characters and brackets made\n"
     "half-width, spaces collapsed, Latin letters upper-cased, a trailing legal\n"
     "form such as 有限公司 or Co., Ltd. removed), its parts for record linkage\n"
     "(key: the name without bracketed places and legal forms; form; place;\n"
     "script: cjk, latin, mixed; foreign 0/1 and the rule that set it) and the\n"
     "number of records it appears in. The rules are in docs/names.md.\n\n"
     "options:\n"
     "  --col COL          the column of names\n"
     "  -o FILE            output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet names normalize firms.csv --col name\n"},
    {"names", "classify", run_classify, "entity type of each distinct applicant",
     "usage: coinnet names classify DATA --col COL [--app-sep S] [-o FILE]\n\n"
     "Splits each cell of COL on S (default \" | \") and writes one row per\n"
     "distinct applicant: name, normalized, type (firm, university, institute,\n"
     "government, individual, other), the rule that fired, and the number of\n"
     "records it appears in. The rules are in docs/networks.md.\n\n"
     "options:\n"
     "  --col COL          the column of applicants\n"
     "  --app-sep S        their separator (default \" | \")\n"
     "  -o FILE            output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet names classify patents.csv --encoding gb18030 --col '当前申请(专利权)人'\n"},
    {"names", "match", run_match, "link names of one table to another's",
     "usage: coinnet names match LEFT RIGHT --left-name COL --right-name COL [-o OUT]\n"
     "         [--left-id COL] [--right-id COL] [--by COL] [--block COL]\n"
     "         [--threshold T] [--margin M] [--review FILE] [--threads N]\n\n"
     "Links each record of LEFT to at most one record of RIGHT, one to one\n"
     "within each --by group (e.g. year) and only inside one --block value (e.g.\n"
     "province; both tables need the --by and --block columns). Stage 1 pairs\n"
     "equal keys (the name without legal forms and bracketed places, as `names\n"
     "normalize` writes it); stage 2 scores the rest by the TF-IDF cosine of\n"
     "character bigrams, Jaro-Winkler breaking ties. A pair with a rival within\n"
     "the margin in both scores is not matched: it goes to the review file.\n"
     "With --right-id, a right record answers to every name of its id (a firm\n"
     "that renames keeps its id). OUT has one row per left record: [left_id,]\n"
     "left_name, [by, block,] [right_id,] right_name, score, rule (exact, fuzzy,\n"
     "none) [, history]. The counts go to stderr as Stata's _merge. The rules\n"
     "are in docs/names.md.\n\n"
     "options:\n"
     "  --left-name COL    the names of LEFT\n"
     "  --right-name COL   the names of RIGHT\n"
     "  --left-id COL      records of LEFT with one id are one entity (default: one name)\n"
     "  --right-id COL     records of RIGHT with one id are one entity, all its names\n"
     "  --by COL           match one to one within each value (both tables)\n"
     "  --block COL        candidates only within one value (both tables)\n"
     "  --threshold T      lowest fuzzy score of a candidate (default 0.75)\n"
     "  --margin M         near-tie margin (default 0.05)\n"
     "  --review FILE      write the near ties there\n"
     "  --threads N        partitions matched at once (the result is the same)\n"
     "  -o FILE            output (csv, dta, sqlite by extension; default CSV on stdout)\n"
     "%s"
     "\nexample:\n"
     "  coinnet names match applicants.csv survey.csv --left-name name --right-name name \\\n"
     "    --right-id id --by year --block province -o linked.csv --review ties.csv\n"},
    {NULL, NULL, NULL, NULL, NULL}};
