import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['system/**/*.test.ts', 'testbed/**/*.test.ts', 'harness/**/*.test.ts', 'compose-templates/**/*.test.ts'],
          testTimeout: 60_000,
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
