/**
 * One service's container in a run: started with testcontainers, then watched through the
 * DockerClient. Its output goes line by line into the run's timeline (again after a restart,
 * without repeating lines), and each exit becomes a timeline entry
 * `<service> exited with code N`, after the last line it logged.
 */
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import type { ContainerClient, ContainerSummary } from '../docker/docker-client.js';
import type { RunIdentity } from './run-identity.js';
import type { ServiceSpec } from './run-plan.js';
import type { Timeline } from './timeline.js';
import { LogFollower } from './log-follower.js';
import type { HarnessLogger } from '../logging/harness-logger.js';
import { settleWithin } from '../util/settle-within.js';

/** The timeline note written when a stopped container is started again (`starting again server`). */
export const RESTART_NOTE = 'starting again';

/** How long an exit waits for the log stream to deliver the container's last lines. */
const LOG_DRAIN_MS = 3000;

export interface StartOptions {
  readonly identity: RunIdentity;
  readonly networkName: string;
  readonly docker: ContainerClient;
  readonly timeline: Timeline;
  /** A log line that means "ready" (the server's listening line); none: ready once started. */
  readonly readyLine?: RegExp;
  readonly startupTimeoutMs?: number;
  /** Other entrypoint/command than the image's (mock servers). */
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  /** The harness's own events (the start); silent when absent. */
  readonly logger?: HarnessLogger;
}

export class ContainerHandle {
  private readonly follower = new LogFollower((line) => this.timeline.addLine(this.service, line.text, line.time || undefined));
  private following: Promise<void> = Promise.resolve();
  private exitWatch: Promise<number> | undefined;
  private lastExitCode: number | undefined;
  private exits = 0;

  private constructor(
    readonly service: string,
    readonly id: string,
    readonly containerName: string,
    private readonly docker: ContainerClient,
    private readonly timeline: Timeline,
    private readonly networkName: string,
    readonly started: StartedTestContainer,
    private readonly readyLine: RegExp | undefined,
  ) {}

  static async start(spec: Pick<ServiceSpec, 'name' | 'image' | 'environment' | 'mounts'>, o: StartOptions): Promise<ContainerHandle> {
    const containerName = o.identity.containerName(spec.name);
    let builder = new GenericContainer(spec.image)
      .withName(containerName)
      .withNetworkMode(o.networkName)
      .withNetworkAliases(spec.name)
      .withEnvironment({ ...spec.environment })
      .withBindMounts(spec.mounts.map((m) => ({ source: m.source, target: m.target, mode: m.readOnly ? ('ro' as const) : ('rw' as const) })))
      .withLabels(o.identity.labels(spec.name))
      .withStartupTimeout(o.startupTimeoutMs ?? 30_000);
    if (o.readyLine) builder = builder.withWaitStrategy(Wait.forLogMessage(o.readyLine));
    if (o.entrypoint) builder = builder.withEntrypoint([...o.entrypoint]);
    if (o.command) builder = builder.withCommand([...o.command]);
    const t = performance.now();
    const started = await builder.start();
    o.logger?.info({ service: spec.name, container: containerName, image: spec.image, ms: Math.round(performance.now() - t) }, 'container started');
    const handle = new ContainerHandle(spec.name, started.getId(), containerName, o.docker, o.timeline, o.networkName, started, o.readyLine);
    handle.watch();
    return handle;
  }

  /** Follows output and waits for the next exit (again after each restart). */
  private watch(): void {
    this.following = (async () => {
      try {
        // The whole log each time: the follower skips what it passed on before a restart.
        await this.follower.follow(this.docker.followLogs(this.id));
      } catch (err) {
        this.timeline.add({ at: Date.now(), source: 'harness', kind: 'note', text: `log stream of ${this.service} failed: ${(err as Error).message}`, event: undefined });
      }
    })();
    this.exitWatch = (async () => {
      const code = await this.docker.waitContainer(this.id);
      await settleWithin(this.following, LOG_DRAIN_MS);
      // A follow stream can end before the container's last lines reach it (seen on a loaded
      // engine): once it stopped, its whole log is read again and the follower, which counts
      // positions, passes on only the lines it lacks.
      await settleWithin(this.follower.follow(this.docker.followLogs(this.id)).catch(() => {}), LOG_DRAIN_MS);
      this.lastExitCode = code;
      this.exits++;
      this.timeline.add({ at: Date.now(), source: this.service, kind: 'exit', text: `${this.service} exited with code ${code}`, event: undefined, exitCode: code });
      return code;
    })();
    this.exitWatch.catch(() => {});
  }

  /** The code of the last exit, undefined while it has never exited. */
  get exitCode(): number | undefined {
    return this.lastExitCode;
  }

  get exitCount(): number {
    return this.exits;
  }

  /** Resolves with the exit code once the container (as currently started) exits. */
  async waitForExit(timeoutMs = 120_000): Promise<number> {
    const watch = this.exitWatch;
    if (!watch) throw new Error(`${this.service} is not watched`);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        watch,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.service} did not exit within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: string): Promise<void> {
    return this.docker.killContainer(this.id, signal);
  }

  /** docker stop: SIGTERM, then SIGKILL after the grace period; resolves with the exit code. */
  async stop(graceSeconds: number): Promise<number> {
    await this.docker.stopContainer(this.id, graceSeconds);
    return this.waitForExit((graceSeconds + 10) * 1000);
  }

  /** Stops (SIGTERM with a grace period) and starts again; output keeps flowing into the timeline. */
  async restart(graceSeconds: number): Promise<number> {
    const code = await this.stop(graceSeconds);
    await this.startAgain();
    return code;
  }

  /**
   * Starts the stopped container again (same file system, same name and alias) and, like the
   * first start, resolves once it logs its ready line: a signal sent before the process has
   * installed its handlers would be lost (PID 1 ignores signals it does not handle).
   */
  async startAgain(readyTimeoutMs = 30_000): Promise<void> {
    const mark = this.timeline.entries.length;
    this.timeline.add({ at: Date.now(), source: 'harness', kind: 'note', text: `${RESTART_NOTE} ${this.service}`, event: undefined });
    await this.docker.startContainer(this.id);
    this.watch();
    const ready = this.readyLine;
    if (ready) await this.timeline.waitFor({ source: this.service, kind: 'log', where: (e) => e.seq >= mark && ready.test(e.text) }, 1, readyTimeoutMs);
  }

  async inspect(): Promise<ContainerSummary | undefined> {
    return this.docker.inspectContainer(this.id);
  }

  pause(): Promise<void> {
    return this.docker.pauseContainer(this.id);
  }

  unpause(): Promise<void> {
    return this.docker.unpauseContainer(this.id);
  }

  disconnect(): Promise<void> {
    return this.docker.disconnectNetwork(this.networkName, this.id);
  }

  reconnect(): Promise<void> {
    return this.docker.connectNetwork(this.networkName, this.id, [this.service]);
  }

  /** Every line this container logged so far (from the timeline). */
  logText(): string {
    return this.timeline
      .select({ source: this.service })
      .map((e) => e.text)
      .join('\n');
  }

  async remove(): Promise<void> {
    await this.docker.removeContainer(this.id);
    await settleWithin(this.following, 1000);
  }
}
