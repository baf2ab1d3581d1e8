/**
 * Removes what crashed runs left behind: containers and networks labelled as harness
 * resources whose owner process (on this host) is gone, and their run folders.
 * A live run's resources (its owner still running) are never touched.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerClient } from '../docker/docker-client.js';
import { HARNESS_LABELS, LABEL_OWNER_HOST, LABEL_OWNER_PID } from './run-identity.js';

export const RUN_DIR_PREFIX = 'tp0-run-';
const STALE_NETWORK_ATTEMPTS = 2;
export const OWNER_FILE = 'owner.pid';

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function stale(labels: Readonly<Record<string, string>>): boolean {
  if (labels[LABEL_OWNER_HOST] !== hostname()) return false;
  return !isProcessAlive(Number(labels[LABEL_OWNER_PID]));
}

export interface CleanupReport {
  readonly containers: number;
  readonly networks: number;
  readonly folders: number;
  /** What could not be removed (and why): left for a later clean-up, never a reason to fail a run. */
  readonly failures: readonly string[];
}

export async function cleanupStaleRuns(docker: ContainerClient): Promise<CleanupReport> {
  const failures: string[] = [];
  let containers = 0;
  for (const c of await docker.listContainers(HARNESS_LABELS)) {
    if (!stale(c.labels)) continue;
    try {
      await docker.removeContainer(c.id);
      containers++;
    } catch (err) {
      failures.push(`container ${c.name}: ${(err as Error).message}`);
    }
  }
  let networks = 0;
  for (const n of await docker.listNetworks(HARNESS_LABELS)) {
    if (!stale(n.labels)) continue;
    try {
      // Two tries, the second after a forced disconnect, and no waiting: a network the engine still
      // holds endpoints on (it happens after a crash) would cost every later run seconds of retries.
      await docker.removeNetwork(n.id, { attempts: STALE_NETWORK_ATTEMPTS });
      networks++;
    } catch (err) {
      failures.push(`network ${n.name}: ${(err as Error).message}`);
    }
  }
  let folders = 0;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(RUN_DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      // No owner file: a folder being created right now, or a broken one; leave it.
      continue;
    }
    if (isProcessAlive(owner)) continue;
    rmSync(dir, { recursive: true, force: true });
    folders++;
  }
  return { containers, networks, folders, failures };
}

let sweptOnce: Promise<CleanupReport> | undefined;

/** cleanupStaleRuns, once per process (the first caller's engine): every later call gets that report. */
export function cleanupStaleRunsOnce(docker: ContainerClient): Promise<CleanupReport> {
  sweptOnce ??= cleanupStaleRuns(docker);
  return sweptOnce;
}
