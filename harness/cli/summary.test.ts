import { describe, expect, it } from 'vitest';
import type { PreparedDataset } from '../datasets/datasets.js';
import type { AgencyReport, RunResult } from '../results/run-result.js';
import { buildSummary, type Durations, renderSummary, type SummaryInput } from './summary.js';

const dataset: PreparedDataset = {
  dir: '/data',
  description: 'generated (test)',
  totalBets: 350,
  agencies: [
    { agency: 1, file: 'agency-1.csv', bets: 250, winners: ['111', '222'] },
    { agency: 2, file: 'agency-2.csv', bets: 100, winners: ['333'] },
  ],
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
    });
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
    expect(text.trimEnd().endsWith('OK: every client exited 0 and bets.csv holds the 350 bets sent')).toBe(true);
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
