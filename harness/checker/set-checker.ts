/**
 * The exactly-once checker, after Jepsen's set checker. It reads a finished run from the outside:
 * what each client logged as acknowledged (`apuestas_enviadas … enviadas: N`, the absolute count
 * of its bets the server confirmed), the agency files (everything that could have been sent),
 * bets.csv (everything stored), the server's draw lines and the winners each client reported.
 *
 *   lost        acknowledged but not stored          must be empty
 *   unexpected  stored but never sent                must be empty (not a valid bet of its agency's file)
 *   duplicated  stored more times than it was sent   must be empty
 *
 * A bet's identity is its whole row plus its agency (the same person may bet twice, so the
 * document alone is not an identity), counted as a multiset: a row that appears twice in a file
 * may be stored twice.
 */
import { formatRow } from '../../system/csv/csv-parser.js';
import { agencyRows, type PreparedDataset } from '../datasets/datasets.js';
import type { StoredBetRow, StoredBets } from '../results/run-result.js';
import type { Timeline } from '../run/timeline.js';
import type { BetKey, CheckedCondition, CheckedSet, CheckResult } from './check-result.js';

const EXAMPLES = 5;

export interface CheckedAgency {
  readonly agency: number;
  /** Its container's service name (`client3`): where its log lines come from. */
  readonly service: string;
  /** The winners it reported; undefined if it never got them. */
  readonly winners: readonly string[] | undefined;
}

export interface CheckInput {
  readonly dataset: PreparedDataset;
  readonly agencies: readonly CheckedAgency[];
  readonly timeline: Timeline;
  readonly stored: StoredBets;
}

/** Joins a key's fields: cheaper than CSV quoting for 1.5 million keys; shown as CSV (showKey). */
const SEP = '\u0000';

/** The checker's identity of a bet: agency and the whole row, the number as stored (no leading zeros). */
export function betKey(agency: number, firstName: string, lastName: string, document: string, birthdate: string, number: string | number): BetKey {
  return `${agency}${SEP}${firstName}${SEP}${lastName}${SEP}${document}${SEP}${birthdate}${SEP}${Number(number)}`;
}

/** A key as its bets.csv row: `agency,first,last,document,birthdate,number`. */
export function showKey(key: BetKey): string {
  return formatRow(key.split(SEP));
}

function storedKey(r: StoredBetRow): BetKey {
  return betKey(r.agency, r.firstName, r.lastName, r.document, r.birthdate, r.number);
}

type Multiset = Map<BetKey, number>;

function add(set: Multiset, key: BetKey, n = 1): void {
  set.set(key, (set.get(key) ?? 0) + n);
}

/** How many bets the client `service` saw acknowledged: the largest `enviadas` it logged (across restarts). */
export function acknowledgedCount(timeline: Timeline, service: string): number {
  let max = 0;
  for (const e of timeline.select({ source: service, action: 'apuestas_enviadas', result: 'success' })) {
    const n = Number(e.event?.details.enviadas);
    if (Number.isFinite(n) && n > max) max = n;
  }
  return max;
}

function collect(name: CheckedSet['name'], meaning: string, entries: Iterable<[BetKey, number]>): CheckedSet {
  let count = 0;
  const examples: BetKey[] = [];
  for (const [key, n] of entries) {
    if (n <= 0) continue;
    count += n;
    if (examples.length < EXAMPLES) examples.push(n > 1 ? `${showKey(key)} (×${n})` : showKey(key));
  }
  return { name, meaning, count, examples };
}

function* differences(a: Multiset, b: Multiset, when: (key: BetKey) => boolean = () => true): Generator<[BetKey, number]> {
  for (const [key, n] of a) if (when(key)) yield [key, n - (b.get(key) ?? 0)];
}

function drawCondition(timeline: Timeline, storedRows: number, agencies: number): CheckedCondition {
  const draws = timeline.select({ source: 'server', action: 'sorteo', result: 'success' });
  const recovered = timeline.select({ source: 'server', action: 'sorteo_recuperado', result: 'success' });
  const failed = timeline.select({ source: 'server', action: 'sorteo', result: 'fail' });
  const first = draws[0];
  const bets = Number(first?.event?.details.apuestas);
  const lastDone = timeline.select({ source: 'server', action: 'notificacion_recibida', result: 'success' }).find((e) => e.event?.details.agencias_listas === `${agencies}/${agencies}`);
  const problems: string[] = [];
  if (draws.length !== 1) problems.push(`${draws.length} draws`);
  if (failed.length > 0) problems.push(`${failed.length} failed draw(s)`);
  if (first && bets !== storedRows) problems.push(`the draw counted ${bets} bets but bets.csv holds ${storedRows}`);
  if (first && lastDone && first.seq < lastDone.seq) problems.push('the draw ran before every agency was done');
  if (first && !lastDone) problems.push(`no notice that all ${agencies} agencies were done`);
  for (const r of recovered) {
    if (Number(r.event?.details.apuestas) !== bets || r.event?.details.ganadores !== first?.event?.details.ganadores) {
      problems.push(`a restarted server recovered a different draw: ${r.text}`);
    }
  }
  const seen = `${draws.length} draw(s)${recovered.length > 0 ? `, ${recovered.length} recovered after restarts` : ''}`;
  return { name: 'the draw ran exactly once', ok: problems.length === 0, detail: problems.length === 0 ? `${seen}, over ${bets} bets, after all ${agencies} agencies were done` : problems.join('; ') };
}

/** Checks a finished run: every set empty, the draw once, every agency's winners as the manifest says. */
export async function checkRun(input: CheckInput): Promise<CheckResult> {
  const { dataset, agencies, timeline, stored } = input;
  const acknowledged: Multiset = new Map();
  const sent: Multiset = new Map();
  const storedSet: Multiset = new Map();
  for (const r of stored.rows) add(storedSet, storedKey(r));

  let acknowledgedTotal = 0;
  const unfinished: string[] = [];
  const wrongWinners: string[] = [];
  for (const a of agencies) {
    const rows = await agencyRows(dataset, a.agency);
    const valid = rows.filter((r) => r.valid);
    const acked = acknowledgedCount(timeline, a.service);
    acknowledgedTotal += acked;
    if (acked > valid.length) unfinished.push(`${a.service} claims ${acked} acknowledged of ${valid.length}`);
    else if (acked < valid.length) unfinished.push(`${a.service}: ${acked} of ${valid.length}`);
    for (const r of valid) add(sent, betKey(a.agency, ...r.fields));
    for (const r of valid.slice(0, acked)) add(acknowledged, betKey(a.agency, ...r.fields));
    const manifest = dataset.agencies.find((d) => d.agency === a.agency)?.winners;
    if (a.winners === undefined) wrongWinners.push(`${a.service} reported none`);
    else if (JSON.stringify(a.winners) !== JSON.stringify(manifest)) {
      wrongWinners.push(`${a.service} reported ${a.winners.length}, the manifest has ${manifest?.length ?? 0}`);
    }
  }

  const sets: CheckedSet[] = [
    collect('lost', 'acknowledged to a client but not in bets.csv', differences(acknowledged, storedSet)),
    collect('unexpected', "in bets.csv but not a valid bet of its agency's file", differences(storedSet, sent, (k) => !sent.has(k))),
    collect('duplicated', 'stored more times than its agency file holds it', differences(storedSet, sent, (k) => sent.has(k))),
  ];
  const conditions: CheckedCondition[] = [
    {
      name: 'bets.csv is well formed',
      ok: stored.malformed.length === 0 && !stored.tornTail,
      detail: `${stored.rows.length} rows, ${stored.malformed.length} malformed${stored.tornTail ? ', torn last line' : ''}`,
    },
    {
      name: "every agency's valid bets were acknowledged",
      ok: unfinished.length === 0,
      detail: unfinished.length === 0 ? `${agencies.length} agencies, ${acknowledgedTotal} bets` : unfinished.join('; '),
    },
    drawCondition(timeline, stored.rows.length, agencies.length),
    {
      name: "every agency's winners equal the manifest",
      ok: wrongWinners.length === 0,
      detail: wrongWinners.length === 0 ? `${agencies.length} agencies` : wrongWinners.join('; '),
    },
  ];
  return {
    valid: sets.every((s) => s.count === 0) && conditions.every((c) => c.ok),
    acknowledged: acknowledgedTotal,
    stored: stored.rows.length,
    sets,
    conditions,
  };
}

/** The check as a few lines of text (CLI output, assertion messages). */
export function describeCheck(check: CheckResult): string {
  const lines = [`checker: ${check.valid ? 'VALID' : 'INVALID'} (${check.acknowledged} acknowledged, ${check.stored} stored)`];
  for (const s of check.sets) {
    lines.push(`  ${s.name.padEnd(10)} ${String(s.count).padStart(7)}  ${s.meaning}`);
    for (const e of s.examples) lines.push(`             e.g. ${e}`);
  }
  for (const c of check.conditions) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return lines.join('\n');
}
