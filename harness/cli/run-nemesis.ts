/**
 * `--nemesis` / `--seed N`: the seeded fault schedule of a run (harness/faults/nemesis.ts) over
 * the server and every client. The seed and the schedule are printed before any fault, so that a
 * failing run can be replayed with `--seed N`.
 */
import { randomInt } from 'node:crypto';
import { Nemesis } from '../faults/nemesis.js';
import type { StartedRun } from '../run/started-run.js';
import { describeError } from './cli-errors.js';
import { swarmNemesis } from './run-on-swarm.js';
import type { RunOptions } from './run-options.js';
import type { NemesisSummary } from './summary.js';

/** The seed of the run: the one given, a fresh random one, or undefined without the nemesis. */
export function nemesisSeed(options: Pick<RunOptions, 'nemesis' | 'seed'>, fresh: () => number = () => randomInt(0, 2 ** 32)): number | undefined {
  if (!options.nemesis) return undefined;
  return options.seed ?? fresh();
}

/** The schedule for this run's services, printed through `note` (seed, replay flag, faults). */
export function planNemesis(run: StartedRun, seed: number, faults: number, note: (line: string) => void): Nemesis {
  const nemesis = Nemesis.fromSeed({ seed, faults, targets: ['server', ...run.clients.map((c) => c.service)], ...swarmNemesis(run) });
  note(`nemesis seed ${seed} (replay: --seed ${seed})`);
  for (const line of nemesis.describe().split('\n')) note(line);
  return nemesis;
}

/** Fires the schedule; resolves once every fault is healed. A schedule that breaks off is an error of the run. */
export async function fireNemesis(run: StartedRun, nemesis: Nemesis, errors: string[]): Promise<NemesisSummary> {
  const planned = { seed: nemesis.seed, faults: nemesis.plan.length };
  try {
    const outcomes = await nemesis.run(run, (service) => run.isRunning(service));
    const skipped = outcomes.filter((o) => o.outcome === undefined).length;
    return { ...planned, fired: outcomes.length - skipped, skipped };
  } catch (err) {
    errors.push(`the nemesis broke off: ${describeError(err)}`);
    return { ...planned, fired: null, skipped: null };
  }
}
