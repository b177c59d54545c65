/* tests/unit/test_csv_encoded.c — encoded CSV files larger than the reader's
 * 4 MiB chunk, with columns that turn out to be text late (issue 23 item 1).
 *
 * Each test generates one table twice, in UTF-8 and in the encoding under
 * test (glibc's iconv converts the UTF-8 rows; the byte values of a few
 * characters are checked against Python's codecs below), at about 1, 4, 8 and
 * 64 MB of encoded bytes. The encoded file, read with --encoding, must give
 * the same table cell by cell as the UTF-8 file read without it. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

#define CHUNK (4u << 20) /* the reader's chunk: lib/table/csv.c */

typedef struct gbuf {
  char *p;
  size_t n, cap;
} gbuf;

/* Makes room for n more bytes and a NUL; 0 when out of memory. */
static int gbuf_reserve(gbuf *b, size_t n) {
  if (b->n + n + 1 <= b->cap) return 1;
  size_t nc = b->cap ? b->cap : 1 << 16;
  while (nc < b->n + n + 1) nc *= 2;
  char *np = realloc(b->p, nc);
  if (!np) return 0;
  b->p = np;
  b->cap = nc;
  return 1;
}

static int gbuf_put(gbuf *b, const char *s, size_t n) {
  if (!gbuf_reserve(b, n)) return 0;
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
  return 1;
}

/* Appends the conversion of s[0..n) (UTF-8) to out; 0 on failure. */
static int encode(iconv_t cd, const char *s, size_t n, gbuf *out) {
  char tmp[4096];
  char *in = (char *)s;
  size_t inleft = n;
  while (inleft) {
    char *o = tmp;
    size_t oleft = sizeof tmp;
    size_t r = iconv(cd, &in, &inleft, &o, &oleft);
    if (r == (size_t)-1 && errno != E2BIG) return 0;
    if (!gbuf_put(out, tmp, sizeof tmp - oleft)) return 0;
  }
  return 1;
}

/* True when the first n bytes of enc end in the middle of a character. */
static int splits_char(iconv_t dec, const char *enc, size_t n) {
  static char sink[1 << 16];
  char *in = (char *)enc;
  size_t inleft = n;
  iconv(dec, NULL, NULL, NULL, NULL);
  while (inleft) {
    char *o = sink;
    size_t oleft = sizeof sink;
    size_t r = iconv(dec, &in, &inleft, &o, &oleft);
    if (r != (size_t)-1) continue;
    if (errno == E2BIG) continue;
    return errno == EINVAL;
  }
  return 0;
}

static int write_all(const char *path, const gbuf *a, const gbuf *b) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return 0;
  int ok = fwrite(a->p, 1, a->n, fp) == a->n && fwrite(b->p, 1, b->n, fp) == b->n;
  return fclose(fp) == 0 && ok;
}

typedef struct enc_case {
  const char *opt;   /* --encoding value */
  const char *iconv; /* glibc's name, for producing the bytes */
  const char *words[8];
  int multibyte; /* characters of more than one byte exist */
} enc_case;

/* Words for the text: Chinese for the GB encodings (gb18030 also gets
 * characters outside GBK, which it stores in four bytes: 𠮷 U+20BB7, 㐀
 * U+3400), accented Latin for latin1, and cp1252's own characters (€ œ “ ” —
 * Š) for cp1252. */
static const enc_case k_cases[] = {
    {"gb18030", "GB18030",
     {"中车株洲电力机车有限公司", "铁路", "𠮷野家", "北京交通大学", "转向架", "㐀",
      "专利权人：", "法律状态/事件"},
     1},
    {"gbk", "GBK",
     {"中车株洲电力机车有限公司", "铁路", "西南交通大学", "北京交通大学", "转向架",
      "受电弓", "专利权人：", "法律状态/事件"},
     1},
    {"latin1", "ISO-8859-1",
     {"Müller", "café", "Straße", "São Paulo", "Ñandú", "Øresund", "½ déjà",
      "Zürich"},
     0},
    {"cp1252", "CP1252",
     {"€ 1000", "œuvre", "“quoted”", "Škoda", "a — b", "Müller", "café", "‰"}, 0},
};

typedef struct gen {
  gbuf head8, body8, head, body; /* UTF-8 and encoded */
  int64_t rows;                  /* data rows */
  int64_t late_row;              /* first row whose code is text */
  int64_t year_row;              /* the row whose year is text */
  int64_t chunk_row;             /* the row holding byte CHUNK of the encoded file */
  int split;                     /* byte CHUNK falls inside a character */
} gen;

/* Appends v (>= 0) in decimal: snprintf would dominate the generation. */
static void put_int(gbuf *b, int64_t v) {
  char tmp[24];
  int n = 0;
  do tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
  while ((v /= 10) > 0);
  gbuf_put(b, tmp + sizeof tmp - n, (size_t)n);
}

static void put_str(gbuf *b, const char *s) { gbuf_put(b, s, strlen(s)); }

/* One data row i (0-based) in UTF-8 into row:
 * id,x,code,year,name = i, i/4 + (i%4)/4, i*7%100000+1 (or C<i*7%100000>),
 * 2000+i%20 (or "2019 " and a word), words and i%1000. */
static void make_row(const enc_case *c, int64_t i, int code_text, int year_text,
                     int pad, gbuf *row) {
  row->n = 0;
  put_int(row, i);
  put_str(row, ",");
  put_int(row, i / 4);
  put_str(row, (const char *[]){".0,", ".25,", ".5,", ".75,"}[i % 4]);
  if (code_text) {
    put_str(row, "C");
    put_int(row, i * 7 % 100000);
  } else {
    put_int(row, i * 7 % 100000 + 1);
  }
  put_str(row, ",");
  if (year_text) {
    put_str(row, "2019 ");
    put_str(row, c->words[1]);
  } else {
    put_int(row, 2000 + i % 20);
  }
  put_str(row, ",");
  /* name: mostly long runs of multibyte text, so that the chunk boundary
   * falls inside a character; every 97th is quoted with a separator, a
   * doubled quote and a line break inside */
  const char *w1 = c->words[i % 8], *w2 = c->words[(i / 8) % 8], *w3 = c->words[(i / 3 + 5) % 8];
  int quoted = i % 97 == 5;
  if (quoted) put_str(row, "\"");
  put_str(row, w1);
  put_str(row, w2);
  if (quoted) put_str(row, ", \"\"x\"\"\n");
  put_str(row, w3);
  put_str(row, w1);
  for (int p = 0; p < pad; p++) put_str(row, "x");
  put_int(row, i % 1000);
  if (quoted) put_str(row, "\"");
  put_str(row, "\n");
}

/* Builds the two versions of a file of about `target` encoded bytes: code
 * is numeric until just past the first chunk (or 3/4 of a smaller file);
 * year until the last row (so that the reader has been through the whole
 * file when it starts over) or, in files over 8 MB, until shortly after
 * code (to keep the test fast). For multibyte encodings the first row is
 * padded so that byte CHUNK of the file splits a character. */
static int generate(const enc_case *c, size_t target, gen *g) {
  int ok = 0;
  gbuf row = {0};
  iconv_t cd = iconv_open(c->iconv, "UTF-8");
  iconv_t dec = iconv_open("UTF-8", c->iconv);
  if (cd == (iconv_t)-1 || dec == (iconv_t)-1) goto done;
  size_t late_at = target > CHUNK ? CHUNK + 4096 : target / 4 * 3;
  size_t year_at = target > (8u << 20) ? CHUNK + (64u << 10) : (size_t)-1;
  size_t done8 = 0; /* UTF-8 bytes of the body already encoded */
  g->late_row = g->year_row = g->chunk_row = -1;
  /* room for the whole file up front: growing 100 MB by doubling costs */
  if (!gbuf_reserve(&g->body8, target * 2 + (1u << 20)) ||
      !gbuf_reserve(&g->body, target + (2u << 20)))
    goto done;
  /* rows 1.. (row 0 carries the padding and comes later); the rows are
   * encoded in batches, so g->body.n grows at batch ends */
  for (int64_t i = 1;; i++) {
    int code_text = g->late_row >= 0 && i % 3 == 0;
    if (g->late_row < 0 && g->body.n >= late_at) {
      g->late_row = i;
      code_text = 1;
    }
    int last = g->body.n >= target;
    int year_text = g->year_row < 0 && (g->body.n >= year_at || last);
    if (year_text) g->year_row = i;
    make_row(c, i, code_text, year_text, 0, &row);
    if (!gbuf_put(&g->body8, row.p, row.n)) goto done;
    if (last || g->body8.n - done8 >= (256u << 10)) {
      if (!encode(cd, g->body8.p + done8, g->body8.n - done8, &g->body)) goto done;
      done8 = g->body8.n;
    }
    if (last) {
      g->rows = i + 1;
      break;
    }
  }
  static const char header[] = "id,x,code,year,name\n";
  for (int pad = 0; pad < 64; pad++) {
    g->head8.n = g->head.n = 0;
    gbuf_put(&g->head8, header, sizeof header - 1);
    make_row(c, 0, 0, 0, pad, &row);
    gbuf_put(&g->head8, row.p, row.n);
    if (!encode(cd, g->head8.p, g->head8.n, &g->head)) goto done;
    if (!c->multibyte || g->head.n + g->body.n <= CHUNK) break;
    if (splits_char(dec, g->body.p, CHUNK - g->head.n)) {
      g->split = 1;
      break;
    }
  }
  if (g->head.n + g->body.n > CHUNK) {
    /* the row holding byte CHUNK: count the line ends before it, outside
     * quoted fields (the quoted ones hold one line break each) */
    int64_t lines = 0;
    int inq = 0;
    for (size_t b = 0; b < CHUNK - g->head.n; b++) {
      if (g->body.p[b] == '"') inq = !inq;
      else if (g->body.p[b] == '\n' && !inq) lines++;
    }
    g->chunk_row = 1 + lines;
  }
  ok = 1;
done:
  if (cd != (iconv_t)-1) iconv_close(cd);
  if (dec != (iconv_t)-1) iconv_close(dec);
  free(row.p);
  return ok;
}

static void gen_free(gen *g) {
  free(g->head8.p);
  free(g->body8.p);
  free(g->head.p);
  free(g->body.p);
}

/* Compares a and b cell by cell; reports the first few differences. */
static void same_table(const cn_table *a, const cn_table *b, const char *what) {
  CHECK_INT(cn_table_ncol(a), cn_table_ncol(b));
  CHECK_INT(cn_table_nrow(a), cn_table_nrow(b));
  if (cn_table_ncol(a) != cn_table_ncol(b) || cn_table_nrow(a) != cn_table_nrow(b)) return;
  int bad = 0;
  for (int j = 0; j < cn_table_ncol(a); j++) {
    CHECK_STR(cn_table_name(a, j), cn_table_name(b, j));
    CHECK_INT(cn_table_type(a, j), cn_table_type(b, j));
    if (cn_table_type(a, j) != cn_table_type(b, j)) return;
    for (int64_t i = 0; i < cn_table_nrow(a) && bad < 5; i++) {
      int same;
      if (cn_table_type(a, j) == CN_INT64) {
        same = cn_table_i64(a, j)[i] == cn_table_i64(b, j)[i];
      } else if (cn_table_type(a, j) == CN_DOUBLE) {
        same = cn_table_dbl(a, j)[i] == cn_table_dbl(b, j)[i];
      } else {
        size_t na, nb;
        const char *sa = cn_table_str(a, j, i, &na), *sb = cn_table_str(b, j, i, &nb);
        same = (sa == NULL) == (sb == NULL) && na == nb && (!sa || !memcmp(sa, sb, na));
      }
      if (!same) {
        cn_test_fail(__FILE__, __LINE__, "%s: column %d row %lld differs", what, j,
                     (long long)i);
        bad++;
      }
    }
  }
}

/* Generates, writes and reads one case at one size. */
static void check_size(const enc_case *c, size_t target) {
  char what[64];
  snprintf(what, sizeof what, "%s, %zu bytes", c->opt, target);
  gen g = {0};
  if (!generate(c, target, &g)) {
    cn_test_fail(__FILE__, __LINE__, "%s: cannot generate the file", what);
    gen_free(&g);
    return;
  }
  size_t size = g.head.n + g.body.n;
  const char *p8 = cn_test_path(cn_test_tmpdir(), "utf8.csv");
  char p8c[4096];
  snprintf(p8c, sizeof p8c, "%s", p8);
  const char *pe = cn_test_path(cn_test_tmpdir(), "encoded.csv");
  char pec[4096];
  snprintf(pec, sizeof pec, "%s", pe);
  CHECK(write_all(p8c, &g.head8, &g.body8));
  CHECK(write_all(pec, &g.head, &g.body));
  /* the text turns late: past the first chunk when the file is larger */
  CHECK(g.late_row > 0 && g.year_row > 0);
  if (size > CHUNK) {
    CHECK(g.chunk_row > 0 && g.late_row > g.chunk_row);
    if (c->multibyte && !g.split)
      cn_test_fail(__FILE__, __LINE__, "%s: no character split at the chunk", what);
  }
  cn_table *t8 = NULL, *te = NULL;
  cn_diag d;
  /* the reference: UTF-8, with code and year text from the start (one pass) */
  static const char *const text_cols[] = {"code", "year"};
  cn_read_opts o8;
  cn_read_opts_init(&o8);
  o8.string_cols = text_cols;
  o8.n_string_cols = 2;
  cn_status st = cn_table_read_csv(p8c, &o8, &t8, &d);
  CHECK_STATUS(st, CN_OK, &d);
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.encoding = c->opt;
  st = cn_table_read_csv(pec, &o, &te, &d);
  CHECK_STATUS(st, CN_OK, &d);
  if (t8 && te) {
    /* the UTF-8 reading itself is what the generator wrote */
    CHECK_INT(cn_table_nrow(t8), g.rows);
    CHECK_INT(cn_table_type(t8, 0), CN_INT64);
    CHECK_INT(cn_table_type(t8, 1), CN_DOUBLE);
    CHECK_INT(cn_table_type(t8, 2), CN_STRING);
    CHECK_INT(cn_table_type(t8, 3), CN_STRING);
    CHECK_INT(cn_table_type(t8, 4), CN_STRING);
    if (cn_table_nrow(t8) == g.rows) {
      CHECK_INT(cn_table_i64(t8, 0)[g.rows - 1], g.rows - 1);
      char want[32];
      snprintf(want, sizeof want, "C%lld", (long long)(g.late_row * 7 % 100000));
      CHECK_STR(cn_test_level(t8, 2, g.late_row), want);
      snprintf(want, sizeof want, "%lld", (long long)((g.late_row - 1) * 7 % 100000 + 1));
      CHECK_STR(cn_test_level(t8, 2, g.late_row - 1), want);
      snprintf(want, sizeof want, "2019 %s", c->words[1]);
      CHECK_STR(cn_test_level(te, 3, g.year_row), want);
      snprintf(want, sizeof want, "%lld", (long long)(2000 + (g.year_row - 1) % 20));
      CHECK_STR(cn_test_level(te, 3, g.year_row - 1), want);
      /* the name of the row that holds byte CHUNK and of the last row, as
       * generated (an unquoted one: its text is the row after the fourth
       * comma, without the line end) */
      gbuf row = {0};
      int64_t rows_to_check[] = {g.chunk_row, g.rows - 1};
      for (int q = 0; q < 2; q++) {
        int64_t i = rows_to_check[q];
        while (i > 0 && i % 97 == 5) i--; /* a quoted one */
        if (i <= 0) continue;
        make_row(c, i, 0, 0, 0, &row);
        const char *s = row.p;
        for (int commas = 0; commas < 4; s++)
          if (*s == ',') commas++;
        row.p[row.n - 1] = '\0';
        CHECK_STR(cn_test_level(te, 4, i), s);
      }
      free(row.p);
    }
    same_table(t8, te, what);
  }
  cn_table_free(t8);
  cn_table_free(te);
  remove(p8c);
  remove(pec);
  gen_free(&g);
}

static void check_encoding(int k) {
  const size_t sizes[] = {1u << 20, (4u << 20) + (256u << 10), 8u << 20, 64u << 20};
  for (int s = 0; s < 4; s++) check_size(&k_cases[k], sizes[s]);
}

/* The generator's bytes are the encodings' own: 铁路 in GB18030 and GBK is
 * CC FA C2 B7, 𠮷 in GB18030 is 95 34 B2 35, é in latin1 is E9, € œ “ in
 * cp1252 are 80 9C 93 (all from Python's codecs: '铁路'.encode('gb18030')
 * and so on). */
TEST(csv_encoded_generator_bytes) {
  struct {
    const char *to, *text, *want;
  } k[] = {{"GB18030", "铁路", "\xCC\xFA\xC2\xB7"},
           {"GBK", "铁路", "\xCC\xFA\xC2\xB7"},
           {"GB18030", "𠮷", "\x95\x34\xB2\x35"},
           {"ISO-8859-1", "é", "\xE9"},
           {"CP1252", "€œ“", "\x80\x9C\x93"}};
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
    iconv_t cd = iconv_open(k[i].to, "UTF-8");
    CHECK(cd != (iconv_t)-1);
    if (cd == (iconv_t)-1) continue;
    gbuf out = {0};
    CHECK(encode(cd, k[i].text, strlen(k[i].text), &out));
    CHECK_STR(out.p ? out.p : "", k[i].want);
    free(out.p);
    iconv_close(cd);
  }
}

TEST(csv_encoded_gb18030_large) { check_encoding(0); }
TEST(csv_encoded_gbk_large) { check_encoding(1); }
TEST(csv_encoded_latin1_large) { check_encoding(2); }
TEST(csv_encoded_cp1252_large) { check_encoding(3); }
