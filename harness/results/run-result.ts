/**
 * What a run produced, read from the outside only: the containers' logs (timeline), their exit
 * codes, and the server's bets.csv. Never from the server's internals.
 */
import { maxOf, minOf } from '../../testbed/stats/stats.js';
import { readCsv } from '../../testbed/dataset/csv.js';
import type { Timeline, TimelineEntry } from '../run/timeline.js';

/** A process's log contradicts itself (say, a winners count and the documents listed). */
export class InconsistentLogError extends Error {
  override readonly name = 'InconsistentLogError';
}

export interface StoredBetRow {
  readonly agency: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly document: string;
  readonly birthdate: string;
  readonly number: number;
}

export interface StoredBets {
  /** Line breaks in the file (what `wc -l` says). */
  readonly lines: number;
  readonly rows: readonly StoredBetRow[];
  /**
   * Rows that are not `agency,first,last,document,birthdate,number`: where (`line 7` for a row
   * csv-parse could not parse; `row 5`, the 5th parsed row, for one of the wrong shape) and why.
   */
  readonly malformed: readonly { readonly at: string; readonly reason: string }[];
  /** True when the file ends in the middle of a row. */
  readonly tornTail: boolean;
}

const DIGITS = /^\d+$/;

/**
 * bets.csv read with csv-parse (never with the system's own reader): each row must be
 * `agency,first_name,last_name,document,birthdate,number` with a numeric agency and number.
 * A row csv-parse cannot parse is named by its line, a parsed row of the wrong shape by its
 * place among the parsed rows.
 */
export async function parseBetsCsv(text: string): Promise<StoredBets> {
  const rows: StoredBetRow[] = [];
  const malformed: { at: string; reason: string }[] = [];
  await readCsv(text, (r) => {
    if (r.kind === 'error') {
      malformed.push({ at: `line ${r.line}`, reason: r.reason });
    } else if (r.fields.length !== 6 || !DIGITS.test(r.fields[0] as string) || !DIGITS.test(r.fields[5] as string)) {
      malformed.push({ at: `row ${r.row}`, reason: `expected 6 fields with numeric agency and number, got ${JSON.stringify(r.fields)}` });
    } else {
      const [agency, firstName, lastName, document, birthdate, number] = r.fields as [string, string, string, string, string, string];
      rows.push({ agency: Number(agency), firstName, lastName, document, birthdate, number: Number(number) });
    }
  });
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return { lines, rows, malformed, tornTail: text.length > 0 && !text.endsWith('\n') };
}

export interface PhaseTimes {
  /** Epoch milliseconds (engine clock) of: the first agency connection, the last stored batch, the draw, the last winners answer. */
  readonly firstConnect: number | undefined;
  readonly lastBatch: number | undefined;
  readonly draw: number | undefined;
  readonly lastWinners: number | undefined;
}

export interface AgencyReport {
  readonly agency: number;
  readonly service: string;
  /** Bets the client reported as sent and acknowledged. */
  readonly betsSent: number | undefined;
  /** Documents of its winners as the client logged them; undefined if it never got an answer. */
  readonly winners: readonly string[] | undefined;
  readonly exitCode: number | undefined;
}

export interface RunResult {
  readonly agencies: readonly AgencyReport[];
  readonly serverExitCode: number | undefined;
  readonly stored: StoredBets;
  readonly times: PhaseTimes;
  /** Every `result: fail` line, with where it came from. */
  readonly failLines: readonly string[];
}

function last(entries: readonly TimelineEntry[]): TimelineEntry | undefined {
  return entries[entries.length - 1];
}

function maxAt(entries: readonly TimelineEntry[]): number | undefined {
  return maxOf(entries.map((e) => e.at));
}

/** Winners of one client, reassembled from its `ganadores` lines (100 documents per line). */
export function reportedWinners(timeline: Timeline, service: string): string[] | undefined {
  const answer = last(timeline.select({ source: service, action: 'consulta_ganadores', result: 'success' }));
  if (!answer) return undefined;
  const expected = Number(answer.event?.details.cant_ganadores);
  // Only the lines after the last answer (a client restarted after the draw answers again).
  const parts = timeline.select({ source: service, action: 'ganadores', result: 'success', where: (e) => e.seq > answer.seq });
  const documents = parts.flatMap((e) => (e.event?.details.dnis ?? '').split(',').filter((d) => d !== ''));
  if (documents.length !== expected) throw new InconsistentLogError(`${service} said ${expected} winners but logged ${documents.length} documents`);
  return documents;
}

export function betsSentBy(timeline: Timeline, service: string): number | undefined {
  const finished = last(timeline.select({ source: service, action: 'client_finished', result: 'success' }));
  if (finished?.event?.details.apuestas !== undefined) return Number(finished.event.details.apuestas);
  const sent = last(timeline.select({ source: service, action: 'apuestas_enviadas', result: 'success' }));
  return sent?.event?.details.enviadas === undefined ? undefined : Number(sent.event.details.enviadas);
}

export function phaseTimes(timeline: Timeline): PhaseTimes {
  const connects = timeline.select({ source: /^client\d+$/, action: 'connect', result: 'success' });
  return {
    firstConnect: minOf(connects.map((e) => e.at)),
    lastBatch: maxAt(timeline.select({ source: 'server', action: 'apuesta_recibida', result: 'success' })),
    draw: timeline.select({ source: 'server', action: 'sorteo', result: 'success' })[0]?.at,
    lastWinners: maxAt(timeline.select({ source: /^client\d+$/, action: 'consulta_ganadores', result: 'success' })),
  };
}

export function failLines(timeline: Timeline): string[] {
  return timeline.select({ kind: 'log', result: 'fail' }).map((e) => `${e.source}: ${e.text}`);
}
