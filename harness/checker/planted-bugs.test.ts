/**
 * The judge is independent, shown: a copy of the built server or client bundle gets a bug planted
 * in one concern the system and a careless judge could share (validation, the CSV reader, the
 * stored row), the copy runs for real (child processes over loopback), and the checker, which
 * reads the files with csv-parse and knows valid rows from the dataset's manifest, goes red and
 * names the rows. The planting happens here, on the copy: the product has no switch for it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRow } from '../../testbed/dataset/csv.js';
import { type BetRowFields, Datasets, type PreparedDataset, validBets } from '../datasets/datasets.js';
import { buildBundles, type BundleRunResult, runBundles } from '../testing/bundle-run.js';
import { describeCheck } from './set-checker.js';

let dir = '';
let built: { server: string; client: string };
let dataset: PreparedDataset;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp0-planted-'));
  built = await buildBundles(join(dir, 'built'));
  dataset = await Datasets.generated({ sizes: [500, 400, 300], seed: 20261201 }).prepare();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of a bundle with `from` replaced by `to` once; the spot must be there (else the plant is stale). */
function plant(bundle: string, name: string, from: string, to: string): string {
  const text = readFileSync(bundle, 'utf8');
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1) throw new Error(`the plant site of "${name}" is not exactly once in ${bundle}: ${from}`);
  const file = join(dir, `${name}.js`);
  writeFileSync(file, text.slice(0, at) + to + text.slice(at + from.length));
  return file;
}

async function run(name: string, bundles: { server: string; client: string }): Promise<BundleRunResult> {
  const result = await runBundles({ ...bundles, dataset, workDir: join(dir, name) });
  console.log(`planted bug "${name}": server exit ${result.serverExitCode}, clients ${result.clientExitCodes.join(' ')}\n${describeCheck(result.check)}`);
  return result;
}

/** Every valid bet of the dataset, as the checker names it (`agency,first,last,document,birthdate,number`). */
async function rowsWhere(keep: (fields: BetRowFields) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const a of dataset.agencies) for (const f of await validBets(dataset, a.agency)) if (keep(f)) out.push(formatRow([String(a.agency), ...f.slice(0, 4), String(Number(f[4]))]));
  return out;
}

const setOf = (r: BundleRunResult, name: string) => r.check.sets.find((s) => s.name === name);

describe('the checker against planted bugs in copies of the built bundles', () => {
  it('is green on the bundles as built (the same harness, no bug)', async () => {
    const r = await run('none', built);
    expect(r.clientExitCodes).toEqual([0, 0, 0]);
    expect(r.check.valid, describeCheck(r.check)).toBe(true);
    expect(r.check.stored).toBe(1200);
  });

  it('validation drops a valid row with an accented name (ë): red, the rows named as missing', async () => {
    // The client checks a row on its bytes and, when they say no, on its text: the bug goes in both.
    const onText = plant(built.client, 'validation-drops-e-diaeresis-text', 'if (c <= 159 && (c <= 31 || c >= 127)) control = true;', 'if (c === 235 || (c <= 159 && (c <= 31 || c >= 127))) control = true;');
    const client = plant(onText, 'validation-drops-e-diaeresis', 'if (cp <= 31 || cp >= 127 && cp <= 159) return false;', 'if (cp === 235 || cp <= 31 || cp >= 127 && cp <= 159) return false;');
    const r = await run('validation', { server: built.server, client });
    const dropped = await rowsWhere((f) => /ë/.test(`${f[0]}${f[1]}`));
    expect(dropped.length).toBeGreaterThan(5);
    expect(r.check.valid).toBe(false);
    expect(setOf(r, 'missing')?.count).toBe(dropped.length);
    expect(setOf(r, 'missing')?.examples.length).toBe(5);
    for (const e of setOf(r, 'missing')?.examples ?? []) expect(dropped).toContain(e);
  });

  it('the CSV reader splits a quoted comma: red, the rows with a comma in a quoted name named as missing', async () => {
    // The client reads a one-line row on its bytes and any other in CsvParser: the bug goes in both.
    const inParser = plant(
      built.client,
      'csv-splits-quoted-comma-parser',
      'const q = buf.indexOf(QUOTE, i);',
      'const q = ((quote, comma) => (comma !== -1 && comma < quote ? comma : quote))(buf.indexOf(QUOTE, i), buf.indexOf(",", i));',
    );
    const client = plant(inParser, 'csv-splits-quoted-comma', '} else if (c === LF_BYTE) {', '} else if (c === COMMA_BYTE) { i--; break; } else if (c === LF_BYTE) {');
    const r = await run('csv', { server: built.server, client });
    const split = await rowsWhere((f) => f[0].includes(',') || f[1].includes(','));
    expect(split.length).toBeGreaterThan(5);
    expect(r.check.valid).toBe(false);
    expect(setOf(r, 'missing')?.count).toBe(split.length);
    for (const e of setOf(r, 'missing')?.examples ?? []) expect(split).toContain(e);
    expect(setOf(r, 'missing')?.examples.every((e) => /"[^"]*,[^"]*"/.test(e))).toBe(true);
  });

  it("a row's agency written wrong: red, the row unexpected under the wrong agency and missing from its own", async () => {
    // A row whose last name holds a comma (byte 44) is written under the next agency.
    const server = plant(
      built.server,
      'agency-written-wrong',
      'p = copy(out, p, prefix, 0, prefix.length);',
      'const moved = b.subarray(spans[at + 2], spans[at + 3]).includes(44) ? Buffer.from(`${Number(prefix.toString("latin1").slice(0, -1)) + 1},`) : prefix; p = copy(out, p, moved, 0, moved.length);',
    );
    const r = await run('agency', { server, client: built.client });
    const moved = await rowsWhere((f) => f[1].includes(','));
    expect(moved.length).toBeGreaterThan(5);
    expect(r.check.valid).toBe(false);
    expect(setOf(r, 'missing')?.count).toBe(moved.length);
    expect(setOf(r, 'unexpected')?.count).toBe(moved.length);
    const underNext = moved.map((row) => row.replace(/^(\d+),/, (_, a: string) => `${Number(a) + 1},`));
    for (const e of setOf(r, 'unexpected')?.examples ?? []) expect(underNext).toContain(e);
    for (const e of setOf(r, 'missing')?.examples ?? []) expect(moved).toContain(e);
  });
});

