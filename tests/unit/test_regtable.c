/* tests/unit/test_regtable.c — saved models read back (cn_model_read_json)
 * and the regression table in every format (cn_regtable_text / _write).
 *
 * The Grunfeld models are those of tests/cli/model/reg-grunfeld.case:
 * inv ~ capital | firm + year clustered by firm gives b = .4138018,
 * SE = .0632813, p = .000107 (***), _cons 31.74185 (17.46672), p = .1025
 * (no star: above .10). */
#include <stdlib.h>
#include "test.h"

static cn_model *grunfeld(const char *formula) {
  cn_table *t = NULL;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "model/grunfeld.csv"), NULL, &t, &d),
               CN_OK, &d);
  if (!t) return NULL;
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  const char *cl[] = {"firm"};
  o.vce = CN_VCE_CLUSTER, o.cluster = cl, o.n_cluster = 1;
  CHECK_STATUS(cn_reg(t, formula, &o, &m, &d), CN_OK, &d);
  cn_table_free(t);
  return m;
}

static cn_model *parse(const char *json, cn_diag *d) {
  cn_model *m = NULL;
  cn_model_parse_json(json, strlen(json), "m.json", &m, d);
  return m;
}

TEST(regtable_json_round_trip) {
  cn_model *m = grunfeld("inv ~ value + capital | firm + year");
  if (!m) return;
  char *a = NULL, *b = NULL;
  cn_diag d;
  CHECK_STATUS(cn_model_json(m, &a, &d), CN_OK, &d);
  const char *p = cn_test_path(cn_test_tmpdir(), "m.json");
  FILE *fp = fopen(p, "w");
  fputs(a, fp);
  fclose(fp);
  cn_model *r = NULL;
  CHECK_STATUS(cn_model_read_json(p, &r, &d), CN_OK, &d);
  if (r) {
    CHECK_STATUS(cn_model_json(r, &b, &d), CN_OK, &d);
    CHECK_STR(b, a); /* every field written is read back, to the last digit */
    CHECK_INT(r->ncoef, 3);
    CHECK_STR(r->coef[1].name, "capital");
    CHECK(r->coef[1].se == m->coef[1].se);
    CHECK_INT(r->n_fe, 2);
    CHECK_INT(r->vce, CN_VCE_CLUSTER);
    CHECK_STR(r->cluster[0], "firm");
    CHECK_INT(r->n_clusters[0], 10);
    CHECK(r->V == NULL);
  }
  cn_free(a);
  cn_free(b);
  cn_model_free(r);
  cn_model_free(m);
}

TEST(regtable_json_strings_and_numbers) {
  cn_diag d;
  cn_model *m = parse("{\"schema_version\": 1, \"depvar\": \"caf\\u00e9 \\ud83d\\ude00\\n\\\"q\\\"\",\n"
                      " \"nobs\": 1031, \"df_r\": 1.5e-3, \"extra\": {\"a\": [true, false, null, []]},\n"
                      " \"coefficients\": [{\"name\": \"x\", \"b\": 2, \"se\": null}]}",
                      &d);
  CHECK(m != NULL);
  if (!m) return;
  CHECK_STR(m->depvar, "caf\xc3\xa9 \xf0\x9f\x98\x80\n\"q\"");
  CHECK_INT(m->nobs, 1031);
  CHECK_NEAR(m->df_r, 1.5e-3, 1e-15);
  CHECK(isnan(m->coef[0].se));
  CHECK(isnan(m->r2));
  cn_model_free(m);
}

TEST(regtable_json_errors_are_located) {
  cn_diag d;
  struct {
    const char *text;
    int line, col;
    const char *msg;
  } cases[] = {
      {"{\n  \"schema_version\": 1,\n  \"depvar\": \"y\"\n  \"nobs\": 3\n}", 4, 3, "expected ',' or '}'"},
      {"{\"schema_version\": 2, \"depvar\": \"y\", \"coefficients\": []}", 1, 20, "schema_version 2"},
      {"firm,year\n1,2\n", 1, 1, "not a JSON value"},
      {"", 1, 1, "end of the file"},
      {"{\"schema_version\": 1, \"depvar\": \"\xc3\xa9\", \"nobs\": 1.5}", 1, 46, "\"nobs\" should be an integer"},
      {"{\"depvar\": \"a\\x\"}", 1, 14, "unknown escape"},
      {"{\"depvar\": \"a\n\"}", 1, 14, "control character"},
      {"{\"depvar\": \"\\ud83d\"}", 1, 13, "surrogate"},
      {"[1, 2,]", 1, 7, "not a JSON value"},
      {"{\"schema_version\": 1} x", 1, 23, "text after the end"},
      {"{\"schema_version\": 1, \"coefficients\": []}", 1, 1, "no \"depvar\""},
      {"{\"schema_version\": 1, \"depvar\": \"y\"}", 1, 1, "no \"coefficients\""},
      {"{\"schema_version\": 1, \"depvar\": \"y\", \"coefficients\": [{\"b\": 1}]}", 1, 55, "without \"name\""},
      {"-", 1, 1, "not a JSON value"},
      {"01", 1, 2, "text after"},
      {"1.", 1, 1, "digits after"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    cn_model *m = parse(cases[k].text, &d);
    CHECK(m == NULL);
    cn_model_free(m);
    CHECK_INT(d.code, CN_EDATA);
    CHECK_STR(d.file, "m.json");
    if (d.line != cases[k].line || d.column != cases[k].col || !strstr(d.message, cases[k].msg))
      cn_test_fail(__FILE__, __LINE__, "case %zu: %lld:%lld: %s", k, (long long)d.line,
                   (long long)d.column, d.message);
  }
  /* nesting is bounded, not a stack overflow */
  char deep[400];
  memset(deep, '[', sizeof deep - 1);
  deep[sizeof deep - 1] = '\0';
  cn_model *m = parse(deep, &d);
  CHECK(m == NULL && strstr(d.message, "nested deeper"));
  cn_model_free(m);
  CHECK_STATUS(cn_model_read_json(cn_test_path(cn_test_tmpdir(), "none.json"), &m, &d), CN_EDATA, &d);
}

/* Two small models with everything a table shows. */
static const char *const m1_json =
    "{\"schema_version\": 1, \"depvar\": \"y\", \"nobs\": 1031,"
    " \"fixed_effects\": [{\"name\": \"firm\"}],"
    " \"vce\": {\"type\": \"cluster\", \"cluster\": [\"firm\"], \"n_clusters\": [40]},"
    " \"coefficients\": [{\"name\": \"x_1\", \"b\": 0.41380, \"se\": 0.06328, \"p\": 0.0099},"
    " {\"name\": \"R&D\", \"b\": -1.23456, \"se\": 0.5, \"p\": 0.04},"
    " {\"name\": \"_cons\", \"b\": 3, \"se\": 1, \"p\": 0.2}],"
    " \"stats\": {\"r2\": 0.5, \"r2_within\": 0.25}}";
static const char *const m2_json =
    "{\"schema_version\": 1, \"depvar\": \"y\", \"nobs\": 999,"
    " \"fixed_effects\": [{\"name\": \"firm\"}, {\"name\": \"year\"}],"
    " \"vce\": {\"type\": \"cluster\", \"cluster\": [\"firm\"]},"
    " \"coefficients\": [{\"name\": \"z\", \"b\": 1, \"se\": 0.1, \"p\": 0.09},"
    " {\"name\": \"x_1\", \"b\": 0.5, \"se\": 0.2, \"p\": 0.011}],"
    " \"stats\": {\"r2\": 0.75, \"r2_within\": null}}";

static char *table(cn_regtable_opts *o) {
  cn_diag d;
  cn_model *m[2] = {parse(m1_json, &d), parse(m2_json, &d)};
  char *s = NULL;
  if (m[0] && m[1]) CHECK_STATUS(cn_regtable_text((const cn_model *const *)m, 2, o, &s, &d), CN_OK, &d);
  cn_model_free(m[0]);
  cn_model_free(m[1]);
  return s;
}

TEST(regtable_txt_layout) {
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  char *s = table(&o);
  const char *want =
      "--------------------------------\n"
      "               (1)        (2)\n"
      "                y          y\n"
      "--------------------------------\n"
      "x_1          0.414***    0.500**\n"
      "            (0.063)     (0.200)\n"
      "R&D         -1.235**\n"
      "            (0.500)\n"
      "z                        1.000*\n"
      "                        (0.100)\n"
      "_cons        3.000\n"
      "            (1.000)\n"
      "--------------------------------\n"
      "firm FE        Yes         Yes\n"
      "year FE         No         Yes\n"
      "Clusters      firm        firm\n"
      "N            1,031         999\n"
      "Within R²    0.250\n"
      "R²           0.500       0.750\n"
      "--------------------------------\n"
      "Standard errors in parentheses, clustered by firm\n"
      "* p<0.10, ** p<0.05, *** p<0.01\n";
  CHECK_STR(s, want);
  cn_free(s);
}

TEST(regtable_options) {
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  o.format = CN_REGTABLE_CSV;
  o.digits = 2;
  o.n_stars = 2, o.stars[0] = 0.05, o.stars[1] = 0.01;
  const char *keep[] = {"x*", "z"}, *drop[] = {"z"};
  o.keep = keep, o.n_keep = 2, o.drop = drop, o.n_drop = 1;
  const char *names[] = {"x_1", "firm FE"}, *labels[] = {"Capital, lagged", "Firm fixed effects"};
  o.label_names = names, o.labels = labels, o.n_labels = 2;
  o.title = "Table 2";
  char *s = table(&o);
  CHECK_STR(s, "Table 2\n"
               ",(1),(2)\n"
               ",y,y\n"
               "\"Capital, lagged\",0.41**,0.50*\n"
               ",(0.06),(0.20)\n"
               "Firm fixed effects,Yes,Yes\n"
               "year FE,No,Yes\n"
               "Clusters,firm,firm\n"
               "N,1031,999\n"
               "Within R2,0.25,\n"
               "R2,0.50,0.75\n"
               "\"Standard errors in parentheses, clustered by firm\"\n"
               "\"* p<0.05, ** p<0.01\"\n");
  cn_free(s);
  /* bad options */
  cn_diag d;
  cn_model *m = parse(m1_json, &d);
  const cn_model *ms[] = {m};
  cn_regtable_opts_init(&o);
  o.n_stars = 2, o.stars[0] = 0.01, o.stars[1] = 0.05;
  CHECK_INT(cn_regtable_text(ms, 1, &o, &s, &d), CN_EUSAGE);
  cn_regtable_opts_init(&o);
  o.format = CN_REGTABLE_XLSX;
  CHECK_INT(cn_regtable_text(ms, 1, &o, &s, &d), CN_EUSAGE);
  cn_regtable_opts_init(&o);
  const char *none[] = {"nothing*"};
  o.keep = none, o.n_keep = 1;
  CHECK_INT(cn_regtable_text(ms, 1, &o, &s, &d), CN_EUSAGE);
  CHECK(strstr(d.message, "nothing*") != NULL);
  o.n_keep = 0, o.drop = (const char *[]){"*"}, o.n_drop = 1;
  CHECK_INT(cn_regtable_text(ms, 1, &o, &s, &d), CN_EUSAGE);
  CHECK_INT(cn_regtable_text(ms, 0, &o, &s, &d), CN_EUSAGE);
  cn_model_free(m);
}

TEST(regtable_tex_escapes_and_rules) {
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  o.format = CN_REGTABLE_TEX;
  o.title = "100% of #1";
  char *s = table(&o);
  CHECK(s && strstr(s, "\\begin{table}[htbp]\n\\centering\n\\caption{100\\% of \\#1}\n"
                       "\\begin{tabular}{l c c}\n\\toprule\n & (1) & (2) \\\\\n"));
  CHECK(s && strstr(s, "x\\_1 & 0.414$^{***}$ & 0.500$^{**}$ \\\\\n & (0.063) & (0.200) \\\\\n"));
  CHECK(s && strstr(s, "R\\&D & $-$1.235$^{**}$ &  \\\\\n"));
  CHECK(s && strstr(s, "\\midrule\nfirm FE & Yes & Yes \\\\\n"));
  CHECK(s && strstr(s, "N & 1,031 & 999 \\\\\nWithin $R^2$ & 0.250 &  \\\\\n$R^2$ & 0.500 & 0.750 \\\\\n"
                       "\\bottomrule\n\\multicolumn{3}{l}{\\footnotesize Standard errors"));
  CHECK(s && strstr(s, "\\end{tabular}\n\\end{table}\n"));
  /* braces balance */
  int depth = 0, lowest = 0;
  for (const char *p = s ? s : ""; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      continue;
    }
    depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
    if (depth < lowest) lowest = depth;
  }
  CHECK_INT(depth, 0);
  CHECK_INT(lowest, 0);
  cn_free(s);
}

TEST(regtable_md_html) {
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  o.format = CN_REGTABLE_MD;
  char *s = table(&o);
  const char *head = "|           |     (1)      |    (2)     |\n"
                     "|:----------|:------------:|:----------:|\n"
                     "|           |      y       |     y      |\n"
                     "| x\\_1      |  0.414\\*\\*\\* |  0.500\\*\\* |\n";
  CHECK(s && !strncmp(s, head, strlen(head)));
  CHECK(s && strstr(s, "| R&D       | \xe2\x88\x92" "1.235\\*\\*   |            |\n"));
  CHECK(s && strstr(s, "|\n\nStandard errors in parentheses, clustered by firm\n\n\\* p<0.10, "));
  cn_free(s);
  o.format = CN_REGTABLE_HTML;
  s = table(&o);
  CHECK(s && !strncmp(s, "<table>\n<thead>\n<tr><th></th><th>(1)</th><th>(2)</th></tr>\n", 58));
  CHECK(s && strstr(s, "<tr><td>R&amp;D</td><td>\xe2\x88\x92" "1.235<sup>**</sup></td><td></td></tr>\n"));
  CHECK(s && strstr(s, "</thead>\n<tbody>\n"));
  CHECK(s && strstr(s, "<tr><td>N</td><td>1,031</td><td>999</td></tr>\n"));
  CHECK(s && strstr(s, "</tbody>\n<tfoot>\n"));
  cn_free(s);
}

TEST(regtable_xlsx_file) {
  cn_diag d;
  cn_model *m[2] = {parse(m1_json, &d), parse(m2_json, &d)};
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  o.format = CN_REGTABLE_XLSX;
  const char *p1 = cn_test_path(cn_test_tmpdir(), "t1.xlsx");
  char path1[512];
  snprintf(path1, sizeof path1, "%s", p1);
  const char *path2 = cn_test_path(cn_test_tmpdir(), "t2.xlsx");
  const cn_model *const *ms = (const cn_model *const *)m;
  CHECK_STATUS(cn_regtable_write(ms, 2, &o, path1, &d), CN_OK, &d);
  CHECK_STATUS(cn_regtable_write(ms, 2, &o, path2, &d), CN_OK, &d);
  char a[8192], b[8192];
  FILE *f1 = fopen(path1, "rb"), *f2 = fopen(path2, "rb");
  size_t n1 = f1 ? fread(a, 1, sizeof a, f1) : 0, n2 = f2 ? fread(b, 1, sizeof b, f2) : 0;
  if (f1) fclose(f1);
  if (f2) fclose(f2);
  CHECK(n1 > 1000 && n1 < sizeof a);
  CHECK(!memcmp(a, "PK\x03\x04", 4)); /* a zip container */
  CHECK(n1 == n2 && !memcmp(a, b, n1)); /* the same table gives the same file */
  CHECK_INT(cn_regtable_write(ms, 2, &o, "/nonexistent-dir/t.xlsx", &d), CN_EDATA);
  CHECK(strstr(d.file, "nonexistent") != NULL);
  o.format = CN_REGTABLE_TXT;
  CHECK_INT(cn_regtable_write(ms, 2, &o, "/nonexistent-dir/t.txt", &d), CN_EDATA);
  cn_regtable_format f;
  CHECK(cn_regtable_format_by_path("a/b.tex", &f) && f == CN_REGTABLE_TEX);
  CHECK(cn_regtable_format_by_path("b.htm", &f) && f == CN_REGTABLE_HTML);
  CHECK(!cn_regtable_format_by_path("a.b/c", &f));
  CHECK(cn_regtable_format_by_name("xlsx", &f) && f == CN_REGTABLE_XLSX);
  CHECK(!cn_regtable_format_by_name("pdf", &f));
  cn_model_free(m[0]);
  cn_model_free(m[1]);
}
