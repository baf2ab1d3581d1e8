/**
 * `npm run bench`: prints figures, asserts nothing about time.
 *
 * 1. Throughput: the default dataset (78,697 bets, 5 agencies) stored by the real server from 5
 *    concurrent in-process clients over loopback, through the draw and every winners answer,
 *    against a floor measured in the same run (floor.ts). Median of --runs runs each, alternated.
 * 2. Memory: the draw over --draw-bets stored bets in a server child process (dist/server.js);
 *    prints its peak RSS (VmHWM).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDataset } from '../dataset/dataset.js';
import { Logger, MemorySink } from '../log/logger.js';
import { DEFAULT_SERVER_CONFIG } from '../server/config.js';
import { LotteryServer } from '../server/server.js';
import { startTestClient } from '../testing/test-client.js';
import { tempDir } from '../testing/test-server.js';
import { measureDrawMemory } from './draw-memory.js';
import { runFloor } from './floor.js';
import { fmt, median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'batch-max': { type: 'string', default: '100' },
    window: { type: 'string', default: '4' },
    'draw-bets': { type: 'string', default: '2000000' },
    'skip-draw': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('npm run bench -- [--runs N] [--batch-max K] [--window W] [--draw-bets N] [--skip-draw]');
  process.exit(0);
}
const runs = Number(args.runs);
const batchMax = Number(args['batch-max']);
const window = Number(args.window);

async function runSystem(outDir: string, files: readonly { agency: number; path: string }[], expected: number) {
  const sink = new MemorySink();
  const log = new Logger('INFO', sink);
  const started = performance.now();
  const server = await LotteryServer.start(
    { ...DEFAULT_SERVER_CONFIG, ip: '127.0.0.1', port: 0, agencies: files.length, betsFile: join(outDir, 'bets.csv') },
    log,
  );
  const clients = files.map((f) => startTestClient(server.address.port, f.agency, f.path, { batchMaxAmount: batchMax, batchWindow: window }));
  const outcomes = await Promise.all(clients.map((c) => c.outcome));
  const ms = performance.now() - started;
  await server.shutdown('bench');
  let bets = 0;
  let winners = 0;
  for (const o of outcomes) {
    if (o.kind !== 'finished') throw new Error('a client did not finish');
    bets += o.bets;
    winners += o.winners.length;
  }
  if (bets !== expected) throw new Error(`system stored ${bets} bets, expected ${expected}`);
  return { ms, winners };
}

async function main(): Promise<void> {
  const tmp = tempDir('tp0-bench-');
  try {
    const dataDir = join(tmp.path, 'data');
    const manifest = await generateDataset({ dir: dataDir });
    const files = manifest.agencies.map((a) => ({ agency: a.agency, path: join(dataDir, a.file) }));
    const expectedWinners = manifest.agencies.reduce((n, a) => n + a.winners.length, 0);
    console.log(`dataset: ${manifest.totalBets} bets in ${files.length} agencies, ${expectedWinners} winners (seed ${manifest.seed})`);
    console.log(`system: batch.maxAmount ${batchMax}, window ${window}; ${runs} runs each, alternating\n`);

    const floorMs: number[] = [];
    const systemMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const floorDir = join(tmp.path, `floor-${i}`);
      mkdirSync(floorDir);
      let t = performance.now();
      const floor = await runFloor(files, join(floorDir, 'bets.csv'));
      floorMs.push(performance.now() - t);
      if (floor.bets !== manifest.totalBets || floor.winners !== expectedWinners) throw new Error('floor miscounted');
      rmSync(floorDir, { recursive: true });

      const outDir = join(tmp.path, `system-${i}`);
      t = performance.now();
      const sys = await runSystem(outDir, files, manifest.totalBets);
      systemMs.push(sys.ms);
      if (sys.winners !== expectedWinners) throw new Error(`system found ${sys.winners} winners, expected ${expectedWinners}`);
      rmSync(outDir, { recursive: true });
      console.log(`  run ${i + 1}: floor ${fmt(floorMs[i] as number)} ms, system ${fmt(sys.ms)} ms`);
    }
    const f = median(floorMs);
    const s = median(systemMs);
    console.log('');
    console.log(`floor  (parse + write + one fsync + count winners): median ${fmt(f)} ms, ${fmt(manifest.totalBets / (f / 1000), 0)} bets/s`);
    console.log(`system (5 agencies over loopback, durable batches, draw, winners): median ${fmt(s)} ms, ${fmt(manifest.totalBets / (s / 1000), 0)} bets/s`);
    console.log(`ratio system / floor: ${fmt(s / f, 2)} (target: at most 2.00)`);

    if (!args['skip-draw']) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
      const drawBets = Number(args['draw-bets']);
      const m = await measureDrawMemory(join(tmp.path, 'draw'), drawBets);
      console.log('');
      console.log(`draw over ${fmt(drawBets, 0)} stored bets (${fmt(m.fileBytes / 1e6)} MB bets.csv), server child process dist/server.js:`);
      console.log(`  start-up scan ${fmt(m.startupMs)} ms, draw + answer ${fmt(m.drawMs)} ms, ${m.winners} winners for the agency`);
      console.log(`  peak RSS ${fmt(m.peakRssBytes / 2 ** 20)} MiB (target: under 100 MB = ${fmt(100e6 / 2 ** 20)} MiB)`);
    }
  } finally {
    tmp.remove();
  }
}

await main();
