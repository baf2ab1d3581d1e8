/**
 * `npm run bench:faults -- --runs 3 --scale 20 --seed 20261129`: throughput of the Docker
 * system on the dataset `scale` times the default, without faults (the baseline) and under the
 * seeded nemesis, run after run in the same process; prints the medians and their ratio. Also
 * prints, for every server crash or restart the nemesis made, the time to full recovery: from
 * the harness starting the server's container again to the next batch a client saw acknowledged
 * (a restart after every client finished has no next batch and is not counted), and the same
 * for a planned SIGKILL of the server mid-run on the default dataset, `runs` times.
 * Every run is checked with the exactly-once checker; a failed check fails the bench (exit 1).
 */
import { parseArgs } from 'node:util';
import { fmt as fmtDigits, maxOf, median, minOf } from '../../testbed/stats/stats.js';
import { DEFAULT_SIZES } from '../../testbed/dataset/dataset.js';
import { describeCheck } from '../checker/set-checker.js';
import { Datasets } from '../datasets/datasets.js';
import { Faults, Triggers } from '../faults/faults.js';
import { Nemesis } from '../faults/nemesis.js';
import { RESTART_NOTE } from '../run/container-handle.js';
import { LotteryRun } from '../run/lottery-run.js';
import type { StartedLotteryRun } from '../run/started-lottery-run.js';

interface Measured {
  readonly bets: number;
  /** First agency connect → last stored batch (engine clock), seconds. */
  readonly sendingS: number;
  readonly betsPerS: number;
  /** Per server crash/restart: heal → next acknowledged batch, ms. */
  readonly recoveriesMs: readonly number[];
}

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, scale: { type: 'string', default: '20' }, seed: { type: 'string', default: '20261129' }, faults: { type: 'string', default: '6' } },
});
const runs = Number(values.runs);
const scale = Number(values.scale);
const seed = Number(values.seed);
const faults = Number(values.faults);


/** Each restart of the server (the harness starting its container again) → the first client ack after it. */
function recoveries(run: StartedLotteryRun): number[] {
  return run.timeline
    .select({ source: 'harness', kind: 'note', where: (e) => e.text === `${RESTART_NOTE} server` })
    .flatMap((restart) => {
      const ack = run.timeline.select({ source: /^client\d+$/, action: 'apuestas_enviadas', result: 'success', where: (e) => e.seq > restart.seq })[0];
      return ack ? [ack.at - restart.at] : [];
    });
}

async function once(withNemesis: boolean, runSeed: number): Promise<Measured> {
  const dataset = Datasets.generated({ sizes: DEFAULT_SIZES.map((s) => s * scale) });
  const run = await new LotteryRun().withClients(DEFAULT_SIZES.length).withDataset(dataset).start();
  try {
    if (withNemesis) {
      const nemesis = Nemesis.fromSeed({ seed: runSeed, faults, targets: ['server', ...run.clients.map((c) => c.service)] });
      await nemesis.run(run, (s) => run.isRunning(s));
    }
    const codes = await run.waitForClients(900_000);
    if (Object.values(codes).some((c) => c !== 0)) throw new Error(`a client failed: ${JSON.stringify(codes)}`);
    const result = await run.result();
    const check = await run.check(result);
    if (!check.valid) throw new Error(`the checker failed:\n${describeCheck(check)}`);
    const { firstConnect, lastBatch } = result.times;
    const sendingS = ((lastBatch ?? 0) - (firstConnect ?? 0)) / 1000;
    return { bets: check.stored, sendingS, betsPerS: check.stored / sendingS, recoveriesMs: recoveries(run) };
  } finally {
    await run.stop();
  }
}

/** The default dataset, slowed a little; SIGKILL to the server after 40 stored batches, started again at once. */
async function crashRecovery(): Promise<number> {
  const run = await new LotteryRun().withClients(DEFAULT_SIZES.length).withClientConfig({ batch: { period: '5ms' } }).start();
  try {
    await run.fireWhen(Triggers.afterEvents({ source: 'server', action: 'apuesta_recibida', result: 'success' }, 40), Faults.crash('server', 0));
    const codes = await run.waitForClients();
    if (Object.values(codes).some((c) => c !== 0)) throw new Error(`a client failed: ${JSON.stringify(codes)}`);
    const check = await run.check();
    if (!check.valid) throw new Error(`the checker failed:\n${describeCheck(check)}`);
    const [ms] = recoveries(run);
    if (ms === undefined) throw new Error('no acknowledged batch after the restart');
    const restart = run.timeline.select({ source: 'harness', kind: 'note', where: (e) => e.text === `${RESTART_NOTE} server` })[0];
    const after = (action: string) => run.timeline.select({ source: 'server', action, where: (e) => e.seq > (restart?.seq ?? 0) })[0];
    const listening = after('servidor_escuchando');
    const reconnect = after('agencia_conectada');
    if (restart && listening && reconnect) {
      console.log(`  crash: start again → listening ${fmt(listening.at - restart.at)} ms → first reconnect ${fmt(reconnect.at - listening.at)} ms → ack ${fmt(restart.at + ms - reconnect.at)} ms`);
    }
    return ms;
  } finally {
    await run.stop();
  }
}


const fmt = (n: number, digits = 0): string => fmtDigits(n, digits);

async function main(): Promise<void> {
  console.log(`dataset: ${scale}× the default (${fmt(DEFAULT_SIZES.reduce((a, b) => a + b, 0) * scale)} bets, ${DEFAULT_SIZES.length} agencies); nemesis: ${faults} faults, seed ${seed}+run`);
  console.log('warm-up run (images, dataset cache, page cache)…');
  await once(false, seed);
  const base: Measured[] = [];
  const faulted: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    base.push(await once(false, seed + i));
    faulted.push(await once(true, seed + i));
    const b = base[i] as Measured;
    const f = faulted[i] as Measured;
    const rec = f.recoveriesMs.length ? ` (server recoveries: ${f.recoveriesMs.map((m) => `${fmt(m)} ms`).join(', ')})` : '';
    console.log(`run ${i + 1}: no faults ${fmt(b.betsPerS)} bets/s in ${fmt(b.sendingS, 1)} s; nemesis seed ${seed + i} ${fmt(f.betsPerS)} bets/s in ${fmt(f.sendingS, 1)} s${rec}`);
  }
  const crashes: number[] = [];
  for (let i = 0; i < runs; i++) crashes.push(await crashRecovery());
  console.log(`server SIGKILL mid-run (default dataset, after 40 stored batches), restart → next acknowledged batch: ${crashes.map((m) => `${fmt(m)} ms`).join(', ')}`);
  const mb = median(base.map((m) => m.betsPerS));
  const mf = median(faulted.map((m) => m.betsPerS));
  const rec = faulted.flatMap((m) => m.recoveriesMs);
  console.log(`time to full recovery after a server SIGKILL (start again → next acknowledged batch), median of ${runs}: ${fmt(median(crashes))} ms`);
  console.log('');
  console.log(`throughput, median of ${runs}: no faults ${fmt(mb)} bets/s; under the nemesis ${fmt(mf)} bets/s; ratio ${fmt(mf / mb, 2)}`);
  if (rec.length > 0) console.log(`the same under the nemesis (its server crashes and restarts that had a next batch): median ${fmt(median(rec))} ms over ${rec.length}, min ${fmt(minOf(rec) ?? NaN)}, max ${fmt(maxOf(rec) ?? NaN)}`);
  else console.log('no server crash or restart in these schedules: no recovery time measured');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
