/**
 * A running lottery system in Docker: its containers, its timeline, and what can be done to it
 * (wait for events, fire faults, run probes) and read from it (bets.csv, results, artifacts).
 * stop() removes every resource of the run; it is safe to call more than once.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerClient } from '../docker/docker-client.js';
import type { PreparedDataset } from '../datasets/datasets.js';
import { checkRun } from '../checker/check-run.js';
import type { CheckResult } from '../checker/check-result.js';
import { type Fault, type FaultContext, FaultError, type FaultOutcome, type ShapedContainer, type Shaping, type Trigger } from '../faults/faults.js';
import type { MockServer, Probe, ProbeContext } from '../probes/probes.js';
import {
  betsSentBy,
  failLines,
  parseBetsCsv,
  phaseTimes,
  reportedWinners,
  type RunResult,
  type StoredBets,
} from '../results/run-result.js';
import { readSingleFile } from '../results/tar-file.js';
import { shapeNetwork } from '../faults/net-shaper.js';
import { renderTimelineReport } from '../report/timeline-report.js';
import { ContainerHandle } from './container-handle.js';
import { BETS_FILE_IN_CONTAINER } from './run-config.js';
import { LABEL_RUN_ID, type RunIdentity } from './run-identity.js';
import type { ServiceSpec } from './run-plan.js';
import type { EventFilter, Timeline, TimelineEntry } from './timeline.js';
import type { HarnessLogger } from '../logging/harness-logger.js';

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
}

export class UnknownServiceError extends Error {
  override readonly name = 'UnknownServiceError';
}

export class StartedLotteryRun implements FaultContext, ProbeContext {
  private readonly handles: Map<string, ContainerHandle>;
  private readonly extras: ContainerHandle[] = [];
  private names = new Map<string, number>();
  private stopping: Promise<void> | undefined;

  constructor(private readonly parts: RunParts) {
    this.handles = new Map(parts.handles.map((h) => [h.service, h]));
  }

  get id(): string {
    return this.parts.identity.runId;
  }

  get networkName(): string {
    return this.parts.identity.networkName;
  }

  get timeline(): Timeline {
    return this.parts.timeline;
  }

  get plan(): readonly ServiceSpec[] {
    return this.parts.plan;
  }

  get dataset(): PreparedDataset | undefined {
    return this.parts.dataset;
  }

  get netcatTesterImage(): string {
    return this.parts.netcatTesterImage;
  }

  service(name: string): ContainerHandle {
    const h = this.handles.get(name) ?? this.extras.find((e) => e.service === name);
    if (!h) throw new UnknownServiceError(`no service "${name}" in this run (${[...this.handles.keys()].join(', ')})`);
    return h;
  }

  get server(): ContainerHandle {
    return this.service('server');
  }

  get clients(): ContainerHandle[] {
    return [...this.handles.values()].filter((h) => h.service !== 'server');
  }

  /** `server`, `client3`, `clients` (every client) or `all`. */
  resolve(target: string): ContainerHandle[] {
    if (target === 'all') return [...this.handles.values()];
    if (target === 'clients') return this.clients;
    return [this.service(target)];
  }

  waitFor(filter: EventFilter, count = 1, timeoutMs = 120_000): Promise<TimelineEntry[]> {
    return this.timeline.waitFor(filter, count, timeoutMs);
  }

  /** Waits until every client container has exited; returns their exit codes. */
  async waitForClients(timeoutMs = 300_000): Promise<Record<string, number>> {
    const codes = await Promise.all(this.clients.map(async (c) => [c.service, await c.waitForExit(timeoutMs)] as const));
    return Object.fromEntries(codes);
  }

  fire(fault: Fault): Promise<FaultOutcome> {
    return fault.apply(this);
  }

  async fireWhen(trigger: Trigger, fault: Fault): Promise<FaultOutcome> {
    await trigger.wait(this.timeline);
    return this.fire(fault);
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

  /** The exactly-once checker over the run as it stands (call it once every fault is healed). */
  async check(collected?: RunResult): Promise<CheckResult> {
    const dataset = this.parts.dataset;
    if (!dataset) throw new FaultError('the checker needs a dataset: this run has none');
    // bets.csv is copied out of the container once: reuse a result the caller already has.
    const result = collected ?? (await this.result());
    return checkRun({ dataset, agencies: result.agencies, timeline: this.timeline, stored: result.stored });
  }

  probe<R>(probe: Probe<R>): Promise<R> {
    return probe.run(this);
  }

  async startMock(mock: MockServer): Promise<ContainerHandle> {
    return mock.start(this);
  }

  freshName(prefix: string): string {
    const n = (this.names.get(prefix) ?? 0) + 1;
    this.names.set(prefix, n);
    return `${prefix}-${n}`;
  }

  async startContainer(
    service: string,
    image: string,
    options: { entrypoint?: readonly string[]; command?: readonly string[]; readyLine?: RegExp },
  ): Promise<ContainerHandle> {
    const handle = await ContainerHandle.start(
      { name: service, image, environment: {}, mounts: [] },
      { identity: this.parts.identity, networkName: this.networkName, docker: this.parts.docker, timeline: this.timeline, logger: this.parts.logger, ...options },
    );
    this.extras.push(handle);
    return handle;
  }

  /** bets.csv as it is now, copied out of the server container (running or stopped). */
  async storedBets(): Promise<StoredBets> {
    const archive = await this.parts.docker.getArchive(this.server.id, BETS_FILE_IN_CONTAINER);
    return await parseBetsCsv((await readSingleFile(archive)).toString('utf8'));
  }

  /** What the run produced so far: per agency reports, bets.csv, phase times, fail lines. */
  async result(): Promise<RunResult> {
    const agencies = this.clients.map((c) => ({
      agency: Number(this.parts.plan.find((s) => s.name === c.service)?.environment.CLI_ID),
      service: c.service,
      betsSent: betsSentBy(this.timeline, c.service),
      winners: reportedWinners(this.timeline, c.service),
      exitCode: c.exitCode,
    }));
    return {
      agencies,
      serverExitCode: this.server.exitCode,
      stored: await this.storedBets(),
      times: phaseTimes(this.timeline),
      failLines: failLines(this.timeline),
    };
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

  /** Removes every container, the network and the run folder. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const t = performance.now();
      const all = [...this.handles.values(), ...this.extras];
      await Promise.allSettled(all.map((h) => h.remove()));
      // Anything else of this run (a network-shaping helper left by a failed test), by label.
      const others = await this.parts.docker.listContainers({ [LABEL_RUN_ID]: this.id }).catch(() => []);
      await Promise.allSettled(others.map((c) => this.parts.docker.removeContainer(c.id)));
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
