/**
 * The checker fed from a Docker run: the dataset's valid bets and winners (manifest or the
 * testbed's rules), the timeline's log events in order, and bets.csv as read with csv-parse.
 */
import { type PreparedDataset, validBets } from '../datasets/datasets.js';
import type { StoredBets } from '../results/run-result.js';
import type { Timeline } from '../run/timeline.js';
import type { CheckResult } from './check-result.js';
import { endOfExitCode, type RunEvent } from './run-events.js';
import { type CheckedAgency, checkExactlyOnce } from './set-checker.js';

export interface RunAgency {
  readonly agency: number;
  /** Its container's service name (`client3`). */
  readonly service: string;
  /** The winners it reported; undefined if it never got them. */
  readonly winners: readonly string[] | undefined;
}

export interface RunCheckInput {
  readonly dataset: PreparedDataset;
  readonly agencies: readonly RunAgency[];
  readonly timeline: Timeline;
  readonly stored: StoredBets;
}

/** The timeline's course log lines and container exits as the checker's plain events, in arrival order. */
export function logRecords(timeline: Pick<Timeline, 'entries'>): RunEvent[] {
  const out: RunEvent[] = [];
  for (const e of timeline.entries) {
    if (e.kind === 'log' && e.event) out.push({ source: e.source, action: e.event.action, result: e.event.result, details: e.event.details });
    else if (e.kind === 'exit') out.push(endOfExitCode(e.source, e.exitCode));
  }
  return out;
}

/** Checks a finished run (see set-checker.ts for the sets and conditions). */
export async function checkRun(input: RunCheckInput): Promise<CheckResult> {
  const agencies: CheckedAgency[] = [];
  for (const a of input.agencies) {
    const expectedWinners = input.dataset.agencies.find((d) => d.agency === a.agency)?.winners ?? [];
    agencies.push({ ...a, validBets: await validBets(input.dataset, a.agency), expectedWinners });
  }
  return checkExactlyOnce({ agencies, events: logRecords(input.timeline), stored: input.stored });
}
