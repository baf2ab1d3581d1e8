/**
 * Writes a dataset of agency files (`agency-1.csv` … `agency-N.csv`, no header,
 * `first_name,last_name,document,birthdate,number`) and its `manifest.json`, streaming:
 * memory stays flat whatever the sizes. The manifest says what the files hold: per agency its
 * rows, its valid bets, its winners, and every row made invalid on purpose with its line and
 * why. A testbed tool: it imports nothing from the system, and the harness judges by it.
 */
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isWinningNumber } from './bet-rules.js';
import { DEFAULT_WIN_RATE, type GeneratedBet, generateAgencyBets, GeneratorOptionsError, type InvalidKind, MAX_DATASET_BETS } from './generator.js';

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
  /** Share of rows made invalid on purpose (default 0: every row is a valid bet). */
  readonly invalidRate?: number;
}

/** A row made invalid on purpose: its line in the agency file (from 1) and the rule it breaks. */
export interface InvalidRow {
  readonly line: number;
  readonly reason: InvalidKind;
}

export interface AgencyManifest {
  readonly agency: number;
  readonly file: string;
  /** Valid bets: what a correct client sends. */
  readonly bets: number;
  /** Rows in the file: the valid bets and the invalid rows. */
  readonly rows: number;
  readonly eol: 'lf' | 'crlf';
  /** Documents of the valid bets with the winning number, in file order. */
  readonly winners: string[];
  /** Every row made invalid on purpose, in file order. */
  readonly invalid: InvalidRow[];
}

export interface DatasetManifest {
  readonly seed: number;
  readonly eol: EolMode;
  readonly bom: boolean;
  readonly winRate: number;
  readonly invalidRate: number;
  /** Valid bets in all files. */
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

function checkOptions(sizes: readonly number[], eol: string, winRate: number, invalidRate: number): void {
  for (const n of sizes) if (!Number.isSafeInteger(n) || n < 0) throw new DatasetOptionsError(`agency size ${n} is not an integer ≥ 0`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_DATASET_BETS) throw new DatasetOptionsError(`${total} bets: a dataset holds at most ${MAX_DATASET_BETS}`);
  if (!(EOL_MODES as readonly string[]).includes(eol)) throw new DatasetOptionsError(`eol "${eol}" is not one of ${EOL_MODES.join(', ')}`);
  if (!(winRate >= 0 && winRate <= 1)) throw new DatasetOptionsError(`win rate ${winRate} is not between 0 and 1`);
  if (!(invalidRate >= 0 && invalidRate <= 1)) throw new DatasetOptionsError(`invalid rate ${invalidRate} is not between 0 and 1`);
}

interface WrittenAgency {
  readonly rows: number;
  readonly winners: string[];
  readonly invalid: InvalidRow[];
}

/** Writes one agency file through a temporary name; returns what it holds. */
async function writeAgency(file: string, bets: Iterable<GeneratedBet>, eol: string, bom: boolean): Promise<WrittenAgency> {
  const written: WrittenAgency = { rows: 0, winners: [], invalid: [] };
  const temp = `${file}.tmp-${process.pid}`;
  const handle = await open(temp, 'w');
  let line = 0;
  try {
    let chunk = bom ? '\uFEFF' : '';
    for (const { row, fields, invalid } of bets) {
      line++;
      if (invalid !== undefined) written.invalid.push({ line, reason: invalid });
      else if (isWinningNumber(fields.number)) written.winners.push(fields.document);
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
  return { ...written, rows: line };
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
  const invalidRate = options.invalidRate ?? 0;
  checkOptions(sizes, eol, winRate, invalidRate);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new DatasetOptionsError(`seed ${seed} is not an integer from 0 to 4294967295`);
  await mkdir(options.dir, { recursive: true });
  await removeStaleAgencyFiles(options.dir, sizes.length);

  const agencies: AgencyManifest[] = [];
  let firstIndex = 0;
  let totalBets = 0;
  for (const [i, count] of sizes.entries()) {
    const agency = i + 1;
    const file = agencyFileName(agency);
    const lineEnd = agencyEol(eol, agency);
    let rows;
    try {
      rows = generateAgencyBets({ seed, agency, firstIndex, count, winRate, invalidRate });
    } catch (err) {
      throw err instanceof GeneratorOptionsError ? new DatasetOptionsError(err.message, { cause: err }) : err;
    }
    const written = await writeAgency(path.join(options.dir, file), rows, lineEnd === 'crlf' ? '\r\n' : '\n', bom);
    const bets = written.rows - written.invalid.length;
    agencies.push({ agency, file, bets, rows: written.rows, eol: lineEnd, winners: written.winners, invalid: written.invalid });
    firstIndex += count;
    totalBets += bets;
  }
  const manifest: DatasetManifest = { seed, eol, bom, winRate, invalidRate, totalBets, agencies };
  await writeFile(path.join(options.dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  return manifest;
}

function isInvalidRow(r: unknown): r is InvalidRow {
  return typeof r === 'object' && r !== null && Number.isInteger((r as InvalidRow).line) && typeof (r as InvalidRow).reason === 'string';
}

function isAgencyManifest(a: unknown): a is AgencyManifest {
  if (typeof a !== 'object' || a === null) return false;
  const r = a as Record<string, unknown>;
  return Number.isInteger(r.agency) && typeof r.file === 'string' && Number.isInteger(r.bets) && Number.isInteger(r.rows) &&
    Array.isArray(r.winners) && r.winners.every((w) => typeof w === 'string') && Array.isArray(r.invalid) && r.invalid.every(isInvalidRow);
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
