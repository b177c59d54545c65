/* lib/study/report.c — the report of a study run, as Markdown and as one
 * self-contained HTML page (inline CSS and SVG, no script, no external
 * resource). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "../base/base_int.h"
#include "coinnet/study.h"

typedef enum { B_TEXT, B_STEP, B_TABLE, B_FIGURE, B_GRID } block_kind;

typedef struct block {
  block_kind kind;
  int level;       /* B_TEXT: 0 paragraph, 1..6 heading */
  int number;      /* B_TABLE, B_FIGURE: 1, 2, ... */
  char *text;      /* B_TEXT: the text; B_GRID: NULL; others: the command */
  char **outputs;  /* B_STEP */
  int n_outputs;
  char *caption;   /* B_TABLE, B_FIGURE: the caption without "Table K." (may be empty) */
  char *md, *html; /* B_TABLE */
  char *path;      /* B_FIGURE: the SVG file */
  char *svg;       /* B_FIGURE: the SVG text, ready to embed */
  int ncol, nrow;  /* B_GRID: the columns, the rows after the header */
  char **cells;    /* B_GRID: (nrow + 1) * ncol cells, the header first */
  char *align;     /* B_GRID: one of l, r, c per column */
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
  cn_free(b->caption);
  for (int k = 0; b->cells && k < (b->nrow + 1) * b->ncol; k++) cn_free(b->cells[k]);
  cn_free(b->cells);
  cn_free(b->align);
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

static void put(cn_buf *b, const char *s) { cn__buf_append(b, s, strlen(s)); }

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

/* The caption without an author's own number: "Table 5. Heterogeneity"
 * and "Table 5: Heterogeneity" give "Heterogeneity" (word is "Table" or
 * "Figure"), since the report numbers its tables and figures itself, as
 * LaTeX does. A new string; NULL when out of memory. */
static char *own_caption(const char *caption, const char *word) {
  const char *p = caption ? caption : "";
  while (*p == ' ') p++;
  size_t w = strlen(word);
  if (!strncasecmp(p, word, w) && p[w] == ' ') {
    const char *q = p + w;
    while (*q == ' ') q++;
    if (*q >= '0' && *q <= '9') {
      while (*q >= '0' && *q <= '9') q++;
      if (*q == '.' || *q == ':') q++;
      if (*q == ' ' || *q == '\0') {
        while (*q == ' ') q++;
        p = q;
      }
    }
  }
  return cn_strdup(p);
}

cn_status cn_report_table(cn_report *r, const char *command, const char *caption, const char *md,
                          const char *html, cn_diag *d) {
  block *b = add_block(r, B_TABLE);
  if (!b) return oom(d);
  b->number = ++r->n_tables;
  if (!(b->text = cn_strdup(command)) || !(b->caption = own_caption(caption, "Table")) ||
      !(b->md = cn_strdup(md)) || !(b->html = cn_strdup(html)))
    return undo(r, oom(d));
  return CN_OK;
}

cn_status cn_report_grid(cn_report *r, int ncol, const char *const *header, const char *align,
                         int nrow, const char *const *cells, cn_diag *d) {
  if (ncol < 1 || nrow < 0 || !header || (nrow && !cells))
    return cn_diag_set(d, CN_EUSAGE, "a grid has one column or more and a header");
  if (!align || strlen(align) != (size_t)ncol || strspn(align, "lrc") != (size_t)ncol)
    return cn_diag_set(d, CN_EUSAGE, "a grid's alignment is one of l, r, c per column (%d)", ncol);
  block *b = add_block(r, B_GRID);
  if (!b) return oom(d);
  b->ncol = ncol;
  b->nrow = nrow;
  size_t n = (size_t)(nrow + 1) * (size_t)ncol;
  if (!(b->align = cn_strdup(align)) || !(b->cells = cn_calloc(n, sizeof *b->cells))) return undo(r, oom(d));
  for (size_t k = 0; k < n; k++) {
    const char *c = k < (size_t)ncol ? header[k] : cells[k - (size_t)ncol];
    if (!(b->cells[k] = cn_strdup(c ? c : ""))) return undo(r, oom(d));
  }
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

/* The text of the first <name>...</name> element of the SVG's opening
 * (before its first <defs> or <g>), its entities decoded, appended to b;
 * false when there is none. */
static bool svg_text(cn_buf *b, const char *svg, const char *name) {
  char open[32], close[32];
  snprintf(open, sizeof open, "<%s>", name);
  snprintf(close, sizeof close, "</%s>", name);
  const char *s = strstr(svg, "<svg"), *p = s ? strstr(s, open) : NULL;
  const char *defs = s ? strstr(s, "<defs") : NULL, *g = s ? strstr(s, "<g") : NULL;
  if (!p || (defs && defs < p) || (g && g < p)) return false;
  p += strlen(open);
  const char *e = strstr(p, close);
  if (!e) return false;
  static const char *const ent[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
                                       {"&apos;", "'"}};
  while (p < e) {
    bool hit = false;
    for (size_t k = 0; k < sizeof ent / sizeof *ent && !hit; k++)
      if (starts(p, e, ent[k][0])) {
        put(b, ent[k][1]);
        p += strlen(ent[k][0]);
        hit = true;
      }
    if (!hit) cn__buf_append(b, *p == '\n' ? " " : p, 1), p++;
  }
  return true;
}

/* The figure's caption: the SVG's <title>, then its <desc>, each ending
 * in a full stop ("" when it has neither). */
static char *svg_caption(const char *svg) {
  cn_buf b = {0};
  for (int k = 0; k < 2; k++) {
    size_t at = b.len;
    if (at) put(&b, " ");
    if (!svg_text(&b, svg, k ? "desc" : "title")) {
      b.len = at;
      continue;
    }
    if (b.len > at && b.data[b.len - 1] != '.') put(&b, ".");
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
  char *cap = svg_caption(b->svg);
  b->caption = cap ? own_caption(cap, "Figure") : NULL;
  cn_free(cap);
  if (!b->caption) return undo(r, oom(d));
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

/* A caption line: "**Table K.** caption". */
static void md_caption(cn_buf *b, const char *word, int number, const char *caption) {
  cn__buf_printf(b, "**%s %d.**", word, number);
  if (caption[0]) {
    put(b, " ");
    put(b, caption);
  }
  put(b, "\n\n");
}

/* The links to a step's outputs: " → [a](a), [b](b)". */
static void md_outputs(cn_buf *b, char *const *outputs, int n) {
  for (int o = 0; o < n; o++) {
    put(b, o ? ", " : " → ");
    put(b, "[");
    put(b, outputs[o]);
    put(b, "](");
    md_target(b, outputs[o]);
    put(b, ")");
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
      md_outputs(b, k->outputs, k->n_outputs);
      put(b, "\n\n");
      break;
    case B_TABLE:
      /* the caption above the table, the command that made it below */
      md_caption(b, "Table", k->number, k->caption);
      put(b, k->md);
      if (k->md[0] && k->md[strlen(k->md) - 1] != '\n') put(b, "\n");
      put(b, "\n");
      md_code(b, k->text);
      put(b, "\n\n");
      break;
    case B_FIGURE: {
      /* the figure, its caption below it, then the command */
      cn__buf_printf(b, "![Figure %d](", k->number);
      md_target(b, k->path);
      put(b, ")\n\n");
      md_caption(b, "Figure", k->number, k->caption);
      md_code(b, k->text);
      char *path = k->path;
      md_outputs(b, &path, 1);
      put(b, "\n\n");
      break;
    }
    case B_GRID:
      for (int row = 0; row <= k->nrow; row++) {
        for (int c = 0; c < k->ncol; c++) {
          const char *cell = k->cells[row * k->ncol + c];
          put(b, "| ");
          md_cell(b, cell);
          if (cell[0]) put(b, " ");
        }
        put(b, "|\n");
        if (row == 0) {
          for (int c = 0; c < k->ncol; c++)
            put(b, k->align[c] == 'r' ? "|--:" : k->align[c] == 'c' ? "|:-:" : "|:--");
          put(b, "|\n");
        }
      }
      put(b, "\n");
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

/* Text of a heading or a paragraph: escaped, with Markdown code spans
 * (`x`, ``a `b` c``: a run of backticks up to the next run of the same
 * length) as <code> when markup, as their bare text otherwise (the page's
 * <title>). A backtick without its closing run stays as it is. */
static void html_inline(cn_buf *b, const char *s, bool markup) {
  const char *p = s;
  while (*p) {
    if (*p != '`') {
      const char *q = strchr(p, '`');
      size_t n = q ? (size_t)(q - p) : strlen(p);
      char *part = cn_malloc(n + 1);
      if (!part) {
        b->failed = true;
        return;
      }
      memcpy(part, p, n);
      part[n] = '\0';
      esc(b, part);
      cn_free(part);
      p += n;
      continue;
    }
    size_t run = strspn(p, "`");
    const char *body = p + run, *close = NULL;
    for (const char *q = body; (q = strchr(q, '`')) != NULL;) {
      size_t m = strspn(q, "`");
      if (m == run) {
        close = q;
        break;
      }
      q += m;
    }
    if (!close) {
      cn__buf_append(b, p, run);
      p = body;
      continue;
    }
    const char *from = body, *to = close;
    if (to - from >= 2 && from[0] == ' ' && to[-1] == ' ' && strspn(from, " ") < (size_t)(to - from))
      from++, to--;
    if (markup) put(b, "<code>");
    for (const char *c = from; c < to; c++) {
      char one[2] = {*c == '\n' ? ' ' : *c, '\0'};
      esc(b, one);
    }
    if (markup) put(b, "</code>");
    p = close + run;
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
    "code{font:.9em/1.4 ui-monospace,\"DejaVu Sans Mono\",\"WenQuanYi Micro Hei Mono\",monospace;"
    "background:#f3f3f3;padding:.1em .3em;border-radius:3px;white-space:break-spaces;overflow-wrap:anywhere}\n"
    "p.step{margin:.4em 0;color:#444}\n"
    "figure{margin:1.5em 0 .4em;overflow-x:auto}\n"
    "figcaption{font-size:.95em;margin:.5em 0}\n"
    "figcaption b{font-weight:600}\n"
    "figure svg{display:block;max-width:100%;height:auto;margin:0 auto}\n"
    "figure.regtable table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:0 auto}\n"
    "figure.regtable figcaption{text-align:center}\n"
    "figure.regtable th,figure.regtable td{padding:.15em .8em;text-align:center}\n"
    "figure.regtable th:first-child,figure.regtable td:first-child{text-align:left}\n"
    "figure.regtable thead{border-top:2px solid #000;border-bottom:1px solid #000}\n"
    "figure.regtable tbody+tbody{border-top:1px solid #000}\n"
    "figure.regtable tfoot{border-top:2px solid #000;font-size:.85em}\n"
    "figure.regtable tfoot td{text-align:left}\n"
    "figure.regtable caption{font-weight:600;margin-bottom:.3em}\n"
    "table.grid{border-collapse:collapse;margin:1em 0;font-variant-numeric:tabular-nums}\n"
    "table.grid th,table.grid td{padding:.3em .8em;border-bottom:1px solid #ddd;vertical-align:top}\n"
    "table.grid thead th{border-top:2px solid #000;border-bottom:1px solid #000;font-weight:600}\n"
    "table.grid tbody tr:last-child td{border-bottom:2px solid #000}\n"
    "table.grid .l{text-align:left}\ntable.grid .r{text-align:right}\ntable.grid .c{text-align:center}\n"
    "section.provenance{margin-top:3em;border-top:1px solid #ccc;font-size:.9em}\n"
    "section.provenance dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}\n"
    "section.provenance dd{margin:0}\n"
    "table.inputs{border-collapse:collapse;margin-top:1em}\n"
    "table.inputs th,table.inputs td{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}\n"
    "table.inputs td.num{text-align:right}\n"
    "table.inputs td.sha{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
    "font-size:.85em;word-break:break-all}\n";

/* A step's command and the links to its outputs, on one line. */
static void html_step(cn_buf *b, const char *command, char *const *outputs, int n) {
  put(b, "<p class=\"step\"><code>");
  esc(b, command);
  put(b, "</code>");
  for (int o = 0; o < n; o++) {
    put(b, o ? ", " : " → ");
    html_link(b, outputs[o]);
  }
  put(b, "</p>\n");
}

/* "<figcaption><b>Table K.</b> caption</figcaption>" */
static void html_caption(cn_buf *b, const char *word, int number, const char *caption) {
  cn__buf_printf(b, "<figcaption><b>%s %d.</b>", word, number);
  if (caption[0]) {
    put(b, " ");
    esc(b, caption);
  }
  put(b, "</figcaption>\n");
}

static void render_html(const cn_report *r, cn_buf *b) {
  const char *title = NULL;
  for (size_t i = 0; i < r->n && !title; i++)
    if (r->blocks[i].kind == B_TEXT && r->blocks[i].level == 1) title = r->blocks[i].text;
  put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"generator\" content=\"coinnet\">\n<title>");
  if (title) html_inline(b, title, false);
  else esc(b, r->title);
  put(b, "</title>\n<style>\n");
  put(b, css);
  put(b, "</style>\n</head>\n<body>\n<main>\n");
  /* the page is a list of sections: one opens at each heading of level 1
   * or 2 (and before the first block when no such heading starts it) */
  int sections = 0;
  bool open = false;
  if (!title) {
    cn__buf_printf(b, "<section id=\"sec-%d\">\n<h1>", sections++);
    open = true;
    esc(b, r->title);
    put(b, "</h1>\n");
  }
  for (size_t i = 0; i < r->n; i++) {
    const block *k = &r->blocks[i];
    bool starts_section = k->kind == B_TEXT && (k->level == 1 || k->level == 2);
    if (starts_section || !open) {
      if (open) put(b, "</section>\n");
      cn__buf_printf(b, "<section id=\"sec-%d\">\n", sections++);
      open = true;
    }
    switch (k->kind) {
    case B_TEXT:
      if (k->level) cn__buf_printf(b, "<h%d>", k->level);
      else put(b, "<p>");
      html_inline(b, k->text, true);
      if (k->level) cn__buf_printf(b, "</h%d>\n", k->level);
      else put(b, "</p>\n");
      break;
    case B_STEP:
      html_step(b, k->text, k->outputs, k->n_outputs);
      break;
    case B_TABLE:
      /* the caption above the table, as in a paper; the command below */
      cn__buf_printf(b, "<figure class=\"regtable\" id=\"table-%d\">\n", k->number);
      html_caption(b, "Table", k->number, k->caption);
      put(b, k->html);
      if (k->html[0] && k->html[strlen(k->html) - 1] != '\n') put(b, "\n");
      put(b, "</figure>\n");
      html_step(b, k->text, NULL, 0);
      break;
    case B_FIGURE: {
      cn__buf_printf(b, "<figure class=\"figure\" id=\"figure-%d\">\n", k->number);
      put(b, k->svg);
      put(b, "\n");
      html_caption(b, "Figure", k->number, k->caption);
      put(b, "</figure>\n");
      char *path = k->path;
      html_step(b, k->text, &path, 1);
      break;
    }
    case B_GRID:
      put(b, "<table class=\"grid\">\n<thead><tr>");
      for (int row = 0; row <= k->nrow; row++) {
        if (row == 1) put(b, "<tbody>\n");
        if (row) put(b, "<tr>");
        for (int c = 0; c < k->ncol; c++) {
          const char *tag = row ? "td" : "th";
          cn__buf_printf(b, "<%s class=\"%c\">", tag, k->align[c]);
          esc(b, k->cells[row * k->ncol + c]);
          cn__buf_printf(b, "</%s>", tag);
        }
        put(b, row ? "</tr>\n" : "</tr></thead>\n");
      }
      if (k->nrow) put(b, "</tbody>\n");
      put(b, "</table>\n");
      break;
    }
  }
  if (open) put(b, "</section>\n");
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
  if (md_path && (st = cn_output_write(md_path, md.data, md.len, d)) != CN_OK) goto done;
  if (html_path) st = cn_output_write(html_path, html.data, html.len, d);
done:
  cn__buf_free(&md);
  cn__buf_free(&html);
  return st;
}
