#!/bin/sh
# bench/dea.sh — `coinnet measure dea` (VRS, input, with slacks: two LPs a
# DMU) against R Benchmarking's dea() on DMUs with 3 inputs and 2 outputs
# (bench/gen_dea.c). Benchmarking solves every DMU's LP on the whole
# reference set, so its time grows with N²: the like-for-like ratio is
# taken at DEA_PEER_N DMUs (default 10^4; whole process for both: R
# start-up, read.csv and dea; the whole coinnet run), RUNS times (3)
# interleaved, median and min. coinnet alone then runs at DEA_N (default
# 10^5), and its θ for DEA_CHECK (200) DMUs spread over the file are checked
# against Benchmarking's for the same DMUs on the whole reference set
# (dea with XREF, YREF). Both checks print the largest |Δθ|, which must be
# ≤ 1e-9.
#
# Benchmarking is not a Debian package: developers install it from its
# public source (with lpSolveAPI) into a library named by R_LIBS. Without it
# coinnet runs alone.
set -e
B=${BUILD:-build}
OUT=bench/out
RUNS=${RUNS:-3}
PN=${DEA_PEER_N:-10000}
N=${DEA_N:-100000}
CK=${DEA_CHECK:-200}
mkdir -p "$OUT"
has_bm=0
Rscript -e 'quit(status = !requireNamespace("Benchmarking", quietly = TRUE))' >/dev/null 2>&1 && has_bm=1
[ $has_bm = 1 ] || echo "dea.sh: Benchmarking not found through R_LIBS; coinnet runs alone" >&2
cat > "$OUT/dea_bm.R" <<'R'
# args: data, output, [number of DMUs to evaluate on the whole reference set]
args <- commandArgs(TRUE)
suppressMessages(library(Benchmarking))
d <- read.csv(args[1])
X <- as.matrix(d[, c("x1", "x2", "x3")]); Y <- as.matrix(d[, c("y1", "y2")])
if (length(args) > 2) {
  k <- unique(round(seq(1, nrow(d), length.out = as.integer(args[3]))))
  e <- dea(X[k, , drop = FALSE], Y[k, , drop = FALSE], RTS = "vrs", ORIENTATION = "in",
           XREF = X, YREF = Y)
  out <- data.frame(dmu = d$dmu[k], theta = e$eff)
} else {
  e <- dea(X, Y, RTS = "vrs", ORIENTATION = "in", SLACK = TRUE)
  out <- data.frame(dmu = d$dmu, theta = e$eff)
}
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
R
# the largest |Δθ| between two dmu,theta,... files (rows matched by dmu)
maxdiff() {
  awk -F, 'NR == FNR { if (FNR > 1) t[$1] = $2; next }
           FNR > 1 && ($1 in t) { d = $2 - t[$1]; if (d < 0) d = -d; if (d > m) m = d; k++ }
           END { printf "%.3g over %d DMUs\n", m, k }' "$1" "$2"
}
stats() { sort -g | awk '{v[NR] = $1} END {printf "%.2f %.2f\n", v[int((NR + 1) / 2)], v[1]}'; }
run_cn() {
  /usr/bin/time -f "%e %M" "$B/coinnet" measure dea "$1" --inputs x1,x2,x3 --outputs y1,y2 --dmu dmu \
    --rts vrs --slacks -o "$2" 2>&1 | tail -1
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
FP=$OUT/dea-$PN.csv
[ -f "$FP" ] || "$B/bench/gen_dea" "$PN" "$FP"
: > "$OUT/t_cn"; : > "$OUT/t_bm"
r=0
while [ $r -lt "$RUNS" ]; do
  t=$(run_cn "$FP" "$OUT/dea_cn.csv"); echo "${t% *}" >> "$OUT/t_cn"
  if [ $has_bm = 1 ]; then
    t=$( { /usr/bin/time -f "%e %M" Rscript "$OUT/dea_bm.R" "$FP" "$OUT/dea_bm.csv"; } 2>&1 | tail -1)
    echo "${t% *}" >> "$OUT/t_bm"
  fi
  r=$((r + 1))
done
set -- $(stats < "$OUT/t_cn")
line="n=$PN vrs in slacks: coinnet median $1 s min $2 s"
if [ $has_bm = 1 ]; then
  cm=$1
  set -- $(stats < "$OUT/t_bm")
  line="$line, Benchmarking median $1 s min $2 s, ratio (coinnet/Benchmarking, medians) $(awk "BEGIN{printf \"%.4f\", $cm/$1}")"
  line="$line, max |dtheta| $(maxdiff "$OUT/dea_cn.csv" "$OUT/dea_bm.csv")"
fi
echo "$line"
F=$OUT/dea-$N.csv
[ -f "$F" ] || "$B/bench/gen_dea" "$N" "$F"
: > "$OUT/t_cn"
r=0
while [ $r -lt "$RUNS" ]; do
  t=$(run_cn "$F" "$OUT/dea_cn.csv"); echo "${t% *}" >> "$OUT/t_cn"
  peak=${t#* }
  r=$((r + 1))
done
set -- $(stats < "$OUT/t_cn")
line="n=$N vrs in slacks: coinnet median $1 s min $2 s peak $((peak / 1024)) MB"
if [ $has_bm = 1 ]; then
  Rscript "$OUT/dea_bm.R" "$F" "$OUT/dea_bm.csv" "$CK"
  line="$line, max |dtheta| against Benchmarking (whole reference set) $(maxdiff "$OUT/dea_cn.csv" "$OUT/dea_bm.csv")"
fi
echo "$line"
