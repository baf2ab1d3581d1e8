/**
 * `npm run bench:docker [-- --runs 3] [--skip 100,by-hand,20x] [--concurrency 16]`: the system in
 * Docker against Docker's own floor, measured in the same run. One warm-up round, then `runs`
 * rounds; each round measures every case once, in the same order, so that a change in the
 * machine's load touches every case alike. Prints each round as it goes (stderr) and a table of
 * medians with each figure's floor and ratio (stdout). Every run is checked; a failed check
 * fails the bench (exit 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SIZES } from '../../testbed/dataset/dataset.js';
import { median } from '../../testbed/stats/stats.js';
import { createDockerClient } from '../docker/docker-client.js';
import { Datasets } from '../datasets/datasets.js';
import { DEFAULT_START_CONCURRENCY, projectImages } from '../run/lottery-run.js';
import { bareNodeMemory, dockerFloor, lotteryRun, npxZxFloor, runMjs, timedSpawn } from './bench-cases.js';
import { byHandFloor, byHandSystem } from './by-hand-case.js';
import { type Figure, printTable, type Row } from './bench-table.js';
import type { MemoryPeak } from './pss-sampler.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    skip: { type: 'string', default: '' },
    concurrency: { type: 'string', default: String(DEFAULT_START_CONCURRENCY) },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('npm run bench:docker -- [--runs N (default 3)] [--skip 100,by-hand,20x] [--concurrency C (default 16)]\n');
  process.exit(0);
}
const runs = Number(values.runs);
const skip = new Set(values.skip.split(',').filter((s) => s !== ''));
const concurrency = Number(values.concurrency);
const AGENCIES_AT_SCALE = 100;
const BETS_AT_SCALE = 2000;

const docker = createDockerClient();
const note = (line: string): void => void process.stderr.write(`${line}\n`);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Every sample of every figure, by name. */
const samples = new Map<string, number[]>();
const add = (name: string, value: number | undefined): void => {
  if (value === undefined || Number.isNaN(value)) return;
  samples.set(name, [...(samples.get(name) ?? []), value]);
};
const addMemory = (prefix: string, memory: ReadonlyMap<string, MemoryPeak>): void => {
  for (const [service, peak] of memory) if (service === 'server' || service === 'client1') add(`${prefix} ${service} pss`, peak.pssKiB / 1024);
};

async function inProcessFloor(dir: string): Promise<number> {
  const r = await timedSpawn('node', ['--import', 'tsx', 'system/bench/floor-cli.ts', '--data', dir, '--runs', String(Math.max(3, runs))]);
  if (r.code !== 0) throw new Error(`the in-process floor failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { medianMs: number }).medianMs;
}

type Prepared = Awaited<ReturnType<typeof prepare>>;

async function round(label: string, tmp: string, { one, twenty, scale }: Prepared): Promise<void> {
  const t = performance.now();
  const floor6 = await dockerFloor(docker, 6, concurrency, one.source);
  add('floor6', floor6.wallMs);
  add('spread6', floor6.spreadMs);
  add('npx', await npxZxFloor(tmp));
  const r1 = await runMjs(docker, []);
  add('runmjs1 wall', r1.wallMs);
  add('runmjs1 system', r1.systemMs);
  addMemory('1x', r1.memory);
  if (!skip.has('20x')) {
    const r20 = await runMjs(docker, ['--scale', '20']);
    add('runmjs20 system', r20.systemMs);
    addMemory('20x', r20.memory);
  }
  if (!skip.has('by-hand')) {
    const f = await byHandFloor(docker, one.prepared);
    add('byhand floor', f.wallMs);
    add('byhand spread', f.spreadMs);
    const h1 = await byHandSystem(docker, one.prepared);
    add('byhand1 wall', h1.wallMs);
    add('byhand1 system', h1.systemMs);
    addMemory('byhand 1x', h1.memory);
    if (!skip.has('20x')) {
      const h20 = await byHandSystem(docker, twenty.prepared);
      add('byhand20 system', h20.systemMs);
      addMemory('byhand 20x', h20.memory);
    }
  }
  if (!skip.has('100')) {
    const f101 = await dockerFloor(docker, AGENCIES_AT_SCALE + 1, concurrency, scale.source);
    add('floor101', f101.wallMs);
    const s = await lotteryRun(docker, AGENCIES_AT_SCALE, scale.source, concurrency);
    add('scale wall', s.wallMs);
  }
  const last = (name: string): string => {
    const v = samples.get(name)?.at(-1);
    return v === undefined ? '-' : `${Math.round(v)}`;
  };
  note(
    `${label} (${((performance.now() - t) / 1000).toFixed(1)} s, load ${load()}): floor6 ${last('floor6')} ms, run.mjs wall ${last('runmjs1 wall')} ms, ` +
      `1x system ${last('runmjs1 system')} ms, 20x system ${last('runmjs20 system')} ms, by hand up→exited ${last('byhand1 wall')} ms (floor ${last('byhand floor')}), ` +
      `by hand 20x system ${last('byhand20 system')} ms, floor101 ${last('floor101')} ms, 100 agencies ${last('scale wall')} ms`,
  );
}

async function prepare() {
  const one = Datasets.generated();
  const twenty = Datasets.generated({ sizes: DEFAULT_SIZES.map((s) => s * 20) });
  const scale = Datasets.uniform(AGENCIES_AT_SCALE, BETS_AT_SCALE);
  return {
    one: { source: one, prepared: await one.prepare() },
    twenty: { source: twenty, prepared: await twenty.prepare() },
    scale: { source: scale, prepared: await scale.prepare() },
  };
}

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = load();
  note(`bench:docker: ${runs} rounds after a warm-up, start concurrency ${concurrency}; load average ${loadBefore}`);
  await projectImages();
  const datasets = await prepare();
  const tmp = mkdtempSync(join(tmpdir(), 'tp0-bench-docker-'));
  try {
    const floor1 = await inProcessFloor(datasets.one.prepared.dir);
    const floor20 = skip.has('20x') ? NaN : await inProcessFloor(datasets.twenty.prepared.dir);
    const bare = await bareNodeMemory(docker);
    await round('warm-up', tmp, datasets);
    samples.clear();
    for (let i = 1; i <= runs; i++) await round(`round ${i}`, tmp, datasets);
    const m = (name: string): number => median(samples.get(name) ?? [NaN]);
    const all = (name: string): readonly number[] => samples.get(name) ?? [];
    const fig = (name: string, unit: Figure['unit'] = 'ms'): Figure => ({ values: all(name), median: m(name), unit });
    const floorOf = (value: number, parts: string): Figure => ({ values: [], median: value, unit: 'ms', note: parts });
    const bareMiB = bare === undefined ? NaN : bare.pssKiB / 1024;
    const rows: Row[] = [
      { what: 'Docker floor: 6 containers, create → all exited', figure: fig('floor6') },
      { what: 'Docker floor: start spread of 6 (first lines)', figure: fig('spread6') },
      { what: `in-process floor, 1× (78,697 bets)`, figure: floorOf(floor1, 'parse, write, 1 fsync, count') },
      { what: 'in-process floor, 20× (1,573,940 bets)', figure: floorOf(floor20, 'parse, write, 1 fsync, count') },
      { what: 'npx zx, an empty script', figure: fig('npx') },
      { what: 'run.mjs --clients 5: wall', figure: fig('runmjs1 wall'), floor: floorOf(m('npx') + m('floor6') + floor1, 'npx zx + Docker 6 + in-process 1×') },
      { what: 'run.mjs 1×: first connection → last winners', figure: fig('runmjs1 system'), floor: floorOf(floor1 + m('spread6'), 'in-process 1× + spread of 6') },
      { what: 'run.mjs --scale 20: first connection → last winners', figure: fig('runmjs20 system'), floor: floorOf(floor20 + m('spread6'), 'in-process 20× + spread of 6') },
      { what: 'by hand: compose up -d → all clients exited, 1×', figure: fig('byhand1 wall'), floor: floorOf(m('byhand floor') + floor1, 'compose floor + in-process 1×') },
      { what: 'by hand: compose floor (trivial services), up -d → exited', figure: fig('byhand floor') },
      { what: 'by hand 1×: first connection → last winners', figure: fig('byhand1 system'), floor: floorOf(floor1 + m('byhand spread'), 'in-process 1× + compose spread') },
      { what: 'by hand 20×: first connection → last winners', figure: fig('byhand20 system'), floor: floorOf(floor20 + m('byhand spread'), 'in-process 20× + compose spread') },
      { what: `Docker floor: ${AGENCIES_AT_SCALE + 1} containers, create → all exited`, figure: fig('floor101') },
      { what: `${AGENCIES_AT_SCALE} agencies (${BETS_AT_SCALE} bets each): create → all clients exited`, figure: fig('scale wall'), floor: floorOf(m('floor101'), `Docker floor of ${AGENCIES_AT_SCALE + 1}`) },
      { what: 'bare node in our image: peak PSS', figure: { values: [], median: bareMiB, unit: 'MiB' as const } },
      ...(['1x', '20x', 'byhand 1x', 'byhand 20x'] as const).flatMap((p) =>
        (['server', 'client1'] as const).map((s): Row => ({ what: `peak PSS, ${s}, ${p.replace('byhand', 'by hand')}`, figure: fig(`${p} ${s} pss`, 'MiB'), floor: { values: [], median: bareMiB, unit: 'MiB', note: 'bare node' } })),
      ),
    ].filter((r) => r.figure.values.length > 0 || !Number.isNaN(r.figure.median));
    printTable(process.stdout, {
      title: `bench:docker, ${started.toISOString()}: ${cpus().length} cores, medians of ${runs} rounds (after a warm-up), start concurrency ${concurrency}`,
      load: `load average (1, 5, 15 min): ${loadBefore} before, ${load()} after`,
      rows,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:docker failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  process.exitCode = 1;
});
