# tests/cli/net/svg-clip.awk — whether anything drawn in an SVG (cairo's)
# is cut by the canvas (the viewBox 0 0 W H): every path of the body (its
# coordinates, widened by half its stroke width when stroked) and every
# run of text (its glyphs' ink, from svg-text.awk) must lie inside. Prints
# the counts and how many are cut.
#   awk -f svg-coords.awk -f svg-text.awk -f svg-clip.awk FILE.svg
/<svg / { match($0, /viewBox="[^"]*"/); split(substr($0, RSTART + 9, RLENGTH - 10), vb, " "); W = vb[3]; H = vb[4] }
/<defs>/ { indefs = 1 }
/<\/defs>/ { indefs = 0; next }
!indefs && /<path/ {
  if (!match($0, / d="[^"]*"/)) next
  k = coords(substr($0, RSTART + 4, RLENGTH - 5), c)
  if (k == 0) next
  hw = 0
  if ($0 !~ /stroke:none/ && match($0, /stroke-width:[0-9.]+/)) hw = substr($0, RSTART + 13, RLENGTH - 13) / 2
  np++
  for (i = 1; i < k; i += 2)
    if (c[i] - hw < 0 || c[i] + hw > W || c[i + 1] - hw < 0 || c[i + 1] + hw > H) { cutp++; break }
}
END {
  for (t = 1; t <= nt; t++)
    if (tx1[t] > tx0[t] && (tx0[t] < 0 || tx1[t] > W || ty0[t] < 0 || ty1[t] > H)) cutt++
  printf "canvas %gx%g: %d paths, %d texts; cut by the canvas: %d paths, %d texts\n", W, H, np, nt, cutp + 0, cutt + 0
}
