/**
 * What `npm run bench:docker` measures, one function a case; each run is checked (the checker,
 * every client's exit code) or throws. Times are harness-clock milliseconds unless said;
 * "first connection → last winners" comes from the engine's own log timestamps.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describeCheck } from '../checker/set-checker.js';
import type { CheckResult } from '../checker/check-result.js';
import type { DockerClient } from '../docker/docker-client.js';
import type { DatasetSource } from '../datasets/datasets.js';
import { LotteryRun } from '../run/lottery-run.js';
import { HARNESS_LABELS, LABEL_OWNER_HOST } from '../run/run-identity.js';
import type { Timeline } from '../run/timeline.js';
import { ROOT } from '../compose/by-hand.js';
import { ContainerDiscovery, type MemoryPeak, PssSampler } from './pss-sampler.js';

/** The trivial process of the Docker floor: node prints its version and exits (no JavaScript runs). */
export const TRIVIAL_COMMAND: readonly string[] = ['node', '--version'];

export interface FloorSample {
  /** Creating the network → every container exited. */
  readonly wallMs: number;
  /** First line of the first container → first line of the last one (engine clock). */
  readonly spreadMs: number;
}

export interface SystemSample {
  readonly wallMs: number;
  /** First agency connection → last winners answer (engine clock). */
  readonly systemMs: number;
  readonly bets: number;
  readonly memory: ReadonlyMap<string, MemoryPeak>;
}

export class BenchCheckError extends Error {
  override readonly name = 'BenchCheckError';
}

/** Spread of each source's first log line (engine timestamps). */
export function firstLineSpread(timeline: Timeline, sources?: RegExp): number {
  const first = new Map<string, number>();
  for (const e of timeline.entries) {
    if (e.kind !== 'log' || first.has(e.source) || (sources && !sources.test(e.source))) continue;
    first.set(e.source, e.at);
  }
  const times = [...first.values()];
  return times.length === 0 ? 0 : Math.max(...times) - Math.min(...times);
}

/** Throws unless the checker found the run valid. */
export function mustBeValid(what: string, check: CheckResult | undefined): CheckResult {
  if (!check?.valid) throw new BenchCheckError(`${what}: the checker did not find the run valid\n${check ? describeCheck(check) : '(no checker result)'}`);
  return check;
}

/** N containers of our images, created and started as a run's are, each running TRIVIAL_COMMAND. */
export async function dockerFloor(docker: DockerClient, containers: number, concurrency: number, dataset: DatasetSource): Promise<FloorSample> {
  const t = performance.now();
  const run = await new LotteryRun().withDockerClient(docker).withClients(containers - 1).withDataset(dataset)
    .withStartConcurrency(concurrency).withCommand(TRIVIAL_COMMAND).withStartupTimeout(300_000).start();
  try {
    const codes = await Promise.all(run.resolve('all').map((h) => h.waitForExit(300_000)));
    const wallMs = performance.now() - t;
    if (codes.some((c) => c !== 0)) throw new BenchCheckError(`a trivial container failed: exit codes ${codes.join(', ')}`);
    return { wallMs, spreadMs: firstLineSpread(run.timeline) };
  } finally {
    await run.stop();
  }
}

/** A bare node (our image, an idle script) alone: its peak PSS is the floor of every process's. */
export async function bareNodeMemory(docker: DockerClient): Promise<MemoryPeak | undefined> {
  const run = await new LotteryRun().withDockerClient(docker).withClients(0).withDataset('none')
    .withCommand(['node', '-e', 'setTimeout(() => {}, 1500)']).start();
  const sampler = new PssSampler();
  try {
    sampler.watch('node', (await run.server.inspect())?.pid ?? 0);
    sampler.start();
    await run.server.waitForExit(30_000);
  } finally {
    await run.stop();
  }
  return (await sampler.stop()).get('node');
}

/** A whole run in this process (what the scale scenario does): start → every client exited, checked. */
export async function lotteryRun(docker: DockerClient, clients: number, dataset: DatasetSource, concurrency: number): Promise<SystemSample> {
  const t = performance.now();
  const run = await new LotteryRun().withDockerClient(docker).withClients(clients).withDataset(dataset)
    .withStartConcurrency(concurrency).withStartupTimeout(300_000).start();
  try {
    const codes = await run.waitForClients(600_000);
    const wallMs = performance.now() - t;
    const failed = Object.entries(codes).filter(([, c]) => c !== 0);
    if (failed.length > 0) throw new BenchCheckError(`clients failed: ${JSON.stringify(Object.fromEntries(failed))}`);
    await run.server.stop(10);
    const result = await run.result();
    const check = mustBeValid(`${clients} agencies`, await run.check(result));
    return { wallMs, systemMs: (result.times.lastWinners ?? NaN) - (result.times.firstConnect ?? NaN), bets: check.stored, memory: new Map() };
  } finally {
    await run.stop();
  }
}

interface Spawned {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/** Runs a command from the repository root; its wall time from spawn to exit. */
export function timedSpawn(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(file, [...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr, wallMs: performance.now() - t }));
  });
}

/** `npx zx` running an empty script: the part of run.mjs's wall that is npx, node and zx. */
export async function npxZxFloor(dir: string): Promise<number> {
  const script = join(dir, 'empty.mjs');
  writeFileSync(script, '');
  const r = await timedSpawn('npx', ['zx', script]);
  if (r.code !== 0) throw new BenchCheckError(`npx zx of an empty script exited ${r.code}: ${r.stderr}`);
  return r.wallMs;
}

/** `npx zx harness/run.mjs --clients 5 --json …`: its wall, its own figures, its checker; peak memory of its containers. */
export async function runMjs(docker: DockerClient, extra: readonly string[]): Promise<SystemSample> {
  const sampler = new PssSampler().start();
  const discovery = new ContainerDiscovery(docker, { ...HARNESS_LABELS, [LABEL_OWNER_HOST]: hostname() }, ['server', 'client1'], sampler);
  await discovery.start();
  let r: Spawned;
  try {
    r = await timedSpawn('npx', ['zx', 'harness/run.mjs', '--clients', '5', '--json', '--no-progress', ...extra]);
  } finally {
    discovery.stop();
  }
  const memory = await sampler.stop();
  let summary: { exitCode?: number; checker?: { valid?: boolean } | null; durationsMs?: { system?: number | null }; betsStored?: number | null; reasons?: string[] };
  try {
    summary = JSON.parse(r.stdout) as typeof summary;
  } catch {
    throw new BenchCheckError(`run.mjs ${extra.join(' ')} printed no JSON (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
  }
  if (r.code !== 0 || summary.checker?.valid !== true) {
    throw new BenchCheckError(`run.mjs ${extra.join(' ')} exited ${r.code}, checker ${JSON.stringify(summary.checker)}: ${(summary.reasons ?? []).join('; ')}`);
  }
  return { wallMs: r.wallMs, systemMs: summary.durationsMs?.system ?? NaN, bets: summary.betsStored ?? 0, memory };
}
