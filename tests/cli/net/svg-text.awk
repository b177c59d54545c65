# tests/cli/net/svg-text.awk — collects the text of an SVG as cairo writes
# it: the glyph outlines of <defs> (each <symbol id="glyphF-G"> a path whose
# extent is the glyph's ink, relative to its origin) and each run of text
# (a <g style="fill:..."> of <use> glyphs, one cairo_show_text). For run t
# it fills tx0[t], ty0[t], tx1[t], ty1[t] (the ink's box on the canvas),
# tfill[t] (the fill, "rgb(...)") and tglyphs[t]; nt is the count.
# Needs svg-coords.awk first; a check's END block comes after this file:
#   awk -f svg-coords.awk -f svg-text.awk -f CHECK.awk FILE.svg
/<symbol / {
  match($0, /id="[^"]*"/); sym = substr($0, RSTART + 4, RLENGTH - 5); insym = 1; next
}
insym && /<path/ {
  if (match($0, / d="[^"]*"/)) {
    k = coords(substr($0, RSTART + 4, RLENGTH - 5), c)
    if (k > 0) {
      gx0[sym] = 1e9; gx1[sym] = -1e9; gy0[sym] = 1e9; gy1[sym] = -1e9
      for (i = 1; i < k; i += 2) {
        if (c[i] < gx0[sym]) gx0[sym] = c[i]; if (c[i] > gx1[sym]) gx1[sym] = c[i]
        if (c[i + 1] < gy0[sym]) gy0[sym] = c[i + 1]; if (c[i + 1] > gy1[sym]) gy1[sym] = c[i + 1]
      }
      ink[sym] = 1
    }
  }
}
/<\/symbol>/ { insym = 0 }
/^<g style="fill:/ {
  inrun = 1; nt++; tglyphs[nt] = 0
  tx0[nt] = 1e9; tx1[nt] = -1e9; ty0[nt] = 1e9; ty1[nt] = -1e9
  match($0, /fill:[^;]*/); tfill[nt] = substr($0, RSTART + 5, RLENGTH - 5)
}
inrun && /<use/ {
  match($0, /href="#[^"]*"/); id = substr($0, RSTART + 7, RLENGTH - 8)
  match($0, / x="[^"]*"/); ux = substr($0, RSTART + 4, RLENGTH - 5) + 0
  match($0, / y="[^"]*"/); uy = substr($0, RSTART + 4, RLENGTH - 5) + 0
  tglyphs[nt]++
  if (ink[id]) {
    if (ux + gx0[id] < tx0[nt]) tx0[nt] = ux + gx0[id]; if (ux + gx1[id] > tx1[nt]) tx1[nt] = ux + gx1[id]
    if (uy + gy0[id] < ty0[nt]) ty0[nt] = uy + gy0[id]; if (uy + gy1[id] > ty1[nt]) ty1[nt] = uy + gy1[id]
  }
}
inrun && /^<\/g>/ { inrun = 0 }
