/**
 * Exercise 8: the server serves every agency at the same time; a slow or stalled agency never
 * holds the others back; storage is serialized, so rows never interleave or tear.
 */
import { describe, expect, it } from 'vitest';
import { Datasets, Faults, LotteryRun, startScenarioRun, type StartedLotteryRun, Triggers } from '../harness/index.js';
import { expectEveryBetStoredOnce, expectOwnWinners } from '../harness/vitest/expectations.js';

/** How many times the server's log switches from one agency's batch to another's. */
function agencySwitches(run: StartedLotteryRun): number {
  const agencies = run.timeline.select({ source: 'server', action: 'apuesta_recibida' }).map((e) => e.event?.details.agencia);
  return agencies.filter((a, i) => i > 0 && a !== agencies[i - 1]).length;
}

describe('ej8: concurrency', () => {
  for (const [n, dataset] of [
    [5, Datasets.generated()],
    [20, Datasets.uniform(20, 3000)],
  ] as const) {
    it(`${n} agencies at once: served concurrently, every bet stored once, every agency its own winners`, async (ctx) => {
      const run = await startScenarioRun(ctx, new LotteryRun().withClients(n).withDataset(dataset), `n${n}`);
      const codes = await run.waitForClients();
      expect(Object.values(codes).filter((c) => c !== 0), JSON.stringify(codes)).toEqual([]);
      // Batches of different agencies interleave in the server's log: they were served at the same time.
      expect(agencySwitches(run)).toBeGreaterThan(n);
      const result = await run.result();
      await expectEveryBetStoredOnce(result.stored, run.dataset!, n);
      expectOwnWinners(result, run.dataset!);
      expect(result.failLines).toEqual([]);
    });
  }

  it('a paused agency does not hold the others back: they send everything while it is frozen, then it finishes too', async (ctx) => {
    const run = await startScenarioRun(ctx, new LotteryRun().withClients(5).withDataset(Datasets.uniform(5, 6000)).withClientConfig({ batch: { period: '10ms' } }));
    // Freeze client1 mid-run (in the middle of its batches) for 12 s.
    const pause = run.fireWhen(Triggers.afterEvents({ source: 'client1', action: 'apuestas_enviadas' }, 3), Faults.pause('client1', 12_000));
    // The others finish sending while client1 is frozen: before the pause ends (a pause that
    // could not be applied fails the test here, with the engine's reason).
    await Promise.race([
      run.waitFor({ source: /^client[2-5]$/, action: 'notificacion_enviada' }, 4, 60_000),
      pause.then(() => {
        throw new Error('client1 was let go before the other agencies had sent everything');
      }),
    ]);
    expect((await run.service('client1').inspect())?.paused).toBe(true);
    expect(run.timeline.select({ kind: 'fault' })).toHaveLength(1);
    expect(run.timeline.select({ source: 'server', action: 'sorteo' })).toHaveLength(0);

    await pause;
    expect(Object.values(await run.waitForClients())).toEqual([0, 0, 0, 0, 0]);
    const result = await run.result();
    await expectEveryBetStoredOnce(result.stored, run.dataset!, 5);
    expectOwnWinners(result, run.dataset!);
  });
});
