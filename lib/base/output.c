/* lib/base/output.c — atomic outputs: every file and folder coinnet writes
 * is made under a temporary name beside its final one and renamed into
 * place once complete (docs/security.md), so that a failed or killed run
 * leaves the previous output as it was and never a half-written file under
 * the output's name. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base_int.h"

struct cn_output {
  char *path; /* the final name, as given */
  char *tmp;  /* the temporary name beside it */
  FILE *fp;   /* files: the stream on tmp (NULL once closed) */
  bool dir;
  bool direct; /* a device or pipe, written in place (tmp is its name) */
};

/* The bytes of a temporary name's own part kept from the final name, so
 * that ".cn-tmp-PID-N-NAME" stays under NAME_MAX (255). */
enum { KEEP_NAME = 200 };

/* A new temporary name beside path: ".cn-tmp-PID-N-NAME" in path's folder
 * (N counts the names this process made). It ends in the final name, so
 * that a writer that goes by the extension (cairo, SQLite) sees the
 * right one. NULL when out of memory. */
static char *tmp_name(const char *path) {
  static unsigned seq;
  const char *slash = strrchr(path, '/');
  size_t dn = slash ? (size_t)(slash - path) + 1 : 0;
  const char *base = path + dn;
  size_t bn = strlen(base);
  if (bn > KEEP_NAME) {
    bn = KEEP_NAME;
    while (bn > 0 && ((unsigned char)base[bn] & 0xC0) == 0x80) bn--; /* whole characters */
  }
  size_t n = dn + bn + 48;
  char *t = cn_malloc(n);
  if (t)
    snprintf(t, n, "%.*s.cn-tmp-%ld-%u-%.*s", (int)dn, path, (long)getpid(), seq++, (int)bn, base);
  return t;
}

/* Fills d with "PATH: cannot write: REASON" (exit 4: the output named on
 * the command line is at fault) and returns its code. */
static cn_status cannot_write(cn_diag *d, const char *path, int err) {
  return cn_diag_at(d, CN_EDATA, path, 0, 0, "cannot write: %s", strerror(err ? err : EIO));
}

void cn_output_discard(cn_output *o);

cn_status cn_output_open(const char *path, int folder, cn_output **out, cn_diag *d) {
  *out = NULL;
  cn_output *o = cn_calloc(1, sizeof *o);
  if (!o || !(o->path = cn_strdup(path))) {
    cn_free(o);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  o->dir = folder != 0;
  struct stat st;
  char *real = o->dir ? realpath(path, NULL) : NULL;
  if (real && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
    /* a folder reached by a link is replaced where the link leads, so that
     * the link stays */
    char *p = cn_strdup(real);
    if (p) {
      cn_free(o->path);
      o->path = p;
      path = p;
    }
  }
  free(real);
  if (!o->dir && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    cn_output_discard(o);
    return cannot_write(d, path, EISDIR);
  }
  /* a device, pipe or socket (/dev/null, a FIFO), or a symbolic link
   * (/dev/stdout, a link the user made to a file elsewhere), is written
   * through as it is: it cannot be replaced, and must not be */
  struct stat ls;
  bool exists = !o->dir && lstat(path, &ls) == 0;
  if (exists && (S_ISLNK(ls.st_mode) || !S_ISREG(ls.st_mode))) {
    if (!(o->fp = fopen(path, "wb")) || !(o->tmp = cn_strdup(path))) {
      int e = errno;
      cn_output_discard(o);
      return cannot_write(d, path, e);
    }
    o->direct = true;
    *out = o;
    return CN_OK;
  }
  for (int tries = 0;; tries++) {
    cn_free(o->tmp);
    if (!(o->tmp = tmp_name(path))) {
      cn_output_discard(o);
      return cn_diag_set(d, CN_EINTERNAL, "out of memory");
    }
    int fd = -1, rc;
    if (o->dir) {
      rc = mkdir(o->tmp, 0777);
    } else {
      fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      rc = fd < 0 ? -1 : 0;
    }
    if (rc == 0) {
      if (fd >= 0 && exists) (void)fchmod(fd, ls.st_mode & 07777); /* the file keeps its mode */
      if (fd >= 0 && !(o->fp = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        cn_output_discard(o);
        return e == ENOMEM ? cn_diag_set(d, CN_EINTERNAL, "out of memory") : cannot_write(d, path, e);
      }
      break;
    }
    if (errno != EEXIST || tries > 100) {
      int e = errno;
      cn_free(o->tmp);
      o->tmp = NULL; /* nothing was made */
      cn_output_discard(o);
      return cannot_write(d, path, e);
    }
  }
  *out = o;
  return CN_OK;
}

const char *cn_output_path(const cn_output *o) { return o ? o->tmp : NULL; }

FILE *cn_output_file(cn_output *o) { return o ? o->fp : NULL; }

/* Removes the tree at path without following links; best effort. */
static void remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (!S_ISDIR(st.st_mode)) {
    unlink(path);
    return;
  }
  DIR *dp = opendir(path);
  if (dp) {
    struct dirent *e;
    while ((e = readdir(dp))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      size_t n = strlen(path) + strlen(e->d_name) + 2;
      char *sub = cn_malloc(n);
      if (!sub) continue;
      snprintf(sub, n, "%s/%s", path, e->d_name);
      remove_tree(sub);
      cn_free(sub);
    }
    closedir(dp);
  }
  rmdir(path);
}

/* path/name as a new string (NULL when out of memory). */
static char *join(const char *path, const char *name) {
  size_t n = strlen(path) + strlen(name) + 2;
  char *s = cn_malloc(n);
  if (s) snprintf(s, n, "%s/%s", path, name);
  return s;
}

/* Puts the finished folder o->tmp in place of the existing folder
 * o->path. The entries of the old folder that the new one does not have
 * (files the user keeps there) stay: regular files are linked into the new
 * folder before the swap, so that no moment loses them; others are moved
 * after it. The swap itself is atomic (renameat2 RENAME_EXCHANGE); where
 * the file system cannot swap, the old folder is renamed aside first (then
 * for a moment the output's name is missing, never half written). The old
 * folder's remains are removed. */
static int swap_folder(cn_output *o) {
  DIR *dp = opendir(o->path);
  if (!dp) return -1;
  struct dirent *e;
  while ((e = readdir(dp))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *from = join(o->path, e->d_name), *to = join(o->tmp, e->d_name);
    struct stat st;
    if (from && to && lstat(to, &st) != 0 && lstat(from, &st) == 0 && S_ISREG(st.st_mode))
      (void)link(from, to); /* when it fails, the entry is moved after the swap */
    cn_free(from);
    cn_free(to);
  }
  closedir(dp);
  if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return -1;
    char *aside = tmp_name(o->path);
    if (!aside || rename(o->path, aside) != 0) {
      cn_free(aside);
      return -1;
    }
    if (rename(o->tmp, o->path) != 0) {
      int err = errno;
      (void)rename(aside, o->path);
      cn_free(aside);
      errno = err;
      return -1;
    }
    cn_free(o->tmp);
    o->tmp = aside;
  }
  /* o->tmp now names the old folder: move over what the new one lacks */
  if ((dp = opendir(o->tmp))) {
    while ((e = readdir(dp))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char *from = join(o->tmp, e->d_name), *to = join(o->path, e->d_name);
      struct stat st;
      if (from && to && lstat(to, &st) != 0) (void)rename(from, to);
      cn_free(from);
      cn_free(to);
    }
    closedir(dp);
  }
  remove_tree(o->tmp);
  return 0;
}

cn_status cn_output_commit(cn_output *o, cn_diag *d) {
  if (!o) return CN_OK;
  cn_status st = CN_OK;
  if (o->fp) {
    int bad = ferror(o->fp), e = bad ? errno : 0;
    if (fflush(o->fp) != 0 && !bad) bad = 1, e = errno;
    if (fclose(o->fp) != 0 && !bad) bad = 1, e = errno;
    o->fp = NULL;
    if (bad) {
      st = cannot_write(d, o->path, e);
      goto done;
    }
  }
  if (o->direct) goto done;
  struct stat sb;
  int rc;
  if (o->dir && stat(o->path, &sb) == 0 && S_ISDIR(sb.st_mode)) rc = swap_folder(o);
  else rc = rename(o->tmp, o->path);
  if (rc != 0) {
    st = cannot_write(d, o->path, errno);
    goto done;
  }
  cn_free(o->tmp);
  o->tmp = NULL; /* in place: nothing to remove */
done:
  cn_output_discard(o);
  return st;
}

void cn_output_discard(cn_output *o) {
  if (!o) return;
  if (o->fp) fclose(o->fp);
  if (o->tmp && !o->direct) remove_tree(o->tmp);
  cn_free(o->tmp);
  cn_free(o->path);
  cn_free(o);
}

cn_status cn_output_write(const char *path, const void *data, size_t n, cn_diag *d) {
  cn_output *o = NULL;
  cn_status st = cn_output_open(path, 0, &o, d);
  if (st != CN_OK) return st;
  if (n && fwrite(data, 1, n, o->fp) != n) {
    int e = errno;
    cn_output_discard(o);
    return cannot_write(d, path, e);
  }
  return cn_output_commit(o, d);
}

/* Replaces every occurrence of from in s (n bytes, NUL-terminated) by to. */
static void replace_in(char *s, size_t n, const char *from, const char *to) {
  size_t lf = strlen(from);
  if (!lf) return;
  for (char *at = strstr(s, from); at; at = strstr(at, from)) {
    char *rest = cn_strdup(at + lf);
    if (!rest) return;
    snprintf(at, n - (size_t)(at - s), "%s%s", to, rest);
    cn_free(rest);
    at += strlen(to);
    if ((size_t)(at - s) >= n - 1) return;
  }
}

void cn__output_name_diag(const cn_output *o, cn_diag *d) {
  if (!o || !o->tmp || o->direct || !d) return;
  replace_in(d->file, sizeof d->file, o->tmp, o->path);
  replace_in(d->message, sizeof d->message, o->tmp, o->path);
}
