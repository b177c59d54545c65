# tests/cli/net/map-classes.awk — the node circles of a network map (filled
# paths outlined in white, 0.4 pt), per panel (the grey frames, stroke
# rgb(60%,60%,60%), left to right): how many of each fill, and their radii
# (from the x extent, to 0.1 pt: cairo draws a circle as Bezier arcs) in increasing order. Legend dots have no outline and
# are not counted.
#   awk -f svg-coords.awk -f map-classes.awk FILE.svg
/<path/ {
  if (!path_box($0)) next
  if ($0 ~ /stroke:rgb\(60%,60%,60%\)/) { np++; px0[np] = x0; px1[np] = x1; py0[np] = y0; py1[np] = y1 }
  else if ($0 ~ /stroke-width:0.4;/ && $0 ~ /stroke:rgb\(100%,100%,100%\)/) {
    match($0, /fill:rgb\([^)]*\)/)
    nn++; fill[nn] = substr($0, RSTART + 5, RLENGTH - 5); cx[nn] = (x0 + x1) / 2; cy[nn] = (y0 + y1) / 2
    rad[nn] = (x1 - x0) / 2
  }
}
END {
  for (p = 1; p <= np; p++) {
    split("", cnt); nr = 0; line = ""
    for (q = 1; q <= nn; q++) {
      if (cx[q] < px0[p] || cx[q] > px1[p] || cy[q] < py0[p] || cy[q] > py1[p]) continue
      cnt[fill[q]]++; r[++nr] = rad[q]
    }
    for (a = 2; a <= nr; a++) { v = r[a]; for (b = a - 1; b >= 1 && r[b] > v; b--) r[b + 1] = r[b]; r[b + 1] = v }
    printf "panel %d:", p
    for (f in cnt) line = line " " f " " cnt[f]
    n = split(substr(line, 2), parts, " "); # fills sorted for a stable order
    for (a = 1; a <= n; a += 2) key[a] = parts[a]
    for (a = 3; a <= n; a += 2) { v = parts[a]; w = parts[a + 1]; for (b = a - 2; b >= 1 && parts[b] > v; b -= 2) { parts[b + 2] = parts[b]; parts[b + 3] = parts[b + 1] } parts[b + 2] = v; parts[b + 3] = w }
    for (a = 1; a <= n; a += 2) printf " %s x%d", parts[a], parts[a + 1]
    printf "; radii"
    for (a = 1; a <= nr; a++) printf " %.1f", r[a]
    printf "\n"
  }
}
