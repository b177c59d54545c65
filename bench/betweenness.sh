#!/bin/sh
# bench/betweenness.sh — exact unweighted betweenness, coinnet vs igraph 0.10
# in the same run. Issue target: on a 10^4-node, 2·10^4-edge preferential-
# attachment graph at least 10x faster than igraph, same values to 1e-9.
# Also reported: a 45k-node, 180k-edge heavy-tailed graph (preferential
# attachment, 4 ties per new node), where igraph takes minutes
# (BC_SKIP_LARGE=1 leaves it out).
set -e
B=${BUILD:-build}
"$B/bench/betweenness" 10000 2
[ -n "$BC_SKIP_LARGE" ] || "$B/bench/betweenness" 45000 4
