import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterS } from '../src/broadcast/flood.js';
import { sortNodes } from '../src/broadcast/sort-nodes.js';
import { CalendarQueue, createQueue, createStream, LadderQueue, Simulator, type EventQueue } from '../src/index.js';

function drain(q: EventQueue): number[] {
  const out: number[] = [];
  while (q.size > 0) out.push(q.pop());
  return out;
}

describe('event queues', () => {
  it.each(['ladder', 'calendar', 'radix', 'heap', 'fastpriorityqueue'] as const)(
    '%s pops in (time, insertion) order, ties included, and takes pushes before a peeked time',
    (kind) => {
      for (const seed of [1, 2, 3]) {
        const rng = createStream(seed, 'queue-test');
        const q = createQueue(kind, 4);
        const events: { t: number; id: number }[] = [];
        // Interleave pushes and pops, with many equal times, as a simulation does.
        const popped: number[] = [];
        let id = 0;
        let now = 0;
        const live: { t: number; id: number }[] = [];
        for (let step = 0; step < 3000; step++) {
          if (rng() < 0.6 || live.length === 0) {
            const t = now + Math.floor(rng() * 5);
            q.push(t, id);
            live.push({ t, id });
            events.push({ t, id });
            id++;
          } else {
            expect(q.peekTime()).toBe(Math.min(...live.map((e) => e.t)));
            // Floods peek ahead, then push copies earlier than the peeked time (never earlier
            // than the last event popped) before popping again.
            if (rng() < 0.3) continue;
            const got = q.pop();
            const want = live.reduce((best, e) => (e.t < best.t || (e.t === best.t && e.id < best.id) ? e : best));
            expect(got).toBe(want.id);
            live.splice(live.indexOf(want), 1);
            popped.push(got);
            now = want.t;
          }
        }
        const rest = drain(q);
        const want = [...live].sort((a, b) => a.t - b.t || a.id - b.id).map((e) => e.id);
        expect(rest).toEqual(want);
        expect(q.pop()).toBe(-1);
        expect(q.peekTime()).toBe(Infinity);
      }
    },
  );
  it.each(['ladder', 'calendar', 'radix', 'heap', 'fastpriorityqueue'] as const)(
    '%s clear() empties and restarts the sequence',
    (kind) => {
      const q = createQueue(kind);
      q.push(1, 10);
      q.push(1, 11);
      q.clear();
      expect(q.size).toBe(0);
      q.push(2, 20);
      q.push(2, 21);
      expect(drain(q)).toEqual([20, 21]);
    },
  );
});

// A queue that loops for ever would block the test worker, so these run in a child process over
// the built package, with a time limit that only catches a hang (a correct queue takes about a
// second; like the suite's own limits, it is set for a slow, shared machine).
const built = join(import.meta.dirname, '..', 'dist', 'index.js');

/**
 * Runs, in a child process with a time limit, a flood-like frontier of clock-tick hops early in
 * a run (buckets narrow as far as they go), then one event `laterS` seconds in: the queue must
 * jump to it (its bucket number past what a double counts at the narrow width) and pop it.
 */
function farJump(kind: 'ladder' | 'calendar', laterS: number): { order: number[]; widthS: number } {
  const script = `
    import { createQueue } from ${JSON.stringify(`file://${built}`)};
    const q = createQueue(${JSON.stringify(kind)});
    let id = 0;
    q.push(10, id++);
    for (let i = 0; i < 100000; i++) {
      const now = q.peekTime();
      q.pop();
      q.push(now + now * 2 ** -50 * (1 + (i % 3)), id++);
      if (i % 2 === 0) q.push(now + now * 2 ** -49, id++);
    }
    const narrow = q.diagnostics().bucketWidthS;
    q.push(${laterS}, -5);
    q.push(${laterS}, -6);
    const order = [];
    while (q.size > 0) order.push(q.pop());
    q.push(${laterS} + 1, -7);
    order.push(q.pop());
    console.log(JSON.stringify({ order: order.slice(-3), widthS: narrow }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return JSON.parse(out) as { order: number[]; widthS: number };
}

// Random mixes of what simulations push — exponential, constant, uniform, heavy-tailed and
// clock-tick delays, bursts and lulls, clears — with the heap as oracle.
describe('bucket queues against the heap on random workloads', () => {
  it.each([1, 2, 3])('ladder, calendar and radix pop exactly as the heap does, seed %i', (seed) => {
    const rng = createStream(seed, 'queue-mix');
    const kinds = ['ladder', 'calendar', 'radix'] as const;
    const qs = kinds.map((k) => createQueue(k, 1 + Math.floor(rng() * 64)));
    const heap = createQueue('heap', 4);
    let now = rng() * 1e5;
    let family = 0;
    let scale = 1;
    let pushShare = 0.5;
    for (let step = 0; step < 60_000; step++) {
      if (rng() < 0.002) {
        family = Math.floor(rng() * 8);
        scale = 10 ** (rng() * 8 - 5);
        pushShare = 0.3 + rng() * 0.4;
      }
      if (rng() < 0.0001) {
        for (const q of qs) q.clear();
        heap.clear();
      }
      if (rng() < pushShare || heap.size === 0) {
        for (let k = Math.floor(rng() * 5); k >= 0; k--) {
          const u = rng();
          const d = [
            -Math.log(1 - u) * scale,
            scale,
            scale * (1 + 2 * u),
            Math.exp(u * 20 - 10) * scale,
            Math.floor(u * 3) * scale,
            rng() < 0.99 ? u * scale : u * scale * 1e6,
            0,
            Math.abs(now) * 2 ** -50 * Math.floor(u * 4),
          ][family]!;
          for (const q of qs) q.push(now + d, step * 8 + k);
          heap.push(now + d, step * 8 + k);
        }
      } else {
        now = heap.peekTime();
        const want = heap.pop();
        for (let i = 0; i < qs.length; i++) {
          expect(qs[i]!.peekTime()).toBe(now);
          expect(qs[i]!.pop()).toBe(want);
        }
      }
    }
    const rest = drain(heap);
    for (const q of qs) expect(drain(q)).toEqual(rest);
  });
});

describe('sorting a flood batch', () => {
  it.each([1, 2, 3])(
    'sortNodes returns the same nodes in ascending order, for small and large batches and any index width, seed %i',
    (seed) => {
      const rng = createStream(seed, 'sort-nodes');
      for (const [size, n] of [
        [0, 10],
        [1, 10],
        [700, 5000],
        [1024, 3000],
        [5000, 2048],
        [60_000, 1_500_000],
        [20_000, 2 ** 31 - 1],
      ] as const) {
        const bits = 32 - Math.clz32(n - 1);
        const a = new Int32Array(size + 3);
        for (let i = 0; i < size; i++) a[i] = Math.floor(rng() * n);
        const want = Array.from(a.subarray(0, size)).sort((x, y) => x - y);
        const got = sortNodes(a, new Int32Array(size + 3), size, bits, new Int32Array(2048));
        expect(Array.from(got.subarray(0, size))).toEqual(want);
      }
    },
  );
});

describe('Simulator', () => {
  it('steps events in time order, equal times in scheduling order, and runs until a time', () => {
    const sim = new Simulator();
    const log: string[] = [];
    sim.on(0, (s, a, b) => {
      log.push(`${s.now}:${a}:${b}`);
      if (a < 3) s.schedule(s.now + 1, 0, a + 1, b);
    });
    sim.schedule(5, 0, 0, 1);
    sim.schedule(5, 0, 10, 2);
    sim.schedule(2, 0, 0, 3);
    sim.run(6);
    // (5, 3, 3) was scheduled at t = 4, after the two t = 5 events scheduled up front.
    expect(log).toEqual(['2:0:3', '3:1:3', '4:2:3', '5:0:1', '5:10:2', '5:3:3', '6:1:1']);
    expect(sim.now).toBe(6);
    sim.run();
    expect(log.slice(-2)).toEqual(['7:2:1', '8:3:1']);
    expect(sim.eventsHandled).toBe(9);
    expect(sim.step()).toBe(false);
  });
  it('checks its options, handlers and run limit', () => {
    expect(() => new Simulator({ startS: NaN })).toThrow(expect.objectContaining({ path: 'options.startS' }));
    expect(() => new Simulator({ start: 5 } as never)).toThrow(expect.objectContaining({ path: 'options.start' }));
    expect(() => new Simulator().on(0, 'tick' as never)).toThrow(expect.objectContaining({ path: 'handler' }));
    expect(() => new Simulator().run(NaN)).toThrow(expect.objectContaining({ path: 'untilS' }));
  });
  it('names a bad queue kind as options.queue (createQueue: kind)', () => {
    expect(() => new Simulator({ queue: 'splay' as never })).toThrow(
      expect.objectContaining({ path: 'options.queue' }),
    );
    expect(() => createQueue('splay' as never)).toThrow(expect.objectContaining({ path: 'kind' }));
  });
  it('refuses to schedule in the past and events without a handler', () => {
    const sim = new Simulator({ startS: 10 });
    expect(() => sim.schedule(9, 0)).toThrow(/cannot schedule/);
    sim.schedule(11, 7);
    expect(() => sim.step()).toThrow(/no handler/);
  });
  it('grows past its initial capacity', () => {
    const sim = new Simulator();
    let count = 0;
    sim.on(1, () => count++);
    for (let i = 0; i < 5000; i++) sim.schedule(i % 17, 1);
    sim.run();
    expect(count).toBe(5000);
  });
});

describe.each(['radix', 'calendar', 'ladder'] as const)('monotone queue %s', (kind) => {
  it('orders negative, fractional and widely spread times exactly like the heap', () => {
    for (const seed of [4, 5, 6]) {
      const rng = createStream(seed, 'radix-spread');
      const radix = createQueue(kind, 4);
      const heap = createQueue('heap', 4);
      let now = -1e6;
      for (let step = 0; step < 20_000; step++) {
        if (rng() < 0.55 || radix.size === 0) {
          const scale = [0, 1e-9, 1e-3, 1, 70, 1e4, 1e9][Math.floor(rng() * 7)]!;
          const t = now + (rng() < 0.2 ? 0 : rng() * scale);
          radix.push(t, step);
          heap.push(t, step);
        } else {
          expect(radix.peekTime()).toBe(heap.peekTime());
          now = heap.peekTime();
          expect(radix.pop()).toBe(heap.pop());
        }
      }
      expect(drain(radix)).toEqual(drain(heap));
    }
  });
  it('refuses a time before the last event popped', () => {
    const q = createQueue(kind);
    q.push(5, 1);
    q.pop();
    expect(() => q.push(4.999, 2)).toThrow(/monotone/);
    q.clear();
    q.push(1, 3);
    expect(q.pop()).toBe(3);
  });
});

// Workloads that make a bucket queue re-bucket both ways, spill past its ring and come back,
// against the heap as oracle: every pop must match.
function against(
  q: EventQueue,
  steps: number,
  delayOf: (rng: () => number, step: number) => number,
  seed: number,
): void {
  const rng = createStream(seed, 'calendar-test');
  const heap = createQueue('heap', 4);
  let now = 0;
  for (let step = 0; step < steps; step++) {
    if (rng() < 0.5 || heap.size === 0) {
      // Floods push a few events per event handled.
      for (let k = Math.floor(rng() * 4); k >= 0; k--) {
        const t = now + delayOf(rng, step);
        q.push(t, step * 4 + k);
        heap.push(t, step * 4 + k);
      }
    } else {
      expect(q.peekTime()).toBe(heap.peekTime());
      now = heap.peekTime();
      expect(q.pop()).toBe(heap.pop());
    }
    expect(q.size).toBe(heap.size);
  }
  expect(drain(q)).toEqual(drain(heap));
}

/** A bucket queue of the given kind, starting at that bucket width and ring size (its defaults when omitted). */
function bucketQueue(
  kind: 'calendar' | 'ladder',
  bucketWidthS?: number,
  buckets?: number,
): CalendarQueue | LadderQueue {
  return kind === 'calendar' ? new CalendarQueue(bucketWidthS, buckets) : new LadderQueue(bucketWidthS, buckets);
}

// What both bucket queues must do whatever their policy: the ring they stand on.
describe.each(['calendar', 'ladder'] as const)('bucket queue %s', (kind) => {
  it.each([1, 2, 3])('crowded buckets (many events per bucket width, many equal times), seed %i', (seed) => {
    against(bucketQueue(kind, 10, 64), 40_000, (rng) => (rng() < 0.3 ? 0 : rng() < 0.5 ? 1 : rng() * 2), seed);
  });
  it.each([1, 2, 3])('sparse events far apart (most buckets empty, most events past the ring), seed %i', (seed) => {
    against(bucketQueue(kind, 1e-4, 32), 20_000, (rng) => (rng() < 0.1 ? 0 : -Math.log(1 - rng()) * 50), seed);
  });
  it.each([1, 2, 3])('phases of dense and sparse traffic, heavy-tailed delays, seed %i', (seed) => {
    against(
      bucketQueue(kind),
      60_000,
      (rng, step) => (Math.floor(step / 5000) % 2 === 0 ? rng() * 0.01 : Math.exp(3 * (rng() - 0.5) * 4)),
      seed,
    );
  });
  it.each([1, 2, 3])(
    'keeps counting buckets exactly late in a run: a frontier picoseconds wide at 30,000 s and later, seed %i',
    (seed) => {
      // Crowded distinct times push the buckets narrower; at 2^-40 s a bucket number at 30,000 s
      // would pass 2^53, where doubles skip integers (the queue once looped there for ever). The
      // narrowing stops where bucket numbers stay exact, and the queue widens as the clock moves on.
      const q = bucketQueue(kind);
      const heap = createQueue('heap', 4);
      const rng = createStream(seed, 'late-frontier');
      for (let i = 0; i < 20_000; i++) {
        const t = 30_000 + rng() * 1e-8;
        q.push(t, i);
        heap.push(t, i);
      }
      let mismatches = 0;
      for (let i = 20_000; i < 120_000; i++) {
        const now = heap.peekTime();
        if (q.pop() !== heap.pop()) mismatches++;
        // Every 5,000 events the frontier jumps 100 times later in the run.
        const t = i % 5000 === 0 ? now * 100 : now + rng() * 1e-8;
        q.push(t, i);
        heap.push(t, i);
      }
      expect(mismatches).toBe(0);
      expect(drain(q)).toEqual(drain(heap));
      expect(q.diagnostics().bucketWidthS).toBeGreaterThanOrEqual(2 ** -40);
    },
  );
  it('restarts cleanly after clear() with events still queued', () => {
    const q = bucketQueue(kind, 1 / 64, 32);
    for (let i = 0; i < 500; i++) q.push(i * 0.37, i);
    q.pop();
    q.clear();
    expect(q.size).toBe(0);
    q.push(3, 1);
    q.push(1e6, 2);
    q.push(3, 3);
    expect(drain(q)).toEqual([1, 3, 2]);
  });
  it('checks its parameters and refuses the past', () => {
    expect(() => bucketQueue(kind, 0)).toThrow(/bucket width/);
    expect(() => bucketQueue(kind, 1, 100)).toThrow(/power of two/);
    const q = bucketQueue(kind);
    q.push(2, 1);
    q.pop();
    expect(() => q.push(1, 2)).toThrow(/monotone/);
    expect(() => q.push(Infinity, 2)).toThrow(/finite/);
  });
  it('jumps to an event years after a clock-tick frontier (no endless search of an empty ring)', () => {
    for (const laterS of [1e5, 1e8, 3e9]) {
      const { order, widthS } = farJump(kind, laterS);
      expect(widthS).toBeLessThan(2 ** -30);
      expect(order).toEqual([-5, -6, -7]);
    }
  });
});

// Each bucket queue's own policy: how far and how fast its buckets adapt.
describe('CalendarQueue policy', () => {
  it.each([1, 2, 3])(
    'a steady flood frontier settles its bucket width (the ring grows as buckets narrow), seed %i',
    (seed) => {
      // Thousands of events in flight, exponential delays (mean 2 s): crowded buckets at the
      // starting width, and narrow buckets must not push the delay tail past the ring — which
      // used to make the width swing back and forth, re-bucketing every few thousand events.
      const q = new CalendarQueue(1 / 32, 1024);
      const rng = createStream(seed, 'frontier');
      const heap = createQueue('heap', 4);
      for (let i = 0; i < 4000; i++) {
        const t = -Math.log(1 - rng()) * 2;
        q.push(t, i);
        heap.push(t, i);
      }
      for (let i = 4000; i < 200_000; i++) {
        expect(q.pop()).toBe(heap.pop());
        const t = heap.peekTime() + -Math.log(1 - rng()) * 2;
        q.push(t, i);
        heap.push(t, i);
      }
      expect(drain(q)).toEqual(drain(heap));
      const d = q.diagnostics();
      expect(d.rebuckets).toBeLessThan(10);
      expect(d.bucketWidthS).toBeLessThan(1 / 256);
      expect(d.buckets).toBeGreaterThan(1024);
    },
  );
  it.each([1, 2, 3])(
    'a crowded frontier (100,000 events in flight, 1–3 s delays) narrows to a few events per bucket at once, seed %i',
    (seed) => {
      // A utility flood from hundreds of collectors: buckets of the starting width hold
      // thousands of events. The queue must narrow in a few large steps, as far as its ring
      // (65,536 buckets at most) still reaches the 3 s of waiting events: 2^-14 s, 4 s.
      const q = new CalendarQueue(1 / 32, 1024);
      const rng = createStream(seed, 'crowded-frontier');
      const heap = createQueue('heap', 4);
      for (let i = 0; i < 100_000; i++) {
        const t = 1 + 2 * rng();
        q.push(t, i);
        heap.push(t, i);
      }
      let mismatches = 0;
      for (let i = 100_000; i < 500_000; i++) {
        const now = heap.peekTime();
        if (q.pop() !== heap.pop()) mismatches++;
        const t = now + 1 + 2 * rng();
        q.push(t, i);
        heap.push(t, i);
      }
      expect(mismatches).toBe(0);
      expect(drain(q)).toEqual(drain(heap));
      const d = q.diagnostics();
      expect(d.rebuckets).toBeLessThanOrEqual(3);
      expect(d.bucketWidthS).toBe(2 ** -14);
      expect(d.buckets).toBe(2 ** 16);
    },
  );
  it.each([1, 2, 3])(
    'a crowded frontier with a long delay tail (20,000 events in flight, exponential delays) narrows as far as ' +
      'the tail allows, seed %i',
    (seed) => {
      // Exponential delays (mean 2 s) put a few events tens of seconds ahead. They must not stop
      // the narrowing (the queue once stayed at ~25 events per bucket because of them), nor may
      // the ring's reach fall short of more than a sliver of them: 2^-12 s reaches 16 s
      // (e^-8 = 0.03 % of delays beyond), 2^-13 s only 8 s (1.8 %).
      const q = new CalendarQueue(1 / 32, 1024);
      const rng = createStream(seed, 'tailed-frontier');
      const heap = createQueue('heap', 4);
      for (let i = 0; i < 20_000; i++) {
        const t = -Math.log(1 - rng()) * 2;
        q.push(t, i);
        heap.push(t, i);
      }
      let mismatches = 0;
      for (let i = 20_000; i < 300_000; i++) {
        const now = heap.peekTime();
        if (q.pop() !== heap.pop()) mismatches++;
        const t = now + -Math.log(1 - rng()) * 2;
        q.push(t, i);
        heap.push(t, i);
      }
      expect(mismatches).toBe(0);
      expect(drain(q)).toEqual(drain(heap));
      const d = q.diagnostics();
      expect(d.bucketWidthS).toBe(2 ** -12);
      expect(d.rebuckets).toBeLessThanOrEqual(4);
    },
  );
});

describe('LadderQueue policy', () => {
  it.each([1, 2, 3])(
    'a crowded frontier (100,000 events in flight, 1–3 s delays) narrows in a few steps to a few hundred ' +
      'events per bucket, seed %i',
    (seed) => {
      // Buckets of the starting width (1/16 s) hold ~3,000 events of distinct times each.
      const q = new LadderQueue();
      const rng = createStream(seed, 'crowded-frontier');
      const heap = createQueue('heap', 4);
      for (let i = 0; i < 100_000; i++) {
        const t = 1 + 2 * rng();
        q.push(t, i);
        heap.push(t, i);
      }
      let mismatches = 0;
      for (let i = 100_000; i < 400_000; i++) {
        const now = heap.peekTime();
        if (q.pop() !== heap.pop()) mismatches++;
        const t = now + 1 + 2 * rng();
        q.push(t, i);
        heap.push(t, i);
      }
      expect(mismatches).toBe(0);
      expect(drain(q)).toEqual(drain(heap));
      const d = q.diagnostics();
      // 50,000 events per second: ~256–1,024 per bucket at 2^-8 or 2^-9 s.
      expect(d.bucketWidthS).toBeGreaterThanOrEqual(2 ** -9);
      expect(d.bucketWidthS).toBeLessThanOrEqual(2 ** -8);
      expect(d.rebuckets).toBeLessThanOrEqual(3);
    },
  );
  it.each([1, 2, 3])('equal times do not narrow it: a constant-delay frontier of 50,000 events, seed %i', (seed) => {
    const q = new LadderQueue();
    const rng = createStream(seed, 'constant-frontier');
    const heap = createQueue('heap', 4);
    for (let i = 0; i < 50_000; i++) {
      q.push(1, i);
      heap.push(1, i);
    }
    for (let i = 50_000; i < 250_000; i++) {
      const now = heap.peekTime();
      expect(q.pop()).toBe(heap.pop());
      const t = now + (rng() < 0.5 ? 1 : 2);
      q.push(t, i);
      heap.push(t, i);
    }
    expect(drain(q)).toEqual(drain(heap));
    expect(q.diagnostics().rebuckets).toBe(0);
  });
  it('hops of one clock tick join the run as they come: no near heap, no re-bucketing', () => {
    // Every event lies a tick after the one handled, inside the current bucket of any width the
    // clock allows; each is no earlier than every event waiting, so it goes at the run's end.
    const q = new LadderQueue();
    const heap = createQueue('heap', 4);
    for (let i = 0; i < 3000; i++) {
      q.push(1000, i);
      heap.push(1000, i);
    }
    for (let i = 3000; i < 100_000; i++) {
      const now = heap.peekTime();
      expect(q.pop()).toBe(heap.pop());
      const t = afterS(now);
      q.push(t, i);
      heap.push(t, i);
    }
    expect(drain(q)).toEqual(drain(heap));
    expect(q.diagnostics().nearHeapPushes).toBe(0);
    expect(q.diagnostics().rebuckets).toBe(0);
  });
  it.each([1, 2, 3])('most pushes landing in the bucket being handled narrow it 64 times at once, seed %i', (seed) => {
    // 500 events in flight, each new one 0–4 ms after the one handled: at the starting 1/16 s
    // nearly every push lands in the bucket being handled (the near heap). One 64-fold step
    // reaches 2^-10 s, where a push lands there only if its delay is under about half a bucket
    // (~1/8 of them); halving the width at each check would take six re-buckets.
    const q = new LadderQueue();
    const heap = createQueue('heap', 4);
    const rng = createStream(seed, 'near-frontier');
    for (let i = 0; i < 500; i++) {
      const t = rng() * 0.004;
      q.push(t, i);
      heap.push(t, i);
    }
    let mismatches = 0;
    for (let i = 500; i < 200_000; i++) {
      const now = heap.peekTime();
      if (q.pop() !== heap.pop()) mismatches++;
      const t = now + rng() * 0.004;
      q.push(t, i);
      heap.push(t, i);
    }
    expect(mismatches).toBe(0);
    expect(drain(q)).toEqual(drain(heap));
    expect(q.diagnostics().bucketWidthS).toBe(2 ** -10);
    expect(q.diagnostics().rebuckets).toBeLessThanOrEqual(2);
  });
  it.each([1, 2, 3])(
    'adapts while the near heap never empties (a whole frontier inside one wide bucket), seed %i',
    (seed) => {
      // Buckets of 1 s, 20,000 events within 4 ms and each new one 0–4 ms later: the queue stays
      // in its first bucket for the whole test, every push landing beside the run. It must still
      // narrow (to ~256 events per bucket: ~2^-14 s at 5 M events per second) rather than run
      // as a binary heap throughout.
      const q = new LadderQueue(1, 1024);
      const heap = createQueue('heap', 4);
      const rng = createStream(seed, 'wide-bucket');
      for (let i = 0; i < 20_000; i++) {
        const t = rng() * 0.004;
        q.push(t, i);
        heap.push(t, i);
      }
      let mismatches = 0;
      for (let i = 20_000; i < 200_000; i++) {
        const now = heap.peekTime();
        if (q.pop() !== heap.pop()) mismatches++;
        const t = now + rng() * 0.004;
        q.push(t, i);
        heap.push(t, i);
      }
      expect(mismatches).toBe(0);
      expect(drain(q)).toEqual(drain(heap));
      const d = q.diagnostics();
      expect(d.bucketWidthS).toBeLessThanOrEqual(2 ** -10);
      expect(d.nearHeapPushes).toBeLessThan(18_000); // a tenth of the 180,000 pushes
    },
  );
  it.each([1, 2, 3])(
    'few events in flight widen it, and a long delay tail does not spill past its ring, seed %i',
    (seed) => {
      const q = new LadderQueue(1e-3, 32);
      const rng = createStream(seed, 'thin-frontier');
      const heap = createQueue('heap', 4);
      for (let i = 0; i < 20; i++) {
        const t = -Math.log(1 - rng()) * 2;
        q.push(t, i);
        heap.push(t, i);
      }
      for (let i = 20; i < 100_000; i++) {
        const now = heap.peekTime();
        expect(q.pop()).toBe(heap.pop());
        const t = now + -Math.log(1 - rng()) * 2;
        q.push(t, i);
        heap.push(t, i);
      }
      expect(drain(q)).toEqual(drain(heap));
      // 20 events in flight, ~10 per second: buckets widen from 1 ms until a tenth of the events
      // land in the bucket being handled (a quarter of a second or so for delays of mean 2 s).
      expect(q.diagnostics().bucketWidthS).toBeGreaterThanOrEqual(1 / 8);
    },
  );
});
