# tests/data/gen/iv_longley_exact.py — 60-digit reference values for the
# ill-conditioned IV case of tests/unit/test_iv.c (iv_longley_against_r).
# Run from the repository root: python3 tests/data/gen/iv_longley_exact.py
# (python3-mpmath). Input: tests/data/iv/longley.csv. The 2SLS formulas
# written out in 60-digit arithmetic, with explicit inverses (harmless at
# that precision): X̂ = Z(Z'Z)⁻¹Z'X, D = (X̂'X̂)⁻¹, b = DX̂'y, e = y − Xb,
# V_iid = e'e/(n − k) D, V_HC1 = n/(n − k) D X̂'diag(e²)X̂ D, and the model
# F = b_s'V_ss⁻¹b_s/(k − 1) over the slopes. Prints b, the SEs and F, in
# coinnet's order (x2, the exogenous, _cons).
import csv
import mpmath as mp

mp.mp.dps = 60
rows = list(csv.DictReader(open("tests/data/iv/longley.csv")))
n = len(rows)


def col(name):
    return [mp.mpf(r[name]) for r in rows]


one = [mp.mpf(1)] * n
for nm, ex, inst in [("just", ["x1", "x3", "x5", "x6"], ["x4"]), ("over", ["x1", "x3", "x6"], ["x4", "x5"])]:
    Xc = [col("x2")] + [col(e) for e in ex] + [one]
    Zc = [col(i) for i in inst] + [col(e) for e in ex] + [one]
    X, Z = mp.matrix(n, len(Xc)), mp.matrix(n, len(Zc))
    for i in range(n):
        for j, c in enumerate(Xc):
            X[i, j] = c[i]
        for j, c in enumerate(Zc):
            Z[i, j] = c[i]
    y = mp.matrix(col("y"))
    Xh = Z * mp.inverse(Z.T * Z) * Z.T * X
    D = mp.inverse(Xh.T * Xh)
    b = D * Xh.T * y
    e = y - X * b
    k = len(Xc)
    rss = sum(e[i] ** 2 for i in range(n))
    Viid = D * (rss / (n - k))
    M = mp.matrix(k, k)
    for i in range(n):
        for a in range(k):
            for c in range(k):
                M[a, c] += Xh[i, a] * Xh[i, c] * e[i] ** 2
    Vr = D * M * D * (mp.mpf(n) / (n - k))
    ks = k - 1
    bs = mp.matrix([b[a] for a in range(ks)])

    def F(V):
        Vs = mp.matrix(ks, ks)
        for a in range(ks):
            for c in range(ks):
                Vs[a, c] = V[a, c]
        return (bs.T * mp.inverse(Vs) * bs)[0] / ks

    f17 = lambda v: ", ".join(mp.nstr(x, 17) for x in v)
    print(f"{nm} b: {f17([b[a] for a in range(k)])}")
    print(f"{nm} se iid: {f17([mp.sqrt(Viid[a, a]) for a in range(k)])}")
    print(f"{nm} se HC1: {f17([mp.sqrt(Vr[a, a]) for a in range(k)])}")
    print(f"{nm} F iid: {mp.nstr(F(Viid), 17)}  F HC1: {mp.nstr(F(Vr), 17)}")
