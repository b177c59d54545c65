# tests/cli/plot/coef-place.awk — reads a coefficient plot (cn_plot_coef
# as cairo writes its SVG) and prints, for the first model's markers (the
# filled circles in rgb(12%,35%,65%) inside the frame), the distance of
# each centre from the dashed zero line divided by the first one's: for
# estimates b1, b2, ... these must be b2/b1, ... (the axis is linear).
# Needs svg-coords.awk first: awk -f svg-coords.awk -f this.awk FILE.svg
/<path/ {
  if (!match($0, / d="[^"]*"/)) next
  d = substr($0, RSTART + 4, RLENGTH - 5)
  if ($0 ~ /stroke-dasharray/) { coords(d, c); zero = c[1] }
  else if ($0 ~ /fill-rule:nonzero;fill:rgb\(12%,35%,65%\)/ && d !~ /L/) {
    k = coords(d, c)
    x0 = 1e9; x1 = -1e9
    for (i = 1; i < k; i += 2) { if (c[i] < x0) x0 = c[i]; if (c[i] > x1) x1 = c[i] }
    n++; mx[n] = (x0 + x1) / 2; my[n] = c[2]
  }
}
END {
  for (i = 2; i < n; i++) printf "marker %d / marker 1 = %.4f\n", i, (mx[i] - zero) / (mx[1] - zero)
}
