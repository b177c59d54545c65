#!/bin/sh
# tests/cli/demo/report-checks.sh DIR — what a reader of the demo's report
# (DIR/report.md, DIR/report.html, DIR/figure1.svg) expects of a paper
# (issue 13, "the demo report"); prints one line per check, for the golden
# output of tests/cli/demo/report.case.
set -u
d=$1
md=$d/report.md html=$d/report.html
# the block of table K in report.md: from its caption to its command
table() { awk -v k="$1" 'index($0, "**Table " k ".**") == 1 { f = 1; next } f && /^`/ { exit } f' "$md"; }
# the cells of a Markdown table row, trimmed, separated by "|"
cells() { sed 's/^| *//; s/ *|$//; s/ *| */|/g'; }

echo "== one title per table, numbered by the report"
grep '^\*\*Table [0-9]*\.\*\*' "$md"
echo "md: 'Table:' captions $(grep -c '^Table: ' "$md"), headings naming a table $(grep -c '^#.*Table [0-9]' "$md")"
echo "html: table captions above the table $(grep -c '^<figcaption><b>Table [0-9]*\.</b>' "$html")," \
  "<caption> in tables $(grep -c '<caption>' "$html"), headings naming a table $(grep -c '<h[1-6]>[^<]*Table [0-9]' "$html")"

echo "== labels everywhere"
rows=$(for k in 1 2 3 4 5; do table $k; done | grep '^| [^ ]' | cells | cut -d'|' -f1)
echo "rows named by a variable, not a label: $(echo "$rows" | grep -cE '^(L[0-9]*\.[a-z]|_cons|[a-z][a-z0-9_]*( FE)?$|[a-z][a-z0-9_]*::)')"
echo "rows of the lagged Coinno (its label carried to L.coinno): $(echo "$rows" | grep -c '^Coinno = ln(1 + WDC), lagged$')"
echo "constant rows: $(echo "$rows" | grep -c '^Constant$')"
for k in 1 2 3 4 5; do
  echo "Table $k: $(table $k | grep -E '^\| (Clusters|[A-Z][a-z]* FE) ' | cells | tr '\n' ';')"
done
table 3 | grep '^Standard errors'

echo "== Table 2: one row for the key regressors, the Tobit's FE and sigma"
first=$(table 2 | grep '^| [A-Z]' | grep -v '^| *|' | sed -n 1p | cells)
n=$(echo "$first" | cut -d'|' -f2- | tr '|' '\n' | grep -c '[0-9]')
echo "first coefficient row: $(echo "$first" | cut -d'|' -f1), estimates in $n of 3 columns"
echo "rows of partners: $(echo "$rows" | grep -ci 'partners')"
echo "dummy rows (year::, ind2::, province::) or lnsigma: $(table 2 | grep -cE 'year::|ind2::|province::|lnsigma')"
echo "auxiliary panel: $(table 2 | grep -E '^\| (Auxiliary parameters|σ) ' | cells | cut -d'|' -f1 | tr '\n' ';')"

echo "== paragraphs: code spans, and what they say"
echo "html paragraphs with a literal backtick: $(grep '^<p>' "$html" | grep -c '`')"
echo "html paragraphs with <code>coinnet gen paper</code>: $(grep '^<p>' "$html" | grep -c '<code>coinnet gen paper</code>')"
sed -n '/^Coinno enters with a one-year lag/,/^$/p' "$md"

echo "== the truth, inside the page"
awk '/<h2>Truth vs estimate<\/h2>/ { t = NR } /^<section id="sec-[0-9]*">$/ { s = $0 } t && !sec { sec = s }
  /^<table class="grid">$/ && t && !g { g = NR } /^<\/main>$/ { m = NR }
  END { where = (t && t < m) ? "inside" : "outside"; in_sec = sec; gsub(/^<section id="|">$/, "", in_sec); if (!sec) in_sec = "no section"
        grid = (g > t && g < m) ? "a grid (class grid)" : "missing"
        printf "truth heading %s <main>, in %s, its table %s\n", where, in_sec, grid }' "$html"
sed -n '/<table class="grid">/,/<\/thead>/p' "$html" | head -2 | tail -1 | cut -c1-60

echo "== Figure 1"
grep '^\*\*Figure 1\.\*\*' "$md"
awk -f "$(dirname "$0")/../net/svg-coords.awk" -f "$(dirname "$0")/../net/svg-markers.awk" "$d/figure1.svg"
