import { describe, expect, it } from 'vitest';
import { createQueue, createStream, Simulator, type EventQueue } from '../src/index.js';

function drain(q: EventQueue): number[] {
  const out: number[] = [];
  while (q.size > 0) out.push(q.pop());
  return out;
}

describe('event queues', () => {
  it.each(['radix', 'heap', 'fastpriorityqueue'] as const)('%s pops in (time, insertion) order, ties included', (kind) => {
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
  });
  it.each(['radix', 'heap', 'fastpriorityqueue'] as const)('%s clear() empties and restarts the sequence', (kind) => {
    const q = createQueue(kind);
    q.push(1, 10);
    q.push(1, 11);
    q.clear();
    expect(q.size).toBe(0);
    q.push(2, 20);
    q.push(2, 21);
    expect(drain(q)).toEqual([20, 21]);
  });
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

describe('RadixQueue specifics', () => {
  it('orders negative, fractional and widely spread times exactly like the heap', () => {
    for (const seed of [4, 5, 6]) {
      const rng = createStream(seed, 'radix-spread');
      const radix = createQueue('radix', 4);
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
    const q = createQueue('radix');
    q.push(5, 1);
    q.pop();
    expect(() => q.push(4.999, 2)).toThrow(/monotone/);
    q.clear();
    q.push(1, 3);
    expect(q.pop()).toBe(3);
  });
});
