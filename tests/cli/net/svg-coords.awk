# tests/cli/net/svg-coords.awk — shared by the SVG checks (svg-markers.awk,
# map-nodes.awk, ../plot/coef-place.awk; run as awk -f svg-coords.awk -f
# CHECK.awk): coords(d, arr) puts the numbers of an SVG path's d attribute
# into arr[1..] (x, y in turn) and returns how many there are.
function coords(d, arr,   n, i, t, k) {
  n = split(d, t, " ")
  k = 0
  for (i = 1; i <= n; i++)
    if (t[i] ~ /^-?[0-9.]+$/) arr[++k] = t[i] + 0
  return k
}
