/* coinnet/names.h — applicant names: normalization and entity types.
 *
 * Ownership: cn_name_normalize returns a new string the caller releases
 * with cn_free. Type names and rule strings are static. */
#ifndef COINNET_NAMES_H
#define COINNET_NAMES_H

#include <stdbool.h>
#include "coinnet/base.h"
#include "coinnet/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cn_entity_type {
  CN_ENT_FIRM = 0,
  CN_ENT_UNIVERSITY,
  CN_ENT_INSTITUTE,
  CN_ENT_GOVERNMENT,
  CN_ENT_INDIVIDUAL,
  CN_ENT_OTHER
} cn_entity_type;

/* "firm", "university", "institute", "government", "individual", "other". */
const char *cn_entity_type_name(cn_entity_type t);

/* Normalizes an applicant name so that variants of one entity compare
 * equal: traditional Han characters become simplified (Unihan
 * kSimplifiedVariant, data/names/SOURCES.md), full-width ASCII and
 * brackets become half-width, white space runs
 * become one space and are trimmed, Latin letters are upper-cased, and a
 * trailing legal form is removed (有限公司, 有限责任公司, 股份有限公司,
 * CO., LTD., CORP., INC., LLC, GMBH, ...). Invalid UTF-8 is CN_EDATA. */
cn_status cn_name_normalize(const char *in, char **out, cn_diag *d);

/* The entity type of a name (normalized or not), by rules for Chinese,
 * Japanese, Korean and English names (read after the folding and the
 * traditional -> simplified step of cn_name_normalize); *rule (may be NULL)
 * receives the rule that fired. */
cn_entity_type cn_name_classify(const char *name, const char **rule);

/* A name taken apart for record linkage (docs/names.md). Strings are owned
 * by the struct (cn_name_parts_free); script and foreign_rule are static. */
typedef struct cn_name_parts {
  char *key;   /* folded, simplified name without place and legal forms */
  char *form;  /* the legal forms removed, in name order ("" when none) */
  char *place; /* the bracketed place names removed, " "-joined ("" when none) */
  const char *script; /* "han", "latin", "mixed" or "none" (no letters) */
  bool foreign;       /* the name says the entity is not Chinese */
  const char *foreign_rule; /* the rule that set foreign ("" when not) */
} cn_name_parts;

/* Takes name apart: folds it as cn_name_normalize does (without removing
 * the legal form), moves bracketed place names to place and leading and
 * trailing legal forms (有限公司, 集团, 株式会社, 주식회사, CO., LTD., GMBH,
 * ...; brackets around a form too) to form, keeps the rest as key (a name
 * that is only a form keeps it as key), and reads its script and foreign
 * flag. Invalid UTF-8 is CN_EDATA; *p is then zeroed. */
cn_status cn_name_parse(const char *name, cn_name_parts *p, cn_diag *d);
void cn_name_parts_free(cn_name_parts *p);

/* ------------------------------------------------------------ matching */

/* The Jaro-Winkler similarity of a and b (valid UTF-8) over code points:
 * matches within max(|a|, |b|) / 2 - 1 positions, half the transpositions,
 * and the prefix boost 0.1 per common leading character (at most 4) when
 * the Jaro similarity exceeds 0.7 (as jellyfish computes it). Two empty
 * strings score 0. */
double cn_name_jaro_winkler(const char *a, const char *b);

/* One side of a match: a table and the columns to read. id, by and block
 * may be NULL (then records are told apart by their name, and there is one
 * group and one block). where names the table in messages; a row r is on
 * line first_line + r (2 for a CSV file with a header; 0: rows have no
 * lines and messages name the row). */
typedef struct cn_name_match_side {
  const cn_table *t;
  const char *where;
  int64_t first_line;
  const char *name, *id, *by, *block;
} cn_name_match_side;

typedef struct cn_name_match_opts {
  double threshold; /* lowest fuzzy score that makes a candidate (0.75) */
  double margin;    /* a rival this close in score and in Jaro-Winkler is a near tie (0.05) */
  int threads;      /* partitions matched at once (0: OpenMP's default) */
} cn_name_match_opts;
void cn_name_match_opts_init(cn_name_match_opts *o);

/* Counts of one --by group (group is "" without --by), records of each side. */
typedef struct cn_name_match_count {
  char *group;
  int64_t left, right;         /* records */
  int64_t exact, fuzzy;        /* left records matched by each stage */
  int64_t history;             /* of those, through another name of the right id */
  int64_t left_only, right_only; /* left and right records without a partner */
  int64_t review;              /* left records left unmatched as near ties */
} cn_name_match_count;

/* What cn_name_match gives back (cn_name_match_result_free releases it).
 * out has one row per left record in left order: [left_id,] left_name,
 * [by,] [block,] [right_id,] right_name, score, rule ("exact", "fuzzy",
 * "none") [, history]. review has two or more rows per near tie: tie (its
 * number), [by,] [block,] left_name, [right_id,] right_name, score, jw,
 * rule. all sums the groups. */
typedef struct cn_name_match_result {
  cn_table *out, *review;
  cn_name_match_count all;
  cn_name_match_count *groups;
  int64_t ngroups;
  int64_t ties;
} cn_name_match_result;

/* Links the records of left to those of right (docs/names.md): within each
 * --by group and --block value, stage 1 pairs names whose cn_name_parse
 * keys are equal (the bracketed place and whether the right name is the
 * id's name in that group rank the candidates), stage 2 scores the left
 * records stage 1 left alone against the right records still free by the
 * TF-IDF cosine of code-point bigrams of the keys (an inverted index; idf =
 * 1 + ln((1 + N) / (1 + df)) over the N distinct right keys), keeping those
 * at o->threshold or above, with Jaro-Winkler of the keys as the second
 * score. Each stage assigns one to one, greedily from the best pair; a pair
 * with a free rival (sharing its left or right record) within o->margin in
 * both scores is a near tie: none of them is matched, all go to review.
 * With a right id, a right record carries every name its id has in any
 * group (a firm that renames keeps its id; column history says so). The
 * result does not depend on o->threads. A missing column, a column that
 * does not hold text, an empty name or id and invalid UTF-8 are CN_EDATA
 * naming the table, line and column. */
cn_status cn_name_match(const cn_name_match_side *left, const cn_name_match_side *right,
                        const cn_name_match_opts *o, cn_name_match_result *res, cn_diag *d);
void cn_name_match_result_free(cn_name_match_result *r);

#ifdef __cplusplus
}
#endif
#endif
