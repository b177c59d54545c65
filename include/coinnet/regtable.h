/* coinnet/regtable.h — the paper's regression table from saved models, as
 * Stata's esttab makes it: one column per model, coefficients with stars
 * and standard errors in parentheses, fixed-effect and fit rows, a note.
 *
 * Models come from cn_reg or from the JSON documents cn_model_json writes
 * (read back with cn_model_read_json). The table is written as aligned
 * text, Markdown, LaTeX (booktabs), CSV, HTML or an Excel workbook.
 *
 * Ownership: a model read here is released with cn_model_free; strings
 * returned through char ** are released with cn_free. The options only
 * borrow the caller's arrays and strings. */
#ifndef COINNET_REGTABLE_H
#define COINNET_REGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include "coinnet/base.h"
#include "coinnet/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a model from a JSON document in the schema of spec/cli.md
 * (schema_version 1). Unknown keys are skipped; fields that are absent keep
 * their empty value (NaN for statistics, 0 for counts); the variance
 * matrix V and the formula are not part of the document and stay NULL.
 * Errors are CN_EDATA with the file, line and column: a syntax error, a
 * value of the wrong type, another schema_version, a missing "depvar" or
 * "coefficients". A file that cannot be opened is CN_EDATA too. */
cn_status cn_model_read_json(const char *path, cn_model **out, cn_diag *d);
/* The same from text[0..len); name stands for the file in messages. */
cn_status cn_model_parse_json(const char *text, size_t len, const char *name,
                              cn_model **out, cn_diag *d);

typedef enum cn_regtable_format {
  CN_REGTABLE_TXT = 0, /* aligned with spaces */
  CN_REGTABLE_MD,      /* Markdown pipe table */
  CN_REGTABLE_TEX,     /* LaTeX tabular with booktabs rules */
  CN_REGTABLE_CSV,     /* one cell per field, RFC 4180 quoting */
  CN_REGTABLE_HTML,    /* a <table> with <thead> and <tbody> */
  CN_REGTABLE_XLSX     /* an Excel workbook (files only) */
} cn_regtable_format;

/* The format called name ("txt", "md", "tex", "csv", "html", "xlsx");
 * false when there is none. */
bool cn_regtable_format_by_name(const char *name, cn_regtable_format *out);
/* The format of a file name's extension (.txt, .md, .tex, .csv, .html or
 * .htm, .xlsx); false when the extension is none of them. */
bool cn_regtable_format_by_path(const char *path, cn_regtable_format *out);

#define CN_REGTABLE_MAX_STARS 4

typedef struct cn_regtable_opts {
  cn_regtable_format format;
  int digits; /* decimals of coefficients, errors and R²; 0..10 */
  /* significance levels, decreasing: p below stars[k] earns k+1 stars */
  int n_stars;
  double stars[CN_REGTABLE_MAX_STARS];
  /* coefficients shown: those named in keep (all when n_keep is 0) less
   * those named in drop; a name may hold '*' and '?' wildcards */
  const char *const *keep;
  int n_keep;
  const char *const *drop;
  int n_drop;
  /* row labels: label_names[i] is shown as labels[i] (coefficients, fixed
   * effects, dependent variables) */
  const char *const *label_names;
  const char *const *labels;
  int n_labels;
  const char *title; /* NULL: none */
  /* iv models: a column for each first stage before the second stage (the
   * reference paper's Table 3) */
  bool first_stage;
} cn_regtable_opts;

/* Defaults: txt, 3 digits, stars at 0.10, 0.05 and 0.01, every
 * coefficient, no labels, no title. */
void cn_regtable_opts_init(cn_regtable_opts *o);

/* The table of models[0..n) in a text format (every format but xlsx) as a
 * new NUL-terminated string in *out. Coefficient rows follow the order of
 * first appearance across the models, `_cons` last. Bad options (no model,
 * digits out of range, stars not decreasing in (0, 1), xlsx, a keep/drop
 * list that leaves nothing) are CN_EUSAGE. */
cn_status cn_regtable_text(const cn_model *const *models, int n, const cn_regtable_opts *o,
                           char **out, cn_diag *d);
/* The same table written to path in o->format (xlsx too); an unwritable
 * file is CN_EINTERNAL naming it. */
cn_status cn_regtable_write(const cn_model *const *models, int n, const cn_regtable_opts *o,
                            const char *path, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
