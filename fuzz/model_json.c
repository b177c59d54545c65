/* fuzz/model_json.c — libFuzzer target for the saved-model reader and the
 * regression table. Any input must give a model or a located diagnostic,
 * never a crash or a leak; a model that reads must tabulate in every text
 * format. */
#include "coinnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cn_model *m = NULL;
  cn_diag d;
  if (cn_model_parse_json((const char *)data, size, "fuzz.json", &m, &d) != CN_OK) {
    if (d.code == CN_EDATA && d.line < 1) __builtin_trap(); /* errors are located */
    return 0;
  }
  const cn_model *ms[2] = {m, m};
  cn_regtable_opts o;
  cn_regtable_opts_init(&o);
  for (int f = CN_REGTABLE_TXT; f <= CN_REGTABLE_HTML; f++) {
    char *s = NULL;
    o.format = (cn_regtable_format)f;
    cn_regtable_text(ms, 2, &o, &s, &d);
    cn_free(s);
  }
  cn_model_free(m);
  return 0;
}
