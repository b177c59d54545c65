/* cli/names.c — `coinnet names ...`: normalize and classify applicant names. */
#include <stdlib.h>
#include <string.h>
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
    {NULL, NULL, NULL, NULL, NULL}};
