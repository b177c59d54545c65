/* coinnet/names.h — applicant names: normalization and entity types.
 *
 * Ownership: cn_name_normalize returns a new string the caller releases
 * with cn_free. Type names and rule strings are static. */
#ifndef COINNET_NAMES_H
#define COINNET_NAMES_H

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
 * equal: full-width ASCII and brackets become half-width, white space runs
 * become one space and are trimmed, Latin letters are upper-cased, and a
 * trailing legal form is removed (有限公司, 有限责任公司, 股份有限公司,
 * CO., LTD., CORP., INC., LLC, GMBH, ...). Invalid UTF-8 is CN_EDATA. */
cn_status cn_name_normalize(const char *in, char **out, cn_diag *d);

/* The entity type of a name (normalized or not), by rules for Chinese and
 * English names; *rule (may be NULL) receives the rule that fired. */
cn_entity_type cn_name_classify(const char *name, const char **rule);

#ifdef __cplusplus
}
#endif
#endif
