/**
 * The Disk a simulated process sees: its machine's volume, with every operation an event of the
 * process. Read streams read in chunks of up to highWaterMark bytes, often less (any split must
 * do), each chunk a read of what the file holds at that moment.
 */
import { posix } from 'node:path';
import type { Disk, DiskFile, FileReadStream, FileStat, OpenFlags, ReadStreamOptions } from '../../system/platform/disk.js';
import { errnoError } from '../errno.js';
import type { Prng } from '../kernel/prng.js';
import type { SimProcess } from '../process/sim-process.js';
import { SimFile } from './sim-file.js';
import type { SimVolume } from './sim-volume.js';

const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

export class DiskView implements Disk {
  private readonly rng: Prng;

  constructor(
    private readonly volume: SimVolume,
    private readonly proc: SimProcess,
  ) {
    this.rng = volume.sim.rng.derive(`disk.${volume.name}.${proc.id}`);
  }

  open(path: string, flags: OpenFlags): Promise<DiskFile> {
    const p = posix.normalize(path);
    return this.volume.op(this.proc, 'open', p, () => {
      // Only syncDirectory opens a directory (through its own op).
      if (this.volume.isDir(p)) throw errnoError('EISDIR', 'open', p);
      let entry = this.volume.file(p);
      if (!entry) {
        if (!flags.create) throw errnoError('ENOENT', 'open', p);
        entry = this.volume.create(p);
      }
      if (flags.truncate && flags.access !== 'read') entry.image.complete({ kind: 'truncate', length: 0 }, false);
      return new SimFile(this.volume, this.proc, p, entry, flags, this.rng);
    });
  }

  stat(path: string): Promise<FileStat> {
    const p = posix.normalize(path);
    return this.volume.op(this.proc, 'stat', p, () => {
      const entry = this.volume.file(p);
      if (entry) return { size: entry.image.size };
      if (this.volume.isDir(p)) return { size: 4096 };
      throw errnoError('ENOENT', 'stat', p);
    });
  }

  truncate(path: string, length: number): Promise<void> {
    const p = posix.normalize(path);
    return this.volume.op(this.proc, 'truncate', p, () => {
      const entry = this.volume.file(p);
      if (!entry) throw errnoError('ENOENT', 'open', p);
      entry.image.complete({ kind: 'truncate', length }, false);
    });
  }

  mkdir(path: string): Promise<void> {
    const p = posix.normalize(path);
    return this.volume.op(this.proc, 'mkdir', p, () => this.volume.mkdirs(p));
  }

  syncDirectory(path: string): Promise<void> {
    const p = posix.normalize(path);
    if (!this.volume.isDir(p)) return Promise.reject(errnoError('ENOENT', 'open', p));
    const names = this.volume.namesIn(p);
    return this.volume.op(this.proc, 'syncdir', p, () => {
      for (const entry of names) entry.durable = true;
    });
  }

  exists(path: string): boolean {
    const p = posix.normalize(path);
    return this.volume.file(p) !== undefined || this.volume.isDir(p);
  }

  isDirectory(path: string): boolean {
    return this.volume.isDir(posix.normalize(path));
  }

  readStream(path: string, options: ReadStreamOptions = {}): FileReadStream {
    return new SimReadStream(this, posix.normalize(path), options, this.rng);
  }

  /** For the read stream: one positioned read of at most `length` bytes. */
  async readAt(file: DiskFile, position: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await file.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  }
}

class SimReadStream implements FileReadStream {
  private destroyed = false;
  private file: DiskFile | undefined;

  constructor(
    private readonly disk: DiskView,
    private readonly path: string,
    private readonly options: ReadStreamOptions,
    private readonly rng: Prng,
  ) {}

  destroy(): void {
    this.destroyed = true;
    const file = this.file;
    this.file = undefined;
    void file?.close().catch(() => {});
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const hwm = this.options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    let position = this.options.start ?? 0;
    const last = this.options.end ?? Number.POSITIVE_INFINITY;
    try {
      this.file = await this.disk.open(this.path, { access: 'read' });
      while (!this.destroyed && position <= last) {
        const want = Math.min(hwm, last - position + 1);
        const size = this.rng.chance(0.5) ? want : 1 + this.rng.int(want);
        const chunk = await this.disk.readAt(this.file, position, size);
        if (chunk.length === 0) break;
        position += chunk.length;
        yield chunk;
      }
    } finally {
      this.destroy();
    }
  }
}
