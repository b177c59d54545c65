#!/usr/bin/env python3
"""Independent transcription of cn_rng_seed (SplitMix64 mixing of seed and
stream) and of Blackman & Vigna's xoshiro256** next(), in Python integers.
Prints the first outputs that tests/unit/test_base.c expects. Not run by the
tests; kept to show where the numbers come from."""
M = (1 << 64) - 1


def splitmix(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return x, z ^ (z >> 31)


def seed(sd, stream):
    _, a = splitmix(sd)
    _, b = splitmix(stream ^ 0x6A09E667F3BCC909)
    z = a ^ ((b * 0xD1342543DE82EF95) & M)
    s = []
    for _ in range(4):
        z, v = splitmix(z)
        s.append(v)
    return s


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def nxt(s):
    r = (rotl((s[1] * 5) & M, 7) * 9) & M
    t = (s[1] << 17) & M
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 45)
    return r


for sd, st in [(42, 0), (42, 1), (0, 0)]:
    s = seed(sd, st)
    print(sd, st, [hex(nxt(s)) for _ in range(3)])
