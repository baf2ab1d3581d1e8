/**
 * `npx zx harness/run.mjs`: runs the lottery system once in Docker and reports what happened.
 *
 * engine check → images → dataset → start (network, server, clients) → the nemesis's faults,
 * when on, every one healed → live progress until every client exited → SIGTERM to the server
 * → results (logs, bets.csv) → the exactly-once checker → the HTML report (--report) → removal
 * of the run → table or JSON. The run is removed on every path, also on SIGINT / SIGTERM (RunGuard).
 * Returns the exit code (see cli-errors.ts); only the guard exits the process by itself.
 */
import { performance } from 'node:perf_hooks';
import type { CheckResult } from '../checker/check-result.js';
import { Datasets, type PreparedDataset, preloadValidBets } from '../datasets/datasets.js';
import { createDockerClient, type DockerClient } from '../docker/docker-client.js';
import { parseBetsCsv, type RunResult } from '../results/run-result.js';
import { LotteryRun, projectImages } from '../run/lottery-run.js';
import { type HarnessLogger, silentLogger, stderrLogger } from '../logging/harness-logger.js';
import { cleanupStaleRunsOnce } from '../run/stale-cleanup.js';
import type { StartedRun } from '../run/started-run.js';
import { describeError, EXIT_OK, EXIT_USAGE, exitCodeFor, RunEnvironmentError, RunUsageError } from './cli-errors.js';
import { ensureEngine } from './environment.js';
import { initialProgress, ProgressView, reduceEntries, type ProgressStream } from './progress.js';
import { RunGuard, type SignalSource } from './run-guard.js';
import { DEFAULT_BATCH_MAX, datasetPlan, parseRunOptions, type RunOptions, USAGE } from './run-options.js';
import { fireNemesis, nemesisSeed, planNemesis } from './run-nemesis.js';
import { type PlacedSummary, placementText, startRun, withPlacement } from './run-on-swarm.js';
import { finishReport, type ReportFacts } from './run-report.js';
import { buildSummary, type Durations, type NemesisSummary, renderSummary } from './summary.js';

export interface CommandIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly signals: SignalSource;
  readonly exit: (code: number) => void;
  readonly docker?: DockerClient;
  /** The harness's events when --verbose / --log-format json (default: pino on stderr). */
  readonly logger?: (format: 'text' | 'json') => HarnessLogger;
}

export function processIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signals: process, exit: (code) => process.exit(code) };
}

type MutableDurations = { -readonly [K in keyof Durations]: Durations[K] };

const now = (): number => performance.now();
const span = (from: number | undefined, to: number | undefined): number | null =>
  from === undefined || to === undefined ? null : Math.round(to - from);

/** The final stop of the server (not a fault): docker stop with this grace period. */
const SERVER_STOP_GRACE_SECONDS = 10;
/** Datasets up to this many bets are read for the checker while the run starts (the classic set, 100 × 2,000). */
const PRELOAD_MAX_BETS = 250_000;

function emptyDurations(): MutableDurations {
  return { total: null, system: null, engineCheck: null, images: null, dataset: null, startup: null, sending: null, drawWait: null, winners: null, clients: null, serverStop: null, check: null, cleanup: null };
}

async function prepareDataset(options: RunOptions): Promise<PreparedDataset> {
  const plan = datasetPlan(options);
  const source = plan.kind === 'folder' ? Datasets.folder(plan.dir) : Datasets.generated(plan.sizes ? { sizes: plan.sizes } : {});
  let dataset: PreparedDataset;
  try {
    dataset = await source.prepare();
  } catch (err) {
    if (plan.kind === 'folder') throw new RunUsageError(`--dataset: ${describeError(err)}`, { cause: err });
    throw new RunEnvironmentError('the generated dataset could not be prepared', { cause: err });
  }
  if (dataset.agencies.length < options.clients) {
    throw new RunUsageError(`${options.clients} clients but the dataset (${dataset.description}) has ${dataset.agencies.length} agencies`);
  }
  return dataset;
}

function agencyOf(run: StartedRun, service: string): number {
  return Number(run.plan.find((s) => s.name === service)?.environment.CLI_ID);
}

interface Outcome {
  readonly run: StartedRun | undefined;
  readonly result: RunResult | undefined;
  readonly check?: CheckResult;
  readonly errors: string[];
}

class RunCommand {
  private readonly d = emptyDurations();
  private readonly docker: DockerClient;
  private readonly guard: RunGuard;
  private view: ProgressView | undefined;
  /** The nemesis's seed (given or fresh); undefined without the nemesis. */
  private readonly seed: number | undefined;
  private nemesis: NemesisSummary | undefined;
  /** The harness's own events: silent unless --verbose or --log-format json. */
  private readonly logger: HarnessLogger;

  constructor(
    private readonly options: RunOptions,
    private readonly io: CommandIo,
  ) {
    this.logger = options.verbose ? (io.logger ?? stderrLogger)(options.logFormat) : silentLogger;
    this.seed = nemesisSeed(options);
    if (this.seed !== undefined) this.nemesis = { seed: this.seed, faults: options.faults, fired: null, skipped: null };
    this.docker = io.docker ?? createDockerClient();
    this.guard = new RunGuard({ docker: this.docker, signals: io.signals, exit: io.exit, log: (l) => this.note(l), onInterrupt: () => this.view?.finish() });
  }

  /** A note for the person running it; with --log-format json, a record like the events. */
  note(line: string): void {
    if (this.options.logFormat === 'json') this.logger.info({ component: 'run' }, line);
    else this.io.stderr.write(`run: ${line}\n`);
  }

  async execute(): Promise<number> {
    let dataset: PreparedDataset | undefined;
    let outcome: Outcome = { run: undefined, result: undefined, errors: [] };
    let setupError: unknown;
    try {
      dataset = await this.prepare();
      outcome = await this.runOnce(dataset);
    } catch (err) {
      setupError = err;
    } finally {
      this.guard.dispose();
    }
    if (this.guard.interrupted) return new Promise<number>(() => {}); // the guard exits the process
    this.d.total = Math.round(now());
    if (setupError !== undefined) {
      this.note(`error: ${describeError(setupError)}`);
      if (!this.options.json) return exitCodeFor(setupError);
    }
    const summary = this.summarize(dataset, outcome, setupError);
    if (this.options.json) this.io.stdout.write(`${JSON.stringify(summary)}\n`);
    else this.io.stdout.write(renderSummary(summary, outcome.check) + placementText(summary));
    return summary.exitCode;
  }

  private async prepare(): Promise<PreparedDataset> {
    let t = now();
    const engine = await ensureEngine(this.docker, { log: (l) => this.note(l) });
    if (engine.started) this.note('Docker engine started');
    this.d.engineCheck = span(t, now());
    // The images, the dataset and the sweep of interrupted runs do not depend on each other.
    const timed = async <T>(what: 'images' | 'dataset', work: Promise<T>): Promise<T> => {
      const from = now();
      try {
        return await work;
      } finally {
        this.d[what] = span(from, now());
      }
    };
    const images = timed('images', projectImages(this.logger)).catch((err: unknown) => {
      throw new RunEnvironmentError('the images could not be built (npm run images says more)', { cause: err });
    });
    const datasetReady = timed('dataset', prepareDataset(this.options));
    const sweep = cleanupStaleRunsOnce(this.docker);
    const [dataset, stale] = await Promise.all([datasetReady, sweep, images]).then(([d, s]) => [d, s] as const, async (err: unknown) => {
      await Promise.allSettled([images, datasetReady, sweep]);
      throw err;
    });
    if (stale.containers + stale.networks + stale.folders > 0) {
      this.note(`removed what interrupted runs left: ${stale.containers} containers, ${stale.networks} networks, ${stale.folders} folders`);
    }
    for (const f of stale.failures) this.note(`could not remove what an interrupted run left: ${f}`);
    return dataset;
  }

  private async runOnce(dataset: PreparedDataset): Promise<Outcome> {
    const { clients, batchMax, timeoutSeconds } = this.options;
    let builder = new LotteryRun()
      .withClients(clients)
      .withDataset({ description: dataset.description, prepare: async () => dataset })
      .withDockerClient(this.docker)
      .withLogger(this.logger);
    if (batchMax !== undefined) builder = builder.withClientConfig({ batch: { maxAmount: batchMax } });
    // Nothing reads the logs live without the progress view and the nemesis: the engine serves
    // them once, at each exit, instead of line by line while the system runs.
    if (!this.options.progress && this.seed === undefined) builder = builder.withLogFollowing('until-ready');
    this.note(`starting the server and ${clients === 1 ? '1 client' : `${clients} clients`} (dataset: ${dataset.description}${batchMax === undefined ? '' : `, batch.maxAmount ${batchMax}`})`);
    // The checker's reading of a small dataset overlaps the containers' start; a big one would
    // take the CPU from the system under test, so it waits for the checker.
    if (clients > 0 && dataset.totalBets <= PRELOAD_MAX_BETS) preloadValidBets(dataset);
    const began = now();
    let t = began;
    const run = await this.guard.start(startRun(builder, this.options.swarm, (l) => this.note(l)));
    this.d.startup = span(t, now());
    this.note(`run ${run.id} started in ${((this.d.startup ?? 0) / 1000).toFixed(2)} s (network ${run.networkName})`);
    const errors: string[] = [];
    let result: RunResult | undefined;
    let check: CheckResult | undefined;
    let removal: Promise<void> | undefined;
    try {
      const nemesis = this.seed === undefined ? undefined : planNemesis(run, this.seed, this.options.faults, (l) => this.note(l));
      const initial = initialProgress(run.clients.map((c) => ({ agency: agencyOf(run, c.service), service: c.service, total: dataset.agencies.find((a) => a.agency === agencyOf(run, c.service))?.bets })));
      const mode = !this.options.progress ? 'off' : this.io.stderr.isTTY ? 'live' : 'plain';
      this.view = new ProgressView(this.io.stderr, initial, mode);
      this.view.follow(run.timeline.entries);
      t = now();
      // Every fault is healed before the wait: a crashed client not yet restarted has exited 137.
      if (nemesis) this.nemesis = await fireNemesis(run, nemesis, errors);
      try {
        await run.waitForClients(timeoutSeconds * 1000);
      } catch (err) {
        errors.push(`the clients did not all exit within ${timeoutSeconds} s (${describeError(err)})`);
      }
      this.d.clients = span(t, now());
      this.view.finish(run.timeline.entries);
      if (this.guard.interrupted) return { run, result, errors };
      t = now();
      // The clients are done: their containers go while the server stops.
      const clientsRemoved = run.removeExitedClients();
      try {
        // The end of the run, not a fault: the report shows no unhealed SIGTERM.
        await run.server.stop(SERVER_STOP_GRACE_SECONDS);
      } catch (err) {
        errors.push(`stopping the server failed: ${describeError(err)}`);
      }
      this.d.serverStop = span(t, now());
      await clientsRemoved;
      try {
        const betsCsv = await run.copyBetsCsv();
        // Unless a report or the artifacts want the server's files, the engine has nothing more
        // to give: the run's containers and network go while bets.csv is read and checked.
        if (this.options.report === undefined && this.options.artifacts === undefined) removal = this.remove(run);
        result = await run.result(await parseBetsCsv(betsCsv));
      } catch (err) {
        errors.push(`the results could not be collected: ${describeError(err)}`);
      }
      t = now();
      check = await this.check(run, result, errors);
      if (check) this.d.check = span(t, now());
      if (this.options.report !== undefined && !this.guard.interrupted) {
        await finishReport(run, this.options.report, this.reportFacts(run, began), check, (l) => this.note(l));
      }
      if (this.options.artifacts !== undefined && !this.guard.interrupted) {
        await run.saveArtifacts(this.options.artifacts, check).then(
          () => this.note(`artifacts saved in ${this.options.artifacts}`),
          (err: unknown) => this.note(`artifacts could not be saved: ${describeError(err)}`),
        );
      }
    } finally {
      this.view?.finish();
      await (removal ?? this.remove(run));
    }
    const times = result?.times;
    this.d.system = span(times?.firstConnect, times?.lastWinners);
    this.d.sending = span(times?.firstConnect, times?.lastBatch);
    this.d.drawWait = span(times?.lastBatch, times?.draw);
    this.d.winners = span(times?.draw, times?.lastWinners);
    return { run, result, check, errors };
  }

  /** Removes the run (its containers, network and folder), timed as the clean-up. */
  private async remove(run: StartedRun): Promise<void> {
    const t = now();
    await run.stop();
    this.d.cleanup = span(t, now());
  }

  /** The exactly-once checker, once every fault is healed and the server stopped; not without clients. */
  private async check(run: StartedRun, result: RunResult | undefined, errors: string[]): Promise<CheckResult | undefined> {
    if (this.options.clients === 0 || this.guard.interrupted) return undefined;
    try {
      return await run.check(result);
    } catch (err) {
      errors.push(`the exactly-once checker could not run: ${describeError(err)}`);
      return undefined;
    }
  }

  private reportFacts(run: StartedRun, began: number): ReportFacts {
    return {
      seed: this.seed === undefined ? 'none (no nemesis)' : `${this.seed} (${this.options.faults} faults; replay: --seed ${this.seed})`,
      clients: String(this.options.clients),
      dataset: `${run.dataset?.description ?? 'none'}${this.options.scale === 1 ? '' : `, scale ${this.options.scale}`}`,
      'wall time': `${((now() - began) / 1000).toFixed(2)} s (start-up → checker)`,
    };
  }

  private summarize(dataset: PreparedDataset | undefined, outcome: Outcome, setupError: unknown): PlacedSummary {
    const { run } = outcome;
    const errors = setupError === undefined ? outcome.errors : [...outcome.errors, describeError(setupError)];
    const draw = run ? reduceEntries(initialProgress([]), run.timeline.entries).draw : undefined;
    const summary = buildSummary({
      runId: run?.id,
      clients: this.options.clients,
      batchMax: this.options.batchMax ?? DEFAULT_BATCH_MAX,
      dataset,
      result: outcome.result,
      draw,
      durations: this.d,
      scale: this.options.scale,
      nemesis: this.nemesis,
      check: outcome.check,
      errors,
    });
    const placed = withPlacement(summary, run);
    return setupError === undefined ? placed : { ...placed, exitCode: exitCodeFor(setupError) };
  }
}

/** Runs the command for `argv` (the arguments after the script); resolves with the exit code. */
export async function runCommand(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  let options: RunOptions;
  try {
    options = parseRunOptions(argv, io.env, io.cwd);
  } catch (err) {
    if (!(err instanceof RunUsageError)) throw err;
    io.stderr.write(`run: ${err.message}\n(npx zx harness/run.mjs --help for the options)\n`);
    return EXIT_USAGE;
  }
  if (options.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  return new RunCommand(options, io).execute();
}
