/**
 * `npm run bench:swarm -- --runs 3`: the lottery on a local swarm of Docker-in-Docker nodes,
 * next to the same run on this host's single engine, measured in the same session, run after
 * run (swarm, then single engine). Two cases: 5 agencies on the default (1×) set over 3 nodes,
 * and 200 agencies over 4 nodes. Phases:
 *   cluster       building the swarm (nodes up, swarm formed)        — none on one engine
 *   images        the data image and `docker load` into every node   — none on one engine
 *   deploy→done   `docker stack deploy` (one engine: network and containers started) until
 *                 every client exited
 *   teardown      removing the run (a swarm: its nodes with everything on them)
 *   memory        the peak of each node's memory (its dockerd, containerd and tasks), sampled
 *                 from its cgroup; on one engine, the peak of the run's containers added up
 * Medians of the runs, each with its ratio to the single engine. Every run must pass the
 * exactly-once checker, or the bench fails (exit 1).
 */
import { parseArgs } from 'node:util';
import { describeCheck } from '../checker/set-checker.js';
import { Datasets, type DatasetSource } from '../datasets/datasets.js';
import { LotteryRun } from '../run/lottery-run.js';
import type { StartedRun } from '../run/started-run.js';
import { Swarms } from '../swarm/swarms.js';
import { MemorySampler } from './cgroup-memory.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'only-small': { type: 'boolean', default: false }, 'big-bets': { type: 'string', default: '1000' } } });
const runs = Number(values.runs);

interface Case {
  readonly name: string;
  readonly clients: number;
  readonly nodes: number;
  readonly dataset: DatasetSource;
}

interface Measured {
  readonly cluster: number | undefined;
  readonly images: number | undefined;
  readonly deployToDone: number;
  readonly teardown: number;
  /** Peak bytes: per node (swarm), or `run` (one engine). */
  readonly memory: ReadonlyMap<string, number>;
  readonly bets: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

/** Waits until every client exited 0. */
async function finish(run: StartedRun): Promise<void> {
  const codes = await run.waitForClients(900_000);
  if (Object.values(codes).some((c) => c !== 0)) throw new Error(`a client failed: ${JSON.stringify(codes)}`);
}

/** Stops the server and checks the run; the bets stored. */
async function verify(run: StartedRun): Promise<number> {
  await run.server.stop(10);
  const check = await run.check();
  if (!check.valid) throw new Error(`the checker failed:\n${describeCheck(check)}`);
  return check.stored;
}

function builder(c: Case): LotteryRun {
  return new LotteryRun().withClients(c.clients).withDataset(c.dataset).withStartupTimeout(300_000);
}

/** Runs a started run to its end (checked), sampling memory; `startMs`: what its start took from deploy. */
async function measure(run: StartedRun, groups: ReadonlyMap<string, readonly string[]>, startMs: number): Promise<Omit<Measured, 'cluster' | 'images'>> {
  const sampler = new MemorySampler(() => groups);
  try {
    const t = performance.now();
    await finish(run);
    const deployToDone = startMs + (performance.now() - t);
    const bets = await verify(run);
    const memory = sampler.stop();
    const stopping = performance.now();
    await run.stop();
    return { deployToDone, teardown: performance.now() - stopping, memory, bets };
  } finally {
    sampler.stop();
    await run.stop();
  }
}

async function onSwarm(c: Case): Promise<Measured> {
  const run = await builder(c).onSwarm(Swarms.local({ nodes: c.nodes, startTimeoutMs: 120_000 })).start();
  const measured = await measure(run, new Map(run.nodes.map((n) => [n.name, [n.hostContainer as string]])), run.startTimes.deploy);
  return { cluster: run.startTimes.cluster, images: run.startTimes.images, ...measured };
}

async function onOneEngine(c: Case): Promise<Measured> {
  const t0 = performance.now();
  const run = await builder(c).start();
  const measured = await measure(run, new Map([['run', [run.server.id, ...run.clients.map((h) => h.id)]]]), performance.now() - t0);
  return { cluster: undefined, images: undefined, ...measured };
}

function row(label: string, swarm: readonly number[], single: readonly number[] | undefined, show: (n: number) => string): string {
  const s = median(swarm);
  const one = single === undefined ? undefined : median(single);
  const ratio = one === undefined || one === 0 ? '' : `  ×${(s / one).toFixed(2)}`;
  return `  ${label.padEnd(26)} ${show(s).padStart(10)}   ${(one === undefined ? '—' : show(one)).padStart(10)}${ratio}`;
}

async function bench(c: Case): Promise<void> {
  console.log(`\n${c.name}: ${c.clients} agencies, ${c.nodes} nodes (${c.dataset.description}); ${runs} runs, swarm then one engine`);
  const swarm: Measured[] = [];
  const single: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    swarm.push(await onSwarm(c));
    single.push(await onOneEngine(c));
    const s = swarm[i] as Measured;
    const o = single[i] as Measured;
    console.log(`  run ${i + 1}: swarm cluster ${seconds(s.cluster ?? 0)}, images ${seconds(s.images ?? 0)}, deploy→done ${seconds(s.deployToDone)}, teardown ${seconds(s.teardown)}; one engine deploy→done ${seconds(o.deployToDone)}, teardown ${seconds(o.teardown)}; ${s.bets} bets stored each`);
  }
  console.log(`  ${'median'.padEnd(26)} ${'swarm'.padStart(10)}   ${'one engine'.padStart(10)}  ratio`);
  console.log(row('cluster creation', swarm.map((m) => m.cluster ?? 0), undefined, seconds));
  console.log(row('image distribution', swarm.map((m) => m.images ?? 0), undefined, seconds));
  console.log(row('deploy → all done', swarm.map((m) => m.deployToDone), single.map((m) => m.deployToDone), seconds));
  console.log(row('teardown', swarm.map((m) => m.teardown), single.map((m) => m.teardown), seconds));
  const nodeNames = [...(swarm[0]?.memory.keys() ?? [])];
  for (const name of nodeNames) console.log(row(`memory peak, ${name}`, swarm.map((m) => m.memory.get(name) ?? 0), undefined, mib));
  const total = swarm.map((m) => [...m.memory.values()].reduce((a, b) => a + b, 0));
  console.log(row('memory peak, all nodes', total, single.map((m) => m.memory.get('run') ?? 0), mib));
}

async function main(): Promise<void> {
  console.log('warm-up: images, datasets, the node image');
  const small: Case = { name: 'default set', clients: 5, nodes: 3, dataset: Datasets.generated() };
  const big: Case = { name: '200 agencies', clients: 200, nodes: 4, dataset: Datasets.uniform(200, Number(values['big-bets'])) };
  await small.dataset.prepare();
  await onSwarm({ ...small, nodes: 1 });
  await bench(small);
  if (!values['only-small']) {
    await big.dataset.prepare();
    await bench(big);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
