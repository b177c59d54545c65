#!/usr/bin/env python3
"""Reference node measures for tests/unit/test_net.c, from Debian's
python3-igraph 0.10 and python3-networkx 2.8 (independent of coinnet):
writes tests/data/net/{NAME}-edges.csv and {NAME}-ref.csv for Les Miserables
(weighted) and Zachary's karate club. Not run by the tests."""
import csv
import math

import igraph as ig
import networkx as nx

OUT = "tests/data/net/"


def write(name, G, weighted):
    nodes = list(G.nodes())
    idx = {v: i for i, v in enumerate(nodes)}
    edges = [(idx[a] + 1, idx[b] + 1, d.get("weight", 1) if weighted else 1)
             for a, b, d in G.edges(data=True)]
    with open(OUT + name + "-edges.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["u", "v", "weight"])
        w.writerows(edges)
    g = ig.Graph(n=len(nodes), edges=[(a - 1, b - 1) for a, b, _ in edges])
    wt = [float(x) for _, _, x in edges]
    g.es["weight"] = wt
    inv = [1.0 / x for x in wt]
    bc_bin = g.betweenness(directed=False)
    bc_inv = g.betweenness(directed=False, weights=inv)
    con = g.constraint(weights="weight" if weighted else None)
    core = g.coreness()
    clu = g.transitivity_local_undirected(mode="nan")
    eig = g.eigenvector_centrality(directed=False, scale=True, weights="weight" if weighted else None)
    H = nx.Graph()
    H.add_nodes_from(range(1, len(nodes) + 1))
    for a, b, x in edges:
        H.add_edge(a, b, weight=x)
    eff = nx.effective_size(H, weight="weight" if weighted else None)
    with open(OUT + name + "-ref.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["node_id", "wdc", "partners", "bc_binary", "bc_inv", "constraint",
                    "effsize", "coreness", "clustering", "eigenvector"])
        for i in range(len(nodes)):
            s = sum(x for a, b, x in edges if a == i + 1 or b == i + 1)
            w.writerow([i + 1, repr(float(s)), g.degree(i), repr(bc_bin[i]), repr(bc_inv[i]),
                        repr(con[i]), repr(eff[i + 1]), core[i],
                        "" if math.isnan(clu[i]) else repr(clu[i]), repr(eig[i])])


write("lesmis", nx.les_miserables_graph(), True)
write("karate", nx.karate_club_graph(), False)
