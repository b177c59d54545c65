#!/usr/bin/env python3
"""Reference PRODY and EXPY (Hausmann, Hwang & Rodrik 2007) for
tests/unit/test_sophist.c, computed with Debian's python3-numpy 1.24 and
python3-pandas 1.5 (independent of coinnet). Not run by the tests.

(a) writes a generated country-product-year table with its income table to
    tests/data/measure/sophist-gen.csv and sophist-gen-income.csv, and prints
    every PRODY and EXPY of it;
(b) reads the real data tests/data/world-trade-sitc2 (trade.csv,
    gdp.csv) and prints a sample of PRODY and EXPY with sums, minima, maxima
    and counts.

Rules (those of docs/measures.md): rows with a missing key or a missing or
negative value are dropped; rows of one (year, unit, product) are summed;
units without income and units whose exports total 0 are dropped before the
shares; PRODY is missing for a product no kept unit exports. EXPY uses every
unit's basket (with or without income), drops the products without a PRODY
and renormalizes over the rest.

Run from the repository root: /usr/bin/python3 tests/data/gen/sophist_reference.py
"""
import sys

import numpy as np
import pandas as pd

OUT = "tests/data/measure/"
ROOT = sys.argv[1] if len(sys.argv) > 1 else "tests"


def generate():
    rng = np.random.default_rng(20261202)
    products = ["0011", "0012", "0240", "0711", "5121", "6210", "7810", "8510"]
    countries = ["c%02d" % i for i in range(1, 11)]
    rows = []
    for year in (2000, 2001):
        for c in countries:
            for k in products:
                if rng.random() < 0.25:
                    continue
                v = 0 if rng.random() < 0.05 else int(rng.lognormal(8, 2)) + 1
                if v > 1 and rng.random() < 0.12:  # a duplicate: the cell split in two rows
                    a = int(rng.integers(1, v))
                    rows += [(year, c, k, str(a)), (year, c, k, str(v - a))]
                else:
                    rows.append((year, c, k, str(v)))
        rows.append((year, "c11", "0240", "0"))  # a unit whose exports total 0
        rows.append((year, "c11", "7810", "0"))
    rows.append((2001, "c10", "0999", "5000"))  # 0999 only from c10, which has no income in 2001
    rows += [(2000, "c03", "0012", ""), (2000, "c04", "0711", "-7"), (2001, "c05", "", "12")]
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    with open(OUT + "sophist-gen.csv", "w") as f:
        f.write("year,country,product,value\n")
        for r in rows:
            f.write("%d,%s,%s,%s\n" % r)
    inc = []
    for year in (2000, 2001):
        for c in countries + ["c11", "c12"]:  # c12 has income but no exports
            if year == 2001 and c == "c10":
                continue
            inc.append((year, c, int(rng.integers(500, 60000))))
    with open(OUT + "sophist-gen-income.csv", "w") as f:
        f.write("year,country,gdp\n")
        for r in inc:
            f.write("%d,%s,%d\n" % r)


def read(path, keys):
    return pd.read_csv(path, dtype={k: str for k in keys}, keep_default_na=False,
                       na_values=[""])


def prody(trade, gdp, by, unit, prod, val, inc):
    """PRODY per (by..., product) and the counts, as the docs describe."""
    ok = trade[by + [unit, prod]].notna().all(axis=1) & trade[val].notna() & (trade[val] >= 0)
    t = trade[ok].groupby(by + [unit, prod], as_index=False, sort=False)[val].sum()
    t = t.merge(gdp[by + [unit, inc]], on=by + [unit], how="left")
    X = t.groupby(by + [unit])[val].transform("sum")
    keep = t[inc].notna() & (X > 0)
    s = (t[val] / X).where(keep, 0.0)
    t = t.assign(s=s, sy=s * t[inc].fillna(0), pos=(keep & (t[val] > 0)).astype(int))
    g = t.groupby(by + [prod], sort=False).agg(S=("s", "sum"), SY=("sy", "sum"), n_units=("pos", "sum"))
    g["prody"] = np.where(g["S"] > 0, g["SY"] / g["S"].where(g["S"] > 0, 1), np.nan)
    return g.reset_index()


def expy(trade, pr, by, unit, prod, val):
    ok = trade[by + [unit, prod]].notna().all(axis=1) & trade[val].notna() & (trade[val] >= 0)
    t = trade[ok].groupby(by + [unit, prod], as_index=False, sort=False)[val].sum()
    t = t.merge(pr[by + [prod, "prody"]], on=by + [prod], how="left")
    m = t["prody"].notna()
    t = t.assign(xm=t[val].where(m, 0.0), xp=(t[val] * t["prody"]).where(m, 0.0),
                 n=(m & (t[val] > 0)).astype(int))
    g = t.groupby(by + [unit], sort=False).agg(X=("xm", "sum"), XP=("xp", "sum"), n_products=("n", "sum"))
    g["expy"] = np.where(g["n_products"] > 0, g["XP"] / g["X"].where(g["X"] > 0, 1), np.nan)
    return g.reset_index()


def num(x):
    return "NAN" if np.isnan(x) else repr(float(x))


def main():
    generate()
    tr = read(OUT + "sophist-gen.csv", ["country", "product"])
    gd = read(OUT + "sophist-gen-income.csv", ["country"])
    p = prody(tr, gd, ["year"], "country", "product", "value", "gdp")
    e = expy(tr, p, ["year"], "country", "product", "value")
    print("/* (a) generated: year, product, n_units, prody */")
    for r in p.itertuples():
        print('    {"%d", "%s", %d, %s},' % (r.year, r.product, r.n_units, num(r.prody)))
    print("/* (a) generated: year, country, X, n_products, expy */")
    for r in e.itertuples():
        print('    {"%d", "%s", %s, %d, %s},' % (r.year, r.country, num(r.X), r.n_products, num(r.expy)))

    tr = read(ROOT + "/data/world-trade-sitc2/trade.csv", ["country", "product"])
    gd = read(ROOT + "/data/world-trade-sitc2/gdp.csv", ["country"]).rename(columns={"value": "gdp"})
    p = prody(tr, gd, [], "country", "product", "value", "gdp")
    e = expy(tr, p, [], "country", "product", "value")
    units = tr["country"].unique()
    print("/* (b) world-trade-sitc2: products %d (prody defined %d), units %d (expy defined %d);"
          % (len(p), p["prody"].notna().sum(), len(e), e["expy"].notna().sum()))
    print("   units without income %d, income without trade %d */"
          % (len(set(units) - set(gd["country"])), len(set(gd["country"]) - set(units))))
    q = p["prody"].dropna()
    print("/* prody sum, min, max */ %s, %s, %s" % (num(q.sum()), num(q.min()), num(q.max())))
    q = e["expy"].dropna()
    print("/* expy sum, min, max */ %s, %s, %s" % (num(q.sum()), num(q.min()), num(q.max())))
    ps = p.sort_values("product")
    for r in list(ps.iloc[::60].itertuples()) + list(ps[ps["product"].isin(["7810", "8510"])].itertuples()):
        print('    {"%s", %d, %s},' % (r.product, r.n_units, num(r.prody)))
    es = e.sort_values("country")
    for r in list(es.iloc[::20].itertuples()) + list(es[es["country"].isin(["chn", "deu", "usa"])].itertuples()):
        print('    {"%s", %s, %d, %s},' % (r.country, num(r.X), r.n_products, num(r.expy)))


if __name__ == "__main__":
    main()
