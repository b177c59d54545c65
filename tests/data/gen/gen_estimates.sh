#!/bin/sh
# Made the estimates of docs/gen.md ("Checks of the truth"); not run by the
# tests. usage: tests/data/gen/gen_estimates.sh COINNET DIR [gen options]
# e.g. gen_estimates.sh build/coinnet /tmp/g --seed 1 --rho 0
set -e
B=$1 d=$2; shift 2
here=$(dirname "$0")
$B gen paper --out "$d" "$@" 2>/dev/null
$B net build "$d/patents.csv" --applicants applicants --id pub_no --date app_date --type type --ipc ipc \
  -o "$d/net" 2>/dev/null
python3 "$here/gen_panel.py" "$d" "$d/net" "$d/p.csv"
$B reg "$d/p.csv" 'dvar ~ L.lnwdc + lnassets + kl + lnown | id + year' --panel id,year --vce cluster --cluster id
$B iv "$d/p.csv" 'dvar ~ lnassets + kl + lnown | id + year | L.lnwdc ~ L.lninc + L.pilot' --panel id,year \
  --vce cluster --cluster id
