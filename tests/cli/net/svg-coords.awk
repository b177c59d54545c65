# tests/cli/net/svg-coords.awk — shared by the SVG checks (svg-markers.awk,
# map-nodes.awk, ../plot/coef-place.awk; run as awk -f svg-coords.awk -f
# CHECK.awk): coords(d, arr) puts the numbers of an SVG path's d attribute
# into arr[1..] (x, y in turn) and returns how many there are; path_box(line)
# sets d (the d attribute of the <path> in line) and its box x0, x1, y0,
# y1, and returns 0 when the line has no d.
function coords(d, arr,   n, i, t, k) {
  n = split(d, t, " ")
  k = 0
  for (i = 1; i <= n; i++)
    if (t[i] ~ /^-?[0-9.]+$/) arr[++k] = t[i] + 0
  return k
}

function path_box(line) { # sets the globals d, c, k, x0, x1, y0, y1 (as the checks used them inline)
  if (!match(line, / d="[^"]*"/)) return 0
  d = substr(line, RSTART + 4, RLENGTH - 5)
  k = coords(d, c)
  x0 = 1e9; x1 = -1e9; y0 = 1e9; y1 = -1e9
  for (i = 1; i < k; i += 2) {
    if (c[i] < x0) x0 = c[i]; if (c[i] > x1) x1 = c[i]
    if (c[i + 1] < y0) y0 = c[i + 1]; if (c[i + 1] > y1) y1 = c[i + 1]
  }
  return 1
}
