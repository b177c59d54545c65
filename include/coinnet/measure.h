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

#ifdef __cplusplus
}
#endif
#endif
