// Until phase 2 adds a `sim` project to the root config: npx vitest run --config sim/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['sim/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
