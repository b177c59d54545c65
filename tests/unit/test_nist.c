/* tests/unit/test_nist.c — `reg` on the NIST StRD linear least squares
 * suite, and scale invariance of the QR solver.
 *
 * Expected numbers: the certified values printed in the NIST .dat files of
 * tests/data/nist (see its SOURCES.md), computed by NIST in 500-digit
 * arithmetic; each test reads them from the file itself (the parameters,
 * their SDs, the residual SD, R² and the ANOVA table's F). Accuracy is the log
 * relative error LRE = −log10(|est − cert| / |cert|) (absolute when cert is
 * 0), capped at 15, as in McCullough (1998). */
#include <math.h>
#include <stdlib.h>
#include "test.h"

#define NIST_MAXP 12
#define NIST_MAXN 128

/* One data set: the data (column 0 the response) and the certified values. */
typedef struct nist {
  int n, nx;                     /* rows, predictor columns in the file */
  double v[NIST_MAXN][8];        /* y, x1, ..., x_nx */
  int np;                        /* certified parameters B0.. or B1.. */
  double b[NIST_MAXP], se[NIST_MAXP];
  double rsd, r2, F;
} nist;

/* Reads NAME.dat: the certified "Bk estimate sd" lines, the residual SD
 * and R² lines, and the numeric rows after the last "Data:" line. */
static bool nist_read(const char *name, nist *s) {
  char file[64];
  snprintf(file, sizeof file, "nist/%s.dat", name);
  FILE *fp = fopen(cn_test_path(cn_test_data(), file), "r");
  if (!fp) {
    cn_test_fail(__FILE__, __LINE__, "cannot open %s", file);
    return false;
  }
  memset(s, 0, sizeof *s);
  char line[512];
  bool in_data = false, want_rsd = false;
  while (fgets(line, sizeof line, fp)) {
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (!strncmp(p, "Data:", 5) && strstr(p, " y")) {
      in_data = true;
      s->nx = 0;
      for (char *q = strstr(p, " y") + 2; (q = strchr(q, 'x')); q++) s->nx++;
      continue;
    }
    if (in_data) {
      char *q = p, *end;
      int c = 0;
      double row[8];
      while (c < 8) {
        double x = strtod(q, &end);
        if (end == q) break;
        row[c++] = x;
        q = end;
      }
      if (c == s->nx + 1 && s->n < NIST_MAXN) memcpy(s->v[s->n++], row, sizeof row);
      continue;
    }
    int k;
    double b, se;
    if (p[0] == 'B' && sscanf(p, "B%d %lf %lf", &k, &b, &se) == 3 && s->np < NIST_MAXP) {
      s->b[s->np] = b;
      s->se[s->np++] = se;
    } else if (!strncmp(p, "Residual", 8)) {
      want_rsd = true;
    } else if (want_rsd && !strncmp(p, "Standard Deviation", 18)) {
      s->rsd = strtod(p + 18, NULL);
      want_rsd = false;
    } else if (!strncmp(p, "R-Squared", 9)) {
      s->r2 = strtod(p + 9, NULL);
    } else if (!strncmp(p, "Regression", 10)) { /* df, SS, MS, F */
      char *q = p + 10, *end;
      for (double x; (x = strtod(q, &end)), end != q; q = end) s->F = x;
    }
  }
  fclose(fp);
  return s->n > 0 && s->np > 0;
}

/* Log relative error of est against the certified value, capped at 15. */
static double lre(double est, double cert) {
  double err = cert != 0 ? fabs(est - cert) / fabs(cert) : fabs(est);
  if (err == 0) return 15;
  double l = -log10(err);
  return l > 15 ? 15 : l;
}

/* Fits the data set: with one predictor x and power > 1, the powers
 * x, x², ..., x^power (each by repeated multiplication, exact for the
 * integer x of Pontius and Wampler); otherwise x1..x_nx as given. Returns
 * cn_reg's status (d its diagnostic). */
static cn_status nist_fit(const nist *s, int power, bool cons, cn_model **m, cn_diag *d) {
  int p = power > 1 ? power : s->nx;
  cn_table *t = cn_table_new(s->n);
  char formula[256] = "y ~ ", col[16];
  double *y = cn_table_dbl_mut(t, cn_table_add_column(t, "y", CN_DOUBLE, d));
  for (int i = 0; i < s->n; i++) y[i] = s->v[i][0];
  for (int j = 1; j <= p; j++) {
    snprintf(col, sizeof col, "x%d", j);
    double *x = cn_table_dbl_mut(t, cn_table_add_column(t, col, CN_DOUBLE, d));
    for (int i = 0; i < s->n; i++) {
      if (power > 1) {
        x[i] = s->v[i][1];
        for (int q = 1; q < j; q++) x[i] *= s->v[i][1];
      } else {
        x[i] = s->v[i][j];
      }
    }
    snprintf(formula + strlen(formula), sizeof formula - strlen(formula), "%sx%d", j > 1 ? " + " : "", j);
  }
  if (!cons) strcat(formula, " - 1");
  cn_status st = cn_reg(t, formula, NULL, m, d);
  cn_table_free(t);
  return st;
}

/* Fits the data set (nist_fit), checks every certified number to min_lre
 * digits and returns the smallest LRE reached (0 when the fit failed). */
static double nist_check(const char *name, int power, bool cons, double min_lre) {
  nist *s = malloc(sizeof *s);
  double worst = 0;
  cn_model *m = NULL;
  cn_diag d;
  if (!s || !nist_read(name, s)) goto done;
  cn_status st = nist_fit(s, power, cons, &m, &d);
  CHECK_STATUS(st, CN_OK, &d);
  if (st != CN_OK) goto done;
  CHECK(m->ncoef == s->np);
  if (m->ncoef != s->np) goto done;
  worst = 15;
  /* NIST lists B0 (the constant) first; coinnet puts _cons last */
  for (int j = 0; j < s->np; j++) {
    int c = cons ? (j == 0 ? s->np - 1 : j - 1) : j;
    double lb = lre(m->coef[c].b, s->b[j]), ls = lre(m->coef[c].se, s->se[j]);
    if (lb < min_lre || ls < min_lre)
      cn_test_fail(__FILE__, __LINE__, "%s B%d: b = %.17g (LRE %.1f), se = %.17g (LRE %.1f), want %.15g, %.15g",
                   name, j + (cons ? 0 : 1), m->coef[c].b, lb, m->coef[c].se, ls, s->b[j], s->se[j]);
    if (getenv("CN_NIST_VERBOSE"))
      fprintf(stderr, "NIST %-9s B%d LRE b %.1f se %.1f\n", name, j + (cons ? 0 : 1), lb, ls);
    if (lb < worst) worst = lb;
    if (ls < worst) worst = ls;
  }
  double lr = lre(m->rmse, s->rsd), l2 = lre(m->r2, s->r2);
  if (lr < min_lre || l2 < min_lre)
    cn_test_fail(__FILE__, __LINE__, "%s: residual SD %.17g (LRE %.1f), R2 %.17g (LRE %.1f), want %.15g, %.15g",
                 name, m->rmse, lr, m->r2, l2, s->rsd, s->r2);
  /* an exact fit (Wampler1/2): NIST's F is Infinity, reg's is not defined */
  double lf = isinf(s->F) ? (isnan(m->F) ? 15 : 0) : lre(m->F, s->F);
  if (lf < min_lre)
    cn_test_fail(__FILE__, __LINE__, "%s: F %.17g (LRE %.1f), want %.15g", name, m->F, lf, s->F);
  if (lf < worst) worst = lf;
  if (lr < worst) worst = lr;
  if (l2 < worst) worst = l2;
  if (getenv("CN_NIST_VERBOSE"))
    fprintf(stderr, "NIST %-9s residual SD LRE %.1f, R2 LRE %.1f, F LRE %.1f; smallest LRE %.1f\n", name, lr,
            l2, lf, worst);
done:
  cn_model_free(m);
  free(s);
  return worst;
}

/* |a − b| ≤ rel |b|, printing both when not. */
static bool rel_close(double a, double b, double rel) {
  if (fabs(a - b) <= rel * fabs(b)) return true;
  fprintf(stderr, "  %.17g vs %.17g (rel %.3g)\n", a, b, fabs(a - b) / fabs(b));
  return false;
}

/* Lower difficulty: a line (Norris), a quadratic (Pontius), lines through
 * the origin (NoInt1, NoInt2: uncentered R², as NIST certifies it). */
TEST(nist_lower_difficulty) {
  nist_check("Norris", 1, true, 9);
  nist_check("Pontius", 2, true, 9);
  nist_check("NoInt1", 1, false, 9);
  nist_check("NoInt2", 1, false, 9);
}

/* Without a constant, R² and adjusted R² are uncentered (TSS = Σy², the
 * adjustment on N rather than N − 1) and F has (1, N − 1) df. Expected: R
 * 4.2 summary(lm(y ~ 0 + x)) on the same files (r.squared,
 * adj.r.squared, fstatistic). */
TEST(reg_noconstant_fit_stats) {
  const char *names[] = {"NoInt1", "NoInt2"};
  const double r2[] = {0.99936549229866278, 0.99334811529933476};
  const double r2a[] = {0.99930204152852908, 0.99002217294900219};
  const double F[] = {15750.249999999918, 298.66666666666708};
  for (int q = 0; q < 2; q++) {
    nist *s = malloc(sizeof *s);
    cn_model *m = NULL;
    cn_diag d;
    if (s && nist_read(names[q], s) && nist_fit(s, 1, false, &m, &d) == CN_OK) {
      CHECK(rel_close(m->r2, r2[q], 1e-12));
      CHECK(rel_close(m->r2_a, r2a[q], 1e-12));
      CHECK(rel_close(m->F, F[q], 1e-12));
      CHECK(m->df_r == s->n - 1);
    } else {
      CHECK(!"NoInt fit failed");
    }
    cn_model_free(m);
    free(s);
  }
}

/* Average and higher difficulty: Longley's six collinear macro series and
 * Wampler's fifth-degree polynomials. Wampler4 and Wampler5 add ever
 * larger noise to the same polynomial; R's lm reaches 8.1 and 6.1 digits
 * there, the explicit inverse of X'X 6.5; refining from the raw data's
 * residuals (reg.c, qr_ls) gives 13 and 12. */
TEST(nist_higher_difficulty) {
  nist_check("Longley", 1, true, 9);
  nist_check("Wampler3", 5, true, 9);
  nist_check("Wampler4", 5, true, 9);
  nist_check("Wampler5", 5, true, 9);
}

/* Wampler1 and Wampler2 are exact polynomials (certified residual SD 0,
 * every SE 0, R² 1, F infinite): reg reports the fit as Stata and R do,
 * SEs of rounding size (LRE of a certified 0 is −log10 |SE|), t, p and F
 * not defined, and a note. */
TEST(nist_wampler_exact_fit) {
  nist_check("Wampler1", 5, true, 9);
  nist_check("Wampler2", 5, true, 9);
  nist *s = malloc(sizeof *s);
  cn_model *m = NULL;
  cn_diag d;
  if (s && nist_read("Wampler1", s) && nist_fit(s, 5, true, &m, &d) == CN_OK) {
    CHECK(s->rsd == 0);
    CHECK(isnan(m->coef[0].t) && isnan(m->coef[0].p) && isnan(m->F));
    CHECK(m->n_notes >= 1 && strstr(m->notes[0], "fit y exactly"));
  } else {
    CHECK(!"Wampler1 fit failed");
  }
  cn_model_free(m);
  free(s);
}

/* Filip: a tenth-degree polynomial whose design has condition number
 * 1.8e15 (NIST); every power is kept (the explicit inverse of X'X dropped
 * four of them as collinear) and the certified values are met to 7 digits. */
TEST(nist_filip) { nist_check("Filip", 10, true, 7); }

/* Multiplying a regressor by 1e8 multiplies its coefficient and SE by
 * 1e-8 and leaves the others unchanged, to 1e-12 relative: the QR works on
 * columns scaled to unit norm. Longley, x5 (population) × 1e8, with the
 * iid and the robust VCE. */
TEST(reg_scale_invariance) {
  nist *s = malloc(sizeof *s);
  if (!s || !nist_read("Longley", s)) {
    free(s);
    return;
  }
  cn_table *t = cn_table_new(s->n);
  cn_diag d;
  const char *names[] = {"y", "x1", "x2", "x3", "x4", "x5", "x6", "big"};
  for (int j = 0; j < 8; j++) {
    double *x = cn_table_dbl_mut(t, cn_table_add_column(t, names[j], CN_DOUBLE, &d));
    for (int i = 0; i < s->n; i++) x[i] = j < 7 ? s->v[i][j] : s->v[i][5] * 1e8;
  }
  for (int robust = 0; robust < 2; robust++) {
    cn_reg_opts o;
    cn_reg_opts_init(&o);
    if (robust) o.vce = CN_VCE_ROBUST;
    cn_model *a = NULL, *b = NULL;
    CHECK_STATUS(cn_reg(t, "y ~ x1 + x2 + x3 + x4 + x5 + x6", &o, &a, &d), CN_OK, &d);
    CHECK_STATUS(cn_reg(t, "y ~ x1 + x2 + x3 + x4 + big + x6", &o, &b, &d), CN_OK, &d);
    if (a && b && a->ncoef == 7 && b->ncoef == 7) {
      for (int j = 0; j < 7; j++) {
        double f = j == 4 ? 1e-8 : 1;
        CHECK(rel_close(b->coef[j].b, a->coef[j].b * f, 1e-12));
        CHECK(rel_close(b->coef[j].se, a->coef[j].se * f, 1e-12));
      }
      CHECK(rel_close(b->r2, a->r2, 1e-12));
      CHECK(rel_close(b->rmse, a->rmse, 1e-12));
    }
    cn_model_free(a);
    cn_model_free(b);
  }
  cn_table_free(t);
  free(s);
}
