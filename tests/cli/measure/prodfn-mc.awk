# tests/cli/measure/prodfn-mc.awk TRUTH EST — the Monte Carlo check of
# issue 15 on one `gen paper` seed: TRUTH lines "ind2 theta_l theta_k",
# EST lines "method ind2 b_l lo_l hi_l b_k lo_k hi_k" (lo, hi NA without
# a bootstrap). Prints, per method, the industries, the mean bias of each
# coefficient, the largest error and, with intervals, how many of them
# cover the truth; and for acf whether |mean bias| <= 0.01 and the
# coverage is within 90-99% (the issue's thresholds).
NR == FNR { tl[$1] = $2; tk[$1] = $3; next }
!($2 in tl) { print "no truth for industry " $2; next }
{
  m = $1; n[m]++
  el = $3 - tl[$2]; ek = $6 - tk[$2]
  bl[m] += el; bk[m] += ek
  if (el < 0) el = -el
  if (ek < 0) ek = -ek
  if (el > mx[m]) mx[m] = el
  if (ek > mx[m]) mx[m] = ek
  if ($4 != "NA") { ci[m] += 2; cov[m] += ($4 <= tl[$2] && tl[$2] <= $5) + ($7 <= tk[$2] && tk[$2] <= $8) }
}
END {
  for (m in n) {
    printf "%s: %d industries, mean bias labour %+.4f, capital %+.4f, largest error %.4f", m, n[m], bl[m] / n[m], bk[m] / n[m], mx[m]
    if (ci[m]) printf ", 95%% intervals covering the truth %d of %d (%.1f%%)", cov[m], ci[m], 100 * cov[m] / ci[m]
    printf "\n"
    if (m == "acf") {
      ab = bl[m] / n[m]; if (ab < 0) ab = -ab
      ak = bk[m] / n[m]; if (ak < 0) ak = -ak
      printf "acf |mean bias| <= 0.01: %s\n", ((ab <= 0.01 && ak <= 0.01) ? "yes" : "NO")
      if (ci[m]) printf "acf coverage in 90-99%%: %s\n", ((cov[m] >= 0.9 * ci[m] && cov[m] <= 0.99 * ci[m]) ? "yes" : "NO")
    }
  }
}
