# tests/cli/plot/xy-marks.awk — reads a line or scatter plot (cn_plot_table
# as cairo writes its SVG) and prints the markers of its first two groups
# inside the frame: group 1's circles (fill rgb(12%,35%,65%); centre from
# the x extent and the path's start, which cairo puts at the rightmost
# point) and group 2's squares (rgb(80%,40%,5%); centre of the extent).
# Positions are scaled to 0..1 over all these markers, x from the left and
# y from the bottom, so that they compare with the data scaled the same
# way; sorted by group, then x. For each line of the series' colours it
# prints how many points it joins and whether x increases along it.
# Needs svg-coords.awk first: awk -f svg-coords.awk -f this.awk FILE.svg
/<path/ {
  if (!path_box($0)) next
  if ($0 ~ /fill:none;stroke-width:1;/ && $0 ~ /stroke:rgb\(0%,0%,0%\)/ && d ~ /Z/) { fy1 = y1; next }
  if ($0 ~ /fill:none/ && $0 ~ /stroke-width:1.6;/ && $0 ~ /stroke:rgb\((12%,35%,65%|80%,40%,5%)\)/) {
    if (fy1 && y0 > fy1) next  # a legend key, under the frame (drawn after it)
    nl++; inc = 1
    for (i = 3; i < k; i += 2) if (c[i] <= c[i - 2]) inc = 0
    lp[nl] = k / 2; linc[nl] = inc ? "yes" : "no"
    next
  }
  grp = 0
  if ($0 ~ /fill:rgb\(12%,35%,65%\)/ && d ~ /C/) { grp = 1; cy = c[2] }
  else if ($0 ~ /fill:rgb\(80%,40%,5%\)/ && d ~ /Z/) { grp = 2; cy = (y0 + y1) / 2 }
  if (grp) { n++; mg[n] = grp; mx[n] = (x0 + x1) / 2; my[n] = cy }
}
END {
  ax = 1e9; bx = -1e9; ay = 1e9; by = -1e9; m = 0
  for (i = 1; i <= n; i++) {
    if (fy1 && my[i] > fy1) continue  # the legend, under the frame
    m++; g[m] = mg[i]; x[m] = mx[i]; y[m] = my[i]
    if (x[m] < ax) ax = x[m]; if (x[m] > bx) bx = x[m]; if (y[m] < ay) ay = y[m]; if (y[m] > by) by = y[m]
  }
  for (i = 1; i <= m; i++) {
    u[i] = (x[i] - ax) / (bx - ax); v[i] = (by - y[i]) / (by - ay); key[i] = g[i] * 10 + u[i]
  }
  for (i = 2; i <= m; i++) {
    a = key[i]; p = u[i]; q = v[i]; r = g[i]
    for (j = i - 1; j >= 1 && key[j] > a; j--) { key[j + 1] = key[j]; u[j + 1] = u[j]; v[j + 1] = v[j]; g[j + 1] = g[j] }
    key[j + 1] = a; u[j + 1] = p; v[j + 1] = q; g[j + 1] = r
  }
  for (i = 1; i <= m; i++) printf "group %d: %.3f %.3f\n", g[i], u[i], v[i]
  for (i = 1; i <= nl; i++) printf "line %d: %d points, x increasing: %s\n", i, lp[i], linc[i]
}
