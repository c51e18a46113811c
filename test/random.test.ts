import { describe, expect, it } from 'vitest';
import { createStream, delayMeanS, delaySampler, deriveSeed, validateDelay, ValidationError, type DelaySpec } from '../src/index.js';
import { SEEDS, Z } from './stats.js';

describe('random streams', () => {
  it('are reproducible and independent by purpose', () => {
    const a = createStream(42, 'rep', 0, 'packet', 1);
    const b = createStream(42, 'rep', 0, 'packet', 1);
    const c = createStream(42, 'rep', 0, 'packet', 2);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    expect(deriveSeed(42, 'rep', 0, 'packet', 1)).toBe('42/rep/0/packet/1');
    expect(deriveSeed('s')).toBe('s');
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
      expect(() => validateDelay(spec)).toThrow(ValidationError);
      expect(() => validateDelay(spec)).toThrow(expect.objectContaining({ path }));
    }
  });
});
