import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checker/check-result.js';
import type { PreparedDataset } from '../datasets/datasets.js';
import type { AgencyReport, RunResult } from '../results/run-result.js';
import { buildSummary, type Durations, renderSummary, type SummaryInput } from './summary.js';

const dataset: PreparedDataset = {
  dir: '/data',
  description: 'generated (test)',
  totalBets: 350,
  agencies: [
    { agency: 1, file: 'agency-1.csv', bets: 250, winners: ['111', '222'], invalid: [], rows: 250 },
    { agency: 2, file: 'agency-2.csv', bets: 100, winners: ['333'], invalid: [], rows: 100 },
  ],
  validity: 'manifest',
};

const durations: Durations = {
  total: 5400,
  system: 1690,
  engineCheck: 10,
  images: 260,
  dataset: 1,
  startup: 2080,
  sending: 1650,
  drawWait: 30,
  winners: 10,
  clients: 1740,
  serverStop: 170,
  check: 120,
  cleanup: 270,
};

function agency(n: number, over: Partial<AgencyReport> = {}): AgencyReport {
  const d = dataset.agencies[n - 1]!;
  return { agency: n, service: `client${n}`, betsSent: d.bets, winners: [...d.winners], exitCode: 0, ...over };
}

function result(over: Partial<RunResult> = {}): RunResult {
  return {
    agencies: [agency(1), agency(2)],
    serverExitCode: 0,
    stored: { lines: 350, rows: [], malformed: [], tornTail: false },
    times: { firstConnect: 1000, lastBatch: 2650, draw: 2680, lastWinners: 2690 },
    failLines: [],
    ...over,
  };
}

function check(over: Partial<CheckResult> = {}): CheckResult {
  return {
    valid: true,
    acknowledged: 350,
    stored: 350,
    sets: [
      { name: 'lost', meaning: 'acknowledged to a client but not in bets.csv', count: 0, examples: [] },
      { name: 'unexpected', meaning: "in bets.csv but not a valid bet of its agency's file", count: 0, examples: [] },
      { name: 'duplicated', meaning: 'stored more times than its agency file holds it', count: 0, examples: [] },
    ],
    conditions: [
      { name: 'bets.csv is well formed', ok: true, detail: '350 rows, 0 malformed' },
      { name: 'the draw ran exactly once', ok: true, detail: '1 draw(s), over 350 bets, after all 2 agencies were done' },
    ],
    ...over,
  };
}

function invalidCheck(): CheckResult {
  const valid = check();
  return check({
    valid: false,
    stored: 351,
    sets: valid.sets.map((s) => (s.name === 'duplicated' ? { ...s, count: 1, examples: ['1,A,B,1,2000-01-01,7'] } : s)),
    conditions: valid.conditions.map((c) => (c.name === 'the draw ran exactly once' ? { ...c, ok: false, detail: '2 draws' } : c)),
  });
}

function input(over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    runId: 'abc123',
    clients: 2,
    batchMax: 100,
    dataset,
    result: result(),
    draw: { at: Date.parse('2026-01-01T00:00:02.680Z'), bets: 350, winners: 3 },
    durations,
    errors: [],
    ...over,
  };
}

describe('buildSummary', () => {
  it('is ok when every client exited 0 and bets.csv holds the bets sent; the JSON has the documented shape', () => {
    const s = buildSummary(input());
    const json = JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
    expect(json).toEqual({
      ok: true,
      exitCode: 0,
      reasons: [],
      warnings: [],
      runId: 'abc123',
      clients: 2,
      dataset: { description: 'generated (test)', dir: '/data', totalBets: 350 },
      batchMax: 100,
      betsSent: 350,
      betsStored: 350,
      winners: { '1': ['111', '222'], '2': ['333'] },
      draw: { at: '2026-01-01T00:00:02.680Z', bets: 350, winners: 3 },
      agencies: [
        { agency: 1, service: 'client1', betsInFile: 250, betsSent: 250, winners: 2, expectedWinners: 2, winnersMatch: true, exitCode: 0 },
        { agency: 2, service: 'client2', betsInFile: 100, betsSent: 100, winners: 1, expectedWinners: 1, winnersMatch: true, exitCode: 0 },
      ],
      exitCodes: { client1: 0, client2: 0, server: 0 },
      durationsMs: durations,
      failLines: [],
      scale: 1,
      nemesis: null,
      checker: null,
    });
  });

  it('puts the scale, the nemesis and the checker in the JSON', () => {
    const nemesis = { seed: 42, faults: 6, fired: 5, skipped: 1 };
    const s = buildSummary(input({ scale: 20, nemesis, check: check() }));
    const json = JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
    expect(json).toMatchObject({
      ok: true,
      scale: 20,
      nemesis: { seed: 42, faults: 6, fired: 5, skipped: 1 },
      checker: { valid: true, acknowledged: 350, stored: 350, sets: { lost: 0, missing: 0, unexpected: 0, duplicated: 0 }, failed: [] },
    });
  });

  it('fails when the checker finds the run invalid, naming the sets and conditions', () => {
    const s = buildSummary(input({ check: invalidCheck() }));
    expect(s).toMatchObject({ ok: false, exitCode: 1 });
    expect(s.checker).toEqual({ valid: false, acknowledged: 350, stored: 351, sets: { lost: 0, missing: 0, unexpected: 0, duplicated: 1 }, failed: ['the draw ran exactly once'] });
    expect(s.reasons).toEqual(['the exactly-once checker found the run INVALID (1 duplicated; not: the draw ran exactly once)']);
  });

  it('keeps a checker that could not run as an error, and a nemesis that broke off', () => {
    const s = buildSummary(input({ nemesis: { seed: 7, faults: 6, fired: null, skipped: null }, errors: ['the exactly-once checker could not run: no bets.csv'] }));
    expect(s).toMatchObject({ ok: false, checker: null, nemesis: { seed: 7, fired: null }, reasons: ['the exactly-once checker could not run: no bets.csv'] });
  });

  it('fails when a client exited non-zero or did not exit', () => {
    const s = buildSummary(input({ result: result({ agencies: [agency(1, { exitCode: 1 }), agency(2, { exitCode: undefined })] }) }));
    expect(s.ok).toBe(false);
    expect(s.exitCode).toBe(1);
    expect(s.reasons).toEqual(['client1 exited with code 1', 'client2 did not exit']);
    expect(s.exitCodes).toEqual({ client1: 1, client2: null, server: 0 });
  });

  it('fails when bets.csv does not hold the bets sent', () => {
    const s = buildSummary(input({ result: result({ stored: { lines: 349, rows: [], malformed: [], tornTail: true } }) }));
    expect(s.reasons).toEqual(['bets.csv holds 349 lines but the clients sent 350 bets']);
    expect(s.warnings).toContain('bets.csv ends in the middle of a row');
  });

  it('fails when a client never said what it sent, or when the run broke', () => {
    const s = buildSummary(input({ result: result({ agencies: [agency(1), agency(2, { betsSent: undefined })], stored: { lines: 250, rows: [], malformed: [], tornTail: false } }), errors: ['the clients did not all exit within 300 s'] }));
    expect(s.reasons).toEqual(['the clients did not all exit within 300 s', 'client2 never reported the bets it sent']);
  });

  it('fails without a result, and keeps the shape (nulls, empty lists)', () => {
    const s = buildSummary(input({ result: undefined, draw: undefined, runId: undefined }));
    expect(s).toMatchObject({ ok: false, exitCode: 1, reasons: ['the run produced no result'], betsStored: null, winners: {}, agencies: [], exitCodes: {}, draw: null, runId: null });
  });

  it('warns, without failing, about wrong winners, a server that did not stop cleanly and a partial send', () => {
    const s = buildSummary(
      input({ result: result({ serverExitCode: 137, agencies: [agency(1, { winners: ['111'] }), agency(2, { betsSent: 90 })], stored: { lines: 340, rows: [], malformed: [], tornTail: false } }) }),
    );
    expect(s.ok).toBe(true);
    expect(s.warnings).toEqual([
      "client1's winners differ from the dataset's (1 logged, 2 expected)",
      'client2 sent 90 of the 100 bets in its file',
      'the server exited with code 137 after SIGTERM',
    ]);
    expect(s.agencies[0]?.winnersMatch).toBe(false);
  });

  it('gives null winners to an agency that never got an answer', () => {
    const s = buildSummary(input({ result: result({ agencies: [agency(1), agency(2, { winners: undefined })] }) }));
    expect(s.winners).toEqual({ '1': ['111', '222'], '2': null });
    expect(s.agencies[1]).toMatchObject({ winners: null, winnersMatch: null });
  });

  it('with 0 clients: ok with nothing stored and no draw', () => {
    const s = buildSummary(input({ clients: 0, result: result({ agencies: [], stored: { lines: 0, rows: [], malformed: [], tornTail: false } }), draw: undefined }));
    expect(s).toMatchObject({ ok: true, betsSent: 0, betsStored: 0, winners: {}, exitCodes: { server: 0 }, warnings: [] });
  });
});

describe('renderSummary', () => {
  it('prints the per-agency table, the totals, the draw, the durations and the verdict', () => {
    const text = renderSummary(buildSummary(input()));
    expect(text.split('\n').slice(0, 4)).toEqual([
      'agency  service  in file  sent  winners  exit  first winners',
      '     1  client1      250   250        2     0  111, 222',
      '     2  client2      100   100        1     0  333',
      '   all               350   350        3',
    ]);
    expect(text).toContain('bets stored:  350 lines in bets.csv (clients sent 350)');
    expect(text).toContain('draw:         2026-01-01T00:00:02.680Z, 350 bets, 3 winners');
    expect(text).toContain('system:       1.69 s');
    expect(text).toContain('total:        5.40 s');
    expect(text).toContain('server stop 0.17 s, checker 0.12 s, clean-up 0.27 s)');
    expect(text.trimEnd().endsWith('OK: every client exited 0 and bets.csv holds the 350 bets sent')).toBe(true);
    expect(text).not.toContain('checker:');
    expect(text).not.toContain('nemesis:');
  });

  it("prints the checker's lines, the nemesis and its replay flag", () => {
    const text = renderSummary(buildSummary(input({ nemesis: { seed: 42, faults: 6, fired: 5, skipped: 1 }, check: check() })), check());
    expect(text).toContain('nemesis:      seed 42, 6 faults planned, 5 fired, 1 skipped (target not running) (replay: --seed 42)');
    expect(text).toContain('\nchecker: VALID (350 acknowledged, 350 stored)\n  lost             0  acknowledged to a client but not in bets.csv\n');
    expect(text).toContain('  ok   the draw ran exactly once: 1 draw(s), over 350 bets, after all 2 agencies were done');
    expect(text.trimEnd().endsWith('OK: every client exited 0 and bets.csv holds the 350 bets sent, exactly once')).toBe(true);
  });

  it('prints an invalid check and fails the verdict with it', () => {
    const text = renderSummary(buildSummary(input({ check: invalidCheck(), nemesis: { seed: 3, faults: 2, fired: null, skipped: null } })), invalidCheck());
    expect(text).toContain('nemesis:      seed 3, 2 faults planned, broke off (replay: --seed 3)');
    expect(text).toContain('checker: INVALID (350 acknowledged, 351 stored)');
    expect(text).toContain('  duplicated       1  stored more times than its agency file holds it\n             e.g. 1,A,B,1,2000-01-01,7');
    expect(text).toContain('  FAIL the draw ran exactly once: 2 draws');
    expect(text).toContain('FAILED:\n  - the exactly-once checker found the run INVALID (1 duplicated; not: the draw ran exactly once)');
  });

  it('without the check itself, prints the checker verdict from the summary', () => {
    expect(renderSummary(buildSummary(input({ check: check() })))).toContain('\nchecker: VALID (350 acknowledged, 350 stored)\n');
  });

  it('lists the fail lines, the warnings and why the run failed', () => {
    const text = renderSummary(
      buildSummary(input({ result: result({ failLines: ['server: x action: apuesta_recibida | result: fail'], agencies: [agency(1, { exitCode: 1 }), agency(2)] }) })),
    );
    expect(text).toContain('"result: fail" lines (1):\n  server: x action: apuesta_recibida | result: fail');
    expect(text).toContain('FAILED:\n  - client1 exited with code 1');
  });

  it('shortens long winner lists and shows dashes for what is unknown', () => {
    const many = Array.from({ length: 5 }, (_, i) => String(i));
    const text = renderSummary(buildSummary(input({ result: result({ agencies: [agency(1, { winners: many }), agency(2, { betsSent: undefined, exitCode: undefined, winners: undefined })] }) })));
    expect(text).toContain('0, 1, 2, …');
    expect(text).toMatch(/ 2 {2}client2 +100 +- +- +-/);
  });
});
