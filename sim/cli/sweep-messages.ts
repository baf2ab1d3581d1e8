/** What a sweep's parent and its child processes (sweep-worker.ts) say to each other over IPC. */
import type { SpecOptions } from '../lottery/lottery-run.js';
import type { SeedOutcome } from './sweep.js';

/** Parent → child: run these seeds (`from` … `from + count - 1`) with this shape, or stop. */
export type ToWorker =
  | { readonly type: 'seeds'; readonly from: number; readonly count: number; readonly shape: SpecOptions }
  | { readonly type: 'stop' };

/** Child → parent: one run's outcome, then `idle` when a batch of seeds is done, with the CPU time the child has used so far. */
export type FromWorker =
  | { readonly type: 'outcome'; readonly outcome: SeedOutcome }
  | { readonly type: 'idle'; readonly cpuMs: number };
