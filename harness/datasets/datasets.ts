/**
 * Where a run's agency files come from: the project's seeded generator (cached by its options
 * under .cache/datasets, so repeated runs reuse the files) or a folder of `agency-N.csv`.
 * Either way the run knows each agency's bet count and its expected winners.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvParser } from '../../system/csv/csv-parser.js';
import {
  DEFAULT_SEED,
  DEFAULT_SIZES,
  type EolMode,
  expectedWinners,
  generateDataset,
  readManifest,
} from '../../system/dataset/dataset.js';
import { checkBet } from '../../system/domain/validation.js';

export interface DatasetAgency {
  readonly agency: number;
  readonly file: string;
  readonly bets: number;
  /** Documents of the agency's winning bets, in file order. */
  readonly winners: readonly string[];
}

export interface PreparedDataset {
  readonly dir: string;
  readonly description: string;
  readonly agencies: readonly DatasetAgency[];
  readonly totalBets: number;
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
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

const CACHE_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)), '.cache', 'datasets');

function prepared(dir: string, description: string, agencies: DatasetAgency[]): PreparedDataset {
  return { dir, description, agencies, totalBets: agencies.reduce((n, a) => n + a.bets, 0) };
}

class GeneratedDataset implements DatasetSource {
  readonly description: string;
  constructor(private readonly options: GeneratedOptions) {
    const sizes = options.sizes ?? DEFAULT_SIZES;
    this.description = `generated (seed ${options.seed ?? DEFAULT_SEED}, ${sizes.length} agencies, ${sizes.reduce((a, b) => a + b, 0)} bets)`;
  }

  async prepare(): Promise<PreparedDataset> {
    const key = createHash('sha256').update(JSON.stringify({ v: 1, ...this.options })).digest('hex').slice(0, 16);
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
    return prepared(dir, this.description, manifest.agencies.map((a) => ({ agency: a.agency, file: a.file, bets: a.bets, winners: a.winners })));
  }
}

class FolderDataset implements DatasetSource {
  readonly description: string;
  constructor(private readonly dir: string) {
    this.description = `folder ${dir}`;
  }

  async prepare(): Promise<PreparedDataset> {
    const dir = resolve(this.dir);
    if (!existsSync(dir)) throw new DatasetError(`dataset folder ${dir} does not exist`);
    const summaries = await expectedWinners(dir);
    if (summaries.length === 0) throw new DatasetError(`dataset folder ${dir} holds no agency-N.csv file`);
    summaries.forEach((s, i) => {
      if (s.agency !== i + 1) throw new DatasetError(`dataset folder ${dir}: agency files must be agency-1.csv … agency-N.csv; agency-${i + 1}.csv is missing`);
    });
    return prepared(dir, this.description, summaries.map((s) => ({ agency: s.agency, file: s.file, bets: s.bets, winners: s.winners })));
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

  /** A folder of agency-1.csv … agency-N.csv (read to know counts and winners). */
  static folder(dir: string): DatasetSource {
    return new FolderDataset(dir);
  }
}

/** One row of an agency file: its five fields, and whether the client will send it (a valid bet). */
export interface AgencyRow {
  readonly fields: readonly [firstName: string, lastName: string, document: string, birthdate: string, number: string];
  readonly valid: boolean;
}

/** Every 5-field row of an agency file, in file order, each marked valid or not as the client judges it. */
export async function agencyRows(dataset: PreparedDataset, agency: number): Promise<AgencyRow[]> {
  const entry = dataset.agencies.find((a) => a.agency === agency);
  if (!entry) throw new DatasetError(`the dataset has no agency ${agency}`);
  const parser = new CsvParser();
  const rows: AgencyRow[] = [];
  const take = (records: ReturnType<CsvParser['push']>) => {
    for (const r of records) {
      if (r.kind !== 'row' || r.fields.length !== 5) continue;
      const fields = r.fields as unknown as AgencyRow['fields'];
      const [firstName, lastName, document, birthdate, number] = fields;
      rows.push({ fields, valid: checkBet(agency, { firstName, lastName, document, birthdate, number }) === undefined });
    }
  };
  for await (const chunk of createReadStream(join(dataset.dir, entry.file), { encoding: 'utf8' })) take(parser.push(chunk as string));
  take(parser.end());
  return rows;
}

/** The documents of an agency file's rows, in file order (to check what was stored against it). */
export async function agencyDocuments(dataset: PreparedDataset, agency: number): Promise<string[]> {
  return (await agencyRows(dataset, agency)).map((r) => r.fields[2]);
}
