/* coinnet/regtable.h — the paper's regression table from saved models, as
 * Stata's esttab makes it: one column per model, coefficients with stars
 * and standard errors in parentheses, fixed-effect and fit rows, a note.
 *
 * Models come from cn_reg or from the JSON documents cn_model_json writes
 * (read back with cn_model_read_json). The table is written as aligned
 * text, Markdown, LaTeX (booktabs), CSV, HTML, an Excel workbook or a Word
 * document.
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
  CN_REGTABLE_XLSX,    /* an Excel workbook (files only) */
  CN_REGTABLE_DOCX     /* a Word document, Office Open XML (files only) */
} cn_regtable_format;

/* The format called name ("txt", "md", "tex", "csv", "html", "xlsx",
 * "docx"); false when there is none. */
bool cn_regtable_format_by_name(const char *name, cn_regtable_format *out);
/* The format of a file name's extension (.txt, .md, .tex, .csv, .html or
 * .htm, .xlsx, .docx); false when the extension is none of them (or there
 * is none). */
bool cn_regtable_format_by_path(const char *path, cn_regtable_format *out);
/* "txt, md, tex, csv, html, xlsx, docx": the format names, for messages. */
const char *cn_regtable_format_list(void);

#define CN_REGTABLE_MAX_STARS 4

/* What the parentheses under a coefficient hold. */
typedef enum cn_regtable_paren {
  CN_REGTABLE_SE = 0, /* standard error (default) */
  CN_REGTABLE_T,      /* t (or z) statistic */
  CN_REGTABLE_P,      /* p-value */
  CN_REGTABLE_CI      /* 95% confidence interval, in brackets */
} cn_regtable_paren;

/* How many digits one statistic gets: what is "b" (coefficients and the
 * auxiliary parameters), "se" (whatever the parentheses hold) or the name
 * of a statistic row ("r2", "N", ...: see cn_regtable_stat_list); n
 * decimals, or with significant n significant digits (esttab's a3). */
typedef struct cn_regtable_digits {
  const char *what;
  int n; /* 0..10 (significant: 1..10) */
  bool significant;
} cn_regtable_digits;

typedef struct cn_regtable_opts {
  cn_regtable_format format;
  int digits; /* decimals of coefficients, errors and R²; 0..10 */
  /* finer: digits per statistic, overriding digits (the last entry for a
   * statistic wins) */
  const cn_regtable_digits *digits_for;
  int n_digits_for;
  /* significance levels, decreasing: p below stars[k] earns k+1 stars */
  int n_stars;
  double stars[CN_REGTABLE_MAX_STARS];
  cn_regtable_paren paren;
  /* coefficients renamed before anything else: rename_from[i] (an exact
   * name) is shown, matched and merged as rename_to[i] (esttab rename) */
  const char *const *rename_from;
  const char *const *rename_to;
  int n_rename;
  /* coefficients shown: those named in keep (all when n_keep is 0) less
   * those named in drop; a name may hold '*' and '?' wildcards */
  const char *const *keep;
  int n_keep;
  const char *const *drop;
  int n_drop;
  /* rows matching order[0] first, then order[1], ..., then the rest in
   * their order of appearance */
  const char *const *order;
  int n_order;
  /* indicator rows (esttab indicate): a row indicate_labels[i] that says
   * Yes for a model with a coefficient or a fixed effect matching one of the
   * space-separated patterns of indicate_patterns[i], No otherwise; the
   * matching coefficients are not shown. A fixed effect F matches a
   * pattern that matches F or "F::" (so "ind2::*" covers both the ind2
   * dummies and an absorbed ind2). */
  const char *const *indicate_labels;
  const char *const *indicate_patterns;
  int n_indicate;
  /* row labels: label_names[i] is shown as labels[i] (coefficients, fixed
   * effects, clusters, dependent variables, statistics); with any label,
   * names without one are derived: L.x is "<x>, lagged", F.x "<x>, lead",
   * D.x "<x>, differenced", V::L "<V> = L", a:b "<a> × <b>", _cons
   * "Constant", a fixed effect F "<F> FE" */
  const char *const *label_names;
  const char *const *labels;
  int n_labels;
  const char *title; /* NULL: none */
  /* column titles instead of the dependent variables (at most one per
   * column; NULL or "" leaves a column's dependent variable) */
  const char *const *mtitles;
  int n_mtitles;
  /* column groups above the titles: mgroup_labels[i] spans the columns
   * mgroup_first[i] .. mgroup_last[i] (1-based, in order, not overlapping) */
  const char *const *mgroup_labels;
  const int *mgroup_first, *mgroup_last;
  int n_mgroups;
  /* the statistic rows, by name and in this order (NULL: the default set,
   * each shown when a model has it); see cn_regtable_stat_list */
  const char *const *stats;
  int n_stats;
  /* extra rows above the statistics: add_labels[i] with the cells
   * add_cells[i][0 .. n_add_cells[i]) for the first columns */
  const char *const *add_labels;
  const char *const *const *add_cells;
  const int *n_add_cells;
  int n_add;
  /* lines added below the table's own notes */
  const char *const *notes;
  int n_notes;
  /* iv models: a column for each first stage before the second stage (the
   * reference paper's Table 3) */
  bool first_stage;
} cn_regtable_opts;

/* Defaults: txt, 3 digits, stars at 0.10, 0.05 and 0.01, standard errors,
 * every coefficient, no labels, no title. */
void cn_regtable_opts_init(cn_regtable_opts *o);

/* The statistic names for opts.stats, comma-separated, for messages:
 * "N, r2, r2_a, r2_within, ...". */
const char *cn_regtable_stat_list(void);

/* The table of models[0..n) in a text format (every format but xlsx and
 * docx) as a new NUL-terminated string in *out. Coefficient rows follow
 * the order of first appearance across the models, `_cons` last; a
 * Heckman selection equation ("select:x") and the auxiliary parameters
 * (Tobit's sigma, which replaces its lnsigma; Heckman's lambda, rho and
 * sigma) come in panels of their own below them. The dummies of a fixed
 * effect a model lists but estimates as dummies ("year::2001" for the
 * fixed effect year of a Tobit) are not rows: the fixed effect's row says
 * Yes. Bad options (no model, digits out of range, stars not decreasing
 * in (0, 1), xlsx or docx, a keep/drop/order/indicate pattern that matches
 * nothing, a list that leaves nothing, an unknown statistic, more titles
 * than columns, bad groups) are CN_EUSAGE; two coefficients of one model
 * with the same name (after renaming) CN_EDATA. */
cn_status cn_regtable_text(const cn_model *const *models, int n, const cn_regtable_opts *o,
                           char **out, cn_diag *d);
/* The same table written to path in o->format (xlsx and docx too); an
 * unwritable file is CN_EDATA naming it. */
cn_status cn_regtable_write(const cn_model *const *models, int n, const cn_regtable_opts *o,
                            const char *path, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
