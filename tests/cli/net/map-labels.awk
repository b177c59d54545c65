# tests/cli/net/map-labels.awk — the node labels of a network map (text
# runs filled rgb(10%,10%,10%), from svg-text.awk): how many there are,
# how many pairs of them overlap (ink boxes meeting), and how many lie
# wholly inside a panel's frame (stroke rgb(60%,60%,60%)).
#   awk -f svg-coords.awk -f svg-text.awk -f map-labels.awk FILE.svg
/<path/ && /stroke:rgb\(60%,60%,60%\)/ {
  if (!match($0, / d="[^"]*"/)) next
  k = coords(substr($0, RSTART + 4, RLENGTH - 5), c)
  np++; px0[np] = 1e9; px1[np] = -1e9; py0[np] = 1e9; py1[np] = -1e9
  for (i = 1; i < k; i += 2) {
    if (c[i] < px0[np]) px0[np] = c[i]; if (c[i] > px1[np]) px1[np] = c[i]
    if (c[i + 1] < py0[np]) py0[np] = c[i + 1]; if (c[i + 1] > py1[np]) py1[np] = c[i + 1]
  }
}
END {
  for (t = 1; t <= nt; t++) if (tfill[t] == "rgb(10%,10%,10%)") lab[++nl] = t
  for (a = 1; a <= nl; a++)
    for (b = a + 1; b <= nl; b++) {
      p = lab[a]; q = lab[b]
      if (tx0[p] < tx1[q] && tx0[q] < tx1[p] && ty0[p] < ty1[q] && ty0[q] < ty1[p]) over++
    }
  for (a = 1; a <= nl; a++) {
    t = lab[a]
    for (f = 1; f <= np; f++)
      if (tx0[t] > px0[f] && tx1[t] < px1[f] && ty0[t] > py0[f] && ty1[t] < py1[f]) { inside++; break }
  }
  printf "labels: %d, overlapping pairs: %d, wholly inside a panel: %d\n", nl, over + 0, inside + 0
}
