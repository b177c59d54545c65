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
