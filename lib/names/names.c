/* lib/names/names.c — applicant-name normalization and entity types. */
#include <ctype.h>
#include <string.h>
#include "../base/base_int.h"
#include "coinnet/names.h"
#include "names_int.h"
#include "t2s_table.h"

const char *cn_entity_type_name(cn_entity_type t) {
  static const char *const names[] = {"firm", "university", "institute", "government",
                                      "individual", "other"};
  return (unsigned)t <= CN_ENT_OTHER ? names[t] : "other";
}

/* Decodes one UTF-8 character (valid input) and returns its length. */
static size_t decode(const unsigned char *s, unsigned *cp) {
  if (s[0] < 0x80) return *cp = s[0], 1;
  if (s[0] < 0xE0) return *cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu), 2;
  if (s[0] < 0xF0) return *cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu), 3;
  *cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
  return 4;
}

static void encode(cn_buf *b, unsigned cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) u[0] = (char)cp, n = 1;
  else if (cp < 0x800) u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  else
    u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  cn__buf_append(b, u, n);
}

/* The simplified form of a traditional Han character (the Unihan table of
 * t2s_table.h, by binary search); other code points unchanged. */
static unsigned simplify(unsigned cp) {
  if (cp < 0x3400) return cp;
  size_t lo = 0, hi = CN_T2S_N;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cn_t2s_table[mid][0] < cp) lo = mid + 1;
    else hi = mid;
  }
  return lo < CN_T2S_N && cn_t2s_table[lo][0] == cp ? cn_t2s_table[lo][1] : cp;
}

/* Maps a code point to its canonical form: traditional Han characters to
 * simplified ones, full-width ASCII to ASCII, CJK brackets to ASCII ones,
 * ideographic space and the enumeration comma to their plain forms, Latin
 * letters to upper case, the enclosed ㈱ to (株). */
static unsigned fold(unsigned cp) {
  cp = simplify(cp);
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
  switch (cp) {
    case 0x3000: return ' ';
    case 0x3010: case 0x3014: case 0xFF3B: return '[';
    case 0x3011: case 0x3015: case 0xFF3D: return ']';
    case 0x00B7: case 0x30FB: case 0xFF65: return 0x00B7; /* middle dots */
    case 0x3001: return ','; /* 、 */
    case 0x2018: case 0x2019: return '\'';
    case 0x201C: case 0x201D: return '"';
    case '\t': case '\n': case '\r': case 0xA0: return ' ';
  }
  if (cp < 0x80) cp = (unsigned)toupper((int)cp);
  return cp;
}

static bool ends_with(const char *s, size_t n, const char *suffix, size_t *cut) {
  size_t k = strlen(suffix);
  if (k > n || memcmp(s + n - k, suffix, k) != 0) return false;
  *cut = n - k;
  return true;
}

/* Trailing legal forms, longest first; English ones after upper-casing. */
static const char *const legal_forms[] = {
    "股份有限公司", "有限责任公司", "有限公司", "股份公司",
    " CO., LTD.", " CO.,LTD.", " CO., LTD", " CO.,LTD", " CO. LTD.", " CO LTD", " CO. LTD",
    ", LTD.", " LTD.", " LTD", " LIMITED", ", INC.", " INC.", " INC", " CORPORATION", " CORP.",
    " CORP", " LLC", " GMBH", " AG", " S.A.", " CO.", NULL};

/* Folds in[0..n) (valid UTF-8) into b: each code point through fold(),
 * white space runs made one space, leading and trailing space dropped.
 * b is NUL-terminated; false when out of memory. */
static bool fold_text(const char *in, size_t n, cn_buf *b) {
  const unsigned char *s = (const unsigned char *)in;
  bool space = false;
  for (size_t i = 0; i < n;) {
    unsigned cp;
    i += decode(s + i, &cp);
    if (cp == 0x3231) { /* ㈱, the enclosed 株 of Japanese firm names */
      if (space) cn__buf_append(b, " ", 1);
      space = false;
      cn__buf_append(b, "(株)", strlen("(株)"));
      continue;
    }
    cp = fold(cp);
    if (cp == ' ') {
      space = b->len > 0;
      continue;
    }
    if (space) cn__buf_append(b, " ", 1);
    space = false;
    encode(b, cp);
  }
  return cn__buf_append(b, "", 0) && !b->failed;
}

cn_status cn_name_normalize(const char *in, char **out, cn_diag *d) {
  size_t n = strlen(in);
  cn_buf b = {0};
  *out = NULL;
  if (cn__utf8_valid(in, n) != n)
    return cn_diag_set(d, CN_EDATA, "applicant name is not valid UTF-8 text");
  if (!fold_text(in, n, &b)) {
    cn__buf_free(&b);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  /* strip one trailing legal form (and the space or comma before it) */
  size_t len = b.len, cut;
  for (int k = 0; legal_forms[k]; k++)
    if (len > strlen(legal_forms[k]) && ends_with(b.data, len, legal_forms[k], &cut)) {
      len = cut;
      while (len && (b.data[len - 1] == ' ' || b.data[len - 1] == ',')) len--;
      break;
    }
  b.data[len] = '\0';
  *out = b.data;
  return CN_OK;
}

static bool has(const char *s, const char *w) { return strstr(s, w) != NULL; }

/* English words (upper case) match as whole words of s, ASCII case ignored. */
static bool has_word(const char *s, const char *w) {
  size_t k = strlen(w);
  for (const char *p = strcasestr(s, w); p; p = strcasestr(p + 1, w)) {
    bool left = p == s || !isalpha((unsigned char)p[-1]);
    bool right = !isalpha((unsigned char)p[k]);
    if (left && right) return true;
  }
  return false;
}

/* A Chinese personal name: 2 to 4 Han characters and nothing else. */
static bool han_person(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  int count = 0;
  while (*p) {
    unsigned cp;
    p += decode(p, &cp);
    if (cp == 0x00B7) continue; /* 买买提·艾力 style names */
    if (cp < 0x4E00 || cp > 0x9FFF) return false;
    count++;
  }
  return count >= 2 && count <= 4;
}

/* A Latin personal name: 2 or 3 words of letters (a comma, hyphen or
 * period allowed) and no organization word. */
static bool latin_person(const char *up) {
  int words = 0;
  bool inword = false;
  for (const char *p = up; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c >= 0x80 || isdigit(c)) return false;
    if (isalpha(c) || c == '-' || c == '.' || c == '\'') {
      if (!inword) words++;
      inword = true;
    } else if (c == ' ' || c == ',') {
      inword = false;
    } else {
      return false;
    }
  }
  return words >= 2 && words <= 3;
}

/* Precedence: a company suffix wins (中国铁道科学研究院集团有限公司 is a
 * firm), then 大学, institute words (科学院 before the 学院 it contains),
 * other school words, company words, government bodies, the English
 * equivalents, then personal names. */
static cn_entity_type classify_folded(const char *name, const char **rule) {
  static const char *const firm_suffix[] = {"公司", "有限", "厂", "集团", "企业", "合作社",
                                            "事务所", NULL};
  /* 科学院 contains 学院: "大学" first, then institutes, then the weaker 学院 */
  static const char *const uni[] = {"大学", NULL};
  static const char *const uni_weak[] = {"学院", "学校", "中学", "小学", NULL};
  static const char *const inst[] = {"研究所", "研究院", "科学院", "研究中心", "实验室",
                                     "设计院", "勘察院", "工程院", "研究会", NULL};
  static const char *const gov[] = {"局", "委员会", "政府", "厅", "部", "管理处",
                                    "管理站", "办公室", "总站", "监测站", "中心", NULL};
  static const char *const en_firm[] = {"CO", "LTD", "INC", "CORP", "CORPORATION", "LLC",
                                        "GMBH", "AG", "COMPANY", "LIMITED", "PLC", "S.A.", "KAISHA", NULL};
  static const char *const en_uni[] = {"UNIVERSITY", "COLLEGE", "SCHOOL", "UNIV", NULL};
  static const char *const en_inst[] = {"INSTITUTE", "ACADEMY", "LABORATORY", "LABORATORIES",
                                        "RESEARCH", "CENTRE", "CENTER", NULL};
  static const char *const en_gov[] = {"MINISTRY", "BUREAU", "ADMINISTRATION", "COMMISSION",
                                       "DEPARTMENT", "GOVERNMENT", "AGENCY", "OFFICE", NULL};
  /* the English words are matched without regard to ASCII case over the
   * whole name (an upper-cased copy in a fixed buffer cut long names) */
  const char *up = name;
  const char *r = "none";
  cn_entity_type t = CN_ENT_OTHER;
  /* Japanese and Korean corporate forms, before or after the name */
  static const char *const ja_form[] = {"株式会社", "有限会社", "合同会社", "(株)", NULL};
  static const char *const ko_form[] = {"주식회사", "유한회사", "(주)", NULL};
  for (int k = 0; ja_form[k]; k++)
    if (has(name, ja_form[k])) {
      r = "ja:firm-form";
      t = CN_ENT_FIRM;
      goto done;
    }
  for (int k = 0; ko_form[k]; k++)
    if (has(name, ko_form[k])) {
      r = "ko:firm-form";
      t = CN_ENT_FIRM;
      goto done;
    }
  /* the name ends in a company form: a firm whatever else it says */
  static const char *const tail[] = {"公司", "有限", "厂", "集团", NULL};
  size_t cut;
  for (int k = 0; tail[k]; k++)
    if (ends_with(name, strlen(name), tail[k], &cut)) {
      r = "zh:firm-suffix";
      t = CN_ENT_FIRM;
      goto done;
    }
  for (int k = 0; uni[k]; k++)
    if (has(name, uni[k])) {
      r = "zh:university";
      t = CN_ENT_UNIVERSITY;
      goto done;
    }
  for (int k = 0; inst[k]; k++)
    if (has(name, inst[k])) {
      r = "zh:institute";
      t = CN_ENT_INSTITUTE;
      goto done;
    }
  for (int k = 0; uni_weak[k]; k++)
    if (has(name, uni_weak[k])) {
      r = "zh:university";
      t = CN_ENT_UNIVERSITY;
      goto done;
    }
  for (int k = 0; firm_suffix[k]; k++)
    if (has(name, firm_suffix[k])) {
      r = "zh:firm-word";
      t = CN_ENT_FIRM;
      goto done;
    }
  /* numbered engineering bureaus (中铁二局, 中铁十八局) are state-owned
   * firms; government bureaus are named by their field (气象局) */
  for (const char *p = strstr(name, "局"); p; p = strstr(p + 1, "局"))
    if (p - name >= 3 && strstr("一二三四五六七八九十", (char[4]){p[-3], p[-2], p[-1], 0})) {
      r = "zh:numbered-bureau";
      t = CN_ENT_FIRM;
      goto done;
    }
  for (int k = 0; gov[k]; k++)
    if (has(name, gov[k]) && !han_person(name)) {
      r = "zh:government";
      t = CN_ENT_GOVERNMENT;
      goto done;
    }
  for (int k = 0; en_firm[k]; k++)
    if (has_word(up, en_firm[k])) {
      r = "en:firm";
      t = CN_ENT_FIRM;
      goto done;
    }
  for (int k = 0; en_uni[k]; k++)
    if (has_word(up, en_uni[k])) {
      r = "en:university";
      t = CN_ENT_UNIVERSITY;
      goto done;
    }
  for (int k = 0; en_inst[k]; k++)
    if (has_word(up, en_inst[k])) {
      r = "en:institute";
      t = CN_ENT_INSTITUTE;
      goto done;
    }
  for (int k = 0; en_gov[k]; k++)
    if (has_word(up, en_gov[k])) {
      r = "en:government";
      t = CN_ENT_GOVERNMENT;
      goto done;
    }
  if (han_person(name)) {
    r = "zh:person-name";
    t = CN_ENT_INDIVIDUAL;
  } else if (latin_person(up)) {
    r = "en:person-name";
    t = CN_ENT_INDIVIDUAL;
  }
done:
  if (rule) *rule = r;
  return t;
}

/* Folds the name (traditional characters, full width, case: fold_text)
 * before the rules; a name that cannot be folded (invalid UTF-8, no
 * memory) is read as it is. */
cn_entity_type cn_name_classify(const char *name, const char **rule) {
  size_t n = strlen(name);
  cn_buf b = {0};
  cn_entity_type t;
  if (cn__utf8_valid(name, n) == n && fold_text(name, n, &b)) t = classify_folded(b.data, rule);
  else t = classify_folded(name, rule);
  cn__buf_free(&b);
  return t;
}

/* ---- cn_name_parse: key, legal forms, places, script, foreign ---- */

/* Legal forms that cn_name_parse moves out of the key, longest first within
 * each script. Han forms end (or start) the name without a separator; Latin
 * ones must follow a space or comma. */
static const char *const han_forms[] = {
    "股份有限公司", "有限责任公司", "集团有限公司", "控股有限公司", "有限公司", "股份公司",
    "集团公司", "总公司", "株式会社", "有限会社", "合同会社", "주식회사", "유한회사",
    "公司", "集团", "(株)", "(주)", NULL};
static const char *const han_lead_forms[] = {"株式会社", "有限会社", "合同会社", "주식회사",
                                             "유한회사", "(株)", "(주)", NULL};
static const char *const latin_forms[] = {
    "CO., LTD.", "CO.,LTD.", "CO., LTD", "CO.,LTD", "CO. LTD.", "CO. LTD", "CO LTD",
    "KABUSHIKI KAISHA", "GMBH & CO. KG", "CORPORATION", "INCORPORATED", "LIMITED", "COMPANY",
    "CORP.", "CORP", "INC.", "INC", "LLC", "LTD.", "LTD", "GMBH", "PLC", "S.P.A.", "S.A.S.",
    "S.A.", "B.V.", "N.V.", "SARL", "K.K.", "A/S", "AG", "SE", "CO.", "CO", "GROUP", NULL};
/* forms that only non-Chinese firms use */
static const char *const foreign_forms[] = {
    "株式会社", "有限会社", "合同会社", "(株)", "주식회사", "유한회사", "(주)", "KABUSHIKI KAISHA",
    "K.K.", "GMBH & CO. KG", "GMBH", "S.P.A.", "S.A.S.", "S.A.", "B.V.", "N.V.", "SARL",
    "A/S", "AG", "SE", "PLC", NULL};
/* bracket contents that are legal forms: 中煤第三建设(集团)有限责任公司 */
static const char *const bracket_forms[] = {"集团", "股份", "控股", "有限", "株", "주",
                                            "GROUP", "HOLDINGS", NULL};
/* Province-level units and large cities (with or without 省 / 市); any Han
 * text ending in 省, 市, 区, 县, 州, 盟, 旗 or 镇 counts as a place too. */
static const char *const han_places[] = {
    "中国", "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川",
    "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆",
    "香港", "澳门", "深圳", "广州", "武汉", "成都", "杭州", "南京", "西安", "苏州", "青岛",
    "大连", "宁波", "厦门", "沈阳", "长沙", "郑州", "济南", "哈尔滨", "长春", "昆明", "合肥",
    "福州", "南昌", "石家庄", "太原", "兰州", "贵阳", "南宁", "海口", "呼和浩特", "乌鲁木齐",
    "拉萨", "银川", "西宁", "无锡", "南通", "佛山", "东莞", "珠海", "唐山", "株洲", "徐州", "常州",
    "温州", "烟台", "洛阳", "宝鸡", "柳州", "绵阳", "攀枝花", "保定", "秦皇岛", "包头",
    "大同", "鞍山", "抚顺", "吉首", "芜湖", "泉州", "赣州", "淄博", "潍坊", "襄阳", "宜昌",
    "衡阳", "湘潭", "汕头", "桂林", "遵义", "天水", "西南", "华东", "华南", "华北", "华中",
    "西北", "东北", NULL};
static const char *const latin_places[] = {
    "CHINA", "P.R. CHINA", "PRC", "BEIJING", "SHANGHAI", "TIANJIN", "CHONGQING", "SHENZHEN",
    "GUANGZHOU", "HONG KONG", "HONGKONG", "MACAU", "TAIWAN", "WUHAN", "CHENGDU", "HANGZHOU",
    "NANJING", "XI'AN", "XIAN", "SUZHOU", "QINGDAO", "DALIAN", NULL};
/* Foreign countries: a Han name that starts with one, or a bracketed or
 * Latin word that is one, marks the entity as foreign. */
static const char *const han_countries[] = {
    "日本", "美国", "德国", "法国", "英国", "韩国", "瑞士", "瑞典", "意大利", "荷兰", "加拿大",
    "澳大利亚", "新加坡", "俄罗斯", "奥地利", "芬兰", "丹麦", "西班牙", "比利时", "印度",
    "挪威", "以色列", "朝鲜", NULL};
static const char *const latin_countries[] = {
    "JAPAN", "GERMANY", "USA", "U.S.A.", "AMERICA", "KOREA", "FRANCE", "ENGLAND", "BRITAIN",
    "U.K.", "UK", "SWITZERLAND", "SWEDEN", "ITALY", "NETHERLANDS", "CANADA", "AUSTRALIA",
    "SINGAPORE", "RUSSIA", "AUSTRIA", "FINLAND", "DENMARK", "SPAIN", "BELGIUM", "INDIA",
    "NORWAY", "ISRAEL", "DEUTSCHLAND", "NIPPON", NULL};

static bool in_list(const char *s, size_t n, const char *const *list) {
  for (int k = 0; list[k]; k++)
    if (strlen(list[k]) == n && !memcmp(s, list[k], n)) return true;
  return false;
}

size_t cn__name_lead_place(const char *key) {
  static const char *const not_lead[] = {"中国", "西南", "华东", "华南", "华北", "华中", "西北", "东北", NULL};
  size_t best = 0, n = strlen(key);
  for (int k = 0; han_places[k]; k++) {
    size_t m = strlen(han_places[k]);
    if (m > best && m < n && !memcmp(key, han_places[k], m) && !in_list(key, m, not_lead)) best = m;
  }
  return best;
}

/* A CJK ideograph, kana or hangul syllable or jamo. */
static bool is_cjk(unsigned cp) {
  return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0x20000 && cp <= 0x3FFFF) ||
         (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
         (cp >= 0xF900 && cp <= 0xFAFF);
}

/* Whether s[0..n) (folded, trimmed) is a place name: a listed province,
 * city or region, or Han text (2 to 12 characters) ending in an
 * administrative suffix. */
static bool is_place(const char *s, size_t n) {
  if (in_list(s, n, han_places) || in_list(s, n, latin_places)) return true;
  static const char *const suffix[] = {"省", "市", "区", "县", "州", "盟", "旗", "镇", NULL};
  const unsigned char *p = (const unsigned char *)s;
  int chars = 0;
  for (size_t i = 0; i < n;) {
    unsigned cp;
    i += decode(p + i, &cp);
    if (cp < 0x3400 || cp > 0x9FFF) return false;
    chars++;
  }
  if (chars < 2 || chars > 12) return false;
  size_t cut;
  for (int k = 0; suffix[k]; k++)
    if (ends_with(s, n, suffix[k], &cut)) return true;
  return false;
}

/* Appends piece (length n) to the " "-joined or plain list b: a space
 * between two pieces when either side is Latin text. */
static void list_add(cn_buf *b, const char *piece, size_t n, bool prepend) {
  if (!n) return;
  bool latin = isalnum((unsigned char)piece[0]) || isalnum((unsigned char)piece[n - 1]);
  cn_buf t = {0};
  if (prepend) {
    cn__buf_append(&t, piece, n);
    if (b->len && (latin || isalnum((unsigned char)b->data[0]))) cn__buf_append(&t, " ", 1);
    if (b->len) cn__buf_append(&t, b->data, b->len);
  } else {
    if (b->len) cn__buf_append(&t, b->data, b->len);
    if (b->len && (latin || isalnum((unsigned char)b->data[b->len - 1])))
      cn__buf_append(&t, " ", 1);
    cn__buf_append(&t, piece, n);
  }
  bool failed = b->failed || t.failed;
  cn__buf_free(b);
  *b = t;
  b->failed = failed;
}

/* Whether s[0..n) still holds a letter or ideograph (a key must). */
static bool has_letter(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80) return true;
  return false;
}

static bool is_sep(char c) { return c == ' ' || c == ',' || c == '-' || c == '&'; }

/* Removes leading and trailing legal forms of key[0..*n) (from offset *at)
 * into lead and tail, in name order. */
static void strip_forms(char *key, size_t *at, size_t *n, cn_buf *lead, cn_buf *tail) {
  bool again = true;
  while (again) {
    again = false;
    size_t len = *n - *at;
    const char *s = key + *at;
    for (int k = 0; han_lead_forms[k] && !again; k++) {
      size_t f = strlen(han_lead_forms[k]);
      if (len > f && !memcmp(s, han_lead_forms[k], f) && has_letter(s + f, len - f)) {
        list_add(lead, s, f, false);
        *at += f;
        while (*at < *n && key[*at] == ' ') (*at)++;
        again = true;
      }
    }
    if (again) continue;
    size_t cut;
    /* a branch (分公司, 子公司) names its own unit: its 公司 stays */
    bool branch = ends_with(s, len, "分公司", &cut) || ends_with(s, len, "子公司", &cut);
    for (int k = 0; han_forms[k] && !again && !branch; k++)
      if (ends_with(s, len, han_forms[k], &cut) && has_letter(s, cut)) {
        list_add(tail, s + cut, len - cut, true);
        *n = *at + cut;
        while (*n > *at && key[*n - 1] == ' ') (*n)--;
        again = true;
      }
    for (int k = 0; latin_forms[k] && !again; k++)
      if (ends_with(s, len, latin_forms[k], &cut) && cut && is_sep(s[cut - 1])) {
        size_t c = cut;
        while (c && is_sep(s[c - 1])) c--;
        if (!has_letter(s, c)) continue;
        list_add(tail, s + cut, len - cut, true);
        *n = *at + c;
        again = true;
      }
  }
}

/* Whether the whole word w occurs in s (upper case; separators around). */
static bool has_word_at(const char *s, const char *w) {
  size_t k = strlen(w);
  for (const char *p = strstr(s, w); p; p = strstr(p + 1, w)) {
    bool left = p == s || !isalnum((unsigned char)p[-1]);
    bool right = !isalnum((unsigned char)p[k]) || w[k - 1] == '.';
    if (left && right) return true;
  }
  return false;
}

/* Scans the folded name for script and the foreign rules (see docs). */
static void read_script(const char *folded, const cn_name_parts *p, const char **script,
                        const char **frule) {
  bool cjk = false, latin = false, kana = false, hangul = false;
  const unsigned char *s = (const unsigned char *)folded;
  for (size_t i = 0; s[i];) {
    unsigned cp;
    i += decode(s + i, &cp);
    if (is_cjk(cp)) cjk = true;
    if (cp < 0x80 && isalpha((int)cp)) latin = true;
    if (cp >= 0x3040 && cp <= 0x30FF) kana = true;
    if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF)) hangul = true;
  }
  *script = cjk && latin ? "mixed" : cjk ? "cjk" : latin ? "latin" : "none";
  *frule = "";
  if (kana) *frule = "ja:kana";
  else if (hangul) *frule = "ko:hangul";
  if (**frule) return;
  for (int k = 0; foreign_forms[k]; k++)
    if (strstr(p->form, foreign_forms[k]) &&
        ((unsigned char)foreign_forms[k][0] >= 0x80 || has_word_at(p->form, foreign_forms[k]))) {
      *frule = "form";
      return;
    }
  for (int k = 0; han_countries[k]; k++)
    if (!strncmp(p->key, han_countries[k], strlen(han_countries[k]))) {
      *frule = "zh:country-prefix";
      return;
    }
  for (int k = 0; han_countries[k]; k++)
    if (strstr(p->place, han_countries[k])) {
      *frule = "place:country";
      return;
    }
  for (int k = 0; latin_countries[k]; k++)
    if (has_word_at(folded, latin_countries[k])) {
      *frule = "latin:country-word";
      return;
    }
}

void cn_name_parts_free(cn_name_parts *p) {
  if (!p) return;
  cn_free(p->key);
  cn_free(p->form);
  cn_free(p->place);
  memset(p, 0, sizeof *p);
}

cn_status cn_name_parse(const char *name, cn_name_parts *p, cn_diag *d) {
  size_t n = strlen(name);
  cn_buf f = {0}, key = {0}, forms = {0}, places = {0};
  cn_status st = CN_OK;
  memset(p, 0, sizeof *p);
  if (cn__utf8_valid(name, n) != n)
    return cn_diag_set(d, CN_EDATA, "applicant name is not valid UTF-8 text");
  if (!fold_text(name, n, &f)) goto oom;
  /* bracket groups: places and forms leave, other groups stay in the key */
  for (size_t i = 0; i < f.len;) {
    char c = f.data[i];
    const char *close = c == '(' ? strchr(f.data + i, ')') : c == '[' ? strchr(f.data + i, ']') : NULL;
    if (!close) {
      cn__buf_append(&key, &c, 1);
      i++;
      continue;
    }
    size_t a = i + 1, b = (size_t)(close - f.data);
    while (a < b && f.data[a] == ' ') a++;
    while (b > a && f.data[b - 1] == ' ') b--;
    size_t end = (size_t)(close - f.data) + 1;
    if (b > a && in_list(f.data + a, b - a, bracket_forms)) {
      list_add(&forms, f.data + i, end - i, false);
    } else if (b > a && is_place(f.data + a, b - a)) {
      list_add(&places, f.data + a, b - a, false);
    } else {
      cn__buf_append(&key, f.data + i, end - i);
      i = end;
      continue;
    }
    /* the removed group leaves one space at most between Latin words */
    if (key.len && key.data[key.len - 1] != ' ' && end < f.len && f.data[end] != ' ' &&
        (unsigned char)f.data[end] < 0x80 && (unsigned char)key.data[key.len - 1] < 0x80)
      cn__buf_append(&key, " ", 1);
    if (key.len && key.data[key.len - 1] == ' ' && end < f.len && f.data[end] == ' ') end++;
    i = end;
  }
  if (!cn__buf_append(&key, "", 0) || key.failed) goto oom;
  size_t at = 0, len = key.len;
  while (len > at && key.data[len - 1] == ' ') len--;
  /* forms: those in brackets, then the leading ones, then the trailing */
  cn_buf lead = {0}, tail = {0};
  strip_forms(key.data, &at, &len, &lead, &tail);
  /* a name that is only forms (有限公司) keeps them as its key */
  if (in_list(key.data + at, len - at, han_forms) ||
      in_list(key.data + at, len - at, bracket_forms) ||
      in_list(key.data + at, len - at, latin_forms) || !has_letter(key.data + at, len - at)) {
    cn__buf_free(&lead);
    cn__buf_free(&tail);
    at = 0;
    len = key.len;
    while (len && key.data[len - 1] == ' ') len--;
  }
  list_add(&forms, lead.data, lead.len, false);
  list_add(&forms, tail.data, tail.len, false);
  if (lead.failed || tail.failed) forms.failed = true;
  cn__buf_free(&lead);
  cn__buf_free(&tail);
  if (!cn__buf_append(&forms, "", 0) || !cn__buf_append(&places, "", 0) || forms.failed ||
      places.failed)
    goto oom;
  p->key = cn_malloc(len - at + 1);
  if (!p->key) goto oom;
  memcpy(p->key, key.data + at, len - at);
  p->key[len - at] = '\0';
  p->form = forms.data;
  p->place = places.data;
  forms.data = places.data = NULL;
  read_script(f.data, p, &p->script, &p->foreign_rule);
  p->foreign = *p->foreign_rule != '\0';
  goto done;
oom:
  cn_name_parts_free(p);
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn__buf_free(&f);
  cn__buf_free(&key);
  cn__buf_free(&forms);
  cn__buf_free(&places);
  return st;
}
