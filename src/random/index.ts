export { createStream, deriveSeed } from './stream.js';
export type { Rng, Seed, StreamKey } from './stream.js';
export { DELAY_KINDS, delayMeanS, delaySampler, validateDelay } from './distributions.js';
export type { DelaySampler, DelaySpec } from './distributions.js';
