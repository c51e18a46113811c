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
 * Each part is written as its length, a colon and its text, parts joined by `/`
 * (`"2:42/3:rep/1:3/4:pass/1:0/6:packet/2:17"`), and the string is hashed by Alea's Mash into
 * the generator state. The lengths make the encoding unambiguous: a part that itself holds a `/`
 * (a string seed such as `'1/rep'`, a sweep cell's parameters) can never be read as two parts,
 * so `(seed '1/rep', 0)` and `(seed 1, 'rep', 0)` are different streams. A part is its decimal
 * text: the seeds `42` and `'42'` are the same seed. Streams for different purposes are
 * independent for practical purposes, and adding a new purpose leaves every existing stream
 * unchanged — the property that keeps golden results stable as features are added.
 * @param seed - the run's root seed
 * @param purpose - the path naming the random process (replication, pass, packet, ...)
 */
export function deriveSeed(seed: Seed, ...purpose: readonly StreamKey[]): string {
  let out = part(seed);
  for (const p of purpose) out += `/${part(p)}`;
  return out;
}

/** One part of a derived seed: `<length>:<text>`. */
function part(key: StreamKey): string {
  const text = String(key);
  return `${text.length}:${text}`;
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
