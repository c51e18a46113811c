export { createStream, deriveSeed } from './stream.js';
export type { Rng, Seed, StreamKey } from './stream.js';
export { counterKey, counterUniform } from './counter.js';
export type { CounterKey } from './counter.js';
export {
  DELAY_KINDS,
  delayMaxS,
  delayMeanS,
  delayMinS,
  delaySampler,
  LinkDelays,
  linkDelays,
  checkDelay,
} from './distributions.js';
export type { DelaySampler, DelaySpec } from './distributions.js';
