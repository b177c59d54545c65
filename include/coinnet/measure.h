/* coinnet/measure.h — trade, agglomeration and concentration measures
 * (spec/measures.md). Each function reads a table and returns a new one
 * (caller-owned, cn_table_free) with the inputs' components beside the
 * result, and counts the rows it left out. */
#ifndef COINNET_MEASURE_H
#define COINNET_MEASURE_H

#include "coinnet/base.h"
#include "coinnet/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Herfindahl–Hirschman index by group (spec §5): HHI_g = Σ_{i∈g}
 * (v_i / Σ_{i∈g} v_i)². group is one or more key columns (e.g. the 4-digit
 * industry and the year), compared by their text so codes keep their
 * leading zeros; value is numeric (sales). Output: the keys (as text), n
 * (rows), total and hhi, one row per group in order of first appearance.
 * Rows with a missing key or value, or a negative value, are left out and
 * counted in *dropped; a group whose total is 0 gets a missing hhi. */
cn_status cn_measure_hhi(const cn_table *t, const char *const *keys, int nkeys,
                         const char *value, cn_table **out, int64_t *dropped, cn_diag *d);

/* Location quotients LQ_rs = (E_rs / E_r) / (E_s / E) (spec §5), within
 * each level of the optional `by` column (e.g. the year; NULL for none).
 * Output: [by,] region, sector, value (E_rs summed over rows), lq. Rows with
 * a missing key or value are left out and counted in *dropped. */
cn_status cn_measure_lq(const cn_table *t, const char *region, const char *sector,
                        const char *value, const char *by, cn_table **out, int64_t *dropped,
                        cn_diag *d);

/* Co-agglomeration of sector z (manufacturing) and sector s (producer
 * services) by region (spec §5, Chen Jianjun's index): from the location
 * quotients of cn_measure_lq, CO = [1 − |LQZ − LQS| / (LQZ + LQS)] +
 * (LQZ + LQS). Output: [by,] region, lqz, lqs, co, one row per region
 * (and by level) that has either sector; a missing sector counts as
 * LQ = 0 (no employment there). */
cn_status cn_measure_coagg(const cn_table *t, const char *region, const char *sector,
                           const char *value, const char *by, const char *z, const char *s,
                           cn_table **out, int64_t *dropped, cn_diag *d);

/* ---- export sophistication (spec §4) ---- */

/* What cn_measure_prody and cn_measure_expy left out or could not compute,
 * for the caller to report. Units and products are counted within each
 * level of `by` (a unit present in two years counts twice). */
typedef struct cn_sophist_report {
  int64_t rows_invalid;   /* export rows with a missing key, or a missing, non-finite or negative value */
  int64_t rows_merged;    /* rows summed into a (by, unit, product) cell seen before */
  int64_t units_no_income;  /* prody: exporting units without income, dropped */
  int64_t rows_no_income;   /* prody: the export rows of those units */
  int64_t income_no_trade;  /* prody: income keys matching no exporting unit */
  int64_t income_invalid;   /* prody: income rows with a missing key or a missing, non-finite or negative income */
  int64_t units_zero;       /* prody: units whose exports total 0, dropped; expy: units without
                               exports of a product with a PRODY (expy missing) */
  int64_t products_undefined; /* prody: products no kept unit exports (prody missing) */
  int64_t products_unmatched; /* expy: products without a PRODY */
  int64_t cells_unmatched;    /* expy: unit-product cells of those products */
  double value_unmatched;     /* expy: their export value */
  double value_total;         /* expy: the export value of all valid rows */
} cn_sophist_report;

/* Inputs of cn_measure_prody. unit, product, value (and by when not NULL,
 * e.g. the year) are columns of the exports table; keys are compared as
 * text. Income comes from the column income_col of `income` when that table
 * is given, joined by its column income_unit (NULL: the name of unit) and
 * also by `by` when the income table has a column of that name; when
 * income is NULL, income_col is a column of the exports table, constant
 * within each unit (and by level). */
typedef struct cn_prody_spec {
  const char *unit, *product, *value, *by;
  const cn_table *income;
  const char *income_col, *income_unit;
} cn_prody_spec;

/* PRODY (Hausmann, Hwang & Rodrik 2007): PRODY_k = Σ_c [(x_ck / X_c) /
 * Σ_c' (x_c'k / X_c')] · Y_c within each level of by. Rows of one (by,
 * unit, product) cell are summed. Units with exports but no income, and
 * units whose exports total 0, are dropped before the shares are computed;
 * income without exports is unused; all are counted in *r (may be NULL).
 * Output: [by,] product (text), n_units (units with x_ck > 0), prody (missing
 * when no kept unit exports k), one row per product in order of first
 * appearance. A unit with two different incomes is CN_EDATA. */
cn_status cn_measure_prody(const cn_table *exports, const cn_prody_spec *s, cn_table **out,
                           cn_sophist_report *r, cn_diag *d);

/* Inputs of cn_measure_expy: columns of the exports table as for PRODY;
 * the PRODY table with columns prody_product (NULL: the name of product)
 * and prody_col (NULL: "prody"), and `by` when it has a column of that name
 * (else one PRODY per product serves every level). keep_unmatched: 0 drops
 * the products without a PRODY from the basket (shares over the matched
 * exports), 1 keeps their value in X (their share counts as PRODY 0). */
typedef struct cn_expy_spec {
  const char *unit, *product, *value, *by;
  const cn_table *prody;
  const char *prody_product, *prody_col;
  int keep_unmatched;
} cn_expy_spec;

/* EXPY_c = Σ_k (x_ck / X_c) · PRODY_k for every unit (country, province or
 * firm) within each level of by. Output: [by,] unit (text), X (the
 * denominator), n_products (products with x_ck > 0 and a PRODY), expy
 * (missing when n_products is 0), one row per unit in order of first appearance.
 * Counts go to *r (may be NULL). Two different PRODY for one product is
 * CN_EDATA. */
cn_status cn_measure_expy(const cn_table *exports, const cn_expy_spec *s, cn_table **out,
                          cn_sophist_report *r, cn_diag *d);

/* ---- input-output tables (spec §2-3) ---- */

/* An inter-country input-output table in WIOD layout: n country-industries
 * labelled COUNTRY.INDUSTRY (the country is the text before the first '.'),
 * intermediate use Z (row = supplier, column = user), final demand F with
 * columns labelled COUNTRY[.category] (the destination country) and gross
 * output x. Matrices are column-major: Z[i + j*n], F[i + c*n]. Countries are
 * numbered in order of first appearance in the row labels. Ownership:
 * cn_icio_read / cn_icio_from_tables make one, cn_icio_free releases it
 * (NULL is a no-op); every pointer inside belongs to it. */
typedef struct cn_icio {
  int64_t n;             /* country-industries (rows and columns of Z) */
  int64_t nfd;           /* final-demand columns */
  int ncountry;
  char **label;          /* n row labels COUNTRY.INDUSTRY */
  const char **industry; /* n: the INDUSTRY part of each label */
  int *country;          /* n: country index of each row */
  char **country_name;   /* ncountry */
  char **fd_label;       /* nfd final-demand column labels */
  int *fd_country;       /* nfd: destination country of each column */
  double *Z;             /* n x n */
  double *F;             /* n x nfd */
  double *x;             /* n */
  /* rows with x > 0 whose inputs exceed their output (negative value added
   * x_j − Σ_i Z_ij): accepted, for the caller to report (in row order) */
  int64_t n_va_negative;
  int64_t *va_negative;  /* n_va_negative row indices */
} cn_icio;

/* Reads the three files (inter: first column the row labels, then one
 * column per country-industry; final: the row labels, then one column per
 * final-demand category; output: the row labels and gross output in the
 * second column) and checks them: Z's column labels equal its row labels,
 * the row labels of final and output equal Z's, in the same order, every
 * label has a country part, every final-demand country has rows, every
 * cell is a finite number, and the accounts balance (docs/measures.md):
 * Z ≥ 0, Σ_j Z_ij + Σ_c F_ic = x_i within 0.1% of the row's size, and a row
 * with x ≤ 0 neither supplies nor uses intermediates. Problems are CN_EDATA
 * naming file:line and the offending rows with their values; negative
 * value added is accepted and listed in va_negative. o may be NULL. */
cn_status cn_icio_read(const char *inter, const char *final, const char *output,
                       const cn_read_opts *o, cn_icio **out, cn_diag *d);
/* The same from tables already read; names[0..2] name them in messages
 * (line numbers count the header as line 1). */
cn_status cn_icio_from_tables(const cn_table *inter, const cn_table *final,
                              const cn_table *output, const char *const names[3],
                              cn_icio **out, cn_diag *d);
void cn_icio_free(cn_icio *io);

/* θ1 and θ2 (spec §2) for every column j of `country`, with A = Z diag(x)⁻¹
 * (columns with x ≤ 0 are 0 and flagged), B = (I − A)⁻¹, V = diag(v/x),
 * v = x − column sums of Z: θ1_j = Σ_d a_dj FVA_d / Σ_d a_dj over the
 * country's rows d, FVA_d = Σ_{foreign f} (VB)_fd; θ2_j = Σ_f a_fj DVA_f /
 * Σ_f a_fj over foreign rows f, DVA_f = Σ_{rows c of country} (VB)_cf.
 * Output: industry, theta1, theta2, output, dom_inputs (Σ_d a_dj),
 * imp_inputs (Σ_f a_fj), flag_output (1 when x_j ≤ 0); a ratio with a zero
 * denominator is missing. With a concordance (first column: the table's
 * INDUSTRY, second: the firm data's industry code, read as text; n-to-n
 * allowed) the output has one row per code, industry = the code, theta1 and
 * theta2 the output-weighted means over its industries with finite values
 * (an industry of several codes weighs fully in each), n_industries and
 * output (the summed weights). unmatched (may be NULL) gets a table
 * industry, source with the table's industries of the country that no
 * concordance row names (source "table") and the concordance's industries
 * the table lacks (source "concord"); NULL when no concordance. */
cn_status cn_icio_theta(const cn_icio *io, const char *country, const cn_table *concord,
                        cn_table **out, cn_table **unmatched, cn_diag *d);

/* Counts cn_icio_gvc reports. */
typedef struct cn_icio_gvc_info {
  int64_t n_output_nonpos; /* rows with x ≤ 0: A column 0, V 0 */
  int64_t n_inv_nonpos;    /* rows with Y − N ≤ 0: Δ row 0 */
  int64_t n_inventory_cols; /* final-demand columns matched by inventories */
} cn_icio_gvc_info;

/* GVC measures for every country-industry (spec §3; formulas in
 * docs/measures.md): KPWW E, FV, IV, participation = IV/E + FV/E, position
 * = ln(1 + IV/E) − ln(1 + FV/E); Antràs–Chor upstreamness U = (I − Δ)⁻¹1
 * with Δ_ij = Z_ij / (x_i − N_i), N_i the sum of the final-demand columns
 * whose category part (after the first '.') or whole label equals
 * `inventories` (NULL: none), rows with x − N ≤ 0 get Δ = 0; downstreamness
 * = column sums of (I − Ã)⁻¹ for the inventory-corrected table (rows of Z
 * scaled by x_i / (x_i − N_i)); Wang–Wei–Yu–Zhu forward and backward
 * participation. Output: country, industry, E, FV, IV, participation,
 * position, upstreamness, downstreamness, wwyz_forward, wwyz_backward,
 * flag_output (x ≤ 0), flag_inventory (x − N ≤ 0). A ratio with a zero
 * denominator is missing. A singular I − A is CN_EANALYSIS. info may be
 * NULL. */
cn_status cn_icio_gvc(const cn_icio *io, const char *inventories, cn_table **out,
                      cn_icio_gvc_info *info, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
