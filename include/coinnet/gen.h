/* coinnet/gen.h — synthetic raw data shaped like the reference paper's
 * (patent records, firm panel, cities, industry shares) with a known truth.
 *
 * Ownership: the generator writes files into a folder the caller names;
 * nothing it returns needs freeing. */
#ifndef COINNET_GEN_H
#define COINNET_GEN_H

#include <stdbool.h>
#include "coinnet/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sizes: "tiny" (200 firms, for tests), "small" (2,000 firms) or "paper"
 * (38,804 firms, 197,171 firm-years, the paper's network sizes). */
typedef struct cn_gen_opts {
  uint64_t seed;
  const char *scale; /* NULL: "small" */
  bool set_rho;      /* use rho below instead of the default loading */
  double rho;        /* loading of DVAR on last year's endogenous shock u */
  const char *bec;   /* HS -> BEC concordance for customs.csv (NULL: no customs) */
  bool flexible_labour; /* production.csv: labour chosen at t, materials ordered before its
                           optimisation error (LP and Wooldridge identified); false: ACF's
                           design, labour chosen at t - 1/2 (docs/gen.md) */
} cn_gen_opts;

/* What was written. */
typedef struct cn_gen_counts {
  int64_t firms, firm_years, exporter_years;
  int64_t entities;     /* organizations that can apply (panel firms included) */
  int64_t applications; /* all applications (collaborative inventions and the rest) */
  int64_t records;      /* rows of patents.csv (granted inventions have two) */
  int64_t collab_first, collab_last; /* collaborative invention applications, 2000 and 2015 */
  int64_t nodes_first, nodes_last;   /* organizations in them, 2000 and 2015 */
  int64_t customs_records;           /* rows of customs.csv */
} cn_gen_counts;

/* Writes patents.csv, firms.csv, production.csv, cities.csv, theta.csv, truth.json,
 * truth_wdc.csv, survey.csv, applicants.csv and (with o->bec) customs.csv, from cn_gen_customs, into dir (created when missing; files replaced), as
 * docs/gen.md describes. The same options give byte-identical files.
 * Unknown scale: CN_EUSAGE; a file that cannot be written: CN_EDATA. */
cn_status cn_gen_paper(const char *dir, const cn_gen_opts *o, cn_gen_counts *counts, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
