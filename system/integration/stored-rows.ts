/** Test support: reads bets.csv back with the CSV parser and checks it row by row. */
import { readFileSync } from 'node:fs';
import { CsvParser } from '../csv/csv-parser.js';

export interface StoredRow {
  readonly agency: number;
  readonly document: string;
  readonly number: number;
  readonly fields: readonly string[];
}

export function readStoredRows(path: string): StoredRow[] {
  const text = readFileSync(path, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) throw new Error(`${path} ends inside a row`);
  const parser = new CsvParser();
  const records = [...parser.push(text), ...parser.end()];
  return records.map((r) => {
    if (r.kind === 'error') throw new Error(`${path}:${r.line}: ${r.reason}`);
    if (r.fields.length !== 6) throw new Error(`${path}:${r.line}: ${r.fields.length} fields`);
    return { agency: Number(r.fields[0]), document: r.fields[3] as string, number: Number(r.fields[5]), fields: r.fields };
  });
}

/** Documents stored more than once (should be none). */
export function duplicates(rows: readonly StoredRow[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const r of rows) {
    const key = `${r.agency}/${r.document}`;
    if (seen.has(key)) dup.push(key);
    seen.add(key);
  }
  return dup;
}

export function countByAgency(rows: readonly StoredRow[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of rows) m.set(r.agency, (m.get(r.agency) ?? 0) + 1);
  return m;
}
