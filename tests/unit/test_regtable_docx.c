/* tests/unit/test_regtable_docx.c — the Word table (cn_regtable_write with
 * CN_REGTABLE_DOCX): the package is unzipped with unzip(1) (installed by
 * scripts/deps), its CRCs tested, and every XML part checked for
 * well-formedness by the small checker below (xmllint is not a dependency).
 * The model is the Grunfeld regression of tests/cli/model/reg-grunfeld.case
 * (b = .4138018, SE = .0632813, _cons 31.74185, clustered by firm). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

static cn_model *grunfeld(void) {
  cn_table *t = NULL;
  cn_model *m = NULL;
  cn_diag d;
  CHECK_STATUS(cn_table_read(cn_test_path(cn_test_data(), "model/grunfeld.csv"), NULL, &t, &d), CN_OK, &d);
  if (!t) return NULL;
  cn_reg_opts o;
  cn_reg_opts_init(&o);
  const char *cl[] = {"firm"};
  o.vce = CN_VCE_CLUSTER, o.cluster = cl, o.n_cluster = 1;
  CHECK_STATUS(cn_reg(t, "inv ~ capital | firm + year", &o, &m, &d), CN_OK, &d);
  cn_table_free(t);
  return m;
}

/* The output of a shell command (a new string), NULL when it fails. */
static char *run(const char *cmd) {
  FILE *p = popen(cmd, "r");
  if (!p) return NULL;
  size_t cap = 4096, n = 0;
  char *s = malloc(cap);
  for (int c; s && (c = fgetc(p)) != EOF;) {
    if (n + 2 > cap) {
      char *t = realloc(s, cap *= 2);
      if (!t) free(s);
      s = t;
      if (!s) break;
    }
    s[n++] = (char)c;
  }
  if (s) s[n] = '\0';
  if (pclose(p) != 0) free(s), s = NULL;
  return s;
}

static bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':'; }
static bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

/* Skips an entity reference at *p ('&' ...;); false when it is not one of
 * XML's five or a character reference. */
static bool entity(const char **p) {
  static const char *const ok[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
  for (int k = 0; k < 5; k++)
    if (!strncmp(*p, ok[k], strlen(ok[k]))) {
      *p += strlen(ok[k]);
      return true;
    }
  const char *q = *p + 1;
  if (*q++ != '#') return false;
  bool hex = *q == 'x';
  if (hex) q++;
  const char *d = q;
  while ((*q >= '0' && *q <= '9') || (hex && ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F')))) q++;
  if (q == d || *q != ';') return false;
  *p = q + 1;
  return true;
}

/* Whether s is well-formed XML: an optional declaration, one root element,
 * tags that nest and match, quoted attributes without '<', distinct
 * attribute names per element, entities XML knows, and no text outside
 * the root but white space. Sets *why to what failed. */
static bool well_formed(const char *s, const char **why) {
  const char *stack[256];
  size_t len[256];
  int depth = 0, roots = 0;
  const char *p = s;
  if (!strncmp(p, "<?xml", 5)) {
    const char *e = strstr(p, "?>");
    if (!e) return *why = "unterminated declaration", false;
    p = e + 2;
  }
  while (*p) {
    if (*p != '<') {
      if (depth == 0 && !strchr(" \t\r\n", *p)) return *why = "text outside the root", false;
      if (*p == '&') {
        if (!entity(&p)) return *why = "bad entity in text", false;
        continue;
      }
      if (*p == '>') return *why = "'>' in text", false;
      p++;
      continue;
    }
    p++;
    bool end = *p == '/';
    if (end) p++;
    if (!name_start(*p)) return *why = "bad tag name", false;
    const char *nm = p;
    while (name_char(*p)) p++;
    size_t nl = (size_t)(p - nm);
    if (end) {
      while (*p == ' ') p++;
      if (*p != '>') return *why = "bad end tag", false;
      if (depth == 0 || len[depth - 1] != nl || strncmp(stack[depth - 1], nm, nl))
        return *why = "end tag does not match", false;
      depth--;
      p++;
      continue;
    }
    const char *attrs[64];
    size_t alen[64];
    int na = 0;
    for (;;) {
      bool space = false;
      while (strchr(" \t\r\n", *p) && *p) p++, space = true;
      if (*p == '>' || (*p == '/' && p[1] == '>')) break;
      if (!space || !name_start(*p)) return *why = "bad attribute", false;
      const char *an = p;
      while (name_char(*p)) p++;
      if (na == 64) return *why = "too many attributes", false;
      for (int k = 0; k < na; k++)
        if (alen[k] == (size_t)(p - an) && !strncmp(attrs[k], an, alen[k])) return *why = "repeated attribute", false;
      attrs[na] = an, alen[na++] = (size_t)(p - an);
      if (*p++ != '=') return *why = "attribute without '='", false;
      char q = *p++;
      if (q != '"' && q != '\'') return *why = "unquoted attribute", false;
      while (*p && *p != q) {
        if (*p == '<') return *why = "'<' in an attribute", false;
        if (*p == '&') {
          if (!entity(&p)) return *why = "bad entity in an attribute", false;
          continue;
        }
        p++;
      }
      if (*p++ != q) return *why = "unterminated attribute", false;
    }
    bool empty = *p == '/';
    p += empty ? 2 : 1;
    if (depth == 0 && ++roots > 1) return *why = "two root elements", false;
    if (!empty) {
      if (depth == 256) return *why = "too deep", false;
      stack[depth] = nm, len[depth++] = nl;
    }
  }
  if (depth) return *why = "unclosed element", false;
  if (roots != 1) return *why = "no root element", false;
  return true;
}

TEST(regtable_docx_xml_checker_rejects) {
  const char *why = NULL;
  CHECK(well_formed("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; &#x2212;</a>\n", &why));
  CHECK(!well_formed("<a><b></a></b>", &why));
  CHECK(!well_formed("<a x=1/>", &why));
  CHECK(!well_formed("<a>R&D</a>", &why));
  CHECK(!well_formed("<a/><b/>", &why));
  CHECK(!well_formed("<a x=\"1\" x=\"2\"/>", &why));
  CHECK(!well_formed("<a>", &why));
}

TEST(regtable_docx_is_a_valid_package) {
  cn_model *m = grunfeld();
  if (!m) return;
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  o.format = CN_REGTABLE_DOCX;
  o.title = "Table 1 <Investment> & capital";
  const char *lbn[] = {"capital"}, *lbl[] = {"Capital \"K\""};
  o.label_names = lbn, o.labels = lbl, o.n_labels = 1;
  const char *notes[] = {"A note with < and &."};
  o.notes = notes, o.n_notes = 1;
  const char *gl[] = {"OLS"};
  const int ga[] = {1}, gb[] = {2};
  o.mgroup_labels = gl, o.mgroup_first = ga, o.mgroup_last = gb, o.n_mgroups = 1;
  const cn_model *ms[] = {m, m};
  cn_diag d;
  char path[4096];
  snprintf(path, sizeof path, "%s", cn_test_path(cn_test_tmpdir(), "t.docx"));
  CHECK_STATUS(cn_regtable_write(ms, 2, &o, path, &d), CN_OK, &d);
  char cmd[8400];
  snprintf(cmd, sizeof cmd, "unzip -tq '%s'", path);
  char *t = run(cmd);
  CHECK(t && strstr(t, "No errors detected"));
  free(t);
  snprintf(cmd, sizeof cmd, "unzip -Z1 '%s'", path);
  char *list = run(cmd);
  CHECK_STR(list, "[Content_Types].xml\n_rels/.rels\nword/document.xml\n");
  free(list);
  static const char *const parts[] = {"[[]Content_Types].xml", "_rels/.rels", "word/document.xml"};
  for (int k = 0; k < 3; k++) {
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", path, parts[k]);
    char *x = run(cmd);
    const char *why = "";
    CHECK(x != NULL);
    if (x && !well_formed(x, &why)) cn_test_fail(__FILE__, __LINE__, "%s is not well-formed: %s", parts[k], why);
    if (k == 2 && x) {
      /* the content, escaped: title, label, spanning group, a minus-free
       * coefficient with stars as a superscript run, the notes */
      CHECK(strstr(x, "Table 1 &lt;Investment&gt; &amp; capital") != NULL);
      CHECK(strstr(x, "Capital &quot;K&quot;") != NULL);
      CHECK(strstr(x, "<w:gridSpan w:val=\"2\"/>") != NULL);
      CHECK(strstr(x, ">0.414</w:t></w:r><w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:t>***</w:t>") != NULL);
      CHECK(strstr(x, "Standard errors in parentheses, clustered by firm") != NULL);
      CHECK(strstr(x, "A note with &lt; and &amp;.") != NULL);
    }
    free(x);
  }
  /* the same table gives the same bytes */
  char path2[4096];
  snprintf(path2, sizeof path2, "%s", cn_test_path(cn_test_tmpdir(), "t2.docx"));
  CHECK_STATUS(cn_regtable_write(ms, 2, &o, path2, &d), CN_OK, &d);
  snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s' && echo same", path, path2);
  char *c = run(cmd);
  CHECK_STR(c, "same\n");
  free(c);
  /* text only in a file */
  char *s = NULL;
  CHECK_INT(cn_regtable_text(ms, 2, &o, &s, &d), CN_EUSAGE);
  CHECK(s == NULL);
  cn_model_free(m);
}

TEST(regtable_format_names) {
  cn_regtable_format f;
  CHECK(cn_regtable_format_by_path("t.docx", &f) && f == CN_REGTABLE_DOCX);
  CHECK(cn_regtable_format_by_path("a.b/t.htm", &f) && f == CN_REGTABLE_HTML);
  CHECK(!cn_regtable_format_by_path("t.foo", &f));
  CHECK(!cn_regtable_format_by_path("dir.d/t", &f));
  CHECK(!cn_regtable_format_by_name("doc", &f));
  CHECK_STR(cn_regtable_format_list(), "txt, md, tex, csv, html, xlsx, docx");
}
