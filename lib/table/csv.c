/* lib/table/csv.c — placeholder */
#include "table_int.h"
cn_status cn_table_read_csv(const char *path, const cn_read_opts *o, cn_table **out, cn_diag *d) {
  (void)o; *out = NULL;
  return cn_diag_at(d, CN_EINTERNAL, path, 0, 0, "csv reading not built yet");
}
cn_status cn_table_write_csv_fp(const cn_table *t, FILE *fp, char sep, cn_diag *d) {
  (void)t; (void)fp; (void)sep;
  return cn_diag_set(d, CN_EINTERNAL, "csv writing not built yet");
}
