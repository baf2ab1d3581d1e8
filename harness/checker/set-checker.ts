/**
 * The exactly-once checker, after Jepsen's set checker. It reads a finished run from the outside:
 * what each client logged as acknowledged (`apuestas_enviadas … enviadas: N`, the absolute count
 * of its bets the server confirmed, or `reanudar … apuestas_guardadas: N` after a reconnect), the agency files (everything that could have been sent),
 * bets.csv (everything stored), the server's draw lines and the winners each client reported.
 *
 *   lost        acknowledged but not stored          must be empty
 *   missing     a valid bet of the file not stored   must be empty (once every client finished)
 *   unexpected  stored but never sent                must be empty (not a valid bet of its agency's file)
 *   duplicated  stored more times than it was sent   must be empty
 *
 * A bet's identity is its whole row plus its agency (the same person may bet twice, so the
 * document alone is not an identity), counted as a multiset: a row that appears twice in a file
 * may be stored twice.
 *
 * A pure function of plain inputs (the valid bets of each agency file, the log events in order,
 * the rows of bets.csv): the Docker run feeds it (check-run.ts), and so can a simulator. Which
 * rows are valid comes from the dataset (its manifest, or the testbed's own rules), never from
 * the system's validator.
 */
import { formatRow } from '../../testbed/dataset/csv.js';
import type { StoredBetRow, StoredBets } from '../results/run-result.js';
import type { BetKey, CheckedCondition, CheckedSet, CheckResult } from './check-result.js';
import { drawCondition } from './draw-condition.js';
import { isLogRecord, type RunEvent } from './run-events.js';

export { isLogRecord, isProcessEnd, type LogRecord, type ProcessEnd, type RunEvent } from './run-events.js';

const EXAMPLES = 5;

/** A valid bet of an agency file: first name, last name, document, birthdate, number. */
export type ValidBet = readonly [firstName: string, lastName: string, document: string, birthdate: string, number: string];

export interface CheckedAgency {
  readonly agency: number;
  /** Its process's name (`client3`): the source of its log events. */
  readonly service: string;
  /** Its file's valid bets, in file order: what a correct client sends. */
  readonly validBets: readonly ValidBet[];
  /** Its winners as the dataset knows them (the manifest's, in file order). */
  readonly expectedWinners: readonly string[];
  /** The winners it reported; undefined if it never got them. */
  readonly winners: readonly string[] | undefined;
}

export interface CheckInput {
  readonly agencies: readonly CheckedAgency[];
  /** Every process's log events and the ends of its lives, in one order (the run's timeline). */
  readonly events: readonly RunEvent[];
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

/** A stored row as the checker's examples show it. */
export function rowText(r: StoredBetRow): string {
  return showKey(storedKey(r));
}

type Multiset = Map<BetKey, number>;

function add(set: Multiset, key: BetKey, n = 1): void {
  set.set(key, (set.get(key) ?? 0) + n);
}

/**
 * How many bets the client `service` saw acknowledged, across its restarts: the largest count
 * the server confirmed to it, as an answer to a batch (`apuestas_enviadas … enviadas: N`) or,
 * after a reconnect, as the count the server holds (`reanudar … apuestas_guardadas: N`: a client
 * killed after its last batch was stored but before the answer learns it only that way).
 */
export function acknowledgedCount(events: readonly RunEvent[], service: string): number {
  let max = 0;
  for (const e of events) {
    if (!isLogRecord(e) || e.source !== service) continue;
    const n = e.action === 'apuestas_enviadas' && e.result === 'success' ? Number(e.details.enviadas) : e.action === 'reanudar' ? Number(e.details.apuestas_guardadas) : NaN;
    if (Number.isFinite(n) && n > max) max = n;
  }
  return max;
}

/** One of the checker's sets, filled bet by bet: a count and the first few examples. */
class SetBuilder {
  private count = 0;
  private readonly examples: string[] = [];
  constructor(
    private readonly name: CheckedSet['name'],
    private readonly meaning: string,
  ) {}

  add(key: BetKey, n = 1): void {
    if (n <= 0) return;
    this.count += n;
    if (this.examples.length < EXAMPLES) this.examples.push(n > 1 ? `${showKey(key)} (×${n})` : showKey(key));
  }

  build(): CheckedSet {
    return { name: this.name, meaning: this.meaning, count: this.count, examples: this.examples };
  }
}

interface Sets {
  readonly lost: SetBuilder;
  readonly missing: SetBuilder;
  readonly unexpected: SetBuilder;
  readonly duplicated: SetBuilder;
}

const rowKey = (agency: number, r: ValidBet): BetKey => betKey(agency, ...r);

/** The stored rows are the file's first valid bets, in order (what a correct run stores). */
function isPrefix(stored: readonly StoredBetRow[], valid: readonly ValidBet[]): boolean {
  if (stored.length > valid.length) return false;
  for (let i = 0; i < stored.length; i++) {
    const s = stored[i] as StoredBetRow;
    const [firstName, lastName, document, birthdate, number] = valid[i] as ValidBet;
    if (s.document !== document || s.number !== Number(number) || s.firstName !== firstName || s.lastName !== lastName || s.birthdate !== birthdate) return false;
  }
  return true;
}

/**
 * One agency's share of the sets. Fast path: stored rows that are a prefix of the file's valid
 * bets hold no row more often than the file does, so only `lost` and `missing` can be non-empty.
 * Otherwise the multisets of this agency's keys are compared.
 */
function checkAgency(agency: number, stored: readonly StoredBetRow[], valid: readonly ValidBet[], acked: number, sets: Sets): void {
  if (isPrefix(stored, valid)) {
    for (let i = stored.length; i < valid.length; i++) {
      const key = rowKey(agency, valid[i] as ValidBet);
      if (i < acked) sets.lost.add(key);
      sets.missing.add(key);
    }
    return;
  }
  const sent: Multiset = new Map();
  const acknowledged: Multiset = new Map();
  const kept: Multiset = new Map();
  valid.forEach((r, i) => {
    const key = rowKey(agency, r);
    add(sent, key);
    if (i < acked) add(acknowledged, key);
  });
  for (const r of stored) add(kept, storedKey(r));
  for (const [key, n] of acknowledged) sets.lost.add(key, n - (kept.get(key) ?? 0));
  for (const [key, n] of sent) sets.missing.add(key, n - (kept.get(key) ?? 0));
  for (const [key, n] of kept) {
    const inFile = sent.get(key) ?? 0;
    if (inFile === 0) sets.unexpected.add(key, n);
    else sets.duplicated.add(key, n - inFile);
  }
}

/** Checks a finished run: every set empty, the draw once, every agency's winners as the dataset says. */
export function checkExactlyOnce(input: CheckInput): CheckResult {
  const { agencies, events, stored } = input;
  const sets: Sets = {
    lost: new SetBuilder('lost', 'acknowledged to a client but not in bets.csv'),
    missing: new SetBuilder('missing', "a valid bet of its agency's file that is not in bets.csv"),
    unexpected: new SetBuilder('unexpected', "in bets.csv but not a valid bet of its agency's file"),
    duplicated: new SetBuilder('duplicated', 'stored more times than its agency file holds it'),
  };
  const byAgency = new Map<number, StoredBetRow[]>();
  for (const r of stored.rows) {
    const list = byAgency.get(r.agency);
    if (list) list.push(r);
    else byAgency.set(r.agency, [r]);
  }

  let acknowledgedTotal = 0;
  const unfinished: string[] = [];
  const wrongWinners: string[] = [];
  for (const a of agencies) {
    const valid = a.validBets;
    const acked = acknowledgedCount(events, a.service);
    acknowledgedTotal += acked;
    if (acked > valid.length) unfinished.push(`${a.service} claims ${acked} acknowledged of ${valid.length}`);
    else if (acked < valid.length) unfinished.push(`${a.service}: ${acked} of ${valid.length}`);
    checkAgency(a.agency, byAgency.get(a.agency) ?? [], valid, acked, sets);
    byAgency.delete(a.agency);
    if (a.winners === undefined) wrongWinners.push(`${a.service} reported none`);
    else if (JSON.stringify(a.winners) !== JSON.stringify(a.expectedWinners)) {
      wrongWinners.push(`${a.service} reported ${a.winners.length}, the dataset has ${a.expectedWinners.length}`);
    }
  }
  // Rows of agencies that took no part in the run were never sent by anyone.
  for (const rows of byAgency.values()) for (const r of rows) sets.unexpected.add(storedKey(r));

  const setList = [sets.lost.build(), sets.missing.build(), sets.unexpected.build(), sets.duplicated.build()];
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
    drawCondition(events, stored.rows.length, agencies.length),
    {
      name: "every agency's winners equal the dataset's",
      ok: wrongWinners.length === 0,
      detail: wrongWinners.length === 0 ? `${agencies.length} agencies` : wrongWinners.join('; '),
    },
  ];
  return {
    valid: setList.every((s) => s.count === 0) && conditions.every((c) => c.ok),
    acknowledged: acknowledgedTotal,
    stored: stored.rows.length,
    sets: setList,
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
