#!/bin/sh
# bench/reg_fe.sh — `coinnet reg` against R fixest on fixest's benchmark
# design (bench/gen_fe.c): 1, 2 and 3 fixed effects, plain and the
# worker–firm "difficult" design, clustered by the first fixed effect (as
# feols clusters by default), like for like: the whole process of each
# tool is timed (for fixest: R start-up, package load, fread and feols, 2
# threads; for coinnet: the whole `coinnet reg` run, CSV read included).
# Runs are interleaved (coinnet, fixest, coinnet, ...) RUNS times (3); the
# min and the median of each are printed with their ratio, the peak
# memory, and the largest relative difference of the coefficient and SE
# (`--ssc fixest`, so both use fixest's small-sample defaults), which must
# be ≤ 1e-8.
#
# fixest is not a Debian package: it is found through R_LIBS (developers
# install it offline with the peers installer of the developers' shared folder (fixest/install.sh DIR), then
# `R_LIBS=DIR make bench`). Without it coinnet runs alone and only its
# times are printed. FE_N sets the sizes (default 10^7), FE_DESIGNS the
# designs ("plain difficult").
set -e
B=${BUILD:-build}
OUT=bench/out
RUNS=${RUNS:-3}
mkdir -p "$OUT"
has_fixest=0
Rscript -e 'quit(status = !requireNamespace("fixest", quietly = TRUE))' >/dev/null 2>&1 && has_fixest=1
[ $has_fixest = 1 ] || echo "reg_fe.sh: fixest not found through R_LIBS; coinnet runs alone" >&2
cat > "$OUT/feols.R" <<'R'
args <- commandArgs(TRUE)
suppressMessages({library(data.table); library(fixest)})
setFixest_nthreads(2)
d <- fread(args[1], nThread = 2)
m <- feols(as.formula(paste("y ~ x1 |", args[2])), d, cluster = ~fe1)
cat(sprintf("%.17g %.17g\n", coef(m)[["x1"]], se(m)[["x1"]]), file = args[3])
R
# median and min of the numbers on stdin, one per line: "MEDIAN MIN"
stats() { sort -g | awk '{v[NR] = $1} END {printf "%.2f %.2f\n", v[int((NR + 1) / 2)], v[1]}'; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in ${FE_N:-10000000}; do
  for design in ${FE_DESIGNS:-plain difficult}; do
    F=$OUT/fe-$n-$design.csv
    [ -f "$F" ] || "$B/bench/gen_fe" "$n" "$F" $([ $design = difficult ] && echo difficult)
    for fe in "fe1" "fe1 + fe2" "fe1 + fe2 + fe3"; do
      : > "$OUT/t_cn"; : > "$OUT/t_fx"; peak_cn=0; peak_fx=0
      r=0
      while [ $r -lt "$RUNS" ]; do
        t=$( { /usr/bin/time -f "%e %M" "$B/coinnet" reg "$F" "y ~ x1 | $fe" --cluster fe1 --ssc fixest \
               --json > "$OUT/cn.json"; } 2>&1 | tail -1)
        echo "${t% *}" >> "$OUT/t_cn"
        [ "${t#* }" -gt $peak_cn ] && peak_cn=${t#* }
        if [ $has_fixest = 1 ]; then
          t=$( { /usr/bin/time -f "%e %M" Rscript "$OUT/feols.R" "$F" "$fe" "$OUT/fx.txt"; } 2>&1 | tail -1)
          echo "${t% *}" >> "$OUT/t_fx"
          [ "${t#* }" -gt $peak_fx ] && peak_fx=${t#* }
        fi
        r=$((r + 1))
      done
      set -- $(stats < "$OUT/t_cn")
      line="n=$n $design fe='$fe' coinnet median $1 s min $2 s peak $((peak_cn / 1024)) MB"
      if [ $has_fixest = 1 ]; then
        cm=$1; cmin=$2
        set -- $(stats < "$OUT/t_fx")
        cb=$(sed -n 's/.*"name": "x1", "b": \([^,]*\), "se": \([^,]*\),.*/\1 \2/p' "$OUT/cn.json")
        diff=$(echo "$cb $(cat "$OUT/fx.txt")" | awk '{d1 = ($1 - $3) / $3; d2 = ($2 - $4) / $4;
          if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2; m = d1 > d2 ? d1 : d2; printf "%.1e%s", m, (m > 1e-8 ? " (over 1e-8)" : "")}')
        line="$line | fixest median $1 s min $2 s peak $((peak_fx / 1024)) MB | ratio median \
$(echo "$cm / $1" | bc -l | cut -c1-4) min $(echo "$cmin / $2" | bc -l | cut -c1-4) | max rel diff b, se $diff"
      fi
      echo "$line"
    done
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
