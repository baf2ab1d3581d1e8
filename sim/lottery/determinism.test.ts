/**
 * A simulated run is a pure function of its seed: the same seed gives the same trace hash twice in
 * one process and in two other processes (`npm run sim -- --seed N` prints it), and another
 * seed gives another.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runLottery, specFromSeed } from './lottery-run.js';

const run = promisify(execFile);

async function hashFromCli(seed: number): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--seed', String(seed), '--no-shrink'], { cwd: process.cwd() });
  const line = stdout.split('\n').find((l) => l.startsWith('trace hash: '));
  if (!line) throw new Error(`no "trace hash:" line in:\n${stdout}`);
  return line.slice('trace hash: '.length).trim();
}

describe('determinism', () => {
  it('the same seed gives the same trace hash twice in one process; other seeds give others', async () => {
    const first = await runLottery(specFromSeed(7));
    const again = await runLottery(specFromSeed(7));
    expect(again.traceHash).toBe(first.traceHash);
    expect(again.events).toBe(first.events);
    expect(again.timeline.entries.map((e) => `${e.at} ${e.source} ${e.text}`)).toEqual(first.timeline.entries.map((e) => `${e.at} ${e.source} ${e.text}`));
    const others = await Promise.all([8, 9].map(async (s) => (await runLottery(specFromSeed(s))).traceHash));
    expect(new Set([first.traceHash, ...others]).size).toBe(3);
  });

  it('and the same across processes: `npm run sim -- --seed 7` prints it, twice the same', async () => {
    const inProcess = (await runLottery(specFromSeed(7))).traceHash;
    const [a, b] = await Promise.all([hashFromCli(7), hashFromCli(7)]);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
    expect(a).toBe(inProcess);
  });
});
