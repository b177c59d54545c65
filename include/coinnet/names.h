/* coinnet/names.h — applicant names: normalization and entity types.
 *
 * Ownership: cn_name_normalize returns a new string the caller releases
 * with cn_free. Type names and rule strings are static. */
#ifndef COINNET_NAMES_H
#define COINNET_NAMES_H

#include <stdbool.h>
#include "coinnet/base.h"

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

#ifdef __cplusplus
}
#endif
#endif
