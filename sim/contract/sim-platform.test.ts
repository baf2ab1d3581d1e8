/** The simulator's platform against the same contract as Node's (system/platform/contract/). */
import { describe, it } from 'vitest';
import { clockContract } from '../../system/platform/contract/clock-contract.js';
import { diskContract } from '../../system/platform/contract/disk-contract.js';
import { networkContract } from '../../system/platform/contract/network-contract.js';
import { runProgram } from '../testing/run-program.js';

describe.each([
  ['clock', clockContract],
  ['network', networkContract],
  ['disk', diskContract],
] as const)('the simulated platform keeps the %s contract', (_name, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      await runProgram((ctx) => c.run(ctx.platform, { host: 'box', dir: '/scratch' }), { seed });
    }
  });
});
