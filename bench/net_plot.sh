#!/bin/sh
# bench/net_plot.sh — `coinnet net plot` on the paper-scale network of
# `gen paper` (seed 1): the 2015 stage alone (about 36k nodes) and the
# two-stage map 2008 | 2015, SVG, whole process timed, median of RUNS (3);
# and a random graph of 10^5 nodes and 3·10^5 edges (a fixed linear
# congruential stream in awk, every node on some edge) drawn whole.
# No peer: Gephi and UCINET have no batch mode here. Target: under 30 s.
set -e
B=${BUILD:-build}
OUT=bench/out
RUNS=${RUNS:-3}
mkdir -p "$OUT"
[ -d "$OUT/gp" ] || "$B/coinnet" gen paper --out "$OUT/gp" --scale paper >/dev/null 2>&1
[ -d "$OUT/gp-net" ] || "$B/coinnet" net build "$OUT/gp/patents.csv" --applicants applicants --id pub_no \
  --app-id app_no --date app_date --type type -o "$OUT/gp-net" >/dev/null 2>&1
[ -f "$OUT/g1e5.csv" ] || awk 'BEGIN { n = 100000; m = 300000; x = 12345; print "u,v"
  for (i = 1; i <= n; i++) { x = (x * 69069 + 1) % 4294967296; j = 1 + x % n; if (j == i) j = 1 + i % n; print i "," j }
  for (e = n; e < m; e++) { x = (x * 69069 + 1) % 4294967296; a = 1 + x % n
    x = (x * 69069 + 1) % 4294967296; b = 1 + x % n; if (a != b) print a "," b } }' > "$OUT/g1e5.csv"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{v[NR] = $1; l = l (NR > 1 ? ", " : "") $1} END {print v[int((NR + 1) / 2)] " s (" l ")"}'; }
for st in 2015-2015 2008-2008,2015-2015; do
  : > "$OUT/t_plot"
  r=0
  while [ $r -lt "$RUNS" ]; do
    /usr/bin/time -o "$OUT/t_one" -f "%e %M" "$B/coinnet" net plot "$OUT/gp-net" --stages $st -o "$OUT/map.svg" 2>/dev/null
    t=$(tail -1 "$OUT/t_one")
    echo "${t% *}" >> "$OUT/t_plot"
    r=$((r + 1))
  done
  echo "net plot --stages $st: median $(median < "$OUT/t_plot"), peak ${t#* } KB"
done
: > "$OUT/t_plot"
r=0
while [ $r -lt "$RUNS" ]; do
  /usr/bin/time -o "$OUT/t_one" -f "%e %M" "$B/coinnet" net plot "$OUT/g1e5.csv" --unweighted --max-nodes 100000 \
    -o "$OUT/map1e5.svg" 2>/dev/null
  t=$(tail -1 "$OUT/t_one")
  echo "${t% *}" >> "$OUT/t_plot"
  r=$((r + 1))
done
echo "net plot of 10^5 nodes, 3*10^5 edges: median $(median < "$OUT/t_plot"), peak ${t#* } KB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
