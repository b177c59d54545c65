/* tests/unit/test_dvar.c — HS → BEC concordances of every edition in
 * data/hs-bec and the intermediary rule. Expected counts come from
 * an independent Python reading of the same files (csv module, utf-8-sig):
 *   distinct codes, intermediate under any / all, sum of share weights
 *   hs1996 5113 3216 3102 3155.6666666666697
 *   hs2002 5224 3286 3215 3247.1666666666697
 *   hs2007 5050 3146 3146 3146.0
 *   hs2012 5205 3181 3156 3168.166666666667 */
#include "test.h"
#include <stdlib.h>
#include "coinnet/dvar.h"

static void edition_counts(const cn_bec *b, int year, int64_t *present, double *sum) {
  *present = 0;
  *sum = 0;
  for (int32_t k = 0; k < 1000000; k++) {
    double w = cn_bec_weight(b, year, k);
    if (w >= 0) (*present)++, *sum += w;
  }
}

TEST(bec_every_edition) {
  static const struct {
    int year;
    int64_t codes;
    double any, all, share;
  } want[] = {{1997, 5113, 3216, 3102, 3155.6666666666697},
              {2002, 5224, 3286, 3215, 3247.1666666666697},
              {2007, 5050, 3146, 3146, 3146.0},
              {2012, 5205, 3181, 3156, 3168.166666666667}};
  const cn_bec_rule rules[] = {CN_BEC_ANY, CN_BEC_ALL, CN_BEC_SHARE};
  for (int r = 0; r < 3; r++) {
    cn_bec *b = NULL;
    cn_diag d;
    CHECK_INT(cn_bec_read(cn_test_path(cn_test_root(), "data/hs-bec"), rules[r], &b, &d), CN_OK);
    if (!b) return;
    CHECK_INT(cn_bec_editions(b), 4);
    for (int e = 0; e < 4; e++) {
      int64_t n;
      double s;
      edition_counts(b, want[e].year, &n, &s);
      CHECK_INT(n, want[e].codes);
      CHECK_NEAR(s, r == 0 ? want[e].any : r == 1 ? want[e].all : want[e].share, 1e-12);
    }
    /* editions by customs year: latest not after it, the earliest before */
    CHECK_INT(cn_bec_edition_year(b, cn_bec_edition_for(b, 1995)), 1996);
    CHECK_INT(cn_bec_edition_year(b, cn_bec_edition_for(b, 2001)), 1996);
    CHECK_INT(cn_bec_edition_year(b, cn_bec_edition_for(b, 2006)), 2002);
    CHECK_INT(cn_bec_edition_year(b, cn_bec_edition_for(b, 2011)), 2007);
    CHECK_INT(cn_bec_edition_year(b, cn_bec_edition_for(b, 2016)), 2012);
    /* leading zeros and the dotted 2007 codes: 010119 → 111, 0101.90 → 111,
     * 010111 → 41; 710820 has BEC n/a (present, not intermediate) */
    CHECK_NEAR(cn_bec_weight(b, 1999, 10119), 1, 0);
    CHECK_NEAR(cn_bec_weight(b, 2008, 10190), 1, 0);
    CHECK_NEAR(cn_bec_weight(b, 1999, 10111), 0, 0);
    CHECK_NEAR(cn_bec_weight(b, 2013, 710820), 0, 0);
    CHECK_NEAR(cn_bec_weight(b, 2013, 999999), -1, 0);
    cn_bec_free(b);
  }
}

TEST(bec_errors) {
  const char *dir = cn_test_tmpdir();
  const char *p = cn_test_path(dir, "bad.csv");
  FILE *f = fopen(p, "w");
  fputs("HS,BEC\n010111,41\n10119,111\n", f);
  fclose(f);
  cn_bec *b = NULL;
  cn_diag d;
  CHECK_INT(cn_bec_read(p, CN_BEC_ANY, &b, &d), CN_EDATA);
  CHECK_INT(d.line, 3);
  CHECK_INT(d.column, 1);
  CHECK(b == NULL);
  CHECK_INT(cn_bec_read(cn_test_path(dir, "none.csv"), CN_BEC_ANY, &b, &d), CN_EDATA);
}

TEST(dvar_intermediary_names) {
  const char *yes[] = {"上海某进出口有限公司", "中国五矿经贸公司", "宁波贸易有限公司", "华东科贸", "省外经公司", "外贸集团"};
  const char *no[] = {"甲机械有限公司", "贸公司", "进口公司"};
  for (size_t i = 0; i < 6; i++) CHECK(cn_dvar_is_intermediary(yes[i], strlen(yes[i])));
  for (size_t i = 0; i < 3; i++) CHECK(!cn_dvar_is_intermediary(no[i], strlen(no[i])));
}

/* Reads a whole file into a malloc'd buffer (caller frees). */
static char *slurp(const char *path, size_t *n) {
  *n = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc(*n + 1);
  if (b && fread(b, 1, *n, f) != *n) *n = 0;
  fclose(f);
  return b;
}

/* The generator's truth: measure dvar on its records gives back dvar_true
 * for every exporting firm-year, under every --bec-rule, and the same seed
 * writes the same bytes. */
TEST(gen_customs_recovers_truth) {
  cn_gen_customs_opts o;
  cn_gen_customs_opts_init(&o);
  o.seed = 11;
  o.firms = 60;
  o.first_year = 1999; /* spans the HS1996 and HS2002 editions */
  o.last_year = 2008;
  cn_diag d;
  cn_table *firms = NULL, *theta = NULL;
  CHECK_INT(cn_gen_customs_firms(&o, &firms, &theta, &d), CN_OK);
  if (!firms) return;
  const cn_bec_rule rules[] = {CN_BEC_ANY, CN_BEC_ALL, CN_BEC_SHARE};
  char *first = NULL;
  size_t nfirst = 0;
  for (int rep = 0; rep < 2; rep++) {
    const char *p = cn_test_path(cn_test_tmpdir(), rep ? "c2.csv" : "c1.csv");
    cn_bec *b = NULL;
    CHECK_INT(cn_bec_read(cn_test_path(cn_test_root(), "data/hs-bec"), CN_BEC_ANY, &b, &d), CN_OK);
    FILE *f = fopen(p, "w");
    int64_t n = 0;
    CHECK_INT(cn_gen_customs(firms, theta, b, &o, f, &n, &d), CN_OK);
    fclose(f);
    cn_bec_free(b);
    CHECK(n > 10000);
    size_t len = 0;
    char *bytes = slurp(p, &len);
    if (!rep) first = bytes, nfirst = len;
    else {
      CHECK(len == nfirst && memcmp(bytes, first, len) == 0);
      free(bytes);
    }
  }
  int cv = cn_table_find(firms, "dvar_true"), cx = cn_table_find(firms, "exports");
  int64_t exporters = 0, outside = 0;
  for (int64_t i = 0; i < cn_table_nrow(firms); i++)
    if (!isnan(cn_table_dbl(firms, cv)[i]) && cn_table_dbl(firms, cx)[i] > 0) {
      exporters++;
      double v = cn_table_dbl(firms, cv)[i];
      outside += v < 0 || v > 1;
    }
  CHECK(outside > 0);
  for (int r = 0; r < 3; r++) {
    cn_bec *b = NULL;
    CHECK_INT(cn_bec_read(cn_test_path(cn_test_root(), "data/hs-bec"), rules[r], &b, &d), CN_OK);
    cn_dvar_opts opt;
    cn_dvar_opts_init(&opt);
    cn_dvar_report rp;
    cn_table *out = NULL;
    CHECK_INT(cn_measure_dvar(cn_test_path(cn_test_tmpdir(), "c1.csv"), firms, theta, b, &opt, &out, &rp, &d), CN_OK);
    cn_bec_free(b);
    if (!out) continue;
    CHECK_INT(cn_table_nrow(out), exporters);
    CHECK_INT(rp.outside, outside);
    CHECK(rp.by_regime[0] > 0 && rp.by_regime[1] > 0 && rp.by_regime[2] > 0);
    CHECK(rp.intermediaries > 0 && rp.rec_intermediary > 0);
    /* rows follow the firm table: match them in order */
    int od = cn_table_find(out, "dvar"), oy = cn_table_find(out, "year");
    int64_t j = 0;
    double worst = 0;
    for (int64_t i = 0; i < cn_table_nrow(firms) && j < cn_table_nrow(out); i++) {
      double t = cn_table_dbl(firms, cv)[i];
      if (isnan(t) || !(cn_table_dbl(firms, cx)[i] > 0)) continue;
      CHECK_INT(cn_table_i64(out, oy)[j], cn_table_i64(firms, cn_table_find(firms, "year"))[i]);
      double e = fabs(cn_table_dbl(out, od)[j] - t);
      if (e > worst) worst = e;
      j++;
    }
    CHECK(worst < 1e-12);
    cn_table_free(out);
  }
  free(first);
  cn_table_free(firms);
  cn_table_free(theta);
}
