"""The grid flood (1000 x 1000) in SimPy 2 (Debian's python3-simpy), the peer run beside meshcast.

One packet flooded from the centre of a 4-neighbour side x side grid, link success 0.9,
exponential hop delay with mean 2 s, each node forwards once on its first copy, no hop or TTL
limit: the grid flood of meshcast's benchmarks (bench/broadcast.ts). Written as a SimPy user
would: one process per successful copy, activated after its delay. Prints receptions and
seconds.

Run: /usr/bin/python3 bench/peers/simpy_flood.py 1000   (needs: apt-get install python3-simpy)
"""
import random
import sys
import time

from SimPy.Simulation import Process, activate, initialize, simulate

side = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
n = side * side
seen = bytearray(n)
rng = random.Random(1)
count = {"receptions": 0}


def neighbours(v):
    r, c = divmod(v, side)
    if c > 0:
        yield v - 1
    if c + 1 < side:
        yield v + 1
    if r > 0:
        yield v - side
    if r + 1 < side:
        yield v + side


class Copy(Process):
    """A copy of the packet arriving at a node."""

    def run(self, node):
        count["receptions"] += 1
        if not seen[node]:
            seen[node] = 1
            forward(node)
        return
        yield  # a SimPy process body must be a generator


def forward(v):
    for u in neighbours(v):
        if rng.random() < 0.9:
            c = Copy()
            activate(c, c.run(u), delay=rng.expovariate(0.5))


start = time.perf_counter()
initialize()
centre = (side // 2) * side + side // 2
seen[centre] = 1
forward(centre)
simulate(until=1e12)
elapsed = time.perf_counter() - start
print(f"simpy side={side} receptions={count['receptions']} reached={sum(seen)} seconds={elapsed:.2f}")
