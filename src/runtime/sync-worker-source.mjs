// Entry of a SyncPool's threads when meshcast runs from its TypeScript sources (tests,
// benchmarks): register tsx in this worker thread, then load the real entry. The built package
// uses dist/runtime/sync-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./sync-worker.ts');
