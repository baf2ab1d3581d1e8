/**
 * Runs the synthetic workload for one seed and prints its trace hash, for the cross-process
 * determinism test: node --import tsx sim/testing/workload-cli.ts --seed 42
 */
import { runWorkload } from './workload.js';

const at = process.argv.indexOf('--seed');
const seed = Number(at >= 0 ? process.argv[at + 1] : NaN);
if (!Number.isInteger(seed)) {
  process.stderr.write('usage: workload-cli.ts --seed N\n');
  process.exit(2);
}
const result = await runWorkload({ seed });
process.stdout.write(`seed: ${seed}\nevents: ${result.outcome.events}\ntrace hash: ${result.outcome.traceHash}\n`);
