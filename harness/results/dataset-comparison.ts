/**
 * bets.csv against the agency files it came from (every row a valid bet): every bet of the files
 * exactly once, nothing else. Reads the files with csv-parse, never with the system's reader.
 */
import { join } from 'node:path';
import { readCsvFile } from '../../testbed/dataset/csv.js';
import type { StoredBetRow } from './run-result.js';

export interface BetsComparison {
  readonly missing: number;
  readonly duplicated: number;
  readonly unknown: number;
  readonly examples: readonly string[];
}

/** Each stored row against the agency files' rows (parsed the same way): every bet exactly once. */
export async function compareWithDataset(rows: readonly StoredBetRow[], dataDir: string, agencies: readonly { readonly agency: number; readonly file: string }[]): Promise<BetsComparison> {
  const expected = new Map<string, number>();
  for (const agency of agencies) {
    await readCsvFile(join(dataDir, agency.file), (r) => {
      if (r.kind !== 'row') throw new Error(`${agency.file}:${r.line}: ${r.reason}`);
      const key = JSON.stringify([agency.agency, ...r.fields]);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    });
  }
  let duplicated = 0;
  let unknown = 0;
  const examples: string[] = [];
  for (const row of rows) {
    const key = JSON.stringify([row.agency, row.firstName, row.lastName, row.document, row.birthdate, String(row.number)]);
    const left = expected.get(key);
    if (left === undefined) unknown++;
    else if (left === 0) duplicated++;
    else expected.set(key, left - 1);
    if ((left === undefined || left === 0) && examples.length < 5) examples.push(`${left === undefined ? 'unknown' : 'duplicated'}: ${key}`);
  }
  let missing = 0;
  for (const [key, left] of expected) {
    missing += left;
    if (left > 0 && examples.length < 10) examples.push(`missing: ${key}`);
  }
  return { missing, duplicated, unknown, examples };
}
