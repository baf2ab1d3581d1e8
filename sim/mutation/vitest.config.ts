// The suite StrykerJS runs for each mutant of system/server and system/client (stryker.config.mjs):
// the simulator's tests that run the real system. Not the kernel's own tests (they run no system
// code) and not the CLI test (its child processes would run the code unmutated).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['sim/lottery/**/*.test.ts', 'sim/scenarios/**/*.test.ts'],
    exclude: ['sim/lottery/determinism.test.ts', 'sim/lottery/schedule.test.ts', 'sim/lottery/shrink.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
  },
});
