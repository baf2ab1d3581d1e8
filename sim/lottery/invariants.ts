/**
 * The invariants of a simulated run. The first ones are the Docker checker's, by the same pure
 * function (harness/checker): fed the run's timeline (every line, exit and fault in virtual
 * time), the server disk's bets.csv read with csv-parse, and the dataset's valid bets and
 * winners. Then what only a simulator sees whole: no process died of an uncaught error, the last
 * server life took the graceful path, every client's last life finished, and no process needed
 * main.ts's exit guard (production would hide a handle left open).
 */
import type { CheckResult } from '../../harness/checker/check-result.js';
import { logRecords } from '../../harness/checker/check-run.js';
import { type CheckedAgency, checkExactlyOnce } from '../../harness/checker/set-checker.js';
import { parseBetsCsv, reportedWinners } from '../../harness/results/run-result.js';
import type { Timeline, TimelineEntry } from '../../harness/run/timeline.js';
import type { SimProcess } from '../process/sim-process.js';
import type { SimAgencyData } from './dataset.js';
import { contractBreach } from './log-contract.js';

/** An invariant the run broke: its short name (what the shrinker keeps failing) and what was seen. */
export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

export interface RunFacts {
  readonly data: readonly SimAgencyData[];
  readonly timeline: Timeline;
  readonly betsCsv: string;
  /** Every life of the server, in order; of each client likewise. */
  readonly server: readonly SimProcess[];
  readonly clients: readonly (readonly SimProcess[])[];
  /** Lives that the exit guard ended (`client3#2`). */
  readonly lingered: readonly string[];
}

/** The checker's conditions by short name. */
const CONDITION_NAMES: Readonly<Record<string, string>> = {
  'bets.csv is well formed': 'well-formed',
  "every agency's valid bets were acknowledged": 'acknowledged',
  'the draw ran exactly once': 'draw',
  "every agency's winners equal the dataset's": 'winners',
};

export async function checkRun(facts: RunFacts): Promise<{ check: CheckResult; violations: Violation[]; excused: number }> {
  const violations: Violation[] = [];
  const agencies: CheckedAgency[] = [];
  for (const d of facts.data) {
    const service = `client${d.agency}`;
    let winners: readonly string[] | undefined;
    try {
      winners = reportedWinners(facts.timeline, service);
    } catch (err) {
      violations.push({ invariant: 'client-log', detail: (err as Error).message });
    }
    agencies.push({ agency: d.agency, service, validBets: d.validBets, expectedWinners: d.winners, winners });
  }
  const { entries, excused } = excuseDiskFailures(facts.timeline.entries);
  const check = checkExactlyOnce({ agencies, events: logRecords({ entries }), stored: await parseBetsCsv(facts.betsCsv) });
  for (const s of check.sets) {
    if (s.count > 0) violations.push({ invariant: s.name, detail: `${s.count} bet(s) ${s.meaning}, e.g. ${s.examples.slice(0, 2).join(' | ')}` });
  }
  for (const c of check.conditions) if (!c.ok) violations.push({ invariant: CONDITION_NAMES[c.name] ?? c.name, detail: c.detail });
  violations.push(...processViolations(facts));
  const breaches = facts.timeline.entries.flatMap((e) => (e.kind === 'log' ? [contractBreach(e.source, e.text, e.event)] : [])).filter((b) => b !== undefined);
  if (breaches.length > 0) violations.push({ invariant: 'log-contract', detail: `${breaches.length} line(s), e.g. ${breaches.slice(0, 2).join(' ;; ')}` });
  return { check, violations, excused };
}

/**
 * A draw that fails while the server's disk is made to fail (`sorteo | result: fail`, an EIO
 * in its scan or its record) is that fault's expected effect, not a wrong outcome: it told no
 * one anything, and the fault's heal restarts the server, which draws again. Those lines are
 * left out of what the checker reads (and counted); any other failed draw stays red.
 */
function excuseDiskFailures(all: readonly TimelineEntry[]): { entries: TimelineEntry[]; excused: number } {
  const diskFaults = new Set<number>();
  const entries: TimelineEntry[] = [];
  let excused = 0;
  for (const e of all) {
    if (e.kind === 'fault' && e.text.startsWith('disk ') && e.faultId !== undefined) diskFaults.add(e.faultId);
    else if (e.kind === 'heal' && e.faultId !== undefined) diskFaults.delete(e.faultId);
    if (diskFaults.size > 0 && e.source === 'server' && e.event?.action === 'sorteo' && e.event.result === 'fail') {
      excused++;
      continue;
    }
    entries.push(e);
  }
  return { entries, excused };
}

function processViolations(facts: RunFacts): Violation[] {
  const out: Violation[] = [];
  for (const p of [...facts.server, ...facts.clients.flat()]) {
    if (p.exit?.reason === 'uncaught') out.push({ invariant: 'uncaught', detail: `${p.id}: ${p.output.at(-1) ?? ''}` });
    if ((p.exit?.openFiles.length ?? 0) > 0) out.push({ invariant: 'files-closed', detail: `${p.id} exited with ${p.exit?.openFiles.join(', ')} still open` });
  }
  const server = facts.server.at(-1);
  if (server && !server.alive) {
    const graceful = server.exit?.code === 0 && server.output.some((l) => l.includes('action: shutdown | result: success'));
    if (!graceful) out.push({ invariant: 'graceful-shutdown', detail: `${server.id} ended ${server.exit?.reason} (code ${server.exit?.code}) after the final SIGTERM; last line: ${server.output.at(-1) ?? 'none'}` });
  }
  for (const lives of facts.clients) {
    const last = lives.at(-1);
    if (!last || last.alive) continue;
    const finished = last.exit?.code === 0 && last.output.some((l) => l.includes('action: client_finished | result: success'));
    if (!finished) out.push({ invariant: 'client-finished', detail: `${last.id} exited ${last.exit?.reason} (code ${last.exit?.code}); last line: ${last.output.at(-1) ?? 'none'}` });
  }
  if (facts.lingered.length > 0) out.push({ invariant: 'exit-guard', detail: `a handle still held ${facts.lingered.join(', ')} ${200} ms after it was done (main.ts's guard exited it)` });
  return out;
}
