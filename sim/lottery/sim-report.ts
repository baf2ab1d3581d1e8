/**
 * A simulated run as the harness's timeline report (harness/report): the run's timeline is
 * already the report's plain data (entries in virtual time, from 2024-01-01T00:00:00Z), with its
 * fault spans and exits, and the checker's result; the facts say it is virtual time.
 */
import { renderTimelineReport } from '../../harness/report/timeline-report.js';
import type { LotteryRunResult } from './lottery-run.js';
import { describeSchedule } from './schedule.js';

export function renderSimReport(result: LotteryRunResult): string {
  const { spec } = result;
  return renderTimelineReport({
    title: `simulated run · seed ${spec.seed} · virtual time`,
    entries: result.timeline.entries,
    check: result.check,
    facts: {
      seed: String(spec.seed),
      'trace hash': result.traceHash,
      shape: `${spec.agencies} agencies × ${spec.bets} bets`,
      schedule: describeSchedule(spec.faults),
      'virtual time': `${(result.virtualMs / 1000).toFixed(3)} s (times below are virtual)`,
      events: String(result.events),
      verdict: result.violations.length === 0 ? 'every invariant held' : result.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; '),
    },
  });
}
