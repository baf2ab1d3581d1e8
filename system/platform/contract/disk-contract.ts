/** The Disk contract (see contract.ts): what BetStore, the commit log and the CSV reader rely on. */
import assert from 'node:assert/strict';
import type { Disk, DiskFile } from '../disk.js';
import type { ContractCase } from './contract.js';

const DATA_FLAGS = { access: 'write', append: true, create: true, dsync: true } as const;
const JOURNAL_FLAGS = { access: 'readwrite', append: true, create: true } as const;
const SLOTS_FLAGS = { access: 'readwrite', create: true, dsync: true } as const;

async function contentOf(disk: Disk, path: string): Promise<string> {
  const fh = await disk.open(path, { access: 'read' });
  try {
    return (await fh.readFile()).toString();
  } finally {
    await fh.close();
  }
}

async function streamed(disk: Disk, path: string, options?: Parameters<Disk['readStream']>[1]): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of disk.readStream(path, options)) parts.push(chunk);
  return Buffer.concat(parts).toString();
}

const code = (c: string) => (err: NodeJS.ErrnoException) => err.code === c;

export const diskContract: readonly ContractCase[] = [
  {
    name: 'an append handle writes at the end, also when given a position; writev reports every byte',
    async run({ disk }, { dir }) {
      const path = `${dir}/bets.csv`;
      const fh = await disk.open(path, DATA_FLAGS, 0o644);
      assert.equal((await fh.writev([Buffer.from('1,a\n'), Buffer.from('2,b\n')])).bytesWritten, 8);
      await fh.write(Buffer.from('3,c\n'), 0, 4, 0);
      assert.equal((await fh.stat()).size, 12);
      await fh.close();
      assert.equal(await contentOf(disk, path), '1,a\n2,b\n3,c\n');
    },
  },
  {
    name: 'a read-write handle writes and reads at positions; a read past the end is short',
    async run({ disk }, { dir }) {
      const path = `${dir}/bets.csv.commit`;
      const fh = await disk.open(path, SLOTS_FLAGS, 0o644);
      await fh.write(Buffer.from('AAAABBBB'), 0, 8, 0);
      await fh.write(Buffer.from('cc'), 0, 2, 6);
      const buf = Buffer.alloc(16);
      const { bytesRead } = await fh.read(buf, 0, 16, 0);
      assert.equal(bytesRead, 8);
      assert.equal(buf.subarray(0, 8).toString(), 'AAAABBcc');
      assert.equal((await fh.read(Buffer.alloc(4), 0, 4, 100)).bytesRead, 0);
      await fh.close();
    },
  },
  {
    name: 'the journal: a fresh a+ handle reads the whole file, truncates, appends, syncs',
    async run({ disk }, { dir }) {
      const path = `${dir}/bets.csv.done`;
      const first = await disk.open(path, JOURNAL_FLAGS);
      await first.appendFile('1\n2\n3');
      await first.datasync();
      await first.close();
      const fh = await disk.open(path, JOURNAL_FLAGS);
      const bytes = await fh.readFile();
      assert.equal(bytes.toString(), '1\n2\n3');
      await fh.truncate(bytes.lastIndexOf(0x0a) + 1);
      await fh.appendFile('4\n');
      await fh.datasync();
      await fh.close();
      assert.equal(await contentOf(disk, path), '1\n2\n4\n');
    },
  },
  {
    name: 'stat and truncate by path; a missing file is ENOENT for stat, open and a read stream',
    async run({ disk }, { dir }) {
      const path = `${dir}/f`;
      const fh = await disk.open(path, { access: 'write', create: true });
      await fh.writev([Buffer.from('0123456789')]);
      await fh.close();
      assert.equal((await disk.stat(path)).size, 10);
      await disk.truncate(path, 4);
      assert.equal((await disk.stat(path)).size, 4);
      assert.equal(await contentOf(disk, path), '0123');
      await assert.rejects(disk.stat(`${dir}/missing`), code('ENOENT'));
      await assert.rejects(disk.open(`${dir}/missing`, { access: 'read' }), code('ENOENT'));
      await assert.rejects(streamed(disk, `${dir}/missing`), code('ENOENT'));
    },
  },
  {
    name: 'a read stream gives the bytes from start to end inclusive, in chunks of at most highWaterMark',
    async run({ disk }, { dir }) {
      const path = `${dir}/agency-1.csv`;
      const text = Array.from({ length: 500 }, (_, i) => `Ana,Pérez,${1000 + i},1990-01-01,${i}\n`).join('');
      const fh = await disk.open(path, { access: 'write', create: true, truncate: true });
      await fh.writev([Buffer.from(text)]);
      await fh.close();
      assert.equal(await streamed(disk, path), text);
      assert.equal(await streamed(disk, path, { start: 0, end: 99, highWaterMark: 7 }), Buffer.from(text).subarray(0, 100).toString());
      let largest = 0;
      for await (const chunk of disk.readStream(path, { highWaterMark: 1000 })) largest = Math.max(largest, chunk.length);
      assert.ok(largest <= 1000);
      const stream = disk.readStream(path, { highWaterMark: 16 });
      for await (const _ of stream) break;
      stream.destroy();
    },
  },
  {
    name: 'mkdir makes parents; exists sees files and directories, isDirectory only directories; syncDirectory syncs a directory and refuses a missing one',
    async run({ disk }, { dir }) {
      await disk.mkdir(`${dir}/out/deep`);
      await disk.mkdir(`${dir}/out/deep`);
      assert.equal(disk.exists(`${dir}/out/deep`), true);
      assert.equal(disk.exists(`${dir}/out/none`), false);
      const fh = await disk.open(`${dir}/out/deep/x`, { access: 'write', create: true });
      await fh.close();
      assert.equal(disk.exists(`${dir}/out/deep/x`), true);
      assert.deepEqual([disk.isDirectory(`${dir}/out/deep`), disk.isDirectory(`${dir}/out/deep/x`), disk.isDirectory(`${dir}/out/none`)], [true, false, false]);
      await disk.syncDirectory(`${dir}/out/deep`);
      await assert.rejects(disk.syncDirectory(`${dir}/nowhere`), code('ENOENT'));
    },
  },
  {
    name: 'a closed handle is EBADF; a read-only handle refuses writes, a write-only one refuses reads',
    async run({ disk }, { dir }) {
      const path = `${dir}/g`;
      const fh: DiskFile = await disk.open(path, { access: 'write', create: true });
      await fh.close();
      await assert.rejects(fh.writev([Buffer.from('x')]), code('EBADF'));
      const ro = await disk.open(path, { access: 'read' });
      await assert.rejects(ro.writev([Buffer.from('x')]), code('EBADF'));
      await ro.close();
      const wo = await disk.open(path, { access: 'write' });
      await assert.rejects(wo.read(Buffer.alloc(1), 0, 1, 0), code('EBADF'));
      await wo.close();
    },
  },
];

