# tests/cli/plot/event-marks.awk — reads an event-study plot (cn_plot_event
# as cairo writes its SVG) and prints, for the first model's markers (the
# circles in rgb(12%,35%,65%) inside the frame, left to right), the x
# position scaled so that the first marker is at 0 and the last at 1, and
# the height above the dashed zero line over the first marker's; then the
# dotted event line's and the hollow reference circle's x on that scale.
# For relative times t and estimates b these must be (t - t_first) /
# (t_last - t_first) and b / b_first (both axes are linear).
# Needs svg-coords.awk first: awk -f svg-coords.awk -f this.awk FILE.svg
/<path/ {
  if (!path_box($0)) next
  if ($0 ~ /stroke-dasharray:3,3/ && y0 == y1) { zero = y0; next }
  if ($0 ~ /stroke-dasharray:1,2/ && x0 == x1) { event = x0; next }
  if ($0 ~ /fill:none;stroke-width:1;/ && $0 ~ /stroke:rgb\(0%,0%,0%\)/ && d ~ /Z/) { fy1 = y1; next }
  if ($0 ~ /fill:rgb\(100%,100%,100%\)/ && $0 ~ /stroke:rgb\(0%,0%,0%\)/ && d ~ /C/) { ref = (x0 + x1) / 2; next }
  if ($0 ~ /fill:rgb\(12%,35%,65%\)/ && d ~ /C/ && !(fy1 && y0 > fy1)) { n++; mx[n] = (x0 + x1) / 2; my[n] = c[2] }
}
END {
  for (i = 2; i <= n; i++) {
    a = mx[i]; b = my[i]
    for (j = i - 1; j >= 1 && mx[j] > a; j--) { mx[j + 1] = mx[j]; my[j + 1] = my[j] }
    mx[j + 1] = a; my[j + 1] = b
  }
  s = mx[n] - mx[1]
  for (i = 1; i <= n; i++) printf "marker %d: x %.3f, height %.3f\n", i, (mx[i] - mx[1]) / s, (zero - my[i]) / (zero - my[1])
  if (event != "") printf "event line: x %.3f\n", (event - mx[1]) / s
  if (ref != "") printf "reference: x %.3f\n", (ref - mx[1]) / s
}
