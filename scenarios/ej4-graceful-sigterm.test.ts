/**
 * Exercise 4: on SIGTERM the server and the clients stop taking work, close every socket and
 * file they hold (logging each close) and exit 0 within the grace period. A batch that was not
 * acknowledged is never half-stored.
 */
import { describe, expect, it } from 'vitest';
import { Datasets, Faults, LotteryRun, startScenarioRun, Triggers } from '../harness/index.js';
import { expectEveryBetStoredOnce, expectOwnWinners, expectWholeBatchesOnly } from '../harness/vitest/expectations.js';

const BATCH = 100;
// Small batches with a pause after each: long enough a run to land a signal in the middle of it.
const slowRun = () =>
  new LotteryRun()
    .withClients(5)
    .withDataset(Datasets.uniform(5, 4000))
    .withClientConfig({ batch: { maxAmount: BATCH, period: '25ms' } });

const closes = (run: Awaited<ReturnType<typeof startScenarioRun>>, source: string, resource: string) =>
  run.timeline.select({ source, action: 'close', result: 'success', where: (e) => e.event?.details.resource === resource });

describe('ej4: graceful SIGTERM', () => {
  it('server mid-run: exits 0, logs the close of its listener, connections and files, stores only whole batches; restarted, the run completes exactly once', async (ctx) => {
    const run = await startScenarioRun(ctx, slowRun());
    const outcome = await run.fireWhen(Triggers.afterEvents({ source: 'server', action: 'apuesta_recibida' }, 10), Faults.sigterm('server'));
    expect(outcome.exitCodes).toEqual({ server: 0 });
    expect(run.timeline.select({ source: 'server', action: 'shutdown', result: 'success' })).toHaveLength(1);
    expect(closes(run, 'server', 'listener')).toHaveLength(1);
    expect(closes(run, 'server', 'connection').length).toBeGreaterThanOrEqual(1);
    expect(closes(run, 'server', 'file').map((e) => e.event?.details.path)).toEqual(['/output/bets.csv', '/output/bets.csv.commit', '/output/bets.csv.done']);
    const atStop = await run.storedBets();
    expect(atStop.lines).toBeGreaterThan(0);
    expect(atStop.lines).toBeLessThan(20_000);
    await expectWholeBatchesOnly(atStop, run.dataset!, 5, BATCH);

    // The clients wait (in_progress, not fail) and resume once the server is back.
    await run.fire(Faults.start('server'));
    expect(Object.values(await run.waitForClients())).toEqual([0, 0, 0, 0, 0]);
    const result = await run.result();
    await expectEveryBetStoredOnce(result.stored, run.dataset!, 5);
    expectOwnWinners(result, run.dataset!);
    expect(result.failLines).toEqual([]);
  });

  it('one client mid-run: it exits 0 after closing its connection and file; the others go on; restarted, it resumes exactly once', async (ctx) => {
    const run = await startScenarioRun(ctx, slowRun());
    const outcome = await run.fireWhen(Triggers.afterEvents({ source: 'client2', action: 'apuestas_enviadas' }, 5), Faults.sigterm('client2'));
    expect(outcome.exitCodes).toEqual({ client2: 0 });
    expect(closes(run, 'client2', 'connection')).toHaveLength(1);
    expect(closes(run, 'client2', 'file')).toHaveLength(1);
    expect(run.timeline.select({ source: 'client2', action: 'shutdown', result: 'success' })).toHaveLength(1);

    // The other agencies finish sending; the draw waits for agency 2.
    await run.waitFor({ source: /^client[1345]$/, action: 'notificacion_enviada' }, 4);
    await expectWholeBatchesOnly(await run.storedBets(), run.dataset!, 5, BATCH);
    expect(run.timeline.select({ source: 'server', action: 'sorteo' })).toHaveLength(0);

    await run.fire(Faults.start('client2'));
    expect(Object.values(await run.waitForClients())).toEqual([0, 0, 0, 0, 0]);
    expect(run.timeline.select({ source: 'client2', action: 'reanudar', result: 'in_progress' })).toHaveLength(1);
    const result = await run.result();
    await expectEveryBetStoredOnce(result.stored, run.dataset!, 5);
    expectOwnWinners(result, run.dataset!);
  });

  it('all at once mid-run: every process exits 0 and logs its closes; bets.csv holds only whole batches', async (ctx) => {
    const run = await startScenarioRun(ctx, slowRun());
    const clients = ['client1', 'client2', 'client3', 'client4', 'client5'];
    // Mid-run for everyone: each agency has had 2 batches acknowledged and is still sending.
    const outcome = await run.fireWhen(Triggers.afterEach(clients, { action: 'apuestas_enviadas' }, 2), Faults.sigterm('all'));
    expect(outcome.exitCodes).toEqual({ server: 0, client1: 0, client2: 0, client3: 0, client4: 0, client5: 0 });
    expect(run.timeline.select({ source: 'server', action: 'shutdown', result: 'success' })).toHaveLength(1);
    expect(closes(run, 'server', 'listener')).toHaveLength(1);
    expect(closes(run, 'server', 'file')).toHaveLength(3);
    for (const service of clients) {
      expect(run.timeline.select({ source: service, action: 'shutdown', result: 'success' }), service).toHaveLength(1);
      expect(closes(run, service, 'connection'), service).toHaveLength(1);
      expect(closes(run, service, 'file'), service).toHaveLength(1);
    }
    await expectWholeBatchesOnly(await run.storedBets(), run.dataset!, 5, BATCH);
  });
});
