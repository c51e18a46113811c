import { defineConfig } from 'vitest/config';

// Verdicts never depend on wall-clock speed: the time limits only catch a hang, and are set for
// a 2-core CI machine running a second test suite beside this one.
export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
