import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, parseCli, UsageError } from './cli.js';
import { DEFAULT_SEED } from './dataset.js';

describe('parseCli', () => {
  it('needs --out and fills in defaults', () => {
    expect(parseCli(['--out', 'd'])).toEqual({ kind: 'generate', json: false, options: { dir: 'd', seed: DEFAULT_SEED, eol: 'mixed', bom: false } });
    expect(() => parseCli([])).toThrow(/--out/);
  });

  it('reads every option', () => {
    const cmd = parseCli(['--out', 'd', '--seed', '42', '--sizes', '3,0,5', '--eol', 'crlf', '--bom', '--win-rate', '0.25', '--json']);
    expect(cmd).toEqual({ kind: 'generate', json: true, options: { dir: 'd', seed: 42, sizes: [3, 0, 5], eol: 'crlf', bom: true, winRate: 0.25 } });
  });

  it('turns --agencies N --bets M into N equal sizes', () => {
    const cmd = parseCli(['--out', 'd', '--agencies', '3', '--bets', '1000']);
    expect(cmd.kind === 'generate' && cmd.options.sizes).toEqual([1000, 1000, 1000]);
  });

  it('prefers --help over everything', () => {
    expect(parseCli(['--help'])).toEqual({ kind: 'help' });
    expect(parseCli(['-h', '--eol', 'nope'])).toEqual({ kind: 'help' });
  });

  it('refuses wrong usage with UsageError', () => {
    const bad = [
      ['--out', 'd', '--seed', '-1'],
      ['--out', 'd', '--seed', '4294967296'],
      ['--out', 'd', '--seed', 'abc'],
      ['--out', 'd', '--sizes', '1,x'],
      ['--out', 'd', '--sizes', '1,,2'],
      ['--out', 'd', '--sizes', '5', '--agencies', '2', '--bets', '3'],
      ['--out', 'd', '--agencies', '2'],
      ['--out', 'd', '--eol', 'cr'],
      ['--out', 'd', '--win-rate', '2'],
      ['--out', 'd', '--win-rate', ''],
      ['--out', 'd', '--unknown'],
      ['--out', 'd', 'positional'],
    ];
    for (const args of bad) expect(() => parseCli(args), args.join(' ')).toThrow(UsageError);
  });
});

describe('main', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  function captureOutput(): { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => out.push(String(s)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => err.push(String(s)) > 0);
    return { out, err };
  }

  it('writes the files and prints a summary with winners per agency', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dataset-cli-'));
    dirs.push(dir);
    const io = captureOutput();
    expect(await main(['--out', dir, '--sizes', '40,20', '--win-rate', '1'])).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['agency-1.csv', 'agency-2.csv', 'manifest.json']);
    const text = io.out.join('');
    expect(text).toContain('2 agencies, 60 bets');
    expect(text).toMatch(/^\s+1\s+agency-1\.csv\s+40\s+crlf\s+40\s+0$/m);
    expect(text).toMatch(/^\s+2\s+agency-2\.csv\s+20\s+lf\s+20\s+0$/m);
    expect(text).toContain('total winners: 60');
  });

  it('makes rows invalid on purpose with --invalid-rate, and counts them per agency', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dataset-cli-'));
    dirs.push(dir);
    const io = captureOutput();
    expect(await main(['--out', dir, '--sizes', '200', '--invalid-rate', '1', '--json'])).toBe(0);
    const manifest = JSON.parse(io.out.join(''));
    expect(manifest).toMatchObject({ totalBets: 0, invalidRate: 1, agencies: [{ agency: 1, bets: 0, rows: 200 }] });
    expect(manifest.agencies[0].invalid).toHaveLength(200);
    expect(manifest.agencies[0].invalid[0]).toEqual({ line: 1, reason: expect.any(String) });
    expect(await main(['--out', dir, '--invalid-rate', '2'])).toBe(2);
    expect(io.err.join('')).toMatch(/--invalid-rate 2 is not a number from 0 to 1/);
  });

  it('prints the manifest as JSON with --json', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dataset-cli-'));
    dirs.push(dir);
    const io = captureOutput();
    expect(await main(['--out', dir, '--sizes', '3', '--json'])).toBe(0);
    expect(JSON.parse(io.out.join(''))).toMatchObject({ totalBets: 3, agencies: [{ agency: 1, bets: 3 }] });
  });

  it('prints usage and exits 0 for --help, 2 for wrong usage', async () => {
    const io = captureOutput();
    expect(await main(['--help'])).toBe(0);
    expect(io.out.join('')).toMatch(/^Usage: npm run dataset/);
    expect(await main(['--eol', 'lf'])).toBe(2);
    expect(io.err.join('')).toMatch(/--out DIR is required/);
  });
});
