#!/bin/sh
# bench/names_match.sh — `coinnet names match` of NM_N (10^6) generated
# applicant spellings against NM_N survey records, one to one by year (16
# years), whole process, median of RUNS (3), peak memory. The names: city +
# three brand characters + an industry word + a legal form (a fixed linear
# congruential stream in awk, its high bits); the survey spells half of
# them alike, 20% with another legal form, 20% with the city in brackets
# after the brand and 10% with a brand character changed. Then the peer on
# the first NM_PY_N (10^5, at most NM_N) of each side: the independent
# Python implementation of the rules, tests/data/gen/names_match_reference.py
# (its inverted index, the same output as its brute force --brute; needs
# python3-jellyfish, skipped without it), given the keys of `names
# normalize` (not timed), against `coinnet names match` on the same records
# (whole process, its default threads), one run each: both times, the
# ratio coinnet / Python, and the outputs compared row by row (every field,
# the score to 1e-12 relative) and the near ties of the review files (their
# rows, in any order within a tie).
# Target (issue 17): under 5 minutes on 2 cores and under 8 GB.
set -e
B=${BUILD:-build}
OUT=bench/out
N=${NM_N:-1000000}
RUNS=${RUNS:-3}
mkdir -p "$OUT/nm"
L=$OUT/nm/left-$N.csv R=$OUT/nm/right-$N.csv
if [ ! -f "$L" ] || [ ! -f "$R" ]; then
  awk -v N="$N" -v L="$L" -v R="$R" 'BEGIN {
    split("北京 上海 天津 重庆 广州 深圳 成都 武汉 南京 杭州 西安 郑州 长沙 济南 青岛 大连 沈阳 哈尔滨 长春 石家庄 太原 合肥 南昌 福州 厦门 昆明 贵阳 南宁 海口 兰州", city, " ")
    n = split("鑫 宏 华 信 天 盛 隆 汇 恒 达 瑞 丰 嘉 禾 金 源 泰 和 永 安 新 亚 东 方 正 大 荣 昌 康 宁 富 利 通 宝 德 润 海 川 中 兴 远 航 博 源 晨 光 星 辰 明 辉 佳 美 安 泰 百 川 弘 毅 腾 飞 锦 程 启 航 盛 世 鼎 力 凯 旋", ch, " ")
    split("机械 电气 化工 纺织 电子 材料 设备 科技 制药 汽车 钢铁 建材 食品 塑料 光电 能源 环保 通信 仪器 装备", ind, " ")
    split("有限公司 有限责任公司 股份有限公司 集团有限公司", form, " ")
    x = 7
    print "year,name" > L; print "id,year,name" > R
    for (i = 1; i <= N; i++) {
      x = (x * 69069 + 1) % 4294967296; c = city[1 + int(x / 65536) % 30]
      x = (x * 69069 + 1) % 4294967296; b1 = ch[1 + int(x / 65536) % n]
      x = (x * 69069 + 1) % 4294967296; b2 = ch[1 + int(x / 65536) % n]
      x = (x * 69069 + 1) % 4294967296; b3 = ch[1 + int(x / 65536) % n]
      x = (x * 69069 + 1) % 4294967296; w = ind[1 + int(x / 65536) % 20]
      x = (x * 69069 + 1) % 4294967296; f = 1 + int(x / 65536) % 4
      x = (x * 69069 + 1) % 4294967296; y = 2000 + int(x / 65536) % 16
      name = c b1 b2 b3 w
      print y "," name form[f] > L
      x = (x * 69069 + 1) % 4294967296; v = int(x / 65536) % 10
      x = (x * 69069 + 1) % 4294967296; t = ch[1 + int(x / 65536) % n]
      rn = v < 5 ? name form[f] : v < 7 ? name form[1 + (f % 4)] : v < 9 ? b1 b2 b3 w "(" c ")" form[f] : c b1 t b3 w form[f]
      print i "," y "," rn > R
    }
  }'
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: > "$OUT/nm/times"
for i in $(seq "$RUNS"); do
  /usr/bin/time -o "$OUT/nm/t" -f "%e %M" "$B/coinnet" names match "$L" "$R" --left-name name --right-name name \
    --right-id id --by year -o "$OUT/nm/m.csv" 2>"$OUT/nm/err"
  t=$(tail -1 "$OUT/nm/t")
  echo "${t% *}" >> "$OUT/nm/times"
done
grep 'matched (_merge==3)' "$OUT/nm/err" || true
echo "names match $N x $N by year: median $(median < "$OUT/nm/times") s of $(tr '\n' ' ' < "$OUT/nm/times"), peak ${t#* } KB"
PN=${NM_PY_N:-100000}
[ "$PN" -le "$N" ] || PN=$N
if /usr/bin/python3 -c 'import jellyfish' 2>/dev/null; then
  head -$((PN + 1)) "$L" > "$OUT/nm/pl.csv"
  head -$((PN + 1)) "$R" > "$OUT/nm/pr.csv"
  { echo name; tail -n +2 "$OUT/nm/pl.csv" | cut -d, -f2; tail -n +2 "$OUT/nm/pr.csv" | cut -d, -f3; } > "$OUT/nm/pn.csv"
  "$B/coinnet" names normalize "$OUT/nm/pn.csv" --col name -o "$OUT/nm/keys.csv" 2>/dev/null
  /usr/bin/time -o "$OUT/nm/t" -f "%e" /usr/bin/python3 -W ignore tests/data/gen/names_match_reference.py \
    "$OUT/nm/pl.csv" "$OUT/nm/pr.csv" "$OUT/nm/keys.csv" --right-id id --by year > "$OUT/nm/py.out"
  tp=$(tail -1 "$OUT/nm/t")
  /usr/bin/time -o "$OUT/nm/t" -f "%e" "$B/coinnet" names match "$OUT/nm/pl.csv" "$OUT/nm/pr.csv" --left-name name \
    --right-name name --right-id id --by year -o "$OUT/nm/pc.csv" --review "$OUT/nm/pc-rev.csv" 2>/dev/null
  tc=$(tail -1 "$OUT/nm/t")
  # the reference prints OUT, a line "--", then REVIEW; the generated names
  # hold no comma or quote, so a comma splits the fields of both
  sed '/^--$/,$d' "$OUT/nm/py.out" > "$OUT/nm/py.csv"
  sed '1,/^--$/d' "$OUT/nm/py.out" > "$OUT/nm/py-rev.csv"
  # Rows of file 1 and file 2 that agree, "s of n": every field equal but
  # those listed in $3 (",5," ...), numbers equal to 1e-12 relative; the
  # headers must agree. Output: one row per left record in LEFT's order on
  # both sides, the score in field 5; review: the rows after the header
  # sorted on both sides (the order within a near tie is not a rule), the
  # score and jw in fields 5 and 6.
  cmp_rows() { awk -F, -v sc="$3" 'NR == FNR { a[FNR] = $0; na = FNR; next }
    { nb = FNR; nx = split(a[FNR], x, ","); ok = split($0, y, ",") == nx
      for (i = 1; i <= nx && ok; i++)
        if (FNR > 1 && index(sc, "," i ",") && x[i] != "" && y[i] != "") {
          d = x[i] - y[i]; m = x[i] < 0 ? -x[i] : x[i]
          ok = (d < 0 ? -d : d) <= 1e-12 * (m > 1 ? m : 1)
        } else ok = x[i] == y[i]
      if (FNR == 1) head = ok; else if (ok) s++ }
    END { printf "%d of %d%s%s", s, nb - 1, na == nb ? "" : " (the row counts differ)",
      head ? "" : " (the headers differ)" }' "$1" "$2"; }
  sorted() { head -1 "$1"; tail -n +2 "$1" | LC_ALL=C sort; }
  same=$(cmp_rows "$OUT/nm/py.csv" "$OUT/nm/pc.csv" ",5,")
  sorted "$OUT/nm/py-rev.csv" > "$OUT/nm/py-rev.sorted"
  sorted "$OUT/nm/pc-rev.csv" > "$OUT/nm/pc-rev.sorted"
  rev=$(cmp_rows "$OUT/nm/py-rev.sorted" "$OUT/nm/pc-rev.sorted" ",5,6,")
  awk -v a="$tc" -v b="$tp" -v n="$PN" -v s="$same" -v r="$rev" \
    'BEGIN { printf "%d x %d: coinnet %.2f s, Python reference %.2f s, ratio %.4f; the same output row for %s records, the same review row for %s\n", n, n, a, b, a / b, s, r }'
else
  echo "python3-jellyfish not found: no Python reference in this run"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
