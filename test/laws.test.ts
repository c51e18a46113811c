import { describe, expect, it } from 'vitest';
import { formatCampaign, generators, Network, runBroadcast } from '../src/index.js';
import { poissonTail, proportionSE, SEEDS, Z } from './stats.js';

describe('Bernoulli tank completion on a star', () => {
  const p = 0.9;
  const packets = 20;
  const leaves = 2000;
  const net = generators.star({ meters: leaves, success: p });
  const spec = { origins: ['C1'], packets, maxHops: 2, ttlS: 60 } as const;

  it.each(SEEDS)('one pass completes p^N of the meters and leaves N(1-p) missing on average (seed %i)', (seed) => {
    const r = runBroadcast(net, spec, { seed });
    const q = p ** packets;
    expect(Math.abs(r.coverage - q)).toBeLessThan(Z * proportionSE(q, leaves));
    let missing = 0;
    for (const id of r.targetIds()) missing += r.tank(id).missing;
    const meanMissing = missing / leaves;
    const se = Math.sqrt((packets * p * (1 - p)) / leaves);
    expect(Math.abs(meanMissing - packets * (1 - p))).toBeLessThan(Z * se);
  });

  it.each(SEEDS)('two passes complete (1-(1-p)^2)^N (seed %i)', (seed) => {
    const first = runBroadcast(net, spec, { seed });
    const second = runBroadcast(net, spec, { seed, previous: first });
    const q = (1 - (1 - p) ** 2) ** packets;
    expect(Math.abs(second.coverage - q)).toBeLessThan(Z * proportionSE(q, leaves));
    expect(second.meta.pass).toBe(1);
  });
});

describe('TTL reach on a line with exponential hop delays', () => {
  // A packet reaches layer k when k exponential delays (mean mu) sum to at most T:
  // P(Gamma(k, mu) <= T) = P(Poisson(T / mu) >= k).
  const meters = 12;
  const meanS = 10;
  const ttlS = 60;
  const packets = 2000;
  const net = generators.line({ meters, success: 1 });

  it.each(SEEDS)('share of packets reaching layer k is P(Poisson(T/mu) >= k) (seed %i)', (seed) => {
    const r = runBroadcast(
      net,
      { origins: ['C1'], packets, maxHops: 40, ttlS, spacingS: 70 },
      { seed, radio: { delay: { kind: 'exponential', meanS } } },
    );
    for (let k = 1; k <= meters; k++) {
      const got = (packets - r.tank(`M${k}`).missing) / packets;
      const want = poissonTail(ttlS / meanS, k);
      expect(Math.abs(got - want), `layer ${k}`).toBeLessThan(Z * proportionSE(want, packets) + 1e-9);
    }
    expect(r.stats.expired).toBeGreaterThan(0);
  });
});

describe('Maximum Hops on a lossless line', () => {
  const net = generators.line({ meters: 15, success: 1 });
  it.each([2, 5, 10, 16, 40])('Maximum Hops %i reaches exactly layers 0..H-1', (maxHops) => {
    const r = runBroadcast(net, { origins: ['C1'], packets: 8, maxHops, ttlS: 600 }, { seed: 7 });
    for (let k = 1; k <= 15; k++) {
      const e = r.endpoint(`M${k}`);
      expect(e.tank!.missing, `M${k}`).toBe(k <= maxHops - 1 ? 0 : 8);
    }
    const deepestReached = Math.min(15, maxHops - 1);
    expect(r.coverage).toBeCloseTo(deepestReached / 15, 12);
  });
});

describe('Maximum Hops = Max Layer + 1 on lossless meshes with shortest-path timing', () => {
  it.each(SEEDS)('reaches every layer of a utility network with constant hop delay (seed %i)', (seed) => {
    const net = generators.utility({ collectors: 1, endpointsPerCollector: 600, seed, minSuccess: 0.05 });
    for (const link of net.links()) {
      net.removeLink(link.from, link.to);
      net.addLink({ from: link.from, to: link.to, success: 1 });
    }
    const r0 = runBroadcast(net, { origins: ['C1'], packets: 1, maxHops: 40 }, { seed });
    const maxLayer = Math.max(...r0.layers.map((l) => l.layer));
    const exact = runBroadcast(
      net,
      { origins: ['C1'], packets: 3, maxHops: maxLayer + 1 },
      { seed, radio: { delay: { kind: 'constant', valueS: 1 } } },
    );
    expect(exact.coverage).toBe(1);
    const short = runBroadcast(
      net,
      { origins: ['C1'], packets: 3, maxHops: maxLayer },
      { seed, radio: { delay: { kind: 'constant', valueS: 1 } } },
    );
    const deepest = short.layers.find((l) => l.layer === maxLayer)!;
    expect(deepest.completed).toBe(0);
  });
});

describe('percolation on a tree', () => {
  // On a binary tree each node has one path from the root: it receives a packet with
  // probability p^depth, independently per packet.
  function binaryTree(depth: number, success: number): { net: Network; depthOf: Map<string, number> } {
    const net = new Network();
    const depthOf = new Map<string, number>();
    net.addDevice({ id: 'C1', kind: 'collector' });
    depthOf.set('C1', 0);
    let level = ['C1'];
    for (let d = 1; d <= depth; d++) {
      const next: string[] = [];
      for (const parent of level) {
        for (const side of ['a', 'b']) {
          const id = `${parent === 'C1' ? 'M' : parent}${side}`;
          net.addDevice({ id, kind: 'meter' });
          net.addLink({ from: parent, to: id, success });
          depthOf.set(id, d);
          next.push(id);
        }
      }
      level = next;
    }
    return { net, depthOf };
  }
  const p = 0.8;
  const packets = 400;
  const { net, depthOf } = binaryTree(7, p);

  it.each(SEEDS)('share of packets held at depth d is p^d (seed %i)', (seed) => {
    const r = runBroadcast(net, { origins: ['C1'], packets, maxHops: 40, ttlS: 600 }, { seed });
    const sum = new Map<number, { got: number; nodes: number }>();
    for (const id of r.targetIds()) {
      const d = depthOf.get(id)!;
      const row = sum.get(d) ?? { got: 0, nodes: 0 };
      row.got += (packets - r.tank(id).missing) / packets;
      row.nodes++;
      sum.set(d, row);
    }
    for (const [d, { got, nodes }] of sum) {
      const q = p ** d;
      // The depth average of correlated nodes varies no more than one node's share does.
      expect(Math.abs(got / nodes - q), `depth ${d}`).toBeLessThan(Z * proportionSE(q, packets));
    }
  });
});

describe('child-module hand-off', () => {
  it.each(SEEDS)('a child gets the image with probability 1-(1-q)^A once its parent has it (seed %i)', (seed) => {
    const net = generators.star({ meters: 1500, success: 1 });
    for (let i = 1; i <= 1500; i++) net.addDevice({ id: `G${i}`, kind: 'gasModule', parent: `M${i}` });
    const handoff = { attemptSuccess: 0.5, maxAttempts: 3, wakeIntervalS: 600, transferS: 30 };
    const r = runBroadcast(net, { origins: ['C1'], packets: 4, targets: { kinds: ['gasModule'] } }, { seed, handoff });
    const q = 1 - 0.5 ** 3;
    expect(Math.abs(r.coverage - q)).toBeLessThan(Z * proportionSE(q, 1500));
    expect(r.stats.handoffFailures).toBe(r.incomplete);
    for (let i = 1; i <= 50; i++) {
      const child = r.endpoint(`G${i}`);
      const parentDone = r.endpoint(`G${i}`).tank!.missing === 0;
      expect(parentDone).toBe(true);
      expect(child.holder).toBe(`M${i}`);
      if (child.completedS !== null) {
        const lastPacketArrival = r.lastPacketS;
        expect(child.completedS).toBeGreaterThanOrEqual(lastPacketArrival + 30);
        expect(child.completedS).toBeLessThanOrEqual(lastPacketArrival + 3 * 3 + 3 * 600 + 30);
      }
    }
  });
});

describe('duplicate suppression across origins', () => {
  // Two collectors both reach each of K routers (success p); each router reaches its own leaf
  // meter (success q). Maximum Hops 3: a router forwards what it gets at hop 2, nothing goes
  // further. Per packet: 'per-packet' routers forward once, so a leaf gets the packet with
  // (1-(1-p)^2)·q; 'per-origin' routers forward each collector's copy they got, so a leaf
  // gets it with 1-(1-pq)^2, and routers send 2p frames on average instead of 1-(1-p)^2.
  const K = 1000;
  const p = 0.5;
  const q = 0.8;
  const packets = 10;
  const net = new Network();
  net.addDevice({ id: 'C1', kind: 'collector' });
  net.addDevice({ id: 'C2', kind: 'collector' });
  for (let k = 0; k < K; k++) {
    net.addDevice({ id: `R${k}`, kind: 'router' });
    net.addDevice({ id: `M${k}`, kind: 'meter' });
    net.addLink({ from: 'C1', to: `R${k}`, success: p });
    net.addLink({ from: 'C2', to: `R${k}`, success: p });
    net.addLink({ from: `R${k}`, to: `M${k}`, success: q });
  }
  const spec = { origins: ['C1', 'C2'], packets, maxHops: 3, ttlS: 600 } as const;
  const leafShare = (r: ReturnType<typeof runBroadcast>): number => {
    let got = 0;
    for (const id of r.targetIds()) got += packets - r.tank(id).missing;
    return got / (K * packets);
  };

  it.each(SEEDS)(
    "'per-packet': a leaf gets (1-(1-p)^2)·q of the packets; routers send 1-(1-p)^2 frames each (seed %i)",
    (seed) => {
      const r = runBroadcast(net, { ...spec, duplicates: 'per-packet' }, { seed });
      const share = (1 - (1 - p) ** 2) * q;
      expect(Math.abs(leafShare(r) - share)).toBeLessThan(Z * proportionSE(share, K * packets));
      const fwd = 1 - (1 - p) ** 2;
      expect(Math.abs((r.stats.transmissions - 2 * packets) / (K * packets) - fwd)).toBeLessThan(
        Z * proportionSE(fwd, K * packets),
      );
    },
  );

  it.each(SEEDS)(
    "'per-origin': a leaf gets 1-(1-pq)^2 of the packets; routers send 2p frames each (seed %i)",
    (seed) => {
      const r = runBroadcast(net, { ...spec, duplicates: 'per-origin' }, { seed });
      const share = 1 - (1 - p * q) ** 2;
      expect(Math.abs(leafShare(r) - share)).toBeLessThan(Z * proportionSE(share, K * packets));
      // Frames per router per packet: Binomial(2, p), variance 2p(1-p).
      const perRouter = (r.stats.transmissions - 2 * packets) / (K * packets);
      expect(Math.abs(perRouter - 2 * p)).toBeLessThan(Z * Math.sqrt((2 * p * (1 - p)) / (K * packets)));
      // Every in-time copy beyond a node's first is redundant, whichever collector sent it.
      expect(r.stats.duplicates).toBe(r.stats.receptions - r.stats.expired - (r.stats.reached - 2 * packets));
    },
  );

  it.each(SEEDS)('with one origin both settings give the same draws and results (seed %i)', (seed) => {
    const one = { ...spec, origins: ['C1'] };
    for (const contention of ['none', 'csma'] as const) {
      const a = runBroadcast(net, { ...one, duplicates: 'per-packet' }, { seed, radio: { contention } });
      const b = runBroadcast(net, { ...one, duplicates: 'per-origin' }, { seed, radio: { contention } });
      expect(b.stats).toEqual(a.stats);
      expect(b.air).toEqual(a.air);
      for (const id of a.targetIds()) expect(b.tankHex(id)).toBe(a.tankHex(id));
    }
  });

  it('the run report says when each collector sends its own copy', () => {
    const small = { ...spec, packets: 2 };
    expect(formatCampaign([runBroadcast(net, { ...small, duplicates: 'per-origin' }, { seed: 1 })])).toMatch(
      /from 2 collectors \(each its own copy\);/,
    );
    expect(formatCampaign([runBroadcast(net, { ...small, duplicates: 'per-packet' }, { seed: 1 })])).toMatch(
      /from 2 collectors \(one shared flood\);/,
    );
    expect(formatCampaign([runBroadcast(net, { ...small, origins: ['C1'] }, { seed: 1 })])).toMatch(
      /from 1 collector; Maximum Hops/,
    );
  });

  it('rejects an unknown setting, naming the field', () => {
    expect(() => runBroadcast(net, { ...spec, duplicates: 'per-node' as never })).toThrow(
      expect.objectContaining({ path: 'spec.duplicates', value: 'per-node' }),
    );
  });
});
