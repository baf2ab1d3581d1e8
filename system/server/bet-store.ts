/**
 * Durable, serialized storage of bets in `bets.csv`, with group commit.
 *
 * - append() queues one batch's rows (already formatted). A single writer takes every batch that
 *   is waiting and writes them with one write call; bets.csv is opened with O_DSYNC, so the call
 *   returns once the rows are durable. At the same time the new committed length goes to the
 *   commit log (commit-log.ts). Only when both are done are the batches acknowledged. Rows of two
 *   batches never interleave: only the writer touches the file, one group at a time.
 * - At open, anything past the committed length (a group torn by a crash, never acknowledged) is
 *   cut off, so a batch is in the file whole or not at all. Without a usable commit log (a file
 *   from elsewhere) the tail after the last line break is cut instead.
 * - `<bets>.done` lists the agencies that notified and the draw (done-journal.ts).
 */
import { dirname } from 'node:path';
import type { Logger } from '../log/logger.js';
import type { Disk, DiskFile } from '../platform/disk.js';
import { CommitLog } from './commit-log.js';
import { DoneJournal, type RecordedDraw } from './done-journal.js';
import { rowAgency, scanLines } from './stored-file.js';

export type { RecordedDraw } from './done-journal.js';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

interface PendingBatch {
  readonly data: Buffer;
  readonly agency: number;
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export class BetStore {
  private pending: PendingBatch[] = [];
  private writing: Promise<void> | undefined;
  private failure: StorageError | undefined;
  private closed = false;
  /** Groups written and the batches in them: how much group commit saves. */
  readonly stats = { groups: 0, batches: 0 };

  private constructor(
    readonly path: string,
    private readonly disk: Disk,
    private readonly data: DiskFile,
    private readonly commit: CommitLog,
    private readonly journal: DoneJournal,
    private committedLength: number,
    private readonly counts: Map<number, number>,
    private readonly log: Logger,
  ) {}

  /** Opens (creating) the store's files on `disk` and repairs them; see the file comment. */
  static async open(path: string, log: Logger, disk: Disk): Promise<BetStore> {
    const opened: { close(): Promise<unknown> }[] = [];
    try {
      await disk.mkdir(dirname(path));
      const data = await disk.open(path, { access: 'write', append: true, create: true, dsync: true }, 0o644);
      opened.push(data);
      const { log: commit, lengths } = await CommitLog.open(`${path}.commit`, disk);
      opened.push(commit);
      const journal = await DoneJournal.open(`${path}.done`, disk);
      opened.push(journal);
      await disk.syncDirectory(dirname(path));

      const length = await BetStore.repair(disk, path, commit, lengths, log);
      const counts = new Map<number, number>();
      let malformed = 0;
      await scanLines(disk, path, length, (buf, start, end) => {
        const agency = rowAgency(buf, start, end);
        if (Number.isNaN(agency)) malformed++;
        else counts.set(agency, (counts.get(agency) ?? 0) + 1);
      });
      if (malformed > 0) log.warn('abrir_almacenamiento', 'fail', { path, malformed_rows: malformed });
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      log.info('abrir_almacenamiento', 'success', { path, bets: total, agencies: counts.size, done: journal.doneCount });
      return new BetStore(path, disk, data, commit, journal, length, counts, log);
    } catch (err) {
      await Promise.allSettled(opened.map((fh) => fh.close()));
      throw err instanceof StorageError ? err : new StorageError(`cannot open ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Cuts whatever is past the committed length and returns the length kept. */
  private static async repair(disk: Disk, path: string, commit: CommitLog, lengths: readonly (number | undefined)[], log: Logger): Promise<number> {
    const size = (await disk.stat(path)).size;
    const chosen = CommitLog.choose(lengths, size);
    let keep: number;
    if (chosen) {
      keep = chosen.length;
      commit.settle(chosen.slot);
    } else {
      // No usable record: keep every complete line.
      keep = await scanLines(disk, path, size, () => {});
      if (lengths.some((l) => l !== undefined)) {
        log.warn('reparar_almacenamiento', 'fail', { path, reason: 'file shorter than its commit record', committed: lengths.reduce<number>((max, l) => Math.max(max, l ?? 0), 0), size });
      }
    }
    if (keep < size) {
      await disk.truncate(path, keep);
      log.warn('reparar_almacenamiento', 'success', { path, removed_bytes: size - keep, kept_bytes: keep });
    }
    // A slot past the length kept (a group whose rows never reached the file) goes too: left as it
    // is, it would become "reachable" once the file grows past it, and a later open would keep a
    // length that is no group's end (found by the simulator, seed 5030).
    if (!chosen || keep < size || lengths.some((l) => l !== undefined && l > keep)) await commit.reset(keep);
    return keep;
  }

  /** Bets of `agency` committed so far. */
  storedCount(agency: number): number {
    return this.counts.get(agency) ?? 0;
  }

  get totalStored(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  /** Committed bytes of bets.csv: what a scan reads. */
  get length(): number {
    return this.committedLength;
  }

  /** Queues `count` rows of `agency` (complete lines, UTF-8; kept until written); resolves once they are durable. */
  append(agency: number, rows: Buffer, count: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new StorageError('store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ data: rows, agency, count, resolve, reject });
      this.writing ??= this.writeGroups();
    });
  }

  /** Resolves once every batch queued so far is durable (or failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeGroups(): Promise<void> {
    try {
      while (this.pending.length > 0 && !this.failure) {
        const group = this.pending;
        this.pending = [];
        try {
          await this.writeGroup(group);
        } catch (err) {
          this.failure = new StorageError(`writing ${this.path} failed: ${(err as Error).message}`, { cause: err });
          this.log.error('almacenar', 'fail', { path: this.path, error: (err as Error).message });
          for (const p of [...group, ...this.pending]) p.reject(this.failure);
          this.pending = [];
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** The file is opened for append; loops over short writes. */
  private async writeAll(buffers: Buffer[], bytes: number): Promise<void> {
    let left = bytes;
    while (left > 0) {
      const { bytesWritten } = await this.data.writev(buffers);
      left -= bytesWritten;
      if (left > 0) buffers = dropBytes(buffers, bytesWritten);
    }
  }

  private async writeGroup(group: PendingBatch[]): Promise<void> {
    const buffers = group.map((p) => p.data);
    let bytes = 0;
    for (const b of buffers) bytes += b.length;
    const length = this.committedLength + bytes;
    // Rows and the new length at once; both files are O_DSYNC (see commit-log.ts for why the
    // order between them does not matter).
    await Promise.all([this.writeAll(buffers, bytes), this.commit.write(length)]);
    this.committedLength = length;
    for (const p of group) this.counts.set(p.agency, (this.counts.get(p.agency) ?? 0) + p.count);
    this.stats.groups++;
    this.stats.batches += group.length;
    for (const p of group) p.resolve();
  }

  isDone(agency: number): boolean {
    return this.journal.isDone(agency);
  }

  get doneCount(): number {
    return this.journal.doneCount;
  }

  /** See DoneJournal.markDone: true for the call that recorded it, once it is durable. */
  markDone(agency: number): Promise<boolean> {
    return this.journal.markDone(agency);
  }

  /** The draw, if one was recorded (by this process or one before it). */
  get recordedDraw(): RecordedDraw | undefined {
    return this.journal.recordedDraw;
  }

  /** Records that the draw ran, with its totals; durable when it resolves (before any winner is told). */
  recordDraw(draw: RecordedDraw): Promise<void> {
    return this.journal.recordDraw(draw);
  }

  /** Streams the committed rows; see scanLines. */
  scan(onLine: (buf: Buffer, start: number, end: number) => void): Promise<number> {
    return scanLines(this.disk, this.path, this.committedLength, onLine);
  }

  /** Waits for queued batches, then closes every file, logging each close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    for (const [fh, path] of [
      [this.data, this.path],
      [this.commit, `${this.path}.commit`],
      [this.journal, `${this.path}.done`],
    ] as const) {
      await fh.close();
      this.log.info('close', 'success', { resource: 'file', path });
    }
  }
}

function dropBytes(buffers: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (n >= b.length) {
      n -= b.length;
      continue;
    }
    out.push(n > 0 ? b.subarray(n) : b);
    n = 0;
  }
  return out;
}
