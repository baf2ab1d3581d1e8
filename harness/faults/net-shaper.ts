/**
 * Packet loss and bandwidth limits on one container, Pumba-style: a helper container of
 * tp0-net-tools joins the target's network namespace (`--network container:<id>`, NET_ADMIN),
 * applies the rules with net-tools/net-shaper.sh, prints a ready line and waits; stopping it
 * (SIGTERM) removes exactly those rules.
 *
 *   const shaped = await shapeNetwork({ id, service: 'server' }, { type: 'loss', probability: 0.3 },
 *     { image: images.netTools.tag, labels: identity.labels('server-loss'), name: identity.containerName('server-loss') });
 *   …
 *   await shaped.heal();   // SIGTERM, exit code 0 and `healed` checked, helper removed
 *
 * - loss: `iptables -A INPUT ! -i lo -m statistic --mode random --probability p -j DROP` and the
 *   same on OUTPUT (`! -o lo`): each packet of every interface but lo is dropped with
 *   probability p, each way (a round trip survives with (1-p)²).
 * - bandwidth: `tc qdisc add dev <if> root tbf rate R burst B latency 100ms` on each interface
 *   but lo (egress), and the same tbf on an ifb device the interface's incoming traffic is
 *   redirected to (ingress, `tc filter … action mirred egress redirect`). Where the kernel has
 *   no ifb or mirred, egress only (`directions` says which).
 * The interfaces are those found in the target's namespace (`ip -o link`), not a fixed eth0.
 */
import { createDockerClient, type ContainerClient } from '../docker/docker-client.js';
import { rejectAfter, settleWithin } from '../util/settle-within.js';

export type Shaping =
  | { readonly type: 'loss'; readonly probability: number }
  | { readonly type: 'bandwidth'; readonly rate: string };

export interface ShapedContainer {
  /** Stops the helper (SIGTERM, grace period), checks it removed its rules, removes it. */
  heal(): Promise<void>;
  readonly helperName: string;
  readonly helperId: string;
  /** What the helper applied, from its ready line (e.g. `loss 0.3 both ways on …`). */
  readonly applied: string;
  /** Which way traffic is shaped: loss is always both ways; bandwidth is egress only without ifb. */
  readonly directions: 'both' | 'egress';
}

export interface ShapeOptions {
  /** The tp0-net-tools image (ImageSet.netTools.tag). */
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Name of the helper container. */
  readonly name: string;
  readonly docker?: ContainerClient;
  /** How long the rules may take to apply (default 15 s). */
  readonly startupTimeoutMs?: number;
  /** Grace period of heal()'s docker stop, at least 1 s (default 5 s). */
  readonly healGraceSeconds?: number;
}

export class ShapingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShapingError';
  }
}

export const READY = /^tp0-net-shaper: ready: (.*)$/;
export const HEALED = 'tp0-net-shaper: healed';
/** tbf queue: packets may wait this long before being dropped. */
const TBF_LATENCY = '100ms';
const MIN_BURST_BYTES = 32 * 1024;

/** tc's rate units: *bit in bits per second, *bps in bytes per second (k = 1000, ki = 1024). */
const RATE_UNITS: Readonly<Record<string, number>> = {
  bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, kibit: 1024, mibit: 1024 ** 2, gibit: 1024 ** 3,
  bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9, kibps: 8 * 1024, mibps: 8 * 1024 ** 2, gibps: 8 * 1024 ** 3,
};
const MIN_RATE = 8_000;
const MAX_RATE = 100e9;

/** Bits per second of a tc rate such as `1mbit`, `500kbit`, `2mbps` (megabytes); ShapingError otherwise. */
export function parseRate(rate: string): number {
  const match = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(rate);
  const unit = match?.[2] === undefined ? undefined : RATE_UNITS[match[2]];
  if (match?.[1] === undefined || unit === undefined) {
    throw new ShapingError(`bandwidth rate "${rate}" is not a tc rate: a number and one of ${Object.keys(RATE_UNITS).join(', ')} (e.g. 1mbit)`);
  }
  const bits = Number(match[1]) * unit;
  if (bits < MIN_RATE || bits > MAX_RATE) throw new ShapingError(`bandwidth rate "${rate}" is out of range (8kbit to 100gbit)`);
  return bits;
}

/** Checks a shaping; ShapingError with the reason when it cannot be applied. */
export function validateShaping(shaping: Shaping): void {
  if (shaping.type === 'loss') {
    const p = shaping.probability;
    if (!Number.isFinite(p) || p <= 0 || p >= 1) throw new ShapingError(`loss probability must be > 0 and < 1, got ${String(p)}`);
  } else if (shaping.type === 'bandwidth') {
    parseRate(shaping.rate);
  } else {
    throw new ShapingError(`unknown shaping ${JSON.stringify(shaping)}`);
  }
}

/** The helper's arguments (net-shaper.sh): `loss P` or `bandwidth RATE BURST LATENCY`. */
export function shaperArguments(shaping: Shaping): string[] {
  validateShaping(shaping);
  if (shaping.type === 'loss') return ['loss', String(shaping.probability)];
  // At least 32 KiB (GSO packets on veth are large), else 20 ms worth of the rate.
  const burst = Math.max(MIN_BURST_BYTES, Math.ceil(parseRate(shaping.rate) / 8 / 50));
  return ['bandwidth', shaping.rate, String(burst), TBF_LATENCY];
}

export function describeShaping(shaping: Shaping): string {
  return shaping.type === 'loss' ? `loss ${shaping.probability}` : `bandwidth ${shaping.rate}`;
}

const shown = (lines: readonly string[]): string => (lines.length === 0 ? '(no output)' : lines.map((line) => `  | ${line}`).join('\n'));

/** Starts the helper that applies `shaping` to the target's network; resolves once it is applied. */
export async function shapeNetwork(target: { id: string; service: string }, shaping: Shaping, options: ShapeOptions): Promise<ShapedContainer> {
  const args = shaperArguments(shaping);
  const what = `${describeShaping(shaping)} on ${target.service}`;
  const grace = options.healGraceSeconds ?? 5;
  if (!(grace >= 1)) throw new ShapingError(`healGraceSeconds must be at least 1, got ${grace}`);
  const docker = options.docker ?? createDockerClient();
  const lines: string[] = [];
  let helperId: string | undefined;
  let streamEnded: Promise<void> = Promise.resolve();
  try {
    helperId = await docker.createContainer({
      name: options.name,
      image: options.image,
      network: `container:${target.id}`,
      capAdd: ['NET_ADMIN'],
      labels: options.labels,
      command: args,
    });
    await docker.startContainer(helperId);
    // The helper's output until it says the rules are in place (or it ends: it failed).
    let markReady: (text: string | undefined) => void = () => {};
    const ready = new Promise<string | undefined>((resolve) => (markReady = resolve));
    const logs = docker.followLogs(helperId);
    streamEnded = (async () => {
      for await (const line of logs) {
        lines.push(line.text);
        const text = READY.exec(line.text)?.[1];
        if (text !== undefined) markReady(text);
      }
    })().catch(() => {}).finally(() => markReady(undefined));
    const timeoutMs = options.startupTimeoutMs ?? 15_000;
    const applied = await rejectAfter(ready, timeoutMs, () => new ShapingError(`the helper did not print its ready line within ${timeoutMs} ms`));
    if (applied === undefined) throw new ShapingError('the helper ended without its ready line');
    return shaped(docker, helperId, applied, streamEnded, { what, grace, shaping, name: options.name });
  } catch (error) {
    if (helperId !== undefined) await docker.removeContainer(helperId).catch(() => undefined);
    await settleWithin(streamEnded, 2000);
    throw new ShapingError(`could not apply ${what} (helper ${options.name}): ${(error as Error).message}\n${shown(lines)}`, { cause: error });
  }
}

/** The applied shaping, and how to heal it. */
function shaped(
  docker: ContainerClient,
  helperId: string,
  applied: string,
  streamEnded: Promise<void>,
  { what, grace, shaping, name }: { what: string; grace: number; shaping: Shaping; name: string },
): ShapedContainer {
  let healing: Promise<void> | undefined;
  const heal = async (): Promise<void> => {
    try {
      await docker.stopContainer(helperId, grace);
      const summary = await docker.inspectContainer(helperId);
      if (summary === undefined) throw new ShapingError(`healing ${what} failed: helper ${name} is gone`);
      const output: string[] = [];
      for await (const line of docker.followLogs(helperId)) output.push(line.text);
      const healed = output.includes(HEALED);
      if (summary.running || summary.exitCode !== 0 || !healed) {
        const state = summary.running ? 'still runs' : `exited with code ${summary.exitCode}`;
        throw new ShapingError(`healing ${what} failed: helper ${name} ${state}${healed ? '' : ` without "${HEALED}"`}\n${shown(output)}`);
      }
    } finally {
      await docker.removeContainer(helperId);
      await settleWithin(streamEnded, 1000);
    }
  };
  return {
    helperName: name,
    helperId,
    applied,
    directions: shaping.type === 'bandwidth' && applied.includes('egress only') ? 'egress' : 'both',
    heal: () => (healing ??= heal()),
  };
}
