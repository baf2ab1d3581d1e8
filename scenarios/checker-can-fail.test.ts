/**
 * The exactly-once checker can fail: over a real run's logs and dataset, a bets.csv with one
 * row removed, one stored twice and one that no agency sent is red, naming exactly those rows.
 */
import { describe, expect, it } from 'vitest';
import { checkRun, describeCheck, LotteryRun, rowText, startScenarioRun, type StoredBetRow } from '../harness/index.js';

describe('the checker', () => {
  it('is green on a real run, and red with the right examples once bets.csv is tampered with', async (ctx) => {
    const run = await startScenarioRun(ctx, new LotteryRun().withClients(5));
    expect(Object.values(await run.waitForClients())).toEqual([0, 0, 0, 0, 0]);
    const result = await run.result();
    const input = { dataset: run.dataset!, agencies: result.agencies, timeline: run.timeline };
    const honest = await checkRun({ ...input, stored: result.stored });
    expect(honest.valid, describeCheck(honest)).toBe(true);

    const rows = [...result.stored.rows];
    const [removed] = rows.splice(1000, 1) as [StoredBetRow];
    const doubled = rows[2000] as StoredBetRow;
    const foreign: StoredBetRow = { ...doubled, document: '99999999', firstName: 'Nadie' };
    const tampered = await checkRun({ ...input, stored: { ...result.stored, rows: [...rows, doubled, foreign] } });
    expect(tampered.valid).toBe(false);
    expect(tampered.sets.map((s) => [s.name, s.count, s.examples])).toEqual([
      ['lost', 1, [rowText(removed)]],
      ['missing', 1, [rowText(removed)]],
      ['unexpected', 1, [rowText(foreign)]],
      ['duplicated', 1, [rowText(doubled)]],
    ]);
    // The draw counted the honest file: it no longer matches.
    expect(tampered.conditions.find((c) => c.name.includes('draw'))?.ok).toBe(false);
  });
});
