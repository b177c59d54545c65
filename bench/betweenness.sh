#!/bin/sh
# bench/betweenness.sh — exact unweighted betweenness, coinnet vs igraph 0.10
# on one 10^4-node, 2·10^4-edge preferential-attachment graph (issue target:
# 10x faster than igraph, same values to 1e-9).
set -e
B=${BUILD:-build}
"$B/bench/betweenness" 10000 2
