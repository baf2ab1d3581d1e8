/**
 * Memory of containers of this host's engine, read from their cgroups as `docker stats` counts
 * it (usage less inactive file cache), sampled every `periodMs` while a run goes on; the peak
 * of each group of containers (a swarm node: its dockerd, containerd and every task nested in
 * its cgroup; a run on one engine: its containers added up). cgroup v1 (memory/docker/<id>)
 * and v2 (docker/<id>, system.slice/docker-<id>.scope).
 */
import { readFileSync } from 'node:fs';

const V1 = '/sys/fs/cgroup/memory/docker';
const V2 = ['/sys/fs/cgroup/docker', '/sys/fs/cgroup/system.slice'];

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function statValue(stat: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(stat);
  return m ? Number(m[1]) : 0;
}

/** Bytes a container uses now; undefined when its cgroup is gone (it exited) or unknown. */
export function containerMemory(id: string): number | undefined {
  const v1 = read(`${V1}/${id}/memory.usage_in_bytes`);
  if (v1 !== undefined) return Number(v1) - statValue(read(`${V1}/${id}/memory.stat`) ?? '', 'total_inactive_file');
  for (const dir of [`${V2[0]}/${id}`, `${V2[1]}/docker-${id}.scope`]) {
    const v2 = read(`${dir}/memory.current`);
    if (v2 !== undefined) return Number(v2) - statValue(read(`${dir}/memory.stat`) ?? '', 'inactive_file');
  }
  return undefined;
}

/** Samples groups of containers until stop(); the peak of each group's sum. */
export class MemorySampler {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly groups: () => ReadonlyMap<string, readonly string[]>,
    periodMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), periodMs);
    this.sample();
  }

  private sample(): void {
    for (const [group, ids] of this.groups()) {
      const sum = ids.reduce((n, id) => n + (containerMemory(id) ?? 0), 0);
      if (sum > (this.peaks.get(group) ?? 0)) this.peaks.set(group, sum);
    }
  }

  /** The peaks in bytes, per group. */
  stop(): ReadonlyMap<string, number> {
    clearInterval(this.timer);
    this.sample();
    return this.peaks;
  }
}
