/**
 * Correctness of one benchmark run, so that the recovery benchmark can never time a broken
 * system: every client exits 0 with all its bets and the right winner count, the server drew
 * once and stopped cleanly, and bets.csv holds each bet of the dataset exactly once.
 */
import { readFileSync } from 'node:fs';
import { CsvParser } from '../csv/csv-parser.js';
import { duplicates, readStoredRows } from '../integration/stored-rows.js';
import type { Exit, TimedChild } from './timed-child.js';

export interface AgencyData {
  readonly agency: number;
  readonly path: string;
  /** Every document of the agency's file. */
  readonly documents: ReadonlySet<string>;
  readonly winners: number;
}

/** The documents of an agency file, read with the project's CSV parser. */
export function readDocuments(path: string): Set<string> {
  const parser = new CsvParser();
  const docs = new Set<string>();
  for (const r of [...parser.push(readFileSync(path, 'utf8')), ...parser.end()]) {
    if (r.kind === 'error') throw new Error(`${path}:${r.line}: ${r.reason}`);
    docs.add(r.fields[2] as string);
  }
  return docs;
}

export interface RunEnd {
  readonly clients: readonly { readonly child: TimedChild; readonly exit: Exit }[];
  /** The server that finished the run, after its SIGTERM. */
  readonly server: { readonly child: TimedChild; readonly exit: Exit };
}

/** Throws, listing every problem, unless the run is correct. */
export function checkRun(label: string, agencies: readonly AgencyData[], betsFile: string, end: RunEnd): void {
  const problems: string[] = [];
  agencies.forEach((a, i) => {
    const c = end.clients[i];
    if (!c) {
      problems.push(`agency ${a.agency}: no client`);
      return;
    }
    if (c.exit.code !== 0 || c.exit.signal !== null) problems.push(`${c.child.name} exited ${JSON.stringify(c.exit)}`);
    const done = c.child.first(/action: client_finished \| result: success \|/)?.line ?? '';
    const bets = Number(/\| apuestas: (\d+)/.exec(done)?.[1]);
    const winners = Number(/\| ganadores: (\d+)/.exec(done)?.[1]);
    if (bets !== a.documents.size || winners !== a.winners) {
      problems.push(`${c.child.name} reported ${bets} bets and ${winners} winners, expected ${a.documents.size} and ${a.winners}`);
    }
    const fails = c.child.lines.filter((l) => l.line.includes('| result: fail'));
    if (fails.length > 0) problems.push(`${c.child.name} logged failures: ${fails.map((l) => l.line).join(' / ')}`);
  });
  if (end.server.exit.code !== 0) problems.push(`server exited ${JSON.stringify(end.server.exit)} after SIGTERM`);
  const draws = end.server.child.lines.filter((l) => l.line.includes('action: sorteo | result: success')).length;
  if (draws !== 1) problems.push(`the server logged ${draws} successful draws, expected 1`);

  try {
    const rows = readStoredRows(betsFile);
    const dup = duplicates(rows);
    if (dup.length > 0) problems.push(`bets.csv holds ${dup.length} bets twice or more (first: ${dup[0]})`);
    const byAgency = new Map(agencies.map((a) => [a.agency, a]));
    const counts = new Map<number, number>();
    let strangers = 0;
    for (const r of rows) {
      counts.set(r.agency, (counts.get(r.agency) ?? 0) + 1);
      if (!byAgency.get(r.agency)?.documents.has(r.document)) strangers++;
    }
    if (strangers > 0) problems.push(`bets.csv holds ${strangers} bets that are not in the dataset`);
    for (const a of agencies) {
      const n = counts.get(a.agency) ?? 0;
      if (n !== a.documents.size) problems.push(`bets.csv holds ${n} bets of agency ${a.agency}, expected ${a.documents.size}`);
    }
  } catch (err) {
    problems.push(`bets.csv unreadable: ${(err as Error).message}`);
  }
  if (problems.length > 0) throw new Error(`${label}: the system misbehaved:\n  ${problems.join('\n  ')}`);
}
