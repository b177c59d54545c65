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

#ifdef __cplusplus
}
#endif
#endif
