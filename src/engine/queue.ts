/**
 * Event queues for the discrete-event kernel: their interface, their kinds and the factory. An
 * event is two numbers: its time (float64 seconds) and an integer payload; ties in time are
 * broken by insertion order (a sequence number the queue assigns), so the order of events is
 * total and independent of the queue implementation. See `docs/decisions/0003-event-queue.md`
 * for the cost table.
 * @packageDocumentation
 */

import { ValidationError } from '../errors.js';
import { CalendarQueue } from './calendar.js';
import { FastPriorityEventQueue } from './fastpriorityqueue.js';
import { HeapQueue } from './heap.js';
import { LadderQueue } from './ladder.js';
import { RadixQueue } from './radix.js';

/** A priority queue of `(timeS, payload)` events ordered by `(timeS, insertion sequence)`. */
export interface EventQueue {
  /** Number of events waiting. */
  readonly size: number;
  /**
   * Adds an event. O(log n).
   * @param timeS - event time in seconds (finite)
   * @param payload - an integer (int32) the caller interprets
   */
  push(timeS: number, payload: number): void;
  /** Time of the earliest event, or `Infinity` when empty. O(1). */
  peekTime(): number;
  /** Removes the earliest event and returns its payload (-1 when empty). O(log n). */
  pop(): number;
  /** Removes every event and resets the sequence counter. O(1). */
  clear(): void;
}

/**
 * Names of the built-in queue implementations: `'ladder'` (monotone ladder queue: wide buckets
 * of unsorted events, each sorted when reached — for floods with unbounded hop delays),
 * `'calendar'` (monotone calendar queue: narrow buckets kept sorted, for floods: events a per-hop
 * delay apart), `'radix'` (monotone radix heap, for simulations that never schedule into the
 * past), `'heap'` (typed-array binary heap) and `'fastpriorityqueue'` (the npm package, the
 * baseline benchmarks race against).
 */
export type QueueKind = 'ladder' | 'calendar' | 'radix' | 'heap' | 'fastpriorityqueue';

/** Every {@link QueueKind}. */
const QUEUE_KINDS: readonly QueueKind[] = ['ladder', 'calendar', 'radix', 'heap', 'fastpriorityqueue'];

/**
 * Checks a queue kind given at `path`.
 * @returns the kind
 * @internal
 */
export function checkQueueKind(path: string, kind: unknown): QueueKind {
  if (!(QUEUE_KINDS as readonly unknown[]).includes(kind))
    throw new ValidationError(path, kind, QUEUE_KINDS.map((k) => `'${k}'`).join(', '));
  return kind as QueueKind;
}

/**
 * Makes an event queue of the given kind. The queues do not import this module (it imports
 * them, and imports never close a circle): the compiler checks each against {@link EventQueue}
 * here, where it is returned.
 * @param kind - `'ladder'`, `'calendar'`, `'radix'`, `'heap'` or `'fastpriorityqueue'` (see {@link QueueKind})
 * @param initialCapacity - events the queue holds before it first grows
 */
export function createQueue(kind: QueueKind = 'heap', initialCapacity = 1024): EventQueue {
  switch (checkQueueKind('kind', kind)) {
    case 'heap':
      return new HeapQueue(initialCapacity);
    case 'radix':
      return new RadixQueue(Math.min(initialCapacity, 256));
    case 'ladder':
      return new LadderQueue();
    case 'calendar':
      return new CalendarQueue(1 / 32, 1024, initialCapacity);
    case 'fastpriorityqueue':
      return new FastPriorityEventQueue(initialCapacity);
  }
}
