/**
 * The in-process floor (floor.ts) over a folder of agency-N.csv, as a command, for benches that
 * may not import the system (`npm run bench:docker` runs it as a child process):
 *
 *   tsx system/bench/floor-cli.ts --data DIR [--runs 3] [--warmup 1]
 *
 * Prints one JSON object: every measured run's milliseconds, their median, bets and winners.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../../testbed/stats/stats.js';
import { runFloor } from './floor.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, runs: { type: 'string', default: '3' }, warmup: { type: 'string', default: '1' } } });
if (values.data === undefined) {
  process.stderr.write('usage: tsx system/bench/floor-cli.ts --data DIR [--runs N] [--warmup N]\n');
  process.exit(2);
}
const data = values.data;
const files = readdirSync(data)
  .map((name) => /^agency-(\d+)\.csv$/.exec(name))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ agency: Number(m[1]), path: join(data, m[0]) }))
  .sort((a, b) => a.agency - b.agency);
const out = mkdtempSync(join(tmpdir(), 'tp0-floor-'));
try {
  const runsMs: number[] = [];
  let result = { bets: 0, winners: 0 };
  for (let i = -Number(values.warmup); i < Number(values.runs); i++) {
    const t = performance.now();
    result = await runFloor(files, join(out, 'bets.csv'));
    if (i >= 0) runsMs.push(performance.now() - t);
    rmSync(join(out, 'bets.csv'));
  }
  process.stdout.write(`${JSON.stringify({ runsMs, medianMs: median(runsMs), ...result })}\n`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
