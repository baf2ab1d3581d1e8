/**
 * A sweep's child process (forked by parallel-sweep.ts): runs the seeds it is given, one after
 * another, and sends each run's outcome back; asks for more when a batch is done. Exits on `stop`
 * or when the parent goes away.
 */
import { cpuMsSince, runSeed } from './sweep.js';
import type { FromWorker, ToWorker } from './sweep-messages.js';

const send = (m: FromWorker) => new Promise<void>((resolve, reject) => process.send?.(m, undefined, {}, (err) => (err ? reject(err) : resolve())));

process.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    process.disconnect();
    return;
  }
  void (async () => {
    for (let seed = m.from; seed < m.from + m.count; seed++) await send({ type: 'outcome', outcome: await runSeed(seed, m.shape) });
    await send({ type: 'idle', cpuMs: cpuMsSince() });
  })().catch((err: unknown) => {
    process.stderr.write(`sim worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
