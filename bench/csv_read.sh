#!/bin/sh
# bench/csv_read.sh — reading a 1 GB CSV of 10 numeric columns on one core.
# Targets (issue "Foundation"): at least 200 MB/s, peak memory below twice
# the table's size in memory. The peer, data.table::fread with one thread,
# reads the same file in the same run when R and data.table are installed
# (scripts/deps bench installs them). CSV_MB=100 makes a quicker run.
set -e
B=${BUILD:-build}
OUT=bench/out
mkdir -p "$OUT"
MB=${CSV_MB:-1000}
F=$OUT/numeric-${MB}mb.csv
[ -f "$F" ] || "$B/bench/gen_csv" "$MB" "$F"
cat "$F" >/dev/null # the page cache holds the file for both readers

line=$("$B/bench/csv_read" "$F")
echo "coinnet: $line"
mbs=$(echo "$line" | sed 's/.*mb_per_s=\([0-9.]*\).*/\1/')
sec=$(echo "$line" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
ratio=$(echo "$line" | sed 's/.*rss_over_table=\([0-9.]*\).*/\1/')

if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(data.table)' >/dev/null 2>&1; then
  peer=$(Rscript -e "suppressMessages(library(data.table)); setDTthreads(1);
    t <- system.time(d <- fread('$F', nThread = 1, showProgress = FALSE))[['elapsed']];
    cat(sprintf('rows=%d seconds=%.3f', nrow(d), t))")
  psec=$(echo "$peer" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
  echo "fread (1 thread): $peer"
  awk -v a="$sec" -v b="$psec" 'BEGIN { printf "time ratio coinnet / fread = %.2f\n", a / b }'
else
  echo "fread: not installed (R data.table), no peer in this run"
fi

ok=$(awk -v m="$mbs" -v r="$ratio" 'BEGIN { print (m >= 200 && r < 2) ? "yes" : "no" }')
echo "target >= 200 MB/s and memory < 2x table: $ok ($mbs MB/s, ${ratio}x)"
[ "$ok" = yes ]
