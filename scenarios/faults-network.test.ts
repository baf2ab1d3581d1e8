/**
 * Network faults mid-run: a partition of the server, a partition of one client, a frozen
 * (paused) server, 10 % packet loss on one client. The clients notice silence through their
 * answer timeout, reconnect and resume; once healed the run finishes and the exactly-once
 * checker is green.
 */
import { describe, expect, it } from 'vitest';
import { type Fault, Faults, LotteryRun, startScenarioRun, type StartedLotteryRun, Triggers } from '../harness/index.js';
import { expectCheckerGreen } from '../harness/vitest/expectations.js';

/** The default 5 agencies, slowed a little (5 ms after each batch) so that faults land mid-run. */
function slowedRun(): LotteryRun {
  return new LotteryRun().withClients(5).withClientConfig({ batch: { period: '5ms' } });
}

/** Fires `fault` after `service`'s n-th acknowledged batch, waits for the run to finish, checks it. */
async function faultMidRun(run: StartedLotteryRun, service: string, n: number, fault: Fault, label: string): Promise<void> {
  const action = service === 'server' ? 'apuesta_recibida' : 'apuestas_enviadas';
  await run.fireWhen(Triggers.afterEvents({ source: service, action, result: 'success' }, n), fault);
  const [injected] = run.timeline.select({ kind: 'fault' });
  const [healed] = run.timeline.select({ kind: 'heal' });
  expect(healed?.faultId).toBe(injected?.faultId);
  const codes = await run.waitForClients();
  expect(Object.values(codes).filter((c) => c !== 0), JSON.stringify(codes)).toEqual([]);
  // Mid-run: the system was still storing bets once the fault was in place.
  const after = run.timeline.select({ source: 'server', action: 'apuesta_recibida', result: 'success', where: (e) => e.seq > (injected?.seq ?? 0) });
  expect(after.length).toBeGreaterThan(0);
  await expectCheckerGreen(run, label);
}

describe('network faults', () => {
  it('a 5 s partition of the server: the clients reconnect once it is back, nothing lost or doubled', async (ctx) => {
    const run = await startScenarioRun(ctx, slowedRun());
    await faultMidRun(run, 'server', 40, Faults.partition('server', 5000), 'server partition');
    // Nothing could be stored while the server was cut off, and the run went on after it.
    const [cut] = run.timeline.select({ kind: 'fault' });
    const [back] = run.timeline.select({ kind: 'heal' });
    const after = run.timeline.select({ source: 'server', action: 'apuesta_recibida', result: 'success', where: (e) => e.seq > back!.seq });
    expect(after.length).toBeGreaterThan(0);
    expect(cut!.at).toBeLessThan(back!.at - 4900);
  });

  it('a 5 s partition of one client: the others go on; it reconnects and finishes', async (ctx) => {
    const run = await startScenarioRun(ctx, slowedRun());
    await faultMidRun(run, 'client1', 20, Faults.partition('client1', 5000), 'client partition');
    // While client1 was cut off, the others kept storing bets.
    const [cut] = run.timeline.select({ kind: 'fault' });
    const [back] = run.timeline.select({ kind: 'heal' });
    const during = run.timeline.select({ source: 'server', action: 'apuesta_recibida', result: 'success', where: (e) => e.at > cut!.at && e.at < back!.at });
    const fromClient1 = during.filter((e) => e.event?.details.agencia === '1');
    // At most what was already on its way when the cable was cut (a window of 16 batches).
    expect(fromClient1.length).toBeLessThanOrEqual(16);
    expect(during.length - fromClient1.length).toBeGreaterThan(0);
  });

  it('a 5 s pause of the server: the clients wait (or reconnect) and finish once it thaws', async (ctx) => {
    const run = await startScenarioRun(ctx, slowedRun());
    await faultMidRun(run, 'server', 40, Faults.pause('server', 5000), 'server pause');
    expect(run.server.exitCount).toBe(0);
  });

  it('10 % packet loss on one client for 8 s: TCP retransmits, it finishes with exactly-once storage', async (ctx) => {
    const run = await startScenarioRun(ctx, slowedRun());
    await faultMidRun(run, 'client1', 10, Faults.loss('client1', 0.1, 8000), 'client loss');
    // The fault held for its whole duration, and client1 kept sending through it (slower, not stopped).
    const [lossy] = run.timeline.select({ kind: 'fault' });
    const [healed] = run.timeline.select({ kind: 'heal' });
    expect(healed!.at - lossy!.at).toBeGreaterThanOrEqual(8000);
    const through = run.timeline.select({ source: 'client1', action: 'apuestas_enviadas', result: 'success', where: (e) => e.seq > lossy!.seq && e.seq < healed!.seq });
    expect(through.length).toBeGreaterThan(0);
  });
});
