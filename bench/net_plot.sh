#!/bin/sh
# bench/net_plot.sh — `coinnet net plot` on the paper-scale network of
# `gen paper` (seed 1): the 2015 stage alone (about 36k nodes) and the
# two-stage map 2008 | 2015, SVG, whole process timed, median of RUNS (3).
# No peer: Gephi and UCINET have no batch mode here. Target: under 30 s.
set -e
B=${BUILD:-build}
OUT=bench/out
RUNS=${RUNS:-3}
mkdir -p "$OUT"
[ -d "$OUT/gp" ] || "$B/coinnet" gen paper --out "$OUT/gp" --scale paper >/dev/null 2>&1
[ -d "$OUT/gp-net" ] || "$B/coinnet" net build "$OUT/gp/patents.csv" --applicants applicants --id pub_no \
  --app-id app_no --date app_date --type type -o "$OUT/gp-net" >/dev/null 2>&1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
for st in 2015-2015 2008-2008,2015-2015; do
  : > "$OUT/t_plot"
  r=0
  while [ $r -lt "$RUNS" ]; do
    /usr/bin/time -o "$OUT/t_one" -f "%e %M" "$B/coinnet" net plot "$OUT/gp-net" --stages $st -o "$OUT/map.svg" 2>/dev/null
    t=$(tail -1 "$OUT/t_one")
    echo "${t% *}" >> "$OUT/t_plot"
    r=$((r + 1))
  done
  echo "net plot --stages $st: median $(median < "$OUT/t_plot") s, peak ${t#* } KB"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
