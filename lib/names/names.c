/* lib/names/names.c — applicant-name normalization and entity types. */
#include <ctype.h>
#include <string.h>
#include "../base/base_int.h"
#include "coinnet/names.h"

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

/* Maps a code point to its canonical form: full-width ASCII to ASCII, CJK
 * brackets to ASCII ones, ideographic space and the enumeration comma to
 * their plain forms, Latin letters to upper case. */
static unsigned fold(unsigned cp) {
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

cn_status cn_name_normalize(const char *in, char **out, cn_diag *d) {
  size_t n = strlen(in);
  cn_buf b = {0};
  *out = NULL;
  if (cn__utf8_valid(in, n) != n)
    return cn_diag_set(d, CN_EDATA, "applicant name is not valid UTF-8 text");
  const unsigned char *s = (const unsigned char *)in;
  bool space = false;
  for (size_t i = 0; i < n;) {
    unsigned cp;
    i += decode(s + i, &cp);
    cp = fold(cp);
    if (cp == ' ') {
      space = b.len > 0;
      continue;
    }
    if (space) cn__buf_append(&b, " ", 1);
    space = false;
    encode(&b, cp);
  }
  if (!cn__buf_append(&b, "", 0) || b.failed) {
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
cn_entity_type cn_name_classify(const char *name, const char **rule) {
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
                                        "GMBH", "AG", "COMPANY", "LIMITED", "PLC", "S.A.", NULL};
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
