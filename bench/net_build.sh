#!/bin/sh
# bench/net_build.sh — generated patent records into yearly graphs. Target
# (issue "networks"): 10^7 records in under 60 s with under 4 GB. PATENTS=N
# changes the count (default 10^7).
set -e
B=${BUILD:-build}
OUT=bench/out
mkdir -p "$OUT"
N=${PATENTS:-10000000}
F=$OUT/patents-$N.csv
[ -f "$F" ] || "$B/bench/gen_patents" "$N" "$F"
/usr/bin/time -f "net build: %e s, peak %M KB" "$B/coinnet" net build "$F" --id pub \
  --applicants applicants --date filed -o "$OUT/net-$N" 2>&1 | tail -3
