import { grown } from './grow.js';
import { checkObject } from '../check.js';
import { MeshcastError, ValidationError } from '../errors.js';
import { checkQueueKind, createQueue, type EventQueue, type QueueKind } from './queue.js';

/**
 * Handles one event: `a` and `b` are the two integers given to {@link Simulator.schedule}.
 * Handlers may schedule further events.
 */
export type EventHandler = (sim: Simulator, a: number, b: number) => void;

/**
 * A discrete-event simulation: one clock, one queue, typed events. One simulation is one
 * value — no module state — so any number run side by side or in workers.
 *
 * Events are `(type, a, b)` integer triples stored in typed arrays (no object per event);
 * `type` selects a handler registered with {@link Simulator.on}. Events with equal times run
 * in the order they were scheduled. Time is a float64 count of seconds.
 *
 * It is the kernel for users' own models on meshcast's queues. meshcast's floods and its
 * shared-air engine run their own loops over the same queues, in the same (time, insertion)
 * order: a handler call per event cost the shared air 7–11 % (docs/decisions/0013-shared-air-event-loop.md).
 */
export class Simulator {
  /** Current simulation time in seconds (time of the event being or last handled). */
  now: number;
  private readonly queue: EventQueue;
  private readonly handlers: EventHandler[] = [];
  private types: Int32Array;
  private argA: Int32Array;
  private argB: Int32Array;
  private free: Int32Array;
  private freeCount: number;
  private handled = 0;

  /**
   * @param options.startS - initial clock value. @defaultValue 0
   * @param options.queue - queue implementation. @defaultValue 'heap'
   */
  constructor(options: { readonly startS?: number; readonly queue?: QueueKind } = {}) {
    checkObject('options', options, ['startS', 'queue'], 'simulator options');
    const startS = options.startS ?? 0;
    if (typeof startS !== 'number' || !Number.isFinite(startS))
      throw new ValidationError('options.startS', startS, 'a finite clock time in seconds');
    this.now = startS;
    this.queue = createQueue(checkQueueKind('options.queue', options.queue ?? 'heap'));
    const cap = 1024;
    this.types = new Int32Array(cap);
    this.argA = new Int32Array(cap);
    this.argB = new Int32Array(cap);
    this.free = new Int32Array(cap);
    this.freeCount = cap;
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
  }

  /** Number of events handled so far. */
  get eventsHandled(): number {
    return this.handled;
  }

  /** Number of events waiting. */
  get pending(): number {
    return this.queue.size;
  }

  /**
   * Registers the handler of an event type.
   * @param type - a small non-negative integer naming the event type
   * @param handler - called for each event of that type
   */
  on(type: number, handler: EventHandler): this {
    if (!Number.isInteger(type) || type < 0 || type > 1 << 16) {
      throw new ValidationError('type', type, 'an integer in 0..65536');
    }
    if (typeof handler !== 'function')
      throw new ValidationError('handler', handler, 'a function (simulator, a, b) => void');
    this.handlers[type] = handler;
    return this;
  }

  /**
   * Schedules an event at absolute time `timeS` (must not be earlier than {@link now}).
   * @param timeS - absolute event time in seconds
   * @param type - the event type (a registered handler)
   * @param a - first integer argument
   * @param b - second integer argument
   */
  schedule(timeS: number, type: number, a = 0, b = 0): void {
    if (!(timeS >= this.now)) {
      throw new MeshcastError(`cannot schedule at ${timeS}s: the clock is at ${this.now}s`);
    }
    if (this.freeCount === 0) this.grow();
    const slot = this.free[--this.freeCount]!;
    this.types[slot] = type;
    this.argA[slot] = a;
    this.argB[slot] = b;
    this.queue.push(timeS, slot);
  }

  /** Time of the next event, or `Infinity` when none is waiting. */
  peek(): number {
    return this.queue.peekTime();
  }

  /**
   * Handles the next event. The one primitive: {@link run} repeats it.
   * @returns false when no event was waiting
   */
  step(): boolean {
    if (this.queue.size === 0) return false;
    this.now = this.queue.peekTime();
    const slot = this.queue.pop();
    const type = this.types[slot]!;
    const a = this.argA[slot]!;
    const b = this.argB[slot]!;
    this.free[this.freeCount++] = slot;
    const handler = this.handlers[type];
    if (handler === undefined) throw new MeshcastError(`no handler registered for event type ${type}`);
    this.handled++;
    handler(this, a, b);
    return true;
  }

  /**
   * Handles events in order until the queue is empty or the next event is later than
   * `untilS`; the clock then stands at `untilS` if given, else at the last event.
   * @param untilS - stop before events later than this time. @defaultValue Infinity
   */
  run(untilS = Infinity): void {
    if (typeof untilS !== 'number' || Number.isNaN(untilS))
      throw new ValidationError('untilS', untilS, 'a time in seconds (Infinity: until no event is left)');
    while (this.queue.size > 0 && this.queue.peekTime() <= untilS) this.step();
    if (untilS !== Infinity && untilS > this.now) this.now = untilS;
  }

  private grow(): void {
    const old = this.types.length;
    const cap = old * 2;
    this.types = grown(this.types, cap);
    this.argA = grown(this.argA, cap);
    this.argB = grown(this.argB, cap);
    this.free = new Int32Array(cap);
    for (let i = 0; i < cap - old; i++) this.free[i] = cap - 1 - i;
    this.freeCount = cap - old;
  }
}
