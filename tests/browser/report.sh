#!/bin/sh
# tests/browser/report.sh — opens a study report in headless Chromium and
# checks what a reader would see:
#  - the page loads; every table and every figure is in the DOM (the
#    numbers expected are given), each with its caption; nothing is logged
#    on the console; the page has no script and loads nothing from outside;
#  - the layout (a copy of the page with a probe script added, at 1280 px):
#    every section is inside <main>; no element's box reaches past the main
#    column, and the page has no horizontal scroll; every table cell of the
#    page has padding, so that columns do not run together;
#  - the glyphs: every CJK string of the text is rendered at the width it
#    has in "WenQuanYi Micro Hei" (the font scripts/deps installs), and that
#    width is 1 em per character, as a real CJK glyph's; an empty .notdef
#    box has another width. Inline figures use no .notdef glyph (cairo's
#    glyph 0 of a font subset);
#  - a screenshot of each section (the page with only that section shown),
#    a PNG of 1280 px by the section's height; kept in SHOTDIR when given.
# Prints one line per check; exits 1 on the first failure.
#
#   sh tests/browser/report.sh REPORT.html N_TABLES N_FIGURES [SHOTDIR]
#
# Chromium comes from Debian (`scripts/deps browser`, which `make test`
# runs). When it is missing the test FAILS: it never passes silently.
set -u
html=$1 want_tables=$2 want_figures=$3 shots=${4:-}
fail() { echo "FAIL: $*"; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed; 'scripts/deps browser' installs it (apt-get install chromium)"
fc-list 2>/dev/null | grep -q 'WenQuanYi Micro Hei' ||
  fail "the font WenQuanYi Micro Hei is not installed; 'scripts/deps' installs it (fonts-wqy-microhei)"
[ -f "$html" ] || fail "no report at $html"
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
work=$(mktemp -d "${TMPDIR:-/tmp}/coinnet-browser-XXXXXX") || fail "mktemp"
trap 'rm -rf "$work"' EXIT
[ -n "$shots" ] || shots=$work/shots
mkdir -p "$shots" || fail "cannot make $shots"
# chromium URL OUT [extra options]: runs headless Chromium on URL, its log
# in OUT.log
chromium() {
  url=$1 out=$2
  shift 2
  HOME=$work timeout 90 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --hide-scrollbars \
    --force-device-scale-factor=1 "$@" "$url" >"$out" 2>"$out.log"
  rc=$?
  [ $rc -eq 0 ] || { tail -5 "$out.log"; fail "chromium exited with $rc on $url"; }
}
chromium "file://$abs" "$work/dom.html" --dump-dom
grep -q '</html>' "$work/dom.html" || fail "chromium gave no page"
# each table: <figure class="regtable" id="table-K">, its caption, its <table>
tables=$(grep -c '<figure class="regtable" id="table-[0-9]*">' "$work/dom.html")
with_table=$(awk '/<figure class="regtable" id="table-[0-9]*">/ { f = 1; c = 0; next }
  f && /^<figcaption><b>Table [0-9]*\.<\/b>/ { c = 1; next }
  f && /^<table/ { if (c) n++; f = 0 } END { print n + 0 }' "$work/dom.html")
echo "tables in the page: $tables, each with its caption and <table>: $with_table (want $want_tables)"
[ "$tables" -eq "$want_tables" ] && [ "$with_table" -eq "$want_tables" ] || fail "tables missing"
# each figure: <figure class="figure" id="figure-K">, its inline <svg>, its caption
figures=$(grep -c '<figure class="figure" id="figure-[0-9]*">' "$work/dom.html")
with_svg=$(awk '/<figure class="figure" id="figure-[0-9]*">/ { f = 1; s = 0; next }
  f && /^<svg/ { s = 1 } f && /^<figcaption><b>Figure [0-9]*\.<\/b>/ { if (s) n++; f = 0 }
  END { print n + 0 }' "$work/dom.html")
echo "figures in the page: $figures, each with its <svg> and caption: $with_svg (want $want_figures)"
[ "$figures" -eq "$want_figures" ] && [ "$with_svg" -eq "$want_figures" ] || fail "figures missing"
console=$(grep -c ':CONSOLE' "$work/dom.html.log")
echo "console messages: $console"
[ "$console" -eq 0 ] || { grep ':CONSOLE' "$work/dom.html.log" | head -5; fail "the page logged on the console"; }
outside=$(grep -ciE '<script|<link|<iframe|<img|<object|<embed| src=|url\(http|@import' "$work/dom.html")
echo "scripts and outside resources: $outside"
[ "$outside" -eq 0 ] || fail "the page is not self-contained"
notdef=$(grep -c 'href="#f[0-9]*-glyph[0-9]*-0"' "$work/dom.html")
echo "figure glyphs that are empty boxes (.notdef): $notdef"
[ "$notdef" -eq 0 ] || fail "a figure draws a character its font does not have"

# The probe: measures the laid-out page and writes its findings into a
# <pre id="cn-probe"> that --dump-dom then shows.
cat >"$work/probe.js" <<'EOF'
window.addEventListener('load', function () {
  var out = [], main = document.querySelector('main');
  function name(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (el.className && typeof el.className === 'string') s += '.' + el.className.split(' ')[0];
    var t = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return s + (t ? ' "' + t + '"' : '');
  }
  var stray = [];
  for (var c = document.body.firstElementChild; c; c = c.nextElementSibling)
    if (c !== main && c.tagName !== 'SCRIPT') stray.push(name(c));
  out.push('content outside main: ' + stray.length);
  stray.slice(0, 3).forEach(function (s) { out.push('  ' + s); });
  var ms = getComputedStyle(main), mr = main.getBoundingClientRect();
  var left = mr.left + parseFloat(ms.paddingLeft), right = mr.right - parseFloat(ms.paddingRight);
  var over = [], all = main.querySelectorAll('*');
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    if (el.tagName.toLowerCase() !== 'svg' && el.closest('svg')) continue;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < left - 1 || r.right > right + 1)
      over.push(name(el) + ' at ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  out.push('main column: ' + Math.round(left) + '..' + Math.round(right) + ' px');
  out.push('elements past the main column: ' + over.length);
  over.slice(0, 5).forEach(function (s) { out.push('  ' + s); });
  var de = document.documentElement;
  out.push('horizontal scroll: ' + (de.scrollWidth > de.clientWidth ? 'yes' : 'no'));
  var cells = document.querySelectorAll('td, th'), tight = [];
  for (i = 0; i < cells.length; i++) {
    var cs = getComputedStyle(cells[i]);
    if (parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) < 8) tight.push(name(cells[i]));
  }
  out.push('table cells: ' + cells.length + ', without padding between columns: ' + tight.length);
  tight.slice(0, 3).forEach(function (s) { out.push('  ' + s); });
  var re = /[\u3400-\u9fff\uf900-\ufaff]+/g, cv = document.createElement('canvas').getContext('2d');
  var walk = document.createTreeWalker(main, NodeFilter.SHOW_TEXT), n = 0, bad = [];
  while (walk.nextNode()) {
    var t = walk.currentNode, m;
    if (t.parentElement.closest('svg, style')) continue;
    re.lastIndex = 0;
    while ((m = re.exec(t.data))) {
      var rg = document.createRange();
      rg.setStart(t, m.index);
      rg.setEnd(t, m.index + m[0].length);
      var rects = rg.getClientRects();
      if (rects.length !== 1) continue; /* broken over two lines */
      var st = getComputedStyle(t.parentElement), size = parseFloat(st.fontSize);
      cv.font = st.fontStyle + ' ' + st.fontWeight + ' ' + st.fontSize + ' "WenQuanYi Micro Hei"';
      var w = rects[0].width, ref = cv.measureText(m[0]).width, em = size * m[0].length;
      n++;
      if (Math.abs(w - ref) > 0.5 || Math.abs(ref - em) > 0.05 * em)
        bad.push('"' + m[0] + '" in ' + name(t.parentElement) + ': ' + w.toFixed(1) + ' px, in WenQuanYi Micro Hei ' +
                 ref.toFixed(1) + ' px, ' + m[0].length + ' em = ' + em.toFixed(1) + ' px');
    }
  }
  out.push('CJK strings: ' + n + ', rendered at the width of WenQuanYi Micro Hei (1 em a character): ' +
           (n - bad.length));
  bad.slice(0, 3).forEach(function (s) { out.push('  ' + s); });
  var secs = main.querySelectorAll('main > section');
  for (i = 0; i < secs.length; i++)
    out.push('section ' + secs[i].id + ' ' + Math.ceil(secs[i].getBoundingClientRect().height));
  var pre = document.createElement('pre');
  pre.id = 'cn-probe';
  pre.textContent = '\n' + out.join('\n') + '\n';
  document.body.appendChild(pre);
});
EOF
dir=$(dirname "$abs")
# the copies sit beside the report, so that its relative links still work
probe=$dir/.cn-probe-$$.html
trap 'rm -rf "$work" "$dir"/.cn-probe-$$*.html' EXIT
{ sed -e '/^<\/html>$/d' -e 's#</body>#<script>#' "$abs"; cat "$work/probe.js"
  printf '</script>\n</body>\n</html>\n'; } >"$probe"
chromium "file://$probe" "$work/probe.html" --dump-dom --window-size=1280,900
sed -n '/<pre id="cn-probe">/,/<\/pre>/p' "$work/probe.html" | sed '1d;$d' >"$work/probe.txt"
[ -s "$work/probe.txt" ] || { tail -5 "$work/probe.html.log"; fail "the probe script gave nothing"; }
value() { sed -n "s/^$1: //p" "$work/probe.txt"; }
# show KEY: the probe's line KEY and the lines of detail under it
show() { awk -v k="$1" 'index($0, k) == 1 { p = 1; print; next } p && /^  / { print; next } { p = 0 }' "$work/probe.txt"; }
show "content outside main"
[ "$(value 'content outside main')" = 0 ] || fail "part of the report is outside the page's main column"
grep '^main column' "$work/probe.txt"
show "elements past the main column"
[ "$(value 'elements past the main column')" = 0 ] || fail "an element overflows the main column"
show "horizontal scroll"
[ "$(value 'horizontal scroll')" = no ] || fail "the page scrolls sideways"
show "table cells"
cells=$(value 'table cells')
[ "${cells##*: }" = 0 ] || fail "table columns run together"
show "CJK strings"
cjk=$(value 'CJK strings')
[ "${cjk%%,*}" = "${cjk##*: }" ] || fail "CJK text is not rendered in a CJK font (empty glyph boxes)"
# one screenshot per section
n=0
for sec in $(sed -n 's/^section \([^ ]*\) [0-9]*$/\1/p' "$work/probe.txt"); do
  h=$(sed -n "s/^section $sec \([0-9]*\)$/\1/p" "$work/probe.txt")
  h=$((h + 120))
  one=$dir/.cn-probe-$$-$sec.html
  sed "s#</head>#<style>main>section:not(\#$sec){display:none}</style></head>#" "$abs" >"$one"
  chromium "file://$one" "$work/shot.out" --screenshot="$shots/$sec.png" --window-size=1280,$h
  [ -f "$shots/$sec.png" ] || fail "no screenshot of section $sec"
  # PNG signature, then IHDR: width and height as 4-byte big-endian numbers
  sig=$(head -c 8 "$shots/$sec.png" | od -An -tx1 | tr -d ' \n')
  wh=$(dd if="$shots/$sec.png" bs=1 skip=16 count=8 2>/dev/null | od -An -tu1 |
    awk '{ printf "%d %d", $1 * 16777216 + $2 * 65536 + $3 * 256 + $4, $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')
  [ "$sig" = 89504e470d0a1a0a ] && [ "$wh" = "1280 $h" ] || fail "the screenshot of $sec is not a 1280 x $h PNG ($sig, $wh)"
  n=$((n + 1))
done
echo "sections: $n, each in a 1280 px screenshot"
[ "$n" -gt 0 ] || fail "the page has no section"
echo "ok"
