import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PreparedDataset } from '../datasets/datasets.js';
import { parseBetsCsv } from '../results/run-result.js';
import { Timeline } from '../run/timeline.js';
import { checkRun, describeCheck } from './set-checker.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp0-checker-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Agency 1: Ana bets twice with the same document (different numbers); one row appears twice.
const AGENCY_1 = ['Ana,Pérez,30111222,1990-01-02,7574', 'Ana,Pérez,30111222,1990-01-02,12', 'Luis,Gómez,20999888,1985-05-06,0042', 'Luis,Gómez,20999888,1985-05-06,0042'];
const AGENCY_2 = ['Eva,Núñez,40111222,2000-02-29,7574', 'bad,row,x,1990-13-01,5', 'Juan,Paz,41000000,1970-07-07,9999'];

function dataset(): PreparedDataset {
  writeFileSync(join(dir, 'agency-1.csv'), AGENCY_1.join('\n') + '\n');
  writeFileSync(join(dir, 'agency-2.csv'), AGENCY_2.join('\r\n') + '\r\n');
  return {
    dir,
    description: 'test',
    totalBets: 6,
    agencies: [
      { agency: 1, file: 'agency-1.csv', bets: 4, winners: ['30111222'] },
      { agency: 2, file: 'agency-2.csv', bets: 2, winners: ['40111222'] },
    ],
  };
}

const ROWS_1 = ['1,Ana,Pérez,30111222,1990-01-02,7574', '1,Ana,Pérez,30111222,1990-01-02,12', '1,Luis,Gómez,20999888,1985-05-06,42', '1,Luis,Gómez,20999888,1985-05-06,42'];
const ROWS_2 = ['2,Eva,Núñez,40111222,2000-02-29,7574', '2,Juan,Paz,41000000,1970-07-07,9999'];

function timeline(acked: { client1: number; client2: number }, draws = 1): Timeline {
  const t = new Timeline();
  for (const [service, n] of Object.entries(acked)) t.addLine(service, `action: apuestas_enviadas | result: success | cantidad: ${n} | enviadas: ${n}`);
  t.addLine('server', 'action: notificacion_recibida | result: success | agencia: 1 | agencias_listas: 1/2');
  t.addLine('server', 'action: notificacion_recibida | result: success | agencia: 2 | agencias_listas: 2/2');
  for (let i = 0; i < draws; i++) t.addLine('server', 'action: sorteo | result: success | apuestas: 6 | ganadores: 2');
  return t;
}

const agencies = (w1: string[] = ['30111222'], w2: string[] = ['40111222']) => [
  { agency: 1, service: 'client1', winners: w1 },
  { agency: 2, service: 'client2', winners: w2 },
];

async function check(rows: string[], t = timeline({ client1: 4, client2: 2 }), a = agencies()) {
  return checkRun({ dataset: dataset(), agencies: a, timeline: t, stored: parseBetsCsv(rows.map((r) => `${r}\n`).join('')) });
}

describe('the exactly-once checker', () => {
  it('is valid when every acknowledged bet is stored once; the same document twice and a row the file holds twice are not duplicates', async () => {
    const result = await check([...ROWS_1, ...ROWS_2]);
    expect(result.valid, describeCheck(result)).toBe(true);
    expect(result.sets.map((s) => [s.name, s.count])).toEqual([['lost', 0], ['unexpected', 0], ['duplicated', 0]]);
    expect(result).toMatchObject({ acknowledged: 6, stored: 6 });
  });

  it('finds a lost bet: acknowledged, not stored', async () => {
    const result = await check([...ROWS_1.slice(0, 3), ...ROWS_2]);
    expect(result.valid).toBe(false);
    expect(result.sets[0]).toMatchObject({ name: 'lost', count: 1, examples: ['1,Luis,Gómez,20999888,1985-05-06,42'] });
  });

  it('a bet stored but never acknowledged is not lost (a crash before the answer), but then the agency is unfinished', async () => {
    const result = await check([...ROWS_1, ...ROWS_2], timeline({ client1: 2, client2: 2 }));
    expect(result.sets.every((s) => s.count === 0)).toBe(true);
    expect(result.conditions.find((c) => c.name.includes('acknowledged'))).toMatchObject({ ok: false, detail: 'client1: 2 of 4' });
  });

  it('finds an unexpected row and a duplicated one (identity is the whole row plus the agency)', async () => {
    const result = await check([...ROWS_1, ...ROWS_2, '2,Ana,Pérez,30111222,1990-01-02,7574', '2,Juan,Paz,41000000,1970-07-07,9999']);
    expect(result.sets[1]).toMatchObject({ name: 'unexpected', count: 1, examples: ['2,Ana,Pérez,30111222,1990-01-02,7574'] });
    expect(result.sets[2]).toMatchObject({ name: 'duplicated', count: 1, examples: ['2,Juan,Paz,41000000,1970-07-07,9999'] });
    expect(result.valid).toBe(false);
  });

  it('an invalid row of a file (never sent by its client) that got stored is unexpected', async () => {
    const result = await check([...ROWS_1, ...ROWS_2, '2,bad,row,x,1990-13-01,5']);
    expect(result.sets[1]).toMatchObject({ name: 'unexpected', count: 1, examples: ['2,bad,row,x,1990-13-01,5'] });
    expect(result.conditions[0]).toMatchObject({ ok: true });
  });

  it('fails on a second draw, a draw that missed bets, wrong winners, and a torn bets.csv', async () => {
    expect((await check([...ROWS_1, ...ROWS_2], timeline({ client1: 4, client2: 2 }, 2))).conditions[2]).toMatchObject({ ok: false, detail: '2 draws' });
    expect((await check([...ROWS_1, ...ROWS_2], timeline({ client1: 4, client2: 2 }, 0))).conditions[2]).toMatchObject({ ok: false });
    const wrong = await check([...ROWS_1, ...ROWS_2], undefined, agencies(['30111222'], []));
    expect(wrong.conditions[3]).toMatchObject({ ok: false, detail: 'client2 reported 0, the manifest has 1' });
    const torn = await checkRun({ dataset: dataset(), agencies: agencies(), timeline: timeline({ client1: 4, client2: 2 }), stored: parseBetsCsv([...ROWS_1, ...ROWS_2].join('\n')) });
    expect(torn.conditions[0]).toMatchObject({ ok: false });
  });

  it('a recovered draw with the same totals is fine; a different one is not', async () => {
    const same = timeline({ client1: 4, client2: 2 });
    same.addLine('server', 'action: sorteo_recuperado | result: success | apuestas: 6 | ganadores: 2');
    expect((await check([...ROWS_1, ...ROWS_2], same)).valid).toBe(true);
    const other = timeline({ client1: 4, client2: 2 });
    other.addLine('server', 'action: sorteo_recuperado | result: success | apuestas: 5 | ganadores: 2');
    expect((await check([...ROWS_1, ...ROWS_2], other)).conditions[2]).toMatchObject({ ok: false });
  });
});
