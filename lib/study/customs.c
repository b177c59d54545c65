/* lib/study/customs.c — synthetic customs records with a known DVAR (issue
 * 6, item 6). Each exporting firm-year gets export records summing to its
 * exports and import records whose intermediary-adjusted, BEC-filtered
 * totals solve the DVAR formula of its regime for dvar_true exactly; trade
 * intermediaries then import each product so that their share of its
 * imports is a preset m_k. Products whose BEC codes are all intermediate or
 * none is are used, so the result is the same under every --bec-rule. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "coinnet/dvar.h"
#include "../measure/measure_int.h"
#include "../table/table_int.h"

#define NHS 1000000
#define YEAR_MIN 1900
#define YEAR_MAX 2100

void cn_gen_customs_opts_init(cn_gen_customs_opts *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->first_year = 2000;
  o->last_year = 2015;
  o->firms = 200;
}

/* Per edition: product codes that are intermediate under every rule (inter)
 * and under none (final), and per year the producers' import totals. */
typedef struct pool {
  int32_t *inter, *final;
  int ninter, nfinal;
} pool;

static void pools_free(pool *p, int n) {
  for (int i = 0; i < n; i++) {
    cn_free(p[i].inter);
    cn_free(p[i].final);
  }
}

/* Lists each edition's pure codes. */
static bool pools_make(const cn_bec *bec, pool *p) {
  int ne = cn_bec_editions(bec);
  for (int e = 0; e < ne; e++) {
    int y = cn_bec_edition_year(bec, e);
    if (y == 0) y = YEAR_MIN; /* a single file */
    int ni = 0, nf = 0;
    for (int32_t k = 0; k < NHS; k++) {
      int w = cn_bec_pure(bec, y, k);
      if (w == 1) ni++;
      else if (w == 0) nf++;
    }
    if (!(p[e].inter = cn_malloc((size_t)(ni + 1) * sizeof(int32_t))) ||
        !(p[e].final = cn_malloc((size_t)(nf + 1) * sizeof(int32_t))))
      return false;
    for (int32_t k = 0; k < NHS; k++) {
      int w = cn_bec_pure(bec, y, k);
      if (w == 1) p[e].inter[p[e].ninter++] = k;
      else if (w == 0) p[e].final[p[e].nfinal++] = k;
    }
  }
  return true;
}

/* The preset intermediaries' share of product k's imports in year y: 0 for
 * about a third of the products, else in [.05, .4); a hash of (seed, y, k). */
static double m_share(uint64_t seed, int y, int32_t k) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ull ^ ((uint64_t)y << 32 | (uint32_t)k);
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 29;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 32;
  double u = (double)(x >> 11) * 0x1.0p-53;
  return u < 1.0 / 3 ? 0 : 0.05 + 0.35 * (u - 1.0 / 3) * 1.5;
}

/* Writes a text field, quoted when it holds a separator, quote or line end. */
static void put_text(FILE *fp, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, fp);
    return;
  }
  fputc('"', fp);
  for (; *s; s++) {
    if (*s == '"') fputc('"', fp);
    fputc(*s, fp);
  }
  fputc('"', fp);
}

/* Writes one record; values in the shortest decimal that reads back to the
 * same double (exact, and as a person would write it). */
static void put(FILE *fp, const char *firm, const char *name, int year, int32_t hs, const char *flow,
                const char *regime, double v) {
  put_text(fp, firm);
  fputc(',', fp);
  put_text(fp, name);
  char num[32];
  cn__fmt_double(v, num, sizeof num);
  fprintf(fp, ",%d,%06d,%s,%s,%s\n", year, (int)hs, flow, regime, num);
}

/* Splits total into n positive parts with random weights. */
static void split_parts(cn_rng *r, double total, int n, double *part) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (part[i] = 0.2 + cn_rng_uniform(r));
  for (int i = 0; i < n; i++) part[i] = total * part[i] / s;
}

/* Writes imports of `n` products from list `codes` whose adjusted values
 * (value / (1 − m_k)) sum to `adj`, adding the raw values to prod[]. */
static void imports(FILE *fp, cn_rng *r, const char *firm, const char *name, int year, const char *regime,
                    const int32_t *codes, int ncodes, int n, double adj, uint64_t seed, double *prod,
                    int64_t *nrec) {
  double part[64];
  if (n > 64) n = 64;
  if (adj <= 0 || ncodes == 0) return;
  split_parts(r, adj, n, part);
  for (int i = 0; i < n; i++) {
    int j = (int)cn_rng_below(r, (uint64_t)ncodes);
    int32_t k = codes[j];
    double v = part[i] * (1 - m_share(seed, year, k));
    put(fp, firm, name, year, k, "import", regime, v);
    prod[k] += v;
    (*nrec)++;
  }
}

cn_status cn_gen_customs(const cn_table *firms, const cn_table *theta, const cn_bec *bec,
                         const cn_gen_customs_opts *o, FILE *fp, int64_t *nrec, cn_diag *d) {
  cn_status st = CN_OK;
  int ne = cn_bec_editions(bec);
  pool pools[16];
  memset(pools, 0, sizeof pools);
  double *prod[YEAR_MAX - YEAR_MIN + 1];
  memset(prod, 0, sizeof prod);
  cn__theta th = {0};
  cn_buf firmb = {0}, nameb = {0};
  *nrec = 0;
  const char *fname = o->col_firm ? o->col_firm : "firm", *iname = o->col_industry ? o->col_industry : "industry";
  const char *ft = "firm table";
  int cf = cn__need_col(firms, fname, ft, d), cy, ci, cx, cs, cd, cv, cn = cn_table_find(firms, "name");
  if (cf < 0 || (cy = cn__need_num(firms, "year", ft, d)) < 0 || (ci = cn__need_col(firms, iname, ft, d)) < 0 ||
      (cx = cn__need_num(firms, "exports", ft, d)) < 0 || (cs = cn__need_num(firms, "sales", ft, d)) < 0 ||
      (cd = cn__need_num(firms, "dii", ft, d)) < 0 || (cv = cn__need_num(firms, "dvar_true", ft, d)) < 0)
    return CN_EUSAGE;
  if ((st = cn__theta_read(theta, iname, "theta1", "theta2", &th, d)) != CN_OK) goto done;
  if (!pools_make(bec, pools)) goto oom;
  for (int e = 0; e < ne; e++)
    if (!pools[e].ninter || !pools[e].nfinal) {
      st = cn_diag_set(d, CN_EUSAGE, "gen customs: the concordance has no pure intermediate or final codes");
      goto done;
    }
  fputs("firm,name,year,hs6,flow,regime,value\n", fp);
  cn_rng r;
  cn_rng_seed(&r, o->seed, 0xC057);
  int64_t nrow = cn_table_nrow(firms), nexp = 0;
  for (int64_t i = 0; i < nrow; i++)
    if (!isnan(cn_table_get_num(firms, cv, i)) && cn_table_get_num(firms, cx, i) > 0) nexp++;
  /* records per exporter-year: about 3 export + imports; aim at o->records */
  double per = o->records > 0 && nexp > 0 ? (double)o->records / (double)nexp : 30;
  for (int64_t i = 0; i < nrow; i++) {
    double dv = cn_table_get_num(firms, cv, i), X = cn_table_get_num(firms, cx, i);
    if (isnan(dv) || !(X > 0)) continue;
    /* ids and names whole: a cut id could merge two firms in the records */
    if (!cn__cell_text(firms, cf, i, &firmb) || !cn__cell_text(firms, cn >= 0 ? cn : cf, i, &nameb))
      goto oom;
    const char *firm = firmb.data, *name = nameb.data;
    double yv = cn_table_get_num(firms, cy, i), sales = cn_table_get_num(firms, cs, i),
           dii = cn_table_get_num(firms, cd, i);
    int32_t id = cn__theta_find(&th, firms, ci, i);
    if (id < 0 || isnan(yv) || yv < YEAR_MIN || yv > YEAR_MAX || isnan(sales) || isnan(dii) || sales < X) {
      st = cn_diag_set(d, CN_EDATA,
                       "gen customs: firm \"%s\" row %lld: needs a theta industry, a year, sales >= exports and dii",
                       firm, (long long)i + 1);
      goto done;
    }
    int year = (int)yv;
    double T1 = th.th1[id], T2 = th.th2[id], N = (1 - dv) * X - T1 * dii, D = sales - X;
    if (N < -1e-9 * X) {
      st = cn_diag_set(d, CN_EDATA, "gen customs: firm \"%s\" year %d: theta1*DII = %g exceeds (1 - DVAR)*X = %g",
                       firm, year, T1 * dii, (1 - dv) * X);
      goto done;
    }
    if (N < 0) N = 0;
    const pool *p = &pools[cn_bec_edition_for(bec, year)];
    int yi = year - YEAR_MIN;
    if (!prod[yi] && !(prod[yi] = cn_calloc(NHS, sizeof(double)))) goto oom;
    /* the regime: processing .35, ordinary .45, mixed .2; ordinary needs
     * s = X/(D + X) clearly above θ2 (the paper's θ2 term has no s) */
    double u = cn_rng_uniform(&r), s_ord = X / (D + X);
    int regime = u < 0.35 ? 0 : u < 0.8 ? 1 : 2;
    if (regime == 1 && s_ord - T2 < 0.02) regime = 0;
    int nimp = (int)fmax(1, fmin(60, round(per * (0.5 + cn_rng_uniform(&r)) - 3)));
    int nx = 1 + (int)cn_rng_below(&r, 3);
    double parts[8];
    if (regime == 2) {
      double xp = X * (0.3 + 0.4 * cn_rng_uniform(&r)), xo = X - xp;
      split_parts(&r, xp, nx, parts);
      for (int k = 0; k < nx; k++) put(fp, firm, name, year, p->final[cn_rng_below(&r, (uint64_t)p->nfinal)], "export", "processing", parts[k]);
      split_parts(&r, xo, nx, parts);
      for (int k = 0; k < nx; k++) put(fp, firm, name, year, p->final[cn_rng_below(&r, (uint64_t)p->nfinal)], "export", "ordinary", parts[k]);
      *nrec += 2 * nx;
      double s = xo / (D + xo), a = 0.3 + 0.5 * cn_rng_uniform(&r);
      double mpa_bec = a * N / (1 - T2), moa_bec = (1 - a) * N / ((1 - T2) * s);
      int n1 = nimp / 3 + 1, n2 = nimp / 3 + 1, n3 = nimp - n1 - n2 > 0 ? nimp - n1 - n2 : 1;
      imports(fp, &r, firm, name, year, "processing", p->inter, p->ninter, n1, mpa_bec, o->seed, prod[yi], nrec);
      imports(fp, &r, firm, name, year, "ordinary", p->inter, p->ninter, n2, moa_bec, o->seed, prod[yi], nrec);
      /* final goods: count in Mp and Mo but not in the BEC-filtered sums */
      imports(fp, &r, firm, name, year, "processing", p->final, p->nfinal, n3, 0.1 * X * cn_rng_uniform(&r), o->seed, prod[yi], nrec);
    } else {
      const char *rg = regime == 0 ? "processing" : "ordinary";
      split_parts(&r, X, nx, parts);
      for (int k = 0; k < nx; k++) put(fp, firm, name, year, p->final[cn_rng_below(&r, (uint64_t)p->nfinal)], "export", rg, parts[k]);
      *nrec += nx;
      int n1 = (nimp * 3) / 4 + 1, n2 = nimp - n1 > 0 ? nimp - n1 : 1;
      if (regime == 0) { /* every processing import counts: intermediate and final alike */
        double a = N / (1 - T2), f = a * 0.3 * cn_rng_uniform(&r);
        imports(fp, &r, firm, name, year, "processing", p->inter, p->ninter, n1, a - f, o->seed, prod[yi], nrec);
        imports(fp, &r, firm, name, year, "processing", p->final, p->nfinal, n2, f, o->seed, prod[yi], nrec);
      } else {
        double moa_bec = N / (s_ord - T2);
        imports(fp, &r, firm, name, year, "ordinary", p->inter, p->ninter, n1, moa_bec, o->seed, prod[yi], nrec);
        imports(fp, &r, firm, name, year, "ordinary", p->final, p->nfinal, n2, 0.1 * X * cn_rng_uniform(&r), o->seed, prod[yi], nrec);
      }
    }
    /* a little of other regimes: left out of every sum */
    if (cn_rng_uniform(&r) < 0.1) {
      int32_t k = p->inter[cn_rng_below(&r, (uint64_t)p->ninter)];
      put(fp, firm, name, year, k, "import", "other", 0.01 * X);
      prod[yi][k] += 0.01 * X; /* other-regime imports count in m_k's total like any import */
      (*nrec)++;
    }
    if (ferror(fp)) goto ioerr;
  }
  /* the intermediaries: import m_k/(1 − m_k) of the producers' imports */
  int nint = o->intermediaries > 0 ? o->intermediaries : (int)(o->firms / 20 + 5);
  static const char *const cities[] = {"上海", "广州", "深圳", "宁波", "天津", "厦门", "青岛", "大连"};
  static const char *const kinds[] = {"进出口有限公司", "贸易有限公司", "外贸集团有限公司", "经贸发展有限公司", "科贸有限公司"};
  for (int y = YEAR_MIN; y <= YEAR_MAX; y++) {
    double *pr = prod[y - YEAR_MIN];
    if (!pr) continue;
    for (int32_t k = 0; k < NHS; k++) {
      if (pr[k] <= 0) continue;
      double m = m_share(o->seed, y, k);
      if (m <= 0) continue;
      double total = m / (1 - m) * pr[k], parts[3];
      int n = 1 + (int)cn_rng_below(&r, 3);
      split_parts(&r, total, n, parts);
      for (int j = 0; j < n; j++) {
        int who = (int)cn_rng_below(&r, (uint64_t)nint);
        char firm[32], name[128];
        snprintf(firm, sizeof firm, "T%05d", who + 1);
        snprintf(name, sizeof name, "%s%s%s", cities[who % 8], who % 3 == 0 ? "中外" : "恒通", kinds[who % 5]);
        put(fp, firm, name, y, k, "import", who % 2 ? "ordinary" : "processing", parts[j]);
        (*nrec)++;
      }
    }
    if (ferror(fp)) goto ioerr;
  }
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
  goto done;
ioerr:
  st = cn_diag_set(d, CN_EINTERNAL, "gen customs: write error");
done:
  pools_free(pools, 16);
  for (int i = 0; i <= YEAR_MAX - YEAR_MIN; i++) cn_free(prod[i]);
  cn__theta_free(&th);
  cn__buf_free(&firmb);
  cn__buf_free(&nameb);
  return st;
}

cn_status cn_gen_customs_firms(const cn_gen_customs_opts *o, cn_table **firms, cn_table **theta, cn_diag *d) {
  cn_status st = CN_OK;
  cn_table *f = NULL, *t = NULL;
  *firms = *theta = NULL;
  int ny = o->last_year - o->first_year + 1;
  if (ny < 1 || o->firms < 1 || o->first_year < YEAR_MIN || o->last_year > YEAR_MAX)
    return cn_diag_set(d, CN_EUSAGE, "gen customs: needs firms >= 1 and first year <= last year");
  /* θ for the 2-digit manufacturing industries 13..43 */
  static const int inds[] = {13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                             30, 31, 32, 33, 34, 35, 36, 37, 39, 40, 41, 42, 43};
  int nind = (int)(sizeof inds / sizeof *inds);
  cn_rng r;
  cn_rng_seed(&r, o->seed, 0x7E7A);
  if (!(t = cn_table_new(nind))) goto oom;
  int ti = cn_table_add_column(t, "industry", CN_STRING, d), t1 = cn_table_add_column(t, "theta1", CN_DOUBLE, d),
      t2 = cn_table_add_column(t, "theta2", CN_DOUBLE, d);
  if (ti < 0 || t1 < 0 || t2 < 0) goto fail;
  double th1[64];
  for (int i = 0; i < nind; i++) {
    char buf[8];
    snprintf(buf, sizeof buf, "%d", inds[i]);
    if (cn_table_set_str(t, ti, i, buf, d) != CN_OK) goto fail;
    cn_table_dbl_mut(t, t1)[i] = th1[i] = 0.02 + 0.10 * cn_rng_uniform(&r);
    cn_table_dbl_mut(t, t2)[i] = 0.005 + 0.045 * cn_rng_uniform(&r);
  }
  int64_t n = o->firms * ny;
  if (!(f = cn_table_new(n))) goto oom;
  static const char *const names[] = {"firm", "name", "year", "industry", "exports", "sales", "dii", "dvar_true"};
  int c[8];
  for (int k = 0; k < 8; k++)
    if ((c[k] = cn_table_add_column(f, names[k], k == 0 || k == 1 || k == 3 ? CN_STRING : k == 2 ? CN_INT64 : CN_DOUBLE,
                                    d)) < 0)
      goto fail;
  static const char *const place[] = {"苏州", "无锡", "东莞", "佛山", "温州", "绍兴", "南通", "泉州", "常州", "嘉兴"};
  static const char *const word[] = {"华", "瑞", "恒", "达", "宏", "信", "鑫", "盛", "通", "隆", "泰", "丰"};
  static const char *const trade[] = {"机械", "电子", "化工", "纺织", "精密", "光电", "材料", "汽车部件"};
  int64_t row = 0;
  for (int64_t i = 0; i < o->firms; i++) {
    char id[32], nm[256];
    snprintf(id, sizeof id, "F%06lld", (long long)i + 1);
    snprintf(nm, sizeof nm, "%s%s%s%s有限公司", place[cn_rng_below(&r, 10)], word[cn_rng_below(&r, 12)],
             word[cn_rng_below(&r, 12)], trade[cn_rng_below(&r, 8)]);
    int ind = (int)cn_rng_below(&r, (uint64_t)nind);
    double size = exp(2 + 1.5 * cn_rng_normal(&r)), base = 0.55 + 0.15 * cn_rng_normal(&r);
    for (int y = o->first_year; y <= o->last_year; y++, row++) {
      char ib[8];
      snprintf(ib, sizeof ib, "%d", inds[ind]);
      if (cn_table_set_str(f, c[0], row, id, d) != CN_OK || cn_table_set_str(f, c[1], row, nm, d) != CN_OK ||
          cn_table_set_str(f, c[3], row, ib, d) != CN_OK)
        goto fail;
      cn_table_i64_mut(f, c[2])[row] = y;
      double X = size * exp(0.3 * cn_rng_normal(&r)) * 1000, share = 0.1 + 0.9 * cn_rng_uniform(&r);
      double sales = X / share, dv = base + 0.1 * cn_rng_normal(&r);
      bool exporter = cn_rng_uniform(&r) < 0.9;
      if (cn_rng_uniform(&r) < 0.02) dv = -0.3 * cn_rng_uniform(&r); /* a few outside [0, 1] */
      if (dv > 0.98) dv = 0.98;
      double dii = 0.3 * sales * cn_rng_uniform(&r), cap = 0.8 * (1 - dv) * X / th1[ind];
      if (dii > cap) dii = cap;
      cn_table_dbl_mut(f, c[4])[row] = exporter ? X : 0;
      cn_table_dbl_mut(f, c[5])[row] = sales;
      cn_table_dbl_mut(f, c[6])[row] = dii;
      cn_table_dbl_mut(f, c[7])[row] = exporter ? dv : NAN;
    }
  }
  *firms = f;
  *theta = t;
  return CN_OK;
fail:
  st = d->code ? d->code : CN_EINTERNAL;
  goto done;
oom:
  st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
done:
  cn_table_free(f);
  cn_table_free(t);
  return st;
}
