/** The simulator's platform against the same contract as Node's (system/platform/contract/). */
import { describe, it } from 'vitest';
import { contractRows, platformContract } from '../../system/platform/contract/platform-contract.js';
import { runProgram } from '../testing/run-program.js';

describe.each(platformContract)('the simulated platform keeps the %s contract', (_seam, cases) => {
  it.each(contractRows(cases))('%s', async (_name, c) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      await runProgram((ctx) => c.run(ctx.platform, { host: 'box', dir: '/scratch' }), { seed });
    }
  });
});
