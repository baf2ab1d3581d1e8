/** The production platform against the platform contract, and against the node calls it stands for. */
import { constants, createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/test-server.js';
import { contractRows, platformContract } from './contract/platform-contract.js';
import { nodeDisk, openFlagsOf } from './node-disk.js';
import { nodePlatform } from './node-platform.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('tp0-platform-');
});
afterEach(() => dir.remove());

describe.each(platformContract)('the Node platform keeps the %s contract', (_seam, cases) => {
  it.each(contractRows(cases))('%s', async (_name, c) => {
    await c.run(nodePlatform, { host: '127.0.0.1', dir: dir.path });
  });
});

describe('the Node disk is the fs calls the store made', () => {
  it('maps each flag set the system opens with onto the same O_* number', () => {
    const { O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_DSYNC, O_TRUNC } = constants;
    expect(openFlagsOf({ access: 'write', append: true, create: true, dsync: true })).toBe(O_WRONLY | O_APPEND | O_CREAT | O_DSYNC);
    expect(openFlagsOf({ access: 'readwrite', create: true, dsync: true })).toBe(O_RDWR | O_CREAT | O_DSYNC);
    expect(openFlagsOf({ access: 'readwrite', append: true, create: true })).toBe(O_RDWR | O_APPEND | O_CREAT); // 'a+'
    expect(openFlagsOf({ access: 'read' })).toBe(O_RDONLY);
    expect(openFlagsOf({ access: 'write', create: true, truncate: true })).toBe(O_WRONLY | O_CREAT | O_TRUNC);
  });

  it('hands out fs/promises FileHandles and fs.ReadStreams themselves', async () => {
    const path = join(dir.path, 'x');
    const fh = await nodeDisk.open(path, { access: 'write', create: true });
    const direct = await open(path, 'r');
    expect(Object.getPrototypeOf(fh)).toBe(Object.getPrototypeOf(direct));
    await fh.writev([Buffer.from('abc\n'.repeat(1000))]);
    await Promise.all([fh.close(), direct.close()]);
    const ours = nodeDisk.readStream(path, { start: 3, end: 2000, highWaterMark: 100 });
    const theirs = createReadStream(path, { start: 3, end: 2000, highWaterMark: 100 });
    expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(theirs));
    const chunks = async (s: AsyncIterable<Buffer>) => {
      const out: number[] = [];
      for await (const c of s) out.push(c.length);
      return out;
    };
    expect(await chunks(ours)).toEqual(await chunks(theirs));
  });

  it('creates with the mode it is given (the store asks for 0644)', async () => {
    const path = join(dir.path, 'mode');
    const fh = await nodeDisk.open(path, { access: 'write', create: true }, 0o644);
    expect(((await fh.stat()) as unknown as { mode: number }).mode & 0o777).toBe(0o644 & ~process.umask());
    await fh.close();
  });
});
