#!/bin/sh
# bench/reg_fe.sh — `coinnet reg` on fixest's benchmark design (spec/econometrics.md
# §7): whole-process time (reading the CSV included) and peak memory for 1, 2
# and 3 fixed effects at n = 10^6 and 10^7 (FE_N="1000000 10000000" to
# change), and the "difficult" worker-firm design. When R has fixest, it runs
# the same models (fread + feols, 2 threads) in the same run and prints the
# ratio; Debian has no fixest package, so without it coinnet runs alone.
set -e
B=${BUILD:-build}
OUT=bench/out
mkdir -p "$OUT"
has_fixest=0
Rscript -e 'quit(status = !requireNamespace("fixest", quietly = TRUE))' >/dev/null 2>&1 && has_fixest=1
for n in ${FE_N:-1000000 10000000}; do
  for design in plain difficult; do
    F=$OUT/fe-$n-$design.csv
    [ -f "$F" ] || "$B/bench/gen_fe" "$n" "$F" $([ $design = difficult ] && echo difficult)
    for fe in "fe1" "fe1 + fe2" "fe1 + fe2 + fe3"; do
      t=$( { /usr/bin/time -f "%e %M" "$B/coinnet" reg "$F" "y ~ x1 | $fe" --json >/dev/null; } 2>&1 | tail -1)
      line="n=$n design=$design fe='$fe' coinnet=${t% *}s peak=$(( ${t#* } / 1024 ))MB"
      if [ $has_fixest = 1 ]; then
        r=$(Rscript -e "suppressMessages({library(data.table); library(fixest)}); setFixest_nthreads(2); \
          t <- system.time({d <- fread('$F', nThread = 2); m <- feols(y ~ x1 | $(echo "$fe" | sed 's/ + /+/g'), d)})[['elapsed']]; cat(t)")
        line="$line fixest=${r}s ratio=$(echo "${t% *} / $r" | bc -l | cut -c1-5)"
      fi
      echo "$line"
    done
  done
done
