#!/bin/sh
# bench/dvar.sh — DVAR from generated customs records. Target (issue
# "measures"): 10^8 records (about 6-9 GB of CSV) in under 5 minutes on 2
# cores with under 8 GB. DVAR_RECORDS=N changes the count (default 10^8).
# The peer is bench/dvar_peer.py (pandas, from the spec) on 10^7 records
# (PEER_RECORDS): both run on the same file, the ratio of their times is
# printed and their DVARs must agree to 1e-9.
set -e
B=${BUILD:-build}
S=.
OUT=bench/out
N=${DVAR_RECORDS:-100000000}
P=${PEER_RECORDS:-10000000}
gen() { # gen N DIR: about N records, ~490 per firm over 2000-2015
  [ -f "$2/customs.csv" ] || "$B/coinnet" gen customs --out "$2" --bec "$S/data/hs-bec" \
    --firms $(($1 / 490)) --records "$1" --seed 1
}
run() { # run DIR: coinnet measure dvar with time and peak memory
  /usr/bin/time -f "%e %M" -o "$1/time.txt" "$B/coinnet" measure dvar --customs "$1/customs.csv" \
    --firms "$1/firms.csv" --theta "$1/theta.csv" --bec "$S/data/hs-bec" -o "$1/dvar.csv" 2>/dev/null
  read secs kb < "$1/time.txt"
  echo "coinnet measure dvar: $(wc -c < "$1/customs.csv") bytes of customs CSV: $secs s, peak $((kb / 1024)) MB"
}
gen "$P" "$OUT/dvar-$P"
run "$OUT/dvar-$P"
c=$secs
/usr/bin/time -f "%e %M" -o "$OUT/dvar-$P/peer.txt" /usr/bin/python3 bench/dvar_peer.py \
  "$OUT/dvar-$P/customs.csv" "$OUT/dvar-$P/firms.csv" "$OUT/dvar-$P/theta.csv" "$S/data/hs-bec" \
  "$OUT/dvar-$P/peer.csv"
read psecs pkb < "$OUT/dvar-$P/peer.txt"
echo "pandas peer: $psecs s, peak $((pkb / 1024)) MB; coinnet is $(echo "$psecs / $c" | bc -l | cut -c1-4)x faster"
/usr/bin/python3 -c "
import pandas as pd, sys
a = pd.read_csv('$OUT/dvar-$P/dvar.csv', dtype={'firm': str}); b = pd.read_csv('$OUT/dvar-$P/peer.csv', dtype={'firm': str})
d = (a.dvar - b.dvar).abs().max()
print('rows %d / %d, max |coinnet - peer| = %.2g' % (len(a), len(b), d))
sys.exit(0 if len(a) == len(b) and (a.firm == b.firm).all() and d < 1e-9 else 1)"
if [ "$N" != "$P" ]; then
  gen "$N" "$OUT/dvar-$N"
  run "$OUT/dvar-$N"
  rm -f "$OUT/dvar-$N/customs.csv" # 6-9 GB: not kept between runs
fi
