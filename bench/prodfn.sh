#!/bin/sh
# bench/prodfn.sh — `coinnet measure prodfn --method acf --by ind2` with a
# firm-block bootstrap of PF_REPS (199) replications on the firm panel of
# `coinnet gen paper` (PF_SCALE, default paper: 197,171 firm-years, 30
# industries; production.csv, docs/gen.md), timed (target < 60 s on 2
# cores), against R prodest's prodestACF (R = PF_REPS, one industry after
# the other) on the same data where prodest is found through R_LIBS (it is
# not a Debian package: install it from its public source into a local
# library); without it coinnet runs alone. Prints both times and the ratio
# (PF_REPS=0 skips the timing, for the Monte Carlo alone).
# PF_MC=N adds the Monte Carlo at that scale: N seeds, ACF (PF_MC_REPS bootstrap
# replications, default 99, for the coverage), LP and WRDG
# point estimates by industry against truth.json: mean bias of the labour
# and capital coefficients, largest error, coverage of the 95% intervals.
# PF_MC_LABOUR=flexible draws `gen paper --labour flexible` (where LP and
# WRDG are identified, ACF not; docs/measures.md), PF_MC_METHODS (default
# "acf lp wrdg") the methods, PF_MC_BOOT (default "acf") those bootstrapped
# for the coverage, PF_MC_FROM (1) the first seed.
set -e
B=${BUILD:-build}
OUT=bench/out
SCALE=${PF_SCALE:-paper}
REPS=${PF_REPS:-199}
MC=${PF_MC:-0}
mkdir -p "$OUT"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
G=$OUT/prodfn-$SCALE
[ -f "$G/production.csv" ] || "$B/coinnet" gen paper --out "$G" --scale "$SCALE" --seed 1 2>/dev/null
if [ "$REPS" -gt 0 ]; then # PF_REPS=0: the Monte Carlo alone
/usr/bin/time -f "%e" -o "$OUT/t_cn" "$B/coinnet" measure prodfn "$G/production.csv" --output va --free labour \
  --state capital --proxy materials --panel id,year --log --by ind2 --method acf --reps "$REPS" --seed 1 \
  --json -o "$OUT/prodfn_cn.json" 2>"$OUT/prodfn_cn.err" || { cat "$OUT/prodfn_cn.err" >&2; exit 1; }
t_cn=$(tail -1 "$OUT/t_cn")
echo "coinnet acf, $REPS replications, $(($(wc -l < "$G/production.csv") - 1)) firm-years: $t_cn s"
if Rscript -e 'quit(status = !requireNamespace("prodest", quietly = TRUE))' >/dev/null 2>&1; then
  cat > "$OUT/prodfn_prodest.R" <<'R'
# args: production.csv, replications
args <- commandArgs(TRUE)
suppressMessages(library(prodest))
d <- read.csv(args[1])
for (j in sort(unique(d$ind2))) {
  s <- d[d$ind2 == j, ]
  prodestACF(log(s$va), fX = log(s$labour), sX = log(s$capital), pX = log(s$materials),
             idvar = s$id, timevar = s$year, R = as.integer(args[2]))
}
R
  /usr/bin/time -f "%e" -o "$OUT/t_r" Rscript "$OUT/prodfn_prodest.R" "$G/production.csv" "$REPS" >/dev/null
  t_r=$(tail -1 "$OUT/t_r")
  echo "prodest prodestACF, $REPS replications: $t_r s; ratio coinnet / prodest $(echo "$t_cn $t_r" | awk '{printf "%.3f", $1 / $2}')"
else
  echo "prodfn.sh: prodest not found through R_LIBS; coinnet runs alone" >&2
fi
fi
[ "$MC" -gt 0 ] || exit 0
# The Monte Carlo: every industry of seeds 1..PF_MC against truth.json, the
# statistics of tests/cli/measure/prodfn-mc.awk (the test runs one seed);
# ACF with PF_MC_REPS (99) bootstrap replications for the coverage, LP and
# WRDG point estimates.
MREPS=${PF_MC_REPS:-99}
LABOUR=${PF_MC_LABOUR:-timed}
METHODS=${PF_MC_METHODS:-acf lp wrdg}
BOOT=${PF_MC_BOOT:-acf}
FROM=${PF_MC_FROM:-1}
: > "$OUT/prodfn_mc_truth.txt"
: > "$OUT/prodfn_mc_est.txt"
s=$FROM
while [ $s -lt $((FROM + MC)) ]; do
  "$B/coinnet" gen paper --out "$OUT/prodfn-mc" --scale "$SCALE" --seed $s --labour "$LABOUR" 2>/dev/null
  tr -d ' \n' < "$OUT/prodfn-mc/truth.json" | grep -o '{"ind2":"[0-9]*","b0":[^}]*}' |
    sed 's/[{}"]//g; s/ind2://; s/,b0:[^,]*,theta_l:/ /; s/,theta_k:/ /; s/,c_m:.*//' |
    awk -v s=$s '{ print s ":" $1, $2, $3 }' >> "$OUT/prodfn_mc_truth.txt"
  for m in $METHODS; do
    reps=0
    case " $BOOT " in *" $m "*) reps=$MREPS ;; esac
    rm -f "$OUT/prodfn_mc.json"
    "$B/coinnet" measure prodfn "$OUT/prodfn-mc/production.csv" --output va --free labour --state capital \
      --proxy materials --panel id,year --log --by ind2 --method $m --reps $reps --seed $s --json \
      -o "$OUT/prodfn_mc.json" 2>/dev/null || { echo "prodfn.sh: seed $s, $m failed" >&2; continue; }
    tr -d ' \n' < "$OUT/prodfn_mc.json" | sed 's/"schema_version"/\n/g' |
      sed -n 's/.*"name":"labour","b":\([^,]*\),"se":[^,]*,"t":[^,]*,"p":[^,]*,"ci_low":\([^,]*\),"ci_high":\([^}]*\)},{"name":"capital","b":\([^,]*\),"se":[^,]*,"t":[^,]*,"p":[^,]*,"ci_low":\([^,]*\),"ci_high":\([^}]*\)}.*"ind2=\([0-9]*\):.*/\7 \1 \2 \3 \4 \5 \6/p' |
      sed 's/null/NA/g' | awk -v m=$m -v s=$s '{ print m, s ":" $1, $2, $3, $4, $5, $6, $7 }' >> "$OUT/prodfn_mc_est.txt"
  done
  s=$((s + 1))
done
echo "Monte Carlo, $MC seed(s) from $FROM at scale $SCALE, labour $LABOUR:"
awk -f tests/cli/measure/prodfn-mc.awk "$OUT/prodfn_mc_truth.txt" "$OUT/prodfn_mc_est.txt" | sort
