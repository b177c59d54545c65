/* fuzz/net_build.c — libFuzzer target for the net build input: applicant
 * splitting, name normalization and classification, and the yearly graphs
 * (cn_net_build). Each line of the input is one patent record's applicants
 * cell (filed in 2000 + the line's number mod 16; the first byte picks the
 * separator and the weights). Any input must give the tables or a
 * diagnostic, never a crash, a leak or an internal error. */
#include <stdio.h>
#include <string.h>
#include "coinnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 8192 || memchr(data, 0, size)) return 0;
  static const char *const seps[] = {" | ", ";", ",", "|"};
  cn_build_opts o;
  memset(&o, 0, sizeof o);
  o.applicants = "applicants";
  o.id = "pub";
  o.date = "filed";
  o.app_sep = seps[data[0] & 3];
  o.newman = (data[0] & 4) != 0;
  o.all_types = (data[0] & 8) != 0;
  o.window = (data[0] & 16) ? 3 : 1;
  cn_build_more more; /* the organization tables too, on half the inputs */
  if (data[0] & 32) o.more = &more;
  o.search_window = (data[0] & 64) ? 1 : 0;
  int64_t nrow = 0;
  for (size_t i = 1; i < size; i++) nrow += data[i] == '\n';
  if (size > 1 && data[size - 1] != '\n') nrow++;
  cn_diag d;
  cn_table *t = cn_table_new(nrow);
  if (!t) return 0;
  int ca = cn_table_add_column(t, "pub", CN_STRING, &d), cb = cn_table_add_column(t, "filed", CN_STRING, &d),
      cc = cn_table_add_column(t, "applicants", CN_STRING, &d);
  char line[8193], buf[64];
  const char *p = (const char *)data + 1, *end = (const char *)data + size;
  for (int64_t r = 0; r < nrow && ca >= 0 && cb >= 0 && cc >= 0; r++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    memcpy(line, p, n);
    line[n] = 0;
    p += n + (nl ? 1 : 0);
    snprintf(buf, sizeof buf, "CN%lldA", (long long)r);
    cn_table_set_str(t, ca, r, buf, &d);
    snprintf(buf, sizeof buf, "%d-01-01", 2000 + (int)(r % 16));
    cn_table_set_str(t, cb, r, buf, &d);
    cn_table_set_str(t, cc, r, line, &d);
    char *norm = NULL;
    if (cn_name_normalize(line, &norm, &d) == CN_OK) cn_name_classify(norm, NULL);
    cn_free(norm);
  }
  cn_table *nodes = NULL, *edges = NULL, *ny = NULL, *years = NULL;
  cn_build_counts c;
  cn_status st = cn_net_build(t, &o, &nodes, &edges, &ny, &years, &c, &d);
  if (st == CN_EINTERNAL) __builtin_trap();
  cn_table_free(nodes);
  cn_table_free(edges);
  cn_table_free(ny);
  cn_table_free(years);
  if (o.more && st == CN_OK) {
    cn_table_free(more.orgs);
    cn_table_free(more.org_year);
    cn_table_free(more.search);
  }
  cn_table_free(t);
  return 0;
}
