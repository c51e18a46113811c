// Worker entry when meshcast runs from its TypeScript sources (tests, benchmarks): register
// tsx in this worker thread, then load the real entry. The built package uses dist/runtime/worker.js.
import { register } from 'tsx/esm/api';

register();
const entry = await import('./worker.ts');
export default entry.default;
