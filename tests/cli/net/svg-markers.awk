# tests/cli/net/svg-markers.awk — reads an SVG of cn_plot_panels as cairo
# writes it and prints how many of its data markers lie inside a panel's
# frame, clear of the frame's line:
#   frames:  the closed black rectangles stroked 1 pt wide (fill:none);
#   markers: the filled paths in the series colour rgb(12%,35%,65%), each a
#            circle whose centre and radius come from its x extent (the
#            path starts at the circle's rightmost point, centre height).
# A marker counts when centre ± radius stays 0.5 pt (half the line) inside
# the frame on all four sides.
# Needs svg-coords.awk first: awk -f svg-coords.awk -f this.awk FILE.svg
/<path/ {
  if (!match($0, / d="[^"]*"/)) next
  d = substr($0, RSTART + 4, RLENGTH - 5)
  if ($0 ~ /fill:none;stroke-width:1;/ && $0 ~ /stroke:rgb\(0%,0%,0%\)/ && d ~ /Z/) {
    k = coords(d, c)
    x0 = 1e9; x1 = -1e9; y0 = 1e9; y1 = -1e9
    for (i = 1; i < k; i += 2) {
      if (c[i] < x0) x0 = c[i]
      if (c[i] > x1) x1 = c[i]
      if (c[i + 1] < y0) y0 = c[i + 1]
      if (c[i + 1] > y1) y1 = c[i + 1]
    }
    nf++; fx0[nf] = x0; fx1[nf] = x1; fy0[nf] = y0; fy1[nf] = y1
  } else if ($0 ~ /fill:rgb\(12%,35%,65%\)/) {
    k = coords(d, c)
    x0 = 1e9; x1 = -1e9
    for (i = 1; i < k; i += 2) {
      if (c[i] < x0) x0 = c[i]
      if (c[i] > x1) x1 = c[i]
    }
    nm++; mr[nm] = (x1 - x0) / 2; mx[nm] = (x0 + x1) / 2; my[nm] = c[2]
  }
}
END {
  inside = 0
  for (m = 1; m <= nm; m++)
    for (f = 1; f <= nf; f++)
      if (mx[m] - mr[m] >= fx0[f] + 0.5 && mx[m] + mr[m] <= fx1[f] - 0.5 &&
          my[m] - mr[m] >= fy0[f] + 0.5 && my[m] + mr[m] <= fy1[f] - 0.5) {
        inside++
        break
      }
  printf "frames: %d, markers: %d, inside a frame clear of its line: %d\n", nf, nm, inside
}
