/**
 * The run command's flags and environment overrides, as one typed options object.
 * Precedence: defaults < environment (TP0_RUN_*) < flags. Pure: no I/O.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SIZES } from '../../system/dataset/dataset.js';
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
  readonly help: boolean;
}

export const DEFAULT_CLIENTS = 5;
export const DEFAULT_TIMEOUT_SECONDS = 300;
export const MAX_CLIENTS = 500;
/** The harness's client config value (harness/run/run-config.ts). */
export const DEFAULT_BATCH_MAX = DEFAULT_CLIENT_YAML.batch.maxAmount;

/** Environment variables that set an option when its flag is not given. */
export const ENV_OVERRIDES = {
  clients: 'TP0_RUN_CLIENTS',
  dataset: 'TP0_RUN_DATASET',
  batchMax: 'TP0_RUN_BATCH_MAX',
  timeoutSeconds: 'TP0_RUN_TIMEOUT',
  artifacts: 'TP0_RUN_ARTIFACTS',
} as const;

export const USAGE = `usage: npx zx harness/run.mjs [options]

Runs the lottery system once in Docker (a server and N agency clients on a network of
their own), shows each agency's progress, then prints the bets sent and stored, the draw,
each agency's winners and the durations. The run's containers and network are removed.

options:
  --clients N       agencies client1..clientN (default ${DEFAULT_CLIENTS}; 0: the server alone)
  --dataset DIR     a folder of agency-1.csv … agency-N.csv (default: the generated set,
                    ${DEFAULT_SIZES.join(' / ')} bets; for N > ${DEFAULT_SIZES.length} these sizes repeat)
  --batch-max K     bets per batch, the clients' batch.maxAmount (default ${DEFAULT_BATCH_MAX})
  --timeout S       seconds the clients may take to finish (default ${DEFAULT_TIMEOUT_SECONDS})
  --artifacts DIR   also save every container's log, the timeline and bets.csv in DIR
  --json            print one JSON object on stdout (progress and notes stay on stderr)
  --no-progress     no progress on stderr
  -h, --help        this text

environment (a flag wins): ${Object.values(ENV_OVERRIDES).join(', ')}

exit code: 0 when every client exited 0 and bets.csv holds as many lines as the clients sent;
1 otherwise (the reasons are printed); 2 for a usage or environment error (bad flag, no Docker
engine); 130 / 143 when interrupted by SIGINT / SIGTERM (after removing the run).`;

function wholeNumber(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new RunUsageError(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  const n = Number(text.trim());
  if (n < min || n > max) throw new RunUsageError(`${name} must be between ${min} and ${max}, got ${n}`);
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
        json: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // node's messages go on with hints over more lines; the first line says what is wrong.
    throw new RunUsageError((err as Error).message.split('\n')[0]?.replace(/\. To specify a positional argument.*$/, '') ?? 'bad arguments', { cause: err });
  }
  const pick = (flag: string, key: keyof typeof ENV_OVERRIDES): [string, string] | undefined => {
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
  return {
    clients: clients ? wholeNumber(clients[0], clients[1], 0, MAX_CLIENTS) : DEFAULT_CLIENTS,
    dataset: dataset ? resolve(cwd, nonEmpty(dataset[0], dataset[1])) : undefined,
    batchMax: batchMax ? wholeNumber(batchMax[0], batchMax[1], 1, 1_000_000) : undefined,
    json: values.json === true,
    progress: values['no-progress'] !== true,
    timeoutSeconds: timeout ? wholeNumber(timeout[0], timeout[1], 1, 86_400) : DEFAULT_TIMEOUT_SECONDS,
    artifacts: artifacts ? resolve(cwd, nonEmpty(artifacts[0], artifacts[1])) : undefined,
    help: values.help === true,
  };
}

/** Where the agency files come from. */
export type DatasetPlan =
  | { readonly kind: 'folder'; readonly dir: string }
  | { readonly kind: 'generated'; readonly sizes: readonly number[] | undefined };

/**
 * The dataset of a run: the folder when one is given; else the generated classic set, or for
 * more agencies than it has, the classic sizes repeated (agency i: size of ((i-1) mod 5) + 1).
 */
export function datasetPlan(options: Pick<RunOptions, 'clients' | 'dataset'>): DatasetPlan {
  if (options.dataset !== undefined) return { kind: 'folder', dir: options.dataset };
  if (options.clients <= DEFAULT_SIZES.length) return { kind: 'generated', sizes: undefined };
  return { kind: 'generated', sizes: Array.from({ length: options.clients }, (_, i) => DEFAULT_SIZES[i % DEFAULT_SIZES.length] as number) };
}
