/* lib/table/dta.c — Stata .dta through ReadStat (placeholder until written). */
#include "table_int.h"
cn_status cn_table_read_dta(const char *path, const cn_read_opts *o, cn_table **out, cn_diag *d) {
  (void)o; *out = NULL;
  return cn_diag_at(d, CN_EINTERNAL, path, 0, 0, "dta reading not built yet");
}
cn_status cn_table_write_dta(const cn_table *t, const char *path, const cn_write_opts *o, cn_diag *d) {
  (void)t; (void)o;
  return cn_diag_at(d, CN_EINTERNAL, path, 0, 0, "dta writing not built yet");
}
