/**
 * The production Disk: node:fs. A DiskFile is fs/promises' FileHandle itself and a read stream
 * is fs.createReadStream's, so behaviour is exactly what the callers had with fs directly.
 */
import { constants, createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, open, stat, truncate } from 'node:fs/promises';
import type { Disk, DiskFile, FileReadStream, OpenFlags } from './disk.js';

const ACCESS = { read: constants.O_RDONLY, write: constants.O_WRONLY, readwrite: constants.O_RDWR } as const;

/** The O_* number for `flags`. */
export function openFlagsOf(flags: OpenFlags): number {
  let n: number = ACCESS[flags.access];
  if (flags.append) n |= constants.O_APPEND;
  if (flags.create) n |= constants.O_CREAT;
  if (flags.truncate) n |= constants.O_TRUNC;
  if (flags.dsync) n |= constants.O_DSYNC;
  return n;
}

export const nodeDisk: Disk = {
  async open(path, flags, mode = 0o666): Promise<DiskFile> {
    return open(path, openFlagsOf(flags), mode);
  },
  async stat(path) {
    return stat(path);
  },
  truncate: (path, length) => truncate(path, length),
  async mkdir(path) {
    await mkdir(path, { recursive: true });
  },
  async syncDirectory(path) {
    const fh = await open(path, 'r');
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
  },
  readStream(path, options = {}): FileReadStream {
    return createReadStream(path, options);
  },
  exists: (path) => existsSync(path),
  isDirectory: (path) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true,
};
