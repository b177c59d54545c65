/* lib/measure/icio.c — inter-country input-output tables (spec/measures.md
 * §2-3): reading and checking the three tables, θ1 / θ2 of one country's
 * industries, and the GVC measures of every country-industry (KPWW
 * participation and position, Antràs–Chor upstreamness, downstreamness,
 * WWYZ participation). The Leontief inverse is never formed: one LU
 * factorization of I − A (LAPACK dgetrf) serves every product with B
 * through dgetrs, so a 1435 × 1435 table costs a few n³/3 flops. Matrices
 * are column-major. */
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "../base/base_int.h"
#include "../table/table_int.h"
#include "coinnet/measure.h"

#define M_(m, i, j, n) (m)[(size_t)(i) + (size_t)(j) * (size_t)(n)]

static cn_status oom(cn_diag *d) { return cn_diag_set(d, CN_EINTERNAL, "out of memory"); }

/* A zeroed array of n doubles (never a zero-size request). */
static double *dalloc(size_t n) { return cn_calloc(n + 1, sizeof(double)); }

void cn_icio_free(cn_icio *io) {
  if (!io) return;
  for (int64_t i = 0; io->label && i < io->n; i++) cn_free(io->label[i]);
  for (int c = 0; io->country_name && c < io->ncountry; c++) cn_free(io->country_name[c]);
  for (int64_t c = 0; io->fd_label && c < io->nfd; c++) cn_free(io->fd_label[c]);
  cn_free(io->label), cn_free(io->industry), cn_free(io->country), cn_free(io->country_name);
  cn_free(io->fd_label), cn_free(io->fd_country);
  cn_free(io->Z), cn_free(io->F), cn_free(io->x), cn_free(io->va_negative);
  cn_free(io);
}

/* Index of country name s (length len) among io's countries, or -1. */
static int country_of(const cn_icio *io, const char *s, size_t len) {
  for (int c = 0; c < io->ncountry; c++)
    if (strlen(io->country_name[c]) == len && !memcmp(io->country_name[c], s, len)) return c;
  return -1;
}

/* Copies column col of t (rows 0..n-1) into dst as numbers; a missing or
 * non-numeric cell is CN_EDATA at its line (header = line 1). */
static cn_status num_column(const cn_table *t, int col, int64_t n, double *dst, const char *name, cn_diag *d) {
  cn_type ty = cn_table_type(t, col);
  for (int64_t i = 0; i < n; i++) {
    if (cn_table_is_na(t, col, i))
      return cn_diag_at(d, CN_EDATA, name, i + 2, 0, "column \"%s\": missing value", cn_table_name(t, col));
    if (ty == CN_STRING) {
      size_t len;
      const char *s = cn_table_str(t, col, i, &len);
      if (!cn__parse_double(s, len, &dst[i]))
        return cn_diag_at(d, CN_EDATA, name, i + 2, 0, "column \"%s\": \"%.*s\" is not a number",
                          cn_table_name(t, col), (int)(len > 64 ? 64 : len), s);
    } else {
      dst[i] = cn_table_get_num(t, col, i);
    }
  }
  return CN_OK;
}

/* The row label of row i of t (its first column) must equal want. */
static cn_status check_label(const cn_table *t, int64_t i, const char *want, const char *name, cn_diag *d) {
  size_t len;
  const char *s = cn_table_str(t, 0, i, &len);
  if (!s || strlen(want) != len || memcmp(s, want, len))
    return cn_diag_at(d, CN_EDATA, name, i + 2, 1, "row label \"%.*s\" does not match row %lld of the intermediate table (\"%s\")",
                      s ? (int)(len > 64 ? 64 : len) : 0, s ? s : "", (long long)i + 1, want);
  return CN_OK;
}

/* How far a row's uses may miss its output, relative to the larger of
 * |x_i| and its gross uses: rounding in published tables stays far below. */
#define ACCOUNT_TOL 1e-3
/* Offending rows named in one message. */
#define ACCOUNT_SHOW 5

/* Appends "; " or ": " and one offending row's text to the message
 * buffer (at most ACCOUNT_SHOW rows, then a count of the rest). */
static void list_row(char *msg, size_t size, int64_t k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void list_row(char *msg, size_t size, int64_t k, const char *fmt, ...) {
  size_t len = strlen(msg);
  if (k >= ACCOUNT_SHOW || len + 1 >= size) return;
  snprintf(msg + len, size - len, "%s", k ? "; " : ": ");
  len = strlen(msg);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + len, size - len, fmt, ap);
  va_end(ap);
}

/* The accounting identities of the table (docs/measures.md, "Checks on
 * the table"). Errors (CN_EDATA, at the line of the first offending row,
 * naming up to ACCOUNT_SHOW rows with their values): a non-finite number,
 * negative intermediate use, uses that do not add up to output, a row
 * with output ≤ 0 that supplies or uses intermediates. Rows with negative
 * value added are recorded in io->va_negative. */
static cn_status check_accounts(cn_icio *io, const char *const names[3], cn_diag *d) {
  int64_t n = io->n, nfd = io->nfd, bad = 0, first = -1;
  cn_status st = CN_OK;
  char msg[700] = "";
  double *zr = dalloc((size_t)n), *zc = dalloc((size_t)n), *fr = dalloc((size_t)n), *gross = dalloc((size_t)n);
  if (!zr || !zc || !fr || !gross) {
    st = oom(d);
    goto done;
  }
  for (int k = 0; k < 3; k++) { /* numbers such as 1e999 or inf */
    int64_t m = k == 0 ? n * n : k == 1 ? n * nfd : n;
    const double *v = k == 0 ? io->Z : k == 1 ? io->F : io->x;
    for (int64_t q = 0; q < m; q++)
      if (!isfinite(v[q])) {
        st = cn_diag_at(d, CN_EDATA, names[k], q % n + 2, 0, "row %s: %g is not a finite number",
                        io->label[q % n], v[q]);
        goto done;
      }
  }
  for (int64_t j = 0; j < n; j++)
    for (int64_t i = 0; i < n; i++) {
      double z = M_(io->Z, i, j, n);
      if (z < 0) {
        if (first < 0) first = i;
        list_row(msg, sizeof msg, bad++, "%s -> %s = %g", io->label[i], io->label[j], z);
      }
      zr[i] += z, zc[j] += z, gross[i] += fabs(z);
    }
  if (bad) {
    st = cn_diag_at(d, CN_EDATA, names[0], first + 2, 0, "%lld negative intermediate use%s%s%s", (long long)bad,
                    bad == 1 ? "" : "s", msg, bad > ACCOUNT_SHOW ? "; ..." : "");
    goto done;
  }
  for (int64_t c = 0; c < nfd; c++)
    for (int64_t i = 0; i < n; i++) fr[i] += M_(io->F, i, c, n), gross[i] += fabs(M_(io->F, i, c, n));
  for (int64_t i = 0; i < n; i++)
    if (!isfinite(gross[i]) || !isfinite(zc[i])) { /* finite cells whose sums overflow */
      st = cn_diag_at(d, CN_EDATA, names[0], i + 2, 0,
                      "row %s: the sums of its uses or inputs overflow a double (above 1.8e308); "
                      "express the table in larger units",
                      io->label[i]);
      goto done;
    }
  for (int64_t i = 0; i < n; i++) {
    double x = io->x[i], gap = zr[i] + fr[i] - x, size = fabs(x) > gross[i] ? fabs(x) : gross[i];
    if (fabs(gap) > ACCOUNT_TOL * size) {
      if (first < 0) first = i;
      list_row(msg, sizeof msg, bad++, "%s: intermediate %.10g + final %.10g = %.10g, output %.10g", io->label[i],
               zr[i], fr[i], zr[i] + fr[i], x);
    }
  }
  if (bad) {
    st = cn_diag_at(d, CN_EDATA, names[2], first + 2, 0,
                    "%lld row%s where intermediate use + final use differs from output by more than %g%%%s%s",
                    (long long)bad, bad == 1 ? "" : "s", ACCOUNT_TOL * 100, msg, bad > ACCOUNT_SHOW ? "; ..." : "");
    goto done;
  }
  for (int64_t i = 0; i < n; i++)
    if (!(io->x[i] > 0) && (zr[i] > 0 || zc[i] > 0)) {
      if (first < 0) first = i;
      list_row(msg, sizeof msg, bad++, "%s: output %.10g, intermediate use %.10g, inputs %.10g", io->label[i],
               io->x[i], zr[i], zc[i]);
    }
  if (bad) {
    st = cn_diag_at(d, CN_EDATA, names[2], first + 2, 0,
                    "%lld row%s with output <= 0 that supply or use intermediates%s%s", (long long)bad,
                    bad == 1 ? "" : "s", msg, bad > ACCOUNT_SHOW ? "; ..." : "");
    goto done;
  }
  for (int64_t j = 0; j < n; j++) bad += io->x[j] > 0 && io->x[j] - zc[j] < 0;
  if (bad && !(io->va_negative = cn_calloc((size_t)bad, sizeof *io->va_negative))) {
    st = oom(d);
    goto done;
  }
  for (int64_t j = 0; j < n; j++)
    if (io->x[j] > 0 && io->x[j] - zc[j] < 0) io->va_negative[io->n_va_negative++] = j;
done:
  cn_free(zr), cn_free(zc), cn_free(fr), cn_free(gross);
  return st;
}

cn_status cn_icio_from_tables(const cn_table *inter, const cn_table *final, const cn_table *output,
                              const char *const names[3], cn_icio **out, cn_diag *d) {
  cn_status st = CN_OK;
  cn_icio *io = NULL;
  cn_strmap seen = {0};
  *out = NULL;
  int64_t n = cn_table_nrow(inter);
  if (n < 1) return cn_diag_at(d, CN_EDATA, names[0], 0, 0, "the intermediate table has no rows");
  if (cn_table_ncol(inter) != n + 1)
    return cn_diag_at(d, CN_EDATA, names[0], 1, 0, "%lld rows but %d columns after the labels: Z must be square",
                      (long long)n, cn_table_ncol(inter) - 1);
  if (n > 46000) return cn_diag_at(d, CN_EDATA, names[0], 0, 0, "%lld country-industries: too many", (long long)n);
  if (cn_table_nrow(final) != n)
    return cn_diag_at(d, CN_EDATA, names[1], 0, 0, "%lld rows, the intermediate table has %lld",
                      (long long)cn_table_nrow(final), (long long)n);
  if (cn_table_nrow(output) != n)
    return cn_diag_at(d, CN_EDATA, names[2], 0, 0, "%lld rows, the intermediate table has %lld",
                      (long long)cn_table_nrow(output), (long long)n);
  if (cn_table_ncol(final) < 2) return cn_diag_at(d, CN_EDATA, names[1], 1, 0, "no final-demand columns");
  if (cn_table_ncol(output) < 2) return cn_diag_at(d, CN_EDATA, names[2], 1, 0, "no output column after the labels");
  for (int k = 0; k < 3; k++) {
    const cn_table *t = k == 0 ? inter : k == 1 ? final : output;
    if (cn_table_type(t, 0) != CN_STRING)
      return cn_diag_at(d, CN_EDATA, names[k], 1, 1, "the first column must hold the COUNTRY.INDUSTRY row labels");
  }
  int64_t nfd = cn_table_ncol(final) - 1;
  if (!(io = cn_calloc(1, sizeof *io))) return oom(d);
  io->n = n, io->nfd = nfd;
  io->label = cn_calloc((size_t)n, sizeof *io->label);
  io->industry = cn_calloc((size_t)n, sizeof *io->industry);
  io->country = cn_calloc((size_t)n, sizeof *io->country);
  io->country_name = cn_calloc((size_t)n, sizeof *io->country_name);
  io->fd_label = cn_calloc((size_t)nfd, sizeof *io->fd_label);
  io->fd_country = cn_calloc((size_t)nfd, sizeof *io->fd_country);
  io->Z = dalloc((size_t)n * (size_t)n);
  io->F = dalloc((size_t)n * (size_t)nfd);
  io->x = dalloc((size_t)n);
  if (!io->label || !io->industry || !io->country || !io->country_name || !io->fd_label || !io->fd_country ||
      !io->Z || !io->F || !io->x)
    goto fail_oom;
  for (int64_t i = 0; i < n; i++) {
    size_t len;
    const char *s = cn_table_str(inter, 0, i, &len);
    if (!s) {
      st = cn_diag_at(d, CN_EDATA, names[0], i + 2, 1, "missing row label");
      goto done;
    }
    const char *dot = memchr(s, '.', len);
    if (!dot || dot == s || dot == s + len - 1) {
      st = cn_diag_at(d, CN_EDATA, names[0], i + 2, 1, "row label \"%.*s\" is not COUNTRY.INDUSTRY",
                      (int)(len > 64 ? 64 : len), s);
      goto done;
    }
    int32_t before = (int32_t)seen.n, id = cn__strmap_intern(&seen, s, len);
    if (id < 0) goto fail_oom;
    if (id < before) {
      st = cn_diag_at(d, CN_EDATA, names[0], i + 2, 1, "row label \"%.*s\" repeats row %d",
                      (int)(len > 64 ? 64 : len), s, id + 1);
      goto done;
    }
    if (!(io->label[i] = cn_strndup(s, len))) goto fail_oom;
    io->industry[i] = io->label[i] + (dot - s) + 1;
    size_t clen = (size_t)(dot - s);
    int c = country_of(io, s, clen);
    if (c < 0) {
      if (!(io->country_name[io->ncountry] = cn_strndup(s, clen))) goto fail_oom;
      c = io->ncountry++;
    }
    io->country[i] = c;
    const char *col = cn_table_name(inter, (int)i + 1);
    if (strcmp(col, io->label[i])) {
      st = cn_diag_at(d, CN_EDATA, names[0], 1, 0, "column %lld is \"%s\", row %lld is \"%s\": Z's columns must follow its rows",
                      (long long)i + 2, col, (long long)i + 1, io->label[i]);
      goto done;
    }
  }
  for (int64_t i = 0; i < n; i++) {
    if ((st = check_label(final, i, io->label[i], names[1], d)) != CN_OK) goto done;
    if ((st = check_label(output, i, io->label[i], names[2], d)) != CN_OK) goto done;
  }
  for (int64_t j = 0; j < n; j++)
    if ((st = num_column(inter, (int)j + 1, n, io->Z + (size_t)j * (size_t)n, names[0], d)) != CN_OK) goto done;
  for (int64_t c = 0; c < nfd; c++) {
    const char *lab = cn_table_name(final, (int)c + 1);
    const char *dot = strchr(lab, '.');
    size_t clen = dot ? (size_t)(dot - lab) : strlen(lab);
    if ((io->fd_country[c] = country_of(io, lab, clen)) < 0) {
      st = cn_diag_at(d, CN_EDATA, names[1], 1, 0, "final-demand column \"%s\": country \"%.*s\" has no rows in the table",
                      lab, (int)clen, lab);
      goto done;
    }
    if (!(io->fd_label[c] = cn_strdup(lab))) goto fail_oom;
    if ((st = num_column(final, (int)c + 1, n, io->F + (size_t)c * (size_t)n, names[1], d)) != CN_OK) goto done;
  }
  if ((st = num_column(output, 1, n, io->x, names[2], d)) != CN_OK) goto done;
  st = check_accounts(io, names, d);
  goto done;
fail_oom:
  st = oom(d);
done:
  cn__strmap_free(&seen);
  if (st == CN_OK) *out = io;
  else cn_icio_free(io);
  return st;
}

cn_status cn_icio_read(const char *inter, const char *final, const char *output, const cn_read_opts *o,
                       cn_icio **out, cn_diag *d) {
  cn_table *t[3] = {NULL, NULL, NULL};
  const char *paths[3] = {inter, final, output};
  cn_read_opts ro;
  cn_status st = CN_OK;
  *out = NULL;
  for (int k = 0; k < 3 && st == CN_OK; k++) {
    if (o) ro = *o;
    else cn_read_opts_init(&ro);
    ro.no_header = 0;
    ro.display_name = NULL;
    st = cn_table_read(paths[k], &ro, &t[k], d);
  }
  if (st == CN_OK) st = cn_icio_from_tables(t[0], t[1], t[2], paths, out, d);
  for (int k = 0; k < 3; k++) cn_table_free(t[k]);
  return st;
}

/* ---- the Leontief system ---- */

/* What every measure needs: value added v = x − column sums of Z, its
 * coefficients vc = v / x (0 when x ≤ 0), and the LU factors of I − A. */
typedef struct leontief {
  int64_t n;
  double *v, *vc, *lu;
  lapack_int *piv;
  int64_t n_nonpos;
} leontief;

static void leontief_free(leontief *L) {
  cn_free(L->v), cn_free(L->vc), cn_free(L->lu), cn_free(L->piv);
}

/* Factors m (n × n, overwritten by its LU factors); a singular matrix is
 * CN_EANALYSIS naming what. */
static cn_status factor(double *m, lapack_int *piv, int64_t n, const char *what, cn_diag *d) {
  lapack_int info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)n, m, (lapack_int)n, piv);
  if (info > 0) return cn_diag_set(d, CN_EANALYSIS, "%s is singular (zero pivot at row %d)", what, (int)info);
  if (info < 0) return cn_diag_set(d, CN_EINTERNAL, "dgetrf: bad argument %d", (int)-info);
  return CN_OK;
}

/* Solves (trans 'N') m X = R or (trans 'T') m' X = R for nrhs columns of R
 * (n × nrhs, overwritten by X) with the factors of factor(). */
static cn_status solve(const double *lu, const lapack_int *piv, int64_t n, char trans, double *r, int64_t nrhs,
                       cn_diag *d) {
  lapack_int info = LAPACKE_dgetrs(LAPACK_COL_MAJOR, trans, (lapack_int)n, (lapack_int)nrhs, lu, (lapack_int)n, piv,
                                   r, (lapack_int)n);
  if (info != 0) return cn_diag_set(d, CN_EINTERNAL, "dgetrs: bad argument %d", (int)-info);
  return CN_OK;
}

/* A_ij = Z_ij / x_j, 0 in columns with x_j ≤ 0. */
static inline double acoef(const cn_icio *io, int64_t i, int64_t j) {
  double xj = io->x[j];
  return xj > 0 ? M_(io->Z, i, j, io->n) / xj : 0.0;
}

/* Fills L for io and factors I − A. */
static cn_status leontief_init(const cn_icio *io, leontief *L, cn_diag *d) {
  int64_t n = io->n;
  memset(L, 0, sizeof *L);
  L->n = n;
  L->v = dalloc((size_t)n), L->vc = dalloc((size_t)n);
  L->lu = dalloc((size_t)n * (size_t)n);
  L->piv = cn_calloc((size_t)n + 1, sizeof *L->piv);
  if (!L->v || !L->vc || !L->lu || !L->piv) return oom(d);
  cn__hint_huge(L->lu, (size_t)n * (size_t)n * sizeof(double));
  for (int64_t j = 0; j < n; j++) {
    double cs = 0;
    for (int64_t i = 0; i < n; i++) {
      cs += M_(io->Z, i, j, n);
      M_(L->lu, i, j, n) = (i == j) - acoef(io, i, j);
    }
    L->v[j] = io->x[j] - cs;
    L->vc[j] = io->x[j] > 0 ? L->v[j] / io->x[j] : 0.0;
    L->n_nonpos += !(io->x[j] > 0);
  }
  return factor(L->lu, L->piv, n, "the Leontief matrix I - A", d);
}

/* For each country r, column r of out (n × ncountry) gets z_r = vc_S' B
 * as a column: (z_r)_j = Σ_{s ∈ S} (VB)_sj with S the rows of country r
 * (foreign = 0) or the rows of every other country (foreign = 1). */
static cn_status va_shares(const cn_icio *io, const leontief *L, int foreign, double *out, cn_diag *d) {
  int64_t n = io->n;
  for (int r = 0; r < io->ncountry; r++)
    for (int64_t s = 0; s < n; s++) M_(out, s, r, n) = ((io->country[s] == r) != foreign) ? L->vc[s] : 0.0;
  return solve(L->lu, L->piv, n, 'T', out, io->ncountry, d);
}

/* ---- θ1, θ2 ---- */

/* Adds a double column filled from vals (n rows). */
static cn_status put_col(cn_table *t, const char *name, const double *vals, int64_t n, cn_diag *d) {
  int c = cn_table_add_column(t, name, CN_DOUBLE, d);
  if (c < 0) return d->code;
  memcpy(cn_table_dbl_mut(t, c), vals, (size_t)n * sizeof(double));
  return CN_OK;
}

/* Adds an int64 column filled from vals (n rows). */
static cn_status put_int(cn_table *t, const char *name, const int64_t *vals, int64_t n, cn_diag *d) {
  int c = cn_table_add_column(t, name, CN_INT64, d);
  if (c < 0) return d->code;
  memcpy(cn_table_i64_mut(t, c), vals, (size_t)n * sizeof(int64_t));
  return CN_OK;
}

/* Adds a text column filled from vals (n rows). */
static cn_status put_str(cn_table *t, const char *name, const char *const *vals, int64_t n, cn_diag *d) {
  int c = cn_table_add_column(t, name, CN_STRING, d);
  if (c < 0) return d->code;
  for (int64_t i = 0; i < n; i++)
    if (cn_table_set_str(t, c, i, vals[i], d) != CN_OK) return d->code;
  return CN_OK;
}

/* Aggregates the per-industry θ of theta() to the concordance's codes
 * (output-weighted means over industries with finite values); fills *out
 * and *unm. */
static cn_status theta_concord(const cn_icio *io, const int64_t *cols, int64_t m, const double *th1,
                               const double *th2, const cn_table *concord, cn_table **out, cn_table **unm,
                               cn_diag *d) {
  cn_status st = CN_OK;
  int64_t nr = cn_table_nrow(concord);
  cn_strmap codes = {0};
  bool *used = NULL;
  double *w1 = NULL, *s1 = NULL, *w2 = NULL, *s2 = NULL, *wx = NULL;
  int64_t *cnt = NULL;
  const char **un_name = NULL, **un_src = NULL;
  int64_t nun = 0;
  cn_table *res = NULL, *ures = NULL;
  cn_buf indb = {0}, codeb = {0}; /* a concordance row's industry and code, whole */
  if (cn_table_ncol(concord) < 2)
    return cn_diag_set(d, CN_EUSAGE, "the concordance needs two columns: table industry, code");
  used = cn_calloc((size_t)m + 1, sizeof *used);
  w1 = dalloc((size_t)nr), s1 = dalloc((size_t)nr), w2 = dalloc((size_t)nr), s2 = dalloc((size_t)nr);
  wx = dalloc((size_t)nr);
  cnt = cn_calloc((size_t)nr + 1, sizeof *cnt);
  un_name = cn_calloc((size_t)(m + nr) + 1, sizeof *un_name);
  un_src = cn_calloc((size_t)(m + nr) + 1, sizeof *un_src);
  char **own = cn_calloc((size_t)nr + 1, sizeof *own);
  if (!used || !w1 || !s1 || !w2 || !s2 || !wx || !cnt || !un_name || !un_src || !own) {
    cn_free(own);
    st = oom(d);
    goto done;
  }
  for (int64_t k = 0; k < nr; k++) {
    if (cn_table_is_na(concord, 0, k) || cn_table_is_na(concord, 1, k)) continue;
    if (!cn__cell_text(concord, 0, k, &indb) || !cn__cell_text(concord, 1, k, &codeb)) {
      st = oom(d);
      break;
    }
    const char *buf = indb.data;
    int32_t g = cn__strmap_intern(&codes, codeb.data, codeb.len);
    if (g < 0) {
      st = oom(d);
      break;
    }
    bool hit = false;
    for (int64_t a = 0; a < m; a++) {
      if (strcmp(io->industry[cols[a]], buf)) continue;
      hit = true;
      used[a] = true;
      double w = io->x[cols[a]];
      cnt[g]++;
      wx[g] += w;
      if (isfinite(th1[a])) w1[g] += w, s1[g] += w * th1[a];
      if (isfinite(th2[a])) w2[g] += w, s2[g] += w * th2[a];
    }
    if (!hit) {
      bool dup = false;
      for (int64_t u = 0; u < nun && !dup; u++) dup = !strcmp(un_src[u], "concord") && !strcmp(un_name[u], buf);
      if (!dup) {
        if (!(own[k] = cn_strdup(buf))) {
          st = oom(d);
          break;
        }
        un_name[nun] = own[k], un_src[nun++] = "concord";
      }
    }
  }
  if (st == CN_OK) {
    int64_t ng = (int64_t)codes.n;
    for (int64_t a = 0; a < m; a++)
      if (!used[a]) {
        un_name[nun] = io->industry[cols[a]], un_src[nun++] = "table";
      }
    if (!(res = cn_table_new(ng)) || !(ures = cn_table_new(nun))) {
      st = oom(d);
    } else {
      double *t1 = dalloc((size_t)ng), *t2 = dalloc((size_t)ng);
      if (!t1 || !t2) st = oom(d);
      for (int64_t g = 0; st == CN_OK && g < ng; g++) {
        t1[g] = w1[g] != 0 ? s1[g] / w1[g] : NAN;
        t2[g] = w2[g] != 0 ? s2[g] / w2[g] : NAN;
      }
      if (st == CN_OK) st = put_str(res, "industry", (const char *const *)codes.strs, ng, d);
      if (st == CN_OK) st = put_col(res, "theta1", t1, ng, d);
      if (st == CN_OK) st = put_col(res, "theta2", t2, ng, d);
      if (st == CN_OK) st = put_int(res, "n_industries", cnt, ng, d);
      if (st == CN_OK) st = put_col(res, "output", wx, ng, d);
      /* unmatched: table industries, then concordance industries */
      const char **nm = cn_calloc((size_t)nun + 1, sizeof *nm), **sr = cn_calloc((size_t)nun + 1, sizeof *sr);
      if (!nm || !sr) {
        if (st == CN_OK) st = oom(d);
      } else {
        int64_t k = 0;
        for (int pass = 0; pass < 2; pass++)
          for (int64_t u = 0; u < nun; u++)
            if (!strcmp(un_src[u], pass ? "concord" : "table")) nm[k] = un_name[u], sr[k++] = un_src[u];
        if (st == CN_OK) st = put_str(ures, "industry", nm, nun, d);
        if (st == CN_OK) st = put_str(ures, "source", sr, nun, d);
      }
      cn_free(nm), cn_free(sr), cn_free(t1), cn_free(t2);
    }
  }
  for (int64_t k = 0; k < nr; k++) cn_free(own[k]);
  cn_free(own);
done:
  if (st == CN_OK) {
    *out = res, res = NULL;
    if (unm) *unm = ures, ures = NULL;
  }
  cn_table_free(res), cn_table_free(ures);
  cn__strmap_free(&codes);
  cn_free(used), cn_free(w1), cn_free(s1), cn_free(w2), cn_free(s2), cn_free(wx), cn_free(cnt);
  cn_free(un_name), cn_free(un_src);
  cn__buf_free(&indb), cn__buf_free(&codeb);
  return st;
}

cn_status cn_icio_theta(const cn_icio *io, const char *country, const cn_table *concord, cn_table **out,
                        cn_table **unmatched, cn_diag *d) {
  cn_status st = CN_OK;
  leontief L = {0};
  int64_t n = io->n, m = 0;
  double *fva = NULL, *dva = NULL, *th1 = NULL, *th2 = NULL, *xo = NULL, *dom = NULL, *imp = NULL;
  int64_t *cols = NULL, *flag = NULL;
  const char **ind = NULL;
  cn_table *res = NULL;
  *out = NULL;
  if (unmatched) *unmatched = NULL;
  int cs = country_of(io, country, strlen(country));
  if (cs < 0) {
    cn_diag_set(d, CN_EUSAGE, "no country \"%s\" in the table", country);
    cn_diag_hint(d, "the countries are the parts of the row labels before the first '.', e.g. \"%s\"",
                 io->country_name[0]);
    return CN_EUSAGE;
  }
  if (io->ncountry < 2) return cn_diag_set(d, CN_EDATA, "the table has one country: no foreign rows");
  fva = dalloc((size_t)n * (size_t)io->ncountry), dva = dalloc((size_t)n * (size_t)io->ncountry);
  cols = cn_calloc((size_t)n + 1, sizeof *cols), flag = cn_calloc((size_t)n + 1, sizeof *flag);
  th1 = dalloc((size_t)n), th2 = dalloc((size_t)n), xo = dalloc((size_t)n), dom = dalloc((size_t)n);
  imp = dalloc((size_t)n);
  ind = cn_calloc((size_t)n + 1, sizeof *ind);
  if (!fva || !dva || !cols || !flag || !th1 || !th2 || !xo || !dom || !imp || !ind) {
    st = oom(d);
    goto done;
  }
  if ((st = leontief_init(io, &L, d)) != CN_OK) goto done;
  /* FVA_d = Σ_{f foreign to cs} (VB)_fd: column cs of the foreign shares;
   * DVA_f = Σ_{c of cs} (VB)_cf: column cs of the domestic shares. Only
   * country cs is needed: solve for it alone. */
  for (int64_t s = 0; s < n; s++) {
    fva[s] = io->country[s] != cs ? L.vc[s] : 0.0;
    dva[s] = io->country[s] == cs ? L.vc[s] : 0.0;
  }
  if ((st = solve(L.lu, L.piv, n, 'T', fva, 1, d)) != CN_OK) goto done;
  if ((st = solve(L.lu, L.piv, n, 'T', dva, 1, d)) != CN_OK) goto done;
  for (int64_t j = 0; j < n; j++) {
    if (io->country[j] != cs) continue;
    double sd = 0, sdf = 0, sf = 0, sfd = 0;
    for (int64_t i = 0; i < n; i++) {
      double a = acoef(io, i, j);
      if (io->country[i] == cs) sd += a, sdf += a * fva[i];
      else sf += a, sfd += a * dva[i];
    }
    cols[m] = j;
    ind[m] = io->industry[j];
    th1[m] = sd != 0 ? sdf / sd : NAN;
    th2[m] = sf != 0 ? sfd / sf : NAN;
    xo[m] = io->x[j];
    dom[m] = sd, imp[m] = sf;
    flag[m] = !(io->x[j] > 0);
    m++;
  }
  if (concord) {
    st = theta_concord(io, cols, m, th1, th2, concord, &res, unmatched, d);
    if (st != CN_OK) goto done;
  } else {
    if (!(res = cn_table_new(m))) {
      st = oom(d);
      goto done;
    }
    if ((st = put_str(res, "industry", ind, m, d)) != CN_OK || (st = put_col(res, "theta1", th1, m, d)) != CN_OK ||
        (st = put_col(res, "theta2", th2, m, d)) != CN_OK || (st = put_col(res, "output", xo, m, d)) != CN_OK ||
        (st = put_col(res, "dom_inputs", dom, m, d)) != CN_OK ||
        (st = put_col(res, "imp_inputs", imp, m, d)) != CN_OK ||
        (st = put_int(res, "flag_output", flag, m, d)) != CN_OK)
      goto done;
  }
done:
  if (st == CN_OK) *out = res, res = NULL;
  cn_table_free(res);
  leontief_free(&L);
  cn_free(fva), cn_free(dva), cn_free(cols), cn_free(flag), cn_free(th1), cn_free(th2), cn_free(xo);
  cn_free(dom), cn_free(imp), cn_free(ind);
  return st;
}

/* ---- GVC measures ---- */

/* True when final-demand label lab is an inventories column: its category
 * (after the first '.') or, without one, the whole label equals inv. */
static bool is_inventory(const char *lab, const char *inv) {
  const char *dot = strchr(lab, '.');
  return !strcmp(dot ? dot + 1 : lab, inv);
}

cn_status cn_icio_gvc(const cn_icio *io, const char *inventories, cn_table **out, cn_icio_gvc_info *info,
                      cn_diag *d) {
  cn_status st = CN_OK;
  leontief L = {0};
  int64_t n = io->n;
  int G = io->ncountry;
  size_t nn = (size_t)n * (size_t)n;
  double *Y = NULL, *ytot = NULL, *inv = NULL, *E = NULL, *zf = NULL, *W = NULL, *FV = NULL, *IV = NULL;
  double *part = NULL, *pos = NULL, *U = NULL, *D = NULL, *m2 = NULL, *fw = NULL, *bw = NULL, *q = NULL;
  double *g = NULL;
  lapack_int *piv2 = NULL;
  int64_t *fo = NULL, *fi = NULL;
  const char **cty = NULL;
  cn_table *res = NULL;
  cn_icio_gvc_info inf = {0};
  *out = NULL;
  Y = dalloc((size_t)n * (size_t)G), ytot = dalloc((size_t)n), inv = dalloc((size_t)n), E = dalloc((size_t)n);
  zf = dalloc((size_t)n * (size_t)G), W = dalloc((size_t)n * (size_t)G), FV = dalloc((size_t)n);
  IV = dalloc((size_t)n), part = dalloc((size_t)n), pos = dalloc((size_t)n), U = dalloc((size_t)n);
  D = dalloc((size_t)n), m2 = dalloc(nn), fw = dalloc((size_t)n), bw = dalloc((size_t)n), q = dalloc((size_t)n);
  g = dalloc((size_t)n);
  piv2 = cn_calloc((size_t)n + 1, sizeof *piv2);
  fo = cn_calloc((size_t)n + 1, sizeof *fo), fi = cn_calloc((size_t)n + 1, sizeof *fi);
  cty = cn_calloc((size_t)n + 1, sizeof *cty);
  if (!Y || !ytot || !inv || !E || !zf || !W || !FV || !IV || !part || !pos || !U || !D || !m2 || !fw || !bw ||
      !q || !g || !piv2 || !fo || !fi || !cty) {
    st = oom(d);
    goto done;
  }
  cn__hint_huge(m2, nn * sizeof(double));
  if ((st = leontief_init(io, &L, d)) != CN_OK) goto done;
  inf.n_output_nonpos = L.n_nonpos;
  /* final demand by destination country, total, inventories */
  for (int64_t c = 0; c < io->nfd; c++) {
    bool isinv = inventories && is_inventory(io->fd_label[c], inventories);
    inf.n_inventory_cols += isinv;
    for (int64_t i = 0; i < n; i++) {
      double f = M_(io->F, i, c, n);
      M_(Y, i, io->fd_country[c], n) += f;
      ytot[i] += f;
      if (isinv) inv[i] += f;
    }
  }
  if (inventories && inf.n_inventory_cols == 0) {
    st = cn_diag_set(d, CN_EUSAGE, "no final-demand column is \"%s\" or COUNTRY.%s", inventories, inventories);
    goto done;
  }
  /* gross exports */
  for (int64_t i = 0; i < n; i++) {
    int r = io->country[i];
    double e = 0;
    for (int64_t j = 0; j < n; j++)
      if (io->country[j] != r) e += M_(io->Z, i, j, n);
    for (int t = 0; t < G; t++)
      if (t != r) e += M_(Y, i, t, n);
    E[i] = e;
  }
  /* FV_j = E_j Σ_{s foreign to j} (VB)_sj */
  if ((st = va_shares(io, &L, 1, zf, d)) != CN_OK) goto done;
  /* IV_i = vc_i Σ_{k: country s ≠ r} B_ik Σ_{t ≠ r, s} Y_kt, r = country of i */
  for (int r = 0; r < G; r++)
    for (int64_t k = 0; k < n; k++) {
      int s = io->country[k];
      M_(W, k, r, n) = s != r ? ytot[k] - M_(Y, k, s, n) - M_(Y, k, r, n) : 0.0;
    }
  if ((st = solve(L.lu, L.piv, n, 'N', W, G, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < n; i++) {
    int r = io->country[i];
    FV[i] = E[i] * M_(zf, i, r, n);
    IV[i] = L.vc[i] * M_(W, i, r, n);
    if (E[i] != 0) {
      part[i] = IV[i] / E[i] + FV[i] / E[i];
      pos[i] = log1p(IV[i] / E[i]) - log1p(FV[i] / E[i]);
    } else {
      part[i] = pos[i] = NAN;
    }
    cty[i] = io->country_name[r];
  }
  /* upstreamness: (I − Δ) U = 1, Δ_ij = Z_ij / (x_i − N_i) */
  double *scale = g; /* x_i / (x_i − N_i), 0 on flagged rows */
  for (int64_t i = 0; i < n; i++) {
    double yn = io->x[i] - inv[i];
    fi[i] = !(yn > 0);
    inf.n_inv_nonpos += fi[i];
    scale[i] = yn > 0 ? io->x[i] / yn : 0.0;
    fo[i] = !(io->x[i] > 0);
  }
  for (int64_t j = 0; j < n; j++)
    for (int64_t i = 0; i < n; i++) {
      double yn = io->x[i] - inv[i];
      M_(m2, i, j, n) = (i == j) - (yn > 0 ? M_(io->Z, i, j, n) / yn : 0.0);
    }
  for (int64_t i = 0; i < n; i++) U[i] = 1.0;
  if ((st = factor(m2, piv2, n, "I - Delta (upstreamness)", d)) != CN_OK) goto done;
  if ((st = solve(m2, piv2, n, 'N', U, 1, d)) != CN_OK) goto done;
  /* downstreamness: (I − Ã)' D = 1, Ã_ij = scale_i Z_ij / x_j */
  for (int64_t i = 0; i < n; i++) D[i] = 1.0;
  if (inventories) {
    for (int64_t j = 0; j < n; j++)
      for (int64_t i = 0; i < n; i++) M_(m2, i, j, n) = (i == j) - scale[i] * acoef(io, i, j);
    if ((st = factor(m2, piv2, n, "I - A (inventory-corrected, downstreamness)", d)) != CN_OK) goto done;
    if ((st = solve(m2, piv2, n, 'T', D, 1, d)) != CN_OK) goto done;
  } else if ((st = solve(L.lu, L.piv, n, 'T', D, 1, d)) != CN_OK) {
    goto done;
  }
  /* WWYZ: local Leontief (I − A_D), A_D the domestic blocks, A_F the rest */
  for (int64_t j = 0; j < n; j++)
    for (int64_t i = 0; i < n; i++)
      M_(m2, i, j, n) = (i == j) - (io->country[i] == io->country[j] ? acoef(io, i, j) : 0.0);
  if ((st = factor(m2, piv2, n, "I - A_D (domestic blocks)", d)) != CN_OK) goto done;
  /* forward_i = (V̂ L A_F B y)_i / v_i */
  memcpy(q, ytot, (size_t)n * sizeof *q);
  if ((st = solve(L.lu, L.piv, n, 'N', q, 1, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < n; i++) {
    double s = 0;
    for (int64_t j = 0; j < n; j++)
      if (io->country[j] != io->country[i]) s += acoef(io, i, j) * q[j];
    fw[i] = s;
  }
  if ((st = solve(m2, piv2, n, 'N', fw, 1, d)) != CN_OK) goto done;
  for (int64_t i = 0; i < n; i++) fw[i] = L.v[i] != 0 && io->x[i] > 0 ? L.vc[i] * fw[i] / L.v[i] : NAN;
  /* backward_j = (vc' L A_F B)_j, defined where x_j > 0 and final goods Y_j ≠ 0 */
  memcpy(q, L.vc, (size_t)n * sizeof *q);
  if ((st = solve(m2, piv2, n, 'T', q, 1, d)) != CN_OK) goto done;
  for (int64_t j = 0; j < n; j++) {
    double s = 0;
    for (int64_t i = 0; i < n; i++)
      if (io->country[i] != io->country[j]) s += q[i] * acoef(io, i, j);
    bw[j] = s;
  }
  if ((st = solve(L.lu, L.piv, n, 'T', bw, 1, d)) != CN_OK) goto done;
  for (int64_t j = 0; j < n; j++)
    if (ytot[j] == 0 || !(io->x[j] > 0)) bw[j] = NAN;
  if (!(res = cn_table_new(n))) {
    st = oom(d);
    goto done;
  }
  if ((st = put_str(res, "country", cty, n, d)) != CN_OK || (st = put_str(res, "industry", io->industry, n, d)) != CN_OK ||
      (st = put_col(res, "E", E, n, d)) != CN_OK || (st = put_col(res, "FV", FV, n, d)) != CN_OK ||
      (st = put_col(res, "IV", IV, n, d)) != CN_OK || (st = put_col(res, "participation", part, n, d)) != CN_OK ||
      (st = put_col(res, "position", pos, n, d)) != CN_OK || (st = put_col(res, "upstreamness", U, n, d)) != CN_OK ||
      (st = put_col(res, "downstreamness", D, n, d)) != CN_OK ||
      (st = put_col(res, "wwyz_forward", fw, n, d)) != CN_OK ||
      (st = put_col(res, "wwyz_backward", bw, n, d)) != CN_OK ||
      (st = put_int(res, "flag_output", fo, n, d)) != CN_OK || (st = put_int(res, "flag_inventory", fi, n, d)) != CN_OK)
    goto done;
done:
  if (st == CN_OK) *out = res, res = NULL;
  if (info) *info = inf;
  cn_table_free(res);
  leontief_free(&L);
  cn_free(Y), cn_free(ytot), cn_free(inv), cn_free(E), cn_free(zf), cn_free(W), cn_free(FV), cn_free(IV);
  cn_free(part), cn_free(pos), cn_free(U), cn_free(D), cn_free(m2), cn_free(fw), cn_free(bw), cn_free(q);
  cn_free(g), cn_free(piv2), cn_free(fo), cn_free(fi), cn_free(cty);
  return st;
}
