export { createQueue } from './queue.js';
export type { EventQueue, QueueKind } from './queue.js';
export { HeapQueue } from './heap.js';
export { FastPriorityEventQueue } from './fastpriorityqueue.js';
export { RadixQueue } from './radix.js';
export { CalendarQueue } from './calendar.js';
export { LadderQueue } from './ladder.js';
export { Simulator } from './simulator.js';
export type { EventHandler } from './simulator.js';
