/**
 * A sweep: seeds run one after another in this process (`sweep`), or spread over child
 * processes (parallel-sweep.ts); either way each run is reduced to a SeedOutcome and counted by
 * a SweepTally, which writes the progress line on stderr (rewritten in place on a terminal; a
 * line every 10 % or 15 s otherwise) and makes the figures: runs per second and per minute,
 * schedules explored (distinct fault schedules, distinct trace hashes), and every failing seed
 * with the invariants it broke.
 */
import { type LotteryRunSpec, runLottery, specFromSeed, type SpecOptions } from '../lottery/lottery-run.js';
import type { Violation } from '../lottery/invariants.js';
import { describeSchedule } from '../lottery/schedule.js';

/** What a sweep keeps of one run: its counts, and for a failure what it broke (enough to replay and shrink it). */
export interface SeedOutcome {
  readonly spec: LotteryRunSpec;
  readonly schedule: string;
  readonly traceHash: string;
  readonly violations: readonly Violation[];
  readonly fired: number;
  readonly skipped: number;
  readonly excused: number;
  readonly events: number;
}

export interface SweepSummary {
  readonly runs: number;
  readonly wallMs: number;
  /** Child processes that ran the seeds (0: they ran in this process). */
  readonly workers: number;
  /** CPU time (user + system) the runs took, in every process that ran them: a figure the machine's other load changes less than the wall time. */
  readonly cpuMs: number;
  /** Failing runs in seed order. */
  readonly failures: readonly SeedOutcome[];
  readonly distinctSchedules: number;
  readonly distinctTraces: number;
  readonly faultsFired: number;
  readonly faultsSkipped: number;
  readonly excusedDraws: number;
  readonly events: number;
}

export interface SweepOptions extends SpecOptions {
  readonly from: number;
  readonly seeds: number;
  /** Where progress goes (stderr). */
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Called with each failure as it comes. */
  readonly onFailure?: (r: SeedOutcome) => void;
}

const PROGRESS_EVERY_MS = 15_000;

/** CPU time (user + system) of this process since `since` (process.cpuUsage's), in ms. */
export function cpuMsSince(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

/** One seed's run, reduced; the simulator itself throwing (a bug of the harness, not of the system) is a failure of its own kind. */
export async function runSeed(seed: number, shape: SpecOptions): Promise<SeedOutcome> {
  const spec = specFromSeed(seed, shape);
  const schedule = describeSchedule(spec.faults);
  try {
    const r = await runLottery(spec);
    return { spec, schedule, traceHash: r.traceHash, violations: r.violations, fired: r.faults.fired, skipped: r.faults.skipped, excused: r.excused, events: r.events };
  } catch (err) {
    const detail = err instanceof Error ? `${err.message} (${err.stack?.split('\n')[1]?.trim() ?? ''})` : String(err);
    return { spec, schedule, traceHash: '', violations: [{ invariant: 'simulator', detail }], fired: 0, skipped: 0, excused: 0, events: 0 };
  }
}

/** Counts outcomes as they come (in any order) and keeps the progress line. */
export class SweepTally {
  private readonly started = performance.now();
  private readonly schedules = new Set<string>();
  private readonly traces = new Set<string>();
  private readonly failures: SeedOutcome[] = [];
  private done = 0;
  private fired = 0;
  private skipped = 0;
  private excused = 0;
  private events = 0;
  private lastLine = this.started;
  private lastTenth = 0;

  constructor(private readonly o: SweepOptions) {}

  add(r: SeedOutcome): void {
    const out = this.o.progress;
    this.done++;
    this.schedules.add(r.schedule);
    this.traces.add(r.traceHash);
    this.fired += r.fired;
    this.skipped += r.skipped;
    this.excused += r.excused;
    this.events += r.events;
    if (r.violations.length > 0) {
      this.failures.push(r);
      if (out?.isTTY) out.write('\n');
      this.o.onFailure?.(r);
    }
    if (!out) return;
    const now = performance.now();
    if (out.isTTY) {
      if (now - this.lastLine > 200 || this.done === this.o.seeds) {
        out.write(`\r${this.line()}`);
        this.lastLine = now;
      }
      return;
    }
    const tenth = Math.floor((10 * this.done) / this.o.seeds);
    if (tenth > this.lastTenth || now - this.lastLine > PROGRESS_EVERY_MS) {
      out.write(`${this.line()}\n`);
      this.lastTenth = tenth;
      this.lastLine = now;
    }
  }

  private line(): string {
    const s = (performance.now() - this.started) / 1000;
    return `sim: ${this.done.toLocaleString('en')}/${this.o.seeds.toLocaleString('en')} seeds · ${(this.done / Math.max(s, 1e-9)).toFixed(1)} runs/s · ${this.failures.length} failed · ${s.toFixed(1)} s`;
  }

  summary(workers: number, cpuMs: number): SweepSummary {
    if (this.o.progress?.isTTY) this.o.progress.write('\n');
    const failures = [...this.failures].sort((a, b) => a.spec.seed - b.spec.seed);
    return {
      runs: this.done,
      wallMs: performance.now() - this.started,
      workers,
      cpuMs,
      failures,
      distinctSchedules: this.schedules.size,
      distinctTraces: this.traces.size,
      faultsFired: this.fired,
      faultsSkipped: this.skipped,
      excusedDraws: this.excused,
      events: this.events,
    };
  }
}

/** The seeds in this process, one after another. */
export async function sweep(o: SweepOptions): Promise<SweepSummary> {
  const tally = new SweepTally(o);
  const cpu = process.cpuUsage();
  for (let i = 0; i < o.seeds; i++) tally.add(await runSeed(o.from + i, o));
  return tally.summary(0, cpuMsSince(cpu));
}
