/**
 * One service's container in a run, created and watched through the DockerClient. Its output
 * goes line by line into the run's timeline (again after a restart, without repeating lines),
 * and each exit becomes a timeline entry `<service> exited with code N`, after the last line it
 * logged. Created and started apart (a run creates every container, then starts them all);
 * ready once its ready line is in the timeline.
 */
import type { ContainerClient, ContainerSummary, LogLine } from '../docker/docker-client.js';
import type { RunIdentity } from './run-identity.js';
import type { ServiceSpec } from './run-plan.js';
import type { Timeline } from './timeline.js';
import type { ExitEvents } from './exit-events.js';
import { LogFollower, type LogFollowing } from './log-follower.js';
import type { HarnessLogger } from '../logging/harness-logger.js';
import { rejectAfter, settleWithin } from '../util/settle-within.js';

/** The timeline note written when a stopped container is started again (`starting again server`). */
export const RESTART_NOTE = 'starting again';

/** How long an exit waits for the log stream to deliver the container's last lines. */
const LOG_DRAIN_MS = 3000;
/**
 * The engine's `local` log driver for a run's containers: following a log costs the engine about
 * half the CPU json-file does (measured here: 16 µs a line against 29), and a 20× run's
 * containers log 31,000 lines while the system runs on the same cores. One file, never rotated
 * (a rotated-away line would be lost to the exit's catch-up and to the checker).
 */
const RUN_LOG_DRIVER = { driver: 'local', options: { 'max-size': '10g', 'max-file': '1', compress: 'false' } };
/** How long a log followed until its ready line waits for it (the start-up's own timeout applies too). */
const READY_WAIT_MS = 600_000;
/** Lines of a container's log read at its exit, to catch up on what its follow stream missed. */
const EXIT_TAIL_LINES = 64;
/** Lines of a container's log an error quotes. */
const TAIL_LINES = 10;

export interface StartOptions {
  readonly identity: RunIdentity;
  readonly networkName: string;
  readonly docker: ContainerClient;
  readonly timeline: Timeline;
  /** A log line that means "ready" (the server's listening line); none: ready once started. */
  readonly readyLine?: RegExp;
  readonly startupTimeoutMs?: number;
  /** Other entrypoint/command than the image's (mock servers, the Docker floor's trivial containers). */
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  /** The harness's own events (the start); silent when absent. */
  readonly logger?: HarnessLogger;
  /** The run's exit events: an exit is seen when the engine announces it, not only when a wait returns. */
  readonly exits?: ExitEvents;
  /** How the log reaches the timeline while the container runs (default `live`; see LogFollowing). */
  readonly logFollowing?: LogFollowing;
}

export class ContainerNotReadyError extends Error {
  override readonly name = 'ContainerNotReadyError';
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
    private readonly readyLine: RegExp | undefined,
    private readonly options: StartOptions,
    private readonly image: string,
  ) {}

  /** Creates the service's container on the run's network (alias: the service name), not started. */
  static async create(spec: Pick<ServiceSpec, 'name' | 'image' | 'environment' | 'mounts'>, o: StartOptions): Promise<ContainerHandle> {
    const containerName = o.identity.containerName(spec.name);
    const id = await o.docker.createContainer({
      name: containerName,
      image: spec.image,
      environment: spec.environment,
      labels: o.identity.labels(spec.name),
      mounts: spec.mounts,
      network: o.networkName,
      aliases: [spec.name],
      log: RUN_LOG_DRIVER,
      ...(o.entrypoint ? { entrypoint: o.entrypoint } : {}),
      ...(o.command ? { command: o.command } : {}),
    });
    return new ContainerHandle(spec.name, id, containerName, o.docker, o.timeline, o.networkName, o.readyLine, o, spec.image);
  }

  /** Creates, starts and waits until ready; a container that fails any of it is removed, and the error rethrown. */
  static async start(spec: Pick<ServiceSpec, 'name' | 'image' | 'environment' | 'mounts'>, o: StartOptions): Promise<ContainerHandle> {
    const handle = await ContainerHandle.create(spec, o);
    try {
      await handle.start();
      await handle.ready();
      return handle;
    } catch (err) {
      await handle.remove().catch(() => {});
      throw err;
    }
  }

  /** Starts the created container and begins following its output and waiting for its exit. */
  async start(): Promise<void> {
    const t = performance.now();
    await this.docker.startContainer(this.id);
    this.options.logger?.info({ service: this.service, container: this.containerName, image: this.image, ms: Math.round(performance.now() - t) }, 'container started');
    this.watch();
  }

  /**
   * Resolves once the ready line is in the timeline (at once without one); rejects when the
   * container exits first or the start-up timeout passes, quoting the end of its log.
   */
  async ready(timeoutMs = this.options.startupTimeoutMs ?? 30_000): Promise<void> {
    const ready = this.readyLine;
    const exit = this.exitWatch;
    if (!ready || !exit) return;
    const gaveUp = new AbortController();
    const line = this.timeline.waitFor({ source: this.service, kind: 'log', where: (e) => ready.test(e.text) }, 1, timeoutMs, gaveUp.signal);
    const exited = exit.then((code) => {
      throw new ContainerNotReadyError(`${this.service} exited with code ${code} before it was ready (${ready}); its log ends:\n${this.logTail()}`);
    });
    exited.catch(() => {});
    try {
      await Promise.race([line, exited]);
    } catch (err) {
      if (err instanceof ContainerNotReadyError) throw err;
      throw new ContainerNotReadyError(`${this.service} was not ready within ${timeoutMs} ms (${ready}); its log ends:\n${this.logTail()}`, { cause: err });
    } finally {
      gaveUp.abort();
      line.catch(() => {});
    }
  }

  private logTail(): string {
    const lines = this.timeline.select({ source: this.service, kind: 'log' }).slice(-TAIL_LINES);
    return lines.length === 0 ? '  (no output)' : lines.map((e) => `  | ${e.text}`).join('\n');
  }

  /** Follows output and waits for the next exit (again after each restart). */
  private watch(): void {
    const stopFollowing = new AbortController();
    this.following = (async () => {
      try {
        if (this.untilReady) this.stopAtReadyLine(stopFollowing);
        // The whole log each time: the follower skips what it passed on before a restart.
        await this.follower.follow(this.docker.followLogs(this.id, { signal: stopFollowing.signal }));
      } catch (err) {
        this.timeline.add({ at: Date.now(), source: 'harness', kind: 'note', text: `log stream of ${this.service} failed: ${(err as Error).message}`, event: undefined });
      }
    })();
    this.exitWatch = (async () => {
      const announced = this.options.exits?.exit(this.id, this.exits + 1);
      const code = await (announced ? Promise.race([this.docker.waitContainer(this.id), announced]) : this.docker.waitContainer(this.id));
      // Once the container stopped its log is complete, but a follow stream may still lag behind
      // it (the engine ends it a while after the exit) or even end without the last lines (seen
      // on a loaded engine): it is stopped, and the log's end is read once more; the follower
      // passes on only the lines it lacks (from the whole log when the end does not say).
      stopFollowing.abort();
      await settleWithin(this.following, LOG_DRAIN_MS);
      // Not followed live: the log after the ready line is read whole now, however long it is.
      if (this.untilReady) await this.readRest();
      else await settleWithin(this.catchUp().catch(() => {}), LOG_DRAIN_MS);
      this.lastExitCode = code;
      this.exits++;
      this.timeline.add({ at: Date.now(), source: this.service, kind: 'exit', text: `${this.service} exited with code ${code}`, event: undefined, exitCode: code });
      return code;
    })();
    this.exitWatch.catch(() => {});
  }

  private get untilReady(): boolean {
    return this.options.logFollowing === 'until-ready';
  }

  /** Ends the follow stream once the ready line is in the timeline (at once without a ready line). */
  private stopAtReadyLine(stop: AbortController): void {
    const ready = this.readyLine;
    if (!ready) {
      stop.abort();
      return;
    }
    const seq = this.timeline.entries.length;
    this.timeline.waitFor({ source: this.service, kind: 'log', where: (e) => e.seq >= seq && ready.test(e.text) }, 1, READY_WAIT_MS, stop.signal).then(
      () => stop.abort(),
      () => {},
    );
  }

  /** After an exit of a container not followed live: the whole log again, the follower passing on what it lacks. */
  private async readRest(): Promise<void> {
    try {
      await this.follower.follow(this.docker.followLogs(this.id));
    } catch (err) {
      this.timeline.add({ at: Date.now(), source: 'harness', kind: 'note', text: `log of ${this.service} could not be read: ${(err as Error).message}`, event: undefined });
    }
  }

  /** After an exit: the lines of the log's end the follow stream did not give, else the whole log read again. */
  private async catchUp(): Promise<void> {
    const tail: LogLine[] = [];
    for await (const line of this.docker.followLogs(this.id, { tail: EXIT_TAIL_LINES })) tail.push(line);
    if (!this.follower.catchUp(tail, EXIT_TAIL_LINES)) await this.follower.follow(this.docker.followLogs(this.id));
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
    return rejectAfter(watch, timeoutMs, () => new Error(`${this.service} did not exit within ${timeoutMs} ms`));
  }

  kill(signal: string): Promise<void> {
    return this.docker.killContainer(this.id, signal);
  }

  /**
   * What `docker stop` does (SIGTERM, then SIGKILL after the grace period), done here: the exit
   * is seen at the engine's die event, without waiting for the engine to release the container's
   * network as a stop call would. Resolves with the exit code.
   */
  async stop(graceSeconds: number): Promise<number> {
    await this.docker.killContainer(this.id, 'SIGTERM');
    try {
      return await this.waitForExit(graceSeconds * 1000);
    } catch {
      await this.docker.killContainer(this.id, 'SIGKILL');
      return this.waitForExit(10_000);
    }
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
