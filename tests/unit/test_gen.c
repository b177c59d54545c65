/* tests/unit/test_gen.c — the synthetic data generator (coinnet gen paper):
 * its WDC truth equals net build + net metrics on its own records, the same
 * seed gives the same bytes, the trade variables are feasible for the
 * customs generator, truth.json is valid JSON, name variants normalize to
 * the panel's names. The independent checks here are coinnet's own network
 * code (itself checked against igraph and networkx in test_net.c). */
#include <stdlib.h>
#include "coinnet/gen.h"
#include "test.h"

/* Generates a tiny data set with seed s into DIR/sub; returns the folder. */
static const char *gen_tiny(const char *sub, uint64_t s) {
  static char dir[4][1024];
  static int k;
  char *out = dir[k++ % 4];
  snprintf(out, sizeof dir[0], "%s", cn_test_path(cn_test_tmpdir(), sub));
  cn_gen_opts o = {s, "tiny", false, 0, NULL, false};
  cn_gen_counts c;
  cn_diag d;
  CHECK_STATUS(cn_gen_paper(out, &o, &c, &d), CN_OK, &d);
  CHECK_INT(c.firms, 200);
  CHECK_INT(c.firm_years, 1016); /* round(197171 * 200 / 38804) */
  return out;
}

static cn_table *read_csv(const char *dir, const char *name, const char *const *strings, int ns) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  ro.string_cols = strings;
  ro.n_string_cols = ns;
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(dir, name), &ro, &t, &d), CN_OK, &d);
  return t;
}

/* The generator's WDC of every node-year equals net build + net metrics
 * (dedup by stem and date, or by application number). */
static void wdc_matches(const char *dir, bool by_app_id) {
  cn_table *pat = read_csv(dir, "patents.csv", NULL, 0), *truth = read_csv(dir, "truth_wdc.csv", NULL, 0);
  cn_table *nodes = NULL, *edges = NULL, *ny = NULL, *years = NULL, *m = NULL;
  if (!pat || !truth) goto done;
  cn_build_opts bo;
  memset(&bo, 0, sizeof bo);
  bo.applicants = "applicants";
  bo.id = "pub_no";
  bo.date = "app_date";
  bo.ipc = "ipc";
  if (by_app_id) bo.app_id = "app_no";
  else bo.type = "type";
  cn_build_counts bc;
  cn_diag d;
  CHECK_STATUS(cn_net_build(pat, &bo, &nodes, &edges, &ny, &years, &bc, &d), CN_OK, &d);
  if (!edges) goto done;
  CHECK(bc.first_individual > 0);
  CHECK(bc.not_invention > 0);
  CHECK(bc.merged > 0);
  CHECK(bc.individuals > 0);
  CHECK(bc.single > 0);
  static const char *const meas[] = {"wdc"};
  cn_net_opts no;
  memset(&no, 0, sizeof no);
  no.measures = meas;
  no.n_measures = 1;
  no.threads = 1;
  no.nodes = nodes;
  CHECK_STATUS(cn_net_metrics(edges, &no, &m, &d), CN_OK, &d);
  if (!m) goto done;
  CHECK_INT(cn_table_nrow(m), cn_table_nrow(truth));
  int my = cn_table_find(m, "year"), mn = cn_table_find(m, "node"), mw = cn_table_find(m, "wdc");
  int ty = cn_table_find(truth, "year"), tn = cn_table_find(truth, "name"), tw = cn_table_find(truth, "wdc");
  CHECK(my >= 0 && mn >= 0 && mw >= 0 && ty >= 0 && tn >= 0 && tw >= 0);
  /* both sorted by (year, name) through a key map: year|name -> wdc */
  int64_t nt = cn_table_nrow(truth), nm = cn_table_nrow(m), bad = 0;
  char **keys = calloc((size_t)nt, sizeof *keys);
  double *vals = calloc((size_t)nt, sizeof *vals);
  for (int64_t i = 0; i < nt; i++) {
    char buf[512];
    snprintf(buf, sizeof buf, "%.0f|%s", cn_table_get_num(truth, ty, i), cn_table_str(truth, tn, i, NULL));
    keys[i] = strdup(buf);
    vals[i] = cn_table_get_num(truth, tw, i);
  }
  for (int64_t i = 0; i < nm; i++) {
    char buf[512];
    snprintf(buf, sizeof buf, "%.0f|%s", cn_table_get_num(m, my, i), cn_table_str(m, mn, i, NULL));
    int64_t hit = -1;
    for (int64_t j = 0; j < nt && hit < 0; j++)
      if (!strcmp(keys[j], buf)) hit = j;
    if (hit < 0 || vals[hit] != cn_table_get_num(m, mw, i)) bad++;
  }
  CHECK_INT(bad, 0);
  for (int64_t i = 0; i < nt; i++) free(keys[i]);
  free(keys);
  free(vals);
done:
  cn_table_free(pat);
  cn_table_free(truth);
  cn_table_free(nodes);
  cn_table_free(edges);
  cn_table_free(ny);
  cn_table_free(years);
  cn_table_free(m);
}

TEST(gen_wdc_equals_net_build_metrics) {
  const char *dir = gen_tiny("a", 11);
  wdc_matches(dir, false);
  wdc_matches(dir, true);
}

/* Whole file contents, malloc'd; NULL when unreadable. */
static char *slurp(const char *path, size_t *n) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  long len = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *s = malloc((size_t)len + 1);
  *n = fread(s, 1, (size_t)len, fp);
  s[*n] = '\0';
  fclose(fp);
  return s;
}

static const char *const files[] = {"patents.csv", "firms.csv", "cities.csv", "theta.csv", "truth.json",
                                    "truth_wdc.csv", "production.csv", "survey.csv", "applicants.csv"};

TEST(gen_same_seed_same_bytes) {
  const char *a = gen_tiny("s1", 5), *b = gen_tiny("s2", 5), *c = gen_tiny("s3", 6);
  for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
    size_t na, nb, nc;
    char *x = slurp(cn_test_path(a, files[k]), &na), *y = slurp(cn_test_path(b, files[k]), &nb);
    char *z = slurp(cn_test_path(c, files[k]), &nc);
    CHECK(x && y && z);
    if (x && y) CHECK(na == nb && !memcmp(x, y, na));
    /* another seed: other data (cities.csv and theta.csv too: drawn) */
    if (x && z && strcmp(files[k], "truth.json")) CHECK(na != nc || memcmp(x, z, na));
    free(x);
    free(y);
    free(z);
  }
}

/* For every exporter-year: exports > 0, sales >= exports and
 * theta1(ind2) * dii <= (1 - dvar_true) * exports; non-exporters: exports 0
 * and no dvar_true; dvar_true in [0, 1] with mass at both bounds. */
TEST(gen_trade_variables_feasible) {
  const char *dir = gen_tiny("f", 3);
  static const char *const str[] = {"ind2", "ind4"};
  cn_table *f = read_csv(dir, "firms.csv", str, 2), *th = read_csv(dir, "theta.csv", str, 1);
  if (!f || !th) goto done;
  int ci = cn_table_find(f, "ind2"), ce = cn_table_find(f, "exporter"), cx = cn_table_find(f, "exports"),
      cs = cn_table_find(f, "sales"), cd = cn_table_find(f, "dii"), cv = cn_table_find(f, "dvar_true");
  int ti = cn_table_find(th, "ind2"), t1 = cn_table_find(th, "theta1"), t2 = cn_table_find(th, "theta2");
  CHECK(ci >= 0 && ce >= 0 && cx >= 0 && cs >= 0 && cd >= 0 && cv >= 0 && ti >= 0 && t1 >= 0 && t2 >= 0);
  for (int64_t k = 0; k < cn_table_nrow(th); k++) {
    double a = cn_table_get_num(th, t1, k), b = cn_table_get_num(th, t2, k);
    CHECK(a >= 0.02 && a <= 0.12 && b >= 0.005 && b <= 0.05);
  }
  int64_t bad = 0, exp_n = 0, at0 = 0, at1 = 0;
  for (int64_t r = 0; r < cn_table_nrow(f); r++) {
    double x = cn_table_get_num(f, cx, r), s = cn_table_get_num(f, cs, r), dii = cn_table_get_num(f, cd, r),
           v = cn_table_get_num(f, cv, r);
    if (cn_table_get_num(f, ce, r) == 1) {
      exp_n++;
      const char *ind = cn_table_str(f, ci, r, NULL);
      double theta = NAN;
      for (int64_t k = 0; k < cn_table_nrow(th); k++)
        if (!strcmp(cn_table_str(th, ti, k, NULL), ind)) theta = cn_table_get_num(th, t1, k);
      if (!(x > 0 && s >= x && v >= 0 && v <= 1 && dii >= 0 && theta * dii <= (1 - v) * x)) bad++;
      if (v == 1 && dii != 0) bad++;
      at0 += v == 0;
      at1 += v == 1;
    } else if (x != 0 || !isnan(v)) {
      bad++;
    }
  }
  CHECK_INT(bad, 0);
  CHECK(exp_n > 100);
  CHECK(at0 > 0 && at1 > 0);
done:
  cn_table_free(f);
  cn_table_free(th);
}

/* A small JSON validator (RFC 8259 values), independent of the library. */
static const char *jws(const char *p) {
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
  return p;
}

static const char *jval(const char *p, int depth) {
  p = jws(p);
  if (depth > 64) return NULL;
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    bool obj = *p == '{';
    p = jws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
      if (obj) {
        p = jws(p);
        if (*p != '"' || !(p = jval(p, depth + 1))) return NULL;
        p = jws(p);
        if (*p++ != ':') return NULL;
      }
      if (!(p = jval(p, depth + 1))) return NULL;
      p = jws(p);
      if (*p == ',') {
        p++;
        continue;
      }
      return *p == close ? p + 1 : NULL;
    }
  }
  if (*p == '"') {
    for (p++; *p && *p != '"'; p++) {
      if ((unsigned char)*p < 0x20) return NULL;
      if (*p == '\\' && !*++p) return NULL;
    }
    return *p == '"' ? p + 1 : NULL;
  }
  if (!strncmp(p, "true", 4)) return p + 4;
  if (!strncmp(p, "false", 5)) return p + 5;
  if (!strncmp(p, "null", 4)) return p + 4;
  const char *q = p;
  if (*q == '-') q++;
  if (*q == '0') q++;
  else if (*q >= '1' && *q <= '9') while (*q >= '0' && *q <= '9') q++;
  else return NULL;
  if (*q == '.') {
    q++;
    if (!(*q >= '0' && *q <= '9')) return NULL;
    while (*q >= '0' && *q <= '9') q++;
  }
  if (*q == 'e' || *q == 'E') {
    q++;
    if (*q == '+' || *q == '-') q++;
    if (!(*q >= '0' && *q <= '9')) return NULL;
    while (*q >= '0' && *q <= '9') q++;
  }
  return q;
}

TEST(gen_truth_json_parses) {
  const char *dir = gen_tiny("j", 2);
  size_t n;
  char *s = slurp(cn_test_path(dir, "truth.json"), &n);
  CHECK(s != NULL);
  if (!s) return;
  const char *end = jval(s, 0);
  CHECK(end != NULL && *jws(end) == '\0');
  CHECK(strstr(s, "\"beta\": 0.03,") != NULL);
  CHECK(strstr(s, "\"seed\": 2,") != NULL);
  CHECK(strstr(s, "\"scale\": \"tiny\"") != NULL);
  free(s);
  CHECK(jval("{\"a\": [1, 2.5e-3, \"x\"]", 0) == NULL); /* the validator rejects */
  CHECK(jval("{\"a\": 01}", 0) == NULL || *jws(jval("{\"a\": 01}", 0)) != '\0');
}

/* Every spelling of a firm in patents.csv normalizes to a name in
 * firms.csv or to another organization; panel names are distinct. */
TEST(gen_firm_names_merge_with_nodes) {
  const char *dir = gen_tiny("n", 9);
  cn_table *f = read_csv(dir, "firms.csv", NULL, 0), *t = read_csv(dir, "truth_wdc.csv", NULL, 0);
  if (!f || !t) goto done;
  int fid = cn_table_find(f, "id"), fn = cn_table_find(f, "name");
  int tid = cn_table_find(t, "id"), tn = cn_table_find(t, "name");
  int64_t bad = 0, firms = 0;
  for (int64_t r = 0; r < cn_table_nrow(t); r++) {
    if (cn_table_is_na(t, tid, r)) continue;
    firms++;
    double id = cn_table_get_num(t, tid, r);
    bool ok = false;
    for (int64_t k = 0; k < cn_table_nrow(f) && !ok; k++)
      if (cn_table_get_num(f, fid, k) == id) ok = !strcmp(cn_table_str(f, fn, k, NULL), cn_table_str(t, tn, r, NULL));
    bad += !ok;
  }
  CHECK(firms > 0);
  CHECK_INT(bad, 0);
  /* the spellings: 有限公司 / 股份有限公司 / full-width brackets / a space */
  static const char *const raw[][2] = {{"华信（苏州）机械有限公司", "华信(苏州)机械"},
                                       {"苏州华信机械 股份有限公司", "苏州华信机械"},
                                       {"中国华信机械集团有限责任公司", "中国华信机械集团"}};
  for (int k = 0; k < 3; k++) {
    char *out = NULL;
    cn_diag d;
    CHECK_STATUS(cn_name_normalize(raw[k][0], &out, &d), CN_OK, &d);
    CHECK_STR(out, raw[k][1]);
    CHECK(cn_name_classify(raw[k][0], NULL) == CN_ENT_FIRM);
    cn_free(out);
  }
done:
  cn_table_free(f);
  cn_table_free(t);
}

TEST(gen_unknown_scale) {
  cn_gen_opts o = {1, "huge", false, 0, NULL, false};
  cn_gen_counts c;
  cn_diag d;
  CHECK_INT(cn_gen_paper(cn_test_path(cn_test_tmpdir(), "x"), &o, &c, &d), CN_EUSAGE);
}

/* gen paper's customs.csv gives back firms.csv's dvar_true through measure
 * dvar (default options), for every exporter-year, in the panel's order. */
TEST(gen_paper_customs_truth) {
  const char *dir = cn_test_path(cn_test_tmpdir(), "customs");
  char bec[4096];
  snprintf(bec, sizeof bec, "%s", cn_test_path(cn_test_root(), "data/hs-bec"));
  cn_gen_opts o = {7, "tiny", false, 0, bec, false};
  cn_gen_counts c;
  cn_diag d;
  CHECK_INT(cn_gen_paper(dir, &o, &c, &d), CN_OK);
  CHECK(c.customs_records > 1000);
  char fp[4096], tp[4096], cp[4096];
  snprintf(fp, sizeof fp, "%s/firms.csv", dir);
  snprintf(tp, sizeof tp, "%s/theta.csv", dir);
  snprintf(cp, sizeof cp, "%s/customs.csv", dir);
  const char *text[] = {"id", "ind2"};
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  ro.string_cols = text, ro.n_string_cols = 2;
  cn_table *firms = NULL, *theta = NULL, *out = NULL;
  CHECK_INT(cn_table_read_csv(fp, &ro, &firms, &d), CN_OK);
  ro.string_cols = text + 1, ro.n_string_cols = 1;
  CHECK_INT(cn_table_read_csv(tp, &ro, &theta, &d), CN_OK);
  cn_bec *b = NULL;
  CHECK_INT(cn_bec_read(bec, CN_BEC_ANY, &b, &d), CN_OK);
  cn_dvar_opts dop;
  cn_dvar_opts_init(&dop);
  dop.cols.firms_firm = "id";
  dop.cols.industry = "ind2";
  cn_dvar_report rep;
  CHECK_INT(cn_measure_dvar(cp, firms, theta, b, &dop, &out, &rep, &d), CN_OK);
  if (out) {
    int tv = cn_table_find(firms, "dvar_true"), od = cn_table_find(out, "dvar");
    int64_t j = 0, n = 0;
    double worst = 0;
    for (int64_t i = 0; i < cn_table_nrow(firms); i++) {
      double t = cn_table_get_num(firms, tv, i);
      if (isnan(t)) continue;
      n++;
      if (j < cn_table_nrow(out)) {
        double e = fabs(cn_table_dbl(out, od)[j++] - t);
        if (e > worst) worst = e;
      }
    }
    CHECK_INT(cn_table_nrow(out), n);
    CHECK(n > 100);
    CHECK(worst < 1e-9);
    CHECK(rep.by_regime[0] > 0 && rep.by_regime[1] > 0 && rep.by_regime[2] > 0);
  }
  cn_table_free(firms);
  cn_table_free(theta);
  cn_table_free(out);
  cn_bec_free(b);
}
