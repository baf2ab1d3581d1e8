/**
 * A sweep over child processes: `workers` forks of sweep-worker.ts (Node with tsx's loader, as
 * the parent), each handed batches of seeds as it becomes idle, so a busy core does not hold back
 * the others. Outcomes are counted by the same SweepTally as the in-process sweep; the figures
 * are the same whatever the order the outcomes came in. A child that dies is a failure of the sweep.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type SweepOptions, type SweepSummary, SweepTally } from './sweep.js';
import type { FromWorker, ToWorker } from './sweep-messages.js';

/** Seeds handed to a child at a time: small enough to balance two loaded cores, big enough that IPC is noise. */
export const SEEDS_PER_BATCH = 10;

export class SweepWorkerError extends Error {
  override readonly name = 'SweepWorkerError';
}

const WORKER = fileURLToPath(new URL('./sweep-worker.ts', import.meta.url));

/** The child's Node options: tsx's loader (to run TypeScript), without the parent's profiler or inspector flags. */
function workerExecArgv(): string[] {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const own = process.execArgv.filter((a) => !/^--(cpu-prof|heap-prof|inspect|prof)/.test(a));
  return own.some((a) => a.includes('tsx')) ? own : [...own, '--import', tsx];
}

export async function parallelSweep(o: SweepOptions, workers: number): Promise<SweepSummary> {
  const tally = new SweepTally(o);
  const end = o.from + o.seeds;
  let next = o.from;
  const shape = { agencies: o.agencies, bets: o.bets, faults: o.faults };
  const children: ChildProcess[] = [];
  /** Each child's CPU time as it last said. */
  const cpuMs = new Map<ChildProcess, number>();
  const handOut = (child: ChildProcess): void => {
    const m: ToWorker = next < end ? { type: 'seeds', from: next, count: Math.min(SEEDS_PER_BATCH, end - next), shape } : { type: 'stop' };
    if (m.type === 'seeds') next += m.count;
    child.send(m);
  };
  const runChild = () =>
    new Promise<void>((resolve, reject) => {
      const child = fork(WORKER, [], { execArgv: workerExecArgv(), serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      child.on('message', (m: FromWorker) => {
        if (m.type === 'outcome') return tally.add(m.outcome);
        cpuMs.set(child, m.cpuMs);
        handOut(child);
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new SweepWorkerError(`a sweep worker exited with ${signal ?? `code ${code}`}`))));
      handOut(child);
    });
  try {
    await Promise.all(Array.from({ length: Math.min(workers, Math.ceil(o.seeds / SEEDS_PER_BATCH)) }, runChild));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  }
  return tally.summary(children.length, [...cpuMs.values()].reduce((a, b) => a + b, 0));
}
