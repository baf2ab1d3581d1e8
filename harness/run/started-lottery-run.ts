/**
 * A running lottery system in Docker: its containers, its timeline, and what can be done to it
 * (wait for events, fire faults, run probes) and read from it (bets.csv, results, artifacts).
 * stop() removes every resource of the run; it is safe to call more than once.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerClient } from '../docker/docker-client.js';
import type { PreparedDataset } from '../datasets/datasets.js';
import type { CheckResult } from '../checker/check-result.js';
import type { FaultContext, ShapedContainer, Shaping } from '../faults/faults.js';
import type { MockServer, Probe, ProbeContext } from '../probes/probes.js';
import { readSingleFile } from '../results/tar-file.js';
import { shapeNetwork } from '../faults/net-shaper.js';
import { renderTimelineReport } from '../report/timeline-report.js';
import { ContainerHandle } from './container-handle.js';
import { BETS_FILE_IN_CONTAINER } from './run-config.js';
import { LABEL_RUN_ID, type RunIdentity } from './run-identity.js';
import type { ServiceSpec } from './run-plan.js';
import { RunBase } from './run-base.js';
import type { StartedRun } from './started-run.js';
import type { Timeline } from './timeline.js';
import type { HarnessLogger } from '../logging/harness-logger.js';
import type { ExitEvents } from './exit-events.js';

export interface RunParts {
  readonly identity: RunIdentity;
  readonly docker: ContainerClient;
  readonly timeline: Timeline;
  readonly networkId: string;
  readonly dir: string;
  readonly plan: readonly ServiceSpec[];
  readonly dataset: PreparedDataset | undefined;
  readonly netcatTesterImage: string;
  readonly netToolsImage: string;
  readonly handles: readonly ContainerHandle[];
  readonly logger?: HarnessLogger;
  /** The run's exit events (see exit-events.ts); stopped with the run. */
  readonly exits?: ExitEvents;
}

export class UnknownServiceError extends Error {
  override readonly name = 'UnknownServiceError';
}

export class StartedLotteryRun extends RunBase<ContainerHandle> implements StartedRun, FaultContext, ProbeContext {
  private readonly handles: Map<string, ContainerHandle>;
  private readonly extras: ContainerHandle[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly parts: RunParts) {
    super(parts);
    this.handles = new Map(parts.handles.map((h) => [h.service, h]));
  }

  get networkName(): string {
    return this.parts.identity.networkName;
  }

  get netcatTesterImage(): string {
    return this.parts.netcatTesterImage;
  }

  service(name: string): ContainerHandle {
    const h = this.handles.get(name) ?? this.extras.find((e) => e.service === name);
    if (!h) throw new UnknownServiceError(`no service "${name}" in this run (${[...this.handles.keys()].join(', ')})`);
    return h;
  }

  get clients(): ContainerHandle[] {
    return [...this.handles.values()].filter((h) => h.service !== 'server');
  }

  protected services(): ContainerHandle[] {
    return [...this.handles.values()];
  }

  /** Runs a tp0-net-tools helper in `target`'s network namespace that applies `shaping` until healed. */
  shapeNetwork(target: ContainerHandle, shaping: Shaping): Promise<ShapedContainer> {
    const service = this.freshName('net');
    return shapeNetwork(target, shaping, {
      image: this.parts.netToolsImage,
      labels: this.parts.identity.labels(service),
      name: this.parts.identity.containerName(service),
      docker: this.parts.docker,
    });
  }

  /** Whether the service's container is running now (not stopped, not exited). */
  async isRunning(service: string): Promise<boolean> {
    return (await this.service(service).inspect())?.running === true;
  }

  probe<R>(probe: Probe<R>): Promise<R> {
    return probe.run(this);
  }

  async startMock(mock: MockServer): Promise<ContainerHandle> {
    return mock.start(this);
  }

  async startContainer(
    service: string,
    image: string,
    options: { entrypoint?: readonly string[]; command?: readonly string[]; readyLine?: RegExp },
  ): Promise<ContainerHandle> {
    const handle = await ContainerHandle.start(
      { name: service, image, environment: {}, mounts: [] },
      { identity: this.parts.identity, networkName: this.networkName, docker: this.parts.docker, timeline: this.timeline, logger: this.parts.logger, exits: this.parts.exits, ...options },
    );
    this.extras.push(handle);
    return handle;
  }

  /** bets.csv's text as it is now, copied out of the server container (running or stopped). */
  async copyBetsCsv(): Promise<string> {
    const archive = await this.parts.docker.getArchive(this.server.id, BETS_FILE_IN_CONTAINER);
    return (await readSingleFile(archive)).toString('utf8');
  }

  /** The run's timeline as a self-contained HTML page, with the checker's summary when it can run. */
  async report(facts: Readonly<Record<string, string>> = {}, check?: CheckResult): Promise<string> {
    let summary = check;
    if (!summary && this.parts.dataset) summary = await this.check().catch(() => undefined);
    return renderTimelineReport({ title: `run ${this.id}`, entries: this.timeline.entries, check: summary, facts: { run: this.id, dataset: this.parts.dataset?.description ?? 'none', ...facts } });
  }

  /** Every container's log, bets.csv, the event timeline and its HTML report, into `dir`. */
  async saveArtifacts(dir: string, check?: CheckResult): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const sources = new Set(this.timeline.entries.map((e) => e.source));
    for (const source of sources) {
      const text = this.timeline.select({ source }).map((e) => e.text).join('\n');
      writeFileSync(join(dir, `${source}.log`), text + '\n');
    }
    writeFileSync(join(dir, 'timeline.json'), JSON.stringify(this.timeline.entries, null, 1) + '\n');
    writeFileSync(join(dir, 'report.html'), await this.report({}, check));
    try {
      const archive = await this.parts.docker.getArchive(this.server.id, BETS_FILE_IN_CONTAINER);
      writeFileSync(join(dir, 'bets.csv'), await readSingleFile(archive));
    } catch (err) {
      writeFileSync(join(dir, 'bets.csv.missing'), `${(err as Error).message}\n`);
    }
  }

  /**
   * Removes the client containers that have exited (their logs are all in the timeline), while
   * the rest of the run goes on; stop() removes whatever is left.
   */
  async removeExitedClients(): Promise<void> {
    await Promise.allSettled(this.clients.filter((c) => c.exitCode !== undefined).map((c) => c.remove()));
  }

  /** Removes every container, the network and the run folder. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const t = performance.now();
      const all = [...this.handles.values(), ...this.extras];
      await Promise.allSettled(all.map((h) => h.remove()));
      // Anything else of this run (a network-shaping helper left by a failed test), by label.
      const others = await this.parts.docker.listContainers({ [LABEL_RUN_ID]: this.id }).catch(() => []);
      await Promise.allSettled(others.map((c) => this.parts.docker.removeContainer(c.id)));
      this.parts.exits?.stop();
      this.timeline.close('the run was stopped');
      await this.parts.docker.removeNetwork(this.parts.networkId).catch(() => {});
      rmSync(this.parts.dir, { recursive: true, force: true });
      this.parts.logger?.info({ containers: all.length + others.length, network: this.networkName, ms: Math.round(performance.now() - t) }, 'run removed');
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
