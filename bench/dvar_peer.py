#!/usr/bin/python3
"""bench/dvar_peer.py CUSTOMS FIRMS THETA BECDIR OUT — an independent pandas
implementation of spec/measures.md §1 (default options: --bec-rule any, the
paper's θ2 term), the peer of `coinnet measure dvar` in bench/dvar.sh. It
writes firm, year, dvar for the firm-years it keeps, in the firm table's
order. Written from the spec, not from the C code."""
import glob, os, re, sys
import numpy as np
import pandas as pd

customs, firms, theta, becdir, out = sys.argv[1:6]
INTER = {"111", "121", "21", "22", "31", "322", "42", "53"}
MARKS = ("进出口", "经贸", "贸易", "科贸", "外经", "外贸")

# HS -> BEC editions: intermediate when any BEC code is
eds = {}
for f in glob.glob(os.path.join(becdir, "*.csv")):
    y = int(re.search(r"(\d{4})", os.path.basename(f)).group(1))
    b = pd.read_csv(f, dtype=str, encoding="utf-8-sig", skip_blank_lines=True)
    b.columns = ["hs", "bec"] + list(b.columns[2:])
    b["hs"] = b["hs"].str.replace(".", "", regex=False)
    b["w"] = b["bec"].isin(INTER).astype(float)
    eds[y] = b.groupby("hs")["w"].max()
years = sorted(eds)

c = pd.read_csv(customs, dtype={"firm": str, "name": str, "hs6": str, "flow": str, "regime": str})
c = c.dropna(subset=["firm", "year", "hs6", "flow", "regime", "value"])
c = c[c["value"] >= 0]
names = c.groupby("firm", sort=False)["name"].first()
inter_firms = set(names.index[names.str.contains("|".join(MARKS))])
c["inter"] = c["firm"].isin(inter_firms)
imp = c[c["flow"] == "import"]
tot = imp.groupby(["year", "hs6"])["value"].sum()
itot = imp[imp["inter"]].groupby(["year", "hs6"])["value"].sum()
m = (itot.reindex(tot.index, fill_value=0) / tot).rename("m")

p = c[~c["inter"] & c["regime"].isin(["processing", "ordinary"])].copy()
p = p.join(m, on=["year", "hs6"])
p["m"] = p["m"].fillna(0)
p["adj"] = p["value"] / (1 - p["m"])
def weight(row_year, hs):
    e = max([y for y in years if y <= row_year], default=years[0])
    return eds[e].reindex(hs).fillna(0).to_numpy()
p["w"] = 0.0
for y in p["year"].unique():
    sel = p["year"] == y
    p.loc[sel, "w"] = weight(y, p.loc[sel, "hs6"])
ex = p[p["flow"] == "export"]
im = p[p["flow"] == "import"]
g = pd.DataFrame({
    "Xp": ex[ex["regime"] == "processing"].groupby(["firm", "year"])["value"].sum(),
    "Xo": ex[ex["regime"] == "ordinary"].groupby(["firm", "year"])["value"].sum(),
    "MpA": im[im["regime"] == "processing"].groupby(["firm", "year"])["adj"].sum(),
    "MpA_BEC": (im["adj"] * im["w"])[im["regime"] == "processing"].groupby([im["firm"], im["year"]]).sum(),
    "MoA_BEC": (im["adj"] * im["w"])[im["regime"] == "ordinary"].groupby([im["firm"], im["year"]]).sum(),
}).fillna(0)
allx = c[~c["inter"] & (c["flow"] == "export")].groupby(["firm", "year"])["value"].sum().rename("X")
g = g.join(allx).fillna({"X": 0})

f = pd.read_csv(firms, dtype={"firm": str, "industry": str})
th = pd.read_csv(theta, dtype={"industry": str}).set_index("industry")
f = f.join(g, on=["firm", "year"], how="inner")
f = f[(f["Xp"] > 0) | (f["Xo"] > 0)].join(th, on="industry")
D = f["sales"] - f["exports"]
s = np.where(f["Xo"] > 0, f["Xo"] / (D + f["Xo"]), 0)
t1, t2, dii, X = f["theta1"], f["theta2"], f["dii"], f["X"]
proc = 1 - (f["MpA"] + t1 * dii - t2 * f["MpA"]) / X
ordi = 1 - (f["MoA_BEC"] * s + t1 * dii - t2 * f["MoA_BEC"]) / X
mm = f["MpA_BEC"] + f["MoA_BEC"] * s
mixd = 1 - (mm + t1 * dii - t2 * mm) / X
f["dvar"] = np.where(f["Xo"] <= 0, proc, np.where(f["Xp"] <= 0, ordi, mixd))
f[["firm", "year", "dvar"]].to_csv(out, index=False, float_format="%.17g")
