import { describe, expect, it } from 'vitest';
import {
  counterKey,
  counterUniform,
  createStream,
  delayMaxS,
  delayMeanS,
  delayMinS,
  delaySampler,
  deriveSeed,
  linkDelays,
  checkDelay,
  ValidationError,
  type DelaySpec,
} from '../src/index.js';
import { SEEDS, Z } from './stats.js';

describe('random streams', () => {
  it('are reproducible and independent by purpose', () => {
    const a = createStream(42, 'rep', 0, 'packet', 1);
    const b = createStream(42, 'rep', 0, 'packet', 1);
    const c = createStream(42, 'rep', 0, 'packet', 2);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    expect(deriveSeed(42, 'rep', 0, 'packet', 1)).toBe('2:42/3:rep/1:0/6:packet/1:1');
    expect(deriveSeed('s')).toBe('1:s');
  });
  it('never read one part as two: a seed holding the separator is its own seed', () => {
    const draws = (r: () => number): number[] => Array.from({ length: 4 }, () => r());
    expect(deriveSeed('1/rep', 0)).not.toBe(deriveSeed(1, 'rep', 0));
    expect(draws(createStream('1/rep', 0))).not.toEqual(draws(createStream(1, 'rep', 0)));
    expect(deriveSeed('a', 'b/c')).not.toBe(deriveSeed('a/b', 'c'));
    expect(deriveSeed('', 'x')).not.toBe(deriveSeed('x'));
    // A part is its decimal text: the seeds 42 and '42' are one seed.
    expect(deriveSeed('42', 'rep')).toBe(deriveSeed(42, 'rep'));
  });
  it('give uniform draws in [0, 1) with the right mean', () => {
    const r = createStream(1, 'uniform');
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = r();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(Z * Math.sqrt(1 / 12 / n));
  });
});

/**
 * Pearson's χ² statistic of counts against equal expected counts, and the bound it stays under
 * (the χ² law with df = bins − 1, normal approximation, Z standard deviations above its mean).
 */
function chiSquare(counts: Int32Array | number[], total: number): { stat: number; bound: number } {
  const expected = total / counts.length;
  let stat = 0;
  for (const c of counts) stat += (c - expected) ** 2 / expected;
  const df = counts.length - 1;
  return { stat, bound: df + Z * Math.sqrt(2 * df) };
}

describe('counter-based streams (flood link trials and delays)', () => {
  const N = 1 << 18;
  it('are pure functions of key and counter, in [0, 1), different by purpose', () => {
    const a = counterKey(42, 'rep', 0, 'pass', 0, 'packet', 1);
    expect(counterKey(42, 'rep', 0, 'pass', 0, 'packet', 1)).toEqual(a);
    const b = counterKey(42, 'rep', 0, 'pass', 0, 'packet', 2);
    expect(b).not.toEqual(a);
    for (let e = 0; e < 1000; e++) {
      const u = counterUniform(a.k0, a.k1, e);
      expect(u >= 0 && u < 1).toBe(true);
      expect(counterUniform(a.k0, a.k1, e)).toBe(u);
    }
    expect(counterUniform(a.k0, a.k1, 7)).not.toBe(counterUniform(b.k0, b.k1, 7));
  });
  it('are uniform over consecutive counters (χ², 1,024 bins) and every output bit is balanced', () => {
    for (const seed of SEEDS) {
      const { k0, k1 } = counterKey(seed, 'packet', 0);
      const bins = new Int32Array(1024);
      const ones = new Int32Array(32);
      for (let e = 0; e < N; e++) {
        const u = counterUniform(k0, k1, e);
        bins[Math.floor(u * 1024)]!++;
        const x = u * 2 ** 32;
        for (let b = 0; b < 32; b++) if (Math.floor(x / 2 ** b) % 2 === 1) ones[b]!++;
      }
      const { stat, bound } = chiSquare(bins, N);
      expect(stat).toBeLessThan(bound);
      for (let b = 0; b < 32; b++) expect(Math.abs(ones[b]! - N / 2)).toBeLessThan(Z * Math.sqrt(N / 4));
    }
  });
  it(
    'draw neighbouring counters, and the same counter of neighbouring packets, independently (χ² on 32 × 32 ' +
      'pairs)',
    () => {
      for (const seed of SEEDS) {
        const a = counterKey(seed, 'rep', 0, 'pass', 0, 'packet', 5);
        const b = counterKey(seed, 'rep', 0, 'pass', 0, 'packet', 6);
        const serial = new Int32Array(1024);
        const across = new Int32Array(1024);
        for (let e = 0; e < N; e++) {
          const u = counterUniform(a.k0, a.k1, e);
          serial[32 * Math.floor(u * 32) + Math.floor(counterUniform(a.k0, a.k1, e + 1) * 32)]!++;
          across[32 * Math.floor(u * 32) + Math.floor(counterUniform(b.k0, b.k1, e) * 32)]!++;
        }
        for (const counts of [serial, across]) {
          const { stat, bound } = chiSquare(counts, N);
          expect(stat).toBeLessThan(bound);
        }
      }
    },
  );
  it('give a link trial the frequency of its probability, over links and packets', () => {
    // What a flood does with them: draw e < p for each link e of each packet.
    for (const seed of SEEDS) {
      for (const p of [0.05, 0.5, 0.93]) {
        let hits = 0;
        const packets = 64;
        const links = 4096;
        for (let k = 0; k < packets; k++) {
          const { k0, k1 } = counterKey(seed, 'packet', k);
          for (let e = 0; e < links; e++) if (counterUniform(k0, k1, e) < p) hits++;
        }
        const n = packets * links;
        expect(Math.abs(hits / n - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
      }
    }
  });
});

describe('delay distributions', () => {
  const specs: [DelaySpec, number][] = [
    [{ kind: 'constant', valueS: 1.5 }, 0],
    [{ kind: 'uniform', minS: 1, maxS: 3 }, 4 / 12],
    [{ kind: 'exponential', meanS: 2 }, 4],
    [{ kind: 'gamma', shape: 3, meanS: 6 }, 12],
    [{ kind: 'lognormal', meanS: 2, cv: 0.5 }, 1],
  ];
  it.each(specs)('%o has the stated mean and variance', (spec, variance) => {
    for (const seed of SEEDS) {
      const draw = delaySampler(spec, createStream(seed, 'delay-test'));
      const n = 50_000;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const x = draw();
        expect(x).toBeGreaterThanOrEqual(0);
        sum += x;
        sq += x * x;
      }
      const mean = sum / n;
      expect(Math.abs(mean - delayMeanS(spec))).toBeLessThanOrEqual(Z * Math.sqrt(variance / n) + 1e-12);
      if (variance > 0) {
        const v = sq / n - mean * mean;
        expect(Math.abs(v / variance - 1)).toBeLessThan(0.1);
      }
    }
  });
  it.each(specs)(
    '%o has the stated mean and variance per link (linkDelays), and a delay depends on its link alone',
    (spec, variance) => {
      for (const seed of SEEDS) {
        const delays = linkDelays(spec, counterKey(seed, 'delay-test'));
        const n = 50_000;
        let sum = 0;
        let sq = 0;
        for (let e = 0; e < n; e++) {
          const x = delays.at(e);
          expect(x).toBeGreaterThanOrEqual(delayMinS(spec));
          expect(x).toBeLessThanOrEqual(delayMaxS(spec));
          sum += x;
          sq += x * x;
        }
        const mean = sum / n;
        expect(Math.abs(mean - delayMeanS(spec))).toBeLessThanOrEqual(Z * Math.sqrt(variance / n) + 1e-12);
        if (variance > 0) {
          const v = sq / n - mean * mean;
          expect(Math.abs(v / variance - 1)).toBeLessThan(0.1);
        }
        // Asked again, in another order, the same links give the same delays.
        const again = linkDelays(spec, counterKey(seed, 'delay-test'));
        for (let e = 999; e >= 0; e--) expect(again.at(e)).toBe(delays.at(e));
      }
    },
  );
  it('gamma delays with shape below 1 keep their law (the boosted branch)', () => {
    const spec: DelaySpec = { kind: 'gamma', shape: 0.5, meanS: 2 };
    for (const seed of SEEDS) {
      const delays = linkDelays(spec, counterKey(seed, 'gamma-small'));
      const n = 50_000;
      let sum = 0;
      let sq = 0;
      for (let e = 0; e < n; e++) {
        sum += delays.at(e);
        sq += delays.at(e) ** 2;
      }
      // Gamma(k = 0.5, θ = 4): mean 2, variance kθ² = 8.
      expect(Math.abs(sum / n - 2)).toBeLessThan(Z * Math.sqrt(8 / n));
      expect(Math.abs((sq / n - (sum / n) ** 2) / 8 - 1)).toBeLessThan(0.1);
    }
  });
  it('reject bad parameters with the field path', () => {
    const bad: [unknown, string][] = [
      [null, 'delay'],
      [{ kind: 'weibull' }, 'delay.kind'],
      [{ kind: 'uniform', minS: 3, maxS: 1 }, 'delay.maxS'],
      [{ kind: 'gamma', shape: 0, meanS: 1 }, 'delay.shape'],
      [{ kind: 'lognormal', meanS: 1, cv: -1 }, 'delay.cv'],
      [{ kind: 'constant', valueS: -1 }, 'delay.valueS'],
    ];
    for (const [spec, path] of bad) {
      expect(() => checkDelay(spec)).toThrow(ValidationError);
      expect(() => checkDelay(spec)).toThrow(expect.objectContaining({ path }));
    }
  });
});
