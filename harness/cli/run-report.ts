/**
 * `--report FILE`: the run's HTML timeline report (harness/report/timeline-report.ts), written
 * after the checker and before the run is removed. A report that cannot be written is noted,
 * it does not fail the run (as with --artifacts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CheckResult } from '../checker/check-result.js';
import type { StartedRun } from '../run/started-run.js';
import { describeError } from './cli-errors.js';

/** The header table of the report: seed, clients, dataset, wall time. */
export type ReportFacts = Readonly<Record<'seed' | 'clients' | 'dataset' | 'wall time', string>>;

export async function finishReport(run: StartedRun, file: string, facts: ReportFacts, check: CheckResult | undefined, note: (line: string) => void): Promise<void> {
  try {
    const html = await run.report(facts, check);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, html);
    note(`report written to ${file} (${Math.round(html.length / 1024)} KiB)`);
  } catch (err) {
    note(`the report could not be written: ${describeError(err)}`);
  }
}
