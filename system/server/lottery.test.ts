import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BetFields } from '../domain/bet.js';
import { checkBet } from '../domain/validation.js';
import { Logger, MemorySink } from '../log/logger.js';
import { batchOf } from '../protocol/bet-text.js';
import { ErrorCode } from '../protocol/constants.js';
import { makeBet } from '../testing/test-client.js';
import { tempDir } from '../testing/test-server.js';
import { nodeDisk } from '../platform/node-disk.js';
import { BetStore } from './bet-store.js';
import { DrawFailedError, DrawInterruptedError, Lottery, storedRow } from './lottery.js';

let dir: ReturnType<typeof tempDir>;
let store: BetStore;
let lottery: Lottery;
let sink: MemorySink;
beforeEach(async () => {
  dir = tempDir();
  sink = new MemorySink();
  const log = new Logger('INFO', sink);
  store = await BetStore.open(join(dir.path, 'bets.csv'), log, nodeDisk);
  lottery = new Lottery(store, 2, log);
});
afterEach(async () => {
  lottery.shutdown();
  await store.close();
  dir.remove();
});

const bets = (agency: number, from: number, n: number) => Array.from({ length: n }, (_, i) => makeBet(agency, from + i));

describe('Lottery positions', () => {
  it('stores a batch at the next position, drops a repeated prefix, refuses a gap', async () => {
    const a = lottery.accept(1, 0, batchOf(1, 0, bets(1, 0, 10)));
    expect(a.kind).toBe('accepted');
    const overlap = lottery.accept(1, 5, batchOf(1, 5, bets(1, 5, 10)));
    expect(overlap.kind === 'accepted' && overlap.fresh).toBe(5);
    const gap = lottery.accept(1, 20, batchOf(1, 20, bets(1, 20, 1)));
    expect(gap).toMatchObject({ kind: 'rejected', code: ErrorCode.SEQUENCE_GAP });
    const repeat = lottery.accept(1, 0, batchOf(1, 0, bets(1, 0, 15)));
    expect(repeat.kind === 'accepted' && repeat.fresh).toBe(0);
    await store.flush();
    expect(store.storedCount(1)).toBe(15);
  });

  it('refuses a whole batch with one invalid bet, naming its position', () => {
    const b = bets(1, 0, 3);
    const bad = [b[0], { ...b[1], number: '10000' }, b[2]] as typeof b;
    const result = lottery.accept(1, 0, batchOf(1, 0, bad));
    expect(result).toMatchObject({ kind: 'rejected', code: ErrorCode.INVALID_BET });
    expect(result.kind === 'rejected' && result.detail).toMatch(/bet 1 \(position 2 in the batch\)/);
    expect(lottery.accept(1, 0, batchOf(1, 0, b)).kind).toBe('accepted');
  });

  it('refuses every invalid bet with the text rules\' own reason, word for word', () => {
    const good = makeBet(1, 0);
    const invalid = [
      { ...good, firstName: ' \u00a0\u3000' },
      { ...good, lastName: 'a'.repeat(101) },
      { ...good, lastName: '€'.repeat(90) },
      { ...good, firstName: 'Ana\u0085' },
      { ...good, firstName: 'Ana\u007f' },
      { ...good, document: '12a' },
      { ...good, document: '1'.repeat(21) },
      { ...good, document: '' },
      { ...good, birthdate: '1999-3-17' },
      { ...good, birthdate: '2023-02-29' },
      { ...good, birthdate: '1899-12-31' },
      { ...good, birthdate: '2999-01-01' },
      { ...good, birthdate: '１999-03-17' },
      { ...good, number: '10000' },
      { ...good, number: '00000' },
      { ...good, number: '٣' },
      { ...good, number: '' },
    ];
    for (const bet of invalid) {
      const reason = checkBet(1, bet);
      expect(reason, JSON.stringify(bet)).toBeDefined();
      const result = lottery.accept(1, 0, batchOf(1, 0, [good, bet]));
      expect(result, JSON.stringify(bet)).toEqual({ kind: 'rejected', code: ErrorCode.INVALID_BET, detail: `bet 1 (position 2 in the batch): ${reason}` });
    }
    expect(lottery.accept(0, 0, batchOf(0, 0, [good]))).toEqual({ kind: 'rejected', code: ErrorCode.INVALID_BET, detail: `bet 0 (position 1 in the batch): ${checkBet(0, good)}` });
  });

  it('stores each bet as storedRow writes it, names that need quotes among them', async () => {
    const quoted: BetFields = { ...makeBet(1, 1), lastName: 'Ruiz, "el Rulo"' };
    const stored = [makeBet(1, 0), quoted, { ...makeBet(1, 2), firstName: '\u00a0Ana', number: '007' }, makeBet(1, 3)];
    expect(lottery.accept(1, 0, batchOf(1, 0, stored)).kind).toBe('accepted');
    await store.flush();
    expect(readFileSync(store.path, 'utf8')).toBe(stored.map((b) => storedRow(1, b)).join(''));
    expect(storedRow(1, quoted)).toBe(`1,${quoted.firstName},"Ruiz, ""el Rulo""",${quoted.document},${quoted.birthdate},${Number(quoted.number)}\n`);
  });

  it('draws once when the expected agencies are done; later batches are refused', async () => {
    lottery.accept(1, 0, batchOf(1, 0, bets(1, 0, 200)));
    lottery.accept(2, 0, batchOf(2, 0, bets(2, 0, 200)));
    await lottery.notifyDone(1);
    expect(lottery.drawDone).toBe(false);
    await lottery.notifyDone(2);
    const w1 = await lottery.winnersOf(1);
    const w2 = await lottery.winnersOf(2);
    const expected = (a: number) => bets(a, 0, 200).filter((b) => b.number === '7574').map((b) => b.document);
    expect(w1).toEqual(expected(1));
    expect(w2).toEqual(expected(2));
    await lottery.notifyDone(2);
    expect(sink.lines.filter((l) => l.includes('action: sorteo | result: success'))).toHaveLength(1);
    expect(lottery.accept(1, 200, batchOf(1, 200, bets(1, 200, 1)))).toMatchObject({ kind: 'rejected', code: ErrorCode.BETTING_CLOSED });
  });

  it('a restarted server recovers the recorded draw (sorteo_recuperado) instead of drawing again', async () => {
    lottery.accept(1, 0, batchOf(1, 0, bets(1, 0, 300)));
    lottery.accept(2, 0, batchOf(2, 0, bets(2, 0, 300)));
    await lottery.notifyDone(1);
    await lottery.notifyDone(2);
    const before = await lottery.winnersOf(1);
    await store.close();

    store = await BetStore.open(join(dir.path, 'bets.csv'), new Logger('INFO', sink), nodeDisk);
    expect(store.recordedDraw).toEqual({ bets: 600, winners: before.length + (await lottery.winnersOf(2)).length });
    lottery = new Lottery(store, 2, new Logger('INFO', sink));
    lottery.start();
    expect(await lottery.winnersOf(1)).toEqual(before);
    expect(sink.lines.filter((l) => l.includes('action: sorteo | result: success'))).toHaveLength(1);
    expect(sink.lines.filter((l) => l.includes('action: sorteo_recuperado | result: success | apuestas: 600'))).toHaveLength(1);
  });

  it('refuses to serve winners when the stored bets no longer match the recorded draw', async () => {
    lottery.accept(1, 0, batchOf(1, 0, bets(1, 0, 100)));
    lottery.accept(2, 0, batchOf(2, 0, bets(2, 0, 100)));
    await lottery.notifyDone(1);
    await lottery.notifyDone(2);
    await lottery.winnersOf(1);
    await store.recordDraw({ bets: 150, winners: 0 });
    await store.close();
    store = await BetStore.open(join(dir.path, 'bets.csv'), new Logger('INFO', sink), nodeDisk);
    lottery = new Lottery(store, 2, new Logger('INFO', sink));
    lottery.start();
    await expect(lottery.winnersOf(1)).rejects.toThrow(DrawFailedError);
    await expect(lottery.winnersOf(1)).rejects.toThrow(/differ from the recorded draw \(150 bets/);
  });

  it('a draw that storage fails under is drawn again at the next winners query, and recorded once', async () => {
    lottery.accept(1, 0, batchOf(1, 0, bets(1, 0, 100)));
    lottery.accept(2, 0, batchOf(2, 0, bets(2, 0, 100)));
    const scan = store.scan.bind(store);
    let failures = 1;
    store.scan = (onLine) => (failures-- > 0 ? Promise.reject(new Error('EIO: i/o error, read')) : scan(onLine));
    await lottery.notifyDone(1);
    await lottery.notifyDone(2);
    await expect(lottery.winnersOf(1)).rejects.toThrow(DrawInterruptedError);
    expect(lottery.accept(1, 100, batchOf(1, 100, bets(1, 100, 1)))).toMatchObject({ kind: 'rejected', code: ErrorCode.BETTING_CLOSED });
    const [w1, w2] = await Promise.all([lottery.winnersOf(1), lottery.winnersOf(2)]);
    expect(lottery.drawDone).toBe(true);
    expect(w1.length + w2.length).toBe(store.recordedDraw?.winners);
    expect(store.recordedDraw?.bets).toBe(200);
    expect(sink.lines.filter((l) => l.includes('action: sorteo |'))).toEqual([
      expect.stringMatching(/action: sorteo \| result: fail \| error: EIO/),
      expect.stringMatching(/action: sorteo \| result: success \| apuestas: 200/),
    ]);
  });

  it('after shutdown an interrupted draw is not drawn again: the query is told the server is shutting down', async () => {
    lottery.accept(1, 0, batchOf(1, 0, bets(1, 0, 10)));
    lottery.accept(2, 0, batchOf(2, 0, bets(2, 0, 10)));
    const scan = store.scan.bind(store);
    let scans = 0;
    store.scan = (onLine) => (scans++ === 0 ? Promise.reject(new Error('EIO: i/o error, read')) : scan(onLine));
    await lottery.notifyDone(1);
    await lottery.notifyDone(2);
    await expect(lottery.winnersOf(1)).rejects.toThrow(DrawInterruptedError);
    lottery.shutdown();
    await expect(lottery.winnersOf(1)).rejects.toThrow(/shutting down/);
    await lottery.drawSettled();
    expect(scans).toBe(1);
    expect(store.recordedDraw).toBeUndefined();
  });

  it('shutdown wakes a waiting winners query', async () => {
    const waiting = lottery.winnersOf(1);
    lottery.shutdown();
    await expect(waiting).rejects.toThrow(/shutting down/);
  });
});

describe('storedRow', () => {
  it('follows the bets.csv column order and quotes only names that need it', () => {
    const bet = { firstName: 'Zoë', lastName: 'Peña, "Jr."', document: '00412345', birthdate: '2000-02-29', number: '0007' };
    expect(storedRow(2, bet)).toBe('2,Zoë,"Peña, ""Jr.""",00412345,2000-02-29,7\n');
    expect(storedRow(2, { ...bet, number: '0' })).toBe('2,Zoë,"Peña, ""Jr.""",00412345,2000-02-29,0\n');
    expect(storedRow(2, { ...bet, number: '7574' }).endsWith(',7574\n')).toBe(true);
  });
});
