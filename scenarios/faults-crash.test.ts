/**
 * Crashes and restarts mid-run (SIGKILL and SIGTERM, of the server, of a client, of several at
 * once). Whatever was hit, once everything is started again the run finishes and the
 * exactly-once checker is green: nothing acknowledged is lost, nothing stored twice or unasked,
 * one draw, every agency its own winners.
 */
import { describe, expect, it } from 'vitest';
import { Faults, LotteryRun, startScenarioRun, type StartedLotteryRun, Triggers } from '../harness/index.js';
import { expectCheckerGreen } from '../harness/vitest/expectations.js';

/** The default 5 agencies, slowed a little (5 ms after each batch) so that faults land mid-run. */
function slowedRun(): LotteryRun {
  return new LotteryRun().withClients(5).withClientConfig({ batch: { period: '5ms' } });
}

/** Bets the restarted server found on disk (its `abrir_almacenamiento` lines, in order). */
function betsAtOpen(run: StartedLotteryRun): number[] {
  return run.timeline.select({ source: 'server', action: 'abrir_almacenamiento', result: 'success' }).map((e) => Number(e.event?.details.bets));
}

async function expectEveryClientFinished(run: StartedLotteryRun): Promise<void> {
  const codes = await run.waitForClients();
  expect(Object.values(codes).filter((c) => c !== 0), JSON.stringify(codes)).toEqual([]);
}

describe('crash faults', () => {
  it('server SIGKILL mid-run, restarted 1 s later: the clients resume and the checker is green', async (ctx) => {
    const run = await startScenarioRun(ctx, slowedRun());
    const outcome = await run.fireWhen(Triggers.afterEvents({ source: 'server', action: 'apuesta_recibida', result: 'success' }, 40), Faults.crash('server', 1000));
    expect(outcome.exitCodes).toEqual({ server: 137 });
    await expectEveryClientFinished(run);
    const check = await expectCheckerGreen(run, 'server SIGKILL');
    // It was mid-run: the restarted server found some bets on disk, not all of them.
    const [, reopened] = betsAtOpen(run);
    expect(reopened).toBeGreaterThan(0);
    expect(reopened).toBeLessThan(check.stored);
  });

  it('the same server SIGKILL with LOG_FORMAT=json (pino\'s NDJSON): the harness reads those lines and the checker reaches the same verdict', async (ctx) => {
    const json = { LOG_FORMAT: 'json' };
    const run = await startScenarioRun(ctx, slowedRun().withServerEnv(json).withClientEnv(json));
    const outcome = await run.fireWhen(Triggers.afterEvents({ source: 'server', action: 'apuesta_recibida', result: 'success' }, 40), Faults.crash('server', 1000));
    expect(outcome.exitCodes).toEqual({ server: 137 });
    await expectEveryClientFinished(run);
    const check = await expectCheckerGreen(run, 'server SIGKILL, LOG_FORMAT=json');
    expect(check.stored).toBe(check.acknowledged);
    // Every line the system wrote was a pino record, and each one was read as an event.
    const lines = run.timeline.select({ kind: 'log', where: (e) => e.source === 'server' || /^client\d+$/.test(e.source) });
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.filter((e) => !e.text.startsWith('{"level":') || e.event === undefined).map((e) => e.text)).toEqual([]);
    const [, reopened] = betsAtOpen(run);
    expect(reopened).toBeGreaterThan(0);
    expect(reopened).toBeLessThan(check.stored);
  });

  it('server SIGTERM mid-run, restarted 1 s later: a graceful stop loses nothing either', async (ctx) => {
    const run = await startScenarioRun(ctx, slowedRun());
    const outcome = await run.fireWhen(Triggers.afterEvents({ source: 'server', action: 'apuesta_recibida', result: 'success' }, 40), Faults.restart('server', 1000));
    expect(outcome.exitCodes).toEqual({ server: 0 });
    await expectEveryClientFinished(run);
    const check = await expectCheckerGreen(run, 'server SIGTERM');
    const [, reopened] = betsAtOpen(run);
    expect(reopened).toBeLessThan(check.stored);
  });

  it('a client SIGKILL mid-run, restarted 1 s later: it resumes from the server count and sends nothing twice', async (ctx) => {
    const run = await startScenarioRun(ctx, slowedRun());
    const outcome = await run.fireWhen(Triggers.afterEvents({ source: 'client1', action: 'apuestas_enviadas', result: 'success' }, 20), Faults.crash('client1', 1000));
    expect(outcome.exitCodes).toEqual({ client1: 137 });
    await expectEveryClientFinished(run);
    await expectCheckerGreen(run, 'client SIGKILL');
    expect(run.timeline.select({ source: 'client1', action: 'reanudar' })).toHaveLength(1);
  });

  it('all at once: SIGKILL to the server and client1 and SIGTERM to client3 together, then a SIGTERM restart of the server', async (ctx) => {
    const run = await startScenarioRun(ctx, slowedRun());
    await run.waitFor({ source: 'server', action: 'apuesta_recibida', result: 'success' }, 40);
    const together = await Promise.all([run.fire(Faults.crash('server', 1500)), run.fire(Faults.crash('client1', 1000)), run.fire(Faults.restart('client3', 500))]);
    expect(together.map((o) => o.exitCodes)).toEqual([{ server: 137 }, { client1: 137 }, { client3: 0 }]);
    // Once the agencies are back at work, the server is stopped gracefully and started again.
    const restarted = run.timeline.entries.length;
    await run.waitFor({ source: 'server', action: 'apuesta_recibida', result: 'success', where: (e) => e.seq > restarted }, 10);
    await run.fire(Faults.restart('server', 500));
    await expectEveryClientFinished(run);
    await expectCheckerGreen(run, 'all at once');
    expect(run.timeline.select({ kind: 'heal' })).toHaveLength(4);
  });
});
