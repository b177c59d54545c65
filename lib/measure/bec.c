/* lib/measure/bec.c — HS → BEC concordances by HS edition (spec/measures.md
 * §1, ../data/hs-bec). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../base/base_int.h"
#include "coinnet/dvar.h"

#define NHS 1000000
#define MAX_EDITIONS 16

/* One edition: per HS code the number of BEC codes and of intermediate ones
 * (n/a rows count in neither; a code seen only with n/a has nbec 0, inter 0
 * and is present). */
typedef struct edition {
  int year;
  uint8_t *present; /* NHS flags */
  uint16_t *nbec, *ninter;
} edition;

struct cn_bec {
  cn_bec_rule rule;
  int n;
  edition ed[MAX_EDITIONS];
};

/* BEC Rev. 4 intermediate-goods categories (spec §1). */
static bool bec_intermediate(const char *s, size_t n) {
  static const char *const inter[] = {"111", "121", "21", "22", "31", "322", "42", "53"};
  for (size_t i = 0; i < sizeof inter / sizeof *inter; i++)
    if (strlen(inter[i]) == n && memcmp(inter[i], s, n) == 0) return true;
  return false;
}

/* Trims spaces and one pair of surrounding double quotes. */
static void trim(const char **s, size_t *n) {
  while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
  if (*n >= 2 && **s == '"' && (*s)[*n - 1] == '"') (*s)++, *n -= 2;
}

static void edition_free(edition *e) {
  cn_free(e->present);
  cn_free(e->nbec);
  cn_free(e->ninter);
}

/* Reads one concordance file into e. */
static cn_status read_file(const char *path, edition *e, cn_diag *d) {
  cn_status st = CN_OK;
  char *buf = NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp) return cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot open: %s", strerror(errno));
  if (!(e->present = cn_calloc(NHS, 1)) || !(e->nbec = cn_calloc(NHS, sizeof *e->nbec)) ||
      !(e->ninter = cn_calloc(NHS, sizeof *e->ninter))) {
    st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
    goto done;
  }
  size_t cap = 0;
  ssize_t len;
  int64_t line = 0;
  bool header = true;
  while ((len = getline(&buf, &cap, fp)) >= 0) {
    line++;
    const char *s = buf;
    size_t n = (size_t)len;
    if (line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    const char *t = s;
    size_t tn = n;
    trim(&t, &tn);
    if (!tn) continue; /* blank line */
    if (header) {
      header = false;
      continue;
    }
    const char *comma = memchr(s, ',', n);
    if (!comma) {
      st = cn_diag_at(d, CN_EDATA, path, line, (int64_t)n + 1, "expected HS code, BEC code");
      cn_diag_snippet(d, s, n, (int64_t)n + 1);
      goto done;
    }
    const char *h = s, *b = comma + 1;
    size_t hn = (size_t)(comma - s);
    const char *comma2 = memchr(b, ',', n - hn - 1);
    size_t bn = comma2 ? (size_t)(comma2 - b) : n - hn - 1;
    trim(&h, &hn);
    trim(&b, &bn);
    int32_t code = 0, digits = 0;
    for (size_t i = 0; i < hn; i++) {
      if (h[i] == '.') continue;
      if (h[i] < '0' || h[i] > '9' || digits == 6) {
        digits = -1;
        break;
      }
      code = code * 10 + (h[i] - '0');
      digits++;
    }
    if (digits != 6) {
      st = cn_diag_at(d, CN_EDATA, path, line, 1, "expected a 6-digit HS code, got \"%.*s\"", (int)hn, h);
      cn_diag_snippet(d, s, n, 1);
      cn_diag_hint(d, "HS codes keep their leading zeros (010111, not 10111)");
      goto done;
    }
    e->present[code] = 1;
    if (bn == 3 && memcmp(b, "n/a", 3) == 0) continue;
    bool ok = bn > 0;
    for (size_t i = 0; i < bn; i++) ok = ok && b[i] >= '0' && b[i] <= '9';
    if (!ok) {
      st = cn_diag_at(d, CN_EDATA, path, line, (int64_t)(b - s) + 1, "expected a BEC code, got \"%.*s\"", (int)bn,
                      b);
      cn_diag_snippet(d, s, n, (int64_t)(b - s) + 1);
      goto done;
    }
    if (e->nbec[code] < UINT16_MAX) {
      e->nbec[code]++;
      if (bec_intermediate(b, bn)) e->ninter[code]++;
    }
  }
  if (ferror(fp)) st = cn_diag_at(d, CN_EDATA, path, line, 0, "read error");
done:
  free(buf);
  fclose(fp);
  return st;
}

/* The 4-digit edition year in a file name (hs1996-bec.csv → 1996), or 0. */
static int name_year(const char *name) {
  for (const char *p = name; *p; p++) {
    int y = 0, k = 0;
    while (k < 4 && p[k] >= '0' && p[k] <= '9') y = y * 10 + (p[k++] - '0');
    if (k == 4 && !(p[4] >= '0' && p[4] <= '9') && y >= 1988 && y <= 2100 && (p == name || p[-1] < '0' || p[-1] > '9'))
      return y;
  }
  return 0;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

cn_status cn_bec_read(const char *path, cn_bec_rule rule, cn_bec **out, cn_diag *d) {
  cn_status st = CN_OK;
  *out = NULL;
  char *names[MAX_EDITIONS * 4];
  int nn = 0;
  DIR *dir = NULL;
  cn_bec *b = cn_calloc(1, sizeof *b);
  if (!b) return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  b->rule = rule;
  struct stat sb;
  if (stat(path, &sb) != 0) {
    st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot open: %s", strerror(errno));
    goto done;
  }
  if (!S_ISDIR(sb.st_mode)) {
    b->n = 1;
    if ((st = read_file(path, &b->ed[0], d)) != CN_OK) goto done;
    b->ed[0].year = 0; /* a single file serves every year */
  } else {
    if (!(dir = opendir(path))) {
      st = cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot open: %s", strerror(errno));
      goto done;
    }
    struct dirent *de;
    while ((de = readdir(dir))) {
      size_t l = strlen(de->d_name);
      if (l < 5 || strcmp(de->d_name + l - 4, ".csv") != 0 || !name_year(de->d_name)) continue;
      if (nn == MAX_EDITIONS) {
        st = cn_diag_at(d, CN_EDATA, path, 0, 0, "more than %d concordance files", MAX_EDITIONS);
        goto done;
      }
      if (!(names[nn] = strdup(de->d_name))) {
        st = cn_diag_set(d, CN_EINTERNAL, "out of memory");
        goto done;
      }
      nn++;
    }
    if (!nn) {
      st = cn_diag_at(d, CN_EDATA, path, 0, 0, "no concordance file (NAME-with-year.csv) in this folder");
      goto done;
    }
    qsort(names, (size_t)nn, sizeof *names, cmp_name);
    for (int i = 0; i < nn; i++) {
      int y = name_year(names[i]);
      for (int j = 0; j < b->n; j++)
        if (b->ed[j].year == y) {
          st = cn_diag_at(d, CN_EDATA, path, 0, 0, "two concordance files for HS %d", y);
          goto done;
        }
      char full[4096];
      snprintf(full, sizeof full, "%s/%s", path, names[i]);
      b->ed[b->n].year = y;
      if ((st = read_file(full, &b->ed[b->n++], d)) != CN_OK) goto done;
    }
    for (int i = 1; i < b->n; i++) /* insertion sort by year */
      for (int j = i; j > 0 && b->ed[j].year < b->ed[j - 1].year; j--) {
        edition t = b->ed[j];
        b->ed[j] = b->ed[j - 1];
        b->ed[j - 1] = t;
      }
  }
  *out = b;
  b = NULL;
done:
  for (int i = 0; i < nn; i++) free(names[i]);
  if (dir) closedir(dir);
  cn_bec_free(b);
  return st;
}

void cn_bec_free(cn_bec *b) {
  if (!b) return;
  for (int i = 0; i < MAX_EDITIONS; i++) edition_free(&b->ed[i]);
  cn_free(b);
}

int cn_bec_editions(const cn_bec *b) { return b->n; }
int cn_bec_edition_year(const cn_bec *b, int i) { return b->ed[i].year; }

int cn_bec_edition_for(const cn_bec *b, int year) {
  int k = 0;
  for (int i = 0; i < b->n; i++)
    if (b->ed[i].year <= year) k = i;
  return k;
}

double cn_bec_weight(const cn_bec *b, int year, int32_t hs6) {
  if (hs6 < 0 || hs6 >= NHS) return -1;
  const edition *e = &b->ed[cn_bec_edition_for(b, year)];
  if (!e->present[hs6]) return -1;
  unsigned nb = e->nbec[hs6], ni = e->ninter[hs6];
  if (!nb) return 0;
  switch (b->rule) {
    case CN_BEC_ALL: return ni == nb ? 1 : 0;
    case CN_BEC_SHARE: return (double)ni / nb;
    default: return ni ? 1 : 0;
  }
}

int cn_bec_pure(const cn_bec *b, int year, int32_t hs6) {
  if (hs6 < 0 || hs6 >= NHS) return -1;
  const edition *e = &b->ed[cn_bec_edition_for(b, year)];
  if (!e->present[hs6]) return -1;
  unsigned nb = e->nbec[hs6], ni = e->ninter[hs6];
  return ni == 0 ? 0 : ni == nb ? 1 : -1;
}
