# tests/cli/plot/bars-data.awk — the data side of bars.awk: reads a CSV
# (no quoted fields) with -v X=, Y=, G= column numbers, keeps the rows with
# all three present, and prints one bar per row as bars.awk does: the
# categories in order of first appearance, within each the groups in
# order of first appearance (group 1, 2, ...), the value over the largest
# absolute value.
BEGIN { FS = "," }
NR > 1 && $X != "" && $Y != "" && $G != "" {
  if (!($X in cat)) { cat[$X] = ++nc }
  if (!($G in grp)) { grp[$G] = ++ng }
  n++; key[n] = cat[$X] * 100 + grp[$G]; gg[n] = grp[$G]; v[n] = $Y + 0
  if ((v[n] < 0 ? -v[n] : v[n]) > vmax) vmax = v[n] < 0 ? -v[n] : v[n]
}
END {
  for (i = 2; i <= n; i++) {
    a = key[i]; p = gg[i]; q = v[i]
    for (j = i - 1; j >= 1 && key[j] > a; j--) { key[j + 1] = key[j]; gg[j + 1] = gg[j]; v[j + 1] = v[j] }
    key[j + 1] = a; gg[j + 1] = p; v[j + 1] = q
  }
  for (i = 1; i <= n; i++) printf "bar %d: group %d, %.3f\n", i, gg[i], v[i] / vmax
}
