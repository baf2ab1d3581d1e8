// Mutation testing of the server and the client with the simulator as the test suite:
// `npm run mutation` (not part of npm test: it takes tens of minutes). See README, "The simulator".
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'sim/mutation/vitest.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'system/server/*.ts',
    'system/client/*.ts',
    '!system/**/*.test.ts',
    // Entry points and config loading: the simulator runs neither (programs.ts mirrors main.ts; configs are objects).
    '!system/server/main.ts',
    '!system/client/main.ts',
    '!system/server/config.ts',
    '!system/client/config.ts',
  ],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  jsonReporter: { fileName: 'artifacts/mutation/mutation.json' },
  htmlReporter: { fileName: 'artifacts/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 80, low: 60, break: null },
};
