/* cli/coeftab.c — the name column of the console's coefficient tables. */
#include "coeftab.h"
#include <string.h>

/* Widens *w to name's display width, within the limits. */
static void widen(int *w, const char *name) {
  int64_t x = name ? cn_text_width(name) : 0;
  if (x > *w && x <= CLI_NAME_MAX) *w = (int)x;
}

int cli_name_width(const cn_model *m) {
  int w = CLI_NAME_MIN;
  widen(&w, m->depvar);
  for (int i = 0; i < m->ncoef; i++) {
    const char *nm = m->coef[i].name;
    widen(&w, nm && !strncmp(nm, "select:", 7) ? nm + 7 : nm);
  }
  return w;
}

int cli_names_width(const char *const *names, int n, int min) {
  int w = min;
  for (int i = 0; i < n; i++) widen(&w, names[i]);
  return w;
}

void cli_put_name(FILE *fp, const char *name, int w) {
  int64_t x = cn_text_width(name);
  if (x > w) {
    fprintf(fp, "%s\n%*s", name, w, "");
    return;
  }
  fprintf(fp, "%*s%s", (int)(w - x), "", name);
}

void cli_dashes(FILE *fp, int n) {
  for (int i = 0; i < n; i++) fputc('-', fp);
}
