import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash, tarBuffer, tarHeader, TarEntryError, tarStream } from './build-context.js';

const dir = mkdtempSync(join(tmpdir(), 'tp0-tar-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tarList(archive: Buffer): string[] {
  return execFileSync('tar', ['-tvf', '-'], { input: archive }).toString().trim().split('\n');
}

describe('tar writer', () => {
  const longPath = `${'deep/'.repeat(30)}file.txt`;
  const hostFile = join(dir, 'host.bin');
  writeFileSync(hostFile, Buffer.from([0, 1, 2, 255]));

  it('writes an archive that GNU tar reads: files, folders, symlinks, modes, long paths', async () => {
    const archive = await tarBuffer([
      { kind: 'dir', path: 'tmp', mode: 0o1777 },
      { kind: 'file', path: 'Dockerfile', content: 'FROM scratch\n' },
      { kind: 'file', path: 'bin/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
      { kind: 'host-file', path: 'usr/lib/host.bin', source: hostFile },
      { kind: 'symlink', path: 'bin/sh', target: '/bin/busybox' },
      { kind: 'file', path: longPath, content: 'deep' },
    ]);
    expect(archive.length % 512).toBe(0);
    const listing = tarList(archive);
    expect(listing[0]).toMatch(/^drwxrwxrwt .* tmp\/$/);
    expect(listing[1]).toMatch(/^-rw-r--r-- .* 13 .* Dockerfile$/);
    expect(listing[2]).toMatch(/^-rwxr-xr-x .* bin\/run\.sh$/);
    expect(listing[3]).toMatch(/ 4 .* usr\/lib\/host\.bin$/);
    expect(listing[4]).toMatch(/^lrwxrwxrwx .* bin\/sh -> \/bin\/busybox$/);
    expect(listing[5]?.endsWith(longPath)).toBe(true);
    const extracted = execFileSync('tar', ['-xOf', '-', 'usr/lib/host.bin'], { input: archive });
    expect([...extracted]).toEqual([0, 1, 2, 255]);
    expect(execFileSync('tar', ['-xOf', '-', longPath], { input: archive }).toString()).toBe('deep');
  });

  it('gives the same bytes for the same entries (fixed mtime and owner)', async () => {
    const entries = [{ kind: 'file', path: 'a', content: 'x' }] as const;
    expect((await tarBuffer(entries)).equals(await tarBuffer(entries))).toBe(true);
  });

  it('streams the same bytes as it buffers', async () => {
    const entries = [{ kind: 'host-file', path: 'h', source: hostFile }] as const;
    const chunks: Buffer[] = [];
    for await (const chunk of tarStream(entries)) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks).equals(await tarBuffer(entries))).toBe(true);
  });

  it('refuses empty or too long paths and a missing host file', async () => {
    expect(() => tarHeader('', '0', 0, 0o644)).toThrow(TarEntryError);
    expect(() => tarHeader('x'.repeat(300), '0', 0, 0o644)).toThrow(TarEntryError);
    await expect(tarBuffer([{ kind: 'host-file', path: 'm', source: join(dir, 'missing') }])).rejects.toThrow(TarEntryError);
  });
});

describe('contentHash', () => {
  it('depends on names and bytes, and on where one part ends', () => {
    const base = contentHash([['a', 'xy'], ['b', 'z']]);
    expect(contentHash([['a', 'xy'], ['b', 'z']])).toBe(base);
    expect(contentHash([['a', 'x'], ['b', 'yz']])).not.toBe(base);
    expect(contentHash([['a', 'xy'], ['c', 'z']])).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});
