/**
 * `<bets>.commit`: how much of bets.csv is committed (acknowledged). Two 16-byte slots, written
 * alternately; each holds a length and its XOR-masked copy, so a torn slot is recognised.
 *
 * A group writes its rows to bets.csv and its new length to the older slot at the same time, both
 * opened with O_DSYNC (durable when the write returns), and is acknowledged when both are done.
 * The other slot still holds the previous group's length, whose rows are durable. At start-up the
 * larger valid length that the file really reaches is the committed one: a crash in the middle of
 * a group leaves either that group whole (both writes landed) or the previous length.
 */
import type { Disk, DiskFile } from '../platform/disk.js';

export const SLOT_SIZE = 16;
const SLOTS = 2;
const MASK = 0xa5a5_a5a5_a5a5_a5a5n;

export function encodeSlot(length: number): Buffer {
  const buf = Buffer.alloc(SLOT_SIZE);
  buf.writeBigUInt64BE(BigInt(length), 0);
  buf.writeBigUInt64BE(BigInt(length) ^ MASK, 8);
  return buf;
}

/** The length in a slot, or undefined when the slot is empty or torn. */
export function decodeSlot(buf: Buffer): number | undefined {
  if (buf.length < SLOT_SIZE) return undefined;
  const a = buf.readBigUInt64BE(0);
  const b = buf.readBigUInt64BE(8);
  return (a ^ MASK) === b ? Number(a) : undefined;
}

export class CommitLog {
  private constructor(
    private readonly fh: DiskFile,
    /** The slot holding the current committed length; the next write goes to the other one. */
    private current: number,
  ) {}

  /** Opens (creating) the log on `disk`; `lengths` are the valid lengths found in each slot. */
  static async open(path: string, disk: Disk): Promise<{ log: CommitLog; lengths: (number | undefined)[] }> {
    const fh = await disk.open(path, { access: 'readwrite', create: true, dsync: true }, 0o644);
    const buf = Buffer.alloc(SLOT_SIZE * SLOTS);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const lengths = [0, 1].map((i) => (bytesRead >= (i + 1) * SLOT_SIZE ? decodeSlot(buf.subarray(i * SLOT_SIZE, (i + 1) * SLOT_SIZE)) : undefined));
    return { log: new CommitLog(fh, 0), lengths };
  }

  /**
   * The committed length for a data file of `size` bytes: the largest valid slot it reaches.
   * Undefined when no slot is usable (a file from elsewhere, or one shorter than every slot).
   */
  static choose(lengths: readonly (number | undefined)[], size: number): { length: number; slot: number } | undefined {
    let best: { length: number; slot: number } | undefined;
    lengths.forEach((length, slot) => {
      if (length !== undefined && length <= size && (best === undefined || length > best.length)) best = { length, slot };
    });
    return best;
  }

  /** Says which slot holds the committed length (the next write goes to the other). */
  settle(slot: number): void {
    this.current = slot;
  }

  /** Writes `length` to the slot not holding the committed length; durable when it resolves. */
  async write(length: number): Promise<void> {
    const next = (this.current + 1) % SLOTS;
    await this.fh.write(encodeSlot(length), 0, SLOT_SIZE, next * SLOT_SIZE);
    this.current = next;
  }

  /** Writes `length` to both slots (after a repair, so no older length survives). */
  async reset(length: number): Promise<void> {
    await this.fh.write(Buffer.concat([encodeSlot(length), encodeSlot(length)]), 0, SLOT_SIZE * SLOTS, 0);
    this.current = 0;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}
