/* coinnet/study.h — study scripts, their report, and checksums for the
 * report's provenance (docs/study.md).
 *
 * A study script is a list of coinnet commands, one per line, without the
 * word `coinnet`; `#` starts a comment, `\` continues a line, arguments are
 * quoted as in the shell ('...' and "..."); lines starting with `##` are the
 * report's text. cn_study_parse turns it into items (steps and text), each
 * remembering where it stands in the script for error messages.
 *
 * A cn_report collects what a study run produced (text, tables, figures,
 * the other steps, provenance) and writes it as Markdown and as one
 * self-contained HTML page.
 *
 * Ownership: a cn_study is released with cn_study_free, a cn_report with
 * cn_report_free (both accept NULL). Strings handed to cn_report_* are
 * copied. Everything else returned through pointers is caller-owned and
 * released with cn_free. */
#ifndef COINNET_STUDY_H
#define COINNET_STUDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "coinnet/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cn_study_kind {
  CN_STUDY_STEP = 0, /* a command */
  CN_STUDY_TEXT      /* report text: a heading or a paragraph */
} cn_study_kind;

typedef struct cn_study_item {
  cn_study_kind kind;
  int64_t line, column; /* where the item starts (1-based; column in characters) */
  /* CN_STUDY_STEP: the words after unquoting, with where each one starts */
  int argc;
  char **argv; /* argv[argc] is NULL */
  int64_t *arg_line, *arg_column;
  /* CN_STUDY_TEXT: level 1..6 for a heading, 0 for a paragraph (its lines
   * joined by '\n') */
  int level;
  char *text;
} cn_study_item;

typedef struct cn_study {
  char *name; /* the script's name in messages */
  char *src;  /* the script's text, NUL-terminated */
  size_t len;
  int n;
  cn_study_item *items;
} cn_study;

/* Parses a study script text[0..len); name stands for it in messages.
 * Errors are CN_ESCRIPT at NAME:LINE:COLUMN with the line as snippet (an
 * unterminated quote, invalid UTF-8, a NUL byte). A script without any
 * step is not an error here. */
cn_status cn_study_parse(const char *text, size_t len, const char *name, cn_study **out,
                         cn_diag *d);
/* Reads and parses the script at path (named path in messages); a file
 * that cannot be read is CN_EUSAGE. */
cn_status cn_study_read(const char *path, cn_study **out, cn_diag *d);
void cn_study_free(cn_study *s);

/* Fills d with code and the message at the script's line and column, with
 * that line as snippet for a caret; returns code. */
cn_status cn_study_error(const cn_study *s, int64_t line, int64_t column, cn_status code,
                         cn_diag *d, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* SHA-256 (FIPS 180-4) of p[0..n) as 64 lowercase hex digits and a NUL. */
void cn_sha256_hex(const void *p, size_t n, char hex[65]);
/* SHA-256 of a file's bytes and its size. A file that cannot be read is
 * CN_EDATA naming it. */
cn_status cn_sha256_file(const char *path, char hex[65], int64_t *size, cn_diag *d);

typedef struct cn_report cn_report;

/* A new, empty report; NULL when out of memory. title (may be NULL) heads
 * the HTML page when the text has no heading of level 1. */
cn_report *cn_report_new(const char *title);
void cn_report_free(cn_report *r);
/* Report text: a heading (level 1..6) or a paragraph (level 0). The text
 * goes to Markdown as it is; to HTML escaped, with its Markdown code spans
 * (`x`) as <code>. In the HTML, each heading of level 1 or 2 starts a
 * <section id="sec-K"> (K = 0, 1, ...). */
cn_status cn_report_text(cn_report *r, int level, const char *text, cn_diag *d);
/* A step shown as one line: the command and the files it wrote (may be
 * none). */
cn_status cn_report_step(cn_report *r, const char *command, const char *const *outputs,
                         int n_outputs, cn_diag *d);
/* A regression table: its caption (the table's title; NULL or "" for
 * none), its Markdown and its HTML text (a <table> element, rendered
 * without a title of its own) and the command that made it. Tables are
 * numbered 1, 2, ...: the caption reads "Table K. caption", and a caption
 * that starts with its own "Table N." or "Table N:" loses that prefix, as
 * the report (like LaTeX) does the numbering. */
cn_status cn_report_table(cn_report *r, const char *command, const char *caption, const char *md,
                          const char *html, cn_diag *d);
/* A figure: the SVG file's name (linked from Markdown), its text (embedded
 * in the HTML, its XML declaration dropped and its ids made unique to the
 * figure) and the command that made it. Figures are numbered 1, 2, ...;
 * the caption below a figure is "Figure K." followed by the SVG's <title>
 * and <desc> (cn_plot_panels writes both), a "Figure N." prefix of its own
 * dropped as for tables. */
cn_status cn_report_figure(cn_report *r, const char *command, const char *path,
                           const char *svg, size_t svg_len, cn_diag *d);
/* A plain table of text cells (not numbered, no caption): header[ncol],
 * then cells[nrow * ncol] row by row; align holds l, r or c for each
 * column. A Markdown pipe table and an HTML <table class="grid">. */
cn_status cn_report_grid(cn_report *r, int ncol, const char *const *header, const char *align,
                         int nrow, const char *const *cells, cn_diag *d);
/* Provenance: one line "key: value" (the version, the command, seeds)... */
cn_status cn_report_prov(cn_report *r, const char *key, const char *value, cn_diag *d);
/* ... and one input file with its size and SHA-256 (hex). */
cn_status cn_report_input(cn_report *r, const char *path, int64_t size, const char *sha256,
                          cn_diag *d);
/* Writes the report as Markdown to md_path and as HTML to html_path. The
 * same calls give byte-identical files. An unwritable file is
 * CN_EINTERNAL naming it. */
cn_status cn_report_write(const cn_report *r, const char *md_path, const char *html_path,
                          cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
