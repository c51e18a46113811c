import { CalendarQueue } from '../engine/calendar.js';
import type { EventQueue } from '../engine/queue.js';
import { MeshcastError } from '../errors.js';

/** Event types one {@link AirClock} holds: an event is `subject × 8 + type`. */
const TYPES = 8;

/**
 * The one clock of a shared air: every part of the engine that acts on the air (the MAC,
 * broadcast forwarding, AMI traffic) reserves its event types here and schedules on this queue,
 * so all of them happen in one (time, insertion) order. An event is one integer, `subject × 8 +
 * type` (the subject is a node, a packet or a meter, below 2^28), on a monotone calendar queue:
 * no event is ever scheduled before the one being handled.
 * @internal
 */
export class AirClock {
  /** The events, in (time, insertion) order; the engine's loop pops them. */
  readonly queue: EventQueue = new CalendarQueue();
  private reserved = 0;

  /** Reserves an event type (0 .. 7) for a part of the engine. */
  reserve(): number {
    if (this.reserved === TYPES) throw new MeshcastError(`an air clock has ${TYPES} event types`);
    return this.reserved++;
  }

  /**
   * Schedules event `type` about `subject` at `timeS`. O(1) amortised, no allocation.
   * @param type - from {@link AirClock.reserve}
   */
  schedule(timeS: number, type: number, subject: number): void {
    this.queue.push(timeS, subject * TYPES + type);
  }
}

/** The type of an event popped from an {@link AirClock}'s queue. */
export function eventType(event: number): number {
  return event & (TYPES - 1);
}

/** The subject of an event popped from an {@link AirClock}'s queue. */
export function eventSubject(event: number): number {
  return event >> 3;
}
