/* cli/common.c — option parsing and error printing shared by commands. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

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

bool cli_is_help(const char *arg) {
  return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val) {
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

bool cli_flag(char **argv, int i, const char *name) { return !strcmp(argv[i], name); }

/* Splits "a,b,c" into a NULL-terminated list kept until exit. */
static const char **split_list(const char *s, int *n) {
  int k = 1;
  for (const char *p = s; *p; p++) k += *p == ',';
  const char **out = calloc((size_t)k + 1, sizeof *out);
  char *copy = strdup(s);
  if (!out || !copy) {
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
    "  --no-header        the CSV has no header row (columns v1, v2, ...)\n"
    "  --table NAME       SQLite: the table to read\n"
    "  --query SQL        SQLite: the query to run\n";

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
  if ((r = cli_opt(argc, argv, i, "--query", &v)) != 0) {
    if (r > 0) o->sqlite_query = v;
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--string", &v)) != 0) {
    if (r > 0) o->string_cols = split_list(v, &o->n_string_cols);
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--na", &v)) != 0) {
    if (r > 0) o->na_strings = split_list(v, &o->n_na_strings);
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
  cn_status st = !outp || !strcmp(outp, "-") ? cn_table_write_csv_fp(t, stdout, ',', &d)
                                             : cn_table_write(t, outp, NULL, &d);
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
  FILE *fp = fopen(path, "w");
  if (!fp || fputs(s, fp) < 0 || fclose(fp) != 0) {
    if (fp) fclose(fp);
    fprintf(stderr, "%s: cannot write %s\n", cli_prefix, path);
    rc = 5;
  }
done:
  cn_free(s);
  free(path);
  return rc;
}

bool cli_model_name_ok(const char *name) { return name[0] && !strchr(name, '/'); }

const char *cli_shared_path(const char *rel, char *buf, size_t n) {
  const char *env = getenv("COINNET_SHARED");
  if (env && *env) {
    snprintf(buf, n, "%s/%s", env, rel);
    if (access(buf, F_OK) == 0) return buf;
  }
  char exe[4096];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len > 0) {
    exe[len] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = 0;
      snprintf(buf, n, "%s/../../shared/%s", exe, rel);
      char real[PATH_MAX];
      if (access(buf, F_OK) == 0) {
        if (realpath(buf, real)) snprintf(buf, n, "%s", real);
        return buf;
      }
    }
  }
  snprintf(buf, n, "../shared/%s", rel);
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
    if (argv[i][0] == '-' && argv[i][1]) return cli_usage(cmd, "unknown option %s", argv[i]);
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
