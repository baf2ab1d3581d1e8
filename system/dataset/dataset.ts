/**
 * Writes a dataset of agency files (`agency-1.csv` … `agency-N.csv`, no header,
 * `first_name,last_name,document,birthdate,number`) and its `manifest.json`, streaming:
 * memory stays flat whatever the sizes. Also reads manifests back and recomputes the
 * winners of existing files with the project's own CSV parser and validation.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isWinner } from '../domain/bet.js';
import { validateBet } from '../domain/validation.js';
import { CsvParser, type CsvRecord } from '../csv/csv-parser.js';
import { DEFAULT_WIN_RATE, generateAgencyBets, GeneratorOptionsError, MAX_DATASET_BETS } from './generator.js';

/** The dataset the exercise is usually run with: 5 agencies, 78,697 bets. */
export const DEFAULT_SIZES: readonly number[] = [26936, 25518, 16014, 9238, 991];
/** Chosen so that with the default sizes and win rate every agency has at least one winner. */
export const DEFAULT_SEED = 7574;
export const MANIFEST_FILE = 'manifest.json';
/** Text written per file system call. */
const WRITE_CHUNK_CHARS = 1 << 20;

export type EolMode = 'lf' | 'crlf' | 'mixed';
export const EOL_MODES: readonly EolMode[] = ['lf', 'crlf', 'mixed'];

export interface DatasetOptions {
  readonly dir: string;
  readonly seed?: number;
  readonly sizes?: readonly number[];
  /** `mixed` (default): CRLF for odd agencies, LF for even ones. */
  readonly eol?: EolMode;
  /** Start every file with a UTF-8 byte order mark. */
  readonly bom?: boolean;
  readonly winRate?: number;
}

export interface AgencyManifest {
  readonly agency: number;
  readonly file: string;
  readonly bets: number;
  readonly eol: 'lf' | 'crlf';
  /** Documents of the bets with the winning number, in file order. */
  readonly winners: string[];
}

export interface DatasetManifest {
  readonly seed: number;
  readonly eol: EolMode;
  readonly bom: boolean;
  readonly winRate: number;
  readonly totalBets: number;
  readonly agencies: AgencyManifest[];
}

export class DatasetOptionsError extends Error {
  override readonly name = 'DatasetOptionsError';
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export function agencyFileName(agency: number): string {
  return `agency-${agency}.csv`;
}

export function agencyEol(mode: EolMode, agency: number): 'lf' | 'crlf' {
  if (mode !== 'mixed') return mode;
  return agency % 2 === 1 ? 'crlf' : 'lf';
}

function checkOptions(sizes: readonly number[], eol: string, winRate: number): void {
  for (const n of sizes) if (!Number.isSafeInteger(n) || n < 0) throw new DatasetOptionsError(`agency size ${n} is not an integer ≥ 0`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_DATASET_BETS) throw new DatasetOptionsError(`${total} bets: a dataset holds at most ${MAX_DATASET_BETS}`);
  if (!(EOL_MODES as readonly string[]).includes(eol)) throw new DatasetOptionsError(`eol "${eol}" is not one of ${EOL_MODES.join(', ')}`);
  if (!(winRate >= 0 && winRate <= 1)) throw new DatasetOptionsError(`win rate ${winRate} is not between 0 and 1`);
}

/** Writes one agency file through a temporary name; returns its winners. */
async function writeAgency(file: string, rows: Iterable<{ row: string; fields: { number: string; document: string } }>, eol: string, bom: boolean): Promise<string[]> {
  const winners: string[] = [];
  const temp = `${file}.tmp-${process.pid}`;
  const handle = await open(temp, 'w');
  try {
    let chunk = bom ? '\uFEFF' : '';
    for (const { row, fields } of rows) {
      if (isWinner({ number: Number(fields.number) })) winners.push(fields.document);
      chunk += row + eol;
      if (chunk.length >= WRITE_CHUNK_CHARS) {
        await handle.write(chunk, null, 'utf8');
        chunk = '';
      }
    }
    if (chunk.length > 0) await handle.write(chunk, null, 'utf8');
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(temp, file);
  return winners;
}

/** Agency files in `dir` beyond the new set would be taken for part of it: they go. */
async function removeStaleAgencyFiles(dir: string, count: number): Promise<void> {
  for (const name of await readdir(dir)) {
    const m = /^agency-(\d+)\.csv$/.exec(name);
    if (m && Number(m[1]) > count) await rm(path.join(dir, name), { force: true });
  }
}

export async function generateDataset(options: DatasetOptions): Promise<DatasetManifest> {
  const seed = options.seed ?? DEFAULT_SEED;
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const eol = options.eol ?? 'mixed';
  const bom = options.bom ?? false;
  const winRate = options.winRate ?? DEFAULT_WIN_RATE;
  checkOptions(sizes, eol, winRate);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new DatasetOptionsError(`seed ${seed} is not an integer from 0 to 4294967295`);
  await mkdir(options.dir, { recursive: true });
  await removeStaleAgencyFiles(options.dir, sizes.length);

  const agencies: AgencyManifest[] = [];
  let firstIndex = 0;
  for (const [i, count] of sizes.entries()) {
    const agency = i + 1;
    const file = agencyFileName(agency);
    const lineEnd = agencyEol(eol, agency);
    let rows;
    try {
      rows = generateAgencyBets({ seed, agency, firstIndex, count, winRate });
    } catch (err) {
      throw err instanceof GeneratorOptionsError ? new DatasetOptionsError(err.message, { cause: err }) : err;
    }
    const winners = await writeAgency(path.join(options.dir, file), rows, lineEnd === 'crlf' ? '\r\n' : '\n', bom);
    agencies.push({ agency, file, bets: count, eol: lineEnd, winners });
    firstIndex += count;
  }
  const manifest: DatasetManifest = { seed, eol, bom, winRate, totalBets: firstIndex, agencies };
  await writeFile(path.join(options.dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  return manifest;
}

function isAgencyManifest(a: unknown): a is AgencyManifest {
  if (typeof a !== 'object' || a === null) return false;
  const r = a as Record<string, unknown>;
  return Number.isInteger(r.agency) && typeof r.file === 'string' && Number.isInteger(r.bets) &&
    Array.isArray(r.winners) && r.winners.every((w) => typeof w === 'string');
}

export async function readManifest(dir: string): Promise<DatasetManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ManifestError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const m = parsed as Partial<DatasetManifest> | null;
  if (!m || typeof m.seed !== 'number' || typeof m.totalBets !== 'number' || !Array.isArray(m.agencies) || !m.agencies.every(isAgencyManifest)) {
    throw new ManifestError(`${file} is not a dataset manifest`);
  }
  return parsed as DatasetManifest;
}

export interface AgencyFileSummary {
  readonly agency: number;
  readonly file: string;
  /** Rows that pass validateBet. */
  readonly bets: number;
  /** Rows that do not parse or do not pass validateBet. */
  readonly invalid: number;
  readonly winners: string[];
}

/** Reads one agency file with CsvParser and validateBet, streaming. */
export async function summarizeAgencyFile(file: string, agency: number): Promise<AgencyFileSummary> {
  const parser = new CsvParser();
  const summary = { agency, file: path.basename(file), bets: 0, invalid: 0, winners: [] as string[] };
  const take = (records: CsvRecord[]): void => {
    for (const r of records) {
      const [firstName, lastName, document, birthdate, number] = r.kind === 'row' && r.fields.length === 5 ? r.fields : [];
      const v = firstName === undefined || lastName === undefined || document === undefined || birthdate === undefined || number === undefined
        ? undefined
        : validateBet(agency, { firstName, lastName, document, birthdate, number });
      if (!v?.ok) summary.invalid++;
      else {
        summary.bets++;
        if (isWinner(v.bet)) summary.winners.push(v.bet.document);
      }
    }
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) take(parser.push(chunk as string));
  take(parser.end());
  return summary;
}

/** The winners each `agency-N.csv` in `dir` really holds, found by parsing and validating the files. */
export async function expectedWinners(dir: string): Promise<AgencyFileSummary[]> {
  const agencies = (await readdir(dir))
    .map((name) => /^agency-(\d+)\.csv$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const out: AgencyFileSummary[] = [];
  for (const agency of agencies) out.push(await summarizeAgencyFile(path.join(dir, agencyFileName(agency)), agency));
  return out;
}
