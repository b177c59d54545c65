/* tests/unit/test_study.c — lib/study: the script parser, the report, and
 * SHA-256. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

static cn_study *parse(const char *text, cn_diag *d) {
  cn_study *s = NULL;
  cn_study_parse(text, strlen(text), "s.cn", &s, d);
  return s;
}

TEST(study_words_quotes_comments_continuations) {
  cn_diag d;
  const char *text =
      "# a comment line\n"
      "reg data.csv 'y ~ x | firm' --cluster firm   # trailing comment\n"
      "\n"
      "net build p.csv \\\n"
      "    --applicants \"a b\"\\ c -o net\n"
      "table m1 a#b \"say \\\"hi\\\" \\\\ \\$x\" 'it'\\''s' ''\r\n";
  cn_study *s = parse(text, &d);
  CHECK(s != NULL);
  if (!s) return;
  CHECK_INT(s->n, 3);
  const cn_study_item *a = &s->items[0], *b = &s->items[1], *c = &s->items[2];
  CHECK_INT(a->kind, CN_STUDY_STEP);
  CHECK_INT(a->argc, 5);
  CHECK_STR(a->argv[2], "y ~ x | firm");
  CHECK_INT(a->line, 2);
  CHECK_INT(a->arg_column[2], 14);
  CHECK_INT(a->arg_column[4], 39);
  CHECK(a->argv[5] == NULL);
  CHECK_INT(b->argc, 7);
  CHECK_STR(b->argv[4], "a b c");
  CHECK_INT(b->arg_line[3], 5);
  CHECK_INT(b->arg_column[3], 5);
  CHECK_STR(b->argv[6], "net");
  CHECK_INT(c->argc, 6);
  CHECK_STR(c->argv[2], "a#b");
  CHECK_STR(c->argv[3], "say \"hi\" \\ $x");
  CHECK_STR(c->argv[4], "it's");
  CHECK_STR(c->argv[5], "");
  cn_study_free(s);
}

TEST(study_report_text) {
  cn_diag d;
  const char *text =
      "## # Title here\n"
      "## first line\n"
      "##   second line  \n"
      "##\n"
      "## another paragraph\n"
      "reg a b\n"
      "## ### Sub\n"
      "## #notaheading\n";
  cn_study *s = parse(text, &d);
  CHECK(s != NULL);
  if (!s) return;
  CHECK_INT(s->n, 6);
  CHECK_INT(s->items[0].level, 1);
  CHECK_STR(s->items[0].text, "Title here");
  CHECK_INT(s->items[1].level, 0);
  CHECK_STR(s->items[1].text, "first line\nsecond line");
  CHECK_STR(s->items[2].text, "another paragraph");
  CHECK_INT(s->items[3].kind, CN_STUDY_STEP);
  CHECK_INT(s->items[4].level, 3);
  CHECK_STR(s->items[4].text, "Sub");
  CHECK_INT(s->items[5].level, 0);
  CHECK_STR(s->items[5].text, "#notaheading");
  cn_study_free(s);
}

TEST(study_errors_name_line_and_column) {
  cn_diag d;
  cn_study *s = parse("reg a b\n  table 'm1 m2\nreg c\n", &d);
  CHECK(s == NULL);
  CHECK_INT(d.code, CN_ESCRIPT);
  CHECK_INT(d.line, 2);
  CHECK_INT(d.column, 9);
  CHECK_STR(d.message, "unterminated ' quote");
  CHECK_STR(d.snippet, "  table 'm1 m2");
  s = parse("## 中文\nreg \"数据.csv\n", &d);
  CHECK(s == NULL);
  CHECK_INT(d.line, 2);
  CHECK_INT(d.column, 5);
  CHECK_STR(d.message, "unterminated \" quote");
  s = parse("reg a\nreg \xff\n", &d);
  CHECK(s == NULL);
  CHECK_INT(d.line, 2);
  CHECK_INT(d.column, 5);
  /* an error drawn at a word, as `coinnet run` does for a bad option */
  s = parse("reg x.csv\tf --bogus\n", &d);
  CHECK(s != NULL);
  if (!s) return;
  cn_study_error(s, s->items[0].arg_line[3], s->items[0].arg_column[3], CN_ESCRIPT, &d, "bad");
  char buf[512];
  cn_diag_format(&d, "coinnet run", buf, sizeof buf);
  CHECK_STR(buf, "coinnet run: s.cn:1:13: bad\n  reg x.csv\tf --bogus\n              ^\n");
  cn_study_free(s);
}

/* FIPS 180-2 appendix B examples (also what Python's hashlib.sha256 and
 * coreutils' sha256sum print for them). */
TEST(sha256_known_vectors) {
  char hex[65];
  cn_sha256_hex("abc", 3, hex);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  cn_sha256_hex("", 0, hex);
  CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  cn_sha256_hex(m, strlen(m), hex);
  CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* a million 'a', through a file so that the streaming path is used */
  const char *p = cn_test_path(cn_test_tmpdir(), "a.txt");
  FILE *fp = fopen(p, "wb");
  CHECK(fp != NULL);
  if (!fp) return;
  char block[1000];
  memset(block, 'a', sizeof block);
  for (int i = 0; i < 1000; i++) fwrite(block, 1, sizeof block, fp);
  fclose(fp);
  int64_t size = 0;
  cn_diag d;
  CHECK_STATUS(cn_sha256_file(p, hex, &size, &d), CN_OK, &d);
  CHECK_INT(size, 1000000);
  CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  /* every length around the block and padding boundaries agrees between
   * the one-shot and the streaming paths (55, 56, 63, 64, 65 bytes) */
  for (int n = 50; n < 70; n++) {
    char want[65];
    cn_sha256_hex(block, (size_t)n, want);
    fp = fopen(p, "wb");
    fwrite(block, 1, (size_t)n, fp);
    fclose(fp);
    CHECK_STATUS(cn_sha256_file(p, hex, &size, &d), CN_OK, &d);
    CHECK_STR(hex, want);
  }
  CHECK_INT(cn_sha256_file(cn_test_path(cn_test_tmpdir(), "none"), hex, &size, &d), CN_EDATA);
}

/* Reads a whole small file into a static buffer. */
static const char *read_back(const char *path) {
  static char buf[65536];
  FILE *fp = fopen(path, "rb");
  if (!fp) return "";
  size_t n = fread(buf, 1, sizeof buf - 1, fp);
  fclose(fp);
  buf[n] = '\0';
  return buf;
}

TEST(report_figures_get_their_own_ids) {
  cn_diag d;
  cn_report *r = cn_report_new("t");
  CHECK(r != NULL);
  if (!r) return;
  const char *svg = "<?xml version=\"1.0\"?>\n<svg><symbol id=\"g0\"/><use xlink:href=\"#g0\"/>"
                    "<clipPath id=\"c1\"/><g clip-path=\"url(#c1)\"/></svg>\n";
  CHECK_STATUS(cn_report_text(r, 1, "A & B <c>", &d), CN_OK, &d);
  CHECK_STATUS(cn_report_figure(r, "net summary n --plot a.svg", "a.svg", svg, strlen(svg), &d), CN_OK, &d);
  CHECK_STATUS(cn_report_figure(r, "net summary n --plot b.svg", "b.svg", svg, strlen(svg), &d), CN_OK, &d);
  CHECK_STATUS(cn_report_step(r, "reg `x` y", NULL, 0, &d), CN_OK, &d);
  CHECK_INT(cn_report_figure(r, "x", "c.svg", "<p>", 3, &d), CN_EDATA);
  const char *md = cn_test_path(cn_test_tmpdir(), "r.md"), *html = cn_test_path(cn_test_tmpdir(), "r.html");
  CHECK_STATUS(cn_report_write(r, md, html, &d), CN_OK, &d);
  const char *h = read_back(html);
  CHECK(strstr(h, "<title>A &amp; B &lt;c&gt;</title>") != NULL);
  CHECK(strstr(h, "<svg><symbol id=\"f1-g0\"/><use xlink:href=\"#f1-g0\"/><clipPath id=\"f1-c1\"/>"
                  "<g clip-path=\"url(#f1-c1)\"/></svg>") != NULL);
  CHECK(strstr(h, "id=\"f2-g0\"") != NULL);
  CHECK(strstr(h, "<?xml") == NULL);
  const char *m = read_back(md);
  CHECK(strstr(m, "# A & B <c>\n\n![Figure 1](a.svg)\n") != NULL);
  CHECK(strstr(m, "\n``reg `x` y``\n") == NULL);
  CHECK(strstr(m, "\n`` reg `x` y ``\n") != NULL);
  cn_report_free(r);
}

/* Tables get one caption, numbered by the report ("Table 5." of the
 * author's own dropped); a figure's caption is its SVG's <title> and
 * <desc>; code spans in text become <code>; a grid renders as a pipe table
 * and a <table class="grid">; headings of level 1 and 2 open sections.
 * The expected strings are written out by hand from the rules in
 * include/coinnet/study.h. */
TEST(report_captions_code_spans_grids_and_sections) {
  cn_diag d;
  cn_report *r = cn_report_new("t");
  CHECK(r != NULL);
  if (!r) return;
  const char *svg = "<svg><title>Growth &amp; size</title><desc>Two panels</desc><g/></svg>";
  const char *head[] = {"a", "b"}, *cells[] = {"x|y", "1", "z", ""};
  CHECK_STATUS(cn_report_text(r, 1, "Study `one`", &d), CN_OK, &d);
  CHECK_STATUS(cn_report_text(r, 0, "Run ``a `b` c`` and `d <e>`; a lone ` stays.", &d), CN_OK, &d);
  CHECK_STATUS(cn_report_text(r, 2, "Results", &d), CN_OK, &d);
  CHECK_STATUS(cn_report_table(r, "table m1", "Table 5. Heterogeneity", "|a|\n", "<table></table>", &d), CN_OK, &d);
  CHECK_STATUS(cn_report_table(r, "table m2", NULL, "|b|\n", "<table></table>", &d), CN_OK, &d);
  CHECK_STATUS(cn_report_figure(r, "net summary n --plot g.svg", "g.svg", svg, strlen(svg), &d), CN_OK, &d);
  CHECK_STATUS(cn_report_grid(r, 2, head, "lr", 2, cells, &d), CN_OK, &d);
  CHECK_INT(cn_report_grid(r, 2, head, "lx", 2, cells, &d), CN_EUSAGE);
  const char *md = cn_test_path(cn_test_tmpdir(), "c.md"), *html = cn_test_path(cn_test_tmpdir(), "c.html");
  CHECK_STATUS(cn_report_write(r, md, html, &d), CN_OK, &d);
  const char *m = read_back(md);
  CHECK(strstr(m, "**Table 1.** Heterogeneity\n\n|a|\n\n`table m1`\n") != NULL);
  CHECK(strstr(m, "**Table 2.**\n\n|b|\n\n`table m2`\n") != NULL);
  CHECK(strstr(m, "**Figure 1.** Growth & size. Two panels.\n\n`net summary n --plot g.svg` → [g.svg](g.svg)") != NULL);
  CHECK(strstr(m, "| a | b |\n|:--|--:|\n| x\\|y | 1 |\n| z | |\n") != NULL);
  CHECK(strstr(m, "Table 5") == NULL);
  const char *h = read_back(html);
  CHECK(strstr(h, "<title>Study one</title>") != NULL);
  CHECK(strstr(h, "<section id=\"sec-0\">\n<h1>Study <code>one</code></h1>\n") != NULL);
  CHECK(strstr(h, "<p>Run <code>a `b` c</code> and <code>d &lt;e&gt;</code>; a lone ` stays.</p>") != NULL);
  CHECK(strstr(h, "</section>\n<section id=\"sec-1\">\n<h2>Results</h2>") != NULL);
  CHECK(strstr(h, "<figure class=\"regtable\" id=\"table-1\">\n<figcaption><b>Table 1.</b> Heterogeneity</figcaption>\n"
                  "<table></table>\n</figure>\n<p class=\"step\"><code>table m1</code></p>") != NULL);
  CHECK(strstr(h, "<figcaption><b>Table 2.</b></figcaption>") != NULL);
  CHECK(strstr(h, "<figcaption><b>Figure 1.</b> Growth &amp; size. Two panels.</figcaption>") != NULL);
  CHECK(strstr(h, "<table class=\"grid\">\n<thead><tr><th class=\"l\">a</th><th class=\"r\">b</th></tr></thead>\n"
                  "<tbody>\n<tr><td class=\"l\">x|y</td><td class=\"r\">1</td></tr>\n") != NULL);
  CHECK(strstr(h, "</table>\n</section>\n<section class=\"provenance\"") != NULL);
  cn_report_free(r);
}
