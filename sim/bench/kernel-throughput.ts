/**
 * The kernel's throughput on this machine, as figures (not a target): events per second.
 *
 * - floor: bare setImmediate callbacks, queued 64 a turn as the kernel queues them: the mechanism
 *   each event rides on (one callback per event, so that microtasks drain in between), with no
 *   queue, no trace, no PRNG;
 * - kernel: timer events of 50 owners re-arming themselves: the queue, the tie-break draws, the
 *   trace hash and the owner checks, with nothing else;
 * - workload: the synthetic 5-client echo workload with its faults (sim/testing/workload.ts):
 *   events per second and runs per second.
 * Each is the median of `--runs` runs (default 5), with its ratio to the floor measured in the
 * same run.   npx tsx sim/bench/kernel-throughput.ts [--runs 5] [--events 200000]
 */
import { fmt, median } from '../../testbed/stats/stats.js';
import { Simulation } from '../kernel/simulation.js';
import { TestOwner } from '../kernel/testing-owner.js';
import { runWorkload } from '../testing/workload.js';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const RUNS = arg('runs', 5);
const EVENTS = arg('events', 200_000);

async function floor(n: number): Promise<number> {
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    let left = n;
    const step = () => {
      if (--left === 0) resolve();
    };
    const turn = () => {
      if (left <= 0) return;
      for (let i = 0; i < 64; i++) setImmediate(step);
      setImmediate(turn);
    };
    turn();
  });
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function kernel(n: number): Promise<number> {
  const sim = new Simulation({ seed: 1 });
  const owners = Array.from({ length: 50 }, (_, i) => new TestOwner(sim, `p${i}`));
  for (const owner of owners) {
    const again = () => void sim.schedule(1 + sim.rng.int(10), 'timer', again, { owner, detail: '5' });
    again();
  }
  const start = process.hrtime.bigint();
  const outcome = await sim.run({ maxEvents: n });
  return outcome.events / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function workload(seed: number): Promise<{ eventsPerS: number; runsPerS: number; events: number }> {
  const start = process.hrtime.bigint();
  const { outcome } = await runWorkload({ seed });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return { eventsPerS: outcome.events / s, runsPerS: 1 / s, events: outcome.events };
}

async function main(): Promise<void> {
  console.log(`kernel throughput: median of ${RUNS} runs, ${fmt(EVENTS, 0)} events each for floor and kernel; node ${process.version}`);
  await floor(20_000);
  await kernel(20_000);
  await workload(999);
  const floors: number[] = [];
  const kernels: number[] = [];
  const loads: Awaited<ReturnType<typeof workload>>[] = [];
  for (let i = 0; i < RUNS; i++) {
    floors.push(await floor(EVENTS));
    kernels.push(await kernel(EVENTS));
    for (let k = 0; k < 5; k++) loads.push(await workload(i * 5 + k + 1));
  }
  const f = median(floors);
  const k = median(kernels);
  const w = median(loads.map((l) => l.eventsPerS));
  const r = median(loads.map((l) => l.runsPerS));
  const e = median(loads.map((l) => l.events));
  console.log(`floor (setImmediate, 64/turn) ${fmt(f, 0).padStart(11)} events/s`);
  console.log(`kernel (timer events)        ${fmt(k, 0).padStart(11)} events/s   ${fmt(k / f, 2)} × floor`);
  console.log(`workload (5 clients, faults) ${fmt(w, 0).padStart(11)} events/s   ${fmt(w / f, 2)} × floor;  ${fmt(r, 1)} runs/s (${fmt(e, 0)} events a run, median of ${loads.length})`);
}

await main();
