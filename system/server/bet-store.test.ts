import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Logger, MemorySink } from '../log/logger.js';
import { tempDir } from '../testing/test-server.js';
import { nodeDisk } from '../platform/node-disk.js';
import { BetStore } from './bet-store.js';
import { encodeSlot } from './commit-log.js';

let dir: ReturnType<typeof tempDir>;
let path: string;
let sink: MemorySink;
let log: Logger;
beforeEach(() => {
  dir = tempDir();
  path = join(dir.path, 'out', 'bets.csv');
  sink = new MemorySink();
  log = new Logger('DEBUG', sink);
});
afterEach(() => dir.remove());

const rowText = (agency: number, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `${agency},Ana,Pérez,${from + i},1990-01-01,${from + i}\n`).join('');
const rows = (agency: number, from: number, n: number) => Buffer.from(rowText(agency, from, n), 'utf8');

describe('BetStore', () => {
  it('appends durably and counts per agency, also after reopening', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await Promise.all([store.append(1, rows(1, 0, 3), 3), store.append(2, rows(2, 0, 2), 2), store.append(1, rows(1, 3, 1), 1)]);
    expect([store.storedCount(1), store.storedCount(2), store.totalStored]).toEqual([4, 2, 6]);
    await store.close();
    const again = await BetStore.open(path, log, nodeDisk);
    expect([again.storedCount(1), again.storedCount(2), again.length]).toEqual([4, 2, statSync(path).size]);
    await again.close();
  });

  it('concurrent batches share group commits and never interleave', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await Promise.all(Array.from({ length: 40 }, (_, b) => store.append(b + 1, rows(b + 1, 0, 25), 25)));
    expect(store.stats.batches).toBe(40);
    expect(store.stats.groups).toBeLessThan(40);
    await store.close();
    const agencies = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => Number(l.split(',')[0]));
    // Each batch's 25 rows are contiguous.
    for (let i = 0; i < agencies.length; i += 25) expect(new Set(agencies.slice(i, i + 25)).size).toBe(1);
  });

  it('cuts bytes past the commit record at open (a group torn by a crash)', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await store.append(1, rows(1, 0, 10), 10);
    await store.close();
    const committed = statSync(path).size;
    appendFileSync(path, rowText(1, 10, 5) + '1,Half,Writ'); // whole rows and a torn row: none acknowledged
    const again = await BetStore.open(path, log, nodeDisk);
    expect(statSync(path).size).toBe(committed);
    expect(again.storedCount(1)).toBe(10);
    expect(sink.lines.some((l) => l.includes('action: reparar_almacenamiento | result: success'))).toBe(true);
    await again.append(1, rows(1, 10, 1), 1);
    await again.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(11);
  });

  it('without a usable commit record it keeps every complete line and cuts a torn tail', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await store.close();
    writeFileSync(path, rowText(3, 0, 4) + '3,Torn');
    writeFileSync(`${path}.commit`, Buffer.from('garbage garbage!'));
    const again = await BetStore.open(path, log, nodeDisk);
    expect(again.storedCount(3)).toBe(4);
    expect(readFileSync(path, 'utf8')).toBe(rowText(3, 0, 4));
    await again.close();
  });

  it('a commit record longer than the file falls back to whole lines and says so', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await store.close();
    writeFileSync(path, rows(1, 0, 2));
    writeFileSync(`${path}.commit`, encodeSlot(10_000));
    const again = await BetStore.open(path, log, nodeDisk);
    expect(again.storedCount(1)).toBe(2);
    expect(sink.lines.some((l) => l.includes('reason: file shorter than its commit record'))).toBe(true);
    await again.close();
  });

  it('remembers done agencies across reopen, counting each once and ignoring a torn line', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    expect(await store.markDone(4)).toBe(true);
    expect(await store.markDone(4)).toBe(false);
    await store.markDone(7);
    await store.close();
    appendFileSync(`${path}.done`, '12');
    const again = await BetStore.open(path, log, nodeDisk);
    expect([again.isDone(4), again.isDone(7), again.isDone(12), again.doneCount]).toEqual([true, true, false, 2]);
    await again.markDone(9);
    await again.close();
    expect(readFileSync(`${path}.done`, 'utf8')).toBe('4\n7\n9\n');
  });

  it('scan streams only committed lines', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await store.append(1, rows(1, 0, 1000), 1000);
    let n = 0;
    await store.scan(() => n++);
    expect(n).toBe(1000);
    await store.close();
  });

  it('logs the close of each of its files', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await store.close();
    expect(sink.lines.filter((l) => l.includes('action: close | result: success | resource: file'))).toHaveLength(3);
  });
});

describe('BetStore commit log (two slots)', () => {
  it('a crash between the two writes of a group: a newer length past the file is ignored, the older slot wins', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await store.append(1, rows(1, 0, 3), 3);
    await store.close();
    const size = statSync(path).size;
    // The next group's length reached the log, its rows did not (or only partly) reach the file.
    appendFileSync(path, '1,Half');
    writeFileSync(`${path}.commit`, Buffer.concat([encodeSlot(size), encodeSlot(size + 500)]));
    const again = await BetStore.open(path, log, nodeDisk);
    expect([again.length, again.storedCount(1), statSync(path).size]).toEqual([size, 3, size]);
    await again.close();
  });

  it('a torn slot is ignored; the other one holds the committed length', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    await store.append(1, rows(1, 0, 2), 2);
    await store.append(1, rows(1, 2, 2), 2);
    await store.close();
    const size = statSync(path).size;
    const torn = encodeSlot(size);
    torn[15] = torn[15]! ^ 0xff;
    writeFileSync(`${path}.commit`, Buffer.concat([torn, encodeSlot(size)]));
    const again = await BetStore.open(path, log, nodeDisk);
    expect(again.storedCount(1)).toBe(4);
    // Writing goes on after reopening, and the result reopens intact.
    await again.append(1, rows(1, 4, 1), 1);
    await again.close();
    const third = await BetStore.open(path, log, nodeDisk);
    expect(third.storedCount(1)).toBe(5);
    await third.close();
  });
});

describe('BetStore: done is durable before anyone sees it', () => {
  /** Makes the done journal's appendFile calls take `delays[i]` ms, in call order (the disk being slow). */
  function slowJournal(store: BetStore, delays: number[]): void {
    const journal = (store as unknown as { journal: { file: { appendFile: (data: string) => Promise<void> } } }).journal.file;
    const real = journal.appendFile.bind(journal);
    journal.appendFile = async (data: string) => {
      await new Promise((resolve) => setTimeout(resolve, delays.shift() ?? 0));
      return real(data);
    };
  }
  const journalText = () => readFileSync(`${path}.done`, 'utf8');

  it('a second done of the same agency waits for the first to be on disk; no one sees it done before', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    slowJournal(store, [100]);
    const first = store.markDone(3);
    expect(store.isDone(3)).toBe(false);
    expect(store.doneCount).toBe(0);
    // A reconnected client says done again while the first write is under way.
    expect(await store.markDone(3)).toBe(false);
    expect(journalText()).toBe('3\n');
    expect(store.isDone(3)).toBe(true);
    expect(await first).toBe(true);
    await store.close();
  });

  it('journal writes happen one at a time, in the order asked: the draw line after the done lines before it', async () => {
    const store = await BetStore.open(path, log, nodeDisk);
    slowJournal(store, [80, 0, 0]);
    await Promise.all([store.markDone(1), store.markDone(2), store.recordDraw({ bets: 10, winners: 1 })]);
    expect(journalText()).toBe('1\n2\ndraw 10 1\n');
    await store.close();
  });
});
