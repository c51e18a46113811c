import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BroadcastResult } from '../src/index.js';
import {
  generators,
  Network,
  runBroadcast,
  runBroadcastParallel,
  runBroadcasts,
  ValidationError,
  type BroadcastSpec,
} from '../src/index.js';

function digest(r: BroadcastResult): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(r.summary()));
  for (const id of r.targetIds()) {
    const e = r.endpoint(id);
    h.update(`${id}:${e.tank?.hex()}:${e.completedS}:${e.lastHeardS}`);
  }
  return h.digest('hex');
}

const utilityNet = generators.utility({ collectors: 2, endpointsPerCollector: 400, seed: 3 });
const base: BroadcastSpec = { origins: ['C1', 'C2'], packets: 30, maxHops: 12, ttlS: 120 };

describe('determinism', () => {
  it('same seed and inputs give identical results', () => {
    const a = runBroadcast(utilityNet, base, { seed: 9, radio: { delay: { kind: 'exponential', meanS: 2 } } });
    const b = runBroadcast(utilityNet, base, { seed: 9, radio: { delay: { kind: 'exponential', meanS: 2 } } });
    expect(digest(a)).toBe(digest(b));
  });

  it('a rebuilt network from the same generator seed gives identical results', () => {
    const again = generators.utility({ collectors: 2, endpointsPerCollector: 400, seed: 3 });
    expect(digest(runBroadcast(again, base, { seed: 4 }))).toBe(digest(runBroadcast(utilityNet, base, { seed: 4 })));
  });

  it('a pass does not depend on the passes run on the same mesh before it', () => {
    // Floods keep scratch state and event queues per mesh between passes (the calendar queue
    // keeps its adapted bucket width). Passes of very different time scales, targets and
    // origins first must leave no trace: compare with the same pass on a fresh compilation.
    const spec: BroadcastSpec = { origins: ['C2'], packets: 12, maxHops: 8, ttlS: 90, targets: { kinds: ['meter'] } };
    const radio = { delay: { kind: 'exponential', meanS: 2 } } as const;
    for (const seed of [1, 2, 3]) {
      const fresh = generators.utility({ collectors: 2, endpointsPerCollector: 400, seed: 3 });
      const used = generators.utility({ collectors: 2, endpointsPerCollector: 400, seed: 3 });
      runBroadcast(used, { ...base, packets: 50 }, { seed, radio: { delay: { kind: 'constant', valueS: 0.001 } } });
      runBroadcast(
        used,
        { origins: ['C1'], packets: 3, maxHops: 40, ttlS: 1e6, limits: 'research' },
        { seed, radio: { delay: { kind: 'uniform', minS: 100, maxS: 900 } } },
      );
      for (const queue of ['calendar', 'radix', 'heap'] as const) {
        expect(digest(runBroadcast(used, spec, { seed, radio, queue }))).toBe(
          digest(runBroadcast(fresh, spec, { seed, radio, queue })),
        );
      }
    }
  });

  it('different seeds or replications give different results', () => {
    const lossy = generators.grid({ width: 20, success: 0.8 });
    const spec = { origins: ['C1'], packets: 10 };
    const a = digest(runBroadcast(lossy, spec, { seed: 1 }));
    expect(digest(runBroadcast(lossy, spec, { seed: 2 }))).not.toBe(a);
    expect(digest(runBroadcast(lossy, spec, { seed: 1, replication: 1 }))).not.toBe(a);
  });

  it('hops that take no time flood alike on every queue, however late in a pass', () => {
    // Every copy then arrives one clock tick after it was sent: at 30,000 s a tick is ~7e-12 s,
    // so a calendar queue narrowing its buckets to such times must still count them exactly.
    const grid = generators.grid({ width: 15, success: 0.8 });
    const spec = { origins: ['C1'], packets: 50, spacingS: 600, maxHops: 30, ttlS: 60 };
    const radio = { delay: { kind: 'constant', valueS: 0 } } as const;
    const want = digest(runBroadcast(grid, spec, { seed: 4, radio, queue: 'fastpriorityqueue' }));
    for (const queue of ['ladder', 'calendar', 'radix', 'heap'] as const)
      expect(digest(runBroadcast(grid, spec, { seed: 4, radio, queue }))).toBe(want);
  });

  it('every queue gives the same flood with unbounded delays, in time order and in batches', () => {
    // Exponential delays can be 0 (time order); with airtime every hop takes time (batches
    // behind the queue); lognormal delays, time order again.
    for (const radio of [
      { delay: { kind: 'exponential', meanS: 2 } },
      { delay: { kind: 'exponential', meanS: 2 }, airtime: { frameBytes: 100, bitRateBps: 9600 } },
      { delay: { kind: 'lognormal', meanS: 1.5, cv: 1 } },
    ] as const) {
      const want = digest(runBroadcast(utilityNet, base, { seed: 6, radio, queue: 'heap' }));
      for (const queue of ['ladder', 'calendar', 'radix'] as const)
        expect(digest(runBroadcast(utilityNet, base, { seed: 6, radio, queue }))).toBe(want);
    }
  });

  it('both queue implementations give identical results', () => {
    const a = runBroadcast(utilityNet, base, {
      seed: 5,
      queue: 'heap',
      radio: { delay: { kind: 'constant', valueS: 1 } },
    });
    const b = runBroadcast(utilityNet, base, {
      seed: 5,
      queue: 'fastpriorityqueue',
      radio: { delay: { kind: 'constant', valueS: 1 } },
    });
    expect(digest(a)).toBe(digest(b));
  });

  it('a result records the seed, replication, pass and package version', () => {
    const r = runBroadcast(utilityNet, base, { seed: 'study-7', replication: 3 });
    expect(r.meta).toEqual({ seed: 'study-7', replication: 3, pass: 0, version: '0.1.0', contention: 'none' });
  });
});

describe('broadcast semantics', () => {
  it('broadcasts cross collector boundaries; other collectors neither take nor forward', () => {
    // C1 - M1 - C2 - M2: M2 is reachable only through collector C2, which is not an origin.
    const net = new Network();
    for (const [id, kind] of [
      ['C1', 'collector'],
      ['M1', 'meter'],
      ['C2', 'collector'],
      ['M2', 'meter'],
      ['M3', 'meter'],
    ] as const) {
      net.addDevice({ id, kind, ...(id === 'M3' ? { collector: 'C2' } : {}) });
    }
    net.addLink({ from: 'C1', to: 'M1', success: 1 });
    net.addLink({ from: 'M1', to: 'C2', success: 1 });
    net.addLink({ from: 'C2', to: 'M2', success: 1 });
    net.addLink({ from: 'M1', to: 'M3', success: 1 });
    const r = runBroadcast(net, { origins: ['C1'], packets: 2 });
    expect(r.endpoint('M3').completedS).not.toBeNull(); // registered to C2, reached from C1
    expect(r.endpoint('M2').completedS).toBeNull();
    expect(r.endpoint('C2').lastHeardS).not.toBeNull(); // C2 hears, but does not forward
    expect(r.unreachable).toBe(1);
  });

  it('relays forward whether or not they are targets; child modules never relay', () => {
    const net = generators.line({ meters: 4 });
    net.addDevice({ id: 'W1', kind: 'waterModule', parent: 'M2' });
    const onlyLast = runBroadcast(net, { origins: ['C1'], packets: 3, targets: (d) => d.id === 'M4' });
    expect(onlyLast.targets).toBe(1);
    expect(onlyLast.coverage).toBe(1);
    const r = runBroadcast(net, {
      origins: ['C1'],
      packets: 3,
      limits: 'research',
      targets: { kinds: ['meter', 'waterModule'] },
    });
    // C1 and M1..M4 forward every packet (M4 has no one new to reach but still forwards); W1 never does.
    expect(r.stats.transmissions).toBe(3 * 5);
    expect(r.endpoint('W1').holder).toBe('M2');
  });

  it('Disable Broadcasts and Encrypt FW Download endpoints relay but never take the image', () => {
    const net = new Network();
    net.addDevice({ id: 'C1', kind: 'collector' });
    net.addDevice({ id: 'M1', kind: 'meter', flags: { disableBroadcasts: true } });
    net.addDevice({ id: 'M2', kind: 'meter', flags: { encryptFwDownload: true } });
    net.addDevice({ id: 'M3', kind: 'meter' });
    net.addLink({ from: 'C1', to: 'M1', success: 1 });
    net.addLink({ from: 'M1', to: 'M2', success: 1 });
    net.addLink({ from: 'M2', to: 'M3', success: 1 });
    const r = runBroadcast(net, { origins: ['C1'], packets: 9 });
    expect(r.refused).toBe(2);
    expect(r.endpoint('M1').tank!.missing).toBe(9);
    expect(r.endpoint('M1').refused).toBe(true);
    expect(r.endpoint('M2').completedS).toBeNull();
    expect(r.endpoint('M3').completedS).not.toBeNull();
    expect(r.coverage).toBeCloseTo(1 / 3, 12);
  });

  it('a repeat pass fills only the gaps and never undoes earlier completion', () => {
    const net = generators.grid({ width: 15, success: 0.75 });
    const spec = { origins: ['C1'], packets: 16, maxHops: 40, ttlS: 300 };
    const p1 = runBroadcast(net, spec, { seed: 3 });
    const p2 = runBroadcast(net, spec, { seed: 3, previous: p1 });
    const p3 = runBroadcast(net, spec, { seed: 3, previous: p2 });
    expect(p2.coverage).toBeGreaterThanOrEqual(p1.coverage);
    expect(p3.coverage).toBeGreaterThanOrEqual(p2.coverage);
    expect(p2.firstPacketS).toBe(p1.endS);
    expect(p3.meta.pass).toBe(2);
    for (const id of p1.targetIds()) {
      const a = p1.tank(id);
      const b = p2.tank(id);
      for (let k = 0; k < 16; k++) if (a.has(k)) expect(b.has(k)).toBe(true);
      const done = p1.endpoint(id).completedS;
      if (done !== null) expect(p2.endpoint(id).completedS).toBe(done);
    }
    // the earlier result is not changed by continuing from it
    expect(runBroadcast(net, spec, { seed: 3 }).summary()).toEqual(p1.summary());
  });

  it('Maximum Segments sends part of the image; firstSegment picks up where it left off', () => {
    const net = generators.star({ meters: 5 });
    const a = runBroadcast(net, { origins: ['C1'], packets: 20, maxSegments: 8 });
    expect(a.packetsSent).toBe(8);
    expect(a.packetsToSend).toBe(20);
    expect(a.tankHex('M1')).toBe('00 FF 0F');
    expect(a.coverage).toBe(0);
    const b = runBroadcast(net, { origins: ['C1'], packets: 20, firstSegment: 8 }, { previous: a });
    expect(b.packetsSent).toBe(12);
    expect(b.coverage).toBe(1);
    expect(b.tankHex('M1')).toBe('00 00 00');
  });

  it('tank bits: bit k of byte k/8 (least significant first) is 1 while packet k is missing', () => {
    const net = generators.line({ meters: 1 });
    const r = runBroadcast(net, { origins: ['C1'], packets: 24, maxSegments: 10 });
    const tank = r.tank('M1');
    expect(tank.hex()).toBe('00 FC FF');
    expect(tank.has(9)).toBe(true);
    expect(tank.has(10)).toBe(false);
    expect(tank.missing).toBe(14);
    expect(tank.percent).toBeCloseTo((100 * 10) / 24, 12);
    expect(() => tank.has(24)).toThrow(ValidationError);
  });

  it('activation is immediate or scheduled, and the endpoint runs the image after its reboot', () => {
    const net = generators.line({ meters: 2 });
    const spec = { origins: ['C1'], packets: 3, spacingS: 70, rebootS: 100, version: '7.08' };
    const now = runBroadcast(net, spec, { radio: { delay: { kind: 'constant', valueS: 2 } } });
    const m2 = now.endpoint('M2');
    expect(m2.completedS).toBe(140 + 4);
    expect(m2.activationS).toBe(144);
    expect(m2.runningS).toBe(244);
    expect(m2.pendingVersion).toBe('7.08');
    const later = runBroadcast(
      net,
      { ...spec, epoch: '2026-12-01T00:00:00Z', activation: { at: '2026-12-01T02:00:00Z' } },
      { radio: { delay: { kind: 'constant', valueS: 2 } } },
    );
    expect(later.endpoint('M2').activationS).toBe(7200);
    expect(runBroadcast(net, { ...spec, activation: { atS: 50 } }).endpoint('M1').activationS).toBeGreaterThan(50);
  });

  it('image size can be given in bytes; airtime adds to every hop', () => {
    const net = generators.line({ meters: 3 });
    const r = runBroadcast(
      net,
      { origins: ['C1'], imageBytes: 1000, payloadBytes: 64 },
      {
        radio: { delay: { kind: 'constant', valueS: 1 }, airtime: { frameBytes: 100, bitRateBps: 8000 } },
      },
    );
    expect(r.packetsToSend).toBe(16);
    expect(r.endpoint('M3').lastHeardS).toBeCloseTo(15 * 70 + 3 * 1.1, 9);
  });

  it.each([1, 2, 3])(
    'meters complete with their tank, gas / water modules after a hand-off, and a repeat pass keeps earlier ' +
      'completions (seed %i)',
    (seed) => {
      const spec: BroadcastSpec = {
        ...base,
        limits: 'research',
        targets: { kinds: ['meter', 'gasModule', 'waterModule'] },
      };
      const handoff = { attemptSuccess: 0.7, maxAttempts: 3, wakeIntervalS: 300, transferS: 20 };
      const first = runBroadcast(utilityNet, spec, { seed, handoff });
      const second = runBroadcast(utilityNet, spec, { seed, handoff, previous: first });
      expect(second.completed).toBeGreaterThan(first.completed);
      let children = 0;
      for (const r of [first, second]) {
        const times: number[] = [];
        for (const id of r.targetIds()) {
          const e = r.endpoint(id);
          if (e.completedS === null) continue;
          times.push(e.completedS);
          expect(e.completedS).toBeLessThanOrEqual(r.endS);
          if (e.holder === id) {
            // A mesh endpoint completes at its last needed packet, which it heard.
            expect(e.tank!.missing).toBe(0);
            expect(e.completedS).toBeLessThanOrEqual(e.lastHeardS!);
          } else {
            children++;
            const parent = r.endpoint(e.holder);
            expect(parent.tank!.missing).toBe(0);
            // Its parent is a meter target here: the hand-off starts once the parent's tank is whole.
            expect(e.completedS).toBeGreaterThan(parent.completedS!);
          }
        }
        expect(Array.from(r.completionTimesS())).toEqual(times.sort((x, y) => x - y));
      }
      expect(children).toBeGreaterThan(0);
      for (const id of first.targetIds()) {
        const done = first.endpoint(id).completedS;
        if (done !== null) expect(second.endpoint(id).completedS).toBe(done);
      }
    },
  );

  it('the per-layer table and completion summary add up', () => {
    const r = runBroadcast(utilityNet, base, { seed: 2 });
    expect(r.layers.reduce((a, l) => a + l.targets, 0)).toBe(r.targets);
    expect(r.layers.reduce((a, l) => a + l.completed, 0)).toBe(r.completed);
    expect(r.completion.count).toBe(r.completed);
    expect(r.completionTimesS().length).toBe(r.completed);
    expect(r.completed + r.incomplete).toBe(r.targets);
    expect(r.durationS).toBe(29 * 70);
    expect(r.endS).toBeLessThanOrEqual(r.lastPacketS + 120 + 3);
  });

  it('the head-end ranges are enforced unless research limits are chosen', () => {
    const net = generators.line({ meters: 50 });
    expect(() => runBroadcast(net, { origins: ['C1'], packets: 1, maxHops: 60 })).toThrow(ValidationError);
    const r = runBroadcast(net, { origins: ['C1'], packets: 1, maxHops: 60, ttlS: Infinity, limits: 'research' });
    expect(r.coverage).toBe(1);
  });
});

describe('spec validation names the field, the value and what is allowed', () => {
  const net = generators.line({ meters: 3 });
  const cases: [string, Partial<BroadcastSpec> & Record<string, unknown>, string][] = [
    ['no origins', { origins: [] }, 'spec.origins'],
    ['unknown origin', { origins: ['C9'] }, 'spec.origins[0]'],
    ['meter as origin', { origins: ['M1'] }, 'spec.origins[0]'],
    ['repeated origin', { origins: ['C1', 'C1'] }, 'spec.origins[1]'],
    ['maxHops 1', { maxHops: 1 }, 'spec.maxHops'],
    ['maxHops 41', { maxHops: 41 }, 'spec.maxHops'],
    ['maxHops 2.5', { maxHops: 2.5 }, 'spec.maxHops'],
    ['ttl 59', { ttlS: 59 }, 'spec.ttlS'],
    ['ttl 601', { ttlS: 601 }, 'spec.ttlS'],
    ['packets 0', { packets: 0 }, 'spec.packets'],
    ['payloadBytes beside packets', { payloadBytes: 64 }, 'spec.payloadBytes'],
    ['imageBytes beside packets', { imageBytes: 6400 }, 'spec.imageBytes'],
    [
      'an image of more than 10,000,000 packets',
      { packets: undefined as never, imageBytes: 2 ** 31 - 1, payloadBytes: 100 },
      'spec.imageBytes',
    ],
    ['spacing 0', { spacingS: 0 }, 'spec.spacingS'],
    ['spacing negative', { spacingS: -1 }, 'spec.spacingS'],
    ['maxSegments negative', { maxSegments: -1 }, 'spec.maxSegments'],
    ['firstSegment past the image', { firstSegment: 10 }, 'spec.firstSegment'],
    ['activation at without epoch', { activation: { at: '2026-12-01T00:00:00Z' } }, 'spec.epoch'],
    ['bad activation date', { activation: { at: 'tomorrow' }, epoch: '2026-12-01T00:00:00Z' }, 'spec.activation.at'],
    ['negative reboot', { rebootS: -5 }, 'spec.rebootS'],
    ['unknown limits', { limits: 'lab' as never }, 'spec.limits'],
    ['unknown filter field', { targets: { model: 'x' } as never }, 'spec.targets.model'],
    ['unknown kind in filter', { targets: { kinds: ['toaster'] } as never }, 'spec.targets.kinds'],
    ['unknown collector in filter', { targets: { collectors: ['C7'] } }, 'spec.targets.collectors'],
  ];
  it.each(cases)('%s', (_name, change, path) => {
    const spec = { origins: ['C1'], packets: 10, ...change } as BroadcastSpec;
    let error: unknown;
    try {
      runBroadcast(net, spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).path).toBe(path);
    expect((error as ValidationError).allowed.length).toBeGreaterThan(0);
  });

  it('the network and the options object are checked, unknown options refused, in every entry point', async () => {
    const spec = { origins: ['C1'], packets: 1 };
    expect(() => runBroadcast(null as never, spec)).toThrow(expect.objectContaining({ path: 'network' }));
    expect(() => runBroadcast({ n: 3 } as never, spec)).toThrow(expect.objectContaining({ path: 'network' }));
    expect(() => runBroadcast(net, spec, null as never)).toThrow(expect.objectContaining({ path: 'options' }));
    expect(() => runBroadcast(net, spec, { sead: 1 } as never)).toThrow(
      expect.objectContaining({ path: 'options.sead' }),
    );
    expect(() => runBroadcasts(net, [spec], { workers: 2 } as never)).toThrow(
      expect.objectContaining({ path: 'options.workers' }),
    );
    await expect(runBroadcastParallel(net, spec, { worker: 2 } as never)).rejects.toMatchObject({
      path: 'options.worker',
    });
    await expect(runBroadcastParallel(null as never, spec, { workers: 1 })).rejects.toMatchObject({ path: 'network' });
  });

  it('options are checked too', () => {
    const spec = { origins: ['C1'], packets: 1 };
    const paths = [
      [{ radio: { delay: { kind: 'pareto' } } }, 'options.radio.delay.kind'],
      [{ radio: { delay: { kind: 'exponential', meanS: 0 } } }, 'options.radio.delay.meanS'],
      [{ radio: { airtime: { frameBytes: 0, bitRateBps: 1 } } }, 'options.radio.airtime.frameBytes'],
      [{ radio: { contention: 'aloha' } }, 'options.radio.contention'],
      [{ handoff: { attemptSuccess: 2 } }, 'options.handoff.attemptSuccess'],
      [{ replication: -1 }, 'options.replication'],
      [{ queue: 'splay' }, 'options.queue'],
    ] as const;
    for (const [options, path] of paths) {
      expect(() => runBroadcast(net, spec, options as never), path).toThrow(expect.objectContaining({ path }));
    }
    const other = runBroadcast(generators.line({ meters: 3 }), spec);
    expect(() => runBroadcast(net, spec, { previous: other })).toThrow(
      expect.objectContaining({ path: 'options.previous' }),
    );
    const first = runBroadcast(net, spec);
    expect(() => runBroadcast(net, { ...spec, packets: 2 }, { previous: first })).toThrow(
      expect.objectContaining({ path: 'spec.packets' }),
    );
  });
});
