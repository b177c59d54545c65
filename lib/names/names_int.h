/* lib/names/names_int.h — what the names files share (not public). */
#ifndef CN_NAMES_INT_H
#define CN_NAMES_INT_H

#include <stddef.h>

/* The byte length of the province or city (of the fixed place list of
 * docs/names.md, without 中国 and the regions) that key starts with and
 * that leaves at least one character after it; 0 when none. Longest first. */
size_t cn__name_lead_place(const char *key);

#endif
