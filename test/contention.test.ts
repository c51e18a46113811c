import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  checkTraffic,
  generators,
  loadScenario,
  Network,
  runBroadcast,
  runBroadcastParallel,
  runBroadcasts,
  sweep,
  sweepPath,
  ValidationError,
  type Scenario,
  type SweepRecord,
} from '../src/index.js';
import { proportionSE, SEEDS, Z } from './stats.js';

const csma = { contention: 'csma' } as const;

function threeNodes(collectorsLinked: boolean): Network {
  // C1 — M1 — C2, and optionally C1 — C2 (then each collector hears the other).
  const net = new Network();
  net.addDevice({ id: 'C1', kind: 'collector' });
  net.addDevice({ id: 'M1', kind: 'meter' });
  net.addDevice({ id: 'C2', kind: 'collector' });
  net.addLink({ from: 'C1', to: 'M1', success: 1 });
  net.addLink({ from: 'M1', to: 'C2', success: 1 });
  if (collectorsLinked) net.addLink({ from: 'C1', to: 'C2', success: 1 });
  return net;
}

describe('contention: exact cases', () => {
  it('on a lossless line one frame is on the air at a time: layer k gets the packet at k·(backoff + airtime)', () => {
    const net = generators.line({ meters: 12 });
    const airtime = { frameBytes: 100, bitRateBps: 8000 }; // 0.1 s
    const r = runBroadcast(
      net,
      { origins: ['C1'], packets: 1, ttlS: 600 },
      { radio: { ...csma, delay: { kind: 'constant', valueS: 2 }, airtime } },
    );
    for (let k = 1; k <= 12; k++) expect(r.endpoint(`M${k}`).completedS).toBeCloseTo(k * 2.1, 9);
    expect(r.air!.collisions).toBe(0);
    expect(r.air!.frames).toBe(13);
    expect(r.air!.airtimeS).toBeCloseTo(1.3, 9);
  });

  it.each(SEEDS)('on a star only the collector reaches the meters, so completion is still p^N (seed %i)', (seed) => {
    const p = 0.9;
    const packets = 12;
    const meters = 1500;
    // Max Hops 3: the meters forward too, and their frames collide at the collector, which
    // changes nothing for the meters (they hear only the collector).
    const r = runBroadcast(
      generators.star({ meters, success: p }),
      { origins: ['C1'], packets, maxHops: 3, ttlS: 60 },
      { seed, radio: csma },
    );
    const q = p ** packets;
    expect(Math.abs(r.coverage - q)).toBeLessThan(Z * proportionSE(q, meters));
    expect(r.air!.collisions).toBeGreaterThan(0); // the meters' own forwards collide at the collector
  });

  it('hidden terminals: two collectors that cannot hear each other blank their common neighbour', () => {
    const spec = { origins: ['C1', 'C2'], packets: 20, maxHops: 2, ttlS: 60 };
    const radio = { ...csma, delay: { kind: 'constant', valueS: 1 } } as const;
    const r = runBroadcast(threeNodes(false), spec, { radio });
    expect(r.endpoint('M1').tank!.missing).toBe(20);
    expect(r.air!.collisions).toBe(40);
  });

  it.each(SEEDS)('with C channels two overlapping frames collide with probability 1/C (seed %i)', (seed) => {
    const packets = 600;
    const spec = { origins: ['C1', 'C2'], packets, maxHops: 2, ttlS: 60, spacingS: 70 };
    const r = runBroadcast(threeNodes(false), spec, {
      seed,
      radio: { contention: { channels: 4 }, delay: { kind: 'constant', valueS: 1 } },
    });
    const got = (packets - r.endpoint('M1').tank!.missing) / packets;
    expect(Math.abs(got - 0.75)).toBeLessThan(Z * proportionSE(0.75, packets));
  });

  it('carrier sense: collectors that hear each other take turns instead of colliding', () => {
    const spec = { origins: ['C1', 'C2'], packets: 20, maxHops: 2, ttlS: 60 };
    const delay = { kind: 'constant', valueS: 1 } as const;
    const sensing = runBroadcast(threeNodes(true), spec, { radio: { contention: { carrierSense: true }, delay } });
    expect(sensing.endpoint('M1').tank!.missing).toBe(0);
    expect(sensing.air!.deferrals).toBeGreaterThanOrEqual(20);
    const deaf = runBroadcast(threeNodes(true), spec, { radio: { contention: { carrierSense: false }, delay } });
    expect(deaf.endpoint('M1').tank!.missing).toBe(20);
  });

  it('frames whose packet expires while queued are dropped unsent', () => {
    // A slow backoff and a short TTL: the line's far end never gets the packet.
    const r = runBroadcast(
      generators.line({ meters: 40 }),
      { origins: ['C1'], packets: 1, ttlS: 60 },
      { radio: { ...csma, delay: { kind: 'constant', valueS: 5 } } },
    );
    expect(r.endpoint('M11').completedS).not.toBeNull();
    expect(r.endpoint('M13').completedS).toBeNull();
    expect(r.air!.expiredInQueue).toBe(1);
  });
});

describe('contention: broadcasts sharing the air', () => {
  const net = generators.utilityMesh({ collectors: 2, endpointsPerCollector: 1200, seed: 5 });

  it('two broadcasts at once collide where run one after the other they do not', () => {
    // Hidden collectors: each broadcast alone reaches M1; together their frames overlap there.
    const radio = { ...csma, delay: { kind: 'constant', valueS: 1 } } as const;
    const a = { origins: ['C1'], packets: 10, maxHops: 2, ttlS: 60 };
    const b = { origins: ['C2'], packets: 10, maxHops: 2, ttlS: 60 };
    const [ta, tb] = runBroadcasts(threeNodes(false), [a, b], { radio });
    expect(ta!.air).toBe(tb!.air);
    expect(ta!.coverage + tb!.coverage).toBe(0);
    expect(ta!.air!.collisions).toBe(20);
    const sa = runBroadcast(threeNodes(false), a, { radio });
    const sb = runBroadcast(threeNodes(false), b, { radio: { ...radio }, seed: 1 });
    expect(sa.coverage + sb.coverage).toBe(2);
    expect(sa.air!.collisions + sb.air!.collisions).toBe(0);
  });

  it('contention off is untouched: runBroadcasts without contention equals separate runs', () => {
    const specs = [
      { origins: ['C1'], packets: 5 },
      { origins: ['C2'], packets: 5 },
    ];
    const together = runBroadcasts(net, specs, { seed: 3 });
    specs.forEach((spec, i) => {
      // The same pass, with a warning that what the two do to each other is not simulated.
      const { warnings, ...summary } = together[i]!.summary();
      expect(JSON.stringify(summary)).toBe(
        JSON.stringify({ ...runBroadcast(net, spec, { seed: 3 }).summary(), warnings: undefined }),
      );
      expect(warnings.map((w) => w.code)).toEqual(['parallel-broadcasts']);
    });
    expect(together[0]!.air).toBeNull();
  });

  it('checks its options', () => {
    const spec = { origins: ['C1'], packets: 1 };
    expect(() => runBroadcast(net, spec, { radio: { contention: { channels: 0 } } })).toThrow(
      expect.objectContaining({ path: 'options.radio.contention.channels' }),
    );
    expect(() => runBroadcast(net, spec, { radio: { contention: { slots: 3 } as never } })).toThrow(ValidationError);
    expect(() => runBroadcasts(net, [])).toThrow(expect.objectContaining({ path: 'specs' }));
    expect(() => runBroadcasts(net, [spec, { ...spec, maxHops: 99 }])).toThrow(
      expect.objectContaining({ path: 'specs[1].maxHops' }),
    );
  });
});

describe('contention: background reads and uplink reports', () => {
  const net = generators.utilityMesh({ collectors: 2, endpointsPerCollector: 1200, seed: 5 });
  const heavy = { origins: ['C1', 'C2'], packets: 40, spacingS: 15, maxHops: 12, ttlS: 60 };
  const se = (a: { successRate: number; sent: number }, b: { successRate: number; sent: number }): number =>
    Math.sqrt((a.successRate * (1 - a.successRate)) / a.sent + (b.successRate * (1 - b.successRate)) / b.sent);

  it('refuses read traffic no run could hold, before generating it: packets paced years apart', () => {
    const spec = { origins: ['C1'], packets: 8, spacingS: 2 ** 31, maxHops: 12, ttlS: 60, limits: 'research' as const };
    expect(() => runBroadcast(net, spec, { seed: 1, radio: csma, traffic: { reads: { intervalS: 300 } } })).toThrow(
      expect.objectContaining({
        path: 'options.traffic.reads',
        message: expect.stringMatching(/at most 50,000,000 reads.*2,400 meters over 1\.50e\+10 s/),
      }),
    );
    // The same traffic over a day's span runs.
    const day = runBroadcast(
      net,
      { ...spec, spacingS: 3600, packets: 24 },
      { seed: 1, radio: csma, traffic: { reads: { intervalS: 3600 } } },
    );
    expect(day.air!.reads!.during.sent).toBeGreaterThan(0);
  });

  it('reads retry per hop: on a lossy line success is 1-(1-p)^(r+1) per hop', () => {
    const r = runBroadcast(
      generators.line({ meters: 3, success: 0.5 }),
      { origins: ['C1'], packets: 1, ttlS: 60 },
      {
        seed: 1,
        radio: csma,
        traffic: { reads: { intervalS: 100, beforeS: 200_000, afterS: 0, retries: 1, deadlineS: 1e6 } },
      },
    );
    const before = r.air!.reads!.before;
    const per = 1 - 0.5 ** 2;
    const want = (per + per ** 2 + per ** 3) / 3; // meters at 1, 2 and 3 hops
    expect(Math.abs(before.successRate - want)).toBeLessThan(Z * proportionSE(want, before.sent));
  });

  it.each(SEEDS)('read success drops while a broadcast is on the air and recovers after it (seed %i)', (seed) => {
    const r = runBroadcast(net, heavy, { seed, radio: csma, traffic: { reads: { intervalS: 300 } } });
    const { before, during, after } = r.air!.reads!;
    expect(before.successRate - during.successRate).toBeGreaterThan(Z * se(before, during));
    expect(after.successRate - during.successRate).toBeGreaterThan(Z * se(after, during));
    expect(Math.abs(after.successRate - before.successRate)).toBeLessThan(Z * se(after, before));
  });

  it('two broadcasts at once lower read success more than one (seeds pooled)', () => {
    // The effect is 3–7 standard errors per seed: pooled over the seeds it is far beyond Z, so
    // no single seed's draw decides the verdict.
    const traffic = { reads: { intervalS: 300 } };
    const pool = { one: { ok: 0, sent: 0 }, two: { ok: 0, sent: 0 } };
    for (const seed of SEEDS) {
      const one = runBroadcast(net, heavy, { seed, radio: csma, traffic }).air!.reads!.during;
      const [both] = runBroadcasts(
        net,
        [heavy, { ...heavy, origins: ['C2', 'C1'], startS: 7, targets: { kinds: ['gasModule' as const] } }],
        { seed, radio: csma, traffic },
      );
      const two = both!.air!.reads!.during;
      for (const [key, reads] of [
        ['one', one],
        ['two', two],
      ] as const) {
        pool[key].ok += reads.successRate * reads.sent;
        pool[key].sent += reads.sent;
      }
    }
    const one = { successRate: pool.one.ok / pool.one.sent, sent: pool.one.sent };
    const two = { successRate: pool.two.ok / pool.two.sent, sent: pool.two.sent };
    expect(one.successRate - two.successRate).toBeGreaterThan(Z * se(one, two));
  });

  it.each(SEEDS)('completion reports fired at once are lost; spread out they arrive (seed %i)', (seed) => {
    const spec = { origins: ['C1', 'C2'], packets: 3, maxHops: 12, ttlS: 60 };
    const burst = runBroadcast(net, spec, { seed, radio: csma, traffic: { reports: { spreadS: 0 } } }).air!.reports!;
    const spread = runBroadcast(net, spec, { seed, radio: csma, traffic: { reports: { spreadS: 1800 } } }).air!
      .reports!;
    // Reports go out from every endpoint that completed (all but a few in both runs).
    expect(burst.sent).toBeGreaterThan(2300);
    expect(spread.sent).toBeGreaterThan(2300);
    expect(burst.missed).toBeGreaterThan(4 * spread.missed);
    expect(spread.missed / spread.sent).toBeLessThan(0.1);
  });

  it.each(SEEDS)(
    'each target reports its own completion: heard after it completed, one per report (seed %i)',
    (seed) => {
      const spec = { origins: ['C1', 'C2'], packets: 3, maxHops: 12, ttlS: 60 };
      const r = runBroadcast(net, spec, { seed, radio: csma, traffic: { reports: { spreadS: 600 } } });
      const heard = r.reportsHeardS!;
      expect(heard.length).toBe(r.targets);
      let delivered = 0;
      r.targetIds().forEach((id, t) => {
        const at = heard[t]!;
        if (Number.isNaN(at)) return;
        delivered++;
        expect(at).toBeGreaterThan(r.endpoint(id).completedS!);
      });
      expect(delivered).toBe(r.air!.reports!.delivered);
      expect(runBroadcast(net, spec, { seed, radio: csma }).reportsHeardS).toBeNull();
    },
  );
});

describe('traffic options', () => {
  const net = generators.line({ meters: 3 });
  const spec = { origins: ['C1'], packets: 1, ttlS: 60 };

  it.each([
    [{ reads: { intervalS: 0 } }, 'options.traffic.reads.intervalS'],
    [{ reads: { intervalS: '300' } }, 'options.traffic.reads.intervalS'],
    [{ reads: { deadlineS: -1 } }, 'options.traffic.reads.deadlineS'],
    [{ reads: { retries: 1.5 } }, 'options.traffic.reads.retries'],
    [{ reads: { retries: 101 } }, 'options.traffic.reads.retries'],
    [{ reads: { beforeS: -1 } }, 'options.traffic.reads.beforeS'],
    [{ reads: { afterS: Infinity } }, 'options.traffic.reads.afterS'],
    [{ reads: { registerReadIntervalS: -60 } }, 'options.traffic.reads.registerReadIntervalS'],
    [{ reads: { commandIntervalS: NaN } }, 'options.traffic.reads.commandIntervalS'],
    [{ reads: { everyS: 60 } }, 'options.traffic.reads.everyS'],
    [{ reads: 300 }, 'options.traffic.reads'],
    [{ reports: { spreadS: -1 } }, 'options.traffic.reports.spreadS'],
    [{ reports: { retries: -1 } }, 'options.traffic.reports.retries'],
    [{ reports: { retries: 3, burst: true } }, 'options.traffic.reports.burst'],
    [{ reports: [] }, 'options.traffic.reports'],
    [{ polls: {} }, 'options.traffic.polls'],
    ['reads', 'options.traffic'],
  ])('%j is refused, naming %s', (traffic, path) => {
    expect(() => runBroadcast(net, spec, { radio: csma, traffic: traffic as never })).toThrow(
      expect.objectContaining({ name: 'ValidationError', path }),
    );
  });

  it('applies defaults; traffic left out or empty is none', () => {
    expect(checkTraffic()).toEqual({ reads: null, reports: null });
    expect(checkTraffic({})).toEqual({ reads: null, reports: null });
    expect(checkTraffic({ reads: {}, reports: {} })).toEqual({
      reads: {
        intervalS: 900,
        deadlineS: 120,
        retries: 3,
        beforeS: 1800,
        afterS: 1800,
        registerReadIntervalS: 0,
        commandIntervalS: 0,
      },
      reports: { spreadS: 0, retries: 3 },
    });
    // The path is the caller's.
    expect(() => checkTraffic({ reads: { intervalS: -1 } }, 'where')).toThrow(
      expect.objectContaining({ path: 'where.reads.intervalS' }),
    );
  });

  it('needs the shared air: refused with contention off, for every entry point', async () => {
    const traffic = { reads: { intervalS: 300 } };
    const offPath = expect.objectContaining({ name: 'ValidationError', path: 'options.traffic' });
    expect(() => runBroadcast(net, spec, { traffic })).toThrow(offPath);
    expect(() => runBroadcast(net, spec, { radio: { contention: 'none' }, traffic })).toThrow(offPath);
    expect(() => runBroadcasts(net, [spec], { traffic })).toThrow(offPath);
    await expect(runBroadcastParallel(net, spec, { traffic, workers: 1 })).rejects.toThrow(offPath);
    // No traffic at all is fine without contention.
    expect(runBroadcast(net, spec, { traffic: {} }).air).toBeNull();
  });

  it('is no longer read under radio.contention: the error says where it went', () => {
    for (const moved of ['reads', 'reports']) {
      expect(() => runBroadcast(net, spec, { radio: { contention: { [moved]: {} } as never } })).toThrow(
        expect.objectContaining({
          path: `options.radio.contention.${moved}`,
          message: expect.stringContaining(`traffic.${moved}`),
        }),
      );
    }
  });

  it('runBroadcasts and runBroadcastParallel take it as runBroadcast does', async () => {
    const traffic = { reads: { intervalS: 100, beforeS: 300, afterS: 300 }, reports: { spreadS: 10 } };
    const one = runBroadcast(net, spec, { seed: 4, radio: csma, traffic });
    expect(one.air!.reads!.before.sent).toBeGreaterThan(0);
    expect(one.air!.reports!.sent).toBe(3);
    // Broadcasts run together draw from streams of their own: the same traffic, other draws.
    const [together] = runBroadcasts(net, [spec], { seed: 4, radio: csma, traffic });
    expect(together!.air!.reads!.before.sent).toBe(one.air!.reads!.before.sent);
    expect(together!.air!.reports!.sent).toBe(3);
    const parallel = await runBroadcastParallel(net, spec, { seed: 4, radio: csma, traffic, workers: 1 });
    expect(JSON.stringify(parallel.summary())).toBe(JSON.stringify(one.summary()));
  });

  describe('in a scenario', () => {
    const scenario = {
      network: { generator: 'line', options: { meters: 3 } },
      radio: { contention: 'csma' },
      traffic: { reads: { intervalS: 300 } },
      broadcast: { origins: 'all', packets: 1 },
    };
    it('is a top-level section; its errors name the scenario path', () => {
      expect(loadScenario(scenario).scenario.traffic).toEqual({ reads: { intervalS: 300 } });
      expect(() => loadScenario({ ...scenario, traffic: { reads: { intervalS: -5 } } })).toThrow(
        expect.objectContaining({ path: 'traffic.reads.intervalS' }),
      );
      expect(() => loadScenario({ ...scenario, traffic: { reports: { retries: 'x' } } })).toThrow(
        expect.objectContaining({ path: 'traffic.reports.retries' }),
      );
      expect(() => loadScenario({ ...scenario, radio: {} })).toThrow(expect.objectContaining({ path: 'traffic' }));
      expect(() =>
        loadScenario({ ...scenario, radio: { contention: { reads: { intervalS: 300 } } }, traffic: undefined }),
      ).toThrow(expect.objectContaining({ path: 'radio.contention.reads' }));
    });
    it('can be swept', () => {
      expect(sweepPath('traffic.reports.spreadS')).toEqual(['traffic', 'reports', 'spreadS']);
    });
  });
});

describe('contention: Maximum TTL when floods outlast the pacing', () => {
  // A sparse territory and slow forwarding: a flood takes longer than the 70 s between packets.
  const deep = generators.utilityMesh({ collectors: 1, endpointsPerCollector: 3000, seed: 9, cellSideM: 9000 });
  const radio = { contention: 'csma', delay: { kind: 'uniform', minS: 4, maxS: 12 } } as const;
  const spec = { origins: ['C1'], packets: 10, spacingS: 70, maxHops: 40 };

  it.each(SEEDS)(
    'TTL 300 s keeps more packets in flight and collides more per delivered packet than TTL 60 s (seed %i)',
    (seed) => {
      const short = runBroadcast(deep, { ...spec, ttlS: 60 }, { seed, radio });
      const long = runBroadcast(deep, { ...spec, ttlS: 300 }, { seed, radio });
      expect(long.air!.meanPacketsInFlight).toBeGreaterThan(short.air!.meanPacketsInFlight);
      expect(long.air!.collisions / long.stats.reached).toBeGreaterThan(short.air!.collisions / short.stats.reached);
      // The price of the short TTL here: frames expire in queues and far layers miss packets.
      expect(short.air!.expiredInQueue).toBeGreaterThan(0);
      expect(long.coverage).toBeGreaterThan(short.coverage);
    },
  );
});

describe('contention: per-device utilisation', () => {
  it('is the device’s airtime over the air’s active span, and null without contention', () => {
    const net = generators.line({ meters: 3 });
    const airtime = { frameBytes: 100, bitRateBps: 8000 }; // 0.1 s a frame
    const r = runBroadcast(
      net,
      { origins: ['C1'], packets: 1, ttlS: 600 },
      { radio: { ...csma, delay: { kind: 'constant', valueS: 2 }, airtime } },
    );
    // C1 sends at 2.0 s, M1 at 4.1, M2 at 6.2, M3 at 8.3; the air is active from 2.0 to 8.4 s.
    expect(r.air!.firstS).toBeCloseTo(2, 9);
    expect(r.air!.lastS).toBeCloseTo(8.4, 9);
    expect(r.utilisation('M2')).toBeCloseTo(0.1 / 6.4, 9);
    expect(r.air!.maxUtilisation).toBeCloseTo(0.1 / 6.4, 9);
    expect(runBroadcast(net, { origins: ['C1'], packets: 1 }).utilisation('M2')).toBeNull();
    expect(() => r.utilisation('nope')).toThrow(ValidationError);
  });
});

describe('contention: register reads and two-way commands', () => {
  it('a round trip k hops away succeeds with q^(2k), q = 1-(1-p)^(r+1) per hop', () => {
    const r = runBroadcast(
      generators.line({ meters: 3, success: 0.5 }),
      { origins: ['C1'], packets: 1, ttlS: 60 },
      {
        seed: 2,
        radio: csma,
        traffic: {
          reads: {
            intervalS: 1e6,
            registerReadIntervalS: 100,
            commandIntervalS: 100,
            beforeS: 200_000,
            afterS: 0,
            retries: 1,
            deadlineS: 1e6,
          },
        },
      },
    );
    const q = 1 - 0.5 ** 2;
    const want = (q ** 2 + q ** 4 + q ** 6) / 3;
    for (const kpi of [r.air!.reads!.registerReads!.before, r.air!.reads!.commands!.before]) {
      expect(Math.abs(kpi.successRate - want)).toBeLessThan(Z * proportionSE(want, kpi.sent));
    }
  });

  it.each(SEEDS)('register reads and commands also suffer during a heavy broadcast (seed %i)', (seed) => {
    const net = generators.utilityMesh({ collectors: 2, endpointsPerCollector: 1200, seed: 5 });
    // Hourly requests to each of 2,400 meters: light enough that the collectors' queues keep up.
    const spec = { origins: ['C1', 'C2'], packets: 100, spacingS: 15, maxHops: 12, ttlS: 60 };
    const r = runBroadcast(net, spec, {
      seed,
      radio: csma,
      traffic: { reads: { intervalS: 3600, registerReadIntervalS: 3600, commandIntervalS: 3600 } },
    });
    for (const k of [r.air!.reads!.registerReads!, r.air!.reads!.commands!]) {
      const se = Math.sqrt(
        (k.before.successRate * (1 - k.before.successRate)) / k.before.sent +
          (k.during.successRate * (1 - k.during.successRate)) / k.during.sent,
      );
      expect(k.before.successRate - k.during.successRate).toBeGreaterThan(Z * se);
      expect(k.after.sent).toBeGreaterThan(0);
    }
    expect(
      runBroadcast(net, { ...spec, packets: 1 }, { seed, radio: csma, traffic: { reads: {} } }).air!.reads!
        .registerReads,
    ).toBeNull();
  });
});

describe('contention: parallel broadcasts and coverage', () => {
  // A sparse mesh (neighbour tables of 4, 6 km cells), where a meter hears few copies of a
  // packet and collisions cost packets. Replications pooled; the standard error comes from
  // the replicates themselves.
  const sparse = generators.utilityMesh({
    collectors: 2,
    endpointsPerCollector: 1500,
    seed: 9,
    cellSideM: 6000,
    neighbourTable: 4,
  });
  const a = { origins: ['C1', 'C2'], packets: 30, spacingS: 10, maxHops: 12, ttlS: 60 };
  const b = { ...a, startS: 5, targets: { kinds: ['gasModule' as const] } };
  const radio = { contention: 'csma' } as const;
  const reps = 25;
  const mean = (x: number[]): number => x.reduce((p, q) => p + q, 0) / x.length;
  const variance = (x: number[]): number => x.reduce((p, q) => p + (q - mean(x)) ** 2, 0) / (x.length - 1);

  it.each(SEEDS)('two broadcasts at once complete fewer targets than each alone (seed %i, 25 replications)', (seed) => {
    const together: number[] = [];
    const alone: number[] = [];
    for (let replication = 0; replication < reps; replication++) {
      const [ta, tb] = runBroadcasts(sparse, [a, b], { seed, replication, radio });
      together.push(ta!.coverage + tb!.coverage);
      alone.push(
        runBroadcast(sparse, a, { seed, replication, radio }).coverage +
          runBroadcast(sparse, b, { seed, replication, radio }).coverage,
      );
    }
    const se = Math.sqrt(variance(together) / reps + variance(alone) / reps);
    expect(mean(alone) - mean(together)).toBeGreaterThan(Z * se);
  });
});

describe('contention: the air’s active span covers all traffic', () => {
  it('firstS and lastS include reads as well as broadcast frames', () => {
    const net = generators.line({ meters: 3 });
    const r = runBroadcast(
      net,
      { origins: ['C1'], packets: 1, ttlS: 60 },
      { radio: csma, traffic: { reads: { intervalS: 100, beforeS: 500, afterS: 500 } } },
    );
    expect(r.air!.firstS).toBeLessThan(0); // reads before the first packet
    expect(r.air!.lastS).toBeGreaterThan(60); // reads after the broadcast
  });
});

describe('contention: two collectors in one broadcast, nearby vs far apart', () => {
  // scenarios/nearby-collectors.json: 3 km collector cells; C1–C2 side by side (1.9 miles),
  // C1–C9 8.5 km apart; each collector sends its own copy of every packet. Its sweep runs each
  // pair together and each collector alone. Per replication, together is compared with the two
  // alone summed, per packet delivered (node-packet pairs reached): redundant receptions,
  // airtime and collisions. Replications of the three seeds pooled; the standard error comes
  // from the replicates.
  const scenario = JSON.parse(
    readFileSync(new URL('../scenarios/nearby-collectors.json', import.meta.url), 'utf8'),
  ) as Scenario;
  // The sweep varies the whole broadcast (each targets its own collectors' meters).
  const cellOf = (origins: string[]): number =>
    scenario.sweep!.grid!['broadcast']!.findIndex(
      (b) => JSON.stringify((b as { origins: string[] }).origins) === JSON.stringify(origins),
    );
  const metrics = ['duplicates', 'airtimeS', 'collisions'] as const;
  const perDelivered = (rs: SweepRecord[], m: (typeof metrics)[number]): number =>
    rs.reduce((a, r) => a + r[m]!, 0) / rs.reduce((a, r) => a + r.reached, 0);
  const ratios = { near: new Map<string, number[]>(), far: new Map<string, number[]>() };

  it('runs the scenario’s sweep over the seeds', async () => {
    for (const seed of SEEDS) {
      const { records } = await sweep(scenario, scenario.sweep!.grid!, { seed, workers: 0 });
      const at = (origins: string[], rep: number): SweepRecord =>
        records.find((r) => r.cell === cellOf(origins) && r.replication === rep)!;
      for (let rep = 0; rep < scenario.sweep!.replications!; rep++) {
        for (const [pair, [a, b]] of [
          ['near', ['C1', 'C2']],
          ['far', ['C1', 'C9']],
        ] as const) {
          for (const m of metrics) {
            const r = perDelivered([at([a, b], rep)], m) / perDelivered([at([a], rep), at([b], rep)], m);
            ratios[pair].set(m, [...(ratios[pair].get(m) ?? []), r]);
          }
        }
      }
    }
  });

  const mean = (x: number[]): number => x.reduce((p, q) => p + q, 0) / x.length;
  const se = (x: number[]): number =>
    Math.sqrt(x.reduce((p, q) => p + (q - mean(x)) ** 2, 0) / (x.length - 1) / x.length);
  it.each(metrics)('nearby together: more %s per packet delivered than each alone', (m) => {
    const x = ratios.near.get(m)!;
    expect(x.length).toBe(SEEDS.length * scenario.sweep!.replications!);
    expect(mean(x) - 1).toBeGreaterThan(Z * se(x));
  });
  it.each(metrics)('far apart together: no more %s per packet delivered than each alone', (m) => {
    const x = ratios.far.get(m)!;
    expect(mean(x) - 1).toBeLessThan(Z * se(x));
    expect(mean(x)).toBeLessThan(mean(ratios.near.get(m)!));
  });
});
