#!/bin/sh
# bench/csv_read.sh — reading a CSV of 10 numeric columns (5 integer, 5
# double; bench/gen_csv), coinnet against data.table::fread in the same run,
# with 1 and with 2 threads each: the median of 3 runs of each, and the
# ratios coinnet / fread. coinnet is timed by bench/csv_read (the library's
# reader alone, the table built in memory; CN_THREADS sets its threads).
# fread is skipped when R or data.table is missing (scripts/deps bench
# installs them). CSV_MB sets the size (default 500; the issue's targets are
# stated at 500 MB); RUNS the runs per median (default 3).
# Targets (issue 22): one thread >= 500 MB/s and <= 0.6x fread's time; two
# threads <= 0.6x fread's two-thread time; peak memory < 1.2x the table.
set -e
B=${BUILD:-build}
OUT=bench/out
mkdir -p "$OUT"
MB=${CSV_MB:-500}
RUNS=${RUNS:-3}
F=$OUT/numeric-${MB}mb.csv
[ -f "$F" ] || "$B/bench/gen_csv" "$MB" "$F"
cat "$F" >/dev/null # the page cache holds the file for both readers
echo "file: $F ($(wc -c <"$F") bytes), load average: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed "s/.*$1=\([0-9.]*\).*/\1/"; }

have_fread=no
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(data.table)' >/dev/null 2>&1; then
  have_fread=yes
fi

for th in 1 2; do
  : >"$OUT/cn.times"
  : >"$OUT/fr.times"
  for i in $(seq "$RUNS"); do # interleaved, so that both meet the same load
    line=$(CN_THREADS=$th "$B/bench/csv_read" "$F")
    echo "$line" | field seconds >>"$OUT/cn.times"
    last=$line
    if [ $have_fread = yes ]; then
      Rscript -e "suppressMessages(library(data.table)); setDTthreads($th);
        t <- system.time(d <- fread('$F', nThread = $th, showProgress = FALSE))[['elapsed']];
        cat(sprintf('%.3f\n', t))" >>"$OUT/fr.times"
    fi
  done
  cs=$(median <"$OUT/cn.times")
  mbs=$(awk -v s="$cs" -v m="$(echo "$last" | field file_mb)" 'BEGIN { printf "%.1f", m / s }')
  echo "coinnet, $th thread(s): median $cs s ($mbs MB/s) of $(tr '\n' ' ' <"$OUT/cn.times"); peak memory $(echo "$last" | field rss_over_table)x the table"
  if [ $have_fread = yes ]; then
    fs=$(median <"$OUT/fr.times")
    echo "fread, $th thread(s): median $fs s of $(tr '\n' ' ' <"$OUT/fr.times")"
    awk -v a="$cs" -v b="$fs" -v t="$th" 'BEGIN { printf "time ratio coinnet / fread, %d thread(s) = %.2f\n", t, a / b }'
  else
    echo "fread: not installed (R data.table), no peer in this run"
  fi
done
# writing the table back as CSV: coinnet's writer (OMP_NUM_THREADS
# threads format the rows) against data.table::fwrite, interleaved
for th in 1 2; do
  : >"$OUT/cn.times"
  : >"$OUT/fr.times"
  for i in $(seq "$RUNS"); do
    line=$(OMP_NUM_THREADS=$th CN_THREADS=$th "$B/bench/csv_read" "$F" "$OUT/written.csv" | tail -1)
    echo "$line" | field write_seconds >>"$OUT/cn.times"
    last=$line
    if [ $have_fread = yes ]; then
      Rscript -e "suppressMessages(library(data.table)); setDTthreads($th);
        d <- fread('$F', nThread = $th, showProgress = FALSE);
        t <- system.time(fwrite(d, '$OUT/written-fw.csv', nThread = $th, showProgress = FALSE))[['elapsed']];
        cat(sprintf('%.3f\n', t))" >>"$OUT/fr.times"
    fi
  done
  cs=$(median <"$OUT/cn.times")
  echo "coinnet write, $th thread(s): median $cs s ($(echo "$last" | field write_mb_per_s) MB/s in the last run) of $(tr '\n' ' ' <"$OUT/cn.times")"
  if [ $have_fread = yes ]; then
    fs=$(median <"$OUT/fr.times")
    echo "fwrite, $th thread(s): median $fs s of $(tr '\n' ' ' <"$OUT/fr.times")"
    awk -v a="$cs" -v b="$fs" -v t="$th" 'BEGIN { printf "time ratio coinnet / fwrite, %d thread(s) = %.2f\n", t, a / b }'
  fi
done
rm -f "$OUT/cn.times" "$OUT/fr.times" "$OUT/written.csv" "$OUT/written-fw.csv"
