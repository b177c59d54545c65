/* cli/coeftab.c — the name column of the console's coefficient tables. */
#include "coeftab.h"
#include <math.h>
#include <stdlib.h>
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

void cli_print_absorbed(FILE *fp, const cn_model *m) {
  if (!m->n_fe) return;
  const char **fen = calloc((size_t)m->n_fe + 1, sizeof *fen);
  for (int g = 0; fen && g < m->n_fe; g++) fen[g] = m->fe[g].name;
  int wf = fen ? cli_names_width(fen, m->n_fe, CLI_NAME_MIN) : CLI_NAME_MIN;
  free(fen);
  fprintf(fp, "\nAbsorbed degrees of freedom:\n");
  cli_dashes(fp, wf + 41);
  fprintf(fp, "+\n");
  cli_put_name(fp, "Absorbed FE", wf);
  fprintf(fp, " | Categories  - Redundant  = Num. Coefs |\n");
  cli_dashes(fp, wf + 1);
  fprintf(fp, "+---------------------------------------|\n");
  bool nested = false;
  for (int g = 0; g < m->n_fe; g++) {
    const cn_fe_info *f = &m->fe[g];
    cli_put_name(fp, f->name, wf);
    fprintf(fp, " | %10lld %11lld %12lld   %s|\n", (long long)f->levels, (long long)f->redundant,
            (long long)(f->levels - f->redundant), f->nested ? "*" : " ");
    nested |= f->nested;
  }
  cli_dashes(fp, wf + 41);
  fprintf(fp, "+\n");
  if (nested) fprintf(fp, "* = FE nested within cluster; treated as redundant for DoF computation\n");
}

/* x in a column of w the way Stata prints it: 7 significant digits at
 * most, no leading zero before the point, 2-digit scientific notation
 * below 1e-4, "." when not finite. The digit count comes from x rounded
 * to 7 significant digits, so 0.99999999 prints as 1.000000, not
 * 1.0000000. */
void cli_stata_num(char *buf, size_t n, double x, int w) {
  char tmp[64];
  if (!isfinite(x)) {
    snprintf(buf, n, "%*s", w, ".");
    return;
  }
  double ax = fabs(x);
  snprintf(tmp, sizeof tmp, "%.6e", ax);
  double ar = strtod(tmp, NULL);
  int digits = ar >= 1 ? (int)floor(log10(ar)) + 1 : 0;
  int dec = 7 - digits;
  if (dec < 0) dec = 0;
  if (dec > 7) dec = 7;
  if (ax != 0 && ax < 1e-4) snprintf(tmp, sizeof tmp, "%.2e", x);
  else snprintf(tmp, sizeof tmp, "%.*f", dec, x);
  char *p = tmp;
  if (p[0] == '0' && p[1] == '.') p++;
  else if (p[0] == '-' && p[1] == '0' && p[2] == '.') p[1] = '-', p++;
  snprintf(buf, n, "%*s", w, p);
}
