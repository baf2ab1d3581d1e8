/**
 * Exercise 7: after its last batch each agency notifies, then asks for its winners. The server
 * draws once every agency is done, never answers before that, and tells each agency only its
 * own winners.
 */
import { describe, expect, it } from 'vitest';
import { LotteryRun, startScenarioRun } from '../harness/index.js';
import { maxOf } from '../testbed/stats/stats.js';

describe('ej7: the draw and each agency\'s winners', () => {
  it('every agency gets exactly its own winners, the draw comes after every batch and before every answer', async (ctx) => {
    const run = await startScenarioRun(ctx, new LotteryRun().withClients(5));
    const dataset = run.dataset!;

    expect(await run.waitForClients()).toEqual({ client1: 0, client2: 0, client3: 0, client4: 0, client5: 0 });
    const result = await run.result();

    // Each agency's winners are the manifest's, in file order.
    for (const agency of result.agencies) {
      expect(agency.winners, agency.service).toEqual(dataset.agencies[agency.agency - 1]?.winners);
    }
    // No agency sees another agency's winners: the documents a client got are all of its own file.
    const owner = new Map(dataset.agencies.flatMap((a) => a.winners.map((d) => [d, a.agency] as const)));
    for (const agency of result.agencies) {
      for (const doc of agency.winners ?? []) expect(owner.get(doc), `${agency.service} got ${doc}`).toBe(agency.agency);
    }
    expect(result.stored.lines).toBe(dataset.totalBets);

    // The draw runs once, after every stored batch (same log, so in order) ...
    const draws = run.timeline.select({ source: 'server', action: 'sorteo' });
    expect(draws.map((d) => d.event?.result)).toEqual(['success']);
    const draw = draws[0]!;
    const batches = run.timeline.select({ source: 'server', action: 'apuesta_recibida' });
    expect(batches.length).toBeGreaterThan(0);
    expect(maxOf(batches.map((b) => b.seq))).toBeLessThan(draw.seq);
    // ... and before every winners answer, on the server and on every client (engine clock).
    for (const answer of run.timeline.select({ action: 'consulta_ganadores', result: 'success' })) {
      if (answer.source === 'server') expect(answer.seq).toBeGreaterThan(draw.seq);
      else expect(answer.at).toBeGreaterThanOrEqual(draw.at);
    }
    expect(result.failLines).toEqual([]);
  });
});
