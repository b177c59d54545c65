/* lib/study/report.c — the report of a study run, as Markdown and as one
 * self-contained HTML page (inline CSS and SVG, no script, no external
 * resource). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../base/base_int.h"
#include "coinnet/study.h"

typedef enum { B_TEXT, B_STEP, B_TABLE, B_FIGURE } block_kind;

typedef struct block {
  block_kind kind;
  int level;       /* B_TEXT: 0 paragraph, 1..6 heading */
  int number;      /* B_TABLE, B_FIGURE: 1, 2, ... */
  char *text;      /* B_TEXT: the text; others: the command */
  char **outputs;  /* B_STEP */
  int n_outputs;
  char *md, *html; /* B_TABLE */
  char *path;      /* B_FIGURE: the SVG file */
  char *svg;       /* B_FIGURE: the SVG text, ready to embed */
} block;

typedef struct input {
  char *path, *sha;
  int64_t size;
} input;

struct cn_report {
  char *title;
  block *blocks;
  size_t n, cap;
  char **keys, **values;
  size_t n_prov, cap_k, cap_v;
  input *inputs;
  size_t n_inputs, cap_in;
  int n_tables, n_figures;
};

static void free_block(block *b) {
  cn_free(b->text);
  for (int k = 0; k < b->n_outputs; k++) cn_free(b->outputs[k]);
  cn_free(b->outputs);
  cn_free(b->md);
  cn_free(b->html);
  cn_free(b->path);
  cn_free(b->svg);
}

cn_report *cn_report_new(const char *title) {
  cn_report *r = cn_calloc(1, sizeof *r);
  if (!r) return NULL;
  r->title = cn_strdup(title ? title : "coinnet study");
  if (!r->title) {
    cn_free(r);
    return NULL;
  }
  return r;
}

void cn_report_free(cn_report *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n; i++) free_block(&r->blocks[i]);
  cn_free(r->blocks);
  for (size_t i = 0; i < r->n_prov; i++) {
    cn_free(r->keys[i]);
    cn_free(r->values[i]);
  }
  cn_free(r->keys);
  cn_free(r->values);
  for (size_t i = 0; i < r->n_inputs; i++) {
    cn_free(r->inputs[i].path);
    cn_free(r->inputs[i].sha);
  }
  cn_free(r->inputs);
  cn_free(r->title);
  cn_free(r);
}

/* A new zeroed block at the end; NULL when out of memory. */
static block *add_block(cn_report *r, block_kind kind) {
  if (!cn__grow((void **)&r->blocks, &r->cap, r->n + 1, sizeof *r->blocks)) return NULL;
  block *b = &r->blocks[r->n++];
  memset(b, 0, sizeof *b);
  b->kind = kind;
  return b;
}

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* Drops the block being added (after a failure); returns st. */
static cn_status undo(cn_report *r, cn_status st) {
  block *b = &r->blocks[--r->n];
  if (b->kind == B_TABLE) r->n_tables--;
  if (b->kind == B_FIGURE) r->n_figures--;
  free_block(b);
  return st;
}

cn_status cn_report_text(cn_report *r, int level, const char *text, cn_diag *d) {
  if (level < 0 || level > 6) return cn_diag_set(d, CN_EUSAGE, "a heading level is 1 to 6");
  block *b = add_block(r, B_TEXT);
  if (!b) return oom(d);
  b->level = level;
  if (!(b->text = cn_strdup(text))) return undo(r, oom(d));
  return CN_OK;
}

cn_status cn_report_step(cn_report *r, const char *command, const char *const *outputs,
                         int n_outputs, cn_diag *d) {
  block *b = add_block(r, B_STEP);
  if (!b) return oom(d);
  if (!(b->text = cn_strdup(command))) return undo(r, oom(d));
  if (n_outputs > 0) {
    if (!(b->outputs = cn_calloc((size_t)n_outputs, sizeof *b->outputs))) return undo(r, oom(d));
    for (int k = 0; k < n_outputs; k++) {
      if (!(b->outputs[k] = cn_strdup(outputs[k]))) return undo(r, oom(d));
      b->n_outputs = k + 1;
    }
  }
  return CN_OK;
}

cn_status cn_report_table(cn_report *r, const char *command, const char *md, const char *html,
                          cn_diag *d) {
  block *b = add_block(r, B_TABLE);
  if (!b) return oom(d);
  b->number = ++r->n_tables;
  if (!(b->text = cn_strdup(command)) || !(b->md = cn_strdup(md)) || !(b->html = cn_strdup(html)))
    return undo(r, oom(d));
  return CN_OK;
}

static bool starts(const char *s, const char *end, const char *pre) {
  size_t k = strlen(pre);
  return (size_t)(end - s) >= k && !memcmp(s, pre, k);
}

/* The SVG ready to sit in the page: from its <svg> element on (the XML
 * declaration and comments before it dropped), every id and every
 * reference to one (href="#x", url(#x)) prefixed with "fN-". */
static char *embed_svg(const char *svg, size_t n, int number) {
  const char *p = svg, *end = svg + n;
  while (p < end && !starts(p, end, "<svg")) p++;
  if (p == end) return NULL;
  while (end > p && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r')) end--;
  cn_buf b = {0};
  char pre[32];
  snprintf(pre, sizeof pre, "f%d-", number);
  static const char *const marks[] = {" id=\"", "href=\"#", "url(#"};
  while (p < end) {
    bool hit = false;
    for (int k = 0; k < 3 && !hit; k++)
      if (starts(p, end, marks[k])) {
        cn__buf_append(&b, marks[k], strlen(marks[k]));
        cn__buf_append(&b, pre, strlen(pre));
        p += strlen(marks[k]);
        hit = true;
      }
    if (!hit) cn__buf_append(&b, p++, 1);
  }
  cn__buf_append(&b, "", 0);
  if (b.failed) {
    cn__buf_free(&b);
    return NULL;
  }
  return b.data;
}

cn_status cn_report_figure(cn_report *r, const char *command, const char *path,
                           const char *svg, size_t svg_len, cn_diag *d) {
  block *b = add_block(r, B_FIGURE);
  if (!b) return oom(d);
  b->number = ++r->n_figures;
  if (!(b->text = cn_strdup(command)) || !(b->path = cn_strdup(path))) return undo(r, oom(d));
  b->svg = embed_svg(svg, svg_len, b->number);
  if (!b->svg) return undo(r, cn_diag_set(d, CN_EDATA, "%s: not an SVG figure", path));
  return CN_OK;
}

cn_status cn_report_prov(cn_report *r, const char *key, const char *value, cn_diag *d) {
  if (!cn__grow((void **)&r->keys, &r->cap_k, r->n_prov + 1, sizeof *r->keys) ||
      !cn__grow((void **)&r->values, &r->cap_v, r->n_prov + 1, sizeof *r->values))
    return oom(d);
  char *k = cn_strdup(key), *v = cn_strdup(value);
  if (!k || !v) {
    cn_free(k);
    cn_free(v);
    return oom(d);
  }
  r->keys[r->n_prov] = k;
  r->values[r->n_prov++] = v;
  return CN_OK;
}

cn_status cn_report_input(cn_report *r, const char *path, int64_t size, const char *sha256,
                          cn_diag *d) {
  if (!cn__grow((void **)&r->inputs, &r->cap_in, r->n_inputs + 1, sizeof *r->inputs)) return oom(d);
  input *in = &r->inputs[r->n_inputs];
  in->path = cn_strdup(path);
  in->sha = cn_strdup(sha256);
  in->size = size;
  if (!in->path || !in->sha) {
    cn_free(in->path);
    cn_free(in->sha);
    return oom(d);
  }
  r->n_inputs++;
  return CN_OK;
}

/* ---- Markdown ---------------------------------------------------- */

static void put(cn_buf *b, const char *s) { cn__buf_append(b, s, strlen(s)); }

/* s as a Markdown code span: fenced with one backtick more than its
 * longest run of backticks. */
static void md_code(cn_buf *b, const char *s) {
  int run = 0, longest = 0;
  for (const char *p = s; *p; p++) {
    run = *p == '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  bool pad = longest > 0;
  for (int i = 0; i <= longest; i++) put(b, "`");
  if (pad) put(b, " ");
  for (const char *p = s; *p; p++) cn__buf_append(b, *p == '\n' ? " " : p, 1);
  if (pad) put(b, " ");
  for (int i = 0; i <= longest; i++) put(b, "`");
}

/* A link target: in <...> when it holds a space or a parenthesis. */
static void md_target(cn_buf *b, const char *path) {
  bool wrap = strpbrk(path, " ()<>") != NULL;
  if (wrap) put(b, "<");
  put(b, path);
  if (wrap) put(b, ">");
}

/* Text in a Markdown table cell: '|' escaped, newlines as spaces. */
static void md_cell(cn_buf *b, const char *s) {
  for (const char *p = s; *p; p++) {
    if (*p == '|') put(b, "\\|");
    else cn__buf_append(b, *p == '\n' ? " " : p, 1);
  }
}

static void render_md(const cn_report *r, cn_buf *b) {
  for (size_t i = 0; i < r->n; i++) {
    const block *k = &r->blocks[i];
    switch (k->kind) {
    case B_TEXT:
      for (int l = 0; l < k->level; l++) put(b, "#");
      if (k->level) put(b, " ");
      put(b, k->text);
      put(b, "\n\n");
      break;
    case B_STEP:
      md_code(b, k->text);
      for (int o = 0; o < k->n_outputs; o++) {
        put(b, o ? ", " : " → ");
        put(b, "[");
        put(b, k->outputs[o]);
        put(b, "](");
        md_target(b, k->outputs[o]);
        put(b, ")");
      }
      put(b, "\n\n");
      break;
    case B_TABLE:
      cn__buf_printf(b, "**Table %d.** ", k->number);
      md_code(b, k->text);
      put(b, "\n\n");
      put(b, k->md);
      if (k->md[0] && k->md[strlen(k->md) - 1] != '\n') put(b, "\n");
      put(b, "\n");
      break;
    case B_FIGURE:
      cn__buf_printf(b, "![Figure %d](", k->number);
      md_target(b, k->path);
      cn__buf_printf(b, ")\n\n**Figure %d.** [%s](", k->number, k->path);
      md_target(b, k->path);
      put(b, ") ");
      md_code(b, k->text);
      put(b, "\n\n");
      break;
    }
  }
  put(b, "## Provenance\n\n");
  for (size_t i = 0; i < r->n_prov; i++) {
    put(b, "- ");
    put(b, r->keys[i]);
    put(b, ": ");
    md_code(b, r->values[i]);
    put(b, "\n");
  }
  if (r->n_inputs) {
    put(b, "\n| input | bytes | SHA-256 |\n| :--- | ---: | :--- |\n");
    for (size_t i = 0; i < r->n_inputs; i++) {
      put(b, "| ");
      md_cell(b, r->inputs[i].path);
      cn__buf_printf(b, " | %lld | %s |\n", (long long)r->inputs[i].size, r->inputs[i].sha);
    }
  }
}

/* ---- HTML -------------------------------------------------------- */

static void esc(cn_buf *b, const char *s) {
  for (const char *p = s; *p; p++) {
    switch (*p) {
    case '&': put(b, "&amp;"); break;
    case '<': put(b, "&lt;"); break;
    case '>': put(b, "&gt;"); break;
    case '"': put(b, "&quot;"); break;
    default: cn__buf_append(b, p, 1);
    }
  }
}

/* A relative link to an output file. */
static void html_link(cn_buf *b, const char *path) {
  put(b, "<a href=\"");
  for (const char *p = path; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c <= ' ' || c == '"' || c == '#' || c == '%' || c == '?' || c == '<' || c == '>' || c == '\\')
      cn__buf_printf(b, "%%%02X", c);
    else if (c == '&')
      put(b, "&amp;");
    else
      cn__buf_append(b, p, 1);
  }
  put(b, "\">");
  esc(b, path);
  put(b, "</a>");
}

static const char css[] =
    "body{margin:0;background:#fff;color:#1a1a1a;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\","
    "\"Noto Sans\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",sans-serif}\n"
    "main{max-width:60rem;margin:0 auto;padding:1.5rem}\n"
    "h1,h2,h3,h4,h5,h6{line-height:1.25;margin:1.6em 0 .6em}\n"
    "code{font:.9em/1.4 ui-monospace,\"DejaVu Sans Mono\",monospace;background:#f3f3f3;"
    "padding:.1em .3em;border-radius:3px;white-space:pre-wrap;word-break:break-word}\n"
    "p.step{margin:.4em 0;color:#444}\n"
    "figure{margin:1.5em 0;overflow-x:auto}\n"
    "figcaption{font-size:.9em;color:#444;margin-top:.4em}\n"
    "figure svg{display:block;max-width:100%;height:auto}\n"
    "figure.regtable table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
    "figure.regtable th,figure.regtable td{padding:.15em .8em;text-align:center}\n"
    "figure.regtable th:first-child,figure.regtable td:first-child{text-align:left}\n"
    "figure.regtable thead{border-top:2px solid #000;border-bottom:1px solid #000}\n"
    "figure.regtable tbody+tbody{border-top:1px solid #000}\n"
    "figure.regtable tfoot{border-top:2px solid #000;font-size:.85em}\n"
    "figure.regtable tfoot td{text-align:left}\n"
    "figure.regtable caption{font-weight:600;margin-bottom:.3em}\n"
    "section.provenance{margin-top:3em;border-top:1px solid #ccc;font-size:.9em}\n"
    "section.provenance dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}\n"
    "section.provenance dd{margin:0}\n"
    "table.inputs{border-collapse:collapse;margin-top:1em}\n"
    "table.inputs th,table.inputs td{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}\n"
    "table.inputs td.num{text-align:right}\n"
    "table.inputs td.sha{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
    "font-size:.85em;word-break:break-all}\n";

static void render_html(const cn_report *r, cn_buf *b) {
  const char *title = NULL;
  for (size_t i = 0; i < r->n && !title; i++)
    if (r->blocks[i].kind == B_TEXT && r->blocks[i].level == 1) title = r->blocks[i].text;
  put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"generator\" content=\"coinnet\">\n<title>");
  esc(b, title ? title : r->title);
  put(b, "</title>\n<style>\n");
  put(b, css);
  put(b, "</style>\n</head>\n<body>\n<main>\n");
  if (!title) {
    put(b, "<h1>");
    esc(b, r->title);
    put(b, "</h1>\n");
  }
  for (size_t i = 0; i < r->n; i++) {
    const block *k = &r->blocks[i];
    switch (k->kind) {
    case B_TEXT:
      if (k->level) cn__buf_printf(b, "<h%d>", k->level);
      else put(b, "<p>");
      esc(b, k->text);
      if (k->level) cn__buf_printf(b, "</h%d>\n", k->level);
      else put(b, "</p>\n");
      break;
    case B_STEP:
      put(b, "<p class=\"step\"><code>");
      esc(b, k->text);
      put(b, "</code>");
      for (int o = 0; o < k->n_outputs; o++) {
        put(b, o ? ", " : " → ");
        html_link(b, k->outputs[o]);
      }
      put(b, "</p>\n");
      break;
    case B_TABLE:
      cn__buf_printf(b, "<figure class=\"regtable\" id=\"table-%d\">\n", k->number);
      put(b, k->html);
      if (k->html[0] && k->html[strlen(k->html) - 1] != '\n') put(b, "\n");
      cn__buf_printf(b, "<figcaption>Table %d. <code>", k->number);
      esc(b, k->text);
      put(b, "</code></figcaption>\n</figure>\n");
      break;
    case B_FIGURE:
      cn__buf_printf(b, "<figure class=\"figure\" id=\"figure-%d\">\n", k->number);
      put(b, k->svg);
      cn__buf_printf(b, "\n<figcaption>Figure %d. ", k->number);
      html_link(b, k->path);
      put(b, " <code>");
      esc(b, k->text);
      put(b, "</code></figcaption>\n</figure>\n");
      break;
    }
  }
  put(b, "<section class=\"provenance\" id=\"provenance\">\n<h2>Provenance</h2>\n<dl>\n");
  for (size_t i = 0; i < r->n_prov; i++) {
    put(b, "<dt>");
    esc(b, r->keys[i]);
    put(b, "</dt><dd><code>");
    esc(b, r->values[i]);
    put(b, "</code></dd>\n");
  }
  put(b, "</dl>\n");
  if (r->n_inputs) {
    put(b, "<table class=\"inputs\">\n<thead><tr><th>input</th><th>bytes</th><th>SHA-256</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->n_inputs; i++) {
      put(b, "<tr><td>");
      esc(b, r->inputs[i].path);
      cn__buf_printf(b, "</td><td class=\"num\">%lld</td><td class=\"sha\">%s</td></tr>\n",
                     (long long)r->inputs[i].size, r->inputs[i].sha);
    }
    put(b, "</tbody>\n</table>\n");
  }
  put(b, "</section>\n</main>\n</body>\n</html>\n");
}

/* Writes b to path; false with errno set on failure. */
static bool write_all(const char *path, const cn_buf *b) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return false;
  bool ok = fwrite(b->data, 1, b->len, fp) == b->len;
  if (fclose(fp) != 0) ok = false;
  return ok;
}

cn_status cn_report_write(const cn_report *r, const char *md_path, const char *html_path,
                          cn_diag *d) {
  cn_status st = CN_OK;
  cn_buf md = {0}, html = {0};
  render_md(r, &md);
  render_html(r, &html);
  if (md.failed || html.failed) {
    st = oom(d);
    goto done;
  }
  if (md_path && !write_all(md_path, &md)) {
    st = cn_diag_set(d, CN_EDATA, "cannot write %s: %s", md_path, strerror(errno));
    goto done;
  }
  if (html_path && !write_all(html_path, &html))
    st = cn_diag_set(d, CN_EDATA, "cannot write %s: %s", html_path, strerror(errno));
done:
  cn__buf_free(&md);
  cn__buf_free(&html);
  return st;
}
