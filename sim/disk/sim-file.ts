/**
 * A simulated file handle: a DiskFile with FileHandle's meaning (checked against FileHandle by
 * the platform contract tests). With `append` every write lands at the end, also a positioned
 * one (as Linux's pwrite does with O_APPEND); with `dsync` a write is durable when it resolves.
 * A handle of a process that died is closed (EBADF); the OS lets its writes in flight land, or
 * not, at random.
 */
import type { DiskFile, FileStat, OpenFlags } from '../../system/platform/disk.js';
import { errnoError } from '../errno.js';
import type { Prng } from '../kernel/prng.js';
import type { ProcessResource, Release, SimProcess } from '../process/sim-process.js';
import type { FileOp } from './file-image.js';
import type { DiskFault, SimVolume } from './sim-volume.js';

type FileEntry = NonNullable<ReturnType<SimVolume['file']>>;

export class SimFile implements DiskFile, ProcessResource {
  private closed = false;
  private position = 0;
  /** Its path while open (what the process model reports if the program exits without closing it). */
  get openFile(): string | undefined {
    return this.closed ? undefined : this.path;
  }

  constructor(
    private readonly volume: SimVolume,
    private readonly proc: SimProcess,
    readonly path: string,
    private readonly entry: FileEntry,
    private readonly flags: OpenFlags,
    private readonly rng: Prng,
  ) {
    proc.track(this);
  }

  private check(syscall: string): void {
    if (this.closed) throw errnoError('EBADF', syscall);
  }

  /** As the O_* bits say: any other access value is O_RDONLY's 0 (what node-disk.ts's openFlagsOf makes of it). */
  private get writable(): boolean {
    return this.flags.access === 'write' || this.flags.access === 'readwrite';
  }

  private get readable(): boolean {
    return this.flags.access !== 'write';
  }

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    this.check('read');
    if (!this.readable) throw errnoError('EBADF', 'read');
    return this.volume.op(this.proc, 'read', this.path, () => {
      const bytes = this.entry.image.cache.view(position, position + length);
      bytes.copy(buffer, offset);
      return { bytesRead: bytes.length };
    });
  }

  async readFile(): Promise<Buffer> {
    this.check('read');
    if (!this.readable) throw errnoError('EBADF', 'read');
    return this.volume.op(this.proc, 'read', this.path, () => {
      const bytes = Buffer.from(this.entry.image.cache.view(this.position));
      this.position += bytes.length;
      return bytes;
    });
  }

  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> {
    return this.put(Buffer.from(buffer.subarray(offset, offset + length)), this.flags.append ? 'end' : position, false);
  }

  writev(buffers: Buffer[]): Promise<{ bytesWritten: number }> {
    return this.put(Buffer.concat(buffers), this.flags.append ? 'end' : this.position, true);
  }

  /** Like FileHandle.appendFile, it writes until every byte is written (a short write goes on). */
  async appendFile(data: string | Buffer): Promise<void> {
    let rest = Buffer.from(data);
    while (rest.length > 0) {
      const { bytesWritten } = await this.put(rest, this.flags.append ? 'end' : this.position, true);
      rest = rest.subarray(bytesWritten);
    }
  }

  /** One write: in flight until it completes (a crash may land part of it), then in the cache. */
  private async put(bytes: Buffer, position: number | 'end', advance: boolean): Promise<{ bytesWritten: number }> {
    this.check('write');
    if (!this.writable) throw errnoError('EBADF', 'write');
    const pending: FileOp = { kind: 'write', position, bytes };
    this.entry.inFlight.add(pending);
    try {
      return await this.volume.op(this.proc, 'write', this.path, (fault: DiskFault | undefined) => {
        const stored = fault?.code === 'short' ? bytes.subarray(0, Math.max(1, bytes.length >> 1)) : bytes;
        const at = this.entry.image.complete({ kind: 'write', position, bytes: stored }, this.flags.dsync === true);
        if (advance) this.position = at + stored.length;
        return { bytesWritten: stored.length };
      });
    } finally {
      this.entry.inFlight.delete(pending);
    }
  }

  async truncate(length: number): Promise<void> {
    this.check('ftruncate');
    if (!this.writable) throw errnoError('EBADF', 'ftruncate');
    await this.volume.op(this.proc, 'truncate', this.path, () => {
      this.entry.image.complete({ kind: 'truncate', length }, false);
    });
  }

  async datasync(): Promise<void> {
    this.check('fdatasync');
    const mark = this.entry.image.syncMark();
    await this.volume.op(this.proc, 'datasync', this.path, () => this.entry.image.synced(mark));
  }

  async stat(): Promise<FileStat> {
    this.check('fstat');
    return this.volume.op(this.proc, 'stat', this.path, () => ({ size: this.entry.image.size }));
  }

  async close(): Promise<void> {
    this.check('close');
    this.closed = true;
    this.proc.untrack(this);
    await this.volume.op(this.proc, 'close', this.path, () => undefined);
  }

  /** The process died: closed. On a kill each write in flight lands or not (a crash decides for itself). */
  release(how: Release): void {
    this.closed = true;
    if (how === 'crash') return;
    for (const op of [...this.entry.inFlight]) {
      this.entry.inFlight.delete(op);
      if (this.rng.chance(0.5)) this.entry.image.complete(op, this.flags.dsync === true);
    }
  }
}
