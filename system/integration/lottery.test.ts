/** The whole system in one process over loopback: agencies, draw, winners, notifications. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIZES, generateDataset } from '../../testbed/dataset/dataset.js';
import { ErrorCode } from '../protocol/constants.js';
import { encodeDone, encodeHello, encodeWinnersQuery } from '../protocol/serializer.js';
import { RawPeer } from '../testing/raw-peer.js';
import { startTestClient, writeAgencyFile } from '../testing/test-client.js';
import { eventually, linesOf, startTestServer, tempDir } from '../testing/test-server.js';
import { countByAgency, duplicates, readStoredRows } from './stored-rows.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

async function runAgencies(agencies: number, betsPer: (a: number) => number) {
  const ts = await startTestServer(dir.path, { agencies });
  try {
    const expected = new Map<number, string[]>();
    const runs = [];
    for (let a = 1; a <= agencies; a++) {
      const file = join(dir.path, `agency-${a}.csv`);
      expected.set(a, writeAgencyFile(file, a, betsPer(a)));
      runs.push(startTestClient(ts.port, a, file));
    }
    const outcomes = await Promise.all(runs.map((r) => r.outcome));
    return { ts, expected, outcomes, runs };
  } finally {
    await ts.stop();
  }
}

describe('agencies against one server', () => {
  it('5 agencies on the default dataset (78,697 bets): every bet stored once, each agency exactly the manifest\'s winners', async () => {
    const manifest = await generateDataset({ dir: join(dir.path, 'data') });
    expect(manifest.agencies.map((a) => a.bets)).toEqual([...DEFAULT_SIZES]);
    const ts = await startTestServer(dir.path, { agencies: 5 });
    try {
      const runs = manifest.agencies.map((a) => startTestClient(ts.port, a.agency, join(dir.path, 'data', a.file)));
      const outcomes = await Promise.all(runs.map((r) => r.outcome));
      outcomes.forEach((o, i) => expect(o).toMatchObject({ kind: 'finished', bets: manifest.agencies[i]?.bets, winners: manifest.agencies[i]?.winners }));
    } finally {
      await ts.stop();
    }
    const rows = readStoredRows(ts.betsFile);
    expect(rows).toHaveLength(78_697);
    expect(duplicates(rows)).toEqual([]);
    expect(Object.fromEntries(countByAgency(rows))).toEqual(Object.fromEntries(manifest.agencies.map((a) => [a.agency, a.bets])));
    expect(linesOf(ts.sink, 'sorteo', 'success')[0]).toMatch(/apuestas: 78697 \| ganadores: 47$/);
  });


  it('50 agencies at once: every bet stored once, each agency gets exactly its own winners', async () => {
    const { ts, expected, outcomes } = await runAgencies(50, (a) => 200 + a * 7);
    const rows = readStoredRows(ts.betsFile);
    expect(duplicates(rows)).toEqual([]);
    const counts = countByAgency(rows);
    for (let a = 1; a <= 50; a++) expect(counts.get(a)).toBe(200 + a * 7);
    outcomes.forEach((o, i) => {
      expect(o.kind).toBe('finished');
      if (o.kind === 'finished') expect([...o.winners]).toEqual(expected.get(i + 1));
    });
    expect(linesOf(ts.sink, 'sorteo', 'success')).toHaveLength(1);
    expect(ts.sink.lines.filter((l) => l.includes('result: fail'))).toEqual([]);
  });

  it('the draw comes after every stored batch and before every winners answer', async () => {
    const { ts } = await runAgencies(3, () => 450);
    const lines = ts.sink.lines;
    const draw = lines.findIndex((l) => l.includes('action: sorteo |'));
    const lastBatch = lines.map((l, i) => (l.includes('action: apuesta_recibida |') ? i : -1)).reduce((a, b) => Math.max(a, b));
    const firstAnswer = lines.findIndex((l) => l.includes('action: consulta_ganadores |'));
    expect(lastBatch).toBeGreaterThan(0);
    expect(draw).toBeGreaterThan(lastBatch);
    expect(firstAnswer).toBeGreaterThan(draw);
  });
});

describe('notifications and queries', () => {
  it('a repeated notify counts once: with 2 agencies expected, agency 1 notifying twice does not draw', async () => {
    const ts = await startTestServer(dir.path, { agencies: 2 });
    const peer = await RawPeer.connect(ts.port);
    try {
      peer.write(encodeHello({ agency: 1 }));
      expect((await peer.next())?.type).toBe('status');
      peer.write([encodeDone({ agency: 1 }), encodeDone({ agency: 1 }), encodeWinnersQuery({ agency: 1 })]);
      await eventually(() => linesOf(ts.sink, 'notificacion_recibida').length === 2, 5000, 'two notify lines');
      expect(await peer.silentFor(300)).toBe(true);
      expect(linesOf(ts.sink, 'sorteo')).toHaveLength(0);
      expect(ts.server.lottery.drawDone).toBe(false);
    } finally {
      peer.destroy();
      await ts.stop();
    }
  });

  it('a query before the draw is answered only after the draw, with no partial data', async () => {
    const ts = await startTestServer(dir.path, { agencies: 2 });
    const early = await RawPeer.connect(ts.port);
    try {
      early.write([encodeHello({ agency: 1 })]);
      await early.next();
      early.write([encodeDone({ agency: 1 }), encodeWinnersQuery({ agency: 1 })]);
      expect(await early.silentFor(300)).toBe(true);
      const file = join(dir.path, 'agency-2.csv');
      writeAgencyFile(file, 2, 300);
      const late = startTestClient(ts.port, 2, file);
      const outcome = await late.outcome;
      expect(outcome.kind).toBe('finished');
      const answer = await early.next();
      expect(answer).toEqual({ type: 'winners', agency: 1, last: true, documents: [] });
      if (outcome.kind === 'finished') expect(outcome.winners.length).toBeGreaterThan(0);
    } finally {
      early.destroy();
      await ts.stop();
    }
  });

  it('winners isolation: a connection cannot ask for another agency, and is told why', async () => {
    const ts = await startTestServer(dir.path, { agencies: 1 });
    const peer = await RawPeer.connect(ts.port);
    try {
      peer.write(encodeHello({ agency: 1 }));
      await peer.next();
      peer.write(encodeWinnersQuery({ agency: 2 }));
      const answer = await peer.next();
      expect(answer).toMatchObject({ type: 'error', code: ErrorCode.AGENCY_MISMATCH });
      await peer.closed;
      expect(linesOf(ts.sink, 'consulta_ganadores')).toHaveLength(0);
    } finally {
      peer.destroy();
      await ts.stop();
    }
  });
});
