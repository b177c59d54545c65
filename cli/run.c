/* cli/run.c — `coinnet run STUDY [--out DIR]`: runs a study script's
 * commands in order inside this process (through cli_dispatch), in DIR,
 * then writes DIR/report.md and DIR/report.html (docs/study.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

int (*cli_run_finish)(cn_report *rep) = NULL;

/* A growable list of malloc'd strings. */
typedef struct strlist {
  char **v;
  int n, cap;
} strlist;

static bool list_add(strlist *l, const char *s) {
  if (l->n == l->cap) {
    int c = l->cap ? 2 * l->cap : 16;
    char **v = realloc(l->v, (size_t)c * sizeof *v);
    if (!v) return false;
    l->v = v;
    l->cap = c;
  }
  if (!(l->v[l->n] = strdup(s))) return false;
  l->n++;
  return true;
}

static bool list_has(const strlist *l, const char *s) {
  for (int i = 0; i < l->n; i++)
    if (!strcmp(l->v[i], s)) return true;
  return false;
}

static void list_free(strlist *l) {
  for (int i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  memset(l, 0, sizeof *l);
}

/* The state of a run. */
typedef struct run {
  const cn_study *study;
  const char *rel;   /* the script's folder seen from DIR ("." when the same) */
  const char *cwd;   /* the folder coinnet run was started in, seen from DIR */
  const char *out_shown, *script_shown; /* DIR and the script's folder as given */
  strlist missing;   /* the current step's path-like words found nowhere */
  strlist written;   /* outputs of the steps so far, as written in the script */
  strlist in_shown;  /* inputs as named in the report */
  strlist in_hash;   /* ... and "SIZE SHA256" of each, taken before the step ran */
  strlist seeds;     /* "S (line L)" */
  strlist outs;      /* the current step's outputs */
} run;

/* Whether a is a word the shell would read as itself. */
static bool plain_word(const char *a) {
  if (!*a) return false;
  for (const unsigned char *p = (const unsigned char *)a; *p; p++)
    if (!(*p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || strchr("_@%+=:,./-", *p)))
      return false;
  return true;
}

/* The words joined by spaces, quoted as for the shell where needed (a new
 * string, or NULL when out of memory). */
static char *join_words(int argc, char *const *argv, const char *first) {
  size_t n = first ? strlen(first) + 1 : 1;
  for (int i = 0; i < argc; i++) n += 4 * strlen(argv[i]) + 3;
  char *s = malloc(n), *p = s;
  if (!s) return NULL;
  if (first) p += sprintf(p, "%s", first);
  for (int i = 0; i < argc; i++) {
    if (p != s) *p++ = ' ';
    if (plain_word(argv[i])) {
      p += sprintf(p, "%s", argv[i]);
      continue;
    }
    *p++ = '\'';
    for (const char *q = argv[i]; *q; q++) {
      if (*q == '\'') p += sprintf(p, "'\\''");
      else *p++ = *q;
    }
    *p++ = '\'';
  }
  *p = '\0';
  return s;
}

/* The path from folder `from` to folder `to` (both absolute and canonical)
 * as a new string; "." when they are the same. */
static char *rel_path(const char *from, const char *to) {
  size_t i = 0, common = 0;
  /* the longest common prefix that ends at a component boundary */
  for (;; i++) {
    bool ef = from[i] == '\0' || from[i] == '/', et = to[i] == '\0' || to[i] == '/';
    if (ef && et) common = i;
    if (from[i] != to[i] || !from[i]) break;
  }
  int ups = 0;
  for (const char *p = from + common; *p; p++)
    if (*p == '/' && p[1]) ups++;
  const char *down = to + common;
  while (*down == '/') down++;
  size_t n = 3 * (size_t)ups + strlen(down) + 2;
  char *s = malloc(n), *p = s;
  if (!s) return NULL;
  *p = '\0';
  for (int k = 0; k < ups; k++) p += sprintf(p, "%s..", k ? "/" : "");
  if (*down) p += sprintf(p, "%s%s", ups ? "/" : "", down);
  if (p == s) strcpy(s, ".");
  return s;
}

/* Whether path (as written in the script, relative to DIR) was written by
 * an earlier step: it or a folder holding it is among the outputs. */
static bool was_written(const run *r, const char *path) {
  while (path[0] == '.' && path[1] == '/') path += 2;
  for (int i = 0; i < r->written.n; i++) {
    const char *o = r->written.v[i];
    while (o[0] == '.' && o[1] == '/') o += 2;
    size_t n = strlen(o);
    while (n > 1 && o[n - 1] == '/') n--;
    if (!strncmp(path, o, n) && (path[n] == '\0' || path[n] == '/')) return true;
  }
  return false;
}

/* Records a file as an input with its size and SHA-256. */
static bool add_file(run *r, const char *shown, const char *path) {
  char hex[65], buf[96];
  int64_t size = 0;
  cn_diag d;
  if (cn_sha256_file(path, hex, &size, &d) != CN_OK) return true; /* the step will say */
  snprintf(buf, sizeof buf, "%lld %s", (long long)size, hex);
  return list_add(&r->in_shown, shown) && list_add(&r->in_hash, buf);
}

/* Adds an input: a file, or each file directly inside a folder (sorted). */
static bool add_input(run *r, const char *shown, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0 || list_has(&r->in_shown, shown)) return true;
  if (S_ISREG(st.st_mode)) return add_file(r, shown, path);
  if (!S_ISDIR(st.st_mode)) return true;
  struct dirent **names = NULL;
  int k = scandir(path, &names, NULL, alphasort);
  bool ok = true;
  for (int i = 0; i < k; i++) {
    const char *e = names[i]->d_name;
    if (ok && e[0] != '.') {
      size_t ls = strlen(shown), lp = strlen(path), le = strlen(e);
      char *s2 = malloc(ls + le + 2), *p2 = malloc(lp + le + 2);
      if (!s2 || !p2) ok = false;
      else {
        sprintf(s2, "%s%s%s", shown, shown[ls - 1] == '/' ? "" : "/", e);
        sprintf(p2, "%s%s%s", path, path[lp - 1] == '/' ? "" : "/", e);
        if (stat(p2, &st) == 0 && S_ISREG(st.st_mode) && !list_has(&r->in_shown, s2))
          ok = add_file(r, s2, p2);
      }
      free(s2);
      free(p2);
    }
    free(names[i]);
  }
  free(names);
  return ok;
}

/* Whether word looks like a file's path: a folder in it, or a data
 * file's extension (for saying where a missing input was looked for). */
static bool path_like(const char *word) {
  static const char *const ext[] = {".csv", ".tsv", ".txt", ".tab", ".dta", ".sqlite", ".sqlite3",
                                    ".db", ".json", ".xlsx", ".svg", ".png", ".pdf"};
  if (strchr(word, '/')) return !strchr(word, ' ') && !strchr(word, '(');
  size_t n = strlen(word);
  for (size_t k = 0; k < sizeof ext / sizeof *ext; k++) {
    size_t e = strlen(ext[k]);
    if (n > e && !strcasecmp(word + n - e, ext[k])) return true;
  }
  return false;
}

/* Whether word is a number as a whole (1, 99, -0.5, 1e3). */
static bool is_number(const char *word) {
  char *end;
  (void)strtod(word, &end);
  return end != word && !*end;
}

/* A word that may name an input file, looked for in DIR (an earlier
 * step's output, or a file there), then beside the script, then in the
 * folder coinnet run was started in; found in one of the last two,
 * *rewritten receives its path from DIR. Files not written by an earlier
 * step are recorded as inputs; a path-like word found nowhere is recorded
 * in r->missing with the places tried. */
static bool look_up(run *r, const char *word, char **rewritten) {
  *rewritten = NULL;
  if (!*word) return true;
  if (word[0] == '/' || access(word, F_OK) == 0) {
    if (word[0] != '/' && was_written(r, word)) return true;
    return add_input(r, word, word);
  }
  if (was_written(r, word)) return true; /* an earlier step's output, not yet there */
  const char *dirs[2] = {r->rel, r->cwd};
  for (int q = 0; q < 2; q++) {
    if (!dirs[q] || !strcmp(dirs[q], ".") || (q == 1 && r->rel && !strcmp(dirs[1], r->rel))) continue;
    size_t n = strlen(dirs[q]) + strlen(word) + 2;
    char *p = malloc(n);
    if (!p) return false;
    snprintf(p, n, "%s/%s", dirs[q], word);
    if (access(p, F_OK) == 0) {
      *rewritten = p;
      return add_input(r, word, p);
    }
    free(p);
  }
  if (!path_like(word)) return true;
  char buf[2600];
  if (r->rel && r->cwd && !strcmp(r->rel, r->cwd))
    snprintf(buf, sizeof buf, "%.400s was looked for in the output folder (%.400s/%.400s) and in the "
             "current folder, beside the script (%.400s)", word, r->out_shown, word, word);
  else
    snprintf(buf, sizeof buf, "%.400s was looked for in the output folder (%.400s/%.400s), beside the script "
             "(%.400s/%.400s) and in the current folder (%.400s)", word, r->out_shown, word, r->script_shown, word,
             word);
  return list_add(&r->missing, buf);
}

static bool is_output_opt(const char *name) {
  return !strcmp(name, "-o") || !strcmp(name, "--out") || !strcmp(name, "--plot") ||
         !strcmp(name, "--saving") || !strcmp(name, "--name");
}

/* Records an output of the current step (--name N writes N.json). */
static bool add_output(run *r, const char *opt, const char *value) {
  if (!*value || !strcmp(value, "-")) return true;
  if (strcmp(opt, "--name")) return list_has(&r->outs, value) || list_add(&r->outs, value);
  size_t n = strlen(value) + 6;
  char *p = malloc(n);
  if (!p) return false;
  snprintf(p, n, "%s.json", value);
  bool ok = list_has(&r->outs, p) || list_add(&r->outs, p);
  free(p);
  return ok;
}

/* Goes through a step's arguments (after its command words) before it
 * runs: outputs, seeds, and input paths (rewritten in argv, the new
 * strings kept in owned). Returns false when out of memory. */
static bool scan_args(run *r, const cn_study_item *it, int words, char **argv, strlist *owned) {
  for (int i = words; i < it->argc; i++) {
    const char *a = it->argv[i];
    char *nw = NULL;
    if (a[0] == '-' && a[1]) {
      const char *eq = strchr(a, '=');
      size_t ln = eq ? (size_t)(eq - a) : strlen(a);
      char name[64];
      if (ln >= sizeof name) continue;
      memcpy(name, a, ln);
      name[ln] = '\0';
      const char *val = eq ? eq + 1 : i + 1 < it->argc ? it->argv[i + 1] : NULL;
      if (is_output_opt(name) || !strcmp(name, "--seed")) {
        if (!val) continue;
        if (!eq) i++;
        if (!strcmp(name, "--seed")) {
          char buf[256];
          snprintf(buf, sizeof buf, "%.200s (line %lld)", val, (long long)it->arg_line[eq ? i : i - 1]);
          if (!list_add(&r->seeds, buf)) return false;
        } else if (!add_output(r, name, val)) {
          return false;
        }
        continue;
      }
      if (!eq) continue;
      if (!look_up(r, eq + 1, &nw)) return false;
      if (nw) {
        size_t n = ln + strlen(nw) + 2;
        char *full = malloc(n);
        if (!full) {
          free(nw);
          return false;
        }
        snprintf(full, n, "%s=%s", name, nw);
        free(nw);
        nw = full;
      }
    } else if (!path_like(a) && (is_number(a) || (i > words && it->argv[i - 1][0] == '-' && it->argv[i - 1][1] &&
                                                  !strchr(it->argv[i - 1], '=')))) {
      continue; /* a number, or an option's value that looks like no path (--scale tiny): a word, even when a
                   file has its name */
    } else if (!look_up(r, a, &nw)) {
      return false;
    }
    if (nw) {
      bool ok = list_add(owned, nw);
      free(nw);
      if (!ok) return false;
      argv[i] = owned->v[owned->n - 1];
    }
  }
  return true;
}


/* Removes `--title T` (or `--title=T`) from argv[0..argc), keeping *title
 * (the last one given); returns the new count. */
static int without_title(int argc, char **argv, const char **title) {
  int n = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--title") && i + 1 < argc) {
      *title = argv[++i];
      continue;
    }
    if (!strncmp(argv[i], "--title=", 8)) {
      *title = argv[i] + 8;
      continue;
    }
    argv[n++] = argv[i];
  }
  argv[n] = NULL;
  return n;
}

static bool ends_with_svg(const char *s) {
  size_t n = strlen(s);
  return n > 4 && !strcasecmp(s + n - 4, ".svg");
}

/* Prints msg as an error at the word w of item it (at its start when w is
 * -1); returns the exit code. */
static int step_error(const cn_study *s, const cn_study_item *it, int w, cn_status code,
                      const char *msg) {
  cn_diag d;
  int64_t line = w >= 0 ? it->arg_line[w] : it->line, col = w >= 0 ? it->arg_column[w] : it->column;
  cn_study_error(s, line, col, code, &d, "%s", msg);
  return cli_fail(&d);
}

/* Whether a is an option word: "-x..." or "--x..." with a letter (not a
 * negative number, not "-" for standard output). */
static bool option_word(const char *a) {
  if (a[0] != '-') return false;
  const char *p = a + 1 + (a[1] == '-');
  return (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
}

/* The first option of step it that its command does not take: a script
 * error at that word, found before any step runs (else 0). */
static int check_options(const cn_study *s, const cn_study_item *it, const cli_cmd *c, int words) {
  for (int i = words; i < it->argc; i++) {
    if (!option_word(it->argv[i])) continue;
    char near[128];
    if (cli_option_known(c, it->argv[i], near, sizeof near)) continue;
    char msg[600];
    int n = snprintf(msg, sizeof msg, "unknown option %.200s for `%s%s%s`", it->argv[i], c->group,
                     c->name[0] ? " " : "", c->name);
    if (near[0] && n > 0 && (size_t)n < sizeof msg) snprintf(msg + n, sizeof msg - (size_t)n, "; did you mean %s?", near);
    return step_error(s, it, i, CN_ESCRIPT, msg);
  }
  return 0;
}

/* Checks that every step names a command and only options it takes,
 * before anything runs. */
static int check_steps(const cn_study *s) {
  for (int k = 0; k < s->n; k++) {
    const cn_study_item *it = &s->items[k];
    if (it->kind != CN_STUDY_STEP) continue;
    int words = 0;
    const char *w0 = it->argv[0];
    if (!strcmp(w0, "run") || !strcmp(w0, "demo"))
      return step_error(s, it, 0, CN_ESCRIPT, !strcmp(w0, "run") ? "a study cannot run another study"
                                                                 : "a study cannot run the demo (itself a study)");
    const cli_cmd *c = cli_find(it->argc, it->argv, &words);
    if (c) {
      int rc = check_options(s, it, c, words);
      if (rc) return rc;
      continue;
    }
    char msg[600];
    if (words == 1 && it->argc > 1) {
      snprintf(msg, sizeof msg, "unknown command \"%.200s %.200s\"", w0, it->argv[1]);
      return step_error(s, it, 1, CN_ESCRIPT, msg);
    }
    if (words == 1) {
      snprintf(msg, sizeof msg, "\"%.200s\" needs a subcommand (see 'coinnet %.200s --help')", w0, w0);
      return step_error(s, it, 0, CN_ESCRIPT, msg);
    }
    cn_diag d;
    cn_study_error(s, it->line, it->column, CN_ESCRIPT, &d, "unknown command \"%s\"", w0);
    if (!strcmp(w0, "coinnet"))
      cn_diag_hint(&d, "write each command without the word coinnet");
    else
      cn_diag_hint(&d, "'coinnet --help' lists the commands");
    return cli_fail(&d);
  }
  return 0;
}

/* Whether the canonical absolute path abs is dir (canonical) or inside it. */
static bool under(const char *abs, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return true;
  return !strncmp(abs, dir, n) && (abs[n] == '\0' || abs[n] == '/');
}

/* How relative path p, seen from folder base (canonical; NULL when it does
 * not exist yet), leaves base: 0 it stays inside; 1 by ".."; 2 through a
 * symbolic link (the link, as p names it, copied into link, n bytes). The
 * path is followed as the system would: the parts that exist are resolved
 * (links included, so "lnk/../x" is judged where lnk leads), the rest is
 * taken by its letters. A link that leads nowhere counts as outside, as
 * writing through it would create its target. */
static int escapes(const char *base, const char *p, char *link, size_t n) {
  size_t cap = (base ? strlen(base) : 0) + strlen(p) + PATH_MAX + 2;
  char *cur = malloc(cap);
  if (!cur) return 0; /* the step's own write will fail instead */
  snprintf(cur, cap, "%s", base ? base : "");
  bool real = base != NULL; /* cur exists and is canonical */
  int depth = 0, why = 0;   /* parts below base once cur is not real */
  for (const char *q = p; *q && !why;) {
    size_t k = strcspn(q, "/");
    const char *part = q;
    q += k;
    q += strspn(q, "/");
    if (!k || (k == 1 && part[0] == '.')) continue;
    bool up = k == 2 && part[0] == '.' && part[1] == '.';
    if (!real) {
      if (up ? --depth < 0 : (depth++, false)) why = 1;
      continue;
    }
    if (up) {
      char *slash = strrchr(cur, '/');
      if (slash == cur) slash[1] = '\0';
      else if (slash) *slash = '\0';
      if (!under(cur, base)) why = 1;
      continue;
    }
    size_t lc = strlen(cur);
    snprintf(cur + lc, cap - lc, "%s%.*s", lc && cur[lc - 1] == '/' ? "" : "/", (int)k, part);
    struct stat st;
    if (lstat(cur, &st) != 0) {
      real = false; /* from here on nothing exists: letters only */
      depth = 0;      /* the parts of cur below base */
      for (const char *c = cur + strlen(base); *c; c++) depth += *c == '/';
      continue;
    }
    if (!S_ISLNK(st.st_mode)) continue;
    char *to = realpath(cur, NULL);
    if (!to || !under(to, base)) {
      why = 2;
      snprintf(link, n, "%.*s", (int)(part + k - p), p);
    } else {
      snprintf(cur, cap, "%s", to);
    }
    free(to);
  }
  free(cur);
  return why;
}

/* Checks that every output a step names (-o/--out, --plot, --saving,
 * --name) lies inside the run's folder out_abs (canonical; NULL when it is
 * not made yet), before any step
 * runs: an absolute path, a path that climbs out with "..", or one that
 * goes through a symbolic link leading outside is a script error at the
 * word (exit 3). */
static int check_confined(const cn_study *s, const char *out_abs, const char *out_shown) {
  for (int k = 0; k < s->n; k++) {
    const cn_study_item *it = &s->items[k];
    if (it->kind != CN_STUDY_STEP) continue;
    int words = 0;
    cli_find(it->argc, it->argv, &words);
    for (int i = words; i < it->argc; i++) {
      const char *a = it->argv[i];
      if (a[0] != '-' || !a[1]) continue;
      const char *eq = strchr(a, '=');
      size_t ln = eq ? (size_t)(eq - a) : strlen(a);
      char name[64];
      if (ln >= sizeof name) continue;
      memcpy(name, a, ln);
      name[ln] = '\0';
      if (!is_output_opt(name)) continue;
      int w = eq ? i : i + 1;
      if (w >= it->argc) continue; /* the command will say the value is missing */
      if (!eq) i++;
      const char *v = eq ? eq + 1 : it->argv[w];
      if (!*v || !strcmp(v, "-")) continue; /* standard output */
      char msg[1400], link[600], json[600];
      if (!strcmp(name, "--name")) { /* N.json; the command refuses a '/' in N */
        if (strchr(v, '/')) continue;
        snprintf(json, sizeof json, "%.400s.json", v);
        v = json;
      }
      int why = v[0] == '/' ? 0 : escapes(out_abs, v, link, sizeof link);
      if (v[0] == '/')
        snprintf(msg, sizeof msg, "%s %.400s is an absolute path: a study writes only inside its output folder (%.400s)",
                 name, v, out_shown);
      else if (why == 1)
        snprintf(msg, sizeof msg, "%s %.400s leaves the output folder (%.400s) by \"..\": a study writes only inside it",
                 name, v, out_shown);
      else if (why == 2)
        snprintf(msg, sizeof msg, "%s %.400s leaves the output folder (%.400s) through the symbolic link %.400s: a study "
                 "writes only inside it", name, v, out_shown, link);
      else
        continue;
      cn_diag d;
      int64_t line = it->arg_line[w], col = it->arg_column[w];
      for (const char *q = a; eq && q <= eq; q++) col += ((unsigned char)*q & 0xC0) != 0x80;
      cn_study_error(s, line, col, CN_ESCRIPT, &d, "%s", msg);
      cn_diag_hint(&d, "write the output by a name inside the folder, or run the study with --allow-write-outside");
      return cli_fail(&d);
    }
  }
  return 0;
}

/* The word of a step that a usage message names: an option first, then
 * any other argument; -1 when none. */
static int blamed_word(const cn_study_item *it, int words, const char *msg) {
  int any = -1;
  for (int i = words; i < it->argc; i++) {
    const char *a = it->argv[i];
    if (strlen(a) < 2 || !strstr(msg, a)) continue;
    if (a[0] == '-') return i;
    if (any < 0) any = i;
  }
  return any;
}

/* The default output folder: the script's name without its extension and
 * "-out", in the current folder. */
static char *default_out(const char *script) {
  const char *base = strrchr(script, '/') ? strrchr(script, '/') + 1 : script;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  char *s = malloc(n + 5);
  if (s) snprintf(s, n + 5, "%.*s-out", (int)n, base);
  return s;
}

static int run_study(int argc, char **argv) {
  const char *script = NULL, *outdir = NULL;
  bool outside = false;
  for (int i = 1; i < argc; i++) {
    int r;
    if (cli_flag(argv, i, "--allow-write-outside")) {
      outside = true;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--out", &outdir)) != 0) {
      if (r < 0) return cli_usage("run", "option %s needs a value", argv[i]);
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_unknown_option("run", argv[i]);
    if (script) return cli_usage("run", "one study script only (got \"%s\" too)", argv[i]);
    script = argv[i];
  }
  if (!script) return cli_usage("run", "the study script is missing");
  char myprefix[64] = "coinnet run";
  cn_study *s = NULL;
  cn_report *rep = NULL;
  cn_diag d;
  run r = {0};
  strlist owned = {0};
  char *cwd_abs = NULL, *cwd_rel = NULL, *script_dir = NULL;
  char *out_default = NULL, *out_abs = NULL, *script_abs = NULL, *rel = NULL, *cmdline = NULL,
       *text = NULL, *command = NULL;
  char **av = NULL;
  int home = -1, rc = 0;
  if (cn_study_read(script, &s, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  if ((rc = check_steps(s)) != 0) goto done;
  if (!outdir && !(outdir = out_default = default_out(script))) goto oom;
  if ((rc = cli_out_dir("run", "--out", outdir, false)) != 0) goto done;
  if (!outside) { /* before the folder is made: a refused script leaves nothing */
    char *oa = realpath(outdir, NULL);
    rc = check_confined(s, oa, outdir);
    free(oa);
    if (rc) goto done;
  }
  if ((rc = cli_out_dir("run", "--out", outdir, true)) != 0) goto done;
  char *sdir = strdup(script);
  if (!sdir) goto oom;
  char *slash = strrchr(sdir, '/');
  if (slash == sdir) slash[1] = '\0';
  else if (slash) *slash = '\0';
  out_abs = realpath(outdir, NULL);
  script_abs = realpath(slash ? sdir : ".", NULL);
  free(sdir);
  if (!out_abs || !script_abs || !(rel = rel_path(out_abs, script_abs))) {
    fprintf(stderr, "%s: cannot resolve the folders of %s and %s\n", cli_prefix, script, outdir);
    rc = 5;
    goto done;
  }
  if (!(cwd_abs = realpath(".", NULL)) || !(cwd_rel = rel_path(out_abs, cwd_abs))) {
    fprintf(stderr, "%s: cannot resolve the current folder\n", cli_prefix);
    rc = 5;
    goto done;
  }
  if (!(script_dir = strdup(script))) goto oom;
  char *cut = strrchr(script_dir, '/');
  if (cut == script_dir) cut[1] = '\0';
  else if (cut) *cut = '\0';
  else strcpy(script_dir, ".");
  r.study = s;
  r.rel = rel;
  r.cwd = cwd_rel;
  r.out_shown = outdir;
  r.script_shown = script_dir;
  const char *base = strrchr(script, '/') ? strrchr(script, '/') + 1 : script;
  char title[256];
  snprintf(title, sizeof title, "coinnet study %s", base);
  if (!(rep = cn_report_new(title)) || !(cmdline = join_words(argc, argv, "coinnet"))) goto oom;
  /* the script is the first input */
  if (!add_input(&r, script, script)) goto oom;
  home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (home < 0 || chdir(out_abs) != 0) {
    fprintf(stderr, "%s: cannot enter %s: %s\n", cli_prefix, outdir, strerror(errno));
    rc = 5;
    goto done;
  }
  int nsteps = 0, k = 0;
  bool failed = false;
  for (int i = 0; i < s->n; i++) nsteps += s->items[i].kind == CN_STUDY_STEP;
  bool tty = isatty(STDERR_FILENO);
  for (int i = 0; i < s->n; i++) {
    const cn_study_item *it = &s->items[i];
    if (it->kind == CN_STUDY_TEXT) {
      if (cn_report_text(rep, it->level, it->text, &d) != CN_OK) goto fail;
      continue;
    }
    k++;
    int words = 0;
    cli_find(it->argc, it->argv, &words);
    free(av);
    if (!(av = calloc((size_t)it->argc + 1, sizeof *av))) goto oom;
    memcpy(av, it->argv, (size_t)it->argc * sizeof *av);
    list_free(&r.outs);
    list_free(&r.missing);
    /* the inputs are hashed before the step, from the script's folder when
     * run from another */
    if (!scan_args(&r, it, words, av, &owned)) goto oom;
    free(command);
    if (!(command = join_words(it->argc, it->argv, NULL))) goto oom;
    if (tty) fprintf(stderr, "\033[1m[%d/%d]\033[0m %s\n", k, nsteps, command);
    else fprintf(stderr, "%s: [%d/%d] %s\n", myprefix, k, nsteps, command);
    fflush(stderr);
    cli_last_usage[0] = '\0';
    cli_progress_step(k, nsteps);
    int src = cli_dispatch(it->argc, av);
    cli_progress_step(0, 0);
    cli_prefix = myprefix;
    fflush(stdout);
    if (src == 0 && !strcmp(it->argv[0], "table")) {
      /* the report gives the table its caption (numbered), so the table
       * itself is rendered without its --title */
      char *t1 = NULL, *t2 = NULL;
      const char *caption = NULL;
      int tn = without_title(it->argc, av, &caption);
      src = cli_table_text(tn, av, CN_REGTABLE_MD, &t1);
      if (!src) src = cli_table_text(tn, av, CN_REGTABLE_HTML, &t2);
      cli_prefix = myprefix;
      if (!src && cn_report_table(rep, command, caption, t1, t2, &d) != CN_OK) {
        cn_free(t1);
        cn_free(t2);
        goto fail;
      }
      cn_free(t1);
      cn_free(t2);
    }
    if (src != 0) {
      for (int q = 0; q < r.missing.n; q++) fprintf(stderr, "%s: note: %s\n", myprefix, r.missing.v[q]);
      int w = src == 2 && cli_last_usage[0] ? blamed_word(it, words, cli_last_usage) : -1;
      char what[600];
      if (src == 2 && cli_last_usage[0])
        snprintf(what, sizeof what, "%s", cli_last_usage);
      else
        snprintf(what, sizeof what, "the command failed (exit %d)", src);
      char msg[700];
      snprintf(msg, sizeof msg, "step %d of %d: %s", k, nsteps, what);
      rc = step_error(s, it, w, src == 2 ? CN_ESCRIPT : (cn_status)src, msg);
      /* the report still shows what ran, and where the run stopped */
      char stop[1024];
      snprintf(stop, sizeof stop, "The run stopped at line %lld, step %d of %d (`%s`): %s.", (long long)it->line,
               k, nsteps, command, what);
      if (cn_report_text(rep, 0, stop, &d) != CN_OK) goto fail;
      failed = true;
      break;
    }
    for (int o = 0; o < r.outs.n; o++)
      if (!list_has(&r.written, r.outs.v[o]) && !list_add(&r.written, r.outs.v[o])) goto oom;
    if (!strcmp(it->argv[0], "table")) continue;
    int figs = 0;
    for (int o = 0; o < r.outs.n; o++) {
      if (!ends_with_svg(r.outs.v[o])) continue;
      size_t len = 0;
      free(text);
      if (!(text = cli_slurp(r.outs.v[o], &len))) {
        fprintf(stderr, "%s: cannot read the figure %s\n", myprefix, r.outs.v[o]);
        rc = 5;
        goto done;
      }
      if (cn_report_figure(rep, command, r.outs.v[o], text, len, &d) != CN_OK) goto fail;
      figs++;
    }
    if (!figs && cn_report_step(rep, command, (const char *const *)r.outs.v, r.outs.n, &d) != CN_OK)
      goto fail;
  }
  /* sections a caller adds at the end (coinnet demo's truth) */
  if (!failed && cli_run_finish && (rc = cli_run_finish(rep)) != 0) goto done;
  /* provenance: version, command, seeds, inputs */
  char seeds[4096] = "none";
  for (int q = 0, off = 0; q < r.seeds.n && off < (int)sizeof seeds; q++)
    off += snprintf(seeds + off, sizeof seeds - (size_t)off, "%s%s", q ? ", " : "", r.seeds.v[q]);
  if (cn_report_prov(rep, "coinnet version", cn_version(), &d) != CN_OK ||
      cn_report_prov(rep, "command", cmdline, &d) != CN_OK ||
      cn_report_prov(rep, "seeds", seeds, &d) != CN_OK)
    goto fail;
  for (int q = 0; q < r.in_shown.n; q++) {
    char *sp = strchr(r.in_hash.v[q], ' ');
    if (cn_report_input(rep, r.in_shown.v[q], strtoll(r.in_hash.v[q], NULL, 10), sp + 1, &d) != CN_OK)
      goto fail;
  }
  if (cn_report_write(rep, "report.md", "report.html", &d) != CN_OK) goto fail;
  if (failed)
    fprintf(stderr, "%s: %d of %d steps done; the report of what ran is %s/report.html (and report.md)\n",
            myprefix, k - 1, nsteps, outdir);
  else
    fprintf(stderr, "%s: %d step%s done; the report is %s/report.html (and report.md)\n", myprefix, nsteps,
            nsteps == 1 ? "" : "s", outdir);
  goto done;
fail:
  cli_prefix = myprefix;
  rc = cli_fail(&d);
  goto done;
oom:
  fprintf(stderr, "%s: out of memory\n", myprefix);
  rc = 5;
done:
  if (home >= 0) {
    if (fchdir(home) != 0 && rc == 0) rc = 5;
    close(home);
  }
  cli_prefix = "coinnet run";
  cn_study_free(s);
  cn_report_free(rep);
  list_free(&r.written);
  list_free(&r.in_shown);
  list_free(&r.in_hash);
  list_free(&r.seeds);
  list_free(&r.outs);
  list_free(&r.missing);
  free(cwd_abs);
  free(cwd_rel);
  free(script_dir);
  list_free(&owned);
  free(av);
  free(out_default);
  free(out_abs);
  free(script_abs);
  free(rel);
  free(cmdline);
  free(text);
  free(command);
  return rc;
}

const cli_cmd cli_run_cmds[] = {
    {"run", "", run_study, "a study script: its commands, then the report",
     "usage: coinnet run STUDY [--out DIR] [--allow-write-outside]\n\n"
     "Runs the commands of a study script in order, in this process, with DIR as\n"
     "the working folder of every step (outputs such as -o x.csv land there), then\n"
     "writes DIR/report.md and DIR/report.html: the script's ## text, every\n"
     "`table` step's table, every .svg figure a step wrote, one line for each other\n"
     "step, and the provenance (version, this command, --seed values, the size\n"
     "and SHA-256 of every input). The same script and inputs give the same\n"
     "report byte for byte. Stops at the first step that fails.\n\n"
     "The script (docs/study.md): one command per line without the word coinnet;\n"
     "# starts a comment; \\ at the end of a line continues it; '...' and \"...\"\n"
     "quote as in the shell; lines starting with ## are report text (## # Title\n"
     "for a heading). A relative input path is looked up in DIR first, then\n"
     "beside the script; a number, or an option's value, only when it looks like a\n"
     "path (it has a / or an extension such as .csv): a scale named tiny or a\n"
     "percentile 99 stays a word even where a file has that name. `--name N`\n"
     "on reg, iv, probit, tobit and heckman keeps\n"
     "the model as N.json for `table N`.\n\n"
     "options:\n"
     "  --out DIR      the output folder (made when missing); default: the\n"
     "                 script's name without extension and \"-out\", here\n"
     "  --allow-write-outside\n"
     "                 let steps write outside DIR (by an absolute path, \"..\"\n"
     "                 or a symbolic link); without it such an output is a\n"
     "                 script error before any step runs\n"
     "\nexit codes: as the failing step's, except a script error or a step's usage\n"
     "error: 3.\n"
     "\nexample:\n"
     "  coinnet run examples/paper-collab-dvar.cn --out paper\n"},
    {NULL, NULL, NULL, NULL, NULL}};
