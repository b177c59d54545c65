#!/usr/bin/python3
"""Reference for `coinnet names match` (docs/names.md), written from the
documented rules: the expected outputs of tests/cli/names/match-*.case and
the numbers of tests/data/names/match-reference.txt, and the peer of
bench/names_match.sh.

Keys and places come from `coinnet names normalize` (its rules have their own
goldens): tests/data/names/match-keys.csv. Jaro-Winkler is jellyfish's
(python3-jellyfish 0.8.9); the TF-IDF cosine is computed here.

Two ways to find the pairs, with the same output: by default dictionaries
(a right name's key and place + key for the exact stage, gram -> right keys
for the fuzzy stage, pair lists by entity for the near ties) bring each
left entity the right entities that can be its candidates; --brute tries
every left x every right entity of a partition and scans every pair for
rivals, as the rules are written. Why the index skips no pair: in run() and
greedy().

usage: /usr/bin/python3 tests/data/gen/names_match_reference.py LEFT RIGHT KEYS \
           [--right-id COL] [--by COL] [--block COL] [--threshold T] [--margin M] [--brute]
       prints OUT then a line "--" then REVIEW
       /usr/bin/python3 tests/data/gen/names_match_reference.py --numbers  (match-reference.txt)
"""
import csv, math, sys
from collections import Counter, defaultdict
import jellyfish


def grams(key):
    cps = list(key)  # Python str: code points
    if len(cps) == 1:
        return Counter([(cps[0], None)])
    return Counter(zip(cps, cps[1:]))


def vectors(keys, right_keys):
    n = len(right_keys)
    df = Counter()
    for k in right_keys:
        df.update(set(grams(k)))
    out = {}
    for k in keys:
        w = {g: tf * (1 + math.log((1 + n) / (1 + df[g]))) for g, tf in grams(k).items()}
        nrm = math.sqrt(sum(v * v for v in w.values()))
        out[k] = {g: v / nrm for g, v in w.items()}
    return out


def cosine(a, b):
    return sum(v * b.get(g, 0.0) for g, v in a.items())


# The fixed place list of lib/names/names.c (han_places): a key that starts
# with one of them (but 中国 and the regions) has it as its leading place.
PLACES = """中国 北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北
湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 深圳 广州 武汉
成都 杭州 南京 西安 苏州 青岛 大连 宁波 厦门 沈阳 长沙 郑州 济南 哈尔滨 长春 昆明 合肥 福州 南昌 石家庄
太原 兰州 贵阳 南宁 海口 呼和浩特 乌鲁木齐 拉萨 银川 西宁 无锡 南通 佛山 东莞 珠海 唐山 株洲 徐州 常州
温州 烟台 洛阳 宝鸡 柳州 绵阳 攀枝花 保定 秦皇岛 包头 大同 鞍山 抚顺 吉首 芜湖 泉州 赣州 淄博 潍坊 襄阳
宜昌 衡阳 湘潭 汕头 桂林 遵义 天水""".split()
NOT_LEAD = {"中国"}


def lead(key):
    best = ""
    for p in PLACES:
        if p not in NOT_LEAD and key.startswith(p) and len(p) < len(key) and len(p) > len(best):
            best = p
    return best


def fuzzy_places(pa, ka, pb, kb):
    a, b = pa or lead(ka), pb or lead(kb)
    return a == b or a == "" or b == ""


def place_score(a, b):
    if a == b:
        return 2
    return 1 if a == "" or b == "" else 0


def greedy(pairs, margin, lfree, rfree, matched, ties, rule, brute):
    """pairs: dict (lu, ru) -> (s1, s2, score, jw, rname, hist).

    A rival of pair (l, r) shares l or r, so it is among the pairs of l and
    the pairs of r: without --brute only those are looked at, in the order
    of the pass (ascending positions), which is the order the full scan of
    --brute finds them in. Rivals are candidate pairs only (at or above the
    threshold, or exact): the rules compare a pair with no pair below it."""
    order = sorted(pairs.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0][0], kv[0][1]))
    at_l, at_r = defaultdict(list), defaultdict(list)  # entity -> positions of its pairs, ascending
    for i, ((l, r), _) in enumerate(order):
        at_l[l].append(i)
        at_r[r].append(i)
    for (l, r), a in order:
        if not (lfree(l) and rfree(r)):
            continue
        near = order if brute else [order[i] for i in sorted(set(at_l[l]) | set(at_r[r]))]
        rivals = []
        for (l2, r2), b in near:
            if (l2, r2) == (l, r):
                continue
            if l2 == l and r2 != r and rfree(r2) or r2 == r and l2 != l and lfree(l2):
                if b[0] > a[0] - margin and b[1] > a[1] - margin:
                    rivals.append(((l2, r2), b))
        if not rivals:
            matched[l] = (r, a, rule)
            matched_r.add(r)
            continue
        ties.append([((l, r), a, rule)] + [(k, b, rule) for k, b in rivals])
        for (l2, r2), _, _ in ties[-1]:
            tied_l.add(l2)
            tied_r.add(r2)


matched_r, tied_l, tied_r = set(), set(), set()


def run(left, right, keys, rid, by, block, threshold, margin, brute=False):
    L = list(csv.DictReader(open(left, encoding="utf-8")))
    R = list(csv.DictReader(open(right, encoding="utf-8")))
    K = {row["name"]: (row["key"], row["place"]) for row in csv.DictReader(open(keys, encoding="utf-8"))}
    part = lambda row: (row[by] if by else "", row[block] if block else "")
    # units
    lunit = []  # per left record: (part, key, place)
    for row in L:
        k, p = K[row["name"]]
        lunit.append((part(row), k, p))
    runit = []
    for row in R:
        k, p = K[row["name"]]
        runit.append((part(row), row[rid] if rid else (k, p)))
    names_of_id = defaultdict(list)
    own = set()
    for row, u in zip(R, runit):
        if rid and row["name"] not in names_of_id[row[rid]]:
            names_of_id[row[rid]].append(row["name"])
        own.add((u, row["name"]))
    entries = defaultdict(list)  # unit -> [(name, in_group)]
    for row, u in zip(R, runit):
        if entries[u] and not rid:
            if row["name"] not in [n for n, _ in entries[u]]:
                entries[u].append((row["name"], True))
            continue
        if entries[u]:
            continue
        if rid:
            entries[u] = [(n, (u, n) in own) for n in names_of_id[row[rid]]]
        else:
            entries[u] = [(row["name"], True)]
    right_keys = sorted({K[row["name"]][0] for row in R})
    V = vectors({K[n][0] for n in K}, right_keys)
    matched, ties = {}, []
    lus = list(dict.fromkeys(lunit))  # distinct units in the order of their first record
    rus = list(dict.fromkeys(runit))
    lfree = lambda l: l not in matched and l not in tied_l
    rfree = lambda r: r not in matched_r and r not in tied_r
    pls, prs = defaultdict(list), defaultdict(list)  # partition -> its units, in that order
    for u in lus:
        pls[u[0]].append(u)
    for u in rus:
        prs[u[0]].append(u)
    # Without --brute, each left unit l is tried against a subset of pr, in
    # pr's order, with the same loop over the right unit's names (history
    # names of a --right-id included) as --brute: a skipped right unit is
    # one that loop would add no pair for. For the exact stage the loop
    # needs, for some name n of r, key(n) == key(l), key(n) == place(l) +
    # key(l) or place(n) + key(n) == key(l): one of the strings {key(n),
    # place(n) + key(n)} equals one of {key(l), place(l) + key(l)}, which is
    # what by_str looks up. For the fuzzy stage it needs cosine(l, n) >=
    # threshold - 1e-12. The cosine sums v * V[k].get(g, 0.0) over the grams
    # g of l's key (one-character keys have the gram (c, None), found the
    # same way), every weight positive: a name whose key shares no gram with
    # l's has cosine 0.0, below any threshold above 1e-12 (for a smaller
    # one, or NaN, every right unit is tried). For the keys that share one,
    # dot sums the same nonzero products in the same order as cosine()
    # (which also adds zeros); however sum() rounds (Python 3.12 compensates),
    # the two differ by far less than 1e-9 (the products of two unit
    # vectors sum to at most 1), so a key whose dot is below the bar minus
    # 1e-9 cannot reach the bar. The kept ones are scored by cosine()
    # itself. Rivals for the near ties are candidate pairs (greedy()), so
    # nothing below the threshold is needed.
    tried = lambda rs, rpos: sorted(rs, key=rpos.__getitem__)
    for p, pl in pls.items():  # partitions in the order of their first left unit
        pr = prs.get(p, [])
        rpos = {r: i for i, r in enumerate(pr)}
        by_str, post, units_of = defaultdict(set), defaultdict(list), {}
        for r in pr:
            for n, _ in entries[r]:
                k, pc = K[n]
                by_str[k].add(r)
                by_str[pc + k].add(r)
                if k not in units_of:
                    units_of[k] = set()
                    for g, w in V[k].items():
                        post[g].append((k, w))
                units_of[k].add(r)
        exact, cand = {}, set()
        for l in pl:
            rs = pr if brute else tried(by_str.get(l[1], set()) | by_str.get(l[2] + l[1], set()), rpos)
            for r in rs:
                for n, ing in entries[r]:
                    k, pc = K[n]
                    # equal keys with places that agree, or a bracketed place read
                    # as the key's prefix against a name without a place
                    if k == l[1] and place_score(l[2], pc) > 0:
                        ps = place_score(l[2], pc)
                    elif (l[2] and " " not in l[2] and pc == "" and l[2] + l[1] == k) or \
                            (pc and " " not in pc and l[2] == "" and pc + k == l[1]):
                        ps = 1
                    else:
                        continue
                    cand.add(l)
                    s = (2 * ps + ing, 0, 1.0, 1.0, n, not ing)
                    if (l, r) not in exact or s[:2] > exact[(l, r)][:2]:
                        exact[(l, r)] = s
        greedy(exact, 0.5, lfree, rfree, matched, ties, "exact", brute)
        fuzzy = {}
        for l in pl:
            if not lfree(l) or l in cand:
                continue
            if brute or not threshold > 1e-12:
                rs = pr
            else:
                dot = defaultdict(float)
                for g, v in V[l[1]].items():
                    for k, w in post.get(g, ()):
                        dot[k] += v * w
                bar = threshold - 1e-12 - 1e-9
                rs = tried({r for k, c in dot.items() if c >= bar for r in units_of[k]}, rpos)
            for r in rs:
                if not rfree(r):
                    continue
                for n, ing in entries[r]:
                    k, pc = K[n]
                    if not fuzzy_places(l[2], l[1], pc, k):
                        continue
                    c = cosine(V[l[1]], V[k])
                    if c < threshold - 1e-12:
                        continue
                    j = jellyfish.jaro_winkler_similarity(l[1], k)
                    s = (min(c, 1.0), j, min(c, 1.0), j, n, not ing)
                    if (l, r) not in fuzzy or s[:2] > fuzzy[(l, r)][:2]:
                        fuzzy[(l, r)] = s
        greedy(fuzzy, margin, lfree, rfree, matched, ties, "fuzzy", brute)
    return L, lunit, matched, ties


def fmt(x):
    return repr(float(x)) if x != 1 else "1"


def main(argv):
    if argv[1:2] == ["--numbers"]:
        numbers()
        return
    args, opts = [], {"--right-id": None, "--by": None, "--block": None, "--threshold": "0.75", "--margin": "0.05"}
    brute = False
    i = 1
    while i < len(argv):
        if argv[i] == "--brute":
            brute = True
            i += 1
        elif argv[i] in opts:
            opts[argv[i]] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    left, right, keys = args
    rid, by, block = opts["--right-id"], opts["--by"], opts["--block"]
    L, lunit, matched, ties = run(left, right, keys, rid, by, block, float(opts["--threshold"]), float(opts["--margin"]),
                                  brute)
    w = csv.writer(sys.stdout, lineterminator="\n")
    head = ["left_name"] + ([by] if by else []) + ([block] if block else []) + (["right_id"] if rid else [])
    head += ["right_name", "score", "rule"] + (["history"] if rid else [])
    w.writerow(head)
    for row, u in zip(L, lunit):
        out = [row["name"]] + ([row[by]] if by else []) + ([row[block]] if block else [])
        if u in matched:
            r, a, rule = matched[u]
            out += ([r[1]] if rid else []) + [a[4], fmt(a[2]), rule] + ([str(int(a[5]))] if rid else [])
        else:
            out += ([""] if rid else []) + ["", "", "none"] + ([""] if rid else [])
        w.writerow(out)
    print("--")
    head = ["tie"] + ([by] if by else []) + ([block] if block else []) + ["left_name"] + (["right_id"] if rid else [])
    w.writerow(head + ["right_name", "score", "jw", "rule"])
    first = {}
    for row, u in zip(L, lunit):
        first.setdefault(u, row)
    for t, rows in enumerate(ties):
        for (l, r), a, rule in rows:
            row = first[l]
            out = [str(t + 1)] + ([row[by]] if by else []) + ([row[block]] if block else []) + [row["name"]]
            out += ([r[1]] if rid else []) + [a[4], fmt(a[2]), fmt(a[3]), rule]
            w.writerow(out)


# Pairs for the unit test (tests/unit/test_names.c): Jaro-Winkler from jellyfish.
JW_PAIRS = [
    ("MARTHA", "MARHTA"), ("DIXON", "DICKSONX"), ("JELLYFISH", "SMELLYFISH"), ("中国中车", "中国中铁"),
    ("苏州华信机械", "华信机械"), ("中铁十一局集团第五工程", "中铁十一局集团第二工程"), ("交控科技", "交控轨道科技"),
    ("成都西点自动化设备", "成都西典自动化设备"), ("A", "B"), ("AB", "BA"), ("鸿海精密工业", "鸿海精密"),
]


# Keys for the cosine unit test: left i's best right name is right i.
COS_RIGHT = ["苏州华信机械", "无锡华新电子", "杭州宏达纺织", "交控轨道科技", "重庆华信机械", "A"]
COS_LEFT = ["华信机械", "无锡华兴电子", "杭州宏达纺织品", "交控科技"]


def numbers():
    print("# made by tests/data/gen/names_match_reference.py --numbers")
    for k, (a, b) in enumerate(JW_PAIRS):
        print("jw%d %.17g" % (k + 1, jellyfish.jaro_winkler_similarity(a, b)))
    V = vectors(set(COS_LEFT) | set(COS_RIGHT), sorted(set(COS_RIGHT)))
    for i, l in enumerate(COS_LEFT):
        cs = [cosine(V[l], V[r]) for r in COS_RIGHT]
        assert max(range(len(cs)), key=lambda j: cs[j]) == i, (l, cs)
        print("cos%d %.17g %.17g" % (i + 1, cs[i], jellyfish.jaro_winkler_similarity(l, COS_RIGHT[i])))


if __name__ == "__main__":
    main(sys.argv)
