#!/usr/bin/python3
"""Reference sums for lib/sl_fsum (tests/unit/test_fsum.c), from Python's
math.fsum (correctly rounded).

Prints one case a line: the terms, then their correctly rounded sum, all
as C99 hex floats separated by spaces.  The terms are drawn from a seeded
generator so that summing them left to right loses bits: wide exponent
ranges, large terms that cancel, runs of tiny terms, subnormals.  Run once;
the output is committed as tests/unit/data/ref-fsum.txt.

usage: ref-fsum.py > tests/unit/data/ref-fsum.txt
"""
import math
import random


def case(rng, kind, n):
    v = []
    for _ in range(n):
        if kind == 0:    # wide exponents, both signs
            x = rng.uniform(1, 2) * 2.0 ** rng.randint(-60, 60)
        elif kind == 1:  # large terms that cancel, small remainders
            x = rng.uniform(1, 2) * 2.0 ** rng.randint(40, 80)
            v.append(-x * rng.choice((1, 1 + 2 ** -40)))
        elif kind == 2:  # one big term, many tiny ones
            x = 1e16 if not v else rng.uniform(0, 1)
        elif kind == 3:  # the extremes of the range
            x = rng.choice((5e-324, 2.2250738585072014e-308, 1e-300,
                            1e300, 1e305))
        else:            # like the analyses' data: rates and durations
            x = rng.choice((rng.random(), rng.uniform(1e3, 1e7)))
        v.append(x if rng.random() < 0.5 else -x)
    rng.shuffle(v)
    return v


def main():
    rng = random.Random(20261207)
    for kind in range(5):
        for n in (2, 3, 10, 100, 1000):
            v = case(rng, kind, n)
            print(" ".join(x.hex() for x in v + [math.fsum(v)]))


main()
