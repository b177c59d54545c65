/* lib/study/gen.c — `coinnet gen paper`: synthetic raw data shaped like the
 * reference paper's sources, with a known data-generating process
 * (docs/gen.md). Every random draw comes from cn_rng streams keyed by the
 * seed and a fixed stream number per stage, so the same seed gives the
 * same files byte for byte. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../base/base_int.h"
#include "coinnet/dvar.h"
#include "coinnet/gen.h"
#include "coinnet/names.h"

#define Y0 2000
#define Y1 2015
#define NY (Y1 - Y0 + 1)

/* ---------------------------------------------------------------- tables */

typedef struct city_def {
  const char *name, *prov;
  int developed, pilot_year; /* pilot_year 0: never a pilot by 2015 */
} city_def;

/* Real cities; the pilot years follow the innovative-city pilot batches
 * (Shenzhen 2008, the 2010 batch, the 2013 batch) loosely. */
static const city_def cities[] = {
    {"北京", "北京", 1, 2010},   {"上海", "上海", 1, 0},     {"天津", "天津", 1, 2010},
    {"重庆", "重庆", 0, 0},      {"广州", "广东", 1, 2010},  {"深圳", "广东", 1, 2008},
    {"东莞", "广东", 1, 0},      {"佛山", "广东", 1, 0},     {"杭州", "浙江", 1, 2010},
    {"宁波", "浙江", 1, 2013},   {"温州", "浙江", 1, 0},     {"南京", "江苏", 1, 2010},
    {"苏州", "江苏", 1, 2010},   {"无锡", "江苏", 1, 2010},  {"常州", "江苏", 1, 2013},
    {"南通", "江苏", 0, 0},      {"济南", "山东", 1, 2010},  {"青岛", "山东", 1, 2010},
    {"烟台", "山东", 0, 2010},   {"潍坊", "山东", 0, 0},     {"厦门", "福建", 1, 2010},
    {"福州", "福建", 1, 2013},   {"泉州", "福建", 0, 0},     {"石家庄", "河北", 0, 2013},
    {"唐山", "河北", 0, 2010},   {"保定", "河北", 0, 0},     {"沈阳", "辽宁", 0, 2010},
    {"大连", "辽宁", 1, 2010},   {"长春", "吉林", 0, 2013},  {"哈尔滨", "黑龙江", 0, 2010},
    {"合肥", "安徽", 0, 2010},   {"芜湖", "安徽", 0, 0},     {"南昌", "江西", 0, 2013},
    {"郑州", "河南", 0, 2010},   {"洛阳", "河南", 0, 0},     {"武汉", "湖北", 0, 2013},
    {"宜昌", "湖北", 0, 0},      {"长沙", "湖南", 0, 2010},  {"株洲", "湖南", 0, 0},
    {"成都", "四川", 0, 2010},   {"绵阳", "四川", 0, 0},     {"西安", "陕西", 0, 2010},
    {"太原", "山西", 0, 2013},   {"呼和浩特", "内蒙古", 0, 0}, {"南宁", "广西", 0, 2013},
    {"柳州", "广西", 0, 0},      {"昆明", "云南", 0, 2013},  {"贵阳", "贵州", 0, 0},
    {"兰州", "甘肃", 0, 2013},   {"乌鲁木齐", "新疆", 0, 0}, {"海口", "海南", 0, 0},
    {"银川", "宁夏", 0, 0},      {"西宁", "青海", 0, 0}};
#define NCITY (int)(sizeof cities / sizeof *cities)

typedef struct ind_def {
  const char *code, *word;
  const char *ipc[3];
} ind_def;

/* GB/T 4754-2011 manufacturing divisions, a word for firm names and IPC
 * subclasses typical of their patents. */
static const ind_def inds[] = {
    {"13", "食品", {"A23L", "A23K", "C12M"}},       {"14", "食品科技", {"A23L", "A23G", "B65D"}},
    {"15", "酒业", {"C12G", "C12C", "B67C"}},        {"17", "纺织", {"D01H", "D03D", "D06P"}},
    {"18", "服饰", {"A41D", "D06F", "A41H"}},        {"19", "皮革", {"C14C", "A43B", "B68F"}},
    {"20", "木业", {"B27N", "B27M", "E04F"}},        {"21", "家具", {"A47B", "A47C", "B27M"}},
    {"22", "纸业", {"D21H", "D21F", "B31B"}},        {"23", "印务", {"B41F", "B41M", "B42D"}},
    {"24", "文体用品", {"A63B", "B43K", "G09B"}},    {"25", "石化", {"C10G", "C10L", "B01J"}},
    {"26", "化工", {"C07C", "C08G", "C09D"}},        {"27", "制药", {"A61K", "C07D", "A61P"}},
    {"28", "化纤", {"D01F", "D01D", "C08L"}},        {"29", "塑胶", {"B29C", "C08L", "B32B"}},
    {"30", "建材", {"C04B", "E04B", "C03C"}},        {"31", "钢铁", {"C21D", "C22C", "B21B"}},
    {"32", "有色金属", {"C22B", "C22C", "C25C"}},    {"33", "金属制品", {"B21D", "B23P", "E06B"}},
    {"34", "机械", {"F16H", "B23K", "F16K"}},        {"35", "重工", {"B66C", "E21B", "B02C"}},
    {"36", "汽车部件", {"B60R", "F02M", "B62D"}},    {"37", "轨道交通装备", {"B61D", "B61F", "B63B"}},
    {"38", "电气", {"H02J", "H01M", "H02K"}},        {"39", "电子科技", {"H04L", "G06F", "H01L"}},
    {"40", "仪器", {"G01N", "G01R", "G01B"}},        {"41", "工艺品", {"B44C", "A44C", "B44F"}},
    {"42", "再生资源", {"B09B", "C22B", "B03B"}},    {"43", "设备维修", {"B23P", "F16N", "G01M"}}};
#define NIND (int)(sizeof inds / sizeof *inds)

static const char *const brand_chars[] = {"华", "信", "中", "科", "天", "成", "海", "宏", "达", "瑞",
                                          "恒", "新", "鑫", "博", "远", "嘉", "泰", "盛", "隆", "兴",
                                          "金", "安", "东", "方", "明", "德", "正", "联", "创", "通",
                                          "力", "星", "光", "荣", "祥", "和", "永", "昌", "汇", "晟"};
#define NBRAND (int)(sizeof brand_chars / sizeof *brand_chars)

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                       "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                    "勇", "艳", "杰", "涛", "明", "超", "秀", "英", "华", "平",
                                    "刚", "桂", "建", "国", "志", "文", "斌", "辉", "鹏", "宇",
                                    "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "玲", "婷"};
#define NSUR (int)(sizeof surnames / sizeof *surnames)
#define NGIVEN (int)(sizeof given / sizeof *given)

static const char *const uni_kinds[] = {"大学", "理工大学", "工业大学", "科技大学", "交通大学",
                                        "农业大学", "师范大学", "医科大学", "财经大学", "化工大学",
                                        "职业技术学院", "工程学院", "理工学院", "科技学院"};
static const char *const inst_fields[] = {"材料", "化学物理", "电子", "机械", "自动化", "光学精密机械",
                                          "生物技术", "能源", "冶金", "纺织", "环境科学", "信息技术",
                                          "轨道交通", "建筑", "海洋", "计量测试"};
static const char *const gov_kinds[] = {"市科学技术局", "市气象局", "市环境保护局", "市人民政府",
                                        "市经济和信息化委员会", "市质量技术监督局"};
static const char *const ownerships[] = {"国有", "集体", "私营", "港澳台", "外资"};
static const char *const legal[] = {"有限公司", "股份有限公司", "有限责任公司"};

/* --------------------------------------------------------------- truth */

/* Every parameter of the data-generating process (truth.json). */
typedef struct dgp {
  double beta, d_assets, d_age, d_kl, d_own;     /* DVAR equation */
  double c_assets, c_age, c_kl;                  /* centering constants */
  double rho, sd_eps, trend;                     /* u loading, noise, year trend */
  double alpha_mean, alpha_sd, proc_share, proc_mean, proc_sd;
  double pi0, pi_assets, pi_foreign, pi_group, pi_xi, rho_eta_eps; /* selection */
  double a_mean, a_sd, a_size;                   /* patenting propensity a_i */
  double c1, c2, e_u;                            /* log λ: incubators, pilot, u */
  double lead_share, pa_power, core_q_step, core_boost;
  double indiv_coapp, dup_variant, indiv_first, utility, design, grant_prob;
} dgp;

static const dgp dgp_default = {
    .beta = 0.03, .d_assets = 0.015, .d_age = -0.01, .d_kl = -0.01, .d_own = 0.02,
    .c_assets = 10.5, .c_age = 10, .c_kl = 5,
    .rho = 0.06, .sd_eps = 0.07, .trend = 0.004,
    .alpha_mean = 0.52, .alpha_sd = 0.10, .proc_share = 0.18, .proc_mean = 0.26, .proc_sd = 0.10,
    .pi0 = -0.2, .pi_assets = 0.35, .pi_foreign = 0.8, .pi_group = 0.5, .pi_xi = 0.8,
    .rho_eta_eps = 0.5,
    .a_mean = -0.5, .a_sd = 1.0, .a_size = 0.4,
    .c1 = 1.5, .c2 = 1.0, .e_u = 0.8,
    .lead_share = 0.55, .pa_power = 0.7, .core_q_step = 0.04, .core_boost = 0.3,
    .indiv_coapp = 0.08, .dup_variant = 0.02, .indiv_first = 0.06, .utility = 0.35, .design = 0.06,
    .grant_prob = 0.5};

/* ------------------------------------------------------------- entities */

enum { K_FIRM, K_SOE, K_UNI, K_INST, K_GOV };

typedef struct ent {
  char *base;   /* the normalized name: the node name of net build */
  char *raw[3]; /* raw spellings that normalize to base */
  double pr[3]; /* how often each spelling is used (cumulative) */
  int nraw;
  int8_t kind;
  bool core;
  int16_t from, to; /* years it can apply */
  int32_t firm;     /* panel firm index, or -1 */
  int16_t ind;      /* industry (for IPC), -1: any */
  int16_t city;     /* where it is (its province: applicants.csv) */
  double fit, cum;  /* fitness; collaborative applications before this year */
  bool node;        /* in a collaborative invention application */
} ent;

typedef struct firm {
  int32_t ent;
  int16_t city, ind, ind4, start, end, founded, group_year;
  int8_t own;
  bool processing, rd;
  double a, alpha, s, xi, fx, prod, emp, share;
} firm;

/* One application; members[m0 .. m0+n) are entity ids, -1 an individual. */
typedef struct gapp {
  int16_t year;
  int8_t type; /* 0 invention, 1 utility model, 2 design */
  int8_t n;
  int32_t m0;
  bool granted;
} gapp;

typedef struct gen {
  cn_rng r;
  uint8_t *spell;        /* entity × year: bit k set when spelling k is in patents.csv */
  struct linkage *link;  /* what write_linkage made, for truth.json */
  uint64_t seed;
  dgp p;
  int nfirm;
  firm *firms;
  ent *ents;
  size_t nent, capent;
  cn_strmap names; /* normalized names in use */
  gapp *apps;
  size_t napps, capapps;
  int32_t *mem;
  size_t nmem, capmem;
  int32_t *wdc;   /* entity × year */
  int32_t *own;   /* firm × year: single-organization invention applications */
  double *u;      /* firm × (year − Y0 + 1): u of 1999 .. 2015 */
  int32_t incub[NCITY][NY];
  double theta1[NIND], theta2[NIND];
  double pf_l[NIND], pf_k[NIND], pf_m[NIND], pf_b0[NIND]; /* production, by industry */
  double pf_mu[NIND];                                      /* markups: the industry's level */
  int64_t collab[NY], nodes[NY];
} gen;

static double unif(cn_rng *r, double a, double b) { return a + (b - a) * cn_rng_uniform(r); }

/* A Poisson draw with mean mu (Knuth below 30, a rounded normal above). */
static int64_t poisson(cn_rng *r, double mu) {
  if (mu <= 0) return 0;
  if (mu > 30) {
    double x = floor(mu + sqrt(mu) * cn_rng_normal(r) + 0.5);
    return x < 0 ? 0 : (int64_t)x;
  }
  double l = exp(-mu), p = 1;
  int64_t k = 0;
  for (;;) {
    p *= cn_rng_uniform(r);
    if (p <= l) return k;
    k++;
  }
}

static double round3(double x) { return floor(x * 1000 + 0.5) / 1000; }
static double round4(double x) { return floor(x * 10000 + 0.5) / 10000; }

/* Adds an entity whose spellings are raw[0..n) with use frequencies pr;
 * false (with d set) when a spelling does not normalize to the first one's
 * normal form, *dup when that name is already taken (nothing added). */
static cn_status add_ent(gen *g, const char *const *raw, const double *pr, int n, int kind,
                         bool *dup, int32_t *id, cn_diag *d) {
  char *norm = NULL, *other = NULL;
  cn_status st = cn_name_normalize(raw[0], &norm, d);
  *dup = false;
  if (st != CN_OK) goto done;
  for (int k = 1; k < n; k++) {
    if ((st = cn_name_normalize(raw[k], &other, d)) != CN_OK) goto done;
    if (strcmp(other, norm)) {
      st = cn_diag_set(d, CN_EINTERNAL, "name variant \"%s\" does not normalize to \"%s\"", raw[k], norm);
      goto done;
    }
    cn_free(other);
    other = NULL;
  }
  if (cn__strmap_get(&g->names, norm, strlen(norm)) >= 0) {
    *dup = true;
    goto done;
  }
  if (cn__strmap_intern(&g->names, norm, strlen(norm)) < 0 ||
      !cn__grow((void **)&g->ents, &g->capent, g->nent + 1, sizeof *g->ents))
    goto oom;
  ent *e = &g->ents[g->nent];
  memset(e, 0, sizeof *e);
  e->base = norm;
  norm = NULL;
  e->nraw = n;
  e->kind = (int8_t)kind;
  e->firm = -1;
  e->ind = -1;
  e->from = Y0;
  e->to = Y1;
  g->nent++;
  double acc = 0;
  for (int k = 0; k < n; k++) {
    if (!(e->raw[k] = cn_strdup(raw[k]))) goto oom;
    acc += pr[k];
    e->pr[k] = acc;
  }
  *id = (int32_t)(g->nent - 1);
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_free(norm);
  cn_free(other);
  return st;
}

/* Makes a new firm entity with a unique name in city c, industry i; soe:
 * a state-owned group ("中国...集团"). */
static cn_status new_firm_ent(gen *g, int c, int i, bool soe, int32_t *id, cn_diag *d) {
  cn_rng *r = &g->r;
  for (int tries = 0; tries < 10000; tries++) {
    int b1 = (int)cn_rng_below(r, NBRAND), b2 = (int)cn_rng_below(r, NBRAND);
    if (b1 == b2) continue;
    char brand[16], a[256], b[256], v[256];
    snprintf(brand, sizeof brand, "%s%s", brand_chars[b1], brand_chars[b2]);
    int lf = cn_rng_uniform(r) < 0.7 ? 0 : cn_rng_uniform(r) < 0.67 ? 1 : 2;
    int lf2 = (lf + 1 + (int)cn_rng_below(r, 2)) % 3;
    const char *raw[3];
    double pr[3] = {0.85, 0.07, 0.08};
    if (soe) {
      snprintf(a, sizeof a, "中国%s%s集团%s", brand, inds[i].word, legal[lf]);
      snprintf(b, sizeof b, "中国%s%s集团%s", brand, inds[i].word, legal[lf2]);
      snprintf(v, sizeof v, "中国%s%s集团 %s", brand, inds[i].word, legal[lf]);
    } else if (cn_rng_uniform(r) < 0.75) {
      snprintf(a, sizeof a, "%s%s%s%s", cities[c].name, brand, inds[i].word, legal[lf]);
      snprintf(b, sizeof b, "%s%s%s%s", cities[c].name, brand, inds[i].word, legal[lf2]);
      snprintf(v, sizeof v, "%s%s%s %s", cities[c].name, brand, inds[i].word, legal[lf]);
    } else { /* 华信(苏州)机械有限公司, also written with full-width brackets */
      snprintf(a, sizeof a, "%s(%s)%s%s", brand, cities[c].name, inds[i].word, legal[lf]);
      snprintf(b, sizeof b, "%s(%s)%s%s", brand, cities[c].name, inds[i].word, legal[lf2]);
      snprintf(v, sizeof v, "%s（%s）%s%s", brand, cities[c].name, inds[i].word, legal[lf]);
    }
    raw[0] = a, raw[1] = b, raw[2] = v;
    bool dup;
    cn_status st = add_ent(g, raw, pr, 3, soe ? K_SOE : K_FIRM, &dup, id, d);
    if (st != CN_OK) return st;
    if (!dup) {
      g->ents[*id].ind = (int16_t)i;
      g->ents[*id].city = (int16_t)c;
      return CN_OK;
    }
  }
  return cn_diag_set(d, CN_EINTERNAL, "cannot find a new firm name");
}

/* Adds a non-firm organization with a single spelling; a name already in
 * use is skipped (returns CN_OK, *id = -1). */
static cn_status new_org(gen *g, const char *name, int kind, int32_t *id, cn_diag *d) {
  const char *raw[1] = {name};
  double pr[1] = {1};
  bool dup;
  *id = -1;
  cn_status st = add_ent(g, raw, pr, 1, kind, &dup, id, d);
  if (dup) *id = -1;
  return st;
}

/* ------------------------------------------------------- weighted draws */

/* A Fenwick tree of nonnegative weights for draws in proportion to them. */
typedef struct fen {
  double *t, *w;
  int n, top;
  int64_t count; /* entries with positive weight */
} fen;

static bool fen_init(fen *f, int n) {
  f->n = n;
  f->t = cn_calloc((size_t)n + 1, sizeof *f->t);
  f->w = cn_calloc((size_t)n + 1, sizeof *f->w);
  f->top = 1;
  while (f->top * 2 <= n) f->top *= 2;
  f->count = 0;
  return f->t && f->w;
}

static void fen_free(fen *f) {
  cn_free(f->t);
  cn_free(f->w);
}

static void fen_clear(fen *f) {
  memset(f->t, 0, ((size_t)f->n + 1) * sizeof *f->t);
  memset(f->w, 0, ((size_t)f->n + 1) * sizeof *f->w);
  f->count = 0;
}

/* Sets the weight of item i. */
static void fen_set(fen *f, int i, double w) {
  double dw = w - f->w[i];
  f->count += (w > 0) - (f->w[i] > 0);
  f->w[i] = w;
  for (int k = i + 1; k <= f->n; k += k & -k) f->t[k] += dw;
}

static double fen_total(const fen *f) {
  double s = 0;
  for (int k = f->n; k > 0; k -= k & -k) s += f->t[k];
  return s;
}

/* An item drawn in proportion to the weights, or -1 when all are zero. */
static int fen_draw(const fen *f, cn_rng *r) {
  if (f->count <= 0) return -1;
  for (int tries = 0; tries < 8; tries++) {
    double x = cn_rng_uniform(r) * fen_total(f);
    int pos = 0;
    for (int step = f->top; step; step >>= 1)
      if (pos + step <= f->n && f->t[pos + step] <= x) {
        pos += step;
        x -= f->t[pos];
      }
    if (pos < f->n && f->w[pos] > 0) return pos;
  }
  for (int i = 0; i < f->n; i++) /* rounding left only empty items in reach */
    if (f->w[i] > 0) return i;
  return -1;
}

/* ------------------------------------------------------------- network */

static bool push_app(gen *g, int year, int type, const int32_t *m, int n, bool granted) {
  if (!cn__grow((void **)&g->apps, &g->capapps, g->napps + 1, sizeof *g->apps) ||
      !cn__grow((void **)&g->mem, &g->capmem, g->nmem + (size_t)n, sizeof *g->mem))
    return false;
  gapp a = {(int16_t)year, (int8_t)type, (int8_t)n, (int32_t)g->nmem, granted};
  g->apps[g->napps++] = a;
  memcpy(g->mem + g->nmem, m, (size_t)n * sizeof *m);
  g->nmem += (size_t)n;
  return true;
}

static int city_incub(const gen *g, int c, int t) { return g->incub[c][t - Y0]; }
static int city_pilot(int c, int t) { return cities[c].pilot_year && t >= cities[c].pilot_year; }

/* Target sizes at paper scale, interpolated geometrically between 2000 and
 * 2015, times f. */
static int64_t target(double first, double last, int t, double f) {
  double x = first * pow(last / first, (double)(t - Y0) / (Y1 - Y0)) * f;
  return (int64_t)floor(x + 0.5);
}

static bool in_app(const int32_t *m, int n, int32_t e) {
  for (int k = 0; k < n; k++)
    if (m[k] == e) return true;
  return false;
}

/* The collaborative invention applications of every year, with the
 * applications net build drops or keeps without edges. */
static cn_status grow_network(gen *g, double f, cn_diag *d) {
  cn_status st = CN_OK;
  int E = (int)g->nent;
  fen in = {0}, act = {0};
  double *w = cn_calloc((size_t)E, sizeof *w), *lam = cn_calloc((size_t)g->nfirm + 1, sizeof *lam);
  int32_t *alive = cn_calloc((size_t)g->nfirm + 1, sizeof *alive), *leads = NULL, *core = NULL;
  int8_t *ks = NULL;
  bool *isact = cn_calloc((size_t)E, sizeof *isact);
  double *count = cn_calloc((size_t)E, sizeof *count);
  size_t ncore = 0;
  if (!w || !lam || !alive || !isact || !count || !fen_init(&in, E) || !fen_init(&act, E)) goto oom;
  core = cn_calloc((size_t)E, sizeof *core);
  if (!core) goto oom;
  for (int e = 0; e < E; e++)
    if (g->ents[e].core) core[ncore++] = e;
  cn_rng_seed(&g->r, g->seed, 4);
  cn_rng *r = &g->r;
  for (int t = Y0; t <= Y1; t++) {
    int64_t A = target(7484, 105481, t, f), N = target(5905, 36459, t, f);
    if (A < 2) A = 2;
    double boost = t >= 2008 ? 1 + g->p.core_boost * (t - 2007) : 1;
    double q = t >= 2008 ? g->p.core_q_step * (t - 2007) : 0;
    fen_clear(&in);
    fen_clear(&act);
    for (int e = 0; e < E; e++) {
      const ent *x = &g->ents[e];
      isact[e] = false;
      count[e] = 0;
      w[e] = t >= x->from && t <= x->to ? x->fit * pow(1 + x->cum, g->p.pa_power) * (x->core ? boost : 1) : 0;
      if (w[e] > 0) fen_set(&in, e, w[e]);
    }
    /* leads of the panel firms: Poisson(λ_it) given the year's total */
    int na = 0;
    double lsum = 0;
    for (int i = 0; i < g->nfirm; i++) {
      const firm *fm = &g->firms[i];
      if (t < fm->start || t > fm->end) continue;
      double l = exp(fm->a + g->p.c1 * log1p(city_incub(g, fm->city, t)) + g->p.c2 * city_pilot(fm->city, t) +
                     g->p.e_u * g->u[(size_t)i * (NY + 1) + (size_t)(t - Y0 + 1)]);
      lsum += l;
      lam[na] = lsum;
      alive[na++] = i;
    }
    int64_t AF = (int64_t)floor(g->p.lead_share * (double)A + 0.5);
    if (na == 0) AF = 0;
    cn_free(leads);
    cn_free(ks);
    leads = cn_malloc((size_t)A * sizeof *leads);
    ks = cn_malloc((size_t)A * sizeof *ks);
    if (!leads || !ks) goto oom;
    for (int64_t j = 0; j < A; j++) {
      leads[j] = -1;
      if (j < AF) {
        double x = cn_rng_uniform(r) * lsum;
        int lo = 0, hi = na - 1;
        while (lo < hi) {
          int mid = (lo + hi) / 2;
          if (lam[mid] > x) hi = mid;
          else lo = mid + 1;
        }
        leads[j] = g->firms[alive[lo]].ent;
      }
    }
    for (int64_t j = A - 1; j > 0; j--) { /* shuffle */
      int64_t k = (int64_t)cn_rng_below(r, (uint64_t)j + 1);
      int32_t x = leads[j];
      leads[j] = leads[k];
      leads[k] = x;
    }
    int64_t D = 0, R = 0;
    for (int64_t j = 0; j < A; j++) {
      double v = cn_rng_uniform(r);
      ks[j] = (int8_t)(v < 0.78 ? 2 : v < 0.93 ? 3 : v < 0.98 ? 4 : 5 + (int)cn_rng_below(r, 6));
      R += ks[j] - (leads[j] >= 0);
      int32_t e = leads[j];
      if (e >= 0 && !isact[e]) {
        isact[e] = true;
        D++;
        fen_set(&in, e, 0);
        fen_set(&act, e, w[e]);
      }
    }
    for (int64_t j = 0; j < A; j++) {
      int32_t m[16];
      int n = 0, k = ks[j];
      bool is_core = q > 0 && cn_rng_uniform(r) < q && ncore > (size_t)k;
      if (leads[j] >= 0) m[n++] = leads[j];
      int fails = 0;
      while (n < k) {
        int32_t e = -1;
        if (is_core) {
          double tot = 0;
          for (size_t c = 0; c < ncore; c++) tot += w[core[c]];
          double x = cn_rng_uniform(r) * tot;
          for (size_t c = 0; c < ncore && e < 0; c++) {
            x -= w[core[c]];
            if (x < 0 || c == ncore - 1) e = core[c];
          }
          if (tot <= 0) e = -1;
        } else {
          double pn = R > 0 ? (double)(N - D) / (double)R : 0;
          if (cn_rng_uniform(r) < pn || act.count == 0) e = fen_draw(&in, r);
          if (e < 0) e = fen_draw(&act, r);
          if (e < 0) e = fen_draw(&in, r);
        }
        R--;
        if (e < 0 || in_app(m, n, e)) {
          if (++fails > 40) break;
          R++;
          continue;
        }
        m[n++] = e;
        if (!isact[e]) {
          isact[e] = true;
          D++;
          fen_set(&in, e, 0);
          fen_set(&act, e, w[e]);
        }
      }
      if (n < 2) continue; /* a graph too small to find a partner */
      int norg = n;
      for (int k2 = 0; k2 < norg; k2++) {
        count[m[k2]] += 1;
        g->wdc[(size_t)m[k2] * NY + (size_t)(t - Y0)] += norg - 1;
        g->ents[m[k2]].node = true;
      }
      g->collab[t - Y0]++;
      if (cn_rng_uniform(r) < g->p.dup_variant && g->ents[m[0]].nraw > 1) m[n++] = m[0];
      if (cn_rng_uniform(r) < g->p.indiv_coapp) {
        int ni = 1 + (int)cn_rng_below(r, 2);
        for (int k2 = 0; k2 < ni; k2++) m[n++] = -1;
      }
      if (!push_app(g, t, 0, m, n, cn_rng_uniform(r) < g->p.grant_prob)) goto oom;
    }
    g->nodes[t - Y0] = D;
    /* applications net build drops: individual first, utility models, designs */
    int64_t n_ind = (int64_t)floor(g->p.indiv_first * (double)A + 0.5),
            n_ut = (int64_t)floor(g->p.utility * (double)A + 0.5),
            n_de = (int64_t)floor(g->p.design * (double)A + 0.5);
    for (int64_t j = 0; j < n_ind + n_ut + n_de; j++) {
      int type = j < n_ind ? 0 : j < n_ind + n_ut ? 1 : 2;
      int32_t m[8];
      int n = 0, k = type == 0 ? (int)cn_rng_below(r, 3) : 1 + (int)cn_rng_below(r, type == 1 ? 3 : 2);
      if (type == 0) m[n++] = -1;
      for (int k2 = 0; k2 < k; k2++) {
        int32_t e = fen_draw(&act, r);
        if (e >= 0 && !in_app(m, n, e)) m[n++] = e;
      }
      if (type == 0 && cn_rng_uniform(r) < 0.3) m[n++] = -1;
      if (n == 0) continue;
      if (!push_app(g, t, type, m, n, type == 0 && cn_rng_uniform(r) < g->p.grant_prob)) goto oom;
    }
    for (int e = 0; e < E; e++) g->ents[e].cum += count[e];
  }
  /* single-organization inventions of the organizations that are nodes */
  for (int e = 0; e < E; e++) {
    const ent *x = &g->ents[e];
    if (!x->node) continue;
    for (int t = x->from; t <= x->to; t++) {
      double mu = x->firm >= 0 ? 0.5 * exp(g->firms[x->firm].a) + 0.2 : x->kind == K_GOV ? 0.2 : 1.0;
      if (x->firm >= 0 && (t < g->firms[x->firm].start || t > g->firms[x->firm].end)) continue;
      int64_t n = poisson(r, mu);
      for (int64_t j = 0; j < n; j++) {
        int32_t m[2] = {e, e};
        int nm = cn_rng_uniform(r) < 0.01 && x->nraw > 1 ? 2 : 1;
        if (!push_app(g, t, 0, m, nm, cn_rng_uniform(r) < g->p.grant_prob)) goto oom;
        if (x->firm >= 0) g->own[(size_t)x->firm * NY + (size_t)(t - Y0)]++;
      }
    }
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  fen_free(&in);
  fen_free(&act);
  cn_free(w);
  cn_free(lam);
  cn_free(alive);
  cn_free(leads);
  cn_free(ks);
  cn_free(isact);
  cn_free(count);
  cn_free(core);
  return st;
}

/* ------------------------------------------------------------- writing */

static FILE *open_out(const char *dir, const char *name, char *path, size_t n, cn_diag *d) {
  snprintf(path, n, "%s/%s", dir, name);
  FILE *fp = fopen(path, "w");
  if (!fp) cn_diag_set(d, CN_EDATA, "%s: cannot write: %s", path, strerror(errno));
  else setvbuf(fp, NULL, _IOFBF, 1 << 20);
  return fp;
}

static cn_status close_out(FILE *fp, const char *path, cn_diag *d) {
  bool bad = ferror(fp) != 0;
  if (fclose(fp) != 0) bad = true;
  return bad ? cn_diag_set(d, CN_EDATA, "%s: cannot write", path) : CN_OK;
}

/* A CNIPA application number: year, type digit, 7-digit serial, check digit. */
static void app_number(char *buf, size_t n, int year, int type, int64_t serial) {
  char digits[40];
  snprintf(digits, sizeof digits, "%04d%d%07d", year, type + 1, (int)(serial % 10000000));
  static const int wt[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
  int s = 0;
  for (int k = 0; k < 12; k++) s += (digits[k] - '0') * wt[k];
  s %= 11;
  snprintf(buf, n, "CN%s.%c", digits, s == 10 ? 'X' : (char)('0' + s));
}

/* patents.csv: applications in year order, shuffled within a year. */
static cn_status write_patents(gen *g, const char *dir, cn_gen_counts *c, cn_diag *d) {
  char path[4096];
  FILE *fp = open_out(dir, "patents.csv", path, sizeof path, d);
  if (!fp) return CN_EDATA;
  cn_rng *r = &g->r;
  cn_rng_seed(r, g->seed, 7);
  size_t *order = cn_malloc((g->napps + 1) * sizeof *order);
  if (!order) {
    fclose(fp);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  for (size_t k = 0; k < g->napps; k++) order[k] = k;
  /* stable by year (apps were made year by year, except the own
   * applications at the end): counting sort, then shuffle each year */
  size_t start[NY + 1] = {0};
  for (size_t k = 0; k < g->napps; k++) start[g->apps[k].year - Y0 + 1]++;
  for (int y = 0; y < NY; y++) start[y + 1] += start[y];
  size_t at[NY];
  memcpy(at, start, sizeof at);
  for (size_t k = 0; k < g->napps; k++) order[at[g->apps[k].year - Y0]++] = k;
  for (int y = 0; y < NY; y++)
    for (size_t j = start[y + 1]; j > start[y] + 1; j--) {
      size_t k = start[y] + (size_t)cn_rng_below(r, j - start[y]);
      size_t x = order[j - 1];
      order[j - 1] = order[k];
      order[k] = x;
    }
  fputs("pub_no,app_no,app_date,pub_date,type,applicants,ipc,granted,grant_year\n", fp);
  static const char *const tname[] = {"发明", "实用新型", "外观设计"};
  static const char kind[] = {'A', 'U', 'S'};
  int64_t pubser[3] = {100000000, 200000000, 300000000}, appser[NY][3];
  memset(appser, 0, sizeof appser);
  for (size_t j = 0; j < g->napps; j++) {
    const gapp *a = &g->apps[order[j]];
    int y = a->year, mo = 1 + (int)cn_rng_below(r, 12), dd = 1 + (int)cn_rng_below(r, 28);
    char appno[64], apps[4096], ipc[64];
    app_number(appno, sizeof appno, y, a->type, ++appser[y - Y0][a->type]);
    /* applicants, each in one of its spellings */
    size_t len = 0;
    int ind = -1;
    for (int k = 0; k < a->n; k++) {
      int32_t e = g->mem[a->m0 + k];
      const char *s;
      char person[32];
      if (e < 0) {
        snprintf(person, sizeof person, "%s%s%s", surnames[cn_rng_below(r, NSUR)], given[cn_rng_below(r, NGIVEN)],
                 cn_rng_uniform(r) < 0.6 ? given[cn_rng_below(r, NGIVEN)] : "");
        s = person;
      } else {
        const ent *x = &g->ents[e];
        double v = cn_rng_uniform(r);
        int which = 0;
        while (which < x->nraw - 1 && v >= x->pr[which]) which++;
        if (k > 0 && g->mem[a->m0 + k - 1] == e) which = (which + 1) % x->nraw; /* a second spelling */
        s = x->raw[which];
        if (g->spell) g->spell[(size_t)e * NY + (size_t)(y - Y0)] |= (uint8_t)(1u << which);
        if (ind < 0) ind = x->ind;
      }
      int w = snprintf(apps + len, sizeof apps - len, "%s%s", k ? " | " : "", s);
      if (w > 0 && (size_t)w < sizeof apps - len) len += (size_t)w;
    }
    if (ind < 0) ind = (int)cn_rng_below(r, NIND);
    int ni = 1 + (int)cn_rng_below(r, 2);
    snprintf(ipc, sizeof ipc, "%s", inds[ind].ipc[cn_rng_below(r, 3)]);
    if (ni == 2) {
      const char *second = inds[cn_rng_below(r, NIND)].ipc[cn_rng_below(r, 3)];
      if (strcmp(second, ipc)) snprintf(ipc + 4, sizeof ipc - 4, " | %s", second);
    }
    int py = y + (a->type == 0 ? 1 : 0), pm = mo + (a->type == 0 ? 6 : 8);
    if (pm > 12) pm -= 12, py++;
    int gy = a->granted ? y + 2 + (int)cn_rng_below(r, 3) : 0;
    char gys[8] = "";
    if (a->granted) snprintf(gys, sizeof gys, "%d", gy);
    int64_t pn = ++pubser[a->type];
    fprintf(fp, "CN%09lld%c,%s,%04d-%02d-%02d,%04d-%02d-%02d,%s,%s,%s,%d,%s\n", (long long)pn, kind[a->type],
            appno, y, mo, dd, py, pm, dd, tname[a->type], apps, ipc, a->granted, gys);
    c->records++;
    if (a->granted) {
      fprintf(fp, "CN%09lldB,%s,%04d-%02d-%02d,%04d-%02d-%02d,%s,%s,%s,1,%d\n", (long long)pn, appno, y, mo, dd, gy,
              1 + (int)cn_rng_below(r, 12), 1 + (int)cn_rng_below(r, 28), tname[0], apps, ipc, gy);
      c->records++;
    }
  }
  c->applications = (int64_t)g->napps;
  cn_free(order);
  return close_out(fp, path, d);
}

/* firms.csv: the panel, with DVAR and the trade variables. */
static cn_status write_firms(gen *g, const char *dir, cn_gen_counts *c, cn_diag *d) {
  char path[4096];
  FILE *fp = open_out(dir, "firms.csv", path, sizeof path, d);
  if (!fp) return CN_EDATA;
  const dgp *p = &g->p;
  cn_rng *r = &g->r;
  cn_rng_seed(r, g->seed, 8);
  double gamma[NY];
  for (int t = 0; t < NY; t++) gamma[t] = p->trend * t + 0.01 * cn_rng_normal(r);
  fputs("id,name,ind2,ind4,province,city,founded,year,assets,output,employment,sales,exports,interest,"
        "fixed_assets,rd,ownership,group,exporter,dii,dvar_true\n",
        fp);
  double se = sqrt(1 - p->rho_eta_eps * p->rho_eta_eps);
  for (int i = 0; i < g->nfirm; i++) {
    const firm *f = &g->firms[i];
    const ent *e = &g->ents[f->ent];
    for (int t = f->start; t <= f->end; t++) {
      double lna = f->s + 0.06 * (t - f->start) + 0.1 * cn_rng_normal(r);
      double assets = round3(exp(lna));
      double emp = floor(exp(lna - 5.5 + f->emp + 0.1 * cn_rng_normal(r)) + 0.5);
      if (emp < 8) emp = 8;
      double fixed = round3(assets * f->fx * unif(r, 0.9, 1.1));
      double output = round3(assets * exp(f->prod + 0.1 * cn_rng_normal(r)));
      double sales = round3(output * unif(r, 0.92, 1.0));
      double interest = round3(assets * unif(r, 0.002, 0.025));
      double rd = f->rd ? round3(sales * unif(r, 0.001, 0.03)) : 0;
      int age = t - f->founded;
      int group = f->group_year && t >= f->group_year;
      bool foreign = f->own >= 3;
      double eps = p->sd_eps * cn_rng_normal(r);
      double eta = p->rho_eta_eps * eps / p->sd_eps + se * cn_rng_normal(r);
      double sel = p->pi0 + p->pi_assets * (log(assets) - p->c_assets) + p->pi_foreign * foreign +
                   p->pi_group * group + p->pi_xi * f->xi + eta;
      bool exporter = sel > 0;
      double wprev = t > Y0 ? g->wdc[(size_t)f->ent * NY + (size_t)(t - 1 - Y0)] : 0;
      int own = g->own[(size_t)i * NY + (size_t)(t - Y0)];
      double latent = f->alpha + gamma[t - Y0] + p->beta * log1p(wprev) + p->d_assets * (log(assets) - p->c_assets) +
                      p->d_age * (age - p->c_age) / 10 + p->d_kl * (log(fixed / emp) - p->c_kl) +
                      p->d_own * log1p(own) + p->rho * g->u[(size_t)i * (NY + 1) + (size_t)(t - Y0)] + eps;
      double dvar = latent < 0 ? 0 : latent > 1 ? 1 : latent;
      double share = f->share * unif(r, 0.8, 1.2);
      if (share > 1) share = 1;
      double exports = exporter ? round3(sales * share) : 0, dii;
      if (exporter && exports <= 0) exports = 0.001;
      if (exports > sales) exports = sales;
      if (exporter) {
        double th = g->theta1[f->ind], x = unif(r, 0.1, 0.8) * (1 - dvar) * exports / th;
        if (x > 0.6 * output) x = 0.6 * output;
        dii = floor(x * 1000) / 1000;
        c->exporter_years++;
      } else {
        dii = round3(output * unif(r, 0.2, 0.6));
      }
      fprintf(fp, "%d,%s,%s,%s%02d,%s,%s,%d,%d,%.3f,%.3f,%.0f,%.3f,%.3f,%.3f,%.3f,%.3f,%s,%d,%d,%.3f,", i + 1,
              e->base, inds[f->ind].code, inds[f->ind].code, f->ind4, cities[f->city].prov, cities[f->city].name,
              f->founded, t, assets, output, emp, sales, exports, interest, fixed, rd, ownerships[f->own], group,
              exporter, dii);
      if (exporter) {
        char num[32];
        cn__fmt_double(dvar, num, sizeof num);
        fprintf(fp, "%s\n", num);
      } else {
        fputc('\n', fp);
      }
      c->firm_years++;
    }
  }
  return close_out(fp, path, d);
}

/* Parameters of the production inputs common to all industries (truth.json). */
#define PF_RHO 0.7      /* omega_t = PF_RHO * omega_{t-1} + xi_t */
#define PF_SD_XI 0.2    /* sd of xi_t, split in two half-year innovations */
#define PF_SD_EPS 0.1   /* output shock unknown when inputs are chosen */
#define PF_SD_L 0.3     /* labour's optimisation error */
#define PF_DELTA 0.1    /* depreciation */
#define PF_SD_I 0.3     /* investment shock */
#define PF_RHO_W 0.7    /* the firm's log wage, AR(1): labour's own persistent variation */
#define PF_SD_W 0.2     /* its stationary sd */
#define PF_MU_WDC 0.04  /* ln markup rises by this per unit of ln(1 + WDC[t-1]) */
#define PF_SD_MU 0.1    /* sd of the firm's own (time-invariant) ln markup */

/* production.csv: value added, gross output, materials, labour, capital and
 * investment of every firm-year from a Cobb-Douglas value-added production
 * function by industry with Leontief materials, the design of Ackerberg,
 * Caves and Frazer (2015) DGP3: omega AR(1) in two half-year steps, labour
 * chosen at t - 1/2 with an optimisation error, materials in fixed
 * proportion to planned value added at t (the proxy), capital accumulating
 * with last year's investment. Its own stream (9): the other files do not
 * change. Markups (stream 10, so that the inputs above do not depend on
 * them): ln mu_it = ln mu_j + PF_MU_WDC ln(1 + WDC_i,t-1) + PF_SD_MU v_i,
 * and the wage bill is the one at which labour's first-order condition
 * holds at that markup, wages = theta_l exp(ln va - eps) / mu, so that De
 * Loecker and Warzynski's markup with labour as the flexible input is mu
 * exactly at the true theta_l and eps. (A Cobb-Douglas gross-output function with flexible materials is
 * not identified by the control-function moments: Gandhi, Navarro and
 * Rivers 2020.) */
static cn_status write_production(gen *g, const char *dir, bool flexible, cn_diag *d) {
  char path[4096];
  cn_rng *r = &g->r;
  cn_rng_seed(r, g->seed, 9);
  for (int j = 0; j < NIND; j++) {
    g->pf_l[j] = round4(unif(r, 0.55, 0.65));
    g->pf_k[j] = round4(unif(r, 0.3, 0.45));
    g->pf_m[j] = round4(unif(r, 0.8, 1.6)); /* materials per unit of planned value added */
    g->pf_b0[j] = round3(unif(r, 0.5, 1.5));
  }
  cn_rng rm;
  cn_rng_seed(&rm, g->seed, 10);
  for (int j = 0; j < NIND; j++) g->pf_mu[j] = round3(unif(&rm, 1.1, 1.4));
  FILE *fp = open_out(dir, "production.csv", path, sizeof path, d);
  if (!fp) return CN_EDATA;
  fputs("id,ind2,year,va,go,materials,labour,capital,investment,wages,omega_true,markup_true\n", fp);
  double half = PF_SD_XI * sqrt(1 / (1 + PF_RHO)); /* two half steps give sd PF_SD_XI */
  double rh = sqrt(PF_RHO), sd0 = PF_SD_XI / sqrt(1 - PF_RHO * PF_RHO);
  for (int i = 0; i < g->nfirm; i++) {
    const firm *f = &g->firms[i];
    int j = f->ind;
    double bl = g->pf_l[j], bk = g->pf_k[j], cm = g->pf_m[j], b0 = g->pf_b0[j];
    double om = sd0 * cn_rng_normal(r), k = f->s - 3 + 0.5 * cn_rng_normal(r), w = PF_SD_W * cn_rng_normal(r);
    double sdw = PF_SD_W * sqrt(1 - PF_RHO_W * PF_RHO_W);
    double lmu = log(g->pf_mu[j]) + PF_SD_MU * cn_rng_normal(&rm);
    for (int t = f->start; t <= f->end; t++) {
      if (t > f->start) om = rh * om + half * cn_rng_normal(r); /* omega at t - 1/2 */
      double omh = om;
      om = rh * om + half * cn_rng_normal(r);
      if (t > f->start) w = PF_RHO_W * w + sdw * cn_rng_normal(r);
      double el = PF_SD_L * cn_rng_normal(r);
      double l = flexible ? 0.5 * k + om + el - 1 : 0.5 * k + 1.0 * omh - 1.5 * w + el - 1;
      double plan = b0 + bl * l + bk * k + om, eps = PF_SD_EPS * cn_rng_normal(r);
      /* flexible: materials ordered for the output planned before labour's error */
      double va = exp(plan + eps), mat = cm * exp(flexible ? plan - bl * el : plan);
      double inv = exp(k - 2.5 + om + PF_SD_I * cn_rng_normal(r));
      double wprev = t > Y0 ? g->wdc[(size_t)f->ent * NY + (size_t)(t - 1 - Y0)] : 0;
      double mu = exp(lmu + PF_MU_WDC * log1p(wprev)), wages = bl * exp(plan) / mu;
      fprintf(fp, "%d,%s,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.6f,%.6f,%.6f\n", i + 1, inds[j].code, t, va, va + mat,
              mat, exp(l), exp(k), inv, wages, om, mu);
      k = log((1 - PF_DELTA) * exp(k) + inv);
    }
  }
  return close_out(fp, path, d);
}

/* ------------------------------------------------------------- linkage */

/* The record-linkage task with a known answer (docs/gen.md, Linkage): the
 * survey's spelling of every panel firm (survey.csv) differs from its
 * applicant spellings in one of these ways, some firms rename from a year
 * on, and survey-only decoys carry a panel firm's name with a city of
 * another province; applicants.csv lists the applicant spellings of every
 * year. Its own stream (17): the other files do not change. */
enum { LK_SAME, LK_SUFFIX, LK_TRAD, LK_BRACKET, LK_TYPO, LK_N };
static const char *const lk_names[LK_N] = {"same", "suffix", "traditional", "brackets", "typo"};
static const double lk_share[LK_N] = {0.40, 0.26, 0.16, 0.155, 0.025};
#define LK_RENAME 0.08 /* firms whose survey name changes from a year after their first */
#define LK_DECOY 0.03  /* a survey-only firm named like this one, in another province */

/* Legal forms of survey spellings (all removed by cn_name_parse). */
static const char *const lk_forms[] = {"有限公司", "股份有限公司", "有限责任公司", "公司", "集团有限公司"};
/* Traditional forms of characters of the generated names (Unihan
 * kSimplifiedVariant maps each back). */
static const char *const lk_trad[][2] = {
    {"华", "華"}, {"东", "東"}, {"达", "達"}, {"远", "遠"}, {"兴", "興"}, {"汇", "匯"}, {"联", "聯"}, {"荣", "榮"},
    {"业", "業"}, {"纺", "紡"}, {"织", "織"}, {"机", "機"}, {"电", "電"}, {"气", "氣"}, {"车", "車"}, {"铁", "鐵"},
    {"钢", "鋼"}, {"门", "門"}, {"广", "廣"}, {"苏", "蘇"}, {"锡", "錫"}, {"阳", "陽"}, {"连", "連"}, {"庆", "慶"},
    {"乌", "烏"}, {"鲁", "魯"}, {"宁", "寧"}, {"汉", "漢"}, {"长", "長"}, {"无", "無"}, {"责", "責"}, {"团", "團"},
    {"饰", "飾"}, {"纸", "紙"}, {"务", "務"}, {"体", "體"}, {"药", "藥"}, {"纤", "纖"}, {"胶", "膠"}, {"属", "屬"},
    {"备", "備"}, {"轨", "軌"}, {"装", "裝"}, {"仪", "儀"}, {"艺", "藝"}, {"资", "資"}, {"维", "維"}, {"发", "發"},
    {"岛", "島"}, {"烟", "煙"}, {"庄", "莊"}, {"沈", "瀋"}, {"厦", "廈"}, {"齐", "齊"}, {"龙", "龍"}, {"贵", "貴"},
    {"兰", "蘭"}, {"银", "銀"}, {"绵", "綿"}, {"乐", "樂"}, {"义", "義"}, {"鑫", "鑫"}, {"创", "創"}, {"盛", "盛"},
    {"昌", "昌"}, {"宏", "宏"}, {"恒", "恆"}, {"隆", "隆"}, {"晟", "晟"}, {"祥", "祥"}, {"通", "通"}, {"光", "光"},
    {"资", "資"}, {"维", "維"}, {"产", "產"}, {"设", "設"}, {"车", "車"}, {"汽", "汽"}, {"制", "製"}, {"仓", "倉"}};
/* Characters no generated name uses: a mistyped character. */
static const char *const lk_typo[] = {"琪", "祺", "骐", "淇", "萁", "琦", "旗", "麒"};

typedef struct linkage {
  char **name, **renamed; /* per panel firm: survey spelling; the new name from year `from`, or NULL */
  int16_t *from;
  int8_t *kind;
  char **dname;              /* decoys: name, city, the panel firm it resembles */
  int32_t *dfirm;
  int16_t *dcity;
  int ndecoy;
  int64_t count[LK_N], renames, fallback;
} linkage;

/* Releases l (NULL: nothing). */
static void linkage_free(linkage *l) {
  if (!l) return;
  for (size_t i = 0; l->name && l->name[i]; i++) cn_free(l->name[i]);
  for (int i = 0; i < l->ndecoy; i++) cn_free(l->dname[i]);
  if (l->renamed)
    for (size_t i = 0; l->name && l->name[i]; i++) cn_free(l->renamed[i]);
  cn_free(l->name);
  cn_free(l->renamed);
  cn_free(l->from);
  cn_free(l->kind);
  cn_free(l->dname);
  cn_free(l->dfirm);
  cn_free(l->dcity);
  cn_free(l);
}

/* The parts of a panel firm's main spelling: city + brand + word + form,
 * or brand(city)word + form (new_firm_ent). */
typedef struct fparts {
  const char *city, *word;
  char brand[16], form[64];
  bool bracket;
} fparts;

/* Reads the parts of panel firm entity e's main spelling. */
static void firm_parts(const gen *g, const ent *e, fparts *p) {
  const char *s = e->raw[0];
  p->city = cities[e->city].name;
  p->word = inds[e->ind].word;
  p->bracket = strchr(s, '(') != NULL;
  const char *b = p->bracket ? s : s + strlen(p->city);
  snprintf(p->brand, sizeof p->brand, "%.6s", b); /* two 3-byte characters */
  const char *w = strstr(b + 6, p->word);
  snprintf(p->form, sizeof p->form, "%s", w ? w + strlen(p->word) : "");
  (void)g;
}

/* A name in p's style (prefix city or bracketed city) from city, brand,
 * p's word and form, into buf. */
static void compose(char *buf, size_t n, const fparts *p, const char *city, const char *brand, const char *form) {
  if (p->bracket) snprintf(buf, n, "%s(%s)%s%s", brand, city, p->word, form);
  else snprintf(buf, n, "%s%s%s%s", city, brand, p->word, form);
}

/* The cn_name_parse key of s into a new string (NULL when out of memory). */
static char *key_of(const char *s) {
  cn_name_parts pt;
  cn_diag d;
  if (cn_name_parse(s, &pt, &d) != CN_OK) return NULL;
  char *k = pt.key;
  pt.key = NULL;
  cn_name_parts_free(&pt);
  return k;
}

/* Replaces the traditional forms of lk_trad in s (into buf). */
static void to_trad(const char *s, char *buf, size_t n) {
  size_t at = 0;
  while (*s && at + 8 < n) {
    size_t len = (unsigned char)*s < 0x80 ? 1 : (unsigned char)*s < 0xE0 ? 2 : (unsigned char)*s < 0xF0 ? 3 : 4;
    const char *rep = NULL;
    for (size_t k = 0; k < sizeof lk_trad / sizeof *lk_trad && !rep; k++)
      if (len == strlen(lk_trad[k][0]) && !memcmp(s, lk_trad[k][0], len)) rep = lk_trad[k][1];
    size_t m = rep ? strlen(rep) : len;
    memcpy(buf + at, rep ? rep : s, m);
    at += m;
    s += len;
  }
  buf[at] = '\0';
}

/* The key of s and, when it has a bracketed place, place + key (names
 * match reads 华信(苏州)机械 as 苏州华信机械 too; "" otherwise). */
static bool keys_of(const char *s, char *k, char *pk, size_t n) {
  cn_name_parts pt;
  cn_diag d;
  if (cn_name_parse(s, &pt, &d) != CN_OK) return false;
  snprintf(k, n, "%s", pt.key);
  if (*pt.place) snprintf(pk, n, "%s%s", pt.place, pt.key);
  else pk[0] = '\0';
  cn_name_parts_free(&pt);
  return true;
}

/* Whether the keys of name (keys_of) are no other organization's than the
 * one whose main spelling is own (NULL: none); adds them when so. */
static bool new_key(cn_strmap *keys, const char *name, const char *own, bool *oom) {
  char k[512], pk[512], ok[512] = "", opk[512] = "";
  if (!keys_of(name, k, pk, sizeof k) || (own && !keys_of(own, ok, opk, sizeof ok))) return *oom = true, false;
  const char *mine[] = {k, pk};
  for (int i = 0; i < 2; i++) {
    const char *x = mine[i];
    if (!*x || !strcmp(x, ok) || !strcmp(x, opk)) continue;
    if (cn__strmap_get(keys, x, strlen(x)) >= 0) return false;
  }
  for (int i = 0; i < 2; i++)
    if (*mine[i] && cn__strmap_intern(keys, mine[i], strlen(mine[i])) < 0) return *oom = true, false;
  return true;
}

/* Draws the survey spellings, renames and decoys (g->link, for
 * truth.json) and writes survey.csv and applicants.csv into dir. */
static cn_status write_linkage(gen *g, const char *dir, cn_diag *d) {
  cn_rng r;
  cn_rng_seed(&r, g->seed, 17);
  cn_strmap keys = {0};
  cn_status st = CN_OK;
  char path[4096], buf[256], alt[256];
  FILE *fp = NULL;
  bool oom = false;
  int nf = g->nfirm;
  linkage *l = g->link = cn_calloc(1, sizeof *l);
  if (!l || !(l->name = cn_calloc((size_t)nf + 1, sizeof *l->name)) ||
      !(l->renamed = cn_calloc((size_t)nf + 1, sizeof *l->renamed)) || !(l->from = cn_calloc((size_t)nf + 1, 2)) ||
      !(l->kind = cn_calloc((size_t)nf + 1, 1)) || !(l->dname = cn_calloc((size_t)nf + 1, sizeof *l->dname)) ||
      !(l->dfirm = cn_calloc((size_t)nf + 1, sizeof *l->dfirm)) || !(l->dcity = cn_calloc((size_t)nf + 1, 2)))
    goto oom;
  for (size_t e = 0; e < g->nent; e++) /* every organization's key is taken */
    if (new_key(&keys, g->ents[e].raw[0], NULL, &oom), oom) goto oom;
  for (int i = 0; i < nf; i++) {
    const firm *f = &g->firms[i];
    const ent *e = &g->ents[f->ent];
    fparts p;
    firm_parts(g, e, &p);
    double v = cn_rng_uniform(&r), acc = 0;
    int kind = 0;
    while (kind < LK_N - 1 && v >= (acc += lk_share[kind])) kind++;
    int lf = (int)cn_rng_below(&r, 5), tc = (int)cn_rng_below(&r, 8);
    double tp = cn_rng_uniform(&r), rn = cn_rng_uniform(&r), dc = cn_rng_uniform(&r);
    snprintf(buf, sizeof buf, "%s", e->raw[0]);
    if (kind == LK_SUFFIX || kind == LK_TRAD) {
      if (!strcmp(lk_forms[lf], p.form)) lf = (lf + 1) % 5;
      compose(buf, sizeof buf, &p, p.city, p.brand, lk_forms[lf]);
    }
    if (kind == LK_TRAD) {
      to_trad(buf, alt, sizeof alt);
      char *k1 = key_of(alt), *k0 = key_of(e->raw[0]);
      if (!k1 || !k0) {
        cn_free(k1), cn_free(k0);
        goto oom;
      }
      if (!strcmp(k1, k0) && strcmp(alt, buf)) snprintf(buf, sizeof buf, "%s", alt);
      else kind = LK_SUFFIX, l->fallback++; /* nothing to write in traditional characters */
      cn_free(k1), cn_free(k0);
    } else if (kind == LK_BRACKET) { /* the city moves into or out of brackets */
      if (p.bracket) snprintf(buf, sizeof buf, "%s%s%s%s", p.city, p.brand, p.word, p.form);
      else snprintf(buf, sizeof buf, "%s%s（%s）%s", p.brand, p.word, p.city, p.form);
    } else if (kind == LK_TYPO) { /* one character of city, brand or word mistyped */
      char c2[64], b2[16], w2[64];
      snprintf(c2, sizeof c2, "%s", p.city), snprintf(b2, sizeof b2, "%s", p.brand), snprintf(w2, sizeof w2, "%s", p.word);
      size_t nc = strlen(c2) / 3, nb = 2, nw = strlen(w2) / 3, pos = (size_t)(tp * (double)(nc + nb + nw));
      char *at = pos < nc ? c2 + 3 * pos : pos < nc + nb ? b2 + 3 * (pos - nc) : w2 + 3 * (pos - nc - nb);
      memcpy(at, lk_typo[tc], 3);
      fparts q = p;
      q.word = w2;
      compose(buf, sizeof buf, &q, c2, b2, p.form);
    }
    /* a new key must be no other organization's: else the other legal form */
    if ((kind == LK_BRACKET || kind == LK_TYPO) && !new_key(&keys, buf, e->raw[0], &oom)) {
      if (oom) goto oom;
      if (!strcmp(lk_forms[lf], p.form)) lf = (lf + 1) % 5;
      compose(buf, sizeof buf, &p, p.city, p.brand, lk_forms[lf]);
      kind = LK_SUFFIX, l->fallback++;
    }
    l->kind[i] = (int8_t)kind;
    l->count[kind]++;
    if (!(l->name[i] = cn_strdup(buf))) goto oom;
    if (rn < LK_RENAME && f->end > f->start) { /* a new brand from a later year */
      for (int tries = 0; tries < 20; tries++) {
        int b1 = (int)cn_rng_below(&r, NBRAND), b2 = (int)cn_rng_below(&r, NBRAND);
        if (b1 == b2) continue;
        char nb[16];
        snprintf(nb, sizeof nb, "%s%s", brand_chars[b1], brand_chars[b2]);
        compose(alt, sizeof alt, &p, p.city, nb, p.form);
        if (new_key(&keys, alt, NULL, &oom)) {
          if (!(l->renamed[i] = cn_strdup(alt))) goto oom;
          l->from[i] = (int16_t)(f->start + 1 + (int)cn_rng_below(&r, (uint64_t)(f->end - f->start)));
          l->renames++;
          break;
        }
        if (oom) goto oom;
      }
    }
    if (dc < LK_DECOY) { /* the same brand and word with a city of another province */
      for (int tries = 0; tries < 20; tries++) {
        int c2 = (int)cn_rng_below(&r, NCITY);
        if (!strcmp(cities[c2].prov, cities[e->city].prov)) continue;
        compose(alt, sizeof alt, &p, cities[c2].name, p.brand, lk_forms[lf]);
        if (new_key(&keys, alt, NULL, &oom)) {
          if (!(l->dname[l->ndecoy] = cn_strdup(alt))) goto oom;
          l->dfirm[l->ndecoy] = i, l->dcity[l->ndecoy++] = (int16_t)c2;
          break;
        }
        if (oom) goto oom;
      }
    }
  }
  /* survey.csv */
  if (!(fp = open_out(dir, "survey.csv", path, sizeof path, d))) {
    st = CN_EDATA;
    goto done;
  }
  fputs("id,year,name,province,city\n", fp);
  for (int i = 0; i < nf; i++) {
    const firm *f = &g->firms[i];
    for (int t = f->start; t <= f->end; t++)
      fprintf(fp, "%d,%d,%s,%s,%s\n", i + 1, t, l->renamed[i] && t >= l->from[i] ? l->renamed[i] : l->name[i],
              cities[f->city].prov, cities[f->city].name);
  }
  for (int k = 0; k < l->ndecoy; k++) {
    const firm *f = &g->firms[l->dfirm[k]];
    for (int t = f->start; t <= f->end; t++)
      fprintf(fp, "%d,%d,%s,%s,%s\n", nf + 1 + k, t, l->dname[k], cities[l->dcity[k]].prov, cities[l->dcity[k]].name);
  }
  st = close_out(fp, path, d);
  fp = NULL;
  if (st != CN_OK) goto done;
  /* applicants.csv: every organization's spellings in patents.csv, by year */
  if (!(fp = open_out(dir, "applicants.csv", path, sizeof path, d))) {
    st = CN_EDATA;
    goto done;
  }
  fputs("year,name,province\n", fp);
  for (int t = Y0; t <= Y1; t++)
    for (size_t e = 0; e < g->nent; e++) {
      const ent *x = &g->ents[e];
      uint8_t m = g->spell[e * NY + (size_t)(t - Y0)];
      for (int k = 0; k < x->nraw; k++)
        if (m & (1u << k)) fprintf(fp, "%d,%s,%s\n", t, x->raw[k], cities[x->city].prov);
    }
  st = close_out(fp, path, d);
  fp = NULL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  if (fp) fclose(fp);
  cn__strmap_free(&keys);
  return st;
}

/* truth.json's "linkage" member and the closing brace: how the survey
 * spells the firms, and the true mapping: every panel firm in
 * applicants.csv with the spellings it uses there. */
static void write_linkage_json(const gen *g, FILE *fp) {
  const linkage *l = g->link;
  fputs("  \"linkage\": {\n", fp);
  fputs("    \"files\": \"applicants.csv (year, name, province: the applicant spellings of patents.csv by year) to"
        " survey.csv (id, year, name, province, city: the survey's spelling of every firm-year of firms.csv, same id;"
        " ids above the panel's are survey-only decoys)\",\n",
        fp);
  fputs("    \"shares\": {", fp);
  for (int k = 0; k < LK_N; k++) fprintf(fp, "\"%s\": %.2f, ", lk_names[k], lk_share[k]);
  fprintf(fp, "\"renamed\": %.2f, \"decoy\": %.2f},\n", LK_RENAME, LK_DECOY);
  fputs("    \"firms_by_spelling\": {", fp);
  for (int k = 0; k < LK_N; k++) fprintf(fp, "\"%s\": %lld, ", lk_names[k], (long long)l->count[k]);
  fprintf(fp, "\"renamed\": %lld, \"decoys\": %d, \"fallback_to_suffix\": %lld},\n", (long long)l->renames,
          l->ndecoy, (long long)l->fallback);
  fputs("    \"mapping\": [", fp);
  bool first = true;
  for (int i = 0; i < g->nfirm; i++) {
    const ent *e = &g->ents[g->firms[i].ent];
    uint8_t m = 0;
    for (int t = 0; t < NY; t++) m |= g->spell[(size_t)g->firms[i].ent * NY + (size_t)t];
    if (!m) continue;
    fprintf(fp, "%s\n      [%d", first ? "" : ",", i + 1);
    for (int k = 0; k < e->nraw; k++)
      if (m & (1u << k)) fprintf(fp, ", \"%s\"", e->raw[k]);
    fputc(']', fp);
    first = false;
  }
  fputs("\n    ]\n  }\n}\n", fp);
}

/* One JSON member "name": v with the shortest digits that read back to v. */
static void jnum(FILE *fp, const char *name, double v, const char *comma) {
  char buf[64];
  cn__fmt_double(v, buf, sizeof buf);
  fprintf(fp, "    \"%s\": %s%s\n", name, buf, comma);
}

static cn_status write_small(gen *g, const char *dir, const cn_gen_opts *o, const char *scale, cn_diag *d) {
  char path[4096];
  cn_status st;
  FILE *fp = open_out(dir, "cities.csv", path, sizeof path, d);
  if (!fp) return CN_EDATA;
  fputs("city,province,year,incubators,pilot,developed\n", fp);
  for (int c = 0; c < NCITY; c++)
    for (int t = Y0; t <= Y1; t++)
      fprintf(fp, "%s,%s,%d,%d,%d,%d\n", cities[c].name, cities[c].prov, t, city_incub(g, c, t), city_pilot(c, t),
              cities[c].developed);
  if ((st = close_out(fp, path, d)) != CN_OK) return st;
  if (!(fp = open_out(dir, "theta.csv", path, sizeof path, d))) return CN_EDATA;
  fputs("ind2,theta1,theta2\n", fp);
  for (int i = 0; i < NIND; i++) fprintf(fp, "%s,%.4f,%.4f\n", inds[i].code, g->theta1[i], g->theta2[i]);
  if ((st = close_out(fp, path, d)) != CN_OK) return st;
  /* the generator's WDC of every node-year */
  if (!(fp = open_out(dir, "truth_wdc.csv", path, sizeof path, d))) return CN_EDATA;
  fputs("year,name,id,wdc\n", fp);
  for (int t = Y0; t <= Y1; t++)
    for (size_t e = 0; e < g->nent; e++) {
      int32_t w = g->wdc[e * NY + (size_t)(t - Y0)];
      if (!w) continue;
      const ent *x = &g->ents[e];
      if (x->firm >= 0) fprintf(fp, "%d,%s,%d,%d\n", t, x->base, x->firm + 1, w);
      else fprintf(fp, "%d,%s,,%d\n", t, x->base, w);
    }
  if ((st = close_out(fp, path, d)) != CN_OK) return st;
  /* truth.json */
  if (!(fp = open_out(dir, "truth.json", path, sizeof path, d))) return CN_EDATA;
  const dgp *p = &g->p;
  fprintf(fp, "{\n  \"generator\": \"coinnet gen paper\",\n  \"seed\": %llu,\n  \"scale\": \"%s\",\n",
          (unsigned long long)o->seed, scale);
  fprintf(fp, "  \"years\": [%d, %d],\n  \"sizes\": {\"firms\": %d, \"entities\": %zu, \"applications\": %zu,\n",
          Y0, Y1, g->nfirm, g->nent, g->napps);
  fputs("    \"collaborative\": [", fp);
  for (int t = 0; t < NY; t++) fprintf(fp, "%s%lld", t ? ", " : "", (long long)g->collab[t]);
  fputs("],\n    \"nodes\": [", fp);
  for (int t = 0; t < NY; t++) fprintf(fp, "%s%lld", t ? ", " : "", (long long)g->nodes[t]);
  fputs("]},\n", fp);
#define J(name, v) jnum(fp, name, v, ",")
#define JL(name, v) jnum(fp, name, v, "")
  fputs("  \"dvar\": {\n", fp);
  fputs("    \"equation\": \"dvar_true = clip01(alpha_i + gamma_t + beta*ln(1+WDC[t-1]) + d_assets*(ln(assets)-c_assets)"
        " + d_age*(age-c_age)/10 + d_kl*(ln(fixed_assets/employment)-c_kl) + d_own*ln(1+own_patents) + rho*u_i + eps),"
        " age = year - founded\",\n",
        fp);
  J("beta", p->beta); J("d_assets", p->d_assets); J("d_age", p->d_age); J("d_kl", p->d_kl); J("d_own", p->d_own);
  J("c_assets", p->c_assets); J("c_age", p->c_age); J("c_kl", p->c_kl); J("rho", p->rho); J("sd_eps", p->sd_eps);
  J("trend", p->trend); J("sd_gamma", 0.01); J("alpha_mean", p->alpha_mean); J("alpha_sd", p->alpha_sd);
  J("processing_share", p->proc_share); J("processing_alpha_mean", p->proc_mean);
  JL("processing_alpha_sd", p->proc_sd);
  fputs("  },\n  \"selection\": {\n", fp);
  fputs("    \"equation\": \"exporter = 1[pi0 + pi_assets*(ln(assets)-c_assets) + pi_foreign*foreign + pi_group*group"
        " + pi_xi*xi_i + eta > 0], xi_i ~ N(0,1), eta ~ N(0,1), corr(eta, eps) = rho_eta_eps; group is excluded from"
        " the DVAR equation\",\n",
        fp);
  J("pi0", p->pi0); J("pi_assets", p->pi_assets); J("pi_foreign", p->pi_foreign); J("pi_group", p->pi_group);
  J("pi_xi", p->pi_xi); JL("rho_eta_eps", p->rho_eta_eps);
  fputs("  },\n  \"network\": {\n", fp);
  fputs("    \"equation\": \"lead applications of firm i in year t ~ Poisson(lambda_it) given the year's total, log lambda_it"
        " = a_i + c1*ln(1+incubators_ct) + c2*pilot_ct + e_u*u_i; a_i ~ N(a_mean + a_size*(s_i-10.5), a_sd), u_i ~ N(0,1) time-invariant, unobserved"
        "\",\n",
        fp);
  J("c1", p->c1); J("c2", p->c2); J("e_u", p->e_u); J("a_mean", p->a_mean); J("a_sd", p->a_sd);
  J("a_size", p->a_size); J("lead_share", p->lead_share); J("pa_power", p->pa_power);
  J("core_q_step", p->core_q_step); J("core_boost", p->core_boost); J("individual_coapplicant", p->indiv_coapp);
  J("duplicate_spelling", p->dup_variant); J("individual_first", p->indiv_first); J("utility", p->utility);
  J("design", p->design); JL("grant_prob", p->grant_prob);
  fputs("  },\n  \"production\": {\n", fp);
  fprintf(fp, "    \"labour\": \"%s\",\n", o->flexible_labour ? "flexible" : "timed");
  fprintf(fp, "    \"equation\": \"ln va = b0 + theta_l*ln labour + theta_k*ln capital + omega + eps; omega_t ="
        " rho*omega_{t-1} + xi_t in two half-year steps (sd of xi_t: sd_xi); %s; go = va +"
        " materials; capital_{t+1} = (1-delta)*capital_t + investment_t, ln investment = ln capital - 2.5 + omega_t"
        " + sd_i*e; ln markup = ln mu_j + mu_wdc*ln(1+WDC[t-1]) + sd_mu*v_i, v_i ~ N(0,1); wages = theta_l*exp(ln va - eps)/markup"
        " (labour's first-order condition at the markup)\",\n",
        o->flexible_labour
            ? "ln labour = 0.5*ln capital + omega_t + sd_l*e - 1 (labour chosen at t); materials = c_m*exp(ln va - eps"
              " - theta_l*sd_l*e) (Leontief in the output planned before labour's error e, the proxy)"
            : "ln labour = 0.5*ln capital + omega_{t-1/2} - 1.5*w_t + sd_l*e - 1, w_t = rho_w*w_{t-1} + N(0,"
              " sd_w^2*(1-rho_w^2)) (log wage); materials = c_m*exp(ln va - eps) (Leontief, the proxy)");
  J("mu_wdc", PF_MU_WDC); J("sd_mu", PF_SD_MU);
  J("rho", PF_RHO); J("sd_xi", PF_SD_XI); J("sd_eps", PF_SD_EPS); J("sd_l", PF_SD_L); J("delta", PF_DELTA);
  J("sd_i", PF_SD_I); J("rho_w", PF_RHO_W); J("sd_w", PF_SD_W);
  fputs("    \"industries\": [\n", fp);
  for (int j = 0; j < NIND; j++) {
    char a[5][32];
    cn__fmt_double(g->pf_mu[j], a[4], sizeof a[4]);
    cn__fmt_double(g->pf_b0[j], a[0], sizeof a[0]);
    cn__fmt_double(g->pf_l[j], a[1], sizeof a[1]);
    cn__fmt_double(g->pf_k[j], a[2], sizeof a[2]);
    cn__fmt_double(g->pf_m[j], a[3], sizeof a[3]);
    fprintf(fp, "      {\"ind2\": \"%s\", \"b0\": %s, \"theta_l\": %s, \"theta_k\": %s, \"c_m\": %s, \"mu\": %s}%s\n",
            inds[j].code, a[0], a[1], a[2], a[3], a[4], j < NIND - 1 ? "," : "");
  }
  fputs("    ]\n", fp);
  fputs("  },\n  \"instruments\": [\"L.ln(1+incubators)\", \"L.pilot\"],\n  \"exclusion\": \"group\",\n", fp);
  write_linkage_json(g, fp);
#undef J
#undef JL
  return close_out(fp, path, d);
}

/* --------------------------------------------------------------- setup */

/* Durations summing exactly to fy over n firms (1..16 years each). */
static void durations(cn_rng *r, int n, int64_t fy, int16_t *len) {
  int64_t sum = 0;
  for (int i = 0; i < n; i++) {
    len[i] = (int16_t)(1 + (int)floor(15.99 * pow(cn_rng_uniform(r), 2.2)));
    sum += len[i];
  }
  while (sum != fy) {
    int i = (int)cn_rng_below(r, (uint64_t)n);
    if (sum < fy && len[i] < NY) len[i]++, sum++;
    else if (sum > fy && len[i] > 1) len[i]--, sum--;
  }
}

static cn_status setup(gen *g, int nfirm, int64_t fy, double f, cn_diag *d) {
  cn_rng *r = &g->r;
  cn_status st;
  const dgp *p = &g->p;
  /* cities: incubators grow at city-specific rates */
  for (int c = 0; c < NCITY; c++) {
    double base = cities[c].developed ? unif(r, 2, 6) : unif(r, 0, 2), gr = unif(r, 0.0, 0.35);
    int prev = 0;
    for (int t = 0; t < NY; t++) {
      int v = (int)floor(base * exp(gr * t) + cn_rng_uniform(r));
      if (v < prev) v = prev;
      g->incub[c][t] = prev = v;
    }
  }
  for (int i = 0; i < NIND; i++) {
    g->theta1[i] = floor(unif(r, 0.02, 0.12) * 10000) / 10000;
    g->theta2[i] = floor(unif(r, 0.005, 0.05) * 10000) / 10000;
    if (g->theta1[i] < 0.02) g->theta1[i] = 0.02;
    if (g->theta2[i] < 0.005) g->theta2[i] = 0.005;
  }
  /* panel firms */
  g->nfirm = nfirm;
  g->firms = cn_calloc((size_t)nfirm, sizeof *g->firms);
  int16_t *len = cn_calloc((size_t)nfirm, sizeof *len);
  g->u = cn_calloc((size_t)nfirm * (NY + 1), sizeof *g->u);
  g->own = cn_calloc((size_t)nfirm * NY, sizeof *g->own);
  if (!g->firms || !len || !g->u || !g->own) {
    cn_free(len);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  durations(r, nfirm, fy, len);
  double cw = 0;
  for (int c = 0; c < NCITY; c++) cw += cities[c].developed ? 3 : 1;
  for (int i = 0; i < nfirm; i++) {
    firm *fm = &g->firms[i];
    int span = NY - len[i] + 1;
    fm->start = (int16_t)(Y0 + (int)floor(span * pow(cn_rng_uniform(r), 0.7)));
    if (fm->start > Y1 - len[i] + 1) fm->start = (int16_t)(Y1 - len[i] + 1);
    fm->end = (int16_t)(fm->start + len[i] - 1);
    fm->founded = (int16_t)(fm->start - (int)floor(25 * pow(cn_rng_uniform(r), 2)));
    double x = cn_rng_uniform(r) * cw;
    int c = 0;
    while (c < NCITY - 1 && (x -= cities[c].developed ? 3 : 1) >= 0) c++;
    fm->city = (int16_t)c;
    fm->ind = (int16_t)cn_rng_below(r, NIND);
    fm->ind4 = (int16_t)(10 + cn_rng_below(r, 4) * 10 + cn_rng_below(r, 3));
    double o = cn_rng_uniform(r);
    fm->own = (int8_t)(o < 0.12 ? 0 : o < 0.17 ? 1 : o < 0.70 ? 2 : o < 0.83 ? 3 : 4);
    fm->group_year = (int16_t)(cn_rng_uniform(r) < 0.25 ? fm->start + (int)cn_rng_below(r, (uint64_t)len[i] + 3) - 2 : 0);
    fm->s = 10.5 + 1.2 * cn_rng_normal(r);
    fm->a = p->a_mean + p->a_size * (fm->s - 10.5) + p->a_sd * cn_rng_normal(r);
    fm->processing = cn_rng_uniform(r) < p->proc_share;
    fm->alpha = fm->processing ? p->proc_mean + p->proc_sd * cn_rng_normal(r)
                               : p->alpha_mean + p->alpha_sd * cn_rng_normal(r);
    fm->xi = cn_rng_normal(r);
    fm->fx = unif(r, 0.2, 0.6);
    fm->prod = 0.1 + 0.3 * cn_rng_normal(r);
    fm->emp = 0.4 * cn_rng_normal(r);
    fm->share = unif(r, 0.05, 0.9);
    fm->rd = cn_rng_uniform(r) < 0.4;
    /* the endogenous shock is the firm's own, time-invariant: firm effects
     * absorb it, pooled estimators do not */
    double ui = cn_rng_normal(r);
    for (int t = 0; t <= NY; t++) g->u[(size_t)i * (NY + 1) + (size_t)t] = ui;
    int32_t id;
    if ((st = new_firm_ent(g, c, fm->ind, false, &id, d)) != CN_OK) {
      cn_free(len);
      return st;
    }
    fm->ent = id;
    ent *e = &g->ents[id];
    e->firm = i;
    e->from = fm->start;
    e->to = fm->end;
    e->fit = 0.4 * exp(fm->a);
  }
  cn_free(len);
  /* the largest propensities make the firms' core */
  double *as = cn_malloc((size_t)nfirm * sizeof *as);
  if (!as) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  for (int i = 0; i < nfirm; i++) as[i] = g->firms[i].a;
  double cut = 0;
  { /* the 99th percentile by selection over a copy */
    int k = nfirm - 1 - nfirm / 100;
    int lo = 0, hi = nfirm - 1;
    while (lo < hi) {
      double piv = as[(lo + hi) / 2];
      int i = lo, j = hi;
      while (i <= j) {
        while (as[i] < piv) i++;
        while (as[j] > piv) j--;
        if (i <= j) {
          double t = as[i];
          as[i] = as[j];
          as[j] = t;
          i++, j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else break;
    }
    cut = as[k];
  }
  cn_free(as);
  for (int i = 0; i < nfirm; i++)
    if (g->firms[i].a >= cut) g->ents[g->firms[i].ent].core = true;
  /* other organizations */
  int nuni = (int)(1400 * f) + 8, ninst = (int)(3000 * f) + 12, ngov = (int)(800 * f) + 4,
      nsoe = (int)(150 * f) + 3, nnp = (int)(45000 * f) + 50;
  char name[256];
  int32_t id;
  for (int k = 0, tries = 0; k < nuni && tries < 100 * nuni; tries++) {
    bool by_city = cn_rng_uniform(r) < 0.7; /* the same draws as one expression, in order */
    int uc = (int)cn_rng_below(r, NCITY);
    const char *place = by_city ? cities[uc].name : cities[uc].prov;
    snprintf(name, sizeof name, "%s%s%s", place, tries >= 14 * NCITY ? brand_chars[cn_rng_below(r, NBRAND)] : "",
             uni_kinds[cn_rng_below(r, sizeof uni_kinds / sizeof *uni_kinds)]);
    if ((st = new_org(g, name, K_UNI, &id, d)) != CN_OK) return st;
    if (id < 0) continue;
    g->ents[id].city = (int16_t)uc;
    g->ents[id].fit = exp(1.0 + cn_rng_normal(r));
    k++;
  }
  for (int k = 0, tries = 0; k < ninst && tries < 100 * ninst; tries++) {
    int c = (int)cn_rng_below(r, NCITY);
    const char *fld = inst_fields[cn_rng_below(r, sizeof inst_fields / sizeof *inst_fields)];
    const char *br = tries >= 2000 ? brand_chars[cn_rng_below(r, NBRAND)] : "";
    double v = cn_rng_uniform(r);
    if (v < 0.3) snprintf(name, sizeof name, "中国科学院%s%s%s研究所", cities[c].name, br, fld);
    else if (v < 0.6) snprintf(name, sizeof name, "%s%s%s研究院", cities[c].prov, br, fld);
    else snprintf(name, sizeof name, "%s%s%s研究所", cities[c].name, br, fld);
    if ((st = new_org(g, name, K_INST, &id, d)) != CN_OK) return st;
    if (id < 0) continue;
    g->ents[id].city = (int16_t)c;
    g->ents[id].fit = exp(0.8 + cn_rng_normal(r));
    k++;
  }
  for (int k = 0, tries = 0; k < ngov && tries < 100 * ngov; tries++) {
    int c = (int)cn_rng_below(r, NCITY);
    const char *br = tries >= 1000 ? brand_chars[cn_rng_below(r, NBRAND)] : "";
    snprintf(name, sizeof name, "%s%s%s", cities[c].name, br, gov_kinds[cn_rng_below(r, sizeof gov_kinds / sizeof *gov_kinds)]);
    if ((st = new_org(g, name, K_GOV, &id, d)) != CN_OK) return st;
    if (id < 0) continue;
    g->ents[id].city = (int16_t)c;
    g->ents[id].fit = exp(-1.0 + 0.7 * cn_rng_normal(r));
    k++;
  }
  /* the most attractive universities and institutes join the core */
  for (size_t e = 0; e < g->nent; e++) {
    ent *x = &g->ents[e];
    if ((x->kind == K_UNI || x->kind == K_INST) && x->fit > exp(1.0 + 1.8)) x->core = true;
  }
  for (int k = 0; k < nsoe; k++) {
    if ((st = new_firm_ent(g, (int)cn_rng_below(r, NCITY), (int)cn_rng_below(r, NIND), true, &id, d)) != CN_OK)
      return st;
    g->ents[id].fit = exp(2.0 + 0.5 * cn_rng_normal(r));
    g->ents[id].core = true;
  }
  for (int k = 0; k < nnp; k++) {
    if ((st = new_firm_ent(g, (int)cn_rng_below(r, NCITY), (int)cn_rng_below(r, NIND), false, &id, d)) != CN_OK)
      return st;
    g->ents[id].fit = exp(-0.5 + cn_rng_normal(r));
    int birth = 1995 + (int)cn_rng_below(r, 21);
    g->ents[id].from = (int16_t)(birth < Y0 ? Y0 : birth);
  }
  g->wdc = cn_calloc(g->nent * NY, sizeof *g->wdc);
  if (!g->wdc) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  return CN_OK;
}

static void gen_free(gen *g) {
  for (size_t e = 0; e < g->nent; e++) {
    cn_free(g->ents[e].base);
    for (int k = 0; k < g->ents[e].nraw; k++) cn_free(g->ents[e].raw[k]);
  }
  cn_free(g->ents);
  cn_free(g->firms);
  cn__strmap_free(&g->names);
  cn_free(g->apps);
  cn_free(g->mem);
  cn_free(g->wdc);
  cn_free(g->own);
  cn_free(g->u);
  cn_free(g->spell);
  linkage_free(g->link);
}

/* customs.csv: records that give back dvar_true of firms.csv through
 * `measure dvar` (lib/study/customs.c), read back from the files written so
 * that the truth is the printed value. */
static cn_status write_customs(const char *dir, const cn_gen_opts *o, cn_gen_counts *c, cn_diag *d) {
  cn_status st = CN_OK;
  char path[4096];
  cn_table *firms = NULL, *theta = NULL;
  cn_bec *bec = NULL;
  FILE *fp = NULL;
  const char *text[] = {"id", "ind2"};
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  ro.string_cols = text, ro.n_string_cols = 2;
  snprintf(path, sizeof path, "%s/firms.csv", dir);
  if ((st = cn_table_read_csv(path, &ro, &firms, d)) != CN_OK) goto done;
  ro.string_cols = text + 1, ro.n_string_cols = 1;
  snprintf(path, sizeof path, "%s/theta.csv", dir);
  if ((st = cn_table_read_csv(path, &ro, &theta, d)) != CN_OK) goto done;
  if ((st = cn_bec_read(o->bec, CN_BEC_ANY, &bec, d)) != CN_OK) goto done;
  cn_gen_customs_opts co;
  cn_gen_customs_opts_init(&co);
  co.seed = o->seed;
  co.col_firm = "id";
  co.col_industry = "ind2";
  co.intermediaries = 40;
  co.records = 0;
  snprintf(path, sizeof path, "%s/customs.csv", dir);
  if (!(fp = fopen(path, "w"))) {
    st = cn_diag_set(d, CN_EDATA, "%s: cannot create: %s", path, strerror(errno));
    goto done;
  }
  if ((st = cn_gen_customs(firms, theta, bec, &co, fp, &c->customs_records, d)) != CN_OK) goto done;
  if (fclose(fp) != 0) st = cn_diag_set(d, CN_EDATA, "%s: write error", path);
  fp = NULL;
done:
  if (fp) fclose(fp);
  cn_table_free(firms);
  cn_table_free(theta);
  cn_bec_free(bec);
  return st;
}

cn_status cn_gen_paper(const char *dir, const cn_gen_opts *o, cn_gen_counts *c, cn_diag *d) {
  const char *scale = o->scale ? o->scale : "small";
  int nfirm;
  if (!strcmp(scale, "paper")) nfirm = 38804;
  else if (!strcmp(scale, "small")) nfirm = 2000;
  else if (!strcmp(scale, "tiny")) nfirm = 200;
  else return cn_diag_set(d, CN_EUSAGE, "unknown scale \"%s\" (tiny, small or paper)", scale);
  double f = nfirm / 38804.0;
  int64_t fy = (int64_t)floor(197171.0 * f + 0.5);
  memset(c, 0, sizeof *c);
  /* the folder is made whole under a temporary name, then put in place */
  cn_output *od = NULL;
  cn_status st = cn_output_open(dir, 1, &od, d);
  if (st != CN_OK) return st;
  dir = cn_output_path(od);
  gen *g = cn_calloc(1, sizeof *g);
  if (!g) {
    cn_output_discard(od);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  g->p = dgp_default;
  if (o->set_rho) g->p.rho = o->rho;
  g->seed = o->seed;
  cn_rng_seed(&g->r, o->seed, 1);
  st = setup(g, nfirm, fy, f, d);
  if (st == CN_OK) st = grow_network(g, f, d);
  if (st == CN_OK && !(g->spell = cn_calloc(g->nent * NY + 1, 1))) st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  if (st == CN_OK) st = write_patents(g, dir, c, d);
  if (st == CN_OK) st = write_firms(g, dir, c, d);
  if (st == CN_OK) st = write_production(g, dir, o->flexible_labour, d);
  if (st == CN_OK) st = write_linkage(g, dir, d);
  if (st == CN_OK) st = write_small(g, dir, o, scale, d);
  if (st == CN_OK && o->bec) st = write_customs(dir, o, c, d);
  if (st == CN_OK) {
    c->firms = nfirm;
    c->entities = (int64_t)g->nent;
    c->collab_first = g->collab[0];
    c->collab_last = g->collab[NY - 1];
    c->nodes_first = g->nodes[0];
    c->nodes_last = g->nodes[NY - 1];
  }
  gen_free(g);
  cn_free(g);
  if (st == CN_OK) return cn_output_commit(od, d);
  cn__output_name_diag(od, d); /* a message names the final path */
  cn_output_discard(od);
  return st;
}
