import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSingleFile, TarError } from './tar-file.js';

function header(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write(type, 156, 'latin1');
  return h;
}

function pad(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
}

describe('readSingleFile', () => {
  it('returns the regular file, skipping a pax header before it', async () => {
    const pax = Buffer.from('30 path=a/very/long/name/bets.csv\n');
    const body = Buffer.from('1,Ana,Pérez,1,1990-01-01,7574\n'.repeat(40));
    const tar = Buffer.concat([header('PaxHeader', pax.length, 'x'), pad(pax), header('bets.csv', body.length, '0'), pad(body), Buffer.alloc(1024)]);
    expect((await readSingleFile(Readable.from([tar.subarray(0, 700), tar.subarray(700)]))).equals(body)).toBe(true);
  });

  it('an empty file is an empty buffer; no file is an error', async () => {
    expect((await readSingleFile(Readable.from([Buffer.concat([header('bets.csv', 0, '0'), Buffer.alloc(1024)])]))).length).toBe(0);
    await expect(readSingleFile(Readable.from([Buffer.alloc(1024)]))).rejects.toThrow(TarError);
  });
});
