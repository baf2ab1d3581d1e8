/**
 * One stack service of a swarm run (`server`, `client3`) and its tasks. Swarm does not restart
 * a container: it replaces the task, with a new container, maybe on another node. The handle
 * follows each task as its node's watcher reports it (task-watcher.ts): the task's lines go
 * into the run's timeline under the service's name (so the checker reads every life of the
 * server as one source, as on one engine), its exit as `<service> exited with code N`, and each
 * entry is marked with the task's lane (`server@node1`, then `server@node1#2`) for the report.
 *
 * Faults act on the current task through its node: kill and pause through the node's engine,
 * a partition through a tp0-net-tools helper in the task's network namespace (iptables: a
 * network disconnect would take the service's DNS name away everywhere). stop() scales the
 * service to 0 (SIGTERM with the grace period, and no replacement); startAgain() scales it
 * back, or forces a new task when swarm would not start one (a client that exited 0), and
 * resolves once the new task logs its ready line.
 */
import type { FaultTargetHandle } from '../faults/fault-target.js';
import { RESTART_NOTE } from '../run/container-handle.js';
import type { Timeline } from '../run/timeline.js';
import { settleWithin } from '../util/settle-within.js';
import type { NodeHelper } from './node-helper.js';
import { SwarmError, type SwarmNode } from './swarm.js';

const LOG_DRAIN_MS = 3000;
/** How long a failed client's replacement may take to start (restart delay, scheduling under load). */
const REPLACEMENT_WAIT_MS = 20_000;

export interface TaskLife {
  readonly node: SwarmNode;
  readonly containerId: string;
  /** 1 for the service's first task, 2 for its replacement, … */
  readonly index: number;
  readonly lane: string;
  readonly exited: Promise<number>;
  readonly ready: Promise<void>;
  exitCode: number | undefined;
}

export interface ServiceHandleContext {
  readonly manager: SwarmNode;
  readonly timeline: Timeline;
  /** Entry seq → the lane of the task that produced it. */
  readonly laneOf: Map<number, string>;
  /** A helper in the task's network namespace that drops all its traffic until healed. */
  readonly isolate: (node: SwarmNode, containerId: string, service: string) => Promise<NodeHelper>;
}

interface ServiceSpecDoc {
  Mode?: { Replicated?: { Replicas?: number } };
  TaskTemplate?: { ForceUpdate?: number; ContainerSpec?: { StopGracePeriod?: number } };
}

export class SwarmServiceHandle implements FaultTargetHandle {
  private readonly lives: TaskLife[] = [];
  private adopted: ((life: TaskLife) => void)[] = [];
  private scaledDown = false;
  /** The task a kill or a stop took down: startAgain() waits for one after it. */
  private downIndex: number | undefined;
  private isolation: NodeHelper | undefined;

  constructor(
    readonly service: string,
    /** The swarm's name of the service (`<stack>_<service>`). */
    readonly stackService: string,
    readonly role: 'server' | 'client',
    private readonly readyLine: RegExp,
    private readonly ctx: ServiceHandleContext,
  ) {}

  get tasks(): readonly TaskLife[] {
    return this.lives;
  }

  get current(): TaskLife | undefined {
    return this.lives[this.lives.length - 1];
  }

  /** The node of the current task. */
  get node(): string | undefined {
    return this.current?.node.name;
  }

  get exitCode(): number | undefined {
    return this.current?.exitCode;
  }

  get exitCount(): number {
    return this.lives.filter((l) => l.exitCode !== undefined).length;
  }

  /** A container of this service started on `node` (the watcher calls this once per container). */
  adopt(node: SwarmNode, containerId: string): void {
    if (this.lives.some((l) => l.containerId === containerId)) return;
    const index = this.lives.length + 1;
    const lane = index === 1 ? `${this.service}@${node.name}` : `${this.service}@${node.name}#${index}`;
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const following = (async () => {
      try {
        for await (const line of node.client.followLogs(containerId)) {
          const entry = this.ctx.timeline.addLine(this.service, line.text, line.time || undefined);
          this.ctx.laneOf.set(entry.seq, lane);
          if (this.readyLine.test(line.text)) markReady();
        }
      } catch (err) {
        this.ctx.timeline.add({ at: Date.now(), source: 'harness', kind: 'note', text: `log stream of ${lane} failed: ${(err as Error).message}`, event: undefined });
      }
    })();
    // Assigned below, before the exit watch reads it (after its first await).
    let life!: TaskLife;
    life = {
      node,
      containerId,
      index,
      lane,
      ready,
      exitCode: undefined,
      exited: (async () => {
        const code = await node.client.waitContainer(containerId).catch(() => -1);
        await settleWithin(following, LOG_DRAIN_MS);
        life.exitCode = code;
        const entry = this.ctx.timeline.add({ at: Date.now(), source: this.service, kind: 'exit', text: `${this.service} exited with code ${code}`, event: undefined, exitCode: code });
        this.ctx.laneOf.set(entry.seq, lane);
        return code;
      })(),
    };
    life.exited.catch(() => {});
    this.lives.push(life);
    const waiting = this.adopted;
    this.adopted = [];
    for (const w of waiting) w(life);
  }

  /** The first task after `after` (index), once it exists. */
  private nextLife(after: number, timeoutMs: number): Promise<TaskLife> {
    const found = this.lives.find((l) => l.index > after);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new SwarmError(`${this.service}: no new task within ${timeoutMs} ms`)), timeoutMs);
      this.adopted.push((life) => {
        clearTimeout(timer);
        resolve(life);
      });
    });
  }

  private async withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new SwarmError(`${this.service}: ${what} within ${timeoutMs} ms`)), timeoutMs)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The exit code of the current task (the next one, when none has started yet). A client that
   * failed on its own (not killed or stopped by a fault) is replaced by swarm (on-failure): then
   * its replacement's exit is the one that counts, unless none comes.
   */
  async waitForExit(timeoutMs = 120_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    let life = this.current ?? (await this.nextLife(0, timeoutMs));
    for (;;) {
      const code = await this.withTimeout(life.exited, Math.max(1, until - Date.now()), 'did not exit');
      if (code === 0 || this.role !== 'client' || this.scaledDown || this.downIndex === life.index) return code;
      try {
        life = await this.nextLife(life.index, Math.min(REPLACEMENT_WAIT_MS, Math.max(1, until - Date.now())));
      } catch {
        return code;
      }
    }
  }

  /** Resolves once the first task logged its ready line; rejects as soon as it exits without one. */
  async waitReady(timeoutMs: number): Promise<void> {
    const life = await this.nextLife(0, timeoutMs);
    await this.withTimeout(readyOrExit(life), timeoutMs, 'did not log its ready line');
  }

  private live(): TaskLife {
    const life = this.current;
    if (!life) throw new SwarmError(`${this.service} has no task yet`);
    return life;
  }

  kill(signal: string): Promise<void> {
    const life = this.live();
    this.downIndex = life.index;
    return life.node.client.killContainer(life.containerId, signal);
  }

  private async updateService(change: (spec: ServiceSpecDoc) => ServiceSpecDoc): Promise<void> {
    const service = this.ctx.manager.api.getService(this.stackService);
    const info = (await service.inspect()) as { Version: { Index: number }; Spec: ServiceSpecDoc };
    await service.update({ version: info.Version.Index, ...change(info.Spec) });
  }

  private scale(replicas: number, graceSeconds?: number): Promise<void> {
    return this.updateService((spec) => ({
      ...spec,
      Mode: { Replicated: { Replicas: replicas } },
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: { ...spec.TaskTemplate?.ContainerSpec, ...(graceSeconds === undefined ? {} : { StopGracePeriod: graceSeconds * 1e9 }) },
      },
    }));
  }

  /** SIGTERM with the grace period (the service scaled to 0: swarm starts no replacement). */
  async stop(graceSeconds: number): Promise<number> {
    const life = this.live();
    this.downIndex = life.index;
    this.scaledDown = true;
    await this.scale(0, graceSeconds);
    return this.withTimeout(life.exited, (graceSeconds + 20) * 1000, 'did not stop');
  }

  /** A new task (same node and volume for the server), resolved once it logged its ready line. */
  async startAgain(readyTimeoutMs = 60_000): Promise<void> {
    const last = this.downIndex ?? this.current?.index ?? 0;
    this.downIndex = undefined;
    this.ctx.timeline.add({ at: Date.now(), source: 'harness', kind: 'note', text: `${RESTART_NOTE} ${this.service}`, event: undefined });
    if (this.scaledDown) {
      this.scaledDown = false;
      await this.scale(1);
    } else if (this.lives.find((l) => l.index === last)?.exitCode === 0 && this.role === 'client') {
      // on-failure: swarm leaves a client that exited 0 alone; a forced update starts a new task.
      await this.updateService((spec) => ({ ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate?.ForceUpdate ?? 0) + 1 } }));
    }
    const life = await this.nextLife(last, readyTimeoutMs);
    await this.withTimeout(readyOrExit(life), readyTimeoutMs, `${life.lane} did not log its ready line`);
  }

  pause(): Promise<void> {
    const life = this.live();
    return life.node.client.pauseContainer(life.containerId);
  }

  unpause(): Promise<void> {
    const life = this.live();
    return life.node.client.unpauseContainer(life.containerId);
  }

  /** Drops every packet of the current task but its loopback's (its DNS name stays). */
  async disconnect(): Promise<void> {
    if (this.isolation) throw new SwarmError(`${this.service} is partitioned already`);
    const life = this.live();
    this.isolation = await this.ctx.isolate(life.node, life.containerId, this.service);
  }

  async reconnect(): Promise<void> {
    const isolation = this.isolation;
    this.isolation = undefined;
    await isolation?.heal();
  }

  async isRunning(): Promise<boolean> {
    const life = this.current;
    if (!life || life.exitCode !== undefined) return false;
    return (await life.node.client.inspectContainer(life.containerId))?.running === true;
  }
}

/** The task's ready line, or a SwarmError once it exited without one (its log drained first). */
function readyOrExit(life: TaskLife): Promise<void> {
  const exited = life.exited.then((code) => {
    throw new SwarmError(`${life.lane} exited with code ${code} before its ready line`);
  });
  return Promise.race([life.ready, exited]);
}
