# tests/cli/plot/xy-data.awk — the data side of xy-marks.awk: reads a CSV
# (no quoted fields) with -v X=, Y=, G= column numbers and G1=, G2= the
# first two groups' values, keeps the rows with all three present, scales
# X and Y to 0..1 over the rows of these groups and prints them as
# xy-marks.awk does (by group, then x).
BEGIN { FS = "," }
NR > 1 && $X != "" && $Y != "" && ($G == G1 || $G == G2) {
  n++; gg[n] = $G == G1 ? 1 : 2; xx[n] = $X + 0; yy[n] = $Y + 0
}
END {
  ax = 1e9; bx = -1e9; ay = 1e9; by = -1e9
  for (i = 1; i <= n; i++) {
    if (xx[i] < ax) ax = xx[i]; if (xx[i] > bx) bx = xx[i]; if (yy[i] < ay) ay = yy[i]; if (yy[i] > by) by = yy[i]
  }
  for (i = 1; i <= n; i++) { u[i] = (xx[i] - ax) / (bx - ax); v[i] = (yy[i] - ay) / (by - ay); key[i] = gg[i] * 10 + u[i] }
  for (i = 2; i <= n; i++) {
    a = key[i]; p = u[i]; q = v[i]; r = gg[i]
    for (j = i - 1; j >= 1 && key[j] > a; j--) { key[j + 1] = key[j]; u[j + 1] = u[j]; v[j + 1] = v[j]; gg[j + 1] = gg[j] }
    key[j + 1] = a; u[j + 1] = p; v[j + 1] = q; gg[j + 1] = r
  }
  for (i = 1; i <= n; i++) printf "group %d: %.3f %.3f\n", gg[i], u[i], v[i]
}
