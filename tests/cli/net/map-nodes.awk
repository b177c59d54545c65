# tests/cli/net/map-nodes.awk — reads a network map (cn_plot_network's SVG
# as cairo writes it) and prints, per panel (the grey frames, stroke
# rgb(60%,60%,60%), left to right), the node circles inside it: core (fill
# rgb(72%,13%,13%)) and periphery (rgb(55%,66%,82%)), and how many nodes
# lie wholly inside their panel. The legend's two markers are below every
# panel and are not counted.
# Needs svg-coords.awk first: awk -f svg-coords.awk -f this.awk FILE.svg
/<path/ {
  if (!path_box($0)) next
  if ($0 ~ /stroke:rgb\(60%,60%,60%\)/) { np++; px0[np] = x0; px1[np] = x1; py0[np] = y0; py1[np] = y1 }
  else if ($0 ~ /fill:rgb\(72%,13%,13%\)/) { nn++; core[nn] = 1; nx0[nn] = x0; nx1[nn] = x1; ny0[nn] = y0; ny1[nn] = y1 }
  else if ($0 ~ /fill:rgb\(55%,66%,82%\)/) { nn++; core[nn] = 0; nx0[nn] = x0; nx1[nn] = x1; ny0[nn] = y0; ny1[nn] = y1 }
}
END {
  for (p = 1; p <= np; p++) {
    nc = 0; npe = 0; inside = 0
    for (q = 1; q <= nn; q++) {
      cx = (nx0[q] + nx1[q]) / 2; cy = (ny0[q] + ny1[q]) / 2
      if (cx < px0[p] || cx > px1[p] || cy < py0[p] || cy > py1[p]) continue
      if (core[q]) nc++; else npe++
      if (nx0[q] > px0[p] && nx1[q] < px1[p] && ny0[q] > py0[p] && ny1[q] < py1[p]) inside++
    }
    printf "panel %d: %d core, %d periphery, %d wholly inside\n", p, nc, npe, inside
  }
}
