/** `npm run sim` options, read with node:util's parseArgs; a bad one is a SimUsageError (exit 2). */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_AGENCIES, DEFAULT_BETS, DEFAULT_FAULTS } from '../lottery/lottery-run.js';
import { type PlannedFault, parseSchedule, ScheduleSyntaxError } from '../lottery/schedule.js';

export class SimUsageError extends Error {
  override readonly name = 'SimUsageError';
}

export interface SimOptions {
  /** One seed (a replay) or a sweep from `from`, `seeds` of them. */
  readonly seed: number | undefined;
  readonly from: number;
  readonly seeds: number;
  readonly agencies: number;
  readonly bets: number;
  readonly faults: number;
  /** Child processes a sweep runs its seeds in; 1 runs them in this process. */
  readonly workers: number;
  /** A schedule written out (replaces the seed's own); only with --seed. */
  readonly schedule: PlannedFault[] | undefined;
  readonly report: string | undefined;
  readonly shrink: boolean;
  /** Print the whole trace of a --seed run. */
  readonly trace: boolean;
  /** Time one Docker nemesis run (harness/run.mjs) in the same session, to compare. */
  readonly dockerNemesis: boolean;
  readonly help: boolean;
}

export const SIM_USAGE = `usage: npm run sim -- [options]

Runs the real lottery server and ${DEFAULT_AGENCIES} real agency clients in one process on a simulated
clock, network and disk, under a seeded fault schedule, and checks every run with the Docker
checker's invariants (nothing lost, duplicated or unexpected; the draw once, after every agency
was done; the winners) plus liveness. A run is a pure function of its seed.

options:
  --seeds N        run seeds --from … --from + N - 1 (default 100); prints progress, runs per
                   second, schedules explored and every failing seed with what it broke
  --from S         the first seed of a sweep (default 1)
  --workers K      run the sweep's seeds in K child processes (default: the cores Node may use,
                   here ${availableParallelism()}); 1 runs them in this process
  --seed N         run one seed (a replay): its schedule, its trace hash, its verdict
  --agencies A     agencies (default ${DEFAULT_AGENCIES})
  --bets B         bets per agency (default ${DEFAULT_BETS})
  --faults F       faults the seed draws (default ${DEFAULT_FAULTS})
  --schedule TEXT  with --seed: this schedule instead of the seed's, e.g.
                   "crash server @120+400; partition client2 stall @50+3000; disk write ENOSPC @80+200"
  --report FILE    with --seed: the run's timeline report (HTML, virtual time)
  --no-shrink      do not search a shorter failing schedule for a failing seed
  --trace          with --seed: print every trace line
  --docker-nemesis after the sweep, time one Docker nemesis run (harness/run.mjs, needs an engine)
                   and print both runs-per-minute figures
  -h, --help       this text

exit code: 0 when every run held every invariant, 1 when one failed, 2 for a usage error.`;

function whole(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new SimUsageError(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < min) throw new SimUsageError(`--${name} must be at least ${min}, got ${n}`);
  return n;
}

export function parseSimOptions(argv: readonly string[]): SimOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        seeds: { type: 'string' },
        from: { type: 'string' },
        seed: { type: 'string' },
        agencies: { type: 'string' },
        bets: { type: 'string' },
        faults: { type: 'string' },
        workers: { type: 'string' },
        schedule: { type: 'string' },
        report: { type: 'string' },
        'no-shrink': { type: 'boolean', default: false },
        trace: { type: 'boolean', default: false },
        'docker-nemesis': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
  } catch (err) {
    throw new SimUsageError((err as Error).message);
  }
  const v = parsed.values;
  const seed = v.seed === undefined ? undefined : whole('seed', v.seed, 0);
  if (seed === undefined && (v.schedule !== undefined || v.report !== undefined || v.trace)) throw new SimUsageError('--schedule, --report and --trace go with --seed N');
  if (seed !== undefined && v.workers !== undefined) throw new SimUsageError('--workers goes with a sweep (--seeds N), not with --seed');
  if (seed !== undefined && v.seeds !== undefined) throw new SimUsageError('--seed runs one seed; --seeds a sweep: not both');
  let schedule: PlannedFault[] | undefined;
  try {
    schedule = v.schedule === undefined ? undefined : parseSchedule(v.schedule);
  } catch (err) {
    if (err instanceof ScheduleSyntaxError) throw new SimUsageError(err.message);
    throw err;
  }
  return {
    seed,
    from: whole('from', v.from, 1),
    seeds: whole('seeds', v.seeds, 100, 1),
    agencies: whole('agencies', v.agencies, DEFAULT_AGENCIES, 1),
    bets: whole('bets', v.bets, DEFAULT_BETS),
    faults: whole('faults', v.faults, DEFAULT_FAULTS),
    workers: whole('workers', v.workers, availableParallelism(), 1),
    schedule,
    report: v.report,
    shrink: !v['no-shrink'],
    trace: v.trace,
    dockerNemesis: v['docker-nemesis'],
    help: v.help,
  };
}
