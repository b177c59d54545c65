/* tests/unit/test_names.c — applicant-name normalization and types; the
 * expected values are read off the names by hand. */
#include "test.h"

static void norm_is(const char *in, const char *want) {
  char *out = NULL;
  cn_diag d;
  cn_status st = cn_name_normalize(in, &out, &d);
  CHECK_STATUS(st, CN_OK, &d);
  if (out) CHECK_STR(out, want);
  cn_free(out);
}

TEST(names_normalize_variants) {
  norm_is("ＡＢＣ（北京）有限公司", "ABC(北京)");
  norm_is("  中车青岛四方机车车辆股份有限公司 ", "中车青岛四方机车车辆");
  norm_is("中铁二院工程集团有限责任公司", "中铁二院工程集团");
  norm_is("Siemens  Mobility GmbH", "SIEMENS MOBILITY");
  norm_is("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES");
  norm_is("ACME Corp.", "ACME");
  norm_is("中国科学院、水利部成都山地灾害与环境研究所", "中国科学院,水利部成都山地灾害与环境研究所");
  norm_is("【测试】　单位", "[测试] 单位");
  norm_is("有限公司", "有限公司"); /* never strip a name down to nothing */
  char *out = NULL;
  cn_diag d;
  CHECK_STATUS(cn_name_normalize("\xb9\xab", &out, &d), CN_EDATA, &d);
  CHECK(out == NULL);
}

static void type_is(const char *name, cn_entity_type want) {
  const char *rule = NULL;
  cn_entity_type t = cn_name_classify(name, &rule);
  if (t != want)
    cn_test_fail(__FILE__, __LINE__, "%s: %s (rule %s), wanted %s", name,
                 cn_entity_type_name(t), rule ? rule : "?", cn_entity_type_name(want));
}

TEST(names_classify_rules) {
  type_is("中国科学院武汉岩土力学研究所", CN_ENT_INSTITUTE);
  type_is("中国地质科学院探矿工艺研究所", CN_ENT_INSTITUTE);
  type_is("清华大学", CN_ENT_UNIVERSITY);
  type_is("西南交通大学", CN_ENT_UNIVERSITY);
  type_is("四川建筑职业技术学院", CN_ENT_UNIVERSITY);
  type_is("中铁二院工程集团有限责任公司", CN_ENT_FIRM);
  type_is("中国铁道科学研究院集团有限公司", CN_ENT_FIRM);
  type_is("国家电网有限公司", CN_ENT_FIRM);
  type_is("中铁二十局集团有限公司", CN_ENT_FIRM);
  type_is("黑龙江省公路建设中心", CN_ENT_GOVERNMENT);
  type_is("中铁二局", CN_ENT_FIRM);
  type_is("中铁十八局", CN_ENT_FIRM);
  type_is("中国气象局", CN_ENT_GOVERNMENT);
  type_is("四川省交通运输厅", CN_ENT_GOVERNMENT);
  type_is("崔凯", CN_ENT_INDIVIDUAL);
  type_is("杨东旭", CN_ENT_INDIVIDUAL);
  type_is("欧阳明华", CN_ENT_INDIVIDUAL);
  type_is("Southwest Jiaotong University", CN_ENT_UNIVERSITY);
  type_is("Chinese Academy of Sciences", CN_ENT_INSTITUTE);
  type_is("Siemens Mobility GmbH", CN_ENT_FIRM);
  type_is("Ministry of Transport", CN_ENT_GOVERNMENT);
  type_is("ZHANG Wei", CN_ENT_INDIVIDUAL);
  type_is("John SMITH", CN_ENT_INDIVIDUAL);
  type_is("长沙市建筑节能与绿色建筑产业技术创新战略联盟", CN_ENT_OTHER);
  CHECK_STR(cn_entity_type_name(CN_ENT_INSTITUTE), "institute");
}

/* Jaro-Winkler over code points against jellyfish 0.8.9
 * (tests/data/gen/names_match_reference.py --numbers, the same pairs). */
TEST(names_jaro_winkler_jellyfish) {
  static const char *const pairs[][2] = {
      {"MARTHA", "MARHTA"}, {"DIXON", "DICKSONX"}, {"JELLYFISH", "SMELLYFISH"}, {"中国中车", "中国中铁"},
      {"苏州华信机械", "华信机械"}, {"中铁十一局集团第五工程", "中铁十一局集团第二工程"}, {"交控科技", "交控轨道科技"},
      {"成都西点自动化设备", "成都西典自动化设备"}, {"A", "B"}, {"AB", "BA"}, {"鸿海精密工业", "鸿海精密"}};
  for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
    char tag[16];
    double v[1];
    snprintf(tag, sizeof tag, "jw%zu", k + 1);
    if (cn_test_tagged_line("names/match-reference.txt", tag, v, 1) == 1)
      CHECK_NEAR(cn_name_jaro_winkler(pairs[k][0], pairs[k][1]), v[0], 1e-14);
  }
  CHECK_NEAR(cn_name_jaro_winkler("", ""), 0, 0);
}

/* Matches left names to right names (no groups) and returns the result;
 * names are plain keys (no legal forms), so scores are of these strings. */
static cn_status match_lists(const char *const *l, int nl, const char *const *r, int nr, double thr, int threads,
                             cn_name_match_result *res) {
  const char *head[] = {"name:s"};
  cn_table *lt = cn_test_table(nl, 1, head, l), *rt = cn_test_table(nr, 1, head, r);
  cn_name_match_side L = {lt, "left", 0, "name", NULL, NULL, NULL};
  cn_name_match_side R = {rt, "right", 0, "name", NULL, NULL, NULL};
  cn_name_match_opts o;
  cn_name_match_opts_init(&o);
  o.threshold = thr;
  o.margin = 0;
  o.threads = threads;
  cn_diag d;
  cn_status st = cn_name_match(&L, &R, &o, res, &d);
  CHECK_STATUS(st, CN_OK, &d);
  cn_table_free(lt);
  cn_table_free(rt);
  return st;
}

/* The TF-IDF cosine of code-point bigrams and the Jaro-Winkler of the
 * matched pairs against the Python computation of
 * tests/data/gen/names_match_reference.py (COS_LEFT, COS_RIGHT). */
TEST(names_match_cosine_python) {
  static const char *const right[] = {"苏州华信机械", "无锡华新电子", "杭州宏达纺织", "交控轨道科技", "重庆华信机械", "A"};
  static const char *const left[] = {"华信机械", "无锡华兴电子", "杭州宏达纺织品", "交控科技"};
  cn_name_match_result res;
  if (match_lists(left, 4, right, 6, 0.3, 1, &res) != CN_OK) return;
  int cs = cn_table_find(res.out, "score"), cr = cn_table_find(res.out, "right_name"),
      cu = cn_table_find(res.out, "rule");
  for (int i = 0; i < 4; i++) {
    char tag[16];
    double v[2];
    snprintf(tag, sizeof tag, "cos%d", i + 1);
    if (cn_test_tagged_line("names/match-reference.txt", tag, v, 2) != 2) continue;
    CHECK_STR(cn_test_level(res.out, cr, i), right[i]);
    CHECK_STR(cn_test_level(res.out, cu, i), "fuzzy");
    CHECK_NEAR(cn_table_dbl(res.out, cs)[i], v[0], 1e-14);
    CHECK_NEAR(cn_name_jaro_winkler(left[i], right[i]), v[1], 1e-14);
  }
  CHECK_INT(res.all.fuzzy, 4);
  CHECK_INT(res.all.right_only, 2);
  cn_name_match_result_free(&res);
}

/* The same result with 1 and 4 threads: many small partitions (by group). */
TEST(names_match_threads) {
  enum { N = 240 };
  static char lbuf[N][64], rbuf[N][64], gl[N][8];
  const char *cells_l[2 * N], *cells_r[2 * N];
  for (int i = 0; i < N; i++) {
    snprintf(lbuf[i], sizeof lbuf[i], "城%d华信机械%d厂", i % 7, i);
    snprintf(rbuf[i], sizeof rbuf[i], "城%d华信机械%d工厂", i % 7, (i * 7) % N);
    snprintf(gl[i], sizeof gl[i], "%d", i % 13);
    cells_l[2 * i] = lbuf[i], cells_l[2 * i + 1] = gl[i];
    cells_r[2 * i] = rbuf[i], cells_r[2 * i + 1] = gl[(i * 7) % N];
  }
  const char *head[] = {"name:s", "g:s"};
  cn_table *lt = cn_test_table(N, 2, head, cells_l), *rt = cn_test_table(N, 2, head, cells_r);
  cn_name_match_side L = {lt, "left", 0, "name", NULL, "g", NULL}, R = {rt, "right", 0, "name", NULL, "g", NULL};
  cn_name_match_opts o;
  cn_name_match_opts_init(&o);
  o.threshold = 0.3;
  cn_name_match_result a, b;
  cn_diag d;
  o.threads = 1;
  CHECK_STATUS(cn_name_match(&L, &R, &o, &a, &d), CN_OK, &d);
  o.threads = 4;
  CHECK_STATUS(cn_name_match(&L, &R, &o, &b, &d), CN_OK, &d);
  int cr = cn_table_find(a.out, "right_name"), cs = cn_table_find(a.out, "score");
  for (int i = 0; i < N; i++) {
    const char *x = cn_test_level(a.out, cr, i), *y = cn_test_level(b.out, cr, i);
    CHECK((!x && !y) || (x && y && !strcmp(x, y)));
    double p = cn_table_dbl(a.out, cs)[i], q = cn_table_dbl(b.out, cs)[i];
    CHECK((isnan(p) && isnan(q)) || p == q);
  }
  CHECK_INT(a.all.exact + a.all.fuzzy, b.all.exact + b.all.fuzzy);
  CHECK(a.all.exact + a.all.fuzzy > N / 2); /* the test matches something */
  CHECK_INT(cn_table_nrow(a.review), cn_table_nrow(b.review));
  cn_name_match_result_free(&a);
  cn_name_match_result_free(&b);
  cn_table_free(lt);
  cn_table_free(rt);
}
