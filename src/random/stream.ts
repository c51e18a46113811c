import seedrandom from 'seedrandom';

/** A source of uniform doubles in [0, 1): the only form of randomness meshcast code uses. */
export type Rng = () => number;

/** A run's root seed: any integer or string. */
export type Seed = number | string;

/** One component of a stream's purpose path, e.g. `'pass'`, `3`, `'packet'`, `117`. */
export type StreamKey = string | number;

/**
 * Derives the seed string of the stream for `(seed, ...purpose)`.
 *
 * The derivation is a plain, documented join (`"42/rep/3/pass/0/packet/17"`), hashed by
 * Alea's Mash into the generator state. Streams for different purposes are therefore
 * independent for practical purposes, and adding a new purpose leaves every existing stream
 * unchanged — the property that keeps golden results stable as features are added.
 * @param seed - the run's root seed
 * @param purpose - the path naming the random process (replication, pass, packet, ...)
 */
export function deriveSeed(seed: Seed, ...purpose: readonly StreamKey[]): string {
  return purpose.length === 0 ? String(seed) : `${String(seed)}/${purpose.join('/')}`;
}

/**
 * Creates the independent random stream for `(seed, ...purpose)` (Alea generator from
 * seedrandom; see `docs/decisions/0002-random-streams.md` for why Alea).
 * @param seed - the run's root seed
 * @param purpose - the path naming the random process
 * @example
 * ```ts
 * const linkDraws = createStream(42, 'rep', 0, 'pass', 1, 'packet', 17);
 * linkDraws(); // 0 <= u < 1
 * ```
 */
export function createStream(seed: Seed, ...purpose: readonly StreamKey[]): Rng {
  const prng = seedrandom.alea(deriveSeed(seed, ...purpose));
  return prng;
}
