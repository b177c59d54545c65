#!/usr/bin/env python3
"""Reference search breadth and depth, counts and stocks for the toy panel
tests/data/net/search-toy.csv (3 firms, 2001-2006), written independently
of coinnet (plain dicts of sets, no shared code) from the definitions in
docs/networks.md: writes tests/data/net/search-toy-search.csv and
search-toy-org_year.csv for `net build --keep-types all --search-window 2
--stock 3 --ipc-level LEVEL` (LEVEL from argv[1], default subclass; the
files for other levels get a -LEVEL suffix). Names: the toy's firm names
only differ by the legal form 有限公司, which is cut; a name with 株式会社 is
foreign. Not run by the tests: python3 tests/data/gen/net_search_reference.py
"""
import csv
import sys

LEVEL = sys.argv[1] if len(sys.argv) > 1 else "subclass"
W, K = 2, 3
SRC = "tests/data/net/search-toy.csv"
SUF = "" if LEVEL == "subclass" else "-" + LEVEL


def code(c):
    c = c.strip()
    if LEVEL == "class":
        return c[:3]
    if LEVEL == "group":
        return c.split("/")[0].replace(" ", "")
    return c[:4]


rows = list(csv.DictReader(open(SRC, encoding="utf-8")))
orgs = []          # first-appearance order
apps = []          # (year, [orgs], set(codes), [code per pair], granted, grant_year, invention)
for r in rows:
    names = [n.strip().removesuffix("有限公司") for n in r["applicants"].split(" | ")]
    for n in names:
        if n not in orgs:
            orgs.append(n)
    codes = []
    for c in (r["ipc"].split(" | ") if r["ipc"] else []):
        if code(c) not in codes:
            codes.append(code(c))
    inv = r["id"][-1] in "ABC"
    gy = int(r["gy"]) if r["gy"] else None
    apps.append((int(r["yr"]), names, codes, inv and gy is not None, gy, inv))

years = [a[0] for a in apps]
y0 = min(years)
ylast = max(years + [a[4] for a in apps if a[4]])
foreign = {n: "株式会社" in n for n in orgs}

out = open("tests/data/net/search-toy-search%s.csv" % SUF, "w", newline="")
w = csv.writer(out)
w.writerow(["org_id", "year", "window_full", "ipc_count", "ipc_hhi", "ipc_new", "ipc_scope",
            "ipc_depth", "partner_count", "partner_new", "partner_scope", "partner_depth",
            "foreign_partners"])
oy = open("tests/data/net/search-toy-org_year%s.csv" % SUF, "w", newline="")
wo = csv.writer(oy)
wo.writerow(["org_id", "year", "patents", "inventions", "joint_patents", "own_patents",
             "granted_inventions", "grants", "absorb", "grant_stock"])


def na(x):
    return "" if x is None else x


for i, o in enumerate(orgs):
    mine = [a for a in apps if o in a[1]]
    codes_in = {}   # year -> set of codes
    pairs_in = {}   # year -> {code: applications}
    partners_in = {}
    for (y, names, codes, _, _, _) in mine:
        codes_in.setdefault(y, set()).update(codes)
        for c in codes:
            pairs_in.setdefault(y, {}).setdefault(c, 0)
            pairs_in[y][c] += 1
        partners_in.setdefault(y, set()).update(n for n in names if n != o)
    for t in sorted({a[0] for a in mine}):
        C = codes_in.get(t, set())
        past = [codes_in.get(y, set()) for y in range(t - W, t)]
        new = len([c for c in C if not any(c in p for p in past)])
        rep = sum(len(C & p) for p in past)
        tot = sum(pairs_in.get(t, {}).values())
        hhi = 1 - sum((v / tot) ** 2 for v in pairs_in[t].values()) if tot else None
        P = partners_in.get(t, set())
        ppast = [partners_in.get(y, set()) for y in range(t - W, t)]
        pnew = len([p for p in P if not any(p in q for q in ppast)])
        prep = sum(len(P & q) for q in ppast)
        w.writerow([i + 1, t, int(t - W >= y0), len(C), na(hhi), new,
                    na(new / len(C) if C else None), na(rep / len(C) if C else None),
                    len(P), pnew, na(pnew / len(P) if P else None),
                    na(prep / len(P) if P else None), sum(foreign[p] for p in P)])
    first = min([a[0] for a in mine] + [a[4] for a in mine if a[3]])
    gi = {y: sum(1 for a in mine if a[0] == y and a[3]) for y in range(first - K, ylast + 1)}
    gr = {y: sum(1 for a in mine if a[3] and a[4] == y) for y in range(first - K, ylast + 1)}
    for t in range(first, ylast + 1):
        at = [a for a in mine if a[0] == t]
        joint = sum(1 for a in at if len(set(a[1])) > 1)
        wo.writerow([i + 1, t, len(at), sum(1 for a in at if a[5]), joint, len(at) - joint,
                     sum(1 for a in at if a[3]), gr[t], sum(gi[y] for y in range(t - K, t)),
                     sum(gr[y] for y in range(t - K + 1, t + 1))])
