/**
 * `npm run bench`: prints figures, asserts nothing about time.
 *
 * 1. Throughput: the default dataset (78,697 bets, 5 agencies) stored by the real server from 5
 *    concurrent in-process clients over loopback, through the draw and every winners answer,
 *    against a floor measured in the same run (floor.ts). Median of --runs runs each, alternated.
 * 2. Logging (logging-bench.ts): the same system run (clients on a worker thread) with the old
 *    hand-written logger and with pino, at INFO and at DEBUG, lines to files; alternated with
 *    the runs above; then the cost of a call at a level that is off.
 * 3. Memory: the draw over --draw-bets stored bets in a server child process (dist/server.js);
 *    prints its peak RSS (VmHWM).
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDataset } from '../../testbed/dataset/dataset.js';
import { Logger, MemorySink } from '../log/logger.js';
import { DEFAULT_SERVER_CONFIG } from '../server/config.js';
import { nodePlatform } from '../platform/node-platform.js';
import { nodeProcessInfo } from '../platform/node-process.js';
import { LotteryServer } from '../server/server.js';
import { startTestClient } from '../testing/test-client.js';
import { tempDir } from '../testing/test-server.js';
import type { ClientWorkerInput, ClientWorkerOutput } from './client-worker.js';
import { measureDrawMemory } from './draw-memory.js';
import { runFloor } from './floor.js';
import { fmt, median } from '../../testbed/stats/stats.js';
import { openBenchLogger } from './bench-loggers.js';
import { countLines, disabledLevelCost, LOG_VARIANTS, logsFor, printLogging, type SystemLogs } from './logging-bench.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'batch-max': { type: 'string', default: '100' },
    window: { type: 'string', default: '16' },
    'draw-bets': { type: 'string', default: '2000000' },
    'skip-draw': { type: 'boolean', default: false },
    'skip-logging': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('npm run bench -- [--runs N] [--warmup N] [--batch-max K] [--window W] [--draw-bets N] [--skip-draw] [--skip-logging]');
  process.exit(0);
}
const runs = Number(args.runs);
const warmup = Number(args.warmup);
const batchMax = Number(args['batch-max']);
const window = Number(args.window);

type ClientMode = 'worker' | 'same-thread';

/** A worker thread with the client code loaded, waiting for its input. */
async function readyWorker(): Promise<Worker> {
  const worker = new Worker(new URL('./client-worker-entry.mjs', import.meta.url));
  await once(worker, 'message');
  return worker;
}

/** The agencies on a worker thread (as separate programs would be) or on the server's own thread. */
async function runClients(worker: Worker | undefined, input: ClientWorkerInput): Promise<ClientWorkerOutput> {
  if (input.log && !worker) throw new Error('the logging comparison runs the clients on the worker');
  if (worker) {
    worker.postMessage(input);
    const [out] = (await once(worker, 'message')) as [ClientWorkerOutput];
    return out;
  }
  const runs = input.files.map((f) => startTestClient(input.port, f.agency, f.path, { batchMaxAmount: input.batchMax, batchWindow: input.window }));
  const outcomes = await Promise.all(runs.map((r) => r.outcome));
  let bets = 0;
  let winners = 0;
  for (const o of outcomes) {
    if (o.kind !== 'finished') throw new Error('a client did not finish');
    bets += o.bets;
    winners += o.winners.length;
  }
  return { bets, winners, failures: [] };
}

/** Time from starting the server (opening storage) to the last winners answer. */
async function runSystem(worker: Worker | undefined, outDir: string, files: readonly { agency: number; path: string }[], expected: number, logs?: SystemLogs) {
  {
    const serverLog = logs ? openBenchLogger(logs.server) : undefined;
    const log = serverLog?.log ?? new Logger('INFO', new MemorySink());
    const started = performance.now();
    const server = await LotteryServer.start(
      { ...DEFAULT_SERVER_CONFIG, ip: '127.0.0.1', port: 0, agencies: files.length, betsFile: join(outDir, 'bets.csv') },
      log,
      nodePlatform,
      nodeProcessInfo,
    );
    const out = await runClients(worker, { port: server.address.port, files, batchMax, window, ...(logs ? { log: logs.clients } : {}) });
    const ms = performance.now() - started;
    await server.shutdown('bench');
    serverLog?.close();
    if (out.failures.length > 0) throw new Error(`clients failed: ${out.failures.join('; ')}`);
    if (out.bets !== expected) throw new Error(`system stored ${out.bets} bets, expected ${expected}`);
    return { ms, winners: out.winners };
  }
}

async function main(): Promise<void> {
  const tmp = tempDir('tp0-bench-');
  try {
    const dataDir = join(tmp.path, 'data');
    const manifest = await generateDataset({ dir: dataDir });
    const files = manifest.agencies.map((a) => ({ agency: a.agency, path: join(dataDir, a.file) }));
    const expectedWinners = manifest.agencies.reduce((n, a) => n + a.winners.length, 0);
    console.log(`dataset: ${manifest.totalBets} bets in ${files.length} agencies, ${expectedWinners} winners (seed ${manifest.seed})`);
    console.log(`system: batch.maxAmount ${batchMax}, window ${window}; ${warmup} warm-up runs, then ${runs} measured runs, alternating\n`);

    // One worker for every run, like the one thread of the other mode: both warm up alike.
    const worker = await readyWorker();
    const floorMs: number[] = [];
    const timings: Record<ClientMode, number[]> = { worker: [], 'same-thread': [] };
    const logTimings: Record<string, number[]> = {};
    const logLines: Record<string, number> = {};
    const variants = args['skip-logging'] ? [] : LOG_VARIANTS;
    for (let i = -warmup; i < runs; i++) {
      const floorDir = join(tmp.path, `floor-${i}`);
      mkdirSync(floorDir);
      const t = performance.now();
      const floor = await runFloor(files, join(floorDir, 'bets.csv'));
      const fMs = performance.now() - t;
      if (i >= 0) floorMs.push(fMs);
      if (floor.bets !== manifest.totalBets || floor.winners !== expectedWinners) throw new Error('floor miscounted');
      rmSync(floorDir, { recursive: true });

      const line = [`  ${i < 0 ? `warm-up ${i + warmup + 1}` : `run ${i + 1}`}: floor ${fmt(fMs)} ms`];
      for (const mode of ['worker', 'same-thread'] as const) {
        const outDir = join(tmp.path, `system-${mode}-${i}`);
        const sys = await runSystem(mode === 'worker' ? worker : undefined, outDir, files, manifest.totalBets);
        if (sys.winners !== expectedWinners) throw new Error(`system found ${sys.winners} winners, expected ${expectedWinners}`);
        rmSync(outDir, { recursive: true });
        if (i >= 0) timings[mode].push(sys.ms);
        line.push(`system (${mode}) ${fmt(sys.ms)} ms`);
      }
      // Alternate the order, so that neither logger always runs first.
      for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
        const outDir = join(tmp.path, `log-${v.name.replace(' ', '-')}-${i}`);
        mkdirSync(outDir);
        const logs = logsFor(v, tmp.path);
        const sys = await runSystem(worker, outDir, files, manifest.totalBets, logs);
        if (sys.winners !== expectedWinners) throw new Error(`system (${v.name}) found ${sys.winners} winners, expected ${expectedWinners}`);
        rmSync(outDir, { recursive: true });
        logLines[v.name] = countLines(logs);
        if (i >= 0) (logTimings[v.name] ??= []).push(sys.ms);
        line.push(`${v.name} ${fmt(sys.ms)} ms`);
      }
      console.log(line.join(', '));
    }
    await worker.terminate();
    const f = median(floorMs);
    const rate = (ms: number) => fmt(manifest.totalBets / (ms / 1000), 0);
    console.log('');
    console.log(`floor (one process: parse the files, write bets.csv, one fsync, count winners): median ${fmt(f)} ms, ${rate(f)} bets/s`);
    for (const mode of ['worker', 'same-thread'] as const) {
      const s = median(timings[mode]);
      const where = mode === 'worker' ? 'clients on a worker thread, server on the main thread' : 'clients and server on one thread';
      console.log(`system, ${where}: median ${fmt(s)} ms, ${rate(s)} bets/s, ratio to floor ${fmt(s / f, 2)}`);
    }
    console.log('(system: 5 agencies over loopback, every batch fsync\'d before its acknowledgement, the draw, every winners answer; target ratio: at most 2.00)');
    if (variants.length > 0) {
      printLogging(logTimings, logLines, f, manifest.totalBets);
      const calls = 2_000_000;
      const cost = disabledLevelCost(tmp.path, calls, runs);
      console.log(
        `  a level that is off: log.debug(…) at INFO, ${fmt(calls, 0)} calls, median of ${runs}: before ${fmt(cost.before, 1)} ns/call, after ${fmt(cost.after, 1)} ns/call, ` +
          `an empty function ${fmt(cost['empty function'], 1)} ns/call; 0 bytes written`,
      );
    }

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
