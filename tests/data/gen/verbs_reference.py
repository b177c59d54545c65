#!/usr/bin/env python3
"""Expected values of the data-verb golden cases (tests/cli/prep/collapse*.case,
egen*.case, reshape*.case), computed with pandas / numpy (Debian's
python3-pandas 1.5, python3-numpy 1.24) — an implementation independent of
coinnet. Run: /usr/bin/python3 tests/data/gen/verbs_reference.py
It prints each case's expected table as CSV; the cases hold these numbers
(coinnet writes the shortest decimal text of each double, as Python's repr).

Stata's definitions used here, each computed the pandas way:
- sd is the sample sd (ddof=1): pandas' std default.
- the median of the unweighted data is pandas' median (mean of the two
  middle values), which is Stata's p50.
- fw: each row repeated w times (numpy.repeat), then the plain statistics.
- aw: mean = numpy.average(x, weights=w); Stata rescales aweights to sum to
  the group's N, so sum = N * mean, count = N, and
  sd = sqrt(N/(N-1) * sum(w (x-mean)^2) / sum(w)).
"""
import io
import numpy as np
import pandas as pd

PANEL = """firm,year,sales,name,w
1,2001,10,Alpha,1
1,2002,12,Alpha,2
1,2004,15,Alpha,1
2,2001,5,Beta,3
2,2002,,Beta,1
2,2003,7,Beta,2
3,2003,100,Gamma,1
3,2001,7,Gamma,2
3,2004,1,Gamma,1
3,2002,7,Gamma,4
"""
df = pd.read_csv(io.StringIO(PANEL))


def show(title, t):
    print("==", title)
    print(t.to_csv(index=False, float_format=repr), end="")


# collapse.case: (mean) sales (sum) tot=sales (count) n=sales (sd) sd=sales
#                (median) med=sales (min) lo=sales (max) hi=sales (first) f=name
#                (last) l=sales (firstnm) fnm=sales, by(firm)
g = df.groupby("firm", sort=True)
out = pd.DataFrame({
    "firm": sorted(df.firm.unique()),
    "sales": g.sales.mean().values,
    "tot": g.sales.sum().values,            # pandas: sum of none = 0, as Stata
    "n": g.sales.count().values,
    "sd": g.sales.std().values,
    "med": g.sales.median().values,
    "lo": g.sales.min().values,
    "hi": g.sales.max().values,
    "f": g.name.first().values,
    "l": g.sales.nth(-1).values,            # last row's value, missing or not
    "fnm": g.sales.apply(lambda s: s.dropna().iloc[0]).values,
})
show("collapse by firm", out)

# collapse-fw.case: frequency weights = rows repeated w times
rep = df.loc[np.repeat(df.index.values, df.w.values)]
g = rep.groupby("firm", sort=True)
show("collapse fw=w by firm", pd.DataFrame({
    "firm": sorted(df.firm.unique()),
    "sales": g.sales.mean().values, "tot": g.sales.sum().values,
    "n": g.sales.count().values, "sd": g.sales.std().values,
    "med": g.sales.median().values}))

# collapse-aw.case: analytic weights
rows = []
for firm, s in df.dropna(subset=["sales"]).groupby("firm", sort=True):
    x, w = s.sales.values, s.w.values
    n = len(x)
    m = np.average(x, weights=w)
    sd = np.sqrt(n / (n - 1) * np.sum(w * (x - m) ** 2) / np.sum(w))
    rows.append({"firm": firm, "sales": m, "tot": n * m, "n": n, "sd": sd})
show("collapse aw=w by firm", pd.DataFrame(rows))

# collapse with no --by and --if 'year >= 2002'
sub = df[df.year >= 2002]
show("collapse if year >= 2002", pd.DataFrame({
    "sales": [sub.sales.mean()], "n": [sub.sales.count()], "p25": [None]}))
# Stata's p25 (_pctile): N = 6 values sorted, P = 6*25/100 = 1.5 -> x(2)
v = np.sort(sub.sales.dropna().values)
print("p25 of", list(v), "=", v[int(np.ceil(len(v) * 0.25)) - 1])

# egen.case: bysort firm: egen m = mean(sales), tot = total(sales), sd, count
show("egen mean by firm", df.assign(m=df.groupby("firm").sales.transform("mean")))
show("egen total by year", df.assign(t=df.groupby("year").sales.transform("sum")))
show("egen sd by firm, if year < 2004", df.assign(
    s=df[df.year < 2004].groupby("firm").sales.transform("std")))

# reshape-long.case / reshape-wide.case
WIDE = """id,sex,inc1990,inc1991,inc1992,ue1990,ue1991
2,f,10,11,,1,0
1,m,5,6,7,0,0
3,m,1,,3,1,1
"""
w = pd.read_csv(io.StringIO(WIDE))
long = pd.wide_to_long(w, ["inc", "ue"], i="id", j="year").reset_index()
long = long.sort_values(["id", "year"])[["id", "year", "inc", "ue", "sex"]]
show("reshape long", long.astype({"ue": "Int64", "inc": "Int64"}))
wide = long.pivot(index="id", columns="year", values=["inc", "ue"])
wide.columns = [f"{a}{b}" for a, b in wide.columns]
wide = wide.reset_index().merge(long.groupby("id").sex.first().reset_index(), on="id")
show("reshape wide", wide[["id", "sex"] + [c for c in wide.columns if c not in ("id", "sex")]]
     .astype({c: "Int64" for c in wide.columns if c not in ("id", "sex")}))

# duplicates.case: duplicates report firm name / drop name
k = df.groupby(["firm", "name"]).size()
rep = k.value_counts().sort_index()
show("duplicates report firm name", pd.DataFrame({
    "copies": rep.index, "observations": rep.index * rep.values,
    "surplus": rep.index * rep.values - rep.values}))

# dates.case: Stata daily dates = days since 1 Jan 1960 (Python's datetime)
import datetime as dt
base = dt.date(1960, 1, 1)
for d in [dt.date(2001, 3, 4), dt.date(2000, 2, 29), dt.date(1960, 1, 1), dt.date(1959, 12, 31)]:
    days = (d - base).days
    print(d, "day", days, "dow", d.isoweekday() % 7, "doy", d.timetuple().tm_yday,
          "quarter", (d.month + 2) // 3, "mofd", (d.year - 1960) * 12 + d.month - 1,
          "qofd", (d.year - 1960) * 4 + (d.month + 2) // 3 - 1)
