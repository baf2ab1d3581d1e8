/**
 * Test support: the built server and client bundles (`npm run build` → server.js, client.js, or
 * copies of them) run as plain Node child processes over loopback, their lines in a Timeline,
 * then checked by the same checker as a Docker run. Nothing of the system is imported: the
 * bundles are run, never loaded.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CheckResult } from '../checker/check-result.js';
import { checkRun } from '../checker/check-run.js';
import { type PreparedDataset } from '../datasets/datasets.js';
import { LineSplitter } from '../logs/line-splitter.js';
import { parseBetsCsv, reportedWinners, type StoredBets } from '../results/run-result.js';
import { Timeline } from '../run/timeline.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the bundles into `dir` with the project's own build script (what `npm run build` runs). */
export async function buildBundles(dir: string): Promise<{ server: string; client: string }> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', dir], { cwd: ROOT });
  return { server: join(dir, 'server.js'), client: join(dir, 'client.js') };
}

/** A TCP port nobody listens on right now, on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function spawnBundle(file: string, env: Record<string, string>, cwd: string, service: string, timeline: Timeline): { proc: ChildProcess; exited: Promise<number> } {
  const proc = spawn(process.execPath, [file], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [proc.stdout, proc.stderr]) {
    const lines = new LineSplitter();
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => lines.push(chunk).forEach((l) => timeline.addLine(service, l)));
    stream?.on('end', () => lines.end().forEach((l) => timeline.addLine(service, l)));
  }
  const exited = new Promise<number>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  void exited.then((code) => timeline.add({ at: Date.now(), source: service, kind: 'exit', text: `${service} exited with code ${code}`, event: undefined, exitCode: code }));
  return { proc, exited };
}

export interface BundleRunOptions {
  readonly server: string;
  readonly client: string;
  readonly dataset: PreparedDataset;
  /** Where bets.csv and the processes' working folder go. */
  readonly workDir: string;
  readonly timeoutMs?: number;
}

export interface BundleRunResult {
  readonly timeline: Timeline;
  readonly clientExitCodes: readonly number[];
  readonly serverExitCode: number;
  readonly stored: StoredBets;
  readonly check: CheckResult;
}

/** One lottery: the server, one client per agency of the dataset, the draw, SIGTERM; then the checker. */
export async function runBundles(o: BundleRunOptions): Promise<BundleRunResult> {
  const timeline = new Timeline();
  const port = await freePort();
  const betsFile = join(o.workDir, 'out', 'bets.csv');
  mkdirSync(join(o.workDir, 'out'), { recursive: true });
  const agencies = o.dataset.agencies;
  const server = spawnBundle(
    o.server,
    { SERVER_IP: '127.0.0.1', SERVER_PORT: String(port), SERVER_AGENCIES: String(agencies.length), SERVER_BETS_FILE: betsFile },
    o.workDir,
    'server',
    timeline,
  );
  const running: ChildProcess[] = [server.proc];
  try {
    const timeoutMs = o.timeoutMs ?? 60_000;
    await timeline.waitFor({ source: 'server', action: 'servidor_escuchando', result: 'success' }, 1, timeoutMs);
    const clients = agencies.map((a) =>
      spawnBundle(
        o.client,
        { CLI_ID: String(a.agency), CLI_SERVER_ADDRESS: `127.0.0.1:${port}`, CLI_DATA_FILE: join(o.dataset.dir, a.file), CLI_LOOP_PERIOD: '100ms' },
        o.workDir,
        `client${a.agency}`,
        timeline,
      ),
    );
    running.push(...clients.map((c) => c.proc));
    let timer: NodeJS.Timeout | undefined;
    const clientExitCodes = await Promise.race([
      Promise.all(clients.map((c) => c.exited)),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the clients did not all exit within ${timeoutMs} ms`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    server.proc.kill('SIGTERM');
    const serverExitCode = await server.exited;
    const stored = await parseBetsCsv(readFileSync(betsFile, 'utf8'));
    const runAgencies = agencies.map((a) => ({ agency: a.agency, service: `client${a.agency}`, winners: reportedWinners(timeline, `client${a.agency}`) }));
    const check = await checkRun({ dataset: o.dataset, agencies: runAgencies, timeline, stored });
    return { timeline, clientExitCodes, serverExitCode, stored, check };
  } finally {
    for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
}
