/**
 * Benchmark helper: the agency clients on a worker thread of the same process, so that they
 * run beside the server (on the main thread) as separate programs would, not inside its loop.
 */
import { parentPort } from 'node:worker_threads';
import { startTestClient } from '../testing/test-client.js';
import { type LogSetup, openBenchLogger } from './bench-loggers.js';

export interface ClientWorkerInput {
  readonly port: number;
  readonly files: readonly { readonly agency: number; readonly path: string }[];
  readonly batchMax: number;
  readonly window: number;
  /** The clients' logger (the benchmark's logging comparison); none: the test clients' own, in memory. */
  readonly log?: LogSetup;
}

export interface ClientWorkerOutput {
  readonly bets: number;
  readonly winners: number;
  readonly failures: readonly string[];
}

/** Loaded and ready: the benchmark's clock starts only after this; then each input message is one run. */
parentPort?.postMessage('ready');
parentPort?.on('message', (input: ClientWorkerInput) => {
  void run(input).then((out) => parentPort?.postMessage(out));
});

async function run(input: ClientWorkerInput): Promise<ClientWorkerOutput> {
  const logger = input.log ? openBenchLogger(input.log) : undefined;
  const level = input.log ? { logLevel: input.log.level } : {};
  const runs = input.files.map((f) =>
    startTestClient(input.port, f.agency, f.path, { batchMaxAmount: input.batchMax, batchWindow: input.window, ...level }, logger?.log),
  );
  const outcomes = await Promise.allSettled(runs.map((r) => r.outcome));
  logger?.close();
  let bets = 0;
  let winners = 0;
  const failures: string[] = [];
  for (const o of outcomes) {
    if (o.status === 'rejected') failures.push(String(o.reason));
    else if (o.value.kind !== 'finished') failures.push('stopped');
    else {
      bets += o.value.bets;
      winners += o.value.winners.length;
    }
  }
  return { bets, winners, failures };
}
