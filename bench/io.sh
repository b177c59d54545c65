#!/bin/sh
# bench/io.sh — Stata .dta and SQLite, read and written by coinnet against
# R's haven (read_dta, write_dta) and RSQLite (dbReadTable, dbWriteTable)
# in the same run: the table of bench/csv_read.sh (10 numeric columns,
# bench/gen_csv, IO_MB megabytes of CSV, default 1000: about 800 MB as
# .dta), median of RUNS (3) of each, interleaved, and the ratios coinnet /
# peer. coinnet is timed by bench/csv_read (the library alone: reading
# builds the table in memory; writing is cn_table_write), R by
# system.time around the call alone. The peers are skipped when R or the
# package is missing (Debian r-cran-haven, r-cran-rsqlite). Target (issue
# 22): reading the .dta at least as fast as haven.
set -e
B=${BUILD:-build}
OUT=bench/out
mkdir -p "$OUT"
MB=${IO_MB:-1000}
RUNS=${RUNS:-3}
F=$OUT/numeric-${MB}mb.csv
[ -f "$F" ] || "$B/bench/gen_csv" "$MB" "$F"
D=$OUT/numeric-${MB}mb.dta
S=$OUT/numeric-${MB}mb.sqlite
rm -f "$D" "$S"
"$B/bench/csv_read" "$F" "$D" >/dev/null
"$B/bench/csv_read" "$F" "$S" >/dev/null
echo "table: $F as $D ($(wc -c <"$D") bytes) and $S ($(wc -c <"$S") bytes)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
have() { command -v Rscript >/dev/null 2>&1 && Rscript -e "suppressMessages(library($1))" >/dev/null 2>&1; }
# one format: $1 name, $2 coinnet's file, $3 R package, $4 R read (of file f), $5 R write (of d to file o)
bench_one() {
  for k in cn_r cn_w r_r r_w; do : >"$OUT/io.$k"; done
  peer=no
  have "$3" && peer=yes
  for i in $(seq "$RUNS"); do
    rm -f "$OUT/io-out.$1"
    line=$("$B/bench/csv_read" "$2" "$OUT/io-out.$1")
    echo "$line" | field seconds | head -1 >>"$OUT/io.cn_r"
    echo "$line" | field write_seconds >>"$OUT/io.cn_w"
    if [ $peer = yes ]; then
      rm -f "$OUT/io-rout.$1"
      Rscript -e "suppressMessages(library($3)); f <- '$2'; o <- '$OUT/io-rout.$1'
        tr <- system.time(d <- $4)[['elapsed']]; tw <- system.time($5)[['elapsed']]
        cat(sprintf('%.3f %.3f\n', tr, tw))" >"$OUT/io.r1"
      cut -d' ' -f1 "$OUT/io.r1" >>"$OUT/io.r_r"
      cut -d' ' -f2 "$OUT/io.r1" >>"$OUT/io.r_w"
    fi
  done
  cr=$(median <"$OUT/io.cn_r") cw=$(median <"$OUT/io.cn_w")
  echo "coinnet $1: read median $cr s of $(tr '\n' ' ' <"$OUT/io.cn_r"); write median $cw s of $(tr '\n' ' ' <"$OUT/io.cn_w")"
  if [ $peer = yes ]; then
    rr=$(median <"$OUT/io.r_r") rw=$(median <"$OUT/io.r_w")
    echo "$3 $1: read median $rr s of $(tr '\n' ' ' <"$OUT/io.r_r"); write median $rw s of $(tr '\n' ' ' <"$OUT/io.r_w")"
    awk -v a="$cr" -v b="$rr" -v c="$cw" -v e="$rw" -v f="$1" -v p="$3" \
      'BEGIN { printf "time ratio coinnet / %s, %s: read %.2f, write %.2f\n", p, f, a / b, c / e }'
  else
    echo "$3: not installed, no peer for $1 in this run"
  fi
}
bench_one dta "$D" haven "read_dta(f)" "write_dta(d, o)"
bench_one sqlite "$S" RSQLite \
  "{ con <- DBI::dbConnect(RSQLite::SQLite(), f); x <- DBI::dbReadTable(con, DBI::dbListTables(con)[1]); DBI::dbDisconnect(con); x }" \
  "{ con <- DBI::dbConnect(RSQLite::SQLite(), o); DBI::dbWriteTable(con, 'data', d); DBI::dbDisconnect(con) }"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
