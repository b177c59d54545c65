/* fuzz/study.c — libFuzzer target for the study-script parser. Any input
 * must give items or a located CN_ESCRIPT diagnostic, never a crash or a
 * leak; every step has words with a position inside the script. */
#include <string.h>
#include "coinnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cn_study *s = NULL;
  cn_diag d;
  if (cn_study_parse((const char *)data, size, "fuzz.cn", &s, &d) != CN_OK) {
    if (d.code == CN_ESCRIPT && (d.line < 1 || d.column < 1)) __builtin_trap();
    return 0;
  }
  for (int i = 0; i < s->n; i++) {
    const cn_study_item *it = &s->items[i];
    if (it->kind == CN_STUDY_TEXT && (!it->text || it->level < 0 || it->level > 6)) __builtin_trap();
    if (it->kind != CN_STUDY_STEP) continue;
    if (it->argc < 1 || it->argv[it->argc]) __builtin_trap();
    for (int a = 0; a < it->argc; a++)
      if (it->arg_line[a] < 1 || it->arg_column[a] < 1 || !it->argv[a]) __builtin_trap();
  }
  cn_study_free(s);
  return 0;
}
