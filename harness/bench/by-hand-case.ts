/**
 * The system run by hand for `npm run bench:docker`, as the README tells a person to: the
 * generated compose file in a folder, `docker compose up -d`, the clients run to their end.
 * Timed from spawning `up -d` to the last client's exit; then the server is stopped, every
 * container's log read with the engine's timestamps, and the run checked like a harness run
 * (bets.csv from the output folder). The floor is the same file with every service running
 * the trivial command (a compose override file), timed the same way.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRun } from '../checker/check-run.js';
import { exec, freeContainerNames, GENERATOR, must, PROJECT_PREFIX } from '../compose/by-hand.js';
import type { DockerClient } from '../docker/docker-client.js';
import type { PreparedDataset } from '../datasets/datasets.js';
import { betsSentBy, parseBetsCsv, phaseTimes, reportedWinners } from '../results/run-result.js';
import { Timeline } from '../run/timeline.js';
import { BenchCheckError, type FloorSample, firstLineSpread, mustBeValid, type SystemSample, timedSpawn, TRIVIAL_COMMAND } from './bench-cases.js';
import { ContainerDiscovery, PssSampler } from './pss-sampler.js';

const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

class ByHandRun {
  readonly dir = mkdtempSync(join(tmpdir(), 'tp0-bench-byhand-'));
  readonly project = `${PROJECT_PREFIX}${process.pid}-bench`;
  readonly names: string[];

  constructor(
    private readonly docker: DockerClient,
    readonly dataset: PreparedDataset,
  ) {
    this.names = ['server', ...dataset.agencies.map((a) => `client${a.agency}`)];
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, TP0_DATA_DIR: this.dataset.dir, TP0_OUTPUT_DIR: join(this.dir, 'output') };
  }

  async prepare(trivial: boolean): Promise<string[]> {
    await freeContainerNames(this.names);
    await must(GENERATOR, [join(this.dir, 'docker-compose.yaml'), String(this.dataset.agencies.length)], this.dir);
    const files = ['-f', join(this.dir, 'docker-compose.yaml')];
    if (trivial) {
      const services = Object.fromEntries(this.names.map((n) => [n, { command: [...TRIVIAL_COMMAND] }]));
      writeFileSync(join(this.dir, 'trivial.yaml'), JSON.stringify({ services }));
      files.push('-f', join(this.dir, 'trivial.yaml'));
    }
    return ['compose', ...files, '-p', this.project];
  }

  /** `up -d` → every client exited; the clients' exit codes. */
  async upUntilClientsExit(compose: string[]): Promise<{ wallMs: number; codes: number[] }> {
    const t = performance.now();
    const up = await timedSpawn('docker', [...compose, 'up', '-d'], this.env);
    if (up.code !== 0) throw new BenchCheckError(`docker compose up -d exited ${up.code}: ${up.stderr}`);
    const codes = await Promise.all(this.names.slice(1).map((n) => this.docker.waitContainer(n)));
    return { wallMs: performance.now() - t, codes };
  }

  /** Every container's whole log, in a timeline (engine timestamps). */
  async timeline(): Promise<Timeline> {
    const timeline = new Timeline();
    for (const name of this.names) for await (const line of this.docker.followLogs(name)) timeline.addLine(name, line.text, line.time || undefined);
    return timeline;
  }

  async down(compose: string[]): Promise<void> {
    await exec('docker', [...compose, 'down', '-v', '--remove-orphans'], this.dir, 120_000, this.env);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The compose floor: the generated file, every service running the trivial command. */
export async function byHandFloor(docker: DockerClient, dataset: PreparedDataset): Promise<FloorSample> {
  const run = new ByHandRun(docker, dataset);
  const compose = await run.prepare(true);
  try {
    const { wallMs, codes } = await run.upUntilClientsExit(compose);
    if (codes.some((c) => c !== 0)) throw new BenchCheckError(`a trivial container failed: ${codes.join(', ')}`);
    return { wallMs, spreadMs: firstLineSpread(await run.timeline()) };
  } finally {
    await run.down(compose);
    run.remove();
  }
}

/** The system by hand: `up -d` → every client exited, checked; the server's and client1's peak memory. */
export async function byHandSystem(docker: DockerClient, dataset: PreparedDataset): Promise<SystemSample> {
  const run = new ByHandRun(docker, dataset);
  const compose = await run.prepare(false);
  const sampler = new PssSampler().start();
  const discovery = new ContainerDiscovery(docker, { 'com.docker.compose.project': run.project }, ['server', 'client1'], sampler, COMPOSE_SERVICE_LABEL);
  try {
    await discovery.start();
    const { wallMs, codes } = await run.upUntilClientsExit(compose);
    discovery.stop();
    if (codes.some((c) => c !== 0)) throw new BenchCheckError(`by hand: clients exited ${codes.join(', ')}`);
    await must('docker', [...compose, 'stop', '-t', '10'], run.dir);
    const timeline = await run.timeline();
    const agencies = dataset.agencies.map((a) => {
      const service = `client${a.agency}`;
      return { agency: a.agency, service, betsSent: betsSentBy(timeline, service), winners: reportedWinners(timeline, service), exitCode: 0 };
    });
    const stored = await parseBetsCsv(readFileSync(join(run.dir, 'output', 'bets.csv'), 'utf8'));
    const check = mustBeValid('by hand', await checkRun({ dataset, agencies, timeline, stored }));
    const times = phaseTimes(timeline);
    return { wallMs, systemMs: (times.lastWinners ?? NaN) - (times.firstConnect ?? NaN), bets: check.stored, memory: await sampler.stop() };
  } finally {
    discovery.stop();
    await sampler.stop();
    await run.down(compose);
    run.remove();
  }
}
