#!/bin/sh
# tests/cli/install/fresh-clone.sh — what a new user does, in the case's
# scratch folder: clone the repository (its committed HEAD) into an empty
# folder with nothing beside it, run the README's two commands there with
# COINNET_DATA unset, then `make install` into a staging DESTDIR, run the
# installed binary from another folder, compile and link a small C program
# against the staged tree through pkg-config, and `make uninstall`.
# Prints one line per step; on a failure, the tail of that step's log.
set -u
ROOT=$1
T=$(pwd)
# The outer make's variables (BUILD=build-asan SAN=... under `make asan`)
# reach us through the environment; a new user has none of them.
unset COINNET_DATA MAKEFLAGS MFLAGS MAKELEVEL BUILD OPT SAN PREFIX DESTDIR JOBS CN_DEPS_DONE REDO
step() { # step NAME LOG CMD...: runs CMD, prints NAME ok or the log's tail
  name=$1 log=$2
  shift 2
  if "$@" > "$log" 2>&1; then echo "$name: ok"; else echo "$name: FAILED (exit $?)"; tail -25 "$log"; exit 1; fi
}
mkdir -p "$T/empty" && cd "$T/empty"
step "git clone" "$T/clone.log" git clone -q "$ROOT" coinnet
cd coinnet
[ -z "$(ls -A ..| grep -v '^coinnet$')" ] && echo "nothing beside the clone: ok"
if grep -rIn '\.\./shared' . --exclude-dir=.git > "$T/grep.log"; then
  echo "the clone names the shared folder:"; head "$T/grep.log"; exit 1
fi
echo "no path to a folder outside the project: ok"
step "make demo" "$T/demo.log" make demo
tail -2 "$T/demo.log" | sed "s|$T/empty/coinnet|CLONE|g"
[ -s demo-out/report.html ] && echo "demo-out/report.html written: ok"
step "make test" "$T/test.log" env CN_FRESH_CLONE=1 make test
tail -1 "$T/test.log" | grep -Eq '^[0-9]+ passed, 0 failed, 1 skipped$' && echo "its count line: no failure"

S=$T/stage
step "make install DESTDIR=\$S PREFIX=/usr" "$T/install.log" make install DESTDIR="$S" PREFIX=/usr
for f in bin/coinnet lib/libcoinnet.a include/coinnet.h include/coinnet/table.h lib/pkgconfig/coinnet.pc \
         share/man/man1/coinnet.1 share/coinnet/hs-bec/hs2012-bec.csv share/coinnet/cn-rail-patents/SOURCES.md; do
  [ -f "$S/usr/$f" ] || { echo "missing after install: $f"; exit 1; }
done
echo "installed files in place: ok"
head -1 "$S/usr/share/man/man1/coinnet.1" | cut -c1-14
mkdir -p "$T/elsewhere" && cd "$T/elsewhere"
step "installed coinnet demo" "$T/idemo.log" env COINNET_DATA="$S/usr/share/coinnet" "$S/usr/bin/coinnet" demo --out "$T/out"
[ -s "$T/out/report.html" ] && echo "its report.html written: ok"
cat > app.c <<'C'
#include <stdio.h>
#include <coinnet.h>
int main(void) {
  cn_diag d;
  cn_table *t = NULL;
  if (cn_init(&d) != CN_OK || cn_table_read("in.csv", NULL, &t, &d) != CN_OK) return 1;
  printf("coinnet %s read %lld rows\n", cn_version(), (long long)cn_table_nrow(t));
  cn_table_free(t);
  return 0;
}
C
printf 'firm,year\na,2001\nb,2002\n' > in.csv
export PKG_CONFIG_SYSROOT_DIR="$S" PKG_CONFIG_PATH="$S/usr/lib/pkgconfig"
flags=$(pkg-config --cflags --libs coinnet) || { echo "pkg-config failed"; exit 1; }
step "cc app.c \$(pkg-config --cflags --libs coinnet)" "$T/cc.log" sh -c "cc -o app app.c $flags"
./app | sed 's/coinnet [0-9.]* /coinnet VERSION /'
cd "$T/empty/coinnet"
step "make uninstall" "$T/uninstall.log" make uninstall DESTDIR="$S" PREFIX=/usr
left=$(find "$S" -type f | wc -l)
echo "files left in the staging tree: $left"
