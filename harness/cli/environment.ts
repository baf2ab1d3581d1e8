/**
 * What the run command needs around it: a Docker engine that answers (started with
 * scripts/docker-engine.sh when none does), and a last-resort sweep of the resources this
 * process created (for an interrupt that comes while a run is still starting).
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ContainerClient, ImageClient } from '../docker/docker-client.js';
import { HARNESS_LABELS, LABEL_OWNER_HOST, LABEL_OWNER_PID } from '../run/run-identity.js';
import { RunEnvironmentError } from './cli-errors.js';

export const ENGINE_SCRIPT = fileURLToPath(new URL('../../scripts/docker-engine.sh', import.meta.url));

/** Runs `bash <script> up` with stderr passed through; resolves with its exit code. */
export function runEngineScript(script = ENGINE_SCRIPT): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export interface EngineCheckOptions {
  /** Starts an engine; default: `bash scripts/docker-engine.sh up`. */
  readonly startEngine?: () => Promise<number>;
  readonly log?: (line: string) => void;
}

/** Resolves when the engine answers, starting one if needed; RunEnvironmentError otherwise. */
export async function ensureEngine(docker: Pick<ImageClient, 'ping'>, options: EngineCheckOptions = {}): Promise<{ started: boolean }> {
  try {
    await docker.ping();
    return { started: false };
  } catch (first) {
    options.log?.(`no Docker engine answers (${(first as Error).message}); running bash scripts/docker-engine.sh up`);
    let code: number;
    try {
      code = await (options.startEngine ?? runEngineScript)();
    } catch (err) {
      throw new RunEnvironmentError('no Docker engine answers and scripts/docker-engine.sh could not be run', { cause: err });
    }
    try {
      await docker.ping();
      return { started: true };
    } catch (second) {
      throw new RunEnvironmentError(
        `no Docker engine answers, even after scripts/docker-engine.sh up (exit code ${code}); start one (dockerd) or set DOCKER_HOST`,
        { cause: second },
      );
    }
  }
}

/** Removes every harness container and network this process owns (by label). */
export async function removeOwnResources(docker: ContainerClient): Promise<{ containers: number; networks: number }> {
  const mine = { ...HARNESS_LABELS, [LABEL_OWNER_PID]: String(process.pid) };
  const ours = (labels: Readonly<Record<string, string>>): boolean => labels[LABEL_OWNER_HOST] === hostname() && labels[LABEL_OWNER_PID] === String(process.pid);
  let containers = 0;
  for (const c of await docker.listContainers(mine)) {
    if (!ours(c.labels)) continue;
    await docker.removeContainer(c.id).catch(() => {});
    containers++;
  }
  let networks = 0;
  for (const n of await docker.listNetworks(mine)) {
    if (!ours(n.labels)) continue;
    await docker.removeNetwork(n.id).catch(() => {});
    networks++;
  }
  return { containers, networks };
}
