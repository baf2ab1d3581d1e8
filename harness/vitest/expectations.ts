/** Assertions the scenarios share, about what the run stored and reported. */
import { expect } from 'vitest';
import { agencyDocuments, type PreparedDataset } from '../datasets/datasets.js';
import type { RunResult, StoredBets } from '../results/run-result.js';
import type { CheckResult } from '../checker/check-result.js';
import { describeCheck } from '../checker/set-checker.js';
import type { StartedRun } from '../run/started-run.js';

function storedDocuments(stored: StoredBets, agency: number): string[] {
  return stored.rows.filter((r) => r.agency === agency).map((r) => r.document);
}

/** bets.csv holds every bet of the first `agencies` agencies exactly once, and nothing else. */
export async function expectEveryBetStoredOnce(stored: StoredBets, dataset: PreparedDataset, agencies: number): Promise<void> {
  expect(stored.malformed).toEqual([]);
  expect(stored.tornTail).toBe(false);
  let total = 0;
  for (let agency = 1; agency <= agencies; agency++) {
    const expected = await agencyDocuments(dataset, agency);
    total += expected.length;
    expect(storedDocuments(stored, agency).sort(), `agency ${agency}`).toEqual([...expected].sort());
  }
  expect(stored.lines).toBe(total);
}

/**
 * Nothing half-stored: each agency's rows are the first rows of its file, in order, and their
 * count is a whole number of batches (or the whole file).
 */
export async function expectWholeBatchesOnly(stored: StoredBets, dataset: PreparedDataset, agencies: number, batchSize: number): Promise<void> {
  expect(stored.malformed).toEqual([]);
  expect(stored.tornTail).toBe(false);
  for (let agency = 1; agency <= agencies; agency++) {
    const file = await agencyDocuments(dataset, agency);
    const got = storedDocuments(stored, agency);
    expect(got, `agency ${agency}: stored rows are the file's first rows`).toEqual(file.slice(0, got.length));
    if (got.length !== file.length) expect(got.length % batchSize, `agency ${agency}: ${got.length} rows is not whole batches of ${batchSize}`).toBe(0);
  }
}

/** Each agency reported exactly its own winners (the dataset's, in file order). */
export function expectOwnWinners(result: RunResult, dataset: PreparedDataset): void {
  for (const agency of result.agencies) {
    expect(agency.winners, `${agency.service}'s winners`).toEqual(dataset.agencies[agency.agency - 1]?.winners);
  }
}

/**
 * The exactly-once checker is green: nothing lost, unexpected or duplicated, one draw, every
 * agency its manifest's winners. Prints the checker's report (and the failure shows it).
 */
export async function expectCheckerGreen(run: StartedRun, label: string): Promise<CheckResult> {
  const check = await run.check();
  console.log(`[${label}] ${describeCheck(check)}`);
  expect(check.valid, describeCheck(check)).toBe(true);
  return check;
}
