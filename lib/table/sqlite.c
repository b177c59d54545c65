/* lib/table/sqlite.c — SQLite (placeholder until written). */
#include "table_int.h"
cn_status cn_table_read_sqlite(const char *path, const cn_read_opts *o, cn_table **out, cn_diag *d) {
  (void)o; *out = NULL;
  return cn_diag_at(d, CN_EINTERNAL, path, 0, 0, "sqlite reading not built yet");
}
cn_status cn_table_write_sqlite(const cn_table *t, const char *path, const cn_write_opts *o, cn_diag *d) {
  (void)t; (void)o;
  return cn_diag_at(d, CN_EINTERNAL, path, 0, 0, "sqlite writing not built yet");
}
