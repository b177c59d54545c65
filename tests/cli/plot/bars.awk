# tests/cli/plot/bars.awk — reads a bar chart (cn_plot_table's SVG as cairo
# writes it) and prints its bars from left to right: the group (1 for fill
# rgb(12%,35%,65%), 2 for rgb(80%,40%,5%)) and the bar's signed height
# from the base line at zero (the black 0.8 pt line across the frame) over
# the largest absolute height. Legend keys, under the frame, are left out.
# Needs svg-coords.awk first: awk -f svg-coords.awk -f this.awk FILE.svg
/<path/ {
  if (!path_box($0)) next
  if ($0 ~ /fill:none;stroke-width:0.8;/ && $0 ~ /stroke:rgb\(0%,0%,0%\)/ && y0 == y1) { zero = y0; next }
  if ($0 ~ /fill:none;stroke-width:1;/ && $0 ~ /stroke:rgb\(0%,0%,0%\)/ && d ~ /Z/) { fy1 = y1; next }
  grp = $0 ~ /fill:rgb\(12%,35%,65%\)/ ? 1 : $0 ~ /fill:rgb\(80%,40%,5%\)/ ? 2 : 0
  if (grp && d ~ /Z/) { n++; bg[n] = grp; bx[n] = x0; top[n] = y0; bot[n] = y1 }
}
END {
  m = 0
  for (i = 1; i <= n; i++) {
    if (fy1 && top[i] > fy1) continue
    m++; g[m] = bg[i]; x[m] = bx[i]
    h[m] = (top[i] < zero - 0.01) ? zero - top[i] : -(bot[i] - zero)
    if ((h[m] < 0 ? -h[m] : h[m]) > hmax) hmax = h[m] < 0 ? -h[m] : h[m]
  }
  for (i = 2; i <= m; i++) {
    a = x[i]; p = g[i]; q = h[i]
    for (j = i - 1; j >= 1 && x[j] > a; j--) { x[j + 1] = x[j]; g[j + 1] = g[j]; h[j + 1] = h[j] }
    x[j + 1] = a; g[j + 1] = p; h[j + 1] = q
  }
  for (i = 1; i <= m; i++) printf "bar %d: group %d, %.3f\n", i, g[i], h[i] / hmax
}
