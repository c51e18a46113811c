export { HeapQueue } from './queue.js';
export type { EventQueue, QueueKind } from './queue.js';
export { FastPriorityEventQueue } from './fpq.js';
export { RadixQueue } from './radix.js';
export { CalendarQueue } from './calendar.js';
export { LadderQueue } from './ladder.js';
export { Simulator, createQueue } from './simulator.js';
export type { EventHandler } from './simulator.js';
