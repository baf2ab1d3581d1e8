/**
 * Exercise 5: a client sends one bet given by its environment (NOMBRE, APELLIDO, DOCUMENTO,
 * NACIMIENTO, NUMERO). The client logs `apuesta_enviada` once the server confirmed; the server
 * logs `apuesta_almacenada` once stored; both carry the same dni and number.
 */
import { describe, expect, it } from 'vitest';
import { LotteryRun, startScenarioRun } from '../harness/index.js';

const BET = { NOMBRE: 'Santiago Lionel', APELLIDO: 'Lorca', DOCUMENTO: '00412345', NACIMIENTO: '1999-03-17', NUMERO: '7574' };

describe('ej5: one bet from the environment', () => {
  it('apuesta_enviada and apuesta_almacenada carry the same dni; bets.csv holds that one bet, and it wins', async (ctx) => {
    const run = await startScenarioRun(
      ctx,
      new LotteryRun()
        .withClients(1)
        .withDataset('none')
        .withClientEnv({ ...BET, CLI_LOG_LEVEL: 'DEBUG' })
        .withServerConfig({ LOGGING_LEVEL: 'DEBUG' }),
    );
    expect(await run.waitForClients()).toEqual({ client1: 0 });

    const sent = run.timeline.select({ source: 'client1', action: 'apuesta_enviada', result: 'success' });
    const stored = run.timeline.select({ source: 'server', action: 'apuesta_almacenada', result: 'success' });
    expect(sent.map((e) => e.event?.details)).toEqual([{ dni: BET.DOCUMENTO, numero: BET.NUMERO }]);
    expect(stored.map((e) => e.event?.details)).toEqual([{ dni: BET.DOCUMENTO, numero: '7574' }]);
    // Stored first, confirmed after.
    expect(sent[0]!.at).toBeGreaterThanOrEqual(stored[0]!.at);

    const result = await run.result();
    expect(result.stored.rows).toEqual([
      { agency: 1, firstName: BET.NOMBRE, lastName: BET.APELLIDO, document: BET.DOCUMENTO, birthdate: BET.NACIMIENTO, number: 7574 },
    ]);
    expect(result.agencies[0]?.winners).toEqual([BET.DOCUMENTO]);
    expect(result.failLines).toEqual([]);
  });

  it('a bet that cannot be valid (a date that does not exist) is reported with its reason, nothing is stored, the client exits 1', async (ctx) => {
    const run = await startScenarioRun(
      ctx,
      new LotteryRun().withClients(1).withDataset('none').withClientEnv({ ...BET, NACIMIENTO: '2023-02-29' }),
    );
    expect(await run.waitForClients()).toEqual({ client1: 1 });
    const refusal = run.timeline.select({ source: 'client1', action: 'leer_apuesta', result: 'fail' });
    expect(refusal[0]?.event?.details.reason).toMatch(/2023-02-29.*not a calendar date/);
    expect((await run.result()).stored.lines).toBe(0);
  });
});
