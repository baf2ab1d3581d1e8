/**
 * Scale: 100 agency containers in one run against one server. Every agency finishes with its own
 * winners, every bet is stored exactly once, and the run reports its wall time and the
 * server's peak memory (the peak RSS it logs when stopped).
 */
import { describe, expect, it } from 'vitest';
import { Datasets, LotteryRun, startScenarioRun } from '../harness/index.js';
import { expectCheckerGreen } from '../harness/vitest/expectations.js';

const AGENCIES = 100;

describe('scale', () => {
  it(`${AGENCIES} agencies in one run: all finish, the checker is green`, async (ctx) => {
    const started = Date.now();
    const run = await startScenarioRun(
      ctx,
      new LotteryRun().withClients(AGENCIES).withDataset(Datasets.uniform(AGENCIES, 2000)).withStartupTimeout(180_000),
    );
    const startupMs = Date.now() - started;
    const codes = await run.waitForClients(600_000);
    const wallMs = Date.now() - started;
    expect(Object.values(codes).filter((c) => c !== 0), JSON.stringify(codes)).toEqual([]);
    expect(Object.keys(codes)).toHaveLength(AGENCIES);
    await run.server.stop(10);
    const check = await expectCheckerGreen(run, `${AGENCIES} agencies`);
    expect(check.stored).toBe(AGENCIES * 2000);
    const [shutdown] = run.timeline.select({ source: 'server', action: 'shutdown', result: 'success' });
    const peakMiB = Number(shutdown?.event?.details.peak_rss_mib);
    expect(peakMiB).toBeGreaterThan(0);
    const times = (await run.result()).times;
    console.log(
      `[scale] ${AGENCIES} agencies, ${check.stored} bets: wall ${(wallMs / 1000).toFixed(1)} s (start-up of ${AGENCIES + 1} containers ${(startupMs / 1000).toFixed(1)} s, ` +
        `first connect → last winners ${(((times.lastWinners ?? 0) - (times.firstConnect ?? 0)) / 1000).toFixed(1)} s), server peak RSS ${peakMiB} MiB`,
    );
  });
});
