/**
 * A tp0-net-tools helper on one swarm node (net-tools/net-shaper.sh), created through that
 * node's own engine: in a task's network namespace (`container:<id>`) to partition or shape
 * that task, or in the node's host namespace to partition the whole node from its peers. It
 * prints a ready line once its rules are in; heal() stops it (SIGTERM: it removes exactly
 * those rules), checks it said so and exited 0, and removes it.
 */
import type { LogLine } from '../docker/docker-client.js';
import { HEALED, READY } from '../faults/net-shaper.js';
import { settleWithin } from '../util/settle-within.js';
import type { RunIdentity } from '../run/run-identity.js';
import type { SwarmNode } from './swarm.js';

export class NodeHelperError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NodeHelperError';
  }
}

export interface NodeHelperOptions {
  readonly image: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `host` (the node itself) or `container:<id>` (a task's namespace). */
  readonly networkMode: string;
  /** net-shaper.sh's arguments, e.g. `isolate`, `isolate 10.0.0.3`, `loss 0.1`. */
  readonly args: readonly string[];
  readonly readyTimeoutMs?: number;
}

export interface NodeHelper {
  /** What the helper says it applied (its ready line). */
  readonly applied: string;
  heal(): Promise<void>;
}

const shown = (lines: readonly string[]): string => lines.map((l) => `  | ${l}`).join('\n') || '  (no output)';

export async function startNodeHelper(node: SwarmNode, o: NodeHelperOptions): Promise<NodeHelper> {
  const container = await node.api.createContainer({
    name: o.name,
    Image: o.image,
    Cmd: [...o.args],
    Labels: { ...o.labels },
    HostConfig: { NetworkMode: o.networkMode, CapAdd: ['NET_ADMIN'] },
  });
  const lines: string[] = [];
  try {
    await container.start();
    const applied = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new NodeHelperError(`helper ${o.name} on ${node.name} was not ready within ${o.readyTimeoutMs ?? 15_000} ms\n${shown(lines)}`)), o.readyTimeoutMs ?? 15_000);
      void (async () => {
        for await (const line of node.client.followLogs(container.id) as AsyncIterable<LogLine>) {
          lines.push(line.text);
          const ready = READY.exec(line.text)?.[1];
          if (ready !== undefined) {
            clearTimeout(timer);
            resolve(ready);
            return;
          }
        }
        clearTimeout(timer);
        reject(new NodeHelperError(`helper ${o.name} on ${node.name} stopped before its rules were in\n${shown(lines)}`));
      })().catch(reject);
    });
    let healing: Promise<void> | undefined;
    const heal = async (): Promise<void> => {
      try {
        await node.client.stopContainer(container.id, 5);
        const code = await node.client.waitContainer(container.id);
        const output: string[] = [];
        for await (const line of node.client.followLogs(container.id)) output.push(line.text);
        if (code !== 0 || !output.includes(HEALED)) throw new NodeHelperError(`healing through ${o.name} on ${node.name} failed (exit ${code})\n${shown(output)}`);
      } finally {
        await node.client.removeContainer(container.id);
      }
    };
    return { applied, heal: () => (healing ??= heal()) };
  } catch (error) {
    await settleWithin(node.client.removeContainer(container.id), 5000);
    throw error;
  }
}

/** A run's helpers: named and labelled as the run's (`tp0-<run>-partition-client3-1`). */
export class NodeHelpers {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly identity: RunIdentity,
    private readonly image: string,
  ) {}

  start(node: SwarmNode, networkMode: string, args: readonly string[], prefix: string): Promise<NodeHelper> {
    const n = (this.counts.get(prefix) ?? 0) + 1;
    this.counts.set(prefix, n);
    const name = `${prefix}-${n}`;
    return startNodeHelper(node, { image: this.image, name: this.identity.containerName(name), labels: this.identity.labels(name), networkMode, args });
  }
}
