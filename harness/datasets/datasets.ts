/**
 * Where a run's agency files come from: the project's seeded generator (cached by its options
 * under .cache/datasets, so repeated runs reuse the files) or a folder of `agency-N.csv`.
 * Either way the run knows each agency's bet count, its expected winners and which rows a
 * correct client must refuse: for a generated set from its manifest (the generator made those
 * rows invalid on purpose), for a folder from the testbed's own rules of a valid bet. Files are
 * read with csv-parse; nothing here asks the system.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { betProblem, isWinningNumber } from '../../testbed/dataset/bet-rules.js';
import { readCsvFile } from '../../testbed/dataset/csv.js';
import { agencyFileName, DEFAULT_SEED, DEFAULT_SIZES, type EolMode, generateDataset, readManifest } from '../../testbed/dataset/dataset.js';

export interface DatasetAgency {
  readonly agency: number;
  readonly file: string;
  readonly bets: number;
  /** Documents of the agency's winning bets, in file order. */
  readonly winners: readonly string[];
  /** Rows a correct client refuses: their line (from 1) and why. */
  readonly invalid: readonly InvalidRowNote[];
  /** Rows the file holds (generated sets: from the manifest, checked when the file is read). */
  readonly rows: number | undefined;
}

export interface InvalidRowNote {
  readonly line: number;
  readonly reason: string;
}

/** Where a dataset's knowledge of valid rows comes from. */
export type Validity = 'manifest' | 'rules';

export interface PreparedDataset {
  readonly dir: string;
  readonly description: string;
  readonly agencies: readonly DatasetAgency[];
  readonly totalBets: number;
  readonly validity: Validity;
}

export interface DatasetSource {
  readonly description: string;
  prepare(): Promise<PreparedDataset>;
}

export interface GeneratedOptions {
  readonly seed?: number;
  /** Bets per agency; default the classic 26,936 / 25,518 / 16,014 / 9,238 / 991. */
  readonly sizes?: readonly number[];
  readonly eol?: EolMode;
  readonly winRate?: number;
  /** Share of rows made invalid on purpose (listed in the manifest); default none. */
  readonly invalidRate?: number;
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

const CACHE_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)), '.cache', 'datasets');

function prepared(dir: string, description: string, agencies: DatasetAgency[], validity: Validity): PreparedDataset {
  return { dir, description, agencies, totalBets: agencies.reduce((n, a) => n + a.bets, 0), validity };
}

class GeneratedDataset implements DatasetSource {
  readonly description: string;
  constructor(private readonly options: GeneratedOptions) {
    const sizes = options.sizes ?? DEFAULT_SIZES;
    this.description = `generated (seed ${options.seed ?? DEFAULT_SEED}, ${sizes.length} agencies, ${sizes.reduce((a, b) => a + b, 0)} bets)`;
  }

  async prepare(): Promise<PreparedDataset> {
    // v2: manifests list the rows made invalid on purpose.
    const key = createHash('sha256').update(JSON.stringify({ v: 2, ...this.options })).digest('hex').slice(0, 16);
    const dir = join(CACHE_DIR, key);
    if (!existsSync(join(dir, 'manifest.json'))) {
      // Generate aside, then rename: a concurrent run either sees nothing or the whole set.
      const temp = `${dir}.tmp-${process.pid}`;
      rmSync(temp, { recursive: true, force: true });
      await generateDataset({ dir: temp, ...this.options });
      try {
        renameSync(temp, dir);
      } catch {
        rmSync(temp, { recursive: true, force: true });
        if (!existsSync(join(dir, 'manifest.json'))) throw new DatasetError(`cannot put the generated dataset in ${dir}`);
      }
    }
    const manifest = await readManifest(dir);
    return prepared(
      dir,
      this.description,
      manifest.agencies.map((a) => ({ agency: a.agency, file: a.file, bets: a.bets, winners: a.winners, invalid: a.invalid, rows: a.rows })),
      'manifest',
    );
  }
}

/** One agency file judged by the testbed's rules: its valid bets, winners and invalid rows. */
async function judgeAgencyFile(dir: string, agency: number): Promise<DatasetAgency> {
  const file = agencyFileName(agency);
  const invalid: InvalidRowNote[] = [];
  const winners: string[] = [];
  let bets = 0;
  await readCsvFile(
    join(dir, file),
    (r) => {
      if (r.kind === 'error') {
        invalid.push({ line: r.line, reason: r.reason });
        return;
      }
      const problem = betProblem(r.fields);
      if (problem !== undefined) invalid.push({ line: r.row, reason: problem });
      else {
        bets++;
        if (isWinningNumber(r.fields[4] as string)) winners.push(r.fields[2] as string);
      }
    },
    { lenient: true },
  );
  return { agency, file, bets, winners, invalid, rows: undefined };
}

class FolderDataset implements DatasetSource {
  readonly description: string;
  constructor(private readonly dir: string) {
    this.description = `folder ${dir}`;
  }

  async prepare(): Promise<PreparedDataset> {
    const dir = resolve(this.dir);
    if (!existsSync(dir)) throw new DatasetError(`dataset folder ${dir} does not exist`);
    const numbers = (await readdir(dir))
      .map((name) => /^agency-(\d+)\.csv$/.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    if (numbers.length === 0) throw new DatasetError(`dataset folder ${dir} holds no agency-N.csv file`);
    numbers.forEach((n, i) => {
      if (n !== i + 1) throw new DatasetError(`dataset folder ${dir}: agency files must be agency-1.csv … agency-N.csv; agency-${i + 1}.csv is missing`);
    });
    const agencies: DatasetAgency[] = [];
    for (const n of numbers) agencies.push(await judgeAgencyFile(dir, n));
    return prepared(dir, this.description, agencies, 'rules');
  }
}

export class Datasets {
  /** The seeded generator's set (the classic 5 agencies by default), cached on disk. */
  static generated(options: GeneratedOptions = {}): DatasetSource {
    return new GeneratedDataset(options);
  }

  /** `n` agencies of `bets` bets each. */
  static uniform(n: number, bets: number, options: Omit<GeneratedOptions, 'sizes'> = {}): DatasetSource {
    return new GeneratedDataset({ ...options, sizes: Array.from({ length: n }, () => bets) });
  }

  /** A folder of agency-1.csv … agency-N.csv (read and judged by the testbed's rules to know counts and winners). */
  static folder(dir: string): DatasetSource {
    return new FolderDataset(dir);
  }
}

/** One row of an agency file: its fields, and whether a correct client sends it (a valid bet). */
export interface AgencyRow {
  readonly fields: readonly string[];
  readonly valid: boolean;
}

/** A valid bet's five fields. */
export type BetRowFields = readonly [firstName: string, lastName: string, document: string, birthdate: string, number: string];

/**
 * Every parsed row of an agency file, in file order, each marked valid or not: by the manifest
 * (the rows made invalid on purpose) for a generated set, by the testbed's rules for a folder.
 * A generated file that no longer holds the rows its manifest counts is an error.
 */
export async function agencyRows(dataset: PreparedDataset, agency: number): Promise<AgencyRow[]> {
  const entry = dataset.agencies.find((a) => a.agency === agency);
  if (!entry) throw new DatasetError(`the dataset has no agency ${agency}`);
  const invalidLines = new Set(entry.invalid.map((r) => r.line));
  const byManifest = dataset.validity === 'manifest';
  const rows: AgencyRow[] = [];
  let broken: string | undefined;
  await readCsvFile(
    join(dataset.dir, entry.file),
    (r) => {
      if (r.kind === 'error') broken ??= `${entry.file}:${r.line}: a generated file does not parse: ${r.reason}`;
      else rows.push({ fields: r.fields, valid: byManifest ? !invalidLines.has(r.row) : betProblem(r.fields) === undefined });
    },
    { lenient: !byManifest },
  );
  if (byManifest && broken !== undefined) throw new DatasetError(broken);
  if (byManifest && entry.rows !== undefined && rows.length !== entry.rows) {
    throw new DatasetError(`${entry.file} holds ${rows.length} rows, its manifest says ${entry.rows}: the file changed`);
  }
  return rows;
}

/** The valid bets of an agency file, in file order, as their five fields. */
export async function validBets(dataset: PreparedDataset, agency: number): Promise<BetRowFields[]> {
  return (await agencyRows(dataset, agency)).filter((r) => r.valid).map((r) => r.fields as unknown as BetRowFields);
}

/** The documents of an agency file's valid bets, in file order (to check what was stored against it). */
export async function agencyDocuments(dataset: PreparedDataset, agency: number): Promise<string[]> {
  return (await validBets(dataset, agency)).map((f) => f[2]);
}
