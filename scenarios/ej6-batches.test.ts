/**
 * Exercise 6: each agency sends its file in batches of at most `batch.maxAmount` bets and never
 * a frame over 8 KiB (8192 bytes on the wire, headers included, UTF-8 bytes). The server stores
 * a whole batch or none of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRow } from '../testbed/dataset/csv.js';
import { Datasets, LotteryRun, startScenarioRun, type StartedLotteryRun } from '../harness/index.js';
import { expectEveryBetStoredOnce } from '../harness/vitest/expectations.js';

const MAX_FRAME = 8192;

/** What the server says it received from `agency`, batch by batch. */
function received(run: StartedLotteryRun, agency: number): number[] {
  return run.timeline
    .select({ source: 'server', action: 'apuesta_recibida', result: 'success', where: (e) => e.event?.details.agencia === String(agency) })
    .map((e) => Number(e.event?.details.cantidad));
}

/** What `client` says it sent: bets and frame bytes per acknowledged batch. */
function sent(run: StartedLotteryRun, client: string): { bets: number; bytes: number }[] {
  return run.timeline
    .select({ source: client, action: 'apuestas_enviadas', result: 'success' })
    .map((e) => ({ bets: Number(e.event?.details.cantidad), bytes: Number(e.event?.details.bytes) }));
}

// Names of 3-byte characters: 40 characters but 120 bytes each. A batcher that counted
// characters instead of bytes would send frames far over 8 KiB.
const WIDE_DIR = mkdtempSync(join(tmpdir(), 'tp0-ej6-'));
afterAll(() => rmSync(WIDE_DIR, { recursive: true, force: true }));
function writeWideAgency(agency: number, bets: number): void {
  const rows = Array.from({ length: bets }, (_, i) =>
    formatRow(['漢字かな'.repeat(10), 'Ñandú€'.repeat(6) + 'Ü'.repeat(4), String(agency * 10_000_000 + i).padStart(8, '0'), '1988-08-08', String(i % 10_000)]),
  );
  writeFileSync(join(WIDE_DIR, `agency-${agency}.csv`), rows.join('\r\n') + '\r\n');
}

describe('ej6: batches', () => {
  it('the classic set in batches of 100: the received amounts add up to each file, every batch but the last holds exactly 100', async (ctx) => {
    const run = await startScenarioRun(ctx, new LotteryRun().withClients(5).withDataset(Datasets.generated()).withClientConfig({ batch: { maxAmount: 100 } }));
    expect(Object.values(await run.waitForClients())).toEqual([0, 0, 0, 0, 0]);
    for (const agency of run.dataset!.agencies) {
      const amounts = received(run, agency.agency);
      expect(amounts.reduce((a, b) => a + b, 0), `agency ${agency.agency}`).toBe(agency.bets);
      expect(amounts.slice(0, -1).every((n) => n === 100), `agency ${agency.agency}: ${amounts.join(',')}`).toBe(true);
      expect(amounts.at(-1)).toBe(agency.bets % 100 || 100);
      expect(sent(run, `client${agency.agency}`).every((b) => b.bytes <= MAX_FRAME)).toBe(true);
    }
    const result = await run.result();
    await expectEveryBetStoredOnce(result.stored, run.dataset!, 5);
    expect(result.failLines).toEqual([]);
  });

  it('multibyte names and a large maxAmount: the 8 KiB frame limit binds, counted in bytes, and every frame is as full as it may be', async (ctx) => {
    writeWideAgency(1, 1000);
    writeWideAgency(2, 777);
    const run = await startScenarioRun(ctx, new LotteryRun().withClients(2).withDataset(Datasets.folder(WIDE_DIR)).withClientConfig({ batch: { maxAmount: 1000 } }));
    expect(await run.waitForClients()).toEqual({ client1: 0, client2: 0 });
    for (const [agency, total] of [[1, 1000], [2, 777]] as const) {
      const batches = sent(run, `client${agency}`);
      expect(batches.every((b) => b.bytes <= MAX_FRAME), JSON.stringify(batches)).toBe(true);
      expect(batches.reduce((n, b) => n + b.bets, 0)).toBe(total);
      // All bets have the same size here, so every batch but the last holds the same number of bets,
      // and one bet more would not have fitted.
      const full = batches.slice(0, -1);
      expect(new Set(full.map((b) => b.bets)).size).toBe(1);
      for (const b of full) expect(b.bytes + b.bytes / b.bets).toBeGreaterThan(MAX_FRAME);
      expect(full[0]!.bets).toBeLessThan(100);
      expect(received(run, agency)).toEqual(batches.map((b) => b.bets));
    }
    const result = await run.result();
    expect(result.failLines).toEqual([]);
    expect(result.stored.lines).toBe(1777);
    expect(result.stored.rows[0]?.firstName).toBe('漢字かな'.repeat(10));
  });
});
