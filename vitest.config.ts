import { defineConfig } from 'vitest/config';

/** Tests that need a Docker engine (`*.engine.test.ts`) or Chromium (`*.browser.test.ts`). */
const NEEDS_ENGINE_OR_BROWSER = ['**/*.engine.test.ts', '**/*.browser.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          // Needs nothing but Node: unit tests, and in-process or child-process runs over loopback.
          name: 'unit',
          include: ['system/**/*.test.ts', 'testbed/**/*.test.ts', 'harness/**/*.test.ts', 'compose-templates/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...NEEDS_ENGINE_OR_BROWSER],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          // The deterministic simulator (sim/): its kernel and models, and the real system run on it. Node only.
          name: 'sim',
          include: ['sim/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          // A real Docker engine or headless Chromium: without one these fail, never skip.
          name: 'engine',
          include: NEEDS_ENGINE_OR_BROWSER.map((p) => `harness/${p}`),
          env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          include: ['scenarios/**/*.test.ts'],
          globalSetup: ['harness/vitest/global-setup.ts'],
          env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
          // One scenario file at a time: they time real systems on 2 cores.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
