import seedrandom from 'seedrandom';
import { deriveSeed, type Seed, type StreamKey } from './stream.js';

/**
 * The key of a counter-based stream: 64 bits, as two 32-bit words, derived from a run's seed
 * and a purpose path exactly as {@link createStream} derives a stream's seed.
 */
export interface CounterKey {
  /** The key's first 32-bit word. */
  readonly k0: number;
  /** The key's second 32-bit word. */
  readonly k1: number;
}

/**
 * Derives the key of the counter-based stream for `(seed, ...purpose)`: the first two 32-bit
 * outputs of the Alea stream of the same path, so keys for different purposes are as
 * independent as streams are.
 * @param seed - the run's root seed
 * @param purpose - the path naming the random process
 */
export function counterKey(seed: Seed, ...purpose: readonly StreamKey[]): CounterKey {
  const alea = seedrandom.alea(deriveSeed(seed, ...purpose));
  return { k0: alea.int32(), k1: alea.int32() };
}

/**
 * The 32-bit finaliser of MurmurHash3: a bijection on 32-bit integers in which every input bit
 * flips each output bit with probability close to 1/2.
 * @param x - any 32-bit integer
 */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * Draw number `counter` of the counter-based stream keyed `(k0, k1)`: a uniform double in
 * [0, 1) on a 2^-32 grid (the resolution of Alea's draws), a pure function of its arguments.
 *
 * Floods draw each link trial and each hop delay as a function of the link's index instead of
 * taking the next number of a sequential stream, so the draws a flood makes do not depend on
 * the order it handles nodes in (see `docs/decisions/0010-counter-based-flood-draws.md`). The
 * construction is a keyed hash: the counter, whitened by the first key word, goes through the
 * MurmurHash3 finaliser, then the second key word, then the finaliser again. `test/random.test.ts`
 * checks uniformity, serial independence and independence across keys.
 * @param k0 - first key word
 * @param k1 - second key word
 * @param counter - draw index, any 32-bit integer (floods use the directed link's index)
 */
export function counterUniform(k0: number, k1: number, counter: number): number {
  return (mix32(mix32(counter ^ k0) ^ k1) >>> 0) * 2.3283064365386963e-10;
}

/**
 * The second key word of the extra draws `j = 1, 2, …` some delay distributions make per link
 * (a normal variate takes two uniforms, a gamma's rejection loop several): each is a stream of
 * its own, keyed `(k0, subKey(k1, j))`.
 * @param k1 - the stream's second key word
 * @param j - extra draw number, ≥ 1
 */
export function subKey(k1: number, j: number): number {
  return k1 ^ mix32(Math.imul(j, 0x9e3779b9) + 0x7f4a7c15);
}
