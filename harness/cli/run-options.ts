/**
 * The run command's flags and environment overrides, as one typed options object.
 * Precedence: defaults < environment (TP0_RUN_*) < flags. Pure: no I/O.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SIZES } from '../../testbed/dataset/dataset.js';
import { MAX_DATASET_BETS } from '../../testbed/dataset/generator.js';
import { MAX_BATCH_BETS } from '../wire/wire-format.js';
import { DEFAULT_CLIENT_YAML } from '../run/run-config.js';
import { RunUsageError } from './cli-errors.js';

export interface RunOptions {
  /** Agencies (client1..clientN); 0 runs the server alone. */
  readonly clients: number;
  /** Absolute path of a folder of agency-N.csv; undefined: the generated set. */
  readonly dataset: string | undefined;
  /** The clients' `batch.maxAmount`; undefined: the harness's client config (DEFAULT_BATCH_MAX). */
  readonly batchMax: number | undefined;
  /** One JSON object on stdout instead of the table. */
  readonly json: boolean;
  /** Live progress (stderr TTY) or progress lines (otherwise); false: none. */
  readonly progress: boolean;
  /** How long the clients may take, from start-up to their exit. */
  readonly timeoutSeconds: number;
  /** Where to save every log, the timeline and bets.csv; undefined: nowhere. */
  readonly artifacts: string | undefined;
  /** Run a seeded fault schedule (harness/faults/nemesis.ts) while the clients run. */
  readonly nemesis: boolean;
  /** The nemesis's seed; undefined: a fresh random one (when the nemesis is on). */
  readonly seed: number | undefined;
  /** How many faults the nemesis fires. */
  readonly faults: number;
  /** Every generated agency size is multiplied by this (1: the classic sizes). */
  readonly scale: number;
  /** Absolute path of the HTML timeline report to write; undefined: none. */
  readonly report: string | undefined;
  /** Show the harness's own events (images, containers, faults, clean-up) on stderr. */
  readonly verbose: boolean;
  /** How those events (and the notes) are written on stderr: readable lines, or pino's NDJSON. */
  readonly logFormat: 'text' | 'json';
  readonly help: boolean;
}

export const DEFAULT_CLIENTS = 5;
export const DEFAULT_TIMEOUT_SECONDS = 300;
export const MAX_CLIENTS = 500;
export const DEFAULT_FAULTS = 6;
export const MAX_FAULTS = 100;
export const MAX_SCALE = 100;
export const MAX_SEED = 0xffff_ffff;
/** The harness's client config value (harness/run/run-config.ts). */
export const DEFAULT_BATCH_MAX = DEFAULT_CLIENT_YAML.batch.maxAmount;

/** Environment variables that set an option when its flag is not given. */
export const ENV_OVERRIDES = {
  clients: 'TP0_RUN_CLIENTS',
  dataset: 'TP0_RUN_DATASET',
  batchMax: 'TP0_RUN_BATCH_MAX',
  timeoutSeconds: 'TP0_RUN_TIMEOUT',
  artifacts: 'TP0_RUN_ARTIFACTS',
  nemesis: 'TP0_RUN_NEMESIS',
  seed: 'TP0_RUN_SEED',
  faults: 'TP0_RUN_FAULTS',
  scale: 'TP0_RUN_SCALE',
  report: 'TP0_RUN_REPORT',
} as const;

export const USAGE = `usage: npx zx harness/run.mjs [options]

Runs the lottery system once in Docker (a server and N agency clients on a network of
their own), shows each agency's progress, then prints the bets sent and stored, the draw,
each agency's winners and the durations. The run's containers and network are removed.

options:
  --clients N       agencies client1..clientN (default ${DEFAULT_CLIENTS}; 0: the server alone)
  --dataset DIR     a folder of agency-1.csv … agency-N.csv (default: the generated set,
                    ${DEFAULT_SIZES.join(' / ')} bets; for N > ${DEFAULT_SIZES.length} these sizes repeat)
  --batch-max K     bets per batch, the clients' batch.maxAmount (1..${MAX_BATCH_BETS}, default ${DEFAULT_BATCH_MAX})
  --timeout S       seconds the clients may take to finish (default ${DEFAULT_TIMEOUT_SECONDS}; with the
                    nemesis, counted once its last fault is healed)
  --scale F         multiply every generated agency size by F (1..${MAX_SCALE}, default 1; not with
                    --dataset): --scale 20 is the 20× dataset
  --artifacts DIR   also save every container's log, the timeline and bets.csv in DIR
  --report FILE     write the run's HTML timeline report (lanes, faults, checker) to FILE
  --nemesis         fire a seeded fault schedule (crash, restart, partition, pause, loss of
                    the server and the clients) while the clients run; the seed is printed
  --seed N          the nemesis with seed N (0..${MAX_SEED}), to replay a run; implies --nemesis
  --faults N        how many faults the nemesis fires (default ${DEFAULT_FAULTS}, at most ${MAX_FAULTS})
  --json            print one JSON object on stdout (progress and notes stay on stderr)
  --verbose         also show the harness's own events on stderr: image builds, container
                    starts and exits, faults fired and healed, clean-up
  --log-format F    text (default) or json: with json those events and the notes are pino's
                    NDJSON on stderr, one record a line (implies --verbose); stdout is unchanged
  --no-progress     no progress on stderr
  -h, --help        this text

environment (a flag wins): ${Object.values(ENV_OVERRIDES).join(', ')}
(${ENV_OVERRIDES.nemesis}=1 turns the nemesis on)

After the clients exit and the server stops, the exactly-once checker compares what each client
saw acknowledged, the agency files and bets.csv (lost, unexpected, duplicated bets; the draw
once; the winners).

exit code: 0 when every client exited 0, bets.csv holds as many lines as the clients sent and
the checker finds the run valid; 1 otherwise (the reasons are printed); 2 for a usage or environment error (bad flag, no Docker
engine); 130 / 143 when interrupted by SIGINT / SIGTERM (after removing the run).`;

function wholeNumber(name: string, text: string, min: number, max: number, why?: string): number {
  if (!/^\d+$/.test(text.trim())) throw new RunUsageError(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  const n = Number(text.trim());
  if (n < min || n > max) throw new RunUsageError(`${name} must be between ${min} and ${max}${why ? ` (${why})` : ''}, got ${n}`);
  return n;
}

function nonEmpty(name: string, text: string): string {
  if (text.trim() === '') throw new RunUsageError(`${name} must not be empty`);
  return text;
}

/**
 * Options from the command line (`argv` without node and the script) and the environment.
 * Relative folders are resolved against `cwd`. Throws RunUsageError on anything it cannot use.
 */
export function parseRunOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, cwd = '.'): RunOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        clients: { type: 'string' },
        dataset: { type: 'string' },
        'batch-max': { type: 'string' },
        timeout: { type: 'string' },
        artifacts: { type: 'string' },
        nemesis: { type: 'boolean' },
        seed: { type: 'string' },
        faults: { type: 'string' },
        scale: { type: 'string' },
        report: { type: 'string' },
        json: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        verbose: { type: 'boolean' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // node's messages go on with hints over more lines; the first line says what is wrong.
    throw new RunUsageError((err as Error).message.split('\n')[0]?.replace(/\. To specify a positional argument.*$/, '') ?? 'bad arguments', { cause: err });
  }
  const pick = (flag: string, key: Exclude<keyof typeof ENV_OVERRIDES, 'nemesis'>): [string, string] | undefined => {
    const fromFlag = values[flag];
    if (typeof fromFlag === 'string') return [`--${flag}`, fromFlag];
    const fromEnv = env[ENV_OVERRIDES[key]];
    return fromEnv === undefined || fromEnv === '' ? undefined : [ENV_OVERRIDES[key], fromEnv];
  };
  const clients = pick('clients', 'clients');
  const dataset = pick('dataset', 'dataset');
  const batchMax = pick('batch-max', 'batchMax');
  const timeout = pick('timeout', 'timeoutSeconds');
  const artifacts = pick('artifacts', 'artifacts');
  const seed = pick('seed', 'seed');
  const faults = pick('faults', 'faults');
  const scale = pick('scale', 'scale');
  const report = pick('report', 'report');
  const logFormat = values['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new RunUsageError(`--log-format must be text or json, got ${JSON.stringify(logFormat)}`);
  const nemesis = values.nemesis === true || seed !== undefined || nemesisFromEnv(env[ENV_OVERRIDES.nemesis]);
  if (faults && !nemesis) throw new RunUsageError(`${faults[0]} needs the nemesis (--nemesis or --seed N)`);
  if (scale && dataset) throw new RunUsageError(`${scale[0]} scales the generated set; it does not go with ${dataset[0]}`);
  const options: RunOptions = {
    clients: clients ? wholeNumber(clients[0], clients[1], 0, MAX_CLIENTS) : DEFAULT_CLIENTS,
    dataset: dataset ? resolve(cwd, nonEmpty(dataset[0], dataset[1])) : undefined,
    batchMax: batchMax ? wholeNumber(batchMax[0], batchMax[1], 1, MAX_BATCH_BETS, "a batch's count is a u16 on the wire") : undefined,
    json: values.json === true,
    progress: values['no-progress'] !== true,
    timeoutSeconds: timeout ? wholeNumber(timeout[0], timeout[1], 1, 86_400) : DEFAULT_TIMEOUT_SECONDS,
    artifacts: artifacts ? resolve(cwd, nonEmpty(artifacts[0], artifacts[1])) : undefined,
    nemesis,
    seed: seed ? wholeNumber(seed[0], seed[1], 0, MAX_SEED) : undefined,
    faults: faults ? wholeNumber(faults[0], faults[1], 1, MAX_FAULTS) : DEFAULT_FAULTS,
    scale: scale ? wholeNumber(scale[0], scale[1], 1, MAX_SCALE) : 1,
    report: report ? resolve(cwd, nonEmpty(report[0], report[1])) : undefined,
    verbose: values.verbose === true || logFormat === 'json',
    logFormat,
    help: values.help === true,
  };
  const plan = datasetPlan(options);
  const total = plan.kind === 'generated' ? (plan.sizes ?? DEFAULT_SIZES).reduce((a, b) => a + b, 0) : 0;
  if (total > MAX_DATASET_BETS) {
    throw new RunUsageError(`${options.clients} agencies at scale ${options.scale} would be ${total} bets; a generated set holds at most ${MAX_DATASET_BETS}`);
  }
  return options;
}

function nemesisFromEnv(text: string | undefined): boolean {
  if (text === undefined || text.trim() === '' || text.trim() === '0') return false;
  if (text.trim() === '1') return true;
  throw new RunUsageError(`${ENV_OVERRIDES.nemesis} must be 1 or 0, got ${JSON.stringify(text)}`);
}

/** Where the agency files come from. */
export type DatasetPlan =
  | { readonly kind: 'folder'; readonly dir: string }
  | { readonly kind: 'generated'; readonly sizes: readonly number[] | undefined };

/**
 * The dataset of a run: the folder when one is given; else the generated classic set, or for
 * more agencies than it has, the classic sizes repeated (agency i: size of ((i-1) mod 5) + 1);
 * every size times `scale` (the classic set at scale 1 keeps `sizes` undefined: the cached set).
 */
export function datasetPlan(options: Pick<RunOptions, 'clients' | 'dataset' | 'scale'>): DatasetPlan {
  if (options.dataset !== undefined) return { kind: 'folder', dir: options.dataset };
  if (options.clients <= DEFAULT_SIZES.length && options.scale === 1) return { kind: 'generated', sizes: undefined };
  const agencies = Math.max(options.clients, DEFAULT_SIZES.length);
  return { kind: 'generated', sizes: Array.from({ length: agencies }, (_, i) => (DEFAULT_SIZES[i % DEFAULT_SIZES.length] as number) * options.scale) };
}
