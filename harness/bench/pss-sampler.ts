/**
 * Peak memory of containers' main processes, sampled from this host: the proportional set size
 * (`Pss:` of /proc/<pid>/smaps_rollup: private pages whole, each shared page divided by the
 * processes that map it), and the anonymous memory. A container's pid is the engine's
 * `State.Pid`; with an engine whose processes this host cannot see (a remote or rootless one),
 * nothing is sampled and the peaks stay undefined.
 */
import { readFile } from 'node:fs/promises';
import type { ContainerClient } from '../docker/docker-client.js';

export interface MemoryPeak {
  /** KiB. */
  readonly pssKiB: number;
  readonly anonKiB: number;
}

/** Pss and Anonymous of a process now, or undefined when it is gone or not visible. */
export async function readMemory(pid: number): Promise<MemoryPeak | undefined> {
  if (!(pid > 0)) return undefined;
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const pss = /^Pss:\s+(\d+) kB/m.exec(text)?.[1];
    const anon = /^Anonymous:\s+(\d+) kB/m.exec(text)?.[1];
    return pss === undefined ? undefined : { pssKiB: Number(pss), anonKiB: Number(anon ?? 0) };
  } catch {
    return undefined;
  }
}

/** Samples every watched process every `intervalMs` until stop(); keeps each one's peaks. */
export class PssSampler {
  private readonly pids = new Map<string, number>();
  private readonly peaks = new Map<string, MemoryPeak>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(private readonly intervalMs = 25) {}

  watch(name: string, pid: number): void {
    if (pid > 0) this.pids.set(name, pid);
  }

  start(): this {
    this.timer ??= setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, this.intervalMs);
    return this;
  }

  private async sample(): Promise<void> {
    await Promise.all(
      [...this.pids].map(async ([name, pid]) => {
        const now = await readMemory(pid);
        if (now === undefined) return;
        const peak = this.peaks.get(name);
        this.peaks.set(name, { pssKiB: Math.max(peak?.pssKiB ?? 0, now.pssKiB), anonKiB: Math.max(peak?.anonKiB ?? 0, now.anonKiB) });
      }),
    );
  }

  /** Stops sampling; the peaks by name (a name never sampled is absent). */
  async stop(): Promise<ReadonlyMap<string, MemoryPeak>> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
    return this.peaks;
  }
}

/**
 * Watches the containers another process starts (a run.mjs child): polls the engine's list of
 * running containers carrying `labels` (one call, no inspect) until `services` are all seen,
 * inspects each new one once and samples it by its `tp0.service` label. Containers running
 * before start() are not the child's.
 */
export class ContainerDiscovery {
  private readonly known = new Set<string>();
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly docker: ContainerClient,
    private readonly labels: Readonly<Record<string, string>>,
    private readonly services: readonly string[],
    private readonly sampler: PssSampler,
    /** The label that names a container's service (compose's own for a by-hand run). */
    private readonly serviceLabel = 'tp0.service',
  ) {}

  async start(intervalMs = 40): Promise<void> {
    for (const id of await this.docker.runningContainerIds(this.labels)) this.known.add(id);
    this.timer = setInterval(() => void this.poll(), intervalMs);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const id of await this.docker.runningContainerIds(this.labels).catch(() => [])) {
        if (this.known.has(id)) continue;
        this.known.add(id);
        const c = await this.docker.inspectContainer(id).catch(() => undefined);
        const service = c?.labels[this.serviceLabel];
        if (c === undefined || service === undefined) continue;
        this.seen.add(service);
        this.sampler.watch(service, c.pid);
      }
      if (this.services.every((s) => this.seen.has(s))) this.stop();
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
