import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { betProblem, isWinningNumber } from './bet-rules.js';
import { readCsvFile } from './csv.js';
import {
  agencyEol,
  DEFAULT_SIZES,
  DatasetOptionsError,
  generateDataset,
  ManifestError,
  readManifest,
  type DatasetManifest,
  type DatasetOptions,
} from './dataset.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dataset-test-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface FileSummary {
  readonly agency: number;
  readonly file: string;
  bets: number;
  readonly winners: string[];
  /** Lines of the rows that csv-parse and the rules of a valid bet refuse. */
  readonly invalidLines: number[];
  readonly documents: string[];
}

/** What each agency file of `dir` holds, read with csv-parse and judged by the testbed's rules. */
async function summarize(dir: string, manifest: DatasetManifest): Promise<FileSummary[]> {
  const out: FileSummary[] = [];
  for (const a of manifest.agencies) {
    const s: FileSummary = { agency: a.agency, file: a.file, bets: 0, winners: [], invalidLines: [], documents: [] };
    await readCsvFile(path.join(dir, a.file), (r) => {
      if (r.kind !== 'row') throw new Error(`${a.file}:${r.line}: ${r.reason}`);
      if (betProblem(r.fields) !== undefined) s.invalidLines.push(r.row);
      else {
        s.bets++;
        s.documents.push(r.fields[2] as string);
        if (isWinningNumber(r.fields[4] as string)) s.winners.push(r.fields[2] as string);
      }
    });
    out.push(s);
  }
  return out;
}

async function generate(options: Omit<DatasetOptions, 'dir'>): Promise<{ dir: string; files: Map<string, Buffer> }> {
  const dir = await tempDir();
  await generateDataset({ dir, ...options });
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(path.join(dir, name)));
  return { dir, files };
}

const SMALL = [700, 0, 1300, 45];

describe('generateDataset: the default set', () => {
  let dir = '';
  let files = new Map<string, Buffer>();
  let manifest: DatasetManifest;
  beforeAll(async () => {
    ({ dir, files } = await generate({}));
    manifest = await readManifest(dir);
  });

  it('has the default sizes, 78,697 bets in 5 files and a manifest', () => {
    expect(DEFAULT_SIZES).toEqual([26936, 25518, 16014, 9238, 991]);
    expect([...files.keys()]).toEqual(['agency-1.csv', 'agency-2.csv', 'agency-3.csv', 'agency-4.csv', 'agency-5.csv', 'manifest.json']);
    expect(manifest.totalBets).toBe(78_697);
    expect(manifest.agencies.map((a) => a.bets)).toEqual([...DEFAULT_SIZES]);
    expect(manifest.agencies.map((a) => a.rows)).toEqual([...DEFAULT_SIZES]);
    expect(manifest.agencies.map((a) => a.invalid)).toEqual(DEFAULT_SIZES.map(() => []));
    expect(manifest.agencies.map((a) => a.file)).toEqual(['agency-1.csv', 'agency-2.csv', 'agency-3.csv', 'agency-4.csv', 'agency-5.csv']);
    expect(manifest.eol).toBe('mixed');
  });

  it('has at least one winner in every agency', () => {
    for (const a of manifest.agencies) expect(a.winners.length, a.file).toBeGreaterThan(0);
  });

  it("manifest winners are exactly what csv-parse and the testbed's rules find in the files, and every row is valid", async () => {
    const found = await summarize(dir, manifest);
    expect(found.map((f) => ({ agency: f.agency, file: f.file, bets: f.bets, winners: f.winners }))).toEqual(
      manifest.agencies.map((a) => ({ agency: a.agency, file: a.file, bets: a.bets, winners: a.winners })),
    );
    expect(found.flatMap((f) => f.invalidLines)).toEqual([]);
  });

  it('alternates CRLF and LF by agency', () => {
    for (const a of manifest.agencies) {
      const text = files.get(a.file)?.toString('utf8') ?? '';
      const lf = (text.match(/\n/g) ?? []).length;
      const crlf = (text.match(/\r\n/g) ?? []).length;
      expect(lf, a.file).toBe(a.bets);
      expect(crlf, a.file).toBe(a.agency % 2 === 1 ? a.bets : 0);
      expect(a.eol).toBe(a.agency % 2 === 1 ? 'crlf' : 'lf');
    }
  });

  it('has documents unique across the whole dataset, some with leading zeros', async () => {
    const docs = (await summarize(dir, manifest)).flatMap((f) => f.documents);
    expect(docs).toHaveLength(78_697);
    expect(new Set(docs).size).toBe(78_697);
    expect(docs.filter((d) => d.startsWith('0')).length).toBeGreaterThan(5_000);
    expect(docs.every((d) => /^\d{8}$/.test(d))).toBe(true);
  });

  it('has quoted fields and accented names in the files', () => {
    const text = files.get('agency-1.csv')?.toString('utf8') ?? '';
    expect(text).toMatch(/"[^",\r\n]*, [^"]*"/); // a quoted field holding a comma
    expect(text).toContain('""'); // a doubled quote
    expect(text).toMatch(/^"[A-Za-zÀ-ÿ ]+",/m); // a first name quoted without need
    for (const name of ['José', 'Núñez', 'Müller', 'Peña', 'Zoë']) expect(text).toContain(name);
  });
});

describe('generateDataset: options', () => {
  it('same seed gives byte-identical files, a different seed different ones', async () => {
    const a = await generate({ seed: 99, sizes: SMALL });
    const b = await generate({ seed: 99, sizes: SMALL });
    const c = await generate({ seed: 100, sizes: SMALL });
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [name, bytes] of a.files) expect(bytes.equals(b.files.get(name) ?? Buffer.alloc(0)), name).toBe(true);
    for (const name of ['agency-1.csv', 'agency-3.csv', 'agency-4.csv']) {
      expect(a.files.get(name)?.equals(c.files.get(name) ?? Buffer.alloc(0)), name).toBe(false);
    }
    expect(a.files.get('agency-2.csv')?.length).toBe(0);
  });

  it('writes LF only or CRLF only when asked', async () => {
    const lf = await generate({ sizes: SMALL, eol: 'lf' });
    const crlf = await generate({ sizes: SMALL, eol: 'crlf' });
    for (const name of ['agency-1.csv', 'agency-3.csv', 'agency-4.csv']) {
      expect(lf.files.get(name)?.includes('\r')).toBe(false);
      const text = crlf.files.get(name)?.toString('utf8') ?? '';
      expect(text.split('\r\n').length - 1).toBe((text.match(/\n/g) ?? []).length);
      expect(text.endsWith('\r\n')).toBe(true);
      // Same rows whatever the line ends.
      expect(text.replace(/\r\n/g, '\n')).toBe(lf.files.get(name)?.toString('utf8'));
    }
    expect(agencyEol('mixed', 1)).toBe('crlf');
    expect(agencyEol('mixed', 2)).toBe('lf');
    expect(agencyEol('lf', 1)).toBe('lf');
  });

  it('starts every file with a BOM when asked, and the files still read the same', async () => {
    const plain = await generate({ sizes: SMALL });
    const bom = await generate({ sizes: SMALL, bom: true });
    for (const name of ['agency-1.csv', 'agency-4.csv']) {
      const bytes = bom.files.get(name) ?? Buffer.alloc(0);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.subarray(3).equals(plain.files.get(name) ?? Buffer.alloc(1))).toBe(true);
    }
    expect(bom.files.get('agency-2.csv')).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect((await summarize(bom.dir, await readManifest(bom.dir))).map((f) => [f.bets, f.invalidLines.length])).toEqual(SMALL.map((n) => [n, 0]));
    expect((await readManifest(bom.dir)).bom).toBe(true);
  });

  it('honours the win rate', async () => {
    const all = await generate({ sizes: [30, 20], winRate: 1 });
    const m = await readManifest(all.dir);
    expect(m.agencies.map((a) => a.winners.length)).toEqual([30, 20]);
    const none = await generate({ sizes: [3000], winRate: 0 });
    expect((await readManifest(none.dir)).agencies[0]?.winners).toEqual([]);
    expect((await summarize(none.dir, await readManifest(none.dir)))[0]?.winners).toEqual([]);
  });

  it('writes no agency file for zero agencies, and removes agency files left from a bigger set', async () => {
    const dir = await tempDir();
    await generateDataset({ dir, sizes: [5, 5, 5] });
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await generateDataset({ dir, sizes: [5] });
    expect((await readdir(dir)).sort()).toEqual(['agency-1.csv', 'manifest.json', 'notes.txt']);
    await generateDataset({ dir, sizes: [] });
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'notes.txt']);
    expect((await readManifest(dir)).totalBets).toBe(0);
  });

  it('refuses bad options with DatasetOptionsError before writing anything', async () => {
    const dir = await tempDir();
    const bad: Omit<DatasetOptions, 'dir'>[] = [{ sizes: [-1] }, { sizes: [1.5] }, { sizes: [60_000_000, 40_000_001] }, { seed: -1 }, { winRate: 1.5 }, { invalidRate: 2 }, { eol: 'cr' as 'lf' }];
    for (const options of bad) await expect(generateDataset({ dir, ...options }), JSON.stringify(options)).rejects.toThrow(DatasetOptionsError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('readManifest', () => {
  it('reads back what generateDataset returned', async () => {
    const dir = await tempDir();
    const written = await generateDataset({ dir, seed: 3, sizes: [10, 20], eol: 'crlf', winRate: 0.1 });
    expect(await readManifest(dir)).toEqual(written);
    expect(written).toMatchObject({ seed: 3, eol: 'crlf', bom: false, winRate: 0.1, invalidRate: 0, totalBets: 30 });
  });

  it('throws ManifestError for a missing or broken manifest', async () => {
    const dir = await tempDir();
    await expect(readManifest(dir)).rejects.toThrow(ManifestError);
    await writeFile(path.join(dir, 'manifest.json'), '{ not json');
    await expect(readManifest(dir)).rejects.toThrow(ManifestError);
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ seed: 1, totalBets: 1, agencies: [{ agency: 1 }] }));
    await expect(readManifest(dir)).rejects.toThrow(/not a dataset manifest/);
  });
});

describe('rows made invalid on purpose', () => {
  it('are listed in the manifest with their line and reason, exactly the rows the rules refuse; winners and bets count only valid rows', async () => {
    const { dir } = await generate({ seed: 5, sizes: [3000, 2000], invalidRate: 0.05, winRate: 0.01 });
    const manifest = await readManifest(dir);
    const found = await summarize(dir, manifest);
    for (const [i, a] of manifest.agencies.entries()) {
      const f = found[i] as FileSummary;
      expect(a.invalid.length, a.file).toBeGreaterThan(50);
      expect(a.invalid.map((r) => r.line), a.file).toEqual(f.invalidLines);
      expect(a.bets + a.invalid.length).toBe(a.rows);
      expect([a.bets, a.winners], a.file).toEqual([f.bets, f.winners]);
    }
    expect(manifest.totalBets).toBe(found.reduce((n, f) => n + f.bets, 0));
    expect(manifest.invalidRate).toBe(0.05);
  });
});
