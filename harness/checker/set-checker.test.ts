import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Datasets } from '../datasets/datasets.js';
import { parseBetsCsv } from '../results/run-result.js';
import { Timeline } from '../run/timeline.js';
import { checkRun, logRecords } from './check-run.js';
import { type CheckedAgency, checkExactlyOnce, describeCheck, type LogRecord, type RunEvent, type ValidBet } from './set-checker.js';

// Agency 1: Ana bets twice with the same document (different numbers); one row appears twice.
const VALID_1: ValidBet[] = [
  ['Ana', 'Pérez', '30111222', '1990-01-02', '7574'],
  ['Ana', 'Pérez', '30111222', '1990-01-02', '12'],
  ['Luis', 'Gómez', '20999888', '1985-05-06', '0042'],
  ['Luis', 'Gómez', '20999888', '1985-05-06', '0042'],
];
const VALID_2: ValidBet[] = [
  ['Eva', 'Núñez', '40111222', '2000-02-29', '7574'],
  ['Juan', 'Paz', '41000000', '1970-07-07', '9999'],
];

const ROWS_1 = ['1,Ana,Pérez,30111222,1990-01-02,7574', '1,Ana,Pérez,30111222,1990-01-02,12', '1,Luis,Gómez,20999888,1985-05-06,42', '1,Luis,Gómez,20999888,1985-05-06,42'];
const ROWS_2 = ['2,Eva,Núñez,40111222,2000-02-29,7574', '2,Juan,Paz,41000000,1970-07-07,9999'];

const event = (source: string, action: string, details: Record<string, string> = {}, result = 'success'): LogRecord => ({ source, action, result, details });

/** What the processes logged, in order: the acknowledged counts, both notices, `draws` draws. */
function events(acked: { client1: number; client2: number }, draws = 1): LogRecord[] {
  return [
    ...Object.entries(acked).map(([service, n]) => event(service, 'apuestas_enviadas', { cantidad: String(n), enviadas: String(n) })),
    event('server', 'notificacion_recibida', { agencia: '1', agencias_listas: '1/2' }),
    event('server', 'notificacion_recibida', { agencia: '2', agencias_listas: '2/2' }),
    ...Array.from({ length: draws }, () => event('server', 'sorteo', { apuestas: '6', ganadores: '2' })),
  ];
}

const agencies = (w1: string[] = ['30111222'], w2: string[] = ['40111222']): CheckedAgency[] => [
  { agency: 1, service: 'client1', validBets: VALID_1, expectedWinners: ['30111222'], winners: w1 },
  { agency: 2, service: 'client2', validBets: VALID_2, expectedWinners: ['40111222'], winners: w2 },
];

async function check(rows: string[], e: readonly RunEvent[] = events({ client1: 4, client2: 2 }), a = agencies()) {
  return checkExactlyOnce({ agencies: a, events: e, stored: await parseBetsCsv(rows.map((r) => `${r}\n`).join('')) });
}

const set = (result: Awaited<ReturnType<typeof check>>, name: string) => result.sets.find((s) => s.name === name);

describe('the exactly-once checker, a pure function of rows, log events and valid bets', () => {
  it('is valid when every acknowledged bet is stored once; the same document twice and a row the file holds twice are not duplicates', async () => {
    const result = await check([...ROWS_1, ...ROWS_2]);
    expect(result.valid, describeCheck(result)).toBe(true);
    expect(result.sets.map((s) => [s.name, s.count])).toEqual([['lost', 0], ['missing', 0], ['unexpected', 0], ['duplicated', 0]]);
    expect(result).toMatchObject({ acknowledged: 6, stored: 6 });
  });

  it('finds a lost bet: acknowledged, not stored (and so missing too)', async () => {
    const result = await check([...ROWS_1.slice(0, 3), ...ROWS_2]);
    expect(result.valid).toBe(false);
    expect(set(result, 'lost')).toMatchObject({ count: 1, examples: ['1,Luis,Gómez,20999888,1985-05-06,42'] });
    expect(set(result, 'missing')).toMatchObject({ count: 1, examples: ['1,Luis,Gómez,20999888,1985-05-06,42'] });
  });

  it('names a valid bet its client never sent as missing, wherever it lies in the file', async () => {
    const result = await check([ROWS_1[0] as string, ...ROWS_1.slice(2), ...ROWS_2], events({ client1: 3, client2: 2 }));
    expect(set(result, 'missing')).toMatchObject({ count: 1, examples: ['1,Ana,Pérez,30111222,1990-01-02,12'] });
    expect(result.valid).toBe(false);
  });

  it('a bet stored but never acknowledged is not lost (a crash before the answer), but then the agency is unfinished', async () => {
    const result = await check([...ROWS_1, ...ROWS_2], events({ client1: 2, client2: 2 }));
    expect(result.sets.every((s) => s.count === 0)).toBe(true);
    expect(result.conditions.find((c) => c.name.includes('acknowledged'))).toMatchObject({ ok: false, detail: 'client1: 2 of 4' });
  });

  it('counts bets the server confirmed by status after a crash (reanudar) as acknowledged: their answers were lost, they are not sent again', async () => {
    const resumed = [...events({ client1: 2, client2: 2 }), event('client1', 'reanudar', { apuestas_guardadas: '4' }, 'in_progress')];
    const result = await check([...ROWS_1, ...ROWS_2], resumed);
    expect(result.valid).toBe(true);
    expect(result.acknowledged).toBe(6);
    // The same status lines do not hide a loss: what the server said it stored must be there.
    const lost = await check([...ROWS_1.slice(0, 3), ...ROWS_2], resumed);
    expect(set(lost, 'lost')).toMatchObject({ count: 1 });
  });

  it('finds an unexpected row and a duplicated one (identity is the whole row plus the agency)', async () => {
    const result = await check([...ROWS_1, ...ROWS_2, '2,Ana,Pérez,30111222,1990-01-02,7574', '2,Juan,Paz,41000000,1970-07-07,9999']);
    expect(set(result, 'unexpected')).toMatchObject({ count: 1, examples: ['2,Ana,Pérez,30111222,1990-01-02,7574'] });
    expect(set(result, 'duplicated')).toMatchObject({ count: 1, examples: ['2,Juan,Paz,41000000,1970-07-07,9999'] });
    expect(result.valid).toBe(false);
  });

  it('a row stored under another agency is unexpected there and missing from its own', async () => {
    const result = await check([...ROWS_1.slice(0, 3), '2,Luis,Gómez,20999888,1985-05-06,42', ...ROWS_2]);
    expect(set(result, 'unexpected')).toMatchObject({ count: 1, examples: ['2,Luis,Gómez,20999888,1985-05-06,42'] });
    expect(set(result, 'missing')).toMatchObject({ count: 1, examples: ['1,Luis,Gómez,20999888,1985-05-06,42'] });
  });

  it('fails on a second draw, a draw that missed bets, wrong winners, and a torn bets.csv', async () => {
    expect((await check([...ROWS_1, ...ROWS_2], events({ client1: 4, client2: 2 }, 2))).conditions[2]).toMatchObject({ ok: false, detail: '2 draws' });
    expect((await check([...ROWS_1, ...ROWS_2], events({ client1: 4, client2: 2 }, 0))).conditions[2]).toMatchObject({ ok: false });
    const wrong = await check([...ROWS_1, ...ROWS_2], undefined, agencies(['30111222'], []));
    expect(wrong.conditions[3]).toMatchObject({ ok: false, detail: 'client2 reported 0, the dataset has 1' });
    const torn = checkExactlyOnce({ agencies: agencies(), events: events({ client1: 4, client2: 2 }), stored: await parseBetsCsv([...ROWS_1, ...ROWS_2].join('\n')) });
    expect(torn.conditions[0]).toMatchObject({ ok: false });
  });

  it('the draw before the last notice fails', async () => {
    const e = events({ client1: 4, client2: 2 });
    const draw = e.pop() as LogRecord;
    e.splice(3, 0, draw);
    expect((await check([...ROWS_1, ...ROWS_2], e)).conditions[2]).toMatchObject({ ok: false, detail: 'the draw ran before every agency was done' });
  });

  it('a recovered draw with the same totals is fine; a different one is not', async () => {
    const same = [...events({ client1: 4, client2: 2 }), event('server', 'sorteo_recuperado', { apuestas: '6', ganadores: '2' })];
    expect((await check([...ROWS_1, ...ROWS_2], same)).valid).toBe(true);
    const other = [...events({ client1: 4, client2: 2 }), event('server', 'sorteo_recuperado', { apuestas: '5', ganadores: '2' })];
    expect((await check([...ROWS_1, ...ROWS_2], other)).conditions[2]).toMatchObject({ ok: false });
  });
});

describe('a draw recorded but never logged as sorteo (its server life killed in between)', () => {
  const recovered = (apuestas = '6') => event('server', 'sorteo_recuperado', { apuestas, ganadores: '2' });
  const killed = { source: 'server', ended: 'unclean' } as const;
  const exited = { source: 'server', ended: 'clean' } as const;
  const noDraw = () => events({ client1: 4, client2: 2 }, 0);
  const drawOf = async (e: readonly RunEvent[]) => (await check([...ROWS_1, ...ROWS_2], e)).conditions[2];

  it('is valid: no sorteo, a server life killed, then sorteo_recuperado with the stored totals', async () => {
    const result = await check([...ROWS_1, ...ROWS_2], [...noDraw(), killed, recovered()]);
    expect(result.valid, describeCheck(result)).toBe(true);
    expect(result.conditions[2]?.detail).toMatch(/^0 draws logged \(a server life was killed after recording it\), recovered, over 6 bets/);
    expect((await drawOf([...noDraw(), killed, recovered(), killed, recovered()]))?.ok).toBe(true);
  });

  it('stays red when no server life was killed before the first sorteo_recuperado', async () => {
    expect(await drawOf([...noDraw(), recovered()])).toMatchObject({ ok: false, detail: '0 draws, yet a restarted server recovered one, with no server life killed before it' });
    expect((await drawOf([...noDraw(), exited, recovered()]))?.ok).toBe(false);
    expect((await drawOf([...noDraw(), recovered(), killed, recovered()]))?.ok).toBe(false);
    expect((await drawOf([...noDraw(), { source: 'client1', ended: 'unclean' }, recovered()]))?.ok).toBe(false);
  });

  it('stays red for totals that differ from the stored rows or from each other, and for two sorteo', async () => {
    expect(await drawOf([...noDraw(), killed, recovered('5')])).toMatchObject({ ok: false, detail: 'the draw counted 5 bets but bets.csv holds 6' });
    expect((await drawOf([...noDraw(), killed, recovered(), killed, recovered('5')]))?.ok).toBe(false);
    expect(await drawOf([...events({ client1: 4, client2: 2 }, 2), killed, recovered()])).toMatchObject({ ok: false, detail: '2 draws' });
  });

  it('stays red when the recovered draw came before every agency was done', async () => {
    const e = noDraw();
    expect(await drawOf([...e.slice(0, 2), killed, recovered(), ...e.slice(2)])).toMatchObject({ ok: false, detail: 'the draw ran before every agency was done' });
  });

  it('a Docker run says so with the exit code: 137 (SIGKILL) is a killed life, 0 or 1 an exit', () => {
    const timeline = new Timeline();
    timeline.addLine('server', 'action: apuesta_recibida | result: success | cantidad: 1');
    for (const code of [137, 0, 1, 143]) timeline.add({ at: 0, source: 'server', kind: 'exit', text: `server exited with code ${code}`, event: undefined, exitCode: code });
    expect(logRecords(timeline)).toEqual([
      { source: 'server', action: 'apuesta_recibida', result: 'success', details: { cantidad: '1' } },
      { source: 'server', ended: 'unclean' },
      { source: 'server', ended: 'clean' },
      { source: 'server', ended: 'clean' },
      { source: 'server', ended: 'unclean' },
    ]);
  });
});

describe('what a restarted process says counts as well', () => {
  it("a client's reanudar (the count the server holds) acknowledges those bets: killed before its last answer, it has nothing left to send", async () => {
    const e = events({ client1: 2, client2: 2 });
    const resumed = [...e.slice(0, 2), event('client1', 'reanudar', { agencia: '1', apuestas_guardadas: '4' }, 'in_progress'), ...e.slice(2)];
    const result = await check([...ROWS_1, ...ROWS_2], resumed);
    expect(result.valid, describeCheck(result)).toBe(true);
    expect(result.acknowledged).toBe(6);
    // And what the server said it held must be there: otherwise those bets are lost.
    expect(set(await check([...ROWS_1.slice(0, 3), ...ROWS_2], resumed), 'lost')).toMatchObject({ count: 1 });
  });

  it('a restarted server that found every agency done in its journal (abrir_almacenamiento done: N, agencias_esperadas: N) is a done notice', async () => {
    const e = events({ client1: 4, client2: 2 }).filter((r) => r.action !== 'notificacion_recibida');
    const open = (done: string) => [event('server', 'abrir_almacenamiento', { bets: '6', agencies: '2', done }), event('server', 'servidor_escuchando', { agencias_esperadas: '2' })];
    const draw = e.pop() as LogRecord;
    expect((await check([...ROWS_1, ...ROWS_2], [...e, ...open('2'), draw])).valid).toBe(true);
    expect((await check([...ROWS_1, ...ROWS_2], [...e, ...open('1'), draw])).conditions[2]).toMatchObject({ ok: false, detail: 'no notice that every agency was done' });
    expect((await check([...ROWS_1, ...ROWS_2], [...e, draw, ...open('2')])).conditions[2]).toMatchObject({ ok: false, detail: 'the draw ran before every agency was done' });
  });
});

describe('checkRun: the checker fed from a run (dataset, timeline, bets.csv)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tp0-checker-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("judges a folder's rows by the testbed's rules: an invalid row that got stored is unexpected", async () => {
    writeFileSync(join(dir, 'agency-1.csv'), ['Ana,Pérez,30111222,1990-01-02,7574', 'Ana,Pérez,30111222,1990-01-02,12', 'Luis,Gómez,20999888,1985-05-06,0042', 'Luis,Gómez,20999888,1985-05-06,0042'].join('\n') + '\n');
    writeFileSync(join(dir, 'agency-2.csv'), ['Eva,Núñez,40111222,2000-02-29,7574', 'bad,row,x,1990-13-01,5', 'Juan,Paz,41000000,1970-07-07,9999'].join('\r\n') + '\r\n');
    const dataset = await Datasets.folder(dir).prepare();
    expect(dataset.agencies.map((a) => [a.bets, a.winners, a.invalid])).toEqual([
      [4, ['30111222'], []],
      [2, ['40111222'], [{ line: 2, reason: 'document "x" is not all digits' }]],
    ]);
    const timeline = new Timeline();
    for (const e of events({ client1: 4, client2: 2 })) timeline.addLine(e.source, `action: ${e.action} | result: ${e.result}${Object.entries(e.details).map(([k, v]) => ` | ${k}: ${v}`).join('')}`);
    const run = { dataset, timeline, agencies: [{ agency: 1, service: 'client1', winners: ['30111222'] }, { agency: 2, service: 'client2', winners: ['40111222'] }] };
    const good = await checkRun({ ...run, stored: await parseBetsCsv([...ROWS_1, ...ROWS_2].map((r) => `${r}\n`).join('')) });
    expect(good.valid, describeCheck(good)).toBe(true);
    const bad = await checkRun({ ...run, stored: await parseBetsCsv([...ROWS_1, ...ROWS_2, '2,bad,row,x,1990-13-01,5'].map((r) => `${r}\n`).join('')) });
    expect(bad.sets.find((s) => s.name === 'unexpected')).toMatchObject({ count: 1, examples: ['2,bad,row,x,1990-13-01,5'] });
  });
});
