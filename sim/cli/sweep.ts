/**
 * A sweep: seeds one after another in this process, with a progress line on stderr (rewritten
 * in place on a terminal; a line every 10 % or 15 s otherwise), then the figures: runs per second
 * and per minute, schedules explored (distinct fault schedules, distinct trace hashes), and
 * every failing seed with the invariants it broke.
 */
import { type LotteryRunResult, runLottery, specFromSeed, type SpecOptions } from '../lottery/lottery-run.js';
import { describeSchedule } from '../lottery/schedule.js';
import { Timeline } from '../../harness/run/timeline.js';

export interface SweepFailure {
  readonly result: LotteryRunResult;
}

export interface SweepSummary {
  readonly runs: number;
  readonly wallMs: number;
  readonly failures: readonly LotteryRunResult[];
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
  readonly onFailure?: (r: LotteryRunResult) => void;
}

const PROGRESS_EVERY_MS = 15_000;

/** The simulator itself threw (a bug of the harness, not of the system): a failure of its own kind. */
function crashedRun(spec: LotteryRunResult['spec'], err: unknown): LotteryRunResult {
  const detail = err instanceof Error ? `${err.message} (${err.stack?.split('\n')[1]?.trim() ?? ''})` : String(err);
  return {
    spec,
    violations: [{ invariant: 'simulator', detail }],
    check: { valid: false, acknowledged: 0, stored: 0, sets: [], conditions: [] },
    excused: 0,
    traceHash: '',
    events: 0,
    virtualMs: 0,
    timeline: new Timeline(),
    betsCsv: '',
    faults: { fired: 0, skipped: 0 },
    trace: undefined,
    traceTail: [],
  };
}

export async function sweep(o: SweepOptions): Promise<SweepSummary> {
  const out = o.progress;
  const started = performance.now();
  const schedules = new Set<string>();
  const traces = new Set<string>();
  const failures: LotteryRunResult[] = [];
  let fired = 0;
  let skipped = 0;
  let excused = 0;
  let events = 0;
  let lastLine = started;
  let lastTenth = 0;
  const line = (done: number) => {
    const s = (performance.now() - started) / 1000;
    return `sim: ${done.toLocaleString('en')}/${o.seeds.toLocaleString('en')} seeds · ${(done / Math.max(s, 1e-9)).toFixed(1)} runs/s · ${failures.length} failed · ${s.toFixed(1)} s`;
  };
  for (let i = 0; i < o.seeds; i++) {
    const spec = specFromSeed(o.from + i, o);
    const result = await runLottery(spec).catch((err: unknown) => crashedRun(spec, err));
    schedules.add(describeSchedule(spec.faults));
    traces.add(result.traceHash);
    fired += result.faults.fired;
    skipped += result.faults.skipped;
    excused += result.excused;
    events += result.events;
    if (result.violations.length > 0) {
      failures.push(result);
      if (out?.isTTY) out.write('\n');
      o.onFailure?.(result);
    }
    if (out) {
      const done = i + 1;
      const now = performance.now();
      if (out.isTTY) {
        if (now - lastLine > 200 || done === o.seeds) {
          out.write(`\r${line(done)}`);
          lastLine = now;
        }
      } else {
        const tenth = Math.floor((10 * done) / o.seeds);
        if (tenth > lastTenth || now - lastLine > PROGRESS_EVERY_MS) {
          out.write(`${line(done)}\n`);
          lastTenth = tenth;
          lastLine = now;
        }
      }
    }
  }
  if (out?.isTTY) out.write('\n');
  return { runs: o.seeds, wallMs: performance.now() - started, failures, distinctSchedules: schedules.size, distinctTraces: traces.size, faultsFired: fired, faultsSkipped: skipped, excusedDraws: excused, events };
}
