#!/bin/sh
# tests/browser/report.sh — opens a study report in headless Chromium and
# checks what a reader would see: the page loads, every table and every
# figure is in the DOM (the numbers expected are given), nothing is logged
# on the console, and the page has no script and loads nothing from
# outside. Prints one line per check; exits 1 on the first failure.
#
#   sh tests/browser/report.sh REPORT.html N_TABLES N_FIGURES
#
# Chromium comes from Debian (`scripts/deps browser`, which `make test`
# runs). When it is missing the test FAILS: it never passes silently.
set -u
html=$1 want_tables=$2 want_figures=$3
fail() { echo "FAIL: $*"; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed; 'scripts/deps browser' installs it (apt-get install chromium)"
[ -f "$html" ] || fail "no report at $html"
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
work=$(mktemp -d "${TMPDIR:-/tmp}/coinnet-browser-XXXXXX") || fail "mktemp"
trap 'rm -rf "$work"' EXIT
HOME=$work timeout 90 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
  --dump-dom "file://$abs" >"$work/dom.html" 2>"$work/log.txt"
rc=$?
[ $rc -eq 0 ] || { tail -5 "$work/log.txt"; fail "chromium exited with $rc"; }
grep -q '</html>' "$work/dom.html" || fail "chromium gave no page"
# each table: <figure class="regtable" id="table-K"> then its <table>
tables=$(grep -c '<figure class="regtable" id="table-[0-9]*">' "$work/dom.html")
with_table=$(grep -A1 '<figure class="regtable" id="table-[0-9]*">' "$work/dom.html" | grep -c '^<table')
echo "tables in the page: $tables, each with its <table>: $with_table (want $want_tables)"
[ "$tables" -eq "$want_tables" ] && [ "$with_table" -eq "$want_tables" ] || fail "tables missing"
# each figure: <figure class="figure" id="figure-K"> then its inline <svg>
figures=$(grep -c '<figure class="figure" id="figure-[0-9]*">' "$work/dom.html")
with_svg=$(grep -A1 '<figure class="figure" id="figure-[0-9]*">' "$work/dom.html" | grep -c '^<svg')
echo "figures in the page: $figures, each with its <svg>: $with_svg (want $want_figures)"
[ "$figures" -eq "$want_figures" ] && [ "$with_svg" -eq "$want_figures" ] || fail "figures missing"
console=$(grep -c ':CONSOLE' "$work/log.txt")
echo "console messages: $console"
[ "$console" -eq 0 ] || { grep ':CONSOLE' "$work/log.txt" | head -5; fail "the page logged on the console"; }
outside=$(grep -ciE '<script|<link|<iframe|<img|<object|<embed| src=|url\(http|@import' "$work/dom.html")
echo "scripts and outside resources: $outside"
[ "$outside" -eq 0 ] || fail "the page is not self-contained"
echo "ok"
