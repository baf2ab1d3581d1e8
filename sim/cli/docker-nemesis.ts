/**
 * The Docker nemesis's pace, measured now for the comparison the sweep prints: one run of
 * `npx zx harness/run.mjs` with the seeded nemesis (the same shape: 5 agencies × 200 bets,
 * 4 faults), timed from spawn to exit. Needs a Docker engine (DOCKER_HOST as the harness reads it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../../testbed/dataset/dataset.js';

export interface DockerNemesisTiming {
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly lastLines: readonly string[];
}

export async function timeDockerNemesis(agencies: number, bets: number, faults: number, seed: number): Promise<DockerNemesisTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'tp0-sim-docker-'));
  try {
    await generateDataset({ dir, sizes: Array.from({ length: agencies }, () => bets) });
    const args = ['zx', 'harness/run.mjs', '--clients', String(agencies), '--dataset', dir, '--seed', String(seed), '--faults', String(faults), '--no-progress'];
    const started = performance.now();
    const lines: string[] = [];
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const keep = (chunk: Buffer) => {
        lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
        lines.splice(0, Math.max(0, lines.length - 8));
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', reject);
      child.on('close', resolve);
    });
    return { wallMs: performance.now() - started, exitCode, lastLines: lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
