/**
 * A minimal ustar writer: build contexts and root filesystems for `docker build` /
 * `docker import` are made in memory (or streamed from files), never in a temp folder.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';

const BLOCK = 512;

/** One entry of a tar archive. Paths are relative (no leading `/`), `/`-separated. */
export type TarEntry =
  | { kind: 'file'; path: string; content: Buffer | string; mode?: number }
  | { kind: 'host-file'; path: string; source: string; mode?: number }
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'symlink'; path: string; target: string };

export class TarEntryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TarEntryError';
  }
}

function splitName(path: string): { name: string; prefix: string } {
  const bytes = Buffer.byteLength(path);
  if (bytes <= 100) return { name: path, prefix: '' };
  // ustar: prefix (155 bytes) + '/' + name (100 bytes), split at a slash.
  for (let i = path.length - 1; i > 0; i -= 1) {
    if (path[i] !== '/') continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) {
      return { name, prefix };
    }
  }
  throw new TarEntryError(`tar path too long for ustar: ${path}`);
}

function octal(value: number, width: number): string {
  // width includes the trailing NUL.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** The 512-byte ustar header of an entry whose data is `size` bytes. */
export function tarHeader(
  path: string,
  type: '0' | '2' | '5',
  size: number,
  mode: number,
  linkname = '',
): Buffer {
  const clean = path.replace(/^\/+/, '');
  if (clean.length === 0) throw new TarEntryError('tar entry with an empty path');
  const { name, prefix } = splitName(type === '5' && !clean.endsWith('/') ? `${clean}/` : clean);
  if (Buffer.byteLength(linkname) > 100) throw new TarEntryError(`symlink target too long: ${linkname}`);
  const header = Buffer.alloc(BLOCK, 0);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(mode & 0o7777, 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii'); // uid
  header.write(octal(0, 8), 116, 8, 'ascii'); // gid
  header.write(octal(size, 12), 124, 12, 'ascii');
  header.write(octal(0, 12), 136, 12, 'ascii'); // mtime: fixed, so equal inputs give equal tars
  header.write('        ', 148, 8, 'ascii'); // checksum placeholder
  header.write(type, 156, 1, 'ascii');
  header.write(linkname, 157, 100, 'utf8');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('root', 265, 32, 'ascii');
  header.write('root', 297, 32, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

async function entryData(entry: TarEntry): Promise<Buffer> {
  switch (entry.kind) {
    case 'file':
      return typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : entry.content;
    case 'host-file':
      try {
        return await readFile(entry.source);
      } catch (error) {
        throw new TarEntryError(`cannot read ${entry.source} for tar entry ${entry.path}`, { cause: error });
      }
    default:
      return Buffer.alloc(0);
  }
}

async function* tarChunks(entries: readonly TarEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    if (entry.kind === 'dir') {
      yield tarHeader(entry.path, '5', 0, entry.mode ?? 0o755);
    } else if (entry.kind === 'symlink') {
      yield tarHeader(entry.path, '2', 0, 0o777, entry.target);
    } else {
      const data = await entryData(entry);
      yield tarHeader(entry.path, '0', data.length, entry.mode ?? 0o644);
      yield data;
      yield padding(data.length);
    }
  }
  yield Buffer.alloc(BLOCK * 2, 0); // end of archive
}

/** A tar archive of the entries, streamed (host files are read one at a time). */
export function tarStream(entries: readonly TarEntry[]): Readable {
  return Readable.from(tarChunks(entries), { objectMode: false });
}

/** The whole archive in memory (build contexts are small). */
export async function tarBuffer(entries: readonly TarEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tarChunks(entries)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A stable sha256 of named parts (names and bytes both count). */
export function contentHash(parts: ReadonlyArray<readonly [string, Buffer | string]>): string {
  const hash = createHash('sha256');
  for (const [name, data] of parts) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    hash.update(`${name}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}
