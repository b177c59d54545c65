/* tests/unit/test_output.c — atomic outputs (lib/base/output.c,
 * docs/security.md): a finished output replaces the old one whole, a
 * failed one leaves it as it was and removes its temporary; a folder keeps
 * the user's own files; a full or read-only file system is CN_EDATA with
 * the output's path. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

/* The whole content of path (static buffer), "" when it cannot be read. */
static const char *slurp(const char *path) {
  static char buf[4096];
  FILE *fp = fopen(path, "rb");
  size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
  if (fp) fclose(fp);
  buf[n] = '\0';
  return buf;
}

/* The number of temporaries (".cn-tmp-...") left in dir. */
static int temporaries(const char *dir) {
  DIR *dp = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (dp && (e = readdir(dp)))
    if (!strncmp(e->d_name, ".cn-tmp-", 8)) n++;
  if (dp) closedir(dp);
  return n;
}

/* A table of n rows: an integer id and a text column, about 30 bytes a row. */
static cn_table *rows(int64_t n) {
  cn_diag d;
  cn_table *t = cn_table_new(n);
  int a = cn_table_add_column(t, "id", CN_INT64, &d);
  int b = cn_table_add_column(t, "name", CN_STRING, &d);
  int64_t *id = cn_table_i64_mut(t, a);
  char s[64];
  for (int64_t i = 0; i < n; i++) {
    id[i] = i;
    snprintf(s, sizeof s, "firm number %lld", (long long)i);
    cn_table_set_str(t, b, i, s, &d);
  }
  return t;
}

TEST(output_file_replaced_whole_or_not_at_all) {
  const char *dir = cn_test_tmpdir();
  char path[4096];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  cn_diag d;
  CHECK_STATUS(cn_output_write(path, "old\n", 4, &d), CN_OK, &d);
  CHECK(chmod(path, 0640) == 0);
  /* a started output is invisible under the final name until committed */
  cn_output *o = NULL;
  CHECK_STATUS(cn_output_open(path, 0, &o, &d), CN_OK, &d);
  fputs("half", cn_output_file(o));
  fflush(cn_output_file(o));
  CHECK_STR(slurp(path), "old\n");
  CHECK_INT(temporaries(dir), 1);
  cn_output_discard(o); /* a failed run */
  CHECK_STR(slurp(path), "old\n");
  CHECK_INT(temporaries(dir), 0);
  CHECK_STATUS(cn_output_open(path, 0, &o, &d), CN_OK, &d);
  fputs("new\n", cn_output_file(o));
  CHECK_STATUS(cn_output_commit(o, &d), CN_OK, &d);
  CHECK_STR(slurp(path), "new\n");
  CHECK_INT(temporaries(dir), 0);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640); /* keeps its mode */
  /* a missing folder: the final path and the reason */
  snprintf(path, sizeof path, "%s/nodir/x.csv", dir);
  CHECK_STATUS(cn_output_write(path, "x", 1, &d), CN_EDATA, &d);
  CHECK_STR(d.file, path);
  CHECK(strstr(d.message, "cannot write: No such file or directory") != NULL);
}

TEST(output_folder_swapped_keeps_users_files) {
  const char *dir = cn_test_tmpdir();
  char net[4096], p[4200];
  snprintf(net, sizeof net, "%s/net", dir);
  cn_diag d;
  CHECK(mkdir(net, 0777) == 0);
  snprintf(p, sizeof p, "%s/edges.csv", net);
  CHECK_STATUS(cn_output_write(p, "old edges\n", 10, &d), CN_OK, &d);
  snprintf(p, sizeof p, "%s/notes.txt", net);
  CHECK_STATUS(cn_output_write(p, "mine\n", 5, &d), CN_OK, &d);
  cn_output *o = NULL;
  /* discarded: the old folder is untouched */
  CHECK_STATUS(cn_output_open(net, 1, &o, &d), CN_OK, &d);
  snprintf(p, sizeof p, "%s/edges.csv", cn_output_path(o));
  CHECK_STATUS(cn_output_write(p, "half", 4, &d), CN_OK, &d);
  cn_output_discard(o);
  snprintf(p, sizeof p, "%s/edges.csv", net);
  CHECK_STR(slurp(p), "old edges\n");
  CHECK_INT(temporaries(dir), 0);
  /* committed: the new files, and the user's file still there */
  CHECK_STATUS(cn_output_open(net, 1, &o, &d), CN_OK, &d);
  snprintf(p, sizeof p, "%s/edges.csv", cn_output_path(o));
  CHECK_STATUS(cn_output_write(p, "new edges\n", 10, &d), CN_OK, &d);
  snprintf(p, sizeof p, "%s/nodes.csv", cn_output_path(o));
  CHECK_STATUS(cn_output_write(p, "nodes\n", 6, &d), CN_OK, &d);
  CHECK_STATUS(cn_output_commit(o, &d), CN_OK, &d);
  snprintf(p, sizeof p, "%s/edges.csv", net);
  CHECK_STR(slurp(p), "new edges\n");
  snprintf(p, sizeof p, "%s/nodes.csv", net);
  CHECK_STR(slurp(p), "nodes\n");
  snprintf(p, sizeof p, "%s/notes.txt", net);
  CHECK_STR(slurp(p), "mine\n");
  CHECK_INT(temporaries(dir), 0);
  /* a new folder is renamed into place */
  snprintf(p, sizeof p, "%s/fresh", dir);
  CHECK_STATUS(cn_output_open(p, 1, &o, &d), CN_OK, &d);
  CHECK_STATUS(cn_output_commit(o, &d), CN_OK, &d);
  struct stat st;
  CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
  CHECK_INT(temporaries(dir), 0);
}

/* A full and a read-only file system: a 64 KiB tmpfs, mounted when the
 * tests run as root (skipped otherwise, as mounting needs it). Each writer
 * (CSV, .dta, SQLite) fails with CN_EDATA naming the output and the
 * system's reason, leaves the previous file as it was and no temporary. */
TEST(output_full_and_read_only_file_system) {
  char m[4096];
  snprintf(m, sizeof m, "%s/small", cn_test_tmpdir());
  if (geteuid() != 0 || mkdir(m, 0777) != 0) return;
  if (mount("tmpfs", m, "tmpfs", 0, "size=64k") != 0) return; /* no mount allowed here */
  cn_diag d;
  cn_table *small = rows(3), *big = rows(20000); /* about 600 KB as CSV */
  static const char *const names[] = {"t.csv", "t.dta", "t.sqlite"};
  char p[4200];
  for (int k = 0; k < 3; k++) {
    snprintf(p, sizeof p, "%s/%s", m, names[k]);
    CHECK_STATUS(cn_table_write(small, p, NULL, &d), CN_OK, &d);
    struct stat before, after;
    CHECK(stat(p, &before) == 0);
    cn_status st = cn_table_write(big, p, NULL, &d);
    CHECK_INT(st, CN_EDATA);
    CHECK(strstr(d.message, "No space left on device") != NULL ||
          strstr(d.message, "database or disk is full") != NULL);
    CHECK(strstr(d.file, names[k]) != NULL);
    CHECK(stat(p, &after) == 0 && after.st_size == before.st_size && after.st_ino == before.st_ino);
    CHECK_INT(temporaries(m), 0);
    if (st != CN_EDATA) printf("  %s: %s\n", names[k], d.message);
  }
  snprintf(p, sizeof p, "%s/new.csv", m);
  CHECK_STATUS(cn_table_write(big, p, NULL, &d), CN_EDATA, &d);
  CHECK(access(p, F_OK) != 0); /* no half file */
  CHECK_INT(temporaries(m), 0);
  /* read-only */
  CHECK(mount(NULL, m, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0);
  for (int k = 0; k < 3; k++) {
    snprintf(p, sizeof p, "%s/%s", m, names[k]);
    CHECK_STATUS(cn_table_write(small, p, NULL, &d), CN_EDATA, &d);
    CHECK(strstr(d.message, "Read-only file system") != NULL ||
          strstr(d.message, "readonly") != NULL);
    CHECK(strstr(d.file, names[k]) != NULL);
  }
  CHECK(umount(m) == 0);
  cn_table_free(small);
  cn_table_free(big);
}
