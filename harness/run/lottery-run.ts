/**
 * Builds a run of the lottery system in Docker, fluently:
 *
 *   const run = await new LotteryRun().withClients(5).withClientConfig({ batch: { maxAmount: 50 } }).start();
 *
 * start() ensures the images (once per process), removes stale resources of crashed runs, writes
 * the run's config files, creates the run's own labelled network, creates every container, then
 * starts the server's, then the clients' (at most `withStartConcurrency` at a time, not waiting
 * for the server's ready line: the clients retry until it listens), and resolves once the server logged that it listens
 * and every client its config. If any step fails, whatever was created is removed and the
 * original error is rethrown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerClient, type DockerClient } from '../docker/docker-client.js';
import { type DatasetSource, Datasets, type PreparedDataset } from '../datasets/datasets.js';
import { ensureImages, type ImageSet } from '../images/image-builder.js';
import { ContainerHandle } from './container-handle.js';
import {
  type ClientYamlOverrides,
  DEFAULT_CLIENT_YAML,
  DEFAULT_SERVER_INI,
  mergeClientConfig,
  type ServerIniConfig,
  writeRunConfigs,
} from './run-config.js';
import { ExitEvents } from './exit-events.js';
import type { LogFollowing } from './log-follower.js';
import { LABEL_RUN_ID, RunIdentity } from './run-identity.js';
import type { RunPlacement, RunSettings } from './run-settings.js';
import { planServices } from './run-plan.js';
import { cleanupStaleRunsOnce, OWNER_FILE, RUN_DIR_PREFIX } from './stale-cleanup.js';
import { StartedLotteryRun } from './started-lottery-run.js';
import { Timeline } from './timeline.js';
import { type HarnessLogger, silentLogger } from '../logging/harness-logger.js';
import { settledAll } from '../util/pool.js';

/** The server's listening line, in the course text or in pino's NDJSON (`LOG_FORMAT=json`). */
export const SERVER_READY = /action: servidor_escuchando \| result: success|"action":"servidor_escuchando","result":"success"/;
/** A client logs its config once its signal handlers are in place: from then on a fault is fair. */
export const CLIENT_READY = /action: config \| result: |"action":"config","result":/;

/** Containers created and started at a time: the engine does part of each start one at a time anyway. */
export const DEFAULT_START_CONCURRENCY = 16;

export class RunSetupError extends Error {
  override readonly name = 'RunSetupError';
}

type EnvFor = (id: number) => Readonly<Record<string, string>>;

let imagesOnce: Promise<ImageSet> | undefined;
/** Whether a run of this process logged the sweep of interrupted runs (it is made once per process). */
let sweepLogged = false;

/** The project's images, ensured once per process (bundling dist/ first); the first caller's logger hears how. */
export function projectImages(logger: HarnessLogger = silentLogger): Promise<ImageSet> {
  imagesOnce ??= ensureImages({ log: (line) => logger.info({ component: 'images' }, line) });
  return imagesOnce;
}

export class LotteryRun {
  private clients = 5;
  private dataset: DatasetSource | undefined = Datasets.generated();
  private serverIni: Partial<ServerIniConfig> = {};
  private clientYaml: ClientYamlOverrides = {};
  private serverEnv: Readonly<Record<string, string>> = {};
  private clientEnv: EnvFor = () => ({});
  private docker: DockerClient | undefined;
  private startupTimeoutMs = 60_000;
  private startConcurrency = DEFAULT_START_CONCURRENCY;
  private command: readonly string[] | undefined;
  private logger: HarnessLogger = silentLogger;
  private logFollowing: LogFollowing = 'live';

  /** Number of agencies (client1..clientN); the server expects that many. N = 0 is the server alone. */
  withClients(n: number): this {
    if (!Number.isInteger(n) || n < 0) throw new RunSetupError(`clients must be a whole number >= 0, got ${n}`);
    this.clients = n;
    return this;
  }

  /** Where agency files come from (default: the generated classic set); `none`: bets from the environment. */
  withDataset(source: DatasetSource | 'none'): this {
    this.dataset = source === 'none' ? undefined : source;
    return this;
  }

  /** Keys of the server's INI `[DEFAULT]` section, over the project's defaults. */
  withServerConfig(values: Partial<ServerIniConfig>): this {
    this.serverIni = { ...this.serverIni, ...values };
    return this;
  }

  /** Parts of the client's YAML, over the project's defaults. */
  withClientConfig(values: ClientYamlOverrides): this {
    this.clientYaml = mergeClientConfig(mergeClientConfig(DEFAULT_CLIENT_YAML, this.clientYaml), values);
    return this;
  }

  withServerEnv(env: Readonly<Record<string, string>>): this {
    this.serverEnv = { ...this.serverEnv, ...env };
    return this;
  }

  /** Environment for every client, or per agency id. */
  withClientEnv(env: Readonly<Record<string, string>> | EnvFor): this {
    const before = this.clientEnv;
    const more: EnvFor = typeof env === 'function' ? env : () => env;
    this.clientEnv = (id) => ({ ...before(id), ...more(id) });
    return this;
  }

  withDockerClient(docker: DockerClient): this {
    this.docker = docker;
    return this;
  }

  /** A pino logger for the harness's own events (images, containers, faults, clean-up); default: silent. */
  withLogger(logger: HarnessLogger): this {
    this.logger = logger;
    return this;
  }

  /**
   * `until-ready`: each container's log is followed only until its ready line, and read whole
   * once it has exited (see LogFollowing): for runs that read the timeline only at the end.
   * Default `live`: faults, waits on log lines and live progress need every line as it comes.
   */
  withLogFollowing(mode: LogFollowing): this {
    this.logFollowing = mode;
    return this;
  }

  /** How many containers are created and started at a time (default 16). */
  withStartConcurrency(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new RunSetupError(`start concurrency must be a whole number >= 1, got ${n}`);
    this.startConcurrency = n;
    return this;
  }

  /**
   * Another program in every container, instead of the server and the clients (the Docker floor
   * of `npm run bench:docker` runs `node --version`): the run is created and started the same
   * way, and counts as started once every container is, with no ready line to wait for.
   */
  withCommand(argv: readonly string[]): this {
    this.command = [...argv];
    return this;
  }

  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    return this;
  }

  /** What this run was told, as one value (see run-settings.ts). */
  settings(): RunSettings {
    return {
      clients: this.clients,
      dataset: this.dataset,
      serverIni: { ...DEFAULT_SERVER_INI, ...this.serverIni } as ServerIniConfig,
      clientYaml: mergeClientConfig(DEFAULT_CLIENT_YAML, this.clientYaml),
      serverEnv: this.serverEnv,
      clientEnv: this.clientEnv,
      docker: this.docker,
      startupTimeoutMs: this.startupTimeoutMs,
    };
  }

  /** The same run on a swarm: `.onSwarm(Swarms.local({ nodes: 3 }))` (harness/swarm/swarms.ts) returns its builder. */
  onSwarm<R>(placement: RunPlacement<R>): R {
    return placement.withSettings(this.settings());
  }

  async start(): Promise<StartedLotteryRun> {
    const docker = this.docker ?? createDockerClient();
    await docker.ping();
    const images = await projectImages(this.logger);
    const report = await cleanupStaleRunsOnce(docker);
    if (!sweepLogged) {
      sweepLogged = true;
      if (report.containers + report.networks + report.folders > 0) this.logger.info({ ...report, failures: undefined }, 'removed what interrupted runs left');
      for (const failure of report.failures) this.logger.warn({ failure }, 'could not remove what an interrupted run left');
    }

    const dataset = await this.dataset?.prepare();
    if (dataset && dataset.agencies.length < this.clients) {
      throw new RunSetupError(`${this.clients} clients but the dataset (${dataset.description}) has ${dataset.agencies.length} agencies`);
    }
    const identity = RunIdentity.create();
    const dir = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${identity.runId}-`));
    writeFileSync(join(dir, OWNER_FILE), String(process.pid));
    const logger = this.logger.child({ run: identity.runId });
    const timeline = new Timeline(logger);
    const started: ContainerHandle[] = [];
    let networkId: string | undefined;
    let exits: ExitEvents | undefined;
    try {
      const configs = writeRunConfigs(
        dir,
        { ...DEFAULT_SERVER_INI, ...this.serverIni } as ServerIniConfig,
        mergeClientConfig(DEFAULT_CLIENT_YAML, this.clientYaml),
      );
      const plan = planServices({
        clients: this.clients,
        serverImage: images.server.tag,
        clientImage: images.client.tag,
        ...configs,
        dataDir: dataset?.dir,
        serverEnv: this.serverEnv,
        clientEnv: this.clientEnv,
      });
      // The network and the subscription to exits are independent engine calls.
      const [network, subscribed] = await Promise.allSettled([
        docker.createNetwork(identity.networkName, identity.labels()),
        ExitEvents.subscribe(docker, { [LABEL_RUN_ID]: identity.runId }),
      ]);
      if (network.status === 'fulfilled') networkId = network.value.id;
      if (subscribed.status === 'fulfilled') exits = subscribed.value;
      if (network.status === 'rejected') throw network.reason;
      if (subscribed.status === 'rejected') throw subscribed.reason;
      const runNetworkId = network.value.id;
      const common = { identity, networkName: identity.networkName, docker, timeline, startupTimeoutMs: this.startupTimeoutMs, logger, exits, logFollowing: this.logFollowing, ...(this.command ? { command: this.command } : {}) };
      const [serverSpec, ...clientSpecs] = plan;
      if (!serverSpec) throw new RunSetupError('the plan has no server');
      // Every container is created first, then started: the clients retry until the server
      // listens, so none waits for its ready line.
      const ready = (line: RegExp) => (this.command ? undefined : line);
      const specs = [
        { spec: serverSpec, readyLine: ready(SERVER_READY) },
        ...clientSpecs.map((spec) => ({ spec, readyLine: ready(CLIENT_READY) })),
      ];
      const handles = await settledAll(started, specs, this.startConcurrency, ({ spec, readyLine }) => ContainerHandle.create(spec, { ...common, readyLine }));
      // The server's container is started first, then the clients' all together. Started at once,
      // a client that tried the server's address before the server's container was up got no
      // answer at all for about a second, while clients started later connected at once: in 2 of
      // 8 runs of run.mjs the clients took 1.2-1.5 s instead of 0.4-0.6 s; in none of 8 this way.
      const [first, ...others] = handles;
      await first?.start();
      await settledAll([], others, this.startConcurrency, (h) => h.start());
      await settledAll([], handles, handles.length, (h) => h.ready());
      return new StartedLotteryRun({
        identity,
        docker,
        timeline,
        networkId: runNetworkId,
        dir,
        plan,
        dataset: dataset as PreparedDataset | undefined,
        netcatTesterImage: images.netcatTester.tag,
        netToolsImage: images.netTools.tag,
        handles,
        logger,
        exits,
      });
    } catch (err) {
      await Promise.allSettled(started.map((h) => h.remove()));
      exits?.stop();
      if (networkId) await docker.removeNetwork(networkId).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
      timeline.close('the run failed to start');
      throw err;
    }
  }
}
