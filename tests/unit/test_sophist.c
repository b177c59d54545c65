/* tests/unit/test_sophist.c — PRODY and EXPY (lib/measure/sophist.c).
 * Every reference number comes from tests/data/gen/sophist_reference.py
 * (numpy/pandas, independent of coinnet), which also wrote the generated
 * tables tests/data/measure/sophist-gen*.csv; the real data is
 * tests/data/world-trade-sitc2. */
#include <stdlib.h>
#include "test.h"

static cn_table *read_ok(const char *path) {
  cn_table *t = NULL;
  cn_diag d;
  cn_status st = cn_table_read(path, NULL, &t, &d);
  CHECK_STATUS(st, CN_OK, &d);
  return t;
}

static const char *write_file(const char *name, const char *text) {
  const char *p = cn_test_path(cn_test_tmpdir(), name);
  FILE *fp = fopen(p, "wb");
  fputs(text, fp);
  fclose(fp);
  return p;
}

/* The row of t whose first n columns read k[0..n) as text, or -1. */
static int64_t find_row(const cn_table *t, const char *const *k, int n) {
  for (int64_t i = 0; i < cn_table_nrow(t); i++) {
    int j = 0;
    for (; j < n; j++) {
      char buf[64];
      cn_table_cell_text(t, j, i, buf, sizeof buf);
      if (strcmp(buf, k[j])) break;
    }
    if (j == n) return i;
  }
  return -1;
}

/* (a) generated, by year, income by (year, country) from a second table:
 * year, product, n_units, prody. */
static const struct {
  const char *year, *product;
  int n_units;
  double prody;
} gen_prody[] = {
    {"2001", "8510", 7, 28979.555772561875},
    {"2000", "0012", 7, 19991.451739585493},
    {"2001", "6210", 7, 26238.756477503295},
    {"2001", "0240", 7, 39389.995615473395},
    {"2000", "0240", 6, 18306.277650573382},
    {"2000", "7810", 6, 33052.32648030243},
    {"2000", "6210", 10, 19883.186158693974},
    {"2000", "8510", 9, 39008.12199221502},
    {"2001", "0012", 7, 10732.764936856132},
    {"2001", "7810", 7, 39994.96224308157},
    {"2001", "0011", 4, 29017.258433183193},
    {"2001", "5121", 7, 25656.272792574047},
    {"2000", "0011", 8, 25325.36477790391},
    {"2001", "0711", 5, 33155.80822609285},
    {"2000", "0711", 6, 12396.967839211733},
    {"2000", "5121", 9, 30458.943100593246},
    {"2001", "0999", 0, NAN},
};

/* (a) EXPY from the PRODY above: year, country, X, n_products, expy. */
static const struct {
  const char *year, *country;
  double x;
  int n_products;
  double expy;
} gen_expy[] = {
    {"2001", "c01", 25619.0, 3, 35834.47143615609},
    {"2000", "c09", 145427.0, 6, 24139.79143451725},
    {"2001", "c07", 24613.0, 7, 34688.72881926985},
    {"2001", "c03", 24640.0, 5, 20241.537011986584},
    {"2000", "c06", 458531.0, 5, 30797.904490746627},
    {"2000", "c07", 79940.0, 8, 29529.02658967249},
    {"2000", "c08", 12296.0, 6, 28318.09420930424},
    {"2000", "c03", 82766.0, 5, 38379.57161341522},
    {"2000", "c01", 100253.0, 7, 26566.771737974635},
    {"2001", "c10", 72826.0, 7, 32688.5268438328},
    {"2001", "c06", 48584.0, 8, 35840.67225947081},
    {"2001", "c04", 84585.0, 5, 28766.70225206087},
    {"2001", "c08", 74986.0, 5, 36633.782312757125},
    {"2001", "c02", 21574.0, 6, 31524.538232300867},
    {"2000", "c10", 44652.0, 7, 27579.966656391454},
    {"2000", "c05", 144246.0, 7, 22798.43941686861},
    {"2001", "c09", 25174.0, 6, 31116.80909153583},
    {"2000", "c11", 0.0, 0, NAN},
    {"2000", "c04", 82898.0, 5, 22494.198113145587},
    {"2000", "c02", 136579.0, 5, 34832.23573796388},
    {"2001", "c05", 55872.0, 6, 24677.758584461953},
    {"2001", "c11", 0.0, 0, NAN},
};

/* (b) world-trade-sitc2 (trade.csv with gdp.csv): every 60th product in
 * code order, and 7810, 8510. economiccomplexity's published example
 * (productivity_levels(), pkgdown reference page at commit 423d5b4) prints
 * 0011 7915.893, 0012 3986.371, 0013 11375.710, 0014 6273.428, 0015
 * 17628.950 and EXPY ago 8223.607, alb 6343.341, and 13783.485, are
 * 10207.679, arg 9269.670: checked below to their printed digits. */
static const struct {
  const char *product;
  int n_units;
  double prody;
} world_prody[] = {
    {"0011", 129, 7915.893375596674},
    {"0574", 160, 6474.222982763302},
    {"2234", 77, 8369.763237194466},
    {"2784", 95, 3018.3357365791994},
    {"4244", 95, 6678.358307397444},
    {"5543", 156, 11598.556461367352},
    {"6289", 183, 10311.74397249158},
    {"6577", 167, 8436.067741479737},
    {"6749", 175, 10895.253149197866},
    {"7138", 168, 10778.652640769427},
    {"7433", 3, 11375.774513389024},
    {"7784", 173, 11615.449921959327},
    {"8471", 174, 4240.092065850933},
    {"9310", 185, 10336.690730998758},
    {"7810", 184, 14641.466370745919},
    {"8510", 182, 6582.169445811197},
};

/* (b) every 20th unit in code order, and chn, deu, usa (afg has no GDP:
 * its EXPY uses its basket with the world PRODY all the same). */
static const struct {
  const char *country;
  double x;
  int n_products;
  double expy;
} world_expy[] = {
    {"afg", 50663690.0, 507, 8630.429638906357},
    {"bgr", 234902118.0, 761, 8041.928237503981},
    {"civ", 285403682.0, 723, 6205.5946535657395},
    {"ecu", 354831361.0, 704, 8319.731105426594},
    {"gnb", 59754753.0, 206, 6559.053175265511},
    {"isl", 155859119.0, 660, 11012.408638127668},
    {"lso", 108053973.0, 407, 4870.60374275718},
    {"mus", 77994047.0, 675, 6792.760923424688},
    {"per", 466330022.0, 733, 6258.821881785094},
    {"shn", 9693803.0, 333, 10414.447220860413},
    {"tkl", 9836477.0, 292, 10525.803424237894},
    {"wlf", 1651205.0, 77, 9728.397100319773},
    {"chn", 3392852891.0, 781, 9417.819748252023},
    {"deu", 4717464135.0, 784, 12441.46128405944},
    {"usa", 6598076208.0, 783, 11778.32252817383},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* PRODY of the generated table: runs cn_measure_prody by year with the
 * income table; returns the result (caller frees) or NULL. */
static cn_table *gen_prody_table(cn_sophist_report *r) {
  cn_table *t = read_ok(cn_test_path(cn_test_data(), "measure/sophist-gen.csv"));
  cn_table *inc = read_ok(cn_test_path(cn_test_data(), "measure/sophist-gen-income.csv"));
  cn_table *out = NULL;
  cn_diag d;
  if (t && inc) {
    cn_prody_spec s = {.unit = "country", .product = "product", .value = "value", .by = "year",
                       .income = inc, .income_col = "gdp"};
    CHECK_STATUS(cn_measure_prody(t, &s, &out, r, &d), CN_OK, &d);
  }
  cn_table_free(t), cn_table_free(inc);
  return out;
}

TEST(sophist_prody_generated) {
  cn_sophist_report r;
  cn_table *p = gen_prody_table(&r);
  if (!p) return;
  CHECK_INT(cn_table_nrow(p), NELEM(gen_prody));
  CHECK_STR(cn_table_name(p, 0), "year");
  CHECK_STR(cn_table_name(p, 1), "product");
  CHECK_STR(cn_table_name(p, 2), "n_units");
  CHECK_STR(cn_table_name(p, 3), "prody");
  for (size_t i = 0; i < NELEM(gen_prody); i++) {
    const char *k[] = {gen_prody[i].year, gen_prody[i].product};
    int64_t row = find_row(p, k, 2);
    CHECK(row >= 0);
    if (row < 0) continue;
    CHECK_INT(cn_table_i64(p, 2)[row], gen_prody[i].n_units);
    CHECK_NEAR(cn_table_dbl(p, 3)[row], gen_prody[i].prody, 1e-9);
  }
  /* 3 invalid rows (missing value, negative value, missing product); 12
   * rows of split cells; c10 has no income in 2001 (10 rows); c12 has
   * income but no exports in both years; c11 exports 0 in both years;
   * 0999 comes only from c10 in 2001 */
  CHECK_INT(r.rows_invalid, 3);
  CHECK_INT(r.rows_merged, 12);
  CHECK_INT(r.units_no_income, 1);
  CHECK_INT(r.rows_no_income, 10);
  CHECK_INT(r.income_no_trade, 2);
  CHECK_INT(r.income_invalid, 0);
  CHECK_INT(r.units_zero, 2);
  CHECK_INT(r.products_undefined, 1);
  cn_table_free(p);
}

TEST(sophist_expy_generated) {
  cn_sophist_report r;
  cn_table *p = gen_prody_table(&r), *t = read_ok(cn_test_path(cn_test_data(), "measure/sophist-gen.csv"));
  cn_table *e = NULL;
  cn_diag d;
  if (p && t) {
    cn_expy_spec s = {.unit = "country", .product = "product", .value = "value", .by = "year", .prody = p};
    CHECK_STATUS(cn_measure_expy(t, &s, &e, &r, &d), CN_OK, &d);
  }
  if (e) {
    CHECK_INT(cn_table_nrow(e), NELEM(gen_expy));
    CHECK_STR(cn_table_name(e, 2), "X");
    CHECK_STR(cn_table_name(e, 3), "n_products");
    CHECK_STR(cn_table_name(e, 4), "expy");
    for (size_t i = 0; i < NELEM(gen_expy); i++) {
      const char *k[] = {gen_expy[i].year, gen_expy[i].country};
      int64_t row = find_row(e, k, 2);
      CHECK(row >= 0);
      if (row < 0) continue;
      CHECK_NEAR(cn_table_dbl(e, 2)[row], gen_expy[i].x, 1e-9);
      CHECK_INT(cn_table_i64(e, 3)[row], gen_expy[i].n_products);
      CHECK_NEAR(cn_table_dbl(e, 4)[row], gen_expy[i].expy, 1e-9);
    }
    /* 0999 (2001) has no PRODY: one cell of 5000 left out of c10's basket */
    CHECK_INT(r.products_unmatched, 1);
    CHECK_INT(r.cells_unmatched, 1);
    CHECK_NEAR(r.value_unmatched, 5000, 1e-12);
    CHECK_INT(r.units_zero, 2);
    CHECK_INT(r.rows_invalid, 3);
  }
  cn_table_free(p), cn_table_free(t), cn_table_free(e);
}

TEST(sophist_world_trade) {
  cn_table *t = read_ok(cn_test_path(cn_test_data(), "world-trade-sitc2/trade.csv"));
  cn_table *g = read_ok(cn_test_path(cn_test_data(), "world-trade-sitc2/gdp.csv"));
  cn_table *p = NULL, *e = NULL;
  cn_diag d;
  cn_sophist_report r;
  if (!t || !g) goto done;
  cn_prody_spec s = {.unit = "country", .product = "product", .value = "value", .income = g,
                     .income_col = "value"};
  CHECK_STATUS(cn_measure_prody(t, &s, &p, &r, &d), CN_OK, &d);
  if (!p) goto done;
  CHECK_INT(r.units_no_income, 41);
  CHECK_INT(r.rows_no_income, 12242);
  CHECK_INT(r.income_no_trade, 55);
  CHECK_INT(r.rows_invalid, 0);
  CHECK_INT(r.rows_merged, 0);
  CHECK_INT(r.products_undefined, 0);
  CHECK_INT(cn_table_nrow(p), 785); /* economiccomplexity's test: 785 products */
  double sum = 0, mn = INFINITY, mx = -INFINITY;
  for (int64_t i = 0; i < cn_table_nrow(p); i++) {
    double v = cn_table_dbl(p, 2)[i];
    sum += v, mn = fmin(mn, v), mx = fmax(mx, v);
  }
  CHECK_NEAR(sum, 7523756.933868205, 1e-9);
  CHECK_NEAR(mn, 661.4671682540626, 1e-9);
  CHECK_NEAR(mx, 34650.10910789965, 1e-9);
  for (size_t i = 0; i < NELEM(world_prody); i++) {
    int64_t row = find_row(p, &world_prody[i].product, 1);
    CHECK(row >= 0);
    if (row < 0) continue;
    CHECK_INT(cn_table_i64(p, 1)[row], world_prody[i].n_units);
    CHECK_NEAR(cn_table_dbl(p, 2)[row], world_prody[i].prody, 1e-9);
  }
  static const struct {
    const char *product;
    double printed;
  } pub[] = {{"0011", 7915.893}, {"0012", 3986.371}, {"0013", 11375.710}, {"0014", 6273.428}, {"0015", 17628.950}};
  for (size_t i = 0; i < NELEM(pub); i++) {
    int64_t row = find_row(p, &pub[i].product, 1);
    CHECK(row >= 0 && fabs(cn_table_dbl(p, 2)[row] - pub[i].printed) < 0.0005);
  }
  cn_expy_spec es = {.unit = "country", .product = "product", .value = "value", .prody = p};
  CHECK_STATUS(cn_measure_expy(t, &es, &e, &r, &d), CN_OK, &d);
  if (!e) goto done;
  CHECK_INT(cn_table_nrow(e), 226); /* 185 with GDP (as economiccomplexity) + 41 without */
  CHECK_INT(r.products_unmatched, 0);
  CHECK_INT(r.units_zero, 0);
  sum = 0, mn = INFINITY, mx = -INFINITY;
  for (int64_t i = 0; i < cn_table_nrow(e); i++) {
    double v = cn_table_dbl(e, 3)[i];
    sum += v, mn = fmin(mn, v), mx = fmax(mx, v);
  }
  CHECK_NEAR(sum, 1946406.220437813, 1e-9);
  CHECK_NEAR(mn, 3832.6426357008722, 1e-9);
  CHECK_NEAR(mx, 17874.96093142789, 1e-9);
  for (size_t i = 0; i < NELEM(world_expy); i++) {
    int64_t row = find_row(e, &world_expy[i].country, 1);
    CHECK(row >= 0);
    if (row < 0) continue;
    CHECK_NEAR(cn_table_dbl(e, 1)[row], world_expy[i].x, 1e-9);
    CHECK_INT(cn_table_i64(e, 2)[row], world_expy[i].n_products);
    CHECK_NEAR(cn_table_dbl(e, 3)[row], world_expy[i].expy, 1e-9);
  }
  static const struct {
    const char *country;
    double printed;
  } pube[] = {{"ago", 8223.607}, {"alb", 6343.341}, {"and", 13783.485}, {"are", 10207.679}, {"arg", 9269.670}};
  for (size_t i = 0; i < NELEM(pube); i++) {
    int64_t row = find_row(e, &pube[i].country, 1);
    CHECK(row >= 0 && fabs(cn_table_dbl(e, 3)[row] - pube[i].printed) < 0.0005);
  }
done:
  cn_table_free(t), cn_table_free(g), cn_table_free(p), cn_table_free(e);
}

/* Income as a column of the exports gives the same PRODY as the joined
 * table; by hand: A (Y 10) exports k1 3, k2 1; B (Y 30) exports k1 1, k2 1;
 * shares A .75/.25, B .5/.5; PRODY_k1 = (.75·10 + .5·30) / 1.25 = 18,
 * PRODY_k2 = (.25·10 + .5·30) / .75 = 70/3. */
TEST(sophist_income_column) {
  cn_table *t = read_ok(write_file("x.csv", "c,k,v,y\nA,k1,2,10\nA,k1,1,10\nA,k2,1,\nB,k1,1,30\nB,k2,1,30\n"));
  cn_table *bad = read_ok(write_file("bad.csv", "c,k,v,y\nA,k1,2,10\nA,k2,1,11\n"));
  cn_table *p = NULL, *q = NULL;
  cn_diag d;
  cn_sophist_report r;
  if (!t || !bad) goto done;
  cn_prody_spec s = {.unit = "c", .product = "k", .value = "v", .income_col = "y"};
  CHECK_STATUS(cn_measure_prody(t, &s, &p, &r, &d), CN_OK, &d);
  if (!p) goto done;
  CHECK_INT(cn_table_nrow(p), 2);
  CHECK_NEAR(cn_table_dbl(p, 2)[0], 18, 1e-15);
  CHECK_NEAR(cn_table_dbl(p, 2)[1], 70.0 / 3, 1e-15);
  CHECK_INT(cn_table_i64(p, 1)[0], 2);
  CHECK_INT(r.income_invalid, 1); /* A's third row has no income; its other rows give it */
  CHECK_INT(r.rows_merged, 1);
  /* a unit with two incomes is a data error */
  CHECK(cn_measure_prody(bad, &s, &q, &r, &d) == CN_EDATA && q == NULL);
  CHECK(strstr(d.message, "second income") != NULL);
  /* so is an income table with two incomes for one unit (equal ones pass) */
  cn_table *it = read_ok(write_file("i.csv", "c,gdp\nA,10\nB,30\nA,10\n")), *it2 = read_ok(write_file("i2.csv", "c,gdp\nA,10\nA,12\n"));
  if (it && it2) {
    cn_prody_spec si = {.unit = "c", .product = "k", .value = "v", .income = it, .income_col = "gdp"};
    CHECK_STATUS(cn_measure_prody(t, &si, &q, &r, &d), CN_OK, &d);
    if (q) CHECK_NEAR(cn_table_dbl(q, 2)[0], 18, 1e-15);
    cn_table_free(q), q = NULL;
    si.income = it2;
    CHECK(cn_measure_prody(t, &si, &q, &r, &d) == CN_EDATA && q == NULL);
    CHECK(strstr(d.message, "two incomes") != NULL);
  }
  cn_table_free(it), cn_table_free(it2);
  /* a missing column is a usage error */
  s.income_col = "gdp";
  CHECK(cn_measure_prody(t, &s, &q, &r, &d) == CN_EUSAGE && q == NULL);
done:
  cn_table_free(t), cn_table_free(bad), cn_table_free(p), cn_table_free(q);
}

/* EXPY by hand: firm f exports k1 6, k2 2, k9 2 (no PRODY); PRODY k1 10,
 * k2 30. Dropped: X 8, EXPY (6·10 + 2·30) / 8 = 15; kept: X 10, EXPY
 * 120 / 10 = 12. Firm g exports only k9: expy missing. Two PRODY for one
 * product is a data error. */
TEST(sophist_expy_unmatched) {
  cn_table *t = read_ok(write_file("x.csv", "firm,hs,v\nf,k1,6\nf,k2,2\nf,k9,2\ng,k9,4\n"));
  cn_table *pr = read_ok(write_file("p.csv", "hs,prody\nk1,10\nk2,30\nk1,10\n"));
  cn_table *dup = read_ok(write_file("d.csv", "hs,prody\nk1,10\nk1,11\n"));
  cn_table *e = NULL, *e2 = NULL;
  cn_diag d;
  cn_sophist_report r;
  if (!t || !pr || !dup) goto done;
  cn_expy_spec s = {.unit = "firm", .product = "hs", .value = "v", .prody = pr};
  CHECK_STATUS(cn_measure_expy(t, &s, &e, &r, &d), CN_OK, &d);
  if (!e) goto done;
  CHECK_NEAR(cn_table_dbl(e, 1)[0], 8, 1e-15);
  CHECK_INT(cn_table_i64(e, 2)[0], 2);
  CHECK_NEAR(cn_table_dbl(e, 3)[0], 15, 1e-15);
  CHECK_NEAR(cn_table_dbl(e, 1)[1], 0, 1e-15);
  CHECK(isnan(cn_table_dbl(e, 3)[1]));
  CHECK_INT(r.products_unmatched, 1);
  CHECK_INT(r.cells_unmatched, 2);
  CHECK_NEAR(r.value_unmatched, 6, 1e-15);
  CHECK_NEAR(r.value_total, 14, 1e-15);
  CHECK_INT(r.units_zero, 1);
  s.keep_unmatched = 1;
  CHECK_STATUS(cn_measure_expy(t, &s, &e2, &r, &d), CN_OK, &d);
  if (e2) {
    CHECK_NEAR(cn_table_dbl(e2, 1)[0], 10, 1e-15);
    CHECK_NEAR(cn_table_dbl(e2, 3)[0], 12, 1e-15);
    CHECK(isnan(cn_table_dbl(e2, 3)[1]));
  }
  cn_table_free(e2), e2 = NULL;
  s.prody = dup;
  CHECK(cn_measure_expy(t, &s, &e2, &r, &d) == CN_EDATA && e2 == NULL);
done:
  cn_table_free(t), cn_table_free(pr), cn_table_free(dup), cn_table_free(e), cn_table_free(e2);
}
