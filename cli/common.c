/* cli/common.c — option parsing and error printing shared by commands. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "paths.h" /* CN_DATADIR, CN_SRCDATA: made by the Makefile */

int cli_fail(const cn_diag *d) {
  char buf[4096];
  cn_diag_format(d, cli_prefix, buf, sizeof buf);
  fputs(buf, stderr);
  return d->code ? (int)d->code : 5;
}

char cli_last_usage[512];

int cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap, aq;
  va_start(ap, fmt);
  va_copy(aq, ap);
  vsnprintf(cli_last_usage, sizeof cli_last_usage, fmt, aq);
  va_end(aq);
  char *nl = strchr(cli_last_usage, '\n'); /* the message, without its lists */
  if (nl) *nl = '\0';
  fprintf(stderr, "%s: ", cli_prefix);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  size_t lp = strlen(cli_prefix), lc = cmd ? strlen(cmd) : 0;
  bool self = cmd && lp > lc && !strcmp(cli_prefix + lp - lc, cmd) && cli_prefix[lp - lc - 1] == ' ';
  if (cmd && self) fprintf(stderr, "\nsee '%s --help'\n", cli_prefix); /* a command by itself */
  else if (cmd) fprintf(stderr, "\nsee '%s %s --help'\n", cli_prefix, cmd);
  else fprintf(stderr, "\nsee 'coinnet --help'\n");
  return 2;
}

/* Whether c may stand just before an option's name in help text. */
static bool opt_boundary(char c) { return c == ' ' || c == '\n' || c == '[' || c == '|' || c == '(' || c == ','; }

/* Appends to list (NUL-separated, *n bytes used, cap bytes) every option
 * named in help text s before its examples: a word starting with "-" and a
 * letter after a blank, "[", "|", "(" or ",". Each is listed once; --help
 * is left out (every command takes it). */
static void options_of(const char *s, char *list, size_t cap, size_t *n) {
  const char *end = s ? strstr(s, "\nexample") : NULL;
  if (s && !end) end = s + strlen(s);
  for (const char *p = s; p && p < end; p++) {
    if (*p != '-' || (p > s && !opt_boundary(p[-1]))) continue;
    const char *q = p + 1;
    if (*q == '-') q++;
    if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))) continue;
    while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '-') q++;
    while (q > p && q[-1] == '-') q--;
    size_t len = (size_t)(q - p);
    const char *word = p;
    if (len == 6 && !memcmp(p, "--help", 6)) {
      p = q - 1;
      continue;
    }
    if ((len == 2 && !memcmp(p, "-o", 2)) || (len == 5 && !memcmp(p, "--out", 5)))
      word = "-o/--out", len = 8; /* one option, two spellings */
    bool seen = false;
    for (size_t k = 0; k < *n && !seen; k += strlen(list + k) + 1)
      seen = strlen(list + k) == len && !memcmp(list + k, word, len);
    if (!seen && *n + len + 1 < cap) {
      memcpy(list + *n, word, len);
      list[*n + len] = '\0';
      *n += len + 1;
    }
    p = q - 1;
  }
}

const cli_cmd *cli_current;

/* The options command c's help names, into list (see options_of), with
 * those of the command its help refers to ("options: as for `coinnet
 * reg`"). */
static size_t options_of_cmd(const cli_cmd *c, char *list, size_t cap) {
  size_t n = 0;
  if (c && c->help) {
    options_of(c->help, list, cap, &n);
    if (strstr(c->help, "%s")) options_of(cli_read_help, list, cap, &n);
    const char *ref = strstr(c->help, "as for `coinnet ");
    if (ref) {
      char words[64];
      ref += strlen("as for `coinnet ");
      size_t len = strcspn(ref, "`");
      if (len < sizeof words) {
        memcpy(words, ref, len);
        words[len] = '\0';
        char *argv[3] = {words, NULL, NULL};
        char *sp = strchr(words, ' ');
        if (sp) *sp = '\0', argv[1] = sp + 1;
        int nw = 0;
        const cli_cmd *o = cli_find(sp ? 2 : 1, argv, &nw);
        if (o && o != c && o->help) options_of(o->help, list, cap, &n);
      }
    }
  }
  return n;
}

bool cli_option_known(const cli_cmd *c, const char *arg, char *near, size_t nn) {
  static char list[8192];
  size_t n = options_of_cmd(c, list, sizeof list);
  char name[128];
  snprintf(name, sizeof name, "%s", arg);
  char *eq = strchr(name, '=');
  if (eq) *eq = '\0';
  if (near && nn) near[0] = '\0';
  if (!strcmp(name, "--help") || !strcmp(name, "-h") || !n) return true;
  const char *best = NULL;
  int bd = 99;
  for (size_t k = 0; k < n; k += strlen(list + k) + 1) {
    bool out = !strcmp(list + k, "-o/--out");
    if (out ? !strcmp(name, "-o") || !strcmp(name, "--out") : !strcmp(name, list + k)) return true;
    /* "--col-NAME" in a help text stands for a family: --col-firm, ... */
    const char *up = list + k;
    while (*up && !(*up >= 'A' && *up <= 'Z')) up++;
    size_t pre = (size_t)(up - (list + k));
    if (*up && pre > 2 && up[-1] == '-' && !strncmp(name, list + k, pre) && name[pre]) return true;
    int dist = cn_text_distance(name, out ? "--out" : list + k);
    if (dist < bd) bd = dist, best = out ? "--out" : list + k;
  }
  size_t ln = strlen(name);
  if (near && best && bd <= (ln > 8 ? 3 : ln > 4 ? 2 : 1)) snprintf(near, nn, "%s", best);
  return false;
}

int cli_unknown_option(const char *cmd, const char *arg) {
  char near[128];
  cli_option_known(cli_current, arg, near, sizeof near);
  static char list[8192];
  size_t n = options_of_cmd(cli_current, list, sizeof list);
  if (!n) return cli_usage(cmd, "unknown option %s", arg);
  char valid[8192];
  size_t w = 0;
  for (size_t k = 0; k < n && w + 1 < sizeof valid; k += strlen(list + k) + 1) {
    int r = snprintf(valid + w, sizeof valid - w, "%s%s", w ? " " : "", list + k);
    if (r < 0 || (size_t)r >= sizeof valid - w) break;
    w += (size_t)r;
  }
  if (near[0])
    return cli_usage(cmd, "unknown option %s; did you mean %s?\nvalid options: %s", arg, near, valid);
  return cli_usage(cmd, "unknown option %s\nvalid options: %s", arg, valid);
}

int cli_cannot_write(const char *path) {
  fprintf(stderr, "%s: %s: cannot write: %s\n", cli_prefix, path, strerror(errno ? errno : EIO));
  return 4;
}

bool cli_is_help(const char *arg) {
  return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* cli_opt for exactly one spelling. */
static int cli_opt1(int argc, char **argv, int *i, const char *name, const char **val) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0) return 0;
  if (a[n] == '=') {
    *val = a + n + 1;
    return 1;
  }
  if (a[n] != '\0') return 0;
  if (*i + 1 >= argc) return -1;
  *val = argv[++*i];
  return 1;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val) {
  /* -o and --out are one option on every command (docs/cli.md) */
  if (!strcmp(name, "-o") || !strcmp(name, "--out")) {
    int r = cli_opt1(argc, argv, i, "-o", val);
    return r ? r : cli_opt1(argc, argv, i, "--out", val);
  }
  return cli_opt1(argc, argv, i, name, val);
}


bool cli_flag(char **argv, int i, const char *name) { return !strcmp(argv[i], name); }

/* The lists split_list made for the command running now: each is the list
 * and its text, freed together by cli_free_lists when the command ends. */
static void **g_lists;
static size_t g_nlists, g_caplists;

void cli_free_lists(void) {
  for (size_t i = 0; i < g_nlists; i++) free(g_lists[i]);
  free(g_lists);
  g_lists = NULL;
  g_nlists = g_caplists = 0;
}

/* Remembers p for cli_free_lists; false (p not kept) when out of memory. */
static bool keep_list(void *p) {
  if (g_nlists == g_caplists) {
    size_t c = g_caplists ? 2 * g_caplists : 8;
    void **q = realloc(g_lists, c * sizeof *q);
    if (!q) return false;
    g_lists = q;
    g_caplists = c;
  }
  g_lists[g_nlists++] = p;
  return true;
}

const char **cli_split_list(const char *s, int *n) {
  int k = 1;
  for (const char *p = s; *p; p++) k += *p == ',';
  const char **out = calloc((size_t)k + 1, sizeof *out);
  char *copy = strdup(s);
  if (!out || !copy || !keep_list(out) || !keep_list(copy)) {
    if (g_nlists && g_lists[g_nlists - 1] == out) g_nlists--;
    free(out);
    free(copy);
    *n = 0;
    return NULL;
  }
  k = 0;
  for (char *tok = copy, *next; tok; tok = next) {
    next = strchr(tok, ',');
    if (next) *next++ = '\0';
    out[k++] = tok;
  }
  *n = k;
  return out;
}

static char sep_of(const char *v) {
  if (!strcmp(v, "\\t") || !strcmp(v, "tab")) return '\t';
  if (strlen(v) == 1) return v[0];
  return 0;
}

const char cli_read_help[] =
    "reading:\n"
    "  --sep C            field separator (default by extension: , for .csv, tab for .tsv)\n"
    "  --encoding E       utf-8 (default), gb18030, gbk, latin1, cp1252\n"
    "  --string COLS      read these CSV columns as text (comma-separated)\n"
    "  --na TOKENS        CSV tokens read as missing (default: empty, NA and .)\n"
    "  --no-header        the CSV or sheet has no header row (columns v1, v2, ...)\n"
    "  --sheet NAME|N     .xlsx: the sheet to read, by name or number (default the first)\n"
    "  --table NAME       SQLite: the table to read\n"
    "  --query SQL        SQLite: the query to run\n"
    "  --max-rows N       SQLite: refuse a query result of more than N rows\n"
    "                     (default 10000000; 0: no limit)\n";

int cli_read_opt(int argc, char **argv, int *i, cn_read_opts *o) {
  const char *v;
  int r;
  if ((r = cli_opt(argc, argv, i, "--sep", &v)) != 0) {
    if (r > 0 && !(o->sep = sep_of(v))) return -1;
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--encoding", &v)) != 0) {
    if (r > 0) o->encoding = v;
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--table", &v)) != 0) {
    if (r > 0) o->sqlite_table = v;
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--sheet", &v)) != 0) {
    if (r > 0) o->sheet = v;
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--query", &v)) != 0) {
    if (r > 0) o->sqlite_query = v;
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--max-rows", &v)) != 0) {
    if (r > 0) {
      char *end;
      errno = 0;
      long long n = strtoll(v, &end, 10);
      if (!*v || *end || errno || n < 0) return -1;
      o->max_rows = n == 0 ? -1 : (int64_t)n;
    }
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--string", &v)) != 0) {
    if (r > 0) o->string_cols = cli_split_list(v, &o->n_string_cols);
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--na", &v)) != 0) {
    if (r > 0) o->na_strings = cli_split_list(v, &o->n_na_strings);
    return r;
  }
  if (cli_flag(argv, *i, "--no-header")) {
    o->no_header = 1;
    return 1;
  }
  return 0;
}

int cli_read(const char *path, const cn_read_opts *o, cn_table **t) {
  cn_diag d;
  if (cn_table_read(path, o, t, &d) != CN_OK) return cli_fail(&d);
  return 0;
}

int cli_write(const cn_table *t, const char *outp) {
  cn_diag d;
  bool out = !outp || !strcmp(outp, "-");
  cn_status st = out ? cn_table_write_csv_fp(t, stdout, ',', &d) : cn_table_write(t, outp, NULL, &d);
  if (st != CN_OK && out && ferror(stdout)) return cli_cannot_write("the standard output");
  return st == CN_OK ? 0 : cli_fail(&d);
}

int cli_save_model(const cn_model *m, const char *name) {
  cn_diag d;
  char *s = NULL;
  size_t L = strlen(name);
  char *path = malloc(L + 6);
  int rc = 0;
  if (!path) {
    fprintf(stderr, "%s: out of memory\n", cli_prefix);
    return 5;
  }
  memcpy(path, name, L);
  memcpy(path + L, ".json", 6);
  if (cn_model_json(m, &s, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if (cn_output_write(path, s, strlen(s), &d) != CN_OK) rc = cli_fail(&d);
done:
  cn_free(s);
  free(path);
  return rc;
}

int cli_output_end(cn_output *o, int rc) {
  if (!o) return rc;
  if (rc) {
    cn_output_discard(o);
    return rc;
  }
  cn_diag d;
  return cn_output_commit(o, &d) == CN_OK ? 0 : cli_fail(&d);
}

bool cli_model_name_ok(const char *name) { return name[0] && !strchr(name, '/'); }

/* The data folders in the order they are searched (docs/data.md): the
 * environment's, the install prefix's and the source tree's. */
static int data_dirs(const char *dirs[3]) {
  int k = 0;
  const char *env = getenv("COINNET_DATA");
  if (env && *env) dirs[k++] = env;
  dirs[k++] = CN_DATADIR;
  dirs[k++] = CN_SRCDATA;
  return k;
}

const char *cli_data_path(const char *rel, char *buf, size_t n) {
  const char *dirs[3];
  int k = data_dirs(dirs);
  for (int i = 0; i < k; i++) {
    int w = snprintf(buf, n, "%s/%s", dirs[i], rel);
    if (w > 0 && (size_t)w < n && access(buf, F_OK) == 0) return buf;
  }
  snprintf(buf, n, "%s/%s", dirs[0], rel);
  return buf;
}

int cli_named_args(int argc, char **argv, const char *cmd, const char *const *names, const char **vals, int n,
                   const char **in, const char *missing, const char **outp, cn_read_opts *ro) {
  for (int i = 1; i < argc; i++) {
    int r;
    if ((r = cli_read_opt(argc, argv, &i, ro)) != 0 || (r = cli_opt(argc, argv, &i, "-o", outp)) != 0) {
      if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
      continue;
    }
    bool hit = false;
    for (int k = 0; k < n && !hit; k++)
      if ((r = cli_opt(argc, argv, &i, names[k], &vals[k])) != 0) {
        if (r < 0) return cli_usage(cmd, "option %s needs a value", argv[i]);
        hit = true;
      }
    if (hit) continue;
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option(cmd, argv[i]);
    if (!in) return cli_usage(cmd, "unexpected argument \"%s\" (%s)", argv[i], missing);
    if (*in) return cli_usage(cmd, "one input only (got \"%s\" too)", argv[i]);
    *in = argv[i];
  }
  if (in && !*in) return cli_usage(cmd, "%s", missing);
  return 0;
}

char *cli_slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  size_t cap = 65536, n = 0;
  char *s = malloc(cap);
  size_t got;
  while (s && (got = fread(s + n, 1, cap - n - 1, fp)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      char *t = realloc(s, cap * 2);
      if (!t) {
        free(s);
        s = NULL;
      }
      s = t;
      cap *= 2;
    }
  }
  if (s && ferror(fp)) {
    free(s);
    s = NULL;
  }
  fclose(fp);
  if (s) s[n] = '\0';
  *len = n;
  return s;
}

const char *cli_fixed(double x, int width, int prec) {
  static char buf[16][64];
  static int next;
  char *b = buf[next++ % 16];
  if (isfinite(x)) snprintf(b, sizeof buf[0], "%*.*f", width, prec, x);
  else snprintf(b, sizeof buf[0], "%*s", width, ".");
  return b;
}

bool cli_int_arg(const char *s, long long lo, long long hi, long long *out) {
  char *end;
  if (!s || !*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9'))) return false;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

/* The length of the longest '/'-separated part of path. */
static size_t longest_part(const char *path) {
  size_t most = 0;
  for (const char *p = path; *p;) {
    size_t k = strcspn(p, "/");
    if (k > most) most = k;
    p += k;
    p += strspn(p, "/");
  }
  return most;
}

int cli_out_dir(const char *cmd, const char *opt, const char *dir, bool create) {
  size_t n = strlen(dir), part = longest_part(dir);
  const char *last = strrchr(dir, '/');
  last = last ? last + 1 : dir;
  int shown = n > 40 ? 40 : (int)n; /* bytes of a long name in messages, whole characters */
  while (shown > 0 && ((unsigned char)dir[shown] & 0xC0) == 0x80) shown--;
  if (n == 0) return cli_usage(cmd, "%s wants a folder name, not an empty one", opt);
  if (n > CLI_DIR_MAX)
    return cli_usage(cmd, "%s \"%.*s...\" is too long (%zu bytes): a folder name may have at "
                          "most %d bytes", opt, shown, dir, n, CLI_DIR_MAX);
  if (strspn(dir, "/") == n)
    return cli_usage(cmd, "%s \"%s\" is the root folder: name a folder for the outputs", opt,
                     dir);
  if (dir[n - 1] == '/')
    return cli_usage(cmd, "%s \"%s\" ends in '/': write the folder's name without it", opt,
                     dir);
  if (!strcmp(last, ".") || !strcmp(last, ".."))
    return cli_usage(cmd, "%s \"%s\" names the current or a parent folder, whose files the "
                          "outputs would mix with or replace: name a folder of their own "
                          "(e.g. %s out)",
                     opt, dir, opt);
  if (part > NAME_MAX)
    return cli_usage(cmd, "%s \"%.*s...\" has a part of %zu bytes: a file or folder name may "
                          "have at most %d", opt, shown, dir, part, NAME_MAX);
  struct stat sb;
  if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
    return cli_usage(cmd, "%s \"%s\" exists and is not a folder", opt, dir);
  if (!create) return 0;
  char *p = strdup(dir);
  int rc = 0;
  if (!p) {
    fprintf(stderr, "%s: out of memory\n", cli_prefix);
    return 5;
  }
  /* each folder of the path in turn, p cut after it (a leading '/' is none) */
  for (char *s = p + strspn(p, "/"); *s; s += strspn(s, "/")) {
    s += strcspn(s, "/");
    char keep = *s;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      fprintf(stderr, "%s: %s: cannot create: %s\n", cli_prefix, p, strerror(errno));
      rc = 4;
      goto done;
    }
    if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
      rc = cli_usage(cmd, "%s \"%s\": %s exists and is not a folder", opt, dir, p);
      goto done;
    }
    *s = keep;
  }
done:
  free(p);
  return rc;
}

int cli_read_model(const char *name, cn_model **m) {
  cn_diag d;
  const char *p = name;
  char *alt = NULL;
  if (access(p, F_OK) != 0) { /* a name kept by `--name N` stands for N.json */
    size_t L = strlen(p);
    if (!(alt = malloc(L + 6))) {
      fprintf(stderr, "%s: out of memory\n", cli_prefix);
      return 5;
    }
    memcpy(alt, p, L);
    memcpy(alt + L, ".json", 6);
    if (access(alt, F_OK) == 0) p = alt;
  }
  int rc = cn_model_read_json(p, m, &d) == CN_OK ? 0 : cli_fail(&d);
  free(alt);
  return rc;
}

/* The line of a table's first row in messages: 2 for a CSV file with a
 * header, 1 without, 0 for other formats (rows are named instead). */
int64_t cli_first_line(const char *path, const cn_read_opts *ro) {
  const char *dot = strrchr(path, '.');
  bool csv = ro->format ? !strcmp(ro->format, "csv") || !strcmp(ro->format, "tsv")
                        : !dot || (strcasecmp(dot, ".dta") && strcasecmp(dot, ".sqlite") &&
                                   strcasecmp(dot, ".db") && strcasecmp(dot, ".xlsx"));
  return csv ? (ro->no_header ? 1 : 2) : 0;
}
