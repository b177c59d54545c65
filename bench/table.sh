#!/bin/sh
# bench/table.sh — `coinnet table` on two saved models with many
# coefficients (TABLE_COEFS="10000 40000 160000" to change): model (1) holds
# c0..c(N-1), model (2) the second half in reverse order, so every name is
# looked up in both. Prints the whole-process time and peak memory of each
# size and the time per coefficient, which stays flat when the cost is
# linear (it grew with N when each name was searched in every model: 40k
# coefficients took 8.7 s, 160k would take minutes). The result itself is
# checked by the unit test regtable_40k_coefficients.
set -e
B=${BUILD:-build}
OUT=bench/out
mkdir -p "$OUT"
# model_json FILE N FROM TO STEP: coefficients c(FROM), c(FROM+STEP), ... up to TO
model_json() {
  awk -v n="$2" -v from="$3" -v to="$4" -v step="$5" 'BEGIN {
    printf "{\"schema_version\": 1, \"depvar\": \"y\", \"nobs\": %d, \"coefficients\": [", n
    sep = ""
    for (i = from; step > 0 ? i <= to : i >= to; i += step) {
      printf "%s{\"name\": \"c%d\", \"b\": %d, \"se\": 0.5, \"p\": 0.5}", sep, i, i
      sep = ", "
    }
    print "]}"
  }' > "$1"
}
for n in ${TABLE_COEFS:-10000 40000 160000}; do
  A=$OUT/table-$n-a.json
  Z=$OUT/table-$n-b.json
  [ -f "$A" ] || model_json "$A" "$n" 0 $((n - 1)) 1
  [ -f "$Z" ] || model_json "$Z" "$n" $((n - 1)) $((n / 2)) -1
  t=$( { /usr/bin/time -f "%e %M" "$B/coinnet" table "$A" "$Z" >/dev/null; } 2>&1 | tail -1)
  s=${t% *}
  echo "coefficients=$n time=${s}s peak=$(( ${t#* } / 1024 ))MB per_coef=$(echo "$s * 1000000 / $n" | bc -l | cut -c1-6)us"
done
