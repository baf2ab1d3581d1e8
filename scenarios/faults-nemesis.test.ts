/**
 * A seeded random fault schedule (the nemesis: crashes, SIGTERM restarts, partitions, pauses and
 * packet loss on the server and the clients) over a run of the dataset 20 times the default
 * (1,573,940 bets). Every fault is healed before the final check, and the checker is green.
 * The run's timeline report, rendered in headless Chromium, shows a band for every fault fired.
 * The seed is printed; TP0_NEMESIS_SEED=N replays a run with the same schedule.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZES } from '../testbed/dataset/dataset.js';
import { Datasets, LotteryRun, Nemesis, startScenarioRun } from '../harness/index.js';
import { renderedLayout } from '../harness/report/rendered-layout.js';
import { expectCheckerGreen } from '../harness/vitest/expectations.js';

const SEED = Number(process.env.TP0_NEMESIS_SEED ?? 20261129);
const SCALE = 20;

describe('the nemesis', () => {
  it(`seed ${SEED}: 6 random faults over the ${SCALE}× dataset, all healed, the checker green`, async (ctx) => {
    const dataset = Datasets.generated({ sizes: DEFAULT_SIZES.map((s) => s * SCALE) });
    const run = await startScenarioRun(ctx, new LotteryRun().withClients(5).withDataset(dataset));
    const nemesis = Nemesis.fromSeed({ seed: SEED, faults: 6, targets: ['server', ...run.clients.map((c) => c.service)] });
    console.log(`${nemesis.describe()}\n(replay: TP0_NEMESIS_SEED=${SEED} npx vitest run scenarios/faults-nemesis.test.ts)`);
    const started = Date.now();
    const outcomes = await nemesis.run(run, (s) => run.isRunning(s));
    const codes = await run.waitForClients(600_000);
    const wallMs = Date.now() - started;
    expect(Object.values(codes).filter((c) => c !== 0), JSON.stringify(codes)).toEqual([]);
    // Every fault that was fired was healed.
    const fired = run.timeline.select({ kind: 'fault' }).map((e) => e.faultId);
    const healed = run.timeline.select({ kind: 'heal' }).map((e) => e.faultId);
    expect(healed.sort()).toEqual(fired.sort());
    // The schedule did hit a running system: at least half the faults fired (a client that has
    // finished is skipped), every one aimed at the server among them.
    const hit = outcomes.filter((o) => o.outcome !== undefined);
    expect(hit.length).toBeGreaterThanOrEqual(3);
    expect(outcomes.filter((o) => o.planned.target === 'server' && o.outcome === undefined)).toEqual([]);
    const check = await expectCheckerGreen(run, `nemesis seed ${SEED}`);
    // Its timeline report, laid out by headless Chromium, shows what happened: a lane per
    // container, a band per fault fired, nothing outside the plot, and the checker's verdict.
    const html = join(mkdtempSync(join(tmpdir(), 'tp0-report-')), 'report.html');
    writeFileSync(html, await run.report({ seed: String(SEED) }, check));
    const { findings, dom } = await renderedLayout(html, { timeoutMs: 60_000 });
    expect(findings).toMatchObject({ lanes: 6, hiddenLabels: 0, outside: 0, overlaps: 0, faultBands: fired.length, problems: [] });
    expect(dom).toContain('data-check="valid"');
    rmSync(dirname(html), { recursive: true, force: true });
    console.log(`[nemesis seed ${SEED}] ${check.stored} bets in ${(wallMs / 1000).toFixed(1)} s under faults: ${Math.round(check.stored / (wallMs / 1000))} bets/s`);
  });
});
