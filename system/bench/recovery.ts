/**
 * `npm run bench:recovery`: time to recover from a server SIGKILL, against a cold start measured
 * in the same run. Prints figures; asserts nothing about time, but fails (exit code 1) if any run
 * is incorrect (a client fails, a bet is lost or stored twice, an acknowledged batch is gone).
 *
 * Real child processes on 127.0.0.1: the server and one client per agency (dist/*.js, or the
 * TypeScript through tsx with --tsx), the clients with a short retry backoff cap (--loop-period).
 * - baseline: every client is already retrying; spawn the server on an empty bets.csv; time
 *   spawn → the first batch acknowledged to a client.
 * - recovery: the same agencies mid-run; SIGKILL the server once it has stored --kill-at of the
 *   batches, spawn it again on the same bets.csv and port; time respawn → the next batch
 *   acknowledged to a client.
 * Both runs go on to the end (draw and winners) and are checked. Parts: see recovery-run.ts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SIZES, generateDataset } from '../../testbed/dataset/dataset.js';
import { tempDir } from '../testing/test-server.js';
import { readDocuments, type AgencyData } from './recovery-check.js';
import { type RecoverySample, runBaseline, runRecovery, type Timings } from './recovery-run.js';
import { fmt, maxOf, median, minOf } from '../../testbed/stats/stats.js';
import { ProcessPool } from './timed-child.js';

const USAGE = `npm run bench:recovery -- [--runs N] [--warmup N] [--sizes a,b,c] [--kill-at F] [--loop-period D] [--loop-amount N] [--down-ms N] [--tsx]
  --runs N          measured runs (default 5), after --warmup runs (default 1)
  --sizes a,b,c     bets per agency (default ${DEFAULT_SIZES.join(',')}, the default dataset)
  --kill-at F       SIGKILL the server once it has stored this share of the batches (default 0.3)
  --loop-period D   the clients' CLI_LOOP_PERIOD, the cap of their retry backoff (default 100ms; the client's own default is 2s)
  --loop-amount N   the clients' CLI_LOOP_AMOUNT (default 300)
  --down-ms N       wait N ms between the SIGKILL'd server's exit and the respawn (default 0)
  --tsx             run system/*/main.ts through tsx instead of the bundled dist/*.js`;

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    sizes: { type: 'string', default: DEFAULT_SIZES.join(',') },
    'kill-at': { type: 'string', default: '0.3' },
    'loop-period': { type: 'string', default: '100ms' },
    'loop-amount': { type: 'string', default: '300' },
    'down-ms': { type: 'string', default: '0' },
    tsx: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(args.runs);
const warmup = Number(args.warmup);
const killAt = Number(args['kill-at']);
const sizes = args.sizes.split(',').map(Number);
const downMs = Number(args['down-ms']);
if (!(runs >= 1) || !(warmup >= 0) || !(downMs >= 0) || !(killAt > 0 && killAt < 1) || sizes.some((n) => !(n >= 1))) {
  console.error(USAGE);
  process.exit(2);
}
const BATCH_MAX = 100; // the client's default batch.maxAmount, which the children use

interface Row {
  readonly label: string;
  readonly values: readonly number[];
  readonly unit: 'ms' | 'B' | 'bets' | 'batches';
  readonly base?: readonly number[];
}

function table(rows: readonly Row[]): string {
  const head = ['measure', 'median', 'min', 'max', 'recovery / baseline'];
  const body = rows.map((r) => {
    const f = (n: number) => `${fmt(n, r.unit === 'ms' ? 1 : 0)}${r.unit === 'ms' ? ' ms' : ` ${r.unit}`}`;
    const m = median(r.values);
    const ratio = r.base ? fmt(m / median(r.base), 2) : '';
    return [r.label, f(m), f(minOf(r.values) ?? NaN), f(maxOf(r.values) ?? NaN), ratio];
  });
  const widths = head.map((h, i) => maxOf([h.length, ...body.map((b) => (b[i] as string).length)]) ?? 0);
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function describe(t: Timings): string {
  return `${fmt(t.total)} ms (listen ${fmt(t.listening)} + reconnect ${fmt(t.reconnect)} + ack ${fmt(t.ack)}; all agencies ${fmt(t.allAcked)})`;
}

async function main(): Promise<void> {
  const tmp = tempDir('tp0-bench-recovery-');
  const pool = new ProcessPool(!args.tsx, tmp.path);
  const onSignal = (signal: NodeJS.Signals) => {
    pool.killAllNow();
    tmp.remove();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!args.tsx) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    const dataDir = join(tmp.path, 'data');
    const manifest = await generateDataset({ dir: dataDir, sizes });
    const agencies: AgencyData[] = manifest.agencies.map((a) => {
      const path = join(dataDir, a.file);
      return { agency: a.agency, path, documents: readDocuments(path), winners: a.winners.length };
    });
    const batches = manifest.agencies.reduce((n, a) => n + Math.ceil(a.bets / BATCH_MAX), 0);
    const killAfterBatches = Math.max(1, Math.round(batches * killAt));
    const client = { loopPeriod: args['loop-period'], loopAmount: Number(args['loop-amount']) };
    console.log(`dataset: ${manifest.totalBets} bets in ${agencies.length} agencies (${batches} batches of up to ${BATCH_MAX}), seed ${manifest.seed}`);
    console.log(`processes: ${args.tsx ? 'system/*/main.ts through tsx' : 'dist/server.js, dist/client.js'}, one client per agency, 127.0.0.1`);
    console.log(`clients: CLI_LOOP_PERIOD=${client.loopPeriod} (backoff 100 ms doubling, capped there, jittered to 50–100 %), CLI_LOOP_AMOUNT=${client.loopAmount}`);
    console.log(`recovery: SIGKILL once the server has logged ${killAfterBatches} stored batches (${fmt(killAt * 100, 0)} %), respawn ${downMs} ms after its exit`);
    console.log(`${warmup} warm-up run(s), then ${runs} measured; each run = a baseline, then a recovery\n`);

    const base: Timings[] = [];
    const rec: RecoverySample[] = [];
    for (let i = -warmup; i < runs; i++) {
      const setup = { pool, agencies, client, killAfterBatches, downMs, timeoutMs: 60_000 };
      const started = performance.now();
      const b = await runBaseline({ ...setup, dir: join(tmp.path, `baseline-${i + warmup}`) });
      const r = await runRecovery({ ...setup, dir: join(tmp.path, `recovery-${i + warmup}`) });
      const took = (performance.now() - started) / 1000;
      console.log(`  ${i < 0 ? `warm-up ${i + warmup + 1}` : `run ${i + 1}`} (${fmt(took)} s, both correct):`);
      console.log(`    baseline ${describe(b)}`);
      console.log(`    recovery ${describe(r)}; killed at ${r.storedBatchesAtKill} stored batches, repair cut ${r.repairedBytes} B, ${r.storedAtRestart} bets at restart`);
      if (i >= 0) {
        base.push(b);
        rec.push(r);
      }
    }

    const pick = (xs: readonly Timings[], k: keyof Timings) => xs.map((x) => x[k]);
    console.log('');
    console.log(table([
      { label: 'baseline: spawn → first ack', values: pick(base, 'total'), unit: 'ms' },
      { label: '  spawn → listening', values: pick(base, 'listening'), unit: 'ms' },
      { label: '  listening → first agencia_conectada', values: pick(base, 'reconnect'), unit: 'ms' },
      { label: '  agencia_conectada → first ack', values: pick(base, 'ack'), unit: 'ms' },
      { label: '    (→ first batch stored, server side)', values: pick(base, 'stored'), unit: 'ms' },
      { label: '  spawn → every agency acked', values: pick(base, 'allAcked'), unit: 'ms' },
      { label: 'recovery: respawn → first ack', values: pick(rec, 'total'), unit: 'ms', base: pick(base, 'total') },
      { label: '  respawn → listening', values: pick(rec, 'listening'), unit: 'ms', base: pick(base, 'listening') },
      { label: '  listening → first reconnect', values: pick(rec, 'reconnect'), unit: 'ms', base: pick(base, 'reconnect') },
      { label: '  reconnect → first ack', values: pick(rec, 'ack'), unit: 'ms', base: pick(base, 'ack') },
      { label: '    (→ first batch stored, server side)', values: pick(rec, 'stored'), unit: 'ms', base: pick(base, 'stored') },
      { label: '  respawn → every agency acked', values: pick(rec, 'allAcked'), unit: 'ms', base: pick(base, 'allAcked') },
      { label: 'stored batches when killed', values: rec.map((r) => r.storedBatchesAtKill), unit: 'batches' },
      { label: 'bytes cut by the start-up repair', values: rec.map((r) => r.repairedBytes), unit: 'B' },
      { label: 'bets stored at restart', values: rec.map((r) => r.storedAtRestart), unit: 'bets' },
    ]));
    console.log('(ack: a client logged `apuestas_enviadas | result: success`, i.e. read the acknowledgement; every run checked:');
    console.log(' clients exit 0 with all their bets and winners, one draw, each bet stored exactly once, no acknowledged batch lost)');
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await pool.killAll();
    tmp.remove();
  }
}

try {
  await main();
} catch (err) {
  console.error(`bench:recovery failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
