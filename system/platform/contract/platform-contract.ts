/** Every contract, by seam, for the runners (node-platform.test.ts, sim/contract/). */
import { clockContract } from './clock-contract.js';
import type { ContractCase } from './contract.js';
import { diskContract } from './disk-contract.js';
import { networkContract } from './network-contract.js';

export const platformContract: readonly (readonly [seam: string, cases: readonly ContractCase[]])[] = [
  ['clock', clockContract],
  ['network', networkContract],
  ['disk', diskContract],
];

/** The cases of one seam as vitest's it.each rows: [name, case]. */
export function contractRows(cases: readonly ContractCase[]): (readonly [string, ContractCase])[] {
  return cases.map((c) => [c.name, c] as const);
}
