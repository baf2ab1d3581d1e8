/**
 * A simulated run's data: each agency's CSV file, made in memory by the testbed's generator (the
 * same one `npm run dataset` writes files with), and what the judge knows of it: the valid bets in
 * file order and the winners' documents (the manifest's facts). Nothing here asks the system.
 */
import { agencyEol } from '../../testbed/dataset/dataset.js';
import { isWinningNumber } from '../../testbed/dataset/bet-rules.js';
import { generateAgencyBets } from '../../testbed/dataset/generator.js';
import type { ValidBet } from '../../harness/checker/set-checker.js';

export interface SimAgencyData {
  readonly agency: number;
  /** The file's bytes as the client reads them (CRLF for odd agencies, LF for even, as `--eol mixed`). */
  readonly csv: string;
  readonly validBets: readonly ValidBet[];
  readonly winners: readonly string[];
}

export interface SimDatasetOptions {
  readonly seed: number;
  readonly agencies: number;
  readonly betsPerAgency: number;
  /** High enough that most agencies have winners at a few hundred bets. */
  readonly winRate?: number;
  /** Rows spoiled on purpose (a correct client refuses them and exits 1). */
  readonly invalidRate?: number;
}

export const SIM_WIN_RATE = 0.02;

/** The latest dataset made, by its options: a replay, the shrinker's cuts of faults and the determinism tests ask for the same one again. */
let latest: { readonly key: string; readonly data: readonly SimAgencyData[] } | undefined;

/** simDataset, made once for the same options in a row (its result is read-only: nothing changes it). */
export function simDatasetOnce(o: SimDatasetOptions): readonly SimAgencyData[] {
  const key = `${o.seed} ${o.agencies} ${o.betsPerAgency} ${o.winRate ?? SIM_WIN_RATE} ${o.invalidRate ?? 0}`;
  if (latest?.key !== key) latest = { key, data: simDataset(o) };
  return latest.data;
}

export function simDataset(o: SimDatasetOptions): SimAgencyData[] {
  const out: SimAgencyData[] = [];
  for (let agency = 1; agency <= o.agencies; agency++) {
    const eol = agencyEol('mixed', agency) === 'crlf' ? '\r\n' : '\n';
    const rows: string[] = [];
    const validBets: ValidBet[] = [];
    const winners: string[] = [];
    const bets = generateAgencyBets({
      seed: o.seed,
      agency,
      firstIndex: (agency - 1) * o.betsPerAgency,
      count: o.betsPerAgency,
      winRate: o.winRate ?? SIM_WIN_RATE,
      invalidRate: o.invalidRate ?? 0,
    });
    for (const { row, fields, invalid } of bets) {
      rows.push(row);
      if (invalid !== undefined) continue;
      validBets.push([fields.firstName, fields.lastName, fields.document, fields.birthdate, fields.number]);
      if (isWinningNumber(fields.number)) winners.push(fields.document);
    }
    out.push({ agency, csv: rows.length === 0 ? '' : rows.join(eol) + eol, validBets, winners });
  }
  return out;
}
