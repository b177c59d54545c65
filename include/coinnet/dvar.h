/* coinnet/dvar.h — the domestic value-added ratio of exports by trade regime
 * (spec/measures.md §1) from customs records, the firm survey, the HS → BEC
 * concordance and industry θ shares; and the synthetic customs generator
 * whose records give a known DVAR.
 *
 * Ownership: cn_bec_read returns a concordance freed with cn_bec_free;
 * tables returned through `out` are caller-owned (cn_table_free). */
#ifndef COINNET_DVAR_H
#define COINNET_DVAR_H

#include <stdbool.h>
#include <stdio.h>
#include "coinnet/base.h"
#include "coinnet/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How an HS code that maps to several BEC codes ("n to n") counts as an
 * intermediate: when any of its BEC codes is one, when all are, or by the
 * share of its BEC codes that are. */
typedef enum cn_bec_rule { CN_BEC_ANY = 0, CN_BEC_ALL = 1, CN_BEC_SHARE = 2 } cn_bec_rule;

/* HS → BEC concordances, one per HS edition. */
typedef struct cn_bec cn_bec;

/* Reads one concordance file, or every file of a folder whose name holds the
 * edition's year (hs1996-bec.csv ...), as in ../data/hs-bec: a header line,
 * then HS code (6 digits, "0101.10" accepted, leading zeros kept), BEC code
 * ("n/a" for none), optional relationship; UTF-8 byte-order mark, CRLF and
 * blank lines allowed; an HS code may have several rows. Malformed lines are
 * CN_EDATA naming file:line:column. */
cn_status cn_bec_read(const char *path, cn_bec_rule rule, cn_bec **out, cn_diag *d);
void cn_bec_free(cn_bec *b);
/* Number of editions and the HS year of edition i (ascending). */
int cn_bec_editions(const cn_bec *b);
int cn_bec_edition_year(const cn_bec *b, int i);
/* The intermediate weight (0..1 under the rule) of HS code hs6 (0..999999)
 * in the edition used for customs year `year`: the latest edition whose HS
 * year is at most `year` (the earliest one before that); -1 when the code is
 * not in that edition. */
double cn_bec_weight(const cn_bec *b, int year, int32_t hs6);
/* 1 when every BEC code of hs6 is intermediate, 0 when none is (or it has
 * only n/a), -1 when they differ or the code is absent; whatever the rule. */
int cn_bec_pure(const cn_bec *b, int year, int32_t hs6);
/* The edition index used for `year` (see cn_bec_weight). */
int cn_bec_edition_for(const cn_bec *b, int year);

/* Column names; NULL fields take the defaults of spec/cli.md. */
typedef struct cn_dvar_cols {
  const char *firm, *year, *hs6, *flow, *regime, *value, *name; /* customs */
  const char *industry, *exports, *sales, *dii;                 /* firms */
  const char *theta1, *theta2;                                  /* theta (with industry) */
  const char *firms_firm; /* the firm table's firm column when it differs (NULL: as firm) */
} cn_dvar_cols;

typedef enum cn_dvar_outside { CN_DVAR_KEEP = 0, CN_DVAR_CLIP = 1, CN_DVAR_DROP = 2 } cn_dvar_outside;

typedef struct cn_dvar_opts {
  cn_dvar_cols cols;
  bool theta2_share;       /* θ2 applies to M^o·s (consistent) instead of M^o (the paper) */
  cn_dvar_outside outside; /* DVAR outside [0, 1]: keep and flag, clip, or drop */
} cn_dvar_opts;

/* What the computation read, kept and left out, and why. */
typedef struct cn_dvar_report {
  int64_t records;             /* customs data lines read */
  int64_t rec_missing;         /* a missing firm, year, code, flow, regime or value */
  int64_t rec_negative;        /* a negative value */
  int64_t rec_other_regime;    /* regime neither processing nor ordinary */
  int64_t rec_intermediary;    /* records of trade intermediaries */
  int64_t intermediaries;      /* distinct intermediary firms */
  int64_t rec_no_bec;          /* producers' imports whose code is not in the concordance */
  int64_t codes_no_bec;        /* distinct (edition, code) pairs behind rec_no_bec */
  int64_t rec_year_no_edition; /* records dated before the earliest edition */
  int64_t fy_customs;          /* producer firm-years in the customs records */
  int64_t fy_no_survey;        /* ... without a row in the firm table */
  int64_t fy_no_exports;       /* ... with a survey row but no processing or ordinary exports */
  int64_t fy_survey_missing;   /* ... whose survey sales, exports or DII are missing */
  int64_t fy_no_theta;         /* ... whose industry has no θ row */
  int64_t survey_no_customs;   /* survey firm-years without customs records */
  int64_t sales_below_exports; /* kept firm-years with survey sales < exports (D < 0) */
  int64_t outside;             /* DVAR outside [0, 1] (flagged, clipped or dropped) */
  int64_t kept;                /* output rows */
  int64_t by_regime[3];        /* processing, ordinary, mixed among the kept */
} cn_dvar_report;

void cn_dvar_opts_init(cn_dvar_opts *o);

/* DVAR per firm-year (spec §1). Streams the customs CSV at customs_path
 * (UTF-8, comma-separated, a header naming the columns; firm and codes read
 * as text) and joins it with `firms` (one row per firm-year; firm compared as
 * text) and `theta` (one row per industry). Output rows follow the firm
 * table's order: firm (named as the firm table's column), year, regime, X, D, DII, Mp, Mo, MpA, MoA_BEC, s,
 * theta1, theta2, dvar, outside01, MpA_BEC, Xp, Xo, rule. Malformed customs
 * fields are CN_EDATA naming file:line:column; a firm-year twice in `firms`
 * or an industry twice in `theta` is CN_EDATA. The result depends only on
 * the inputs (records are summed in file order). */
cn_status cn_measure_dvar(const char *customs_path, const cn_table *firms, const cn_table *theta,
                          const cn_bec *bec, const cn_dvar_opts *o, cn_table **out,
                          cn_dvar_report *rep, cn_diag *d);

/* True when a firm name marks a trade intermediary (Ahn, Khandelwal & Wei
 * 2011): it contains 进出口, 经贸, 贸易, 科贸, 外经 or 外贸. */
bool cn_dvar_is_intermediary(const char *name, size_t len);

/* Options of the synthetic customs generator. */
typedef struct cn_gen_customs_opts {
  uint64_t seed;
  int first_year, last_year; /* the years of cn_gen_customs_firms */
  int64_t firms;             /* producer firms of cn_gen_customs_firms */
  int64_t records;           /* aim for about this many customs records (0: ~30 per firm-year) */
  int intermediaries;        /* trade intermediaries (0: firms / 20 + 5) */
  const char *col_firm;      /* firm-table column names for cn_gen_customs */
  const char *col_industry;  /* (NULL: "firm", "industry"; theta uses col_industry too) */
} cn_gen_customs_opts;

void cn_gen_customs_opts_init(cn_gen_customs_opts *o);

/* A synthetic firm table (firm, name, year, industry, exports, sales, dii,
 * dvar_true) and θ table (industry, theta1, theta2) for cn_gen_customs: a
 * mix of processing, ordinary and mixed exporters, DVAR mostly inside
 * [0, 1] with a few firm-years outside it. Deterministic in o->seed. */
cn_status cn_gen_customs_firms(const cn_gen_customs_opts *o, cn_table **firms, cn_table **theta,
                               cn_diag *d);

/* Writes to fp a customs CSV (firm, name, year, hs6, flow, regime, value)
 * whose records give, through cn_measure_dvar with default options and the
 * same concordance, exactly each exporting firm-year's dvar_true (to
 * rounding) for the firm table `firms` (columns firm, year, industry,
 * exports, sales, dii, dvar_true; optional name; rows with a missing
 * dvar_true or zero exports get no records). Real HS codes come from `bec`;
 * trade intermediaries import some of every product. The regime of a firm
 * is drawn per firm; a firm-year whose target is infeasible (θ1·DII above
 * (1 − DVAR)·X) is CN_EDATA. *nrec receives the records written. */
cn_status cn_gen_customs(const cn_table *firms, const cn_table *theta, const cn_bec *bec,
                         const cn_gen_customs_opts *o, FILE *fp, int64_t *nrec, cn_diag *d);

#ifdef __cplusplus
}
#endif
#endif
