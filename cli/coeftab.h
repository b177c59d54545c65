/* cli/coeftab.h — the name column of the console's coefficient tables
 * (reg, probit, tobit, heckman, iv): Stata's 12 columns, widened to the
 * widest name up to 32 display columns; a wider name is never cut: it
 * stands alone on its line and its numbers follow on the next. Widths are
 * display widths (UTF-8; East Asian wide characters count 2). */
#ifndef CLI_COEFTAB_H
#define CLI_COEFTAB_H

#include <stdio.h>
#include "coinnet.h"

enum { CLI_NAME_MIN = 12, CLI_NAME_MAX = 32 };

/* The width of the name column for m: its dependent variable and
 * coefficient names (without "select:"), within [12, 32]. */
int cli_name_width(const cn_model *m);
/* The width for a list of names, at least min, at most CLI_NAME_MAX. */
int cli_names_width(const char *const *names, int n, int min);
/* name right-aligned in w columns; a wider name alone on its line, then w
 * spaces on the next (where the row goes on). */
void cli_put_name(FILE *fp, const char *name, int w);
/* n dashes. */
void cli_dashes(FILE *fp, int n);
/* reghdfe's "Absorbed degrees of freedom" table of m's fixed effects
 * (nothing when it has none), a * marking an FE nested in a cluster. */
void cli_print_absorbed(FILE *fp, const cn_model *m);
/* x in a column of w as Stata prints a coefficient: up to 7 significant
 * digits, no leading zero, "." when not finite. */
void cli_stata_num(char *buf, size_t n, double x, int w);

#endif
