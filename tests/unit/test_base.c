/* tests/unit/test_base.c — lib/base: numbers, strings, hashing, RNG, diag. */
#include <stdlib.h>
#include "../../lib/base/base_int.h"
#include "test.h"

/* glibc's strtod is the independent reference for the fast parser. */
TEST(parse_double_matches_strtod) {
  cn_rng r;
  cn_rng_seed(&r, 7, 0);
  char s[64];
  int bad = 0;
  for (int i = 0; i < 200000 && bad < 5; i++) {
    int nd = 1 + (int)cn_rng_below(&r, 20), dot = (int)cn_rng_below(&r, (uint64_t)nd + 2);
    size_t k = 0;
    if (cn_rng_below(&r, 4) == 0) s[k++] = '-';
    for (int j = 0; j < nd; j++) {
      if (j == dot) s[k++] = '.';
      s[k++] = (char)('0' + cn_rng_below(&r, 10));
    }
    if (cn_rng_below(&r, 3) == 0)
      k += (size_t)sprintf(s + k, "e%d", (int)cn_rng_below(&r, 80) - 40);
    s[k] = '\0';
    double got, want = strtod(s, NULL);
    if (!cn__parse_double(s, k, &got) || memcmp(&got, &want, sizeof got) != 0) {
      cn_test_fail(__FILE__, __LINE__, "\"%s\": got %.17g want %.17g", s, got, want);
      bad++;
    }
  }
}

TEST(parse_double_rejects) {
  const char *no[] = {"", ".", "-", "+", "1e", "1e+", "0x10", "inf", "nan",
                      " 1", "1 ", "1,5", "1.2.3", "--1", "e5", "1e5x"};
  double x;
  for (size_t i = 0; i < sizeof no / sizeof *no; i++)
    if (cn__parse_double(no[i], strlen(no[i]), &x))
      cn_test_fail(__FILE__, __LINE__, "accepted \"%s\"", no[i]);
  CHECK(cn__parse_double("1.", 2, &x) && x == 1.0);
  CHECK(cn__parse_double(".5", 2, &x) && x == 0.5);
  CHECK(cn__parse_double("+3E2", 4, &x) && x == 300.0);
  CHECK(cn__parse_double("1e400", 5, &x) == false); /* overflow is not finite */
  CHECK(cn__parse_double("123456789012345678901234567890", 30, &x) &&
        x == strtod("123456789012345678901234567890", NULL));
}

TEST(parse_int64_limits) {
  int64_t v;
  CHECK(cn__parse_int64("9223372036854775807", 19, &v) && v == INT64_MAX);
  CHECK(!cn__parse_int64("9223372036854775808", 19, &v));
  CHECK(cn__parse_int64("-9223372036854775807", 20, &v) && v == -INT64_MAX);
  /* INT64_MIN is the missing-value sentinel, not a value */
  CHECK(!cn__parse_int64("-9223372036854775808", 20, &v));
  CHECK(!cn__parse_int64("12a", 3, &v));
  CHECK(!cn__parse_int64("-", 1, &v));
  CHECK(cn__parse_int64("+42", 3, &v) && v == 42);
}

TEST(fmt_double_shortest_round_trip) {
  char buf[64];
  cn__fmt_double(0.1, buf, sizeof buf);
  CHECK_STR(buf, "0.1");
  cn__fmt_double(1.0 / 3, buf, sizeof buf);
  CHECK_STR(buf, "0.3333333333333333");
  cn__fmt_double(1e300, buf, sizeof buf);
  CHECK_STR(buf, "1e+300");
  cn__fmt_double(-0.0, buf, sizeof buf);
  CHECK_STR(buf, "-0");
  cn__fmt_double(0.0, buf, sizeof buf); /* a string of two bytes: read no further (ASan) */
  CHECK_STR(buf, "0");
  cn_rng r;
  cn_rng_seed(&r, 11, 0);
  for (int i = 0; i < 100000; i++) {
    uint64_t bits = cn_rng_u64(&r);
    double x;
    memcpy(&x, &bits, sizeof x);
    if (!isfinite(x)) continue;
    cn__fmt_double(x, buf, sizeof buf);
    double y = strtod(buf, NULL);
    if (memcmp(&x, &y, sizeof x) != 0) {
      cn_test_fail(__FILE__, __LINE__, "%s does not read back to %a", buf, x);
      break;
    }
  }
}

/* The exact 128-bit path gives printf's text (the first of %.15g, %.16g,
 * %.17g that reads back) for every double: random bit patterns in the
 * range it takes (1e-5 to 1e22), data-like decimals (integers over powers
 * of ten, where %.15g mostly decides), the neighbours of powers of ten and
 * two, and ties of the rounding at 15, 16 and 17 digits. */
static void same_as_libc(double x, int line) {
  char a[64], b[64];
  int la = cn__fmt_double(x, a, sizeof a), lb = cn__fmt_double_libc(x, b, sizeof b);
  if (la != lb || strcmp(a, b)) cn_test_fail(__FILE__, line, "%a: %s, printf %s", x, a, b);
}

TEST(fmt_double_fast_path_equals_printf) {
  cn_rng r;
  cn_rng_seed(&r, 12, 0);
  int bad = 0;
  for (int i = 0; i < 300000 && !bad; i++) {
    double x;
    switch (i % 3) {
      case 0: { /* a random double of a random exponent in range */
        uint64_t bits = cn_rng_u64(&r);
        memcpy(&x, &bits, sizeof x);
        x = ldexp(frexp(x, &(int){0}), (int)(cn_rng_u64(&r) % 92) - 17);
        break;
      }
      case 1: /* k-digit decimals */
        x = (double)(int64_t)(cn_rng_u64(&r) % 2000000000000ULL) / pow(10, (double)(cn_rng_u64(&r) % 12));
        break;
      default: /* next to a power of ten */
        x = nextafter(pow(10, (double)(int)(cn_rng_u64(&r) % 27) - 5), (cn_rng_u64(&r) & 1) ? 0 : 1e300);
    }
    if (cn_rng_u64(&r) & 1) x = -x;
    char a[64], b[64];
    cn__fmt_double(x, a, sizeof a);
    cn__fmt_double_libc(x, b, sizeof b);
    if (strcmp(a, b)) {
      cn_test_fail(__FILE__, __LINE__, "%a: %s, printf %s", x, a, b);
      bad = 1;
    }
  }
  /* ties (exact halves at the rounding digit), powers of two, the range's ends */
  static const double edge[] = {0.5, 2.5, 0.125, 1e15 + 0.5, 2e15 + 0.5, 4503599627370496.5,
                                 9007199254740993.0, 1.5e-5, 1e-5, 9.999999999999999e21, 1e22,
                                 123456789012345.5, 1234567890123456.5, 0.30000000000000004,
                                 5e-324, 1.7976931348623157e308, 100, 1e21, 123456.0};
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    same_as_libc(edge[i], __LINE__);
    same_as_libc(-edge[i], __LINE__);
  }
  for (int k = -60; k <= 75; k++) same_as_libc(ldexp(1, k), __LINE__);
  char small[4];
  CHECK_INT(cn__fmt_double(-288.688675, small, sizeof small), 11); /* cut, the length in full */
  CHECK_STR(small, "-28");
}

TEST(strmap_interns_densely) {
  cn_strmap m = {0};
  char s[32];
  for (int i = 0; i < 50000; i++) {
    int n = snprintf(s, sizeof s, "key-%d", i);
    CHECK_INT(cn__strmap_intern(&m, s, (size_t)n), i);
  }
  for (int i = 0; i < 50000; i += 97) {
    int n = snprintf(s, sizeof s, "key-%d", i);
    CHECK_INT(cn__strmap_intern(&m, s, (size_t)n), i);
    CHECK_INT(cn__strmap_get(&m, s, (size_t)n), i);
    CHECK_STR(m.strs[i], s);
  }
  CHECK_INT(cn__strmap_get(&m, "absent", 6), -1);
  CHECK_INT(cn__strmap_intern(&m, "", 0), 50000); /* the empty string is a key */
  CHECK_INT(m.n, 50001);
  cn__strmap_free(&m);
}

TEST(utf8_validation) {
  struct { const char *s; size_t want; } cases[] = {
      {"abc", 3},
      {"\xe4\xb8\xad\xe5\x9b\xbd", 6},    /* 中国 */
      {"a\xc0\x80", 1},                   /* overlong NUL */
      {"ab\xed\xa0\x80", 2},              /* surrogate */
      {"\xe4\xb8", 0},                    /* truncated */
      {"\xf4\x90\x80\x80", 0},            /* above U+10FFFF */
      {"\xb9\xab\xbf\xaa", 0},            /* GBK bytes of 公开 */
      {"xxxxxxxxxxxxxxxx\xff", 16},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    CHECK_INT(cn__utf8_valid(cases[i].s, strlen(cases[i].s)), cases[i].want);
  CHECK_INT(cn_text_width("中国 ab"), 7);
  CHECK_INT(cn__utf8_chars("中国ab", strlen("中国ab")), 4);
}

/* Expected values: tests/data/gen/rng_reference.py, a Python transcription
 * of the seeding and of Blackman & Vigna's xoshiro256** reference;
 * the state {1,2,3,4} output 11520 = rotl(2*5, 7) * 9 is computed by hand. */
TEST(rng_streams_reproducible) {
  cn_rng r;
  cn_rng_seed(&r, 42, 0);
  CHECK(cn_rng_u64(&r) == 0xc78e0bdeac204d60ULL);
  CHECK(cn_rng_u64(&r) == 0x8d16537ca2901f44ULL);
  cn_rng_seed(&r, 42, 1);
  CHECK(cn_rng_u64(&r) == 0x589e326b076a9334ULL);
  cn_rng_seed(&r, 0, 0);
  CHECK(cn_rng_u64(&r) == 0x353fceb2bb57d112ULL);
  r.s[0] = 1, r.s[1] = 2, r.s[2] = 3, r.s[3] = 4;
  CHECK(cn_rng_u64(&r) == 11520ULL);
  /* moments of uniform and normal draws */
  cn_rng_seed(&r, 1, 2);
  double su = 0, sn = 0, sn2 = 0;
  int n = 1000000;
  for (int i = 0; i < n; i++) {
    su += cn_rng_uniform(&r);
    double z = cn_rng_normal(&r);
    sn += z;
    sn2 += z * z;
  }
  CHECK(fabs(su / n - 0.5) < 0.002);
  CHECK(fabs(sn / n) < 0.005);
  CHECK(fabs(sn2 / n - 1) < 0.01);
  uint64_t counts[7] = {0};
  for (int i = 0; i < 70000; i++) counts[cn_rng_below(&r, 7)]++;
  for (int k = 0; k < 7; k++) CHECK(counts[k] > 9500 && counts[k] < 10500);
}

TEST(diag_format_caret_under_wide_text) {
  cn_diag d;
  cn_diag_at(&d, CN_EDATA, "f.csv", 3, 4, "bad %s", "thing");
  const char *line = "中国,x,y";
  cn_diag_snippet(&d, line, strlen(line), 4);
  cn_diag_hint(&d, "try %d", 1);
  char buf[512];
  cn_diag_format(&d, "coinnet data", buf, sizeof buf);
  CHECK_STR(buf, "coinnet data: f.csv:3:4: bad thing\n  中国,x,y\n       ^\nhint: try 1\n");
  cn_diag_set(&d, CN_EUSAGE, "plain");
  cn_diag_format(&d, NULL, buf, sizeof buf);
  CHECK_STR(buf, "plain\n");
  CHECK_INT(d.code, CN_EUSAGE);
}

/* igraph's and GSL's errors must come back as codes, never abort. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_log.h>
#include <igraph.h>
TEST(init_tames_igraph_and_gsl) {
  cn_diag d;
  CHECK_STATUS(cn_init(&d), CN_OK, &d);
  gsl_sf_result res;
  CHECK_INT(gsl_sf_log_e(-1.0, &res), GSL_EDOM); /* default handler aborts */
  igraph_t g;
  CHECK_INT(igraph_empty(&g, 2, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
  igraph_vector_int_t edges;
  igraph_vector_int_init(&edges, 2);
  VECTOR(edges)[0] = 0;
  VECTOR(edges)[1] = 5;
  CHECK(igraph_add_edges(&g, &edges, NULL) == IGRAPH_EINVVID); /* default aborts */
  CHECK_INT(igraph_ecount(&g), 0);
  igraph_vector_int_destroy(&edges);
  igraph_destroy(&g);
}
