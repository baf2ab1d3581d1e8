/**
 * The disk, behind an interface: what BetStore, the commit log, the done journal, the start-up
 * scan and the client's CSV reader touch. DiskFile is the part of node:fs/promises' FileHandle
 * they use, with the same meaning, so the production disk hands out FileHandle itself
 * (node-disk.ts). Errors carry Node's `code` (ENOENT, ENOSPC, EIO, EBADF, …).
 *
 * Durability is the point of the seam: a write is durable once a datasync() issued after it
 * resolves, or when it resolves on a handle opened with `dsync` (O_DSYNC). A new file's name is
 * durable once its directory is synced. The simulator's disk loses everything else on a crash.
 */

/** How to open a file: the O_* flags by name, so that callers need no node:fs constants. */
export interface OpenFlags {
  readonly access: 'read' | 'write' | 'readwrite';
  /** O_APPEND: every write goes to the end, whatever its position. */
  readonly append?: boolean;
  /** O_CREAT */
  readonly create?: boolean;
  /** O_TRUNC */
  readonly truncate?: boolean;
  /** O_DSYNC: each write returns once its data is durable. */
  readonly dsync?: boolean;
}

export interface FileStat {
  readonly size: number;
}

export interface DiskFile {
  /** Reads into `buffer` from file offset `position`; bytesRead is short at the end of the file. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  /** The rest of the file from the handle's position (the whole file on a fresh handle). */
  readFile(): Promise<Buffer>;
  /** Writes at `position` (ignored with `append`); bytesWritten may be short. */
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  /** Writes the buffers in order at the handle's position (the end with `append`); may be short. */
  writev(buffers: Buffer[]): Promise<{ bytesWritten: number }>;
  /** Writes all of `data` at the end (for a handle opened with `append`). */
  appendFile(data: string | Buffer): Promise<void>;
  truncate(length: number): Promise<void>;
  /** Makes every write that completed before it durable (fdatasync). */
  datasync(): Promise<void>;
  stat(): Promise<FileStat>;
  close(): Promise<void>;
}

export interface ReadStreamOptions {
  /** First byte, inclusive (default 0). */
  readonly start?: number;
  /** Last byte, inclusive (default: the end of the file). */
  readonly end?: number;
  /** Largest chunk (default 64 KiB). */
  readonly highWaterMark?: number;
}

/** The bytes of a file in order, in chunks of at most highWaterMark; fs.ReadStream has this shape. */
export interface FileReadStream extends AsyncIterable<Buffer> {
  /** Stops reading and closes the file. */
  destroy(): void;
}

export interface Disk {
  open(path: string, flags: OpenFlags, mode?: number): Promise<DiskFile>;
  stat(path: string): Promise<FileStat>;
  truncate(path: string, length: number): Promise<void>;
  /** Creates the directory and its missing parents. */
  mkdir(path: string): Promise<void>;
  /** Makes the directory's entries (files created or removed in it) durable: open, fsync, close. */
  syncDirectory(path: string): Promise<void>;
  /** Opens lazily: a missing file fails the first read. */
  readStream(path: string, options?: ReadStreamOptions): FileReadStream;
  /** Synchronous, like existsSync: the client decides on its source before anything else. */
  exists(path: string): boolean;
  /** Synchronous, like statSync(path).isDirectory(); false for a missing path. */
  isDirectory(path: string): boolean;
}
